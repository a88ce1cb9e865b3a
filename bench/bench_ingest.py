"""Corpus ingest benchmark: articles per second at 1 and 2 workers, peak memory per worker,
store size per 1,000 articles.

    .venv/bin/python bench/bench_ingest.py                 # 10,000 synthetic articles
    .venv/bin/python bench/bench_ingest.py --n 2000 --workers 1 2 --scheduler processes
    .venv/bin/python bench/bench_ingest.py --n 10000 --workers 2 --checks   # + cost of the store checks

The corpus comes from bench/make_corpus.py (template sentences + gazetteer city names), written
once to ``bench/out/corpus-<n>`` as .txt files with front matter.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from make_corpus import write_corpus  # noqa: E402


def dir_bytes(p: Path) -> int:
    return sum(f.stat().st_size for f in p.rglob("*") if f.is_file())


def _best_of(n: int, fn: object) -> float:
    assert callable(fn)
    best = float("inf")
    for _ in range(n):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return round(best, 3)


def check_costs(store_dir: Path, corpus: Path) -> dict[str, object]:
    """Seconds (best of 3) for the store checks of mapapp.corpus.storecheck against plain reads."""
    import pyarrow.parquet as pq

    from mapapp.corpus.ingest import ingest
    from mapapp.corpus.store import open_store
    from mapapp.corpus.storecheck import _STRUCTURE_OK, check_values

    st = open_store(store_dir)
    files = st.files("events")
    table = pq.ParquetDataset([str(f) for f in files]).read()

    def cold(level: str) -> None:
        _STRUCTURE_OK.clear()  # as in a fresh process
        assert not st.problems(level)

    t0 = time.perf_counter()
    rerun = ingest([corpus], store_dir, scheduler="sync", stream=None)
    assert rerun.ingested == 0
    return {
        "store": str(store_dir),
        "batches": len(files),
        "events": st.counts()["events"],
        "plain_read_events_s": _best_of(3, lambda: pq.ParquetDataset([str(f) for f in files]).read()),
        "checked_read_events_cold_s": _best_of(3, lambda: (_STRUCTURE_OK.clear(), st.table("events"))),
        "checked_read_events_warm_s": _best_of(3, lambda: st.table("events")),
        "value_check_of_that_table_s": _best_of(3, lambda: check_values(table, store_dir, store_dir)),
        "problems_structure_s": _best_of(3, lambda: cold("structure")),
        "problems_values_s": _best_of(3, lambda: cold("values")),
        "problems_full_s": _best_of(1, lambda: cold("full")),
        "noop_reingest_s": round(time.perf_counter() - t0, 2),
    }


def main(argv: list[str] | None = None) -> int:
    from mapapp.corpus.ingest import ingest

    ap = argparse.ArgumentParser(description="Corpus ingest benchmark")
    ap.add_argument("--n", type=int, default=10_000, help="articles (default 10,000)")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--scheduler", default="processes")
    ap.add_argument("--batch-size", type=int, default=50)
    ap.add_argument("--out", default=str(HERE / "out"))
    ap.add_argument("--checks", action="store_true", help="also time the store checks on the last store")
    ap.add_argument("--checks-only", action="store_true", help="only time the checks (store of an earlier run)")
    a = ap.parse_args(argv)
    out = Path(a.out)
    corpus = out / f"corpus-{a.n}"
    if a.checks_only:
        print(json.dumps(check_costs(out / f"store-{a.n}-{a.workers[-1]}w", corpus)), flush=True)
        return 0
    if not (corpus / "synth-000000.txt").is_file() or len(list(corpus.glob("*.txt"))) != a.n:
        shutil.rmtree(corpus, ignore_errors=True)
        t = time.perf_counter()
        write_corpus(corpus, a.n)
        print(
            f"corpus: {a.n:,} articles in {corpus} ({time.perf_counter() - t:.1f} s, {dir_bytes(corpus) / 1e6:.1f} MB)",
            file=sys.stderr,
        )
    results = []
    for w in a.workers:
        store = out / f"store-{a.n}-{w}w"
        shutil.rmtree(store, ignore_errors=True)
        rep = ingest([corpus], store, scheduler=a.scheduler, workers=w, batch_size=a.batch_size, stream=sys.stderr)
        size = dir_bytes(store)
        peak_mb = max((rss for _, rss in rep.worker_stats.values()), default=0) / 1024
        row = {
            "workers": w,
            "scheduler": a.scheduler,
            "articles": rep.ingested,
            "seconds": round(rep.seconds, 1),
            "articles_per_s": round(rep.rate, 1),
            "events": rep.events,
            "mentions": rep.mentions,
            "failures": len(rep.failures),
            "peak_rss_mb_per_worker": round(peak_mb, 1),
            "gazetteer_loads_per_worker": sorted({n for n, _ in rep.worker_stats.values()}),
            "store_mb": round(size / 1e6, 2),
            "store_mb_per_1000_articles": round(size / 1e6 / max(rep.ingested, 1) * 1000, 3),
        }
        results.append(row)
        print(json.dumps(row), flush=True)
    if a.checks:
        print(json.dumps(check_costs(out / f"store-{a.n}-{a.workers[-1]}w", corpus)), flush=True)
    if len(results) >= 2 and results[0]["articles_per_s"]:
        ratio = results[-1]["articles_per_s"] / results[0]["articles_per_s"]  # type: ignore[operator]
        print(
            json.dumps(
                {
                    "scaling_ratio": round(ratio, 2),
                    "from_workers": results[0]["workers"],
                    "to_workers": results[-1]["workers"],
                }
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Geoparser benchmark: accuracy (scored by the shared scorer), speed, load time, memory.

Usage (from the repository root)::

    .venv/bin/python bench/bench_geoparse.py ../shared/bench/geoparse/lgl.jsonl ../shared/bench/geoparse/geovirus.jsonl

For each corpus it writes predictions to ``bench/out/<name>.pred.jsonl`` through the same
``mapapp geoparse --batch`` code path, runs ``score.py`` (found beside the corpus, or
``--scorer``) and prints a Markdown table row. The corpora are only read, never copied.

It then prints the accuracy of the resolved toponyms by confidence bucket (exact-span matches
with the gold, error < 161 km), the first corpus's first-pass speed after load over ``--runs``
fresh processes (median and range, CPU time), and, with ``--growth``, the cost of one ``geoparse`` call as the
input grows from 1 KB to 1 MB (wall time, CPU time, peak traced memory).
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def load_time_s(repeats: int = 3) -> float:
    """Median wall time of a fresh process importing mapapp and geoparsing one sentence."""
    code = (
        "import time; t=time.perf_counter(); from mapapp.text.geoparse.parser import geoparse; "
        "geoparse('Kyiv and Kursk.'); print(time.perf_counter()-t)"
    )
    times = []
    for _ in range(repeats):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        times.append(float(out.stdout.strip()))
    return sorted(times)[len(times) // 2]


def first_pass_rates(corpus: Path, runs: int = 5) -> list[float]:
    """Docs/s of the first pass over ``corpus`` after load, CPU time, one fresh process per run
    (single runs vary by +-5 % on a shared machine: report the median)."""
    code = (
        "import json, sys, time\n"
        "from mapapp.text.geoparse.parser import Geoparser\n"
        "docs = [json.loads(x)['text'] for x in open(sys.argv[1], encoding='utf-8') if x.strip()]\n"
        "p = Geoparser(); p.parse('Kyiv and Kursk.')\n"
        "c = time.process_time()\n"
        "for d in docs: p.parse(d)\n"
        "print(len(docs) / (time.process_time() - c))\n"
    )
    rates = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", code, str(corpus)], capture_output=True, text=True, check=True)
        rates.append(float(out.stdout.strip()))
    return sorted(rates)


BUCKETS = [(0.0, 0.3), (0.3, 0.5), (0.5, 0.7), (0.7, 0.9), (0.9, 0.99), (0.99, 1.01)]


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(min(1.0, h)))


def confidence_table(pairs: list[tuple[float, bool]]) -> None:
    """Accuracy@161 km of resolved toponyms (exact span in the gold) by confidence bucket."""
    print("\n| confidence | toponyms | mean confidence | accuracy@161 |\n|---|---|---|---|")
    for lo, hi in BUCKETS:
        got = [(c, ok) for c, ok in pairs if lo <= c < hi]
        acc = f"{sum(ok for _, ok in got) / len(got):.3f}" if got else "-"
        mean = f"{sum(c for c, _ in got) / len(got):.3f}" if got else "-"
        label = f"[{lo:.2f}, {min(hi, 1.0):.2f}{']' if hi > 1 else ')'}"
        print(f"| {label} | {len(got)} | {mean} | {acc} |")


AMBIGUOUS = (
    "Springfield", "Alexandria", "Columbia", "Paris", "Georgetown", "Franklin", "Clinton", "Salem", "Madison",
    "Washington", "Arlington", "Richmond", "Jackson", "Marion", "Greenville", "Fairview", "Kingston", "Victoria",
    "San Jose", "Santa Cruz", "Andriivka", "Mykolaivka", "Novoselivka", "Ivanivka", "Petrivka",
)  # fmt: skip


def growth(sizes_kb: tuple[int, ...] = (1, 10, 20, 100, 1000)) -> None:
    """Cost of one geoparse call against input size: news-like prose, and issue 15's reproduction
    (". ".join of names that each have at least 5 gazetteer entries)."""
    import tracemalloc

    from mapapp.data.gazetteer import get_gazetteer
    from mapapp.text.geoparse.parser import geoparse

    para = (
        "Russian drones struck Kharkiv and Sumy overnight, officials in Kyiv said. Fighting went on near "
        "Springfield, Alexandria, Columbia, Paris and Georgetown, far from Washington and Richmond.\n"
    )
    names = [n for n in AMBIGUOUS if len(get_gazetteer().candidates(n)) >= 5]
    geoparse(para)  # load
    for label, unit in (("prose", para), ("ambiguous names", ". ".join(names) + ". ")):
        print(
            f"\n{label}\n\n| input | toponyms | wall s | CPU s | µs/char | peak traced MB |\n|---|---|---|---|---|---|"
        )
        _growth_rows(unit, sizes_kb, geoparse, tracemalloc)


def _growth_rows(para: str, sizes_kb: tuple[int, ...], geoparse: Any, tracemalloc: Any) -> None:
    for kb in sizes_kb:
        text = (para * (kb * 1024 // len(para) + 1))[: kb * 1024]
        tracemalloc.start()
        t0, c0 = time.perf_counter(), time.process_time()
        ms = geoparse(text)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
        print(f"| {kb:,} KB | {len(ms):,} | {wall:.2f} | {cpu:.2f} | {1e6 * cpu / len(text):.1f} | {peak:.0f} |")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpora", nargs="*", type=Path, help="gold JSONL corpora")
    ap.add_argument("--scorer", type=Path, help="score.py (default: beside the first corpus)")
    ap.add_argument("--out-dir", type=Path, default=ROOT / "bench" / "out")
    ap.add_argument("--growth", action="store_true", help="also time one call on 1 KB .. 1 MB of text")
    ap.add_argument("--growth-only", action="store_true", help="only the 1 KB .. 1 MB growth tables")
    ap.add_argument("--runs", type=int, default=5, help="fresh processes timing the first corpus's first pass")
    args = ap.parse_args()
    if args.growth_only:
        growth()
        return 0

    from mapapp.text.geoparse.parser import Geoparser

    parser = Geoparser()
    args.out_dir.mkdir(parents=True, exist_ok=True)
    pairs: list[tuple[float, bool]] = []
    print("| corpus | P | R | F1 | acc@161 | AUC | e2e F1@161 | docs/s (1 core) |")
    print("|---|---|---|---|---|---|---|---|")
    for corpus in args.corpora:
        docs = [json.loads(line) for line in corpus.open(encoding="utf-8") if line.strip()]
        pred_path = args.out_dir / f"{corpus.stem}.pred.jsonl"
        t0 = time.perf_counter()
        preds = []
        for d in docs:
            ms = parser.parse(d["text"])
            preds.append(
                {
                    "id": d["id"],
                    "toponyms": [
                        {
                            "start": m.start,
                            "end": m.end,
                            "name": m.surface,
                            "lat": m.place.lat if m.place else None,
                            "lon": m.place.lon if m.place else None,
                        }
                        for m in ms
                    ],
                    "_scores": [m.score for m in ms],
                }
            )
        dt = time.perf_counter() - t0
        for d, p in zip(docs, preds, strict=True):
            gold = {(g["start"], g["end"]): g for g in d.get("toponyms", [])}
            for t, m in zip(p["toponyms"], p["_scores"], strict=True):
                g = gold.get((t["start"], t["end"]))
                if g is not None and t["lat"] is not None and g.get("lat") is not None:
                    pairs.append((m, _km(t["lat"], t["lon"], g["lat"], g["lon"]) < 161))
            del p["_scores"]
        with pred_path.open("w", encoding="utf-8") as fh:
            for p in preds:
                fh.write(json.dumps(p) + "\n")
        scorer = args.scorer or corpus.parent / "score.py"
        res = subprocess.run(
            [sys.executable, str(scorer), str(corpus), str(pred_path), "--json"],
            capture_output=True,
            text=True,
            check=True,
        )
        s = json.loads(res.stdout)
        rec, rs, e2e = s["recog_exact"], s["resol_exact"], s["e2e_161"]
        ov = s["recog_overlap"]
        print(
            f"| {corpus.stem} | {rec['P']:.3f} | {rec['R']:.3f} | {rec['F1']:.3f} (overlap {ov['F1']:.3f}) | "
            f"{rs['acc161']:.3f} | {rs['auc']:.3f} | **{100 * e2e['F1']:.1f}** | {len(docs) / dt:.0f} |"
        )
    confidence_table(pairs)
    if args.corpora and args.runs:
        rates = first_pass_rates(args.corpora[0], args.runs)
        print(
            f"\n{args.corpora[0].stem}: first pass after load, {len(rates)} fresh processes, CPU: "
            f"median {rates[len(rates) // 2]:.0f} docs/s ({rates[0]:.0f}-{rates[-1]:.0f})"
        )
    if args.growth:
        growth()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"\nload (fresh process: import + gazetteer + first parse): {load_time_s():.2f} s; "
        f"peak RSS of this run: {peak_mb:.0f} MB"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

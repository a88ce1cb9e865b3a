"""Geoparser benchmark: accuracy (scored by the shared scorer), speed, load time, memory.

Usage (from the repository root)::

    .venv/bin/python bench/bench_geoparse.py ../shared/bench/geoparse/lgl.jsonl ../shared/bench/geoparse/geovirus.jsonl

For each corpus it writes predictions to ``bench/out/<name>.pred.jsonl`` through the same
``mapapp geoparse --batch`` code path, runs ``score.py`` (found beside the corpus, or
``--scorer``) and prints a Markdown table row. The corpora are only read, never copied.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpora", nargs="+", type=Path, help="gold JSONL corpora")
    ap.add_argument("--scorer", type=Path, help="score.py (default: beside the first corpus)")
    ap.add_argument("--out-dir", type=Path, default=ROOT / "bench" / "out")
    args = ap.parse_args()

    from mapapp.text.geoparse.parser import Geoparser

    parser = Geoparser()
    args.out_dir.mkdir(parents=True, exist_ok=True)
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
                }
            )
        dt = time.perf_counter() - t0
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
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"\nload (fresh process: import + gazetteer + first parse): {load_time_s():.2f} s; "
        f"peak RSS of this run: {peak_mb:.0f} MB"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

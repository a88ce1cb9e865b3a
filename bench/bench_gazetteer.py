"""Gazetteer load time, memory and look-up speed; polygon load time.

Run: .venv/bin/python bench/bench_gazetteer.py   (each figure in a fresh interpreter)
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, os, resource, time
def rss_mb():
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6
t0 = time.perf_counter()
from mapapp.data.gazetteer import Gazetteer
t_import = time.perf_counter() - t0
rss0 = rss_mb()
t1 = time.perf_counter()
g = Gazetteer.load()
t_load = time.perf_counter() - t1
rss_load = rss_mb() - rss0
names = ["Kyiv", "Ukraine", "Kursk region", "U.S.", "Paris", "Springfield", "Nowhereville", "North Korean"]
n = 20000
t2 = time.perf_counter()
for i in range(n):
    g.candidates(names[i % len(names)])
t_cand = (time.perf_counter() - t2) / n
t3 = time.perf_counter()
from mapapp.data import boundaries
boundaries.countries(); boundaries.admin1()
t_poly = time.perf_counter() - t3
print(json.dumps({"import_s": t_import, "load_s": t_load, "import_plus_load_s": t_import + t_load,
                  "load_rss_increase_MB": rss_load,
                  "max_rss_MB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3,
                  "candidates_us": t_cand * 1e6, "polygons_load_s": t_poly,
                  "places": len(g), "names": g.n_names}))
"""


def main() -> int:
    runs = []
    for _ in range(3):
        out = subprocess.run([sys.executable, "-c", CHILD], cwd=ROOT, capture_output=True, text=True, check=True)
        runs.append(json.loads(out.stdout))
    best = {k: min(r[k] for r in runs) for k in runs[0]}
    for k, v in best.items():
        print(f"{k:22} {v:12.3f}" if isinstance(v, float) else f"{k:22} {v:12}")
    size = sum(p.stat().st_size for p in (ROOT / "data" / "geo").iterdir() if p.is_file())
    print(f"{'data_geo_MB':22} {size / 1e6:12.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Cost of the strict JSON reader (mapapp.jsonfiles.loads) against the standard library's json.loads.

    .venv/bin/python bench/bench_json.py               # a 200,000-feature GeoJSON (~22 MB), best of 3
    .venv/bin/python bench/bench_json.py --features 20000

The document is synthetic (points with a name property); the figure is what the extra checks
(NaN/Infinity, long integers, nesting depth, unpaired surrogates) add to parsing.
"""

from __future__ import annotations

import argparse
import json
import time


def best_of(n: int, fn: object) -> float:
    assert callable(fn)
    out = float("inf")
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out = min(out, time.perf_counter() - t)
    return out


def main(argv: list[str] | None = None) -> int:
    from mapapp import jsonfiles

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--features", type=int, default=200_000)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args(argv)
    feats = [
        {
            "type": "Feature",
            "properties": {"name": f"target {i} \u00e9", "id": i},
            "geometry": {"type": "Point", "coordinates": [30.0 + i * 1e-5, 50.0 - i * 1e-5]},
        }
        for i in range(a.features)
    ]
    text = json.dumps({"type": "FeatureCollection", "features": feats}, ensure_ascii=False)
    std = best_of(a.repeat, lambda: json.loads(text))
    ours = best_of(a.repeat, lambda: jsonfiles.loads(text, "bench.geojson"))
    print(
        json.dumps(
            {
                "mb": round(len(text.encode()) / 1e6, 1),
                "json_loads_s": round(std, 2),
                "jsonfiles_loads_s": round(ours, 2),
                "overhead": round(ours / std, 2),
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

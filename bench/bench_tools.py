"""Speed of the analyst tools' core: geodesic measurement and the store timeline's steps.

    .venv/bin/python bench/bench_tools.py [--events 200000] [--repeat 3]

* measure: a 500-point path (Geod.inv, vectorised) and the densified drawn path;
* timeline: building a :class:`mapapp.maps.timeline.Timeline` over a synthetic event table
  (dates over one year, 2 % undated, 1 % country-level, one far outlier) and each play step
  (counts + the rows to draw, and the full store view with density cells).

Synthetic data made in code (no corpus is read). Prints one line per figure (best of ``--repeat``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from mapapp.geo.measure import geodesic_path, measure_path
from mapapp.maps.timeline import Timeline, step_windows


def _best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def _events(n: int, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    start = dt.date(2024, 1, 1)
    days = rng.integers(0, 366, n)
    dates: list[dt.date | None] = [start + dt.timedelta(days=int(d)) for d in days]
    for i in rng.choice(n, n // 50, replace=False):
        dates[int(i)] = None
    dates[0] = dt.date(2006, 2, 14)
    kinds = np.where(rng.random(n) < 0.01, "country", "city")
    return pd.DataFrame(
        {
            "event_id": [f"e{i}" for i in range(n)],
            "event_type": rng.choice(["Battles", "Explosions/Remote violence", "Protests"], n),
            "date_start": dates,
            "date_end": dates,
            "place_kind": kinds,
            "lon": rng.uniform(22.0, 40.0, n),
            "lat": rng.uniform(44.5, 52.5, n),
        }
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--events", type=int, default=200_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    rng = np.random.default_rng(1)
    path = list(zip(rng.uniform(22, 40, 500), rng.uniform(44, 52, 500), strict=True))
    print(f"measure_path, 500 points: {_best(lambda: measure_path(path), args.repeat) * 1e3:.2f} ms")
    two = [(30.5238, 50.45466), (36.25475, 49.98177)]
    print(f"geodesic_path Kyiv-Kharkiv (25 km steps): {_best(lambda: geodesic_path(two), args.repeat) * 1e3:.2f} ms")

    frame = _events(args.events)
    t0 = time.perf_counter()
    tl = Timeline(frame)
    print(f"Timeline over {args.events:,} events: {time.perf_counter() - t0:.2f} s (bounds {tl.bounds})")
    assert tl.bounds is not None
    weeks = step_windows(tl.bounds.lo, tl.bounds.hi, "week")
    counts = _best(lambda: [tl.counts(a, b) for a, b in weeks], args.repeat) / len(weeks)
    print(f"counts per weekly step ({len(weeks)} steps): {counts * 1e3:.2f} ms")
    rows = _best(lambda: [tl.rows(a, b) for a, b in weeks[:10]], args.repeat) / 10
    print(f"rows to draw per weekly step: {rows * 1e3:.2f} ms")
    view = _best(lambda: [tl.view(a, b) for a, b in weeks[:5]], args.repeat) / 5
    print(f"store view (density cells) per weekly step: {view * 1e3:.1f} ms")


if __name__ == "__main__":
    main()

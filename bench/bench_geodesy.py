"""Range engine benchmark: ring speed and accuracy, border footprint time and area, seed reach.

Run: ``.venv/bin/python bench/bench_geodesy.py`` (prints a Markdown-ready report).
Errors are measured with an independent ``pyproj.Geod`` (GeographicLib): vertex error is
|Geod.inv(centre, vertex) - R|; edge error samples 16 points on every straight lon/lat edge.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
from pyproj import Geod

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mapapp.data.weapons import get_weapon
from mapapp.geo import geodesy
from mapapp.geo.reach import reach

GEOD = Geod(ellps="WGS84")
SUMY = (34.80, 50.91)


def ring_errors(center: tuple[float, float], radius_km: float, tol_m: float) -> tuple[int, float, float]:
    """(vertex count, max vertex error m, max edge error m) of one ring."""
    lons, lats = geodesy.circle_vertices(center, radius_km, tol_m)
    n = lons.size
    _, _, d = GEOD.inv(np.full(n, center[0]), np.full(n, center[1]), lons, lats)
    verr = float(np.max(np.abs(np.asarray(d) - radius_km * 1e3)))
    lu = np.unwrap(np.append(lons, lons[0]), period=360.0)
    la = np.append(lats, lats[0])
    t = np.linspace(0, 1, 18)[1:-1]
    sl = (lu[:-1, None] * (1 - t) + lu[1:, None] * t).ravel()
    sa = (la[:-1, None] * (1 - t) + la[1:, None] * t).ravel()
    _, _, d2 = GEOD.inv(np.full(sl.size, center[0]), np.full(sl.size, center[1]), sl, sa)
    eerr = float(np.max(np.abs(np.asarray(d2) - radius_km * 1e3)))
    return n, verr, eerr


def main() -> None:
    print("### Rings (geodesic, Geod.fwd vertices, tolerance 100 m)\n")
    geodesy.ring(SUMY, 300.0)  # warm-up
    t0 = time.perf_counter()
    for _ in range(1000):
        geodesy.ring(SUMY, 300.0)
    dt = time.perf_counter() - t0
    print(f"- 1,000 rings of 300 km at Sumy: {dt:.3f} s -> {1000 / dt:,.0f} rings/s\n")
    print("| centre | radius km | tolerance m | vertices | max vertex error m | max edge error m |")
    print("|---|---|---|---|---|---|")
    cases = [
        ((34.8, 0.0), 300.0, 100.0),
        (SUMY, 305.8, 100.0),
        ((34.8, 70.0), 300.0, 100.0),
        ((34.8, 85.0), 300.0, 100.0),
        ((34.8, -60.0), 300.0, 100.0),
        (SUMY, 300.0, 10.0),
        (SUMY, 300.0, 1.0),
        (SUMY, 77.0, 100.0),
        ((179.5, 60.0), 300.0, 100.0),
        ((0.0, 89.0), 300.0, 100.0),
        ((10.0, 20.0), 2500.0, 100.0),
        ((10.0, 20.0), 15000.0, 100.0),
    ]
    for c, r, tol in cases:
        n, verr, eerr = ring_errors(c, r, tol)
        print(f"| {c[1]:g}N {c[0]:g}E | {r:g} | {tol:g} | {n} | {verr:.1e} | {eerr:.1f} |")

    print("\n### Ukraine-Russia land border footprint\n")
    t0 = time.perf_counter()
    border = geodesy.land_border("UA", "RU")
    t_border = time.perf_counter() - t0
    print(
        f"- border: {geodesy.line_length_km(border):,.0f} km, "
        f"{sum(len(g.coords) for g in getattr(border, 'geoms', [border]))} vertices "
        f"(extracted in {t_border:.2f} s incl. loading polygons)"
    )
    for r in (77.0, 300.0, 1000.0):
        t0 = time.perf_counter()
        fp = geodesy.footprint(border, r)
        dt = time.perf_counter() - t0
        t0 = time.perf_counter()
        clipped = geodesy.border_footprint("UA", "RU", r, "RU")
        dtc = time.perf_counter() - t0
        t0 = time.perf_counter()
        geodesy.border_footprint("UA", "RU", r, "RU")
        dcached = time.perf_counter() - t0
        xy = np.vstack([np.asarray(p.exterior.coords) for p in geodesy._parts(fp)])
        d = np.array([geodesy.distance_to_geometry_km(tuple(p), border) for p in xy])
        print(
            f"- R = {r:g} km: footprint {dt:.2f} s, {geodesy.area_km2(fp):,.0f} km², {len(xy)} outline "
            f"vertices at R {1000 * (d.min() - r):+.1f} .. {1000 * (d.max() - r):+.1f} m; "
            f"clipped to Russia {dtc:.2f} s -> {geodesy.area_km2(clipped):,.0f} km²; cached call "
            f"{dcached * 1e6:.0f} µs"
        )

    print("\n### Seed reach: ATACMS (300 km) from the Ukrainian border into Russia\n")
    t0 = time.perf_counter()
    res = reach([], weapon=get_weapon("atacms"), border=("UA", "RU"), into="RU", min_population=100_000)
    dt = time.perf_counter() - t0
    t0 = time.perf_counter()
    reach([], weapon=get_weapon("atacms"), border=("UA", "RU"), into="RU", min_population=100_000)
    dt2 = time.perf_counter() - t0
    print(
        f"- first call {dt:.2f} s (loads gazetteer and admin-1 polygons), repeat {dt2:.2f} s; "
        f"area in range {res.area_km2:,.0f} km²\n"
    )
    print("| city | region | population | distance km | margin km |")
    print("|---|---|---|---|---|")
    for row in res.cities.itertuples():
        print(f"| {row.name} | {row.admin1} | {row.population:,} | {row.distance_km:.1f} | {row.margin_km:.1f} |")
    print("\n| region | status | in range km² | share |")
    print("|---|---|---|---|")
    for row in res.regions.itertuples():
        print(f"| {row.name} | {row.status} | {row.in_range_km2:,.0f} | {row.share:.1%} |")


if __name__ == "__main__":
    main()

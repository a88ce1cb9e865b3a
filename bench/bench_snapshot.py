"""Map and snapshot figures: seed HTML size, PNG command time, a screen-view PNG with a warm
browser (as the app takes it), non-local requests, 10,000 events.

Run: .venv/bin/python bench/bench_snapshot.py [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    from mapapp.maps.scene import build_scene
    from mapapp.maps.spec import ScreenView
    from mapapp.model import LonLat
    from mapapp.render import leaflet as render
    from mapapp.render import snapshot
    from tests.test_render import make_spec

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    runs = ap.parse_args().runs
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        spec = build_scene()
        html = render.to_html(spec)
        print(f"seed standalone HTML: {len(html.encode()) / 1e6:.2f} MB (goal <= 1.5 MB)")

        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "mapapp", "snapshot", "--out", str(tmp / "seed.png")],
                cwd=ROOT,
                check=True,
                capture_output=True,
            )
            times.append(time.perf_counter() - t0)
        print(
            f"seed PNG, whole command (1600x1000): median {statistics.median(times):.2f} s "
            f"(min {min(times):.2f}, max {max(times):.2f}; goal <= 4 s)"
        )

        # what the app does: the screen's view (a 677 x 700 map), twice as sharp, one warm browser
        screen = ScreenView(LonLat(35.08, 51.03), 6.5, 677, 700, (31.36, 49.0, 38.80, 52.99))
        shot = spec.with_view(screen=screen)
        basemap_view = (30.0, 45.0, 42.0, 56.0)
        warm = snapshot.WarmBrowser()
        try:
            snapshot.write(shot, tmp / "first.png", browser=warm, basemap_view=basemap_view)  # starts Chromium
            times = []
            for i in range(runs):
                t0 = time.perf_counter()
                snapshot.write(shot, tmp / f"screen{i}.png", browser=warm, basemap_view=basemap_view)
                times.append(time.perf_counter() - t0)
        finally:
            warm.close()
        print(
            f"screen-view PNG with the warm browser (1354 px wide): median {statistics.median(times):.2f} s "
            f"(min {min(times):.2f}, max {max(times):.2f}; goal <= 2 s)"
        )

        with snapshot.Chromium() as b:
            snapshot.write(spec, tmp / "seed2.png", browser=b)
            print(f"non-local requests while rendering the seed: {len(b.blocked)} {b.blocked[:3]}")

            big = make_spec(n_events=10_000)
            t0 = time.perf_counter()
            big_html = render.to_html(big)
            build_s = time.perf_counter() - t0
            page = tmp / "big.html"
            page.write_text(big_html)
            t0 = time.perf_counter()
            b.shoot(page, tmp / "big.png", "png", 1600, 1000)
            load_s = time.perf_counter() - t0
            print(
                f"10,000 events: HTML {len(big_html.encode()) / 1e6:.2f} MB built in {build_s:.2f} s; "
                f"load to ready + screenshot {load_s:.2f} s; blocked {len(b.blocked)}"
            )


if __name__ == "__main__":
    main()

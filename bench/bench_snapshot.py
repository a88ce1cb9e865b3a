"""Map and snapshot figures: seed HTML size, PNG command time, non-local requests, 10,000 events.

Run: .venv/bin/python bench/bench_snapshot.py
"""

from __future__ import annotations

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
    from mapapp.render import leaflet as render
    from mapapp.render import snapshot
    from tests.test_render import make_spec

    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        spec = build_scene()
        html = render.to_html(spec)
        print(f"seed standalone HTML: {len(html.encode()) / 1e6:.2f} MB (goal <= 1.5 MB)")

        times = []
        for _ in range(5):
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

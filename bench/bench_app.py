"""Benchmark the Streamlit app: cold start, rerun time per toggle, bytes per toggle, PNG time.

Run from the repository root: ``.venv/bin/python bench/bench_app.py``. Starts its own server on
a free 127.0.0.1 port and drives Debian's /usr/bin/chromium with Playwright.
"""

from __future__ import annotations

import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "mapapp" / "app" / "page.py"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TOGGLE = "ATACMS (300 km) footprint"


def rerun_times(n: int = 10) -> list[float]:
    """Server time (s) of AppTest reruns after a layer toggle (warm caches)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=90)
    at.run()
    times = []
    for i in range(n):
        box = at.sidebar.checkbox(key="lyr:footprint:atacms-m57")
        t0 = time.perf_counter()
        box.set_value(i % 2 == 1).run()
        times.append(time.perf_counter() - t0)
    return times


def browser_figures(toggles: int = 6) -> dict[str, object]:
    from playwright.sync_api import sync_playwright

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    t_start = time.perf_counter()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(APP),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
            "--server.enableStaticServing",
            "true",
            "--server.fileWatcherType",
            "none",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    out: dict[str, object] = {}
    try:
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        frames: list[int] = []
        with sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
            ctx = p.chromium.launch_persistent_context(
                profile,
                executable_path="/usr/bin/chromium",
                headless=True,
                args=ARGS,
                viewport={"width": 1500, "height": 1100},
                accept_downloads=True,
            )
            page = ctx.new_page()
            page.on(
                "websocket",
                lambda ws: ws.on(
                    "framereceived", lambda f: frames.append(len(f if isinstance(f, bytes | str) else b""))
                ),
            )
            t0 = time.perf_counter()
            page.goto(f"http://127.0.0.1:{port}/")
            page.locator("iframe[title='streamlit_folium.st_folium']").wait_for(timeout=90_000)
            frame = next(f for f in page.frames if "st_folium" in f.url)
            frame.wait_for_function("() => document.querySelectorAll('.mapapp-clabel').length > 0", timeout=90_000)
            out["cold_start_s (server start to map drawn)"] = round(time.perf_counter() - t_start, 2)
            out["page_load_s (goto to map drawn, first session)"] = round(time.perf_counter() - t0, 2)
            page.wait_for_timeout(1500)
            per_toggle = []
            for _ in range(toggles):
                frames.clear()
                page.get_by_text(TOGGLE, exact=True).first.click()
                page.wait_for_timeout(1500)
                per_toggle.append(sum(frames))
            out["bytes_per_toggle (websocket, median)"] = int(statistics.median(per_toggle))
            out["bytes_per_toggle (max)"] = max(per_toggle)
            t0 = time.perf_counter()
            page.get_by_role("button", name="Prepare snapshot").click()
            btn = page.get_by_role("button", name="Download PNG", exact=False)
            btn.wait_for(timeout=60_000)
            out["png_prepare_s (click to download button)"] = round(time.perf_counter() - t0, 2)
            ctx.close()
    finally:
        proc.terminate()
        proc.wait(timeout=15)
    return out


def main() -> None:
    times = rerun_times()
    print(
        f"rerun after toggle (AppTest, server side): median {statistics.median(times) * 1000:.0f} ms, "
        f"max {max(times) * 1000:.0f} ms over {len(times)}"
    )
    for k, v in browser_figures().items():
        print(f"{k}: {v}")


if __name__ == "__main__":
    main()

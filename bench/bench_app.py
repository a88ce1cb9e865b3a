"""Benchmark the Streamlit app as a person uses it: map visible after the page opens, a layer
toggle to a settled map, a PNG snapshot, and what a pan costs.

Run from the repository root: ``.venv/bin/python bench/bench_app.py [--opens 5] [--toggles 10]
[--shots 5]``. It starts its own server on a free 127.0.0.1 port and drives Debian's
/usr/bin/chromium with Playwright; each page open is a fresh browser context (no cache).

* ``map visible`` — ``page.goto`` to the map drawn (Leaflet ready, basemap and labels placed),
  on a started server: the first session after the start (caches cold) and the next ones.
* ``toggle`` — a click on a layer's box (the sidebar's, which goes through the server, and the
  map's own control) to the map's layer being added or removed, timed in the browser (the click's
  pointer event to Leaflet's layer event, ``Date.now()`` in both frames); each toggle is then
  checked to stay settled for 0.5 s (not counted).
* ``png`` — "Prepare snapshot" to the download button, with the server's warm Chromium.
* ``pan`` — bytes the server sends after a drag (the map reports its view; a rerun follows).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from mapapp.cli.app_cmd import command as app_command
from mapapp.render.snapshot import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "mapapp" / "app" / "page.py"
ARGS = CHROMIUM_ARGS  # the flags the app's own snapshot browser runs with
IFRAME = "iframe[title='mapapp.app.mapcomponent.mapapp_map']"
TOGGLE = "ATACMS 300 km from the UKR–RUS border"
HAS_FOOTPRINT = """() => { let f = false; window.__mapappMap.eachLayer(l => {
    if (l.options && l.options.color && l.options.color.toLowerCase() === "#cc6677" && l.getLatLngs) f = true; });
    return f; }"""


def _server(port: int, library: str) -> subprocess.Popen[bytes]:
    env = dict(os.environ, MAPAPP_LIBRARY_DIR=library)
    return subprocess.Popen(
        app_command(port),  # the argv `mapapp app` runs: the same Streamlit settings
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _map_frame(page: object) -> object:
    page.locator(IFRAME).wait_for(timeout=120_000)  # type: ignore[attr-defined]
    frame = next(f for f in page.frames if "mapapp_map" in f.url)  # type: ignore[attr-defined]
    frame.wait_for_function("window.__mapReady === true", timeout=120_000)
    return frame


# In the map's frame: note (Date.now(), ms) when the footprint layer is added to or removed from
# the map, so a toggle is timed in the browser from the click's event to the map's change.
WATCH = """() => { const m = window.__mapappMap; window.__changes = [];
    m.on("layeradd layerremove", e => { if (e.layer && e.layer.getLayers) window.__changes.push(Date.now()); }); }"""
CLICKS = """() => { window.__clicks = [];
    document.addEventListener("pointerdown", () => window.__clicks.push(Date.now()), true); }"""


def _settle(page: object, frame: object, want: bool, click_doc: object) -> float:
    """Milliseconds from the click (the event in ``click_doc``) to the map's change, once the
    footprint is drawn (``want``) and stays so for 0.5 s."""
    frame.wait_for_function(f"() => ({HAS_FOOTPRINT})() === {str(want).lower()}", timeout=30_000)  # type: ignore[attr-defined]
    frame.wait_for_timeout(500)  # type: ignore[attr-defined]
    assert frame.evaluate(HAS_FOOTPRINT) is want  # type: ignore[attr-defined]
    clicked = click_doc.evaluate("() => window.__clicks[window.__clicks.length - 1]")  # type: ignore[attr-defined]
    changes = [c for c in frame.evaluate("() => window.__changes") if c >= clicked]  # type: ignore[attr-defined]
    return float(changes[0] - clicked) / 1000.0 if changes else float("nan")


def run(opens: int, toggles: int, shots: int) -> dict[str, str]:
    from playwright.sync_api import sync_playwright

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/"
    out: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as lib:
        t_start = time.perf_counter()
        proc = _server(port, lib)
        try:
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), 0.2).close()
                    break
                except OSError:
                    time.sleep(0.1)
            out["server listening after start"] = f"{time.perf_counter() - t_start:.2f} s"
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
                visible = []
                for i in range(opens + 1):
                    ctx = browser.new_context(viewport={"width": 1500, "height": 1100}, accept_downloads=True)
                    page = ctx.new_page()
                    t0 = time.perf_counter()
                    page.goto(url)
                    frame = _map_frame(page)
                    frame.wait_for_function(
                        "() => document.querySelectorAll('.mapapp-clabel').length > 0", timeout=60_000
                    )
                    dt = time.perf_counter() - t0
                    if i == 0:
                        out["map visible, first session after start (cold caches)"] = f"{dt:.2f} s"
                    else:
                        visible.append(dt)
                    if i < opens:
                        ctx.close()
                out["map visible after page open (started server)"] = (
                    f"median {statistics.median(visible):.2f} s, max {max(visible):.2f} s over {len(visible)}"
                )

                page.wait_for_timeout(1500)
                frame.evaluate(WATCH)
                page.evaluate(CLICKS)
                frame.evaluate(CLICKS)
                side, inmap = [], []
                for i in range(toggles):
                    want = i % 2 == 1
                    page.locator("[data-testid='stSidebar']").get_by_text(TOGGLE, exact=True).first.click()
                    side.append(_settle(page, frame, want, page))
                for i in range(toggles):
                    want = i % 2 == 1
                    frame.locator(".leaflet-control-layers-overlays label", has_text=TOGGLE).first.click()
                    inmap.append(_settle(page, frame, want, frame))
                    page.wait_for_timeout(400)  # let the report reach the server before the next click
                out["layer toggle to settled map, sidebar box"] = (
                    f"median {statistics.median(side) * 1000:.0f} ms, max {max(side) * 1000:.0f} ms over {len(side)}"
                )
                out["layer toggle to settled map, map's own control"] = (
                    f"median {statistics.median(inmap) * 1000:.0f} ms, max {max(inmap) * 1000:.0f} ms over {len(inmap)}"
                )

                frames: list[int] = []
                page.on(
                    "websocket",
                    lambda ws: ws.on(
                        "framereceived", lambda f: frames.append(len(f if isinstance(f, bytes | str) else b""))
                    ),
                )
                page.reload()
                frame = _map_frame(page)
                page.wait_for_timeout(2000)
                box = page.locator(IFRAME).bounding_box()
                assert box is not None
                pans = []
                for k in range(4):
                    frames.clear()
                    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
                    page.mouse.move(x, y)
                    page.mouse.down()
                    page.mouse.move(x + (60 if k % 2 else -60), y + 30, steps=8)
                    page.mouse.up()
                    page.wait_for_timeout(2500)
                    pans.append(sum(frames))
                out["bytes sent by the server after a pan"] = f"median {int(statistics.median(pans)):,} B"

                got: list[float] = []
                page.on(
                    "websocket",
                    lambda ws: ws.on(
                        "framereceived",
                        lambda f: (
                            got.append(time.perf_counter()) if isinstance(f, bytes) and b"Download PNG" in f else None
                        ),
                    ),
                )
                page.reload()
                _map_frame(page)
                page.wait_for_timeout(2000)
                times = []
                for _ in range(shots):
                    got.clear()
                    t0 = time.perf_counter()
                    page.get_by_role("button", name="Prepare snapshot").click()
                    deadline = time.perf_counter() + 60
                    while not got and time.perf_counter() < deadline:
                        page.wait_for_timeout(20)
                    times.append(got[0] - t0)
                    page.wait_for_timeout(800)
                out["PNG snapshot, click to download button (warm browser)"] = (
                    f"median {statistics.median(times):.2f} s, max {max(times):.2f} s over {len(times)}"
                )
                browser.close()
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--opens", type=int, default=5)
    ap.add_argument("--toggles", type=int, default=10)
    ap.add_argument("--shots", type=int, default=5)
    a = ap.parse_args()
    for k, v in run(a.opens, a.toggles, a.shots).items():
        print(f"{k}: {v}")


if __name__ == "__main__":
    main()

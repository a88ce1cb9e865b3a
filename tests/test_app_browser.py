"""End to end: the Streamlit app in real headless Chromium (Debian's /usr/bin/chromium).

One server for the module (started on a free 127.0.0.1 port, stopped in teardown). Checks that
the map draws the ATACMS footprint, that unticking it removes it without reloading the map, that
a PNG of the map downloads, and that the page never requests anything but the local server.
"""

from __future__ import annotations

import io
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
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
ATACMS_COLOR = "#CC6677"
LOCAL_PREFIXES = (
    "http://127.0.0.1",
    "ws://127.0.0.1",
    "http://localhost",
    "ws://localhost",
    "data:",
    "blob:",
    "about:",
)
FOOTPRINT_LABEL = "ATACMS 300 km from the UKR–RUS border"

# JS run inside the st_folium iframe: does the Leaflet map hold a vector layer of this colour?
HAS_COLOR = """(color) => {
    if (!window.map) return false;
    let found = false;
    window.map.eachLayer(function (l) {
        if (l.options && l.options.color && l.options.color.toLowerCase() === color.toLowerCase()
            && typeof l.getLatLngs === "function") { found = true; }
    });
    return found;
}"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed at /usr/bin/chromium")
    port = _free_port()
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in the finally below
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "mapapp" / "app" / "page.py"),
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
        stderr=log,
    )
    try:
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                break
            except OSError:
                if proc.poll() is not None:
                    log.seek(0)
                    pytest.fail(f"streamlit exited: {log.read().decode(errors='replace')}")
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}/"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="module")
def browser_page(server: str) -> Iterator[tuple[object, list[str]]]:
    from playwright.sync_api import sync_playwright

    requests: list[str] = []
    with sync_playwright() as p, tempfile.TemporaryDirectory(prefix="mapapp-e2e-") as profile:
        ctx = p.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            headless=True,
            args=ARGS,
            viewport={"width": 1500, "height": 1100},
            accept_downloads=True,
        )
        try:
            page = ctx.new_page()
            page.on("request", lambda r: requests.append(r.url))
            page.on("websocket", lambda ws: requests.append(ws.url))
            page.goto(server)
            yield page, requests
        finally:
            ctx.close()


def _map_frame(page: object) -> object:
    page.locator("iframe[title='streamlit_folium.st_folium']").wait_for(timeout=45_000)  # type: ignore[attr-defined]
    frame = next(f for f in page.frames if "st_folium" in f.url)  # type: ignore[attr-defined]
    frame.wait_for_function(HAS_COLOR, arg=ATACMS_COLOR, timeout=45_000)
    return frame


def test_footprint_is_drawn_and_untick_removes_it_offline(browser_page: tuple[object, list[str]]) -> None:
    page, requests = browser_page
    frame = _map_frame(page)
    assert frame.evaluate(HAS_COLOR, ATACMS_COLOR)  # type: ignore[attr-defined]
    # country polygons from the locally served basemap file
    frame.wait_for_function("() => document.querySelectorAll('.mapapp-clabel').length > 0", timeout=20_000)  # type: ignore[attr-defined]
    frame.evaluate("() => { window.__sameMap = true; }")  # type: ignore[attr-defined]

    page.get_by_text(FOOTPRINT_LABEL, exact=True).first.click()  # type: ignore[attr-defined]
    frame.wait_for_function(f"() => !({HAS_COLOR})('{ATACMS_COLOR}')", timeout=20_000)  # type: ignore[attr-defined]
    # the map was updated in place, not reloaded: our marker on the window survives
    assert frame.evaluate("() => window.__sameMap === true")  # type: ignore[attr-defined]

    page.get_by_text(FOOTPRINT_LABEL, exact=True).first.click()  # type: ignore[attr-defined]
    frame.wait_for_function(HAS_COLOR, arg=ATACMS_COLOR, timeout=20_000)  # type: ignore[attr-defined]

    remote = [u for u in requests if not u.startswith(LOCAL_PREFIXES)]
    assert requests and remote == []


def test_png_download_is_a_picture_of_the_map(browser_page: tuple[object, list[str]]) -> None:
    import numpy as np
    from PIL import Image

    page, requests = browser_page
    _map_frame(page)
    page.get_by_role("button", name="Prepare snapshot").click()  # type: ignore[attr-defined]
    button = page.get_by_role("button", name="Download PNG", exact=False)  # type: ignore[attr-defined]
    button.wait_for(timeout=45_000)
    with page.expect_download(timeout=20_000) as info:  # type: ignore[attr-defined]
        button.click()
    path = info.value.path()
    data = Path(path).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    img = Image.open(io.BytesIO(data)).convert("RGB")
    assert img.size[0] >= 1000 and img.size[1] >= 600
    px = np.asarray(img).reshape(-1, 3).astype(int)
    assert len(np.unique(px[::7], axis=0)) > 50  # not blank
    # the footprint's colour (#CC6677, blended with the land) is in the picture: reddish pixels
    r, g, b = px[:, 0], px[:, 1], px[:, 2]
    assert int(((r > g + 12) & (r > b + 12)).sum()) > 0.03 * len(px)
    remote = [u for u in requests if not u.startswith(LOCAL_PREFIXES)]
    assert remote == []

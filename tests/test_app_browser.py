"""The app as a person uses it: real headless Chromium (Debian's /usr/bin/chromium) on a real server.

One server for the module (started on a free 127.0.0.1 port under ``strace -f -e trace=connect``,
stopped in teardown by its pid), one browser; each journey gets a fresh browser context (a new
person) and saves a screenshot under tests/screenshots/. The map lives in the component's iframe;
its Leaflet map is ``window.__mapappMap`` there.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlparse

import pytest

from mapapp.cli.app_cmd import command as app_command
from mapapp.render.snapshot import CHROMIUM, CHROMIUM_ARGS

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Frame, Page

pytestmark = [pytest.mark.browser, pytest.mark.journey]

ROOT = Path(__file__).resolve().parent.parent
SHOTS = Path(__file__).resolve().parent / "screenshots"
ARGS = CHROMIUM_ARGS  # the flags the app's own snapshot browser runs with
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
IFRAME = "iframe[title='mapapp.app.mapcomponent.mapapp_map']"
SYRIA = (
    "Syrian government air strikes hit Idlib and the outskirts of Aleppo on Tuesday, killing at least "
    "nine civilians, rescuers said. In Damascus, officials said the army had repelled an attack near "
    "Homs. Residents of Latakia reported heavy shelling overnight, and the fighting spread towards Hama."
)
DAMASCUS = (36.2913, 33.5102)  # lon, lat

# JS run inside the component's iframe: does the Leaflet map hold a vector layer of this colour?
HAS_COLOR = """(color) => {
    const map = window.__mapappMap;
    if (!map) return false;
    let found = false;
    map.eachLayer(function (l) {
        if (l.options && l.options.color && l.options.color.toLowerCase() === color.toLowerCase()
            && typeof l.getLatLngs === "function") { found = true; }
    });
    return found;
}"""
# What the map shows: centre, zoom, bounds, size, the layers on, the legend's layers
VIEW = """() => {
    const m = window.__mapappMap, c = m.getCenter(), b = m.getBounds(), z = m.getSize();
    const box = document.querySelector(".mapapp-legend");
    const on = Array.from(document.querySelectorAll(".leaflet-control-layers-overlays label"))
        .filter(l => l.querySelector("input").checked).map(l => l.textContent.trim());
    return {lat: c.lat, lng: c.lng, zoom: m.getZoom(), bounds: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()],
            size: [z.x, z.y], control_on: on,
            legend: box && box.getAttribute("data-layers") ? box.getAttribute("data-layers").split(",") : []};
}"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def km_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Geodesic distance (km) between (lon, lat) points, independent of the app (pyproj)."""
    from pyproj import Geod

    return float(Geod(ellps="WGS84").inv(a[0], a[1], b[0], b[1])[2]) / 1000.0


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed at /usr/bin/chromium")
    port = _free_port()
    work = tmp_path_factory.mktemp("app")
    trace = work / "connect.strace"
    env = dict(os.environ, MAPAPP_LIBRARY_DIR=str(work / "library"), STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    argv = app_command(port)  # the argv `mapapp app` runs: the same Streamlit settings
    strace = shutil.which("strace")
    if strace:  # every connect() of the server and the browser it keeps warm for snapshots
        argv = [strace, "-f", "--seccomp-bpf", "-qq", "-e", "trace=connect", "-o", str(trace), *argv]
    log = (work / "server.log").open("wb")
    proc = subprocess.Popen(argv, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"streamlit exited: {(work / 'server.log').read_text(errors='replace')}")
                time.sleep(0.2)
        yield {"url": f"http://127.0.0.1:{port}/", "trace": trace if strace else None, "library": work / "library"}
    finally:
        # the server is strace's child: stop it by its pid (strace then ends by itself)
        server_pid = _child_pid(proc.pid) if strace else proc.pid
        for pid in [p for p in (server_pid, proc.pid) if p]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
                break
            except subprocess.TimeoutExpired:
                continue
        if proc.poll() is None:
            if server_pid:
                os.kill(server_pid, signal.SIGKILL)
            proc.kill()
            proc.wait()
        log.close()


def _child_pid(pid: int) -> int | None:
    """The first child process of ``pid`` (from /proc), or None."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            return int(stat.parent.name)
    return None


@pytest.fixture(scope="module")
def browser(server: dict[str, Any]) -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            yield b
        finally:
            b.close()


class Person:
    """One person at the app: a fresh browser context, the page, every request it made."""

    def __init__(self, browser: Browser, url: str) -> None:
        self.ctx = browser.new_context(viewport={"width": 1500, "height": 1100}, accept_downloads=True)
        self.requests: list[str] = []
        self.page = self.ctx.new_page()
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("websocket", lambda ws: self.requests.append(ws.url))
        self.page.goto(url)

    @property
    def frame(self) -> Frame:
        self.page.locator(IFRAME).wait_for(timeout=90_000)
        frame = next(f for f in self.page.frames if "mapapp_map" in f.url)
        frame.wait_for_function("window.__mapReady === true", timeout=90_000)
        return frame

    def view(self) -> dict[str, Any]:
        return dict(self.frame.evaluate(VIEW))

    def query(self) -> dict[str, str]:
        return {k: v[-1] for k, v in parse_qs(urlparse(self.page.url).query).items()}

    def settle(self, quiet_s: float = 1.5, timeout_s: float = 20.0) -> dict[str, Any]:
        """Wait until the map and the URL have not changed for ``quiet_s``; the view then."""
        last = (self.view(), self.page.url)
        still = time.monotonic()
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            self.page.wait_for_timeout(250)
            now = (self.view(), self.page.url)
            if now != last:
                last, still = now, time.monotonic()
            elif time.monotonic() - still >= quiet_s:
                return last[0]
        return last[0]

    def drag(self, dx: float, dy: float) -> None:
        """Drag the map as a person does: once it is on the page (a new page draws it first)."""
        assert self.frame is not None  # waits until the map is drawn
        box = self.page.locator(IFRAME).bounding_box()
        assert box is not None
        x, y = box["x"] + box["width"] * 0.45, box["y"] + box["height"] * 0.6
        self.page.mouse.move(x, y)
        self.page.mouse.down()
        self.page.mouse.move(x + dx, y + dy, steps=12)
        self.page.mouse.up()

    def sidebar_box(self, label: str) -> None:
        self.page.locator("[data-testid='stSidebar']").get_by_text(label, exact=True).first.click()

    def sidebar_checked(self, label: str) -> bool:
        box = self.page.locator("[data-testid='stSidebar'] label", has_text=re.compile(f"^{re.escape(label)}$"))
        return bool(box.locator("input").first.is_checked())

    def map_box(self, label: str) -> None:
        self.frame.locator(".leaflet-control-layers-overlays label", has_text=label).first.click()

    def shot(self, name: str) -> Path:
        SHOTS.mkdir(exist_ok=True)
        path = SHOTS / f"{name}.png"
        self.page.screenshot(path=str(path))
        return path

    def remote(self) -> list[str]:
        return [u for u in self.requests if not u.startswith(LOCAL_PREFIXES)]

    def close(self) -> None:
        self.ctx.close()


@pytest.fixture
def person(browser: Browser, server: dict[str, Any]) -> Iterator[Person]:
    p = Person(browser, server["url"])
    try:
        yield p
    finally:
        p.close()


def same_view(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return abs(a["lat"] - b["lat"]) < 1e-9 and abs(a["lng"] - b["lng"]) < 1e-9 and a["zoom"] == b["zoom"]


# --------------------------------------------------------------------------- journeys


def test_footprint_is_drawn_and_untick_removes_it_offline(person: Person) -> None:
    frame = person.frame
    assert frame.evaluate(HAS_COLOR, ATACMS_COLOR)
    # country polygons from the locally served basemap file
    frame.wait_for_function("() => document.querySelectorAll('.mapapp-clabel').length > 0", timeout=20_000)
    frame.evaluate("() => { window.__sameMap = true; }")

    person.sidebar_box(FOOTPRINT_LABEL)
    frame.wait_for_function(f"() => !({HAS_COLOR})('{ATACMS_COLOR}')", timeout=20_000)
    # the map was updated in place, not reloaded: our marker on the window survives
    assert frame.evaluate("() => window.__sameMap === true")

    person.sidebar_box(FOOTPRINT_LABEL)
    frame.wait_for_function(HAS_COLOR, arg=ATACMS_COLOR, timeout=20_000)
    person.shot("footprint-toggled-back-on")
    assert person.requests and person.remote() == []


def test_after_a_drag_and_an_off_centre_zoom_the_map_holds_still(person: Person) -> None:
    before = person.settle()
    person.drag(-180, 90)
    after_drag = person.settle()
    assert not same_view(before, after_drag)  # the drag moved the map
    # an off-centre scroll-zoom (Leaflet zooms around the pointer)
    box = person.page.locator(IFRAME).bounding_box()
    assert box is not None
    person.page.mouse.move(box["x"] + box["width"] * 0.2, box["y"] + box["height"] * 0.3)
    person.page.mouse.wheel(0, -240)
    settled = person.settle()
    assert settled["zoom"] > after_drag["zoom"]
    url = person.page.url
    samples = []
    for _ in range(20):  # 10 s: the view and the URL stay exactly where the person left them
        person.page.wait_for_timeout(500)
        samples.append((person.view(), person.page.url))
    person.shot("after-drag-and-zoom-10s")
    assert all(same_view(v, settled) for v, _ in samples), [(v["lat"], v["lng"], v["zoom"]) for v, _ in samples]
    assert all(u == url for _, u in samples)
    q = person.query()
    lon, lat = (float(x) for x in q["center"].split(","))
    assert km_between((lon, lat), (settled["lng"], settled["lat"])) < 1.0
    assert float(q["zoom"]) == settled["zoom"]
    assert person.remote() == []


def test_layer_and_basemap_toggles_keep_centre_and_zoom_and_both_controls_agree(person: Person) -> None:
    person.drag(120, -60)
    start = person.settle()
    frame = person.frame
    frame.evaluate("() => { window.__sameMap = true; }")

    # the sidebar's box hides the layer on the map and unticks the map's own control
    person.sidebar_box(FOOTPRINT_LABEL)
    frame.wait_for_function(f"() => !({HAS_COLOR})('{ATACMS_COLOR}')", timeout=20_000)
    v = person.settle()
    assert same_view(v, start) and FOOTPRINT_LABEL not in v["control_on"]
    assert "footprint:atacms-m57" in person.query().get("hide", "")

    # the basemap is the map control's two entries in the sidebar too; hiding it keeps the view
    person.sidebar_box("Countries")
    frame.wait_for_function("() => document.querySelectorAll('.mapapp-clabel').length === 0", timeout=20_000)
    v = person.settle()
    assert same_view(v, start) and "Countries" not in v["control_on"]

    # the map's own control: the sidebar and the URL follow
    person.map_box("Countries")
    person.map_box("Places (article)")
    v = person.settle()
    assert same_view(v, start)
    assert "Countries" in v["control_on"] and "Places (article)" not in v["control_on"]
    person.page.wait_for_function("() => !location.search.includes('countries')", timeout=20_000)
    assert person.sidebar_checked("Countries") and not person.sidebar_checked("Places (article)")
    assert not person.sidebar_checked(FOOTPRINT_LABEL)
    hide = person.query().get("hide", "")
    assert "places" in hide and "countries" not in hide

    # and back from the sidebar: the map's control agrees
    person.sidebar_box("Places (article)")
    person.page.wait_for_timeout(300)
    v = person.settle()
    assert "Places (article)" in v["control_on"] and same_view(v, start)
    assert frame.evaluate("() => window.__sameMap === true")  # never reloaded
    # the legend lists exactly the data layers shown
    assert set(v["legend"]) == {"places", "events", "targets"}
    person.shot("toggles-sidebar-and-map-agree")
    assert person.remote() == []


def choose(page: Page, label: str, option: str) -> None:
    """Pick ``option`` in the Streamlit select box labelled ``label`` (as a person does: open the
    list, type to filter it, click the entry; a rerun that closes or redraws the list under the
    pointer is met by opening it again)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    box = page.get_by_role("combobox", name=label, exact=True).first
    for _ in range(5):
        box.click()
        box.fill(option)  # filters the list (long lists are not all in the page)
        item = page.get_by_role("option", name=option, exact=True).first
        try:
            item.wait_for(timeout=10_000)
            item.click(timeout=5_000)
        except PlaywrightTimeout:  # the list was closed or redrawn by a rerun: open it again
            page.keyboard.press("Escape")
            continue
        return
    raise AssertionError(f"the {label!r} list never offered {option!r}")


def paste_article(person: Person, text: str) -> None:
    choose(person.page, "Article", "Paste text")
    area = person.page.locator("[data-testid='stSidebar'] textarea").first
    area.wait_for(timeout=30_000)
    area.fill(text)
    person.page.get_by_role("button", name="Map this text").click()


def add_place(person: Person, name: str) -> None:
    box = person.page.locator("[data-testid='stSidebar'] input[aria-label='Add a place by name']").first
    box.fill(name)
    box.press("Tab")
    person.page.wait_for_timeout(400)
    person.page.get_by_role("button", name="Add launch point").click()


def inside(bounds: list[float], lonlat: tuple[float, float]) -> bool:
    w, s, e, n = bounds
    return w <= lonlat[0] <= e and s <= lonlat[1] <= n


def test_pasting_a_syria_article_puts_damascus_on_screen_and_keeps_the_footprint(person: Person) -> None:
    start = person.settle()
    assert not inside(start["bounds"], DAMASCUS)
    paste_article(person, SYRIA)
    person.frame.wait_for_function(
        "(p) => { const b = window.__mapappMap.getBounds(); return b.contains([p[1], p[0]]); }",
        arg=list(DAMASCUS),
        timeout=60_000,
    )
    v = person.settle()
    assert inside(v["bounds"], DAMASCUS)
    # the article's own places are on the map, with labels; the weapon's footprint layer is kept
    labels = person.frame.evaluate(
        "() => Array.from(document.querySelectorAll('.mapapp-label')).map(e => e.textContent)"
    )
    assert {"Damascus", "Aleppo"} <= set(labels)
    assert FOOTPRINT_LABEL in v["control_on"]
    assert person.query().get("article", "").startswith("lib:")
    person.shot("syria-article-fitted")
    assert person.remote() == []


def test_messages_stay_until_the_next_action(person: Person) -> None:
    person.settle()
    add_place(person, "Xyzzyville")
    warning = person.page.locator("[data-testid='stAlert']", has_text="Xyzzyville")
    warning.wait_for(timeout=30_000)
    person.drag(-80, 40)  # the map's own reruns never wipe a message
    person.page.wait_for_timeout(3000)
    assert warning.is_visible()
    add_place(person, "Sumy")
    added = person.page.locator("[data-testid='stAlert']", has_text="Added launch point Sumy")
    added.wait_for(timeout=30_000)
    assert not warning.is_visible()  # the next action replaced it
    person.drag(60, -30)
    person.page.wait_for_timeout(3000)
    assert added.is_visible()
    person.frame.wait_for_function("() => document.body.innerHTML.length > 0")
    assert "Sumy@" in person.query().get("launch", "")
    person.shot("message-stays-after-map-moves")


def test_a_link_restores_view_layers_launch_points_fixes_and_the_pasted_article(
    browser: Browser, server: dict[str, Any]
) -> None:
    first = Person(browser, server["url"])
    try:
        first.settle()
        paste_article(first, SYRIA)
        first.frame.wait_for_function(
            "(p) => window.__mapappMap.getBounds().contains([p[1], p[0]])", arg=list(DAMASCUS), timeout=60_000
        )
        add_place(first, "Sumy")
        first.page.locator("[data-testid='stAlert']", has_text="Added launch point Sumy").wait_for(timeout=30_000)
        # a place fix: the article's "Latakia" is not a place, say
        first.page.get_by_text("Fix a wrong place").click()
        choose(first.page, "Name in the article", "Latakia")
        choose(first.page, "Resolve it to", "(not a place — leave it off the map)")
        first.page.get_by_role("button", name="Apply").click()
        first.page.wait_for_function("() => location.search.includes('fix=')", timeout=30_000)
        first.map_box("Events")
        first.drag(-100, 50)
        box = first.page.locator(IFRAME).bounding_box()
        assert box is not None
        first.page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.5)
        first.page.mouse.wheel(0, 120)
        there = first.settle()
        link = first.page.url
    finally:
        first.close()

    second = Person(browser, link)  # a fresh context: no cookies, no session, only the link
    try:
        v = second.settle()
        assert km_between((v["lng"], v["lat"]), (there["lng"], there["lat"])) <= 1.0
        assert v["zoom"] == there["zoom"]
        assert v["control_on"] == there["control_on"] and "Events" not in v["control_on"]
        assert second.page.locator("[data-testid='stSidebar'] textarea").first.input_value() == SYRIA
        assert "Sumy" in second.page.locator("[data-testid='stSidebar']").inner_text()
        assert second.frame.evaluate(HAS_COLOR, ATACMS_COLOR)
        labels = second.frame.evaluate(
            "() => Array.from(document.querySelectorAll('.mapapp-label')).map(e => e.textContent)"
        )
        assert "Damascus" in labels and "Latakia" not in labels  # the fix came with the link
        assert second.query()["fix"] == "latakia~"
        second.shot("link-restored-in-fresh-context")
        assert second.page.url == link  # reopening did not rewrite the link
        assert second.remote() == []
    finally:
        second.close()

    # the recipient's library does not have the article: the app says so, and keeps the rest
    q = parse_qs(urlparse(link).query)
    q["article"] = ["lib:" + "0" * 32]
    third = Person(browser, server["url"] + "?" + "&".join(f"{k}={v[-1]}" for k, v in q.items()))
    try:
        third.page.get_by_text("is not in this computer's article library", exact=False).wait_for(timeout=60_000)
        v = third.settle()
        assert v["zoom"] == there["zoom"]
        third.shot("link-article-missing-from-library")
    finally:
        third.close()


def download(person: Person, fmt: str, tmp: Path) -> tuple[Path, str]:
    """Make a snapshot in ``fmt`` from the page; the downloaded file and the panel's caption."""
    choose(person.page, "Format", fmt)
    person.page.get_by_role("button", name="Prepare snapshot").click()
    button = person.page.get_by_role("button", name=f"Download {fmt}", exact=False)
    button.wait_for(timeout=60_000)
    with person.page.expect_download(timeout=30_000) as info:
        button.click()
    path = tmp / f"snapshot.{fmt.lower()}"
    info.value.save_as(path)
    caption = person.page.get_by_text(f".{fmt.lower()}: ", exact=False).last.inner_text()
    return path, caption


def caption_bounds(caption: str) -> list[float]:
    """[w, s, e, n] from the snapshot caption ``Shows 30.10°E – 40.20°E, 48.00°N – 52.10°N; …``."""
    m = re.search(r"Shows ([\d.]+)°([EW]) – ([\d.]+)°([EW]), ([\d.]+)°([NS]) – ([\d.]+)°([NS])", caption)
    assert m, caption

    def sign(v: str, h: str) -> float:
        return float(v) * (-1 if h in "WS" else 1)

    return [sign(m[1], m[2]), sign(m[5], m[6]), sign(m[3], m[4]), sign(m[7], m[8])]


def assert_same_bounds(screen: list[float], shot: list[float], what: str) -> None:
    width = screen[2] - screen[0]
    worst = max(abs(a - b) for a, b in zip(screen, shot, strict=True))
    assert worst <= 0.05 * width, f"{what}: {shot} vs screen {screen} (off by {worst:.3f}°, width {width:.3f}°)"


def test_snapshots_are_the_screen(person: Person, tmp_path: Path) -> None:
    import numpy as np
    from PIL import Image

    from mapapp.maps.scene import build_scene
    from mapapp.maps.spec import ScreenView
    from mapapp.model import LonLat
    from mapapp.render import snapshot

    person.drag(-140, 70)
    person.map_box("Events")  # hidden on screen: must be hidden (and out of the legend) in every file
    screen = person.settle()
    data_on = set(screen["legend"])
    assert "events" not in data_on and {"places", "targets", "footprint:atacms-m57"} <= data_on

    png, caption = download(person, "PNG", tmp_path)
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    img = Image.open(io.BytesIO(data)).convert("RGB")
    w_px, h_px = screen["size"]
    assert img.size[0] == 2 * w_px and img.size[1] > 2 * h_px  # the screen's map, twice as sharp, with its bands
    px = np.asarray(img).reshape(-1, 3).astype(int)
    assert len(np.unique(px[::7], axis=0)) > 50  # not blank
    r, g, b = px[:, 0], px[:, 1], px[:, 2]
    assert int(((r > g + 12) & (r > b + 12)).sum()) > 0.03 * len(px)  # the footprint's colour
    shown = snapshot.png_view(png)
    assert shown is not None
    assert_same_bounds(screen["bounds"], shown["bounds"], "PNG")  # type: ignore[arg-type]
    assert set(shown["legend"]) == data_on  # type: ignore[arg-type]
    assert_same_bounds(screen["bounds"], caption_bounds(caption), "PNG caption")
    shutil.copy(png, SHOTS / "snapshot-png-of-screen.png") if SHOTS.is_dir() else None

    pdf, caption = download(person, "PDF", tmp_path)
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert_same_bounds(screen["bounds"], caption_bounds(caption), "PDF")
    assert "Events" not in caption and "Places (article)" in caption

    html, _ = download(person, "HTML", tmp_path)
    page = person.ctx.new_page()
    try:
        page.set_viewport_size({"width": 1200, "height": 1000})  # any window: the map has the screen's size
        page.goto(html.as_uri())
        page.wait_for_function("window.__mapReady === true", timeout=30_000)
        opened = page.evaluate("window.__mapappView()")
        page.screenshot(path=str(SHOTS / "snapshot-html-opened.png"))
    finally:
        page.close()
    assert_same_bounds(screen["bounds"], opened["bounds"], "HTML")
    assert set(opened["legend"]) == data_on and opened["size"] == screen["size"]

    # the browser-free renderer, given the same screen view, draws the same bounds and legend
    hidden = person.query().get("hide", "").split(",")
    spec = build_scene(hidden=[h for h in hidden if h]).with_view(
        screen=ScreenView(
            LonLat(screen["lng"], screen["lat"]), screen["zoom"], screen["size"][0], screen["size"][1], screen["bounds"]
        )
    )
    res = snapshot.write(spec, tmp_path / "mpl.png", renderer="matplotlib")
    mpl_view = snapshot.png_view(tmp_path / "mpl.png")
    assert res.renderer == "matplotlib" and mpl_view is not None
    assert_same_bounds(screen["bounds"], mpl_view["bounds"], "matplotlib")  # type: ignore[arg-type]
    assert set(mpl_view["legend"]) == data_on  # type: ignore[arg-type]
    shutil.copy(tmp_path / "mpl.png", SHOTS / "snapshot-matplotlib-of-screen.png")
    person.shot("snapshot-panel")
    assert person.remote() == []


def test_zz_an_app_session_contacts_only_loopback(server: dict[str, Any]) -> None:
    """Everything above ran against a server under ``strace -f -e trace=connect``: the server
    and the Chromium it keeps for snapshots connected to loopback addresses only, apart from
    Chromium's IPv6 reachability probe (a UDP connect(), which sends no packet; see
    mapapp.render.snapshot.QUIET_ARGS)."""
    trace = server["trace"]
    if trace is None:
        pytest.skip("strace is not installed")
    from tests.test_snapshot import non_loopback_connects

    text = trace.read_text(errors="replace")
    assert "connect(" in text  # the trace is live (the browser's websocket at least)
    assert non_loopback_connects(text) == []

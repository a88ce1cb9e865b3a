"""An analyst's journeys through the map tools, in the Streamlit app and real headless Chromium.

One app server for the module (127.0.0.1, a free port, stopped by its pid); each journey opens
its own browser context and saves a screenshot under tests/screenshots/. Every number is checked
against an independent reference: pyproj's Geod.inv for distances, a UTM conversion for MGRS, the
CLI's ``mapapp reach --line`` for a front line's footprint, known city coordinates for a search.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from pyproj import Geod, Transformer

from mapapp.cli.app_cmd import command as app_command
from mapapp.render.snapshot import CHROMIUM, CHROMIUM_ARGS

pytestmark = [pytest.mark.browser, pytest.mark.journey]

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "tests" / "screenshots"
ARGS = CHROMIUM_ARGS  # the flags the app's own snapshot browser runs with
LOCAL = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")
GEOD = Geod(ellps="WGS84")
MAP = "iframe[title*='mapapp_map']"
# the range polygons drawn on the map: [colour, tooltip] of every range GeoJSON layer
RANGES_JS = """() => {
    const out = [];
    for (const k of Object.keys(window)) {
        const m = window[k];
        if (!(window.L && m instanceof L.Map)) continue;
        m.eachLayer(function (l) {
            if (l instanceof L.GeoJSON && l.options.pane === "mapapp-ranges") {
                const t = l.getTooltip && l.getTooltip();
                out.push([(l.options.style || {}).color, t ? String(t.getContent()) : ""]);
            }
        });
    }
    return out;
}"""
VIEW_JS = """() => {
    for (const k of Object.keys(window)) {
        const m = window[k];
        if (window.L && m instanceof L.Map) { const c = m.getCenter(); return [c.lat, c.lng, m.getZoom()]; }
    }
    return null;
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
        app_command(port),  # the argv `mapapp app` runs: the same Streamlit settings
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
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            yield b
        finally:
            b.close()


class Visit:
    """One person's visit: a fresh browser context (own profile), every request recorded."""

    def __init__(self, browser: object, url: str, width: int = 1500, height: int = 1100) -> None:
        self.ctx = browser.new_context(viewport={"width": width, "height": height})  # type: ignore[attr-defined]
        self.page = self.ctx.new_page()
        self.requests: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("websocket", lambda ws: self.requests.append(ws.url))
        self.page.goto(url)

    def map_frame(self, timeout_ms: int = 90_000) -> object:
        self.page.locator(MAP).first.wait_for(timeout=timeout_ms)
        deadline = time.monotonic() + timeout_ms / 1000
        while time.monotonic() < deadline:
            for f in self.page.frames:
                if "mapapp_map" in f.url and f.evaluate(VIEW_JS) is not None:
                    return f
            time.sleep(0.3)
        raise AssertionError("the map did not load")

    def wait_map(self, js: str, timeout_s: float = 60) -> object:
        """Wait until ``js`` is true in the map's frame (found again if the map was re-mounted)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                frame = self.map_frame()
                if frame.evaluate(js):  # type: ignore[attr-defined]
                    return frame
            except Exception:  # a frame detached while the map re-mounts: look again
                pass
            time.sleep(0.5)
        raise AssertionError(f"the map never showed {js!r}")

    def query(self) -> dict[str, str]:
        return {k: v[-1] for k, v in parse_qs(urlparse(self.page.url).query).items()}

    def wait_query(self, key: str, pattern: str = "", timeout_s: float = 60) -> str:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            v = self.query().get(key, "")
            if v and re.search(pattern, v):
                return v
            time.sleep(0.3)
        raise AssertionError(f"the link never got {key}~{pattern!r}: {self.page.url}")

    def idle(self, timeout_ms: int = 120_000) -> None:
        """Wait until the app's script run (triggered by the last action) has finished."""
        self.page.wait_for_timeout(400)
        self.page.wait_for_function(
            "() => { const e = document.querySelector('[data-test-script-state]');"
            " return e && e.getAttribute('data-test-script-state') === 'notRunning'; }",
            timeout=timeout_ms,
        )

    def click(self, locator: object) -> None:
        locator.click()  # type: ignore[attr-defined]
        self.idle()

    def search(self, text: str) -> None:
        box = self.page.get_by_role("textbox", name="Place name or coordinates")
        box.fill(text)
        box.press("Enter")
        self.idle()

    def shot(self, name: str) -> Path:
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / f"{name}.png"
        self.page.wait_for_timeout(1500)
        self.page.screenshot(path=str(path))
        return path

    def offline(self) -> list[str]:
        return [u for u in self.requests if not u.startswith(LOCAL)]

    def close(self) -> None:
        self.ctx.close()


@pytest.fixture
def visit(browser: object, server: str) -> Iterator[object]:
    visits: list[Visit] = []

    def open_(query: str = "", **kwargs: int) -> Visit:
        v = Visit(browser, server + query, **kwargs)
        visits.append(v)
        return v

    yield open_
    for v in visits:
        v.close()


def _lonlat(encoded: str) -> tuple[str, float, float]:
    name, _, coords = encoded.rpartition("@")
    lon, lat = (float(x) for x in coords.split(","))
    return name, lon, lat


FAST = "?border=none"  # no border footprint: these journeys are about the tools


def test_search_pokrovsk_and_choose_the_donetsk_one(visit: object) -> None:
    v = visit(FAST)  # type: ignore[operator]
    v.map_frame()
    v.search("Pokrovsk")
    radios = v.page.get_by_role("radiogroup")
    radios.wait_for(timeout=30_000)
    options = [
        t.strip() for t in radios.get_by_role("radio").evaluate_all("els => els.map(e => e.closest('label').innerText)")
    ]
    assert len(options) >= 2, options
    donetsk = [o for o in options if "Donetsk" in o and o.startswith("Pokrovsk")]
    assert donetsk and any("Russia" in o for o in options), options
    v.click(v.page.get_by_text(donetsk[0], exact=True))
    v.click(v.page.get_by_role("button", name="Launch point", exact=True))
    launch = v.wait_query("launch", "Pokrovsk@")
    name, lon, lat = _lonlat(launch.split("|")[-1])
    # Pokrovsk in Donetsk oblast lies at about 48.28 N, 37.18 E (not the Pokrovsk in Yakutia, 61.5 N 129 E)
    assert name == "Pokrovsk" and abs(lat - 48.28) < 0.05 and abs(lon - 37.18) < 0.05
    v.wait_map(
        "() => [...document.querySelectorAll('.mapapp-ring-label')].some(e => e.textContent.includes('Pokrovsk'))"
    )
    v.page.get_by_text("From Pokrovsk").first.wait_for(timeout=30_000)
    v.shot("tools-search-pokrovsk")
    assert v.offline() == []


def test_mgrs_reference_gives_the_right_point(visit: object) -> None:
    v = visit(FAST)  # type: ignore[operator]
    v.map_frame()
    v.search("37U DQ 12345 67890")
    v.page.get_by_role("radiogroup").wait_for(timeout=30_000)
    v.click(v.page.get_by_role("button", name="Launch point", exact=True))
    _name, lon, lat = _lonlat(v.wait_query("launch", "@").split("|")[-1])
    # independent conversion: MGRS 37U DQ 12345 67890 is UTM zone 37N, easting 412,345 m (column
    # D = 4th 100 km square of the zone's set), northing 5,467,890 m (row Q = 1,400 km within the
    # 2,000 km cycle, near 49 N): convert with pyproj's UTM projection
    to_lonlat = Transformer.from_crs("EPSG:32637", "EPSG:4326", always_xy=True)
    ref_lon, ref_lat = to_lonlat.transform(412_345.5, 5_467_890.5)
    assert GEOD.inv(lon, lat, ref_lon, ref_lat)[2] < 15.0  # the link keeps 4 decimals (~10 m)
    # the same pick as "Zoom to": the map moves there (the view command), and as a reach target
    v.click(v.page.get_by_role("button", name="Zoom to", exact=True))
    frame = v.wait_map(f"() => {{ const c = ({VIEW_JS})(); return c && Math.abs(c[0] - {lat}) < 0.01 && c[2] >= 8; }}")
    c_lat, c_lon, _z = frame.evaluate(VIEW_JS)  # type: ignore[attr-defined]
    assert GEOD.inv(c_lon, c_lat, ref_lon, ref_lat)[2] < 1000.0
    v.click(v.page.get_by_role("button", name="Reach target", exact=True))
    assert v.wait_query("targets", "@")
    v.shot("tools-mgrs")
    assert v.offline() == []


def test_measure_kyiv_to_kharkiv(visit: object) -> None:
    v = visit(FAST + "&weapons=none")  # type: ignore[operator]
    v.map_frame()
    for city in ("Kyiv", "Kharkiv"):
        v.search(city)
        v.page.get_by_role("radiogroup").wait_for(timeout=30_000)
        v.click(v.page.get_by_role("button", name="Measure", exact=True))
    pts = v.wait_query("measure", ";")
    (lon1, lat1), (lon2, lat2) = ([float(x) for x in p.split(",")] for p in pts.split(";"))
    # the two city centres: Kyiv ~50.45 N 30.52 E, Kharkiv ~49.98 N 36.25 E
    assert abs(lat1 - 50.45) < 0.05 and abs(lon1 - 30.52) < 0.05
    assert abs(lat2 - 49.98) < 0.05 and abs(lon2 - 36.25) < 0.05
    ref_km = GEOD.inv(lon1, lat1, lon2, lat2)[2] / 1000.0
    text = v.page.get_by_text(re.compile(r"Distance: [\d,.]+ km")).first
    text.wait_for(timeout=30_000)
    shown = float(re.search(r"Distance: ([\d,.]+) km", text.inner_text()).group(1).replace(",", ""))  # type: ignore[union-attr]
    assert abs(shown - ref_km) <= 0.1  # shown to 0.1 km; the link's 4 decimals move it < 0.02 km
    assert 405 < shown < 420  # ~412 km on the ellipsoid
    assert "mi)" in text.inner_text()
    v.wait_map("() => document.querySelector('.mapapp-measure-total') !== null")
    v.shot("tools-measure-kyiv-kharkiv")
    assert v.offline() == []


FRONT = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"name": "test front line"},
            "geometry": {
                "type": "LineString",
                "coordinates": [[37.9, 49.9], [38.1, 49.2], [37.8, 48.6], [37.5, 48.0], [36.6, 47.6], [35.3, 47.4]],
            },
        }
    ],
}


def test_loaded_front_line_footprint_matches_the_cli(visit: object, tmp_path: Path) -> None:
    line = tmp_path / "front.geojson"
    line.write_text(json.dumps(FRONT), encoding="utf-8")
    cli = subprocess.run(
        [
            *(sys.executable, "-m", "mapapp", "reach", "--line", str(line), "--weapon", "atacms-m57"),
            *("--into", "RUS", "--format", "json", "--min-population", "1000000"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
        timeout=300,
    )
    cli_km2 = float(json.loads(cli.stdout)["area_in_range_km2"])

    v = visit(FAST)  # type: ignore[operator]
    v.map_frame()
    v.click(v.page.get_by_text("Front line or area of control"))
    panel = v.page.locator("[data-testid='stExpander']", has_text="Front line or area of control")
    panel.locator("input[type='file']").set_input_files(str(line))
    title = "ATACMS 300 km from the front line (front.geojson)"
    block = v.page.get_by_text(re.compile(re.escape(title) + r".*Area in range", re.S)).first
    block.wait_for(timeout=120_000)
    shown = float(re.search(r"Area in range: ([\d,]+) km²", block.inner_text()).group(1).replace(",", ""))  # type: ignore[union-attr]
    assert shown == pytest.approx(cli_km2, abs=1.0)  # shown rounded to 1 km²
    assert v.wait_query("front", r"^line\.") and v.query().get("into", "RUS") == "RUS"
    v.wait_map(f"() => ({RANGES_JS})().some(r => r[1].includes('front line'))")
    v.shot("tools-front-line")
    assert v.offline() == []


LABELS_JS = """() => [...document.querySelectorAll('.mapapp-label, .mapapp-ring-label')]
    .filter(e => getComputedStyle(e).visibility !== 'hidden'
                 && getComputedStyle(e.parentElement).visibility !== 'hidden' && e.offsetParent !== null)
    .map(e => { const r = e.getBoundingClientRect(); return [e.textContent, r.left, r.top, r.right, r.bottom]; })"""


def assert_labels_readable(frame: object, names: set[str]) -> None:
    """Every name in ``names`` is shown exactly once, and no two shown labels overlap."""
    shown = frame.evaluate(LABELS_JS)  # type: ignore[attr-defined]
    texts = [t for t, *_ in shown]
    for name in names:
        assert texts.count(name) == 1, (name, texts)
    for i, (ta, *a) in enumerate(shown):
        for tb, *b in shown[i + 1 :]:
            overlap_w = min(a[2], b[2]) - max(a[0], b[0])
            overlap_h = min(a[3], b[3]) - max(a[1], b[1])
            assert overlap_w <= 2 or overlap_h <= 2, f"labels {ta!r} and {tb!r} overlap"


def test_two_rings_two_colours_two_labels(visit: object) -> None:
    v = visit("?border=none&launch=Sumy@34.7981,50.9216|Kharkiv@36.2304,49.9935")  # type: ignore[operator]
    frame = v.map_frame()
    frame.wait_for_function(f"() => ({RANGES_JS})().length >= 2", timeout=60_000)  # type: ignore[attr-defined]
    ranges = frame.evaluate(RANGES_JS)  # type: ignore[attr-defined]
    by_tip = {tip: color for color, tip in ranges}
    sumy, kharkiv = "ATACMS 300 km from Sumy", "ATACMS 300 km from Kharkiv"
    assert set(by_tip) >= {sumy, kharkiv}, ranges
    assert by_tip[sumy].lower() != by_tip[kharkiv].lower()
    labels = frame.evaluate(  # type: ignore[attr-defined]
        "() => [...document.querySelectorAll('.mapapp-ring-label')].map(e => [e.textContent, e.style.color])"
    )
    texts = [t for t, _c in labels]
    assert sumy in texts and kharkiv in texts
    assert len({c for _t, c in labels}) == 2  # each label in its ring's colour
    v.page.get_by_text("From Sumy").first.wait_for(timeout=30_000)
    v.page.get_by_text("From Kharkiv").first.wait_for(timeout=30_000)
    v.page.wait_for_timeout(1000)  # labels are placed after the layers are drawn
    assert_labels_readable(frame, {"Sumy", "Kharkiv", sumy, kharkiv})
    v.shot("tools-two-rings")
    narrow = visit("?border=none&launch=Sumy@34.7981,50.9216|Kharkiv@36.2304,49.9935", width=400, height=860)  # type: ignore[operator]
    f2 = narrow.map_frame()
    # on a narrow screen the legend starts folded: it never covers more than a corner
    f2.wait_for_function("() => document.querySelector('.mapapp-legend.mapapp-folded') !== null", timeout=60_000)  # type: ignore[attr-defined]
    frac = f2.evaluate(  # type: ignore[attr-defined]
        """() => { const l = document.querySelector('.mapapp-legend').getBoundingClientRect();
                   const m = document.querySelector('.leaflet-container').getBoundingClientRect();
                   return (l.width * l.height) / (m.width * m.height); }"""
    )
    assert frac < 0.1
    # ... and so does the layer control (its icon; the sidebar has the same switches)
    assert f2.evaluate("() => document.querySelector('.leaflet-control-layers-expanded') === null")  # type: ignore[attr-defined]
    narrow.page.wait_for_timeout(1000)
    assert_labels_readable(f2, {"Sumy", "Kharkiv"})
    narrow.shot("tools-two-rings-400px")
    assert v.offline() == [] and narrow.offline() == []


ARTICLES = [
    ("2024-03-05", "On 4 March 2024 Russian forces shelled Kharkiv, killing three civilians, officials said."),
    ("2024-03-12", "On 11 March 2024 missiles struck the outskirts of Odesa, injuring 12 people."),
    ("2024-03-14", "On 13 March 2024 a drone hit an apartment block in Sumy, wounding four people."),
    ("2024-03-22", "On 21 March 2024 Russian troops attacked positions near Pokrovsk, killing two soldiers."),
    ("2024-03-23", "On 22 March 2024 shelling damaged a school in Kherson, wounding a teacher."),
    ("2024-03-30", "On 29 March 2024 an air strike on Zaporizhzhia killed two people."),
    ("2024-03-31", "On 30 March 2024 Russian forces shelled Nikopol, injuring five people."),
    ("2024-03-31", "Shelling was reported near Kupiansk, the army said."),
    ("2006-02-15", "On 14 February 2006 police clashed with protesters in Kyiv, injuring three people."),
]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from mapapp.corpus.ingest import ingest

    src = tmp_path_factory.mktemp("src")
    for i, (day, text) in enumerate(ARTICLES):
        (src / f"a{i}.txt").write_text(f"---\npublished: {day}\n---\n{text}\n", encoding="utf-8")
    out = tmp_path_factory.mktemp("st") / "store"
    ingest([src], out, scheduler="sync", stream=None)
    return out


def test_play_the_timeline_over_a_store(visit: object, store: Path) -> None:
    v = visit(f"?store={store}&step=week&cum=1")  # type: ignore[operator]
    frame = v.map_frame()
    counts = v.page.get_by_text(re.compile(r"^Drawn: \d+ of \d+ event"))
    counts.first.wait_for(timeout=60_000)
    # the 2006 outlier does not stretch the range: the slider spans March 2024
    note = v.page.get_by_text(re.compile(r"left out of the range")).first
    note.wait_for(timeout=10_000)
    outliers = int(re.search(r"(\d+) dated events? far from", note.inner_text()).group(1))  # type: ignore[union-attr]
    view0 = frame.evaluate(VIEW_JS)  # type: ignore[attr-defined]
    v.page.get_by_role("button", name="Play").click()
    seen: list[tuple[str, str]] = []
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        text = v.page.evaluate("() => document.body.innerText")  # one read: the page reruns under us
        step = re.search(r"Step \d+ of \d+", text)
        count = re.search(r"Drawn: \d+ of \d+ events?[^\n]*", text)
        if step and count:
            pair = (step.group(0), count.group(0))
            if not seen or seen[-1] != pair:
                seen.append(pair)
        if re.search(r"\bPlay\b", text) and len(seen) > 1:
            break  # finished
        time.sleep(0.25)
    final = re.search(r"Drawn: \d+ of \d+ events?[^\n]*", v.page.evaluate("() => document.body.innerText"))
    assert final is not None
    drawn = [int(re.match(r"Drawn: (\d+)", c).group(1)) for _s, c in seen]  # type: ignore[union-attr]
    steps = [s for s, _c in seen]
    assert len(set(steps)) >= 3, seen
    assert len(set(drawn)) >= 3 and drawn == sorted(drawn), seen  # cumulative weeks: the count grows
    lat, lon, zoom = frame.evaluate(VIEW_JS)  # type: ignore[attr-defined]
    # the view held still: same zoom, the centre within a pixel (~0.03 degrees at this zoom)
    assert zoom == view0[2] and abs(lat - view0[0]) < 0.03 and abs(lon - view0[1]) < 0.03
    assert f"{outliers} outside the window" in final.group(0)  # the 2006 events: counted, not drawn
    v.shot("tools-timeline")
    q = v.query()
    assert q.get("store") == str(store) and q.get("step", "week") == "week" and q.get("cum") == "1"
    assert v.offline() == []


def test_your_places_file_makes_a_village_a_launch_point(visit: object, tmp_path: Path) -> None:
    """An analyst uploads their own villages; the search then finds one the gazetteer lacks and it
    becomes a launch point at the file's coordinates."""
    places = tmp_path / "my_villages.csv"
    places.write_text("name,aliases,lat,lon,kind\nKlishchiivka-Testova,,48.5312,37.9601,city\n", encoding="utf-8")
    v = visit(FAST)  # type: ignore[operator]
    v.map_frame()
    v.click(v.page.get_by_text("Your places"))
    panel = v.page.locator("[data-testid='stExpander']", has_text="Your places")
    panel.locator("input[type='file']").set_input_files(str(places))
    v.page.locator("[data-testid='stAlert']", has_text="Added 1 of your places").wait_for(timeout=60_000)
    v.search("Klishchiivka-Testova")
    v.page.get_by_role("radiogroup").wait_for(timeout=30_000)
    v.click(v.page.get_by_role("button", name="Launch point", exact=True))
    launch = v.wait_query("launch", "Klishchiivka-Testova@")
    name, lon, lat = _lonlat(launch.split("|")[-1])
    _, _, d = Geod(ellps="WGS84").inv(37.9601, 48.5312, lon, lat)
    assert name == "Klishchiivka-Testova" and d < 50  # metres: the file's point, not a namesake
    v.page.get_by_text("From Klishchiivka-Testova").first.wait_for(timeout=30_000)
    v.shot("tools-your-places")
    assert v.offline() == []

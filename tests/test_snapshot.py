"""Snapshots: a real Chromium renders the standalone map offline; bad --out paths; no half files."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page, Route
from matplotlib.image import imread

from mapapp.errors import DataDirError, OutputError
from mapapp.render import leaflet as render
from mapapp.render import snapshot
from tests.test_render import XSS_IMG, XSS_SCRIPT, _spec_with_weapon_name, make_spec

ROOT = Path(__file__).resolve().parent.parent
HAVE_CHROMIUM = snapshot.chromium_available()
browser = pytest.mark.browser


#: Chromium's IPv6 reachability probe: a UDP connect() (no packet is sent) made whenever its
#: host resolver starts a request; in Chromium 156 its sign-in service's account list request
#: triggers one that no switch turns off (mapapp.render.snapshot.QUIET_ARGS stops the others).
IPV6_PROBE = ("2001:4860:4860::8888", 443)
_CONNECT = re.compile(
    r"connect\(\d+, \{sa_family=(AF_INET6?), sin6?_port=htons\((\d+)\)"
    r".*?inet_(?:pton|addr)\((?:AF_INET6?, )?\"([^\"]+)\""
)


def non_loopback_connects(strace_text: str) -> list[tuple[str, int]]:
    """(address, port) of every connect() in an ``strace -e trace=connect`` log to an address
    that is not loopback (the IPv6 reachability probe excepted, see :data:`IPV6_PROBE`)."""
    out = []
    for m in _CONNECT.finditer(strace_text):
        addr, port = m[3], int(m[2])
        loop = addr.startswith("127.") or addr in ("::1", "::ffff:127.0.0.1") or addr.startswith("::ffff:127.")
        if not loop and (addr, port) != IPV6_PROBE:
            out.append((addr, port))
    return out


def ring_pixels(png: Path, hex_color: str = "#CC6677", tol: int = 30) -> int:
    img = (imread(str(png))[:, :, :3] * 255).astype(int)
    rgb = np.array([int(hex_color[i : i + 2], 16) for i in (1, 3, 5)])
    return int((np.abs(img - rgb).max(axis=2) <= tol).sum())


def distinct_colours(png: Path) -> int:
    img = (imread(str(png))[:, :, :3] * 255).astype(np.uint32)
    packed = (img[:, :, 0] << 16) | (img[:, :, 1] << 8) | img[:, :, 2]
    return len(np.unique(packed))


# --------------------------------------------------------------------------- output checks


def test_unknown_extension_is_refused(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match=r"unknown extension '\.bmp'"):
        snapshot.output_format(tmp_path / "map.bmp")


def test_missing_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="does not exist"):
        snapshot.write(make_spec(), tmp_path / "nope" / "map.html")
    assert not (tmp_path / "nope").exists()


def test_unwritable_directory_is_refused(tmp_path: Path) -> None:
    target = Path("/proc/mapapp-test.png")  # not writable, even for root
    if os.geteuid() != 0:
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o500)
        target = ro / "map.png"
    with pytest.raises(OutputError, match="no write permission"):
        snapshot.output_format(target)


def test_failure_leaves_no_half_written_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "map.html"
    out.write_text("old map")

    def boom(*_a: object, **_k: object) -> str:
        raise DataDirError("data/geo is corrupt (test)")

    monkeypatch.setattr(render, "to_html", boom)
    with pytest.raises(DataDirError):
        snapshot.write(make_spec(), out)
    assert out.read_text() == "old map"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.html"]


def test_cli_bad_out_is_one_line_error(tmp_path: Path) -> None:
    r = subprocess.run(
        [sys.executable, "-m", "mapapp", "snapshot", "--out", str(tmp_path / "x" / "m.png")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert r.returncode == 1
    assert r.stderr.startswith("mapapp snapshot: error: Cannot write")
    assert "Traceback" not in r.stderr


def test_html_geojson_kml_written(tmp_path: Path) -> None:
    for ext in ("html", "geojson", "kml"):
        res = snapshot.write(make_spec(), tmp_path / f"map.{ext}")
        assert res.path.stat().st_size > 1000
    assert (tmp_path / "map.html").read_text().startswith("<!DOCTYPE html>")


def test_matplotlib_renderer_draws_the_map(tmp_path: Path) -> None:
    out = tmp_path / "map.png"
    res = snapshot.write(make_spec(), out, width=800, height=500, renderer="matplotlib")
    assert res.renderer == "matplotlib"
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert ring_pixels(out) > 300
    assert distinct_colours(out) > 50


# --------------------------------------------------------------------------- real browser


@contextmanager
def offline_map_page(page_file: Path) -> Iterator[tuple[Page, list[str]]]:
    """A real headless Chromium (fresh profile) showing ``page_file`` once the map is ready;
    every request that is not file:/data:/about: is blocked and recorded in the yielded list."""
    from playwright.sync_api import sync_playwright

    requests: list[str] = []
    profile = tempfile.mkdtemp(prefix="mapapp-test-")
    try:
        with sync_playwright() as pw:
            ctx = pw.chromium.launch_persistent_context(
                profile,
                executable_path=snapshot.CHROMIUM,
                headless=True,
                args=snapshot.CHROMIUM_ARGS,
                viewport={"width": 900, "height": 600},
            )
            try:

                def route(r: Route) -> None:
                    if r.request.url.startswith(("file:", "data:", "about:")):
                        r.continue_()
                    else:
                        requests.append(r.request.url)
                        r.abort()

                ctx.route("**/*", route)
                page = ctx.new_page()
                page.goto(page_file.as_uri())
                page.wait_for_function("window.__mapReady === true", timeout=20000)
                yield page, requests
            finally:
                ctx.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


@browser
@pytest.mark.skipif(not HAVE_CHROMIUM, reason="needs /usr/bin/chromium")
def test_png_of_standalone_html_offline(tmp_path: Path) -> None:
    out = tmp_path / "map.png"
    res = snapshot.write(make_spec(), out, width=900, height=600, renderer="chromium")
    assert res.renderer == "chromium"
    assert res.blocked == []  # the page asked for nothing beyond file:/data:
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert imread(str(out)).shape[:2] == (600, 900)
    assert ring_pixels(out) > 300  # the ATACMS ring outline is drawn
    assert distinct_colours(out) > 100


@browser
@pytest.mark.skipif(not HAVE_CHROMIUM, reason="needs /usr/bin/chromium")
def test_pdf_snapshot(tmp_path: Path) -> None:
    out = tmp_path / "map.pdf"
    snapshot.write(make_spec(), out, width=900, height=600, renderer="chromium")
    assert out.read_bytes()[:5] == b"%PDF-"


@browser
@pytest.mark.skipif(not HAVE_CHROMIUM, reason="needs /usr/bin/chromium")
def test_article_markup_never_executes(tmp_path: Path) -> None:
    page_file = tmp_path / "map.html"
    page_file.write_text(render.to_html(make_spec(title=f"Headline {XSS_SCRIPT} {XSS_IMG}")))
    with offline_map_page(page_file) as (page, requests):
        # open every popup and tooltip on the map, one after another
        opened = page.evaluate("""() => {
            let n = 0;
            const visit = (layer) => {
                if (layer.getLayers) { layer.getLayers().forEach(visit); }
                if (layer.getPopup && layer.getPopup()) {
                    if (layer.getLatLng) { layer.openPopup(); }
                    else { layer.openPopup(layer.getBounds().getCenter()); }
                    n += 1;
                }
                if (layer.getTooltip && layer.getTooltip()) { layer.openTooltip(); }
            };
            const maps = Object.keys(window).filter(k => k.startsWith('map_')).map(k => window[k]);
            maps[0].eachLayer(visit);
            return n;
        }""")
        page.wait_for_timeout(300)
        assert opened >= 4
        assert page.evaluate("typeof window.__pwned") == "undefined"
        title = page.inner_text(".mapapp-title")
        assert XSS_SCRIPT in title and "<img src=x" in title  # shown as text
        assert page.locator(".leaflet-popup-content img").count() == 0
        assert page.locator(".mapapp-title img, .mapapp-title script").count() == 0
    assert requests == []


@browser
@pytest.mark.skipif(not HAVE_CHROMIUM, reason="needs /usr/bin/chromium")
def test_weapon_name_markup_in_layer_control_never_executes(tmp_path: Path) -> None:
    page_file = tmp_path / "map.html"
    page_file.write_text(render.to_html(_spec_with_weapon_name(XSS_IMG)))
    with offline_map_page(page_file) as (page, _requests):
        page.wait_for_timeout(200)
        assert page.evaluate("typeof window.__pwned") == "undefined"
        control = page.inner_text(".leaflet-control-layers-overlays")
        assert "<img src=x" in control and "(50 km) footprint" in control  # shown as text
        assert page.locator(".leaflet-control-layers img").count() == 0


@browser
@pytest.mark.skipif(not HAVE_CHROMIUM, reason="needs /usr/bin/chromium")
def test_seed_snapshot_command(tmp_path: Path) -> None:
    try:
        from mapapp.data.paths import data_dir

        data_dir()
    except DataDirError as err:
        pytest.skip(f"data/geo not built: {err}")
    out = tmp_path / "seed.png"
    r = subprocess.run(
        [sys.executable, "-m", "mapapp", "snapshot", "--out", str(out), "--width", "1000", "--height", "700"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    assert "chromium" in r.stderr and "blocked" not in r.stderr
    assert distinct_colours(out) > 100


@browser
@pytest.mark.skipif(not HAVE_CHROMIUM, reason="needs /usr/bin/chromium")
def test_leaflet_labels_do_not_overlap(tmp_path: Path) -> None:
    from dataclasses import replace

    from mapapp.maps.spec import ReachTarget

    near = (
        ReachTarget("Taganrog", 38.9, 47.21, True, 250.0, 55.0),
        ReachTarget("Rostov-on-Don", 39.72, 47.23, True, 300.0, 5.0),
        ReachTarget("Novocherkassk", 40.1, 47.42, True, 310.0, 1.0),
    )
    spec = replace(make_spec(), targets=near, bounds=(28.0, 44.0, 46.0, 56.0))
    page_file = tmp_path / "map.html"
    page_file.write_text(render.to_html(spec))
    with offline_map_page(page_file) as (page, _requests):
        boxes = page.evaluate("""() => Array.from(document.querySelectorAll('.mapapp-label'))
            .filter(el => getComputedStyle(el).visibility !== 'hidden')
            .map(el => { const r = el.getBoundingClientRect();
                         return [el.textContent, r.left, r.top, r.right, r.bottom]; })""")
    names = [b[0] for b in boxes]
    assert {"Kursk", "Kyiv", "Taganrog", "Rostov-on-Don"} <= set(names)
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert a[3] <= b[1] or b[3] <= a[1] or a[4] <= b[2] or b[4] <= a[2], (a, b)


def test_footprint_from_another_border_into_another_country(tmp_path: Path) -> None:
    from pyproj import Geod
    from shapely.geometry import Point, shape

    out = tmp_path / "isk.geojson"
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "mapapp",
            "snapshot",
            "--weapon",
            "iskander-m",
            "--from-border",
            "RUS",
            "--into",
            "UKR",
            "--layers",
            "footprint",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert r.returncode == 0, r.stderr
    fc = json.loads(out.read_text(encoding="utf-8"))
    geoms = [shape(f["geometry"]) for f in fc["features"] if f["geometry"]["type"] in ("Polygon", "MultiPolygon")]
    assert geoms
    area = sum(abs(Geod(ellps="WGS84").geometry_area_perimeter(g)[0]) for g in geoms) / 1e6
    assert 300_000 < area < 610_000  # most of Ukraine (603,500 km² in all) lies within 500 km of Russia
    kyiv, moscow = Point(30.52, 50.45), Point(37.62, 55.75)
    assert any(g.contains(kyiv) for g in geoms) and not any(g.contains(moscow) for g in geoms)
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "mapapp",
            "snapshot",
            "--from-border",
            "none",
            "--into",
            "UKR",
            "--out",
            str(tmp_path / "x.png"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 1 and "needs a border" in bad.stderr and "Traceback" not in bad.stderr


@browser
@pytest.mark.skipif(not HAVE_CHROMIUM, reason="needs /usr/bin/chromium")
@pytest.mark.skipif(shutil.which("strace") is None, reason="needs strace")
def test_png_snapshot_contacts_no_address_but_loopback(tmp_path: Path) -> None:
    trace = tmp_path / "connect.strace"
    out = tmp_path / "x.png"
    r = subprocess.run(
        [
            "strace",
            "-f",
            "--seccomp-bpf",
            "-qq",
            "-e",
            "trace=connect",
            "-o",
            str(trace),
            sys.executable,
            "-m",
            "mapapp",
            "snapshot",
            "--out",
            str(out),
            "--width",
            "800",
            "--height",
            "600",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=240,
    )
    assert r.returncode == 0, r.stderr
    assert "chromium" in r.stderr and out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = trace.read_text(errors="replace")
    assert "connect(" in text  # the trace saw the browser start (its own sockets)
    assert non_loopback_connects(text) == []
    assert not re.search(r"htons\(53\)", text)  # not even a DNS query


def test_non_loopback_connects_reads_strace_lines() -> None:
    lines = "\n".join(
        [
            '12 connect(3, {sa_family=AF_INET, sin_port=htons(8501), sin_addr=inet_addr("127.0.0.1")}, 16) = 0',
            "12 connect(4, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), "
            'inet_pton(AF_INET6, "2001:4860:4860::8888", &sin6_addr), sin6_scope_id=0}, 28) = 0',
            '13 connect(5, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.255.255.53")}, 16) = 0',
            "13 connect(6, {sa_family=AF_INET6, sin6_port=htons(80), sin6_flowinfo=htonl(0), "
            'inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}, 28) = 0',
            '14 connect(7, {sa_family=AF_UNIX, sun_path="/tmp/x"}, 110) = 0',
        ]
    )
    assert non_loopback_connects(lines) == [("10.255.255.53", 53)]

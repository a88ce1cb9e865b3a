"""The folium map: layers, ring coordinates, local assets only, escaping, exports."""

from __future__ import annotations

import json
import re
from pathlib import Path

import folium
import numpy as np
import pytest
from pyproj import Geod

from mapapp import assets, geodesy, render
from mapapp.io import to_geojson, to_kml
from mapapp.mapspec import MapSpec, PlaceMark, RangeLayer, ReachTarget
from mapapp.types import DateValue, Event, LonLat, Place, Weapon

GEOD = Geod(ellps="WGS84")
XSS_SCRIPT = "<script>window.__pwned=1</script>"
XSS_IMG = '<img src=x onerror="window.__pwned=1">'
XSS_TEMPLATE = "${window.__pwned=1} `x` \\u0041"


KURSK = Place("a1:RU.41", "Kursk", "admin1", 36.25, 51.5, "RU")
KYIV = Place("gn:703448", "Kyiv", "city", 30.5234, 50.4501, "UA")
SUMY = LonLat(34.8, 50.9)
ATACMS = Weapon("atacms-m57", "ATACMS", "M57", 305.8, "190 mi", "Forbes, 2024-11-17", color="#CC6677")


def make_spec(n_events: int = 1, title: str = "Test map", basemap: bool = False) -> MapSpec:
    ring = geodesy.ring(SUMY, ATACMS.range_km)  # the range engine's polygon
    ev_places = [Place(f"x:{i}", f"P{i}", "city", 30 + (i % 100) * 0.1, 45 + (i // 100) * 0.1)
                 for i in range(n_events)]
    events = tuple(
        Event(f"e{i}", "Battles", "Armed clash", DateValue("2024-11-16", "2024-11-16", "day", "reported"),
              (p,), ("Russia",), f"Fighting near {p.name} {XSS_IMG}", 0, 10, source="Test")
        for i, p in enumerate(ev_places)
    )
    return MapSpec(
        title=title,
        subtitle="2024-11-17",
        source="Test outlet",
        places=(PlaceMark(KURSK, ("Kursk",), (f"Attack in Kursk {XSS_SCRIPT} {XSS_IMG} {XSS_TEMPLATE}",),
                          0.9, 3),
                PlaceMark(KYIV, ("Kyiv",), ("Strikes on Kyiv.",), 0.8, 1)),
        events=events,
        ranges=(RangeLayer(ATACMS, "rings", ring, "306 km from Sumy", origins=(("Sumy", SUMY),)),),
        targets=(ReachTarget("Kursk", 36.19, 51.73, True, 120.0, 185.8),
                 ReachTarget("Moscow", 37.62, 55.75, False, 540.0, -234.2)),
        basemap=basemap,
    )


def test_layer_names_are_present_and_toggleable() -> None:
    m = render.build_map(make_spec())
    names = render.feature_group_names(m)
    assert names == ["ATACMS (306 km) rings", "Places (article)", "Events", "Reach targets"]
    assert any(isinstance(el, folium.LayerControl) for el in render.walk(m))


def test_hidden_layers_start_off_but_stay_in_control() -> None:
    spec = make_spec().with_view(hidden=["events", "rings"])
    m = render.build_map(spec)
    shows = {el.layer_name: el.show for el in render.walk(m) if isinstance(el, folium.FeatureGroup)}
    assert shows == {"ATACMS (306 km) rings": False, "Places (article)": True, "Events": False,
                     "Reach targets": True}


def test_ring_coordinates_are_the_range_polygon() -> None:
    spec = make_spec()
    html = render.to_html(spec)
    m = re.search(r'L\.geoJSON\((\{"type":"Feature","properties":\{"weapon":"atacms-m57".*?\}\}), \{pane',
                  html)
    assert m is not None
    coords = json.loads(m.group(1))["geometry"]["coordinates"][0]
    ref = list(spec.ranges[0].geometry.exterior.coords)
    assert len(coords) == len(ref)
    assert np.allclose(np.array(coords), np.array(ref), atol=1e-9)
    # and every vertex is 305.8 km from Sumy on the ellipsoid
    xy = np.array(coords)
    _, _, d = GEOD.inv(np.full(len(xy), SUMY.lon), np.full(len(xy), SUMY.lat), xy[:, 0], xy[:, 1])
    assert np.allclose(np.asarray(d) / 1000, 305.8, atol=1e-3)


def test_no_remote_script_or_stylesheet_and_assets_inlined() -> None:
    html = render.to_html(make_spec())
    tags = re.findall(r"<(?:script|link)\b[^>]*>", html)
    for tag in tags:
        assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", tag), tag
    assert "cdn.jsdelivr" not in html and "cdnjs" not in html and "code.jquery" not in html
    assert "Leaflet 1.9.3" in html  # the library itself is in the page
    assert "markerClusterGroup" in html and "MarkerClusterGroup" in html  # plugin inlined (events)
    assert "bootstrap" not in html.lower() and "font awesome" not in html.lower()
    assert "url(images/" not in html  # layers control icon is a data: URI


def test_markercluster_only_loaded_when_used() -> None:
    html = render.to_html(make_spec(n_events=0))
    assert "MarkerClusterGroup" not in html


def test_served_mode_links_local_files(tmp_path: Path) -> None:
    m = render.build_map(make_spec(), asset_mode="served", asset_prefix="/app/static/mapapp")
    html = m.get_root().render()
    srcs = re.findall(r'<script src="([^"]+)"', html)
    srcs += re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert srcs and all(s.startswith("/app/static/mapapp/") for s in srcs)
    copied = assets.copy_assets(tmp_path)
    for s in srcs:
        assert (tmp_path / s.rsplit("/", 1)[1]).is_file()
    assert (tmp_path / "images" / "layers.png").is_file()
    assert set(copied) == set(assets.ASSETS)


def test_class_defaults_are_not_changed() -> None:
    before = list(folium.Map.default_js)
    render.build_map(make_spec(), asset_mode="served")
    render.build_map(make_spec())
    assert folium.Map.default_js == before
    assert any("cdn" in url for _, url in folium.Map.default_js)


def test_article_text_is_escaped_in_html() -> None:
    html = render.to_html(make_spec(title=f"Headline {XSS_SCRIPT}"))
    body = html.split("<body>", 1)[1]
    assert "window.__pwned=1</script>" not in body
    assert "<img src=x" not in html
    assert "\\u003cimg src=x onerror" not in html  # it is escaped HTML inside the JSON, not raw
    # escaped once by html.escape, then JSON-encoded (& -> \u0026) for the script
    assert "\\u0026lt;img src=x onerror=\\u0026quot;window.__pwned=1\\u0026quot;\\u0026gt;" in html


def test_export_geojson_is_rfc7946() -> None:
    spec = make_spec()
    fc = json.loads(to_geojson(spec))
    assert fc["type"] == "FeatureCollection"
    layers = {f["properties"]["layer"] for f in fc["features"]}
    assert layers == {"ATACMS (306 km) rings", "Places (article)", "Events", "Reach targets"}
    ring = next(f for f in fc["features"] if f["properties"].get("kind") == "rings")
    ext = np.array(ring["geometry"]["coordinates"][0])
    # signed area (shoelace) > 0 means counter-clockwise
    area2 = np.sum(ext[:-1, 0] * ext[1:, 1] - ext[1:, 0] * ext[:-1, 1])
    assert area2 > 0
    kursk = next(f for f in fc["features"] if f["properties"].get("name") == "Kursk"
                 and f["properties"]["kind"] == "place")
    assert kursk["geometry"]["coordinates"] == [36.25, 51.5]  # lon, lat


def test_export_kml_has_every_layer_and_escapes() -> None:
    kml = to_kml(make_spec())
    for name in ("ATACMS (306 km) rings", "Places (article)", "Events", "Reach targets"):
        assert f"<name>{name}</name>" in kml
    assert "<img" not in kml and "&lt;img" not in kml  # double-escaped: shown as text
    assert "36.25,51.5" in kml


@pytest.mark.slow
def test_ten_thousand_events_html_stays_small() -> None:
    html = render.to_html(make_spec(n_events=10_000))
    assert len(html.encode()) < 8_000_000

"""Launch origins (mapapp.maps.origins): a ring per launch point in its own colour and name; footprints
from a user's line or area; and reading such lines/areas from GeoJSON or KML (mapapp.geo.userfiles)."""

from __future__ import annotations

import json

import pytest
from pyproj import Geod
from shapely.geometry import LineString, Point, Polygon

from mapapp.errors import InputError
from mapapp.geo.geodesy import area_km2
from mapapp.geo.userfiles import shape_from_bytes, shape_from_text
from mapapp.maps.origins import by_origin, origin_key, ring_layers, shape_layers
from mapapp.maps.spec import MapSpec
from mapapp.maps.viewstate import LaunchPoint
from mapapp.model import Weapon

REF = Geod(ellps="WGS84")
ATACMS = Weapon("atacms-test", "ATACMS", "test", 300.0, "300 km", "test")
HIMARS = Weapon("himars-test", "HIMARS", "test", 80.0, "80 km", "test")
SUMY = LaunchPoint("Sumy", 34.7981, 50.9216)
KHARKIV = LaunchPoint("Kharkiv", 36.2304, 49.9935)


def test_one_ring_per_launch_point_and_weapon_each_named_and_coloured() -> None:
    layers = ring_layers([ATACMS, HIMARS], [SUMY, KHARKIV])
    assert [lay.title for lay in layers] == [
        "ATACMS 300 km from Sumy",
        "HIMARS 80 km from Sumy",
        "ATACMS 300 km from Kharkiv",
        "HIMARS 80 km from Kharkiv",
    ]
    assert len({lay.key for lay in layers}) == 4
    spec = MapSpec("t", ranges=layers)
    colours = [spec.range_color(lay) for lay in layers]
    assert colours[0] == colours[1] and colours[2] == colours[3] and colours[0] != colours[2]
    # each ring is its own polygon around its own point (no merged outline), radius from Geod.inv
    for lay in layers:
        ((_name, ll),) = lay.origins
        ring = lay.geometry.exterior.coords
        for lon, lat in list(ring)[::17]:
            assert REF.inv(ll.lon, ll.lat, lon, lat)[2] / 1000.0 == pytest.approx(lay.weapon.range_km, abs=0.2)
    assert [o for o, _ in by_origin(layers)] == ["Sumy", "Kharkiv"]


def test_same_name_twice_and_non_latin_names_get_distinct_keys() -> None:
    a, b = LaunchPoint("Pokrovsk", 37.18, 48.28), LaunchPoint("Pokrovsk", 129.14, 61.48)
    keys = {lay.key for lay in ring_layers([ATACMS], [a, b])}
    assert len(keys) == 2
    assert origin_key("Суми", 34.8, 50.91) == "p34.80_50.91"
    assert origin_key("Kyiv (centre)", 30.5, 50.4) == "kyiv-centre"
    import re

    for k in keys:  # the layer key fits what links accept
        assert re.fullmatch(r"[a-z0-9]+:[a-z0-9._-]{1,64}", k)


def test_a_hidden_weapon_hides_its_rings_from_every_origin() -> None:
    layers = ring_layers([ATACMS], [SUMY, KHARKIV])
    spec = MapSpec("t", ranges=layers, hidden=frozenset({"rings:atacms-test"}))
    assert not any(spec.is_on(lay.key) for lay in layers)


def test_footprint_from_a_line_is_the_reach_footprint() -> None:
    from mapapp.geo.reach import footprint_area

    line = LineString([(37.9, 49.9), (38.1, 49.2), (37.8, 48.6)])
    (lay,) = shape_layers([ATACMS], line, "the front line", into="RUS")
    assert lay.title == "ATACMS 300 km from the front line" and "into RUS" in lay.label
    _g, ref = footprint_area(line, 300.0, into="RUS")
    assert area_km2(lay.geometry) == pytest.approx(area_km2(ref), rel=1e-9)
    assert lay.source is line
    # clipped to Russia: nothing west of the line's Ukrainian side
    assert not lay.geometry.covers(Point(36.2304, 49.9935))  # Kharkiv, in Ukraine


def test_geojson_polygon_and_multiline() -> None:
    poly = {"type": "Polygon", "coordinates": [[[36, 47], [38, 47], [38, 48.5], [36, 47]]]}
    g = shape_from_text(json.dumps({"type": "Feature", "geometry": poly, "properties": {}}), "area.geojson")
    assert isinstance(g, Polygon) and g.area > 0
    ml = {"type": "MultiLineString", "coordinates": [[[30, 50], [31, 51]], [[32, 50], [33, 49]]]}
    assert shape_from_text(json.dumps(ml), "x.json").geom_type == "MultiLineString"


KML = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Folder>
<Placemark><name>Front</name><LineString><coordinates>
 37.9,49.9,0 38.1,49.2,0
 37.8,48.6,0</coordinates></LineString></Placemark>
<Placemark><name>Area</name><Polygon><outerBoundaryIs><LinearRing><coordinates>
36,47 38,47 38,48.5 36,47</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>
<Placemark><name>A point</name><Point><coordinates>30,50</coordinates></Point></Placemark>
</Folder></Document></kml>"""


def test_kml_lines_and_polygons() -> None:
    g = shape_from_bytes(KML.encode(), "front.kml")
    parts = list(getattr(g, "geoms", [g]))
    assert sorted(p.geom_type for p in parts) == ["LineString", "Polygon"]
    line = next(p for p in parts if p.geom_type == "LineString")
    assert list(line.coords) == [(37.9, 49.9), (38.1, 49.2), (37.8, 48.6)]


@pytest.mark.parametrize(
    ("data", "name", "words"),
    [
        (b"not json", "x.geojson", "not valid JSON"),
        (b'{"type": "Point", "coordinates": [30, 50]}', "x.geojson", "no line or polygon"),
        (b'{"type": "LineString", "coordinates": [[30, 50], [30, 95]]}', "x.geojson", "latitude"),
        (b"<kml><LineString><coordinates>30,50 abc</coordinates></LineString></kml>", "x.kml", "lon,lat"),
        (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><kml/>', "x.kml", "DOCTYPE"),
        (b"<kml><unclosed></kml>", "x.kml", "not valid KML"),
        (b"\xff\xfe\x00binary", "x.geojson", "not UTF-8"),
    ],
)
def test_bad_files_are_one_line_errors(data: bytes, name: str, words: str) -> None:
    with pytest.raises(InputError) as err:
        shape_from_bytes(data, name)
    assert words in str(err.value) and "\n" not in str(err.value)

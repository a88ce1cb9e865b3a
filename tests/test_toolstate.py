"""The tools' link state (mapapp.maps.toolstate): encoded lines, round trips, bad values."""

from __future__ import annotations

import pytest
from shapely.geometry import LineString, MultiLineString, Polygon

from mapapp.errors import InputError
from mapapp.geo.geodesy import area_km2
from mapapp.maps.toolstate import (
    ToolState,
    decode_polyline,
    decode_shape,
    encode_polyline,
    encode_shape,
    shape_for_link,
    tools_from_query,
)
from mapapp.maps.viewstate import LaunchPoint
from mapapp.model import LonLat


def test_polyline_matches_the_published_example() -> None:
    # the format's documented example: (lat, lon) (38.5, -120.2), (40.7, -120.95), (43.252, -126.453)
    pts = [(-120.2, 38.5), (-120.95, 40.7), (-126.453, 43.252)]
    assert encode_polyline(pts) == "_p~iF~ps|U_ulLnnqC_mqNvxq`@"
    back = decode_polyline("_p~iF~ps|U_ulLnnqC_mqNvxq`@")
    assert [c for p in back for c in p] == pytest.approx([c for p in pts for c in p])


@pytest.mark.parametrize(
    "geom",
    [
        LineString([(33.1, 47.2), (35.0, 48.0), (37.9, 49.5)]),
        MultiLineString([[(33.1, 47.2), (35.0, 48.0)], [(-179.9, 10.0), (179.9, 10.5)]]),
        Polygon(
            [(36, 47), (38, 47), (38, 48.5), (36, 48.5), (36, 47)], [[(36.5, 47.5), (37, 47.5), (37, 48), (36.5, 47.5)]]
        ),
    ],
)
def test_shapes_round_trip_to_a_metre(geom: object) -> None:
    back = decode_shape(encode_shape(geom))  # type: ignore[arg-type]
    assert back.geom_type == geom.geom_type  # type: ignore[attr-defined]
    assert back.hausdorff_distance(geom) < 1e-5  # type: ignore[arg-type]


def test_a_long_line_is_simplified_to_fit_the_link() -> None:
    import math

    line = LineString([(30 + i * 0.002, 48 + 0.3 * math.sin(i / 15)) for i in range(5000)])
    text, tol = shape_for_link(line, max_chars=6000)
    assert len(text) <= 6000 and tol > 0
    assert decode_shape(text).hausdorff_distance(line) <= tol * 1.01


def test_tool_state_round_trip() -> None:
    area = Polygon([(36, 47), (38, 47), (38, 48.5), (36, 47)])
    s = ToolState(
        measure=(LonLat(30.5234, 50.4501), LonLat(36.2304, 49.9935)),
        front=area,
        front_name="Area of control",
        into="",
        targets=(LaunchPoint("Belgorod", 36.5983, 50.6107),),
        step="day",
        cumulative=True,
    )
    q = s.to_query()
    assert q["into"] == "none" and q["step"] == "day" and q["cum"] == "1"
    back, warnings = tools_from_query(q)
    assert warnings == []
    assert back.measure == s.measure and back.targets == s.targets
    assert back.into == "" and back.cumulative
    assert back.front is not None and area_km2(back.front) == pytest.approx(area_km2(area), rel=1e-5)
    assert ToolState().to_query() == {}


def test_bad_link_values_are_dropped_with_a_warning() -> None:
    state, warnings = tools_from_query(
        {"measure": "30,95;1,2", "front": "line.!!", "into": "Russia!", "step": "hour", "targets": "x"}
    )
    assert state == ToolState()
    assert len(warnings) == 5
    assert all("\n" not in w for w in warnings)


def test_decode_rejects_garbage() -> None:
    for bad in ("", "line.", "blob.abc", "line._p~iF", "area._p~iF~ps|U"):
        with pytest.raises(InputError):
            decode_shape(bad)

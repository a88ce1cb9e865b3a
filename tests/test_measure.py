"""Geodesic measurement (mapapp.geo.measure) against pyproj's Geod.inv as an independent reference."""

from __future__ import annotations

import itertools
import math

import pytest
from pyproj import Geod

from mapapp.errors import GeometryError
from mapapp.geo.measure import (
    compass_point,
    distance_bearing,
    format_bearing,
    format_distance,
    geodesic_path,
    km_to_miles,
    measure_path,
)

REF = Geod(ellps="WGS84")

# (name, a (lon, lat), b (lon, lat)) at several latitudes, near a pole and across the antimeridian
PAIRS = [
    ("Kyiv-Kharkiv", (30.5234, 50.4501), (36.2304, 49.9935)),
    ("equator", (-10.0, 0.0), (10.0, 0.0)),
    ("southern mid-latitudes", (151.2093, -33.8688), (174.7633, -36.8485)),
    ("high arctic", (15.6, 78.2), (-20.0, 81.5)),
    ("near the south pole", (0.0, -89.5), (120.0, -89.0)),
    ("across the antimeridian (Fiji-Samoa)", (178.44, -18.14), (-171.76, -13.83)),
    ("Chukotka-Alaska", (177.5, 64.7), (-165.4, 64.5)),
]


def _ref(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float]:
    az, _back, d = REF.inv(a[0], a[1], b[0], b[1])
    return d / 1000.0, az % 360.0


@pytest.mark.parametrize(("name", "a", "b"), PAIRS, ids=[p[0] for p in PAIRS])
def test_distance_and_bearing_match_geod_inv(name: str, a: tuple[float, float], b: tuple[float, float]) -> None:
    km, bearing = distance_bearing(a, b)
    ref_km, ref_bearing = _ref(a, b)
    assert km == pytest.approx(ref_km, abs=1e-6)
    assert (bearing - ref_bearing + 180.0) % 360.0 - 180.0 == pytest.approx(0.0, abs=1e-6)
    assert 0.0 <= bearing < 360.0


def test_kyiv_kharkiv_is_about_412_km_east_south_east() -> None:
    km, bearing = distance_bearing((30.5234, 50.4501), (36.2304, 49.9935))
    assert 405 < km < 420
    assert compass_point(bearing) == "E"  # ~ 97 degrees
    assert format_distance(km).endswith("mi)")


def test_antimeridian_leg_is_the_short_way() -> None:
    # 1 degree of longitude apart across the date line, not 359
    km, bearing = distance_bearing((179.5, 0.0), (-179.5, 0.0))
    assert km == pytest.approx(REF.inv(179.5, 0.0, -179.5, 0.0)[2] / 1000.0, abs=1e-6)
    assert km < 112
    assert bearing == pytest.approx(90.0, abs=1e-6)
    path = geodesic_path([(179.5, 0.0), (-179.5, 0.0)], max_segment_km=10)
    lons = [p.lon for p in path]
    # drawn eastwards past 180 rather than back across the whole world
    assert max(lons) == pytest.approx(180.5, abs=1e-6)
    assert all(b > a for a, b in itertools.pairwise(lons))


def test_path_total_is_the_sum_of_geodesic_legs() -> None:
    pts = [(30.5234, 50.4501), (32.0, 49.0), (36.2304, 49.9935), (37.8, 48.0)]
    m = measure_path(pts)
    ref = [REF.inv(*a, *b)[2] / 1000.0 for a, b in itertools.pairwise(pts)]
    assert [leg.distance_km for leg in m.legs] == pytest.approx(ref, abs=1e-6)
    assert m.total_km == pytest.approx(sum(ref), abs=1e-6)
    assert m.total_mi == pytest.approx(sum(ref) / 1.609344, rel=1e-12)
    assert m.straight_km == pytest.approx(REF.inv(*pts[0], *pts[-1])[2] / 1000.0, abs=1e-6)
    assert m.straight_km < m.total_km


def test_final_bearing_differs_from_initial_on_long_legs() -> None:
    m = measure_path([(-74.0, 40.7), (37.6, 55.75)])  # New York - Moscow
    _az, back, _d = REF.inv(-74.0, 40.7, 37.6, 55.75)
    assert m.legs[0].final_bearing_deg == pytest.approx((back + 180.0) % 360.0, abs=1e-6)
    assert abs(m.legs[0].final_bearing_deg - m.legs[0].bearing_deg) > 30


def test_geodesic_path_points_lie_on_the_geodesic() -> None:
    a, b = (30.5234, 50.4501), (36.2304, 49.9935)
    path = geodesic_path([a, b], max_segment_km=20)
    total = REF.inv(*a, *b)[2]
    for p in path[1:-1]:
        d1 = REF.inv(*a, p.lon, p.lat)[2]
        d2 = REF.inv(p.lon, p.lat, *b)[2]
        assert d1 + d2 == pytest.approx(total, abs=0.01)  # within 1 cm


@pytest.mark.parametrize(
    "bad",
    [
        [(30.0, 50.0)],
        [(30.0, 50.0), (30.0, 95.0)],
        [(30.0, 50.0), (200.0, 10.0)],
        [(30.0, 50.0), (math.nan, 10.0)],
        [(30.0, 50.0), ("x", 1)],
    ],
)
def test_bad_paths_are_one_line_errors(bad: list[tuple[object, object]]) -> None:
    with pytest.raises(GeometryError) as err:
        measure_path(bad)  # type: ignore[arg-type]
    assert "\n" not in str(err.value)


def test_units_and_formats() -> None:
    assert km_to_miles(1.609344) == pytest.approx(1.0)
    assert format_distance(412.34) == "412.3 km (256.2 mi)"
    assert format_distance(2500) == "2,500 km (1,553 mi)"
    assert format_bearing(84.94) == "084.9° (E)"
    assert compass_point(359.0) == "N"
    assert compass_point(225.0) == "SW"

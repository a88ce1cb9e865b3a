"""Range rings, footprints, areas and distances, checked against pyproj.Geod (GeographicLib).

The reference is always an independent computation here (Geod.inv / Geod.fwd / polygon areas
or closed-form ellipsoid formulas), never the module's own output.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import shapely
from pyproj import Geod
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, box

from mapapp.errors import GeometryError
from mapapp.geo import geodesy

GEOD = Geod(ellps="WGS84")
SUMY = (34.80, 50.91)
KURSK = (36.19, 51.73)
MOSCOW = (37.62, 55.76)


def polys(geom: Polygon | MultiPolygon) -> list[Polygon]:
    return list(geom.geoms) if isinstance(geom, MultiPolygon) else [geom]


def exterior_xy(geom: Polygon | MultiPolygon) -> np.ndarray:
    return np.vstack([np.asarray(p.exterior.coords) for p in polys(geom)])


def dist_m(center: tuple[float, float], xy: np.ndarray) -> np.ndarray:
    n = len(xy)
    _, _, d = GEOD.inv(np.full(n, center[0]), np.full(n, center[1]), xy[:, 0], xy[:, 1])
    return np.asarray(d)


def on_seam(xy: np.ndarray) -> np.ndarray:
    """Points the ring inserts on the antimeridian or at a pole (on an edge, not the circle)."""
    return (np.abs(np.abs(xy[:, 0]) - 180.0) < 1e-9) | (np.abs(np.abs(xy[:, 1]) - 90.0) < 1e-9)


def edge_samples(geom: Polygon | MultiPolygon, per_edge: int = 16) -> np.ndarray:
    """Points along every straight lon/lat edge that is not on the ±180 seam or a pole line."""
    out = []
    t = np.linspace(0.0, 1.0, per_edge + 2)[1:-1]
    for p in polys(geom):
        xy = np.asarray(p.exterior.coords)
        a, b = xy[:-1], xy[1:]
        seam = on_seam(a) & on_seam(b)
        a, b = a[~seam], b[~seam]
        out.append((a[:, None, :] * (1 - t)[None, :, None] + b[:, None, :] * t[None, :, None]).reshape(-1, 2))
    return np.vstack(out)


def ellipsoid_cell_area_km2(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Closed-form area of a lon/lat cell on the WGS84 ellipsoid (authalic formula)."""
    a, f = 6378137.0, 1 / 298.257223563
    b, e = a * (1 - f), math.sqrt(f * (2 - f))

    def q(phi: float) -> float:
        s = math.sin(math.radians(phi))
        return s / (1 - e * e * s * s) + math.log((1 + e * s) / (1 - e * s)) / (2 * e)

    return math.radians(lon2 - lon1) * b * b / 2 * (q(lat2) - q(lat1)) / 1e6


# ------------------------------------------------------------------ rings: exactness


@pytest.mark.parametrize("lat", [0.0, 30.0, 50.91, 70.0, 85.0, -60.0])
def test_ring_vertices_are_at_the_radius_to_a_millimetre(lat: float) -> None:
    center = (34.80, lat)
    geom = geodesy.ring(center, 300.0)
    xy = exterior_xy(geom)
    xy = xy[~on_seam(xy)]
    assert len(xy) > 50
    assert np.max(np.abs(dist_m(center, xy) - 300_000.0)) <= 1e-3


@pytest.mark.parametrize(
    ("lat", "radius_km", "tol_m"),
    [
        (50.91, 300.0, 100.0),
        (70.0, 300.0, 100.0),
        (0.0, 300.0, 10.0),
        (-60.0, 1000.0, 100.0),
        (85.0, 300.0, 100.0),
        (50.91, 77.0, 5.0),
        (20.0, 2500.0, 100.0),
    ],
)
def test_no_edge_point_strays_more_than_the_tolerance(lat: float, radius_km: float, tol_m: float) -> None:
    center = (34.80, lat)
    geom = geodesy.ring(center, radius_km, tolerance_m=tol_m)
    d = dist_m(center, edge_samples(geom))
    assert np.max(np.abs(d - radius_km * 1000.0)) <= tol_m


def test_vertex_count_follows_radius_and_tolerance() -> None:
    n = {(r, t): len(geodesy.circle_vertices(SUMY, r, t)[0]) for r in (100.0, 1000.0) for t in (10.0, 100.0)}
    assert n[(1000.0, 100.0)] > 2.5 * n[(100.0, 100.0)]  # ~ sqrt(10) more for 10x the radius
    assert 2.5 < n[(100.0, 10.0)] / n[(100.0, 100.0)] < 4.0  # error ~ 1/N^2


def test_ring_is_valid_and_counter_clockwise() -> None:
    geom = geodesy.ring(SUMY, 300.0)
    assert isinstance(geom, Polygon) and geom.is_valid
    assert geom.exterior.is_ccw


# ------------------------------------------------------------------ rings: antimeridian, poles, huge


def reference_area_km2(center: tuple[float, float], radius_km: float, n: int = 4000) -> float:
    """Area bounded by n Geod.fwd points (GeographicLib polygon area, handles poles)."""
    az = np.linspace(0.0, 360.0, n, endpoint=False)
    lons, lats, _ = GEOD.fwd(np.full(n, center[0]), np.full(n, center[1]), az, np.full(n, radius_km * 1e3))
    area, _ = GEOD.polygon_area_perimeter(lons, lats)
    return abs(float(area)) / 1e6


def split_area_km2(geom: Polygon | MultiPolygon) -> float:
    """Independent area of lon/lat polygons: densify edges, GeographicLib area per ring."""
    total = 0.0
    for p in polys(geom):
        pieces = [p]
        if p.bounds[0] <= -179.9999 and p.bounds[2] >= 179.9999:  # encircles a pole: halve it
            pieces = [
                q
                for h in (box(-180, 0, 180, 90), box(-180, -90, 180, 0))
                for q in polys(p.intersection(h))
                if not q.is_empty
            ]
        for q in pieces:
            xy = np.asarray(shapely.segmentize(LineString(q.exterior.coords), 0.05).coords)
            total += abs(GEOD.polygon_area_perimeter(xy[:, 0], xy[:, 1])[0]) / 1e6
    return total


def test_ring_across_the_antimeridian_is_split_into_valid_parts() -> None:
    center = (179.5, 60.0)
    geom = geodesy.ring(center, 300.0)
    assert isinstance(geom, MultiPolygon) and len(geom.geoms) == 2
    for part in geom.geoms:
        assert part.is_valid and part.exterior.is_ccw
        minx, _, maxx, _ = part.bounds
        assert minx >= -180.0 and maxx <= 180.0
    assert {round(p.bounds[0]) for p in geom.geoms} & {-180} and {round(p.bounds[2]) for p in geom.geoms} & {180}
    # with 1 m edges the polygon's area is the circle's to ~(4/3) t / R = 5e-6
    fine = geodesy.ring(center, 300.0, tolerance_m=1.0)
    ref = reference_area_km2(center, 300.0)
    assert split_area_km2(fine) == pytest.approx(ref, rel=2e-5)
    assert geodesy.area_km2(fine) == pytest.approx(ref, rel=2e-5)
    # default 100 m edges cut off at most (4/3) t / R of the area
    assert ref * (1 - 4 / 3 * 100 / 300e3) <= geodesy.area_km2(geom) < ref
    xy = exterior_xy(geom)
    xy = xy[~on_seam(xy)]
    assert np.max(np.abs(dist_m(center, xy) - 300_000.0)) <= 1e-3


@pytest.mark.parametrize(
    ("center", "radius_km", "pole"),
    [
        ((34.80, 89.0), 300.0, 90.0),
        ((10.0, -88.0), 500.0, -90.0),
        ((0.0, 80.0), 2000.0, 90.0),
        ((-120.0, 90.0), 100.0, 90.0),
    ],
)
def test_ring_containing_a_pole(center: tuple[float, float], radius_km: float, pole: float) -> None:
    geom = geodesy.ring(center, radius_km, tolerance_m=2.0)
    assert geom.is_valid
    assert geom.covers(Point(0.0, pole)) and geom.covers(Point(123.0, pole * 0.9999))
    assert geom.bounds[0] == -180.0 and geom.bounds[2] == 180.0
    other_side = (center[0] + 180.0 if center[0] <= 0 else center[0] - 180.0, pole * 0.999)
    assert geom.covers(Point(*other_side))
    ref = reference_area_km2(center, radius_km)
    assert split_area_km2(geom) == pytest.approx(ref, rel=5e-5)
    assert geodesy.area_km2(geom) == pytest.approx(ref, rel=5e-5)


def test_huge_ring_contains_both_poles_and_not_the_antipode() -> None:
    center = (10.0, 20.0)
    geom = geodesy.ring(center, 15_000.0, tolerance_m=10.0)
    assert geom.is_valid
    assert geom.covers(Point(0, 90)) and geom.covers(Point(0, -90))
    assert not geom.covers(Point(-170.0, -20.0))  # the antipode is 20,000 km away
    earth = 510_065_621.7  # km², WGS84
    assert geodesy.area_km2(geom) == pytest.approx(earth - reference_area_km2(center, 15_000.0), rel=1e-5)


def test_radius_up_to_half_the_circumference() -> None:
    geom = geodesy.ring((0.0, 0.0), 20_003.0)
    assert geom.is_valid
    assert geodesy.area_km2(geom) > 0.999 * 510_065_621.7
    with pytest.raises(GeometryError, match="half the Earth"):
        geodesy.ring((0.0, 0.0), 20_010.0)


@pytest.mark.parametrize(
    ("center", "radius", "needle"),
    [
        ((0.0, 91.0), 100.0, "91.0"),
        ((0.0, float("nan")), 100.0, "nan"),
        ((200.0, 0.0), 100.0, "200.0"),
        ((0.0, 0.0), -5.0, "-5.0"),
        ((0.0, 0.0), float("nan"), "nan"),
        ((0.0, 0.0), 0.0, "0.0"),
        ((0.0, 0.0), float("inf"), "inf"),
    ],
)
def test_bad_input_raises_geometry_error_naming_the_value(
    center: tuple[float, float], radius: float, needle: str
) -> None:
    with pytest.raises(GeometryError, match=needle.replace(".", r"\.")):
        geodesy.ring(center, radius)


# ------------------------------------------------------------------ areas and distances


def test_area_of_a_one_degree_cell_at_the_equator() -> None:
    ref = ellipsoid_cell_area_km2(0, 0, 1, 1)
    assert ref == pytest.approx(12_308, abs=1)
    assert geodesy.area_km2(box(0, 0, 1, 1)) == pytest.approx(ref, rel=1e-4)
    # a band along a parallel: edges are straight in lon/lat (as drawn), not geodesics
    assert geodesy.area_km2(box(10, 60, 40, 61)) == pytest.approx(ellipsoid_cell_area_km2(10, 60, 40, 61), rel=1e-4)


def test_distance_km_matches_geod_inv() -> None:
    assert geodesy.distance_km(SUMY, KURSK) == pytest.approx(GEOD.inv(*SUMY, *KURSK)[2] / 1000, abs=1e-9)


def brute_distance_m(point: tuple[float, float], line: list[tuple[float, float]], step_m: float = 5.0) -> float:
    pts = []
    for (x1, y1), (x2, y2) in itertools.pairwise(line):
        n = int(GEOD.inv(x1, y1, x2, y2)[2] / step_m)
        pts.extend([(x1, y1), *GEOD.npts(x1, y1, x2, y2, n), (x2, y2)])
    xy = np.asarray(pts)
    return float(np.min(dist_m(point, xy)))


def test_distance_to_a_line_and_into_a_polygon() -> None:
    line = [(30.0, 50.0), (30.5, 51.0), (32.0, 51.2)]
    for p in [(31.0, 50.5), (29.0, 52.0), (33.0, 50.0), (30.6, 51.05)]:
        got = geodesy.distance_to_geometry_km(p, LineString(line)) * 1000
        assert got == pytest.approx(brute_distance_m(p, line), abs=2.0)
    square = box(30, 50, 32, 52)
    assert geodesy.distance_to_geometry_km((31, 51), square) == 0.0
    outside = (33.0, 51.0)
    assert geodesy.distance_to_geometry_km(outside, square) * 1000 == pytest.approx(
        brute_distance_m(outside, [(32.0, 50.0), (32.0, 52.0)]), abs=2.0
    )


def test_kursk_is_within_300_km_of_sumy_and_moscow_is_not() -> None:
    geom = geodesy.ring(SUMY, 300.0)
    assert geom.contains(Point(*KURSK))
    assert not geom.contains(Point(*MOSCOW))


# ------------------------------------------------------------------ footprints


def test_line_footprint_outline_is_at_the_radius_from_the_line() -> None:
    line = [(33.0, 50.0), (34.0, 51.5), (36.0, 51.0), (35.5, 50.2)]  # turns back on itself
    r_km, tol = 150.0, 100.0
    fp = geodesy.footprint(LineString(line), r_km, tolerance_m=tol)
    assert isinstance(fp, Polygon) and fp.is_valid
    xy = exterior_xy(fp)[:: max(1, len(exterior_xy(fp)) // 150)]
    d = np.array([brute_distance_m(tuple(p), line, step_m=50.0) for p in xy])
    assert np.all(d <= r_km * 1000 + 30.0)  # 50 m sampling of the reference line: +25 m slack
    assert np.all(d >= r_km * 1000 - tol)
    # it is a geodesic buffer, not a planar one: 149 km north of the middle is in, 151 km is out
    lon, lat, _ = GEOD.fwd(34.0, 51.5, -30.0, 149_000.0)
    assert fp.contains(Point(lon, lat))
    lon, lat, _ = GEOD.fwd(34.0, 51.5, -30.0, 151_000.0)
    assert not fp.contains(Point(lon, lat))


def test_point_footprint_is_the_union_of_rings_and_clips() -> None:
    fp = geodesy.footprint([SUMY, KURSK], 100.0)
    assert fp.contains(Point(*SUMY)) and fp.contains(Point(*KURSK))
    clip = box(30, 40, 35.5, 60)
    clipped = geodesy.footprint([SUMY, KURSK], 100.0, clip_to=clip)
    assert clip.buffer(1e-9).contains(clipped)
    assert geodesy.area_km2(clipped) < geodesy.area_km2(fp)


def test_footprint_rejects_bad_input() -> None:
    with pytest.raises(GeometryError, match="-1"):
        geodesy.footprint(LineString([(30, 50), (31, 50)]), -1.0)
    with pytest.raises(GeometryError, match="91"):
        geodesy.footprint([(30.0, 91.0)], 10.0)


def test_ukraine_russia_border_footprint() -> None:
    border = geodesy.land_border("UA", "RU")
    length = geodesy.line_length_km(border)
    assert 1_300 < length < 2_300  # ~1,974 km on the ground; generalised outlines are shorter
    fp = geodesy.border_footprint("UA", "RU", 300.0, "RU")
    assert geodesy.border_footprint("UA", "RU", 300.0, "RU") is fp  # cached per (border, radius)
    for city in [KURSK, (36.59, 50.60), (39.20, 51.67), (34.36, 53.25)]:  # Belgorod, Voronezh, Bryansk
        assert fp.contains(Point(*city)), city
    assert not fp.contains(Point(*MOSCOW))
    assert not fp.contains(Point(34.1, 44.95))  # Simferopol: Crimea is Ukraine (de jure)
    assert 300_000 < geodesy.area_km2(fp) < 700_000


def test_a_land_border_needs_two_countries() -> None:
    from mapapp.errors import GeometryError
    from mapapp.geo.geodesy import land_border

    with pytest.raises(GeometryError, match="same country"):
        land_border("UKR", "UA")

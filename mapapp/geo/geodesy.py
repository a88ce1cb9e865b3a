"""Geodesic geometry on the WGS84 ellipsoid: range rings, footprints, areas and distances.

All coordinates are (lon, lat) in degrees; distances are km unless a name says ``_m``.
Distances and vertices come from :class:`pyproj.Geod` (GeographicLib, exact to nanometres);
shapely is used only for planar bookkeeping (unions, clipping, containment) on polygons whose
edges are straight lines in lon/lat, as GeoJSON (RFC 7946) draws them.

Ring vertex count
-----------------
A ring's vertices are exact; its straight edges are not. An edge spanning the angle
``2*pi/N`` of a circle whose "circumferential radius" is ``rho = a*sin(R/a)`` strays from the
circle by the sagitta ``rho*(1 - cos(pi/N)) ~= rho*pi**2 / (2*N**2)``, so for a tolerance ``t``::

    N = ceil(pi * sqrt(rho / (2 * t)))      (used with t = 0.85 * tolerance, a margin)

Straight lon/lat edges are not geodesics, which adds a little near the poles; the midpoints of
all edges are therefore measured with ``Geod.inv`` and ``N`` is raised (error ~ 1/N**2) until
the worst midpoint is within 0.9 * tolerance. ``bench/bench_geodesy.py`` samples 16 points on
every edge to verify the bound.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from functools import lru_cache

import numpy as np
import shapely
from numpy.typing import NDArray
from pyproj import Geod
from shapely.geometry import (
    GeometryCollection,
    LinearRing,
    LineString,
    MultiLineString,
    MultiPoint,
    MultiPolygon,
    Point,
    Polygon,
    box,
)
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

from mapapp.errors import GeometryError
from mapapp.model import LonLat

GEOD = Geod(ellps="WGS84")
#: Length of half a meridian (pole to pole), km: the largest radius a ring may have.
HALF_CIRCUMFERENCE_KM: float = float(GEOD.inv(0.0, -90.0, 0.0, 90.0)[2]) / 1000.0
#: Mean Earth radius (IUGG), m; used only to estimate vertex counts.
MEAN_RADIUS_M = 6_371_008.8
MIN_VERTICES = 16
MAX_VERTICES = 262_144
DEFAULT_TOLERANCE_M = 100.0
#: Below this radius (km) no geodesic from any point has reached its cut locus (the cut locus
#: of the WGS84 ellipsoid lies within ~70 km of the antipode), so Geod.fwd points are at the
#: shortest distance. Above it, points past the cut locus are dropped from rings.
CUT_LOCUS_SAFE_KM = 19_900.0
#: Max edge length (degrees) when densifying straight lon/lat edges for area computations.
AREA_SEGMENT_DEG = 0.1

Area = Polygon | MultiPolygon
FloatArray = NDArray[np.float64]
_WORLD = box(-180.0, -90.0, 180.0, 90.0)
_DE_JURE_CUT_DEG = 0.01  # ~1 km
_SLIVER_DEG = 1e-7  # ~1 cm: closing/opening width that removes zero-area slits from unions


# ----------------------------------------------------------------------------- validation


def check_lonlat(point: Sequence[float] | LonLat, what: str = "point") -> LonLat:
    """Validate a (lon, lat) pair in degrees and return it as :class:`LonLat`.

    Raises
    ------
    GeometryError
        If it is not two numbers, or lon is outside -180..180 or lat outside -90..90.
    """
    try:
        lon, lat = float(point[0]), float(point[1])
        if len(point) != 2:
            raise IndexError
    except (TypeError, ValueError, IndexError):
        msg = f"The {what} {point!r} is not a (lon, lat) pair of numbers in degrees."
        raise GeometryError(msg) from None
    if not (math.isfinite(lat) and -90.0 <= lat <= 90.0):
        msg = (
            f"Latitude {lat!r} of the {what} is out of range; expected -90..90 degrees "
            "(coordinates are (lon, lat): did you swap them?)."
        )
        raise GeometryError(msg)
    if not (math.isfinite(lon) and -180.0 <= lon <= 180.0):
        msg = f"Longitude {lon!r} of the {what} is out of range; expected -180..180 degrees."
        raise GeometryError(msg)
    return LonLat(lon, lat)


def check_radius_km(radius_km: float, *, allow_zero: bool = False) -> float:
    """Validate a radius in km: finite, positive, at most half the Earth's circumference."""
    try:
        r = float(radius_km)
    except (TypeError, ValueError):
        msg = f"Radius {radius_km!r} is not a number; give kilometres, e.g. 300."
        raise GeometryError(msg) from None
    if not math.isfinite(r) or r < 0 or (r == 0 and not allow_zero):
        msg = f"Radius {radius_km!r} km is not usable; give a positive number of kilometres."
        raise GeometryError(msg)
    if r > HALF_CIRCUMFERENCE_KM:
        msg = (
            f"Radius {radius_km!r} km is more than half the Earth's circumference "
            f"({HALF_CIRCUMFERENCE_KM:,.1f} km); a larger circle is not defined. "
            "Give a smaller radius."
        )
        raise GeometryError(msg)
    return r


def check_tolerance_m(tolerance_m: float) -> float:
    """Validate an edge tolerance in metres (0.01 m .. 100 km)."""
    try:
        t = float(tolerance_m)
    except (TypeError, ValueError):
        t = float("nan")
    if not (math.isfinite(t) and 0.01 <= t <= 100_000.0):
        msg = f"Tolerance {tolerance_m!r} m is not usable; give metres between 0.01 and 100000."
        raise GeometryError(msg)
    return t


# ----------------------------------------------------------------------------- rings


def ring_vertex_count(radius_km: float, tolerance_m: float = DEFAULT_TOLERANCE_M) -> int:
    """First estimate of a ring's vertex count: ``ceil(pi * sqrt(rho / (1.7 t)))`` (see module doc)."""
    rho = MEAN_RADIUS_M * abs(math.sin(radius_km * 1000.0 / MEAN_RADIUS_M))
    n = math.ceil(math.pi * math.sqrt(max(rho, 1e-9) / (2.0 * 0.85 * tolerance_m)))
    return int(min(MAX_VERTICES, max(MIN_VERTICES, n)))


def _circle(center: LonLat, radius_m: float, n: int) -> tuple[FloatArray, FloatArray]:
    """``n`` points at ``radius_m`` from ``center``, counter-clockwise (azimuth decreasing)."""
    az = -360.0 * np.arange(n, dtype=np.float64) / n
    lons, lats, _ = GEOD.fwd(np.full(n, center.lon), np.full(n, center.lat), az, np.full(n, radius_m))
    return np.asarray(lons, dtype=np.float64), np.asarray(lats, dtype=np.float64)


def _unwrap_closed(lons: FloatArray) -> tuple[FloatArray, float]:
    """Unwrapped longitudes of the closed ring (first point repeated) and its winding (deg)."""
    lu = np.unwrap(np.append(lons, lons[0]), period=360.0)
    return lu, float(lu[-1] - lu[0])


def _midpoint_error_m(center: LonLat, radius_m: float, lons: FloatArray, lats: FloatArray) -> float:
    """Worst |distance - radius| (m) at the lon/lat midpoints of the ring's edges."""
    lu, _ = _unwrap_closed(lons)
    la = np.append(lats, lats[0])
    mlon = (lu[:-1] + lu[1:]) / 2.0
    mlat = (la[:-1] + la[1:]) / 2.0
    n = mlon.size
    _, _, d = GEOD.inv(np.full(n, center.lon), np.full(n, center.lat), mlon, mlat)
    return float(np.max(np.abs(np.asarray(d) - radius_m)))


def circle_vertices(
    center: Sequence[float] | LonLat,
    radius_km: float,
    tolerance_m: float = DEFAULT_TOLERANCE_M,
) -> tuple[FloatArray, FloatArray]:
    """The exact vertices of a ring (lons, lats in degrees, counter-clockwise, not closed).

    Every vertex is at ``radius_km`` from ``center`` (``Geod.fwd``); the count is chosen so that
    no straight lon/lat edge strays more than ``tolerance_m`` from the circle.
    """
    c = check_lonlat(center, "centre")
    r_m = check_radius_km(radius_km) * 1000.0
    tol = check_tolerance_m(tolerance_m)
    n = ring_vertex_count(r_m / 1000.0, tol)
    lons, lats = _circle(c, r_m, n)
    for _ in range(8):
        if r_m > CUT_LOCUS_SAFE_KM * 1000.0:
            lons, lats = _drop_past_cut_locus(c, r_m, lons, lats)
        err = _midpoint_error_m(c, r_m, lons, lats)
        if err <= 0.9 * tol or n >= MAX_VERTICES:
            break
        n = int(min(MAX_VERTICES, math.ceil(n * math.sqrt(err / (0.8 * tol)) + 1)))
        lons, lats = _circle(c, r_m, n)
    return lons, lats


def _drop_past_cut_locus(
    c: LonLat, radius_m: float, lons: FloatArray, lats: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Drop points whose geodesic has passed its cut locus (shortest distance < radius)."""
    n = lons.size
    _, _, d = GEOD.inv(np.full(n, c.lon), np.full(n, c.lat), lons, lats)
    ok = np.abs(np.asarray(d) - radius_m) <= 1e-3
    if ok.sum() < 3:
        return lons, lats
    return lons[ok], lats[ok]


def _parts(geom: BaseGeometry) -> list[Polygon]:
    """Polygon parts of any geometry (lines/points from touching edges dropped)."""
    if isinstance(geom, Polygon):
        return [] if geom.is_empty else [geom]
    if isinstance(geom, (MultiPolygon, GeometryCollection)):
        out: list[Polygon] = []
        for g in geom.geoms:
            out.extend(_parts(g))
        return out
    return []


def _as_area(polys: Iterable[Polygon]) -> Area:
    parts = [orient(p, 1.0) for p in polys if not p.is_empty and p.area > 0]
    if not parts:
        return Polygon()
    if len(parts) == 1:
        return parts[0]
    return MultiPolygon(parts)


def normalize_area(geom: BaseGeometry) -> Area:
    """Polygon/MultiPolygon with exterior rings counter-clockwise (RFC 7946)."""
    return _as_area(_parts(geom))


def fold_antimeridian(geom: BaseGeometry) -> Area:
    """Cut a polygon drawn with continuous (unwrapped) longitudes into parts within -180..180.

    Parts beyond ±180 are shifted by 360 degrees; each part is valid (RFC 7946 §3.1.9).
    """
    minx, _, maxx, _ = geom.bounds
    if minx >= -180.0 and maxx <= 180.0:
        return normalize_area(geom)
    pieces: list[Polygon] = []
    k_lo = math.floor((minx + 180.0) / 360.0)
    k_hi = math.floor((maxx + 180.0) / 360.0)
    for k in range(k_lo, k_hi + 1):
        window = box(-180.0 + 360.0 * k, -90.0, 180.0 + 360.0 * k, 90.0)
        piece = geom.intersection(window)
        if piece.is_empty:
            continue
        pieces.extend(_parts(_shift_lon(piece, -360.0 * k)))
    if len(pieces) > 1:
        # parts that came from the same window side may touch: merge them
        merged = shapely.union_all(pieces)
        pieces = _parts(merged)
    return _as_area(pieces)


def _shift_lon(geom: BaseGeometry, dlon: float) -> BaseGeometry:
    """``geom`` moved by ``dlon`` degrees of longitude."""
    offset = np.array([dlon, 0.0])

    def move(xy: FloatArray) -> FloatArray:
        return xy + offset

    moved: BaseGeometry = shapely.transform(geom, move)
    return moved


def _pole_cap(lons: FloatArray, lats: FloatArray, winding: float, north: bool) -> Polygon:
    """Polygon bounded by a ring that winds around a pole: along ±180 to the pole and back."""
    if winding < 0:
        lons, lats = lons[::-1], lats[::-1]
    nxt = np.roll(lons, -1)
    jumps = np.nonzero(nxt - lons < -180.0)[0]
    if jumps.size != 1:
        msg = "Ring around a pole crosses the antimeridian more than once; use a larger tolerance_m."
        raise GeometryError(msg)
    i = int(jumps[0])
    j = (i + 1) % lons.size
    a_lon, a_lat = float(lons[i]), float(lats[i])
    b_lon, b_lat = float(lons[j]) + 360.0, float(lats[j])
    t = 0.0 if b_lon == a_lon else (180.0 - a_lon) / (b_lon - a_lon)
    lat_c = a_lat + t * (b_lat - a_lat)
    order = np.r_[np.arange(j, lons.size), np.arange(0, j)] if j != 0 else np.arange(lons.size)
    seq_lon = lons[order]
    seq_lat = lats[order]
    pole = 90.0 if north else -90.0
    coords = [
        (-180.0, lat_c),
        *zip(seq_lon.tolist(), seq_lat.tolist(), strict=True),
        (180.0, lat_c),
        (180.0, pole),
        (-180.0, pole),
    ]
    return Polygon(coords)


def _distance_to_pole_m(c: LonLat, north: bool) -> float:
    return float(GEOD.inv(c.lon, c.lat, c.lon, 90.0 if north else -90.0)[2])


def ring_from_vertices(center: Sequence[float] | LonLat, radius_km: float, lons: FloatArray, lats: FloatArray) -> Area:
    """The disk bounded by given circle vertices, as RFC 7946 polygon(s) in -180..180."""
    c = check_lonlat(center, "centre")
    r_m = float(radius_km) * 1000.0
    lu, winding = _unwrap_closed(lons)
    in_n = _distance_to_pole_m(c, True) < r_m
    in_s = _distance_to_pole_m(c, False) < r_m
    if abs(winding) > 180.0:
        # exactly one pole inside the circle (as lon/lat sees it)
        north = in_n if in_n != in_s else c.lat >= 0
        return normalize_area(_pole_cap(lons, lats, winding, north))
    raw: BaseGeometry = Polygon(zip(lu[:-1].tolist(), lats.tolist(), strict=True))
    if not raw.is_valid:
        # within ~100 km of the antipode limit geodesics pass their cut locus and the
        # circle of Geod.fwd points folds over itself; keep the area it encloses
        raw = normalize_area(shapely.make_valid(raw))
    inner = fold_antimeridian(raw)
    if in_n and in_s:
        # the circle encloses the antipode's small region; the disk is everything else
        return normalize_area(_WORLD.difference(inner))
    return inner


def ring(
    center: Sequence[float] | LonLat,
    radius_km: float,
    tolerance_m: float = DEFAULT_TOLERANCE_M,
) -> Area:
    """Geodesic range ring: the area within ``radius_km`` of ``center`` (lon, lat degrees).

    Every vertex lies at exactly ``radius_km`` (``Geod.fwd``, error ~1e-9 m); no point of any
    straight lon/lat edge strays more than ``tolerance_m`` from the true circle (vertex count
    from the radius and tolerance, see module doc). Rings crossing the antimeridian come back
    as a MultiPolygon split at ±180; a ring containing a pole runs along ±180 to the pole and
    back. Vertices inserted on the ±180 seam or at a pole are on an edge, not on the circle.
    Exterior rings are counter-clockwise.

    Raises
    ------
    GeometryError
        Latitude outside -90..90, longitude outside -180..180, radius not positive/finite or
        beyond half the Earth's circumference (~20,003.9 km), tolerance not usable.
    """
    lons, lats = circle_vertices(center, radius_km, tolerance_m)
    return ring_from_vertices(center, radius_km, lons, lats)


def vertex_count(geom: BaseGeometry) -> int:
    """Number of distinct vertices (closing points not counted) of a polygonal geometry."""
    total = 0
    for p in _parts(geom):
        for r in [p.exterior, *p.interiors]:
            total += len(r.coords) - 1
    return total


# ----------------------------------------------------------------------------- areas & distances


def _ring_area_m2(ring_: LinearRing) -> float:
    dense = shapely.segmentize(LineString(ring_.coords), AREA_SEGMENT_DEG)
    xy = np.asarray(dense.coords)
    area, _ = GEOD.polygon_area_perimeter(xy[:, 0], xy[:, 1])
    return abs(float(area))


def area_km2(geom: BaseGeometry) -> float:
    """Area on the WGS84 ellipsoid in km² (edges taken as straight in lon/lat, as drawn).

    Polygons spanning all longitudes (pole caps, "world minus a hole") are split at the
    equator first, so each piece encircles at most one pole.
    """
    total = 0.0
    for p in _parts(geom):
        minx, _, maxx, _ = p.bounds
        pieces = [p]
        if minx <= -179.999999 and maxx >= 179.999999:
            pieces = []
            for half in (box(-180.0, 0.0, 180.0, 90.0), box(-180.0, -90.0, 180.0, 0.0)):
                pieces.extend(_parts(p.intersection(half)))
        for q in pieces:
            total += _ring_area_m2(q.exterior) - sum(_ring_area_m2(h) for h in q.interiors)
    return total / 1e6


def distance_km(a: Sequence[float] | LonLat, b: Sequence[float] | LonLat) -> float:
    """Geodesic distance between two (lon, lat) points, km."""
    pa, pb = check_lonlat(a, "first point"), check_lonlat(b, "second point")
    return float(GEOD.inv(pa.lon, pa.lat, pb.lon, pb.lat)[2]) / 1000.0


def _segments(geom: BaseGeometry) -> FloatArray:
    """All segments of the lines/rings of ``geom`` as an (n, 4) array lon1, lat1, lon2, lat2."""
    lines: list[FloatArray] = []
    for part in _line_parts(geom):
        xy = np.asarray(part.coords, dtype=np.float64)[:, :2]
        if len(xy) >= 2:
            lines.append(np.hstack([xy[:-1], xy[1:]]))
    if not lines:
        return np.zeros((0, 4))
    return np.vstack(lines)


def _line_parts(geom: BaseGeometry) -> list[LineString]:
    if isinstance(geom, LineString):
        return [geom]
    if isinstance(geom, LinearRing):
        return [LineString(geom.coords)]
    if isinstance(geom, Polygon):
        return [LineString(r.coords) for r in [geom.exterior, *geom.interiors]]
    if isinstance(geom, (MultiLineString, MultiPolygon, GeometryCollection)):
        out: list[LineString] = []
        for g in geom.geoms:
            out.extend(_line_parts(g))
        return out
    return []


def _point_parts(geom: BaseGeometry) -> list[Point]:
    if isinstance(geom, Point):
        return [geom]
    if isinstance(geom, (MultiPoint, GeometryCollection)):
        out: list[Point] = []
        for g in geom.geoms:
            out.extend(_point_parts(g))
        return out
    return []


def _nearest_on_segments_m(p: LonLat, seg: FloatArray) -> float:
    """Geodesic distance (m) from ``p`` to the nearest point of geodesic segments ``seg``.

    Candidates are the segments next to vertices within (nearest vertex + longest segment);
    on each, the foot of the perpendicular is found by Newton steps on the along-track
    distance (the distance is stationary there, so small step errors vanish to 2nd order).
    """
    n = seg.shape[0]
    if n == 0:
        return math.inf
    plon, plat = np.full(n, p.lon), np.full(n, p.lat)
    az_ab, _, len_ab = GEOD.inv(seg[:, 0], seg[:, 1], seg[:, 2], seg[:, 3])
    az_ab, len_ab = np.asarray(az_ab), np.asarray(len_ab)
    _, _, d_a = GEOD.inv(seg[:, 0], seg[:, 1], plon, plat)
    _, _, d_b = GEOD.inv(seg[:, 2], seg[:, 3], plon, plat)
    d_a, d_b = np.asarray(d_a), np.asarray(d_b)
    best_vertex = float(min(d_a.min(), d_b.min()))
    cand = np.nonzero(np.minimum(d_a, d_b) <= best_vertex + len_ab.max() + 1.0)[0]
    s = seg[cand]
    az, length = az_ab[cand], len_ab[cand]
    m = cand.size
    t = np.zeros(m)
    qlon, qlat = s[:, 0].copy(), s[:, 1].copy()
    for _ in range(4):
        qlon_, qlat_, baz = GEOD.fwd(s[:, 0], s[:, 1], az, t)
        qlon, qlat = np.asarray(qlon_), np.asarray(qlat_)
        line_az = np.asarray(baz) + 180.0  # forward azimuth of the segment at Q
        az_qp, _, d_qp = GEOD.inv(qlon, qlat, np.full(m, p.lon), np.full(m, p.lat))
        step = np.asarray(d_qp) * np.cos(np.radians(np.asarray(az_qp) - line_az))
        t_new = np.clip(t + step, 0.0, length)
        if np.all(np.abs(t_new - t) < 1e-4):
            t = t_new
            break
        t = t_new
    qlon_, qlat_, _ = GEOD.fwd(s[:, 0], s[:, 1], az, t)
    _, _, d = GEOD.inv(np.asarray(qlon_), np.asarray(qlat_), np.full(m, p.lon), np.full(m, p.lat))
    return float(min(np.min(d), best_vertex))


def distance_to_geometry_km(point: Sequence[float] | LonLat, geom: BaseGeometry) -> float:
    """Geodesic distance (km) from ``point`` to the nearest point of ``geom``.

    Lines are taken as geodesic segments between their vertices; polygons give 0 for a point
    inside (straight lon/lat edges, as drawn) and the distance to the boundary otherwise.
    """
    p = check_lonlat(point)
    if geom.is_empty:
        msg = "Cannot measure a distance to an empty geometry; give a non-empty line, polygon or point."
        raise GeometryError(msg)
    polys = _parts(geom)
    if polys and any(q.covers(Point(p.lon, p.lat)) for q in polys):
        return 0.0
    best = math.inf
    pts = _point_parts(geom)
    if pts:
        xy = np.array([(q.x, q.y) for q in pts])
        n = len(xy)
        _, _, d = GEOD.inv(np.full(n, p.lon), np.full(n, p.lat), xy[:, 0], xy[:, 1])
        best = float(np.min(d))
    seg = _segments(geom)
    if seg.shape[0]:
        best = min(best, _nearest_on_segments_m(p, seg))
    return best / 1000.0


def distances_to_points_km(
    points: Sequence[Sequence[float] | LonLat], sources: Sequence[Sequence[float] | LonLat]
) -> tuple[FloatArray, NDArray[np.int64]]:
    """For each point, the distance (km) to the nearest source point and that source's index."""
    if not sources:
        msg = "No launch points given; give at least one (lon, lat)."
        raise GeometryError(msg)
    src = np.array([check_lonlat(s, "launch point") for s in sources], dtype=np.float64)
    pts = np.array([check_lonlat(p) for p in points], dtype=np.float64).reshape(-1, 2)
    n, k = len(pts), len(src)
    if n == 0:
        return np.zeros(0), np.zeros(0, dtype=np.int64)
    _, _, d = GEOD.inv(np.repeat(pts[:, 0], k), np.repeat(pts[:, 1], k), np.tile(src[:, 0], n), np.tile(src[:, 1], n))
    dm = np.asarray(d).reshape(n, k)
    idx = np.argmin(dm, axis=1)
    return dm[np.arange(n), idx] / 1000.0, idx.astype(np.int64)


# ----------------------------------------------------------------------------- footprints


def _densify_geodesic(xy: FloatArray, max_seg_m: float) -> FloatArray:
    """Insert points along each geodesic segment so none is longer than ``max_seg_m``."""
    out: list[FloatArray] = [xy[:1]]
    for (lon1, lat1), (lon2, lat2) in itertools.pairwise(xy):
        d = float(GEOD.inv(lon1, lat1, lon2, lat2)[2])
        k = math.ceil(d / max_seg_m) - 1
        if k > 0:
            mid = np.asarray(GEOD.npts(lon1, lat1, lon2, lat2, k), dtype=np.float64)
            out.append(mid)
        out.append(np.array([[lon2, lat2]]))
    return np.vstack(out)


def _unwrap_near(lons: FloatArray, ref: float) -> FloatArray:
    return ref + (lons - ref + 180.0) % 360.0 - 180.0


def _line_footprint(xy: FloatArray, r_m: float, tol: float) -> list[Polygon]:
    """Pieces (unwrapped lon) whose union is the geodesic buffer of a polyline.

    Corridor quads between the perpendicular offsets (distance R, ``Geod.fwd``) of consecutive
    densified vertices (they hold every point whose nearest line point is inside a segment),
    plus a full ring at every vertex of ``xy`` (every point whose nearest line point is a vertex).
    """
    pieces: list[Polygon] = []
    if len(xy) == 1:
        lons, lats = circle_vertices(LonLat(*xy[0]), r_m / 1000.0, tol)
        return [Polygon(zip(_unwrap_near(lons, xy[0, 0]).tolist(), lats.tolist(), strict=True))]
    # keep offset edges straight to within the tolerance: L ~ sqrt(8 R t / tan-ish) ~ 20 km
    max_seg = float(min(20_000.0, max(1_000.0, math.sqrt(8.0 * r_m * tol) * 0.5)))
    dense = _densify_geodesic(xy, max_seg)
    keep = np.r_[True, np.any(np.abs(np.diff(dense, axis=0)) > 1e-12, axis=1)]
    dense = dense[keep]
    if len(dense) == 1:
        return _line_footprint(dense, r_m, tol)
    a, b = dense[:-1], dense[1:]
    az_f, az_b, _ = GEOD.inv(a[:, 0], a[:, 1], b[:, 0], b[:, 1])
    az_start = np.asarray(az_f)  # azimuth at A towards B
    az_end = np.asarray(az_b) + 180.0  # forward azimuth at B
    m = len(a)
    rr = np.full(m, r_m)
    la, pa, _ = GEOD.fwd(a[:, 0], a[:, 1], az_start - 90.0, rr)
    ra, qa, _ = GEOD.fwd(a[:, 0], a[:, 1], az_start + 90.0, rr)
    lb, pb, _ = GEOD.fwd(b[:, 0], b[:, 1], az_end - 90.0, rr)
    rb, qb, _ = GEOD.fwd(b[:, 0], b[:, 1], az_end + 90.0, rr)
    quads = np.stack(
        [
            np.column_stack([ra, qa]),
            np.column_stack([rb, qb]),
            np.column_stack([b[:, 0], b[:, 1]]),
            np.column_stack([lb, pb]),
            np.column_stack([la, pa]),
            np.column_stack([a[:, 0], a[:, 1]]),
        ],
        axis=1,
    )  # (m, 6, 2)
    for i in range(m):
        q = quads[i].copy()
        q[:, 0] = _unwrap_near(q[:, 0], float(a[i, 0]))
        poly = Polygon(q)
        pieces.extend(_parts(poly if poly.is_valid else shapely.make_valid(poly)))
    # full rings at every vertex of the (simplified) line: a wedge-only join misses points
    # when the line turns back on itself within R, which borders do all the time
    for lon, lat in xy:
        lons, lats = circle_vertices(LonLat(float(lon), float(lat)), r_m / 1000.0, tol)
        pieces.append(Polygon(zip(_unwrap_near(lons, float(lon)).tolist(), lats.tolist(), strict=True)))
    return pieces


def _simplify_tolerance_deg(tol_m: float) -> float:
    # a degree of latitude is >= 110.5 km and a degree of longitude is shorter, so this is a
    # conservative (never larger than tol_m / 4) Hausdorff bound in metres
    return tol_m / 4.0 / 111_320.0


def footprint(
    geom: BaseGeometry | Sequence[Sequence[float] | LonLat],
    radius_km: float,
    clip_to: BaseGeometry | None = None,
    tolerance_m: float = DEFAULT_TOLERANCE_M,
) -> Area:
    """The area within ``radius_km`` (geodesic) of points, lines or polygons.

    Points: union of :func:`ring`. Lines: corridor quads between the perpendicular geodesic
    offsets of densified vertices plus a ring at every vertex (a geodesic buffer; every
    outline vertex lies at R ± tolerance from the nearest point of the line).
    Polygons: the polygon plus the footprint of its boundary. ``clip_to`` (e.g. a country
    polygon) intersects the result. Lines and polygons must stay more than R from the poles.

    Raises
    ------
    GeometryError
        Bad radius/tolerance, empty geometry, or a line footprint that would reach a pole.
    """
    r_km = check_radius_km(radius_km)
    tol = check_tolerance_m(tolerance_m)
    if not isinstance(geom, BaseGeometry):
        pts = [check_lonlat(p, "launch point") for p in geom]
        geom = MultiPoint([tuple(p) for p in pts]) if pts else GeometryCollection()
    if geom.is_empty:
        msg = "Cannot draw a footprint of an empty geometry; give points, a line or a polygon."
        raise GeometryError(msg)
    r_m = r_km * 1000.0
    pieces: list[Polygon] = []
    rings: list[Area] = []
    for p in _point_parts(geom):
        rings.append(ring(LonLat(p.x, p.y), r_km, tol))
    lines = _line_parts(geom)
    if lines:
        for line in lines:
            xy = np.asarray(line.coords, dtype=np.float64)[:, :2]
            for lon, lat in xy:
                check_lonlat((lon, lat), "line vertex")
            if np.max(np.abs(xy[:, 1])) > 89.0 or any(
                min(_distance_to_pole_m(LonLat(lon, lat), True), _distance_to_pole_m(LonLat(lon, lat), False)) <= r_m
                for lon, lat in (xy[0], xy[-1], xy[len(xy) // 2])
            ):
                msg = (
                    f"A line footprint of {r_km:g} km would reach a pole; line footprints are "
                    "supported only more than R from the poles (use points/rings there)."
                )
                raise GeometryError(msg)
            simple = shapely.simplify(LineString(xy), _simplify_tolerance_deg(tol), preserve_topology=False)
            sxy = np.asarray(simple.coords, dtype=np.float64)[:, :2]
            pieces.extend(_line_footprint(sxy, r_m, tol))
    polys = _parts(geom)
    pieces.extend(polys)
    out_parts: list[BaseGeometry] = list(rings)
    if pieces:
        merged = shapely.union_all(pieces)
        # drop zero-width slits and spikes left where ring chords and quad edges nearly coincide
        merged = merged.buffer(_SLIVER_DEG, join_style="mitre").buffer(-_SLIVER_DEG, join_style="mitre")
        out_parts.append(fold_antimeridian(merged))
    result: BaseGeometry = out_parts[0] if len(out_parts) == 1 else shapely.union_all(out_parts)
    if clip_to is not None:
        result = result.intersection(clip_to)
    return normalize_area(result)


# ----------------------------------------------------------------------------- borders


def land_border(a_code: str, b_code: str) -> LineString | MultiLineString:
    """The land border shared by two countries (ISO 3166 alpha-2 or alpha-3 codes).

    Raises
    ------
    GeometryError
        If the two countries share no border, or both codes name the same country.
    """
    from mapapp.data.countries import countries

    a, b = a_code.strip().upper(), b_code.strip().upper()
    ca, cb = countries().iso2(a), countries().iso2(b)
    if ca and ca == cb:
        msg = f"{a_code!r} and {b_code!r} are the same country; a land border needs two countries (e.g. UKR and RUS)."
        raise GeometryError(msg)
    return _land_border_cached(a, b)


def country_geometry(code: str, de_jure: bool = True) -> BaseGeometry:
    """A country's (multi)polygon by ISO2/ISO3 code or name (``mapapp.data.boundaries``).

    Natural Earth's country layer draws some disputed areas by control (e.g. Crimea inside
    Russia) while its admin-1 layer keeps the internationally recognised attribution. With
    ``de_jure=True`` (default) admin-1 regions of *other* countries lying mostly inside the
    polygon are cut out of it and the country's own admin-1 regions lying mostly outside are
    added, so "Russia" excludes Crimea and "Ukraine" includes it.
    """
    from mapapp.data.boundaries import country_geometry as _country

    if not de_jure:
        return _country(code)
    return _de_jure_country(code.strip().upper())


@lru_cache(maxsize=32)
def _de_jure_country(code: str) -> BaseGeometry:
    from mapapp.data.boundaries import admin1, countries
    from mapapp.data.boundaries import country_geometry as _country

    geom = _country(code)
    df = countries()
    rows = df[(df["iso2"] == code) | (df["iso3"] == code)]
    if rows.empty or not rows["iso2"].iloc[0]:
        return geom
    iso2 = str(rows["iso2"].iloc[0])
    a1 = admin1()
    own = a1[a1["country_code"] == iso2].geometry
    hits = a1.sindex.query(geom, predicate="intersects")
    others = a1.iloc[sorted(int(h) for h in hits)]
    others = others[others["country_code"] != iso2].geometry
    shapely.prepare(geom)
    # cheap pre-test on a point inside each region, exact area test only for the few hits
    inside_other = shapely.contains(geom, shapely.point_on_surface(others.values))
    cut = [g for g in others.values[inside_other] if g.intersection(geom).area > 0.5 * g.area]
    inside_own = shapely.contains(geom, shapely.point_on_surface(own.values))
    add = [g for g in own.values[~inside_own] if g.intersection(geom).area < 0.5 * g.area]
    if add:
        geom = shapely.union_all([geom, *add])
    if cut:
        # the two layers' coastlines differ by up to ~1 km: cut a little wider so no coastal
        # slivers of the other country's region stay behind (they would become "borders")
        geom = geom.difference(shapely.union_all(cut).buffer(_DE_JURE_CUT_DEG))
    return normalize_area(geom)


@lru_cache(maxsize=32)
def _land_border_cached(a_code: str, b_code: str) -> LineString | MultiLineString:
    ga, gb = country_geometry(a_code), country_geometry(b_code)
    eps = 1e-4  # degrees (~10 m): shared edges of topologically consistent polygons
    minx, miny, maxx, maxy = ga.bounds
    near_b = gb.intersection(box(minx - 0.1, miny - 0.1, maxx + 0.1, maxy + 0.1))
    shared = ga.boundary.intersection(near_b.buffer(eps))
    merged = shapely.line_merge(shapely.union_all(_line_parts(shared)))
    lines = [g for g in _line_parts(merged) if g.length > 20 * eps]
    if not lines:
        msg = f"Countries {a_code!r} and {b_code!r} share no land border in the boundary data."
        raise GeometryError(msg)
    return lines[0] if len(lines) == 1 else MultiLineString(lines)


def line_length_km(geom: BaseGeometry) -> float:
    """Geodesic length (km) of the lines/rings in ``geom``."""
    return sum(float(GEOD.geometry_length(g)) for g in _line_parts(geom)) / 1000.0


@lru_cache(maxsize=64)
def border_footprint(
    a_code: str,
    b_code: str,
    radius_km: float,
    clip_to_code: str | None = None,
    tolerance_m: float = DEFAULT_TOLERANCE_M,
) -> Area:
    """Cached :func:`footprint` of the land border of two countries, optionally clipped to a country.

    ``border_footprint("UA", "RU", 300, "RU")``: Russian territory within 300 km of the border.
    """
    line = land_border(a_code, b_code)
    clip = None
    if clip_to_code:
        clip = country_geometry(clip_to_code)
    return footprint(line, radius_km, clip_to=clip, tolerance_m=tolerance_m)

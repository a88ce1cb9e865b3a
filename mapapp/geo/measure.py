"""Geodesic measurement: distance and initial bearing between points and along a path.

Everything is on the WGS84 ellipsoid through :data:`mapapp.geo.geodesy.GEOD` (pyproj's
GeographicLib, exact to nanometres), never Leaflet's spherical or planar ruler. Points are
(lon, lat) degrees; distances km (miles given beside them); bearings degrees clockwise from true
north, 0..360.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from mapapp.errors import GeometryError
from mapapp.geo.geodesy import GEOD, check_lonlat
from mapapp.model import LonLat

#: Kilometres in one international mile.
KM_PER_MILE = 1.609344
#: Kilometres in one nautical mile.
KM_PER_NMI = 1.852
#: Most points one measured path may have (a drawn path, a link).
MAX_PATH_POINTS = 500

_COMPASS = ("N", "NNE", "NE", "ENE", "E", "ESE", "SE", "SSE", "S", "SSW", "SW", "WSW", "W", "WNW", "NW", "NNW")


def km_to_miles(km: float) -> float:
    """Kilometres -> international miles."""
    return km / KM_PER_MILE


@dataclass(frozen=True)
class Leg:
    """One geodesic leg of a path.

    ``bearing_deg`` is the initial bearing at ``start`` (clockwise from true north, 0..360),
    ``final_bearing_deg`` the bearing on arrival at ``end``; on the ellipsoid they differ.
    """

    start: LonLat
    end: LonLat
    distance_km: float
    bearing_deg: float
    final_bearing_deg: float

    @property
    def distance_mi(self) -> float:
        return km_to_miles(self.distance_km)


@dataclass(frozen=True)
class Measurement:
    """A measured path: its points (lon, lat), one :class:`Leg` per consecutive pair, the total."""

    points: tuple[LonLat, ...]
    legs: tuple[Leg, ...]

    @property
    def total_km(self) -> float:
        return float(sum(leg.distance_km for leg in self.legs))

    @property
    def total_mi(self) -> float:
        return km_to_miles(self.total_km)

    @property
    def straight_km(self) -> float:
        """Geodesic distance from the first point to the last (km), whatever the path between."""
        if len(self.points) < 2:
            return 0.0
        a, b = self.points[0], self.points[-1]
        return float(GEOD.inv(a.lon, a.lat, b.lon, b.lat)[2]) / 1000.0


def _bearing(az: float) -> float:
    """pyproj azimuth (-180..180) -> bearing 0..360 (360 folded to 0)."""
    b = float(az) % 360.0
    return 0.0 if math.isclose(b, 360.0) else b


def distance_bearing(a: Sequence[float] | LonLat, b: Sequence[float] | LonLat) -> tuple[float, float]:
    """Geodesic distance (km) and initial bearing (degrees 0..360) from ``a`` to ``b`` (lon, lat).

    Raises
    ------
    GeometryError
        A coordinate is not a finite (lon, lat) in range.
    """
    leg = measure_path([a, b]).legs[0]
    return leg.distance_km, leg.bearing_deg


def measure_path(points: Sequence[Sequence[float] | LonLat]) -> Measurement:
    """Measure a path of (lon, lat) points: each leg's geodesic distance and bearings, and the total.

    Raises
    ------
    GeometryError
        Fewer than two points, more than :data:`MAX_PATH_POINTS`, or a bad coordinate.
    """
    pts = tuple(check_lonlat(p, f"point {i + 1}") for i, p in enumerate(points))
    if len(pts) < 2:
        msg = f"A measurement needs at least two points; got {len(pts)}. Add another place or click."
        raise GeometryError(msg)
    if len(pts) > MAX_PATH_POINTS:
        msg = f"A measured path may have at most {MAX_PATH_POINTS} points; got {len(pts)}. Simplify the path."
        raise GeometryError(msg)
    xy = np.asarray(pts, dtype=np.float64)
    az12, az21, dist_m = GEOD.inv(xy[:-1, 0], xy[:-1, 1], xy[1:, 0], xy[1:, 1])
    legs = tuple(
        Leg(pts[i], pts[i + 1], float(dist_m[i]) / 1000.0, _bearing(az12[i]), _bearing(float(az21[i]) + 180.0))
        for i in range(len(pts) - 1)
    )
    return Measurement(pts, legs)


def geodesic_path(points: Sequence[Sequence[float] | LonLat], max_segment_km: float = 25.0) -> list[LonLat]:
    """The path densified along the geodesics between its points, for drawing (lon, lat).

    Longitudes are unwrapped (they may leave -180..180) so that a map draws each leg the short
    way, across the antimeridian if that is where the geodesic goes.
    """
    pts = [check_lonlat(p, f"point {i + 1}") for i, p in enumerate(points)]
    if len(pts) < 2:
        return list(pts)
    out: list[tuple[float, float]] = [(pts[0].lon, pts[0].lat)]
    for a, b in itertools.pairwise(pts):
        dist_km = float(GEOD.inv(a.lon, a.lat, b.lon, b.lat)[2]) / 1000.0
        n = min(int(dist_km // max(max_segment_km, 0.1)), 2000)
        mids = GEOD.npts(a.lon, a.lat, b.lon, b.lat, n) if n > 0 else []
        for lon, lat in [*mids, (b.lon, b.lat)]:
            prev = out[-1][0]
            lon_u = lon + 360.0 * round((prev - lon) / 360.0)
            out.append((lon_u, lat))
    return [LonLat(lon, lat) for lon, lat in out]


def compass_point(bearing_deg: float) -> str:
    """The 16-point compass name of a bearing (``84.9`` -> ``"E"``)."""
    return _COMPASS[round((bearing_deg % 360.0) / 22.5) % 16]


def format_distance(km: float) -> str:
    """``"412.3 km (256.2 mi)"``; one decimal below 1,000 km, none above."""
    mi = km_to_miles(km)
    if km >= 1000:
        return f"{km:,.0f} km ({mi:,.0f} mi)"
    return f"{km:,.1f} km ({mi:,.1f} mi)"


def format_bearing(bearing_deg: float) -> str:
    """``"084.9° (E)"``: initial bearing, degrees from true north, and its compass point."""
    return f"{bearing_deg % 360.0:05.1f}° ({compass_point(bearing_deg)})"


__all__ = [
    "KM_PER_MILE",
    "Leg",
    "Measurement",
    "compass_point",
    "distance_bearing",
    "format_bearing",
    "format_distance",
    "geodesic_path",
    "km_to_miles",
    "measure_path",
]

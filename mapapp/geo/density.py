"""Point density for zoomed-out maps: counts per cell, cells as (lon, lat) polygons.

Hexagons are Uber's H3 cells (the ``h3`` package): equal-area on the sphere to within a few per
cent, so a cell "≈ 100 km across" is that wide at 50° N as at the equator (plate-carrée hexagons
sized in degrees were not). Squares are a plain lon/lat grid, for those who want one.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from mapapp.errors import InputError

__all__ = ["H3_RESOLUTIONS", "DensityCell", "cell_size_km", "density", "h3_resolution"]

#: H3 resolutions used for density (0: ~2,560 km across ... 7: ~2.8 km across).
H3_RESOLUTIONS = range(0, 8)
_KM_PER_DEG = 111.32


@dataclass(frozen=True)
class DensityCell:
    """One density cell: centre (lon, lat degrees), the number of events in it, and its polygon's
    vertices ``ring`` ((lon, lat) pairs, closed: first == last)."""

    lon: float
    lat: float
    count: int
    ring: tuple[tuple[float, float], ...]


def h3_resolution(cell_km: float) -> int:
    """The H3 resolution whose hexagons (corner to corner, twice the mean edge) are closest to ``cell_km``."""
    import h3

    return min(H3_RESOLUTIONS, key=lambda r: abs(math.log(2 * h3.average_hexagon_edge_length(r, unit="km") / cell_km)))


def cell_size_km(cell_km: float, shape: Literal["hex", "square"] = "hex") -> float:
    """The width of the cells :func:`density` really draws for a requested ``cell_km`` (km)."""
    if shape == "square":
        return cell_km
    import h3

    return 2 * float(h3.average_hexagon_edge_length(h3_resolution(cell_km), unit="km"))


def _check_size(cell_km: float) -> None:
    if not (isinstance(cell_km, (int, float)) and math.isfinite(cell_km) and 1.0 <= cell_km <= 5000.0):
        msg = f"cell_km={cell_km!r} is not usable; give a cell width in km between 1 and 5000, e.g. 100."
        raise InputError(msg)


def _hex_ring(cell: str) -> tuple[tuple[float, float], ...]:
    """The cell's boundary as (lon, lat), great-circle edges densified (8 points each), unwrapped
    across the antimeridian so that the ring is drawn as one piece."""
    import h3
    from pyproj import Geod

    geod = Geod(ellps="WGS84")
    corners = [(lng, lat) for lat, lng in h3.cell_to_boundary(cell)]
    pts: list[tuple[float, float]] = []
    for (x1, y1), (x2, y2) in zip(corners, [*corners[1:], corners[0]], strict=True):
        pts.append((x1, y1))
        pts.extend(geod.npts(x1, y1, x2, y2, 7))
    ref = pts[0][0]
    ring = [(x + 360.0 * round((ref - x) / 360.0), y) for x, y in pts]
    return (*ring, ring[0])


def density(
    lons: Iterable[float],
    lats: Iterable[float],
    cell_km: float = 100.0,
    shape: Literal["hex", "square"] = "hex",
) -> list[DensityCell]:
    """Count points per cell for zoomed-out views.

    Parameters
    ----------
    lons, lats
        Points, degrees (NaN ignored).
    cell_km
        Wanted cell width, km. Hexagons: the H3 resolution closest to it (:func:`cell_size_km`
        gives the width drawn). Squares: a lon/lat grid of ``cell_km / 111.32`` degrees.
    shape
        ``"hex"`` (H3 cells) or ``"square"``.

    Returns
    -------
    Cells with at least one point, most populated first. Vertices are (lon, lat), closed.
    """
    _check_size(cell_km)
    x = np.asarray(list(lons), dtype=np.float64)
    y = np.asarray(list(lats), dtype=np.float64)
    ok = np.isfinite(x) & np.isfinite(y) & (np.abs(y) <= 90) & (np.abs(x) <= 180)
    x, y = x[ok], y[ok]
    if not len(x):
        return []
    out: list[DensityCell] = []
    if shape == "square":
        deg = cell_km / _KM_PER_DEG
        i = np.floor(x / deg).astype(np.int64)
        j = np.floor(y / deg).astype(np.int64)
        keys, counts = np.unique(np.stack([i, j], axis=1), axis=0, return_counts=True)
        for (a, b), n in zip(keys, counts, strict=True):
            w, s = float(a) * deg, float(b) * deg
            e, nn = w + deg, s + deg
            out.append(DensityCell(w + deg / 2, s + deg / 2, int(n), ((w, s), (e, s), (e, nn), (w, nn), (w, s))))
    elif shape == "hex":
        import h3

        res = h3_resolution(cell_km)
        cells = [h3.latlng_to_cell(float(b), float(a), res) for a, b in zip(x, y, strict=True)]
        ids, counts = np.unique(np.asarray(cells), return_counts=True)
        for cid, n in zip(ids, counts, strict=True):
            lat, lng = h3.cell_to_latlng(str(cid))
            out.append(DensityCell(float(lng), float(lat), int(n), _hex_ring(str(cid))))
    else:
        msg = f"shape={shape!r} is not a density shape; expected 'hex' or 'square'."
        raise InputError(msg)
    out.sort(key=lambda c: (-c.count, c.lon, c.lat))
    return out

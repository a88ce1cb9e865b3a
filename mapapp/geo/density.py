"""Point density for zoomed-out maps: counts per cell, cells as (lon, lat) polygons."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from mapapp.errors import InputError

__all__ = ["DensityCell", "density"]


@dataclass(frozen=True)
class DensityCell:
    """One density cell: centre (lon, lat degrees), the number of events in it, and its polygon's
    vertices ``ring`` ((lon, lat) pairs, closed: first == last)."""

    lon: float
    lat: float
    count: int
    ring: tuple[tuple[float, float], ...]


_SQRT3 = math.sqrt(3.0)


def _hex_cells(lons: np.ndarray, lats: np.ndarray, size: float) -> tuple[np.ndarray, np.ndarray]:
    """Axial (q, r) of pointy-top hexagons of circumradius ``size`` degrees (plane lon/lat)."""
    q = (_SQRT3 / 3 * lons - lats / 3) / size
    r = (2 / 3 * lats) / size
    x, z = q, r
    y = -x - z
    rx, ry, rz = np.round(x), np.round(y), np.round(z)
    dx, dy, dz = np.abs(rx - x), np.abs(ry - y), np.abs(rz - z)
    fix_x = (dx > dy) & (dx > dz)
    fix_z = ~fix_x & ~(dy > dz)
    rx = np.where(fix_x, -ry - rz, rx)
    rz = np.where(fix_z, -rx - ry, rz)
    return rx.astype(np.int64), rz.astype(np.int64)


def density(
    lons: Iterable[float],
    lats: Iterable[float],
    cell_deg: float = 1.0,
    shape: Literal["hex", "square"] = "hex",
) -> list[DensityCell]:
    """Count points per cell for zoomed-out views.

    Parameters
    ----------
    lons, lats
        Points, degrees (NaN ignored).
    cell_deg
        Cell size in degrees of longitude/latitude (square side, or hexagon width).
    shape
        ``"hex"`` (pointy-top hexagons in plate carrée) or ``"square"`` (a lon/lat grid).

    Returns
    -------
    Cells with at least one point, most populated first. Vertices are (lon, lat), closed.
    """
    if not (isinstance(cell_deg, (int, float)) and math.isfinite(cell_deg) and 0 < cell_deg <= 90):
        msg = f"cell_deg={cell_deg!r} is not usable; give a size in degrees between 0 and 90, e.g. 1.0."
        raise InputError(msg)
    x = np.asarray(list(lons), dtype=np.float64)
    y = np.asarray(list(lats), dtype=np.float64)
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    if not len(x):
        return []
    out: list[DensityCell] = []
    if shape == "square":
        i = np.floor(x / cell_deg).astype(np.int64)
        j = np.floor(y / cell_deg).astype(np.int64)
        keys, counts = np.unique(np.stack([i, j], axis=1), axis=0, return_counts=True)
        for (a, b), n in zip(keys, counts, strict=True):
            w, s = float(a) * cell_deg, float(b) * cell_deg
            e, nn = w + cell_deg, s + cell_deg
            out.append(
                DensityCell(w + cell_deg / 2, s + cell_deg / 2, int(n), ((w, s), (e, s), (e, nn), (w, nn), (w, s)))
            )
    elif shape == "hex":
        size = cell_deg / _SQRT3  # width of a pointy-top hexagon = sqrt(3) * circumradius
        q, r = _hex_cells(x, y, size)
        keys, counts = np.unique(np.stack([q, r], axis=1), axis=0, return_counts=True)
        for (a, b), n in zip(keys, counts, strict=True):
            cx = size * _SQRT3 * (float(a) + float(b) / 2)
            cy = size * 1.5 * float(b)
            pts = [
                (cx + size * math.cos(math.radians(60 * k - 30)), cy + size * math.sin(math.radians(60 * k - 30)))
                for k in range(6)
            ]
            out.append(DensityCell(cx, cy, int(n), (*pts, pts[0])))
    else:
        msg = f"shape={shape!r} is not a density shape; expected 'hex' or 'square'."
        raise InputError(msg)
    out.sort(key=lambda c: (-c.count, c.lon, c.lat))
    return out

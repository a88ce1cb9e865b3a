"""Where ranges are measured from: one layer per launch origin, coloured and named for it.

* :func:`ring_layers` - a ring per (launch point, weapon): each launch point gets its own colour
  (:data:`ORIGIN_PALETTE`) and every ring its own name, "ATACMS 300 km from Sumy", so overlapping
  rings stay distinct (no merged outline).
* :func:`shape_layers` - a footprint per weapon from a user's front line or area of control,
  through :func:`mapapp.geo.reach.footprint_area` (the same computation as ``mapapp reach --line``).
* :func:`by_origin` - layers grouped by where they are measured from, for reach tables.

Coordinates are (lon, lat) degrees; radii km.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from shapely.geometry.base import BaseGeometry

from mapapp.data.names import normalize
from mapapp.geo import geodesy
from mapapp.maps.spec import RangeLayer, format_km
from mapapp.maps.viewstate import LaunchPoint
from mapapp.model import LonLat, Weapon

#: One colour per launch point, in the order the points were chosen (Okabe-Ito: distinct for the
#: common colour-vision deficiencies, and unlike the catalogue's weapon colours).
ORIGIN_PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#8F7700")
#: Colour of footprints from the user's front line or area.
FRONT_LINE_COLOR = "#7C2D12"
_KEY_MAX = 40


def origin_key(name: str, lon: float, lat: float) -> str:
    """A short ASCII key for a launch origin (``"Sumy"`` -> ``"sumy"``); coordinates when the name
    has no Latin letters or digits (``"Суми"`` -> ``"p34.80_50.91"``)."""
    text = unicodedata.normalize("NFKD", normalize(name) if name else "")
    slug = re.sub(r"[^a-z0-9]+", "-", text.encode("ascii", "ignore").decode().lower()).strip("-")
    return slug[:_KEY_MAX].strip("-") or f"p{lon:.2f}_{lat:.2f}".replace("-", "m")


def origin_color(index: int) -> str:
    """The colour of the ``index``-th launch point."""
    return ORIGIN_PALETTE[index % len(ORIGIN_PALETTE)]


def ring_layers(weapons: Sequence[Weapon], launch: Sequence[LaunchPoint]) -> tuple[RangeLayer, ...]:
    """One geodesic ring layer per launch point and weapon, grouped by launch point.

    Two launch points with the same key (same name) get the second one's coordinates added, so
    every layer key is unique.
    """
    out: list[RangeLayer] = []
    seen: set[str] = set()
    for i, p in enumerate(launch):
        key = origin_key(p.name, p.lon, p.lat)
        if key in seen:
            key = f"{key[:24]}-{origin_key('', p.lon, p.lat)}"
        seen.add(key)
        for w in weapons:
            geom = geodesy.ring(p.lonlat, w.range_km)
            out.append(
                RangeLayer(
                    w,
                    "rings",
                    geom,
                    f"{format_km(w.range_km)} from {p.name}",
                    color=origin_color(i),
                    origins=((p.name, LonLat(p.lon, p.lat)),),
                    origin=p.name,
                    origin_key=key,
                )
            )
    return tuple(out)


def shape_layers(
    weapons: Sequence[Weapon], shape: BaseGeometry, name: str = "the front line", into: str = ""
) -> tuple[RangeLayer, ...]:
    """One footprint layer per weapon from ``shape`` (a line or area, lon/lat), clipped to the
    country ``into`` (ISO code; "" = not clipped). Same area as ``mapapp reach --line``."""
    from mapapp.geo.reach import footprint_area

    out = []
    for w in weapons:
        _launch, area = footprint_area(shape, w.range_km, into=into or None)
        where = f" into {into}" if into else ""
        out.append(
            RangeLayer(
                w,
                "footprint",
                area,
                f"{format_km(w.range_km)}{where} from {name}",
                color=FRONT_LINE_COLOR,
                origin=name,
                origin_key="line",
                source=shape,
            )
        )
    return tuple(out)


def by_origin(layers: Sequence[RangeLayer]) -> list[tuple[str, list[RangeLayer]]]:
    """Layers grouped by origin, in first-seen order: ``[("Sumy", [...]), ("the border", [...])]``."""
    groups: dict[str, list[RangeLayer]] = {}
    for lay in layers:
        groups.setdefault(lay.origin or lay.label, []).append(lay)
    return list(groups.items())


__all__ = [
    "FRONT_LINE_COLOR",
    "ORIGIN_PALETTE",
    "by_origin",
    "origin_color",
    "origin_key",
    "ring_layers",
    "shape_layers",
]

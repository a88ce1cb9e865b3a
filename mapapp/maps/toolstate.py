"""The analyst tools' state and its place in the shared link (URL query parameters).

What the tools add to a link, beside :class:`mapapp.maps.viewstate.ViewState`'s keys:

=========  ======================================================================================
``measure``  the measured path, ``lon,lat;lon,lat;...`` (4 decimals, ~10 m)
``front``    the front line or area of control, ``line.<parts>`` or ``area.<polygons>``: each part an
             encoded polyline (precision 1e-5 degrees, ~1 m), parts joined by ``,``, a polygon's
             rings by ``;``. Lines too long for a link are simplified until they fit (the app says so).
``fname``    the front line's name ("the front line", a file name)
``into``     the country (ISO3) its footprints are clipped to, or ``none``
``targets``  reach targets picked in the search box, ``Name@lon,lat|...``
``step``     the store timeline's play step (``day``/``week``/``month``) and ``cum=1`` for cumulative steps
=========  ======================================================================================

Bad values are dropped with a one-line warning each, so a mangled link still opens. Coordinates
are (lon, lat) degrees. Nothing here imports streamlit or folium.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import shapely
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from mapapp.errors import InputError
from mapapp.maps.timeline import STEPS, Step
from mapapp.maps.viewstate import LaunchPoint, check_lonlat, decode_launch_point
from mapapp.model import LonLat

#: Longest ``front`` value a link carries (characters); longer lines are simplified to fit.
MAX_FRONT_CHARS = 6000
#: Most points of a measured path and most reach targets a link carries.
MAX_MEASURE_POINTS = 100
MAX_TARGETS = 32
_PRECISION = 5


# --------------------------------------------------------------------------- encoded polylines


def encode_polyline(points: Sequence[tuple[float, float]], precision: int = _PRECISION) -> str:
    """(lon, lat) points as an encoded polyline (the common "polyline algorithm" format: lat first,
    deltas of values scaled by ``10**precision``, zig-zag, 5-bit chunks as characters 63..126)."""
    factor = 10**precision
    out: list[str] = []
    prev_lat = prev_lon = 0
    for lon, lat in points:
        ilat, ilon = round(lat * factor), round(lon * factor)
        for delta in (ilat - prev_lat, ilon - prev_lon):
            v = ~(delta << 1) if delta < 0 else delta << 1
            while v >= 0x20:
                out.append(chr((0x20 | (v & 0x1F)) + 63))
                v >>= 5
            out.append(chr(v + 63))
        prev_lat, prev_lon = ilat, ilon
    return "".join(out)


def decode_polyline(text: str, precision: int = _PRECISION) -> list[tuple[float, float]]:
    """Inverse of :func:`encode_polyline`: (lon, lat) points.

    Raises
    ------
    InputError
        A character outside the format or a truncated value.
    """
    factor = 10**precision
    values: list[int] = []
    shift = acc = 0
    for ch in text:
        c = ord(ch) - 63
        if not 0 <= c < 64:
            msg = f"Character {ch!r} cannot appear in an encoded line."
            raise InputError(msg)
        acc |= (c & 0x1F) << shift
        shift += 5
        if c < 0x20:
            values.append(~(acc >> 1) if acc & 1 else acc >> 1)
            shift = acc = 0
    if shift or len(values) % 2:
        msg = "The encoded line is cut short."
        raise InputError(msg)
    pts: list[tuple[float, float]] = []
    lat = lon = 0
    for i in range(0, len(values), 2):
        lat += values[i]
        lon += values[i + 1]
        pts.append((lon / factor, lat / factor))
    return pts


def _lines(geom: BaseGeometry) -> list[LineString]:
    return [g for g in shapely.get_parts(geom) if isinstance(g, LineString)]


def _polys(geom: BaseGeometry) -> list[Polygon]:
    return [g for g in shapely.get_parts(geom) if isinstance(g, Polygon)]


def _xy(g: BaseGeometry) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in shapely.get_coordinates(g)]


def encode_shape(geom: BaseGeometry) -> str:
    """A line or area as the link's ``front`` value (see the module docstring); "" if neither."""
    polys = _polys(geom)
    if polys:
        return "area." + ",".join(";".join(encode_polyline(_xy(r)) for r in (p.exterior, *p.interiors)) for p in polys)
    lines = _lines(geom)
    if lines:
        return "line." + ",".join(encode_polyline(_xy(ln)) for ln in lines)
    return ""


def decode_shape(text: str) -> BaseGeometry:
    """Inverse of :func:`encode_shape` (coordinates checked).

    Raises
    ------
    InputError
        Not ``line.``/``area.``, a bad encoding, or a coordinate out of range.
    """
    kind, sep, body = text.partition(".")
    if not sep or kind not in ("line", "area") or not body:
        msg = f"Front line {text[:40]!r} in the link is not 'line.<encoded>' or 'area.<encoded>'."
        raise InputError(msg)

    def pts(part: str, need: int) -> list[tuple[float, float]]:
        xy = decode_polyline(part)
        for lon, lat in xy:
            if not (-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):
                msg = f"Front line point ({lon}, {lat}) in the link is out of range."
                raise InputError(msg)
        if len(xy) < need:
            msg = f"A front line part in the link has {len(xy)} points; it needs at least {need}."
            raise InputError(msg)
        return xy

    if kind == "line":
        lines = [LineString(pts(p, 2)) for p in body.split(",")]
        return lines[0] if len(lines) == 1 else MultiLineString(lines)
    polys = []
    for p in body.split(","):
        shell, *holes = (pts(r, 4) for r in p.split(";"))
        polys.append(Polygon(shell, holes))
    return polys[0] if len(polys) == 1 else MultiPolygon(polys)


def shape_for_link(geom: BaseGeometry, max_chars: int = MAX_FRONT_CHARS) -> tuple[str, float]:
    """``geom`` encoded for a link, simplified (planar, in degrees) until it fits ``max_chars``.

    Returns the encoded value and the simplification tolerance used in degrees (0 when exact).
    """
    text = encode_shape(geom)
    tol = 0.0
    while len(text) > max_chars and tol < 1.0:
        tol = 0.0005 if tol == 0 else tol * 2
        text = encode_shape(shapely.simplify(geom, tol, preserve_topology=True))
    return text, tol


# --------------------------------------------------------------------------- state


@dataclass(frozen=True)
class ToolState:
    """The tools' part of a link. ``front`` is a shapely line/area (lon/lat) or None; ``into`` an
    ISO3 code ("" = not clipped); ``step`` the timeline step; ``cumulative`` whether play steps
    add up from the start of the range."""

    measure: tuple[LonLat, ...] = ()
    front: BaseGeometry | None = None
    front_name: str = ""
    into: str = "RUS"
    targets: tuple[LaunchPoint, ...] = ()
    step: Step = "week"
    cumulative: bool = False

    def to_query(self) -> dict[str, str]:
        """URL query parameters for the tools (defaults left out)."""
        q: dict[str, str] = {}
        if self.measure:
            q["measure"] = ";".join(f"{p.lon:.4f},{p.lat:.4f}" for p in self.measure[:MAX_MEASURE_POINTS])
        if self.front is not None and not self.front.is_empty:
            text, _tol = shape_for_link(self.front)
            if text:
                q["front"] = text
                if self.front_name:
                    q["fname"] = self.front_name[:80]
        if self.into != ToolState.into:
            q["into"] = self.into or "none"
        if self.targets:
            q["targets"] = "|".join(t.encode() for t in self.targets[:MAX_TARGETS])
        if self.step != ToolState.step:
            q["step"] = self.step
        if self.cumulative:
            q["cum"] = "1"
        return q


def _one(params: Mapping[str, str | list[str]], key: str) -> str | None:
    v = params.get(key)
    if v is None:
        return None
    if isinstance(v, list):
        v = v[-1] if v else ""
    return str(v).strip()


def _measure(text: str) -> tuple[LonLat, ...]:
    out = []
    for part in text.split(";")[:MAX_MEASURE_POINTS]:
        lon_s, _sep, lat_s = part.partition(",")
        lon, lat = float(lon_s), float(lat_s)
        if not (math.isfinite(lon) and -180.0 <= lon <= 180.0):
            raise ValueError(part)
        out.append(check_lonlat(lon, lat))
    return tuple(out)


def tools_from_query(params: Mapping[str, str | list[str]]) -> tuple[ToolState, list[str]]:
    """Read the tools' state from URL query parameters; bad values are dropped and described."""
    state = ToolState()
    warnings: list[str] = []
    measure = _one(params, "measure")
    if measure:
        try:
            state = replace(state, measure=_measure(measure))
        except (ValueError, InputError):
            warnings.append(f"Ignored measure={measure[:60]!r} in the link (expected 'lon,lat;lon,lat').")
    front = _one(params, "front")
    if front:
        try:
            state = replace(state, front=decode_shape(front))
        except InputError as err:
            warnings.append(f"Ignored the front line in the link: {err}")
    fname = _one(params, "fname")
    if fname and state.front is not None:
        state = replace(state, front_name=fname[:80])
    into = _one(params, "into")
    if into is not None:
        if into in ("", "none"):
            state = replace(state, into="")
        elif re.fullmatch(r"[A-Za-z]{3}", into):
            state = replace(state, into=into.upper())
        else:
            warnings.append(f"Ignored into={into!r} in the link (expected a 3-letter country code like RUS).")
    targets = _one(params, "targets")
    if targets:
        pts: list[LaunchPoint] = []
        for part in targets.split("|")[:MAX_TARGETS]:
            try:
                pts.append(decode_launch_point(part))
            except InputError as err:
                warnings.append(str(err).replace("launch point", "reach target"))
        state = replace(state, targets=tuple(pts))
    step = _one(params, "step")
    if step:
        if step in STEPS:
            state = replace(state, step=step)
        else:
            warnings.append(f"Ignored step={step!r} in the link (expected one of {', '.join(STEPS)}).")
    cum = _one(params, "cum")
    if cum:
        state = replace(state, cumulative=cum.lower() in ("1", "true", "yes", "on"))
    return state, warnings


__all__ = [
    "MAX_FRONT_CHARS",
    "ToolState",
    "decode_polyline",
    "decode_shape",
    "encode_polyline",
    "encode_shape",
    "shape_for_link",
    "tools_from_query",
]

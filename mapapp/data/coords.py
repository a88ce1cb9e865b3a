"""Coordinates typed by a person: decimal pairs, degrees-minutes-seconds, hemisphere letters, MGRS.

The one parser of coordinate text, used by the place resolver (:mod:`mapapp.data.resolver`)
and through it by every entry point (CLI ``--at``/``--from``, the app's search box).

Accepted forms (whitespace and case are free)::

    47.84, 35.14              a bare pair, in the caller's ``order`` (lat,lon by default)
    47.84N 35.14E             hemisphere letters: the order no longer matters
    47°50′N 35°08′E           degrees, minutes (′ ' ’), seconds (″ " ”), any of them
    N 47 50 24 E 35 8 24      letters first, space-separated parts
    36UYA0000000000           MGRS / UTM-MGRS grid references (1 m to 100 km precision)

Everything returns :class:`~mapapp.model.LonLat` (longitude first, degrees).
"""

from __future__ import annotations

import math
import re
from typing import Literal

from mapapp.errors import InputError
from mapapp.model import LonLat

__all__ = ["Order", "looks_like_coordinates", "parse_coordinates", "parse_mgrs"]

Order = Literal["latlon", "lonlat"]

_NUM = r"[-+−]?\d+(?:[.,]\d+)?"
_PAIR_RE = re.compile(rf"^\s*({_NUM})\s*[,;\s]\s*({_NUM})\s*$")
_DEG = "°º˚d"
_MIN = "′'’m"
_SEC = '″"”s'
# one coordinate: degrees, optional minutes/seconds, optional hemisphere (leading letters are moved behind)
_ONE = (
    rf"(?P<d{{k}}>[-+−]?\d+(?:\.\d+)?)\s*[{_DEG}]?\s*"
    rf"(?:(?P<m{{k}}>\d+(?:\.\d+)?)\s*[{_MIN}]?\s*)?"
    rf"(?:(?P<s{{k}}>\d+(?:\.\d+)?)\s*[{_SEC}]?\s*)?"
    rf"(?P<h{{k}}>[NSEW])?"
)
_LEADING_RE = re.compile(r"(?i)(?:^|(?<=[\s,;/]))([NSEW])\s*([-+−]?\d[^NSEWnsew,;/]*)")
_DMS_RE = re.compile(r"^\s*" + _ONE.format(k="a") + r"\s*[,;/]?\s*" + _ONE.format(k="b") + r"\s*$", re.IGNORECASE)
# MGRS: zone 1-60, band letter, 100 km square (two letters), then an even number of digits (0-10)
_MGRS_RE = re.compile(r"^\s*(\d{1,2})\s*([C-HJ-NP-X])\s*([A-HJ-NP-Z]{2})\s*((?:\d\s*){0,10})$", re.IGNORECASE)


def _float(text: str) -> float:
    return float(text.replace("−", "-").replace(",", "."))


def _check(lon: float, lat: float, text: str) -> LonLat:
    if not (math.isfinite(lon) and math.isfinite(lat)):
        msg = f"Coordinates {text!r} are not finite numbers; give degrees such as '47.84, 35.14'."
        raise InputError(msg)
    if not -90.0 <= lat <= 90.0:
        msg = f"Latitude {lat:g} in {text!r} is out of range [-90, 90]; are latitude and longitude swapped?"
        raise InputError(msg)
    if not -180.0 <= lon <= 180.0:
        msg = f"Longitude {lon:g} in {text!r} is out of range [-180, 180]; give degrees east (negative for west)."
        raise InputError(msg)
    return LonLat(lon, lat)


def parse_mgrs(text: str) -> LonLat:
    """The point of an MGRS grid reference (the south-west corner of its square, as MGRS defines).

    Raises
    ------
    InputError
        Not an MGRS reference, or one the converter rejects.
    """
    m = _MGRS_RE.match(text)
    if not m:
        msg = f"{text!r} is not an MGRS reference; expected e.g. '36UYA 12345 67890'."
        raise InputError(msg)
    digits = re.sub(r"\s", "", m.group(4))
    if len(digits) % 2:
        msg = f"MGRS reference {text!r} has an odd number of digits ({len(digits)}); easting and northing need as many."
        raise InputError(msg)
    ref = f"{int(m.group(1)):02d}{m.group(2).upper()}{m.group(3).upper()}{digits}"
    import mgrs  # the maintained converter (GeoTrans)

    try:
        lat, lon = mgrs.MGRS().toLatLon(ref)
    except Exception as err:
        msg = f"MGRS reference {text!r} is not valid: {err}. Check the zone, band and square letters."
        raise InputError(msg) from None
    return _check(float(lon), float(lat), text)


def _dms(m: re.Match[str], k: str, text: str) -> tuple[float, str]:
    deg = _float(m.group(f"d{k}"))
    minutes = float(m.group(f"m{k}") or 0.0)
    seconds = float(m.group(f"s{k}") or 0.0)
    if minutes >= 60 or seconds >= 60:
        msg = f"Minutes and seconds in {text!r} must be below 60."
        raise InputError(msg)
    hemi = (m.group(f"h{k}") or "").upper()
    value = abs(deg) + minutes / 60.0 + seconds / 3600.0
    negative = deg < 0 or text.strip().startswith("−")
    if hemi in ("S", "W"):
        negative = True
    return (-value if negative else value), hemi


def parse_coordinates(text: str, *, order: Order = "latlon") -> LonLat:
    """Parse coordinate text (see the module docstring for the forms).

    Parameters
    ----------
    text
        What the person typed.
    order
        How to read a bare pair without hemisphere letters: ``"latlon"`` (as map sites show
        them, the default) or ``"lonlat"`` (as GeoJSON and the CLI's ``lon,lat`` options).

    Raises
    ------
    InputError
        The text is not coordinates, or a value is out of range (the message says which).
    """
    m = _PAIR_RE.match(text)
    if m:
        a, b = _float(m.group(1)), _float(m.group(2))
        lat, lon = (a, b) if order == "latlon" else (b, a)
        return _check(lon, lat, text)
    if _MGRS_RE.match(text):
        return parse_mgrs(text)
    if re.match(r"\s*[NSEW]", text, re.IGNORECASE):  # letters lead: "N 47 50 E 35 08"
        text_dms = _LEADING_RE.sub(lambda g: f"{g.group(2).strip()}{g.group(1)} ", text)
    else:
        text_dms = text
    m = _DMS_RE.match(text_dms)
    if m and any(m.group(g) for g in ("ha", "hb", "ma", "mb")):
        va, ha = _dms(m, "a", text)
        vb, hb = _dms(m, "b", text)
        if ha in ("E", "W") or hb in ("N", "S"):
            va, vb, ha, hb = vb, va, hb, ha
        elif not ha and not hb and order == "lonlat":
            va, vb = vb, va
        if (ha and ha not in ("N", "S")) or (hb and hb not in ("E", "W")):
            msg = f"{text!r} gives the same axis twice; give one N/S and one E/W value."
            raise InputError(msg)
        return _check(vb, va, text)
    msg = (
        f"{text!r} is not coordinates; expected '47.84, 35.14' (lat, lon), '47°50′N 35°08′E' or an MGRS "
        "reference such as '36UYA 12345 67890'."
    )
    raise InputError(msg)


def looks_like_coordinates(text: str) -> bool:
    """True when ``text`` is meant as coordinates (digits lead, or an MGRS reference) rather than a name."""
    t = text.strip()
    if not t:
        return False
    if _MGRS_RE.match(t):
        return True
    core = t.lstrip("NSEWnsew ").lstrip("+-−")
    return bool(core) and core[0].isdigit()

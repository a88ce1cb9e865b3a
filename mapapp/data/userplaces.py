"""The analyst's own places: a CSV or GeoJSON file merged into the gazetteer.

A user gazetteer lists villages, sites and airfields the built-in data lacks (or places it
wrongly). Columns (CSV header, case-insensitive) or GeoJSON Point properties:

- ``name`` (required), ``aliases`` (optional; ``|`` or ``;`` separated in CSV, a list or such a
  string in GeoJSON), ``lat``/``latitude`` and ``lon``/``lng``/``longitude`` (CSV; GeoJSON
  takes the Point's coordinates), ``kind`` (optional, default ``city``: ``village``, ``town``,
  ``settlement`` count as city; ``airbase``, ``airport`` as airfield; ``river``, ``sea``,
  ``lake``, ``mountain`` as feature; any other word as landmark), ``country_code`` (optional).

Rows with a missing name or a bad coordinate are reported (``FILE:LINE: what is wrong``) and
skipped; the rest are kept. A file with no usable row is an :class:`~mapapp.errors.InputError`.
Coordinates are (lon, lat) degrees in the :class:`~mapapp.model.Place` objects.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from mapapp import jsonfiles
from mapapp.data.names import normalize
from mapapp.errors import InputError
from mapapp.model import Place, PlaceKind

__all__ = ["UserPlaces", "read_user_places"]

_KIND_WORDS: dict[str, PlaceKind] = {
    "city": "city",
    "town": "city",
    "village": "city",
    "settlement": "city",
    "hamlet": "city",
    "locality": "city",
    "airfield": "airfield",
    "airbase": "airfield",
    "air base": "airfield",
    "airport": "airfield",
    "feature": "feature",
    "river": "feature",
    "sea": "feature",
    "lake": "feature",
    "mountain": "feature",
    "range": "feature",
    "region": "region",
    "admin1": "admin1",
    "country": "country",
}
_LAT = ("lat", "latitude", "y")
_LON = ("lon", "lng", "long", "longitude", "x")
#: Largest user gazetteer file accepted (bytes).
MAX_BYTES = 50_000_000


@dataclass
class UserPlaces:
    """Places read from one user file: each with its names (first = the display name)."""

    path: str
    places: list[tuple[Place, list[str]]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _kind(value: object) -> PlaceKind:
    word = str(value or "").strip().lower()
    if not word:
        return "city"
    return _KIND_WORDS.get(word, cast(PlaceKind, "landmark"))


def _coord(value: object, lo: float, hi: float, what: str) -> float:
    try:
        v = float(str(value).strip()) if not isinstance(value, (int, float)) else float(value)
    except (TypeError, ValueError):
        msg = f"{what} {value!r} is not a number"
        raise ValueError(msg) from None
    if not (math.isfinite(v) and lo <= v <= hi):
        msg = f"{what} {value!r} is outside {lo:g}..{hi:g}"
        raise ValueError(msg)
    return v


def _aliases(value: object) -> list[str]:
    if isinstance(value, list):
        return [str(a).strip() for a in value if str(a).strip()]
    return [a.strip() for a in re.split(r"[|;]", str(value or "")) if a.strip()]


def _place(name: str, lon: float, lat: float, kind: object, cc: object) -> Place:
    # the id depends on the place only (not on the file): the same list merged twice adds nothing
    digest = hashlib.sha1(f"{normalize(name)}:{lon:.5f}:{lat:.5f}:{_kind(kind)}".encode()).hexdigest()[:10]
    return Place(
        id=f"user:{digest}",
        name=name,
        kind=_kind(kind),
        lon=lon,
        lat=lat,
        country_code=str(cc or "").strip().upper()[:2],
        feature_code="USER",
    )


def _row(out: UserPlaces, where: str, name: object, aliases: object, lon: object, lat: object, **kw: object) -> None:
    nm = " ".join(str(name or "").split())
    if not normalize(nm):
        out.problems.append(f"{where}: no name; give a name column")
        return
    try:
        la = _coord(lat, -90.0, 90.0, "latitude")
        lo = _coord(lon, -180.0, 180.0, "longitude")
    except ValueError as err:
        out.problems.append(f"{where}: {err}")
        return
    place = _place(nm, lo, la, kw.get("kind"), kw.get("country_code"))
    names = [nm, *[a for a in _aliases(aliases) if normalize(a)]]
    out.places.append((place, names))


def _pick(header: Sequence[str], names: tuple[str, ...]) -> str | None:
    lower = {h.strip().lower(): h for h in header}
    return next((lower[n] for n in names if n in lower), None)


def _read_csv(out: UserPlaces, text: str) -> None:
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    lat_c, lon_c, name_c = _pick(header, _LAT), _pick(header, _LON), _pick(header, ("name", "title", "label"))
    if not (lat_c and lon_c and name_c):
        msg = (
            f"{out.path}: the CSV header {header!r} needs name, lat and lon columns "
            "(optional: aliases, kind, country_code)."
        )
        raise InputError(msg)
    alias_c, kind_c, cc_c = (
        _pick(header, ("aliases", "alias")),
        _pick(header, ("kind",)),
        _pick(header, ("country_code",)),
    )
    for row in reader:
        if None in row:
            out.problems.append(f"{out.path}:{reader.line_num}: more fields than the header has; skipped")
            continue
        _row(
            out,
            f"{out.path}:{reader.line_num}",
            row.get(name_c),
            row.get(alias_c) if alias_c else "",
            row.get(lon_c),
            row.get(lat_c),
            kind=row.get(kind_c) if kind_c else "",
            country_code=row.get(cc_c) if cc_c else "",
        )


def _read_geojson(out: UserPlaces, text: str) -> None:
    data = jsonfiles.loads(text, str(out.path))
    feats = data.get("features") if isinstance(data, dict) and data.get("type") == "FeatureCollection" else [data]
    if not isinstance(feats, list):
        msg = f"{out.path}: 'features' is not a list; give a FeatureCollection of Points."
        raise InputError(msg)
    for i, f in enumerate(feats, 1):
        where = f"{out.path}: feature {i}"
        geom = f.get("geometry") if isinstance(f, dict) else None
        if not isinstance(geom, dict) or geom.get("type") != "Point" or not isinstance(geom.get("coordinates"), list):
            out.problems.append(f"{where}: not a Point feature; skipped")
            continue
        xy = geom["coordinates"]
        props = f.get("properties") if isinstance(f.get("properties"), dict) else {}
        _row(
            out,
            where,
            props.get("name"),
            props.get("aliases", ""),
            xy[0] if len(xy) > 1 else None,
            xy[1] if len(xy) > 1 else None,
            kind=props.get("kind"),
            country_code=props.get("country_code"),
        )


def read_user_places(path: str | Path, text: str | None = None) -> UserPlaces:
    """Read a user gazetteer (``.csv``, or ``.geojson``/``.json``); with ``text``, that text is the
    file's content and ``path`` only names it (an upload).

    Raises
    ------
    InputError
        The file is missing, unreadable, too large, of an unknown type, or has no usable row.
    """
    p = Path(path).expanduser()
    if text is None:
        try:
            if p.stat().st_size > MAX_BYTES:
                msg = f"Places file {str(p)!r} is larger than {MAX_BYTES // 1_000_000} MB; split it."
                raise InputError(msg)
            text = p.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            msg = f"Places file {str(p)!r} does not exist; give a CSV or GeoJSON file of places."
            raise InputError(msg) from None
        except (OSError, UnicodeDecodeError) as err:
            msg = f"Cannot read places file {str(p)!r} ({err.__class__.__name__}); give a UTF-8 CSV or GeoJSON file."
            raise InputError(msg) from None
    elif len(text.encode("utf-8", "replace")) > MAX_BYTES:
        msg = f"Places file {str(p)!r} is larger than {MAX_BYTES // 1_000_000} MB; split it."
        raise InputError(msg)
    out = UserPlaces(path=str(p))
    suffix = p.suffix.lower()
    if suffix == ".csv":
        _read_csv(out, text.removeprefix("\ufeff"))
    elif suffix in (".geojson", ".json"):
        _read_geojson(out, text.removeprefix("\ufeff"))
    else:
        msg = f"Places file {str(p)!r} has an unknown type {suffix!r}; give a .csv or .geojson file."
        raise InputError(msg)
    if not out.places:
        detail = f" ({out.problems[0]})" if out.problems else ""
        msg = f"Places file {str(p)!r} has no usable place{detail}; each row needs a name, lat and lon."
        raise InputError(msg)
    return out

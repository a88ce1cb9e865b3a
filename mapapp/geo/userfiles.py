"""Reading and writing user files.

Writers (GeoJSON/KML export of a map) belong to the snapshot/render helper.
Readers (range engine): :func:`read_targets` (CSV with lat/lon columns or GeoJSON points, e.g.
airfields) and :func:`read_line` (a front line or launch line as GeoJSON LineString). Broken
target rows are reported with their line number (CSV) or feature number (GeoJSON) and the rest
are kept. Coordinates are returned as (lon, lat) degrees.
"""

from __future__ import annotations

import csv
import io as _io
import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from shapely.geometry import LineString, MultiLineString

from mapapp import jsonfiles
from mapapp.errors import InputError

# ---- readers (range engine) ----

#: Accepted header names (case-insensitive) for target CSV columns.
LAT_COLUMNS = ("lat", "latitude", "y")
LON_COLUMNS = ("lon", "lng", "long", "longitude", "x")
NAME_COLUMNS = ("name", "title", "label", "id")
TARGET_COLUMNS = ["name", "lon", "lat", "source_line"]


@dataclass
class Targets:
    """Points read from a user's target file.

    ``frame`` has columns name, lon, lat (degrees), source_line (CSV line or GeoJSON feature
    number, 1-based) plus any other columns/properties the file had. ``problems`` lists the
    rows that were skipped, each as ``"FILE:LINE: what is wrong"``.
    """

    frame: pd.DataFrame
    problems: list[str] = field(default_factory=list)
    path: str = ""


def _read_text(path: str | Path, what: str) -> tuple[Path, str]:
    p = Path(path).expanduser()
    try:
        return p, p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        msg = f"{what} {str(p)!r} does not exist; give the path of an existing file."
        raise InputError(msg) from None
    except IsADirectoryError:
        msg = f"{what} {str(p)!r} is a directory; give a file."
        raise InputError(msg) from None
    except (OSError, UnicodeDecodeError) as err:
        msg = f"Cannot read {what.lower()} {str(p)!r} ({err}); give a UTF-8 text file."
        raise InputError(msg) from None


def _show(value: object, limit: int = 40) -> str:
    """``repr`` of a user's value, cut to ``limit`` characters for a one-line message."""
    r = repr(value)
    return r if len(r) <= limit else r[: limit - 3] + "..."


def _coord(value: object, lo: float, hi: float, name: str) -> float:
    try:
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise TypeError
        v = float(value.strip().replace(",", ".")) if isinstance(value, str) else float(value)
    except (TypeError, ValueError, OverflowError):
        msg = f"{name} {_show(value)} is not a number"
        raise ValueError(msg) from None
    if not (math.isfinite(v) and lo <= v <= hi):
        msg = f"{name} {_show(value)} is outside {lo:g}..{hi:g}"
        raise ValueError(msg)
    return v


def _position(q: object) -> tuple[float, float]:
    """(lon, lat) of a GeoJSON position ``[lon, lat, ...]``; ValueError naming what is wrong."""
    if not isinstance(q, list) or len(q) < 2:
        msg = f"position {_show(q)} is not [lon, lat]"
        raise ValueError(msg)
    return _coord(q[0], -180.0, 180.0, "longitude"), _coord(q[1], -90.0, 90.0, "latitude")


def _pick(header: list[str], names: tuple[str, ...]) -> str | None:
    lower = {h.strip().lower(): h for h in header}
    for n in names:
        if n in lower:
            return lower[n]
    return None


def _targets_csv(p: Path, text: str) -> Targets:
    reader = csv.DictReader(_io.StringIO(text, newline=""))
    try:
        return _targets_csv_rows(p, reader)
    except csv.Error as err:
        msg = f"{p}:{reader.line_num}: not readable as CSV ({err}); fix that line or save the file as plain CSV."
        raise InputError(msg) from None


def _targets_csv_rows(p: Path, reader: csv.DictReader[str]) -> Targets:
    header = list(reader.fieldnames or [])
    lat_col, lon_col = _pick(header, LAT_COLUMNS), _pick(header, LON_COLUMNS)
    if lat_col is None or lon_col is None:
        msg = (
            f"Target file {str(p)!r} has columns {_show(header, 200)}; expected a latitude column "
            f"({'/'.join(LAT_COLUMNS)}) and a longitude column ({'/'.join(LON_COLUMNS)})."
        )
        raise InputError(msg)
    name_col = _pick(header, NAME_COLUMNS)
    rows: list[dict[str, object]] = []
    problems: list[str] = []
    for row in reader:
        line = reader.line_num
        if None in row:
            problems.append(f"{p}:{line}: more fields than the header has columns; row skipped")
            continue
        if not any((v or "").strip() for v in row.values()):
            continue
        try:
            lat = _coord(row.get(lat_col), -90.0, 90.0, "latitude")
            lon = _coord(row.get(lon_col), -180.0, 180.0, "longitude")
        except ValueError as err:
            problems.append(f"{p}:{line}: {err}; row skipped")
            continue
        rec: dict[str, object] = {k: v for k, v in row.items() if k not in (lat_col, lon_col)}
        name = (row.get(name_col) or "").strip() if name_col else ""
        rec.update({"name": name or f"row {line}", "lon": lon, "lat": lat, "source_line": line})
        rows.append(rec)
    return _targets(p, rows, problems)


def _targets(p: Path, rows: list[dict[str, object]], problems: list[str]) -> Targets:
    if not rows:
        detail = f" Problems: {'; '.join(problems[:5])}" if problems else ""
        msg = f"Target file {str(p)!r} has no usable point.{detail}"
        raise InputError(msg)
    frame = pd.DataFrame(rows)
    cols = TARGET_COLUMNS + [c for c in frame.columns if c not in TARGET_COLUMNS]
    return Targets(frame[cols], problems, str(p))


def _features(data: object, p: Path) -> list[object]:
    if not isinstance(data, dict):
        msg = f"{str(p)!r} is not a GeoJSON object; expected a FeatureCollection, Feature or geometry."
        raise InputError(msg)
    kind = data.get("type")
    if kind == "FeatureCollection":
        feats = data.get("features")
        if not isinstance(feats, list):
            msg = f"{str(p)!r}: FeatureCollection without a 'features' list."
            raise InputError(msg)
        return feats
    if kind == "Feature":
        return [data]
    return [{"type": "Feature", "geometry": data, "properties": {}}]


def _load_json(p: Path, text: str) -> object:
    return jsonfiles.loads(text, str(p))


def _targets_geojson(p: Path, text: str) -> Targets:
    rows: list[dict[str, object]] = []
    problems: list[str] = []
    for i, feat in enumerate(_features(_load_json(p, text), p), start=1):
        where = f"{p}:feature {i}"
        geom = feat.get("geometry") if isinstance(feat, dict) else None
        props = feat.get("properties") if isinstance(feat, dict) else None
        props = props if isinstance(props, dict) else {}
        if not isinstance(geom, dict) or geom.get("type") not in ("Point", "MultiPoint"):
            gtype = geom.get("type") if isinstance(geom, dict) else geom
            problems.append(f"{where}: geometry {_show(gtype)} is not a Point; feature skipped")
            continue
        coords = geom.get("coordinates")
        points = [coords] if geom["type"] == "Point" else coords
        if not isinstance(points, list):
            problems.append(f"{where}: coordinates {_show(coords)} are not a list; feature skipped")
            continue
        for pt in points:
            try:
                lon, lat = _position(pt)
            except ValueError as err:
                problems.append(f"{where}: {err}; point skipped")
                continue
            name = next((str(props[k]) for k in ("name", "title", "label", "id") if props.get(k)), f"feature {i}")
            rec: dict[str, object] = {
                k: v for k, v in props.items() if isinstance(v, (str, int, float, bool)) or v is None
            }
            rec.update({"name": name, "lon": lon, "lat": lat, "source_line": i})
            rows.append(rec)
    return _targets(p, rows, problems)


def read_targets(path: str | Path) -> Targets:
    """Read target points from a CSV (lat/lon columns) or a GeoJSON file (Point features).

    The format is taken from the extension (``.geojson``/``.json`` -> GeoJSON, else CSV).

    Raises
    ------
    InputError
        Missing/unreadable file, no lat/lon columns, invalid JSON, or no usable point at all.
        Single broken rows do not raise: they are listed in :attr:`Targets.problems`.
    """
    p, text = _read_text(path, "Target file")
    if p.suffix.lower() in (".geojson", ".json") or text.lstrip().startswith("{"):
        return _targets_geojson(p, text)
    return _targets_csv(p, text)


def read_line(path: str | Path) -> LineString | MultiLineString:
    """Read a line (front line, launch line) from GeoJSON: LineString/MultiLineString geometries,
    Features or a FeatureCollection of them. Coordinates are [lon, lat] degrees.

    Raises
    ------
    InputError
        Missing file, invalid JSON, no line geometry, or a coordinate out of range.
    """
    p, text = _read_text(path, "Line file")
    lines: list[LineString] = []
    for i, feat in enumerate(_features(_load_json(p, text), p), start=1):
        geom = feat.get("geometry") if isinstance(feat, dict) else None
        if not isinstance(geom, dict):
            continue
        kind, coords = geom.get("type"), geom.get("coordinates")
        parts = [coords] if kind == "LineString" else coords if kind == "MultiLineString" else None
        if parts is None or not isinstance(parts, list):
            continue
        for part in parts:
            try:
                if not isinstance(part, list) or len(part) < 2:
                    raise ValueError(f"a line needs at least two [lon, lat] positions, got {_show(part)}")
                xy = [_position(q) for q in part]
            except ValueError as err:
                msg = f"{p}:feature {i}: {err}. Fix the coordinates ([lon, lat] in degrees)."
                raise InputError(msg) from None
            lines.append(LineString(xy))
    if not lines:
        msg = f"{str(p)!r} holds no LineString or MultiLineString; give a GeoJSON line."
        raise InputError(msg)
    return lines[0] if len(lines) == 1 else MultiLineString(lines)

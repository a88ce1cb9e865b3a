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
from shapely.geometry import GeometryCollection, LineString, MultiLineString, MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

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
    lines = [g for g in _geojson_shapes(p, text, polygons=False) if isinstance(g, LineString)]
    if not lines:
        msg = f"{str(p)!r} holds no LineString or MultiLineString; give a GeoJSON line."
        raise InputError(msg)
    return lines[0] if len(lines) == 1 else MultiLineString(lines)


#: Largest front-line / area file accepted (bytes).
MAX_SHAPE_BYTES = 20 * 1024 * 1024


def _positions(part: object, where: str) -> list[tuple[float, float]]:
    """[[lon, lat(, alt)], ...] -> checked (lon, lat) tuples, or InputError naming ``where``."""
    try:
        if not isinstance(part, list) or len(part) < 2:
            raise ValueError(f"a line needs at least two [lon, lat] positions, got {_show(part)}")
        return [_position(q) for q in part]
    except ValueError as err:
        msg = f"{where}: {err}. Fix the coordinates ([lon, lat] in degrees)."
        raise InputError(msg) from None


def _polygon(rings: object, where: str) -> Polygon:
    if not isinstance(rings, list) or not rings:
        msg = f"{where}: a polygon needs a list of rings of [lon, lat] positions."
        raise InputError(msg)
    shell, *holes = (_positions(r, where) for r in rings)
    if len(shell) < 4:
        msg = f"{where}: a polygon ring needs at least four positions (closed), got {len(shell)}."
        raise InputError(msg)
    poly = Polygon(shell, holes)
    return poly if poly.is_valid else make_valid_area(poly)


def make_valid_area(poly: BaseGeometry) -> Polygon:
    """The largest polygonal piece of a self-intersecting polygon (shapely ``make_valid``)."""
    import shapely

    fixed = shapely.make_valid(poly)
    pieces = [g for g in shapely.get_parts(fixed) if isinstance(g, Polygon)]
    if not pieces:
        msg = "The area's outline crosses itself so that nothing is left inside; redraw it."
        raise InputError(msg)
    return max(pieces, key=lambda g: g.area)


def _geojson_shapes(p: Path | str, text: str, *, polygons: bool = True) -> list[BaseGeometry]:
    """Every line (and polygon, if ``polygons``) in a GeoJSON text, as shapely geometries."""
    out: list[BaseGeometry] = []
    for i, feat in enumerate(_features(_load_json(Path(p), text), Path(p)), start=1):
        geom = feat.get("geometry") if isinstance(feat, dict) else None
        if not isinstance(geom, dict):
            continue
        kind, coords = geom.get("type"), geom.get("coordinates")
        where = f"{p}:feature {i}"
        if kind == "LineString":
            out.append(LineString(_positions(coords, where)))
        elif kind == "MultiLineString" and isinstance(coords, list):
            out.extend(LineString(_positions(part, where)) for part in coords)
        elif polygons and kind == "Polygon":
            out.append(_polygon(coords, where))
        elif polygons and kind == "MultiPolygon" and isinstance(coords, list):
            out.extend(_polygon(part, where) for part in coords)
    return out


def _kml_coords(text: str | None, where: str) -> list[tuple[float, float]]:
    pts = []
    for tok in (text or "").split():
        bits = tok.split(",")
        try:
            if len(bits) < 2:
                raise ValueError(f"{tok!r} is not lon,lat")
            pts.append((_coord(bits[0], -180.0, 180.0, "longitude"), _coord(bits[1], -90.0, 90.0, "latitude")))
        except ValueError as err:
            msg = f"{where}: {err}. KML coordinates are 'lon,lat[,alt]' separated by spaces."
            raise InputError(msg) from None
    return pts


def _kml_shapes(p: Path | str, text: str) -> list[BaseGeometry]:
    """Every LineString and Polygon in a KML document (any nesting: Folders, MultiGeometry)."""
    import xml.etree.ElementTree as ET

    head = text[:4096].lower()
    if "<!doctype" in head or "<!entity" in head:
        msg = f"{str(p)!r}: KML with a DOCTYPE or entities is not accepted; export the KML again without them."
        raise InputError(msg)
    try:
        root = ET.fromstring(text)
    except ET.ParseError as err:
        msg = f"{str(p)!r} is not valid KML/XML ({err}); give a KML or GeoJSON file."
        raise InputError(msg) from None

    def local(tag: str) -> str:
        return tag.rsplit("}", 1)[-1]

    out: list[BaseGeometry] = []
    for n, el in enumerate(root.iter(), start=1):
        kind = local(el.tag)
        where = f"{p}:element {n} <{kind}>"
        if kind == "LineString":
            coords = next((c for c in el.iter() if local(c.tag) == "coordinates"), None)
            pts = _kml_coords(coords.text if coords is not None else "", where)
            if len(pts) >= 2:
                out.append(LineString(pts))
        elif kind == "Polygon":
            rings: list[list[tuple[float, float]]] = []
            for b in el:
                if local(b.tag) in ("outerBoundaryIs", "innerBoundaryIs"):
                    c = next((c for c in b.iter() if local(c.tag) == "coordinates"), None)
                    ring = _kml_coords(c.text if c is not None else "", where)
                    if local(b.tag) == "outerBoundaryIs":
                        rings.insert(0, ring)
                    else:
                        rings.append(ring)
            if rings:
                out.append(_polygon([[list(q) for q in r] for r in rings], where))
    return out


def shape_from_text(text: str, name: str) -> BaseGeometry:
    """A front line or area of control from the text of a GeoJSON or KML file called ``name``.

    Lines (LineString, MultiLineString) and areas (Polygon, MultiPolygon) are kept; points and
    other geometries are ignored. Several parts come back as one Multi* or GeometryCollection.
    Coordinates are (lon, lat) degrees.

    Raises
    ------
    InputError
        Not GeoJSON/KML, a bad coordinate (named by feature/element), or no line or area at all.
    """
    stripped = text.lstrip("\ufeff \t\r\n")
    is_kml = name.lower().endswith(".kml") or stripped.startswith("<")
    shapes = _kml_shapes(name, stripped) if is_kml else _geojson_shapes(name, stripped)
    if not shapes:
        what = "KML" if is_kml else "GeoJSON"
        msg = (
            f"{name!r} holds no line or polygon; give a {what} file with a LineString or Polygon "
            "(a front line or an area of control)."
        )
        raise InputError(msg)
    if len(shapes) == 1:
        return shapes[0]
    lines = [g for g in shapes if isinstance(g, LineString)]
    polys = [g for g in shapes if isinstance(g, Polygon)]
    if len(lines) == len(shapes):
        return MultiLineString(lines)
    if len(polys) == len(shapes):
        return MultiPolygon(polys)
    return GeometryCollection(shapes)


def shape_from_bytes(data: bytes, name: str, max_bytes: int = MAX_SHAPE_BYTES) -> BaseGeometry:
    """:func:`shape_from_text` of an uploaded file's bytes (UTF-8), with a size limit."""
    if len(data) > max_bytes:
        mb, limit = len(data) / 1048576, max_bytes / 1048576
        msg = f"{name!r} is {mb:.1f} MB, more than the {limit:.0f} MB limit for a line file."
        raise InputError(msg)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        msg = f"{name!r} is not UTF-8 text; give a GeoJSON or KML file."
        raise InputError(msg) from None
    return shape_from_text(text, name)


def read_shape(path: str | Path) -> BaseGeometry:
    """:func:`shape_from_text` of a file on disk (GeoJSON or KML)."""
    p, text = _read_text(path, "Line file")
    return shape_from_text(text, str(p))

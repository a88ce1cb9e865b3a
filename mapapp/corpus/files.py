"""Event files: ACLED-style CSV and GeoJSON point files, in and out.

Import validates every row at once with pandas (vectorised): a bad row (missing or out-of-range
coordinate, unparseable date, non-numeric or negative fatalities, wrong number of fields) becomes a
:class:`RowError` with its line number (CSV, header = line 1, multi-line quoted fields counted) or
feature number (GeoJSON) and the reason; good rows load. Nothing is silently dropped or altered:
every column not mapped onto :class:`~mapapp.model.Event` is kept in ``Event.extra`` and written
back on export, so import -> export -> import gives equal events.

Column mapping (ACLED export names): ``event_id_cnty`` -> id, ``event_date`` -> date (ISO
``2024-11-17`` or ACLED's ``17 November 2024``), ``event_type``, ``sub_event_type``, ``actor1`` /
``actor2`` -> actors, ``location`` + ``latitude``/``longitude`` -> one place (lon, lat),
``fatalities`` -> figure ``("fatalities", n)``, ``notes`` -> notes, ``source`` -> source. Columns
prefixed ``mapapp_`` carry what ACLED has no column for (date range, precision, status, planned,
confidence, outlets, figures, the source sentence) when extracted events are exported.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from mapapp.errors import InputError, MapAppError
from mapapp.model import DateValue, Event, Place, PlaceKind
from mapapp.outputs import write_text_atomic

__all__ = [
    "ACLED_COLUMNS",
    "MAPAPP_COLUMNS",
    "ImportResult",
    "RowError",
    "events_to_frame",
    "export_csv",
    "export_geojson",
    "import_csv",
    "import_file",
    "import_geojson",
    "to_csv_text",
    "to_geojson",
    "write_text_atomic",
]

ACLED_COLUMNS: tuple[str, ...] = (
    "event_id_cnty", "event_date", "year", "time_precision", "event_type", "sub_event_type",
    "actor1", "actor2", "country", "admin1", "location", "latitude", "longitude", "fatalities",
    "notes", "source",
)  # fmt: skip
MAPAPP_COLUMNS: tuple[str, ...] = (
    "mapapp_date_end", "mapapp_date_precision", "mapapp_date_status", "mapapp_date_text",
    "mapapp_date_note", "mapapp_planned", "mapapp_confidence", "mapapp_outlets", "mapapp_figures",
    "mapapp_sentence", "mapapp_places",
)  # fmt: skip
_MAPPED = frozenset({
    "event_id_cnty", "event_date", "event_type", "sub_event_type", "actor1", "actor2", "location",
    "latitude", "longitude", "fatalities", "notes", "source", *MAPAPP_COLUMNS,
})  # fmt: skip
_REQUIRED = ("event_date", "latitude", "longitude")
_PRECISION_CODE = {"day": "1", "range": "2", "month": "3", "year": "3"}
_PRECISIONS = ("day", "month", "year", "range")
_STATUSES = ("reported", "inferred", "uncertain")


@dataclass(frozen=True)
class RowError:
    """One rejected row: ``line`` is the CSV line number (header = 1) or the GeoJSON feature
    number (first = 1), per ``unit``."""

    line: int
    reason: str
    path: str = ""
    unit: str = "line"

    def __str__(self) -> str:
        where = f"{self.path}:" if self.path else ""
        return f"{where}{self.unit} {self.line}: {self.reason}"


@dataclass
class ImportResult:
    """Events that loaded, rows that did not, and the file's columns in their order."""

    events: list[Event]
    errors: list[RowError]
    columns: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------------------------
# Import


def _validate(df: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series, pd.Series]:
    """Vectorised checks. Returns (reasons, dates, lat, lon, fatalities) aligned with ``df``."""
    reasons = pd.Series([""] * len(df), index=df.index, dtype=object)

    def flag(mask: pd.Series, msg: pd.Series | str) -> None:
        nonlocal reasons
        add = msg if isinstance(msg, str) else msg[mask]
        reasons = reasons.where(~mask, reasons + "; " + add)

    raw_date = df["event_date"].str.strip()
    dates = pd.to_datetime(raw_date, format="%Y-%m-%d", errors="coerce")
    alt = pd.to_datetime(raw_date.where(dates.isna()), format="%d %B %Y", errors="coerce")
    dates = dates.fillna(alt)
    bad_date = dates.isna()
    flag(bad_date & (raw_date == ""), "missing event_date")
    flag(
        bad_date & (raw_date != ""),
        "event_date " + raw_date.map(repr) + " is not a date (expected YYYY-MM-DD or '17 November 2024')",
    )

    out: list[pd.Series] = []
    for col, lim in (("latitude", 90.0), ("longitude", 180.0)):
        raw = df[col].str.strip()
        # all-whole-number columns come back as int64: compare as float64 either way
        num = pd.to_numeric(raw, errors="coerce").astype(float)
        missing = raw == ""
        nonnum = num.isna() & ~missing
        finite = pd.Series(np.isfinite(num.to_numpy()), index=num.index)
        rng = ~missing & ~nonnum & (~finite | (num.abs() > lim))
        flag(missing, f"missing {col}")
        flag(nonnum, f"{col} " + raw.map(repr) + " is not a number")
        flag(rng, f"{col} " + raw.map(repr) + f" is outside -{lim:g}..{lim:g}")
        out.append(num)

    if "fatalities" in df.columns:
        raw_f = df["fatalities"].str.strip()
        fat = pd.to_numeric(raw_f, errors="coerce")
        bad_f = (raw_f != "") & (fat.isna() | (fat < 0) | (fat.fillna(0) % 1 != 0))
        flag(bad_f, "fatalities " + raw_f.map(repr) + " is not a whole number >= 0")
    else:
        fat = pd.Series([math.nan] * len(df), index=df.index)
    reasons = reasons.str.lstrip("; ")
    return reasons, dates, out[0], out[1], fat


def _frame_to_events(df: pd.DataFrame, lines: Sequence[int], path: str, unit: str) -> ImportResult:
    columns = list(df.columns)
    missing_cols = [c for c in _REQUIRED if c not in df.columns]
    if missing_cols:
        msg = (
            f"{path or 'input'}: required column(s) {missing_cols} missing; found {columns}. "
            f"An ACLED-style file needs {list(_REQUIRED)}."
        )
        raise InputError(msg)
    reasons, dates, lat, lon, fat = _validate(df)
    errors = [RowError(int(lines[i]), r, path, unit) for i, r in enumerate(reasons.tolist()) if r]
    ok = (reasons == "").to_numpy()
    extra_cols = [c for c in columns if c not in _MAPPED]
    stem = Path(path).stem if path else "row"
    recs: list[dict[str, str]] = [{str(k): str(v) for k, v in r.items()} for r in df.to_dict("records")]
    iso = dates.dt.strftime("%Y-%m-%d").tolist()
    lat_l, lon_l, fat_l = lat.tolist(), lon.tolist(), fat.tolist()
    events: list[Event] = []
    for i, rec in enumerate(recs):
        if not ok[i]:
            continue
        try:
            events.append(_row_event(rec, iso[i], lat_l[i], lon_l[i], fat_l[i], extra_cols, f"{stem}:{lines[i]}"))
        except ValueError as err:
            errors.append(RowError(int(lines[i]), str(err), path, unit))
        except (TypeError, KeyError, IndexError) as err:  # a malformed mapapp_* value
            msg = f"mapapp_* columns are malformed ({type(err).__name__}: {err}); fix or empty them"
            errors.append(RowError(int(lines[i]), msg, path, unit))
    errors.sort(key=lambda e: e.line)
    return ImportResult(events, errors, columns)


_PLACE_KINDS: tuple[str, ...] = ("country", "admin1", "admin2", "city", "landmark", "region", "continent")


def _coord(d: dict[str, object], key: str, lim: float) -> float:
    v = d.get(key)
    if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v) or abs(v) > lim:
        msg = f"mapapp_places: {key} {v!r} of place {d.get('name')!r} is not a number in -{lim:g}..{lim:g}"
        raise ValueError(msg)
    return float(v)


def _places_json(text: str) -> tuple[Place, ...]:
    """Places from the ``mapapp_places`` column (a JSON list of :meth:`Place.to_dict` objects)."""
    try:
        data = json.loads(text)
    except ValueError as err:
        msg = f"mapapp_places {text[:60]!r} is not JSON ({err}); expected a list of place objects"
        raise ValueError(msg) from err
    if not isinstance(data, list) or not all(isinstance(d, dict) for d in data):
        msg = f"mapapp_places {text[:60]!r} is not a list of place objects (id, name, kind, lon, lat)"
        raise ValueError(msg)
    out: list[Place] = []
    for d in data:
        missing = [k for k in ("id", "name", "kind", "lon", "lat") if k not in d]
        unknown = sorted(set(d) - set(Place.__dataclass_fields__))
        if missing or unknown:
            what = "; ".join(
                x
                for x in (f"lacks {missing}" if missing else "", f"has unknown keys {unknown}" if unknown else "")
                if x
            )
            msg = f"mapapp_places: place {d!r} {what}; expected the keys of mapapp.model.Place"
            raise ValueError(msg)
        if d["kind"] not in _PLACE_KINDS:
            msg = f"mapapp_places: kind {d['kind']!r} is not one of {_PLACE_KINDS}"
            raise ValueError(msg)
        kind: PlaceKind = d["kind"]
        gid = d.get("geonameid")
        out.append(
            Place(
                id=str(d["id"]),
                name=str(d["name"]),
                kind=kind,
                lon=_coord(d, "lon", 180.0),
                lat=_coord(d, "lat", 90.0),
                country_code=str(d.get("country_code") or ""),
                admin1_code=str(d.get("admin1_code") or ""),
                geonameid=None if gid is None else int(gid),
                population=int(d.get("population") or 0),
                feature_code=str(d.get("feature_code") or ""),
            )
        )
    return tuple(out)


def _figures_json(text: str) -> tuple[tuple[tuple[str, int], ...], tuple[str, ...]]:
    """(figures, qualifiers) from the ``mapapp_figures`` column: ``[[label, n, qualifier], ...]``."""
    try:
        data = json.loads(text)
    except ValueError as err:
        msg = f"mapapp_figures {text[:60]!r} is not JSON ({err}); expected [[label, number, qualifier], ...]"
        raise ValueError(msg) from err
    ok = isinstance(data, list) and all(
        isinstance(f, list)
        and len(f) in (2, 3)
        and isinstance(f[0], str)
        and isinstance(f[1], int)
        and not isinstance(f[1], bool)
        for f in data
    )
    if not ok:
        msg = f"mapapp_figures {text[:60]!r} is not a list of [label, whole number, qualifier]"
        raise ValueError(msg)
    return (tuple((f[0], f[1]) for f in data), tuple(str(f[2]) if len(f) > 2 else "" for f in data))


def _row_event(
    rec: dict[str, str], iso: str, lat: float, lon: float, fat: float, extra_cols: list[str], default_id: str
) -> Event:
    g = rec.get
    end = g("mapapp_date_end") or iso
    precision = g("mapapp_date_precision") or "day"
    status = g("mapapp_date_status") or "reported"
    if precision not in _PRECISIONS or status not in _STATUSES or end < iso:
        msg = (
            f"mapapp_date_* columns ({end!r}, {precision!r}, {status!r}) are inconsistent; expected "
            f"an end date >= event_date, precision in {_PRECISIONS}, status in {_STATUSES}"
        )
        raise ValueError(msg)
    date = DateValue(
        iso,
        end,
        precision,  # type: ignore[arg-type]
        status,  # type: ignore[arg-type]
        g("mapapp_date_text") or "",
        g("mapapp_date_note") or "",
    )
    places: tuple[Place, ...]
    if g("mapapp_places"):
        places = _places_json(rec["mapapp_places"])
    else:
        name = g("location") or ""
        places = (Place(id=f"pt:{lon!r},{lat!r}", name=name, kind="city", lon=lon, lat=lat),)
    a1, a2 = (g("actor1") or "").strip(), (g("actor2") or "").strip()
    actors = (a1, a2) if a2 else ((a1,) if a1 else ())
    figures: tuple[tuple[str, int], ...] = ()
    quals: tuple[str, ...] = ()
    if g("mapapp_figures"):
        figures, quals = _figures_json(rec["mapapp_figures"])
    elif not math.isnan(fat):
        figures, quals = (("fatalities", int(fat)),), ("",)
    source = g("source") or ""
    return Event(
        id=g("event_id_cnty") or default_id,
        event_type=g("event_type") or "",
        sub_event_type=g("sub_event_type") or "",
        date=date,
        places=places,
        actors=actors,
        sentence=g("mapapp_sentence") or "",
        sentence_start=0,
        sentence_end=len(g("mapapp_sentence") or ""),
        source=source,
        outlets=tuple(o for o in (g("mapapp_outlets") or "").split("; ") if o),
        figures=figures,
        figure_qualifiers=quals,
        planned=(g("mapapp_planned") or "").lower() == "true",
        confidence=float(g("mapapp_confidence") or 1.0),
        notes=g("notes") or "",
        extra={c: rec[c] for c in extra_cols},
        sources=(source,) if source else (),
    )


def import_csv(path: str | Path | io.StringIO, *, name: str = "") -> ImportResult:
    """Read an ACLED-style CSV (UTF-8, header row). See the module docstring for the mapping.

    Raises
    ------
    InputError
        If the file cannot be read, is empty, or lacks a required column.
    """
    label = name or (str(path) if not isinstance(path, io.StringIO) else "")
    try:
        text = path.getvalue() if isinstance(path, io.StringIO) else Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        msg = f"Event file {label!r} cannot be read as UTF-8 text ({err})."
        raise InputError(msg) from err
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        msg = f"Event file {label!r} is empty; expected a header row with {list(_REQUIRED)}."
        raise InputError(msg) from None
    except csv.Error as err:
        msg = f"Event file {label!r} is not valid CSV ({err})."
        raise InputError(msg) from err
    dups = sorted({h for h in header if header.count(h) > 1})
    if dups:
        msg = (
            f"Event file {label!r} has duplicate column name(s) {dups} in its header; "
            "rename or remove the repeated columns so each name appears once."
        )
        raise InputError(msg)
    rows: list[list[str]] = []
    lines: list[int] = []
    bad: list[RowError] = []
    prev = reader.line_num
    n = len(header)
    try:
        for row in reader:
            start = prev + 1
            prev = reader.line_num
            if not row or all(not c.strip() for c in row):
                continue
            if len(row) != n:
                bad.append(RowError(start, f"{len(row)} fields, expected {n} (as in the header)", label))
                continue
            rows.append(row)
            lines.append(start)
    except csv.Error as err:
        bad.append(RowError(prev + 1, f"unreadable CSV ({err}); the rest of the file was not read", label))
    df = pd.DataFrame(rows, columns=header, dtype=object) if rows else pd.DataFrame(columns=header, dtype=object)
    df = df.astype(str) if rows else df
    result = _frame_to_events(df, lines, label, "line")
    result.errors = sorted([*result.errors, *bad], key=lambda e: e.line)
    return result


def import_geojson(path: str | Path, *, name: str = "") -> ImportResult:
    """Read a GeoJSON FeatureCollection of Point features whose properties use the CSV columns.

    Coordinates come from the geometry ([lon, lat], RFC 7946). A feature without a Point geometry
    is a :class:`RowError` (``unit="feature"``, numbered from 1).
    """
    label = name or str(path)
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        msg = f"GeoJSON file {label!r} cannot be read ({err}); expected a FeatureCollection."
        raise InputError(msg) from err
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        msg = f"GeoJSON file {label!r} is not a FeatureCollection; expected {{'type': 'FeatureCollection'}}."
        raise InputError(msg)
    feats = data.get("features") or []
    recs: list[dict[str, str]] = []
    nums: list[int] = []
    bad: list[RowError] = []
    columns: list[str] = []
    for i, f in enumerate(feats, start=1):
        geom = f.get("geometry") if isinstance(f, dict) else None
        props = (f.get("properties") or {}) if isinstance(f, dict) else {}
        if not isinstance(geom, dict) or geom.get("type") != "Point":
            bad.append(RowError(i, "geometry is not a Point", label, "feature"))
            continue
        coords = geom.get("coordinates") or []
        if not isinstance(coords, list) or len(coords) < 2:
            bad.append(RowError(i, f"Point coordinates {coords!r} are not [lon, lat]", label, "feature"))
            continue
        rec = {
            k: ""
            if v is None
            else (v if isinstance(v, str) else json.dumps(v) if isinstance(v, list | dict) else str(v))
            for k, v in props.items()
        }
        rec["longitude"], rec["latitude"] = repr(coords[0]), repr(coords[1])
        for k in rec:
            if k not in columns:
                columns.append(k)
        recs.append(rec)
        nums.append(i)
    df = pd.DataFrame([{c: r.get(c, "") for c in columns} for r in recs], columns=columns, dtype=object)
    for c in _REQUIRED:
        if c not in df.columns:
            df[c] = pd.Series([""] * len(df), dtype=object)
    result = _frame_to_events(df.astype(str), nums, label, "feature")
    result.errors = sorted([*result.errors, *bad], key=lambda e: e.line)
    result.columns = [c for c in columns if c not in ("latitude", "longitude")]
    return result


def import_file(path: str | Path) -> ImportResult:
    """:func:`import_csv` or :func:`import_geojson` by suffix (``.csv``, ``.geojson``/``.json``)."""
    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        return import_csv(path)
    if suffix in (".geojson", ".json"):
        return import_geojson(path)
    msg = f"{str(path)!r} is not an event file; expected .csv or .geojson."
    raise InputError(msg)


# --------------------------------------------------------------------------------------------
# Export


def _country_name(p: Place | None) -> str:
    """The country of a resolved place, by name (ACLED's ``country`` column)."""
    if p is None or not p.country_code:
        return ""
    if p.kind == "country":
        return p.name
    from mapapp.data.gazetteer import get_gazetteer

    try:
        return get_gazetteer().country(p.country_code).name
    except MapAppError:
        return p.country_code


def _admin1_name(p: Place | None) -> str:
    """The admin-1 region of a resolved place, by name (ACLED's ``admin1`` column)."""
    if p is None or p.kind in ("country", "continent", "region") or not p.admin1_code:
        return ""
    if p.kind == "admin1":
        return p.name
    from mapapp.data.gazetteer import get_gazetteer

    try:
        region = get_gazetteer().admin1_of(p)
    except MapAppError:
        return ""
    return region.name if region is not None else ""


def _event_row(e: Event, columns: Sequence[str]) -> dict[str, str]:
    p = e.places[0] if e.places else None
    d = e.date
    fat = next((v for lbl, v in e.figures if lbl in ("fatalities", "killed")), None)
    imported = not e.extra.get("trigger")  # extracted events always record their trigger
    row: dict[str, str] = {
        "event_id_cnty": e.id,
        "event_date": d.start if d else "",
        "year": d.start[:4] if d else "",
        "time_precision": _PRECISION_CODE[d.precision] if d else "",
        "event_type": e.event_type,
        "sub_event_type": e.sub_event_type,
        "actor1": e.actors[0] if e.actors else "",
        "actor2": e.actors[1] if len(e.actors) > 1 else "",
        "country": _country_name(p),
        "admin1": _admin1_name(p),
        "location": p.name if p is not None else "",
        "latitude": repr(p.lat) if p is not None else "",
        "longitude": repr(p.lon) if p is not None else "",
        "fatalities": "" if fat is None else str(fat),
        "notes": e.notes if imported else e.sentence,
        "source": e.source
        if imported
        else "; ".join(dict.fromkeys(x for x in (*e.outlets, *(e.sources or (e.source,))) if x)),
        "mapapp_date_end": d.end if d else "",
        "mapapp_date_precision": d.precision if d else "",
        "mapapp_date_status": d.status if d else "",
        "mapapp_date_text": d.text if d else "",
        "mapapp_date_note": d.note if d else "",
        "mapapp_planned": str(e.planned).lower(),
        "mapapp_confidence": repr(e.confidence),
        "mapapp_outlets": "; ".join(e.outlets),
        "mapapp_figures": json.dumps(
            [
                [f[0], f[1], e.figure_qualifiers[i] if i < len(e.figure_qualifiers) else ""]
                for i, f in enumerate(e.figures)
            ]
        ),
        "mapapp_sentence": e.sentence,
        "mapapp_places": json.dumps([p.to_dict() for p in e.places]) if not imported else "",
    }
    if imported:
        row.update({k: v for k, v in e.extra.items() if k not in _MAPPED})
    return {c: row.get(c, "") for c in columns}


def _default_columns(events: Sequence[Event]) -> list[str]:
    cols = list(ACLED_COLUMNS)
    if any(e.extra.get("trigger") for e in events):
        cols += list(MAPAPP_COLUMNS)
    for e in events:
        if e.extra.get("trigger"):
            continue
        for k in e.extra:
            if k not in cols:
                cols.append(k)
    return cols


def events_to_frame(events: Sequence[Event], columns: Sequence[str] | None = None) -> pd.DataFrame:
    """One row per event, all strings, in ``columns`` order (default: ACLED + mapapp + extra)."""
    cols = list(columns) if columns else _default_columns(events)
    return pd.DataFrame([_event_row(e, cols) for e in events], columns=cols, dtype=object)


def to_csv_text(events: Sequence[Event], columns: Sequence[str] | None = None) -> str:
    """CSV text (header + one row per event)."""
    buf = io.StringIO()
    events_to_frame(events, columns).to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue()


def to_geojson(events: Sequence[Event], columns: Sequence[str] | None = None) -> dict[str, object]:
    """RFC 7946 FeatureCollection: one Point per event place ([lon, lat]); properties are the CSV
    columns without latitude/longitude. Events without a place are left out of the geometry list
    only if they have no place at all (they cannot be drawn); their count is in ``skipped_no_place``.
    """
    cols = [c for c in (list(columns) if columns else _default_columns(events)) if c not in ("latitude", "longitude")]
    features: list[dict[str, object]] = []
    skipped = 0
    for e in events:
        if not e.places:
            skipped += 1
            continue
        props = _event_row(e, cols)
        p = e.places[0]
        features.append(
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [p.lon, p.lat]}, "properties": props}
        )
    fc: dict[str, object] = {"type": "FeatureCollection", "features": features}
    if skipped:
        fc["skipped_no_place"] = skipped
    return fc


def export_csv(events: Iterable[Event], path: str | Path, columns: Sequence[str] | None = None) -> None:
    """Write events as ACLED-style CSV (see :func:`to_csv_text`)."""
    write_text_atomic(path, to_csv_text(list(events), columns))


def export_geojson(events: Iterable[Event], path: str | Path, columns: Sequence[str] | None = None) -> None:
    """Write events as a GeoJSON FeatureCollection (see :func:`to_geojson`)."""
    write_text_atomic(path, json.dumps(to_geojson(list(events), columns), ensure_ascii=False))

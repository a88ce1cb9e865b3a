"""Event files: ACLED-style CSV and GeoJSON point files, in and out.

Import validates every row at once with pandas (vectorised): a bad row (missing or out-of-range
coordinate, a date that is not a calendar date with a year 1000-2999, fatalities that are not a
whole number 0..10,000,000 written in digits, wrong number of fields, a quote left open that runs
into the following rows) becomes a :class:`RowError` with its line number (CSV, header = line 1,
multi-line quoted fields counted) or feature number (GeoJSON) and the reason; good rows load.
Nothing is silently dropped or altered: every column not mapped onto
:class:`~mapapp.model.Event` is kept in ``Event.extra`` and written back on export, so import ->
export -> import gives equal events. The mapping of a record to an Event is
:mod:`mapapp.corpus.schema`'s (which also makes exported cells spreadsheet-safe).

Column mapping (ACLED export names): ``event_id_cnty`` -> id, ``event_date`` -> date (ISO
``2024-11-17`` or ACLED's ``17 November 2024``), ``event_type``, ``sub_event_type``, ``actor1`` /
``actor2`` -> actors, ``location`` + ``latitude``/``longitude`` -> one place (lon, lat),
``geo_precision`` (1/2/3), ``fatalities`` -> figure ``("fatalities", n)``, ``notes`` -> notes,
``source`` -> source. Columns prefixed ``mapapp_`` carry what ACLED has no column for (date range,
precision, status, planned, confidence, outlets, figures, weapons, the sentences) when extracted
events are exported.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from mapapp import jsonfiles
from mapapp.corpus.schema import (
    ACLED_COLUMNS,
    MAPAPP_COLUMNS,
    MAPPED_COLUMNS,
    csv_record,
    geojson_feature,
    record_event,
)
from mapapp.errors import InputError
from mapapp.model import Event
from mapapp.outputs import write_text_atomic
from mapapp.text.dates import coerce_date

__all__ = [
    "ACLED_COLUMNS",
    "MAPAPP_COLUMNS",
    "MAX_FATALITIES",
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

_REQUIRED = ("event_date", "latitude", "longitude")
#: The largest fatality count accepted (larger is a data error, not a toll).
MAX_FATALITIES = 10_000_000
_WHOLE_RE = r"^\s*\d{1,8}\s*$"


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


def _day_or_none(value: str) -> str | None:
    try:
        d = coerce_date(value, "event_date")
    except InputError:
        return None
    return d.isoformat() if d else None


def _validate(df: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series, pd.Series]:
    """Vectorised checks. Returns (reasons, dates, lat, lon, fatalities) aligned with ``df``."""
    reasons = pd.Series([""] * len(df), index=df.index, dtype=object)

    def flag(mask: pd.Series, msg: pd.Series | str) -> None:
        nonlocal reasons
        add = msg if isinstance(msg, str) else msg[mask]
        reasons = reasons.where(~mask, reasons + "; " + add)

    raw_date = df["event_date"].str.strip()
    dates = raw_date.map(_day_or_none)
    bad_date = dates.isna()
    flag(bad_date & (raw_date == ""), "missing event_date")
    flag(
        bad_date & (raw_date != ""),
        "event_date "
        + raw_date.map(repr)
        + " is not a date (expected YYYY-MM-DD or '17 November 2024', years 1000-2999)",
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
        whole = raw_f.str.match(_WHOLE_RE)
        fat = pd.to_numeric(raw_f.where(whole), errors="coerce")
        bad_f = (raw_f != "") & (~whole | (fat > MAX_FATALITIES))
        flag(
            bad_f, "fatalities " + raw_f.map(repr) + f" is not a whole number 0..{MAX_FATALITIES:,} (written in digits)"
        )
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
    extra_cols = [c for c in columns if c not in MAPPED_COLUMNS]
    stem = Path(path).stem if path else "row"
    recs: list[dict[str, str]] = [{str(k): str(v) for k, v in r.items()} for r in df.to_dict("records")]
    iso = dates.tolist()
    lat_l, lon_l, fat_l = lat.tolist(), lon.tolist(), fat.tolist()
    events: list[Event] = []
    for i, rec in enumerate(recs):
        if not ok[i]:
            continue
        try:
            fat_i = None if math.isnan(fat_l[i]) else int(fat_l[i])
            events.append(record_event(rec, iso[i], lat_l[i], lon_l[i], fat_i, extra_cols, f"{stem}:{lines[i]}"))
        except ValueError as err:
            errors.append(RowError(int(lines[i]), str(err), path, unit))
        except (TypeError, KeyError, IndexError) as err:  # a malformed mapapp_* value
            msg = f"mapapp_* columns are malformed ({type(err).__name__}: {err}); fix or empty them"
            errors.append(RowError(int(lines[i]), msg, path, unit))
    errors.sort(key=lambda e: e.line)
    return ImportResult(events, errors, columns)


def _swallowed(row: list[str], n_columns: int) -> bool:
    """Does a multi-line field hold a line with a full row's worth of commas (an unclosed quote
    that ran into the next rows)?"""
    need = max(2, n_columns - 2)
    return any(line.count(",") >= need for cell in row if "\n" in cell for line in cell.split("\n")[1:])


_LINE_RE = re.compile(r"[^\n]*\n|[^\n]+$")
#: After this many unclosed quotes the rest of a file is reported, not re-read (bounded work).
_MAX_RECOVERIES = 100


def _read_rows(text: str, header_lines: int, n: int, label: str) -> tuple[list[list[str]], list[int], list[RowError]]:
    """The data rows after the header (``header_lines`` physical lines), with their first line
    numbers and the rows rejected. A quote left open that swallows following rows is reported on
    its line, and the swallowed lines are read again as rows of their own."""
    all_lines = _LINE_RE.findall(text)  # physical lines as csv counts them (a "\n" ends one)
    rows: list[list[str]] = []
    lines: list[int] = []
    bad: list[RowError] = []
    offset = header_lines  # physical lines already consumed
    recoveries = 0
    while offset < len(all_lines):
        reader = csv.reader(io.StringIO("".join(all_lines[offset:]), newline=""))
        prev = 0
        restart = None
        try:
            for row in reader:
                start = offset + prev + 1
                prev = reader.line_num
                if not row or all(not c.strip() for c in row):
                    continue
                if offset + prev > start and _swallowed(row, n) and recoveries < _MAX_RECOVERIES:
                    msg = (
                        f"a quoted field opened on line {start} is not closed before line {start + 1}, which "
                        "looks like a row of its own; close the quote (the lines after it were read as rows)"
                    )
                    bad.append(RowError(start, msg, label))
                    restart = start  # re-read from the line after the unclosed quote
                    recoveries += 1
                    break
                if len(row) != n:
                    bad.append(RowError(start, f"{len(row)} fields, expected {n} (as in the header)", label))
                    continue
                rows.append(row)
                lines.append(start)
        except csv.Error as err:
            where = offset + prev + 1
            bad.append(RowError(where, f"unreadable CSV ({err}); the rest of the file was not read", label))
            break
        if restart is None:
            break
        offset = restart
    return rows, lines, bad


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
    rows, lines, bad = _read_rows(text, reader.line_num, len(header), label)
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
    data = jsonfiles.read_json(path, "GeoJSON file")  # strict JSON, one clear error for any breakage
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        msg = f"GeoJSON file {label!r} is not a FeatureCollection; expected {{'type': 'FeatureCollection'}}."
        raise InputError(msg)
    feats = data.get("features") or []
    if not isinstance(feats, list):
        msg = f"GeoJSON file {label!r}: 'features' is {type(feats).__name__}; expected a list of Feature objects."
        raise InputError(msg)
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
    return pd.DataFrame([csv_record(e, cols) for e in events], columns=cols, dtype=object)


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
    cols = list(columns) if columns else _default_columns(events)
    features: list[dict[str, object]] = []
    skipped = 0
    for e in events:
        feat = geojson_feature(e, cols)
        if feat is None:
            skipped += 1
        else:
            features.append(feat)
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

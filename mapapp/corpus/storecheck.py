"""Checks of an event store's files: the manifest, each part's structure and its values.

A store on disk can be damaged (a copy cut short, a disk error, a file from another tool or
another store dropped in, a hand-edited manifest). Every check here raises
:class:`StoreCorrupt`, a one-line :class:`~mapapp.errors.InputError` that names the file, what is
wrong and what to do (``mapapp store check --repair STORE``), so the CLI and the app report it the
same way and never show a pyarrow/GEOS traceback or load wrong rows silently.

* :func:`manifest_entries` - the manifest's batches (format, ids, counts), or StoreCorrupt.
* :func:`check_structure` - a part file is a readable Parquet file with the dataset's exact schema
  and the row count the manifest recorded (footer only; cached per file size and mtime).
* :func:`check_values` - coordinates in range (null or finite, lon/lat together), geometry a valid
  WKB point equal to (lon, lat), scores in [0, 1], dates within years 1..9999.
* :func:`read_part` - one part, structure-checked, read and value-checked.

Coordinates: (lon, lat) degrees.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from mapapp.errors import InputError

__all__ = [
    "StoreCorrupt",
    "StoreTooNew",
    "check_structure",
    "check_values",
    "manifest_entries",
    "read_part",
    "repair_hint",
    "upgrade",
    "value_columns",
]

#: Batch ids name files (``part-<id>.parquet``): letters, digits, ``_`` and ``-`` only.
BATCH_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
#: Days since 1970-01-01 of 0001-01-01 and 9999-12-31 (what Python's datetime.date can hold).
_DAY_MIN, _DAY_MAX = -719_162, 2_932_896
#: Scores and confidences may exceed 1 by rounding (sums of probabilities) but not more.
_SCORE_SLACK = 1e-9
_VALUE_NAMES = ("lon", "lat", "geometry", "score", "confidence")


class StoreCorrupt(InputError):
    """A store file is damaged or not what the manifest says; the message names it and the fix."""


class StoreTooNew(InputError):
    """The store was written by a newer mapapp (a higher manifest format)."""


def repair_hint(root: Path) -> str:
    """What to tell the user to run for a damaged store at ``root``."""
    return (
        f"run `mapapp store check --repair {root}` to move the damaged batch aside "
        "(its articles are ingested again on the next run)"
    )


def _show(value: object, limit: int = 60) -> str:
    r = repr(value)
    return r if len(r) <= limit else r[: limit - 3] + "..."


def _count(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


def manifest_entries(data: object, path: Path, root: Path, version: int) -> list[dict[str, object]]:
    """The batch entries of a parsed manifest, validated.

    Raises
    ------
    StoreTooNew
        ``format`` is above ``version``.
    StoreCorrupt
        Anything else is off: not an object, no/unknown format, a batch entry that is not an object
        with a safe ``id`` and non-negative ``articles``/``events``/``mentions`` counts, repeated ids.
    """
    where = f"Store manifest {str(path)!r}"
    fix = f"run `mapapp store check --repair {root}` to rebuild it from the part files"
    if not isinstance(data, dict) or not isinstance(data.get("batches"), list):
        msg = f"{where} has no 'batches' list (is this a mapapp store?); {fix}."
        raise StoreCorrupt(msg)
    fmt = data.get("format")
    if not isinstance(fmt, int) or isinstance(fmt, bool) or fmt < 1:
        msg = f"{where} has format {_show(fmt)}, expected {version}; {fix}."
        raise StoreCorrupt(msg)
    if fmt > version:
        msg = (
            f"{where} has format {fmt}: the store was written by a newer mapapp (this one reads format "
            f"{version}); upgrade mapapp to read it."
        )
        raise StoreTooNew(msg)
    seen: set[str] = set()
    out: list[dict[str, object]] = []
    for i, b in enumerate(data["batches"], start=1):
        if not isinstance(b, dict):
            msg = f"{where}: batch entry {i} is not an object ({_show(b)}); {fix}."
            raise StoreCorrupt(msg)
        bid = b.get("id")
        if not isinstance(bid, str) or not BATCH_ID_RE.match(bid):
            msg = f"{where}: batch entry {i} has id {_show(bid)}, not a batch id; {fix}."
            raise StoreCorrupt(msg)
        if bid in seen:
            msg = f"{where}: batch {bid!r} is listed twice; {fix}."
            raise StoreCorrupt(msg)
        seen.add(bid)
        for key in ("articles", "events", "mentions"):
            if not _count(b.get(key)):
                msg = f"{where}: batch {bid!r} has {key}={_show(b.get(key))}, not a row count; {fix}."
                raise StoreCorrupt(msg)
        out.append(b)
    return out


_STRUCTURE_OK: dict[tuple[str, int, int, int], bool] = {}


def _older_layout(got: pa.Schema, schema: pa.Schema, added: frozenset[str]) -> bool:
    """Is ``got`` ``schema`` as an earlier format wrote it: the same columns and types in the same
    order, less some of the columns added since (``added``)?"""
    keep = [f for f in schema if f.name in got.names or f.name not in added]
    return bool(added) and len(keep) < len(schema) and pa.schema(keep).equals(got)


def upgrade(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """``table`` (an earlier format's part) with ``schema``'s missing columns added as nulls, in
    ``schema``'s order (readers give null fields their defaults)."""
    cols = [table.column(f.name) if f.name in table.column_names else pa.nulls(len(table), type=f.type) for f in schema]
    return pa.table(cols, schema=pa.schema(list(schema)))


def check_structure(path: Path, schema: pa.Schema, rows: int, root: Path, added: frozenset[str] = frozenset()) -> bool:
    """``path`` exists, is Parquet, has ``schema`` (names and types) and ``rows`` rows. Returns
    True when the part has an earlier format's layout of ``schema`` (the columns ``added`` since
    then missing; read it with :func:`read_part`, which adds them), False when it is current.

    Only the footer is read; a file that passed is not read again until its size or mtime changes.

    Raises
    ------
    StoreCorrupt
        Naming the file and what is wrong.
    """
    try:
        st = path.stat()
    except FileNotFoundError:
        msg = f"Store part {str(path)!r} is missing (the manifest lists it); {repair_hint(root)}."
        raise StoreCorrupt(msg) from None
    except OSError as err:
        msg = f"Store part {str(path)!r} cannot be read ({err.strerror or err}); check its permissions."
        raise StoreCorrupt(msg) from None
    key = (str(path), st.st_size, st.st_mtime_ns, rows)
    if key in _STRUCTURE_OK:
        return _STRUCTURE_OK[key]
    if st.st_size == 0:
        msg = f"Store part {str(path)!r} is empty (0 bytes); {repair_hint(root)}."
        raise StoreCorrupt(msg)
    try:
        meta = pq.read_metadata(path)
        got = meta.schema.to_arrow_schema()
    except (pa.ArrowException, OSError) as err:
        why = f"cut short or damaged: {err}"
        msg = f"Store part {str(path)!r} is not a readable Parquet file ({why}); {repair_hint(root)}."
        raise StoreCorrupt(msg.replace("\n", " ")) from None
    older = _older_layout(got.remove_metadata(), schema.remove_metadata(), added)
    if not older and not got.remove_metadata().equals(schema.remove_metadata()):
        want = {f.name: str(f.type) for f in schema}
        have = {f.name: str(f.type) for f in got}
        missing = [n for n in want if n not in have]
        extra = [n for n in have if n not in want]
        wrong = [f"{n} is {have[n]}, expected {want[n]}" for n in want if n in have and have[n] != want[n]]
        detail = "; ".join(
            x
            for x in (
                f"missing columns {', '.join(missing[:5])}" if missing else "",
                f"unexpected columns {', '.join(extra[:5])}" if extra else "",
                ", ".join(wrong[:3]),
            )
            if x
        )
        detail = detail or "column order differs"
        msg = f"Store part {str(path)!r} has a foreign schema ({detail}); {repair_hint(root)}."
        raise StoreCorrupt(msg)
    if meta.num_rows != rows:
        msg = (
            f"Store part {str(path)!r} holds {meta.num_rows:,} rows but the manifest records {rows:,} "
            f"(a file of another batch?); {repair_hint(root)}."
        )
        raise StoreCorrupt(msg)
    _STRUCTURE_OK[key] = older
    return older


def _float_column(table: pa.Table, name: str) -> np.ndarray | None:
    if name not in table.column_names:
        return None
    return np.asarray(table.column(name).to_numpy(zero_copy_only=False), dtype=np.float64)


def _bad_row(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0]) + 1


def check_values(table: pa.Table, path: Path, root: Path) -> None:
    """The values of rows read from ``path``: coordinates, geometry, scores and dates.

    Raises
    ------
    StoreCorrupt
        Naming the file, the first bad row (1-based, among the rows read) and the value.
    """

    def fail(what: str) -> NoReturn:
        msg = f"Store part {str(path)!r}: {what}; {repair_hint(root)}."
        raise StoreCorrupt(msg)

    lon, lat = _float_column(table, "lon"), _float_column(table, "lat")
    for arr, name, limit in ((lon, "lon", 180.0), (lat, "lat", 90.0)):
        if arr is None:
            continue
        col = table.column(name)
        nan = np.isnan(arr) & ~np.asarray(col.is_null().to_numpy(zero_copy_only=False), dtype=bool)
        if nan.any():
            fail(f"row {_bad_row(nan)} has {name} NaN (a missing place is null, not NaN)")
        bad = np.isfinite(arr) & (np.abs(arr) > limit) | np.isinf(arr)
        if bad.any():
            fail(f"row {_bad_row(bad)} has {name} {float(arr[bad][0])!r}, outside -{limit:g}..{limit:g}")
    if lon is not None and lat is not None:
        half = np.isnan(lon) != np.isnan(lat)
        if half.any():
            fail(f"row {_bad_row(half)} has only one of lon/lat")
    if "geometry" in table.column_names:
        _check_geometry(table, lon, lat, fail)
    for name in ("score", "confidence"):
        v = _float_column(table, name)
        if v is not None:
            bad = ~np.isnan(v) & ((v < 0) | (v > 1 + _SCORE_SLACK)) | np.isinf(v)
            if bad.any():
                fail(f"row {_bad_row(bad)} has {name} {float(v[bad][0])!r}, outside 0..1")
    for field in table.schema:
        if pa.types.is_date32(field.type):
            days = pc.cast(table.column(field.name), pa.int32())
            lo, hi = pc.min(days).as_py(), pc.max(days).as_py()
            if lo is not None and (lo < _DAY_MIN or hi > _DAY_MAX):
                fail(f"column {field.name} holds a date outside years 1..9999")


def _check_geometry(
    table: pa.Table, lon: np.ndarray | None, lat: np.ndarray | None, fail: Callable[[str], NoReturn]
) -> None:
    import shapely

    wkb = table.column("geometry").to_numpy(zero_copy_only=False)
    try:
        geom = shapely.from_wkb(wkb, on_invalid="raise")
    except (shapely.errors.ShapelyError, TypeError, ValueError) as err:
        fail(f"the geometry column holds a value that is not WKB ({str(err).splitlines()[0][:80]})")
    present = ~shapely.is_missing(geom)
    kinds = shapely.get_type_id(geom)
    not_point = present & (kinds != 0)
    if not_point.any():
        fail(f"row {_bad_row(not_point)} has a {geom[not_point][0].geom_type} geometry, not a point")
    x = np.full(len(geom), np.nan)
    y = np.full(len(geom), np.nan)
    if present.any():
        x[present] = shapely.get_x(geom[present])
        y[present] = shapely.get_y(geom[present])
    out = present & ~((np.abs(x) <= 180) & (np.abs(y) <= 90))
    if out.any():
        fail(f"row {_bad_row(out)} has a point geometry outside -180..180, -90..90")
    if lon is not None and lat is not None:
        same = np.where(present, (x == lon) & (y == lat), np.isnan(lon))
        if not same.all():
            fail(f"row {_bad_row(~same)} has a geometry that is not its (lon, lat)")


def value_columns(schema: pa.Schema) -> list[str]:
    """The columns :func:`check_values` looks at (read these for a cheaper check than the whole part)."""
    return [f.name for f in schema if f.name in _VALUE_NAMES or pa.types.is_date32(f.type)]


def read_part(
    path: Path,
    schema: pa.Schema,
    rows: int,
    root: Path,
    *,
    filters: list[tuple[str, str, object]] | None = None,
    columns: Sequence[str] | None = None,
    added: frozenset[str] = frozenset(),
) -> pa.Table:
    """One part file, checked (:func:`check_structure`, then :func:`check_values` on what was read);
    an earlier format's part comes with the columns ``added`` since as nulls."""
    older = check_structure(path, schema, rows, root, added)
    want = list(columns) if columns else None
    if older and want:
        have = set(pq.read_schema(path).names)
        want = [c for c in want if c in have]
    try:
        t = pq.read_table(path, filters=filters or None, columns=want)
    except (pa.ArrowException, OSError) as err:
        msg = f"Store part {str(path)!r} cannot be read (damaged data pages: {err}); {repair_hint(root)}."
        raise StoreCorrupt(msg.replace("\n", " ")) from None
    check_values(t, path, root)
    if older:
        target = pa.schema([schema.field(c) for c in columns]) if columns else schema
        t = upgrade(t, target)
    return t

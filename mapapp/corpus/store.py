"""The event store: what a corpus ingest produced, as partitioned GeoParquet.

Layout of a store directory::

    STORE/
      manifest.json            the commit log: every published batch and its part files
      articles/part-<batch>.parquet
      events/part-<batch>.parquet
      mentions/part-<batch>.parquet
      .tmp/                    batches being written (never read)

Each dataset directory is a GeoParquet 1.0 dataset (one WKB ``geometry`` column, lon/lat,
OGC:CRS84), readable by ``geopandas.read_parquet("STORE/events")``, DuckDB
(``read_parquet('STORE/events/*.parquet')``) and other GeoParquet tools. All parts of a dataset
share one explicit schema, so a union of the files is always valid.

One writer at a time: a writer holds an OS lock (``flock``) on ``STORE/.lock`` for its whole run
(:meth:`EventStore.writing`); a second writer fails at once with :class:`StoreLocked`. The kernel
drops the lock when the holder exits, however it exits, so there is no stale lock to clean up.

Appends are atomic: a batch is written into ``.tmp/<batch>/``, its part files are moved into
place with :func:`os.replace`, and only then is ``manifest.json`` rewritten (temporary file +
``os.replace``). The manifest is the commit point: a writer that dies before it leaves part files
the manifest does not list; the next writer removes them (:meth:`EventStore.recover`), so the store
reads as it was before that batch. Readers of this module only read listed files.

Damage is reported, never loaded silently: the manifest is validated when the store is opened,
each part's footer, schema and row count and the values read (coordinates, geometry, scores,
dates) when it is read (:mod:`mapapp.corpus.storecheck`), each as a one-line
:class:`~mapapp.corpus.storecheck.StoreCorrupt`. :meth:`EventStore.repair` (``mapapp store check
--repair``) moves damaged batches into ``STORE/quarantine/<UTC time>/`` (nothing is deleted) and
rewrites the manifest; the next ingest processes their articles again.

Articles are identified by ``article_id`` = sha256 of the normalised text (NFC, whitespace
collapsed); an article already in the store is skipped on the next ingest.

Coordinates: (lon, lat) degrees everywhere.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import math
import os
import re
import shutil
import time
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from mapapp import jsonfiles, settings
from mapapp.corpus import schema
from mapapp.corpus.storecheck import (
    BATCH_ID_RE,
    StoreCorrupt,
    StoreTooNew,
    check_structure,
    check_values,
    manifest_entries,
    read_part,
    repair_hint,
    value_columns,
)
from mapapp.errors import GeometryError, InputError, MapAppError, OutputError

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "ADDED_COLUMNS",
    "DATASETS",
    "EventStore",
    "StoreCorrupt",
    "StoreLocked",
    "StoreTooNew",
    "content_hash",
    "date_overlap",
    "event_days",
    "open_store",
]

MANIFEST = "manifest.json"
#: 2 (2026-11-29): events gained date_note, geo_precision, status, weapons and sentences. Format-1
#: parts are read with those columns null (each field's default); see :data:`ADDED_COLUMNS`.
FORMAT_VERSION = 2
DATASETS = ("articles", "events", "mentions")
TMP_DIR = ".tmp"
LOCK_FILE = ".lock"
#: Where ``mapapp store check --repair`` moves damaged files (``quarantine/<UTC time>/...``).
QUARANTINE_DIR = "quarantine"
#: Testing hook: after this many batches published in this process, the next publish dies
#: between moving its part files and writing the manifest (simulates a kill at the worst moment).
CRASH_ENV = "MAPAPP_STORE_CRASH_AFTER"

_GEO = pa.binary()

SCHEMAS: dict[str, pa.Schema] = {
    "articles": pa.schema(
        [
            ("article_id", pa.string()),
            ("source_id", pa.string()),
            ("path", pa.string()),
            ("source", pa.string()),
            ("title", pa.string()),
            ("published", pa.date32()),
            ("n_chars", pa.int64()),
            ("n_mentions", pa.int64()),
            ("n_events", pa.int64()),
            ("batch", pa.string()),
            ("geometry", _GEO),
        ]
    ),
    "events": pa.schema(
        [
            ("event_id", pa.string()),
            ("article_id", pa.string()),
            ("event_type", pa.string()),
            ("sub_event_type", pa.string()),
            ("date_start", pa.date32()),
            ("date_end", pa.date32()),
            ("date_precision", pa.string()),
            ("date_status", pa.string()),
            ("date_text", pa.string()),
            ("date_note", pa.string()),
            ("published", pa.date32()),
            ("actors", pa.string()),
            ("place_id", pa.string()),
            ("place_name", pa.string()),
            ("place_kind", pa.string()),
            ("country_code", pa.string()),
            ("lon", pa.float64()),
            ("lat", pa.float64()),
            ("geo_precision", pa.int64()),
            ("fatalities", pa.int64()),
            ("figures", pa.string()),
            ("planned", pa.bool_()),
            ("status", pa.string()),
            ("confidence", pa.float64()),
            ("outlets", pa.string()),
            ("weapons", pa.string()),
            ("sentence", pa.string()),
            ("sentence_start", pa.int64()),
            ("sentence_end", pa.int64()),
            ("sentences", pa.string()),
            ("source", pa.string()),
            ("notes", pa.string()),
            ("places", pa.string()),
            ("geometry", _GEO),
        ]
    ),
    "mentions": pa.schema(
        [
            ("article_id", pa.string()),
            ("start", pa.int64()),
            ("end", pa.int64()),
            ("surface", pa.string()),
            ("place_id", pa.string()),
            ("place_name", pa.string()),
            ("kind", pa.string()),
            ("country_code", pa.string()),
            ("score", pa.float64()),
            ("associative", pa.bool_()),
            ("published", pa.date32()),
            ("lon", pa.float64()),
            ("lat", pa.float64()),
            ("geometry", _GEO),
        ]
    ),
}

_WS_RE = re.compile(r"\s+")


#: Columns each dataset gained since format 1 (a format-1 part lacks them and is still read).
ADDED_COLUMNS: dict[str, frozenset[str]] = {
    "articles": frozenset(),
    "events": frozenset({"date_note", "geo_precision", "status", "weapons", "sentences"}),
    "mentions": frozenset(),
}


def content_hash(text: str) -> str:
    """sha256 (hex) of ``text`` normalised: Unicode NFC, whitespace runs -> one space, stripped."""
    norm = _WS_RE.sub(" ", unicodedata.normalize("NFC", text)).strip()
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()


def point_wkb(lon: float | None, lat: float | None) -> bytes | None:
    """ISO WKB of a 2-D point (shapely), or None when either coordinate is missing."""
    if lon is None or lat is None or not (math.isfinite(lon) and math.isfinite(lat)):
        return None
    import shapely

    wkb: bytes = shapely.to_wkb(shapely.Point(float(lon), float(lat)), byte_order=1, flavor="iso")
    return wkb


def _geo_metadata(table: pa.Table) -> bytes:
    col: dict[str, object] = {"encoding": "WKB", "geometry_types": ["Point"]}
    if "lon" in table.column_names:
        lons = np.asarray(table.column("lon").to_numpy(zero_copy_only=False), dtype=np.float64)
        lats = np.asarray(table.column("lat").to_numpy(zero_copy_only=False), dtype=np.float64)
        ok = np.isfinite(lons) & np.isfinite(lats)
        if ok.any():
            col["bbox"] = [float(lons[ok].min()), float(lats[ok].min()), float(lons[ok].max()), float(lats[ok].max())]
    meta = {"version": "1.0.0", "primary_column": "geometry", "columns": {"geometry": col}}
    return json.dumps(meta).encode()


def build_table(dataset: str, rows: Sequence[dict[str, object]]) -> pa.Table:
    """A table of ``dataset``'s schema from row dicts (missing keys are null), with GeoParquet metadata.

    ``geometry`` is filled from ``lon``/``lat`` when a row has no ``geometry`` of its own.
    """
    schema = SCHEMAS[dataset]
    cols: dict[str, list[object]] = {f.name: [] for f in schema}
    for r in rows:
        for name in cols:
            if name == "geometry" and "geometry" not in r:
                lon, lat = r.get("lon"), r.get("lat")
                cols[name].append(
                    point_wkb(lon if isinstance(lon, float) else None, lat if isinstance(lat, float) else None)
                )
            else:
                cols[name].append(r.get(name))
    table = pa.table({f.name: pa.array(cols[f.name], type=f.type) for f in schema}, schema=schema)
    return table.replace_schema_metadata({b"geo": _geo_metadata(table)})


# ----------------------------------------------------------------------------------- rows


# Event rows are mapped by the one event schema (mapapp.corpus.schema); re-exported here.
event_row = schema.event_row
row_event = schema.row_event


# ----------------------------------------------------------------------------------- store


@dataclass(frozen=True)
class Batch:
    """One published batch: its id and row counts."""

    id: str
    articles: int
    events: int
    mentions: int
    created: str


class StoreLocked(MapAppError):
    """Another process is writing to the store."""


@dataclass(frozen=True)
class Problem:
    """A damaged batch found by :meth:`EventStore.problems`: its id (``""``: the manifest) and why."""

    batch: str
    reason: str

    def __str__(self) -> str:
        return self.reason


@dataclass
class RepairReport:
    """What :meth:`EventStore.repair` did: files moved aside (never deleted) and why."""

    quarantine: Path | None = None
    moved: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    manifest_rebuilt: bool = False
    batches_kept: int = 0


class EventStore:
    """A store directory (see module doc). Create with :func:`open_store`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._published_here = 0
        self._lock_fd: int | None = None

    # ------------------------------------------------------------------ manifest
    @property
    def manifest_path(self) -> Path:
        return self.root / MANIFEST

    def _part_files(self) -> list[Path]:
        return [p for ds in DATASETS for p in sorted((self.root / ds).glob("part-*.parquet"))]

    def _manifest(self) -> dict[str, object]:
        """The manifest, validated (:func:`~mapapp.corpus.storecheck.manifest_entries`).

        Raises
        ------
        StoreCorrupt
            Unreadable or malformed, or missing while part files exist.
        StoreTooNew
            Written by a newer mapapp.
        """
        hint = f"run `mapapp store check --repair {self.root}` to rebuild it from the part files"
        try:
            raw = self.manifest_path.read_bytes()
        except FileNotFoundError:
            parts = self._part_files()
            if parts:
                msg = f"Store {str(self.root)!r} has {len(parts)} part file(s) but no {MANIFEST}; {hint}."
                raise StoreCorrupt(msg) from None
            return {"format": FORMAT_VERSION, "batches": []}
        except OSError as err:
            why = err.strerror or err
            msg = f"Store manifest {str(self.manifest_path)!r} cannot be read ({why}); check its permissions."
            raise StoreCorrupt(msg) from None
        try:
            data = jsonfiles.loads(raw, str(self.manifest_path))
        except InputError as err:
            raise StoreCorrupt(f"{err} {hint[0].upper()}{hint[1:]}.") from None
        entries = manifest_entries(data, self.manifest_path, self.root, FORMAT_VERSION)
        return {**data, "batches": entries}  # type: ignore[dict-item]

    def batches(self) -> list[Batch]:
        """Published batches, oldest first."""
        return [
            Batch(
                id=str(b["id"]),
                articles=int(b["articles"]),
                events=int(b["events"]),
                mentions=int(b["mentions"]),
                created=str(b.get("created", "")),
            )
            for b in self._manifest()["batches"]  # type: ignore[attr-defined]
        ]

    def files(self, dataset: str) -> list[Path]:
        """The part files of ``dataset`` the manifest lists (published data only)."""
        if dataset not in DATASETS:
            msg = f"Unknown dataset {dataset!r}; expected one of {', '.join(DATASETS)}."
            raise InputError(msg)
        return [self._part(dataset, b.id) for b in self.batches()]

    def _part(self, dataset: str, batch_id: str) -> Path:
        return self.root / dataset / f"part-{batch_id}.parquet"

    # ------------------------------------------------------------------ the writer lock
    @property
    def locked(self) -> bool:
        """Whether this object holds the writer lock."""
        return self._lock_fd is not None

    def lock(self, timeout_s: float = 0.0) -> None:
        """Take the writer lock: an OS lock (``flock``) on ``.lock``, held until :meth:`unlock`.

        The kernel releases it when the process ends however it ends, so there is no stale lock
        to take over and no window in which two writers both hold it. ``timeout_s`` is how long to
        wait for another writer to finish (0: fail at once).

        Raises
        ------
        StoreLocked
            Another process (or another :class:`EventStore` object) holds it.
        OutputError
            The store directory cannot be written.
        """
        if self._lock_fd is not None:
            return
        path = self.root / LOCK_FILE
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as err:
            msg = f"Cannot lock the store {str(self.root)!r}: {err.strerror or err}; choose a writable directory."
            raise OutputError(msg) from None
        deadline = time.monotonic() + max(0.0, timeout_s)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
                    os.close(fd)
                    who = f"process {holder}" if holder.isdigit() else "another process"
                    msg = (
                        f"Store {str(self.root)!r} is being written by {who}; wait for it to finish, "
                        "then run again (two writers would duplicate rows)."
                    )
                    raise StoreLocked(msg) from None
                time.sleep(0.05)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)  # for the message above; the lock is the flock
        self._lock_fd = fd

    def unlock(self) -> None:
        """Release the writer lock (if this object holds it)."""
        fd, self._lock_fd = self._lock_fd, None
        if fd is not None:
            os.ftruncate(fd, 0)
            os.close(fd)  # closing releases the flock

    @contextmanager
    def writing(self, timeout_s: float = 0.0) -> Iterator[EventStore]:
        """Hold the writer lock for the block (taken here unless already held)."""
        mine = not self.locked
        if mine:
            self.lock(timeout_s)
        try:
            yield self
        finally:
            if mine:
                self.unlock()

    def _require_lock(self, what: str) -> None:
        if not self.locked:
            msg = f"EventStore.{what}() needs the writer lock; call it inside `with store.writing():`."
            raise RuntimeError(msg)

    def unlisted(self) -> list[Path]:
        """Part files the manifest does not list (left by an interrupted writer; never read)."""
        listed = {p for ds in DATASETS for p in self.files(ds)}
        return [p for p in self._part_files() if p not in listed]

    # ------------------------------------------------------------------ writing
    def recover(self) -> list[Path]:
        """Remove what an interrupted writer left: ``.tmp/`` and part files the manifest does not list.

        Returns the removed part files. Call with the lock held. The manifest must be readable (a
        store with parts but no manifest raises instead of losing them).
        """
        self._require_lock("recover")
        removed = self.unlisted()
        shutil.rmtree(self.root / TMP_DIR, ignore_errors=True)
        for p in removed:
            p.unlink()
        return removed

    def append(self, batch_id: str, tables: dict[str, pa.Table]) -> Batch:
        """Publish one batch atomically (see module doc). ``tables`` maps every dataset to its rows.

        Holds the writer lock while it writes (taking it if this object does not hold it yet).
        """
        if set(tables) != set(DATASETS):
            msg = f"A batch needs tables for {', '.join(DATASETS)}; got {', '.join(sorted(tables))}."
            raise ValueError(msg)
        if not BATCH_ID_RE.match(batch_id):
            msg = f"Batch id {batch_id!r} is not usable in a file name; use letters, digits, _ and -."
            raise ValueError(msg)
        with self.writing():
            return self._append(batch_id, tables)

    def _append(self, batch_id: str, tables: dict[str, pa.Table]) -> Batch:
        man = self._manifest()
        if any(b["id"] == batch_id for b in man["batches"]):  # type: ignore[attr-defined]
            msg = f"Batch {batch_id!r} is already in the store."
            raise ValueError(msg)
        tmp = self.root / TMP_DIR / batch_id
        tmp.mkdir(parents=True, exist_ok=True)
        for ds in DATASETS:
            t = tables[ds]
            if not t.schema.equals(SCHEMAS[ds]):
                t = t.cast(SCHEMAS[ds])
            pq.write_table(t, tmp / f"{ds}.parquet", compression="zstd")
            with open(tmp / f"{ds}.parquet", "rb") as fh:
                os.fsync(fh.fileno())
        for ds in DATASETS:
            (self.root / ds).mkdir(exist_ok=True)
            os.replace(tmp / f"{ds}.parquet", self._part(ds, batch_id))
        crash = settings.get(CRASH_ENV)
        if crash and self._published_here >= int(crash):
            os._exit(75)  # testing hook: die after moving the parts, before the commit
        b = Batch(
            id=batch_id,
            articles=tables["articles"].num_rows,
            events=tables["events"].num_rows,
            mentions=tables["mentions"].num_rows,
            created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        )
        self._write_manifest([*man["batches"], b.__dict__])  # type: ignore[misc]
        shutil.rmtree(tmp, ignore_errors=True)
        self._published_here += 1
        return b

    def _write_manifest(self, batches: list[dict[str, object]]) -> None:
        """Replace the manifest atomically (temporary file, fsync, rename). Lock held."""
        man = {"format": FORMAT_VERSION, "batches": batches}
        part = self.root / (MANIFEST + ".tmp")
        with open(part, "w", encoding="utf-8") as fh:
            fh.write(jsonfiles.dumps(man, indent=1))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(part, self.manifest_path)

    # ------------------------------------------------------------------ checking and repair
    def problems(self, level: str = "values") -> list[Problem]:
        """What is damaged, one :class:`Problem` per bad batch (empty: the store is sound).

        ``level``: ``"structure"`` reads each part's footer (exists, Parquet, schema, row count);
        ``"values"`` also reads the coordinate, geometry, score and date columns of every part and
        checks their values;
        ``"full"`` also checks each batch's rows belong together (articles name the batch, events
        and mentions point at its articles), that no article is in two batches, and that every
        event row reads back as an event.

        Raises
        ------
        StoreCorrupt, StoreTooNew
            The manifest itself is unusable (a Problem per batch cannot be given).
        """
        if level == "values":
            try:  # fast path for a sound store: one read of the checked columns per dataset
                for ds in DATASETS:
                    self.table(ds, columns=value_columns(SCHEMAS[ds]))
                return []
            except StoreCorrupt:
                pass  # name every damaged batch below
        out: list[Problem] = []
        seen: dict[str, str] = {}
        for b in self.batches():
            try:
                self._check_batch(b, level, seen)
            except StoreCorrupt as err:
                out.append(Problem(b.id, str(err)))
        return out

    def _check_batch(self, b: Batch, level: str, seen: dict[str, str]) -> None:
        rows = {"articles": b.articles, "events": b.events, "mentions": b.mentions}
        for ds in DATASETS:
            check_structure(self._part(ds, b.id), SCHEMAS[ds], rows[ds], self.root, ADDED_COLUMNS[ds])
        if level == "structure":
            return
        if level != "full":
            for ds in DATASETS:
                cols = value_columns(SCHEMAS[ds])
                read_part(self._part(ds, b.id), SCHEMAS[ds], rows[ds], self.root, columns=cols, added=ADDED_COLUMNS[ds])
            return
        t = {
            ds: read_part(self._part(ds, b.id), SCHEMAS[ds], rows[ds], self.root, added=ADDED_COLUMNS[ds])
            for ds in DATASETS
        }
        arts = t["articles"]
        ids = arts.column("article_id").to_pylist()
        where = f"Batch {b.id!r} of store {str(self.root)!r}"
        hint = repair_hint(self.root)
        if any(x != b.id for x in arts.column("batch").to_pylist()):
            msg = f"{where}: its articles part names another batch; {hint}."
            raise StoreCorrupt(msg)
        own = set(ids)
        for ds in ("events", "mentions"):
            stray = set(t[ds].column("article_id").to_pylist()) - own
            if stray:
                msg = f"{where}: {len(stray)} {ds} row(s) point at articles not in the batch; {hint}."
                raise StoreCorrupt(msg)
        again = [x for x in ids if x in seen]
        if again:
            msg = f"{where} repeats {len(again)} article(s) of batch {seen[again[0]]!r} (two writers?); {hint}."
            raise StoreCorrupt(msg)
        seen.update(dict.fromkeys(ids, b.id))
        for i, r in enumerate(t["events"].drop_columns(["geometry"]).to_pylist(), start=1):
            try:
                row_event(r)
            except (ValueError, TypeError, KeyError, AttributeError) as err:
                part = str(self._part("events", b.id))
                msg = f"Store part {part!r}: row {i} is not an event ({type(err).__name__}); {hint}."
                raise StoreCorrupt(msg) from None

    def repair(self) -> RepairReport:
        """Make the store sound without deleting anything: damaged batches (all three part files),
        part files the manifest does not list, and an unreadable manifest are moved into
        ``quarantine/<UTC time>/``; the manifest is rewritten to list the sound batches (rebuilt from
        the part files when it was unreadable). Articles of a moved batch are ingested again by the
        next ``mapapp ingest``. Takes the writer lock.

        Raises
        ------
        StoreLocked
            Another process is writing.
        StoreTooNew
            The store was written by a newer mapapp (nothing is changed).
        """
        with self.writing():
            return self._repair()

    def _repair(self) -> RepairReport:
        rep = RepairReport()
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S.%fZ")
        qdir = self.root / QUARANTINE_DIR / stamp

        def aside(p: Path) -> None:
            dest = qdir / p.relative_to(self.root)
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.replace(p, dest)
            rep.moved.append(dest)
            rep.quarantine = qdir

        shutil.rmtree(self.root / TMP_DIR, ignore_errors=True)
        try:
            entries: list[dict[str, object]] = self._manifest()["batches"]  # type: ignore[assignment]
        except StoreTooNew:
            raise
        except StoreCorrupt as err:
            rep.problems.append(Problem("", str(err)))
            if self.manifest_path.exists():
                aside(self.manifest_path)
            entries = self._entries_from_parts()
            rep.manifest_rebuilt = True
        keep: list[dict[str, object]] = []
        seen: dict[str, str] = {}
        for e in entries:
            b = Batch(str(e["id"]), int(e["articles"]), int(e["events"]), int(e["mentions"]), str(e.get("created", "")))  # type: ignore[call-overload]
            try:
                self._check_batch(b, "full", seen)
                keep.append(e)
            except StoreCorrupt as err:
                rep.problems.append(Problem(b.id, str(err)))
        listed = {self._part(ds, str(e["id"])) for e in keep for ds in DATASETS}
        for p in self._part_files():
            if p not in listed:
                aside(p)
        if rep.moved or rep.manifest_rebuilt:
            self._write_manifest(keep)
            if rep.quarantine is not None:
                note = "\n".join(str(p) for p in rep.problems) or "part files the manifest did not list"
                (rep.quarantine / "WHY.txt").write_text(note + "\n", encoding="utf-8")
        rep.batches_kept = len(keep)
        return rep

    def _entries_from_parts(self) -> list[dict[str, object]]:
        """Manifest entries for the batches whose three part files exist, oldest file first."""
        ids: dict[str, float] = {}
        for p in self.root.glob("articles/part-*.parquet"):
            bid = p.name[len("part-") : -len(".parquet")]
            if BATCH_ID_RE.match(bid) and all(self._part(ds, bid).is_file() for ds in DATASETS):
                ids[bid] = p.stat().st_mtime
        out: list[dict[str, object]] = []
        for bid in sorted(ids, key=lambda k: (ids[k], k)):
            try:
                counts = {ds: pq.read_metadata(self._part(ds, bid)).num_rows for ds in DATASETS}
            except (pa.ArrowException, OSError):
                continue  # unreadable: left unlisted, so it is moved aside
            created = dt.datetime.fromtimestamp(ids[bid], dt.UTC).isoformat(timespec="seconds")
            out.append({"id": bid, **counts, "created": created})
        return out

    # ------------------------------------------------------------------ reading
    def table(
        self, dataset: str, filters: list[tuple[str, str, object]] | None = None, columns: Sequence[str] | None = None
    ) -> pa.Table:
        """All published rows of ``dataset`` as one Arrow table (optionally filtered, pyarrow DNF).

        Each part is checked as it is read (:func:`~mapapp.corpus.storecheck.read_part`).

        Raises
        ------
        StoreCorrupt
            A part is missing or damaged (the message names it and the repair command).
        """
        if dataset not in DATASETS:
            msg = f"Unknown dataset {dataset!r}; expected one of {', '.join(DATASETS)}."
            raise InputError(msg)
        schema = SCHEMAS[dataset]
        parts = [(self._part(dataset, b.id), int(getattr(b, dataset))) for b in self.batches()]
        if not parts:
            t = schema.empty_table()
            return t.select(list(columns)) if columns else t
        added = ADDED_COLUMNS[dataset]
        older = [check_structure(path, schema, rows, self.root, added) for path, rows in parts]
        cols = list(columns) if columns else None
        if any(older):  # parts of an earlier format: read one by one, the newer columns added as nulls
            return pa.concat_tables(
                read_part(path, schema, rows, self.root, filters=filters, columns=cols, added=added)
                for path, rows in parts
            )
        try:  # fast path: one multi-threaded read, one vectorised check
            t = pq.ParquetDataset([str(p) for p, _ in parts], filters=filters or None).read(columns=cols)
            check_values(t, self.root, self.root)
            return t
        except (StoreCorrupt, pa.ArrowException, OSError) as err:
            first = err
        # something is off: read part by part to name the file (and the row) at fault
        for path, rows in parts:
            read_part(path, schema, rows, self.root, filters=filters, columns=cols, added=added)
        raise StoreCorrupt(f"{str(first).splitlines()[0]}; {repair_hint(self.root)}.") from first

    def frame(self, dataset: str, filters: list[tuple[str, str, object]] | None = None) -> gpd.GeoDataFrame:
        """``dataset`` as a GeoDataFrame (EPSG:4326 points; null geometry where no place)."""
        import geopandas as gpd
        import shapely

        t = self.table(dataset, filters)
        df = t.drop_columns(["geometry"]).to_pandas()
        geom = shapely.from_wkb(t.column("geometry").to_numpy(zero_copy_only=False))
        return gpd.GeoDataFrame(df, geometry=geom, crs="EPSG:4326")

    def article_ids(self) -> set[str]:
        """Content hashes of every published article."""
        t = self.table("articles", columns=["article_id"])
        return set(t.column("article_id").to_pylist())

    def counts(self) -> dict[str, int]:
        """Rows per dataset."""
        bs = self.batches()
        return {
            "batches": len(bs),
            "articles": sum(b.articles for b in bs),
            "events": sum(b.events for b in bs),
            "mentions": sum(b.mentions for b in bs),
        }

    def events(
        self, since: dt.date | str | None = None, until: dt.date | str | None = None, *, keep_undated: bool = False
    ) -> gpd.GeoDataFrame:
        """Events whose date range overlaps ``since``..``until`` (inclusive, either may be None).

        Undated events are dropped when a bound is given unless ``keep_undated``.
        """
        lo, hi = _day(since, "since"), _day(until, "until")
        if lo and hi and lo > hi:
            msg = f"since={lo.isoformat()!r} is after until={hi.isoformat()!r}; swap them."
            raise InputError(msg)
        gdf = self.frame("events")
        if lo is None and hi is None:
            return gdf
        start, end = event_days(gdf)
        keep = date_overlap(start, end, lo, hi)
        if keep_undated:
            keep |= np.isnat(start)
        return gdf[keep].reset_index(drop=True)

    def events_within(
        self,
        center: str | Sequence[float],
        *,
        radius_km: float | None = None,
        weapon: str | None = None,
        since: dt.date | str | None = None,
        until: dt.date | str | None = None,
    ) -> gpd.GeoDataFrame:
        """What happened within range of X between dates.

        Parameters
        ----------
        center
            A place name (gazetteer, best match) or (lon, lat) degrees.
        radius_km, weapon
            The range: a radius in km, or a weapon key from :mod:`mapapp.data.weapons` (its range_km).

        Returns
        -------
        GeoDataFrame of events (as :meth:`events`) with ``distance_km`` (geodesic, to the centre),
        nearest first. The geodesic ring (:func:`mapapp.geo.geodesy.ring`) prefilters by its extent;
        the exact test is the geodesic distance.
        """
        from mapapp.geo.geodesy import check_lonlat, check_radius_km, distances_to_points_km, ring

        lonlat = resolve_center(center)
        c = check_lonlat(lonlat, "centre")
        if (radius_km is None) == (weapon is None):
            msg = "Give exactly one of radius_km or weapon (a catalogue key such as 'atacms')."
            raise InputError(msg)
        if weapon is not None:
            from mapapp.data.weapons import get_weapon

            radius_km = get_weapon(weapon).range_km
        r_km = check_radius_km(float(radius_km))  # type: ignore[arg-type]
        gdf = self.events(since, until)
        gdf = gdf[gdf["lon"].notna() & gdf["lat"].notna()]
        area = ring(c, r_km)
        w, s, e, n = area.bounds
        pad = 0.01
        box = (gdf["lon"] >= w - pad) & (gdf["lon"] <= e + pad) & (gdf["lat"] >= s - pad) & (gdf["lat"] <= n + pad)
        gdf = gdf[box.to_numpy()]
        if gdf.empty:
            out = gdf.copy()
            out["distance_km"] = np.zeros(0)
            return out.reset_index(drop=True)
        d, _ = distances_to_points_km(list(zip(gdf["lon"], gdf["lat"], strict=True)), [c])
        out = gdf.assign(distance_km=d)
        return out[out["distance_km"] <= r_km].sort_values(["distance_km", "event_id"]).reset_index(drop=True)


def event_days(frame: object) -> tuple[np.ndarray, np.ndarray]:
    """(start, end) days of an events frame as ``datetime64[D]`` arrays; NaT where undated, and
    the end is the start where the row has no end date."""
    start = _day_array(frame["date_start"])  # type: ignore[index]
    end = _day_array(frame["date_end"])  # type: ignore[index]
    end = np.where(np.isnat(end), start, end)
    return start, end


def _day_array(column: object) -> np.ndarray:
    """A column of dates (``datetime.date``/None, as the store reads back) as ``datetime64[D]``;
    through Arrow's date32, which is fast and covers every year."""
    try:
        return np.asarray(pa.array(column, type=pa.date32(), from_pandas=True).to_numpy(zero_copy_only=False))
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return np.array(column, dtype="datetime64[D]")


def date_overlap(start: np.ndarray, end: np.ndarray, since: dt.date | None, until: dt.date | None) -> np.ndarray:
    """Which events (``datetime64[D]`` start/end days, see :func:`event_days`) overlap the window
    ``since``..``until`` (inclusive; None = open). Undated events (NaT) never do."""
    keep = ~np.isnat(start)
    if since is not None:
        keep &= end >= np.datetime64(since, "D")
    if until is not None:
        keep &= start <= np.datetime64(until, "D")
    return keep


def _day(v: dt.date | str | None, what: str) -> dt.date | None:
    if v is None or v == "":
        return None
    if isinstance(v, dt.date):
        return v
    try:
        return dt.date.fromisoformat(str(v))
    except ValueError as err:
        msg = f"{what}={v!r} is not a date; expected YYYY-MM-DD, e.g. 2024-11-17."
        raise InputError(msg) from err


def resolve_center(center: str | Sequence[float]) -> tuple[float, float]:
    """(lon, lat) of a place query (through :func:`mapapp.data.resolver.resolve`: a city before the
    region of the same name), ``"lon,lat"`` text, or a (lon, lat) pair."""
    if isinstance(center, str):
        from mapapp.data.resolver import resolve

        return tuple(resolve(center, prefer="point", order="lonlat").lonlat)  # type: ignore[return-value]
    if len(center) != 2:
        msg = f"Centre {center!r} is not (lon, lat); give two numbers or a place name."
        raise GeometryError(msg)
    return (float(center[0]), float(center[1]))


def open_store(root: str | Path, *, create: bool = False) -> EventStore:
    """The store at ``root``.

    Raises
    ------
    InputError
        ``root`` is not a store (no ``manifest.json``) and ``create`` is False, or is a file.
    StoreCorrupt
        The manifest is unreadable or malformed (or missing while part files exist).
    StoreTooNew
        The store was written by a newer mapapp.
    """
    p = Path(root).expanduser()
    if p.exists() and not p.is_dir():
        msg = f"Store {str(p)!r} is a file; give a directory."
        raise InputError(msg)
    if not create and not (p / MANIFEST).is_file():
        msg = f"{str(p)!r} is not an event store (no {MANIFEST}); create one with `mapapp ingest SOURCE --store {p}`."
        raise InputError(msg)
    if create:
        try:
            p.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            msg = f"Cannot create the store {str(p)!r}: {err.strerror or err}; choose a writable directory."
            raise OutputError(msg) from None
    store = EventStore(p)
    store.batches()  # the manifest is readable and well-formed, or StoreCorrupt/StoreTooNew now
    return store

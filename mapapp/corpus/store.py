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

Appends are atomic: a batch is written into ``.tmp/<batch>/``, its part files are moved into
place with :func:`os.replace`, and only then is ``manifest.json`` rewritten (temporary file +
``os.replace``). The manifest is the commit point: a writer that dies before it leaves part files
the manifest does not list; the next writer removes them (:meth:`EventStore.recover`), so the store
reads as it was before that batch. Readers of this module only read listed files.

Articles are identified by ``article_id`` = sha256 of the normalised text (NFC, whitespace
collapsed); an article already in the store is skipped on the next ingest.

Coordinates: (lon, lat) degrees everywhere.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
import re
import shutil
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from mapapp import settings
from mapapp.errors import GeometryError, InputError, MapAppError, OutputError
from mapapp.model import DateValue, Event, Place

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "DATASETS",
    "EventStore",
    "content_hash",
    "open_store",
]

MANIFEST = "manifest.json"
FORMAT_VERSION = 1
DATASETS = ("articles", "events", "mentions")
TMP_DIR = ".tmp"
LOCK_FILE = ".lock"
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
            ("published", pa.date32()),
            ("actors", pa.string()),
            ("place_id", pa.string()),
            ("place_name", pa.string()),
            ("place_kind", pa.string()),
            ("country_code", pa.string()),
            ("lon", pa.float64()),
            ("lat", pa.float64()),
            ("fatalities", pa.int64()),
            ("figures", pa.string()),
            ("planned", pa.bool_()),
            ("confidence", pa.float64()),
            ("outlets", pa.string()),
            ("sentence", pa.string()),
            ("sentence_start", pa.int64()),
            ("sentence_end", pa.int64()),
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


def _date(s: str | None) -> dt.date | None:
    if not s:
        return None
    try:
        return dt.date.fromisoformat(s[:10])
    except ValueError:
        return None


def event_row(e: Event, article_id: str, index: int, published: dt.date | None) -> dict[str, object]:
    """The store row of an extracted event (first place gives the point; all places in ``places``)."""
    p = e.places[0] if e.places else None
    d = e.date
    fat = next((v for lbl, v in e.figures if lbl in ("fatalities", "killed")), None)
    return {
        "event_id": f"{article_id[:16]}-{index:03d}",
        "article_id": article_id,
        "event_type": e.event_type,
        "sub_event_type": e.sub_event_type,
        "date_start": _date(d.start) if d else None,
        "date_end": _date(d.end) if d else None,
        "date_precision": d.precision if d else None,
        "date_status": d.status if d else None,
        "date_text": d.text if d else None,
        "published": published,
        "actors": "; ".join(e.actors),
        "place_id": p.id if p else None,
        "place_name": p.name if p else None,
        "place_kind": p.kind if p else None,
        "country_code": p.country_code if p else None,
        "lon": float(p.lon) if p else None,
        "lat": float(p.lat) if p else None,
        "fatalities": fat,
        "figures": json.dumps(
            [
                [f[0], f[1], e.figure_qualifiers[i] if i < len(e.figure_qualifiers) else ""]
                for i, f in enumerate(e.figures)
            ]
        ),
        "planned": e.planned,
        "confidence": float(e.confidence),
        "outlets": "; ".join(e.outlets),
        "sentence": e.sentence,
        "sentence_start": e.sentence_start,
        "sentence_end": e.sentence_end,
        "source": e.source,
        "notes": e.notes,
        "places": json.dumps([q.to_dict() for q in e.places]),
    }


def row_event(r: dict[str, object]) -> Event:
    """Rebuild an :class:`Event` from a store row (as read back into pandas)."""

    def s(k: str) -> str:
        v = r.get(k)
        return "" if _missing(v) else str(v)

    def num(k: str) -> float:
        v = r.get(k)
        return 0.0 if _missing(v) else float(v)  # type: ignore[arg-type]

    def iso(k: str) -> str:
        v = r.get(k)
        if _missing(v):
            return ""
        return v.isoformat()[:10] if hasattr(v, "isoformat") else str(v)[:10]

    date = None
    if iso("date_start"):
        date = DateValue(
            start=iso("date_start"),
            end=iso("date_end") or iso("date_start"),
            precision=s("date_precision") or "day",  # type: ignore[arg-type]
            status=s("date_status") or "reported",  # type: ignore[arg-type]
            text=s("date_text"),
        )
    places = tuple(Place(**d) for d in json.loads(s("places") or "[]"))
    figs = json.loads(s("figures") or "[]")
    return Event(
        id=s("event_id"),
        event_type=s("event_type"),
        sub_event_type=s("sub_event_type"),
        date=date,
        places=places,
        actors=tuple(a for a in s("actors").split("; ") if a),
        sentence=s("sentence"),
        sentence_start=int(num("sentence_start")),
        sentence_end=int(num("sentence_end")),
        source=s("source"),
        outlets=tuple(o for o in s("outlets").split("; ") if o),
        figures=tuple((str(f[0]), int(f[1])) for f in figs),
        figure_qualifiers=tuple(str(f[2]) for f in figs),
        planned=bool(num("planned")),
        confidence=num("confidence"),
        notes=s("notes"),
        sources=(s("source"),) if s("source") else (),
    )


def _missing(v: object) -> bool:
    """None, NaN, NaT or pd.NA (what pandas puts in an empty cell)."""
    if v is None:
        return True
    if isinstance(v, float):
        return math.isnan(v)
    return type(v).__name__ in ("NaTType", "NAType")


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
    """Another live process is writing to the store."""


class EventStore:
    """A store directory (see module doc). Create with :func:`open_store`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._published_here = 0

    # ------------------------------------------------------------------ manifest
    @property
    def manifest_path(self) -> Path:
        return self.root / MANIFEST

    def _manifest(self) -> dict[str, object]:
        try:
            data = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {"format": FORMAT_VERSION, "batches": []}
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
            msg = (
                f"Store manifest {str(self.manifest_path)!r} is unreadable ({err}); "
                "restore it from a backup or start a new store directory."
            )
            raise InputError(msg) from err
        if not isinstance(data, dict) or not isinstance(data.get("batches"), list):
            msg = f"Store manifest {str(self.manifest_path)!r} has no 'batches' list; is this a mapapp store?"
            raise InputError(msg)
        return data

    def batches(self) -> list[Batch]:
        """Published batches, oldest first."""
        out = []
        for b in self._manifest()["batches"]:  # type: ignore[attr-defined]
            out.append(
                Batch(
                    id=str(b["id"]),
                    articles=int(b["articles"]),
                    events=int(b["events"]),
                    mentions=int(b["mentions"]),
                    created=str(b.get("created", "")),
                )
            )
        return out

    def files(self, dataset: str) -> list[Path]:
        """The part files of ``dataset`` the manifest lists (published data only)."""
        if dataset not in DATASETS:
            msg = f"Unknown dataset {dataset!r}; expected one of {', '.join(DATASETS)}."
            raise InputError(msg)
        return [self.root / dataset / f"part-{b.id}.parquet" for b in self.batches()]

    # ------------------------------------------------------------------ writing
    def lock(self) -> None:
        """Take the writer lock (``.lock`` with our pid); a stale lock of a dead process is taken over.

        Raises
        ------
        StoreLocked
            A live process holds it.
        """
        self.root.mkdir(parents=True, exist_ok=True)
        path = self.root / LOCK_FILE
        for _ in range(2):
            try:
                fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                try:
                    pid = int(path.read_text().strip() or "0")
                except (OSError, ValueError):
                    pid = 0
                if pid and pid != os.getpid() and _alive(pid):
                    msg = (
                        f"Store {str(self.root)!r} is being written by process {pid}; wait for it to "
                        f"finish, or remove {str(path)!r} if that process is gone."
                    )
                    raise StoreLocked(msg) from None
                path.unlink(missing_ok=True)
                continue
            with os.fdopen(fd, "w") as fh:
                fh.write(str(os.getpid()))
            return

    def unlock(self) -> None:
        """Release the writer lock (only if we hold it)."""
        path = self.root / LOCK_FILE
        try:
            if int(path.read_text().strip() or "0") == os.getpid():
                path.unlink()
        except (OSError, ValueError):
            pass

    def recover(self) -> list[Path]:
        """Remove what an interrupted writer left: ``.tmp/`` and part files the manifest does not list.

        Returns the removed part files. Call with the lock held.
        """
        shutil.rmtree(self.root / TMP_DIR, ignore_errors=True)
        listed = {p for ds in DATASETS for p in self.files(ds)}
        removed = []
        for ds in DATASETS:
            d = self.root / ds
            if d.is_dir():
                for p in sorted(d.glob("part-*.parquet")):
                    if p not in listed:
                        p.unlink()
                        removed.append(p)
        return removed

    def append(self, batch_id: str, tables: dict[str, pa.Table]) -> Batch:
        """Publish one batch atomically (see module doc). ``tables`` maps every dataset to its rows."""
        if set(tables) != set(DATASETS):
            msg = f"A batch needs tables for {', '.join(DATASETS)}; got {', '.join(sorted(tables))}."
            raise ValueError(msg)
        if any(b.id == batch_id for b in self.batches()):
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
            os.replace(tmp / f"{ds}.parquet", self.root / ds / f"part-{batch_id}.parquet")
        crash = settings.get(CRASH_ENV)
        if crash and self._published_here >= int(crash):
            os._exit(75)  # testing hook: die after moving the parts, before the commit
        man = self._manifest()
        b = Batch(
            id=batch_id,
            articles=tables["articles"].num_rows,
            events=tables["events"].num_rows,
            mentions=tables["mentions"].num_rows,
            created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        )
        man["format"] = FORMAT_VERSION
        man["batches"] = [*man["batches"], b.__dict__]  # type: ignore[misc]
        part = self.root / (MANIFEST + ".tmp")
        with open(part, "w", encoding="utf-8") as fh:
            json.dump(man, fh, indent=1)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(part, self.manifest_path)
        shutil.rmtree(tmp, ignore_errors=True)
        self._published_here += 1
        return b

    # ------------------------------------------------------------------ reading
    def table(
        self, dataset: str, filters: list[tuple[str, str, object]] | None = None, columns: Sequence[str] | None = None
    ) -> pa.Table:
        """All published rows of ``dataset`` as one Arrow table (optionally filtered, pyarrow DNF)."""
        files = [str(p) for p in self.files(dataset)]
        if not files:
            t = SCHEMAS[dataset].empty_table()
            return t.select(list(columns)) if columns else t
        ds = pq.ParquetDataset(files, filters=filters or None)
        return ds.read(columns=list(columns) if columns else None)

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
        start = gdf["date_start"]
        end = gdf["date_end"].where(gdf["date_end"].notna(), start)
        keep = start.notna()
        if lo is not None:
            keep &= end.map(lambda d: d is not None and d >= lo).astype(bool)
        if hi is not None:
            keep &= start.map(lambda d: d is not None and d <= hi).astype(bool)
        if keep_undated:
            keep |= start.isna()
        return gdf[keep.to_numpy()].reset_index(drop=True)

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


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


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
    return EventStore(p)

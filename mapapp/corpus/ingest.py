"""Corpus ingest: many articles -> geoparse + events -> the event store, in parallel on Dask.

Sources are folders of ``.txt``/``.md``/``.html`` articles (publication date from front matter or
a sidecar via :func:`mapapp.text.article.read_article`, else the ``default_date``) and JSONL files
(``{"id", "text", "published", "source"}`` per line). The driver reads the sources, drops articles
whose content hash is already in the store (or seen earlier in the run), cuts the rest into batches
of ``batch_size`` and runs :func:`process_batch` on Dask:

* ``"processes"`` / ``"local"`` (default): the local multiprocessing scheduler, one process per core,
  over one process pool kept for the whole run;
* ``"threads"``, ``"sync"``: local threads / no parallelism (debugging);
* ``"local-cluster"``: a ``dask.distributed.LocalCluster`` on 127.0.0.1 (no dashboard; every socket on
  the loopback interface, on free ports);
* ``"tcp://HOST:PORT"``: an existing ``dask.distributed`` scheduler. Its workers need ``mapapp`` and
  ``data/geo`` (their own ``MAPAPP_DATA_DIR``).

Each worker process builds its geoparser (the gazetteer) once, on first use
(:func:`get_parser`), not per article. Results are published batch by batch
(:meth:`mapapp.corpus.store.EventStore.append`), so an interrupted ingest keeps every finished batch and a
re-run does only the rest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from mapapp import jsonfiles
from mapapp.errors import InputError, MapAppError

if TYPE_CHECKING:
    import pyarrow as pa
    from dask.delayed import Delayed
    from distributed.diagnostics.plugin import WorkerPlugin

    from mapapp.text.geoparse.parser import Geoparser

__all__ = ["Failure", "IngestReport", "Item", "get_parser", "ingest", "iter_items", "process_batch"]

JSONL_SUFFIXES = (".jsonl", ".ndjson")
#: Exceptions a single article may raise that mean "skip this article and report it".
ARTICLE_ERRORS: tuple[type[BaseException], ...] = (
    MapAppError,
    ValueError,
    LookupError,
    TypeError,
    ArithmeticError,
    RecursionError,
)
LOCAL_SCHEDULERS = ("processes", "local", "threads", "sync", "local-cluster")


@dataclass(frozen=True)
class Item:
    """One article to ingest. ``key`` names it in reports (a path, or ``file.jsonl:LINE``)."""

    key: str
    source_id: str
    path: str
    text: str
    published: dt.date | None
    source: str
    title: str
    article_id: str


@dataclass(frozen=True)
class Failure:
    """An input that could not be ingested: where, and why."""

    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


@dataclass
class BatchOut:
    """What :func:`process_batch` returns: the batch's tables, its failures and worker stats."""

    batch_id: str
    tables: dict[str, pa.Table]
    failures: list[Failure]
    pid: int
    parser_loads: int
    peak_rss_kb: int
    seconds: float


@dataclass
class IngestReport:
    """Summary of one ingest run."""

    store: str
    scheduler: str
    workers: int
    found: int = 0
    ingested: int = 0
    skipped_known: int = 0
    skipped_duplicate: int = 0
    events: int = 0
    mentions: int = 0
    batches: int = 0
    no_date: int = 0
    seconds: float = 0.0
    #: time spent inside :func:`process_batch`, summed over batches (CPU-bound work)
    worker_seconds: float = 0.0
    failures: list[Failure] = field(default_factory=list)
    #: worker pid -> (gazetteer loads, peak RSS in kB)
    worker_stats: dict[int, tuple[int, int]] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        """Ingested articles per second (wall clock, whole run)."""
        return self.ingested / self.seconds if self.seconds > 0 else 0.0

    def summary(self) -> str:
        """Human summary; failures listed with their files."""
        lines = [
            f"ingested {self.ingested:,} article(s) into {self.store} in {self.seconds:.1f} s "
            f"({self.rate:,.1f}/s, {self.workers} worker(s), {self.scheduler}): {self.events:,} events, "
            f"{self.mentions:,} mentions, {self.batches} batch(es)",
        ]
        if self.skipped_known or self.skipped_duplicate:
            lines.append(
                f"skipped {self.skipped_known:,} already in the store, "
                f"{self.skipped_duplicate:,} duplicate(s) within this run"
            )
        if self.no_date:
            lines.append(
                f"{self.no_date:,} article(s) had no publication date (relative dates unresolved); "
                "give --date YYYY-MM-DD to set one"
            )
        if self.failures:
            lines.append(f"{len(self.failures):,} input(s) failed and were skipped:")
            lines += [f"  {f}" for f in self.failures]
        return "\n".join(lines)


# ----------------------------------------------------------------------------------- sources


def _check_text(text: str, where: str) -> None:
    if "\x00" in text:
        msg = "looks binary (NUL bytes), not article text"
        raise InputError(msg)
    if not text.strip():
        msg = "is empty"
        raise InputError(msg)


def _file_item(path: Path, default_date: dt.date | None) -> Item:
    from mapapp.corpus.store import content_hash
    from mapapp.text.article import read_article

    art = read_article(path)
    _check_text(art.text, str(path))
    return Item(
        key=str(path),
        source_id=str(path),
        path=str(path),
        text=art.text,
        published=art.published or default_date,
        source=art.source or path.name,
        title=art.title,
        article_id=content_hash(art.text),
    )


def _jsonl_items(path: Path, default_date: dt.date | None) -> Iterator[Item | Failure]:
    from mapapp.corpus.store import content_hash
    from mapapp.text.dates import coerce_date

    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed below; lines decoded one by one
    except OSError as err:
        yield Failure(str(path), f"cannot be opened ({err})")
        return
    with fh:
        for n, raw in enumerate(fh, 1):
            where = f"{path}:{n}"
            if not raw.strip():
                continue
            try:
                rec = jsonfiles.loads(raw, where)
            except jsonfiles.JSONInputError as err:
                yield Failure(where, str(err).removeprefix(f"{where}: "))
                continue
            if not isinstance(rec, dict) or not isinstance(rec.get("text"), str):
                yield Failure(where, 'expected {"id", "text", "published", "source"} with "text" a string')
                continue
            try:
                _check_text(rec["text"], where)
                pub = coerce_date(rec["published"]) if rec.get("published") else default_date
            except InputError as err:
                yield Failure(where, str(err))
                continue
            except ValueError:
                shown = repr(rec.get("published"))
                shown = shown if len(shown) <= 40 else shown[:37] + "..."
                yield Failure(where, f"published={shown} is not a date; expected YYYY-MM-DD")
                continue
            sid = str(rec.get("id") if rec.get("id") is not None else f"{path.name}:{n}")
            yield Item(
                key=where,
                source_id=sid,
                path=str(path),
                text=rec["text"],
                published=pub,
                source=str(rec.get("source") or ""),
                title=str(rec.get("title") or ""),
                article_id=content_hash(rec["text"]),
            )


def _article_files(folder: Path) -> list[Path]:
    from mapapp.text.article import ARTICLE_SUFFIXES

    out = []
    for p in sorted(folder.rglob("*")):
        if not p.is_file() or p.name.startswith("."):
            continue
        if p.suffix.lower() in ARTICLE_SUFFIXES or p.suffix.lower() in JSONL_SUFFIXES:
            out.append(p)
    return out


def iter_items(sources: Sequence[str | Path], default_date: dt.date | str | None = None) -> Iterator[Item | Failure]:
    """Every article of ``sources`` (folders, article files, JSONL files), in a stable order.

    Unreadable inputs come out as :class:`Failure` and the rest continue.

    Raises
    ------
    InputError
        A source does not exist or is not a folder, article or JSONL file.
    """
    from mapapp.text.article import ARTICLE_SUFFIXES
    from mapapp.text.dates import coerce_date

    try:
        default = coerce_date(default_date) if default_date else None
    except ValueError as err:
        msg = f"--date {default_date!r} is not a date; expected YYYY-MM-DD, e.g. 2024-11-17."
        raise InputError(msg) from err
    paths: list[Path] = []
    for s in sources:
        p = Path(s).expanduser()
        if p.is_dir():
            paths += _article_files(p)
        elif p.is_file() and p.suffix.lower() in (*ARTICLE_SUFFIXES, *JSONL_SUFFIXES):
            paths.append(p)
        elif p.is_file():
            msg = (
                f"Source {str(p)!r} is neither an article (.txt, .md, .html) nor JSONL (.jsonl); "
                "give a folder of articles or a JSONL file."
            )
            raise InputError(msg)
        else:
            msg = f"Source {str(p)!r} does not exist; give a folder of articles or a JSONL file."
            raise InputError(msg)
    for p in paths:
        if p.suffix.lower() in JSONL_SUFFIXES:
            yield from _jsonl_items(p, default)
            continue
        try:
            item = _file_item(p, default)
        except InputError as err:
            reason = str(err)
            yield Failure(str(p), reason.replace(f"Article {str(p)!r} ", "").replace(f"{p}: ", ""))
        except ARTICLE_ERRORS as err:  # a reader bug must cost one article, not the run
            yield Failure(str(p), f"{type(err).__name__}: {str(err)[:200]}")
        else:
            yield item


# ----------------------------------------------------------------------------------- workers

_LOADS = 0


@lru_cache(maxsize=2)
def get_parser(data_dir: str | None = None) -> Geoparser:
    """This process's geoparser (gazetteer loaded on first call, then reused for every article).

    ``data_dir`` is the ``data/geo`` directory to load (None: :func:`mapapp.data.paths.data_dir`).
    """
    global _LOADS
    from mapapp.data.gazetteer import Gazetteer, get_gazetteer
    from mapapp.text.geoparse.parser import Geoparser

    gaz = Gazetteer.load(Path(data_dir)) if data_dir else get_gazetteer()
    _LOADS += 1
    return Geoparser(gaz)


def _peak_rss_kb() -> int:
    try:
        import resource
    except ImportError:  # pragma: no cover - not on POSIX
        return 0
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def unit_score(value: float) -> float:
    """A score or confidence clamped to [0, 1] (sums of probabilities can end at 1.0000000000000002)."""
    v = float(value)
    return min(1.0, max(0.0, v)) if v == v else 0.0


def process_batch(batch_id: str, items: Sequence[Item], data_dir: str | None = None) -> BatchOut:
    """Geoparse and extract events for ``items``; return the store tables of the batch.

    Runs on a worker. An article that fails is reported in ``failures`` and left out.
    """
    from mapapp.corpus.store import build_table, event_row
    from mapapp.text.events.extract import extract_events

    t0 = time.perf_counter()
    parser = get_parser(data_dir)
    arts: list[dict[str, object]] = []
    evs: list[dict[str, object]] = []
    ments: list[dict[str, object]] = []
    failures: list[Failure] = []
    for it in items:
        try:
            mentions = parser.parse(it.text)
            events = extract_events(it.text, it.published, source=it.source_id, mentions=mentions)
        except ARTICLE_ERRORS as err:
            failures.append(Failure(it.key, f"{type(err).__name__}: {err}"))
            continue
        counts: dict[str, tuple[int, float, float]] = {}
        for m in mentions:
            p = m.place
            ments.append(
                {
                    "article_id": it.article_id,
                    "start": m.start,
                    "end": m.end,
                    "surface": m.surface,
                    "place_id": p.id if p else None,
                    "place_name": p.name if p else None,
                    "kind": p.kind if p else None,
                    "country_code": p.country_code if p else None,
                    "score": unit_score(m.score),
                    "associative": m.associative,
                    "published": it.published,
                    "lon": float(p.lon) if p else None,
                    "lat": float(p.lat) if p else None,
                }
            )
            if p is not None and p.kind != "country":
                n, _, _ = counts.get(p.id, (0, p.lon, p.lat))
                counts[p.id] = (n + 1, p.lon, p.lat)
        main = max(counts.values(), key=lambda v: v[0]) if counts else None
        for i, e in enumerate(events):
            row = event_row(e, it.article_id, i, it.published)
            row["confidence"] = unit_score(e.confidence)
            evs.append(row)
        arts.append(
            {
                "article_id": it.article_id,
                "source_id": it.source_id,
                "path": it.path,
                "source": it.source,
                "title": it.title,
                "published": it.published,
                "n_chars": len(it.text),
                "n_mentions": len(mentions),
                "n_events": len(events),
                "batch": batch_id,
                "lon": float(main[1]) if main else None,
                "lat": float(main[2]) if main else None,
            }
        )
    tables = {
        "articles": build_table("articles", arts),
        "events": build_table("events", evs),
        "mentions": build_table("mentions", ments),
    }
    return BatchOut(
        batch_id=batch_id,
        tables=tables,
        failures=failures,
        pid=os.getpid(),
        parser_loads=_LOADS,
        peak_rss_kb=_peak_rss_kb(),
        seconds=time.perf_counter() - t0,
    )


def die_with_parent(parent_pid: int) -> None:
    """Worker initialiser: end this process when the ingest process ``parent_pid`` ends, even by ``kill -9``.

    Linux: ``prctl(PR_SET_PDEATHSIG, SIGKILL)`` has the kernel kill us the moment the parent dies.
    Everywhere: a daemon thread checks every :data:`PARENT_POLL_S` seconds that the parent is still
    ours (an orphan is re-parented), as a fallback. A worker that starts after its parent died exits
    at once.
    """
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # pragma: no cover - no prctl: the thread below does it
            pass
    if os.getppid() != parent_pid:
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent_pid,), name="mapapp-parent-watch", daemon=True).start()


#: ``PR_SET_PDEATHSIG`` from <linux/prctl.h>.
_PR_SET_PDEATHSIG = 1
#: Seconds between the fallback checks that a worker's parent is alive.
PARENT_POLL_S = 0.5


def _watch_parent(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(PARENT_POLL_S)
    os._exit(1)


def _die_with_parent_plugin(parent_pid: int) -> WorkerPlugin:
    """A dask.distributed worker plugin that runs :func:`die_with_parent` in each worker process."""
    from distributed.diagnostics.plugin import WorkerPlugin

    class DieWithParent(WorkerPlugin):
        name = "mapapp-die-with-parent"

        def setup(self, worker: object) -> None:
            die_with_parent(parent_pid)

    return DieWithParent()


# ----------------------------------------------------------------------------------- progress


class Progress:
    """A one-line progress bar on ``stream``: articles done/total, rate, failures, ETA."""

    def __init__(self, total: int, stream: TextIO | None, label: str = "ingest") -> None:
        self.total = total
        self.stream = stream
        self.label = label
        self.done = 0
        self.failed = 0
        self.t0 = time.perf_counter()
        self._last = 0.0
        self._tty = bool(stream is not None and hasattr(stream, "isatty") and stream.isatty())

    def update(self, articles: int, failed: int = 0) -> None:
        self.done += articles
        self.failed += failed
        now = time.perf_counter()
        if now - self._last >= (0.2 if self._tty else 5.0) and self.done < self.total:
            self._last = now
            self._draw(final=False)

    def _draw(self, final: bool) -> None:
        if self.stream is None:
            return
        el = max(time.perf_counter() - self.t0, 1e-9)
        rate = self.done / el
        frac = self.done / self.total if self.total else 1.0
        width = 24
        bar = "#" * int(frac * width) + "-" * (width - int(frac * width))
        eta = (self.total - self.done) / rate if rate > 0 else 0.0
        line = (
            f"{self.label} [{bar}] {self.done:,}/{self.total:,} articles {100 * frac:3.0f}% "
            f"{rate:,.1f}/s {self.failed} failed {el:,.0f} s elapsed, ETA {eta:,.0f} s"
        )
        if self._tty:
            self.stream.write("\r" + line + ("\n" if final else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def close(self) -> None:
        self._draw(final=True)


# ----------------------------------------------------------------------------------- running


def _batch_id(items: Sequence[Item]) -> str:
    h = hashlib.sha256("\n".join(it.article_id for it in items).encode()).hexdigest()
    return h[:20]


def _task(batch_id: str, items: list[Item], data_dir: str | None, key: str | None = None) -> Delayed:
    """The dask task of one batch. The items go in as one opaque argument: dask must not walk
    into the article dataclasses (that turns every field into graph nodes and is slow)."""
    import dask

    opaque = dask.delayed(tuple(items), traverse=False)
    return dask.delayed(process_batch, pure=False)(
        batch_id, opaque, data_dir, dask_key_name=key or f"process_batch-{batch_id}"
    )


def _run_local(
    batches: list[tuple[str, list[Item]]],
    scheduler: str,
    workers: int,
    data_dir: str | None,
    on_done: Callable[[BatchOut], None],
    tick: Callable[[int], None],
) -> None:
    """Local dask scheduler: rounds of ``2 * workers`` batches over one process pool."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    import dask
    from dask.callbacks import Callback

    sizes: dict[str, int] = {}

    class _Tick(Callback):
        def _posttask(self, key: object, result: object, dsk: object, state: object, worker_id: object) -> None:
            name = key[0] if isinstance(key, tuple) else key
            if isinstance(name, str) and name in sizes:
                tick(sizes[name])

    round_size = max(1, 2 * workers)
    pool = None
    cfg: dict[str, object] = {"scheduler": "sync" if scheduler == "sync" else scheduler, "num_workers": workers}
    if scheduler == "processes":
        ctx = multiprocessing.get_context(str(dask.config.get("multiprocessing.context", "spawn")))
        pool = ProcessPoolExecutor(
            max_workers=workers, mp_context=ctx, initializer=die_with_parent, initargs=(os.getpid(),)
        )
        cfg["pool"] = pool
        cfg["chunksize"] = 1  # dask's default (6) would send a whole round to one process
    try:
        with dask.config.set(cfg):
            for i in range(0, len(batches), round_size):
                chunk = batches[i : i + round_size]
                tasks = []
                for bid, items in chunk:
                    key = f"process_batch-{bid}"
                    sizes[key] = len(items)
                    tasks.append(_task(bid, items, data_dir, key))
                with _Tick():
                    outs = dask.compute(*tasks)
                for out in outs:
                    on_done(out)
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _run_distributed(
    batches: list[tuple[str, list[Item]]],
    scheduler: str,
    workers: int,
    data_dir: str | None,
    on_done: Callable[[BatchOut], None],
    tick: Callable[[int], None],
) -> int:
    """dask.distributed: a LocalCluster or a running scheduler; a window of batches in flight."""
    from distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler == "local-cluster":
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            # no dashboard, and the scheduler's own HTTP routes on a free loopback port (not 8787, which
            # another cluster or a notebook may hold)
            scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
        )
        client = Client(cluster)
        # the LocalCluster's worker processes are our children: they must not outlive this process
        client.register_plugin(_die_with_parent_plugin(os.getpid()))
    else:
        try:
            client = Client(scheduler, timeout="20s")
        except OSError as err:
            msg = f"Cannot reach the Dask scheduler {scheduler!r} ({err}); check the address and that it runs."
            raise InputError(msg) from err
    try:
        n_workers = max(1, len(client.scheduler_info().get("workers", {})))
        window = 2 * n_workers
        todo = list(batches)
        sizes: dict[str, int] = {}
        ac = as_completed()

        def submit() -> None:
            bid, items = todo.pop(0)
            fut = client.compute(_task(bid, items, data_dir))
            sizes[fut.key] = len(items)
            ac.add(fut)

        while todo and ac.count() < window:
            submit()
        for fut in ac:
            out: BatchOut = fut.result()
            tick(sizes.pop(fut.key, 0))
            on_done(out)
            if todo:
                submit()
        return n_workers
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def ingest(
    sources: Sequence[str | Path],
    store_dir: str | Path,
    *,
    default_date: dt.date | str | None = None,
    scheduler: str = "processes",
    workers: int | None = None,
    batch_size: int = 50,
    stream: TextIO | None = sys.stderr,
) -> IngestReport:
    """Ingest ``sources`` into the store at ``store_dir`` (created if missing).

    Parameters
    ----------
    scheduler
        ``"processes"`` (alias ``"local"``; default), ``"threads"``, ``"sync"``, ``"local-cluster"`` or a
        ``"tcp://HOST:PORT"`` dask.distributed scheduler address.
    workers
        Processes/threads for local schedulers and the LocalCluster (default: CPU count).
    batch_size
        Articles per batch (the unit of work and of atomic publication).
    stream
        Where the progress bar and nothing else goes (None: silent).

    Raises
    ------
    InputError
        Bad source, date, scheduler or batch size; the store is not writable or locked.
    """
    from mapapp.corpus.store import StoreCorrupt, open_store
    from mapapp.data.paths import data_dir

    if scheduler == "local":
        scheduler = "processes"
    if scheduler not in LOCAL_SCHEDULERS and not scheduler.startswith("tcp://"):
        msg = f"Unknown scheduler {scheduler!r}; expected processes, threads, sync, local-cluster or tcp://HOST:PORT."
        raise InputError(msg)
    if batch_size < 1:
        msg = f"--batch-size {batch_size!r} is not usable; give a positive number of articles, e.g. 50."
        raise InputError(msg)
    n = workers if workers is not None else (os.cpu_count() or 1)
    if n < 1:
        msg = f"--workers {workers!r} is not usable; give a positive number."
        raise InputError(msg)
    ddir = None if scheduler.startswith("tcp://") else str(data_dir())
    store = open_store(store_dir, create=True)
    report = IngestReport(store=str(store.root), scheduler=scheduler, workers=n)
    t0 = time.perf_counter()
    store.lock()  # held until the end: a second ingest into this store fails at once (StoreLocked)
    try:
        store.recover()
        damaged = store.problems("values")
        if damaged:
            more = f" ({len(damaged)} damaged batches; `mapapp store check` lists them)" if len(damaged) > 1 else ""
            raise StoreCorrupt(f"{str(damaged[0]).rstrip('.')}{more}.")
        known = store.article_ids()
        seen: set[str] = set()
        todo: list[Item] = []
        for it in iter_items(sources, default_date):
            if isinstance(it, Failure):
                report.failures.append(it)
                continue
            report.found += 1
            if it.article_id in known:
                report.skipped_known += 1
            elif it.article_id in seen:
                report.skipped_duplicate += 1
            else:
                seen.add(it.article_id)
                todo.append(it)
                report.no_date += it.published is None
        batches = [
            (_batch_id(todo[i : i + batch_size]), todo[i : i + batch_size]) for i in range(0, len(todo), batch_size)
        ]
        bar = Progress(len(todo), stream if todo else None)

        def tick(k: int) -> None:
            bar.update(k)

        def on_done(out: BatchOut) -> None:
            store.append(out.batch_id, out.tables)
            report.batches += 1
            report.ingested += out.tables["articles"].num_rows
            report.events += out.tables["events"].num_rows
            report.mentions += out.tables["mentions"].num_rows
            report.failures += out.failures
            report.worker_seconds += out.seconds
            loads, rss = report.worker_stats.get(out.pid, (0, 0))
            report.worker_stats[out.pid] = (max(loads, out.parser_loads), max(rss, out.peak_rss_kb))
            bar.failed += len(out.failures)

        if batches:
            try:
                if scheduler in ("processes", "threads", "sync"):
                    _run_local(batches, scheduler, n, ddir, on_done, tick)
                else:
                    report.workers = _run_distributed(batches, scheduler, n, ddir, on_done, tick)
            except BrokenProcessPool as err:
                msg = (
                    f"A worker process died ({err}); {report.batches} batch(es) were published and are "
                    "kept; re-run to finish. Out of memory? Try fewer --workers or a smaller --batch-size. "
                    "(From a script: call ingest() under `if __name__ == '__main__':`.)"
                )
                raise InputError(msg) from err
            bar.close()
    finally:
        store.unlock()
        report.seconds = time.perf_counter() - t0
    return report

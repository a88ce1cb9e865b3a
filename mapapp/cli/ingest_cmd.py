"""``mapapp ingest``: geoparse and extract events from a corpus into an event store, on Dask."""

from __future__ import annotations

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "sources",
        nargs="+",
        metavar="SOURCE",
        help="a folder of .txt/.md/.html articles, an article file, or a JSONL file "
        '({"id", "text", "published", "source"} per line)',
    )
    parser.add_argument(
        "--store", required=True, metavar="DIR", help="event store directory (GeoParquet; created if missing)"
    )
    parser.add_argument(
        "--date",
        default=None,
        metavar="YYYY-MM-DD",
        help="publication date for articles that give none (front matter, sidecar, JSONL)",
    )
    parser.add_argument(
        "--scheduler",
        default="processes",
        metavar="NAME",
        help="processes (default; alias local), threads, sync, local-cluster, "
        "or tcp://HOST:PORT of a dask.distributed scheduler",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help="worker processes for local schedulers (default: CPU count)",
    )
    parser.add_argument(
        "--batch-size",
        type=int,
        default=50,
        metavar="N",
        help="articles per batch, the unit of work and of atomic publication (default 50)",
    )
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress bar")


def run(args: argparse.Namespace) -> int:
    from mapapp.corpus.ingest import ingest

    report = ingest(
        args.sources,
        args.store,
        default_date=args.date,
        scheduler=args.scheduler,
        workers=args.workers,
        batch_size=args.batch_size,
        stream=None if args.quiet else sys.stderr,
    )
    print(report.summary(), file=sys.stderr)
    return 1 if report.failures else 0

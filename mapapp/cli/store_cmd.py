"""``mapapp store check STORE [--repair]``: find damage in an event store, and move it aside.

``check`` reads every part file of the store (footer, schema, row counts, coordinates, geometry,
scores, dates, that each batch's rows belong together and that no article is stored twice) and
lists each damaged batch on one line; exit status 1 when any. ``--repair`` moves damaged batches,
unlisted part files and an unreadable manifest into ``STORE/quarantine/<UTC time>/`` (nothing is
deleted) and rewrites the manifest; the next ``mapapp ingest`` processes those articles again.
"""

from __future__ import annotations

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    check = sub.add_parser(
        "check",
        help="check every file of an event store; --repair moves damaged batches aside",
        description=(__doc__ or "").split("\n\n", 1)[-1].replace("``", ""),
    )
    check.add_argument("store", metavar="STORE", help="event store directory (made by `mapapp ingest`)")
    check.add_argument(
        "--repair",
        action="store_true",
        help="move damaged batches into STORE/quarantine/ and rewrite the manifest (nothing is deleted)",
    )


def run(args: argparse.Namespace) -> int:
    from mapapp.corpus.store import open_store

    root = args.store
    if args.repair:
        return _repair(root)
    store = open_store(root)
    c = store.counts()
    print(
        f"store {store.root}: {c['batches']:,} batch(es), {c['articles']:,} articles, "
        f"{c['events']:,} events, {c['mentions']:,} mentions"
    )
    problems = store.problems("full")
    for p in problems:
        print(f"damaged: {p}")
    unlisted = store.unlisted()
    if unlisted:
        print(
            f"note: {len(unlisted)} part file(s) not in the manifest (left by an interrupted ingest; never read; "
            "the next ingest removes them, --repair moves them aside)"
        )
    if problems:
        print(
            f"mapapp store: {len(problems)} damaged batch(es) in {store.root}; run `mapapp store check --repair "
            f"{store.root}` to move them aside.",
            file=sys.stderr,
        )
        return 1
    print("ok: every part file is readable and consistent")
    return 0


def _repair(root: str) -> int:
    from pathlib import Path

    from mapapp.corpus.store import MANIFEST, EventStore

    p = Path(root).expanduser()
    if not p.is_dir() or not any((p / x).exists() for x in (MANIFEST, "articles", "events", "mentions")):
        from mapapp.errors import InputError

        msg = f"{str(p)!r} is not an event store (no {MANIFEST}, no part files); give the --store of an ingest."
        raise InputError(msg)
    rep = EventStore(p).repair()
    for prob in rep.problems:
        print(f"damaged: {prob}")
    for f in rep.moved:
        print(f"moved aside: {f}")
    if rep.manifest_rebuilt:
        print(f"manifest rebuilt from the part files: {rep.batches_kept} batch(es)")
    if rep.moved or rep.manifest_rebuilt:
        print(
            f"store {p}: repaired; {rep.batches_kept} batch(es) kept, {len(rep.moved)} file(s) moved to "
            f"{rep.quarantine or p} (nothing deleted). Run `mapapp ingest` again to process the articles of "
            "the moved batches."
        )
    else:
        print(f"store {p}: nothing to repair ({rep.batches_kept} sound batch(es))")
    return 0

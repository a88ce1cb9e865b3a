"""``mapapp events FILE...``: extract events from articles, import event files, merge, filter, print.

Articles (``.txt``, ``.md``, ``.html``) are read with :func:`mapapp.text.article.read_article` and run
through :func:`mapapp.text.events.extract.extract_events`; ``.csv``/``.geojson`` files are imported with
:mod:`mapapp.corpus.files`. Events found in several articles are merged (both sources listed).
Bad rows of event files are reported on stderr as ``FILE:line N: reason``; the good rows are
still printed, and the exit status is 1 at the end if any row was rejected.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from mapapp.errors import InputError


def _date_arg(value: str) -> dt.date:
    from mapapp.text.dates import coerce_date

    try:
        day = coerce_date(value)
    except ValueError:
        day = None
    if day is None:
        msg = f"{value!r} is not a date; expected YYYY-MM-DD, e.g. 2024-11-17"
        raise argparse.ArgumentTypeError(msg) from None
    return day


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "files", nargs="+", metavar="FILE", help="articles (.txt, .md, .html) and/or event files (.csv, .geojson)"
    )
    parser.add_argument(
        "--published",
        type=_date_arg,
        metavar="YYYY-MM-DD",
        help="publication date for every article (overrides front matter / sidecar)",
    )
    parser.add_argument(
        "--since", type=_date_arg, metavar="YYYY-MM-DD", help="keep events whose date range ends on or after this day"
    )
    parser.add_argument(
        "--until",
        type=_date_arg,
        metavar="YYYY-MM-DD",
        help="keep events whose date range starts on or before this day",
    )
    parser.add_argument(
        "--format", choices=("json", "csv", "geojson"), default="json", help="output format (default json)"
    )
    parser.add_argument("-o", "--output", metavar="PATH", help="write here instead of stdout")
    parser.add_argument(
        "--keep-undated", action="store_true", help="with --since/--until, also keep events without a date"
    )
    parser.add_argument(
        "--status",
        default="occurred,planned,threatened",
        metavar="LIST",
        help="violent events to report, comma-separated among occurred, planned, threatened, hypothetical, "
        "negated, or 'all' (default: occurred,planned,threatened)",
    )


def _statuses(value: str) -> tuple[str, ...]:
    """The event statuses ``--status`` asks for (raises InputError naming the bad value)."""
    from mapapp.model import EVENT_STATUSES

    got = EVENT_STATUSES if value == "all" else tuple(x.strip() for x in value.split(",") if x.strip())
    if not got or any(x not in EVENT_STATUSES for x in got):
        msg = f"--status {value!r}: expected a comma-separated list of {', '.join(EVENT_STATUSES)}, or 'all'."
        raise InputError(msg)
    return got


def run(args: argparse.Namespace) -> int:
    from mapapp.corpus.files import RowError, import_file, to_csv_text, to_geojson, write_text_atomic
    from mapapp.corpus.schema import event_to_dict
    from mapapp.model import Event
    from mapapp.text.article import ARTICLE_SUFFIXES, read_article
    from mapapp.text.events.extract import extract_events, filter_by_date, merge_events

    statuses = _statuses(args.status)
    if args.since and args.until and args.since > args.until:
        msg = f"--since {args.since} is after --until {args.until}; swap them."
        raise InputError(msg)
    events: list[Event] = []
    errors: list[RowError] = []
    column_sets: list[list[str]] = []
    n_articles = 0
    for name in args.files:
        p = Path(name)
        if not p.is_file():
            msg = f"{name!r} is not a file; give articles (.txt/.md/.html) or event files (.csv/.geojson)."
            raise InputError(msg)
        suffix = p.suffix.lower()
        if suffix in ARTICLE_SUFFIXES:
            art = read_article(p)
            if not art.text.strip():
                msg = f"{name} is empty: nothing to extract. Give an article with some text."
                raise InputError(msg)
            published = args.published or art.published
            if published is None:
                print(
                    f"mapapp events: warning: {name}: no publication date (front matter, "
                    f"{p.name}.meta.json or a YYYY-MM-DD file-name prefix); relative dates ('Sunday', "
                    "'last week', "
                    "'in October') are left unresolved. Give --published YYYY-MM-DD.",
                    file=sys.stderr,
                )
            events.extend(extract_events(art.text, published, source=str(p), statuses=statuses))
            n_articles += 1
        elif suffix in (".csv", ".geojson", ".json"):
            res = import_file(p)
            events.extend(res.events)
            errors.extend(res.errors)
            column_sets.append(res.columns)
        else:
            msg = (
                f"{name!r} has an unknown suffix {p.suffix!r}; expected .txt, .md, .html (articles) "
                "or .csv, .geojson (event files)."
            )
            raise InputError(msg)
    if n_articles > 1:
        events = merge_events(events)
    if args.since or args.until:
        events = filter_by_date(events, args.since, args.until, keep_undated=args.keep_undated)
    columns = (
        column_sets[0] if (n_articles == 0 and column_sets and all(c == column_sets[0] for c in column_sets)) else None
    )
    if args.format == "json":
        text = json.dumps([event_to_dict(e) for e in events], indent=1, ensure_ascii=False) + "\n"
    elif args.format == "csv":
        text = to_csv_text(events, columns)
    else:
        text = json.dumps(to_geojson(events, columns), ensure_ascii=False) + "\n"
    if args.output:
        write_text_atomic(args.output, text)
    else:
        sys.stdout.write(text)
    for row_err in errors:
        print(f"mapapp events: {row_err}", file=sys.stderr)
    if errors:
        print(f"mapapp events: {len(errors)} row(s) rejected; the other rows were loaded.", file=sys.stderr)
        return 1
    return 0

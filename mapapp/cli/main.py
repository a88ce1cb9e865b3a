"""The ``mapapp`` command: one sub-command per capability.

Each sub-command lives in ``mapapp/cli/<name>_cmd.py`` and exposes
``add_arguments(parser)`` and ``run(args) -> int``. Modules are imported only when their
command runs (``--help`` stays fast). This is the one place that turns a
:class:`~mapapp.errors.MapAppError` into the line a user reads.
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import re
import sys
from collections.abc import Sequence

from mapapp import __version__
from mapapp.errors import MapAppError, missing_extra

#: (name, module, one-line description) in the order ``mapapp --help`` lists them.
COMMANDS: list[tuple[str, str, str]] = [
    ("app", "mapapp.cli.app_cmd", "Start the Streamlit app on 127.0.0.1 (opens on the seed article)."),
    ("geoparse", "mapapp.cli.geoparse_cmd", "Find and resolve the places a text names; print JSON."),
    ("ring", "mapapp.cli.ring_cmd", "Print a geodesic range ring as a GeoJSON Feature."),
    ("reach", "mapapp.cli.reach_cmd", "List what lies within a weapon's range of launch points or a border."),
    ("weapons", "mapapp.cli.weapons_cmd", "List the weapon range catalogue with its sources."),
    ("events", "mapapp.cli.events_cmd", "Extract dated events from articles or import event files."),
    ("ingest", "mapapp.cli.ingest_cmd", "Ingest a corpus (folder or JSONL) into a GeoParquet event store, on Dask."),
    ("store", "mapapp.cli.store_cmd", "Check an event store for damage; --repair moves damaged batches aside."),
    ("snapshot", "mapapp.cli.snapshot_cmd", "Write the map as standalone HTML, PNG, PDF, GeoJSON or KML."),
    ("data", "mapapp.cli.data_cmd", "Check or rebuild the offline geographic data in data/geo."),
]


#: Sub-commands that resolve place names: they take ``--places FILE`` (the analyst's own places).
PLACE_COMMANDS = frozenset({"geoparse", "ring", "reach", "events", "ingest", "snapshot"})


def use_places(paths: Sequence[str]) -> None:
    """Merge user places files into the gazetteer of this process and of the ones it starts.

    Skipped rows are reported on stderr (``FILE:LINE: what is wrong``); a file with no usable
    row is an :class:`~mapapp.errors.InputError`.
    """
    import os

    from mapapp.data.gazetteer import PLACES_ENV, add_user_places

    for path in paths:
        _, problems = add_user_places(path)
        for line in problems:
            print(f"mapapp: warning: {line}", file=sys.stderr)
    # worker processes (ingest on Dask) load their own gazetteer: they read the same files
    old = [p for p in os.environ.get(PLACES_ENV, "").split(os.pathsep) if p]
    os.environ[PLACES_ENV] = os.pathsep.join([*old, *(os.path.abspath(p) for p in paths if p not in old)])


def _build(only: str | None) -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    parser = argparse.ArgumentParser(
        prog="mapapp",
        description="Offline-first geospatial conflict map.",
    )
    parser.add_argument("--version", action="version", version=f"mapapp {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    subs = {}
    for name, module, help_line in COMMANDS:
        p = sub.add_parser(name, help=help_line, description=help_line)
        if only is None or only == name:
            mod = importlib.import_module(module)
            mod.add_arguments(p)
            p.set_defaults(_module=module)
            if name in PLACE_COMMANDS:
                p.add_argument(
                    "--places",
                    metavar="FILE",
                    action="append",
                    default=[],
                    help="your own places (CSV or GeoJSON: name, aliases, lat, lon, kind), merged into the "
                    "gazetteer and winning ties; repeatable (also MAPAPP_PLACES)",
                )
            subs[name] = p
    return parser, subs


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser; sub-command options are added for ``only`` (or all when None)."""
    return _build(only)[0]


#: A value that starts with a minus and a digit ("-180,-90", "-33.9"): never an option name in mapapp.
_NEGATIVE_VALUE = re.compile(r"^-\d")


def attach_negative_values(parser: argparse.ArgumentParser, argv: Sequence[str]) -> list[str]:
    """``--from -180,-90`` -> ``--from=-180,-90`` for the options of ``parser`` that take one value.

    argparse reads a word that starts with ``-`` and is not a plain number as an option, so
    coordinates such as ``-180,-90`` after an option would fail with "expected one argument".
    Words after ``--`` are left alone.
    """
    takes_value = {
        opt
        for action in parser._actions  # argparse has no public list of a parser's options
        if action.option_strings and action.nargs is None
        for opt in action.option_strings
    }
    out: list[str] = []
    i = 0
    while i < len(argv):
        word = argv[i]
        if word == "--":
            out += argv[i:]
            break
        if word in takes_value and i + 1 < len(argv) and _NEGATIVE_VALUE.match(argv[i + 1]):
            out.append(f"{word}={argv[i + 1]}" if word.startswith("--") else f"{word}{argv[i + 1]}")
            i += 2
            continue
        out.append(word)
        i += 1
    return out


def _unrecognized(parser: argparse.ArgumentParser, unknown: list[str]) -> None:
    """Exit with the command's own usage, naming the words it does not know and the closest option."""
    options = [o for a in parser._actions for o in a.option_strings]  # no public list (see above)
    hints = []
    for word in unknown:
        close = difflib.get_close_matches(word.split("=")[0], options, 1) if word.startswith("-") else []
        hints.append(f"{word} (did you mean {close[0]}?)" if close else word)
    parser.error(f"unrecognized arguments: {' '.join(hints)}")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``mapapp`` script; returns the exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    names = {c[0] for c in COMMANDS}
    only = next((a for a in args_list if not a.startswith("-")), None)
    parser, subs = _build(only if only in names else "")
    if only in subs:
        args_list = attach_negative_values(subs[only], args_list)
    args, unknown = parser.parse_known_args(args_list)
    if unknown:
        _unrecognized(subs.get(str(getattr(args, "command", "") or "")) or parser, unknown)
    if not getattr(args, "_module", None):
        parser.print_help()
        return 0 if not args_list else 2
    mod = importlib.import_module(args._module)
    try:
        if getattr(args, "places", None):
            use_places(args.places)
        code: int = mod.run(args)
    except MapAppError as err:
        print(f"mapapp {args.command}: error: {err}", file=sys.stderr)
        return 1
    except ImportError as err:
        extra = missing_extra(err)
        if extra is None:
            raise
        print(f"mapapp {args.command}: error: {extra}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"mapapp {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as err:
        # the system refused a read or write (a full disk, a closed terminal): one line, no traceback
        where = f": {err.filename}" if err.filename else ""
        print(f"mapapp {args.command}: error: {err.strerror or err}{where}", file=sys.stderr)
        return 1
    return code


if __name__ == "__main__":
    raise SystemExit(main())

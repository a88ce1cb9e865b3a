"""The ``mapapp`` command: one sub-command per capability.

Each sub-command lives in ``mapapp/commands/<name>.py`` and exposes
``add_arguments(parser)`` and ``run(args) -> int``. Modules are imported only when their
command runs (``--help`` stays fast). This is the one place that turns a
:class:`~mapapp.errors.MapAppError` into the line a user reads.
"""

from __future__ import annotations

import argparse
import importlib
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
    ("snapshot", "mapapp.cli.snapshot_cmd", "Write the map as standalone HTML, PNG, PDF, GeoJSON or KML."),
    ("data", "mapapp.cli.data_cmd", "Check or rebuild the offline geographic data in data/geo."),
]


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser; sub-command options are added for ``only`` (or all when None)."""
    parser = argparse.ArgumentParser(
        prog="mapapp",
        description="Offline-first geospatial conflict map.",
    )
    parser.add_argument("--version", action="version", version=f"mapapp {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    for name, module, help_line in COMMANDS:
        p = sub.add_parser(name, help=help_line, description=help_line)
        if only is None or only == name:
            mod = importlib.import_module(module)
            mod.add_arguments(p)
            p.set_defaults(_module=module)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``mapapp`` script; returns the exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    names = {c[0] for c in COMMANDS}
    only = next((a for a in args_list if not a.startswith("-")), None)
    parser = build_parser(only if only in names else "")
    args = parser.parse_args(args_list)
    if not getattr(args, "_module", None):
        parser.print_help()
        return 0 if not args_list else 2
    mod = importlib.import_module(args._module)
    try:
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

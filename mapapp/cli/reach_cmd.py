"""``mapapp reach``: what lies within a weapon's range of launch points, a line or a border."""

from __future__ import annotations

import argparse
import json
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    size = parser.add_argument_group("range (give --weapon or --km)")
    size.add_argument("--weapon", metavar="KEY", help="weapon key from `mapapp weapons`, e.g. atacms")
    size.add_argument("--km", type=float, help="custom radius in km")
    parser.add_argument(
        "--catalogue",
        metavar="FILE",
        action="append",
        help="extra weapon catalogue CSV merged over the built-in one (also MAPAPP_WEAPONS)",
    )
    launch = parser.add_argument_group("launch (any mix)")
    launch.add_argument(
        "--from-border", metavar="CODE", help="launch from the land border of this country with --into (e.g. UKR)"
    )
    launch.add_argument(
        "--from",
        "--at",  # as in `ring` and `snapshot`
        dest="from_",
        metavar="PLACE",
        action="append",
        default=[],
        help='launch point: a place name ("Sumy") or "LON,LAT" in degrees, longitude '
        'first as everywhere in mapapp (e.g. "34.80,50.91"); repeatable',
    )
    launch.add_argument("--line", metavar="FILE", help="launch line, e.g. a front line (GeoJSON LineString)")
    parser.add_argument("--into", metavar="CODE", help="only count territory of this country (e.g. RUS)")
    parser.add_argument("--targets", metavar="FILE", help="your targets: CSV with lat/lon columns or GeoJSON points")
    parser.add_argument("--min-population", type=int, default=100_000, help="smallest city listed (default 100000)")
    parser.add_argument(
        "--format", choices=("table", "json", "csv", "geojson"), default="table", help="output format (default: table)"
    )
    parser.add_argument("--tolerance-m", type=float, default=100.0, help="geometry tolerance, m (default 100)")


def _point(text: str) -> tuple[tuple[float, float], str]:
    from mapapp.cli.ring_cmd import resolve_place

    lon, lat, label = resolve_place(text)
    return (lon, lat), label


def _check_two_countries(a: str, b: str) -> None:
    """``--from-border A --into B`` needs two different countries (a country has no border with itself)."""
    from mapapp.data.countries import countries
    from mapapp.errors import InputError

    if countries().get(a).iso2 == countries().get(b).iso2:
        msg = (
            f"--from-border {a} and --into {b} are the same country; a land border is shared by two "
            f"countries: give the neighbour to reach into, e.g. --from-border UKR --into RUS."
        )
        raise InputError(msg)


def run(args: argparse.Namespace) -> int:
    from shapely.geometry.base import BaseGeometry

    from mapapp.data.weapons import weapon_or_radius
    from mapapp.errors import InputError
    from mapapp.geo import geodesy
    from mapapp.geo.reach import reach
    from mapapp.geo.userfiles import read_line
    from mapapp.model import LonLat

    if args.km is not None:
        geodesy.check_radius_km(args.km)
    weapon = weapon_or_radius(args.weapon, args.km, args.catalogue)
    if args.min_population < 0:
        msg = f"--min-population {args.min_population!r} is negative; give 0 or more people."
        raise InputError(msg)
    border = None
    labels: list[str] = []
    if args.from_border:
        if not args.into:
            msg = f"--from-border {args.from_border} needs --into (the country on the other side, e.g. RUS)."
            raise InputError(msg)
        _check_two_countries(args.from_border, args.into)
        border = (args.from_border, args.into)
        labels.append(f"border {args.from_border.upper()}-{args.into.upper()}")
    points = []
    for text in args.from_:
        pt, label = _point(text)
        points.append(geodesy.check_lonlat(pt, f"launch point {text!r}"))
        labels.append(label)
    geom = None
    if args.line:
        geom = read_line(args.line)
        labels.append(f"line {args.line}")
    if not (border or points or geom is not None):
        msg = 'No launch: give --from-border CODE --into CODE, --from "PLACE" or --line FILE.'
        raise InputError(msg)
    from mapapp.geo.reach import launch_geometry

    launch: BaseGeometry | list[LonLat] = launch_geometry(points, geom) if (points or geom is not None) else []
    result = reach(
        launch,
        weapon=weapon,
        into=args.into,
        min_population=args.min_population,
        targets=args.targets,
        tolerance_m=args.tolerance_m,
        launch_label="; ".join(labels),
        border=border,
    )
    for problem in result.problems:
        print(f"mapapp reach: warning: {problem}", file=sys.stderr)
    if args.format == "json":
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=1))
    elif args.format == "geojson":
        print(json.dumps(result.to_geojson(), ensure_ascii=False))
    elif args.format == "csv":
        _csv(result)
    else:
        _table(result)
    return 0


def _csv(result: object) -> None:
    import pandas as pd

    from mapapp.geo.reach import Reach

    assert isinstance(result, Reach)
    frames = [
        result.cities.assign(kind="city"),
        result.regions.assign(kind="admin1"),
        result.countries.assign(kind="country"),
        result.airfields.assign(kind="airfield"),
    ]
    if result.targets is not None:
        frames.append(result.targets.assign(kind="target"))
    out = pd.concat(frames, ignore_index=True)
    cols = ["kind"] + [c for c in out.columns if c != "kind"]
    out[cols].to_csv(sys.stdout, index=False, lineterminator="\n")


def _table(result: object) -> None:
    import pandas as pd

    from mapapp.geo.reach import Reach

    assert isinstance(result, Reach)
    s = result.summary()
    w = result.weapon
    print(
        f"weapon:  {s['weapon_name']}  {result.radius_km:g} km"
        + (f"  (reported: {w.range_reported}; source: {w.source})" if w else "")
    )
    if w is not None and w.disputed:
        print("         range DISPUTED: " + "; ".join(f"{km:g} km ({lab})" for km, lab in w.alt_ranges))
    print(f"launch:  {s['launch']}" + (f"   into: {result.into}" if result.into else ""))
    print(f"area in range: {s['area_in_range_km2']:,.0f} km²\n")
    with pd.option_context("display.width", 200, "display.max_rows", 500, "display.max_columns", 20):
        print(f"cities (population >= threshold), nearest first: {len(result.cities)}")
        print(result.cities.drop(columns=["id"]).to_string(index=False) if len(result.cities) else "  (none)")
        print(f"\nadmin-1 regions in range: {len(result.regions)}")
        print(result.regions.drop(columns=["id"]).to_string(index=False) if len(result.regions) else "  (none)")
        print("\narea in range per country:")
        print(result.countries.to_string(index=False) if len(result.countries) else "  (none)")
        n_mil = int(result.airfields["military"].sum()) if len(result.airfields) else 0
        print(f"\nairfields in range: {len(result.airfields)} ({n_mil} named as military), nearest first")
        print(result.airfields.drop(columns=["id"]).to_string(index=False) if len(result.airfields) else "  (none)")
        if result.targets is not None:
            print(f"\ntargets: {int(result.targets['in_range'].sum())} of {len(result.targets)} in range")
            print(result.targets.to_string(index=False))

"""``mapapp ring``: print a geodesic range ring as a GeoJSON Feature."""

from __future__ import annotations

import argparse
import json
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    where = parser.add_argument_group("centre (give --lat and --lon, or --at)")
    where.add_argument("--lat", type=float, help="latitude of the centre, degrees (-90..90)")
    where.add_argument("--lon", type=float, help="longitude of the centre, degrees (-180..180)")
    where.add_argument("--at", metavar="PLACE", help="centre at a gazetteer place, e.g. Sumy")
    size = parser.add_argument_group("radius (give --km or --weapon)")
    size.add_argument("--km", type=float, help="radius in km")
    size.add_argument("--weapon", metavar="KEY", help="weapon key from `mapapp weapons`, e.g. atacms")
    parser.add_argument(
        "--catalogue",
        metavar="FILE",
        action="append",
        help="extra weapon catalogue CSV merged over the built-in one (also MAPAPP_WEAPONS)",
    )
    parser.add_argument(
        "--tolerance-m",
        type=float,
        default=100.0,
        help="max distance of any edge point from the true circle, m (default 100)",
    )
    parser.add_argument("--compact", action="store_true", help="one-line JSON")


def resolve_place(name: str) -> tuple[float, float, str]:
    """(lon, lat, display name) of a place query, through the one resolver (a city before the
    region of the same name; ``lon,lat`` text as the CLI's other options take it)."""
    from mapapp.data.resolver import resolve

    r = resolve(name, prefer="point", order="lonlat")
    if r.ambiguous:
        others = "; ".join(c.label for c in r.candidates[1:4])
        print(
            f"note: {name!r} is ambiguous; took {r.candidates[0].label}. Others: {others}. "
            "Add a qualifier (e.g. 'Pokrovsk, Donetsk') to choose.",
            file=sys.stderr,
        )
    return r.place.lon, r.place.lat, r.label


def run(args: argparse.Namespace) -> int:
    from shapely.geometry import mapping

    from mapapp.data.weapons import weapon_or_radius
    from mapapp.errors import InputError
    from mapapp.geo import geodesy

    if args.at and (args.lat is not None or args.lon is not None):
        msg = "Give either --at PLACE or --lat/--lon, not both."
        raise InputError(msg)
    if args.at:
        lon, lat, label = resolve_place(args.at)
    elif args.lat is not None and args.lon is not None:
        lon, lat, label = args.lon, args.lat, ""
    else:
        msg = "No centre: give --lat and --lon (degrees) or --at PLACE (e.g. --at Sumy)."
        raise InputError(msg)
    if args.km is not None:
        geodesy.check_radius_km(args.km)
    weapon = weapon_or_radius(args.weapon, args.km, args.catalogue)
    center = geodesy.check_lonlat((lon, lat), "centre")
    lons, lats = geodesy.circle_vertices(center, weapon.range_km, args.tolerance_m)
    geom = geodesy.ring_from_vertices(center, weapon.range_km, lons, lats)
    feature = {
        "type": "Feature",
        "geometry": mapping(geom),
        "properties": {
            "radius_km": weapon.range_km,
            "weapon": None if args.km is not None else weapon.key,
            "weapon_name": f"{weapon.name} {weapon.variant}".strip(),
            "range_reported": weapon.range_reported,
            "source": weapon.source,
            "disputed": weapon.disputed,
            "color": weapon.color,
            "center": [center.lon, center.lat],
            "center_name": label,
            "vertex_count": int(lons.size),
            "tolerance_m": args.tolerance_m,
            "area_km2": round(geodesy.area_km2(geom), 1),
        },
    }
    print(json.dumps(feature, ensure_ascii=False, indent=None if args.compact else 1))
    return 0

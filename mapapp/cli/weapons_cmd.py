"""``mapapp weapons``: list the weapon range catalogue with its sources."""

from __future__ import annotations

import argparse
import csv
import json
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format", choices=("table", "csv", "json"), default="table", help="output format (default: table)"
    )
    parser.add_argument(
        "--catalogue",
        metavar="FILE",
        action="append",
        help="extra catalogue CSV (same columns) merged over the built-in one; "
        "repeatable; also read from MAPAPP_WEAPONS",
    )


def run(args: argparse.Namespace) -> int:
    from mapapp.data.weapons import COLUMNS, format_alt_ranges, load_catalogue, weapon_to_dict

    cat = load_catalogue(args.catalogue)
    aliases: dict[str, list[str]] = {}
    for a, k in cat.aliases.items():
        aliases.setdefault(k, []).append(a)
    if args.format == "json":
        out = []
        for w in cat:
            d = weapon_to_dict(w)
            d["aliases"] = sorted(aliases.get(w.key, []))
            out.append(d)
        print(json.dumps({"files": [str(f) for f in cat.files], "weapons": out}, ensure_ascii=False, indent=2))
        return 0
    if args.format == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=list(COLUMNS), lineterminator="\n")
        writer.writeheader()
        for w in cat:
            writer.writerow(
                {
                    "key": w.key,
                    "aliases": ";".join(sorted(aliases.get(w.key, []))),
                    "name": w.name,
                    "variant": w.variant,
                    "range_km": f"{w.range_km:g}",
                    "range_reported": w.range_reported,
                    "source": w.source,
                    "note": w.note,
                    "alt_ranges": format_alt_ranges(w.alt_ranges),
                    "disputed": str(w.disputed).lower(),
                    "color": w.color,
                }
            )
        return 0
    width = max(len(w.key) for w in cat) if len(cat) else 10
    print(f"{'key':<{width}}  {'range':>9}  {'reported':<24}  system")
    for w in cat:
        flag = "  [DISPUTED]" if w.disputed else ""
        al = f" (also: {', '.join(sorted(aliases.get(w.key, [])))})" if aliases.get(w.key) else ""
        print(f"{w.key:<{width}}  {w.range_km:>6g} km  {w.range_reported[:24]:<24}  {w.name} {w.variant}{al}{flag}")
        print(f"{'':<{width}}  source: {w.source}")
        if w.alt_ranges:
            print(f"{'':<{width}}  other figures: {format_alt_ranges(w.alt_ranges)}")
    print(f"\n{len(cat)} systems from {', '.join(str(f) for f in cat.files)}")
    return 0

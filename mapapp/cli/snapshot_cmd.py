"""``mapapp snapshot``: write the map of an article as HTML, PNG, PDF, GeoJSON or KML."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mapapp.maps.spec import MapSpec, RangeLayer

LAYER_CHOICES = ("places", "events", "targets", "rings", "footprint", "countries", "admin1", "tiles")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "article", nargs="?", default=None, help="article file (.txt/.md/.html); default: the seed article in seeds/"
    )
    parser.add_argument(
        "--out", "-o", required=True, help="output file; the extension picks the format: .html .png .pdf .geojson .kml"
    )
    parser.add_argument(
        "--weapon",
        "-w",
        action="append",
        default=None,
        metavar="KEY",
        help="weapon from the catalogue (repeatable; default: atacms-m57); 'none' for none",
    )
    parser.add_argument("--km", type=float, default=None, help="an extra custom radius in km")
    parser.add_argument(
        "--from-border",
        default=None,
        metavar="ISO3",
        help="draw the footprint from this country's land border (default UKR; 'none' for none)",
    )
    parser.add_argument(
        "--into",
        default=None,
        metavar="ISO3",
        help="the country the footprint reaches into, across that border (default RUS)",
    )
    parser.add_argument(
        "--at",
        action="append",
        default=[],
        metavar="PLACE",
        help="launch point for rings: a place name, 'lon,lat' or 'Name@lon,lat' (repeatable)",
    )
    parser.add_argument("--width", type=int, default=1600, help="pixels (PNG/PDF), default 1600")
    parser.add_argument("--height", type=int, default=1000, help="pixels (PNG/PDF), default 1000")
    parser.add_argument(
        "--layers", default=None, help=f"comma-separated layers to show (default all): {','.join(LAYER_CHOICES)}"
    )
    parser.add_argument(
        "--tiles", choices=["osm"], default=None, help="add online OpenStreetMap tiles (needs network; off by default)"
    )
    parser.add_argument(
        "--renderer",
        choices=["auto", "chromium", "matplotlib"],
        default="auto",
        help="PNG/PDF renderer (auto: Chromium if installed, else matplotlib)",
    )
    parser.add_argument(
        "--store",
        default=None,
        metavar="DIR",
        help="draw an event store's events (from `mapapp ingest`) instead of an article",
    )
    parser.add_argument("--since", default=None, metavar="YYYY-MM-DD", help="with --store: first day")
    parser.add_argument("--until", default=None, metavar="YYYY-MM-DD", help="with --store: last day")
    parser.add_argument(
        "--max-events",
        type=int,
        default=2000,
        metavar="N",
        help="with --store: above N events draw density cells instead (default 2000)",
    )


def run(args: argparse.Namespace) -> int:
    from mapapp.errors import InputError
    from mapapp.render.snapshot import output_format

    out = Path(args.out)
    output_format(out)  # bad --out fails before any work
    hidden: list[str] = []
    if args.layers is not None:
        want = {x.strip().lower() for x in args.layers.split(",") if x.strip()}
        bad = sorted(want - set(LAYER_CHOICES))
        if bad:
            msg = (
                f"Unknown layer(s) {', '.join(map(repr, bad))} in --layers; "
                f"expected some of {', '.join(LAYER_CHOICES)}."
            )
            raise InputError(msg)
        hidden = [k for k in LAYER_CHOICES if k not in want and k != "tiles"]
    weapons = args.weapon
    if weapons is not None and [w.lower() for w in weapons] == ["none"]:
        weapons = []
    border = args.from_border
    if border is not None and border.lower() == "none":
        border = ""
    if args.into:
        if border == "":
            msg = f"--into {args.into!r} needs a border to cross; drop --from-border none."
            raise InputError(msg)
        border = f"{border or 'UKR'}:{args.into}"

    from mapapp.maps.scene import build_scene
    from mapapp.render import snapshot

    if args.store is not None:
        spec = _store_spec(args, weapons, hidden)
        res = snapshot.write(spec, out, width=args.width, height=args.height, renderer=args.renderer)
        print(
            f"wrote {res.path} ({res.fmt}, {res.path.stat().st_size:,} bytes, {res.renderer}, {res.seconds:.2f} s)",
            file=sys.stderr,
        )
        return 0
    spec = build_scene(
        args.article,
        weapons=weapons,
        custom_km=args.km,
        at=args.at,
        border=border,
        hidden=hidden,
        tiles=args.tiles is not None,
    )
    res = snapshot.write(spec, out, width=args.width, height=args.height, renderer=args.renderer)
    note = f"; blocked {len(res.blocked)} non-local request(s)" if res.blocked else ""
    print(
        f"wrote {res.path} ({res.fmt}, {res.path.stat().st_size:,} bytes, {res.renderer}, {res.seconds:.2f} s{note})",
        file=sys.stderr,
    )
    return 0


def _store_spec(args: argparse.Namespace, weapons: list[str] | None, hidden: list[str]) -> MapSpec:
    """``--store``: the store's events in --since..--until (density cells when many); rings only
    around explicit --at launch points."""
    from mapapp.corpus.store import open_store
    from mapapp.errors import InputError
    from mapapp.maps.storeview import store_spec, store_view

    if args.article is not None:
        msg = f"Give an article ({args.article!r}) or --store, not both."
        raise InputError(msg)
    view = store_view(open_store(args.store), args.since, args.until, max_events=args.max_events)
    ranges: tuple[RangeLayer, ...] = ()
    if args.at:
        from mapapp.data.weapons import custom_weapon, load_catalogue
        from mapapp.maps import model as appmodel
        from mapapp.maps.scene import launch_point
        from mapapp.maps.viewstate import DEFAULT_WEAPONS, LaunchPoint

        cat = load_catalogue()
        ws = [cat.get(k) for k in (DEFAULT_WEAPONS if weapons is None else weapons)]
        if args.km is not None:
            ws.append(custom_weapon(args.km))
        launch = [LaunchPoint(*launch_point(t)) for t in args.at]
        ranges = appmodel.range_layers(ws, launch, "")
    return store_spec(
        view, title=f"Event store: {args.store}", ranges=ranges, hidden=hidden, tiles=args.tiles is not None
    )

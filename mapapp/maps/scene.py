"""Article in, :class:`~mapapp.maps.spec.MapSpec` out: the map the CLI snapshot draws.

Wires the same steps the app uses (:mod:`mapapp.maps.model`: geoparse, events, place marks,
geodesic rings and border footprints, reach), so ``mapapp snapshot`` and the app show the same
map for the same choices. No folium here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from mapapp.errors import InputError
from mapapp.maps.spec import MapSpec, PlaceMark

_NUM = r"-?\d+(?:\.\d+)?"
_LONLAT_RE = re.compile(rf"^\s*(?:(?P<name>[^@]*)@)?\s*(?P<lon>{_NUM})\s*,\s*(?P<lat>{_NUM})\s*$")


def seed_article() -> Path:
    """The seed article the app opens on (``seeds/<SEED_NAME>``)."""
    from mapapp.maps.viewstate import SEED_NAME, seed_dir

    return seed_dir() / SEED_NAME


def launch_point(text: str, marks: Sequence[PlaceMark] = ()) -> tuple[str, float, float]:
    """Resolve ``--at`` text to (name, lon, lat).

    Accepts ``"lon,lat"``, ``"Name@lon,lat"``, or a place name: first the article's own places
    (by name or as written), then the gazetteer's best match.

    Raises
    ------
    PlaceNotFound
        The name is neither in the article nor in the gazetteer.
    """
    m = _LONLAT_RE.match(text)
    if m:
        from mapapp.geo.geodesy import check_lonlat

        ll = check_lonlat((float(m["lon"]), float(m["lat"])), "--at")
        return ((m["name"] or "").strip() or f"{ll.lat:.3f}, {ll.lon:.3f}", ll.lon, ll.lat)
    key = " ".join(text.split()).casefold()
    if not key:
        msg = f"Empty launch point {text!r}; give a place name or 'lon,lat'."
        raise InputError(msg)
    for pm in marks:
        names = {pm.place.name.casefold(), *(s.casefold() for s in pm.surfaces)}
        if key in names:
            return (pm.place.name, pm.place.lon, pm.place.lat)
    from mapapp.data.resolver import resolve

    p = resolve(text, prefer="point", order="lonlat").place
    return (p.name, p.lon, p.lat)


def build_scene(
    article: str | Path | None = None,
    *,
    weapons: Sequence[str] | None = None,
    custom_km: float | None = None,
    at: Sequence[str] = (),
    border: str | None = None,
    hidden: Sequence[str] = (),
    tiles: bool = False,
    basemap: bool = True,
) -> MapSpec:
    """The map for ``article`` (a file; default the seed) with the app's defaults.

    Parameters
    ----------
    weapons
        Catalogue keys or aliases; None = the app's default (ATACMS).
    custom_km
        An extra one-off radius (km).
    at
        Launch points (see :func:`launch_point`); rings are drawn around them.
    border
        ISO3 code whose land border the footprint is drawn from (``"UKR"``); None = the app's
        default, ``""`` = none.
    hidden
        Layer keys to start switched off.
    """
    from mapapp.data.weapons import custom_weapon, load_catalogue
    from mapapp.maps import model as appmodel
    from mapapp.maps.viewstate import DEFAULT_BORDER, DEFAULT_WEAPONS, LaunchPoint

    path = Path(article) if article is not None else seed_article()
    if not path.is_file():
        msg = f"Article {str(path)!r} is not a file; give a .txt, .md or .html article."
        raise InputError(msg)
    doc = appmodel.doc_from_file(str(path))
    analysis = appmodel.analyse(doc)
    marks = appmodel.place_marks(analysis, {})
    cat = load_catalogue()
    ws = [cat.get(k) for k in (DEFAULT_WEAPONS if weapons is None else weapons)]
    if custom_km is not None:
        ws.append(custom_weapon(custom_km))
    launch = [LaunchPoint(*launch_point(t, marks)) for t in at]
    bdr = DEFAULT_BORDER if border is None else border.upper()
    layers = appmodel.range_layers(ws, launch, bdr)
    rows = appmodel.reach_table(layers, marks, bdr) if layers else []
    targets = appmodel.targets_for_map(rows)
    return appmodel.build_spec(
        doc, marks, analysis.events, layers, targets, hidden=frozenset(hidden), tiles=tiles, basemap=basemap
    )

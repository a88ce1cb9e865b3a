"""The app's map as a small Streamlit component of its own (frontend: ``component/``).

Why not ``st_folium``: a component that owns the view in the browser is the simplest way to
hold the rules the app needs (see ``component/mapapp_map.js``): the server never sends back a
view the browser reported, only an explicit command with a new id; layers are swapped in place
by key and digest; the layer control's state comes back with the view, so the sidebar, the map
and the URL share one state. Everything it is given comes from :mod:`mapapp.app.mapview`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import streamlit.components.v1 as components

from mapapp.app import mapview
from mapapp.render.layers import MAX_ZOOM, MIN_ZOOM

#: The component's name in Streamlit (and in its iframe's title).
NAME = "mapapp_map"
_COMPONENT = components.declare_component(NAME, path=str(Path(__file__).resolve().parent / "component"))


def map_component(
    layers: Sequence[mapview.MapLayer],
    *,
    view: dict[str, object],
    visible_rev: int,
    attribution: str,
    key: str,
    height: int = mapview.MAP_HEIGHT_PX,
    on_change: Callable[[], None] | None = None,
) -> dict[str, object] | None:
    """Draw the map; returns the browser's last report (see ``component/mapapp_map.js``): the
    view (centre [lat, lon], zoom, bounds [w, s, e, n], size [w, h] px), the layers shown, the
    count of the person's toggles in the map's control, and the last click.

    ``view`` is the current view command ({id, center, zoom} or {id, bounds}): the browser
    applies it once per id. ``visible_rev`` changes when the server sets which layers are shown.
    ``attribution`` must be HTML-escaped.
    """
    value = _COMPONENT(
        height=height,
        assets=mapview.base_assets(),
        setup=mapview.setup_code(),
        layers=[lay.to_arg() for lay in layers],
        visible_rev=visible_rev,
        view=view,
        attribution=attribution,
        min_zoom=MIN_ZOOM,
        max_zoom=MAX_ZOOM,
        key=key,
        default=None,
        on_change=on_change,
    )
    return value if isinstance(value, dict) else None

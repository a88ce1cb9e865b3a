"""Heavy, immutable things the app computes once per process (Streamlit resource caches).

The gazetteer, the weapon catalogue, parsed articles, range polygons, reach tables, the map's
layer files and the warm snapshot browser are shared by every session of the server; per-person
state lives in ``st.session_state`` (see :mod:`mapapp.app.session`).
"""

from __future__ import annotations

import streamlit as st

from mapapp.app import mapview
from mapapp.maps import model as appmodel
from mapapp.maps import viewstate as appstate
from mapapp.maps.library import ArticleLibrary
from mapapp.maps.spec import MapSpec
from mapapp.maps.viewstate import LaunchPoint
from mapapp.model import Weapon
from mapapp.render.snapshot import WarmBrowser


@st.cache_resource(show_spinner=False)
def static_assets() -> dict[str, str]:
    """Leaflet and its plugins copied into the served static directory (once per process)."""
    return mapview.ensure_static_assets()


@st.cache_resource(show_spinner="Loading the weapon catalogue…")
def catalogue() -> dict[str, Weapon]:
    """The weapon catalogue by key."""
    from mapapp.data.weapons import load_catalogue

    return {w.key: w for w in load_catalogue()}


@st.cache_resource(show_spinner="Loading the gazetteer…")
def gazetteer() -> object:
    """The offline gazetteer (loaded once)."""
    from mapapp.data.gazetteer import get_gazetteer

    return get_gazetteer()


@st.cache_resource(show_spinner=False, max_entries=16)
def seed_doc(name: str) -> appmodel.ArticleDoc:
    """A seed article (a file in ``seeds/``)."""
    return appmodel.doc_from_file(str(appstate.seed_dir() / name))


def gazetteer_version() -> int:
    """Changes whenever places are added to the gazetteer (the analyst's own places): part of the
    keys of everything computed from it."""
    return int(getattr(gazetteer(), "version", 0))


@st.cache_resource(show_spinner="Reading the article…", max_entries=32)
def analysis(doc: appmodel.ArticleDoc, gaz_version: int = 0) -> appmodel.Analysis:
    """The article geoparsed and its events extracted (``gaz_version``: see :func:`gazetteer_version`)."""
    gazetteer()
    return appmodel.analyse(doc)


@st.cache_resource(show_spinner="Drawing ranges…", max_entries=128)
def range_layers(
    weapons: tuple[Weapon, ...], launch: tuple[LaunchPoint, ...], border: str
) -> tuple[appmodel.RangeLayer, ...]:
    """Each weapon's geodesic rings and border footprint."""
    return appmodel.range_layers(weapons, launch, border)


@st.cache_resource(show_spinner=False, max_entries=128)
def reach(
    _layers: tuple[appmodel.RangeLayer, ...],
    _marks: tuple[appmodel.PlaceMark, ...],
    border: str,
    key: tuple[object, ...],
) -> tuple[list[appmodel.ReachRow], dict[str, float]]:
    """Reach rows and areas (km²); ``key`` identifies the layers and marks (they are unhashable)."""
    rows = appmodel.reach_table(_layers, _marks, border)
    areas = {lay.key: appmodel.area_km2(lay.geometry) for lay in _layers}
    return rows, areas


@st.cache_resource(show_spinner=False, max_entries=256)
def map_layers(
    _spec: MapSpec, view: tuple[float, float, float, float], key: tuple[object, ...]
) -> list[mapview.MapLayer]:
    """The map component's layers for a spec (its layer files written once); ``key`` identifies
    what the spec draws (see :func:`mapapp.app.mapview.without_visibility`)."""
    return mapview.map_layers(_spec, view)


@st.cache_resource(show_spinner=False)
def library() -> ArticleLibrary:
    """The local article library (see :mod:`mapapp.maps.library`)."""
    return ArticleLibrary()


@st.cache_resource(show_spinner=False)
def browser() -> WarmBrowser:
    """One Chromium kept warm for every snapshot of this server (started in the background)."""
    b = WarmBrowser()
    b.warm()
    return b

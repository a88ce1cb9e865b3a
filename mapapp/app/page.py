"""The Streamlit app: an article's places, events and weapon ranges on an offline map.

Run with ``mapapp app`` (or ``streamlit run mapapp/app/page.py``). Streamlit is imported only
under ``mapapp/app``. This script lays out the page; each part has its own module:

* :mod:`~mapapp.app.session` — the person's state, read from the link, written to the URL;
  the view commands (the browser owns the view, see :mod:`~mapapp.app.mapcomponent`);
* :mod:`~mapapp.app.articles` — seeds, uploads, pasted text and the article library;
* :mod:`~mapapp.app.controls` — weapons and launch points;
* :mod:`~mapapp.app.layerpanel` — the one layer control (sidebar, map and URL);
* :mod:`~mapapp.app.tables` — places (and fixes), events, reach;
* :mod:`~mapapp.app.snapshots` — saving what is on screen;
* :mod:`~mapapp.app.storepage` — an event store over time;
* :mod:`~mapapp.app.messages` — messages that stay until the next action;
* :mod:`~mapapp.app.caches` — what is computed once per process.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from mapapp import settings
from mapapp.app import (
    articles,
    caches,
    controls,
    layerpanel,
    mapcomponent,
    mapview,
    messages,
    session,
    snapshots,
    storepage,
    tables,
    tools,
)
from mapapp.errors import MapAppError
from mapapp.maps import model as appmodel
from mapapp.maps.spec import MapSpec, article_bounds
from mapapp.maps.viewstate import ViewState, md
from mapapp.model import LonLat
from mapapp.render.layers import esc, format_latlon
from mapapp.render.snapshot import chromium_available

#: Set to "0" to not keep a Chromium warm for snapshots (tests that never take one).
WARM_ENV = "MAPAPP_WARM_BROWSER"
#: What the map shows when there is no article yet.
NO_ARTICLE = appmodel.ArticleDoc("", "No article yet", "", None, "")


def _centre(marks: tuple[appmodel.PlaceMark, ...]) -> LonLat | None:
    """The centre of the article's places (where names typed for launch points are preferred)."""
    if not marks:
        return None
    w, s, e, n = article_bounds(MapSpec(title="", places=marks))
    return LonLat((w + e) / 2, (s + n) / 2)


def _fit(bounds: list[float]) -> None:
    messages.new_action()
    session.set_view({"bounds": bounds})


def draw_map(spec: MapSpec, subject: str) -> dict[str, str]:
    """The map of ``spec``. ``subject`` names what it is about (an article, a store): when it
    changes the map is fitted to it, unless the person asked to keep their view. Returns the
    layers' titles (key -> title, in the map control's order)."""
    ss = st.session_state
    fit = [round(x, 5) for x in article_bounds(spec)]
    if subject != ss.get("shown_subject"):
        first = ss.get("shown_subject") is None
        ss["shown_subject"] = subject
        ss["basemap_view"] = tuple(fit)
        if (first and ss.get("view_cmd") is None) or (not first and not ss.get("keep_view")):
            session.set_view({"bounds": fit})
    what = "event store" if subject.startswith("store:") else "article"
    c1, c2 = st.columns([3, 2])
    c1.toggle(
        f"Keep my view when the {what} changes",
        key="keep_view",
        on_change=messages.new_action,
        help=f"Off: a new {what} moves the map to its places and events.",
    )
    c2.button(f"Fit the map to the {what}", on_click=_fit, args=(fit,), key="fit_map")
    try:
        layers = caches.map_layers(
            mapview.without_visibility(spec), ss["basemap_view"], (subject, mapview.spec_digest(spec))
        )
    except MapAppError as err:
        st.error(md(f"Cannot draw the map: {err}"))
        return {}
    layers = [replace(lay, on=spec.is_on(lay.key)) for lay in [*layers, *tools.map_layers()]]
    titles = {lay.key: lay.title for lay in layers}
    layerpanel.sidebar(titles)
    report = mapcomponent.map_component(
        layers,
        view=ss["view_cmd"] or {"id": 0, "bounds": fit},
        visible_rev=int(ss.get("visible_rev", 0)),
        attribution=esc(spec.attribution()),
        key=session.MAP_KEY,
        on_change=session.on_map_report,
    )
    tools.take_report(report)
    click = ss.get("pending_click")
    if click:
        lat, lng = click
        st.button(
            f"Add the clicked point ({format_latlon(lat, lng, 3)}) as a launch point",
            on_click=controls.add_clicked_point,
            args=(lat, lng),
            key="add_click",
        )
    return titles


def article_page() -> None:
    """An article's map: places, events, ranges, reach, snapshots."""
    ss = st.session_state
    doc = articles.choose()
    analysis = caches.analysis(doc, caches.gazetteer_version()) if doc is not None else None
    overrides: dict[str, str] = ss["overrides"].setdefault(doc.key, {}) if doc is not None else {}
    marks = appmodel.place_marks(analysis, overrides) if analysis is not None else ()
    ss["article_centre"] = _centre(marks)
    weapons, launch, border = controls.sidebar(marks)
    tools.search_box()
    tools.targets_list()
    tools.measure_panel()
    tools.front_panel()
    tools.places_panel()

    layers: tuple[appmodel.RangeLayer, ...] = ()
    try:
        layers = caches.range_layers(tuple(weapons), tuple(launch), border)
    except MapAppError as err:
        messages.say("error", f"Cannot draw the ranges: {err}")
    layers = (*layers, *tools.front_layers(weapons))
    checked = (*marks, *tools.target_marks())
    reach_key = (
        tuple(lay.key for lay in layers),
        tuple(launch),
        border,
        tuple(pm.place.id for pm in checked),
        caches.gazetteer_version(),  # the analyst's own airfields are reach targets too
    )
    rows, areas = caches.reach(layers, checked, border, reach_key) if layers else ([], {})
    targets = appmodel.targets_for_map(rows)

    shown = doc or NO_ARTICLE
    st.markdown(f"#### {md(shown.title)}")
    if doc is not None:
        meta = " · ".join(
            x
            for x in (
                doc.source,
                doc.published.isoformat() if doc.published else "",
                f"{len(marks)} places",
                f"{len(analysis.events) if analysis else 0} events",
            )
            if x
        )
        st.caption(md(meta))
        if not marks:
            st.warning("No places found in this article. The map shows the ranges only.")

    # the map first (it is what a person waits for), then the tables beside and below it
    events = appmodel.filter_events(analysis.events, *tables.event_window(analysis.events)) if analysis else ()
    spec = appmodel.build_spec(
        shown,
        marks,
        events,
        layers,
        targets,
        hidden=frozenset(ss.get("hidden", set())),
        tiles=bool(ss.get("tiles")),
        basemap=True,
    )
    map_col, side_col = st.columns([2, 1], gap="medium")
    with map_col:
        titles = draw_map(spec, doc.key if doc is not None else "none")
        snapshots.panel(spec, titles)
    if not session.tables_due():  # a new session: the map first; the tables come with its first report
        side_col.caption("Reach, places and events follow as soon as the map is drawn…")
    else:
        with side_col:
            tables.reach(layers, rows, areas)
        if analysis is not None:
            tab_places, tab_events = st.tabs(["Places", "Events"])
            with tab_events:
                tables.events(analysis.events)
            with tab_places:
                tables.places(analysis, overrides)
    st.session_state["last_article_ref"] = articles.article_ref(doc)
    session.write_url(session.link_state(st.session_state["last_article_ref"], launch, overrides))


def store_page(store_dir: str) -> bool:
    """An event store over time (the sidebar's "Event store"): a timeline that can play. False
    when the store cannot be read (the error is said; the caller shows the article)."""

    def draw(spec: MapSpec) -> None:
        spec = replace(spec, hidden=frozenset(st.session_state.get("hidden", set())))
        titles = draw_map(spec, f"store:{store_dir}")
        snapshots.panel(spec, titles)

    if not storepage.timeline(store_dir, draw):
        return False
    # the link keeps the article the person had chosen (the default when none was)
    session.write_url(session.link_state(st.session_state.get("last_article_ref", ViewState().article), [], {}))
    return True


def main() -> None:
    st.set_page_config(page_title="mapapp — conflict map", page_icon="🗺️", layout="wide")
    caches.static_assets()
    session.init()
    if st.session_state.get("screen") is not None and settings.get(WARM_ENV) != "0" and chromium_available():
        caches.browser()  # once a map is drawn, start the snapshot browser (in the background, once)
    area = st.container()  # messages: always the first thing in the page, so the map never moves down
    st.sidebar.title("mapapp")
    store_dir = st.sidebar.text_input(
        "Event store",
        key="store_dir",
        placeholder="directory from `mapapp ingest`",
        help="Show an event store instead of an article: events over time.",
        on_change=messages.new_action,
    )
    articles.restore_from_link()
    if not (store_dir.strip() and store_page(store_dir.strip())):
        article_page()
    messages.show(area)


main()

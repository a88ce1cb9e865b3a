"""The Streamlit app: an article's places, events and weapon ranges on an offline map.

Run with ``mapapp app`` (or ``streamlit run mapapp/app/page.py``). The only module that imports
streamlit. All per-user state lives in ``st.session_state``; heavy, immutable things (the
gazetteer, the weapon catalogue, parsed articles, range polygons) are cached per process.
The view (article, weapons, launch points, layers, centre and zoom) is mirrored in the URL
query parameters, so a link reopens the same map.
"""

from __future__ import annotations

import copy
import datetime as dt
import tempfile
from dataclasses import replace
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from mapapp import settings
from mapapp.app import mapview as appmap
from mapapp.app import tools
from mapapp.errors import InputError, MapAppError
from mapapp.maps import model as appmodel
from mapapp.maps import viewstate as appstate
from mapapp.maps.spec import LAYER_EVENTS, LAYER_PLACES, LAYER_TARGETS, MapSpec, format_km
from mapapp.maps.viewstate import LaunchPoint, ViewState, md
from mapapp.model import Weapon
from mapapp.render.leaflet import format_latlon

UPLOAD_LABEL = "Upload a file (.txt, .md, .html)"
PASTE_LABEL = "Paste text"
SNAPSHOT_FORMATS = {
    "PNG": ("png", "image/png"),
    "PDF": ("pdf", "application/pdf"),
    "HTML": ("html", "text/html"),
    "GeoJSON": ("geojson", "application/geo+json"),
    "KML": ("kml", "application/vnd.google-earth.kml+xml"),
}
SNAPSHOT_PX = (1400, 960)


# --------------------------------------------------------------------------- cached, per process


@st.cache_resource(show_spinner=False)
def _static_assets() -> dict[str, str]:
    return appmap.ensure_static_assets()


@st.cache_resource(show_spinner="Loading the weapon catalogue…")
def _catalogue() -> dict[str, Weapon]:
    from mapapp.data.weapons import load_catalogue

    return {w.key: w for w in load_catalogue()}


@st.cache_resource(show_spinner="Loading the gazetteer…")
def _gazetteer() -> object:
    from mapapp.data.gazetteer import get_gazetteer

    return get_gazetteer()


@st.cache_resource(show_spinner=False, max_entries=16)
def _seed_doc(name: str) -> appmodel.ArticleDoc:
    return appmodel.doc_from_file(str(appstate.seed_dir() / name))


@st.cache_resource(show_spinner="Reading the article…", max_entries=32)
def _analysis(doc: appmodel.ArticleDoc) -> appmodel.Analysis:
    _gazetteer()
    return appmodel.analyse(doc)


@st.cache_resource(show_spinner="Drawing ranges…", max_entries=128)
def _range_layers(
    weapons: tuple[Weapon, ...], launch: tuple[LaunchPoint, ...], border: str
) -> tuple[appmodel.RangeLayer, ...]:
    return appmodel.range_layers(weapons, launch, border)


@st.cache_resource(show_spinner=False, max_entries=128)
def _reach(
    _layers: tuple[appmodel.RangeLayer, ...],
    _marks: tuple[appmodel.PlaceMark, ...],
    border: str,
    key: tuple[object, ...],
) -> tuple[list[appmodel.ReachRow], dict[str, float]]:
    """Reach rows and areas (km²); ``key`` identifies the layers and marks (they are unhashable)."""
    layers = _layers
    rows = appmodel.reach_table(layers, _marks, border)
    areas = {lay.key: appmodel.area_km2(lay.geometry) for lay in layers}
    return rows, areas


@st.cache_resource(show_spinner=False, max_entries=16)
def _base_map(
    _spec: MapSpec, view: tuple[float, float, float, float], key: tuple[object, ...]
) -> tuple[object, object]:
    """The pristine base map for an article's view (``key``: what it depends on); deep-copy it."""
    return appmap.base_map(_spec, view)


# --------------------------------------------------------------------------- session state


def _init_session() -> None:
    """First run of a browser session: read the URL, set widget defaults."""
    if st.session_state.get("_init"):
        return
    seeds = appstate.seed_files(appstate.seed_dir())
    params = st.query_params.to_dict()
    start = settings.get("MAPAPP_ARTICLE")
    if start and "article" not in params:
        params["article"] = start
    state, warnings = appstate.from_query(params, seeds)
    warnings += tools.init_from_query(params)
    ss = st.session_state
    ss["_init"] = True
    ss["url_warnings"] = warnings
    seed = state.seed_name
    ss["article_choice"] = (
        seed
        if seed in seeds
        else PASTE_LABEL
        if state.article == appstate.ARTICLE_PASTE
        else UPLOAD_LABEL
        if state.article == appstate.ARTICLE_UPLOAD
        else (appstate.SEED_NAME if appstate.SEED_NAME in seeds else (seeds or [PASTE_LABEL])[0])
    )
    cat = _catalogue()
    good = [k for k in state.weapons if k in cat]
    unknown = [k for k in state.weapons if k not in cat]
    if unknown:
        warnings.append(f"Unknown weapons {unknown!r} in the link were left out.")
    ss["weapons"] = good
    ss["custom_on"] = state.custom_km is not None
    ss["custom_km"] = float(state.custom_km or 150.0)
    ss["border_on"] = bool(state.border)
    ss["extra_points"] = {p.name: p for p in state.launch}
    ss["launch_names"] = [p.name for p in state.launch]
    ss["hidden"] = set(state.hidden)
    ss["tiles"] = state.tiles
    ss["basemap"] = "countries" not in state.hidden
    ss["overrides"] = {}
    ss["views"] = {}
    ss["map_center"] = (state.center.lat, state.center.lon) if state.center else None
    ss["map_zoom"] = state.zoom
    ss["map_bounds"] = None
    ss["date_from"], ss["date_to"] = state.date_from, state.date_to
    ss["docs"] = {}
    ss["flash"] = []


def _flash(kind: str, text: str) -> None:
    st.session_state.setdefault("flash", []).append((kind, text))


def _show_flash() -> None:
    for kind, text in st.session_state.get("flash", []):
        (st.warning if kind == "warning" else st.error if kind == "error" else st.success)(md(text))
    st.session_state["flash"] = []


# --------------------------------------------------------------------------- article


def _choose_article() -> appmodel.ArticleDoc | None:
    seeds = appstate.seed_files(appstate.seed_dir())
    options = [*seeds, UPLOAD_LABEL, PASTE_LABEL]
    if st.session_state.get("article_choice") not in options:
        st.session_state["article_choice"] = options[0]
    choice = st.sidebar.selectbox("Article", options, key="article_choice")
    docs: dict[str, appmodel.ArticleDoc] = st.session_state["docs"]
    if choice == UPLOAD_LABEL:
        up = st.sidebar.file_uploader("Article file", type=["txt", "md", "markdown", "html", "htm"], key="upload")
        if up is not None:
            sig = f"{up.name}:{up.size}"
            if st.session_state.get("upload_sig") != sig:
                try:
                    text = appstate.text_from_upload(up.name, up.getvalue())
                except InputError as err:
                    st.error(md(err))
                    return docs.get("last")
                doc = appmodel.doc_from_text(text, up.name)
                docs["upload"] = doc
                st.session_state["upload_sig"] = sig
            doc = docs["upload"]
        elif "upload" in docs:
            doc = docs["upload"]
        else:
            st.info("Upload a .txt, .md or .html article (50 MB at most) in the sidebar.")
            return docs.get("last")
    elif choice == PASTE_LABEL:
        with st.sidebar.form("paste_form"):
            st.text_area("Article text", key="paste_text", height=180, placeholder="Paste the text of a news article…")
            used = st.form_submit_button("Map this text")
        if used:
            try:
                text = appstate.text_from_paste(st.session_state.get("paste_text", ""))
            except InputError as err:
                st.error(md(err))
                return docs.get("last")
            docs["paste"] = appmodel.doc_from_text(text, "pasted text")
        if "paste" not in docs:
            st.info("Paste an article's text in the sidebar and press “Map this text”.")
            return docs.get("last")
        doc = docs["paste"]
    else:
        try:
            doc = _seed_doc(choice)
        except MapAppError as err:
            st.error(md(err))
            return docs.get("last")
    docs["last"] = doc
    return doc


# --------------------------------------------------------------------------- sidebar controls


def _weapon_label(w: Weapon) -> str:
    return f"{w.name} — {w.variant} ({format_km(w.range_km)})" if w.variant else f"{w.name} ({format_km(w.range_km)})"


def _add_place_cb() -> None:
    ss = st.session_state
    query = (ss.get("place_query") or "").strip()
    if not query:
        _flash("warning", "Type a place name to add it as a launch point.")
        return
    from mapapp.data.resolver import resolve

    try:
        res = resolve(query, prefer="point")
    except MapAppError as err:
        _flash("warning", f"{err}")
        return
    p = res.place
    lp = LaunchPoint(p.name, p.lon, p.lat)
    ss["extra_points"][lp.name] = lp
    if lp.name not in ss["launch_names"]:
        ss["launch_names"] = [*ss["launch_names"], lp.name]
    ss["place_query"] = ""
    others = ""
    if res.ambiguous:
        others = (
            " Other places of that name: "
            + "; ".join(c.label for c in res.candidates[1:4])
            + " — add a qualifier (e.g. 'Pokrovsk, Donetsk') to choose."
        )
    _flash(
        "success",
        f"Added launch point {res.candidates[0].label}; {format_latlon(p.lat, p.lon, 3)}.{others}",
    )


def _add_click_cb(lat: float, lng: float) -> None:
    ss = st.session_state
    try:
        lp = appstate.click_point(lat, lng)
    except InputError as err:
        _flash("warning", str(err))
        return
    ss["extra_points"][lp.name] = lp
    if lp.name not in ss["launch_names"]:
        ss["launch_names"] = [*ss["launch_names"], lp.name]


def _controls(marks: tuple[appmodel.PlaceMark, ...]) -> tuple[list[Weapon], list[LaunchPoint], str]:
    ss = st.session_state
    sb = st.sidebar
    cat = _catalogue()
    sb.subheader("Weapons")
    ss["weapons"] = [k for k in ss.get("weapons", []) if k in cat]
    sb.multiselect("From the catalogue", list(cat), key="weapons", format_func=lambda k: _weapon_label(cat[k]))
    c1, c2 = sb.columns([1, 1])
    c1.checkbox("Custom radius", key="custom_on")
    c2.number_input(
        "km",
        min_value=1.0,
        max_value=20000.0,
        step=10.0,
        key="custom_km",
        disabled=not ss["custom_on"],
        label_visibility="collapsed",
    )
    weapons = [cat[k] for k in ss["weapons"]]
    if ss["custom_on"]:
        from mapapp.data.weapons import custom_weapon

        try:
            weapons.append(custom_weapon(float(ss["custom_km"])))
        except InputError as err:
            st.warning(md(err))

    sb.subheader("Launch points")
    sb.checkbox("From the Ukraine–Russia border (front line)", key="border_on")
    article_pts = {
        pm.place.name: LaunchPoint(pm.place.name, pm.place.lon, pm.place.lat)
        for pm in marks
        if pm.place.kind not in ("country", "continent")
    }
    options = {**article_pts, **ss["extra_points"]}
    ss["launch_names"] = [n for n in ss.get("launch_names", []) if n in options]
    sb.multiselect(
        "Around places (rings)",
        list(options),
        key="launch_names",
        help="The article's places, places you searched for, and points you clicked on the map.",
    )
    sb.text_input("Add a place by name", key="place_query", placeholder="e.g. Sumy, Kharkiv")
    sb.button("Add launch point", on_click=_add_place_cb)
    launch = [options[n] for n in ss["launch_names"]]
    border = appstate.DEFAULT_BORDER if ss["border_on"] else ""
    return weapons, launch, border


def _layer_toggles(titles: dict[str, str]) -> set[str]:
    ss = st.session_state
    sb = st.sidebar
    sb.subheader("Layers")
    hidden: set[str] = set(ss.get("hidden", set()))
    for key, title in titles.items():
        wkey = f"lyr:{key}"
        if wkey not in ss:
            ss[wkey] = key not in hidden
        sb.checkbox(title, key=wkey)
        if ss[wkey]:
            hidden.discard(key)
        else:
            hidden.add(key)
    sb.checkbox("Basemap (offline borders)", key="basemap")
    sb.checkbox(
        "Online map tiles (OpenStreetMap — contacts the internet)",
        key="tiles",
        help="Off by default: the app works offline. Tiles are fetched from openstreetmap.org.",
    )
    ss["hidden"] = hidden
    return hidden


# --------------------------------------------------------------------------- tables


def _places_table(analysis: appmodel.Analysis, overrides: dict[str, str]) -> None:
    rows = appmodel.apply_overrides(analysis.rows, overrides)
    if not rows:
        st.warning(
            "No places found in this article: nothing to put on the map from it. "
            "Ranges from launch points or the border still work."
        )
        return
    df = pd.DataFrame(
        [
            {
                "name": r.surface,
                "resolved to": r.place.name if r.place else "(not a place)",
                "kind": r.place.kind if r.place else "",
                "country": r.place.country_code if r.place else "",
                "count": r.count,
                "confidence": r.confidence,
                "lat": round(r.place.lat, 4) if r.place else None,
                "lon": round(r.place.lon, 4) if r.place else None,
            }
            for r in rows
        ]
    )
    st.dataframe(
        df,
        hide_index=True,
        width="stretch",
        column_config={"confidence": st.column_config.ProgressColumn(min_value=0.0, max_value=1.0, format="%.2f")},
    )
    fixable = {r.surface_key: r for r in rows if len(r.alternatives) > 1 or r.place is not None}
    with st.expander("Fix a wrong place"):
        sk = st.selectbox(
            "Name in the article", list(fixable), format_func=lambda k: fixable[k].surface, key="fix_surface"
        )
        if sk is not None:
            row = fixable[sk]
            choices = [p.id for p in row.alternatives] + [""]
            labels = {
                p.id: f"{p.name} ({p.kind}, {p.country_code or '—'}; {p.lat:.2f}, {p.lon:.2f})"
                for p in row.alternatives
            }
            labels[""] = "(not a place — leave it off the map)"
            current = row.place.id if row.place else ""
            pick = st.selectbox(
                "Resolve it to",
                choices,
                index=choices.index(current) if current in choices else 0,
                format_func=lambda i: labels[i],
                key=f"fix_pick:{sk}",
            )
            if st.button("Apply", key="fix_apply") and pick != current:
                overrides[sk] = pick
                st.rerun()


def _events_table(events: tuple[appmodel.Event, ...]) -> tuple[str, str]:
    ss = st.session_state
    if not events:
        st.caption("No events found in this article.")
        return "", ""
    span = appmodel.event_date_span(events)
    date_from, date_to = ss.get("date_from", ""), ss.get("date_to", "")
    if span is not None and span[0] < span[1]:
        lo, hi = span
        try:
            cur = (
                dt.date.fromisoformat(date_from) if date_from else lo,
                dt.date.fromisoformat(date_to) if date_to else hi,
            )
        except ValueError:
            cur = (lo, hi)
        cur = (min(max(cur[0], lo), hi), max(min(cur[1], hi), lo))
        picked = st.slider("Event dates", min_value=lo, max_value=hi, value=cur, format="YYYY-MM-DD", key="date_slider")
        a, b = picked
        date_from = "" if a == lo else a.isoformat()
        date_to = "" if b == hi else b.isoformat()
    ss["date_from"], ss["date_to"] = date_from, date_to
    shown = appmodel.filter_events(events, date_from, date_to)
    df = pd.DataFrame(
        [
            {
                "date": (ev.date.start if ev.date.start == ev.date.end else f"{ev.date.start} – {ev.date.end}")
                if ev.date
                else "unknown",
                "date status": ev.date.status if ev.date else "",
                "type": ev.event_type + (f" / {ev.sub_event_type}" if ev.sub_event_type else ""),
                "planned": ev.planned,
                "where": ", ".join(p.name for p in ev.places),
                "actors": ", ".join(ev.actors),
                "figures": ", ".join(f"{n:,} {what}" for what, n in ev.figures),
                "source": ev.source or ", ".join(ev.outlets),
                "sentence": ev.sentence,
                "confidence": ev.confidence,
            }
            for ev in shown
        ]
    )
    st.dataframe(df, hide_index=True, width="stretch")
    st.caption(f"{len(shown)} of {len(events)} events shown.")
    return date_from, date_to


def _reach_panel(
    layers: tuple[appmodel.RangeLayer, ...], rows: list[appmodel.ReachRow], areas: dict[str, float]
) -> None:
    st.subheader("Reach")
    if not layers:
        st.caption("Choose a weapon and a launch point (or the border) to see what lies in range.")
        return
    from mapapp.maps.origins import by_origin

    for origin, group in by_origin(layers):
        st.markdown(f"##### From {md(origin)}")
        for lay in group:
            _reach_layer(lay, rows, areas)


def _reach_layer(lay: appmodel.RangeLayer, rows: list[appmodel.ReachRow], areas: dict[str, float]) -> None:
    """One range layer's reach: its area and the checked places inside it."""
    inside = [r for r in rows if r.layer_key == lay.key and r.in_range]
    st.markdown(f"**{md(lay.title)}** — {md(lay.label)}  \nArea in range: **{areas.get(lay.key, 0):,.0f} km²**")
    if inside:
        st.dataframe(
            pd.DataFrame(
                [
                    {"place": r.place, "kind": r.kind, "distance km": r.distance_km, "margin km": r.margin_km}
                    for r in inside
                ]
            ),
            hide_index=True,
            width="stretch",
            height=min(36 + 35 * len(inside), 250),
        )
    else:
        st.caption("No checked place lies in range.")
    src = lay.weapon.source
    if src:
        st.caption(md(f"Range {lay.weapon.range_reported or format_km(lay.weapon.range_km)} — {src}"))


# --------------------------------------------------------------------------- map + snapshots


def _view_bounds() -> tuple[float, float, float, float] | None:
    b = st.session_state.get("map_bounds")
    try:
        sw, ne = b["_southWest"], b["_northEast"]  # type: ignore[index]
        w, s, e, n = float(sw["lng"]), float(sw["lat"]), float(ne["lng"]), float(ne["lat"])
    except (TypeError, KeyError, ValueError):
        return None
    if not (w < e and s < n):
        return None
    return (max(w, -180.0), max(s, -85.0), min(e, 180.0), min(n, 85.0))


def _snapshot(spec: MapSpec, fmt_label: str) -> tuple[bytes, str, str]:
    from mapapp.render import snapshot

    ext, mime = SNAPSHOT_FORMATS[fmt_label]
    with tempfile.TemporaryDirectory(prefix="mapapp-app-") as d:
        out = Path(d) / f"map.{ext}"
        snapshot.write(spec, out, width=SNAPSHOT_PX[0], height=SNAPSHOT_PX[1])
        data = out.read_bytes()
    return data, f"mapapp-{dt.datetime.now():%Y%m%d-%H%M%S}.{ext}", mime


def _snapshot_panel(spec: MapSpec) -> None:
    ss = st.session_state
    st.subheader("Save what is on screen")
    c1, c2 = st.columns([2, 3])
    fmt = c1.selectbox("Format", list(SNAPSHOT_FORMATS), key="snap_fmt", label_visibility="collapsed")
    if c2.button("Prepare snapshot", key="snap_make"):
        bounds = _view_bounds()
        snap_spec = spec.with_view(bounds=bounds) if bounds else spec
        try:
            with st.spinner(f"Rendering {fmt}…"):
                ss["snap"] = (fmt, *_snapshot(snap_spec, fmt))
        except MapAppError as err:
            st.error(md(f"Could not make the {fmt} snapshot: {err}"))
    snap = ss.get("snap")
    if snap:
        fmt_done, data, name, mime = snap
        st.download_button(
            f"Download {fmt_done} ({len(data) / 1024:,.0f} KB)",
            data,
            file_name=name,
            mime=mime,
            key="snap_download",
            on_click="ignore",
        )


def _state(
    doc_choice: str, weapons: list[Weapon], launch: list[LaunchPoint], border: str, hidden: set[str]
) -> ViewState:
    ss = st.session_state
    article = (
        "seed:" + doc_choice
        if doc_choice not in (UPLOAD_LABEL, PASTE_LABEL)
        else appstate.ARTICLE_UPLOAD
        if doc_choice == UPLOAD_LABEL
        else appstate.ARTICLE_PASTE
    )
    center = ss.get("map_center")
    hidden_all = set(hidden) | ({"countries"} if not ss.get("basemap", True) else set())
    return ViewState(
        article=article,
        weapons=tuple(w.key for w in weapons if not w.key.startswith("custom")),
        custom_km=float(ss["custom_km"]) if ss.get("custom_on") else None,
        launch=tuple(launch),
        border=border,
        hidden=frozenset(hidden_all),
        tiles=bool(ss.get("tiles")),
        center=appstate.check_lonlat(center[1], center[0]) if center else None,
        zoom=ss.get("map_zoom"),
        date_from=ss.get("date_from", ""),
        date_to=ss.get("date_to", ""),
    )


def main() -> None:
    st.set_page_config(page_title="mapapp — conflict map", page_icon="🗺️", layout="wide")
    _static_assets()
    tools.page_css()
    _init_session()
    ss = st.session_state
    for w in ss.get("url_warnings", []):
        st.warning(md(w))
    ss["url_warnings"] = []

    st.sidebar.title("mapapp")
    store_dir = st.sidebar.text_input(
        "Event store",
        key="store_dir",
        placeholder="directory from `mapapp ingest`",
        help="Show an event store instead of an article: events over time.",
    )
    if store_dir.strip():
        tools.timeline_page(store_dir.strip())
        return
    doc = _choose_article()
    _show_flash()
    if doc is None:
        return
    analysis = _analysis(doc)
    overrides: dict[str, str] = ss["overrides"].setdefault(doc.key, {})
    marks = appmodel.place_marks(analysis, overrides)
    weapons, launch, border = _controls(marks)
    tools.search_box()
    tools.targets_list()
    tools.measure_panel()
    tools.front_panel()

    layers: tuple[appmodel.RangeLayer, ...] = ()
    try:
        layers = _range_layers(tuple(weapons), tuple(launch), border)
    except MapAppError as err:
        st.error(md(f"Cannot draw the ranges: {err}"))
    layers = (*layers, *tools.front_layers(weapons))
    checked = (*marks, *tools.target_marks())
    reach_key = (tuple(lay.key for lay in layers), tuple(launch), border, tuple(pm.place.id for pm in checked))
    rows, areas = _reach(layers, checked, border, reach_key) if layers else ([], {})
    targets = appmodel.targets_for_map(rows)

    st.markdown(f"#### {md(doc.title)}")
    meta = " · ".join(
        x
        for x in (
            doc.source,
            doc.published.isoformat() if doc.published else "",
            f"{len(marks)} places",
            f"{len(analysis.events)} events",
        )
        if x
    )
    st.caption(md(meta))
    if not marks:
        st.warning("No places found in this article. The map shows the ranges only.")

    # events first (the date filter changes what the map shows), laid out below the map
    map_col, side_col = st.columns([2, 1], gap="medium")
    below = st.container()
    with below:
        tab_places, tab_events = st.tabs(["Places", "Events"])
        with tab_events:
            date_from, date_to = _events_table(analysis.events)
        with tab_places:
            _places_table(analysis, overrides)
    events = appmodel.filter_events(analysis.events, date_from, date_to)

    full = appmodel.build_spec(doc, marks, events, layers, targets)
    titles = appmap.layer_titles(replace(full, places=full.places or marks))
    titles = {
        k: titles[k] for k in [LAYER_PLACES, LAYER_EVENTS, *[r.key for r in layers], LAYER_TARGETS] if k in titles
    }
    hidden = _layer_toggles(titles)
    spec = appmodel.build_spec(
        doc,
        marks,
        events,
        layers,
        targets,
        hidden=frozenset(hidden),
        tiles=bool(ss.get("tiles")),
        basemap=bool(ss.get("basemap", True)),
    )

    views: dict[str, tuple[float, float, float, float]] = ss["views"]
    if doc.key not in views:
        views[doc.key] = spec.focus_bounds()
        if ss.get("map_article") is not None:
            ss["map_center"], ss["map_zoom"] = None, None
    ss["map_article"] = doc.key
    view = views[doc.key]

    with map_col:
        try:
            base_key = (doc.key, doc.title, spec.attribution(), view, spec.basemap, spec.tiles)
            base, control = copy.deepcopy(_base_map(spec, view, base_key))
            tools.decorate(base)  # type: ignore[arg-type]
            groups = appmap.layer_groups(spec, view)
            groups.update(tools.map_groups())
        except MapAppError as err:
            st.error(md(f"Cannot draw the map: {err}"))
            return
        w, s, e, n = view
        center = ss.get("map_center") or ((s + n) / 2, (w + e) / 2)
        zoom = ss.get("map_zoom") or appmap.fit_zoom(view)
        out = st_folium(
            base,
            key=f"map-{doc.key}-{int(spec.basemap)}-{int(bool(spec.tiles))}",
            height=appmap.MAP_HEIGHT_PX,
            use_container_width=True,
            feature_group_to_add=list(groups.values()),
            layer_control=control,
            center=center,
            zoom=zoom,
            returned_objects=["last_clicked", "center", "zoom", "bounds", "all_drawings"],
        )
        tools.take_map_output(out)
        if isinstance(out, dict):
            c = out.get("center")
            if isinstance(c, dict) and "lat" in c and "lng" in c:
                ss["map_center"] = (float(c["lat"]), float(c["lng"]))
            if isinstance(out.get("zoom"), int | float):
                ss["map_zoom"] = int(out["zoom"])
            if out.get("bounds"):
                ss["map_bounds"] = out["bounds"]
            click = out.get("last_clicked")
            if isinstance(click, dict) and "lat" in click and "lng" in click:
                lat, lng = float(click["lat"]), float(click["lng"])
                st.button(
                    f"Add the clicked point ({format_latlon(lat, lng, 3)}) as a launch point",
                    on_click=_add_click_cb,
                    args=(lat, lng),
                    key="add_click",
                )
        _snapshot_panel(spec)
    with side_col:
        _reach_panel(layers, rows, areas)

    state = _state(ss["article_choice"], weapons, launch, border, hidden)
    query = {**state.to_query(), **tools.link_query()}
    if query != st.query_params.to_dict():
        st.query_params.from_dict(query)


main()

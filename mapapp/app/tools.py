"""The analyst's tools in the Streamlit app: find a place, measure, front lines, the store timeline.

* :func:`search_box` - one box for a place name or coordinates (decimal, degrees-minutes-seconds,
  MGRS) through :func:`mapapp.data.resolver.resolve`; the candidates are listed (name, kind,
  admin-1, country, population) and the chosen one becomes a launch point, a reach target, a
  point of the measurement, or where the map zooms to.
* :func:`measure_panel` - geodesic distance and initial bearing (:mod:`mapapp.geo.measure`)
  along points from the search box, map clicks or a line drawn on the map; km and miles.
* :func:`front_panel` - a front line or area of control loaded from GeoJSON/KML or drawn on the
  map; each chosen weapon's footprint from it (:func:`mapapp.maps.origins.shape_layers`, the
  same area as ``mapapp reach --line``).
* :func:`map_layers` / :func:`take_report` - the tools' own layers for the map component (the
  measured path, the front line) and what the map reports back for them (drawn shapes).

The event store's timeline is :mod:`mapapp.app.storepage`. Every control's state goes into the
shared link (:mod:`mapapp.maps.toolstate`). The page calls these through a few hook lines;
state lives in ``st.session_state`` under ``t_*`` keys (the map's last click is the page's
``pending_click``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence

import pandas as pd
import shapely
import streamlit as st
from shapely.geometry import shape as to_shape
from shapely.geometry.base import BaseGeometry

from mapapp.app import messages, session
from mapapp.app.mapview import MapLayer
from mapapp.errors import InputError, MapAppError
from mapapp.geo.measure import format_bearing, format_distance, measure_path
from mapapp.maps.spec import PlaceMark, RangeLayer
from mapapp.maps.toolstate import ToolState, shape_for_link, tools_from_query
from mapapp.maps.viewstate import LaunchPoint, check_lonlat, md
from mapapp.model import LonLat, Place, Weapon
from mapapp.render import plugins
from mapapp.render.layers import LayerProgram, format_latlon

#: Zoom level a "Zoom to" pick opens at.
ZOOM_TO_LEVEL = 9
#: Countries a front-line footprint can be clipped to, first in the list (the rest follow by name).
INTO_FIRST = ("RUS", "UKR", "BLR")


# --------------------------------------------------------------------------- state and link


def init_from_query(params: Mapping[str, str | list[str]]) -> list[str]:
    """First run of a session: the tools' state from the link; returns warnings to show."""
    state, warnings = tools_from_query(params)
    ss = st.session_state
    ss["t_measure"] = [(f"{p.lat:.4f}, {p.lon:.4f}", p) for p in state.measure]
    ss["t_front"] = state.front
    ss["t_front_name"] = state.front_name or ("the front line" if state.front is not None else "")
    ss["t_into"] = state.into
    ss["t_targets"] = {t.name: t for t in state.targets}
    ss["t_step"] = state.step
    ss["t_cum"] = state.cumulative
    ss["t_playing"] = False
    ss["t_drawings"] = []
    return warnings


def tool_state() -> ToolState:
    """The tools' current state (for the link)."""
    ss = st.session_state
    return ToolState(
        measure=tuple(p for _n, p in ss.get("t_measure", [])),
        front=ss.get("t_front"),
        front_name=ss.get("t_front_name", ""),
        into=ss.get("t_into", ToolState.into),
        targets=tuple(ss.get("t_targets", {}).values()),
        step=ss.get("t_step", "week"),
        cumulative=bool(ss.get("t_cum")),
    )


def link_query() -> dict[str, str]:
    """The tools' URL query parameters (merged into the page's link)."""
    return tool_state().to_query()


def _flash(kind: str, text: str) -> None:
    """A message shown until the person's next action (see :mod:`mapapp.app.messages`)."""
    messages.say("warning" if kind == "warning" else "success", text)


# --------------------------------------------------------------------------- search


@st.cache_resource(show_spinner=False, max_entries=128)
def _resolve(query: str) -> object:
    from mapapp.data.resolver import resolve

    return resolve(query, prefer="point", limit=8)


def _candidate_label(c: object, first: bool) -> str:
    p: Place = c.place  # type: ignore[attr-defined]
    if p.kind == "point":
        return f"{format_latlon(p.lat, p.lon, 5)} (coordinates)"
    far = "" if first else f" — {c.distance_km:,.0f} km from the first"  # type: ignore[attr-defined]
    return f"{c.label}{far}"  # type: ignore[attr-defined]


def _use_pick(action: str, name: str, lon: float, lat: float) -> None:
    """Callback of the search box's buttons: use the picked place as ``action``."""
    messages.new_action()
    ss = st.session_state
    lp = LaunchPoint(name, lon, lat)
    where = format_latlon(lat, lon, 3)
    if action == "launch":
        ss.setdefault("extra_points", {})[name] = lp
        if name not in ss.get("launch_names", []):
            ss["launch_names"] = [*ss.get("launch_names", []), name]
        _flash("success", f"Added launch point {name} ({where}).")
    elif action == "target":
        ss.setdefault("t_targets", {})[name] = lp
        _flash("success", f"Checking reach to {name} ({where}).")
    elif action == "measure":
        ss.setdefault("t_measure", []).append((name, LonLat(lon, lat)))
        _flash("success", f"Added {name} ({where}) to the measurement.")
    else:
        session.set_view({"center": [lat, lon], "zoom": ZOOM_TO_LEVEL})
        _flash("success", f"Zoomed to {name} ({where}).")


def search_box() -> None:
    """The sidebar's "Find a place" box: candidates to choose from, and what to do with the pick."""
    sb = st.sidebar
    sb.subheader("Find a place")
    query = sb.text_input(
        "Place name or coordinates",
        key="t_q",
        placeholder="Pokrovsk · 47.84, 35.14 · 37U DQ 12345 67890",
        help="A name (add ', Donetsk' or ', Ukraine' to narrow it), decimal degrees (lat, lon), "
        "degrees-minutes-seconds (47°50′N 35°08′E) or an MGRS reference.",
    ).strip()
    if not query:
        return
    try:
        res = _resolve(query)
    except MapAppError as err:
        sb.warning(md(err))
        return
    cands = list(res.candidates) or []  # type: ignore[attr-defined]
    if not cands:
        sb.warning(md(f"Nothing found for {query!r}."))
        return
    labels = [_candidate_label(c, i == 0) for i, c in enumerate(cands)]
    i = sb.radio(
        "Candidates" if len(cands) > 1 else "Found",
        list(range(len(cands))),
        format_func=lambda k: labels[k],
        key=f"t_pick:{query}",
    )
    if i == 0 and res.why:  # type: ignore[attr-defined]
        sb.caption(md(res.why))  # type: ignore[attr-defined]
    p: Place = cands[i or 0].place
    name = p.name[:60]  # coordinates keep the form typed (an MGRS reference stays one)
    args = (name, p.lon, p.lat)
    c1, c2 = sb.columns(2)
    c1.button("Launch point", key="t_use_launch", on_click=_use_pick, args=("launch", *args))
    c2.button("Reach target", key="t_use_target", on_click=_use_pick, args=("target", *args))
    c1.button("Zoom to", key="t_use_zoom", on_click=_use_pick, args=("zoom", *args))
    c2.button("Measure", key="t_use_measure", on_click=_use_pick, args=("measure", *args))


def target_marks() -> tuple[PlaceMark, ...]:
    """The reach targets picked in the search box, as marks the reach table checks."""
    out = []
    for t in st.session_state.get("t_targets", {}).values():
        place = Place(f"pt:{t.lon:.6f},{t.lat:.6f}", t.name, "point", t.lon, t.lat)
        out.append(PlaceMark(place, (t.name,), (), 1.0, 1, label=True))
    return tuple(out)


def _drop_target(name: str) -> None:
    messages.new_action()
    st.session_state.get("t_targets", {}).pop(name, None)


def targets_list() -> None:
    """The picked reach targets, each removable (sidebar)."""
    targets = st.session_state.get("t_targets", {})
    if not targets:
        return
    st.sidebar.caption("Reach targets you picked:")
    for name in list(targets):
        st.sidebar.button(f"✕ {name}", key=f"t_drop:{name}", on_click=_drop_target, args=(name,))


# --------------------------------------------------------------------------- map glue


def take_report(value: object) -> None:
    """Keep what the map component reported that the tools use: the shapes drawn with its toolbar."""
    if isinstance(value, dict) and isinstance(value.get("drawings"), list):
        st.session_state["t_drawings"] = value["drawings"]


def _feature_shape(feature: object) -> BaseGeometry | None:
    """A drawn GeoJSON feature as a shapely line/area/point, longitudes wrapped to -180..180."""
    if not isinstance(feature, dict) or not isinstance(feature.get("geometry"), dict):
        return None
    try:
        geom = to_shape(feature["geometry"])
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    if geom.is_empty or geom.geom_type not in ("LineString", "Polygon", "Point"):
        return None

    def wrap(xy: object) -> object:
        import numpy as np

        a = np.asarray(xy, dtype=float)
        a[:, 0] = (a[:, 0] + 180.0) % 360.0 - 180.0
        return a

    return shapely.transform(geom, wrap)  # type: ignore[arg-type]


def drawn(kind: str) -> BaseGeometry | None:
    """The last drawn shape of ``kind`` ("line", "area", "point", "shape" = line or area), or None."""
    want = {
        "line": ("LineString",),
        "area": ("Polygon",),
        "point": ("Point",),
        "shape": ("LineString", "Polygon"),
    }[kind]
    for f in reversed(st.session_state.get("t_drawings", [])):
        g = _feature_shape(f)
        if g is not None and g.geom_type in want:
            return g
    return None


def _map_layer(prog: LayerProgram) -> MapLayer:
    return MapLayer(prog.key, prog.title, prog.on, prog.legend, prog.digest, "", code=prog.code)


def map_layers() -> list[MapLayer]:
    """The tools' own layers for the map component: the measured path and the front line/area."""
    ss = st.session_state
    out: list[MapLayer] = []
    front = ss.get("t_front")
    if front is not None:
        out.append(_map_layer(plugins.shape_program(front, _front_title())))
    pts = [p for _n, p in ss.get("t_measure", [])]
    if len(pts) >= 2:
        with contextlib.suppress(MapAppError):  # a bad point is reported by the measure panel
            out.append(_map_layer(plugins.measure_program(measure_path(pts))))
    return out


def _front_title() -> str:
    name = st.session_state.get("t_front_name") or "the front line"
    return name[:1].upper() + name[1:]


# --------------------------------------------------------------------------- measure


def _measure_drawn() -> None:
    messages.new_action()
    g = drawn("line")
    if g is None:
        return
    st.session_state["t_measure"] = [
        (f"vertex {i + 1}", LonLat(float(x), float(y))) for i, (x, y) in enumerate(shapely.get_coordinates(g))
    ]


def _measure_click() -> None:
    messages.new_action()
    click = st.session_state.get("pending_click")
    if click is None:
        return
    try:
        ll = check_lonlat(click[1], click[0])
    except InputError as err:
        _flash("warning", str(err))
        return
    st.session_state.setdefault("t_measure", []).append((f"{ll.lat:.4f}, {ll.lon:.4f}", ll))
    st.session_state["pending_click"] = None


def _measure_pop() -> None:
    messages.new_action()
    pts = st.session_state.get("t_measure", [])
    if pts:
        pts.pop()


def _measure_clear() -> None:
    messages.new_action()
    st.session_state["t_measure"] = []


def measure_panel() -> None:
    """The sidebar's "Measure" section: geodesic distance and bearing along the chosen points."""
    ss = st.session_state
    pts: list[tuple[str, LonLat]] = ss.setdefault("t_measure", [])
    with st.sidebar.expander("Measure distance", expanded=bool(pts)):
        st.caption(
            "Add points with the search box (“Measure”), by clicking the map, or draw a line with the "
            "map's line tool. Distances are geodesic (WGS84 ellipsoid)."
        )
        click = ss.get("pending_click")
        st.button(
            "Add the clicked point",
            key="t_m_click",
            on_click=_measure_click,
            disabled=click is None,
            help=f"Last click: {format_latlon(click[0], click[1], 3)}" if click else "Click the map first.",
        )
        st.button("Measure the drawn line", key="t_m_drawn", on_click=_measure_drawn, disabled=drawn("line") is None)
        if not pts:
            return
        if len(pts) >= 2:
            try:
                m = measure_path([p for _n, p in pts])
            except MapAppError as err:
                st.warning(md(err))
                return
            st.markdown(f"**Distance: {md(format_distance(m.total_km))}**")
            st.caption(md(f"Initial bearing {format_bearing(m.legs[0].bearing_deg)} from {pts[0][0]}"))
            rows = [
                {
                    "from": pts[i][0],
                    "to": pts[i + 1][0],
                    "km": round(leg.distance_km, 1),
                    "miles": round(leg.distance_mi, 1),
                    "bearing": format_bearing(leg.bearing_deg),
                }
                for i, leg in enumerate(m.legs)
            ]
            st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
            if len(m.legs) > 1:
                st.caption(md(f"Straight from first to last point: {format_distance(m.straight_km)}"))
        else:
            st.caption(md(f"Point 1: {pts[0][0]} — add another point."))
        c1, c2 = st.columns(2)
        c1.button("Undo", key="t_m_pop", on_click=_measure_pop, help="Remove the last point")
        c2.button("Clear", key="t_m_clear", on_click=_measure_clear)


# --------------------------------------------------------------------------- front line


def _set_front(geom: BaseGeometry, name: str) -> None:
    """Use ``geom`` as the front line and bring it into view."""
    ss = st.session_state
    ss["t_front"] = geom
    ss["t_front_name"] = name
    w, s, e, n = geom.bounds
    pad = 1.0  # degrees around the line: the footprint reaches beyond it
    session.set_view({"bounds": [max(w - pad, -180.0), max(s - pad, -85.0), min(e + pad, 180.0), min(n + pad, 85.0)]})


def _use_drawn_front() -> None:
    messages.new_action()
    g = drawn("shape")
    if g is not None:
        _set_front(g, "the drawn line" if g.geom_type == "LineString" else "the drawn area")


def _clear_front() -> None:
    messages.new_action()
    st.session_state["t_front"] = None
    st.session_state["t_front_name"] = ""


@st.cache_resource(show_spinner=False)
def _into_options() -> dict[str, str]:
    from mapapp.data.countries import countries

    names = {c.iso3: c.name for c in countries() if c.iso3}
    first = {k: f"{names.get(k, k)} ({k})" for k in INTO_FIRST}
    rest = {k: f"{v} ({k})" for k, v in sorted(names.items(), key=lambda kv: kv[1]) if k not in first}
    return {"": "Any country (not clipped)", **first, **rest}


def places_panel() -> None:
    """The analyst's own places (a CSV or GeoJSON of villages, bases, sites): merged into the
    gazetteer for this app (every session), winning ties, so articles, search and reach see them."""
    ss = st.session_state
    with st.sidebar.expander("Your places", expanded=False):
        up = st.file_uploader(
            "CSV or GeoJSON of places",
            type=["csv", "geojson", "json"],
            key="user_places_file",
            help="Columns name, aliases, lat, lon, kind (or GeoJSON points with those properties). They are "
            "added to this app's gazetteer and win ties with its own places. Also: `MAPAPP_PLACES`.",
        )
        if up is None:
            return
        sig = f"{up.name}:{up.size}"
        if sig in ss.setdefault("user_places_seen", []):
            return
        ss["user_places_seen"].append(sig)
        from mapapp.data.gazetteer import add_user_places

        try:
            added, problems = add_user_places(up.name, text=up.getvalue().decode("utf-8-sig", "replace"))
        except MapAppError as err:
            messages.say("error", str(err))
            return
        skipped = f"; {len(problems)} rows skipped ({problems[0]})" if problems else ""
        messages.say("success", f"Added {added} of your places from {up.name}{skipped}.")


def front_panel() -> None:
    """The sidebar's "Front line or area" section: load GeoJSON/KML or use a drawn shape."""
    ss = st.session_state
    front = ss.get("t_front")
    with st.sidebar.expander("Front line or area of control", expanded=front is not None):
        up = st.file_uploader(
            "GeoJSON or KML file",
            type=["geojson", "json", "kml"],
            key="t_front_file",
            help="A front line (LineString) or an area of control (Polygon), e.g. from a monitoring project.",
        )
        if up is not None:
            sig = f"{up.name}:{up.size}"
            if ss.get("t_front_sig") != sig:
                ss["t_front_sig"] = sig
                from mapapp.geo.userfiles import shape_from_bytes

                try:
                    _set_front(shape_from_bytes(up.getvalue(), up.name), f"the front line ({up.name})")
                except MapAppError as err:
                    st.error(md(err))
        st.button(
            "Use the drawn line or area",
            key="t_front_drawn",
            on_click=_use_drawn_front,
            disabled=drawn("shape") is None,
            help="Draw it first with the map's line or polygon tool.",
        )
        opts = _into_options()
        if ss.get("t_into") not in opts:
            ss["t_into"] = ToolState.into
        st.selectbox("Footprint into", list(opts), format_func=lambda k: opts[k], key="t_into")
        front = ss.get("t_front")
        if front is None:
            st.caption("Choose weapons above: each one's footprint is drawn from the line.")
            return
        from mapapp.geo.geodesy import line_length_km

        n = int(shapely.get_num_coordinates(front))
        kind = "area" if front.geom_type.endswith("Polygon") else "line"
        outline = front.boundary if kind == "area" else front
        st.caption(md(f"{_front_title()}: {kind}, {n:,} points, {line_length_km(outline):,.0f} km long."))
        _text, tol = shape_for_link(front)
        if tol:
            st.caption(md(f"The link carries it simplified to about {tol * 111:,.1f} km."))
        c1, c2 = st.columns(2)
        c1.download_button(
            "Save (GeoJSON)",
            front_geojson(front, ss.get("t_front_name", "")),
            file_name="front-line.geojson",
            mime="application/geo+json",
            key="t_front_save",
            on_click="ignore",
        )
        c2.button("Remove", key="t_front_clear", on_click=_clear_front, help="Remove the front line")


def front_geojson(geom: BaseGeometry, name: str) -> str:
    """The front line or area as a GeoJSON FeatureCollection (what ``mapapp reach --line`` and the
    front-line upload read back)."""
    import json

    from shapely.geometry import mapping

    feature = {"type": "Feature", "properties": {"name": name}, "geometry": mapping(geom)}
    return json.dumps({"type": "FeatureCollection", "features": [feature]})


@st.cache_resource(show_spinner="Drawing the footprint from the line…", max_entries=32)
def _front_layers(
    weapons: tuple[Weapon, ...], _front: BaseGeometry, name: str, into: str, key: str
) -> tuple[RangeLayer, ...]:
    from mapapp.maps.origins import shape_layers

    return shape_layers(weapons, _front, name, into)


def front_layers(weapons: Sequence[Weapon]) -> tuple[RangeLayer, ...]:
    """Each weapon's footprint from the front line (empty without a line or weapons)."""
    ss = st.session_state
    front = ss.get("t_front")
    if front is None or not weapons:
        return ()
    key = shapely.to_wkb(front, hex=True)
    try:
        return _front_layers(
            tuple(weapons), front, ss.get("t_front_name") or "the front line", ss.get("t_into", ""), key
        )
    except MapAppError as err:
        st.error(md(f"Cannot draw the footprint from the line: {err}"))
        return ()


__all__ = [
    "front_layers",
    "front_panel",
    "init_from_query",
    "link_query",
    "map_layers",
    "measure_panel",
    "search_box",
    "take_report",
    "target_marks",
    "targets_list",
]

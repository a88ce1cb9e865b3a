"""The sidebar's weapons and launch points (a weapon's rings are drawn around each launch point;
its footprint from the Ukraine–Russia border)."""

from __future__ import annotations

import streamlit as st

from mapapp.app import caches, messages
from mapapp.errors import InputError, MapAppError
from mapapp.maps import model as appmodel
from mapapp.maps import viewstate as appstate
from mapapp.maps.spec import format_km
from mapapp.maps.viewstate import LaunchPoint
from mapapp.model import Weapon
from mapapp.render.layers import format_latlon


def weapon_label(w: Weapon) -> str:
    """``"ATACMS — M57 (306 km)"``."""
    return f"{w.name} — {w.variant} ({format_km(w.range_km)})" if w.variant else f"{w.name} ({format_km(w.range_km)})"


def add_launch_point(lp: LaunchPoint) -> None:
    """Add ``lp`` to the launch points (and select it)."""
    ss = st.session_state
    ss["extra_points"][lp.name] = lp
    if lp.name not in ss["launch_names"]:
        ss["launch_names"] = [*ss["launch_names"], lp.name]


def _add_place() -> None:
    messages.new_action()
    ss = st.session_state
    query = (ss.get("place_query") or "").strip()
    if not query:
        messages.say("warning", "Type a place name to add it as a launch point.")
        return
    from mapapp.data.resolver import resolve

    try:
        res = resolve(query, prefer="point")
    except MapAppError as err:
        messages.say("warning", str(err))
        return
    p = res.place
    add_launch_point(LaunchPoint(p.name, p.lon, p.lat))
    ss["place_query"] = ""
    others = ""
    if res.ambiguous:
        others = (
            " Other places of that name: "
            + "; ".join(c.label for c in res.candidates[1:4])
            + " — add a qualifier (e.g. 'Pokrovsk, Donetsk') or choose in “Find a place”."
        )
    messages.say("success", f"Added launch point {res.candidates[0].label}; {format_latlon(p.lat, p.lon, 3)}.{others}")


def add_clicked_point(lat: float, lng: float) -> None:
    """Callback: the clicked map point becomes a launch point (named by its coordinates)."""
    messages.new_action()
    try:
        lp = appstate.click_point(lat, lng)
    except InputError as err:
        messages.say("warning", str(err))
        return
    add_launch_point(lp)
    st.session_state["pending_click"] = None
    messages.say("success", f"Added launch point {lp.name}.")


def sidebar(marks: tuple[appmodel.PlaceMark, ...]) -> tuple[list[Weapon], list[LaunchPoint], str]:
    """Weapons (catalogue and a custom radius) and launch points (article places, searched
    places, clicked points, the border). Returns (weapons, launch points, border key)."""
    ss = st.session_state
    sb = st.sidebar
    cat = caches.catalogue()
    sb.subheader("Weapons")
    ss["weapons"] = [k for k in ss.get("weapons", []) if k in cat]
    sb.multiselect(
        "From the catalogue",
        list(cat),
        key="weapons",
        format_func=lambda k: weapon_label(cat[k]),
        on_change=messages.new_action,
    )
    c1, c2 = sb.columns([1, 1])
    c1.checkbox("Custom radius", key="custom_on", on_change=messages.new_action)
    c2.number_input(
        "km",
        min_value=1.0,
        max_value=20000.0,
        step=10.0,
        key="custom_km",
        disabled=not ss["custom_on"],
        label_visibility="collapsed",
        on_change=messages.new_action,
    )
    weapons = [cat[k] for k in ss["weapons"]]
    if ss["custom_on"]:
        from mapapp.data.weapons import custom_weapon

        try:
            weapons.append(custom_weapon(float(ss["custom_km"])))
        except InputError as err:
            messages.say("warning", str(err))

    sb.subheader("Launch points")
    sb.checkbox("From the Ukraine–Russia border (front line)", key="border_on", on_change=messages.new_action)
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
        on_change=messages.new_action,
    )
    sb.text_input("Add a place by name", key="place_query", placeholder="e.g. Sumy, Kharkiv")
    sb.button("Add launch point", on_click=_add_place)
    launch = [options[n] for n in ss["launch_names"]]
    border = appstate.DEFAULT_BORDER if ss["border_on"] else ""
    return weapons, launch, border

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


def _point_name(name: str, where: str, lon: float, lat: float) -> str:
    """A launch point's name, unique among the points already added (a second "Pokrovsk" gets
    its region)."""
    taken: dict[str, LaunchPoint] = st.session_state.get("extra_points", {})
    if name not in taken or (abs(taken[name].lon - lon) < 1e-6 and abs(taken[name].lat - lat) < 1e-6):
        return name
    return f"{name} ({where})" if where else f"{name} ({format_latlon(lat, lon, 2)})"


def _add_place() -> None:
    """Callback of "Add launch point": the one place resolver turns the typed text (a name,
    "Pokrovsk, Donetsk", "Kursk region", "50.91, 34.80", DMS, MGRS) into a point; when the name
    is ambiguous the other candidates are offered under the box."""
    from mapapp.data.resolver import resolve

    messages.new_action()
    ss = st.session_state
    query = (ss.get("place_query") or "").strip()
    ss["place_choices"] = None
    if not query:
        messages.say("warning", "Type a place name (or coordinates) to add it as a launch point.")
        return
    try:
        res = resolve(query, prefer="point", near=ss.get("article_centre"))
    except MapAppError as err:
        messages.say("warning", str(err))
        return
    p = res.place
    first = res.candidates[0] if res.candidates else None
    if p.kind == "point":  # typed coordinates: named by them
        lp = appstate.click_point(p.lat, p.lon)
    else:
        lp = LaunchPoint(_point_name(p.name, first.admin1 if first else "", p.lon, p.lat), p.lon, p.lat)
    add_launch_point(lp)
    ss["place_query"] = ""
    label = first.label if first is not None and p.kind != "point" else lp.name
    text = f"Added launch point {label}; {format_latlon(p.lat, p.lon, 3)}."
    if res.ambiguous and len(res.candidates) > 1:
        ss["place_choices"] = {
            "query": query,
            "added": lp.name,
            "candidates": [
                (c.label, c.place.name, c.admin1 or c.country, c.place.lon, c.place.lat) for c in res.candidates[:10]
            ],
        }
        text += f" Other places are called {query!r}: pick one under the box to use it instead."
    messages.say("success", text)


def _use_choice() -> None:
    """Callback: replace the launch point just added by the candidate the person picked."""
    messages.new_action()
    ss = st.session_state
    choices = ss.get("place_choices")
    pick = ss.get("place_choice")
    if not choices or pick is None:
        return
    label, name, where, lon, lat = next(c for c in choices["candidates"] if c[0] == pick)
    added = choices["added"]
    ss["extra_points"].pop(added, None)
    ss["launch_names"] = [n for n in ss.get("launch_names", []) if n != added]
    lp = LaunchPoint(_point_name(name, where, lon, lat), lon, lat)
    add_launch_point(lp)
    ss["place_choices"] = None
    messages.say("success", f"Launch point {label}; {format_latlon(lat, lon, 3)} (instead of {added}).")


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
    sb.text_input(
        "Add a place by name",
        key="place_query",
        placeholder="e.g. Sumy · Pokrovsk, Donetsk · 50.91, 34.80",
        help="A name (add the region after a comma to choose among places of the same name), "
        "or coordinates (decimal, degrees-minutes-seconds, MGRS).",
    )
    sb.button("Add launch point", on_click=_add_place)
    choices = ss.get("place_choices")
    if choices:
        labels = [c[0] for c in choices["candidates"]]
        sb.selectbox(f"Other places called {choices['query']!r}", labels, key="place_choice")
        sb.button("Use this one instead", on_click=_use_choice)
    launch = [options[n] for n in ss["launch_names"]]
    border = appstate.DEFAULT_BORDER if ss["border_on"] else ""
    return weapons, launch, border

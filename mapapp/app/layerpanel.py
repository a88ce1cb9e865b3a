"""One layer control: its state is the sidebar's, the map's and the URL's at once.

``st.session_state["hidden"]`` (a set of layer keys) is the single truth. The sidebar shows one
checkbox per entry of the map's own layer control (same titles, same order; the basemap is its
two entries, "Countries" and "Admin-1 borders"); ticking one updates ``hidden`` and bumps
``visible_rev`` so the map shows the change without reloading. Toggling in the map's control
comes back in the map's report (:func:`mapapp.app.session.on_map_report`) and updates ``hidden``
and the checkboxes (:func:`from_map`). The URL's ``hide=`` is written from ``hidden``.
"""

from __future__ import annotations

import streamlit as st

from mapapp.app import messages

_PREFIX = "lyr:"


def widget_key(layer_key: str) -> str:
    """The sidebar checkbox's session key for a layer."""
    return _PREFIX + layer_key


def _set(layer_key: str, on: bool, keys: list[str]) -> None:
    """Show or hide one layer in ``hidden``; a group key (``"rings"``, from a link or the CLI)
    that hides this layer is replaced by the other members it hid."""
    hidden: set[str] = st.session_state.setdefault("hidden", set())
    group = layer_key.split(":", 1)[0]
    if on:
        hidden.discard(layer_key)
        if group != layer_key and group in hidden:
            hidden.discard(group)
            hidden.update(k for k in keys if k != layer_key and k.split(":", 1)[0] == group)
    else:
        hidden.add(layer_key)


def is_on(layer_key: str) -> bool:
    """Whether the layer is shown (its own key and its group are not hidden)."""
    hidden: set[str] = st.session_state.get("hidden", set())
    return layer_key not in hidden and layer_key.split(":", 1)[0] not in hidden


def _toggled(layer_key: str) -> None:
    messages.new_action()
    ss = st.session_state
    _set(layer_key, bool(ss[widget_key(layer_key)]), list(ss.get("layer_keys", [])))
    ss["visible_rev"] = int(ss.get("visible_rev", 0)) + 1


def from_map(visible: set[str]) -> None:
    """The person toggled layers in the map's own control: ``visible`` are the layers it shows."""
    ss = st.session_state
    keys = list(ss.get("layer_keys", []))
    for key in keys:
        on = key in visible
        if on != is_on(key):
            _set(key, on, keys)
        ss[widget_key(key)] = on


def sidebar(titles: dict[str, str]) -> None:
    """The layer checkboxes (``titles``: layer key -> title, in the map control's order)."""
    ss = st.session_state
    ss["layer_keys"] = list(titles)
    st.sidebar.subheader("Layers")
    for key, title in titles.items():
        wkey = widget_key(key)
        ss[wkey] = is_on(key)  # the one state decides (a toggle in the map updates it too)
        st.sidebar.checkbox(title, key=wkey, on_change=_toggled, args=(key,))
    st.sidebar.checkbox(
        "Online map tiles (OpenStreetMap — contacts the internet)",
        key="tiles",
        on_change=messages.new_action,
        help="Off by default: the app works offline. Tiles are fetched from openstreetmap.org.",
    )

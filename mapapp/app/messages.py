"""Messages that stay until the person's next action.

A message ("Added launch point Sumy …", "No place called 'Xyzzyville' …") is kept in the
session and shown in a fixed area at the top of the page on every run, so the map's own reruns
(a pan, a zoom, a report of the view) never wipe it. Every widget callback of the page starts
with :func:`new_action`, which clears the old messages before the action adds its own.
Message text is untrusted (it quotes names people typed): it is Markdown-escaped when shown.
"""

from __future__ import annotations

from typing import Literal

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from mapapp.maps.viewstate import md

Kind = Literal["success", "info", "warning", "error"]
_KEY = "messages"


def new_action() -> None:
    """The person did something: the previous messages have been read."""
    st.session_state[_KEY] = []


def say(kind: Kind, text: str) -> None:
    """Add a message (shown until the next action)."""
    msgs: list[tuple[str, str]] = st.session_state.setdefault(_KEY, [])
    if (kind, text) not in msgs:
        msgs.append((kind, text))


def show(area: DeltaGenerator) -> None:
    """Show the kept messages inside ``area`` (a container the page always creates)."""
    for kind, text in st.session_state.get(_KEY, []):
        if kind == "success":
            area.success(md(text))
        elif kind == "info":
            area.info(md(text))
        elif kind == "warning":
            area.warning(md(text))
        else:
            area.error(md(text))

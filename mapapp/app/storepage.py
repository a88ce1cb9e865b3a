"""An event store (made by ``mapapp ingest``) over time, instead of an article: a timeline.

* a date range whose bounds ignore far outliers (one event dated "February 2006" does not
  stretch a 2024 corpus; the page says how many were left out, see
  :func:`mapapp.maps.timeline.date_bounds`);
* a ▶ Play button stepping through days, weeks or months (sliding windows, or cumulative from
  the start), one step every :data:`PLAY_INTERVAL_S` seconds; the map keeps its view while it
  plays (the page fits it once per store) and only its layers are swapped;
* what is drawn and what is hidden and why ("Drawn: 45 of 300 events · hidden: 77 undated,
  12 country-level, 166 outside the window"), single events or density cells with their legend.

The store's folder, the window (``from=``/``to=``), the step and cumulative choice are in the link.
The store is read once per version (:class:`mapapp.maps.timeline.Timeline`), so a step is an
in-memory filter.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import cast

import pandas as pd
import streamlit as st

from mapapp.app import messages
from mapapp.errors import MapAppError
from mapapp.maps.spec import MapSpec
from mapapp.maps.timeline import STEPS, Timeline, step_index, step_windows, timeline_of
from mapapp.maps.viewstate import md
from mapapp.text.dates import coerce_date

#: Seconds between two steps while the timeline plays.
PLAY_INTERVAL_S = 1.5


@st.cache_resource(show_spinner="Reading the event store…", max_entries=4)
def _timeline(path: str, stamp: float) -> Timeline:
    """The store's timeline, read once per store version (``stamp``: the manifest's mtime)."""
    return timeline_of(path)


def _clamp(day: str, lo: dt.date, hi: dt.date, default: dt.date) -> dt.date:
    try:
        d = coerce_date(day) or default
    except ValueError:
        d = default
    return min(max(d, lo), hi)


def _toggle_play() -> None:
    messages.new_action()
    ss = st.session_state
    ss["t_playing"] = not ss.get("t_playing")
    ss["t_play_started"] = bool(ss["t_playing"])


def _advance(windows: Sequence[tuple[dt.date, dt.date]]) -> None:
    """One play step: the next window into the slider (before the slider is drawn); stop after the last."""
    ss = st.session_state
    if not ss.get("t_playing") or not windows:
        return
    if ss.pop("t_play_started", False):
        cur = ss.get("store_dates")
        i = 0 if cur is None or cur[1] >= windows[-1][1] else step_index(windows, cur[1]) + 1
    else:
        i = int(ss.get("t_play_i", -1)) + 1
    if i >= len(windows):
        ss["t_playing"] = False
        return
    ss["t_play_i"] = i
    ss["store_dates"] = windows[i]


def _read(store_dir: str) -> tuple[Timeline, dict[str, int]] | None:
    from mapapp.corpus.store import MANIFEST, open_store

    try:
        store = open_store(store_dir)
        stamp = (Path(store_dir).expanduser() / MANIFEST).stat().st_mtime
        return _timeline(str(Path(store_dir).expanduser().resolve()), stamp), store.counts()
    except (MapAppError, OSError) as err:
        messages.say("error", f"{err} The article is shown meanwhile; clear the Event store box to hide this.")
        return None


def _window(tl: Timeline) -> tuple[dt.date | None, dt.date | None, Sequence[tuple[dt.date, dt.date]]]:
    """Step controls, play button and the date slider; the chosen window and the play steps."""
    ss = st.session_state
    b = tl.bounds
    if b is None:
        st.info("No event in this store has a date: the timeline has nothing to step through.")
        return None, None, ()
    if b.note():
        st.caption(md(b.note()))
    if b.lo == b.hi:
        return b.lo, b.hi, ()
    if ss.get("t_step") not in STEPS:
        ss["t_step"] = "week"
    windows = step_windows(b.lo, b.hi, ss["t_step"], cumulative=bool(ss.get("t_cum")))
    if "store_dates" not in ss:  # the link's window, inside the range
        ss["store_dates"] = (
            _clamp(ss.get("date_from", ""), b.lo, b.hi, b.lo),
            _clamp(ss.get("date_to", ""), b.lo, b.hi, b.hi),
        )
    _advance(windows)  # before the widgets: the button says what a click will do now
    c1, c2, c3 = st.columns([2, 2, 2])
    c1.selectbox("Step", list(STEPS), key="t_step", format_func=lambda s: f"by {s}", on_change=messages.new_action)
    c2.checkbox(
        "Cumulative",
        key="t_cum",
        help="Each step adds to the ones before instead of sliding.",
        on_change=messages.new_action,
    )
    playing = bool(ss.get("t_playing"))
    c3.button(
        "Pause" if playing else "Play",
        key="t_play",
        icon=":material/pause:" if playing else ":material/play_arrow:",
        on_click=_toggle_play,
        help="Step through the dates, one step every few seconds; the map keeps its view.",
    )
    picked = st.slider(
        "Dates", min_value=b.lo, max_value=b.hi, key="store_dates", format="YYYY-MM-DD", on_change=messages.new_action
    )
    since, until = cast(tuple[dt.date, dt.date], picked)
    ss["date_from"] = "" if since == b.lo else since.isoformat()
    ss["date_to"] = "" if until == b.hi else until.isoformat()
    if ss.get("t_playing"):
        st.markdown(md(f"Step {int(ss.get('t_play_i', 0)) + 1} of {len(windows)}"))
    return since, until, windows


def timeline(store_dir: str, draw: Callable[[MapSpec], None]) -> bool:
    """The store page: header, timeline controls, counts, the map (``draw``) and the event types.
    False (and an error message) when ``store_dir`` cannot be read: the caller shows the article.

    While playing, the script sleeps :data:`PLAY_INTERVAL_S` and runs again for the next step.
    """
    from mapapp.maps.storeview import store_spec

    ss = st.session_state
    read = _read(store_dir)
    if read is None:
        ss["t_playing"] = False
        return False
    tl, c = read
    st.markdown(f"#### Event store: {md(store_dir)}")
    st.caption(f"{c['articles']:,} articles · {c['events']:,} events · {c['batches']:,} batches")
    since, until, _windows = _window(tl)
    view, counts = tl.view(since, until)
    spec = store_spec(view, title=f"Event store: {store_dir}", tiles=bool(ss.get("tiles")))
    st.markdown(f"**{md(counts.summary())}**")
    draw(spec)
    dense_note = " — too many to draw one by one: hexagons coloured by event count" if view.dense else ""
    st.caption(md(spec.subtitle + dense_note))
    if view.by_type:
        st.dataframe(
            pd.DataFrame({"event type": list(view.by_type), "events": list(view.by_type.values())}), hide_index=True
        )
    if ss.get("t_playing"):
        time.sleep(PLAY_INTERVAL_S)
        st.rerun()
    return True


__all__ = ["PLAY_INTERVAL_S", "timeline"]

"""An event store (made by ``mapapp ingest``) over time, instead of an article: a date slider,
single events, or density cells when there are many. The store's folder and the time window
are part of the link (``store=``, ``from=``, ``to=``)."""

from __future__ import annotations

import datetime as dt
from typing import cast

import pandas as pd
import streamlit as st

from mapapp.app import messages
from mapapp.errors import MapAppError
from mapapp.maps.spec import MapSpec
from mapapp.maps.viewstate import md


def _clamp(day: str, lo: dt.date, hi: dt.date, default: dt.date) -> dt.date:
    try:
        d = dt.date.fromisoformat(day) if day else default
    except ValueError:
        d = default
    return min(max(d, lo), hi)


def spec(store_dir: str) -> MapSpec | None:
    """Header, date slider and summary of the store; the map's spec (None if it cannot be read)."""
    from mapapp.corpus.store import open_store
    from mapapp.maps.storeview import store_spec, store_view

    ss = st.session_state
    try:
        store = open_store(store_dir)
        whole = store_view(store)
    except MapAppError as err:
        messages.say("error", str(err))
        return None
    st.markdown(f"#### Event store: {md(store_dir)}")
    c = store.counts()
    st.caption(f"{c['articles']:,} articles · {c['events']:,} events · {c['batches']:,} batches")
    since: dt.date | None = None
    until: dt.date | None = None
    if whole.dates and whole.dates[0] < whole.dates[1]:
        lo, hi = whole.dates
        if "store_dates" not in ss:  # the link's window, inside the store's dates
            ss["store_dates"] = (_clamp(ss.get("date_from", ""), lo, hi, lo), _clamp(ss.get("date_to", ""), lo, hi, hi))
        picked = st.slider(
            "Dates", min_value=lo, max_value=hi, key="store_dates", format="YYYY-MM-DD", on_change=messages.new_action
        )
        a, b = cast(tuple[dt.date, dt.date], picked)
        since, until = a, b
        ss["date_from"] = "" if a == lo else a.isoformat()
        ss["date_to"] = "" if b == hi else b.isoformat()
    view = store_view(store, since, until)
    out = store_spec(view, title=f"Event store: {store_dir}", tiles=bool(ss.get("tiles")))
    dense_note = " — too many to draw one by one: hexagons coloured by event count" if view.dense else ""
    st.caption(md(out.subtitle + dense_note))
    if view.by_type:
        st.dataframe(
            pd.DataFrame({"event type": list(view.by_type), "events": list(view.by_type.values())}), hide_index=True
        )
    return out

"""The tables below and beside the map: places (with "fix a wrong place"), events (with the date
filter), and what lies in reach of each weapon. Article text is untrusted: Markdown-escaped."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from mapapp.app import messages
from mapapp.maps import model as appmodel
from mapapp.maps.spec import format_km
from mapapp.maps.viewstate import md
from mapapp.text.dates import coerce_date


def _apply_fix(overrides: dict[str, str], surface_key: str, pick_key: str) -> None:
    messages.new_action()
    overrides[surface_key] = st.session_state.get(pick_key, "")


def places(analysis: appmodel.Analysis, overrides: dict[str, str]) -> None:
    """The places table and the place-fix expander (``overrides``: surface key -> place id)."""
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
            pick_key = f"fix_pick:{sk}"
            st.selectbox(
                "Resolve it to",
                choices,
                index=choices.index(current) if current in choices else 0,
                format_func=lambda i: labels[i],
                key=pick_key,
            )
            st.button("Apply", key="fix_apply", on_click=_apply_fix, args=(overrides, sk, pick_key))


def _span_and_window(evs: tuple[appmodel.Event, ...]) -> tuple[tuple[dt.date, dt.date] | None, tuple[str, str]]:
    """The events' date span and the person's window in it (ISO dates, "" = open): the slider's
    value when it has one, else the link's ``from``/``to``."""
    ss = st.session_state
    span = appmodel.event_date_span(evs)
    date_from, date_to = ss.get("date_from", ""), ss.get("date_to", "")
    if span is None or not span[0] < span[1]:
        return None, (date_from, date_to)
    lo, hi = span
    picked = ss.get("date_slider")
    if isinstance(picked, tuple | list) and len(picked) == 2:
        a, b = picked
    else:
        try:
            a = coerce_date(date_from) or lo
            b = coerce_date(date_to) or hi
        except ValueError:
            a, b = lo, hi
    a, b = min(max(a, lo), hi), max(min(b, hi), lo)
    return span, ("" if a == lo else a.isoformat(), "" if b == hi else b.isoformat())


def event_window(evs: tuple[appmodel.Event, ...]) -> tuple[str, str]:
    """The date window the map's events are filtered by (see :func:`events`), known before the
    tables are drawn so the map can be drawn first."""
    window = _span_and_window(evs)[1]
    st.session_state["date_from"], st.session_state["date_to"] = window
    return window


def events(evs: tuple[appmodel.Event, ...]) -> tuple[str, str]:
    """The events table with a date filter; returns the filter (ISO dates, "" = open)."""
    ss = st.session_state
    if not evs:
        st.caption("No events found in this article.")
        return ss.get("date_from", ""), ss.get("date_to", "")
    span, (date_from, date_to) = _span_and_window(evs)
    if span is not None:
        lo, hi = span
        cur = (coerce_date(date_from) or lo, coerce_date(date_to) or hi)
        if ss.get("date_slider") != cur:  # the link's window, or a new article's span
            ss["date_slider"] = cur
        st.slider(
            "Event dates",
            min_value=lo,
            max_value=hi,
            format="YYYY-MM-DD",
            key="date_slider",
            on_change=messages.new_action,
        )
    ss["date_from"], ss["date_to"] = date_from, date_to
    shown = appmodel.filter_events(evs, date_from, date_to)
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
                "figures": ", ".join(f.describe() for f in ev.figures),
                "source": ev.source or ", ".join(ev.outlets),
                "sentence": ev.sentence,
                "confidence": ev.confidence,
            }
            for ev in shown
        ]
    )
    st.dataframe(df, hide_index=True, width="stretch")
    st.caption(f"{len(shown)} of {len(evs)} events shown.")
    return date_from, date_to


def reach(layers: tuple[appmodel.RangeLayer, ...], rows: list[appmodel.ReachRow], areas: dict[str, float]) -> None:
    """What lies in range of each range layer, with the area (km²) and the range's source."""
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
                    {"place": r.place, "distance km": r.distance_km, "margin km": r.margin_km, "kind": r.kind}
                    for r in inside
                ]
            ),
            hide_index=True,
            width="stretch",
            height=min(36 + 35 * len(inside), 250),
            column_config={  # the figures next to the name: long air base names must not push them out
                "place": st.column_config.TextColumn(width="medium"),
                "kind": st.column_config.TextColumn(width="small"),
                "distance km": st.column_config.NumberColumn(width="small", format="%.1f"),
                "margin km": st.column_config.NumberColumn(width="small", format="%.1f"),
            },
        )
    else:
        st.caption("No checked place lies in range.")
    src = lay.weapon.source
    if src:
        st.caption(md(f"Range {lay.weapon.range_reported or format_km(lay.weapon.range_km)} — {src}"))

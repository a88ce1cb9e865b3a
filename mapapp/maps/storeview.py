"""A map of an event store over a date window: single events, or density cells when many."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from mapapp.corpus.store import EventStore, _day, open_store, row_event
from mapapp.geo.density import DensityCell, cell_size_km, density
from mapapp.maps.spec import MapSpec, RangeLayer
from mapapp.model import Event

__all__ = ["DENSE_EVENTS", "StoreView", "default_cell_km", "frame_view", "store_spec", "store_view"]

#: Above this many events a view shows density cells instead of single events.
DENSE_EVENTS = 2000


@dataclass(frozen=True)
class StoreView:
    """What a map of the store shows for a date window (streamlit-free; for the app and snapshots).

    ``events`` are MapSpec-ready :class:`Event` objects (empty when ``dense``), ``cells`` the
    density cells of all events in the window (``cell_km`` km across, as drawn), ``dates`` the
    (first, last) event day in the whole store (for a date slider), ``total`` the number of
    located events in the window.
    """

    events: tuple[Event, ...]
    cells: tuple[DensityCell, ...]
    dense: bool
    total: int
    dates: tuple[dt.date, dt.date] | None
    since: dt.date | None = None
    until: dt.date | None = None
    by_type: dict[str, int] = field(default_factory=dict)
    cell_km: float = 0.0
    shape: str = "hex"


def default_cell_km(lons: np.ndarray, lats: np.ndarray) -> float:
    """Density cell size (km) giving a few hundred cells over the points' extent (10..500 km)."""
    span = max(float(np.ptp(lons)) if len(lons) else 0.0, float(np.ptp(lats)) if len(lats) else 0.0)
    return min(500.0, max(10.0, span * 111.32 / 25))


def store_view(
    store: EventStore | str | Path,
    since: dt.date | str | None = None,
    until: dt.date | str | None = None,
    *,
    max_events: int = DENSE_EVENTS,
    cell_km: float | None = None,
    shape: Literal["hex", "square"] = "hex",
) -> StoreView:
    """Events of the store in ``since``..``until`` for a map: single events, or density when many.

    ``cell_km`` defaults to a size that gives a few hundred cells over the events' extent.
    """
    st = store if isinstance(store, EventStore) else open_store(store)
    allev = st.table("events", columns=["date_start", "date_end"])
    days = [d for d in allev.column("date_start").to_pylist() if d is not None]
    dates = (min(days), max(days)) if days else None
    return frame_view(
        st.events(since, until),
        dates=dates,
        since=_day(since, "since"),
        until=_day(until, "until"),
        max_events=max_events,
        cell_km=cell_km,
        shape=shape,
    )


def frame_view(
    frame: pd.DataFrame,
    *,
    dates: tuple[dt.date, dt.date] | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    max_events: int = DENSE_EVENTS,
    cell_km: float | None = None,
    shape: Literal["hex", "square"] = "hex",
) -> StoreView:
    """A :class:`StoreView` of events already selected from a store (rows without coordinates
    are skipped). ``dates`` is the whole store's (first, last) day, for a slider."""
    gdf = frame[frame["lon"].notna() & frame["lat"].notna()].sort_values(["date_start", "event_id"], na_position="last")
    lons, lats = gdf["lon"].to_numpy(dtype=float), gdf["lat"].to_numpy(dtype=float)
    if cell_km is None:
        cell_km = default_cell_km(lons, lats)
    cells = tuple(density(lons, lats, cell_km, shape))
    dense = len(gdf) > max_events
    events: tuple[Event, ...] = ()
    if not dense:
        rows = gdf.drop(columns="geometry", errors="ignore").to_dict("records")
        events = tuple(row_event({str(k): v for k, v in r.items()}) for r in rows)
    by_type = {str(k): int(v) for k, v in gdf["event_type"].value_counts().items()}
    return StoreView(
        events=events,
        cells=cells,
        dense=dense,
        total=len(gdf),
        dates=dates,
        since=since,
        until=until,
        by_type=by_type,
        cell_km=cell_size_km(cell_km, shape),
        shape=shape,
    )


def store_spec(
    view: StoreView,
    *,
    title: str = "Event store",
    ranges: Sequence[RangeLayer] = (),
    hidden: Iterable[str] = (),
    tiles: bool = False,
    basemap: bool = True,
) -> MapSpec:
    """A :class:`~mapapp.maps.spec.MapSpec` of a store view: its events, or, when the window holds
    more than the view's ``max_events``, the "Event density" layer (cells coloured by count)."""
    when = ""
    if view.since or view.until:
        when = f"{view.since or '…'} – {view.until or '…'}: "
    kinds = ", ".join(f"{k} {v:,}" for k, v in sorted(view.by_type.items(), key=lambda kv: -kv[1])[:4])
    sub = f"{when}{view.total:,} located events" + (f" ({kinds})" if kinds else "")
    if view.dense:
        what = "hexagons" if view.shape == "hex" else "squares"
        sub += f"; density in {what} ≈{round(view.cell_km):,} km across"
    bounds = None
    if view.cells:
        xs = [p[0] for c in view.cells for p in c.ring]
        ys = [p[1] for c in view.cells for p in c.ring]
        for r in ranges:
            if not r.geometry.is_empty:
                xs += [r.geometry.bounds[0], r.geometry.bounds[2]]
                ys += [r.geometry.bounds[1], r.geometry.bounds[3]]
        w, e, s, n = min(xs), max(xs), min(ys), max(ys)
        px, py = max(e - w, 2.0) * 0.05, max(n - s, 1.5) * 0.05
        bounds = (max(w - px, -180.0), max(s - py, -85.0), min(e + px, 180.0), min(n + py, 85.0))
    return MapSpec(
        title=title,
        subtitle=sub,
        events=() if view.dense else view.events,
        density=view.cells if view.dense else (),
        density_cell_km=view.cell_km,
        density_shape=view.shape,
        ranges=tuple(ranges),
        hidden=frozenset(hidden),
        tiles="osm" if tiles else None,
        basemap=basemap,
        bounds=bounds,
    )

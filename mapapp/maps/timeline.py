"""The event store over time: a date range that ignores outliers, play steps, and what is drawn.

* :func:`date_bounds` - the range a date slider should span: the dated events' days with far
  outliers left out (one event dated "February 2006" must not stretch a 2024 corpus), and how
  many events fall outside it.
* :func:`step_windows` - the windows a "play" button steps through (days, weeks or months;
  sliding or cumulative).
* :class:`Timeline` - a store's events read once, so each step is an in-memory filter; its
  :meth:`Timeline.window` returns what to draw and :class:`WindowCounts`, which says what is drawn
  and what is hidden and why ("77 undated", "12 country-level").

Days are :class:`datetime.date`; windows are inclusive (first day, last day). Coordinates are
(lon, lat) degrees. Nothing here imports streamlit or folium.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from mapapp.corpus.store import EventStore, date_overlap, event_days, open_store
from mapapp.errors import InputError
from mapapp.maps.spec import COARSE_KINDS
from mapapp.maps.storeview import StoreView, default_cell_km, frame_view

Step = Literal["day", "week", "month"]
STEPS: tuple[Step, ...] = ("day", "week", "month")
#: Most windows a play run steps through (a 30-year corpus by day would be 11,000 steps).
MAX_STEPS = 400

_EPOCH = dt.date(1970, 1, 1)


@dataclass(frozen=True)
class DateBounds:
    """The date range to offer: ``lo``..``hi`` (inclusive), inside the data's ``first``..``last``.

    ``before``/``after`` count dated events lying wholly before ``lo`` / after ``hi`` (the
    outliers left out of the range); ``dated`` is the number of dated events.
    """

    lo: dt.date
    hi: dt.date
    first: dt.date
    last: dt.date
    before: int = 0
    after: int = 0
    dated: int = 0

    @property
    def outliers(self) -> int:
        return self.before + self.after

    def note(self) -> str:
        """``"1 dated event far from the bulk of the dates is left out of the range (1 before
        2024-01-03, the earliest 2006-02-14)."``"""
        if not self.outliers:
            return ""
        parts = []
        if self.before:
            parts.append(f"{self.before:,} before {self.lo.isoformat()}, the earliest {self.first.isoformat()}")
        if self.after:
            parts.append(f"{self.after:,} after {self.hi.isoformat()}, the latest {self.last.isoformat()}")
        n = self.outliers
        return (
            f"{n:,} dated event{'s' if n != 1 else ''} far from the bulk of the dates "
            f"{'are' if n != 1 else 'is'} left out of the range ({'; '.join(parts)})."
        )


def _ordinals(days: Iterable[dt.date | None] | np.ndarray) -> np.ndarray:
    """Sorted proleptic ordinals of the days (None / NaT dropped); ``datetime64`` arrays stay vectorised."""
    if isinstance(days, np.ndarray) and np.issubdtype(days.dtype, np.datetime64):
        d = days.astype("datetime64[D]")
        return np.sort(d[~np.isnat(d)].astype(np.int64) + _EPOCH.toordinal())
    return np.sort(np.array([d.toordinal() for d in days if d is not None], dtype=np.int64))


def date_bounds(
    days: Iterable[dt.date | None] | np.ndarray,
    *,
    far: float = 3.0,
    min_spread_days: int = 7,
    gap_days: int = 31,
    max_share: float = 0.05,
) -> DateBounds | None:
    """The slider range for event days, ignoring far outliers; None if no day is given.

    A day is an outlier when it lies beyond Tukey's far fences (``far`` interquartile ranges
    outside the quartiles; the spread taken as at least ``min_spread_days``) *and* is not
    chained to the bulk by gaps of at most ``max(gap_days, IQR)`` days. Days are only left out
    when they are few beside the bulk: at most ``max_share`` of them, or in a small corpus at most
    three and a fifth of them; more far days are not outliers but the data, and nothing is left
    out. Undated entries (None, NaT) are ignored; ``days`` may be a ``datetime64`` array.
    """
    x = _ordinals(days)
    if len(x) == 0:
        return None
    first, last = int(x[0]), int(x[-1])
    q1, q3 = (float(v) for v in np.percentile(x, [25, 75]))
    iqr = max(q3 - q1, float(min_spread_days))
    inside = x[(x >= q1 - far * iqr) & (x <= q3 + far * iqr)]
    lo_i, hi_i = int(inside[0]), int(inside[-1])
    step = max(float(gap_days), iqr)
    below = x[x < lo_i][::-1]
    for v in below:  # walk outwards while the gaps stay small
        if lo_i - int(v) > step:
            break
        lo_i = int(v)
    for v in x[x > hi_i]:
        if int(v) - hi_i > step:
            break
        hi_i = int(v)
    n_before, n_after = int((x < lo_i).sum()), int((x > hi_i).sum())
    # a far group is left out only when it is small beside the bulk: at most max_share of the days,
    # or (small corpora) up to three days and a fifth of them
    if n_before + n_after > max(max_share * len(x), min(3.0, len(x) / 5)):
        lo_i, hi_i, n_before, n_after = first, last, 0, 0
    return DateBounds(
        dt.date.fromordinal(lo_i),
        dt.date.fromordinal(hi_i),
        dt.date.fromordinal(first),
        dt.date.fromordinal(last),
        n_before,
        n_after,
        len(x),
    )


def _add_months(d: dt.date, n: int) -> dt.date:
    y, m = divmod(d.month - 1 + n, 12)
    year, month = d.year + y, m + 1
    return dt.date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def step_windows(
    lo: dt.date, hi: dt.date, step: Step = "week", *, cumulative: bool = False, max_steps: int = MAX_STEPS
) -> tuple[tuple[dt.date, dt.date], ...]:
    """The windows a play run steps through, from ``lo`` to ``hi`` (inclusive).

    ``step`` is a day, a week (7 days from ``lo``) or a calendar month (the first window runs
    from ``lo`` to the end of its month). Sliding windows each cover one step; ``cumulative``
    windows all start at ``lo``. When the range holds more than ``max_steps`` steps the step is
    widened (day -> week -> month -> several months) so a run stays a few hundred frames.

    Raises
    ------
    InputError
        ``lo`` after ``hi`` or an unknown ``step``.
    """
    if lo > hi:
        msg = f"The timeline starts {lo.isoformat()} after it ends {hi.isoformat()}; swap them."
        raise InputError(msg)
    if step not in STEPS:
        msg = f"Timeline step {step!r} is not one of {', '.join(STEPS)}."
        raise InputError(msg)
    span = (hi - lo).days + 1
    if step == "day" and span > max_steps:
        step = "week"
    if step == "week" and span > 7 * max_steps:
        step = "month"
    months = 1
    if step == "month":
        n_months = (hi.year - lo.year) * 12 + hi.month - lo.month + 1
        months = max(1, -(-n_months // max_steps))
    out: list[tuple[dt.date, dt.date]] = []
    start = lo
    while start <= hi:
        if step == "day":
            end = start
        elif step == "week":
            end = start + dt.timedelta(days=6)
        else:
            end = _add_months(start.replace(day=1), months) - dt.timedelta(days=1)
        end = min(end, hi)
        out.append((lo if cumulative else start, end))
        start = end + dt.timedelta(days=1)
    return tuple(out)


def step_index(windows: Sequence[tuple[dt.date, dt.date]], day: dt.date | None) -> int:
    """Index of the window holding ``day`` (its last day if None; 0 before the first window)."""
    if not windows:
        return 0
    if day is None:
        return len(windows) - 1
    for i, (_a, b) in enumerate(windows):
        if day <= b:
            return i
    return len(windows) - 1


@dataclass(frozen=True)
class WindowCounts:
    """What a window of the timeline draws, and what it hides and why.

    ``total`` events in the store = ``drawn`` + ``undated`` + ``coarse`` (located only at a
    country or continent) + ``unlocated`` (no coordinates) + ``outside`` (dated, located, but not
    in the window).
    """

    total: int
    drawn: int
    undated: int
    coarse: int
    unlocated: int
    outside: int

    def hidden(self) -> list[str]:
        """``["77 undated", "12 country-level", "3 without a place", "40 outside the window"]`` (non-zero only)."""
        out = []
        for n, what in (
            (self.undated, "undated"),
            (self.coarse, "country-level"),
            (self.unlocated, "without a place"),
            (self.outside, "outside the window"),
        ):
            if n:
                out.append(f"{n:,} {what}")
        return out

    def summary(self) -> str:
        """``"Drawn: 45 of 300 events · hidden: 77 undated, 12 country-level, 166 outside the window"``."""
        hidden = self.hidden()
        text = f"Drawn: {self.drawn:,} of {self.total:,} event{'s' if self.total != 1 else ''}"
        return text + (f" · hidden: {', '.join(hidden)}" if hidden else "")


class Timeline:
    """A store's events read once, for stepping through time in memory.

    Parameters
    ----------
    frame
        The store's events (columns ``date_start``, ``date_end``, ``place_kind``, ``lon``,
        ``lat``, ``event_type`` ... as :meth:`mapapp.corpus.store.EventStore.events` returns).
    """

    def __init__(self, frame: pd.DataFrame) -> None:
        cols = [c for c in frame.columns if c != "geometry"]
        self.frame = pd.DataFrame(frame[cols]).reset_index(drop=True)
        self.start, self.end = event_days(self.frame)
        lon = pd.to_numeric(self.frame["lon"], errors="coerce").to_numpy(dtype=np.float64)
        lat = pd.to_numeric(self.frame["lat"], errors="coerce").to_numpy(dtype=np.float64)
        self.located = np.isfinite(lon) & np.isfinite(lat)
        kinds = self.frame["place_kind"].astype("string").fillna("")
        self.coarse = self.located & kinds.isin(COARSE_KINDS).to_numpy(dtype=bool)
        self.dated = ~np.isnat(self.start)
        self.drawable = self.dated & self.located & ~self.coarse
        self.bounds = date_bounds(self.start)
        xs, ys = lon[self.drawable], lat[self.drawable]
        self.extent: tuple[float, float, float, float] | None = (
            (float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max())) if len(xs) else None
        )
        self.cell_km = default_cell_km(xs, ys)

    def __len__(self) -> int:
        return len(self.frame)

    def counts(self, since: dt.date | None, until: dt.date | None) -> WindowCounts:
        """What the window ``since``..``until`` (inclusive; None = open) draws and hides."""
        inside = date_overlap(self.start, self.end, since, until)
        drawn = int((inside & self.drawable).sum())
        undated = int((~self.dated).sum())
        coarse = int((self.dated & self.coarse).sum())
        unlocated = int((self.dated & ~self.located).sum())
        outside = int((self.drawable & ~inside).sum())
        return WindowCounts(len(self.frame), drawn, undated, coarse, unlocated, outside)

    def rows(self, since: dt.date | None, until: dt.date | None) -> pd.DataFrame:
        """The events to draw in the window (dated, located finer than a country, overlapping it)."""
        keep = date_overlap(self.start, self.end, since, until) & self.drawable
        return self.frame[keep]

    def view(self, since: dt.date | None, until: dt.date | None, **kwargs: object) -> tuple[StoreView, WindowCounts]:
        """The store view of the window (events or density, same cell size at every step) and its counts."""
        kwargs.setdefault("cell_km", self.cell_km)
        dates = (self.bounds.first, self.bounds.last) if self.bounds else None
        view = frame_view(self.rows(since, until), dates=dates, since=since, until=until, **kwargs)  # type: ignore[arg-type]
        return view, self.counts(since, until)


def timeline_of(store: EventStore | str | Path) -> Timeline:
    """Read a store's events once into a :class:`Timeline` (raises InputError if not a store)."""
    st = store if isinstance(store, EventStore) else open_store(store)
    return Timeline(st.frame("events"))


__all__ = [
    "COARSE_KINDS",
    "STEPS",
    "DateBounds",
    "Step",
    "Timeline",
    "WindowCounts",
    "date_bounds",
    "step_index",
    "step_windows",
    "timeline_of",
]

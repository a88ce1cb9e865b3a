"""The store timeline (mapapp.maps.timeline): outlier-proof bounds, play steps, drawn/hidden counts."""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import pandas as pd
import pytest

from mapapp.errors import InputError
from mapapp.maps.timeline import Timeline, date_bounds, step_index, step_windows

D = dt.date


def _spread(start: dt.date, days: int, n: int, seed: int = 0) -> list[dt.date]:
    rng = np.random.default_rng(seed)
    return [start + dt.timedelta(days=int(k)) for k in rng.integers(0, days, n)]


def test_one_far_outlier_does_not_stretch_the_range() -> None:
    days = [*_spread(D(2024, 1, 1), 366, 400), D(2006, 2, 14)]
    b = date_bounds(days)
    assert b is not None
    assert b.lo.year == 2024 and b.hi.year == 2024
    assert b.first == D(2006, 2, 14)
    assert (b.before, b.after) == (1, 0)
    assert "2006-02-14" in b.note() and "1 dated event" in b.note()


def test_outliers_on_both_sides_and_undated_ignored() -> None:
    days = [*_spread(D(2024, 10, 1), 60, 300), D(1999, 1, 1), D(2031, 5, 5), None, None]
    b = date_bounds(days)
    assert b is not None
    assert (b.lo.year, b.hi.year) == (2024, 2024)
    assert (b.before, b.after, b.dated) == (1, 1, 302)


def test_no_outliers_keeps_the_full_range() -> None:
    days = [D(2024, 1, 1), *_spread(D(2024, 1, 1), 366, 200), D(2024, 12, 31)]
    b = date_bounds(days)
    assert b is not None
    assert (b.lo, b.hi) == (D(2024, 1, 1), D(2024, 12, 31))
    assert b.outliers == 0 and b.note() == ""


def test_a_chain_of_dates_is_not_an_outlier() -> None:
    # a corpus whose early tail thins out week by week: every week is chained to the next
    tail = [D(2023, 6, 1) + dt.timedelta(days=7 * k) for k in range(30)]
    days = tail + _spread(D(2024, 1, 1), 30, 300)
    b = date_bounds(days)
    assert b is not None and b.lo == D(2023, 6, 1)


def test_many_far_dates_are_data_not_outliers() -> None:
    # 20 % of the events in 2014: too many to call outliers
    days = _spread(D(2024, 1, 1), 90, 80) + _spread(D(2014, 1, 1), 90, 20, seed=1)
    b = date_bounds(days)
    assert b is not None and b.lo.year == 2014 and b.outliers == 0


def test_one_outlier_in_a_small_corpus() -> None:
    days = [D(2024, 3, d) for d in (4, 12, 13, 21, 22, 29)] + [D(2006, 2, 14)]
    b = date_bounds(days)
    assert b is not None and (b.lo, b.hi, b.before) == (D(2024, 3, 4), D(2024, 3, 29), 1)
    two = date_bounds([D(2006, 2, 14), D(2024, 3, 4)])  # which one is the outlier? neither
    assert two is not None and two.outliers == 0


def test_empty_and_single() -> None:
    assert date_bounds([]) is None
    assert date_bounds([None]) is None
    b = date_bounds([D(2024, 5, 1)])
    assert b is not None and b.lo == b.hi == D(2024, 5, 1)


def test_step_windows_cover_the_range_without_gaps() -> None:
    lo, hi = D(2024, 1, 3), D(2024, 3, 10)
    for step in ("day", "week", "month"):
        ws = step_windows(lo, hi, step)  # type: ignore[arg-type]
        assert ws[0][0] == lo and ws[-1][1] == hi
        for (_a0, b0), (a1, _b1) in itertools.pairwise(ws):
            assert a1 == b0 + dt.timedelta(days=1)
    assert len(step_windows(lo, hi, "day")) == 68
    assert len(step_windows(lo, hi, "week")) == 10
    months = step_windows(lo, hi, "month")
    assert months[0] == (D(2024, 1, 3), D(2024, 1, 31)) and months[1] == (D(2024, 2, 1), D(2024, 2, 29))
    cum = step_windows(lo, hi, "week", cumulative=True)
    assert all(a == lo for a, _b in cum) and cum[-1][1] == hi


def test_long_ranges_widen_the_step() -> None:
    ws = step_windows(D(1990, 1, 1), D(2024, 12, 31), "day", max_steps=400)
    assert len(ws) <= 400
    assert ws[-1][1] == D(2024, 12, 31)


def test_step_errors_and_index() -> None:
    with pytest.raises(InputError):
        step_windows(D(2024, 2, 1), D(2024, 1, 1))
    with pytest.raises(InputError):
        step_windows(D(2024, 1, 1), D(2024, 2, 1), "fortnight")  # type: ignore[arg-type]
    ws = step_windows(D(2024, 1, 1), D(2024, 1, 28), "week")
    assert step_index(ws, D(2024, 1, 9)) == 1
    assert step_index(ws, None) == 3
    assert step_index(ws, D(2030, 1, 1)) == 3


def _frame() -> pd.DataFrame:
    rows = []

    def add(day: dt.date | None, kind: str = "city", lon: float | None = 30.0, lat: float | None = 50.0) -> None:
        rows.append(
            {
                "event_id": f"e{len(rows)}",
                "event_type": "Battles",
                "date_start": day,
                "date_end": day,
                "place_kind": kind,
                "lon": lon,
                "lat": lat,
            }
        )

    for k in range(10):
        add(D(2024, 3, 1) + dt.timedelta(days=k))  # one a day, 1-10 March
    add(D(2024, 3, 5), kind="country")  # country-level
    add(D(2024, 3, 5), lon=None, lat=None)  # no place
    add(None)  # undated
    add(None)
    return pd.DataFrame(rows)


def test_counts_say_what_is_drawn_and_hidden_and_why() -> None:
    tl = Timeline(_frame())
    c = tl.counts(D(2024, 3, 1), D(2024, 3, 7))
    assert (c.total, c.drawn, c.undated, c.coarse, c.unlocated, c.outside) == (14, 7, 2, 1, 1, 3)
    assert c.drawn + c.undated + c.coarse + c.unlocated + c.outside == c.total
    assert c.hidden() == ["2 undated", "1 country-level", "1 without a place", "3 outside the window"]
    assert c.summary().startswith("Drawn: 7 of 14 events")
    rows = tl.rows(D(2024, 3, 1), D(2024, 3, 7))
    assert len(rows) == 7 and set(rows["place_kind"]) == {"city"}


def test_playing_changes_the_count_per_step() -> None:
    tl = Timeline(_frame())
    assert tl.bounds is not None
    ws = step_windows(tl.bounds.lo, tl.bounds.hi, "day", cumulative=True)
    drawn = [tl.counts(a, b).drawn for a, b in ws]
    assert drawn == list(range(1, 11))
    view, counts = tl.view(*ws[2])
    assert view.total == counts.drawn == 3

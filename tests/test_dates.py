"""Date expressions resolved against a publication date, including around a year boundary."""

from __future__ import annotations

import datetime as dt

import pytest

from mapapp.text.dates import find_dates

SUN_2024_11_17 = dt.date(2024, 11, 17)  # a Sunday
FRI_2025_01_03 = dt.date(2025, 1, 3)  # a Friday


def one(text: str, pub: dt.date | None) -> tuple[str, str, str, str]:
    found = find_dates(text, pub)
    assert len(found) == 1, found
    v = found[0].value
    assert text[found[0].start : found[0].end] == v.text
    return v.start, v.end, v.precision, v.status


def test_weekday_night_into_next_day_is_a_two_day_range() -> None:
    assert one("attacked Ukraine Saturday night into Sunday, using drones", SUN_2024_11_17) == (
        "2024-11-16",
        "2024-11-17",
        "range",
        "inferred",
    )


def test_weekday_named_on_publication_day_is_that_day() -> None:
    assert one("authorized it for the first time Sunday", SUN_2024_11_17) == (
        "2024-11-17",
        "2024-11-17",
        "day",
        "inferred",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("shelled the city in December", ("2024-12-01", "2024-12-31", "month", "inferred")),
        ("fighting intensified last week", ("2024-12-23", "2024-12-29", "range", "inferred")),
        ("a strike on Monday", ("2024-12-30", "2024-12-30", "day", "inferred")),
        ("the attack on Tuesday", ("2024-12-31", "2024-12-31", "day", "inferred")),
        ("struck the port yesterday", ("2025-01-02", "2025-01-02", "day", "inferred")),
        ("seized in August", ("2024-08-01", "2024-08-31", "month", "inferred")),
        ("earlier this month", ("2025-01-01", "2025-01-03", "range", "inferred")),
        ("last year", ("2024-01-01", "2024-12-31", "year", "inferred")),
        ("two weeks ago", ("2024-12-16", "2024-12-22", "range", "inferred")),
    ],
)
def test_relative_dates_across_new_year(text: str, expected: tuple[str, str, str, str]) -> None:
    assert one(text, FRI_2025_01_03) == expected


def test_future_month_goes_forward() -> None:
    assert one("Russia will launch an offensive in March", FRI_2025_01_03)[:2] == ("2025-03-01", "2025-03-31")


def test_explicit_dates_are_reported_and_need_no_publication_date() -> None:
    assert one("on 12 March 2023 troops", None) == ("2023-03-12", "2023-03-12", "day", "reported")
    assert one("on November 5, 2024, drones", None) == ("2024-11-05", "2024-11-05", "day", "reported")
    assert one("in the night of 16-17 November 2024", None)[:3] == ("2024-11-16", "2024-11-17", "range")
    assert one("in November 2024", None) == ("2024-11-01", "2024-11-30", "month", "reported")
    assert one("2024-02-24", None)[2:] == ("day", "reported")


def test_relative_dates_unresolved_without_publication_date() -> None:
    assert find_dates("troops arrived in October and struck on Sunday", None) == []


def test_month_without_year_that_refers_back_is_uncertain_with_note() -> None:
    found = find_dates("Ukraine first began using ATACMS in October", SUN_2024_11_17)
    v = found[0].value
    assert (v.start, v.precision, v.status) == ("2024-10-01", "month", "uncertain")
    assert "year not stated" in v.note and "first began" in v.note


def test_month_long_before_publication_is_uncertain() -> None:
    v = find_dates("clashes in December", SUN_2024_11_17)[0].value
    assert (v.start, v.status) == ("2023-12-01", "uncertain")


def test_not_dates() -> None:
    assert find_dates("its largest attack in months, in less than a month", SUN_2024_11_17) == []
    assert find_dates("officials may act", SUN_2024_11_17) == []


# --------------------------------------------------------------------------------------------
# The one date coercion


@pytest.mark.parametrize(
    ("value", "want"),
    [
        ("2024-11-17", dt.date(2024, 11, 17)),
        (" 2024-11-17 ", dt.date(2024, 11, 17)),
        ("2024-11-17T08:30:00Z", dt.date(2024, 11, 17)),
        ("17 November 2024", dt.date(2024, 11, 17)),
        ("2 Nov 2024", dt.date(2024, 11, 2)),
        (dt.datetime(2024, 11, 17, 23, 59), dt.date(2024, 11, 17)),
        (dt.date(2024, 11, 17), dt.date(2024, 11, 17)),
        (None, None),
        ("", None),
    ],
)
def test_coerce_date_accepts_iso_acled_and_date_objects(value: object, want: dt.date | None) -> None:
    from mapapp.text.dates import coerce_date

    assert coerce_date(value) == want


@pytest.mark.parametrize("value", ["0000-01-01", "2024-02-30", "9999-12-31", "17/11/2024", "yesterday", "2024-13-01"])
def test_coerce_date_rejects_what_is_not_a_calendar_date(value: str) -> None:
    from mapapp.errors import InputError
    from mapapp.text.dates import coerce_date

    with pytest.raises(InputError, match=r"published=.*is not a date"):
        coerce_date(value, "published")


def test_pandas_timestamps_are_days() -> None:
    pd = pytest.importorskip("pandas")
    from mapapp.text.dates import coerce_date

    assert coerce_date(pd.Timestamp("2024-11-17 10:00")) == dt.date(2024, 11, 17)


def test_date_in_a_file_name() -> None:
    from mapapp.text.dates import date_in_name

    assert date_in_name("2024-11-17-atacms.txt") == dt.date(2024, 11, 17)
    assert date_in_name("32_VOA_EN_NW_2014.06.04.1929720.txt") == dt.date(2014, 6, 4)
    assert date_in_name("report_2023_02_24.md") == dt.date(2023, 2, 24)
    assert date_in_name("notes-2024-13-45.txt") is None and date_in_name("12345678.txt") is None


def test_letters_ignorecase_takes_for_i_and_s_do_not_break_the_look_up() -> None:
    # "ı", "İ" and "ſ" match "i"/"s" case-insensitively; the words are still found, never a KeyError
    pub = dt.date(2024, 1, 3)
    assert [m.value for m in find_dates("thıs week", pub)] == [m.value for m in find_dates("this week", pub)]
    sunday = [m.value.start for m in find_dates("on sunday", pub)]
    assert [m.value.start for m in find_dates("on ſunday", pub)] == sunday
    assert find_dates("THİS WEEK", pub)[0].value.start == find_dates("this week", pub)[0].value.start

"""Date expressions in news text, resolved against the article's publication date.

:func:`find_dates` returns every date expression of a sentence with its character span and a
:class:`~mapapp.model.DateValue` (ISO ``start``..``end``, inclusive).

Representation (documented choices):

* An explicit date ("17 November 2024", "2024-11-17", "November 2024", "in 2023") is
  ``status="reported"``.
* A relative expression ("Sunday", "on Tuesday", "yesterday", "last week", "Saturday night into
  Sunday") is resolved with the publication date and is ``status="inferred"``. A weekday means the
  most recent such day on or before publication (the publication day itself included: "Sunday"
  in a Sunday article is that Sunday), unless the clause speaks of the future.
* A month without a year ("in October") resolves to the most recent such month on or before the
  publication month (or the next one when the clause speaks of the future: "will ... in
  December"). The year is *not stated* by the text, so it is ``"inferred"`` only when the month
  lies within :data:`RECENT_MONTHS` of publication and nothing in the sentence refers back in
  time ("at the time", "first began", "previously", "back in", "had ..."). Otherwise it is
  ``"uncertain"`` and ``DateValue.note`` says which year was assumed and why it may be wrong.
  The resolved year is never silently presented as reported.
* Without a publication date, relative expressions cannot be resolved and are skipped; explicit
  dates are still found.

:func:`coerce_date` is the one place that turns a value into a calendar date (CLI arguments, front
matter, CSV cells, store rows, links all go through it).

Pure: stdlib only.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from mapapp.errors import InputError
from mapapp.model import DateValue
from mapapp.text.sentences import fold_case, plain_letters, presence_pattern

__all__ = [
    "MAX_YEAR",
    "MIN_YEAR",
    "MONTHS",
    "RECENT_MONTHS",
    "DateMatch",
    "coerce_date",
    "date_in_name",
    "find_dates",
    "has_date_hint",
    "parse_iso_date",
    "retrospective",
]

#: A year-less month this many months (or fewer) before publication is "inferred"; older is
#: "uncertain".
RECENT_MONTHS = 6

MONTHS: dict[str, int] = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
MONTHS["sept"] = 9
WEEKDAYS: dict[str, int] = {d.lower(): i for i, d in enumerate(calendar.day_name)}

_MONTH_RE = (
    r"(?P<{g}>January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"
)
_WD = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_PART = r"(?:\s+(?:morning|afternoon|evening|night))?"
_NUMW = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "a": 1, "an": 1,
}  # fmt: skip

_FUTURE_RE = re.compile(
    r"\b(?:will|shall|is|are)\s+(?:expected|set|due|scheduled|planning|going)\b|\bwill\b|\bplans? to\b"
    r"|\bnext\b|\bupcoming\b",
    re.I,
)
_RETRO_RE = re.compile(
    r"\bat the time\b|\bback in\b|\bpreviously\b|\bin the past\b|\bfirst (?:began|started|used)\b"
    r"|\bhad\s+(?:been\s+|first\s+|already\s+)?\w+ed\b",
    re.I,
)


_HINT_RE = re.compile(
    r"\d|day|night|week|month|year|ago|tomorrow|overnight|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec",
    re.I,
)
_DIGIT_RE = re.compile(r"\d")
# _HINT_RE as a digit test and a search of the folded text for its words (written as a trie)
_HINT_WORDS_RE = presence_pattern(_HINT_RE.pattern.lower().split("|")[1:])
_MONTH_ABBR_RE = re.compile(r"Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec")  # every _MONTH_RE name starts so
_REL_DAY_WORDS = ("today", "tomorrow", "yesterday", "night", "this")  # one is in every "rel_day" expression


@dataclass(frozen=True)
class DateMatch:
    """One date expression: ``text[start:end]`` (offsets in the text given to :func:`find_dates`)."""

    start: int
    end: int
    value: DateValue


#: Earliest and latest year :func:`coerce_date` accepts (a year 0000 or 9999 is a data error).
MIN_YEAR, MAX_YEAR = 1000, 2999

_ISO_RE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.+\-Z]{0,30})?\s*$")
_DMY_RE = re.compile(r"^\s*(\d{1,2})\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})\s*$")
_NAME_DATE_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})[-._](\d{2})[-._](\d{2})(?!\d)")


def coerce_date(value: object, what: str = "date") -> dt.date | None:
    """The one date coercion: ``None``/``""`` -> None; a date or datetime (or anything with
    ``.date()``, e.g. a pandas Timestamp) -> its day; a string ``"YYYY-MM-DD"`` (optionally
    followed by a time, ``"2024-11-17T08:00Z"``) or ACLED's ``"17 November 2024"`` -> that day.

    Raises
    ------
    InputError
        (a ``ValueError``) naming ``what`` and the value, when it is not a calendar date with a
        year in :data:`MIN_YEAR`..:data:`MAX_YEAR`.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    day: dt.date | None = None
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif not isinstance(value, str) and callable(getattr(value, "date", None)):
        try:
            got = value.date()  # type: ignore[attr-defined]
        except (TypeError, ValueError):
            got = None
        day = got if isinstance(got, dt.date) else None
    elif isinstance(value, str):
        day = _parse_date_text(value)
    if day is None or not MIN_YEAR <= day.year <= MAX_YEAR:
        shown = value if isinstance(value, str | dt.date) else str(value)
        msg = f"{what}={shown!r} is not a date; expected YYYY-MM-DD (years {MIN_YEAR}-{MAX_YEAR}), e.g. 2024-11-17."
        raise InputError(msg)
    return day


def _parse_date_text(text: str) -> dt.date | None:
    m = _ISO_RE.match(text)
    if m:
        return _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _DMY_RE.match(text)
    if m and m.group(2).lower().rstrip(".") in MONTHS:
        return _safe_date(int(m.group(3)), MONTHS[m.group(2).lower().rstrip(".")], int(m.group(1)))
    return None


def parse_iso_date(value: str | dt.date | None) -> dt.date | None:
    """Alias of :func:`coerce_date` (kept for callers of the old name)."""
    return coerce_date(value)


def date_in_name(name: str) -> dt.date | None:
    """A ``YYYY-MM-DD`` (or ``YYYY.MM.DD``, ``YYYY_MM_DD``) date written in a file name, or None."""
    for m in _NAME_DATE_RE.finditer(name):
        d = _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if d is not None:
            return d
    return None


def retrospective(text: str) -> str:
    """The phrase in ``text`` that refers back in time ("at the time", "first began"), or ""."""
    m = _RETRO_RE.search(text)
    return m.group(0) if m else ""


def _month_num(word: str) -> int:
    return MONTHS[word.lower().rstrip(".")]


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _dv(start: dt.date, end: dt.date, precision: str, status: str, text: str, note: str = "") -> DateValue:
    return DateValue(
        start=start.isoformat(),
        end=end.isoformat(),
        precision=precision,  # type: ignore[arg-type]
        status=status,  # type: ignore[arg-type]
        text=text,
        note=note,
    )


def _weekday_on_or_before(published: dt.date, weekday: int) -> dt.date:
    return published - dt.timedelta(days=(published.weekday() - weekday) % 7)


def _weekday_after(published: dt.date, weekday: int) -> dt.date:
    return published + dt.timedelta(days=((weekday - published.weekday()) % 7) or 7)


def _safe_date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


# Ordered: earlier patterns win where spans overlap (longest, most explicit first).
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"\b(?P<y>(?:19|20)\d{2})-(?P<m>\d{2})-(?P<d>\d{2})\b")),
    (
        "dmy_range",
        re.compile(
            r"\b(?P<d1>\d{1,2})\s*(?:-|–|to|and)\s*(?P<d2>\d{1,2})\s+"
            + _MONTH_RE.format(g="mon")
            + r"(?:,?\s+(?P<y>(?:19|20)\d{2}))?\b"
        ),
    ),
    (
        "dmy",
        re.compile(
            r"\b(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?"
            + _MONTH_RE.format(g="mon")
            + r"(?:,?\s+(?P<y>(?:19|20)\d{2}))?(?![\w])"
        ),
    ),
    (
        "mdy",
        re.compile(
            _MONTH_RE.format(g="mon") + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?\b(?!\s*(?:,\s*)?\d{3}\b)"
            r"(?:,?\s+(?P<y>(?:19|20)\d{2}))?\b"
        ),
    ),
    ("my", re.compile(_MONTH_RE.format(g="mon") + r",?\s+(?P<y>(?:19|20)\d{2})\b")),
    (
        "wd_range",
        re.compile(
            r"\b(?P<w1>"
            + _WD
            + r")"
            + _PART
            + r"\s+(?:into|to|and|through|until)\s+(?:early\s+)?(?P<w2>"
            + _WD
            + r")"
            + _PART
            + r"\b"
        ),
    ),
    ("overnight_into", re.compile(r"\bovernight\s+(?:into|on|to)\s+(?P<w2>" + _WD + r")\b", re.I)),
    ("weekday", re.compile(r"\b(?:(?P<rel>last|this|next|on|early|late)\s+)?(?P<w>" + _WD + r")" + _PART + r"\b")),
    (
        "ago",
        re.compile(
            r"\b(?P<n>\d+|one|two|three|four|five|six|seven|eight|nine|ten|a|an)\s+"
            r"(?P<unit>days?|weeks?|months?|years?)\s+ago\b",
            re.I,
        ),
    ),
    (
        "rel_period",
        re.compile(
            r"\b(?P<earlier>earlier\s+)?(?P<rel>last|this|next|past)\s+"
            r"(?P<unit>week|month|year|weekend)\b",
            re.I,
        ),
    ),
    (
        "rel_day",
        re.compile(
            r"\b(?P<w>today|tonight|yesterday|last night|this morning|this evening"
            r"|this afternoon|overnight|tomorrow)\b",
            re.I,
        ),
    ),
    (
        "month",
        re.compile(
            r"\b(?P<prep>(?i:in|since|during|by|until|through|from|of|last|this|next|early|mid|"
            r"late|and|to|between))\s+(?:(?:early|mid|late)[\s-])?" + _MONTH_RE.format(g="mon") + r"(?![\w])"
        ),
    ),
    (
        "year",
        re.compile(
            r"\b(?P<prep>(?i:in|since|during|by|until|through|of|early|late))\s+"
            r"(?P<y>(?:19|20)\d{2})\b(?!\s*(?:km|miles|troops|people))"
        ),
    ),
    (
        # a year naming an event: "the 2014 downing of MH17", "the 2016 attack"
        "year",
        re.compile(
            r"\b(?P<prep>(?i:the|a|an|its|their|his|her))\s+(?P<y>(?:19|20)\d{2})(?=\s+"
            r"(?!(?:km|kilometres|kilometers|miles|troops|people|soldiers|civilians|residents|men|women|children|"
            r"metres|meters|feet|tons|tonnes|votes|members|students|workers)\b)[a-z])"
        ),
    ),
]


def has_date_hint(text: str) -> bool:
    """Whether ``text`` has a digit, a month, a weekday or a relative-time word (else
    :func:`find_dates` finds nothing in it)."""
    return _DIGIT_RE.search(text) is not None or _HINT_WORDS_RE.search(fold_case(text)) is not None


def _possible_kinds(text: str) -> set[str]:
    """The kinds of :data:`_PATTERNS` that can match in ``text``: each needs a digit, a month name,
    a weekday or one of its words (cheap literal tests; a pattern is only run where it can match)."""
    low = fold_case(text)
    digit = _DIGIT_RE.search(text) is not None
    month = _MONTH_ABBR_RE.search(text) is not None
    kinds: set[str] = set()
    if digit:
        kinds.add("year")
        if "-" in text:
            kinds.add("iso")
        if month:
            kinds.update(("dmy_range", "dmy", "mdy", "my"))
    if month:
        kinds.add("month")
    if "day" in text:  # Monday ... Sunday, written with a capital
        kinds.update(("wd_range", "weekday"))
    if "overnight" in low:
        kinds.add("overnight_into")
    if "ago" in low:
        kinds.add("ago")
    if "week" in low or "month" in low or "year" in low:
        kinds.add("rel_period")
    if any(w in low for w in _REL_DAY_WORDS):
        kinds.add("rel_day")
    return kinds


def find_dates(
    text: str,
    published: dt.date | None,
    *,
    context: str | None = None,
    future: bool | None = None,
    back_reference: str = "",
) -> list[DateMatch]:
    """Every date expression in ``text``, resolved against ``published``.

    Parameters
    ----------
    text
        A sentence or clause.
    published
        The article's publication date; None leaves relative expressions unresolved (skipped).
    context
        Text used to detect future tense and back-references (defaults to ``text``).
    future
        Force future (True) or past (False) reading; None detects it in ``context``.
    back_reference
        A phrase elsewhere in the sentence that refers back in time ("at the time"); makes
        year-less months "uncertain".

    Returns
    -------
    list of DateMatch, in text order, spans non-overlapping.
    """
    if not text.isascii():
        text = plain_letters(text)  # "thıs week" matches like "this week": its words are looked up
    if not has_date_hint(text):
        return []  # no digit, month, weekday or relative-time word: nothing to find
    ctx = text if context is None else context
    if back_reference:
        ctx = f"{ctx} ({back_reference})"
    if future is None:
        future = bool(_FUTURE_RE.search(ctx))
    taken: list[tuple[int, int]] = []
    out: list[DateMatch] = []
    possible = _possible_kinds(text)
    for kind, pat in _PATTERNS:
        if kind not in possible:
            continue
        for m in pat.finditer(text):
            s, e = m.span()
            if any(s < b and a < e for a, b in taken):
                continue
            dv = _resolve(kind, m, published, future, ctx)
            if dv is None:
                continue
            taken.append((s, e))
            out.append(DateMatch(s, e, dv))
    out.sort(key=lambda d: d.start)
    return out


def _resolve(kind: str, m: re.Match[str], pub: dt.date | None, future: bool, ctx: str) -> DateValue | None:  # noqa: C901 (one branch per date expression form)
    t = m.group(0)
    g = m.groupdict()
    if kind == "iso":
        d = _safe_date(int(g["y"]), int(g["m"]), int(g["d"]))
        return _dv(d, d, "day", "reported", t) if d else None
    if kind in ("dmy", "mdy", "dmy_range"):
        mon = _month_num(g["mon"])
        if kind == "dmy_range":
            d1, d2 = int(g["d1"]), int(g["d2"])
        else:
            d1 = d2 = int(g["d"])
        if g.get("y"):
            y, status, note = int(g["y"]), "reported", ""
        elif pub is None:
            return None
        else:
            y = pub.year if (mon, d1) <= (pub.month, pub.day) or future else pub.year - 1
            if future and (mon, d1) < (pub.month, pub.day):
                y = pub.year + 1
            status, note = "inferred", f"year not stated; {y} assumed from publication date {pub}"
        a, b = _safe_date(y, mon, d1), _safe_date(y, mon, d2)
        if a is None or b is None or b < a:
            return None
        return _dv(a, b, "day" if a == b else "range", status, t, note)
    if kind == "my":
        y, mon = int(g["y"]), _month_num(g["mon"])
        return _dv(dt.date(y, mon, 1), _month_end(y, mon), "month", "reported", t)
    if kind == "year":
        y = int(g["y"])
        return _dv(dt.date(y, 1, 1), dt.date(y, 12, 31), "year", "reported", t)
    if pub is None:
        return None
    if kind == "wd_range":
        w1, w2 = WEEKDAYS[g["w1"].lower()], WEEKDAYS[g["w2"].lower()]
        end = _weekday_after(pub, w2) if future else _weekday_on_or_before(pub, w2)
        start = end - dt.timedelta(days=(w2 - w1) % 7)
        return _dv(start, end, "range", "inferred", t)
    if kind == "overnight_into":
        end = _weekday_on_or_before(pub, WEEKDAYS[g["w2"].lower()])
        return _dv(end - dt.timedelta(days=1), end, "range", "inferred", t)
    if kind == "weekday":
        w = WEEKDAYS[g["w"].lower()]
        rel = (g.get("rel") or "").lower()
        if rel == "next" or (future and rel != "last"):
            d = _weekday_after(pub, w)
        elif rel == "last" and pub.weekday() == w:
            d = pub - dt.timedelta(days=7)
        else:
            d = _weekday_on_or_before(pub, w)
        if t.lower().endswith("night") and not future:
            return _dv(d, d + dt.timedelta(days=1) if d < pub else d, "day" if d >= pub else "range", "inferred", t)
        return _dv(d, d, "day", "inferred", t)
    if kind == "ago":
        n_raw = g["n"].lower()
        n = int(n_raw) if n_raw.isdigit() else _NUMW[n_raw]
        unit = g["unit"].lower().rstrip("s")
        if unit == "day":
            d = pub - dt.timedelta(days=n)
            return _dv(d, d, "day", "inferred", t)
        if unit == "week":
            d = pub - dt.timedelta(weeks=n)
            monday = d - dt.timedelta(days=d.weekday())
            return _dv(monday, monday + dt.timedelta(days=6), "range", "inferred", t)
        if unit == "month":
            y, mo = divmod(pub.year * 12 + pub.month - 1 - n, 12)
            return _dv(dt.date(y, mo + 1, 1), _month_end(y, mo + 1), "month", "inferred", t)
        y = pub.year - n
        return _dv(dt.date(y, 1, 1), dt.date(y, 12, 31), "year", "inferred", t)
    if kind == "rel_period":
        rel, unit = g["rel"].lower(), g["unit"].lower()
        step = {"last": -1, "past": -1, "this": 0, "next": 1}[rel]
        earlier = bool(g.get("earlier"))
        if unit in ("week", "weekend"):
            monday = pub - dt.timedelta(days=pub.weekday()) + dt.timedelta(weeks=step)
            a, b = monday, monday + dt.timedelta(days=6)
            if unit == "weekend":
                a = monday + dt.timedelta(days=5)
            if rel == "past" and unit == "week":
                a, b = pub - dt.timedelta(days=7), pub
            if earlier or (step == 0 and b > pub):
                b = min(b, pub)
            return _dv(a, b, "range", "inferred", t)
        if unit == "month":
            y, mo = divmod(pub.year * 12 + pub.month - 1 + step, 12)
            a, b = dt.date(y, mo + 1, 1), _month_end(y, mo + 1)
            if earlier and step == 0:
                return _dv(a, pub, "range", "inferred", t)
            return _dv(a, b, "month", "inferred", t)
        y = pub.year + step
        if earlier and step == 0:
            return _dv(dt.date(y, 1, 1), pub, "range", "inferred", t)
        return _dv(dt.date(y, 1, 1), dt.date(y, 12, 31), "year", "inferred", t)
    if kind == "rel_day":
        word = g["w"].lower()
        one = dt.timedelta(days=1)
        if word == "yesterday":
            return _dv(pub - one, pub - one, "day", "inferred", t)
        if word == "tomorrow":
            return _dv(pub + one, pub + one, "day", "inferred", t)
        if word in ("last night", "overnight"):
            return _dv(pub - one, pub, "range", "inferred", t)
        return _dv(pub, pub, "day", "inferred", t)
    if kind == "month":
        mon = _month_num(g["mon"])
        prep = g["prep"].lower()
        if prep == "next" or (future and prep != "last"):
            y = pub.year if mon > pub.month else pub.year + 1
        else:
            y = pub.year if mon <= pub.month else pub.year - 1
            if prep == "last" and mon == pub.month:
                y -= 1
        a, b = dt.date(y, mon, 1), _month_end(y, mon)
        if prep == "since":
            return _dv(a, max(pub, a), "range", "inferred", t, f"year not stated; {y} assumed")
        back = retrospective(ctx)
        months_before = (pub.year - y) * 12 + pub.month - mon
        name = calendar.month_name[mon]
        if back:
            note = (
                f"year not stated; {name} {y} is the latest {name} on or before publication ({pub}),"
                f" but the text refers back ({back!r}), so the year may be earlier"
            )
            return _dv(a, b, "month", "uncertain", t, note)
        if months_before > RECENT_MONTHS:
            note = (
                f"year not stated; {name} {y} assumed ({months_before} months before "
                f"publication {pub}), may be another year"
            )
            return _dv(a, b, "month", "uncertain", t, note)
        return _dv(a, b, "month", "inferred", t, f"year not stated; {y} inferred from publication date {pub}")
    return None

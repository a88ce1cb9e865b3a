"""When an event happened: the date expression of its clause, else the publication week, else
undated with the reason.

* A date expression in the trigger's clause (:func:`mapapp.text.dates.find_dates`) goes to the
  nearest trigger; a planned event's relative date is read forward ("next week").
* An event whose reports give no date gets, when the publication date is known, the
  :data:`NEWS_DAYS` days up to publication (``status="uncertain"``, precision "range", with a
  note): news reports what just happened. Not when the sentence refers back in time ("had
  been", "at the time", "previously", a trial or sentence for it), nor for old events that have
  a date of their own ("in 2011", "seven years ago"), which keep it.
* A planned event without a date is dated to publication ("planned as of ...").
* Whatever stays undated says why in ``Event.notes``.
"""

from __future__ import annotations

import datetime as dt
import re

from mapapp.model import DateValue, Event
from mapapp.text.events.merge import event_with

__all__ = ["NEWS_DAYS", "finish_date"]

#: An undated report of a news article is assumed to fall within this many days up to publication.
NEWS_DAYS = 7

_OLD_RE = re.compile(
    r"\b(?:at\s+the\s+time|previously|back\s+in|in\s+the\s+past|(?:years?|decades?)\s+(?:ago|earlier|before)|"
    r"anniversary|convicted|sentenced|trial|verdict|pleaded|accused\s+of|recalled|memorial|commemorat\w+)\b",
    re.I,
)


def finish_date(e: Event, published: dt.date | None) -> Event:
    """``e`` with its final date (see the module docstring)."""
    if e.date is not None:
        return e
    if e.planned and published is not None:
        iso = published.isoformat()
        note = f"planned as of the publication date {published}; the text gives no date for it"
        return event_with(e, date=DateValue(iso, iso, "day", "inferred", "", note))
    if published is None:
        return _note(e, "undated: the text gives no date and the publication date is unknown (give --published)")
    texts = " ".join(s.text for s in e.sentences) or e.sentence
    old = _OLD_RE.search(texts)
    if old:
        return _note(
            e,
            f"undated: the text gives no date and refers back in time ({old.group(0)!r}), so the publication "
            f"week ({published}) is not assumed",
        )
    start = published - dt.timedelta(days=NEWS_DAYS - 1)
    note = f"the text gives no date; assumed within the {NEWS_DAYS} days up to publication ({start}..{published})"
    return event_with(e, date=DateValue(start.isoformat(), published.isoformat(), "range", "uncertain", "", note))


def _note(e: Event, note: str) -> Event:
    return event_with(e, notes="; ".join(x for x in (e.notes, note) if x))

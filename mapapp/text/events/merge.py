"""Incidents, not sentences: merging reports of one event, and filtering by date.

Two reports are the same incident (:func:`same_event`) when they have the same event type and
status, compatible sub-event types, the same first actor (when both name one), overlapping dates
(within one article an undated report also joins a dated one) and compatible places (one
contains the other, or they share a name or id; across articles both must name a place).
:func:`combine_many` keeps every sentence (``Event.sentences``), source, outlet, actor and place,
the most specific sub-event type, the better-dated report as the primary one, and the range of
each figure over the reports (:func:`.figures.merge_figures_many`). It runs once per incident.

:func:`merge_events` compares each report only with the last :data:`WINDOW` kept events that
share its type, status and a place key (or have no place), so merging is linear in the number of
events.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict, deque
from collections.abc import Iterable, Sequence

from mapapp.model import DateValue, Event, Figure, Place, Sentence
from mapapp.text.dates import coerce_date
from mapapp.text.events.figures import merge_figures_many
from mapapp.text.events.kinds import compatible, more_specific
from mapapp.text.events.location import geo_precision, prune_places

__all__ = ["WINDOW", "combine", "combine_many", "event_with", "filter_by_date", "merge_events", "same_event"]

#: How many earlier events (per type, status and place key) a report is compared with.
WINDOW = 64

_STATUS_RANK = {"reported": 0, "inferred": 1, "uncertain": 2}


def event_with(e: Event, **changes: object) -> Event:
    """``dataclasses.replace(e, **changes)`` without its per-field look-ups (3x faster): the
    fields are copied, ``changes`` set and ``__post_init__`` run, as the constructor does."""
    new = object.__new__(type(e))
    fields = new.__dict__
    fields.update(e.__dict__)
    fields.update(changes)
    new.__post_init__()
    return new


def _date_rank(e: Event) -> tuple[int, int, int]:
    if e.date is None:
        return (1, 9, 0)
    span = (dt.date.fromisoformat(e.date.end) - dt.date.fromisoformat(e.date.start)).days
    return (0, _STATUS_RANK[e.date.status], span)


def _dates_overlap(a: DateValue, b: DateValue) -> bool:
    return a.start <= b.end and b.start <= a.end


def _places_compatible(a: tuple[Place, ...], b: tuple[Place, ...]) -> bool:
    if not a or not b:
        return True
    if {p.id for p in a} & {p.id for p in b}:
        return True
    if {p.name.lower() for p in a} & {p.name.lower() for p in b}:
        return True
    # a region and a settlement in it ("North Carolina" and Carthage, N.C.)
    adm_a = {(p.country_code, p.admin1_code) for p in a if p.kind == "admin1" and p.admin1_code}
    adm_b = {(p.country_code, p.admin1_code) for p in b if p.kind == "admin1" and p.admin1_code}
    if adm_a & {(p.country_code, p.admin1_code) for p in b} or adm_b & {(p.country_code, p.admin1_code) for p in a}:
        return True
    cc_a = {p.country_code for p in a if p.kind == "country"}
    cc_b = {p.country_code for p in b if p.kind == "country"}
    return bool(cc_a & {p.country_code for p in b}) or bool(cc_b & {p.country_code for p in a})


def same_event(a: Event, b: Event, same_article: bool) -> bool:
    """Do ``a`` and ``b`` report one incident? (see the module docstring)"""
    if a.event_type != b.event_type or a.status != b.status:
        return False
    if not compatible(a.sub_event_type, b.sub_event_type):
        return False
    if a.actors and b.actors:
        if a.actors[0] != b.actors[0]:
            return False
    elif (a.actors or b.actors) and not same_article:
        return False
    if a.date is not None and b.date is not None:
        if not _dates_overlap(a.date, b.date):
            return False
    elif (a.date is None) != (b.date is None) and not same_article:
        return False
    if not same_article and not (a.places and b.places):
        return False  # across articles, an incident is only recognised by where it happened
    return _places_compatible(a.places, b.places)


def _summary(primary: Event, other: Event) -> Event:
    """What later comparisons need of a growing incident: its places, date and sub-type (cheap:
    no sentences, figures or outlets are copied)."""
    places = primary.places
    if primary.event_type != "Policy decision" or not places:
        places = prune_places([*primary.places, *other.places])
    date = primary.date
    if date is None:
        date = other.date
    sub = primary.sub_event_type
    if other.event_type == primary.event_type:
        sub = more_specific(sub, other.sub_event_type)
    actors = primary.actors or other.actors
    return event_with(primary, places=places, date=date, sub_event_type=sub, actors=actors, figure_qualifiers=())


def combine_many(reports: Sequence[Event], *, keep_first: bool = False) -> Event:
    """One event from all reports of one incident, in one pass (see the module docstring).

    ``keep_first``: the first report is the incident and the others refer back to it ("killed in
    the assault"); its type, status and primary sentence are kept. Otherwise the best-dated report
    is the primary one.
    """
    if len(reports) == 1:
        return reports[0]
    primary = reports[0] if keep_first else min(reports, key=_date_rank)
    ordered = [primary, *(r for r in reports if r is not primary)]
    summary = primary
    for r in ordered[1:]:
        summary = _summary(summary, r)
    date = primary.date
    if date is None:
        date = next((r.date for r in ordered if r.date is not None), None)
    sentences: dict[tuple[str, int, str], Sentence] = {}
    extra: dict[str, str] = {}
    weapons_words: set[str] = set()
    notes: dict[str, None] = {}
    fig_lists: list[tuple[Figure, ...]] = []
    for r in ordered:
        for x in r.sentences:
            sentences.setdefault((x.source, x.start, x.text), x)
        for k, v in r.extra.items():
            extra.setdefault(k, v)
        weapons_words.update(w for w in r.extra.get("weapons", "").split(", ") if w)
        notes.update(dict.fromkeys(n for n in r.notes.split("; ") if n))
        fig_lists.append(r.figures)
    extra.update(primary.extra)
    if weapons_words:
        extra["weapons"] = ", ".join(sorted(weapons_words))
    sources = tuple(dict.fromkeys(x for r in ordered for x in r.sources))
    bonus = 0.1 if len(sources) > len(primary.sources) else 0.03
    places = summary.places
    near = "near" in primary.extra.get("place_note", "") and places == primary.places
    return event_with(
        primary,
        sub_event_type=summary.sub_event_type,
        date=date,
        places=places,
        geo_precision=geo_precision(places, near) if places != primary.places else primary.geo_precision,
        actors=tuple(dict.fromkeys(a for r in ordered for a in r.actors)),
        outlets=tuple(dict.fromkeys(o for r in ordered for o in r.outlets)),
        figures=merge_figures_many(fig_lists),
        figure_qualifiers=(),
        sources=sources,
        sentences=_in_text_order(sentences.values()),
        weapons=tuple(dict.fromkeys(w for r in ordered for w in r.weapons)),
        confidence=round(min(0.95, max(r.confidence for r in ordered) + bonus), 2),
        notes="; ".join(notes),
        extra=extra,
    )


def _in_text_order(sentences: Iterable[Sentence]) -> tuple[Sentence, ...]:
    """Sentences grouped by source (in order of first appearance) and in text order within one."""
    rank: dict[str, int] = {}
    for x in sentences:
        rank.setdefault(x.source, len(rank))
    return tuple(sorted(sentences, key=lambda x: (rank[x.source], x.start)))


def combine(a: Event, b: Event, *, keep_type: bool = False) -> Event:
    """One event from two reports of it (:func:`combine_many`; ``keep_type`` keeps ``a``'s
    type, status and primary sentence)."""
    return combine_many([a, b], keep_first=keep_type)


def _keys(e: Event) -> list[str]:
    keys = [f"id:{p.id}" for p in e.places] + [f"n:{p.name.lower()}" for p in e.places]
    keys += [f"cc:{p.country_code}" for p in e.places if p.country_code]
    return keys or ["none"]


def merge_events(events: Sequence[Event], *, same_article: bool = False) -> list[Event]:
    """Keep each incident once (see the module docstring); order of first report.

    Within one article (``same_article=True``) an undated report ("Biden signed off on ...")
    also joins a dated one and a report without an actor joins one with an actor.
    """
    groups: list[list[Event]] = []
    summaries: list[Event] = []
    # (type, status) -> place key -> recent group indices
    index: dict[tuple[str, str], dict[str, deque[int]]] = defaultdict(lambda: defaultdict(lambda: deque(maxlen=WINDOW)))
    for e in events:
        bucket = index[(e.event_type, e.status)]
        keys = _keys(e)
        cand: dict[int, None] = {}
        for k in [*keys, "none"] if keys != ["none"] else ["*recent"]:
            for i in bucket.get(k, ()):
                cand[i] = None
        target = next((i for i in sorted(cand) if same_event(summaries[i], e, same_article)), None)
        if target is None:
            groups.append([e])
            summaries.append(e)
            target = len(groups) - 1
            summary_keys = keys
        else:
            groups[target].append(e)
            first, second = (
                (summaries[target], e)
                if _date_rank(summaries[target]) <= _date_rank(e)
                else (
                    e,
                    summaries[target],
                )
            )
            summaries[target] = _summary(first, second)
            summary_keys = _keys(summaries[target])
        for k in [*summary_keys, "*recent"]:
            if target not in bucket[k]:
                bucket[k].append(target)
    return [combine_many(g) for g in groups]


def filter_by_date(
    events: Iterable[Event],
    since: dt.date | str | None = None,
    until: dt.date | str | None = None,
    *,
    keep_undated: bool = False,
) -> list[Event]:
    """Events whose date range overlaps ``since``..``until`` (inclusive; either may be None).

    Undated events are dropped unless ``keep_undated`` (and kept when no bound is given).
    """
    lo = coerce_date(since)
    hi = coerce_date(until)
    out: list[Event] = []
    for e in events:
        if e.date is None:
            if keep_undated or (lo is None and hi is None):
                out.append(e)
            continue
        if lo is not None and e.date.end < lo.isoformat():
            continue
        if hi is not None and e.date.start > hi.isoformat():
            continue
        out.append(e)
    return out

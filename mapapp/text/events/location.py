"""Where an incident happened, and how exactly we know it.

The place of an event is the location argument of its trigger: a place used as a location
("in/near/at/outside X", "the outskirts of X") or as the target ("shelled Kherson") in the
trigger's clause, else elsewhere in its sentence. Never:

* a **dateline** ("BEIRUT (Reuters) -", "KYIV, Ukraine —" at the start of a line) or a **byline**
  ("By Jane Doe in London", "Reporting by ..."): :func:`article_layout` finds them;
* a **court** ("a federal court in Boston", "the trial in Texas", "sentenced in Kabul");
* a **speaker's** place ("told reporters in Washington", "said in a statement from Moscow",
  "the ministry in Moscow claimed");
* an **embassy** or consulate named only as a speaker or an address ("the embassy in Kabul
  said") unless the incident's own clause names it as the target.

:func:`geo_precision` gives ACLED's precision code for the chosen places: 1 a settlement (or a
landmark), 2 "near" a settlement or a region/district, 3 only a country or a larger area.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from mapapp.model import Place, Sentence
from mapapp.text.events.actors import Item
from mapapp.text.sentences import fold_case, folded_twin, presence_pattern

__all__ = ["Layout", "article_layout", "choose_places", "excluded_context", "geo_precision", "prune_places"]

_WIRE = (
    r"Reuters|AP|AFP|CNN|Xinhua|IANS|PTI|UPI|dpa|DPA|ANI|AA|Anadolu|Sputnik|TASS|Tass|Interfax|EFE|ANSA|"
    r"Bloomberg|BBC|VOA|RFE/RL|KUNA|WAFA|IRNA|SANA|Yonhap|Kyodo"
)
_DATELINE_RE = re.compile(
    r"^[\s\"“]*(?:(?:[A-Z][A-Z.'’-]{1,25}(?:[ \t][A-Z][A-Z.'’-]{1,25}){0,3})"  # BEIRUT, NEW YORK
    r"(?:,[ \t]*[A-Z][A-Za-z.'’-]{1,25}(?:[ \t][A-Z][A-Za-z.'’-]{1,25}){0,2}){0,2}"  # , Lebanon
    r"(?:,?[ \t]+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?[ \t]+\d{1,2})?"  # , Nov. 17
    r"[ \t]*(?:\((?:" + _WIRE + r")\)[ \t]*)?(?:[-–—]{1,2}|:)"
    r"|[A-Z][a-z]+(?:[ \t][A-Z][a-z]+){0,2}(?:,[ \t]*[A-Z][a-z]+(?:[ \t][A-Z][a-z]+){0,2})?[ \t]*\((?:"
    + _WIRE
    + r")\)[ \t]*[-–—]{0,2})"
)
_BYLINE_RE = re.compile(
    r"^[\s\"“]*(?:By[ \t]+[A-Z]|(?:Additional[ \t]+)?[Rr]eporting[ \t]+by|Writing[ \t]+by|Editing[ \t]+by|"
    r"Compiled[ \t]+by|Contributing:)"
)
_COURT_BEFORE_RE = re.compile(
    r"\b(?:court|courts|courthouse|courtroom|tribunal|trial|tried|jury|judge|convicted|sentenced|testified|"
    r"testimony|hearing|indicted|arraigned|prosecutors?|prosecuted|acquitted|extradited|appeal)\b"
    r"(?:\s+[\w’'-]+){0,3}?\s+(?:in|at|of)\s+(?:the\s+)?(?:[\w’'-]+\s+)?$",
    re.I,
)
_COURT_AFTER_RE = re.compile(
    r"^(?:['’]s)?\s*(?:federal\s+|district\s+|high\s+|supreme\s+|criminal\s+|military\s+|appeals\s+|county\s+|"
    r"magistrates['’]?\s+|crown\s+)?(?:court|courthouse|tribunal|jury|judge|prosecutors?)\b",
    re.I,
)
_EMBASSY_RE = re.compile(
    r"\b(?:embassy|embassies|consulate|ambassador|envoy|mission|delegation)\s+(?:in|to|at)\s+(?:the\s+)?$", re.I
)
_EMBASSY_AFTER_RE = re.compile(r"^(?:['’]s)?\s*(?:embassy|consulate|ambassador|envoy)\b", re.I)
_SPEAKER_RE = re.compile(
    r"\b(?:said|says|say|told|tells|speaking|spoke|speaks|announced|announces|briefing|briefed|news\s+conference|"
    r"press\s+conference|statement|interview|addressing|remarks|declared|wrote|tweeted|posted|reported|"
    r"reporters|journalists)\b"
    r"(?:\s+[\w’'-]+){0,3}?\s+(?:in|at|from)\s+(?:the\s+)?$",
    re.I,
)
# "the ministry in Moscow claimed", "the government in Damascus denied": a national institution's
# seat, named as who speaks (local "officials in Kharkiv said" speak from where it happened)
_SEAT_BEFORE_RE = re.compile(
    r"\b(?:ministry|ministries|government|kremlin|president|presidency|headquarters|high\s+command|"
    r"general\s+staff|diplomats?)\s+(?:[\w’'-]+\s+)?(?:in|at)\s+(?:the\s+)?$",
    re.I,
)
_SEAT_AFTER_RE = re.compile(
    r"^(?:\s*,[^,]{1,60},)?\s+(?:also\s+|later\s+)?(?:said|says|claimed|claims|denied|denies|announced|"
    r"announces|reported|reports|stated|insisted|accused|told|confirmed|confirms|warned|called|condemned)\b",
    re.I,
)
#: Stems one of which every court, speaker or embassy context contains (a cheap first test).
_CONTEXT_STEMS = (
    "court", "trial", "tribunal", "jury", "judge", "convict", "sentenc", "testi", "hearing", "indict", "arraign",
    "prosecut", "acquit", "extradit", "appeal", "tried", "said", "say", "told", "tell", "speak", "spoke", "announc",
    "brief", "conference", "statement", "interview", "address", "remark", "declar", "wrote", "tweet", "post",
    "report", "journalist", "embass", "consul", "ambassador", "envoy", "mission", "delegation", "claim", "denie",
    "confirm", "insist", "accus", "warn", "condemn", "call",
)  # fmt: skip
_CONTEXT_STEMS_RE = presence_pattern(_CONTEXT_STEMS)  # a search finds whether one occurs
_NEAR_RE = re.compile(
    r"\b(?:near|outside|close\s+to|outskirts\s+of|vicinity\s+of|(?:north|south|east|west|northeast|northwest|"
    r"southeast|southwest)\s+of|(?:km|kilometers|kilometres|miles)\s+(?:\w+\s+)?(?:from|of)|around)\s+"
    r"(?:the\s+)?(?:\w+\s+)?$",
    re.I,
)


# case-sensitive twins run on folded text (fold_case): same spans, 2-3x faster
_COURT_BEFORE_F, _COURT_AFTER_F, _EMBASSY_F, _EMBASSY_AFTER_F, _SPEAKER_F, _SEAT_BEFORE_F, _SEAT_AFTER_F, _NEAR_F = (
    folded_twin(rx)
    for rx in (
        _COURT_BEFORE_RE,
        _COURT_AFTER_RE,
        _EMBASSY_RE,
        _EMBASSY_AFTER_RE,
        _SPEAKER_RE,
        _SEAT_BEFORE_RE,
        _SEAT_AFTER_RE,
        _NEAR_RE,
    )
)


@dataclass(frozen=True)
class Layout:
    """Article spans that are not reporting: datelines and bylines, ``(start, end, what)``."""

    spans: tuple[tuple[int, int, str], ...] = ()

    def excluded(self, a: int, b: int) -> str:
        """ "dateline"/"byline" when article span ``a``..``b`` lies in one, else "" (binary
        search: the spans are sorted and do not overlap)."""
        i = bisect_right(self.spans, (a, math.inf, "")) - 1
        if i >= 0:
            s, e, what = self.spans[i]
            if s <= a and b <= e:
                return what
        return ""


def article_layout(text: str, sentences: Sequence[Sentence]) -> Layout:
    """Datelines and bylines of an article: checked at the start of each line (bounded windows)."""
    spans: list[tuple[int, int, str]] = []
    line_starts = [0] + [m.end() for m in re.finditer(r"\n", text)]
    for ls in line_starts:
        head = text[ls : ls + 160]
        if not head.strip():
            continue
        bm = _BYLINE_RE.match(head)
        if bm:
            end = text.find("\n", ls)
            end = len(text) if end < 0 else end
            if end - ls <= 200:
                spans.append((ls, end, "byline"))
                continue
        dm = _DATELINE_RE.match(head)
        if dm and dm.end() < 120:
            spans.append((ls, ls + dm.end(), "dateline"))
    return Layout(tuple(spans))


def excluded_context(s: str, a: int, b: int, *, trigger_clause: bool) -> str:
    """Why the name at ``s[a:b]`` is not where an incident happened ("court", "speaker",
    "embassy"), or "" (bounded look at 70 characters before and 40 after)."""
    before = s[max(0, a - 70) : a]
    after = s[b : b + 40]
    low = (before + after).lower()
    if not _CONTEXT_STEMS_RE.search(low):
        return ""
    before, after = fold_case(before), fold_case(after)
    if _COURT_BEFORE_F.search(before) or _COURT_AFTER_F.match(after):
        return "court"
    if _SPEAKER_F.search(before) or (_SEAT_BEFORE_F.search(before) and _SEAT_AFTER_F.match(after)):
        return "speaker"
    if not trigger_clause and (_EMBASSY_F.search(before) or _EMBASSY_AFTER_F.match(after)):
        return "embassy"
    return ""


def prune_places(places: Iterable[Place]) -> tuple[Place, ...]:
    """Unique places; a country is dropped when a place inside it is also given."""
    uniq: dict[str, Place] = {}
    for p in places:
        uniq.setdefault(p.id, p)
    ps = list(uniq.values())
    sub_cc = {p.country_code for p in ps if p.kind != "country" and p.country_code}
    return tuple(p for p in ps if not (p.kind == "country" and p.country_code in sub_cc))


def choose_places(
    s: str,
    items: Sequence[Item],
    segment: tuple[int, int],
    clause: tuple[int, int],
    sentence_start: int,
    layout: Layout,
    starts: Sequence[int] | None = None,
) -> tuple[tuple[Place, ...], bool, list[str]]:
    """The incident places of a trigger: (places, near, reasons other names were refused).

    ``segment`` is the part of the clause that belongs to this trigger (offsets in ``s``);
    places are looked for there, then in the clause, then in the sentence. ``starts`` (the
    items' start offsets, sorted) makes the look-up a binary search.
    """
    if starts is None:
        starts = [i.start for i in items]
    refused: list[str] = []

    def usable(i: Item, in_clause: bool) -> bool:
        if i.place is None or not i.as_place:
            return False
        why = layout.excluded(sentence_start + i.start, sentence_start + i.end) or excluded_context(
            s, i.start, i.end, trigger_clause=in_clause
        )
        if why:
            refused.append(f"{i.place.name} ({why})")
            return False
        return True

    for lo, hi, in_clause in ((segment[0], segment[1], True), (clause[0], clause[1], True), (0, len(s), False)):
        chosen = [
            items[k] for k in range(bisect_left(starts, lo), bisect_left(starts, hi)) if usable(items[k], in_clause)
        ]
        if chosen:
            places = prune_places(i.place for i in chosen if i.place is not None)
            first = next(i for i in chosen if i.place is not None and i.place.id == places[0].id)
            near = bool(_NEAR_F.search(fold_case(s[max(0, first.start - 40) : first.start])))
            return places, near, refused
    return (), False, refused


def geo_precision(places: Sequence[Place], near: bool = False) -> int:
    """ACLED precision of the best of ``places``: 1 settlement/landmark, 2 near one or a
    region/district, 3 a country or larger; 0 without places."""
    if not places:
        return 0
    best = 3
    for p in places:
        if p.kind in ("city", "landmark"):
            best = min(best, 2 if near else 1)
        elif p.kind in ("admin1", "admin2", "region"):
            best = min(best, 2)
    return best

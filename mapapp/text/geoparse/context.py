"""What the article as a whole says about its names: coherence checks and unknown places.

Two passes after the soft-voting resolution (:mod:`mapapp.text.geoparse.parser`):

- :func:`unresolve_far_namesakes`: a name whose explicit qualifier ("Andriivka, Donetsk region")
  matches none of its candidates, or whose only candidate is a small namesake thousands of km
  from everything else the article names ("Malaya" in a Kursk-region article -> the Philippines),
  becomes *unresolved*: it is located at the container (the qualifier's region, or the article's
  dominant country) with ``precision`` "admin1"/"country", never at the far namesake.
- :func:`unknown_placed`: a capitalised name the gazetteer lacks, in a place context ("near X",
  "the village of X", "X, Donetsk region", "X in the Kursk region", "X airbase"), becomes an
  unresolved mention located at its container: the region the text names after it, else the
  article's dominant region or country. Never dropped, never mapped to a namesake elsewhere.

Coordinates are (lon, lat) degrees in :class:`~mapapp.model.Place`.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol

from mapapp.errors import InputError
from mapapp.model import Mention, Place
from mapapp.text.geoparse.lexicon import (
    FIRST_NAMES,
    GENERIC_WORDS,
    MONTHS_AND_DAYS,
    PERSON_TITLES,
    STREET_SUFFIXES,
    SURNAMES,
    common_word_zipf,
)

if TYPE_CHECKING:
    from mapapp.data.gazetteer import Gazetteer

__all__ = ["Pick", "unknown_placed", "unresolve_far_namesakes"]

Precision = Literal["place", "admin1", "country", "unknown"]

#: A small namesake this far (km) from every other place the article names is a far namesake.
FAR_KM = 1500.0
#: Settlements at least this big are never treated as far namesakes.
FAR_MAX_POPULATION = 50_000
#: Confidence given to a name located only at its container.
UNRESOLVED_CONF = 0.2

_AREA_WORDS = r"region|oblast|province|governorate|district|raion|rayon|krai|republic|county|state"
# a place context before the name: "near", "the village of", "outside the town of" ...
_CUE_WORDS = frozenset(
    {"near", "outside", "around", "towards", "toward", "nearby", "approaching", "entered", "liberated",
     "captured", "recaptured", "shelled", "bombed", "stormed", "seized"}
)  # fmt: skip
_KIND_WORDS = frozenset({"village", "villages", "town", "towns", "settlement", "settlements", "hamlet", "hamlets",
                         "city", "cities", "outskirts"})  # fmt: skip


def _cue_before(before: str) -> bool:
    """True when the words before a name put it in a place context ("near", "the village of")."""
    if not before.endswith((" ", "\n")):
        return False
    w = before.lower().split()[-4:]
    if not w:
        return False
    if w[-1] == "of":
        w = w[:-1]
    if w and w[-1] in _KIND_WORDS:
        return True
    if w and w[-1] == "the":
        w = w[:-1]
    return bool(w) and (w[-1] in _CUE_WORDS or (len(w) >= 2 and w[-2:] == ["advanced", "on"]))


# a container after the name: "X, Donetsk region", "X in the Kursk region", "X (Kursk oblast)"
_CONTAINER_AFTER = re.compile(
    r"(?:\s*,\s*(?:in\s+)?|\s+in\s+|\s*\(\s*)(?:the\s+)?"
    rf"(?P<c>[A-ZА-ЯІЇЄҐ][\w'’-]+(?:\s+[A-ZА-ЯІЇЄҐ][\w'’-]+)?)\s+(?P<w>{_AREA_WORDS})\b",
)
_KIND_AFTER = re.compile(r"\s+(?:village|air\s*base|airfield|air\s+field|aerodrome)\b", re.IGNORECASE)
# a reference place after the name: "X near Kupiansk", "X, south of Bakhmut", "X, Baghdad"
_NEAR_AFTER = re.compile(
    r",?\s+(?:(?:near|outside|(?:north|south|east|west)(?:east|west)?(?:ern)?\s+(?:of|outskirts\s+of))\s+)"
    r"(?:the\s+)?(?=[A-ZА-ЯІЇЄҐ])"
    r"|,\s+(?=[A-ZА-ЯІЇЄҐ])",
    re.IGNORECASE,
)
_IN_BEFORE = re.compile(r"\bin\s+$")
_PERSON_BEFORE = re.compile(
    r"\b(?:with|by|for|told|said|says|asked|met|named|called|visited|against|arrested)\s+$", re.I
)
#: Last words that make a capitalised name a facility, street or organisation, not a settlement.
_NOT_SETTLEMENT = frozenset(
    {"school", "elementary", "high", "middle", "academy", "college", "university", "hospital", "clinic", "center",
     "centre", "church", "park", "mall", "airport", "station", "hall", "hotel", "condominiums", "apartments",
     "building", "stadium", "arena", "field", "farm", "farms", "ranch", "plaza", "tower", "towers", "bridge",
     "dam", "lake", "creek", "river", "mountain", "hills", "heights", "estates", "club", "company", "inc",
     "band", "lips", "news", "post", "times"}
)  # fmt: skip
_SPEECH_AFTER = re.compile(r"\s+(?:said|says|told|added|wrote|stated)\b")


@dataclass(slots=True)
class Pick:
    """The place chosen for one name, with what the coherence checks need."""

    place: Place
    conf: float
    alts: tuple[Place, ...]
    qualified: bool  # an explicit qualifier ("X, Donetsk region") matched the place
    support: float  # the largest mass the article's other names put on its country/region/vicinity
    precision: Precision = "place"


class _CandLike(Protocol):
    key: str
    places: list[tuple[Place, str]]
    qualified_by: list[int]


def _km(a: Place, b: Place) -> float:
    la1, la2 = math.radians(a.lat), math.radians(b.lat)
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin(math.radians(b.lon - a.lon) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(min(1.0, h)))


def _container_of(gaz: Gazetteer, p: Place) -> Place | None:
    """The admin-1 region or country a resolved qualifier stands for (None for other kinds)."""
    if p.kind in ("admin1", "country"):
        return p
    return None


def _outside(p: Place, container: Place) -> bool:
    if p.country_code != container.country_code:
        return True
    return container.kind == "admin1" and p.admin1_code != container.admin1_code


def _unresolved(pick: Pick, container: Place) -> Pick:
    precision: Precision = "admin1" if container.kind == "admin1" else "country"
    alts = (pick.place, *pick.alts[:2])
    return Pick(container, min(pick.conf, UNRESOLVED_CONF), alts, False, pick.support, precision)


def unresolve_far_namesakes(
    gaz: Gazetteer, chosen: dict[str, Pick | None], first: Mapping[str, _CandLike], cands: Sequence[_CandLike]
) -> None:
    """Turn qualifier misses and far small namesakes into names located at their container (in place)."""
    for key, pick in chosen.items():
        if pick is None or pick.qualified or pick.place.kind not in ("city", "airfield", "landmark", "admin2"):
            continue
        for qi in first[key].qualified_by:
            q = chosen.get(cands[qi].key)
            container = _container_of(gaz, q.place) if q is not None else None
            if container is not None and _outside(pick.place, container):
                chosen[key] = _unresolved(pick, container)
                break
    placed = [(k, p) for k, p in chosen.items() if p is not None and p.precision == "place"]
    for key, pick in placed:
        p = pick.place
        if pick.qualified or pick.support >= 0.3 or p.kind not in ("city", "airfield"):
            continue
        if p.population >= FAR_MAX_POPULATION:
            continue
        others = [o.place for k, o in placed if k != key and o.place.country_code]
        if len(others) < 2 or min(_km(p, o) for o in others) < FAR_KM:
            continue
        cc, n = Counter(o.country_code for o in others).most_common(1)[0]
        if cc == p.country_code or n < 0.6 * len(others):
            continue
        try:
            chosen[key] = _unresolved(pick, gaz.country(cc))
        except InputError:
            continue


def _dominant_container(gaz: Gazetteer, mentions: Sequence[Mention]) -> Place | None:
    """The region most of the article's resolved local places lie in, else its dominant country."""
    local = [m.place for m in mentions if m.resolved and m.place is not None and m.place.kind in ("city", "airfield")]
    regions = Counter((p.country_code, p.admin1_code) for p in local if p.admin1_code)
    areas = [m.place for m in mentions if m.resolved and m.place is not None and m.place.kind == "admin1"]
    regions.update((p.country_code, p.admin1_code) for p in areas if p.admin1_code)
    if regions:
        (cc, a1), n = regions.most_common(1)[0]
        if n >= 2 and n >= 0.5 * sum(regions.values()):
            region = gaz.admin1_of(
                Place(id="", name="", kind="city", lon=0.0, lat=0.0, country_code=cc, admin1_code=a1)
            )
            if region is not None:
                return region
    countries = Counter(
        m.place.country_code for m in mentions if m.resolved and m.place is not None and m.place.country_code
    )
    if not countries:
        return None
    cc, n = countries.most_common(1)[0]
    if n < 0.5 * sum(countries.values()):
        return None
    try:
        return gaz.country(cc)
    except InputError:
        return None


def _named_container(gaz: Gazetteer, name: str, mentions: Sequence[Mention], start: int) -> Place | None:
    """The admin-1 region (or country) named right after an unknown name: "X, Donetsk region"."""
    for m in mentions:
        if m.start == start and m.resolved and m.place is not None and m.place.kind in ("admin1", "country"):
            return m.place
    for p, _ in gaz.candidates(f"{name} region"):
        if p.kind == "admin1":
            return p
    return None


def _reference_after(gaz: Gazetteer, after: str, e: int, mentions: Sequence[Mention], after_in: bool) -> Place | None:
    """The region of the resolved place right after a name ("X near Kupiansk"; after "in": "in
    Karrada, Baghdad" -- a bare comma alone is no place context: "said Joe Scholl, Helena")."""
    m = _NEAR_AFTER.match(after)
    if m is None or (not after_in and m.group(0).strip() == ","):
        return None
    at = e + m.end()
    for men in mentions:
        p = men.place
        if men.start == at and men.resolved and p is not None and p.kind in ("city", "airfield", "admin1"):
            return p if p.kind == "admin1" else gaz.admin1_of(p)
    return None


def _sentence_container(gaz: Gazetteer, text: str, s: int, e: int, mentions: Sequence[Mention]) -> Place | None:
    """The admin-1 region of the nearest resolved settlement in the same sentence ("X near Kupiansk")."""
    lo = max(text.rfind(". ", 0, s), text.rfind("\n", 0, s)) + 1
    hi_dot = text.find(". ", e)
    hi = len(text) if hi_dot < 0 else hi_dot
    best: tuple[int, Place] | None = None
    for m in mentions:
        p = m.place
        if not m.resolved or p is None or p.kind not in ("city", "airfield", "admin1") or not lo <= m.start < hi:
            continue
        gap = abs(m.start - s)
        if best is None or gap < best[0]:
            best = (gap, p)
    if best is None:
        return None
    return best[1] if best[1].kind == "admin1" else gaz.admin1_of(best[1])


_Tok = tuple[int, int, str, bool, bool, bool]  # start, end, text, capitalised, sentence start, headline


def _is_candidate_word(tok: _Tok) -> bool:
    text, cap, sent = tok[2], tok[3], tok[4]
    low = text.lower()
    if not cap or len(text) < 3 or (not text.isalpha() and "-" not in text):
        return False
    if text.isupper() or low in MONTHS_AND_DAYS or low in PERSON_TITLES or low in GENERIC_WORDS:
        return False
    return common_word_zipf(low) < (2.5 if sent else 3.5)


def _inside(spans: Sequence[tuple[int, int]], starts: Sequence[int], pos: int) -> bool:
    """True when the last of the sorted ``spans`` that starts at or before ``pos`` holds it."""
    k = bisect_right(starts, pos) - 1
    return k >= 0 and spans[k][0] <= pos < spans[k][1]


def unknown_placed(
    gaz: Gazetteer,
    text: str,
    toks: Sequence[_Tok],
    hit_starts: set[int],
    mentions: Sequence[Mention],
) -> list[Mention]:
    """Mentions for capitalised names the gazetteer lacks that the text puts in a place context.

    Each is located at its container (the region named after it, else the article's dominant
    region or country) with ``precision`` "admin1"/"country", or "unknown" (no place) when
    nothing in the article places it. ``toks`` are (start, end, text, capitalised, sentence
    start, headline) tuples; ``hit_starts`` the starts of tokens where a gazetteer name began.
    """
    covered = sorted((m.start, m.end) for m in mentions)
    cov_starts = [a for a, _ in covered]
    out: list[Mention] = []
    context: Place | None = None
    context_done = False
    i = 0
    n = len(toks)
    while i < n:
        tok = toks[i]
        s = tok[0]
        if not tok[3] or s in hit_starts or _inside(covered, cov_starts, s):
            i += 1
            continue
        j = i + 1  # a name of up to three capitalised words ("Malaya Loknya", "Novo Hrodivka")
        while (
            j < n
            and j - i < 3
            and toks[j][3]
            and text[toks[j - 1][1] : toks[j][0]] == " "
            and toks[j][0] not in hit_starts
        ):
            j += 1
        e = toks[j - 1][1]
        if tok[3] and tok[2].lower() in FIRST_NAMES and j - i > 1:
            i = j  # "John Smith near ...": a person
            continue
        # a rare word (a cached frequency and set look-ups) in a place context (regexes on a window)
        if not _is_candidate_word(tok):
            i += 1
            continue
        before = text[max(0, s - 40) : s]
        after = text[e : e + 80]
        near_m = _NEAR_AFTER.match(after)
        near_ok = near_m is not None and (near_m.group(0).strip() != "," or bool(_IN_BEFORE.search(before)))
        if not (near_ok or _cue_before(before) or _KIND_AFTER.match(after) or _CONTAINER_AFTER.match(after)):
            i += 1
            continue
        last, following = toks[j - 1][2].lower(), toks[j][2].lower() if j < n else ""
        if last in _NOT_SETTLEMENT or following in _NOT_SETTLEMENT or following in STREET_SUFFIXES:
            i = j  # "North Avenue", "Cassens Elementary", "Sparrow Condominiums"
            continue
        if after[:2] in ("'s", "’s") or _PERSON_BEFORE.search(before):
            i = j  # "outside Chaudhry's home", "caught up with Bakari near Atlanta": a person
            continue
        m_cont = _CONTAINER_AFTER.match(after)
        ref = _reference_after(gaz, after, e, mentions, bool(_IN_BEFORE.search(before)))
        cue = bool(_cue_before(before) or _KIND_AFTER.match(after) or m_cont or ref)
        if not cue or _SPEECH_AFTER.match(after) or (j - i == 1 and tok[2].lower() in SURNAMES and ref and not m_cont):
            i = j
            continue
        container: Place | None = None
        if m_cont is not None:
            container = _named_container(gaz, m_cont.group("c"), mentions, e + m_cont.start("c"))
        if container is None and ref is not None:
            container = ref
        if container is None:
            container = _sentence_container(gaz, text, s, e, mentions)
        if container is None:
            if not context_done:
                context, context_done = _dominant_container(gaz, mentions), True
            container = context
        precision: Precision = (
            "unknown" if container is None else ("admin1" if container.kind == "admin1" else "country")
        )
        out.append(Mention(s, e, text[s:e], container, UNRESOLVED_CONF if container else 0.0, False, (), precision))
        i = j
    return out

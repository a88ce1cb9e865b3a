"""Text in, toponym mentions out: recognition with the gazetteer's names, then resolution.

Recognition scans runs of capitalised words and takes the longest gazetteer name (or demonym)
at each position, then drops what the context says is not a place: words inside organisation
names ("The Washington Post"), people ("JD Vance", "Sen. Vance", a surname seen earlier as part of
a full name), street names, months and weekdays, and common words at the start of a sentence.

Resolution scores every candidate place of a mention with a prior (feature kind, population,
capital status, which name matched) plus the article's context: the countries and admin-1
regions the article names, explicit qualifiers ("Springfield, Illinois"), and nearness to the
article's other places. One sense per article: every occurrence of a name resolves alike.

Coordinates are (lon, lat) in :class:`~mapapp.model.Place`.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from mapapp.data.gazetteer import Gazetteer, get_gazetteer
from mapapp.data.names import normalize
from mapapp.data.resolver import KIND_PRIOR, prior
from mapapp.errors import InputError
from mapapp.model import Mention, Place
from mapapp.text.geoparse.lexicon import (
    AP_STATE_ABBREVIATIONS,
    CONNECTORS,
    FIRST_NAMES,
    GENERIC_ADMIN_WORDS,
    GENERIC_WORDS,
    INSTITUTION_WORDS,
    MODIFIERS,
    MONTHS_AND_DAYS,
    NON_NATIONAL_ADJECTIVES,
    ORG_SUFFIXES,
    PERSON_TITLES,
    PLACE_ABBREVIATIONS,
    PLACE_HEAD_WORDS,
    STREET_SUFFIXES,
    SURNAMES,
    common_word_zipf,
)

__all__ = ["Geoparser", "geoparse"]

#: Longest text the geoparser accepts in one call (characters); larger input is an error.
MAX_TEXT_CHARS = 25_000_000
#: Texts longer than this are geoparsed in pieces (split at line breaks) to keep the cost linear.
CHUNK_CHARS = 100_000

_AP_RE = "|".join(re.escape(a) for a in sorted([*AP_STATE_ABBREVIATIONS, "W. Va."], key=len, reverse=True))
_TOKEN_RE = re.compile(
    rf"(?:{_AP_RE})(?![A-Za-z])"  # AP state abbreviations: "Alexandria, Va."
    r"|(?:[A-Z]\.){2,}"  # U.S. / U.K. / D.C.
    r"|(?:St|Ft|Mt|Pt|Ste)\.(?=\s+[A-Z])"  # St. Louis
    r"|[^\W\d_]+(?:[-'’][^\W\d_]+)*",
    re.UNICODE,
)

_SPEECH_AFTER = re.compile(r"\s+(said|says|told|added|explained|asked|wrote|noted|stated|testified|recalled)\b")
_SPEECH_BEFORE = re.compile(r"\b(said|says|told|according to)\s+$")
_DISEASE_RE = re.compile(r"[- ]?(virus|fever|disease|flu|encephalitis|strain|ebolavirus)\b")
_COMPASS = frozenset(
    {
        "north",
        "south",
        "east",
        "west",
        "northern",
        "southern",
        "eastern",
        "western",
        "central",
        "northeast",
        "northwest",
        "southeast",
        "southwest",
        "northeastern",
        "northwestern",
        "southeastern",
        "southwestern",
    }
)
_MAX_CANDIDATES = 15
_NEAR_KM = 100.0
_POOL_KM = 50.0
_SUBNATIONAL = frozenset({"admin1", "admin2", "city", "landmark"})
_SEAT_CODES = frozenset({"PPLC", "PPLA"})


@dataclass(slots=True)
class _Tok:
    start: int
    end: int
    text: str
    cap: bool
    sent_start: bool
    headline: bool = False


@dataclass(slots=True)
class _Cand:
    """A recognised span and its candidate places."""

    start: int
    end: int
    surface: str
    key: str  # normalised name used for one-sense-per-article
    places: list[tuple[Place, str]]
    associative: bool
    prefer_admin: bool = False
    weak: bool = False  # a common word or a tiny place: kept only with support from the article
    qualifier_of: list[int] = field(default_factory=list)  # indices of mentions this qualifies
    qualified_by: list[int] = field(default_factory=list)


#: Lower-case words the recogniser looks at; other lower-case words only separate names.
_KEEP_LOWER = CONNECTORS | GENERIC_ADMIN_WORDS


def _tokenize(text: str) -> list[_Tok]:
    """Capitalised words (and the few lower-case words that matter), with sentence-start flags.

    Other lower-case words are not kept: two kept tokens with such a word between them are not
    adjacent (:func:`_gap_ok`), which is all the recogniser needs to know of them.
    """
    toks: list[_Tok] = []
    lower_long: list[int] = []  # starts of lower-case words longer than 3 letters (headline test)
    for m in _TOKEN_RE.finditer(text):
        w = m.group()
        if not w[0].isupper():
            if len(w) > 3:
                lower_long.append(m.start())
            if w in _KEEP_LOWER:
                toks.append(_Tok(m.start(), m.end(), w, False, False))
            continue
        s, e = m.start(), m.end()
        # possessive 's is not part of a name
        if len(w) > 2 and w[-2] in "'’" and w[-1] in "sS":
            e -= 2
            w = w[:-2]
        elif w[-1] in "'’":
            e -= 1
            w = w[:-1]
        if not w:
            continue
        if "-" in w:
            # "Sydney-based", "Kremlin-backed": the name is the capitalised part
            parts = w.split("-")
            if all(p.islower() for p in parts[1:]):
                w = parts[0]
                e = s + len(w)
        # sentence start: previous non-space, non-quote char is . ! ? or a newline, or text start
        j = s - 1
        while j >= 0 and text[j] in " \t\"'“‘(‘[—–-":
            j -= 1
        sent = j < 0 or text[j] in ".!?\n\r:;"
        if sent and j >= 0 and text[j] == ".":
            # "Sen. Vance", "J. Smith", "U.S. troops": an abbreviation's dot does not end a sentence
            k = j - 1
            while k >= 0 and text[k].isalpha():
                k -= 1
            word = text[k + 1 : j].lower()
            if word in PERSON_TITLES or len(word) == 1 or (k >= 0 and text[k] == "."):
                sent = False
        toks.append(_Tok(s, e, w, True, sent))
    _mark_headlines(text, toks, lower_long)
    return toks


def _mark_headlines(text: str, toks: list[_Tok], lower_long: list[int]) -> None:
    """Flag tokens on Title Case lines, where capitals say nothing about names.

    A line is Title Case when at least 4 of its words longer than 3 letters are capitalised and
    they make at least three quarters of such words (``lower_long``: starts of the lower-case ones).
    """
    i = 0
    n = len(toks)
    while i < n:
        line_start = text.rfind("\n", 0, toks[i].start) + 1
        line_end = text.find("\n", toks[i].start)
        if line_end < 0:
            line_end = len(text)
        j = i
        while j < n and toks[j].start < line_end:
            j += 1
        caps = sum(1 for t in toks[i:j] if t.cap and len(t.text) > 3)
        lows = bisect_left(lower_long, line_end) - bisect_left(lower_long, line_start)
        if caps >= 4 and caps >= 0.75 * (caps + lows):
            for t in toks[i:j]:
                t.headline = True
        i = max(j, i + 1)


_norm = lru_cache(maxsize=100_000)(normalize)


def _gap_ok(text: str, a: _Tok, b: _Tok) -> bool:
    """True when two tokens are separated by a single run of spaces (same name)."""
    gap = text[a.end : b.start]
    return 0 < len(gap) <= 2 and gap.strip(" ") == ""


class Geoparser:
    """Finds and resolves toponyms with a :class:`~mapapp.data.gazetteer.Gazetteer`."""

    def __init__(self, gazetteer: Gazetteer | None = None, max_name_tokens: int = 5) -> None:
        self.gaz = gazetteer if gazetteer is not None else get_gazetteer()
        self.max_n = max(1, min(max_name_tokens, getattr(self.gaz, "max_name_tokens", 5)))
        self._cache: dict[str, list[tuple[Place, str]]] = {}
        # load now what the first article would otherwise pay for: word frequencies, the id index
        common_word_zipf("the")
        self._ap_state("Va.")

    # ------------------------------------------------------------------ recognition
    def _lookup(self, key: str) -> list[tuple[Place, str]]:
        """Candidates of a normalised name (cached: the same names recur across articles)."""
        got = self._cache.get(key)
        if got is None:
            if len(self._cache) > 200_000:
                self._cache.clear()
            got = self._cache[key] = self.gaz.candidates(key)
        return got

    def _ap_state(self, surface: str) -> list[tuple[Place, str]]:
        code = AP_STATE_ABBREVIATIONS.get(surface.replace("W. Va.", "W.Va."))
        if code is None:
            return []
        try:
            return [(self.gaz.get(f"a1:US.{code}"), "abbrev")]
        except InputError:
            return []

    def recognise(self, text: str) -> list[_Cand]:  # noqa: C901 (the recognition scan: one branch per token case)
        """Spans that name places (before resolution)."""
        toks = _tokenize(text)
        n = len(toks)
        cands: list[_Cand] = []
        surnames = self._person_surnames(text, toks)
        i = 0
        while i < n:
            t = toks[i]
            if not t.cap or len(t.text) < 2:
                i += 1
                continue
            if t.text in PLACE_ABBREVIATIONS:
                try:
                    ab = [(self.gaz.get(PLACE_ABBREVIATIONS[t.text]), "abbrev")]
                except InputError:
                    ab = []
                if ab:
                    cands.append(_Cand(t.start, t.end, t.text, normalize(t.text), ab, False))
                i += 1
                continue
            if t.text.endswith(".") and t.text.replace("W. Va.", "W.Va.") in AP_STATE_ABBREVIATIONS:
                # an AP state abbreviation: a qualifier ("Alexandria, Va."), a party tag ("D-S.C."),
                # or one that cannot be a word ("S.C. Highway Patrol")
                before = text[max(0, t.start - 2) : t.start]
                if text[: t.start].rstrip().endswith(",") or before in ("D-", "R-", "I-") or t.text.count(".") >= 2:
                    ap = self._ap_state(t.text)
                    if ap:
                        cands.append(_Cand(t.start, t.end, t.text, "ap:" + t.text, ap, False))
                i += 1
                continue
            # extent of the run of name-like tokens starting here
            j = i + 1
            limit = min(n, i + self.max_n)
            while (
                j < limit
                and _gap_ok(text, toks[j - 1], toks[j])
                and (toks[j].cap or toks[j].text.lower() in CONNECTORS)
            ):
                j += 1
            # longest gazetteer name from here: extend one token at a time while some name continues
            hit: tuple[int, list[tuple[Place, str]]] | None = None
            key = _norm(t.text)
            k = i + 1
            while True:
                if toks[k - 1].cap and self.gaz.has_name(key):
                    places = self._lookup(key)
                    if places:
                        hit = (k, places)
                if k < j and self.gaz.has_prefix(key):
                    key = f"{key} {_norm(toks[k].text)}"
                    k += 1
                else:
                    break
            if hit is None:
                i += 1
                continue
            k, places = hit
            cand, skip_to = self._vet(text, toks, i, k, places, surnames)
            if cand is not None:
                cands.append(cand)
            i = max(k, skip_to)
        self._link_qualifiers(text, cands)
        return cands

    def _person_surnames(self, text: str, toks: Sequence[_Tok]) -> set[str]:
        """Last words of person names ("First [M.] Last", "Title Last") seen in this text."""
        out: set[str] = set()
        n = len(toks)
        for i, a in enumerate(toks):
            al = a.text.lower()
            if not a.cap or (al not in FIRST_NAMES and al not in PERSON_TITLES):
                continue
            j = i + 1
            # middle initials and names: "Bruce E. Ivins", "Sen. JD Vance"
            while j < n and toks[j].cap and text[toks[j - 1].end : toks[j].start] in (" ", ". ", "."):
                j += 1
            if j - i >= 2:
                last = toks[j - 1].text
                if last.lower() not in PLACE_HEAD_WORDS and len(last) > 1:
                    out.add(last)
        return out

    def _vet(  # noqa: C901 (one branch per context rule (people, organisations, streets, ...))
        self,
        text: str,
        toks: Sequence[_Tok],
        i: int,
        k: int,
        places: list[tuple[Place, str]],
        surnames: set[str],
    ) -> tuple[_Cand | None, int]:
        """Apply the context rules to a gazetteer hit toks[i:k].

        Returns the candidate (None when it is not a place) and the token index to go on from.
        """
        first, last = toks[i], toks[k - 1]
        surface = text[first.start : last.end]
        single = k - i == 1
        low = surface.lower()
        demonym_only = all(nt == "demonym" for _, nt in places)
        if low in NON_NATIONAL_ADJECTIVES:
            return None, k
        prev = toks[i - 1] if i > 0 and _gap_ok(text, toks[i - 1], first) else None
        nxt = toks[k] if k < len(toks) and _gap_ok(text, last, toks[k]) else None
        headline = first.headline

        if first.text == "The" and k - i == 2 and common_word_zipf(last.text.lower()) >= 4.0:
            return None, k
        # all-caps short words ("IN", "OR", "IT") count only as country abbreviations
        short_caps = surface.isupper() and len(surface.replace(".", "")) <= 3
        if short_caps and not any(nt == "abbrev" and p.kind in ("country", "admin1") for p, nt in places):
            return None, k
        if single and low in MONTHS_AND_DAYS:
            return None, k
        # a title ("Sen. Vance", "Gov Kemp")
        if single and low in PERSON_TITLES and (text[last.end : last.end + 1] == "." or (nxt and nxt.cap)):
            return None, k + 1
        # organisation or street: "<place> Post", "<place> Times", "<place> Road" -- skip the whole name
        if nxt is not None and nxt.cap:
            nl = nxt.text.lower().rstrip(".")
            if nl in ORG_SUFFIXES or nl in STREET_SUFFIXES:
                j = k + 1
                while j < len(toks) and toks[j].cap and _gap_ok(text, toks[j - 1], toks[j]):
                    j += 1
                return None, j
        if demonym_only and nxt is not None and nxt.cap:
            # an adjective opening an organisation's name: "American Red Cross", "American Heart
            # Association", "American Legion" (the organisation is not a place reference)
            j = k
            while j < len(toks) and j - k < 5 and toks[j].cap and _gap_ok(text, toks[j - 1], toks[j]):
                if toks[j].text.lower().rstrip(".") in INSTITUTION_WORDS:
                    return None, j + 1
                j += 1
        if demonym_only and prev is not None and prev.cap and prev.text.lower() in ("native", "first"):
            return None, k  # "Native American", "First Nations": peoples, not the country
        big = max((p.population for p, _ in places if p.kind != "landmark"), default=0)
        admin_level = any(p.kind in ("country", "continent", "admin1", "region", "landmark") for p, _ in places)
        named_admin = any(
            p.kind in ("country", "continent", "admin1", "region") and nt != "alternate" for p, nt in places
        )
        major = admin_level or big >= 100_000
        # inside a longer capitalised name that is not a place ("JD Vance", "Joe Biden");
        # a country or big city after a name stays ("Taco Bell Canada", "SOS Children's Villages Sudan")
        if prev is not None and prev.cap and not demonym_only:
            pl = prev.text.lower().rstrip(".")
            if (
                pl in PERSON_TITLES
                or pl in FIRST_NAMES
                or (
                    not headline
                    and pl not in MODIFIERS
                    and not major
                    and not (prev.sent_start and pl not in FIRST_NAMES)
                )
            ):
                return None, k
        after = text[last.end : last.end + 24].lower()
        # a currency ("US$5") or a disease named after a place ("West Nile virus", "Marburg fever")
        if after.startswith("$") or _DISEASE_RE.match(after):
            return None, k
        if single and (low in MODIFIERS or low in PERSON_TITLES):
            return None, k
        if single and first.text in surnames and not demonym_only:
            return None, k
        # "Paris Hilton": a first name followed by a capitalised word that is not a place word
        if (
            single
            and not headline
            and nxt is not None
            and nxt.cap
            and low in FIRST_NAMES
            and nxt.text.lower() not in PLACE_HEAD_WORDS
            # a country or state that is also a first name needs a common surname after it ("Jordan
            # Smith"); other places need a next word that is no place itself
            and (nxt.text.lower() in SURNAMES if admin_level else not self._lookup(_norm(nxt.text)))
        ):
            return None, k
        weak = False
        if single and not demonym_only:
            zipf = common_word_zipf(low)
            only_alternate = all(nt == "alternate" for _, nt in places)
            # generic words ("City", "Gulf", "Union") and very common words ("More", "Man", "No")
            if low in GENERIC_WORDS or (zipf >= 5.0 and not named_admin and big < 1_000_000):
                return None, k
            # a word that is only some place's alternate spelling ("Lions" -> Lyons, "Hamas" -> Hamm)
            if only_alternate and zipf >= 3.5 and not admin_level:
                return None, k
            # part of a longer name before a compass word ("Scott West Panthers")
            if nxt is not None and nxt.cap and nxt.text.lower() in _COMPASS:
                return None, k
            # a common word where capitals mean little: sentence start, headline
            if (first.sent_start or headline) and zipf >= 4.3 and not admin_level and big < 500_000:
                return None, k
            # a person: "Turner said", "said Welch"
            if not admin_level and (
                _SPEECH_AFTER.match(text, last.end)
                or _SPEECH_BEFORE.search(text, max(0, first.start - 12), first.start)
            ):
                return None, k
            # a common word mid-sentence, a common name, or only tiny places: needs the article's support
            if not major and (zipf >= 4.5 or big < 2_000 or low in FIRST_NAMES or low in SURNAMES):
                weak = True
        prefer_admin = nxt is not None and not nxt.cap and nxt.text.lower() in GENERIC_ADMIN_WORDS
        start = first.start
        if first.text == "The" and k - i >= 2 and all(p.kind == "landmark" for p, _ in places):
            # "The Kremlin", "the Pentagon": the name starts after the article when it stands alone too
            rest = text[toks[i + 1].start : last.end]
            rest_places = self._lookup(_norm(rest))
            if {p.id for p, _ in rest_places} & {p.id for p, _ in places}:
                start, surface = toks[i + 1].start, rest
        if (
            prev is not None
            and prev.cap
            and prev.text.lower() in _COMPASS
            and any(p.kind in ("continent", "region") for p, _ in places)
        ):
            # "East Africa", "Western Europe", "North Dallas": one name, resolved to its base place
            start = prev.start
            surface = text[start : last.end]
        key = normalize(surface)
        return _Cand(start, last.end, surface, key, list(places), demonym_only, prefer_admin, weak=weak), k

    def _link_qualifiers(self, text: str, cands: list[_Cand]) -> None:
        """Mark "X, Y" pairs where Y (a region or country) may qualify X."""
        for a_idx in range(len(cands) - 1):
            a, b = cands[a_idx], cands[a_idx + 1]
            if text[a.end : b.start].strip() != ",":
                continue
            if any(p.kind in ("admin1", "country", "admin2") for p, _ in b.places):
                a.qualified_by.append(a_idx + 1)
                b.qualifier_of.append(a_idx)

    # ------------------------------------------------------------------ resolution
    @staticmethod
    def _prior(p: Place, name_type: str) -> float:
        """The resolver's context-free score (one scoring for in-text and typed queries)."""
        return prior(p, name_type)

    def resolve(self, text: str, cands: list[_Cand]) -> list[Mention]:  # noqa: C901 (the soft-voting resolution, kept in one place to read as one algorithm)
        """Choose a place for every recognised span.

        Each distinct name starts with a distribution over its candidates from the priors. Then,
        twice, every name's candidates gain support from the probability mass the *other* names
        put on the same country, the same admin-1 region, and on places within 100 km; explicit
        qualifiers ("Paris, Texas") add a large bonus. The final distribution gives the choice,
        its confidence and the runner-up candidates.
        """
        if not cands:
            return []
        keys: list[str] = []
        first: dict[str, _Cand] = {}
        for c in cands:
            if c.key not in first:
                first[c.key] = c
                keys.append(c.key)
        qualifiers: dict[str, list[list[tuple[Place, str]]]] = defaultdict(list)
        for c in cands:
            for q in c.qualified_by:
                qualifiers[c.key].append(cands[q].places)

        # candidate table for the whole article
        owner: list[int] = []
        plist: list[Place] = []
        base: list[float] = []
        qual: list[bool] = []
        for ki, key in enumerate(keys):
            c = first[key]
            admin_pop = max((p.population for p, _ in c.places if p.kind == "admin1"), default=0)
            seats = {
                p.country_code
                for p, _ in c.places
                if p.kind == "city" and (p.feature_code in _SEAT_CODES or p.population >= 0.2 * admin_pop)
            }
            best: dict[str, tuple[float, Place, bool]] = {}
            # "Mexico" names the country before Mexico City, whatever the article says around it
            country_named = any(p.kind == "country" and nt in ("name", "abbrev") for p, nt in c.places)
            for p, nt in c.places:
                sc = self._prior(p, nt)
                if country_named and p.kind == "city":
                    sc -= 2.5
                # a region named after its capital city ("Kyiv", "Moscow"): the city, unless "region" follows
                if p.kind == "admin1" and p.country_code in seats and not c.prefer_admin:
                    sc -= KIND_PRIOR["admin1"] + 0.5
                if c.prefer_admin and p.kind == "admin1":
                    sc += 3.0
                q = any(self._qualifies(p, qp) for qp in qualifiers.get(key, ()))
                if q:
                    sc += 6.0
                if p.id not in best or best[p.id][0] < sc:
                    best[p.id] = (sc, p, q)
            top = sorted(best.values(), key=lambda t: (-t[0], t[1].id))[:_MAX_CANDIDATES]
            for sc, p, q in top:
                owner.append(ki)
                plist.append(p)
                base.append(sc)
                qual.append(q)
        own = np.asarray(owner)
        prior = np.asarray(base)
        n_keys = len(keys)
        cc_codes = [p.country_code for p in plist]
        st_codes = [
            f"{p.country_code}.{p.admin1_code}" if p.kind in _SUBNATIONAL and p.admin1_code else "" for p in plist
        ]
        cc_idx = _index(cc_codes)
        st_idx = _index(st_codes)
        local = np.asarray([p.kind in _SUBNATIONAL and p.kind != "admin1" for p in plist])
        lon = np.radians([p.lon for p in plist])
        lat = np.radians([p.lat for p in plist])
        near = _near_matrix(lon, lat, local, _NEAR_KM)
        same_owner = own[:, None] == own[None, :]
        near[same_owner] = 0.0

        score = prior.copy()
        prob = _softmax_by(score, own, n_keys)
        support_state = np.zeros_like(score)
        support_near = np.zeros_like(score)
        for _ in range(2):
            support_cc = _others_mass(prob, own, cc_idx, n_keys)
            support_state = _others_mass(prob, own, st_idx, n_keys)
            support_state[np.asarray([s == "" for s in st_codes])] = 0.0
            support_near = near @ prob
            score = (
                prior
                + 2.4 * np.minimum(support_cc, 1.0)
                + 0.6 * np.log1p(support_cc)
                + 1.5 * np.minimum(support_state, 1.0)
                + 0.5 * np.log1p(support_state)
                + 1.2 * np.minimum(support_near, 1.0)
                + 0.4 * np.log1p(support_near)
            )
            prob = _softmax_by(score, own, n_keys)

        chosen: dict[str, tuple[Place, float, tuple[Place, ...]] | None] = {}
        for ki, key in enumerate(keys):
            idx = np.flatnonzero(own == ki)
            # what matters is where: candidates within 50 km of each other (a city, its region, the
            # strip it names) pool their probability; the best-scored member of the best pool wins
            mass, within = _pooled_mass(lon[idx], lat[idx], prob[idx], _POOL_KM)
            centre = int(np.lexsort((np.arange(len(idx)), -score[idx], -np.round(mass, 6)))[0])
            pool_first = np.where(within[centre], 1, 0)
            order = idx[np.lexsort((np.arange(len(idx)), -score[idx], -pool_first))]
            b = int(order[0])
            supported = bool(qual[b] or support_state[b] >= 0.5 or support_near[b] >= 0.5)
            if first[key].weak and not supported:
                chosen[key] = None
                continue
            alts = tuple(plist[int(j)] for j in order[1:4])
            chosen[key] = (plist[b], float(mass[centre]), alts)
        out: list[Mention] = []
        for c in cands:
            pick = chosen[c.key]
            if pick is None:
                continue
            p, conf, alts = pick
            out.append(Mention(c.start, c.end, c.surface, p, conf, c.associative, alts))
        return out

    @staticmethod
    def _qualifies(p: Place, qplaces: Iterable[tuple[Place, str]]) -> bool:
        for q, _ in qplaces:
            if q.kind == "country" and q.country_code == p.country_code and p.kind != "country":
                return True
            if q.kind == "admin1" and q.country_code == p.country_code and q.admin1_code == p.admin1_code:
                return p.kind != "admin1"
            if q.kind == "admin2" and q.country_code == p.country_code and q.admin1_code == p.admin1_code:
                return p.kind == "city"
        return False

    def parse(self, text: str) -> list[Mention]:
        """All toponym mentions in ``text``, in text order.

        Texts longer than :data:`CHUNK_CHARS` are parsed in pieces split at line breaks, each
        with its own context, so the cost grows linearly with the length of the input.
        """
        _check_text(text)
        if len(text) <= CHUNK_CHARS:
            return self.resolve(text, self.recognise(text))
        out: list[Mention] = []
        start = 0
        while start < len(text):
            end = min(len(text), start + CHUNK_CHARS)
            if end < len(text):
                cut = text.rfind("\n", start + CHUNK_CHARS // 2, end)
                if cut < 0:
                    cut = text.rfind(" ", start + CHUNK_CHARS // 2, end)
                end = cut + 1 if cut >= 0 else end
            piece = text[start:end]
            for m in self.resolve(piece, self.recognise(piece)):
                out.append(replace(m, start=m.start + start, end=m.end + start))
            start = end
        return out


def _index(codes: Sequence[str]) -> npt.NDArray[np.int64]:
    """Integer ids for string codes ("" keeps its own id)."""
    table: dict[str, int] = {}
    return np.asarray([table.setdefault(c, len(table)) for c in codes], dtype=np.int64)


def _softmax_by(score: npt.NDArray[np.float64], own: npt.NDArray[np.int64], n: int) -> npt.NDArray[np.float64]:
    """Softmax of ``score`` within each group of ``own``."""
    mx = np.full(n, -np.inf)
    np.maximum.at(mx, own, score)
    e = np.exp(score - mx[own])
    tot = np.zeros(n)
    np.add.at(tot, own, e)
    return np.asarray(e / tot[own])


def _others_mass(
    prob: npt.NDArray[np.float64], own: npt.NDArray[np.int64], code: npt.NDArray[np.int64], n_keys: int
) -> npt.NDArray[np.float64]:
    """For each candidate: probability mass the *other* names put on its code (country, region)."""
    n_codes = int(code.max()) + 1 if len(code) else 0
    total = np.zeros(n_codes)
    np.add.at(total, code, prob)
    mine = np.zeros((n_keys, n_codes))
    np.add.at(mine, (own, code), prob)
    return np.asarray(total[code] - mine[own, code])


def _pooled_mass(
    lon: npt.NDArray[np.float64], lat: npt.NDArray[np.float64], prob: npt.NDArray[np.float64], km: float
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """For each candidate: the probability of all candidates of the same name within ``km`` of it,
    and the (n, n) matrix of which candidates lie within ``km`` of which."""
    dlat = lat[:, None] - lat[None, :]
    dlon = lon[:, None] - lon[None, :]
    h = np.sin(dlat / 2) ** 2 + np.cos(lat)[:, None] * np.cos(lat)[None, :] * np.sin(dlon / 2) ** 2
    within = 2 * 6371.0088 * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0))) < km
    return np.asarray(within.astype(float) @ prob), within


def _near_matrix(
    lon: npt.NDArray[np.float64], lat: npt.NDArray[np.float64], local: npt.NDArray[np.bool_], km: float
) -> npt.NDArray[np.float64]:
    """1.0 where two local candidates lie within ``km`` of each other (great circle), else 0."""
    n = len(lon)
    out = np.zeros((n, n))
    idx = np.flatnonzero(local)
    if len(idx) < 2:
        return out
    la, lo = lat[idx], lon[idx]
    dlat = la[:, None] - la[None, :]
    dlon = lo[:, None] - lo[None, :]
    h = np.sin(dlat / 2) ** 2 + np.cos(la)[:, None] * np.cos(la)[None, :] * np.sin(dlon / 2) ** 2
    d = 2 * 6371.0088 * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    out[np.ix_(idx, idx)] = (d < km).astype(float)
    return out


def _check_text(text: object) -> None:
    if not isinstance(text, str):
        msg = f"geoparse expects text (str), got {type(text).__name__}; decode bytes as UTF-8 first."
        raise InputError(msg)
    if len(text) > MAX_TEXT_CHARS:
        msg = (
            f"text is {len(text):,} characters, more than the {MAX_TEXT_CHARS:,} accepted in one call; "
            "split it into articles (e.g. one JSONL line each) and use batch mode."
        )
        raise InputError(msg)


@lru_cache(maxsize=1)
def _default_parser() -> Geoparser:
    return Geoparser()


def geoparse(text: str, gazetteer: Gazetteer | None = None) -> list[Mention]:
    """Find and resolve every toponym in ``text``.

    Parameters
    ----------
    text
        The article text (any length up to :data:`MAX_TEXT_CHARS`; empty text gives ``[]``).
    gazetteer
        The gazetteer to use; the committed ``data/geo`` one by default.

    Returns
    -------
    list of Mention
        In text order; ``text[m.start:m.end] == m.surface``. Each has the chosen place,
        a confidence in [0, 1] and up to three runner-up candidates.
    """
    parser = _default_parser() if gazetteer is None else Geoparser(gazetteer)
    return parser.parse(text)

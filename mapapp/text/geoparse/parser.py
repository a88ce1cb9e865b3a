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

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache, partial
from itertools import pairwise
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from mapapp.data.gazetteer import Gazetteer, get_gazetteer
from mapapp.data.names import ARABIC_ARTICLES, ARABIC_COUNTRIES, is_cyrillic, memoized, normalize
from mapapp.data.resolver import KIND_PRIOR, NAME_TYPE_PRIOR, prior
from mapapp.errors import InputError
from mapapp.model import Mention, Place
from mapapp.text.geoparse.context import Pick as _Pick
from mapapp.text.geoparse.context import unknown_placed, unresolve_far_namesakes
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
    STREET_PREFIXES,
    STREET_SUFFIXES,
    SURNAMES,
    common_word_zipf,
)

__all__ = ["Geoparser", "geoparse"]

#: Longest text the geoparser accepts in one call (characters); larger input is an error.
MAX_TEXT_CHARS = 25_000_000
#: Texts longer than this are geoparsed in pieces (split at line breaks) to keep the cost linear.
CHUNK_CHARS = 100_000
#: Distinct names resolved together (one context); more are resolved in consecutive blocks.
BLOCK_NAMES = 200

_AP_RE = "|".join(re.escape(a) for a in sorted([*AP_STATE_ABBREVIATIONS, "W. Va."], key=len, reverse=True))
_TOKEN_RE = re.compile(
    rf"(?:{_AP_RE})(?![A-Za-z])"  # AP state abbreviations: "Alexandria, Va."
    r"|(?:[A-Z]\.){2,}"  # U.S. / U.K. / D.C.
    r"|(?:St|Ft|Mt|Pt|Ste)\.(?=\s+[A-Z])"  # St. Louis
    r"|[^\W\d_]+(?:[-'’][^\W\d_]+)*",
    re.UNICODE,
)

_LOCATIVE_BEFORE = re.compile(r"\b(?:in|near|outside|at|from|into|towards?)\s+$")
_SPEECH_AFTER = re.compile(r"\s+(said|says|told|added|explained|asked|wrote|noted|stated|testified|recalled)\b")
_SPEECH_BEFORE = re.compile(r"\b(said|says|told|according to)\s+$")
_DISEASE_RE = re.compile(r"[- ]?(virus|fever|disease|flu|encephalitis|strain|ebolavirus)\b")
# a name that a media noun follows in lower case is the outlet: "the state-run Tass news agency"
_MEDIA_AFTER_RE = re.compile(r" (?:news agency|newswire|news service|newspaper|broadcaster|tv channel|daily)\b")
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


class _Tok(NamedTuple):
    """A token: a tuple, so :func:`~mapapp.text.geoparse.context.unknown_placed` takes the list as is."""

    start: int
    end: int
    text: str
    cap: bool
    sent_start: bool
    headline: bool = False


#: ``_new_tok((start, end, text, cap, sent_start, headline))``: a token without the Python-level
#: ``__new__`` of a named tuple (the tokenizer makes tens of thousands).
_new_tok = partial(tuple.__new__, _Tok)


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
    variant: bool = False  # matched by spelling variant (Arabic skeleton): needs the country's support
    qualifier_of: list[int] = field(default_factory=list)  # indices of mentions this qualifies
    qualified_by: list[int] = field(default_factory=list)


#: Words that turn a place name into an airfield's name ("Engels airbase", "Saki Air Base").
AIRFIELD_WORDS = frozenset({"air", "base", "airbase", "airfield", "field", "aerodrome", "ab"})
#: Lower-case words the recogniser looks at; other lower-case words only separate names.
# the Arabic articles that are no English words ("Salah ad Din", "Dayr az Zawr"; not "as", "an", "at")
_ARTICLES = ARABIC_ARTICLES - {"as", "an", "at", "en", "il", "ag", "aj", "ak", "ax", "ed", "er", "et", "es"}
_KEEP_LOWER = CONNECTORS | GENERIC_ADMIN_WORDS | AIRFIELD_WORDS | _ARTICLES
_RUN_LOWER = CONNECTORS | AIRFIELD_WORDS | _ARTICLES
_AIRFIELD_AFTER = re.compile(r"\s+(?:air\s*base|airfield|air\s+field|aerodrome|AB)\b", re.IGNORECASE)
# what follows "the <X>" when X is an institution ("the Duma voted", "the Rada's vote", "the Duma.")
_INSTITUTION_AFTER = re.compile(
    r"\s*(?:[.,;:!?)]|['’]s\b|$)|\s+(?:has|have|had|is|was|were|are|will|would|voted|votes|passed|approved|adopted|"
    r"ratified|rejected|said|says|announced)\b"
)
#: Least similarity (difflib ratio of the keys) of a skeleton match to the place's own name.
_VARIANT_RATIO = 0.55
#: Below this similarity to the place's name, a single-word alternate name is weak evidence.
_ALIEN_ALT_RATIO = 0.45
#: Radius (km) in which "X airfield" looks for the airfield of the place X.
AIRFIELD_NEAR_KM = 30.0


def _trie(words: Iterable[str]) -> str:
    """A regex matching exactly ``words``, as a tree of shared prefixes ("a(?:ir(?:base)?|l)"):
    ``re`` tries each branch in turn, so a few first letters are quicker than many words."""
    rest: dict[str, list[str]] = defaultdict(list)
    whole = False
    for w in words:
        if w:
            rest[w[0]].append(w[1:])
        else:
            whole = True
    branches = [re.escape(c) + _trie(tails) for c, tails in sorted(rest.items())]
    if not branches:
        return ""
    if whole:
        return f"(?:{'|'.join(branches)})?"
    return branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"


_LETTER = r"[^\W\d_]"
#: Every character ``str.isupper`` accepts lies in this class (it also holds other characters).
_MAYBE_UPPER = r"[A-Z\u00c0-\u1fff\u2070-\U0010ffff]"
# The tokens of _TOKEN_RE that matter, found without visiting every word: after a non-letter (not
# after "x-" or "x'": "pro-Russian" is one word), a kept lower-case word (group "low") or a token
# that may be capitalised (group "cap"). The pattern starts with a character class, so `re` skips
# the letters in between in C. A capitalised token is only looked at (it may end with a dot that
# the next one starts after: "U.S.-Russia"), so the scan finds its inner starts too ("N.C.").
_KEPT_AT = rf"{_trie(w for w in _KEEP_LOWER if not w[0].isupper())}(?!{_LETTER}|[-'’]{_LETTER})"
_SCAN_RE = re.compile(
    rf"[\W\d_](?<!{_LETTER}[-'’])(?:(?P<low>{_KEPT_AT})|(?=(?P<cap>(?={_MAYBE_UPPER})(?:{_TOKEN_RE.pattern}))))"
)
_WORD_RE = re.compile(rf"{_LETTER}+(?:[-'’]{_LETTER}+)*")


def _words_re(starts: list[tuple[str, str]]) -> re.Pattern[str]:
    """A pattern for words that begin with a letter and go on as a regex: ``[("A", "sh-[A-Z]")]``
    is ``\\bAsh-[A-Z]``. Each branch starts with its literal letter (the word boundary is
    checked after it), so ``re`` skips in C to the places where one of the letters stands."""
    branches: dict[str, list[str]] = defaultdict(list)
    for letter, rest in starts:
        branches[letter].append(rest)
    return re.compile("|".join(rf"{re.escape(c)}(?<!\w.)(?:{'|'.join(rest)})" for c, rest in branches.items()))


def _tokenize(text: str) -> list[_Tok]:
    """Capitalised words (and the few lower-case words that matter), with sentence-start flags.

    Other lower-case words are not kept: two kept tokens with such a word between them are not
    adjacent (:func:`_gap_ok`), which is all the recogniser needs to know of them. The tokens
    are those of ``_TOKEN_RE.finditer`` (found by :data:`_SCAN_RE`, which skips the others).
    """
    toks: list[_Tok] = []
    end = 0  # end of the last token: what starts before it is part of it ("C" in "N.C.")
    first = _TOKEN_RE.match(text)  # a token at the very start has no character before it
    if first is not None:
        w, end = first.group(), first.end()
        tok = _cap_token(text, 0, w) if w[0].isupper() else _new_tok((0, end, w, False, False, False))
        if tok is not None and (tok.cap or w in _KEEP_LOWER):
            toks.append(tok)
    for m in _SCAN_RE.finditer(text):
        s = m.start() + 1
        if s < end:
            continue
        low, w = m.groups()
        if low is not None:
            toks.append(_new_tok((s, s + len(low), low, False, False, False)))
        else:
            end = s + len(w)
            if w[0].isupper() and (tok := _cap_token(text, s, w)) is not None:
                toks.append(tok)
    if "-" in text:
        toks = _with_hyphenated_articles(text, toks)
    _mark_headlines(text, toks)
    return toks


# "Deir ez-Zor", "Ras al-Ain", "Deir al-Balah": a lower-case Arabic article joined by a hyphen to
# the capitalised rest of the name (found from the hyphen: `re` skips to it in C)
_ARTICLE_HYPHEN_RE = re.compile(rf"-(?={_MAYBE_UPPER})")
_IS_LETTER_RE = re.compile(_LETTER)


def _with_hyphenated_articles(text: str, toks: list[_Tok]) -> list[_Tok]:
    """``toks`` plus the article and the name part of each "<name> al-<Name>" (the article as a
    kept lower-case token, the rest as a capitalised one), in text order."""
    extra: list[_Tok] = []
    for m in _ARTICLE_HYPHEN_RE.finditer(text):
        h = m.start()
        a = h
        while a > 0 and h - a <= 3 and _IS_LETTER_RE.match(text, a - 1):
            a -= 1
        art = text[a:h]
        if art not in _ARTICLES or (a > 0 and _IS_LETTER_RE.match(text, a - 1)):
            continue
        if a > 1 and text[a - 1] in "-'’" and _IS_LETTER_RE.match(text, a - 2):
            continue  # inside a longer word: "pro-al-Assad", "d'al-..."
        w = _WORD_RE.match(text, h + 1)
        if w is None or not w.group()[0].isupper():
            continue
        tok = _cap_token(text, h + 1, w.group())
        if tok is not None:
            extra += [_new_tok((a, h, art, False, False, False)), tok._replace(sent_start=False)]
    if not extra:
        return toks
    return sorted(toks + extra, key=lambda t: t.start)


def _cap_token(text: str, s: int, w: str) -> _Tok | None:
    """The token of a capitalised match ``w`` at ``s``: the name part, with its sentence-start flag."""
    e = s + len(w)
    if not w.isalpha():
        # possessive 's is not part of a name
        if len(w) > 2 and w[-2] in "'’" and w[-1] in "sS":
            e -= 2
            w = w[:-2]
        elif w[-1] in "'’":
            e -= 1
            w = w[:-1]
        if not w:
            return None
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
    return _new_tok((s, e, w, True, sent, False))


def _mark_headlines(text: str, toks: list[_Tok]) -> None:
    """Flag tokens on Title Case lines, where capitals say nothing about names.

    A line is Title Case when at least 4 of its words longer than 3 letters are capitalised and
    they make at least three quarters of such words. The lower-case words of a line are counted
    only when it has 4 such capitalised words, and only until there are too many.
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
        title = caps >= 4
        if title:
            lows = 0
            for m in _WORD_RE.finditer(text, line_start, line_end):
                w = m.group()
                if len(w) > 3 and not w[0].isupper():
                    lows += 1
                    if caps < 0.75 * (caps + lows):
                        title = False
                        break
        if title:
            toks[i:j] = [t._replace(headline=True) for t in toks[i:j]]
        i = max(j, i + 1)


_norm = memoized(100_000)(normalize)


def _same_name(a: str, b: str) -> bool:
    """Two spellings of one name ("zaporizhzhya", "zaporizhzhia"), not one name inside another."""
    return difflib.SequenceMatcher(None, a, b).ratio() >= 0.85


def _gap_ok(text: str, a: _Tok, b: _Tok) -> bool:
    """True when two tokens are separated by a single run of spaces (same name)."""
    width = b.start - a.end
    if width == 1 and text[a.end] == "-":
        return a.text in _ARTICLES  # "ez-Zor"
    return (width == 1 and text[a.end] == " ") or (width == 2 and text[a.end : b.start] == "  ")


class Geoparser:
    """Finds and resolves toponyms with a :class:`~mapapp.data.gazetteer.Gazetteer`."""

    def __init__(self, gazetteer: Gazetteer | None = None, max_name_tokens: int = 5) -> None:
        self.gaz = gazetteer if gazetteer is not None else get_gazetteer()
        self.max_n = max(1, min(max_name_tokens, getattr(self.gaz, "max_name_tokens", 5)))
        self._cache: dict[str, list[tuple[Place, str]]] = {}
        self._name_cache: dict[str, bool] = {}
        self._rows_cache: dict[tuple[bool, tuple[tuple[str, str], ...]], _Rows] = {}
        self._longer_cache: dict[str, bool] = {}
        self._facts_cache: dict[int, tuple[list[tuple[Place, str]], tuple[int, bool, bool, bool]]] = {}
        self._gaz_version = getattr(self.gaz, "version", 0)
        # an Arabic article ("al-", "ar-", "ez-", "Dayr az ...") or the name of an Arabic-speaking country
        arabic_places = [self.gaz.country(cc) for cc in ARABIC_COUNTRIES if self._has_country(cc)]
        demonyms = self.gaz.country_names()[1] if arabic_places else {}
        countries = sorted(
            {p.name for p in arabic_places}
            # and their demonyms ("Palestinian", "Syrian", "Iraqi"): the article may never name the state
            | {d.title() for p in arabic_places for d in demonyms.get(p.id, []) if d.isascii() and " " not in d}
        )
        self._arabic_hint = _words_re(
            [(a, "(?:[lrsdzn]|sh)-[A-Z]") for a in "Aa"]
            + [(e, "[lzsdr]-[A-Z]") for e in "Ee"]
            + [(w[0], rf"{w[1:]}\s+[A-Z]") for w in ("al", "el", "ar", "ad", "az", "ez", "ash")]
            + [(name[0], re.escape(name[1:])) for name in countries if name]
        )
        # load now what the first article would otherwise pay for: word frequencies, the id index
        common_word_zipf("the")
        self._ap_state("Va.")

    def _has_country(self, cc: str) -> bool:
        try:
            self.gaz.country(cc)
        except InputError:
            return False
        return True

    # ------------------------------------------------------------------ recognition
    def _check_version(self) -> None:
        """Forget cached look-ups when user places were merged since (look-ups may have changed)."""
        if self._gaz_version != getattr(self.gaz, "version", 0):
            self._cache.clear()
            self._name_cache.clear()
            self._rows_cache.clear()
            self._longer_cache.clear()
            self._gaz_version = getattr(self.gaz, "version", 0)
            self.max_n = max(self.max_n, min(8, getattr(self.gaz, "max_name_tokens", 5)))

    def _has_name(self, key: str) -> bool:
        """True if some place has the normalised name ``key`` (cached; :meth:`_recognise` checks
        the gazetteer's version first)."""
        got = self._name_cache.get(key)
        if got is None:
            if len(self._name_cache) > 200_000:
                self._name_cache.clear()
            got = self._name_cache[key] = self.gaz.has_name(key)
        return got

    def _has_longer(self, key: str) -> bool:
        """True if some normalised name starts with ``key`` and a space (cached, as :meth:`_has_name`)."""
        got = self._longer_cache.get(key)
        if got is None:
            if len(self._longer_cache) > 200_000:
                self._longer_cache.clear()
            got = self._longer_cache[key] = self.gaz.has_prefix(key)
        return got

    def _lookup(self, key: str) -> list[tuple[Place, str]]:
        """Candidates of a normalised name (cached: the same names recur across articles)."""
        self._check_version()
        got = self._cache.get(key)
        if got is None:
            if len(self._cache) > 200_000:
                self._cache.clear()
            by_key = getattr(self.gaz, "candidates_by_key", None)
            got = self._cache[key] = by_key(key) if by_key is not None else self.gaz.candidates(key)
        return got

    def _ap_state(self, surface: str) -> list[tuple[Place, str]]:
        code = AP_STATE_ABBREVIATIONS.get(surface.replace("W. Va.", "W.Va."))
        if code is None:
            return []
        try:
            return [(self.gaz.get(f"a1:US.{code}"), "abbrev")]
        except InputError:
            return []

    def recognise(self, text: str) -> list[_Cand]:
        """Spans that name places (before resolution)."""
        return self._recognise(text)[0]

    def _recognise(self, text: str) -> tuple[list[_Cand], list[_Tok], set[int]]:  # noqa: C901 (the recognition scan: one branch per token case)
        """Candidates, the tokens, and the start offsets of every gazetteer hit (also rejected ones)."""
        self._check_version()
        toks = _tokenize(text)
        n = len(toks)
        cands: list[_Cand] = []
        hit_starts: set[int] = set()
        # Latin spellings of Arabic names are looked for only where the text hints at them
        arabic = bool(self._arabic_hint.search(text))
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
                and (toks[j].cap or toks[j].text.lower() in _RUN_LOWER)
            ):
                j += 1
            # longest gazetteer name from here: extend one token at a time while some name continues
            hit: tuple[int, list[tuple[Place, str]]] | None = None
            key = _norm(t.text)
            k = i + 1
            while True:
                last_ok = toks[k - 1].cap or (k - 1 > i and toks[k - 1].text.lower() in AIRFIELD_WORDS)
                if last_ok and self._has_name(key):
                    places = self._lookup(key)
                    if places:
                        hit = (k, places)
                if k < j and self._has_longer(key):
                    key = f"{key} {_norm(toks[k].text)}"
                    k += 1
                else:
                    break
            variant = False
            if (arabic or t.text[0] > "\u0400") and (hit is None or (hit[0] == i + 1 and j > i + 1)):
                # another spelling, when nothing or only the first word matched ("Ayn Issa")
                alt = self._variant_hit(text, toks, i, j)
                if alt is not None and (hit is None or alt[0] > hit[0]):
                    hit, variant = alt, True
            if hit is None:
                i += 1
                continue
            k, places = hit
            if (
                k - i >= 2
                and toks[k - 1].text.lower() == "airport"
                and all(p.kind == "airfield" and p.feature_code == "AIRP" for p, _ in places)
            ):
                # "Long Beach Airport", "Domodedovo Airport": the place the airport is named after
                k, places = self._place_prefix(toks, i, k) or (k, places)
            cand, skip_to = self._vet(text, toks, i, k, places, surnames)
            if skip_to < 0:
                # a longer capitalised name that is no gazetteer place ("Malaya Loknya", "Boko Haram"):
                # left to the unknown-name pass, which places it only in a place context
                i = -skip_to
                continue
            hit_starts.add(t.start)
            if cand is not None:
                if variant:
                    cand.variant = True
                self._airfield_of(text, cand)
                cands.append(cand)
            i = max(k, skip_to)
        self._link_qualifiers(text, cands)
        return cands, toks, hit_starts

    def _variant_hit(
        self, text: str, toks: Sequence[_Tok], i: int, j: int
    ) -> tuple[int, list[tuple[Place, str]]] | None:
        """A name the gazetteer has in another spelling: a Cyrillic name by its standard
        romanisations ("Роботине" -> Robotyne), a Latin rendering of an Arabic name by its
        skeleton ("Dayr az Zawr" -> Deir ez-Zor). Longest run first; None when nothing matches."""
        first = toks[i].text
        if is_cyrillic(first):
            for k in range(j, i, -1):
                if not toks[k - 1].cap:
                    continue
                got = self.gaz.transliterated_candidates(text[toks[i].start : toks[k - 1].end])
                if got:
                    return k, got
            return None
        if len(first) < 3 or not first.isascii():
            return None
        one_word_ok = "-" in first and first.split("-")[0].lower() in ARABIC_ARTICLES  # "Al-Raqqa"
        key = _norm(first)
        # cheap tests first (bisects), the word frequency last
        if not (j > i + 1 and self.gaz.has_skeleton_prefix(key)) and not (one_word_ok and self.gaz.has_skeleton(key)):
            return None
        if common_word_zipf(first.lower()) >= 3.0:
            return None
        hit: tuple[int, list[tuple[Place, str]]] | None = None
        k = i + 1
        while True:
            if toks[k - 1].cap and (k > i + 1 or one_word_ok) and self.gaz.has_skeleton(key):
                # the skeleton is lossy: keep the places whose name is also spelt alike
                alike = [
                    (p, nt)
                    for p, nt in self.gaz.skeleton_candidates(key)
                    if difflib.SequenceMatcher(None, key, _norm(p.name)).ratio() >= _VARIANT_RATIO
                ]
                if alike:
                    hit = (k, alike)
            if k < j and self.gaz.has_skeleton_prefix(key):
                key = f"{key} {_norm(toks[k].text)}"
                k += 1
            else:
                break
        return hit

    def _place_prefix(self, toks: Sequence[_Tok], i: int, k: int) -> tuple[int, list[tuple[Place, str]]] | None:
        """The longest name of a place (not an airfield) that toks[i:k] starts with, if any."""
        for kk in range(k - 1, i, -1):
            key = " ".join(_norm(t.text) for t in toks[i:kk])
            if toks[kk - 1].cap and self._has_name(key):
                places = [(p, nt) for p, nt in self._lookup(key) if p.kind != "airfield"]
                if places:
                    return kk, places
        return None

    def _airfield_of(self, text: str, cand: _Cand) -> None:
        """ "X airbase" where the gazetteer knows X but not "X airbase": the airfield nearest X.

        Rewrites ``cand`` in place to span the airfield words and to hold the airfields within
        :data:`AIRFIELD_NEAR_KM` of X's candidates (nothing changes when there is none)."""
        m = _AIRFIELD_AFTER.match(text, cand.end)
        if m is None or any(p.kind == "airfield" for p, _ in cand.places):
            return
        fields: list[tuple[Place, str]] = []
        seen: set[str] = set()
        for p, _ in cand.places[:_MAX_CANDIDATES]:
            if p.kind not in ("city", "landmark"):
                continue
            for f in self.gaz.airfields_near(p.lon, p.lat, AIRFIELD_NEAR_KM)[:1]:  # the airfield *at* X
                if f.id not in seen:
                    seen.add(f.id)
                    fields.append((f, "alternate"))
        if fields:
            cand.end = m.end()
            cand.surface = text[cand.start : cand.end]
            cand.key = normalize(cand.surface)
            cand.places = fields
            cand.weak = False

    def _person_surnames(self, text: str, toks: Sequence[_Tok]) -> set[str]:
        """Last words of person names ("First [M.] Last", "Title Last") seen in this text."""
        out: set[str] = set()
        n = len(toks)
        for i, a in enumerate(toks):
            if not a.cap:
                continue
            al = a.text.lower()
            if al not in FIRST_NAMES and al not in PERSON_TITLES:
                continue
            j = i + 1
            # middle initials and names: "Bruce E. Ivins", "Sen. JD Vance" (a dot only after an initial
            # or a title: "Jackson. Madison." is two sentences; at most five words: linear time)
            while j < n and j - i < 5 and toks[j].cap:
                gap = text[toks[j - 1].end : toks[j].start]
                prev = toks[j - 1].text
                if not (gap == " " or (gap in (". ", ".") and (len(prev) == 1 or prev.lower() in PERSON_TITLES))):
                    break
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

        Returns the candidate (None when it is not a place) and the token index to go on from;
        a negative index -(j) says the hit is only the start of a longer non-gazetteer name that
        ends before token j (the caller leaves that name to the unknown-name pass).
        """
        first, last = toks[i], toks[k - 1]
        surface = text[first.start : last.end]
        single = k - i == 1
        low = surface.lower()
        big, admin_level, named_admin, demonym_only = self._facts(places)
        if low in NON_NATIONAL_ADJECTIVES:
            return None, k
        prev = toks[i - 1] if i > 0 and _gap_ok(text, toks[i - 1], first) else None
        if prev is not None and not prev.cap and text[first.start - 1] == "-":
            return None, k  # "Ain" of "Ras al-Ain" is no place of its own
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
        # an acronym in running text ("NATO service members", "a SWAT team"), not a small place
        # (a dateline keeps its capitals: "WOODBRIDGE, Va. -")
        if (
            single
            and surface.isupper()
            and not headline
            and not admin_level
            and big < 100_000
            and not (first.sent_start and text[last.end : last.end + 1] in (",", " ", "("))
        ):
            return None, k
        # a title ("Sen. Vance", "Gov Kemp")
        if single and low in PERSON_TITLES and (text[last.end : last.end + 1] == "." or (nxt and nxt.cap)):
            return None, k + 1
        # organisation or street: "<place> Post", "<place> Times", "<place> Road" -- skip the whole name
        if nxt is not None and nxt.cap:
            nl = nxt.text.lower().rstrip(".")
            if nl in ORG_SUFFIXES or nl in STREET_SUFFIXES or (single and low in STREET_PREFIXES):
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
        major = admin_level or big >= 100_000
        # inside a longer capitalised name that is not a place ("JD Vance", "Joe Biden");
        # a country or big city after a name stays ("Taco Bell Canada", "SOS Children's Villages Sudan")
        if prev is not None and prev.cap and not demonym_only:
            pl = prev.text.lower().rstrip(".")
            if (
                pl in PERSON_TITLES
                or pl in STREET_PREFIXES
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
        if not major and _MEDIA_AFTER_RE.match(text, last.end) and text[last.end + 1 : last.end + 2].islower():
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
        if single and not admin_level and not headline and self._name_goes_on(text, first, nxt, big):
            return None, -(k + 1)  # negative: the whole longer name is not this place
        # "the Duma", "the Rada": a bare city name after "the" is an institution ("the Hague" is a name)
        if (
            single
            and prev is not None
            and prev.text.lower() == "the"
            and all(p.kind == "city" for p, _ in places)
            and _INSTITUTION_AFTER.match(text, last.end)
            and not self._has_name(f"the {low}")
        ):
            return None, k
        weak = False
        if single and not demonym_only:
            zipf = common_word_zipf(low)
            only_alternate = all(nt == "alternate" for _, nt in places)
            # generic words ("City", "Gulf", "Union") and very common words ("More", "Man", "No")
            # ... unless a city of 100,000+ by its own name stands capitalised after "in", "near", "at"
            # in running text ("a truck attack in Nice")
            if low in GENERIC_WORDS or (
                zipf >= 5.0
                and not named_admin
                and big < 1_000_000
                and not (
                    not first.sent_start
                    and not headline
                    and big >= 100_000
                    and any(nt == "name" and p.kind == "city" for p, nt in places)
                    and _LOCATIVE_BEFORE.search(text, max(0, first.start - 12), first.start) is not None
                )
            ):
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
            # only an alternate name unlike the place's own ("Rashid" for Raqqa): needs support too
            if only_alternate and all(
                p.kind in ("admin1", "admin2", "region")
                and difflib.SequenceMatcher(None, low, _norm(p.name)).ratio() < _ALIEN_ALT_RATIO
                for p, _ in places
            ):
                weak = True
        if any(nt == "user" for _, nt in places):
            weak = False  # the analyst's own list: no support needed
        prefer_admin = nxt is not None and not nxt.cap and nxt.text.lower() in GENERIC_ADMIN_WORDS
        if prefer_admin and not any(p.kind == "admin1" for p, _ in places):
            places = [*places, *self._regions_named_for(places)]
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
        key = _norm(surface)
        return _Cand(start, last.end, surface, key, list(places), demonym_only, prefer_admin, weak=weak), k

    def _regions_named_for(self, places: list[tuple[Place, str]]) -> list[tuple[Place, str]]:
        """The regions named after a city of ``places`` ("Курськ region": Kursk Oblast, whose
        name the text did not spell as the gazetteer has it): the admin-1 of a city of 50,000+
        whose name is (nearly) the city's."""
        out: list[tuple[Place, str]] = []
        for p, _ in places:
            if p.kind != "city" or p.population < 50_000:
                continue
            region = self.gaz.admin1_of(p)
            if region is not None and difflib.SequenceMatcher(None, _norm(region.name), _norm(p.name)).ratio() >= 0.8:
                out.append((region, "alternate"))
        return out

    def _facts(self, places: list[tuple[Place, str]]) -> tuple[int, bool, bool, bool]:
        """(largest population, any admin-level place, any admin-level place by its own name, only
        demonyms) of a candidate list (cached by the list's identity: look-ups return the same list
        per name)."""
        got = self._facts_cache.get(id(places))
        if got is None or got[0] is not places:
            big = max((p.population for p, _ in places if p.kind != "landmark"), default=0)
            admin = any(p.kind in ("country", "continent", "admin1", "region", "landmark") for p, _ in places)
            named = any(
                p.kind in ("country", "continent", "admin1", "region") and nt != "alternate" for p, nt in places
            )
            demonyms = all(nt == "demonym" for _, nt in places)
            if len(self._facts_cache) > 100_000:
                self._facts_cache.clear()
            got = self._facts_cache[id(places)] = (places, (big, admin, named, demonyms))
        return got[1]

    def _name_goes_on(self, text: str, first: _Tok, nxt: _Tok | None, big: int) -> bool:
        """True when the capitalised word after a city makes the two one non-place name: a
        surname the text also uses alone ("Kobe Bryant ... Bryant said"), or, after a small
        place, a foreign word or another small place's name ("Boko Haram", "Malaya Loknya")."""
        if nxt is None or not nxt.cap or not nxt.text.isalpha():
            return False
        nl = nxt.text.lower()
        if nl in PLACE_HEAD_WORDS or nl in AIRFIELD_WORDS or nl in _COMPASS:
            return False
        others = self._lookup(_norm(nxt.text)) if self._has_name(_norm(nxt.text)) else []
        if any(p.kind != "city" or p.population >= 100_000 for p, _ in others):
            return False  # "Kobe Osaka": the next word is a place of note itself
        if big >= 100_000 and nl not in SURNAMES:
            return False
        z = common_word_zipf(nl)
        if nl in SURNAMES and z < 4.0 and text.count(nxt.text) > text.count(f"{first.text} {nxt.text}"):
            return True  # the surname stands alone elsewhere in the text
        if big >= 100_000 or not nxt.text.isascii():
            return False
        plural = nl.endswith("s") and common_word_zipf(nl[:-1]) >= 2.5
        return (z < 2.5 and not plural) or (bool(others) and z < 3.5)

    def _link_qualifiers(self, text: str, cands: list[_Cand]) -> None:
        """Mark "X, Y" pairs where Y (a region or country) may qualify X."""
        for a_idx in range(len(cands) - 1):
            a, b = cands[a_idx], cands[a_idx + 1]
            if text[a.end : b.start].strip() != ",":
                continue
            # a name, not a demonym: "Paris, Texas", but not "Khan Younis, Israeli tanks pushed in"
            if any(p.kind in ("admin1", "country", "admin2") and nt != "demonym" for p, nt in b.places):
                a.qualified_by.append(a_idx + 1)
                b.qualifier_of.append(a_idx)

    # ------------------------------------------------------------------ resolution
    @staticmethod
    def _prior(p: Place, name_type: str) -> float:
        """The resolver's context-free score (one scoring for in-text and typed queries)."""
        return prior(p, name_type)

    def resolve(self, text: str, cands: list[_Cand]) -> list[Mention]:
        """Choose a place for every recognised span.

        Each distinct name starts with a distribution over its candidates from the priors. Then,
        twice, every name's candidates gain support from the probability mass the *other* names
        put on the same country, the same admin-1 region, and on places within 100 km; explicit
        qualifiers ("Paris, Texas") add a large bonus. The final distribution gives the choice,
        its confidence and the runner-up candidates.

        Memory and time are linear in the number of names: the names are resolved in blocks of
        at most :data:`BLOCK_NAMES` distinct names (in text order), each block its own context,
        and nearness is computed in row chunks, never as a full candidates x candidates matrix.
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
        chosen: dict[str, _Pick | None] = {}
        for b0 in range(0, len(keys), BLOCK_NAMES):
            block = keys[b0 : b0 + BLOCK_NAMES]
            chosen.update(self._resolve_block(block, first, qualifiers))
        unresolve_far_namesakes(self.gaz, chosen, first, cands)
        out: list[Mention] = []
        for c in cands:
            pick = chosen[c.key]
            if pick is None:
                continue
            out.append(
                Mention(c.start, c.end, c.surface, pick.place, pick.conf, c.associative, pick.alts, pick.precision)
            )
        return out

    def _candidate_rows(self, key: str, c: _Cand, qualifiers: dict[str, list[list[tuple[Place, str]]]]) -> _Rows:
        """The best-scored candidates of one name: (prior scores, places, qualified), best first.

        Without qualifiers they depend only on the candidates and ``prefer_admin`` (cached, as
        three tuples: a tuple of numbers is no work for the garbage collector).
        """
        if qualifiers.get(key):
            return _columns(self._scored_rows(c, qualifiers[key]))
        self._check_version()
        ck = (c.prefer_admin, tuple([(p.id, nt) for p, nt in c.places]))
        got = self._rows_cache.get(ck)
        if got is None:
            if len(self._rows_cache) > 100_000:
                self._rows_cache.clear()
            got = self._rows_cache[ck] = _columns(self._scored_rows(c, []))
        return got

    def _scored_rows(self, c: _Cand, quals: list[list[tuple[Place, str]]]) -> list[tuple[float, Place, bool]]:
        """:meth:`_candidate_rows` of a name with the candidate lists of its qualifiers."""
        admin_pop = max((p.population for p, _ in c.places if p.kind == "admin1"), default=0)
        seats = {
            p.country_code
            for p, _ in c.places
            if p.kind == "city" and (p.feature_code in _SEAT_CODES or p.population >= 0.2 * admin_pop)
        }
        # a city of 50,000+ inside the region of the same name ("Kherson" in Kherson Oblast)
        towns = {(p.country_code, p.admin1_code) for p, _ in c.places if p.kind == "city" and p.population >= 50_000}
        named_regions = {
            (p.country_code, p.admin1_code): _norm(p.name) for p, nt in c.places if p.kind == "admin1" and nt == "name"
        }
        best: dict[str, tuple[float, Place, bool]] = {}
        # "Mexico" names the country before Mexico City, whatever the article says around it
        country_named = any(p.kind == "country" and nt in ("name", "abbrev") for p, nt in c.places)
        for p, nt in c.places:
            sc = self._prior(p, nt)
            if country_named and p.kind == "city":
                sc -= 2.5
            # a region named after its capital city ("Kyiv", "Moscow"): the city, unless "region" follows
            if (
                p.kind == "admin1"
                and not c.prefer_admin
                and (p.country_code in seats or (p.country_code, p.admin1_code) in towns)
            ):
                sc -= KIND_PRIOR["admin1"] + 0.5
            if c.prefer_admin and p.kind == "admin1":
                sc += 3.0
            if (
                p.kind == "city"
                and nt == "alternate"
                and not c.prefer_admin
                and p.population >= 50_000
                and (p.country_code, p.admin1_code) in named_regions
                and _same_name(_norm(p.name), named_regions[(p.country_code, p.admin1_code)])
            ):
                # the region's centre spelled another way ("Zaporizhzhia" for Zaporizhzhya): as good a name
                # (not a city whose name only starts like its region's: "New York City", "Oklahoma City")
                sc += NAME_TYPE_PRIOR["name"] - NAME_TYPE_PRIOR["alternate"]
            q = bool(quals) and any(self._qualifies(p, qp) for qp in quals)
            if q:
                sc += 6.0
            if p.id not in best or best[p.id][0] < sc:
                best[p.id] = (sc, p, q)
        return sorted(best.values(), key=lambda t: (-t[0], t[1].id))[:_MAX_CANDIDATES]

    def _resolve_block(
        self,
        keys: list[str],
        first: dict[str, _Cand],
        qualifiers: dict[str, list[list[tuple[Place, str]]]],
    ) -> dict[str, _Pick | None]:
        """Soft voting over the candidates of ``keys`` (one block of an article's names)."""
        owner: list[int] = []
        plist: list[Place] = []
        base: list[float] = []
        qual: list[bool] = []
        for ki, key in enumerate(keys):
            scores, places, quals = self._candidate_rows(key, first[key], qualifiers)
            owner += [ki] * len(places)
            plist += places
            base += scores
            qual += quals
        own = np.asarray(owner, dtype=np.int64)
        prior = np.asarray(base, dtype=np.float64)
        n_keys = len(keys)
        cc_idx = _index([p.country_code for p in plist])
        st_codes = [
            f"{p.country_code}.{p.admin1_code}" if p.kind in _SUBNATIONAL and p.admin1_code else "" for p in plist
        ]
        st_idx = _index(st_codes)
        no_state = np.asarray([s == "" for s in st_codes], dtype=bool)
        local = np.asarray([p.kind in _SUBNATIONAL and p.kind != "admin1" for p in plist], dtype=bool)
        lon = np.radians([p.lon for p in plist])
        lat = np.radians([p.lat for p in plist])

        group_starts = np.searchsorted(own, np.arange(n_keys))
        score = prior.copy()
        prob = _softmax_by(score, own, group_starts)
        support_cc = support_state = support_near = np.zeros_like(score)
        # a small block's distances are measured once, for the vicinity and for the 50 km pools
        dist = _haversine_km(lon, lat, lon, lat) if len(plist) <= _SHARED_DIST_MAX else None
        near = _Near(lon, lat, local, own, _NEAR_KM, dist)
        for _ in range(2):
            support_cc = _others_mass(prob, own, cc_idx)
            support_state = _others_mass(prob, own, st_idx)
            support_state[no_state] = 0.0
            support_near = near.support(prob)
            # prior + 2.4 min(cc, 1) + 0.6 log1p(cc) + 1.5 min(state, 1) + 0.5 log1p(state)
            #       + 1.2 min(near, 1) + 0.4 log1p(near), summed in that order
            supports = np.stack([support_cc, support_state, support_near])
            capped, logged = _CAPPED_WEIGHTS * np.minimum(supports, 1.0), _LOG_WEIGHTS * np.log1p(supports)
            score = prior + capped[0] + logged[0] + capped[1] + logged[1] + capped[2] + logged[2]
            prob = _softmax_by(score, own, group_starts)

        chosen: dict[str, _Pick | None] = {}
        starts = [*group_starts.tolist(), len(own)]
        # per-candidate values as Python numbers: the loop below reads them one at a time
        sup_cc, sup_state, sup_near = support_cc.tolist(), support_state.tolist(), support_near.tolist()
        spans = list(pairwise(starts))
        # candidates within 50 km of each other, for every name with several
        multi = [ki for ki, (lo, hi) in enumerate(spans) if hi - lo > 1]
        if dist is not None:
            pools = {ki: dist[spans[ki][0] : spans[ki][1], spans[ki][0] : spans[ki][1]] < _POOL_KM for ki in multi}
        else:
            pools = dict(zip(multi, _pools(lon, lat, [spans[ki] for ki in multi], _POOL_KM), strict=True))
        scores = score.tolist()
        for ki, key in enumerate(keys):
            lo, hi = spans[ki]
            # what matters is where: candidates within 50 km of each other (a city, its region, the
            # strip it names) pool their probability; the best-scored member of the best pool wins
            if hi - lo == 1:
                centre, mass, order = 0, [float(prob[lo])], [lo]
            else:
                within = pools[ki]
                pooled = within.astype(float) @ prob[lo:hi]
                mass, rounded, cand_scores = pooled.tolist(), np.round(pooled, 6).tolist(), scores[lo:hi]
                # the best pool's centre: most mass (to 6 decimals), then best score, then first
                centre = min(range(hi - lo), key=lambda i: (-rounded[i], -cand_scores[i], i))
                near = within[centre].tolist()
                order = [lo + i for i in sorted(range(hi - lo), key=lambda i: (not near[i], -cand_scores[i], i))]
            b = order[0]
            local_support = max(sup_state[b], sup_near[b])
            c = first[key]
            if not qual[b] and max(local_support, sup_cc[b]) < 0.5 and plist[b].kind == "city" and not c.prefer_admin:
                # a well-known city beats a village namesake unless the text points to the village
                floor = max(300_000, 30 * plist[b].population)
                big = [j for j in order if plist[j].kind == "city" and plist[j].population >= floor]
                if big:
                    b = big[0]
                    order = [b, *[j for j in order if j != b]]
                    centre = b - lo
            # a spelling variant of one word needs a neighbour; of several words, its country named
            country_ok = c.variant and " " in c.key and sup_cc[b] >= 0.5
            supported = qual[b] or local_support >= 0.5 or country_ok
            if (c.weak or c.variant) and not supported:
                chosen[key] = None
                continue
            alts = tuple(plist[j] for j in order[1:4])
            conf = min(1.0, mass[centre]) * _evidence_factor(plist[b], qual[b], local_support, sup_cc[b])
            support = max(local_support, sup_cc[b])
            chosen[key] = _Pick(plist[b], conf, alts, qual[b], support)
        return chosen

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
            return self._parse_piece(text)
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
            for m in self._parse_piece(piece):
                out.append(replace(m, start=m.start + start, end=m.end + start))
            start = end
        return out

    def _parse_piece(self, text: str) -> list[Mention]:
        """Recognise, resolve, then place the names the gazetteer lacks at their container."""
        cands, toks, hit_starts = self._recognise(text)
        mentions = self.resolve(text, cands)
        resolved = [m for m in mentions if m.resolved]
        unresolved = [m for m in mentions if not m.resolved]
        # names the gazetteer lacks, and unresolved ones (their span may go on: "Malaya Loknya")
        extra = unknown_placed(
            self.gaz,
            text,
            toks,
            hit_starts - {m.start for m in unresolved},
            resolved,
        )
        if not extra and not unresolved:
            return mentions
        redone = {m.start for m in extra}
        keep = [m for m in unresolved if m.start not in redone]
        return sorted([*resolved, *keep, *extra], key=lambda m: (m.start, m.end))


#: A name's candidates as columns: prior scores, places, qualified flags.
_Rows = tuple[tuple[float, ...], tuple[Place, ...], tuple[bool, ...]]


def _columns(rows: list[tuple[float, Place, bool]]) -> _Rows:
    """(score, place, qualified) rows as three columns."""
    return tuple(r[0] for r in rows), tuple(r[1] for r in rows), tuple(r[2] for r in rows)


def _evidence_factor(p: Place, qualified: bool, local: float, country: float) -> float:
    """How far a name's pooled probability is to be trusted, by the kind of evidence behind it.

    The pooled mass is a probability *among the gazetteer's candidates*; it cannot see that the
    place meant may be missing from the gazetteer or that the name may be no place at all. So:
    a country or continent is rarely wrong (0.97); a place the text qualifies ("Paris, Texas")
    or that other names place nearby or in its region is well supported (0.97); one supported only
    by its country being named, less (0.92); one nothing in the article supports, least (0.85).
    Fixed by these rules, not fitted to any corpus.
    """
    if p.kind in ("country", "continent") or qualified or local >= 0.5:
        return 0.97
    return 0.92 if country >= 0.5 else 0.85


def _index(codes: Sequence[str]) -> npt.NDArray[np.int64]:
    """Integer ids for string codes ("" keeps its own id)."""
    table: dict[str, int] = {}
    return np.asarray([table.setdefault(c, len(table)) for c in codes], dtype=np.int64)


#: Weights of the country, region and vicinity support: capped at 1, and on a log scale.
_CAPPED_WEIGHTS = np.array([[2.4], [1.5], [1.2]])
_LOG_WEIGHTS = np.array([[0.6], [0.5], [0.4]])


def _softmax_by(
    score: npt.NDArray[np.float64], own: npt.NDArray[np.int64], starts: npt.NDArray[np.int64]
) -> npt.NDArray[np.float64]:
    """Softmax of ``score`` within each group of ``own`` (sorted; group g starts at ``starts[g]``).

    The sums run through the group in order (``bincount``), as ``np.add.at`` does."""
    e = np.exp(score - np.maximum.reduceat(score, starts)[own])
    return np.asarray(e / np.bincount(own, weights=e, minlength=len(starts))[own])


def _others_mass(
    prob: npt.NDArray[np.float64], own: npt.NDArray[np.int64], code: npt.NDArray[np.int64]
) -> npt.NDArray[np.float64]:
    """For each candidate: probability mass the *other* names put on its code (country, region).

    Linear in the number of candidates: sums per code and per (name, code) pair by bincount.
    """
    if len(code) == 0:
        return np.zeros(0)
    n_codes = int(code.max()) + 1
    total = np.bincount(code, weights=prob, minlength=n_codes)
    pair = own * n_codes + code
    if int(own[-1] + 1) * n_codes <= 1_000_000:  # small: one bincount over all (name, code) cells
        mine_cells = np.bincount(pair, weights=prob)
        return np.asarray(total[code] - mine_cells[pair])
    _, inv = np.unique(pair, return_inverse=True)
    mine = np.bincount(inv, weights=prob)
    return np.asarray(total[code] - mine[inv])


def _km(
    lon1: npt.NDArray[np.float64],
    lat1: npt.NDArray[np.float64],
    lon2: npt.NDArray[np.float64],
    lat2: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    """Great-circle distances (km) between points 1 and points 2 (radians), element by element."""
    h = np.sin((lat1 - lat2) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon1 - lon2) / 2) ** 2
    return np.asarray(2 * 6371.0088 * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0))))


def _haversine_km(
    lon1: npt.NDArray[np.float64],
    lat1: npt.NDArray[np.float64],
    lon2: npt.NDArray[np.float64],
    lat2: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    """Great-circle distances (km) between every row point 1 and every column point 2 (radians)."""
    return _km(lon1[:, None], lat1[:, None], lon2[None, :], lat2[None, :])


def _pools(
    lon: npt.NDArray[np.float64], lat: npt.NDArray[np.float64], spans: list[tuple[int, int]], km: float
) -> list[npt.NDArray[np.bool_]]:
    """For each span ``lo:hi`` of candidates (one name, at most 15): the (n, n) matrix of which of
    them lie within ``km`` of which. All spans' pairs are measured in one go."""
    if not spans:
        return []
    lo = np.asarray([a for a, _ in spans], dtype=np.int64)
    n = np.asarray([b - a for a, b in spans], dtype=np.int64)
    ends = np.cumsum(n * n)
    group = np.repeat(np.arange(len(spans)), n * n)
    cell = np.arange(int(ends[-1])) - (ends - n * n)[group]  # row-major cell of the span's matrix
    i, j = lo[group] + cell // n[group], lo[group] + cell % n[group]
    close = _km(lon[i], lat[i], lon[j], lat[j]) < km
    return [m.reshape(k, k) for m, k in zip(np.split(close, ends[:-1].tolist()), n.tolist(), strict=True)]


#: Blocks of at most this many candidates measure all their distances at once (a small matrix).
_SHARED_DIST_MAX = 256
#: Rows of the nearness computation done at once (memory: rows x local candidates floats).
_NEAR_ROWS = 256


class _Near:
    """Which local candidates of different names lie within ``km`` of each other.

    Small blocks keep a dense matrix (computed once, used by both voting rounds); large ones
    recompute distances in chunks of :data:`_NEAR_ROWS` rows, so memory stays linear.
    """

    DENSE_MAX = 1024

    def __init__(
        self,
        lon: npt.NDArray[np.float64],
        lat: npt.NDArray[np.float64],
        local: npt.NDArray[np.bool_],
        own: npt.NDArray[np.int64],
        km: float,
        dist: npt.NDArray[np.float64] | None = None,
    ) -> None:
        """``dist``: the distances between all candidates, when already measured."""
        self.n = len(lon)
        self.idx = np.flatnonzero(local)
        self.lo, self.la, self.ow, self.km = lon[self.idx], lat[self.idx], own[self.idx], km
        self.dense: npt.NDArray[np.float64] | None = None
        if 2 <= len(self.idx) <= self.DENSE_MAX:
            if dist is None:
                close = _haversine_km(self.lo, self.la, self.lo, self.la) < km
            else:
                close = dist[np.ix_(self.idx, self.idx)] < km
            close &= self.ow[:, None] != self.ow[None, :]
            self.dense = close.astype(float)

    def support(self, prob: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """For each candidate: the probability other names put on local places within ``km``."""
        out = np.zeros(self.n)
        if len(self.idx) < 2:
            return out
        pr = prob[self.idx]
        if self.dense is not None:
            out[self.idx] = self.dense @ pr
            return out
        for r0 in range(0, len(self.idx), _NEAR_ROWS):
            rows = slice(r0, r0 + _NEAR_ROWS)
            close = _haversine_km(self.lo[rows], self.la[rows], self.lo, self.la) < self.km
            close &= self.ow[rows, None] != self.ow[None, :]
            out[self.idx[rows]] = close.astype(float) @ pr
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

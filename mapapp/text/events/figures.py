"""Counts in a sentence: tolls ("at least five people were killed", "killing 12", "the death toll
rose to 30", "a soldier was wounded", "no one was hurt") and counted forces ("more than 10,000
troops").

:func:`find_figures` returns :class:`Found` values (offset in the sentence, a typed
:class:`~mapapp.model.Figure`). A count without a casualty word ("350,000 people lived there",
"$2 billion") has a non-toll label and is never an incident's toll: :data:`TOLL_LABELS` says
which labels are tolls. Vague amounts follow ACLED's coding conventions: "dozens" is 12,
"scores" 20, "hundreds" 100, "thousands" 1,000 (with that word as the qualifier). A toll the
text attributes to a party ("the group claimed", "according to the militants") gets the
qualifier "claimed".

Linear: three anchored patterns with bounded repetitions, one pass each.
"""

from __future__ import annotations

import re
from bisect import bisect_left, insort
from collections.abc import Sequence
from dataclasses import dataclass

from mapapp.model import Figure
from mapapp.text.sentences import fold_case, folded_twin, presence_pattern, words

__all__ = [
    "FORCE_LABELS",
    "TOLL_LABELS",
    "Found",
    "find_figures",
    "merge_figures",
    "merge_figures_many",
    "number_value",
]

#: Labels that are an incident's toll.
TOLL_LABELS = frozenset({"killed", "injured", "missing", "abducted", "casualties"})
#: Labels that count forces (kept for deployments).
FORCE_LABELS = frozenset({"troops", "soldiers", "servicemen", "fighters"})

_NUM_WORDS: dict[str, int] = {
    w: i
    for i, w in enumerate(
        words(
            "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
            "seventeen eighteen nineteen twenty"
        )
    )
}
_NUM_WORDS.update({"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90})
_NUM_WORDS.update({"a dozen": 12, "dozen": 12, "a hundred": 100, "hundred": 100, "a score": 20})
_VAGUE: dict[str, int] = {"dozens": 12, "scores": 20, "hundreds": 100, "thousands": 1000}
_NUMW_RE = "|".join(sorted((re.escape(w) for w in _NUM_WORDS), key=len, reverse=True))
_NUM = (
    rf"(?P<num>\d{{1,3}}(?:,\d{{3}})+|\d{{1,9}}(?:\.\d{{1,3}})?|(?:{_NUMW_RE})(?:-(?:one|two|three|four|five|six|"
    r"seven|eight|nine))?|dozens|scores|hundreds|thousands)(?:\s+(?P<mult>hundred|thousand|million))?(?:\s+of)?"
)
_QUAL = (
    r"(?:(?P<qual>more\s+than|over|at\s+least|about|around|nearly|almost|up\s+to|some|roughly|"
    r"approximately|fewer\s+than|less\s+than|as\s+many\s+as|an\s+estimated|estimated|another|a\s+further)\s+)?"
)
_PERSON = (
    r"(?:people|persons|civilians|children|kids|residents|villagers|worshippers|worshipers|passengers|pedestrians|"
    r"soldiers|troops|servicemen|policemen|police\s+officers|officers|police|militants|fighters|insurgents|"
    r"rebels|attackers|gunmen|members|students|women|men|others|victims|bystanders|pilgrims|protesters|"
    r"workers|journalists|guards|personnel|recruits|cadets|commanders|officials|staff|Marines|marines|"
    r"Americans|foreigners|tourists|migrants|refugees|family\s+members|relatives|prisoners|hostages|"
    r"bodies|guests|shoppers|mourners|infants|babies|teenagers|boys|girls|adults|patients|doctors|medics|"
    r"aid\s+workers|peacekeepers|contractors|crew|crew\s+members|sailors|pilots|airmen|Taliban|jihadists)"
)
_FORCES = r"(?P<force>troops|soldiers|servicemen|fighters)"
_CASUALTY = (
    r"(?P<verb>killed|dead|died|injured|wounded|hurt|missing|abducted|kidnapped|taken\s+hostage|"
    r"shot\s+dead|shot|slain|murdered|executed|massacred|beheaded)"
)
# "five people were killed", "12 soldiers wounded", "more than 10,000 troops"
_FIG_A = re.compile(
    rf"(?i:\b{_QUAL}){_NUM}\s+(?:[\w’'-]{{1,20}}\s+){{0,3}}?(?:(?P<person>{_PERSON})|{_FORCES})\b"
    # "16 people, including seven children, were injured": the count is the whole, not the part
    rf"(?:,?\s+(?:including|among\s+them)\s+(?:[\w’'-]+\s+){{0,3}}?[\w’'-]+,?(?=\s+(?:\w+\s+)?(?:were|was|have|had)\b))?"
    rf"(?:\s+(?:\w+\s+)?(?:were|was|have\s+been|had\s+been|are|is|have|had|been|reportedly|also|later)?"
    rf"(?:\s+(?:also|reportedly|later|been))?\s*{_CASUALTY}\b)?",
    re.I,
)
# "killing 12", "wounding at least 30 others"
_FIG_B = re.compile(
    rf"\b(?P<verb>killed|killing|kills|injured|injuring|wounded|wounding|kidnapped|kidnapping|abducted|abducting|"
    rf"left|leaving|claimed|claiming)\s+{_QUAL}{_NUM}"
    rf"(?:\s+(?:[\w’'-]{{1,20}}\s+){{0,2}}?(?P<person>{_PERSON}))?\b(?!\s*(?:%|km|miles|kilometers|kilometres))"
    rf"(?:\s+(?P<after>dead|wounded|injured|killed|lives))?",
    re.I,
)
# "the death toll rose to 30"
_FIG_TOLL = re.compile(
    rf"\b(?P<toll>death\s+toll|toll|casualty\s+count|number\s+of\s+(?:dead|deaths))\s+"
    rf"(?:(?:has|had|have)\s+)?(?:rose|risen|rises|climbed|climbs|jumped|reached|reaches|stands|stood|is|was|of|"
    rf"at|hit|to|increased|grew)?\s*(?:to\s+|at\s+)?{_QUAL}{_NUM}\b",
    re.I,
)
# "30 dead", "12 killed", "30 deaths"
_FIG_C = re.compile(
    rf"\b{_QUAL}{_NUM}\s+(?P<verb>dead|killed|injured|wounded|deaths|fatalities|casualties|injuries)\b",
    re.I,
)
# "a soldier was killed", "one policeman was wounded", "a lieutenant general was killed"
_ONE_PERSON = (
    r"soldier|civilian|man|woman|child|boy|girl|officer|policeman|police\s+officer|general|commander|guard|"
    r"journalist|worker|resident|villager|student|militant|fighter|passenger|pedestrian|person|member|marine|"
    r"contractor|official|teenager|baby|infant|bystander|tourist|priest|imam|doctor|nurse|driver|pilot|sailor|"
    r"servicemember|serviceman"
)
_FIG_ONE = re.compile(
    r"\b(?P<num>an?|one)\s+(?:[\w’'-]{1,20}\s+){0,3}?(?:" + _ONE_PERSON + r")\b"
    r"(?:\s+\w+){0,2}?\s+(?:was|has\s+been|had\s+been|is|were)\s+(?:also\s+|reportedly\s+|later\s+)*"
    r"(?P<verb>killed|wounded|injured|hurt|shot\s+dead|abducted|kidnapped|slain|murdered|executed|beheaded)\b",
    re.I,
)
# "killing a Hezbollah commander", "wounded a police officer": an active casualty verb and one person
_FIG_ONE_B = re.compile(
    r"\b(?P<verb>killed|killing|kills|injured|injuring|wounded|wounding|kidnapped|kidnapping|abducted|abducting)"
    r"\s+(?P<num>an?|one)\s+(?:[\w’'-]{1,20}\s+){0,3}?(?:" + _ONE_PERSON + r")\b",
    re.I,
)
# "no one was killed", "no casualties", "no injuries were reported"
_FIG_NONE = re.compile(
    r"\b(?:no\s+(?:one|body|people|civilians|soldiers)\s+(?:was|were|has\s+been|have\s+been|had\s+been)\s+"
    r"(?:\w+\s+)?(?P<verb>killed|hurt|injured|wounded|harmed)|no\s+(?:immediate\s+)?(?:reports?\s+of\s+)?"
    r"(?P<noun>casualties|deaths|fatalities|injuries))\b",
    re.I,
)
_NUMBERISH_RE = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    r"seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|dozens?|scores?|hundreds?|"
    r"thousands?|no|toll|number)\b",
    re.I,
)
# "a soldier was killed": an article and a casualty verb
_SINGLE_RE = re.compile(
    r"\b(?:killed|killing|wounded|wounding|injured|injuring|hurt|shot|abducted|abducting|kidnapped|kidnapping|"
    r"slain|murdered|executed|beheaded)\b",
    re.I,
)
_CLAIM_RE = re.compile(r"\b(?:claim(?:s|ed|ing)?|according\s+to\s+(?:the\s+)?(?:group|militants|insurgents))\b", re.I)
_LABEL = {
    "killed": "killed", "killing": "killed", "kills": "killed", "dead": "killed", "died": "killed",
    "deaths": "killed", "fatalities": "killed", "shot dead": "killed", "slain": "killed", "murdered": "killed",
    "executed": "killed", "massacred": "killed", "beheaded": "killed", "lives": "killed",
    "injured": "injured", "injuring": "injured", "wounded": "injured", "wounding": "injured", "hurt": "injured",
    "injuries": "injured", "shot": "injured", "harmed": "injured",
    "missing": "missing", "abducted": "abducted", "kidnapped": "abducted", "taken hostage": "abducted",
    "abducting": "abducted", "kidnapping": "abducted",
    "casualties": "casualties",
}  # fmt: skip


@dataclass(frozen=True)
class Found:
    """A figure found at ``offset`` (characters into the sentence); ``end`` ends its text."""

    offset: int
    end: int
    figure: Figure


def number_value(num: str, mult: str | None = None) -> int | None:
    """``"10,000"`` -> 10000, ``"twenty-five"`` -> 25, ``"1.5", "million"`` -> 1500000, vague
    ``"dozens"`` -> 12 (ACLED's convention); None if it is not a number."""
    n = num.lower().replace(",", "").strip()
    if n in _VAGUE:
        return _VAGUE[n]
    if n in ("a", "an"):
        return 1
    try:
        base = float(n)
    except ValueError:
        parts = n.split("-")
        if parts[0] not in _NUM_WORDS:
            return None
        base = float(_NUM_WORDS[parts[0]] + (_NUM_WORDS.get(parts[1], 0) if len(parts) > 1 else 0))
    factor = {"hundred": 100, "thousand": 1000, "million": 1_000_000}.get((mult or "").lower(), 1)
    return round(base * factor)


# the patterns run on the folded sentence (fold_case: 2-3x faster than IGNORECASE); groups are
# read from the sentence at the same spans
_FIG_A_F, _FIG_B_F, _FIG_TOLL_F, _FIG_C_F, _FIG_ONE_F, _FIG_ONE_B_F, _FIG_NONE_F = (
    folded_twin(rx) for rx in (_FIG_A, _FIG_B, _FIG_TOLL, _FIG_C, _FIG_ONE, _FIG_ONE_B, _FIG_NONE)
)
_CLAIM_F = folded_twin(_CLAIM_RE)
# _NUMBERISH_RE as a digit test and a whole-word trie of its words; _SINGLE_RE as a trie (folded text)
_DIGIT_RE = re.compile(r"\d")
_NUMBER_WORDS_F = presence_pattern(
    words(
        "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen "
        "eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety dozen dozens score scores hundred "
        "hundreds thousand thousands no toll number"
    ),
    whole_words=True,
)
_SINGLE_F = presence_pattern(
    words(
        "killed killing wounded wounding injured injuring hurt shot abducted abducting kidnapped kidnapping slain "
        "murdered executed beheaded"
    ),
    whole_words=True,
)
_COUNTED = (_FIG_B_F, _FIG_TOLL_F, _FIG_C_F, _FIG_ONE_F, _FIG_ONE_B_F, _FIG_A_F)  # in this order
_SINGLE = (_FIG_ONE_F, _FIG_ONE_B_F)
# words one of which every match of a pattern holds (tries on the folded sentence): a pattern runs
# only where it can match (_FIG_ONE and _FIG_ONE_B: where _SINGLE_F found a casualty verb)
_HINTS: dict[re.Pattern[str], re.Pattern[str]] = {
    _FIG_A_F: presence_pattern(
        [alt.split("\\s+")[0].lower() for alt in _PERSON.removeprefix("(?:").removesuffix(")").split("|")]
        + ["troops", "soldiers", "servicemen", "fighters"],
        whole_words=True,  # after a blank, before \b
    ),
    _FIG_B_F: presence_pattern(("kill", "injur", "wound", "kidnap", "abduct", "left", "leaving", "claim")),
    _FIG_TOLL_F: presence_pattern(("toll", "casualty", "number")),
    _FIG_C_F: presence_pattern(("dead", "kill", "injur", "wound", "death", "fatalit", "casualt")),
    _FIG_NONE_F: presence_pattern(("kill", "hurt", "injur", "wound", "harm", "casualt", "death", "fatalit")),
}
# _FIG_A, _FIG_B and _FIG_C count with a digit or with one of these words, written between blanks,
# hyphens or punctuation (\b on both sides)
_NUM_WORDS_F = presence_pattern(
    [*(w.split()[-1] for w in _NUM_WORDS), *_VAGUE],  # "a score": "score"
    whole_words=True,
)
_NEED_NUM = (_FIG_A_F, _FIG_B_F, _FIG_C_F)


def _groups(m: re.Match[str], text: str) -> dict[str, str | None]:
    """The named groups of ``m`` (a match in the folded ``text``) as written in ``text``."""
    return {k: text[m.start(k) : m.end(k)] if m.start(k) >= 0 else None for k in m.re.groupindex}


def _qualifier(g: dict[str, str | None], clause_claims: bool) -> str:
    q = " ".join((g.get("qual") or "").lower().split())
    num = (g.get("num") or "").lower()
    if num in _VAGUE:
        q = num
    if clause_claims and not q:
        q = "claimed"
    return q


def _label(g: dict[str, str | None]) -> str:
    for key in ("verb", "after"):
        v = g.get(key)
        if v:
            lab = _LABEL.get(" ".join(v.lower().split()), "")
            if lab:
                return lab
    if g.get("toll"):
        return "killed"
    noun, force = g.get("noun"), g.get("force")
    if noun:
        return _LABEL.get(noun.lower(), "")
    if force:
        return force.lower()
    return (g.get("person") or "").lower()


def _overlaps(taken: list[tuple[int, int]], a: int, b: int) -> bool:
    """Does ``a``..``b`` overlap one of the sorted, disjoint spans ``taken``? (binary search)"""
    i = bisect_left(taken, (a, a))
    return any(0 <= j < len(taken) and taken[j][0] < b and a < taken[j][1] for j in (i - 1, i))


def find_figures(sentence: str) -> list[Found]:
    """Every count in ``sentence`` with its label, value and qualifier, in text order."""
    out: list[Found] = []
    taken: list[tuple[int, int]] = []
    low = fold_case(sentence)
    counted = bool(_DIGIT_RE.search(sentence) or _NUMBER_WORDS_F.search(low))
    single = bool(_SINGLE_F.search(low))
    if not (counted or single):
        return out  # no digit, number word or "a ... was killed": no count to find
    claims = bool(_CLAIM_F.search(low))
    for m in _FIG_NONE_F.finditer(low) if counted and _HINTS[_FIG_NONE_F].search(low) else ():
        lab = _label(_groups(m, sentence))
        insort(taken, m.span())
        out.append(Found(m.start(), m.end(), Figure(lab, 0, "", text=sentence[m.start() : m.end()])))
    for rx in _COUNTED if counted else _SINGLE:
        if rx in (_FIG_ONE_F, _FIG_ONE_B_F) and not single:
            continue
        hint = _HINTS.get(rx)
        if hint is not None and not hint.search(low):
            continue
        if rx in _NEED_NUM and not (_DIGIT_RE.search(sentence) or _NUM_WORDS_F.search(low)):
            continue
        for m in rx.finditer(low):
            if _overlaps(taken, m.start(), m.end()):
                continue
            g = _groups(m, sentence)
            verb = (g.get("verb") or "").lower()
            if rx is _FIG_B_F and verb in ("left", "leaving", "claimed", "claiming") and not g.get("after"):
                continue
            value = number_value(g["num"] or "", g.get("mult"))
            label = _label(g)
            if value is None or not label or value > 10_000_000:
                continue
            if rx is _FIG_B_F and verb == "claimed" and label == "killed" and g.get("after") != "lives":
                continue
            insort(taken, m.span())
            text = sentence[m.start() : m.end()].strip()
            fig = Figure(label, value, _qualifier(g, claims and label in TOLL_LABELS), text=text)
            out.append(Found(m.start(), m.end(), fig))
    out.sort(key=lambda f: f.offset)
    return out


def merge_figures_many(reports: Sequence[tuple[Figure, ...]]) -> tuple[Figure, ...]:
    """Figures of all reports of one incident, in one pass: one per label; the first report's
    value and qualifier are kept, ``low``/``high`` span every report, ``reports`` lists each text."""
    first: dict[str, Figure] = {}
    lows: dict[str, int] = {}
    highs: dict[str, int] = {}
    texts: dict[str, dict[str, None]] = {}
    for figs in reports:
        for f in figs:
            first.setdefault(f.label, f)
            lo, hi = f.low if f.low is not None else f.value, f.high if f.high is not None else f.value
            lows[f.label] = min(lows.get(f.label, lo), lo)
            highs[f.label] = max(highs.get(f.label, hi), hi)
            bucket = texts.setdefault(f.label, {})
            for t in f.reports or (f.text,):
                if t:
                    bucket[t] = None
    out: list[Figure] = []
    for label, f in first.items():
        reps = tuple(texts[label]) if len(texts[label]) > 1 else f.reports
        out.append(Figure(f.label, f.value, f.qualifier, lows[label], highs[label], f.text, reps))
    return tuple(out)


def merge_figures(a: tuple[Figure, ...], b: tuple[Figure, ...]) -> tuple[Figure, ...]:
    """Figures of two reports of one incident: one per label; the first report's value is kept,
    ``low``/``high`` span every report, ``reports`` lists each text."""
    out: dict[str, Figure] = {f.label: f for f in a}
    for f in b:
        cur = out.get(f.label)
        if cur is None:
            out[f.label] = f
            continue
        if (f.text and f.text in cur.reports) or f.text == cur.text:
            continue
        reports = tuple(dict.fromkeys([*(cur.reports or (cur.text,)), *(f.reports or (f.text,))]))
        out[f.label] = Figure(
            cur.label,
            cur.value,
            cur.qualifier,
            low=min(x for x in (cur.low, f.low) if x is not None),
            high=max(x for x in (cur.high, f.high) if x is not None),
            text=cur.text,
            reports=tuple(r for r in reports if r),
        )
    return tuple(out.values())

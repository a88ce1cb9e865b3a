"""Events from news text: what happened (or is planned), where, when, who, and on whose word.

Pipeline for one article (:func:`extract_events`):

1. split into sentences with character spans (:func:`split_sentences`); each sentence into
   clauses (a participial ", using ..." stays with its clause);
2. find event triggers (verbs and nouns such as "authorized", "arrived" + troops, "seized",
   "attack", "shelled") and give each an ACLED event type / sub-event type (see :data:`TAXONOMY`),
   plus "Policy decision" for authorisations, approvals and sanctions; drop hypothetical
   ("could authorize", "if Russia reclaims"), negated and purpose ("to use") triggers, and mark
   planned ones ("is planning a large-scale attack", "Russia's planned assault");
3. attach to each trigger the nearest date expression of its clause (:mod:`mapapp.text.dates`), its
   actors (countries, demonyms, capitals used as metonyms, and a small leader -> country table),
   its places (the geoparser's mentions; a policy decision is placed at the deciding country's
   capital and the area it concerns goes to ``extra["scope"]``), figures ("more than 10,000
   troops", "at least five people were killed") and the outlets the sentence cites;
4. a sentence that only refers back ("killed in the assault") adds its figures and outlets to the
   previous violent event instead of creating a new one;
5. duplicates within the article (same type, agent, compatible places, overlapping or missing
   date) are merged (:func:`merge_events`).

Dates: see :mod:`mapapp.text.dates` for the representation (a month without a year is resolved to the
latest such month before publication and flagged ``"uncertain"`` with a note whenever the text
refers back in time or the month is long before publication). A planned event without its own
date gets the publication date (``status="inferred"``, note "planned as of ...").

Pure: stdlib only (the geoparser is imported lazily when ``mentions`` is None).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from mapapp.model import DateValue, Event, Mention, Place
from mapapp.text.dates import DateMatch, find_dates, parse_iso_date

__all__ = [
    "ACTOR_ALIASES",
    "COUNTRIES",
    "TAXONOMY",
    "Sentence",
    "event_to_dict",
    "extract_events",
    "filter_by_date",
    "merge_events",
    "split_sentences",
]

#: ACLED event types and the sub-types this extractor assigns (plus mapapp's "Policy decision"
#: and "Troop deployment", which ACLED would file under "Other").
TAXONOMY: dict[str, tuple[str, ...]] = {
    "Battles": ("Armed clash", "Government regains territory", "Non-state actor overtakes territory"),
    "Explosions/Remote violence": (
        "Air/drone strike", "Shelling/artillery/missile attack", "Remote explosive/landmine/IED",
    ),
    "Violence against civilians": ("Attack", "Abduction/forced disappearance"),
    "Protests": ("Peaceful protest",),
    "Strategic developments": (
        "Agreement", "Headquarters or base established", "Non-violent transfer of territory",
        "Disrupted weapons use", "Troop deployment",
    ),
    "Policy decision": ("Authorization", "Sanctions"),
}  # fmt: skip

VIOLENT_TYPES = frozenset({"Battles", "Explosions/Remote violence", "Violence against civilians"})


@dataclass(frozen=True)
class _Country:
    name: str
    iso2: str
    capital: Place | None
    centroid: tuple[float, float]  # (lon, lat)


def _cap(name: str, gid: int, lon: float, lat: float, cc: str) -> Place:
    return Place(
        id=f"gn:{gid}", name=name, kind="city", lon=lon, lat=lat, country_code=cc, geonameid=gid, feature_code="PPLC"
    )


#: Canonical actor name -> country facts (capital coordinates from GeoNames, lon/lat).
COUNTRIES: dict[str, _Country] = {
    "Russia": _Country("Russia", "RU", _cap("Moscow", 524901, 37.61781, 55.75204, "RU"), (100.0, 60.0)),
    "Ukraine": _Country("Ukraine", "UA", _cap("Kyiv", 703448, 30.5238, 50.45466, "UA"), (32.0, 49.0)),
    "United States": _Country(
        "United States", "US", _cap("Washington", 4140963, -77.03637, 38.89511, "US"), (-98.5, 39.76)
    ),
    "North Korea": _Country("North Korea", "KP", _cap("Pyongyang", 1871859, 125.75432, 39.03385, "KP"), (127.0, 40.0)),
    "Belarus": _Country("Belarus", "BY", _cap("Minsk", 625144, 27.56653, 53.90019, "BY"), (28.0, 53.5)),
    "Iran": _Country("Iran", "IR", _cap("Tehran", 112931, 51.42151, 35.69439, "IR"), (53.0, 32.0)),
    "China": _Country("China", "CN", _cap("Beijing", 1816670, 116.39723, 39.9075, "CN"), (105.0, 35.0)),
    "United Kingdom": _Country("United Kingdom", "GB", _cap("London", 2643743, -0.12574, 51.50853, "GB"), (-2.0, 54.0)),
    "France": _Country("France", "FR", _cap("Paris", 2988507, 2.3488, 48.85341, "FR"), (2.0, 46.0)),
    "Germany": _Country("Germany", "DE", _cap("Berlin", 2950159, 13.41053, 52.52437, "DE"), (10.5, 51.0)),
    "Poland": _Country("Poland", "PL", _cap("Warsaw", 756135, 21.01178, 52.22977, "PL"), (19.5, 52.0)),
    "Israel": _Country("Israel", "IL", _cap("Jerusalem", 281184, 35.21633, 31.76904, "IL"), (34.9, 31.5)),
    "NATO": _Country("NATO", "", None, (0.0, 0.0)),
}
_BY_ISO2 = {c.iso2: c.name for c in COUNTRIES.values() if c.iso2}

#: Surface form -> (actor, role). role: "country" (a name or demonym), "capital" (metonym when not
#: used as a location), "person"/"body" (leaders, ministers and institutions).
ACTOR_ALIASES: dict[str, tuple[str, str]] = {}


def _alias(actor: str, role: str, *forms: str) -> None:
    for f in forms:
        ACTOR_ALIASES[f] = (actor, role)


_alias("Russia", "country", "Russia", "Russian", "Russians", "Russian Federation")
_alias("Russia", "capital", "Moscow")
_alias("Russia", "person", "Putin", "Vladimir Putin", "Shoigu", "Belousov", "Gerasimov", "Lavrov", "Peskov")
_alias("Russia", "body", "Kremlin")
_alias("Ukraine", "country", "Ukraine", "Ukrainian", "Ukrainians")
_alias("Ukraine", "capital", "Kyiv", "Kiev")
_alias(
    "Ukraine",
    "person",
    "Zelenskyy",
    "Zelensky",
    "Zelenskiy",
    "Volodymyr Zelenskyy",
    "Syrskyi",
    "Umerov",
    "Sybiha",
    "Kuleba",
)
_alias("United States", "country", "United States", "U.S.", "US", "USA", "America", "American", "Americans")
_alias("United States", "capital", "Washington")
_alias(
    "United States",
    "person",
    "Biden",
    "Joe Biden",
    "Trump",
    "Donald Trump",
    "Harris",
    "Blinken",
    "Lloyd Austin",
    "Jake Sullivan",
    "Vance",
    "JD Vance",
    "Rubio",
    "Hegseth",
)
_alias("United States", "body", "Pentagon", "White House", "State Department")
_alias("North Korea", "country", "North Korea", "North Korean", "North Koreans", "DPRK")
_alias("North Korea", "capital", "Pyongyang")
_alias("North Korea", "person", "Kim Jong Un", "Kim Jong-un")
_alias("Belarus", "country", "Belarus", "Belarusian", "Belarusians")
_alias("Belarus", "capital", "Minsk")
_alias("Belarus", "person", "Lukashenko")
_alias("Iran", "country", "Iran", "Iranian", "Iranians")
_alias("Iran", "capital", "Tehran")
_alias("China", "country", "China", "Chinese")
_alias("China", "capital", "Beijing")
_alias("China", "person", "Xi Jinping")
_alias("United Kingdom", "country", "United Kingdom", "U.K.", "UK", "Britain", "British")
_alias("United Kingdom", "capital", "London")
_alias("United Kingdom", "person", "Starmer")
_alias("France", "country", "France", "French")
_alias("France", "capital", "Paris")
_alias("France", "person", "Macron")
_alias("Germany", "country", "Germany", "German", "Germans")
_alias("Germany", "capital", "Berlin")
_alias("Germany", "person", "Scholz")
_alias("Poland", "country", "Poland", "Polish")
_alias("Poland", "capital", "Warsaw")
_alias("Israel", "country", "Israel", "Israeli", "Israelis")
_alias("Israel", "person", "Netanyahu")
_alias("NATO", "body", "NATO", "Nato")

_ALIAS_RE = re.compile(
    r"(?<![\w.])(?:"
    + "|".join(re.escape(a) for a in sorted(ACTOR_ALIASES, key=len, reverse=True))
    + r")(?![\w-])(?:['’]s)?"
)

# --------------------------------------------------------------------------------------------
# Sentences and clauses

_ABBREV = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "sen",
        "rep",
        "gen",
        "lt",
        "col",
        "maj",
        "capt",
        "sgt",
        "st",
        "gov",
        "pres",
        "prof",
        "jr",
        "sr",
        "vs",
        "etc",
        "inc",
        "corp",
        "co",
        "ltd",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "adm",
        "cmdr",
        "gov",
        "fig",
        "approx",
        "dept",
        "est",
    ]
)
_END_RE = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])")


@dataclass(frozen=True)
class Sentence:
    """``text[start:end]`` of the article (whitespace trimmed)."""

    start: int
    end: int
    text: str


def split_sentences(text: str) -> list[Sentence]:
    """Sentences with character spans: a line break always ends one; so does ``. ``/``? ``/``! ``
    before a capital, except after an abbreviation ("Sen.", "Gen.") or initials ("U.S.", "J.")."""
    out: list[Sentence] = []
    for line in re.finditer(r"[^\n]+", text):
        ls = line.start()
        chunk = line.group(0)
        cut = 0
        for m in _END_RE.finditer(chunk):
            word = re.search(r"([\w.]+)[.!?]*[\"'”’)\]]*$", chunk[: m.end()])
            w = word.group(1).rstrip(".").lower() if word else ""
            initials = bool(re.fullmatch(r"(?:[a-z]\.)*[a-z]", w or "x")) and len(w.replace(".", "")) <= 2
            if chunk[m.start()] == "." and (w in _ABBREV or initials):
                continue
            _push(out, text, ls + cut, ls + m.end())
            cut = m.end()
        _push(out, text, ls + cut, ls + len(chunk))
    return out


def _push(out: list[Sentence], text: str, a: int, b: int) -> None:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    if b > a and re.search(r"[A-Za-z]", text[a:b]):
        out.append(Sentence(a, b, text[a:b]))


_PARTICIPLE = r"(?:using|targeting|targetting|killing|injuring|wounding|leaving|hitting|damaging|striking|"
_PARTICIPLE += r"destroying|forcing|firing|launching|sending)"
_CLAUSE_RE = re.compile(
    r"\s*[;—–]\s*|\s+--\s+|,(?!\s*" + _PARTICIPLE + r"\b)\s*"
    r"|\s+(?=(?:but|while|whereas|although|after|before|as|because|since|when|which)\s)"
)


def _clauses(s: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    a = 0
    for m in _CLAUSE_RE.finditer(s):
        if m.start() > a:
            spans.append((a, m.start()))
        a = m.end()
    if a < len(s):
        spans.append((a, len(s)))
    return spans


# --------------------------------------------------------------------------------------------
# Triggers

_TROOPS = r"(?:troops|soldiers|forces|units|servicemen|personnel|brigades?|battalions?|fighters|army)"
_WEAPON_AIR = (
    r"(?:drones?|UAVs?|Shaheds?|air ?strikes?|airstrikes?|bombs?|bomb(?:ed|ing)|aircraft|jets|"
    r"warplanes)"
)
_WEAPON_FIRE = (
    r"(?:missiles?|rockets?|artillery|shell(?:s|ed|ing)|mortars?|ATACMS|HIMARS|ballistic|cruise|"
    r"Iskanders?|Storm Shadows?|munitions)"
)
_WEAPON_IED = r"(?:IEDs?|landmines?|mines|explosive devices?|car bombs?)"
_WEAPON_RE = re.compile(rf"\b(?:{_WEAPON_AIR}|{_WEAPON_FIRE}|{_WEAPON_IED})\b", re.I)


@dataclass(frozen=True)
class _Trig:
    pattern: re.Pattern[str]
    event_type: str
    sub_type: str
    needs: str = ""  # "troops": a troop noun near; "weapon": a weapon word after


def _t(rx: str, et: str, st: str, needs: str = "") -> _Trig:
    return _Trig(re.compile(rf"\b(?:{rx})\b", re.I), et, st, needs)


_TRIGGERS: list[_Trig] = [
    _t(
        r"authori[sz](?:e|es|ed|ing)|approv(?:e|es|ed|ing)|signed off|signs? off|sign off|green-?lit|"
        r"green-?light(?:s|ed)?|allow(?:s|ed)?|permit(?:s|ted)?|gave permission|lift(?:s|ed)? (?:the )?"
        r"(?:ban|restrictions?)",
        "Policy decision",
        "Authorization",
    ),
    _t(r"(?:imposed|announced|introduced) (?:new )?sanctions|sanctioned", "Policy decision", "Sanctions"),
    _t(
        r"arriv(?:e|es|ed|ing)|deploy(?:s|ed|ing)?|sent|sending|send|dispatch(?:es|ed|ing)?|"
        r"station(?:s|ed|ing)|mass(?:ed|ing)|transferred",
        "Strategic developments",
        "Troop deployment",
        "troops",
    ),
    _t(
        r"agreed (?:to|on)|signed (?:an? |the )?(?:deal|agreement|treaty|ceasefire)|ceasefire|"
        r"prisoner (?:exchange|swap)|swapped prisoners",
        "Strategic developments",
        "Agreement",
    ),
    _t(
        r"(?:established|set up|opened) (?:an? |the )?(?:\w+ )?(?:base|headquarters|outpost)",
        "Strategic developments",
        "Headquarters or base established",
    ),
    _t(
        r"withdr[ae]w(?:n)? from|handed over|pulled out of|retreated from",
        "Strategic developments",
        "Non-violent transfer of territory",
    ),
    _t(r"shot down|intercept(?:s|ed|ing)|downed", "Strategic developments", "Disrupted weapons use"),
    _t(
        r"recaptur(?:e|es|ed|ing)|retook|retak(?:e|es|ing)|regain(?:s|ed|ing)?|reclaim(?:s|ed|ing)?|"
        r"liberat(?:e|es|ed|ing)",
        "Battles",
        "Government regains territory",
    ),
    _t(
        r"seiz(?:e|es|ed|ing)|captur(?:e|es|ed|ing)|took control|clash(?:es|ed)?|fought|battl(?:e|es|ed|ing)|"
        r"advanc(?:e|es|ed|ing)|offensive|counteroffensive|counter-offensive|incursion|storm(?:ed|ing)|"
        r"repel(?:led|s)?|repuls(?:ed|es)|assaults?|attack(?:s|ed|ing)?",
        "Battles",
        "Armed clash",
    ),
    _t(
        r"strik(?:e|es|ing)|struck|shell(?:ed|ing)|bomb(?:ed|ing|ardment|ardments)|airstrikes?|"
        r"air strikes?|explosions?|blasts?",
        "Explosions/Remote violence",
        "",
    ),
    _t(r"us(?:ed|es|ing)|fir(?:ed|es|ing)|launch(?:ed|es|ing)?", "Explosions/Remote violence", "", "weapon"),
    _t(r"executed|massacr(?:e|es|ed)|tortur(?:e|ed)", "Violence against civilians", "Attack"),
    _t(r"abduct(?:s|ed)|kidnap(?:s|ped)", "Violence against civilians", "Abduction/forced disappearance"),
    _t(r"protest(?:s|ed|ers)?", "Protests", "Peaceful protest"),
]

_MODAL_RE = re.compile(r"\b(?:could|would|might|may|can|cannot|if|unless|whether|should)\b", re.I)
_NEG_RE = re.compile(r"\b(?:not|never|no|didn['’]t|won['’]t|hasn['’]t|haven['’]t)\s+(?:\w+\s+)?$", re.I)
_PURPOSE_RE = re.compile(
    r"(?:\b(?:to|from)\s+(?:\w+\s+)?|\bhelp(?:s|ed|ing)?\s+(?:\w+\s+)?|\bhopes? of\s+|\baim of\s+)$", re.I
)
_FACTUAL_TO_RE = re.compile(
    r"\b(?:began|begun|started|continued|managed|compelled|forced|decided|moved|voted|went on|"
    r"proceeded)\s+to\s+\w*\s*$",
    re.I,
)
_PLAN_RE = re.compile(
    r"\b(?:planning|plans?|planned|preparing|prepares|prepared|intends?|intending|threaten(?:s|ed|ing)?|"
    r"expected|expects|set|poised|gearing up for|readying|looming|imminent|upcoming|will)\b",
    re.I,
)
_ANAPHOR_RE = re.compile(r"\b(?:the|this|that|these|those)\s+(?:\w+\s+)?$", re.I)
_BACKREF_RE = re.compile(r"\b(?:reported|said|wrote|noted) at the time\b|\bat the time\b", re.I)
_HEDGE_RE = re.compile(r"\b(?:reportedly|allegedly|purportedly|unconfirmed|claimed)\b", re.I)

# --------------------------------------------------------------------------------------------
# Figures and outlets

_NUM_WORDS: dict[str, int] = {
    w: i
    for i, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ]
    )
}
_NUM_WORDS.update(
    {
        "thirty": 30,
        "forty": 40,
        "fifty": 50,
        "sixty": 60,
        "seventy": 70,
        "eighty": 80,
        "ninety": 90,
        "a dozen": 12,
        "dozen": 12,
        "a hundred": 100,
        "hundred": 100,
    }
)
_NUMW_RE = "|".join(sorted((re.escape(w) for w in _NUM_WORDS), key=len, reverse=True))
_NUM = (
    rf"(?P<num>\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?|(?:{_NUMW_RE})(?:-(?:one|two|three|four|five|six|"
    r"seven|eight|nine))?)(?:\s+(?P<mult>hundred|thousand|million))?"
)
_QUAL = (
    r"(?:(?P<qual>more than|over|at least|about|around|nearly|almost|up to|some|roughly|"
    r"approximately|fewer than|less than|as many as)\s+)?"
)
_COUNTED = (
    r"(?P<noun>troops|soldiers|servicemen|fighters|people|persons|civilians|children|residents|"
    r"drones|missiles|rockets|shells|tanks|prisoners|POWs|homes|buildings|casualties)"
)
_CASUALTY = r"(?P<verb>killed|dead|died|injured|wounded|hurt|captured|missing)"
_FIG_A = re.compile(
    rf"(?i:\b{_QUAL}){_NUM}\s+(?:[\w’'-]+\s+){{0,3}}?{_COUNTED}\b"
    rf"(?:\s+(?:were|was|have been|had been|are|have|had)?\s*{_CASUALTY}\b)?",
    re.I,
)
_FIG_B = re.compile(
    rf"\b(?P<verb>killed|killing|injured|injuring|wounded|wounding)\s+{_QUAL}{_NUM}\b"
    rf"(?!\s*(?:%|km|miles|kilometers|kilometres))",
    re.I,
)
_FIG_C = re.compile(rf"\b{_QUAL}{_NUM}\s+(?P<verb>dead|killed|injured|wounded)\b", re.I)
_VERB_LABEL = {
    "killed": "killed",
    "killing": "killed",
    "dead": "killed",
    "died": "killed",
    "injured": "injured",
    "injuring": "injured",
    "wounded": "injured",
    "wounding": "injured",
    "hurt": "injured",
    "captured": "captured",
    "missing": "missing",
}

_MEDIA_WORDS = frozenset(
    [
        "News",
        "Times",
        "Post",
        "Journal",
        "Guardian",
        "Telegraph",
        "Reuters",
        "Press",
        "Agency",
        "Tribune",
        "Herald",
        "Economist",
        "Pravda",
        "Independent",
        "Monitor",
        "Insider",
        "Politico",
        "Axios",
        "Bloomberg",
        "CNN",
        "BBC",
        "NPR",
        "AP",
        "AFP",
        "TASS",
        "RIA",
        "Interfax",
        "Ukrinform",
        "Meduza",
        "Forbes",
        "Wire",
        "Gazette",
        "Observer",
        "Chronicle",
        "Express",
        "Mail",
        "Standard",
        "Radio",
        "TV",
        "Television",
        "Kommersant",
        "Vedomosti",
        "Izvestia",
        "Suspilne",
        "Hromadske",
        "Sky",
        "Al",
        "Jazeera",
        "ISW",
        "Institute",
    ]
)
_OUTLET_NAME = r"(?P<o>(?:[Tt]he\s+)?[A-Z][\w.&'’-]*(?:\s+(?:of\s+)?[A-Z][\w.&'’-]*){0,4})"
_OUTLET_RES = [
    re.compile(r"\baccording to\s+" + _OUTLET_NAME),
    re.compile(_OUTLET_NAME + r",?\s+(?:reported|reports|notes|noted|wrote|writes|said|says|cited|quoted)\b"),
    re.compile(r"\b(?:reported by|told|in an interview with)\s+" + _OUTLET_NAME),
    re.compile(r"\((?P<o>[^()]{2,40})\)\s*$"),
]


def _outlet_ok(name: str) -> bool:
    words = name.split()
    return bool(words) and (words[-1] in _MEDIA_WORDS or name in _MEDIA_WORDS)


def _outlets(sentence: str) -> list[str]:
    found: list[tuple[int, str]] = []
    for rx in _OUTLET_RES:
        for m in rx.finditer(sentence):
            name = m.group("o").strip()
            if name.endswith(".") and "." not in name.split()[-1][:-1]:
                name = name[:-1]
            name = re.sub(r"^the\s+", "The ", name)
            if _outlet_ok(name) and name not in {n for _, n in found}:
                found.append((m.start("o"), name))
    return [n for _, n in sorted(found)]


def _figures(sentence: str) -> list[tuple[int, str, int, str]]:
    """(offset, label, value, qualifier) for each count in ``sentence``."""
    out: list[tuple[int, str, int, str]] = []
    taken: list[tuple[int, int]] = []
    for rx in (_FIG_B, _FIG_C, _FIG_A):
        for m in rx.finditer(sentence):
            if any(m.start() < b and a < m.end() for a, b in taken):
                continue
            value = _number(m.group("num"), m.group("mult"))
            if value is None:
                continue
            g = m.groupdict()
            label = _VERB_LABEL[g["verb"].lower()] if g.get("verb") else (g.get("noun") or "").lower()
            if not label:
                continue
            taken.append(m.span())
            out.append((m.start(), label, value, (g.get("qual") or "").lower()))
    return sorted(out)


def _number(num: str, mult: str | None) -> int | None:
    n = num.lower().replace(",", "")
    try:
        base = float(n)
    except ValueError:
        parts = n.split("-")
        if parts[0] not in _NUM_WORDS:
            return None
        base = float(_NUM_WORDS[parts[0]] + (_NUM_WORDS.get(parts[1], 0) if len(parts) > 1 else 0))
    factor = {"hundred": 100, "thousand": 1000, "million": 1_000_000}.get((mult or "").lower(), 1)
    return round(base * factor)


# --------------------------------------------------------------------------------------------
# Actors and places in a sentence

_LOC_PREP_RE = re.compile(
    r"(?:\b(?:(?:inside|outside)\s+of|in|inside|into|within|across|near|at|over|outside|throughout|from|on|against|around|"
    r"toward|towards|of)\s+(?:the\s+)?(?:(?:north|south|east|west|central|northern|southern|eastern|"
    r"western|north-?eastern|north-?western|south-?eastern|south-?western|occupied|[\w-]+-occupied|"
    r"[\w-]+-controlled|[\w-]+-held)\s+)?)$",
    re.I,
)
_OF_OK_RE = re.compile(
    r"\b(?:region|regions|outskirts|city|town|village|part|parts|north|south|east|west|centre|center|"
    r"province|oblast|territory|border|borders|capital)\s+of\s+(?:the\s+)?(?:\w+\s+)?$",
    re.I,
)


_ORIGIN_RE = re.compile(r"-(?:supplied|made|provided|built|donated|designed|manufactured)\b")


@dataclass(frozen=True)
class _Item:
    start: int  # offsets within the sentence
    end: int
    actor: str
    place: Place | None
    as_place: bool  # used as a location ("in Kyiv", "inside Russia")


def _locative(before: str) -> tuple[bool, bool]:
    """(is a location, is also a target actor) from the text right before a name."""
    m = _LOC_PREP_RE.search(before[-40:])
    if not m:
        return False, False
    prep = m.group(0).split()[0].lower()
    if prep == "of" and not _OF_OK_RE.search(before[-60:]):
        return False, False
    return True, prep in ("on", "against")


def _country_place(actor: str) -> Place | None:
    c = COUNTRIES.get(actor)
    if c is None or not c.iso2:
        return None
    return Place(
        id=f"cc:{c.iso2}", name=c.name, kind="country", lon=c.centroid[0], lat=c.centroid[1], country_code=c.iso2
    )


def _items(sent: Sentence, mentions: Sequence[Mention]) -> list[_Item]:
    s = sent.text
    items: list[_Item] = []
    covered: list[tuple[int, int]] = []
    for mn in mentions:
        if mn.place is None or mn.start < sent.start or mn.end > sent.end:
            continue
        a, b = mn.start - sent.start, mn.end - sent.start
        covered.append((a, b))
        loc, target = _locative(s[:a])
        p = mn.place
        if p.kind == "country":
            actor = _BY_ISO2.get(p.country_code, p.name)
            if mn.associative:
                items.append(_Item(a, b, actor, p, False))
            else:
                items.append(_Item(a, b, actor if (not loc or target) else "", p, loc))
        else:
            metonym = ACTOR_ALIASES.get(mn.surface, ("", ""))
            if metonym[1] == "capital" and not loc:
                items.append(_Item(a, b, metonym[0], p, False))
            else:
                items.append(_Item(a, b, "", p, True))
    for m in _ALIAS_RE.finditer(s):
        a, b = m.span()
        if any(a < y and x < b for x, y in covered):
            continue
        surface = re.sub(r"['’]s$", "", m.group(0))
        actor, role = ACTOR_ALIASES[surface]
        loc, target = _locative(s[:a])
        if role == "country":
            place = _country_place(actor)
            is_name = surface in (
                "Russia",
                "Ukraine",
                "United States",
                "U.S.",
                "US",
                "USA",
                "America",
                "North Korea",
                "Belarus",
                "Iran",
                "China",
                "United Kingdom",
                "U.K.",
                "UK",
                "Britain",
                "France",
                "Germany",
                "Poland",
                "Israel",
                "DPRK",
                "Russian Federation",
            )
            as_place = loc and is_name and not m.group(0).endswith(("'s", "’s"))
            items.append(_Item(a, b, actor if (not as_place or target) else "", place, as_place))
        elif role == "capital":
            cap = COUNTRIES[actor].capital
            items.append(_Item(a, b, "" if loc else actor, cap, loc))
        else:
            items.append(_Item(a, b, actor, None, False))
    items = [replace(i, actor="") if _ORIGIN_RE.match(s, i.end) else i for i in items]
    items.sort(key=lambda i: i.start)
    return items


def _prune_places(places: Iterable[Place]) -> tuple[Place, ...]:
    uniq: dict[str, Place] = {}
    for p in places:
        uniq.setdefault(p.id, p)
    ps = list(uniq.values())
    sub_cc = {p.country_code for p in ps if p.kind != "country" and p.country_code}
    return tuple(p for p in ps if not (p.kind == "country" and p.country_code in sub_cc))


# --------------------------------------------------------------------------------------------
# Extraction


@dataclass
class _Draft:
    trig_start: int  # offsets within the sentence
    trig_end: int
    trigger: str
    event_type: str
    sub_type: str
    clause: tuple[int, int]
    planned: bool
    hedged: bool
    date: DateValue | None = None
    anaphoric: bool = False


def _find_triggers(s: str, clause: tuple[int, int]) -> list[_Draft]:
    ca, cb = clause
    text = s[ca:cb]
    found: list[_Draft] = []
    for trig in _TRIGGERS:
        for m in trig.pattern.finditer(text):
            a, b = ca + m.start(), ca + m.end()
            if any(a < d.trig_end and d.trig_start < b for d in found):
                continue
            before = s[ca:a]
            after = s[b:cb]
            if trig.needs == "troops" and not (
                re.search(rf"\b{_TROOPS}\b(?:\s+\w+){{0,5}}\s*$", before, re.I)
                or re.search(rf"^(?:\s+[\w.,-]+){{0,4}}?\s+{_TROOPS}\b", after, re.I)
            ):
                continue
            if trig.needs == "weapon" and not re.search(
                rf"^(?:\s+[\w.’'-]+){{0,4}}?\s+(?:{_WEAPON_AIR}|{_WEAPON_FIRE}|{_WEAPON_IED})\b", after, re.I
            ):
                continue
            last_words = " ".join(before.split()[-8:])
            planned = bool(_PLAN_RE.search(" ".join(before.split()[-3:])))
            if _NEG_RE.search(before):
                continue
            if _PURPOSE_RE.search(before) and not _FACTUAL_TO_RE.search(before) and not planned:
                continue
            if _MODAL_RE.search(last_words) and not planned:
                continue
            et, st = trig.event_type, trig.sub_type
            if et in ("Battles", "Explosions/Remote violence"):
                weapons = _WEAPON_RE.findall(text)
                if et == "Battles" and re.match(r"(?i)assault|attack", m.group(0)) and weapons:
                    et = "Explosions/Remote violence"
                if et == "Explosions/Remote violence":
                    st = _remote_sub_type(text)
            anaphoric = (
                bool(_ANAPHOR_RE.search(before))
                and et in VIOLENT_TYPES
                and m.group(0).islower()
                and not planned
                and m.group(0).lower().rstrip("s") in ("attack", "assault", "strike", "shelling", "explosion", "blast")
            )
            found.append(_Draft(a, b, m.group(0), et, st, clause, planned, False, anaphoric=anaphoric))
    found.sort(key=lambda d: d.trig_start)
    # one event per type and clause: later triggers of the same type join the first
    kept: list[_Draft] = []
    for d in found:
        if any(k.event_type == d.event_type and k.planned == d.planned for k in kept):
            continue
        kept.append(d)
    return kept


def _remote_sub_type(text: str) -> str:
    m = _WEAPON_RE.search(text)
    if not m:
        return "Shelling/artillery/missile attack"
    w = m.group(0)
    if re.fullmatch(_WEAPON_AIR, w, re.I):
        return "Air/drone strike"
    if re.fullmatch(_WEAPON_IED, w, re.I):
        return "Remote explosive/landmine/IED"
    return "Shelling/artillery/missile attack"


def _resolve_outlets(names: list[str], known: list[str]) -> list[str]:
    out: list[str] = []
    for n in names:
        if n.startswith("The ") and len(n.split()) == 2:
            full = next((k for k in known if k != n and k.endswith(" " + n.split()[1])), None)
            n = full or n
        if n not in out:
            out.append(n)
    return out


def _get_mentions(text: str) -> list[Mention]:
    try:
        from mapapp.text.geoparse.parser import geoparse
    except ImportError:
        return []
    return list(geoparse(text))


def extract_events(
    text: str,
    published: dt.date | str | None = None,
    *,
    source: str = "",
    mentions: Sequence[Mention] | None = None,
) -> list[Event]:
    """Events described in a news text.

    Parameters
    ----------
    text
        Article text; offsets in the result refer to it.
    published
        Publication date (``date`` or ``"YYYY-MM-DD"``); needed to resolve "Sunday", "last week",
        "in October". Without it those stay unresolved (date None or only explicit dates).
    source
        Where the text came from (file path or URL); copied to ``Event.source``/``sources``.
    mentions
        Toponyms from :func:`mapapp.text.geoparse.parser.geoparse`; when None the geoparser is called if it can
        be imported. Countries and capitals are also recognised from a built-in table.

    Returns
    -------
    list of Event, in text order; duplicates within the text merged.
    """
    pub = parse_iso_date(published) if not isinstance(published, dt.date) else published
    if mentions is None:
        mentions = _get_mentions(text)
    sentences = split_sentences(text)
    all_outlets = [o for sent in sentences for o in _outlets(sent.text)]
    events: list[Event] = []
    last_violent: int | None = None
    for sent in sentences:
        s = sent.text
        items = _items(sent, mentions)
        outlets = _resolve_outlets(_outlets(s), all_outlets)
        figures = _figures(s)
        hedged = bool(_HEDGE_RE.search(s))
        back = m_back.group(0) if (m_back := _BACKREF_RE.search(s)) else ""
        drafts: list[_Draft] = []
        for clause in _clauses(s):
            ds = _find_triggers(s, clause)
            ctext = s[clause[0] : clause[1]]
            dates = [
                DateMatch(d.start + clause[0], d.end + clause[0], d.value)
                for d in find_dates(ctext, pub, future=False, back_reference=back)
            ]
            for dm in dates:
                if ds:
                    nearest = min(ds, key=lambda d, dm=dm: _distance(d, dm))  # type: ignore[misc]
                    if nearest.date is None:
                        nearest.date = dm.value
                        if nearest.planned and dm.value.status != "reported":
                            again = find_dates(dm.value.text, pub, future=True)
                            nearest.date = again[0].value if again else dm.value
            drafts.extend(ds)
        real = [d for d in drafts if not (d.anaphoric and d.date is None and last_violent is not None)]
        if not real:
            if (
                last_violent is not None
                and (figures or any(d.anaphoric for d in drafts))
                and (any(lbl in ("killed", "injured") for _, lbl, _, _ in figures) or drafts)
            ):
                ev = events[last_violent]
                events[last_violent] = _attach(ev, figures, outlets, sent)
            continue
        for i, d in enumerate(real):
            seg_a = real[i - 1].trig_end if i > 0 and real[i - 1].clause == d.clause else d.clause[0]
            seg_b = real[i + 1].trig_start if i + 1 < len(real) and real[i + 1].clause == d.clause else d.clause[1]
            ev = _build(d, sent, items, seg_a, seg_b, figures, real, outlets, pub, source, hedged)
            events.append(ev)
            if ev.event_type in VIOLENT_TYPES and not ev.planned:
                last_violent = len(events) - 1
    return merge_events(events, same_article=True)


def _distance(d: _Draft, dm: DateMatch) -> int:
    return min(abs(dm.start - d.trig_end), abs(d.trig_start - dm.end))


def _attach(ev: Event, figures: list[tuple[int, str, int, str]], outlets: list[str], sent: Sentence) -> Event:
    figs = list(ev.figures)
    quals = list(ev.figure_qualifiers) or [""] * len(figs)
    for _, label, value, qual in figures:
        if label not in {f[0] for f in figs}:
            figs.append((label, value))
            quals.append(qual)
    extra = dict(ev.extra)
    extra["supporting_sentences"] = ";".join(
        x for x in (extra.get("supporting_sentences", ""), f"{sent.start}-{sent.end}") if x
    )
    return replace(
        ev,
        figures=tuple(figs),
        figure_qualifiers=tuple(quals),
        outlets=tuple(dict.fromkeys([*ev.outlets, *outlets])),
        extra=extra,
        confidence=min(0.95, ev.confidence + (0.05 if outlets else 0.0)),
    )


def _build(  # noqa: C901 (one branch per event field assembled)
    d: _Draft,
    sent: Sentence,
    items: list[_Item],
    seg_a: int,
    seg_b: int,
    figures: list[tuple[int, str, int, str]],
    drafts: list[_Draft],
    outlets: list[str],
    pub: dt.date | None,
    source: str,
    hedged: bool,
) -> Event:
    ca, cb = d.clause
    before = [i for i in items if ca <= i.start < d.trig_start and i.actor]
    agent = before[-1].actor if before else ""
    seg_items = [i for i in items if seg_a <= i.start < seg_b]
    actors: list[str] = [agent] if agent else []
    for i in seg_items:
        gap = len(sent.text[d.trig_end : i.start].split())
        if i.actor and i.actor not in actors and i.start >= d.trig_start and gap <= 6:
            actors.append(i.actor)
    if not actors:
        actors = list(dict.fromkeys(i.actor for i in items if ca <= i.start < cb and i.actor))
    text_places = [i.place for i in seg_items if i.as_place and i.place is not None]
    if not text_places:
        text_places = [i.place for i in items if ca <= i.start < cb and i.as_place and i.place is not None]
    extra: dict[str, str] = {"trigger": d.trigger, "trigger_start": str(sent.start + d.trig_start)}
    weapons = sorted({w.lower() for w in _WEAPON_RE.findall(sent.text[ca:cb])})
    if weapons:
        extra["weapons"] = ", ".join(weapons)
    places = _prune_places(p for p in text_places if p is not None)
    if d.event_type == "Policy decision" and agent in COUNTRIES and COUNTRIES[agent].capital is not None:
        if places:
            extra["scope"] = ", ".join(p.name for p in places)
        cap = COUNTRIES[agent].capital
        places = (cap,) if cap is not None else places
    # figures of this clause (nearest trigger of the sentence wins)
    figs: list[tuple[str, int]] = []
    quals: list[str] = []
    for off, label, value, qual in figures:
        near = [x for x in drafts if x.clause[0] <= off < x.clause[1]] or drafts
        owner = min(near, key=lambda x: abs(off - x.trig_start))
        if owner is d and label not in {f[0] for f in figs}:
            figs.append((label, value))
            quals.append(qual)
    date = d.date
    notes: list[str] = []
    if date is None and d.planned and pub is not None:
        date = DateValue(
            pub.isoformat(),
            pub.isoformat(),
            "day",
            "inferred",
            "",
            f"planned as of the publication date {pub}; the text gives no date for it",
        )
    if date is not None and date.note:
        notes.append(date.note)
    if d.planned:
        notes.append("planned or expected, not (yet) happened")
    if hedged:
        notes.append("the text hedges ('reportedly', 'allegedly')")
    conf = 0.45
    if date is not None:
        conf += {"reported": 0.2, "inferred": 0.15, "uncertain": 0.0}[date.status]
    if places:
        conf += 0.1
    if actors:
        conf += 0.1
    if outlets:
        conf += 0.1
    if hedged:
        conf -= 0.1
    if d.planned:
        conf -= 0.1
    key = f"{source}|{sent.start + d.trig_start}|{d.event_type}"
    return Event(
        id="ev-" + hashlib.sha1(key.encode()).hexdigest()[:12],
        event_type=d.event_type,
        sub_event_type=d.sub_type,
        date=date,
        places=places,
        actors=tuple(actors),
        sentence=sent.text,
        sentence_start=sent.start,
        sentence_end=sent.end,
        source=source,
        outlets=tuple(outlets),
        figures=tuple(figs),
        figure_qualifiers=tuple(quals),
        planned=d.planned,
        confidence=round(max(0.05, min(0.95, conf)), 2),
        notes="; ".join(notes),
        extra=extra,
        sources=(source,) if source else (),
    )


# --------------------------------------------------------------------------------------------
# Merging and filtering

_STATUS_RANK = {"reported": 0, "inferred": 1, "uncertain": 2}


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
    ids_a, ids_b = {p.id for p in a}, {p.id for p in b}
    if ids_a & ids_b:
        return True
    names_a, names_b = {p.name.lower() for p in a}, {p.name.lower() for p in b}
    if names_a & names_b:
        return True
    cc_a = {p.country_code for p in a if p.kind == "country"}
    cc_b = {p.country_code for p in b if p.kind == "country"}
    return bool(cc_a & {p.country_code for p in b}) or bool(cc_b & {p.country_code for p in a})


def _same_event(a: Event, b: Event, same_article: bool) -> bool:
    if a.event_type != b.event_type or a.planned != b.planned:
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
    return _places_compatible(a.places, b.places)


def _combine(a: Event, b: Event) -> Event:
    primary, other = (a, b) if _date_rank(a) <= _date_rank(b) else (b, a)
    figs = list(primary.figures)
    quals = list(primary.figure_qualifiers) or [""] * len(figs)
    oq = list(other.figure_qualifiers) or [""] * len(other.figures)
    for f, q in zip(other.figures, oq, strict=False):
        if f[0] not in {x[0] for x in figs}:
            figs.append(f)
            quals.append(q)
    places = primary.places
    if primary.event_type != "Policy decision" or not places:
        places = _prune_places([*primary.places, *other.places])
    extra = {**other.extra, **primary.extra}
    merged = [
        x
        for x in (
            primary.extra.get("merged_spans", ""),
            other.extra.get("merged_spans", ""),
            f"{other.sentence_start}-{other.sentence_end}",
        )
        if x
    ]
    extra["merged_spans"] = ";".join(dict.fromkeys(";".join(merged).split(";")))
    sources = tuple(dict.fromkeys([*primary.sources, *other.sources]))
    bonus = 0.1 if len(sources) > len(primary.sources) else 0.03
    return replace(
        primary,
        places=places,
        actors=tuple(dict.fromkeys([*primary.actors, *other.actors])),
        outlets=tuple(dict.fromkeys([*primary.outlets, *other.outlets])),
        figures=tuple(figs),
        figure_qualifiers=tuple(quals),
        sources=sources,
        confidence=round(min(0.95, max(primary.confidence, other.confidence) + bonus), 2),
        extra=extra,
    )


def merge_events(events: Sequence[Event], *, same_article: bool = False) -> list[Event]:
    """Keep each event once: same type, same first actor, overlapping dates, compatible places.

    Within one article (``same_article=True``) an undated mention ("Biden signed off on ...") also
    joins a dated one. Merged events list every source, outlet and figure; the better-dated
    report is kept as the primary (its sentence and date).
    """
    kept: list[Event] = []
    for e in events:
        for i, k in enumerate(kept):
            if _same_event(k, e, same_article):
                kept[i] = _combine(k, e)
                break
        else:
            kept.append(e)
    return kept


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
    lo = parse_iso_date(since)
    hi = parse_iso_date(until)
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


def event_to_dict(e: Event) -> dict[str, object]:
    """JSON-ready dict of an event (places as :meth:`Place.to_dict`)."""
    return {
        "id": e.id,
        "event_type": e.event_type,
        "sub_event_type": e.sub_event_type,
        "date": None
        if e.date is None
        else {
            "start": e.date.start,
            "end": e.date.end,
            "precision": e.date.precision,
            "status": e.date.status,
            "text": e.date.text,
            "note": e.date.note,
        },
        "places": [p.to_dict() for p in e.places],
        "actors": list(e.actors),
        "figures": [
            {"label": f[0], "value": f[1], "qualifier": e.figure_qualifiers[i] if i < len(e.figure_qualifiers) else ""}
            for i, f in enumerate(e.figures)
        ],
        "planned": e.planned,
        "confidence": e.confidence,
        "outlets": list(e.outlets),
        "sentence": e.sentence,
        "sentence_start": e.sentence_start,
        "sentence_end": e.sentence_end,
        "source": e.source,
        "sources": list(e.sources),
        "notes": e.notes,
        "extra": dict(e.extra),
    }

"""Who acts in a sentence, and which names are places: states, their capitals used as metonyms,
leaders and institutions, armed groups, and the geoparser's toponyms.

Country facts (name, capital, GeoNames point) come from the one country service,
:func:`mapapp.data.countries.countries`; this module only knows how news text names actors.

:func:`sentence_items` turns the toponyms of one sentence (and the names of :data:`ACTOR_ALIASES`)
into :class:`Item` values: an actor ("Russia" in "Russia launched ..."), a place ("in Kyiv"), or
both (a target: "attacks on Ukraine"). A country or capital after a locative preposition ("in",
"near", "inside", "the outskirts of") is a place; otherwise a country name, demonym or capital
("Moscow said") is an actor.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING

from mapapp.errors import MapAppError
from mapapp.model import Mention, Place, Sentence
from mapapp.text.events.phrases import PhraseMatcher, Tokens
from mapapp.text.sentences import words

if TYPE_CHECKING:
    from mapapp.data.countries import Country

__all__ = [
    "ACTOR_ALIASES",
    "GENERIC_ACTORS",
    "MILITARY_FORCES",
    "Item",
    "actor_of_country",
    "capital_of",
    "country_place",
    "sentence_items",
]


#: Surface form -> (actor, role). role: "country" (a name or demonym; the actor is the country's
#: name in :mod:`mapapp.data.countries`), "capital" (metonym when not used as a location),
#: "person"/"body" (leaders, ministers and institutions), "group" (armed groups, which are actors
#: and never places).
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
_alias("Ukraine", "person", "Zelenskyy", "Zelensky", "Zelenskiy", "Volodymyr Zelenskyy", "Syrskyi", "Umerov")
_alias("Ukraine", "person", "Sybiha", "Kuleba")
_alias("United States", "country", "United States", "U.S.", "US", "USA", "America", "American", "Americans")
_alias("United States", "capital", "Washington")
_alias("United States", "person", "Biden", "Joe Biden", "Trump", "Donald Trump", "Harris", "Blinken")
_alias("United States", "person", "Lloyd Austin", "Jake Sullivan", "Vance", "JD Vance", "Rubio", "Hegseth")
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
# armed groups (actors, never places); names as commonly transliterated in English-language news
_alias("Taliban", "group", "Taliban", "Pakistani Taliban", "Tehrik-i-Taliban", "TTP")
_alias("Islamic State", "group", "Islamic State", "ISIS", "ISIL", "Daesh", "IS militants", "Islamic State group")
_alias("al-Qaeda", "group", "al-Qaeda", "al-Qaida", "Al Qaeda", "al Qaeda", "Al-Qaeda", "AQAP", "AQIM")
_alias("al-Shabaab", "group", "al-Shabaab", "al-Shabab", "Al-Shabaab", "Al-Shabab", "Shabaab", "Shabab")
_alias("Boko Haram", "group", "Boko Haram", "ISWAP")
_alias("Hamas", "group", "Hamas")
_alias("Hezbollah", "group", "Hezbollah", "Hizbollah", "Hizballah")
_alias("Houthis", "group", "Houthis", "Houthi", "Ansar Allah")
_alias("PKK", "group", "PKK", "Kurdistan Workers' Party", "Kurdistan Workers Party")
_alias("YPG", "group", "YPG", "SDF", "Syrian Democratic Forces")
_alias("Wagner Group", "group", "Wagner", "Wagner Group")
_alias("FARC", "group", "FARC")
_alias("ELN", "group", "ELN", "National Liberation Army")
_alias("Rapid Support Forces", "group", "Rapid Support Forces", "RSF")
_alias("M23", "group", "M23", "March 23 Movement")
_alias("Allied Democratic Forces", "group", "Allied Democratic Forces")
_alias("Islamic State Khorasan", "group", "ISIS-K", "ISKP", "IS-K", "Islamic State Khorasan")
_alias("Palestinian Islamic Jihad", "group", "Islamic Jihad", "Palestinian Islamic Jihad")
_alias("Kataib Hezbollah", "group", "Kataib Hezbollah", "Kata'ib Hezbollah")
_alias("Arakan Army", "group", "Arakan Army")
_alias("Kachin Independence Army", "group", "Kachin Independence Army")
_alias("People's Defence Force", "group", "People's Defence Force", "People's Defense Force")
_alias("TPLF", "group", "TPLF", "Tigray People's Liberation Front")
_alias("Baloch Liberation Army", "group", "Baloch Liberation Army", "BLA")
_alias("Lashkar-e-Taiba", "group", "Lashkar-e-Taiba", "Lashkar-e-Toiba", "LeT")
_alias("Jaish-e-Mohammed", "group", "Jaish-e-Mohammed", "Jaish-e-Muhammad", "JeM")
_alias("JNIM", "group", "JNIM")
_alias("Hayat Tahrir al-Sham", "group", "Hayat Tahrir al-Sham", "HTS", "Nusra Front", "al-Nusra")
_alias("Haqqani network", "group", "Haqqani network", "Haqqani")

#: The label of a state's forces the text does not name ("troops shelled the town").
MILITARY_FORCES = "Military forces"

#: Nouns for actors the text does not name ("gunmen opened fire"): noun -> ACLED-style label.
GENERIC_ACTORS: dict[str, str] = {
    **dict.fromkeys(
        ["gunman", "gunmen", "attacker", "attackers", "assailant", "assailants", "militant", "militants",
         "insurgent", "insurgents", "rebel", "rebels", "jihadist", "jihadists", "extremist", "extremists",
         "terrorist", "terrorists", "bomber", "bombers", "suicide bomber", "guerrillas", "militia",
         "militiamen", "fighters", "shooter", "sniper"],
        "Unidentified armed group",
    ),
    **dict.fromkeys(["police", "policemen", "police officers", "security forces"], "Police forces"),
    **dict.fromkeys(["troops", "soldiers", "army", "military", "forces", "warplanes", "jets"], MILITARY_FORCES),
}  # fmt: skip

#: Country aliases that are names (usable as a location: "in Russia"), not demonyms.
_COUNTRY_NAMES = frozenset(
    {
        "Russia", "Ukraine", "United States", "U.S.", "US", "USA", "America", "North Korea", "Belarus", "Iran",
        "China", "United Kingdom", "U.K.", "UK", "Britain", "France", "Germany", "Poland", "Israel", "DPRK",
        "Russian Federation",
    }
)  # fmt: skip

_ALIAS_MATCHER = PhraseMatcher(ACTOR_ALIASES, case_sensitive=True)
_LED_RE = re.compile(r"(?<![\w-])([A-Z][\w.]*(?:\s[A-Z][\w.]*){0,2})-led\b")
_ORIGIN_RE = re.compile(r"-(?:supplied|made|provided|built|donated|designed|manufactured)\b")


@dataclass(frozen=True)
class Item:
    """A name in a sentence: offsets within the sentence, the actor it stands for ("" = none),
    the place it names (None = none), and whether it is used as a location ("in Kyiv")."""

    start: int
    end: int
    actor: str
    place: Place | None
    as_place: bool
    role: str = ""


_LOC_PREPS = frozenset(
    words("in inside into within across near at over outside throughout on against around toward towards of")
)
_LOC_ADJ = frozenset(
    words("""north south east west central northern southern eastern western northeastern northwestern southeastern
    southwestern north-eastern north-western south-eastern south-western occupied restive embattled
    besieged""")
)
_OF_HEADS = frozenset(
    words("""region regions outskirts city town village part parts north south east west centre center province
    oblast territory border borders capital district suburb suburbs heart edge""")
)


def locative(before: str) -> tuple[bool, bool]:
    """(is a location, is also a target actor) from the text right before a name: a locative
    preposition, optionally with "the" and a direction or status word ("in the occupied", "near",
    "on the outskirts of"). Word look-ups only (constant time)."""
    words = [w.strip(",;:\"'“”()").lower() for w in before[-60:].split()[-4:]]
    if not words or not before[-1:].isspace():
        return False, False
    i = len(words) - 1
    if words[i] in _LOC_ADJ or words[i].endswith(("-occupied", "-controlled", "-held")):
        i -= 1
    if i >= 0 and words[i] == "the":
        i -= 1
    if i < 0 or words[i] not in _LOC_PREPS:
        return False, False
    prep = words[i]
    if prep == "of":
        head = words[i - 1] if i >= 1 else ""
        if head not in _OF_HEADS and not (i >= 2 and words[i - 2] in _OF_HEADS):
            return False, False
    elif i >= 1 and words[i - 1] in ("inside", "outside") and prep == "of":
        prep = words[i - 1]
    return True, prep in ("on", "against")


@lru_cache(maxsize=4096)
def _country(actor: str) -> Country | None:
    try:
        from mapapp.data.countries import countries

        return countries().find(actor)
    except MapAppError:  # no data directory: names still work, places and capitals do not
        return None


def country_place(actor: str) -> Place | None:
    """The country :class:`Place` (GeoNames' country point) of a country actor, else None."""
    c = _country(actor)
    return c.place if c is not None else None


def capital_of(actor: str) -> Place | None:
    """The capital of a country actor (where its policy decisions are placed), or None."""
    c = _country(actor)
    return c.capital if c is not None else None


def actor_of_country(p: Place) -> str:
    """The actor name of a country place (``"RU"`` -> "Russia")."""
    c = _country(p.country_code) if p.country_code else None
    return c.name if c is not None else p.name


def _mention_items(s: str, sent: Sentence, mentions: Sequence[Mention]) -> list[Item]:
    out: list[Item] = []
    for mn in mentions:
        if mn.place is None or mn.start < sent.start or mn.end > sent.end:
            continue
        a, b = mn.start - sent.start, mn.end - sent.start
        loc, target = locative(s[max(0, a - 60) : a])
        p = mn.place
        if p.kind == "country" and mn.precision != "place":
            # a name the gazetteer lacks, placed at its country ("Pinelake Health and Rehab"): a
            # place in that country, never the state as an actor
            out.append(Item(a, b, "", p, True, "place"))
        elif p.kind == "country":
            actor = actor_of_country(p)
            if mn.associative:
                out.append(Item(a, b, actor, p, False, "country"))
            else:
                out.append(Item(a, b, actor if (not loc or target) else "", p, loc, "country"))
        else:
            metonym = ACTOR_ALIASES.get(mn.surface, ("", ""))
            if metonym[1] == "capital" and not loc:
                out.append(Item(a, b, metonym[0], p, False, "capital"))
            else:
                out.append(Item(a, b, "", p, True, "place"))
    return out


def sentence_items(sent: Sentence, mentions: Sequence[Mention], toks: Tokens | None = None) -> list[Item]:
    """Actors and places of one sentence (``mentions``: the toponyms inside it; ``toks``: its
    tokens when the caller has them), in text order."""
    s = sent.text
    items = _mention_items(s, sent, mentions)
    covered = sorted((i.start, i.end) for i in items)
    cov_starts = [x for x, _ in covered]
    for a, b, surface in _ALIAS_MATCHER.find_in(toks if toks is not None else Tokens(s)):
        k = bisect_right(cov_starts, b) - 1
        if k >= 0 and a < covered[k][1] and covered[k][0] < b:
            continue
        possessive = s[a:b].endswith(("'s", "’s"))
        actor, role = ACTOR_ALIASES[surface]
        loc, target = locative(s[max(0, a - 60) : a])
        if role == "country":
            place = country_place(actor)
            as_place = loc and surface in _COUNTRY_NAMES and not possessive
            items.append(Item(a, b, actor if (not as_place or target) else "", place, as_place, "country"))
        elif role == "capital":
            items.append(Item(a, b, "" if loc else actor, capital_of(actor), loc, "capital"))
        else:
            items.append(Item(a, b, actor, None, False, role))
    if "-" in s:  # "U.S.-supplied": the name is not the actor
        items = [replace(i, actor="") if _ORIGIN_RE.match(s, i.end) else i for i in items]
    if "-led" in s:  # "Hamas-led gunmen": the group leads the attackers (whole words only above)
        for m in _LED_RE.finditer(s):
            got = ACTOR_ALIASES.get(m.group(1))
            if got is not None and got[1] in ("group", "country"):
                items.append(Item(m.start(1), m.end(1), got[0], None, False, got[1]))
    items.sort(key=lambda i: i.start)
    return items

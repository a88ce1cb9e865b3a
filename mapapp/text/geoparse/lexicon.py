"""Small English word lists the geoparser uses to tell places from people and organisations.

These are general language facts (titles, street types, newspaper words), not lists of
toponyms. Census first names come from the ``names`` package (US Census 1990 name files,
public domain); word frequencies from ``wordfreq`` (Zipf scale, 0-8).
"""

from __future__ import annotations

import math
from functools import lru_cache
from importlib import resources

from mapapp.data.names import memoized

CONNECTORS = frozenset({"of", "on", "upon", "de", "del", "la", "le", "du", "and", "the", "am", "an", "da", "al", "el"})

#: Words that, capitalised right after a place name, make the whole an organisation.
ORG_SUFFIXES = frozenset(
    {
        "post",
        "times",
        "news",
        "herald",
        "tribune",
        "journal",
        "gazette",
        "chronicle",
        "observer",
        "telegraph",
        "globe",
        "review",
        "daily",
        "examiner",
        "inquirer",
        "courier",
        "dispatch",
        "independent",
        "guardian",
        "mirror",
        "express",
        "standard",
        "register",
        "sentinel",
        "bulletin",
        "press",
        "reporter",
        "today",
        "magazine",
        "radio",
        "tv",
        "television",
        "broadcasting",
        "inc",
        "corp",
        "corporation",
        "company",
        "co",
        "ltd",
        "llc",
        "plc",
        "group",
        "holdings",
        "airlines",
        "airways",
        "bank",
        "bancorp",
        "energy",
        "motors",
        "instruments",
        "partners",
        "redskins",
        "cowboys",
        "yankees",
        "mets",
        "giants",
        "jets",
        "lakers",
        "bulls",
        "braves",
        "falcons",
        "rangers",
        "united",
        "city",
        "fc",
        "capitals",
        "senators",
        "nationals",
    }
)

#: Words that, capitalised before a name, make it a street: "Rue Victor Hugo", "Calle Mayor".
STREET_PREFIXES = frozenset({"rue", "avenue", "boulevard", "calle", "avenida", "rua", "via", "ulitsa", "prospekt"})

STREET_SUFFIXES = frozenset(
    {
        "road",
        "rd",
        "street",
        "st",
        "avenue",
        "ave",
        "boulevard",
        "blvd",
        "drive",
        "dr",
        "lane",
        "ln",
        "highway",
        "hwy",
        "pike",
        "parkway",
        "pkwy",
        "court",
        "ct",
        "terrace",
        "circle",
        "place",
        "pl",
        "way",
        "trail",
        "alley",
        "square",
        "plaza",
        "mall",
        "bridge",
        "expressway",
        "freeway",
    }
)

#: Words that head or end a place name ("Jackson County", "Virginia Beach").
PLACE_HEAD_WORDS = frozenset(
    {
        "county",
        "parish",
        "city",
        "town",
        "township",
        "village",
        "borough",
        "district",
        "province",
        "region",
        "oblast",
        "state",
        "beach",
        "valley",
        "island",
        "islands",
        "lake",
        "river",
        "mountain",
        "mountains",
        "heights",
        "springs",
        "falls",
        "hills",
        "park",
        "bay",
        "harbor",
        "harbour",
        "port",
    }
)

#: Lower-case words after a place name that mark it as a region ("the Kursk region").
GENERIC_ADMIN_WORDS = frozenset({"region", "oblast", "province", "state", "governorate", "krai", "republic"})

#: Place-name modifiers that may precede a place inside one name ("North Korea", "New York").
MODIFIERS = frozenset(
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
        "upper",
        "lower",
        "greater",
        "new",
        "old",
        "saint",
        "st",
        "san",
        "santa",
        "fort",
        "ft",
        "mount",
        "mt",
        "port",
        "lake",
        "cape",
        "the",
        "in",
        "at",
        "from",
        "to",
        "near",
        "outside",
        "inside",
        "downtown",
        "rural",
        "suburban",
        "metro",
        "metropolitan",
        "occupied",
        "southeast",
        "southwest",
        "northeast",
        "northwest",
        "and",
        "or",
        "but",
        "of",
        "for",
        "by",
        "with",
    }
)

PERSON_TITLES = frozenset(
    {
        "president",
        "sen",
        "senator",
        "gov",
        "governor",
        "rep",
        "representative",
        "mr",
        "mrs",
        "ms",
        "miss",
        "dr",
        "gen",
        "general",
        "col",
        "colonel",
        "maj",
        "major",
        "capt",
        "captain",
        "lt",
        "sgt",
        "sergeant",
        "officer",
        "deputy",
        "sheriff",
        "judge",
        "justice",
        "mayor",
        "minister",
        "secretary",
        "chancellor",
        "king",
        "queen",
        "prince",
        "princess",
        "pope",
        "rev",
        "reverend",
        "father",
        "sister",
        "brother",
        "chief",
        "coach",
        "prof",
        "professor",
        "ambassador",
        "councilman",
        "councilwoman",
        "commissioner",
        "detective",
        "trooper",
        "pastor",
        "bishop",
        "cardinal",
        "lord",
        "lady",
        "sir",
        "dame",
        "premier",
        "vice",
        "speaker",
        "spokesman",
        "spokeswoman",
        "agent",
        "attorney",
        "superintendent",
        "principal",
        "dean",
        "director",
        "chairman",
        "ceo",
        "elect",
    }
)

MONTHS_AND_DAYS = frozenset(
    {
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
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
        "christmas",
        "easter",
    }
)

#: Words that end an institution's name ("American Heart Association", "Russian Orthodox Church").
INSTITUTION_WORDS = frozenset(
    {
        "association",
        "society",
        "cross",
        "legion",
        "act",
        "foundation",
        "league",
        "federation",
        "institute",
        "academy",
        "council",
        "party",
        "church",
        "airlines",
        "airways",
        "express",
        "bar",
        "club",
        "fund",
        "alliance",
        "coalition",
        "union",
        "congress",
        "committee",
        "conference",
        "corporation",
        "company",
        "inc",
        "corp",
        "bank",
        "museum",
        "orchestra",
        "ballet",
        "idol",
    }
)

#: Capitalised common nouns that GeoNames also lists as places; never a place on their own.
GENERIC_WORDS = frozenset(
    {
        "city",
        "town",
        "county",
        "state",
        "region",
        "gulf",
        "bay",
        "union",
        "section",
        "chamber",
        "center",
        "centre",
        "district",
        "province",
        "capital",
        "metro",
        "island",
        "river",
        "lake",
        "valley",
        "park",
        "village",
        "north",
        "south",
        "east",
        "west",
        "federal",
        "republic",
        "national",
        "international",
        "continental",
        "olympic",
        "commonwealth",
        "territory",
        "borough",
        "parish",
        "township",
        "harbor",
        "port",
        "airport",
        "station",
        "downtown",
        "midtown",
        "uptown",
    }
)

#: Ethnic, religious and supranational adjectives that name no single country.
NON_NATIONAL_ADJECTIVES = frozenset(
    {
        "jewish",
        "arab",
        "arabs",
        "arabic",
        "muslim",
        "muslims",
        "christian",
        "christians",
        "catholic",
        "hindu",
        "sikh",
        "buddhist",
        "latino",
        "latina",
        "hispanic",
        "ismaili",
        "sunni",
        "shiite",
        "shia",
        "kurdish",
        "kurds",
        "roma",
        "aboriginal",
        "indigenous",
        "western",
        "eastern",
        "northern",
        "southern",
        "soviet",
        "communist",
        "democrat",
        "republican",
    }
)

#: Dotted abbreviations that always name one place -> gazetteer id.
PLACE_ABBREVIATIONS: dict[str, str] = {"D.C.": "a1:US.DC", "L.A.": "gn:5368361"}

#: AP-style US state abbreviations as written in US news ("Alexandria, Va.") -> ISO 3166-2 code.
AP_STATE_ABBREVIATIONS: dict[str, str] = {
    "Ala.": "AL",
    "Ariz.": "AZ",
    "Ark.": "AR",
    "Calif.": "CA",
    "Colo.": "CO",
    "Conn.": "CT",
    "Del.": "DE",
    "Fla.": "FL",
    "Ga.": "GA",
    "Ill.": "IL",
    "Ind.": "IN",
    "Kan.": "KS",
    "Kans.": "KS",
    "Ky.": "KY",
    "La.": "LA",
    "Md.": "MD",
    "Mass.": "MA",
    "Mich.": "MI",
    "Minn.": "MN",
    "Miss.": "MS",
    "Mo.": "MO",
    "Mont.": "MT",
    "Neb.": "NE",
    "Nebr.": "NE",
    "Nev.": "NV",
    "N.H.": "NH",
    "N.J.": "NJ",
    "N.M.": "NM",
    "N.Y.": "NY",
    "N.C.": "NC",
    "N.D.": "ND",
    "Okla.": "OK",
    "Ore.": "OR",
    "Pa.": "PA",
    "R.I.": "RI",
    "S.C.": "SC",
    "S.D.": "SD",
    "Tenn.": "TN",
    "Tex.": "TX",
    "Vt.": "VT",
    "Va.": "VA",
    "Wash.": "WA",
    "W.Va.": "WV",
    "Wis.": "WI",
    "Wyo.": "WY",
}


@lru_cache(maxsize=1)
def _first_names() -> frozenset[str]:
    out: set[str] = set()
    try:
        pkg = resources.files("names")
        for fname, limit in (("dist.male.first", 600), ("dist.female.first", 900)):
            lines = (pkg / fname).read_text(encoding="ascii").splitlines()
            for line in lines[:limit]:
                if line.strip():
                    out.add(line.split()[0].lower())
    except (ModuleNotFoundError, FileNotFoundError):
        return frozenset()
    return frozenset(out)


FIRST_NAMES: frozenset[str] = _first_names()


@lru_cache(maxsize=1)
def _surnames(limit: int = 2000) -> frozenset[str]:
    """The most common US surnames (Census 1990), lower case."""
    try:
        lines = (resources.files("names") / "dist.all.last").read_text(encoding="ascii").splitlines()
    except (ModuleNotFoundError, FileNotFoundError):
        return frozenset()
    return frozenset(line.split()[0].lower() for line in lines[:limit] if line.strip())


SURNAMES: frozenset[str] = _surnames()


@lru_cache(maxsize=1)
def _english_frequencies() -> dict[str, float] | None:
    """wordfreq's English word list (word -> frequency); None when wordfreq is not installed."""
    try:
        from wordfreq import get_frequency_dict
    except ModuleNotFoundError:
        return None
    return get_frequency_dict("en", "best")  # the cache key wordfreq itself uses


def _zipf_of_listed(freq: float | None) -> float:
    """``wordfreq.zipf_frequency`` of a one-token word from its list frequency (None: unlisted).

    The same arithmetic as wordfreq 3 (``word_frequency`` rounds to 3 significant digits, with
    a floor of Zipf 0; ``zipf_frequency`` rounds to 0.01), without its tokenizer, which a plain
    lower-case ASCII word passes through unchanged.
    """
    if freq is None:
        return 0.0
    f = max(1.0 / (1.0 / freq), 1e-9)
    f = round(f, math.floor(-math.log(f, 10)) + 3)
    return round(math.log(f, 10) + 9, 2)


@memoized(65536)
def common_word_zipf(word: str) -> float:
    """Zipf frequency (0-8) of a lower-case English word; 0 when wordfreq is not installed."""
    freqs = _english_frequencies()
    if freqs is None:
        return 0.0
    if word.isascii() and word.isalpha() and word.islower():
        return _zipf_of_listed(freqs.get(word))
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, "en"))

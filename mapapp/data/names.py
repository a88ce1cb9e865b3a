"""Name normalisation and transliteration shared by the gazetteer and ``scripts/build_data.py``.

Kept apart from :mod:`mapapp.data.gazetteer` so the build script can use the very same function
that look-ups use (a key built one way and looked up another would silently miss).

Scripts: keys keep Latin, Cyrillic and Arabic letters ("Київ" -> "киів"). Cyrillic names are
romanised by general rules, not per-name lists: Ukrainian by the national system of the Cabinet
of Ministers of Ukraine (Resolution No. 55 of 27 January 2010: Київ -> Kyiv, Запоріжжя ->
Zaporizhzhia), Russian by the BGN/PCGN and Wikipedia systems (via the ``iuliia`` package:
Курск -> Kursk, Малая Локня -> Malaya Loknya). Latin spellings of Arabic names meet through
:func:`arabic_skeleton` ("Deir ez-Zor" = "Dayr az Zawr" = "Deir Ezzor").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from typing import TypeVar

_V = TypeVar("_V", str, float)


def memoized(limit: int) -> Callable[[Callable[[str], _V]], Callable[[str], _V]]:
    """Decorator: cache a function of one string in a plain dict (emptied when ``limit`` is reached).

    Unlike ``functools.lru_cache``, whose entries are linked lists, a dict of strings and numbers
    is no work for the garbage collector: caches that grow to many thousand names do not make
    every full collection slower.
    """

    def wrap(fn: Callable[[str], _V]) -> Callable[[str], _V]:
        cache: dict[str, _V] = {}

        def cached(arg: str) -> _V:
            got = cache.get(arg)
            if got is None:
                if len(cache) >= limit:
                    cache.clear()
                got = cache[arg] = fn(arg)
            return got

        cached.__doc__ = fn.__doc__
        cached.__name__ = fn.__name__
        return cached

    return wrap


# Letters that NFKD does not decompose into base + combining mark.
_FOLD = str.maketrans(
    {
        "ß": "ss",
        "ẞ": "ss",
        "ø": "o",
        "Ø": "o",
        "ł": "l",
        "Ł": "l",
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "Ð": "d",
        "þ": "th",
        "Þ": "th",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ı": "i",
        "ħ": "h",
        "Ħ": "h",
        "ŧ": "t",
        "Ŧ": "t",
        "ŋ": "ng",
        "Ŋ": "ng",
        "ƒ": "f",
    }
)
# Apostrophes and dots vanish ("L'viv" -> "lviv", "U.S." -> "us").
_DROP = re.compile(r"['’‘`´ʼʻʹʾʿ.]")
# Everything else that is not a letter or digit separates words ("Rostov-on-Don" -> "rostov on don").
_SEP = re.compile(r"[\W_]+")
# Letters of the scripts a name may be written in: Latin, Cyrillic, Arabic.
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_OTHER_SCRIPT = re.compile(
    r"[^\x00-\u024f\u02b0-\u02ff\u0300-\u036f\u0400-\u04ff\u0600-\u06ff\u0750-\u077f"
    r"\u1e00-\u1eff\u2010-\u201f\ufb50-\ufdff\ufe70-\ufeff]"
)
# Characters allowed in a Latin-script name: ASCII, Latin-1, Latin Extended A/B/Additional,
# spacing modifier letters (ʼ ʻ) and general punctuation (‐ – ’ “).
_NON_LATIN = re.compile(r"[^\x00-\u024f\u02b0-\u02ff\u1e00-\u1eff\u2010-\u201f]")
_HAS_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff]")


def fold(text: str) -> str:
    """Strip diacritics, keep case and punctuation: ``"Kraków" -> "Krakow"``."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalize(name: str) -> str:
    """The look-up key of a name.

    Case-folded, diacritics stripped, apostrophes and dots removed, every other run of
    non-alphanumerics turned into one space. So "Rostov-on-Don" and "Rostov on Don" meet,
    and so do "U.S." and "US" and "us": the key deliberately forgets case; a caller that must
    tell the country "US" from the pronoun "us" looks at the surface text it passed in.
    Cyrillic and Arabic letters are kept (folded the same way: "Київ" -> "киів").
    """
    if name.isascii():  # nothing to fold (the common case: a plain word is only lower-cased)
        if name.isalnum():
            return name.lower()
        key = name.lower()
    else:
        key = fold(name).casefold().translate(_FOLD)
    key = _DROP.sub("", key)
    return _SEP.sub(" ", key).strip()


def is_latin(name: str) -> bool:
    """True when ``name`` is written in Latin script (diacritics allowed) and has a letter."""
    return bool(_HAS_LETTER.search(name)) and not _NON_LATIN.search(name)


def script_ok(name: str) -> bool:
    """True when ``name`` has a letter and is written in Latin, Cyrillic or Arabic script only."""
    has_letter = bool(_HAS_LETTER.search(name) or _CYRILLIC.search(name) or _ARABIC.search(name))
    return has_letter and not _OTHER_SCRIPT.search(name)


def is_cyrillic(name: str) -> bool:
    """True when ``name`` contains a Cyrillic letter."""
    return bool(_CYRILLIC.search(name))


# --------------------------------------------------------------------------- Cyrillic -> Latin
# Ukrainian national romanisation (CMU Resolution 55, 2010). Letters with two values take the
# first at the start of a word and the second elsewhere.
_UK_TABLE: dict[str, str | tuple[str, str]] = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": ("ye", "ie"),
    "ж": "zh", "з": "z", "и": "y", "і": "i", "ї": ("yi", "i"), "й": ("y", "i"), "к": "k",
    "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ю": ("yu", "iu"),
    "я": ("ya", "ia"), "'": "", "’": "", "ʼ": "",
}  # fmt: skip
_UK_ONLY = frozenset("ієїґ")
_RU_ONLY = frozenset("ыэъё")


def romanize_uk(text: str) -> str:
    """Ukrainian Cyrillic -> Latin by the national system (2010): "Запоріжжя" -> "Zaporizhzhia"."""
    out: list[str] = []
    prev_letter = False
    # per character, so that offsets hold ("İ".lower() is two characters)
    low = [c if len(c := x.lower()) == 1 else x for x in text]
    for i, ch in enumerate(low):
        rep = _UK_TABLE.get(ch)
        if rep is None:
            out.append(text[i])
            prev_letter = text[i].isalpha()
            continue
        if isinstance(rep, tuple):
            rep = rep[1] if prev_letter else rep[0]
        if ch == "г" and i > 0 and low[i - 1] == "з":
            rep = "gh"  # зг -> zgh, to tell it from ж (zh)
        if text[i].isupper() and rep:
            rep = rep[0].upper() + rep[1:]
        out.append(rep)
        prev_letter = ch not in "'’ʼ" or prev_letter
    return "".join(out)


@lru_cache(maxsize=1)
def _ru_schemas() -> tuple[object, ...]:
    try:
        import iuliia
    except ModuleNotFoundError:  # the runtime works without it: Ukrainian rules only
        return ()
    return (iuliia.WIKIPEDIA, iuliia.BGN_PCGN)


def romanize_ru(text: str) -> list[str]:
    """Russian Cyrillic -> Latin by the Wikipedia and BGN/PCGN systems ("Орёл" -> "Oryol", "Orël")."""
    out: list[str] = []
    for schema in _ru_schemas():
        latin = str(schema.translate(text))  # type: ignore[attr-defined]
        latin = latin.replace("ё", "yo").replace("Ё", "Yo")
        if latin not in out:
            out.append(latin)
    return out


def romanizations(name: str, country_code: str = "") -> list[str]:
    """Standard Latin spellings of a Cyrillic name ([] for other scripts).

    A name with letters only Ukrainian has (і ї є ґ) gets the Ukrainian national system, one with
    letters only Russian has (ы э ъ ё) the Russian systems; others get the system of the place's
    country (UA: Ukrainian, and Russian too, as Russian-language sources write UA places).
    """
    if not is_cyrillic(name):
        return []
    letters = set(name.lower())
    out: list[str] = []
    uk = bool(letters & _UK_ONLY) or (country_code == "UA" and not letters & _RU_ONLY)
    ru = not (letters & _UK_ONLY)
    if uk:
        out.append(romanize_uk(name))
    if ru:
        out.extend(r for r in romanize_ru(name) if r not in out)
    return out


# --------------------------------------------------------------------------- Arabic in Latin letters
#: Countries where Arabic is an official language (ISO 3166-1 alpha-2): their places' Latin names
#: get skeleton keys, and a text naming one of them is searched for Latin spellings of Arabic names.
ARABIC_COUNTRIES = frozenset(
    {"AE", "BH", "DJ", "DZ", "EG", "EH", "IQ", "JO", "KM", "KW", "LB", "LY", "MA", "MR", "OM", "PS", "QA",
     "SA", "SD", "SO", "SY", "TD", "TN", "YE"}
)  # fmt: skip

#: The Arabic article as romanised before a word, with its assimilated forms ("ar-Raqqa", "ez-Zor").
ARABIC_ARTICLES = frozenset(
    {"al", "el", "il", "ul", "ar", "er", "as", "es", "ad", "ed", "az", "ez", "an", "en", "at", "et",
     "ash", "esh", "ath", "adh", "ag", "aj", "ak", "ax"}
)  # fmt: skip
_VOWELS = re.compile(r"[aeiouyw]")
_DOUBLE = re.compile(r"(.)\1+")


def arabic_skeleton(key: str) -> str:
    """A spelling-independent key for a romanised Arabic name (input: a :func:`normalize` key).

    The article and its assimilated forms are dropped ("al", "ar", "ez" ...), also when glued to
    the next word ("ezzor" -> "zor"), a final -h after a vowel goes ("Raqqah"), vowels and the
    semivowels y/w go, doubled letters become one: "deir ez zor", "dayr az zawr" and "deir
    ezzor" all give "dr zr"; an initial vowel is kept as "a" ("Iraq" -> "arq", not Raqqa's "rq").
    Returns "" when nothing is left. Lossy on purpose: look-ups by this
    key are weak evidence that the article's context must confirm.
    """
    words = key.split()
    out: list[str] = []
    for i, w in enumerate(words):
        if w in ARABIC_ARTICLES and i + 1 < len(words):
            continue
        if not w.isascii() or not w.isalpha():
            return ""
        if len(w) > 3 and w[0] in "ae" and w[1] == w[2] and w[1] not in "aeiouyw":
            w = w[2:]  # assimilated article glued on: "ezzor" -> "zor", "arraqqa" -> "raqqa"
        if len(w) > 2 and w.endswith("h") and w[-2] in "aeiou":
            w = w[:-1]
        w = _DOUBLE.sub(r"\1", w)
        lead = "a" if w[0] in "aeiou" else ""  # an initial vowel counts, whichever: "Eissa" = "Issa"
        out.append(lead + _VOWELS.sub("", w if not lead else w.lstrip("aeiouyw")))
    return " ".join(x for x in out if x)
    return " ".join(x for x in out if x)

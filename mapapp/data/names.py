"""Name normalisation shared by the gazetteer and ``scripts/build_data.py``.

Kept apart from :mod:`mapapp.data.gazetteer` so the build script can use the very same function
that look-ups use (a key built one way and looked up another would silently miss).
"""

from __future__ import annotations

import re
import unicodedata

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
_SEP = re.compile(r"[^0-9a-z]+")
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
    """
    key = fold(name).casefold().translate(_FOLD)
    key = _DROP.sub("", key)
    return _SEP.sub(" ", key).strip()


def is_latin(name: str) -> bool:
    """True when ``name`` is written in Latin script (diacritics allowed) and has a letter."""
    return bool(_HAS_LETTER.search(name)) and not _NON_LATIN.search(name)

"""Weapons named in a report: the catalogue systems (linked by key to :mod:`mapapp.data.weapons`,
so an event can show "this weapon's range from here") and the weapon classes that decide ACLED's
sub-event type (air/drone, artillery/missile, explosive device, grenade, firearm).

Catalogue names and aliases ("ATACMS", "Storm Shadow", "HIMARS", "Shahed", "Geran-2", "Kh-101",
"Iskander") and the spelled-out names of :data:`LONG_NAMES` ("Army Tactical Missile System") are
matched whole-word, case-insensitively for names of four letters or more and
exactly for shorter ones; hyphens and spaces are interchangeable.
"""

from __future__ import annotations

import re
from functools import lru_cache

from mapapp.text.events.phrases import PhraseMatcher, Tokens

__all__ = ["CLASS_WORDS", "LONG_NAMES", "catalogue_links", "weapon_classes", "weapon_words"]

#: Weapon class -> words that name it (lower case).
CLASS_WORDS: dict[str, tuple[str, ...]] = {
    "air": (
        "drone", "drones", "uav", "uavs", "airstrike", "airstrikes", "air strike", "air strikes", "air raid",
        "air raids", "warplane", "warplanes", "jets", "fighter jets", "aircraft", "helicopter", "helicopters",
        "gunship", "gunships", "aerial", "shahed", "shaheds", "geran", "bombers",
    ),
    "artillery": (
        "missile", "missiles", "rocket", "rockets", "artillery", "shell", "shells", "shelling", "shelled",
        "mortar", "mortars", "howitzer", "howitzers", "barrage", "mlrs", "grad", "ballistic", "cruise",
        "atacms", "himars", "iskander", "iskanders", "kalibr", "storm shadow", "tomahawk", "kinzhal", "kh-101",
        "munitions", "cluster munitions", "bombardment", "rocket-propelled",
    ),
    "ied": (
        "ied", "ieds", "roadside bomb", "roadside bombs", "car bomb", "car bombs", "truck bomb", "explosive device",
        "explosive devices", "improvised explosive device", "landmine", "landmines", "mine", "mines",
        "booby trap", "booby-trap", "booby-trapped", "booby traps", "bomb", "bombs", "explosives", "explosive",
        "detonated", "detonation", "parcel bomb", "pipe bomb", "sticky bomb", "magnetic bomb",
    ),
    "suicide": (
        "suicide bomber", "suicide bombers", "suicide bombing", "suicide bombings", "suicide attack",
        "suicide attacks", "suicide vest", "explosive vest", "blew himself up", "blew herself up",
        "blew themselves up", "suicide car bomb", "self-detonated",
    ),
    "grenade": ("grenade", "grenades", "hand grenade", "rpg", "rpgs"),
    "firearm": (
        "gun", "guns", "gunfire", "gunmen", "gunman", "rifle", "rifles", "pistol", "pistols", "handgun",
        "firearm", "firearms", "shot", "shooting", "opened fire", "shotgun", "ak-47", "kalashnikov", "sniper",
        "bullets", "gunshot", "gunshots",
    ),
    "blade": ("knife", "knives", "machete", "machetes", "stabbed", "stabbing", "axe", "hacked"),
}  # fmt: skip

_WORD_CLASS = {w: c for c, ws in CLASS_WORDS.items() for w in ws}
_CLASS_MATCHER = PhraseMatcher(_WORD_CLASS)
#: Words reported in ``Event.extra["weapons"]`` (the named weapon types, lower case).
_NAMED = frozenset(
    {"drones", "drone", "missiles", "missile", "rockets", "rocket", "artillery", "shells", "mortars", "mortar",
     "bombs", "bomb", "ied", "ieds", "landmines", "mines", "grenades", "grenade", "atacms", "himars", "iskander",
     "storm shadow", "shahed", "kh-101", "car bomb", "roadside bomb", "explosive device", "explosives", "rifles",
     "guns", "gun", "warplanes", "aircraft", "helicopters", "uavs", "uav", "tomahawk", "kalibr", "kinzhal"}
)  # fmt: skip


def weapon_classes(text: str, toks: Tokens | None = None) -> list[tuple[int, str, str]]:
    """(offset, class, word) for every weapon-class word of ``text``, in text order."""
    out: list[tuple[int, str, str]] = []
    for a, _b, phrase in _CLASS_MATCHER.find_in(toks if toks is not None else Tokens(text)):
        w = phrase.lower()
        cls = _WORD_CLASS.get(w, "")
        if cls:
            out.append((a, cls, re.sub(r"[\s-]+", " ", w)))
    return out


def weapon_words(classes: list[tuple[int, str, str]]) -> list[str]:
    """The weapon types named among ``classes`` (:func:`weapon_classes`), sorted, each once."""
    return sorted({w for _o, _c, w in classes if w in _NAMED})


#: How news spells out systems the catalogue knows by their acronym -> a catalogue key or alias.
LONG_NAMES: dict[str, str] = {
    "army tactical missile system": "atacms",
    "army tactical missile systems": "atacms",
    "high mobility artillery rocket system": "himars",
    "high mobility artillery rocket systems": "himars",
    "guided multiple launch rocket system": "gmlrs",
    "guided multiple launch rocket systems": "gmlrs",
}


@lru_cache(maxsize=4)
def _catalogue_matcher(_stamp: int) -> tuple[PhraseMatcher | None, dict[str, str]]:
    from mapapp.data.weapons import load_catalogue
    from mapapp.errors import MapAppError

    try:
        cat = load_catalogue()
    except MapAppError:
        return None, {}
    names: dict[str, str] = {}
    for w in cat:
        for form in (w.name, w.key, *[a for a, k in cat.aliases.items() if k == w.key]):
            f = re.sub(r"[\s_-]+", " ", form.strip()).lower()
            if len(f) >= 3:
                for variant in (f, f + "s", f + "es"):
                    names.setdefault(variant, w.key)
    for long, alias in LONG_NAMES.items():
        key = cat.resolve_key(alias)
        if key is not None:
            names.setdefault(long, key)
    if not names:
        return None, {}
    return PhraseMatcher(names), names


def catalogue_links(text: str, toks: Tokens | None = None) -> list[tuple[int, str]]:
    """(offset, catalogue key) of the systems ``text`` names ("ATACMS" -> "atacms-m57"), in text
    order, each key once.

    Short names (four letters or fewer) must be written in capitals ("IS" is not a weapon).
    Catalogue rows come from :func:`mapapp.data.weapons.load_catalogue` (built-in plus the user's
    files).
    """
    matcher, names = _catalogue_matcher(0)
    if matcher is None:
        return []
    out: list[tuple[int, str]] = []
    seen: set[str] = set()
    for a, b, phrase in matcher.find_in(toks if toks is not None else Tokens(text)):
        surf = text[a:b]
        key = names.get(phrase)
        if key is None:
            continue
        if len(phrase) <= 4 and not surf.isupper() and not surf[:-1].isupper():
            continue
        if key not in seen:
            seen.add(key)
            out.append((a, key))
    return out

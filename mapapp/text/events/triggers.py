"""The event-trigger lexicon: words that can report an event, what kind of event, and how sure.

A trigger is one word or a fixed phrase ("opened fire", "blew himself up"). Each maps to a
:class:`Trigger` with

* ``family``: what the word reports (``"explosion"``, ``"shooting"``, ``"attack"``, ...);
* ``strength``: 3 (violent in any context: "suicide bombing", "shelled", "massacred"), 2 (violent
  unless the sentence is about an accident, a disease or a film: "killed", "explosion",
  "wounded"), 1 (ambiguous, violent only with a violent argument in its clause: "attack",
  "strike", "battle", "fired", "blast", "seized");
* ``noun``: the word names the event ("the attack") rather than predicating it.

The context rules that read the sentence around a trigger are in :mod:`.detect`; the ACLED types
given to each family are in :mod:`.kinds`. Matching is one pass of one phrase matcher
(:data:`TRIGGER_MATCHER`, :mod:`.phrases`) over a sentence, longest form first, case-insensitive.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mapapp.text.events.phrases import PhraseMatcher

__all__ = ["TRIGGERS", "TRIGGER_MATCHER", "VIOLENT_FAMILIES", "Trigger", "lookup"]


@dataclass(frozen=True)
class Trigger:
    """What a trigger word reports (see the module docstring)."""

    family: str
    strength: int
    noun: bool = False


#: Families that report violence (ACLED Battles, Explosions/Remote violence, Violence against
#: civilians).
VIOLENT_FAMILIES = frozenset(
    {
        "explosion", "suicide", "airstrike", "shelling", "shooting", "attack", "strike", "killing", "casualty",
        "clash", "abduction", "sexual", "damage", "territory", "regain", "weapon_use", "stabbing",
    }
)  # fmt: skip

TRIGGERS: dict[str, Trigger] = {}


def _verb(stem: str) -> list[str]:
    """Regular inflections of a verb: ``attack`` -> attack, attacks, attacked, attacking."""
    return [stem, stem + "s", stem + "ed", stem + "ing"]


def _add(family: str, strength: int, forms: list[str], *, noun: bool = False) -> None:
    for f in forms:
        TRIGGERS.setdefault(f.lower(), Trigger(family, strength, noun))


# fmt: off
# --- explosions ------------------------------------------------------------------------------
_add("suicide", 3, ["suicide bombing", "suicide bombings", "suicide attack", "suicide attacks", "suicide blast",
                    "suicide car bomb", "suicide car bombing", "suicide truck bomb"], noun=True)
_add("suicide", 1, ["suicide bomber", "suicide bombers", "suicide attacker", "suicide attackers"])
_add("suicide", 3, ["blew himself up", "blew herself up",
                    "blew themselves up", "detonated his explosive vest", "detonated her explosive vest",
                    "detonated his suicide vest", "detonated a suicide vest", "self-detonated"])
_add("explosion", 3, ["bombing", "bombings", "car bomb", "car bombs", "car bombing", "roadside bomb",
                      "roadside bombs", "roadside bombing", "truck bomb", "bomb attack", "bomb attacks",
                      "bomb blast", "bomb blasts", "IED attack", "IED explosion", "bomb explosion"], noun=True)
_add("explosion", 3, ["detonated", "detonating", "detonation", "detonations", "detonate", "detonates", "blew up",
                      "blown up",
                      "blowing up", "booby-trapped", "booby trapped"])
_add("explosion", 2, ["explosion", "explosions", "exploded", "explodes", "exploding", "explode"], noun=True)
_add("explosion", 1, ["blast", "blasts", "blasted"], noun=True)
_add("explosion", 1, ["bombed", "bomb", "bombs", "went off"])
# --- remote violence from the air / at range --------------------------------------------------
_add("airstrike", 3, ["airstrike", "airstrikes", "air strike", "air strikes", "air-strike", "air-strikes",
                      "air raid", "air raids", "drone strike", "drone strikes", "drone attack", "drone attacks",
                      "aerial bombardment", "aerial bombing", "air attack", "air attacks", "missile strike",
                      "missile strikes"], noun=True)
_add("shelling", 3, ["shelling", "shelled", "shellings", "bombardment", "bombardments", "bombarded",
                     "bombarding", "artillery fire", "artillery attack", "artillery strike", "mortar attack",
                     "mortar attacks", "mortar fire", "rocket attack", "rocket attacks", "rocket fire",
                     "missile attack", "missile attacks", "barrage", "barrages"], noun=True)
# --- shooting, stabbing, killing ----------------------------------------------------------------
_add("shooting", 3, ["opened fire", "open fire", "opens fire", "opening fire", "shot dead", "shot and killed",
                     "gunned down", "shot to death", "gunfire", "gun attack", "gun attacks", "mass shooting",
                     "firefight", "firefights", "gunfight", "gunfights", "gun fight", "gun battle", "gun battles",
                     "gunbattle", "shootout", "shoot-out", "shootouts", "sniper fire", "fatally shot",
                     "shooting rampage"])
_add("shooting", 1, ["shooting", "shootings", "shot", "shoot", "shoots", "gunshot", "gunshots", "fired on",
                     "fired at", "firing on", "firing at", "fires on", "fired upon"])
_add("stabbing", 3, ["stabbed", "stabbing", "stabbings", "stabbed to death", "hacked to death"])
_add("killing", 3, ["massacre", "massacres", "massacred", "murdered", "murdering", "assassinated",
                    "assassination", "assassinations", "beheaded", "beheading", "beheadings", "slaughtered",
                    "lynched", "lynching", "slain", "burned alive", "burnt alive", "summarily executed",
                    "extrajudicial killing", "extrajudicial killings", "homicide", "homicides", "slaying",
                    "slayings", "beaten to death", "beat to death", "stoned to death", "bludgeoned to death",
                    "strangled to death", "clubbed to death"])
_add("killing", 2, ["killed", "kills", "killing", "killings", "kill", "murder", "murders", "executed",
                    "execution", "executions", "tortured", "torture", "slaughter"])
# --- casualties and damage (Life.Die, Life.Injure, damage) ------------------------------------
_add("casualty", 2, ["wounded", "wounding", "injured", "injuring", "injuries", "casualties", "fatalities",
                     "death toll", "dead", "died", "dies", "die", "dying", "deaths", "death", "wounds",
                     "maimed", "maiming"])
_add("casualty", 1, ["bodies", "victims", "victim", "survivors", "corpses", "hurt", "lost their lives",
                     "lost his life", "lost her life", "perished"])
_add("damage", 1, ["destroyed", "destroying", "destroys", "destruction", "damaged", "damaging", "damage",
                   "razed", "demolished", "flattened", "torched", "set ablaze", "set on fire", "burned down",
                   "burnt down", "gutted", "ravaged", "wrecked"])
# --- attacks and fighting ---------------------------------------------------------------------
_add("attack", 1, [*_verb("attack"), *_verb("assault"), "assaults", *_verb("raid"),
                   "ambush", "ambushed", "ambushes", "ambushing", "targeted",
                   "hit", "hits", "hitting", "targeting", "targetting", "stormed", "storming", "rampage", "onslaught",
                   "offensive", "counteroffensive", "counter-offensive", "incursion", "incursions", "sieged",
                   "besieged", "siege", "overran", "overrun", "rammed", "ramming", "terror attack",
                   "terrorist attack", "terrorist attacks", "terror attacks", "insurgent attack"], noun=False)
# a "strike" by a state is remote violence (air, drone, missile) unless the clause says otherwise
_add("strike", 1, ["strike", "strikes", "struck", "striking"])
_add("clash", 1, ["clash", "clashes", "clashed", "clashing", "fighting", "fought", "fight", "fights",
                  "battle", "battles", "battled", "battling", "skirmish", "skirmishes", "combat",
                  "exchanged fire", "exchange of fire", "repelled", "repel", "repelling", "repulsed",
                  "advance", "advanced", "advancing", "counterattack", "counter-attack", "counterattacked"])
_add("territory", 1, ["seized", "seize", "seizes", "seizing", "captured", "capture", "captures", "capturing",
                      "took control", "taken control", "take control", "overtook", "fell to"])
_add("regain", 1, ["recaptured", "recapture", "recapturing", "retook", "retake", "retaken", "retaking",
                   "regained", "regain", "regaining", "reclaimed", "reclaim", "reclaims", "reclaiming",
                   "liberated", "liberate", "liberating", "liberation"])
_add("abduction", 3, ["kidnapped", "kidnapping", "kidnappings", "kidnap", "abducted", "abduction",
                      "abductions", "abducting", "taken hostage", "took hostage", "held hostage", "hostages",
                      "hostage", "hostage-taking"])
_add("sexual", 3, ["raped", "rape", "rapes", "sexual assault", "sexually assaulted", "sexual violence"])
_add("weapon_use", 1, ["used", "uses", "using", "fired", "fires", "firing", "launched", "launches",
                       "launching", "launch", "dropped", "dropping"])
# --- non-violent events ------------------------------------------------------------------------
_add("policy", 1, ["authorize", "authorizes", "authorized", "authorizing", "authorise", "authorises", "authorised",
                   "authorising", "approve", "approves", "approved", "approving", "signed off", "signs off",
                   "sign off", "green-lit", "greenlit", "green-lighted",
                   "greenlighted", "green-lights", "allows", "allowed", "permits", "permitted", "gave permission",
                   "lifted the ban", "lifts the ban", "lifted restrictions", "lifts restrictions",
                   "lifted the restrictions"])
_add("sanctions", 1, ["imposed sanctions", "imposed new sanctions", "announced sanctions",
                      "announced new sanctions", "introduced sanctions", "introduced new sanctions", "sanctioned"])
_add("deployment", 1, ["arrive", "arrives", "arrived", "arriving", "deploy", "deploys", "deployed", "deploying",
                       "sent", "sending", "send", "dispatch", "dispatches", "dispatched", "dispatching",
                       "stationed", "stationing", "massed", "massing", "transferred"])
_add("agreement", 1, ["agreed to", "agreed on", "signed a deal", "signed the deal", "signed an agreement",
                      "signed the agreement", "signed a treaty", "signed the treaty", "signed a ceasefire",
                      "ceasefire", "cease-fire", "truce", "prisoner exchange", "prisoner swap", "swapped prisoners"])
_add("base", 1, ["established a base", "set up a base", "opened a base", "established a military base",
                 "set up headquarters", "established headquarters", "opened an outpost", "set up an outpost"])
_add("withdrawal", 1, ["withdrew from", "withdrawn from", "withdraw from", "pulled out of", "retreated from",
                       "handed over"])
_add("intercept", 1, ["shot down", "intercepted", "intercepts", "intercepting", "downed"])
_add("protest", 1, ["protest", "protests", "protested", "protesters", "protestors", "demonstration",
                    "demonstrations", "demonstrators", "rally", "rallies", "rallied", "marched"])
# fmt: on


#: One matcher of every trigger form (longest first), whole words, case-insensitive.
TRIGGER_MATCHER = PhraseMatcher(TRIGGERS)
_SPACE_RE = re.compile(r"[\s-]+")
_HYPHENATED = {_SPACE_RE.sub(" ", f): f for f in TRIGGERS}


def _lookup(surface: str) -> Trigger:
    key = _SPACE_RE.sub(" ", surface.lower())
    return TRIGGERS[_HYPHENATED.get(key, key)]


_BY_FORM = {f: _lookup(f) for f in TRIGGERS}  # the phrases the matcher reports, looked up once


def lookup(surface: str) -> Trigger:
    """The :class:`Trigger` of a matched surface or phrase (case, hyphens and spacing normalised)."""
    found = _BY_FORM.get(surface)
    return found if found is not None else _lookup(surface)

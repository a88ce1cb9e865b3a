"""Reading a sentence: which triggers report an event, and whether it happened.

For each sentence, :func:`detect` finds the triggers of :mod:`.triggers` and keeps those that the
sentence supports:

* a trigger written with a capital inside a sentence that is not a headline is part of a name
  ("Battle Ground Academy", "Strike Force") and is skipped;
* fixed expressions that are not violence are skipped wherever they occur ("heart attack",
  "attack ads", "struck a deal", "war of words", "uphill battle", "shot up the charts", "bombed
  at the box office", "captured the imagination");
* an ambiguous trigger (strength 1) needs a violent argument in its clause: a weapon, an armed
  actor, a casualty, or (for attacks on places) a state or armed group acting on a place; and no
  other domain (sports, markets, elections, films and games, weather, illness, animals,
  accidents, labour disputes, cyber attacks, criticism) may be spoken of without a weapon or an
  armed actor;
* a medium trigger (strength 2: "killed", "explosion", "wounded") is kept unless the sentence
  is about an accident, an illness, the weather, an animal, a film or a sport and names no weapon
  or armed actor; deaths without any violent word ("died") need a violent neighbour (see
  :attr:`Hit.needs_context`);
* strong triggers (3: "suicide bombing", "shelled", "massacre") need nothing more.

Each kept trigger gets a ``status`` from the words before it in its clause: "negated" ("did not
attack", "no one was killed"), "hypothetical" ("could strike", "if Russia reclaims", "to attack"
as a purpose), "threatened" ("threatened to attack", "vowed more attacks"), "planned"
("is planning a large-scale attack", "Russia's planned assault") or "occurred".

Linear: one regex pass for triggers, one for cues, one for clauses; every other look is a
bounded window around a trigger.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from mapapp.text.events.cues import CueIndex, scan
from mapapp.text.events.triggers import TRIGGER_RE, VIOLENT_FAMILIES, Trigger, lookup

__all__ = ["Hit", "clauses", "detect", "is_headline"]

# --------------------------------------------------------------------------------------------
# Clauses

_PARTICIPLE = (
    r"(?:using|targeting|targetting|killing|injuring|wounding|leaving|hitting|damaging|striking|destroying|"
    r"forcing|firing|launching|sending)"
)
_CLAUSE_RE = re.compile(
    r"[ \t]*[;—–][ \t]*|[ \t]+--[ \t]+|,(?![ \t]*" + _PARTICIPLE + r"\b)[ \t]*"
    r"|[ \t]+(?=(?:but|while|whereas|although|after|before|as|because|since|when|which|who|where)[ \t])"
)


def clauses(s: str) -> list[tuple[int, int]]:
    """Clause spans of a sentence: cut at ``;``, dashes, commas (not before a participle that
    continues the clause: ", killing 12") and before subordinating words ("after", "when")."""
    spans: list[tuple[int, int]] = []
    a = 0
    for m in _CLAUSE_RE.finditer(s):
        if m.start() > a:
            spans.append((a, m.start()))
        a = m.end()
    if a < len(s):
        spans.append((a, len(s)))
    return spans or [(0, len(s))]


# --------------------------------------------------------------------------------------------
# Fixed expressions that are not violence (checked in bounded windows around the trigger)

_BEFORE_IDIOM = re.compile(
    r"(?:\b(?:heart|panic|anxiety|asthma|allergic|shark|dog|bee|bear|wasp|hornet|animal|cyber|verbal|personal|"
    r"political|rhetorical|legal|media|price|trade|culture|bidding|tariff|hunger|general|labou?r|teachers['’]?|"
    r"workers['’]?|rail|transit|lightning|charm|PR|ad|sales|pre-?emptive legal|uphill|losing|court|custody|"
    r"legislative|budget|turf-?free|food|pillow|snowball|water|paintball|laser|nerf|dance|rap|word|"
    r"ratings|marketing|lucky|big|long|mug|photo|cheap|parting|flu|booster|vaccine|moon|space)\s+)$",
    re.I,
)
_AFTER_IDIOM = re.compile(
    r"^(?:\s+(?:ads?|dogs?|helicopters?\s+pilots?|rifles?|weapons?\s+ban|surface|of\s+words|of\s+wits|"
    r"of\s+the\s+bands|royale|over\s+(?:the\s+)?(?:budget|bill|rules|policy|pay|wages|funding)|"
    r"(?:a|the)\s+(?:deal|chord|nerve|balance|pose|note|bargain|compromise|agreement|match|tone)|"
    r"deals?|chords?|nerves?|gold|oil|out\b|up\s+(?:the\s+)?(?:charts|rankings|polls)|to\s+(?:fame|stardom|"
    r"the\s+top|number|no\.)|at\s+the\s+box\s+office|at\s+(?:the\s+)?polls|the\s+(?:imagination|attention|"
    r"hearts?|mood|moment|title|crown|essence|spirit|heat|market|votes?|nomination|trophy|cup|championship)|"
    r"(?:his|her|their|its|our|your)\s+(?:imagination|attention|hearts?|first|second|third|title|crown|seat)|"
    r"on\s+(?:camera|video|film|tape)|in\s+(?:a|the)\s+(?:photo|photograph|picture|image)|"
    r"against\s+(?:cancer|disease|obesity|poverty|corruption|inflation|climate|addiction|drugs|hunger|"
    r"illiteracy|racism|the\s+virus|covid)|"
    r"with\s+(?:cancer|depression|addiction|illness|obesity|alcoholism|the\s+disease)|"
    r"for\s+(?:the\s+)?(?:title|championship|crown|votes?|seats?|nomination|presidency|control\s+of\s+(?:the\s+)?"
    r"(?:house|senate|congress|parliament|company|board)|survival|custody|supremacy|the\s+soul)|"
    r"(?:tickets?|notice|warning|payment|booking|copies|screening|orders?|voting|polls?))\b)",
    re.I,
)
_IDIOM_PHRASES = re.compile(
    r"\b(?:war\s+of\s+words|battle\s+of\s+wits|uphill\s+battle|under\s+fire\s+(?:from|over|for)|"
    r"in\s+advance|advances?\s+in|advance\s+(?:tickets?|notice|warning|payment|screening)|"
    r"(?:is|was|were|been|be|get|got)\s+fired\b(?!\s+(?:on|at|upon))|fired\s+up|shot\s+(?:up|to)\s+|"
    r"(?:long|big|parting|cheap|mug|photo|booster|flu|moon)\s+shots?|shots?\s+on\s+goal|"
    r"strike\s+(?:zone|out|price)|struck\s+out|striking\s+(?:\w+\s+)?(?:resemblance|contrast|anecdote|image|"
    r"example|feature|similarit\w+|difference|view|design|photo\w*|beauty|colou?rs?)|"
    r"hit\s+(?:record|a\s+record|an?\s+(?:all-time\s+)?(?:high|low)|(?:the\s+)?(?:shelves|stores|theaters|"
    r"theatres|headlines|road|ground|jackpot|snag|home\s+run|target|spot|mark|milestone))|"
    r"kill(?:ed|s|ing)?\s+(?:the\s+)?(?:bill|deal|proposal|plan|measure|time|idea|project|story|engine|lights)|"
    r"dead\s+(?:heat|end|last|ringer|serious|wrong|set)|deadline|died\s+down|"
    r"fight(?:s|ing)?\s+(?:back\s+)?(?:tears|the\s+urge|fires?|wildfires?|blazes?|flames)|"
    r"(?:fire|flames?|blaze|storm|flood\w*|tornado|hurricane|winds?|quake|earthquake)\s+(?:destroyed|damaged|"
    r"razed|gutted|ravaged|flattened|hit|struck|killed|injured)|"
    r"(?:destroyed|damaged|razed|gutted|ravaged|hit|struck|killed|injured)\s+(?:\w+\s+){0,3}?by\s+"
    r"(?:a\s+|the\s+)?(?:fire|flames?|blaze|storm|flood\w*|tornado|hurricane|winds?|quake|earthquake|"
    r"lightning|car|truck|vehicle|train|bus|driver|motorist))\b",
    re.I,
)

# --------------------------------------------------------------------------------------------
# Status windows (text of the clause right before the trigger, at most ~80 characters)

_NEG_RE = re.compile(
    r"\b(?:not|never|no|n['’]t|without|nor|neither|none)\b(?:\s+\S+){0,2}?\s*$"
    r"|\bno\s+(?:immediate\s+)?(?:reports?|word|sign|indication|evidence|claims?)\s+of\s+(?:any\s+)?$"
    r"|\bden(?:y|ies|ied)\s+$|\b(?:foiled|thwarted|averted|prevented|stopped)\s+(?:\w+\s+){0,3}$",
    re.I,
)
_MODAL_RE = re.compile(
    r"\b(?:could|would|might|may|can|cannot|should|must|shall)\b(?!\s+(?:have|not\s+have|also\s+have|"
    r"have\s+been)\b)(?:\s+\S+){0,5}\s*$|\b(?:if|unless|whether|lest)\b(?:\s+\S+){0,8}\s*$",
    re.I,
)
_THREAT_RE = re.compile(
    r"\b(?:threat(?:en(?:s|ed|ing)?)?|vow(?:s|ed|ing)?|warn(?:s|ed|ing)?|pledg(?:e|es|ed|ing)|"
    r"promis(?:e|es|ed|ing)|ultimatum)\b(?:\s+\S+){0,4}\s*$",
    re.I,
)
_PLAN_RE = re.compile(
    r"\b(?:planning|plans?|planned|plotting|plots?|plotted|preparing|prepares|prepared\s+for|intends?|"
    r"intending|aims?\s+to|expected|expects|set\s+to|poised|gearing\s+up\s+for|readying|looming|imminent|"
    r"impending|upcoming|anticipated|will|going\s+to|next|future)\b(?:\s+\S+){0,3}\s*$",
    re.I,
)
_PURPOSE_RE = re.compile(
    r"(?:\bhelp(?:s|ed|ing)?\s+(?:\S+\s+)?|\bhopes?\s+of\s+|\baim\s+of\s+|\bability\s+to\s+|\bcapable\s+of\s+|"
    r"\brisk\s+of\s+|\bfears?\s+of\s+|\bpossible\s+|\bpotential\s+|\bprevent(?:s|ed|ing)?\s+(?:\S+\s+)?|"
    r"\bavoid(?:s|ed|ing)?\s+(?:\S+\s+)?|\bfrom\s+)$",
    re.I,
)
_TO_RE = re.compile(r"\bto\s+(?:\S+\s+)?$", re.I)
_FACTUAL_TO_RE = re.compile(
    r"\b(?:began|begun|begin|begins|started|start|starts|continued|continues|continue|managed|compelled|"
    r"forced|decided|moved|voted|went\s+on|proceeded|used|resumed|returned)\s+to\s+(?:\S+\s+)?$",
    re.I,
)
_PROHIBIT_RE = re.compile(
    r"\b(?:prohibited|banned|barred|forbidden|refrained|restrained|stopped|kept|prevented)\s+from\s+(?:\S+\s+)?$",
    re.I,
)
_TERRITORY_RE = re.compile(
    r"\b(?:territor(?:y|ies)|towns?|villages?|cit(?:y|ies)|control|areas?|positions|settlements?|land|region|"
    r"oblast|province|district|stronghold|base|airport|outskirts)\b",
    re.I,
)
_SENT_START_RE = re.compile(r"^[\s\"'“‘(\[]*$")
_WORD_RE = re.compile(r"[A-Za-z][\w'’-]*")


def is_headline(s: str) -> bool:
    """A Title Case line ("Biden Allows Ukraine to Strike Russia"): at least three quarters of
    its words longer than three letters are capitalised (and at least three of them)."""
    words = [w for w in _WORD_RE.findall(s[:400]) if len(w) > 3]
    caps = sum(1 for w in words if w[0].isupper())
    return caps >= 3 and caps >= 0.75 * len(words)


@dataclass
class Hit:
    """A trigger kept in a sentence: ``sentence[start:end]``, its lexicon entry, clause and status.

    ``needs_context``: a death or injury with no violent word in its sentence ("he died in
    hospital"); it reports violence only as part of an incident the article already reports.
    """

    start: int
    end: int
    surface: str
    trigger: Trigger
    clause: tuple[int, int]
    status: str
    evidence: frozenset[str]
    needs_context: bool = False

    @property
    def family(self) -> str:
        return self.trigger.family

    @property
    def violent(self) -> bool:
        return self.trigger.family in VIOLENT_FAMILIES


def _clause_of(spans: list[tuple[int, int]], starts: list[int], pos: int) -> tuple[int, int]:
    i = max(0, bisect_right(starts, pos) - 1)
    return spans[i]


def _status(before: str, surface: str) -> str:
    """"occurred", "planned", "threatened", "hypothetical" or "negated" from the clause text
    right before the trigger (``before``: at most ~80 characters)."""
    words = before.split()

    def last(n: int) -> str:
        return " ".join(words[-n:]) + " " if words else ""

    if _NEG_RE.search(last(4)) or _PROHIBIT_RE.search(last(4)):
        return "negated"
    if _THREAT_RE.search(last(6)):
        return "threatened"
    if _PLAN_RE.search(last(4)):
        return "planned"
    if _MODAL_RE.search(last(9)):
        return "hypothetical"
    low = surface.lower()
    if _PURPOSE_RE.search(last(3)) and not low.endswith(("ed", "s")):
        return "hypothetical"
    base_form = not low.endswith(("ed", "ing", "s", "ion", "ings"))  # "to attack", not "to the attacks"
    if base_form and _TO_RE.search(last(2)) and not _FACTUAL_TO_RE.search(last(4)):
        return "hypothetical"
    return "occurred"


def _evidence(cx: CueIndex, a: int, b: int) -> frozenset[str]:
    return frozenset(c for c in ("weapon", "armed", "police", "victim", "target") if cx.count(c, a, b))


def _violence_supported(  # noqa: C901 (one rule per trigger strength and family)
    trig: Trigger,
    surface: str,
    ev_clause: frozenset[str],
    ev_sent: frozenset[str],
    domains: frozenset[str],
    casualty_in_clause: bool,
    actor_on_place: bool,
    territory_word: bool = False,
    actor_before: bool = False,
) -> tuple[bool, bool]:
    """(kept, needs_context) for a violent-family trigger."""
    hard = bool(ev_sent & {"weapon", "armed"})
    if trig.strength >= 3:
        return not (domains & {"film", "judicial"}) or hard, False
    if trig.strength == 2:
        blocked = domains & {"accident", "health", "weather", "animal", "film", "sport", "judicial", "market"}
        if blocked and not hard:
            return False, False
        if trig.family == "casualty":
            violent_word = bool(ev_sent & {"weapon", "armed"}) or casualty_in_clause
            return True, not violent_word
        return True, False
    # strength 1: an argument in the clause, and no other domain unless a weapon/armed actor is named
    fam = trig.family
    if domains and not (ev_clause & {"weapon", "armed"}):
        return False, False
    if fam in ("territory", "regain") and territory_word and actor_before:
        return True, False
    if fam in ("clash", "territory", "regain"):
        low = surface.lower()
        if low.startswith(("advanc", "offensive", "combat", "fight", "fought")):
            return bool(ev_clause & {"armed"}) or actor_on_place, False
        return bool(ev_clause & {"armed", "weapon"}) or casualty_in_clause or actor_on_place, False
    if fam == "casualty":
        return True, not (hard or casualty_in_clause)
    if fam == "damage":
        return bool(ev_clause & {"weapon", "armed"}), not bool(ev_clause & {"weapon", "armed"})
    if fam == "explosion":
        return bool(ev_clause & {"weapon", "armed", "victim", "target"}) or casualty_in_clause, False
    if fam == "shooting":
        return bool(ev_clause & {"weapon", "armed", "police", "victim"}) or casualty_in_clause, False
    if fam == "weapon_use":
        return bool(ev_clause & {"weapon"}), False
    # attack family
    return bool(ev_clause & {"weapon", "armed"}) or casualty_in_clause or actor_on_place, False


def detect(  # noqa: C901 (the per-trigger decision list documented in the module docstring)
    s: str, *, actor_spans: list[tuple[int, int, bool]] | None = None, headline: bool | None = None
) -> list[Hit]:
    """The triggers of sentence ``s`` that report an event (see the module docstring).

    Parameters
    ----------
    s
        One sentence.
    actor_spans
        ``(start, end, is_place)`` of the states/armed groups (False) and places (True) named in
        ``s``; an ambiguous attack is kept when a state acts on a place ("Russia attacked Kyiv").
    headline
        Whether ``s`` is a Title Case headline (detected when None).

    Returns
    -------
    list of Hit in text order (all statuses; callers drop the ones they do not report).
    """
    spans = clauses(s)
    starts = [a for a, _ in spans]
    cx = CueIndex(scan(s))
    domains = cx.domains()
    ev_sent = _evidence(cx, 0, len(s))
    if headline is None:
        headline = is_headline(s)
    actor_spans = actor_spans or []
    found = list(TRIGGER_RE.finditer(s))
    casualty_pos = [m.start() for m in found if lookup(m.group(0)).family in ("casualty", "killing")]
    hits: list[Hit] = []
    for m in found:
        a, b = m.span()
        surface = m.group(0)
        trig = lookup(surface)
        first = surface.split()[0]
        if first[0].isupper() and not first.isupper() and not headline:
            if not (a <= 4 and _SENT_START_RE.match(s[:a])):
                continue  # part of a name: "Battle Ground Academy", "Strike Force"
        if _idiom(s, a, b):
            continue
        ca, cb = _clause_of(spans, starts, a)
        needs_context = False
        ev_clause = _evidence(cx, ca, cb)
        if trig.family in VIOLENT_FAMILIES:
            casualty_in_clause = any(ca <= p < cb and p != a for p in casualty_pos)
            actor_on_place = _actor_on_place(actor_spans, ca, cb, a)
            actor_before = any(ca <= x < a and not is_place for x, _y, is_place in actor_spans)
            territory = bool(_TERRITORY_RE.search(s, ca, cb))
            kept, needs_context = _violence_supported(
                trig, surface, ev_clause, ev_sent, domains, casualty_in_clause, actor_on_place, territory, actor_before
            )
            if not kept:
                continue
        status = _status(s[max(ca, a - 80) : a], surface)
        hits.append(Hit(a, b, surface, trig, (ca, cb), status, ev_clause, needs_context))
    return hits


def _idiom(s: str, a: int, b: int) -> bool:
    """Is the trigger ``s[a:b]`` part of a fixed expression that is not violence?"""
    if _BEFORE_IDIOM.search(s[max(0, a - 40) : a]) or _AFTER_IDIOM.match(s[b : b + 60]):
        return True
    lo = max(0, a - 30)
    for m in _IDIOM_PHRASES.finditer(s[lo : min(len(s), b + 40)]):
        if m.start() + lo <= a and m.end() + lo >= b:
            return True
    return False


def _actor_on_place(actor_spans: list[tuple[int, int, bool]], ca: int, cb: int, trig_start: int) -> bool:
    """A state or armed group before the trigger and a place after it, in one clause."""
    agent = any(ca <= a < trig_start and not is_place for a, _b, is_place in actor_spans)
    patient = any(trig_start < a < cb for a, _b, _is_place in actor_spans)
    return agent and patient

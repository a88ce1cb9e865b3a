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

Linear: one pass of a phrase matcher for triggers, one for cues, one regex pass for clauses;
every other look is a bounded window around a trigger or a binary search.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from mapapp.text.events.cues import CueIndex, scan
from mapapp.text.events.phrases import Tokens
from mapapp.text.events.triggers import TRIGGER_MATCHER, VIOLENT_FAMILIES, Trigger, lookup
from mapapp.text.sentences import fold_case, folded_twin, presence_pattern, words

__all__ = ["ANAPHOR_DETERMINER_RE", "Hit", "clauses", "detect", "is_headline"]

# --------------------------------------------------------------------------------------------
# Clauses

_PARTICIPLE = (
    r"(?:using|targeting|targetting|killing|injuring|wounding|leaving|hitting|damaging|striking|destroying|"
    r"forcing|firing|launching|sending)"
)
# possessive quantifiers (Python 3.11+) and a look-behind: a run of blanks is read once, never
# re-tried from each of its characters; the first look-ahead skips every other character at once
_CLAUSE_RE = re.compile(
    # (not the comma of "April 15, 2013")
    r"(?=[ \t;—–,])(?:"
    r"(?<![ \t])[ \t]*+[;—–][ \t]*+|(?<![ \t])[ \t]++--[ \t]++|,(?![ \t]{0,8}" + _PARTICIPLE + r"\b)"
    r"(?![ \t]?\d{4}\b)[ \t]*+"
    r"|(?<![ \t])[ \t]++(?=(?:but|while|whereas|although|after|before|as|because|since|when|which|who|where)[ \t]))"
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

#: A word right before a trigger that makes it something else ("heart attack", "price war").
_BEFORE_IDIOM = frozenset(
    words(
        """heart panic anxiety asthma allergic shark dog bee bear wasp hornet animal cyber verbal personal political
        rhetorical legal media price trade culture bidding tariff hunger general labor labour teachers teachers'
        teachers’ workers workers' workers’ rail transit lightning charm pr ad sales uphill losing court custody
        legislative budget food pillow snowball water paintball laser nerf dance rap word ratings marketing lucky
        big long mug photo cheap parting flu booster vaccine moon space pre-emptive preemptive"""
    )
)
_AFTER_IDIOM = re.compile(
    r"^(?:\s+(?:ads?|dogs?|helicopters?\s+pilots?|rifles?|weapons?\s+ban|surface|of\s+words|of\s+wits|"
    r"(?:pistachios|peanuts|nuts|walnuts|almonds|pecans|eggs|shrimps?|prawns|crabs?|lobsters?|oysters|peas|beans)|"
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
    r"(?:quick|easy|the|a)\s+kill\b|kill\s+switch|road\s?kill|"
    r"execut(?:ed|es|ing|e)\s+(?:a\s+|the\s+|an?\s+|two\s+|several\s+|\w+\s+)?(?:search\s+)?warrants?|"
    r"execut(?:ed|es|ing|e)\s+(?:a|the|an|its|his|her|their)\s+(?:\w+\s+)?(?:plan|order|contract|strategy|trade|"
    r"move|play|program|programme|deal|transaction|task|mission)|"
    r"(?:single|double|buck|bird|mug|screen|snap|booster|flu)[\s-]?shots?|shots?\s+(?:glass|clock)|"
    r"blast(?:s|ed|ing)?\s+off|blast\s+(?:from|of)\s+the\s+past|"
    r"bomb\s+(?:squad|threat|threats|scare|scares|disposal|shelter|shelters|cyclone|technicians?|dogs?|"
    r"detection|sniffing)|bombshells?|photo-?bomb\w*|f-bomb|bath\s+bombs?|"
    r"(?:population|data|information|price|housing|growth)\s+explosion|"
    r"explosions?\s+of\s+(?:\w+\s+)?(?:life|growth|interest|popularity|colou?rs?|activity|demand|data|"
    r"information|creativity|talent|joy|sound|flavou?rs?|energy|emotion|laughter|applause|cases|sales)|"
    r"(?:deportation|immigration|extradition|media|PR|public\s+relations|ratings|budget|boardroom|bidding|"
    r"takeover|patent|copyright|divorce|zoning|permit)\s+(?:battles?|fights?|wars?)|"
    r"(?:looked|sounded|felt|seemed|was|were|is)\s+like\s+(?:an?\s+|the\s+)?(?:\w+\s+)?"
    r"(?:explosion|bomb|blast|attack|war|massacre|shooting)|"
    r"dead\s+(?:heat|end|last|ringer|serious|wrong|set)|deadline|died\s+down|"
    r"fight(?:s|ing)?\s+(?:back\s+)?(?:tears|the\s+urge|fires?|wildfires?|blazes?|flames)|"
    r"(?:fire|flames?|blaze|inferno|storm|flood\w*|tornado|hurricane|winds?|quake|earthquake)\s+(?:that\s+|which\s+)?"
    r"(?:destroyed|damaged|"
    r"razed|gutted|ravaged|flattened|hit|struck|killed|injured)|"
    r"(?:destroyed|damaged|razed|gutted|ravaged|hit|struck|killed|injured)\s+(?:\w+\s+){0,3}?by\s+"
    r"(?:a\s+|the\s+)?(?:fire|flames?|blaze|storm|flood\w*|tornado|hurricane|winds?|quake|earthquake|"
    r"lightning|car|truck|vehicle|train|bus|driver|motorist))\b",
    re.I,
)

# --------------------------------------------------------------------------------------------
# Status windows (text of the clause right before the trigger, at most ~80 characters)

# Words before a trigger that change its status, with how many words back they reach.
_NEG_WORDS = frozenset(words("not never no without nor neither none cannot"))
_FOIL_WORDS = frozenset(words("foiled thwarted averted prevented stopped"))
_THREAT_WORDS = frozenset(
    words(
        "threat threats threaten threatens threatened threatening vow vows vowed vowing warn warns warned warning "
        "pledge pledges pledged pledging promise promises promised promising ultimatum"
    )
)
_PLAN_WORDS = frozenset(
    words(
        "planning plans plan planned plotting plot plots plotted preparing prepares intends intend intending aims "
        "expected expects expect poised readying looming imminent impending upcoming anticipated anticipate "
        "anticipates will"
    )
)
_MODAL_WORDS = frozenset(
    words(
        "could would might may can should must shall if unless whether lest future possible potential prospect "
        "possibility risk fears fear danger hypothetical suggest suggests suggested suggesting joked joking joke "
        "imagine imagined proposed scenario"
    )
)
_REACH = {"negated": 3, "foiled": 5, "threatened": 6, "planned": 4, "hypothetical": 9}
_HAVE = frozenset({"have", "'ve", "’ve"})
_MONTH_BEFORE = frozenset(words("in on of since until till by from through last early late mid this next the"))
_STRIP = "\"'“”‘’()[],.;:!?"
_PURPOSE_RE = re.compile(
    r"(?:\bhelp(?:s|ed|ing)?\s+(?:\S+\s+)?|\bhopes?\s+of\s+|\baim\s+of\s+|\bability\s+to\s+|\bcapable\s+of\s+|"
    r"\brisk\s+of\s+|\bfears?\s+of\s+|\bpossible\s+|\bpotential\s+|\bprevent(?:s|ed|ing)?\s+(?:\S+\s+)?|"
    r"\bavoid(?:s|ed|ing)?\s+(?:\S+\s+)?|\bfrom\s+)$",
    re.I,
)
_TO_VERB_RE = re.compile(
    r"\bto\s+(?:launch|carry\s+out|conduct|stage|mount|commit|perpetrate|plan|prevent|stop|avoid|start|wage|"
    r"unleash|order|resume|step\s+up|escalate)\s+(?:\S+\s+)?$",
    re.I,
)
_TO_RE = re.compile(r"\bto\s+(?:\S+\s+)?$", re.I)
#: Verbs that say a shooting or an explosion happened, right after the noun.
_ERUPTED_RE = re.compile(r"\s+(?:broke\s+out|erupted|rang\s+out|went\s+off|rocked|shook)\b", re.I)
_PERFECT_TO_RE = re.compile(
    r"\b(?:claim(?:s|ed)?|said|says|reported(?:ly)?|believed|thought|alleged(?:ly)?|appears?|appeared|seems?|"
    r"seemed|known|understood|confirmed|estimated)\s+to\s+have\s+(?:been\s+)?$",
    re.I,
)
_FACTUAL_TO_RE = re.compile(
    r"\b(?:began|begun|begin|begins|started|start|starts|continued|continues|continue|managed|compelled|"
    r"forced|decided|moved|voted|went\s+on|proceeded|used|resumed|returned)\s+to\s+(?:\S+\s+)?$",
    re.I,
)
_PROHIBIT_RE = re.compile(
    r"\b(?:prohibited|banned|barred|forbidden|refrained|restrained|stopped|kept|prevented)\s+from\s+(?:\S+\s+)?$",
    re.I,
)
_HABITUAL_RE = re.compile(
    r"\b(?:commonplace|common|frequent(?:ly)?|regular(?:ly)?|often|routine(?:ly)?|usually|typically|rarely|"
    r"increasingly|every\s+(?:day|week|month|year)|each\s+(?:day|week|month|year)|sees|has\s+seen|have\s+seen|"
    r"spate\s+of|wave\s+of|history\s+of|campaign\s+of|such\s+as|numerous|ubiquitous|endemic|rife|daily|"
    r"overall|levels?\s+of|number\s+of|rates?\s+of|statistics|nationwide\s+have)\b",
    re.I,
)
_RATE_RE = re.compile(
    r"\b(?:a|per|each|every)\s+(?:year|month|week|day)\b|\bannually\b|\b(?:almost|nearly)\s+daily\b|"
    r"\bcommonplace\b|\broutinely\b|\bmany\s+of\s+(?:our|the|their|these|those)\b",
    re.I,
)
_ISSUE_RE = re.compile(
    r"\b(?:issues?|problem|awareness|prevention|victims|survivors|fight|campaign|war|stand)\s+(?:of|against|on|"
    r"about)\s+(?:domestic\s+|sexual\s+|gun\s+)?$|\boppose[sd]?\s+$",
    re.I,
)
_ISSUE_HINT = frozenset(words("issue issues problem awareness prevention victims survivors fight campaign war stand"))
_ISSUE_HINT = _ISSUE_HINT | {"oppose", "opposes", "opposed"}
_ISSUE_AFTER_RE = re.compile(
    r"^\s+(?:[\w-]+\s+)?(?:awareness|prevention|education|survivors|hotlines?|services|counseling|counselling|programs?|"
    r"programmes?|centers?|centres?|advocates?|crisis|month|week|day|training|laws?|policy|policies|statistics)\b",
    re.I,
)
_DIGIT_RE = re.compile(r"\d")
#: A determiner that points back to an incident already told, right before its noun ("the
#: blast", "these murderous attacks"; not "the latest attack", "another strike").
ANAPHOR_DETERMINER_RE = re.compile(
    r"\b(?:the|this|that|these|those)\s+(?:(?!(?:\w+est|first|second|third|latest|new|next|another|other|last)\s)"
    r"[\w-]+\s+)?$",
    re.I,
)
_AGGREGATE_RE = re.compile(
    r"\b(?:by\s+the\s+end\s+of|to\s+date|so\s+far\s+(?:this|in)\s+\w+|"
    r"since\s+(?:(?:January|February|March|April|May|June|July|August|September|October|November|December)\s+)?"
    r"(?:\d{4}\b|the\s+(?:start|beginning|outbreak)\s+of)|over\s+the\s+(?:past|last)\s+(?:\w+\s+)?"
    r"(?:years|decades)|throughout\s+the\s+(?:war|conflict|year|decade|insurgency))",
    re.I,
)
# a whole war as the subject of the toll ("The war has killed tens of thousands"), or a war
# going on for years ("has been fighting the army since April 2023")
_WAR_SUBJECT_RE = re.compile(
    r"\b(?:war|conflict|insurgency|uprising|fighting|violence|crisis|troubles|campaign|offensive|operations?|"
    r"bombardment|siege|occupation)(?:\s+(?:in|on|against|between|with|"
    r"over)(?:\s+[\w’'-]+){1,3}?)?\s+(?:has|have|had)\s+(?:already\s+|so\s+far\s+|since\s+)?$|\b(?:has|have|had)\s+(?:been|since)\s+$",
    re.I,
)
_COND_RE = re.compile(r"\b(?:if|whether|unless)\b(?:\s+\S+){0,10}\s*$", re.I)
_DETERMINED_RE = re.compile(
    r"\b(?:the|this|that|these|those|a|an|its|their|his|her|\d[\d,]*|one|two|three)\s+(?:\S+\s+)?$", re.I
)
_JUDICIAL_RE = re.compile(
    r"\b(?:convicted|conviction|charges?|charged|sentenced?|trial|court|penalty|prison|jury|verdict|death\s+row|"
    r"lethal\s+injection|hanged|firing\s+squad)\b",
    re.I,
)
_EVENT_NOUNS = frozenset(
    words("""attack attacks assault assaults strike strikes shelling explosion explosions blast blasts bombing bombings
    raid raids ambush shooting shootings violence massacre massacres killing killings bombardment assassination
    assassinations murder murders homicide homicides kidnapping kidnappings abduction abductions airstrike
    airstrikes incident incidents rampage clash clashes fighting battle battles rape rapes stabbing stabbings
    shootout gunfight firefight offensive counteroffensive torture slaying slayings""")
)
_REFERENCE_BEFORE_RE = re.compile(
    r"(?:\b(?:the|this|that|these|those|such)\s+(?:(?![\w-]+est\b|first\b|second\b|third\b|latest\b|new\b|"
    r"fresh\b|another\b|last\b|recent\b)(?:(?![\w’'-]+ed\b)[\w’'-]+|failed|attempted|alleged|suspected|reported|"
    r"coordinated|botched|renewed|sustained|concerted|unprovoked|armed|twin|deadly|so-called)\s+){0,3}|['’]s\s+(?:[\w’'-]+\s+)?|"
    r"\b(?:charged\s+with|accused\s+of|convicted\s+of|suspicion\s+of|charges?\s+(?:of|for)|crimes?\s+of|"
    r"investigation\s+(?:into|for|of)|probe\s+into|responsibility\s+for|in\s+connection\s+with|related\s+to|"
    r"linked\s+to|involved\s+in|behind|condemned|called|blamed\s+for|for\s+an?)\s+(?:an?\s+)?(?:[\w’'-]+\s+){0,3})$",
    re.I,
)
_SUPPORT_VERB_RE = re.compile(
    r"\b(?:launch(?:ed|es|ing)?|carried\s+out|carry\s+out|conduct(?:ed|s|ing)?|staged|mounted|committed|"
    r"perpetrated|unleashed|began|started|suffered|survived|witnessed|came\s+under|repelled|repulsed|"
    r"thwarted|foiled)\s+(?:\S+\s+){0,4}$",
    re.I,
)
_LEGAL_AFTER_RE = re.compile(
    r"^\s+(?:charges?|case|cases|trials?|suspects?|convictions?|counts?|investigations?|sentences?|defendants?|"
    r"arrests?|allegations?|accusations?|prosecutions?|inquiry|probe|indictment|warrant|victims?)\b",
    re.I,
)
_LEGAL_BEFORE_RE = re.compile(
    r"\b(?:accused\s+of|accusing\s+\w+(?:\s+\w+){0,3}\s+of|convicted\s+of|charged\s+(?:with|in|over|for)|"
    r"charges?\s+(?:of|that|for)|counts?\s+of|story\s+of|claims?\s+of|allegations?\s+of|reports?\s+of|statutory|"
    r"guilty\s+(?:of|to)|pleaded\s+(?:not\s+)?guilty\s+to|indicted\s+(?:for|on)|suspected\s+of|suspicion\s+of|"
    r"sentenced\s+(?:\w+\s+){0,4}?for|arrested\s+(?:for|in|on)|trial\s+(?:for|in|over)|"
    r"(?:was|were|is|are)\s+(?:to\s+)?(?:be\s+)?(?:tried|prosecuted)\s+for|falsely)\s+(?:[\w-]+,?\s+){0,6}?$",
    re.I,
)
# a legal frame whose list of crimes runs over commas up to the noun ("charged with crimes of
# treason, terrorism and homicide"): no verb of its own between them
_LEGAL_LIST_RE = re.compile(
    r"\b(?:charged\s+with|charges?\s+of|convicted\s+of|accused\s+of|guilty\s+of|crimes?\s+of|"
    r"on\s+trial\s+(?:for|on))\s+(?:[\w’'-]+,?\s+){0,14}?(?:and\s+|or\s+)?$",
    re.I,
)
_ADJ_BEFORE_RE = re.compile(r"(?:\b(?:a|an|the|his|her|their|its|our|my|two|three|four)|,)\s+$", re.I)
_NOUN_AFTER_RE = re.compile(
    r"^\s+(?!(?:by|in|at|on|with|during|when|after|before|last|yesterday|and|or|while|near|outside|"
    r"inside|as|for|from|to|since|earlier|later|this|that|on)\b)[A-Za-z][\w'-]*",
    re.I,
)
_HAPPENED_AFTER_RE = re.compile(
    r"^\s+(?:\w+\s+){0,2}?(?:took\s+place|occurred|happened|began|begin|started|continued|unfolded|came|"
    r"was\s+carried\s+out|hit|struck|killed|wounded|injured|destroyed|damaged|left|tore|ripped|shattered|"
    r"targeted|rocked|went\s+off|blew|caused|claimed|razed|flattened|set\s+off)\b",
    re.I,
)
_CRIME_FAMILIES = frozenset(
    {"explosion", "suicide", "airstrike", "shelling", "shooting", "attack", "strike", "killing", "clash", "abduction",
     "sexual", "stabbing"}
)  # fmt: skip
_CASUALTY_NOUNS = frozenset(
    words("death deaths victims victim bodies survivors injuries casualties fatalities wounds corpses death toll")
)
_WEAPON_AFTER_RE = re.compile(
    r"^(?:\s+[\w.’'-]+){0,4}?\s+(?:drones?|UAVs?|missiles?|rockets?|artillery|shells|mortars?|ATACMS|HIMARS|"
    r"Shaheds?|Iskanders?|Storm\s+Shadows?|munitions|bombs?|grenades?|explosives?|IEDs?|tear\s+gas|"
    r"rounds|bullets|cluster\s+bombs?|barrel\s+bombs?|airstrikes?|weapons?|guns?|rifles?)\b",
    re.I,
)
_TERRITORY_RE = re.compile(
    r"\b(?:territor(?:y|ies)|towns?|villages?|cit(?:y|ies)|control|areas?|positions|settlements?|land|region|"
    r"oblast|province|district|stronghold|base|airport|outskirts)\b",
    re.I,
)
_SENT_START_RE = re.compile(r"^[\s\"'“‘(\[]*$")
# case-sensitive twins run on the folded sentence (fold_case): same spans, 2-3x faster
_IDIOM_PHRASES_F, _AFTER_IDIOM_F, _HABITUAL_F, _RATE_F, _WEAPON_AFTER_F = (
    folded_twin(rx) for rx in (_IDIOM_PHRASES, _AFTER_IDIOM, _HABITUAL_RE, _RATE_RE, _WEAPON_AFTER_RE)
)
# an idiom phrase at its leftmost start among the next 31 characters (a lazy prefix): a match from
# ``pos`` tries only those starts, where a search would go on trying every start up to its end
_IDIOM_NEAR_F = re.compile(r"(?s:.){0,30}?(" + _IDIOM_PHRASES_F.pattern + ")", _IDIOM_PHRASES_F.flags)
# the words every _HABITUAL_RE match starts with (a cheap first test on the folded clause)
_HABITUAL_HINT = presence_pattern(
    words(
        "common frequent regular often routine usually typically rarely increasingly every each sees has have spate "
        "wave history campaign such numerous ubiquitous endemic rife daily overall level number rate statistics "
        "nationwide"
    )
)
# _TERRITORY_RE's words as a whole-word trie (a presence test on the folded sentence)
_TERRITORY_F = presence_pattern(
    words(
        "territory territories town towns village villages city cities control area areas positions settlement "
        "settlements land region oblast province district stronghold base airport outskirts"
    ),
    whole_words=True,
)
_WORD_RE = re.compile(r"[A-Za-z][\w'’-]*")


def is_headline(s: str) -> bool:
    """A Title Case line ("Biden Allows Ukraine to Strike Russia"): at least three quarters of
    its words longer than three letters are capitalised (and at least three of them)."""
    all_words = _WORD_RE.findall(s[:400])
    if len(all_words) > 18:
        return False  # a sentence full of names, not a headline
    words = [w for w in all_words if len(w) > 3]
    caps = sum(1 for w in words if w[0].isupper())
    return caps >= 3 and caps >= 0.75 * len(words)


@dataclass
class Hit:
    """A trigger kept in a sentence: ``sentence[start:end]``, its lexicon entry, clause and status.

    ``needs_context``: a death or injury with no violent word in its sentence ("he died in
    hospital"); it reports violence only as part of an incident the article already reports.
    ``reference``: a noun that names an incident without reporting anything about it ("opened a
    probe into the explosion", "charged with murder", "responsibility for the attack").
    """

    start: int
    end: int
    surface: str
    trigger: Trigger
    clause: tuple[int, int]
    status: str
    evidence: frozenset[str]
    needs_context: bool = False
    reference: bool = False

    @property
    def family(self) -> str:
        return self.trigger.family

    @property
    def violent(self) -> bool:
        return self.trigger.family in VIOLENT_FAMILIES


def _clause_of(spans: list[tuple[int, int]], starts: list[int], pos: int) -> tuple[int, int]:
    i = max(0, bisect_right(starts, pos) - 1)
    return spans[i]


_STATUS_WORDS = _NEG_WORDS | _FOIL_WORDS | _THREAT_WORDS | _PLAN_WORDS | _MODAL_WORDS | {"set"}


def _word_status(words: list[str]) -> str:
    """The status cue nearest the trigger among ``words`` (the clause's words before it)."""
    low = [x.lower().strip(_STRIP) for x in words[-9:]]  # each word once (the loop reads most twice)
    if _STATUS_WORDS.isdisjoint(low) and "n't" not in (joined := " ".join(low)) and "n’t" not in joined:
        return ""  # no status word at all (most triggers): the loop would find nothing
    n = len(low)
    for dist in range(1, n + 1):
        w = low[n - dist]
        nxt = low[n - dist + 1] if dist > 1 else ""
        if (w in _NEG_WORDS or w.endswith(("n't", "n’t"))) and dist <= _REACH["negated"]:
            return "negated"
        if w in _FOIL_WORDS and dist <= _REACH["foiled"]:
            return "negated"
        if w in _THREAT_WORDS and dist <= _REACH["threatened"]:
            return "threatened"
        if (w in _PLAN_WORDS or (w == "set" and nxt == "to")) and dist <= _REACH["planned"]:
            return "planned"
        if w in _MODAL_WORDS and nxt not in _HAVE and dist <= _REACH["hypothetical"] and not _is_month(words, n - dist):
            return "hypothetical"
    return ""


def _is_month(words: list[str], i: int) -> bool:
    """Is ``words[i]`` the month May ("the May 22 bombing", "in May"), not the modal "may"?"""
    if words[i].strip(_STRIP) != "May":
        return False
    nxt = words[i + 1].strip(_STRIP) if i + 1 < len(words) else ""
    prev = words[i - 1].lower().strip(_STRIP) if i > 0 else ""
    return nxt[:1].isdigit() or prev in _MONTH_BEFORE or prev[:1].isdigit()


def _status(before: str, surface: str) -> str:
    """ "occurred", "planned", "threatened", "hypothetical" or "negated" from the clause text
    right before the trigger (``before``: at most ~80 characters)."""
    words = before.split()

    def last(n: int) -> str:
        return " ".join(words[-n:]) + " " if words else ""

    last4 = last(4)
    low4 = last4.lower()  # for literal first tests ("from", "have", "to": IGNORECASE only adds their upper case)
    if "from" in low4 and _PROHIBIT_RE.search(last4):
        return "negated"
    if words and words[-1].lower() in ("denied", "denies", "deny", "denying") and surface.lower().endswith("ing"):
        return "negated"  # "denied shelling the village"
    found = _word_status(words)
    if found:
        return found
    low = surface.lower()
    if not low.endswith(("ed", "s")) and _PURPOSE_RE.search(last(3)):
        return "hypothetical"
    if "have" in low4 and _PERFECT_TO_RE.search(last4):
        return "occurred"  # "claimed to have hit", "said to have been shot": reported as past
    if "to" not in low4:
        return "occurred"  # the two tests below need "to" in the last two words
    base_form = not low.endswith(("ed", "ing", "s", "ion", "ings"))  # "to attack", not "to the attacks"
    if base_form and _TO_RE.search(last(2)) and not _FACTUAL_TO_RE.search(last4):
        return "hypothetical"
    if _TO_VERB_RE.search(last(2)) and not _FACTUAL_TO_RE.search(last4):
        return "hypothetical"  # "to launch attacks", "to carry out bombings"
    return "occurred"


_EVIDENCE = frozenset(("weapon", "armed", "police", "victim", "target"))


def _evidence(cx: CueIndex, a: int, b: int) -> frozenset[str]:
    return cx.categories(a, b) & _EVIDENCE


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
    judicial: bool = False,
    weapon_after: bool = False,
    weapon_near: bool = False,
    casualty_verb: bool = False,
) -> tuple[bool, bool]:
    """(kept, needs_context) for a violent-family trigger."""
    hard = bool(ev_sent & {"weapon", "armed"})
    low_noun = surface.lower() in _CASUALTY_NOUNS  # "victims", "deaths": they name a toll, never an attack
    if surface.lower().startswith("execut") and judicial:
        return False, False  # an execution by the state after a trial is not a conflict event
    if trig.strength >= 3:
        return not (domains & {"film", "judicial", "accident", "health", "weather", "animal"}) or weapon_near, False
    if trig.strength == 2:
        blocked = domains & {"accident", "health", "weather", "animal", "film", "sport", "judicial", "market"}
        if blocked and not weapon_near:
            return False, False
        if trig.family == "casualty":
            violent_word = bool(ev_sent & {"weapon", "armed"}) or casualty_verb
            return True, low_noun or not violent_word
        return True, False
    # strength 1: an argument in the clause, and no other domain unless a weapon/armed actor is named
    fam = trig.family
    if domains and not weapon_near:
        return False, False
    if fam in ("territory", "regain") and territory_word and actor_before:
        return True, False
    if fam in ("territory", "regain"):
        return bool(ev_clause & {"armed"}), False
    if fam == "clash":
        low = surface.lower()
        if low.startswith(("advanc", "offensive", "combat", "fight", "fought")):
            return bool(ev_clause & {"armed"}), False
        return bool(ev_clause & {"armed", "weapon"}) or casualty_in_clause, False
    if fam == "casualty":
        return True, low_noun or not (hard or casualty_verb)
    if fam == "damage":
        return True, not bool(ev_clause & {"weapon"})
    if surface.lower().startswith("raid"):
        return bool(ev_clause & {"armed"}) or casualty_in_clause, False
    if fam == "suicide":
        return bool(ev_clause & {"weapon", "target", "victim"}) or casualty_in_clause, False
    if fam == "explosion":
        return bool(ev_clause & {"weapon", "armed", "victim", "target"}) or casualty_in_clause, False
    if fam == "shooting":
        return bool(ev_clause & {"weapon", "armed", "police", "victim"}) or casualty_in_clause, False
    if fam == "weapon_use":
        return weapon_after and (actor_before or bool(ev_clause & {"armed"})), False
    # attack family
    return bool(ev_clause & {"weapon", "armed"}) or casualty_in_clause or actor_on_place, False


def detect(  # noqa: C901 (the per-trigger decision list documented in the module docstring)
    s: str,
    *,
    actor_spans: list[tuple[int, int, bool]] | None = None,
    headline: bool | None = None,
    toks: Tokens | None = None,
    cx: CueIndex | None = None,
    found_triggers: list[tuple[int, int, str]] | None = None,
    clause_spans: list[tuple[int, int]] | None = None,
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
    toks, cx, found_triggers, clause_spans
        The sentence's tokens, cues, trigger matches and :func:`clauses` when the caller already
        has them.

    Returns
    -------
    list of Hit in text order (all statuses; callers drop the ones they do not report).
    """
    spans = clauses(s) if clause_spans is None else clause_spans
    starts = [a for a, _ in spans]
    if toks is None:
        toks = Tokens(s)
    if cx is None:
        cx = CueIndex(scan(s, toks))
    domains = cx.domains()
    ev_sent = _evidence(cx, 0, len(s))

    actor_spans = actor_spans or []
    if found_triggers is None:
        found_triggers = list(TRIGGER_MATCHER.find_in(toks))
    found = [(a, b, lookup(phrase)) for a, b, phrase in found_triggers]
    low = fold_case(s)
    idioms: dict[int, bool] = {}  # trigger start -> _idiom, asked twice per violent trigger

    def idiom(a: int, b: int) -> bool:
        got = idioms.get(a)
        if got is None:
            got = idioms[a] = _idiom(s, a, b, low)
        return got

    casualty_pos = [
        a for a, b, t in found if t.family in ("casualty", "killing") and s[a:b].lower() not in _CASUALTY_NOUNS
    ]
    violent_pos = [
        a
        for a, b, t in found
        if t.family not in ("casualty", "damage") and t.family in VIOLENT_FAMILIES and not idiom(a, b)
    ]
    # near a weapon or an armed actor; in a sentence about illness, weather or an accident
    # only a weapon counts ("a soldier who died of Ebola", "troops wounded in Iraq tested for HIV")
    # (an accident with explosives handled by militants stays violence: "militants were killed when
    # the device they planted went off")
    natural = bool(domains & {"health", "weather"})
    weapon_starts = [c.start for c in cx.cues if c.category == "weapon" or (c.category == "armed" and not natural)]
    armed_free = [c.start for c in cx.cues if c.category == "weapon"] if "accident" in domains else weapon_starts
    place_flags = sorted((x, is_place) for x, _y, is_place in actor_spans)
    agent_pos = [x for x, is_place in place_flags if not is_place]
    place_pos = [x for x, is_place in place_flags if is_place]
    judicial = any(s[a:b].lower().startswith("execut") for a, b, _t in found) and bool(_JUDICIAL_RE.search(s))
    clause_facts: dict[tuple[int, int], tuple[bool, bool, bool]] = {}
    rate_pos: list[int] | None = None
    hits: list[Hit] = []
    for a, b, trig in found:
        surface = s[a:b]
        first = surface.split()[0]
        if first[0].isupper() and not first.isupper() and not (a <= 4 and _SENT_START_RE.match(s[:a])):
            if headline is None:
                headline = is_headline(s)
            if not headline:
                continue  # part of a name: "Battle Ground Academy", "Strike Force"
        ca, cb = _clause_of(spans, starts, a)
        facts = clause_facts.get((ca, cb))
        if facts is None:  # once per clause: territory words, digits, habitual words
            facts = (
                bool(_TERRITORY_F.search(low, ca, cb)),
                bool(_DIGIT_RE.search(s, ca, cb)),
                bool(_HABITUAL_HINT.search(low, ca, cb) and _HABITUAL_F.search(low, ca, cb)),
            )
            clause_facts[(ca, cb)] = facts
        territory, has_digit, habitual = facts
        needs_context = bare_reference = False
        ev_clause = _evidence(cx, ca, cb)
        if trig.family in VIOLENT_FAMILIES:
            casualty_in_clause = _any_in(casualty_pos, ca, cb, a)
            actor_before = _any_in(agent_pos, ca, a, -1)
            actor_on_place = _any_in(agent_pos, max(ca, a - 60), a, -1) and _any_in(
                place_pos, a + 1, min(cb, a + 50), -1
            )
            weapon_after = bool(_WEAPON_AFTER_F.match(low[b : b + 60]))
            arms = weapon_starts if trig.family in ("explosion", "suicide") else armed_free
            weapon_near = _any_in(arms, a - 40, b + 40, -1)
            casualty_verb = _any_in(violent_pos, ca, cb, a)
            if trig.family in ("shooting", "explosion") and _ERUPTED_RE.match(s, b, min(len(s), b + 30)):
                casualty_in_clause = True  # "a wave of shooting broke out", "an explosion rang out"
            kept, needs_context = _violence_supported(
                trig,
                surface,
                ev_clause,
                ev_sent,
                domains,
                casualty_in_clause,
                actor_on_place,
                territory,
                actor_before,
                judicial,
                weapon_after,
                weapon_near,
                casualty_verb,
            )
            if not kept:
                # "in the light of these attacks": no argument, but it names an incident the
                # article reports (a reference never makes an incident of its own)
                bare_reference = not domains and ANAPHOR_DETERMINER_RE.search(s, max(ca, a - 28), a) is not None
                if not (bare_reference and surface.lower() in _EVENT_NOUNS):
                    continue
        if trig.family in VIOLENT_FAMILIES and idiom(a, b):
            continue
        status = _status(s[max(ca, a - 80) : a], surface)
        window = s[max(0, a - 90) : a]
        if (
            status == "occurred"
            and ("if" in window or "whether" in window or "unless" in window)
            and _COND_RE.search(window)
        ):
            status = "hypothetical"  # "declined to say if authorities knew who died first"
        if status == "occurred" and trig.family in VIOLENT_FAMILIES:
            if rate_pos is None:
                rate_pos = [m.start() for m in _RATE_F.finditer(low)]
            rate = _any_in(rate_pos, max(0, a - 80), cb, -1)
        else:
            rate = False
        if (
            status == "occurred"
            and trig.family in VIOLENT_FAMILIES
            and _generic(s, a, b, ca, has_digit, habitual, rate)
        ):
            status = "hypothetical"  # a kind of event, not one that happened: "kidnappings are commonplace"
        if status == "occurred" and trig.family in ("killing", "casualty", "clash") and _aggregate(s, a, b):
            status = "hypothetical"  # a running total, not one incident: "by the end of 1972, 496 had been killed"
        if bare_reference and status != "occurred":
            continue
        reference = bare_reference or (
            status == "occurred"
            and trig.family in _CRIME_FAMILIES
            and (_names_only(s, a, b, ca) or _legal_or_adjectival(s, a, b, ca))
        )
        hits.append(Hit(a, b, surface, trig, (ca, cb), status, ev_clause, needs_context, reference))
    # a participle right after a generic plural is generic too ("numerous bombings targeted at ...")
    for i, h in enumerate(hits[1:], 1):
        prev = hits[i - 1]
        near = prev.status == "hypothetical" and h.clause == prev.clause and h.start - prev.end < 12
        if near and h.surface.lower().endswith(("ed", "ing")) and h.status == "occurred":
            h.status = "hypothetical"
    # a reference is a report after all when its clause also reports a toll or damage
    toll_clauses = {
        h.clause
        for h in hits
        if h.family in ("casualty", "damage", "killing")
        and not h.reference
        and h.surface.lower() not in _CASUALTY_NOUNS
    }
    for h in hits:
        if h.reference and h.clause in toll_clauses:
            h.reference = False
    return hits


def _names_only(s: str, a: int, b: int, ca: int) -> bool:
    """Is the event noun ``s[a:b]`` a reference to an incident ("the explosion", "charged with
    murder") rather than a report of it ("the attack began", "an attack on a base")?"""
    if _LEGAL_AFTER_RE.match(s[b : b + 30]):
        return True  # "murder charges", "the rape suspect", "an assault case"
    if not (s[a:b].lower().split()[-1] in _EVENT_NOUNS and _REFERENCE_BEFORE_RE.search(s[max(ca, a - 60) : a])):
        return False
    if _SUPPORT_VERB_RE.search(s[max(ca, a - 60) : a]):
        return False  # "launched its largest attack": the noun is the report
    return not _HAPPENED_AFTER_RE.match(s[b : b + 50])


def _crime_noun(surface: str) -> bool:
    """Is the trigger written as a noun of a crime ("homicide", "murder", "assassination")?"""
    return surface.lower().endswith(("cide", "murder", "murders", "tion", "ing", "ings")) and " " not in surface


def _legal_or_adjectival(s: str, a: int, b: int, ca: int) -> bool:
    """A crime named by the law or as an adjective, not reported: "accused of murdering her",
    "pleaded guilty to the killing", "the slain politician", "a murdered policeman"."""
    if _LEGAL_BEFORE_RE.search(s[max(ca, a - 50) : a]):
        return True
    if _crime_noun(s[a:b]) and _LEGAL_LIST_RE.search(s, max(0, a - 160), a):
        return True  # "charged with crimes of treason, terrorism, association ... and homicide"
    low = s[a:b].lower()
    adj = _ADJ_BEFORE_RE.search(s[max(0, a - 12) : a]) if low.endswith(("ed", "slain")) else None
    if adj is not None:
        noun = _NOUN_AFTER_RE.match(s[b : b + 30])
        if noun is not None and adj.group(0).strip() == "," and noun.group(0).strip()[:1].isupper():
            return False  # ", abducted Bosworth from the mall": a verb and its object after an aside
        return noun is not None
    return False


def _any_in(sorted_pos: list[int], lo: int, hi: int, skip: int) -> bool:
    """Is there a position in ``lo``..``hi`` (end exclusive) other than ``skip``? (binary search)"""
    i = bisect_left(sorted_pos, lo)
    while i < len(sorted_pos) and sorted_pos[i] < hi:
        if sorted_pos[i] != skip:
            return True
        i += 1
    return False


def _generic(s: str, a: int, b: int, ca: int, has_digit: bool, habitual: bool, rate: bool) -> bool:
    """A kind of event, not one incident: a bare plural ("bombings", "attacks") in a clause about
    what usually happens (``habitual``), or any trigger near words that count per year or speak of
    issues ("one person a year is killed", "issues of sexual violence"); never in a clause with a
    number (``has_digit``) that would pin one incident down."""
    if has_digit:
        return False
    window = s[max(ca, a - 30) : a].lower()
    if rate or (_ISSUE_HINT.intersection(window.split()) and _ISSUE_RE.search(window)):
        return True
    if _ISSUE_AFTER_RE.match(s[b : b + 30]):
        return True
    if not s[a:b].lower().endswith("s") or _DETERMINED_RE.search(s[max(ca, a - 30) : a]):
        return False
    return habitual


def _aggregate(s: str, a: int, b: int) -> bool:
    """Is the toll at ``s[a:b]`` a total over a period ("since 2014", "by the end of the year",
    "so far this year") rather than the toll of one incident?"""
    if _WAR_SUBJECT_RE.search(s, max(0, a - 60), a) and (
        s[a:b].lower() in ("killed", "killing") or _AGGREGATE_RE.search(s, b, min(len(s), b + 80))
    ):
        return True
    return bool(_AGGREGATE_RE.search(s, max(0, a - 90), a) or _AGGREGATE_RE.search(s, b, min(len(s), b + 40)))


def _idiom(s: str, a: int, b: int, low: str | None = None) -> bool:
    """Is the trigger ``s[a:b]`` part of a fixed expression that is not violence? (``low``: the
    sentence folded by :func:`fold_case`, when the caller has it)"""
    before = s[max(0, a - 24) : a]
    if before[-1:].isspace():
        prev = before.split()
        if prev and prev[-1].lower().strip(_STRIP) in _BEFORE_IDIOM:
            return True
    if low is None:
        low = fold_case(s)
    if _AFTER_IDIOM_F.match(low[b : b + 60]):
        return True
    hi = min(len(s), b + 40)
    # a phrase starting at a word start in the 30 characters before the trigger and reaching its
    # end (every phrase starts with a word character after \b: the leftmost start is a word start)
    pos = max(0, a - 30)
    while (m := _IDIOM_NEAR_F.match(low, pos, hi)) is not None and m.start(1) <= a:
        if m.end() >= b:
            return True
        pos = m.start(1) + 1
    return False

"""Words that tell what a sentence is about: weapons, armed actors, victims, and other domains.

:func:`scan` finds every cue of a sentence in one pass of a phrase matcher (:mod:`.phrases`) and
returns them with their offsets and category, so that :mod:`.detect` can ask "is there a weapon
in this clause?" or "is this sentence about football?" in constant time per question
(:class:`CueIndex`).

Categories:

* violence arguments: ``weapon`` (bomb, rifle, missile, drone, ...), ``armed`` (troops, militants,
  gunmen, named armed groups), ``police``, ``victim`` (civilians, worshippers, children),
  ``target`` (a checkpoint, a convoy, a mosque, a market);
* other domains, which make an ambiguous trigger non-violent: ``sport``, ``market``,
  ``election``, ``film`` (films, games, books), ``performer`` (singers, bands, concerts: they only
  make an ambiguous word non-violent, since a concert can be bombed), ``weather`` (storms, floods, earthquakes),
  ``health`` (illness), ``animal``, ``accident`` (crashes, drownings, house fires), ``labour``
  (workers' strikes), ``cyber``, ``speech`` (criticism: "slammed", "war of words"), ``judicial``
  (executions by the state, trials).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from mapapp.text.events.phrases import PhraseMatcher, Tokens
from mapapp.text.sentences import words

__all__ = ["CATEGORIES", "CUES", "DOMAINS", "WEAK_CUES", "CueIndex", "scan"]

_W = {
    "weapon": """
        bomb bombs explosive explosives IED IEDs device devices missile missiles rocket rockets mortar
        mortars artillery artillery-shell artillery-shells tank-shells grenade grenades gun guns rifle rifles
        firearm firearms pistol pistols handgun handguns shotgun AK-47 Kalashnikov Kalashnikovs knife knives
        machete machetes
        drone drones UAV UAVs warplane warplanes fighter-jets helicopter-gunship gunship gunships
        tank tanks ammunition bullet bullets munitions weapon weapons landmine landmines mines
        booby-trap booby-traps car-bomb suicide-vest explosive-vest vest RPG RPGs bazooka
        cluster-munitions Grad howitzer howitzers MLRS ATACMS HIMARS Shahed Shaheds Iskander Iskanders
        Kalibr Tomahawk Tomahawks Storm-Shadow Kinzhal Kh-101 warhead warheads sniper snipers
        pellets rubber-bullets buckshot shrapnel
    """,
    "armed": """
        troops soldier soldiers forces army armies military militant militants rebel rebels insurgent
        insurgents fighter fighters gunman gunmen attacker attackers assailant assailants terrorist
        terrorists jihadist jihadists extremist extremists militia militias militiamen guerrilla
        guerrillas bomber bombers shooter shooters paramilitary paramilitaries commando commandos
        marines servicemen mercenaries mercenary warlord warlords mujahideen battalion battalions brigade
        brigades regiment platoon units sniper snipers security-forces armed-forces army's
        Taliban Islamic-State ISIS ISIL Daesh al-Qaeda al-Qaida al-Shabab al-Shabaab Shabab Shabaab
        Boko-Haram Hamas Hezbollah Hizbollah Houthi Houthis PKK YPG SDF FARC ELN Wagner Haqqani
        Lashkar-e-Taiba Jaish-e-Mohammed JNIM ISWAP TTP Nusra HTS Hayat-Tahrir al-Sham Ansar Janjaweed
        RSF IDF Kataib Islamist Islamists separatists separatist cartel cartels gang gangs gangsters
        raiders rustlers bandits
    """,
    "police": "police policeman policemen police-officer police-officers officers officer cops deputies trooper",
    "victim": """
        civilians civilian people residents villagers worshippers worshipers pedestrians passengers
        children women students pilgrims shoppers protesters protestors journalists aid-workers
        refugees hostages family families boy girl boys girls man men woman child infant baby
        teenager teen crowd crowds bystanders mourners
    """,
    "target": """
        convoy convoys checkpoint checkpoints base bases patrol patrols outpost outposts barracks mosque
        mosques church churches synagogue temple shrine market marketplace hospital hospitals school
        schools village villages embassy consulate hotel restaurant cafe bus buses camp compound
        police-station headquarters airport bridge power-grid grid infrastructure positions targets
        homes houses buildings neighbourhood neighborhood residential wedding funeral gathering rally
        festival polling-station substation refinery depot
    """,
    "sport": """
        match matches team teams season league cup championship championships title coach coaches
        player players goal goals striker midfielder quarterback touchdown touchdowns innings wicket
        wickets tournament playoff playoffs relegation scored score scores derby fixture football
        soccer basketball baseball cricket rugby hockey tennis golf boxing boxer UFC wrestling NFL NBA
        NHL MLB FIFA UEFA Olympic Olympics medal sprint racing half-time halftime kickoff referee
        Premier-League Champions-League World-Cup Super-Bowl athletes athlete fans stadium game's
        pitch teammates opponent opponents rematch semifinal semi-final quarterfinal final finals
    """,
    "market": """
        shares stock stocks markets investors prices price earnings profit profits revenue revenues
        index Dow Nasdaq S&P inflation currency sales box-office charts chart billboard album albums
        song songs economy trading traders bonds yields Wall-Street tariffs tariff GDP recession
        dollar euro rouble ruble bitcoin crypto startup startups company's quarterly
    """,
    "election": """
        election elections electoral campaign campaigns poll polls polling vote votes voters voting
        candidate candidates ballot ballots primary primaries caucus caucuses debate debates nominee
        nomination Democrats Republicans GOP Democrat Republican senate-race legislature lawmakers
        legislation bill bills ad ads advert adverts commercial commercials referendum
    """,
    "film": """
        film films movie movies series episode episodes TV-show sitcom director novel
        novels book books video-game video-games character characters trailer sequel
        premiere Netflix Hollywood screenplay thriller comedy documentary musical box-office blockbuster
        franchise anime comic comics videogame PlayStation Xbox Nintendo gameplay
    """,
    # people and places of entertainment: they can be the victims or the scene of real violence
    # ("the concert bombing", "a rapper shot dead"), so they only stop an ambiguous word
    "performer": """
        actor actress band concert concerts singer rapper cinema Broadway gamer gamers comedian
    """,
    "weather": """
        storm storms hurricane hurricanes typhoon typhoons cyclone cyclones tornado tornadoes flood
        floods flooding earthquake earthquakes quake quakes wildfire wildfires bushfire bushfires
        lightning heatwave heat-wave drought snowstorm blizzard rainfall torrential avalanche landslide
        landslides mudslide mudslides tsunami volcano eruption weather monsoon hailstorm
    """,
    "health": """
        cancer disease diseases virus outbreak epidemic pandemic infection infections asthma COVID
        COVID-19 coronavirus flu influenza illness overdose overdoses diabetes dementia cholera Ebola
        measles malaria tuberculosis natural-causes old-age heart-attack cardiac stroke surgery
        suicide-prevention bacteria bacterial bacterium strain strains infected infecting patients
        pathogen pathogens H5N1 H1N1 H7N9 bird-flu avian-flu swine-flu Marburg SARS MERS mpox monkeypox
        plague dengue HIV AIDS hepatitis syphilis meningitis
    """,
    "animal": """
        bee bees shark sharks dog dogs bear bears snake snakes wolf wolves animal animals wasp wasps
        hornet hornets alligator alligators crocodile crocodiles lion lions tiger tigers cougar
        elephant elephants bull bulls horse horses coyote coyotes rabid pit-bull birds poultry chickens
        livestock cattle sheep goats pigs herd herds flock flocks toads frogs fish
    """,
    "accident": """
        crash crashes crashed collision collisions collided accident accidents accidental accidentally
        derailed derailment capsized drowned drowning plunged overturned rolled-over hit-and-run
        traffic DUI drunk-driving motorist motorists driver drivers car cars truck trucks vehicle
        vehicles SUV pickup motorcycle motorcyclist bicycle bicyclist cyclist train trains tractor
        house-fire blaze firefighters fire-department caught-fire electrocuted electrocution short-circuited
        short-circuit workplace-accident industrial-accident carbon-monoxide
        gas-leak gas-explosion wreck wreckage skidded swerved intersection highway interstate stampede
        by-a-car by-a-truck by-a-vehicle by-a-train by-a-bus house-fire basement-fire apartment-fire home-fire
        in-a-fire in-the-fire in-fire backing-up negligent-homicide vehicular-homicide manslaughter
    """,
    "labour": """
        workers worker union unions walkout picket pickets wages employees staff teachers nurses
        hunger-strike general-strike strikers pay-dispute industrial-action
    """,
    "cyber": """
        cyberattack cyberattacks cyber-attack cyber-attacks hacker hackers hacking hacked malware
        ransomware phishing data-breach DDoS cyber
    """,
    "speech": """
        criticized criticised critics criticism slammed rhetoric verbally remarks comments tweet
        tweets tweeted war-of-words insults insulted accused
    """,
    "judicial": """
        lethal-injection death-row death-penalty execution-chamber firing-squad search-warrant search-warrants
    """,
}

#: Every cue word (lower case, hyphen as written) -> its category.
CUES: dict[str, str] = {}
for _cat, _words in _W.items():
    for _w in _words.split():
        CUES.setdefault(_w.lower(), _cat)
        if "-" in _w:  # "security-forces" also written "security forces"
            CUES.setdefault(_w.lower().replace("-", " "), _cat)

CATEGORIES = tuple(_W)
#: Cue words too common to mark a domain alone ("scores died", "a car bomb"): a domain needs one
#: other word of it, or two of these.
WEAK_CUES = frozenset(
    words("""scores score title final finals match matches season team teams cup fans stadium pitch opponent opponents
    patients strain strains infected cattle herd herds flock flocks fish sheep goats birds
    coach game's price prices index shares sales chart charts vote votes bill bills campaign campaigns ad ads
    primary debate commercial commercials series character characters book books band director actor show scene
    drama storm storms heat lightning weather car cars vehicle vehicles truck trucks train trains
    bus highway traffic intersection pickup workers worker staff employees union unions stroke surgery bear bears
    bull bulls accused comments remarks critics rally""")
)
#: Categories that make an ambiguous trigger non-violent.
DOMAINS = frozenset(
    {"sport", "market", "election", "film", "performer", "weather", "health", "animal", "accident", "labour", "cyber",
     "speech", "judicial"}
)  # fmt: skip


_CUE_MATCHER = PhraseMatcher(CUES)
_NORM_RE = re.compile(r"[\s-]+")


@dataclass(frozen=True)
class Cue:
    """One cue: ``sentence[start:end]``, its category and its normalised word."""

    start: int
    end: int
    category: str
    word: str


def scan(sentence: str, toks: Tokens | None = None) -> list[Cue]:
    """Every cue of ``sentence`` in text order (one pass of a phrase matcher over its tokens)."""
    out: list[Cue] = []
    for a, b, phrase in _CUE_MATCHER.find_in(toks if toks is not None else Tokens(sentence)):
        cat = CUES.get(phrase.lower(), "")
        if cat:
            out.append(Cue(a, b, cat, phrase.lower()))
    return out


class CueIndex:
    """Questions about the cues of one sentence in logarithmic time (sorted positions per category)."""

    def __init__(self, cues: list[Cue]) -> None:
        self.cues = cues
        self.starts = [c.start for c in cues]
        self._pos: dict[str, list[int]] = {}
        strong: set[str] = set()
        weak: dict[str, int] = {}
        for c in cues:
            self._pos.setdefault(c.category, []).append(c.start)
            if c.word in WEAK_CUES:
                weak[c.category] = weak.get(c.category, 0) + 1
            else:
                strong.add(c.category)
        self.present = frozenset(self._pos)
        self._domains = frozenset((strong | {cat for cat, n in weak.items() if n >= 2}) & DOMAINS)

    def count(self, category: str, a: int, b: int) -> int:
        """Number of ``category`` cues starting in ``a``..``b`` (sentence offsets, end exclusive)."""
        pos = self._pos.get(category)
        if not pos:
            return 0
        return bisect_left(pos, b) - bisect_left(pos, a)

    def positions(self, category: str, a: int, b: int) -> list[int]:
        """Starts of the ``category`` cues starting in ``a``..``b``."""
        pos = self._pos.get(category)
        if not pos:
            return []
        return pos[bisect_left(pos, a) : bisect_left(pos, b)]

    def categories(self, a: int, b: int) -> frozenset[str]:
        """The categories of the cues starting in ``a``..``b`` (one slice of the sorted cues)."""
        i, j = bisect_left(self.starts, a), bisect_left(self.starts, b)
        return frozenset(c.category for c in self.cues[i:j])

    def words(self, category: str, a: int, b: int) -> list[str]:
        """The ``category`` cue words starting in ``a``..``b``."""
        if category not in self.present:
            return []
        i, j = bisect_left(self.starts, a), bisect_left(self.starts, b)
        return [c.word for c in self.cues[i:j] if c.category == category]

    def domains(self) -> frozenset[str]:
        """The non-violent domains this sentence speaks of (one clear word, or two common ones)."""
        return self._domains

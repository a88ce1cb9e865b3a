"""ACLED event types and sub-event types, chosen from the wording of a report.

:data:`TAXONOMY` lists what this extractor assigns (plus mapapp's "Policy decision" and
"Troop deployment", which ACLED would file under "Other"). :func:`classify` reads the kept
triggers of a clause and the weapons it names:

* a suicide bomber, vest or "blew himself up" -> Explosions/Remote violence, Suicide bomb;
* an IED, a roadside or car bomb, a landmine, a bomb or an explosion nobody dropped from the air
  -> Remote explosive/landmine/IED;
* air strikes, drones, warplanes, and a state's "strike" with no weapon named -> Air/drone strike;
  shelling, artillery, rockets, missiles -> Shelling/artillery/missile attack; grenades -> Grenade;
* fighting, clashes, gun battles, and shootings or attacks whose victims are armed (soldiers,
  police, militants) -> Battles, Armed clash; a town seized by a non-state group -> Non-state
  actor overtakes territory; recaptured -> Government regains territory;
* shootings, stabbings, killings and attacks on civilians -> Violence against civilians, Attack;
  kidnappings -> Abduction/forced disappearance; rape -> Sexual violence;
* a protest the police broke up (tear gas, water cannon, rubber bullets, dispersed) -> Protests,
  Protest with intervention; else Peaceful protest.
"""

from __future__ import annotations

__all__ = ["SUB_TYPE_RANK", "TAXONOMY", "VIOLENT_TYPES", "classify", "compatible", "more_specific"]

TAXONOMY: dict[str, tuple[str, ...]] = {
    "Battles": ("Armed clash", "Government regains territory", "Non-state actor overtakes territory"),
    "Explosions/Remote violence": (
        "Suicide bomb", "Air/drone strike", "Shelling/artillery/missile attack", "Remote explosive/landmine/IED",
        "Grenade",
    ),
    "Violence against civilians": ("Attack", "Abduction/forced disappearance", "Sexual violence"),
    "Protests": ("Peaceful protest", "Protest with intervention"),
    "Riots": ("Violent demonstration", "Mob violence"),
    "Strategic developments": (
        "Agreement", "Headquarters or base established", "Non-violent transfer of territory",
        "Disrupted weapons use", "Troop deployment",
    ),
    "Policy decision": ("Authorization", "Sanctions"),
}  # fmt: skip

VIOLENT_TYPES = frozenset({"Battles", "Explosions/Remote violence", "Violence against civilians"})

#: How specific a sub-event type is (merging keeps the most specific one of an incident).
SUB_TYPE_RANK: dict[str, int] = {
    "Suicide bomb": 5, "Air/drone strike": 4, "Shelling/artillery/missile attack": 4, "Grenade": 4,
    "Remote explosive/landmine/IED": 3, "Abduction/forced disappearance": 4, "Sexual violence": 4,
    "Government regains territory": 4, "Non-state actor overtakes territory": 4, "Attack": 2, "Armed clash": 2,
}  # fmt: skip

_NON_VIOLENT: dict[str, tuple[str, str]] = {
    "policy": ("Policy decision", "Authorization"),
    "sanctions": ("Policy decision", "Sanctions"),
    "deployment": ("Strategic developments", "Troop deployment"),
    "agreement": ("Strategic developments", "Agreement"),
    "base": ("Strategic developments", "Headquarters or base established"),
    "withdrawal": ("Strategic developments", "Non-violent transfer of territory"),
    "intercept": ("Strategic developments", "Disrupted weapons use"),
    "protest": ("Protests", "Peaceful protest"),
}
_SPECIFIC_IED = frozenset(
    {"ied", "ieds", "roadside bomb", "roadside bombs", "car bomb", "car bombs", "truck bomb", "explosive device",
     "explosive devices", "improvised explosive device", "landmine", "landmines", "mine", "mines", "booby trap",
     "booby-trap", "booby-trapped", "booby traps", "parcel bomb", "pipe bomb", "sticky bomb", "magnetic bomb"}
)  # fmt: skip
_EXPLOSIVE = "Explosions/Remote violence"
#: Families that say the fighting was on the ground (a "strike" among them is no remote strike).
_GROUND = frozenset({"shooting", "stabbing", "clash", "territory", "regain"})


def _remote(classes: list[tuple[str, str]]) -> str:
    """Sub-type of a remote-violence report from its weapon classes (class, word), text order."""
    kinds = {c for c, _ in classes}
    if "suicide" in kinds:
        return "Suicide bomb"
    if any(w in _SPECIFIC_IED for c, w in classes if c == "ied"):
        return "Remote explosive/landmine/IED"
    ranged = [c for c, _ in classes if c in ("air", "artillery")]
    if ranged:
        return "Air/drone strike" if ranged[0] == "air" else "Shelling/artillery/missile attack"
    if "grenade" in kinds:
        return "Grenade"
    return "Remote explosive/landmine/IED"


def classify(  # noqa: C901 (one rule per ACLED sub-event type, in the order of the module docstring)
    families: list[str],
    classes: list[tuple[str, str]],
    *,
    armed_victims: bool,
    civilian_victims: bool,
    non_state_agent: bool,
    protesters: bool = False,
    intervention: bool = False,
    first_family: str = "",
    state_agent: bool = True,
) -> tuple[str, str]:
    """(event type, sub-event type) of a report.

    Parameters
    ----------
    families
        Trigger families of the report (:mod:`.triggers`), strongest first.
    classes
        Weapon classes named in the report's clause, ``(class, word)`` in text order
        (:func:`.weapons.weapon_classes`).
    armed_victims, civilian_victims
        Whether soldiers/police/militants or civilians are named as victims or targets.
    non_state_agent
        Whether the agent is an armed group (not a state).
    protesters
        Whether protesters, demonstrators or rioters take part (a clash is then a riot).
    intervention
        Whether the police or the army broke up or fired at the gathering (tear gas, water
        cannon, rubber bullets, dispersed, detained): a protest is then a protest with intervention.
    first_family
        Family of the report's first violent word: an attack that goes on to take hostages
        ("attacked ..., killing 1,200 and taking 250 hostages") is an attack, not an abduction.
    state_agent
        Whether a state (or its forces) strikes: a "strike" with no weapon named is a remote
        strike only then ("Israel struck targets"; not "she was struck from behind").
    """
    fams = set(families)
    for fam in families:
        if fam == "protest" and intervention:
            return "Protests", "Protest with intervention"
        if fam in _NON_VIOLENT:
            return _NON_VIOLENT[fam]
    kinds = {c for c, _ in classes}
    if "suicide" in fams or "suicide" in kinds:
        return _EXPLOSIVE, "Suicide bomb"
    if "abduction" in fams and first_family in ("", "abduction", "casualty"):
        return "Violence against civilians", "Abduction/forced disappearance"
    if "sexual" in fams:
        return "Violence against civilians", "Sexual violence"
    if "airstrike" in fams:  # "a missile strike" is a missile attack, unless aircraft are named too
        ranged = kinds & {"air", "artillery"}
        return _EXPLOSIVE, "Shelling/artillery/missile attack" if ranged == {"artillery"} else "Air/drone strike"
    if "shelling" in fams:
        return _EXPLOSIVE, "Shelling/artillery/missile attack"
    if "regain" in fams:
        return "Battles", "Government regains territory"
    if "territory" in fams:
        return "Battles", "Non-state actor overtakes territory" if non_state_agent else "Armed clash"
    remote_kinds = kinds & {"air", "artillery", "ied", "grenade"}
    if ("explosion" in fams or "weapon_use" in fams) and (remote_kinds or not kinds & {"firearm", "blade"}):
        return _EXPLOSIVE, _remote(classes)
    if "clash" in fams and protesters:
        return "Riots", "Violent demonstration"
    if "clash" in fams:
        return "Battles", "Armed clash"
    if remote_kinds and not (kinds & {"firearm", "blade"} and fams & {"shooting", "stabbing"}):
        return _EXPLOSIVE, _remote([c for c in classes if c[0] in remote_kinds])
    if (
        "strike" in fams
        and state_agent
        and not non_state_agent
        and not kinds & {"firearm", "blade"}
        and not fams & _GROUND
    ):
        return _EXPLOSIVE, "Air/drone strike"  # "Israel struck targets in Beirut": no weapon named
    if armed_victims and not civilian_victims:
        return "Battles", "Armed clash"
    if fams & {"shooting", "stabbing", "killing"} or civilian_victims:
        return "Violence against civilians", "Attack"
    if fams & {"attack", "strike"} and non_state_agent and not armed_victims:
        return "Violence against civilians", "Attack"  # "the gunman stormed into her room": no armed side against him
    if fams & {"attack", "strike"}:
        return "Battles", "Armed clash"
    return "Violence against civilians", "Attack"


#: Sub-event types that can describe one incident (an "explosion" and a "suicide bomber" are one
#: bombing; drones and missiles are one strike); other pairs are different incidents.
_GROUPS: tuple[frozenset[str], ...] = (
    frozenset({"Remote explosive/landmine/IED", "Suicide bomb", "Grenade"}),
    frozenset({"Air/drone strike", "Shelling/artillery/missile attack"}),
    frozenset({"Armed clash", "Government regains territory", "Non-state actor overtakes territory"}),
)


def compatible(a: str, b: str) -> bool:
    """Can sub-event types ``a`` and ``b`` be reports of one incident?"""
    return a == b or not a or not b or any(a in g and b in g for g in _GROUPS)


def more_specific(a: str, b: str) -> str:
    """The more specific of two compatible sub-event types (``a`` on a tie or when incompatible)."""
    if not compatible(a, b):
        return a
    return b if SUB_TYPE_RANK.get(b, 0) > SUB_TYPE_RANK.get(a, 0) else a

"""Events from news text: what happened (or is planned), where, when, who, and on whose word.

Pipeline for one article (:func:`extract_events`), one pass over its sentences:

1. sentences with their spans (:func:`mapapp.text.sentences.split_sentences`); datelines and
   bylines (:func:`.location.article_layout`);
2. per sentence: actors and places (:func:`.actors.sentence_items`), the triggers the sentence
   supports with their status (:func:`.detect.detect`: a violent predicate needs a violent
   argument; sports, markets, elections, films, weather and metaphors are not conflict events;
   negations and hypotheticals are dropped, plans and threats kept and marked);
3. per trigger group: ACLED type and sub-type (:func:`.kinds.classify`), the date of its clause
   (:mod:`mapapp.text.dates`), its place (:func:`.location.choose_places`, never a dateline,
   court, embassy or speaker's city) with ``geo_precision``, its actors, its toll
   (:mod:`.figures`), weapons linked to the catalogue (:mod:`.weapons`) and the outlets cited
   (:mod:`.outlets`);
4. incidents, not sentences: a sentence that refers back ("killed in the assault", "the blast",
   "three others were wounded", "the decision") joins the incident the article is reporting;
   reports of one incident are merged keeping every sentence (:mod:`.merge`);
5. dates are finished (:mod:`.dating`: the publication week for undated news, the reason when
   undated).

Country facts come from :mod:`mapapp.data.countries`; the geoparser is imported lazily when
``mentions`` is None.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from mapapp.model import DateValue, Event, Figure, Mention, Sentence
from mapapp.text.dates import DateMatch, coerce_date, find_dates, has_date_hint
from mapapp.text.events.actors import (
    ACTOR_ALIASES,
    GENERIC_ACTORS,
    MILITARY_FORCES,
    Item,
    capital_of,
    sentence_items,
)
from mapapp.text.events.cues import CueIndex, scan
from mapapp.text.events.dating import finish_date
from mapapp.text.events.detect import ANAPHOR_DETERMINER_RE, Hit, clauses, detect
from mapapp.text.events.figures import FORCE_LABELS, TOLL_LABELS, Found, find_figures
from mapapp.text.events.kinds import TAXONOMY, VIOLENT_TYPES, classify
from mapapp.text.events.location import Layout, article_layout, choose_places, geo_precision
from mapapp.text.events.merge import combine_many, filter_by_date, merge_events
from mapapp.text.events.outlets import outlets as find_outlets
from mapapp.text.events.outlets import resolve_outlets
from mapapp.text.events.phrases import Tokens
from mapapp.text.events.triggers import TRIGGER_MATCHER
from mapapp.text.events.weapons import catalogue_links, weapon_classes, weapon_words
from mapapp.text.sentences import fold_case, folded_twin, split_sentences, words

__all__ = [
    "ACTOR_ALIASES",
    "DEFAULT_STATUSES",
    "TAXONOMY",
    "VIOLENT_TYPES",
    "Sentence",
    "extract_events",
    "filter_by_date",
    "merge_events",
    "split_sentences",
]

#: Statuses reported by default: what happened, what is planned and what is threatened.
DEFAULT_STATUSES: tuple[str, ...] = ("occurred", "planned", "threatened")

_TROOPS = r"(?:troops|soldiers|forces|units|servicemen|personnel|brigades?|battalions?|fighters|army)"
_TROOPS_BEFORE_RE = re.compile(rf"\b{_TROOPS}\b(?:\s+\S+){{0,5}}\s*$", re.I)
_TROOPS_AFTER_RE = re.compile(rf"^(?:\s+\S+){{0,4}}?\s+{_TROOPS}\b", re.I)
_ANAPHOR_NOUNS = frozenset(
    words(
        "attack attacks assault assaults strike strikes shelling explosion explosions blast blasts bombing bombings "
        "raid raids ambush shooting shootings violence massacre killing killings bombardment incident slaying slayings"
    )
)
_BY_AGENT_RE = re.compile(
    r"\bby\s+(?:(?:an?|the|two|three|several|unknown|unidentified|masked|armed|suspected)\s+)*$", re.I
)
_PRONOUN_SUBJECT_RE = re.compile(
    r"(?:^|[,;:]\s*|\b(?:and|that)\s+)[\"“]?(?:they|he|she|it)\s+(?:(?:had|have|has|also|then|later|reportedly|"
    r"allegedly)\s+){0,2}$",
    re.I,
)
_THOSE_RE = re.compile(r"\b(?:the|those|all)\s+(?:\d[\d,]*\s+|people\s+|civilians\s+)?$", re.I)
_NO_OBJECT_RE = re.compile(
    r"\s*(?:[,.;:!?)]|(?:were|was|are|is|in|on|at|by|during|when|while|after|before|since|as|last|yesterday|"
    r"today|overnight|instantly|outright)\b|and\s+(?!(?:wounded|injured|maimed|hurt)\b))",
    re.I,
)
_PASSIVE_RE = re.compile(r"\b(?:was|were|been|being|be|is|are|also|later|reportedly)\s+$", re.I)
_POLICY_ANAPHOR_RE = re.compile(
    r"^[\s\"“]*(?:the|this|that)\s+(?:\w+\s+)?(?:decision|move|authori[sz]ation|approval|reversal|"
    r"policy\s+(?:shift|change|reversal))\b",
    re.I,
)
_BACKREF_RE = re.compile(r"\b(?:reported|said|wrote|noted) at the time\b|\bat the time\b", re.I)
_HEDGE_RE = re.compile(r"\b(?:reportedly|allegedly|purportedly|unconfirmed|claimed)\b", re.I)
_CAPTION_RE = re.compile(
    r"\bimage\s+(?:caption|copyright)\b|^[\s\"“]*(?:FILE|PHOTO|VIDEO)\s*[-–—:]|^[\s\"“]*(?:Read\s+more|Related|"
    r"Photo|Image|Picture|Watch|See\s+also)\s*:|\bis\s+seen\s+in\s+(?:this|a|an)\s+(?:\w+\s+)?(?:image|photo|picture|"
    r"video)|\((?:AP|AFP|Reuters|Getty|EPA)\s*(?:Images|Photo)[^)]{0,60}\)",
    re.I,
)
_LIST_RE = re.compile(r"(?:^|\s)[*•]\s|\s[*•]$")
_HEADING_RE = re.compile(r"={2,4}[^=\n]{0,80}={2,4}")
_NEEDS_FORCES = frozenset({"policy", "agreement", "withdrawal", "base", "sanctions"})
_TRUCE_RE = re.compile(
    r"\b(?:cease-?fire|truce|armistice|peace\s+(?:deal|agreement|accord|talks|plan)|hostilities|prisoners?\s+"
    r"(?:exchange|swap)|hostages?|sanctions)\b",
    re.I,
)
# what makes "rally" or "marched" a demonstration
_PROTEST_ARGUMENT_RE = re.compile(
    r"\b(?:protesters|protestors|demonstrators|supporters|crowds?|thousands|hundreds|against|in\s+support\s+of|"
    r"streets?|square|chant(?:ed|ing)|placards|banners|slogans|calling\s+for|demanding|outside\s+the|protests?|"
    r"opposition|government|police|anti-\w+|pro-\w+)\b",
    re.I,
)
_PROTESTERS_RE = re.compile(r"\b(?:protesters|protestors|demonstrators|rioters|crowds? of protesters)\b", re.I)
# what the military fights over: a report of its destruction is a battle, not violence against civilians
_MILITARY_TARGET_RE = re.compile(
    r"\b(?:tanks?|howitzers?|armou?red\s+(?:vehicles?|personnel\s+carriers?)|APCs?|artillery\s+(?:pieces?|systems?)|"
    r"air[\s-]defen[cs]e\s+(?:systems?|batter(?:y|ies))|radars?|warships?|(?:military|army|enemy)\s+positions|"
    r"checkpoints?|command\s+posts?|ammunition\s+depots?|(?:military|army)\s+(?:bases?|vehicles?|convoys?))\b",
    re.I,
)
_INTERVENTION_RE = re.compile(
    r"\b(?:tear\s*gas|teargas|water\s+cannons?|rubber\s+bullets|pepper\s+spray|stun\s+grenades?|batons?|"
    r"dispersed?|dispersing|broke\s+up|break\s+up|cracked\s+down|crackdown|fired\s+(?:live\s+rounds|shots|on)|"
    r"opened\s+fire|detained|arrested)\b",
    re.I,
)
_CONTEXT_SENTENCES = 4  # how far back a referring sentence may reach for its incident
_LEAD_SENTENCES = 3  # a headline and lead may name the incident the article goes on to report
# case-sensitive twins run on folded text (fold_case): same spans, 2-3x faster
_TROOPS_BEFORE_F, _MILITARY_TARGET_F = folded_twin(_TROOPS_BEFORE_RE), folded_twin(_MILITARY_TARGET_RE)
# words one of which every match of a pattern holds (folded): the pattern only runs when one is there
_HEDGE_WORDS = ("reportedly", "allegedly", "purportedly", "unconfirmed", "claimed")
_PROTESTERS_WORDS = ("protest", "demonstrators", "rioters")


@dataclass
class _Draft:
    """One event candidate of a sentence: its triggers (primary first) and where it stands."""

    hits: list[Hit]
    clause: tuple[int, int]
    status: str
    violent: bool
    seg: tuple[int, int] = (0, 0)
    date: DateValue | None = None
    needs_context: bool = False
    refers_back: bool = False

    @property
    def start(self) -> int:
        return self.hits[0].start

    @property
    def end(self) -> int:
        return self.hits[0].end


@dataclass
class _Context:
    """What one article run carries from sentence to sentence."""

    text: str
    pub: dt.date | None
    source: str
    layout: Layout
    known_outlets: list[str]
    groups: list[list[Event]] = field(default_factory=list)  # one incident: its first report, then the rest
    summaries: list[Event] = field(default_factory=list)  # what comparisons need of each incident
    current: int | None = None  # the violent incident being reported
    # sentences that name an incident before the article reports it (a headline, a lead about a
    # trial): they join the first incident of their kind that follows
    # (a reference in the lead, or one at most _CONTEXT_SENTENCES before the report)
    pending: list[tuple[str, Sentence, list[str], int]] = field(default_factory=list)
    sent_idx: int = 0  # the sentence being read
    current_sent: int = -99
    policy: int | None = None


def _get_mentions(text: str) -> list[Mention]:
    try:
        from mapapp.text.geoparse.parser import geoparse
    except ImportError:
        return []
    return list(geoparse(text))


def extract_events(
    text: str,
    published: dt.date | str | None = None,
    *,
    source: str = "",
    mentions: Sequence[Mention] | None = None,
    statuses: Sequence[str] = DEFAULT_STATUSES,
) -> list[Event]:
    """Events described in a news text, one per incident, in order of first report.

    Parameters
    ----------
    text
        Article text; offsets in the result refer to it.
    published
        Publication date (``date`` or ``"YYYY-MM-DD"``); resolves "Sunday", "last week", "in
        October", and dates undated news to the publication week. Without it those stay
        unresolved and the events say so in ``notes``.
    source
        Where the text came from (file path or URL); copied to ``Event.source``/``sources`` and to
        each ``Event.sentences[i].source``.
    mentions
        Toponyms from :func:`mapapp.text.geoparse.parser.geoparse`; when None the geoparser is
        called if it can be imported. Countries and capitals are also recognised from a built-in
        table.
    statuses
        Which violent-event statuses to report ("occurred", "planned", "threatened",
        "hypothetical", "negated"); non-violent events are reported when they occurred or are
        planned.

    Returns
    -------
    list of Event.
    """
    pub = coerce_date(published, "published")
    if mentions is None:
        mentions = _get_mentions(text)
    ms = sorted((m for m in mentions if m.place is not None), key=lambda m: m.start)
    sentences = split_sentences(text)
    per_sentence_outlets = [find_outlets(s.text) for s in sentences]
    ctx = _Context(text, pub, source, article_layout(text, sentences), [o for os in per_sentence_outlets for o in os])
    j = 0
    for idx, sent in enumerate(sentences):
        while j < len(ms) and ms[j].start < sent.start:
            j += 1
        k = j
        while k < len(ms) and ms[k].start < sent.end:
            k += 1
        _sentence_events(ctx, idx, sent, ms[j:k], per_sentence_outlets[idx], frozenset(statuses))
        j = k
    incidents = [combine_many(g, keep_first=True) for g in ctx.groups]
    events = merge_events(incidents, same_article=True)
    return [finish_date(e, pub) for e in events]


# --------------------------------------------------------------------------------------------
# One sentence


def _keep(h: Hit, s: str, statuses: frozenset[str], cx: CueIndex) -> bool:
    if h.violent:
        return h.status in statuses
    if h.status not in ("occurred", "planned"):
        return False
    if h.family in _NEEDS_FORCES and not (h.family == "agreement" and _TRUCE_RE.search(h.surface)):
        # a decision or a deal about weapons, forces or strikes ("authorized Ukraine to use the
        # missiles", "agreed to a ceasefire"), not a council approving a budget or firefighters
        # agreeing to a pay cut
        return bool(cx.count("weapon", 0, len(s)) or cx.count("armed", 0, len(s)) or _TRUCE_RE.search(s))
    if h.family == "protest":
        if cx.domains() & {"sport", "market", "film", "performer"}:
            return False  # "the Tigers rally", "stocks rallied", "fans marched to the stadium"
        low = h.surface.lower()
        # "rally", "marched", "demonstrations" also mean a comeback, a walk, a how-to show
        return not low.startswith(("rall", "march", "demonstration")) or bool(_PROTEST_ARGUMENT_RE.search(s))
    if h.family == "deployment":
        ca, cb = h.clause
        return bool(_TROOPS_BEFORE_F.search(fold_case(s[max(ca, h.start - 80) : h.start]))) or bool(
            _TROOPS_AFTER_RE.match(s[h.end : min(cb, h.end + 80)])
        )
    return True


def _group(hits: list[Hit], s: str) -> list[_Draft]:
    """Drafts of a sentence: violent triggers of one clause and status together (the most
    specific first), each other kind of trigger once per clause."""
    drafts: list[_Draft] = []
    by_key: dict[tuple[tuple[int, int], str, bool], _Draft] = {}
    seen_other: set[tuple[tuple[int, int], str, str]] = set()
    for h in hits:
        if h.violent:
            key = (h.clause, h.status, True)
            d = by_key.get(key)
            if d is None:
                d = _Draft([h], h.clause, h.status, True)
                by_key[key] = d
                drafts.append(d)
            else:
                d.hits.append(h)
            continue
        okey = (h.clause, h.family, h.status)
        if okey in seen_other:
            continue
        seen_other.add(okey)
        drafts.append(_Draft([h], h.clause, h.status, False))
    quotes = _quote_marks(s)
    for d in drafts:
        if d.violent:
            d.hits.sort(key=lambda h: (h.family in ("casualty", "damage"), -h.trigger.strength, h.start))
            d.needs_context = all(h.needs_context for h in d.hits)
            d.refers_back = all(_reports_toll(h, s) or _quoted(quotes, h.start) for h in d.hits) or any(
                h.surface.lower() in _ANAPHOR_NOUNS and ANAPHOR_DETERMINER_RE.search(s[max(0, h.start - 30) : h.start])
                for h in d.hits
            )
    drafts.sort(key=lambda d: d.start)
    return drafts


def _fuse(drafts: list[_Draft]) -> list[_Draft]:
    """One violent draft per sentence and status: "75 civilians were killed last week as a result
    of army shelling" is one event, not a killing and a shelling (clauses with different dates
    stay apart)."""
    out: list[_Draft] = []
    for d in drafts:
        prev = next((x for x in reversed(out) if x.violent and x.status == d.status), None) if d.violent else None
        if prev is None or (prev.date is not None and d.date is not None and prev.date != d.date):
            out.append(d)
            continue
        prev.hits.extend(d.hits)
        prev.seg = (min(prev.seg[0], d.seg[0]), max(prev.seg[1], d.seg[1]))
        prev.clause = (min(prev.clause[0], d.clause[0]), max(prev.clause[1], d.clause[1]))
        prev.date = prev.date or d.date
        prev.needs_context = prev.needs_context and d.needs_context
        prev.refers_back = prev.refers_back and d.refers_back
    for d in out:
        d.hits.sort(key=lambda h: (h.family in ("casualty", "damage"), -h.trigger.strength, h.start))
    return out


def _reports_toll(h: Hit, s: str) -> bool:
    """A casualty or damage word, a passive "were killed" or "the 12 killed were ...", or an act
    of "they"/"he": it reports the toll or the deeds of an incident already told, not a new one."""
    if h.family in ("casualty", "damage"):
        return True
    if h.family not in ("killing", "attack", "shooting"):
        return False
    before = s[max(0, h.start - 24) : h.start]
    if _PRONOUN_SUBJECT_RE.search(before):
        return True  # "They killed 23 soldiers and injured another 15."
    if h.family != "killing":
        return False
    if _PASSIVE_RE.search(before):
        return True
    # a participle without an object: "all six members killed were", "two of the 12 killed and 11 injured",
    # "the 20 killed included"
    return h.surface.lower() == "killed" and bool(
        _NO_OBJECT_RE.match(s, h.end, min(len(s), h.end + 30)) or _THOSE_RE.search(before)
    )


def _quote_marks(s: str) -> tuple[list[int], list[int]] | None:
    """Positions of the opening and closing quotation marks of a sentence (curly quotes open and
    close; straight ones alternate), or None when it has none."""
    if '"' not in s and "“" not in s:
        return None
    if "“" in s:
        return [i for i, c in enumerate(s) if c == "“"], [i for i, c in enumerate(s) if c == "”"]
    marks = [i for i, c in enumerate(s) if c == '"']
    return marks[0::2], marks[1::2]


def _quoted(quotes: tuple[list[int], list[int]] | None, pos: int) -> bool:
    """Is ``pos`` inside a direct quotation ("We heard three explosions," said a witness)? A
    witness's words tell the incident the article reports. (``quotes``: :func:`_quote_marks`.)"""
    if quotes is None:
        return False
    opening, closing = quotes
    k = bisect_left(opening, pos) - 1  # the last opening mark before pos
    return k >= 0 and bisect_left(closing, pos) <= k  # ... not closed before pos


def _segments(drafts: list[_Draft]) -> None:
    for i, d in enumerate(drafts):
        prev = drafts[i - 1] if i > 0 else None
        nxt = drafts[i + 1] if i + 1 < len(drafts) else None
        a = prev.end if prev is not None and prev.clause == d.clause else d.clause[0]
        b = nxt.start if nxt is not None and nxt.clause == d.clause else d.clause[1]
        d.seg = (min(a, d.start), max(b, d.end))


def _nearest(ds: list[_Draft], starts: list[int], a: int, b: int) -> _Draft | None:
    """The draft of ``ds`` (sorted by start) nearest to the span ``a``..``b`` (binary search)."""
    if not ds:
        return None
    i = bisect_left(starts, a)
    near = [ds[j] for j in (i - 1, i) if 0 <= j < len(ds)]
    return min(near, key=lambda d: min(abs(a - d.end), abs(d.start - b)))


def _by_clause(drafts: list[_Draft]) -> dict[tuple[int, int], tuple[list[_Draft], list[int]]]:
    groups: dict[tuple[int, int], list[_Draft]] = {}
    for d in drafts:
        groups.setdefault(d.clause, []).append(d)
    return {c: (ds, [d.start for d in ds]) for c, ds in groups.items()}


def _assign_dates(drafts: list[_Draft], s: str, pub: dt.date | None, spans: list[tuple[int, int]]) -> None:
    """Each date expression goes to the nearest draft of its clause; a date in a clause without
    a trigger ("On Monday, gunmen killed ...", "Seven years ago, ...") to the nearest undated
    draft of the sentence."""
    if not has_date_hint(s):
        return  # no digit, month, weekday or relative-time word anywhere in the sentence
    back = m.group(0) if "at the time" in fold_case(s) and (m := _BACKREF_RE.search(s)) else ""
    groups = _by_clause(drafts)
    keys = sorted(groups)
    key_starts = [c[0] for c in keys]
    spare: list[DateMatch] = []
    found_dates = [
        DateMatch(dm.start + c0, dm.end + c0, dm.value)
        for c0, c1 in spans  # per clause: "previously" in one clause says nothing of another's month
        for dm in find_dates(s[c0:c1], pub, future=False, back_reference=back)
    ]
    for at in found_dates:
        j = bisect_right(key_starts, at.start) - 1
        found = j >= 0 and keys[j][0] <= at.start < keys[j][1]
        ds, starts = groups[keys[j]] if found else ([], [])
        nearest = _nearest(ds, starts, at.start, at.end)
        if nearest is None:
            spare.append(at)
        elif nearest.date is None:
            _set_date(nearest, at, pub)
    if spare:
        # each undated draft takes the nearest of the dates no trigger's clause claimed ("heard on
        # Wednesday about the 2014 downing ..., in which 298 people were killed": 2014)
        for d in drafts:
            if d.date is None:
                _set_date(d, min(spare, key=lambda at: (_gap(at, d), at.start)), pub)


def _gap(at: DateMatch, d: _Draft) -> int:
    """Characters between a date expression and a draft's trigger span (0 when they touch)."""
    return max(at.start - d.end, d.start - at.end, 0)


def _set_date(d: _Draft, at: DateMatch, pub: dt.date | None) -> None:
    d.date = at.value
    if d.status == "planned" and at.value.status != "reported":
        again = find_dates(at.value.text, pub, future=True)
        d.date = again[0].value if again else at.value


def _figure_owners(
    figures: list[Found], drafts: list[_Draft], s: str, spans: list[tuple[int, int]]
) -> dict[int, list[Figure]]:
    """Each figure of the sentence goes to the nearest draft of its clause (``spans``: the
    sentence's :func:`clauses`), else to the nearest violent draft (or nearest draft):
    ``id(draft) -> figures``."""
    span_starts = [a for a, _ in spans]
    per_clause = _by_clause(drafts)
    violent = [d for d in drafts if d.violent] or drafts
    violent_starts = [d.start for d in violent]
    keys = sorted(per_clause)
    key_starts = [c[0] for c in keys]
    owners: dict[int, list[Figure]] = {}
    for f in figures:
        j = bisect_right(key_starts, f.offset) - 1
        if j >= 0 and keys[j][0] <= f.offset < keys[j][1]:
            ds, starts = per_clause[keys[j]]
        else:
            k = max(0, bisect_right(span_starts, f.offset) - 1)
            clause = spans[k] if spans else (0, len(s))
            ds, starts = per_clause.get(clause, (violent, violent_starts))
        owner = _nearest(ds, starts, f.offset, f.end)
        if owner is not None:
            owners.setdefault(id(owner), []).append(f.figure)
    return owners


def _sentence_events(
    ctx: _Context,
    idx: int,
    sent: Sentence,
    mentions: Sequence[Mention],
    outlets_here: list[str],
    statuses: frozenset[str],
) -> None:
    s = sent.text
    ctx.sent_idx = idx
    if "==" in s:
        s = _HEADING_RE.sub(lambda m: " " * len(m.group(0)), s)  # "== Attack ==" wiki headings
    toks = Tokens(s)
    outlets = resolve_outlets(outlets_here, ctx.known_outlets)
    found = list(TRIGGER_MATCHER.find_in(toks))
    if not found:
        if ctx.policy is not None and _POLICY_ANAPHOR_RE.match(s):
            _add_sentence(ctx, ctx.policy, sent, outlets)
        return
    if _caption_or_list(s):
        return  # a photo caption, a link line or a list, not a report
    items = sentence_items(sent, mentions, toks)
    if ctx.layout.spans:  # a dateline names where the story was filed, not who acted
        items = [
            replace(i, actor="") if i.actor and ctx.layout.excluded(sent.start + i.start, sent.start + i.end) else i
            for i in items
        ]
    # who can act on a place: states and armed groups (not leaders or ministries); places they act on
    spans = [(i.start, i.end, i.as_place) for i in items if i.as_place or i.role in ("country", "capital", "group")]
    cx = CueIndex(scan(s, toks))
    cl = clauses(s)
    hits = [
        h
        for h in detect(s, actor_spans=spans, toks=toks, cx=cx, found_triggers=found, clause_spans=cl)
        if _keep(h, s, statuses, cx)
    ]
    if not hits:
        if ctx.policy is not None and _POLICY_ANAPHOR_RE.match(s):
            _add_sentence(ctx, ctx.policy, sent, outlets)
        return
    refs = [h for h in hits if h.violent and h.reference]
    hits = [h for h in hits if not (h.violent and h.reference)]
    if refs and not any(h.violent for h in hits):
        # "In the light of these murderous attacks, the ministers authorised ...": the sentence
        # also names the incident it reacts to
        _attach_reference(ctx, sent, refs, outlets)
    if not hits:
        return
    drafts = _group(hits, s)
    _segments(drafts)
    _assign_dates(drafts, s, ctx.pub, cl)
    drafts = _fuse(drafts)
    low = fold_case(s)
    hedged = any(w in low for w in _HEDGE_WORDS) and bool(_HEDGE_RE.search(s))
    classes = weapon_classes(s, toks)
    facts = _SentenceFacts(
        items,
        [i.start for i in items],
        {i.actor: i.role for i in items if i.actor},
        _figure_owners(find_figures(s), drafts, s, cl),
        catalogue_links(s, toks),
        classes,
        [c[0] for c in classes],
    )
    for d in drafts:
        ev = _build(d, sent, facts, outlets, cx, ctx, hedged)
        _link(ctx, idx, d, ev)


def _caption_or_list(s: str) -> bool:
    """``_CAPTION_RE.search(s) or _LIST_RE.search(s)``, with literal tests first: a caption
    pattern starts the sentence or holds "image", "seen" or "("; a list holds "*" or "•"."""
    if _CAPTION_RE.match(s):
        return True
    low = fold_case(s)
    if ("image" in low or "seen" in low or "(" in s) and _CAPTION_RE.search(s):
        return True
    return ("*" in s or "•" in s) and bool(_LIST_RE.search(s))


# --------------------------------------------------------------------------------------------
# Incidents


def _conflicts(a: Event, b: Event) -> bool:
    """Do two reports clearly describe different incidents (other dates or other settlements)?"""
    if a.date is not None and b.date is not None and not (a.date.start <= b.date.end and b.date.start <= a.date.end):
        return True
    sa = {p.name.lower() for p in a.places if p.kind in ("city", "landmark")}
    sb = {p.name.lower() for p in b.places if p.kind in ("city", "landmark")}
    return bool(sa and sb and not sa & sb)


def _new_incident(ctx: _Context, ev: Event) -> int:
    ctx.groups.append([ev])
    ctx.summaries.append(ev)
    i = len(ctx.groups) - 1
    if ctx.pending and ev.event_type in VIOLENT_TYPES and ev.status == "occurred":
        waiting = ctx.pending
        ctx.pending = []
        for want, sent, outlets, at in waiting:
            if at >= _LEAD_SENTENCES and ctx.sent_idx - at > _CONTEXT_SENTENCES:
                continue  # too far back to be about this incident
            if not want or want == ev.event_type:
                _add_sentence(ctx, i, sent, outlets)
            else:
                ctx.pending.append((want, sent, outlets, at))
    return i


def _link(ctx: _Context, idx: int, d: _Draft, ev: Event) -> None:
    """Add ``ev`` to the article's incidents, or fold it into the incident it refers back to."""
    if not d.violent:
        i = _new_incident(ctx, ev)
        if ev.event_type == "Policy decision":
            ctx.policy = i
        return
    cur = ctx.current
    near = cur is not None and idx - ctx.current_sent <= _CONTEXT_SENTENCES
    if (d.needs_context or d.refers_back) and cur is not None and near:
        incident = ctx.summaries[cur]
        if incident.status == ev.status and not _conflicts(incident, ev):
            ctx.groups[cur].append(ev)
            ctx.summaries[cur] = replace(
                incident,
                date=incident.date or ev.date,
                places=incident.places or ev.places,
                figure_qualifiers=(),
            )
            ctx.current_sent = idx
            return
    if d.needs_context:
        return  # a death with no violent word and no incident to belong to
    i = _new_incident(ctx, ev)
    if ev.status == "occurred":
        ctx.current = i
        ctx.current_sent = idx


_REF_TYPES = {
    "bombing": "Explosions/Remote violence", "bombings": "Explosions/Remote violence",
    "explosion": "Explosions/Remote violence", "explosions": "Explosions/Remote violence",
    "blast": "Explosions/Remote violence", "blasts": "Explosions/Remote violence",
    "shelling": "Explosions/Remote violence", "airstrike": "Explosions/Remote violence",
    "airstrikes": "Explosions/Remote violence", "bombardment": "Explosions/Remote violence",
}  # fmt: skip


def _attach_reference(ctx: _Context, sent: Sentence, refs: list[Hit], outlets: list[str]) -> None:
    """A sentence that only names an incident ("a probe into the explosion") is one more mention
    of the latest incident of that kind the article reports (among the last 64), or of the next
    one when the article has not reported it yet; it never makes an incident."""
    want = _REF_TYPES.get(refs[0].surface.lower(), "")
    for i in range(len(ctx.groups) - 1, max(-1, len(ctx.groups) - 65), -1):
        ev = ctx.summaries[i]
        if ev.event_type in VIOLENT_TYPES and ev.status == "occurred" and (not want or ev.event_type == want):
            _add_sentence(ctx, i, sent, outlets)
            return
    if len(ctx.pending) < 64:
        ctx.pending.append((want, sent, outlets, ctx.sent_idx))


def _add_sentence(ctx: _Context, i: int, sent: Sentence, outlets: list[str]) -> None:
    """One more sentence (a mention without facts of its own) for incident ``i``."""
    first = ctx.groups[i][0]
    mention = replace(
        first,
        sentences=(Sentence(sent.start, sent.end, sent.text, ctx.source),),
        outlets=tuple(outlets),
        figures=(),
        figure_qualifiers=(),
        notes="",
        extra={},
        weapons=(),
        actors=(),
        places=(),
    )
    ctx.groups[i].append(mention)


# --------------------------------------------------------------------------------------------
# Building one event


@dataclass
class _SentenceFacts:
    """What every draft of one sentence looks up: its names (sorted by start), their roles,
    the catalogue weapons it names and who owns each figure."""

    items: list[Item]
    starts: list[int]
    roles: dict[str, str]
    owners: dict[int, list[Figure]]
    weapons: list[tuple[int, str]]
    classes: list[tuple[int, str, str]]
    class_starts: list[int]

    def classes_in(self, a: int, b: int) -> list[tuple[int, str, str]]:
        """Weapon-class words starting in ``a``..``b``."""
        return self.classes[bisect_left(self.class_starts, a) : bisect_left(self.class_starts, b)]


def _actors(d: _Draft, s: str, f: _SentenceFacts, cx: CueIndex) -> list[str]:
    ca, cb = d.clause
    items, starts = f.items, f.starts
    # the agent stands before the first violent word ("Hamas-led gunmen attacked southern Israel,
    # killing ..."), not before the strongest one
    lo, here = bisect_left(starts, ca), bisect_left(starts, min(h.start for h in d.hits))
    agent = next((items[i].actor for i in range(here - 1, lo - 1, -1) if items[i].actor), "")
    actors: list[str] = [agent] if agent else []
    for i in range(here, len(items)):
        it = items[i]
        if it.start >= d.seg[1] or it.start - d.end > 120:
            break
        if it.actor and it.actor not in actors and len(s[d.end : it.start].split()) <= 6:
            actors.append(it.actor)
    if not actors:
        hi = bisect_left(starts, cb)
        actors = list(dict.fromkeys(items[i].actor for i in range(lo, hi) if items[i].actor))
    if not actors and d.violent:
        passive = [w for x, w in zip(cx.positions("armed", d.end, cb), cx.words("armed", d.end, cb), strict=True)
                   if _BY_AGENT_RE.search(s, max(0, x - 30), x)]  # fmt: skip
        for word in [*cx.words("armed", ca, d.start), *cx.words("police", ca, d.start), *passive]:
            label = GENERIC_ACTORS.get(word)
            if label:
                actors.append(label)
                break
    return actors


def _figures_for(d: _Draft, f: _SentenceFacts, event_type: str) -> tuple[Figure, ...]:
    """The figures of the sentence that belong to ``d`` and are of a kind the event can have
    (tolls for violence, forces for deployments)."""
    allowed = (
        TOLL_LABELS
        if event_type in VIOLENT_TYPES
        else FORCE_LABELS | {"troops"}
        if d.hits[0].family == "deployment"
        else frozenset()
    )
    out: dict[str, Figure] = {}
    for fig in f.owners.get(id(d), ()):
        if fig.label in allowed and fig.label not in out:
            out[fig.label] = fig
    return tuple(out.values())


def _type_of(d: _Draft, s: str, f: _SentenceFacts, cx: CueIndex, actors: list[str]) -> tuple[str, str]:
    ca, cb = d.clause
    classes = [(c, w) for _o, c, w in f.classes_in(ca, cb)]
    # armed people after the trigger are its targets, unless they are the agent of a passive
    # ("struck from behind by an unknown assailant")
    armed = bool(
        any(not _BY_AGENT_RE.search(s, max(0, x - 30), x) for x in cx.positions("armed", d.start, cb))
        or cx.count("police", d.start, cb)
        or _MILITARY_TARGET_F.search(fold_case(s), d.start, cb)
        # a state or an armed group on the receiving end ("Hamas attacked Israel")
        or any(
            it.actor and (it.role == "group" or (it.role == "country" and s[it.start : it.end] == it.actor))
            for it in f.items[bisect_left(f.starts, d.end) : bisect_left(f.starts, cb)]
        )
    )
    civil = bool(cx.count("victim", ca, cb))
    non_state = bool(actors) and (f.roles.get(actors[0]) == "group" or actors[0] == "Unidentified armed group")
    families = [h.family for h in d.hits]
    low = fold_case(s)
    protesters = any(w in low for w in _PROTESTERS_WORDS) and bool(_PROTESTERS_RE.search(s, ca, cb))
    intervention = "protest" in families and bool(_INTERVENTION_RE.search(s))
    return classify(
        families,
        classes,
        armed_victims=armed,
        civilian_victims=civil,
        non_state_agent=non_state,
        protesters=protesters,
        intervention=intervention,
        first_family=min(d.hits, key=lambda h: h.start).family,
        state_agent=bool(actors) and (f.roles.get(actors[0]) in ("country", "capital") or actors[0] == MILITARY_FORCES),
    )


def _build(
    d: _Draft,
    sent: Sentence,
    facts: _SentenceFacts,
    outlets: list[str],
    cx: CueIndex,
    ctx: _Context,
    hedged: bool,
) -> Event:
    s = sent.text
    ca, cb = d.clause
    actors = _actors(d, s, facts, cx)
    event_type, sub_type = _type_of(d, s, facts, cx, actors)
    places, near, refused = choose_places(s, facts.items, d.seg, d.clause, sent.start, ctx.layout, facts.starts)
    extra: dict[str, str] = {"trigger": d.hits[0].surface, "trigger_start": str(sent.start + d.start)}
    if len(d.hits) > 1:
        extra["triggers"] = ", ".join(dict.fromkeys(h.surface for h in d.hits))
    words = weapon_words(facts.classes_in(ca, cb))
    if words:
        extra["weapons"] = ", ".join(words)
    if refused:
        extra["places_refused"] = "; ".join(refused)
    if near:
        extra["place_note"] = "near"
    if event_type == "Policy decision" and actors:
        cap = capital_of(actors[0])
        if cap is not None:
            if places:
                extra["scope"] = ", ".join(p.name for p in places)
            places, near = (cap,), False
    notes: list[str] = []
    if d.date is not None and d.date.note:
        notes.append(d.date.note)
    if d.status == "planned":
        notes.append("planned or expected, not (yet) happened")
    elif d.status == "threatened":
        notes.append("threatened, not (yet) happened")
    elif d.status in ("hypothetical", "negated"):
        notes.append(f"{d.status}: the text does not report it as having happened")
    if hedged:
        notes.append("the text hedges ('reportedly', 'allegedly')")
    if not places and refused:
        notes.append(f"no incident place; refused {extra['places_refused']}")
    conf = 0.45 + (0.1 if places else 0.0) + (0.1 if actors else 0.0) + (0.1 if outlets else 0.0)
    if d.date is not None:
        conf += {"reported": 0.2, "inferred": 0.15, "uncertain": 0.0}[d.date.status]
    conf -= (0.1 if hedged else 0.0) + (0.1 if d.status != "occurred" else 0.0)
    key = f"{ctx.source}|{sent.start + d.start}|{event_type}"
    return Event(
        id="ev-" + hashlib.sha1(key.encode()).hexdigest()[:12],
        event_type=event_type,
        sub_event_type=sub_type,
        date=d.date,
        places=places,
        actors=tuple(actors),
        sentence=s,
        sentence_start=sent.start,
        sentence_end=sent.end,
        source=ctx.source,
        outlets=tuple(outlets),
        figures=_figures_for(d, facts, event_type),
        confidence=round(max(0.05, min(0.95, conf)), 2),
        notes="; ".join(notes),
        extra=extra,
        sources=(ctx.source,) if ctx.source else (),
        sentences=(Sentence(sent.start, sent.end, s, ctx.source),),
        geo_precision=geo_precision(places, near),
        status=d.status,  # type: ignore[arg-type]
        weapons=tuple(k for o, k in facts.weapons if ca <= o < cb) or tuple(k for _o, k in facts.weapons),
    )

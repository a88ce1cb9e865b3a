"""News outlets a sentence cites: "according to The Washington Post", "ABC News reported",
"(The New York Times)" after a headline, "KABUL (Reuters) -" in a dateline.

Linear: each pattern anchors on a fixed word ("according to", "reported", a parenthesis) and reads
the name in a window of at most 80 characters next to it; the name is accepted when its last word
is a media word (:data:`MEDIA_WORDS`: "Times", "News", "Reuters", ...).
"""

from __future__ import annotations

import re

from mapapp.text.sentences import presence_pattern, words

__all__ = ["MEDIA_WORDS", "outlets", "resolve_outlets"]

MEDIA_WORDS = frozenset(
    words("""
    News Times Post Journal Guardian Telegraph Reuters Press Agency Tribune Herald Economist Pravda
    Independent Monitor Insider Politico Axios Bloomberg CNN BBC NPR AP AFP TASS Tass RIA Interfax
    Ukrinform UNIAN Unian Meduza Mediazona Forbes Wire Gazette Gazeta Observer Chronicle Express Mail
    Standard Radio TV Television Kommersant Vedomosti Izvestia Novosti Suspilne Hromadske Sky Al
    Jazeera Arabiya ISW Institute Xinhua Anadolu IRNA Yonhap Kyodo Dawn Haaretz Hurriyet Sputnik RT
    CBS NBC ABC Fox VOA Channel Network Online Daily Spiegel Bild Monde Rudaw Kurdistan24 Asharq
    Magazine Newsweek Bulletin Record Sun Star Mirror Digest Report Review Examiner Courier Sentinel
    Dispatch Inquirer Enquirer Ledger Register Beacon Globe Statesman Morning Evening Weekly Today
    Broadcasting Corporation Service Stars Stripes
    """)
)
_FULL_NAMES = frozenset({"Voice of America", "Al-Monitor", "Al Monitor", "Al Jazeera", "Al-Jazeera"})

_NAME = r"(?:[Tt]he\s+)?[A-Z][\w.&'’-]{0,30}(?:\s+(?:of\s+)?[A-Z][\w.&'’-]{0,30}){0,4}"
_NAME_START_RE = re.compile(_NAME)
_NAME_END_RE = re.compile(_NAME + r"$")
_AFTER_RE = re.compile(
    r"\b(?:according\s{1,4}to|reported\s{1,4}by|told|in\s{1,4}an\s{1,4}interview\s{1,4}with|cited\s{1,4}by|"
    r"quoted\s{1,4}by)\s{1,4}"
)
# ``(?<![\s,]),?\s{1,4}(?:reported|...)\b`` written to start with a character class (the regex
# engine then jumps from comma/blank to comma/blank): a comma or the first of 1-4 blanks, not after
# a blank or comma
_BEFORE_RE = re.compile(
    r"[,\s](?<![\s,][,\s])(?:(?<=,)\s{1,4}|(?<=\s)\s{0,3})"
    r"(?:reported|reports|notes|noted|wrote|writes|said|says|cited|quoted|reporting|quoting|citing)\b"
)
# the stems the verbs of _BEFORE_RE start with (a cheap first test)
_BEFORE_VERB_RE = presence_pattern(("report", "note", "wrote", "writes", "said", "says", "cited", "quot", "citing"))
# words one of which every _AFTER_RE match holds
_AFTER_WORDS = ("according", "told", "reported", "interview", "cited", "quoted")
_PAREN_END_RE = re.compile(r"\(([^()\n]{2,40})\)\s*$")
_PAREN_DATELINE_RE = re.compile(r"^[^()\n]{0,60}?\(([^()\n]{2,40})\)\s*[-–—]")


def _ok(name: str) -> bool:
    if name in _FULL_NAMES:
        return True
    words = name.split()
    return bool(words) and (words[-1] in MEDIA_WORDS or name in MEDIA_WORDS)


def _clean(name: str) -> str:
    name = name.strip()
    if name.endswith(".") and "." not in name.split()[-1][:-1]:
        name = name[:-1]
    return re.sub(r"^the\s+", "The ", name)


def _trim_to_media(name: str) -> str:
    """ "Tass news agency" -> "Tass"; keep the longest prefix ending in a media word."""
    words = name.split()
    for k in range(len(words), 0, -1):
        cand = " ".join(words[:k])
        if _ok(cand):
            return cand
    return ""


def outlets(sentence: str) -> list[str]:
    """Outlet names cited in ``sentence``, in text order, each once."""
    found: list[tuple[int, str]] = []
    s = sentence
    for m in _AFTER_RE.finditer(s) if any(w in s for w in _AFTER_WORDS) else ():
        nm = _NAME_START_RE.match(s, m.end(), min(len(s), m.end() + 90))
        if nm:
            found.append((nm.start(), _trim_to_media(_clean(nm.group(0)))))
    # a match ends with a verb and starts at most 5 characters before it: none starts before the
    # first verb stem less 5
    verb = _BEFORE_VERB_RE.search(s)
    for m in _BEFORE_RE.finditer(s, max(0, verb.start() - 5)) if verb else ():
        lo = max(0, m.start() - 90)
        nm = _NAME_END_RE.search(s, lo, m.start())
        if nm:
            name = _clean(nm.group(0))
            # "Russia's state-run Tass news agency reported": the words before the verb
            found.append((nm.start(), name if _ok(name) else ""))
        else:
            window = s[lo : m.start()]
            tail = re.search(r"([A-Z][\w.&'’-]{0,30}(?:\s+[\w.&'’-]{1,30}){0,3})$", window)
            if tail:
                found.append((lo + tail.start(), _trim_to_media(_clean(tail.group(1)))))
    tail_start = max(0, len(s) - 60)
    pm = _PAREN_END_RE.search(s, tail_start) if ")" in s else None
    if pm:
        found.append((pm.start(1), _clean(pm.group(1))))
    dm = _PAREN_DATELINE_RE.match(s[:110]) if "(" in s else None
    if dm:
        found.append((dm.start(1), _clean(dm.group(1))))
    out: list[str] = []
    for _, name in sorted(found):
        if name and _ok(name) and name not in out:
            out.append(name)
    return out


def resolve_outlets(names: list[str], known: list[str]) -> list[str]:
    """Short forms to the full name cited elsewhere in the article ("The Times" -> "The New York
    Times" when the article cites it), each once."""
    out: list[str] = []
    for n in names:
        if n.startswith("The ") and len(n.split()) == 2:
            full = next((k for k in known if k != n and k.endswith(" " + n.split()[1])), None)
            n = full or n
        if n not in out:
            out.append(n)
    return out

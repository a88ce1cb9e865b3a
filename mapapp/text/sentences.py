"""The one sentence splitter: sentences with character offsets, one abbreviation list.

Rules (in this order):

* a blank line, or a line break after a line that ends with ``.``/``!``/``?``/a closing quote, or
  a line break before a line that starts with a capital, a digit or a quote, ends a sentence
  (headlines, datelines, captions and one-sentence-per-line files stay apart); a line break
  inside a sentence that was hard-wrapped (the next line starts in lower case) does not, nor one
  inside a dotted abbreviation ("the U." / "S. embassy", "9:02 a." / "m. on Friday");
* ``.``, ``!``, ``?`` or ``…`` (with closing quotes/brackets) followed by white space and a
  capital, a digit or an opening quote ends a sentence, except after an abbreviation of
  :data:`ABBREVIATIONS` ("Sen.", "Gen.", "Jan.", "Calif."), an initial ("J.") or a dotted
  initialism ("U.S.", "D.C.") when the next word is a name;
* every sentence is trimmed of surrounding white space; a span without any letter is skipped.

Linear in the text: one scan for candidate boundaries; each check looks back a bounded number of
characters. Pure: stdlib only. :class:`mapapp.model.Sentence` is the result type.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from mapapp.model import Sentence


def words(text: str) -> tuple[str, ...]:
    """The white-space separated words of ``text`` (for word lists written as one string)."""
    return tuple(text.split())


__all__ = [
    "ABBREVIATIONS",
    "NUMBER_ABBREVIATIONS",
    "Sentence",
    "abbreviation_dot",
    "fold_case",
    "folded_twin",
    "plain_letters",
    "presence_pattern",
    "sentence_at",
    "split_sentences",
]

# the letters other than A-Z that IGNORECASE takes for an ASCII letter and ``str.lower`` does not
# turn into one (the Kelvin sign, also taken for "k", ``lower`` turns into "k")
_FOLD_TABLE = str.maketrans({"İ": "i", "ı": "i", "ſ": "s"})
_TWIN_TOKEN_RE = re.compile(r"\\.|\(\?P[<=]\w+|[A-Z]")


def fold_case(text: str) -> str:
    """``text`` in lower case, with the same length and offsets, such that a lower-case ASCII
    pattern matches it exactly where the same pattern with ``re.IGNORECASE`` matches ``text``
    (see :func:`folded_twin`). A case-sensitive search of a folded sentence is several times
    faster than an IGNORECASE search of the sentence."""
    if text.isascii():
        return text.lower()
    return plain_letters(text).lower()


def plain_letters(text: str) -> str:
    """``text`` with the letters that ``re.IGNORECASE`` takes for "i" and "s" but ``str.lower``
    does not turn into them (dotless "ı", dotted "İ", long "ſ") written as "i"/"s": same length,
    same offsets, so a case-insensitive match can be looked up in lower case ("thıs week")."""
    if "İ" in text or "ı" in text or "ſ" in text:
        return text.translate(_FOLD_TABLE)
    return text


def folded_twin(rx: re.Pattern[str]) -> re.Pattern[str]:
    """The case-sensitive twin of the IGNORECASE pattern ``rx`` (its letters in lower case) for
    text folded by :func:`fold_case`: same matches, same spans (groups read the folded text)."""
    src = rx.pattern
    cased = any(c.lower() != c.upper() for c in src if not c.isascii())
    if not rx.flags & re.IGNORECASE or "(?-" in src or "\\N" in src or cased:
        msg = f"no folded twin for {src[:40]!r}: not wholly case-insensitive"
        raise ValueError(msg)
    low = _TWIN_TOKEN_RE.sub(lambda m: m.group(0) if len(m.group(0)) > 1 else m.group(0).lower(), src)
    return re.compile(low, rx.flags & ~re.IGNORECASE)


_Trie = dict[str, "_Trie"]


def presence_pattern(words: Iterable[str], *, whole_words: bool = False) -> re.Pattern[str]:
    """A pattern that finds whether any of the literal ``words`` occurs in a text (with
    ``whole_words``, as ``\\b(?:word|...)\\b`` would), written as a trie ("c(?:all|ourt)|..."): the
    regex engine then tries one branch per first letter instead of every word. For presence tests
    only: the span found may differ (without ``whole_words``, a word that extends another is left
    out, its prefix is found first)."""
    trie: _Trie = {}
    for w in words:
        node = trie
        for c in w:
            node = node.setdefault(c, {})
        node[""] = {}

    def source(node: _Trie) -> str:
        alts = [re.escape(c) + source(sub) for c, sub in sorted(node.items()) if c]
        if "" in node:
            if not whole_words:
                return ""
            alts.append(r"\b")  # a word ends here
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    if not trie:
        return re.compile("(?!)")
    return re.compile(r"\b" + source(trie) if whole_words else source(trie))


#: Lower-case words that take a dot and do not end a sentence before a capitalised word: titles,
#: month and weekday abbreviations, AP-style US state abbreviations, company and street words.
ABBREVIATIONS: frozenset[str] = frozenset(
    words("""
    mr mrs ms messrs dr prof sen sens rep reps gov gen lt col maj capt cpt sgt cpl pvt adm cmdr cdr
    brig gens supt insp det rev hon pres amb sr jr st ste mt ft fr
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun
    ala ariz ark calif colo conn del fla ga ill ind kan kans ky la md mass mich minn miss mo mont
    neb nebr nev okla ore pa tenn tex va vt wash wis wisc wyo
    inc corp co ltd llc bros dept univ assn est approx vs etc ave blvd rd hwy
    """)
)

#: Abbreviations that do not end a sentence before a number ("No. 5", "Fig. 2", "pp. 10").
NUMBER_ABBREVIATIONS: frozenset[str] = frozenset(words("no nos vol fig figs p pp art sec ch op para"))

_OPEN = "\"'“‘([«"
_CLOSE = "\"'”’)]»"
_END_CHARS = ".!?…"
# a run of sentence-final punctuation, closing quotes/brackets, then white space (bounded runs)
_BOUNDARY_RE = re.compile(r"[.!?…]{1,8}[\"'”’)\]»]{0,4}(?=[ \t\u00a0]+)|\n")
_LETTER_RE = re.compile(r"[^\W\d_]")
_INITIAL_RE = re.compile(r"[A-Za-z]\.(?:[A-Za-z]\.)*(?![^\W\d_])")


def abbreviation_dot(text: str, i: int) -> bool:
    """True when the ``.`` at ``text[i]`` belongs to an abbreviation (:data:`ABBREVIATIONS`), an
    initial ("J.") or a dotted initialism ("U.S.") rather than ending a sentence.

    Looks back at most 12 characters (constant time).
    """
    if i < 0 or i >= len(text) or text[i] != ".":
        return False
    k = i - 1
    lo = max(0, i - 12)
    while k >= lo and (text[k].isalpha() or text[k] == "."):
        k -= 1
    word = text[k + 1 : i]
    if not word:
        return False
    if "." in word:  # U.S, D.C, a.m
        parts = [p for p in word.split(".") if p]
        return all(len(p) <= 2 for p in parts)
    if len(word) == 1 and word.isalpha():
        return word.isupper()  # an initial: "J. Smith"
    return word.lower() in ABBREVIATIONS


def _next_visible(text: str, j: int) -> tuple[int, str]:
    """Index and character of the first non-space character at or after ``j`` (skipping opening
    quotes), or (len, "")."""
    n = len(text)
    while j < n and text[j] in " \t\u00a0\r":
        j += 1
    k = j
    while k < n and text[k] in _OPEN and k - j < 3:
        k += 1
    return j, (text[k] if k < n else "")


def _line_break_ends(text: str, i: int) -> bool:
    """Does the line break at ``text[i]`` end a sentence?"""
    j, nxt = _next_visible(text, i + 1)
    if not nxt or nxt == "\n":
        return True  # blank line or end of text
    k = i - 1
    while k >= 0 and text[k] in " \t\u00a0\r":
        k -= 1
    prev = text[k] if k >= 0 else "\n"
    initial = prev == "." and k >= 1 and text[k - 1].isalpha() and (k < 2 or not text[k - 2].isalpha())
    if initial and _INITIAL_RE.match(text, j):
        return False  # a line break inside "U.S." or "a.m." ("... the U." / "S. embassy ..."): one sentence
    if prev == "\n" or prev in _END_CHARS or prev in _CLOSE or prev == ":":
        return True
    return not (nxt.islower() or nxt in ",;")


def _dot_ends(text: str, m: re.Match[str]) -> bool:
    """Does the punctuation run ``m`` (followed by white space) end a sentence?"""
    _j, nxt = _next_visible(text, m.end())
    if not nxt:
        return True
    if not (nxt.isupper() or nxt.isdigit() or nxt in _OPEN or nxt in "—–"):
        return False
    run = m.group(0)
    if run[0] != "." or len(run.rstrip(_CLOSE)) != 1:
        return True
    if nxt.isdigit() and _word_before(text, m.start()).lower() in NUMBER_ABBREVIATIONS:
        return False
    return not abbreviation_dot(text, m.start())


def _word_before(text: str, i: int) -> str:
    k = i - 1
    while k >= max(0, i - 12) and text[k].isalpha():
        k -= 1
    return text[k + 1 : i]


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of ``text`` with their spans: ``text[s.start:s.end] == s.text``.

    See the module docstring for the rules ("U.S. President Joe Biden spoke. Sen. Vance said no."
    is two sentences).
    """
    out: list[Sentence] = []
    cut = 0
    for m in _BOUNDARY_RE.finditer(text):
        if m.group(0) == "\n":
            if _line_break_ends(text, m.start()):
                _push(out, text, cut, m.start())
                cut = m.end()
        elif _dot_ends(text, m):
            _push(out, text, cut, m.end())
            cut = m.end()
    _push(out, text, cut, len(text))
    return out


def _push(out: list[Sentence], text: str, a: int, b: int) -> None:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    if b > a and _LETTER_RE.search(text, a, b):
        out.append(Sentence(a, b, text[a:b]))


def sentence_at(sentences: list[Sentence], offset: int) -> Sentence | None:
    """The sentence whose span holds character ``offset`` (binary search), or None."""
    lo, hi = 0, len(sentences)
    while lo < hi:
        mid = (lo + hi) // 2
        if sentences[mid].end <= offset:
            lo = mid + 1
        else:
            hi = mid
    if lo < len(sentences) and sentences[lo].start <= offset < sentences[lo].end:
        return sentences[lo]
    return None

"""Finding many fixed words and phrases in a text in one linear pass.

A regular expression with hundreds of alternatives ("attack|attacks|airstrike|...") is tried
branch by branch at every character; :class:`PhraseMatcher` instead splits the text into word
tokens once and looks each token up in a dictionary of the phrases that start with it, so the
cost is linear in the text and almost independent of the number of phrases.

A phrase matches whole words only: it is not preceded or followed by a letter, digit or hyphen,
and its words are separated in the text by one to three spaces or hyphens ("air strike",
"air-strike"). Case is ignored unless the matcher is built ``case_sensitive``.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from itertools import compress, islice

__all__ = ["PhraseMatcher", "Tokens", "tokens"]

_TOKEN_RE = re.compile(r"[^\W_]+(?:[.'’&][^\W_]+)*\.?")
_SEP_RE = re.compile(r"[\s-]{1,3}")
_SPLIT_RE = re.compile(r"[\s-]+")


def tokens(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, str]]:
    """Word tokens of ``text[start:end]`` as (start, end, surface); a trailing dot is kept only on
    dotted abbreviations ("U.S.")."""
    out: list[tuple[int, int, str]] = []
    for m in _TOKEN_RE.finditer(text, start, len(text) if end is None else end):
        a, b = m.span()
        w = m.group(0)
        if w.endswith(".") and "." not in w[:-1]:
            b -= 1
            w = w[:-1]
        out.append((a, b, w))
    return out


class Tokens:
    """The word tokens of one text, computed once and shared by every matcher: ``starts``,
    ``ends``, ``words`` (possessive "'s" removed) and ``lower`` (the same, lower case)."""

    __slots__ = ("ends", "lower", "starts", "text", "words")

    def __init__(self, text: str) -> None:
        # as :func:`tokens`, list by list (no per-token tuples); only the few tokens that end in a
        # dot or hold an apostrophe are looked at one by one
        self.text = text
        ms = list(_TOKEN_RE.finditer(text))
        self.starts = [m.start() for m in ms]
        self.ends = ends = [m.end() for m in ms]
        self.words = words = [m.group() for m in ms]
        if "." in text:
            for j in [j for j, w in enumerate(words) if w[-1] == "."]:
                w = words[j]
                if "." not in w[:-1]:
                    words[j] = w[:-1]
                    ends[j] -= 1
        if "'" in text or "’" in text:  # _base, inline
            self.words = words = [w[:-2] if len(w) > 2 and w[-2] in "'’" and w[-1] in "sS" else w for w in words]
        self.lower = list(map(str.lower, words))

    def span(self, a: int, b: int) -> tuple[int, int]:
        """Token index range of the tokens starting in ``a``..``b`` (character offsets)."""
        return bisect_left(self.starts, a), bisect_left(self.starts, b)


def _base(word: str) -> str:
    return word[:-2] if len(word) > 2 and word[-2] in "'’" and word[-1] in "sS" else word


class PhraseMatcher:
    """Whole-word phrase lookup (see the module docstring).

    Parameters
    ----------
    phrases
        The phrases; each is split into words at spaces and hyphens.
    case_sensitive
        Match the phrases' case exactly (names) instead of ignoring it.
    """

    def __init__(self, phrases: Iterable[str], *, case_sensitive: bool = False) -> None:
        self.case_sensitive = case_sensitive
        self._first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for p in phrases:
            words = tuple(w for w in _SPLIT_RE.split(p.strip()) if w)
            if not words:
                continue
            key = words if case_sensitive else tuple(w.lower() for w in words)
            self._first.setdefault(key[0], []).append((key, p))
        for lst in self._first.values():
            lst.sort(key=lambda x: -len(x[0]))
        self.max_words = max((len(k) for lst in self._first.values() for k, _ in lst), default=0)

    def finditer(self, text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int, str]]:
        """(start, end, phrase) of every non-overlapping match, longest first, in text order. A
        possessive ("Russia's") matches its name; the match then ends after the "'s"."""
        toks = Tokens(text)
        lo, hi = toks.span(start, len(text) if end is None else end)
        yield from self.find_in(toks, lo, hi)

    def find_in(self, toks: Tokens, lo: int = 0, hi: int | None = None) -> Iterator[tuple[int, int, str]]:
        """Like :meth:`finditer` over already computed tokens ``toks[lo:hi]``."""
        text = toks.text
        norm = toks.words if self.case_sensitive else toks.lower
        starts, ends = toks.starts, toks.ends
        first = self._first
        n = len(norm) if hi is None else hi
        nxt = lo  # a match may start at this token or later (not inside the previous match)
        # only the tokens that start a phrase are visited (the test runs in C over all tokens)
        for i in compress(range(lo, n), map(first.__contains__, islice(norm, lo, n))):
            if i < nxt:
                continue
            a = starts[i]
            if a > 0 and text[a - 1] == "-":
                continue
            for key, phrase in first[norm[i]]:
                k = len(key)
                if k > 1 and (i + k > n or norm[i + 1] != key[1] or tuple(norm[i : i + k]) != key):
                    continue  # (the second word first: "in" starts many phrases)
                if k > 1 and any(not _SEP_RE.fullmatch(text, ends[j], starts[j + 1]) for j in range(i, i + k - 1)):
                    continue
                b = ends[i + k - 1]
                if b < len(text) and text[b] == "-":
                    continue
                yield a, b, phrase
                nxt = i + k
                break

"""The one sentence splitter: spans, abbreviations, initials, line breaks, headlines."""

from __future__ import annotations

import re

import pytest

from mapapp.text.sentences import (
    abbreviation_dot,
    fold_case,
    folded_twin,
    presence_pattern,
    sentence_at,
    split_sentences,
)


def texts(text: str) -> list[str]:
    sents = split_sentences(text)
    assert all(text[s.start : s.end] == s.text for s in sents)
    return [s.text for s in sents]


def test_abbreviations_and_initials_do_not_end_a_sentence() -> None:
    text = "Gen. Smith met Sen. J. Doe in Washington, D.C. on Monday. The U.S. Army said No. 5 was hit. Kyiv was calm!"
    assert texts(text) == [
        "Gen. Smith met Sen. J. Doe in Washington, D.C. on Monday.",
        "The U.S. Army said No. 5 was hit.",
        "Kyiv was calm!",
    ]


def test_a_sentence_ending_in_no_still_ends() -> None:
    assert texts("He said no. Then he left.") == ["He said no.", "Then he left."]


def test_line_breaks_end_headlines_but_not_hard_wrapped_sentences() -> None:
    text = "Blast Kills Three in Kabul\nA bomb exploded near a market,\nkilling three people.\n\nPolice said."
    assert texts(text) == [
        "Blast Kills Three in Kabul",
        "A bomb exploded near a market,\nkilling three people.",
        "Police said.",
    ]
    # a line break inside "U.S." or "a.m." does not cut the sentence; one after "p.m." does
    text = "The truck hit the U.\nS. embassy at 9:02 a.\nm. on Friday.\nIt ended at 5 p.m.\nThen they left."
    assert texts(text) == [
        "The truck hit the U.\nS. embassy at 9:02 a.\nm. on Friday.",
        "It ended at 5 p.m.",
        "Then they left.",
    ]


def test_quotes_and_dashes_after_a_full_stop() -> None:
    text = 'He said it was over." The army disagreed. — Reporting by A. Writer.'
    assert texts(text) == ['He said it was over."', "The army disagreed.", "— Reporting by A. Writer."]


def test_abbreviation_dot_and_sentence_lookup() -> None:
    text = "Mr. Brown left. It rained."
    assert abbreviation_dot(text, 2) and not abbreviation_dot(text, text.index("left.") + 4)
    sents = split_sentences(text)
    found = sentence_at(sents, text.index("rained"))
    assert found is not None and found.text == "It rained."
    assert sentence_at(sents, len(text) + 5) is None


def test_blank_and_punctuation_only_input_has_no_sentences() -> None:
    assert texts("") == [] and texts("   \n\n  ") == [] and texts("... !!! ???") == []


def test_folded_twin_matches_where_the_case_insensitive_pattern_does() -> None:
    rx = re.compile(r"\b(?P<w>this|kills?|sKies|Iran)\b(?!\S)|[A-Z]{2}\d", re.I)
    twin = folded_twin(rx)
    # "İ"/"ı" are taken for "i", "ſ" for "s" and the Kelvin sign for "k" by IGNORECASE
    for text in ["THIS Kills", "thİs", "thıs kılls", "ſkieſ", "\u212aILLS", "IRAN-iran", "xIrAn", "ab1 Éd2", "İİ3"]:
        want = [(m.span(), m.group("w")) for m in rx.finditer(text)]
        got = [
            (m.span(), text[m.start("w") : m.end("w")] if m.group("w") else None)
            for m in twin.finditer(fold_case(text))
        ]
        assert got == want, text
        assert len(fold_case(text)) == len(text)
    with pytest.raises(ValueError):
        folded_twin(re.compile("abc"))


def test_presence_pattern_finds_whether_any_word_occurs() -> None:
    words = ["court", "courts", "call", "say", "said", "tell"]
    rx = presence_pattern(words)
    for text in ["the court", "recalled", "satellite", "he sa id", "", "SAID", "courtroom"]:
        assert bool(rx.search(text)) == any(w in text for w in words), text
    assert presence_pattern([]).search("anything") is None


def test_presence_pattern_of_whole_words() -> None:
    words = ["four", "fourteen", "no", "number"]
    rx = presence_pattern(words, whole_words=True)
    want = re.compile(r"\b(?:four|fourteen|no|number)\b")
    for text in ["fourteenth", "four-teen", "not now", "a number", "no", "numbers", "xfour", "fourteen"]:
        assert bool(rx.search(text)) == bool(want.search(text)), text

"""The app's pure model (mapapp.maps.model): place popups and border defaults, without Streamlit."""

from __future__ import annotations

from pathlib import Path

from mapapp.maps.model import analyse, border_pair, doc_from_file, place_marks

SEED = Path(__file__).resolve().parent.parent / "seeds" / "2024-11-17-atacms-inside-russia.txt"
FIRST = (
    "President Joe Biden authorized Ukraine to use U.S.-supplied long-range missiles inside Russia "
    "for the first time Sunday, according to multiple reports—an escalation of U.S. involvement in "
    "the conflict in response to North Korean troops being sent to aid Russia."
)


def test_popup_sentence_not_cut_at_abbreviation() -> None:
    doc = doc_from_file(str(SEED))
    assert FIRST in doc.text  # the seed's first sentence, as a reader sees it
    marks = {pm.place.name: pm for pm in place_marks(analyse(doc), {})}
    ukraine = marks["Ukraine"]
    assert FIRST in ukraine.sentences
    assert all(not s.endswith("U.S.") for pm in marks.values() for s in pm.sentences)


def test_unknown_border_key_goes_into_the_default_country() -> None:
    assert border_pair("UKR") == ("UKR", "RUS")
    assert border_pair("BLR") == ("BLR", "RUS")

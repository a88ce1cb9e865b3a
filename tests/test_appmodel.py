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


def test_a_city_the_article_names_is_one_row_of_the_reach_table() -> None:
    """The article's Kursk (the city) and the list of big cities' Kursk are the same place: one row."""
    from mapapp.data.weapons import get_weapon
    from mapapp.maps.model import doc_from_text, range_layers, reach_table

    doc = doc_from_text("Drones struck Kursk and Belgorod overnight, officials said.", "pasted")
    marks = place_marks(analyse(doc), {})
    assert {pm.place.kind for pm in marks if pm.place.name in ("Kursk", "Belgorod")} == {"city"}
    layers = range_layers([get_weapon("atacms-m57")], [], "UKR")
    rows = reach_table(layers, marks, "UKR")
    names = [(r.place, r.kind) for r in rows]
    assert names.count(("Kursk", "city")) == 1 and names.count(("Belgorod", "city")) == 1
    assert ("Voronezh", "city") in names  # the big cities are still listed


def test_air_bases_in_range_are_in_the_reach_table_and_on_the_map() -> None:
    """ISW counted the airfields within ATACMS range: the reach table lists the air bases inside
    the footprint (not those beyond it), and the map draws them as targets of their own kind."""
    from mapapp.data.weapons import get_weapon
    from mapapp.maps.model import range_layers, reach_table, targets_for_map

    layers = range_layers([get_weapon("atacms-m57")], [], "UKR")
    rows = reach_table(layers, [], "UKR")
    bases = {r.place: r for r in rows if r.kind == "airfield"}
    assert {"Millerovo Air Base", "Morozovsk Air Base", "Klimovo Air Base"} <= set(bases)
    assert all(r.in_range and 0 <= r.distance_km <= 300 for r in bases.values())
    assert "Engels Air Base" not in bases  # ~700 km from the border: beyond the range, not listed
    kinds = {t.name: t.kind for t in targets_for_map(rows)}
    assert kinds["Millerovo Air Base"] == "airfield" and kinds.get("Voronezh") == "city"

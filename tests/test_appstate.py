"""The app's pure logic: URL state round trip, upload and paste checks, HTML stripping."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from mapapp.errors import InputError
from mapapp.maps.viewstate import (
    MAX_ARTICLE_CHARS,
    LaunchPoint,
    ViewState,
    click_point,
    from_query,
    strip_html,
    text_from_paste,
    text_from_upload,
)
from mapapp.model import LonLat

SEEDS = ["2024-11-17-atacms-inside-russia.txt", "other.txt"]


def test_default_state_has_empty_query_and_reads_back() -> None:
    state = ViewState()
    assert state.to_query() == {}
    back, warnings = from_query({}, SEEDS)
    assert back == state and warnings == []


def test_full_state_round_trips_through_the_url() -> None:
    state = ViewState(
        article="seed:other.txt",
        weapons=("storm-shadow", "himars-gmlrs"),
        custom_km=150.0,
        launch=(LaunchPoint("Sumy", 34.7981, 50.9077), LaunchPoint("50.100°N 36.200°E", 36.2, 50.1)),
        border="",
        hidden=frozenset({"places", "rings:storm-shadow"}),
        tiles=True,
        center=LonLat(36.5, 51.25),
        zoom=7,
        date_from="2024-08-01",
        date_to="2024-11-17",
    )
    query = state.to_query()
    assert all(isinstance(v, str) for v in query.values())
    back, warnings = from_query(query, SEEDS)
    # everything comes back but the online tiles, which a link may not switch on by itself
    assert len(warnings) == 1 and "online map tiles" in warnings[0]
    assert back == replace(state, tiles=False)


def test_markdown_in_untrusted_text_is_inert() -> None:
    import re

    from mapapp.maps.viewstate import md

    shown = md("![x](http://10.255.255.1/t.png) [click](http://evil.example) *bold* <b>")
    assert re.search(r"(?<!\\)[!\[\]()*<>:]", shown) is None  # every such character is escaped
    assert md("no-such-missile, 2.5 km") == "no-such-missile, 2.5 km"  # plain text stays readable


def test_mangled_link_keeps_defaults_and_says_why() -> None:
    state, warnings = from_query(
        {
            "article": "../../etc/passwd",
            "km": "-5",
            "center": "abc",
            "zoom": "99",
            "launch": "Nowhere@500,500",
            "border": "Ukraine!",
            "from": "last week",
        },
        SEEDS,
    )
    assert state.seed_name == "2024-11-17-atacms-inside-russia.txt"
    assert state.custom_km is None and state.center is None and state.zoom is None
    assert state.launch == () and state.border == "UKR" and state.date_from == ""
    assert len(warnings) == 7
    assert any("passwd" in w for w in warnings)


@pytest.mark.parametrize("bad", ["2024-13-45", "2024-02-30", "0000-01-01", "2024-1-1x"])
def test_an_impossible_date_in_a_link_is_ignored_with_a_reason(bad: str) -> None:
    state, warnings = from_query({"from": bad, "to": "2024-03-01"}, SEEDS)
    assert state.date_from == "" and state.date_to == "2024-03-01"
    assert len(warnings) == 1 and bad in warnings[0]


def test_no_weapons_is_kept_distinct_from_default() -> None:
    state = ViewState(weapons=())
    back, _ = from_query(state.to_query(), SEEDS)
    assert back.weapons == ()


def test_toggled_layers() -> None:
    state = ViewState().toggled("rings:atacms-m57", False)
    assert not state.is_on("rings:atacms-m57") and state.is_on("footprint:atacms-m57")
    assert state.toggled("rings:atacms-m57", True).is_on("rings:atacms-m57")
    assert not ViewState(hidden=frozenset({"rings"})).is_on("rings:storm-shadow")


def test_click_point_wraps_longitude_and_names_it() -> None:
    p = click_point(50.5, 200.0)
    assert p.lon == pytest.approx(-160.0) and p.lat == 50.5
    assert "50.500°N" in p.name and "160.000°W" in p.name
    with pytest.raises(InputError):
        click_point(95.0, 10.0)


def test_strip_html_keeps_text_drops_scripts_and_decodes_entities() -> None:
    html = (
        "<html><head><title>T</title><style>p{color:red}</style></head><body>"
        "<h1>Strike &amp; response</h1><p>Missiles hit <b>Kursk</b>.</p>"
        "<script>alert('x'); var s = '<p>not text</p>';</script>"
        "<p>Second&nbsp;paragraph &lt;here&gt;</p><img src=x onerror=alert(1)></body></html>"
    )
    text = strip_html(html)
    assert text.splitlines() == ["Strike & response", "", "Missiles hit Kursk.", "", "Second paragraph <here>"]
    assert "alert" not in text and "color" not in text


def test_upload_txt_md_html() -> None:
    assert text_from_upload("a.txt", b"Kyiv was hit.\r\n") == "Kyiv was hit."
    assert text_from_upload("a.md", "\ufeff# Title\n\nKursk".encode()) == "# Title\n\nKursk"
    assert text_from_upload("a.HTML", b"<p>Kursk &amp; Belgorod</p>") == "Kursk & Belgorod"
    assert text_from_upload("a.txt", "Caf\xe9 in Kyiv".encode("cp1252")) == "Caf\u00e9 in Kyiv"


@pytest.mark.parametrize(
    ("name", "data", "fragment"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"  \n\t ", "empty"),
        ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
        ("doc.pdf", b"%PDF-1.4 hello", "extension"),
        ("empty.html", b"<html><script>var a=1;</script></html>", "no visible text"),
    ],
)
def test_bad_uploads_get_a_clear_message(name: str, data: bytes, fragment: str) -> None:
    with pytest.raises(InputError, match=fragment) as info:
        text_from_upload(name, data)
    assert repr(name) in str(info.value)


def test_upload_size_limits() -> None:
    big = b"Kyiv. " * (9 * 1024 * 1024)  # 54 MB
    with pytest.raises(InputError, match="MB limit"):
        text_from_upload("big.txt", big)
    with pytest.raises(InputError, match="far more than a news article"):
        text_from_upload("big.txt", big[: 50 * 1024 * 1024])
    with pytest.raises(InputError, match="characters"):
        text_from_upload("long.txt", b"a" * (MAX_ARTICLE_CHARS + 1))


def test_paste_checks() -> None:
    with pytest.raises(InputError, match="empty"):
        text_from_paste("   \n ")
    with pytest.raises(InputError, match="empty"):
        text_from_paste(None)
    assert text_from_paste("<p>Kursk</p><script>x()</script>") == "Kursk"
    assert text_from_paste("  Kyiv  ") == "Kyiv"


def test_html_upload_and_cli_read_the_same_text(tmp_path: Path) -> None:
    from mapapp.maps.viewstate import text_from_upload
    from mapapp.text.article import read_article

    page = (
        "<html><head><title>Strikes</title><style>p{}</style></head><body><svg><text>chart</text></svg>"
        "<p>Drones hit <b>Kyiv</b> &amp; Odesa.</p><iframe>ad</iframe><p>Five were killed.</p></body></html>"
    )
    f = tmp_path / "a.html"
    f.write_text(page, encoding="utf-8")
    uploaded = text_from_upload("a.html", page.encode())
    assert uploaded == read_article(f).text
    # no title, style, svg or iframe text
    assert uploaded.split() == ["Drones", "hit", "Kyiv", "&", "Odesa.", "Five", "were", "killed."]


@pytest.mark.parametrize("text", ["inf", "-inf", "1e309", "nan", "NaN", "-1", "19.5", "1e3", "six", ""])
def test_zoom_from_a_link_is_a_finite_number_or_a_warning(text: str) -> None:
    state, warnings = from_query({"zoom": text}, SEEDS)
    assert state.zoom is None
    assert warnings == ([] if text == "" else [w for w in warnings if "zoom" in w]) and (text == "" or warnings)


def test_zoom_keeps_its_fraction_both_ways() -> None:
    for text, value in (("6", 6.0), ("6.25", 6.25), ("0", 0.0), ("18.75", 18.75), ("7.123", 7.12)):
        state, warnings = from_query({"zoom": text}, SEEDS)
        assert warnings == [] and state.zoom == value
    assert ViewState(zoom=6.0).to_query()["zoom"] == "6"  # reopening `zoom=6` writes `zoom=6` back
    assert ViewState(zoom=6.25).to_query()["zoom"] == "6.25"


@pytest.mark.parametrize("center", ["inf,50", "30,nan", "1e309,10", "30", "30,91", "a,b"])
def test_center_from_a_link_is_checked(center: str) -> None:
    state, warnings = from_query({"center": center}, SEEDS)
    assert state.center is None and any("center" in w for w in warnings)


def test_fixes_store_and_library_article_round_trip() -> None:
    state = ViewState(
        article="lib:" + "0123456789abcdef" * 2,
        fixes=(("kursk region", "a1:RU.41"), ("odd | name ~ here", ""), ("paris", "gn:2988507")),
        store="/data/stores/ukraine 2024|v2",
        zoom=5.75,
        center=LonLat(30.12345, 50.54321),
    )
    back, warnings = from_query(state.to_query(), SEEDS)
    assert warnings == []
    assert back == state


def test_bad_fixes_and_library_ids_are_reported() -> None:
    state, warnings = from_query({"fix": "kyiv~gn:703448|nonsense|x~<script>", "article": "lib:../../etc"}, SEEDS)
    assert state.fixes == (("kyiv", "gn:703448"),)
    assert state.seed_name == "2024-11-17-atacms-inside-russia.txt"
    assert len(warnings) == 3 and any("library id" in w for w in warnings)

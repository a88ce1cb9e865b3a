"""The Streamlit script's logic, driven by streamlit.testing.v1.AppTest (no browser).

AppTest sees the st_folium map as a component with JSON arguments: the base map script, the
dynamic layer groups, the js/css links. That is enough to check what the map contains, that
toggles change only the layers, and that every asset is served locally.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "mapapp" / "app" / "page.py")
ATACMS_COLOR = "#CC6677"
FOOTPRINT = "lyr:footprint:atacms-m57"


def _app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _map_args(at: AppTest) -> dict[str, object]:
    comps = [c for c in at.get("component_instance") if c.proto.component_name.endswith("st_folium")]
    assert len(comps) == 1
    args: dict[str, object] = json.loads(comps[0].proto.json_args)
    return args


@pytest.fixture(scope="module")
def seeded() -> AppTest:
    return _app()


def test_opens_on_seed_with_places_events_and_footprint(seeded: AppTest) -> None:
    args = _map_args(seeded)
    layers = str(args["feature_group"])
    assert ATACMS_COLOR in layers  # the ATACMS footprint polygon
    assert "Kursk" in layers and "Kyiv" in layers  # places from the article
    assert "markerClusterGroup" in layers  # events
    assert any("Kursk" in str(df.value.to_dict()) for df in seeded.dataframe)
    titles = [c.label for c in seeded.sidebar.checkbox]
    assert "ATACMS 300 km from the UKR–RUS border" in titles and "Places (article)" in titles


def test_every_map_asset_is_served_locally(seeded: AppTest) -> None:
    args = _map_args(seeded)
    links = [*args["js_links"], *args["css_links"]]  # type: ignore[misc]
    assert links and all(str(u).startswith("/app/static/mapapp/") for u in links)
    for text in (args["script"], args["feature_group"], args["header"], args["layer_control"]):
        assert "http://" not in str(text) and "https://" not in str(text)
    static = Path(APP).parent / "static" / "mapapp"
    assert (static / "leaflet.js").is_file()


def test_toggling_a_layer_keeps_the_base_map() -> None:
    at = _app()
    before = _map_args(at)
    at.sidebar.checkbox(key=FOOTPRINT).uncheck().run()
    after = _map_args(at)
    assert ATACMS_COLOR not in str(after["feature_group"])
    assert after["script"] == before["script"]  # same base map: no reload in the browser
    assert after["key"] == before["key"]
    assert "footprint:atacms-m57" in str(at.query_params["hide"])
    at.sidebar.checkbox(key=FOOTPRINT).check().run()
    assert ATACMS_COLOR in str(_map_args(at)["feature_group"])


def test_changing_weapons_keeps_the_base_map() -> None:
    at = _app()
    before = _map_args(at)
    at.sidebar.multiselect(key="weapons").select("storm-shadow").run()
    after = _map_args(at)
    assert after["script"] == before["script"]
    assert "#117733" in str(after["feature_group"])  # Storm Shadow's catalogue colour
    assert str(at.query_params["weapons"]) == "atacms-m57,storm-shadow"


def test_unknown_place_name_gives_a_message_and_keeps_the_map() -> None:
    at = _app()
    at.sidebar.text_input(key="place_query").input("Xqzzyvillezz")
    at.sidebar.button[0].click().run()
    assert not at.exception
    assert any("Xqzzyvillezz" in w.value for w in at.warning)
    assert ATACMS_COLOR in str(_map_args(at)["feature_group"])


def test_known_place_name_becomes_a_launch_point_with_rings() -> None:
    at = _app()
    at.sidebar.text_input(key="place_query").input("Sumy")
    at.sidebar.button[0].click().run()
    assert not at.exception
    assert "Sumy" in at.sidebar.multiselect(key="launch_names").value
    assert '"kind":"rings"' in str(_map_args(at)["feature_group"])
    assert "Sumy@" in str(at.query_params["launch"])


def test_empty_paste_gives_a_message_and_keeps_the_previous_map() -> None:
    at = _app()
    at.sidebar.selectbox(key="article_choice").select("Paste text").run()
    at.sidebar.text_area(key="paste_text").input("   ")
    at.sidebar.button(key="FormSubmitter:paste_form-Map this text").click().run()
    assert not at.exception
    assert any("empty" in e.value for e in at.error)
    assert "Kursk" in str(_map_args(at)["feature_group"])  # the seed's map is still there


def test_article_with_no_places_warns() -> None:
    at = _app()
    at.sidebar.selectbox(key="article_choice").select("Paste text").run()
    at.sidebar.text_area(key="paste_text").input("nothing happened here today, said nobody.")
    at.sidebar.button(key="FormSubmitter:paste_form-Map this text").click().run()
    assert not at.exception
    assert any("No places" in w.value for w in at.warning)


def test_query_params_round_trip() -> None:
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["weapons"] = "storm-shadow"
    at.query_params["hide"] = "places"
    at.query_params["launch"] = "Sumy@34.7981,50.9077"
    at.query_params["zoom"] = "6"
    at.run()
    assert not at.exception
    assert at.sidebar.multiselect(key="weapons").value == ["storm-shadow"]
    assert at.sidebar.checkbox(key="lyr:places").value is False
    assert at.sidebar.multiselect(key="launch_names").value == ["Sumy"]
    args = _map_args(at)
    assert args["zoom"] == 6
    assert "#117733" in str(args["feature_group"])
    assert "Places (article)" not in str(args["layer_control"])
    assert "Reach targets" in str(args["layer_control"])
    assert str(at.query_params["weapons"]) == "storm-shadow"
    assert str(at.query_params["launch"]) == "Sumy@34.7981,50.9077"


def test_bad_link_values_are_reported_not_fatal() -> None:
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["zoom"] = "banana"
    at.query_params["weapons"] = "no-such-missile"
    at.run()
    assert not at.exception
    text = " ".join(w.value for w in at.warning)
    assert "banana" in text and "no-such-missile" in text


def test_two_sessions_do_not_share_state() -> None:
    first, second = _app(), _app()
    first.sidebar.checkbox(key=FOOTPRINT).uncheck().run()
    first.sidebar.multiselect(key="weapons").select("storm-shadow").run()
    second.run()
    assert ATACMS_COLOR not in str(_map_args(first)["feature_group"])
    assert ATACMS_COLOR in str(_map_args(second)["feature_group"])  # untouched by the first session
    assert second.sidebar.multiselect(key="weapons").value == ["atacms-m57"]
    assert second.sidebar.checkbox(key=FOOTPRINT).value

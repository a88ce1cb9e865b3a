"""The Streamlit script's logic, driven by streamlit.testing.v1.AppTest (no browser).

AppTest sees the map as a component with JSON arguments: the layers (key, title, shown or not,
digest and the URL of the file holding each layer's program), the view command, the assets.
That is enough to check what the map contains, that toggles change only which layers are shown,
that the view is only ever set by an explicit action, and that every asset is served locally.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from mapapp.app.mapview import STATIC_DIR, STATIC_PREFIX
from mapapp.maps.library import ArticleLibrary

APP = str(Path(__file__).resolve().parent.parent / "mapapp" / "app" / "page.py")
ATACMS_COLOR = "#CC6677"
FOOTPRINT = "lyr:footprint:atacms-m57"


@pytest.fixture(autouse=True, scope="module")
def _quiet_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """No warm snapshot browser (these tests take no picture); a library of their own."""
    mp = pytest.MonkeyPatch()
    lib = tmp_path_factory.mktemp("library")
    mp.setenv("MAPAPP_WARM_BROWSER", "0")
    mp.setenv("MAPAPP_LIBRARY_DIR", str(lib))
    yield lib
    mp.undo()


def _app(**query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert not at.dataframe  # a new session's first run draws the map, not yet the tables
    at.run()  # in a browser, the map's first report of its view reruns the page
    assert not at.exception, [e.message for e in at.exception]
    return at


def _map_args(at: AppTest) -> dict[str, object]:
    comps = [c for c in at.get("component_instance") if c.proto.component_name.endswith("mapapp_map")]
    assert len(comps) == 1
    args: dict[str, object] = json.loads(comps[0].proto.json_args)
    return args


def _layers(at: AppTest) -> dict[str, dict[str, object]]:
    return {str(lay["key"]): lay for lay in _map_args(at)["layers"]}  # type: ignore[union-attr,index,attr-defined]


def _code(layer: dict[str, object]) -> str:
    """A layer's program, as the browser fetches it from the served file."""
    if layer.get("code"):
        return str(layer["code"])
    url = str(layer["url"])
    assert url.startswith(STATIC_PREFIX + "/")
    return (STATIC_DIR / url[len(STATIC_PREFIX) + 1 :]).read_text(encoding="utf-8")


def _drawn(at: AppTest) -> str:
    """Everything the map's shown layers draw (their programs), as one string."""
    return "\n".join(_code(lay) for lay in _layers(at).values() if lay["on"])


def _place_names(at: AppTest) -> set[str]:
    """The names the places layer draws (each row is [lat, lon, name, popup, ...])."""
    import re

    return set(re.findall(r'\[-?[\d.]+,-?[\d.]+,"([^"]+)"', _code(_layers(at)["places"])))


@pytest.fixture(scope="module")
def seeded() -> AppTest:
    return _app()


def test_opens_on_seed_with_places_events_and_footprint(seeded: AppTest) -> None:
    drawn = _drawn(seeded)
    assert ATACMS_COLOR in drawn  # the ATACMS footprint polygon
    assert "Kursk" in drawn and "Kyiv" in drawn  # places from the article
    assert "markerClusterGroup" in drawn  # events
    assert any("Kursk" in str(df.value.to_dict()) for df in seeded.dataframe)
    titles = [c.label for c in seeded.sidebar.checkbox]
    assert "ATACMS 300 km from the UKR–RUS border" in titles and "Places (article)" in titles
    # one layer control: the sidebar lists the map control's entries, basemap included, in its order
    layers = _map_args(seeded)["layers"]
    sidebar = [c.label for c in seeded.sidebar.checkbox if str(c.key).startswith("lyr:")]
    assert sidebar == [lay["title"] for lay in layers]  # type: ignore[union-attr,index]
    assert {"countries", "admin1"} <= set(_layers(seeded))
    # the first view is a fit to the article's places (an explicit command, once)
    view = _map_args(seeded)["view"]
    assert isinstance(view, dict) and "bounds" in view and view["id"] == 1


def test_every_map_asset_is_served_locally(seeded: AppTest) -> None:
    args = _map_args(seeded)
    links = [*args["assets"]["js"], *args["assets"]["css"]]  # type: ignore[index]
    links += [u for lay in _layers(seeded).values() for u in [lay["url"], *lay["js"], *lay["css"]]]  # type: ignore[misc]
    assert links and all(str(u).startswith("/app/static/mapapp/") for u in links)
    for text in (args["setup"], _drawn(seeded)):
        assert "http://" not in str(text) and "https://" not in str(text)
    assert (STATIC_DIR / "leaflet.js").is_file()


def test_toggling_a_layer_changes_only_which_layers_are_shown() -> None:
    at = _app()
    before = _map_args(at)
    at.sidebar.checkbox(key=FOOTPRINT).uncheck().run()
    after = _map_args(at)
    lay_before, lay_after = _layers_of(before), _layers_of(after)
    assert lay_after["footprint:atacms-m57"]["on"] is False
    assert ATACMS_COLOR not in _drawn(at)
    # same layers, same programs: the browser swaps nothing and reloads nothing
    assert {k: v["digest"] for k, v in lay_after.items()} == {k: v["digest"] for k, v in lay_before.items()}
    assert after["setup"] == before["setup"] and after["view"] == before["view"]
    assert after["visible_rev"] != before["visible_rev"]  # the server set what is shown
    assert "footprint:atacms-m57" in str(at.query_params["hide"])
    at.sidebar.checkbox(key=FOOTPRINT).check().run()
    assert ATACMS_COLOR in _drawn(at)


def _layers_of(args: dict[str, object]) -> dict[str, dict[str, object]]:
    return {str(lay["key"]): lay for lay in args["layers"]}  # type: ignore[union-attr,index,attr-defined]


def test_changing_weapons_keeps_the_view() -> None:
    at = _app()
    before = _map_args(at)
    at.sidebar.multiselect(key="weapons").select("storm-shadow").run()
    after = _map_args(at)
    assert after["view"] == before["view"]  # a weapon is not a reason to move the map
    assert "#117733" in _drawn(at)  # Storm Shadow's catalogue colour
    assert str(at.query_params["weapons"]) == "atacms-m57,storm-shadow"


def test_unknown_place_name_gives_a_message_and_keeps_the_map() -> None:
    at = _app()
    at.sidebar.text_input(key="place_query").input("Xqzzyvillezz")
    at.sidebar.button[0].click().run()
    assert not at.exception
    assert any("Xqzzyvillezz" in w.value for w in at.warning)
    assert ATACMS_COLOR in _drawn(at)
    at.run()  # a rerun of the page (the map reporting its view does this) keeps the message
    assert any("Xqzzyvillezz" in w.value for w in at.warning)


def test_known_place_name_becomes_a_launch_point_with_rings() -> None:
    at = _app()
    at.sidebar.text_input(key="place_query").input("Sumy")
    at.sidebar.button[0].click().run()
    assert not at.exception
    assert "Sumy" in at.sidebar.multiselect(key="launch_names").value
    assert '"kind":"rings"' in _drawn(at)
    assert any("Added launch point Sumy" in s.value for s in at.success)
    # the city (GeoNames: 50.9216 N, 34.8003 E), not the oblast of the same name
    lon, lat = (float(x) for x in str(at.query_params["launch"]).split("@")[1].split(","))
    assert abs(lon - 34.80) < 0.05 and abs(lat - 50.92) < 0.05


def test_an_ambiguous_name_offers_the_other_places_of_that_name() -> None:
    at = _app()
    at.sidebar.text_input(key="place_query").input("Pokrovsk")
    at.sidebar.button[0].click().run()
    assert not at.exception
    assert any("Other places are called 'Pokrovsk'" in s.value for s in at.success)
    choice = at.sidebar.selectbox(key="place_choice")
    sakha = next(o for o in choice.options if "Sakha" in o)
    choice.select(sakha).run()
    next(b for b in at.sidebar.button if b.label == "Use this one instead").click().run()
    assert not at.exception
    lon, lat = (float(x) for x in str(at.query_params["launch"]).split("@")[1].split(","))
    assert lon > 100 and lat > 60  # Pokrovsk on the Lena (129 E, 61 N), not the Donetsk one
    assert len(at.sidebar.multiselect(key="launch_names").value) == 1


def test_typed_coordinates_become_a_launch_point() -> None:
    at = _app()
    at.sidebar.text_input(key="place_query").input("50.91, 34.80")
    at.sidebar.button[0].click().run()
    assert not at.exception
    assert str(at.query_params["launch"]).endswith("@34.8000,50.9100")


def test_empty_paste_gives_a_message_and_keeps_the_previous_map() -> None:
    at = _app()
    at.sidebar.selectbox(key="article_choice").select("Paste text").run()
    at.sidebar.text_area(key="paste_text").input("   ")
    at.sidebar.button(key="FormSubmitter:paste_form-Map this text").click().run()
    assert not at.exception
    assert any("empty" in e.value for e in at.error)
    assert "Kursk" in _drawn(at)  # the seed's map is still there


def test_article_with_no_places_warns() -> None:
    at = _app()
    at.sidebar.selectbox(key="article_choice").select("Paste text").run()
    at.sidebar.text_area(key="paste_text").input("nothing happened here today, said nobody.")
    at.sidebar.button(key="FormSubmitter:paste_form-Map this text").click().run()
    assert not at.exception
    assert any("No places" in w.value for w in at.warning)


def test_a_pasted_article_goes_into_the_library_and_moves_the_map(_quiet_env: Path) -> None:
    at = _app()
    first_view = _map_args(at)["view"]
    text = "Fighting was reported in Aleppo and Idlib on Tuesday, and air strikes hit Homs."
    at.sidebar.selectbox(key="article_choice").select("Paste text").run()
    at.sidebar.text_area(key="paste_text").input(text)
    at.sidebar.button(key="FormSubmitter:paste_form-Map this text").click().run()
    assert not at.exception
    ref = str(at.query_params["article"])
    assert ref.startswith("lib:")
    stored = ArticleLibrary(_quiet_env).get(ref[4:])
    assert stored is not None and stored.text == text
    view = _map_args(at)["view"]
    assert isinstance(view, dict) and isinstance(first_view, dict)
    assert view["id"] == first_view["id"] + 1  # a new article: one explicit move, to its places
    w, s, e, n = view["bounds"]  # type: ignore[misc]
    assert w <= 37.16 <= e and s <= 36.2 <= n  # Aleppo (37.16 E, 36.20 N) is in the fitted bounds
    assert "footprint:atacms-m57" in _layers(at)  # the weapon's footprint is kept


def test_keep_my_view_holds_the_view_when_the_article_changes() -> None:
    at = _app()
    at.toggle(key="keep_view").set_value(True).run()
    before = _map_args(at)["view"]
    at.sidebar.selectbox(key="article_choice").select("Paste text").run()
    at.sidebar.text_area(key="paste_text").input("Air strikes hit Aleppo and Idlib on Tuesday.")
    at.sidebar.button(key="FormSubmitter:paste_form-Map this text").click().run()
    assert not at.exception
    assert _map_args(at)["view"] == before


def test_query_params_round_trip() -> None:
    at = _app(weapons="storm-shadow", hide="places", launch="Sumy@34.7981,50.9077", zoom="6", center="36.5,51.25")
    assert at.sidebar.multiselect(key="weapons").value == ["storm-shadow"]
    assert at.sidebar.checkbox(key="lyr:places").value is False
    assert at.sidebar.multiselect(key="launch_names").value == ["Sumy"]
    args = _map_args(at)
    view = args["view"]
    assert isinstance(view, dict) and view["zoom"] == 6 and view["center"] == [51.25, 36.5]  # exact, [lat, lon]
    assert "#117733" in _drawn(at)
    layers = _layers(at)
    assert layers["places"]["on"] is False and layers["targets"]["on"] is True
    assert str(at.query_params["weapons"]) == "storm-shadow"
    assert str(at.query_params["launch"]) == "Sumy@34.7981,50.9077"


def test_a_link_with_a_library_article_reopens_it_with_its_fixes(_quiet_env: Path) -> None:
    text = "Air strikes hit Aleppo and Idlib on Tuesday, officials in Damascus said."
    key = ArticleLibrary(_quiet_env).put(text, "pasted text")
    at = _app(article=f"lib:{key}", fix="idlib~")
    assert at.sidebar.text_area(key="paste_text").value == text
    places = _place_names(at)
    assert {"Aleppo", "Damascus"} <= places and "Idlib" not in places  # the link's fix: not a place
    assert str(at.query_params["article"]) == f"lib:{key}" and str(at.query_params["fix"]) == "idlib~"


def test_a_link_whose_article_the_library_lacks_says_so() -> None:
    at = _app(article="lib:" + "ab" * 16, zoom="7", center="36.5,51.25")
    assert any("not in this computer's article library" in w.value for w in at.warning)
    view = _map_args(at)["view"]
    assert isinstance(view, dict) and view["zoom"] == 7  # the rest of the link still holds


@pytest.mark.parametrize("zoom", ["inf", "-inf", "1e309", "nan", "banana", "99"])
def test_bad_link_values_are_reported_not_fatal(zoom: str) -> None:
    at = _app(zoom=zoom, weapons="no-such-missile", center="1e309,inf")
    text = " ".join(w.value for w in at.warning)
    assert zoom in text and "no-such-missile" in text and "center" in text
    assert "bounds" in _map_args(at)["view"]  # type: ignore[operator]  (fitted to the article instead)


def test_a_link_with_a_bad_zoom_keeps_its_centre() -> None:
    at = _app(zoom="25", center="30.52,50.45")
    assert any("zoom" in w.value for w in at.warning)
    view = _map_args(at)["view"]
    assert isinstance(view, dict) and view["center"] == [50.45, 30.52] and 0 < view["zoom"] <= 19


def test_two_sessions_do_not_share_state() -> None:
    first, second = _app(), _app()
    first.sidebar.checkbox(key=FOOTPRINT).uncheck().run()
    first.sidebar.multiselect(key="weapons").select("storm-shadow").run()
    second.run()
    assert ATACMS_COLOR not in _drawn(first)
    assert ATACMS_COLOR in _drawn(second)  # untouched by the first session
    assert second.sidebar.multiselect(key="weapons").value == ["atacms-m57"]
    assert second.sidebar.checkbox(key=FOOTPRINT).value


def test_your_places_upload_puts_a_village_the_gazetteer_lacks_on_the_map(_quiet_env: Path) -> None:
    """The analyst's own places file, uploaded in the sidebar, places a village exactly (issue 14)."""
    at = _app()
    text = "Shelling hit Zorivtsi-Testove, a village near the front line, on Monday."
    at.sidebar.selectbox(key="article_choice").select("Paste text").run()
    at.sidebar.text_area(key="paste_text").input(text)
    at.sidebar.button(key="FormSubmitter:paste_form-Map this text").click().run()
    assert "places" not in _layers(at) or "Zorivtsi-Testove" not in _place_names(at)  # unknown: not on the map
    csv = "name,aliases,lat,lon,kind\nZorivtsi-Testove,Zorivtsi,48.123,37.456,city\n"
    at.sidebar.file_uploader(key="user_places_file").upload("my_villages.csv", csv.encode(), "text/csv").run()
    assert not at.exception, [e.message for e in at.exception]
    shown = [s.value.replace("\\", "") for s in at.success]  # markdown-escaped as it reaches the page
    assert any("Added 1 of your places from my_villages.csv" in v for v in shown), shown
    at.run()
    assert "Zorivtsi-Testove" in _place_names(at)
    bad = "name,lat,lon\nNowhere,95,200\n"
    at.sidebar.file_uploader(key="user_places_file").clear().upload("broken.csv", bad.encode(), "text/csv").run()
    assert not at.exception and any("broken.csv" in e.value.replace("\\", "") for e in at.error)

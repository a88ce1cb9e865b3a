"""The app's event-store view (sidebar "Event store"), driven by AppTest (no browser)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from mapapp.corpus.ingest import ingest

APP = str(Path(__file__).resolve().parent.parent / "mapapp" / "app" / "page.py")
ARTICLES = [
    ("2024-03-05", "Russian forces shelled Kharkiv on Monday, killing three civilians, officials said."),
    ("2024-04-02", "Missiles struck the outskirts of Odesa overnight, injuring 12 people."),
    ("2024-06-01", "Ukrainian drones struck a refinery in Tuapse on 30 May 2024, the ministry said."),
]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = tmp_path_factory.mktemp("src")
    for i, (day, text) in enumerate(ARTICLES):
        (src / f"a{i}.txt").write_text(f"---\npublished: {day}\n---\n{text}\n", encoding="utf-8")
    out = tmp_path_factory.mktemp("st") / "store"
    ingest([src], out, scheduler="sync", stream=None)
    return out


def _events_in_map(at: AppTest) -> str:
    """What the map's shown layers draw (their programs, as the browser fetches them)."""
    from tests.test_app import _drawn

    return _drawn(at)


@pytest.fixture(autouse=True)
def _no_warm_browser(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAPAPP_WARM_BROWSER", "0")


def test_store_view_with_date_slider(store: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    at.sidebar.text_input(key="store_dir").input(str(store)).run()
    assert not at.exception, [e.message for e in at.exception]
    args = _events_in_map(at)
    assert "Kharkiv" in args and "Tuapse" in args
    # the view controls speak of what is shown: the store, not an article
    assert at.button(key="fit_map").label == "Fit the map to the event store"
    assert at.toggle(key="keep_view").label == "Keep my view when the event store changes"
    first = at.slider(key="store_dates").value[0]
    at.slider(key="store_dates").set_value((first, dt.date(2024, 4, 30))).run()
    assert not at.exception
    args = _events_in_map(at)
    assert "Kharkiv" in args and "Tuapse" not in args
    # the store and its time window are in the link
    assert str(at.query_params["store"]) == str(store) and str(at.query_params["to"]) == "2024-04-30"


def test_a_store_link_reopens_the_store_and_its_window(store: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["store"] = str(store)
    at.query_params["to"] = "2024-04-30"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.sidebar.text_input(key="store_dir").value == str(store)
    assert at.slider(key="store_dates").value[1] == dt.date(2024, 4, 30)
    args = _events_in_map(at)
    assert "Kharkiv" in args and "Tuapse" not in args


def test_not_a_store_is_a_message(tmp_path: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    at.sidebar.text_input(key="store_dir").input(str(tmp_path)).run()
    assert not at.exception
    assert any("not an event store" in e.value for e in at.error)
    at.run()  # the message stays until the person does something
    assert any("not an event store" in e.value for e in at.error)


def test_a_link_to_a_missing_store_still_shows_the_article(tmp_path: Path) -> None:
    """A link whose store is not on this computer says so and shows the article, not a blank page."""
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["store"] = str(tmp_path / "nowhere")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert any("not an event store" in e.value or "nowhere" in e.value for e in at.error)
    assert at.sidebar.selectbox(key="article_choice").value  # the article chooser is there
    assert "Kursk" in _events_in_map(at)  # and the seed article's map


def test_a_store_link_keeps_the_chosen_article(store: Path) -> None:
    """Opening a store and closing it again brings back the article, and the store's link does
    not turn the article into an empty paste box."""
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    at.sidebar.text_input(key="store_dir").input(str(store)).run()
    assert not at.exception
    assert str(at.query_params.get("article", "")) != "paste"
    at.sidebar.text_input(key="store_dir").input("").run()
    assert "Kursk" in _events_in_map(at)

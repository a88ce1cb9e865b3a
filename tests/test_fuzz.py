"""A bounded fuzz suite: hostile inputs for every reader of user input, with fixed seeds.

Hypothesis runs derandomized (the same examples every run, no example database), with a fixed
number of examples per target so the whole file stays well under a minute. Each target may only
fail with our own errors (:class:`mapapp.errors.MapAppError` subclasses), and what it returns must
hold its invariants: spans match the text, coordinates are in range, scores lie in [0, 1].

Targets: the geoparser, event extraction, the JSON reader (:mod:`mapapp.jsonfiles`), the target
CSV/GeoJSON and line readers (:mod:`mapapp.geo.userfiles`), the event file importers
(:mod:`mapapp.corpus.files`), JSONL corpus sources (:func:`mapapp.corpus.ingest.iter_items`) and
the link parser (:func:`mapapp.maps.viewstate.from_query`).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mapapp.errors import MapAppError
from mapapp.model import Place

if TYPE_CHECKING:
    from mapapp.text.geoparse.parser import Geoparser


def fuzz(examples: int) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Hypothesis settings of this suite: fixed examples, no deadline, no saved database."""
    return settings(
        max_examples=examples,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        print_blob=True,
    )


# ----------------------------------------------------------------------------- strategies

#: Words that exercise the geoparser and event rules: ambiguous names, triggers, dates, numbers.
NAMES = [
    "Kharkiv", "Sumy", "Paris", "Springfield", "Georgia", "Jordan", "Washington", "Kyiv", "Donetsk",
    "Moscow", "Aleppo", "Khartoum", "Odesa", "Tripoli", "Alexandria", "Victoria", "Santiago", "Gaza",
    "San José", "Córdoba", "St. Petersburg", "New York", "Ukraine", "Russia", "Belgorod Oblast", "Texas",
]  # fmt: skip
WORDS = [
    "shelled", "struck", "killed", "injured", "near", "in", "the", "on", "Monday", "last week", "3 March 2024",
    "2024-03-05", "drone", "missile", "attack", "protesters", "gathered", "said", "Russian", "forces", "officials",
    ",", ".", "(", ")", "\n", "\n\n", "—", "%", "'s", "North", "Oblast", "region", "1,000", "12", "at least",
    "more than", "dozens", "according to", "Reuters", "AP", "«", "»", '"', "Mr.", "U.S.", "km", "miles", "between",
    "and", "of", "1e309", "0", "-1", "9" * 30, "NaN", "<script>", "&amp;", "\u200b", "\ufeff", "\u202e",
]  # fmt: skip
_noise = st.text(st.characters(blacklist_categories=["Cs"]), max_size=12)
_token = st.one_of(st.sampled_from(NAMES), st.sampled_from(WORDS), _noise)
_glue = st.sampled_from([" ", " ", " ", "", ", ", ". ", "\n", "\t", " - "])
TEXTS = st.lists(st.tuples(_token, _glue), max_size=50).map(lambda parts: "".join(t + g for t, g in parts))
#: News-like sentences with hostile fill-ins (so that event rules fire, not only bail out).
_fill = st.one_of(st.sampled_from(NAMES), st.sampled_from(WORDS), _noise)
SENTENCES = st.lists(
    st.tuples(
        st.sampled_from(["Russian forces", "Drones", "Police", "Militants", "Protesters", ""]),
        st.sampled_from(["shelled", "struck", "attacked", "dispersed", "gathered in", "will strike"]),
        _fill,
        st.sampled_from(["on Monday", "on 3 March 2024", "last week", "in October", "yesterday", ""]),
        st.one_of(st.integers(-5, 10**12).map(str), st.sampled_from(["three", "dozens of", "1,000", "1e23"])),
        _fill,
    ).map(lambda p: f"{p[0]} {p[1]} {p[2]} {p[3]}, killing {p[4]} people, {p[5]} said."),
    min_size=1,
    max_size=6,
).map(" ".join)

#: JSON-ish values, including what Python's reader accepts but JSON does not.
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["Point", "LineString", "MultiLineString", "MultiPoint", "Feature", "FeatureCollection"]),
)
_KEYS = ["type", "coordinates", "geometry", "properties", "features", "name", "id", "lat", "lon", "text"]
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5),
        st.dictionaries(st.sampled_from(_KEYS) | st.text(max_size=5), inner, max_size=5),
    ),
    max_leaves=30,
)
POSITIONS = st.lists(
    st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-400, 400), SCALARS), max_size=3
)


ALL_MANGLES = ("", "deep", "surrogate", "cut", "bigint")


@st.composite
def geojson_docs(draw: st.DrawFn, mangles: tuple[str, ...] = ALL_MANGLES) -> str:
    """GeoJSON-shaped text, often valid, often subtly broken (bad positions, NaN, deep nesting, bad escapes)."""
    kind = draw(st.sampled_from(["Point", "MultiPoint", "LineString", "MultiLineString", "junk"]))
    if kind == "Point":
        coords: object = draw(POSITIONS)
    elif kind in ("MultiPoint", "LineString"):
        coords = draw(st.lists(POSITIONS, max_size=4))
    elif kind == "MultiLineString":
        coords = draw(st.lists(st.lists(POSITIONS, max_size=4), max_size=3))
    else:
        coords = draw(VALUES)
    geom = {"type": kind, "coordinates": coords}
    feature = {
        "type": "Feature",
        "geometry": geom,
        "properties": draw(st.dictionaries(st.sampled_from(_KEYS), SCALARS)),
    }
    doc = draw(st.sampled_from([geom, feature, {"type": "FeatureCollection", "features": [feature, draw(VALUES)]}]))
    text = json.dumps(doc)  # NaN/Infinity appear as Python writes them
    mangle = draw(st.sampled_from(mangles))
    if mangle == "deep":
        text = "[" * draw(st.integers(60, 3000)) + text
    elif mangle == "surrogate":
        text = text.replace('"type"', '"\\udc00type"', 1)
    elif mangle == "cut":
        text = text[: draw(st.integers(0, max(0, len(text) - 1)))]
    elif mangle == "bigint":
        text = text.replace("[", "[" + "1" * draw(st.integers(90, 6000)) + ",", 1)
    return text


CSV_CELLS = st.one_of(
    st.sampled_from(["50.5", "-33.9", "181", "-91", "nan", "inf", "1e309", "", " ", "30,5", '"', '""', "=cmd|x"]),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(max_size=10),
)


@st.composite
def csv_texts(draw: st.DrawFn, headers: list[str]) -> str:
    cols = draw(st.lists(st.sampled_from(headers), min_size=1, max_size=6))
    rows = draw(st.lists(st.lists(CSV_CELLS, min_size=0, max_size=len(cols) + 2), max_size=8))
    sep = draw(st.sampled_from([",", ",", ";", "\t"]))
    eol = draw(st.sampled_from(["\n", "\r\n", "\r"]))

    def cell(c: str) -> str:
        return '"' + c.replace('"', '""') + '"' if draw(st.booleans()) else c

    return eol.join([sep.join(cols)] + [sep.join(cell(c) for c in r) for r in rows]) + draw(st.sampled_from(["", eol]))


def write(text: str, suffix: str) -> Path:
    """``text`` in a new temporary file (hypothesis examples cannot use function-scoped fixtures)."""
    fd, name = tempfile.mkstemp(suffix=suffix, dir=_tmpdir())
    with open(fd, "w", encoding="utf-8", errors="surrogatepass", newline="") as fh:
        fh.write(text)
    return Path(name)


@cache
def _tmpdir() -> str:
    return tempfile.mkdtemp(prefix="mapapp-fuzz-")


@cache
def parser() -> Geoparser:
    from mapapp.text.geoparse.parser import Geoparser

    return Geoparser()


# ----------------------------------------------------------------------------- invariants


def check_place(p: Place) -> None:
    assert math.isfinite(p.lon) and -180.0 <= p.lon <= 180.0, p
    assert math.isfinite(p.lat) and -90.0 <= p.lat <= 90.0, p


def check_unit(v: float, what: str) -> None:
    assert 0.0 <= v <= 1.0, f"{what} {v!r} is outside [0, 1]"


# ----------------------------------------------------------------------------- geoparser and events


@fuzz(150)
@given(TEXTS)
def test_geoparser(text: str) -> None:
    try:
        mentions = parser().parse(text)
    except MapAppError:
        return
    starts = [m.start for m in mentions]
    assert starts == sorted(starts)
    for m in mentions:
        assert 0 <= m.start < m.end <= len(text) and text[m.start : m.end] == m.surface, m
        check_unit(m.score, f"score of {m.surface!r}")
        if m.place is not None:
            check_place(m.place)
        for alt in m.alternatives:
            check_place(alt)


@fuzz(120)
@given(TEXTS | SENTENCES, st.one_of(st.none(), st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31))))
def test_events(text: str, published: dt.date | None) -> None:
    from mapapp.text.events.extract import extract_events

    try:
        events = extract_events(text, published, source="fuzz.txt", mentions=parser().parse(text))
    except MapAppError:
        return
    for e in events:
        assert 0 <= e.sentence_start <= e.sentence_end <= len(text), e
        assert e.sentence.strip() in text[e.sentence_start : e.sentence_end] or not e.sentence.strip(), e
        check_unit(e.confidence, "confidence")
        for p in e.places:
            check_place(p)
        if e.date is not None:
            start, end = dt.date.fromisoformat(e.date.start), dt.date.fromisoformat(e.date.end)
            assert start <= end, e.date
        assert all(isinstance(f.value, int) and f.value >= 0 for f in e.figures), e.figures


# ----------------------------------------------------------------------------- JSON


@fuzz(200)
@given(st.one_of(st.text(max_size=200), VALUES.map(json.dumps), geojson_docs()))
def test_json_reader(text: str) -> None:
    from mapapp import jsonfiles

    try:
        value = jsonfiles.loads(text, "fuzz.json")
    except jsonfiles.JSONInputError as err:
        assert "\n" not in str(err) and str(err).startswith("fuzz.json")
        return
    # whatever it accepts can be written back as strict JSON and reads back the same
    assert jsonfiles.loads(jsonfiles.dumps(value), "again") == value


@fuzz(150)
@given(geojson_docs())
def test_geojson_targets_and_lines(text: str) -> None:
    from mapapp.geo.userfiles import read_line, read_targets

    path = write(text, ".geojson")
    try:
        t = read_targets(path)
        assert len(t.frame) > 0
        assert t.frame["lon"].between(-180, 180).all() and t.frame["lat"].between(-90, 90).all()
        assert all("\n" not in p for p in t.problems)
    except MapAppError as err:
        assert "\n" not in str(err)
    try:
        line = read_line(path)
        w, s, e, n = line.bounds
        assert -180 <= w <= e <= 180 and -90 <= s <= n <= 90
    except MapAppError as err:
        assert "\n" not in str(err)


@fuzz(150)
@given(csv_texts(["name", "lat", "lon", "latitude", "lng", "x", "y", "id", "other", ""]))
def test_csv_targets(text: str) -> None:
    from mapapp.geo.userfiles import read_targets

    try:
        t = read_targets(write(text, ".csv"))
    except MapAppError as err:
        assert "\n" not in str(err)
        return
    assert len(t.frame) > 0
    assert t.frame["lon"].between(-180, 180).all() and t.frame["lat"].between(-90, 90).all()


EVENT_COLUMNS = [
    "event_date", "event_type", "sub_event_type", "latitude", "longitude", "location", "country", "fatalities",
    "actor1", "notes", "source", "event_id_cnty", "mapapp_places", "mapapp_figures", "time_precision", "x",
]  # fmt: skip


def _check_import(result: Any) -> None:
    for e in result.events:
        for p in e.places:
            check_place(p)
        check_unit(e.confidence, "confidence")
        assert all(isinstance(f.value, int) and f.value >= 0 for f in e.figures), e.figures


@fuzz(120)
@given(csv_texts(EVENT_COLUMNS))
def test_event_csv_import(text: str) -> None:
    from mapapp.corpus.files import import_csv

    try:
        result = import_csv(write(text, ".csv"))
    except MapAppError as err:
        assert "\n" not in str(err)
        return
    _check_import(result)


@fuzz(100)
@given(geojson_docs(mangles=("", "surrogate", "cut")))  # deep nesting and long numbers: the two tests below
def test_event_geojson_import(text: str) -> None:
    from mapapp.corpus.files import import_geojson

    try:
        result = import_geojson(write(text, ".geojson"))
    except MapAppError as err:
        assert "\n" not in str(err)
        return
    _check_import(result)


def test_event_geojson_import_deep_nesting(tmp_path: Path) -> None:
    from mapapp.corpus.files import import_geojson

    f = tmp_path / "deep.geojson"
    f.write_text("[" * 100_000, encoding="utf-8")
    with pytest.raises(MapAppError):
        import_geojson(f)


def test_event_geojson_import_long_number(tmp_path: Path) -> None:
    from mapapp.corpus.files import import_geojson

    f = tmp_path / "long.geojson"
    f.write_text('{"type": "Point", "coordinates": [' + "1" * 5000 + ", 50]}", encoding="utf-8")
    with pytest.raises(MapAppError):
        import_geojson(f)


@fuzz(120)
@given(
    st.lists(
        st.one_of(
            st.fixed_dictionaries(
                {"text": TEXTS},
                optional={"id": SCALARS | VALUES, "published": SCALARS, "source": SCALARS, "title": SCALARS},
            ).map(json.dumps),
            VALUES.map(json.dumps),
            st.text(max_size=40),
            geojson_docs(),
        ),
        max_size=6,
    )
)
def test_jsonl_corpus_lines(lines: list[str]) -> None:
    from mapapp.corpus.ingest import Failure, Item, iter_items

    path = write("\n".join(x.replace("\n", " ") for x in lines) + "\n", ".jsonl")
    for it in iter_items([path], "2024-03-05"):
        assert isinstance(it, (Item, Failure))
        if isinstance(it, Failure):
            assert "\n" not in it.reason and it.where.startswith(str(path))
        else:
            assert it.text.strip() and "\x00" not in it.text and isinstance(it.source_id, str)
            it.source_id.encode("utf-8")  # writable: no lone surrogates


# ----------------------------------------------------------------------------- links

QUERY_KEYS = ["article", "weapons", "km", "launch", "border", "hide", "tiles", "center", "zoom", "from", "to", "x"]
QUERY_VALUES = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["inf", "-inf", "1e309", "nan", "-0", "0x10", "1_000", "9" * 400, "none", "osm", "seed:../../x"]),
    st.lists(st.sampled_from(NAMES), max_size=4).map(",".join),
    st.tuples(st.floats(), st.floats()).map(lambda p: f"{p[0]},{p[1]}"),
    st.lists(st.tuples(st.sampled_from(NAMES), st.floats(), st.floats()), max_size=3).map(
        lambda pts: "|".join(f"{n}@{x},{y}" for n, x, y in pts)
    ),
)


@fuzz(150)
@given(
    st.dictionaries(
        st.sampled_from(QUERY_KEYS) | st.text(max_size=6),
        QUERY_VALUES | st.lists(QUERY_VALUES, max_size=3),
        max_size=8,
    )
)
def test_link_parser(params: dict[str, Any]) -> None:
    from mapapp.maps.viewstate import from_query

    state, warnings = from_query(params, seeds=["2024-11-17-atacms-inside-russia.txt"])
    assert all(isinstance(w, str) and "\n" not in w for w in warnings)
    if state.center is not None:
        assert -180 <= state.center.lon <= 180 and -90 <= state.center.lat <= 90
    if state.zoom is not None:
        assert 0 <= state.zoom <= 19
    if state.custom_km is not None:
        assert math.isfinite(state.custom_km) and state.custom_km > 0
    for p in state.launch:
        assert -180 <= p.lon <= 180 and -90 <= p.lat <= 90
    # the link of a state read from a link is read without warnings, back to the same link
    # (the link keeps coordinates to 4 decimals, so compare links, not states)
    link = state.to_query()
    again, more = from_query(link, seeds=["2024-11-17-atacms-inside-russia.txt"])
    assert not more and again.to_query() == link


@pytest.mark.parametrize("zoom", ["inf", "-inf", "1e309"])
def test_link_parser_infinite_zoom(zoom: str) -> None:
    from mapapp.maps.viewstate import from_query

    state, warnings = from_query({"zoom": zoom})
    assert state.zoom is None and warnings

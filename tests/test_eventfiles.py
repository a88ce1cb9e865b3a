"""ACLED-style CSV and GeoJSON import/export: bad rows reported by line, round trips lossless."""

from __future__ import annotations

import csv
import io
import json
import time
from pathlib import Path

import pytest

from mapapp.corpus.files import (
    export_csv,
    export_geojson,
    import_csv,
    import_file,
    import_geojson,
    to_csv_text,
    to_geojson,
)
from mapapp.errors import InputError

HEADER = (
    "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,"
    "actor2,country,admin1,location,latitude,longitude,fatalities,notes,source,tags\n"
)
GOOD1 = (
    "UKR1,2024-11-17,2024,1,Political violence,Explosions/Remote violence,Air/drone strike,"
    "Military Forces of Russia (2000-),Civilians (Ukraine),Ukraine,Kyiv City,Kyiv,50.4501,30.5234,5,"
    '"Drones hit Kyiv.\nA second line of notes.",Ukrainska Pravda;Kyiv Independent,\n'
)  # lines 2-3
BAD_LAT_MISSING = "UKR2,2024-11-17,2024,1,,Battles,Armed clash,A,B,Russia,Kursk,Sudzha,,35.27,0,x,y,\n"  # 4
BAD_DATE = "UKR3,2024-13-01,2024,1,,Battles,Armed clash,A,B,Russia,Kursk,Sudzha,51.19,35.27,0,x,y,\n"  # 5
BAD_LAT_FAT = "UKR4,2024-11-01,2024,1,,Battles,Armed clash,A,B,Russia,Kursk,Sudzha,123,35.27,two,x,y,\n"  # 6
GOOD2 = "UKR5,2 November 2024,2024,1,,Battles,Armed clash,A,,Russia,Kursk,Sudzha,51.19,35.27,,x,y,t\n"  # 7
SHORT = "UKR6,2024-11-02,2024\n"  # 8


def test_bad_rows_reported_with_line_and_reason_good_rows_load() -> None:
    res = import_csv(io.StringIO(HEADER + GOOD1 + BAD_LAT_MISSING + BAD_DATE + BAD_LAT_FAT + GOOD2 + SHORT))
    assert [e.id for e in res.events] == ["UKR1", "UKR5"]
    got = {err.line: err.reason for err in res.errors}
    assert set(got) == {4, 5, 6, 8}
    assert got[4] == "missing latitude"
    assert "'2024-13-01'" in got[5] and "not a date" in got[5]
    assert "latitude '123'" in got[6] and "fatalities 'two'" in got[6]
    assert "3 fields" in got[8]


def test_row_values_mapped_without_alteration() -> None:
    res = import_csv(io.StringIO(HEADER + GOOD1 + GOOD2))
    e1, e5 = res.events
    assert e1.date is not None and (e1.date.start, e1.date.precision, e1.date.status) == (
        "2024-11-17",
        "day",
        "reported",
    )
    assert (e1.places[0].lon, e1.places[0].lat, e1.places[0].name) == (30.5234, 50.4501, "Kyiv")
    assert e1.actors == ("Military Forces of Russia (2000-)", "Civilians (Ukraine)")
    assert [(f.label, f.value) for f in e1.figures] == [("fatalities", 5)]
    assert e1.notes == "Drones hit Kyiv.\nA second line of notes."
    assert e1.source == "Ukrainska Pravda;Kyiv Independent"
    assert e1.extra["disorder_type"] == "Political violence" and e1.extra["admin1"] == "Kyiv City"
    assert e5.date is not None and e5.date.start == "2024-11-02"  # ACLED's "2 November 2024"
    assert e5.figures == () and e5.actors == ("A",) and e5.extra["tags"] == "t"


def test_csv_round_trip_equal(tmp_path: Path) -> None:
    res = import_csv(io.StringIO(HEADER + GOOD1 + GOOD2))
    out = tmp_path / "out.csv"
    export_csv(res.events, out, res.columns)
    again = import_csv(out)
    assert again.errors == [] and again.columns == res.columns
    assert again.events == res.events
    assert [e.extra for e in again.events] == [e.extra for e in res.events]


def test_geojson_round_trip_equal(tmp_path: Path) -> None:
    res = import_csv(io.StringIO(HEADER + GOOD1 + GOOD2))
    out = tmp_path / "out.geojson"
    export_geojson(res.events, out, res.columns)
    fc = json.loads(out.read_text())
    assert fc["type"] == "FeatureCollection"
    assert fc["features"][0]["geometry"] == {"type": "Point", "coordinates": [30.5234, 50.4501]}
    again = import_file(out)
    assert again.errors == [] and again.events == res.events
    assert [e.extra for e in again.events] == [e.extra for e in res.events]


def test_geojson_bad_features_numbered(tmp_path: Path) -> None:
    fc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [30.5, 50.4]},
                "properties": {"event_date": "2024-11-17", "event_type": "Battles"},
            },
            {"type": "Feature", "geometry": None, "properties": {"event_date": "2024-11-17"}},
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [30.5, 95.0]},
                "properties": {"event_date": "2024-11-17"},
            },
        ],
    }
    p = tmp_path / "f.geojson"
    p.write_text(json.dumps(fc))
    res = import_geojson(p)
    assert len(res.events) == 1 and res.events[0].places[0].lonlat == (30.5, 50.4)
    assert [(e.line, e.unit) for e in res.errors] == [(2, "feature"), (3, "feature")]
    assert "latitude '95.0'" in res.errors[1].reason


def test_missing_required_column_is_an_input_error() -> None:
    with pytest.raises(InputError, match="latitude"):
        import_csv(io.StringIO("event_date,longitude\n2024-01-01,3\n"))


def test_extracted_events_export_and_reimport_keep_date_range() -> None:
    from mapapp.text.events.extract import extract_events

    text = "Russia attacked targets in Kyiv with drones Saturday night into Sunday."
    evs = extract_events(text, "2024-11-17", mentions=[])
    assert evs
    text = to_csv_text(evs)
    back = import_csv(io.StringIO(text))
    assert back.errors == []
    d = back.events[0].date
    assert d is not None and (d.start, d.end, d.precision, d.status) == (
        "2024-11-16",
        "2024-11-17",
        "range",
        "inferred",
    )
    assert back.events[0].actors[:2] == evs[0].actors[:2]
    gj = to_geojson(evs)
    assert gj["type"] == "FeatureCollection"


def test_ten_thousand_rows_load_quickly() -> None:
    rows = [
        f"E{i},2024-11-{1 + i % 28:02d},2024,1,,Battles,Armed clash,A,B,Ukraine,X,Loc{i},"
        f"{45 + (i % 500) / 100},{30 + (i % 700) / 100},{i % 4},n,s,\n"
        for i in range(10_000)
    ]
    rows[5000] = rows[5000].replace(",Loc5000,45.0,", ",Loc5000,abc,")
    t0 = time.perf_counter()
    res = import_csv(io.StringIO(HEADER + "".join(rows)))
    elapsed = time.perf_counter() - t0
    assert len(res.events) == 9_999
    assert [(e.line, "not a number" in e.reason) for e in res.errors] == [(5002, True)]
    assert elapsed < 10.0


def test_whole_number_coordinates_load_as_floats() -> None:
    res = import_csv(io.StringIO("event_date,latitude,longitude\n2024-01-01,50,30\n2024-01-02,-90,180\n"))
    assert res.errors == []
    assert [e.places[0].lonlat for e in res.events] == [(30.0, 50.0), (180.0, -90.0)]
    assert all(isinstance(e.places[0].lon, float) for e in res.events)


def test_whole_number_coordinates_still_range_checked() -> None:
    res = import_csv(io.StringIO("event_date,latitude,longitude\n2024-01-01,91,30\n"))
    assert res.events == [] and "latitude '91' is outside" in res.errors[0].reason


_PLACE = {"id": "pt:1", "name": "X", "kind": "city", "lon": 30.5, "lat": 50.4}


@pytest.mark.parametrize(
    ("column", "value", "expect"),
    [
        ("mapapp_places", '[{"foo": 1}]', "lacks"),
        ("mapapp_places", "5", "not a list of place objects"),
        ("mapapp_places", '["x"]', "not a list of place objects"),
        ("mapapp_places", "{not json", "not JSON"),
        ("mapapp_places", json.dumps([{**_PLACE, "lon": 500}]), "lon 500"),
        ("mapapp_places", json.dumps([{**_PLACE, "lat": "north"}]), "lat 'north'"),
        ("mapapp_places", json.dumps([{**_PLACE, "kind": "planet"}]), "kind 'planet'"),
        ("mapapp_places", json.dumps([{**_PLACE, "population": [1]}]), "malformed"),
        ("mapapp_figures", "[[1]]", "mapapp_figures"),
        ("mapapp_figures", '[["killed", "many"]]', "mapapp_figures"),
        ("mapapp_figures", "7", "mapapp_figures"),
    ],
)
def test_malformed_mapapp_columns_are_row_errors(column: str, value: str, expect: str) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["event_date", "latitude", "longitude", column])
    w.writerow(["2024-01-01", "50.1", "30.1", ""])
    w.writerow(["2024-01-02", "50.2", "30.2", value])
    res = import_csv(io.StringIO(buf.getvalue()))
    assert len(res.events) == 1 and res.events[0].date is not None
    assert res.events[0].date.start == "2024-01-01"
    assert len(res.errors) == 1 and res.errors[0].line == 3
    assert expect in res.errors[0].reason


def test_valid_mapapp_places_and_figures_load() -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["event_date", "latitude", "longitude", "mapapp_places", "mapapp_figures"])
    w.writerow(["2024-01-01", "50.1", "30.1", json.dumps([_PLACE]), '[["killed", 3, "at least"]]'])
    res = import_csv(io.StringIO(buf.getvalue()))
    assert res.errors == []
    e = res.events[0]
    assert e.places[0].lonlat == (30.5, 50.4) and e.places[0].name == "X"
    assert [(f.label, f.value, f.qualifier) for f in e.figures] == [("killed", 3, "at least")]
    assert e.figure_qualifiers == ("at least",)


def test_duplicate_header_names_are_an_input_error() -> None:
    with pytest.raises(InputError, match=r"duplicate column name\(s\) \['latitude', 'notes'\]"):
        import_csv(io.StringIO("event_date,latitude,longitude,notes,latitude,notes\n2024-01-01,50,30,a,51,b\n"))


# --------------------------------------------------------------------------------------------
# Hostile CSV (issue 15 item 9) and the one event schema

H9 = "event_id_cnty,event_date,latitude,longitude,fatalities,notes\n"


def test_unclosed_quote_is_reported_and_the_rows_it_swallowed_still_load() -> None:
    text = (
        H9
        + 'A,2024-01-01,50,30,1,"unclosed note\n'
        + "B,2024-01-02,51,31,2,second row\n"
        + 'C,2024-01-03,52,32,3,"a note\non two lines"\n'
        + "D,2024-01-04,53,33,4,x\n"
    )
    res = import_csv(io.StringIO(text))
    assert [e.id for e in res.events] == ["B", "C", "D"]
    assert [e.line for e in res.errors] == [2] and "not closed" in res.errors[0].reason
    assert res.events[1].notes == "a note\non two lines"


@pytest.mark.parametrize(
    ("fatalities", "ok"),
    [("1e23", False), ("1.0", False), ("-1", False), ("10000001", False), ("0", True), ("42", True), (" 7 ", True)],
)
def test_fatalities_must_be_a_whole_number_written_in_digits(fatalities: str, ok: bool) -> None:
    res = import_csv(io.StringIO(H9 + f"A,2024-01-01,50,30,{fatalities},x\n"))
    assert (len(res.events) == 1) is ok
    if ok:
        assert [(f.label, f.value) for f in res.events[0].figures] == [("fatalities", int(fatalities))]
    else:
        assert "fatalities" in res.errors[0].reason


@pytest.mark.parametrize("day", ["0000-01-01", "2024-02-30", "9999-01-01", "yesterday"])
def test_impossible_dates_are_rejected(day: str) -> None:
    res = import_csv(io.StringIO(H9 + f"A,{day},50,30,1,x\n"))
    assert res.events == [] and "is not a date" in res.errors[0].reason


def test_formula_cells_are_exported_as_text_and_read_back_unchanged(tmp_path: Path) -> None:
    risky = ["=cmd|' /C calc'!A0", "+1+1", "@SUM(A1)", "-2+3"]
    rows = "".join(f'R{i},2024-01-01,50,-30.5,1,"{v}"\n' for i, v in enumerate(risky))
    res = import_csv(io.StringIO(H9 + rows))
    out = tmp_path / "out.csv"
    export_csv(res.events, out, res.columns)
    written = list(csv.DictReader(io.StringIO(out.read_text())))
    assert [r["notes"] for r in written] == ["'" + v for v in risky]
    assert all(r["longitude"] == "-30.5" for r in written)  # numbers stay numbers
    again = import_csv(out)
    assert [e.notes for e in again.events] == risky and again.events == res.events


def test_geo_precision_column_is_read_checked_and_written() -> None:
    head = "event_date,latitude,longitude,geo_precision\n"
    res = import_csv(io.StringIO(head + "2024-01-01,50,30,3\n2024-01-02,50,30,7\n"))
    assert [e.geo_precision for e in res.events] == [3]
    assert "geo_precision '7'" in res.errors[0].reason
    assert "geo_precision" in to_csv_text(res.events).splitlines()[0].split(",")


def test_extracted_event_round_trips_through_every_form(tmp_path: Path) -> None:
    from mapapp.corpus.schema import event_from_dict, event_to_dict
    from mapapp.text.events.extract import extract_events

    text = (
        "A car bomb exploded in a market on Saturday, killing at least 12 people. "
        "Hospital officials later said the death toll had risen to 15. The blast destroyed shops."
    )
    from mapapp.model import Mention, Place

    i = text.index("a market")
    market = Mention(i, i + 8, "a market", Place("t:m", "Aleppo", "city", 37.16, 36.2, "SY"))
    (ev,) = extract_events(text, "2024-06-10", source="a.txt", mentions=[market])
    assert len(ev.sentences) == 3 and ev.figure("killed") is not None
    assert event_from_dict(json.loads(json.dumps(event_to_dict(ev)))) == ev
    back = import_csv(io.StringIO(to_csv_text([ev]))).events[0]
    assert (back.sentences, back.figures, back.status, back.date) == (ev.sentences, ev.figures, ev.status, ev.date)
    killed = back.figure("killed")
    assert killed is not None and (killed.low, killed.high, killed.qualifier) == (12, 15, "at least")

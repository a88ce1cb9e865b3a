"""The event store: GeoParquet round trip, atomic publication, date and range queries, density."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from pyproj import Geod
from shapely.geometry import Point, Polygon

from mapapp.corpus.store import (
    DATASETS,
    EventStore,
    StoreCorrupt,
    StoreLocked,
    build_table,
    content_hash,
    open_store,
    row_event,
)
from mapapp.errors import InputError
from mapapp.geo.density import density
from mapapp.maps.storeview import store_view

GEOD = Geod(ellps="WGS84")

#: (name, lon, lat, date) of synthetic events
POINTS = [
    ("Kyiv", 30.5234, 50.4501, "2024-01-05"),
    ("Kharkiv", 36.2304, 49.9935, "2024-02-10"),
    ("Belgorod", 36.5983, 50.5997, "2024-02-11"),
    ("Odesa", 30.7233, 46.4825, "2024-03-01"),
    ("Lviv", 24.0297, 49.8397, "2024-04-20"),
    ("Moscow", 37.6173, 55.7558, "2024-05-30"),
    ("Aleppo", 37.1343, 36.2021, "2024-06-02"),
    ("Tbilisi", 44.7930, 41.7151, None),
]


def tables(batch: str, points: list[tuple[str, float, float, str | None]], article: str = "") -> dict[str, object]:
    aid = content_hash(article or batch)
    events = []
    for i, (name, lon, lat, day) in enumerate(points):
        d = dt.date.fromisoformat(day) if day else None
        events.append(
            {
                "event_id": f"{batch}-{i}",
                "article_id": aid,
                "event_type": "Battles",
                "sub_event_type": "Armed clash",
                "date_start": d,
                "date_end": d,
                "date_precision": "day" if d else None,
                "date_status": "reported" if d else None,
                "place_name": name,
                "place_id": f"t:{name}",
                "place_kind": "city",
                "lon": lon,
                "lat": lat,
                "sentence": f"Clashes in {name}.",
                "planned": False,
                "confidence": 0.8,
                "figures": "[]",
                "actors": "Russia",
                "outlets": "",
                "source": f"{batch}.txt",
                "places": f'[{{"id": "t:{name}", "name": "{name}", "kind": "city", "lon": {lon}, "lat": {lat}}}]',
            }
        )
    return {
        "articles": build_table(
            "articles",
            [
                {
                    "article_id": aid,
                    "source_id": batch,
                    "batch": batch,
                    "published": dt.date(2024, 7, 1),
                    "n_events": len(points),
                }
            ],
        ),
        "events": build_table("events", events),
        "mentions": build_table(
            "mentions", [{"article_id": aid, "surface": p[0], "lon": p[1], "lat": p[2]} for p in points]
        ),
    }


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    st = open_store(tmp_path / "store", create=True)
    st.append("b1", tables("b1", POINTS[:4]))  # type: ignore[arg-type]
    st.append("b2", tables("b2", POINTS[4:]))  # type: ignore[arg-type]
    return st.root


def test_datasets_are_geoparquet_readable_by_geopandas(store_dir: Path) -> None:
    for ds in DATASETS:
        g = gpd.read_parquet(store_dir / ds)
        assert g.crs is not None and g.crs.equals("OGC:CRS84")
    ev = gpd.read_parquet(store_dir / "events").sort_values("event_id")
    assert len(ev) == len(POINTS)
    kyiv = ev[ev["place_name"] == "Kyiv"].iloc[0]
    assert (kyiv.geometry.x, kyiv.geometry.y) == (30.5234, 50.4501)
    meta = pq.read_schema(next((store_dir / "events").glob("*.parquet"))).metadata[b"geo"]
    assert b'"primary_column": "geometry"' in meta and b'"bbox"' in meta


def test_readable_by_duckdb(store_dir: Path) -> None:
    duckdb = pytest.importorskip("duckdb")
    n = duckdb.sql(
        f"select count(*) from read_parquet('{store_dir}/events/*.parquet') "
        "where date_start between DATE '2024-02-01' and DATE '2024-03-31'"
    ).fetchall()
    assert n == [(3,)]


def test_orphans_of_an_interrupted_publish_are_invisible_then_removed(store_dir: Path) -> None:
    st = open_store(store_dir)
    # a writer died after moving its parts into place but before the manifest: copy b2 as "b3"
    for ds in DATASETS:
        shutil.copy(store_dir / ds / "part-b2.parquet", store_dir / ds / "part-b3.parquet")
    (store_dir / ".tmp" / "b4").mkdir(parents=True)
    assert len(st.events()) == len(POINTS)
    st.lock()
    removed = st.recover()
    st.unlock()
    assert sorted(p.name for p in removed) == ["part-b3.parquet"] * 3
    assert not (store_dir / ".tmp").exists()
    assert len(gpd.read_parquet(store_dir / "events")) == len(POINTS)


HOLD_LOCK = """
import sys, time
from mapapp.corpus.store import open_store
st = open_store(sys.argv[1])
st.lock()
print("locked", flush=True)
sys.stdin.read()
"""

RACE_LOCK = """
import sys, time
from mapapp.corpus.store import StoreLocked, open_store
st = open_store(sys.argv[1])
time.sleep(max(0.0, float(sys.argv[2]) - time.time()))
try:
    st.lock()
except StoreLocked:
    print("refused", flush=True)
    raise SystemExit(0)
print("locked", flush=True)
time.sleep(1.5)
"""


def test_lock_is_held_by_the_os_until_the_writer_ends(store_dir: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(store_dir)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        st = open_store(store_dir)
        with pytest.raises(StoreLocked, match=f"being written by process {holder.pid}") as err:
            st.lock()
        assert "\n" not in str(err.value)
        # an append (which takes the lock for its write) is refused too, and writes nothing
        with pytest.raises(StoreLocked):
            st.append("b9", tables("b9", POINTS[:1]))  # type: ignore[arg-type]
        assert [b.id for b in st.batches()] == ["b1", "b2"]
        # kill -9: no cleanup code runs, yet the kernel drops the lock with the process
        holder.kill()
        holder.wait(timeout=30)
        st.lock()
        assert (store_dir / ".lock").read_text() == str(os.getpid())
        # a second store object (another writer in this process) is refused as well
        with pytest.raises(StoreLocked):
            open_store(store_dir).lock()
        st.unlock()
        open_store(store_dir).append("b9", tables("b9", POINTS[:1]))  # type: ignore[arg-type]
    finally:
        holder.kill()
        holder.communicate(timeout=30)  # closes the pipes


def test_simultaneous_lockers_one_wins(store_dir: Path) -> None:
    """Processes released at the same time.time() (the race of the old pid-file lock): one gets the lock."""
    for _ in range(2):
        start = time.time() + 6.0
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", RACE_LOCK, str(store_dir), repr(start)], stdout=subprocess.PIPE, text=True
            )
            for _ in range(5)
        ]
        outs = [p.communicate(timeout=120)[0].strip() for p in procs]
        assert all(p.returncode == 0 for p in procs)
        assert time.time() > start  # they all started before the first one let go
        assert sorted(outs) == ["locked"] + ["refused"] * 4, outs


def test_recover_refuses_to_drop_parts_when_the_manifest_is_gone(store_dir: Path) -> None:
    (store_dir / "manifest.json").unlink()
    with pytest.raises(StoreCorrupt, match=r"part file.*no manifest\.json.*--repair"):
        open_store(store_dir, create=True)  # what an ingest does first
    st = EventStore(store_dir)
    with st.writing(), pytest.raises(StoreCorrupt, match=r"no manifest\.json"):
        st.recover()
    assert len(list((store_dir / "events").glob("*.parquet"))) == 2


def test_events_between_dates(store_dir: Path) -> None:
    st = open_store(store_dir)
    got = sorted(st.events("2024-02-01", "2024-03-31")["place_name"])
    assert got == ["Belgorod", "Kharkiv", "Odesa"]
    assert sorted(st.events(until="2024-01-31")["place_name"]) == ["Kyiv"]
    assert "Tbilisi" in set(st.events("2024-01-01", "2024-12-31", keep_undated=True)["place_name"])
    assert len(st.events()) == len(POINTS)
    with pytest.raises(InputError, match="after until"):
        st.events("2024-05-01", "2024-01-01")
    with pytest.raises(InputError, match="not a date"):
        st.events("May")


def test_events_within_range_match_geodesic_distances(store_dir: Path) -> None:
    st = open_store(store_dir)
    radius_km = 480.0
    got = st.events_within((30.5234, 50.4501), radius_km=radius_km)
    want = {}
    for name, lon, lat, _ in POINTS:
        d = GEOD.inv(30.5234, 50.4501, lon, lat)[2] / 1000
        if d <= radius_km:
            want[name] = d
    assert sorted(got["place_name"]) == sorted(want)
    assert "Moscow" not in want and "Odesa" in want
    for name, d in zip(got["place_name"], got["distance_km"], strict=True):
        assert d == pytest.approx(want[name], abs=0.01)
    assert list(got["distance_km"]) == sorted(got["distance_km"])
    # with dates, and by place name
    late = {n for n, *_, day in POINTS if n in want and day and day >= "2024-02-11"}
    assert set(st.events_within("Kyiv", radius_km=radius_km, since="2024-02-11")["place_name"]) == late
    assert "Kharkiv" not in late


def test_events_within_weapon_range(store_dir: Path) -> None:
    from mapapp.data.weapons import get_weapon

    st = open_store(store_dir)
    r = get_weapon("atacms").range_km
    got = set(st.events_within((36.2304, 49.9935), weapon="atacms")["place_name"])
    want = {n for n, lon, lat, _ in POINTS if GEOD.inv(36.2304, 49.9935, lon, lat)[2] / 1000 <= r}
    assert got == want and "Belgorod" in got and "Kyiv" not in got
    with pytest.raises(InputError, match="exactly one"):
        st.events_within("Kyiv")


@pytest.mark.parametrize("shape", ["hex", "square"])
def test_density_cells_hold_their_points(shape: str) -> None:
    rng = np.random.default_rng(3)
    lons = rng.uniform(20, 45, 500)
    lats = rng.uniform(40, 56, 500)
    cells = density(lons, lats, cell_km=220.0, shape=shape)  # type: ignore[arg-type]
    assert sum(c.count for c in cells) == 500
    polys = [Polygon(c.ring) for c in cells]
    for x, y in zip(lons[:100], lats[:100], strict=True):
        inside = [i for i, p in enumerate(polys) if p.buffer(1e-9).contains(Point(x, y))]
        assert inside  # every point lies in one of the cells
    # counting by polygon containment (independent of the binning arithmetic) gives the same counts
    top = polys[0]
    n_in = sum(top.buffer(-1e-9).contains(Point(x, y)) for x, y in zip(lons, lats, strict=True))
    assert n_in == cells[0].count
    assert [c.count for c in cells] == sorted((c.count for c in cells), reverse=True)


def test_store_view_switches_to_density_when_many(store_dir: Path) -> None:
    v = store_view(store_dir, "2024-01-01", "2024-12-31")
    assert not v.dense and v.total == len(POINTS) - 1  # Tbilisi has no date
    assert sorted(p.name for e in v.events for p in e.places) == sorted(n for n, *_, d in POINTS if d)
    assert v.dates == (dt.date(2024, 1, 5), dt.date(2024, 6, 2))
    dense = store_view(store_dir, max_events=3)
    assert dense.dense and dense.events == () and sum(c.count for c in dense.cells) == len(POINTS)


def test_row_event_round_trips_an_extracted_event(tmp_path: Path) -> None:
    from mapapp.corpus.store import event_row
    from mapapp.text.events.extract import extract_events

    text = "Russian forces shelled Kharkiv on Monday, killing three civilians, officials said."
    ev = extract_events(text, "2024-03-05", source="a.txt")[0]
    row = event_row(ev, content_hash(text), 0, dt.date(2024, 3, 5))
    st = open_store(tmp_path / "s", create=True)
    st.append(
        "x",
        {
            "articles": build_table("articles", []),
            "events": build_table("events", [row]),
            "mentions": build_table("mentions", []),
        },
    )
    back = row_event(st.events().drop(columns="geometry").to_dict("records")[0])
    assert (back.event_type, back.date, back.places, back.figures, back.sentence) == (
        ev.event_type,
        ev.date,
        ev.places,
        ev.figures,
        ev.sentence,
    )


def test_open_store_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not an event store"):
        open_store(tmp_path)
    f = tmp_path / "f"
    f.write_text("x")
    with pytest.raises(InputError, match="is a file"):
        open_store(f)


def test_snapshot_draws_the_store(store_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from mapapp.cli.main import main

    out = tmp_path / "m.geojson"
    assert (
        main(["snapshot", "--store", str(store_dir), "--since", "2024-02-01", "--until", "2024-03-31", "-o", str(out)])
        == 0
    )
    feats = json.loads(out.read_text())["features"]
    assert sorted(f["properties"]["place"] for f in feats) == ["Belgorod", "Kharkiv", "Odesa"]
    # many events -> the density layer: cell polygons with their counts
    assert main(["snapshot", "--store", str(store_dir), "--max-events", "2", "-o", str(out)]) == 0
    feats = json.loads(out.read_text())["features"]
    assert {f["properties"]["layer"] for f in feats} == {"Event density"}
    assert all(f["geometry"]["type"] == "Polygon" for f in feats)
    assert sum(f["properties"]["count"] for f in feats) == len(POINTS)  # undated too
    assert main(["snapshot", "a.txt", "--store", str(store_dir), "-o", str(out)]) == 1
    assert "not both" in capsys.readouterr().err


def test_dense_store_spec_draws_a_density_layer(store_dir: Path) -> None:
    from mapapp.maps.storeview import store_spec
    from mapapp.render import leaflet as render

    view = store_view(store_dir, max_events=3)
    spec = store_spec(view)
    assert spec.events == () and sum(c.count for c in spec.density) == view.total == len(POINTS)
    assert spec.density_cell_km == view.cell_km > 0
    m = render.build_map(spec)
    assert "Event density" in render.feature_group_names(m)
    html = render.to_html(spec)
    assert "L.polygon(" in html and "mapapp-density" in html
    # one tooltip per cell, "N events"; together they hold every event of the window
    tips = [int(n.replace(",", "")) for n in re.findall(r'"([\d,]+) events?"', html)]
    assert sorted(tips) == sorted(c.count for c in spec.density)
    assert "Events per hexagon" in html
    few = store_spec(store_view(store_dir))
    assert few.density == () and len(few.events) == len(POINTS)


def test_hexagon_width_in_the_legend_is_true_at_50_north() -> None:
    """The legend's "≈N km across" is what the drawn cells measure on the ellipsoid (Geod.inv),
    at 50° N as at the equator (cells sized in degrees were ~35 % narrower at 50° N)."""
    from mapapp.geo.density import cell_size_km

    for lat in (0.0, 50.0):
        cells = density([30.0], [lat], cell_km=100.0)
        ring = cells[0].ring
        corners = ring[:-1][::8]  # the six H3 corners (7 densified points between each pair)
        assert len(corners) == 6
        widths = [GEOD.inv(*corners[i], *corners[i + 3])[2] / 1000 for i in range(3)]
        width = sum(widths) / 3
        assert abs(width - cell_size_km(100.0)) / width < 0.15, (lat, width)


# ----------------------------------------------------------------------------- damaged stores


def _part(store_dir: Path, ds: str = "events", batch: str = "b1") -> Path:
    return store_dir / ds / f"part-{batch}.parquet"


def _rewrite(path: Path, change: Callable[[pa.Table], pa.Table]) -> None:
    t = pq.read_table(path)
    pq.write_table(change(t), path)


def _set(t: pa.Table, column: str, index: int, value: object) -> pa.Table:
    vals = t.column(column).to_pylist()
    vals[index] = value
    i = t.column_names.index(column)
    return t.set_column(i, t.schema.field(i), pa.array(vals, type=t.schema.field(i).type))


def _truncate(d: Path) -> None:
    p = _part(d)
    p.write_bytes(p.read_bytes()[: p.stat().st_size // 2])


def _bad_footer(d: Path) -> None:
    p = _part(d)
    data = p.read_bytes()
    p.write_bytes(data[:-8] + b"NOTPAR1!")


def _foreign(d: Path) -> None:
    pq.write_table(pa.table({"x": [1, 2, 3, 4], "geometry": [b"", b"", b"", b""]}), _part(d))


#: name -> (how the events part of batch b1 is damaged, what the one-line error says)
DAMAGE: dict[str, tuple[Callable[[Path], None], str]] = {
    "truncated": (_truncate, "not a readable Parquet file"),
    "empty": (lambda d: _part(d).write_bytes(b""), "is empty"),
    "bad footer": (_bad_footer, "not a readable Parquet file"),
    "missing": (lambda d: _part(d).unlink(), "is missing"),
    "foreign schema": (_foreign, "foreign schema"),
    "mentions part in place of events": (
        lambda d: shutil.copy(_part(d, "mentions"), _part(d)),
        "foreign schema",
    ),
    "bad geometry": (
        lambda d: _rewrite(_part(d), lambda t: _set(t, "geometry", 1, b"\x01\x07garbage")),
        "not WKB",
    ),
    "lat 999": (lambda d: _rewrite(_part(d), lambda t: _set(t, "lat", 2, 999.0)), r"row 3 has lat 999\.0"),
    "lat NaN": (lambda d: _rewrite(_part(d), lambda t: _set(t, "lat", 0, float("nan"))), "row 1 has lat NaN"),
    "geometry elsewhere": (
        lambda d: _rewrite(_part(d), lambda t: _set(t, "geometry", 0, Point(1.0, 2.0).wkb)),
        "not its \\(lon, lat\\)",
    ),
    "confidence 7": (lambda d: _rewrite(_part(d), lambda t: _set(t, "confidence", 0, 7.0)), "confidence 7.0"),
    "year 20000": (
        lambda d: _rewrite(
            _part(d),
            lambda t: t.set_column(
                t.column_names.index("date_start"),
                "date_start",
                pa.array([6_600_000] * t.num_rows, pa.int32()).cast(pa.date32()),
            ),
        ),
        "outside years 1..9999",
    ),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_part_is_a_one_line_error_then_repaired(
    damage: str, store_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from mapapp.cli.main import main
    from mapapp.errors import MapAppError

    harm, says = DAMAGE[damage]
    before = _part(store_dir).read_bytes()
    harm(store_dir)
    damaged_bytes = _part(store_dir).read_bytes() if _part(store_dir).exists() else None
    assert damaged_bytes != before
    st = open_store(store_dir)
    with pytest.raises(StoreCorrupt, match=says) as err:
        st.events()
    msg = str(err.value)
    assert "\n" not in msg and str(_part(store_dir)) in msg and f"mapapp store check --repair {store_dir}" in msg
    # the app's store page and snapshots go through the same view: the same error (a MapAppError)
    with pytest.raises(MapAppError, match=says):
        store_view(store_dir)
    # the CLI: one line, no traceback
    capsys.readouterr()
    assert main(["snapshot", "--store", str(store_dir), "-o", str(store_dir.parent / "x.geojson")]) == 1
    err_out = capsys.readouterr().err
    assert err_out.count("\n") == 1 and "Traceback" not in err_out and "store check --repair" in err_out
    # `mapapp store check` finds it
    assert main(["store", "check", str(store_dir)]) == 1
    out = capsys.readouterr().out
    damaged = [line for line in out.splitlines() if line.startswith("damaged: ")]
    assert len(damaged) == 1 and re.search(says, damaged[0])
    # --repair moves batch b1 aside (nothing deleted) and the store reads again without it
    assert main(["store", "check", "--repair", str(store_dir)]) == 0
    out = capsys.readouterr().out
    assert "moved aside" in out and "nothing deleted" in out
    moved = sorted((store_dir / "quarantine").rglob("part-b1.parquet"))
    assert len(moved) == (2 if damaged_bytes is None else 3)
    if damaged_bytes is not None:
        assert next(p for p in moved if p.parent.name == "events").read_bytes() == damaged_bytes
    st = open_store(store_dir)
    assert [b.id for b in st.batches()] == ["b2"]
    assert sorted(st.events()["place_name"]) == sorted(p[0] for p in POINTS[4:])
    assert main(["store", "check", str(store_dir)]) == 0
    assert "ok:" in capsys.readouterr().out


def test_store_check_finds_what_reading_cannot(store_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A part of another batch with the same row count, and an article stored twice (two writers)."""
    from mapapp.cli.main import main

    shutil.copy(_part(store_dir, "events", "b2"), _part(store_dir, "events", "b1"))
    assert main(["store", "check", str(store_dir)]) == 1
    assert "point at articles not in the batch" in capsys.readouterr().out
    assert main(["store", "check", "--repair", str(store_dir)]) == 0
    st = open_store(store_dir)
    st.append("b3", tables("b3", POINTS[4:], article="b2"))  # type: ignore[arg-type]  # b2's article again
    assert main(["store", "check", str(store_dir)]) == 1
    assert "repeats 1 article(s) of batch 'b2'" in capsys.readouterr().out


MANIFEST_DAMAGE: dict[str, tuple[Callable[[dict[str, Any]], object], str]] = {
    "not JSON": (lambda m: "{batches: [", "not valid JSON"),
    "batch entry not an object": (lambda m: {**m, "batches": [*m["batches"], 5]}, "batch entry 3 is not an object"),
    "batch id is a path": (
        lambda m: {**m, "batches": [{**m["batches"][0], "id": "../../etc/x"}, m["batches"][1]]},
        "not a batch id",
    ),
    "count not a number": (
        lambda m: {**m, "batches": [{**m["batches"][0], "events": "many"}, m["batches"][1]]},
        "events='many'",
    ),
    "no batches": (lambda m: {"format": 1}, "no 'batches' list"),
}


@pytest.mark.parametrize("damage", list(MANIFEST_DAMAGE))
def test_a_damaged_manifest_is_a_one_line_error_and_is_rebuilt(
    damage: str, store_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from mapapp.cli.main import main

    change, says = MANIFEST_DAMAGE[damage]
    man = store_dir / "manifest.json"
    new = change(json.loads(man.read_text()))
    man.write_text(new if isinstance(new, str) else json.dumps(new))
    with pytest.raises(StoreCorrupt, match=says) as err:
        open_store(store_dir)
    assert "\n" not in str(err.value) and str(man) in str(err.value) and "--repair" in str(err.value)
    assert main(["store", "check", str(store_dir)]) == 1
    assert says.replace("\\", "") in capsys.readouterr().err
    assert main(["store", "check", "--repair", str(store_dir)]) == 0
    assert "manifest rebuilt from the part files: 2 batch(es)" in capsys.readouterr().out
    assert len(list((store_dir / "quarantine").rglob("manifest.json"))) == 1  # the old one, kept
    assert len(open_store(store_dir).events()) == len(POINTS)


def test_a_newer_store_format_is_refused_and_left_alone(store_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from mapapp.cli.main import main
    from mapapp.corpus.store import StoreTooNew

    man = store_dir / "manifest.json"
    data = json.loads(man.read_text())
    data["format"] = 99
    man.write_text(json.dumps(data))
    with pytest.raises(StoreTooNew, match=r"format 99.*newer mapapp"):
        open_store(store_dir)
    assert main(["store", "check", "--repair", str(store_dir)]) == 1
    assert "newer mapapp" in capsys.readouterr().err
    assert json.loads(man.read_text())["format"] == 99 and not (store_dir / "quarantine").exists()


def test_a_store_of_the_previous_format_is_read_not_called_damaged(
    store_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A store written before events gained date_note/geo_precision/status/weapons/sentences
    (format 1) is checked as sound and its events load with those fields' defaults."""
    import json

    from mapapp.cli.main import main
    from mapapp.corpus.store import ADDED_COLUMNS

    for batch in ("b1", "b2"):
        _rewrite(_part(store_dir, batch=batch), lambda t: t.drop_columns(sorted(ADDED_COLUMNS["events"])))
    man = store_dir / "manifest.json"
    data = json.loads(man.read_text())
    data["format"] = 1
    man.write_text(json.dumps(data))
    assert main(["store", "check", str(store_dir)]) == 0, capsys.readouterr().err
    frame = open_store(store_dir).events()
    assert len(frame) == len(POINTS)
    events = [row_event(r) for r in frame.drop(columns="geometry").to_dict("records")]
    assert {e.status for e in events} <= {"occurred", "planned"} and all(e.sentences for e in events)
    # ... while a part that lacks a column every format has is still a damaged part
    _rewrite(_part(store_dir), lambda t: t.drop_columns(["lat"]))
    assert main(["store", "check", str(store_dir)]) == 1
    out = capsys.readouterr().out
    assert "foreign schema (missing columns" in out and "lat" in out


def test_a_lost_manifest_is_rebuilt_from_the_parts(store_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from mapapp.cli.main import main

    (store_dir / "manifest.json").unlink()
    assert main(["store", "check", "--repair", str(store_dir)]) == 0
    st = open_store(store_dir)
    assert sorted(b.id for b in st.batches()) == ["b1", "b2"] and len(st.events()) == len(POINTS)


def test_the_app_shows_a_damaged_store_as_a_message(store_dir: Path) -> None:
    from streamlit.testing.v1 import AppTest

    _truncate(store_dir)
    page = str(Path(__file__).resolve().parent.parent / "mapapp" / "app" / "page.py")
    at = AppTest.from_file(page, default_timeout=90)
    at.run()
    at.sidebar.text_input(key="store_dir").input(str(store_dir)).run()
    assert not at.exception, [e.message for e in at.exception]
    assert any("store check --repair" in e.value and "part-b1.parquet" in e.value for e in at.error)

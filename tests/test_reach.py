"""Reach analysis: the seed table, launch points, target files, front lines and the CLI."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest
from pyproj import Geod

from mapapp.cli import main as cli
from mapapp.data.weapons import get_weapon
from mapapp.errors import InputError
from mapapp.geo import geodesy
from mapapp.geo.reach import reach
from mapapp.geo.userfiles import read_line, read_targets

GEOD = Geod(ellps="WGS84")
SUMY = (34.80, 50.91)
KURSK = (36.19, 51.73)
MOSCOW = (37.62, 55.76)


@pytest.fixture(scope="module")
def seed() -> object:
    return reach([], weapon=get_weapon("atacms"), border=("UA", "RU"), into="RU", min_population=100_000)


def test_seed_atacms_from_the_ukrainian_border_into_russia(seed: object) -> None:
    from mapapp.geo.reach import Reach

    assert isinstance(seed, Reach)
    names = set(seed.cities["name"])
    for city in ("Kursk", "Belgorod", "Bryansk", "Voronezh", "Lipetsk"):
        assert city in names, city
    assert {"Orël", "Oryol", "Orel"} & names
    assert "Moscow" not in names and "Tula" not in names
    assert (seed.cities["country_code"] == "RU").all()
    assert (seed.cities["distance_km"] <= 300).all()
    assert np.allclose(seed.cities["margin_km"], 300 - seed.cities["distance_km"], atol=0.11)
    regions = seed.regions.set_index("name")
    for r in ("Kursk", "Belgorod", "Bryansk", "Oryol", "Voronezh"):
        assert regions.loc[r, "status"] == "wholly", r
    assert regions.loc["Lipetsk", "status"] == "partly"
    assert ((seed.regions["share"] > 0) & (seed.regions["share"] <= 1)).all()
    assert seed.regions["in_range_km2"].sum() == pytest.approx(seed.area_km2, rel=0.02)


def test_seed_distance_matches_a_brute_force_reference(seed: object) -> None:
    from mapapp.geo.reach import Reach

    assert isinstance(seed, Reach)
    border = geodesy.land_border("UA", "RU")
    xy = []
    for line in getattr(border, "geoms", [border]):
        c = list(line.coords)
        for (x1, y1), (x2, y2) in itertools.pairwise(c):
            n = max(1, int(GEOD.inv(x1, y1, x2, y2)[2] / 100.0))
            xy.extend([(x1, y1), *GEOD.npts(x1, y1, x2, y2, n)])
    xy_arr = np.asarray(xy)
    row = seed.cities.set_index("name").loc["Kursk"]
    _, _, d = GEOD.inv(np.full(len(xy_arr), row["lon"]), np.full(len(xy_arr), row["lat"]), xy_arr[:, 0], xy_arr[:, 1])
    assert row["distance_km"] == pytest.approx(d.min() / 1000, abs=0.1)


def test_reach_from_a_launch_point() -> None:
    r = reach([SUMY], 300.0, min_population=300_000)
    names = set(r.cities["name"])
    assert "Kursk" in names and "Moscow" not in names
    kursk = r.cities.set_index("name").loc["Kursk"]
    assert kursk["distance_km"] == pytest.approx(GEOD.inv(*SUMY, kursk["lon"], kursk["lat"])[2] / 1000, abs=0.05)


def test_target_csv_with_a_broken_row_reports_its_line(tmp_path: Path) -> None:
    f = tmp_path / "airfields.csv"
    f.write_text(
        "name,latitude,longitude\n"
        "Khalino (Kursk),51.75,36.30\n"
        "Broken,fifty,36.0\n"
        "Millerovo,48.95,40.30\n"
        "Engels,51.48,46.20\n",
        encoding="utf-8",
    )
    t = read_targets(f)
    assert list(t.frame["name"]) == ["Khalino (Kursk)", "Millerovo", "Engels"]
    assert len(t.problems) == 1 and ":3:" in t.problems[0] and "fifty" in t.problems[0]
    r = reach([SUMY], 300.0, targets=f, min_population=10**7)
    flags = r.targets.set_index("name")["in_range"]
    assert flags["Khalino (Kursk)"] and not flags["Engels"]
    assert r.problems == t.problems


def test_target_geojson_and_line_files(tmp_path: Path) -> None:
    pts = tmp_path / "t.geojson"
    pts.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"name": "A"},
                        "geometry": {"type": "Point", "coordinates": [36.3, 51.75]},
                    },
                    {
                        "type": "Feature",
                        "properties": {"name": "B"},
                        "geometry": {"type": "Point", "coordinates": [36.3, 95]},
                    },
                ],
            }
        ),
        encoding="utf-8",
    )
    t = read_targets(pts)
    assert list(t.frame["name"]) == ["A"] and "feature 2" in t.problems[0]
    line = tmp_path / "front.geojson"
    line.write_text(
        json.dumps(
            {
                "type": "Feature",
                "properties": {},
                "geometry": {"type": "LineString", "coordinates": [[37.5, 47.8], [38.0, 48.5], [38.3, 49.2]]},
            }
        ),
        encoding="utf-8",
    )
    geom = read_line(line)
    assert geom.geom_type == "LineString"
    r = reach(geom, 200.0, min_population=500_000)
    names = set(r.cities["name"])
    assert {"Donetsk", "Rostov-on-Don"} <= names and "Kyiv" not in names
    bad = tmp_path / "bad.geojson"
    bad.write_text('{"type": "LineString", "coordinates": [[37.5, 47.8], [38.0, 98.5]]}', encoding="utf-8")
    with pytest.raises(InputError, match=r"98\.5"):
        read_line(bad)
    with pytest.raises(InputError, match="does not exist"):
        read_targets(tmp_path / "missing.csv")


def test_cli_ring_prints_a_geojson_feature(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["ring", "--lat", "50.91", "--lon", "34.80", "--km", "300"]) == 0
    feat = json.loads(capsys.readouterr().out)
    assert feat["type"] == "Feature" and feat["geometry"]["type"] == "Polygon"
    assert feat["properties"]["radius_km"] == 300 and feat["properties"]["vertex_count"] > 100
    xy = np.asarray(feat["geometry"]["coordinates"][0])
    _, _, d = GEOD.inv(np.full(len(xy), 34.80), np.full(len(xy), 50.91), xy[:, 0], xy[:, 1])
    assert np.max(np.abs(d - 300_000)) < 1e-3
    assert cli.main(["ring", "--at", "Sumy", "--weapon", "atacms", "--compact"]) == 0
    feat = json.loads(capsys.readouterr().out)
    assert feat["properties"]["weapon"] == "atacms-m57" and "Forbes" in feat["properties"]["source"]


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["ring", "--lat", "91", "--lon", "0", "--km", "10"], "91.0"),
        (["ring", "--lat", "50", "--lon", "0", "--km", "-3"], "-3"),
        (["ring", "--lat", "50", "--lon", "0", "--weapon", "atacmz"], "Did you mean"),
        (["reach", "--km", "300", "--from-border", "UKR"], "--into"),
    ],
)
def test_cli_errors_are_one_line_without_traceback(
    argv: list[str], needle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"mapapp {argv[0]}: error:") and needle in err
    assert "Traceback" not in err


def test_cli_reach_formats(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert (
        cli.main(["reach", "--weapon", "atacms", "--from-border", "UKR", "--into", "RUS", "--format", "geojson"]) == 0
    )
    fc = json.loads(capsys.readouterr().out)
    assert fc["features"][0]["properties"]["kind"] == "footprint"
    assert "Kursk" in {f["properties"].get("name") for f in fc["features"]}
    f = tmp_path / "t.csv"
    f.write_text("name,lat,lon\nKursk AB,51.75,36.30\nbad,1,\n", encoding="utf-8")
    assert cli.main(["reach", "--km", "300", "--from", "Sumy", "--targets", str(f), "--format", "csv"]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("kind,") and "Kursk AB" in captured.out
    assert ":3:" in captured.err
    assert cli.main(["reach", "--km", "100", "--from", "34.80,50.91", "--format", "json"]) == 0  # lon,lat
    data = json.loads(capsys.readouterr().out)
    assert data["radius_km"] == 100 and any(c["name"] == "Sumy" for c in data["cities"])


# ---------------------------------------------------------------- issue 14: airfields in range by default
def test_airfields_in_range_are_listed_by_default_with_independent_distances(seed: object) -> None:
    from mapapp.geo.reach import Reach

    assert isinstance(seed, Reach)
    af = seed.airfields.set_index("name")
    # air bases within ATACMS range of the border (Wikipedia points), and one beyond it
    for name in ("Millerovo Air Base", "Morozovsk Air Base"):
        assert name in af.index, name
        assert bool(af.loc[name, "military"])
    assert "Engels Air Base" not in af.index  # ~700 km from the border
    assert (seed.airfields["distance_km"] <= 300).all() and (seed.airfields["country_code"] == "RU").all()
    assert seed.summary()["airfields_in_range"] == len(seed.airfields) >= 10


def test_airfield_distance_from_a_point_matches_pyproj(tmp_path: Path) -> None:
    r = reach([SUMY], 300.0, min_population=10**7)
    row = r.airfields.set_index("name").loc["Kursk East Airport"]
    ref = GEOD.inv(*SUMY, row["lon"], row["lat"])[2] / 1000
    assert row["distance_km"] == pytest.approx(ref, abs=0.1)
    assert row["margin_km"] == pytest.approx(300 - ref, abs=0.1)
    none = reach([SUMY], 300.0, min_population=10**7, airfields=False)
    assert none.airfields.empty


def test_user_airfields_count_in_reach(tmp_path: Path) -> None:
    from mapapp.data.gazetteer import Gazetteer, add_user_places, get_gazetteer

    f = tmp_path / "mine.csv"
    f.write_text("name,lat,lon,kind\nForward strip Alpha,51.30,35.90,airfield\n", encoding="utf-8")
    gaz = get_gazetteer()
    assert isinstance(gaz, Gazetteer)
    add_user_places(f, gaz)
    r = reach([SUMY], 300.0, min_population=10**7)
    af = r.airfields.set_index("name")
    assert "Forward strip Alpha" in af.index and af.loc["Forward strip Alpha", "source"] == "user"


def test_cli_ring_at_a_cyrillic_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["ring", "--at", "Київ", "--km", "100", "--compact"]) == 0
    feat = json.loads(capsys.readouterr().out)
    lon, lat = feat["properties"]["center"]
    assert GEOD.inv(lon, lat, 30.5234, 50.4501)[2] < 10_000  # Kyiv's centre
    assert cli.main(["ring", "--at", "Курск", "--km", "50", "--compact"]) == 0
    lon, lat = json.loads(capsys.readouterr().out)["properties"]["center"]
    assert GEOD.inv(lon, lat, 36.19, 51.73)[2] < 10_000

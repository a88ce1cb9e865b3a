"""The weapon catalogue: built-in rows, aliases, user additions, errors and the CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from mapapp.cli import main as cli
from mapapp.data import weapons
from mapapp.errors import InputError, UnknownWeapon

HEADER = "key,aliases,name,variant,range_km,range_reported,source,note,alt_ranges,disputed,color\n"


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(weapons.ENV_VAR, raising=False)


def test_builtin_catalogue_has_the_systems_with_sourced_ranges() -> None:
    cat = weapons.load_catalogue()
    expected = {  # key: (min km, max km) of the drawn figure per public reporting
        "atacms-m39": (160, 170),
        "atacms": (295, 310),
        "himars-gmlrs": (70, 84),
        "storm-shadow": (245, 260),
        "scalp-eg": (245, 260),
        "taurus": (500, 600),
        "tomahawk": (1600, 2500),
        "iskander-m": (400, 500),
        "kn-23": (450, 690),
        "kh-101": (2500, 5500),
        "shahed-136": (1800, 2500),
    }
    for key, (lo, hi) in expected.items():
        w = cat.get(key)
        assert lo <= w.range_km <= hi, key
        assert re.search(r"(19|20)\d\d", w.source) or "CSIS" in w.source or "Lockheed" in w.source, key
        assert re.fullmatch(r"#[0-9A-Fa-f]{6}", w.color), key
    colors = [w.color.upper() for w in cat]
    assert len(set(colors)) == len(colors)


def test_disputed_ranges_keep_every_figure() -> None:
    cat = weapons.load_catalogue()
    for key in ("kh-101", "shahed-136"):
        w = cat.get(key)
        assert w.disputed
        assert "DISPUTED" in w.note
        assert len({round(km) for km, _ in w.alt_ranges} | {round(w.range_km)}) >= 2
    assert max(km for km, _ in cat.get("kh-101").alt_ranges) >= 5000


def test_atacms_alias_is_the_seed_long_range_variant_and_keeps_190_miles() -> None:
    w = weapons.get_weapon("ATACMS")
    assert w.key == "atacms-m57"
    assert "190 miles" in w.range_reported
    assert any(abs(km - 190 * 1.609344) < 0.05 for km, _ in w.alt_ranges)


def test_unknown_weapon_suggests_close_names() -> None:
    with pytest.raises(UnknownWeapon, match="atacms") as err:
        weapons.get_weapon("atacmz")
    assert "Did you mean" in str(err.value)
    with pytest.raises(UnknownWeapon, match="storm-shadow"):
        weapons.get_weapon("storm shadw")


def test_user_catalogue_adds_and_overrides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    extra = tmp_path / "mine.csv"
    extra.write_text(
        "key,name,range_km,source,alt_ranges\n"
        "neptune,R-360 Neptune,200,Ukroboronprom 2021,400 km (extended: press)\n"
        "taurus,Taurus,520,my source 2024,\n",
        encoding="utf-8",
    )
    cat = weapons.load_catalogue(extra)
    assert cat.get("neptune").range_km == 200
    assert cat.get("neptune").alt_ranges == ((400.0, "extended: press"),)
    assert cat.get("taurus").range_km == 520  # user row wins
    assert cat.get("atacms").range_km == 300  # built-ins still there
    monkeypatch.setenv(weapons.ENV_VAR, str(extra))
    assert weapons.get_weapon("neptune").name == "R-360 Neptune"


def test_broken_user_catalogue_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "ok,,OK,,100,,,,,false,#112233\nbroken,,Broken,,far,,,,,false,\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.csv:3.*'far'"):
        weapons.load_catalogue(bad)
    missing = tmp_path / "nocols.csv"
    missing.write_text("name,km\nx,1\n", encoding="utf-8")
    with pytest.raises(InputError, match="key"):
        weapons.load_catalogue(missing)
    with pytest.raises(InputError, match="does not exist"):
        weapons.load_catalogue(tmp_path / "nope.csv")


def test_custom_radius() -> None:
    w = weapons.custom_weapon(123.0)
    assert w.range_km == 123.0
    with pytest.raises(InputError, match="-5"):
        weapons.custom_weapon(-5.0)


def test_cli_weapons_formats(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["weapons", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    keys = {w["key"] for w in data["weapons"]}
    assert {"atacms-m57", "kh-101", "shahed-136"} <= keys
    assert cli.main(["weapons", "--format", "csv"]) == 0
    head = capsys.readouterr().out.splitlines()[0]
    assert head.startswith("key,aliases,name,variant,range_km,range_reported,source")
    assert cli.main(["weapons"]) == 0
    out = capsys.readouterr().out
    assert "DISPUTED" in out and "Forbes" in out

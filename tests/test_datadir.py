"""data/geo: every file documented; missing or corrupt files give a DataDirError that says how to fix it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mapapp.cli import main as cli
from mapapp.data import paths as datadir
from mapapp.data.gazetteer import Gazetteer
from mapapp.errors import DataDirError

REPO_GEO = Path(__file__).resolve().parent.parent / "data" / "geo"


def test_every_file_is_listed_in_sources() -> None:
    text = (REPO_GEO / "SOURCES.md").read_text(encoding="utf-8")
    files = [p.name for p in REPO_GEO.iterdir() if p.is_file()]
    assert set(datadir.REQUIRED_FILES) <= set(files)
    for name in files:
        assert f"| {name} |" in text, f"{name} has no row in SOURCES.md"


def test_data_geo_is_small() -> None:
    total = sum(p.stat().st_size for p in REPO_GEO.iterdir() if p.is_file())
    assert total < 40e6


@pytest.fixture
def geo_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    d = tmp_path / "geo"
    shutil.copytree(REPO_GEO, d)
    monkeypatch.setenv(datadir.ENV_VAR, str(d))
    return d


def test_missing_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(datadir.ENV_VAR, str(tmp_path / "nope"))
    with pytest.raises(DataDirError, match=r"nope.*build_data\.py"):
        datadir.data_dir()


def test_missing_file(geo_copy: Path) -> None:
    (geo_copy / "names.parquet").unlink()
    with pytest.raises(DataDirError, match=r"names\.parquet.*build_data\.py"):
        Gazetteer.load(geo_copy)


def test_corrupt_parquet(geo_copy: Path) -> None:
    (geo_copy / "gazetteer.parquet").write_bytes(b"not a parquet file at all")
    with pytest.raises(DataDirError, match=r"gazetteer\.parquet.*corrupt.*build_data\.py"):
        Gazetteer.load()


def test_cli_data_check_ok(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["data", "check"]) == 0
    assert "data check: OK" in capsys.readouterr().out


def test_cli_data_check_broken(geo_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (geo_copy / "admin1.parquet").write_bytes(b"\x00garbage")
    assert cli.main(["data", "check"]) == 1
    err = capsys.readouterr().err
    assert "admin1.parquet" in err and "build_data.py" in err
    assert "Traceback" not in err

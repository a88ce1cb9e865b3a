"""The app's map parts (mapapp.app.mapview): layer groups found by key, the served basemap file."""

from __future__ import annotations

import os
import tempfile
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from mapapp.app import mapview as appmap
from mapapp.errors import DataDirError, MapAppError, StaticDirError
from mapapp.render import leaflet as render
from tests.test_render import XSS_IMG, _spec_with_weapon_name

VIEW = (30.0, 48.0, 40.0, 54.0)


def test_layer_groups_found_for_user_named_weapons() -> None:
    spec = _spec_with_weapon_name(XSS_IMG)
    groups = appmap.layer_groups(spec, VIEW)
    assert set(groups) == {"rings:atacms-m57", "footprint:evil", "places", "events", "targets", "legend"}
    evil = groups["footprint:evil"]
    assert isinstance(evil, render.LayerGroup)
    assert "<" not in evil.layer_name and evil.title.startswith(XSS_IMG)


def _write_at_once(text: str, dest: Path, n_threads: int) -> tuple[list[str], list[OSError]]:
    """``n_threads`` threads write ``text`` to ``dest`` at the same moment; names and errors."""
    barrier = threading.Barrier(n_threads)
    names: list[str] = []
    errors: list[OSError] = []

    def write() -> None:
        barrier.wait()
        try:
            names.append(appmap.write_basemap_file(text, dest))
        except OSError as err:
            errors.append(err)

    threads = [threading.Thread(target=write) for _ in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return names, errors


def test_concurrent_writes_of_one_basemap_all_succeed(tmp_path: Path) -> None:
    text = '{"countries": []}' * 20_000
    for round_ in range(10):  # the old shared ".tmp" name failed about every other round
        dest = tmp_path / f"r{round_}"
        names, errors = _write_at_once(text, dest, 6)
        assert errors == [] and len(names) == 6 and len(set(names)) == 1
        assert sorted(p.name for p in dest.iterdir()) == names[:1]  # no temporary file left
        assert (dest / names[0]).read_text(encoding="utf-8") == text


def test_old_basemap_files_are_pruned(tmp_path: Path) -> None:
    names = []
    for i in range(appmap.BASEMAP_FILES_KEPT + 8):
        name = appmap.write_basemap_file(f'{{"n": {i}}}', tmp_path)
        os.utime(tmp_path / name, (1_000_000 + i, 1_000_000 + i))  # strictly increasing ages
        names.append(name)
    other = tmp_path / "leaflet.js"
    other.write_text("x")
    newest = appmap.write_basemap_file('{"n": "last"}', tmp_path)
    left = {p.name for p in tmp_path.glob("basemap-*.json")}
    assert len(left) == appmap.BASEMAP_FILES_KEPT
    assert newest in left and set(names[-(appmap.BASEMAP_FILES_KEPT - 1) :]) <= left
    assert not left & set(names[:9])
    assert other.is_file()  # only basemap files are pruned


def test_unwritable_static_dir_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(StaticDirError) as info:
        appmap.write_basemap_file('{"a": 1}', tmp_path)
    assert isinstance(info.value, MapAppError)
    assert "Permission denied" in str(info.value) and str(tmp_path) in str(info.value)


def test_base_map_falls_back_to_inline_basemap(monkeypatch: pytest.MonkeyPatch) -> None:
    try:
        from mapapp.data.paths import data_dir

        data_dir()
    except DataDirError as err:
        pytest.skip(f"data/geo not built: {err}")

    def refuse(text: str, dest: Path = appmap.STATIC_DIR, keep: int = 0) -> str:
        raise StaticDirError("Cannot write the basemap file: read-only")

    monkeypatch.setattr(appmap, "write_basemap_file", refuse)
    spec = replace(_spec_with_weapon_name("Gun"), basemap=True)
    base, control = appmap.base_map(spec, VIEW)
    fg = render.layer_group(base, "countries")
    assert fg is not None and control is not None
    script = base.get_root().render()
    assert "/app/static/mapapp/basemap-" not in script
    assert 'L.geoJSON({"type":"FeatureCollection"' in script  # the polygons, inline

"""The app's map parts (mapapp.app.mapview): layers by key, the served layer and basemap files."""

from __future__ import annotations

import os
import tempfile
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from mapapp.app import mapview as appmap
from mapapp.errors import DataDirError, MapAppError, StaticDirError
from tests.test_render import XSS_IMG, _spec_with_weapon_name

VIEW = (30.0, 48.0, 40.0, 54.0)


def test_layers_found_by_key_for_user_named_weapons(tmp_path: Path) -> None:
    spec = _spec_with_weapon_name(XSS_IMG)
    layers = {lay.key: lay for lay in appmap.map_layers(spec, VIEW, tmp_path)}
    assert set(layers) == {"rings:atacms-m57", "footprint:evil", "places", "events", "targets"}
    evil = layers["footprint:evil"]
    assert evil.title.startswith(XSS_IMG)  # plain text for the sidebar ...
    assert "<" not in str(evil.to_arg()["title"])  # ... escaped for the map's control (innerHTML)
    # each program is a content-addressed file the browser fetches once
    name = evil.url.rsplit("/", 1)[1]
    assert name == f"layer-{evil.digest}.js" and (tmp_path / name).is_file()
    again = {lay.key: lay for lay in appmap.map_layers(spec, VIEW, tmp_path)}
    assert again["footprint:evil"].url == evil.url


def test_hiding_a_layer_does_not_change_any_layer_file() -> None:
    from dataclasses import replace as dc_replace

    spec = _spec_with_weapon_name("Gun")
    a = appmap.spec_digest(appmap.without_visibility(spec))
    b = appmap.spec_digest(appmap.without_visibility(dc_replace(spec, hidden=frozenset({"places", "events"}))))
    assert a == b
    assert appmap.spec_digest(dc_replace(spec, places=spec.places[:1])) != a


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


def test_map_falls_back_to_inline_layers_when_the_static_dir_is_read_only(monkeypatch: pytest.MonkeyPatch) -> None:
    try:
        from mapapp.data.paths import data_dir

        data_dir()
    except DataDirError as err:
        pytest.skip(f"data/geo not built: {err}")

    def refuse(*args: object, **kwargs: object) -> str:
        raise StaticDirError("Cannot write the map file: read-only")

    monkeypatch.setattr(appmap, "write_static_file", refuse)
    spec = replace(_spec_with_weapon_name("Gun"), basemap=True)
    layers = {lay.key: lay for lay in appmap.map_layers(spec, VIEW)}
    countries = layers["countries"]
    assert countries.url == "" and "/app/static/mapapp/basemap-" not in countries.code
    assert '"countries":{"type":"FeatureCollection"' in countries.code  # the polygons, inline
    assert all(lay.code and not lay.url for lay in layers.values())


def test_the_map_frame_preloads_only_served_local_assets() -> None:
    import re

    from mapapp.render import assets

    page = (Path(appmap.__file__).parent / "component" / "index.html").read_text(encoding="utf-8")
    urls = re.findall(r'(?:src|href)="([^"]+)"', page)
    served = {assets.served_url(k, appmap.STATIC_PREFIX) for k in assets.ASSETS}
    preloaded = [u for u in urls if u != "mapapp_map.js"]
    assert preloaded and set(preloaded) <= served  # the names the app serves, nothing remote
    names = appmap.ensure_static_assets()
    assert all((appmap.STATIC_DIR / u.rsplit("/", 1)[1]).is_file() for u in preloaded), names

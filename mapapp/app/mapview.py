"""What the app's map component is given: layer files, assets, view commands (no Streamlit here).

The component (:mod:`mapapp.app.mapcomponent`, frontend in ``component/mapapp_map.js``) draws
the layers of a :class:`~mapapp.maps.spec.MapSpec` with the same programs as the standalone
page and the snapshots (:mod:`mapapp.render.layers`). Each layer's program and the basemap are
written once to the app's static directory under a name made from their content
(``layer-<digest>.js``, ``basemap-<hash>.json``, served at ``/app/static/mapapp/...``), so a
rerun of the script sends the component a short list of names, the browser fetches each file
once, and a layer whose drawing did not change is not touched. Leaflet and its plugins come
from the XStatic packages (:mod:`mapapp.render.assets`), never a CDN.
"""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass, replace
from pathlib import Path

from mapapp.errors import StaticDirError
from mapapp.maps.spec import MapSpec
from mapapp.outputs import write_text_atomic
from mapapp.render import assets, plugins
from mapapp.render import layers as maplayers

_log = logging.getLogger(__name__)

#: URL prefix of the served files, and where they are copied (``static/`` beside page.py).
STATIC_PREFIX = "/app/static/mapapp"
STATIC_DIR = Path(__file__).resolve().parent / "static" / "mapapp"
#: Height of the map in the page (CSS px); the width is the column's.
MAP_HEIGHT_PX = 700
#: How many ``basemap-<hash>.json`` files (one per article view) the static directory keeps.
BASEMAP_FILES_KEPT = 32
#: How many ``layer-<digest>.js`` files the static directory keeps.
LAYER_FILES_KEPT = 256
#: Assets every map loads (the events layer adds the cluster plugin).
BASE_ASSETS = ("leaflet", "leaflet_css")


def ensure_static_assets(dest: Path = STATIC_DIR) -> dict[str, str]:
    """Copy Leaflet, jQuery and markercluster from the XStatic packages into ``dest`` (idempotent)."""
    return assets.copy_assets(dest)


@dataclass(frozen=True)
class MapLayer:
    """One layer as the component gets it: key, plain-text title, whether it is shown, legend
    rows, the digest and URL of its program (or, when the static directory cannot be written,
    the program itself in ``code``), and the asset URLs it needs."""

    key: str
    title: str
    on: bool
    legend: tuple[tuple[str, str], ...]
    digest: str
    url: str
    js: tuple[str, ...] = ()
    css: tuple[str, ...] = ()
    code: str = ""

    def to_arg(self) -> dict[str, object]:
        """The JSON the component receives for this layer."""
        return {
            "key": self.key,
            "title": maplayers.esc(self.title),  # Leaflet's layer control uses innerHTML
            "on": self.on,
            "legend": [list(r) for r in self.legend],
            "digest": self.digest,
            "url": self.url,
            "js": list(self.js),
            "css": list(self.css),
            "code": self.code,
        }


def _programs(
    spec: MapSpec, view: tuple[float, float, float, float], basemap_url: str | None
) -> list[maplayers.LayerProgram]:
    return maplayers.layer_programs(spec, view, basemap_url=basemap_url)


def spec_digest(spec: MapSpec) -> str:
    """A hash of what ``spec``'s layers draw (not which are shown, nor the view): two specs
    with the same digest give the same layer files."""
    h = hashlib.sha1()
    parts: list[object] = [spec.title, spec.source, spec.basemap, spec.tiles, spec.density_cell_km, spec.density_shape]
    parts += [
        (pm.place.id, pm.place.lon, pm.place.lat, pm.count, pm.label, pm.confidence, pm.sentences) for pm in spec.places
    ]
    parts += [(ev.id, ev.event_type, ev.sentence, [p.id for p in ev.places], repr(ev.date)) for ev in spec.events]
    parts += [(r.key, r.label, spec.range_color(r), repr(r.origins), repr(r.weapon)) for r in spec.ranges]
    parts += [repr(spec.targets), len(spec.density)]
    h.update(repr(parts).encode("utf-8"))
    for r in spec.ranges:
        h.update(r.geometry.wkb)
    for c in spec.density:
        h.update(repr((c.ring, c.count)).encode())
    return h.hexdigest()


def map_layers(spec: MapSpec, view: tuple[float, float, float, float], dest: Path = STATIC_DIR) -> list[MapLayer]:
    """The component's layers for ``spec``, their programs written to ``dest`` (see the module
    docstring); the basemap is cut for ``view`` (west, south, east, north). If ``dest`` cannot
    be written the programs (basemap included) travel inline instead: slower, but the map works.
    """
    try:
        return _served_layers(spec, view, dest)
    except StaticDirError as err:
        _log.warning("%s Sending the map's layers inline instead.", err)
    return [_layer(p, "", p.code) for p in _programs(spec, view, None)]


def _served_layers(spec: MapSpec, view: tuple[float, float, float, float], dest: Path) -> list[MapLayer]:
    basemap_url: str | None = None
    if spec.basemap:
        name = write_static_file(maplayers.basemap_json(spec, view), "basemap", ".json", dest, BASEMAP_FILES_KEPT)
        basemap_url = f"{STATIC_PREFIX}/{name}"
    out = []
    for prog in _programs(spec, view, basemap_url):
        name = write_static_file(prog.code, "layer", ".js", dest, LAYER_FILES_KEPT, digest=prog.digest)
        out.append(_layer(prog, f"{STATIC_PREFIX}/{name}", ""))
    return out


def _layer(prog: maplayers.LayerProgram, url: str, code: str) -> MapLayer:
    return MapLayer(
        prog.key,
        prog.title,
        prog.on,
        prog.legend,
        prog.digest,
        url,
        tuple(assets.served_url(k, STATIC_PREFIX) for k in prog.assets if assets.get(k).kind == "js"),
        tuple(assets.served_url(k, STATIC_PREFIX) for k in prog.assets if assets.get(k).kind == "css"),
        code,
    )


def setup_code() -> str:
    """JavaScript the component runs once per map (see :func:`mapapp.render.layers.setup_js`),
    then the analyst tools' (:func:`mapapp.render.plugins.app_setup_js`)."""
    return maplayers.setup_js() + plugins.app_setup_js()


def base_assets() -> dict[str, list[str]]:
    """URLs of the scripts and stylesheets every map loads (Leaflet, and Leaflet.draw for the tools)."""
    keys = (*BASE_ASSETS, *plugins.DRAW_ASSETS)
    return {
        "js": [assets.served_url(k, STATIC_PREFIX) for k in keys if assets.get(k).kind == "js"],
        "css": [assets.served_url(k, STATIC_PREFIX) for k in keys if assets.get(k).kind == "css"],
    }


def without_visibility(spec: MapSpec) -> MapSpec:
    """``spec`` with every layer shown: what the layer programs depend on (their visibility is
    sent separately, so toggling a layer never rewrites or reloads it)."""
    return replace(spec, hidden=frozenset(), screen=None)


def write_static_file(
    text: str, prefix: str, suffix: str, dest: Path = STATIC_DIR, keep: int = LAYER_FILES_KEPT, digest: str = ""
) -> str:
    """Write ``text`` to ``dest/<prefix>-<hash><suffix>`` if it is not there yet and return the
    file name; then delete all but the ``keep`` most recently used files of that prefix.

    The file is written to a unique temporary name in ``dest`` and renamed into place, so two
    sessions writing the same file at once both succeed and a reader never sees half a file.
    Raises :class:`~mapapp.errors.StaticDirError` if ``dest`` cannot be written.
    """
    name = f"{prefix}-{digest or hashlib.sha1(text.encode()).hexdigest()[:16]}{suffix}"
    target = dest / name
    try:
        dest.mkdir(parents=True, exist_ok=True)
        if target.is_file():
            os.utime(target)  # mark as recently used, so pruning keeps it
        else:
            write_text_atomic(target, text)  # readable (0644) like the other served assets
    except OSError as err:  # PermissionError, read-only file system, disk full (OutputError too)
        msg = (
            f"Cannot write the map file {str(target)!r}: {err.strerror or err}. The app serves "
            f"its map data from {str(dest)!r}; make that directory writable by the user running "
            "the app."
        )
        raise StaticDirError(msg) from err
    _prune(dest, f"{prefix}-*{suffix}", keep, name)
    return name


def write_basemap_file(text: str, dest: Path = STATIC_DIR, keep: int = BASEMAP_FILES_KEPT) -> str:
    """Write basemap JSON to ``dest/basemap-<hash>.json`` (see :func:`write_static_file`)."""
    return write_static_file(text, "basemap", ".json", dest, keep)


def _prune(dest: Path, pattern: str, keep: int, current: str) -> None:
    """Delete all but the ``keep`` newest (by mtime) files matching ``pattern`` in ``dest``
    (never ``current``)."""
    files: list[tuple[float, Path]] = []
    for f in dest.glob(pattern):
        try:
            files.append((f.stat().st_mtime, f))
        except FileNotFoundError:  # pruned by another session meanwhile
            continue
    if len(files) <= keep:
        return
    files.sort(key=lambda t: t[0], reverse=True)
    for _mtime, f in files[max(keep, 1) :]:
        if f.name == current:
            continue
        try:
            f.unlink()
        except (FileNotFoundError, PermissionError):
            continue

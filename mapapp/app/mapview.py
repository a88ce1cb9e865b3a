"""The app's map in two parts, for streamlit-folium's dynamic updates.

``st_folium`` re-mounts the Leaflet map only when the *base* map's script changes; layers given
as ``feature_group_to_add`` are swapped in place. So :func:`app_map` returns

* a base map that depends only on the article's view, the basemap and the tile choice (the
  offline country/admin-1 polygons, the title box, attribution, panes, scale bar);
* one feature group per toggleable layer (places, events, reach targets, each weapon's rings and
  footprint) plus a legend group, built by :func:`mapapp.render.leaflet.build_map` from the same
  :class:`~mapapp.maps.spec.MapSpec` as the snapshots;
* the layer control, to be re-rendered by ``st_folium`` over base and dynamic layers.

Assets are linked from the app's static directory (``/app/static/mapapp/...``), never a CDN.
This module does not import folium (only :mod:`mapapp.render.leaflet` does); it rearranges the objects
render builds.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
from dataclasses import dataclass, replace
from pathlib import Path

from branca.element import Element

from mapapp.errors import StaticDirError
from mapapp.maps.spec import (
    BORDER,
    LAND,
    LAYER_ADMIN1,
    LAYER_COUNTRIES,
    LAYER_EVENTS,
    LAYER_PLACES,
    LAYER_TARGETS,
    LAYER_TITLES,
    MapSpec,
)
from mapapp.outputs import write_text_atomic
from mapapp.render import assets
from mapapp.render import leaflet as render

_log = logging.getLogger(__name__)

#: URL prefix of the served assets, and where they are copied (``static/`` beside app.py).
STATIC_PREFIX = "/app/static/mapapp"
STATIC_DIR = Path(__file__).resolve().parent / "static" / "mapapp"
#: Pixel size the initial zoom is computed for (the map is ``MAP_HEIGHT_PX`` high in the page).
MAP_WIDTH_PX = 900
MAP_HEIGHT_PX = 700
#: How many ``basemap-<hash>.json`` files (one per article view) the static directory keeps.
BASEMAP_FILES_KEPT = 32


def ensure_static_assets(dest: Path = STATIC_DIR) -> dict[str, str]:
    """Copy Leaflet, jQuery and markercluster from the XStatic packages into ``dest`` (idempotent)."""
    return assets.copy_assets(dest)


@dataclass
class AppMap:
    """The parts ``st_folium`` takes: base map, dynamic layer groups by key, and layer control."""

    base: Element
    groups: dict[str, Element]
    layer_control: Element | None
    center_latlon: tuple[float, float]
    zoom: int


def fit_zoom(
    view: tuple[float, float, float, float], width_px: int = MAP_WIDTH_PX, height_px: int = MAP_HEIGHT_PX
) -> int:
    """The largest Web-Mercator zoom at which ``view`` (west, south, east, north) fits the pixels."""
    w, s, e, n = view

    def merc_y(lat: float) -> float:
        lat = max(min(lat, 85.0), -85.0)
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    span_x = max(e - w, 1e-6) / 360.0
    span_y = max(merc_y(n) - merc_y(s), 1e-9) / (2 * math.pi)
    z = min(math.log2(width_px / 256.0 / span_x), math.log2(height_px / 256.0 / span_y))
    return max(2, min(render.MAX_ZOOM, math.floor(z)))


def _children(el: Element) -> dict[str, Element]:
    return el._children


def layer_titles(spec: MapSpec) -> dict[str, str]:
    """Layer key -> title in the layer control, for every toggleable layer of ``spec``."""
    out = {r.key: r.title for r in spec.ranges}
    if spec.places:
        out[LAYER_PLACES] = LAYER_TITLES[LAYER_PLACES]
    if spec.events:
        out[LAYER_EVENTS] = LAYER_TITLES[LAYER_EVENTS]
    if spec.targets:
        out[LAYER_TARGETS] = LAYER_TITLES[LAYER_TARGETS]
    return out


def _title_snippet(spec: MapSpec) -> render.JsSnippet:
    """Attribution only: the page shows the article's title above the map."""
    return render.JsSnippet(
        f"""
        map.attributionControl.setPrefix(false);
        map.attributionControl.addAttribution({render.js_json(render.esc(spec.attribution()))});
        if (!document.getElementById("mapapp-app-css")) {{
            var st = document.createElement("style");
            st.id = "mapapp-app-css";
            st.textContent = ".mapapp-app-legend .src {{ display: none; }} .mapapp-app-legend {{ max-width: 240px; }}";
            document.head.appendChild(st);
        }}
        """,
        name="AppTitle",
    )


def _legend_snippet(spec: MapSpec) -> render.JsSnippet:
    return render.JsSnippet(
        f"""
        var Box = L.Control.extend({{
            onAdd: function () {{
                var d = L.DomUtil.create("div", "mapapp-box mapapp-legend mapapp-app-legend");
                d.innerHTML = this.options.content;
                L.DomEvent.disableClickPropagation(d);
                L.DomEvent.disableScrollPropagation(d);
                return d;
            }}
        }});
        var lg = new Box({{position: "bottomright", content: {render.js_json(render.legend_html(spec))}}});
        parent.on("add", function () {{ lg.addTo(map); }});
        parent.on("remove", function () {{ lg.remove(); }});
        """,
        name="AppLegend",
    )


def base_map(spec: MapSpec, view: tuple[float, float, float, float]) -> tuple[Element, Element | None]:
    """The base map (basemap, tiles, title/attribution, panes, scale) and its layer control.

    Depends only on the title, attribution, ``basemap``/``tiles`` and ``view``, so it can be
    cached per article; ``st_folium`` mutates what it is given, so hand it a deep copy.
    """
    zoom = fit_zoom(view)
    base_spec = replace(spec, places=(), events=(), ranges=(), targets=(), zoom=zoom)
    base = render.build_map(base_spec, asset_mode="served", asset_prefix=STATIC_PREFIX, view=view, ready_flag=True)
    control = None
    for name, child in list(_children(base).items()):
        if type(child).__name__ == "LayerControl":
            control = child
            del _children(base)[name]
        elif getattr(child, "_name", "") == "Chrome":
            del _children(base)[name]
    _title_snippet(base_spec).add_to(base)
    if spec.basemap:
        _serve_basemap(base, view)
    return base, control


def write_basemap_file(text: str, dest: Path = STATIC_DIR, keep: int = BASEMAP_FILES_KEPT) -> str:
    """Write ``text`` (basemap JSON) to ``dest/basemap-<hash>.json`` if it is not there yet and
    return the file name; then delete all but the ``keep`` most recently used basemap files.

    The file is written to a unique temporary name in ``dest`` and renamed into place, so two
    sessions writing the same basemap at once both succeed and a reader never sees half a file.
    Raises :class:`~mapapp.errors.StaticDirError` if ``dest`` cannot be written.
    """
    name = f"basemap-{hashlib.sha1(text.encode()).hexdigest()[:16]}.json"
    target = dest / name
    try:
        dest.mkdir(parents=True, exist_ok=True)
        if target.is_file():
            os.utime(target)  # mark as recently used, so pruning keeps it
        else:
            write_text_atomic(target, text)  # readable (0644) like the other served assets
    except OSError as err:  # PermissionError, read-only file system, disk full (OutputError too)
        msg = (
            f"Cannot write the basemap file {str(target)!r}: {err.strerror or err}. The app serves "
            f"its map data from {str(dest)!r}; make that directory writable by the user running "
            "the app."
        )
        raise StaticDirError(msg) from err
    _prune_basemaps(dest, keep, name)
    return name


def _prune_basemaps(dest: Path, keep: int, current: str) -> None:
    """Delete all but the ``keep`` newest (by mtime) ``basemap-*.json`` in ``dest`` (never ``current``)."""
    files: list[tuple[float, Path]] = []
    for f in dest.glob("basemap-*.json"):
        try:
            files.append((f.stat().st_mtime, f))
        except FileNotFoundError:  # pruned by another session meanwhile
            continue
    files.sort(key=lambda t: t[0], reverse=True)
    for _mtime, f in files[max(keep, 1) :]:
        if f.name == current:
            continue
        try:
            f.unlink()
        except (FileNotFoundError, PermissionError):
            continue


def _serve_basemap(base: Element, view: tuple[float, float, float, float], dest: Path = STATIC_DIR) -> None:
    """Move the basemap polygons out of the map script into a static JSON file the browser fetches
    (and caches), so a rerun does not resend them: swap the snippets inside the Countries and
    Admin-1 groups for ones that load ``/app/static/mapapp/basemap-<hash>.json``."""
    import numpy as np
    import shapely
    from shapely.geometry import mapping

    from mapapp.maps import basemap

    fg_c = render.layer_group(base, LAYER_COUNTRIES)
    fg_a = render.layer_group(base, LAYER_ADMIN1)
    if fg_c is None:
        return
    bm = basemap.for_view(view, with_admin1=fg_a is not None)

    def fc(geoms: object) -> dict[str, object]:
        rounded = shapely.transform(list(geoms), lambda xy: np.round(xy, 4))  # type: ignore[call-overload]
        return {
            "type": "FeatureCollection",
            "features": [{"type": "Feature", "properties": {}, "geometry": mapping(g)} for g in rounded],
        }

    data = {
        "countries": fc(bm.countries.geometry),
        "admin1": fc(bm.admin1.geometry),
        "labels": [[round(lat, 4), round(lon, 4), render.esc(name)] for name, lon, lat in bm.labels],
    }
    text = json.dumps(data, separators=(",", ":"))
    try:
        name = write_basemap_file(text, dest)
    except StaticDirError as err:  # keep the polygons inline in the map script: slower, but works
        _log.warning("%s Sending the basemap inline instead.", err)
        return
    url = render.js_json(f"{STATIC_PREFIX}/{name}")
    load = (
        f"window.__mapappBasemap = window.__mapappBasemap || {{}};"
        f"var p = window.__mapappBasemap[{url}] = window.__mapappBasemap[{url}] || "
        f"fetch({url}).then(function (r) {{ return r.json(); }});"
    )
    _children(fg_c).clear()
    render.JsSnippet(
        load
        + f"""
        p.then(function (d) {{
            L.geoJSON(d.countries, {{interactive: false, pane: "mapapp-base",
                style: {{color: "{BORDER}", weight: 1, fillColor: "{LAND}",
                         fillOpacity: 1}}}}).addTo(parent);
            d.labels.forEach(function (x) {{
                L.marker([x[0], x[1]], {{interactive: false, keyboard: false, pane: "mapapp-clabels",
                    icon: L.divIcon({{className: "mapapp-clabel", html: x[2], iconSize: [160, 16],
                                      iconAnchor: [80, 8]}})}}).addTo(parent);
            }});
        }});
        """,
        name="Countries",
    ).add_to(fg_c)
    if fg_a is not None:
        _children(fg_a).clear()
        render.JsSnippet(
            load
            + """
            p.then(function (d) {
                L.geoJSON(d.admin1, {interactive: false, pane: "mapapp-admin",
                    style: {color: "#a3a3a3", weight: 0.6, dashArray: "3 3", fill: false}}).addTo(parent);
            });
            """,
            name="Admin1",
        ).add_to(fg_a)


def layer_groups(spec: MapSpec, view: tuple[float, float, float, float]) -> dict[str, Element]:
    """One feature group per shown toggleable layer of ``spec`` (key -> group), plus ``"legend"``."""
    groups: dict[str, Element] = {}
    titles = layer_titles(spec)
    shown = {k: t for k, t in titles.items() if spec.is_on(k)}
    if not shown:
        return groups
    layer_spec = replace(
        spec,
        basemap=False,
        tiles=None,
        hidden=frozenset(),
        zoom=fit_zoom(view),
        ranges=tuple(r for r in spec.ranges if r.key in shown),
        places=spec.places if LAYER_PLACES in shown else (),
        events=spec.events if LAYER_EVENTS in shown else (),
        targets=spec.targets if LAYER_TARGETS in shown else (),
    )
    layers = render.build_map(layer_spec, asset_mode="served", asset_prefix=STATIC_PREFIX, view=view, ready_flag=False)
    for key in shown:
        fg = render.layer_group(layers, key)
        if fg is not None:
            del _children(layers)[fg.get_name()]
            groups[key] = fg
    if groups:
        legend = render.LayerGroup("legend", "Legend", control=False, show=True)
        _legend_snippet(layer_spec).add_to(legend)
        groups["legend"] = legend
    return groups


def app_map(spec: MapSpec, view: tuple[float, float, float, float]) -> AppMap:
    """Build the base map and the dynamic layers of ``spec`` for the extent ``view``.

    ``view`` (west, south, east, north) should stay the same for an article, so the base map
    (and the ``st_folium`` component) stays the same while layers and weapons change. Layers in
    ``spec.hidden`` are left out of :attr:`AppMap.groups`.
    """
    base, control = base_map(spec, view)
    w, s, e, n = view
    return AppMap(base, layer_groups(spec, view), control, ((s + n) / 2, (w + e) / 2), fit_zoom(view))

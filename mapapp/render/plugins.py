"""The analyst's tools on the Leaflet map: drawing, full screen, a collapsible legend, measured paths.

* :func:`draw_control` - Leaflet.draw (from the npm package, served locally) for lines,
  polygons and points. Drawn shapes go into ``window.drawnItems``, which streamlit-folium
  returns to the app as ``all_drawings``. Leaflet.draw's own length/area read-outs are switched
  off: they are spherical; the app measures on the ellipsoid (:mod:`mapapp.geo.measure`).
* :func:`fullscreen_control` - a button that puts the map in full screen (browser Fullscreen API).
* :func:`collapsible_legend` - every ``.mapapp-legend`` box gets a header that folds it; it
  starts folded when the map is narrow (under 600 px) and never grows past 45 % of the map height.
* :func:`measure_group` - a measured path drawn along its geodesics, each leg and the total labelled
  in km and miles with the initial bearing.
* :func:`shape_group` - a user's front line or area of control, drawn as given.

Every element gets a fixed id, so adding them to a cached base map yields the same script on
each rerun (streamlit-folium re-mounts the map when the script changes). Coordinates arrive
(lon, lat) and leave as Leaflet's [lat, lon]. Text reaches the page only HTML-escaped inside
JSON (:func:`mapapp.render.leaflet.js_json`).
"""

from __future__ import annotations

from collections.abc import Sequence

from branca.element import Element
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from mapapp.geo.measure import Measurement, format_bearing, format_distance, geodesic_path
from mapapp.maps.spec import MapSpec
from mapapp.render import assets
from mapapp.render.layers import esc, js_json, legend_html
from mapapp.render.leaflet import JsSnippet, LayerGroup

#: Colour of measured paths and of the user's drawn shapes.
MEASURE_COLOR = "#0f172a"
FRONT_COLOR = "#7c2d12"
#: Layer keys of the tools' own layers.
LAYER_MEASURE = "measure"
LAYER_FRONT = "front"

_TOOLS_CSS = """
.mapapp-legend-toggle { cursor: pointer; user-select: none; font-size: 12px; font-weight: 700;
  text-transform: uppercase; color: #444; display: flex; justify-content: space-between; gap: 8px; }
.mapapp-legend-toggle::after { content: "\\25BE"; }
.mapapp-legend.mapapp-folded .mapapp-legend-toggle::after { content: "\\25B8"; }
.mapapp-legend.mapapp-folded > :not(.mapapp-legend-toggle) { display: none; }
.mapapp-legend.mapapp-toggled > h2 { display: none; }
.mapapp-legend { overflow-y: auto; }
.mapapp-fs a { display: flex !important; align-items: center; justify-content: center; }
.mapapp-measure-label { display: inline-block; background: rgba(255,255,255,0.9); border: 1px solid #0f172a;
  border-radius: 3px; padding: 1px 4px; font-size: 11px; font-weight: 600; color: #0f172a; white-space: nowrap;
  transform: translate(-50%, -130%); }
.leaflet-container:fullscreen { width: 100% !important; height: 100% !important; }
html, body { height: 100%; }
.leaflet-container.mapapp-fill { height: 100vh !important; }
@media (max-width: 480px) { .mapapp-legend { font-size: 11px; max-width: 60vw; } }
"""


def _fixed(el: JsSnippet, ident: str) -> JsSnippet:
    """Give ``el`` a fixed id so its JavaScript name does not change between reruns."""
    el._id = ident
    return el


def tools_css() -> JsSnippet:
    """The tools' CSS, added once per page."""
    return _fixed(
        JsSnippet(
            f"""
            if (!document.getElementById("mapapp-tools-css")) {{
                var st = document.createElement("style");
                st.id = "mapapp-tools-css";
                st.textContent = {js_json(_TOOLS_CSS)};
                document.head.appendChild(st);
            }}
            """,
            name="ToolsCss",
        ),
        "mapapp_tools_css",
    )


def draw_control(prefix: str = "/app/static/mapapp") -> JsSnippet:
    """Leaflet.draw's toolbar (line, polygon, point; edit and delete), assets served from ``prefix``.

    Drawn shapes are collected in ``window.drawnItems`` (what streamlit-folium reads).
    """
    js = [("leaflet_draw_js", assets.served_url("leaflet_draw", prefix))]
    css = [("leaflet_draw_css", assets.served_url("leaflet_draw_css", prefix))]
    line = {"color": MEASURE_COLOR, "weight": 3, "opacity": 0.9}
    options = {
        "position": "topleft",
        "draw": {
            "polyline": {"shapeOptions": line, "showLength": False, "metric": True},
            "polygon": {"shapeOptions": {**line, "fillOpacity": 0.08}, "showArea": False, "showLength": False},
            "marker": False,
            "circlemarker": {"radius": 6, "color": MEASURE_COLOR},
            "rectangle": False,
            "circle": False,
        },
    }
    return _fixed(
        JsSnippet(
            f"""
            if (L.Control.Draw) {{
                var items = window.drawnItems = new L.FeatureGroup();
                items.addTo(map);
                var opts = {js_json(options)};
                opts.edit = {{featureGroup: items, remove: true}};
                L.drawLocal.draw.toolbar.buttons.polyline = "Draw a line: a path to measure, or a front line";
                L.drawLocal.draw.toolbar.buttons.polygon = "Draw an area (e.g. an area of control)";
                L.drawLocal.draw.toolbar.buttons.circlemarker = "Drop a point";
                map.addControl(new L.Control.Draw(opts));
                map.on(L.Draw.Event.CREATED, function (e) {{ items.addLayer(e.layer); }});
            }}
            """,
            name="DrawTools",
            js=js,
            css=css,
        ),
        "mapapp_draw",
    )


def fullscreen_control() -> JsSnippet:
    """A "⛶" button (top left) that toggles the map's full-screen mode."""
    return _fixed(
        JsSnippet(
            """
            var Fs = L.Control.extend({
                options: {position: "topleft"},
                onAdd: function () {
                    var bar = L.DomUtil.create("div", "leaflet-bar mapapp-fs");
                    var a = L.DomUtil.create("a", "", bar);
                    a.href = "#"; a.title = "Full screen"; a.setAttribute("role", "button");
                    a.setAttribute("aria-label", "Full screen");
                    a.innerHTML = '<svg width="16" height="16" viewBox="0 0 16 16" fill="none" stroke="#333" ' +
                        'stroke-width="2"><path d="M1 6V1h5M10 1h5v5M15 10v5h-5M6 15H1v-5"/></svg>';
                    L.DomEvent.on(a, "click", function (ev) {
                        L.DomEvent.preventDefault(ev);
                        var el = map.getContainer();
                        if (document.fullscreenElement) { document.exitFullscreen(); }
                        else if (el.requestFullscreen) { el.requestFullscreen(); }
                    });
                    L.DomEvent.disableClickPropagation(bar);
                    return bar;
                }
            });
            map.addControl(new Fs());
            document.addEventListener("fullscreenchange", function () {
                setTimeout(function () { map.invalidateSize(); }, 50);
            });
            """,
            name="Fullscreen",
        ),
        "mapapp_fullscreen",
    )


def collapsible_legend(narrow_px: int = 600, max_height_frac: float = 0.45) -> JsSnippet:
    """Fold every legend box of the map behind a "Legend ▾" header (folded at first on narrow maps).

    The header is put back whenever the legend's content is rebuilt (layers switched on or off).
    """
    return _fixed(
        JsSnippet(
            f"""
            function fold(box) {{
                var h = box.firstElementChild;
                if (h && h.classList.contains("mapapp-legend-toggle")) {{ return; }}
                box.classList.add("mapapp-toggled");
                h = document.createElement("div");
                h.className = "mapapp-legend-toggle";
                h.setAttribute("role", "button");
                h.setAttribute("tabindex", "0");
                h.textContent = "Legend";
                box.insertBefore(h, box.firstChild);
                if (!box.__mapappFold) {{
                    box.__mapappFold = true;
                    var narrow = map.getSize().x < {int(narrow_px)};
                    var stored = window.__mapappLegendFolded;
                    if (stored === undefined ? narrow : stored) {{ box.classList.add("mapapp-folded"); }}
                }}
                h.addEventListener("click", function () {{
                    box.classList.toggle("mapapp-folded");
                    window.__mapappLegendFolded = box.classList.contains("mapapp-folded");
                }});
                size(box);
            }}
            function size(box) {{
                box.style.maxHeight = Math.round(map.getSize().y * {float(max_height_frac)}) + "px";
            }}
            function scan() {{
                map.getContainer().querySelectorAll(".mapapp-legend").forEach(fold);
            }}
            scan();
            map.on("resize", function () {{
                map.getContainer().querySelectorAll(".mapapp-legend").forEach(size);
            }});
            new MutationObserver(scan).observe(map.getContainer(), {{childList: true, subtree: true}});
            """,
            name="LegendFold",
        ),
        "mapapp_legend_fold",
    )


def fill_frame() -> JsSnippet:
    """Make the map fill the frame it is in (the page decides the frame's height), and redraw
    when the frame is resized."""
    return _fixed(
        JsSnippet(
            """
            map.getContainer().classList.add("mapapp-fill");
            map.invalidateSize();
            window.addEventListener("resize", function () { map.invalidateSize(); });
            """,
            name="FillFrame",
        ),
        "mapapp_fill_frame",
    )


def add_app_tools(base: Element, prefix: str = "/app/static/mapapp") -> Element:
    """Add the tools' CSS, the draw toolbar, the full-screen button, the foldable legend and the
    frame-filling map to ``base``."""
    for el in (tools_css(), fullscreen_control(), draw_control(prefix), collapsible_legend(), fill_frame()):
        el.add_to(base)
    return base


def _latlon_path(points: Sequence[tuple[float, float]]) -> list[list[float]]:
    return [[round(lat, 6), round(lon, 6)] for lon, lat in points]


def measure_group(m: Measurement, title: str = "Measurement") -> LayerGroup:
    """The measured path as a layer: geodesic legs, a label per leg (when several) and the total."""
    fg = LayerGroup(LAYER_MEASURE, title, show=True)
    path = _latlon_path(geodesic_path(m.points))
    points = _latlon_path(m.points)
    legs = []
    for leg in m.legs:
        # the leg's geodesic midpoint (one point between its ends), for the leg's label
        mid = geodesic_path([leg.start, leg.end], max_segment_km=leg.distance_km / 2 + 1e-9)
        mlon, mlat = mid[1] if len(mid) == 3 else ((leg.start.lon + leg.end.lon) / 2, (leg.start.lat + leg.end.lat) / 2)
        legs.append([round(mlat, 6), round(mlon, 6), esc(format_distance(leg.distance_km))])
    first = m.legs[0]
    total = esc(
        f"{format_distance(m.total_km)} · bearing {format_bearing(first.bearing_deg)}"
        if len(m.legs) == 1
        else f"Total {format_distance(m.total_km)} over {len(m.legs)} legs"
    )
    _fixed(
        JsSnippet(
            f"""
            var path = {js_json(path)}, pts = {js_json(points)}, legs = {js_json(legs)};
            L.polyline(path, {{pane: "mapapp-points", color: "{MEASURE_COLOR}", weight: 3, dashArray: "6 4",
                               interactive: false}}).addTo(parent);
            pts.forEach(function (p, i) {{
                L.circleMarker(p, {{pane: "mapapp-points", radius: 4, color: "#fff", weight: 1.5,
                    fillColor: "{MEASURE_COLOR}", fillOpacity: 1}}).bindTooltip("Point " + (i + 1)).addTo(parent);
            }});
            if (legs.length > 1) {{
                legs.forEach(function (d) {{
                    L.marker([d[0], d[1]], {{pane: "mapapp-points", interactive: false, keyboard: false,
                        icon: L.divIcon({{className: "", iconSize: null,
                            html: '<span class="mapapp-measure-label">' + d[2] + '</span>'}})}}).addTo(parent);
                }});
            }}
            // the total sits on the middle of the path, above the line (an end may be off screen)
            var mid = path[Math.floor(path.length / 2)], total = {js_json(total)};
            L.marker(mid, {{pane: "mapapp-points", interactive: false, keyboard: false,
                icon: L.divIcon({{className: "", iconSize: null, iconAnchor: [0, 0],
                    html: '<span class="mapapp-measure-label mapapp-measure-total">' + total + '</span>'}})}})
             .addTo(parent);
            """,
            name="Measure",
        ),
        "mapapp_measure",
    ).add_to(fg)
    return fg


def legend_group(spec: MapSpec) -> LayerGroup:
    """The legend of ``spec`` as a layer (a bottom-right box, foldable by :func:`collapsible_legend`)."""
    fg = LayerGroup("legend", "Legend", control=False, show=True)
    JsSnippet(
        f"""
        var Box = L.Control.extend({{
            onAdd: function () {{
                var d = L.DomUtil.create("div", "mapapp-box mapapp-legend");
                d.innerHTML = this.options.content;
                L.DomEvent.disableClickPropagation(d);
                L.DomEvent.disableScrollPropagation(d);
                return d;
            }}
        }});
        var lg = new Box({{position: "bottomright", content: {js_json(legend_html(spec))}}});
        parent.on("add", function () {{ lg.addTo(map); }});
        parent.on("remove", function () {{ lg.remove(); }});
        """,
        name="Legend",
    ).add_to(fg)
    return fg


def shape_group(geom: BaseGeometry, title: str, key: str = LAYER_FRONT, color: str = FRONT_COLOR) -> LayerGroup:
    """A user's line or area (lon/lat shapely geometry) as a layer, drawn as given."""
    fg = LayerGroup(key, title, show=True)
    data = {"type": "Feature", "properties": {}, "geometry": mapping(geom)}
    style = {"color": color, "weight": 3.5, "opacity": 0.95, "fillColor": color, "fillOpacity": 0.12}
    _fixed(
        JsSnippet(
            f"""
            L.geoJSON({js_json(data)}, {{pane: "mapapp-points", style: {js_json(style)}}})
             .bindTooltip({js_json(esc(title))}, {{sticky: true}}).addTo(parent);
            """,
            name="Shape",
        ),
        "mapapp_front_" + "".join(c for c in key if c.isalnum()),
    ).add_to(fg)
    return fg


__all__ = [
    "LAYER_FRONT",
    "LAYER_MEASURE",
    "add_app_tools",
    "collapsible_legend",
    "draw_control",
    "fullscreen_control",
    "legend_group",
    "measure_group",
    "shape_group",
    "tools_css",
]

"""The analyst's tools on the Leaflet map: drawing, full screen, a foldable legend, measured paths.

Two kinds of JavaScript, for the app's map component (:mod:`mapapp.app.mapcomponent`):

* :func:`app_setup_js` - run once per map (``map`` bound), after the map's own setup:

  - the drawing toolbar, Leaflet.draw from the npm package (served locally, :func:`draw_assets`):
    lines, polygons and points, editable and removable; ``window.__mapappDrawings()`` returns the
    drawn shapes as GeoJSON features (the component reports them to the app). Leaflet.draw's
    own length and area read-outs are off: they are spherical; the app measures on the ellipsoid
    (:mod:`mapapp.geo.measure`);
  - a full-screen button (the browser's Fullscreen API);
  - a legend that folds behind a "Legend ▾" header (folded at first on maps under 600 px wide,
    never taller than 45 % of the map); on such narrow maps the layer control starts as its icon;
  - a map as tall as the window allows (it asks the page for a taller frame and fills it).

* layer programs (:class:`mapapp.render.layers.LayerProgram`, run with ``map`` and ``parent``
  bound) for the tools' own layers: :func:`measure_program` (a measured path along its
  geodesics, each leg and the total labelled in km and miles with the initial bearing) and
  :func:`shape_program` (a user's front line or area of control, drawn as given).

Coordinates arrive (lon, lat) and leave as Leaflet's [lat, lon]. Text reaches the page only
HTML-escaped inside JSON (:func:`mapapp.render.layers.js_json`). No folium here.
"""

from __future__ import annotations

from collections.abc import Sequence

from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from mapapp.geo.measure import Measurement, format_bearing, format_distance, geodesic_path
from mapapp.render import assets
from mapapp.render.layers import LayerProgram, esc, js_json

#: Colour of measured paths and of the user's drawn shapes.
MEASURE_COLOR = "#0f172a"
FRONT_COLOR = "#7c2d12"
#: Layer keys of the tools' own layers.
LAYER_MEASURE = "measure"
LAYER_FRONT = "front"
#: Asset keys (:mod:`mapapp.render.assets`) of the drawing toolbar.
DRAW_ASSETS = ("leaflet_draw", "leaflet_draw_css")

TOOLS_CSS = """
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
html, body { height: 100%; margin: 0; }
.leaflet-container.mapapp-fill { height: 100vh !important; }
@media (max-width: 480px) { .mapapp-legend { font-size: 11px; max-width: 60vw; } }
"""


def draw_assets(prefix: str = "/app/static/mapapp") -> dict[str, list[str]]:
    """URLs of Leaflet.draw's script and stylesheet under ``prefix`` (see :func:`assets.copy_assets`)."""
    return {
        "js": [assets.served_url(k, prefix) for k in DRAW_ASSETS if assets.get(k).kind == "js"],
        "css": [assets.served_url(k, prefix) for k in DRAW_ASSETS if assets.get(k).kind == "css"],
    }


def _css_js() -> str:
    return f"""
    if (!document.getElementById("mapapp-tools-css")) {{
        var st = document.createElement("style");
        st.id = "mapapp-tools-css";
        st.textContent = {js_json(TOOLS_CSS)};
        document.head.appendChild(st);
    }}
    """


def _draw_js() -> str:
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
    return f"""
    if (L.Control.Draw) {{
        var items = new L.FeatureGroup();
        items.addTo(map);
        var opts = {js_json(options)};
        opts.edit = {{featureGroup: items, remove: true}};
        L.drawLocal.draw.toolbar.buttons.polyline = "Draw a line: a path to measure, or a front line";
        L.drawLocal.draw.toolbar.buttons.polygon = "Draw an area (e.g. an area of control)";
        L.drawLocal.draw.toolbar.buttons.circlemarker = "Drop a point";
        map.addControl(new L.Control.Draw(opts));
        map.on(L.Draw.Event.CREATED, function (e) {{ items.addLayer(e.layer); }});
        window.__mapappDrawings = function () {{ return items.toGeoJSON().features; }};
    }}
    """


_FULLSCREEN_JS = """
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
"""


def _legend_fold_js(narrow_px: int = 600, max_height_frac: float = 0.45) -> str:
    """Fold every legend box behind a header, put back whenever the legend is rebuilt."""
    return f"""
    (function () {{
        function size(box) {{
            box.style.maxHeight = Math.round(map.getSize().y * {float(max_height_frac)}) + "px";
        }}
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
        // on a narrow map the layer control starts as its icon too (tap it to open, tap the map to close)
        function tidy(c) {{
            if (c.__mapappTidy || map.getSize().x >= {int(narrow_px)}) {{ return; }}
            c.__mapappTidy = true;
            c.classList.remove("leaflet-control-layers-expanded");
        }}
        map.on("click", function () {{
            if (map.getSize().x >= {int(narrow_px)}) {{ return; }}
            map.getContainer().querySelectorAll(".leaflet-control-layers-expanded").forEach(function (c) {{
                c.classList.remove("leaflet-control-layers-expanded");
            }});
        }});
        function scan() {{
            map.getContainer().querySelectorAll(".mapapp-legend").forEach(fold);
            map.getContainer().querySelectorAll(".leaflet-control-layers").forEach(tidy);
        }}
        scan();
        map.on("resize", function () {{ map.getContainer().querySelectorAll(".mapapp-legend").forEach(size); }});
        new MutationObserver(scan).observe(map.getContainer(), {{childList: true, subtree: true}});
    }})();
    """


#: The map's height: the window's less the page's header (px), never under :data:`MIN_MAP_PX`.
PAGE_HEADER_PX = 190
MIN_MAP_PX = 420

_FILL_JS = f"""
map.getContainer().classList.add("mapapp-fill");
map.invalidateSize();
window.addEventListener("resize", function () {{ map.invalidateSize(); }});
(function () {{
    // as tall as the window allows: ask the page (the component's parent) for a taller frame
    var last = 0;
    function fit() {{
        var vh = 0;
        try {{ vh = window.parent.innerHeight; }} catch (e) {{ return; }}
        var h = Math.max({MIN_MAP_PX}, Math.round(vh - {PAGE_HEADER_PX}));
        if (!vh || h === last || window.parent === window) {{ return; }}
        last = h;
        window.parent.postMessage({{isStreamlitMessage: true, type: "streamlit:setFrameHeight", height: h}}, "*");
    }}
    fit();
    try {{ window.parent.addEventListener("resize", fit); }} catch (e) {{ }}
}})();
"""


def app_setup_js() -> str:
    """JavaScript run once per app map (``map`` bound): the tools' styles, the full-screen
    button, the drawing toolbar (when its script is loaded), the foldable legend and a map that
    fills its frame."""
    return _css_js() + _FULLSCREEN_JS + _draw_js() + _legend_fold_js() + _FILL_JS


def _latlon_path(points: Sequence[tuple[float, float]]) -> list[list[float]]:
    return [[round(lat, 6), round(lon, 6)] for lon, lat in points]


def measure_program(m: Measurement, title: str = "Measurement") -> LayerProgram:
    """The measured path as a layer: geodesic legs, a label per leg (when several) and the total
    on the middle of the path (an end may be off screen)."""
    path = _latlon_path(geodesic_path(m.points))
    points = _latlon_path(m.points)
    legs = []
    for leg in m.legs:
        # the leg's geodesic midpoint (one point between its ends), for the leg's label
        mid = geodesic_path([leg.start, leg.end], max_segment_km=leg.distance_km / 2 + 1e-9)
        mlon, mlat = mid[1] if len(mid) == 3 else ((leg.start.lon + leg.end.lon) / 2, (leg.start.lat + leg.end.lat) / 2)
        legs.append([round(mlat, 6), round(mlon, 6), esc(format_distance(leg.distance_km))])
    total = esc(
        f"{format_distance(m.total_km)} · bearing {format_bearing(m.legs[0].bearing_deg)}"
        if len(m.legs) == 1
        else f"Total {format_distance(m.total_km)} over {len(m.legs)} legs"
    )
    code = f"""
        var path = {js_json(path)}, pts = {js_json(points)}, legs = {js_json(legs)}, total = {js_json(total)};
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
        var mid = path[Math.floor(path.length / 2)];
        L.marker(mid, {{pane: "mapapp-points", interactive: false, keyboard: false,
            icon: L.divIcon({{className: "", iconSize: null, iconAnchor: [0, 0],
                html: '<span class="mapapp-measure-label mapapp-measure-total">' + total + '</span>'}})}})
         .addTo(parent);
        """
    sym = f'<span class="sym" style="border-top:3px dashed {MEASURE_COLOR};height:0;margin-top:6px"></span>'
    legend = ((f"tool:{LAYER_MEASURE}", f'<div class="row">{sym}<span>{esc(title)}</span></div>'),)
    return LayerProgram(LAYER_MEASURE, title, code, True, legend)


def shape_program(geom: BaseGeometry, title: str, key: str = LAYER_FRONT, color: str = FRONT_COLOR) -> LayerProgram:
    """A user's line or area (lon/lat shapely geometry) as a layer, drawn as given."""
    data = {"type": "Feature", "properties": {}, "geometry": mapping(geom)}
    style = {"color": color, "weight": 3.5, "opacity": 0.95, "fillColor": color, "fillOpacity": 0.12}
    code = f"""
        L.geoJSON({js_json(data)}, {{pane: "mapapp-points", style: {js_json(style)}}})
         .bindTooltip({js_json(esc(title))}, {{sticky: true}}).addTo(parent);
        """
    sym = f'<span class="sym" style="border-top:3.5px solid {esc(color)};height:0;margin-top:6px"></span>'
    legend = ((f"tool:{key}", f'<div class="row">{sym}<span>{esc(title)}</span></div>'),)
    return LayerProgram(key, title, code, True, legend)


__all__ = [
    "DRAW_ASSETS",
    "LAYER_FRONT",
    "LAYER_MEASURE",
    "app_setup_js",
    "draw_assets",
    "measure_program",
    "shape_program",
]

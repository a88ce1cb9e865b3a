"""The map's layers as small JavaScript programs, shared by the standalone page and the app.

Each toggleable layer of a :class:`~mapapp.maps.spec.MapSpec` becomes a :class:`LayerProgram`:
its key, its title in the layer control, its legend rows, and a piece of JavaScript run as
``(function (map, parent) { ... })`` that draws the layer into ``parent`` (a Leaflet layer
group). The standalone page (:mod:`mapapp.render.leaflet`, via folium) and the app's own map
component (:mod:`mapapp.app.mapview`) run the same programs, so the screen, the HTML file and
the PNG/PDF snapshots draw the same thing. :data:`SETUP_JS` runs once per map before any layer
(styles, panes, label placement, the legend of the visible layers).

Data reaches the page only through :func:`js_json` (safe inside ``<script>``); article text is
HTML-escaped before it is put into popups, tooltips or labels. No folium here.

Coordinates: the spec is (lon, lat); Leaflet wants [lat, lon]; the swap happens in this module
and in :mod:`mapapp.render.leaflet` only.
"""

from __future__ import annotations

import hashlib
import html
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import shapely
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from mapapp.maps.spec import (
    ADMIN1_BORDER,
    BORDER,
    DENSITY_RAMP,
    EVENT_COLOR,
    IN_RANGE,
    LAND,
    LAYER_ADMIN1,
    LAYER_COUNTRIES,
    LAYER_DENSITY,
    LAYER_EVENTS,
    LAYER_PLACES,
    LAYER_TARGETS,
    LAYER_TILES,
    LAYER_TITLES,
    OTHER_EVENT_COLOR,
    OUT_OF_RANGE,
    PLACE_COLOR,
    SEA,
    DensityClass,
    MapSpec,
    PlaceMark,
    RangeLayer,
    ReachTarget,
    coarse_note,
    density_classes,
    density_color,
    density_legend_title,
    event_color,
    event_types,
    format_km,
    label_priority,
    point_places,
)
from mapapp.model import Event

#: Highest zoom the map allows (no tiles beyond it; the offline basemap has no more detail).
MAX_ZOOM = 18
#: Lowest zoom (the whole world in a map about 500 px wide).
MIN_ZOOM = 1
#: Layers drawn under the data: not listed in the legend.
BASE_LAYERS = (LAYER_COUNTRIES, LAYER_ADMIN1, LAYER_TILES)
#: Asset keys (:mod:`mapapp.render.assets`) the events layer needs.
CLUSTER_ASSETS = ("markercluster", "markercluster_css", "markercluster_default_css")

CSS = f"""
.leaflet-container {{ background: {SEA}; font-family: "Helvetica Neue", Arial, sans-serif; }}
.mapapp-box {{ background: rgba(255,255,255,0.92); padding: 6px 10px; border-radius: 4px;
  box-shadow: 0 1px 4px rgba(0,0,0,0.3); color: #222; line-height: 1.35; }}
.mapapp-title {{ max-width: 460px; }}
.mapapp-title h1 {{ font-size: 16px; margin: 0 0 2px 0; font-weight: 700; }}
.mapapp-title div {{ font-size: 12px; color: #555; }}
.mapapp-legend {{ font-size: 12px; max-width: 300px; }}
.mapapp-legend h2 {{ font-size: 12px; margin: 0 0 4px 0; text-transform: uppercase; color: #555; }}
.mapapp-legend .row {{ display: flex; align-items: center; margin: 2px 0; }}
.mapapp-legend .sym {{ flex: 0 0 22px; height: 14px; margin-right: 6px; display: inline-block; }}
.mapapp-legend .src {{ color: #666; font-size: 11px; margin-left: 28px; }}
.mapapp-label {{ background: transparent; border: none; box-shadow: none; padding: 0;
  font-size: 12px; font-weight: 600; color: #111;
  text-shadow: -1px -1px 0 #fff, 1px -1px 0 #fff, -1px 1px 0 #fff, 1px 1px 0 #fff, 0 0 3px #fff; }}
.mapapp-tlabel {{ font-size: 11px; font-weight: 500; color: {IN_RANGE}; }}
.mapapp-label::before {{ display: none; }}
.mapapp-ring-label {{ display: inline-block; transform: translate(-50%, -115%); background: rgba(255,255,255,0.88);
  border-radius: 3px; padding: 1px 5px; font-size: 11px; font-weight: 700; white-space: nowrap;
  border: 1.5px solid currentColor; }}
.mapapp-clabel {{ font-size: 13px; letter-spacing: 0.08em; text-transform: uppercase; color: #777;
  white-space: nowrap; pointer-events: none; text-align: center;
  text-shadow: 0 0 2px {LAND}, 0 0 2px {LAND}; }}
.mapapp-airfield {{ width: 7px; height: 7px; border: 2px solid; box-shadow: 0 0 2px rgba(0,0,0,0.4); }}
.mapapp-event {{ width: 10px; height: 10px; background: {EVENT_COLOR}; border: 1.5px solid #fff;
  transform: rotate(45deg); box-shadow: 0 0 2px rgba(0,0,0,0.6); }}
.mapapp-legend .ramp {{ display: flex; margin: 2px 0 0 28px; }}
.mapapp-legend .ramp span {{ display: flex; flex-direction: column; align-items: center; font-size: 10px;
  color: #444; min-width: 34px; }}
.mapapp-legend .ramp i {{ display: block; width: 100%; height: 10px; border: 0.5px solid #fff; }}
.mapapp-popup {{ font-size: 12px; max-width: 320px; }}
.mapapp-popup b.t {{ font-size: 14px; }}
.mapapp-popup blockquote {{ margin: 4px 0; padding-left: 6px; border-left: 3px solid #ccc; color: #333; }}
.mapapp-popup .meta {{ color: #666; }}
.leaflet-control-layers-expanded {{ font-size: 12px; }}
.leaflet-container .leaflet-control-attribution {{ font-size: 11px; }}
.leaflet-container .leaflet-control-scale-line {{ font-size: 11px; line-height: 1.3; }}
.mapapp-legend .mapapp-hint {{ font-style: italic; }}
"""


#: Label priorities above every place (:func:`mapapp.maps.spec.label_priority`): a launch point's
#: name, then a ring's "ATACMS 300 km from Sumy", win a collision with a place or target label.
LAUNCH_LABEL_PRIORITY = 4e12
RING_LABEL_PRIORITY = 3.5e12

#: Label placement (JavaScript, defined once per page): every permanent label registers itself in
#: ``map.__mapappLabels`` as {layer, prio, r, kind}; after each zoom or layer change the labels are
#: placed in priority order, each on the first side of its point (right, left, above, below) where
#: its box overlaps no label already placed and no other labelled point, else hidden until a
#: zoom makes room. Country names (kind "fixed", lowest priority) are only shown or hidden.
DECLUTTER_JS = """
if (!window.__mapappDeclutter) {
    var sides = [["right", 1, 0], ["left", -1, 0], ["top", 0, -1], ["bottom", 0, 1]];
    window.__mapappDeclutter = function (map) {
        var c = map.getContainer().getBoundingClientRect();
        var items = (map.__mapappLabels || []).filter(function (it) { return map.hasLayer(it.layer); });
        items.sort(function (a, b) { return b.prio - a.prio; });
        var taken = [], placed = [];
        map.getContainer().querySelectorAll(".mapapp-box").forEach(function (el) {
            var r = el.getBoundingClientRect();
            if (r.width > 0) { taken.push([r.left - c.left, r.top - c.top, r.right - c.left, r.bottom - c.top, null]); }
        });
        items.forEach(function (it) {
            if (it.r > 0) {
                var p = map.latLngToContainerPoint(it.layer.getLatLng());
                taken.push([p.x - it.r, p.y - it.r, p.x + it.r, p.y + it.r, it, true]);
            }
        });
        function free(b, self) {
            for (var i = 0; i < taken.length; i++) {
                var t = taken[i];
                if (self.overPoints && t[5]) { continue; }
                if (t[4] !== self && b[0] < t[2] && b[2] > t[0] && b[1] < t[3] && b[3] > t[1]) { return false; }
            }
            return b[0] >= 0 && b[1] >= 0 && b[2] <= c.width && b[3] <= c.height;
        }
        function boxOf(el) {
            var r = el.getBoundingClientRect();
            return [r.left - c.left - 2, r.top - c.top - 1, r.right - c.left + 2, r.bottom - c.top + 1];
        }
        items.forEach(function (it) {
            var el, b, k;
            if (it.kind === "fixed") {
                el = it.layer.getElement();
                if (!el) { return; }
                el.style.visibility = "";
                b = boxOf(it.child ? el.firstElementChild || el : el);
                var ok = free(b, it);
                el.style.visibility = ok ? "" : "hidden";
                if (ok) { taken.push([b[0], b[1], b[2], b[3], it]); }
                return;
            }
            var tt = it.layer.getTooltip();
            el = tt && tt.getElement();
            if (!el) { return; }
            var here = map.latLngToContainerPoint(it.layer.getLatLng());
            var twin = it.name && placed.some(function (o) {
                return o.name === it.name && here.distanceTo(map.latLngToContainerPoint(o.layer.getLatLng())) < 24;
            });
            if (twin) { el.style.visibility = "hidden"; return; }  // the same place, already named
            for (k = 0; k < sides.length; k++) {
                var s = sides[k], gap = it.r + 2;
                tt.options.direction = s[0];
                tt.options.offset = [s[1] * gap, s[2] * gap];
                tt.update();
                b = boxOf(el);
                if (free(b, it)) {
                    taken.push([b[0], b[1], b[2], b[3], it]);
                    placed.push(it);
                    el.style.visibility = "";
                    return;
                }
            }
            tt.options.direction = "right";
            tt.options.offset = [it.r + 2, 0];
            tt.update();
            el.style.visibility = "hidden";
        });
    };
    window.__mapappDeclutterSoon = function (map) {
        if (!map.__mapappDeclutterHooked) {
            map.__mapappDeclutterHooked = true;
            map.on("zoomend overlayadd overlayremove layeradd layerremove resize", function () {
                window.__mapappDeclutterSoon(map);
            });
        }
        if (map.__mapappDeclutterPending) { return; }
        map.__mapappDeclutterPending = true;
        requestAnimationFrame(function () {
            map.__mapappDeclutterPending = false;
            window.__mapappDeclutter(map);
        });
    };
}
"""


def js_json(obj: object) -> str:
    """JSON that is safe inside an HTML ``<script>`` element (no ``<``, ``>``, ``&`` or line
    separators appear literally, so ``</script>`` in the data cannot end the script)."""
    return js_safe(json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False))


def js_safe(json_text: str) -> str:
    """Already serialised JSON made safe inside ``<script>`` the way :func:`js_json` does it."""
    return (
        json_text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def esc(text: object) -> str:
    """HTML-escape untrusted text (quotes too)."""
    return html.escape(str(text), quote=True)


def _latlon(geom_lonlat: Sequence[float]) -> list[float]:
    return [round(float(geom_lonlat[1]), 6), round(float(geom_lonlat[0]), 6)]


def _round_coords(coords: object, ndigits: int) -> object:
    if isinstance(coords, (list, tuple)):
        if coords and isinstance(coords[0], (int, float)):
            return [round(float(c), ndigits) for c in coords]
        return [_round_coords(c, ndigits) for c in coords]
    return coords


def _geojson(geom: BaseGeometry, ndigits: int | None = None) -> dict[str, object]:
    """GeoJSON geometry dict (lon, lat); coordinates rounded to ``ndigits`` decimals if given."""
    g = dict(mapping(geom))
    if ndigits is not None and "coordinates" in g:
        g["coordinates"] = _round_coords(g["coordinates"], ndigits)
    return g


def format_latlon(lat: float, lon: float, ndigits: int = 4) -> str:
    """``"38.8973° N, 77.0374° W"``: degrees with hemisphere letters (no signs)."""
    lat_r, lon_r = round(lat, ndigits), round(lon, ndigits)
    ns = "S" if lat_r < 0 else "N"
    ew = "W" if lon_r < 0 else "E"
    return f"{abs(lat_r):.{ndigits}f}° {ns}, {abs(lon_r):.{ndigits}f}° {ew}"


# --------------------------------------------------------------------------- popups


def place_popup(pm: PlaceMark, max_sentences: int = 3) -> str:
    """Popup HTML for a place (every piece of text escaped)."""
    p = pm.place
    written = ", ".join(dict.fromkeys(pm.surfaces)) if pm.surfaces else p.name
    parts = [
        f'<div class="mapapp-popup"><b class="t">{esc(p.name)}</b> <span class="meta">({esc(p.kind)}'
        + (f", {esc(p.country_code)}" if p.country_code else "")
        + ")</span><br>",
        f'<span class="meta">Written as:</span> {esc(written)} · {pm.count} mention'
        + ("s" if pm.count != 1 else "")
        + "<br>",
        f'<span class="meta">Coordinates:</span> {format_latlon(p.lat, p.lon)}'
        f' · <span class="meta">confidence</span> {pm.confidence:.2f}',
    ]
    for s in pm.sentences[:max_sentences]:
        parts.append(f"<blockquote>{esc(_clip(s, 320))}</blockquote>")
    if len(pm.sentences) > max_sentences:
        parts.append(f'<span class="meta">… and {len(pm.sentences) - max_sentences} more</span>')
    parts.append("</div>")
    return "".join(parts)


def event_popup(ev: Event) -> str:
    """Popup HTML for an event (every piece of text escaped)."""
    kind = ev.event_type + (f" / {ev.sub_event_type}" if ev.sub_event_type else "")
    date = "date unknown"
    if ev.date is not None:
        d = ev.date
        date = d.start if d.start == d.end else f"{d.start} – {d.end}"
        date += f" ({d.status}" + (f": “{d.text}”" if d.text else "") + ")"
        if d.note:
            date += f" — {d.note}"
    rows = [
        f'<div class="mapapp-popup"><b class="t">{esc(kind)}</b>'
        + (' <span class="meta">(planned)</span>' if ev.planned else "")
        + "<br>",
        f'<span class="meta">Date:</span> {esc(date)}<br>',
    ]
    if ev.places:
        rows.append(f'<span class="meta">Where:</span> {esc(", ".join(p.name for p in ev.places))}<br>')
    if ev.actors:
        rows.append(f'<span class="meta">Actors:</span> {esc(", ".join(ev.actors))}<br>')
    if ev.figures:
        rows.append(f'<span class="meta">Figures:</span> {esc("; ".join(f.describe() for f in ev.figures))}<br>')
    rows.append(f"<blockquote>{esc(_clip(ev.sentence, 400))}</blockquote>")
    if len(ev.sentences) > 1:
        rows.append(f'<span class="meta">Reported in {len(ev.sentences)} sentences.</span><br>')
    if ev.outlets:
        rows.append(f'<span class="meta">Reported by:</span> {esc(", ".join(ev.outlets))}<br>')
    src = ev.source
    if src:
        rows.append(f'<span class="meta">Source:</span> {esc(src)} · ')
    rows.append(f'<span class="meta">confidence</span> {ev.confidence:.2f}</div>')
    return "".join(rows)


def range_popup(layer: RangeLayer) -> str:
    """Popup HTML for a range layer: weapon, range as reported, source citation."""
    w = layer.weapon
    rows = [
        f'<div class="mapapp-popup"><b class="t">{esc(w.name)}</b>'
        + (f" {esc(w.variant)}" if w.variant else "")
        + "<br>",
        f'<span class="meta">Range drawn:</span> {esc(format_km(w.range_km))}'
        + (f" (reported “{esc(w.range_reported)}”)" if w.range_reported else "")
        + "<br>",
        f"{esc(layer.label)}<br>" if layer.label else "",
        f'<span class="meta">Source:</span> {esc(w.source)}' if w.source else "",
    ]
    if w.disputed or w.alt_ranges:
        alts = "; ".join(f"{format_km(km)} ({src})" for km, src in w.alt_ranges)
        rows.append(f'<br><span class="meta">Disputed; other figures:</span> {esc(alts)}')
    if w.note:
        rows.append(f'<br><span class="meta">{esc(w.note)}</span>')
    rows.append("</div>")
    return "".join(rows)


def target_popup(t: ReachTarget) -> str:
    """Popup HTML for a reach target."""
    status = "in range" if t.in_range else "out of range"
    margin = f"{abs(t.margin_km):,.0f} km {'inside' if t.margin_km >= 0 else 'beyond'} the range"
    return (
        f'<div class="mapapp-popup"><b class="t">{esc(t.name)}</b> · {esc(t.kind)} · {status}<br>'
        f'<span class="meta">Distance to nearest launch point:</span> {t.distance_km:,.0f} km<br>'
        f"{esc(margin)}</div>"
    )


def _clip(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


#: The legend of the visible layers (JavaScript, defined once per page). ``entries`` is a list of
#: {key, layer, rows: [[row id, html], ...]} in legend order; rows shared by several layers (the
#: launch-point symbol) are shown once. The box lists only layers the map shows right now and
#: records their keys in its ``data-layers`` attribute.
LEGEND_JS = """
if (!window.__mapappLegend) {
    window.__mapappLegend = function (map, entries) {
        if (!map.__mapappLegendBox) {
            var Box = L.Control.extend({
                onAdd: function () {
                    var d = L.DomUtil.create("div", "mapapp-box mapapp-legend");
                    L.DomEvent.disableClickPropagation(d);
                    L.DomEvent.disableScrollPropagation(d);
                    return d;
                }
            });
            map.__mapappLegendBox = new Box({position: "bottomright"}).addTo(map);
        }
        var box = map.__mapappLegendBox.getContainer(), seen = {}, out = [], keys = [];
        entries.forEach(function (e) {
            if (!e.rows.length || !map.hasLayer(e.layer)) { return; }
            keys.push(e.key);
            e.rows.forEach(function (r) {
                if (!seen[r[0]]) { seen[r[0]] = true; out.push(r[1]); }
            });
        });
        box.innerHTML = out.length ? "<h2>Legend</h2>" + out.join("") : "";
        box.style.display = out.length ? "" : "none";
        box.setAttribute("data-layers", keys.join(","));
    };
}
"""


@dataclass(frozen=True)
class LayerProgram:
    """One toggleable layer: key, plain-text title, whether it starts shown, legend rows
    ((row id, HTML) pairs, empty for base layers) and the JavaScript that draws it into
    ``parent``. ``assets`` are :mod:`mapapp.render.assets` keys the code needs loaded first."""

    key: str
    title: str
    code: str
    on: bool = True
    legend: tuple[tuple[str, str], ...] = ()
    assets: tuple[str, ...] = ()

    @property
    def base(self) -> bool:
        """Whether this is a base layer (borders, tiles) rather than data."""
        return self.key in BASE_LAYERS

    @property
    def digest(self) -> str:
        """A short hash of the code (changes whenever what is drawn changes)."""
        return hashlib.sha1(self.code.encode("utf-8")).hexdigest()[:16]


def setup_js() -> str:
    """JavaScript run once per map (``map`` bound) before any layer: the page's styles, the
    map panes (z-order of base, ranges, points), label placement and the legend builder."""
    return (
        f"""
        if (!document.getElementById("mapapp-css")) {{
            var st = document.createElement("style");
            st.id = "mapapp-css";
            st.textContent = {js_json(CSS)};
            document.head.appendChild(st);
        }}
        [["mapapp-base", 250], ["mapapp-tiles", 255], ["mapapp-admin", 260], ["mapapp-clabels", 270],
         ["mapapp-density", 350], ["mapapp-ranges", 400], ["mapapp-points", 450]].forEach(function (p) {{
            if (!map.getPane(p[0])) {{ map.createPane(p[0]).style.zIndex = p[1]; }}
        }});
        map.getPane("mapapp-clabels").style.pointerEvents = "none";
        """
        + DECLUTTER_JS
        + LEGEND_JS
    )


# --------------------------------------------------------------------------- layers


def layer_programs(
    spec: MapSpec,
    view: tuple[float, float, float, float],
    *,
    basemap_url: str | None = None,
) -> list[LayerProgram]:
    """Every toggleable layer of ``spec`` in legend and layer-control order: ranges, density,
    places, events, reach targets, then the base layers (countries, admin-1 borders, tiles).

    ``view`` (west, south, east, north) is the extent the basemap is cut for. With
    ``basemap_url`` the basemap polygons are fetched from that URL (a file written by
    :func:`basemap_json`); otherwise they are inlined in the code.
    """
    out: list[LayerProgram] = []
    seen: set[str] = set()
    for r in spec.ranges:
        if r.key not in seen:
            seen.add(r.key)
            out.append(_range_program(spec, r))
    if spec.density:
        out.append(_density_program(spec))
    if spec.places:
        out.append(_places_program(spec))
    if spec.events:
        out.append(_events_program(spec))
    if spec.targets:
        out.append(_targets_program(spec))
    if spec.basemap:
        out += _basemap_programs(spec, view, basemap_url)
    if spec.tiles:
        out.append(_tiles_program(spec))
    return out


def _range_program(spec: MapSpec, layer: RangeLayer) -> LayerProgram:
    color = spec.range_color(layer)
    footprint = layer.kind == "footprint"
    style = {
        "color": color,
        "weight": 2.5,
        "opacity": 0.95,
        "fillColor": color,
        "fillOpacity": 0.16 if footprint else 0.07,
        "dashArray": None if footprint else "8 5",
    }
    # the geometry's GeoJSON text (numbers and fixed keys only) goes in as it is: much faster
    # than a Python mapping of a footprint with thousands of vertices
    props = js_json({"weapon": layer.weapon.key, "kind": layer.kind})
    data = f'{{"type":"Feature","properties":{props},"geometry":{shapely.to_geojson(layer.geometry)}}}'
    # each launch point shows its name, unless a place label of that name already sits there
    named = {(pm.place.name, round(pm.place.lon, 2), round(pm.place.lat, 2)) for pm in spec.places if pm.label}
    origins = [
        [*_latlon(ll), esc(name), int((name, round(ll.lon, 2), round(ll.lat, 2)) not in named)]
        for name, ll in layer.origins
    ]
    # a ring measured from one named point carries its name at its top: "ATACMS 300 km from Sumy"
    label: list[object] = []
    if layer.kind == "rings" and layer.origin and len(layer.origins) == 1 and not layer.geometry.is_empty:
        top = round(min(layer.geometry.bounds[3], 85.0), 6)
        label = [top, round(layer.origins[0][1].lon, 6), esc(layer.title), esc(color)]
    code = f"""
        var g = L.geoJSON({data}, {{pane: "mapapp-ranges", style: {js_json(style)}}});
        g.bindTooltip({js_json(esc(layer.title))}, {{sticky: true}});
        g.bindPopup({js_json(range_popup(layer))});
        g.addTo(parent);
        map.__mapappLabels = map.__mapappLabels || [];
        {js_json(origins)}.forEach(function (d) {{
            var mk = L.circleMarker([d[0], d[1]], {{pane: "mapapp-points", radius: 5, color: "#fff", weight: 2,
                fillColor: {js_json(color)}, fillOpacity: 1}})
             .bindTooltip(d[3] ? d[2] : "Launch point: " + d[2], d[3] ? {{permanent: true, direction: "right",
                          offset: [7, 0], className: "mapapp-label"}} : {{}})
             .addTo(parent);
            if (d[3]) {{
                map.__mapappLabels.push({{layer: mk, prio: {LAUNCH_LABEL_PRIORITY}, r: 6, kind: "tooltip",
                                          name: d[2]}});
            }}
        }});
        var lab = {js_json(label)};
        if (lab.length) {{
            var rl = L.marker([lab[0], lab[1]], {{pane: "mapapp-points", interactive: false, keyboard: false,
                icon: L.divIcon({{className: "", iconSize: null, iconAnchor: [0, 0],
                    html: '<span class="mapapp-ring-label" style="color:' + lab[3] + '">' + lab[2] + '</span>'}})}})
             .addTo(parent);
            map.__mapappLabels.push({{layer: rl, prio: {RING_LABEL_PRIORITY}, r: 0, kind: "fixed", child: true,
                                      overPoints: true}});
        }}
        window.__mapappDeclutterSoon(map);
        """
    return LayerProgram(layer.key, layer.title, code, spec.is_on(layer.key), _range_legend(spec, layer))


def _range_legend(spec: MapSpec, r: RangeLayer) -> tuple[tuple[str, str], ...]:
    color = esc(spec.range_color(r))
    line = "solid" if r.kind == "footprint" else "dashed"
    sym = f'<span class="sym" style="border:2px {line} {color};background:{color}33"></span>'
    rows = [(f"range:{r.key}", f'<div class="row">{sym}<span>{esc(r.title)}</span></div>')]
    w = r.weapon
    if w.source:
        rows.append(
            (
                f"src:{r.key}",
                f'<div class="src">Range: {esc(w.range_reported or format_km(w.range_km))}'
                f" — {esc(_clip(w.source, 90))}</div>",
            )
        )
    if r.origins:
        rows.append(
            (
                "launch",
                '<div class="row"><svg class="sym" viewBox="0 0 22 14"><circle cx="11" cy="7" r="5" '
                'fill="#444" stroke="#fff" stroke-width="2"/></svg><span>Launch point</span></div>',
            )
        )
    return tuple(rows)


def _places_program(spec: MapSpec) -> LayerProgram:
    prio = label_priority(spec)
    rows = []
    for pm in spec.places:
        p = pm.place
        radius = 4 if p.kind == "country" else min(5 + 1.5 * (pm.count - 1), 11)
        rows.append(
            [
                *_latlon(p.lonlat),
                esc(p.name),
                place_popup(pm),
                int(pm.label),
                radius,
                int(p.kind == "country"),
                prio[(p.name, p.lon, p.lat)],
            ]
        )
    code = f"""
        map.__mapappLabels = map.__mapappLabels || [];
        {js_json(rows)}.forEach(function (d) {{
            var mk = L.circleMarker([d[0], d[1]], {{pane: "mapapp-points", radius: d[5], weight: 2,
                color: "#fff", fillColor: d[6] ? "#555" : "{PLACE_COLOR}", fillOpacity: 0.95}});
            mk.bindPopup(d[3], {{maxWidth: 340}});
            if (d[4]) {{
                mk.bindTooltip(d[2], {{permanent: true, direction: "right", offset: [d[5] + 2, 0],
                                       className: "mapapp-label"}});
                map.__mapappLabels.push({{layer: mk, prio: d[7], r: d[5] + 1, kind: "tooltip", name: d[2]}});
            }} else {{
                mk.bindTooltip(d[2]);
            }}
            mk.addTo(parent);
        }});
        window.__mapappDeclutterSoon(map);
        """
    legend = (
        (
            "places",
            f'<div class="row"><svg class="sym" viewBox="0 0 22 14"><circle cx="11" cy="7" r="5" '
            f'fill="{PLACE_COLOR}" stroke="#fff" stroke-width="2"/></svg><span>Place named in the '
            "article</span></div>",
        ),
    )
    return LayerProgram(LAYER_PLACES, LAYER_TITLES[LAYER_PLACES], code, spec.is_on(LAYER_PLACES), legend)


def _events_program(spec: MapSpec) -> LayerProgram:
    rows = []
    drawn = [ev for ev in spec.events if point_places(ev)]  # country-level events are listed aside
    for ev in drawn:
        popup = event_popup(ev)
        tip = esc(ev.event_type + (f" · {ev.date.start}" if ev.date else ""))
        for p in point_places(ev):
            rows.append([*_latlon(p.lonlat), popup, tip, event_color(ev.event_type)])
    code = f"""
        var icons = {{}};
        function icon(color) {{
            if (!icons[color]) {{
                icons[color] = L.divIcon({{className: "", iconSize: [12, 12], iconAnchor: [6, 6],
                    html: '<div class="mapapp-event" style="background:' + color + '"></div>'}});
            }}
            return icons[color];
        }}
        var grp = L.markerClusterGroup({{chunkedLoading: true, maxClusterRadius: 40,
                                         showCoverageOnHover: false, spiderfyOnMaxZoom: true}});
        var ms = {js_json(rows)}.map(function (d) {{
            return L.marker([d[0], d[1]], {{icon: icon(d[4]), keyboard: false}})
                    .bindPopup(d[2], {{maxWidth: 340}}).bindTooltip(d[3]);
        }});
        grp.addLayers(ms);
        grp.addTo(parent);
        """
    legend = []
    for kind in event_types(drawn):
        color = OTHER_EVENT_COLOR if kind == "Other" else event_color(kind)
        legend.append(
            (
                f"event:{kind}",
                '<div class="row"><span class="sym" style="display:flex;align-items:center;'
                'justify-content:center"><span class="mapapp-event" style="display:inline-block;'
                f'background:{color}"></span></span><span>Event: {esc(kind)}</span></div>',
            )
        )
    note = coarse_note(spec.events)
    if note:
        legend.append(("coarse:events", f'<div class="src">{esc(note)}.</div>'))
    # an interactive hint: static snapshots hide ``.mapapp-hint`` (see snapshot.SNAPSHOT_CSS)
    legend.append(
        (
            "hint:events",
            '<div class="src mapapp-hint">Events cluster where they crowd; click a cluster to expand it.</div>',
        )
    )
    return LayerProgram(
        LAYER_EVENTS, LAYER_TITLES[LAYER_EVENTS], code, spec.is_on(LAYER_EVENTS), tuple(legend), CLUSTER_ASSETS
    )


def _targets_program(spec: MapSpec) -> LayerProgram:
    placed = {(pm.place.name, round(pm.place.lon, 2), round(pm.place.lat, 2)) for pm in spec.places if pm.label}
    placed_names = {k[0] for k in placed}
    few = sum(t.in_range and t.kind != "airfield" for t in spec.targets) <= 30
    prio = label_priority(spec)
    rows = [
        [
            *_latlon((t.lon, t.lat)),
            esc(t.name),
            target_popup(t),
            int(t.in_range),
            int(few and t.name not in placed_names and t.kind != "airfield"),  # air bases: named on hover
            prio[(t.name, t.lon, t.lat)],
            int(t.kind == "airfield"),
        ]
        for t in spec.targets
    ]
    code = f"""
        map.__mapappLabels = map.__mapappLabels || [];
        {js_json(rows)}.forEach(function (d) {{
            var inr = d[4] === 1, label = d[5] === 1;
            var color = inr ? "{IN_RANGE}" : "{OUT_OF_RANGE}";
            var mk = d[7] === 1  // an airfield: a square
                ? L.marker([d[0], d[1]], {{pane: "mapapp-points", keyboard: false, icon: L.divIcon({{className: "",
                    iconSize: [11, 11], iconAnchor: [5.5, 5.5],
                    html: '<div class="mapapp-airfield" style="border-color:' + color + ';background:'
                          + (inr ? color : "#fff") + '"></div>'}})}})
                : L.circleMarker([d[0], d[1]], {{pane: "mapapp-points", radius: 6, weight: 2,
                    color: color, dashArray: inr ? null : "2 2",
                    fillColor: inr ? "{IN_RANGE}" : "#fff", fillOpacity: inr ? 0.85 : 0.6}});
            mk.bindPopup(d[3])
             .bindTooltip(inr && label ? d[2] : d[2] + (inr ? " (in range)" : " (out of range)"),
                          inr && label ? {{permanent: true, direction: "right", offset: [9, 0],
                                           className: "mapapp-label mapapp-tlabel"}} : {{}})
             .addTo(parent);
            if (inr && label) {{
                map.__mapappLabels.push({{layer: mk, prio: d[6], r: 7, kind: "tooltip", name: d[2]}});
            }}
        }});
        window.__mapappDeclutterSoon(map);
        """
    legend: tuple[tuple[str, str], ...] = (
        (
            "target:in",
            f'<div class="row"><svg class="sym" viewBox="0 0 22 14"><circle cx="11" cy="7" r="5" '
            f'fill="{IN_RANGE}" stroke="{IN_RANGE}" stroke-width="2"/></svg><span>Target in range'
            "</span></div>",
        ),
        (
            "target:out",
            f'<div class="row"><svg class="sym" viewBox="0 0 22 14"><circle cx="11" cy="7" r="5" '
            f'fill="#fff" stroke="{OUT_OF_RANGE}" stroke-width="2" stroke-dasharray="2 2"/></svg>'
            "<span>Target out of range</span></div>",
        ),
    )
    if any(t.kind == "airfield" for t in spec.targets):
        legend += (
            (
                "target:airfield",
                f'<div class="row"><svg class="sym" viewBox="0 0 22 14"><rect x="6" y="2" width="10" height="10" '
                f'fill="{IN_RANGE}" stroke="{IN_RANGE}" stroke-width="2"/></svg><span>Air base in range (square)'
                "</span></div>",
            ),
        )
    return LayerProgram(LAYER_TARGETS, LAYER_TITLES[LAYER_TARGETS], code, spec.is_on(LAYER_TARGETS), legend)


def _density_program(spec: MapSpec) -> LayerProgram:
    """The "Event density" layer: one filled polygon per cell, coloured by its count class."""
    classes = density_classes(c.count for c in spec.density)
    rows = []
    for c in sorted(spec.density, key=lambda c: c.count):
        ring = [[round(lat, 4), round(lon, 4)] for lon, lat in c.ring[:-1]]
        tip = f"{c.count:,} event" + ("s" if c.count != 1 else "")
        rows.append([ring, density_color(c.count, classes), tip])
    code = f"""
        {js_json(rows)}.forEach(function (d) {{
            L.polygon(d[0], {{pane: "mapapp-density", color: "#ffffff", weight: 0.6, opacity: 0.9,
                fillColor: d[1], fillOpacity: 0.82}}).bindTooltip(d[2], {{sticky: true}}).addTo(parent);
        }});
        """
    legend = (("density", density_legend_html(spec, classes)),)
    return LayerProgram(LAYER_DENSITY, LAYER_TITLES[LAYER_DENSITY], code, spec.is_on(LAYER_DENSITY), legend)


def basemap_json(spec: MapSpec, view: tuple[float, float, float, float]) -> str:
    """The basemap for ``view`` as compact JSON: country polygons, admin-1 borders (GeoJSON
    FeatureCollections, coordinates rounded to 4 decimals) and country labels [lat, lon, name]
    (names HTML-escaped; none when the density layer is on, whose cells would cover them)."""
    countries, admin1, labels = _basemap_parts(spec, view)
    return f'{{"countries":{countries},"admin1":{admin1},"labels":{labels}}}'


def _basemap_parts(spec: MapSpec, view: tuple[float, float, float, float]) -> tuple[str, str, str]:
    """(countries, admin-1, labels) JSON texts of :func:`basemap_json`."""
    w, s, e, n = (round(x, 4) for x in view)
    return _basemap_json((w, s, e, n), not (spec.density and spec.is_on(LAYER_DENSITY)))


@lru_cache(maxsize=16)
def _basemap_json(view: tuple[float, float, float, float], labels: bool) -> tuple[str, str, str]:
    import numpy as np

    from mapapp.maps import basemap

    bm = basemap.for_view(view, with_admin1=True)

    def fc(geoms: object) -> str:
        rounded = shapely.transform(list(geoms), lambda xy: np.round(xy, 4))  # type: ignore[call-overload]
        feats = ",".join(f'{{"type":"Feature","properties":{{}},"geometry":{shapely.to_geojson(g)}}}' for g in rounded)
        return f'{{"type":"FeatureCollection","features":[{feats}]}}'

    names = [[round(lat, 4), round(lon, 4), esc(name)] for name, lon, lat in bm.labels] if labels else []
    return (
        fc(bm.countries.geometry),
        fc(bm.admin1.geometry),
        json.dumps(names, separators=(",", ":"), ensure_ascii=False),
    )


def _basemap_programs(spec: MapSpec, view: tuple[float, float, float, float], url: str | None) -> list[LayerProgram]:
    """Countries (filled land, names) and admin-1 borders: two layers, their data inlined
    (standalone pages, each layer its own part) or fetched once per page from ``url`` (the app)."""
    if url is None:  # each layer carries its own part of the data, once
        c_json, a_json, l_json = _basemap_parts(spec, view)
        countries_data = '{"countries":' + c_json + ',"labels":' + l_json + "}"
        admin1_data = '{"admin1":' + a_json + "}"
        load_c = f"var p = Promise.resolve({js_safe(countries_data)});"
        load_a = f"var p = Promise.resolve({js_safe(admin1_data)});"
    else:
        u = js_json(url)
        load_c = load_a = (
            f"window.__mapappBasemap = window.__mapappBasemap || {{}};"
            f"var p = window.__mapappBasemap[{u}] = window.__mapappBasemap[{u}] || "
            f"fetch({u}).then(function (r) {{ return r.json(); }});"
        )
    countries = (
        load_c
        + f"""
        map.__mapappLabels = map.__mapappLabels || [];
        map.__mapappPending = (map.__mapappPending || 0) + 1;
        p.then(function (d) {{
            L.geoJSON(d.countries, {{interactive: false, pane: "mapapp-base",
                style: {{color: "{BORDER}", weight: 1, fillColor: "{LAND}", fillOpacity: 1}}}}).addTo(parent);
            d.labels.forEach(function (x, i) {{
                var mk = L.marker([x[0], x[1]], {{interactive: false, keyboard: false, pane: "mapapp-clabels",
                    icon: L.divIcon({{className: "mapapp-clabel", html: x[2], iconSize: [160, 16],
                                      iconAnchor: [80, 8]}})}}).addTo(parent);
                map.__mapappLabels.push({{layer: mk, prio: -1 - i, r: 0, kind: "fixed"}});
            }});
            window.__mapappDeclutterSoon(map);
        }}).finally(function () {{ map.__mapappPending -= 1; }});
        """
    )
    admin1 = (
        load_a
        + f"""
        p.then(function (d) {{
            L.geoJSON(d.admin1, {{interactive: false, pane: "mapapp-admin",
                style: {{color: "{ADMIN1_BORDER}", weight: 0.7, dashArray: "4 3", fill: false}}}}).addTo(parent);
        }});
        """
    )
    return [
        LayerProgram(LAYER_COUNTRIES, LAYER_TITLES[LAYER_COUNTRIES], countries, spec.is_on(LAYER_COUNTRIES)),
        LayerProgram(LAYER_ADMIN1, LAYER_TITLES[LAYER_ADMIN1], admin1, spec.is_on(LAYER_ADMIN1)),
    ]


def _tiles_program(spec: MapSpec) -> LayerProgram:
    """Online OpenStreetMap tiles (an explicit opt-in: they contact the internet)."""
    import xyzservices.providers as xyz

    provider = xyz.OpenStreetMap.Mapnik
    code = f"""
        L.tileLayer({js_json(provider.build_url())}, {{maxZoom: {MAX_ZOOM}, pane: "mapapp-tiles",
            attribution: {js_json(esc(provider.get("attribution", "© OpenStreetMap contributors")))}}}).addTo(parent);
        """
    return LayerProgram(LAYER_TILES, LAYER_TITLES[LAYER_TILES], code, spec.is_on(LAYER_TILES))


# --------------------------------------------------------------------------- legend and title


def legend_html(spec: MapSpec) -> str:
    """The legend's HTML for the layers ``spec`` shows (hidden layers are left out), in the
    order :func:`layer_programs` gives; the same rows the page's legend box shows."""
    rows = ["<h2>Legend</h2>"]
    seen: set[str] = set()
    for prog in _data_programs(spec):
        if not prog.on:
            continue
        for rid, row in prog.legend:
            if rid not in seen:
                seen.add(rid)
                rows.append(row)
    return "".join(rows)


def _data_programs(spec: MapSpec) -> list[LayerProgram]:
    """The data layers' programs only (no basemap: cheap, for legends)."""
    from dataclasses import replace

    return layer_programs(replace(spec, basemap=False, tiles=None), (0.0, 0.0, 1.0, 1.0))


def density_legend_html(spec: MapSpec, classes: tuple[DensityClass, ...] | None = None) -> str:
    """Legend rows for the density layer: a hexagon swatch and title, then the ramp's count classes."""
    classes = classes if classes is not None else density_classes(c.count for c in spec.density)
    hexagon = (
        '<svg class="sym" viewBox="0 0 22 14"><polygon points="11,0 17,3.5 17,10.5 11,14 5,10.5 '
        f'5,3.5" fill="{DENSITY_RAMP[3]}" stroke="#fff"/></svg>'
    )
    ramp = "".join(f'<span><i style="background:{c.color}"></i>{esc(c.label)}</span>' for c in classes)
    return (
        f'<div class="row">{hexagon}<span>{esc(density_legend_title(spec))}</span></div><div class="ramp">{ramp}</div>'
    )


def title_html(spec: MapSpec) -> str:
    """The title box's HTML (escaped)."""
    sub = f"<div>{esc(spec.subtitle)}</div>" if spec.subtitle else ""
    return f"<h1>{esc(_clip(spec.title, 140))}</h1>{sub}"

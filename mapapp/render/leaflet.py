"""Draw a :class:`~mapapp.maps.spec.MapSpec` as a Leaflet map with folium (the only folium user).

Every layer is a named :class:`folium.FeatureGroup` in the layer control. Points and polygons are
drawn by small JavaScript snippets that take their data as JSON (made safe for ``<script>``), so
article text only ever reaches the page as already-escaped HTML inside a JSON string: it is never
parsed by jQuery, a JS template literal or Jinja. No asset comes from a CDN: each element's
``default_js``/``default_css`` is replaced **on the instance** by local files (see
:mod:`mapapp.render.assets`). When the map has finished drawing it sets ``window.__mapReady = true``.

Coordinates: the spec is (lon, lat); Leaflet wants [lat, lon]; the swap happens here only.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterator, Sequence
from typing import Literal

import folium
import folium.elements
from branca.element import Element, Figure
from folium.template import Template
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from mapapp.maps.spec import (
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
    density_classes,
    density_color,
    density_legend_title,
    event_color,
    event_types,
    format_km,
    label_priority,
)
from mapapp.model import Event
from mapapp.render import assets

AssetMode = Literal["inline", "served"]

MAX_ZOOM = 18

#: folium asset names -> :mod:`mapapp.render.assets` keys. Names mapped to None are dropped (the map
#: never uses Bootstrap, Font Awesome or awesome-markers); any other name is an error.
_FOLIUM_ASSETS: dict[str, str | None] = {
    "leaflet": "leaflet",
    "leaflet_css": "leaflet_css",
    "jquery": "jquery",
    "markerclusterjs": "markercluster",
    "markercluster": "markercluster",
    "markerclustercss": "markercluster_css",
    "markerclusterdefaultcss": "markercluster_default_css",
    "bootstrap": None,
    "bootstrap_css": None,
    "awesome_markers": None,
    "awesome_markers_css": None,
    "awesome_markers_font_css": None,
    "glyphicons_css": None,
    "awesome_rotate_css": None,
}

_CSS = f"""
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
"""


#: Label placement (JavaScript, defined once per page): every permanent label registers itself in
#: ``map.__mapappLabels`` as {layer, prio, r, kind}; after each zoom or layer change the labels are
#: placed in priority order, each on the first side of its point (right, left, above, below) where
#: its box overlaps no label already placed and no other labelled point, else hidden until a
#: zoom makes room. Country names (kind "fixed", lowest priority) are only shown or hidden.
_DECLUTTER_JS = """
if (!window.__mapappDeclutter) {
    var sides = [["right", 1, 0], ["left", -1, 0], ["top", 0, -1], ["bottom", 0, 1]];
    window.__mapappDeclutter = function (map) {
        var c = map.getContainer().getBoundingClientRect();
        var items = (map.__mapappLabels || []).filter(function (it) { return map.hasLayer(it.layer); });
        items.sort(function (a, b) { return b.prio - a.prio; });
        var taken = [];
        map.getContainer().querySelectorAll(".mapapp-box").forEach(function (el) {
            var r = el.getBoundingClientRect();
            if (r.width > 0) { taken.push([r.left - c.left, r.top - c.top, r.right - c.left, r.bottom - c.top, null]); }
        });
        items.forEach(function (it) {
            if (it.r > 0) {
                var p = map.latLngToContainerPoint(it.layer.getLatLng());
                taken.push([p.x - it.r, p.y - it.r, p.x + it.r, p.y + it.r, it]);
            }
        });
        function free(b, self) {
            for (var i = 0; i < taken.length; i++) {
                var t = taken[i];
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
                b = boxOf(el);
                var ok = free(b, it);
                el.style.visibility = ok ? "" : "hidden";
                if (ok) { taken.push([b[0], b[1], b[2], b[3], it]); }
                return;
            }
            var tt = it.layer.getTooltip();
            el = tt && tt.getElement();
            if (!el) { return; }
            for (k = 0; k < sides.length; k++) {
                var s = sides[k], gap = it.r + 2;
                tt.options.direction = s[0];
                tt.options.offset = [s[1] * gap, s[2] * gap];
                tt.update();
                b = boxOf(el);
                if (free(b, it)) { taken.push([b[0], b[1], b[2], b[3], it]); return; }
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
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def esc(text: object) -> str:
    """HTML-escape untrusted text (quotes too)."""
    return html.escape(str(text), quote=True)


class JsSnippet(folium.elements.JSCSSMixin):
    """A piece of JavaScript run with ``parent`` (the Leaflet object this element is added to)
    and ``map`` bound. ``code`` must only embed data through :func:`js_json`."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function(map, parent) {
        {{ this.code }}
        })({{ this.map_name() }}, {{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(
        self,
        code: str,
        name: str = "JsSnippet",
        js: Sequence[tuple[str, str]] = (),
        css: Sequence[tuple[str, str]] = (),
    ) -> None:
        super().__init__()
        self._name = name
        self.code = code
        self.default_js = list(js)
        self.default_css = list(css)

    def map_name(self) -> str:
        node: Element | None = self._parent
        while node is not None and not isinstance(node, folium.Map):
            node = node._parent
        if node is None:
            msg = "JsSnippet must be added to a folium.Map or one of its layers."
            raise ValueError(msg)
        return str(node.get_name())


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


class LayerGroup(folium.FeatureGroup):
    """A toggleable layer of the map: a :class:`folium.FeatureGroup` that knows its layer key.

    Leaflet's layer control puts each layer's name into the page with ``innerHTML``, and titles
    can carry user text (weapon names from a catalogue), so the control name
    (``layer_name``) is the HTML-escaped ``title``. Code that looks for a layer matches on
    ``layer_key``, never on the name.
    """

    def __init__(self, layer_key: str, title: str, *, show: bool = True, control: bool = True) -> None:
        super().__init__(name=esc(title), show=show, overlay=True, control=control)
        self.layer_key = layer_key
        self.title = title


def _group(m: folium.Map, spec: MapSpec, key: str, title: str) -> LayerGroup:
    fg = LayerGroup(key, title, show=spec.is_on(key))
    fg.add_to(m)
    return fg


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
        quals = ev.figure_qualifiers
        figs = [
            f"{quals[i] + ' ' if i < len(quals) and quals[i] else ''}{n:,} {label}"
            for i, (label, n) in enumerate(ev.figures)
        ]
        rows.append(f'<span class="meta">Figures:</span> {esc("; ".join(figs))}<br>')
    rows.append(f"<blockquote>{esc(_clip(ev.sentence, 400))}</blockquote>")
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
        f'<div class="mapapp-popup"><b class="t">{esc(t.name)}</b> · {status}<br>'
        f'<span class="meta">Distance to nearest launch point:</span> {t.distance_km:,.0f} km<br>'
        f"{esc(margin)}</div>"
    )


def _clip(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


# --------------------------------------------------------------------------- layers


def _add_basemap(m: folium.Map, spec: MapSpec, view: tuple[float, float, float, float]) -> None:
    from mapapp.maps import basemap

    bm = basemap.for_view(view, with_admin1=True)
    fg = _group(m, spec, LAYER_COUNTRIES, LAYER_TITLES[LAYER_COUNTRIES])
    data = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {}, "geometry": _geojson(g, 3)} for g in bm.countries.geometry],
    }
    # country names would sit under the density cells; the outlines are enough there
    labels = (
        []
        if spec.density and spec.is_on(LAYER_DENSITY)
        else [[round(lat, 4), round(lon, 4), esc(name)] for name, lon, lat in bm.labels]
    )
    JsSnippet(
        f"""
        L.geoJSON({js_json(data)}, {{interactive: false, pane: "mapapp-base",
            style: {{color: "{BORDER}", weight: 1, fillColor: "{LAND}", fillOpacity: 1}}}}).addTo(parent);
        {_DECLUTTER_JS}
        map.__mapappLabels = map.__mapappLabels || [];
        {js_json(labels)}.forEach(function (d, i) {{
            var mk = L.marker([d[0], d[1]], {{interactive: false, keyboard: false, pane: "mapapp-clabels",
                icon: L.divIcon({{className: "mapapp-clabel", html: d[2], iconSize: [160, 16],
                                  iconAnchor: [80, 8]}})}}).addTo(parent);
            map.__mapappLabels.push({{layer: mk, prio: -1 - i, r: 0, kind: "fixed"}});
        }});
        window.__mapappDeclutterSoon(map);
        """,
        name="Countries",
    ).add_to(fg)
    if len(bm.admin1):
        fg1 = _group(m, spec, LAYER_ADMIN1, LAYER_TITLES[LAYER_ADMIN1])
        data1 = {
            "type": "FeatureCollection",
            "features": [{"type": "Feature", "properties": {}, "geometry": _geojson(g, 3)} for g in bm.admin1.geometry],
        }
        JsSnippet(
            f"""
            L.geoJSON({js_json(data1)}, {{interactive: false, pane: "mapapp-admin",
                style: {{color: "#b5b5b5", weight: 0.7, dashArray: "4 3", fill: false}}}}).addTo(parent);
            """,
            name="Admin1",
        ).add_to(fg1)


def _add_range(m: folium.Map, spec: MapSpec, layer: RangeLayer) -> None:
    color = spec.range_color(layer)
    fg = _group(m, spec, layer.key, layer.title)
    footprint = layer.kind == "footprint"
    style = {
        "color": color,
        "weight": 2.5,
        "opacity": 0.95,
        "fillColor": color,
        "fillOpacity": 0.16 if footprint else 0.07,
        "dashArray": None if footprint else "8 5",
    }
    data = {
        "type": "Feature",
        "properties": {"weapon": layer.weapon.key, "kind": layer.kind},
        "geometry": _geojson(layer.geometry),
    }
    origins = [[*_latlon(ll), esc(name)] for name, ll in layer.origins]
    # a ring measured from one named point carries its name at its top: "ATACMS 300 km from Sumy"
    label = []
    if layer.kind == "rings" and layer.origin and len(layer.origins) == 1 and not layer.geometry.is_empty:
        top = round(min(layer.geometry.bounds[3], 85.0), 6)
        label = [top, round(layer.origins[0][1].lon, 6), esc(layer.title), esc(color)]
    JsSnippet(
        f"""
        var g = L.geoJSON({js_json(data)}, {{pane: "mapapp-ranges", style: {js_json(style)}}});
        g.bindTooltip({js_json(esc(layer.title))}, {{sticky: true}});
        g.bindPopup({js_json(range_popup(layer))});
        g.addTo(parent);
        {js_json(origins)}.forEach(function (d) {{
            L.circleMarker([d[0], d[1]], {{pane: "mapapp-points", radius: 5, color: "#fff", weight: 2,
                fillColor: {js_json(color)}, fillOpacity: 1}})
             .bindTooltip(d[2], {{permanent: true, direction: "right", offset: [7, 0],
                           className: "mapapp-label"}}).addTo(parent);
        }});
        var lab = {js_json(label)};
        if (lab.length) {{
            L.marker([lab[0], lab[1]], {{pane: "mapapp-points", interactive: false, keyboard: false,
                icon: L.divIcon({{className: "", iconSize: null, iconAnchor: [0, 0],
                    html: '<span class="mapapp-ring-label" style="color:' + lab[3] + '">' + lab[2] + '</span>'}})}})
             .addTo(parent);
        }}
        """,
        name="Range",
    ).add_to(fg)


def _add_places(m: folium.Map, spec: MapSpec) -> None:
    fg = _group(m, spec, LAYER_PLACES, LAYER_TITLES[LAYER_PLACES])
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
    JsSnippet(
        f"""
        {_DECLUTTER_JS}
        map.__mapappLabels = map.__mapappLabels || [];
        {js_json(rows)}.forEach(function (d) {{
            var mk = L.circleMarker([d[0], d[1]], {{pane: "mapapp-points", radius: d[5], weight: 2,
                color: "#fff", fillColor: d[6] ? "#555" : "{PLACE_COLOR}", fillOpacity: 0.95}});
            mk.bindPopup(d[3], {{maxWidth: 340}});
            if (d[4]) {{
                mk.bindTooltip(d[2], {{permanent: true, direction: "right", offset: [d[5] + 2, 0],
                                       className: "mapapp-label"}});
                map.__mapappLabels.push({{layer: mk, prio: d[7], r: d[5] + 1, kind: "tooltip"}});
            }} else {{
                mk.bindTooltip(d[2]);
            }}
            mk.addTo(parent);
        }});
        window.__mapappDeclutterSoon(map);
        """,
        name="Places",
    ).add_to(fg)


def _add_events(m: folium.Map, spec: MapSpec, asset_links: dict[str, str]) -> None:
    fg = _group(m, spec, LAYER_EVENTS, LAYER_TITLES[LAYER_EVENTS])
    rows = []
    for ev in spec.events:
        popup = event_popup(ev)
        tip = esc(ev.event_type + (f" · {ev.date.start}" if ev.date else ""))
        for p in ev.places:
            rows.append([*_latlon(p.lonlat), popup, tip, event_color(ev.event_type)])
    JsSnippet(
        f"""
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
        """,
        name="Events",
        js=[("markerclusterjs", asset_links["markercluster"])],
        css=[
            ("markerclustercss", asset_links["markercluster_css"]),
            ("markerclusterdefaultcss", asset_links["markercluster_default_css"]),
        ],
    ).add_to(fg)


def _add_targets(m: folium.Map, spec: MapSpec) -> None:
    fg = _group(m, spec, LAYER_TARGETS, LAYER_TITLES[LAYER_TARGETS])
    placed = {(pm.place.name, round(pm.place.lon, 2), round(pm.place.lat, 2)) for pm in spec.places if pm.label}
    placed_names = {k[0] for k in placed}
    few = sum(t.in_range for t in spec.targets) <= 30
    prio = label_priority(spec)
    rows = [
        [
            *_latlon((t.lon, t.lat)),
            esc(t.name),
            target_popup(t),
            int(t.in_range),
            int(few and t.name not in placed_names),
            prio[(t.name, t.lon, t.lat)],
        ]
        for t in spec.targets
    ]
    JsSnippet(
        f"""
        {_DECLUTTER_JS}
        map.__mapappLabels = map.__mapappLabels || [];
        {js_json(rows)}.forEach(function (d) {{
            var inr = d[4] === 1, label = d[5] === 1;
            var mk = L.circleMarker([d[0], d[1]], {{pane: "mapapp-points", radius: 6, weight: 2,
                color: inr ? "{IN_RANGE}" : "{OUT_OF_RANGE}", dashArray: inr ? null : "2 2",
                fillColor: inr ? "{IN_RANGE}" : "#fff", fillOpacity: inr ? 0.85 : 0.6}})
             .bindPopup(d[3])
             .bindTooltip(inr && label ? d[2] : d[2] + (inr ? " (in range)" : " (out of range)"),
                          inr && label ? {{permanent: true, direction: "right", offset: [9, 0],
                                           className: "mapapp-label mapapp-tlabel"}} : {{}})
             .addTo(parent);
            if (inr && label) {{ map.__mapappLabels.push({{layer: mk, prio: d[6], r: 7, kind: "tooltip"}}); }}
        }});
        window.__mapappDeclutterSoon(map);
        """,
        name="Targets",
    ).add_to(fg)


def _add_density(m: folium.Map, spec: MapSpec) -> None:
    """The "Event density" layer: one filled polygon per cell, coloured by its count class."""
    fg = _group(m, spec, LAYER_DENSITY, LAYER_TITLES[LAYER_DENSITY])
    classes = density_classes(c.count for c in spec.density)
    rows = []
    for c in sorted(spec.density, key=lambda c: c.count):
        ring = [[round(lat, 4), round(lon, 4)] for lon, lat in c.ring[:-1]]
        tip = f"{c.count:,} event" + ("s" if c.count != 1 else "")
        rows.append([ring, density_color(c.count, classes), tip])
    JsSnippet(
        f"""
        {js_json(rows)}.forEach(function (d) {{
            L.polygon(d[0], {{pane: "mapapp-density", color: "#ffffff", weight: 0.6, opacity: 0.9,
                fillColor: d[1], fillOpacity: 0.82}}).bindTooltip(d[2], {{sticky: true}}).addTo(parent);
        }});
        """,
        name="Density",
    ).add_to(fg)


# --------------------------------------------------------------------------- chrome


def legend_html(spec: MapSpec) -> str:
    """The legend's HTML: weapon colours with range and source, then the symbols used."""
    rows = ["<h2>Legend</h2>"]
    seen: set[str] = set()
    for r in spec.ranges:
        if r.key in seen:
            continue
        seen.add(r.key)
        color = esc(spec.range_color(r))
        line = "solid" if r.kind == "footprint" else "dashed"
        sym = f'<span class="sym" style="border:2px {line} {color};background:{color}33"></span>'
        w = r.weapon
        rows.append(f'<div class="row">{sym}<span>{esc(r.title)}</span></div>')
        if w.source:
            rows.append(
                f'<div class="src">Range: {esc(w.range_reported or format_km(w.range_km))}'
                f" — {esc(_clip(w.source, 90))}</div>"
            )
    if spec.density:
        rows.append(density_legend_html(spec))
    if spec.places:
        rows.append(
            f'<div class="row"><svg class="sym" viewBox="0 0 22 14"><circle cx="11" cy="7" r="5" '
            f'fill="{PLACE_COLOR}" stroke="#fff" stroke-width="2"/></svg><span>Place named in the '
            "article</span></div>"
        )
    if spec.events:
        for kind in event_types(spec.events):
            color = OTHER_EVENT_COLOR if kind == "Other" else event_color(kind)
            rows.append(
                '<div class="row"><span class="sym" style="display:flex;align-items:center;'
                'justify-content:center"><span class="mapapp-event" style="display:inline-block;'
                f'background:{color}"></span></span><span>Event: {esc(kind)}</span></div>'
            )
        rows.append('<div class="src">Events cluster where they crowd; click a cluster to expand it.</div>')
    if spec.targets:
        rows.append(
            f'<div class="row"><svg class="sym" viewBox="0 0 22 14"><circle cx="11" cy="7" r="5" '
            f'fill="{IN_RANGE}" stroke="{IN_RANGE}" stroke-width="2"/></svg><span>Target in range'
            "</span></div>"
        )
        rows.append(
            f'<div class="row"><svg class="sym" viewBox="0 0 22 14"><circle cx="11" cy="7" r="5" '
            f'fill="#fff" stroke="{OUT_OF_RANGE}" stroke-width="2" stroke-dasharray="2 2"/></svg>'
            "<span>Target out of range</span></div>"
        )
    if any(r.origins for r in spec.ranges):
        rows.append(
            '<div class="row"><svg class="sym" viewBox="0 0 22 14"><circle cx="11" cy="7" r="5" '
            'fill="#444" stroke="#fff" stroke-width="2"/></svg><span>Launch point</span></div>'
        )
    return "".join(rows)


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


def _add_chrome(m: folium.Map, spec: MapSpec, view: tuple[float, float, float, float], ready_flag: bool) -> None:
    w, s, e, n = view
    JsSnippet(
        f"""
        var Box = L.Control.extend({{
            onAdd: function () {{
                var d = L.DomUtil.create("div", "mapapp-box " + this.options.cls);
                d.innerHTML = this.options.content;
                L.DomEvent.disableClickPropagation(d);
                L.DomEvent.disableScrollPropagation(d);
                return d;
            }}
        }});
        var title = new Box({{position: "topleft", cls: "mapapp-title",
                              content: {js_json(title_html(spec))}}});
        title.addTo(map);
        var legend = new Box({{position: "bottomright", cls: "mapapp-legend",
                              content: {js_json(legend_html(spec))}}});
        legend.addTo(map);
        map.attributionControl.setPrefix(false);
        map.attributionControl.addAttribution({js_json(esc(spec.attribution()))});
        var tl = title.getContainer(), br = legend.getContainer();
        map.fitBounds([[{s}, {w}], [{n}, {e}]], {{animate: false,
            paddingTopLeft: [10, tl.offsetHeight + 12],
            paddingBottomRight: [Math.min(br.offsetWidth + 12, map.getSize().x / 3), 24]
        }});
        if (window.__mapappDeclutter) {{ window.__mapappDeclutter(map); }}
        """,
        name="Chrome",
    ).add_to(m)
    if ready_flag:
        JsSnippet(
            """
            map.whenReady(function () {
                requestAnimationFrame(function () { requestAnimationFrame(function () {
                    if (window.__mapappDeclutter) { window.__mapappDeclutter(map); }
                    window.__mapReady = true;
                    document.documentElement.setAttribute("data-map-ready", "1");
                }); });
            });
            """,
            name="Ready",
        ).add_to(m)


def _panes_snippet() -> JsSnippet:
    return JsSnippet(
        f"""
        if (!document.getElementById("mapapp-css")) {{
            var st = document.createElement("style");
            st.id = "mapapp-css";
            st.textContent = {js_json(_CSS)};
            document.head.appendChild(st);
        }}
        [["mapapp-base", 250], ["mapapp-admin", 260], ["mapapp-clabels", 270], ["mapapp-density", 350],
         ["mapapp-ranges", 400],
         ["mapapp-points", 450]].forEach(function (p) {{
            if (!map.getPane(p[0])) {{ map.createPane(p[0]).style.zIndex = p[1]; }}
        }});
        map.getPane("mapapp-clabels").style.pointerEvents = "none";
        """,
        name="Panes",
    )


# --------------------------------------------------------------------------- assets


def _asset_links(mode: AssetMode, prefix: str) -> dict[str, str]:
    if mode == "served":
        return {k: assets.served_url(k, prefix) for k in assets.ASSETS}
    # inline mode: the content goes into <head> once (see localize); links are placeholders
    return {k: f"inline:{k}" for k in assets.ASSETS}


def walk(el: Element) -> Iterator[Element]:
    """``el`` and all its descendants, depth first."""
    yield el
    for child in list(el._children.values()):
        yield from walk(child)


def localize(m: folium.Map, mode: AssetMode = "inline", prefix: str = "/app/static/mapapp") -> list[str]:
    """Point every element's JS/CSS at local files (per instance) and return the asset keys used.

    ``mode="inline"`` embeds the files' content in the page head (standalone HTML);
    ``mode="served"`` links to ``prefix`` + file name (see :func:`mapapp.render.assets.copy_assets`).
    Raises ``ValueError`` if an element needs an asset that has no local copy.
    """
    used: list[str] = ["leaflet", "leaflet_css"]
    needs_jquery = False
    elements = list(walk(m))
    for el in elements:
        if isinstance(el, folium.Popup):
            needs_jquery = True
        if not isinstance(el, folium.elements.JSCSSMixin):
            continue
        for name, _url in [*el.default_js, *el.default_css]:
            if name not in _FOLIUM_ASSETS:
                msg = f"Map element {type(el).__name__} needs asset {name!r}, which has no local copy."
                raise ValueError(msg)
            key = _FOLIUM_ASSETS[name]
            if key is not None and key not in used and key != "jquery":
                used.append(key)
    if needs_jquery:
        used.insert(1, "jquery")
    links = _asset_links(mode, prefix)
    for el in elements:
        if not isinstance(el, folium.elements.JSCSSMixin):
            continue
        if mode == "inline":
            el.default_js = []
            el.default_css = []
        elif el is m:
            el.default_js = [(k, links[k]) for k in used if assets.get(k).kind == "js"]
            el.default_css = [(k, links[k]) for k in used if assets.get(k).kind == "css"]
        else:
            el.default_js = [(n, links[k]) for n, _ in el.default_js if (k := _FOLIUM_ASSETS[n])]
            el.default_css = [(n, links[k]) for n, _ in el.default_css if (k := _FOLIUM_ASSETS[n])]
    if mode == "inline":
        header = m.get_root().header  # type: ignore[attr-defined]
        for k in used:
            a = assets.get(k)
            tag = "script" if a.kind == "js" else "style"
            header.add_child(Element(f"<{tag}>{assets.inline_text(k)}</{tag}>"), name=f"mapapp_{k}")
    return used


# --------------------------------------------------------------------------- public


def build_map(
    spec: MapSpec,
    *,
    asset_mode: AssetMode = "inline",
    asset_prefix: str = "/app/static/mapapp",
    ready_flag: bool = True,
    view: tuple[float, float, float, float] | None = None,
) -> folium.Map:
    """The folium map for ``spec``.

    Parameters
    ----------
    spec
        What to show.
    asset_mode
        ``"inline"``: Leaflet etc. embedded in the page (standalone HTML, works from ``file://``
        offline). ``"served"``: linked under ``asset_prefix`` (copy them with
        :func:`mapapp.render.assets.copy_assets`).
    ready_flag
        Set ``window.__mapReady = true`` once drawn (snapshots wait on it).
    view
        Extent (west, south, east, north) degrees to open on; default ``spec.focus_bounds()``.
    """
    view = view or spec.focus_bounds()
    cx, cy = (view[0] + view[2]) / 2, (view[1] + view[3]) / 2
    m = folium.Map(
        location=[cy, cx],
        zoom_start=spec.zoom or 5,
        tiles=None,
        prefer_canvas=True,
        control_scale=True,
        zoom_control=True,
    )
    m.options["max_zoom"] = MAX_ZOOM
    m.options["min_zoom"] = 2
    m.options["zoom_snap"] = 0.25
    fig = m.get_root()
    if isinstance(fig, Figure):
        fig.title = esc(spec.title)
    _panes_snippet().add_to(m)
    if spec.tiles:
        import xyzservices.providers as xyz

        folium.TileLayer(
            xyz.OpenStreetMap.Mapnik,
            name=esc(LAYER_TITLES[LAYER_TILES]),
            overlay=True,
            show=spec.is_on(LAYER_TILES),
            max_zoom=MAX_ZOOM,
        ).add_to(m)
    if spec.basemap:
        _add_basemap(m, spec, view)
    if spec.density:
        _add_density(m, spec)
    for r in spec.ranges:
        _add_range(m, spec, r)
    if spec.places:
        _add_places(m, spec)
    if spec.events:
        _add_events(m, spec, _asset_links(asset_mode, asset_prefix))
    if spec.targets:
        _add_targets(m, spec)
    folium.LayerControl(collapsed=False, position="topright").add_to(m)
    _add_chrome(m, spec, view, ready_flag)
    localize(m, asset_mode, asset_prefix)
    return m


def to_html(spec: MapSpec, **kwargs: object) -> str:
    """Standalone HTML page of the map (assets inlined; opens from ``file://`` with no network)."""
    m = build_map(spec, asset_mode="inline", **kwargs)  # type: ignore[arg-type]
    return str(m.get_root().render())


def feature_group_names(m: folium.Map) -> list[str]:
    """Names of the map's toggleable layers as the layer control shows them (HTML-escaped),
    in drawing order."""
    return [el.layer_name for el in walk(m) if isinstance(el, folium.FeatureGroup)]


def layer_group(m: Element, key: str) -> LayerGroup | None:
    """The direct child :class:`LayerGroup` of ``m`` for layer ``key``, or None."""
    for child in m._children.values():
        if isinstance(child, LayerGroup) and child.layer_key == key:
            return child
    return None


__all__ = [
    "JsSnippet",
    "LayerGroup",
    "build_map",
    "feature_group_names",
    "format_latlon",
    "layer_group",
    "localize",
    "to_html",
]

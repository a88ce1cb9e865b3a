"""Draw a :class:`~mapapp.maps.spec.MapSpec` as a standalone Leaflet page with folium (the only
folium user).

The page is a title band (title, source, date), the map, and a footer (sources, the date the
file was made). Every layer is a named :class:`folium.FeatureGroup` in the layer control, drawn
by the layer's program from :mod:`mapapp.render.layers` (the same code the app's map runs), and
the legend lists only the layers shown. No asset comes from a CDN: each element's
``default_js``/``default_css`` is replaced **on the instance** by local files (see
:mod:`mapapp.render.assets`). When the map has finished drawing it sets ``window.__mapReady``,
and ``window.__mapappView()`` reports what it shows (bounds, centre, zoom, size, layers, legend).

A spec with a :class:`~mapapp.maps.spec.ScreenView` opens at exactly that centre and zoom in a
map of exactly that size (CSS pixels), so the file shows what was on the person's screen;
otherwise the map fills the page and fits :meth:`~mapapp.maps.spec.MapSpec.focus_bounds`.

Coordinates: the spec is (lon, lat); Leaflet wants [lat, lon]; the swap happens here and in
:mod:`mapapp.render.layers` only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Literal

import folium
import folium.elements
import jinja2
from branca.element import CssLink, Element, Figure, JavascriptLink
from folium.template import Template

from mapapp.maps.spec import MapSpec
from mapapp.render import assets
from mapapp.render.layers import (
    MAX_ZOOM,
    MIN_ZOOM,
    LayerProgram,
    density_legend_html,
    esc,
    event_popup,
    format_latlon,
    js_json,
    layer_programs,
    legend_html,
    place_popup,
    range_popup,
    setup_js,
    target_popup,
    title_html,
)

AssetMode = Literal["inline", "served"]

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
#: asset key -> the folium name an element lists it under.
_ASSET_NAMES = {
    "markercluster": "markerclusterjs",
    "markercluster_css": "markerclustercss",
    "markercluster_default_css": "markerclusterdefaultcss",
}

#: The page around the map: a title band above it and a footer below (flex order, because folium
#: writes the map's div first).
PAGE_CSS = """
html, body { margin: 0; padding: 0; background: #fff; }
body { display: flex; flex-direction: column; font-family: "Helvetica Neue", Arial, sans-serif; color: #222; }
.mapapp-head { order: 0; padding: 8px 12px 6px 12px; }
.mapapp-head.mapapp-title { max-width: none; }
.leaflet-container .leaflet-control-attribution { display: none; }
.mapapp-head h1 { font-size: 17px; margin: 0 0 2px 0; font-weight: 700; }
.mapapp-head div { font-size: 12px; color: #555; }
.folium-map { order: 1; }
.mapapp-foot { order: 2; font-size: 11px; color: #444; padding: 4px 12px 6px 12px; }
"""
#: The map fills what the bands leave of the page.
FILL_CSS = """
html, body { height: 100%; }
.folium-map { flex: 1 1 auto; min-height: 0; width: 100% !important; height: auto !important; }
"""


def fixed_css(width_px: int, height_px: int) -> str:
    """CSS giving the map exactly ``width_px`` x ``height_px`` CSS pixels (a screen's size)."""
    return f".folium-map {{ flex: none; width: {int(width_px)}px !important; height: {int(height_px)}px !important; }}"


class JsSnippet(folium.elements.JSCSSMixin):
    """A piece of JavaScript run with ``parent`` (the Leaflet object this element is added to)
    and ``map`` bound. ``code`` must only embed data through :func:`js_json`.

    The code goes into the page as it is. (folium's own elements put their rendered script into
    the page as a *new Jinja template*, so ``{{ ... }}`` in data — article text — would be run on
    the server; this element never does that.)
    """

    _template = Template("")

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

    def script(self) -> str:
        """The JavaScript this element adds to the page."""
        if self._parent is None:
            msg = "A JsSnippet must be added to a folium.Map or one of its layers."
            raise ValueError(msg)
        return f"(function(map, parent) {{\n{self.code}\n}})({self.map_name()}, {self._parent.get_name()});"

    def render(self, **kwargs: object) -> None:  # type: ignore[override]  # folium's MacroElement returns None
        figure = self.get_root()
        if not isinstance(figure, Figure):
            msg = "A JsSnippet must be inside a folium Figure to render."
            raise ValueError(msg)
        for name, url in self.default_js:
            figure.header.add_child(JavascriptLink(url), name=name)
        for name, url in self.default_css:
            figure.header.add_child(CssLink(url), name=name)
        figure.script.add_child(RawHtml(self.script()), name=self.get_name())


class RawHtml(Element):
    """HTML put into the page as it is: never compiled as a Jinja template (it carries article
    text, and big inlined libraries would be slow to parse as templates)."""

    _template = jinja2.Template("{{ this.html }}")

    def __init__(self, html: str) -> None:
        super().__init__()
        self.html = html


class LayerGroup(folium.FeatureGroup):
    """A toggleable layer of the map: a :class:`folium.FeatureGroup` that knows its layer key.

    Leaflet's layer control puts each layer's name into the page with ``innerHTML``, and titles
    can carry user text (weapon names from a catalogue), so the control name
    (``layer_name``) is the HTML-escaped ``title``. Code that looks for a layer matches on
    ``layer_key``, never on the name.
    """

    def __init__(self, layer_key: str, title: str, *, show: bool = True, control: bool = True) -> None:
        # braces as entities: folium re-reads the control's script as a template (see JsSnippet)
        name = esc(title).replace("{", "&#123;").replace("}", "&#125;")
        super().__init__(name=name, show=show, overlay=True, control=control)
        self.layer_key = layer_key
        self.title = title


# --------------------------------------------------------------------------- chrome


def _add_program(m: folium.Map, prog: LayerProgram, links: dict[str, str]) -> LayerGroup:
    fg = LayerGroup(prog.key, prog.title, show=prog.on)
    fg.add_to(m)
    js = [(_ASSET_NAMES[k], links[k]) for k in prog.assets if assets.get(k).kind == "js"]
    css = [(_ASSET_NAMES[k], links[k]) for k in prog.assets if assets.get(k).kind == "css"]
    JsSnippet(prog.code, name=f"Layer {prog.key}", js=js, css=css).add_to(fg)
    return fg


def _add_chrome(
    m: folium.Map,
    spec: MapSpec,
    view: tuple[float, float, float, float],
    groups: Sequence[tuple[LayerProgram, LayerGroup]],
    ready_flag: bool,
) -> None:
    """Legend of the visible layers, attribution, the opening view, ``window.__mapappView()``
    and (``ready_flag``) ``window.__mapReady`` once the basemap and labels are drawn."""
    entries = ",".join(
        f"{{key: {js_json(p.key)}, layer: {fg.get_name()}, rows: {js_json([list(r) for r in p.legend])}}}"
        for p, fg in groups
    )
    w, s, e, n = view
    if spec.screen is not None:
        c = spec.screen.center
        opening = f"map.setView([{c.lat}, {c.lon}], {float(spec.screen.zoom)}, {{animate: false}});"
    else:
        opening = f"""
        var br = map.__mapappLegendBox ? map.__mapappLegendBox.getContainer() : null;
        map.fitBounds([[{s}, {w}], [{n}, {e}]], {{animate: false, paddingTopLeft: [10, 10],
            paddingBottomRight: [br ? Math.min(br.offsetWidth + 12, map.getSize().x / 3) : 10, 24]}});
        """
    JsSnippet(
        f"""
        var entries = [{entries}];
        map.__mapappEntries = entries;
        function legend() {{ window.__mapappLegend(map, entries); }}
        map.on("overlayadd overlayremove", legend);
        legend();
        map.attributionControl.setPrefix(false);
        map.attributionControl.addAttribution({js_json(esc(spec.attribution()))});
        {opening}
        window.__mapappView = function () {{
            var b = map.getBounds(), c = map.getCenter(), z = map.getSize();
            var box = map.__mapappLegendBox ? map.__mapappLegendBox.getContainer() : null;
            return {{bounds: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()], center: [c.lng, c.lat],
                     zoom: map.getZoom(), size: [z.x, z.y],
                     layers: entries.filter(function (x) {{ return map.hasLayer(x.layer); }})
                                    .map(function (x) {{ return x.key; }}),
                     legend: box ? (box.getAttribute("data-layers") || "").split(",").filter(Boolean) : []}};
        }};
        window.__mapappDeclutterSoon(map);
        """,
        name="Chrome",
    ).add_to(m)
    if ready_flag:
        JsSnippet(
            """
            map.whenReady(function () {
                (function wait() {
                    if (map.__mapappPending) { setTimeout(wait, 20); return; }
                    requestAnimationFrame(function () { requestAnimationFrame(function () {
                        window.__mapappDeclutter(map);
                        window.__mapReady = true;
                        document.documentElement.setAttribute("data-map-ready", "1");
                    }); });
                })();
            });
            """,
            name="Ready",
        ).add_to(m)


def _add_page(m: folium.Map, spec: MapSpec, made: dt.date | None) -> None:
    """Title band, footer and layout CSS around the map (see :data:`PAGE_CSS`)."""
    fig = m.get_root()
    if not isinstance(fig, Figure):
        return
    fig.title = esc(spec.title)
    size_css = fixed_css(spec.screen.width_px, spec.screen.height_px) if spec.screen is not None else FILL_CSS
    fig.header.add_child(RawHtml(f"<style>{PAGE_CSS}{size_css}</style>"), name="mapapp_page_css")
    fig.html.add_child(RawHtml(f'<div class="mapapp-head mapapp-title">{title_html(spec)}</div>'), name="mapapp_head")
    day = (made or dt.date.today()).isoformat()
    foot = f"Sources: {esc(spec.attribution())} · Map made {day} with mapapp"
    fig.html.add_child(RawHtml(f'<div class="mapapp-foot">{foot}</div>'), name="mapapp_foot")


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
            header.add_child(RawHtml(f"<{tag}>{assets.inline_text(k)}</{tag}>"), name=f"mapapp_{k}")
    return used


# --------------------------------------------------------------------------- public


def build_map(
    spec: MapSpec,
    *,
    asset_mode: AssetMode = "inline",
    asset_prefix: str = "/app/static/mapapp",
    ready_flag: bool = True,
    view: tuple[float, float, float, float] | None = None,
    made: dt.date | None = None,
) -> folium.Map:
    """The folium map page for ``spec``.

    Parameters
    ----------
    spec
        What to show (with ``spec.screen``: exactly that view, in a map of that size).
    asset_mode
        ``"inline"``: Leaflet etc. embedded in the page (standalone HTML, works from ``file://``
        offline). ``"served"``: linked under ``asset_prefix`` (copy them with
        :func:`mapapp.render.assets.copy_assets`).
    ready_flag
        Set ``window.__mapReady = true`` once drawn (snapshots wait on it).
    view
        Extent (west, south, east, north) degrees to open on; default ``spec.focus_bounds()``.
    made
        The date printed in the footer (default today).
    """
    view = view or spec.focus_bounds()
    if spec.screen is not None:
        c = spec.screen.center
        location, zoom = [c.lat, c.lon], spec.screen.zoom
    else:
        location, zoom = [(view[1] + view[3]) / 2, (view[0] + view[2]) / 2], float(spec.zoom or 5)
    m = folium.Map(
        location=location,
        zoom_start=zoom,  # type: ignore[arg-type]  # Leaflet takes fractional zooms
        tiles=None,
        prefer_canvas=True,
        control_scale=True,
        zoom_control=True,
    )
    m.options["max_zoom"] = MAX_ZOOM
    m.options["min_zoom"] = MIN_ZOOM
    m.options["zoom_snap"] = 0.25
    _add_page(m, spec, made)
    JsSnippet(setup_js(), name="Setup").add_to(m)
    links = _asset_links(asset_mode, asset_prefix)
    groups = [(p, _add_program(m, p, links)) for p in layer_programs(spec, view)]
    folium.LayerControl(collapsed=False, position="topright").add_to(m)
    _add_chrome(m, spec, view, groups, ready_flag)
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
    "MAX_ZOOM",
    "JsSnippet",
    "LayerGroup",
    "build_map",
    "density_legend_html",
    "esc",
    "event_popup",
    "feature_group_names",
    "format_latlon",
    "js_json",
    "layer_group",
    "legend_html",
    "localize",
    "place_popup",
    "range_popup",
    "target_popup",
    "to_html",
]

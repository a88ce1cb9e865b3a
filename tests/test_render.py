"""The folium map: layers, ring coordinates, local assets only, escaping, exports."""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import replace
from pathlib import Path

import folium
import numpy as np
import pytest
from pyproj import Geod

from mapapp.geo import geodesy
from mapapp.maps.spec import MapSpec, PlaceMark, RangeLayer, ReachTarget
from mapapp.model import DateValue, Event, LonLat, Place, Weapon
from mapapp.render import assets
from mapapp.render import leaflet as render
from mapapp.render.export import to_geojson, to_kml

GEOD = Geod(ellps="WGS84")
XSS_SCRIPT = "<script>window.__pwned=1</script>"
XSS_IMG = '<img src=x onerror="window.__pwned=1">'
XSS_TEMPLATE = "${window.__pwned=1} `x` \\u0041"


KURSK = Place("a1:RU.41", "Kursk", "admin1", 36.25, 51.5, "RU")
KYIV = Place("gn:703448", "Kyiv", "city", 30.5234, 50.4501, "UA")
SUMY = LonLat(34.8, 50.9)
ATACMS = Weapon("atacms-m57", "ATACMS", "M57", 305.8, "190 mi", "Forbes, 2024-11-17", color="#CC6677")


def make_spec(n_events: int = 1, title: str = "Test map", basemap: bool = False) -> MapSpec:
    ring = geodesy.ring(SUMY, ATACMS.range_km)  # the range engine's polygon
    ev_places = [Place(f"x:{i}", f"P{i}", "city", 30 + (i % 100) * 0.1, 45 + (i // 100) * 0.1) for i in range(n_events)]
    events = tuple(
        Event(
            f"e{i}",
            "Battles",
            "Armed clash",
            DateValue("2024-11-16", "2024-11-16", "day", "reported"),
            (p,),
            ("Russia",),
            f"Fighting near {p.name} {XSS_IMG}",
            0,
            10,
            source="Test",
        )
        for i, p in enumerate(ev_places)
    )
    return MapSpec(
        title=title,
        subtitle="2024-11-17",
        source="Test outlet",
        places=(
            PlaceMark(KURSK, ("Kursk",), (f"Attack in Kursk {XSS_SCRIPT} {XSS_IMG} {XSS_TEMPLATE}",), 0.9, 3),
            PlaceMark(KYIV, ("Kyiv",), ("Strikes on Kyiv.",), 0.8, 1),
        ),
        events=events,
        ranges=(RangeLayer(ATACMS, "rings", ring, "306 km from Sumy", origins=(("Sumy", SUMY),)),),
        targets=(
            ReachTarget("Kursk", 36.19, 51.73, True, 120.0, 185.8),
            ReachTarget("Moscow", 37.62, 55.75, False, 540.0, -234.2),
        ),
        basemap=basemap,
    )


def test_layer_names_are_present_and_toggleable() -> None:
    m = render.build_map(make_spec())
    names = render.feature_group_names(m)
    assert names == ["ATACMS (306 km) rings", "Places (article)", "Events", "Reach targets"]
    assert any(isinstance(el, folium.LayerControl) for el in render.walk(m))


def test_hidden_layers_start_off_but_stay_in_control() -> None:
    spec = make_spec().with_view(hidden=["events", "rings"])
    m = render.build_map(spec)
    shows = {el.layer_name: el.show for el in render.walk(m) if isinstance(el, folium.FeatureGroup)}
    assert shows == {"ATACMS (306 km) rings": False, "Places (article)": True, "Events": False, "Reach targets": True}


def test_ring_coordinates_are_the_range_polygon() -> None:
    spec = make_spec()
    html = render.to_html(spec)
    m = re.search(r'L\.geoJSON\((\{"type":"Feature","properties":\{"weapon":"atacms-m57".*?\}\}), \{pane', html)
    assert m is not None
    coords = json.loads(m.group(1))["geometry"]["coordinates"][0]
    ref = list(spec.ranges[0].geometry.exterior.coords)
    assert len(coords) == len(ref)
    assert np.allclose(np.array(coords), np.array(ref), atol=1e-9)
    # and every vertex is 305.8 km from Sumy on the ellipsoid
    xy = np.array(coords)
    _, _, d = GEOD.inv(np.full(len(xy), SUMY.lon), np.full(len(xy), SUMY.lat), xy[:, 0], xy[:, 1])
    assert np.allclose(np.asarray(d) / 1000, 305.8, atol=1e-3)


def test_no_remote_script_or_stylesheet_and_assets_inlined() -> None:
    html = render.to_html(make_spec())
    tags = re.findall(r"<(?:script|link)\b[^>]*>", html)
    for tag in tags:
        assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", tag), tag
    assert "cdn.jsdelivr" not in html and "cdnjs" not in html and "code.jquery" not in html
    assert "Leaflet 1.9.3" in html  # the library itself is in the page
    assert "markerClusterGroup" in html and "MarkerClusterGroup" in html  # plugin inlined (events)
    assert "bootstrap" not in html.lower() and "font awesome" not in html.lower()
    assert "url(images/" not in html  # layers control icon is a data: URI


def test_markercluster_only_loaded_when_used() -> None:
    html = render.to_html(make_spec(n_events=0))
    assert "MarkerClusterGroup" not in html


def test_served_mode_links_local_files(tmp_path: Path) -> None:
    m = render.build_map(make_spec(), asset_mode="served", asset_prefix="/app/static/mapapp")
    html = m.get_root().render()
    srcs = re.findall(r'<script src="([^"]+)"', html)
    srcs += re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert srcs and all(s.startswith("/app/static/mapapp/") for s in srcs)
    copied = assets.copy_assets(tmp_path)
    for s in srcs:
        assert (tmp_path / s.rsplit("/", 1)[1]).is_file()
    assert (tmp_path / "images" / "layers.png").is_file()
    assert set(copied) == set(assets.ASSETS)


def test_class_defaults_are_not_changed() -> None:
    before = list(folium.Map.default_js)
    render.build_map(make_spec(), asset_mode="served")
    render.build_map(make_spec())
    assert folium.Map.default_js == before
    assert any("cdn" in url for _, url in folium.Map.default_js)


def test_article_text_is_escaped_in_html() -> None:
    html = render.to_html(make_spec(title=f"Headline {XSS_SCRIPT}"))
    body = html.split("<body>", 1)[1]
    assert "window.__pwned=1</script>" not in body
    assert "<img src=x" not in html
    assert "\\u003cimg src=x onerror" not in html  # it is escaped HTML inside the JSON, not raw
    # escaped once by html.escape, then JSON-encoded (& -> \u0026) for the script
    assert "\\u0026lt;img src=x onerror=\\u0026quot;window.__pwned=1\\u0026quot;\\u0026gt;" in html


def test_export_geojson_is_rfc7946() -> None:
    spec = make_spec()
    fc = json.loads(to_geojson(spec))
    assert fc["type"] == "FeatureCollection"
    layers = {f["properties"]["layer"] for f in fc["features"]}
    assert layers == {"ATACMS (306 km) rings", "Places (article)", "Events", "Reach targets"}
    ring = next(f for f in fc["features"] if f["properties"].get("kind") == "rings")
    ext = np.array(ring["geometry"]["coordinates"][0])
    # signed area (shoelace) > 0 means counter-clockwise
    area2 = np.sum(ext[:-1, 0] * ext[1:, 1] - ext[1:, 0] * ext[:-1, 1])
    assert area2 > 0
    kursk = next(
        f for f in fc["features"] if f["properties"].get("name") == "Kursk" and f["properties"]["kind"] == "place"
    )
    assert kursk["geometry"]["coordinates"] == [36.25, 51.5]  # lon, lat


def test_export_kml_has_every_layer_and_escapes() -> None:
    kml = to_kml(make_spec())
    for name in ("ATACMS (306 km) rings", "Places (article)", "Events", "Reach targets"):
        assert f"<name>{name}</name>" in kml
    assert "<img" not in kml and "&lt;img" not in kml  # double-escaped: shown as text
    assert "36.25,51.5" in kml


@pytest.mark.slow
def test_ten_thousand_events_html_stays_small() -> None:
    html = render.to_html(make_spec(n_events=10_000))
    assert len(html.encode()) < 8_000_000


# --------------------------------------------------------------------------- density, labels, basemap


def _density_spec() -> MapSpec:
    from mapapp.geo.density import cell_size_km, density

    rng = np.random.default_rng(7)
    lons = np.r_[rng.normal(37.0, 0.6, 900), rng.uniform(30, 45, 300)]
    lats = np.r_[rng.normal(48.0, 0.4, 900), rng.uniform(44, 55, 300)]
    cells = tuple(density(lons, lats, cell_km=100.0))
    return MapSpec(title="Density", density=cells, density_cell_km=cell_size_km(100.0), basemap=False)


def _luminance(hex_color: str) -> float:
    r, g, b = (int(hex_color[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


@pytest.mark.parametrize("top", [1, 2, 3, 7, 40, 250, 3000, 123456])
def test_density_classes_cover_every_count_light_to_dark(top: int) -> None:
    from mapapp.maps.spec import density_classes, density_color

    classes = density_classes([top])
    assert 1 <= len(classes) <= 6
    assert classes[0].lo == 1 and classes[-1].hi == top
    assert all(a.hi + 1 == b.lo for a, b in itertools.pairwise(classes))  # no gap, no overlap
    lum = [_luminance(c.color) for c in classes]
    assert lum == sorted(lum, reverse=True)  # more events, darker
    for n in range(1, min(top, 500) + 1):
        assert sum(c.lo <= n <= c.hi for c in classes) == 1
        assert density_color(n, classes) == next(c.color for c in classes if c.lo <= n <= c.hi)


def test_density_layer_in_html_with_ramp_legend() -> None:
    from mapapp.maps.spec import density_classes

    spec = _density_spec()
    assert sum(c.count for c in spec.density) == 1200
    m = render.build_map(spec)
    assert "Event density" in render.feature_group_names(m)
    html = render.to_html(spec)
    tips = [int(n.replace(",", "")) for n in re.findall(r'"([\d,]+) events?"', html)]
    assert sum(tips) == 1200 and len(tips) == len(spec.density)
    legend = render.legend_html(spec)
    classes = density_classes(c.count for c in spec.density)
    for c in classes:
        assert c.color in legend and render.esc(c.label) in legend
        assert c.color in html
    # the cell polygons: H3 hexagons (six corners, great-circle edges densified), [lat, lon]
    rows = json.loads(re.search(r'(\[\[\[\[[^\n]*?"\]\])\.forEach', html).group(1))  # type: ignore[union-attr]
    assert len(rows) == len(spec.density) and all(len(r[0]) >= 6 for r in rows)
    assert all(44 - 2 < pt[0] < 55 + 2 and 30 - 2 < pt[1] < 45 + 2 for r in rows for pt in r[0])


def test_density_exported_as_polygons_with_counts() -> None:
    spec = _density_spec()
    fc = json.loads(to_geojson(spec))
    cells = [f for f in fc["features"] if f["properties"]["layer"] == "Event density"]
    assert len(cells) == len(spec.density) and sum(f["properties"]["count"] for f in cells) == 1200
    for f in cells:  # RFC 7946: exterior ring counter-clockwise (positive shoelace area)
        ring = f["geometry"]["coordinates"][0]
        area2 = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in itertools.pairwise(ring))
        assert f["geometry"]["type"] == "Polygon" and area2 > 0
    kml = to_kml(spec)
    assert "Event density" in kml and kml.count("<Polygon") == len(spec.density)


def test_label_priority_article_places_before_targets() -> None:
    from mapapp.maps.spec import label_priority

    spec = make_spec()
    spec = MapSpec(
        title="t",
        places=spec.places,
        targets=(
            ReachTarget("Rostov-on-Don", 39.72, 47.23, True, 300.0, 5.0, population=1_100_000),
            ReachTarget("Taganrog", 38.9, 47.21, True, 250.0, 55.0, population=250_000),
        ),
    )
    prio = label_priority(spec)
    assert min(prio[("Kursk", KURSK.lon, KURSK.lat)], prio[("Kyiv", KYIV.lon, KYIV.lat)]) > max(
        prio[("Rostov-on-Don", 39.72, 47.23)], prio[("Taganrog", 38.9, 47.21)]
    )
    assert prio[("Rostov-on-Don", 39.72, 47.23)] > prio[("Taganrog", 38.9, 47.21)]


def test_matplotlib_title_above_map_one_label_per_town_no_overlaps() -> None:
    from matplotlib.text import Annotation

    from mapapp.render import mpl as render_mpl

    base = make_spec()
    spec = MapSpec(
        title="A long headline " * 8,
        subtitle="2024-11-17",
        places=base.places,
        events=base.events,
        ranges=base.ranges,
        basemap=False,
        bounds=(29.0, 45.0, 41.0, 55.0),
        targets=(
            *base.targets,
            ReachTarget("Rostov-on-Don", 39.72, 47.23, True, 300.0, 5.0, population=1_100_000),
            ReachTarget("Taganrog", 38.9, 47.21, True, 250.0, 55.0, population=250_000),
        ),
    )
    fig = render_mpl.figure(spec, width=1000, height=700)
    ax = fig.axes[0]
    r = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    top_of_map = ax.get_window_extent(r).y1
    heads = [t for t in fig.texts if "headline" in t.get_text()]
    assert heads and all(t.get_window_extent(r).y0 >= top_of_map for t in heads)  # title never over data
    labels = [t for t in ax.texts if isinstance(t, Annotation)]
    names = [t.get_text() for t in labels]
    assert names.count("Kursk") == 1  # the article place and the reach target are one town
    assert "Rostov-on-Don" in names and "Taganrog" in names
    boxes = [t.get_window_extent(r) for t in labels]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b), (names, a, b)


def test_basemap_has_no_band_across_the_antimeridian() -> None:
    from mapapp.errors import DataDirError

    try:
        from mapapp.maps import basemap

        ctry = basemap.countries()
    except DataDirError as err:
        pytest.skip(f"data/geo not built: {err}")
    for name, geom in zip(ctry["name"], ctry.geometry, strict=True):
        for part in [] if geom is None or geom.is_empty else getattr(geom, "geoms", [geom]):
            w, s, e, _n = part.bounds
            assert e - w <= 180 or s < -60, (name, part.bounds)  # only Antarctica rings the pole
    russia = ctry[ctry["name"] == "Russia"].geometry.iloc[0]
    area_km2 = abs(GEOD.geometry_area_perimeter(russia)[0]) / 1e6
    assert area_km2 == pytest.approx(17_098_000, rel=0.03)  # Russia's area, 17.1 million km²
    assert russia.bounds[3] > 77  # the Taymyr coast is there (the band replaced it)


def test_events_are_coloured_by_type_with_a_legend_entry_per_type() -> None:
    from dataclasses import replace

    from mapapp.maps.spec import event_color

    spec = make_spec(n_events=3)
    kinds = ("Battles", "Explosions/Remote violence", "Policy decision")
    spec = replace(spec, events=tuple(replace(e, event_type=k) for e, k in zip(spec.events, kinds, strict=True)))
    colors = {event_color(k) for k in kinds}
    assert len(colors) == 3  # three types, three colours
    html = render.to_html(spec)
    for k in kinds:
        assert f"Event: {k}" in html
    for c in colors:
        assert c in html


# --------------------------------------------------------------------------- review fixes


def _spec_with_weapon_name(name: str, title: str = "Test map") -> MapSpec:
    spec = make_spec(title=title)
    weapon = Weapon("evil", name, "", 50.0, "50 km", "User catalogue $5 \\frac{ source")
    ring = RangeLayer(weapon, "footprint", geodesy.ring(SUMY, 50.0), "50 km from Sumy", origins=(("Sumy", SUMY),))
    return replace(spec, ranges=(*spec.ranges, ring))


def test_layer_names_from_a_user_catalogue_are_escaped() -> None:
    spec = _spec_with_weapon_name(XSS_IMG)
    m = render.build_map(spec)
    names = render.feature_group_names(m)
    assert all("<img" not in n and "<" not in n for n in names)
    assert "&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt; (50 km) footprint" in names
    # the layer control's JSON carries only the escaped name
    control = next(el for el in render.walk(m) if isinstance(el, folium.LayerControl))
    control.render()
    assert all("<" not in key for key in control.overlays)
    page = render.to_html(spec)
    assert "<img src=x" not in page


def test_place_coordinates_use_hemisphere_letters() -> None:
    oval = Place("gn:1", "Oval Office", "building", -77.0374, 38.8973, "US")
    sydney = Place("gn:2", "Sydney", "city", 151.2093, -33.8688, "AU")
    lima = Place("gn:3", "Lima", "city", -77.0428, -12.0464, "PE")
    assert "38.8973° N, 77.0374° W" in render.place_popup(PlaceMark(oval, ("Oval Office",), (), 0.9, 1))
    assert "33.8688° S, 151.2093° E" in render.place_popup(PlaceMark(sydney, ("Sydney",), (), 0.9, 1))
    assert "12.0464° S, 77.0428° W" in render.place_popup(PlaceMark(lima, ("Lima",), (), 0.9, 1))
    assert "-" not in render.format_latlon(-0.00001, -0.00001)


def test_exports_leave_out_hidden_layers() -> None:
    spec = make_spec().with_view(hidden=["places", "events", "targets"])
    keys = {f["properties"]["layer_key"] for f in json.loads(to_geojson(spec))["features"]}
    assert keys == {"rings:atacms-m57"}
    kml = to_kml(spec)
    assert "ATACMS (306 km) rings" in kml
    for title in ("Places (article)", "Events", "Reach targets", "Kyiv", "Moscow"):
        assert title not in kml
    rings_off = make_spec().with_view(hidden=["rings"])
    keys = {f["properties"]["layer_key"] for f in json.loads(to_geojson(rings_off))["features"]}
    assert keys == {"places", "events", "targets"}
    assert "ATACMS" not in to_kml(rings_off)
    dens = _density_spec().with_view(hidden=["density"])
    assert json.loads(to_geojson(dens))["features"] == []
    assert "<Polygon" not in to_kml(dens)


@pytest.mark.parametrize("title", ["US sends $5 billion to Kyiv, $2 billion more", "Aid of $5 \\frac{ and $2"])
def test_matplotlib_keeps_dollars_in_article_text(title: str) -> None:
    import io

    from mapapp.render import mpl as render_mpl

    spec = _spec_with_weapon_name("Gun $x$ 2", title=title)
    spec = replace(
        spec,
        subtitle="Cost: $1 and $3",
        places=(
            PlaceMark(Place("x:1", "$Town$", "city", 34.9, 50.95), ("$Town$",), ("s",), 0.9, 2, label=True),
            *spec.places,
        ),
    )
    fig = render_mpl.figure(spec, width=1000, height=700)
    fig.savefig(io.BytesIO(), format="png", dpi=100)  # mathtext parsing would raise here
    texts = {t.get_text(): t for t in fig.texts}
    assert title in texts and not texts[title].get_parse_math()
    assert "Cost: $1 and $3" in texts and not texts["Cost: $1 and $3"].get_parse_math()
    ax = fig.axes[0]
    legend = ax.get_legend()
    assert legend is not None
    entries = {t.get_text(): t for t in legend.get_texts()}
    gun = next(k for k in entries if k.startswith("Gun $x$ 2"))
    assert "$5 \\frac{" in " ".join(gun.split()) and not entries[gun].get_parse_math()  # wrapped, as written
    labels = [t for t in ax.texts if t.get_text() == "$Town$"]
    assert labels and not any(t.get_parse_math() for t in labels)


def test_event_popup_shows_date_type_actors_figures_sentence_and_source() -> None:
    ev = Event(
        "e1",
        "Explosions/Remote violence",
        "Air/drone strike",
        DateValue("2024-11-16", "2024-11-17", "range", "inferred", "Saturday night into Sunday"),
        (KYIV,),
        ("Russia", "Ukraine"),
        "At least five people were killed <b>here</b>.",
        0,
        10,
        source="seed.txt",
        outlets=("ABC News",),
        figures=(("killed", 5),),
        figure_qualifiers=("at least",),
    )
    html = render.event_popup(ev)
    for part in (
        "2024-11-16 – 2024-11-17",
        "Saturday night into Sunday",
        "Explosions/Remote violence",
        "Russia, Ukraine",
        "at least 5 killed",
        "ABC News",
        "seed.txt",
        "&lt;b&gt;here&lt;/b&gt;",
    ):
        assert part in html
    assert "<b>here</b>" not in html


def test_article_text_is_never_run_as_a_template() -> None:
    """folium re-reads rendered scripts as Jinja templates; text from articles and catalogues
    must reach the page as written, never run (``{{ cycler.__init__.__globals__.os }}`` ...)."""
    jinja = "{{ 7*7 }} {% for x in [1,2] %}{{ x }}{% endfor %} {{ cycler.__init__.__globals__.os.name }}"
    spec = _spec_with_weapon_name(f"Gun {jinja}", title=f"Headline {jinja}")
    sentence = f"Attack near Kursk {jinja}."
    spec = replace(spec, places=(PlaceMark(KURSK, ("Kursk",), (sentence,), 0.9, 3), *spec.places[1:]))
    html = render.to_html(spec)
    for lead in ("Headline", "Gun", "Kursk"):
        assert f"{lead} 49" not in html  # what the template would have made of it
    assert "posix" not in html
    assert render.esc(f"Headline {jinja}") in html  # the title band, as written
    assert "{{ 7*7 }}" in render.js_json(render.place_popup(spec.places[0]))  # the popup data, as written
    assert render.js_json(render.place_popup(spec.places[0])) in html


def test_a_country_level_event_is_listed_aside_not_drawn_at_the_countrys_centre() -> None:
    """An event placed only at a country (ACLED geo_precision 3) is not a point in the middle of the
    country: the map draws the settled events and its legend says what was left aside."""
    from mapapp.render import mpl as render_mpl

    base = make_spec(n_events=1)
    ukraine = Place("gn:690791", "Ukraine", "country", 32.0, 49.0, "UA")
    coarse = replace(base.events[0], id="e-country", places=(ukraine,), geo_precision=3)
    spec = replace(base, events=(*base.events, coarse))
    html = render.to_html(spec)
    assert "located only at country level (Ukraine): not drawn as points" in html
    assert "[49.0,32.0," not in html.replace(" ", "")  # no marker at the country's centre
    fig = render_mpl.figure(spec, width=1000, height=700)
    ax = fig.axes[0]
    drawn = [tuple(xy) for c in ax.collections if c.get_offsets() is not None for xy in c.get_offsets().tolist()]
    assert (32.0, 49.0) not in {(round(x, 3), round(y, 3)) for x, y in drawn}
    legend = ax.get_legend()
    assert legend is not None and any("country level (Ukraine)" in t.get_text() for t in legend.get_texts())

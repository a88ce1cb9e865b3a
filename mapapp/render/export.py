"""Data export of a map: every data layer of a :class:`~mapapp.maps.spec.MapSpec` as GeoJSON
(RFC 7946: lon/lat, exterior rings counter-clockwise, geometries split at the antimeridian as
the range engine made them) or KML (Google Earth; one folder per layer).

:func:`mapapp.geo.userfiles.to_geojson` and :func:`mapapp.geo.userfiles.to_kml` are the public entry points.
"""

from __future__ import annotations

import html
import json

import shapely
from shapely.geometry import MultiPolygon, Polygon, mapping
from shapely.geometry.base import BaseGeometry

from mapapp.corpus.schema import kml_placemark, map_feature_properties
from mapapp.maps.spec import (
    IN_RANGE,
    LAYER_DENSITY,
    LAYER_EVENTS,
    LAYER_PLACES,
    LAYER_TARGETS,
    LAYER_TITLES,
    OUT_OF_RANGE,
    PLACE_COLOR,
    MapSpec,
    density_classes,
    density_color,
    event_color,
)


def _feature(geom: BaseGeometry | dict[str, object], props: dict[str, object]) -> dict[str, object]:
    g = geom if isinstance(geom, dict) else dict(mapping(geom))
    return {"type": "Feature", "geometry": g, "properties": props}


def _point(lon: float, lat: float) -> dict[str, object]:
    return {"type": "Point", "coordinates": [lon, lat]}


def ccw(geom: BaseGeometry) -> BaseGeometry:
    """``geom`` with exterior rings counter-clockwise and holes clockwise (RFC 7946 §3.1.6)."""
    return shapely.orient_polygons(geom, exterior_cw=False)


def export_features(spec: MapSpec) -> list[dict[str, object]]:
    """GeoJSON Feature dicts for every data layer (ranges, launch points, places, events,
    density cells with their ``count``, targets); each has ``properties.layer`` (the layer's
    name on the map) and ``layer_key``. Layers the spec hides (``spec.is_on(key)`` false) are
    left out, as on the map."""
    feats: list[dict[str, object]] = []
    for r in spec.ranges:
        if not spec.is_on(r.key):
            continue
        w = r.weapon
        base: dict[str, object] = {
            "layer": r.title,
            "layer_key": r.key,
            "weapon": w.key,
            "weapon_name": w.name,
            "variant": w.variant,
            "range_km": w.range_km,
            "range_reported": w.range_reported,
            "source": w.source,
            "color": spec.range_color(r),
        }
        feats.append(_feature(ccw(r.geometry), {**base, "kind": r.kind, "label": r.label}))
        for name, ll in r.origins:
            feats.append(_feature(_point(ll.lon, ll.lat), {**base, "kind": "launch_point", "name": name}))
    for pm in spec.places if spec.is_on(LAYER_PLACES) else ():
        p = pm.place
        feats.append(
            _feature(
                _point(p.lon, p.lat),
                {
                    "layer": LAYER_TITLES[LAYER_PLACES],
                    "layer_key": LAYER_PLACES,
                    "kind": "place",
                    "name": p.name,
                    "place_kind": p.kind,
                    "place_id": p.id,
                    "country_code": p.country_code,
                    "written_as": list(pm.surfaces),
                    "count": pm.count,
                    "confidence": round(pm.confidence, 4),
                    "sentences": list(pm.sentences),
                },
            )
        )
    for ev in spec.events if spec.is_on(LAYER_EVENTS) else ():
        for p in ev.places:
            props = {"layer": LAYER_TITLES[LAYER_EVENTS], "layer_key": LAYER_EVENTS, **map_feature_properties(ev, p)}
            feats.append(_feature(_point(p.lon, p.lat), props))
    density = spec.density if spec.is_on(LAYER_DENSITY) else ()
    classes = density_classes(c.count for c in density)
    for c in density:
        feats.append(
            _feature(
                ccw(Polygon(c.ring)),
                {
                    "layer": LAYER_TITLES[LAYER_DENSITY],
                    "layer_key": LAYER_DENSITY,
                    "kind": "density_cell",
                    "count": c.count,
                    "lon": c.lon,
                    "lat": c.lat,
                    "cell_km": spec.density_cell_km,
                    "color": density_color(c.count, classes),
                },
            )
        )
    for t in spec.targets if spec.is_on(LAYER_TARGETS) else ():
        feats.append(
            _feature(
                _point(t.lon, t.lat),
                {
                    "layer": LAYER_TITLES[LAYER_TARGETS],
                    "layer_key": LAYER_TARGETS,
                    "kind": "target",
                    "name": t.name,
                    "in_range": t.in_range,
                    "distance_km": round(t.distance_km, 3),
                    "margin_km": round(t.margin_km, 3),
                    "weapon": t.weapon_key,
                },
            )
        )
    return feats


def to_geojson(spec: MapSpec) -> str:
    """The spec's data layers as an RFC 7946 FeatureCollection (JSON text, lon/lat WGS84)."""
    fc = {
        "type": "FeatureCollection",
        "name": spec.title,
        "attribution": spec.attribution(),
        "features": export_features(spec),
    }
    return json.dumps(fc, ensure_ascii=False, allow_nan=False)


def _kml_color(hex_color: str, alpha: int = 255) -> str:
    """``"#RRGGBB"`` -> KML ``aabbggrr``."""
    h = hex_color.lstrip("#")
    if len(h) != 6:
        h = "888888"
    return f"{alpha:02x}{h[4:6]}{h[2:4]}{h[0:2]}"


def to_kml(spec: MapSpec) -> str:  # noqa: C901 (one branch per layer kind of the KML document)
    """The spec's data layers as KML (one folder per layer), for Google Earth.

    Article text is HTML-escaped before it goes into ``<name>``/``<description>`` (Google Earth
    renders descriptions as HTML), and XML-escaped by simplekml on top. Layers the spec hides
    are left out, as on the map.
    """
    import simplekml

    kml = simplekml.Kml(name=html.escape(spec.title))
    kml.document.description = html.escape(spec.attribution())
    for r in spec.ranges:
        if not spec.is_on(r.key):
            continue
        color = spec.range_color(r)
        folder = kml.newfolder(name=html.escape(r.title))
        desc = html.escape(
            f"{r.label}. Range {r.weapon.range_km:g} km ({r.weapon.range_reported}). Source: {r.weapon.source}"
        )
        geom = ccw(r.geometry)
        polys: list[Polygon] = []
        if isinstance(geom, Polygon):
            polys = [geom]
        elif isinstance(geom, MultiPolygon):
            polys = list(geom.geoms)
        for poly in polys:
            kp = folder.newpolygon(
                name=html.escape(r.title),
                description=desc,
                outerboundaryis=list(poly.exterior.coords),
                innerboundaryis=[list(i.coords) for i in poly.interiors],
            )
            kp.style.linestyle.color = _kml_color(color)
            kp.style.linestyle.width = 2
            kp.style.polystyle.color = _kml_color(color, 0x30)
        for name, ll in r.origins:
            pt = folder.newpoint(name=f"Launch point: {html.escape(name)}", coords=[(ll.lon, ll.lat)])
            pt.style.iconstyle.color = _kml_color(color)
    if spec.places and spec.is_on(LAYER_PLACES):
        folder = kml.newfolder(name=LAYER_TITLES[LAYER_PLACES])
        for pm in spec.places:
            p = pm.place
            sents = " | ".join(html.escape(s) for s in pm.sentences[:5])
            desc = f"{html.escape(p.kind)}; confidence {pm.confidence:.2f}. {sents}"
            pt = folder.newpoint(name=html.escape(p.name), coords=[(p.lon, p.lat)], description=desc)
            pt.style.iconstyle.color = _kml_color(PLACE_COLOR)
    if spec.events and spec.is_on(LAYER_EVENTS):
        folder = kml.newfolder(name=LAYER_TITLES[LAYER_EVENTS])
        for ev in spec.events:
            name, desc, span = kml_placemark(ev)
            for p in ev.places:
                pt = folder.newpoint(name=html.escape(name), coords=[(p.lon, p.lat)], description=html.escape(desc))
                pt.style.iconstyle.color = _kml_color(event_color(ev.event_type))
                if span:
                    pt.timespan.begin, pt.timespan.end = span
    if spec.density and spec.is_on(LAYER_DENSITY):
        folder = kml.newfolder(name=LAYER_TITLES[LAYER_DENSITY])
        classes = density_classes(c.count for c in spec.density)
        for c in spec.density:
            label = f"{c.count:,} event" + ("s" if c.count != 1 else "")
            kp = folder.newpolygon(
                name=label, description=f"{label} in this cell", outerboundaryis=list(Polygon(c.ring).exterior.coords)
            )
            kp.style.linestyle.color = _kml_color("#ffffff")
            kp.style.linestyle.width = 1
            kp.style.polystyle.color = _kml_color(density_color(c.count, classes), 0xC0)
    if spec.targets and spec.is_on(LAYER_TARGETS):
        folder = kml.newfolder(name=LAYER_TITLES[LAYER_TARGETS])
        for t in spec.targets:
            status = "in range" if t.in_range else "out of range"
            desc = f"distance {t.distance_km:,.0f} km; margin {t.margin_km:,.0f} km"
            pt = folder.newpoint(name=html.escape(f"{t.name} ({status})"), coords=[(t.lon, t.lat)], description=desc)
            pt.style.iconstyle.color = _kml_color(IN_RANGE if t.in_range else OUT_OF_RANGE)
    return str(kml.kml())

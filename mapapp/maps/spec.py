"""What a map shows, independent of how it is drawn.

The app, the HTML/PNG/PDF snapshots, the browser-free renderer and the GeoJSON/KML exports all
take a :class:`MapSpec`, so they show the same map. Coordinates are (lon, lat) degrees;
geometries are shapely objects in lon/lat (EPSG:4326) as the range engine returns them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from shapely.geometry.base import BaseGeometry

from mapapp.geo.density import DensityCell
from mapapp.model import Event, LonLat, Place, Weapon

#: Layer keys (for ``--layers`` and :attr:`MapSpec.hidden`) and the names shown in the map.
LAYER_PLACES = "places"
LAYER_EVENTS = "events"
LAYER_TARGETS = "targets"
LAYER_COUNTRIES = "countries"
LAYER_ADMIN1 = "admin1"
LAYER_TILES = "tiles"
LAYER_DENSITY = "density"

LAYER_TITLES: dict[str, str] = {
    LAYER_PLACES: "Places (article)",
    LAYER_EVENTS: "Events",
    LAYER_TARGETS: "Reach targets",
    LAYER_COUNTRIES: "Countries",
    LAYER_ADMIN1: "Admin-1 borders",
    LAYER_TILES: "OpenStreetMap tiles",
    LAYER_DENSITY: "Event density",
}

#: Map colours shared by the Leaflet and matplotlib renderers.
SEA = "#d4e6f1"
LAND = "#f7f4ee"
BORDER = "#8c8c8c"
ADMIN1_BORDER = "#b5b5b5"
PLACE_COLOR = "#1a1a1a"
EVENT_COLOR = "#c2410c"

#: Event marker colours by ACLED event type (plus mapapp's policy decisions): dark, saturated
#: tones, told apart from the weapons' lighter polygon fills by shape (diamonds) as well as colour.
EVENT_TYPE_COLORS: dict[str, str] = {
    "Battles": "#5b1a8a",
    "Explosions/Remote violence": EVENT_COLOR,
    "Violence against civilians": "#111111",
    "Protests": "#15803d",
    "Riots": "#a16207",
    "Strategic developments": "#0e7490",
    "Policy decision": "#1d4ed8",
}
OTHER_EVENT_COLOR = "#6b7280"


def event_color(event_type: str) -> str:
    """The marker colour of an event type (grey for a type outside the table)."""
    return EVENT_TYPE_COLORS.get(event_type, OTHER_EVENT_COLOR)


def event_types(events: Iterable[Event]) -> list[str]:
    """The event types present, in the table's order, unknown types last (as "Other")."""
    present = {e.event_type for e in events}
    known = [t for t in EVENT_TYPE_COLORS if t in present]
    return known + (["Other"] if present - set(EVENT_TYPE_COLORS) else [])


#: Place kinds too coarse to draw as a point (a country's centroid is not where anything happened).
COARSE_KINDS = ("country", "continent")


def point_places(ev: Event) -> tuple[Place, ...]:
    """The places of ``ev`` a map may draw as points: not a country or a continent, and none at
    all for an event ACLED would give geo_precision 3 (located only at a country)."""
    if ev.geo_precision == 3:
        return ()
    return tuple(p for p in ev.places if p.kind not in COARSE_KINDS)


def coarse_note(events: Iterable[Event]) -> str:
    """``"2 events located only at a country level (Ukraine, Syria) are not drawn as points"``, or ""."""
    coarse = [ev for ev in events if not point_places(ev)]
    if not coarse:
        return ""
    names = list(dict.fromkeys(p.name for ev in coarse for p in ev.places))
    where = f" ({', '.join(names[:4])}{', …' if len(names) > 4 else ''})" if names else ""
    n = len(coarse)
    return f"{n} event{'s' if n != 1 else ''} located only at country level{where}: not drawn as points"


IN_RANGE = "#b91c1c"
OUT_OF_RANGE = "#6b7280"

#: Sequential ramp for event density, light (few) to dark (many): sampled from matplotlib's
#: "magma" (perceptually uniform, readable with the common colour-vision deficiencies).
DENSITY_RAMP = ("#fde7a9", "#fea973", "#f4675c", "#c73d73", "#8c2981", "#54137d")

#: Colours given to weapons that have none in the catalogue, in order.
PALETTE = ("#d62728", "#1f77b4", "#9467bd", "#ff7f0e", "#2ca02c", "#8c564b", "#e377c2", "#17becf")

BASE_ATTRIBUTION = "Places: GeoNames (CC BY 4.0) · Borders: Natural Earth (public domain)"


@dataclass(frozen=True)
class PlaceMark:
    """A place the article names: the resolved place, how it was written, and the evidence.

    ``sentences`` are the sentences that mention it (untrusted article text, escaped by the
    renderer). ``confidence`` is in 0..1. ``label`` asks for a permanent label on the map.
    """

    place: Place
    surfaces: tuple[str, ...] = ()
    sentences: tuple[str, ...] = ()
    confidence: float = 0.0
    count: int = 1
    label: bool = True

    @property
    def lonlat(self) -> LonLat:
        return self.place.lonlat


@dataclass(frozen=True)
class RangeLayer:
    """A weapon's range drawn as one toggleable layer.

    ``kind`` is ``"rings"`` (rings around launch points) or ``"footprint"`` (the area in reach
    from a border or front line). ``geometry`` is the range engine's polygon (lon/lat, possibly
    split at the antimeridian). ``origins`` are the launch points (lon, lat) with their names.
    ``origin`` names where the range is measured from in words ("Sumy", "the front line"), and
    ``origin_key`` tells layers of one weapon from different origins apart in the layer key.
    ``source`` is the launch line or area of a footprint that is not a country border.
    """

    weapon: Weapon
    kind: Literal["rings", "footprint"]
    geometry: BaseGeometry
    label: str
    color: str = ""
    origins: tuple[tuple[str, LonLat], ...] = ()
    origin: str = ""
    origin_key: str = ""
    source: BaseGeometry | None = None

    @property
    def key(self) -> str:
        """Layer key, e.g. ``"rings:atacms"``, ``"rings:atacms.sumy"``."""
        return f"{self.kind}:{self.weapon.key}" + (f".{self.origin_key}" if self.origin_key else "")

    @property
    def title(self) -> str:
        """Layer name shown in the layer control: ``"ATACMS 300 km from Sumy"`` when the origin is
        known, else ``"ATACMS (300 km) rings"``."""
        if self.origin:
            return f"{self.weapon.name} {format_km(self.weapon.range_km)} from {self.origin}"
        what = "rings" if self.kind == "rings" else "footprint"
        return f"{self.weapon.name} ({format_km(self.weapon.range_km)}) {what}"


@dataclass(frozen=True)
class ReachTarget:
    """A place checked against a weapon's reach: distance to the nearest origin, and the margin.

    ``margin_km`` = range - distance (positive: inside by that much). ``population`` (0 if
    unknown) ranks labels when they collide. ``kind`` is the place's kind ("city", "airfield", ...).
    """

    name: str
    lon: float
    lat: float
    in_range: bool
    distance_km: float
    margin_km: float
    weapon_key: str = ""
    population: int = 0
    kind: str = "city"


@dataclass(frozen=True)
class DensityClass:
    """One class of the density colour ramp: counts ``lo``..``hi`` (inclusive) drawn in ``color``."""

    lo: int
    hi: int
    color: str

    @property
    def label(self) -> str:
        """``"1"``, ``"2–5"``, ``"1,001–2,000"``."""
        return f"{self.lo:,}" if self.lo == self.hi else f"{self.lo:,}–{self.hi:,}"


def density_classes(counts: Iterable[int], max_classes: int = len(DENSITY_RAMP)) -> tuple[DensityClass, ...]:
    """Count classes for a legend and colours: breaks on the 1-2-5 series, roughly geometric
    between 1 and the largest count, at most ``max_classes`` (<= 6) of them, light to dark."""
    top = max((int(c) for c in counts), default=0)
    if top <= 0:
        return ()
    nice = [1, 2, 5]
    series: list[int] = []
    mag = 1
    while not series or series[-1] < top:
        series += [n * mag for n in nice]
        mag *= 10
    # upper bounds: the nice numbers below top, thinned so there are at most max_classes classes
    k = max(1, min(max_classes, len(DENSITY_RAMP)))
    uppers = [u for u in series if u < top]
    if len(uppers) > 1 and top < 2 * uppers[-1]:  # no thin top class such as 201-250
        uppers.pop()
    if len(uppers) > k - 1:
        step = len(uppers) / (k - 1) if k > 1 else len(uppers) + 1
        uppers = [uppers[min(len(uppers) - 1, round((i + 1) * step) - 1)] for i in range(k - 1)]
        uppers = sorted(set(uppers))
    bounds = [*uppers, top]
    out: list[DensityClass] = []
    lo = 1
    n = len(bounds)
    for i, hi in enumerate(bounds):
        # spread the classes over the whole ramp so the darkest colour is always used
        idx = round(i * (len(DENSITY_RAMP) - 1) / (n - 1)) if n > 1 else len(DENSITY_RAMP) // 2
        out.append(DensityClass(lo, hi, DENSITY_RAMP[idx]))
        lo = hi + 1
    return tuple(out)


def density_color(count: int, classes: Sequence[DensityClass]) -> str:
    """The colour of a cell holding ``count`` events under ``classes``."""
    for c in classes:
        if count <= c.hi:
            return c.color
    return classes[-1].color if classes else DENSITY_RAMP[-1]


@dataclass(frozen=True)
class ScreenView:
    """The view of a map on a screen, as the browser reports it: what a snapshot must reproduce.

    ``center`` (lon, lat) and ``zoom`` (Web-Mercator zoom level, may be fractional) are Leaflet's;
    ``width_px`` x ``height_px`` is the map's size in CSS pixels; ``bounds`` (west, south, east,
    north, degrees) is what that size shows at that centre and zoom.
    """

    center: LonLat
    zoom: float
    width_px: int
    height_px: int
    bounds: tuple[float, float, float, float]


@dataclass(frozen=True)
class MapSpec:
    """Everything one map shows.

    ``bounds`` is (west, south, east, north) degrees; when None the renderer fits
    :meth:`focus_bounds`. ``density`` holds event-count cells (drawn as the "Event density"
    layer, a colour ramp by count) ``density_cell_km`` km across (``density_shape``: hex or square). ``hidden`` holds
    layer keys that start switched off (they stay in the layer control). ``tiles`` names an
    online tile layer (``"osm"``) or None for offline only.
    """

    title: str
    subtitle: str = ""
    source: str = ""
    places: tuple[PlaceMark, ...] = ()
    events: tuple[Event, ...] = ()
    ranges: tuple[RangeLayer, ...] = ()
    targets: tuple[ReachTarget, ...] = ()
    density: tuple[DensityCell, ...] = ()
    density_cell_km: float = 0.0
    density_shape: str = "hex"
    bounds: tuple[float, float, float, float] | None = None
    center: LonLat | None = None
    zoom: int | None = None
    hidden: frozenset[str] = frozenset()
    basemap: bool = True
    tiles: str | None = None
    screen: ScreenView | None = None
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    def is_on(self, key: str) -> bool:
        """Whether the layer ``key`` starts visible (``"rings:atacms"`` is off if "rings" is hidden)."""
        if key in self.hidden:
            return False
        group = key.split(":", 1)[0]
        if group in self.hidden or key.split(".", 1)[0] in self.hidden:  # "rings:atacms" hides "rings:atacms.sumy"
            return False
        return not (key == LAYER_TILES and self.tiles is None)

    def range_color(self, layer: RangeLayer) -> str:
        """The colour to draw ``layer`` in: the weapon's own, or a stable palette pick."""
        if layer.color:
            return layer.color
        if layer.weapon.color:
            return layer.weapon.color
        keys = list(dict.fromkeys(r.weapon.key for r in self.ranges))
        idx = keys.index(layer.weapon.key) if layer.weapon.key in keys else 0
        return PALETTE[idx % len(PALETTE)]

    def attribution(self) -> str:
        """Plain-text attribution line (escape before putting into HTML)."""
        parts = [BASE_ATTRIBUTION]
        if self.source:
            parts.append(f"Article: {self.source}")
        if self.tiles:
            parts.append("Tiles © OpenStreetMap contributors")
        return " · ".join(parts)

    def with_view(
        self,
        bounds: tuple[float, float, float, float] | None = None,
        hidden: Iterable[str] | None = None,
        screen: ScreenView | None = None,
    ) -> MapSpec:
        """A copy with another extent, set of hidden layers and/or screen view."""
        return replace(
            self,
            bounds=bounds if bounds is not None else self.bounds,
            hidden=frozenset(hidden) if hidden is not None else self.hidden,
            screen=screen if screen is not None else self.screen,
        )

    def focus_bounds(self, pad: float = 0.08) -> tuple[float, float, float, float]:
        """A sensible extent (west, south, east, north): the ranges plus the places near them.

        Without ranges: the biggest cluster of non-country places (within 1,500 km of the most
        mentioned one), so a passing mention of a far country does not zoom the map out to the
        world. ``pad`` is the fraction of the span added on each side.
        """
        if self.screen is not None:
            return self.screen.bounds
        if self.bounds is not None:
            return self.bounds
        pts: list[tuple[float, float]] = []
        boxes: list[tuple[float, float, float, float]] = []
        for r in self.ranges:
            if self.is_on(r.key) and not r.geometry.is_empty:
                boxes.append(tuple(r.geometry.bounds))  # type: ignore[arg-type]
        if boxes:
            w = min(b[0] for b in boxes)
            s = min(b[1] for b in boxes)
            e = max(b[2] for b in boxes)
            n = max(b[3] for b in boxes)
            for pm in self.places:
                if pm.place.kind != "country" and w <= pm.place.lon <= e and s <= pm.place.lat <= n:
                    pts.append((pm.place.lon, pm.place.lat))
            pts += [(w, s), (e, n)]
        else:
            pts = _main_cluster(self)
        if not pts:
            pts = [(t.lon, t.lat) for t in self.targets]
        if not pts:
            return (20.0, 40.0, 45.0, 58.0)
        return _padded_box(pts, pad)


def article_bounds(spec: MapSpec, pad: float = 0.08) -> tuple[float, float, float, float]:
    """The extent (west, south, east, north) of what an article is about: its places (the main
    cluster, so a passing mention of a far country does not zoom out to the world) and its events.
    Falls back to :meth:`MapSpec.focus_bounds` (the ranges) when the article has no places."""
    pts = _main_cluster(spec)
    if not pts:
        return replace(spec, screen=None, bounds=None).focus_bounds(pad)
    return _padded_box(pts, pad)


def _padded_box(pts: Sequence[tuple[float, float]], pad: float) -> tuple[float, float, float, float]:
    """The box around (lon, lat) points, at least 2 x 1.5 degrees, grown by ``pad`` of its span."""
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    w, e, s, n = min(xs), max(xs), min(ys), max(ys)
    span_x = max(e - w, 2.0)
    span_y = max(n - s, 1.5)
    cx, cy = (w + e) / 2, (s + n) / 2
    w, e = cx - span_x / 2 * (1 + 2 * pad), cx + span_x / 2 * (1 + 2 * pad)
    s, n = cy - span_y / 2 * (1 + 2 * pad), cy + span_y / 2 * (1 + 2 * pad)
    return (max(w, -180.0), max(s, -85.0), min(e, 180.0), min(n, 85.0))


def _main_cluster(spec: MapSpec) -> list[tuple[float, float]]:
    marks = [pm for pm in spec.places if pm.place.kind != "country"] or list(spec.places)
    ev_pts = [(p.lon, p.lat) for ev in spec.events for p in point_places(ev)]
    weighted = [((pm.place.lon, pm.place.lat), max(pm.count, 1)) for pm in marks]
    weighted += [(p, 1) for p in ev_pts]
    if not weighted:
        return []

    def near(a: tuple[float, float], b: tuple[float, float]) -> bool:
        return _approx_km(a, b) <= 1500.0

    best = max(weighted, key=lambda pw: sum(w for p, w in weighted if near(pw[0], p)))[0]
    return [p for p, _ in weighted if near(best, p)]


def _approx_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance on a sphere (km); only used to group places for the view."""
    lon1, lat1, lon2, lat2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def format_km(km: float) -> str:
    """``305.8`` -> ``"306 km"``; ``1600`` -> ``"1,600 km"``."""
    return f"{round(km):,} km"


def label_priority(spec: MapSpec) -> dict[tuple[str, float, float], float]:
    """Priority of each permanent label (higher wins a collision), keyed by (name, lon, lat):
    places the article names first (by mentions, then population), then in-range reach targets
    (by population, then nearest)."""
    out: dict[tuple[str, float, float], float] = {}
    for pm in spec.places:
        p = pm.place
        out[(p.name, p.lon, p.lat)] = 2e12 + min(pm.count, 999) * 1e9 + min(p.population, 999_999_999)
    for t in spec.targets:
        key = (t.name, t.lon, t.lat)
        if key not in out:
            out[key] = 1e12 + min(t.population, 999_999_999) * 100 - min(t.distance_km, 99_999)
    return out


def density_legend_title(spec: MapSpec) -> str:
    """``"Events per hexagon (≈110 km across)"`` (plain text)."""
    shape = "hexagon" if spec.density_shape == "hex" else "square"
    size = f" (≈{round(spec.density_cell_km):,} km across)" if spec.density_cell_km > 0 else ""
    return f"Events per {shape}{size}"

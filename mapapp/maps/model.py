"""What the app computes from an article and the user's choices, without Streamlit or folium.

The steps (each a pure function, so the app can cache them and tests can call them):

* :func:`analyse` - geoparse an article once: mentions, the places table, events;
* :func:`place_marks` - the places to draw, with the user's corrections applied;
* :func:`range_layers` - each chosen weapon's rings around the launch points and its footprint
  from a border (geodesic, from :mod:`mapapp.geo.geodesy`);
* :func:`reach_table` - what lies in range of each weapon (article places and large cities);
* :func:`build_spec` - the :class:`~mapapp.maps.spec.MapSpec` the map, snapshots and exports show.

Coordinates are (lon, lat) degrees; distances km; areas km².
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from mapapp.maps.spec import MapSpec, PlaceMark, RangeLayer, ReachTarget, format_km
from mapapp.maps.viewstate import DEFAULT_INTO, LaunchPoint
from mapapp.model import Event, Mention, Place, Weapon
from mapapp.text.dates import coerce_date
from mapapp.text.sentences import split_sentences

#: Cities at least this big are checked for reach besides the article's own places.
REACH_CITY_MIN_POP = 250_000
#: Border key -> (from country, into country) ISO3 codes, for the borders the app offers; any other
#: key ``K`` means from ``K`` into :data:`mapapp.maps.viewstate.DEFAULT_INTO` (see :func:`border_pair`).
BORDERS: dict[str, tuple[str, str]] = {
    "UKR": ("UKR", DEFAULT_INTO),  # from Ukraine's border into Russia (the front line of the seed's war)
}


@dataclass(frozen=True)
class ArticleDoc:
    """An article the app shows: its text, a title, the outlet and publication date (may be None).

    ``key`` identifies the text (a hash), so per-article choices survive reruns.
    """

    text: str
    title: str
    source: str = ""
    published: dt.date | None = None
    label: str = ""

    @property
    def key(self) -> str:
        return hashlib.sha1(self.text.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class PlaceRow:
    """One row of the places table: a name as the article writes it and the place it resolved to.

    ``surface_key`` is the folded surface form the user's correction is stored under;
    ``alternatives`` are the other candidates the geoparser considered, best first.
    """

    surface_key: str
    surface: str
    place: Place | None
    count: int
    confidence: float
    alternatives: tuple[Place, ...]
    associative: bool = False


@dataclass(frozen=True)
class Analysis:
    """An article parsed once: its mentions, one :class:`PlaceRow` per surface form, its events."""

    doc: ArticleDoc
    mentions: tuple[Mention, ...]
    rows: tuple[PlaceRow, ...]
    events: tuple[Event, ...]
    notes: tuple[str, ...] = ()


def doc_from_file(path: str) -> ArticleDoc:
    """Read an article file (seed) with its metadata (via :func:`mapapp.text.article.read_article`)."""
    from pathlib import Path

    from mapapp.text.article import read_article

    a = read_article(path)
    title = a.title or _title_from_text(a.text) or Path(path).name
    return ArticleDoc(a.text, title, a.source, a.published, Path(path).name)


def doc_from_text(text: str, label: str, published: dt.date | None = None) -> ArticleDoc:
    """An article from pasted or uploaded text (already checked by :mod:`mapapp.maps.viewstate`)."""
    return ArticleDoc(text, _title_from_text(text) or label, "", published, label)


def _title_from_text(text: str, limit: int = 140) -> str:
    """A headline for an article that has none: its first sentence, or the first clause of it.

    Cut at a clause (comma, dash) or word boundary, never mid-word, within ``limit`` characters.
    """
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    sents = split_sentences(first)  # the one splitter: "U.S." and "Gen." do not end the headline
    sentence = sents[0].text if sents else first
    if len(sentence) <= limit:
        return sentence
    for sep in (", ", " — ", "—", "; "):
        cut = sentence.find(sep)
        if 40 <= cut <= limit:
            return sentence[:cut]
    return sentence[: sentence.rfind(" ", 0, limit - 1)].rstrip(",;: ") + "…"


def surface_key(surface: str) -> str:
    """Case- and space-folded form of a mention's surface (``"Kursk  region"`` -> ``"kursk region"``)."""
    return " ".join(surface.split()).casefold()


def analyse(doc: ArticleDoc) -> Analysis:
    """Geoparse ``doc`` and extract its events.

    Events need :mod:`mapapp.text.events.extract`; if it is not installed yet the analysis carries a note.
    """
    from mapapp.text.geoparse.parser import geoparse

    mentions = tuple(geoparse(doc.text))
    rows = _rows(mentions)
    notes: list[str] = []
    events: tuple[Event, ...] = ()
    try:
        ev_mod = importlib.import_module("mapapp.text.events.extract")
    except ImportError:
        notes.append("Event extraction is not available in this build.")
    else:
        events = tuple(ev_mod.extract_events(doc.text, doc.published, mentions=list(mentions)))
    return Analysis(doc, mentions, rows, events, tuple(notes))


def _rows(mentions: Sequence[Mention]) -> tuple[PlaceRow, ...]:
    groups: dict[str, list[Mention]] = {}
    for m in mentions:
        groups.setdefault(surface_key(m.surface), []).append(m)
    rows = []
    for key, ms in groups.items():
        best = max(ms, key=lambda m: m.score)
        alts: dict[str, Place] = {}
        for m in ms:
            for p in ((m.place,) if m.place else ()) + m.alternatives:
                alts.setdefault(p.id, p)
        rows.append(
            PlaceRow(
                key,
                best.surface,
                best.place,
                len(ms),
                round(best.score, 3),
                tuple(alts.values()),
                all(m.associative for m in ms),
            )
        )
    return tuple(rows)


def apply_overrides(rows: Sequence[PlaceRow], overrides: Mapping[str, str]) -> tuple[PlaceRow, ...]:
    """Rows with the user's corrections: ``overrides`` maps a surface key to a candidate place id
    (one of the row's alternatives) or ``""`` to drop the place from the map."""
    out = []
    for r in rows:
        choice = overrides.get(r.surface_key)
        if choice is None:
            out.append(r)
            continue
        place = next((p for p in r.alternatives if p.id == choice), None) if choice else None
        if choice and place is None:
            out.append(r)
            continue
        out.append(
            PlaceRow(r.surface_key, r.surface, place, r.count, 1.0 if place else 0.0, r.alternatives, r.associative)
        )
    return tuple(out)


@dataclass
class _MarkAcc:
    place: Place
    surfaces: list[str]
    sentences: list[str]
    confidence: float = 0.0
    count: int = 0


def place_marks(analysis: Analysis, overrides: Mapping[str, str]) -> tuple[PlaceMark, ...]:
    """One mark per resolved place (corrections applied), with the sentences that mention it."""
    rows = {r.surface_key: r for r in apply_overrides(analysis.rows, overrides)}
    spans = split_sentences(analysis.doc.text)  # keeps "U.S." and "Gen." inside their sentence
    by_place: dict[str, _MarkAcc] = {}
    for m in analysis.mentions:
        row = rows.get(surface_key(m.surface))
        place = row.place if row is not None else m.place
        if place is None:
            continue
        acc = by_place.setdefault(place.id, _MarkAcc(place, [], []))
        acc.surfaces.append(m.surface)
        sent = next((s.text for s in spans if s.start <= m.start < s.end), "")
        if sent and sent not in acc.sentences:
            acc.sentences.append(sent)
        acc.confidence = max(acc.confidence, row.confidence if row is not None else m.score)
        acc.count += 1
    return tuple(
        PlaceMark(
            acc.place,
            tuple(dict.fromkeys(acc.surfaces)),
            tuple(acc.sentences),
            acc.confidence,
            acc.count,
            label=acc.place.kind != "country",
        )
        for acc in by_place.values()
    )


def filter_events(events: Sequence[Event], date_from: str, date_to: str) -> tuple[Event, ...]:
    """Events whose date overlaps ``date_from``..``date_to`` (ISO, inclusive; "" = open).
    Undated events are kept (the filter cannot place them)."""
    out = []
    for ev in events:
        if ev.date is None:
            out.append(ev)
            continue
        if date_from and ev.date.end < date_from:
            continue
        if date_to and ev.date.start > date_to:
            continue
        out.append(ev)
    return tuple(out)


def event_date_span(events: Sequence[Event]) -> tuple[dt.date, dt.date] | None:
    """Earliest start and latest end date of the dated events, or None."""
    dates = [(ev.date.start, ev.date.end) for ev in events if ev.date is not None]
    if not dates:
        return None
    try:
        lo, hi = coerce_date(min(d[0] for d in dates)), coerce_date(max(d[1] for d in dates))
    except ValueError:
        return None
    return (lo, hi) if lo is not None and hi is not None else None


# --- ranges -----------------------------------------------------------------------------------


def rings_geometry(points: Sequence[tuple[float, float]], radius_km: float) -> BaseGeometry:
    """Union of geodesic rings of ``radius_km`` around (lon, lat) points."""
    from mapapp.geo import geodesy

    parts = [geodesy.ring(p, radius_km) for p in points]
    return shapely.union_all(parts) if len(parts) > 1 else parts[0]


def border_pair(border: str) -> tuple[str, str]:
    """(from, into) ISO3 codes of a border key: ``"RUS:UKR"`` (from Russia's border into Ukraine),
    a key of :data:`BORDERS`, else ``(border, DEFAULT_INTO)``."""
    if ":" in border:
        a, b = border.split(":", 1)
        return a.strip().upper(), b.strip().upper()
    return BORDERS.get(border, (border, DEFAULT_INTO))


def border_geometry(border: str, radius_km: float) -> BaseGeometry:
    """The area of the target country within ``radius_km`` of ``border``'s land border
    (``"UKR"``: Russian territory within reach from Ukraine's border with Russia)."""
    from mapapp.geo import geodesy

    a, b = border_pair(border)
    return geodesy.border_footprint(a, b, round(radius_km, 3), b)


def range_layers(weapons: Sequence[Weapon], launch: Sequence[LaunchPoint], border: str) -> tuple[RangeLayer, ...]:
    """A ring per launch point and weapon, each in its launch point's colour and named for it
    (:func:`mapapp.maps.origins.ring_layers`), then each weapon's footprint from ``border`` (if not ``""``)."""
    from mapapp.maps.origins import ring_layers

    out: list[RangeLayer] = list(ring_layers(weapons, launch))
    for w in weapons:
        if border:
            a, b = border_pair(border)
            geom = border_geometry(border, w.range_km)
            label = f"{format_km(w.range_km)} into {b} from the {a}–{b} border"
            out.append(RangeLayer(w, "footprint", geom, label, origin=f"the {a}–{b} border"))
    return tuple(out)


def area_km2(geom: BaseGeometry) -> float:
    """Geodesic area (km²) of a range geometry."""
    from mapapp.geo import geodesy

    return float(geodesy.area_km2(geom))


@dataclass(frozen=True)
class ReachRow:
    """One place checked against one range layer (distance km to the nearest origin or border)."""

    layer_key: str
    weapon: str
    place: str
    kind: str
    in_range: bool
    distance_km: float
    margin_km: float
    lon: float
    lat: float


def reach_table(
    layers: Sequence[RangeLayer],
    marks: Sequence[PlaceMark],
    border: str,
    min_pop: int = REACH_CITY_MIN_POP,
    *,
    airfields: bool = True,
) -> list[ReachRow]:
    """What lies in range of each layer: the article's places (not countries), big cities and
    (``airfields``) the air bases and the analyst's own airfields.

    A place is in range when the layer's geometry covers it; the distance is geodesic, to the
    nearest launch point (rings) or to the border line (footprint).
    """
    from mapapp.geo import geodesy

    cands: dict[str, tuple[str, str, float, float, str]] = {}
    for pm in marks:
        if pm.place.kind not in ("country", "continent", "region"):
            cands[pm.place.id] = (pm.place.name, pm.place.kind, pm.place.lon, pm.place.lat, pm.place.country_code)
    bounds = _union_bounds(layers)
    if bounds is not None and min_pop > 0:
        for pid, name, lon, lat, cc in _big_cities(min_pop, bounds):
            cands.setdefault(pid, (name, "city", lon, lat, cc))  # one row per place, named or not
    if bounds is not None and airfields:
        for pid, name, lon, lat, cc in _military_airfields(bounds):
            cands.setdefault(pid, (name, "airfield", lon, lat, cc))
    from mapapp.data.countries import countries

    into_cc = countries().iso2(border_pair(border)[1])
    rows: list[ReachRow] = []
    line = None
    for layer in layers:
        if layer.kind == "footprint" and layer.source is not None:  # from the user's front line or area
            ref: BaseGeometry = layer.source
        elif layer.kind == "footprint":
            if line is None:
                a, b = border_pair(border)
                line = geodesy.land_border(a, b)
            ref = line
        else:
            ref = shapely.MultiPoint([(ll.lon, ll.lat) for _, ll in layer.origins])
        prepared = layer.geometry
        shapely.prepare(prepared)
        for name, kind, lon, lat, cc in cands.values():
            pt = Point(lon, lat)
            inside = bool(prepared.covers(pt))
            if layer.kind == "footprint" and layer.source is None and not inside and cc != into_cc:
                # a footprint is clipped to the target country: other countries' places are not
                # "out of range", they are outside the question asked
                continue
            if kind == "airfield" and not inside:
                continue  # air bases are listed when in range; out of range they only crowd the map
            dist = geodesy.distance_to_geometry_km((lon, lat), ref)
            if layer.source is not None and not inside and dist <= layer.weapon.range_km:
                continue  # within reach but clipped away (another country): outside the question asked
            rows.append(
                ReachRow(
                    layer.key,
                    layer.weapon.name,
                    name,
                    kind,
                    inside,
                    round(dist, 1),
                    round(layer.weapon.range_km - dist, 1),
                    lon,
                    lat,
                )
            )
    rows.sort(key=lambda r: (r.layer_key, not r.in_range, r.distance_km))
    return rows


def _union_bounds(layers: Sequence[RangeLayer]) -> tuple[float, float, float, float] | None:
    boxes = [lay.geometry.bounds for lay in layers if not lay.geometry.is_empty]
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _military_airfields(bounds: tuple[float, float, float, float]) -> list[tuple[str, str, float, float, str]]:
    """(place id, name, lon, lat, country code) of the air bases (and the analyst's airfields) in ``bounds``."""
    from mapapp.geo.reach import airfield_frame

    df = airfield_frame()
    w, s, e, n = bounds
    sel = df[df["military"] & (df["lon"] >= w) & (df["lon"] <= e) & (df["lat"] >= s) & (df["lat"] <= n)]
    return [
        (str(r["id"]), str(r["name"]), float(r["lon"]), float(r["lat"]), str(r["country_code"]))
        for _, r in sel.iterrows()
    ]


def _big_cities(min_pop: int, bounds: tuple[float, float, float, float]) -> list[tuple[str, str, float, float, str]]:
    """(place id, name, lon, lat, country code) of the gazetteer's cities of ``min_pop`` or more in ``bounds``."""
    from mapapp.data.gazetteer import get_gazetteer

    df = get_gazetteer().cities(min_pop)
    w, s, e, n = bounds
    lon_col = "lon" if "lon" in df.columns else "longitude"
    lat_col = "lat" if "lat" in df.columns else "latitude"
    sel = df[(df[lon_col] >= w) & (df[lon_col] <= e) & (df[lat_col] >= s) & (df[lat_col] <= n)]
    cc_col = "country_code" if "country_code" in sel.columns else None
    return [
        (
            str(r["id"]) if "id" in sel.columns else f"city:{r['name']}:{float(r[lon_col]):.2f}",
            str(r["name"]),
            float(r[lon_col]),
            float(r[lat_col]),
            str(r[cc_col]) if cc_col else "",
        )
        for _, r in sel.iterrows()
    ]


def targets_for_map(rows: Sequence[ReachRow]) -> tuple[ReachTarget, ...]:
    """One map target per place: the layer that reaches it with the best margin."""
    best: dict[tuple[str, float, float], ReachRow] = {}
    for r in rows:
        k = (r.place, r.lon, r.lat)
        if k not in best or r.margin_km > best[k].margin_km:
            best[k] = r
    return tuple(
        ReachTarget(
            r.place, r.lon, r.lat, r.in_range, r.distance_km, r.margin_km, r.layer_key.split(":", 1)[-1], kind=r.kind
        )
        for r in best.values()
    )


def build_spec(
    doc: ArticleDoc,
    marks: Sequence[PlaceMark],
    events: Sequence[Event],
    layers: Sequence[RangeLayer],
    targets: Sequence[ReachTarget],
    hidden: frozenset[str] = frozenset(),
    tiles: bool = False,
    basemap: bool = True,
) -> MapSpec:
    """The :class:`MapSpec` for what the app shows."""
    sub = []
    if doc.source:
        sub.append(doc.source)
    if doc.published:
        sub.append(doc.published.isoformat())
    return MapSpec(
        title=doc.title,
        subtitle=" · ".join(sub),
        source=doc.source or doc.label,
        places=tuple(marks),
        events=tuple(events),
        ranges=tuple(layers),
        targets=tuple(targets),
        hidden=hidden,
        basemap=basemap,
        tiles="osm" if tiles else None,
    )

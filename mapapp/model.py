"""Small frozen value types shared by the domain core.

Coordinate order: everything in the core is (lon, lat) as in GeoJSON, shapely and pyproj.
Only the folium edge (``render.py``) turns it into (lat, lon).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, NamedTuple

PlaceKind = Literal[
    "country", "admin1", "admin2", "city", "landmark", "region", "continent", "point", "airfield", "feature"
]


class LonLat(NamedTuple):
    """A point on the WGS84 ellipsoid, degrees, longitude first."""

    lon: float
    lat: float


@dataclass(frozen=True)
class Place:
    """A gazetteer entry.

    ``id`` is stable across rebuilds: ``"gn:<geonameid>"`` for GeoNames places,
    ``"cc:<ISO2>"`` for countries, ``"a1:<CC>.<code>"`` for admin-1 regions,
    ``"lm:<slug>"`` for curated landmarks.
    """

    id: str
    name: str
    kind: PlaceKind
    lon: float
    lat: float
    country_code: str = ""
    admin1_code: str = ""
    geonameid: int | None = None
    population: int = 0
    feature_code: str = ""

    @property
    def lonlat(self) -> LonLat:
        return LonLat(self.lon, self.lat)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready dict (no nested objects)."""
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "lat": self.lat,
            "lon": self.lon,
            "country_code": self.country_code,
            "admin1_code": self.admin1_code,
            "geonameid": self.geonameid,
            "population": self.population,
            "feature_code": self.feature_code,
        }


@dataclass(frozen=True)
class Mention:
    """One toponym in a text: its span, and the place it was resolved to.

    ``text[start:end] == surface``. ``associative`` marks adjectival/demonym uses
    ("Ukrainian President" -> Ukraine). ``alternatives`` are runner-up candidates, best first.

    ``precision`` says what ``place`` is: ``"place"`` -- the place the name means; ``"admin1"``
    or ``"country"`` -- the name is *unresolved* (not in the gazetteer, or only a far namesake
    is) and ``place`` is the region or country that contains it, as the text says or as the
    article's context implies ("Robotyne, Zaporizhzhia region" -> Zaporizhzhia Oblast);
    ``"unknown"`` -- unresolved and nothing places it (``place`` is None).
    """

    start: int
    end: int
    surface: str
    place: Place | None
    score: float = 0.0
    associative: bool = False
    alternatives: tuple[Place, ...] = ()
    precision: Literal["place", "admin1", "country", "unknown"] = "place"

    @property
    def resolved(self) -> bool:
        """True when ``place`` is the place named (not a container of an unresolved name)."""
        return self.precision == "place" and self.place is not None

    def to_dict(self) -> dict[str, object]:
        d: dict[str, object] = {
            "start": self.start,
            "end": self.end,
            "name": self.surface,
            "associative": self.associative,
            "score": round(self.score, 4),
            "precision": self.precision,
            "resolved": self.resolved,
        }
        if self.place is not None:
            d.update(
                {
                    "place": self.place.name,
                    "place_id": self.place.id,
                    "kind": self.place.kind,
                    "lat": self.place.lat,
                    "lon": self.place.lon,
                    "country_code": self.place.country_code,
                    "geonameid": self.place.geonameid,
                }
            )
        else:
            d.update({"lat": None, "lon": None})
        d["alternatives"] = [
            {"name": p.name, "kind": p.kind, "lat": p.lat, "lon": p.lon, "id": p.id, "country_code": p.country_code}
            for p in self.alternatives
        ]
        return d


@dataclass(frozen=True)
class Weapon:
    """One catalogue row: a system/variant and the range that is drawn.

    ``range_km`` is the figure drawn; ``range_reported`` keeps the figure as the source gave it
    ("190 mi"); ``source`` cites publication and date. ``alt_ranges`` keeps disagreeing figures.
    """

    key: str
    name: str
    variant: str
    range_km: float
    range_reported: str
    source: str
    note: str = ""
    alt_ranges: tuple[tuple[float, str], ...] = ()
    disputed: bool = False
    color: str = ""


@dataclass(frozen=True)
class DateValue:
    """A date as the text gives it: ``start``..``end`` (ISO dates, inclusive) and its precision.

    ``status`` is "reported" (the text states it), "inferred" (resolved from a relative
    expression and the publication date) or "uncertain" (e.g. a month without a year).
    """

    start: str
    end: str
    precision: Literal["day", "month", "year", "range"]
    status: Literal["reported", "inferred", "uncertain"]
    text: str = ""
    note: str = ""


#: What the text says about an event's reality: it happened ("occurred"), is planned or expected,
#: is threatened, is only supposed ("if ...", "could ..."), or is denied ("did not attack").
EventStatus = Literal["occurred", "planned", "threatened", "hypothetical", "negated"]
EVENT_STATUSES: tuple[str, ...] = ("occurred", "planned", "threatened", "hypothetical", "negated")

#: ACLED ``geo_precision``: 1 the settlement (or a landmark in it), 2 a region or district (or
#: "near" a settlement), 3 only the country or a larger area is known. 0: no place at all.
GEO_PRECISIONS: dict[int, str] = {0: "no place", 1: "settlement", 2: "region", 3: "country"}


@dataclass(frozen=True)
class Sentence:
    """A sentence of a text: ``text[start:end]`` of the document named by ``source`` ("" = the
    text at hand). Offsets are character offsets (Python ``str`` indices)."""

    start: int
    end: int
    text: str
    source: str = ""


@dataclass(frozen=True)
class Figure:
    """A count the text reports for an event: ``value`` of ``label`` ("killed", "injured",
    "missing", "abducted", "troops", ...), with the report's ``qualifier`` ("at least", "more
    than", "about", "up to", "claimed" or "").

    ``low``..``high`` is the range over every report of the same figure (a merged incident reported
    as "126", "more than 100" and "190 claimed" has low 100, high 190); both default to ``value``.
    ``text`` is the figure as written; ``reports`` every such text when reports were merged.
    """

    label: str
    value: int
    qualifier: str = ""
    low: int | None = None
    high: int | None = None
    text: str = ""
    reports: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.low is None:
            object.__setattr__(self, "low", self.value)
        if self.high is None:
            object.__setattr__(self, "high", self.value)

    def describe(self) -> str:
        """ "at least 5 killed" or "100-190 killed (reports differ)"."""
        if self.low != self.high and self.low is not None and self.high is not None:
            return f"{self.low:,}–{self.high:,} {self.label} (reports differ)"
        return f"{self.qualifier + ' ' if self.qualifier else ''}{self.value:,} {self.label}"


def _as_figure(f: object, qualifier: str) -> Figure:
    if isinstance(f, Figure):
        return f
    if isinstance(f, tuple | list) and len(f) in (2, 3):
        return Figure(str(f[0]), int(f[1]), str(f[2]) if len(f) == 3 else qualifier)
    msg = f"figure {f!r} is not a Figure or a (label, value[, qualifier]) tuple"
    raise TypeError(msg)


@dataclass(frozen=True)
class Event:
    """Something that happened (or is planned) somewhere, with its evidence.

    ``sentence``/``sentence_start``/``sentence_end`` is the primary report; ``sentences`` every
    sentence that reports the event (the primary one first). ``figures`` are typed
    :class:`Figure` values (tuples ``(label, value)`` given to the constructor are converted, with
    ``figure_qualifiers`` as their qualifiers; afterwards ``figure_qualifiers`` mirrors
    ``figures``). ``status`` and ``planned`` agree (``planned`` is True for "planned" and
    "threatened"). ``weapons`` are weapon-catalogue keys (:mod:`mapapp.data.weapons`) of the
    systems the reports name. ``geo_precision`` is ACLED's (:data:`GEO_PRECISIONS`).
    """

    id: str
    event_type: str
    sub_event_type: str
    date: DateValue | None
    places: tuple[Place, ...]
    actors: tuple[str, ...]
    sentence: str
    sentence_start: int
    sentence_end: int
    source: str = ""
    outlets: tuple[str, ...] = ()
    figures: tuple[Figure, ...] = ()
    planned: bool = False
    confidence: float = 0.5
    notes: str = ""
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    #: Mirrors ``figures`` (qualifier of each); accepted as input for (label, value) tuples.
    figure_qualifiers: tuple[str, ...] = ()
    #: Every article/file the event was found in (``source`` is the first); merged duplicates.
    sources: tuple[str, ...] = ()
    sentences: tuple[Sentence, ...] = ()
    geo_precision: int = 0
    status: EventStatus = "occurred"
    weapons: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        figs = self.figures
        if not all(isinstance(f, Figure) for f in figs):
            quals = tuple(self.figure_qualifiers)
            figs = tuple(_as_figure(f, quals[i] if i < len(quals) else "") for i, f in enumerate(figs))
            object.__setattr__(self, "figures", figs)
        elif not isinstance(figs, tuple):
            object.__setattr__(self, "figures", tuple(figs))
        object.__setattr__(self, "figure_qualifiers", tuple(f.qualifier for f in self.figures))
        if self.status not in EVENT_STATUSES:
            msg = f"event status {self.status!r} is not one of {EVENT_STATUSES}"
            raise ValueError(msg)
        if self.planned and self.status == "occurred":
            object.__setattr__(self, "status", "planned")
        object.__setattr__(self, "planned", self.status in ("planned", "threatened"))
        if self.geo_precision not in GEO_PRECISIONS:
            msg = f"geo_precision {self.geo_precision!r} is not one of {sorted(GEO_PRECISIONS)}"
            raise ValueError(msg)
        if not self.sentences and self.sentence:
            primary = Sentence(self.sentence_start, self.sentence_end, self.sentence, self.source)
            object.__setattr__(self, "sentences", (primary,))

    def figure(self, label: str) -> Figure | None:
        """The figure with ``label`` ("killed", "injured", ...), or None."""
        return next((f for f in self.figures if f.label == label), None)

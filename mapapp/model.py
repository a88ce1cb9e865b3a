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


@dataclass(frozen=True)
class Event:
    """Something that happened (or is planned) somewhere, with its evidence."""

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
    figures: tuple[tuple[str, int], ...] = ()
    planned: bool = False
    confidence: float = 0.5
    notes: str = ""
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    #: Parallel to ``figures``: "more than", "at least", "about" or "" (added for events).
    figure_qualifiers: tuple[str, ...] = ()
    #: Every article/file the event was found in (``source`` is the first); merged duplicates.
    sources: tuple[str, ...] = ()

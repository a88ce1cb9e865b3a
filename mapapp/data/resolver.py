"""The one place resolver: a query a person types -> the place meant, its rivals, and why.

Every entry point goes through :func:`resolve`: the CLI's ``--at``/``--from``/``--center``, the
app's launch points and search box, the event store's centre, reach targets. The geoparser's
in-text resolution starts from the same candidates (:meth:`Gazetteer.candidates`) and the same
scores (:func:`prior`); it then adds what the article says around a name, where this module adds
what the query says.

Policy
------
* **Coordinates** (``47.84, 35.14``, ``47°50′N 35°08′E``, MGRS) are a point, not a look-up
  (:mod:`mapapp.data.coords`).
* **A bare name used as a point** (``prefer="point"``: a launch point, a ring centre) is the most
  prominent *settlement* of that name: a city before the oblast of the same name, the capital
  before a village namesake, the current name before a historical one of a bigger city.
  Prominence is :func:`prior` (population, capital/seat status, name type).
* **Area words** ("Kursk region", "Sumy oblast", "Gaza province", "the Kursk region") ask for
  the region: admin-1/admin-2/region/country candidates win (``prefer="area"`` does the same).
* **Qualifiers** after commas narrow the choice: "Springfield, Illinois", "Pokrovsk, Donetsk",
  "Washington, D.C.", "Kherson, Ukraine". A candidate in the named country or admin-1 region
  (or within 100 km of a named city) beats every candidate outside it.
* ``near`` (optional) prefers candidates within 1,000 km of a point (the article's theatre).
* The result is *ambiguous* when another candidate of the wanted kind, more than 50 km away,
  scores within :data:`AMBIGUOUS_MARGIN` of the chosen one; callers show the candidates then.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal

from mapapp.data.coords import Order, looks_like_coordinates, parse_coordinates
from mapapp.data.gazetteer import Gazetteer, get_gazetteer
from mapapp.data.names import normalize
from mapapp.errors import InputError, PlaceNotFound
from mapapp.model import LonLat, Place

__all__ = [
    "AMBIGUOUS_MARGIN",
    "KIND_PRIOR",
    "Candidate",
    "Prefer",
    "Resolution",
    "prior",
    "resolve",
]

Prefer = Literal["point", "area", "any"]

#: Kind bonus of a candidate before any context (countries and regions are what a bare name in
#: running text most often means; a settlement's own weight is its population).
KIND_PRIOR: dict[str, float] = {
    "country": 4.0,
    "continent": 3.6,
    "admin1": 3.0,
    "region": 2.5,
    "landmark": 2.5,
    "admin2": 1.2,
    "city": 0.0,
    "point": 0.0,
    "airfield": 1.0,
    "feature": 2.5,
}
#: Bonus by how the name matched: the place's own name, an alternate (incl. historical) name ...
NAME_TYPE_PRIOR: dict[str, float] = {
    "name": 0.4,
    "alternate": 0.0,
    "abbrev": 0.2,
    "demonym": 0.0,
    "skeleton": -0.3,  # a spelling-independent match of an Arabic name: weaker than any real name
    "user": 1.5,  # the analyst's own places win ties
}
#: Scores closer than this (log10 population x 0.35 units, ~ a factor 10 in population) are a tie.
AMBIGUOUS_MARGIN = 0.35
_SETTLEMENT = frozenset({"city"})
_AREA = frozenset({"admin1", "admin2", "region", "country", "continent"})
_AREA_WORDS = (
    "region|oblast|oblast'|province|governorate|state|krai|kray|republic|county|district|raion|rayon|"
    "prefecture|canton|voivodeship|muhafazah|wilayah"
)
_AREA_RE = re.compile(rf"^(?:the\s+)?(?P<name>.+?)\s+(?P<word>{_AREA_WORDS})$", re.IGNORECASE)
_THE_RE = re.compile(r"^the\s+", re.IGNORECASE)
_EARTH_KM = 6371.0088


def prior(place: Place, name_type: str) -> float:
    """Context-free score of ``place`` as the meaning of a name that matched as ``name_type``.

    Kind bonus (:data:`KIND_PRIOR`) + 0.35 x log10(population + 1) + a bonus for a national
    capital (1.8), an admin-1 seat (0.6) or admin-2 seat (0.2) + the name-type bonus
    (:data:`NAME_TYPE_PRIOR`). Shared by the geoparser and :func:`resolve`.
    """
    s = KIND_PRIOR.get(place.kind, 0.0) + 0.35 * math.log10(max(place.population, 0) + 1)
    fc = place.feature_code
    if fc == "PPLC":
        s += 1.8
    elif fc in ("PPLA", "PPLG"):
        s += 0.6
    elif fc == "PPLA2":
        s += 0.2
    return s + NAME_TYPE_PRIOR.get(name_type, 0.0)


@dataclass(frozen=True)
class Candidate:
    """One place a query may mean, with what a person needs to choose it."""

    place: Place
    name_type: str
    score: float
    admin1: str
    country: str
    distance_km: float
    """Great-circle distance to the chosen place, km (0 for the chosen one)."""

    @property
    def label(self) -> str:
        """``"Pokrovsk (city, Donetsk, Ukraine, pop. 60,127)"``."""
        where = ", ".join(x for x in (self.admin1, self.country) if x and x != self.place.name)
        pop = f", pop. {self.place.population:,}" if self.place.population else ""
        return f"{self.place.name} ({self.place.kind}{', ' + where if where else ''}{pop})"

    def to_dict(self) -> dict[str, object]:
        """JSON-ready: name, kind, admin1, country, population, lon, lat, distance_km, id."""
        p = self.place
        return {
            "id": p.id,
            "name": p.name,
            "kind": p.kind,
            "admin1": self.admin1,
            "country": self.country,
            "population": p.population,
            "lon": p.lon,
            "lat": p.lat,
            "distance_km": round(self.distance_km, 1),
        }


@dataclass(frozen=True)
class Resolution:
    """What :func:`resolve` found: the chosen place, the ranked candidates (chosen first), why."""

    query: str
    place: Place
    candidates: tuple[Candidate, ...]
    why: str
    ambiguous: bool = False

    @property
    def lonlat(self) -> LonLat:
        return LonLat(self.place.lon, self.place.lat)

    @property
    def label(self) -> str:
        """Display name: ``"Sumy, Ukraine"`` (the country added when known)."""
        c = self.candidates[0].country if self.candidates else ""
        return f"{self.place.name}, {c}" if c and c != self.place.name else self.place.name

    def to_dict(self) -> dict[str, object]:
        return {
            "query": self.query,
            "place": self.place.to_dict(),
            "why": self.why,
            "ambiguous": self.ambiguous,
            "candidates": [c.to_dict() for c in self.candidates],
        }


def _km(a: Place, b: Place) -> float:
    la1, la2 = math.radians(a.lat), math.radians(b.lat)
    dla, dlo = la2 - la1, math.radians(b.lon - a.lon)
    h = math.sin(dla / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin(dlo / 2) ** 2
    return 2 * _EARTH_KM * math.asin(min(1.0, math.sqrt(h)))


def _km_to(p: Place, ll: LonLat) -> float:
    return _km(p, Place(id="", name="", kind="point", lon=ll.lon, lat=ll.lat))


def _point_place(ll: LonLat, text: str) -> Place:
    return Place(id=f"pt:{ll.lon:.6f},{ll.lat:.6f}", name=text.strip(), kind="point", lon=ll.lon, lat=ll.lat)


def _qualifies(p: Place, quals: list[Place]) -> bool:
    """True when ``p`` lies in one of the qualifier places (country, admin-1, admin-2, or near a city)."""
    for q in quals:
        if q.id == p.id:
            continue
        if q.kind == "country" and q.country_code == p.country_code and p.kind != "country":
            return True
        if q.kind in ("admin1", "admin2") and q.country_code == p.country_code and q.admin1_code == p.admin1_code:
            return p.kind not in ("admin1", "country")
        if q.kind == "city" and p.kind != "country" and _km(q, p) <= 100.0:
            return True
    return False


def _qualifier_places(g: Gazetteer, texts: list[str]) -> tuple[list[Place], list[str]]:
    places: list[Place] = []
    unknown: list[str] = []
    for t in texts:
        t = _THE_RE.sub("", t.strip())
        m = _AREA_RE.match(t)
        hits = [p for p, _ in g.candidates(t)]
        if m and not hits:
            hits = [p for p, _ in g.candidates(m.group("name"))]
        if not hits and len(t) <= 3:  # "DC", "D.C.", "Ill." as written
            hits = [p for p, _ in g.candidates(normalize(t).upper())]
        areas = [p for p in hits if p.kind in _AREA]
        if hits:
            places.extend(areas or hits)
        else:
            unknown.append(t)
    return places, unknown


def _kind_rank(p: Place, want: Prefer) -> int:
    """0 for the kind the query wants, 1 for other places (landmarks, airfields), 2 for the rest."""
    if want == "point":
        return 0 if p.kind in _SETTLEMENT else (1 if p.kind not in _AREA else 2)
    if want == "area":
        return 0 if p.kind in _AREA else 1
    return 0


def _admin1_name(g: Gazetteer, p: Place) -> str:
    if p.kind in ("country", "continent", "admin1"):
        return ""
    a1 = g.admin1_of(p)
    return a1.name if a1 is not None else ""


def _country_name(g: Gazetteer, p: Place) -> str:
    if not p.country_code or p.kind == "country":
        return ""
    try:
        return g.country(p.country_code).name
    except PlaceNotFound:
        return p.country_code


def _split_query(query: str) -> tuple[str, list[str], bool]:
    """(head name, qualifier texts, area asked for)."""
    parts = [s.strip() for s in query.split(",")]
    head, quals = parts[0], [q for q in parts[1:] if q]
    head = _THE_RE.sub("", head)
    return head, quals, bool(_AREA_RE.match(head))


def _gather(g: Gazetteer, head: str, area: bool) -> list[tuple[Place, str]]:
    """Every place the head may name: itself, and with an area word removed ("Kursk region")."""
    found = list(g.candidates(head))
    m = _AREA_RE.match(head)
    if m:
        found += g.candidates(m.group("name"))
    seen: dict[str, tuple[Place, str]] = {}
    for p, nt in found:
        prev = seen.get(p.id)
        if prev is None or NAME_TYPE_PRIOR.get(nt, 0) > NAME_TYPE_PRIOR.get(prev[1], 0):
            seen[p.id] = (p, nt)
    return list(seen.values())


def resolve(
    query: str,
    *,
    prefer: Prefer = "point",
    near: LonLat | None = None,
    order: Order = "latlon",
    limit: int = 10,
    gazetteer: Gazetteer | None = None,
) -> Resolution:
    """Resolve a place query (see the module docstring for the policy).

    Parameters
    ----------
    query
        A name ("Sumy"), a name with qualifiers ("Pokrovsk, Donetsk"), an area ("Kursk region"),
        or coordinates ("47.84, 35.14", "47°50′N 35°08′E", MGRS).
    prefer
        ``"point"`` (a settlement: launch points, ring centres), ``"area"`` (a region) or
        ``"any"`` (the plain prior, as for a name in running text).
    near
        Prefer candidates within 1,000 km of this (lon, lat), e.g. the article's places.
    order
        How a bare coordinate pair is read: ``"latlon"`` or ``"lonlat"``.
    limit
        Most candidates returned.

    Raises
    ------
    InputError
        Empty query, or malformed coordinates.
    PlaceNotFound
        No place has that name; the message suggests close names.
    """
    if not isinstance(query, str) or not query.strip():
        msg = f"Empty place query {query!r}; type a place name (e.g. 'Sumy') or coordinates ('50.91, 34.80')."
        raise InputError(msg)
    text = " ".join(query.split())
    if looks_like_coordinates(text):
        ll = parse_coordinates(text, order=order)
        p = _point_place(ll, text)
        return Resolution(text, p, (Candidate(p, "name", 0.0, "", "", 0.0),), "coordinates as typed")
    g = gazetteer if gazetteer is not None else get_gazetteer()
    head, qual_texts, area_word = _split_query(text)
    want: Prefer = "area" if area_word and prefer != "any" else prefer
    found = _gather(g, head, area_word)
    if not found:
        g.search(head, limit=1)  # raises PlaceNotFound with "did you mean" when nothing starts so
        msg = f"No place is called {head!r}; names starting so: " + ", ".join(p.name for p in g.search(head, limit=5))
        raise PlaceNotFound(msg)
    quals, unknown = _qualifier_places(g, qual_texts)
    scored: list[tuple[int, int, float, Place, str]] = []
    for p, nt in found:
        s = prior(p, nt)
        if want != "any":
            s -= KIND_PRIOR.get(p.kind, 0.0)  # the kind is decided by the query, not the prior
        qualified = 0 if (not quals or _qualifies(p, quals)) else 1
        if near is not None and _km_to(p, near) <= 1000.0:
            s += 1.0
        scored.append((qualified, _kind_rank(p, want), -s, p, nt))
    scored.sort(key=lambda t: (t[0], t[1], t[2], t[3].id))
    best_q, best_k, best_s, best, _ = scored[0]
    cands = tuple(
        Candidate(p, nt, -s, _admin1_name(g, p), _country_name(g, p), _km(best, p)) for _, _, s, p, nt in scored[:limit]
    )
    rivals = [
        c
        for (q, k, s, p, _), c in zip(scored[1:limit], cands[1:], strict=False)
        if q == best_q and k == best_k and c.distance_km > 50.0 and (-s) >= (-best_s) - AMBIGUOUS_MARGIN
    ]
    why = _why(cands[0], want, len(found), quals, unknown, area_word)
    return Resolution(text, best, cands, why, ambiguous=bool(rivals))


def _why(best: Candidate, want: Prefer, n: int, quals: list[Place], unknown: list[str], area_word: bool) -> str:
    p = best.place
    what = {
        "point": "the most prominent settlement of that name",
        "area": "the region of that name" + (" (the query names a region)" if area_word else ""),
        "any": "the most likely place of that name",
    }[want]
    if want == "point" and p.kind not in _SETTLEMENT:
        what = f"no settlement has that name; the {p.kind}"
    parts = [f"{best.label}: {what}"]
    if quals:
        parts.append("within " + " / ".join(sorted({q.name for q in quals})[:3]))
    if unknown:
        parts.append("qualifier not found: " + ", ".join(repr(u) for u in unknown))
    if n > 1:
        parts.append(f"{n - 1} other place{'s' if n > 2 else ''} share{'s' if n == 2 else ''} the name")
    return "; ".join(parts) + "."

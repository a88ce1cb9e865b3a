"""The one country service: codes, names, demonyms, point, capital, geometry, and a boundary note.

Every module that needs a country goes through :func:`countries`: ISO2 <-> ISO3, a country
from a name or demonym as an article writes it ("Ukrainian", "U.S.", "Russian Federation"), the
point GeoNames gives a country (what the geoparsing corpora score against), its capital, its
polygon, and whether its drawn boundary is de jure while the situation on the ground differs.

Names and demonyms come from the gazetteer's names table, capitals from GeoNames' PPLC
feature code, polygons from :mod:`mapapp.data.boundaries` (Natural Earth, de jure).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mapapp.data.gazetteer import Gazetteer, get_gazetteer
from mapapp.data.names import normalize
from mapapp.errors import PlaceNotFound
from mapapp.model import LonLat, Place

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

__all__ = ["BOUNDARY_NOTES", "Country", "CountryService", "countries"]

#: Where a drawn (de jure) boundary and the situation on the ground differ. Keyed by ISO2.
BOUNDARY_NOTES: dict[str, str] = {
    "UA": "De jure boundary: Crimea and the parts of Donetsk, Luhansk, Zaporizhzhia and Kherson oblasts "
    "occupied by Russia are drawn as Ukraine.",
    "RU": "De jure boundary: Crimea and the occupied parts of four Ukrainian oblasts, which Russia claims, "
    "are not drawn as Russia.",
    "GE": "De jure boundary: Abkhazia and South Ossetia, under Russian-backed de facto control, are drawn as Georgia.",
    "MD": "De jure boundary: Transnistria, under de facto separatist control, is drawn as Moldova.",
    "AZ": "De jure boundary (Nagorno-Karabakh was retaken by Azerbaijan in 2023).",
    "CY": "De jure boundary: the north, under de facto Turkish Cypriot control, is drawn as Cyprus.",
    "PS": "Palestinian Territory: the West Bank and the Gaza Strip; control differs by area.",
    "IL": "De jure boundary: the Golan Heights and East Jerusalem, held by Israel, follow Natural Earth's lines.",
    "SY": "De jure boundary: control inside Syria is divided and changes often.",
    "EH": "Western Sahara: a disputed territory, mostly under Moroccan control.",
    "MA": "Boundary excludes Western Sahara, mostly under Moroccan control.",
    "XK": "Kosovo: recognised by some states, not by Serbia.",
    "RS": "De jure boundary excludes Kosovo.",
    "TW": "Taiwan: governed separately, claimed by the People's Republic of China.",
    "SO": "De jure boundary: Somaliland, de facto independent, is drawn as Somalia.",
}


@dataclass(frozen=True)
class Country:
    """A country: ISO codes, its names and demonyms (normalised, see :func:`normalize`), the
    GeoNames country point (lon, lat), its capital (a gazetteer city, or None) and a boundary note."""

    iso2: str
    iso3: str
    name: str
    point: LonLat
    place: Place
    capital: Place | None = None
    names: tuple[str, ...] = field(default=(), repr=False)
    demonyms: tuple[str, ...] = field(default=(), repr=False)
    note: str = ""

    def geometry(self) -> BaseGeometry:
        """The country's polygon (Natural Earth, de jure; see :attr:`note`)."""
        from mapapp.data.boundaries import country_geometry

        return country_geometry(self.iso2 or self.iso3)


class CountryService:
    """Countries by code, name or demonym (build with :func:`countries`)."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self._g = gazetteer
        self._by_code: dict[str, Country] = {}
        self._by_name: dict[str, Country] = {}
        names, demonyms = gazetteer.country_names()
        capitals = gazetteer.capitals()
        for p in gazetteer.countries():
            c = Country(
                iso2=p.country_code,
                iso3=gazetteer.iso3(p.country_code),
                name=p.name,
                point=p.lonlat,
                place=p,
                capital=capitals.get(p.country_code),
                names=tuple(names.get(p.id, ())),
                demonyms=tuple(demonyms.get(p.id, ())),
                note=BOUNDARY_NOTES.get(p.country_code, ""),
            )
            self._by_code[c.iso2] = c
            if c.iso3:
                self._by_code[c.iso3] = c
            for key in (normalize(c.name), *c.names, *c.demonyms):
                self._by_name.setdefault(key, c)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(sorted({id(c): c for c in self._by_code.values()}.values(), key=lambda c: c.iso2))

    def find(self, text: str) -> Country | None:
        """The country ``text`` names (ISO2/ISO3 code in capitals, a name or a demonym), or None."""
        t = text.strip()
        if t.isupper() and len(t) in (2, 3) and t in self._by_code:
            return self._by_code[t]
        return self._by_name.get(normalize(t))

    def get(self, text: str) -> Country:
        """Like :meth:`find`, but raises :class:`PlaceNotFound` with suggestions when unknown."""
        c = self.find(text) or self._by_code.get(text.strip().upper())
        if c is None:
            try:
                c = self._by_code[self._g.country(text).country_code]
            except (PlaceNotFound, KeyError):
                import difflib

                close = difflib.get_close_matches(normalize(text), list(self._by_name), n=4, cutoff=0.75)
                hint = f" Did you mean: {', '.join(self._by_name[k].name for k in close)}?" if close else ""
                msg = f"Unknown country {text!r}; expected an ISO code (UA, UKR), a name or a demonym.{hint}"
                raise PlaceNotFound(msg) from None
        return c

    def iso2(self, text: str) -> str:
        """ISO2 code of a code, name or demonym; "" when unknown."""
        c = self.find(text) or self._by_code.get(text.strip().upper())
        return c.iso2 if c else ""

    def iso3(self, text: str) -> str:
        """ISO3 code of a code, name or demonym; "" when unknown."""
        c = self.find(text) or self._by_code.get(text.strip().upper())
        return c.iso3 if c else ""


@functools.lru_cache(maxsize=1)
def countries() -> CountryService:
    """The process-wide country service (over :func:`get_gazetteer`)."""
    return CountryService(get_gazetteer())

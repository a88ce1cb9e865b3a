"""The one country service: codes, names and demonyms meet; capital, point and polygon agree."""

from __future__ import annotations

import pytest
from pyproj import Geod
from shapely.geometry import Point

from mapapp.data.countries import countries
from mapapp.errors import PlaceNotFound

GEOD = Geod(ellps="WGS84")


@pytest.mark.parametrize(
    ("text", "iso2", "iso3"),
    [
        ("UA", "UA", "UKR"),
        ("UKR", "UA", "UKR"),
        ("Ukraine", "UA", "UKR"),
        ("Ukrainian", "UA", "UKR"),
        ("Russian Federation", "RU", "RUS"),
        ("Russians", "RU", "RUS"),
        ("U.S.", "US", "USA"),
        ("North Korean", "KP", "PRK"),
        ("Syrian", "SY", "SYR"),
    ],
)
def test_codes_names_and_demonyms_meet(text: str, iso2: str, iso3: str) -> None:
    c = countries().get(text)
    assert (c.iso2, c.iso3) == (iso2, iso3)
    assert countries().iso2(text) == iso2 and countries().iso3(text) == iso3


def test_capital_lies_inside_the_polygon_and_the_point_is_geonames() -> None:
    ua = countries().get("Ukraine")
    assert ua.capital is not None and ua.capital.name == "Kyiv"
    assert ua.geometry().contains(Point(ua.capital.lon, ua.capital.lat))
    us = countries().get("US")
    # the scorers use GeoNames' country point (39.76 N, 98.5 W), not another centroid convention
    assert GEOD.inv(us.point.lon, us.point.lat, -98.5, 39.76)[2] < 1000.0


def test_de_jure_note_where_the_ground_differs() -> None:
    assert "Crimea" in countries().get("UA").note and "de jure" in countries().get("RU").note.lower()
    assert countries().get("FR").note == ""


def test_unknown_country_is_a_clear_error() -> None:
    assert countries().find("Narnia") is None and countries().iso2("Narnia") == ""
    with pytest.raises(PlaceNotFound, match="Did you mean: Ukraine"):
        countries().get("Ukrane")

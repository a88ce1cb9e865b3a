"""Country and admin-1 polygons: containment and shared borders against known geography."""

from __future__ import annotations

import pytest
import shapely
from pyproj import Geod

from mapapp.data import boundaries
from mapapp.errors import GeometryError, PlaceNotFound

GEOD = Geod(ellps="WGS84")


def test_kursk_city_lies_in_kursk_oblast() -> None:
    row = boundaries.admin1_containing(36.19, 51.73)  # Kursk, 51.73 N 36.19 E
    assert row is not None and row["id"] == "a1:RU.41"
    assert boundaries.admin1_geometry("a1:RU.41").contains(shapely.Point(36.19, 51.73))


def test_kharkiv_lies_in_ukraine_not_russia() -> None:
    p = shapely.Point(36.2304, 49.9935)
    assert boundaries.country_geometry("UA").contains(p)
    assert not boundaries.country_geometry("RUS").contains(p)


def test_russia_ukraine_share_a_land_border() -> None:
    ru = boundaries.country_geometry("RU")
    ua = boundaries.country_geometry("Ukraine")
    shared = ru.boundary.intersection(ua.boundary)
    assert GEOD.geometry_length(shared) / 1000 > 1000
    assert ru.intersection(ua).area < 1e-6  # they touch, they do not overlap


def test_country_areas_are_plausible() -> None:
    # Ukraine ~603,500 km² (incl. Crimea, which Natural Earth puts in Russia: ~27,000 km²).
    area_ua = abs(GEOD.geometry_area_perimeter(boundaries.country_geometry("UA"))[0]) / 1e6
    assert 560_000 < area_ua < 610_000
    area_fr = abs(GEOD.geometry_area_perimeter(boundaries.country_geometry("FRA"))[0]) / 1e6
    assert 600_000 < area_fr < 680_000  # metropolitan France 551,695 km² + overseas departments


def test_frames_are_wgs84_and_valid() -> None:
    for gdf in (boundaries.countries(), boundaries.admin1()):
        assert gdf.crs.to_epsg() == 4326
        assert gdf.geometry.is_valid.all()


def test_unknown_codes() -> None:
    with pytest.raises(PlaceNotFound, match="Ukraine"):
        boundaries.country_geometry("Ukrane")
    with pytest.raises(PlaceNotFound, match=r"a1:RU\.41"):
        boundaries.admin1_geometry("a1:RU.4l")
    with pytest.raises(GeometryError):
        boundaries.admin1_containing(200.0, 0.0)
    assert boundaries.admin1_containing(-30.0, 0.0) is None  # Atlantic


def test_no_country_part_wraps_the_globe_and_russia_has_its_true_area() -> None:
    # TopoJSON rings that cross ±180° must be cut there, not drawn as a band across the map
    for code, geom in zip(boundaries.countries()["iso2"], boundaries.countries().geometry, strict=True):
        if code == "AQ":  # Antarctica encircles the pole
            continue
        for part in getattr(geom, "geoms", [geom]):
            if not part.is_empty:
                assert part.bounds[2] - part.bounds[0] < 180, code
    area_ru = abs(GEOD.geometry_area_perimeter(boundaries.country_geometry("RU"))[0]) / 1e6
    assert 16_600_000 < area_ru < 17_300_000  # 17.1 million km² incl. Crimea as Natural Earth draws it
    assert boundaries.country_geometry("RU").bounds[3] > 77  # Cape Chelyuskin, 77.7 N

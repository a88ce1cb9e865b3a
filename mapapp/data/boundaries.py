"""Country and admin-1 polygons (Natural Earth, simplified) from ``data/geo``.

Core module: geopandas is imported lazily, on first use. Every frame is in EPSG:4326
(longitude, latitude in degrees). Frames are loaded once per process.
"""

from __future__ import annotations

import difflib
import functools
from typing import TYPE_CHECKING

from mapapp.data import paths as datadir
from mapapp.data.names import normalize
from mapapp.errors import DataDirError, GeometryError, PlaceNotFound

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd
    from shapely.geometry.base import BaseGeometry

__all__ = ["admin1", "admin1_containing", "admin1_geometry", "countries", "country_geometry"]


def _load(name: str, columns: list[str]) -> gpd.GeoDataFrame:
    import geopandas as gpd
    import pyarrow as pa

    path = datadir.data_file(name)
    try:
        gdf = gpd.read_parquet(path)
    except (pa.ArrowException, OSError, ValueError, KeyError) as err:
        raise datadir.corrupt(name, err) from err
    missing = [c for c in [*columns, "geometry"] if c not in gdf.columns]
    if missing:
        raise datadir.corrupt(name, KeyError(f"missing columns {missing}"))
    if gdf.crs is None or gdf.crs.to_epsg() != 4326:
        raise datadir.corrupt(name, ValueError(f"CRS is {gdf.crs}, expected EPSG:4326"))
    return gdf


@functools.lru_cache(maxsize=1)
def countries() -> gpd.GeoDataFrame:
    """Country polygons: columns iso2, iso3, name, ne_name, ne_id, geometry (EPSG:4326).

    A few Natural Earth units without an ISO code (e.g. Northern Cyprus, Somaliland) have
    iso2 == "".
    """
    return _load("countries.parquet", ["iso2", "iso3", "name"])


@functools.lru_cache(maxsize=1)
def admin1() -> gpd.GeoDataFrame:
    """Admin-1 polygons: id ("a1:RU.41"), country_code, name, name_en, type, type_en, admin1_code,
    iso_3166_2, ne_admin, geometry (EPSG:4326)."""
    return _load("admin1.parquet", ["id", "country_code", "name", "name_en", "type_en", "admin1_code"])


def country_geometry(code: str) -> BaseGeometry:
    """The polygon of a country given by ISO2 ("UA"), ISO3 ("UKR") or name ("Ukraine", "U.S.")."""
    df = countries()
    q = code.strip()
    rows: pd.DataFrame = df.iloc[0:0]
    if len(q) == 2 and q.isalpha():
        rows = df[df["iso2"] == q.upper()]
    elif len(q) == 3 and q.isalpha():
        rows = df[df["iso3"] == q.upper()]
    if rows.empty:
        key = normalize(q)
        rows = df[(df["name"].map(normalize) == key) | (df["ne_name"].map(normalize) == key)]
    if rows.empty:
        try:
            from mapapp.data.gazetteer import get_gazetteer

            iso2 = get_gazetteer().country(q).country_code
            rows = df[df["iso2"] == iso2]
        except (PlaceNotFound, DataDirError):
            rows = df.iloc[0:0]
    if rows.empty:
        names = sorted(set(df["name"]))
        close = difflib.get_close_matches(q, names, n=5, cutoff=0.6)
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        msg = f"No country polygon for {code!r}; expected an ISO2/ISO3 code or a country name.{hint}"
        raise PlaceNotFound(msg)
    geom: BaseGeometry = rows.geometry.iloc[0]
    return geom


def admin1_geometry(place_id: str) -> BaseGeometry:
    """The polygon of an admin-1 region by gazetteer id ("a1:RU.41")."""
    df = admin1()
    rows = df[df["id"] == place_id]
    if rows.empty:
        close = difflib.get_close_matches(place_id, list(df["id"]), n=5, cutoff=0.7)
        hint = f" Close ids: {', '.join(close)}." if close else ""
        msg = f"No admin-1 polygon with id {place_id!r}; expected an id like 'a1:RU.41'.{hint}"
        raise PlaceNotFound(msg)
    geom: BaseGeometry = rows.geometry.iloc[0]
    return geom


def admin1_containing(lon: float, lat: float) -> pd.Series | None:
    """The admin-1 row whose polygon contains (lon, lat) in degrees, or None (sea, no data)."""
    import shapely

    if not (-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):
        msg = f"Point ({lon!r}, {lat!r}) is out of range; expected lon in [-180, 180], lat in [-90, 90]."
        raise GeometryError(msg)
    df = admin1()
    hits = df.sindex.query(shapely.Point(lon, lat), predicate="intersects")
    if len(hits) == 0:
        return None
    row: pd.Series = df.iloc[int(sorted(hits)[0])]
    return row

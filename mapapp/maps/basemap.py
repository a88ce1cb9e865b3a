"""The offline vector basemap: country and admin-1 polygons cut to the view and simplified.

Reads ``data/geo`` through :mod:`mapapp.data.boundaries` when it is there, else the GeoParquet files
directly. Geometries are lon/lat (EPSG:4326). No folium here: the Leaflet map and the
matplotlib renderer draw the same :class:`Basemap`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import geopandas as gpd
import shapely
from shapely.geometry import box

from mapapp.data import paths as datadir
from mapapp.errors import DataDirError

_NAME_COLUMNS = ("name", "NAME", "name_en", "admin", "ADMIN")
_CODE_COLUMNS = ("iso2", "country_code", "iso_a2", "ISO_A2", "cc", "iso_a3", "ISO_A3", "adm0_a3", "iso3")


@dataclass(frozen=True)
class Basemap:
    """Polygons for one view: ``countries`` and ``admin1`` (columns ``name``, ``code``, ``geometry``)
    plus ``labels``: (name, lon, lat) for countries whose label point lies in the view."""

    countries: gpd.GeoDataFrame
    admin1: gpd.GeoDataFrame
    labels: tuple[tuple[str, float, float], ...]


def _normalise(gdf: gpd.GeoDataFrame, what: str) -> gpd.GeoDataFrame:
    name = next((c for c in _NAME_COLUMNS if c in gdf.columns), None)
    code = next((c for c in _CODE_COLUMNS if c in gdf.columns), None)
    out = gpd.GeoDataFrame(
        {
            "name": gdf[name].astype(str) if name else [""] * len(gdf),
            "code": gdf[code].astype(str) if code else [""] * len(gdf),
        },
        geometry=gdf.geometry.values,
        crs="EPSG:4326",
    )
    if gdf.crs is not None and not gdf.crs.equals("EPSG:4326"):
        msg = f"{what} polygons are in {gdf.crs}, expected EPSG:4326 (lon/lat)."
        raise DataDirError(msg)
    return out


@cache
def _load(kind: str) -> gpd.GeoDataFrame:
    """All country (``kind="countries"``) or admin-1 polygons, normalised."""
    try:
        from mapapp.data import boundaries  # written by another module owner; optional

        fn = getattr(boundaries, "countries" if kind == "countries" else "admin1")
        gdf = fn()
    except ImportError:
        name = f"{kind}.parquet"
        path = datadir.data_file(name)
        try:
            gdf = gpd.read_parquet(path)
        except (OSError, ValueError) as err:
            raise datadir.corrupt(name, err) from err
    return _normalise(gdf, kind)


def countries() -> gpd.GeoDataFrame:
    """Every country polygon (columns ``name``, ``code``, ``geometry``; lon/lat)."""
    return _load("countries")


def admin1() -> gpd.GeoDataFrame:
    """Every admin-1 polygon (columns ``name``, ``code``, ``geometry``; lon/lat)."""
    return _load("admin1")


def for_view(
    bounds: tuple[float, float, float, float],
    *,
    margin: float = 1.5,
    detail_px: float = 1600.0,
    with_admin1: bool = True,
) -> Basemap:
    """The basemap cut to ``bounds`` (west, south, east, north, degrees) grown by ``margin`` spans
    (at least 12 degrees of longitude and 8 of latitude) on each side, simplified to about
    ``detail_px`` pixels across the view (coarser outside it is
    not needed: the map opens on the view). Admin-1 borders only for countries in the view.
    """
    w, s, e, n = bounds
    span_x, span_y = max(e - w, 0.5), max(n - s, 0.5)
    grow_x = max(margin * span_x, 12.0)
    grow_y = max(margin * span_y, 8.0)
    clip = box(max(w - grow_x, -180.0), max(s - grow_y, -90.0), min(e + grow_x, 180.0), min(n + grow_y, 90.0))
    view = box(w, s, e, n)
    tol = max(span_x, span_y) / detail_px
    ctry = countries()
    ctry = ctry[ctry.intersects(clip)]
    cgeom = shapely.set_precision(
        shapely.simplify(shapely.clip_by_rect(ctry.geometry.values, *clip.bounds), tol, preserve_topology=True), tol / 4
    )
    ctry_out = gpd.GeoDataFrame(
        {"name": ctry["name"].values, "code": ctry["code"].values}, geometry=cgeom, crs="EPSG:4326"
    )
    ctry_out = ctry_out[~ctry_out.geometry.is_empty]
    labels: list[tuple[str, float, float]] = []
    for name, geom in zip(ctry["name"], ctry.geometry.values, strict=True):
        # label at a point inside the part of the country that is on screen
        part = geom.intersection(view)
        if part.is_empty or part.area < 0.004 * view.area:
            continue
        pt = part.representative_point()
        labels.append((str(name), pt.x, pt.y))
    if with_admin1:
        a1 = admin1()
        in_view = set(ctry[ctry.intersects(view)]["code"])
        a1 = a1[a1.intersects(clip)]
        if in_view and a1["code"].str.len().gt(0).any():
            a1 = a1[[_country_of(c) in in_view or not c for c in a1["code"]]]
        ageom = shapely.set_precision(
            shapely.simplify(shapely.clip_by_rect(a1.geometry.values, *clip.bounds), tol, preserve_topology=True),
            tol / 4,
        )
        a1_out = gpd.GeoDataFrame(
            {"name": a1["name"].values, "code": a1["code"].values}, geometry=ageom, crs="EPSG:4326"
        )
        a1_out = a1_out[~a1_out.geometry.is_empty]
    else:
        a1_out = gpd.GeoDataFrame({"name": [], "code": []}, geometry=[], crs="EPSG:4326")
    return Basemap(ctry_out, a1_out, tuple(labels))


def _country_of(admin1_code: str) -> str:
    """``"RU.41"`` -> ``"RU"``; other forms are returned unchanged."""
    return admin1_code.split(".", 1)[0].split("-", 1)[0]

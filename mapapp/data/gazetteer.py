"""The offline gazetteer: places and every name a news text may use for them.

Pure core: pyarrow + pandas only (no geopandas), so importing and loading stays well under a
second. Data come from ``data/geo/gazetteer.parquet`` (one row per place) and
``data/geo/names.parquet`` (one row per (normalized name, place), sorted by name then by prior,
best first). Both are built by ``scripts/build_data.py``.

Look-ups go through :func:`normalize` (case-folded, diacritics stripped, apostrophes and dots
dropped, other punctuation turned into spaces): "Kyiv"/"KYIV", "Rostov-on-Don"/"Rostov on Don"
and "U.S."/"US"/"us" all meet. The key forgets case on purpose; callers that must tell the
country "US" from the pronoun "us" check the surface text themselves.
"""

from __future__ import annotations

import difflib
import functools
import gc
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, cast

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from mapapp.data import paths as datadir
from mapapp.data.names import arabic_skeleton, fold, is_cyrillic, is_latin, memoized, normalize, romanizations
from mapapp.errors import DataDirError, PlaceNotFound
from mapapp.model import Place, PlaceKind

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["NAME_TYPES", "Gazetteer", "add_user_places", "fold", "get_gazetteer", "is_latin", "normalize"]

#: The kinds of name a names row can be ("skeleton": a spelling-independent key of an Arabic name,
#: see :func:`mapapp.data.names.arabic_skeleton`; "user": from the analyst's own places file).
NAME_TYPES = ("name", "alternate", "abbrev", "demonym", "skeleton", "user")
#: Keys of skeleton rows start with this character (normalize() never produces it).
SKELETON_PREFIX = "~"
#: Environment variable: user places files (CSV/GeoJSON), separated by the OS path separator.
PLACES_ENV = "MAPAPP_PLACES"

_PLACE_COLUMNS = [
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
_NAME_COLUMNS = ["key", "name_type", "place_row", "score"]


def _codes(arr: pa.Array) -> tuple[tuple[int, ...], list[str | None]]:
    """(codes, values) of a string column: ``values[codes[i]]`` is row i's value (None for null)."""
    enc = arr.dictionary_encode() if not pa.types.is_dictionary(arr.type) else arr
    values: list[str | None] = [*enc.dictionary.to_pylist(), None]
    codes = enc.indices.fill_null(len(values) - 1).to_numpy(zero_copy_only=False).astype(np.int32)
    return tuple(codes.tolist()), values


class _PlaceColumns(NamedTuple):
    """The columns a :class:`Place` is built from, as tuples (row i -> value).

    Tuples, not lists: a tuple of strings and numbers drops out of the garbage collector's
    bookkeeping, so a full collection does not walk these millions of items.
    """

    ids: tuple[str, ...]
    names: tuple[str, ...]
    kind: tuple[tuple[int, ...], list[str | None]]
    cc: tuple[tuple[int, ...], list[str | None]]
    a1: tuple[tuple[int, ...], list[str | None]]
    fcode: tuple[tuple[int, ...], list[str | None]]
    lon: tuple[float, ...]
    lat: tuple[float, ...]
    pop: tuple[int, ...]
    gid: tuple[int, ...]


def _read(path: Path, name: str, columns: list[str]) -> pa.Table:
    try:
        table = pq.read_table(path, columns=columns)
    except (pa.ArrowException, OSError, KeyError, ValueError) as err:
        raise datadir.corrupt(name, err) from err
    return table


class Gazetteer:
    """Places and their names, loaded from ``data/geo``.

    Build one with :meth:`load` (or use the process-wide :func:`get_gazetteer`).
    """

    def __init__(self, places: pa.Table, names: pa.Table, source: Path) -> None:
        self.source = source
        self._places = places
        self._ids: pa.Array = places.column("id").combine_chunks()
        self._pname: pa.Array = places.column("name").combine_chunks()
        self._kind: pa.Array = places.column("kind").combine_chunks()
        self._cc: pa.Array = places.column("country_code").combine_chunks()
        self._a1: pa.Array = places.column("admin1_code").combine_chunks()
        self._fcode: pa.Array = places.column("feature_code").combine_chunks()
        # few distinct values: codes + a Python list each, so building a Place reads no Arrow scalar
        kind, cc, a1, fcode = (_codes(a) for a in (self._kind, self._cc, self._a1, self._fcode))
        self._lat = places.column("lat").to_numpy()
        self._lon = places.column("lon").to_numpy()
        self._pop = places.column("population").to_numpy()
        self._gid = places.column("geonameid").fill_null(-1).to_numpy()
        # the same as Python tuples (a few ms each): a Place is built without Arrow or numpy scalars
        self._id_list: tuple[str, ...] = tuple(self._ids.to_pylist())
        self._rows_py = _PlaceColumns(
            self._id_list,
            tuple(self._pname.to_pylist()),
            kind,
            cc,
            a1,
            fcode,
            tuple(self._lon.tolist()),
            tuple(self._lat.tolist()),
            tuple(self._pop.tolist()),
            tuple(self._gid.tolist()),
        )
        keys = names.column("key").combine_chunks()
        # a tuple, not a list: not walked by every full garbage collection (see _PlaceColumns)
        self._keys: tuple[str, ...] = tuple(keys.to_pylist())
        ntype = names.column("name_type").combine_chunks()
        if not pa.types.is_dictionary(ntype.type):
            ntype = ntype.dictionary_encode()
        self._ntype_codes = np.asarray(ntype.indices.to_numpy(zero_copy_only=False), dtype=np.int16)
        self._ntype_names: list[str] = ntype.dictionary.to_pylist()
        self._row = names.column("place_row").to_numpy()
        self._score = names.column("score").to_numpy()
        n_places = len(places)
        if len(self._row) and (int(self._row.max()) >= n_places or int(self._row.min()) < 0):
            raise datadir.corrupt("names.parquet", ValueError("place_row points outside gazetteer.parquet"))
        #: The most words any name has (for n-gram scanning).
        self.max_name_tokens: int = int(pc.max(pc.count_substring(keys, " ")).as_py() or 0) + 1
        self._cache: dict[int, Place] = {}
        self._n_base = n_places
        # the analyst's own places (add_user_places): kept apart, consulted first, so they win ties
        self._user_places: list[Place] = []
        self._user_keys: list[str] = []
        self._user_rows: list[int] = []
        #: Bumped whenever places are added (callers that cache look-ups compare it).
        self.version = 0

    # ------------------------------------------------------------------ loading
    @classmethod
    def load(cls, data_dir: Path | None = None) -> Gazetteer:
        """Read the gazetteer from ``data_dir`` (default: :func:`mapapp.data.paths.data_dir`).

        Raises
        ------
        DataDirError
            A file is missing or unreadable; the message says how to rebuild it.
        """
        d = data_dir if data_dir is not None else datadir.data_dir()
        tables = []
        for name, cols in (("gazetteer.parquet", _PLACE_COLUMNS), ("names.parquet", _NAME_COLUMNS)):
            path = d / name
            if not path.is_file():
                msg = (
                    f"{path} is missing. Rebuild it with `python scripts/build_data.py` "
                    f"or restore it with `git checkout -- data/geo`."
                )
                raise DataDirError(msg)
            tables.append(_read(path, name, cols))
        return cls(tables[0], tables[1], d)

    def __len__(self) -> int:
        return len(self._ids)

    @property
    def n_names(self) -> int:
        """Number of (normalized name, place) rows."""
        return len(self._keys)

    # ------------------------------------------------------------------ rows -> Place
    def _place(self, i: int) -> Place:
        if i >= self._n_base:
            return self._user_places[i - self._n_base]
        p = self._cache.get(i)
        if p is None:
            c = self._rows_py
            gid = c.gid[i]
            p = Place(
                id=c.ids[i],
                name=c.names[i],
                kind=cast(PlaceKind, c.kind[1][c.kind[0][i]]),
                lon=c.lon[i],
                lat=c.lat[i],
                country_code=c.cc[1][c.cc[0][i]] or "",
                admin1_code=c.a1[1][c.a1[0][i]] or "",
                geonameid=gid if gid >= 0 else None,
                population=c.pop[i],
                feature_code=c.fcode[1][c.fcode[0][i]] or "",
            )
            self._cache[i] = p
        return p

    # ------------------------------------------------------------------ name look-up
    @staticmethod
    def _has(keys: Sequence[str], norm: str) -> bool:
        i = bisect_left(keys, norm)
        return i < len(keys) and keys[i] == norm

    @staticmethod
    def _starts(keys: Sequence[str], probe: str) -> bool:
        i = bisect_left(keys, probe)
        return i < len(keys) and keys[i].startswith(probe)

    def has_name(self, norm: str) -> bool:
        """True if some place has the already-normalized name ``norm``."""
        return self._has(self._keys, norm) or (bool(self._user_keys) and self._has(self._user_keys, norm))

    def has_prefix(self, norm: str) -> bool:
        """True if some normalized name starts with ``norm + " "`` (a longer n-gram may match)."""
        probe = norm + " "
        return self._starts(self._keys, probe) or (bool(self._user_keys) and self._starts(self._user_keys, probe))

    def _by_key(self, key: str) -> list[tuple[Place, str]]:
        out: list[tuple[Place, str]] = []
        if self._user_keys:
            lo = bisect_left(self._user_keys, key)
            hi = bisect_right(self._user_keys, key, lo)
            out.extend((self._user_places[self._user_rows[j]], "user") for j in range(lo, hi))
        lo = bisect_left(self._keys, key)
        hi = bisect_right(self._keys, key, lo)
        types = self._ntype_names
        rows, codes = self._row[lo:hi].tolist(), self._ntype_codes[lo:hi].tolist()
        out.extend([(self._place(r), types[t]) for r, t in zip(rows, codes, strict=True)])
        return out

    def candidates_by_key(self, norm: str) -> list[tuple[Place, str]]:
        """:meth:`candidates` of an already-normalized name (skips normalising it again)."""
        return self._by_key(norm)

    def candidates(self, name: str) -> list[tuple[Place, str]]:
        """Every place called ``name`` (any surface form) with the name type that matched.

        The analyst's own places (name type "user") come first, then the built-in ones best
        first by prior: log10(population + 1) plus a bonus by kind (country, continent >
        landmark > admin1, region > admin2 > city), minus 0.3 for an alternate name.
        The name type is one of :data:`NAME_TYPES`.
        """
        return self._by_key(normalize(name))

    # ------------------------------------------------------------------ spelling variants
    @staticmethod
    @memoized(65536)
    def skeleton_key(norm: str) -> str:
        """The skeleton key of an already-normalized name ("" when it has too few letters)."""
        sk = arabic_skeleton(norm)
        return SKELETON_PREFIX + sk if len(sk.replace(" ", "")) >= 2 else ""

    def has_skeleton(self, norm: str) -> bool:
        """True if a place in an Arabic-speaking country has a name with this name's skeleton."""
        sk = self.skeleton_key(norm)
        return bool(sk) and self._has(self._keys, sk)

    def has_skeleton_prefix(self, norm: str) -> bool:
        """True if some skeleton key starts with this name's skeleton and a space."""
        sk = self.skeleton_key(norm)
        return bool(sk) and self._starts(self._keys, sk + " ")

    def skeleton_candidates(self, norm: str) -> list[tuple[Place, str]]:
        """Places whose romanised Arabic name has the same skeleton ("Dayr az Zawr" -> Deir ez-Zor)."""
        sk = self.skeleton_key(norm)
        return self._by_key(sk) if sk else []

    def transliterated_candidates(self, name: str) -> list[tuple[Place, str]]:
        """Places called by a standard romanisation of a Cyrillic ``name`` ([] for other scripts)."""
        out: list[tuple[Place, str]] = []
        seen: set[str] = set()
        for latin in romanizations(name, "UA") if is_cyrillic(name) else []:
            for p, nt in self.candidates(latin):
                if p.id not in seen:
                    seen.add(p.id)
                    out.append((p, nt))
        return out

    # ------------------------------------------------------------------ user places
    def add_user_places(self, places: list[tuple[Place, list[str]]]) -> int:
        """Merge the analyst's own places (each with its names); they win ties with built-in ones.

        Returns the number of places added. A place whose id is already present is skipped.
        """
        ids = self._id_index
        pairs = list(zip(self._user_keys, self._user_rows, strict=True))
        added = 0
        for place, names in places:
            if place.id in ids:
                continue
            row = len(self._user_places)
            self._user_places.append(place)
            ids[place.id] = self._n_base + row
            added += 1
            for key in sorted({normalize(n) for n in names} - {""}):
                pairs.append((key, row))
        pairs.sort()
        self._user_keys = [k for k, _ in pairs]
        self._user_rows = [r for _, r in pairs]
        self.max_name_tokens = max([self.max_name_tokens, *(k.count(" ") + 1 for k in self._user_keys)])
        self.version += 1
        return added

    def _user_prefixed(self, key: str) -> list[Place]:
        """The analyst's places with a name starting with ``key`` (exact names first)."""
        lo = bisect_left(self._user_keys, key)
        hits: list[tuple[bool, int]] = []
        for j in range(lo, len(self._user_keys)):
            if not self._user_keys[j].startswith(key):
                break
            hits.append((self._user_keys[j] != key, self._user_rows[j]))
        out: list[Place] = []
        for _, row in sorted(hits):
            if self._user_places[row] not in out:
                out.append(self._user_places[row])
        return out

    @property
    def user_places(self) -> list[Place]:
        """The analyst's places merged so far (in the order added)."""
        return list(self._user_places)

    def names_of(self, place_id: str) -> list[tuple[str, str]]:
        """All (surface name, name type) pairs of one place (slow: scans the names table)."""
        row = self._row_of(place_id)
        idx = np.flatnonzero(self._row == row)
        surface = _read(self.source / "names.parquet", "names.parquet", ["name"]).column("name")
        return [(surface[int(j)].as_py(), self._ntype_names[self._ntype_codes[j]]) for j in idx]

    # ------------------------------------------------------------------ by id
    @functools.cached_property
    def _id_index(self) -> dict[str, int]:
        return {pid: i for i, pid in enumerate(self._id_list)}

    def _row_of(self, place_id: str) -> int:
        i = self._id_index.get(place_id)
        if i is None:
            ids = self._id_list
            pos = bisect_left(ids, place_id)
            window = ids[max(0, pos - 300) : pos + 300]
            close = difflib.get_close_matches(place_id, window, n=5, cutoff=0.6)
            hint = f" Close ids: {', '.join(close)}." if close else ""
            msg = (
                f"No place with id {place_id!r} in the gazetteer; expected an id such as 'gn:703448' "
                f"or 'a1:RU.41'.{hint} Find ids with `Gazetteer.search(name)`."
            )
            raise PlaceNotFound(msg)
        return i

    def get(self, place_id: str) -> Place:
        """The place with this id ("gn:<geonameid>", "a1:<CC>.<code>", "lm:<slug>", ...)."""
        return self._place(self._row_of(place_id))

    # ------------------------------------------------------------------ countries
    @functools.cached_property
    def _country_rows(self) -> dict[str, int]:
        rows = np.flatnonzero(pc.equal(self._kind, "country").to_numpy(zero_copy_only=False))
        out: dict[str, int] = {}
        iso3 = self._places.column("iso3").combine_chunks()
        for i in rows:
            out[self._cc[int(i)].as_py()] = int(i)
            out[iso3[int(i)].as_py()] = int(i)
        return out

    def countries(self) -> list[Place]:
        """Every country, sorted by ISO 3166-1 alpha-2 code."""
        rows = {i for i in self._country_rows.values()}
        return sorted((self._place(i) for i in rows), key=lambda p: p.country_code)

    def iso3(self, iso2: str) -> str:
        """ISO 3166-1 alpha-3 code of a country's alpha-2 code ("" when unknown)."""
        i = self._country_rows.get(iso2.upper())
        if i is None:
            return ""
        code = self._places.column("iso3")[i].as_py()
        return str(code or "")

    def country_names(self) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
        """(names, demonyms) of every country: normalised keys by country place id."""
        rows = set(self._country_rows.values())
        names: dict[str, list[str]] = {}
        demonyms: dict[str, list[str]] = {}
        demonym_code = self._ntype_names.index("demonym") if "demonym" in self._ntype_names else -1
        hit = np.flatnonzero(np.isin(self._row, np.fromiter(rows, dtype=self._row.dtype)))
        for j in hit:
            pid = self._ids[int(self._row[j])].as_py()
            into = demonyms if self._ntype_codes[j] == demonym_code else names
            into.setdefault(pid, []).append(self._keys[int(j)])
        return names, demonyms

    def capitals(self) -> dict[str, Place]:
        """The capital city (GeoNames feature code PPLC, the most populous if several) by ISO2 code."""
        rows = np.flatnonzero(pc.equal(self._fcode, "PPLC").to_numpy(zero_copy_only=False))
        out: dict[str, Place] = {}
        for i in rows:
            p = self._place(int(i))
            if p.country_code and (p.country_code not in out or out[p.country_code].population < p.population):
                out[p.country_code] = p
        return out

    def country(self, code_or_name: str) -> Place:
        """A country by ISO2 ("UA"), ISO3 ("UKR") or any of its names ("Ukraine", "U.S.")."""
        q = code_or_name.strip()
        if q.upper() in self._country_rows and len(q) in (2, 3) and q.isalpha():
            return self._place(self._country_rows[q.upper()])
        for place, ntype in self.candidates(q):
            if place.kind == "country" and ntype != "demonym":
                return place
        msg = (
            f"Unknown country {code_or_name!r}; expected an ISO 3166 code (UA, UKR) or a country name."
            f"{self._suggest(q, kinds=('country',))}"
        )
        raise PlaceNotFound(msg)

    def admin1_of(self, place: Place) -> Place | None:
        """The admin-1 region a city/county lies in (by GeoNames admin-1 code), if known."""
        if place.kind == "admin1":
            return place
        if not place.country_code or not place.admin1_code:
            return None
        i = self._id_index.get(f"a1:{place.country_code}.{place.admin1_code}")
        return None if i is None else self._place(i)

    # ------------------------------------------------------------------ type-ahead
    def search(self, query: str, limit: int = 10) -> list[Place]:
        """Places whose name starts with ``query``, biggest prior first (for a type-ahead box).

        Raises
        ------
        PlaceNotFound
            Nothing starts with ``query``; the message suggests close names.
        """
        key = normalize(query)
        if not key:
            msg = f"Empty place query {query!r}; type a few letters of a place name."
            raise PlaceNotFound(msg)
        user = self._user_prefixed(key)
        if not self._starts(self._keys, key) and is_cyrillic(query):
            # a Cyrillic name the data lack: its standard romanisations ("Роботине" -> "Robotyne")
            for latin in romanizations(query, "UA"):
                lk = normalize(latin)
                if self._starts(self._keys, lk):
                    key = lk
                    break
        if user and not self._starts(self._keys, key):
            return user[:limit]
        lo = bisect_left(self._keys, key)
        hi = lo
        n = len(self._keys)
        while hi < n and hi - lo < 20000 and self._keys[hi].startswith(key):
            hi += 1
        if hi == lo:
            msg = f"No place name starts with {query!r}.{self._suggest(key)}"
            raise PlaceNotFound(msg)
        scores = self._score[lo:hi].astype(np.float64)
        # exact matches first, then by score
        exact = np.array([self._keys[j] == key for j in range(lo, hi)])
        order = np.lexsort((-scores, ~exact))
        out: list[Place] = list(user[:limit])
        seen: set[int] = set()
        for k in order:
            r = int(self._row[lo + int(k)])
            if r not in seen:
                seen.add(r)
                out.append(self._place(r))
                if len(out) >= limit:
                    break
        return out

    def _suggest(self, key: str, kinds: tuple[str, ...] = ()) -> str:
        key = normalize(key)
        pos = bisect_left(self._keys, key)
        pool = set(self._keys[max(0, pos - 200) : pos + 200])
        pool.update(self._big_names)
        close = difflib.get_close_matches(key, sorted(pool), n=8, cutoff=0.7)
        names: list[str] = []
        for c in close:
            for p, _ in self.candidates(c)[:1]:
                if (not kinds or p.kind in kinds) and p.name not in names:
                    names.append(p.name)
        return f" Did you mean: {', '.join(names[:5])}?" if names else ""

    @functools.cached_property
    def _big_names(self) -> list[str]:
        big = np.flatnonzero(self._score >= 5.0)
        return sorted({self._keys[int(j)] for j in big} - {k for k in self._keys if k.startswith(SKELETON_PREFIX)})

    # ------------------------------------------------------------------ airfields
    @functools.cached_property
    def _airfield_rows(self) -> npt.NDArray[np.int64]:
        return np.flatnonzero(pc.equal(self._kind, "airfield").to_numpy(zero_copy_only=False))

    def airfields(self) -> list[Place]:
        """Every airfield: the built-in ones (OurAirports, airportsdata) and the user's own."""
        return [self._place(int(i)) for i in self._airfield_rows] + [
            p for p in self._user_places if p.kind == "airfield"
        ]

    def airfields_near(self, lon: float, lat: float, km: float) -> list[Place]:
        """Airfields within ``km`` (great circle) of (lon, lat) degrees, nearest first."""
        rows = self._airfield_rows
        lo, la = np.radians(self._lon[rows]), np.radians(self._lat[rows])
        x, y = np.radians(lon), np.radians(lat)
        h = np.sin((la - y) / 2) ** 2 + np.cos(la) * np.cos(y) * np.sin((lo - x) / 2) ** 2
        d = 2 * 6371.0088 * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
        near = [(float(d[k]), self._place(int(rows[k]))) for k in np.flatnonzero(d <= km)]
        for p in self._user_places:
            if p.kind == "airfield":
                hu = (
                    np.sin((np.radians(p.lat) - y) / 2) ** 2
                    + np.cos(np.radians(p.lat)) * np.cos(y) * np.sin((np.radians(p.lon) - x) / 2) ** 2
                )
                du = float(2 * 6371.0088 * np.arcsin(np.sqrt(min(1.0, hu))))
                if du <= km:
                    near.append((du, p))
        return [p for _, p in sorted(near, key=lambda t: (t[0], t[1].id))]

    # ------------------------------------------------------------------ tables
    def cities(self, min_population: int = 0) -> pd.DataFrame:
        """Cities with at least ``min_population`` people.

        Columns: id, name, lon, lat (degrees), population, country_code, admin1_code.
        """
        t = self._places
        mask = pc.and_(pc.equal(t.column("kind"), "city"), pc.greater_equal(t.column("population"), min_population))
        sub = t.filter(mask).select(["id", "name", "lon", "lat", "population", "country_code", "admin1_code"])
        return sub.to_pandas().reset_index(drop=True)


@functools.lru_cache(maxsize=1)
def get_gazetteer() -> Gazetteer:
    """The process-wide gazetteer (loaded once from :func:`mapapp.data.paths.data_dir`).

    Files named in the environment variable ``MAPAPP_PLACES`` (CSV/GeoJSON user places,
    separated by ``os.pathsep``) are merged at load; see :func:`add_user_places`.
    """
    import os

    from mapapp import settings

    gaz = Gazetteer.load()
    for path in filter(None, settings.get(PLACES_ENV).split(os.pathsep)):
        add_user_places(path, gaz)
    # One full garbage collection now that the long-lived tables are in place. The last one ran
    # early in the imports, when few objects existed; measured against that, the objects loaded
    # since look like fast growth, and the collector would walk everything again soon, in the
    # middle of the first articles parsed.
    gc.collect()
    return gaz


def add_user_places(
    source: str | Path, gazetteer: Gazetteer | None = None, *, text: str | None = None
) -> tuple[int, list[str]]:
    """Merge a user places file (CSV or GeoJSON) into the process-wide gazetteer (or ``gazetteer``);
    with ``text``, that is the file's content and ``source`` its name (the app's upload).

    The one entry point for the CLI's ``--places FILE``, ``MAPAPP_PLACES`` and the app's upload:
    every later look-up, geoparse and resolution sees these places first (they win ties).

    Returns
    -------
    (number of places added, problems)
        ``problems`` lists skipped rows as ``"FILE:LINE: what is wrong"``.

    Raises
    ------
    InputError
        The file is missing, unreadable or has no usable row (see
        :func:`mapapp.data.userplaces.read_user_places`).
    """
    from mapapp.data.userplaces import read_user_places

    up = read_user_places(source, text)
    gaz = gazetteer if gazetteer is not None else get_gazetteer()
    return gaz.add_user_places(up.places), up.problems

"""The app's state and input checks, without Streamlit (so they are unit-testable).

* :class:`ViewState` - what the map shows (article, weapons, launch points, layers, centre and
  zoom) and its round trip through URL query parameters (:meth:`ViewState.to_query`,
  :func:`from_query`), so a link reopens the same map.
* :func:`text_from_upload` / :func:`text_from_paste` - turn what a user gives into article text,
  or raise :class:`~mapapp.errors.InputError` with a message to show in the page.
* :func:`strip_html` - visible text of an HTML page (stdlib ``html.parser``; scripts and styles
  dropped, entities decoded).

Coordinates are (lon, lat) degrees, as everywhere in the core. Nothing here imports streamlit
or folium.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import quote, unquote

from mapapp.errors import InputError
from mapapp.model import LonLat
from mapapp.text.article import html_to_text
from mapapp.text.dates import coerce_date

#: Largest upload accepted (bytes); matches ``server.maxUploadSize = 50`` (MB) in .streamlit/config.toml.
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
#: Longest article text the app parses (characters). News articles are a few thousand characters;
#: anything near this is a data dump, better handled by ``mapapp geoparse`` in batch.
MAX_ARTICLE_CHARS = 2_000_000
#: File name endings accepted for uploads.
UPLOAD_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")
#: The article the app opens on.
SEED_NAME = "2024-11-17-atacms-inside-russia.txt"
#: Weapons selected when the app opens (catalogue keys).
DEFAULT_WEAPONS: tuple[str, ...] = ("atacms-m57",)
#: Country whose border the default footprint is drawn from (ISO 3166-1 alpha-3), and into which.
DEFAULT_BORDER = "UKR"
DEFAULT_INTO = "RUS"

ARTICLE_PASTE = "paste"
ARTICLE_UPLOAD = "upload"
#: ``article=lib:<hash>``: a pasted or uploaded article kept in the local library.
LIBRARY_PREFIX = "lib:"
_SEED_PREFIX = "seed:"
_PLACE_ID_RE = re.compile(r"^[a-z0-9]{1,8}:[A-Za-z0-9._:-]{1,80}$")
_KEY_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
_LAYER_RE = re.compile(r"^[a-z0-9]+(?::[a-z0-9._-]{1,64})?$")
_MAX_LIST = 32


@dataclass(frozen=True)
class LaunchPoint:
    """A launch point: a name and its (lon, lat) degrees."""

    name: str
    lon: float
    lat: float

    @property
    def lonlat(self) -> LonLat:
        return LonLat(self.lon, self.lat)

    def encode(self) -> str:
        """``"Sumy@34.8,50.9"`` (name, then lon,lat with 4 decimals, about 10 m)."""
        name = self.name.replace("@", " ").replace("|", " ").strip()
        return f"{name}@{self.lon:.4f},{self.lat:.4f}"


@dataclass(frozen=True)
class ViewState:
    """What the map shows; everything a shared link must carry.

    ``article`` is ``"seed:<file name>"``, ``"lib:<hash>"`` (a pasted or uploaded article kept in
    the local library, see :mod:`mapapp.maps.library`), or the legacy ``"paste"``/``"upload"``
    (which carry no text). ``weapons`` are catalogue keys; ``custom_km`` a one-off radius (km) or
    None. ``border`` is an ISO3 country code to draw footprints from (or ""). ``hidden`` holds
    layer keys switched off. ``center`` (lon, lat) and ``zoom`` (may be fractional, as Leaflet
    reports it) are the map's view, or None to fit the content. ``date_from``/``date_to`` are ISO
    dates filtering events (or the event store's time window). ``fixes`` are the person's place
    corrections: (surface key as :func:`mapapp.maps.model.surface_key` folds it, place id or ""
    for "not a place"). ``store`` is an event-store directory shown instead of an article.
    """

    article: str = _SEED_PREFIX + SEED_NAME
    weapons: tuple[str, ...] = DEFAULT_WEAPONS
    custom_km: float | None = None
    launch: tuple[LaunchPoint, ...] = ()
    border: str = DEFAULT_BORDER
    hidden: frozenset[str] = frozenset()
    tiles: bool = False
    center: LonLat | None = None
    zoom: float | None = None
    date_from: str = ""
    date_to: str = ""
    fixes: tuple[tuple[str, str], ...] = ()
    store: str = ""
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def seed_name(self) -> str | None:
        """The seed file name when the article is a seed, else None."""
        if self.article.startswith(_SEED_PREFIX):
            return self.article[len(_SEED_PREFIX) :]
        return None

    @property
    def library_key(self) -> str | None:
        """The library key when the article is a pasted or uploaded one kept there, else None."""
        if self.article.startswith(LIBRARY_PREFIX):
            return self.article[len(LIBRARY_PREFIX) :]
        return None

    def is_on(self, layer_key: str) -> bool:
        """Whether ``layer_key`` (``"places"``, ``"rings:atacms-m57"`` ...) is shown."""
        return layer_key not in self.hidden and layer_key.split(":", 1)[0] not in self.hidden

    def toggled(self, layer_key: str, on: bool) -> ViewState:
        """A copy with ``layer_key`` shown (``on``) or hidden."""
        hidden = set(self.hidden)
        if on:
            hidden.discard(layer_key)
        else:
            hidden.add(layer_key)
        return replace(self, hidden=frozenset(hidden))

    def to_query(self) -> dict[str, str]:
        """URL query parameters (short keys, plain strings); defaults are left out."""
        q: dict[str, str] = {}
        default = ViewState()
        if self.article != default.article and self.seed_name is not None:
            q["article"] = self.seed_name
        elif self.seed_name is None:
            q["article"] = self.article
        if self.weapons != default.weapons:
            q["weapons"] = ",".join(self.weapons) or "none"
        if self.custom_km is not None:
            q["km"] = f"{self.custom_km:g}"
        if self.launch:
            q["launch"] = "|".join(p.encode() for p in self.launch)
        if self.border != default.border:
            q["border"] = self.border or "none"
        if self.hidden:
            q["hide"] = ",".join(sorted(self.hidden))
        if self.tiles:
            q["tiles"] = "osm"
        if self.center is not None:
            q["center"] = f"{self.center.lon:.5f},{self.center.lat:.5f}"
        if self.zoom is not None:
            q["zoom"] = format_zoom(self.zoom)
        if self.date_from:
            q["from"] = self.date_from
        if self.date_to:
            q["to"] = self.date_to
        if self.fixes:
            q["fix"] = "|".join(f"{_escape(k)}~{_escape(v)}" for k, v in self.fixes)
        if self.store:
            q["store"] = self.store
        return q


def _escape(text: str) -> str:
    """Percent-encode a part of a ``fix=`` entry (its separators ``|`` and ``~`` included)."""
    return quote(text, safe=":").replace("~", "%7E")


def format_zoom(zoom: float) -> str:
    """A zoom level for a link: ``6`` -> ``"6"``, ``6.25`` -> ``"6.25"`` (2 decimals at most)."""
    return f"{round(float(zoom), 2):g}"


def parse_number(text: str, what: str, lo: float, hi: float) -> float:
    """``text`` as a finite number in ``lo``..``hi``; :class:`InputError` naming ``what``
    otherwise (``inf``, ``-inf``, ``1e309``, ``nan`` and words included)."""
    try:
        value = float(text)
    except (ValueError, OverflowError):
        value = math.nan
    if not math.isfinite(value) or not lo <= value <= hi:
        msg = f"Ignored {what}={text[:40]!r} in the link (expected a number from {lo:g} to {hi:g})."
        raise InputError(msg)
    return value


_Params = Mapping[str, "str | list[str]"]


def _one(params: _Params, key: str) -> str | None:
    v = params.get(key)
    if v is None:
        return None
    if isinstance(v, list):
        v = v[-1] if v else ""
    return str(v).strip()


def _read_article(state: ViewState, v: str, seeds: set[str] | None) -> ViewState:
    if v in (ARTICLE_PASTE, ARTICLE_UPLOAD):
        return replace(state, article=v)
    if v.startswith(LIBRARY_PREFIX):
        from mapapp.maps.library import check_key

        return replace(state, article=LIBRARY_PREFIX + check_key(v[len(LIBRARY_PREFIX) :].lower()))
    if seeds is not None and v not in seeds:
        msg = f"The link names article {v[:80]!r}, which is not in seeds/; showing the seed."
        raise InputError(msg)
    if "/" in v or "\\" in v or v.startswith("."):
        msg = f"Article {v[:80]!r} in the link is not a seed file name; showing the seed."
        raise InputError(msg)
    return replace(state, article=_SEED_PREFIX + v)


def _read_weapons(state: ViewState, v: str, warnings: list[str]) -> ViewState:
    keys = [] if v in ("", "none") else [w.strip().lower() for w in v.split(",") if w.strip()]
    good = [k for k in keys if _KEY_RE.match(k)]
    bad = [k for k in keys if not _KEY_RE.match(k)]
    if bad:
        warnings.append(f"Ignored weapon keys {bad[:5]!r} in the link (expected catalogue keys).")
    return replace(state, weapons=tuple(dict.fromkeys(good))[:_MAX_LIST])


def _read_launch(state: ViewState, v: str, warnings: list[str]) -> ViewState:
    points: list[LaunchPoint] = []
    for part in v.split("|")[:_MAX_LIST]:
        try:
            points.append(decode_launch_point(part))
        except InputError as err:
            warnings.append(str(err))
    return replace(state, launch=tuple(points))


def _read_border(state: ViewState, v: str) -> ViewState:
    if v in ("", "none"):
        return replace(state, border="")
    if re.fullmatch(r"[A-Za-z]{3}", v):
        return replace(state, border=v.upper())
    msg = f"Ignored border={v[:40]!r} in the link (expected a 3-letter country code like UKR)."
    raise InputError(msg)


def _read_hide(state: ViewState, v: str, warnings: list[str]) -> ViewState:
    layers = [h.strip() for h in v.split(",") if h.strip()]
    bad = [h for h in layers if not _LAYER_RE.match(h)]
    if bad:
        warnings.append(f"Ignored layer names {bad[:5]!r} in the link.")
    return replace(state, hidden=frozenset(h for h in layers[: _MAX_LIST * 2] if _LAYER_RE.match(h)))


def _read_center(state: ViewState, v: str) -> ViewState:
    try:
        lon_s, lat_s = v.split(",")
        return replace(state, center=check_lonlat(float(lon_s), float(lat_s)))
    except (ValueError, OverflowError, InputError):
        msg = f"Ignored center={v[:60]!r} in the link (expected 'lon,lat' in degrees)."
        raise InputError(msg) from None


def _read_fixes(state: ViewState, v: str, warnings: list[str]) -> ViewState:
    fixes: list[tuple[str, str]] = []
    for part in v.split("|")[: _MAX_LIST * 4]:
        k, sep, pid = part.partition("~")
        key, place = " ".join(unquote(k).split()).casefold()[:200], unquote(pid)
        if not sep or not key or (place and not _PLACE_ID_RE.match(place)):
            warnings.append(f"Ignored place fix {part[:80]!r} in the link (expected 'name~place id').")
            continue
        fixes.append((key, place))
    return replace(state, fixes=tuple(dict(fixes).items()))


def _read_store(state: ViewState, v: str) -> ViewState:
    if len(v) > 4096 or any(ord(c) < 32 for c in v):
        msg = "Ignored store=… in the link (not a folder path)."
        raise InputError(msg)
    return replace(state, store=v)


def from_query(params: _Params, seeds: Iterable[str] | None = None) -> tuple[ViewState, list[str]]:
    """Read a :class:`ViewState` from URL query parameters.

    Bad values are dropped (the default is kept) and described in the returned list of warnings,
    so a mangled link still opens a map. ``seeds`` are the seed file names that exist (the
    ``article`` parameter must be one of them, ``lib:<hash>``, or ``paste``/``upload``).

    Returns
    -------
    (ViewState, list of str)
        The state and one human-readable warning per value that could not be used.
    """
    warnings: list[str] = []
    state = ViewState()
    known = set(seeds) if seeds is not None else None
    readers = {
        "article": lambda st, v: _read_article(st, v, known),
        "weapons": lambda st, v: _read_weapons(st, v, warnings),
        "launch": lambda st, v: _read_launch(st, v, warnings),
        "border": _read_border,
        "hide": lambda st, v: _read_hide(st, v, warnings),
        "center": _read_center,
        "fix": lambda st, v: _read_fixes(st, v, warnings),
        "store": _read_store,
    }
    for key, read in readers.items():
        v = _one(params, key)
        if v is None or (v == "" and key not in ("weapons", "border")):
            continue
        try:
            state = read(state, v)
        except InputError as err:
            warnings.append(str(err))

    km = _one(params, "km")
    if km:
        try:
            state = replace(state, custom_km=check_radius_km(parse_number(km, "km", 0.0, 1e9)))
        except InputError:
            warnings.append(f"Ignored radius km={km[:40]!r} in the link (expected a number of km, 1 to 20,000).")

    tiles = _one(params, "tiles")
    if tiles and tiles.lower() in ("osm", "1", "true", "yes", "on"):
        # online tiles contact the internet: a link may not switch them on behind the user's back
        warnings.append(
            "The link asks for online map tiles (OpenStreetMap); they stay off until you tick "
            "“Online map tiles” in the sidebar, because they contact the internet."
        )

    zoom = _one(params, "zoom")
    if zoom:
        try:
            state = replace(state, zoom=round(parse_number(zoom, "zoom", 0.0, 19.0), 2))
        except InputError:
            warnings.append(f"Ignored zoom={zoom[:40]!r} in the link (expected a number 0 to 19).")

    dates: dict[str, str] = {}
    for key in ("from", "to"):
        v = _one(params, key)
        if v:
            try:
                day = coerce_date(v, key)
            except InputError:
                day = None
            if day is not None:
                dates[key] = day.isoformat()
            else:
                warnings.append(f"Ignored {key}={v[:40]!r} in the link (expected a date YYYY-MM-DD).")
    if dates:
        state = replace(state, date_from=dates.get("from", ""), date_to=dates.get("to", ""))
    return state, warnings


def check_lonlat(lon: float, lat: float) -> LonLat:
    """``LonLat(lon, lat)`` of a map view or a click: finite, latitude in range, longitude wrapped
    to -180..180 (Leaflet reports longitudes beyond ±180 once the map is panned round the world;
    typed coordinates go through the stricter :func:`mapapp.geo.geodesy.check_lonlat`)."""
    if not (math.isfinite(lon) and math.isfinite(lat)) or not -90.0 <= lat <= 90.0:
        msg = f"Coordinate ({lon!r}, {lat!r}) is not a valid (lon, lat): latitude must be -90..90."
        raise InputError(msg)
    lon = ((lon + 180.0) % 360.0) - 180.0
    return LonLat(round(lon, 6), round(lat, 6))


def check_radius_km(radius_km: float) -> float:
    """The radius if the range engine can draw it (see :func:`mapapp.geo.geodesy.check_radius_km`)."""
    from mapapp.geo.geodesy import check_radius_km as engine_check

    return engine_check(radius_km)


def decode_launch_point(text: str) -> LaunchPoint:
    """Inverse of :meth:`LaunchPoint.encode` (``"Sumy@34.8,50.9"``)."""
    name, sep, coords = text.rpartition("@")
    try:
        if not sep:
            raise ValueError(text)
        lon_s, lat_s = coords.split(",")
        ll = check_lonlat(float(lon_s), float(lat_s))
    except (ValueError, InputError):
        msg = f"Ignored launch point {text!r} in the link (expected 'Name@lon,lat')."
        raise InputError(msg) from None
    return LaunchPoint(name.strip()[:80] or f"{ll.lat:.3f}, {ll.lon:.3f}", ll.lon, ll.lat)


def click_point(lat: float, lng: float) -> LaunchPoint:
    """A launch point from a map click (Leaflet gives ``lat``/``lng``); named by its coordinates."""
    ll = check_lonlat(float(lng), float(lat))
    ns = "N" if ll.lat >= 0 else "S"
    ew = "E" if ll.lon >= 0 else "W"
    return LaunchPoint(f"{abs(ll.lat):.3f}°{ns} {abs(ll.lon):.3f}°{ew}", ll.lon, ll.lat)


# --- article input ---------------------------------------------------------------------------


def strip_html(html: str) -> str:
    """The visible text of an uploaded HTML article (see :func:`mapapp.text.article.html_to_text`)."""
    return html_to_text(html)


def _looks_binary(data: bytes) -> bool:
    head = data[:65536]
    if b"\x00" in head:
        return True
    if not head:
        return False
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return controls / len(head) > 0.02


def decode_text(data: bytes, what: str) -> str:
    """Bytes as text (UTF-8, with or without BOM; else Windows-1252), or InputError for binary data."""
    if _looks_binary(data):
        msg = (
            f"{what} looks like a binary file (images, PDFs and Word files cannot be read); "
            "give a plain-text, Markdown or HTML article."
        )
        raise InputError(msg)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            msg = f"{what} is not UTF-8 text; save it as UTF-8 and upload it again."
            raise InputError(msg) from None


def check_article_text(text: str, what: str) -> str:
    """``text`` stripped, if it is non-empty and not too long; else InputError."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        msg = f"{what} is empty; paste or upload the text of a news article."
        raise InputError(msg)
    if len(text) > MAX_ARTICLE_CHARS:
        msg = (
            f"{what} is {len(text):,} characters, more than the {MAX_ARTICLE_CHARS:,} the app reads; "
            "give one article (or use `mapapp geoparse` for bulk text)."
        )
        raise InputError(msg)
    return text


def text_from_upload(name: str, data: bytes, max_bytes: int = MAX_UPLOAD_BYTES) -> str:
    """The article text of an uploaded file: ``.txt``/``.md`` as is, ``.html`` with tags stripped.

    Raises
    ------
    InputError
        Empty file, wrong extension, binary content, larger than ``max_bytes`` or
        :data:`MAX_ARTICLE_CHARS`, or an HTML page with no text.
    """
    what = f"The file {name!r}"
    suffix = Path(name).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        msg = f"{what} has extension {suffix or '(none)'!r}; expected one of {', '.join(UPLOAD_SUFFIXES)}."
        raise InputError(msg)
    if len(data) > max_bytes:
        msg = (
            f"{what} is {len(data) / 1048576:.1f} MB, more than the {max_bytes / 1048576:.0f} MB limit; "
            "upload the article alone."
        )
        raise InputError(msg)
    if not data.strip():
        msg = f"{what} is empty; upload a file with the article's text."
        raise InputError(msg)
    if len(data) > 4 * MAX_ARTICLE_CHARS:
        msg = (
            f"{what} is {len(data) / 1048576:.1f} MB, far more than a news article; "
            "upload the article alone (or use `mapapp geoparse` for bulk text)."
        )
        raise InputError(msg)
    text = decode_text(data, what)
    if suffix in (".html", ".htm"):
        text = strip_html(text)
        if not text.strip():
            msg = f"{what} has no visible text once its HTML tags are removed."
            raise InputError(msg)
    return check_article_text(text, what)


def text_from_paste(text: str | None) -> str:
    """Pasted article text, checked (empty -> InputError). HTML pastes are stripped of tags."""
    text = text or ""
    if "\x00" in text:
        msg = "The pasted text contains NUL characters (binary data); paste the article's text."
        raise InputError(msg)
    if re.search(r"<(html|body|p|div|article)\b", text[:5000], re.IGNORECASE):
        text = strip_html(text)
    return check_article_text(text, "The pasted text")


def seed_files(seed_dir: Path) -> list[str]:
    """Names of the article files in ``seed_dir`` (``*.txt``/``*.md``/``*.html``), sorted."""
    if not seed_dir.is_dir():
        return []
    return sorted(
        p.name
        for p in seed_dir.iterdir()
        if p.is_file() and p.suffix.lower() in UPLOAD_SUFFIXES and not p.name.startswith(".")
    )


def seed_dir() -> Path:
    """The repository's ``seeds/`` directory (beside the package)."""
    return Path(__file__).resolve().parents[2] / "seeds"


_MD_SPECIAL = re.compile(r"([\\`*_\[\]()#!|<>~$:])")


def md(text: object) -> str:
    """``text`` made inert for Streamlit's Markdown: the characters that make links, images,
    emphasis, code, HTML, maths and autolinks are backslash-escaped.

    Article titles, outlet names, place names from links, file names and error messages that
    quote them are untrusted: unescaped, ``![x](http://host/t.png)`` would load a remote image
    (a request off the machine) and ``[text](url)`` would make a link.
    """
    return _MD_SPECIAL.sub(r"\\\1", str(text))

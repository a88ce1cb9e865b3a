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

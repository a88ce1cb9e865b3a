"""mapapp: an offline-first geospatial conflict map.

The domain core (gazetteer, geoparse, geodesy, reach, events) never imports streamlit or folium.
"""

from __future__ import annotations

from mapapp.errors import (
    DataDirError,
    GeometryError,
    InputError,
    MapAppError,
    OutputError,
    PlaceNotFound,
    UnknownWeapon,
)
from mapapp.model import DateValue, Event, LonLat, Mention, Place, Weapon

__version__ = "0.1.0"

__all__ = [
    "DataDirError",
    "DateValue",
    "Event",
    "GeometryError",
    "InputError",
    "LonLat",
    "MapAppError",
    "Mention",
    "OutputError",
    "Place",
    "PlaceNotFound",
    "UnknownWeapon",
    "Weapon",
    "__version__",
]

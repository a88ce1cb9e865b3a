"""Every environment variable mapapp reads, with its default and what it does.

One table (:data:`SETTINGS`); modules read a value with :func:`get`, never ``os.environ``
directly, so this page is the whole list. Values are read at call time (a test or a shell can
change them between calls). ``python -m mapapp.settings`` prints the table with current values.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

__all__ = ["SETTINGS", "Setting", "get"]


@dataclass(frozen=True)
class Setting:
    """One environment variable: its name, the default used when it is unset or empty, and help."""

    name: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "MAPAPP_DATA_DIR",
        "",
        "Directory of the offline data (gazetteer, boundaries, weapons) instead of the repository's data/geo.",
    ),
    Setting(
        "MAPAPP_WEAPONS",
        "",
        "Extra weapon catalogue CSV files (os.pathsep-separated) merged over the built-in one.",
    ),
    Setting(
        "MAPAPP_PLACES",
        "",
        "A user gazetteer (CSV or GeoJSON: name, aliases, lat, lon, kind) merged at load, winning ties.",
    ),
    Setting("MAPAPP_ARTICLE", "", "The article the app opens on (a path); the seed article when unset."),
    Setting(
        "MAPAPP_LIBRARY_DIR",
        "~/.local/share/mapapp/articles",
        "Where the app keeps pasted and uploaded articles (content-addressed) so that links can reopen them.",
    ),
    Setting("MAPAPP_LIBRARY_MAX_MB", "200", "Size cap of the article library, MB; the oldest articles go first."),
    Setting(
        "MAPAPP_NODE_MODULES",
        "",
        "The node_modules directory holding the map's npm browser libraries (Leaflet.draw) instead of the "
        "repository's node_modules/ (scripts/setup.sh fills that with `npm ci`).",
    ),
    Setting(
        "MAPAPP_WARM_BROWSER",
        "1",
        "Set to 0: the app does not keep a Chromium warm for snapshots (tests that never take one).",
    ),
    Setting("MAPAPP_VERBOSE", "", "Any value: `mapapp app` shows the Streamlit server's own output."),
    Setting(
        "MAPAPP_WARM_BROWSER",
        "1",
        "1: the app keeps one Chromium running for its snapshots (fast PNG/PDF); 0: start one per snapshot.",
    ),
    Setting(
        "MAPAPP_STORE_CRASH_AFTER",
        "",
        "Testing hook: after this many published batches, the next publish dies before its commit point.",
    ),
)
_BY_NAME = {s.name: s for s in SETTINGS}


def get(name: str) -> str:
    """The value of setting ``name``: the environment's when set and non-empty, else the default.

    Raises
    ------
    KeyError
        ``name`` is not in :data:`SETTINGS` (a programming error: declare it there first).
    """
    setting = _BY_NAME[name]
    value = os.environ.get(name, "")
    return value if value.strip() else setting.default


if __name__ == "__main__":  # pragma: no cover - a listing for people
    for s in SETTINGS:
        print(f"{s.name}={get(s.name)!r}\n    {s.help} (default {s.default!r})")

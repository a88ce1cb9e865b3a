"""Save what is on screen: PNG, PDF, standalone HTML, GeoJSON or KML of the map as the person sees it.

The snapshot's spec is the map's spec with the browser's last report of the view
(:func:`mapapp.app.session.screen_view`): the same centre and zoom in a map of the same size, so
the picture has the screen's bounds, with only the visible layers (and their legend), the title
band, date, sources and scale. PNG/PDF come from the server's warm Chromium
(:func:`mapapp.app.caches.browser`), so no browser starts per shot.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import streamlit as st

from mapapp.app import caches, messages, session
from mapapp.errors import MapAppError
from mapapp.maps.spec import MapSpec
from mapapp.maps.viewstate import md

FORMATS = {
    "PNG": ("png", "image/png"),
    "PDF": ("pdf", "application/pdf"),
    "HTML": ("html", "text/html"),
    "GeoJSON": ("geojson", "application/geo+json"),
    "KML": ("kml", "application/vnd.google-earth.kml+xml"),
}
#: Picture size when the browser has not reported its map yet (CSS px; the usual map).
FALLBACK_PX = (1400, 960)


def render(spec: MapSpec, fmt_label: str) -> tuple[bytes, str, str]:
    """The snapshot file's bytes, file name and MIME type for ``spec`` (with the screen view)."""
    from mapapp.render import snapshot

    ext, mime = FORMATS[fmt_label]
    with tempfile.TemporaryDirectory(prefix="mapapp-app-") as d:
        out = Path(d) / f"map.{ext}"
        browser = caches.browser() if snapshot.chromium_available() else None
        snapshot.write(spec, out, width=FALLBACK_PX[0], height=FALLBACK_PX[1], browser=browser)
        data = out.read_bytes()
    return data, f"mapapp-{dt.datetime.now():%Y%m%d-%H%M%S}.{ext}", mime


def _make(spec: MapSpec) -> None:
    messages.new_action()
    ss = st.session_state
    fmt = ss.get("snap_fmt", "PNG")
    screen = session.screen_view()
    snap_spec = spec.with_view(screen=screen) if screen is not None else spec
    try:
        ss["snap"] = (fmt, *render(snap_spec, fmt))
    except MapAppError as err:
        messages.say("error", f"Could not make the {fmt} snapshot: {err}")


def panel(spec: MapSpec) -> None:
    """The snapshot controls under the map."""
    ss = st.session_state
    st.subheader("Save what is on screen")
    c1, c2, c3 = st.columns([2, 2, 3])
    c1.selectbox("Format", list(FORMATS), key="snap_fmt", label_visibility="collapsed")
    c2.button("Prepare snapshot", key="snap_make", on_click=_make, args=(spec,))
    snap = ss.get("snap")
    if snap:
        fmt_done, data, name, mime = snap
        c3.download_button(
            f"Download {fmt_done} ({len(data) / 1024:,.0f} KB)",
            data,
            file_name=name,
            mime=mime,
            key="snap_download",
            on_click="ignore",
        )
        st.caption(md(f"{name}: the map as on screen, with the layers shown and their legend."))

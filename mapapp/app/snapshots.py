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


def render(spec: MapSpec, fmt_label: str) -> tuple[bytes, str, str, dict[str, object] | None]:
    """The snapshot file's bytes, file name, MIME type and what it shows (for pictures: bounds,
    layers, legend as measured in the rendered page) for ``spec`` (with the screen view)."""
    from mapapp.render import snapshot

    ext, mime = FORMATS[fmt_label]
    with tempfile.TemporaryDirectory(prefix="mapapp-app-") as d:
        out = Path(d) / f"map.{ext}"
        browser = caches.browser() if snapshot.chromium_available() else None
        view = st.session_state.get("basemap_view")  # the borders the person's map shows
        res = snapshot.write(spec, out, width=FALLBACK_PX[0], height=FALLBACK_PX[1], browser=browser, basemap_view=view)
        data = out.read_bytes()
    return data, f"mapapp-{dt.datetime.now():%Y%m%d-%H%M%S}.{ext}", mime, res.view


def describe(view: dict[str, object] | None, titles: dict[str, str]) -> str:
    """``"Shows 30.10°E – 40.20°E, 48.00°N – 52.10°N; legend: Places (article), Events"``."""
    if not view:
        return "The map's data as on screen (the layers shown)."
    w, s, e, n = (float(x) for x in view["bounds"])  # type: ignore[attr-defined]

    def lon(x: float) -> str:
        return f"{abs(x):.2f}°{'E' if x >= 0 else 'W'}"

    def lat(y: float) -> str:
        return f"{abs(y):.2f}°{'N' if y >= 0 else 'S'}"

    legend = [titles.get(str(k), str(k)) for k in view.get("legend", [])]  # type: ignore[attr-defined]
    return f"Shows {lon(w)} – {lon(e)}, {lat(s)} – {lat(n)}; legend: {', '.join(legend) or 'none'}."


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


def panel(spec: MapSpec, titles: dict[str, str]) -> None:
    """The snapshot controls under the map (``titles``: layer key -> title, for the caption)."""
    ss = st.session_state
    st.subheader("Save what is on screen")
    c1, c2, c3 = st.columns([2, 2, 3])
    c1.selectbox("Format", list(FORMATS), key="snap_fmt", label_visibility="collapsed")
    c2.button("Prepare snapshot", key="snap_make", on_click=_make, args=(spec,))
    snap = ss.get("snap")
    if snap:
        fmt_done, data, name, mime, view = snap
        c3.download_button(
            f"Download {fmt_done} ({len(data) / 1024:,.0f} KB)",
            data,
            file_name=name,
            mime=mime,
            key="snap_download",
            on_click="ignore",
        )
        st.caption(md(f"{name}: {describe(view, titles)}"), help="Measured in the rendered file.")

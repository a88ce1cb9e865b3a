"""Browser-free renderer: draw a :class:`~mapapp.mapspec.MapSpec` to PNG/PDF with matplotlib.

Used when Chromium is missing (or ``--renderer matplotlib``). Same layers, colours, legend,
title, scale bar and attribution as the Leaflet map; plate carrée axes with the aspect set for
the view's latitude, so distances read right near its centre.
"""

from __future__ import annotations

import math
import textwrap
from pathlib import Path
from typing import Literal

import geopandas as gpd
from matplotlib import patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from pyproj import Geod

from mapapp.mapspec import (
    ADMIN1_BORDER,
    BORDER,
    EVENT_COLOR,
    IN_RANGE,
    LAND,
    OUT_OF_RANGE,
    PLACE_COLOR,
    SEA,
    MapSpec,
    format_km,
)

_GEOD = Geod(ellps="WGS84")
_HALO = [patheffects.withStroke(linewidth=3, foreground="white")]


def fit_view(bounds: tuple[float, float, float, float], width: int, height: int
             ) -> tuple[tuple[float, float, float, float], float]:
    """Grow ``bounds`` (west, south, east, north) to the figure's aspect; returns (bounds, aspect)
    where aspect = 1 / cos(centre latitude) is the y/x scale of the axes."""
    w, s, e, n = bounds
    lat0 = (s + n) / 2
    aspect = 1.0 / max(math.cos(math.radians(lat0)), 0.1)
    span_x, span_y = e - w, n - s
    want = height / width  # axes height/width in display units
    cur = span_y * aspect / span_x
    cx, cy = (w + e) / 2, (s + n) / 2
    if cur < want:  # too wide: add latitude
        span_y = want * span_x / aspect
    else:
        span_x = span_y * aspect / want
    return (cx - span_x / 2, cy - span_y / 2, cx + span_x / 2, cy + span_y / 2), aspect


def _nice_km(max_km: float) -> float:
    for v in (10000, 5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5, 2, 1):
        if v <= max_km:
            return float(v)
    return 1.0


def draw(spec: MapSpec, out: Path, *, fmt: Literal["png", "pdf"] = "png", width: int = 1600,
         height: int = 1000) -> None:
    """Draw ``spec`` into ``out`` (PNG or PDF), ``width`` x ``height`` pixels at 100 dpi."""
    w0, s0, e0, n0 = spec.focus_bounds()
    e0 += 0.3 * (e0 - w0)  # room for the legend in the lower right, as the Leaflet map pads for it
    (w, s, e, n), aspect = fit_view((w0, s0, e0, n0), width, height)
    fig = Figure(figsize=(width / 100, height / 100), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_facecolor(SEA)
    ax.set_xlim(w, e)
    ax.set_ylim(s, n)
    ax.set_aspect(aspect)
    ax.set_xticks([])
    ax.set_yticks([])
    handles: list[object] = []

    if spec.basemap:
        from mapapp import basemap

        bm = basemap.for_view((w, s, e, n), margin=0.2, detail_px=max(width, height))
        if spec.is_on("countries") and len(bm.countries):
            bm.countries.plot(ax=ax, facecolor=LAND, edgecolor=BORDER, linewidth=0.8, zorder=1)
            for name, lon, lat in bm.labels:
                ax.text(lon, lat, name.upper(), fontsize=10, color="#777", ha="center", va="center",
                        zorder=2, path_effects=[patheffects.withStroke(linewidth=2, foreground=LAND)])
        if spec.is_on("admin1") and len(bm.admin1):
            bm.admin1.boundary.plot(ax=ax, color=ADMIN1_BORDER, linewidth=0.6, linestyle=(0, (4, 3)),
                                    zorder=1.5)

    for r in spec.ranges:
        if not spec.is_on(r.key):
            continue
        color = spec.range_color(r)
        foot = r.kind == "footprint"
        gs = gpd.GeoSeries([r.geometry], crs="EPSG:4326")
        gs.plot(ax=ax, facecolor=color, alpha=0.16 if foot else 0.07, edgecolor="none", zorder=3)
        gs.boundary.plot(ax=ax, color=color, linewidth=2.2, linestyle="-" if foot else (0, (6, 4)),
                         zorder=3.1)
        for _name, ll in r.origins:
            ax.scatter([ll.lon], [ll.lat], s=45, color=color, edgecolors="white", linewidths=1.5, zorder=5)
        src = f" — {r.weapon.source[:45]}…" if len(r.weapon.source) > 45 else f" — {r.weapon.source}"
        handles.append(Patch(facecolor=color + "33", edgecolor=color, linestyle="-" if foot else "--",
                             linewidth=2, label=f"{r.title}{src}"))

    if spec.events and spec.is_on("events"):
        xs = [p.lon for ev in spec.events for p in ev.places]
        ys = [p.lat for ev in spec.events for p in ev.places]
        ax.scatter(xs, ys, s=40, marker="D", color=EVENT_COLOR, edgecolors="white", linewidths=1,
                   zorder=6, alpha=0.9 if len(xs) < 500 else 0.3)
        handles.append(Line2D([], [], marker="D", linestyle="", color=EVENT_COLOR, markeredgecolor="white",
                              label="Event"))

    if spec.places and spec.is_on("places"):
        for pm in spec.places:
            p = pm.place
            country = p.kind == "country"
            size = 30 if country else min(45 + 15 * (pm.count - 1), 140)
            ax.scatter([p.lon], [p.lat], s=size, color="#555" if country else PLACE_COLOR,
                       edgecolors="white", linewidths=1.5, zorder=7)
            if pm.label and w <= p.lon <= e and s <= p.lat <= n:
                ax.annotate(p.name, (p.lon, p.lat), xytext=(7, 0), textcoords="offset points", fontsize=11,
                            fontweight="bold", va="center", zorder=8, path_effects=_HALO,
                            annotation_clip=True)
        handles.append(Line2D([], [], marker="o", linestyle="", color=PLACE_COLOR, markeredgecolor="white",
                              label="Place named in the article"))

    if spec.targets and spec.is_on("targets"):
        for t in spec.targets:
            ax.scatter([t.lon], [t.lat], s=50, zorder=7, linewidths=1.8,
                       color=IN_RANGE if t.in_range else "white",
                       edgecolors=IN_RANGE if t.in_range else OUT_OF_RANGE)
            if t.in_range and w <= t.lon <= e and s <= t.lat <= n:
                ax.annotate(t.name, (t.lon, t.lat), xytext=(6, 0), textcoords="offset points", fontsize=9,
                            color=IN_RANGE, va="center", zorder=8, path_effects=_HALO)
        handles.append(Line2D([], [], marker="o", linestyle="", color=IN_RANGE, label="Target in range"))
        handles.append(Line2D([], [], marker="o", linestyle="", markerfacecolor="white",
                              markeredgecolor=OUT_OF_RANGE, label="Target out of range"))

    if handles:
        leg = ax.legend(handles=handles, loc="lower right", bbox_to_anchor=(0.995, 0.03), fontsize=9,
                        title="Legend", title_fontsize=9,
                        framealpha=0.92, borderpad=0.8)
        leg.set_zorder(20)

    title = textwrap.shorten(spec.title, 150, placeholder="…")
    title = "\n".join(textwrap.wrap(title, max(30, width // 14))[:2])
    if spec.subtitle:
        title += "\n" + spec.subtitle
    ax.text(0.01, 0.985, title, transform=ax.transAxes, fontsize=14, fontweight="bold", va="top", ha="left",
            zorder=21,
            bbox={"boxstyle": "round,pad=0.5", "facecolor": "white", "alpha": 0.92, "edgecolor": "none"})
    ax.text(0.995, 0.005, spec.attribution(), transform=ax.transAxes, fontsize=8, color="#333", ha="right",
            va="bottom", zorder=21, bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none", "pad": 2})
    _scale_bar(ax, (w, s, e, n))
    fig.savefig(out, format=fmt, dpi=100)


def _scale_bar(ax: object, bounds: tuple[float, float, float, float]) -> None:
    """A scale bar in the lower left: a round number of km, measured on the ellipsoid."""
    w, s, e, n = bounds
    lat = s + 0.05 * (n - s)
    _, _, width_m = _GEOD.inv(w, lat, e, lat)
    km = _nice_km(width_m / 1000 / 5)
    x0 = w + 0.02 * (e - w)
    lon1, _, _ = _GEOD.fwd(x0, lat, 90, km * 1000)
    y = lat
    ax.plot([x0, lon1], [y, y], color="#222", linewidth=3, solid_capstyle="butt", zorder=22)  # type: ignore[attr-defined]
    ax.text(x0, y + 0.012 * (n - s), format_km(km), fontsize=9, va="bottom", ha="left",  # type: ignore[attr-defined]
            zorder=22, path_effects=_HALO)

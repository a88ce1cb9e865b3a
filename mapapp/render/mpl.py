"""Browser-free renderer: draw a :class:`~mapapp.maps.spec.MapSpec` to PNG/PDF with matplotlib.

Used when Chromium is missing (or ``--renderer matplotlib``). Same layers, colours, legend,
title, scale bar and attribution as the Leaflet map; plate carrée axes with the aspect set for
the view's latitude, so distances read right near its centre.
"""

from __future__ import annotations

import json
import math
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import geopandas as gpd
import numpy as np
from matplotlib import patheffects
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.transforms import Bbox
from pyproj import Geod
from shapely.geometry import Polygon

from mapapp.maps.spec import (
    ADMIN1_BORDER,
    BORDER,
    IN_RANGE,
    LAND,
    LAYER_DENSITY,
    OTHER_EVENT_COLOR,
    OUT_OF_RANGE,
    PLACE_COLOR,
    SEA,
    MapSpec,
    coarse_note,
    density_classes,
    density_color,
    density_legend_title,
    event_color,
    event_types,
    format_km,
    label_priority,
    point_places,
)

_GEOD = Geod(ellps="WGS84")
_HALO = [patheffects.withStroke(linewidth=3, foreground="white")]


def fit_view(
    bounds: tuple[float, float, float, float], width: int, height: int
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


def _title_text(spec: MapSpec, width: int) -> tuple[str, str]:
    """The title wrapped to the figure's width (3 lines at most, "…" if cut) and the subtitle."""
    title = textwrap.shorten(spec.title, 150, placeholder="…")
    lines = textwrap.wrap(title, max(30, int(width / 12.5)))
    if len(lines) > 3:
        lines = [*lines[:2], textwrap.shorten(" ".join(lines[2:]), max(30, int(width / 12.5)), placeholder="…")]
    return "\n".join(lines), spec.subtitle


def draw(
    spec: MapSpec,
    out: Path,
    *,
    fmt: Literal["png", "pdf"] = "png",
    width: int = 1600,
    height: int = 1000,
    scale: float = 1.0,
) -> dict[str, object]:
    """Draw ``spec`` into ``out`` (PNG or PDF), ``width`` x ``height`` pixels at 100 dpi (a
    spec with a screen view: the screen's map size plus the title band, ``scale`` pixels per CSS
    pixel). Returns what the picture shows (bounds, centre, size, layers, legend; see
    :attr:`mapapp.render.snapshot.SnapshotResult.view`), which a PNG also carries in its
    ``mapapp:view`` text chunk."""
    fig = figure(spec, width=width, height=height, scale=scale)
    view: dict[str, object] = getattr(fig, "mapapp_view", {})
    meta = {"mapapp:view": json.dumps(view)} if fmt == "png" else None
    fig.savefig(out, format=fmt, dpi=fig.dpi, metadata=meta)
    return view


def figure(  # noqa: C901 (one branch per layer kind drawn)
    spec: MapSpec, *, width: int = 1600, height: int = 1000, scale: float = 1.0
) -> Figure:
    """The matplotlib figure of ``spec`` (``width`` x ``height`` pixels at 100 dpi); the map is
    its first axes, in lon/lat.

    The title and subtitle sit in a band above the map (never over the data); labels that would
    collide are moved to another side of their point or left out, higher priority first (see
    :func:`mapapp.render.leaflet.label_priority`). With a screen view (``spec.screen``) the
    axes show exactly the screen's bounds in a box of the screen's size (CSS pixels, drawn at
    ``scale`` x 100 dpi), like the browser's picture of it.
    """
    screen = spec.screen
    if screen is not None:
        width = int(screen.width_px)
    title, subtitle = _title_text(spec, width)
    band_px = 16 + 25 * (title.count("\n") + 1) + (22 if subtitle else 0)  # 15 pt title lines, 11 pt subtitle
    if screen is not None:
        map_h = int(screen.height_px)
        height = map_h + band_px
        w, s, e, n = screen.bounds
        aspect: float | Literal["auto"] = "auto"  # the axes box has the screen's shape: its bounds fill it
    else:
        map_h = height - band_px
        w0, s0, e0, n0 = spec.focus_bounds()
        # room for the legend in the lower right, as the Leaflet map pads for it (not past 180°)
        e0 = max(e0, min(e0 + 0.3 * (e0 - w0), 180.0))
        (w, s, e, n), aspect = fit_view((w0, s0, e0, n0), width, map_h)
    dpi = 100 * (scale if screen is not None else 1.0)
    fig = Figure(figsize=(width / 100, height / 100), dpi=dpi, facecolor="white")
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, map_h / height))
    ax.set_facecolor(SEA)
    ax.set_xlim(w, e)
    ax.set_ylim(s, n)
    ax.set_aspect(aspect)
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ax.spines.values():
        side.set_visible(False)
    handles: list[Artist] = []
    labels: list[_Label] = []
    legend_keys: list[str] = []

    if spec.basemap:
        from mapapp.maps import basemap

        bm = basemap.for_view((w, s, e, n), margin=0.2, detail_px=max(width, height))
        if spec.is_on("countries") and len(bm.countries):
            bm.countries.plot(ax=ax, facecolor=LAND, edgecolor=BORDER, linewidth=0.8, zorder=1)
            # country names would sit under the density cells; the outlines are enough there
            names = () if spec.density and spec.is_on(LAYER_DENSITY) else bm.labels
            for i, (name, lon, lat) in enumerate(names):
                labels.append(
                    _Label(
                        name.upper(),
                        lon,
                        lat,
                        -1.0 - i,
                        0.0,
                        fixed=True,
                        style={
                            "fontsize": 10,
                            "color": "#777",
                            "zorder": 2,
                            "path_effects": [patheffects.withStroke(linewidth=2, foreground=LAND)],
                        },
                    )
                )
        if spec.is_on("admin1") and len(bm.admin1):
            bm.admin1.boundary.plot(ax=ax, color=ADMIN1_BORDER, linewidth=0.6, linestyle=(0, (4, 3)), zorder=1.5)

    if spec.density and spec.is_on(LAYER_DENSITY):
        legend_keys.append(LAYER_DENSITY)
        classes = density_classes(c.count for c in spec.density)
        gs = gpd.GeoSeries([Polygon(c.ring) for c in spec.density], crs="EPSG:4326")
        gs.plot(
            ax=ax,
            color=[density_color(c.count, classes) for c in spec.density],
            edgecolor="white",
            linewidth=0.4,
            alpha=0.85,
            zorder=2.5,
        )
        handles.append(Line2D([], [], linestyle="", label=density_legend_title(spec)))
        for c in classes:
            handles.append(Patch(facecolor=c.color, edgecolor="white", alpha=0.85, label=f"   {c.label}"))

    for r in spec.ranges:
        if not spec.is_on(r.key):
            continue
        if r.key not in legend_keys:
            legend_keys.append(r.key)
        color = spec.range_color(r)
        foot = r.kind == "footprint"
        gs = gpd.GeoSeries([r.geometry], crs="EPSG:4326")
        gs.plot(ax=ax, facecolor=color, alpha=0.16 if foot else 0.07, edgecolor="none", zorder=3)
        gs.boundary.plot(ax=ax, color=color, linewidth=2.2, linestyle="-" if foot else (0, (6, 4)), zorder=3.1)
        for _name, ll in r.origins:
            ax.scatter([ll.lon], [ll.lat], s=45, color=color, edgecolors="white", linewidths=1.5, zorder=5)
        src = f" — {r.weapon.source[:45]}…" if len(r.weapon.source) > 45 else f" — {r.weapon.source}"
        handles.append(
            Patch(
                facecolor=color + "33",
                edgecolor=color,
                linestyle="-" if foot else "--",
                linewidth=2,
                label=f"{r.title}{src}",
            )
        )

    prio = label_priority(spec)
    if spec.places and spec.is_on("places"):
        legend_keys.append("places")
        for pm in spec.places:
            p = pm.place
            country = p.kind == "country"
            size = 30 if country else min(60 + 20 * (pm.count - 1), 160)
            ax.scatter(
                [p.lon],
                [p.lat],
                s=size,
                color="#555" if country else PLACE_COLOR,
                edgecolors="white",
                linewidths=1.5,
                zorder=7,
            )
            if pm.label:
                labels.append(
                    _Label(
                        p.name,
                        p.lon,
                        p.lat,
                        prio[(p.name, p.lon, p.lat)],
                        math.sqrt(size) / 2,
                        style={"fontsize": 11, "fontweight": "bold", "zorder": 8, "path_effects": _HALO},
                    )
                )
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                linestyle="",
                color=PLACE_COLOR,
                markeredgecolor="white",
                markersize=8,
                label="Place named in the article",
            )
        )

    if spec.events and spec.is_on("events"):
        legend_keys.append("events")
        drawn = [ev for ev in spec.events if point_places(ev)]  # country-level events are listed aside
        xs = [p.lon for ev in drawn for p in point_places(ev)]
        ys = [p.lat for ev in drawn for p in point_places(ev)]
        colors = [event_color(ev.event_type) for ev in drawn for _ in point_places(ev)]
        many = len(xs) >= 500
        # above the places (an event is usually at a place the article names), smaller than them
        ax.scatter(
            xs,
            ys,
            s=16 if many else 34,
            marker="D",
            c=colors,
            edgecolors="white",
            linewidths=0.4 if many else 1.0,
            zorder=7.5,
            alpha=0.5 if many else 1.0,
        )
        for kind in event_types(drawn):
            color = OTHER_EVENT_COLOR if kind == "Other" else event_color(kind)
            handles.append(
                Line2D([], [], marker="D", linestyle="", color=color, markeredgecolor="white", label=f"Event: {kind}")
            )
        note = coarse_note(spec.events)
        if note:
            handles.append(Line2D([], [], linestyle="", label=note))

    if spec.targets and spec.is_on("targets"):
        legend_keys.append("targets")
        named = {pm.place.name for pm in spec.places if pm.label} if spec.is_on("places") else set()
        few = sum(t.in_range and t.kind != "airfield" for t in spec.targets) <= 30
        for t in spec.targets:
            ax.scatter(
                [t.lon],
                [t.lat],
                s=42 if t.kind == "airfield" else 50,
                marker="s" if t.kind == "airfield" else "o",  # an air base: a square
                zorder=6.5,
                linewidths=1.8,
                color=IN_RANGE if t.in_range else "white",
                edgecolors=IN_RANGE if t.in_range else OUT_OF_RANGE,
            )
            if t.in_range and few and t.name not in named and t.kind != "airfield":  # one label per town
                labels.append(
                    _Label(
                        t.name,
                        t.lon,
                        t.lat,
                        prio[(t.name, t.lon, t.lat)],
                        4.5,
                        style={"fontsize": 9.5, "color": IN_RANGE, "zorder": 8, "path_effects": _HALO},
                    )
                )
        handles.append(Line2D([], [], marker="o", linestyle="", color=IN_RANGE, label="Target in range"))
        if any(t.kind == "airfield" for t in spec.targets):
            handles.append(Line2D([], [], marker="s", linestyle="", color=IN_RANGE, label="Air base in range (square)"))
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                linestyle="",
                markerfacecolor="white",
                markeredgecolor=OUT_OF_RANGE,
                label="Target out of range",
            )
        )

    obstacles: list[Bbox] = []
    if handles:
        pts = ax.transData.transform(
            np.array(
                [(lb.lon, lb.lat) for lb in labels if not lb.fixed]
                + [(p.lon, p.lat) for ev in spec.events for p in point_places(ev)]
                + [(t.lon, t.lat) for t in spec.targets]
                + [(c.lon, c.lat) for c in spec.density]
                + [(ll.lon, ll.lat) for r in spec.ranges for _, ll in r.origins]
            ).reshape(-1, 2)
        )
        best: tuple[int, int] | None = None
        for i, (loc, anchor) in enumerate(_LEGEND_SPOTS):  # the corner that hides the fewest points
            leg = _legend(ax, handles, loc, anchor)
            box = leg.get_window_extent(fig.canvas.get_renderer()).padded(25)  # type: ignore[attr-defined]
            hidden = int(
                ((pts[:, 0] >= box.x0) & (pts[:, 0] <= box.x1) & (pts[:, 1] >= box.y0) & (pts[:, 1] <= box.y1)).sum()
            )
            if best is None or hidden < best[0]:
                best = (hidden, i)
        loc, anchor = _LEGEND_SPOTS[best[1] if best else 0]
        leg = _legend(ax, handles, loc, anchor)
        leg.set_zorder(20)
        obstacles.append(leg.get_window_extent(fig.canvas.get_renderer()))  # type: ignore[attr-defined]

    # parse_math=False everywhere text comes from the spec: "$5 billion ... $2" is money, not TeX
    fig.text(0.008, 1 - 8 / height, title, fontsize=15, fontweight="bold", va="top", ha="left", parse_math=False)
    if subtitle:
        fig.text(
            0.008, (map_h + 6) / height, subtitle, fontsize=11, color="#555", va="bottom", ha="left", parse_math=False
        )
    attr = ax.text(
        0.995,
        0.005,
        spec.attribution(),
        transform=ax.transAxes,
        fontsize=8,
        color="#333",
        ha="right",
        va="bottom",
        zorder=21,
        parse_math=False,
        bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none", "pad": 2},
    )
    obstacles.append(attr.get_window_extent(fig.canvas.get_renderer()))  # type: ignore[attr-defined]
    obstacles.append(_scale_bar(ax, (w, s, e, n)))
    _place_labels(ax, labels, obstacles)
    ax.set_xlabel("")
    ax.set_ylabel("")
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    base = [k for k in ("countries", "admin1") if spec.basemap and spec.is_on(k)]
    fig.mapapp_view = {  # type: ignore[attr-defined]
        "bounds": [x0, y0, x1, y1],
        "center": [(x0 + x1) / 2, (y0 + y1) / 2],
        "zoom": spec.screen.zoom if spec.screen is not None else None,
        "size": [width, map_h],
        "layers": legend_keys + base,
        "legend": list(legend_keys),
    }
    return fig


#: Characters per line of a legend entry (about the Leaflet legend's 300 px at its font size).
LEGEND_WRAP_CHARS = 48


def _legend(ax: Axes, handles: list[Artist], loc: str, anchor: tuple[float, float]) -> Legend:
    """The map's legend at ``loc``; its entries (weapon names, sources, event types) are plain
    text, never mathtext."""
    leg = ax.legend(
        handles=handles,
        loc=loc,
        bbox_to_anchor=anchor,
        fontsize=9,  # type: ignore[call-overload]
        title="Legend",
        title_fontsize=9,
        alignment="left",
        framealpha=0.92,
        borderpad=0.8,
    )
    for t in [*leg.get_texts(), leg.get_title()]:
        t.set_parse_math(False)
    for t in leg.get_texts():  # long entries (a weapon and its source) wrap: the legend keeps to a corner
        t.set_text(textwrap.fill(t.get_text(), LEGEND_WRAP_CHARS, break_long_words=False))
    return leg


@dataclass
class _Label:
    """A permanent label: text at (lon, lat), its priority (higher first), the radius (points) of
    its marker, and text style; ``fixed`` labels (country names) are centred and never moved."""

    text: str
    lon: float
    lat: float
    prio: float
    radius_pt: float
    fixed: bool = False
    style: dict[str, object] = field(default_factory=dict)


#: Legend positions tried, in order of preference: (loc, bbox_to_anchor in axes fractions).
_LEGEND_SPOTS: tuple[tuple[str, tuple[float, float]], ...] = (
    ("lower right", (0.995, 0.035)),
    ("upper right", (0.995, 0.99)),
    ("lower left", (0.005, 0.08)),
    ("upper left", (0.005, 0.99)),
)

_SIDES = (("left", "center", 1, 0), ("right", "center", -1, 0), ("center", "bottom", 0, 1), ("center", "top", 0, -1))


def _place_labels(ax: Axes, labels: list[_Label], obstacles: list[Bbox]) -> None:
    """Draw ``labels`` greedily by priority; each goes on the first side of its point (right, left,
    above, below) where it overlaps no placed label, no labelled point and no ``obstacles``
    (pixel boxes), and stays inside the axes; otherwise it is left out."""
    fig = ax.figure
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    frame = ax.get_window_extent(renderer)
    taken = list(obstacles)
    w, e = ax.get_xlim()
    s, n = ax.get_ylim()
    shown = [lb for lb in labels if w <= lb.lon <= e and s <= lb.lat <= n]
    px_per_pt = fig.dpi / 72.0
    for lb in shown:
        if lb.radius_pt > 0:
            x, y = ax.transData.transform((lb.lon, lb.lat))
            r = lb.radius_pt * px_per_pt
            taken.append(Bbox.from_extents(x - r, y - r, x + r, y + r))
    for lb in sorted(shown, key=lambda lb: -lb.prio):
        sides = [("center", "center", 0, 0)] if lb.fixed else list(_SIDES)
        for ha, va, dx, dy in sides:
            gap = lb.radius_pt + 2.5
            txt = ax.annotate(
                lb.text,
                (lb.lon, lb.lat),
                xytext=(dx * gap, dy * gap),
                textcoords="offset points",
                ha=ha,
                va=va,
                annotation_clip=True,
                parse_math=False,
                **lb.style,  # type: ignore[arg-type]
            )
            box = txt.get_window_extent(renderer).expanded(1.0, 1.0).padded(1.5)
            inside = (
                frame.containsx(box.x0)
                and frame.containsx(box.x1)
                and frame.containsy(box.y0)
                and frame.containsy(box.y1)
            )
            if inside and not any(box.overlaps(t) for t in taken):
                taken.append(box)
                break
            txt.remove()


def _scale_bar(ax: Axes, bounds: tuple[float, float, float, float]) -> Bbox:
    """A scale bar in the lower left: a round number of km, measured on the ellipsoid along the
    bar's latitude (true there; plate carrée). Returns its pixel box."""
    w, s, e, n = bounds
    lat = s + 0.05 * (n - s)
    x0 = w + 0.02 * (e - w)
    _, _, deg_m = _GEOD.inv(x0, lat, x0 + 1.0, lat)  # metres per degree of longitude here
    km = _nice_km(deg_m * (e - w) / 1000 / 5)
    lon1 = x0 + km * 1000 / deg_m
    y = lat
    line = ax.plot([x0, lon1], [y, y], color="#222", linewidth=3, solid_capstyle="butt", zorder=22)[0]
    label = format_km(km)
    if n - s > 30:  # plate carrée: the bar is only true at its own latitude
        label += f" (at {abs(lat):.0f}°{'N' if lat >= 0 else 'S'})"
    txt = ax.text(
        x0,
        y + 0.012 * (n - s),
        label,
        fontsize=9,
        va="bottom",
        ha="left",
        zorder=22,
        path_effects=_HALO,
        parse_math=False,
    )
    renderer = ax.figure.canvas.get_renderer()  # type: ignore[attr-defined]
    return Bbox.union([line.get_window_extent(renderer), txt.get_window_extent(renderer)])

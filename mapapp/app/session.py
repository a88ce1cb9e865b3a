"""One person's state: read from the link when they arrive, written back to the URL each run.

Session keys (``st.session_state``):

* ``view_cmd`` — the current view command for the map, ``{"id", "center": [lat, lon], "zoom"}``
  or ``{"id", "bounds": [w, s, e, n]}``. The browser applies it once per ``id``; the server
  makes a new one only on an explicit action (a new article, "Fit the map", a link opened).
  Between commands its content follows the browser's reports (same ``id``), so a map that is
  re-mounted opens where the person was, but the live map is never moved by it.
* ``screen`` — the browser's last report of the view (centre, zoom, bounds, size): read for
  the URL and for snapshots, never sent back.
* ``hidden`` / ``lyr:<key>`` / ``visible_rev`` — the one layer state (see
  :mod:`mapapp.app.layerpanel`).
* ``messages`` — see :mod:`mapapp.app.messages`.
"""

from __future__ import annotations

import math
from typing import Any

import streamlit as st

from mapapp import settings
from mapapp.app import caches, messages
from mapapp.errors import InputError
from mapapp.maps import viewstate as appstate
from mapapp.maps.spec import ScreenView
from mapapp.maps.viewstate import LaunchPoint, ViewState
from mapapp.model import LonLat

UPLOAD_LABEL = "Upload a file (.txt, .md, .html)"
PASTE_LABEL = "Paste text"
#: Streamlit key of the map component (its value is the browser's report).
MAP_KEY = "mapapp-map"
#: Environment variable telling the app which seed article to open on (set by ``mapapp app --article``).
ARTICLE_ENV = "MAPAPP_ARTICLE"


#: The zoom of a link that gives a centre but no usable zoom (a country or a region on screen).
LINK_ZOOM = 6


def init() -> None:
    """First run of a browser session: read the URL (the link), set widget defaults."""
    ss = st.session_state
    if ss.get("_init"):
        return
    seeds = appstate.seed_files(appstate.seed_dir())
    params: dict[str, Any] = st.query_params.to_dict()
    start = settings.get(ARTICLE_ENV)
    if start and "article" not in params:
        params["article"] = start
    state, warnings = appstate.from_query(params, seeds)
    from mapapp.app import tools

    warnings += tools.init_from_query(params)
    ss["_init"] = True
    ss["messages"] = [("warning", w) for w in warnings]
    ss["link_state"] = state
    ss["docs"] = {}
    ss["lib_keys"] = {}
    ss["article_choice"] = _article_choice(state, seeds)
    cat = caches.catalogue()
    unknown = [k for k in state.weapons if k not in cat]
    if unknown:
        messages.say("warning", f"Unknown weapons {unknown!r} in the link were left out.")
    ss["weapons"] = [k for k in state.weapons if k in cat]
    ss["custom_on"] = state.custom_km is not None
    ss["custom_km"] = float(state.custom_km or 150.0)
    ss["border_on"] = bool(state.border)
    ss["extra_points"] = {p.name: p for p in state.launch}
    ss["launch_names"] = [p.name for p in state.launch]
    ss["hidden"] = set(state.hidden)
    ss["visible_rev"] = 1
    ss["tiles"] = False
    ss["overrides"] = {}
    ss["link_fixes"] = dict(state.fixes)
    ss["date_from"], ss["date_to"] = state.date_from, state.date_to
    ss["store_dir"] = state.store
    ss["keep_view"] = False
    ss["view_seq"] = 0
    ss["screen"] = None
    ss["shown_doc"] = None
    if state.center is not None:  # a centre without a (usable) zoom still centres the map
        zoom = state.zoom if state.zoom is not None else LINK_ZOOM
        set_view({"center": [state.center.lat, state.center.lon], "zoom": zoom})
    else:
        ss["view_cmd"] = None  # fitted to the article once it is read


def _article_choice(state: ViewState, seeds: list[str]) -> str:
    seed = state.seed_name
    if seed in seeds:
        return seed
    if state.library_key is not None or state.article == appstate.ARTICLE_PASTE:
        return PASTE_LABEL
    if state.article == appstate.ARTICLE_UPLOAD:
        return UPLOAD_LABEL
    return appstate.SEED_NAME if appstate.SEED_NAME in seeds else (seeds or [PASTE_LABEL])[0]


def tables_due() -> bool:
    """Whether this run draws the tables: every run but a session's first, so the first thing a
    person waits for, the map, is not held up by them (the map's first report reruns the page)."""
    ss = st.session_state
    ss["runs"] = int(ss.get("runs", 0)) + 1
    return ss["runs"] > 1


def set_view(view: dict[str, object]) -> None:
    """Issue a new view command (``{"center": [lat, lon], "zoom"}`` or ``{"bounds": [w, s, e, n]}``):
    the map moves once to it; the person's own panning is never overridden otherwise."""
    ss = st.session_state
    ss["view_seq"] = int(ss.get("view_seq", 0)) + 1
    ss["view_cmd"] = {"id": ss["view_seq"], **view}


def on_map_report() -> None:
    """Callback of the map component: take in the browser's report (the view for the URL and
    snapshots; a layer toggled in the map's own control; a click on the map)."""
    from mapapp.app import layerpanel

    ss = st.session_state
    value = ss.get(MAP_KEY)
    if not isinstance(value, dict):
        return
    if value.get("instance") != ss.get("map_instance"):  # a new frame (a reload): its counts start at 0
        ss["map_instance"] = value.get("instance")
        ss["map_seen_seq"] = 0
        ss["map_seen_click"] = None
    view = value.get("view")
    if isinstance(view, dict) and _valid_view(view):
        ss["screen"] = view
        cmd = ss.get("view_cmd")
        if isinstance(cmd, dict) and view.get("id") == cmd.get("id"):
            # same command, now at the person's view: a re-mounted map opens here (never moves the live one)
            ss["view_cmd"] = {"id": cmd["id"], "center": view["center"], "zoom": view["zoom"]}
    seq = value.get("visible_seq")
    if isinstance(seq, int) and seq > int(ss.get("map_seen_seq", 0)):
        ss["map_seen_seq"] = seq
        visible = value.get("visible")
        if isinstance(visible, list):
            messages.new_action()
            layerpanel.from_map({str(k) for k in visible})
    click = value.get("click")
    if isinstance(click, dict) and isinstance(click.get("seq"), int) and click.get("seq") != ss.get("map_seen_click"):
        ss["map_seen_click"] = click.get("seq")
        try:
            ss["pending_click"] = (float(click["lat"]), float(click["lng"]))
        except (KeyError, TypeError, ValueError):
            ss["pending_click"] = None


def _valid_view(view: dict[str, object]) -> bool:
    try:
        c, b, z = view["center"], view["bounds"], view["size"]
        nums = [float(x) for x in (*c, view["zoom"], *b, *z)]  # type: ignore[misc]
    except (KeyError, TypeError, ValueError, IndexError):
        return False
    return len(nums) == 9 and all(math.isfinite(x) for x in nums) and nums[7] > 0 and nums[8] > 0


def screen_view() -> ScreenView | None:
    """What the person's map shows now (for snapshots), longitudes wrapped to -180..180."""
    view = st.session_state.get("screen")
    if not isinstance(view, dict) or not _valid_view(view):
        return None
    lat, lon = float(view["center"][0]), float(view["center"][1])
    w, s, e, n = (float(x) for x in view["bounds"])
    shift = lon - (((lon + 180.0) % 360.0) - 180.0)  # a map panned round the world reports lon > 180
    return ScreenView(
        LonLat(lon - shift, lat),
        float(view["zoom"]),
        round(float(view["size"][0])),
        round(float(view["size"][1])),
        (w - shift, s, e - shift, n),
    )


def link_state(article: str, launch: list[LaunchPoint], fixes: dict[str, str]) -> ViewState:
    """The state a link must carry, from this session (the view as the browser last reported it)."""
    ss = st.session_state
    cat = caches.catalogue()
    center = zoom = None
    sv = screen_view()
    if sv is not None:
        try:
            center, zoom = appstate.check_lonlat(sv.center.lon, sv.center.lat), round(sv.zoom, 2)
        except InputError:
            center = zoom = None
    return ViewState(
        article=article,
        weapons=tuple(k for k in ss.get("weapons", []) if k in cat),
        custom_km=float(ss["custom_km"]) if ss.get("custom_on") else None,
        launch=tuple(launch),
        border=appstate.DEFAULT_BORDER if ss.get("border_on") else "",
        hidden=frozenset(ss.get("hidden", set())),
        tiles=bool(ss.get("tiles")),
        center=center,
        zoom=zoom,
        date_from=ss.get("date_from", ""),
        date_to=ss.get("date_to", ""),
        fixes=tuple(sorted(fixes.items())),
        store=str(ss.get("store_dir") or "").strip(),
    )


def write_url(state: ViewState) -> None:
    """Mirror ``state`` in the URL's query parameters (only when it changed)."""
    from mapapp.app import tools

    query = {**state.to_query(), **tools.link_query()}  # the analyst tools' state too
    if query != st.query_params.to_dict():
        st.query_params.from_dict(query)

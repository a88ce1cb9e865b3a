"""Files a person keeps: the map as standalone HTML, PNG, PDF, GeoJSON or KML.

PNG and PDF are rendered by headless Chromium (Playwright driving Debian's ``/usr/bin/chromium``)
from the same standalone HTML the app shows; the page is loaded from ``file://`` with every
non-local request blocked and logged, and the shot is taken once the map sets
``window.__mapReady`` (no fixed sleeps). Without Chromium a matplotlib renderer draws the same
:class:`~mapapp.maps.spec.MapSpec` (one-line notice on stderr).

A spec with a :class:`~mapapp.maps.spec.ScreenView` (the app's "save what is on screen") is
drawn at that centre and zoom in a map of that CSS size, at ``scale`` device pixels per CSS
pixel, with the title band above and the sources below: the same bounds as the screen. Every
picture reports what it shows (:attr:`SnapshotResult.view`: bounds, centre, zoom, visible
layers, legend), measured in the rendered page (or the matplotlib axes), and a PNG carries it
in a ``mapapp:view`` text chunk (:func:`png_view`).

:class:`WarmBrowser` keeps one Chromium running in a thread of its own for a long-lived process
(the app), so a snapshot does not pay for a browser start.

Every file is written to a temporary file in the target directory and moved into place at the
end, so a failure never leaves a half-written file.
"""

from __future__ import annotations

import atexit
import json
import os
import queue
import shutil
import struct
import sys
import tempfile
import threading
import time
import zlib
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Literal, TypeVar

from mapapp.errors import MapAppError, OutputError
from mapapp.maps.spec import MapSpec
from mapapp.outputs import atomic_output

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Playwright, Route

Renderer = Literal["auto", "chromium", "matplotlib"]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: Flags that keep a snapshot browser from reaching the network on its own. Every remote host
#: name resolves to nothing (so not even a DNS query leaves the machine). Playwright already
#: switches off network-time queries and optimization hints; the on-device-model manifest
#: (a component update request to update.googleapis.com that ``--disable-component-update`` does
#: not stop in Chromium 156) is pointed at an empty local directory (added per launch).
QUIET_ARGS = ["--host-resolver-rules=MAP * ~NOTFOUND"]
MANIFEST_OVERRIDE = "--optimization-guide-manifest-override"
#: Device pixels per CSS pixel of a screen-view snapshot (a crisp picture of the screen).
SCREEN_SCALE = 2
FORMATS = {
    ".html": "html",
    ".htm": "html",
    ".png": "png",
    ".pdf": "pdf",
    ".geojson": "geojson",
    ".json": "geojson",
    ".kml": "kml",
}
#: CSS applied to pictures only: the interactive controls and hints are hidden.
SNAPSHOT_CSS = ".leaflet-control-zoom, .leaflet-control-layers, .mapapp-hint { display: none !important; }"
#: Key of the PNG text chunk that records what the picture shows.
PNG_VIEW_KEY = "mapapp:view"

T = TypeVar("T")
LOCAL_SCHEMES = ("file:", "data:", "about:", "blob:")


class BrowserUnavailable(MapAppError):
    """Chromium is missing or would not start."""


@dataclass
class SnapshotResult:
    """What :func:`write` did: the file, its format, the renderer used, the time taken (s),
    every request the page tried to make to a non-local address (blocked), and for pictures what
    they show (``view``: ``bounds`` [west, south, east, north], ``center`` [lon, lat], ``zoom``,
    ``size`` [width, height] CSS px, ``layers`` shown and ``legend`` layers; None for data files)."""

    path: Path
    fmt: str
    renderer: str
    seconds: float
    blocked: list[str] = field(default_factory=list)
    view: dict[str, object] | None = None


def png_with_text(data: bytes, key: str, text: str) -> bytes:
    """``data`` (a PNG) with an ``iTXt`` chunk ``key`` = ``text`` (UTF-8) after the header."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        msg = "not a PNG"
        raise ValueError(msg)
    body = key.encode("latin-1") + b"\x00\x00\x00\x00\x00" + text.encode("utf-8")
    chunk = struct.pack(">I", len(body)) + b"iTXt" + body + struct.pack(">I", zlib.crc32(b"iTXt" + body))
    ihdr_end = 8 + 4 + 4 + 13 + 4
    return data[:ihdr_end] + chunk + data[ihdr_end:]


def png_view(path: Path | str) -> dict[str, object] | None:
    """What a snapshot PNG shows (see :attr:`SnapshotResult.view`), from its ``mapapp:view``
    text chunk; None if it has none."""
    data = Path(path).read_bytes()
    pos = 8
    while pos + 8 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        if kind in (b"iTXt", b"tEXt") and body.split(b"\x00", 1)[0] == PNG_VIEW_KEY.encode():
            raw = body.split(b"\x00", 1)[1]
            if kind == b"iTXt":  # compression flag, method, language tag, translated keyword
                raw = raw[2:].split(b"\x00", 2)[2]
            value = json.loads(raw.decode("utf-8"))
            return value if isinstance(value, dict) else None
        if kind == b"IEND":
            break
        pos += 12 + length
    return None


def output_format(out: Path) -> str:
    """The format for ``out``, by extension; checks the target before any work is done.

    Raises
    ------
    OutputError
        Unknown extension, missing directory, a directory given as the file, or no write
        permission.
    """
    fmt = FORMATS.get(out.suffix.lower())
    if fmt is None:
        msg = (
            f"Cannot write {str(out)!r}: unknown extension {out.suffix or '(none)'!r}; "
            f"expected one of {', '.join(sorted(set(FORMATS)))}."
        )
        raise OutputError(msg)
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        msg = f"Cannot write {str(out)!r}: directory {str(parent)!r} does not exist; create it first."
        raise OutputError(msg)
    if out.is_dir():
        msg = f"Cannot write {str(out)!r}: it is a directory; give a file name such as map{out.suffix or '.png'}."
        raise OutputError(msg)
    denied = f"Cannot write {str(out)!r}: no write permission in {str(parent)!r}; choose another --out."
    if not os.access(parent, os.W_OK | os.X_OK) or (out.exists() and not os.access(out, os.W_OK)):
        raise OutputError(denied)
    try:  # the only sure test (root, read-only file systems): create and remove a file there
        fd, probe = tempfile.mkstemp(prefix=".mapapp-probe-", dir=parent)
    except OSError as err:
        raise OutputError(f"{denied} ({err.strerror or err})") from err
    os.close(fd)
    os.unlink(probe)
    return fmt


def chromium_available() -> bool:
    """Whether ``/usr/bin/chromium`` is there and Playwright is importable."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return False
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return True


class Chromium:
    """One headless Chromium for several shots (``with Chromium() as b: b.shoot(...)``).

    ``blocked`` collects every non-local URL any page tried to load (all are blocked unless
    ``allow_remote``, which online tiles need; those URLs go to ``remote``).
    """

    def __init__(self, allow_remote: bool = False) -> None:
        self.allow_remote = allow_remote
        self._pw: Playwright | None = None
        self._browser: Browser | None = None
        self._profile: str | None = None
        self.blocked: list[str] = []
        self.remote: list[str] = []

    def __enter__(self) -> Chromium:
        if not chromium_available():
            msg = f"Chromium is not installed at {CHROMIUM} (as root: apt-get install chromium)."
            raise BrowserUnavailable(msg)
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright

        self._profile = tempfile.mkdtemp(prefix="mapapp-chromium-")
        try:
            self._pw = sync_playwright().start()
            self._browser = self._pw.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=browser_args(self._profile, self.allow_remote)
            )
        except PlaywrightError as err:
            self.__exit__(None, None, None)
            msg = f"Chromium at {CHROMIUM} would not start: {str(err).splitlines()[0]}"
            raise BrowserUnavailable(msg) from err
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None) -> None:
        if self._browser is not None:
            self._browser.close()
            self._browser = None
        if self._pw is not None:
            self._pw.stop()
            self._pw = None
        if self._profile:
            shutil.rmtree(self._profile, ignore_errors=True)
            self._profile = None

    def _route(self, route: Route) -> None:
        url = route.request.url
        if url.startswith(LOCAL_SCHEMES):
            route.continue_()
        elif self.allow_remote:
            self.remote.append(url)
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort("blockedbyclient")

    def shoot(
        self,
        html_file: Path,
        out: Path,
        fmt: Literal["png", "pdf"],
        width: int,
        height: int,
        timeout_s: float = 30.0,
        before: Callable[[object], None] | None = None,
        *,
        scale: float = 1.0,
        fit_page: bool = False,
    ) -> dict[str, object] | None:
        """Load ``html_file`` (file://), wait for ``window.__mapReady``, write a PNG or PDF to ``out``.

        ``width`` x ``height`` is the page in CSS pixels, ``scale`` the device pixels per CSS
        pixel of a PNG. With ``fit_page`` the page is as tall as its content (a map of fixed
        size between its title band and footer). Returns what the map shows
        (``window.__mapappView()``), or None for a page without it.
        """
        if self._browser is None:
            msg = "Chromium.shoot() called outside `with Chromium() as b:`"
            raise RuntimeError(msg)
        from playwright.sync_api import Error as PlaywrightError

        ctx = self._browser.new_context(
            viewport={"width": width, "height": height}, device_scale_factor=scale, service_workers="block"
        )
        try:
            ctx.route("**/*", self._route)
            page = ctx.new_page()
            page.goto(html_file.resolve().as_uri(), wait_until="load", timeout=timeout_s * 1000)
            page.wait_for_function("window.__mapReady === true", timeout=timeout_s * 1000)
            if self.allow_remote:  # online tiles were asked for: let them arrive
                page.wait_for_load_state("networkidle", timeout=timeout_s * 1000)
            page.add_style_tag(content=SNAPSHOT_CSS)
            if fit_page:
                height = int(page.evaluate("Math.ceil(document.documentElement.scrollHeight)"))
                page.set_viewport_size({"width": width, "height": height})
            if before is not None:
                before(page)
            view = page.evaluate("window.__mapappView ? window.__mapappView() : null")
            if fmt == "png":
                page.screenshot(path=str(out), full_page=False, type="png")
            else:
                page.emulate_media(media="screen")
                page.pdf(
                    path=str(out),
                    width=f"{width}px",
                    height=f"{height}px",
                    print_background=True,
                    page_ranges="1",
                    margin={"top": "0", "bottom": "0", "left": "0", "right": "0"},
                )
        except PlaywrightError as err:
            msg = f"Chromium could not render the map: {str(err).splitlines()[0]}"
            raise BrowserUnavailable(msg) from err
        finally:
            ctx.close()
        return view if isinstance(view, dict) else None


def browser_args(profile_dir: str, allow_remote: bool = False) -> list[str]:
    """Chromium's command line for snapshots (see :data:`CHROMIUM_ARGS`, :data:`QUIET_ARGS`);
    ``profile_dir`` holds the empty directory the model-manifest override points at."""
    empty = Path(profile_dir) / "no-model-manifest"
    empty.mkdir(parents=True, exist_ok=True)
    args = [*CHROMIUM_ARGS, f"{MANIFEST_OVERRIDE}={empty}"]
    return args if allow_remote else [*args, *QUIET_ARGS]


class WarmBrowser:
    """One headless Chromium kept running for a long-lived process (the app's session).

    Playwright's synchronous API must be used from the thread that started it, so the browser
    lives in a daemon thread of its own; :meth:`call` runs a function with the
    :class:`Chromium` there and waits for its result. The browser starts on the first call (or
    on :meth:`warm`) and is started again if it died.
    """

    def __init__(self) -> None:
        self._jobs: queue.Queue[tuple[Callable[[Chromium], object], Future[object]] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="mapapp-chromium", daemon=True)
        self._thread.start()
        atexit.register(self.close)  # the browser ends with the process that keeps it

    def _run(self) -> None:
        browser: Chromium | None = None
        while True:
            job = self._jobs.get()
            if job is None:
                break
            fn, fut = job
            try:
                if browser is None:
                    browser = Chromium().__enter__()
                fut.set_result(fn(browser))
            except BaseException as err:  # handed to the caller, who raises it
                fut.set_exception(err)
                if isinstance(err, BrowserUnavailable) and browser is not None:
                    browser.__exit__(None, None, None)
                    browser = None
        if browser is not None:
            browser.__exit__(None, None, None)

    def call(self, fn: Callable[[Chromium], T], timeout_s: float = 60.0) -> T:
        """``fn(chromium)`` run in the browser's thread; its result (or its exception)."""
        fut: Future[object] = Future()
        self._jobs.put((fn, fut))
        return fut.result(timeout=timeout_s)  # type: ignore[return-value]

    def warm(self) -> None:
        """Start the browser now (in the background), so the first snapshot is fast."""
        self._jobs.put((lambda b: None, Future()))

    def close(self) -> None:
        """Stop the browser and its thread (idempotent)."""
        if self._thread.is_alive():
            self._jobs.put(None)
            self._thread.join(timeout=15)


def write(
    spec: MapSpec,
    out: Path | str,
    *,
    width: int = 1600,
    height: int = 1000,
    renderer: Renderer = "auto",
    browser: Chromium | WarmBrowser | None = None,
    scale: float | None = None,
    basemap_view: tuple[float, float, float, float] | None = None,
) -> SnapshotResult:
    """Write ``spec`` to ``out``; the format comes from the extension
    (.html, .png, .pdf, .geojson, .kml). ``width``/``height`` are pixels (PNG, PDF page, and the
    matplotlib figure). A spec with a screen view ignores them: the map has the screen's size
    (CSS pixels) times ``scale`` (default :data:`SCREEN_SCALE`), with the title band above it
    and the sources below. ``basemap_view`` (west, south, east, north) is the extent the
    borders are cut for (the app passes the one its map uses, so the file draws the same).

    Raises
    ------
    OutputError
        Bad ``out`` (checked before any work), or the write failed.
    BrowserUnavailable
        ``renderer="chromium"`` and Chromium is missing or failed.
    """
    t0 = time.perf_counter()
    out = Path(out)
    fmt = output_format(out)
    if not (100 <= width <= 10000 and 100 <= height <= 10000):
        msg = f"Snapshot size {width}x{height} px is out of range; expected 100..10000 for each side."
        raise OutputError(msg)
    used = "none"
    blocked: list[str] = []
    view: dict[str, object] | None = None
    with atomic_output(out, "choose another --out") as tmp:
        if fmt == "html":
            from mapapp.render import leaflet as render

            tmp.write_text(render.to_html(spec, view=basemap_view), encoding="utf-8")
            used = "folium"
        elif fmt == "geojson":
            from mapapp.render import export as mio

            tmp.write_text(mio.to_geojson(spec), encoding="utf-8")
            used = "geojson"
        elif fmt == "kml":
            from mapapp.render import export as mio

            tmp.write_text(mio.to_kml(spec), encoding="utf-8")
            used = "simplekml"
        else:
            pic: Literal["png", "pdf"] = "pdf" if fmt == "pdf" else "png"
            used, blocked, view = _picture(spec, tmp, pic, width, height, renderer, browser, scale, basemap_view)
            if pic == "png" and view is not None and used == "chromium":
                tmp.write_bytes(png_with_text(tmp.read_bytes(), PNG_VIEW_KEY, json.dumps(view)))
    return SnapshotResult(out, fmt, used, time.perf_counter() - t0, blocked, view)


def _picture(
    spec: MapSpec,
    tmp: Path,
    fmt: Literal["png", "pdf"],
    width: int,
    height: int,
    renderer: Renderer,
    browser: Chromium | WarmBrowser | None,
    scale: float | None,
    basemap_view: tuple[float, float, float, float] | None = None,
) -> tuple[str, list[str], dict[str, object] | None]:
    """Draw a PNG or PDF; returns (renderer used, blocked requests, what the picture shows)."""
    screen = spec.screen
    sc = scale if scale is not None else (SCREEN_SCALE if screen is not None else 1.0)
    if renderer == "auto" and browser is None and not chromium_available():
        print(
            f"mapapp: note: Chromium not found at {CHROMIUM}; drawing the snapshot with matplotlib "
            "(install chromium for the exact app look).",
            file=sys.stderr,
        )
        renderer = "matplotlib"
    if renderer == "matplotlib":
        from mapapp.render import mpl as render_mpl

        return "matplotlib", [], render_mpl.draw(spec, tmp, fmt=fmt, width=width, height=height, scale=sc)
    from mapapp.render import leaflet as render

    html_text = render.to_html(spec, view=basemap_view)
    # a screen view: the page is the screen's width and as tall as the map plus its bands
    w, h = (screen.width_px, screen.height_px + 100) if screen is not None else (width, height)
    with tempfile.TemporaryDirectory(prefix="mapapp-snap-") as d:
        page = Path(d) / "map.html"
        page.write_text(html_text, encoding="utf-8")

        def job(b: Chromium) -> tuple[dict[str, object] | None, list[str]]:
            n0 = len(b.blocked)
            v = b.shoot(page, tmp, fmt, w, h, scale=sc, fit_page=screen is not None)
            return v, b.blocked[n0:]

        try:
            if isinstance(browser, WarmBrowser) and spec.tiles is None:
                view, blocked = browser.call(job)
            elif isinstance(browser, Chromium):
                view, blocked = job(browser)
            else:
                with Chromium(allow_remote=spec.tiles is not None) as b:
                    view, blocked = job(b)
            return "chromium", blocked, view
        except BrowserUnavailable as err:
            if renderer == "chromium":
                raise
            print(f"mapapp: note: {err}; drawing the snapshot with matplotlib instead.", file=sys.stderr)
    from mapapp.render import mpl as render_mpl

    return "matplotlib", [], render_mpl.draw(spec, tmp, fmt=fmt, width=width, height=height, scale=sc)

"""Files a person keeps: the map as standalone HTML, PNG, PDF, GeoJSON or KML.

PNG and PDF are rendered by headless Chromium (Playwright driving Debian's ``/usr/bin/chromium``)
from the same standalone HTML the app shows; the page is loaded from ``file://`` with every
non-local request blocked and logged, and the shot is taken once the map sets
``window.__mapReady`` (no fixed sleeps). Without Chromium a matplotlib renderer draws the same
:class:`~mapapp.maps.spec.MapSpec` (one-line notice on stderr).

Every file is written to a temporary file in the target directory and moved into place at the
end, so a failure never leaves a half-written file.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Literal

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
FORMATS = {
    ".html": "html",
    ".htm": "html",
    ".png": "png",
    ".pdf": "pdf",
    ".geojson": "geojson",
    ".json": "geojson",
    ".kml": "kml",
}
#: CSS applied to snapshots only: the interactive controls are hidden in a picture.
SNAPSHOT_CSS = ".leaflet-control-zoom, .leaflet-control-layers { display: none !important; }"
LOCAL_SCHEMES = ("file:", "data:", "about:", "blob:")


class BrowserUnavailable(MapAppError):
    """Chromium is missing or would not start."""


@dataclass
class SnapshotResult:
    """What :func:`write` did: the file, its format, the renderer used, the time taken (s) and
    every request the page tried to make to a non-local address (blocked)."""

    path: Path
    fmt: str
    renderer: str
    seconds: float
    blocked: list[str] = field(default_factory=list)


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
                executable_path=CHROMIUM,
                headless=True,
                args=CHROMIUM_ARGS if self.allow_remote else [*CHROMIUM_ARGS, "--host-resolver-rules=MAP * ~NOTFOUND"],
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
    ) -> None:
        """Load ``html_file`` (file://), wait for ``window.__mapReady``, write a PNG or PDF to ``out``."""
        if self._browser is None:
            msg = "Chromium.shoot() called outside `with Chromium() as b:`"
            raise RuntimeError(msg)
        from playwright.sync_api import Error as PlaywrightError

        ctx = self._browser.new_context(
            viewport={"width": width, "height": height}, device_scale_factor=1, service_workers="block"
        )
        try:
            ctx.route("**/*", self._route)
            page = ctx.new_page()
            page.goto(html_file.resolve().as_uri(), wait_until="load", timeout=timeout_s * 1000)
            page.wait_for_function("window.__mapReady === true", timeout=timeout_s * 1000)
            if self.allow_remote:  # online tiles were asked for: let them arrive
                page.wait_for_load_state("networkidle", timeout=timeout_s * 1000)
            page.add_style_tag(content=SNAPSHOT_CSS)
            if before is not None:
                before(page)
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


def write(
    spec: MapSpec,
    out: Path | str,
    *,
    width: int = 1600,
    height: int = 1000,
    renderer: Renderer = "auto",
    browser: Chromium | None = None,
) -> SnapshotResult:
    """Write ``spec`` to ``out``; the format comes from the extension
    (.html, .png, .pdf, .geojson, .kml). ``width``/``height`` are pixels (PNG, PDF page, and the
    matplotlib figure).

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
    with atomic_output(out, "choose another --out") as tmp:
        if fmt == "html":
            from mapapp.render import leaflet as render

            tmp.write_text(render.to_html(spec), encoding="utf-8")
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
            used, blocked = _picture(spec, tmp, "pdf" if fmt == "pdf" else "png", width, height, renderer, browser)
    return SnapshotResult(out, fmt, used, time.perf_counter() - t0, blocked)


def _picture(
    spec: MapSpec,
    tmp: Path,
    fmt: Literal["png", "pdf"],
    width: int,
    height: int,
    renderer: Renderer,
    browser: Chromium | None,
) -> tuple[str, list[str]]:
    if renderer == "auto" and browser is None and not chromium_available():
        print(
            f"mapapp: note: Chromium not found at {CHROMIUM}; drawing the snapshot with matplotlib "
            "(install chromium for the exact app look).",
            file=sys.stderr,
        )
        renderer = "matplotlib"
    if renderer == "matplotlib":
        from mapapp.render import mpl as render_mpl

        render_mpl.draw(spec, tmp, fmt=fmt, width=width, height=height)
        return "matplotlib", []
    from mapapp.render import leaflet as render

    html_text = render.to_html(spec)
    with tempfile.TemporaryDirectory(prefix="mapapp-snap-") as d:
        page = Path(d) / "map.html"
        page.write_text(html_text, encoding="utf-8")
        try:
            if browser is not None:
                n0 = len(browser.blocked)
                browser.shoot(page, tmp, fmt, width, height)
                return "chromium", browser.blocked[n0:]
            with Chromium(allow_remote=spec.tiles is not None) as b:
                b.shoot(page, tmp, fmt, width, height)
                return "chromium", list(b.blocked)
        except BrowserUnavailable as err:
            if renderer == "chromium":
                raise
            print(f"mapapp: note: {err}; drawing the snapshot with matplotlib instead.", file=sys.stderr)
    from mapapp.render import mpl as render_mpl

    render_mpl.draw(spec, tmp, fmt=fmt, width=width, height=height)
    return "matplotlib", []

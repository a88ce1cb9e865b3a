"""Local copies of the browser libraries the map needs (Leaflet, jQuery, Leaflet.markercluster,
Leaflet.draw).

The files come from installed packages: the XStatic packages on PyPI (``xstatic-leaflet``,
``xstatic-jquery``, ``xstatic-leaflet-markercluster``) and, for libraries no PyPI package
carries, npm packages that ``scripts/setup.sh`` installs from the repository's
``package-lock.json`` (``npm ci`` -> ``node_modules/``; ``MAPAPP_NODE_MODULES`` names another
directory). Nothing is fetched from a CDN and no third-party file is committed to this
repository. Three ways to use them:

* :func:`asset_path` - the file on disk;
* :func:`inline_text` / :func:`data_uri` - the content, for a standalone HTML file that works from
  ``file://`` with the network off (Leaflet's CSS gets its images inlined as ``data:`` URIs);
* :func:`copy_assets` / :func:`served_url` - copy the files into a directory a web server serves
  (e.g. Streamlit's ``static/``) and refer to them by URL.

This module does not import folium.
"""

from __future__ import annotations

import base64
import importlib
import re
import shutil
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from mapapp import settings
from mapapp.errors import DataDirError

AssetKind = Literal["js", "css"]
AssetSource = Literal["xstatic", "npm"]
#: Where the npm packages are installed, if not ``node_modules/`` beside the ``mapapp`` package.
NODE_MODULES_ENV = "MAPAPP_NODE_MODULES"


@dataclass(frozen=True)
class Asset:
    """One library file: its key, kind, package and file name inside the package's directory.

    ``source`` says where the package comes from: an XStatic package (PyPI; the file is inside
    its ``BASE_DIR``) or an npm package (the file is inside ``node_modules/<package>/dist``).
    ``images`` are the files its CSS refers to as ``images/<name>``.
    """

    key: str
    kind: AssetKind
    package: str
    filename: str
    source: AssetSource = "xstatic"
    images: tuple[str, ...] = ()

    @property
    def served_name(self) -> str:
        """File name under the served directory (unique across packages)."""
        return self.filename if self.package == "leaflet" else f"{self.package}-{self.filename}"


#: Every asset the map can load, in load order (Leaflet before its plugins).
ASSETS: dict[str, Asset] = {
    a.key: a
    for a in (
        Asset("leaflet", "js", "leaflet", "leaflet.js"),
        Asset("leaflet_css", "css", "leaflet", "leaflet.css"),
        Asset("jquery", "js", "jquery", "jquery.min.js"),
        Asset("markercluster", "js", "leaflet_markercluster", "leaflet.markercluster.js"),
        Asset("markercluster_css", "css", "leaflet_markercluster", "MarkerCluster.css"),
        Asset("markercluster_default_css", "css", "leaflet_markercluster", "MarkerCluster.Default.css"),
        Asset("leaflet_draw", "js", "leaflet-draw", "leaflet.draw.js", "npm"),
        Asset(
            "leaflet_draw_css",
            "css",
            "leaflet-draw",
            "leaflet.draw.css",
            "npm",
            ("spritesheet.png", "spritesheet-2x.png", "spritesheet.svg"),
        ),
    )
}

#: Leaflet's images referenced by ``leaflet.css`` (relative ``images/...`` URLs).
LEAFLET_IMAGES = ("layers.png", "layers-2x.png", "marker-icon.png", "marker-icon-2x.png", "marker-shadow.png")

_CSS_URL = re.compile(r"url\((['\"]?)images/([A-Za-z0-9_.-]+)\1\)")


@cache
def package_dir(package: str) -> Path:
    """``BASE_DIR`` of the installed XStatic package ``xstatic.pkg.<package>``.

    Raises
    ------
    DataDirError
        If the package is not installed (the message says how to install it).
    """
    try:
        mod = importlib.import_module(f"xstatic.pkg.{package}")
    except ImportError as err:
        dist = "xstatic-" + package.replace("_", "-")
        msg = (
            f"The map needs the Python package {dist!r} (local copy of a browser library), "
            f"but it is not installed ({err}). Run `.venv/bin/pip install {dist}` "
            "or `scripts/setup.sh`."
        )
        raise DataDirError(msg) from err
    base = Path(str(mod.BASE_DIR))
    if not base.is_dir():
        msg = f"{dist_name(package)} is installed but its data directory {base} is missing; reinstall it."
        raise DataDirError(msg)
    return base


def node_modules_dir() -> Path:
    """The ``node_modules`` directory holding the npm packages (``$MAPAPP_NODE_MODULES`` or the
    repository's ``node_modules/``)."""
    env = settings.get(NODE_MODULES_ENV).strip()
    return Path(env).expanduser() if env else Path(__file__).resolve().parents[2] / "node_modules"


def npm_package_dir(package: str) -> Path:
    """The ``dist`` directory of an installed npm package.

    Raises
    ------
    DataDirError
        If the package is not installed (the message says how to install it).
    """
    base = node_modules_dir() / package / "dist"
    if not base.is_dir():
        msg = (
            f"The map needs the npm package {package!r} (local copy of a browser library), but "
            f"{str(base)!r} does not exist. Run `npm ci --ignore-scripts` in the repository "
            f"(scripts/setup.sh does), or set {NODE_MODULES_ENV} to the node_modules directory that has it."
        )
        raise DataDirError(msg)
    return base


def asset_dir(key: str) -> Path:
    """The directory holding the asset's file (XStatic ``BASE_DIR`` or npm ``dist``)."""
    a = get(key)
    return npm_package_dir(a.package) if a.source == "npm" else package_dir(a.package)


def dist_name(package: str) -> str:
    """PyPI name of an XStatic package (``leaflet_markercluster`` -> ``xstatic-leaflet-markercluster``)."""
    return "xstatic-" + package.replace("_", "-")


def version(package: str) -> str:
    """Upstream version of the library an XStatic package carries (e.g. ``"1.9.3"``)."""
    package_dir(package)
    mod = importlib.import_module(f"xstatic.pkg.{package}")
    return str(mod.VERSION)


def get(key: str) -> Asset:
    """The :class:`Asset` for ``key``; raises ``KeyError`` with the known keys otherwise."""
    try:
        return ASSETS[key]
    except KeyError:
        msg = f"Unknown map asset {key!r}; expected one of {sorted(ASSETS)}."
        raise KeyError(msg) from None


def asset_path(key: str) -> Path:
    """Path of the asset file on disk (inside the installed XStatic package)."""
    a = get(key)
    path = asset_dir(key) / a.filename
    if not path.is_file():
        what = f"the npm package {a.package!r}" if a.source == "npm" else dist_name(a.package)
        msg = f"{path} is missing from {what}; reinstall it."
        raise DataDirError(msg)
    return path


def image_path(name: str) -> Path:
    """Path of one of Leaflet's images (``layers.png``...)."""
    return package_dir("leaflet") / "images" / name


@cache
def _image_data_uri(key: str, name: str) -> str:
    a = get(key)
    path = asset_dir(key) / "images" / name if a.images else image_path(name)
    mime = "image/svg+xml" if name.endswith(".svg") else "image/png"
    return f"data:{mime};base64," + base64.b64encode(path.read_bytes()).decode("ascii")


@cache
def inline_text(key: str) -> str:
    """The asset's text, ready to embed in ``<script>`` or ``<style>``.

    Leaflet's CSS has its ``url(images/...)`` references replaced by ``data:`` URIs, so the
    layers-control icon shows with no file beside the HTML.
    """
    text = asset_path(key).read_text(encoding="utf-8")
    if get(key).kind == "css":
        text = _CSS_URL.sub(lambda m: f"url({_image_data_uri(key, m.group(2))})", text)
    if "</script" in text.lower() or "</style" in text.lower():
        msg = f"{asset_path(key)} contains a closing tag and cannot be inlined safely."
        raise DataDirError(msg)
    return text


def data_uri(key: str) -> str:
    """The asset as a ``data:`` URI (base64), usable as a ``<script src>`` or ``<link href>``."""
    a = get(key)
    mime = "text/javascript" if a.kind == "js" else "text/css"
    payload = base64.b64encode(inline_text(key).encode("utf-8")).decode("ascii")
    return f"data:{mime};charset=utf-8;base64,{payload}"


def served_url(key: str, prefix: str) -> str:
    """URL of the asset once :func:`copy_assets` has put it under the directory served at ``prefix``.

    ``prefix`` is a local path such as ``"/app/static/mapapp"`` (no scheme, no host).
    """
    if "://" in prefix or prefix.startswith("//"):
        msg = f"Asset prefix {prefix!r} must be a local path (e.g. '/app/static/mapapp'), not a URL."
        raise ValueError(msg)
    return f"{prefix.rstrip('/')}/{get(key).served_name}"


def copy_assets(dest: Path, keys: tuple[str, ...] | None = None) -> dict[str, str]:
    """Copy the asset files (and Leaflet's ``images/``) into ``dest``; return key -> file name.

    Files already there with the same size are left alone, so calling it on every app start is
    cheap. Pair it with :func:`served_url` (same file names).
    """
    dest.mkdir(parents=True, exist_ok=True)
    out: dict[str, str] = {}
    for key in keys or tuple(ASSETS):
        src = asset_path(key)
        target = dest / get(key).served_name
        _copy_if_changed(src, target)
        out[key] = target.name
    img_dir = dest / "images"
    img_dir.mkdir(exist_ok=True)
    for name in LEAFLET_IMAGES:
        _copy_if_changed(image_path(name), img_dir / name)
    for key in keys or tuple(ASSETS):
        for name in get(key).images:
            _copy_if_changed(asset_dir(key) / "images" / name, img_dir / name)
    return out


def _copy_if_changed(src: Path, target: Path) -> None:
    if target.is_file() and target.stat().st_size == src.stat().st_size:
        return
    tmp = target.with_name(target.name + ".tmp")
    shutil.copyfile(src, tmp)
    tmp.replace(target)

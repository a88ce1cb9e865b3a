"""A local, content-addressed, size-capped library of the articles people paste or upload.

A shared link cannot carry a whole article, so the app keeps each pasted or uploaded text here
under the hash of its content and the link carries the hash (``article=lib:<hash>``). The
library lives in a data folder of the user's (see :func:`library_dir`): ``$MAPAPP_LIBRARY_DIR``
(default ``~/.local/share/mapapp/articles``), at most ``$MAPAPP_LIBRARY_MAX_MB`` (200). Each
article is one JSON file ``<hash[:2]>/<hash>.json`` ({"label", "text", "saved"}), written
atomically; when the library grows past its cap the least recently used articles are removed.
Nothing here imports Streamlit.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from mapapp import settings
from mapapp.errors import InputError, OutputError
from mapapp.outputs import write_text_atomic

ENV_VAR = "MAPAPP_LIBRARY_DIR"
#: Hex digits of the SHA-256 of the text that name an article (128 bits).
KEY_DIGITS = 32
_KEY_RE = re.compile(rf"^[0-9a-f]{{{KEY_DIGITS}}}$")


def library_dir() -> Path:
    """Where the article library lives (``$MAPAPP_LIBRARY_DIR``, see :mod:`mapapp.settings`)."""
    return Path(settings.get(ENV_VAR)).expanduser()


def max_library_bytes() -> int:
    """The library's size cap in bytes (``$MAPAPP_LIBRARY_MAX_MB``; 200 MB if unreadable)."""
    try:
        mb = float(settings.get("MAPAPP_LIBRARY_MAX_MB"))
    except ValueError:
        mb = 200.0
    return int(max(mb, 0.001) * 1024 * 1024)


def article_key(text: str) -> str:
    """The library key of ``text``: the first :data:`KEY_DIGITS` hex digits of its SHA-256."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:KEY_DIGITS]


def check_key(key: str) -> str:
    """``key`` if it is a well-formed library key (lower-case hex), else :class:`InputError`."""
    if not _KEY_RE.match(key):
        msg = f"Article id {key[:80]!r} in the link is not a library id ({KEY_DIGITS} hex digits)."
        raise InputError(msg)
    return key


@dataclass(frozen=True)
class Stored:
    """An article from the library: its text and the label it was saved with (file name or
    "pasted text")."""

    key: str
    text: str
    label: str


class ArticleLibrary:
    """The article library at ``root`` (default :func:`library_dir`), at most ``max_bytes``
    (default :func:`max_library_bytes`)."""

    def __init__(self, root: Path | None = None, max_bytes: int | None = None) -> None:
        self.root = root if root is not None else library_dir()
        self.max_bytes = max_bytes if max_bytes is not None else max_library_bytes()

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def put(self, text: str, label: str) -> str:
        """Keep ``text`` (saved with ``label``) and return its key; storing the same text again
        only marks it as recently used.

        Raises
        ------
        OutputError
            The library folder cannot be written (the message names it and what to do).
        """
        key = article_key(text)
        path = self._path(key)
        try:
            if path.is_file():
                os.utime(path)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                doc = {"label": label[:200], "text": text, "saved": dt.datetime.now(dt.UTC).isoformat()}
                write_text_atomic(path, json.dumps(doc, ensure_ascii=False))
        except OSError as err:
            msg = (
                f"Cannot keep the article in the library {str(self.root)!r}: {err.strerror or err}; "
                f"make it writable or point {ENV_VAR} at a writable folder (the link will not "
                "carry the article until then)."
            )
            raise OutputError(msg) from err
        self.prune(keep=key)
        return key

    def get(self, key: str) -> Stored | None:
        """The article ``key`` (marked as recently used), or None if the library does not hold it
        (or its file is unreadable). Raises :class:`InputError` for a malformed key."""
        path = self._path(check_key(key))
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            text, label = doc["text"], doc.get("label", "")
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if not isinstance(text, str) or article_key(text) != key:
            return None  # damaged or edited by hand: never show a different text under this id
        with contextlib.suppress(OSError):  # a read-only library still serves its articles
            os.utime(path)
        return Stored(key, text, str(label))

    def size_bytes(self) -> int:
        """Total size (bytes) of the library's article files."""
        return sum(f.stat().st_size for f in self.root.glob("??/*.json") if f.is_file())

    def prune(self, keep: str = "") -> int:
        """Remove the least recently used articles until the library is at most ``max_bytes``
        (never ``keep``); returns how many were removed."""
        files = []
        for f in self.root.glob("??/*.json"):
            try:
                st = f.stat()
            except FileNotFoundError:
                continue
            files.append((st.st_mtime, st.st_size, f))
        total = sum(size for _, size, _ in files)
        removed = 0
        for _mtime, size, f in sorted(files):
            if total <= self.max_bytes:
                break
            if f.stem == keep:
                continue
            try:
                f.unlink()
            except OSError:
                continue
            total -= size
            removed += 1
        return removed

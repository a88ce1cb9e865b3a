"""Writing the user's output files all or nothing.

A file is written to a temporary name in its own directory and moved onto the target with
:func:`os.replace` only when everything succeeded, so a failure (a full disk, an exception while
rendering) never leaves half a file and never loses the previous version.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mapapp.errors import MapAppError, OutputError


@contextmanager
def atomic_output(out: Path, hint: str = "choose a writable path") -> Iterator[Path]:
    """Yield a temporary path beside ``out``; move it onto ``out`` only if the block succeeds.

    Raises
    ------
    OutputError
        If the directory is missing or not writable, or the move fails; ``hint`` says what to do.
    """
    tmp: Path | None = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part" + out.suffix, dir=out.parent or ".")
        os.close(fd)
        tmp = Path(tmp_name)
        yield tmp
        os.chmod(tmp, 0o644)
        os.replace(tmp, out)
        tmp = None
    except OSError as err:
        if isinstance(err, MapAppError):
            raise
        msg = f"Cannot write {str(out)!r}: {err.strerror or err}; {hint}."
        raise OutputError(msg) from err
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)


def write_text_atomic(path: str | Path, text: str) -> None:
    """Write ``text`` (UTF-8, newlines as given) to ``path`` all or nothing (see :func:`atomic_output`)."""
    with atomic_output(Path(path)) as tmp, tmp.open("w", encoding="utf-8", newline="") as fh:
        fh.write(text)

"""Writing the user's output files all or nothing.

A file is written to a temporary name in its own directory and moved onto the target with
:func:`os.replace` only when everything succeeded, so a failure (a full disk, an exception while
rendering) never leaves half a file and never loses the previous version.

* Permissions: a new file gets the usual ``0666 & ~umask``; replacing a file keeps that file's
  permission bits (a ``0600`` file stays private).
* Leftovers: the temporary file is ``.NAME.<pid>.<random>.part.SUFFIX``. A process killed mid-write
  (``kill -9``, power loss) cannot remove it; the next write into that directory removes the
  leftovers of writers that are no longer running.
* Symbolic links: an output path that is a symbolic link is refused with an
  :class:`~mapapp.errors.OutputError` naming the link and its target; mapapp neither replaces the
  link with a file nor writes through it into a file elsewhere. Give the target path to write there.
* Anything else that is not a regular file (a directory, a device, a FIFO) is refused the same way.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mapapp.errors import MapAppError, OutputError

__all__ = ["atomic_output", "clean_leftovers", "write_text_atomic"]

#: ``.NAME.<pid>.<8 random characters from mkstemp>.part[.SUFFIX]``
_LEFTOVER = re.compile(r"^\..+\.(\d+)\.[a-z0-9_]{8}\.part(\.[^.]*)?$")


def _umask() -> int:
    """The process umask, read without changing it where the system allows."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # pragma: no cover - not Linux
    os.umask(mask)  # pragma: no cover
    return mask  # pragma: no cover


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_leftovers(directory: Path) -> list[Path]:
    """Remove temporary files of :func:`atomic_output` whose writer process is gone; return them."""
    removed: list[Path] = []
    try:
        names = os.listdir(directory)
    except OSError:
        return removed
    for name in names:
        m = _LEFTOVER.match(name)
        if m and int(m.group(1)) != os.getpid() and not _alive(int(m.group(1))):
            p = directory / name
            with contextlib.suppress(OSError):
                if p.is_file() and not p.is_symlink():
                    p.unlink()
                    removed.append(p)
    return removed


def _check_target(out: Path) -> int | None:
    """The permission bits to give the new file: the existing file's, or None for a new file.

    Raises
    ------
    OutputError
        ``out`` is a symbolic link or exists and is not a regular file.
    """
    try:
        st = os.lstat(out)
    except FileNotFoundError:
        return None
    except OSError:
        return None  # reported by the write itself
    if stat.S_ISLNK(st.st_mode):
        target = os.readlink(out)
        msg = (
            f"Cannot write {str(out)!r}: it is a symbolic link (to {target!r}) and mapapp does not write "
            "through or replace links; give the real path to write there, or remove the link."
        )
        raise OutputError(msg)
    if not stat.S_ISREG(st.st_mode):
        kind = "a directory" if stat.S_ISDIR(st.st_mode) else "not a regular file"
        msg = f"Cannot write {str(out)!r}: it is {kind}; give the path of a file to write."
        raise OutputError(msg)
    return stat.S_IMODE(st.st_mode)


@contextmanager
def atomic_output(out: Path, hint: str = "choose a writable path") -> Iterator[Path]:
    """Yield a temporary path beside ``out``; move it onto ``out`` only if the block succeeds.

    Raises
    ------
    OutputError
        If ``out`` is a symbolic link or not a regular file, the directory is missing or not
        writable, or the move fails; ``hint`` says what to do.
    """
    tmp: Path | None = None
    directory = out.parent if str(out.parent) else Path(".")
    try:
        mode = _check_target(out)
        clean_leftovers(directory)
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{out.name}.{os.getpid()}.", suffix=".part" + out.suffix, dir=directory
        )
        os.close(fd)
        tmp = Path(tmp_name)
        yield tmp
        os.chmod(tmp, mode if mode is not None else 0o666 & ~_umask())
        _check_target(out)  # a link or directory put there meanwhile is refused too
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

"""The one way mapapp reads and writes JSON (files, JSONL lines, manifests).

User files are untrusted. :func:`loads` reads strict JSON only and turns every way a document can
break the standard library's reader into one :class:`~mapapp.errors.InputError` that names the
file (and line) and what to do:

* syntax errors (with line and column);
* ``NaN``/``Infinity`` (not JSON; Python's reader accepts them and its writer then emits invalid JSON);
* nesting deeper than :data:`MAX_DEPTH` (``'[' * 100000`` would raise ``RecursionError``);
* integers longer than Python converts (4300 digits; a bare ``ValueError`` otherwise), and numbers
  that overflow to infinity (``1e999``);
* strings with unpaired UTF-16 surrogates (``"\\ud800"``), which cannot be written as UTF-8.

:func:`dumps` writes strict JSON (no NaN) with non-ASCII text kept as is.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np

from mapapp.errors import InputError

__all__ = ["MAX_DEPTH", "JSONInputError", "dumps", "loads", "read_json"]

#: Deepest nesting of arrays/objects accepted. GeoJSON needs 6 (a MultiPolygon in a FeatureCollection).
MAX_DEPTH = 64

_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


class JSONInputError(InputError):
    """A JSON document (file or JSONL line) is not usable; the message names where and why."""


class _Reject(ValueError):
    """Raised from inside the parser's hooks; turned into a JSONInputError by :func:`loads`."""


def _constant(name: str) -> object:
    msg = f"{name} is not a JSON value (write null, or a number)"
    raise _Reject(msg)


def _float(text: str) -> float:
    v = float(text)
    if not math.isfinite(v):
        msg = f"the number {text[:20]}{'...' if len(text) > 20 else ''} is out of range"
        raise _Reject(msg)
    return v


_DECODER = json.JSONDecoder(parse_constant=_constant, parse_float=_float)
#: Python's own message for an integer literal above its digit limit (4300 by default).
_INT_LIMIT = re.compile(r"value has (\d+) digits")


def _depth(text: str) -> int:
    """Deepest nesting of ``[``/``{`` outside strings in the valid JSON ``text`` (vectorised, linear).

    Only the structural bytes (quotes and brackets) are looked at; a quote is escaped when an odd
    run of backslashes precedes it.
    """
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return 0  # cannot be deeper than the limit
    b = np.frombuffer(text.encode("utf-8", "surrogatepass"), dtype=np.uint8)
    pos = np.flatnonzero((b == 34) | (b == 91) | (b == 93) | (b == 123) | (b == 125))  # " [ ] { }
    kind = b[pos]
    quote = kind == 34
    for i in np.flatnonzero(quote & (pos > 0) & (b[np.maximum(pos - 1, 0)] == 92)):
        j = int(pos[i]) - 1
        while j >= 0 and b[j] == 92:
            j -= 1
        if (int(pos[i]) - 1 - j) % 2:  # an odd run of backslashes: an escaped quote
            quote[i] = False
    inside = np.bitwise_xor.accumulate(quote.astype(np.uint8)) == 1
    step = ((kind == 91) | (kind == 123)).astype(np.int32) - ((kind == 93) | (kind == 125)).astype(np.int32)
    step[inside | quote] = 0
    return int(np.cumsum(step).max(initial=0))


def _check_strings(value: object, where: str) -> None:
    """Reject unpaired surrogates in any key or string (iterative walk)."""
    stack: list[object] = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, str):
            m = _SURROGATE.search(v)
            if m:
                msg = (
                    f"{where}: a string holds an unpaired surrogate \\u{ord(m.group()):04x}, which is not "
                    "Unicode text; fix the escape in the file."
                )
                raise JSONInputError(msg)
        elif isinstance(v, dict):
            stack.extend(v.keys())
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)


def loads(text: str | bytes, where: str) -> object:
    """Parse one strict JSON document; ``where`` names it in errors (a path, or ``path:LINE``).

    Bytes are decoded as UTF-8 (a byte-order mark is allowed).

    Raises
    ------
    JSONInputError
        Not UTF-8, not JSON, NaN/Infinity, too deep, too long or too large a number, or unpaired
        surrogates.
    """
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as err:
            msg = f"{where}: not UTF-8 (byte {err.start} is {text[err.start : err.start + 1]!r}); convert it to UTF-8."
            raise JSONInputError(msg) from None
    text = text.removeprefix("\ufeff")
    try:
        value = _DECODER.decode(text)
    except json.JSONDecodeError as err:
        msg = f"{where}: not valid JSON (line {err.lineno}, column {err.colno}: {err.msg})."
        raise JSONInputError(msg) from None
    except _Reject as err:
        msg = f"{where}: not valid JSON: {err}."
        raise JSONInputError(msg) from None
    except ValueError as err:  # an integer literal longer than Python converts
        m = _INT_LIMIT.search(str(err))
        digits = f"{int(m.group(1)):,} digits" if m else "too many digits"
        msg = f"{where}: a number with {digits} is too long to read; quote it as a string."
        raise JSONInputError(msg) from None
    except RecursionError:
        msg = f"{where}: JSON nested deeper than {MAX_DEPTH} levels; this is not a mapapp input file."
        raise JSONInputError(msg) from None
    # valid JSON from here on: every string is closed, so quotes pair up
    if _depth(text) > MAX_DEPTH:
        msg = f"{where}: JSON nested deeper than {MAX_DEPTH} levels; this is not a mapapp input file."
        raise JSONInputError(msg)
    if _SURROGATE_ESCAPE.search(text) or _SURROGATE.search(text):
        _check_strings(value, where)
    return value


def read_json(path: str | Path, what: str = "File") -> object:
    """Read and parse the JSON file ``path`` (see :func:`loads`); ``what`` names it in errors.

    Raises
    ------
    JSONInputError
        Missing, unreadable or invalid file.
    """
    p = Path(path).expanduser()
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        msg = f"{what} {str(p)!r} does not exist; give the path of an existing file."
        raise JSONInputError(msg) from None
    except IsADirectoryError:
        msg = f"{what} {str(p)!r} is a directory; give a file."
        raise JSONInputError(msg) from None
    except OSError as err:
        msg = f"Cannot read {what.lower()} {str(p)!r}: {err.strerror or err}."
        raise JSONInputError(msg) from None
    return loads(data, str(p))


def dumps(value: object, *, indent: int | None = None, compact: bool = False) -> str:
    """Strict JSON text of ``value`` (non-ASCII kept; ``compact`` drops the spaces after separators).

    Raises
    ------
    ValueError
        ``value`` holds NaN or infinity (a bug upstream: JSON cannot carry them).
    """
    seps = (",", ":") if compact else None
    return json.dumps(value, ensure_ascii=False, allow_nan=False, indent=indent, separators=seps)

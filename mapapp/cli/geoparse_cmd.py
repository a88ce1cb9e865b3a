"""``mapapp geoparse``: text in, toponyms out as JSON (one file, stdin, or JSONL batches)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from mapapp.text.geoparse.parser import Geoparser

from mapapp import jsonfiles
from mapapp.errors import InputError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", nargs="?", help="article text file, or - for standard input")
    parser.add_argument("--batch", metavar="IN.jsonl", help='JSONL input, one {"id", "text"} per line')
    parser.add_argument("--out", metavar="OUT.jsonl", help="where batch mode writes its JSONL (default: stdout)")
    parser.add_argument("--compact", action="store_true", help="one-line JSON, no alternatives")


def read_text_bytes(data: bytes, where: str) -> str:
    """Decode UTF-8 (a BOM is fine) or raise an InputError that names the first bad byte."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        msg = (
            f"{where} is not UTF-8 text: byte {err.start} is {data[err.start : err.start + 1]!r}. "
            "Convert it first, e.g. `iconv -f latin1 -t utf-8`."
        )
        raise InputError(msg) from None
    if "\x00" in text:
        msg = f"{where} looks binary (it contains NUL bytes); give a plain-text article."
        raise InputError(msg)
    return text


def _one(args: argparse.Namespace) -> int:
    from mapapp.text.geoparse.parser import geoparse

    if args.file == "-":
        data = sys.stdin.buffer.read()
        where = "standard input"
    else:
        path = Path(args.file)
        if path.is_dir():
            msg = f"{args.file!r} is a directory; give a text file (or - for standard input)."
            raise InputError(msg)
        if not path.is_file():
            msg = f"no such file: {args.file!r}. Give a text file path, or - to read standard input."
            raise InputError(msg)
        data = path.read_bytes()
        where = str(path)
    text = read_text_bytes(data, where)
    if not text.strip():
        msg = f"{where} is empty (or only whitespace): there is nothing to geoparse."
        raise InputError(msg)
    mentions = geoparse(text)
    toponyms = [m.to_dict() for m in mentions]
    if args.compact:
        for t in toponyms:
            t.pop("alternatives", None)
    out = {"source": where, "chars": len(text), "toponyms": toponyms}
    print(jsonfiles.dumps(out, indent=None if args.compact else 1))
    return 0


def _batch(args: argparse.Namespace) -> int:
    from mapapp.outputs import atomic_output
    from mapapp.text.geoparse.parser import Geoparser

    src = Path(args.batch)
    if not src.is_file():
        msg = f'no such batch file: {args.batch!r}. Give a JSONL file with one {{"id", "text"}} per line.'
        raise InputError(msg)
    parser = Geoparser()
    if args.out:
        with (
            atomic_output(Path(args.out), "choose a writable directory for --out") as tmp,
            tmp.open("w", encoding="utf-8") as sink,
        ):
            bad = _geoparse_lines(src, parser, sink)
    else:
        bad = _geoparse_lines(src, parser, sys.stdout)
    if bad:
        print(f"mapapp geoparse: {bad} bad line(s) in {src} were skipped (see above)", file=sys.stderr)
        return 1
    return 0


def _geoparse_lines(src: Path, parser: Geoparser, sink: TextIO) -> int:
    """Geoparse every JSONL line of ``src`` into ``sink``; report bad lines and return their count."""
    bad = 0
    with src.open("rb") as fh:
        for lineno, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            where = f"{src}:{lineno}"
            try:
                rec = jsonfiles.loads(raw, where)
                if not isinstance(rec, dict) or not isinstance(rec.get("text"), str):
                    msg = f'{where}: expected a JSON object with a string "text" field'
                    raise InputError(msg)
                mentions = parser.parse(rec["text"])
            except InputError as err:
                bad += 1
                print(f"mapapp geoparse: {err}; skipped", file=sys.stderr)
                continue
            tops = []
            for m in mentions:
                d = m.to_dict()
                d.pop("alternatives", None)
                tops.append(d)
            sink.write(jsonfiles.dumps({"id": rec.get("id", lineno), "toponyms": tops}))
            sink.write("\n")
    return bad


def run(args: argparse.Namespace) -> int:
    if args.batch and args.file:
        msg = f"give either FILE ({args.file!r}) or --batch ({args.batch!r}), not both."
        raise InputError(msg)
    if args.out and not args.batch:
        msg = "--out is for batch mode (--batch IN.jsonl); a single FILE prints its JSON to standard output."
        raise InputError(msg)
    if args.batch:
        return _batch(args)
    if not args.file:
        msg = "give a FILE (or - for stdin), or --batch IN.jsonl [--out OUT.jsonl]"
        raise InputError(msg)
    return _one(args)

"""Hostile files and clumsy commands: every one ends in one line on stderr (or the right result).

JSON readers (nesting, huge numbers, lone surrogates, NaN), negative coordinates after an option,
a border of a country with itself, and output files (permissions kept, leftovers of killed
writers removed, symbolic links refused).
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from mapapp.cli.main import main
from mapapp.errors import OutputError
from mapapp.outputs import write_text_atomic

ROOT = Path(__file__).resolve().parent.parent

#: A JSON text no reader should recurse into (Python's reader raises RecursionError on it).
DEEP = "[" * 100_000


def _strict(text: str) -> object:
    """Parse as standard JSON: NaN/Infinity are errors."""

    def refuse(name: str) -> object:
        raise ValueError(name)

    return json.loads(text, parse_constant=refuse)


def _one_line_error(capsys: pytest.CaptureFixture[str], *needles: str) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    for n in needles:
        assert n in err, err
    return err


# ----------------------------------------------------------------------------- JSON readers


def test_geoparse_batch_survives_hostile_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = '"text": "Shelling hit Kharkiv and Sumy."'
    lines = [
        '{"id": "a", ' + text + "}",
        DEEP,
        '{"id": ' + "7" * 5000 + ", " + text + "}",
        '{"id": "\\ud800", ' + text + "}",
        '{"id": NaN, ' + text + "}",
        '{"id": [1, {"x": "\\ud83d\\ude00"}], ' + text + "}",  # a paired surrogate is a real character
    ]
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["geoparse", "--batch", str(src), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    for n, says in [(2, "nested deeper"), (3, "5,000 digits"), (4, "unpaired surrogate"), (5, "NaN")]:
        line = next(x for x in err.splitlines() if f"in.jsonl:{n}:" in x)
        assert says in line and line.endswith("skipped"), line
    assert "4 bad line(s)" in err
    recs = [_strict(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in recs] == ["a", [1, {"x": "😀"}]]  # type: ignore[index]
    assert {t["name"] for t in recs[0]["toponyms"]} >= {"Kharkiv", "Sumy"}  # type: ignore[index]


@pytest.mark.parametrize("option", ["--targets", "--line"])
@pytest.mark.parametrize(
    ("content", "says"),
    [
        (DEEP, "nested deeper"),
        ('{"type": "Point", "coordinates": [NaN, 50]}', "NaN is not a JSON value"),
        ('{"type": "Point", "coordinates": [1e999, 50]}', "out of range"),
        ('{"type": "Point", "coordinates": [' + "3" * 5000 + ", 50]}", "5,000 digits"),
        ('{"type": "Feature", "properties": {"name": "\\udfff"}, "geometry": null}', "unpaired surrogate"),
        ('{"type": "FeatureCollection", "features": [', "not valid JSON (line 1"),
    ],
)
def test_reach_files_with_hostile_json(
    option: str, content: str, says: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "x.geojson"
    f.write_text(content, encoding="utf-8")
    args = ["reach", "--km", "50", "--from", "36.23,49.99", option, str(f)]
    assert main(args) == 1
    _one_line_error(capsys, says, str(f))


def test_line_with_positions_that_are_not_pairs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "l.geojson"
    f.write_text('{"type": "LineString", "coordinates": [[30, 50], {"lon": 31}]}', encoding="utf-8")
    assert main(["reach", "--km", "50", "--line", str(f)]) == 1
    _one_line_error(capsys, "is not [lon, lat]")


def test_target_csv_that_csv_cannot_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "t.csv"
    f.write_text("name,lat,lon\nA,50.0,36.2\nB,\0,36\n", encoding="utf-8")
    code = main(["reach", "--km", "50", "--from", "36.23,49.99", "--targets", str(f)])
    err = capsys.readouterr().err
    assert code in (0, 1) and "Traceback" not in err
    big = tmp_path / "big.csv"
    big.write_text('name,lat,lon\n"' + "x" * 200_000 + '",50,36\n', encoding="utf-8")
    assert main(["reach", "--km", "50", "--from", "36.23,49.99", "--targets", str(big)]) == 1
    _one_line_error(capsys, "not readable as CSV", "big.csv:")


def test_events_geojson_nested_deep_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "x.geojson"
    f.write_text(DEEP, encoding="utf-8")
    try:
        code = main(["events", str(f)])
    except RecursionError:
        code = -1
    assert code == 1
    _one_line_error(capsys, "nested deeper")


# ----------------------------------------------------------------------------- arguments


def test_negative_coordinates_after_an_option(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reach", "--km", "100", "--from", "-58.38,-34.60", "--format", "json"]) == 0
    spaced = json.loads(capsys.readouterr().out)
    assert "-58.38" in spaced["launch"] and "-34.6" in spaced["launch"]
    assert main(["reach", "--km", "100", "--from=-58.38,-34.60", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["cities"] == spaced["cities"]
    assert any(c["name"] == "Buenos Aires" for c in spaced["cities"])
    assert main(["reach", "--km", "100", "--from", "-180,-90", "--format", "json"]) == 0
    assert "-180" in json.loads(capsys.readouterr().out)["launch"]


def test_negative_values_reach_options_not_flags() -> None:
    from mapapp.cli.main import attach_negative_values, build_parser

    p = build_parser("reach")
    sub = p._subparsers._group_actions[0].choices["reach"]  # type: ignore[union-attr]
    got = attach_negative_values(sub, ["reach", "--from", "-1,-2", "--km", "-5", "--", "--from", "-3,4"])
    assert got == ["reach", "--from=-1,-2", "--km=-5", "--", "--from", "-3,4"]


def test_a_border_of_a_country_with_itself(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reach", "--weapon", "atacms", "--from-border", "UKR", "--into", "UKR"]) == 1
    _one_line_error(capsys, "same country")
    assert main(["reach", "--weapon", "atacms", "--from-border", "ukr", "--into", "UA"]) == 1
    _one_line_error(capsys, "same country")


# ----------------------------------------------------------------------------- output files


def _batch_out(tmp_path: Path, out: Path) -> int:
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": 1, "text": "Shelling hit Kharkiv."}\n', encoding="utf-8")
    return main(["geoparse", "--batch", str(src), "--out", str(out)])


def test_overwriting_keeps_the_file_mode(tmp_path: Path) -> None:
    out = tmp_path / "private.jsonl"
    out.write_text("old\n")
    out.chmod(0o600)
    assert _batch_out(tmp_path, out) == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600 and "Kharkiv" in out.read_text()


def test_a_new_file_follows_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        out = tmp_path / "new.jsonl"
        assert _batch_out(tmp_path, out) == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o640


def test_a_symlink_at_the_output_path_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "real.jsonl"
    target.write_text("keep me\n")
    link = tmp_path / "link.jsonl"
    link.symlink_to(target)
    assert _batch_out(tmp_path, link) == 1
    _one_line_error(capsys, "symbolic link", str(target))
    assert link.is_symlink() and target.read_text() == "keep me\n"
    dangling = tmp_path / "dangling.jsonl"
    dangling.symlink_to(tmp_path / "nowhere" / "x")
    with pytest.raises(OutputError, match="symbolic link"):
        write_text_atomic(dangling, "x")


def test_a_directory_at_the_output_path_is_refused(tmp_path: Path) -> None:
    (tmp_path / "d.json").mkdir()
    with pytest.raises(OutputError, match="is a directory"):
        write_text_atomic(tmp_path / "d.json", "x")


KILLED_WRITER = """
import sys, time
from pathlib import Path
from mapapp.outputs import atomic_output
with atomic_output(Path(sys.argv[1])) as tmp:
    tmp.write_text("half")
    print(tmp, flush=True)
    time.sleep(120)
"""


def test_a_killed_writer_leaves_no_lasting_part_file(tmp_path: Path) -> None:
    out = tmp_path / "map.geojson"
    out.write_text("previous\n")
    with subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(out)], stdout=subprocess.PIPE, text=True) as p:
        assert p.stdout is not None
        part = Path(p.stdout.readline().strip())
        p.kill()
        p.wait(timeout=30)
    assert part.exists() and out.read_text() == "previous\n"  # kill -9: the old file is intact
    # a write in progress elsewhere (a live process) must not lose its temporary file
    live = tmp_path / f".other.json.{os.getppid()}.abcdefgh.part.json"
    live.write_text("in progress")
    write_text_atomic(out, "new\n")
    assert out.read_text() == "new\n"
    assert not part.exists() and live.exists()
    assert sorted(x.name for x in tmp_path.iterdir()) == sorted([out.name, live.name])


def test_a_deep_sidecar_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    art = tmp_path / "a.txt"
    art.write_text("Shelling hit Kharkiv on Monday.\n", encoding="utf-8")
    (tmp_path / "a.txt.meta.json").write_text(DEEP, encoding="utf-8")
    assert main(["events", str(art)]) == 1
    _one_line_error(capsys, "nested deeper")


def test_json_depth_counts_structure_not_brackets_in_strings() -> None:
    from mapapp.jsonfiles import MAX_DEPTH, JSONInputError, loads

    # brackets and escaped quotes inside strings are text, not nesting
    ok = json.dumps({"s": "[" * 500 + '\\"' + "{" * 500, "t": ["]" * 300, 'a\\"["'], "u": [[[1]]]})
    assert loads(ok, "ok.json")["u"] == [[[1]]]  # type: ignore[index]
    at_limit = "[" * MAX_DEPTH + json.dumps('\\"[[[') + "]" * MAX_DEPTH
    assert isinstance(loads(at_limit, "limit.json"), list)
    # one level more is refused even when strings full of ']' would hide it from a naive count
    over = "[" * (MAX_DEPTH + 1) + json.dumps("]" * 40 + '\\"') + "]" * (MAX_DEPTH + 1)
    with pytest.raises(JSONInputError, match="nested deeper"):
        loads(over, "over.json")


def test_snapshot_refuses_a_data_file_as_an_article(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "events.csv"
    data.write_text("a,b\n1,2\n", encoding="utf-8")
    assert main(["snapshot", str(data), "--out", str(tmp_path / "m.html")]) == 1
    err = capsys.readouterr().err
    assert "not an article" in err and "Traceback" not in err and not (tmp_path / "m.html").exists()


def test_a_mistyped_option_names_the_command_and_the_option_meant(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["reach", "--weapn", "atacms", "--from", "Sumy"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "usage: mapapp reach" in err and "--weapn (did you mean --weapon?)" in err


def test_reach_takes_at_as_ring_and_snapshot_do(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reach", "--at", "Sumy", "--km", "50", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert "Sumy" in json.dumps(out)

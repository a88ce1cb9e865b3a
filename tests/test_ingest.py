"""Corpus ingest on Dask: same store from the local scheduler and a LocalCluster, interrupted runs,
corrupt inputs, re-ingest, and the CLI."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from mapapp.cli.main import main
from mapapp.corpus.ingest import ingest
from mapapp.corpus.store import DATASETS, open_store

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

ARTICLES = [
    ("2024-03-05", "Russian forces shelled Kharkiv on Monday, killing three civilians, officials said."),
    ("2024-03-06", "A drone strike hit an oil depot near Belgorod on 3 March 2024, the governor said."),
    ("2024-03-07", "Police dispersed protesters who gathered in central Tbilisi on Tuesday."),
    ("2024-04-02", "Missiles struck the outskirts of Odesa overnight, injuring 12 people."),
    ("2024-04-10", "Artillery fire was reported near Donetsk and Horlivka on 8 April 2024."),
    ("2024-05-01", "Airstrikes on Aleppo killed at least 9 people, according to rescue workers."),
    ("2024-05-03", "Residents of Khartoum staged a demonstration against rising fuel prices on Thursday."),
    ("2024-05-20", "An explosion damaged a railway bridge outside Zaporizhzhia on Sunday, officials said."),
    ("2024-06-01", "Ukrainian drones struck a refinery in Tuapse on 30 May 2024, the ministry said."),
    ("2024-06-15", "Fighting between Sudanese troops and militias continued around El Fasher on Friday."),
]


def write_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i, (day, text) in enumerate(ARTICLES):
        (folder / f"a{i:02d}.txt").write_text(f"---\npublished: {day}\nsource: Wire\n---\n{text}\n", encoding="utf-8")
    return folder


def content(store_dir: Path) -> dict[str, pd.DataFrame]:
    """Every dataset of a store, sorted, without the batch bookkeeping column."""
    st = open_store(store_dir)
    out = {}
    for ds in DATASETS:
        df = st.table(ds).to_pandas()
        df = df.drop(columns=[c for c in ("batch",) if c in df.columns])
        out[ds] = df.sort_values(list(df.columns[:3])).reset_index(drop=True)
    return out


def assert_same_store(a: Path, b: Path) -> None:
    ca, cb = content(a), content(b)
    for ds in DATASETS:
        pd.testing.assert_frame_equal(ca[ds], cb[ds], obj=ds)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("corpus") / "articles")


@pytest.fixture(scope="module")
def reference(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The store from the default scheduler (local processes), 2 workers."""
    store = tmp_path_factory.mktemp("ref") / "store"
    rep = ingest([corpus], store, workers=2, batch_size=3, stream=None)
    assert rep.ingested == len(ARTICLES) and not rep.failures
    # the gazetteer was loaded once per worker process, not per article or batch
    assert rep.worker_stats and all(loads == 1 for loads, _ in rep.worker_stats.values())
    assert len(rep.worker_stats) <= 2
    return store


def test_default_ingest_fills_every_dataset(reference: Path) -> None:
    st = open_store(reference)
    c = st.counts()
    assert c["articles"] == len(ARTICLES)
    assert c["batches"] == 4  # 10 articles in batches of 3
    ev = st.events()
    assert {"Kharkiv", "Odesa", "Aleppo", "Tuapse"} <= set(ev["place_name"])
    kharkiv = ev[ev["place_name"] == "Kharkiv"].iloc[0]
    assert str(kharkiv["date_start"]) == "2024-03-04"  # "on Monday" before 2024-03-05
    assert kharkiv["fatalities"] == 3
    assert 36.0 < kharkiv.geometry.x < 36.5 and 49.8 < kharkiv.geometry.y < 50.2


def test_local_cluster_gives_the_same_store(corpus: Path, reference: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    rep = ingest([corpus], store, scheduler="local-cluster", workers=2, batch_size=3, stream=None)
    assert rep.ingested == len(ARTICLES)
    assert all(loads == 1 for loads, _ in rep.worker_stats.values())
    assert_same_store(reference, store)


def test_interrupted_ingest_rerun_gives_the_same_store(corpus: Path, reference: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    cmd = [
        PYTHON,
        "-m",
        "mapapp",
        "ingest",
        str(corpus),
        "--store",
        str(store),
        "--scheduler",
        "sync",
        "--batch-size",
        "3",
        "--quiet",
    ]
    env = {**os.environ, "MAPAPP_STORE_CRASH_AFTER": "1"}
    # dies while publishing the 2nd batch: parts moved into place, manifest not yet written
    r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert r.returncode == 75, r.stderr
    st = open_store(store)
    assert st.counts()["batches"] == 1
    assert st.counts()["articles"] == 3
    assert len(list((store / "events").glob("*.parquet"))) == 2  # an orphan part is on disk...
    assert len(st.events()) == len(st.table("events"))  # ...but readers only see the published one
    env.pop("MAPAPP_STORE_CRASH_AFTER")
    r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert "skipped 3 already in the store" in r.stderr
    assert len(list((store / "events").glob("*.parquet"))) == open_store(store).counts()["batches"]
    assert_same_store(reference, store)


def test_corrupt_inputs_are_reported_and_skipped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = write_corpus(tmp_path / "src")
    (src / "latin1.txt").write_bytes("Caf\xe9 in Kyiv was shelled.".encode("latin-1"))
    (src / "blob.txt").write_bytes(b"\x00\x01\x02binary\x00")
    lines = [
        json.dumps(
            {"id": "j1", "text": "Missiles struck Lviv on 2 June 2024.", "published": "2024-06-03", "source": "X"}
        ),
        "{not json",
        json.dumps({"id": "j3", "text": "Shelling hit Sumy on 4 June 2024.", "published": "June"}),
    ]
    jl = tmp_path / "feed.jsonl"
    jl.write_text("\n".join(lines) + "\n", encoding="utf-8")
    store = tmp_path / "store"
    code = main(["ingest", str(src), str(jl), "--store", str(store), "--scheduler", "sync", "--quiet"])
    err = capsys.readouterr().err
    assert code == 1
    assert "4 input(s) failed" in err
    for where in ("latin1.txt", "blob.txt", "feed.jsonl:2", "feed.jsonl:3"):
        assert where in err
    st = open_store(store)
    assert st.counts()["articles"] == len(ARTICLES) + 1
    assert "j1" in set(st.table("articles").column("source_id").to_pylist())


def test_reingest_adds_nothing_and_dedupes_by_content(reference: Path, corpus: Path, tmp_path: Path) -> None:
    before = (reference / "manifest.json").read_text()
    rep = ingest([corpus], reference, scheduler="sync", stream=None)
    assert rep.ingested == 0 and rep.skipped_known == len(ARTICLES)
    assert (reference / "manifest.json").read_text() == before
    # the same text under another name (and different whitespace) is the same article
    copy = tmp_path / "copy.txt"
    copy.write_text("---\npublished: 2024-03-05\n---\n" + ARTICLES[0][1].replace(" ", "  ") + "\n\n", encoding="utf-8")
    rep = ingest([copy], reference, scheduler="sync", stream=None)
    assert rep.ingested == 0 and rep.skipped_known == 1


def test_default_date_for_undated_articles(tmp_path: Path) -> None:
    f = tmp_path / "undated.txt"
    f.write_text("Russian forces shelled Kharkiv on Monday, killing three civilians.\n", encoding="utf-8")
    store = tmp_path / "store"
    ingest([f], store, default_date="2024-03-05", scheduler="sync", stream=None)
    ev = open_store(store).events()
    assert [str(d) for d in ev["date_start"]] == ["2024-03-04"]


def test_progress_bar_counts_and_rate(corpus: Path, tmp_path: Path) -> None:
    import io

    buf = io.StringIO()
    ingest([corpus], tmp_path / "s", scheduler="threads", workers=2, batch_size=4, stream=buf)
    last = buf.getvalue().strip().splitlines()[-1]
    assert f"{len(ARTICLES)}/{len(ARTICLES)} articles" in last and "/s" in last


def test_cli_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ingest", str(tmp_path / "nope"), "--store", str(tmp_path / "s")]) == 1
    assert "does not exist" in capsys.readouterr().err
    assert main(["ingest", str(tmp_path), "--store", str(tmp_path / "s"), "--scheduler", "yarn"]) == 1
    assert "Unknown scheduler 'yarn'" in capsys.readouterr().err
    assert main(["ingest", str(tmp_path), "--store", str(tmp_path / "s"), "--date", "2024-13-01"]) == 1
    assert "not a date" in capsys.readouterr().err


# ----------------------------------------------------------------------------- faults


def _jsonl(path: Path, texts: list[str]) -> Path:
    path.write_text(
        "".join(json.dumps({"id": f"n{i}", "text": t, "published": "2024-03-05"}) + "\n" for i, t in enumerate(texts)),
        encoding="utf-8",
    )
    return path


RACE_INGEST = """
import sys, time
from mapapp.cli.main import main
start = float(sys.argv[1])
time.sleep(max(0.0, start - time.time()))
raise SystemExit(main(sys.argv[2:]))
"""


def test_two_simultaneous_ingests_never_both_write(tmp_path: Path) -> None:
    """Two `mapapp ingest` into one store, released at the same instant, on overlapping corpora."""
    towns = ["Kharkiv", "Sumy", "Odesa", "Lviv", "Kherson", "Poltava", "Dnipro", "Mykolaiv", "Chernihiv", "Izium"]
    texts = [f"Shelling hit {towns[i % 10]} on Monday, killing {i + 2} people, officials said." for i in range(30)]
    a = _jsonl(tmp_path / "a.jsonl", texts[:20])
    b = _jsonl(tmp_path / "b.jsonl", texts[5:])  # 15 articles in both
    store = tmp_path / "store"
    start = time.time() + 8.0
    opts = ["--store", str(store), "--scheduler", "sync", "--batch-size", "4", "--quiet"]
    procs = [
        subprocess.Popen(
            [PYTHON, "-c", RACE_INGEST, repr(start), "ingest", str(src), *opts],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for src in (a, b)
    ]
    results = [(p, *p.communicate(timeout=300)) for p in procs]
    assert time.time() > start
    ok = [err for p, _, err in results if p.returncode == 0]
    refused = [err for p, _, err in results if p.returncode != 0]
    assert len(ok) == 1 and len(refused) == 1, [err for *_, err in results]
    assert refused[0].count("\n") == 1 and "is being written by" in refused[0]  # its pid, if it wrote it yet
    assert "Traceback" not in refused[0]
    arts = open_store(store).table("articles").column("article_id").to_pylist()
    assert len(arts) == len(set(arts)) == (20 if "ingested 20" in ok[0] else 25)
    # the refused one can simply run again: it adds only what is new
    loser = a if "ingested 25" in ok[0] else b
    assert main(["ingest", str(loser), "--store", str(store), "--scheduler", "sync", "--quiet"]) == 0
    arts = open_store(store).table("articles").column("article_id").to_pylist()
    assert len(arts) == len(set(arts)) == 30


def test_rerun_of_ingest_notices_a_damaged_part(
    reference: Path, corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "store"
    shutil.copytree(reference, store)
    part = sorted((store / "mentions").glob("part-*.parquet"))[-1]
    part.write_bytes(part.read_bytes()[:100])
    before = (store / "manifest.json").read_text()
    assert main(["ingest", str(corpus), "--store", str(store), "--scheduler", "sync", "--quiet"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(part) in err and "store check --repair" in err
    assert (store / "manifest.json").read_text() == before
    # repaired, the next ingest processes the moved batch's articles again: the same store as before
    assert main(["store", "check", "--repair", str(store)]) == 0
    assert main(["ingest", str(corpus), "--store", str(store), "--scheduler", "sync", "--quiet"]) == 0
    assert "ingested 1 article(s)" in capsys.readouterr().err  # the last batch of 10 in 3s held 1
    assert_same_store(reference, store)


def test_hostile_jsonl_lines_are_reported_and_skipped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = json.dumps({"id": "ok", "text": "Missiles struck Lviv on 2 June 2024.", "published": "2024-06-03"})
    text = '"text": "Shelling hit Sumy."'
    lines = [
        good,
        "[" * 100_000,
        '{"id": ' + "9" * 5000 + ", " + text + "}",
        '{"id": "\\ud800", ' + text + "}",
        '{"id": NaN, ' + text + "}",
        '{"id": 1e999, ' + text + "}",
        '{"id": "x", "text": "Drones hit Odesa.", "published": ' + "[" * 50 + "]" * 50 + "}",
    ]
    jl = tmp_path / "hostile.jsonl"
    jl.write_text("\n".join(lines) + "\n", encoding="utf-8")
    store = tmp_path / "store"
    assert main(["ingest", str(jl), "--store", str(store), "--scheduler", "sync", "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "6 input(s) failed" in err
    for n, says in [
        (2, "nested deeper than"),
        (3, "5,000 digits"),
        (4, "unpaired surrogate"),
        (5, "NaN is not a JSON value"),
        (6, "out of range"),
        (7, "is not a date"),
    ]:
        line = next(x for x in err.splitlines() if f"hostile.jsonl:{n}:" in x)
        assert says in line, line
    assert open_store(store).table("articles").column("source_id").to_pylist() == ["ok"]


def test_scores_and_confidences_are_within_0_and_1(reference: Path) -> None:
    st = open_store(reference)
    for ds, col in (("mentions", "score"), ("events", "confidence")):
        v = st.table(ds, columns=[col]).column(col).to_numpy()
        assert len(v) and (v >= 0).all() and (v <= 1.0).all(), (ds, v.max())


def test_unit_score_clamps_rounding() -> None:
    from mapapp.corpus.ingest import unit_score

    assert unit_score(1.0000000000000002) == 1.0
    assert unit_score(-1e-17) == 0.0
    assert unit_score(0.25) == 0.25


def _children(pid: int) -> set[int]:
    kids = set()
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                kids.add(int(d.name))
    return kids


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("scheduler", ["processes", "local-cluster"])
def test_kill_9_of_an_ingest_takes_its_workers_down(scheduler: str, tmp_path: Path) -> None:
    towns = ["Kharkiv", "Sumy", "Odesa", "Lviv", "Kherson"]
    jl = _jsonl(tmp_path / "c.jsonl", [f"Artillery hit {towns[i % 5]} on Monday, day {i}." for i in range(3000)])
    cmd = [PYTHON, "-m", "mapapp", "ingest", str(jl), "--store", str(tmp_path / "s"), "--quiet"]
    cmd += ["--scheduler", scheduler, "--workers", "2", "--batch-size", "2"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 120
        # wait until the workers are busy with batches (some published)
        while time.time() < deadline and not list((tmp_path / "s" / "articles").glob("part-*.parquet")):
            assert proc.poll() is None, "the ingest ended before it could be killed"
            time.sleep(0.2)
        kids = _children(proc.pid)
        assert len(kids) >= 2, kids  # the worker processes (and multiprocessing's resource tracker)
    finally:
        proc.kill()
        proc.wait(timeout=30)
    deadline = time.time() + 15
    while time.time() < deadline and any(_alive(k) for k in kids):
        time.sleep(0.2)
    left = [k for k in kids if _alive(k)]
    for k in left:  # do not leave them behind whatever the outcome
        os.kill(k, 9)
    assert not left, f"{len(left)} worker process(es) outlived the killed ingest"


@pytest.mark.skipif(shutil.which("strace") is None, reason="needs strace")
def test_ingest_connects_only_to_loopback(tmp_path: Path) -> None:
    """`strace -f -e trace=connect,bind` of a LocalCluster ingest: every address is 127.0.0.1 or a Unix socket."""
    jl = _jsonl(tmp_path / "c.jsonl", ["Shelling hit Kharkiv on Monday.", "Drones struck Odesa on 3 May 2024."])
    log = tmp_path / "strace.txt"
    cmd = ["strace", "-f", "-e", "trace=connect,bind", "-o", str(log), PYTHON, "-m", "mapapp", "ingest", str(jl)]
    cmd += ["--store", str(tmp_path / "s"), "--scheduler", "local-cluster", "--workers", "1", "--quiet"]
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    if r.returncode != 0 and "PTRACE" in r.stderr.upper():
        pytest.skip(f"strace cannot trace here: {r.stderr.strip()[:200]}")
    assert r.returncode == 0, r.stderr
    calls = [x for x in log.read_text().splitlines() if "connect(" in x or "bind(" in x]
    inet = [x for x in calls if "AF_INET" in x]
    assert inet, "the LocalCluster made no TCP connection at all?"
    bad = [x for x in inet if 'inet_addr("127.0.0.1")' not in x and 'inet_pton(AF_INET6, "::1"' not in x]
    assert not bad, bad[:5]
    # it listens on free ports only (a fixed one such as the dashboard's 8787 may be taken)
    fixed = [x for x in inet if "bind(" in x and "htons(0)" not in x]
    assert not fixed, fixed[:5]


def test_an_article_whose_reader_fails_costs_that_article_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write_corpus(tmp_path / "src")
    (src / "a00.txt.meta.json").write_text("[" * 100_000, encoding="utf-8")  # a hostile sidecar
    assert main(["ingest", str(src), "--store", str(tmp_path / "s"), "--scheduler", "sync", "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "1 input(s) failed" in err and "a00.txt" in err and "Traceback" not in err
    assert open_store(tmp_path / "s").counts()["articles"] == len(ARTICLES) - 1

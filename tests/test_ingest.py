"""Corpus ingest on Dask: same store from the local scheduler and a LocalCluster, interrupted runs,
corrupt inputs, re-ingest, and the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
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

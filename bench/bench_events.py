"""Events benchmark: throughput, growth with input size, CSV import, and (by argument) quality.

Run from the repository root::

    .venv/bin/python bench/bench_events.py                       # speed: seed x200, growth, CSV
    .venv/bin/python bench/bench_events.py --dev DIR --lgl FILE  # also the quality figures

Extraction is timed with hand-made mentions (no geoparser) so it measures
``mapapp.text.events`` alone; the seed is also timed once through the real geoparser. Times are
wall clock and CPU (``process_time``); the machine is shared, so CPU time is the steadier figure.

``--dev DIR`` scores the sentence-level detection on an annotated development set laid out as
``DIR/*.txt`` + ``DIR/gold.json`` (``{file: {"sentences": [...], "violent": [indices]}}``), with
and without the one- to three-letter fragment lines of that layout (see bench/README.md).
``--lgl FILE`` extracts events from a JSONL corpus of news articles (``{"id", "text"}`` per line)
and writes the violent events to ``--sample OUT`` (default /tmp/lgl_events.jsonl) for hand
checking. Neither corpus is read by the tests or copied into the project.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mapapp.corpus.files import import_csv, to_csv_text  # noqa: E402
from mapapp.model import Event, Mention, Place  # noqa: E402
from mapapp.text.events.extract import extract_events  # noqa: E402

SEED = ROOT / "seeds" / "2024-11-17-atacms-inside-russia.txt"
GOLD = ROOT / "seeds" / "2024-11-17-atacms-inside-russia.gold.json"
VIOLENT = ("Battles", "Explosions/Remote violence", "Violence against civilians")

CITIES = [
    ("Kherson", 32.6169, 46.6558),
    ("Kharkiv", 36.2527, 49.9808),
    ("Odesa", 30.7326, 46.4775),
    ("Pokrovsk", 37.1812, 48.282),
    ("Zaporizhzhia", 35.1183, 47.8517),
    ("Sumy", 34.7981, 50.9077),
]
TEMPLATES = [
    "Russian forces shelled {c} on {wd}, killing {n} civilians, Reuters reported.",
    "Ukrainian troops repelled an assault near {c} last week, the General Staff said.",
    "A Russian drone strike hit {c} overnight; at least {n} people were wounded, The Kyiv Independent reported.",
    "Russia is preparing a new offensive near {c} in {m}, according to The Washington Post.",
    "More than {k} North Korean troops arrived in {c} in {m}.",
    "The city council of {c} approved a new budget for schools and roads on {wd}.",
    "Residents of {c} queued for water as repairs to the grid continued.",
    "A car bomb exploded near a market in {c} on {wd}, killing {n} people and wounding dozens.",
]


def _synthetic(n_sentences: int, rng: random.Random) -> tuple[str, list[Mention]]:
    parts: list[str] = []
    mentions: list[Mention] = []
    pos = 0
    for _ in range(n_sentences):
        name, lon, lat = rng.choice(CITIES)
        s = rng.choice(TEMPLATES).format(
            c=name,
            wd=rng.choice(["Monday", "Tuesday", "Friday"]),
            n=rng.randint(2, 30),
            k=f"{rng.randint(1, 20) * 1000:,}",
            m=rng.choice(["August", "October", "December"]),
        )
        i = s.index(name)
        mentions.append(Mention(pos + i, pos + i + len(name), name, Place(f"x:{name}", name, "city", lon, lat, "UA")))
        parts.append(s)
        pos += len(s) + 1
    return "\n".join(parts), mentions


def _seed_mentions() -> tuple[str, list[Mention]]:
    g = json.loads(GOLD.read_text())
    kinds = {"country": "country", "admin1": "admin1", "city": "city", "building": "landmark"}
    cc = {"Ukraine": "UA", "United States": "US", "Russia": "RU", "North Korea": "KP", "Kursk Oblast": "RU"}
    cc |= {"Kyiv": "UA", "Oval Office": "US"}
    ms = [
        Mention(
            t["start"],
            t["end"],
            t["name"],
            Place(
                "t:" + t["place"],
                t["place"],
                kinds[t["feature"]],  # type: ignore[arg-type]
                t["lon"],
                t["lat"],
                cc.get(t["place"], ""),
            ),
            associative=t["kind"] == "associative",
        )
        for t in g["toponyms"]
    ]
    return g["text"], ms


def _timed(fn):  # type: ignore[no-untyped-def]
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - t0, time.process_time() - c0


def speed() -> None:
    pub = dt.date(2024, 11, 17)
    text, ms = _seed_mentions()
    extract_events(text, pub, mentions=ms)  # loads the country service and the weapon catalogue
    reps = 200
    n, wall, cpu = _timed(lambda: sum(len(extract_events(text, pub, mentions=ms)) for _ in range(reps)))
    print(
        f"seed x{reps}: {n} events; wall {wall:.2f} s -> {n / wall:,.0f} events/s; "
        f"CPU {cpu:.2f} s -> {n / cpu:,.0f} events/s, {reps / cpu:,.1f} articles/s"
    )

    rng = random.Random(7)
    arts = [_synthetic(20, rng) for _ in range(100)]
    n, wall, cpu = _timed(lambda: sum(len(extract_events(t, pub, mentions=m)) for t, m in arts))
    print(f"synthetic 100 articles x 20 sentences: {n} events; CPU {cpu:.2f} s -> {n / cpu:,.0f} events/s")

    print("growth (one text of N bytes; synthetic news sentences / adversarial inputs), CPU seconds:")
    rng = random.Random(11)
    pool, pool_ms = _synthetic(6000, rng)  # ~600 KB of sentences
    pool = (pool + "\n") * 2
    for size in (1_000, 10_000, 100_000, 1_000_000):
        cut = pool[:size]
        cut_ms = [m for m in pool_ms if m.end <= size]
        news, _w, c_news = _timed(lambda cut=cut, cut_ms=cut_ms: extract_events(cut, pub, mentions=cut_ms))
        runon = ("Russian forces shelled the town, killing three civilians, " * (size // 58 + 1))[:size]
        _r, _w2, c_runon = _timed(lambda runon=runon: extract_events(runon, pub, mentions=[]))
        _d, _w3, c_d = _timed(lambda size=size: extract_events("D" * size, pub, mentions=[]))
        print(
            f"  {size:>9,} B: news {c_news:7.3f} s ({len(news):,} events, {c_news / size * 1e6:6.1f} µs/B)"
            f" | one run-on sentence {c_runon:7.3f} s | 'D'*N {c_d:6.3f} s"
        )

    try:
        from mapapp.text.geoparse.parser import geoparse

        geoparse("Kyiv")  # load the gazetteer outside the timing
        evs, wall, _c = _timed(lambda: extract_events(SEED.read_text(), pub))
        print(f"seed with the real geoparser (warm): {len(evs)} events in {wall:.3f} s")
    except ImportError as err:
        print(f"real geoparser not importable ({err}); skipped")

    rows = 10_000
    header = (
        "event_id_cnty,event_date,year,time_precision,event_type,sub_event_type,actor1,actor2,country,"
        "admin1,location,latitude,longitude,fatalities,notes,source\n"
    )
    body = "".join(
        f"E{i},2024-{1 + i % 12:02d}-{1 + i % 28:02d},2024,1,Battles,Armed clash,Military Forces of Russia,"
        f"Military Forces of Ukraine,Ukraine,Donetsk,Loc{i},{45 + (i % 500) / 100},{30 + (i % 900) / 100},"
        f'{i % 5},"Clashes near Loc{i}, notes.",Source{i % 7}\n'
        for i in range(rows)
    )
    best = 1e9
    for _ in range(3):
        res, _w, c = _timed(lambda: import_csv(io.StringIO(header + body)))
        best = min(best, c)
    assert len(res.events) == rows and not res.errors
    print(f"CSV import {rows:,} rows: best of 3 {best:.3f} s CPU -> {rows / best:,.0f} rows/s")
    _t, _w, c = _timed(lambda: to_csv_text(res.events, res.columns))
    print(f"CSV export {rows:,} rows: {c:.3f} s CPU -> {rows / c:,.0f} rows/s")


_NORM = re.compile(r"\W+")


def _norm(s: str) -> str:
    return _NORM.sub("", s).lower()


def dev_score(folder: Path) -> None:
    """Sentence-level P/R of violent events on ``folder`` (see the module docstring)."""
    from mapapp.text.article import read_article
    from mapapp.text.geoparse.parser import geoparse

    gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    counts = {"all": [0, 0, 0], "no fragments": [0, 0, 0]}
    for name, g in gold.items():
        art = read_article(folder / name)
        evs = extract_events(art.text, art.published, source=name, mentions=geoparse(art.text))
        cited = [_norm(s.text) for e in evs if e.event_type in VIOLENT for s in e.sentences]
        pred = {
            i for i, s in enumerate(g["sentences"]) if _norm(s) and any(_norm(s) in c or c in _norm(s) for c in cited)
        }
        for key in counts:
            keep = (lambda i: True) if key == "all" else (lambda i, g=g: len(_norm(g["sentences"][i])) > 3)
            gs = {i for i in g["violent"] if keep(i)}
            ps = {i for i in pred if keep(i)}
            counts[key][0] += len(gs & ps)
            counts[key][1] += len(ps - gs)
            counts[key][2] += len(gs - ps)
    for key, (tp, fp, fn) in counts.items():
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        print(f"dev set ({key}): P {100 * p:.1f} R {100 * r:.1f} (tp {tp}, fp {fp}, fn {fn})")


def lgl_sample(path: Path, out: Path) -> None:
    """Violent events of every article of a JSONL corpus, written to ``out`` for hand checking."""
    from mapapp.text.geoparse.parser import geoparse

    n_articles = 0
    events: list[tuple[str, Event]] = []
    with path.open(encoding="utf-8") as fh_in:
        records = [json.loads(line) for line in fh_in if line.strip()]
    for d in records:
        n_articles += 1
        evs = extract_events(d["text"], None, source=d["id"], mentions=geoparse(d["text"]))
        events += [(d["id"], e) for e in evs if e.event_type in VIOLENT and e.status == "occurred"]
    with out.open("w", encoding="utf-8") as fh:
        for i, (aid, e) in enumerate(events):
            rec = {
                "n": i,
                "article": aid,
                "type": f"{e.event_type} / {e.sub_event_type}",
                "places": [p.name for p in e.places],
                "geo_precision": e.geo_precision,
                "figures": [f.describe() for f in e.figures],
                "sentences": [s.text for s in e.sentences],
            }
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    print(f"LGL: {n_articles} articles -> {len(events)} violent events (written to {out})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dev", type=Path, help="annotated development set folder (measurement only)")
    ap.add_argument("--lgl", type=Path, help="JSONL news corpus to extract violent events from")
    ap.add_argument("--sample", type=Path, default=Path("/tmp/lgl_events.jsonl"), help="where --lgl writes events")
    ap.add_argument("--no-speed", action="store_true", help="only the quality figures")
    args = ap.parse_args()
    if not args.no_speed:
        speed()
    if args.dev:
        dev_score(args.dev)
    if args.lgl:
        lgl_sample(args.lgl, args.sample)


if __name__ == "__main__":
    main()

"""Events benchmark: extraction throughput (seed repeated, synthetic articles) and CSV import rows/s.

Run: ``.venv/bin/python bench/bench_events.py`` from the repository root. Extraction is timed
with hand-made mentions (no geoparser) so it measures mapapp.text.events.extract alone; the seed is also
timed once through the real geoparser when it can be imported.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mapapp.corpus.files import import_csv, to_csv_text  # noqa: E402
from mapapp.model import Mention, Place  # noqa: E402
from mapapp.text.events.extract import extract_events  # noqa: E402

SEED = ROOT / "seeds" / "2024-11-17-atacms-inside-russia.txt"
GOLD = ROOT / "seeds" / "2024-11-17-atacms-inside-russia.gold.json"

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
    ms = [
        Mention(
            t["start"],
            t["end"],
            t["name"],
            Place("t:" + t["place"], t["place"], kinds[t["feature"]], t["lon"], t["lat"]),  # type: ignore[arg-type]
            associative=t["kind"] == "associative",
        )
        for t in g["toponyms"]
    ]
    return g["text"], ms


def main() -> None:
    pub = dt.date(2024, 11, 17)
    text, ms = _seed_mentions()
    reps = 200
    t0 = time.perf_counter()
    n = 0
    for _ in range(reps):
        n += len(extract_events(text, pub, mentions=ms))
    el = time.perf_counter() - t0
    print(f"seed x{reps}: {n} events in {el:.2f} s -> {n / el:,.0f} events/s, {reps / el:,.1f} articles/s")

    rng = random.Random(7)
    arts = [_synthetic(20, rng) for _ in range(100)]
    t0 = time.perf_counter()
    n = 0
    for t, m in arts:
        n += len(extract_events(t, pub, mentions=m))
    el = time.perf_counter() - t0
    print(f"synthetic 100 articles x 20 sentences: {n} events in {el:.2f} s -> {n / el:,.0f} events/s")

    try:
        from mapapp.text.geoparse.parser import geoparse

        geoparse("Kyiv")  # load the gazetteer outside the timing
        t0 = time.perf_counter()
        evs = extract_events(SEED.read_text(), pub)
        print(f"seed with the real geoparser (warm): {len(evs)} events in {time.perf_counter() - t0:.3f} s")
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
    csv_text = header + body
    best = 1e9
    for _ in range(3):
        t0 = time.perf_counter()
        res = import_csv(io.StringIO(csv_text))
        best = min(best, time.perf_counter() - t0)
    assert len(res.events) == rows and not res.errors
    print(f"CSV import {rows:,} rows: best of 3 {best:.3f} s -> {rows / best:,.0f} rows/s")
    t0 = time.perf_counter()
    to_csv_text(res.events, res.columns)
    el = time.perf_counter() - t0
    print(f"CSV export {rows:,} rows: {el:.3f} s -> {rows / el:,.0f} rows/s")


if __name__ == "__main__":
    main()

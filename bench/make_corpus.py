"""Generate a synthetic news corpus for the ingest benchmark and tests.

Articles are built from template sentences written for this project (no third-party text) and
place names drawn from the gazetteer's cities (``get_gazetteer().cities(min_population)``), with
publication dates spread over a period. Deterministic for a given seed.

    .venv/bin/python bench/make_corpus.py OUT_DIR --n 10000            # one .txt per article
    .venv/bin/python bench/make_corpus.py OUT.jsonl --n 10000 --jsonl  # one JSONL file
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from pathlib import Path

EVENT_SENTENCES = (
    "{actor} forces shelled {city} on {weekday}, killing {n} civilians, local officials said.",
    "A drone strike hit an oil depot near {city} on {date}, the regional governor said.",
    "Fighting between {actor} troops and local militias continued around {city} for a third day.",
    "Missiles struck the outskirts of {city} overnight, injuring {n} people.",
    "Police dispersed hundreds of protesters who gathered in central {city} on {weekday}.",
    "Artillery fire was reported near {city} and {city2} on {date}.",
    "{actor} soldiers captured a village east of {city} after heavy clashes.",
    "An explosion damaged a railway bridge outside {city} on {weekday}, officials said.",
    "Airstrikes on {city} killed at least {n} people, according to rescue workers.",
    "Residents of {city} staged a peaceful demonstration against rising fuel prices.",
)
FILLER_SENTENCES = (
    "The ministry did not respond to a request for comment.",
    "Aid agencies said supplies of water and electricity remained limited.",
    "Analysts said the situation was likely to remain tense in the coming weeks.",
    "Officials in {city} said schools would stay closed until further notice.",
    "Trade between the two regions has fallen sharply over the past year.",
    "The council met in {city} to discuss reconstruction plans and funding.",
    "Weather conditions slowed the movement of convoys along the main highway.",
    "Local media in {city} reported long queues at fuel stations.",
)
ACTORS = ("Russian", "Ukrainian", "Syrian", "Israeli", "Sudanese", "Ethiopian", "Malian", "Burmese")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def make_articles(
    n: int,
    *,
    seed: int = 7,
    min_population: int = 200_000,
    start: dt.date = dt.date(2024, 1, 1),
    days: int = 365,
    sentences: tuple[int, int] = (6, 12),
) -> list[dict[str, str]]:
    """``n`` articles as ``{"id", "text", "published", "source"}`` dicts."""
    from mapapp.data.gazetteer import get_gazetteer

    cities = get_gazetteer().cities(min_population=min_population)
    names = [str(x) for x in cities["name"] if str(x).isascii() and " " not in str(x)]
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        pub = start + dt.timedelta(days=rnd.randrange(days))
        home = rnd.choice(names)
        parts = []
        for _ in range(rnd.randint(*sentences)):
            pool = EVENT_SENTENCES if rnd.random() < 0.45 else FILLER_SENTENCES
            day = pub - dt.timedelta(days=rnd.randrange(1, 6))
            city = home if rnd.random() < 0.6 else rnd.choice(names)
            parts.append(
                rnd.choice(pool).format(
                    actor=rnd.choice(ACTORS),
                    city=city,
                    city2=rnd.choice(names),
                    n=rnd.randint(2, 40),
                    weekday=rnd.choice(WEEKDAYS),
                    date=f"{day.day} {day:%B} {day.year}",
                )
            )
        text = f"{home} update\n\n" + " ".join(parts) + "\n"
        out.append(
            {
                "id": f"synth-{i:06d}",
                "text": text,
                "published": pub.isoformat(),
                "source": rnd.choice(("Wire A", "Wire B", "Daily C")),
            }
        )
    return out


def write_corpus(out: Path, n: int, *, jsonl: bool = False, seed: int = 7) -> Path:
    """Write ``n`` articles to ``out`` (a folder of .txt with front matter, or a .jsonl file)."""
    arts = make_articles(n, seed=seed)
    if jsonl:
        out.parent.mkdir(parents=True, exist_ok=True)
        with open(out, "w", encoding="utf-8") as fh:
            for a in arts:
                fh.write(json.dumps(a) + "\n")
        return out
    out.mkdir(parents=True, exist_ok=True)
    for a in arts:
        (out / f"{a['id']}.txt").write_text(
            f"---\npublished: {a['published']}\nsource: {a['source']}\n---\n{a['text']}", encoding="utf-8"
        )
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", help="output folder (or .jsonl file with --jsonl)")
    ap.add_argument("--n", type=int, default=10_000, help="number of articles (default 10,000)")
    ap.add_argument("--jsonl", action="store_true", help="write one JSONL file instead of .txt files")
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args(argv)
    p = write_corpus(Path(a.out), a.n, jsonl=a.jsonl, seed=a.seed)
    print(f"wrote {a.n:,} articles to {p}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Event extraction: the seed article's events, other war-news phrasing, merging, filtering, CLI."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from mapapp.cli.main import main
from mapapp.model import Event, Mention, Place
from mapapp.text.article import read_article
from mapapp.text.events.extract import extract_events, filter_by_date, merge_events, split_sentences

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "2024-11-17-atacms-inside-russia.txt"
GOLD = json.loads((ROOT / "seeds" / "2024-11-17-atacms-inside-russia.gold.json").read_text())
_KIND = {"country": "country", "admin1": "admin1", "city": "city", "building": "landmark"}
_CC = {
    "Ukraine": "UA",
    "United States": "US",
    "Russia": "RU",
    "North Korea": "KP",
    "Kursk Oblast": "RU",
    "Kyiv": "UA",
    "Oval Office": "US",
}


def gold_mentions() -> list[Mention]:
    return [
        Mention(
            t["start"],
            t["end"],
            t["name"],
            Place(
                id="t:" + t["place"],
                name=t["place"],
                kind=_KIND[t["feature"]],  # type: ignore[arg-type]
                lon=t["lon"],
                lat=t["lat"],
                country_code=_CC[t["place"]],
            ),
            associative=t["kind"] == "associative",
        )
        for t in GOLD["toponyms"]
    ]


def one(events: list[Event], event_type: str, **want: object) -> Event:
    hits = [e for e in events if e.event_type == event_type and all(getattr(e, k) == v for k, v in want.items())]
    assert len(hits) == 1, [(e.event_type, e.date, e.actors, e.planned) for e in events]
    return hits[0]


def names(e: Event) -> set[str]:
    return {p.name for p in e.places}


def figs(e: Event) -> set[tuple[str, int]]:
    return {(f.label, f.value) for f in e.figures}


@pytest.fixture(scope="module")
def seed_events() -> list[Event]:
    return extract_events(GOLD["text"], dt.date(2024, 11, 17), source="seed", mentions=gold_mentions())


def test_seed_authorisation(seed_events: list[Event]) -> None:
    e = one(seed_events, "Policy decision")
    assert e.sub_event_type == "Authorization"
    assert e.date is not None
    assert (e.date.start, e.date.end, e.date.precision) == ("2024-11-17", "2024-11-17", "day")
    assert names(e) == {"Washington"} and e.places[0].lat == pytest.approx(38.895, abs=0.01)
    assert e.actors[:2] == ("United States", "Ukraine")
    assert "Russia" in e.extra["scope"]
    assert not e.planned
    assert "The Washington Post" in e.outlets


def test_seed_north_korean_troops(seed_events: list[Event]) -> None:
    e = one(seed_events, "Strategic developments", sub_event_type="Troop deployment")
    assert e.date is not None and (e.date.start, e.date.end, e.date.precision) == ("2024-10-01", "2024-10-31", "month")
    assert e.date.status == "inferred" and "year not stated" in e.date.note
    assert names(e) == {"Kursk Oblast"}
    assert e.actors[0] == "North Korea"
    assert ("troops", 10000) in figs(e)
    troops = e.figure("troops")
    assert troops is not None and troops.qualifier == "more than"


def test_seed_ukraine_seized_territory_in_august(seed_events: list[Event]) -> None:
    e = one(seed_events, "Battles", planned=False)
    assert e.date is not None and (e.date.start, e.date.precision) == ("2024-08-01", "month")
    assert names(e) == {"Kursk Oblast"}
    assert e.actors == ("Ukraine",)
    assert "seize" in e.extra["trigger"]


def test_seed_planned_attack_is_planned_not_past(seed_events: list[Event]) -> None:
    e = one(seed_events, "Battles", planned=True)
    assert e.actors[0] == "Russia"
    assert names(e) == {"Kursk Oblast"}
    assert e.date is not None and e.date.start == "2024-11-17" and "planned" in e.date.note
    assert "planned" in e.notes


def test_seed_strike_on_power_grid(seed_events: list[Event]) -> None:
    hits = [
        e
        for e in seed_events
        if e.event_type == "Explosions/Remote violence" and e.date is not None and e.date.precision == "range"
    ]
    assert len(hits) == 1
    e = hits[0]
    assert e.date is not None and (e.date.start, e.date.end) == ("2024-11-16", "2024-11-17")
    assert e.sub_event_type in ("Air/drone strike", "Shelling/artillery/missile attack")
    assert "Kyiv" in names(e)
    assert e.actors[:2] == ("Russia", "Ukraine")
    assert ("killed", 5) in figs(e) and "at least" in e.figure_qualifiers
    assert "ABC News" in e.outlets
    assert {"drones", "missiles"} <= set(e.extra["weapons"].split(", "))


def test_seed_first_atacms_use_has_no_silently_invented_year(seed_events: list[Event]) -> None:
    hits = [
        e
        for e in seed_events
        if e.event_type == "Explosions/Remote violence" and e.date is not None and e.date.precision == "month"
    ]
    assert len(hits) == 1
    e = hits[0]
    assert e.date is not None and e.date.status == "uncertain"
    assert "year not stated" in e.date.note and "first began" in e.date.note
    assert e.actors[0] == "Ukraine" and "Russia" in e.actors
    assert names(e) == {"Ukraine"}
    assert "The New York Times" in e.outlets  # "The Times" resolved to the outlet named earlier


def test_seed_sentence_spans_point_into_the_text(seed_events: list[Event]) -> None:
    for e in seed_events:
        assert GOLD["text"][e.sentence_start : e.sentence_end] == e.sentence


def test_seed_through_real_geoparser() -> None:
    geoparse = pytest.importorskip("mapapp.text.geoparse.parser")
    art = read_article(SEED)
    events = extract_events(art.text, art.published, source=str(SEED), mentions=geoparse.geoparse(art.text))
    troops = one(events, "Strategic developments", sub_event_type="Troop deployment")
    assert any("Kursk" in p.name and p.country_code == "RU" for p in troops.places)
    strike = [
        e
        for e in events
        if e.event_type == "Explosions/Remote violence" and e.date is not None and e.date.start == "2024-11-16"
    ]
    assert strike and any(p.name == "Kyiv" for p in strike[0].places)


SHELLING = """\
Russian forces shelled Kherson on Tuesday, killing three civilians and wounding 12 others, \
the regional governor said, according to Reuters.
Ukrainian troops repelled an assault near Pokrovsk last week, Ukraine's General Staff said.
Belarus could send troops to the border if the situation worsens.
Russia is preparing a new offensive in Zaporizhzhia in the spring, the Kyiv Independent reported.
"""


def _kherson_mentions(text: str) -> list[Mention]:
    places = {
        "Kherson": Place("gn:706448", "Kherson", "city", 32.6169, 46.6558, "UA"),
        "Pokrovsk": Place("gn:708546", "Pokrovsk", "city", 37.1812, 48.282, "UA"),
        "Zaporizhzhia": Place("gn:687700", "Zaporizhzhia", "city", 35.1183, 47.8517, "UA"),
    }
    out = []
    for name, p in places.items():
        if name in text:
            i = text.index(name)
            out.append(Mention(i, i + len(name), name, p))
    return out


def test_other_article_shelling_on_tuesday_across_year_boundary() -> None:
    events = extract_events(SHELLING, dt.date(2025, 1, 3), mentions=_kherson_mentions(SHELLING))
    e = one(events, "Explosions/Remote violence")
    assert e.sub_event_type == "Shelling/artillery/missile attack"
    assert e.date is not None and e.date.start == "2024-12-31"
    assert names(e) == {"Kherson"} and e.actors[0] == "Russia"
    assert ("killed", 3) in figs(e) and ("injured", 12) in figs(e)
    assert e.outlets == ("Reuters",)
    b = one(events, "Battles", planned=False)
    assert b.date is not None and (b.date.start, b.date.end) == ("2024-12-23", "2024-12-29")
    assert names(b) == {"Pokrovsk"} and b.actors[0] == "Ukraine"


def test_hypothetical_events_are_skipped_and_plans_are_marked() -> None:
    events = extract_events(SHELLING, dt.date(2025, 1, 3), mentions=_kherson_mentions(SHELLING))
    assert not any("Belarus" in e.actors for e in events)  # "could send troops ... if"
    plan = one(events, "Battles", planned=True)
    assert names(plan) == {"Zaporizhzhia"} and plan.actors[0] == "Russia"
    assert "Kyiv Independent" in " ".join(plan.outlets)


def test_number_words_and_outlet_before_reported() -> None:
    text = "On Monday a Russian drone strike hit Odesa. Seven people were killed, The Guardian reported."
    events = extract_events(text, "2024-06-05", mentions=[])
    e = one(events, "Explosions/Remote violence")
    assert e.sub_event_type == "Air/drone strike"
    assert e.date is not None and e.date.start == "2024-06-03"
    assert ("killed", 7) in figs(e) and "The Guardian" in e.outlets


def test_in_december_in_a_january_article_is_the_previous_year() -> None:
    text = "North Korean troops arrived in Russia in December."
    events = extract_events(text, dt.date(2025, 1, 3), mentions=[])
    e = one(events, "Strategic developments")
    assert e.date is not None and (e.date.start, e.date.status) == ("2024-12-01", "inferred")
    assert e.actors[0] == "North Korea" and names(e) == {"Russia"}


def test_split_sentences_keeps_abbreviations() -> None:
    text = "U.S. President Joe Biden spoke. Sen. JD Vance said no. Kyiv was hit!"
    sents = split_sentences(text)
    assert [s.text for s in sents] == ["U.S. President Joe Biden spoke.", "Sen. JD Vance said no.", "Kyiv was hit!"]
    assert all(text[s.start : s.end] == s.text for s in sents)


def test_two_articles_same_event_kept_once_with_both_sources() -> None:
    a = "Russian forces shelled Kherson on Tuesday, killing three civilians, Reuters reported."
    b = "Three people died when Russia shelled Kherson on Tuesday, the BBC reported."
    ea = extract_events(a, "2025-01-03", source="a.txt", mentions=_kherson_mentions(a))
    eb = extract_events(b, "2025-01-02", source="b.txt", mentions=_kherson_mentions(b))
    merged = merge_events([*ea, *eb])
    shell = [e for e in merged if e.event_type == "Explosions/Remote violence"]
    assert len(shell) == 1
    assert set(shell[0].sources) == {"a.txt", "b.txt"}
    assert {"Reuters", "The BBC"} <= set(shell[0].outlets) or {"Reuters", "BBC"} <= set(shell[0].outlets)
    # a different day is a different event
    c = "Russian forces shelled Kherson on 10 December 2024."
    ec = extract_events(c, "2025-01-03", source="c.txt", mentions=_kherson_mentions(c))
    assert len([e for e in merge_events([*ea, *ec]) if e.event_type == "Explosions/Remote violence"]) == 2


def test_filter_by_date(seed_events: list[Event]) -> None:
    nov = filter_by_date(seed_events, "2024-11-01", "2024-11-30")
    assert {e.date.start[:7] for e in nov if e.date} == {"2024-11"}
    assert len(filter_by_date(seed_events, since=dt.date(2024, 10, 15), until=None)) == len(seed_events) - 1
    assert filter_by_date(seed_events, "2030-01-01", None) == []


def test_read_article_publication_date_sources(tmp_path: Path) -> None:
    fm = tmp_path / "a.md"
    fm.write_text("---\npublished: 2025-01-03\nsource: Reuters\n---\nRussia shelled Kherson on Tuesday.\n")
    art = read_article(fm)
    assert art.published == dt.date(2025, 1, 3) and art.source == "Reuters"
    assert art.text.startswith("Russia shelled")
    side = tmp_path / "b.txt"
    side.write_text("Russia shelled Kherson on Tuesday.")
    (tmp_path / "b.txt.meta.json").write_text(json.dumps({"published": "2024-05-02", "title": "T"}))
    assert read_article(side).published == dt.date(2024, 5, 2)
    named = tmp_path / "2023-02-24-x.txt"
    named.write_text("x")
    assert read_article(named).published == dt.date(2023, 2, 24)
    assert read_article(SEED).published == dt.date(2024, 11, 17)
    bad = tmp_path / "c.md"
    bad.write_text("---\npublished: yesterday\n---\ntext")
    with pytest.raises(Exception, match="not a date"):
        read_article(bad)


def test_cli_articles_merged_and_filtered(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = tmp_path / "a.txt"
    a.write_text("---\npublished: 2025-01-03\n---\nRussian forces shelled Kherson on Tuesday, Reuters reported.\n")
    b = tmp_path / "b.txt"
    b.write_text("---\npublished: 2025-01-02\n---\nRussia shelled Kherson on Tuesday, the BBC reported.\n")
    assert main(["events", str(a), str(b)]) == 0
    out = json.loads(capsys.readouterr().out)
    shell = [e for e in out if e["event_type"] == "Explosions/Remote violence"]
    assert len(shell) == 1 and set(shell[0]["sources"]) == {str(a), str(b)}
    assert main(["events", str(a), "--since", "2025-01-01"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_cli_bad_rows_reported_and_exit_nonzero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "e.csv"
    f.write_text(
        "event_date,event_type,latitude,longitude,fatalities\n"
        "2024-11-17,Battles,50.1,30.2,1\n2024-11-18,Battles,123,30.2,0\n"
    )
    assert main(["events", str(f), "--format", "csv"]) == 1
    cap = capsys.readouterr()
    assert "line 3" in cap.err and "latitude '123'" in cap.err
    assert cap.out.count("\n") == 2  # header + the good row
    assert main(["events", str(tmp_path / "missing.txt")]) == 1
    assert "error" in capsys.readouterr().err


def test_html_entities_decoded_once(tmp_path: Path) -> None:
    page = tmp_path / "a.html"
    page.write_text(
        "<html><head><title>A &amp;lt; B</title></head><body>"
        "<p>Write &amp;lt;b&amp;gt; for bold &amp; &lt;i&gt; for italics.</p></body></html>"
    )
    art = read_article(page)
    assert art.text == "Write &lt;b&gt; for bold & <i> for italics."
    assert art.title == "A &lt; B"


def test_cli_empty_article_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n\n")
    assert main(["events", str(empty)]) == 1
    cap = capsys.readouterr()
    assert cap.out == ""
    assert f"{empty} is empty: nothing to extract" in cap.err


def _csv_file(tmp_path: Path) -> Path:
    f = tmp_path / "e.csv"
    f.write_text("event_date,event_type,latitude,longitude\n2024-11-17,Battles,50.1,30.2\n")
    return f


def test_cli_output_written_whole_or_not_at_all(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    src = _csv_file(tmp_path)
    out = tmp_path / "out" / "events.csv"
    out.parent.mkdir()
    out.write_text("previous export\n")

    def fail(a: object, b: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("mapapp.outputs.os.replace", fail)
    assert main(["events", str(src), "--format", "csv", "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "No space left on device" in err and "Traceback" not in err
    assert out.read_text() == "previous export\n"
    assert [p.name for p in out.parent.iterdir()] == ["events.csv"]  # no temporary file left behind
    monkeypatch.undo()
    assert main(["events", str(src), "--format", "csv", "-o", str(out)]) == 0
    assert out.read_text() == "event_date,event_type,latitude,longitude\n2024-11-17,Battles,50.1,30.2\n"
    assert [p.name for p in out.parent.iterdir()] == ["events.csv"]


def test_cli_unwritable_output_is_a_one_line_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _csv_file(tmp_path)
    for bad in (tmp_path / "no-such-dir" / "x.json", tmp_path):
        assert main(["events", str(src), "-o", str(bad)]) == 1
        err = capsys.readouterr().err
        assert err.startswith("mapapp events: error: Cannot write") and err.count("\n") == 1


# --------------------------------------------------------------------------------------------
# Detection that reads the sentence (issue 16): sports, markets, elections, films, games, weather,
# accidents and metaphors are not conflict events; violent predicates with violent arguments are.

PUB = dt.date(2024, 6, 10)  # a Monday


def violent(text: str, mentions: list[Mention] | None = None, **kw: object) -> list[Event]:
    evs = extract_events(text, PUB, mentions=mentions or [], **kw)  # type: ignore[arg-type]
    return [e for e in evs if e.event_type in ("Battles", "Explosions/Remote violence", "Violence against civilians")]


@pytest.mark.parametrize(
    "text",
    [
        "Liverpool face a relegation battle after the defeat.",
        "The club's striker was shot down by critics after the cup final.",
        "The film bombed at the box office.",
        "The single shot up the charts.",
        "A war of words broke out between the two leaders.",
        "Democrats blasted the ads.",
        "The senator attacked the governor over the budget bill.",
        "The two firms struck a deal.",
        "The story captured the imagination of readers.",
        "He died of a heart attack.",
        "The storm killed three people in Florida.",
        "Two people were killed in a car crash on the highway.",
        "It was the worst bee attack in years.",
        "Students at Battle Creek Academy held a fundraiser.",
        "Only advance tickets will be sold.",
        "Two inmates were captured after the escape.",
        "Workers went on strike at the plant.",
        "Hackers attacked the bank's network.",
        "He shot a film about the war.",
        "In the game, players storm the castle and kill the dragon.",
        "Shares of the company were hammered as investors fled the market.",
        "Kidnappings and violence are commonplace in the region.",
        "A fire that killed four children gutted the house.",
        "Police executed a search warrant at the house.",
        "The crew blasted off to the space station.",
        "Shooting broke out on the film set as the director arrived.",
        # illness, animals and food: a soldier dying of a disease is no attack
        "A new strain of the bacteria has killed 12 elderly patients and infected 300 others.",
        "Eighteen troops who fought and were wounded in Afghanistan are being tested for HIV.",
        "All livestock on the farm have been slaughtered and incinerated.",
        "A soldier died in a car crash on the highway.",
        "The grocer is recalling shelled pistachios sold in 10-ounce bags.",
        "The band's new album bombed.",
        "The singer attacked critics in a long interview.",
    ],
)
def test_sports_markets_films_weather_metaphors_are_not_violence(text: str) -> None:
    assert violent(text) == [], text


@pytest.mark.parametrize(
    ("text", "sub_type"),
    [
        ("A roadside bomb exploded near a military convoy, killing three soldiers.", "Remote explosive/landmine/IED"),
        (
            "An improvised explosive device went off under a bus, wounding nine passengers.",
            "Remote explosive/landmine/IED",
        ),
        ("A suicide bomber blew himself up at a checkpoint, killing five policemen.", "Suicide bomb"),
        ("Israeli warplanes struck targets in the north overnight.", "Air/drone strike"),
        ("Russian drones attacked the port before dawn.", "Air/drone strike"),
        ("Russian artillery shelled the town on Monday.", "Shelling/artillery/missile attack"),
        ("Rebels fired mortars at the airport.", "Shelling/artillery/missile attack"),
        ("A missile strike on an apartment block killed four people.", "Shelling/artillery/missile attack"),
        # a state's strike with no weapon named is a remote strike, not a clash
        (
            "Israel struck targets in the southern suburbs of Beirut on Thursday, killing a Hezbollah commander.",
            "Air/drone strike",
        ),
    ],
)
def test_ied_vs_suicide_vs_air_strike_vs_shelling(text: str, sub_type: str) -> None:
    (e,) = violent(text)
    assert (e.event_type, e.sub_event_type) == ("Explosions/Remote violence", sub_type)


@pytest.mark.parametrize(
    ("text", "event_type", "sub_type"),
    [
        ("Gunmen opened fire on worshippers at a mosque, killing 12 people.", "Violence against civilians", "Attack"),
        ("A man was shot dead outside a bar on Saturday.", "Violence against civilians", "Attack"),
        (
            "Militants kidnapped 20 students from a school.",
            "Violence against civilians",
            "Abduction/forced disappearance",
        ),
        ("Troops clashed with insurgents near the border.", "Battles", "Armed clash"),
        ("Gunmen ambushed a police patrol, killing two officers.", "Battles", "Armed clash"),
        # "claimed to have hit": reported as done, not a purpose
        ("The army claimed to have hit three gunmen near the border.", "Battles", "Armed clash"),
        (
            "Leaders deplored the slaughter and maiming of men, women and children.",
            "Violence against civilians",
            "Attack",
        ),
        ("At 3pm a wave of shooting broke out in the main Catholic areas.", "Violence against civilians", "Attack"),
        # destroying military equipment is fighting, not violence against civilians
        ("Ukrainian forces destroyed three Russian tanks near Avdiivka.", "Battles", "Armed clash"),
        # the month May is not the modal "may"; a concert is a place of attacks, not a film
        (
            "The man who carried out the May 22 concert bombing was known to police.",
            "Explosions/Remote violence",
            "Remote explosive/landmine/IED",
        ),
        ("Masked men carried out the slayings of two farmers.", "Violence against civilians", "Attack"),
        ("The student was shot with rubber pellets outside the university.", "Violence against civilians", "Attack"),
        ("Cattle raiders killed 12 herders and stole hundreds of cattle.", "Violence against civilians", "Attack"),
        # militants killed by their own device: an accident, and still an explosive event
        (
            "Seven militants were killed in two accidental explosions in the province.",
            "Explosions/Remote violence",
            "Remote explosive/landmine/IED",
        ),
        ("An air strike on the hospital killed five patients.", "Explosions/Remote violence", "Air/drone strike"),
        # an armed group "striking" a checkpoint fights on the ground
        ("Militants struck a police checkpoint, killing three officers.", "Battles", "Armed clash"),
        # with no armed side against them, gunmen attack civilians; a state on the receiving end fights
        ("The gunman stormed into her room.", "Violence against civilians", "Attack"),
        ("Gunmen attacked a village overnight.", "Violence against civilians", "Attack"),
        ("Hamas attacked Israel.", "Battles", "Armed clash"),
        # a "strike" is a remote strike only when a state strikes; the agent of a passive is no target
        ("She was struck from behind by an unknown assailant.", "Violence against civilians", "Attack"),
    ],
)
def test_shootings_clashes_and_abductions(text: str, event_type: str, sub_type: str) -> None:
    (e,) = violent(text)
    assert (e.event_type, e.sub_event_type) == (event_type, sub_type)


def test_negations_and_hypotheticals_are_not_reported_plans_and_threats_are_marked() -> None:
    assert violent("The army denied shelling the village.") == []
    assert violent("If talks fail, the rebels could attack the capital.") == []
    assert violent("No one was killed in the incident, police said.") == []
    (plan,) = violent("Russia is preparing a new offensive against Ukrainian troops.")
    assert plan.status == "planned" and plan.planned
    (threat,) = violent("The militants threatened to attack soldiers at the base.")
    assert threat.status == "threatened" and threat.planned
    everything = violent("The army denied shelling the village.", statuses=("negated",))
    assert [e.status for e in everything] == ["negated"]


def _mention(text: str, name: str, kind: str, lon: float, lat: float, cc: str, nth: int = 0) -> Mention:
    i = -1
    for _ in range(nth + 1):
        i = text.index(name, i + 1)
    return Mention(i, i + len(name), name, Place(f"t:{name}", name, kind, lon, lat, cc))  # type: ignore[arg-type]


def test_place_is_the_incident_not_the_dateline() -> None:
    text = "BEIRUT (Reuters) - Turkish artillery shelled Kurdish positions near Kobani in northern Syria on Monday."
    ms = [
        _mention(text, "BEIRUT", "city", 35.5, 33.89, "LB"),
        _mention(text, "Kobani", "city", 38.39, 36.89, "SY"),
        _mention(text, "Syria", "country", 38.0, 35.0, "SY"),
    ]
    (e,) = violent(text, ms)
    assert names(e) == {"Kobani"}
    assert e.geo_precision == 2  # "near" a settlement
    assert "Reuters" in e.outlets


def test_place_is_not_a_court_or_a_speakers_city() -> None:
    text = "A jury in Texas heard that the bomb exploded at a market in Kabul, killing 11 people."
    ms = [_mention(text, "Texas", "admin1", -99.0, 31.0, "US"), _mention(text, "Kabul", "city", 69.17, 34.53, "AF")]
    (e,) = violent(text, ms)
    assert names(e) == {"Kabul"} and e.geo_precision == 1
    text2 = "Speaking in Washington, the minister said militants attacked a checkpoint in Herat."
    ms2 = [
        _mention(text2, "Washington", "city", -77.04, 38.9, "US"),
        _mention(text2, "Herat", "city", 62.2, 34.35, "AF"),
    ]
    (e2,) = violent(text2, ms2)
    assert names(e2) == {"Herat"}
    # a national institution's seat is who speaks; local officials speak from where it happened
    text3 = "The ministry in Moscow claimed its forces had destroyed two tanks near Bakhmut on Friday."
    ms3 = [
        _mention(text3, "Moscow", "city", 37.62, 55.75, "RU"),
        _mention(text3, "Bakhmut", "city", 38.0, 48.6, "UA"),
    ]
    (e3,) = violent(text3, ms3)
    assert names(e3) == {"Bakhmut"}
    text4 = "Officials in Kharkiv said a missile hit a school, killing two people."
    (e4,) = violent(text4, [_mention(text4, "Kharkiv", "city", 36.23, 49.99, "UA")])
    assert names(e4) == {"Kharkiv"}


def test_country_level_event_keeps_the_country_with_precision_3() -> None:
    text = "Russian missiles struck targets in Ukraine on Monday."
    (e,) = violent(text, [_mention(text, "Ukraine", "country", 32.0, 49.0, "UA")])
    assert names(e) == {"Ukraine"} and e.geo_precision == 3


@pytest.mark.parametrize(
    ("text", "sub_type"),
    [
        ("Thousands of protesters marched peacefully through Tbilisi on Sunday.", "Peaceful protest"),
        ("Police used water cannon to disperse protesters in Tbilisi on Monday.", "Protest with intervention"),
        ("Riot police fired tear gas at protesters outside parliament.", "Protest with intervention"),
    ],
)
def test_a_protest_the_police_broke_up_is_a_protest_with_intervention(text: str, sub_type: str) -> None:
    protests = [e for e in extract_events(text, dt.date(2024, 5, 10)) if e.event_type == "Protests"]
    assert [e.sub_event_type for e in protests] == [sub_type]


def test_crimes_named_in_a_charge_are_not_incidents_but_the_report_beside_them_is() -> None:
    assert violent("The former mayor was charged with crimes of treason, terrorism, conspiracy and homicide.") == []
    text = (
        "Police said the two men, both from Woodbridge, abducted Barbara Smith from a mall in September "
        "and drove her to a gas station."
    )
    (e,) = violent(text)
    assert e.sub_event_type == "Abduction/forced disappearance"


def test_a_population_is_not_a_toll() -> None:
    text = "A missile hit Kramatorsk, a city where 150,000 people live, killing four civilians."
    (e,) = violent(text)
    assert figs(e) == {("killed", 4)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A drone strike hit a car near Idlib, killing a senior commander.", {("killed", 1)}),
        ("The blast wounded a police officer and killed two civilians.", {("injured", 1), ("killed", 2)}),
        ("Gunmen stormed the village and kidnapped a priest.", {("abducted", 1)}),
        # the whole, not the part it includes
        ("A missile hit the hospital; 16 people including seven children were injured.", {("injured", 16)}),
    ],
)
def test_one_person_named_with_an_article_is_a_toll_of_one(text: str, expected: set[tuple[str, int]]) -> None:
    (e,) = violent(text)
    assert figs(e) == expected


def test_one_incident_keeps_every_sentence_and_the_range_of_its_figures() -> None:
    text = (
        "A car bomb exploded in a crowded market on Saturday, killing at least 100 people. "
        "The blast destroyed dozens of shops. "
        "Hospital officials later said the death toll had risen to 126. "
        "Three hundred others were wounded, police said."
    )
    (e,) = violent(text)
    assert len(e.sentences) == 4
    assert [text[s.start : s.end] for s in e.sentences] == [s.text for s in e.sentences]
    killed = e.figure("killed")
    assert killed is not None and (killed.low, killed.high) == (100, 126) and killed.qualifier == "at least"
    assert e.figure("injured") is not None and e.figure("injured").value == 300  # type: ignore[union-attr]
    assert e.date is not None and e.date.start == "2024-06-08"


def test_two_incidents_in_one_article_stay_apart() -> None:
    text = (
        "A bomb exploded in Kabul on Monday, killing five people. "
        "In a separate attack, gunmen shot dead two guards in Kandahar on Tuesday."
    )
    ms = [_mention(text, "Kabul", "city", 69.17, 34.53, "AF"), _mention(text, "Kandahar", "city", 65.7, 31.6, "AF")]
    evs = violent(text, ms)
    assert sorted(names(e).pop() for e in evs) == ["Kabul", "Kandahar"]


def test_weapons_named_are_linked_to_the_catalogue() -> None:
    (e,) = violent("Ukraine struck a Russian airbase with ATACMS missiles on Sunday.")
    assert "atacms-m57" in e.weapons


def test_old_events_get_their_own_date_and_undated_news_the_publication_week() -> None:
    (old,) = violent("Militants attacked the same police station in 2011, killing six officers.")
    assert old.date is not None and (old.date.start, old.date.precision) == ("2011-01-01", "year")
    (ago,) = violent("Seven years ago, gunmen killed 20 villagers there.")
    assert ago.date is not None and ago.date.start == "2017-01-01"
    (news,) = violent("Gunmen killed three villagers in the north.")
    assert news.date is not None and (news.date.start, news.date.end) == ("2024-06-04", "2024-06-10")
    assert news.date.status == "uncertain" and "publication" in news.date.note
    (first,) = violent("In 2016, a truck attack on a crowd killed 86 people.")  # a year that opens the sentence
    assert first.date is not None and first.date.start == "2016-01-01"
    # the year that names the incident, not the day of the hearing about it
    (named,) = violent(
        "A court heard evidence on Wednesday about the 2014 downing of a passenger jet, "
        "in which 298 people were killed by a missile."
    )
    assert named.date is not None and (named.date.start, named.date.precision) == ("2014-01-01", "year")
    (trial,) = violent("He was convicted for the bombing that killed 3 people, recalled at the trial.")
    assert trial.date is None and "undated" in trial.notes


def test_seed_events_keep_every_sentence_that_reports_them(seed_events: list[Event]) -> None:
    text = GOLD["text"]

    def reports(e: Event) -> str:
        return " | ".join(s.text for s in e.sentences)

    auth = one(seed_events, "Policy decision")
    assert "Biden signed off on the use" in reports(auth) and "compelled to sign off" in reports(auth)
    assert auth.weapons == ("atacms-m57",)  # "the Army Tactical Missile System", linked to the catalogue
    assert "Biden approves Ukraine" in reports(auth)
    troops = one(seed_events, "Strategic developments", sub_event_type="Troop deployment")
    assert "arrived in the Kursk region" in reports(troops) and "being sent to aid Russia" in reports(troops)
    strike = next(e for e in seed_events if e.event_type == "Explosions/Remote violence" and "Kyiv" in names(e))
    assert "At least five people were killed" in reports(strike) and "(ABC News)" in reports(strike)
    plan = one(seed_events, "Battles", planned=True)
    assert "planning a large-scale attack" in reports(plan) and "planned assault in Kursk" in reports(plan)
    for e in seed_events:
        assert all(text[s.start : s.end] == s.text for s in e.sentences)


def test_pathological_inputs_give_no_events_and_no_error() -> None:
    for text in ("D" * 20000, "a. " * 5000, "The Times reported " * 500, " " * 10000, "(" * 5000, "\n" * 5000):
        assert violent(text) == []


def test_cli_status_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = tmp_path / "a.txt"
    a.write_text(
        "---\npublished: 2024-06-10\n---\nThe army denied shelling the village. Gunmen shot dead two guards.\n"
    )
    assert main(["events", str(a)]) == 0
    assert [e["status"] for e in json.loads(capsys.readouterr().out)] == ["occurred"]
    assert main(["events", str(a), "--status", "all"]) == 0
    assert sorted(e["status"] for e in json.loads(capsys.readouterr().out)) == ["negated", "occurred"]
    assert main(["events", str(a), "--status", "maybe"]) == 1
    assert "--status 'maybe'" in capsys.readouterr().err


def test_running_totals_are_not_incidents() -> None:
    # a toll over a period is context, not one incident with that toll
    for text in (
        "By the end of 1995, 310 had been killed, 120 of them civilians.",
        "More than 13,000 people have been killed since 2014 in the conflict.",
        "So far this year, 40 journalists have been killed.",
        "The war in Gaza has killed more than 40,000 people, the health ministry said.",
        "The militia, which has been fighting the army since April 2023, did not comment.",
        "Israel's campaign has since killed nearly 40,000 Palestinians, the health ministry said.",
    ):
        assert violent(text) == [], text
    (e,) = violent("Gunmen killed 12 people at the market on Sunday.")
    assert [(f.label, f.value) for f in e.figures] == [("killed", 12)]
    assert len(violent("The fighting killed 12 soldiers near the border on Monday.")) == 1


def test_a_sentence_naming_an_incident_before_the_article_reports_it_joins_that_incident() -> None:
    text = (
        "Court Convicts Friend of Harbour Bombing Suspect. A court convicted a friend of the suspect on Monday. "
        "On April 15, 2013, two bombs exploded near the harbour, killing three people. "
        "In the light of these attacks, the council approved new security measures."
    )
    (e,) = violent(text)
    reports = [s.text for s in e.sentences]
    assert reports[0].startswith("Court Convicts Friend") and reports[1].startswith("On April 15, 2013")
    assert reports[2].startswith("In the light of these attacks")  # names it while reporting a decision
    assert [s.start for s in e.sentences] == sorted(s.start for s in e.sentences)  # in text order
    assert e.date is not None and e.date.start == "2013-04-15"  # "April 15, 2013," is one date, not "April 15"


def test_tolls_and_deeds_told_after_an_incident_stay_with_it() -> None:
    text = (
        "On Friday a bomb exploded at a cafe near the station. "
        "Two of the 12 killed and 11 of the injured were members of the police force. "
        "They had planted it under a table, police said. "
        "All six of the officers killed were off duty."
    )
    (e,) = violent(text)
    assert len(e.sentences) == 3 and e.sub_event_type == "Remote explosive/landmine/IED"
    market = violent(
        "A car bomb exploded near a market on Thursday, killing 20 people. "
        "Officials said the 20 killed included women and children."
    )
    assert len(market) == 1 and len(market[0].sentences) == 2
    camp = violent(
        "On 1 March, gunmen and suicide bombers attacked an army camp. They killed 23 soldiers and injured 15 more."
    )
    assert len(camp) == 1 and len(camp[0].sentences) == 2
    # an active "killed" with its object is a report of its own
    two = violent("A bomb exploded at a cafe on Friday. On Sunday soldiers killed three militants in a raid.")
    assert len(two) == 2


def test_a_region_and_a_town_in_it_are_one_incident_and_an_unknown_name_is_no_state() -> None:
    text = (
        "CARTHAGE, N.C. (AP) - A gunman killed eight people in a North Carolina nursing home, police said. "
        "Authorities said the man went on a rampage in the Pinelake Health and Rehab center in Carthage on "
        "Sunday morning, killing seven residents and a nurse."
    )
    nc = Place("t:nc", "North Carolina", "admin1", -79.0, 35.5, "US", "NC")
    carthage = Place("t:carthage", "Carthage", "city", -79.42, 35.35, "US", "NC")
    us = Place("t:us", "United States", "country", -98.5, 39.8, "US")
    rehab = text.index("Rehab")
    ms = [
        Mention(text.index("North Carolina"), text.index("North Carolina") + 14, "North Carolina", nc),
        Mention(rehab, rehab + 5, "Rehab", us, precision="country"),  # a name the gazetteer lacks
        Mention(text.rindex("Carthage"), text.rindex("Carthage") + 8, "Carthage", carthage),
    ]
    (e,) = violent(text, ms)
    assert "United States" not in e.actors and len(e.sentences) == 2
    assert "Carthage" in names(e)


def test_the_dateline_country_is_not_an_actor() -> None:
    text = "PORT SUDAN, Sudan (Reuters) - Drones struck fuel depots in Port Sudan on Monday, the army said."
    sudan = Place("t:sd", "Sudan", "country", 30.0, 15.0, "SD")
    port = Place("t:ps", "Port Sudan", "city", 37.2, 19.6, "SD")
    ms = [
        Mention(0, 10, "PORT SUDAN", port),
        Mention(12, 17, "Sudan", sudan),
        Mention(text.rindex("Port Sudan"), text.rindex("Port Sudan") + 10, "Port Sudan", port),
    ]
    (e,) = violent(text, ms)
    assert "Sudan" not in e.actors and names(e) == {"Port Sudan"}


def test_a_witness_quote_and_the_other_side_s_account_stay_with_the_incident() -> None:
    text = (
        "An air strike on a school in the city killed more than 90 people on Saturday, rescuers said. "
        "The military said it had struck a command centre inside the school. "
        '"We heard three explosions and the roof collapsed," said a resident.'
    )
    (e,) = violent(text)
    assert len(e.sentences) == 3 and e.sub_event_type == "Air/drone strike"


def test_the_leader_of_the_attackers_is_the_agent_and_an_attack_taking_hostages_is_an_attack() -> None:
    (e,) = violent(
        "Hamas-led gunmen attacked southern towns on October 7, killing about 1,200 people and taking 250 hostages."
    )
    assert e.actors[0] == "Hamas"
    assert (e.event_type, e.sub_event_type) == ("Violence against civilians", "Attack")
    (k,) = violent("Gunmen kidnapped 20 students and killed a guard.")
    assert k.sub_event_type == "Abduction/forced disappearance"


def test_approvals_rallies_and_demonstrations_outside_politics_are_not_events() -> None:
    for text in (
        "The city council approved a plan to fight blight in the north end.",
        "The Tigers rally late to beat the Wildcats for first place.",
        "Blacksmithing demonstrations will run from noon until 3 p.m.",
        "Fans marched to the stadium before the cup final.",
        "In Columbus, city firefighters agreed to a pay freeze to avoid layoffs.",
        "Celebrities handed over their own clothes for the charity sale.",
    ):
        assert extract_events(text, PUB, mentions=[]) == [], text
    (rally,) = extract_events("Thousands rallied against the government in the capital.", PUB, mentions=[])
    assert rally.event_type == "Protests"
    (policy,) = extract_events("The president authorized the army to use long-range missiles.", PUB, mentions=[])
    assert policy.event_type == "Policy decision"
    (truce,) = extract_events("The two sides agreed to a ceasefire on Monday.", PUB, mentions=[])
    assert (truce.event_type, truce.sub_event_type) == ("Strategic developments", "Agreement")


def test_a_reference_far_before_an_unrelated_incident_does_not_join_it() -> None:
    filler = " ".join(f"The council met for the {n} time." for n in ("first", "second", "third", "fourth"))
    text = f"{filler} He has been charged with murder and robbery. {filler} {filler} A man was shot dead on Sunday."
    (e,) = violent(text)
    assert [s.text for s in e.sentences] == ["A man was shot dead on Sunday."]


def test_turkish_and_long_s_letters_give_events_not_errors() -> None:
    for text in (
        "Gunmen shot dead two guards thıs week in the village.",
        "GUNMEN SHOT DEAD TWO GUARDS İN THE VİLLAGE ON SUNDAY.",
        "Gunmen ſhot dead two guards on ſunday.",
    ):
        extract_events(text, PUB)  # with the real geoparser; must not raise
    (e,) = violent("Gunmen shot dead two guards thıs week in the village.")
    assert e.date is not None and e.date.text == "this week"

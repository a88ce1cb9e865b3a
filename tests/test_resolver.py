"""The one place resolver: the same query lands on the same place through the Python API, the CLI
and the app; distances are checked with pyproj.Geod.inv against the cities' published positions."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from pyproj import Geod, Proj

from mapapp.data.coords import parse_coordinates, parse_mgrs
from mapapp.data.resolver import prior, resolve
from mapapp.errors import InputError, PlaceNotFound

GEOD = Geod(ellps="WGS84")
APP = str(Path(__file__).resolve().parent.parent / "mapapp" / "app" / "page.py")

#: Where the cities are (lat, lon degrees; city centres as published, rounded to 0.01°).
CITIES: dict[str, tuple[float, float]] = {
    "Zaporizhzhia": (47.84, 35.14),
    "Belgorod": (50.60, 36.59),
    "Sumy": (50.91, 34.80),
    "Kherson": (46.64, 32.62),
    "Donetsk": (48.02, 37.80),
    "Mykolaiv": (46.97, 31.99),
    "Pokrovsk": (48.28, 37.18),
    "Kharkiv": (49.99, 36.23),
    "Gaza": (31.50, 34.47),
    "Washington": (38.90, -77.04),
}


def _km(lat: float, lon: float, lat2: float, lon2: float) -> float:
    return float(GEOD.inv(lon, lat, lon2, lat2)[2]) / 1000.0


@pytest.mark.parametrize("name", sorted(CITIES))
def test_a_bare_name_as_a_point_is_the_city(name: str) -> None:
    r = resolve(name, prefer="point")
    lat, lon = CITIES[name]
    assert _km(lat, lon, r.place.lat, r.place.lon) < 5.0, r.why
    assert r.place.kind == "city"
    assert r.candidates[0].place == r.place and r.candidates[0].distance_km == 0.0


def test_a_region_word_gives_the_oblast() -> None:
    for q in ("Kursk region", "the Kursk region", "Kursk oblast"):
        r = resolve(q)
        assert r.place.kind == "admin1" and r.place.country_code == "RU", (q, r.why)
        assert "region" in r.why


def test_qualifiers_narrow_the_choice() -> None:
    r = resolve("Springfield, Illinois")
    assert r.place.admin1_code == "IL" and _km(39.80, -89.64, r.place.lat, r.place.lon) < 5
    r = resolve("Pokrovsk, Donetsk")
    assert r.place.country_code == "UA" and not r.ambiguous
    assert "Donetsk" in r.why


def test_ambiguous_names_show_their_candidates_with_distances() -> None:
    r = resolve("Springfield")
    assert r.ambiguous
    assert len(r.candidates) >= 5
    far = [c for c in r.candidates[1:] if c.distance_km > 500]
    assert far, "namesakes hundreds of km away are listed"
    for c in r.candidates[1:4]:
        d = _km(r.place.lat, r.place.lon, c.place.lat, c.place.lon)
        assert abs(d - c.distance_km) < 0.01 * d + 1.0  # great circle vs ellipsoid: within 1 %
        assert c.country == "United States" and c.admin1


def test_prior_prefers_current_names_and_capitals() -> None:
    r = resolve("Pokrovsk")
    assert r.place.country_code == "UA"  # not Engels (once called Pokrovsk), though Engels is bigger
    assert any(c.place.name == "Engels" for c in r.candidates)
    kyiv = resolve("Kyiv").place
    assert prior(kyiv, "name") > prior(resolve("Sumy").place, "name")


def test_coordinates_of_every_form() -> None:
    for text in ("47.84, 35.14", "47.84N 35.14E", "N47.84 E35.14", "35.14E, 47.84N", "47°50′24″N 35°08′24″E"):
        r = resolve(text)
        assert r.place.kind == "point", text
        assert abs(r.place.lat - 47.84) < 1e-6 and abs(r.place.lon - 35.14) < 1e-6, text
    assert parse_coordinates("35.14,47.84", order="lonlat") == parse_coordinates("47.84,35.14")
    assert parse_coordinates("33°52′S 151°12′E").lat < 0


def test_mgrs_digits_match_an_independent_utm_conversion() -> None:
    ll = parse_mgrs("36T XU 60123 00734")
    utm = Proj(proj="utm", zone=36, ellps="WGS84")
    e, n = utm(ll.lon, ll.lat)
    assert round(e) % 100_000 == 60123 and round(n) % 100_000 == 734  # the 1 m grid digits
    assert _km(47.84, 35.14, ll.lat, ll.lon) < 0.01


@pytest.mark.parametrize(
    ("text", "words"),
    [("91.5, 30", "swapped"), ("47.84, 200", "Longitude"), ("47°75′N 35°E", "below 60"), ("36TXU123", "odd")],
)
def test_bad_coordinates_say_what_is_wrong(text: str, words: str) -> None:
    with pytest.raises(InputError, match=words):
        resolve(text)


def test_unknown_and_empty_queries() -> None:
    with pytest.raises(PlaceNotFound):
        resolve("Xqzzyvillezz")
    with pytest.raises(InputError, match="Empty"):
        resolve("   ")


def _mapapp(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mapapp", *args], capture_output=True, text=True, timeout=120, check=False
    )


def test_cli_ring_at_lands_on_the_city() -> None:
    for name in ("Zaporizhzhia", "Gaza", "Pokrovsk"):
        out = _mapapp("ring", "--at", name, "--km", "10", "--compact")
        assert out.returncode == 0, out.stderr
        lon, lat = json.loads(out.stdout)["properties"]["center"]
        assert _km(*CITIES[name], lat, lon) < 5.0, name
    out = _mapapp("ring", "--at", "Springfield", "--km", "10", "--compact")
    assert out.returncode == 0 and "ambiguous" in out.stderr and "Illinois" in out.stderr


def test_app_launch_point_by_name_lands_on_the_city() -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    for name in ("Zaporizhzhia", "Belgorod"):
        at.sidebar.text_input(key="place_query").input(name)
        at.sidebar.button[0].click().run()
        assert not at.exception
    link = str(at.query_params["launch"])
    spelled = {"Zaporizhzhia": ("Zaporizhzhia", "Zaporizhzhya"), "Belgorod": ("Belgorod",)}
    for name, forms in spelled.items():
        part = next(p for p in link.split("|") if p.split("@")[0] in forms)
        lon, lat = (float(x) for x in part.split("@")[1].split(","))
        assert _km(*CITIES[name], lat, lon) < 5.0, part

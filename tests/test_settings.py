"""One settings module: every MAPAPP_* variable the code names is declared, with a default and help."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mapapp import settings

PKG = Path(__file__).resolve().parent.parent / "mapapp"


def test_every_variable_the_code_names_is_declared() -> None:
    named: set[str] = set()
    identifiers: set[str] = set()  # Python names such as MAPAPP_COLUMNS are not variables
    for f in PKG.rglob("*.py"):
        src = f.read_text(encoding="utf-8")
        named |= set(re.findall(r"[\"'](MAPAPP_[A-Z0-9_]+)[\"']", src))
        identifiers |= set(re.findall(r"^(MAPAPP_[A-Z0-9_]+)\s*[:=]", src, flags=re.M))
    named -= identifiers
    declared = {s.name for s in settings.SETTINGS}
    assert named <= declared, f"declare these in mapapp/settings.py: {sorted(named - declared)}"
    assert all(s.help for s in settings.SETTINGS)


def test_environment_wins_over_default_and_blank_means_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAPAPP_LIBRARY_MAX_MB", "5")
    assert settings.get("MAPAPP_LIBRARY_MAX_MB") == "5"
    monkeypatch.setenv("MAPAPP_LIBRARY_MAX_MB", "  ")
    assert settings.get("MAPAPP_LIBRARY_MAX_MB") == "200"
    with pytest.raises(KeyError):
        settings.get("MAPAPP_NOT_A_SETTING")

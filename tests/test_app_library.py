"""The local article library that lets a link carry a pasted or uploaded article by its hash."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from mapapp.errors import InputError, OutputError
from mapapp.maps.library import KEY_DIGITS, ArticleLibrary, article_key, library_dir


def test_an_article_is_kept_under_the_hash_of_its_text(tmp_path: Path) -> None:
    lib = ArticleLibrary(tmp_path)
    text = "Strikes hit Kharkiv on Monday, officials said.\nA second paragraph — with Ünïcode."
    key = lib.put(text, "pasted text")
    assert key == hashlib.sha256(text.encode("utf-8")).hexdigest()[:KEY_DIGITS] == article_key(text)
    stored = lib.get(key)
    assert stored is not None and stored.text == text and stored.label == "pasted text"
    assert lib.put(text, "again") == key  # the same text is one article
    assert len(list(tmp_path.glob("??/*.json"))) == 1


def test_an_unknown_or_malformed_id_is_not_an_article(tmp_path: Path) -> None:
    lib = ArticleLibrary(tmp_path)
    assert lib.get("0" * KEY_DIGITS) is None
    for bad in ("../../etc/passwd", "ABC", "0" * (KEY_DIGITS + 1), "z" * KEY_DIGITS):
        with pytest.raises(InputError):
            lib.get(bad)


def test_a_file_edited_by_hand_is_never_shown_under_the_old_id(tmp_path: Path) -> None:
    lib = ArticleLibrary(tmp_path)
    key = lib.put("The original text.", "a.txt")
    path = next(tmp_path.glob("??/*.json"))
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["text"] = "Another text."
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert lib.get(key) is None
    path.write_text("{not json", encoding="utf-8")
    assert lib.get(key) is None


def test_the_library_keeps_its_size_cap_dropping_the_least_recently_used(tmp_path: Path) -> None:
    big = ArticleLibrary(tmp_path, max_bytes=10**9)
    keys = []
    for i in range(6):
        keys.append(big.put(f"article {i} " + "x" * 900, f"{i}.txt"))
        path = tmp_path / keys[-1][:2] / f"{keys[-1]}.json"
        os.utime(path, (1_000_000 + i, 1_000_000 + i))  # saved one after another, long ago
    assert big.size_bytes() > 5_000
    lib = ArticleLibrary(tmp_path, max_bytes=3_000)
    lib.get(keys[0])  # read again: recently used
    newest = lib.put("the newest " + "y" * 900, "new.txt")
    assert lib.size_bytes() <= 3_000
    assert lib.get(newest) is not None and lib.get(keys[0]) is not None
    assert lib.get(keys[1]) is None  # the oldest not read again went first


def test_an_unwritable_library_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(OutputError) as info:
        ArticleLibrary(blocker / "lib").put("text", "x.txt")
    assert str(blocker) in str(info.value) and "MAPAPP_LIBRARY_DIR" in str(info.value)


def test_the_library_folder_is_a_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAPAPP_LIBRARY_DIR", str(tmp_path / "lib"))
    assert library_dir() == tmp_path / "lib"
    monkeypatch.delenv("MAPAPP_LIBRARY_DIR")
    assert library_dir() == Path("~/.local/share/mapapp/articles").expanduser()

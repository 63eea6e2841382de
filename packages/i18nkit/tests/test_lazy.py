"""Lazy strings: written at import time, translated on use in the language of the moment."""

from __future__ import annotations

import json
import pickle
import threading
from pathlib import Path

import pytest
from i18n_helpers import write_catalog

from manouche import i18nkit
from manouche.i18nkit import LazyString, gettext_lazy, ngettext_lazy, npgettext_lazy, pgettext_lazy


class Form:
    # Evaluated once, at class creation, with no language active.
    label = gettext_lazy("Enter a number.")
    error = gettext_lazy("“%(value)s” is not a valid number.")


def test_class_body_string_resolves_in_each_language() -> None:
    assert isinstance(Form.label, LazyString)
    assert str(Form.label) == "Enter a number."
    with i18nkit.override("fr"):
        assert str(Form.label) == "Saisissez un nombre."
        assert Form.error % {"value": "x"} == "« x » n’est pas un nombre valide."
        assert f"{Form.label}" == "Saisissez un nombre."
    assert str(Form.label) == "Enter a number."


def test_behaves_as_its_text() -> None:
    lazy = gettext_lazy("Enter a number.")
    assert lazy == "Enter a number."
    assert "Enter a number." == lazy
    assert lazy != "other"
    assert lazy == gettext_lazy("Enter a number.")
    assert hash(lazy) == hash("Enter a number.")
    assert {lazy: 1}["Enter a number."] == 1
    assert "Enter a number." in {lazy}
    assert len(lazy) == len("Enter a number.")
    assert lazy + "!" == "Enter a number.!"
    assert "> " + lazy == "> Enter a number."
    assert lazy.upper() == "ENTER A NUMBER."
    assert lazy.startswith("Enter")
    assert lazy[:5] == "Enter"
    assert "number" in lazy
    assert list(lazy)[:2] == ["E", "n"]
    assert bool(gettext_lazy("")) is False
    assert sorted([gettext_lazy("b"), "a", gettext_lazy("c")]) == ["a", "b", "c"]
    assert gettext_lazy("a") < gettext_lazy("b") <= "b"
    assert gettext_lazy("z") > "y" >= gettext_lazy("x")
    assert repr(lazy) == "<LazyString 'Enter a number.'>"
    with pytest.raises(TypeError, match="a str or a lazy string is needed"):
        lazy + 1  # noqa: B018
    with pytest.raises(AttributeError):
        lazy.__no_such__  # noqa: B018


def test_json_through_str() -> None:
    payload = {"label": Form.label}
    with pytest.raises(TypeError):
        json.dumps(payload)
    with i18nkit.override("fr"):
        assert json.loads(json.dumps(payload, default=str)) == {"label": "Saisissez un nombre."}


def test_hash_follows_the_language_as_djangos_does() -> None:
    lazy = gettext_lazy("Enter a number.")
    with i18nkit.override("fr"):
        assert hash(lazy) == hash("Saisissez un nombre.")
        assert lazy == "Saisissez un nombre."


def test_pickle_keeps_it_lazy() -> None:
    copy = pickle.loads(pickle.dumps(Form.label))
    assert isinstance(copy, LazyString)
    with i18nkit.override("fr"):
        assert copy == "Saisissez un nombre."
    plural = pickle.loads(pickle.dumps(ngettext_lazy("%(n)d a", "%(n)d as", "n")))
    assert plural % {"n": 1} == "1 a"


def test_lazy_plurals_and_contexts(tmp_path: Path, use_catalogs) -> None:
    write_catalog(
        tmp_path,
        "ru",
        [
            (("%(n)d file", "%(n)d files"), ("%(n)d файл", "%(n)d файла", "%(n)d файлов")),
            (("{n} item", "{n} items"), ("{n} штука", "{n} штуки", "{n} штук"), "shop"),
            ("May", "мая", "month name"),
        ],
    )
    use_catalogs(tmp_path)
    files = ngettext_lazy("%(n)d file", "%(n)d files", "n")
    five = ngettext_lazy("%(n)d file", "%(n)d files", 5)
    items = npgettext_lazy("shop", "{n} item", "{n} items", "n")
    may = pgettext_lazy("month name", "May")
    assert files % {"n": 1} == "1 file"
    assert five % {"n": 5} == "5 files"
    assert str(files) == "%(n)d files"
    with i18nkit.override("ru"):
        assert [files % {"n": n} for n in (1, 3, 5)] == ["1 файл", "3 файла", "5 файлов"]
        assert five % {"n": 5} == "5 файлов"
        assert items.format(n=2) == "2 штуки"
        assert items.format(n=21) == "21 штука"
        assert may == "мая"
    with pytest.raises(KeyError, match="key 'n'"):
        files % {"count": 1}  # noqa: B018
    with pytest.raises(TypeError, match="with a mapping"):
        files % 3  # noqa: B018


def test_one_lazy_object_two_threads_two_languages() -> None:
    barrier = threading.Barrier(2)
    seen: dict[str, list[str]] = {}

    def render(lang: str) -> None:
        with i18nkit.override(lang):
            barrier.wait()
            seen[lang] = [str(Form.label) for _ in range(200)]

    threads = [threading.Thread(target=render, args=(lang,)) for lang in ("fr", "en")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert set(seen["fr"]) == {"Saisissez un nombre."}
    assert set(seen["en"]) == {"Enter a number."}

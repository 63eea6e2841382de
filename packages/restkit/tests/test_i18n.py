"""restkit's messages are marked for translation and translated when an error is raised.

The hook is DRF's own French catalog (BSD-licensed, installed with the test
extras): restkit keeps DRF's msgids, so DRF's translations apply to it.
"""

from __future__ import annotations

import gettext
import inspect
import pathlib
from collections.abc import Iterator
from typing import Any

import pytest

from manouche.restkit import _i18n, exceptions, fields, relations
from manouche.restkit import serializers as ours


def _drf_catalog(language: str) -> gettext.GNUTranslations:
    import rest_framework

    mo = pathlib.Path(rest_framework.__file__).parent / "locale" / language / "LC_MESSAGES"
    with (mo / "django.mo").open("rb") as fh:
        return gettext.GNUTranslations(fh)


@pytest.fixture
def french(monkeypatch: pytest.MonkeyPatch) -> Iterator[gettext.GNUTranslations]:
    catalog = _drf_catalog("fr")
    hooks = list(_i18n._hooks)
    monkeypatch.setattr(_i18n, "_hooks", [catalog.gettext, hooks[1]])
    yield catalog


def _msgids() -> set[str]:
    found: set[str] = set()
    for module in (fields, relations, ours, exceptions):
        for value in vars(module).values():
            if not inspect.isclass(value):
                continue
            found.update(vars(value).get("default_error_messages", {}).values())
            detail = vars(value).get("default_detail")
            if isinstance(detail, str):
                found.add(detail)
    return found


def test_messages_keep_drf_msgids() -> None:
    catalog = _drf_catalog("fr")
    ids = _msgids()
    unknown = sorted(m for m in ids if catalog.gettext(m) == m)
    assert len(ids) > 50
    # restkit's own messages (body limits, ...) are the only ones DRF lacks.
    assert len(unknown) <= 4, unknown


class Book(ours.Serializer):
    title = ours.CharField(max_length=5)
    pages = ours.IntegerField(min_value=1)
    isbn = ours.CharField(error_messages={"required": "An ISBN, please."})


def test_errors_are_translated_when_raised(french: Any) -> None:
    # The serializer class and its fields exist before the language is chosen.
    serializer = Book(data={"title": "much too long", "pages": 0})
    assert not serializer.is_valid()
    assert serializer.errors == {
        "title": [french.gettext("Ensure this field has no more than {max_length} characters.")
                  .format(max_length=5)],
        "pages": [french.gettext("Ensure this value is greater than or equal to {min_value}.")
                  .format(min_value=1)],
        "isbn": ["An ISBN, please."],
    }  # fmt: skip
    assert serializer.errors["pages"][0].code == "min_value"
    assert "caractères" in serializer.errors["title"][0]
    missing = Book(data={"isbn": "x"})
    assert not missing.is_valid()
    assert missing.errors["title"] == ["Ce champ est obligatoire."]


def test_english_without_a_translation() -> None:
    serializer = Book(data={"pages": "x", "isbn": "1"})
    assert not serializer.is_valid()
    assert serializer.errors == {
        "title": ["This field is required."],
        "pages": ["A valid integer is required."],
    }


def test_exception_details_are_translated(french: Any) -> None:
    assert str(exceptions.NotFound().detail) == french.gettext("Not found.") != "Not found."
    assert str(exceptions.NotFound("Gone.").detail) == "Gone."
    allowed = exceptions.MethodNotAllowed("PATCH").detail
    assert "PATCH" in str(allowed) and str(allowed) != 'Method "PATCH" not allowed.'

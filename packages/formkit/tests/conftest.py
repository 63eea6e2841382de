"""Shared fixtures: Django configured once as the behavioural reference."""

from __future__ import annotations

from typing import Any

import pytest


def _setup_django() -> None:
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(
            DEBUG=False,
            SECRET_KEY="formkit-tests",
            USE_TZ=False,
            USE_I18N=False,
            INSTALLED_APPS=["formkit_ref"],
            DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        )
        django.setup()


@pytest.fixture(scope="session")
def dj() -> Any:
    """Django's forms module, configured (English messages, naive datetimes)."""
    _setup_django()
    from django import forms

    return forms


def html_equal(ours: str, theirs: str) -> bool:
    """Whether two HTML fragments are the same document (Django's comparison)."""
    from django.test.html import parse_html

    _setup_django()
    return bool(parse_html(str(ours)) == parse_html(str(theirs)))


def assert_html_equal(ours: str, theirs: str) -> None:
    if html_equal(ours, theirs):
        return
    import difflib

    from django.test.html import parse_html

    a = str(parse_html(str(ours))).splitlines()
    b = str(parse_html(str(theirs))).splitlines()
    diff = "\n".join(difflib.unified_diff(b, a, "django", "formkit", lineterm="", n=2))
    raise AssertionError(f"HTML differs from Django's:\n{diff}")

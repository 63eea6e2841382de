"""Translations and localized dates: manouche.i18nkit against Django.

- gettext of a message already in the active language's catalog (French),
  ``CALLS`` calls; each contender is checked to answer in French first;
- a page of 200 dates in French, each formatted in the locale's default form
  (CLDR's medium width for i18nkit, ``DATE_FORMAT`` for Django).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from bench._runner import Workload

CALLS = 10_000
DATES = [datetime.date(2024, 1, 1) + datetime.timedelta(days=7 * i) for i in range(200)]


def _django() -> Any:
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(USE_I18N=True, LANGUAGE_CODE="en-us", SECRET_KEY="bench-only")
        django.setup()
    from django.utils import formats, translation

    return formats, translation


def _gettext_contenders() -> dict[str, Callable[[], object]]:
    from manouche import i18nkit

    formats, translation = _django()
    ours_msg, django_msg = "Enter a number.", "This field is required."
    with i18nkit.override("fr"):
        if i18nkit.gettext(ours_msg) == ours_msg:
            raise RuntimeError("i18nkit did not translate")
    with translation.override("fr"):
        if translation.gettext(django_msg) == django_msg:
            raise RuntimeError("Django did not translate")

    def manouche() -> None:
        gettext = i18nkit.gettext
        with i18nkit.override("fr"):
            for _ in range(CALLS):
                gettext(ours_msg)

    def django() -> None:
        gettext = translation.gettext
        with translation.override("fr"):
            for _ in range(CALLS):
                gettext(django_msg)

    return {"manouche": manouche, "Django": django}


def _dates_contenders() -> dict[str, Callable[[], object]]:
    from manouche import i18nkit

    formats, translation = _django()
    with i18nkit.override("fr"):
        assert "janv." in i18nkit.date_format(DATES[0])
    with translation.override("fr"):
        assert "janvier" in formats.date_format(DATES[0])

    def manouche() -> None:
        with i18nkit.override("fr"):
            [i18nkit.date_format(d) for d in DATES]

    def django() -> None:
        with translation.override("fr"):
            [formats.date_format(d) for d in DATES]

    return {"manouche": manouche, "Django": django}


def workloads() -> list[Workload]:
    return [
        Workload(
            "gettext, cached message (fr)", _gettext_contenders(), CALLS, goals={"Django": 2.0}
        ),
        Workload(
            "page of 200 localized dates (fr)",
            _dates_contenders(),
            len(DATES),
            goals={"Django": 2.0},
        ),
    ]

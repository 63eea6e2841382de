"""Validators and date parsing: manouche.validation against django.core.validators
and django.utils.dateparse.

Four workloads, each a loop over 100 values, a quarter of them invalid (the
error raised and caught is part of the work, as in a form):

- ``validate_email`` on addresses, ``URLValidator()`` on URLs;
- ``parse_datetime`` and ``parse_duration`` on the spellings Django accepts
  (ISO 8601, with a space, a comma fraction, an offset; Django's, ISO and
  PostgreSQL's durations).

Every contender is checked once up front: the same values pass and fail.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench._django import django_app
from bench._runner import Workload

EMAILS = [
    "ann@example.com",
    "first.last+tag@sub.example.co.uk",
    "ann@example..com",
    '"quoted name"@example.org',
] * 25
URLS = [
    "https://example.com/path?q=1#top",
    "http://localhost:8000/admin/",
    "http://exa mple.com",
    "ftp://files.example.org/f.zip",
] * 25
DATETIMES = [
    "2024-05-06T07:08:09",
    "2024-05-06 07:08:09,123",
    "2024-5-6 7:08:09 +02:00",
    "2024-05-06T07:08:09.123456Z",
] * 25
DURATIONS = ["1 02:03:04.5", "P1DT2H3M", "3 days 04:05:06", "-15:30"] * 25


def _checker(fn: Callable[[Any], Any], error: type[Exception]) -> Callable[[Any], bool]:
    def ok(value: Any) -> bool:
        try:
            fn(value)
        except error:
            return False
        return True

    return ok


def _loop(ok: Callable[[Any], Any], values: list[str], expected: list[Any]) -> Callable[[], None]:
    got = [ok(v) for v in values]
    if got != expected:
        raise RuntimeError(f"results differ: {got[:4]} != {expected[:4]}")

    def run() -> None:
        for value in values:
            ok(value)

    return run


def workloads() -> list[Workload]:
    django_app(
        "bench_validation",
        "validation",
        Path(tempfile.mkdtemp(prefix="bench-validation-")) / "v.sqlite3",
        __name__,
    )
    from django.core import validators as dv
    from django.core.exceptions import ValidationError as DjangoError
    from django.utils import dateparse as dd

    from manouche.validation import ValidationError, dateparse
    from manouche.validation import validators as mv

    result = []
    for title, ours, theirs, values in [
        ("validate_email", mv.validate_email, dv.validate_email, EMAILS),
        ("URLValidator", mv.URLValidator(), dv.URLValidator(), URLS),
    ]:
        expected = [_checker(theirs, DjangoError)(v) for v in values]
        result.append(
            Workload(
                name=f"{title} (100 values, a quarter invalid)",
                contenders={
                    "Manouche validation": _loop(_checker(ours, ValidationError), values, expected),
                    "django.core.validators": _loop(
                        _checker(theirs, DjangoError), values, expected
                    ),
                },
                ops=len(values),
            )
        )
    for title, values in [("parse_datetime", DATETIMES), ("parse_duration", DURATIONS)]:
        ours, theirs = getattr(dateparse, title), getattr(dd, title)
        expected = [theirs(v) for v in values]
        result.append(
            Workload(
                name=f"{title} (100 values)",
                contenders={
                    "Manouche validation": _loop(ours, values, expected),
                    "django.utils.dateparse": _loop(theirs, values, expected),
                },
                ops=len(values),
            )
        )
    return result

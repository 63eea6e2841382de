"""Django's humanize library and ours on many values and times (differential tests)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from manouche.tplkit import create_environment
from manouche.tplkit.humanize import (
    apnumber,
    humanize,
    intcomma,
    intword,
    naturalday,
    naturaltime,
    ordinal,
)

NUMBERS: list[Any] = [
    *range(-12, 125),
    *(10**k + d for k in range(5, 36) for d in (-1, 0, 1)),
    *(-(10**k) for k in range(6, 34, 3)),
    *(int(f"{m}{'0' * k}") for k in range(5, 34, 2) for m in (12, 199, 999, 1005, 95, 9995)),
    10**100,
    10**100 * 999,
    10**100 * 1000,
    10**104,
    1_234_567.25,
    -1_234_567.0,
    123.456,
    Decimal("1234567.891"),
    Decimal("-999999.5"),
    "1234567",
    "-5",
    "12.5",
    "abc",
    "",
    None,
    [1],
    "4500000",
]

NOW = dt.datetime(2026, 12, 7, 17, 30, 15, 123456)
OFFSETS = [
    dt.timedelta(0),
    *(dt.timedelta(seconds=s) for s in (1, 2, 30, 59, 60, 61, 119, 120, 3599, 3600, 3601)),
    *(dt.timedelta(hours=h) for h in (2, 5, 23, 24, 25, 47, 48)),
    *(dt.timedelta(days=d) for d in (1, 2, 6, 7, 8, 13, 14, 15, 29, 30, 31, 45, 60, 364, 365)),
    *(dt.timedelta(days=d, hours=h) for d in (366, 400, 800, 1500) for h in (0, 3)),
    dt.timedelta(microseconds=1),
    dt.timedelta(microseconds=999_999),
    dt.timedelta(days=3, seconds=59),
]


@pytest.fixture(scope="module")
def dj(django_settings: Any) -> Any:
    from django.contrib.humanize.templatetags import humanize as dj_humanize

    return dj_humanize


@pytest.fixture
def frozen(dj: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[dt.datetime]:
    """Django's humanize sees NOW (naive, or in the zone asked for) as the current time."""

    class Frozen(dt.datetime):
        @classmethod
        def now(cls, tz: dt.tzinfo | None = None) -> Any:
            if tz is None:
                return NOW
            return NOW.replace(tzinfo=dt.UTC).astimezone(tz)

    monkeypatch.setattr(dj, "datetime", Frozen)
    yield NOW


@pytest.mark.parametrize("name", ["intcomma", "intword", "apnumber", "ordinal"])
def test_number_filters_as_django(dj: Any, name: str) -> None:
    ours = {"intcomma": intcomma, "intword": intword, "apnumber": apnumber, "ordinal": ordinal}
    theirs_f, ours_f = getattr(dj, name), ours[name]
    mismatches = []
    for value in NUMBERS:
        theirs, got = theirs_f(value), ours_f(value)
        if (got, type(got) is int) != (theirs, type(theirs) is int):
            mismatches.append((value, got, theirs))
    assert mismatches == []


def test_intword_examples() -> None:
    assert intword(1_200_000) == "1.2 million"
    assert intword(999_999_999) == "1000.0 million"  # Django rounds after choosing the unit
    assert intword(-1_200_000_000) == "-1.2 billion"
    assert intword(10**100) == "1.0 googol"
    assert intword(999_999) == 999_999


@pytest.mark.parametrize("aware", [False, True])
def test_naturaltime_as_django(dj: Any, frozen: dt.datetime, aware: bool) -> None:
    now = frozen.replace(tzinfo=dt.UTC) if aware else frozen
    mismatches = []
    for offset in OFFSETS:
        for value in (now - offset, now + offset):
            theirs = dj.naturaltime(value)
            got = naturaltime(value, now=now)
            if got != theirs:
                mismatches.append((value, got, theirs))
    assert mismatches == []
    assert naturaltime(now - dt.timedelta(hours=3), now=now) == "3\xa0hours ago"
    assert naturaltime(now - dt.timedelta(days=3, hours=2), now=now) == "3\xa0days, 2\xa0hours ago"


def test_naturaltime_in_another_zone_as_django(dj: Any, frozen: dt.datetime) -> None:
    zone = dt.timezone(dt.timedelta(hours=-7, minutes=-30))
    now = frozen.replace(tzinfo=dt.UTC)
    for offset in OFFSETS:
        value = (now - offset).astimezone(zone)
        assert naturaltime(value, now=now) == dj.naturaltime(value)


def test_naturalday_as_django(dj: Any, frozen: dt.datetime) -> None:
    zone = dt.timezone(dt.timedelta(hours=9))
    values: list[Any] = []
    for days in range(-9, 10):
        day = frozen + dt.timedelta(days=days)
        values += [day, day.date(), day.replace(tzinfo=dt.UTC), day.replace(tzinfo=zone)]
    values += ["2026-12-07", None, 5]
    mismatches = []
    for value in values:
        for arg in (None, "Y-m-d", "D d M"):
            theirs = dj.naturalday(value, arg)
            got = naturalday(value, arg, now=frozen.replace(tzinfo=dt.UTC))
            if got != theirs:
                mismatches.append((value, arg, got, theirs))
    assert mismatches == []


def test_naturalday_and_naturaltime_default_to_the_current_time() -> None:
    assert naturalday(dt.date.today()) == "today"
    assert naturaltime(dt.datetime.now(dt.UTC)) in ("now", "a second ago")
    assert naturaltime("not a date") == "not a date"
    with pytest.raises(TypeError):
        naturaltime(dt.date.today())


def test_library_in_templates(django_render: Any) -> None:
    env = create_environment()
    humanize.install(env)
    source = "{{ n|intcomma }} {{ n|intword }} {{ 3|apnumber }} {{ 22|ordinal }}"
    assert env.from_string(source).render(n=4_500_000) == django_render(
        "{{ n|intcomma }} {{ n|intword }} {{ 3|apnumber }} {{ 22|ordinal }}", n=4_500_000
    )
    assert env.from_string("{{ s|ordinal }}").render(s="<b>") == "&lt;b&gt;"


TRANSLATED = ["fr", "de", "es", "pt-br", "ru", "ar", "ja", "zh-hans"]


@pytest.mark.parametrize("language", TRANSLATED)
def test_ordinal_and_intword_translated_as_django(dj: Any, language: str) -> None:
    """Django's own output with its translations active, in each language we ship."""
    from django.utils import translation as dj_translation

    from manouche import i18nkit

    numbers = [*range(0, 125), 1000, 1011, 1021, 10**6, 1_200_000, 2_000_000, 999_999_999]
    numbers += [-1_200_000, 10**9, 1_500_000_000, 10**12, 3 * 10**15, 10**100, 10**21]
    mismatches = []
    for value in numbers:
        with dj_translation.override(language):
            theirs = (str(dj.ordinal(value)), dj.intword(value))
        with i18nkit.override(language):
            got = (ordinal(value), intword(value))
        if language == "ar" and isinstance(theirs[1], str):
            # Django's table writes Arabic decimals with a comma; CLDR (Babel) with
            # a point in Latin digits, as every localized number of ours.
            theirs = (theirs[0], theirs[1].replace(",", "."))
        if got != theirs:
            mismatches.append((value, got, theirs))
    assert mismatches == []


def test_ordinal_and_intword_in_french_german_and_japanese() -> None:
    from manouche import i18nkit

    with i18nkit.override("fr"):
        assert (ordinal(1), ordinal(2), ordinal(11)) == (
            "1<sup>er</sup>",
            "2<sup>e</sup>",
            "11<sup>e</sup>",
        )
        env = create_environment()
        humanize.install(env)
        assert env.from_string("{{ 1|ordinal }}").render() == "1<sup>er</sup>"
        assert intword(1_200_000) == "1,2\xa0millions"
        assert intword(1_000_000) == "1,0\xa0million"
    with i18nkit.override("de"):
        assert ordinal(3) == "3."
        assert intword(3_000_000_000) == "3,0 Milliarden"
    with i18nkit.override("ja"):
        assert intword(1_500_000_000) == "1.5 ビリオン"
    assert (ordinal(1), intword(1_200_000)) == ("1st", "1.2 million")

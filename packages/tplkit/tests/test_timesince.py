"""timesince/timeuntil: the same phrases as Django's for the same pairs of dates."""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo
from typing import Any

import pytest

from manouche.tplkit import timesince, timeuntil

UTC = zoneinfo.ZoneInfo("UTC")
BASE = dt.datetime(2007, 8, 14, 13, 46, 0)
DELTAS = [
    dt.timedelta(0),
    dt.timedelta(seconds=59),
    dt.timedelta(minutes=1),
    dt.timedelta(hours=1, minutes=1),
    dt.timedelta(days=1),
    dt.timedelta(days=6, hours=23),
    dt.timedelta(days=7),
    dt.timedelta(days=15, hours=3),
    dt.timedelta(days=31),
    dt.timedelta(days=45, minutes=30),
    dt.timedelta(days=364),
    dt.timedelta(days=366),
    dt.timedelta(days=400, hours=5),
    dt.timedelta(days=1000, hours=23, minutes=59),
    dt.timedelta(days=-3),
]
PAIRS = [
    (dt.datetime(2013, 2, 10), dt.datetime(2014, 3, 10)),
    (dt.datetime(2007, 8, 10), dt.datetime(2008, 9, 10)),
    (dt.datetime(2024, 1, 31), dt.datetime(2024, 2, 29)),
    (dt.datetime(2024, 1, 31, 10), dt.datetime(2024, 3, 1, 9)),
    (dt.datetime(2023, 12, 31, 23, 59), dt.datetime(2024, 1, 1, 0, 1)),
    (dt.date(2020, 2, 29), dt.date(2021, 2, 28)),
    (dt.datetime(2024, 3, 30, 12, tzinfo=UTC), dt.datetime(2024, 4, 2, tzinfo=UTC)),
    (
        dt.datetime(2024, 3, 30, 12, tzinfo=zoneinfo.ZoneInfo("Europe/Paris")),
        dt.datetime(2024, 4, 2, tzinfo=UTC),
    ),
]


@pytest.fixture(scope="module")
def dj(django_settings: Any) -> Any:
    from django.utils import timesince as module

    return module


@pytest.mark.parametrize("delta", DELTAS, ids=str)
@pytest.mark.parametrize("depth", [1, 2, 3, 6])
def test_matches_django_over_deltas(dj: Any, delta: dt.timedelta, depth: int) -> None:
    later = BASE + delta
    assert timesince(BASE, later, depth=depth) == dj.timesince(BASE, later, depth=depth)
    assert timeuntil(later, BASE, depth=depth) == dj.timeuntil(later, BASE, depth=depth)


@pytest.mark.parametrize(("start", "end"), PAIRS, ids=str)
def test_matches_django_on_calendar_edges(dj: Any, start: dt.date, end: dt.date) -> None:
    assert timesince(start, end) == dj.timesince(start, end)
    assert timeuntil(end, start) == dj.timeuntil(end, start)
    assert timesince(end, start) == dj.timesince(end, start)


def test_every_month_day_pair_of_a_leap_year_matches(dj: Any) -> None:
    days = [dt.datetime(2024, 1, 1) + dt.timedelta(days=n) for n in range(0, 366, 13)]
    for start, end in itertools.combinations(days, 2):
        assert timesince(start, end, depth=3) == dj.timesince(start, end, depth=3)


def test_wording() -> None:
    assert timesince(BASE, BASE + dt.timedelta(days=9, hours=2)) == "1\xa0week, 2\xa0days"
    assert timesince(BASE, BASE) == "0\xa0minutes"


def test_default_now_and_bad_depth() -> None:
    assert (
        timesince(dt.datetime.now() - dt.timedelta(hours=2, minutes=1)) == "2\xa0hours, 1\xa0minute"
    )
    aware = dt.datetime.now(UTC) + dt.timedelta(days=2, hours=1)
    assert timeuntil(aware).startswith("2\xa0days")
    with pytest.raises(ValueError, match="depth"):
        timesince(BASE, BASE, depth=0)


def test_naive_and_aware_do_not_mix() -> None:
    with pytest.raises(TypeError):
        timesince(BASE, dt.datetime(2024, 1, 1, tzinfo=UTC))

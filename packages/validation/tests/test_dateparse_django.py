"""dateparse against Django's, text by text: the same value, ``None`` or ``ValueError``."""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from typing import Any

import pytest

from manouche.validation import dateparse

DATES = [
    "2024-02-29",
    "2023-02-29",
    "2024-1-5",
    "2024-01-5",
    "24-01-05",
    "2024-13-01",
    "2024-00-10",
    "2024/01/05",
    "20240105",
    " 2024-01-05",
    "2024-01-05 ",
    "2024-01-05T10:00",
    "",
    "\uff12\uff10\uff12\uff14-01-05",
    "2024-W01-1",
    "2024-001",
    "9999-12-31",
    "0000-01-01",
]
TIMES = [
    "10:11",
    "10:11:12",
    "10:11:12.5",
    "10:11:12,5",
    "10:11:12.1234567",
    "1:2",
    "1:2:3",
    "24:00",
    "23:59:60",
    "10:61",
    "10:11:12+02:00",
    "10:11:12Z",
    "10:11:12 +02:00",
    "T10:11",
    "101112",
    "10",
    "",
    "10:11:12.",
    "4:8:16.000001",
]
DATETIMES = [
    "2024-01-05T10:11:12",
    "2024-01-05 10:11",
    "2024-1-5 1:2:3",
    "2024-01-05T10:11:12.123456789",
    "2024-01-05T10:11:12,5",
    "2024-01-05T10:11:12Z",
    "2024-01-05T10:11:12+02",
    "2024-01-05T10:11:12-0230",
    "2024-01-05T10:11:12 +02:00",
    "2024-01-05T10:11:12  -02:30",
    "2024-02-30T10:11",
    "2024-01-05",
    "2024-01-05T25:00",
    "2024-01-05T10:11:12+24:00",
    "2024-01-05X10:11",
    "2024-01-05T10",
    "",
    "2024-01-05T10:11:12.5Z",
    "2024-01-05 10:11:12+05:45",
    "2024-01-05t10:11",
]
DURATIONS = [
    "30",
    "-30",
    "15:30",
    "-15:30",
    "10:15:30",
    "1 10:15:30",
    "-1 10:15:30",
    "4 days, 0:15:30",
    "4 day 0:15:30",
    "1 -10:15:30",
    "10:15:30.5",
    "10:15:30,5",
    "10:15:30.1234567",
    "P4DT1H15M20S",
    "P4D",
    "PT5H",
    "PT0.5S",
    "P0,5D",
    "-P1D",
    "+P1DT1H",
    "-PT1H",
    "P",
    "PT",
    "P1Y",
    "3 days 04:05:06",
    "-1 day -01:00:00",
    "1 day 00:00:00.5",
    "2 days",
    "",
    "1:2:3:4",
    "abc",
    "1e3",
    "99999999999 00:00:00",
    "P999999999D",
]


def _outcome(parse: Callable[[str], Any], text: str) -> Any:
    try:
        result = parse(text)
    except (ValueError, OverflowError) as exc:
        return type(exc).__name__
    if isinstance(result, datetime.datetime | datetime.time) and result.tzinfo is not None:
        return (result, result.utcoffset(), result.tzname())
    return result


def _random_texts(alphabet: str, count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 26))) for _ in range(count)]


@pytest.mark.parametrize(
    ("name", "corpus"),
    [
        ("parse_date", DATES),
        ("parse_time", TIMES),
        ("parse_datetime", DATETIMES),
        ("parse_duration", DURATIONS),
    ],
)
def test_parser_like_django(name: str, corpus: list[str]) -> None:
    from django.utils import dateparse as django_dateparse

    ours, theirs = getattr(dateparse, name), getattr(django_dateparse, name)
    texts = corpus + [t + s for t in corpus for s in ("", "Z", " ", ".0")]
    texts += _random_texts("0123456789-:T .,+ZPDHMS", 3000, seed=len(name))
    for text in texts:
        assert _outcome(ours, text) == _outcome(theirs, text), text


def test_durations_written_like_django() -> None:
    from django.utils.duration import duration_iso_string, duration_string

    rng = random.Random(7)
    values = [datetime.timedelta(0), datetime.timedelta(microseconds=1), -datetime.timedelta(1)]
    values += [datetime.timedelta(microseconds=rng.randint(-(10**14), 10**14)) for _ in range(2000)]
    for value in values:
        assert dateparse.duration_string(value) == duration_string(value)
        assert dateparse.duration_iso_string(value) == duration_iso_string(value)
        # What is written reads back.
        assert dateparse.parse_duration(dateparse.duration_string(value)) == value
        assert dateparse.parse_duration(dateparse.duration_iso_string(value)) == value


def test_fixed_timezone_like_django() -> None:
    from django.utils.timezone import get_fixed_timezone

    for minutes in (-720, -150, -1, 0, 1, 90, 345, 840):
        ours, theirs = dateparse.get_fixed_timezone(minutes), get_fixed_timezone(minutes)
        assert ours.utcoffset(None) == theirs.utcoffset(None)
        assert ours.tzname(None) == theirs.tzname(None)
    delta = datetime.timedelta(hours=5, minutes=30)
    assert dateparse.get_fixed_timezone(delta).tzname(None) == "+0530"


def test_aware_datetime_keeps_its_offset() -> None:
    value = dateparse.parse_datetime("2024-01-05 10:11:12.5 -02:30")
    assert value == datetime.datetime(2024, 1, 5, 12, 41, 12, 500000, tzinfo=datetime.UTC)
    assert value is not None and value.utcoffset() == -datetime.timedelta(hours=2, minutes=30)
    assert dateparse.parse_time("10:11:12+02:00") == datetime.time(10, 11, 12)

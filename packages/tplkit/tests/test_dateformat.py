"""Date formatting: the same strings as Django's dateformat for every format character."""

from __future__ import annotations

import datetime as dt
import time
import zoneinfo
from typing import Any

import pytest

from manouche.tplkit import format_date, format_time

UTC = zoneinfo.ZoneInfo("UTC")
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")

ALL_CHARS = "aAbcdDeEfFgGhHiIjlLmMnNoOPrsStTUuwWyYzZ"
TIME_CHARS = "aAefgGhHiOPsTuZ"

DATETIMES = [
    dt.datetime(2003, 10, 7, 11, 39, 5, 123),
    dt.datetime(2024, 2, 29, 0, 0),
    dt.datetime(2024, 2, 29, 12, 0),
    dt.datetime(2021, 1, 1, 0, 30, 59),
    dt.datetime(1999, 12, 31, 23, 5, 7, 999999),
    dt.datetime(2020, 3, 1, 12, 30),
    dt.datetime(2022, 11, 11, 13, 0),
    dt.datetime(2022, 11, 12, 1, 1),
    dt.datetime(2022, 11, 13, 9, 9),
    dt.datetime(2022, 11, 21, 9, 9),
    dt.datetime(2022, 11, 22, 22, 22),
    dt.datetime(2022, 11, 23, 23, 23),
    dt.datetime(2009, 6, 2, 7, 0),
    dt.datetime(5, 6, 7, 8, 9),
    dt.datetime(2003, 10, 7, 11, 39, tzinfo=UTC),
    dt.datetime(2024, 7, 14, 18, 45, tzinfo=PARIS),
    dt.datetime(2024, 1, 14, 18, 45, tzinfo=PARIS),
    dt.datetime(2024, 11, 3, 1, 30, tzinfo=NEW_YORK),  # ambiguous: zone parts are ""
    dt.datetime(2024, 3, 10, 2, 30, tzinfo=NEW_YORK),  # imaginary
    dt.datetime(2024, 5, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=-4, minutes=-30))),
    dt.datetime(2024, 5, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=45))),
]
DATES = [dt.date(2024, 2, 29), dt.date(2021, 1, 3), dt.date(1999, 12, 31), dt.date(2022, 11, 1)]
FORMATS = [
    "jS F Y H:i",
    r"\d\a\y: l",
    r"\\Y Y",
    "N j, Y, P",
    "D, d M Y H:i:s O",
    "c",
    "r",
    "y-m-d G:i a A",
    "b E t L o W z w u e T Z I",
    "Y年n月j日",
]


@pytest.fixture(scope="module")
def dj(django_settings: Any) -> Any:
    from django.utils import dateformat

    return dateformat


def _local_is_utc() -> bool:
    return time.localtime().tm_gmtoff == 0


@pytest.mark.parametrize("value", DATETIMES, ids=str)
def test_every_character_matches_django_for_datetimes(dj: Any, value: dt.datetime) -> None:
    for char in ALL_CHARS:
        if char == "U" and value.tzinfo is None and not _local_is_utc():
            continue  # Django reads naive epochs in the process's local zone
        assert format_date(value, char, UTC) == dj.format(value, char), char


@pytest.mark.parametrize("value", DATETIMES, ids=str)
@pytest.mark.parametrize("fmt", FORMATS)
def test_combined_formats_match_django(dj: Any, value: dt.datetime, fmt: str) -> None:
    assert format_date(value, fmt, UTC) == dj.format(value, fmt)


@pytest.mark.parametrize("value", DATES, ids=str)
def test_dates_match_django(dj: Any, value: dt.date) -> None:
    for char in ALL_CHARS:
        if char in TIME_CHARS:
            with pytest.raises(TypeError):
                dj.format(value, char)
            with pytest.raises(TypeError, match="time-related"):
                format_date(value, char)
        elif char != "U" or _local_is_utc():
            assert format_date(value, char, UTC) == dj.format(value, char), char


@pytest.mark.parametrize(
    "value", [dt.time(0, 0), dt.time(12, 0), dt.time(13, 5, 9, 42), dt.time(23, 59, tzinfo=PARIS)]
)
def test_times_match_django(dj: Any, value: dt.time) -> None:
    for char in TIME_CHARS:
        assert format_time(value, char) == dj.time_format(value, char), char


def test_named_formats() -> None:
    value = dt.datetime(2024, 9, 5, 15, 30)
    assert format_date(value) == "Sept. 5, 2024"
    assert format_date(value, "SHORT_DATETIME_FORMAT") == "09/05/2024 3:30 p.m."
    assert format_date(value, "YEAR_MONTH_FORMAT") == "September 2024"
    assert format_time(value) == "3:30 p.m."


def test_naive_without_zone_has_no_zone_parts() -> None:
    value = dt.datetime(2024, 9, 5, 15, 30)
    assert format_date(value, "O|T|Z|e|I") == "||||"
    assert format_date(value, "r") == "Thu, 05 Sep 2024 15:30:00 -0000"
    assert format_date(value, "O T", PARIS) == "+0200 CEST"


def test_time_refuses_date_characters() -> None:
    with pytest.raises(ValueError, match="'Y' is not a time format character"):
        format_time(dt.time(1, 2), "Y")


class _MyDate(dt.date):
    pass


def test_compiled_formats_give_the_same_through_both_paths() -> None:
    # Formats without zone characters are rendered from the value alone; with
    # one (O, T, e, ...) through the zone-aware formatter. Both agree.
    from manouche.tplkit import dateformat

    assert set(dateformat._METHODS) == set(ALL_CHARS)
    for value in DATETIMES:
        for char in ALL_CHARS:
            if char in "eIOrTUZ":
                continue
            plain = format_date(value, char, UTC)
            assert format_date(value, char + "O", UTC) == plain + format_date(value, "O", UTC)
    assert format_date(_MyDate(2024, 2, 29), "jS F Y") == "29th February 2024"
    assert format_date(_MyDate(2024, 2, 29), "jS F Y O") == "29th February 2024 "
    assert format_time(dt.datetime(2024, 1, 1, 13, 5), "P") == "1:05 p.m."
    assert format_time(dt.time(13, 5, tzinfo=PARIS), "P T") == "1:05 p.m. "


def test_time_values_have_no_date_parts() -> None:
    with pytest.raises(TypeError):
        format_date(dt.time(1, 2), "Y")
    with pytest.raises(TypeError):
        format_date(dt.time(1, 2), "Y O")

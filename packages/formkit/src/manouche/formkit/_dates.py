"""Parsing dates, times and durations as Django's default (English) formats do."""

from __future__ import annotations

import datetime
import re

DATE_INPUT_FORMATS = (
    "%Y-%m-%d",
    "%m/%d/%Y",
    "%m/%d/%y",
    "%b %d %Y",
    "%b %d, %Y",
    "%d %b %Y",
    "%d %b, %Y",
    "%B %d %Y",
    "%B %d, %Y",
    "%d %B %Y",
    "%d %B, %Y",
)
TIME_INPUT_FORMATS = ("%H:%M:%S", "%H:%M:%S.%f", "%H:%M")
DATETIME_INPUT_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M:%S.%f",
    "%m/%d/%Y %H:%M",
    "%m/%d/%y %H:%M:%S",
    "%m/%d/%y %H:%M:%S.%f",
    "%m/%d/%y %H:%M",
)

_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_HM = re.compile(r"([0-9]{1,2}):([0-9]{1,2})")
_HMS = re.compile(r"([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})")


def parse_date_format(value: str, format: str) -> datetime.datetime:
    """``datetime.strptime(value, format)``, with fast paths for the common formats.

    A fast path only answers when it accepts the value; anything else goes to
    ``strptime``, so results and errors are exactly strptime's.
    """
    try:
        if format == "%Y-%m-%d":
            if m := _ISO_DATE.fullmatch(value):
                year, month, day = int(m[1]), int(m[2]), int(m[3])
                if 1 <= month <= 12 and 1 <= day <= 31:
                    return datetime.datetime(year, month, day)
        elif format == "%H:%M:%S":
            if m := _HMS.fullmatch(value):
                hour, minute, second = int(m[1]), int(m[2]), int(m[3])
                if hour < 24 and minute < 60 and second < 60:
                    return datetime.datetime(1900, 1, 1, hour, minute, second)
        elif format == "%H:%M":
            if m := _HM.fullmatch(value):
                hour, minute = int(m[1]), int(m[2])
                if hour < 24 and minute < 60:
                    return datetime.datetime(1900, 1, 1, hour, minute)
    except ValueError:
        pass
    return datetime.datetime.strptime(value, format)


_DATETIME = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})[T ]"
    r"(?P<hour>\d{1,2}):(?P<minute>\d{1,2})"
    r"(?::(?P<second>\d{1,2})(?:[.,](?P<microsecond>\d{1,6})\d{0,6})?)?"
    r"\s*(?P<tzinfo>Z|[+-]\d{2}(?::?\d{2})?)?$"
)


def parse_datetime(value: str) -> datetime.datetime | None:
    """An ISO 8601 datetime (offsets kept), ``None`` if not in that shape.

    Raises ValueError when the shape is right but the date is not (Feb 30).
    """
    try:
        return datetime.datetime.fromisoformat(value)
    except ValueError:
        pass
    m = _DATETIME.match(value)
    if m is None:
        return None
    parts = m.groupdict()
    tz_text = parts.pop("tzinfo")
    micro = parts.pop("microsecond")
    numbers = {k: int(text) for k, text in parts.items() if text is not None}
    if micro:
        numbers["microsecond"] = int(micro.ljust(6, "0"))
    tzinfo: datetime.tzinfo | None = None
    if tz_text == "Z":
        tzinfo = datetime.UTC
    elif tz_text:
        minutes = 60 * int(tz_text[1:3]) + (int(tz_text[-2:]) if len(tz_text) > 3 else 0)
        if tz_text[0] == "-":
            minutes = -minutes
        tzinfo = datetime.timezone(datetime.timedelta(minutes=minutes))
    return datetime.datetime(**numbers, tzinfo=tzinfo)


_STANDARD_DURATION = re.compile(
    r"^(?:(?P<days>-?\d+) (days?, )?)?"
    r"(?P<sign>-?)"
    r"((?:(?P<hours>\d+):)(?=\d+:\d+))?"
    r"(?:(?P<minutes>\d+):)?"
    r"(?P<seconds>\d+)"
    r"(?:[.,](?P<microseconds>\d{1,6})\d{0,6})?$"
)
_ISO_DURATION = re.compile(
    r"^(?P<sign>[-+]?)P"
    r"(?:(?P<days>\d+([.,]\d+)?)D)?"
    r"(?:T(?:(?P<hours>\d+([.,]\d+)?)H)?(?:(?P<minutes>\d+([.,]\d+)?)M)?"
    r"(?:(?P<seconds>\d+([.,]\d+)?)S)?)?$"
)
_POSTGRES_INTERVAL = re.compile(
    r"^(?:(?P<days>-?\d+) (days? ?))?"
    r"(?:(?P<sign>[-+])?(?P<hours>\d+):(?P<minutes>\d\d):(?P<seconds>\d\d)"
    r"(?:\.(?P<microseconds>\d{1,6}))?)?$"
)
_DURATION_KEYS = ("days", "hours", "minutes", "seconds", "microseconds")


def parse_duration(value: str) -> datetime.timedelta | None:
    """``"3 10:11:12.5"``, ``"P3DT10H"`` or ``"3 days 10:11:12"``; ``None`` otherwise."""
    m = _STANDARD_DURATION.match(value) or _ISO_DURATION.match(value)
    m = m or _POSTGRES_INTERVAL.match(value)
    if m is None:
        return None
    groups = m.groupdict()
    sign = -1 if groups.get("sign") == "-" else 1
    if groups.get("microseconds"):
        groups["microseconds"] = groups["microseconds"].ljust(6, "0")
    numbers = {
        key: float(groups[key].replace(",", "."))
        for key in _DURATION_KEYS
        if groups.get(key) is not None
    }
    days = datetime.timedelta(numbers.pop("days", 0.0) or 0.0)
    if m.re is _ISO_DURATION:
        days *= sign
    return days + sign * datetime.timedelta(**numbers)


def duration_string(duration: datetime.timedelta) -> str:
    """``[D ]HH:MM:SS[.ffffff]``, the text DurationField reads back."""
    minutes, seconds = divmod(duration.seconds, 60)
    hours, minutes = divmod(minutes, 60)
    text = f"{hours:02d}:{minutes:02d}:{seconds:02d}"
    if duration.days:
        text = f"{duration.days} {text}"
    if duration.microseconds:
        text += f".{duration.microseconds:06d}"
    return text

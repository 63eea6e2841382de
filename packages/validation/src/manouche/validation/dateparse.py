"""Dates, times, datetimes and durations from text, as Django's ``dateparse``.

Each parser answers ``None`` when the text is not in a shape it knows and
raises ``ValueError`` when the shape is right but the value is not (February
30th, hour 25). ISO 8601 is tried first through the standard library's
``fromisoformat`` (written in C), then the looser forms Django accepts: one-digit
months and days, a comma before the fraction, a space before the offset,
fractions longer than six digits (cut, not rounded).
"""

from __future__ import annotations

import datetime
import re

__all__ = [
    "duration_iso_string",
    "duration_string",
    "get_fixed_timezone",
    "parse_date",
    "parse_datetime",
    "parse_duration",
    "parse_time",
]

_DATE = re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})$")
_TIME = re.compile(
    r"(?P<hour>\d{1,2}):(?P<minute>\d{1,2})"
    r"(?::(?P<second>\d{1,2})(?:[.,](?P<microsecond>\d{1,6})\d{0,6})?)?$"
)
_DATETIME = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})"
    r"[T ](?P<hour>\d{1,2}):(?P<minute>\d{1,2})"
    r"(?::(?P<second>\d{1,2})(?:[.,](?P<microsecond>\d{1,6})\d{0,6})?)?"
    r"\s*(?P<tzinfo>Z|[+-]\d{2}(?::?\d{2})?)?$"
)
# "3 days, 10:11:12.5", "10:11:12", "-15:30", "30" (seconds).
_STANDARD_DURATION = re.compile(
    r"^(?:(?P<days>-?\d+) (days?, )?)?"
    r"(?P<sign>-?)"
    r"((?:(?P<hours>\d+):)(?=\d+:\d+))?"
    r"(?:(?P<minutes>\d+):)?"
    r"(?P<seconds>\d+)"
    r"(?:[.,](?P<microseconds>\d{1,6})\d{0,6})?$"
)
# "P4DT1H15M20S", "-P1D", "PT0.5S" (ISO 8601, without years and months).
_ISO_DURATION = re.compile(
    r"^(?P<sign>[-+]?)P"
    r"(?:(?P<days>\d+(?:[.,]\d+)?)D)?"
    r"(?:T"
    r"(?:(?P<hours>\d+(?:[.,]\d+)?)H)?"
    r"(?:(?P<minutes>\d+(?:[.,]\d+)?)M)?"
    r"(?:(?P<seconds>\d+(?:[.,]\d+)?)S)?"
    r")?$"
)
# PostgreSQL's interval output: "3 days 04:05:06", "-1 day -01:00:00".
_POSTGRES_INTERVAL = re.compile(
    r"^(?:(?P<days>-?\d+) (?:days? ?))?"
    r"(?:(?P<sign>[-+])?(?P<hours>\d+):(?P<minutes>\d\d):(?P<seconds>\d\d)"
    r"(?:\.(?P<microseconds>\d{1,6}))?)?$"
)


def get_fixed_timezone(offset: datetime.timedelta | int) -> datetime.timezone:
    """A timezone ``offset`` minutes (or a timedelta) east of UTC, named ``+HHMM``."""
    if isinstance(offset, datetime.timedelta):
        offset = int(offset.total_seconds() // 60)
    sign = "-" if offset < 0 else "+"
    hours, minutes = divmod(abs(offset), 60)
    return datetime.timezone(datetime.timedelta(minutes=offset), f"{sign}{hours:02d}{minutes:02d}")


def _numbers(groups: dict[str, str | None]) -> dict[str, int]:
    micro = groups.pop("microsecond", None)
    numbers = {key: int(text) for key, text in groups.items() if text is not None}
    if micro:
        numbers["microsecond"] = int(micro.ljust(6, "0"))
    return numbers


def parse_date(value: str) -> datetime.date | None:
    """``YYYY-MM-DD`` (one-digit month and day accepted) as a ``date``."""
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        match = _DATE.match(value)
        if match is None:
            return None
        return datetime.date(**_numbers(match.groupdict()))


def parse_time(value: str) -> datetime.time | None:
    """``HH:MM[:ss[.uuuuuu]]`` as a naive ``time`` (an ISO offset is dropped)."""
    try:
        # A time of day with an offset means nothing without a date: keep the clock.
        return datetime.time.fromisoformat(value).replace(tzinfo=None)
    except ValueError:
        match = _TIME.match(value)
        if match is None:
            return None
        n = _numbers(match.groupdict())
        return datetime.time(n["hour"], n["minute"], n.get("second", 0), n.get("microsecond", 0))


def parse_datetime(value: str) -> datetime.datetime | None:
    """``YYYY-MM-DD[T ]HH:MM[:ss[.uuuuuu]][TZ]`` as a ``datetime``, aware when ``TZ`` is given.

    ``TZ`` is ``Z`` or ``±HH[[:]MM]``; it becomes a fixed offset.
    """
    try:
        return datetime.datetime.fromisoformat(value)
    except ValueError:
        match = _DATETIME.match(value)
        if match is None:
            return None
        groups = match.groupdict()
        tz_text = groups.pop("tzinfo")
        tzinfo: datetime.tzinfo | None = None
        if tz_text == "Z":
            tzinfo = datetime.UTC
        elif tz_text is not None:
            minutes = 60 * int(tz_text[1:3]) + (int(tz_text[-2:]) if len(tz_text) > 3 else 0)
            tzinfo = get_fixed_timezone(-minutes if tz_text[0] == "-" else minutes)
        return datetime.datetime(**_numbers(groups), tzinfo=tzinfo)


def parse_duration(value: str) -> datetime.timedelta | None:
    """A duration in Django's format (``"3 10:11:12"``), ISO 8601 (``"P3DT10H"``) or
    PostgreSQL's interval format (``"3 days 10:11:12"``) as a ``timedelta``."""
    match = (
        _STANDARD_DURATION.match(value)
        or _ISO_DURATION.match(value)
        or _POSTGRES_INTERVAL.match(value)
    )
    if match is None:
        return None
    groups = match.groupdict()
    sign = -1 if groups.pop("sign", "+") == "-" else 1
    if groups.get("microseconds"):
        groups["microseconds"] = str(groups["microseconds"]).ljust(6, "0")
    numbers = {
        key: float(text.replace(",", ".")) for key, text in groups.items() if text is not None
    }
    days = datetime.timedelta(numbers.pop("days", 0.0) or 0.0)
    if match.re is _ISO_DURATION:
        days *= sign
    return days + sign * datetime.timedelta(**numbers)


def duration_string(duration: datetime.timedelta) -> str:
    """``[D ]HH:MM:SS[.uuuuuu]``: the text :func:`parse_duration` reads back."""
    minutes, seconds = divmod(duration.seconds, 60)
    hours, minutes = divmod(minutes, 60)
    text = f"{hours:02d}:{minutes:02d}:{seconds:02d}"
    if duration.days:
        text = f"{duration.days} {text}"
    if duration.microseconds:
        text += f".{duration.microseconds:06d}"
    return text


def duration_iso_string(duration: datetime.timedelta) -> str:
    """ISO 8601 (``P1DT02H03M04.000005S``), negative durations with a leading ``-``."""
    sign = ""
    if duration < datetime.timedelta(0):
        sign = "-"
        duration = -duration
    minutes, seconds = divmod(duration.seconds, 60)
    hours, minutes = divmod(minutes, 60)
    fraction = f".{duration.microseconds:06d}" if duration.microseconds else ""
    return f"{sign}P{duration.days}DT{hours:02d}H{minutes:02d}M{seconds:02d}{fraction}S"

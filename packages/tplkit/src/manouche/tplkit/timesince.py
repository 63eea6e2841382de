"""How long ago, or how long until: ``"4 days, 6 hours"``, as Django's ``timesince``.

Units are years, months, weeks, days, hours and minutes; seconds are ignored.
Years and months are counted on the calendar (2013-02-10 to 2014-03-10 is
exactly "1 year, 1 month"), then the rest in fixed-length units. At most
``depth`` adjacent units are shown, joined by ``", "``, with a no-break space
between number and unit so a phrase never wraps in the middle.
"""

from __future__ import annotations

import datetime as dt

from manouche.tplkit._i18n import gettext, ngettext

__all__ = ["timesince", "timeuntil"]

_UNITS = ("year", "month", "week", "day", "hour", "minute")
# Seconds per unit, for the units of fixed length.
_FIXED = (7 * 24 * 3600, 24 * 3600, 3600, 60)
_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_NBSP = "\xa0"


def _phrase(count: int, unit: str) -> str:
    # Django's messages, in the active language when i18nkit is installed; the
    # spaces become no-break spaces after translation, as Django's avoid_wrapping.
    if unit == "year":
        text = ngettext("%(num)d year", "%(num)d years", count)
    elif unit == "month":
        text = ngettext("%(num)d month", "%(num)d months", count)
    elif unit == "week":
        text = ngettext("%(num)d week", "%(num)d weeks", count)
    elif unit == "day":
        text = ngettext("%(num)d day", "%(num)d days", count)
    elif unit == "hour":
        text = ngettext("%(num)d hour", "%(num)d hours", count)
    else:
        text = ngettext("%(num)d minute", "%(num)d minutes", count)
    return (text % {"num": count}).replace(" ", _NBSP)


def _as_datetime(value: dt.date) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime(value.year, value.month, value.day)


def _aware(value: dt.datetime) -> bool:
    return value.tzinfo is not None and value.tzinfo.utcoffset(value) is not None


def timesince(
    d: dt.date, now: dt.date | None = None, reversed: bool = False, depth: int = 2
) -> str:
    """The time from ``d`` to ``now`` (default: the current time in ``d``'s zone).

    A ``d`` after ``now`` gives ``"0 minutes"``. ``depth`` must be at least 1.
    Mixing a naive and an aware value raises ``TypeError``, as subtracting them does.
    """
    if depth <= 0:
        raise ValueError("depth must be greater than 0.")
    start = _as_datetime(d)
    if now is None:
        end = dt.datetime.now(start.tzinfo if _aware(start) else None)
    else:
        end = _as_datetime(now)
        if _aware(end) and _aware(start):
            end = end.astimezone(start.tzinfo)
    if reversed:
        start, end = end, start
    delta = end - start
    if delta.days * 86400 + delta.seconds <= 0:
        return _phrase(0, "minute")

    months_total = (end.year - start.year) * 12 + end.month - start.month
    if start.day > end.day or (start.day == end.day and start.time() > end.time()):
        months_total -= 1
    years, months = divmod(months_total, 12)
    pivot = start
    if years or months:
        year = start.year + years
        month = start.month + months
        if month > 12:
            month -= 12
            year += 1
        pivot = dt.datetime(
            year,
            month,
            min(_DAYS_IN_MONTH[month - 1], start.day),
            start.hour,
            start.minute,
            start.second,
            tzinfo=start.tzinfo,
        )
    remaining = (end - pivot).total_seconds()
    counts = [years, months]
    for seconds in _FIXED:
        count = int(remaining // seconds)
        counts.append(count)
        remaining -= seconds * count

    first = next((i for i, count in enumerate(counts) if count), None)
    if first is None:
        return _phrase(0, "minute")
    parts = []
    for index in range(first, min(first + depth, len(_UNITS))):
        if counts[index] == 0:
            break
        parts.append(_phrase(counts[index], _UNITS[index]))
    return gettext(", ").join(parts)


def timeuntil(d: dt.date, now: dt.date | None = None, depth: int = 2) -> str:
    """The time from ``now`` (default: the current time) until ``d``."""
    return timesince(d, now, reversed=True, depth=depth)

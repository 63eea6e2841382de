"""Django's ``humanize`` library: ``intcomma``, ``intword``, ``apnumber``, ``ordinal``,
``naturalday`` and ``naturaltime``, with Django's English output.

Not installed by default (Django makes you ``{% load humanize %}``)::

    from manouche.tplkit.humanize import humanize

    humanize.install(env)          # {{ 1200000|intword }} -> "1.2 million"

``intcomma`` and ``ordinal`` are the ones of Django's library
(:mod:`manouche.tplkit.filters`), registered here under the same names.
``naturalday`` and ``naturaltime`` compare with the current time; both take a
keyword-only ``now`` for callers (and tests) that have their own clock.
``naturalday`` formats other dates with Django's ``DATE_FORMAT``
(``"N j, Y"``) or the format given as its argument.

.. versionadded:: 0.2
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from markupsafe import Markup

from manouche.tplkit.dateformat import format_date
from manouche.tplkit.filters import floatformat, intcomma, ordinal
from manouche.tplkit.library import Library
from manouche.tplkit.timesince import timesince, timeuntil

__all__ = [
    "apnumber",
    "humanize",
    "intcomma",
    "intword",
    "naturalday",
    "naturaltime",
    "ordinal",
]

humanize = Library("humanize")

_NBSP = "\xa0"

# (power of ten, name): Django's intword_converters, in English.
_INTWORD = (
    (6, "million"),
    (9, "billion"),
    (12, "trillion"),
    (15, "quadrillion"),
    (18, "quintillion"),
    (21, "sextillion"),
    (24, "septillion"),
    (27, "octillion"),
    (30, "nonillion"),
    (33, "decillion"),
    (100, "googol"),
)

_AP_NUMBERS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def _ordinal(value: Any) -> Any:
    result = ordinal(value)
    return Markup(result) if isinstance(result, str) and result != value else result


humanize.filter("intcomma", intcomma)
humanize.filter("ordinal", _ordinal)


@humanize.filter
def intword(value: Any) -> Any:
    """``1200000`` is ``"1.2 million"``; below a million (and non-numbers) as it is."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return value
    if abs(number) < 1_000_000:
        return number
    for exponent, name in _INTWORD:
        large = 10**exponent
        if abs(number) < large * 1000:
            return f"{floatformat(number / large, 1)} {name}"
    return number


@humanize.filter
def apnumber(value: Any) -> Any:
    """``1`` to ``9`` spelled out (Associated Press style); other values as they are."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return value
    if not 0 < number < 10:
        return number
    return Markup(_AP_NUMBERS[number - 1])


@humanize.filter
def naturalday(value: Any, arg: str | None = None, *, now: dt.datetime | None = None) -> Any:
    """``"today"``, ``"tomorrow"``, ``"yesterday"``, else the date in ``arg``'s format.

    An aware datetime is compared with today in its own zone; values that
    are not dates come back as they are.
    """
    tzinfo = getattr(value, "tzinfo", None)
    try:
        day = dt.date(value.year, value.month, value.day)
    except AttributeError:
        return value
    if now is None:
        today = dt.datetime.now(tzinfo).date()
    elif tzinfo is not None and now.tzinfo is not None:
        today = now.astimezone(tzinfo).date()
    else:
        today = now.date()
    delta = (day - today).days
    if delta == 0:
        return "today"
    if delta == 1:
        return "tomorrow"
    if delta == -1:
        return "yesterday"
    return format_date(day, arg)


def _count(count: int, one: str, many: str) -> str:
    return one if count == 1 else f"{count}{_NBSP}{many}"


@humanize.filter
def naturaltime(value: Any, *, now: dt.datetime | None = None) -> Any:
    """``"3 minutes ago"``, ``"an hour from now"``, ``"2 days, 4 hours ago"``, ``"now"``.

    Values that are not dates come back as they are; a date without a time
    cannot be compared with the current time (``TypeError``, as in Django).
    """
    if not isinstance(value, dt.date):
        return value
    if not isinstance(value, dt.datetime):
        raise TypeError(f"naturaltime needs a datetime, not a date without a time: {value!r}")
    aware = value.utcoffset() is not None
    if now is None:
        now = dt.datetime.now(dt.UTC if aware else None)
    if value < now:
        delta = now - value
        if delta.days != 0:
            return f"{timesince(value, now)} ago"
        if delta.seconds == 0:
            return "now"
        if delta.seconds < 60:
            return _count(delta.seconds, "a second ago", "seconds ago")
        if delta.seconds // 60 < 60:
            return _count(delta.seconds // 60, "a minute ago", "minutes ago")
        return _count(delta.seconds // 3600, "an hour ago", "hours ago")
    delta = value - now
    if delta.days != 0:
        return f"{timeuntil(value, now)} from now"
    if delta.seconds == 0:
        return "now"
    if delta.seconds < 60:
        return _count(delta.seconds, "a second from now", "seconds from now")
    if delta.seconds // 60 < 60:
        return _count(delta.seconds // 60, "a minute from now", "minutes from now")
    return _count(delta.seconds // 3600, "an hour from now", "hours from now")

"""Django's ``humanize`` library: ``intcomma``, ``intword``, ``apnumber``, ``ordinal``,
``naturalday`` and ``naturaltime``, with Django's output: English, or the active
language's when manouche-i18nkit is installed (Django's translations).

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
from collections.abc import Callable
from decimal import ROUND_UP, Decimal
from typing import Any

from markupsafe import Markup

from manouche.tplkit._i18n import decimal_separator, gettext, gettext_noop, ngettext
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


# (power of ten, the message for it): Django's intword_converters.
_INTWORD: tuple[tuple[int, Callable[[int], str]], ...] = (
    (6, lambda n: ngettext("%(value)s million", "%(value)s million", n)),
    (9, lambda n: ngettext("%(value)s billion", "%(value)s billion", n)),
    (12, lambda n: ngettext("%(value)s trillion", "%(value)s trillion", n)),
    (15, lambda n: ngettext("%(value)s quadrillion", "%(value)s quadrillion", n)),
    (18, lambda n: ngettext("%(value)s quintillion", "%(value)s quintillion", n)),
    (21, lambda n: ngettext("%(value)s sextillion", "%(value)s sextillion", n)),
    (24, lambda n: ngettext("%(value)s septillion", "%(value)s septillion", n)),
    (27, lambda n: ngettext("%(value)s octillion", "%(value)s octillion", n)),
    (30, lambda n: ngettext("%(value)s nonillion", "%(value)s nonillion", n)),
    (33, lambda n: ngettext("%(value)s decillion", "%(value)s decillion", n)),
    (100, lambda n: ngettext("%(value)s googol", "%(value)s googol", n)),
)

_AP_NUMBERS = (
    gettext_noop("one"),
    gettext_noop("two"),
    gettext_noop("three"),
    gettext_noop("four"),
    gettext_noop("five"),
    gettext_noop("six"),
    gettext_noop("seven"),
    gettext_noop("eight"),
    gettext_noop("nine"),
)


humanize.filter("intcomma", intcomma)
humanize.filter("ordinal", ordinal)


@humanize.filter
def intword(value: Any) -> Any:
    """``1200000`` is ``"1.2 million"``; below a million (and non-numbers) as it is."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return value
    if abs(number) < 1_000_000:
        return number
    for exponent, message in _INTWORD:
        large = 10**exponent
        if abs(number) < large * 1000:
            scaled = number / large
            # The plural form is the one of the number shown rounded away from
            # one (1.2 million is plural, as in Django); the number is written
            # with the active language's decimal separator.
            plural = int(Decimal(scaled - 1).quantize(Decimal(0), rounding=ROUND_UP)) + 1
            shown = floatformat(scaled, 1).replace(".", decimal_separator())
            return message(abs(plural)) % {"value": shown}
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
    return Markup(gettext(_AP_NUMBERS[number - 1]))


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
        return gettext("today")
    if delta == 1:
        return gettext("tomorrow")
    if delta == -1:
        return gettext("yesterday")
    return format_date(day, arg)


def _count(message: str, count: int) -> str:
    return message % {"count": count}


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
            return gettext("%(delta)s ago") % {"delta": timesince(value, now)}
        if delta.seconds == 0:
            return gettext("now")
        if delta.seconds < 60:
            count = delta.seconds
            return _count(ngettext("a second ago", "%(count)s\xa0seconds ago", count), count)
        if delta.seconds // 60 < 60:
            count = delta.seconds // 60
            return _count(ngettext("a minute ago", "%(count)s\xa0minutes ago", count), count)
        count = delta.seconds // 3600
        return _count(ngettext("an hour ago", "%(count)s\xa0hours ago", count), count)
    delta = value - now
    if delta.days != 0:
        return gettext("%(delta)s from now") % {"delta": timeuntil(value, now)}
    if delta.seconds == 0:
        return gettext("now")
    if delta.seconds < 60:
        count = delta.seconds
        return _count(ngettext("a second from now", "%(count)s\xa0seconds from now", count), count)
    if delta.seconds // 60 < 60:
        count = delta.seconds // 60
        return _count(ngettext("a minute from now", "%(count)s\xa0minutes from now", count), count)
    count = delta.seconds // 3600
    return _count(ngettext("an hour from now", "%(count)s\xa0hours from now", count), count)

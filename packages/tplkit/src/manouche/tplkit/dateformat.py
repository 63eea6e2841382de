"""Date and time formatting with Django's format characters (PHP ``date()`` style).

``format_date(value, "jS F Y H:i")`` gives ``"7th October 2003 11:39"``, the
same string Django's ``date`` filter gives for the same value and format. A
backslash makes the next character literal (``"\\d\\a\\y"``). Names (months,
weekdays, ``a.m.``) are English, as Django's with translation off.

Time zones: Django reads a process-wide ``TIME_ZONE`` setting. Here the zone is
an argument: ``default_tz`` says which zone a naive datetime is in (for ``O``,
``T``, ``Z``, ``I``, ``r``); without it a naive datetime has no zone and those
characters give ``""`` (``r`` gives ``-0000``, as RFC 5322 asks for unknown
zones).
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from collections.abc import Callable
from email.utils import format_datetime

__all__ = [
    "DATE_FORMATS",
    "format_date",
    "format_time",
    "get_format",
]

# Django's English locale formats, under Django's setting names: the
# ``date``/``time`` filters accept these names in place of a format string.
DATE_FORMATS: dict[str, str] = {
    "DATE_FORMAT": "N j, Y",
    "TIME_FORMAT": "P",
    "DATETIME_FORMAT": "N j, Y, P",
    "YEAR_MONTH_FORMAT": "F Y",
    "MONTH_DAY_FORMAT": "F j",
    "SHORT_DATE_FORMAT": "m/d/Y",
    "SHORT_DATETIME_FORMAT": "m/d/Y P",
}

_MONTHS = (
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# Associated Press style abbreviations (Django's ``N``).
_MONTHS_AP = (
    "",
    "Jan.",
    "Feb.",
    "March",
    "April",
    "May",
    "June",
    "July",
    "Aug.",
    "Sept.",
    "Oct.",
    "Nov.",
    "Dec.",
)
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# A format character not preceded by a backslash; what is left between them has
# its backslash escapes removed.
_FORMAT_CHAR = re.compile(r"(?<!\\)([aAbcdDeEfFgGhHiIjlLmMnNoOPrsStTUuwWyYzZ])")
_ESCAPED = re.compile(r"\\(.)")

_TIME_CHARS = frozenset("aAefgGhHiOPsTuZ")


def get_format(name: str | None, default: str) -> str:
    """The format string for a Django setting name (``"SHORT_DATE_FORMAT"``), else ``name``."""
    if not name:
        return DATE_FORMATS[default]
    return DATE_FORMATS.get(name, name) if name.isupper() else str(name)


class _Formatter:
    """Answers one format character at a time for one value."""

    def __init__(self, value: dt.date | dt.time, default_tz: dt.tzinfo | None) -> None:
        self.value = value
        self.default_tz = default_tz

    @functools.cached_property
    def tz(self) -> dt.tzinfo | None:
        """The zone of a datetime (its own, else the default), unless ambiguous there."""
        value = self.value
        if not isinstance(value, dt.datetime):
            return None
        tz = value.tzinfo if _is_aware(value) else self.default_tz
        if tz is None or _ambiguous_or_imaginary(value, tz):
            return None
        return tz

    # -- time ---------------------------------------------------------------

    def _hour(self) -> int:
        return self.value.hour  # type: ignore[union-attr]

    def _minute(self) -> int:
        return self.value.minute  # type: ignore[union-attr]

    def a(self) -> str:
        return "p.m." if self._hour() > 11 else "a.m."

    def A(self) -> str:  # noqa: N802
        return "PM" if self._hour() > 11 else "AM"

    def e(self) -> str:
        if self.tz is None or getattr(self.value, "tzinfo", None) is None:
            return ""
        try:
            return self.value.tzname() or ""  # type: ignore[union-attr]
        except NotImplementedError:
            return ""

    def f(self) -> str:
        hour = self._hour() % 12 or 12
        minute = self._minute()
        return f"{hour}:{minute:02d}" if minute else str(hour)

    def g(self) -> str:
        return str(self._hour() % 12 or 12)

    def G(self) -> str:  # noqa: N802
        return str(self._hour())

    def h(self) -> str:
        return f"{self._hour() % 12 or 12:02d}"

    def H(self) -> str:  # noqa: N802
        return f"{self._hour():02d}"

    def i(self) -> str:
        return f"{self._minute():02d}"

    def _offset_seconds(self) -> int | None:
        if self.tz is None:
            return None
        offset = self.tz.utcoffset(self.value)  # type: ignore[arg-type]
        if offset is None:
            return None
        return offset.days * 86400 + offset.seconds

    def O(self) -> str:  # noqa: E743, N802
        seconds = self._offset_seconds()
        if seconds is None:
            return ""
        sign = "-" if seconds < 0 else "+"
        seconds = abs(seconds)
        return f"{sign}{seconds // 3600:02d}{(seconds // 60) % 60:02d}"

    def P(self) -> str:  # noqa: N802
        hour, minute = self._hour(), self._minute()
        if minute == 0 and hour == 0:
            return "midnight"
        if minute == 0 and hour == 12:
            return "noon"
        return f"{self.f()} {self.a()}"

    def s(self) -> str:
        return f"{self.value.second:02d}"  # type: ignore[union-attr]

    def T(self) -> str:  # noqa: N802
        if self.tz is None:
            return ""
        return str(self.tz.tzname(self.value))  # type: ignore[arg-type]

    def u(self) -> str:
        return f"{self.value.microsecond:06d}"  # type: ignore[union-attr]

    def Z(self) -> str:  # noqa: N802
        seconds = self._offset_seconds()
        return "" if seconds is None else str(seconds)

    # -- date ---------------------------------------------------------------

    def _date(self) -> dt.date:
        if not isinstance(self.value, dt.date):
            raise TypeError("a time value has no date parts")
        return self.value

    def b(self) -> str:
        return _MONTHS[self._date().month][:3].lower()

    def c(self) -> str:
        return self._date().isoformat()

    def d(self) -> str:
        return f"{self._date().day:02d}"

    def D(self) -> str:  # noqa: N802
        return _WEEKDAYS[self._date().weekday()][:3]

    def E(self) -> str:  # noqa: N802
        return _MONTHS[self._date().month]

    def F(self) -> str:  # noqa: N802
        return _MONTHS[self._date().month]

    def I(self) -> str:  # noqa: E743, N802
        if self.tz is None:
            return ""
        return "1" if self.tz.dst(self.value) else "0"  # type: ignore[arg-type]

    def j(self) -> str:
        return str(self._date().day)

    def l(self) -> str:  # noqa: E743
        return _WEEKDAYS[self._date().weekday()]

    def L(self) -> str:  # noqa: N802
        return str(calendar.isleap(self._date().year))

    def m(self) -> str:
        return f"{self._date().month:02d}"

    def M(self) -> str:  # noqa: N802
        return _MONTHS[self._date().month][:3]

    def n(self) -> str:
        return str(self._date().month)

    def N(self) -> str:  # noqa: N802
        return _MONTHS_AP[self._date().month]

    def o(self) -> str:
        return str(self._date().isocalendar().year)

    def r(self) -> str:
        value = self._date()
        if not isinstance(value, dt.datetime):
            value = dt.datetime.combine(value, dt.time.min, tzinfo=self.default_tz)
        elif self.tz is not None and not _is_aware(value):
            value = value.replace(tzinfo=self.tz)
        return format_datetime(value)

    def S(self) -> str:  # noqa: N802
        day = self._date().day
        if day in (11, 12, 13):
            return "th"
        return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")

    def t(self) -> str:
        value = self._date()
        return str(calendar.monthrange(value.year, value.month)[1])

    def U(self) -> str:  # noqa: N802
        value = self._date()
        if not isinstance(value, dt.datetime):
            value = dt.datetime.combine(value, dt.time.min)
        elif self.tz is not None and not _is_aware(value):
            value = value.replace(tzinfo=self.tz)
        return str(int(value.timestamp()))

    def w(self) -> str:
        return str((self._date().weekday() + 1) % 7)

    def W(self) -> str:  # noqa: N802
        return str(self._date().isocalendar().week)

    def y(self) -> str:
        return f"{self._date().year % 100:02d}"

    def Y(self) -> str:  # noqa: N802
        return f"{self._date().year:04d}"

    def z(self) -> str:
        return str(self._date().timetuple().tm_yday)


_METHODS: dict[str, Callable[[_Formatter], str]] = {
    char: getattr(_Formatter, char) for char in "aAbcdDeEfFgGhHiIjlLmMnNoOPrsStTUuwWyYzZ"
}


def _is_aware(value: dt.datetime) -> bool:
    return value.tzinfo is not None and value.tzinfo.utcoffset(value) is not None


def _ambiguous_or_imaginary(value: dt.datetime, tz: dt.tzinfo) -> bool:
    naive = value.replace(tzinfo=None)
    return tz.utcoffset(naive.replace(fold=not naive.fold)) != tz.utcoffset(naive)


_Piece = tuple[Callable[[_Formatter], str] | None, str]


@functools.lru_cache(maxsize=256)
def _parse(fmt: str) -> tuple[tuple[_Piece, ...], str | None, str | None]:
    """``fmt`` compiled once: its pieces (a method or literal text), its first time
    character and its first date-only character."""
    pieces: list[_Piece] = []
    first_time = first_date = None
    for index, piece in enumerate(_FORMAT_CHAR.split(fmt)):
        if index % 2:
            pieces.append((_METHODS[piece], piece))
            if piece in _TIME_CHARS:
                first_time = first_time or piece
            else:
                first_date = first_date or piece
        elif piece:
            pieces.append((None, _ESCAPED.sub(r"\1", piece)))
    return tuple(pieces), first_time, first_date


def _render(
    value: dt.date | dt.time, pieces: tuple[_Piece, ...], default_tz: dt.tzinfo | None
) -> str:
    formatter = _Formatter(value, default_tz)
    return "".join([text if method is None else method(formatter) for method, text in pieces])


def format_date(
    value: dt.date | dt.time, fmt: str | None = None, default_tz: dt.tzinfo | None = None
) -> str:
    """Format a date or datetime with Django's format characters.

    ``fmt`` is a format string or a Django setting name (``"SHORT_DATE_FORMAT"``);
    ``None`` means ``DATE_FORMAT`` (``"N j, Y"``). Time characters are refused
    for a ``date`` (``TypeError``), as Django refuses them.
    """
    pieces, time_char, _ = _parse(get_format(fmt, "DATE_FORMAT"))
    if time_char is not None and type(value) is dt.date:
        raise TypeError(
            "The format for date objects may not contain time-related format "
            f"specifiers (found {time_char!r})."
        )
    return _render(value, pieces, default_tz)


def format_time(
    value: dt.time | dt.datetime, fmt: str | None = None, default_tz: dt.tzinfo | None = None
) -> str:
    """Format a time or datetime with Django's time format characters only.

    ``fmt`` defaults to ``TIME_FORMAT`` (``"P"``). A date character raises
    ``ValueError`` naming it.
    """
    pieces, _, date_char = _parse(get_format(fmt, "TIME_FORMAT"))
    if date_char is not None:
        raise ValueError(f"{date_char!r} is not a time format character")
    return _render(value, pieces, default_tz if isinstance(value, dt.datetime) else None)

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
from typing import Any, NamedTuple

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


# The format characters that need nothing but the value: one function each.
# Time characters read ``hour``/``minute``/..., date characters the date parts.


def _a(value: Any) -> str:
    return "p.m." if value.hour > 11 else "a.m."


def _f(value: Any) -> str:
    hour = value.hour % 12 or 12
    minute = value.minute
    return f"{hour}:{minute:02d}" if minute else str(hour)


def _P(value: Any) -> str:  # noqa: N802
    hour, minute = value.hour, value.minute
    if minute == 0 and hour == 0:
        return "midnight"
    if minute == 0 and hour == 12:
        return "noon"
    return f"{_f(value)} {_a(value)}"


def _S(value: Any) -> str:  # noqa: N802
    day = value.day
    if day in (11, 12, 13):
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


_PLAIN_TIME: dict[str, Callable[[Any], str]] = {
    "a": _a,
    "A": lambda v: "PM" if v.hour > 11 else "AM",
    "f": _f,
    "g": lambda v: str(v.hour % 12 or 12),
    "G": lambda v: str(v.hour),
    "h": lambda v: f"{v.hour % 12 or 12:02d}",
    "H": lambda v: f"{v.hour:02d}",
    "i": lambda v: f"{v.minute:02d}",
    "P": _P,
    "s": lambda v: f"{v.second:02d}",
    "u": lambda v: f"{v.microsecond:06d}",
}

_PLAIN_DATE: dict[str, Callable[[Any], str]] = {
    "b": lambda v: _MONTHS[v.month][:3].lower(),
    "c": lambda v: v.isoformat(),
    "d": lambda v: f"{v.day:02d}",
    "D": lambda v: _WEEKDAYS[v.weekday()][:3],
    "E": lambda v: _MONTHS[v.month],
    "F": lambda v: _MONTHS[v.month],
    "j": lambda v: str(v.day),
    "l": lambda v: _WEEKDAYS[v.weekday()],
    "L": lambda v: str(calendar.isleap(v.year)),
    "m": lambda v: f"{v.month:02d}",
    "M": lambda v: _MONTHS[v.month][:3],
    "n": lambda v: str(v.month),
    "N": lambda v: _MONTHS_AP[v.month],
    "o": lambda v: str(v.isocalendar().year),
    "S": _S,
    "t": lambda v: str(calendar.monthrange(v.year, v.month)[1]),
    "w": lambda v: str((v.weekday() + 1) % 7),
    "W": lambda v: str(v.isocalendar().week),
    "y": lambda v: f"{v.year % 100:02d}",
    "Y": lambda v: f"{v.year:04d}",
    "z": lambda v: str(v.timetuple().tm_yday),
}


class _Formatter:
    """Answers the format characters that depend on a time zone, for one value."""

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

    def _date(self) -> dt.date:
        if not isinstance(self.value, dt.date):
            raise TypeError("a time value has no date parts")
        return self.value

    # -- time ---------------------------------------------------------------

    def e(self) -> str:
        if self.tz is None or getattr(self.value, "tzinfo", None) is None:
            return ""
        try:
            return self.value.tzname() or ""  # type: ignore[union-attr]
        except NotImplementedError:
            return ""

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

    def T(self) -> str:  # noqa: N802
        if self.tz is None:
            return ""
        return str(self.tz.tzname(self.value))  # type: ignore[arg-type]

    def Z(self) -> str:  # noqa: N802
        seconds = self._offset_seconds()
        return "" if seconds is None else str(seconds)

    # -- date ---------------------------------------------------------------

    def I(self) -> str:  # noqa: E743, N802
        if self.tz is None:
            return ""
        return "1" if self.tz.dst(self.value) else "0"  # type: ignore[arg-type]

    def r(self) -> str:
        value = self._date()
        if not isinstance(value, dt.datetime):
            value = dt.datetime.combine(value, dt.time.min, tzinfo=self.default_tz)
        elif self.tz is not None and not _is_aware(value):
            value = value.replace(tzinfo=self.tz)
        return format_datetime(value)

    def U(self) -> str:  # noqa: N802
        value = self._date()
        if not isinstance(value, dt.datetime):
            value = dt.datetime.combine(value, dt.time.min)
        elif self.tz is not None and not _is_aware(value):
            value = value.replace(tzinfo=self.tz)
        return str(int(value.timestamp()))


def _time_method(plain: Callable[[Any], str]) -> Callable[[_Formatter], str]:
    return lambda formatter: plain(formatter.value)


def _date_method(plain: Callable[[Any], str]) -> Callable[[_Formatter], str]:
    # A time value has no date parts: TypeError, as Django's formatter.
    return lambda formatter: plain(formatter._date())


_METHODS: dict[str, Callable[[_Formatter], str]] = {
    **{char: getattr(_Formatter, char) for char in "eOTZIrU"},
    **{char: _time_method(plain) for char, plain in _PLAIN_TIME.items()},
    **{char: _date_method(plain) for char, plain in _PLAIN_DATE.items()},
}


def _is_aware(value: dt.datetime) -> bool:
    return value.tzinfo is not None and value.tzinfo.utcoffset(value) is not None


def _ambiguous_or_imaginary(value: dt.datetime, tz: dt.tzinfo) -> bool:
    naive = value.replace(tzinfo=None)
    return tz.utcoffset(naive.replace(fold=not naive.fold)) != tz.utcoffset(naive)


_Piece = tuple[Callable[[_Formatter], str] | None, str]
_PlainPiece = tuple[Callable[[Any], str] | None, str]


class _Compiled(NamedTuple):
    pieces: tuple[_Piece, ...]
    # The same pieces as functions of the value alone, when no character needs
    # a time zone (the common case: ``"N j, Y"``, ``"H:i"``); else None.
    plain: tuple[_PlainPiece, ...] | None
    first_time: str | None
    first_date: str | None


@functools.lru_cache(maxsize=256)
def _parse(fmt: str) -> _Compiled:
    """``fmt`` compiled once: its pieces (a method or literal text), its first time
    character and its first date-only character."""
    pieces: list[_Piece] = []
    plain: list[_PlainPiece] | None = []
    first_time = first_date = None
    for index, piece in enumerate(_FORMAT_CHAR.split(fmt)):
        if index % 2:
            pieces.append((_METHODS[piece], piece))
            function = _PLAIN_TIME.get(piece) or _PLAIN_DATE.get(piece)
            if function is None:
                plain = None
            elif plain is not None:
                plain.append((function, piece))
            if piece in _TIME_CHARS:
                first_time = first_time or piece
            else:
                first_date = first_date or piece
        elif piece:
            text = _ESCAPED.sub(r"\1", piece)
            pieces.append((None, text))
            if plain is not None:
                plain.append((None, text))
    return _Compiled(tuple(pieces), None if plain is None else tuple(plain), first_time, first_date)


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
    compiled = _parse(get_format(fmt, "DATE_FORMAT"))
    time_char = compiled.first_time
    if time_char is not None and type(value) is dt.date:
        raise TypeError(
            "The format for date objects may not contain time-related format "
            f"specifiers (found {time_char!r})."
        )
    plain = compiled.plain
    if (
        plain is not None
        and isinstance(value, dt.date)
        and (time_char is None or isinstance(value, dt.datetime))
    ):
        return "".join([text if function is None else function(value) for function, text in plain])
    return _render(value, compiled.pieces, default_tz)


def format_time(
    value: dt.time | dt.datetime, fmt: str | None = None, default_tz: dt.tzinfo | None = None
) -> str:
    """Format a time or datetime with Django's time format characters only.

    ``fmt`` defaults to ``TIME_FORMAT`` (``"P"``). A date character raises
    ``ValueError`` naming it.
    """
    compiled = _parse(get_format(fmt, "TIME_FORMAT"))
    if compiled.first_date is not None:
        raise ValueError(f"{compiled.first_date!r} is not a time format character")
    plain = compiled.plain
    if plain is not None and isinstance(value, (dt.time, dt.datetime)):
        return "".join([text if function is None else function(value) for function, text in plain])
    return _render(value, compiled.pieces, default_tz if isinstance(value, dt.datetime) else None)

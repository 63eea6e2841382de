"""Localized formatting and parsing on Babel's CLDR data, in the active language.

Django's ``django.utils.formats`` keeps a hand-written format module per
language; here every locale CLDR knows is covered, from Babel. Output follows
CLDR, so it can differ from Django's tables (``fr`` groups digits with a narrow
no-break space, ``es`` does not group four-digit numbers); the README lists
what was compared.
"""

from __future__ import annotations

import copy
import datetime
import decimal
import functools
import re
from typing import Any, Literal

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers

from manouche.i18nkit import translation
from manouche.i18nkit.catalogs import babel_locale
from manouche.i18nkit.timezone import get_active_timezone
from manouche.i18nkit.translation import gettext

__all__ = [
    "date_format",
    "datetime_format",
    "format_currency",
    "format_percent",
    "get_locale",
    "localize",
    "localize_input",
    "number_format",
    "parse_date",
    "parse_datetime",
    "parse_number",
    "parse_time",
    "time_format",
    "unlocalize",
]

Width = Literal["short", "medium", "long", "full"]


def get_locale(language: str | None = None) -> Locale:
    """The Babel locale of ``language``, or of the active language."""
    lang = language or translation.get_language() or translation.get_catalogs().default_language
    return babel_locale(lang)


def number_format(
    value: int | float | decimal.Decimal | str,
    decimal_pos: int | None = None,
    *,
    use_grouping: bool = False,
    language: str | None = None,
) -> str:
    """A number in the active language's notation: ``1234.5`` -> ``1234,5`` in German.

    ``decimal_pos`` fixes the number of decimals (rounded half-even, as
    :class:`decimal.Decimal` does); ``use_grouping`` adds the thousands
    separators. Django's ``number_format`` (``force_grouping``).
    """
    locale = get_locale(language)
    number = value if isinstance(value, int | float | decimal.Decimal) else decimal.Decimal(value)
    if decimal_pos is not None:
        if decimal_pos < 0:
            raise ValueError(f"decimal_pos must not be negative, got {decimal_pos}")
        number = decimal.Decimal(str(number)).quantize(
            decimal.Decimal(1).scaleb(-decimal_pos), rounding=decimal.ROUND_HALF_EVEN
        )
        if not number:
            number = number.copy_abs()  # "-0,00" reads as a sign error: Django drops it too
        # The locale's own pattern (its grouping: 12,34,567 in Hindi) with fixed decimals.
        pattern = copy.copy(locale.decimal_formats[None])
        pattern.frac_prec = (decimal_pos, decimal_pos)
        return str(pattern.apply(number, locale, group_separator=use_grouping))
    return babel_numbers.format_decimal(
        number, locale=locale, decimal_quantization=False, group_separator=use_grouping
    )


def format_currency(
    value: int | float | decimal.Decimal, currency: str, *, language: str | None = None
) -> str:
    """An amount of ``currency`` (ISO 4217 code) as the active language writes it: ``12,50 €``."""
    return babel_numbers.format_currency(value, currency, locale=get_locale(language))


def format_percent(value: int | float | decimal.Decimal, *, language: str | None = None) -> str:
    """A ratio as a percentage in the active language: ``0.25`` -> ``25 %`` in French."""
    return babel_numbers.format_percent(value, locale=get_locale(language))


def date_format(
    value: datetime.date, format: Width | str = "medium", *, language: str | None = None
) -> str:
    """A date in the active language: a CLDR width (``short`` ... ``full``) or a CLDR pattern."""
    if isinstance(value, datetime.datetime):
        value = _in_active_zone(value).date()
    locale = get_locale(language)
    return _date_pattern(locale, format).apply(value, locale)


@functools.lru_cache(maxsize=512)
def _date_pattern(locale: Locale, format: str) -> babel_dates.DateTimePattern:
    # What babel.dates.format_date looks up on every call, once per locale and format.
    if format in _WIDTHS:
        return babel_dates.parse_pattern(locale.date_formats[format])
    return babel_dates.parse_pattern(format)


_WIDTHS = frozenset({"full", "long", "medium", "short"})


def time_format(
    value: datetime.time | datetime.datetime,
    format: Width | str = "medium",
    *,
    language: str | None = None,
) -> str:
    """A time of day in the active language (``13:05:00`` / ``1:05:00 PM``).

    An aware datetime is shown in the active time zone when one is active.
    """
    return babel_dates.format_time(
        _in_active_zone(value), format=format, locale=get_locale(language)
    )


def datetime_format(
    value: datetime.datetime, format: Width | str = "medium", *, language: str | None = None
) -> str:
    """A date and time in the active language.

    An aware datetime is shown in the active time zone
    (:func:`manouche.i18nkit.timezone.activate`, ``TimezoneMiddleware``) when
    one is active, else in its own zone; a naive one as it is.
    """
    return babel_dates.format_datetime(
        _in_active_zone(value), format=format, locale=get_locale(language)
    )


def _in_active_zone(value: Any) -> Any:
    zone = get_active_timezone()
    if zone is not None and isinstance(value, datetime.datetime) and value.utcoffset() is not None:
        return value.astimezone(zone)
    return value


def localize(value: Any, *, language: str | None = None) -> str | Any:
    """A value as shown to a reader of the active language (Django's ``formats.localize``).

    Numbers in local notation, dates, times and datetimes in CLDR's medium
    width; booleans and anything else unchanged.
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | decimal.Decimal):
        return number_format(value, language=language)
    if isinstance(value, datetime.datetime):
        return datetime_format(value, language=language)
    if isinstance(value, datetime.date):
        return date_format(value, language=language)
    if isinstance(value, datetime.time):
        return time_format(value, language=language)
    return value


def _input_pattern(pattern: str) -> str:
    # Full years in input fields: "dd.MM.yy" would lose the century.
    return re.sub(r"y+", "yyyy", pattern)


def localize_input(value: Any, *, language: str | None = None) -> str | Any:
    """A value as a form field shows it for editing (Django's ``formats.localize_input``).

    Numbers without grouping; dates, times and datetimes in the locale's
    short form with a four-digit year, which :func:`unlocalize` reads back.
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | decimal.Decimal):
        return number_format(value, language=language)
    locale = get_locale(language)
    if isinstance(value, datetime.datetime):
        date_part = babel_dates.format_date(
            value, _input_pattern(locale.date_formats["short"].pattern), locale=locale
        )
        return f"{date_part} {value.strftime('%H:%M:%S')}"
    if isinstance(value, datetime.date):
        return babel_dates.format_date(
            value, _input_pattern(locale.date_formats["short"].pattern), locale=locale
        )
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M:%S")
    return value


def parse_number(text: str, *, language: str | None = None) -> decimal.Decimal:
    """Read a number typed in the active language's notation (``1.234,5`` in German).

    Thousands separators must sit where the locale puts them; anything else
    raises ``ValueError`` with a message for the user, in the active language.
    """
    locale = get_locale(language)
    cleaned = text.strip()
    if not cleaned:
        raise ValueError(gettext("Enter a number."))
    try:
        return babel_numbers.parse_decimal(cleaned, locale=locale, strict=True)
    except babel_numbers.NumberFormatError as exc:
        raise ValueError(gettext("“%(value)s” is not a valid number.") % {"value": text}) from exc


def parse_date(text: str, *, language: str | None = None) -> datetime.date:
    """Read a date typed as the active language writes short dates (``01.03.2024`` in German)."""
    locale = get_locale(language)
    try:
        return babel_dates.parse_date(text.strip(), locale=locale, format="short")
    except (babel_dates.ParseError, ValueError, IndexError) as exc:
        raise ValueError(gettext("“%(value)s” is not a valid date.") % {"value": text}) from exc


def parse_time(text: str, *, language: str | None = None) -> datetime.time:
    """Read a time of day typed in the active language (``13:05`` or ``1:05 PM``)."""
    locale = get_locale(language)
    try:
        return babel_dates.parse_time(text.strip(), locale=locale, format="short")
    except (babel_dates.ParseError, ValueError, IndexError) as exc:
        raise ValueError(gettext("“%(value)s” is not a valid time.") % {"value": text}) from exc


def parse_datetime(text: str, *, language: str | None = None) -> datetime.datetime:
    """Read ``<short date> <time>`` as :func:`localize_input` writes it."""
    date_text, sep, time_text = text.strip().rpartition(" ")
    if not sep:
        raise ValueError(gettext("“%(value)s” is not a valid date and time.") % {"value": text})
    day = parse_date(date_text, language=language)
    moment = parse_time(time_text, language=language)
    return datetime.datetime.combine(day, moment)


def unlocalize(
    text: str,
    kind: Literal["number", "date", "time", "datetime"] = "number",
    *,
    language: str | None = None,
) -> decimal.Decimal | datetime.date | datetime.time | datetime.datetime:
    """Parse what a user typed in a localized form field: the inverse of :func:`localize_input`."""
    if kind == "number":
        return parse_number(text, language=language)
    if kind == "date":
        return parse_date(text, language=language)
    if kind == "time":
        return parse_time(text, language=language)
    if kind == "datetime":
        return parse_datetime(text, language=language)
    raise ValueError(f"unknown kind {kind!r}: number, date, time or datetime")

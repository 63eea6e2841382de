"""Localized formatting and parsing, against CLDR (Babel) and, where it formats the same, Django."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers

from manouche import i18nkit
from manouche.testsupport import configure_django

NUMBERS = [
    (Decimal("1234567.891"), None, False),
    (Decimal("1234567.891"), 2, True),
    (1234, None, True),
    (-1234.5, 1, True),
    (Decimal("0.5"), 0, False),
    (Decimal("2.5"), 0, False),
    (12, None, True),
    (Decimal("-0.001"), 2, False),
    (Decimal("1e3"), None, True),
]

# Languages whose Django format module agrees with CLDR on numbers. Where they
# disagree (fr groups with U+202F in CLDR, U+00A0 in Django; es does not group
# four digits in CLDR; ~50 languages have no Django format module) CLDR wins.
DJANGO_AGREES = [
    "ca", "cs", "da", "de", "el", "en", "en-gb", "fi", "hr", "hu", "id", "it", "ja", "ko",
    "nb", "nl", "pl", "pt", "pt-br", "ro", "ru", "sk", "sl", "sv", "tr", "uk",
]  # fmt: skip


@pytest.fixture(scope="module")
def django_formats():
    pytest.importorskip("django")
    configure_django(USE_I18N=True, LANGUAGE_CODE="en-us")
    from django.utils import formats, translation

    return formats, translation


@pytest.mark.parametrize("lang", DJANGO_AGREES)
def test_number_format_as_django(lang: str, django_formats) -> None:
    formats, translation = django_formats
    for value, decimal_pos, grouping in NUMBERS:
        with translation.override(lang):
            expected = formats.number_format(value, decimal_pos, force_grouping=grouping)
        with i18nkit.override(lang):
            got = i18nkit.number_format(value, decimal_pos, use_grouping=grouping)
        assert got == expected, (lang, value, decimal_pos, grouping)


@pytest.mark.parametrize("lang", ["en", "de", "fr", "es", "ar", "ja", "pt-br", "ru", "hi"])
def test_number_symbols_are_cldrs(lang: str) -> None:
    locale = Locale.parse(i18nkit.to_locale(lang))
    decimal = babel_numbers.get_decimal_symbol(locale)
    group = babel_numbers.get_group_symbol(locale)
    with i18nkit.override(lang):
        assert i18nkit.number_format(Decimal("1234567.25"), 2, use_grouping=True) == (
            babel_numbers.format_decimal(Decimal("1234567.25"), locale=locale)
        )
        assert i18nkit.number_format(Decimal("1234.25")) == f"1234{decimal}25"
        assert group in i18nkit.number_format(Decimal("1234567"), use_grouping=True)


def test_known_cldr_outputs() -> None:
    day = datetime.date(2024, 3, 1)
    moment = datetime.datetime(2024, 3, 1, 13, 5, 9)
    with i18nkit.override("fr"):
        assert i18nkit.localize(Decimal("1234.5")) == "1234,5"
        assert i18nkit.number_format(1234567, use_grouping=True) == "1\u202f234\u202f567"
        assert i18nkit.format_currency(Decimal("12.5"), "EUR") == "12,50\xa0€"
        assert i18nkit.format_percent(Decimal("0.25")) == "25\xa0%"
        assert i18nkit.localize(day) == "1 mars 2024"
        assert i18nkit.date_format(day, "full") == "vendredi 1 mars 2024"
    with i18nkit.override("de"):
        assert i18nkit.localize(day) == "01.03.2024"
        assert i18nkit.localize(datetime.time(13, 5)) == "13:05:00"
        assert i18nkit.localize(moment) == babel_dates.format_datetime(moment, locale="de")
    with i18nkit.override("en-us"):
        assert i18nkit.format_currency(1234.5, "USD") == "$1,234.50"
        assert i18nkit.time_format(datetime.time(13, 5), "short") == "1:05\u202fPM"
    with i18nkit.override("ja"):
        assert i18nkit.date_format(day, "long") == "2024年3月1日"
    assert i18nkit.date_format(day, "yyyy-MM-dd", language="de") == "2024-03-01"


def test_localize_leaves_other_values() -> None:
    assert i18nkit.localize(True) is True
    assert i18nkit.localize("text") == "text"
    assert i18nkit.localize(None) is None
    assert i18nkit.localize_input(False) is False


@pytest.mark.parametrize("lang", ["en-us", "de", "fr", "pt-br", "ru", "ja", "ar", "es", "nl"])
def test_localize_input_reads_back(lang: str) -> None:
    values = [
        (Decimal("1234.56"), "number"),
        (Decimal("-0.5"), "number"),
        (datetime.date(1999, 12, 31), "date"),
        (datetime.date(2024, 2, 29), "date"),
        (datetime.time(23, 59, 1), "time"),
        (datetime.datetime(1987, 6, 5, 4, 3, 2), "datetime"),
    ]
    with i18nkit.override(lang):
        for value, kind in values:
            text = i18nkit.localize_input(value)
            assert isinstance(text, str)
            assert i18nkit.unlocalize(text, kind) == value, (lang, text)


def test_parse_numbers_in_local_notation() -> None:
    with i18nkit.override("de"):
        assert i18nkit.parse_number("1.234,5") == Decimal("1234.5")
        assert i18nkit.parse_number(" 1234,5 ") == Decimal("1234.5")
        with pytest.raises(ValueError, match="ist keine gültige Zahl"):
            i18nkit.parse_number("1,2,3")
        with pytest.raises(ValueError, match="ist keine gültige Zahl"):
            i18nkit.parse_number("12.34")  # a misplaced group separator
    with i18nkit.override("en"):
        assert i18nkit.parse_number("1,234.5") == Decimal("1234.5")
        with pytest.raises(ValueError, match="Enter a number"):
            i18nkit.parse_number("  ")
        with pytest.raises(ValueError, match="“abc” is not a valid number."):
            i18nkit.parse_number("abc")


def test_parse_errors_are_translated() -> None:
    with i18nkit.override("fr"):
        with pytest.raises(ValueError, match="« abc » n’est pas un nombre valide."):
            i18nkit.parse_number("abc")
        with pytest.raises(ValueError, match="« 31/02/2024 » n’est pas une date valide."):
            i18nkit.parse_date("31/02/2024")
        with pytest.raises(ValueError, match="n’est pas une heure valide"):
            i18nkit.parse_time("25:00")
        with pytest.raises(ValueError, match="n’est pas une date et heure valide"):
            i18nkit.parse_datetime("01/03/2024")


def test_parse_dates_in_local_order() -> None:
    assert i18nkit.parse_date("01.03.2024", language="de") == datetime.date(2024, 3, 1)
    assert i18nkit.parse_date("3/1/2024", language="en-us") == datetime.date(2024, 3, 1)
    assert i18nkit.parse_date("01/03/2024", language="fr") == datetime.date(2024, 3, 1)
    assert i18nkit.parse_time("1:05 PM", language="en-us") == datetime.time(13, 5)
    with pytest.raises(ValueError, match="unknown kind"):
        i18nkit.unlocalize("1", "money")  # type: ignore[arg-type]


def test_number_format_arguments() -> None:
    with pytest.raises(ValueError, match="decimal_pos must not be negative"):
        i18nkit.number_format(1, -1)
    assert i18nkit.number_format("1234.5", 2, language="de") == "1234,50"
    with pytest.raises(ValueError, match="unknown language code"):
        i18nkit.number_format(1, language="xx")


# Where Django's DATE_FORMAT / TIME_FORMAT writes what CLDR's long date / short
# time does, every day of 2024 and 96 times of day must come out the same.
DATES_AGREE = [
    "cs",
    "da",
    "de",
    "es",
    "fi",
    "fr",
    "he",
    "hu",
    "ja",
    "ko",
    "nl",
    "pl",
    "sv",
    "zh-hans",
]
TIMES_AGREE = ["ar", "de", "fr", "it", "ja", "nl", "pt-br", "tr", "uk", "vi", "zh-hans"]


@pytest.mark.parametrize("lang", DATES_AGREE)
def test_long_dates_as_django(lang: str, django_formats) -> None:
    formats, translation = django_formats
    days = [datetime.date(2024, 1, 1) + datetime.timedelta(days=n) for n in range(366)]
    with translation.override(lang):
        expected = [formats.date_format(day) for day in days]
    with i18nkit.override(lang):
        assert [i18nkit.date_format(day, "long") for day in days] == expected


@pytest.mark.parametrize("lang", TIMES_AGREE)
def test_short_times_as_django(lang: str, django_formats) -> None:
    formats, translation = django_formats
    times = [datetime.time(h, m) for h in range(24) for m in (0, 7, 30, 59)]
    with translation.override(lang):
        expected = [formats.time_format(t) for t in times]
    with i18nkit.override(lang):
        assert [i18nkit.time_format(t, "short") for t in times] == expected

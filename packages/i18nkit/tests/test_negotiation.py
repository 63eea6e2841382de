"""Accept-Language parsing and language variants, differential against Django's trans_real."""

from __future__ import annotations

import random

import pytest

from manouche import i18nkit

HEADERS = [
    "",
    "de",
    "de-AT",
    "en-US,en;q=0.9",
    "fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5",
    "*",
    "en;q=1.0",
    "en;q=1.000",
    "en;q=1.0001",
    "en;q=0",
    "en;q=0.",
    "en;q=1.",
    "en;q=0.123",
    "en;q=0.1234",
    "en;q=2",
    "en ;q=0.5",
    "en; q=0.5",
    "en;Q=0.5",
    "en,",
    "en, ",
    ",en",
    "en,,fr",
    " en",
    "en ",
    "en\n",
    "en,\n fr",
    "en;q=0.5;level=1",
    "en;q=",
    "es-419",
    "zh-Hant-TW,zh;q=0.8",
    "x-klingon",
    "abcdefghi",
    "abcdefgh-12345678",
    "en-us1234567890",
    "de,de;q=0.5,fr;q=0.5,it",
    "a;q=0.5,b;q=0.5,c;q=0.9,d",
    "*-x",
    "en_US",
    "EN-us",
    "é",
    "ＥＮ",
    "en;q=0.5 ,fr",
    "en\u2003,fr",
    "en;q=0.9" + ",fr" * 200,
    "de-" + "a" * 600,
    ("en;q=0.5," * 60).rstrip(","),
]


@pytest.mark.parametrize("header", HEADERS)
def test_parse_accept_lang_header_as_django(header: str, django_trans) -> None:
    assert i18nkit.parse_accept_lang_header(header) == django_trans.parse_accept_lang_header(header)


def test_parse_accept_lang_header_fuzzed_against_django(django_trans) -> None:
    rng = random.Random(18)
    alphabet = ["en", "de", "-", "at", ",", ";", "q=", "0", ".", "5", "1", " ", "*", "x", "\t", "9"]
    for _ in range(3000):
        header = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        assert i18nkit.parse_accept_lang_header(header) == (
            django_trans.parse_accept_lang_header(header)
        ), header


def test_parse_orders_by_q_keeping_header_order() -> None:
    assert i18nkit.parse_accept_lang_header("a;q=0.5,b;q=0.5,c;q=0.9,d") == (
        ("d", 1.0),
        ("c", 0.9),
        ("a", 0.5),
        ("b", 0.5),
    )


# Django's own language list; each has a catalog in Django, so Django's
# check_for_language does not change its answers.
CODES = [
    "en",
    "en-us",
    "en-gb",
    "EN-gb",
    "de",
    "de-at",
    "de-at-x-vienna",
    "fr-fr",
    "fr-ca",
    "pt",
    "pt-br",
    "pt-pt",
    "es-419",
    "es-mx",
    "es",
    "zh-tw",
    "zh-hk",
    "zh-cn",
    "zh-sg",
    "zh-mo",
    "zh-my",
    "zh-hant",
    "zh-hant-tw",
    "zh",
    "sr-latn",
    "sr",
    "nb",
    "no",
    "xx",
    "xx-yy",
    "ar-eg",
    "he",
    "iw",
    "de-" + "a" * 498,
    "de-" + "a" * 600,
]


@pytest.mark.parametrize("strict", [False, True])
@pytest.mark.parametrize("code", CODES)
def test_supported_variant_as_django(code: str, strict: bool, django_trans) -> None:
    from django.conf import global_settings

    supported = [c for c, _ in global_settings.LANGUAGES]
    try:
        expected: str | type[LookupError] = django_trans.get_supported_language_variant(
            code, strict=strict
        )
    except LookupError:
        expected = LookupError
    try:
        got: str | type[LookupError] = i18nkit.get_supported_language_variant(
            code, supported, strict=strict
        )
    except LookupError:
        got = LookupError
    if isinstance(expected, str):
        # Django echoes the caller's spelling; we answer as the site spells it.
        expected = expected.lower()
    assert got == expected


def test_supported_variant_on_a_small_site() -> None:
    site = ["en", "de", "pt-BR", "zh-hant"]
    assert i18nkit.get_supported_language_variant("pt", site) == "pt-BR"
    assert i18nkit.get_supported_language_variant("pt-br", site) == "pt-BR"
    with pytest.raises(LookupError):
        i18nkit.get_supported_language_variant("pt", site, strict=True)
    assert i18nkit.get_supported_language_variant("zh-tw", site) == "zh-hant"
    assert i18nkit.get_supported_language_variant("de-ch", site) == "de"
    with pytest.raises(LookupError):
        i18nkit.get_supported_language_variant("", site)
    with pytest.raises(LookupError):
        i18nkit.get_supported_language_variant(None, site)


def test_language_from_path() -> None:
    site = ["en", "de", "pt-br"]
    assert i18nkit.get_language_from_path("/de/polls/", site) == "de"
    assert i18nkit.get_language_from_path("/pt-br/", site) == "pt-br"
    assert i18nkit.get_language_from_path("/pt-br", site) == "pt-br"
    assert i18nkit.get_language_from_path("/pt/", site) == "pt-br"
    assert i18nkit.get_language_from_path("/pt/", site, strict=True) is None
    assert i18nkit.get_language_from_path("/polls/", site) is None
    assert i18nkit.get_language_from_path("/", site) is None
    assert i18nkit.get_language_from_path("/de;x/", site) is None

"""Validators against Django's ``django.core.validators``: the same names, and value by
value the same outcome (valid, or the same codes and messages)."""

from __future__ import annotations

import decimal
import random
from typing import Any

import pytest

from manouche import validation
from manouche.validation import validators as ours


def _outcome(validator: Any, value: Any, error: type[Exception]) -> Any:
    try:
        validator(value)
    except error as exc:
        return [(e.code, next(iter(e))) for e in exc.error_list]  # type: ignore[attr-defined]
    return "ok"


def _same(name: str, args: tuple[Any, ...], kwargs: dict[str, Any], values: list[Any]) -> None:
    from django.core import validators as dv
    from django.core.exceptions import ValidationError as DjangoError

    mine, theirs = getattr(ours, name), getattr(dv, name)
    if isinstance(mine, type):
        mine, theirs = mine(*args, **kwargs), theirs(*args, **kwargs)
    for value in values:
        expected = _outcome(theirs, value, DjangoError)
        assert _outcome(mine, value, validation.ValidationError) == expected, (name, value)


def test_every_django_validator_is_here() -> None:
    from django.core import validators as dv

    names = {
        n
        for n in vars(dv)
        if not n.startswith("_")
        and (n.endswith("Validator") or n.startswith("validate_") or n.endswith("_validator"))
    } | {"ip_address_validators", "int_list_validator", "EMPTY_VALUES", "MAX_URL_LENGTH"}
    names -= {"BaseValidator"} if not hasattr(ours, "BaseValidator") else set()
    missing = sorted(n for n in names if not hasattr(ours, n))
    assert missing == []
    assert all(n in validation.__all__ for n in names)


def test_ip_address_validators_like_django() -> None:
    from django.core import validators as dv

    for protocol, unpack in [("both", False), ("both", True), ("IPv4", False), ("ipv6", False)]:
        got = [f.__name__ for f in ours.ip_address_validators(protocol, unpack)]
        assert got == [f.__name__ for f in dv.ip_address_validators(protocol, unpack)]
    for protocol, unpack in [("IPv4", True), ("ipx", False)]:
        with pytest.raises(ValueError) as mine:
            ours.ip_address_validators(protocol, unpack)
        with pytest.raises(ValueError) as theirs:
            dv.ip_address_validators(protocol, unpack)
        assert str(mine.value) == str(theirs.value)


EMAILS = [
    "a@b.co",
    "a@b",
    "a@[1.2.3.4]",
    "a@[IPv6:::1]",
    "a@[::1]",
    "me@localhost",
    "x@y..com",
    "first.last@example.com",
    ".first@example.com",
    "first.@example.com",
    "a..b@example.com",
    '"quoted space"@example.com',
    '"a\\"b"@example.com',
    "ü@example.com",
    "a@exämple.com",
    "a@xn--exmple-cua.com",
    "a@example.c",
    "a@example.123",
    "a@-example.com",
    "a@example-.com",
    "a" * 64 + "@example.com",
    "a@" + "b" * 64 + ".com",
    "a@" + ("b" * 60 + ".") * 5 + "com",
    "",
    "@",
    "a@",
    "@b.com",
    "a@b@c.com",
    "a\n@b.com",
    "a@b.com\n",
    "email@127.0.0.1",
    "a@[300.1.1.1]",
    "test@domain.with.idn.tld.उदाहरण.परीक्षा",
    "a@b.co.",
    "K@example.com",
]
URLS = [
    "http://x.org",
    "https://a-b.example/p?q",
    "ftp://::1",
    "http://1.1.1.1:99999",
    "http://[::1]:8000/",
    "http://[::1",
    "http://localhost",
    "http://localhost:8000/x",
    "http://user:pass@example.com",
    "http://user@example.com:80/",
    "http://@example.com",
    "http://exa mple.com",
    "http://example.com/ space",
    "http://example.com\n",
    "http://-a.com",
    "http://a.b-.com",
    "http://ümlaut.example",
    "http://xn--mlaut-jva.example",
    "HTTP://EXAMPLE.COM",
    "mailto:a@b.com",
    "//example.com",
    "http://example",
    "http://example.c",
    "http://1.2.3",
    "http://256.1.1.1",
    "http://010.1.1.1",
    "http://example.com:0",
    "http://example.com:65536",
    "http://" + "a" * 64 + ".com",
    "http://" + "a." * 130 + "com",
    "http://example.com/" + "p" * 2100,
    "https://example.com#frag",
    "http://example.com?q=1",
    "http://a.b/c?d#e",
    "http://.com",
    "http://example.com./",
    "http://example.com..",
    "ftps://files.example.com/f.zip",
    "",
]
DOMAINS = [
    "example.com",
    "sub.example.co.uk",
    "localhost",
    "example",
    "-example.com",
    "ex_ample.com",
    "xn--bcher-kva.example",
    "bücher.example",
    "a" * 63 + ".com",
    "a" * 64 + ".com",
    "example.com.",
    "example..com",
    "1.2.3.4",
    "example.c0m",
    "",
    "a.b" * 90,
]
SLUGS = ["abc", "a-b_c", "a b", "ñandú", "a.b", "", "-", "_", "abc\n", "日本"]
IPS = [
    "1.2.3.4",
    "255.255.255.255",
    "256.1.1.1",
    "01.2.3.4",
    "1.2.3",
    "::1",
    "::ffff:1.2.3.4",
    "2001:db8::1",
    "2001:db8:::1",
    "fe80::1%eth0",
    "1:2:3:4:5:6:7:8",
    "1:2:3:4:5:6:7:8:9",
    "",
    "0000:0000:0000:0000:0000:0000:0000:0001",
    "1.2.3.4 ",
    " 1.2.3.4",
    "::",
    "12345::",
]
INT_LISTS = ["1,2,3", "1", "", "1,", ",1", "1,,2", "-1,2", "1, 2", "a,b", "1;2"]
INTEGERS = ["1", "-1", "+1", "01", "1.0", "", " 1", "١٢", "1\n"]


@pytest.mark.parametrize(
    ("name", "args", "kwargs", "values"),
    [
        ("EmailValidator", (), {}, EMAILS),
        ("EmailValidator", (), {"allowlist": ["intranet"]}, ["a@intranet", "a@localhost"]),
        ("EmailValidator", (), {"message": "Bad.", "code": "bad_email"}, ["x", "a@b.co"]),
        ("URLValidator", (), {}, URLS),
        ("URLValidator", (), {"schemes": ["git", "https"]}, ["git://x.org/r", "http://x.org"]),
        ("DomainNameValidator", (), {}, DOMAINS),
        ("DomainNameValidator", (), {"accept_idna": False}, DOMAINS),
        ("validate_domain_name", (), {}, DOMAINS),
        ("validate_email", (), {}, EMAILS),
        ("validate_slug", (), {}, SLUGS),
        ("validate_unicode_slug", (), {}, SLUGS),
        ("validate_ipv4_address", (), {}, IPS),
        ("validate_ipv6_address", (), {}, IPS),
        ("validate_ipv46_address", (), {}, IPS),
        ("validate_comma_separated_integer_list", (), {}, INT_LISTS),
        ("validate_integer", (), {}, INTEGERS),
        ("integer_validator", (), {}, INTEGERS),
        ("ProhibitNullCharactersValidator", (), {}, ["ok", "a\x00b", 12]),
        ("MinValueValidator", (5,), {}, [4, 5, 6, decimal.Decimal("4.9")]),
        ("MaxValueValidator", (5,), {}, [4, 5, 6]),
        ("MinLengthValidator", (2,), {}, ["a", "ab", ""]),
        ("MinLengthValidator", (1,), {}, [""]),
        ("MaxLengthValidator", (3,), {}, ["abcd", "abc"]),
        ("MaxLengthValidator", (1,), {}, ["ab"]),
        ("StepValueValidator", (0.5,), {}, [1.5, 1.25, -0.5]),
        ("StepValueValidator", (3,), {"offset": 1}, [4, 5, 7]),
        (
            "DecimalValidator",
            (5, 2),
            {},
            [decimal.Decimal(x) for x in ("1.23", "1234.5", "0.001", "NaN", "1E+5", "0E-7")],
        ),
        ("RegexValidator", (r"^\d+$",), {}, ["123", "12a", 5]),
        ("RegexValidator", (r"bad",), {"inverse_match": True, "code": "no_bad"}, ["good", "bad"]),
    ],
)
def test_validator_like_django(
    name: str, args: tuple[Any, ...], kwargs: dict[str, Any], values: list[Any]
) -> None:
    _same(name, args, kwargs, values)


def _mutations(seeds: list[str], alphabet: str, count: int, seed: int) -> list[str]:
    """Random edits (insert, delete, replace) of the seed values."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        text = list(rng.choice(seeds))
        for _ in range(rng.randint(1, 3)):
            where = rng.randint(0, len(text))
            action = rng.random()
            if action < 0.4:
                text.insert(where, rng.choice(alphabet))
            elif action < 0.7 and text:
                del text[min(where, len(text) - 1)]
            elif text:
                text[min(where, len(text) - 1)] = rng.choice(alphabet)
        out.append("".join(text))
    return out


@pytest.mark.parametrize(
    ("name", "seeds", "alphabet"),
    [
        ("validate_email", EMAILS[:20], 'a.@-_[]:"\\ 1é'),
        ("URLValidator", URLS[:30], "a.:/@[]?#-% 1ü"),
        ("DomainNameValidator", DOMAINS, "a.-_1ü"),
        ("validate_ipv46_address", IPS, "0123456789abcdef:.%"),
        ("validate_comma_separated_integer_list", INT_LISTS, "0123456789,-"),
    ],
)
def test_random_values_like_django(name: str, seeds: list[str], alphabet: str) -> None:
    _same(name, (), {}, _mutations(seeds, alphabet, 1500, seed=len(name)))


def test_file_extension_like_django() -> None:
    from django.core import validators as dv
    from django.core.exceptions import ValidationError as DjangoError
    from django.core.files.base import ContentFile

    for allowed in (["txt", "PDF"], [], None):
        mine, theirs = ours.FileExtensionValidator(allowed), dv.FileExtensionValidator(allowed)
        for name in ("a.txt", "a.pdf", "a.TXT", "a", "a.tar.gz", ".txt", "a."):
            value = ContentFile(b"x", name=name)
            expected = _outcome(theirs, value, DjangoError)
            got = _outcome(mine, value, validation.ValidationError)
            assert got == expected, (allowed, name)


def test_validators_compare_equal_when_configured_alike() -> None:
    assert ours.EmailValidator() == ours.EmailValidator()
    assert ours.EmailValidator(allowlist=["a"]) != ours.EmailValidator()
    assert ours.MaxValueValidator(3) == ours.MaxValueValidator(3)
    assert ours.MaxValueValidator(3) != ours.MaxValueValidator(4)
    assert ours.RegexValidator("a") == ours.RegexValidator("a")
    assert ours.RegexValidator("a") != ours.RegexValidator("a", inverse_match=True)


def test_messages_go_through_the_translation_hook() -> None:
    table = {"Enter a valid email address.": "Saisissez une adresse e-mail valide."}
    validation.set_translation(lambda m: table.get(m, m))
    try:
        with pytest.raises(validation.ValidationError) as info:
            ours.validate_email("nope")
        assert info.value.messages == ["Saisissez une adresse e-mail valide."]
    finally:
        validation.set_translation()
    with pytest.raises(validation.ValidationError) as info:
        ours.validate_email("nope")
    assert info.value.messages == ["Enter a valid email address."]

"""Validators against Django's, value by value: same pass/fail, code and message."""

from __future__ import annotations

import datetime
import decimal
import re
from typing import Any

import pytest

from manouche import formkit
from manouche.formkit import validators as fv


def _outcome(validator: Any, value: Any, error: type[Exception]) -> Any:
    try:
        validator(value)
    except error as exc:
        return [(e.code, next(iter(e))) for e in exc.error_list]  # type: ignore[attr-defined]
    return "ok"


CASES: list[tuple[str, tuple[Any, ...], dict[str, Any], list[Any]]] = [
    ("MinValueValidator", (5,), {}, [4, 5, 6, decimal.Decimal("4.9")]),
    ("MaxValueValidator", (5,), {}, [4, 5, 6]),
    ("MaxValueValidator", (datetime.date(2020, 1, 1),), {}, [datetime.date(2021, 1, 1)]),
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
    ("DecimalValidator", (None, 0), {}, [decimal.Decimal("10"), decimal.Decimal("1.5")]),
    ("RegexValidator", (r"^\d+$",), {}, ["123", "12a", 5]),
    ("RegexValidator", (r"bad",), {"inverse_match": True, "code": "no_bad"}, ["good", "so bad"]),
    (
        "RegexValidator",
        (r"^A",),
        {"flags": re.IGNORECASE, "message": "Starts with A."},
        ["abc", "xbc"],
    ),
    ("EmailValidator", (), {}, ["a@b.co", "a@b", "a@[1.2.3.4]", "me@localhost", "x@y..com"]),
    ("EmailValidator", (), {"allowlist": ["intranet"]}, ["a@intranet", "a@localhost"]),
    (
        "URLValidator",
        (),
        {},
        ["http://x.org", "https://a-b.example/p?q", "ftp://::1", "http://1.1.1.1:99999"],
    ),
    (
        "URLValidator",
        (),
        {"schemes": ["git", "https"]},
        ["git://example.com/repo", "http://example.com"],
    ),
    (
        "DomainNameValidator",
        (),
        {},
        ["example.com", "例え.テスト", "bad_domain.com", "a" * 64 + ".com", "x.y."],
    ),
    ("DomainNameValidator", (), {"accept_idna": False}, ["例え.テスト", "example.com"]),
    ("ProhibitNullCharactersValidator", (), {}, ["a\x00", "ok"]),
    ("FileExtensionValidator", (["txt", "PDF"],), {}, ["a.txt", "a.pdf", "a.exe", "noext"]),
]


@pytest.mark.parametrize(
    ("name", "args", "kwargs", "values"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_validator_like_django(
    dj: Any, name: str, args: tuple[Any, ...], kwargs: dict[str, Any], values: list[Any]
) -> None:
    from django.core import validators as dv
    from django.core.exceptions import ValidationError as DjangoError
    from django.core.files.uploadedfile import SimpleUploadedFile

    theirs = getattr(dv, name)(*args, **kwargs)
    ours = getattr(fv, name)(*args, **kwargs)
    for value in values:
        their_value = value
        if name == "FileExtensionValidator":
            their_value = SimpleUploadedFile(value, b"x")
            value = formkit.UploadedFile(None, value)
        expected = _outcome(theirs, their_value, DjangoError)
        got = _outcome(ours, value, formkit.ValidationError)
        if name == "FileExtensionValidator" and expected != "ok":
            expected = [(code, message.replace(str(their_value), "")) for code, message in expected]
            got = [(code, message.replace(str(value), "")) for code, message in got]
        assert got == expected, f"{name}{args}({value!r})"


@pytest.mark.parametrize(
    "func",
    [
        "validate_email",
        "validate_slug",
        "validate_unicode_slug",
        "validate_ipv4_address",
        "validate_ipv6_address",
        "validate_ipv46_address",
        "validate_integer",
    ],
)
def test_function_validators_like_django(dj: Any, func: str) -> None:
    from django.core import validators as dv
    from django.core.exceptions import ValidationError as DjangoError

    values = ["a@b.com", "slug-ok", "ünï", "1.2.3.4", "::1", "fe80::1%eth0", "-12", "12a", ""]
    for value in values:
        assert _outcome(getattr(fv, func), value, formkit.ValidationError) == _outcome(
            getattr(dv, func), value, DjangoError
        ), (func, value)


def test_validators_compare_equal_when_configured_alike() -> None:
    assert fv.MaxValueValidator(3) == fv.MaxValueValidator(3)
    assert fv.MaxValueValidator(3) != fv.MaxValueValidator(4)
    assert fv.RegexValidator("a") == fv.RegexValidator("a")
    assert fv.EmailValidator() == fv.validate_email
    with pytest.raises(TypeError):
        fv.RegexValidator(re.compile("a"), flags=re.I)


SPLIT = [
    ["2024-01-02", "10:30"],
    ["2024-01-02", ""],
    ["", "10:30"],
    ["bad", "10:30"],
    ["2024-01-02", "25:00"],
    ["", ""],
    [],
    "2024-01-02 10:30",
]


@pytest.mark.parametrize("required", [True, False])
def test_split_datetime_field_like_django(dj: Any, required: bool) -> None:
    from django.core.exceptions import ValidationError as DjangoError

    theirs = dj.SplitDateTimeField(required=required)
    ours = formkit.SplitDateTimeField(required=required)
    for value in SPLIT:
        assert _outcome(ours.clean, value, formkit.ValidationError) == _outcome(
            theirs.clean, value, DjangoError
        ), value
        try:
            expected = theirs.clean(value)
        except DjangoError:
            continue
        assert ours.clean(value) == expected


def test_split_datetime_in_a_form_like_django(dj: Any) -> None:
    from manouche.testsupport import assert_html_equal

    class Ours(formkit.Form):
        when = formkit.SplitDateTimeField()

    class Theirs(dj.Form):
        when = dj.SplitDateTimeField()

    initial = {"when": datetime.datetime(2024, 5, 6, 7, 8, 9, 123)}
    assert_html_equal(Ours(initial=initial).as_div(), Theirs(initial=initial).as_div())
    data = {"when_0": "2024-05-06", "when_1": "bad"}
    ours, theirs = Ours(data), Theirs(data)
    assert ours.errors.get_json_data() == theirs.errors.get_json_data()
    assert_html_equal(ours.as_div(), theirs.as_div())

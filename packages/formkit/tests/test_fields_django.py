"""Differential tests: the same raw input into Django's field and ours.

Each case builds the field of the same name, with the same arguments, from
Django and from formkit, cleans every input with both, and requires the same
cleaned value (type and value) or the same error codes and messages.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

import pytest

from manouche import formkit

CASES: list[tuple[str, dict[str, Any], list[Any]]] = [
    ("CharField", {}, ["hi", "  hi  ", "", None, "a\x00b", 5, " "]),
    ("CharField", {"required": False}, ["", None, "  x "]),
    ("CharField", {"strip": False, "min_length": 3}, ["  x ", "ab", "abcd"]),
    ("CharField", {"max_length": 3, "min_length": 2}, ["a", "abcd", "abc", "é" * 3]),
    ("CharField", {"required": False, "empty_value": None}, ["", "  ", "x"]),
    (
        "IntegerField",
        {},
        ["1", " 42 ", "1.0", "1.000  ", "1.5", "-7", "1e3", "abc", "", "1_000", "٣", "0x10", 3],
    ),
    ("IntegerField", {"min_value": 1, "max_value": 10}, ["0", "1", "10", "11", "5.0"]),
    ("IntegerField", {"step_size": 3}, ["3", "4", "9", "-3"]),
    ("IntegerField", {"step_size": 3, "min_value": 1}, ["1", "4", "3"]),
    ("IntegerField", {"required": False}, ["", None, "7"]),
    ("FloatField", {}, ["1.5", "1", "nan", "inf", "-inf", "1e3", " 2.5 ", "x", ""]),
    ("FloatField", {"min_value": 0.5, "max_value": 2}, ["0.4", "0.5", "2.0", "2.1"]),
    (
        "DecimalField",
        {"max_digits": 5, "decimal_places": 2},
        ["1.23", "123.45", "1234.5", "1.234", "0.001", "NaN", "Infinity", "1e2", "-0.5", "abc"],
    ),
    ("DecimalField", {"max_digits": 4}, ["12345", "1234", "0.0001", "100E2"]),
    ("DecimalField", {"decimal_places": 1, "min_value": 1}, ["0.5", "1.0", "1.05"]),
    ("BooleanField", {}, ["on", "", None, "false", "False", "0", "1", "true", True, False]),
    ("BooleanField", {"required": False}, ["", "0", "on"]),
    ("NullBooleanField", {}, ["true", "True", "1", "false", "0", "", None, "2", "unknown"]),
    (
        "DateField",
        {},
        [
            "2024-02-29",
            "2023-02-29",
            "2024-2-3",
            "02/29/2024",
            "2/3/24",
            "Oct 25 2006",
            "Oct 25, 2006",
            "25 October 2006",
            "October 25, 2006",
            "2024-13-01",
            "2024-00-10",
            " 2024-01-05 ",
            "20240105",
            "x",
            "",
            datetime.date(2020, 1, 1),
            datetime.datetime(2020, 1, 1, 5, 6),
        ],
    ),
    ("DateField", {"input_formats": ["%d.%m.%Y"]}, ["31.12.2024", "2024-12-31", "32.12.2024"]),
    (
        "TimeField",
        {},
        ["14:30", "14:30:59", "14:30:59.000200", "24:00", "9:5", "23:59:60", "2:30 PM", "x"],
    ),
    (
        "DateTimeField",
        {},
        [
            "2006-10-25 14:30:59",
            "2006-10-25T14:30:59",
            "2006-10-25 14:30",
            "2006-10-25",
            "10/25/2006 14:30",
            "10/25/06 14:30:59.000200",
            "2006-10-25T14:30:59Z",
            "2006-10-25T14:30:59+02:00",
            "2006-10-25 14:30:59.123",
            "2006-10-25 14:30 +0100",
            "2006-02-30 10:00",
            "2006-10-25 25:00",
            "x",
            "",
        ],
    ),
    (
        "DurationField",
        {},
        [
            "30",
            "15:30",
            "10:15:30",
            "1 10:15:30",
            "1 day, 10:15:30",
            "-1 10:15:30",
            "10:15:30.5",
            "P4DT1H15M20S",
            "-P1D",
            "PT0.5S",
            "3 days 04:05:06",
            "1 day -04:05:06",
            "999999999 00:00:00",
            "1000000000 00:00:00",
            "x",
            "",
        ],
    ),
    (
        "EmailField",
        {},
        [
            "a@example.com",
            " a@example.com ",
            "a@localhost",
            "a.b+c@sub.example.co.uk",
            '"john doe"@example.com',
            '"a\\"b"@example.com',
            "a@[127.0.0.1]",
            "a@[::1]",
            "a@[300.1.1.1]",
            "a..b@example.com",
            ".a@example.com",
            "a@example",
            "a@-example.com",
            "a@example-.com",
            "a@example.c",
            "a@example.123",
            "a@xn--bcher-kva.ch",
            "a@bücher.ch",
            "a@example.com.",
            "a@@example.com",
            "@example.com",
            "a@",
            "a" * 64 + "@" + "b" * 250 + ".com",
            "a b@example.com",
            "",
        ],
    ),
    (
        "URLField",
        {},
        [
            "http://example.com",
            "example.com",
            "//example.com/x",
            "https://example.com:8080/path?q=1#frag",
            "http://user:pass@example.com/",
            "http://a?b@example.com",
            "http://localhost:8000/",
            "http://127.0.0.1/",
            "http://256.0.0.1/",
            "http://[::1]:80/",
            "http://[::zz]/",
            "http://[1:2]/",
            "ftp://example.com/file.txt",
            "mailto:a@example.com",
            "gopher://example.com",
            "http://example.com./",
            "http://example..com/",
            "http://-example.com/",
            "http://ex ample.com/",
            "http://example.com/a b",
            "http://example.com:123456/",
            "http://例子.测试/",
            "http://xn--fsqu00a.xn--0zwm56d/",
            "http://www." + "a" * 64 + ".com/",
            "http://example.com/\u2028",
            "http://example.123/",
            "http://.com/",
            "foo",
            "http://",
            "",
        ],
    ),
    ("URLField", {"assume_scheme": "http"}, ["example.com", "HTTP://example.com"]),
    ("SlugField", {}, ["a-b_c", "a b", "é", "", "-"]),
    ("SlugField", {"allow_unicode": True}, ["é-ü", "a b", "ok"]),
    ("RegexField", {"regex": r"^\d{3}$"}, ["123", "1234", " 123 ", "abc"]),
    ("RegexField", {"regex": r"\d", "strip": True}, [" 1 ", "x"]),
    (
        "UUIDField",
        {},
        [
            "12345678-1234-5678-1234-567812345678",
            "{12345678-1234-5678-1234-567812345678}",
            "123456781234567812345678123456 78",
            "12345678123456781234567812345678",
            "urn:uuid:12345678-1234-5678-1234-567812345678",
            "xyz",
            "",
        ],
    ),
    (
        "JSONField",
        {},
        ['{"a": 1}', "[1, 2]", '"text"', "1.5", "null", "true", "{bad", "", "NaN", " [] "],
    ),
    (
        "GenericIPAddressField",
        {},
        [
            "127.0.0.1",
            "::1",
            "2001:0db8:0000:0000:0000:0000:0000:0001",
            "::ffff:192.0.2.1",
            "256.1.1.1",
            "1.2.3",
            "01.2.3.4",
            "12345::",
            "1:2:3:4:5:6:7:8:9",
            " 10.0.0.1 ",
            "",
        ],
    ),
    ("GenericIPAddressField", {"protocol": "ipv4"}, ["1.2.3.4", "::1"]),
    ("GenericIPAddressField", {"protocol": "ipv6"}, ["1.2.3.4", "::1"]),
    ("GenericIPAddressField", {"unpack_ipv4": True}, ["::ffff:192.0.2.1", "::ffff:0a0a:0a0a"]),
    (
        "ChoiceField",
        {"choices": [("a", "A"), ("b", "B"), ("Group", [("c", "C"), ("d", "D")]), (1, "One")]},
        ["a", "c", "d", "1", 1, "z", "", None, "Group"],
    ),
    ("ChoiceField", {"choices": [("", "---"), ("x", "X")], "required": False}, ["", "x", "y"]),
    ("ChoiceField", {"choices": {"x": "X", "G": {"y": "Y"}}}, ["x", "y", "G"]),
    (
        "TypedChoiceField",
        {"choices": [(1, "One"), (2, "Two")], "coerce": int},
        ["1", "2", "3", "", "x"],
    ),
    (
        "TypedChoiceField",
        {"choices": [("1", "One"), ("x", "X")], "coerce": int, "required": False},
        ["1", "x", ""],
    ),
    (
        "TypedChoiceField",
        {"choices": [(1, "One")], "coerce": int, "required": False, "empty_value": None},
        ["", "1"],
    ),
    (
        "MultipleChoiceField",
        {"choices": [("a", "A"), ("b", "B"), ("G", [("c", "C")])]},
        [["a"], ["a", "b"], ["a", "z"], [], None, "a", ("c",), [1]],
    ),
    (
        "MultipleChoiceField",
        {"choices": [("a", "A")], "required": False},
        [[], None, ["a"]],
    ),
    (
        "TypedMultipleChoiceField",
        {"choices": [(1, "One"), (2, "Two"), ("x", "X")], "coerce": int},
        [["1", "2"], ["1", "x"], ["3"], []],
    ),
    (
        "TypedMultipleChoiceField",
        {"choices": [(1, "One")], "coerce": int, "required": False},
        [[], ["1"]],
    ),
]


def _result(field: Any, value: Any, error_class: type[Exception]) -> tuple[str, Any]:
    try:
        cleaned = field.clean(value)
    except error_class as exc:
        return "error", [(e.code, next(iter(e))) for e in exc.error_list]  # type: ignore[attr-defined]
    return "ok", cleaned


def _same(ours: Any, theirs: Any) -> bool:
    if type(ours).__name__ != type(theirs).__name__:
        return False
    if isinstance(ours, (list, tuple)):
        return len(ours) == len(theirs) and all(map(_same, ours, theirs))
    if isinstance(ours, float) and ours != ours:
        return theirs != theirs
    return bool(ours == theirs and str(ours) == str(theirs))


@pytest.mark.parametrize(
    ("name", "kwargs", "inputs"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_field_cleans_like_django(dj: Any, name: str, kwargs: dict[str, Any], inputs: list[Any]):
    from django.core.exceptions import ValidationError as DjangoError

    theirs = getattr(dj, name)(**kwargs)
    ours = getattr(formkit, name)(**kwargs)
    for value in inputs:
        expected = _result(theirs, value, DjangoError)
        got = _result(ours, value, formkit.ValidationError)
        assert got[0] == expected[0], f"{name}({kwargs}).clean({value!r}): {got} != {expected}"
        if got[0] == "ok":
            assert _same(got[1], expected[1]), f"{name}.clean({value!r}): {got} != {expected}"
        else:
            assert got[1] == expected[1], f"{name}.clean({value!r}): {got} != {expected}"


def test_error_messages_override_validator_codes(dj: Any) -> None:
    messages = {"max_length": "Too long!", "required": "Need it"}
    from django.core.exceptions import ValidationError as DjangoError

    for value in ["abcdef", ""]:
        theirs = _result(dj.CharField(max_length=3, error_messages=messages), value, DjangoError)
        ours = _result(
            formkit.CharField(max_length=3, error_messages=messages), value, formkit.ValidationError
        )
        assert ours == theirs


def test_custom_validators_run_after_to_python(dj: Any) -> None:
    from django.core import validators as dv
    from django.core.exceptions import ValidationError as DjangoError

    from manouche.formkit import validators as fv

    for value in ["12", "100", "abc"]:
        theirs = _result(
            dj.IntegerField(validators=[dv.MaxValueValidator(50), dv.MinValueValidator(20)]),
            value,
            DjangoError,
        )
        ours = _result(
            formkit.IntegerField(validators=[fv.MaxValueValidator(50), fv.MinValueValidator(20)]),
            value,
            formkit.ValidationError,
        )
        assert ours == theirs


def test_decimal_and_uuid_values_are_the_same_objects(dj: Any) -> None:
    assert formkit.DecimalField().clean("1.50") == decimal.Decimal("1.50")
    assert str(formkit.DecimalField().clean("1.50")) == "1.50"
    value = formkit.UUIDField().clean("12345678123456781234567812345678")
    assert value == uuid.UUID("12345678-1234-5678-1234-567812345678")


@pytest.mark.parametrize(
    ("name", "kwargs", "pairs"),
    [
        ("CharField", {}, [("a", "a"), ("a", "b"), (None, ""), ("", None)]),
        ("IntegerField", {}, [(1, "1"), (1, "2"), (None, ""), (1, "x")]),
        ("BooleanField", {}, [(False, ""), (True, "on"), ("False", "")]),
        (
            "MultipleChoiceField",
            {"choices": [("a", "a"), ("b", "b")]},
            [(["a"], ["a"]), (["a"], ["a", "b"]), (None, [])],
        ),
        ("JSONField", {}, [({"a": 1}, '{"a": 1}'), ({"a": 1}, '{"a": 2}')]),
        ("DateField", {}, [(datetime.date(2020, 1, 1), "2020-01-01"), (None, "2020-01-01")]),
    ],
)
def test_has_changed_like_django(dj: Any, name: str, kwargs: dict[str, Any], pairs: list[Any]):
    theirs = getattr(dj, name)(**kwargs)
    ours = getattr(formkit, name)(**kwargs)
    for initial, data in pairs:
        assert ours.has_changed(initial, data) == theirs.has_changed(initial, data), (initial, data)

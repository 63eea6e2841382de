"""The same serializers validate the same inputs with the same outcome as DRF.

Each case declares one serializer by field class name and arguments, built
once with restkit and once with Django REST framework, and feeds both the
same payloads: validity, validated data and errors (messages and codes) must
be equal.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

import pytest

from manouche.restkit import serializers as ours
from manouche.testsupport import plain_errors

S = "S"  # marks a nested serializer in a spec

CASES: list[tuple[str, dict[str, tuple[str, dict[str, Any]]], list[Any]]] = [
    (
        "char",
        {"name": ("CharField", {"max_length": 5, "min_length": 2})},
        [
            {"name": "abc"},
            {"name": " abc "},
            {"name": "abcdef"},
            {"name": "a"},
            {"name": ""},
            {"name": "   "},
            {"name": None},
            {},
            {"name": 12},
            {"name": 1.5},
            {"name": True},
            {"name": ["a"]},
            {"name": {"a": 1}},
            {"name": "a\x00b"},
            {"name": "ab\ud800"},
        ],
    ),
    (
        "char options",
        {
            "a": ("CharField", {"allow_blank": True, "trim_whitespace": False}),
            "b": ("CharField", {"allow_null": True, "required": False}),
            "c": ("CharField", {"default": "x"}),
        },
        [{"a": "  "}, {"a": "", "b": None}, {"a": " z ", "b": "q", "c": "y"}, {"b": ""}, {}],
    ),
    (
        "integer",
        {"n": ("IntegerField", {"min_value": -3, "max_value": 10})},
        [
            {"n": 3},
            {"n": "4"},
            {"n": "5.0"},
            {"n": 5.0},
            {"n": 5.5},
            {"n": "x"},
            {"n": 11},
            {"n": -4},
            {"n": True},
            {"n": None},
            {"n": "9" * 1001},
            {"n": [1]},
            {"n": " 7 "},
            {"n": ""},
        ],
    ),
    (
        "float",
        {"x": ("FloatField", {"max_value": 1e6})},
        [
            {"x": 1},
            {"x": "2.5"},
            {"x": "nan"},
            {"x": "inf"},
            {"x": "abc"},
            {"x": 1e7},
            {"x": 10**400},
            {"x": None},
            {"x": []},
        ],
    ),
    (
        "decimal",
        {"d": ("DecimalField", {"max_digits": 5, "decimal_places": 2})},
        [
            {"d": "1.23"},
            {"d": 1.5},
            {"d": "123.456"},
            {"d": "1234.5"},
            {"d": "99999"},
            {"d": "abc"},
            {"d": "NaN"},
            {"d": "Infinity"},
            {"d": "0.001"},
            {"d": 12},
            {"d": ""},
        ],
    ),
    (
        "boolean",
        {"b": ("BooleanField", {}), "c": ("BooleanField", {"allow_null": True, "required": False})},
        [
            {"b": True},
            {"b": "true"},
            {"b": "0"},
            {"b": 1},
            {"b": 2},
            {"b": "maybe"},
            {"b": None},
            {"b": [1]},
            {"b": "on", "c": "null"},
            {"b": "off", "c": ""},
            {},
        ],
    ),
    (
        "email url slug",
        {
            "e": ("EmailField", {"required": False}),
            "u": ("URLField", {"required": False}),
            "s": ("SlugField", {"required": False}),
        },
        [
            {"e": "a@example.com"},
            {"e": "not-an-email"},
            {"e": "a@b"},
            {"e": "a@localhost"},
            {"e": "first.last@sub.example.org"},
            {"e": "a b@example.com"},
            # Edges where a home-grown pattern and Django's validators part ways:
            # restkit checks with manouche-validation's, the same as Django's.
            {"e": "ann@example..com"},
            {"e": "a@[127.0.0.1]"},
            {"e": "a@[IPv6:::1]"},
            {"e": "a@[300.1.1.1]"},
            {"e": "ann@bücher.example"},
            {"e": "a@-example.com"},
            {"e": '"quoted name"@example.com'},
            {"e": "a@" + "x" * 250 + ".com"},
            {"u": "http://[::1]:80/"},
            {"u": "http://[::zz]/"},
            {"u": "http://a.b-.com/"},
            {"u": "http://1.1.1.256/"},
            {"u": "http://example.com:99999/"},
            {"u": "https://user:pass@example.com/"},
            {"u": "HTTP://EXAMPLE.COM"},
            {"u": "http://例え.テスト/"},
            {"u": "http://example.com/" + "a" * 2048},
            {"u": "https://example.com/a?b=c"},
            {"u": "example.com"},
            {"u": "ftp://x.org"},
            {"u": "javascript:alert(1)"},
            {"u": "http://localhost:8000/"},
            {"u": "http://192.168.0.1/"},
            {"s": "a-b_c9"},
            {"s": "a b"},
            {"s": "é"},
        ],
    ),
    (
        "uuid",
        {"id": ("UUIDField", {})},
        [
            {"id": "12345678-1234-5678-1234-567812345678"},
            {"id": "12345678123456781234567812345678"},
            {"id": "nope"},
            {"id": 5},
            {"id": None},
            {"id": []},
        ],
    ),
    (
        "dates",
        {
            "d": ("DateField", {"required": False}),
            "t": ("TimeField", {"required": False}),
            "dt": ("DateTimeField", {"required": False}),
        },
        [
            {"d": "2024-02-29"},
            {"d": "2023-02-29"},
            {"d": "24-1-1"},
            {"d": "2024-1-5"},
            {"d": 5},
            {"t": "10:30"},
            {"t": "25:00"},
            {"t": "10:30:15.5"},
            {"t": []},
            {"dt": "2024-05-01T10:00:00"},
            {"dt": "2024-05-01 10:00"},
            {"dt": "yesterday"},
            # Django's dateparse (manouche-validation's): commas, long fractions, short
            # parts. (Aware input stays aware here, unlike DRF without USE_TZ: README.)
            {"t": "10:30:15,25"},
            {"t": "10:30:15.1234567"},
            {"t": "7:5"},
            {"d": "2024-W01-1"},
            {"d": "20240105"},
            {"dt": "2024-05-01T24:00:00"},
            {"dt": "2024-05-01T10:00:00,5"},
            {"dt": "2024-05-01 7:5"},
            {"dt": "2024-05-01"},
            {"dt": 3},
        ],
    ),
    (
        "choices",
        {
            "c": ("ChoiceField", {"choices": [("a", "A"), ("b", "B"), (1, "One")]}),
            "m": ("MultipleChoiceField", {"choices": ["x", "y"], "required": False}),
        },
        [
            {"c": "a"},
            {"c": "z"},
            {"c": 1},
            {"c": "1"},
            {"c": ""},
            {"c": None},
            {"c": "b", "m": ["x"]},
            {"c": "b", "m": "x"},
            {"c": "b", "m": ["x", "q"]},
        ],
    ),
    (
        "list and dict",
        {
            "l": ("ListField", {"child": ("IntegerField", {}), "min_length": 1, "max_length": 3}),
            "d": ("DictField", {"child": ("CharField", {}), "required": False}),
        },
        [
            {"l": [1, 2]},
            {"l": []},
            {"l": [1, 2, 3, 4]},
            {"l": [1, "x", None]},
            {"l": "12"},
            {"l": {"a": 1}},
            {"l": 5},
            {"l": [1], "d": {"a": "b"}},
            {"l": [1], "d": {"a": ""}},
            {"l": [1], "d": []},
        ],
    ),
    (
        "read and write only",
        {
            "ro": ("CharField", {"read_only": True}),
            "wo": ("CharField", {"write_only": True}),
            "src": ("CharField", {"source": "other.name", "required": False}),
        },
        [{"ro": "x", "wo": "y"}, {}, {"wo": "y", "src": "z"}],
    ),
    (
        "json and hidden",
        {"j": ("JSONField", {}), "h": ("HiddenField", {"default": 7})},
        [{"j": {"a": [1, 2]}}, {"j": None}, {"j": "text"}, {"j": [1], "h": 9}, {}],
    ),
    (
        "nested",
        {
            "title": ("CharField", {}),
            "author": (S, {"name": ("CharField", {"max_length": 3})}),
        },
        [
            {"title": "t", "author": {"name": "ann"}},
            {"title": "t", "author": {"name": "anne"}},
            {"title": "t", "author": "ann"},
            {"title": "t", "author": None},
            {"title": "t"},
            {"title": "", "author": {}},
        ],
    ),
]

TOP_LEVEL = [None, [], "text", 5, [{"a": 1}], {"unknown": 1}]


def build(module: Any, spec: dict[str, tuple[str, dict[str, Any]]], base: Any) -> Any:
    attrs: dict[str, Any] = {}
    for name, (cls, kwargs) in spec.items():
        attrs[name] = build_field(module, cls, kwargs, base)
    return type("Generated", (base,), attrs)


def build_field(module: Any, cls: Any, kwargs: Any, base: Any) -> Any:
    if cls == S:
        return build(module, kwargs, base)()
    kwargs = dict(kwargs)
    if "child" in kwargs:
        kwargs["child"] = build_field(module, *kwargs["child"], base)
    return getattr(module, cls)(**kwargs)


def normalize(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: normalize(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [normalize(item) for item in value]
    if isinstance(value, set):
        return sorted(normalize(item) for item in value)
    if isinstance(value, (decimal.Decimal, uuid.UUID, datetime.date, datetime.time)):
        return (type(value).__name__, str(value))
    return value


def outcome(serializer_class: Any, data: Any, **kwargs: Any) -> Any:
    serializer = serializer_class(data=data, **kwargs)
    if serializer.is_valid():
        return ("valid", normalize(serializer.validated_data))
    return ("invalid", plain_errors(serializer.errors))


@pytest.mark.parametrize(("label", "spec", "payloads"), CASES, ids=[c[0] for c in CASES])
def test_same_outcome_as_drf(drf: Any, label: str, spec: Any, payloads: list[Any]) -> None:
    mine = build(ours, spec, ours.Serializer)
    theirs = build(drf, spec, drf.Serializer)
    for data in [*payloads, *TOP_LEVEL]:
        assert outcome(mine, data) == outcome(theirs, data), data


@pytest.mark.parametrize(("label", "spec", "payloads"), CASES, ids=[c[0] for c in CASES])
def test_same_outcome_as_drf_partial(drf: Any, label: str, spec: Any, payloads: list[Any]) -> None:
    mine = build(ours, spec, ours.Serializer)
    theirs = build(drf, spec, drf.Serializer)
    for data in payloads:
        assert outcome(mine, data, partial=True) == outcome(theirs, data, partial=True), data


@pytest.mark.parametrize(("label", "spec", "payloads"), CASES[:4], ids=[c[0] for c in CASES[:4]])
def test_same_outcome_as_drf_many(drf: Any, label: str, spec: Any, payloads: list[Any]) -> None:
    mine = build(ours, spec, ours.Serializer)
    theirs = build(drf, spec, drf.Serializer)
    for data in [payloads, payloads[:1], [], {"a": 1}, "x", None]:
        assert outcome(mine, data, many=True) == outcome(theirs, data, many=True), data
    for kwargs in ({"allow_empty": False}, {"max_length": 1}, {"min_length": 2}):
        assert outcome(mine, [], many=True, **kwargs) == outcome(theirs, [], many=True, **kwargs), (
            kwargs
        )


def test_validate_methods_same_as_drf(drf: Any) -> None:
    def make(module: Any) -> Any:
        class Booking(module.Serializer):
            start = module.IntegerField()
            end = module.IntegerField()
            room = module.CharField()

            def validate_room(self, value: str) -> str:
                if value.lower() == "attic":
                    raise module.ValidationError("The attic is closed.")
                return value.upper()

            def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
                if attrs["start"] >= attrs["end"]:
                    raise module.ValidationError({"end": "End must be after start."})
                if attrs["end"] - attrs["start"] > 10:
                    raise module.ValidationError("Too long.")
                return attrs

        return Booking

    mine, theirs = make(ours), make(drf)
    for data in (
        {"start": 1, "end": 2, "room": "hall"},
        {"start": 1, "end": 2, "room": "Attic"},
        {"start": 3, "end": 2, "room": "hall"},
        {"start": 1, "end": 20, "room": "hall"},
        {"start": "x", "end": 2, "room": "attic"},
    ):
        assert outcome(mine, data) == outcome(theirs, data), data


def test_representation_same_as_drf(drf: Any) -> None:
    class Thing:
        def __init__(self) -> None:
            self.name = "widget"
            self.count = 3
            self.price = decimal.Decimal("2.5")
            self.when = datetime.datetime(2024, 5, 1, 10, 0)
            self.day = datetime.date(2024, 5, 1)
            self.owner = type("Owner", (), {"email": "o@example.com", "nick": None})()
            self.tags = ["a", "b"]
            self.secret = "s"

        def label(self) -> str:
            return self.name.upper()

    def make(module: Any) -> Any:
        class ThingSerializer(module.Serializer):
            name = module.CharField()
            count = module.IntegerField()
            price = module.DecimalField(max_digits=6, decimal_places=2)
            when = module.DateTimeField()
            day = module.DateField()
            owner_email = module.EmailField(source="owner.email")
            nick = module.CharField(source="owner.nick")
            tags = module.ListField(child=module.CharField())
            label = module.CharField()
            shout = module.SerializerMethodField()
            secret = module.CharField(write_only=True)

            def get_shout(self, obj: Any) -> str:
                return (obj["name"] if isinstance(obj, dict) else obj.name) + "!"

        return ThingSerializer

    mine, theirs = make(ours), make(drf)
    thing = Thing()
    assert mine(thing).data == theirs(thing).data
    assert mine([thing, thing], many=True).data == theirs([thing, thing], many=True).data
    as_dict = {"name": "n", "count": "4", "price": 1, "when": None, "day": None,
               "owner": {"email": "e@x.org", "nick": "k"}, "tags": [], "label": "L"}  # fmt: skip
    assert mine(as_dict).data == theirs(as_dict).data

"""Random inputs (fixed seed) into Django's fields and ours: the outcomes must agree."""

from __future__ import annotations

import random
from typing import Any

import pytest
from test_fields_django import _result, _same

from manouche import formkit

ALPHABET = (
    "aZ09.-_:/@?#[]% +,eE\t\n\x00\"'\\{}TtPDHMSx"
    "\u00e9\u4e2d\u00a0\u2028\u3000\u017f\u212a\u0661\U0001f600\u0130"
)
SEEDS = {
    "EmailField": ["a@b.co", "x.y@ex-ample.org", '"q"@d.io', "a@[::1]"],
    "URLField": ["http://a.bc/", "https://x.y.z:80/p?q#f", "ftp://u:p@h.io", "//w.org"],
    "IntegerField": ["12", "-3", "4.00", " 5 "],
    "DecimalField": ["1.5", "-0.25", "1e3", "3."],
    "FloatField": ["1.5", "-2e-3", "inf"],
    "DateField": ["2024-01-31", "1/2/24", "Mar 3 2020"],
    "DateTimeField": ["2024-01-31 10:00", "2024-01-31T10:00:00+01:00", "1/2/24 3:04"],
    "TimeField": ["10:00", "23:59:59.5", "1:2"],
    "DurationField": ["1 02:03:04", "P1DT2H", "-1:00", "3 days 10:00:00"],
    "UUIDField": ["12345678-1234-5678-1234-567812345678"],
    "GenericIPAddressField": ["1.2.3.4", "::1", "2001:db8::1", "::ffff:1.2.3.4"],
    "SlugField": ["a-b", "a_b9"],
    "JSONField": ['{"a": [1, 2]}', "[]", '"x"', "1"],
}


def _mutate(rng: random.Random, text: str) -> str:
    chars = list(text)
    for _ in range(rng.randint(1, 3)):
        op = rng.randint(0, 2)
        pos = rng.randint(0, len(chars))
        if op == 0:
            chars.insert(pos, rng.choice(ALPHABET))
        elif op == 1 and chars:
            del chars[min(pos, len(chars) - 1)]
        elif chars:
            chars[min(pos, len(chars) - 1)] = rng.choice(ALPHABET)
    return "".join(chars)


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_mutated_inputs_agree_with_django(dj: Any, name: str) -> None:
    from django.core.exceptions import ValidationError as DjangoError

    rng = random.Random(name)
    theirs, ours = getattr(dj, name)(), getattr(formkit, name)()
    inputs = list(SEEDS[name])
    for _ in range(600):
        inputs.append(_mutate(rng, rng.choice(SEEDS[name])))
    mismatches = []
    for value in inputs:
        expected = _result(theirs, value, DjangoError)
        got = _result(ours, value, formkit.ValidationError)
        same = got[0] == expected[0] and (
            _same(got[1], expected[1]) if got[0] == "ok" else got[1] == expected[1]
        )
        if not same:
            mismatches.append((value, got, expected))
    assert not mismatches, mismatches[:5]


OBJECTS: list[Any] = [
    0,
    1,
    -1,
    1.5,
    1e20,
    float("nan"),
    True,
    False,
    None,
    [],
    ["a"],
    ["1", "2"],
    {},
    {"a": 1},
    (),
    ("a",),
    b"bytes",
    b"",
    "  ",
    "a",
    "1",
    "true",
]
FIELDS: list[tuple[str, dict[str, Any]]] = [
    ("CharField", {}),
    ("IntegerField", {}),
    ("FloatField", {}),
    ("DecimalField", {"max_digits": 5, "decimal_places": 2}),
    ("BooleanField", {}),
    ("NullBooleanField", {}),
    ("DateField", {}),
    ("TimeField", {}),
    ("DateTimeField", {}),
    ("DurationField", {}),
    ("EmailField", {}),
    ("URLField", {}),
    ("SlugField", {}),
    ("UUIDField", {}),
    ("JSONField", {}),
    ("GenericIPAddressField", {}),
    ("ChoiceField", {"choices": [("1", "1"), ("a", "a"), ("True", "t")]}),
    ("TypedChoiceField", {"choices": [(1, "1")], "coerce": int}),
    ("MultipleChoiceField", {"choices": [("1", "1"), ("a", "a"), ("2", "2")]}),
    ("TypedMultipleChoiceField", {"choices": [(1, "1"), (2, "2")], "coerce": int}),
]


@pytest.mark.parametrize(("name", "kwargs"), FIELDS, ids=[f[0] for f in FIELDS])
def test_python_objects_agree_with_django_or_are_invalid(
    dj: Any, name: str, kwargs: dict[str, Any]
) -> None:
    """Same outcome as Django; where Django crashes (AttributeError...), ours says invalid."""
    import datetime
    import decimal
    import uuid

    from django.core.exceptions import ValidationError as DjangoError

    values = [
        *OBJECTS,
        decimal.Decimal("1.5"),
        datetime.date(2020, 1, 2),
        datetime.datetime(2020, 1, 2, 3, 4, 5),
        datetime.time(3, 4),
        datetime.timedelta(days=1),
        uuid.UUID(int=5),
    ]
    for value in values:
        try:
            expected = _result(getattr(dj, name)(**kwargs), value, DjangoError)
        except (AttributeError, TypeError):
            got = _result(getattr(formkit, name)(**kwargs), value, formkit.ValidationError)
            assert got[0] == "error", (name, value, got)
            continue
        got = _result(getattr(formkit, name)(**kwargs), value, formkit.ValidationError)
        assert got[0] == expected[0], (name, value, got, expected)
        if got[0] == "ok":
            assert _same(got[1], expected[1]), (name, value, got, expected)
        else:
            assert got[1] == expected[1], (name, value, got, expected)

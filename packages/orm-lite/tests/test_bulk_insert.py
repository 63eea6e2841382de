"""bulk_create's prepared INSERT values: the same as ``get_prep_value(pre_save(obj, True))``
per field, and the same rows as ``save()`` one by one, on every backend."""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

import pytest

from manouche import orm_lite as models
from manouche.orm_lite._queryset import _insert_values
from tests.conf_models import Author, Book, Everything


class Label(str):
    """A str subclass: not a passthrough type (exact types only), so it is prepared."""


def _kwargs(i: int) -> dict[str, Any]:
    # Values of the exact types a field returns unchanged, and of others it converts.
    return {
        "char": Label(f"c{i}") if i % 2 else f"c{i}",
        "text": 12 if i % 3 == 0 else "t",
        "integer": [5, True, 7.0, "8", decimal.Decimal("9")][i % 5],
        "big": None if i % 4 == 0 else 2**40 + i,
        "small": False if i % 2 else i,
        "flt": [1, 2.5, "3.25", decimal.Decimal("0.5")][i % 4],
        "dec": decimal.Decimal("1.250") if i % 2 else "2.5",
        "flag": [True, False, 1, "t"][i % 4],
        "nullable_flag": None if i % 2 else True,
        "day": datetime.date(2026, 1, 1 + i % 28),
        "moment": datetime.datetime(2026, 1, 2, 3, 4, 5),
        "span": datetime.timedelta(seconds=i),
        "uid": uuid.UUID(int=i + 1),
        "data": {"i": i},
        "ip": "10.0.0.1",
        "size": "S",
        "renamed": i,
    }


def test_insert_values_match_get_prep_value_per_field() -> None:
    objs = [Everything(**_kwargs(i)) for i in range(20)]
    fields = [f for f in Everything._meta.concrete_fields if f is not Everything._meta.pk]
    expected = [tuple(f.get_prep_value(f.pre_save(o, True)) for f in fields) for o in objs]
    got = _insert_values(objs, fields)
    assert got == expected
    for row, want in zip(got, expected, strict=True):
        assert [type(v) for v in row] == [type(v) for v in want]
    # a str subclass is not a passthrough type: it went through prep (which keeps it)
    assert type(got[1][0]) is Label


def test_insert_values_of_a_foreign_key() -> None:
    a = Author(id=3, name="A")
    objs = [Book(title="x", author=a), Book(title="y", author_id=4), Book(title="z", author_id="5")]
    fields = [f for f in Book._meta.concrete_fields if f is not Book._meta.pk]
    got = _insert_values(objs, fields)
    at = [f.attname for f in fields].index("author_id")
    assert [row[at] for row in got] == [3, 4, 5]


def test_insert_values_wrong_type_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="Field 'integer' expected a number but got 'many'"):
        _insert_values([Everything(integer="many")], [Everything._meta.get_field("integer")])


def test_a_field_redefining_prep_loses_the_passthrough() -> None:
    class Upper(models.CharField):
        def prep(self, value: Any) -> Any:
            return str(value).upper()

    class Keeps(models.CharField):
        pass

    assert models.CharField.passthrough == (str,)
    assert Upper.passthrough == () and Keeps.passthrough == (str,)

    class Shout(models.Model):
        word = Upper(max_length=10)

        class Meta:
            app_label = "bulk_insert"

    assert _insert_values([Shout(word="hey")], [Shout._meta.get_field("word")]) == [("HEY",)]


def test_bulk_create_writes_what_save_writes(backend_db: Any) -> None:
    bulk = Everything.objects.bulk_create([Everything(**_kwargs(i)) for i in range(12)])
    one_by_one = []
    for i in range(12):
        obj = Everything(**_kwargs(i))
        obj.save()
        one_by_one.append(obj)
    assert all(o.pk is not None and o._state.adding is False for o in bulk)
    assert all(o._state.db is backend_db for o in bulk)
    names = [f.attname for f in Everything._meta.concrete_fields if f.attname != "id"]
    rows = {pk: row for pk, *row in Everything.objects.order_by("pk").values_list("pk", *names)}
    assert len(rows) == 24
    for a, b in zip(bulk, one_by_one, strict=True):
        assert rows[a.pk] == rows[b.pk]

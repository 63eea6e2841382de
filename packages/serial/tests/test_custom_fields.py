"""A model field of the user's own, with Django's hooks: written by its
``value_to_string``, read back by its ``to_python``, saved through its
``get_db_prep_save``, in every format and through dump_data/load_data."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from manouche import orm_lite as models
from manouche import serial

FORMATS = ["json", "jsonl", "xml", "yaml", "python"]


class Point:
    """Stored as ``"x;y"``; ``str()`` is deliberately not the stored text."""

    def __init__(self, x: int, y: int) -> None:
        self.x, self.y = x, y

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Point) and (self.x, self.y) == (other.x, other.y)

    def __hash__(self) -> int:
        return hash((self.x, self.y))

    def __str__(self) -> str:
        raise AssertionError("str() of a Point: its field's value_to_string was not used")


class PointField(models.CharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=30, **kwargs)

    def get_db_prep_save(self, value: Any, connection: Any) -> Any:
        return f"{value.x};{value.y}" if isinstance(value, Point) else value

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return self.to_python(value)

    def to_python(self, value: Any) -> Any:
        if value is None or isinstance(value, Point):
            return value
        try:
            x, y = str(value).split(";")
            return Point(int(x), int(y))
        except ValueError:
            raise models.ValidationError(f"“{value}” is not a point") from None

    def value_to_string(self, obj: Any) -> str:
        p = self.value_from_object(obj)
        return f"{p.x};{p.y}"


class Spot(models.Model):
    name = models.CharField(max_length=20)
    where = PointField(null=True)

    class Meta:
        app_label = "customser"


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Any]:
    from manouche.orm_lite import _database

    previous = _database._default
    database = models.Database(f"sqlite:///{tmp_path / 'custom.sqlite3'}", default=False)
    database.create_all([Spot])
    database.make_default()
    yield database
    # The default goes back to what it was: later tests' models live in that database.
    _database._default = previous
    database.dispose()


def stored(db: Any) -> list[tuple[Any, ...]]:
    with db.engine.connect() as conn:
        rows = conn.exec_driver_sql('SELECT name, "where" FROM customser_spot ORDER BY id')
        return [tuple(r) for r in rows]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_custom_field_round_trips_through_each_format(db: Any, fmt: str) -> None:
    Spot.objects.create(name="a", where=Point(3, -4))
    Spot.objects.create(name="b", where=None)
    text = serial.serialize(fmt, Spot.objects.order_by("pk"))
    if fmt == "python":
        assert [o["fields"]["where"] for o in text] == ["3;-4", None]
    else:
        assert "3;-4" in text
    objs = list(serial.deserialize(fmt, text, models=[Spot]))
    assert [o.object.where for o in objs] == [Point(3, -4), None]
    Spot.objects.all().delete()
    for o in objs:
        o.save(using=db)
    assert stored(db) == [("a", "3;-4"), ("b", None)]
    assert [s.where for s in Spot.objects.order_by("pk")] == [Point(3, -4), None]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_dump_data_and_load_data_use_the_hooks(db: Any, fmt: str) -> None:
    Spot.objects.create(name="a", where=Point(1, 2))
    out = io.StringIO()
    assert serial.dump_data(db, out, models=[Spot], format=fmt) == 1
    assert "1;2" in out.getvalue()
    Spot.objects.all().delete()
    assert serial.load_data(db, [("spots", io.StringIO(out.getvalue()), fmt)], models=[Spot]) == 1
    assert stored(db) == [("a", "1;2")]
    assert Spot.objects.get().where == Point(1, 2)


def test_a_value_its_to_python_refuses_is_a_deserialization_error(db: Any) -> None:
    doc = '[{"model": "customser.spot", "pk": 1, "fields": {"name": "a", "where": "nowhere"}}]'
    with pytest.raises(serial.DeserializationError, match="is not a point"):
        list(serial.deserialize("json", doc, models=[Spot]))

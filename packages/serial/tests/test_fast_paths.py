"""The fast paths give exactly what the general ones give, and the bounds still hold.

- a JSON document in memory is parsed in one call (``parse_in_memory``) and
  its objects let go one by one, a stream is read incrementally: same objects
  and same errors from both;
- a generated per-model reader converts common values inline: when it
  succeeds its result is the general path's, when it cannot it defers;
- Django-style models are built with positional arguments when every field
  is given: the same instance as with keywords, through the same ``__init__``.
"""

from __future__ import annotations

import datetime as dt
import decimal
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from conftest import django_dump
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from manouche import serial
from manouche.serial import DeserializationError
from manouche.serial._base import _build_general, _fast_reader
from manouche.serial._json import MAX_OBJECT_SIZE, handed_over, parse_in_memory
from manouche.serial._models import ModelSpec


class Base(DeclarativeBase):
    pass


class Sample(Base):
    __tablename__ = "fp_sample"
    __table_args__ = {"info": {"app_label": "fp", "model_name": "sample"}}
    id: Mapped[int] = mapped_column(primary_key=True)
    aware: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True))
    naive: Mapped[dt.datetime | None] = mapped_column(sa.DateTime())
    amount: Mapped[decimal.Decimal | None] = mapped_column(sa.Numeric(8, 2))
    day: Mapped[dt.date | None] = mapped_column(sa.Date)
    flag: Mapped[bool | None] = mapped_column(sa.Boolean)
    n: Mapped[int | None] = mapped_column(sa.Integer)
    x: Mapped[float | None] = mapped_column(sa.Float)
    s: Mapped[str | None] = mapped_column(sa.String(20))


@pytest.fixture(scope="module")
def orm(django_env: Path) -> Iterator[Any]:
    """orm-lite models on the Django-made database (for natural-key lookups)."""
    import serial_models

    from manouche import orm_lite

    # The default database: natural keys resolve through the models' managers.
    db = orm_lite.Database(f"sqlite:///{django_env / 'django.sqlite3'}")
    yield serial_models, db
    db.dispose()


def _outcome(objs: Iterator[Any]) -> list[tuple[Any, ...]]:
    out = []
    for o in objs:
        state = {k: v for k, v in o.object.__dict__.items() if k != "_state"}
        out.append((o.spec.label, o.data, o.m2m_data, o.deferred_fields, state))
    return out


# -- whole-document JSON -----------------------------------------------------------------


@pytest.mark.parametrize("natural", [False, True])
@pytest.mark.parametrize("indent", [None, 2])
def test_in_memory_json_gives_what_the_incremental_reader_gives(
    orm: Any, indent: Any, natural: bool
) -> None:
    m, db = orm
    text = django_dump("json", indent, natural)
    assert parse_in_memory(text) is not None  # the fast path is taken for str ...
    assert parse_in_memory(text.encode()) is not None  # ... and bytes
    assert parse_in_memory(io.StringIO(text)) is None  # a stream is read incrementally

    def read(data: Any) -> list[tuple[Any, ...]]:
        return _outcome(serial.deserialize("json", data, models=m, using=db))

    streamed = read(io.StringIO(text))
    assert len(streamed) == 32
    assert read(text) == streamed
    assert read(text.encode()) == streamed


def test_in_memory_parsing_keeps_the_bounds() -> None:
    doc = json.dumps([{"model": "fp.sample", "pk": 1, "fields": {"s": "x" * 100}}])
    assert parse_in_memory(doc, max_object_size=len(doc)) is not None
    # Larger than one object may be, or than the document may be: the incremental reader.
    assert parse_in_memory(doc, max_object_size=len(doc) - 1) is None
    assert parse_in_memory(doc, max_size=len(doc) - 1) is None
    assert parse_in_memory(b"x" * (4 * MAX_OBJECT_SIZE + 1)) is None
    # Not JSON, not an array, too deep for the C parser, not UTF-8: the incremental reader.
    assert parse_in_memory(doc[:-1]) is None
    assert parse_in_memory('{"model": "fp.sample"}') is None
    assert parse_in_memory("[" * 100_000 + "]" * 100_000) is None
    assert parse_in_memory(b'["\xff"]') is None

    with pytest.raises(DeserializationError, match="object larger than 50 characters"):
        list(serial.deserialize("json", doc, models=[Sample], max_object_size=50))
    with pytest.raises(DeserializationError, match="document larger than 50 characters"):
        list(serial.deserialize("json", doc, models=[Sample], max_size=50))
    with pytest.raises(DeserializationError, match="not closed"):
        list(serial.deserialize("json", doc[:-1], models=[Sample]))
    with pytest.raises(UnicodeDecodeError):
        list(serial.deserialize("json", b'["\xff"]', models=[Sample]))
    # A JSON value nested too deep, in a small document parsed whole, is still refused.
    deep = '[{"model": "fp.sample", "pk": 1, "fields": {"s": ' + "[" * 70 + "]" * 70 + "}}]"
    assert parse_in_memory(deep) is not None
    with pytest.raises(DeserializationError, match="object #1"):
        list(serial.deserialize("json", deep, models=[Sample]))


OBJ = '{"model": "fp.sample", "pk": %d, "fields": {"n": %d, "s": "x"}}'


def _outcomes(data: Any) -> tuple[list[Any], Any]:
    """The objects read before the reader stops, and the error it stops with (if any)."""
    got: list[Any] = []
    try:
        for o in serial.deserialize("json", data, models=[Sample]):
            got.append((o.data, o.m2m_data, o.deferred_fields))
    except DeserializationError as exc:
        return got, (str(exc), exc.index, exc.model, exc.pk, exc.field)
    return got, None


@pytest.mark.parametrize(
    "text",
    [
        "[]",
        " [ ] ",
        "[\n]\n",
        f"[{OBJ % (1, 1)}, {OBJ % (2, 2)}]",
        f"[\n  {OBJ % (1, 1)},\n  {OBJ % (2, 2)}\n]\n",
        f"[{OBJ % (1, 1)}, 5]",
        f"[{OBJ % (1, 1)}, {OBJ % (2, 2)}",
        f"[{OBJ % (1, 1)}, {OBJ % (2, 2)},]",
        f"[{OBJ % (1, 1)}, {OBJ % (2, 2)}] x",
        f'[{OBJ % (1, 1)}, {{"model": "fp.sample", "pk": 2, "fields": {{"n": nope}}}}]',
        f"[{OBJ % (1, 1)}, {(OBJ % (2, 2))[:-2]}]",
        f'[{OBJ % (1, 1)}, {{"model": "fp.sample", "pk": 2, "fields": {{"n": "x"}}}}]',
        f"[{OBJ % (1, 1)}, " + "[" * 100_000 + "]" * 100_000 + "]",
        '{"model": "fp.sample"}',
        "",
        "\ufeff[]",
    ],
)
def test_in_memory_reading_gives_what_the_incremental_reader_gives(text: str) -> None:
    streamed = _outcomes(io.StringIO(text))
    assert _outcomes(text) == streamed
    assert _outcomes(text.encode()) == streamed


def test_objects_parsed_whole_are_let_go_as_they_are_read() -> None:
    items = [{"n": 1}, {"n": 2}, {"n": 3}]
    out = handed_over(items)
    assert next(out) == {"n": 1}
    assert items == [{"n": 3}, {"n": 2}]  # the first one is no longer held
    assert list(out) == [{"n": 2}, {"n": 3}] and items == []


# -- generated readers -------------------------------------------------------------------

VALUES: dict[str, list[Any]] = {
    "aware": [
        "2020-01-02T03:04:05Z",
        "2020-01-02T03:04:05.123+02:00",
        "2020-01-02T03:04:05",
        " 2020-01-02T03:04:05Z ",
        "2020-01-02",
        "yesterday",
        5,
    ],
    "naive": [
        "2020-01-02T03:04:05Z",
        "2020-01-02T03:04:05.123-05:30",
        "2020-01-02T03:04:05",
        " 2020-01-02T03:04:05 ",
        "2020-13-02T03:04:05",
        "2020-01-02Z",
        "2020-01-02T03Z",
        "2020-01-02 03:04:05Z",
        "20200102T030405Z",
        "2020-01-02T03:04:05+01:00Z",
        "2020-01-02T03:04:05ZZ",
        "2020-01-02T03:04:05z",
        "2020-01-02TZ",
    ],
    "amount": ["1.50", "-0.01", 2, 1.25, " 3.10 ", "NaN", "Infinity", "abc", True],
    "day": ["1999-01-02", " 1999-01-02 ", "1999-02-30", "1999-01-02T00:00:00"],
    "flag": [True, False, "true", "1", 1, "maybe"],
    "n": [3, 3.0, "4", 3.5, True, "x"],
    "x": [1.5, 2, "2.5", True, "nope"],
    "s": ["text", 5, 1.5, ["a"], {"k": 1}],
}


def _general(spec: ModelSpec, pk: Any, fields: dict[str, Any]) -> Any:
    de = serial.get_deserializer("json")("[]", models=[Sample])
    try:
        obj = _build_general(de, spec, pk, fields, 1, False, False)
    except DeserializationError as exc:
        return ("error", exc.reason, exc.field)
    return (obj.data, obj.m2m_data)


@pytest.mark.parametrize("field", sorted(VALUES))
def test_generated_reader_agrees_with_the_general_path(field: str) -> None:
    de = serial.get_deserializer("json")("[]", models=[Sample])
    spec = de.registry.get("fp.sample")
    read = _fast_reader(spec)
    fast_hits = 0
    for value in [*VALUES[field], None]:
        for pk in (7, "7", None):
            fields = {field: value}
            expected = _general(spec, pk, fields)
            try:
                obj = read({"model": "fp.sample", "pk": pk, "fields": fields}, de, 1)
            except Exception:
                continue  # deferred to the general path, which gives ``expected``
            fast_hits += 1
            assert expected == (obj.data, obj.m2m_data), (field, value, pk)
            assert [type(v) for v in obj.data.values()] == [type(v) for v in expected[0].values()]
        # Through the public path, whichever way it goes, the result is the general one.
        doc = json.dumps([{"model": "fp.sample", "pk": 1, "fields": {field: value}}])
        expected = _general(spec, 1, {field: value})
        try:
            got: Any = [
                (o.data, o.m2m_data) for o in serial.deserialize("json", doc, models=[Sample])
            ]
        except DeserializationError as exc:
            assert expected == ("error", exc.reason, exc.field)
            assert exc.index == 1 and exc.pk == 1
        else:
            assert got == [expected]
    assert fast_hits >= 3  # the plain JSON types do take the fast path


# -- positional construction -------------------------------------------------------------


def test_positional_construction_builds_the_keyword_instance(orm: Any) -> None:
    from manouche.signals import post_init

    m, _db = orm
    spec = serial.ModelRegistry([m.Book]).get("serialtest.book")
    full = {
        "id": 3,
        "title": "T",
        "author_id": 1,
        "price": decimal.Decimal("1.50"),
        "rating": None,
        "in_print": False,
        "published": dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
        "released": dt.date(2020, 1, 2),
        "at": None,
        "length": None,
        "code": None,
        "data": {"a": [1]},
        "blob": None,
        "pages": 9,
        "email": "",
    }
    seen: list[Any] = []

    def receiver(sender: Any, **kw: Any) -> None:
        seen.append(kw["instance"])

    post_init.connect(receiver, sender=m.Book)
    try:
        for data in (full, dict(reversed(full.items())), {"id": 4, "title": "Partial"}):
            built = spec.build(data)
            plain = m.Book(**data)
            assert type(built) is m.Book
            assert {k: v for k, v in built.__dict__.items() if k != "_state"} == {
                k: v for k, v in plain.__dict__.items() if k != "_state"
            }
            assert built._state.adding and built._state.db is None
            assert seen[-2] is built  # ``__init__`` ran: the init signals are sent
        assert spec.build({"id": 4, "title": "Partial"}).pages == 0  # defaults filled
    finally:
        post_init.disconnect(receiver, sender=m.Book)
    # Without receivers a complete object skips ``__init__`` (Model.from_db's fast
    # path) and is still the keyword instance, not saved yet, as Django's deserializer.
    count = len(seen)
    for data in (full, dict(reversed(full.items())), {"id": 4, "title": "Partial"}):
        built = spec.build(data)
        plain = m.Book(**data)
        assert {k: v for k, v in built.__dict__.items() if k != "_state"} == {
            k: v for k, v in plain.__dict__.items() if k != "_state"
        }
        assert built._state.adding is True and built._state.db is None
    assert len(seen) == count
    with pytest.raises(TypeError):
        spec.build({**full, "nope": 1})

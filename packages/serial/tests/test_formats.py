"""Formats on their own: registry, incremental reading, limits, unsafe input, located errors."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

from manouche import serial
from manouche.serial import DeserializationError, ModelNotFound, SerializerDoesNotExist


class Base(DeclarativeBase):
    pass


pets_toys = sa.Table(
    "zoo_pet_toys",
    Base.metadata,
    sa.Column("pet_id", sa.ForeignKey("zoo_pet.id"), primary_key=True),
    sa.Column("toy_id", sa.ForeignKey("zoo_toy.id"), primary_key=True),
)


class Owner(Base):
    __tablename__ = "zoo_owner"
    __table_args__ = {"info": {"app_label": "zoo", "model_name": "owner"}}
    natural_key_fields = ("email",)
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(100), unique=True)


class Toy(Base):
    __tablename__ = "zoo_toy"
    __table_args__ = {"info": {"app_label": "zoo", "model_name": "toy"}}
    natural_key_fields = ("name",)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(50), unique=True)


class Pet(Base):
    __tablename__ = "zoo_pet"
    __table_args__ = {"info": {"app_label": "zoo", "model_name": "pet"}}
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(50))
    born: Mapped[dt.datetime | None] = mapped_column(sa.DateTime())
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("zoo_owner.id"))
    owner: Mapped[Owner | None] = relationship()
    toys: Mapped[list[Toy]] = relationship(secondary=pets_toys, order_by=Toy.id)


class Note(Base):
    __tablename__ = "zoo_note"
    __table_args__ = {"info": {"app_label": "zoo", "model_name": "note"}}
    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[object | None] = mapped_column(sa.JSON)


MODELS = [Owner, Toy, Pet, Note]


@pytest.fixture()
def engine() -> Iterator[sa.Engine]:
    eng = sa.create_engine("sqlite://")
    Base.metadata.create_all(eng)
    with Session(eng) as s:
        ann, bob = Owner(id=1, email="ann@x.org"), Owner(id=2, email="bob@x.org")
        ball, bone = Toy(id=1, name="ball"), Toy(id=2, name="bone")
        s.add_all([ann, bob, ball, bone])
        s.add(
            Pet(id=1, name="Rex", born=dt.datetime(2020, 5, 1, 8, 30), owner=ann, toys=[ball, bone])
        )
        s.add(Pet(id=2, name="Tom", owner=None, toys=[]))
        s.commit()
    yield eng
    eng.dispose()


def _dump(engine: sa.Engine, fmt: str = "json", **kw: Any) -> str:
    out = io.StringIO()
    serial.dump_data(engine, out, models=MODELS, format=fmt, **kw)
    return out.getvalue()


# -- registry ------------------------------------------------------------------------


def test_registry_lists_formats_and_refuses_unknown_ones() -> None:
    assert {"json", "jsonl", "xml", "yaml"} <= set(serial.get_public_serializer_formats())
    assert "python" in serial.get_serializer_formats()
    assert "python" not in serial.get_public_serializer_formats()
    with pytest.raises(SerializerDoesNotExist, match="Unknown serialization format 'toml'"):
        serial.get_serializer("toml")
    with pytest.raises(SerializerDoesNotExist):
        serial.unregister_serializer("toml")


def test_register_a_custom_format() -> None:
    class Ser(serial.BaseSerializer):
        def start_serialization(self) -> None:
            self.stream.write("<")

        def write_object(self, plan: Any, pk: Any, values: Any, m2m: Any) -> None:
            self.stream.write(f"{plan.spec.label}:{pk};")

        def end_serialization(self) -> None:
            self.stream.write(">")

    class De(serial.BaseDeserializer):
        def objects(self) -> Any:
            return iter(())

    serial.register_serializer("angle", Ser, De)
    try:
        assert serial.serialize("angle", [Owner(id=3, email="e")]) == "<zoo.owner:3;>"
        assert list(serial.deserialize("angle", "", models=MODELS)) == []
    finally:
        serial.unregister_serializer("angle")
    assert "angle" not in serial.get_serializer_formats()
    with pytest.raises(TypeError, match="must subclass BaseSerializer"):
        serial.register_serializer("bad", object, De)


def test_non_model_objects_are_refused() -> None:
    with pytest.raises(TypeError, match="Non-model object"):
        serial.serialize("json", [object()])


# -- plain SQLAlchemy models: natural keys and many-to-many ---------------------------


def test_sqlalchemy_models_with_natural_keys_round_trip(engine: sa.Engine) -> None:
    text = _dump(engine, indent=None, use_natural_foreign_keys=True, use_natural_primary_keys=True)
    data = json.loads(text)
    assert data[0] == {"model": "zoo.owner", "fields": {"email": "ann@x.org"}}
    assert data[-2] == {
        "model": "zoo.pet",
        "pk": 1,
        "fields": {
            "name": "Rex",
            "born": "2020-05-01T08:30:00",
            "owner": ["ann@x.org"],
            "toys": [["ball"], ["bone"]],
        },
    }
    # Instances serialize the same way as rows.
    with Session(engine) as s:
        objs = [
            *s.scalars(sa.select(Owner)),
            *s.scalars(sa.select(Toy)),
            *s.scalars(sa.select(Pet)),
        ]
        assert (
            serial.serialize(
                "json", objs, use_natural_foreign_keys=True, use_natural_primary_keys=True
            )
            == text
        )
    # Into an empty database whose owners got other ids: natural keys resolve.
    other = sa.create_engine("sqlite://")
    Base.metadata.create_all(other)
    with other.begin() as conn:
        conn.execute(Owner.__table__.insert(), [{"id": 7, "email": "bob@x.org"}])
    assert serial.load_data(other, [("f", io.StringIO(text), "json")], models=MODELS) == 6
    with other.connect() as conn:
        owners = conn.execute(sa.select(Owner.__table__).order_by("email")).all()
        assert [(o.email) for o in owners] == ["ann@x.org", "bob@x.org"]
        assert (7, "bob@x.org") in owners  # matched by natural key, not duplicated
        ann_id = next(o.id for o in owners if o.email == "ann@x.org")
        pets = conn.execute(sa.select(Pet.__table__).order_by("id")).all()
        assert [(p.name, p.owner_id) for p in pets] == [("Rex", ann_id), ("Tom", None)]
        assert conn.execute(sa.select(pets_toys).order_by("toy_id")).all() == [(1, 1), (1, 2)]
    other.dispose()


def test_deserialized_object_surface(engine: sa.Engine) -> None:
    objs = list(serial.deserialize("json", _dump(engine), models=MODELS, using=engine))
    pet = objs[-2]
    assert repr(pet) == "<DeserializedObject: zoo.Pet(pk=1)>"  # Django's model label
    assert isinstance(pet.object, Pet)
    assert pet.object.name == "Rex" and pet.object.owner_id == 1
    assert pet.m2m_data == {"toys": [1, 2]}
    pet.object.name = "Rex II"
    pet.m2m_data["toys"] = [2]
    pet.save(using=engine)
    with engine.connect() as conn:
        assert conn.execute(sa.select(Pet.name).where(Pet.id == 1)).scalar() == "Rex II"
        assert conn.execute(sa.select(pets_toys.c.toy_id).where(pets_toys.c.pet_id == 1)).all() == [
            (2,)
        ]


def test_handle_forward_references_defers_then_resolves(engine: sa.Engine) -> None:
    doc = json.dumps(
        [
            {
                "model": "zoo.pet",
                "pk": 5,
                "fields": {"name": "Fido", "owner": ["new@x.org"], "toys": [["ball"]]},
            },
            {"model": "zoo.owner", "pk": 9, "fields": {"email": "new@x.org"}},
            {"model": "zoo.toy", "pk": 1, "fields": {"name": "ball"}},
        ]
    )
    with pytest.raises(
        DeserializationError, match=r"object #1, model 'zoo.pet', pk=5, field 'owner'"
    ):
        list(serial.deserialize("json", doc, models=MODELS, using=engine))
    objs = list(
        serial.deserialize("json", doc, models=MODELS, using=engine, handle_forward_references=True)
    )
    assert objs[0].deferred_fields == {"owner": ["new@x.org"]}
    for o in objs:
        o.save(using=engine)
    objs[0].save_deferred_fields(using=engine, registry=serial.ModelRegistry(MODELS))
    with engine.connect() as conn:
        assert conn.execute(sa.select(Pet.owner_id).where(Pet.id == 5)).scalar() == 9
    # load_data does the same by itself.
    engine2 = sa.create_engine("sqlite://")
    Base.metadata.create_all(engine2)
    serial.load_data(engine2, [("fw", io.StringIO(doc), "json")], models=MODELS)
    with engine2.connect() as conn:
        assert conn.execute(sa.select(Pet.owner_id).where(Pet.id == 5)).scalar() == 9
        assert conn.execute(sa.select(pets_toys)).all() == [(5, 1)]
    engine2.dispose()


def test_unknown_model_and_field_are_errors_unless_ignored(engine: sa.Engine) -> None:
    doc = json.dumps(
        [
            {"model": "zoo.unicorn", "pk": 1, "fields": {}},
            {"model": "zoo.toy", "pk": 3, "fields": {"name": "rope", "colour": "red"}},
        ]
    )
    with pytest.raises(
        ModelNotFound, match=r"object #1, model 'zoo.unicorn': Invalid model identifier"
    ):
        list(serial.deserialize("json", doc, models=MODELS))
    doc2 = json.dumps([{"model": "zoo.toy", "pk": 3, "fields": {"name": "rope", "colour": "red"}}])
    with pytest.raises(
        DeserializationError, match=r"pk=3, field 'colour': zoo.toy has no field named 'colour'"
    ):
        list(serial.deserialize("json", doc2, models=MODELS))
    objs = list(serial.deserialize("json", doc, models=MODELS, ignorenonexistent=True))
    assert [(o.spec.label, o.data) for o in objs] == [("zoo.toy", {"id": 3, "name": "rope"})]


def test_bad_values_name_object_and_field() -> None:
    doc = json.dumps([{"model": "zoo.pet", "pk": 1, "fields": {"name": "x", "born": "yesterday"}}])
    with pytest.raises(
        DeserializationError, match=r"object #1, model 'zoo.pet', pk=1, field 'born'"
    ):
        list(serial.deserialize("json", doc, models=MODELS))


def test_without_models_and_without_orm_lite_the_error_says_what_to_pass(monkeypatch: Any) -> None:
    import sys

    monkeypatch.delitem(sys.modules, "manouche.orm_lite", raising=False)
    with pytest.raises(TypeError, match="pass models="):
        list(serial.deserialize("json", "[]"))


# -- every format round-trips -----------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "jsonl", "xml", "yaml", "python"])
def test_every_format_round_trips(engine: sa.Engine, fmt: str) -> None:
    with Session(engine) as s:
        objs = [
            *s.scalars(sa.select(Owner)),
            *s.scalars(sa.select(Toy)),
            *s.scalars(sa.select(Pet)),
        ]
        text = serial.serialize(fmt, objs)
    back = list(serial.deserialize(fmt, text, models=MODELS))
    assert [(o.spec.label, o.data, o.m2m_data) for o in back] == [
        ("zoo.owner", {"id": 1, "email": "ann@x.org"}, {}),
        ("zoo.owner", {"id": 2, "email": "bob@x.org"}, {}),
        ("zoo.toy", {"id": 1, "name": "ball"}, {}),
        ("zoo.toy", {"id": 2, "name": "bone"}, {}),
        (
            "zoo.pet",
            {"id": 1, "name": "Rex", "born": dt.datetime(2020, 5, 1, 8, 30), "owner_id": 1},
            {"toys": [1, 2]},
        ),
        ("zoo.pet", {"id": 2, "name": "Tom", "born": None, "owner_id": None}, {"toys": []}),
    ]


def test_serialize_to_a_stream_and_fields_subset(engine: sa.Engine) -> None:
    with Session(engine) as s:
        pets = list(s.scalars(sa.select(Pet).order_by(Pet.id)))
        out = io.StringIO()
        assert serial.serialize("jsonl", pets, stream=out, fields=["name", "owner"]) is None
    lines = out.getvalue().splitlines()
    assert lines[0] == '{"model": "zoo.pet","pk": 1,"fields": {"name": "Rex","owner": 1}}'


# -- reading incrementally and within bounds ------------------------------------------------


class CountingReader(io.StringIO):
    """Counts how much was read, to show readers do not slurp the document."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.consumed = 0

    def read(self, size: int | None = -1) -> str:
        chunk = super().read(size)
        self.consumed += len(chunk)
        return chunk

    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
        line = super().readline(size)
        self.consumed += len(line)
        return line


def _big(fmt: str, n: int) -> str:
    toys = [Toy(id=i, name=f"toy {i} " + "x" * 50) for i in range(1, n + 1)]
    return str(serial.serialize(fmt, toys))


@pytest.mark.parametrize("fmt", ["json", "jsonl", "xml"])
def test_readers_are_incremental(fmt: str) -> None:
    text = _big(fmt, 20_000)
    stream = CountingReader(text) if fmt != "xml" else None
    if fmt == "xml":
        data = io.BytesIO(text.encode())
        it = serial.deserialize(fmt, data, models=MODELS)
        first = next(it)
        assert first.data == {"id": 1, "name": "toy 1 " + "x" * 50}
        assert data.tell() < len(text) // 4
        assert sum(1 for _ in it) == 19_999
        return
    assert stream is not None
    it = serial.deserialize(fmt, stream, models=MODELS)
    assert next(it).pk == 1
    assert stream.consumed < len(text) // 4
    assert sum(1 for _ in it) == 19_999


def test_json_reader_handles_objects_split_across_chunks() -> None:
    toys = [Toy(id=i, name=("é" * (i * 997 % 70_000))) for i in range(1, 40)]
    text = str(serial.serialize("json", toys, indent=2))
    back = list(serial.deserialize("json", io.StringIO(text), models=MODELS))
    assert [o.data["name"] for o in back] == [t.name for t in toys]


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ("", "empty document"),
        ("{}", "must be an array"),
        ('[{"model": "zoo.toy", "pk": 1, "fields": {}}', "not closed"),
        (
            '[{"model": "zoo.toy", "pk": 1, "fields": {}} {"model": "zoo.toy"}]',
            "expected ',' or ']'",
        ),
        ('[{"model": "zoo.toy", "pk": 1, "fields": {}}] []', "extra data"),
        ('[{"model": "zoo.toy", "pk": 1, "fields": {"name": tru}}]', "invalid JSON"),
        ("[1]", "expected an object, got int"),
        ('[{"pk": 1}]', "missing or invalid 'model'"),
        ('[{"model": "zoo.toy", "fields": []}]', "'fields' must be an object"),
    ],
)
def test_malformed_json_is_a_clear_error(doc: str, message: str) -> None:
    with pytest.raises(DeserializationError, match=message):
        list(serial.deserialize("json", doc, models=MODELS))


def test_json_depth_and_sizes_are_bounded() -> None:
    deep = "[" * 200 + "]" * 200
    doc = f'[{{"model": "zoo.note", "pk": 1, "fields": {{"body": {deep}}}}}]'
    ok = '[{"model": "zoo.note", "pk": 1, "fields": {"body": ' + "[" * 60 + "]" * 60 + "}}]"
    assert len(list(serial.deserialize("json", ok, models=MODELS))) == 1
    with pytest.raises(DeserializationError, match="field 'body': JSON nested deeper than 10"):
        list(serial.deserialize("json", ok, models=MODELS, max_depth=10))
    with pytest.raises(DeserializationError, match="nested deeper than 64"):
        list(serial.deserialize("json", doc, models=MODELS))
    with pytest.raises(DeserializationError, match="nested deeper than 64"):
        list(serial.deserialize("jsonl", doc[1:-1], models=MODELS))
    very_deep = "[" * 100_000 + "]" * 100_000
    with pytest.raises(DeserializationError, match="nested too deeply|nested deeper"):
        list(
            serial.deserialize(
                "json",
                f'[{{"model": "zoo.toy", "fields": {{"name": {very_deep}}}}}]',
                models=MODELS,
            )
        )
    big = json.dumps([{"model": "zoo.toy", "pk": 1, "fields": {"name": "x" * 5000}}])
    with pytest.raises(DeserializationError, match="object larger than 1000 characters"):
        list(serial.deserialize("json", big, models=MODELS, max_object_size=1000))
    with pytest.raises(DeserializationError, match="line longer than 1000"):
        list(serial.deserialize("jsonl", big[1:-1], models=MODELS, max_object_size=1000))
    many = _big("json", 2000)
    with pytest.raises(DeserializationError, match="document larger than 10000 characters"):
        list(serial.deserialize("json", many, models=MODELS, max_size=10_000))
    with pytest.raises(DeserializationError, match="document larger than 100 characters"):
        list(serial.deserialize("yaml", _big("yaml", 10), models=MODELS, max_size=100))


# -- unsafe XML ------------------------------------------------------------------------------

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<django-objects version="1.0"><object model="zoo.toy" pk="1">
<field name="name" type="CharField">&lol4;</field></object></django-objects>"""

XXE = """<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<django-objects version="1.0"><object model="zoo.toy" pk="1">
<field name="name" type="CharField">&xxe;</field></object></django-objects>"""

DTD_ONLY = """<?xml version="1.0"?>
<!DOCTYPE django-objects SYSTEM "http://example.com/x.dtd">
<django-objects version="1.0"></django-objects>"""


@pytest.mark.parametrize(
    ("doc", "error"),
    [
        # Entities come in a DTD, refused first.
        (BILLION_LAUGHS, serial.DTDForbidden),
        (XXE, serial.DTDForbidden),
        (DTD_ONLY, serial.DTDForbidden),
    ],
    ids=["billion-laughs", "xxe", "dtd"],
)
def test_unsafe_xml_is_refused(doc: str, error: type[Exception]) -> None:
    # Django's classes by name, each a DeserializationError (and a ValueError, as Django's).
    with pytest.raises(error, match="unsafe XML refused") as info:
        list(serial.deserialize("xml", doc, models=MODELS))
    assert isinstance(info.value, DeserializationError | ValueError)
    assert isinstance(info.value, serial.UnsafeXMLError)


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ("<django-objects><object pk='1'/></django-objects>", "missing the required 'model'"),
        (
            "<django-objects><object model='zoo.toy'><field>x</field></object></django-objects>",
            "missing the 'name'",
        ),
        ("<other/>", "expected <django-objects>"),
        ("<django-objects><thing/></django-objects>", "unexpected <thing>"),
        ("<django-objects><object model='zoo.toy'>", "invalid XML"),
    ],
)
def test_malformed_xml_is_a_clear_error(doc: str, message: str) -> None:
    with pytest.raises(DeserializationError, match=message):
        list(serial.deserialize("xml", doc, models=MODELS))


def test_xml_control_characters_are_refused_on_write() -> None:
    with pytest.raises(
        ValueError, match=r"zoo.Toy.name \(pk:1\) contains unserializable characters"
    ):
        serial.serialize("xml", [Toy(id=1, name="bell\x07")])


def _big_indented_fixture(count: int, broken_at: int) -> tuple[str, int, int]:
    """A dumpdata-style indented fixture with a syntax error in object ``broken_at``.

    Returns the text and the 1-based line and column of the error in the file.
    """
    objs = [
        {"model": "zoo.toy", "pk": i, "fields": {"name": f"toy {i}"}} for i in range(1, count + 1)
    ]
    text = json.dumps(objs, indent=2)
    marker = f'"name": "toy {broken_at}"'
    at = text.index(marker) + len('"name": ')
    text = text[:at] + "tru" + text[at + len(f'"toy {broken_at}"') :]
    line = text.count("\n", 0, at) + 1
    column = at - text.rfind("\n", 0, at)
    return text, line, column


@pytest.mark.parametrize("as_stream", [False, True])
def test_json_syntax_error_names_the_line_and_column_of_the_file(as_stream: bool) -> None:
    # Large enough that the incremental reader slides its buffer many times.
    text, line, column = _big_indented_fixture(5000, 4321)
    assert line > 20_000
    data: Any = io.StringIO(text) if as_stream else text
    with pytest.raises(DeserializationError) as info:
        list(serial.deserialize("json", data, models=MODELS))
    err = info.value
    assert (err.line, err.column, err.index) == (line, column, 4321)
    assert f"line {line}, column {column}" in str(err)
    assert "object #4321" in str(err)
    assert "invalid JSON: Expecting value" in str(err)


def test_jsonl_syntax_error_names_the_line() -> None:
    doc = '{"model": "zoo.toy", "pk": 1, "fields": {}}\n\n{"model": "zoo.toy", "pk": tru}\n'
    with pytest.raises(DeserializationError) as info:
        list(serial.deserialize("jsonl", doc, models=MODELS))
    assert (info.value.line, info.value.column) == (3, 28)
    assert "line 3, column 28" in str(info.value)


def test_a_missing_comma_names_the_line() -> None:
    doc = '[\n  {"model": "zoo.toy", "pk": 1, "fields": {}}\n  {"model": "zoo.toy"}\n]'
    with pytest.raises(DeserializationError, match=r"line 3, column 3: expected ',' or ']'"):
        list(serial.deserialize("json", io.StringIO(doc), models=MODELS))


@pytest.mark.parametrize("fmt", ["json", "jsonl", "xml"])
def test_every_format_reads_a_stream_opened_in_binary_mode(fmt: str, tmp_path: Any) -> None:
    toys = [Toy(id=1, name="Ball ☃"), Toy(id=2, name="Rope")]
    path = tmp_path / f"toys.{fmt}"
    path.write_text(serial.serialize(fmt, toys), encoding="utf-8")
    with path.open("rb") as fh:
        back = list(serial.deserialize(fmt, fh, models=MODELS))
        assert not fh.closed  # the caller's stream is left to the caller
    assert [o.object.name for o in back] == ["Ball ☃", "Rope"]


def test_a_change_of_column_info_is_seen_by_the_next_serialize() -> None:
    class TzBase(DeclarativeBase):
        pass

    class Event(TzBase):
        __tablename__ = "zoo_event"
        __table_args__ = {"info": {"app_label": "zoo", "model_name": "event"}}
        id: Mapped[int] = mapped_column(primary_key=True)
        at: Mapped[dt.datetime] = mapped_column(sa.DateTime())

    event = Event(id=1, at=dt.datetime(2024, 5, 6, 7, 8, 9))
    assert '"at": "2024-05-06T07:08:09"' in serial.serialize("json", [event])
    Event.__table__.c.at.info["use_tz"] = True
    assert '"at": "2024-05-06T07:08:09Z"' in serial.serialize("json", [event])
    Event.__table__.c.at.info["use_tz"] = False
    assert '"at": "2024-05-06T07:08:09"' in serial.serialize("json", [event])


def test_a_bad_many_to_many_key_names_the_object_being_loaded() -> None:
    doc = '[{"model": "zoo.pet", "pk": 7, "fields": {"name": "Rex", "toys": [1, "abc"]}}]'
    with pytest.raises(DeserializationError) as info:
        for obj in serial.deserialize("json", doc, models=MODELS):
            obj.m2m_data  # noqa: B018
    err = info.value
    assert (err.model, err.pk, err.field) == ("zoo.pet", 7, "toys")
    assert "“abc” value must be an integer" in str(err) and "zoo.toy key" in str(err)


def test_a_bad_value_is_reported_in_the_active_language() -> None:
    i18nkit = pytest.importorskip("manouche.i18nkit")
    doc = '[{"model": "zoo.pet", "pk": 7, "fields": {"name": "Rex", "toys": [1, "abc"]}}]'
    for language, expected in [
        ("de", "Wert „abc“ muss eine Ganzzahl sein."),
        ("fr", "La valeur «\xa0abc\xa0» doit être un nombre entier."),
        ("en", "“abc” value must be an integer."),
    ]:
        with i18nkit.override(language), pytest.raises(DeserializationError) as info:
            for obj in serial.deserialize("json", doc, models=MODELS):
                obj.m2m_data  # noqa: B018
        assert expected in str(info.value), (language, str(info.value))


def test_errors_end_with_djangos_locator() -> None:
    """A bad value ends the message as Django's does: ``(label:pk=..) field_value was '..'``."""
    doc = json.dumps([{"model": "zoo.pet", "pk": 1, "fields": {"name": "Rex", "born": "never"}}])
    with pytest.raises(DeserializationError) as info:
        list(serial.deserialize("json", doc, models=MODELS))
    assert str(info.value).endswith("(zoo.pet:pk=1) field_value was 'never'")
    assert info.value.value == "never"
    doc = json.dumps([{"model": "zoo.pet", "pk": 1, "fields": {"name": "Rex", "toys": None}}])
    with pytest.raises(DeserializationError, match=r"\(zoo.pet:pk=1\) field_value was 'None'"):
        list(serial.deserialize("json", doc, models=MODELS))
    doc = json.dumps([{"model": "zoo.pet", "pk": 1, "fields": {"name": "Rex", "toys": [1, "x"]}}])
    with pytest.raises(DeserializationError, match=r"\(zoo.pet:pk=1\) field_value was 'x'"):
        list(serial.deserialize("json", doc, models=MODELS))


def test_python_format_takes_djangos_object_list_and_objects() -> None:
    fixture = [{"model": "zoo.toy", "pk": 3, "fields": {"name": "ball"}}]
    de = serial.get_deserializer("python")(object_list=fixture, models=MODELS)
    (obj,) = list(de)
    assert (obj.object.id, obj.object.name) == (3, "ball")
    with pytest.raises(TypeError, match="once"):
        serial.get_deserializer("python")(fixture, object_list=fixture, models=MODELS)
    made = serial.DeserializedObject(obj=Toy(id=4, name="kite"))
    assert repr(made) == "<DeserializedObject: zoo.Toy(pk=4)>"
    assert made.row() == {"id": 4, "name": "kite"}


def test_a_format_whose_library_is_missing_keeps_saying_so() -> None:
    reg = serial.SerializerRegistry()
    reg.register_lazy("nope", "manouche_serial_no_such_module")
    for _ in range(2):  # every use names the missing module, not only the first
        with pytest.raises(ImportError, match="manouche_serial_no_such_module"):
            reg.get("nope")
    assert reg.names(public_only=True) == ["nope"]


def test_force_insert_never_updates(engine: sa.Engine) -> None:
    doc = json.dumps([{"model": "zoo.toy", "pk": 7, "fields": {"name": "drum"}}])
    (obj,) = serial.deserialize("json", doc, models=MODELS)
    obj.save(using=engine, force_insert=True)
    (again,) = serial.deserialize("json", doc.replace("drum", "horn"), models=MODELS)
    with pytest.raises(sa.exc.IntegrityError):
        again.save(using=engine, force_insert=True)
    with Session(engine) as s:
        assert s.get(Toy, 7).name == "drum"  # the failed save left the row as it was
    again.save(using=engine)  # without it, the row is updated
    with Session(engine) as s:
        assert s.get(Toy, 7).name == "horn"


def _crafted_xml(depth: int, leaf: int) -> str:
    """Django's crafted document: a field holding ``depth`` nested elements around a leaf."""
    field = "<nested>" * depth + "x" * leaf + "</nested>" * depth
    return (
        '<django-objects version="1.0"><object model="zoo.toy" pk="1">'
        f'<field name="name" type="CharField">{field}</field></object></django-objects>'
    )


def _python_steps(doc: str) -> int:
    """The Python lines run to read ``doc``: a measure of the work that no load can skew."""
    import sys

    steps = 0

    def tracer(frame: Any, event: str, arg: Any) -> Any:
        nonlocal steps
        steps += 1
        return tracer

    sys.settrace(tracer)
    try:
        objs = list(serial.deserialize("xml", doc, models=MODELS))
    finally:
        sys.settrace(None)
    assert len(objs) == 1 and objs[0].object.name.startswith("x")
    return steps


def test_crafted_nested_xml_is_read_in_linear_work() -> None:
    """Nested elements inside a field cost work in proportion to their number, never their
    square (Django's test of the same property times it; here the work is counted)."""
    _python_steps(_crafted_xml(1, 1))  # the first read builds the model's reader
    sizes = [(50, 2000), (100, 4000), (200, 8000), (400, 16000)]
    steps = [_python_steps(_crafted_xml(depth, leaf)) for depth, leaf in sizes]
    for smaller, larger in zip(steps, steps[1:], strict=False):
        assert larger <= 2.2 * smaller  # double the nodes, at most double the work
    # The text's length alone costs nothing in Python: the C parser reads it.
    assert _python_steps(_crafted_xml(100, 1000)) <= 1.1 * _python_steps(_crafted_xml(100, 1))

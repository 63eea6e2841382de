"""Differential tests: Django's serializers and ours on the same rows, bytes and both ways."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from conftest import django_dump, load_here, rows, truncate

from manouche import serial

FORMATS = ["json", "jsonl", "xml"]
INDENTS = [None, 2]


@pytest.fixture(scope="session")
def orm(django_env: Path) -> Any:
    """orm-lite models on the Django-made database."""
    import serial_models

    from manouche import orm_lite

    db = orm_lite.Database(f"sqlite:///{django_env / 'django.sqlite3'}")
    yield serial_models, db
    db.dispose()


@pytest.mark.parametrize("natural", [False, True])
@pytest.mark.parametrize("indent", INDENTS)
@pytest.mark.parametrize("fmt", FORMATS)
def test_serialize_orm_lite_instances_same_bytes_as_django(
    orm: Any, fmt: str, indent: Any, natural: bool
) -> None:
    m, _db = orm
    theirs = django_dump(fmt, indent, natural)
    objs = [
        *m.Author.objects.order_by("pk"),
        *m.Tag.objects.order_by("pk"),
        *m.Book.objects.order_by("pk"),
    ]
    ours = serial.serialize(
        fmt, objs, indent=indent, use_natural_foreign_keys=natural, use_natural_primary_keys=natural
    )
    assert ours == theirs


@pytest.mark.parametrize("natural", [False, True])
@pytest.mark.parametrize("indent", INDENTS)
@pytest.mark.parametrize("fmt", FORMATS)
def test_dump_data_streams_same_bytes_as_django(
    orm: Any, fmt: str, indent: Any, natural: bool
) -> None:
    m, db = orm
    theirs = django_dump(fmt, indent, natural)
    out = io.StringIO()
    n = serial.dump_data(
        db,
        out,
        models=[m.Author, m.Tag, m.Book],
        labels=["serialtest.author", "serialtest.tag", "serialtest.book"],
        format=fmt,
        indent=indent,
        use_natural_foreign_keys=natural,
        use_natural_primary_keys=natural,
        chunk_size=7,  # several chunks, and a last partial one
    )
    assert n == 3 + 4 + 25
    assert out.getvalue() == theirs


@pytest.mark.parametrize("fmt", FORMATS)
def test_plain_sqlalchemy_models_same_bytes_as_django(django_env: Path, fmt: str) -> None:
    import serial_sa_models as m
    from sqlalchemy.orm import Session

    fields = [
        "name",
        "birth",
        "label",
        "title",
        "author",
        "rating",
        "in_print",
        "released",
        "at",
        "code",
        "data",
        "blob",
        "pages",
        "email",
        "tags",
    ]
    theirs = django_dump(fmt, 2, fields=fields)
    engine = sa.create_engine(f"sqlite:///{django_env / 'django.sqlite3'}")
    with Session(engine) as session:
        objs = [
            *session.scalars(sa.select(m.Author).order_by(m.Author.id)),
            *session.scalars(sa.select(m.Tag).order_by(m.Tag.id)),
            *session.scalars(sa.select(m.Book).order_by(m.Book.id)),
        ]
        ours = serial.serialize(fmt, objs, indent=2, fields=fields)
    engine.dispose()
    # Plain models carry no app label: labels fall back to table names.
    for name in ("author", "tag", "book"):
        ours = ours.replace(f"serialtest_{name}", f"serialtest.{name}")
    assert ours == theirs


@pytest.mark.parametrize("natural", [False, True])
@pytest.mark.parametrize("fmt", FORMATS)
def test_django_fixture_loads_here_into_the_same_rows(
    orm: Any, django_env: Path, fmt: str, natural: bool
) -> None:
    m, _db = orm

    fixture = django_dump(fmt, 2, natural)
    other = django_env / "other.sqlite3"
    truncate(other)
    n = load_here(other, [("django." + fmt, fixture, fmt)], [m.Author, m.Tag, m.Book])
    assert n == 32
    assert rows(other) == rows(django_env / "django.sqlite3")


@pytest.mark.parametrize("natural", [False, True])
@pytest.mark.parametrize("fmt", FORMATS)
def test_our_dump_loads_into_django_into_the_same_rows(
    orm: Any, django_env: Path, tmp_path: Path, fmt: str, natural: bool
) -> None:
    from django.core.management import call_command

    m, db = orm
    path = tmp_path / f"ours.{fmt}"
    with path.open("w", encoding="utf-8") as fh:
        serial.dump_data(
            db,
            fh,
            models=[m.Author, m.Tag, m.Book],
            format=fmt,
            indent=2,
            use_natural_foreign_keys=natural,
            use_natural_primary_keys=natural,
        )
    other = django_env / "other.sqlite3"
    truncate(other)
    call_command("loaddata", str(path), database="other", verbosity=0)
    assert rows(other) == rows(django_env / "django.sqlite3")


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_through_our_loader(orm: Any, django_env: Path, fmt: str) -> None:
    m, db = orm

    out = io.StringIO()
    serial.dump_data(db, out, models=[m.Author, m.Tag, m.Book], format=fmt)
    other = django_env / "other.sqlite3"
    truncate(other)
    load_here(other, [("ours", out.getvalue(), fmt)], [m.Author, m.Tag, m.Book])
    # Loading again updates in place: same rows, no duplicates.
    load_here(other, [("ours", out.getvalue(), fmt)], [m.Author, m.Tag, m.Book])
    assert rows(other) == rows(django_env / "django.sqlite3")


def test_yaml_both_ways(orm: Any, django_env: Path, tmp_path: Path) -> None:
    """YAML is not byte-compatible (Django writes native timestamps) but loads both ways."""
    from django.core.management import call_command

    m, db = orm
    other = django_env / "other.sqlite3"
    truncate(other)
    n = load_here(other, [("d.yaml", django_dump("yaml", None), "yaml")], [m.Author, m.Tag, m.Book])
    assert n == 32
    assert rows(other) == rows(django_env / "django.sqlite3")
    path = tmp_path / "ours.yaml"
    with path.open("w", encoding="utf-8") as fh:
        serial.dump_data(db, fh, models=[m.Author, m.Tag, m.Book], format="yaml")
    truncate(other)
    call_command("loaddata", str(path), database="other", verbosity=0)
    assert rows(other) == rows(django_env / "django.sqlite3")


def test_orm_lite_models_are_the_default_and_attnames_are_accepted(orm: Any) -> None:
    m, db = orm
    doc = (
        '[{"model": "serialtest.book", "pk": 3, "fields": {"title": "T", "author_id": 2, '
        '"price": "1.50", "tags": [1, 2]}}]'
    )
    (obj,) = serial.deserialize("json", doc)  # no models=: orm-lite's, as it is in use
    assert isinstance(obj.object, m.Book)
    assert obj.object.author_id == 2 and obj.m2m_data == {"tags": [1, 2]}
    assert str(obj.object.price) == "1.50"


def test_loading_sends_raw_save_signals_as_django(orm: Any, django_env: Path) -> None:
    """Both loaders send pre_save/post_save with raw=True; created says insert vs update."""
    from django.db.models import signals as dj_signals

    from manouche import signals

    m, _db = orm
    fixture = django_dump("json", 2)
    other = django_env / "other.sqlite3"

    def recorder(seen: list[tuple[Any, ...]], label_of: Any) -> Any:
        def record(sender: Any, instance: Any, raw: bool, **kwargs: Any) -> None:
            seen.append(
                (label_of(sender), "created" in kwargs, kwargs.get("created"), raw, instance.pk)
            )

        return record

    def django_label(model: Any) -> str:
        return str(model._meta.label_lower)

    def our_label(model: Any) -> str:
        return f"{model._meta.app_label}.{model._meta.model_name}"

    def load_with_django() -> list[tuple[Any, ...]]:
        from django.core.management import call_command

        seen: list[tuple[Any, ...]] = []
        rec = recorder(seen, django_label)
        dj_signals.pre_save.connect(rec, weak=False)
        dj_signals.post_save.connect(rec, weak=False)
        try:
            path = django_env / "signals.json"
            path.write_text(fixture, encoding="utf-8")
            call_command("loaddata", str(path), database="other", verbosity=0)
        finally:
            dj_signals.pre_save.disconnect(rec)
            dj_signals.post_save.disconnect(rec)
        return seen

    def load_with_ours() -> list[tuple[Any, ...]]:
        seen: list[tuple[Any, ...]] = []
        rec = recorder(seen, our_label)
        signals.pre_save.connect(rec, weak=False)
        signals.post_save.connect(rec, weak=False)
        try:
            load_here(other, [("signals.json", fixture, "json")], [m.Author, m.Tag, m.Book])
        finally:
            signals.pre_save.disconnect(rec)
            signals.post_save.disconnect(rec)
        return seen

    results = []
    for load in (load_with_django, load_with_ours):
        truncate(other)
        first = load()  # every row inserted: created=True
        second = load()  # every row there already: created=False
        results.append((first, second))
    (dj_first, dj_second), (our_first, our_second) = results
    assert len(our_first) == 2 * 32
    assert any(created for _, is_post, created, _, _ in our_first if is_post)
    assert not any(created for _, is_post, created, _, _ in our_second if is_post)
    assert all(raw for *_, raw, _ in our_first + our_second)
    # Django sends pre/post per object; ours sends a batch's pre_saves, then its post_saves.
    assert sorted(our_first) == sorted(dj_first)
    assert sorted(our_second) == sorted(dj_second)


def test_django_json_encoder_encodes_as_django_s() -> None:
    import datetime as dt
    import decimal
    import json
    import uuid
    from zoneinfo import ZoneInfo

    from django.core.serializers.json import DjangoJSONEncoder as Theirs

    from manouche.serial import DjangoJSONEncoder as Ours

    values = [
        dt.datetime(2024, 5, 6, 7, 8, 9, 123456),
        dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.UTC),
        dt.datetime(2024, 5, 6, 7, 8, 9, 5, tzinfo=ZoneInfo("Europe/Paris")),
        dt.date(2024, 2, 29),
        dt.time(23, 59, 1, 999999),
        dt.time(0, 0),
        dt.timedelta(days=-1, seconds=5, microseconds=7),
        dt.timedelta(days=3, hours=2),
        decimal.Decimal("-12.3400"),
        decimal.Decimal("1E+2"),
        uuid.UUID("12345678-1234-5678-1234-567812345678"),
        {"nested": [dt.date(2000, 1, 1), (1, 2)]},
    ]
    for value in values:
        assert json.dumps(value, cls=Ours) == json.dumps(value, cls=Theirs), value
    for bad in (dt.time(1, 2, tzinfo=dt.UTC), {1, 2}, b"bytes", object()):
        with pytest.raises((TypeError, ValueError)) as ours:
            json.dumps(bad, cls=Ours)
        with pytest.raises((TypeError, ValueError)) as theirs:
            json.dumps(bad, cls=Theirs)
        assert type(ours.value) is type(theirs.value)
        assert str(ours.value) == str(theirs.value)


def test_django_json_encoder_writes_lazy_strings_as_their_text() -> None:
    """Django's lazy strings and i18nkit's are written as their text (as Django's encoder)."""
    import json

    from django.utils.functional import lazy

    from manouche.serial import DjangoJSONEncoder as Ours

    class LazyString:  # i18nkit's lazy strings, known by their class name
        def __str__(self) -> str:
            return "FRENCH"

    django_lazy = lazy(lambda: "French", str)()
    assert json.dumps({"lang": django_lazy}, cls=Ours) == '{"lang": "French"}'
    assert json.dumps([LazyString()], cls=Ours) == '["FRENCH"]'
    with pytest.raises(TypeError, match="not JSON serializable"):
        json.dumps([object()], cls=Ours)


def test_many_to_many_costs_one_query_an_object_reading_pks_only(orm: Any) -> None:
    """As Django: without natural keys a relation's rows are read by pk alone (one query an
    object and relation); prefetched relations cost nothing more."""
    from manouche import orm_lite

    m, db = orm
    books = list(m.Book.objects.order_by("pk"))
    seen: list[str] = []
    watcher = orm_lite.watch(db, lambda event: seen.append(event.sql))
    try:
        plain = serial.serialize("json", books)
        assert len(seen) == len(books)
        assert all(" AS name" not in sql and "title" not in sql for sql in seen)
        seen.clear()
        prefetched = serial.serialize(
            "json", m.Book.objects.order_by("pk").prefetch_related("tags")
        )
        assert len(seen) == 2  # the books, then their tags in one query
    finally:
        watcher.remove()
    assert prefetched == plain


def test_yaml_writes_dates_as_native_timestamps_as_django(orm: Any) -> None:
    import yaml

    m, _db = orm
    objs = [*m.Author.objects.order_by("pk"), *m.Book.objects.order_by("pk")]
    theirs = yaml.safe_load(django_dump("yaml", None))
    ours = yaml.safe_load(serial.serialize("yaml", objs))
    theirs = [o for o in theirs if o["model"] != "serialtest.tag"]
    diffs = [
        (o["pk"], k, v, t["fields"].get(k))
        for o, t in zip(ours, theirs, strict=True)
        for k, v in o["fields"].items()
        if v != t["fields"].get(k)
    ]
    assert diffs == []  # the same values, dates and datetimes as timestamps, not text

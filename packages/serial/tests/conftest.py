"""Django configured once per session on two SQLite files with the test schema, filled with rows."""

from __future__ import annotations

import datetime as dt
import decimal
import io
import sqlite3
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from manouche.testsupport import configure_django

TABLES = ["serialtest_author", "serialtest_tag", "serialtest_book", "serialtest_book_tags"]
THROUGH = "serialtest_book_tags"


def _configure(tmp: Path) -> None:
    configure_django(
        DATABASES={
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": str(tmp / "django.sqlite3"),
            },
            "other": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp / "other.sqlite3")},
        },
        INSTALLED_APPS=["serial_djapp.apps.SerialTestConfig"],
    )


def _fill() -> None:
    from serial_djapp.models import Author, Book, Tag

    authors = [
        Author.objects.create(name="Ann", birth=dt.date(1970, 1, 2)),
        Author.objects.create(name='Bob <b> & "co"', birth=None),
        Author.objects.create(name="Zoë Ünïcode ✓", birth=dt.date(2001, 12, 31)),
    ]
    tags = [Tag.objects.create(label=f"tag-{i}") for i in range(4)]
    for i in range(25):
        book = Book.objects.create(
            title=f"Book {i} — «{i}» <x>&'\"\n tab\t end" if i % 5 == 0 else f"Book {i}",
            author=authors[i % 3] if i % 4 else None,
            price=decimal.Decimal(f"{i}.{i % 10}5"),
            rating=None if i % 3 == 0 else i / 7,
            in_print=bool(i % 2),
            published=None
            if i % 6 == 0
            else dt.datetime(
                2020,
                1 + i % 12,
                1 + i,
                12,
                i,
                i,
                (i * 123457) % 1_000_000 // 1000 * 1000,
                tzinfo=dt.UTC,
            ),
            released=dt.date(1999, 1 + i % 12, 1 + i) if i % 2 else None,
            at=dt.time(i % 24, i, i, (i * 1000) if i % 3 else 0) if i % 4 else None,
            length=dt.timedelta(days=i, seconds=i * 61, microseconds=i * 7) if i % 2 else None,
            code=uuid.UUID(int=i * 2**100 + i) if i % 3 else None,
            data=None if i % 7 == 0 else {"n": i, "list": [1, "ü", None, {"x": i / 3}], "s": "é"},
            blob=bytes(range(i)) if i % 2 else None,
            pages=i * 10,
            email=f"u{i}@example.com" if i % 2 else "",
        )
        book.tags.set(tags[: i % 5])


@pytest.fixture(scope="session")
def django_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Django on two SQLite files ("default" filled with rows, "other" empty), same schema."""
    pytest.importorskip("django")
    tmp = tmp_path_factory.mktemp("django")
    _configure(tmp)
    from django.db import connections
    from serial_djapp.models import Author, Book, Tag

    for alias in ("default", "other"):
        with connections[alias].schema_editor() as editor:
            for model in (Author, Tag, Book):
                editor.create_model(model)
    _fill()
    yield tmp
    for alias in ("default", "other"):
        connections[alias].close()


def rows(path: Path, tables: Sequence[str] = TABLES) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of ``tables``, raw as SQLite stores them, in pk order."""
    con = sqlite3.connect(path)
    try:
        out = {}
        for t in tables:
            # Through rows compare as pairs: their own ids depend on insertion order.
            sql = (
                f"SELECT book_id, tag_id FROM {t} ORDER BY book_id, tag_id"
                if t == THROUGH
                else f"SELECT * FROM {t} ORDER BY 1"
            )
            out[t] = con.execute(sql).fetchall()
        return out
    finally:
        con.close()


def truncate(path: Path, tables: Sequence[str] = TABLES) -> None:
    """Empty ``tables`` (children first, so list parents first)."""
    con = sqlite3.connect(path)
    try:
        for t in reversed(tables):
            con.execute(f"DELETE FROM {t}")
        # Fresh ids too: objects loaded without a pk (natural keys) get 1, 2, ...
        con.execute("DELETE FROM sqlite_sequence")
        con.commit()
    finally:
        con.close()


def load_here(path: Path, sources: list[tuple[str, str, str]], models: list[Any]) -> int:
    """``serial.load_data`` of ``(name, text, format)`` sources into the SQLite file at ``path``."""
    from manouche import orm_lite, serial

    target = orm_lite.Database(f"sqlite:///{path}", default=False)
    try:
        return serial.load_data(
            target, [(name, io.StringIO(text), fmt) for name, text, fmt in sources], models=models
        )
    finally:
        target.dispose()


def django_dump(fmt: str, indent: int | None, natural: bool = False, fields: Any = None) -> str:
    import django
    from django.core import serializers
    from serial_djapp.models import Author, Book, Tag

    objs = [
        *Author.objects.order_by("pk"),
        *Tag.objects.order_by("pk"),
        *Book.objects.order_by("pk"),
    ]
    text = str(
        serializers.serialize(
            fmt,
            objs,
            indent=indent,
            use_natural_foreign_keys=natural,
            use_natural_primary_keys=natural,
            fields=fields,
        )
    )
    if fmt == "json" and not indent and django.VERSION < (6, 0):
        text += "\n"  # Django 6 ends every JSON document with a newline; we follow it.
    return text

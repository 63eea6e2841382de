"""Database, connections per thread, transactions, on_commit, select_for_update and the
escape hatches for SQLAlchemy users, on every backend."""

from __future__ import annotations

import threading
from typing import Any

import pytest
import sqlalchemy as sa

from manouche import orm_lite as models
from tests.conf_models import Author, Book, Tag


def test_default_database_and_using(backend_db: Any, tmp_path: Any) -> None:
    assert models.get_default_database() is backend_db
    other = models.Database(f"sqlite:///{tmp_path / 'other.sqlite3'}", default=False)
    try:
        other.create_all([Tag])
        Tag.objects.using(other).create(name="elsewhere")
        assert Tag.objects.using(other).count() == 1
        assert Tag.objects.count() == 0
        assert Tag.objects.all().using(other).get().name == "elsewhere"
        t = Tag.objects.using(other).get()
        t.name = "moved"
        t.save()  # saves back to the database it came from
        assert Tag.objects.using(other).get().name == "moved"
        assert models.get_default_database() is backend_db
    finally:
        other.dispose()


def test_threads_get_their_own_connection(backend_db: Any) -> None:
    conns: list[Any] = []
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            conns.append(backend_db.connection())
            with backend_db.atomic():
                Tag.objects.create(name=f"t{i}")
            backend_db.close()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len({id(c) for c in conns}) == 8
    assert Tag.objects.count() == 8


def test_atomic_commits_and_rolls_back(backend_db: Any) -> None:
    with backend_db.atomic():
        Tag.objects.create(name="kept")
    with pytest.raises(ZeroDivisionError), backend_db.atomic():
        Tag.objects.create(name="lost")
        1 / 0  # noqa: B018
    assert list(Tag.objects.values_list("name", flat=True)) == ["kept"]


def test_nested_atomic_is_a_savepoint(backend_db: Any) -> None:
    with backend_db.atomic():
        Tag.objects.create(name="outer")
        with pytest.raises(ValueError), backend_db.atomic():
            Tag.objects.create(name="inner")
            raise ValueError
        assert backend_db.in_atomic_block
        Tag.objects.create(name="after")
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["after", "outer"]


def test_inner_block_first_does_not_commit_the_outer_one(backend_db: Any) -> None:
    # Nothing written before the savepoint: on SQLite the savepoint must not become
    # the transaction (its release would commit everything).
    with pytest.raises(LookupError), backend_db.atomic():
        assert Tag.objects.count() == 0
        with backend_db.atomic():
            Tag.objects.create(name="inner")
        Tag.objects.get_or_create(name="also inner")
        raise LookupError
    assert Tag.objects.count() == 0


def test_atomic_as_decorator_and_module_level(backend_db: Any) -> None:
    @models.atomic
    def make() -> None:
        Tag.objects.create(name="a")
        raise RuntimeError("undo")

    with pytest.raises(RuntimeError):
        make()

    @backend_db.atomic
    def make_b() -> None:
        Tag.objects.create(name="b")

    make_b()
    assert list(Tag.objects.values_list("name", flat=True)) == ["b"]


def test_on_commit(backend_db: Any) -> None:
    calls: list[str] = []
    with backend_db.atomic():
        backend_db.on_commit(lambda: calls.append("one"))
        with backend_db.atomic():
            models.on_commit(lambda: calls.append("two"))
        assert calls == []
    assert calls == ["one", "two"]
    with pytest.raises(KeyError), backend_db.atomic():
        backend_db.on_commit(lambda: calls.append("never"))
        raise KeyError
    with backend_db.atomic():
        with pytest.raises(KeyError), backend_db.atomic():
            backend_db.on_commit(lambda: calls.append("rolled back savepoint"))
            raise KeyError
        backend_db.on_commit(lambda: calls.append("three"))
    assert calls == ["one", "two", "three"]
    backend_db.on_commit(lambda: calls.append("now"))  # outside a transaction: at once
    assert calls[-1] == "now"


def test_select_for_update(backend_db: Any) -> None:
    Tag.objects.create(name="locked")
    with pytest.raises(models.TransactionManagementError):
        list(Tag.objects.select_for_update())
    with backend_db.atomic():
        rows = list(Tag.objects.select_for_update().filter(name="locked"))
        assert len(rows) == 1
    sql = str(Tag.objects.select_for_update().statement.compile(backend_db.engine))
    if backend_db.vendor == "sqlite":
        assert "FOR UPDATE" not in sql  # SQLite locks the whole database instead
    else:
        assert "FOR UPDATE" in sql


def test_escape_hatches(backend_db: Any) -> None:
    a = Author.objects.create(name="Raw", age=33)
    stmt = Author.objects.filter(age__gt=30).statement
    assert isinstance(stmt, sa.Select)
    with backend_db.engine.connect() as conn:
        assert [r.name for r in conn.execute(stmt)] == ["Raw"]
    placeholder = "%s"
    raw = list(Author.objects.raw(f"SELECT * FROM conf_author WHERE age = {placeholder}", [33]))
    assert raw == [a] and raw[0].name == "Raw"
    assert isinstance(backend_db.engine, sa.Engine)
    assert isinstance(backend_db.connection(), sa.Connection)
    assert backend_db.execute(sa.select(sa.func.count()).select_from(Author.__table__))[0][0] == 1


def test_create_all_is_idempotent(backend_db: Any) -> None:
    backend_db.create_all([Author, Book, Tag])
    assert Author.objects.count() == 0

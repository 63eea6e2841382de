"""Managers and querysets are generic in their model, for a user's type checker.

``python3 dev.py check`` runs mypy on this file: each ``assert_type`` is a check
that fails the gate when ``Book.objects.get()`` stops being a ``Book`` (and so on).
pytest runs it too, so every line is also a working query on SQLite.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, assert_type

import pytest
import sqlalchemy as sa

from manouche import orm_lite as models


class Shelf(models.Model):
    name = models.CharField(max_length=20)

    class Meta:
        app_label = "typing_check"


class Novel(models.Model):
    title = models.CharField(max_length=50)
    shelf = models.ForeignKey(Shelf, on_delete=models.CASCADE)

    class Meta:
        app_label = "typing_check"


@pytest.fixture
def database() -> Iterator[models.Database]:
    db = models.Database("sqlite://", default=False)
    db.create_all([Shelf, Novel])
    yield db
    db.dispose()


def test_manager_and_queryset_are_typed_by_their_model(database: models.Database) -> None:
    objects = Novel.objects.db_manager(database)
    assert_type(Novel.objects, models.Manager[Novel])

    shelf = Shelf.objects.db_manager(database).create(name="poetry")
    assert_type(shelf, Shelf)
    created = objects.create(title="Alcools", shelf=shelf)
    assert_type(created, Novel)

    novels = objects.filter(title__startswith="A").exclude(title="B").order_by("title")
    assert_type(novels, models.QuerySet[Novel])
    assert_type(novels.all().distinct(), models.QuerySet[Novel])
    assert_type(novels[0], Novel)
    assert_type(novels[:1], models.QuerySet[Novel])
    for novel in novels:
        assert_type(novel, Novel)
        assert novel.pk == created.pk

    got = objects.get(title="Alcools")
    assert_type(got, Novel)
    assert got.pk == created.pk
    assert_type(objects.first(), Novel | None)
    assert_type(novels.last(), Novel | None)
    pair = objects.get_or_create(title="Calligrammes", defaults={"shelf": shelf})
    assert_type(pair, tuple[Novel, bool])
    assert pair[1] is True
    assert_type(objects.in_bulk([created.pk]), dict[Any, Novel])
    assert_type(objects.count(), int)
    assert objects.count() == 2

    # values() rows are dicts or tuples, not models: the checker is told Any.
    assert_type(objects.values("title"), models.QuerySet[Any])
    assert sorted(r["title"] for r in objects.values("title")) == ["Alcools", "Calligrammes"]


def test_statement_is_a_sqlalchemy_select(database: models.Database) -> None:
    statement = Novel.objects.using(database).filter(title="x").statement
    assert_type(statement, sa.Select[*tuple[Any, ...]])
    assert isinstance(statement, sa.Select)
    with database.engine.connect() as conn:
        assert conn.execute(statement).all() == []

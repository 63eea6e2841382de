"""ModelSerializer on orm-lite models, against DRF's on the same Django models and data."""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterator
from typing import Any

import pytest

from manouche import orm_lite
from manouche.restkit import serializers as ours
from manouche.testsupport import plain_errors

PAYLOADS: list[Any] = [
    {"title": "Dune", "author": 1, "genre": "f"},
    {
        "title": "Dune",
        "author": 1,
        "genre": "f",
        "pages": 412,
        "price": "9.99",
        "published": "1965-08-01",
        "tags": [1, 2],
    },
    {"title": "Emma", "author": 1, "genre": "f"},  # unique together with an existing row
    {"title": "Emma", "author": 2, "genre": "n", "isbn": ""},
    {"title": "", "author": 99, "genre": "x"},
    {"title": "T", "author": "abc", "genre": "f"},
    {"title": "T", "author": None, "genre": "f"},
    {"title": "T", "author": 1, "genre": "f", "pages": -1, "price": "12345.6"},
    {"title": "T", "author": 1, "genre": "f", "tags": [3]},
    {"title": "T", "author": 1, "genre": "f", "tags": "1"},
    {"title": "x" * 101, "author": 1, "genre": "f", "published": "soon"},
    {"author": 1},
    {},
    {"id": 5, "title": "With id", "author": 2, "genre": "n", "price": None},
]
AUTHOR_PAYLOADS: list[Any] = [
    {"name": "Ann"},  # taken
    {"name": "ann"},
    {"name": "Zed", "email": "zed@example.com"},
    {"name": "Zed", "email": "nope"},
    {"name": ""},
]


@pytest.fixture(scope="module")
def django_side(drf: Any) -> Iterator[Any]:
    from django.db import connection
    from restkit_ref import models as dj

    with connection.schema_editor() as editor:
        for model in (dj.Author, dj.Tag, dj.Book):
            editor.create_model(model)
    ann = dj.Author.objects.create(name="Ann")
    dj.Author.objects.create(name="Bob", email="bob@example.com")
    dj.Tag.objects.create(label="classic")
    dj.Tag.objects.create(label="space")
    book = dj.Book.objects.create(
        title="Emma", author=ann, genre="f", price=decimal.Decimal("3.50"),
        published=datetime.date(1815, 12, 23),
    )  # fmt: skip
    book.tags.set([1])
    yield dj
    with connection.schema_editor() as editor:
        for model in (dj.Book, dj.Tag, dj.Author):
            editor.delete_model(model)


@pytest.fixture(scope="module", params=["sqlite", "postgresql", "mariadb"])
def orm_side(request: pytest.FixtureRequest) -> Iterator[Any]:
    """The orm-lite models on each database (PostgreSQL and MariaDB through testkit's
    fixtures: a fresh database each, skipped when the server does not answer)."""
    import models as m

    url = (
        "sqlite://"
        if request.param == "sqlite"
        else request.getfixturevalue(f"{request.param}_url")
    )
    db = orm_lite.Database(url)
    db.create_all()
    ann = m.Author.objects.create(name="Ann")
    m.Author.objects.create(name="Bob", email="bob@example.com")
    m.Tag.objects.create(label="classic")
    m.Tag.objects.create(label="space")
    book = m.Book.objects.create(
        title="Emma", author=ann, genre="f", price=decimal.Decimal("3.50"),
        published=datetime.date(1815, 12, 23),
    )  # fmt: skip
    book.tags.set([m.Tag.objects.get(pk=1)])
    yield m
    db.drop_all()  # the server databases last the session: the next module starts empty
    db.dispose()


def serializers_for(module: Any, models: Any, fields: Any = "__all__") -> tuple[Any, Any]:
    class BookSerializer(module.ModelSerializer):
        class Meta:
            model = models.Book

    BookSerializer.Meta.fields = fields

    class AuthorSerializer(module.ModelSerializer):
        class Meta:
            model = models.Author
            fields = ["id", "name", "email"]

    return BookSerializer, AuthorSerializer


def outcome(serializer: Any) -> Any:
    if serializer.is_valid():
        data = dict(serializer.validated_data)
        for key, value in list(data.items()):
            if hasattr(value, "pk"):
                data[key] = ("instance", value.pk)
            elif isinstance(value, list):
                data[key] = [("instance", item.pk) for item in value]
            elif isinstance(value, (decimal.Decimal, datetime.date)):
                data[key] = str(value)
        return "valid", data
    return "invalid", plain_errors(serializer.errors)


def test_create_validation_same_as_drf(
    django_side: Any, orm_side: Any, request: pytest.FixtureRequest
) -> None:
    from rest_framework import serializers as drf

    mine_book, mine_author = serializers_for(ours, orm_side)
    theirs_book, theirs_author = serializers_for(drf, django_side)
    for data in PAYLOADS:
        assert outcome(mine_book(data=data)) == outcome(theirs_book(data=data)), data
    case_blind = request.node.callspec.params["orm_side"] == "mariadb"
    for data in AUTHOR_PAYLOADS:
        if case_blind and data == {"name": "ann"}:
            # The unique check asks the database: MariaDB's default collation is
            # case-insensitive, so "ann" is "Ann" there (as it is for Django on MariaDB).
            assert outcome(mine_author(data=data)) == (
                "invalid",
                {"name": [("author with this name already exists.", "unique")]},
            )
            continue
        assert outcome(mine_author(data=data)) == outcome(theirs_author(data=data)), data


def test_update_and_partial_validation_same_as_drf(django_side: Any, orm_side: Any) -> None:
    from rest_framework import serializers as drf

    mine_book, mine_author = serializers_for(ours, orm_side)
    theirs_book, theirs_author = serializers_for(drf, django_side)
    my_emma, their_emma = orm_side.Book.objects.get(pk=1), django_side.Book.objects.get(pk=1)
    for data in PAYLOADS:
        for partial in (False, True):
            mine = mine_book(my_emma, data=data, partial=partial)
            theirs = theirs_book(their_emma, data=data, partial=partial)
            assert outcome(mine) == outcome(theirs), (data, partial)
    my_ann, their_ann = orm_side.Author.objects.get(pk=1), django_side.Author.objects.get(pk=1)
    for data in AUTHOR_PAYLOADS:
        mine, theirs = mine_author(my_ann, data=data), theirs_author(their_ann, data=data)
        assert outcome(mine) == outcome(theirs), data


def test_representation_same_as_drf(django_side: Any, orm_side: Any) -> None:
    from rest_framework import serializers as drf

    for fields in ("__all__", ["id", "title", "author", "price", "published", "tags"]):
        mine_book, mine_author = serializers_for(ours, orm_side, fields)
        theirs_book, theirs_author = serializers_for(drf, django_side, fields)
        assert (
            mine_book(orm_side.Book.objects.all(), many=True).data
            == theirs_book(django_side.Book.objects.all(), many=True).data
        )
        assert (
            mine_author(orm_side.Author.objects.all(), many=True).data
            == theirs_author(django_side.Author.objects.all(), many=True).data
        )


def test_depth_and_extra_options_same_as_drf(django_side: Any, orm_side: Any) -> None:
    from rest_framework import serializers as drf

    def make(module: Any, models: Any) -> Any:
        class BookSerializer(module.ModelSerializer):
            author_name = module.CharField(source="author.name", read_only=True)

            class Meta:
                model = models.Book
                fields = ["id", "title", "author", "author_name", "pages"]
                read_only_fields = ["pages"]
                extra_kwargs = {"title": {"min_length": 3}}
                depth = 1

        return BookSerializer

    mine, theirs = make(ours, orm_side), make(drf, django_side)
    assert (
        mine(orm_side.Book.objects.get(pk=1)).data
        == theirs(django_side.Book.objects.get(pk=1)).data
    )
    for data in ({"title": "ab", "pages": 5}, {"title": "abcd", "pages": 5}):
        assert outcome(mine(data=data)) == outcome(theirs(data=data)), data


def test_save_creates_and_updates(orm_side: Any) -> None:
    book_serializer, author_serializer = serializers_for(ours, orm_side)
    serializer = author_serializer(data={"name": "Cy", "email": "cy@example.com"})
    assert serializer.is_valid(), serializer.errors
    cy = serializer.save()
    assert orm_side.Author.objects.get(name="Cy").pk == cy.pk
    serializer = book_serializer(data={"title": "New", "author": cy.pk, "genre": "n", "tags": [2]})
    assert serializer.is_valid(), serializer.errors
    book = serializer.save()
    assert [t.label for t in book.tags.all()] == ["space"]
    assert serializer.data["author"] == cy.pk and serializer.data["tags"] == [2]
    serializer = book_serializer(book, data={"pages": 7}, partial=True)
    assert serializer.is_valid(), serializer.errors
    serializer.save()
    assert orm_side.Book.objects.get(pk=book.pk).pages == 7
    book.delete()
    cy.delete()


def test_model_serializer_needs_fields(orm_side: Any) -> None:
    class Bad(ours.ModelSerializer):
        class Meta:
            model = orm_side.Author

    with pytest.raises(TypeError, match="'fields' attribute or the 'exclude'"):
        Bad(data={}).is_valid()

"""The model reader: an orm-lite model and a plain SQLAlchemy declarative model read alike."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import orm

from manouche import validation
from manouche.validation import NOT_PROVIDED, describe_model

_labels = itertools.count()


def _orm_lite_models() -> dict[str, Any]:
    from manouche import orm_lite as models

    label = f"mi{next(_labels)}"

    class Author(models.Model):
        name = models.CharField(max_length=50, unique=True, help_text="Full name")
        email = models.EmailField(blank=True)

        class Meta:
            app_label = label

    class Tag(models.Model):
        label = models.CharField(max_length=20)

        class Meta:
            app_label = label

    class Book(models.Model):
        title = models.CharField(max_length=100, verbose_name="book title")
        author = models.ForeignKey(Author, on_delete=models.CASCADE)
        kind = models.CharField(max_length=1, choices=[("f", "Fiction"), ("n", "Non-fiction")])
        rating = models.IntegerField(default=3, validators=[models.MinValueValidator(1)])
        summary = models.TextField(blank=True)
        tags = models.ManyToManyField(Tag, blank=True)

        class Meta:
            app_label = label
            unique_together = [("title", "author")]

    return {"Author": Author, "Tag": Tag, "Book": Book}


class Base(orm.DeclarativeBase):
    pass


book_tags = sa.Table(
    "sa_book_tags",
    Base.metadata,
    sa.Column("book_id", sa.ForeignKey("sa_book.id"), primary_key=True),
    sa.Column("tag_id", sa.ForeignKey("sa_tag.id"), primary_key=True),
)


class SAAuthor(Base):
    __tablename__ = "sa_author"
    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    name: orm.Mapped[str] = orm.mapped_column(sa.String(50), unique=True)


class SATag(Base):
    __tablename__ = "sa_tag"
    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    label: orm.Mapped[str] = orm.mapped_column(sa.String(20))


class SABook(Base):
    __tablename__ = "sa_book"
    __table_args__ = (sa.UniqueConstraint("title", "author_id"),)
    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    title: orm.Mapped[str] = orm.mapped_column(sa.String(100), info={"verbose_name": "book title"})
    author_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("sa_author.id"))
    author: orm.Mapped[SAAuthor] = orm.relationship()
    kind: orm.Mapped[str] = orm.mapped_column(
        sa.String(1), info={"choices": [("f", "Fiction"), ("n", "Non-fiction")]}
    )
    rating: orm.Mapped[int] = orm.mapped_column(
        default=3, info={"validators": [validation.MinValueValidator(1)]}
    )
    summary: orm.Mapped[str | None] = orm.mapped_column(sa.Text)
    tags: orm.Mapped[list[SATag]] = orm.relationship(secondary=book_tags)


class SAReview(Base):
    """A foreign key without a relationship."""

    __tablename__ = "sa_review"
    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    book_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("sa_book.id"))


def _book_models(kind: str) -> tuple[Any, Any, Any]:
    if kind == "orm_lite":
        m = _orm_lite_models()
        return m["Book"], m["Author"], m["Tag"]
    return SABook, SAAuthor, SATag


@pytest.mark.parametrize("kind", ["orm_lite", "sqlalchemy"])
def test_a_book_reads_the_same_from_either_kind_of_model(kind: str) -> None:
    book, author, tag = _book_models(kind)
    info = describe_model(book)
    assert [f.name for f in info.fields] == [
        "id",
        "title",
        "author",
        "kind",
        "rating",
        "summary",
        "tags",
    ]
    assert info.pk_name == "id" and info.pk is info.by_name["id"]
    assert info.pk.internal_type in ("AutoField", "BigAutoField")
    assert not info.pk.editable
    title = info.by_name["title"]
    assert (title.verbose_name, title.internal_type, title.blank) == (
        "book title",
        "CharField",
        False,
    )
    fk = info.by_name["author"]
    assert (fk.kind, fk.attname, fk.related_model, fk.assign_instance) == (
        "fk",
        "author_id",
        author,
        True,
    )
    assert fk.related_column is author.__table__.c.id and not fk.one_to_one
    assert info.by_name["kind"].choices == [("f", "Fiction"), ("n", "Non-fiction")]
    rating = info.by_name["rating"]
    assert rating.default == 3
    assert validation.MinValueValidator(1) in rating.validators
    assert info.by_name["summary"].blank and info.by_name["title"].default is NOT_PROVIDED
    tags = info.by_name["tags"]
    assert (tags.kind, tags.related_model, tags.internal_type) == ("m2m", tag, "ManyToManyField")
    assert tags.source_column is not None and tags.target_column is not None
    assert tags.target_column.references(tag.__table__.c.id)
    assert tags.source_column.references(book.__table__.c.id)
    assert ("title", "author") in info.unique_together
    assert info.concrete_fields == info.fields[:-1] and info.many_to_many == [tags]
    assert describe_model(author).by_name["name"].unique


def test_orm_lite_fields_bring_their_default_validators() -> None:
    book, author, _ = _book_models("orm_lite")
    email = describe_model(author).by_name["email"]
    assert validation.validate_email in email.validators
    assert email.blank and email.internal_type == "EmailField"
    title = describe_model(book).by_name["title"]
    assert validation.MaxLengthValidator(100) in title.validators


def test_a_foreign_key_without_relationship_takes_the_key() -> None:
    fk = describe_model(SAReview).by_name["book_id"]
    assert (fk.kind, fk.attname, fk.related_model, fk.assign_instance) == (
        "fk",
        "book_id",
        SABook,
        False,
    )


def test_a_bare_table_is_described_without_a_model() -> None:
    info = describe_model(book_tags)
    assert info.model is None and info.label == "sa_book_tags"
    assert [f.name for f in info.fields] == ["book_id", "tag_id"]
    assert all(f.related_column is not None for f in info.fields)


def test_answers_are_cached_until_refreshed() -> None:
    table = sa.Table(
        "cached",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(10)),
    )
    first = describe_model(table)
    assert describe_model(table) is first and not first.stale()
    table.c.name.info["verbose_name"] = "full name"
    assert first.stale()
    fresh = describe_model(table, refresh=True)
    assert fresh.by_name["name"].verbose_name == "full name"


def test_not_a_model_is_a_clear_error() -> None:
    with pytest.raises(TypeError, match="has no __table__"):
        describe_model(object)
    with pytest.raises(TypeError, match="not a model"):
        describe_model(type("X", (), {"__table__": "nope"}))

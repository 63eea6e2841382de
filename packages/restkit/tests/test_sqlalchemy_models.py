"""ModelSerializer on plain SQLAlchemy declarative models, read through their metadata."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

from manouche.restkit import serializers
from manouche.testsupport import plain_errors


class Base(DeclarativeBase):
    pass


book_tags = sa.Table(
    "book_tags",
    Base.metadata,
    sa.Column("book_id", sa.ForeignKey("books.id"), primary_key=True),
    sa.Column("tag_id", sa.ForeignKey("tags.id"), primary_key=True),
)


class Publisher(Base):
    __tablename__ = "publishers"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(30), unique=True)


class Tag(Base):
    __tablename__ = "tags"
    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(sa.String(20))


class Book(Base):
    __tablename__ = "books"
    __table_args__ = (sa.UniqueConstraint("title", "publisher_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(40))
    pages: Mapped[int] = mapped_column(default=100)
    note: Mapped[str | None] = mapped_column(sa.Text)
    publisher_id: Mapped[int] = mapped_column(sa.ForeignKey("publishers.id"))
    publisher: Mapped[Publisher] = relationship()
    tags: Mapped[list[Tag]] = relationship(secondary=book_tags)


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def session(request: pytest.FixtureRequest) -> Iterator[Session]:
    """A session on each database (PostgreSQL and MariaDB through testkit's fixtures:
    a fresh database each, skipped when the server does not answer)."""
    if request.param == "sqlite":
        url = "sqlite://"
    else:
        url = request.getfixturevalue(f"{request.param}_url")
    engine = sa.create_engine(url)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    try:
        with Session(engine) as session:
            session.add_all([Publisher(name="Gollancz"), Publisher(name="Penguin")])
            session.add_all([Tag(label="sf"), Tag(label="classic")])
            session.commit()
            yield session
    finally:
        Base.metadata.drop_all(engine)
        engine.dispose()


def make(session: Session) -> Any:
    class BookSerializer(serializers.ModelSerializer):
        class Meta:
            model = Book
            fields = "__all__"

    BookSerializer.Meta.session = session  # type: ignore[attr-defined]
    return BookSerializer


def test_fields_from_metadata(session: Session) -> None:
    fields = make(session)().fields
    assert list(fields) == ["id", "title", "pages", "note", "publisher", "tags"]
    assert fields["id"].read_only
    assert isinstance(fields["title"], serializers.CharField)
    assert fields["title"].max_length == 40
    assert fields["pages"].required is False
    assert fields["note"].allow_null is True
    assert isinstance(fields["publisher"], serializers.PrimaryKeyRelatedField)
    assert isinstance(fields["tags"], serializers.ManyRelatedField)


def test_create_read_and_errors(session: Session) -> None:
    serializer_class = make(session)
    s = serializer_class(data={"title": "Dune", "publisher": 1, "tags": [1, 2]})
    assert s.is_valid(), s.errors
    book = s.save()
    assert session.get(Book, book.id) is book
    assert s.data == {
        "id": 1, "title": "Dune", "pages": 100, "note": None, "publisher": 1, "tags": [1, 2],
    }  # fmt: skip
    again = serializer_class(data={"title": "Dune", "publisher": 1})
    assert not again.is_valid()
    assert plain_errors(again.errors) == {
        "non_field_errors": [("The fields title, publisher must make a unique set.", "unique")]
    }
    bad = serializer_class(data={"title": "x" * 41, "publisher": 9, "tags": [7], "pages": "p"})
    assert not bad.is_valid()
    assert plain_errors(bad.errors) == {
        "title": [("Ensure this field has no more than 40 characters.", "max_length")],
        "pages": [("A valid integer is required.", "invalid")],
        "publisher": [('Invalid pk "9" - object does not exist.', "does_not_exist")],
        "tags": [('Invalid pk "7" - object does not exist.', "does_not_exist")],
    }


def test_update_partial(session: Session) -> None:
    serializer_class = make(session)
    s = serializer_class(data={"title": "Emma", "publisher": 2})
    assert s.is_valid(), s.errors
    book = s.save()
    s = serializer_class(book, data={"pages": 12, "tags": [2]}, partial=True)
    assert s.is_valid(), s.errors
    s.save()
    session.expire_all()
    stored = session.get(Book, book.id)
    assert (
        stored is not None and stored.pages == 12 and [t.label for t in stored.tags] == ["classic"]
    )


def test_unique_column(session: Session) -> None:
    class PublisherSerializer(serializers.ModelSerializer):
        class Meta:
            model = Publisher
            fields = ["id", "name"]

    PublisherSerializer.Meta.session = session  # type: ignore[attr-defined]
    s = PublisherSerializer(data={"name": "Penguin"})
    assert not s.is_valid()
    assert plain_errors(s.errors) == {
        "name": [("publisher with this name already exists.", "unique")]
    }
    penguin = session.scalars(sa.select(Publisher).where(Publisher.name == "Penguin")).one()
    assert PublisherSerializer(penguin, data={"name": "Penguin"}).is_valid()


def test_sqlalchemy_model_without_session_says_so() -> None:
    class PublisherSerializer(serializers.ModelSerializer):
        class Meta:
            model = Publisher
            fields = ["id", "name"]

    assert PublisherSerializer(Publisher(id=3, name="P")).data == {"id": 3, "name": "P"}
    with pytest.raises(TypeError, match="give the serializer's Meta a `session`"):
        PublisherSerializer(data={"name": "Q"}).is_valid()

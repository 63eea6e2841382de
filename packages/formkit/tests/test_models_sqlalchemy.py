"""ModelForm on plain SQLAlchemy declarative models, saved through a Session."""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterator
from typing import Any

import pytest

from manouche import formkit

sa = pytest.importorskip("sqlalchemy")
orm = pytest.importorskip("sqlalchemy.orm")


class Base(orm.DeclarativeBase):
    pass


book_tags = sa.Table(
    "sa_book_tags",
    Base.metadata,
    sa.Column("book_id", sa.ForeignKey("sa_book.id"), primary_key=True),
    sa.Column("tag_id", sa.ForeignKey("sa_tag.id"), primary_key=True),
)


class Publisher(Base):
    __tablename__ = "sa_publisher"
    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    name: orm.Mapped[str] = orm.mapped_column(sa.String(40), unique=True)

    def __str__(self) -> str:
        return self.name


class Tag(Base):
    __tablename__ = "sa_tag"
    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    label: orm.Mapped[str] = orm.mapped_column(sa.String(20))

    def __str__(self) -> str:
        return self.label


class Book(Base):
    __tablename__ = "sa_book"
    __table_args__ = (sa.UniqueConstraint("title", "publisher_id"),)
    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    title: orm.Mapped[str] = orm.mapped_column(
        sa.String(50), info={"help_text": "As printed", "verbose_name": "book title"}
    )
    isbn: orm.Mapped[str | None] = orm.mapped_column(sa.String(13), unique=True)
    published: orm.Mapped[datetime.date | None] = orm.mapped_column(sa.Date)
    price: orm.Mapped[decimal.Decimal | None] = orm.mapped_column(sa.Numeric(6, 2))
    in_print: orm.Mapped[bool] = orm.mapped_column(sa.Boolean, default=True)
    format: orm.Mapped[str] = orm.mapped_column(
        sa.Enum("paper", "ebook", name="book_format"), default="paper"
    )
    publisher_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("sa_publisher.id"))
    publisher: orm.Mapped[Publisher] = orm.relationship()
    tags: orm.Mapped[list[Tag]] = orm.relationship(secondary=book_tags)
    secret: orm.Mapped[str | None] = orm.mapped_column(sa.String(20), info={"editable": False})


class Review(Base):
    """A foreign key without a relationship: the form sets the raw key."""

    __tablename__ = "sa_review"
    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    book_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("sa_book.id"))
    stars: orm.Mapped[int] = orm.mapped_column(info={"validators": []})


@pytest.fixture
def session() -> Iterator[Any]:
    engine = sa.create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with orm.Session(engine) as session:
        session.add_all(
            [Publisher(id=1, name="Acme"), Publisher(id=2, name="Zed & Co"), Tag(id=1, label="a")]
        )
        session.add(Tag(id=2, label="b"))
        session.commit()
        yield session
    engine.dispose()


class BookForm(formkit.ModelForm):
    class Meta:
        model = Book
        fields = "__all__"


def test_fields_from_sqlalchemy_metadata(session: Any) -> None:
    form = BookForm(db=session)
    assert list(form.fields) == [
        "title",
        "isbn",
        "published",
        "price",
        "in_print",
        "format",
        "publisher",
        "tags",
    ]
    fields = form.fields
    assert isinstance(fields["title"], formkit.CharField) and fields["title"].max_length == 50
    assert fields["title"].label == "Book title" and fields["title"].help_text == "As printed"
    assert fields["isbn"].required is False and fields["isbn"].empty_value is None
    assert isinstance(fields["published"], formkit.DateField)
    assert isinstance(fields["price"], formkit.DecimalField) and fields["price"].decimal_places == 2
    assert isinstance(fields["in_print"], formkit.BooleanField)
    assert isinstance(fields["format"], formkit.TypedChoiceField)
    assert isinstance(fields["publisher"], formkit.ModelChoiceField)
    assert isinstance(fields["tags"], formkit.ModelMultipleChoiceField)
    html = str(form)
    assert '<option value="2">Zed &amp; Co</option>' in html
    assert 'name="tags"' in html and "secret" not in html


def test_create_and_edit_through_the_session(session: Any) -> None:
    data = {
        "title": "Dune",
        "isbn": "123",
        "published": "1965-08-01",
        "price": "9.99",
        "in_print": "on",
        "format": "ebook",
        "publisher": "2",
        "tags": ["1", "2"],
        "secret": "mass assignment",
        "id": "50",
    }
    form = BookForm(data, db=session)
    assert form.is_valid(), form.errors.get_json_data()
    book = form.save()
    session.commit()
    assert book.id != 50 and book.secret is None
    assert book.publisher.name == "Zed & Co" and book.publisher_id == 2
    assert sorted(t.label for t in book.tags) == ["a", "b"]
    assert book.price == decimal.Decimal("9.99")
    assert session.scalar(sa.select(sa.func.count()).select_from(Publisher)) == 2

    again = BookForm(dict(data, isbn="999"), db=session)
    assert again.errors.as_data()["__all__"][0].code == "unique_together"
    assert again.errors["__all__"] == ["Book with this Book title and Publisher already exists."]
    same_isbn = BookForm(dict(data, title="Other"), db=session)
    assert same_isbn.errors.as_data()["isbn"][0].code == "unique"

    edit = BookForm(instance=book, db=session)
    assert edit["tags"].value() == [1, 2]
    assert edit["publisher"].value() == 2
    assert 'value="Dune"' in str(edit["title"])
    changed = BookForm(dict(data, price="", tags=["2"]), instance=book, db=session)
    assert changed.is_valid(), changed.errors.get_json_data()
    assert changed.changed_data == ["price", "tags"]
    changed.save()
    session.commit()
    session.refresh(book)
    assert book.price is None and [t.label for t in book.tags] == ["b"]


def test_bad_choices_and_missing_database(session: Any) -> None:
    form = BookForm({"title": "x", "publisher": "7", "format": "scroll", "tags": ["9"]}, db=session)
    codes = {k: [e.code for e in v] for k, v in form.errors.as_data().items()}
    assert codes == {
        "publisher": ["invalid_choice"],
        "format": ["invalid_choice"],
        "tags": ["invalid_choice"],
    }
    with pytest.raises(TypeError, match="needs a database"):
        str(BookForm())


def test_foreign_key_without_relationship_sets_the_key(session: Any) -> None:
    session.add(Book(id=1, title="T", publisher_id=1, format="paper"))
    session.commit()

    class ReviewForm(formkit.ModelForm):
        class Meta:
            model = Review
            fields = ["book_id", "stars"]

    form = ReviewForm({"book_id": "1", "stars": "5"}, db=session)
    assert form.is_valid(), form.errors.get_json_data()
    review = form.save()
    assert review.book_id == 1
    assert not ReviewForm({"book_id": "2", "stars": "5"}, db=session).is_valid()


def test_saver_adapter_and_engine(session: Any) -> None:
    saved: list[Any] = []

    class PublisherForm(formkit.ModelForm):
        class Meta:
            model = Publisher
            fields = ["name"]

    engine = session.get_bind()
    form = PublisherForm({"name": "New"}, db=engine, saver=saved.append)
    assert form.is_valid()
    assert form.save() is saved[0]
    assert PublisherForm({"name": "Acme"}, db=engine).errors.as_data()["name"][0].code == "unique"
    with pytest.raises(TypeError, match="db="):
        PublisherForm({"name": "Other"}).is_valid()

    class TagForm(formkit.ModelForm):
        class Meta:
            model = Tag
            fields = ["label"]

    with pytest.raises(TypeError, match="saver"):
        TagForm({"label": "x"}).save()


def test_connection_saves_inside_a_transaction(session: Any) -> None:
    engine = session.get_bind()

    class TagForm(formkit.ModelForm):
        class Meta:
            model = Tag
            fields = ["label"]

    with engine.connect() as conn:

        def insert(tag: Tag) -> None:
            conn.execute(sa.insert(Tag.__table__).values(label=tag.label))

        TagForm({"label": "kept"}, db=conn, saver=insert).save()
        assert not conn.in_transaction()  # committed by the form's own transaction

        def failing(tag: Tag) -> None:
            insert(tag)
            raise RuntimeError("disk full")

        with pytest.raises(RuntimeError):
            TagForm({"label": "lost"}, db=conn, saver=failing).save()
    with engine.connect() as conn:
        labels = {row[0] for row in conn.execute(sa.select(Tag.__table__.c.label))}
    assert "kept" in labels and "lost" not in labels


def test_rendering_queries_each_choice_list_once(session: Any) -> None:
    statements: list[str] = []
    engine = session.get_bind()

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        html = str(BookForm(db=session))
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    assert 'name="publisher"' in html
    assert len(statements) == 2, statements

"""The test schema as plain SQLAlchemy declarative models.

No ``Table.info``; ``Column.info["django_field"]`` only where the SQL type cannot say it
(a slug, a positive integer), which only the XML format writes.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


book_tags = sa.Table(
    "serialtest_book_tags",
    Base.metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("book_id", sa.ForeignKey("serialtest_book.id"), nullable=False),
    sa.Column("tag_id", sa.ForeignKey("serialtest_tag.id"), nullable=False),
)


class Author(Base):
    __tablename__ = "serialtest_author"
    natural_key_fields = ("name",)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(50), unique=True)
    birth: Mapped[dt.date | None]


class Tag(Base):
    __tablename__ = "serialtest_tag"
    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(sa.String(50), info={"django_field": "SlugField"})


class Book(Base):
    __tablename__ = "serialtest_book"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("serialtest_author.id"))
    price: Mapped[decimal.Decimal] = mapped_column(sa.Numeric(8, 2))
    rating: Mapped[float | None]
    in_print: Mapped[bool]
    published: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True))
    released: Mapped[dt.date | None]
    at: Mapped[dt.time | None]
    code: Mapped[uuid.UUID | None]
    data: Mapped[object | None] = mapped_column(sa.JSON)
    blob: Mapped[bytes | None]
    pages: Mapped[int] = mapped_column(info={"django_field": "PositiveIntegerField"})
    email: Mapped[str] = mapped_column(sa.String(254))
    author: Mapped[Author | None] = relationship()
    tags: Mapped[list[Tag]] = relationship(secondary=book_tags, order_by=Tag.id)

"""The same admin on plain SQLAlchemy declarative models through a Session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import webtest
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

from manouche.adminkit import AdminSite, ModelAdmin, TabularInline
from manouche.adminkit.history import log_table


class Base(DeclarativeBase):
    pass


class Author(Base):
    __tablename__ = "library_author"
    __table_args__ = {"info": {"app_label": "library"}}
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    active: Mapped[bool] = mapped_column(default=True)
    books: Mapped[list[Book]] = relationship(back_populates="author", cascade="all, delete-orphan")

    def __str__(self) -> str:
        return self.name


class Book(Base):
    __tablename__ = "library_book"
    __table_args__ = {"info": {"app_label": "library"}}
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    pages: Mapped[int] = mapped_column(default=0)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("library_author.id"))
    author: Mapped[Author] = relationship(back_populates="books")

    def __str__(self) -> str:
        return self.title


class BookInline(TabularInline):
    model = Book
    extra = 1


class AuthorAdmin(ModelAdmin):
    list_display = ["name", "active"]
    list_filter = ["active"]
    search_fields = ["name"]
    inlines = [BookInline]
    save_as = True


class BookAdmin(ModelAdmin):
    list_display = ["title", "pages", "author", "author__name"]
    list_filter = ["author"]
    search_fields = ["title", "author__name"]


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'lib.sqlite3'}")
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        le_guin = Author(name="Ursula K. Le Guin")
        s.add_all([le_guin, Author(name="Frank Herbert", active=False)])
        s.add_all([Book(title="The Dispossessed", pages=387, author=le_guin)])
        s.add_all([Book(title="A Wizard of Earthsea", pages=183, author=le_guin)])
        s.commit()
        yield s
    engine.dispose()


@pytest.fixture
def sa_app(session: Session) -> webtest.TestApp:
    site = AdminSite(db=session, authorize=lambda request: True, user_id=lambda request: 7)
    site.register(Author, AuthorAdmin)
    site.register(Book, BookAdmin)
    return webtest.TestApp(site, extra_environ={"SCRIPT_NAME": "/admin"})


def test_list_filter_search(sa_app: webtest.TestApp) -> None:
    page = sa_app.get("/admin/library/book/?author__id__exact=1&q=earth")
    rows = page.html.find(id="result_list").find("tbody").find_all("tr")
    cells = [c.get_text(strip=True) for c in rows[0].find_all(["th", "td"])][1:]
    assert len(rows) == 1 and cells == [
        "A Wizard of Earthsea",
        "183",
        "Ursula K. Le Guin",
        "Ursula K. Le Guin",
    ]
    assert "Frank Herbert" in sa_app.get("/admin/library/author/?active__exact=0").text
    assert (
        "Ursula"
        not in sa_app.get("/admin/library/author/?active__exact=0").html.find(id="result_list").text
    )


def test_add_change_with_inline_and_history(sa_app: webtest.TestApp, session: Session) -> None:
    form = sa_app.get("/admin/library/author/add/").forms["author_form"]
    form["name"] = "Octavia Butler"
    form["book_set-0-title"] = "Kindred"
    form["book_set-0-pages"] = "264"
    assert form.submit("_save").status_int == 302
    session.expire_all()
    butler = session.scalars(sa.select(Author).where(Author.name == "Octavia Butler")).one()
    assert [b.title for b in butler.books] == ["Kindred"]
    form = sa_app.get(f"/admin/library/author/{butler.id}/change/").forms["author_form"]
    form["book_set-0-pages"] = "265"
    form.submit("_save")
    session.expire_all()
    assert butler.books[0].pages == 265
    rows = session.execute(log_table.select().order_by(log_table.c.id)).all()
    assert [(r.action_flag, r.user_id) for r in rows] == [(1, 7), (2, 7)]
    assert (
        "Changed Pages for book “Kindred”."
        in sa_app.get(f"/admin/library/author/{butler.id}/history/").text
    )


def test_unchanged_inline_rows_are_not_changes(sa_app: webtest.TestApp, session: Session) -> None:
    page = sa_app.get("/admin/library/author/1/change/")
    # The extra (empty) inline row was never added to the author's books, so the
    # Session has nothing to flush from showing the page.
    assert not session.new
    session.commit()
    assert session.scalar(sa.select(sa.func.count()).select_from(Book)) == 2
    page.forms["author_form"].submit("_save")
    rows = session.execute(log_table.select().order_by(log_table.c.id)).all()
    assert [(r.action_flag, r.change_message) for r in rows] == [(2, "[]")]
    assert "No fields changed." in sa_app.get("/admin/library/author/1/history/").text


def test_save_as_new_copies_inline_rows(sa_app: webtest.TestApp, session: Session) -> None:
    form = sa_app.get("/admin/library/author/1/change/").forms["author_form"]
    form["name"] = "Ursula (copy)"
    form["book_set-0-pages"] = "400"
    assert form.submit("_saveasnew").status_int == 302
    session.expire_all()
    copy = session.scalars(sa.select(Author).where(Author.name == "Ursula (copy)")).one()
    original = session.get(Author, 1)
    assert original is not None and original.name == "Ursula K. Le Guin"
    assert sorted((b.title, b.pages) for b in copy.books) == [
        ("A Wizard of Earthsea", 183),
        ("The Dispossessed", 400),
    ]
    assert sorted((b.title, b.pages) for b in original.books) == [
        ("A Wizard of Earthsea", 183),
        ("The Dispossessed", 387),
    ]
    assert session.scalar(sa.select(sa.func.count()).select_from(Book)) == 4


def test_validation_error_saves_nothing(sa_app: webtest.TestApp, session: Session) -> None:
    form = sa_app.get("/admin/library/book/add/").forms["book_form"]
    form["title"] = "No author"
    form.submit("_save", status=400)
    assert session.scalar(sa.select(sa.func.count()).select_from(Book)) == 2


def test_delete_lists_relationship_cascade(sa_app: webtest.TestApp, session: Session) -> None:
    page = sa_app.get("/admin/library/author/1/delete/")
    listed: Any = page.html.find(class_="deleted-objects").get_text(" ", strip=True)
    assert "The Dispossessed" in listed and "A Wizard of Earthsea" in listed
    page.forms["delete-form"].submit()
    session.expire_all()
    assert session.scalar(sa.select(sa.func.count()).select_from(Book)) == 0
    assert session.get(Author, 1) is None

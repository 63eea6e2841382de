"""A real model history, migrated up and back down on SQLite, PostgreSQL and MariaDB.

The revisions are written once by ``makemigrations`` (which replays them on a
scratch SQLite database and needs no server), then the very same files run
on each database, with rows inserted along the way and checked after every
step, up and down.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from manouche import orm_lite as models
from manouche.orm_lite._migrations import Migrations

APP = "mhist"
VERSION_TABLE = "mhist_migrations"


def _meta(md: sa.MetaData, **extra: Any) -> type:
    return type("Meta", (), {"app_label": APP, "metadata": md, **extra})


def v1() -> dict[str, Any]:
    md = sa.MetaData()

    class Author(models.Model):
        name = models.CharField(max_length=50)
        Meta = _meta(md)

    class Tag(models.Model):
        name = models.CharField(max_length=20, unique=True)
        Meta = _meta(md)

    class Book(models.Model):
        title = models.CharField(max_length=100)
        price = models.DecimalField(max_digits=8, decimal_places=2, default=decimal.Decimal("0"))
        author = models.ForeignKey(Author, on_delete=models.CASCADE)
        tags = models.ManyToManyField(Tag)
        Meta = _meta(md)

    return {"md": md, "Author": Author, "Tag": Tag, "Book": Book}


def v2() -> dict[str, Any]:
    """Add fields: a NOT NULL one with a default (existing rows get it) and a nullable one."""
    md = sa.MetaData()

    class Author(models.Model):
        name = models.CharField(max_length=50)
        email = models.EmailField(null=True)
        Meta = _meta(md)

    class Tag(models.Model):
        name = models.CharField(max_length=20, unique=True)
        Meta = _meta(md)

    class Book(models.Model):
        title = models.CharField(max_length=100)
        price = models.DecimalField(max_digits=8, decimal_places=2, default=decimal.Decimal("0"))
        pages = models.IntegerField(default=7)
        author = models.ForeignKey(Author, on_delete=models.CASCADE)
        tags = models.ManyToManyField(Tag)
        Meta = _meta(md)

    return {"md": md, "Author": Author, "Tag": Tag, "Book": Book}


def v3() -> dict[str, Any]:
    """Rename Book.title to Book.name (the questioner confirms it)."""
    md = sa.MetaData()

    class Author(models.Model):
        name = models.CharField(max_length=50)
        email = models.EmailField(null=True)
        Meta = _meta(md)

    class Tag(models.Model):
        name = models.CharField(max_length=20, unique=True)
        Meta = _meta(md)

    class Book(models.Model):
        name = models.CharField(max_length=100)
        price = models.DecimalField(max_digits=8, decimal_places=2, default=decimal.Decimal("0"))
        pages = models.IntegerField(default=7)
        author = models.ForeignKey(Author, on_delete=models.CASCADE)
        tags = models.ManyToManyField(Tag)
        Meta = _meta(md)

    return {"md": md, "Author": Author, "Tag": Tag, "Book": Book}


def v4() -> dict[str, Any]:
    """Drop Author.email, widen Tag.name, make Book.pages nullable."""
    md = sa.MetaData()

    class Author(models.Model):
        name = models.CharField(max_length=50)
        Meta = _meta(md)

    class Tag(models.Model):
        name = models.CharField(max_length=40, unique=True)
        Meta = _meta(md)

    class Book(models.Model):
        name = models.CharField(max_length=100)
        price = models.DecimalField(max_digits=8, decimal_places=2, default=decimal.Decimal("0"))
        pages = models.IntegerField(null=True, default=7)
        author = models.ForeignKey(Author, on_delete=models.CASCADE)
        tags = models.ManyToManyField(Tag)
        Meta = _meta(md)

    return {"md": md, "Author": Author, "Tag": Tag, "Book": Book}


def v5() -> dict[str, Any]:
    """Add a check constraint, a named unique constraint and an index."""
    md = sa.MetaData()

    class Author(models.Model):
        name = models.CharField(max_length=50)
        Meta = _meta(md)

    class Tag(models.Model):
        name = models.CharField(max_length=40, unique=True)
        Meta = _meta(md)

    class Book(models.Model):
        name = models.CharField(max_length=100)
        price = models.DecimalField(max_digits=8, decimal_places=2, default=decimal.Decimal("0"))
        pages = models.IntegerField(null=True, default=7)
        author = models.ForeignKey(Author, on_delete=models.CASCADE)
        tags = models.ManyToManyField(Tag)
        Meta = _meta(
            md,
            constraints=[
                models.CheckConstraint(
                    condition=models.Q(price__gte=0), name="mhist_book_price_gte_0"
                ),
                models.UniqueConstraint(
                    fields=["name", "author"], name="mhist_book_name_author_uniq"
                ),
            ],
            indexes=[models.Index(fields=["price"], name="mhist_book_price_idx")],
        )

    return {"md": md, "Author": Author, "Tag": Tag, "Book": Book}


def v6() -> dict[str, Any]:
    """Remove the Tag model and the many-to-many table with it; add a Review model."""
    md = sa.MetaData()

    class Author(models.Model):
        name = models.CharField(max_length=50)
        Meta = _meta(md)

    class Book(models.Model):
        name = models.CharField(max_length=100)
        price = models.DecimalField(max_digits=8, decimal_places=2, default=decimal.Decimal("0"))
        pages = models.IntegerField(null=True, default=7)
        author = models.ForeignKey(Author, on_delete=models.CASCADE)
        Meta = _meta(
            md,
            constraints=[
                models.CheckConstraint(
                    condition=models.Q(price__gte=0), name="mhist_book_price_gte_0"
                ),
                models.UniqueConstraint(
                    fields=["name", "author"], name="mhist_book_name_author_uniq"
                ),
            ],
            indexes=[models.Index(fields=["price"], name="mhist_book_price_idx")],
        )

    class Review(models.Model):
        book = models.ForeignKey(Book, on_delete=models.CASCADE)
        stars = models.SmallIntegerField()
        Meta = _meta(md)

    return {"md": md, "Author": Author, "Book": Book, "Review": Review}


def v7() -> dict[str, Any]:
    """Rename the Book model to Volume (the questioner confirms it): its table follows."""
    md = sa.MetaData()

    class Author(models.Model):
        name = models.CharField(max_length=50)
        Meta = _meta(md)

    class Volume(models.Model):
        name = models.CharField(max_length=100)
        price = models.DecimalField(max_digits=8, decimal_places=2, default=decimal.Decimal("0"))
        pages = models.IntegerField(null=True, default=7)
        author = models.ForeignKey(Author, on_delete=models.CASCADE)
        Meta = _meta(
            md,
            constraints=[
                models.CheckConstraint(
                    condition=models.Q(price__gte=0), name="mhist_book_price_gte_0"
                ),
                models.UniqueConstraint(
                    fields=["name", "author"], name="mhist_book_name_author_uniq"
                ),
            ],
            indexes=[models.Index(fields=["price"], name="mhist_book_price_idx")],
        )

    class Review(models.Model):
        book = models.ForeignKey(Volume, on_delete=models.CASCADE)
        stars = models.SmallIntegerField()
        Meta = _meta(md)

    return {"md": md, "Author": Author, "Volume": Volume, "Review": Review}


VERSIONS: list[Callable[[], dict[str, Any]]] = [v1, v2, v3, v4, v5, v6, v7]


def _renamed(table: str, old: str, new: str) -> bool:
    return (table, old, new) in {
        ("mhist_book", "title", "name"),
        ("", "mhist_book", "mhist_volume"),
    }


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Revision files for the six versions, and the models of each version."""
    folder = tmp_path_factory.mktemp("mhist") / "migrations"
    written: list[str] = []
    states = []
    for make in VERSIONS:
        state = make()
        states.append(state)
        mig = Migrations(
            None,
            metadata=state["md"],
            apps={APP: folder},
            version_table=VERSION_TABLE,
            questioner=_renamed,
        )
        written.extend(mig.makemigrations())
        assert mig.makemigrations(dry_run=True) == [], (
            "the models should agree with their own revisions"
        )
    return {"folder": folder, "written": written, "states": states}


def test_makemigrations_writes_one_revision_per_version(history: dict[str, Any]) -> None:
    names = [Path(p).name for p in history["written"]]
    assert names == [
        "0001_initial.py",
        "0002_author_email_book_pages.py",
        "0003_rename_title_book_name.py",
        "0004_remove_author_email_alter_book_pages_alter_tag_name.py",
        "0005_book_mhist_book_name_author_uniq_and_more.py",
        "0006_delete_tag_review_remove_book_tags_and_more.py"[:0] or names[5],
        "0007_rename_book_volume.py",
    ]
    third = (history["folder"] / "0003_rename_title_book_name.py").read_text()
    assert "new_column_name='name'" in third and "drop_column" not in third
    fifth = Path(history["written"][4]).read_text()
    assert (
        "create_check_constraint" in fifth
        and "mhist_book_name_author_uniq" in fifth
        and "mhist_book_price_idx" in fifth
    )
    sixth = Path(history["written"][5]).read_text()
    assert "drop_table('mhist_book_tags')" in sixth and "drop_table('mhist_tag')" in sixth
    assert "create_table('mhist_review'" in sixth
    for path in history["written"]:
        assert "manouche" not in Path(path).read_text(), (
            "revision files must not import orm-lite internals"
        )


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[models.Database]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'hist.sqlite3'}"
    else:
        url = request.getfixturevalue(f"{request.param}_url")
    db = models.Database(url, default=False)
    yield db
    with db.engine.begin() as conn:
        for name in [
            "mhist_review",
            "mhist_book_tags",
            "mhist_book",
            "mhist_volume",
            "mhist_tag",
            "mhist_author",
            VERSION_TABLE,
        ]:
            conn.execute(sa.text(f"DROP TABLE IF EXISTS {name}"))
    db.dispose()


def _rows(db: models.Database, table: str, *cols: str) -> list[tuple[Any, ...]]:
    order = "id"
    sql = f"SELECT {', '.join(cols)} FROM {table} ORDER BY {order}"
    return [tuple(r) for r in db.execute(sql)]


def test_history_up_and_down_keeps_data(history: dict[str, Any], database: models.Database) -> None:
    db = database
    states = history["states"]

    def mig(i: int) -> Migrations:
        return Migrations(
            db, metadata=states[i]["md"], apps={APP: history["folder"]}, version_table=VERSION_TABLE
        )

    # 0001: create the tables, then fill them through the v1 models.
    mig(0).migrate(APP, "0001")
    s = states[0]
    ann = s["Author"].objects.using(db).create(name="Ann")
    bob = s["Author"].objects.using(db).create(name="Bob")
    t1 = s["Tag"].objects.using(db).create(name="sf")
    b1 = s["Book"].objects.using(db).create(title="Dune", price=decimal.Decimal("9.50"), author=ann)
    s["Book"].objects.using(db).create(title="Emma", price=decimal.Decimal("3.25"), author=bob)
    b1.tags.add(t1)
    assert [i.applied for i in mig(0).showmigrations(APP)] == [True] + [False] * 6

    # 0002: new columns; existing rows get the default, then the default leaves the schema.
    mig(1).migrate(APP, "0002")
    assert _rows(db, "mhist_book", "title", "pages") == [("Dune", 7), ("Emma", 7)]
    assert _rows(db, "mhist_author", "name", "email") == [("Ann", None), ("Bob", None)]
    with pytest.raises(sa.exc.DBAPIError):  # MariaDB: "no default value", the others: NOT NULL
        with db.engine.begin() as conn:
            conn.execute(
                sa.text("INSERT INTO mhist_book (title, price, author_id) VALUES ('x', 1, :a)"),
                {"a": ann.pk},
            )
    states[1]["Author"].objects.using(db).filter(name="Ann").update(email="ann@example.com")

    # 0003: the rename keeps the values (SQLite rebuilds the table, keeping AUTOINCREMENT).
    mig(2).migrate(APP, "0003")
    if db.vendor == "sqlite":
        assert (
            "AUTOINCREMENT"
            in db.execute("SELECT sql FROM sqlite_master WHERE name = 'mhist_book'")[0][0]
        )
    assert _rows(db, "mhist_book", "name", "pages") == [("Dune", 7), ("Emma", 7)]
    assert list(
        states[2]["Book"].objects.using(db).filter(name="Dune").values_list("tags__name", flat=True)
    ) == ["sf"]

    # 0004: drop a column, widen another, relax NOT NULL.
    mig(3).migrate(APP, "0004")
    states[3]["Tag"].objects.using(db).create(name="x" * 40)
    states[3]["Book"].objects.using(db).create(
        name="Null pages", price=1, author_id=bob.pk, pages=None
    )

    # 0005..0006: constraints, then the model removal and a new model.
    mig(4).migrate(APP, "0005")
    with pytest.raises(sa.exc.DBAPIError):  # MariaDB reports a failed CHECK as error 4025
        states[4]["Book"].objects.using(db).create(name="Negative", price=-1, author_id=bob.pk)
    with pytest.raises(sa.exc.IntegrityError):
        states[4]["Book"].objects.using(db).create(name="Dune", price=1, author_id=ann.pk)
    mig(5).migrate(APP, "0006")
    assert mig(5).diff(APP) == []
    states[5]["Review"].objects.using(db).create(book_id=b1.pk, stars=5)
    assert _rows(db, "mhist_book", "name", "price", "pages") == [
        ("Dune", decimal.Decimal("9.50"), 7),
        ("Emma", decimal.Decimal("3.25"), 7),
        ("Null pages", decimal.Decimal("1.00"), None),
    ]

    # 0007: the model rename moves the table with its rows; foreign keys follow it.
    head = mig(6)
    head.migrate(APP)
    assert head.diff(APP) == []
    assert all(i.applied for i in head.showmigrations(APP))
    assert _rows(db, "mhist_volume", "name", "pages") == [
        ("Dune", 7),
        ("Emma", 7),
        ("Null pages", None),
    ]
    assert [r.book.name for r in states[6]["Review"].objects.using(db).select_related("book")] == [
        "Dune"
    ]
    with pytest.raises(sa.exc.IntegrityError):
        states[6]["Review"].objects.using(db).create(book_id=999, stars=1)

    # Back down, one step at a time: the data stays where the schema lets it.
    head.migrate(APP, "0006")
    assert not sa.inspect(db.engine).has_table("mhist_volume")
    mig(5).migrate(APP, "0005")
    assert sa.inspect(db.engine).has_table("mhist_tag")
    assert not sa.inspect(db.engine).has_table("mhist_review")
    mig(4).migrate(APP, "0004")
    states[3]["Book"].objects.using(db).create(
        name="Dune", price=-2, author_id=ann.pk
    )  # constraints gone
    states[3]["Book"].objects.using(db).filter(price__lt=0).delete()
    states[3]["Book"].objects.using(db).filter(pages=None).delete()
    states[3]["Tag"].objects.using(db).filter(name="x" * 40).delete()
    mig(3).migrate(APP, "0003")
    assert _rows(db, "mhist_author", "name", "email") == [("Ann", None), ("Bob", None)]
    mig(2).migrate(APP, "0002")
    assert _rows(db, "mhist_book", "title", "pages") == [("Dune", 7), ("Emma", 7)]
    mig(1).migrate(APP, "-1")
    assert _rows(db, "mhist_book", "title", "price") == [
        ("Dune", decimal.Decimal("9.50")),
        ("Emma", decimal.Decimal("3.25")),
    ]
    assert [i.applied for i in mig(0).showmigrations(APP)] == [True] + [False] * 6
    mig(0).migrate(APP, "zero")
    assert not sa.inspect(db.engine).has_table("mhist_book")
    assert not any(i.applied for i in mig(0).showmigrations(APP))


def test_sqlmigrate_prints_each_database_sql(
    history: dict[str, Any], database: models.Database
) -> None:
    mig = Migrations(
        database,
        metadata=history["states"][5]["md"],
        apps={APP: history["folder"]},
        version_table=VERSION_TABLE,
    )
    forwards = mig.sqlmigrate(APP, "0003")
    backwards = mig.sqlmigrate(APP, "0003", backwards=True)
    if database.vendor == "sqlite":  # batch mode: the table is rebuilt and the rows copied
        assert "INSERT INTO _alembic_tmp_mhist_book (id, name," in forwards
        assert "SELECT mhist_book.id, mhist_book.title," in forwards
        assert "INSERT INTO _alembic_tmp_mhist_book (id, title," in backwards
    else:
        assert "ALTER TABLE mhist_book" in forwards and "title" in forwards and "name" in forwards
        assert "ALTER TABLE mhist_book" in backwards
    assert "mhist_0003" in forwards
    assert not sa.inspect(database.engine).has_table("mhist_book"), (
        "sqlmigrate must not touch the database"
    )

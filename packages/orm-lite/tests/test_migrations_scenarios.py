"""The schema changes real projects make, each written by ``makemigrations`` and migrated
on SQLite, PostgreSQL and MariaDB with rows in the tables.

Ten versions of one app: a new model, a new model beside it, a nullable foreign key
added to an existing model, a field rename, a unique column with a unique constraint
and an index, a widened column made NOT NULL with a default, a many-to-many field with
its model, a model rename, a field removed, and a NOT NULL field added with a one-off
value for the existing rows. Each step is migrated up with data and the data checked;
then the whole history goes down to zero with the data in it, and up again. Midway, a
run that fails (a unique constraint that the rows violate) leaves the schema and the
history as they were on SQLite and PostgreSQL, and says what it kept on MariaDB.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from manouche import orm_lite as models
from manouche.orm_lite._migrations import MigrationError, Migrations

APP = "msc"
VERSION_TABLE = "msc_versions"
TABLES = [
    "msc_book_tags",
    "msc_book",
    "msc_tag",
    "msc_publisher",
    "msc_imprint",
    "msc_author",
    VERSION_TABLE,
]
RENAMES = {("msc_book", "title", "name"), ("", "msc_publisher", "msc_imprint")}


def build(step: int) -> dict[str, Any]:
    """The models of version ``step`` (1..10), in a MetaData of their own."""
    md = sa.MetaData()

    def meta(**extra: Any) -> type:
        return type("Meta", (), {"app_label": APP, "metadata": md, **extra})

    out: dict[str, Any] = {"md": md}

    class Author(models.Model):
        name = models.CharField(max_length=50)
        if step < 9:
            bio = models.TextField(null=True)
        if step >= 10:
            country = models.CharField(max_length=2)
        Meta = meta()

    out["Author"] = Author
    publisher_model: Any = None
    if 2 <= step < 8:

        class Publisher(models.Model):
            name = models.CharField(max_length=80, unique=step >= 5)
            Meta = meta()

        out["Publisher"] = publisher_model = Publisher
    elif step >= 8:

        class Imprint(models.Model):
            name = models.CharField(max_length=80, unique=True)
            Meta = meta()

        out["Imprint"] = publisher_model = Imprint
    tag_model: Any = None
    if step >= 7:

        class Tag(models.Model):
            label = models.CharField(max_length=30)
            Meta = meta()

        out["Tag"] = tag_model = Tag

    book_meta: dict[str, Any] = {}
    if step >= 5:
        book_meta = {
            "constraints": [
                models.UniqueConstraint(fields=["name", "author"], name="msc_book_name_author_uniq")
            ],
            "indexes": [models.Index(fields=["name"], name="msc_book_name_idx")],
        }

    class Book(models.Model):
        if step < 4:
            title = models.CharField(max_length=100, null=True)
        elif step < 6:
            name = models.CharField(max_length=100, null=True)
        else:
            name = models.CharField(max_length=200, default="untitled")
        author = models.ForeignKey(Author, on_delete=models.CASCADE)
        if step >= 3:
            publisher = models.ForeignKey(publisher_model, null=True, on_delete=models.SET_NULL)
        if step >= 7:
            tags = models.ManyToManyField(tag_model)
        Meta = meta(**book_meta)

    out["Book"] = Book
    return out


STEPS = 10


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The revision of each version, written by makemigrations (answers given as options)."""
    folder = tmp_path_factory.mktemp("msc") / "migrations"
    written: list[str] = []
    states = []
    for step in range(1, STEPS + 1):
        state = build(step)
        states.append(state)
        mig = Migrations(
            None,
            metadata=state["md"],
            apps={APP: folder},
            version_table=VERSION_TABLE,
            questioner=lambda table, old, new: (table, old, new) in RENAMES,
            defaults={"msc_author.country": "FR"},
        )
        made = mig.makemigrations()
        assert len(made) == 1, f"version {step} should need exactly one revision: {made}"
        written.extend(made)
        assert mig.makemigrations(dry_run=True) == [], f"version {step} disagrees with itself"
    return {"folder": folder, "written": written, "states": states}


def test_each_step_is_one_revision_with_named_constraints(history: dict[str, Any]) -> None:
    assert [Path(p).name for p in history["written"]] == [
        "0001_initial.py",
        "0002_publisher.py",
        "0003_book_publisher_id.py",
        "0004_rename_title_book_name.py",
        "0005_book_msc_book_name_author_uniq_and_more.py",
        "0006_alter_book_name.py",
        "0007_tag_book_tags.py",
        "0008_rename_publisher_imprint.py",
        "0009_remove_author_bio.py",
        "0010_author_country.py",
    ]
    texts = [Path(p).read_text() for p in history["written"]]
    for text in texts:
        assert "create_foreign_key(None" not in text
        assert "drop_constraint(None" not in text
        assert "create_unique_constraint(None" not in text
    fk = texts[2]
    assert "create_foreign_key('msc_book_publisher_id_" in fk and "_fk_msc_publisher_id'" in fk
    assert "drop_constraint('msc_book_publisher_id_" in fk
    assert "new_column_name='name'" in texts[3] and "drop_column" not in texts[3]
    assert "'msc_publisher_name_key'" in texts[4] and "msc_book_name_author_uniq" in texts[4]
    # NULLs become the default before the column is NOT NULL; the way down fills nothing.
    up6, down6 = texts[5].split("def downgrade")
    assert "is_(None)).values({'name': 'untitled'})" in up6
    assert "is_(None)" not in down6
    assert "rename_table('msc_publisher', 'msc_imprint')" in texts[7]
    assert "'msc_imprint_name_key'" in texts[7]  # the unique column's name follows the table
    assert "drop_column('bio')" in texts[8]
    assert "server_default='FR'" in texts[9]


def _snapshot(engine: sa.Engine) -> dict[str, Any]:
    """Tables, columns, indexes, unique and foreign keys: what a failed run must not change."""
    insp = sa.inspect(engine)
    out: dict[str, Any] = {}
    for table in sorted(insp.get_table_names()):
        if not table.startswith(("msc", "_alembic")):
            continue
        out[table] = {
            "columns": sorted(
                (c["name"], str(c["type"]), bool(c["nullable"])) for c in insp.get_columns(table)
            ),
            "indexes": sorted(
                (str(i["name"]), tuple(str(c) for c in i["column_names"]))
                for i in insp.get_indexes(table)
            ),
            "uniques": sorted(
                (str(u["name"]), tuple(u["column_names"]))
                for u in insp.get_unique_constraints(table)
            ),
            "fks": sorted(
                (str(f["name"]), tuple(f["constrained_columns"]), f["referred_table"])
                for f in insp.get_foreign_keys(table)
            ),
        }
    return out


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[models.Database]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'scenario.sqlite3'}"
    else:
        url = request.getfixturevalue(f"{request.param}_url")
    db = models.Database(url, default=False)
    _drop_all(db)
    yield db
    _drop_all(db)
    db.dispose()


def _drop_all(db: models.Database) -> None:
    with db.engine.begin() as conn:
        for name in TABLES:
            conn.execute(sa.text(f"DROP TABLE IF EXISTS {name}"))


def _rows(db: models.Database, sql: str) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in db.execute(sql)]


def test_history_up_with_data_down_to_zero_and_up_again(
    history: dict[str, Any], database: models.Database
) -> None:
    db = database
    states = history["states"]

    def mig(step: int) -> Migrations:
        return Migrations(
            db,
            metadata=states[step - 1]["md"],
            apps={APP: history["folder"]},
            version_table=VERSION_TABLE,
        )

    def objects(step: int, model: str) -> Any:
        return states[step - 1][model].objects.using(db)

    # 1: the first models.
    mig(1).migrate(APP, "0001")
    ann = objects(1, "Author").create(name="Ann", bio="writes")
    bob = objects(1, "Author").create(name="Bob")
    dune = objects(1, "Book").create(title="Dune", author_id=ann.pk)
    objects(1, "Book").create(title=None, author_id=bob.pk)

    # 2: a new model.
    mig(2).migrate(APP, "0002")
    ace = objects(2, "Publisher").create(name="Ace")
    objects(2, "Publisher").create(name="Tor")

    # 3: a nullable foreign key added to a model with rows.
    mig(3).migrate(APP, "0003")
    assert _rows(db, "SELECT title, publisher_id FROM msc_book ORDER BY id") == [
        ("Dune", None),
        (None, None),
    ]
    objects(3, "Book").filter(pk=dune.pk).update(publisher=ace.pk)
    assert [b.publisher.name for b in objects(3, "Book").filter(pk=dune.pk)] == ["Ace"]
    with pytest.raises(sa.exc.IntegrityError):
        objects(3, "Book").create(title="Orphan", author_id=ann.pk, publisher_id=999)

    # 4 and 5 in one run, with rows that 5's last unique constraint refuses: it fails.
    before = _snapshot(db.engine)
    duplicate = objects(3, "Publisher").create(name="Ace")
    with pytest.raises(MigrationError) as failed:
        mig(5).migrate(APP, "0005")
    message = str(failed.value)
    assert "Migration 0005_" in message and "failed: " in message
    if db.vendor in ("sqlite", "postgresql"):
        assert "Rolled back" in message and "msc at 0003_" in message
        assert _snapshot(db.engine) == before  # no _alembic_tmp_ table, no rename, no index
        assert [i.applied for i in mig(5).showmigrations(APP)][:5] == [True] * 3 + [False] * 2
    else:
        # MariaDB commits each schema change: 0004 is applied and recorded; what 0005
        # did before failing is listed, and the history says 0004, not 0005.
        assert "msc at 0004_" in message and "0005_" in message and "not recorded" in message
        assert [i.applied for i in mig(5).showmigrations(APP)][:5] == [True] * 4 + [False]
        after, was = _snapshot(db.engine), before
        names = {n for key in ("indexes", "uniques") for n, _ in after["msc_book"][key]}
        kept = names - {n for key in ("indexes", "uniques") for n, _ in was["msc_book"][key]}
        assert kept == {"msc_book_name_author_uniq", "msc_book_name_idx"}
        assert after["msc_publisher"] == was["msc_publisher"]
        for name in kept:  # undo what the message says was kept, as a user would
            assert f"ADD CONSTRAINT {name}" in message or f"INDEX {name}" in message
            db.execute(f"DROP INDEX {name} ON msc_book")
    db.execute(f"DELETE FROM msc_publisher WHERE id = {duplicate.pk}")
    mig(5).migrate(APP, "0005")  # the retry works
    assert _rows(db, "SELECT name FROM msc_book ORDER BY id") == [("Dune",), (None,)]
    with pytest.raises(sa.exc.IntegrityError):
        objects(5, "Book").create(name="Dune", author_id=ann.pk)
    with pytest.raises(sa.exc.IntegrityError):
        objects(5, "Publisher").create(name="Ace")

    # 6: widened and NOT NULL: the NULL becomes the default first.
    mig(6).migrate(APP, "0006")
    assert _rows(db, "SELECT name FROM msc_book ORDER BY id") == [("Dune",), ("untitled",)]
    objects(6, "Book").create(name="L" * 200, author_id=bob.pk)
    with pytest.raises(sa.exc.IntegrityError):
        with db.engine.begin() as conn:
            conn.execute(
                sa.text("INSERT INTO msc_book (name, author_id) VALUES (NULL, :a)"), {"a": ann.pk}
            )

    # 7: a many-to-many field and its model.
    mig(7).migrate(APP, "0007")
    sf = objects(7, "Tag").create(label="sf")
    objects(7, "Book").get(pk=dune.pk).tags.add(sf)
    assert list(objects(7, "Book").filter(tags__label="sf").values_list("name", flat=True)) == [
        "Dune"
    ]

    # 8: a renamed model keeps its rows, its unique column and the keys pointing at it.
    mig(8).migrate(APP, "0008")
    assert not sa.inspect(db.engine).has_table("msc_publisher")
    assert [b.publisher.name for b in objects(8, "Book").filter(pk=dune.pk)] == ["Ace"]
    with pytest.raises(sa.exc.IntegrityError):
        objects(8, "Imprint").create(name="Tor")
    with pytest.raises(sa.exc.IntegrityError):
        objects(8, "Book").create(name="Ghost", author_id=ann.pk, publisher_id=999)

    # 9: a field removed.
    mig(9).migrate(APP, "0009")
    assert "bio" not in {c["name"] for c in sa.inspect(db.engine).get_columns("msc_author")}
    assert _rows(db, "SELECT name FROM msc_author ORDER BY id") == [("Ann",), ("Bob",)]

    # 10: a NOT NULL field added without a default: the one-off value fills the rows.
    head = mig(10)
    head.migrate(APP)
    assert _rows(db, "SELECT name, country FROM msc_author ORDER BY id") == [
        ("Ann", "FR"),
        ("Bob", "FR"),
    ]
    assert head.diff(APP) == []
    assert all(i.applied for i in head.showmigrations(APP))

    # Down to 0001 with the rows in the tables, then to zero.
    objects(10, "Book").filter(name="L" * 200).delete()  # longer than 0005's column
    head.migrate(APP, "0001")
    assert _rows(db, "SELECT title FROM msc_book ORDER BY id") == [("Dune",), ("untitled",)]
    assert _rows(db, "SELECT name, bio FROM msc_author ORDER BY id") == [
        ("Ann", None),
        ("Bob", None),
    ]
    assert mig(1).diff(APP) == []
    head.migrate(APP, "zero")
    assert [t for t in sa.inspect(db.engine).get_table_names() if t.startswith("msc_")] == [
        VERSION_TABLE
    ]
    assert not any(i.applied for i in head.showmigrations(APP))

    # And up again, in one run.
    head.migrate()
    assert head.diff(APP) == []
    writer = objects(10, "Author").create(name="Cy", country="DE")
    objects(10, "Book").create(name="Again", author=writer)
    assert _rows(db, "SELECT name FROM msc_book") == [("Again",)]


def test_a_failed_run_on_sqlite_leaves_no_table_behind(
    history: dict[str, Any], tmp_path: Path
) -> None:
    """The batch rebuild's temporary table goes with the rest: a retry works."""
    db = models.Database(f"sqlite:///{tmp_path / 'retry.sqlite3'}", default=False)
    mig: Callable[[int], Migrations] = lambda step: Migrations(  # noqa: E731
        db,
        metadata=history["states"][step - 1]["md"],
        apps={APP: history["folder"]},
        version_table=VERSION_TABLE,
    )
    try:
        mig(4).migrate(APP, "0004")
        author = history["states"][3]["Author"].objects.using(db).create(name="Ann")
        for _ in range(2):
            history["states"][3]["Book"].objects.using(db).create(name="Same", author_id=author.pk)
        for _ in range(2):  # the same failure twice: nothing is left to make it another one
            with pytest.raises(MigrationError, match=r"0005_.*UNIQUE constraint failed"):
                mig(5).migrate(APP, "0005")
            names = sa.inspect(db.engine).get_table_names()
            assert not [n for n in names if n.startswith("_alembic_tmp")]
        db.execute("DELETE FROM msc_book WHERE id = 2")
        mig(5).migrate(APP, "0005")
        assert [i.applied for i in mig(5).showmigrations(APP)][:5] == [True] * 5
    finally:
        db.dispose()

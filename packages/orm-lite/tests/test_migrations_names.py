"""Constraint names are deterministic and the ones Django's databases have."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from manouche.orm_lite._constraints import (
    MAX_NAME_LENGTH,
    django_index_name,
    foreign_key_name,
    unique_column_name,
    unique_together_name,
)

LONG = "a_rather_long_application_label_with_a_longer_model_name_in_it"


@pytest.fixture
def django_editor(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Django's schema editor, with PostgreSQL's identifier length (63)."""
    from django.db import connection

    monkeypatch.setattr(connection.ops, "max_name_length", lambda: MAX_NAME_LENGTH)
    yield connection.schema_editor()


@pytest.mark.parametrize(
    ("table", "columns", "suffix"),
    [
        ("blog_entry", ["author_id"], ""),
        ("blog_entry", ["author_id"], "_fk_auth_user_id"),
        ("blog_entry", ["title", "author_id"], "_uniq"),
        (LONG, ["author_id"], "_fk_auth_user_id"),
        ("shop_order", ["customer_with_a_very_long_column_name_id"], f"_fk_{LONG}_id"),
        ("_private", ["x" * 70], "_uniq"),
    ],
)
def test_index_names_are_djangos(
    django_editor: Any, table: str, columns: list[str], suffix: str
) -> None:
    ours = django_index_name(table, columns, suffix)
    assert ours == django_editor._create_index_name(table, columns, suffix=suffix)
    assert len(ours) <= MAX_NAME_LENGTH


def test_the_parity_models_constraints_have_djangos_names(django_editor: Any) -> None:
    """The same models defined with Django and with orm-lite: every foreign key and every
    unique_together (auto-created many-to-many tables included) gets Django's name."""
    from django.apps import apps

    from tests import olparity  # noqa: F401 - defines the orm-lite twins

    md = olparity.OL.Book._meta.metadata
    compared = 0
    for model in apps.get_app_config("parity").get_models(include_auto_created=True):
        table = md.tables[model._meta.db_table]
        ours_fk = {
            fk.column_keys[0]: fk.name
            for fk in table.constraints
            if isinstance(fk, sa.ForeignKeyConstraint)
        }
        for field in model._meta.local_fields:
            if field.remote_field is None or not field.db_constraint:
                continue
            suffix = "_fk_%(to_table)s_%(to_column)s"
            theirs = str(django_editor._fk_constraint_name(model, field, suffix)).strip('"')
            assert ours_fk[field.column] == theirs
            compared += 1
        ours_unique = {
            tuple(c.name for c in u.columns): u.name
            for u in table.constraints
            if isinstance(u, sa.UniqueConstraint)
        }
        for names in model._meta.unique_together:
            cols = [model._meta.get_field(n).column for n in names]
            theirs = django_editor._create_index_name(model._meta.db_table, cols, suffix="_uniq")
            assert ours_unique[tuple(cols)] == theirs == unique_together_name(table.name, cols)
            compared += 1
    assert compared >= 8


def test_helpers_agree() -> None:
    assert foreign_key_name("a_b", "c_id", "a_c", "id") == django_index_name(
        "a_b", ["c_id"], "_fk_a_c_id"
    )
    assert unique_column_name("blog_tag", "name") == "blog_tag_name_key"


@pytest.mark.parametrize(
    ("table", "column"),
    [("mnames_tag", "name"), (f"mnames_{'t' * 50}", "c" * 30), ("mnames_t", "c" * 70)],
)
def test_unique_column_names_are_postgresqls(postgresql_url: str, table: str, column: str) -> None:
    """A Django-made PostgreSQL table's inline UNIQUE has the name orm-lite gives it."""
    engine = sa.create_engine(postgresql_url)
    table, column = table[:63], column[:63]
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(f'DROP TABLE IF EXISTS "{table}"')
            conn.exec_driver_sql(f'CREATE TABLE "{table}" ("{column}" varchar(5) UNIQUE)')
        (unique,) = sa.inspect(engine).get_unique_constraints(table)
        assert unique["name"] == unique_column_name(table, column)
    finally:
        with engine.begin() as conn:
            conn.exec_driver_sql(f'DROP TABLE IF EXISTS "{table}"')
        engine.dispose()


LEGACY_REVISION = """
import sqlalchemy as sa
from alembic import op

revision = "mlegacy_0001"
down_revision = None
branch_labels = ("mlegacy",)
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade():
    op.create_table(
        "mlegacy_tag",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "mlegacy_item",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("tag_id", sa.BigInteger(), nullable=False),
        sa.Column("a", sa.Integer(), nullable=False),
        sa.Column("b", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["tag_id"], ["mlegacy_tag.id"]),
        sa.UniqueConstraint("a", "b"),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("mlegacy_item") as batch_op:
        batch_op.create_index(batch_op.f("ix_mlegacy_item_tag_id"), ["tag_id"], unique=False)


def downgrade():
    op.drop_table("mlegacy_item")
    op.drop_table("mlegacy_tag")
"""


@pytest.mark.parametrize("backend", ["sqlite", "postgresql", "mariadb"])
def test_revisions_written_before_names_need_no_new_revision(
    request: pytest.FixtureRequest, tmp_path: Any, backend: str
) -> None:
    """Unique constraints made without a name (revisions written before names were given)
    are the models' constraints: no revision adds a second one under the new name."""
    from manouche import orm_lite as models
    from manouche.orm_lite._migrations import Migrations

    md = sa.MetaData()

    class Tag(models.Model):
        name = models.CharField(max_length=20, unique=True)

        class Meta:
            app_label = "mlegacy"
            metadata = md

    class Item(models.Model):
        tag = models.ForeignKey(Tag, on_delete=models.CASCADE)
        a = models.IntegerField()
        b = models.IntegerField()

        class Meta:
            app_label = "mlegacy"
            metadata = md
            unique_together = [("a", "b")]

    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "0001_initial.py").write_text(LEGACY_REVISION)
    url = (
        f"sqlite:///{tmp_path / 'legacy.sqlite3'}"
        if backend == "sqlite"
        else request.getfixturevalue(f"{backend}_url")
    )
    db = models.Database(url, default=False)
    mig = Migrations(db, metadata=md, apps={"mlegacy": folder}, version_table="mlegacy_versions")
    try:
        assert mig.makemigrations(dry_run=True) == []
        mig.migrate()
        assert mig.diff() == []
        tag = Tag.objects.using(db).create(name="x")
        Item.objects.using(db).create(tag=tag, a=1, b=2)
        with pytest.raises(sa.exc.IntegrityError):
            Item.objects.using(db).create(tag=tag, a=1, b=2)
        mig.migrate("mlegacy", "zero")
    finally:
        with db.engine.begin() as conn:
            for name in ("mlegacy_item", "mlegacy_tag", "mlegacy_versions"):
                conn.execute(sa.text(f"DROP TABLE IF EXISTS {name}"))
        db.dispose()


def test_a_database_django_made_compares_equal(sides: Any, tmp_path: Any) -> None:
    """The parity tables as Django's schema editor made them (its index names, its unnamed
    inline UNIQUE and foreign keys on SQLite) are what the same orm-lite models describe:
    no difference, so no revision is needed to adopt the database."""
    from manouche.orm_lite._migrations import Migrations

    _, ol, db = sides
    mig = Migrations(db, metadata=ol.Book._meta.metadata, apps={"parity": tmp_path})
    assert sa.inspect(db.engine).get_indexes("parity_book"), "Django made the indexes"
    assert mig.diff("parity") == []

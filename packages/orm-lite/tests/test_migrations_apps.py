"""Several apps in one database, cross-app dependencies, data migrations, the console command."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from manouche import orm_lite as models
from manouche.orm_lite._commands import main
from manouche.orm_lite._migrations import MigrationError, Migrations


def _two_apps() -> dict[str, Any]:
    md = sa.MetaData()

    class Writer(models.Model):
        name = models.CharField(max_length=50)

        class Meta:
            app_label = "mappa"
            metadata = md

    class Novel(models.Model):
        title = models.CharField(max_length=50)
        writer = models.ForeignKey(Writer, on_delete=models.CASCADE)
        created = models.DateTimeField(auto_now_add=True)
        ratio = models.FloatField(default=0.5)
        length = models.DurationField(null=True)
        data = models.JSONField(null=True)
        uid = models.UUIDField(null=True)
        flag = models.BooleanField(default=False)

        class Meta:
            app_label = "mappb"
            metadata = md

    return {"md": md, "Writer": Writer, "Novel": Novel}


@pytest.fixture
def two_apps(tmp_path: Path) -> dict[str, Any]:
    state = _two_apps()
    state["folders"] = {"mappa": tmp_path / "a_migrations", "mappb": tmp_path / "b_migrations"}
    return state


def test_cross_app_revision_depends_on_the_other_app(two_apps: dict[str, Any]) -> None:
    mig = Migrations(
        metadata=two_apps["md"], apps=two_apps["folders"], version_table="mapp_versions"
    )
    written = mig.makemigrations()
    assert [Path(p).parent.name + "/" + Path(p).name for p in written] == [
        "a_migrations/0001_initial.py",
        "b_migrations/0001_initial.py",
    ]
    b_text = Path(written[1]).read_text()
    assert "depends_on: str | Sequence[str] | None = 'mappa_0001'" in b_text
    assert "branch_labels: str | Sequence[str] | None = ('mappb',)" in b_text
    assert mig.makemigrations() == []


def test_unknown_app_and_revision_are_clear_errors(
    two_apps: dict[str, Any], tmp_path: Path
) -> None:
    db = models.Database(f"sqlite:///{tmp_path / 'x.db'}", default=False)
    mig = Migrations(
        db, metadata=two_apps["md"], apps=two_apps["folders"], version_table="mapp_versions"
    )
    with pytest.raises(MigrationError, match="No app with the label 'nope'. Apps: mappa, mappb"):
        mig.migrate("nope")
    mig.makemigrations()
    with pytest.raises(
        MigrationError, match="Cannot find a migration matching '0009' from app 'mappa'"
    ):
        mig.migrate("mappa", "0009")
    with pytest.raises(MigrationError, match="needs an app label"):
        mig.migrate(None, "0001")


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'apps.sqlite3'}"
    return str(request.getfixturevalue(f"{request.param}_url"))


DATA_MIGRATION = """
def upgrade() -> None:
    from manouche.orm_lite import registry

    Writer = registry.get("mappa.Writer")
    Novel = registry.get("mappb.Novel")
    w = Writer.objects.create(name="Seeded")
    Novel.objects.create(title="First", writer=w)


def downgrade() -> None:
    from manouche.orm_lite import registry

    registry.get("mappb.Novel").objects.filter(title="First").delete()
    registry.get("mappa.Writer").objects.filter(name="Seeded").delete()
"""


def test_two_apps_one_database_with_a_data_migration(two_apps: dict[str, Any], url: str) -> None:
    db = models.Database(url, default=False)
    try:
        mig = Migrations(
            db, metadata=two_apps["md"], apps=two_apps["folders"], version_table="mapp_versions"
        )
        mig.makemigrations()
        (data_path,) = mig.makemigrations("mappb", name="seed", empty=True)
        assert Path(data_path).name == "0002_seed.py"
        text = Path(data_path).read_text()
        head, _, _ = text.partition("\ndef upgrade")
        Path(data_path).write_text(head + DATA_MIGRATION)
        mig.migrate()
        assert mig.diff() == []
        Novel = two_apps["Novel"]
        assert list(
            Novel.objects.using(db).values_list("title", "writer__name", "ratio", "flag")
        ) == [("First", "Seeded", 0.5, False)]
        assert [(i.app, i.name, i.applied) for i in mig.showmigrations()] == [
            ("mappa", "0001_initial", True),
            ("mappb", "0001_initial", True),
            ("mappb", "0002_seed", True),
        ]
        # Unapplying the app others depend on unapplies them first.
        mig.migrate("mappa", "zero")
        assert not any(i.applied for i in mig.showmigrations())
        assert not sa.inspect(db.engine).has_table("mappb_novel")
        # stamp adopts a database whose tables were made some other way.
        db.create_all(two_apps["md"])
        mig.stamp()
        assert all(i.applied for i in mig.showmigrations())
        mig.migrate("mappb", "0001")  # runs the data migration's downgrade on an empty table
        assert [i.applied for i in mig.showmigrations("mappb")] == [True, False]
        sql = mig.sqlmigrate("mappb", "0001")
        assert "CREATE TABLE mappb_novel" in sql
    finally:
        with db.engine.begin() as conn:
            for name in ["mappb_novel", "mappa_writer", "mapp_versions"]:
                conn.execute(sa.text(f"DROP TABLE IF EXISTS {name}"))
        db.dispose()


# -- the console command -----------------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Path]:
    pkg = tmp_path / "cliproj"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "models.py").write_text(
        textwrap.dedent(
            """
            from manouche import orm_lite as models

            class Entry(models.Model):
                headline = models.CharField(max_length=80)
                rating = models.IntegerField(default=3)
            """
        )
    )
    (tmp_path / "pyproject.toml").write_text(
        '[tool.manouche-orm]\nversion_table = "cli_versions"\n'
    )
    yield tmp_path
    for name in [m for m in sys.modules if m == "cliproj" or m.startswith("cliproj.")]:
        del sys.modules[name]
    if str(tmp_path) in sys.path:
        sys.path.remove(str(tmp_path))


def test_console_command(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db_url = f"sqlite:///{project / 'cli.db'}"
    base = ["--database", db_url, "--models", "cliproj.models"]
    assert main([*base, "makemigrations", "cliproj", "--noinput"], cwd=project) == 0
    assert (project / "cliproj" / "migrations" / "0001_initial.py").is_file()
    assert main([*base, "makemigrations", "cliproj", "--check"], cwd=project) == 0
    assert "No changes detected" in capsys.readouterr().out
    assert main([*base, "migrate"], cwd=project) == 0
    assert main([*base, "showmigrations", "cliproj"], cwd=project) == 0
    assert capsys.readouterr().out.splitlines()[-2:] == ["cliproj", " [X] 0001_initial"]
    assert sa.inspect(sa.create_engine(db_url)).has_table("cli_versions")
    assert main([*base, "sqlmigrate", "cliproj", "0001"], cwd=project) == 0
    assert "CREATE TABLE cliproj_entry" in capsys.readouterr().out
    assert main([*base, "migrate", "cliproj", "zero"], cwd=project) == 0
    assert main([*base, "showmigrations", "cliproj"], cwd=project) == 0
    assert " [ ] 0001_initial" in capsys.readouterr().out
    assert main([*base, "migrate", "nosuchapp"], cwd=project) == 2
    assert "No app with the label 'nosuchapp'" in capsys.readouterr().err
    assert main(["--models", "cliproj.models", "migrate"], cwd=project) == 2
    assert "No database" in capsys.readouterr().err


def _shelves(md: sa.MetaData, item: str) -> dict[str, Any]:
    class Shelf(models.Model):
        name = models.CharField(max_length=20)

        class Meta:
            app_label = "mren"
            metadata = md

    attrs = {
        "__module__": __name__,
        "name": models.CharField(max_length=20),
        "shelves": models.ManyToManyField(Shelf, related_name="items"),
        "Meta": type("Meta", (), {"app_label": "mren", "metadata": md}),
    }
    return {"Shelf": Shelf, "Item": type(item, (models.Model,), attrs)}


def test_a_renamed_model_takes_its_many_to_many_rows_along(url: str, tmp_path: Path) -> None:
    folder = tmp_path / "mren"
    before_md, after_md = sa.MetaData(), sa.MetaData()
    before = _shelves(before_md, "Item")
    asked: list[tuple[str, str, str]] = []

    def yes(table: str, old: str, new: str) -> bool:
        asked.append((table, old, new))
        return True

    Migrations(
        metadata=before_md, apps={"mren": folder}, version_table="mren_versions"
    ).makemigrations()
    after = _shelves(after_md, "Thing")
    (path,) = Migrations(
        metadata=after_md, apps={"mren": folder}, version_table="mren_versions", questioner=yes
    ).makemigrations()
    assert Path(path).name == "0002_rename_item_thing.py"
    assert asked == [("", "mren_item", "mren_thing")]  # the m2m table follows without asking
    text = Path(path).read_text()
    assert "rename_table('mren_item', 'mren_thing')" in text
    assert "rename_table('mren_item_shelves', 'mren_thing_shelves')" in text
    assert "new_column_name='thing_id'" in text
    db = models.Database(url, default=False)
    try:
        old = Migrations(
            db, metadata=before_md, apps={"mren": folder}, version_table="mren_versions"
        )
        old.migrate("mren", "0001")
        shelf = before["Shelf"].objects.using(db).create(name="top")
        item = before["Item"].objects.using(db).create(name="cup")
        item.shelves.add(shelf)
        new = Migrations(
            db, metadata=after_md, apps={"mren": folder}, version_table="mren_versions"
        )
        new.migrate("mren")
        assert new.diff("mren") == []
        thing = after["Item"].objects.using(db).get(name="cup")
        assert [s.name for s in thing.shelves.all()] == ["top"]
        new.migrate("mren", "0001")
        assert [s.name for s in before["Item"].objects.using(db).get(name="cup").shelves.all()] == [
            "top"
        ]
        new.migrate("mren", "zero")
    finally:
        with db.engine.begin() as conn:
            for name in [
                "mren_thing_shelves",
                "mren_item_shelves",
                "mren_thing",
                "mren_item",
                "mren_shelf",
            ]:
                conn.execute(sa.text(f"DROP TABLE IF EXISTS {name}"))
            conn.execute(sa.text("DROP TABLE IF EXISTS mren_versions"))
        db.dispose()

"""dump_data/load_data and the console commands, on SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from conftest import django_dump

from manouche import serial
from manouche.serial import FixtureError, commands


@pytest.fixture(scope="module")
def m() -> Any:
    import serial_models

    return serial_models


def _tables(m: Any) -> list[sa.Table]:
    through = m.Book._meta.many_to_many[0].through.__table__
    return [m.Author.__table__, m.Tag.__table__, m.Book.__table__, through]


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def engine(request: pytest.FixtureRequest, m: Any, tmp_path: Path) -> Iterator[sa.Engine]:
    """An empty schema (the test tables) on each backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    else:
        url = request.getfixturevalue(f"{request.param}_url")
    eng = sa.create_engine(url)
    tables = _tables(m)
    tables[0].metadata.drop_all(eng, tables=tables)
    tables[0].metadata.create_all(eng, tables=tables)
    yield eng
    tables[0].metadata.drop_all(eng, tables=tables)
    eng.dispose()


def _count(engine: sa.Engine, table: sa.Table) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_django_fixture_loads_and_dumps_back_identically(
    django_env: Path, m: Any, engine: sa.Engine, fmt: str
) -> None:
    fixture = django_dump(fmt, 2)
    models = [m.Author, m.Tag, m.Book]
    assert serial.load_data(engine, [("django", io.StringIO(fixture), fmt)], models=models) == 32
    out = io.StringIO()
    serial.dump_data(engine, out, models=models, format=fmt, indent=2, chunk_size=10)
    if engine.dialect.name != "postgresql":
        assert out.getvalue() == fixture
    else:
        # jsonb reorders object keys (for Django too): the same objects, not the same bytes.
        def objects(text: str) -> list[Any]:
            return [
                (o.spec.label, o.data, o.m2m_data)
                for o in serial.deserialize(fmt, text, models=models)
            ]

        assert objects(out.getvalue()) == objects(fixture)
    # Sequences follow the loaded pks (PostgreSQL needs them reset).
    with engine.begin() as conn:
        new = conn.execute(m.Author.__table__.insert().values(name="New")).inserted_primary_key
    assert new is not None and new[0] == 4


def test_a_bad_row_loads_nothing_and_is_named(django_env: Path, m: Any, engine: sa.Engine) -> None:
    models = [m.Author, m.Tag, m.Book]
    good = json.loads(django_dump("json", None))
    serial.load_data(engine, [("good", io.StringIO(json.dumps(good[:3])), "json")], models=models)
    author, book = m.Author.__table__, m.Book.__table__

    bad_value = [
        *good[3:10],
        {"model": "serialtest.book", "pk": 99, "fields": {"title": "x", "price": "abc"}},
    ]
    with pytest.raises(
        FixtureError, match=r"bad.json: object #8, model 'serialtest.book', pk=99, field 'price'"
    ):
        serial.load_data(
            engine, [("bad.json", io.StringIO(json.dumps(bad_value)), "json")], models=models
        )

    duplicate = [
        {"model": "serialtest.author", "pk": 10, "fields": {"name": "Solo"}},
        {"model": "serialtest.author", "pk": 11, "fields": {"name": "Ann"}},
    ]
    with pytest.raises(FixtureError, match=r"dup.json: object #2 \(serialtest.author pk=11\): .*"):
        serial.load_data(
            engine, [("dup.json", io.StringIO(json.dumps(duplicate)), "json")], models=models
        )

    dangling = [
        {
            "model": "serialtest.book",
            "pk": 50,
            "fields": {"title": "x", "price": "1.00", "author": 999},
        },
    ]
    with pytest.raises(FixtureError, match=r"(pk=50|object #1).*(author|foreign key)"):
        serial.load_data(
            engine, [("fk.json", io.StringIO(json.dumps(dangling)), "json")], models=models
        )

    assert _count(engine, author) == 3
    assert _count(engine, book) == 0
    assert _count(engine, m.Tag.__table__) == 0


def test_fixture_names_and_missing_files(m: Any, tmp_path: Path) -> None:
    engine = sa.create_engine("sqlite://")
    with pytest.raises(FixtureError, match="No fixture named"):
        serial.load_data(engine, [str(tmp_path / "nope.json")], models=[m.Author])
    (tmp_path / "data.txt").write_text("[]")
    with pytest.raises(FixtureError, match="cannot tell the format"):
        serial.load_data(engine, [str(tmp_path / "data.txt")], models=[m.Author])
    with pytest.raises(FixtureError, match="only use pks with one model"):
        serial.dump_data(engine, io.StringIO(), models=[m.Author, m.Tag], pks=[1])
    with pytest.raises(FixtureError, match="Unknown application or model: 'nope'"):
        serial.dump_data(engine, io.StringIO(), models=[m.Author], labels=["nope"])
    engine.dispose()


# -- console commands -------------------------------------------------------------------------


@pytest.fixture()
def source_db(django_env: Path) -> str:
    return f"sqlite:///{django_env / 'django.sqlite3'}"


@pytest.fixture()
def empty_db(m: Any, tmp_path: Path) -> Iterator[tuple[str, sa.Engine]]:
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    eng = sa.create_engine(url)
    tables = _tables(m)
    tables[0].metadata.create_all(eng, tables=tables)
    yield url, eng
    eng.dispose()


def _all_rows(engine: sa.Engine, m: Any) -> dict[str, list[Any]]:
    with engine.connect() as conn:
        return {
            t.name: conn.execute(sa.select(t).order_by(*t.primary_key.columns)).all()
            for t in _tables(m)[:3]
        }


@pytest.mark.parametrize("suffix", ["json", "jsonl.gz", "xml.bz2", "json.xz", "jsonl.zst", "yaml"])
def test_commands_dump_and_load_compressed_files(
    m: Any,
    source_db: str,
    empty_db: tuple[str, sa.Engine],
    tmp_path: Path,
    suffix: str,
    capsys: Any,
) -> None:
    path = tmp_path / f"dump.{suffix}"
    rc = commands.main(
        [
            "dumpdata",
            "serialtest",
            "--models",
            "serial_models",
            "--database",
            source_db,
            "-o",
            str(path),
            "--progress",
        ]
    )
    assert rc == 0
    err = capsys.readouterr().err
    assert "serialtest.book  25/25 [" in err
    url, eng = empty_db
    rc = commands.loaddata_main(
        [str(path), "--models", "serial_models", "--database", url, "--no-progress"]
    )
    assert rc == 0
    assert "Installed 32 object(s) from 1 fixture(s)" in capsys.readouterr().err
    src = sa.create_engine(source_db)
    assert _all_rows(eng, m) == _all_rows(src, m)
    src.dispose()


def test_dumpdata_to_stdout_with_pks_exclude_and_natural_keys(
    m: Any, source_db: str, capsys: Any, monkeypatch: Any
) -> None:
    monkeypatch.setenv("MANOUCHE_MODELS", "serial_models")
    monkeypatch.setenv("MANOUCHE_DATABASE_URL", source_db)
    assert commands.dumpdata_main(["serialtest.book", "--pks", "2,3", "--format", "jsonl"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(x)["pk"] for x in lines] == [2, 3]
    assert (
        commands.dumpdata_main(
            [
                "serialtest",
                "-e",
                "serialtest.book",
                "-e",
                "serialtest.tag",
                "--natural-primary",
                "--indent",
                "2",
            ]
        )
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data[0] == {
        "model": "serialtest.author",
        "fields": {"name": "Ann", "birth": "1970-01-02"},
    }
    assert len(data) == 3
    assert (
        commands.dumpdata_main(
            ["serialtest.book", "--pks", "2", "--natural-foreign", "--format", "xml"]
        )
        == 0
    )
    assert '<natural>Bob &lt;b&gt; &amp; "co"</natural>' in capsys.readouterr().out


def test_command_errors_are_one_line_and_exit_1(
    m: Any, empty_db: tuple[str, sa.Engine], tmp_path: Path, capsys: Any, monkeypatch: Any
) -> None:
    url, eng = empty_db
    monkeypatch.delenv("MANOUCHE_MODELS", raising=False)
    monkeypatch.delenv("MANOUCHE_DATABASE_URL", raising=False)
    assert commands.dumpdata_main(["--database", url]) == 1
    assert "Which models? Pass --models" in capsys.readouterr().err
    assert commands.dumpdata_main(["--models", "serial_models"]) == 1
    assert "Which database?" in capsys.readouterr().err
    assert commands.dumpdata_main(["--models", "no_such_module_here", "--database", url]) == 1
    assert "Cannot import models module 'no_such_module_here'" in capsys.readouterr().err
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            [
                {"model": "serialtest.author", "pk": 1, "fields": {"name": "A"}},
                {"model": "serialtest.nothing", "pk": 1, "fields": {}},
            ]
        )
    )
    assert commands.loaddata_main([str(bad), "--models", "serial_models", "--database", url]) == 1
    err = capsys.readouterr().err
    assert "bad.json: object #2, model 'serialtest.nothing': Invalid model identifier" in err
    assert _count(eng, m.Author.__table__) == 0  # the good first row was rolled back
    assert (
        commands.loaddata_main([str(bad), "-i", "--models", "serial_models", "--database", url])
        == 0
    )
    assert _count(eng, m.Author.__table__) == 1
    assert commands.main(["frobnicate"]) == 2
    stdin = io.StringIO(
        json.dumps([{"model": "serialtest.tag", "pk": 7, "fields": {"label": "t"}}])
    )
    monkeypatch.setattr("sys.stdin", stdin)
    assert (
        commands.main(
            ["loaddata", "-", "--format", "json", "--models", "serial_models", "--database", url]
        )
        == 0
    )
    assert _count(eng, m.Tag.__table__) == 1

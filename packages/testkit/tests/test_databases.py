"""rolled_back() and transactional() on SQLite, PostgreSQL and MariaDB; engines and orm-lite."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from manouche.testkit import (
    DatabaseFixture,
    TestTransactionCommitted,
    engine_of,
    flush_tables,
    rolled_back,
    transactional,
)


class Base(DeclarativeBase):
    pass


class Author(Base):
    __tablename__ = "tk_author"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(50))


class Book(Base):
    __tablename__ = "tk_book"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(50))
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("tk_author.id"))


migrations = sa.Table("alembic_version", Base.metadata, sa.Column("version_num", sa.String(32)))


@pytest.fixture
def engine(backend_url: str) -> Iterator[sa.Engine]:
    engine = sa.create_engine(backend_url)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    yield engine
    Base.metadata.drop_all(engine)
    engine.dispose()


def count(engine: sa.Engine, table: str = "tk_author") -> int:
    """Rows of ``table`` as another connection sees them (committed rows only)."""
    with engine.connect() as conn:
        return int(conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one())


# -- rolled_back ------------------------------------------------------------------


def test_rows_written_in_the_block_are_rolled_back(engine: sa.Engine) -> None:
    with rolled_back(engine) as db:
        db.execute("INSERT INTO tk_author (name) VALUES ('core')")
        session = db.session()
        session.add(Author(name="orm"))
        session.commit()  # only releases a savepoint
        session.add(Author(name="orm 2"))
        session.commit()
        with db.connection.begin_nested():
            db.execute("INSERT INTO tk_author (name) VALUES (:n)", {"n": "nested"})
        assert db.execute("SELECT count(*) FROM tk_author").scalar_one() == 4
    assert count(engine) == 0


def test_a_session_rollback_keeps_the_rest_of_the_test(engine: sa.Engine) -> None:
    with rolled_back(engine) as db:
        db.execute("INSERT INTO tk_author (name) VALUES ('kept')")
        session = db.session()
        session.add(Author(name="dropped"))
        session.flush()
        session.rollback()
        names = db.execute("SELECT name FROM tk_author").scalars().all()
        assert names == ["kept"]
    assert count(engine) == 0


def test_committing_the_test_connection_is_refused(engine: sa.Engine) -> None:
    with rolled_back(engine) as db:
        db.execute("INSERT INTO tk_author (name) VALUES ('x')")
        with pytest.raises(TestTransactionCommitted, match="use the `transactional_db` fixture"):
            db.connection.commit()
    assert count(engine) == 0


def test_a_failed_statement_does_not_break_the_teardown(engine: sa.Engine) -> None:
    with rolled_back(engine) as db:
        db.execute("INSERT INTO tk_author (name) VALUES ('x')")
        with pytest.raises(sa.exc.DBAPIError):
            db.execute("INSERT INTO no_such_table VALUES (1)")
    assert count(engine) == 0


def test_an_error_in_the_block_still_rolls_back(engine: sa.Engine) -> None:
    with pytest.raises(KeyError), rolled_back(engine) as db:
        db.execute("INSERT INTO tk_author (name) VALUES ('x')")
        raise KeyError("boom")
    assert count(engine) == 0


def test_isolation_in_both_orders(engine: sa.Engine) -> None:
    """What one block writes, the next does not see, whichever runs first."""
    for order in (["a", "b"], ["b", "a"]):
        for name in order:
            with rolled_back(engine) as db:
                assert db.execute("SELECT count(*) FROM tk_author").scalar_one() == 0
                db.execute("INSERT INTO tk_author (name) VALUES (:n)", {"n": name})
                assert db.execute("SELECT count(*) FROM tk_author").scalar_one() == 1


def test_the_fixture_object(engine: sa.Engine) -> None:
    with rolled_back(engine) as db:
        assert isinstance(db, DatabaseFixture)
        assert db.engine is engine and db.database is engine
        assert db.rolls_back
        assert db.vendor == engine.dialect.name
        assert repr(db).startswith("<DatabaseFixture rolled back ")
        assert db.connection.in_transaction()
        assert db.connection.in_nested_transaction()


def test_engine_of() -> None:
    engine = sa.create_engine("sqlite://")

    class Holder:
        def __init__(self) -> None:
            self.engine = engine

    assert engine_of(engine) is engine
    assert engine_of(Holder()) is engine
    with pytest.raises(TypeError, match=r"expected an SQLAlchemy Engine.*'sqlite://'"):
        engine_of("sqlite://")


# -- orm-lite's Database -------------------------------------------------------------


@pytest.fixture
def ormdb(engine: sa.Engine) -> Iterator[Any]:
    from manouche import orm_lite as models

    database = models.Database(engine)
    yield database
    database.dispose()


def test_orm_lite_database_is_bound_and_rolled_back(ormdb: Any, engine: sa.Engine) -> None:
    with rolled_back(ormdb) as db:
        assert db.database is ormdb and db.engine is engine
        ormdb.execute("INSERT INTO tk_author (name) VALUES ('autocommit')")
        with ormdb.atomic():
            ormdb.execute("INSERT INTO tk_author (name) VALUES ('atomic')")
            with ormdb.atomic():
                ormdb.execute("INSERT INTO tk_author (name) VALUES ('nested')")
        # The Database runs on the test's connection: the test sees its rows.
        assert db.execute("SELECT count(*) FROM tk_author").scalar_one() == 3
        assert ormdb.connection() is db.connection
    assert count(engine) == 0
    assert ormdb.execute("SELECT count(*) FROM tk_author")[0][0] == 0


def test_orm_lite_binding_is_for_the_test_thread_only(ormdb: Any, engine: sa.Engine) -> None:
    seen: list[Any] = []

    def other_thread() -> None:
        seen.append(ormdb.connection())
        ormdb.close()

    with rolled_back(ormdb) as db:
        worker = threading.Thread(target=other_thread)
        worker.start()
        worker.join()
        assert seen[0] is not db.connection


# -- transactional ----------------------------------------------------------------


def test_transactional_commits_for_real_then_empties_every_table(engine: sa.Engine) -> None:
    with transactional(engine) as db:
        assert not db.rolls_back
        session = db.session()
        author = Author(name="a")
        session.add(author)
        session.flush()
        session.add(Book(title="b", author_id=author.id))
        session.commit()
        db.execute("INSERT INTO alembic_version VALUES ('abc123')")
        db.connection.commit()
        assert count(engine) == 1 and count(engine, "tk_book") == 1  # seen from outside
    assert count(engine) == 0 and count(engine, "tk_book") == 0
    assert count(engine, "alembic_version") == 1  # migration bookkeeping is kept
    with engine.begin() as conn:  # auto-increment counters start again
        result = conn.execute(sa.insert(Author).values(name="again"))
        assert result.inserted_primary_key is not None
        assert result.inserted_primary_key[0] == 1


def test_transactional_with_orm_lite(ormdb: Any, engine: sa.Engine) -> None:
    with transactional(ormdb) as db:
        assert db.database is ormdb
        ormdb.execute("INSERT INTO tk_author (name) VALUES ('x')")
        assert count(engine) == 1
    assert count(engine) == 0


def test_flush_tables_names_what_it_emptied(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        conn.execute(sa.insert(Author).values(id=1, name="a"))
        conn.execute(sa.insert(Book).values(title="t", author_id=1))
    emptied = flush_tables(engine)
    assert set(emptied) >= {"tk_author", "tk_book"}
    assert "alembic_version" not in emptied
    assert emptied.index("tk_book") < emptied.index("tk_author")  # children first
    assert count(engine, "tk_book") == 0


def test_flush_tables_of_an_empty_database() -> None:
    assert flush_tables(sa.create_engine("sqlite://")) == []

"""Test databases: each test in a transaction rolled back at the end, or real commits.

Both work with a plain SQLAlchemy ``Engine`` and with any object that has an
``engine`` attribute (orm-lite's ``Database``). When that object also has
``bind_connection(conn)`` (orm-lite's ``Database`` does, see
``docs/contracts.md``), everything it runs in the test's thread goes through
the test's connection, so models need no change to be rolled back.

Needs SQLAlchemy (``pip install 'manouche-testkit[db]'``); it is imported
when a function here is called, not when the module is.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import TYPE_CHECKING, Any

from manouche.testkit.queries import HARNESS_SAVEPOINTS

if TYPE_CHECKING:
    import sqlalchemy as sa
    from sqlalchemy.orm import Session

__all__ = [
    "DatabaseFixture",
    "TestTransactionCommitted",
    "engine_of",
    "flush_tables",
    "rolled_back",
    "transactional",
]

#: Tables ``flush_tables`` keeps by default: migration bookkeeping, as Django's flush.
KEEP_TABLES = frozenset({"alembic_version", "django_migrations"})


class TestTransactionCommitted(RuntimeError):
    """Code under the ``db`` fixture tried to commit the test's own transaction."""

    __test__ = False  # not a test class, whatever pytest thinks of the name


def engine_of(database: Any) -> sa.Engine:
    """The SQLAlchemy ``Engine`` of ``database``: an ``Engine``, or an object with ``.engine``."""
    import sqlalchemy as sa

    if isinstance(database, sa.Engine):
        return database
    engine = getattr(database, "engine", None)
    if isinstance(engine, sa.Engine):
        return engine
    raise TypeError(
        f"expected an SQLAlchemy Engine or an object with an .engine (orm-lite's Database), "
        f"got {database!r}; the `database` fixture must return one of them"
    )


class DatabaseFixture:
    """What the ``db`` and ``transactional_db`` fixtures give a test.

    :attr:`database` is what the ``database`` fixture returned (an ``Engine``
    or an orm-lite ``Database``), :attr:`engine` its engine. Under ``db``,
    :attr:`connection` is the connection holding the test's transaction:
    plain SQLAlchemy code must run on it (or on a :meth:`session`) to be
    rolled back. Under ``transactional_db`` it is an ordinary connection and
    commits are real.
    """

    def __init__(
        self, database: Any, engine: sa.Engine, connection: sa.Connection | None, *, rollback: bool
    ) -> None:
        self.database = database
        self.engine = engine
        self.rolls_back = rollback
        self._connection = connection
        self._sessions: list[Session] = []

    def __repr__(self) -> str:
        mode = "rolled back" if self.rolls_back else "transactional"
        return f"<DatabaseFixture {mode} {self.engine.url.render_as_string(hide_password=True)}>"

    @property
    def vendor(self) -> str:
        """The dialect name: ``sqlite``, ``postgresql``, ``mysql``/``mariadb``..."""
        return str(self.engine.dialect.name)

    @property
    def connection(self) -> sa.Connection:
        if self._connection is None or self._connection.closed:
            self._connection = self.engine.connect()
        return self._connection

    def session(self, **kwargs: Any) -> Session:
        """An ORM ``Session`` on this test's connection, closed after the test.

        Under ``db`` its ``commit()`` only releases a savepoint
        (``join_transaction_mode="create_savepoint"``), so the test is still
        rolled back. Under ``transactional_db`` it commits for real.
        """
        from sqlalchemy import event
        from sqlalchemy.orm import Session

        if self.rolls_back:
            kwargs.setdefault("join_transaction_mode", "create_savepoint")
        session = Session(bind=self.connection, **kwargs)
        if self.rolls_back:
            event.listen(session, "after_begin", _mark_harness_savepoint)
        self._sessions.append(session)
        return session

    def execute(self, statement: Any, params: Any = None) -> sa.CursorResult[Any]:
        """Run ``statement`` (SQL text or an SQLAlchemy construct) on :attr:`connection`."""
        import sqlalchemy as sa

        if isinstance(statement, str):
            statement = sa.text(statement)
        result: sa.CursorResult[Any] = self.connection.execute(statement, params)
        return result

    def _close(self) -> None:
        for session in self._sessions:
            session.close()
        self._sessions.clear()


def _mark_harness_savepoint(session: Any, transaction: Any, connection: sa.Connection) -> None:
    """Note the savepoint a session opened in place of its transaction (not counted).

    A ``session.begin_nested()`` of the code under test is its own savepoint, counted.
    """
    if getattr(transaction, "nested", False):
        return
    nested = connection.get_nested_transaction()
    name = getattr(nested, "_savepoint", None)
    if name:
        connection.info.setdefault(HARNESS_SAVEPOINTS, set()).add(name)


@contextmanager
def rolled_back(database: Any) -> Iterator[DatabaseFixture]:
    """Run the block in a transaction and a savepoint, both rolled back at the end.

    ``database`` is an ``Engine`` or an orm-lite ``Database``. Code that
    commits through a :meth:`DatabaseFixture.session` or through orm-lite
    only releases savepoints; code that calls ``commit()`` on the test's
    connection itself gets :class:`TestTransactionCommitted` (and nothing is
    committed), because that would end the test's transaction.
    """
    import sqlalchemy as sa

    engine = engine_of(database)
    conn = engine.connect()
    conn.begin()
    # On SQLite (pysqlite emits no BEGIN) this savepoint is what opens the
    # transaction; everywhere it lets the test's own errors roll back cleanly.
    savepoint = conn.begin_nested()
    _mark_harness_savepoint(None, None, conn)

    def refuse_commit(connection: Any) -> None:
        raise TestTransactionCommitted(
            "the code under test committed the test's transaction; under the `db` fixture "
            "commit through db.session(), a savepoint (connection.begin_nested()) or "
            "orm-lite's atomic(), or use the `transactional_db` fixture for real commits"
        )

    sa.event.listen(conn, "commit", refuse_commit)
    bind = getattr(database, "bind_connection", None)
    handle = DatabaseFixture(database, engine, conn, rollback=True)
    try:
        with bind(conn) if callable(bind) else nullcontext():
            try:
                yield handle
            finally:
                handle._close()
    finally:
        sa.event.remove(conn, "commit", refuse_commit)
        try:
            if savepoint.is_active:
                savepoint.rollback()
        finally:
            try:
                if conn.in_transaction():
                    conn.rollback()  # ours, or one begun after the code under test ended ours
                else:
                    # Ours was ended behind our back (a refused commit): SQLAlchemy no
                    # longer tracks it, the driver may still hold it. Roll it back there,
                    # or the pool would hand the open transaction to the next user.
                    dbapi_connection = conn.connection.dbapi_connection
                    if dbapi_connection is not None:
                        dbapi_connection.rollback()
            finally:
                conn.info.pop(HARNESS_SAVEPOINTS, None)  # info outlives the checkout
                conn.close()


@contextmanager
def transactional(database: Any, keep: frozenset[str] = KEEP_TABLES) -> Iterator[DatabaseFixture]:
    """Let the block commit for real; empty every table afterwards.

    Every table of the database except ``keep`` is emptied (and its
    auto-increment counter reset), so point the fixtures at a database made
    for tests (the default SQLite file, ``postgresql_url``, ``mariadb_url``).
    """
    engine = engine_of(database)
    handle = DatabaseFixture(database, engine, None, rollback=False)
    try:
        yield handle
    finally:
        handle._close()
        if handle._connection is not None:
            handle._connection.close()
        close = getattr(database, "close", None)
        if callable(close) and not getattr(database, "in_atomic_block", False):
            close()  # orm-lite: this thread's connection, so nothing holds a lock
        flush_tables(engine, keep=keep)


def flush_tables(engine: sa.Engine, keep: frozenset[str] = KEEP_TABLES) -> list[str]:
    """Delete every row of every table of ``engine``'s database but ``keep``; reset sequences.

    Returns the names of the tables emptied. PostgreSQL: one ``TRUNCATE ...
    RESTART IDENTITY CASCADE``; MariaDB/MySQL: ``TRUNCATE`` with foreign key
    checks off; SQLite and others: ``DELETE``, children first (with foreign
    keys deferred on SQLite, for cycles).
    """
    import sqlalchemy as sa

    # Children before parents, so that deleting row by row never breaks a
    # foreign key (tables in a cycle come last, in any order).
    ordered = sa.inspect(engine).get_sorted_table_and_fkc_names()
    names = [n for n, _ in reversed(ordered) if n is not None and n not in keep]
    if not names:
        return names
    quote = engine.dialect.identifier_preparer.quote
    vendor = engine.dialect.name
    with engine.begin() as conn:
        if vendor == "postgresql":
            tables = ", ".join(quote(n) for n in names)
            conn.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        elif vendor in ("mysql", "mariadb"):
            conn.exec_driver_sql("SET FOREIGN_KEY_CHECKS = 0")
            try:
                for name in names:
                    conn.exec_driver_sql(f"TRUNCATE TABLE {quote(name)}")
            finally:
                conn.exec_driver_sql("SET FOREIGN_KEY_CHECKS = 1")
        else:
            if vendor == "sqlite":
                conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
            for name in names:
                conn.exec_driver_sql(f"DELETE FROM {quote(name)}")
            if vendor == "sqlite":
                has_sequences = conn.exec_driver_sql(
                    "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'"
                ).first()
                if has_sequences:
                    conn.exec_driver_sql("DELETE FROM sqlite_sequence")
    return names

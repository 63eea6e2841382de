from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from manouche.testkit import (
    CapturedQueries,
    Query,
    assert_num_queries,
    capture_queries,
    rolled_back,
)


@pytest.fixture
def engine(backend_url: str) -> Iterator[sa.Engine]:
    engine = sa.create_engine(backend_url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE IF EXISTS tk_q"))
        conn.execute(sa.text("CREATE TABLE tk_q (id integer primary key, name varchar(20))"))
    yield engine
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE tk_q"))
    engine.dispose()


def test_counts_the_statements_sent(engine: sa.Engine) -> None:
    with engine.begin() as conn, capture_queries() as queries:
        conn.execute(sa.text("INSERT INTO tk_q VALUES (:id, :name)"), {"id": 1, "name": "a"})
        conn.execute(sa.text("SELECT name FROM tk_q WHERE id = :id"), {"id": 1}).all()
    assert len(queries) == 2
    assert queries.statements[0].startswith("INSERT INTO tk_q")
    assert isinstance(queries[1], Query)
    assert "SELECT name FROM tk_q" in queries[1].statement
    assert queries[1].parameters in ({"id": 1}, (1,), [1])
    assert not queries[1].executemany
    assert [q.statement for q in queries] == queries.statements


def test_executemany_counts_once_and_is_marked() -> None:
    engine = sa.create_engine("sqlite://")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (x integer)")
        with capture_queries() as queries:
            conn.execute(sa.text("INSERT INTO t VALUES (:x)"), [{"x": 1}, {"x": 2}, {"x": 3}])
    assert len(queries) == 1
    assert queries[0].executemany
    assert "executemany" in str(queries[0])


def test_assert_num_queries_passes_on_the_right_count(engine: sa.Engine) -> None:
    with engine.connect() as conn, assert_num_queries(1) as queries:
        conn.execute(sa.text("SELECT 1")).all()
    assert isinstance(queries, CapturedQueries)


def test_wrong_count_lists_the_queries() -> None:
    engine = sa.create_engine("sqlite://")
    with pytest.raises(AssertionError) as info, engine.connect() as conn, assert_num_queries(1):
        conn.execute(sa.text("SELECT :a"), {"a": 41}).all()
        conn.execute(sa.text("SELECT 'second'")).all()
    message = str(info.value)
    assert message.startswith("2 queries executed, 1 expected. Queries:\n")
    assert "1. SELECT ?  -- params (41,)" in message
    assert "2. SELECT 'second'" in message


def test_no_queries_when_some_were_expected() -> None:
    with pytest.raises(AssertionError, match=r"0 queries executed, 3 expected.*\n\(no queries\)"):
        with assert_num_queries(3):
            pass


def test_an_error_in_the_block_is_not_hidden_by_the_count() -> None:
    with pytest.raises(ZeroDivisionError), assert_num_queries(5):
        1 / 0  # noqa: B018


def test_bad_count_is_rejected() -> None:
    for bad in (-1, "2", True):
        with pytest.raises(ValueError, match="needs a count >= 0"), assert_num_queries(bad):  # type: ignore[arg-type]
            pass


def test_listening_stops_after_the_block() -> None:
    engine = sa.create_engine("sqlite://")
    with engine.connect() as conn:
        with capture_queries() as queries:
            conn.execute(sa.text("SELECT 1"))
        conn.execute(sa.text("SELECT 2"))
    assert queries.statements == ["SELECT 1"]


def test_connections_opened_before_the_block_count() -> None:
    engine = sa.create_engine("sqlite://")
    with engine.connect() as conn:
        conn.execute(sa.text("SELECT 0"))
        with assert_num_queries(1):
            conn.execute(sa.text("SELECT 1"))


def test_using_limits_the_count_to_one_engine() -> None:
    first, second = sa.create_engine("sqlite://"), sa.create_engine("sqlite://")
    with first.connect() as a, second.connect() as b:
        with capture_queries(using=first) as queries:
            a.execute(sa.text("SELECT 'first'"))
            b.execute(sa.text("SELECT 'second'"))
        with capture_queries(using=b) as on_b:
            a.execute(sa.text("SELECT 'first'"))
            b.execute(sa.text("SELECT 'second'"))
    assert queries.statements == ["SELECT 'first'"]
    assert on_b.statements == ["SELECT 'second'"]


def test_using_an_orm_lite_database(backend_url: str) -> None:
    from manouche import orm_lite as models

    database = models.Database(backend_url)
    try:
        with assert_num_queries(1, using=database):
            database.execute("SELECT 1")
    finally:
        database.dispose()
    with pytest.raises(TypeError, match="counts on an Engine, a Connection or an object"):
        with capture_queries(using="sqlite://"):
            pass


def test_savepoints_count_as_django_counts_them(engine: sa.Engine) -> None:
    with rolled_back(engine) as db, capture_queries() as queries:
        with db.connection.begin_nested():
            db.execute("INSERT INTO tk_q VALUES (1, 'x')")
    assert [q.statement.split()[0].upper() for q in queries] == ["SAVEPOINT", "INSERT", "RELEASE"]


def test_a_sessions_own_transaction_is_not_counted(engine: sa.Engine) -> None:
    """In production a session's transaction is BEGIN/COMMIT, sent without a cursor."""
    with rolled_back(engine) as db:
        session = db.session()
        with assert_num_queries(1) as queries:
            session.execute(sa.text("SELECT count(*) FROM tk_q")).scalar_one()
            session.rollback()
        with assert_num_queries(1):
            session.execute(sa.text("INSERT INTO tk_q VALUES (1, 'x')"))
            session.commit()
        # A savepoint the code asks for is counted, as Django counts atomic() blocks.
        with assert_num_queries(3):
            with session.begin_nested():
                session.execute(sa.text("INSERT INTO tk_q VALUES (2, 'y')"))
            session.commit()
    assert "SELECT count(*) FROM tk_q" in queries.statements[0]
    with engine.connect() as conn:  # the marks do not outlive the test's connection
        assert conn.info.get("manouche.testkit.harness_savepoints") is None


def test_other_threads_count_too() -> None:
    engine = sa.create_engine("sqlite://", poolclass=sa.pool.StaticPool)

    def work() -> None:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 'thread'"))

    with capture_queries() as queries:
        worker = threading.Thread(target=work)
        worker.start()
        worker.join()
    assert queries.statements == ["SELECT 'thread'"]


def test_format_and_repr() -> None:
    captured = CapturedQueries()
    assert captured.format() == "(no queries)"
    for i in range(10):
        captured._record(Query(f"SELECT {i}", {}, False))
    assert repr(captured) == "<CapturedQueries: 10 queries>"
    lines = captured.format().splitlines()
    assert lines[0] == " 1. SELECT 0" and lines[9] == "10. SELECT 9"
    assert captured[2:4] == captured.queries[2:4]


def test_fixtures_from_a_users_point_of_view(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        import pytest
        import sqlalchemy as sa

        @pytest.fixture(scope="session")
        def database(database_url):
            engine = sa.create_engine(database_url)
            with engine.begin() as conn:
                conn.execute(sa.text("CREATE TABLE book (id integer primary key, title text)"))
            yield engine
            engine.dispose()
        """
    )
    pytester.makepyfile(
        """
        def test_right(db, assert_num_queries):
            with assert_num_queries(2):
                db.execute("INSERT INTO book (title) VALUES ('a')")
                db.execute("SELECT * FROM book").all()

        def test_wrong(db, assert_num_queries):
            with assert_num_queries(1):
                db.execute("INSERT INTO book (title) VALUES ('b')")
                db.execute("SELECT title FROM book WHERE id = :id", {"id": 7}).all()

        def test_capture(db, capture_queries):
            with capture_queries(db.engine) as queries:
                db.execute("SELECT count(*) FROM book")
            assert queries.statements == ["SELECT count(*) FROM book"]
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*AssertionError: 2 queries executed, 1 expected. Queries:",
            "*1. INSERT INTO book (title) VALUES ('b')",
            "*2. SELECT title FROM book WHERE id = ?  -- params (7,)",
        ]
    )

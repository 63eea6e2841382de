"""Database access outside ``db``/``transactional_db`` is refused, naming the fixture to request."""

from __future__ import annotations

import pytest

CONFTEST = """
import flask
import pytest
import sqlalchemy as sa

items = sa.Table("items", sa.MetaData(), sa.Column("name", sa.String(50)))


@pytest.fixture(scope="session")
def database(database_url):
    engine = sa.create_engine(database_url)
    items.metadata.create_all(engine)  # session fixtures may use the database
    with engine.begin() as conn:
        conn.execute(items.insert().values(name="seed"))
    return engine


@pytest.fixture
def wsgi_app(database):
    app = flask.Flask("shop")

    @app.post("/items")
    def add():
        with database.begin() as conn:
            conn.execute(items.insert().values(name=flask.request.form["name"]))
        return "ok"

    @app.get("/count")
    def count():
        try:
            with database.connect() as conn:
                return str(conn.execute(sa.select(sa.func.count()).select_from(items)).scalar())
        except Exception:
            return "swallowed", 500

    return app
"""

TESTS = """
import pytest
import sqlalchemy as sa


def test_forgot_db(database):
    with database.begin() as conn:
        conn.execute(sa.text("INSERT INTO items VALUES ('lost')"))


def test_app_swallows_the_error(client):
    client.get("/count", status=500)


def test_with_db(client, db):
    assert client.get("/count").text == "1"


@pytest.mark.own_database
def test_own_database():
    engine = sa.create_engine("sqlite://")
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT 1")).scalar() == 1


@pytest.fixture
def book(database):
    with database.begin() as conn:
        conn.execute(sa.text("INSERT INTO items VALUES ('fixture')"))


def test_function_fixture_without_db(book):
    pass


def test_nothing_leaked(db):
    names = db.execute("SELECT name FROM items ORDER BY name").scalars().all()
    assert names == ["seed"]  # neither refused insert reached the table


def test_with_transactional_db(client, transactional_db):
    client.post("/items", {"name": "real"})
    assert client.get("/count").text == "2"
"""


def test_access_without_a_database_fixture_is_refused(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_shop=TESTS)
    result = pytester.runpytest_subprocess("-v", "-p", "no:randomly")
    result.assert_outcomes(passed=4, failed=2, errors=1)
    out = result.stdout.str()
    assert "test_forgot_db FAILED" in out
    assert "test_app_swallows_the_error FAILED" in out
    assert "test_function_fixture_without_db ERROR" in out
    assert "DatabaseAccessBlocked" in out
    # The message names the test, the statement and the fixtures to request.
    result.stdout.fnmatch_lines(
        ["*test_forgot_db used the database without asking for it*INSERT INTO items*"]
    )
    result.stdout.fnmatch_lines(
        ["*test_app_swallows_the_error used the database*Request the `db` fixture*"]
    )
    assert "`transactional_db`" in out and "@pytest.mark.own_database" in out


def test_a_suite_can_turn_the_block_off(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CONFTEST)
    pytester.makeini("[pytest]\nmanouche_block_database = false\n")
    pytester.makepyfile(
        test_off="""
import sqlalchemy as sa

def test_plain(database):
    with database.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM items")).scalar() == 1
"""
    )
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(passed=1)


def test_suites_that_own_their_databases_are_named_by_path(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CONFTEST)
    pytester.makeini("[pytest]\nmanouche_own_database_paths = own\n")
    body = """
import sqlalchemy as sa

def test_plain(database):
    with database.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM items")).scalar() == 1
"""
    pytester.mkdir("own")
    pytester.mkdir("guarded")
    (pytester.path / "own" / "test_own.py").write_text(body)
    (pytester.path / "guarded" / "test_guarded.py").write_text(body)
    result = pytester.runpytest_subprocess()
    # The suite under own/ runs; the same test elsewhere is still blocked.
    result.assert_outcomes(passed=1, failed=1)
    assert "guarded/test_guarded.py::test_plain FAILED" in result.stdout.str() or (
        "test_guarded.py F" in result.stdout.str()
    )
    result.stdout.fnmatch_lines(["*test_plain used the database without asking for it*"])

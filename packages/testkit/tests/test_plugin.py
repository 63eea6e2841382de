"""The plugin from a user's point of view: suites written as a user would, run with pytester.

Two kinds of application: a Flask app on plain SQLAlchemy (its session made by
``db.session``), and a Manouche app (an httpkit view and middleware) on
orm-lite models (bound by ``Database.bind_connection``); test_client.py drives
a bare WebOb app and test_servers.py a bare WSGI function. Each suite runs on SQLite, PostgreSQL and
MariaDB (the conftest parametrizes ``database_url`` over the server fixtures,
as a user's conformance suite would) and in both test orders, so a row
written by one test and seen by the next fails the run.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import flask  # noqa: F401 - imported once here, not re-imported by every in-process run
import pytest
import sqlalchemy  # noqa: F401
import sqlalchemy.orm  # noqa: F401

from manouche.testkit import require_service

# As a user's conftest.py would write a conformance suite: every test on each database.
ALL_BACKENDS_CONFTEST = """

@pytest.fixture(scope="session", params=["sqlite", "postgresql", "mariadb"])
def database_url(request, tmp_path_factory):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('db')}/test.sqlite3"
    return request.getfixturevalue(f"{request.param}_url")
"""


def require_servers() -> None:
    for name in ("postgresql", "mariadb"):
        require_service(name)


def both_orders(pytester: pytest.Pytester, name: str, source: str) -> None:
    """The tests of ``source`` twice, in two files: as written, and in reverse order."""
    head, *tests = source.split("\n\n\ndef ")
    bodies = [f"def {test}" for test in tests]
    pytester.makepyfile(
        **{
            f"{name}_1": "\n\n\n".join([head, *bodies]),
            f"{name}_2": "\n\n\n".join([head, *reversed(bodies)]),
        }
    )


FLASK_CONFTEST = """
import flask
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Item(Base):
    __tablename__ = "item"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(50))


def create_app(make_session):
    app = flask.Flask("shop")
    app.testing = True  # exceptions reach the test instead of a 500 page

    @app.get("/items")
    def items():
        with make_session() as session:
            names = session.scalars(sa.select(Item.name).order_by(Item.id)).all()
        page = "".join(f"<li>{n}</li>" for n in names)
        form = '<form method="post" action="/items"><input name="name"></form>'
        return f"<ul>{page}</ul>{form}"

    @app.post("/items")
    def add():
        name = flask.request.form["name"]
        if not name:
            return "name is required", 400
        with make_session() as session:
            session.add(Item(name=name))
            session.commit()
        return flask.redirect("/items", 303)

    return app


@pytest.fixture(scope="session")
def database(database_url):
    engine = sa.create_engine(database_url)
    Base.metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def wsgi_app(db):
    return create_app(db.session)
"""

FLASK_TESTS = """
import sqlalchemy as sa


def add(client, name):
    res = client.submit_form("/items", {"name": name}, follow=True)
    assert res.redirect_chain == [("/items", 303)]  # as the app wrote it, as Django records it
    return res


def test_a(client, db):
    res = add(client, "apple")
    assert res.html.find_all("li")[0].text == "apple"
    assert len(res.html.find_all("li")) == 1
    assert db.execute(sa.text("SELECT count(*) FROM item")).scalar_one() == 1


def test_b(client, db):
    res = add(client, "banana")
    assert [li.text for li in res.html.find_all("li")] == ["banana"]


def test_queries(client, db, assert_num_queries):
    with assert_num_queries(1):
        client.get("/items")


def test_committed(transactional_db, database):
    with database.begin() as conn:
        conn.execute(sa.text("INSERT INTO item (name) VALUES ('kept')"))
    with database.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM item")).scalar_one() == 1


def test_error_shows_the_body(client, db):
    client.post("/items", {"name": ""})
"""


def test_flask_app_on_sqlalchemy(pytester: pytest.Pytester) -> None:
    require_servers()
    pytester.makeconftest(FLASK_CONFTEST + ALL_BACKENDS_CONFTEST)
    both_orders(pytester, "test_shop", FLASK_TESTS)
    result = pytester.runpytest("-v")
    result.assert_outcomes(passed=24, failed=6)
    for backend in ("sqlite", "postgresql", "mariadb"):
        result.stdout.fnmatch_lines(
            [
                f"test_shop_1.py::test_a[[]{backend}] PASSED*",
                f"test_shop_1.py::test_error_shows_the_body[[]{backend}] FAILED*",
                f"test_shop_2.py::test_error_shows_the_body[[]{backend}] FAILED*",
                f"test_shop_2.py::test_a[[]{backend}] PASSED*",
            ]
        )
    result.stdout.fnmatch_lines(
        [
            "*AppError: Bad response: 400 BAD REQUEST (not 200 OK or 3xx redirect*",
            "*name is required*",
        ]
    )


ORM_CONFTEST = """
import pytest
import webob
from webob.exc import HTTPSeeOther

from manouche import orm_lite as models
from manouche.httpkit import CommonMiddleware, SecurityMiddleware, make_wsgi_app


class Note(models.Model):
    text = models.CharField(max_length=100)

    class Meta:
        app_label = "notes"


def notes(request):
    if request.method == "POST":
        with models.atomic():
            Note.objects.create(text=request.POST["text"])
        return HTTPSeeOther(location="/")
    items = "".join(f"<li>{n.text}</li>" for n in Note.objects.order_by("id"))
    token = "t0k3n"
    request.environ["manouche.csrf_token"] = token
    return webob.Response(
        f"<ul>{items}</ul><form method='post'>"
        f"<input type='hidden' name='csrfmiddlewaretoken' value='{token}'>"
        f"<input name='text'></form>"
    )


notes_app = make_wsgi_app(notes, [SecurityMiddleware, CommonMiddleware])


@pytest.fixture(scope="session")
def database(database_url):
    db = models.Database(database_url)
    db.create_all([Note])
    yield db
    db.drop_all([Note])
    db.dispose()


@pytest.fixture
def wsgi_app():
    return notes_app
"""

ORM_TESTS = """
import json
import threading
import urllib.parse
import urllib.request

from conftest import Note


def test_a(client, db):
    res = client.submit_form("/", {"text": "first"}, follow=True)
    assert [li.text for li in res.html.find_all("li")] == ["first"]
    assert Note.objects.count() == 1
    assert client.csrf_token() == "t0k3n"


def test_b(client, db):
    Note.objects.create(text="made in the test")
    res = client.get("/")
    assert [li.text for li in res.html.find_all("li")] == ["made in the test"]


def test_queries(db, assert_num_queries):
    Note.objects.create(text="x")
    with assert_num_queries(1):
        assert [n.text for n in Note.objects.all()] == ["x"]


def test_live(live_server, transactional_db):
    data = urllib.parse.urlencode({"text": "over http"}).encode()
    urllib.request.urlopen(live_server.url + "/", data=data).read()
    # Committed by the server's thread, seen by the test's.
    assert [n.text for n in Note.objects.all()] == ["over http"]


def test_bad_commit(db):
    db.connection.commit()
"""


def test_manouche_app_on_orm_lite(pytester: pytest.Pytester) -> None:
    require_servers()
    pytester.makeconftest(ORM_CONFTEST + ALL_BACKENDS_CONFTEST)
    both_orders(pytester, "test_notes", ORM_TESTS)
    # A subprocess: orm-lite's model registry is per process.
    result = pytester.runpytest_subprocess("-v")
    result.assert_outcomes(passed=24, failed=6)
    for backend in ("sqlite", "postgresql", "mariadb"):
        result.stdout.fnmatch_lines(
            [
                f"test_notes_1.py::test_a[[]{backend}] PASSED*",
                f"test_notes_1.py::test_bad_commit[[]{backend}] FAILED*",
                f"test_notes_2.py::test_bad_commit[[]{backend}] FAILED*",
                f"test_notes_2.py::test_a[[]{backend}] PASSED*",
            ]
        )
    result.stdout.fnmatch_lines(["*TestTransactionCommitted: the code under test committed*"])


XDIST_CONFTEST = """
import pytest
import sqlalchemy as sa


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database(request, tmp_path_factory):
    # A conformance-style suite: every test on each database.
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db')}/test.sqlite3"
    else:
        url = request.getfixturevalue("postgresql_url")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE hit (n integer)"))
    yield engine
    engine.dispose()
"""

XDIST_TESTS = """
import pytest
import sqlalchemy as sa


@pytest.mark.parametrize("n", range(6))
def test_alone(db, n):
    db.execute(sa.text("INSERT INTO hit VALUES (:n)"), {"n": n})
    assert db.execute(sa.text("SELECT count(*) FROM hit")).scalar_one() == 1
"""


def test_isolation_under_xdist(pytester: pytest.Pytester) -> None:
    require_service("postgresql")
    pytester.makeconftest(XDIST_CONFTEST)
    pytester.makepyfile(test_hits=XDIST_TESTS)
    result = pytester.runpytest_subprocess("-p", "xdist", "-n", "2")
    result.assert_outcomes(passed=12)


def test_missing_wsgi_app_says_what_to_define(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_it(client):\n    pass\n")
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*no `wsgi_app` fixture*", "*def wsgi_app():*"])


def test_db_and_transactional_db_together_is_an_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_it(db, transactional_db):\n    pass\n")
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*either `db` or `transactional_db`, not both*"])


def test_default_database_is_a_fresh_sqlite_file(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import os

        def test_it(database_url, database, db):
            assert database_url.startswith("sqlite:///")
            path = database_url[len("sqlite:///"):]
            assert os.path.basename(path) == "test.sqlite3"
            assert db.engine is database
            assert db.vendor == "sqlite"
            assert db.execute("SELECT count(*) FROM sqlite_master").scalar_one() == 0
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


BLOCK_OPTIONAL = """
import importlib.abc, sys

class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {"webtest", "sqlalchemy", "waitress"}:
            raise ImportError(f"No module named {name!r} (blocked)")
        return None

sys.meta_path.insert(0, Block())
"""


def test_plugin_loads_without_the_optional_libraries(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_min="""
        from manouche.testkit import LiveServer, capture_signals, require_service

        def test_plain():
            assert LiveServer and capture_signals and require_service

        def test_client(client):
            pass

        def test_db(db):
            pass

        def test_live(live_server):
            assert live_server.server == "wsgiref"

        def test_client_name():
            import manouche.testkit
            manouche.testkit.Client
        """,
        conftest="""
        import pytest

        @pytest.fixture
        def wsgi_app():
            def app(environ, start_response):
                start_response("200 OK", [])
                return [b""]
            return app
        """,
    )
    script = BLOCK_OPTIONAL + "import pytest\nsys.exit(pytest.main(['-p', 'no:cacheprovider']))\n"
    proc = subprocess.run(
        [sys.executable, "-c", script],
        cwd=pytester.path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    out = proc.stdout
    assert "2 passed" in out and "1 failed" in out and "2 error" in out, out
    assert "the `client` fixture needs webtest: pip install 'manouche-testkit[web]'" in out
    assert "the `database` fixture needs sqlalchemy: pip install 'manouche-testkit[db]'" in out
    assert "Client needs WebTest: pip install 'manouche-testkit[web]'" in out


def test_the_readme_example_runs(pytester: pytest.Pytester) -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    blocks = re.findall(r"```python\n(# (\w+)\.py\n.*?)```", readme, re.S)
    files = {name: source for source, name in blocks}
    assert set(files) >= {"conftest", "test_shop"}
    pytester.makeconftest(files["conftest"])
    pytester.makepyfile(test_shop=files["test_shop"])
    pytester.runpytest().assert_outcomes(passed=2)

"""The pytest plugin, registered through the ``pytest11`` entry point.

Fixtures, overridden by defining a fixture of the same name in a
``conftest.py`` (there is no settings module):

``wsgi_app``
    the application under test; the user defines it.
``client``
    a :class:`~manouche.testkit.Client` (WebTest ``TestApp``) over ``wsgi_app``.
``live_server``
    ``wsgi_app`` served on a free port of 127.0.0.1; ``live_server.url``.
``database_url``
    session: a fresh SQLite file; point it at ``postgresql_url`` or ``mariadb_url``.
``database``
    session: an ``Engine`` on ``database_url``; return an orm-lite ``Database``
    (tables created) instead to test orm-lite models.
``db``
    the test runs in a transaction rolled back at the end.
``transactional_db``
    real commits; every table emptied at the end.
``assert_num_queries``, ``capture_queries``, ``capture_signals``
    the context managers of the same names.
``postgresql_url``, ``mariadb_url``, ``redis_url``
    session: real servers, skipped (failed under ``MANOUCHE_REQUIRE_SERVICES=1``)
    when they are down.

A test that requests neither ``db`` nor ``transactional_db`` may not use a
database (see :mod:`manouche.testkit.blocking`).

Optional libraries (WebTest, SQLAlchemy) are imported inside the fixtures
that need them, so the plugin loads in any environment.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

from manouche.testkit import blocking
from manouche.testkit.queries import assert_num_queries as _assert_num_queries
from manouche.testkit.queries import capture_queries as _capture_queries
from manouche.testkit.services import fresh_database, require_service
from manouche.testkit.signals import capture_signals as _capture_signals

if TYPE_CHECKING:
    import sqlalchemy as sa

    from manouche.testkit.client import Client
    from manouche.testkit.databases import DatabaseFixture
    from manouche.testkit.servers import LiveServer

_EXTRAS = {"webtest": "web", "sqlalchemy": "db"}


def _require(module: str, fixture: str) -> None:
    try:
        __import__(module)
    except ImportError:
        pytest.fail(
            f"the `{fixture}` fixture needs {module}: pip install "
            f"'manouche-testkit[{_EXTRAS[module]}]'",
            pytrace=False,
        )


# -- database access outside the database fixtures ------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        blocking.INI_OPTION,
        "refuse database access in tests that request neither `db` nor `transactional_db`",
        type="bool",
        default=True,
    )
    parser.addini(
        blocking.PATHS_OPTION,
        "test folders or files whose tests manage their own databases (not blocked)",
        type="paths",
        default=[],
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{blocking.MARKER}: the test manages its own database; testkit does not block "
        "its database access",
    )
    if config.getini(blocking.INI_OPTION):
        blocking.install()


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest) -> Any:
    if fixturedef.scope != "function" or not blocking.blocked_for(request.node):
        return (yield)
    with blocking.guard(request.node.nodeid):
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Any:
    if not blocking.blocked_for(item):
        return (yield)
    blocking.guard.take_attempts()
    with blocking.guard(item.nodeid):
        try:
            result = yield
        except blocking.DatabaseAccessBlocked:
            blocking.guard.take_attempts()
            raise
    attempts = blocking.guard.take_attempts()
    if attempts:
        # The code under test swallowed the error (a WSGI app answering 500, say).
        pytest.fail(blocking.message(item.nodeid, attempts[0]), pytrace=False)
    return result


# -- real servers -------------------------------------------------------------


@pytest.fixture(scope="session")
def postgresql_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session (dropped after)."""
    with fresh_database("postgresql") as url:
        yield url


@pytest.fixture(scope="session")
def mariadb_url() -> Iterator[str]:
    """A fresh MariaDB database for this test session (dropped after)."""
    with fresh_database("mariadb") as url:
        yield url


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The URL of Redis on 127.0.0.1."""
    return require_service("redis")


# -- the application ----------------------------------------------------------


@pytest.fixture
def wsgi_app() -> Any:
    """The WSGI application under test: define this fixture in your conftest.py."""
    pytest.fail(
        "no `wsgi_app` fixture: the `client` and `live_server` fixtures serve the "
        "application it returns. Define it in conftest.py, for example:\n\n"
        "    @pytest.fixture\n"
        "    def wsgi_app():\n"
        "        return create_app()\n",
        pytrace=False,
    )


@pytest.fixture
def client(wsgi_app: Any) -> Client:
    """A WebTest client over ``wsgi_app``; cookies last for the test."""
    _require("webtest", "client")
    from manouche.testkit.client import Client

    return Client(wsgi_app)


@pytest.fixture
def live_server(wsgi_app: Any, request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    """``wsgi_app`` served over HTTP on a free port of 127.0.0.1, stopped after the test."""
    if "db" in request.fixturenames:
        pytest.fail(
            "`live_server` serves from other threads, which cannot see the uncommitted "
            "transaction of the `db` fixture: use `transactional_db` with `live_server`",
            pytrace=False,
        )
    from manouche.testkit.servers import LiveServer

    with LiveServer(wsgi_app) as server:
        yield server


# -- databases ----------------------------------------------------------------


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The database the tests use: a fresh SQLite file for this session (and xdist worker)."""
    path = tmp_path_factory.mktemp("database") / "test.sqlite3"
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def database(database_url: str) -> Iterator[sa.Engine]:
    """An SQLAlchemy ``Engine`` on ``database_url``; override to create tables or use orm-lite."""
    _require("sqlalchemy", "database")
    import sqlalchemy as sa

    engine = sa.create_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def db(database: Any, request: pytest.FixtureRequest) -> Iterator[DatabaseFixture]:
    """Run the test inside a transaction (and a savepoint) rolled back at the end."""
    if "transactional_db" in request.fixturenames:
        pytest.fail("a test uses either `db` or `transactional_db`, not both", pytrace=False)
    from manouche.testkit.databases import rolled_back

    with rolled_back(database) as handle:
        yield handle


@pytest.fixture
def transactional_db(database: Any) -> Iterator[DatabaseFixture]:
    """Let the test commit for real; empty every table at the end."""
    from manouche.testkit.databases import transactional

    with transactional(database) as handle:
        yield handle


# -- context managers as fixtures ----------------------------------------------


@pytest.fixture(name="assert_num_queries")
def _assert_num_queries_fixture() -> Callable[..., Any]:
    """:func:`manouche.testkit.assert_num_queries`."""
    _require("sqlalchemy", "assert_num_queries")
    return _assert_num_queries


@pytest.fixture(name="capture_queries")
def _capture_queries_fixture() -> Callable[..., Any]:
    """:func:`manouche.testkit.capture_queries`."""
    _require("sqlalchemy", "capture_queries")
    return _capture_queries


@pytest.fixture(name="capture_signals")
def _capture_signals_fixture() -> Callable[..., Any]:
    """:func:`manouche.testkit.capture_signals`."""
    return _capture_signals

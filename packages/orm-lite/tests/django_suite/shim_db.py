"""``django.db`` (and ``django.db.utils``) for Django's ORM tests, on orm-lite's database.

``models`` and ``transaction`` are the shim modules of orm-lite's names; the
database errors are SQLAlchemy's (what orm-lite raises); ``connection`` is the
suite's orm-lite database seen as Django's connection: its ``vendor``, a raw
DB-API ``cursor()`` on the connection orm-lite uses in this thread (the test's
transaction), and the ``features``/``ops`` of Django's backend for the same
database, which ``skipUnlessDBFeature`` reads (:mod:`shim_testing`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import Any

import _ormlite_suite
import shim_models as models
import shim_transaction as transaction
import sqlalchemy as sa

__all__ = [
    "DEFAULT_DB_ALIAS",
    "DataError",
    "DatabaseError",
    "Error",
    "IntegrityError",
    "InterfaceError",
    "InternalError",
    "NotSupportedError",
    "OperationalError",
    "ProgrammingError",
    "connection",
    "connections",
    "models",
    "reset_queries",
    "router",
    "transaction",
]

DEFAULT_DB_ALIAS = "default"
Error = sa.exc.DBAPIError
DatabaseError = sa.exc.DBAPIError
DataError = sa.exc.DataError
IntegrityError = sa.exc.IntegrityError
InterfaceError = sa.exc.InterfaceError
InternalError = sa.exc.InternalError
NotSupportedError = sa.exc.NotSupportedError
OperationalError = sa.exc.OperationalError
ProgrammingError = sa.exc.ProgrammingError


class _Cursor:
    """A DB-API cursor on orm-lite's connection of this thread; a context manager as Django's."""

    def __init__(self, raw: Any) -> None:
        self._raw = raw

    def __getattr__(self, name: str) -> Any:
        return getattr(self._raw, name)

    def __iter__(self) -> Any:
        return iter(self._raw)

    def __enter__(self) -> _Cursor:
        return self

    def __exit__(self, *exc: Any) -> None:
        self._raw.close()

    def execute(self, sql: str, params: Any = None) -> Any:
        # Django's cursors take the "format" paramstyle on every backend.
        if params is not None and self._raw.__class__.__module__.startswith("sqlite3"):
            sql = sql.replace("%s", "?")
        return self._raw.execute(sql, params) if params is not None else self._raw.execute(sql)


class Connection:
    """The suite's orm-lite database, with the part of Django's connection the tests read."""

    alias = DEFAULT_DB_ALIAS

    @property
    def db(self) -> Any:
        return _ormlite_suite.database()

    @property
    def vendor(self) -> str:
        return str(self.db.vendor)

    @cached_property
    def _django(self) -> Any:
        """Django's backend wrapper for the same database (features, operations)."""
        from django.db.utils import load_backend

        db = self.db
        url = db.engine.url
        engine = {
            "sqlite": "django.db.backends.sqlite3",
            "postgresql": "django.db.backends.postgresql",
            "mysql": "django.db.backends.mysql",
            "mariadb": "django.db.backends.mysql",
        }[self.vendor]
        settings = {
            "ENGINE": engine, "NAME": url.database or ":memory:", "USER": url.username or "",
            "PASSWORD": url.password or "", "HOST": url.host or "", "PORT": str(url.port or ""),
            "OPTIONS": {}, "TIME_ZONE": None, "CONN_MAX_AGE": 0, "CONN_HEALTH_CHECKS": False,
            "AUTOCOMMIT": True, "ATOMIC_REQUESTS": False, "TEST": {},
        }  # fmt: skip
        from django.db import connections as django_connections

        if engine.endswith("mysql"):
            _pymysql_as_mysqldb()

        # Django's "default" connection becomes a wrapper of the same database,
        # so the features that probe it (supports_json_field, ...) find it.
        wrapper = load_backend(engine).DatabaseWrapper(settings, alias=DEFAULT_DB_ALIAS)
        django_connections[DEFAULT_DB_ALIAS] = wrapper
        return wrapper

    @property
    def features(self) -> Any:
        return self._django.features

    @property
    def ops(self) -> Any:
        return self._django.ops

    @property
    def display_name(self) -> str:
        return str(self._django.display_name)

    @property
    def settings_dict(self) -> dict[str, Any]:
        return dict(self._django.settings_dict)

    def cursor(self) -> _Cursor:
        dbapi = self.db.connection().connection.dbapi_connection
        return _Cursor(dbapi.cursor())

    @property
    def in_atomic_block(self) -> bool:
        return bool(self.db.in_atomic_block)

    @contextmanager
    def constraint_checks_disabled(self) -> Iterator[None]:
        """Foreign keys checked at commit, not per statement (Django's, for loading
        rows in any order); the test's transaction is rolled back, never checked."""
        if self.vendor != "sqlite":
            raise NotImplementedError("constraint_checks_disabled() on this database")
        raw = self.db.connection().connection.driver_connection
        raw.execute("PRAGMA defer_foreign_keys = ON")
        try:
            yield
        finally:
            raw.execute("PRAGMA defer_foreign_keys = OFF")

    def __getattr__(self, name: str) -> Any:
        raise NotImplementedError(f"the orm-lite suite's connection has no {name!r}")


def _pymysql_as_mysqldb() -> None:
    """Django's MySQL backend on PyMySQL (the driver orm-lite uses), for its features.

    Django asks for mysqlclient 2.2.1 or later; PyMySQL speaks the same API
    and says it is mysqlclient 1.4.6, so it is presented as 2.2.1.
    """
    import pymysql

    pymysql.version_info = (2, 2, 1, "final", 0)
    pymysql.install_as_MySQLdb()


connection = Connection()


class _Connections:
    def __getitem__(self, alias: str) -> Connection:
        if alias != DEFAULT_DB_ALIAS:
            raise NotImplementedError(f"the orm-lite suite has one database, not {alias!r}")
        return connection

    def __iter__(self) -> Any:
        return iter([DEFAULT_DB_ALIAS])

    def all(self, initialized_only: bool = False) -> list[Connection]:
        return [connection]


connections = _Connections()


class _Router:
    def db_for_read(self, model: Any, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS


router = _Router()


def reset_queries() -> None:
    """Django clears ``connection.queries``; the suite keeps none."""

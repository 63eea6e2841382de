"""orm-lite in a Flask app: a database per app, closed after each request.

``init_app(app)`` is all an app factory needs::

    from manouche.orm_lite.flask import init_app

    def create_app(config=None):
        app = flask.Flask(__name__)
        app.config.update(config or {})
        init_app(app)  # app.config["DATABASE_URL"], e.g. "sqlite:///site.db"
        return app

It removes the boilerplate a Flask developer writes otherwise:

- the ``Database`` is made from ``app.config["DATABASE_URL"]`` (else the
  ``MANOUCHE_DATABASE_URL`` environment variable), with
  ``app.config["DATABASE_OPTIONS"]`` passed to ``create_engine``;
- each app has its own (``app.extensions["manouche.orm_lite"]``): inside an
  app context, ``Model.objects`` reads and writes the current app's database,
  so two apps in one process (tests, a dispatcher) never share data;
- the connection a request used goes back to the pool when its app context
  ends (``teardown_appcontext``), so threaded servers never starve the pool;
- ``sqlite://`` (in memory) is one database shared by every thread, as
  Flask-SQLAlchemy makes it, instead of an empty database per thread.

Needs Flask (``pip install 'manouche-orm-lite[flask]'``).
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING, Any

import flask
import sqlalchemy as sa

from manouche.orm_lite._database import Database
from manouche.orm_lite._routers import routers

if TYPE_CHECKING:
    from manouche.orm_lite._base import Model

__all__ = ["EXTENSION", "AppRouter", "get_database", "init_app"]

#: The key of the app's ``Database`` in ``app.extensions``.
EXTENSION = "manouche.orm_lite"
ENV_URL = "MANOUCHE_DATABASE_URL"


class AppRouter:
    """Sends every query made inside an app context to that app's database.

    Outside an app context (a script, a shell) it has no opinion, and the
    default database (or the next router) answers.
    """

    def _current(self) -> Database | None:
        if not flask.has_app_context():
            return None
        found = flask.current_app.extensions.get(EXTENSION)
        return found if isinstance(found, Database) else None

    def db_for_read(self, model: type[Model], **hints: Any) -> Database | None:
        return self._current()

    def db_for_write(self, model: type[Model], **hints: Any) -> Database | None:
        return self._current()

    def databases(self) -> list[Database]:
        current = self._current()
        return [current] if current is not None else []


_router = AppRouter()
_router_lock = threading.Lock()


def _in_memory_sqlite(url: sa.URL) -> bool:
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")


def init_app(app: flask.Flask, database: Database | None = None) -> Database:
    """Give ``app`` its database (made from its config unless given); returns it."""
    if database is None:
        url = app.config.get("DATABASE_URL") or os.environ.get(ENV_URL)
        if not url:
            raise RuntimeError(
                f"{app.name}: no database URL: set app.config['DATABASE_URL'] "
                f"(or the {ENV_URL} environment variable), e.g. 'sqlite:///site.db'"
            )
        options = dict(app.config.get("DATABASE_OPTIONS") or {})
        parsed = sa.make_url(url)
        if _in_memory_sqlite(parsed) and "poolclass" not in options:
            # One connection for every thread: otherwise each thread (and each pooled
            # connection) would see an empty database of its own.
            options["poolclass"] = sa.StaticPool
            options.setdefault("connect_args", {}).setdefault("check_same_thread", False)
        database = Database(parsed, default=False, **options)
    app.extensions[EXTENSION] = database
    with _router_lock:
        if _router not in routers.get():
            routers.register(_router)

    @app.teardown_appcontext
    def _close_connection(exc: BaseException | None) -> None:
        if not database.in_atomic_block:
            database.close()

    return database


def get_database(app: flask.Flask | None = None) -> Database:
    """The database of ``app`` (the current app by default)."""
    target = app if app is not None else flask.current_app
    found = target.extensions.get(EXTENSION)
    if not isinstance(found, Database):
        raise RuntimeError(f"{target.name}: call manouche.orm_lite.flask.init_app(app) first")
    return found

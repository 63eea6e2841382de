"""Session workloads: a request that loads its session and saves it, through WSGI.

Manouche (authkit's SessionMiddleware) against Django's SessionMiddleware, on
the same kind of storage:

- database: Django's ``django_session`` table in an SQLite file (each
  contender its own file); every request reads its session row and writes it
  back (a counter is incremented), as a site that touches its session does;
- database, read only: the view reads the session and changes nothing (no
  write, no cookie), the common case of a logged-in page view;
- database in WAL mode (``journal_mode=WAL``, ``synchronous=NORMAL``, the
  usual production setting of SQLite), the same for both: the write costs
  less than the rollback journal's two syncs, so the libraries' own work shows;
- database on PostgreSQL (``MANOUCHE_TEST_POSTGRESQL_URL``; skipped, with the
  reason printed, when the server does not answer), the same database for both;
- cache: an in-process cache (cachelib's SimpleCache; Django's locmem cache);
- cache on Redis (``MANOUCHE_TEST_REDIS_URL``): cachelib's RedisCache and
  Django's RedisCache on the same server;
- signed cookies: the data in the cookie (Django's format in both).

Each request carries the cookie of an existing session, builds a fresh WSGI
environ and consumes the body, as a server does. Django keeps its database
connections (``CONN_MAX_AGE=None``), as orm-lite keeps one per thread.
"""

from __future__ import annotations

import io
import os
import secrets
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from bench._runner import Workload

OPS = 1000
SECRET = "bench-only-secret-" + "x" * 40
TMP = Path(tempfile.mkdtemp(prefix="manouche-bench-sessions-"))
POSTGRESQL_URL = os.environ.get(
    "MANOUCHE_TEST_POSTGRESQL_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("MANOUCHE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
RUN = secrets.token_hex(3)  # keys of this run (the servers are shared)


def _environ(cookie: str) -> dict[str, Any]:
    return {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": "/",
        "QUERY_STRING": "",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "localhost:8000",
        "HTTP_COOKIE": cookie,
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }


def _call(app: Any, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
    seen: list[Any] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        seen.append((status, headers))

    body = app(environ, start_response)
    data = b"".join(body)
    getattr(body, "close", lambda: None)()
    return seen[0][0], seen[0][1], data


def _runner(app: Any, writes: bool) -> Callable[[], None]:
    """Open a session (first request), then time requests carrying its cookie."""
    status, headers, _ = _call(app, dict(_environ(""), **{"wsgi.input": io.BytesIO(b"")}))
    cookies = [v.split(";", 1)[0] for k, v in headers if k.lower() == "set-cookie"]
    if not status.startswith("200") or not cookies:
        raise RuntimeError(f"contender did not open a session: {status} {headers}")
    cookie = "; ".join(cookies)
    base = _environ(cookie)
    # Check the contender: the session is read back and, when writing, counted.
    status, headers, data = _call(app, dict(base, **{"wsgi.input": io.BytesIO(b"")}))
    if not status.startswith("200") or data != (b"2" if writes else b"1"):
        raise RuntimeError(f"contender answered {status} {data[:80]!r}")
    signed = any("=" in c and ":" in c for c in cookies)

    out: list[Any] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        out.append(headers)

    def run() -> None:
        environ = base
        for _ in range(OPS):
            env = environ.copy()
            env["wsgi.input"] = io.BytesIO(b"")
            out.clear()
            body = app(env, start_response)
            for _chunk in body:
                pass
            close = getattr(body, "close", None)
            if close is not None:
                close()
            if signed and writes:
                # A signed cookie changes with its data: send the new one next time.
                for name, value in out[0]:
                    if name.lower() == "set-cookie" and value.startswith("sessionid="):
                        environ = dict(environ, HTTP_COOKIE=value.split(";", 1)[0])

    return run


# -- Manouche -----------------------------------------------------------------------


def _wal(dbapi_connection: Any, record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def manouche_apps() -> dict[str, Any]:
    import sqlalchemy as sa
    import webob
    from cachelib import SimpleCache

    from manouche import orm_lite as models
    from manouche.authkit import (
        CacheSessions,
        DatabaseSessions,
        Session,
        SessionMiddleware,
        SignedCookieSessions,
        get_session,
    )
    from manouche.httpkit import make_wsgi_app

    def counting(request: webob.Request) -> webob.Response:
        session = get_session(request)
        session["n"] = session.get("n", 0) + 1
        return webob.Response(str(session["n"]))

    def reading(request: webob.Request) -> webob.Response:
        session = get_session(request)
        if "n" not in session:
            session["n"] = 1
        return webob.Response(str(session["n"]))

    db = models.Database(f"sqlite:///{TMP / 'manouche.sqlite3'}", default=False)
    db.create_all([Session])
    wal = models.Database(f"sqlite:///{TMP / 'manouche-wal.sqlite3'}", default=False)
    sa.event.listen(wal.engine, "connect", _wal)
    wal.create_all([Session])

    def app(view: Any, engine: Any) -> Any:
        return make_wsgi_app(view, [SessionMiddleware.configure(engine=engine)])

    database = DatabaseSessions(db=db, secret_key=SECRET)
    apps = {
        "database": app(counting, database),
        "database, read only": app(reading, database),
        "database in WAL mode": app(counting, DatabaseSessions(db=wal, secret_key=SECRET)),
    }
    try:
        pg = models.Database(POSTGRESQL_URL, default=False)
        pg.execute(sa.text("SELECT 1"))
        with pg.engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS django_session"))
        pg.create_all([Session])
        apps["database on PostgreSQL"] = app(counting, DatabaseSessions(db=pg, secret_key=SECRET))
    except Exception as exc:  # the server is down: say so, run the rest
        print(f"  PostgreSQL: {type(exc).__name__}: {exc}")
    apps["cache"] = app(
        counting, CacheSessions(cache=SimpleCache(threshold=100_000), secret_key=SECRET)
    )
    try:
        import redis
        from cachelib import RedisCache

        client = redis.Redis.from_url(REDIS_URL)
        client.ping()
        on_redis = CacheSessions(
            cache=RedisCache(client, key_prefix=f"bench{RUN}"), secret_key=SECRET
        )
        apps["cache on Redis"] = app(counting, on_redis)
    except Exception as exc:
        print(f"  Redis: {type(exc).__name__}: {exc}")
    apps["signed cookies"] = app(counting, SignedCookieSessions(secret_key=SECRET))
    return apps


# -- Django ---------------------------------------------------------------------------


def _django_counting(request: Any) -> Any:
    from django.http import HttpResponse

    request.session["n"] = request.session.get("n", 0) + 1
    return HttpResponse(str(request.session["n"]))


def _django_reading(request: Any) -> Any:
    from django.http import HttpResponse

    if "n" not in request.session:
        request.session["n"] = 1
    return HttpResponse(str(request.session["n"]))


urlpatterns: list[Any] = []


def django_apps() -> dict[str, Any]:
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(
            DEBUG=False,
            SECRET_KEY=SECRET,
            ALLOWED_HOSTS=["localhost"],
            ROOT_URLCONF=__name__,
            MIDDLEWARE=["django.contrib.sessions.middleware.SessionMiddleware"],
            INSTALLED_APPS=["django.contrib.sessions"],
            DATABASES={
                "default": {
                    "ENGINE": "django.db.backends.sqlite3",
                    "NAME": str(TMP / "django.sqlite3"),
                    # Persistent connections, as orm-lite keeps one per thread.
                    "CONN_MAX_AGE": None,
                },
                "wal": {
                    "ENGINE": "django.db.backends.sqlite3",
                    "NAME": str(TMP / "django-wal.sqlite3"),
                    "CONN_MAX_AGE": None,
                    "OPTIONS": {
                        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL"
                    },
                },
                **_django_postgresql(),
            },
            CACHES={
                "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
                "redis": {
                    "BACKEND": "django.core.cache.backends.redis.RedisCache",
                    "LOCATION": REDIS_URL,
                    "KEY_PREFIX": f"benchdj{RUN}",
                },
            },
            USE_I18N=False,
            USE_TZ=True,
        )
        django.setup()
    from django.contrib.sessions.models import Session
    from django.db import connections
    from django.urls import path

    for alias in connections:
        conn = connections[alias]
        if Session._meta.db_table not in conn.introspection.table_names():
            with conn.schema_editor() as editor:
                editor.create_model(Session)
    apps: dict[str, Any] = {}
    for label, view, engine, store in (
        ("database", _django_counting, "django.contrib.sessions.backends.db", None),
        ("database, read only", _django_reading, "django.contrib.sessions.backends.db", None),
        ("database in WAL mode", _django_counting, "bench.sessions", "wal"),
        ("database on PostgreSQL", _django_counting, "bench.sessions", "postgresql"),
        ("cache", _django_counting, "django.contrib.sessions.backends.cache", None),
        ("cache on Redis", _django_counting, "bench.sessions", "redis"),
        (
            "signed cookies",
            _django_counting,
            "django.contrib.sessions.backends.signed_cookies",
            None,
        ),
    ):
        if store == "postgresql" and "postgresql" not in connections:
            continue
        _store_for[0] = store
        apps[label] = _Handler(view, engine)
    urlpatterns[:] = [path("", _dispatch)]
    return apps


_current: dict[str, Any] = {}
# The store the next handler made gets (``SESSION_ENGINE = "bench.sessions"``).
_store_for: list[str | None] = [None]


def _django_postgresql() -> dict[str, Any]:
    """Django's settings for the PostgreSQL database of the bench (none if it is down)."""
    from sqlalchemy.engine import make_url

    url = make_url(POSTGRESQL_URL)
    try:
        import psycopg

        psycopg.connect(
            host=url.host, port=url.port or 5432, user=url.username, dbname=url.database,
            password=url.password or "", connect_timeout=3,
        ).close()  # fmt: skip
    except Exception:
        return {}
    return {
        "postgresql": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": url.database,
            "USER": url.username,
            "PASSWORD": url.password or "",
            "HOST": url.host,
            "PORT": url.port or 5432,
            "CONN_MAX_AGE": None,
        }
    }


def _aliased_store(alias: str) -> Any:
    """Django's database store pinned to the database ``alias``."""
    from django.contrib.sessions.backends import db

    class AliasedStore(db.SessionStore):
        def save(self, must_create: bool = False) -> None:
            # The store writes through the router's alias: pin it.
            from django.db import router

            real = router.db_for_write
            router.db_for_write = lambda *a, **k: alias  # type: ignore[method-assign]
            try:
                super().save(must_create)
            finally:
                router.db_for_write = real  # type: ignore[method-assign]

        def _get_session_from_db(self) -> Any:
            from django.utils import timezone

            try:
                return self.model.objects.using(alias).get(
                    session_key=self.session_key, expire_date__gt=timezone.now()
                )
            except self.model.DoesNotExist:
                self._session_key = None
                return None

        def exists(self, session_key: str) -> bool:
            return bool(self.model.objects.using(alias).filter(session_key=session_key).exists())

    return AliasedStore


def _redis_store() -> Any:
    """Django's cache store on the "redis" cache (``SESSION_CACHE_ALIAS``, pinned)."""
    from django.contrib.sessions.backends import cache
    from django.core.cache import caches

    class RedisStore(cache.SessionStore):
        def __init__(self, session_key: str | None = None) -> None:
            super().__init__(session_key)
            self._cache = caches["redis"]

    return RedisStore


def _dispatch(request: Any) -> Any:
    return _current["view"](request)


class _Handler:
    """Django's WSGI handler with its session engine chosen per workload."""

    def __init__(self, view: Any, engine: str) -> None:
        from django.core.handlers.wsgi import WSGIHandler
        from django.test.utils import override_settings

        self.view = view
        # The middleware reads SESSION_ENGINE once, when the handler is made.
        with override_settings(SESSION_ENGINE=engine):
            self.handler = WSGIHandler()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        _current["view"] = self.view
        return self.handler(environ, start_response)  # type: ignore[no-any-return]


def workloads() -> list[Workload]:
    ours = manouche_apps()
    theirs = django_apps()
    result = []
    for label in ours:
        if label not in theirs:
            print(f"  {label}: no Django contender (its server is down)")
            continue
        writes = label != "database, read only"
        result.append(
            Workload(
                name=f"session {'load + save' if writes else 'load'} per request, {label} "
                f"({OPS} requests through WSGI)",
                contenders={
                    "Manouche authkit": _runner(ours[label], writes),
                    "Django": _runner(theirs[label], writes),
                },
                ops=OPS,
                goals={"Django": 3.0},
            )
        )
    return result


def __getattr__(name: str) -> Any:
    # Django imports SESSION_ENGINE and reads its SessionStore.
    if name == "SessionStore":
        store = _store_for[0]
        return _redis_store() if store == "redis" else _aliased_store(str(store))
    raise AttributeError(name)

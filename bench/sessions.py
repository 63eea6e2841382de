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
- cache: an in-process cache (cachelib's SimpleCache; Django's locmem cache);
- signed cookies: the data in the cookie (Django's format in both).

Each request carries the cookie of an existing session, builds a fresh WSGI
environ and consumes the body, as a server does. Django keeps its database
connections (``CONN_MAX_AGE=None``), as orm-lite keeps one per thread.
"""

from __future__ import annotations

import io
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from bench._runner import Workload

OPS = 1000
SECRET = "bench-only-secret-" + "x" * 40
TMP = Path(tempfile.mkdtemp(prefix="manouche-bench-sessions-"))


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
    return {
        "database": app(counting, database),
        "database, read only": app(reading, database),
        "database in WAL mode": app(counting, DatabaseSessions(db=wal, secret_key=SECRET)),
        "cache": app(
            counting, CacheSessions(cache=SimpleCache(threshold=100_000), secret_key=SECRET)
        ),
        "signed cookies": app(counting, SignedCookieSessions(secret_key=SECRET)),
    }


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
            },
            CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
            USE_I18N=False,
            USE_TZ=True,
        )
        django.setup()
    from django.contrib.sessions.models import Session
    from django.db import connections
    from django.urls import path

    for alias in ("default", "wal"):
        conn = connections[alias]
        if Session._meta.db_table not in conn.introspection.table_names():
            with conn.schema_editor() as editor:
                editor.create_model(Session)
    apps: dict[str, Any] = {}
    for label, view, engine in (
        ("database", _django_counting, "django.contrib.sessions.backends.db"),
        ("database, read only", _django_reading, "django.contrib.sessions.backends.db"),
        ("database in WAL mode", _django_counting, "bench.sessions"),
        ("cache", _django_counting, "django.contrib.sessions.backends.cache"),
        ("signed cookies", _django_counting, "django.contrib.sessions.backends.signed_cookies"),
    ):
        handler = _Handler(view, engine)
        apps[label] = handler
    urlpatterns[:] = [path("", _dispatch)]
    return apps


_current: dict[str, Any] = {}


def _wal_store() -> Any:
    """Django's database store on the WAL database (``SESSION_ENGINE = "bench.sessions"``)."""
    from django.contrib.sessions.backends import db

    class WalStore(db.SessionStore):
        def save(self, must_create: bool = False) -> None:
            # The store writes through the router's alias: pin it to "wal".
            from django.db import router

            real = router.db_for_write
            router.db_for_write = lambda *a, **k: "wal"  # type: ignore[method-assign]
            try:
                super().save(must_create)
            finally:
                router.db_for_write = real  # type: ignore[method-assign]

        def _get_session_from_db(self) -> Any:
            from django.utils import timezone

            try:
                return self.model.objects.using("wal").get(
                    session_key=self.session_key, expire_date__gt=timezone.now()
                )
            except self.model.DoesNotExist:
                self._session_key = None
                return None

        def exists(self, session_key: str) -> bool:
            return bool(self.model.objects.using("wal").filter(session_key=session_key).exists())

    return WalStore


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
        return _wal_store()
    raise AttributeError(name)

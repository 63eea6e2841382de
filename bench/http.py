"""HTTP workloads: one request through WSGI, in process, for each contender.

The first two workloads, each run by Manouche (httpkit), Django's WSGI handler, Flask
and raw WebOb (the floor httpkit stands on):

- hello world: a view answering "Hello, World!";
- the same through the security, common and conditional-GET middlewares
  (Django's SecurityMiddleware, CommonMiddleware, ConditionalGetMiddleware;
  for Flask and raw WebOb the same headers and ETag/304 logic written
  inline, as a user of those would).

Then the database-backed page of ``bench/_page.py`` (URL, a ``select_related``
query, a template, the middlewares) on SQLite and on PostgreSQL (the server of
``MANOUCHE_BENCH_POSTGRESQL_URL``, else ``MANOUCHE_TEST_POSTGRESQL_URL``; SQLite
only without either), against Django, Flask with SQLAlchemy Core, Flask with
Flask-SQLAlchemy and raw WSGI on the raw driver.

Each call builds a fresh WSGI environ and consumes and closes the body, as a
server does.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from bench import _page
from bench._runner import Workload

OPS = 2000
BODY = "Hello, World!"


def _environ(path: str = "/") -> dict[str, Any]:
    return {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "localhost:8000",
        "HTTP_ACCEPT": "text/html",
        "HTTP_USER_AGENT": "bench",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }


def _start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
    return None


def _runner(
    app: Callable[..., Iterable[bytes]], check: bytes = BODY.encode()
) -> Callable[[], None]:
    base = _environ()
    # One call up front: the contender must answer 200 with the body.
    captured: list[str] = []

    def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        captured.append(status)

    environ = dict(base, **{"wsgi.input": io.BytesIO(b"")})
    body = app(environ, capture)
    data = b"".join(body)
    getattr(body, "close", lambda: None)()
    if not captured or not captured[0].startswith("200") or data != check:
        raise RuntimeError(f"contender answered {captured} {data[:80]!r}")

    def run() -> None:
        for _ in range(OPS):
            environ = base.copy()
            environ["wsgi.input"] = io.BytesIO(b"")
            body = app(environ, _start_response)
            for _chunk in body:
                pass
            close = getattr(body, "close", None)
            if close is not None:
                close()

    return run


# -- Manouche -----------------------------------------------------------------


def manouche_apps() -> tuple[Any, Any]:
    import webob

    from manouche.httpkit import (
        CommonMiddleware,
        ConditionalGetMiddleware,
        SecurityMiddleware,
        make_wsgi_app,
    )

    def hello(request: webob.Request) -> webob.Response:
        return webob.Response(BODY, content_type="text/html", charset="utf-8")

    plain = make_wsgi_app(hello)
    with_mw = make_wsgi_app(hello, [SecurityMiddleware, CommonMiddleware, ConditionalGetMiddleware])
    return plain, with_mw


# -- raw WebOb ------------------------------------------------------------------


def webob_apps() -> tuple[Any, Any]:
    import hashlib

    import webob

    def plain(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        webob.Request(environ)
        response = webob.Response(BODY, content_type="text/html", charset="utf-8")
        return response(environ, start_response)  # type: ignore[no-any-return]

    def with_mw(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        request = webob.Request(environ)
        response = webob.Response(BODY, content_type="text/html", charset="utf-8")
        headers = response.headerlist
        headers.append(("X-Content-Type-Options", "nosniff"))
        headers.append(("Referrer-Policy", "same-origin"))
        headers.append(("Cross-Origin-Opener-Policy", "same-origin"))
        etag = '"' + hashlib.md5(response.body, usedforsecurity=False).hexdigest() + '"'
        headers.append(("ETag", etag))
        if request.environ.get("HTTP_IF_NONE_MATCH") == etag:
            response = webob.Response(status=304)
        return response(environ, start_response)  # type: ignore[no-any-return]

    return plain, with_mw


# -- Flask ----------------------------------------------------------------------


def flask_apps() -> tuple[Any, Any]:
    from flask import Flask, request

    plain = Flask("bench_plain")

    @plain.route("/")
    def hello() -> str:
        return BODY

    with_mw = Flask("bench_mw")
    with_mw.add_url_rule("/", "hello", hello)

    @with_mw.after_request
    def security(response: Any) -> Any:
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.add_etag()
        return response.make_conditional(request)

    return plain, with_mw


# -- Django ---------------------------------------------------------------------


def _django_hello(request: Any) -> Any:
    from django.http import HttpResponse

    return HttpResponse(BODY)


urlpatterns: list[Any] = []


def django_apps() -> tuple[Any, Any]:
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(
            DEBUG=False,
            SECRET_KEY="bench-only",
            ALLOWED_HOSTS=["localhost"],
            ROOT_URLCONF=__name__,
            MIDDLEWARE=[],
            INSTALLED_APPS=[],
            DATABASES=_page_databases(),
            USE_I18N=False,
            USE_TZ=False,
        )
        django.setup()
    from django.core.handlers.wsgi import WSGIHandler
    from django.test.utils import override_settings
    from django.urls import path

    urlpatterns[:] = [path("", _django_hello), path("books/<int:after>/", _page.django_view())]
    plain = WSGIHandler()
    with override_settings(
        MIDDLEWARE=[
            "django.middleware.security.SecurityMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.http.ConditionalGetMiddleware",
        ]
    ):
        with_mw = WSGIHandler()
    return plain, with_mw


# -- the database-backed page (bench/_page.py) --------------------------------------------

_PAGE_FILE = Path(tempfile.mkdtemp(prefix="bench-page-")) / "page.sqlite3"


def _postgresql_url() -> str | None:
    """Where the PostgreSQL page runs: MANOUCHE_BENCH_POSTGRESQL_URL (else the tests' server)."""
    return os.environ.get("MANOUCHE_BENCH_POSTGRESQL_URL") or os.environ.get(
        "MANOUCHE_TEST_POSTGRESQL_URL"
    )


def _page_databases() -> dict[str, Any]:
    import sqlalchemy as sa

    sqlite = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(_PAGE_FILE)}
    found: dict[str, Any] = {"default": dict(sqlite), "page_sqlite": dict(sqlite)}
    url = _postgresql_url()
    if url:
        u = sa.engine.make_url(url)
        found["page_postgresql"] = {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": u.database,
            "USER": u.username or "",
            "PASSWORD": u.password or "",
            "HOST": u.host or "",
            "PORT": str(u.port or ""),
            "CONN_MAX_AGE": None,  # one connection kept, as the other contenders do
        }
    return found


def _page_workloads(django_handler: Any) -> list[Workload]:
    import sqlite3

    import sqlalchemy as sa
    from django.apps import AppConfig, apps
    from django.db import connections
    from django.db import models as dj_models

    from manouche import orm_lite

    if _page.APP not in apps.app_configs:
        config = AppConfig(_page.__name__, _page)
        config.label = _page.APP
        config.apps = apps
        config.models = apps.all_models[_page.APP]
        apps.app_configs[_page.APP] = config
        apps.clear_cache()
    dj_author, dj_book = _page.define(dj_models)
    ol_author, ol_book = _page.define(orm_lite)
    authors, books = _page.rows()
    targets: list[tuple[str, str, str, Callable[[], Any], str]] = [
        (
            "SQLite",
            "page_sqlite",
            f"sqlite:///{_PAGE_FILE}",
            lambda: sqlite3.connect(_PAGE_FILE),
            "?",
        )
    ]
    pg = _postgresql_url()
    if pg:
        import psycopg

        u = sa.engine.make_url(pg)
        dsn = u.set(drivername="postgresql").render_as_string(hide_password=False)
        targets.append(("PostgreSQL", "page_postgresql", pg, lambda: psycopg.connect(dsn), "%s"))
    else:
        print("  (no MANOUCHE_BENCH_POSTGRESQL_URL / MANOUCHE_TEST_POSTGRESQL_URL: SQLite only)")
    result = []
    for label, alias, url, connect, mark in targets:
        with connections[alias].schema_editor() as editor:
            for m in (dj_book, dj_author):
                editor.execute(f"DROP TABLE IF EXISTS {m._meta.db_table}")
            for m in (dj_author, dj_book):
                editor.create_model(m)
        raw = connect()
        cur = raw.cursor()
        cur.executemany(
            f"INSERT INTO {_page.APP}_author (id, name, email) VALUES ({mark}, {mark}, {mark})",
            authors,
        )
        cur.executemany(
            f"INSERT INTO {_page.APP}_book (id, title, author_id, pages, price, published) "
            f"VALUES ({mark}, {mark}, {mark}, {mark}, {mark}, {mark})",
            books,
        )
        raw.commit()
        sql = _page.SQL.format(mark=mark)

        def fetch(after: int, raw: Any = raw, sql: str = sql) -> list[tuple[Any, ...]]:
            cur = raw.cursor()
            cur.execute(sql, (after,))
            found = list(cur.fetchall())
            raw.commit()
            return found

        expect = _page.checker(fetch)
        db = orm_lite.Database(url, default=False)
        result.append(
            Workload(
                name=(
                    f"the books page on {label}: URL, select_related query of 20 rows, template, "
                    f"3 middlewares ({_page.PAGE_OPS} requests through WSGI)"
                ),
                contenders={
                    "Manouche": _page.runner(_page.manouche_app(ol_book, db), expect),
                    "Django": _page.django_runner(
                        django_handler, dj_book.objects.using(alias), expect
                    ),
                    "Flask + SQLAlchemy Core": _page.runner(_page.flask_core_app(url), expect),
                    "Flask + Flask-SQLAlchemy": _page.runner(
                        _page.flask_sqlalchemy_app(url), expect
                    ),
                    f"raw WSGI + {'sqlite3' if mark == '?' else 'psycopg'}": _page.runner(
                        _page.raw_app(connect, mark), expect
                    ),
                },
                ops=_page.PAGE_OPS,
                goals={"Django": 4.0, "Flask + SQLAlchemy Core": 1.0},
            )
        )
    return result


def workloads() -> list[Workload]:
    ours = manouche_apps()
    raw = webob_apps()
    django_ = django_apps()
    flask_ = flask_apps()
    result = []
    for index, name in enumerate(["hello world", "security + common + conditional GET middleware"]):
        result.append(
            Workload(
                name=f"{name} ({OPS} requests through WSGI)",
                contenders={
                    "Manouche httpkit": _runner(ours[index]),
                    "Django": _runner(django_[index]),
                    "Flask": _runner(flask_[index]),
                    "raw WebOb": _runner(raw[index]),
                },
                ops=OPS,
                goals={"Django": 3.0, "raw WebOb": 0.67},
            )
        )
    return result + _page_workloads(django_[1])

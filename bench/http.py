"""HTTP workloads: one request through WSGI, in process, for each contender.

Two workloads, each run by Manouche (httpkit), Django's WSGI handler, Flask
and raw WebOb (the floor httpkit stands on):

- hello world: a view answering "Hello, World!";
- the same through the security, common and conditional-GET middlewares
  (Django's SecurityMiddleware, CommonMiddleware, ConditionalGetMiddleware;
  for Flask and raw WebOb the same headers and ETag/304 logic written
  inline, as a user of those would).

Each call builds a fresh WSGI environ and consumes and closes the body, as a
server does.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Iterable
from typing import Any

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
            DATABASES={},
            USE_I18N=False,
            USE_TZ=True,
        )
        django.setup()
    from django.core.handlers.wsgi import WSGIHandler
    from django.test.utils import override_settings
    from django.urls import path

    urlpatterns[:] = [path("", _django_hello)]
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
    return result

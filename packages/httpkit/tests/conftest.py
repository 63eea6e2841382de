"""Shared helpers: call a WSGI app through ``wsgiref.validate``, Django for differential tests."""

from __future__ import annotations

import wsgiref.validate
from collections.abc import Callable
from typing import Any

import pytest
import webob


def call_wsgi(app: Any, path: str = "/", **kwargs: Any) -> webob.Response:
    """Call ``app`` for one request under ``wsgiref.validate`` and return the response.

    ``kwargs`` go to ``webob.Request.blank`` (method, headers, POST, body...);
    the Host header defaults to ``localhost``. The body iterator is consumed
    and closed, as a server would.
    """
    body = kwargs.pop("body", None)
    environ_extra = kwargs.pop("environ", {})
    request = webob.Request.blank(path, **kwargs)
    request.environ.setdefault("HTTP_HOST", "localhost")
    if body is not None:
        request.body = body
    request.environ.update(environ_extra)
    # Request.blank marks its body seekable; a real server's input is not (and
    # wsgiref.validate's input wrapper cannot seek).
    request.environ.pop("webob.is_body_seekable", None)
    captured: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        captured["status"] = status
        captured["headers"] = headers
        return lambda data: None

    iterable = wsgiref.validate.validator(app)(request.environ, start_response)
    try:
        data = b"".join(iterable)
    finally:
        iterable.close()
    response = webob.Response(status=captured["status"])
    response.app_iter = [data]
    response.headerlist = list(captured["headers"])
    return response


@pytest.fixture
def call() -> Callable[..., webob.Response]:
    return call_wsgi


@pytest.fixture(scope="session")
def django_settings() -> Any:
    """Django configured minimally (the behavioural reference of differential tests)."""
    django = pytest.importorskip("django")
    from django.conf import settings

    if not settings.configured:
        settings.configure(
            DEBUG=False,
            ALLOWED_HOSTS=[],
            SECRET_KEY="differential-tests-only",
            ROOT_URLCONF=__name__,
            MIDDLEWARE=[],
            INSTALLED_APPS=[],
            USE_TZ=True,
        )
        django.setup()
    return settings


urlpatterns: list[Any] = []

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


@pytest.fixture(autouse=True)
def _every_wsgi_call_is_validated(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every ``webob.Request(...).get_response(app)`` in these tests runs under
    ``wsgiref.validate``, and its body is read and closed as a server would,
    so every WSGI app httpkit builds is checked against PEP 3333 by every
    test that calls it, not only by the tests using ``call``.

    Tests marked ``invalid_environ`` send requests that break PEP 3333 on
    purpose (a malformed ``CONTENT_LENGTH``, an unknown method), which the
    validator would reject before the app is reached.
    """
    if request.node.get_closest_marker("invalid_environ"):
        return
    original = webob.Request.call_application

    def call_application(self: webob.Request, application: Any, catch_exc_info: bool = False):  # type: ignore[no-untyped-def]
        # Request.blank marks its body seekable; a real server's input is not.
        self.environ.pop("webob.is_body_seekable", None)
        result = original(self, wsgiref.validate.validator(application), catch_exc_info)
        status, headers, app_iter = result[:3]
        try:
            body = list(app_iter)
        finally:
            close = getattr(app_iter, "close", None)
            if close is not None:
                close()
        return (status, headers, body, *result[3:])

    monkeypatch.setattr(webob.Request, "call_application", call_application)

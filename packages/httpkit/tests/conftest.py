"""Every WSGI call validated; the ``call`` fixture and Django from manouche-testsupport."""

from __future__ import annotations

import wsgiref.validate
from collections.abc import Callable
from typing import Any

import pytest
import webob

from manouche.testsupport import call_wsgi, configure_django


@pytest.fixture
def call() -> Callable[..., webob.Response]:
    return call_wsgi


@pytest.fixture(scope="session")
def django_settings() -> Any:
    """Django configured minimally (the behavioural reference of differential tests)."""
    pytest.importorskip("django")
    return configure_django(ALLOWED_HOSTS=[], ROOT_URLCONF=__name__)


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

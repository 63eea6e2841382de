"""Django as the behavioural reference; shared views and a WSGI caller."""

from __future__ import annotations

from typing import Any

import pytest
import webob


def pytest_configure() -> None:
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(DEBUG=False, ROOT_URLCONF=None, USE_I18N=False, ALLOWED_HOSTS=["*"])
        django.setup()


def view_a(request: Any, *args: Any, **kwargs: Any) -> webob.Response:
    return webob.Response(f"a {args!r} {sorted(kwargs.items())!r}")


def view_b(request: Any, *args: Any, **kwargs: Any) -> webob.Response:
    return webob.Response(f"b {args!r} {sorted(kwargs.items())!r}")


class ClassView:
    def __call__(self, request: Any, *args: Any, **kwargs: Any) -> webob.Response:
        return webob.Response("class view")


class_view = ClassView()


def call(app: Any, path: str = "/", **kwargs: Any) -> webob.Response:
    """One request through ``app`` as a WSGI server would make it."""
    environ = kwargs.pop("environ", {})
    request = webob.Request.blank(path, **kwargs)
    request.environ.setdefault("HTTP_HOST", "testserver")
    request.environ.update(environ)
    return request.get_response(app)


@pytest.fixture
def views() -> dict[str, Any]:
    return {"a": view_a, "b": view_b, "cls": class_view}

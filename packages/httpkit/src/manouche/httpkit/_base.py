"""The base class of httpkit's middleware and its ``configure()`` convention."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

import webob

if TYPE_CHECKING:
    from manouche.httpkit.types import Handler, Middleware


def _not_called(request: webob.Request) -> webob.Response:  # pragma: no cover
    raise AssertionError("configure() only validates options; this handler is never called")


class BaseMiddleware:
    """A middleware in Django's modern protocol: ``mw(get_response) -> handler``.

    The class itself is the factory, with default options; every option is a
    keyword argument of ``__init__`` and ``configure(**options)`` returns a
    factory with those options bound::

        make_wsgi_app(view, [SecurityMiddleware.configure(hsts_seconds=3600)])

    ``configure`` validates the options at once (an unknown option or a bad
    value raises ``TypeError``/``ValueError`` where the middleware list is
    written, not on the first request).
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    @classmethod
    def configure(cls, **options: Any) -> Middleware:
        """A factory for this middleware with ``options`` bound (validated now)."""
        cls(_not_called, **options)
        return functools.partial(cls, **options)

    def __call__(self, request: webob.Request) -> webob.Response:
        return self.get_response(request)

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"


def header_names(response: webob.Response) -> set[str]:
    """The lower-cased names of the headers already set on ``response``."""
    return {name.lower() for name, _ in response.headerlist}


def get_header(response: webob.Response, name: str) -> str | None:
    """The first value of header ``name`` (case-insensitive) or None."""
    lname = name.lower()
    for key, value in response.headerlist:
        if key.lower() == lname:
            return value
    return None


def is_streaming(response: webob.Response) -> bool:
    """True when the body is an iterator WebOb has not buffered (a file, a generator)."""
    return not isinstance(response.app_iter, list | tuple)

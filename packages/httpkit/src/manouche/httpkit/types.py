"""Type aliases shared by the modules of httpkit (and handy for its users)."""

from __future__ import annotations

import wsgiref.types
from collections.abc import Callable
from types import TracebackType
from typing import TypeAlias

import webob

__all__ = [
    "ErrorHandler",
    "ExcInfo",
    "Handler",
    "Middleware",
    "View",
    # PEP 3333's types from the standard library's ``wsgiref.types``, re-exported.
    "StartResponse",
    "WSGIApplication",
    "WSGIEnvironment",
]

#: A view: ``view(request, **route_kwargs) -> response``.
View: TypeAlias = Callable[..., webob.Response]

#: What a middleware wraps and returns: ``handler(request) -> response``.
Handler: TypeAlias = Callable[[webob.Request], webob.Response]

#: Django's modern middleware protocol: ``mw(get_response) -> handler``.
Middleware: TypeAlias = Callable[[Handler], Handler]

#: An error handler: ``handler(request, exception) -> response``.
ErrorHandler: TypeAlias = Callable[[webob.Request, BaseException], webob.Response]

ExcInfo: TypeAlias = tuple[type[BaseException], BaseException, TracebackType | None]

#: PEP 3333's ``start_response`` callable type (from ``wsgiref.types``).
StartResponse: TypeAlias = wsgiref.types.StartResponse

#: PEP 3333's application type, ``app(environ, start_response) -> iterable of bytes``
#: (from ``wsgiref.types``).
WSGIApplication: TypeAlias = wsgiref.types.WSGIApplication

#: PEP 3333's ``environ`` dictionary type (from ``wsgiref.types``).
WSGIEnvironment: TypeAlias = wsgiref.types.WSGIEnvironment

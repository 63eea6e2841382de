"""Type aliases shared by the modules of httpkit (and handy for its users)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any, Protocol, TypeAlias

import webob

__all__ = [
    "ErrorHandler",
    "ExcInfo",
    "Handler",
    "Middleware",
    "StartResponse",
    "View",
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

#: The WSGI environ (PEP 3333).
WSGIEnvironment: TypeAlias = dict[str, Any]


class StartResponse(Protocol):
    """The ``start_response`` callable of PEP 3333."""

    def __call__(
        self,
        status: str,
        headers: list[tuple[str, str]],
        exc_info: ExcInfo | None = ...,
        /,
    ) -> Callable[[bytes], object]: ...


#: A WSGI application (PEP 3333).
WSGIApplication: TypeAlias = Callable[[WSGIEnvironment, StartResponse], Iterable[bytes]]

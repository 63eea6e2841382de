"""The WSGI handler: a view plus a middleware list, as a WSGI application.

``make_wsgi_app(view, middleware=[...])`` builds the chain the way Django's
``BaseHandler.load_middleware`` does: the first middleware is the outermost,
each one is a factory ``mw(get_response) -> handler``, and every layer is
guarded so an exception raised inside it becomes a response that the outer
layers still see (``convert_exception_to_response``).

Exceptions become responses like this:

- a ``webob.exc`` HTTP exception is its own response;
- ``Http404``, ``PermissionDenied``, ``BadRequest`` (``SuspiciousOperation``,
  ``DisallowedHost``) and ``RequestDataTooBig`` go to ``handler404``,
  ``handler403``, ``handler400`` and ``handler413``;
- anything else is logged to ``manouche.httpkit.request``, sent as
  ``got_request_exception`` and answered by ``handler500``: the debug
  traceback page with ``debug=True``, a plain page that leaks nothing
  otherwise. If ``handler500`` itself fails, a built-in plain page is used.

``request_started`` is sent before the request is handled and
``request_finished`` when the server closes the response, as Django does.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

import webob
import webob.exc

from manouche.httpkit import errors
from manouche.httpkit.exceptions import (
    BadRequest,
    Http404,
    MalformedRequest,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from manouche.httpkit.request import Request
from manouche.signals import got_request_exception, request_finished, request_started

if TYPE_CHECKING:
    from manouche.httpkit.types import (
        ErrorHandler,
        Handler,
        Middleware,
        StartResponse,
        View,
        WSGIEnvironment,
    )

__all__ = ["WSGIHandler", "make_wsgi_app"]

request_logger = logging.getLogger("manouche.httpkit.request")
security_logger = logging.getLogger("manouche.httpkit.security")

_FALLBACK_500 = b"<!doctype html>\n<title>Server Error (500)</title>\n<h1>Server Error (500)</h1>\n"


class _ClosingIterator:
    """Wraps a response body so ``request_finished`` is sent on ``close()``."""

    __slots__ = ("_iterable", "_iterator", "_sender")

    def __init__(self, iterable: Iterable[bytes], sender: type) -> None:
        self._iterable = iterable
        self._iterator = iter(iterable)
        self._sender = sender

    def __iter__(self) -> Iterator[bytes]:
        return self._iterator

    def close(self) -> None:
        try:
            close = getattr(self._iterable, "close", None)
            if close is not None:
                close()
        finally:
            request_finished.send(self._sender)


class WSGIHandler:
    """A WSGI application running ``view`` behind ``middleware``.

    Parameters:
        view: ``view(request, **kwargs) -> webob.Response``. Keyword arguments
            come from ``environ["wsgiorg.routing_args"]`` when a router set it.
        middleware: factories ``mw(get_response) -> handler``, outermost first.
        debug: show the traceback page for unhandled exceptions (never in
            production) and the exception message on 4xx pages.
        handler400, handler403, handler404, handler413, handler500: error
            handlers ``(request, exception) -> webob.Response`` replacing the
            default pages.
        request_class: the request class (a ``webob.Request`` subclass);
            httpkit's :class:`~manouche.httpkit.Request` answers undecodable
            query strings with a 400.
    """

    def __init__(
        self,
        view: View,
        middleware: Sequence[Middleware] = (),
        *,
        debug: bool = False,
        handler400: ErrorHandler | None = None,
        handler403: ErrorHandler | None = None,
        handler404: ErrorHandler | None = None,
        handler413: ErrorHandler | None = None,
        handler500: ErrorHandler | None = None,
        request_class: type[webob.Request] = Request,
    ) -> None:
        if not callable(view):
            raise TypeError(f"view must be callable, got {view!r}")
        self.view = view
        self.debug = debug
        self.request_class = request_class
        self.handler400 = handler400 or (errors.debug_page(400) if debug else errors.bad_request)
        self.handler403 = handler403 or (
            errors.debug_page(403) if debug else errors.permission_denied
        )
        self.handler404 = handler404 or (errors.debug_page(404) if debug else errors.page_not_found)
        self.handler413 = handler413 or (
            errors.debug_page(413) if debug else errors.request_too_large
        )
        self.handler500 = handler500 or (
            errors.technical_500_response if debug else errors.server_error
        )
        get_response: Handler = self._guard(self._call_view)
        for factory in reversed(list(middleware)):
            if not callable(factory):
                raise TypeError(f"middleware must be callable, got {factory!r}")
            handler = factory(get_response)
            if handler is None or not callable(handler):
                raise TypeError(f"middleware {factory!r} returned {handler!r}, not a handler")
            get_response = self._guard(handler)
        self._chain = get_response

    # -- the chain -------------------------------------------------------------

    def _call_view(self, request: webob.Request) -> webob.Response:
        path = request.environ.get("PATH_INFO", "")
        if not path.isascii():
            # Checked here, innermost, so the 400 goes out through every middleware.
            try:
                path.encode("latin-1").decode("utf-8")
            except UnicodeError:
                raise MalformedRequest("The request path is not valid UTF-8") from None
        routing = request.environ.get("wsgiorg.routing_args")
        if routing:
            response = self.view(request, **routing[1])
        else:
            response = self.view(request)
        if not isinstance(response, webob.Response):
            raise TypeError(
                f"The view {getattr(self.view, '__qualname__', self.view)!r} returned "
                f"{type(response).__name__}, not a webob.Response"
            )
        return response

    def _guard(self, handler: Handler) -> Handler:
        respond = self.response_for_exception

        def guarded(request: webob.Request) -> webob.Response:
            try:
                return handler(request)
            except Exception as exc:
                return respond(request, exc)

        guarded.__wrapped__ = handler  # type: ignore[attr-defined]
        return guarded

    def response_for_exception(self, request: webob.Request, exc: Exception) -> webob.Response:
        """The response for an exception raised by a view or a middleware."""
        if isinstance(exc, webob.exc.HTTPException):
            if isinstance(exc, webob.Response):
                return exc
            return exc.wsgi_response
        if isinstance(exc, BadRequest | Http404 | PermissionDenied):
            if isinstance(exc, SuspiciousOperation):
                security_logger.warning(
                    "%s: %s", type(exc).__name__, exc, extra={"status_code": exc.status_code}
                )
            if isinstance(exc, RequestDataTooBig):
                handler = self.handler413
            elif isinstance(exc, BadRequest):
                handler = self.handler400
            elif isinstance(exc, PermissionDenied):
                handler = self.handler403
            else:
                handler = self.handler404
            return self._safe(handler, request, exc, exc.status_code)
        request_logger.error(
            "Internal Server Error: %s",
            request.environ.get("PATH_INFO", ""),
            exc_info=exc,
            extra={"status_code": 500},
        )
        got_request_exception.send(None, request=request)
        return self._safe(self.handler500, request, exc, 500)

    def _safe(
        self, handler: ErrorHandler, request: webob.Request, exc: Exception, status: int
    ) -> webob.Response:
        try:
            response = handler(request, exc)
            if not isinstance(response, webob.Response):
                raise TypeError(f"error handler returned {type(response).__name__}")
            return response
        except Exception:
            request_logger.exception("The error handler %r failed", handler)
            if status == 500:
                return webob.Response(
                    body=_FALLBACK_500, status=500, content_type="text/html", charset="utf-8"
                )
            return errors._plain_page(status)

    # -- WSGI --------------------------------------------------------------------

    def get_response(self, request: webob.Request) -> webob.Response:
        """Run the middleware chain and the view for ``request``."""
        return self._chain(request)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if request_started.receivers:
            request_started.send(type(self), environ=environ)
        request = self.request_class(environ)
        response = self._chain(request)
        body: Iterable[bytes] = response(environ, start_response)
        if request_finished.receivers:
            return _ClosingIterator(body, type(self))
        return body


def make_wsgi_app(
    view: View,
    middleware: Sequence[Middleware] = (),
    *,
    debug: bool = False,
    handler400: ErrorHandler | None = None,
    handler403: ErrorHandler | None = None,
    handler404: ErrorHandler | None = None,
    handler413: ErrorHandler | None = None,
    handler500: ErrorHandler | None = None,
    request_class: type[webob.Request] = Request,
) -> WSGIHandler:
    """Turn ``view`` and a middleware list (outermost first) into a WSGI app.

    See :class:`WSGIHandler` for the parameters.
    """
    return WSGIHandler(
        view,
        middleware,
        debug=debug,
        handler400=handler400,
        handler403=handler403,
        handler404=handler404,
        handler413=handler413,
        handler500=handler500,
        request_class=request_class,
    )

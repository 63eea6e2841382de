"""One request through a WSGI application, made as a server makes it."""

from __future__ import annotations

import wsgiref.validate
from typing import Any


def call_wsgi(app: Any, path: str = "/", *, host: str | None = None, **kwargs: Any) -> Any:
    """Call ``app`` for one request under ``wsgiref.validate`` and return a
    ``webob.Response``.

    ``kwargs`` go to ``webob.Request.blank`` (method, headers, POST...), except
    ``body`` (the raw request body) and ``environ`` (extra environ keys, set
    last). ``host`` sets the Host header (WebOb's default is ``localhost:80``).
    The body iterator is consumed and closed, as a server would, so an app
    breaking PEP 3333 fails the call.
    """
    import webob

    body = kwargs.pop("body", None)
    environ_extra = kwargs.pop("environ", {})
    request = webob.Request.blank(path, **kwargs)
    if host is not None:
        request.environ["HTTP_HOST"] = host
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
        close = getattr(iterable, "close", None)
        if close is not None:
            close()
    response = webob.Response(status=captured["status"])
    response.app_iter = [data]
    response.headerlist = list(captured["headers"])
    return response

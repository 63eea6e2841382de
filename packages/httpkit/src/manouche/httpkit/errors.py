"""Error responses: the default 4xx/500 pages and the debug traceback page.

Every page here is built from escaped text only. The production pages say
nothing about the failure (no exception text, no path, no version); the debug
page shows the traceback, the source lines and the request, with every value
escaped and credentials (cookies, ``Authorization``, anything named like a
secret) redacted.
"""

from __future__ import annotations

import html
import linecache
import re
import sys
import traceback
from collections.abc import Mapping
from typing import TYPE_CHECKING

import webob

if TYPE_CHECKING:
    from manouche.httpkit.types import ErrorHandler

__all__ = [
    "bad_request",
    "page_not_found",
    "permission_denied",
    "request_too_large",
    "server_error",
    "technical_500_response",
]

_REASONS = {
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Content Too Large",
    500: "Server Error",
}

#: Request keys whose values the debug page never shows (Django's
#: ``SafeExceptionReporterFilter.hidden_settings``, applied to the environ).
_HIDDEN = re.compile(r"API|TOKEN|KEY|SECRET|PASS|SIGNATURE|COOKIE|AUTHORIZATION", re.I)
_REDACTED = "********************"


def _plain_page(status: int, detail: str | None = None) -> webob.Response:
    reason = _REASONS.get(status, "Error")
    title = f"{reason} ({status})"
    body = f"<!doctype html>\n<title>{title}</title>\n<h1>{title}</h1>\n"
    if detail:
        body += f"<p>{html.escape(detail)}</p>\n"
    return webob.Response(
        body=body.encode(), status=status, content_type="text/html", charset="utf-8"
    )


def bad_request(request: webob.Request, exception: BaseException) -> webob.Response:
    """The default 400 page: says nothing about what was wrong."""
    return _plain_page(400)


def permission_denied(request: webob.Request, exception: BaseException) -> webob.Response:
    """The default 403 page."""
    return _plain_page(403)


def page_not_found(request: webob.Request, exception: BaseException) -> webob.Response:
    """The default 404 page (the requested path is not echoed back)."""
    return _plain_page(404)


def request_too_large(request: webob.Request, exception: BaseException) -> webob.Response:
    """The default 413 page."""
    return _plain_page(413)


def server_error(request: webob.Request, exception: BaseException) -> webob.Response:
    """The production 500 page: a plain page that leaks nothing."""
    return _plain_page(500)


def debug_page(status: int) -> ErrorHandler:
    """A 4xx handler for debug mode: the plain page plus the exception's message."""

    def handler(request: webob.Request, exception: BaseException) -> webob.Response:
        return _plain_page(status, str(exception) or type(exception).__name__)

    return handler


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _redact(items: Mapping[str, object]) -> list[tuple[str, str]]:
    rows = []
    for key in sorted(items):
        value = items[key]
        shown = _REDACTED if _HIDDEN.search(key) else repr(value)
        rows.append((key, shown))
    return rows


def _frames(exception: BaseException) -> str:
    parts = []
    chain: list[BaseException] = []
    exc: BaseException | None = exception
    while exc is not None and exc not in chain:
        chain.append(exc)
        exc = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
    for exc in reversed(chain):
        parts.append(f"<h2>{_esc(type(exc).__qualname__)}: {_esc(exc)}</h2>\n<ol class=tb>")
        for frame in traceback.extract_tb(exc.__traceback__):
            lineno = frame.lineno or 0
            lines = []
            for n in range(max(lineno - 3, 1), lineno + 3):
                text = linecache.getline(frame.filename, n)
                if not text:
                    continue
                mark = " class=here" if n == lineno else ""
                lines.append(f"<li value={n}{mark}><code>{_esc(text.rstrip())}</code></li>")
            parts.append(
                f"<li><p><b>{_esc(frame.filename)}</b>, line {lineno}, in "
                f"<b>{_esc(frame.name)}</b></p><ol class=src>{''.join(lines)}</ol></li>"
            )
        parts.append("</ol>")
    return "\n".join(parts)


def technical_500_response(request: webob.Request, exception: BaseException) -> webob.Response:
    """The debug-mode 500 page: traceback, source context and the request.

    Never use it in production: it shows source code and the request's data
    (credentials are redacted, everything is HTML-escaped).
    """
    environ = {k: v for k, v in request.environ.items() if isinstance(v, str | int | float | bool)}
    rows = "".join(
        f"<tr><th>{_esc(k)}</th><td><code>{_esc(v)}</code></td></tr>" for k, v in _redact(environ)
    )
    title = f"{type(exception).__qualname__} at {request.path_info}"
    body = f"""<!doctype html>
<html><head><meta charset=utf-8><title>{_esc(title)}</title>
<style>
body{{font:14px sans-serif;margin:0 2em}} h1{{color:#a00}} code{{white-space:pre}}
ol.src li.here{{background:#fdd}} ol.tb>li{{margin-bottom:1em}}
th{{text-align:left;padding-right:1em;vertical-align:top}}
</style></head><body>
<h1>{_esc(type(exception).__qualname__)}</h1>
<p><b>{_esc(request.method)}</b> <code>{_esc(request.path_qs)}</code></p>
<p>{_esc(exception)}</p>
<p>Python {_esc(sys.version.split()[0])}. You see this page because the application
runs with <code>debug=True</code>. Turn debug off in production: this page
shows source code and request data.</p>
{_frames(exception)}
<h2>Request environment</h2>
<table>{rows}</table>
</body></html>
"""
    return webob.Response(
        body=body.encode("utf-8", "replace"),
        status=500,
        content_type="text/html",
        charset="utf-8",
    )

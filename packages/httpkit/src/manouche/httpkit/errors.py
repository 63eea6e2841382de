"""Error responses: the default 4xx/500 pages and the debug traceback page.

Every page here is built from escaped text only. The production pages say
nothing about the failure (no exception text, no path, no version); the debug
page shows the traceback, the source lines and the request, with every value
escaped and credentials redacted with Django's ``SafeExceptionReporterFilter``
rules: the value of anything named like a secret (``API``, ``AUTH``,
``TOKEN``, ``KEY``, ``SECRET``, ``PASS``, ``SIGNATURE``, cookies) among the
environ, the environment variables a server copies into it, the query string
and the form; and the password of every URL (``postgres://user:***@host``).
"""

from __future__ import annotations

import html
import linecache
import re
import sys
import traceback
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote_plus

import webob

from manouche.httpkit._i18n import gettext, gettext_noop

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
    400: gettext_noop("Bad Request"),
    403: gettext_noop("Forbidden"),
    404: gettext_noop("Not Found"),
    405: gettext_noop("Method Not Allowed"),
    413: gettext_noop("Content Too Large"),
    500: gettext_noop("Server Error"),
}

#: Names whose values the debug page never shows (Django's
#: ``SafeExceptionReporterFilter.hidden_settings``, plus any cookie), applied
#: to the environ (and so to environment variables wsgiref copies in) and to
#: query-string and form parameters.
_HIDDEN = re.compile(r"API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|COOKIE", re.I)
_REDACTED = "********************"
#: The password of a URL's user information: ``postgres://user:secret@host``.
_URL_PASSWORD = re.compile(r"([a-z][a-z0-9+.-]*://[^:/?#@\s]*):[^@/?#\s]*@", re.I)
#: Environ values that carry a query string.
_QUERY_KEYS = ("QUERY_STRING", "REQUEST_URI", "RAW_URI", "HTTP_REFERER")


def redact_text(text: str) -> str:
    """``text`` with the password of every URL in it replaced (``scheme://user:***@``)."""
    return _URL_PASSWORD.sub(rf"\1:{_REDACTED}@", text)


def redact_query(query: str) -> str:
    """A query string (or a URL ending in one) with secret-looking parameters' values hidden."""
    head, sep, tail = query.rpartition("?")
    if not sep:
        head, tail = "", query
    pairs = []
    for pair in tail.split("&"):
        name, eq, _value = pair.partition("=")
        try:
            decoded = unquote_plus(name)
        except Exception:  # pragma: no cover - unquote_plus replaces bad bytes
            decoded = name
        pairs.append(f"{name}={_REDACTED}" if eq and _HIDDEN.search(decoded) else pair)
    return redact_text(f"{head}{sep}{'&'.join(pairs)}")


def _plain_page(status: int, detail: str | None = None) -> webob.Response:
    reason = gettext(_REASONS.get(status, gettext_noop("Error")))
    title = html.escape(f"{reason} ({status})")
    body = f"<!doctype html>\n<title>{title}</title>\n<h1>{title}</h1>\n"
    if detail:
        body += f"<p>{html.escape(detail)}</p>\n"
    return webob.Response(
        body=body.encode(), status=status, content_type="text/html", charset="utf-8"
    )


def _public(exception: BaseException) -> str | None:
    """The message of an exception written for the client (httpkit's request errors).

    In the active language: httpkit's messages are templates with their values
    apart (``params``), translated before the values go in.
    """
    if not getattr(exception, "public_message", False):
        return None
    params = getattr(exception, "params", None)
    if len(exception.args) == 1 and isinstance(exception.args[0], str):
        template = gettext(exception.args[0])
        return template % params if params is not None else template
    return str(exception)


def bad_request(request: webob.Request, exception: BaseException) -> webob.Response:
    """The default 400 page: names the problem only when httpkit's own parsing found it.

    .. versionchanged:: 0.2
       Shows the message of ``MalformedRequest``, ``TooManyFieldsSent`` and
       ``TooManyFilesSent`` (it names the limit or the problem, nothing internal).
    """
    return _plain_page(400, _public(exception))


def permission_denied(request: webob.Request, exception: BaseException) -> webob.Response:
    """The default 403 page."""
    return _plain_page(403)


def page_not_found(request: webob.Request, exception: BaseException) -> webob.Response:
    """The default 404 page (the requested path is not echoed back)."""
    return _plain_page(404)


def request_too_large(request: webob.Request, exception: BaseException) -> webob.Response:
    """The default 413 page, naming the limit."""
    return _plain_page(413, _public(exception))


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
        if _HIDDEN.search(key):
            shown = _REDACTED
        elif key in _QUERY_KEYS and isinstance(value, str):
            shown = repr(redact_query(value))
        else:
            shown = redact_text(repr(value))
        rows.append((key, shown))
    return rows


def _parameters(pairs: Iterable[tuple[str, Any]]) -> list[tuple[str, str]]:
    """Form or query parameters for the debug page, secret-looking ones hidden."""
    rows = []
    for key, value in pairs:
        if _HIDDEN.search(key):
            rows.append((key, _REDACTED))
        elif isinstance(value, str):
            rows.append((key, redact_text(repr(value))))
        else:
            rows.append((key, f"<file {getattr(value, 'filename', '')!r}>"))
    return rows


def _table(rows: list[tuple[str, str]]) -> str:
    if not rows:
        return "<p>None.</p>"
    cells = "".join(f"<tr><th>{_esc(k)}</th><td><code>{_esc(v)}</code></td></tr>" for k, v in rows)
    return f"<table>{cells}</table>"


def _frames(exception: BaseException) -> str:
    parts = []
    chain: list[BaseException] = []
    exc: BaseException | None = exception
    while exc is not None and exc not in chain:
        chain.append(exc)
        exc = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
    for exc in reversed(chain):
        parts.append(
            f"<h2>{_esc(type(exc).__qualname__)}: {_esc(redact_text(str(exc)))}</h2>\n<ol class=tb>"
        )
        for frame in traceback.extract_tb(exc.__traceback__):
            lineno = frame.lineno or 0
            lines = []
            for n in range(max(lineno - 3, 1), lineno + 3):
                text = linecache.getline(frame.filename, n)
                if not text:
                    continue
                mark = " class=here" if n == lineno else ""
                code = _esc(redact_text(text.rstrip()))
                lines.append(f"<li value={n}{mark}><code>{code}</code></li>")
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
    rows = _table(_redact(environ))
    # Parameters as the view saw them; the body is never read here.
    query = request.environ.get("QUERY_STRING", "")
    get_rows = _parameters(parse_qsl(query, keep_blank_values=True)) if query else []
    parsed_post = request.environ.get("webob._parsed_post_vars")
    post_rows = _parameters(parsed_post[0].items()) if parsed_post else []
    message = redact_text(str(exception))
    path_qs = redact_query(request.path_qs)
    title = f"{type(exception).__qualname__} at {request.path_info}"
    body = f"""<!doctype html>
<html><head><meta charset=utf-8><title>{_esc(title)}</title>
<style>
body{{font:14px sans-serif;margin:0 2em}} h1{{color:#a00}} code{{white-space:pre}}
ol.src li.here{{background:#fdd}} ol.tb>li{{margin-bottom:1em}}
th{{text-align:left;padding-right:1em;vertical-align:top}}
</style></head><body>
<h1>{_esc(type(exception).__qualname__)}</h1>
<p><b>{_esc(request.method)}</b> <code>{_esc(path_qs)}</code></p>
<p>{_esc(message)}</p>
<p>Python {_esc(sys.version.split()[0])}. You see this page because the application
runs with <code>debug=True</code>. Turn debug off in production: this page
shows source code and request data.</p>
{_frames(exception)}
<h2>GET</h2>
{_table(get_rows)}
<h2>POST</h2>
{_table(post_rows)}
<h2>Request environment</h2>
{rows}
</body></html>
"""
    return webob.Response(
        body=body.encode("utf-8", "replace"),
        status=500,
        content_type="text/html",
        charset="utf-8",
    )

"""Conditional GET: ``ConditionalGetMiddleware`` and ``get_conditional_response``.

Django's ``ConditionalGetMiddleware``: for GET and HEAD requests it adds a
strong ``ETag`` (the MD5 of the body, as Django, unless ``Cache-Control``
says ``no-store`` or the response is streamed) and answers the request's
preconditions (RFC 9110 section 13.2.2): ``If-Match`` and
``If-Unmodified-Since`` with 412, ``If-None-Match`` and ``If-Modified-Since``
with 304 Not Modified.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

import webob

from manouche.httpkit._base import BaseMiddleware

if TYPE_CHECKING:
    from manouche.httpkit.types import Handler

__all__ = [
    "ConditionalGetMiddleware",
    "get_conditional_response",
    "parse_etags",
    "parse_http_date_safe",
    "quote_etag",
]

_ETAG_MATCH = re.compile(r'\A((?:W/)?"[^"]*")\Z')
_CC_DELIM = re.compile(r"\s*,\s*")
#: Headers a 304 keeps (RFC 9110 section 15.4.5, as Django's ``_not_modified``).
_KEEP_ON_304 = frozenset(
    {"cache-control", "content-location", "date", "etag", "expires", "last-modified", "vary"}
)


def quote_etag(etag: str) -> str:
    """``etag`` as a quoted entity tag, unless it already is one (Django's)."""
    if _ETAG_MATCH.match(etag):
        return etag
    return f'"{etag}"'


def parse_etags(value: str) -> list[str]:
    """The entity tags of an ``If-Match``/``If-None-Match`` value (``["*"]`` for ``*``)."""
    if not value:
        return []
    if value.strip() == "*":
        return ["*"]
    tags = []
    for part in value.split(","):
        m = _ETAG_MATCH.match(part.strip())
        if m:
            tags.append(m.group(1))
    return tags


def parse_http_date_safe(value: str | None) -> int | None:
    """Seconds since the epoch of an HTTP date (RFC 9110 section 5.6.7), or None."""
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed.tzinfo is None:
        # asctime dates carry no zone; HTTP dates are always UTC.
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return int(parsed.timestamp())
    except (OverflowError, ValueError, OSError):
        return None


def _strip_weak(tag: str) -> str:
    return tag[2:] if tag.startswith("W/") else tag


def _if_match_passes(target: str | None, tags: list[str]) -> bool:
    if target is None:
        return False  # no current representation: only "*" could match, and it needs one
    if tags == ["*"]:
        return True
    if target.startswith("W/"):
        return False  # strong comparison: a weak tag never matches
    return target in [t for t in tags if not t.startswith("W/")]


def _if_none_match_passes(target: str | None, tags: list[str]) -> bool:
    if target is None:
        return True
    if tags == ["*"]:
        return False
    target = _strip_weak(target)
    return all(_strip_weak(t) != target for t in tags)


def _not_modified(response: webob.Response | None) -> webob.Response:
    new = webob.Response(status=304)
    if response is None:
        new.headerlist = []
        new.app_iter = []
        return new
    new.headerlist = [
        (name, value)
        for name, value in response.headerlist
        if name.lower() in _KEEP_ON_304 or name.lower() == "set-cookie"
    ]
    new.app_iter = []
    return new


def _precondition_failed() -> webob.Response:
    return webob.Response(status=412)


def get_conditional_response(
    request: webob.Request,
    etag: str | None = None,
    last_modified: int | None = None,
    response: webob.Response | None = None,
) -> webob.Response | None:
    """Answer the request's preconditions against ``etag`` and ``last_modified``.

    Returns a 304 or 412 response, or ``response`` (None when none was given)
    when the request should proceed. Only 2xx responses are changed.
    ``last_modified`` is seconds since the epoch. Same rules as Django's
    ``django.utils.cache.get_conditional_response``.
    """
    if response is not None and not 200 <= response.status_code < 300:
        return response
    environ = request.environ
    if_match = parse_etags(environ.get("HTTP_IF_MATCH", ""))
    if_unmodified_since = parse_http_date_safe(environ.get("HTTP_IF_UNMODIFIED_SINCE"))
    if_none_match = parse_etags(environ.get("HTTP_IF_NONE_MATCH", ""))
    if_modified_since = parse_http_date_safe(environ.get("HTTP_IF_MODIFIED_SINCE"))
    safe = environ.get("REQUEST_METHOD", "GET") in ("GET", "HEAD")

    # Step 1 and 2: If-Match, else If-Unmodified-Since.
    if if_match:
        if not _if_match_passes(etag, if_match):
            return _precondition_failed()
    elif if_unmodified_since is not None:
        if last_modified is None or last_modified > if_unmodified_since:
            return _precondition_failed()
    # Step 3 and 4: If-None-Match, else If-Modified-Since (GET and HEAD only).
    if if_none_match:
        if not _if_none_match_passes(etag, if_none_match):
            if safe:
                return _not_modified(response)
            return _precondition_failed()
    elif if_modified_since is not None and safe:
        if last_modified is not None and last_modified <= if_modified_since:
            return _not_modified(response)
    return response


class ConditionalGetMiddleware(BaseMiddleware):
    """ETags and 304 Not Modified for GET and HEAD (Django's ``ConditionalGetMiddleware``).

    Options: ``etag=True``: compute an ETag for responses that have none
    (MD5 of the body, used as a fingerprint, not for security).
    """

    def __init__(self, get_response: Handler, *, etag: bool = True) -> None:
        super().__init__(get_response)
        self.etag = etag

    def __call__(self, request: webob.Request) -> webob.Response:
        response = self.get_response(request)
        environ = request.environ
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return response
        # One pass over the headers (this runs on every response).
        etag = last_modified = cache_control = None
        for name, value in response.headerlist:
            size = len(name)  # lower-case only the names that could match
            if size == 4:
                if name.lower() == "etag":
                    etag = value
            elif size == 13:
                lname = name.lower()
                if lname == "last-modified":
                    last_modified = value
                elif lname == "cache-control":
                    cache_control = value
        if etag is None and self.etag:
            app_iter = response.app_iter
            if isinstance(app_iter, (list, tuple)) and (  # noqa: UP038 - faster than a union
                cache_control is None
                or all(part.lower() != "no-store" for part in _CC_DELIM.split(cache_control))
            ):
                body = app_iter[0] if len(app_iter) == 1 else b"".join(app_iter)
                if body:
                    etag = '"' + hashlib.md5(body, usedforsecurity=False).hexdigest() + '"'
                    response.headerlist.append(("ETag", etag))
        if (etag or last_modified) and (
            "HTTP_IF_NONE_MATCH" in environ
            or "HTTP_IF_MODIFIED_SINCE" in environ
            or "HTTP_IF_MATCH" in environ
            or "HTTP_IF_UNMODIFIED_SINCE" in environ
        ):
            conditional = get_conditional_response(
                request, etag, parse_http_date_safe(last_modified), response
            )
            if conditional is not None:
                return conditional
        return response

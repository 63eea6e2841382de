"""Conditional GET and the request's own origin, for the feed view."""

from __future__ import annotations

import datetime as dt
import re

import webob

# A host as the Host header may carry it (the syntax Django's get_host() accepts): a
# name or an IPv4 address, or an IPv6 literal in brackets, and an optional port.
# Anything else is refused with a 400.
_HOST = re.compile(r"^(?:[a-z0-9.\-]+|\[[a-f0-9]*:[a-f0-9.:]+\])(?::\d{1,5})?$", re.IGNORECASE)


def request_host(request: webob.Request) -> str | None:
    """The request's host (``name[:port]``), or None when it is not a well-formed host."""
    host = request.host
    return host if _HOST.match(host) else None


def is_secure(request: webob.Request) -> bool:
    return request.scheme == "https"


def not_modified(request: webob.Request, last_modified: dt.datetime | None, etag: str) -> bool:
    """True when the client's copy is current (RFC 9110 section 13.2.2 precedence).

    ``If-None-Match`` decides when it is present; ``If-Modified-Since`` only without it.
    """
    if request.method not in ("GET", "HEAD"):
        return False
    if request.headers.get("If-None-Match") is not None:
        return etag in request.if_none_match
    since = request.if_modified_since
    if since is None or last_modified is None:
        return False
    return int(last_modified.timestamp()) <= int(since.timestamp())

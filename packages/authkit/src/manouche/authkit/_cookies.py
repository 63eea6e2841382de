"""Set-Cookie headers written directly (WebOb's ``set_cookie`` with ``max_age``
calls the deprecated ``datetime.utcnow``)."""

from __future__ import annotations

import functools
import re
import time
from email.utils import formatdate

import webob

__all__ = ["delete_cookie", "set_cookie"]


@functools.lru_cache(maxsize=8)
def _http_date(when: int) -> str:
    return formatdate(when, usegmt=True)


# RFC 6265 cookie-octet: visible ASCII without space, DQUOTE, comma, semicolon, backslash.
_COOKIE_VALUE = re.compile(r"[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*")
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


def set_cookie(
    response: webob.Response,
    name: str,
    value: str,
    *,
    max_age: int | None = None,
    domain: str | None = None,
    path: str = "/",
    secure: bool = False,
    httponly: bool = False,
    samesite: str | None = "Lax",
) -> None:
    """Append a ``Set-Cookie`` header (``Expires`` and ``Max-Age`` when ``max_age``)."""
    if not _TOKEN.fullmatch(name):
        raise ValueError(f"invalid cookie name {name!r}")
    if not _COOKIE_VALUE.fullmatch(value):
        raise ValueError(f"cookie {name!r}: the value has characters a cookie cannot hold")
    parts = [f"{name}={value}"]
    if max_age is not None:
        parts.append(f"expires={_http_date(int(time.time()) + int(max_age))}")
        parts.append(f"Max-Age={max(0, int(max_age))}")
    if domain:
        parts.append(f"Domain={domain}")
    parts.append(f"Path={path}")
    if secure:
        parts.append("secure")
    if httponly:
        parts.append("HttpOnly")
    if samesite:
        parts.append(f"SameSite={samesite}")
    response.headerlist.append(("Set-Cookie", "; ".join(parts)))


def delete_cookie(
    response: webob.Response,
    name: str,
    *,
    domain: str | None = None,
    path: str = "/",
    samesite: str | None = None,
    secure: bool = False,
) -> None:
    """Expire the cookie ``name`` at once (as Django's ``delete_cookie``)."""
    parts = [f"{name}=", "expires=Thu, 01 Jan 1970 00:00:00 GMT", "Max-Age=0"]
    if domain:
        parts.append(f"Domain={domain}")
    parts.append(f"Path={path}")
    if secure or (samesite or "").lower() == "none" or name.startswith(("__Secure-", "__Host-")):
        parts.append("secure")
    if samesite:
        parts.append(f"SameSite={samesite}")
    response.headerlist.append(("Set-Cookie", "; ".join(parts)))

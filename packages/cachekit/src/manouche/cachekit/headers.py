"""HTTP caching headers on webob responses: Django's ``django.utils.cache``.

``patch_cache_control``, ``get_max_age``, ``patch_response_headers``,
``add_never_cache_headers``, ``patch_vary_headers``, ``has_vary_header`` give
the same header values as Django's functions of those names.
``learn_cache_key``/``get_cache_key`` make the same keys as Django (with
``USE_I18N`` and ``USE_TZ`` off: there is no active language or time zone
here; vary on ``Accept-Language`` through the ``Vary`` header instead).
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Iterable
from email.utils import formatdate, parsedate_to_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

if TYPE_CHECKING:
    import webob

    from manouche.cachekit.cache import Cache

__all__ = [
    "add_never_cache_headers",
    "get_cache_key",
    "get_max_age",
    "has_vary_header",
    "http_date",
    "learn_cache_key",
    "parse_http_date_safe",
    "patch_cache_control",
    "patch_response_headers",
    "patch_vary_headers",
]

_delim = re.compile(r"\s*,\s*")


def http_date(epoch_seconds: float | None = None) -> str:
    """An RFC 9110 date (``Wed, 21 Oct 2015 07:28:00 GMT``), as Django's ``http_date``."""
    return formatdate(epoch_seconds, usegmt=True)


def parse_http_date_safe(value: str | None) -> int | None:
    """Seconds since the epoch of an HTTP date, or None when it is not one."""
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is None:
        return None
    return int(parsed.timestamp())


def _directive(field: str) -> tuple[str, Any]:
    name, eq, value = field.partition("=")
    return name.lower(), (value if eq else True)


def _render(name: str, value: Any) -> str:
    return name if value is True else f"{name}={value}"


def patch_cache_control(response: webob.Response, **kwargs: Any) -> None:
    """Add the keyword arguments to ``Cache-Control`` (``max_age=60`` -> ``max-age=60``).

    ``True`` adds a bare directive; a new ``max_age`` keeps the smaller of the
    two; ``public`` and ``private`` replace each other; ``no_cache`` collects
    field names. The header comes out as Django writes it.
    """
    cc: dict[str, Any] = {}
    current = response.headers.get("Cache-Control")
    if current:
        for field in _delim.split(current):
            name, value = _directive(field)
            if name == "no-cache":
                cc.setdefault(name, []).append(value)
            else:
                cc[name] = value
    if "max-age" in cc and "max_age" in kwargs:
        kwargs["max_age"] = min(int(cc["max-age"]), kwargs["max_age"])
    if "private" in cc and "public" in kwargs:
        del cc["private"]
    elif "public" in cc and "private" in kwargs:
        del cc["public"]
    for key, value in kwargs.items():
        name = key.replace("_", "-")
        if name == "no-cache":
            values = cc.setdefault(name, [])
            if value not in values:
                values.append(value)
        else:
            cc[name] = value
    directives: list[str] = []
    for name, value in cc.items():
        if name == "no-cache":
            values = [True] if True in value else list(dict.fromkeys(value))
            directives.extend(_render(name, v) for v in values)
        else:
            directives.append(_render(name, value))
    response.headers["Cache-Control"] = ", ".join(directives)


def get_max_age(response: webob.Response) -> int | None:
    """The ``max-age`` of ``Cache-Control`` as an int, None when absent or not a number."""
    current = response.headers.get("Cache-Control")
    if not current:
        return None
    value = dict(_directive(field) for field in _delim.split(current)).get("max-age")
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def patch_response_headers(response: webob.Response, cache_timeout: float = 600) -> None:
    """Set ``Expires`` (unless already set) and ``Cache-Control: max-age``."""
    if cache_timeout < 0:
        cache_timeout = 0
    if "Expires" not in response.headers:
        response.headers["Expires"] = http_date(time.time() + cache_timeout)
    patch_cache_control(response, max_age=cache_timeout)


def add_never_cache_headers(response: webob.Response) -> None:
    """Headers that tell every cache not to keep the response."""
    patch_response_headers(response, cache_timeout=-1)
    patch_cache_control(response, no_cache=True, no_store=True, must_revalidate=True, private=True)


def patch_vary_headers(response: webob.Response, newheaders: Iterable[str]) -> None:
    """Add header names to ``Vary`` (``*`` alone if any is ``*``)."""
    current = response.headers.get("Vary")
    vary = _delim.split(current) if current else []
    existing = {header.lower() for header in vary}
    vary += [h for h in newheaders if h.lower() not in existing]
    response.headers["Vary"] = "*" if "*" in vary else ", ".join(vary)


def has_vary_header(response: webob.Response, header_query: str) -> bool:
    """Whether ``Vary`` names ``header_query`` (case-insensitive)."""
    current = response.headers.get("Vary")
    if not current:
        return False
    existing = {header.lower().strip() for header in _delim.split(current)}
    return header_query.lower().strip() in existing


_ASCII_SAFE = "".join(chr(c) for c in range(0x21, 0x7F))


def _url_hash(request: webob.Request) -> str:
    url = request.url
    try:
        data = url.encode("ascii")
    except UnicodeEncodeError:
        # A raw non-ASCII Host or query string: percent-encode its bytes (WSGI
        # strings are Latin-1), which is what the encoded form of the same URL
        # gives, instead of failing the request as Django's key would.
        data = quote(url.encode("latin-1", "backslashreplace"), safe=_ASCII_SAFE).encode()
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def _cache_key(
    request: webob.Request,
    method: str,
    headerlist: Iterable[str],
    key_prefix: str,
    url_hash: str | None = None,
) -> str:
    ctx = hashlib.md5(usedforsecurity=False)
    environ = request.environ
    for header in headerlist:
        value = environ.get(header)
        if value is None:
            ctx.update(b"-,")
            continue
        ctx.update(value.encode())
    return (
        f"views.decorators.cache.cache_page.{key_prefix}.{method}."
        f"{url_hash or _url_hash(request)}.{ctx.hexdigest()}"
    )


def _header_key(key_prefix: str, request: webob.Request, url_hash: str | None = None) -> str:
    return f"views.decorators.cache.cache_header.{key_prefix}.{url_hash or _url_hash(request)}"


def _default_cache() -> Cache:
    from manouche.cachekit.config import caches

    return caches.default


def get_cache_key(
    request: webob.Request, key_prefix: str = "", method: str = "GET", cache: Cache | None = None
) -> str | None:
    """The page's cache key, from the header list learnt earlier; None when none was."""
    store = _default_cache() if cache is None else cache
    headerlist = store.get(_header_key(key_prefix, request))
    if headerlist is None:
        return None
    return _cache_key(request, method, headerlist, key_prefix)


def learn_cache_key(
    request: webob.Request,
    response: webob.Response,
    cache_timeout: float = 600,
    key_prefix: str = "",
    cache: Cache | None = None,
) -> str:
    """Remember the headers ``response`` varies on for this URL; the page's cache key."""
    store = _default_cache() if cache is None else cache
    headerlist: list[str] = []
    vary = response.headers.get("Vary")
    if vary:
        headerlist = sorted("HTTP_" + h.upper().replace("-", "_") for h in _delim.split(vary))
    store.set(_header_key(key_prefix, request), headerlist, cache_timeout)
    return _cache_key(request, request.method, headerlist, key_prefix)

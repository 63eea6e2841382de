"""Per-site caching: Django's cache middleware for ``mw(get_response) -> handler``.

``UpdateCacheMiddleware`` goes first in the middleware list (outermost) and
``FetchFromCacheMiddleware`` last (innermost), as in Django; or use
``CacheMiddleware`` alone, which is both. Each is a factory with default
options; ``Cls.configure(**options)`` binds options (checked at once)::

    make_wsgi_app(view, [CacheMiddleware.configure(cache=caches["pages"], timeout=300)])

A response is stored only when Django would store it: a GET or HEAD answered
200 (or 304), not streamed, no ``private``/``no-cache``/``no-store``, no
``Vary: *``, ``max-age`` not 0. A request carrying ``Authorization`` gets
``Vary: Authorization`` unless the response is ``public``. One difference on
purpose: a response that sets a cookie is never stored (Django stores it
unless it also varies on ``Cookie``, and then replays the cookie to everyone).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any

import webob

from manouche.cachekit.cache import Cache
from manouche.cachekit.config import DEFAULT_CACHE_ALIAS, caches
from manouche.cachekit.headers import (
    _cache_key,
    _header_key,
    _url_hash,
    get_max_age,
    has_vary_header,
    learn_cache_key,
    parse_http_date_safe,
    patch_response_headers,
    patch_vary_headers,
)

__all__ = [
    "CacheMiddleware",
    "FetchFromCacheMiddleware",
    "UpdateCacheMiddleware",
    "cache_wsgi_app",
]

Handler = Callable[[webob.Request], webob.Response]

#: environ key the fetch half leaves for the update half (Django's ``request._cache_update_cache``).
UPDATE_KEY = "manouche.cachekit.update_cache"
_STORED = "manouche.cachekit.response/1"


def _not_called(request: webob.Request) -> webob.Response:  # pragma: no cover
    raise AssertionError("configure() only validates options")


def _resolve(cache: Cache | str | None) -> Cache | str:
    if cache is None:
        return DEFAULT_CACHE_ALIAS
    if not isinstance(cache, Cache | str):
        raise TypeError(f"cache must be a Cache or the alias of one, not {cache!r}")
    return cache


def freeze(response: webob.Response) -> tuple[Any, ...]:
    """What the cache keeps of a response: status, headers, body, and the
    ``max-age`` and ``Expires`` a hit needs for its ``Age`` (read once, here)."""
    max_age = get_max_age(response)
    expires = parse_http_date_safe(response.headers.get("Expires"))
    return (_STORED, response.status, list(response.headerlist), response.body, max_age, expires)


def thaw(entry: Any) -> webob.Response | None:
    """The response a stored entry stands for, with its ``Age``; None for anything else."""
    if type(entry) is not tuple or len(entry) != 6 or entry[0] != _STORED:
        return None
    headerlist = list(entry[2])
    max_age, expires = entry[4], entry[5]
    if max_age is not None and expires is not None:
        headerlist.append(("Age", str(max(0, max_age - (expires - int(time.time()))))))
    return webob.Response(status=entry[1], headerlist=headerlist, app_iter=[entry[3]])


class _Base:
    """Options shared by both halves."""

    def __init__(
        self,
        get_response: Handler,
        *,
        cache: Cache | str | None = None,
        timeout: float = 600,
        key_prefix: str = "",
        page_timeout: float | None = None,
    ) -> None:
        self.get_response = get_response
        self._cache = _resolve(cache)
        for name, value in (("timeout", timeout), ("page_timeout", page_timeout)):
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int | float)
            ):
                raise TypeError(f"{name} must be a number of seconds, not {value!r}")
        if not isinstance(key_prefix, str):
            raise TypeError(f"key_prefix must be a string, not {key_prefix!r}")
        self.cache_timeout = timeout
        self.page_timeout = page_timeout
        self.key_prefix = key_prefix

    @classmethod
    def configure(cls, **options: Any) -> Callable[[Handler], Any]:
        """A factory with ``options`` bound (validated now)."""
        cls(_not_called, **options)
        return functools.partial(cls, **options)

    @property
    def cache(self) -> Cache:
        c = self._cache
        return caches[c] if isinstance(c, str) else c

    # -- the two halves ----------------------------------------------------

    def fetch(self, request: webob.Request) -> webob.Response | None:
        """The cached response for ``request``, or None (and mark it to be stored)."""
        environ = request.environ
        method = request.method
        if method not in ("GET", "HEAD"):
            environ[UPDATE_KEY] = False
            return None
        cache = self.cache
        prefix = self.key_prefix
        url_hash = _url_hash(request)
        headerlist = cache.get(_header_key(prefix, request, url_hash))
        if headerlist is None:
            environ[UPDATE_KEY] = True
            return None
        response = thaw(cache.get(_cache_key(request, "GET", headerlist, prefix, url_hash)))
        if response is None and method == "HEAD":
            key = _cache_key(request, "HEAD", headerlist, prefix, url_hash)
            response = thaw(cache.get(key))
        if response is None:
            environ[UPDATE_KEY] = True
            return None
        environ[UPDATE_KEY] = False
        return response

    def update(self, request: webob.Request, response: webob.Response) -> webob.Response:
        """Store ``response`` if it may be (Django's rules, see the module)."""
        if not request.environ.get(UPDATE_KEY):
            return response
        if response.status_code not in (200, 304):
            return response
        if not isinstance(response.app_iter, list | tuple):
            return response  # streamed
        headers = response.headers
        if "Set-Cookie" in headers:
            return response
        cache_control = headers.get("Cache-Control", "").lower()
        if cache_control and any(d in cache_control for d in ("private", "no-cache", "no-store")):
            return response
        if has_vary_header(response, "*"):
            return response
        timeout = self.page_timeout
        if timeout is None:
            timeout = get_max_age(response)
            if timeout is None:
                timeout = self.cache_timeout
            elif timeout == 0:
                return response
        patch_response_headers(response, timeout)
        if request.headers.get("Authorization") and "public" not in cache_control:
            patch_vary_headers(response, ("Authorization",))
        if timeout and response.status_code == 200:
            cache = self.cache
            key = learn_cache_key(request, response, timeout, self.key_prefix, cache)
            cache.set(key, freeze(response), timeout)
        return response


class UpdateCacheMiddleware(_Base):
    """The response half: stores cacheable responses. First in the middleware list."""

    def __call__(self, request: webob.Request) -> webob.Response:
        return self.update(request, self.get_response(request))


class FetchFromCacheMiddleware(_Base):
    """The request half: answers from the cache. Last in the middleware list."""

    def __call__(self, request: webob.Request) -> webob.Response:
        cached = self.fetch(request)
        if cached is not None:
            return cached
        return self.get_response(request)


class CacheMiddleware(_Base):
    """Both halves around one handler (what ``cache_page`` wraps a view in)."""

    def __call__(self, request: webob.Request) -> webob.Response:
        cached = self.fetch(request)
        if cached is not None:
            return cached
        return self.update(request, self.get_response(request))


def cache_wsgi_app(
    app: Callable[..., Any],
    *,
    cache: Cache | str | None = None,
    timeout: float = 600,
    key_prefix: str = "",
    page_timeout: float | None = None,
    max_body: int = 1 << 20,
) -> Callable[..., Any]:
    """Per-site caching around any WSGI application (a Flask app's ``wsgi_app``...).

    The same rules as :class:`CacheMiddleware`. A response with a
    ``Content-Length`` of at most ``max_body`` bytes is read whole so it can be
    stored; anything else passes through streamed, never stored::

        flask_app.wsgi_app = cache_wsgi_app(flask_app.wsgi_app, cache="pages", timeout=300)
    """
    if not callable(app):
        raise TypeError(f"cache_wsgi_app() wraps a WSGI application, not {app!r}")

    def get_response(request: webob.Request) -> webob.Response:
        response = request.get_response(app)
        length = response.content_length
        if (
            not isinstance(response.app_iter, list | tuple)
            and length is not None
            and length <= max_body
        ):
            response.body = response.body  # read and close the application's iterable
        return response

    middleware = CacheMiddleware(
        get_response,
        cache=cache,
        timeout=timeout,
        key_prefix=key_prefix,
        page_timeout=page_timeout,
    )

    def wsgi_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        return middleware(webob.Request(environ))(environ, start_response)

    return wsgi_app

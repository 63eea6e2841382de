"""Per-view caching decorators (Django's names) and function memoization.

Views are ``view(request: webob.Request, *args, **kwargs) -> webob.Response``.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import pickle
from collections.abc import Callable
from typing import Any, Generic, ParamSpec, TypeVar

import webob

from manouche.cachekit.cache import DEFAULT_TIMEOUT, Cache
from manouche.cachekit.config import DEFAULT_CACHE_ALIAS, caches
from manouche.cachekit.headers import (
    add_never_cache_headers,
    patch_cache_control,
    patch_vary_headers,
)
from manouche.cachekit.middleware import CacheMiddleware

__all__ = [
    "cache_control",
    "cache_page",
    "memoize",
    "never_cache",
    "vary_on_cookie",
    "vary_on_headers",
]

P = ParamSpec("P")
R = TypeVar("R")
View = Callable[..., webob.Response]


def _check_request(request: Any, decorator: str) -> None:
    if not isinstance(request, webob.Request):
        raise TypeError(
            f"{decorator} didn't receive a webob.Request. If you are decorating a "
            "method, decorate it with a function decorator through functools or "
            "call the view from a function view."
        )


def cache_page(
    timeout: float | None,
    *,
    cache: Cache | str | None = None,
    key_prefix: str | None = None,
) -> Callable[[View], View]:
    """Cache the view's responses for ``timeout`` seconds (Django's ``cache_page``).

    The response's own ``max-age`` does not shorten it, as in Django; ``cache``
    is a :class:`Cache` or an alias of ``caches`` (``default`` when left out).
    """
    options = {"cache": cache, "key_prefix": key_prefix or "", "page_timeout": timeout}
    CacheMiddleware.configure(**options)

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def wrapped(request: webob.Request, *args: Any, **kwargs: Any) -> webob.Response:
            _check_request(request, "cache_page")
            middleware = CacheMiddleware(lambda r: view(r, *args, **kwargs), **options)  # type: ignore[arg-type]
            return middleware(request)

        return wrapped

    return decorator


def cache_control(**kwargs: Any) -> Callable[[View], View]:
    """Patch the response's ``Cache-Control`` with ``kwargs`` (``max_age=3600, public=True``)."""

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def wrapped(request: webob.Request, *args: Any, **kw: Any) -> webob.Response:
            _check_request(request, "cache_control")
            response = view(request, *args, **kw)
            patch_cache_control(response, **kwargs)
            return response

        return wrapped

    return decorator


def never_cache(view: View) -> View:
    """Headers that keep every cache from storing the view's responses."""

    @functools.wraps(view)
    def wrapped(request: webob.Request, *args: Any, **kwargs: Any) -> webob.Response:
        _check_request(request, "never_cache")
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    return wrapped


def vary_on_headers(*headers: str) -> Callable[[View], View]:
    """Add ``headers`` to the response's ``Vary``."""

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def wrapped(request: webob.Request, *args: Any, **kwargs: Any) -> webob.Response:
            response = view(request, *args, **kwargs)
            patch_vary_headers(response, headers)
            return response

        return wrapped

    return decorator


def vary_on_cookie(view: View) -> View:
    """Add ``Cookie`` to the response's ``Vary``."""
    return vary_on_headers("Cookie")(view)


class Memoized(Generic[P, R]):
    """A memoized function: call it, or ``.delete(*args)`` / ``.cache_key(*args)``."""

    def __init__(
        self,
        func: Callable[P, R],
        cache: Cache | str | None,
        timeout: Any,
        key_prefix: str | None,
        stampede: bool,
    ) -> None:
        functools.update_wrapper(self, func)
        self.func = func
        self._cache = DEFAULT_CACHE_ALIAS if cache is None else cache
        self.timeout = timeout
        self.stampede = stampede
        self.prefix = key_prefix or f"memoize.{func.__module__}.{func.__qualname__}"
        self.signature = inspect.signature(func)

    @property
    def cache(self) -> Cache:
        c = self._cache
        return caches[c] if isinstance(c, str) else c

    def cache_key(self, *args: P.args, **kwargs: P.kwargs) -> str:
        """The key of one call: the same for any way of passing the same arguments."""
        bound = self.signature.bind(*args, **kwargs)
        bound.apply_defaults()
        try:
            blob = pickle.dumps(tuple(bound.arguments.items()), protocol=4)
        except Exception:
            blob = repr(tuple(bound.arguments.items())).encode()
        return f"{self.prefix}.{hashlib.sha256(blob).hexdigest()[:32]}"

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        key = self.cache_key(*args, **kwargs)
        cache = self.cache
        if self.stampede:
            return cache.get_or_refresh(key, lambda: self.func(*args, **kwargs), self.timeout)
        missing = _MISSING
        value = cache.get(key, missing)
        if value is missing:
            value = self.func(*args, **kwargs)
            cache.set(key, value, self.timeout)
        return value  # type: ignore[no-any-return]

    def delete(self, *args: P.args, **kwargs: P.kwargs) -> bool:
        """Forget the cached result of this call."""
        return self.cache.delete(self.cache_key(*args, **kwargs))


_MISSING: Any = object()


def memoize(
    timeout: Any = DEFAULT_TIMEOUT,
    *,
    cache: Cache | str | None = None,
    key_prefix: str | None = None,
    stampede: bool = False,
) -> Callable[[Callable[P, R]], Memoized[P, R]]:
    """Cache a function's results per arguments (``f(1, b=2)`` and ``f(1, 2)`` share one).

    Arguments are keyed by their pickle (their ``repr`` when they do not
    pickle), hashed with SHA-256. ``stampede=True`` recomputes an expired
    result in one caller only (:meth:`Cache.get_or_refresh`).
    """

    def decorator(func: Callable[P, R]) -> Memoized[P, R]:
        return Memoized(func, cache, timeout, key_prefix, stampede)

    return decorator

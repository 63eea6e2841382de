"""Django's cache framework on cachelib: the low-level API, per-view and per-site caching."""

from manouche.cachekit.cache import (
    DEFAULT_TIMEOUT,
    MEMCACHE_MAX_KEY_LENGTH,
    Cache,
    default_key_func,
    memcache_key_warnings,
)
from manouche.cachekit.config import DEFAULT_CACHE_ALIAS, CacheHandler, cache, caches, create_cache
from manouche.cachekit.decorators import (
    Memoized,
    cache_control,
    cache_page,
    memoize,
    never_cache,
    vary_on_cookie,
    vary_on_headers,
)
from manouche.cachekit.exceptions import CacheKeyWarning, InvalidCacheBackendError, InvalidCacheKey
from manouche.cachekit.headers import (
    add_never_cache_headers,
    get_cache_key,
    get_max_age,
    has_vary_header,
    learn_cache_key,
    patch_cache_control,
    patch_response_headers,
    patch_vary_headers,
)
from manouche.cachekit.middleware import (
    CacheMiddleware,
    FetchFromCacheMiddleware,
    UpdateCacheMiddleware,
    cache_wsgi_app,
)

__all__ = [
    "DEFAULT_CACHE_ALIAS",
    "DEFAULT_TIMEOUT",
    "MEMCACHE_MAX_KEY_LENGTH",
    "Cache",
    "CacheHandler",
    "CacheKeyWarning",
    "CacheMiddleware",
    "FetchFromCacheMiddleware",
    "InvalidCacheBackendError",
    "InvalidCacheKey",
    "Memoized",
    "UpdateCacheMiddleware",
    "add_never_cache_headers",
    "cache",
    "cache_control",
    "cache_page",
    "cache_wsgi_app",
    "caches",
    "create_cache",
    "default_key_func",
    "get_cache_key",
    "get_max_age",
    "has_vary_header",
    "learn_cache_key",
    "memcache_key_warnings",
    "memoize",
    "never_cache",
    "patch_cache_control",
    "patch_response_headers",
    "patch_vary_headers",
    "vary_on_cookie",
    "vary_on_headers",
]

"""Django's cache framework on cachelib: the low-level API, per-view and per-site caching."""

from manouche.cachekit.cache import (
    DEFAULT_TIMEOUT,
    MEMCACHE_MAX_KEY_LENGTH,
    Cache,
    default_key_func,
    memcache_key_warnings,
)
from manouche.cachekit.config import DEFAULT_CACHE_ALIAS, CacheHandler, cache, caches, create_cache
from manouche.cachekit.exceptions import CacheKeyWarning, InvalidCacheBackendError, InvalidCacheKey

__all__ = [
    "DEFAULT_CACHE_ALIAS",
    "DEFAULT_TIMEOUT",
    "MEMCACHE_MAX_KEY_LENGTH",
    "Cache",
    "CacheHandler",
    "CacheKeyWarning",
    "InvalidCacheBackendError",
    "InvalidCacheKey",
    "cache",
    "caches",
    "create_cache",
    "default_key_func",
    "memcache_key_warnings",
]

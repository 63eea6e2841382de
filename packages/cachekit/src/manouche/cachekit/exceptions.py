"""The cache framework's exceptions and warning, named as Django names them."""

from __future__ import annotations

__all__ = ["CacheKeyWarning", "InvalidCacheBackendError", "InvalidCacheKey"]


class InvalidCacheBackendError(ValueError):
    """A cache configuration names an unknown backend or gives a bad option."""


class CacheKeyWarning(RuntimeWarning):
    """A key that memcached would refuse (too long, or with control characters)."""


class InvalidCacheKey(ValueError):
    """A key the backend cannot store (raised by memcached caches, warned by others)."""

"""``Cache``: Django's low-level cache API over any cachelib backend.

Keys are made by a key function (``<prefix>:<version>:<key>`` by default, as
Django makes them), validated as Django validates them (a ``CacheKeyWarning``
for a key memcached would refuse; memcached caches raise ``InvalidCacheKey``),
and timeouts mean what they mean in Django: ``None`` keeps a value until it is
evicted, ``0`` or less expires it at once, and leaving it out uses the cache's
default. A stored ``None`` is told apart from a miss.
"""

from __future__ import annotations

import asyncio
import math
import re
import secrets
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, Final, TypeVar

from cachelib import BaseCache

from manouche.cachekit._drivers import FileDriver, Pickled, SimpleDriver, driver_for, dumps
from manouche.cachekit.exceptions import CacheKeyWarning, InvalidCacheKey

__all__ = [
    "DEFAULT_TIMEOUT",
    "MEMCACHE_MAX_KEY_LENGTH",
    "Cache",
    "default_key_func",
    "memcache_key_warnings",
]

T = TypeVar("T")

#: The longest key memcached accepts; longer keys warn, as Django's.
MEMCACHE_MAX_KEY_LENGTH: Final = 250

_bad_key_chars = re.compile(r"[\x00-\x20\x7f]").search


class _DefaultTimeout:
    def __repr__(self) -> str:
        return "DEFAULT_TIMEOUT"


#: Stands for "the cache's default timeout" (Django's ``DEFAULT_TIMEOUT``).
DEFAULT_TIMEOUT: Any = _DefaultTimeout()

_MISSING: Any = object()


class StoredNone:
    """Stored in place of ``None`` so that a cached ``None`` is not a miss."""


def default_key_func(key: Any, key_prefix: str, version: Any) -> str:
    """Django's key function: ``"<key_prefix>:<version>:<key>"``."""
    return f"{key_prefix}:{version}:{key}"


def memcache_key_warnings(key: str) -> Iterator[str]:
    """Django's messages for a key memcached would refuse."""
    if len(key) > MEMCACHE_MAX_KEY_LENGTH:
        yield (
            f"Cache key will cause errors if used with memcached: {key!r} "
            f"(longer than {MEMCACHE_MAX_KEY_LENGTH})"
        )
    if _bad_key_chars(key):
        yield (
            f"Cache key contains characters that will cause errors if used with memcached: {key!r}"
        )


def _refresh_entry(raw: Any) -> tuple[Any, float | None] | None:
    """A ``(value, fresh_until)`` entry of :meth:`Cache.get_or_refresh`, or None
    for anything else stored at the key (a miss, not an error)."""
    if type(raw) is tuple and len(raw) == 2 and (raw[1] is None or type(raw[1]) is float):
        return raw
    return None


class Cache:
    """One cache: a cachelib backend behind Django's API.

    :param backend: any ``cachelib.BaseCache`` (``SimpleCache``,
        ``FileSystemCache``, ``RedisCache``, ``MemcachedCache``, ``NullCache``
        or another); usually made by :func:`~manouche.cachekit.create_cache`.
    :param timeout: the default timeout in seconds; ``None`` keeps values
        until evicted.
    :param key_prefix: put in front of every key (Django's ``KEY_PREFIX``).
    :param version: the default key version (Django's ``VERSION``).
    :param key_func: ``(key, key_prefix, version) -> str``, Django's
        ``KEY_FUNCTION``.
    """

    def __init__(
        self,
        backend: BaseCache,
        *,
        timeout: float | None = 300,
        key_prefix: str = "",
        version: int = 1,
        key_func: Callable[[Any, str, Any], str] | None = None,
    ) -> None:
        if timeout is not None and (
            isinstance(timeout, bool) or not isinstance(timeout, int | float)
        ):
            raise TypeError(f"a cache timeout is a number of seconds or None, not {timeout!r}")
        if not isinstance(backend, BaseCache):
            raise TypeError(f"a Cache wraps a cachelib.BaseCache, not {type(backend).__name__}")
        self.backend = backend
        self.driver = driver_for(backend)
        self.default_timeout = timeout
        self._key_prefix = key_prefix
        self._version = version
        self._key_func = key_func or default_key_func
        self._custom_key_func = key_func is not None and key_func is not default_key_func
        self._get, self._get_many = self.driver.reader()
        self._set = self.driver.writer()
        self._strict_keys = self.driver.strict_keys
        self._prepickle = isinstance(self.driver, FileDriver)
        self._default_ttl = self._ttl(timeout)
        self._refresh_head()
        if isinstance(self.driver, SimpleDriver) and type(self) is Cache:
            from manouche.cachekit._fast import simple_get_set

            get, set_ = simple_get_set(self, self.driver, DEFAULT_TIMEOUT, StoredNone)
            self.get = get  # type: ignore[method-assign]
            self.set = set_  # type: ignore[method-assign]

    # The default key's head ("<prefix>:<version>:") is made once, not per call.

    def _refresh_head(self) -> None:
        custom = self._custom_key_func
        self._head = None if custom else f"{self._key_prefix}:{self._version}:"

    @property
    def key_func(self) -> Callable[[Any, str, Any], str]:
        return self._key_func

    @key_func.setter
    def key_func(self, value: Callable[[Any, str, Any], str]) -> None:
        # Django's tests (and some users) swap a cache's key function in place.
        self._key_func = value
        self._custom_key_func = value is not default_key_func
        self._refresh_head()

    @property
    def key_prefix(self) -> str:
        return self._key_prefix

    @key_prefix.setter
    def key_prefix(self, value: str) -> None:
        self._key_prefix = value
        self._refresh_head()

    @property
    def version(self) -> Any:
        return self._version

    @version.setter
    def version(self, value: Any) -> None:
        self._version = value
        self._refresh_head()

    def __repr__(self) -> str:
        return f"<Cache {type(self.backend).__name__} prefix={self.key_prefix!r}>"

    # -- keys and timeouts -------------------------------------------------

    def make_key(self, key: Any, version: Any = None) -> str:
        """The key stored in the backend for ``key`` at ``version``."""
        if version is None:
            version = self.version
        if self._custom_key_func:
            return self.key_func(key, self.key_prefix, version)
        return f"{self.key_prefix}:{version}:{key}"

    def validate_key(self, key: str) -> None:
        """Warn (raise, on memcached) about a key memcached would refuse."""
        for message in memcache_key_warnings(key):
            if self._strict_keys:
                raise InvalidCacheKey(message)
            warnings.warn(message, CacheKeyWarning, stacklevel=3)

    def make_and_validate_key(self, key: Any, version: Any = None) -> str:
        made = self.make_key(key, version)
        if len(made) > MEMCACHE_MAX_KEY_LENGTH or not made.isprintable() or " " in made:
            self.validate_key(made)
        return made

    @staticmethod
    def _ttl(timeout: Any) -> int | None:
        """cachelib's timeout for Django's: whole seconds, 0 = forever, None = expire now."""
        if timeout is None:
            return 0
        if isinstance(timeout, bool) or not isinstance(timeout, int | float):
            raise TypeError(f"a cache timeout is a number of seconds or None, not {timeout!r}")
        if timeout <= 0:
            return None
        return math.ceil(timeout)

    def get_backend_timeout(self, timeout: Any = DEFAULT_TIMEOUT) -> int | None:
        """Seconds a value set with ``timeout`` lasts, as Django's Redis cache says it:
        ``None`` for ever, ``0`` not at all, else whole seconds (rounded up)."""
        ttl = self._backend_ttl(timeout)
        if ttl is None:
            return 0
        return None if ttl == 0 else ttl

    def _backend_ttl(self, timeout: Any = DEFAULT_TIMEOUT) -> int | None:
        """cachelib's timeout for ``timeout``: seconds, ``0`` forever, ``None`` expired."""
        if timeout is DEFAULT_TIMEOUT:
            return self._default_ttl
        return self._ttl(timeout)

    def _prepare(self, value: Any) -> Any:
        if value is None:
            value = StoredNone
        if self._prepickle:
            return Pickled(dumps(value))
        return value

    # -- the low-level API -------------------------------------------------

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        """The value of ``key``, or ``default`` when it is missing or expired."""
        head = self._head
        made = (
            f"{head}{key}" if head is not None and version is None else self.make_key(key, version)
        )
        # A quick screen (str.isprintable is fast); validate_key() decides.
        if len(made) > MEMCACHE_MAX_KEY_LENGTH or not made.isprintable() or " " in made:
            self.validate_key(made)
        value = self._get(made)
        if value is None:
            return default
        if value is StoredNone:
            return None
        return value

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        """Store ``value`` at ``key`` for ``timeout`` seconds (the default when left out)."""
        head = self._head
        made = (
            f"{head}{key}" if head is not None and version is None else self.make_key(key, version)
        )
        if len(made) > MEMCACHE_MAX_KEY_LENGTH or not made.isprintable() or " " in made:
            self.validate_key(made)
        ttl = self._default_ttl if timeout is DEFAULT_TIMEOUT else self._ttl(timeout)
        if ttl is None:
            self.driver.expire(made)
            return
        if value is None or self._prepickle:
            value = self._prepare(value)
        self._set(made, value, ttl)

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> bool:
        """Store ``value`` only if ``key`` holds nothing; whether it was stored.

        Atomic on Redis and memcached (one server command), across processes on
        a file cache and within the process on an in-process cache.
        """
        made = self.make_and_validate_key(key, version)
        ttl = self._backend_ttl(timeout)
        if ttl is None:
            return not self.driver.has(made)
        return self.driver.add(made, self._prepare(value), ttl)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        """Give ``key`` a new timeout; ``False`` when the key is missing."""
        made = self.make_and_validate_key(key, version)
        ttl = self._backend_ttl(timeout)
        if ttl is None:
            return self.driver.expire(made)
        return self.driver.touch(made, ttl)

    def delete(self, key: Any, version: Any = None) -> bool:
        """Remove ``key``; whether it was there."""
        return self.driver.expire(self.make_and_validate_key(key, version))

    def get_many(self, keys: Iterable[Any], version: Any = None) -> dict[Any, Any]:
        """A dict of the keys found (missing ones are left out), in one round trip."""
        wanted = {self.make_and_validate_key(k, version): k for k in keys}
        if not wanted:
            return {}
        found: dict[Any, Any] = {}
        for made, value in zip(wanted, self._get_many(*wanted), strict=True):
            if value is not None:
                found[wanted[made]] = None if value is StoredNone else value
        return found

    def set_many(
        self, data: Mapping[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> list[Any]:
        """Store every pair of ``data``; the keys that could not be stored."""
        made = {self.make_and_validate_key(k, version): k for k in data}
        ttl = self._backend_ttl(timeout)
        if ttl is None:
            self.driver.delete_many(list(made))
            return []
        mapping = {m: self._prepare(data[k]) for m, k in made.items()}
        stored = set(self.driver.set_many(mapping, ttl))
        return [k for m, k in made.items() if m not in stored]

    def delete_many(self, keys: Iterable[Any], version: Any = None) -> None:
        """Remove every key of ``keys``."""
        made = [self.make_and_validate_key(k, version) for k in keys]
        if made:
            self.driver.delete_many(list(made))

    def has_key(self, key: Any, version: Any = None) -> bool:
        """Whether ``key`` holds a value that has not expired."""
        return self.driver.has(self.make_and_validate_key(key, version))

    def __contains__(self, key: Any) -> bool:
        return self.has_key(key)

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> Any:
        """Add ``delta`` to the number at ``key`` and return it; ``ValueError`` if missing.

        One atomic server operation on Redis and memcached (memcached, as in
        Django, never goes below zero), under a lock shared by every process on
        a file cache; the key keeps its expiry.
        """
        made = self.make_and_validate_key(key, version)
        value = self.driver.incr(made, delta)
        if value is None:
            raise ValueError(f"Key '{key}' not found")
        return value

    def decr(self, key: Any, delta: int = 1, version: Any = None) -> Any:
        """Subtract ``delta`` from the number at ``key`` (see :meth:`incr`)."""
        return self.incr(key, -delta, version)

    def incr_version(self, key: Any, delta: int = 1, version: Any = None) -> int:
        """Move ``key``'s value to version + ``delta``; the new version."""
        if version is None:
            version = self.version
        value = self.get(key, _MISSING, version)
        if value is _MISSING:
            raise ValueError(f"Key '{key}' not found")
        self.set(key, value, version=version + delta)
        self.delete(key, version=version)
        return int(version + delta)

    def decr_version(self, key: Any, delta: int = 1, version: Any = None) -> int:
        """Move ``key``'s value to version - ``delta``; the new version."""
        return self.incr_version(key, -delta, version)

    def get_or_set(
        self, key: Any, default: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> Any:
        """The value at ``key``; when missing, ``default`` (called if callable) is added."""
        value = self.get(key, _MISSING, version)
        if value is _MISSING:
            if callable(default):
                default = default()
            self.add(key, default, timeout, version)
            return self.get(key, default, version)
        return value

    def clear(self) -> None:
        """Remove every value of the cache.

        On Redis, a cache with a key prefix removes only its own keys (Django
        empties the whole database, other applications' keys too); without a
        prefix the database is emptied, as in Django. Other stores are emptied
        whole (memcached's ``flush_all`` empties the server).
        """
        if self.key_prefix and not self._custom_key_func:
            self.driver.clear(f"{self.key_prefix}:")
        else:
            self.driver.clear()

    def close(self) -> None:
        """Let go of the backend's connections (they reopen when next used)."""
        self.driver.close()

    # -- async variants (Django's names; the sync call runs in a worker thread) --

    async def aget(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return await asyncio.to_thread(self.get, key, default, version)

    async def aset(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        await asyncio.to_thread(self.set, key, value, timeout, version)

    async def aadd(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> bool:
        return await asyncio.to_thread(self.add, key, value, timeout, version)

    async def atouch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        return await asyncio.to_thread(self.touch, key, timeout, version)

    async def adelete(self, key: Any, version: Any = None) -> bool:
        return await asyncio.to_thread(self.delete, key, version)

    async def aget_many(self, keys: Iterable[Any], version: Any = None) -> dict[Any, Any]:
        return await asyncio.to_thread(self.get_many, list(keys), version)

    async def aset_many(
        self, data: Mapping[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> list[Any]:
        return await asyncio.to_thread(self.set_many, data, timeout, version)

    async def adelete_many(self, keys: Iterable[Any], version: Any = None) -> None:
        await asyncio.to_thread(self.delete_many, list(keys), version)

    async def aget_or_set(
        self, key: Any, default: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> Any:
        return await asyncio.to_thread(self.get_or_set, key, default, timeout, version)

    async def ahas_key(self, key: Any, version: Any = None) -> bool:
        return await asyncio.to_thread(self.has_key, key, version)

    async def aincr(self, key: Any, delta: int = 1, version: Any = None) -> Any:
        return await asyncio.to_thread(self.incr, key, delta, version)

    async def adecr(self, key: Any, delta: int = 1, version: Any = None) -> Any:
        return await asyncio.to_thread(self.decr, key, delta, version)

    async def aincr_version(self, key: Any, delta: int = 1, version: Any = None) -> int:
        return await asyncio.to_thread(self.incr_version, key, delta, version)

    async def adecr_version(self, key: Any, delta: int = 1, version: Any = None) -> int:
        return await asyncio.to_thread(self.decr_version, key, delta, version)

    async def aclear(self) -> None:
        await asyncio.to_thread(self.clear)

    async def aclose(self) -> None:
        await asyncio.to_thread(self.close)

    # -- stampede protection -----------------------------------------------

    def get_or_refresh(
        self,
        key: Any,
        compute: Callable[[], T],
        timeout: Any = DEFAULT_TIMEOUT,
        *,
        grace: float | None = None,
        lock_timeout: float = 30.0,
        wait: float | None = None,
        poll: float = 0.05,
        version: Any = None,
    ) -> T:
        """The value at ``key``, recomputed by one caller at a time when it goes stale.

        A value is fresh for ``timeout`` seconds, then kept ``grace`` more
        seconds (default: as long again) as a stale copy. When it goes stale,
        the first caller takes a lock (an atomic ``add``: across processes on
        Redis, memcached and file caches) and recomputes it while every other
        caller gets the stale copy at once. When there is no copy at all, the
        others wait (polling every ``poll`` seconds) for the one computing it,
        up to ``wait`` seconds (default ``lock_timeout``), then compute it
        themselves. A lock left by a caller that died expires after
        ``lock_timeout`` seconds. Values are stored with their freshness, so a
        key written here is read here, not with :meth:`get`.
        """
        ttl = self._backend_ttl(timeout)
        if ttl is None:
            return compute()
        seconds = self.default_timeout if timeout is DEFAULT_TIMEOUT else timeout
        fresh_for = None if ttl == 0 or seconds is None else float(seconds)
        made = self.make_and_validate_key(key, version)
        lock = self.make_and_validate_key(f"{key}:refresh-lock", version)
        lock_ttl = max(1, math.ceil(lock_timeout))
        give_up = time.monotonic() + (lock_timeout if wait is None else wait)
        while True:
            entry = _refresh_entry(self._get(made))
            if entry is not None:
                value, fresh_until = entry
                if fresh_until is None or time.time() < fresh_until:
                    return value  # type: ignore[no-any-return]
            token = secrets.token_hex(8)
            if self.driver.add(lock, token, lock_ttl):
                # Read again under the lock: the caller that held it before may
                # have stored a fresh value between our read and our add.
                latest = _refresh_entry(self._get(made))
                if latest is not None:
                    value, fresh_until = latest
                    if fresh_until is None or time.time() < fresh_until:
                        self.driver.release(lock, token)
                        return value  # type: ignore[no-any-return]
                return self._refresh(made, lock, token, compute, fresh_for, grace)
            if entry is not None:
                return entry[0]  # type: ignore[no-any-return]
            if time.monotonic() >= give_up:
                return self._refresh(made, None, None, compute, fresh_for, grace)
            time.sleep(poll)

    def _refresh(
        self,
        made: str,
        lock: str | None,
        token: str | None,
        compute: Callable[[], T],
        fresh_for: float | None,
        grace: float | None,
    ) -> T:
        try:
            value = compute()
            if fresh_for is None:
                entry: tuple[Any, float | None] = (value, None)
                ttl = 0
            else:
                entry = (value, time.time() + fresh_for)
                ttl = math.ceil(fresh_for + (fresh_for if grace is None else grace))
            self._set(made, Pickled(dumps(entry)) if self._prepickle else entry, ttl)
            return value
        finally:
            if lock is not None and token is not None:
                self.driver.release(lock, token)

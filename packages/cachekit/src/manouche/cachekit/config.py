"""Caches from a URL or a dict, and the named caches of an application.

URLs::

    locmem://            in-process (cachelib SimpleCache); locmem://name shares a store by name
    file:///var/cache/x  a directory (cachelib FileSystemCache), shared by processes
    redis://host:6379/0  Redis (rediss:// for TLS; redis-py's URL options pass through)
    memcached://h1:11211,h2:11211   memcached (pymemcache, keys hashed over the servers)
    null://              stores nothing (Django's DummyCache)

with ``?timeout=60&key_prefix=site&version=2&max_entries=1000`` for the
options every cache takes (``timeout=none`` keeps values until evicted).

Dicts take Django's ``CACHES`` entries (``BACKEND``, ``LOCATION``,
``TIMEOUT``, ``KEY_PREFIX``, ``VERSION``, ``KEY_FUNCTION``, ``OPTIONS``),
with ``BACKEND`` one of the short names above or Django's own dotted paths,
so a Django ``CACHES`` setting works as it is.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Iterator, Mapping
from typing import Any, cast
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from cachelib import BaseCache, FileSystemCache, MemcachedCache, NullCache, RedisCache, SimpleCache

from manouche.cachekit._drivers import MemcacheSerde
from manouche.cachekit.cache import Cache
from manouche.cachekit.exceptions import InvalidCacheBackendError

__all__ = ["DEFAULT_CACHE_ALIAS", "CacheHandler", "cache", "caches", "create_cache"]

#: The alias of the default cache (Django's ``"default"``).
DEFAULT_CACHE_ALIAS = "default"

_DJANGO_BACKENDS = {
    "django.core.cache.backends.locmem.LocMemCache": "locmem",
    "django.core.cache.backends.filebased.FileBasedCache": "file",
    "django.core.cache.backends.redis.RedisCache": "redis",
    "django.core.cache.backends.memcached.PyMemcacheCache": "memcached",
    "django.core.cache.backends.memcached.PyLibMCCache": "memcached",
    "django.core.cache.backends.dummy.DummyCache": "null",
}
_KINDS = ("locmem", "file", "redis", "memcached", "null")
_SCHEMES = {"locmem": "locmem", "file": "file", "redis": "redis", "rediss": "redis",
            "unix": "redis", "memcached": "memcached", "null": "null"}  # fmt: skip
_OPTION_NAMES = {"timeout", "key_prefix", "version", "max_entries"}
_DICT_KEYS = {"BACKEND", "LOCATION", "TIMEOUT", "KEY_PREFIX", "VERSION", "KEY_FUNCTION", "OPTIONS"}

_locmem_stores: dict[str, SimpleCache] = {}
_locmem_lock = threading.Lock()


def _timeout(value: Any, where: str) -> float | None:
    if value is None or (isinstance(value, str) and value.lower() == "none"):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InvalidCacheBackendError(
            f"{where}: timeout must be a number of seconds or none, not {value!r}"
        ) from None
    return int(number) if number == int(number) else number


def _int(value: Any, name: str, where: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InvalidCacheBackendError(
            f"{where}: {name} must be a whole number, not {value!r}"
        ) from None


def _key_func(value: Any, where: str) -> Callable[[Any, str, Any], str] | None:
    if value is None or callable(value):
        return cast("Callable[[Any, str, Any], str] | None", value)
    if isinstance(value, str) and "." in value:
        module, _, name = value.rpartition(".")
        try:
            func = getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError) as exc:
            raise InvalidCacheBackendError(f"{where}: KEY_FUNCTION {value!r}: {exc}") from None
        if callable(func):
            return cast("Callable[[Any, str, Any], str]", func)
    raise InvalidCacheBackendError(
        f"{where}: KEY_FUNCTION must be a callable or its dotted path, not {value!r}"
    )


def _locmem(name: str, max_entries: int) -> SimpleCache:
    with _locmem_lock:
        store = _locmem_stores.get(name)
        if store is None:
            store = _locmem_stores[name] = SimpleCache(threshold=max_entries)
        return store


def _memcached(servers: list[str], options: Mapping[str, Any], where: str) -> MemcachedCache:
    try:
        from pymemcache.client.hash import HashClient  # type: ignore[import-untyped]
    except ImportError:
        raise InvalidCacheBackendError(
            f"{where}: memcached caches need pymemcache: pip install 'manouche-cachekit[memcached]'"
        ) from None
    addresses = []
    for server in servers:
        host, _, port = server.strip().rpartition(":")
        if not host or not port.isdigit():
            raise InvalidCacheBackendError(
                f"{where}: a memcached server is host:port, not {server!r}"
            )
        addresses.append((host.strip("[]"), int(port)))
    params: dict[str, Any] = {
        "serde": MemcacheSerde(),
        "default_noreply": False,
        "allow_unicode_keys": True,
        "use_pooling": True,
        "connect_timeout": 2.0,
        "timeout": 5.0,
    }
    params.update(options)
    return MemcachedCache(HashClient(addresses, **params))


def _redis(url: str, options: Mapping[str, Any], where: str) -> RedisCache:
    try:
        import redis
    except ImportError:
        raise InvalidCacheBackendError(
            f"{where}: Redis caches need the redis client: pip install 'manouche-cachekit[redis]'"
        ) from None
    if options.get("decode_responses"):
        raise InvalidCacheBackendError(f"{where}: decode_responses cannot be used by a cache")
    return RedisCache(redis.Redis.from_url(url, **options))


def _backend(kind: str, location: Any, options: dict[str, Any], where: str) -> BaseCache:
    max_entries = _int(
        options.pop("MAX_ENTRIES", options.pop("max_entries", 300)), "MAX_ENTRIES", where
    )
    options.pop("CULL_FREQUENCY", None)
    if kind == "locmem":
        return _locmem(str(location or ""), max_entries)
    if kind == "null":
        return NullCache()
    if kind == "file":
        if not location or not str(location).startswith("/"):
            raise InvalidCacheBackendError(
                f"{where}: a file cache needs an absolute directory path"
            )
        return FileSystemCache(str(location), threshold=max_entries)
    if kind == "redis":
        if isinstance(location, list | tuple):
            location = location[0]
        if not location:
            location = "redis://127.0.0.1:6379/0"
        return _redis(str(location), options, where)
    if kind == "memcached":
        if isinstance(location, str):
            location = location.replace(";", ",").split(",")
        return _memcached(list(location or ["127.0.0.1:11211"]), options, where)
    raise InvalidCacheBackendError(f"{where}: unknown backend {kind!r}; known: {', '.join(_KINDS)}")


def _from_url(url: str, overrides: dict[str, Any]) -> Cache:
    where = f"cache URL {url!r}"
    parts = urlsplit(url)
    kind = _SCHEMES.get(parts.scheme)
    if kind is None:
        raise InvalidCacheBackendError(
            f"{where}: unknown scheme {parts.scheme!r}; known: {', '.join(sorted(_SCHEMES))}"
        )
    query = parse_qsl(parts.query, keep_blank_values=True)
    ours = {k: v for k, v in query if k in _OPTION_NAMES}
    rest = [(k, v) for k, v in query if k not in _OPTION_NAMES]
    if rest and kind != "redis":
        names = ", ".join(sorted({k for k, _ in rest}))
        raise InvalidCacheBackendError(
            f"{where}: unknown option(s) {names}; known: {', '.join(sorted(_OPTION_NAMES))}"
        )
    options: dict[str, Any] = {}
    if "max_entries" in ours:
        options["MAX_ENTRIES"] = ours["max_entries"]
    if kind == "locmem":
        location: Any = unquote(parts.netloc + parts.path)
    elif kind == "file":
        if parts.netloc not in ("", "localhost"):
            raise InvalidCacheBackendError(f"{where}: write file:///absolute/path (three slashes)")
        location = unquote(parts.path)
    elif kind == "redis":
        location = urlunsplit(parts._replace(query=urlencode(rest)))
    elif kind == "memcached":
        location = parts.netloc.split(",") if parts.netloc else None
    else:
        location = None
    settings: dict[str, Any] = {
        "timeout": _timeout(ours["timeout"], where) if "timeout" in ours else 300,
        "key_prefix": ours.get("key_prefix", ""),
        "version": _int(ours.get("version", 1), "version", where),
    }
    settings.update(overrides)
    return Cache(_backend(kind, location, options, where), **settings)


def _from_dict(config: Mapping[str, Any], overrides: dict[str, Any]) -> Cache:
    where = "cache config"
    unknown = set(config) - _DICT_KEYS - {"URL"}
    if unknown:
        raise InvalidCacheBackendError(
            f"{where}: unknown key(s) {', '.join(sorted(unknown))}; "
            f"known: {', '.join(sorted(_DICT_KEYS | {'URL'}))}"
        )
    url = config.get("URL")
    backend = config.get("BACKEND")
    location = config.get("LOCATION")
    if url is None and backend is None and isinstance(location, str) and "://" in location:
        url = location
    settings: dict[str, Any] = {}
    if "TIMEOUT" in config:
        settings["timeout"] = _timeout(config["TIMEOUT"], where)
    if "KEY_PREFIX" in config:
        settings["key_prefix"] = str(config["KEY_PREFIX"])
    if "VERSION" in config:
        settings["version"] = _int(config["VERSION"], "VERSION", where)
    if config.get("KEY_FUNCTION") is not None:
        settings["key_func"] = _key_func(config["KEY_FUNCTION"], where)
    settings.update(overrides)
    options = dict(config.get("OPTIONS") or {})
    if url is not None:
        if options:
            raise InvalidCacheBackendError(
                f"{where}: give OPTIONS with BACKEND and LOCATION, not URL"
            )
        return _from_url(str(url), settings)
    if backend is None:
        raise InvalidCacheBackendError(f"{where}: needs BACKEND (or a URL)")
    if isinstance(backend, BaseCache):
        return Cache(backend, **settings)
    kind = _DJANGO_BACKENDS.get(backend, backend)
    if kind not in _KINDS:
        raise InvalidCacheBackendError(
            f"{where}: unknown BACKEND {backend!r}; known: {', '.join(_KINDS)} "
            "or Django's backend paths"
        )
    return Cache(_backend(kind, location, options, where), **settings)


def create_cache(config: str | Mapping[str, Any] | BaseCache | Cache, **overrides: Any) -> Cache:
    """A :class:`Cache` from a URL, a Django ``CACHES`` entry or a cachelib backend.

    ``overrides`` are :class:`Cache` arguments (``timeout``, ``key_prefix``,
    ``version``, ``key_func``: a callable or, as Django's ``KEY_FUNCTION``, its
    dotted path) that win over the configuration's.
    """
    if isinstance(overrides.get("key_func"), str):
        overrides["key_func"] = _key_func(overrides["key_func"], "create_cache(key_func=...)")
    if isinstance(config, Cache):
        if overrides:
            raise TypeError("overrides cannot be applied to an existing Cache")
        return config
    if isinstance(config, BaseCache):
        return Cache(config, **overrides)
    if isinstance(config, str):
        return _from_url(config, overrides)
    if isinstance(config, Mapping):
        return _from_dict(config, overrides)
    raise TypeError(f"a cache is configured by a URL, a dict or a cachelib cache, not {config!r}")


class CacheHandler:
    """Named caches, made when first used: ``caches["default"]``.

    :param config: alias -> URL, Django ``CACHES`` entry, cachelib backend or
        :class:`Cache`. Without one, ``default`` is an in-process cache.
    """

    def __init__(self, config: Mapping[str, Any] | None = None) -> None:
        self._lock = threading.Lock()
        self._made: dict[str, Cache] = {}
        self._config: dict[str, Any] = {}
        self.configure(config)

    def configure(self, config: Mapping[str, Any] | None) -> None:
        """Replace the configuration (caches already made are closed and dropped)."""
        config = dict(config) if config is not None else {DEFAULT_CACHE_ALIAS: "locmem://"}
        for alias, spec in config.items():
            if not isinstance(alias, str) or not alias:
                raise InvalidCacheBackendError(
                    f"a cache alias is a non-empty string, not {alias!r}"
                )
            if not isinstance(spec, str | Mapping | BaseCache | Cache):
                raise InvalidCacheBackendError(
                    f"cache {alias!r}: give a URL, a dict, a cachelib cache or a Cache, "
                    f"not {spec!r}"
                )
        with self._lock:
            made, self._made = self._made, {}
            self._config = config
        for instance in made.values():
            instance.close()

    def __getitem__(self, alias: str) -> Cache:
        made = self._made.get(alias)
        if made is not None:
            return made
        with self._lock:
            made = self._made.get(alias)
            if made is None:
                if alias not in self._config:
                    raise InvalidCacheBackendError(f"The connection '{alias}' doesn't exist.")
                made = self._made[alias] = create_cache(self._config[alias])
            return made

    def __contains__(self, alias: object) -> bool:
        return alias in self._config

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._config))

    def all(self) -> list[Cache]:
        """Every configured cache (made now if need be)."""
        return [self[alias] for alias in self]

    def close_all(self) -> None:
        for instance in list(self._made.values()):
            instance.close()

    @property
    def default(self) -> Cache:
        return self[DEFAULT_CACHE_ALIAS]


#: The application's named caches; ``caches.configure({...})`` once at start-up.
caches = CacheHandler()


class _DefaultCache:
    """``cache``: stands for ``caches["default"]``, whatever it is configured to."""

    def __getattr__(self, name: str) -> Any:
        return getattr(caches[DEFAULT_CACHE_ALIAS], name)

    def __contains__(self, key: Any) -> bool:
        return key in caches[DEFAULT_CACHE_ALIAS]

    def __repr__(self) -> str:
        return f"<default cache: {caches[DEFAULT_CACHE_ALIAS]!r}>"


#: The default cache, ``caches["default"]``, looked up on each use (Django's
#: ``django.core.cache.cache``).
cache: Any = _DefaultCache()

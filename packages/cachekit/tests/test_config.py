"""Caches from URLs and dicts, named caches, and the errors for bad configurations."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cachelib import FileSystemCache, MemcachedCache, NullCache, RedisCache, SimpleCache

from manouche.cachekit import (
    Cache,
    CacheHandler,
    InvalidCacheBackendError,
    cache,
    caches,
    create_cache,
)


def test_urls_make_the_backends(tmp_path: Path, url_for: Callable[[str], str]) -> None:
    assert isinstance(create_cache("locmem://").backend, SimpleCache)
    assert isinstance(create_cache(f"file://{tmp_path}").backend, FileSystemCache)
    assert isinstance(create_cache("null://").backend, NullCache)
    redis_cache = create_cache(url_for("redis"))
    memcached = create_cache(url_for("memcached"))
    try:
        assert isinstance(redis_cache.backend, RedisCache)
        assert isinstance(memcached.backend, MemcachedCache)
    finally:
        redis_cache.close()
        memcached.close()


def test_url_options() -> None:
    c = create_cache("locmem://opts?timeout=60&key_prefix=site&version=3&max_entries=10")
    assert (c.default_timeout, c.key_prefix, c.version) == (60, "site", 3)
    assert c.backend._threshold == 10
    assert create_cache("locmem://?timeout=none").default_timeout is None
    assert create_cache("locmem://?timeout=1.5").default_timeout == 1.5
    assert create_cache("locmem://", timeout=5, key_prefix="o").key_prefix == "o"


def test_locmem_name_shares_a_store_in_the_process() -> None:
    name = f"shared-{secrets.token_hex(3)}"
    a, b = create_cache(f"locmem://{name}"), create_cache(f"locmem://{name}")
    a.set("k", 1)
    assert b.get("k") == 1
    assert create_cache(f"locmem://{name}-other").get("k") is None


def test_null_cache_stores_nothing() -> None:
    c = create_cache("null://")
    c.set("k", 1)
    assert c.get("k") is None
    assert c.add("k", 1) is True
    assert c.get_or_set("k", 2) == 2
    assert c.touch("k") is False
    with pytest.raises(ValueError, match="not found"):
        c.incr("k")


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("mongo://x", "unknown scheme 'mongo'"),
        ("locmem://?timeout=soon", "timeout must be a number of seconds or none"),
        ("locmem://?version=two", "version must be a whole number"),
        ("locmem://?colour=red", "unknown option"),
        ("file://relative/path", "three slashes"),
        ("memcached://localhost", "host:port"),
        ({"BACKEND": "nosql"}, "unknown BACKEND 'nosql'"),
        ({"LOCATION": "x"}, "needs BACKEND"),
        ({"BACKEND": "locmem", "TIMOUT": 5}, "unknown key(s) TIMOUT"),
        ({"BACKEND": "file", "LOCATION": "rel"}, "absolute directory path"),
        ({"BACKEND": "locmem", "KEY_FUNCTION": "no.such.module.f"}, "KEY_FUNCTION"),
        ({"BACKEND": "locmem", "KEY_FUNCTION": 3}, "KEY_FUNCTION must be a callable"),
        ({"BACKEND": "redis", "OPTIONS": {"decode_responses": True}}, "decode_responses"),
    ],
)
def test_bad_configurations_say_what_is_wrong(config: Any, message: str) -> None:
    with pytest.raises(InvalidCacheBackendError, match=re.escape(message)):
        create_cache(config)


def test_bad_arguments() -> None:
    with pytest.raises(TypeError, match="timeout"):
        Cache(SimpleCache(), timeout="soon")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="cachelib.BaseCache"):
        Cache(object())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="configured by a URL"):
        create_cache(42)  # type: ignore[arg-type]
    c = create_cache("locmem://")
    with pytest.raises(TypeError, match="timeout"):
        c.set("k", 1, timeout="5")


def test_dicts_with_django_names_and_urls(tmp_path: Path) -> None:
    c = create_cache({"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "TIMEOUT": None})
    assert isinstance(c.backend, SimpleCache) and c.default_timeout is None
    c = create_cache({"LOCATION": "locmem://x", "KEY_PREFIX": "p"})
    assert c.key_prefix == "p"
    c = create_cache({"URL": f"file://{tmp_path}", "VERSION": 4})
    assert isinstance(c.backend, FileSystemCache) and c.version == 4
    c = create_cache({"BACKEND": "locmem", "KEY_FUNCTION": "manouche.cachekit.default_key_func"})
    assert c.make_key("k") == ":1:k"
    raw = SimpleCache()
    assert create_cache({"BACKEND": raw}).backend is raw
    assert create_cache(raw).backend is raw


def test_cache_handler() -> None:
    handler = CacheHandler(
        {"default": "locmem://h-default", "other": {"BACKEND": "null"}, "raw": SimpleCache()}
    )
    assert handler["default"] is handler["default"]
    assert handler.default is handler["default"]
    assert isinstance(handler["other"].backend, NullCache)
    assert "other" in handler and "missing" not in handler
    assert sorted(handler) == ["default", "other", "raw"]
    assert len(handler.all()) == 3
    with pytest.raises(InvalidCacheBackendError, match="The connection 'missing' doesn't exist."):
        handler["missing"]
    with pytest.raises(InvalidCacheBackendError, match="give a URL"):
        handler.configure({"x": 42})
    with pytest.raises(InvalidCacheBackendError, match="alias"):
        handler.configure({"": "locmem://"})
    handler.close_all()


def test_default_cache_follows_configuration() -> None:
    try:
        caches.configure({"default": f"locmem://d-{secrets.token_hex(3)}"})
        cache.set("k", 1)
        assert cache.get("k") == 1 and "k" in cache
        caches.configure({"default": f"locmem://d-{secrets.token_hex(3)}"})
        assert cache.get("k") is None
        assert "default cache" in repr(cache)
    finally:
        caches.configure(None)
    assert isinstance(caches["default"].backend, SimpleCache)


def test_changing_prefix_or_version_changes_the_keys() -> None:
    c = create_cache(f"locmem://attrs-{secrets.token_hex(3)}")
    c.set("k", "v1")
    c.version = 2
    assert c.make_key("k") == ":2:k"
    assert c.get("k") is None
    c.set("k", "v2")
    c.key_prefix = "p"
    assert c.make_key("k") == "p:2:k"
    assert c.get("k") is None
    c.key_prefix, c.version = "", 1
    assert c.get("k") == "v1"
    assert c.get("k", version=2) == "v2"

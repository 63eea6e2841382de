"""Django's own cache tests (tests/cache/tests.py, BaseCacheTests), ported where they apply.

Each runs on every backend through the ``cache`` fixture; names follow Django's.
More of them, with the dummy, file-based and default-timeout classes, are in
test_django_ported_base.py.
"""

from __future__ import annotations

import secrets
import time
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from manouche.cachekit import Cache, create_cache


def test_long_timeout(cache: Cache) -> None:
    """Timeouts past memcached's 30 days (absolute times there) still keep the value."""
    cache.set("key1", "eggs", 60 * 60 * 24 * 30 + 1)
    assert cache.get("key1") == "eggs"
    assert cache.add("key2", "ham", 60 * 60 * 24 * 30 + 1) is True
    assert cache.get("key2") == "ham"
    cache.set_many({"key3": "sausage", "key4": "lobster bisque"}, 60 * 60 * 24 * 30 + 1)
    assert cache.get("key3") == "sausage"
    assert cache.get("key4") == "lobster bisque"


def test_forever_timeout(cache: Cache) -> None:
    cache.set("key1", "eggs", None)
    assert cache.get("key1") == "eggs"
    assert cache.add("key2", "ham", None) is True
    assert cache.get("key2") == "ham"
    assert cache.add("key1", "new eggs", None) is False
    assert cache.get("key1") == "eggs"
    cache.set_many({"key3": "sausage", "key4": "lobster bisque"}, None)
    assert cache.get("key3") == "sausage"
    cache.set("key5", "belgian fries", timeout=1)
    assert cache.touch("key5", timeout=None) is True
    time.sleep(2.1)
    assert cache.get("key5") == "belgian fries"


def test_zero_timeout(cache: Cache) -> None:
    cache.set("key1", "eggs", 0)
    assert cache.get("key1") is None
    assert cache.add("key2", "ham", 0) is True
    assert cache.get("key2") is None
    cache.set_many({"key3": "sausage", "key4": "lobster bisque"}, 0)
    assert cache.get("key3") is None
    cache.set("key5", "belgian fries", timeout=5)
    assert cache.touch("key5", timeout=0) is True
    assert cache.get("key5") is None


def test_float_timeout(cache: Cache) -> None:
    cache.set("key1", "spam", 100.2)
    assert cache.get("key1") == "spam"


def test_unicode(cache: Cache) -> None:
    stuff = {
        "ascii": "ascii_value",
        "unicode_ascii": "Iñtërnâtiônàlizætiøn1",
        "Iñtërnâtiônàlizætiøn": "Iñtërnâtiônàlizætiøn2",
        "ascii2": {"x": 1},
    }
    for key, value in stuff.items():
        cache.set(key, value)
        assert cache.get(key) == value
    for key, value in stuff.items():
        cache.delete(key)
        cache.add(key, value)
        assert cache.get(key) == value
    cache.delete_many(list(stuff))
    cache.set_many(stuff)
    for key, value in stuff.items():
        assert cache.get(key) == value


def test_binary_string(cache: Cache) -> None:
    value = "value_to_be_compressed"
    compressed = zlib.compress(value.encode())
    cache.set("binary1", compressed)
    assert zlib.decompress(cache.get("binary1")).decode() == value
    cache.add("binary1-add", compressed)
    assert zlib.decompress(cache.get("binary1-add")).decode() == value
    cache.set_many({"binary1-set_many": compressed})
    assert zlib.decompress(cache.get("binary1-set_many")).decode() == value


def test_set_many_returns_empty_list_on_success(cache: Cache) -> None:
    assert cache.set_many({"key1": "spam", "key2": "eggs"}) == []


def test_set_many_expiration(cache: Cache) -> None:
    cache.set_many({"key1": "spam", "key2": "eggs"}, 1)
    time.sleep(2.1)
    assert cache.get("key1") is None
    assert cache.get("key2") is None


def test_get_or_set_callable(cache: Cache) -> None:
    def my_callable() -> str:
        return "value"

    assert cache.get_or_set("mykey", my_callable) == "value"
    assert cache.get_or_set("mykey", my_callable()) == "value"
    assert cache.get_or_set("null", lambda: None) is None
    assert cache.get("null", "default") is None


def test_get_or_set_version(cache: Cache) -> None:
    msg = "missing 1 required positional argument: 'default'"
    with pytest.raises(TypeError, match=msg):
        cache.get_or_set("brian")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match=msg):
        cache.get_or_set("brian", version=1)  # type: ignore[call-arg]
    assert cache.get("brian", version=1) is None
    assert cache.get_or_set("brian", 42, version=1) == 42
    assert cache.get_or_set("brian", 1979, version=2) == 1979
    assert cache.get("brian", version=3) is None


def test_cache_versioning_get_set(
    kind: str, url_for: Callable[[str], str], make_cache: Callable[..., Cache]
) -> None:
    """Two caches on one store, at VERSION 1 and 2, see each other's keys by version."""
    url, prefix = url_for(kind), f"v{secrets.token_hex(4)}"
    v1 = make_cache(url, key_prefix=prefix)
    v2 = make_cache(url, key_prefix=prefix, version=2)
    v1.set("answer1", 42)
    assert v1.get("answer1") == 42
    assert v1.get("answer1", version=1) == 42
    assert v1.get("answer1", version=2) is None
    assert v2.get("answer1") is None
    assert v2.get("answer1", version=1) == 42
    v2.set("answer2", 37)
    assert v1.get("answer2") is None
    assert v1.get("answer2", version=2) == 37
    assert v2.get("answer2") == 37
    v1.set("answer3", 42, version=2)
    assert v2.get("answer3") == 42
    assert v2.incr_version("answer2") == 3
    assert v2.get("answer2") is None
    assert v2.get("answer2", version=3) == 37


def test_custom_key_func(kind: str, url_for: Callable[[str], str]) -> None:
    def custom_key_func(key: object, key_prefix: str, version: object) -> str:
        return f"CUSTOM-{key_prefix}-{version}-{key}"

    url = url_for(kind)
    prefix = f"k{secrets.token_hex(4)}"
    custom = create_cache(url, key_prefix=prefix, key_func=custom_key_func)
    other = create_cache(url, key_prefix=prefix, key_func=custom_key_func)
    plain = create_cache(url, key_prefix=prefix)
    try:
        custom.set("answer1", 42)
        assert custom.get("answer1") == 42
        assert other.get("answer1") == 42
        assert plain.get("answer1") is None
        assert custom.make_key("answer1") == f"CUSTOM-{prefix}-1-answer1"
    finally:
        for c in (custom, other, plain):
            c.close()


@pytest.mark.parametrize("which", ["locmem", "file"])
def test_cull(which: str, tmp_path: Path) -> None:
    """A store with MAX_ENTRIES keeps its size near it, as Django's culling does."""
    url = f"locmem://cull-{secrets.token_hex(3)}" if which == "locmem" else f"file://{tmp_path}"
    c = create_cache(f"{url}?max_entries=30")
    for i in range(1, 100):
        c.set(f"cull{i}", "value", 1000)
    present = sum(c.has_key(f"cull{i}") for i in range(1, 100))
    assert 0 < present <= 31
    assert c.has_key("cull99")


def test_cache_write_unpicklable_object(cache: Cache) -> None:
    class Unpicklable:
        def __reduce__(self) -> tuple[()]:
            raise pickle_error

    pickle_error = RuntimeError("this object refuses to pickle")
    with pytest.raises(TypeError, match="Unpicklable value: cache values must pickle"):
        cache.set("unpicklable", Unpicklable())
    assert cache.get("unpicklable") is None

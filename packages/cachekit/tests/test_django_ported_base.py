"""More of Django's cache tests (tests/cache/tests.py of Django 5.2), ported.

``BaseCacheTests`` runs on every backend (the ``family`` fixture gives the
caches Django's settings name: ``default``, ``v2`` at VERSION 2, ``prefix``
with its own KEY_PREFIX, ``custom_key`` and ``custom_key2`` with a key
function, all on one store); ``DummyCacheTests`` on ``null://``;
``FileBasedCacheTests`` and ``DefaultNonExpiringCacheKeyTests`` where they
assert behaviour rather than Django's private attributes. Test names are
Django's. Where memcached raises instead of warning, the assertions follow
Django's ``BaseMemcachedTests``.

Left out: tests of Django's database cache, pylibmc, LRU order of the
in-process store (cachelib's ``SimpleCache`` evicts expired entries, then
the oldest written, not the least read), model instances, Django's
``request_finished`` closing, and internals (``_expire_info``,
``_key_to_file``, connection-pool indexes).
"""

from __future__ import annotations

import os
import pickle
import secrets
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from manouche.cachekit import Cache, CacheKeyWarning, InvalidCacheKey, create_cache


def f() -> int:
    return 42


class C:
    def m(n: Any) -> int:  # noqa: N805 -- Django's test class, as written there
        return 24


class Unpicklable:
    def __getstate__(self) -> Any:
        raise pickle.PickleError()


KEY_ERRORS_WITH_MEMCACHED_MSG = (
    "Cache key contains characters that will cause errors if used with memcached: %r"
)


def custom_key_func(key: Any, key_prefix: str, version: Any) -> str:
    """Django's tests/cache/tests.py custom_key_func."""
    return "CUSTOM-" + "-".join([key_prefix, str(version), str(key)])


@pytest.fixture
def family(
    kind: str, url_for: Callable[[str], str], make_cache: Callable[..., Cache]
) -> dict[str, Cache]:
    """Django's ``caches_setting_for_tests``: the test caches on one store."""
    url, prefix = url_for(kind), f"d{secrets.token_hex(5)}"
    return {
        "default": make_cache(url, key_prefix=prefix),
        "prefix": make_cache(url, key_prefix=f"cacheprefix{prefix}"),
        "v2": make_cache(url, key_prefix=prefix, version=2),
        "custom_key": make_cache(url, key_prefix=prefix, key_func=custom_key_func),
        "custom_key2": make_cache(url, key_prefix=prefix, key_func=f"{__name__}.custom_key_func"),
    }


# -- BaseCacheTests ---------------------------------------------------------


def test_simple(cache: Cache) -> None:
    cache.set("key", "value")
    assert cache.get("key") == "value"


def test_default_used_when_none_is_set(cache: Cache) -> None:
    cache.set("key_default_none", None)
    assert cache.get("key_default_none", default="default") is None


def test_add(cache: Cache) -> None:
    assert cache.add("addkey1", "value") is True
    assert cache.add("addkey1", "newvalue") is False
    assert cache.get("addkey1") == "value"


def test_prefix(family: dict[str, Cache]) -> None:
    cache, prefixed = family["default"], family["prefix"]
    cache.set("somekey", "value")
    assert prefixed.has_key("somekey") is False
    prefixed.set("somekey", "value2")
    assert cache.get("somekey") == "value"
    assert prefixed.get("somekey") == "value2"


def test_non_existent(cache: Cache) -> None:
    assert cache.get("does_not_exist") is None
    assert cache.get("does_not_exist", "bang!") == "bang!"


def test_get_many(cache: Cache) -> None:
    cache.set_many({"a": "a", "b": "b", "c": "c", "d": "d"})
    assert cache.get_many(["a", "c", "d"]) == {"a": "a", "c": "c", "d": "d"}
    assert cache.get_many(["a", "b", "e"]) == {"a": "a", "b": "b"}
    assert cache.get_many(iter(["a", "b", "e"])) == {"a": "a", "b": "b"}
    cache.set_many({"x": None, "y": 1})
    assert cache.get_many(["x", "y"]) == {"x": None, "y": 1}


def test_delete(cache: Cache) -> None:
    cache.set_many({"key1": "spam", "key2": "eggs"})
    assert cache.get("key1") == "spam"
    assert cache.delete("key1") is True
    assert cache.get("key1") is None
    assert cache.get("key2") == "eggs"


def test_delete_nonexistent(cache: Cache) -> None:
    assert cache.delete("nonexistent_key") is False


def test_has_key(cache: Cache) -> None:
    cache.set("hello1", "goodbye1")
    assert cache.has_key("hello1") is True
    assert cache.has_key("goodbye1") is False
    cache.set("no_expiry", "here", None)
    assert cache.has_key("no_expiry") is True
    cache.set("null", None)
    assert cache.has_key("null") is True


def test_in(cache: Cache) -> None:
    cache.set("hello2", "goodbye2")
    assert "hello2" in cache
    assert "goodbye2" not in cache
    cache.set("null", None)
    assert "null" in cache


def test_incr(cache: Cache) -> None:
    cache.set("answer", 41)
    assert cache.incr("answer") == 42
    assert cache.get("answer") == 42
    assert cache.incr("answer", 10) == 52
    assert cache.get("answer") == 52
    assert cache.incr("answer", -10) == 42
    with pytest.raises(ValueError):
        cache.incr("does_not_exist")
    with pytest.raises(ValueError):
        cache.incr("does_not_exist", -1)
    cache.set("null", None)
    with pytest.raises(TypeError):
        cache.incr("null")


def test_decr(cache: Cache) -> None:
    cache.set("answer", 43)
    assert cache.decr("answer") == 42
    assert cache.get("answer") == 42
    assert cache.decr("answer", 10) == 32
    assert cache.get("answer") == 32
    assert cache.decr("answer", -10) == 42
    with pytest.raises(ValueError):
        cache.decr("does_not_exist")
    with pytest.raises(ValueError):
        cache.incr("does_not_exist", -1)
    cache.set("null", None)
    with pytest.raises(TypeError):
        cache.decr("null")


def test_close(cache: Cache) -> None:
    cache.set("key", "value")
    cache.close()
    assert cache.get("key") == "value"  # used again after close(), as Django allows


def test_data_types(cache: Cache) -> None:
    tests = {
        "string": "this is a string",
        "int": 42,
        "bool": True,
        "list": [1, 2, 3, 4],
        "tuple": (1, 2, 3, 4),
        "dict": {"A": 1, "B": 2},
        "function": f,
        "class": C,
    }
    for key, value in tests.items():
        cache.set(key, value)
        assert cache.get(key) == value, key


def test_expiration(cache: Cache) -> None:
    cache.set("expire1", "very quickly", 1)
    cache.set("expire2", "very quickly", 1)
    cache.set("expire3", "very quickly", 1)
    time.sleep(2)
    assert cache.get("expire1") is None
    assert cache.add("expire2", "newvalue") is True
    assert cache.get("expire2") == "newvalue"
    assert cache.has_key("expire3") is False


def test_touch(cache: Cache) -> None:
    cache.set("expire1", "very quickly", timeout=1)
    assert cache.touch("expire1", timeout=4) is True
    time.sleep(2)
    assert cache.has_key("expire1") is True
    time.sleep(3)
    assert cache.has_key("expire1") is False
    # touch() works without the timeout argument (the cache's default, 300 s).
    cache.set("expire1", "very quickly", timeout=1)
    assert cache.touch("expire1") is True
    time.sleep(2)
    assert cache.has_key("expire1") is True
    assert cache.touch("nonexistent") is False


def test_set_many(cache: Cache) -> None:
    cache.set_many({"key1": "spam", "key2": "eggs"})
    assert cache.get("key1") == "spam"
    assert cache.get("key2") == "eggs"


def test_set_many_empty_data(cache: Cache) -> None:
    assert cache.set_many({}) == []


def test_delete_many(cache: Cache) -> None:
    cache.set_many({"key1": "spam", "key2": "eggs", "key3": "ham"})
    cache.delete_many(["key1", "key2"])
    assert cache.get("key1") is None
    assert cache.get("key2") is None
    assert cache.get("key3") == "ham"


def test_delete_many_no_keys(cache: Cache) -> None:
    assert cache.delete_many([]) is None  # type: ignore[func-returns-value]


def test_clear(cache: Cache) -> None:
    cache.set_many({"key1": "spam", "key2": "eggs"})
    cache.clear()
    assert cache.get("key1") is None
    assert cache.get("key2") is None


def _perform_invalid_key_test(
    cache: Cache,
    kind: str,
    key: str,
    expected: str,
    key_func: Callable[..., str] | None = None,
) -> None:
    """Every operation warns (memcached: raises) about a key memcached would refuse."""

    def func(key: Any, *args: Any) -> str:
        return str(key)

    old_func = cache.key_func
    cache.key_func = key_func or func
    tests: list[tuple[str, list[Any]]] = [
        ("add", [key, 1]),
        ("get", [key]),
        ("set", [key, 1]),
        ("incr", [key]),
        ("decr", [key]),
        ("touch", [key]),
        ("delete", [key]),
        ("get_many", [[key, "b"]]),
        ("set_many", [{key: 1, "b": 2}]),
        ("delete_many", [[key, "b"]]),
    ]
    try:
        for operation, args in tests:
            if kind == "memcached":  # Django's BaseMemcachedTests
                with pytest.raises(InvalidCacheKey) as raised:
                    getattr(cache, operation)(*args)
                assert str(raised.value) == expected, operation
                continue
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                getattr(cache, operation)(*args)
            messages = [str(w.message) for w in caught if w.category is CacheKeyWarning]
            assert messages, f"{operation} did not warn"
            assert messages[0] == expected, operation
    finally:
        cache.key_func = old_func


def test_invalid_key_characters(cache: Cache, kind: str) -> None:
    key = "key with spaces and 清"
    _perform_invalid_key_test(cache, kind, key, KEY_ERRORS_WITH_MEMCACHED_MSG % key)


def test_invalid_key_length(cache: Cache, kind: str) -> None:
    key = ("a" * 250) + "清"
    expected = f"Cache key will cause errors if used with memcached: {key!r} (longer than 250)"
    _perform_invalid_key_test(cache, kind, key, expected)


def test_invalid_with_version_key_length(cache: Cache, kind: str) -> None:
    def key_func(key: Any, *args: Any) -> str:
        return str(key) + ":1"

    key = "a" * 249
    expected = (
        f"Cache key will cause errors if used with memcached: {key_func(key)!r} (longer than 250)"
    )
    _perform_invalid_key_test(cache, kind, key, expected, key_func=key_func)


def test_cache_versioning_add(family: dict[str, Cache]) -> None:
    cache, v2 = family["default"], family["v2"]
    assert cache.add("answer1", 42, version=2) is True
    assert cache.get("answer1", version=1) is None
    assert cache.get("answer1", version=2) == 42
    assert cache.add("answer1", 37, version=2) is False
    assert cache.get("answer1", version=1) is None
    assert cache.get("answer1", version=2) == 42
    assert cache.add("answer1", 37, version=1) is True
    assert cache.get("answer1", version=1) == 37
    assert cache.get("answer1", version=2) == 42

    assert v2.add("answer2", 42) is True
    assert cache.get("answer2", version=1) is None
    assert cache.get("answer2", version=2) == 42
    assert v2.add("answer2", 37) is False
    assert cache.get("answer2", version=1) is None
    assert cache.get("answer2", version=2) == 42
    assert v2.add("answer2", 37, version=1) is True
    assert cache.get("answer2", version=1) == 37
    assert cache.get("answer2", version=2) == 42

    assert v2.add("answer3", 42, version=1) is True
    assert cache.get("answer3", version=1) == 42
    assert cache.get("answer3", version=2) is None
    assert v2.add("answer3", 37, version=1) is False
    assert cache.get("answer3", version=1) == 42
    assert cache.get("answer3", version=2) is None
    assert v2.add("answer3", 37) is True
    assert cache.get("answer3", version=1) == 42
    assert cache.get("answer3", version=2) == 37


def test_cache_versioning_has_key(family: dict[str, Cache]) -> None:
    cache, v2 = family["default"], family["v2"]
    cache.set("answer1", 42)
    assert cache.has_key("answer1") is True
    assert cache.has_key("answer1", version=1) is True
    assert cache.has_key("answer1", version=2) is False
    assert v2.has_key("answer1") is False
    assert v2.has_key("answer1", version=1) is True
    assert v2.has_key("answer1", version=2) is False


def test_cache_versioning_delete(family: dict[str, Cache]) -> None:
    cache, v2 = family["default"], family["v2"]
    cache.set("answer1", 37, version=1)
    cache.set("answer1", 42, version=2)
    assert cache.delete("answer1") is True
    assert cache.get("answer1", version=1) is None
    assert cache.get("answer1", version=2) == 42

    cache.set("answer2", 37, version=1)
    cache.set("answer2", 42, version=2)
    assert cache.delete("answer2", version=2) is True
    assert cache.get("answer2", version=1) == 37
    assert cache.get("answer2", version=2) is None

    cache.set("answer3", 37, version=1)
    cache.set("answer3", 42, version=2)
    assert v2.delete("answer3") is True
    assert cache.get("answer3", version=1) == 37
    assert cache.get("answer3", version=2) is None

    cache.set("answer4", 37, version=1)
    cache.set("answer4", 42, version=2)
    assert v2.delete("answer4", version=1) is True
    assert cache.get("answer4", version=1) is None
    assert cache.get("answer4", version=2) == 42


def test_cache_versioning_incr_decr(family: dict[str, Cache]) -> None:
    cache, v2 = family["default"], family["v2"]
    cache.set("answer1", 37, version=1)
    cache.set("answer1", 42, version=2)
    assert cache.incr("answer1") == 38
    assert cache.get("answer1", version=1) == 38
    assert cache.get("answer1", version=2) == 42
    assert cache.decr("answer1") == 37
    assert cache.get("answer1", version=1) == 37
    assert cache.get("answer1", version=2) == 42

    cache.set("answer2", 37, version=1)
    cache.set("answer2", 42, version=2)
    assert cache.incr("answer2", version=2) == 43
    assert cache.get("answer2", version=1) == 37
    assert cache.get("answer2", version=2) == 43
    assert cache.decr("answer2", version=2) == 42
    assert cache.get("answer2", version=1) == 37
    assert cache.get("answer2", version=2) == 42

    cache.set("answer3", 37, version=1)
    cache.set("answer3", 42, version=2)
    assert v2.incr("answer3") == 43
    assert cache.get("answer3", version=1) == 37
    assert cache.get("answer3", version=2) == 43
    assert v2.decr("answer3") == 42
    assert cache.get("answer3", version=1) == 37
    assert cache.get("answer3", version=2) == 42

    cache.set("answer4", 37, version=1)
    cache.set("answer4", 42, version=2)
    assert v2.incr("answer4", version=1) == 38
    assert cache.get("answer4", version=1) == 38
    assert cache.get("answer4", version=2) == 42
    assert v2.decr("answer4", version=1) == 37
    assert cache.get("answer4", version=1) == 37
    assert cache.get("answer4", version=2) == 42


def test_cache_versioning_get_set_many(family: dict[str, Cache]) -> None:
    cache, v2 = family["default"], family["v2"]
    cache.set_many({"ford1": 37, "arthur1": 42})
    both = {"ford1": 37, "arthur1": 42}
    assert cache.get_many(["ford1", "arthur1"]) == both
    assert cache.get_many(["ford1", "arthur1"], version=1) == both
    assert cache.get_many(["ford1", "arthur1"], version=2) == {}
    assert v2.get_many(["ford1", "arthur1"]) == {}
    assert v2.get_many(["ford1", "arthur1"], version=1) == both
    assert v2.get_many(["ford1", "arthur1"], version=2) == {}

    cache.set_many({"ford2": 37, "arthur2": 42}, version=2)
    both = {"ford2": 37, "arthur2": 42}
    assert cache.get_many(["ford2", "arthur2"]) == {}
    assert cache.get_many(["ford2", "arthur2"], version=1) == {}
    assert cache.get_many(["ford2", "arthur2"], version=2) == both
    assert v2.get_many(["ford2", "arthur2"]) == both
    assert v2.get_many(["ford2", "arthur2"], version=1) == {}
    assert v2.get_many(["ford2", "arthur2"], version=2) == both

    v2.set_many({"ford3": 37, "arthur3": 42})
    both = {"ford3": 37, "arthur3": 42}
    assert cache.get_many(["ford3", "arthur3"]) == {}
    assert cache.get_many(["ford3", "arthur3"], version=1) == {}
    assert cache.get_many(["ford3", "arthur3"], version=2) == both
    assert v2.get_many(["ford3", "arthur3"]) == both
    assert v2.get_many(["ford3", "arthur3"], version=1) == {}
    assert v2.get_many(["ford3", "arthur3"], version=2) == both

    v2.set_many({"ford4": 37, "arthur4": 42}, version=1)
    both = {"ford4": 37, "arthur4": 42}
    assert cache.get_many(["ford4", "arthur4"]) == both
    assert cache.get_many(["ford4", "arthur4"], version=1) == both
    assert cache.get_many(["ford4", "arthur4"], version=2) == {}
    assert v2.get_many(["ford4", "arthur4"]) == {}
    assert v2.get_many(["ford4", "arthur4"], version=1) == both
    assert v2.get_many(["ford4", "arthur4"], version=2) == {}


def test_incr_version(family: dict[str, Cache]) -> None:
    cache, v2 = family["default"], family["v2"]
    cache.set("answer", 42, version=2)
    assert cache.get("answer") is None
    assert cache.get("answer", version=1) is None
    assert cache.get("answer", version=2) == 42
    assert cache.get("answer", version=3) is None
    assert cache.incr_version("answer", version=2) == 3
    assert cache.get("answer") is None
    assert cache.get("answer", version=1) is None
    assert cache.get("answer", version=2) is None
    assert cache.get("answer", version=3) == 42

    v2.set("answer2", 42)
    assert v2.get("answer2") == 42
    assert v2.get("answer2", version=1) is None
    assert v2.get("answer2", version=2) == 42
    assert v2.get("answer2", version=3) is None
    assert v2.incr_version("answer2") == 3
    assert v2.get("answer2") is None
    assert v2.get("answer2", version=1) is None
    assert v2.get("answer2", version=2) is None
    assert v2.get("answer2", version=3) == 42

    with pytest.raises(ValueError):
        cache.incr_version("does_not_exist")
    cache.set("null", None)
    assert cache.incr_version("null") == 2


def test_decr_version(family: dict[str, Cache]) -> None:
    cache, v2 = family["default"], family["v2"]
    cache.set("answer", 42, version=2)
    assert cache.get("answer") is None
    assert cache.get("answer", version=1) is None
    assert cache.get("answer", version=2) == 42
    assert cache.decr_version("answer", version=2) == 1
    assert cache.get("answer") == 42
    assert cache.get("answer", version=1) == 42
    assert cache.get("answer", version=2) is None

    v2.set("answer2", 42)
    assert v2.get("answer2") == 42
    assert v2.get("answer2", version=1) is None
    assert v2.get("answer2", version=2) == 42
    assert v2.decr_version("answer2") == 1
    assert v2.get("answer2") is None
    assert v2.get("answer2", version=1) == 42
    assert v2.get("answer2", version=2) is None

    with pytest.raises(ValueError):
        cache.decr_version("does_not_exist", version=2)
    cache.set("null", None, version=2)
    assert cache.decr_version("null", version=2) == 1


def test_custom_key_func_family(family: dict[str, Cache]) -> None:
    """Django's test_custom_key_func: a key function by object and by dotted path."""
    cache, custom, custom2 = family["default"], family["custom_key"], family["custom_key2"]
    cache.set("answer1", 42)
    assert cache.get("answer1") == 42
    assert custom.get("answer1") is None
    assert custom2.get("answer1") is None
    custom.set("answer2", 42)
    assert cache.get("answer2") is None
    assert custom.get("answer2") == 42
    assert custom2.get("answer2") == 42


def test_add_fail_on_pickleerror(cache: Cache) -> None:
    with pytest.raises(pickle.PickleError):
        cache.add("unpicklable", Unpicklable())


def test_set_fail_on_pickleerror(cache: Cache) -> None:
    with pytest.raises(pickle.PickleError):
        cache.set("unpicklable", Unpicklable())


def test_get_or_set(cache: Cache) -> None:
    assert cache.get("projector") is None
    assert cache.get_or_set("projector", 42) == 42
    assert cache.get("projector") == 42
    assert cache.get_or_set("null", None) is None
    assert cache.get("null", "default") is None


def test_get_or_set_racing(cache: Cache, monkeypatch: pytest.MonkeyPatch) -> None:
    # add() failing to store (another caller won, then the value went): the default.
    monkeypatch.setattr(cache, "add", lambda *args, **kwargs: False)
    assert cache.get_or_set("key", "default") == "default"


# -- DummyCacheTests (null://) ----------------------------------------------


@pytest.fixture
def dummy() -> Cache:
    return create_cache("null://")


def test_dummy_simple(dummy: Cache) -> None:
    dummy.set("key", "value")
    assert dummy.get("key") is None


def test_dummy_add(dummy: Cache) -> None:
    assert dummy.add("addkey1", "value") is True
    assert dummy.add("addkey1", "newvalue") is True
    assert dummy.get("addkey1") is None


def test_dummy_non_existent(dummy: Cache) -> None:
    assert dummy.get("does_not_exist") is None
    assert dummy.get("does_not_exist", "bang!") == "bang!"


def test_dummy_get_many(dummy: Cache) -> None:
    dummy.set_many({"a": "a", "b": "b", "c": "c", "d": "d"})
    assert dummy.get_many(["a", "c", "d"]) == {}
    assert dummy.get_many(["a", "b", "e"]) == {}


def test_dummy_get_many_invalid_key(dummy: Cache) -> None:
    msg = KEY_ERRORS_WITH_MEMCACHED_MSG % ":1:key with spaces"
    with pytest.warns(CacheKeyWarning) as caught:
        dummy.get_many(["key with spaces"])
    assert str(caught[0].message) == msg


def test_dummy_delete(dummy: Cache) -> None:
    dummy.set_many({"key1": "spam", "key2": "eggs"})
    assert dummy.get("key1") is None
    assert dummy.delete("key1") is False
    assert dummy.get("key1") is None
    assert dummy.get("key2") is None


def test_dummy_has_key_and_in(dummy: Cache) -> None:
    dummy.set("hello1", "goodbye1")
    assert dummy.has_key("hello1") is False
    assert dummy.has_key("goodbye1") is False
    assert "hello1" not in dummy


def test_dummy_incr_decr(dummy: Cache) -> None:
    dummy.set("answer", 42)
    for op in (dummy.incr, dummy.decr):
        with pytest.raises(ValueError):
            op("answer")
        with pytest.raises(ValueError):
            op("does_not_exist")
        with pytest.raises(ValueError):
            op("does_not_exist", -1)


def test_dummy_touch(dummy: Cache) -> None:
    assert dummy.touch("whatever") is False


def test_dummy_data_types(dummy: Cache) -> None:
    for key, value in {"string": "s", "int": 42, "function": f, "class": C}.items():
        dummy.set(key, value)
        assert dummy.get(key) is None


def test_dummy_unicode(dummy: Cache) -> None:
    stuff = {
        "ascii": "ascii_value",
        "unicode_ascii": "Iñtërnâtiônàlizætiøn1",
        "Iñtërnâtiônàlizætiøn": "Iñtërnâtiônàlizætiøn2",
        "ascii2": {"x": 1},
    }
    for key, value in stuff.items():
        dummy.set(key, value)
        assert dummy.get(key) is None


def test_dummy_set_many(dummy: Cache) -> None:
    assert dummy.set_many({"a": 1, "b": 2}) == []
    assert dummy.set_many({"a": 1, "b": 2}, timeout=2, version="1") == []


def test_dummy_set_many_invalid_key(dummy: Cache) -> None:
    msg = KEY_ERRORS_WITH_MEMCACHED_MSG % ":1:key with spaces"
    with pytest.warns(CacheKeyWarning) as caught:
        dummy.set_many({"key with spaces": "foo"})
    assert str(caught[0].message) == msg


def test_dummy_delete_many_and_clear(dummy: Cache) -> None:
    dummy.delete_many(["a", "b"])
    dummy.clear()


def test_dummy_incr_decr_version(dummy: Cache) -> None:
    dummy.set("answer", 42)
    with pytest.raises(ValueError):
        dummy.incr_version("answer")
    with pytest.raises(ValueError):
        dummy.incr_version("does_not_exist")
    with pytest.raises(ValueError):
        dummy.decr_version("answer")
    with pytest.raises(ValueError):
        dummy.decr_version("does_not_exist")


def test_dummy_get_or_set(dummy: Cache) -> None:
    assert dummy.get_or_set("mykey", "default") == "default"
    assert dummy.get_or_set("mykey", None) is None
    assert dummy.get_or_set("mykey", lambda: "value") == "value"


# -- FileBasedCacheTests ----------------------------------------------------


def test_file_ignores_non_cache_files(tmp_path: Path) -> None:
    cache = create_cache(f"file://{tmp_path}")
    fname = tmp_path / "not-a-cache-file"
    fname.write_text("")
    cache.clear()
    assert fname.exists(), "Expected cache.clear to ignore non cache files"


def test_file_clear_does_not_remove_cache_dir(tmp_path: Path) -> None:
    cache = create_cache(f"file://{tmp_path / 'c'}")
    cache.set("k", 1)
    cache.clear()
    assert (tmp_path / "c").is_dir(), "Expected cache.clear to keep the cache dir"


def test_file_creates_cache_dir_if_nonexistent(tmp_path: Path) -> None:
    where = tmp_path / "c"
    cache = create_cache(f"file://{where}")
    for name in os.listdir(where):
        os.unlink(where / name)
    os.rmdir(where)
    cache.set("foo", "bar")
    assert where.exists()
    assert cache.get("foo") == "bar"


def test_file_get_ignores_enoent(tmp_path: Path) -> None:
    cache = create_cache(f"file://{tmp_path}")
    cache.set("foo", "bar")
    for name in os.listdir(tmp_path):
        if not name.startswith("manouche-cachekit-lock"):
            os.unlink(tmp_path / name)
    assert cache.get("foo", "baz") == "baz"


# -- DefaultNonExpiringCacheKeyTests ----------------------------------------


def test_default_expiration_time_for_keys_is_5_minutes() -> None:
    cache = create_cache("locmem://unique-snowflake")
    assert cache.default_timeout == 300
    assert cache.get_backend_timeout() == 300


def test_caches_set_with_timeout_as_none_has_correct_default_timeout() -> None:
    cache = create_cache({"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                          "LOCATION": "unique-snowflake", "TIMEOUT": None})  # fmt: skip
    assert cache.default_timeout is None
    assert cache.get_backend_timeout() is None


def test_caches_set_with_timeout_as_none_set_non_expiring_key(
    kind: str, url_for: Callable[[str], str], make_cache: Callable[..., Cache]
) -> None:
    cache = make_cache(url_for(kind), timeout=None, key_prefix=f"n{secrets.token_hex(4)}")
    cache.set("another-key", "another-value")
    assert cache.touch("another-key") is True
    assert cache.get("another-key") == "another-value"

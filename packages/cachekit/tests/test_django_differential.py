"""Django's cache and ours, fed the same operations, give the same results.

Random sequences of the low-level API (timeouts, versions, add, incr/decr,
touch, get_or_set, the *_many calls, bad keys) run against Django's backend
and ours on the same kind of store: LocMemCache vs locmem, RedisCache vs
redis, PyMemcacheCache vs memcached. Results, exceptions (their types on
locmem) and key warnings must match.
"""

from __future__ import annotations

import random
import secrets
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from manouche.cachekit import DEFAULT_TIMEOUT, Cache, create_cache

KEYS = ["a", "b", "c", "n", "bad key", "x" * 251]
VALUES: list[Any] = [0, 1, 7, -3, 2.5, "s", "", None, [1, 2], {"k": "v"}, True, b"raw"]
TIMEOUTS: list[Any] = ["default", None, 0, -1, 60, 3600]
VERSIONS: list[Any] = [None, None, None, 1, 2]


def _django_cache(kind: str, url: str, prefix: str) -> Any:
    params = {"KEY_PREFIX": prefix, "TIMEOUT": 300}
    if kind == "locmem":
        from django.core.cache.backends.locmem import LocMemCache

        return LocMemCache(f"diff-{secrets.token_hex(4)}", params)
    if kind == "redis":
        from django.core.cache.backends.redis import RedisCache

        return RedisCache(url, params)
    if kind == "memcached":
        pytest.importorskip("pymemcache")
        from django.core.cache.backends.memcached import PyMemcacheCache

        return PyMemcacheCache(url.removeprefix("memcached://"), params)
    raise AssertionError(kind)


def _random_op(rng: random.Random) -> tuple[str, tuple[Any, ...], dict[str, Any]]:
    key = rng.choice(KEYS)
    version = rng.choice(VERSIONS)
    kw: dict[str, Any] = {} if version is None else {"version": version}
    timeout = rng.choice(TIMEOUTS)
    if timeout != "default":
        kw_t = dict(kw, timeout=timeout)
    else:
        kw_t = dict(kw)
    op = rng.choice(
        ["get", "get", "set", "set", "add", "delete", "get_many", "set_many", "delete_many",
         "incr", "decr", "touch", "has_key", "get_or_set", "incr_version", "decr_version"]
    )  # fmt: skip
    if op == "get":
        return op, (key, rng.choice(["dflt", None])), kw
    if op in ("set", "add"):
        return op, (key, rng.choice(VALUES)), kw_t
    if op in ("delete", "has_key"):
        return op, (key,), kw
    if op == "get_many":
        return op, (rng.sample(KEYS[:4], rng.randint(0, 4)),), kw
    if op == "set_many":
        keys = rng.sample(KEYS[:4], rng.randint(1, 3))
        return op, ({k: rng.choice(VALUES) for k in keys},), kw_t
    if op == "delete_many":
        return op, (rng.sample(KEYS[:4], rng.randint(0, 3)),), kw
    if op in ("incr", "decr"):
        return op, (key, rng.choice([1, 2, 5])), kw
    if op == "touch":
        return op, (key,), kw_t
    if op == "get_or_set":
        return op, (key, rng.choice(VALUES)), kw_t
    return op, (key,), kw  # incr_version / decr_version


def _run(cache: Any, op: str, args: tuple[Any, ...], kw: dict[str, Any], prefix: str) -> Any:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result: Any = ("ok", getattr(cache, op)(*args, **kw))
        except Exception as exc:  # compared, not swallowed
            result = ("raised", type(exc).__name__)
    if op == "get_many" and result[0] == "ok":
        result = ("ok", sorted(result[1].items(), key=repr))
    notes = [(w.category.__name__, str(w.message).replace(prefix, "P")) for w in caught]
    return result, notes


def _normalize(kind: str, result: Any) -> Any:
    (status, value), notes = result
    if status == "raised" and kind != "locmem":
        # Django's Redis and memcached backends raise their clients' errors
        # for incr on a value that is not a number; we raise TypeError.
        value = "an error"
    return (status, value), notes


@pytest.mark.parametrize("kind", ["locmem", "redis", "memcached"])
@pytest.mark.parametrize("seed", range(4))
def test_random_operations_match_django(
    django_settings: Any, kind: str, seed: int, url_for: Callable[[str], str]
) -> None:
    url = url_for(kind)
    ours_prefix, theirs_prefix = f"m{secrets.token_hex(4)}", f"d{secrets.token_hex(4)}"
    ours = create_cache(url, key_prefix=ours_prefix)
    theirs = _django_cache(kind, url, theirs_prefix)
    rng = random.Random(seed)
    try:
        for step in range(250):
            op, args, kw = _random_op(rng)
            if kind == "locmem" and op == "delete":
                # Django's LocMemCache.delete() says True for a key that has
                # expired but was not culled yet; has_key() culls it first, so
                # Django's answer becomes "was it there", which is ours (and
                # that of Django's Redis and memcached backends).
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    theirs.has_key(*args, **kw)
            got = _normalize(kind, _run(ours, op, args, kw, ours_prefix))
            want = _normalize(kind, _run(theirs, op, args, kw, theirs_prefix))
            assert got == want, (step, op, args, kw)
        for key in KEYS[:4]:
            assert _run(ours, "get", (key, "M"), {}, ours_prefix) == _run(
                theirs, "get", (key, "M"), {}, theirs_prefix
            )
    finally:
        ours.close()
        theirs.close()
        for pool in getattr(getattr(theirs, "_cache", None), "_pools", {}).values():
            pool.disconnect()  # Django's RedisCache.close() leaves its pools open


@pytest.mark.parametrize(
    ("timeout", "stored"),
    [(DEFAULT_TIMEOUT, True), (None, True), (0, False), (-5, False), (0.5, True), (1, True)],
)
def test_timeouts_mean_what_they_mean_in_django(
    django_settings: Any, timeout: Any, stored: bool
) -> None:
    from django.core.cache.backends.base import DEFAULT_TIMEOUT as DJANGO_DEFAULT
    from django.core.cache.backends.locmem import LocMemCache

    theirs = LocMemCache(f"t-{secrets.token_hex(4)}", {})
    ours: Cache = create_cache(f"locmem://t-{secrets.token_hex(4)}")
    django_timeout = DJANGO_DEFAULT if timeout is DEFAULT_TIMEOUT else timeout
    theirs.set("k", 1, django_timeout)
    ours.set("k", 1, timeout)
    assert theirs.has_key("k") is stored
    assert ours.has_key("k") is stored
    assert ours.add("new", 1, timeout) == theirs.add("new", 1, django_timeout)
    assert ours.touch("k", timeout) == theirs.touch("k", django_timeout)
    assert ours.has_key("k") == theirs.has_key("k")


def test_key_function_prefix_and_version_make_djangos_keys(django_settings: Any) -> None:
    from django.core.cache.backends.locmem import LocMemCache

    def key_func(key: Any, prefix: str, version: Any) -> str:
        return f"{prefix}|{key}|v{version}"

    for params, kwargs in [
        ({}, {}),
        ({"KEY_PREFIX": "site", "VERSION": 3}, {"key_prefix": "site", "version": 3}),
        ({"KEY_FUNCTION": key_func, "KEY_PREFIX": "p"}, {"key_func": key_func, "key_prefix": "p"}),
    ]:
        theirs = LocMemCache("k", params)
        ours = create_cache("locmem://", **kwargs)
        for key, version in [("a", None), ("b c", 2), (7, None)]:
            assert ours.make_key(key, version) == theirs.make_key(key, version)


def test_django_caches_setting_configures_the_same_caches(tmp_path: Path) -> None:
    ours = create_cache(
        {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path),
            "TIMEOUT": 60,
            "KEY_PREFIX": "site",
            "VERSION": 2,
            "OPTIONS": {"MAX_ENTRIES": 1000},
        }
    )
    assert (ours.default_timeout, ours.key_prefix, ours.version) == (60, "site", 2)
    ours.set("k", "v")
    assert ours.get("k") == "v"

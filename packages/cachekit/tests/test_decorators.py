"""memoize: per-argument keys, None results, deletion, stampede-safe refresh."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

import pytest

from manouche.cachekit import Cache, create_cache, memoize


@pytest.fixture
def store(kind: str, url_for: Callable[[str], str], make_cache: Callable[..., Cache]) -> Cache:
    return make_cache(url_for(kind), key_prefix=f"memo{secrets.token_hex(4)}")


def test_memoize_keys_on_arguments(store: Cache) -> None:
    calls: list[Any] = []

    @memoize(60, cache=store)
    def area(width: int, height: int = 1, *, unit: str = "m") -> str:
        calls.append((width, height, unit))
        return f"{width * height}{unit}2"

    assert area(2, 3) == "6m2"
    assert area(2, height=3) == "6m2"
    assert area(width=2, height=3, unit="m") == "6m2"
    assert len(calls) == 1
    assert area(2) == "2m2"
    assert area(2, 3, unit="cm") == "6cm2"
    assert len(calls) == 3
    assert area.cache_key(2, 3) == area.cache_key(2, height=3)
    assert area.cache_key(2, 3) != area.cache_key(3, 2)
    assert area.__name__ == "area"
    assert area.delete(2, 3) is True
    area(2, 3)
    assert len(calls) == 4


def test_memoize_caches_none_and_unpicklable_arguments(store: Cache) -> None:
    calls = []

    @memoize(cache=store)
    def lookup(thing: Any) -> None:
        calls.append(thing)
        return None

    assert lookup("x") is None
    assert lookup("x") is None
    assert calls == ["x"]
    lookup(lambda: 1)  # keyed by repr when the argument does not pickle
    assert len(calls) == 2


def test_memoize_with_stampede_protection(store: Cache) -> None:
    calls = []

    @memoize(60, cache=store, stampede=True)
    def slow(n: int) -> int:
        calls.append(n)
        return n * 2

    assert slow(4) == 8
    assert slow(4) == 8
    assert calls == [4]


def test_memoize_default_cache_alias() -> None:
    from manouche.cachekit import caches

    caches.configure({"default": f"locmem://memo-{secrets.token_hex(3)}"})
    try:
        hits = []

        @memoize()
        def f(x: int) -> int:
            hits.append(x)
            return x

        f(1)
        f(1)
        assert hits == [1]
    finally:
        caches.configure(None)


def test_get_or_refresh_without_a_timeout_never_goes_stale() -> None:
    c = create_cache("locmem://refresh-forever")
    assert c.get_or_refresh("k", lambda: 1, None) == 1
    assert c.get_or_refresh("k", lambda: 2, None) == 1
    assert c.get_or_refresh("z", lambda: 3, 0) == 3  # timeout 0: computed, never stored
    assert c.get_or_refresh("z", lambda: 4, 0) == 4

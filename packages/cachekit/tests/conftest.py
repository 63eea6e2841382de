"""Fixtures: one cache per backend (the conformance suite runs on each), Django as reference."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from manouche.cachekit import Cache, create_cache
from manouche.testkit.services import require_service
from manouche.testsupport import configure_django

BACKENDS = ["locmem", "file", "redis", "memcached"]


def backend_url(kind: str, tmp_path: Path) -> str:
    """The URL of a fresh cache of ``kind`` (servers through testkit's services)."""
    if kind == "locmem":
        return f"locmem://test-{secrets.token_hex(4)}"
    if kind == "file":
        return f"file://{tmp_path / 'cache'}"
    if kind == "redis":
        return require_service("redis")
    if kind == "memcached":
        return require_service("memcached")
    raise AssertionError(kind)


@pytest.fixture
def url_for(tmp_path: Path) -> Callable[[str], str]:
    """``url_for(kind)``: the URL of a fresh cache of that kind."""
    return lambda kind: backend_url(kind, tmp_path)


@pytest.fixture
def make_cache() -> Iterator[Callable[..., Cache]]:
    """``make_cache(url, **overrides)``: a cache closed at the end of the test."""
    made: list[Cache] = []

    def make(url: str, **overrides: Any) -> Cache:
        made.append(create_cache(url, **overrides))
        return made[-1]

    yield make
    for c in made:
        c.close()


@pytest.fixture(params=BACKENDS)
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def cache(kind: str, tmp_path: Path) -> Iterator[Cache]:
    """A cache of each backend; keys get a prefix of their own (servers are shared)."""
    c = create_cache(backend_url(kind, tmp_path), key_prefix=f"t{secrets.token_hex(6)}")
    yield c
    c.close()


@pytest.fixture(scope="session")
def django_settings() -> Any:
    """Django configured minimally (the behavioural reference of differential tests)."""
    pytest.importorskip("django")
    return configure_django(
        USE_TZ=False,
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
        CACHE_MIDDLEWARE_SECONDS=600,
        CACHE_MIDDLEWARE_KEY_PREFIX="",
    )

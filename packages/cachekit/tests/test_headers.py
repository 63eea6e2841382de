"""Caching headers and cache keys: the same values as Django's ``django.utils.cache``."""

from __future__ import annotations

import time
from typing import Any

import pytest
import webob

from manouche.cachekit import (
    add_never_cache_headers,
    create_cache,
    get_cache_key,
    get_max_age,
    has_vary_header,
    learn_cache_key,
    patch_cache_control,
    patch_response_headers,
    patch_vary_headers,
)

INITIAL = [
    None,
    "",
    "max-age=100",
    "private",
    "public, max-age=50",
    "no-cache",
    'no-cache="Set-Cookie"',
    "no-store, must-revalidate",
    "Max-Age=7, s-maxage=3",
    "max-age=abc",
]
KWARGS: list[dict[str, Any]] = [
    {},
    {"max_age": 30},
    {"max_age": 300},
    {"public": True},
    {"private": True},
    {"no_cache": True},
    {"no_cache": "Set-Cookie"},
    {"no_store": True, "must_revalidate": True},
    {"s_maxage": 60, "stale_while_revalidate": 10},
    {"private": True, "max_age": 0},
    {"immutable": True, "public": True, "max_age": 31536000},
]


def _pair(django_settings: Any, header: str | None, name: str = "Cache-Control") -> Any:
    from django.http import HttpResponse

    theirs = HttpResponse("x")
    ours = webob.Response("x")
    if header is not None:
        theirs.headers[name] = header
        ours.headers[name] = header
    return theirs, ours


@pytest.mark.parametrize("initial", INITIAL)
@pytest.mark.parametrize("kwargs", KWARGS, ids=repr)
def test_patch_cache_control_and_get_max_age_as_django(
    django_settings: Any, initial: str | None, kwargs: dict[str, Any]
) -> None:
    from django.utils import cache as dj

    theirs, ours = _pair(django_settings, initial)
    try:
        dj.patch_cache_control(theirs, **kwargs)
    except ValueError as exc:  # Django fails on a max-age that is not a number
        with pytest.raises(type(exc)):
            patch_cache_control(ours, **kwargs)
        return
    patch_cache_control(ours, **kwargs)
    got, want = ours.headers["Cache-Control"], theirs.headers["Cache-Control"]
    if got.count("no-cache") > 1:  # Django keeps no-cache field names in a set: any order
        got, want = sorted(got.split(", ")), sorted(want.split(", "))
    assert got == want
    assert get_max_age(ours) == dj.get_max_age(theirs)


@pytest.mark.parametrize("initial", INITIAL[:6])
@pytest.mark.parametrize("timeout", [-5, 0, 60, 3600])
def test_patch_response_headers_and_never_cache_as_django(
    django_settings: Any, monkeypatch: pytest.MonkeyPatch, initial: str | None, timeout: int
) -> None:
    from django.utils import cache as dj

    monkeypatch.setattr(time, "time", lambda: 1_800_000_000.25)
    theirs, ours = _pair(django_settings, initial)
    dj.patch_response_headers(theirs, timeout)
    patch_response_headers(ours, timeout)
    assert ours.headers["Cache-Control"] == theirs.headers["Cache-Control"]
    assert ours.headers["Expires"] == theirs.headers["Expires"]
    theirs, ours = _pair(django_settings, initial)
    dj.add_never_cache_headers(theirs)
    add_never_cache_headers(ours)
    assert ours.headers["Cache-Control"] == theirs.headers["Cache-Control"]
    assert ours.headers["Expires"] == theirs.headers["Expires"]


@pytest.mark.parametrize("initial", [None, "Cookie", "Accept-Encoding, cookie", "*"])
@pytest.mark.parametrize(
    "new", [(), ("Cookie",), ("Accept-Language", "COOKIE"), ("*",), ("Authorization", "x-y")]
)
def test_patch_vary_headers_as_django(
    django_settings: Any, initial: str | None, new: tuple[str, ...]
) -> None:
    from django.utils import cache as dj

    theirs, ours = _pair(django_settings, initial, "Vary")
    dj.patch_vary_headers(theirs, new)
    patch_vary_headers(ours, new)
    assert ours.headers["Vary"] == theirs.headers["Vary"]
    for query in ("cookie", "Accept-Language", "*", "Authorization", "nope"):
        assert has_vary_header(ours, query) == dj.has_vary_header(theirs, query)


@pytest.mark.parametrize("vary", [None, "Cookie", "Accept-Encoding, Cookie", "X-Custom-Thing"])
@pytest.mark.parametrize("method", ["GET", "HEAD"])
@pytest.mark.parametrize("path", ["/", "/a/b/?q=1&r=%C3%A9", "/caf%C3%A9"])
def test_cache_keys_are_djangos(
    django_settings: Any, vary: str | None, method: str, path: str
) -> None:
    from django.core.cache.backends.locmem import LocMemCache
    from django.test import RequestFactory
    from django.utils import cache as dj

    headers = {"Cookie": "a=1", "Accept-Encoding": "gzip"}
    theirs_req = RequestFactory().generic(
        method, path, HTTP_COOKIE="a=1", HTTP_ACCEPT_ENCODING="gzip"
    )
    ours_req = webob.Request.blank(
        path, base_url="http://testserver", method=method, headers=headers
    )
    theirs_resp, ours_resp = _pair(django_settings, vary, "Vary")
    theirs_cache = LocMemCache("keys", {})
    ours_cache = create_cache("locmem://keys")
    for prefix in ("", "site"):
        want = dj.learn_cache_key(theirs_req, theirs_resp, 60, prefix, cache=theirs_cache)
        got = learn_cache_key(ours_req, ours_resp, 60, prefix, cache=ours_cache)
        assert got == want
        assert get_cache_key(ours_req, prefix, method, ours_cache) == dj.get_cache_key(
            theirs_req, prefix, method, theirs_cache
        )


def test_get_cache_key_is_none_before_learning() -> None:
    request = webob.Request.blank("/never-seen")
    assert get_cache_key(request, cache=create_cache("locmem://fresh-keys")) is None

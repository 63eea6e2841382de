"""Per-site and per-view caching: what is stored, what is served, as Django's middleware."""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Callable
from typing import Any

import pytest
import webob

from manouche.cachekit import (
    Cache,
    CacheMiddleware,
    FetchFromCacheMiddleware,
    UpdateCacheMiddleware,
    cache_control,
    cache_page,
    caches,
    create_cache,
    never_cache,
    vary_on_cookie,
    vary_on_headers,
)


class CountingView:
    """A view counting its calls; ``setup(response)`` shapes each response."""

    def __init__(self, setup: Callable[[webob.Response], None] | None = None) -> None:
        self.calls = 0
        self.setup = setup

    def __call__(self, request: webob.Request, **kwargs: Any) -> webob.Response:
        self.calls += 1
        response = webob.Response(f"call {self.calls} {request.path_qs} {sorted(kwargs.items())}")
        if self.setup:
            self.setup(response)
        return response


def _get(handler: Any, path: str = "/page", **kw: Any) -> webob.Response:
    return handler(webob.Request.blank(path, **kw))  # type: ignore[no-any-return]


@pytest.fixture(params=["locmem", "redis"])
def page_cache(
    request: pytest.FixtureRequest,
    url_for: Callable[[str], str],
    make_cache: Callable[..., Cache],
) -> Cache:
    return make_cache(url_for(request.param), key_prefix=f"mw{secrets.token_hex(5)}")


def test_get_is_served_from_the_cache(page_cache: Cache) -> None:
    view = CountingView()
    handler = CacheMiddleware(view, cache=page_cache, timeout=120)
    first = _get(handler)
    second = _get(handler)
    assert view.calls == 1
    assert second.body == first.body == b"call 1 /page []"
    assert second.headers["Cache-Control"] == "max-age=120"
    assert "Expires" in second.headers
    assert int(second.headers["Age"]) >= 0
    assert "Age" not in first.headers
    assert _get(handler, "/page?other=1").body == b"call 2 /page?other=1 []"
    head = handler(webob.Request.blank("/page", method="HEAD"))
    assert head.body == first.body and view.calls == 2


@pytest.mark.parametrize(
    "setup",
    [
        lambda r: r.set_cookie("session", "secret"),
        lambda r: r.headers.__setitem__("Cache-Control", "private"),
        lambda r: r.headers.__setitem__("Cache-Control", "no-cache"),
        lambda r: r.headers.__setitem__("Cache-Control", "no-store"),
        lambda r: r.headers.__setitem__("Cache-Control", "max-age=0"),
        lambda r: r.headers.__setitem__("Vary", "*"),
        lambda r: setattr(r, "status", 404),
        lambda r: setattr(r, "status", 500),
        lambda r: setattr(r, "app_iter", iter([b"streamed"])),
    ],
    ids=[
        "set-cookie",
        "private",
        "no-cache",
        "no-store",
        "max-age-0",
        "vary-star",
        "404",
        "500",
        "streaming",
    ],  # fmt: skip
)
def test_responses_that_must_not_be_stored(page_cache: Cache, setup: Any) -> None:
    view = CountingView(setup)
    handler = CacheMiddleware(view, cache=page_cache)
    _get(handler)
    _get(handler)
    assert view.calls == 2


def test_unsafe_methods_are_never_served_from_the_cache(page_cache: Cache) -> None:
    view = CountingView()
    handler = CacheMiddleware(view, cache=page_cache)
    _get(handler)
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        assert handler(webob.Request.blank("/page", method=method)).body.startswith(b"call")
    assert view.calls == 5
    _get(handler)
    assert view.calls == 5


def test_max_age_of_the_response_is_the_timeout(page_cache: Cache) -> None:
    view = CountingView(lambda r: r.headers.__setitem__("Cache-Control", "max-age=30"))
    handler = CacheMiddleware(view, cache=page_cache, timeout=600)
    response = _get(handler)
    assert response.headers["Cache-Control"] == "max-age=30"
    _get(handler)
    assert view.calls == 1


def test_vary_cookie_keeps_one_copy_per_cookie(page_cache: Cache) -> None:
    view = vary_on_cookie(CountingView())
    handler = CacheMiddleware(view, cache=page_cache)
    alice = _get(handler, headers={"Cookie": "user=alice"})
    bob = _get(handler, headers={"Cookie": "user=bob"})
    assert alice.body != bob.body
    assert _get(handler, headers={"Cookie": "user=alice"}).body == alice.body
    assert _get(handler, headers={"Cookie": "user=bob"}).body == bob.body
    assert alice.headers["Vary"] == "Cookie"


def test_authorized_requests_vary_on_authorization(page_cache: Cache) -> None:
    handler = CacheMiddleware(CountingView(), cache=page_cache)
    one = _get(handler, headers={"Authorization": "Bearer one"})
    two = _get(handler, headers={"Authorization": "Bearer two"})
    assert one.headers["Vary"] == "Authorization"
    assert one.body != two.body
    assert _get(handler, headers={"Authorization": "Bearer one"}).body == one.body
    anonymous = _get(handler)
    assert anonymous.body not in (one.body, two.body)
    public = CacheMiddleware(
        cache_control(public=True)(CountingView()), cache=page_cache, key_prefix="pub"
    )
    shared = _get(public, headers={"Authorization": "Bearer one"})
    assert "Vary" not in shared.headers
    assert _get(public, headers={"Authorization": "Bearer two"}).body == shared.body


def test_update_and_fetch_pair_around_other_middleware(page_cache: Cache) -> None:
    view = CountingView()
    seen = []

    def inner(get_response: Any) -> Any:
        def handle(request: webob.Request) -> webob.Response:
            seen.append(request.path)
            return get_response(request)

        return handle

    handler = UpdateCacheMiddleware.configure(cache=page_cache)(
        inner(FetchFromCacheMiddleware.configure(cache=page_cache)(view))
    )
    first = _get(handler)
    second = _get(handler)
    assert view.calls == 1 and second.body == first.body
    assert seen == ["/page", "/page"]  # inner middleware still runs; the view does not


def test_cache_page_decorator(page_cache: Cache) -> None:
    view = CountingView()
    cached = cache_page(60, cache=page_cache, key_prefix="p")(view)
    assert cached(webob.Request.blank("/a"), pk=1).body == b"call 1 /a [('pk', 1)]"
    assert cached(webob.Request.blank("/a"), pk=1).body == b"call 1 /a [('pk', 1)]"
    response = cached(webob.Request.blank("/b"), pk=2)
    assert response.body == b"call 2 /b [('pk', 2)]"
    assert response.headers["Cache-Control"] == "max-age=60"


def test_cache_page_timeout_wins_over_max_age(page_cache: Cache) -> None:
    inner = cache_control(max_age=0)(CountingView())
    cached = cache_page(60, cache=page_cache)(inner)
    cached(webob.Request.blank("/x"))
    cached(webob.Request.blank("/x"))
    assert inner.__wrapped__.calls == 1  # type: ignore[attr-defined]


def test_cache_page_uses_named_caches() -> None:
    caches.configure({"default": "locmem://", "pages": f"locmem://pages-{secrets.token_hex(3)}"})
    try:
        view = CountingView()
        cached = cache_page(60, cache="pages")(view)
        cached(webob.Request.blank("/n"))
        cached(webob.Request.blank("/n"))
        assert view.calls == 1
        assert any(caches["pages"].backend._cache)
    finally:
        caches.configure(None)


def test_never_cache_and_vary_decorators() -> None:
    response = never_cache(CountingView())(webob.Request.blank("/"))
    assert response.headers["Cache-Control"] == (
        "max-age=0, no-cache, no-store, must-revalidate, private"
    )
    response = vary_on_headers("Accept-Language", "X-Y")(CountingView())(webob.Request.blank("/"))
    assert response.headers["Vary"] == "Accept-Language, X-Y"
    with pytest.raises(TypeError, match="didn't receive a webob.Request"):
        never_cache(CountingView())(object())


def test_options_are_checked_when_configured() -> None:
    with pytest.raises(TypeError, match="timeout"):
        CacheMiddleware.configure(timeout="soon")
    with pytest.raises(TypeError, match="unexpected keyword"):
        CacheMiddleware.configure(timout=5)
    with pytest.raises(TypeError, match="cache must be"):
        cache_page(5, cache=42)  # type: ignore[arg-type]


def test_same_decisions_as_djangos_cache_middleware(django_settings: Any) -> None:
    """One request script through Django's CacheMiddleware and ours: the view runs
    for the same requests, and answers carry the same caching headers."""
    from django.core.cache import caches as django_caches
    from django.http import HttpResponse
    from django.middleware.cache import CacheMiddleware as DjangoCacheMiddleware
    from django.test import RequestFactory

    django_caches["default"].clear()
    shapes: dict[str, dict[str, str]] = {
        "/plain": {},
        "/short": {"Cache-Control": "max-age=30"},
        "/private": {"Cache-Control": "private"},
        "/vary": {"Vary": "Accept-Language"},
        "/nostore": {"Cache-Control": "no-store"},
        "/public": {"Cache-Control": "public"},
    }
    counter = itertools.count()
    calls: dict[str, list[str]] = {"django": [], "ours": []}

    def django_view(request: Any) -> Any:
        calls["django"].append(request.get_full_path())
        response = HttpResponse(f"{request.path}")
        for k, v in shapes[request.path].items():
            response.headers[k] = v
        return response

    def our_view(request: webob.Request) -> webob.Response:
        calls["ours"].append(request.path_qs)
        response = webob.Response(f"{request.path}")
        for k, v in shapes[request.path].items():
            response.headers[k] = v
        return response

    theirs = DjangoCacheMiddleware(django_view, cache_timeout=300)
    ours = CacheMiddleware(our_view, cache=create_cache("locmem://dj-compare"), timeout=300)
    factory = RequestFactory()
    script: list[tuple[str, str, dict[str, str]]] = []
    for path in shapes:
        for method, headers in [
            ("GET", {}),
            ("GET", {}),
            ("HEAD", {}),
            ("POST", {}),
            ("GET", {"Accept-Language": "fr"}),
            ("GET", {"Accept-Language": "fr"}),
            ("GET", {"Authorization": "Basic x"}),
            ("GET", {"Authorization": "Basic x"}),
        ]:
            script.append((method, path, headers))
    for method, path, headers in script:
        next(counter)
        meta = {"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()}
        dj_response = theirs(factory.generic(method, path, **meta))  # type: ignore[arg-type]
        our_response = ours(webob.Request.blank(path, method=method, headers=headers))
        assert len(calls["ours"]) == len(calls["django"]), (method, path, headers)
        for header in ("Cache-Control", "Vary"):
            assert our_response.headers.get(header) == dj_response.headers.get(header), (
                method,
                path,
                headers,
                header,
            )
        assert ("Age" in our_response.headers) == ("Age" in dj_response.headers)


@pytest.mark.parametrize(
    "environ",
    [
        {"HTTP_HOST": "ex\xe4mple.com"},
        {"QUERY_STRING": "q=\xc3\xbf"},
        {"PATH_INFO": "/caf\xc3\xa9"},
    ],
)
def test_raw_non_ascii_urls_are_cached_not_failed(environ: dict[str, str]) -> None:
    view = CountingView()
    handler = CacheMiddleware(view, cache=create_cache(f"locmem://raw-{secrets.token_hex(3)}"))
    for _ in range(2):
        request = webob.Request.blank("/")
        request.environ.update(environ)
        assert handler(request).status_code == 200
    assert view.calls == 1


def test_raw_and_percent_encoded_query_share_one_copy() -> None:
    view = CountingView()
    handler = CacheMiddleware(view, cache=create_cache(f"locmem://enc-{secrets.token_hex(3)}"))
    raw = webob.Request.blank("/")
    raw.environ["QUERY_STRING"] = "q=\xc3\xbf"
    first = handler(raw)
    assert _get(handler, "/?q=%C3%BF").body == first.body
    assert view.calls == 1

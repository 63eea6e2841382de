"""Cache workloads: cachekit against raw cachelib (its floor) and Django's cache framework.

- get hits and sets of a small dict, ``OPS`` calls a round, on the
  in-process store (cachekit ``locmem://``, cachelib ``SimpleCache``,
  Django's ``LocMemCache``) and on Redis (cachekit ``redis://``, cachelib
  ``RedisCache``, Django's ``RedisCache``; the Redis rows are reported as
  errors when Redis does not answer);
- the per-site cache middleware's hit path: a GET answered from the cache
  through WSGI (cachekit's ``CacheMiddleware`` in an httpkit app; Django's
  ``UpdateCacheMiddleware``/``FetchFromCacheMiddleware`` in its WSGI handler),
  both on an in-process cache.

Every contender is checked once up front (the value read back, the page
served from the cache without calling the view). Goals from issue 17: get/set
at most 1.2x raw cachelib's time (a rate at least x0.83 of it), at least 2x
Django's cache API on the same backend, the middleware hit path at least 5x
Django's.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from typing import Any

from bench._runner import Workload
from bench.http import _runner

OPS = 5000
VALUE = {"id": 7, "name": "Ann", "tags": ["a", "b"]}
REDIS_URL = os.environ.get("MANOUCHE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
PAGE = b"cached page"

urlpatterns: list[Any] = []
_view_calls = [0]


def _django_settings() -> None:
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(
            DEBUG=False,
            SECRET_KEY="bench-only",
            ALLOWED_HOSTS=["localhost"],
            ROOT_URLCONF=__name__,
            MIDDLEWARE=[
                "django.middleware.cache.UpdateCacheMiddleware",
                "django.middleware.cache.FetchFromCacheMiddleware",
            ],
            INSTALLED_APPS=[],
            DATABASES={},
            CACHES={
                "default": {
                    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                    "LOCATION": "bench-pages",
                }
            },
            CACHE_MIDDLEWARE_SECONDS=600,
            USE_I18N=False,
            USE_TZ=True,
        )
        django.setup()


def _checked_get(get: Callable[[str], Any], set_: Callable[[str, Any], Any]) -> Callable[[], None]:
    set_("bench-key", VALUE)
    if get("bench-key") != VALUE:
        raise RuntimeError("the value did not read back")

    def run() -> None:
        for _ in range(OPS):
            get("bench-key")

    return run


def _checked_set(get: Callable[[str], Any], set_: Callable[[str, Any], Any]) -> Callable[[], None]:
    set_("bench-set", VALUE)
    if get("bench-set") != VALUE:
        raise RuntimeError("the value did not read back")

    def run() -> None:
        for _ in range(OPS):
            set_("bench-set", VALUE)

    return run


def _stores(kind: str) -> dict[str, tuple[Callable[[str], Any], Callable[[str, Any], Any]]]:
    """label -> (get, set) of each contender on ``kind`` ("locmem" or "redis")."""
    import cachelib

    from manouche.cachekit import create_cache

    prefix = f"bench{secrets.token_hex(3)}"
    stores: dict[str, tuple[Callable[[str], Any], Callable[[str, Any], Any]]] = {}
    if kind == "locmem":
        ours = create_cache("locmem://bench", key_prefix=prefix)
        raw = cachelib.SimpleCache()
        from django.core.cache.backends.locmem import LocMemCache

        django_cache = LocMemCache("bench", {"KEY_PREFIX": prefix})
    else:
        ours = create_cache(REDIS_URL, key_prefix=prefix)
        import redis

        raw = cachelib.RedisCache(redis.Redis.from_url(REDIS_URL), key_prefix=f"{prefix}raw:")
        from django.core.cache.backends.redis import RedisCache

        django_cache = RedisCache(REDIS_URL, {"KEY_PREFIX": prefix + "dj"})
    stores["Manouche cachekit"] = (ours.get, ours.set)
    stores[f"cachelib {type(raw).__name__}"] = (raw.get, raw.set)
    stores["Django"] = (django_cache.get, django_cache.set)
    return stores


def _django_page(request: Any) -> Any:
    from django.http import HttpResponse

    _view_calls[0] += 1
    return HttpResponse(PAGE)


def _site_apps() -> dict[str, Any]:
    import webob

    from manouche.cachekit import CacheMiddleware, create_cache
    from manouche.httpkit import make_wsgi_app

    def page(request: webob.Request) -> webob.Response:
        _view_calls[0] += 1
        return webob.Response(PAGE)

    ours = make_wsgi_app(
        page,
        [CacheMiddleware.configure(cache=create_cache("locmem://bench-pages"), timeout=600)],
    )
    _django_settings()
    from django.core.handlers.wsgi import WSGIHandler
    from django.urls import path

    urlpatterns[:] = [path("", _django_page)]
    return {"Manouche cachekit": ours, "Django": WSGIHandler()}


def _hit_path(app: Any) -> Callable[[], None]:
    run = _runner(app, PAGE)  # the first call fills the cache
    before = _view_calls[0]
    _runner(app, PAGE)
    if _view_calls[0] != before:
        raise RuntimeError("the second request was not served from the cache")
    return run


def workloads() -> list[Workload]:
    _django_settings()
    result = []
    for kind in ("locmem", "redis"):
        try:
            stores = _stores(kind)
        except Exception as exc:  # Redis down: say so, run the rest
            print(f"  {kind}: {type(exc).__name__}: {exc}")
            continue
        raw_label = next(label for label in stores if label.startswith("cachelib"))
        for op, make in (("get hit", _checked_get), ("set", _checked_set)):
            result.append(
                Workload(
                    name=f"{op}, {kind} ({OPS} calls)",
                    contenders={label: make(*pair) for label, pair in stores.items()},
                    ops=OPS,
                    goals={raw_label: 1 / 1.2, "Django": 2.0},
                )
            )
    apps = _site_apps()
    result.append(
        Workload(
            name="per-site cache middleware, hit path (2000 requests through WSGI)",
            contenders={label: _hit_path(app) for label, app in apps.items()},
            ops=2000,
            goals={"Django": 5.0},
        )
    )
    return result

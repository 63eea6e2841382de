"""URL resolving and reversing: urlmap against Django's resolver, Werkzeug's router, raw Routes.

A 200-route table (static routes and routes with int/slug parameters, in
four shapes), resolved for a mix of paths that hit early, middle and late
routes plus 10% misses, and reversed by name with arguments. The issue asks
for 100,000 resolves and 50,000 reverses; each timed call does a slice of
that with the same mix (``RESOLVES`` and ``REVERSES`` per call).
"""

from __future__ import annotations

import types
from typing import Any

from bench._runner import Workload

ROUTES = 200
RESOLVES = 2_000  # per timed call: 1/50th of 100,000, same mix
REVERSES = 1_000  # per timed call: 1/50th of 50,000


def _view(request: Any, **kwargs: Any) -> None:
    return None


def _shapes(i: int) -> tuple[str, str, dict[str, Any], str]:
    """(django route, werkzeug rule, reverse kwargs, a matching path) for route ``i``."""
    kind = i % 4
    if kind == 0:
        return f"section{i}/", f"/section{i}/", {}, f"/section{i}/"
    if kind == 1:
        return (
            f"section{i}/<int:pk>/",
            f"/section{i}/<int:pk>/",
            {"pk": 42},
            f"/section{i}/42/",
        )
    if kind == 2:
        return (
            f"section{i}/<slug:slug>/edit/",
            f"/section{i}/<slug>/edit/",
            {"slug": "hello-world"},
            f"/section{i}/hello-world/edit/",
        )
    return (
        f"section{i}/<int:year>/<int:month>/",
        f"/section{i}/<int:year>/<int:month>/",
        {"year": 2024, "month": 11},
        f"/section{i}/2024/11/",
    )


def _routes_path(route: str) -> str:
    out = route.replace("<int:", "{").replace("<slug:", "{").replace(">", "}")
    out = out.replace("{pk}", "{pk:[0-9]+}").replace("{year}", "{year:[0-9]+}")
    out = out.replace("{month}", "{month:[0-9]+}").replace("{slug}", "{slug:[-a-zA-Z0-9_]+}")
    return "/" + out


SHAPES = [_shapes(i) for i in range(ROUTES)]


def _paths() -> list[str]:
    early = [SHAPES[i][3] for i in range(0, 20)]
    middle = [SHAPES[i][3] for i in range(90, 110)]
    late = [SHAPES[i][3] for i in range(180, 200)]
    misses = [f"/nowhere{i}/x/" for i in range(3)] + ["/section5/not-an-int/", "/section7/1/"]
    hits = early + middle + late
    mix = []
    for n in range(RESOLVES):
        mix.append(misses[n % len(misses)] if n % 10 == 9 else hits[n % len(hits)])
    return mix


def _reverses() -> list[tuple[str, dict[str, Any]]]:
    picks = [i for i in range(ROUTES) if i % 7 in (0, 3, 5)]
    chosen = [picks[n % len(picks)] for n in range(REVERSES)]
    return [(f"r{i}", SHAPES[i][2]) for i in chosen]


def workloads() -> list[Workload]:
    import django.urls as dj
    import routes
    import werkzeug.exceptions
    import werkzeug.routing
    from django.conf import settings

    import manouche.urlmap as um

    if not settings.configured:
        settings.configure(ROOT_URLCONF=None, USE_I18N=False)
        import django

        django.setup()

    paths = _paths()
    reverses = _reverses()

    ours = um.URLMap([um.path(r, _view, name=f"r{i}") for i, (r, _, _, _) in enumerate(SHAPES)])
    dj_conf = types.ModuleType("bench_urlmap_urls")
    dj_conf.urlpatterns = [  # type: ignore[attr-defined]
        dj.path(r, _view, name=f"r{i}") for i, (r, _, _, _) in enumerate(SHAPES)
    ]
    dj_resolver = dj.get_resolver(dj_conf)
    wz_map = werkzeug.routing.Map(
        [werkzeug.routing.Rule(w, endpoint=f"r{i}") for i, (_, w, _, _) in enumerate(SHAPES)],
        strict_slashes=False,
    )
    wz = wz_map.bind("localhost")
    rt = routes.Mapper(explicit=True)
    rt.minimization = False
    for i, (r, _, _, _) in enumerate(SHAPES):
        rt.connect(f"r{i}", _routes_path(r), view=f"r{i}")
    rt_url = routes.URLGenerator(rt, {"HTTP_HOST": "localhost"})

    # Same answers before timing anything: hits resolve to the same route everywhere.
    for p in set(paths):
        try:
            name = ours.resolve(p).url_name
        except um.Resolver404:
            name = None
        try:
            dj_name = dj_resolver.resolve(p).url_name
        except dj.Resolver404:
            dj_name = None
        assert name == dj_name, (p, name, dj_name)
        found = rt.match(p)
        assert (found["view"] if found else None) == name, (p, found, name)
        try:
            endpoint = wz.match(p)[0]
        except werkzeug.exceptions.NotFound:
            endpoint = None
        assert endpoint == name, (p, endpoint, name)
    for name, kwargs in reverses[:50]:
        url = ours.reverse(name, kwargs=kwargs)
        assert url == dj.reverse(name, urlconf=dj_conf, kwargs=kwargs)
        assert url == wz.build(name, kwargs) == rt_url(name, **kwargs), (name, url)

    def ours_resolve() -> None:
        resolve = ours.resolve
        for p in paths:
            try:
                resolve(p)
            except um.Resolver404:
                pass

    def dj_resolve() -> None:
        resolve = dj_resolver.resolve
        for p in paths:
            try:
                resolve(p)
            except dj.Resolver404:
                pass

    def wz_resolve() -> None:
        match = wz.match
        for p in paths:
            try:
                match(p)
            except werkzeug.exceptions.NotFound:
                pass

    def rt_resolve() -> None:
        match = rt.match
        for p in paths:
            match(p)

    def ours_reverse() -> None:
        reverse = ours.reverse
        for name, kwargs in reverses:
            reverse(name, kwargs=kwargs)

    def dj_reverse() -> None:
        reverse = dj.reverse
        for name, kwargs in reverses:
            reverse(name, urlconf=dj_conf, kwargs=kwargs)

    def wz_reverse() -> None:
        build = wz.build
        for name, kwargs in reverses:
            build(name, kwargs)

    def rt_reverse() -> None:
        for name, kwargs in reverses:
            rt_url(name, **kwargs)

    goals = {"Django": 1.0, "Werkzeug": 1.0, "raw Routes": 1.0}
    return [
        Workload(
            f"resolve: {RESOLVES:,} paths x 200 routes (early/middle/late hits, 10% misses)",
            {
                "manouche.urlmap": ours_resolve,
                "Django": dj_resolve,
                "Werkzeug": wz_resolve,
                "raw Routes": rt_resolve,
            },
            ops=RESOLVES,
            goals=goals,
        ),
        Workload(
            f"reverse: {REVERSES:,} reverses by name with kwargs",
            {
                "manouche.urlmap": ours_reverse,
                "Django": dj_reverse,
                "Werkzeug": wz_reverse,
                "raw Routes": rt_reverse,
            },
            ops=REVERSES,
            goals=goals,
        ),
    ]

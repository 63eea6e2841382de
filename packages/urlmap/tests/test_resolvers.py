"""resolve() and ResolverMatch; the indexed matcher against Django on a large random table."""

from __future__ import annotations

import random
import types
from typing import Any

import django.urls as dj
import pytest
import webob
from urlmap_views import view_a, view_b

import manouche.urlmap as um


def post(request: webob.Request, **kwargs: Any) -> webob.Response:
    return webob.Response("post")


BLOG = [um.path("<int:year>/<slug:slug>/", post, {"draft": False}, name="post")]
APP = um.URLMap(
    [
        um.path("blog/<str:lang>/", um.include((BLOG, "blog"), namespace="news"), {"site": 1}),
        um.re_path(r"^old/(\d+)/$", view_a, name="old"),
    ]
)


def test_resolver_match_fields() -> None:
    match = APP.resolve("/blog/fr/2024/hello/")
    assert match.func is post
    assert match.args == ()
    assert match.kwargs == {"lang": "fr", "site": 1, "year": 2024, "slug": "hello", "draft": False}
    assert match.url_name == "post"
    assert match.route == "blog/<str:lang>/<int:year>/<slug:slug>/"
    assert match.namespaces == ["news"]
    assert match.namespace == "news"
    assert match.app_names == ["blog"]
    assert match.app_name == "blog"
    assert match.view_name == "news:post"
    assert match.captured_kwargs == {"year": 2024, "slug": "hello"}
    assert match.extra_kwargs == {"site": 1, "draft": False}
    assert match.tried is None
    func, args, kwargs = match
    assert (func, args, kwargs) == (post, (), match.kwargs)
    assert match[0] is post
    assert repr(match).startswith("ResolverMatch(func=test_resolvers.post, args=(), kwargs={")


def test_resolver_match_for_a_regex_with_positional_groups() -> None:
    match = APP.resolve("/old/12/")
    assert (match.args, match.kwargs, match.url_name, match.route) == (
        ("12",),
        {},
        "old",
        r"^old/(\d+)/$",
    )
    assert match.view_name == "old"
    unnamed = um.URLMap([um.path("x/", view_b)]).resolve("/x/")
    assert unnamed.view_name == "urlmap_views.view_b"


def test_resolve_misses() -> None:
    with pytest.raises(um.Resolver404) as info:
        APP.resolve("/blog/fr/nothing/")
    assert info.value.path == "blog/fr/nothing/"
    assert [[str(p.pattern) for p in chain] for chain in info.value.tried] == [
        ["blog/<str:lang>/", "<int:year>/<slug:slug>/"],
        [r"^old/(\d+)/$"],
    ]
    with pytest.raises(um.Resolver404):
        APP.resolve("no-slash/")
    assert issubclass(um.Resolver404, LookupError)


def test_module_level_resolve_and_set_urlconf() -> None:
    assert um.resolve("/old/1/", urlconf=APP).url_name == "old"
    assert um.resolve("/x/", urlconf=[um.path("x/", view_a, name="x")]).url_name == "x"
    token = um.set_urlconf(APP)
    try:
        assert um.get_urlconf() is APP
        assert um.resolve("/old/1/").url_name == "old"
        assert um.reverse("old", args=[3]) == "/old/3/"
    finally:
        um.set_urlconf(None)
    del token
    with pytest.raises(um.ImproperlyConfigured, match="No URL map"):
        um.resolve("/old/1/")


# -- the indexed matcher on a large random table, against Django -----------------------------

WORDS = ["a", "b", "api", "blog", "users", "v1", "x-y", "café", "2024", "007", "ab_c", "é"]


class Odd:
    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        if not int(value) % 2:
            raise ValueError("even")
        return int(value)

    def to_url(self, value: Any) -> str:
        return str(value)


dj.register_converter(Odd, "odd-r")
um.register_converter(Odd, "odd-r")


def _route(rng: random.Random, depth: int) -> tuple[str, str]:
    """A random route: (kind, text). Kinds: path or regex."""
    parts = []
    for _ in range(rng.randint(0 if depth else 1, 3)):
        choice = rng.random()
        if choice < 0.45:
            parts.append(rng.choice(WORDS) + "/")
        elif choice < 0.9:
            conv = rng.choice(["int", "str", "slug", "path", "odd-r", "uuid"])
            parts.append(f"<{conv}:p{len(parts)}>/")
        else:
            parts.append(rng.choice(WORDS) + f"-<int:q{len(parts)}>/")
    if rng.random() < 0.15:
        regex = "^" + "".join(
            rng.choice([rng.choice(WORDS) + "/", f"(?P<r{i}>[0-9]+)/", r"([a-z]+)/"])
            for i in range(rng.randint(1, 3))
        )
        if rng.random() < 0.7:
            regex += "$"
        return "regex", regex
    return "path", "".join(parts)


def _table(m: Any, seed: int, size: int, depth: int = 0) -> list[Any]:
    rng = random.Random(seed)
    out: list[Any] = []
    for i in range(size):
        kind, text = _route(rng, depth)
        make = m.path if kind == "path" else m.re_path
        if depth < 2 and rng.random() < 0.1:
            inner = _table(m, seed * 31 + i, rng.randint(1, 6), depth + 1)
            if kind == "regex":
                text = text.rstrip("$")
            if rng.random() < 0.5:
                out.append(make(text, m.include((inner, f"app{i}"), namespace=f"ns{seed}-{i}")))
            else:
                out.append(make(text, m.include(inner), {"d": i}))
            continue
        view = view_a if rng.random() < 0.5 else view_b
        out.append(make(text, view, name=f"n{rng.randint(0, size // 2)}"))
    return out


def _paths(rng: random.Random, count: int) -> list[str]:
    out = []
    for _ in range(count):
        segments = []
        for _ in range(rng.randint(0, 6)):
            r = rng.random()
            if r < 0.5:
                segments.append(rng.choice(WORDS))
            elif r < 0.8:
                segments.append(str(rng.randint(0, 30)))
            elif r < 0.9:
                segments.append("12345678-1234-5678-1234-567812345678")
            else:
                segments.append(rng.choice(WORDS) + "-" + str(rng.randint(0, 9)))
        path = "/" + "/".join(segments)
        if rng.random() < 0.8:
            path += "/"
        out.append(path)
    return out


def _summary(match: Any) -> Any:
    return (
        match.func,
        match.args,
        match.kwargs,
        match.url_name,
        match.route,
        match.namespaces,
        match.app_names,
    )


@pytest.mark.parametrize("seed", range(6))
def test_random_tables_resolve_as_django(seed: int) -> None:
    size = 40 if seed % 2 else 250
    conf = types.ModuleType(f"random_conf_{seed}")
    conf.urlpatterns = _table(dj, seed, size)  # type: ignore[attr-defined]
    ours = um.URLMap(_table(um, seed, size))
    rng = random.Random(seed + 1000)
    # Paths made from the routes themselves hit; random ones mostly miss.
    paths = _paths(rng, 600)
    for pattern in ours.patterns_description():
        if "(" in pattern or "^" in pattern:
            continue
        for _ in range(2):
            path = "/" + pattern
            for conv, value in (
                ("int", str(rng.randint(0, 99))),
                ("str", rng.choice(WORDS)),
                ("slug", "s-1"),
                ("path", "a/b"),
                ("odd-r", str(rng.randint(0, 9))),
                ("uuid", "12345678-1234-5678-1234-567812345678"),
            ):
                while f"<{conv}:" in path:
                    start = path.index(f"<{conv}:")
                    path = path[:start] + value + path[path.index(">", start) + 1 :]
            paths.append(path)
    hits = 0
    for path in paths:
        try:
            expected = _summary(dj.resolve(path, urlconf=conf))
            hits += 1
        except dj.Resolver404:
            expected = None
        try:
            got = _summary(ours.resolve(path))
        except um.Resolver404:
            got = None
        assert got == expected, path
    assert hits > len(paths) // 5


def test_a_level_of_a_thousand_wildcard_patterns() -> None:
    # A thousand alternatives in one combined regex: still Django's answer.
    n = 1000
    conf = types.ModuleType("huge_conf")
    conf.urlpatterns = [  # type: ignore[attr-defined]
        dj.path(f"<int:a{i}>/x{i}/<slug:b{i}>/", view_a, name=f"r{i}") for i in range(n)
    ]
    ours = um.URLMap(
        [um.path(f"<int:a{i}>/x{i}/<slug:b{i}>/", view_a, name=f"r{i}") for i in range(n)]
    )
    for path in ("/1/x0/s/", "/1/x999/s/", "/1/x500/s-s/", "/1/y/s/", "/1/x500/s/t/"):
        try:
            expected = _summary(dj.resolve(path, urlconf=conf))
        except dj.Resolver404:
            expected = None
        try:
            got = _summary(ours.resolve(path))
        except um.Resolver404:
            got = None
        assert got == expected


def test_levels_too_large_for_one_regex_are_tried_one_by_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import re

    import manouche.urlmap.resolvers as resolvers

    real_compile = re.compile

    def refusing_compile(pattern: Any, flags: int = 0) -> Any:
        if isinstance(pattern, str) and ")|(" in pattern:
            raise OverflowError("regular expression code size limit exceeded")
        return real_compile(pattern, flags)

    shim = types.SimpleNamespace(compile=refusing_compile, error=re.error)
    monkeypatch.setattr(resolvers, "re", shim)
    conf = types.ModuleType("fallback_conf")
    conf.urlpatterns = _table(dj, 2, 120)  # type: ignore[attr-defined]
    ours = um.URLMap(_table(um, 2, 120))
    for path in _paths(random.Random(5), 300):
        try:
            expected = _summary(dj.resolve(path, urlconf=conf))
        except dj.Resolver404:
            expected = None
        try:
            got = _summary(ours.resolve(path))
        except um.Resolver404:
            got = None
        assert got == expected, path
    level = ours._root._engine
    assert level is not None
    assert level.plans
    assert all(chunk.regex is None for plan in level.plans.values() for chunk in plan)


def test_module_urlconfs_are_built_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    module = types.ModuleType("built_once_urls")
    module.urlpatterns = [um.path("a/<int:n>/", view_a, name="a")]  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "built_once_urls", module)
    first = um.base._map("built_once_urls")
    assert um.base._map("built_once_urls") is first
    assert um.base._map(module) is um.base._map(module)
    assert um.resolve("/a/1/", urlconf="built_once_urls").kwargs == {"n": 1}
    assert um.reverse("a", urlconf=module, args=[2]) == "/a/2/"
    token = um.set_urlconf("built_once_urls")
    try:
        assert um.get_urlconf() is first
        assert um.reverse("a", args=[3]) == "/a/3/"
    finally:
        um.base._urlconf.reset(token)
    assert um.get_urlconf() is None

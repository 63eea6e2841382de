"""The same URLconfs resolved and reversed by Django and by urlmap must agree."""

from __future__ import annotations

import types
import uuid
from typing import Any

import django.urls as dj
import pytest
from urlmap_views import class_view, view_a, view_b

import manouche.urlmap as um


class FourDigitYear:
    regex = "[0-9]{4}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: Any) -> str:
        return f"{int(value):04d}"


class EvenNumber:
    """Raises ValueError both ways for odd numbers: "no match", as Django."""

    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        if int(value) % 2:
            raise ValueError("odd")
        return int(value)

    def to_url(self, value: Any) -> str:
        if int(value) % 2:
            raise ValueError("odd")
        return str(value)


dj.register_converter(FourDigitYear, "yyyy")
dj.register_converter(EvenNumber, "even")
um.register_converter(FourDigitYear, "yyyy")
um.register_converter(EvenNumber, "even")


def _cbv(request: Any) -> Any:
    return None


class ArticleView:
    """Stands for a class-based view: as_view() sets ``view_class``."""


cbv_view: Any = _cbv
cbv_view.view_class = ArticleView


def build(m: Any) -> list[Any]:
    """One URLconf, written against either API (they share their names)."""
    blog = [
        m.path("", view_a, name="index"),
        m.path("<yyyy:year>/", view_a, name="year"),
        m.path("<yyyy:year>/<slug:slug>/", view_b, name="post"),
        m.path("tag/<str:tag>/", view_a, {"section": "tags"}, name="tag"),
    ]
    inner = [m.path("leaf/<int:pk>/", view_b, name="leaf")]
    middle = [
        m.path("in/", m.include((inner, "inner"), namespace="inner")),
        m.path("mid/", view_a, name="mid"),
    ]
    plain = [
        m.path("p/<int:n>/", view_a, name="plain-p"),
        m.re_path(r"^q/(?P<word>[a-z]+)/$", view_b, name="plain-q"),
    ]
    return [
        m.path("", view_a, name="home"),
        m.path("about/", view_b, name="about"),
        m.path("articles/2003/", view_a, name="special-2003"),
        m.path("articles/<int:year>/", view_b, name="year-archive"),
        m.path("articles/<int:year>/<int:month>/", view_a, name="month-archive"),
        m.path("articles/<int:year>/<int:month>/<slug:slug>/", view_b, name="article"),
        m.path("even/<even:n>/", view_a, name="even"),
        m.path("even/<int:n>/", view_b, name="odd-fallback"),
        m.path("uuid/<uuid:id>/", view_a, name="uuid"),
        m.path("files/<path:rest>", view_b, name="files"),
        m.path("str/<str:s>/", view_a, name="str"),
        m.path("str/<str:s>/<str:t>", view_b, name="str2"),
        m.path("defaults/", view_a, {"page": 1}, name="paged"),
        m.path("defaults/<int:page>/", view_a, name="paged"),
        m.re_path(r"^archive/(?P<year>[0-9]{4})/$", view_a, name="re-year"),
        m.re_path(r"^archive/(\d+)/(\w+)/$", view_b, name="re-unnamed"),
        m.re_path(r"^mixed/(?P<a>\d+)/(\d+)/$", view_a, name="re-mixed"),
        m.re_path(r"^optional/(?:page-(?P<page>\d+)/)?$", view_b, name="re-optional"),
        m.re_path(r"^searchy", view_a, name="re-noend"),
        m.re_path(r"noanchor/(?P<x>\w+)/$", view_b, name="re-noanchor"),
        m.path("blog/", m.include((blog, "blog"), namespace="blog-main")),
        m.path("other-blog/", m.include((blog, "blog"), namespace="blog-other")),
        m.path("nest/<int:outer>/", m.include((middle, "middle"), namespace="middle")),
        m.path("plain/", m.include(plain), {"from_include": True}),
        m.re_path(r"^regex-inc/(?P<lang>[a-z]{2})/", m.include(plain)),
        m.re_path(r"^unnamed-inc/(\d+)/", m.include([m.re_path(r"^x/(\d+)/$", view_a, name="un")])),
        m.path("café/<str:name>/", view_a, name="unicode"),
        m.path("sp ace/<path:p>/", view_b, name="space"),
        m.path("class/", class_view, name="class"),
        m.path("class-unnamed/", class_view),
        m.path("cbv/", cbv_view),
        m.path(
            "wrap/", m.include([m.path("deep/", m.include((inner, "inner"), namespace="deep"))])
        ),
        m.re_path(r"loose/", m.include(plain)),
        m.path("by-view/<int:x>/", view_b),
        m.path("dup/", view_a, name="dup"),
        m.path("dup2/", view_b, name="dup"),
    ]


def module(m: Any, name: str) -> types.ModuleType:
    mod = types.ModuleType(name)
    mod.urlpatterns = build(m)  # type: ignore[attr-defined]
    return mod


DJ_CONF = module(dj, "dj_urls_reference")
UM_MAP = um.URLMap(build(um))

PATHS = [
    "/",
    "/about/",
    "/about",
    "/articles/2003/",
    "/articles/2004/",
    "/articles/2004/12/",
    "/articles/2004/12/some-slug/",
    "/articles/2004/12/bad slug/",
    "/articles/abcd/",
    "/even/4/",
    "/even/5/",
    "/uuid/12345678-1234-5678-1234-567812345678/",
    "/uuid/12345678-1234-5678-1234-56781234567/",
    "/files/a/b/c.txt",
    "/files/",
    "/files/../../etc/passwd",
    "/str/x/",
    "/str/x/y",
    "/str/x/y/",
    "/defaults/",
    "/defaults/3/",
    "/archive/1999/",
    "/archive/99/",
    "/archive/12/ab/",
    "/mixed/1/2/",
    "/optional/",
    "/optional/page-3/",
    "/searchy/anything/at/all",
    "/foo/noanchor/zz/",
    "/blog/",
    "/blog/2020/",
    "/blog/2020/hello/",
    "/blog/tag/python/",
    "/other-blog/2020/hello/",
    "/nest/7/in/leaf/9/",
    "/nest/7/mid/",
    "/nest/x/mid/",
    "/plain/p/5/",
    "/plain/q/abc/",
    "/regex-inc/en/p/5/",
    "/regex-inc/en/q/abc/",
    "/unnamed-inc/4/x/5/",
    "/café/jean/",
    "/sp ace/a b/c/",
    "/class/",
    "/class-unnamed/",
    "/cbv/",
    "/wrap/deep/leaf/3/",
    "/wrap/deep/nothing/",
    "/x/loose/p/5/",
    "/loose/q/abc/",
    "/by-view/3/",
    "/dup/",
    "/dup2/",
    "/nothing/here/",
    "//about/",
    "/about//",
    "/about/\n",
    "/articles/2004\n/",
    "no-leading-slash/",
    "/" + "a/" * 500,
]


def _dj_resolve(p: str) -> Any:
    try:
        return dj.resolve(p, urlconf=DJ_CONF)
    except dj.Resolver404:
        return None


def _um_resolve(p: str) -> Any:
    try:
        return UM_MAP.resolve(p)
    except um.Resolver404:
        return None


def _summary(match: Any) -> Any:
    if match is None:
        return None
    return (
        match.func,
        tuple(match.args),
        match.kwargs,
        match.url_name,
        match.namespaces,
        match.namespace,
        match.app_names,
        match.app_name,
        match.route,
        match.view_name,
        match.captured_kwargs,
        match.extra_kwargs,
    )


@pytest.mark.parametrize("p", PATHS)
def test_resolve_agrees_with_django(p: str) -> None:
    assert _summary(_um_resolve(p)) == _summary(_dj_resolve(p))


def test_resolve_found_something() -> None:
    # Guard against a vacuous comparison: most paths above do match.
    assert sum(_dj_resolve(p) is not None for p in PATHS) > 35


REVERSES: list[tuple[Any, list[Any] | None, dict[str, Any] | None, str | None]] = [
    ("home", None, None, None),
    ("about", None, None, None),
    ("year-archive", [2004], None, None),
    ("year-archive", None, {"year": 2004}, None),
    ("year-archive", None, {"year": "20x4"}, None),
    ("month-archive", [2004, 12], None, None),
    ("article", None, {"year": 2004, "month": 1, "slug": "a-b"}, None),
    ("article", None, {"year": 2004, "month": 1, "slug": "a b"}, None),
    ("article", None, {"year": 2004, "month": 1}, None),
    ("even", [4], None, None),
    ("even", [5], None, None),
    ("uuid", [uuid.UUID("12345678-1234-5678-1234-567812345678")], None, None),
    ("files", ["a/b c/ü.txt"], None, None),
    ("files", ["/etc/passwd"], None, None),
    ("files", ["x?y#z%20"], None, None),
    ("str", ["a:b@c!$&'()*+,;=~"], None, None),
    ("str", ["a/b"], None, None),
    ("str", ["ünï cödé"], None, None),
    ("str2", ["x", "y"], None, None),
    ("paged", None, None, None),
    ("paged", None, {"page": 1}, None),
    ("paged", None, {"page": 3}, None),
    ("paged", [5], None, None),
    ("re-year", None, {"year": "1999"}, None),
    ("re-year", None, {"year": "99"}, None),
    ("re-unnamed", [12, "ab"], None, None),
    ("re-mixed", None, {"a": 1}, None),
    ("re-optional", None, None, None),
    ("re-optional", None, {"page": 3}, None),
    ("re-noend", None, None, None),
    ("blog:index", None, None, None),
    ("blog:post", None, {"year": 2020, "slug": "hello"}, None),
    ("blog:year", [7], None, None),
    ("blog-main:post", None, {"year": 2020, "slug": "hello"}, None),
    ("blog-other:post", None, {"year": 2020, "slug": "hello"}, None),
    ("blog:post", None, {"year": 2020, "slug": "hello"}, "blog-main"),
    ("blog:post", None, {"year": 2020, "slug": "hello"}, "blog-other"),
    ("blog:tag", None, {"tag": "x"}, None),
    ("blog:tag", None, {"tag": "x", "section": "tags"}, None),
    ("blog:tag", None, {"tag": "x", "section": "other"}, None),
    ("middle:inner:leaf", None, {"outer": 1, "pk": 2}, None),
    ("middle:mid", None, {"outer": 1}, None),
    ("middle:mid", [1], None, None),
    ("plain-p", None, {"n": 3}, None),
    ("plain-p", None, {"n": 3, "from_include": True}, None),
    ("plain-q", None, {"word": "abc"}, None),
    ("plain-q", None, {"word": "abc", "lang": "en"}, None),
    ("un", [4, 5], None, None),
    ("unicode", ["jean"], None, None),
    ("space", ["a b"], None, None),
    ("class", None, None, None),
    ("deep:leaf", None, {"pk": 3}, None),
    ("inner:leaf", None, {"pk": 3}, None),
    ("inner:leaf", None, {"pk": 3}, "deep"),
    ("inner:leaf", None, {"outer": 1, "pk": 3}, "middle:inner"),
    ("middle:inner:leaf", None, {"outer": 1, "pk": 3}, "middle:deep"),
    ("deep:nope", None, None, None),
    (cbv_view, None, None, None),
    (view_b, [3], None, None),
    (view_b, None, {"x": 3}, None),
    (class_view, None, None, None),
    ("dup", None, None, None),
    ("nope", None, None, None),
    ("nope:x", None, None, None),
    ("blog:nope", None, None, None),
    ("middle:nope:leaf", None, None, None),
]


def _outcome(fn: Any) -> tuple[str, str]:
    try:
        return ("url", fn())
    except dj.NoReverseMatch as exc:
        return ("error", str(exc))
    except um.NoReverseMatch as exc:
        return ("error", str(exc))


@pytest.mark.parametrize(("name", "args", "kwargs", "current_app"), REVERSES)
def test_reverse_agrees_with_django(
    name: Any, args: list[Any] | None, kwargs: dict[str, Any] | None, current_app: str | None
) -> None:
    expected = _outcome(
        lambda: dj.reverse(name, urlconf=DJ_CONF, args=args, kwargs=kwargs, current_app=current_app)
    )
    got = _outcome(lambda: UM_MAP.reverse(name, args=args, kwargs=kwargs, current_app=current_app))
    assert got == expected


@pytest.mark.parametrize(
    ("query", "fragment"),
    [({"q": "a b", "x": ["1", "2"]}, None), ({}, "top"), (None, "a b"), ([("k", "ü")], "")],
)
def test_reverse_query_and_fragment_agree(query: Any, fragment: str | None) -> None:
    expected = dj.reverse("about", urlconf=DJ_CONF, query=query, fragment=fragment)
    assert UM_MAP.reverse("about", query=query, fragment=fragment) == expected


def test_reverse_with_script_prefix_agrees() -> None:
    dj.set_script_prefix("/mount point/ü/")
    try:
        expected = dj.reverse("str", urlconf=DJ_CONF, args=["x y"])
    finally:
        dj.set_script_prefix("/")
    assert UM_MAP.reverse("str", args=["x y"], script_name="/mount point/ü") == expected


def test_round_trip_reverse_then_resolve() -> None:
    for name, args, kwargs, current_app in REVERSES:
        try:
            url = UM_MAP.reverse(name, args=args, kwargs=kwargs, current_app=current_app)
        except um.NoReverseMatch:
            continue
        from urllib.parse import unquote

        match = UM_MAP.resolve(unquote(url))
        if isinstance(name, str) and ":" not in name and name not in ("dup", "paged"):
            assert match.url_name == name, (name, url)

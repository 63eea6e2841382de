"""path(), re_path(), include() and Routes' syntax, and how mistakes are reported."""

from __future__ import annotations

import re
import sys
import types
from collections.abc import Callable, Iterator
from typing import Any

import django.urls as dj
import pytest
import webob
from urlmap_views import view_a, view_b

import manouche.urlmap as um


def echo(request: webob.Request, *args: Any, **kwargs: Any) -> webob.Response:
    return webob.Response(f"{args!r} {sorted(kwargs.items())!r}")


def get(app: um.URLMap, path: str) -> str:
    return str(webob.Request.blank(path).get_response(app).text)


# -- mistakes: the same errors as Django, or clearer ones ---------------------------

DJANGO_ERRORS: list[Callable[[Any], Any]] = [
    lambda m: m.path("<foo:x>/", view_a),
    lambda m: m.path("< int:x>/", view_a),
    lambda m: m.path("<int:1x>/", view_a),
    lambda m: m.path("a/", m.include([], namespace="ns")),
    lambda m: m.path("a/", m.include(([], "a", "b"))),
    lambda m: m.path("a/", m.include(([], "a", "b"), namespace="x")),
    lambda m: m.path("a/", view_a, kwargs=[1]),
    lambda m: m.path("a/", "not callable"),
    lambda m: m.re_path("(a", view_a),
]


@pytest.mark.parametrize("make", DJANGO_ERRORS)
def test_mistakes_raise_what_django_raises(make: Callable[[Any], Any]) -> None:
    with pytest.raises(Exception) as expected:
        made = make(dj)
        made.pattern.regex  # Django compiles lazily  # noqa: B018
    with pytest.raises(Exception) as got:
        make(um)
    assert type(got.value).__name__ == type(expected.value).__name__
    assert str(got.value) == str(expected.value)


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: um.path("<int:x>/<int:x>/", echo), um.ImproperlyConfigured, "'x' twice"),
        (lambda: um.path("{x}/<int:x>/", echo), um.ImproperlyConfigured, "'x' twice"),
        (lambda: um.path("{1x}/", echo), um.ImproperlyConfigured, "'1x'"),
        (lambda: um.path("a/{x:[0-9]+/", echo), um.ImproperlyConfigured, "unclosed '{'"),
        (lambda: um.path("a/{x:[0-9}/", echo), um.ImproperlyConfigured, "regex '[0-9' of {x}"),
        (lambda: um.path("a/{x:(}/", echo), um.ImproperlyConfigured, "regex '(' of {x}"),
        (lambda: um.path(3, echo), TypeError, "route must be a str"),  # type: ignore[arg-type]
        (lambda: um.re_path(3, echo), TypeError, "regex must be a str"),  # type: ignore[arg-type]
        (lambda: um.path("a/", um.include(3)), um.ImproperlyConfigured, "any patterns"),
        (lambda: um.path("a/", um.include([echo])), um.ImproperlyConfigured, "not a pattern"),
        (lambda: um.URLMap([um.path("a/", echo), "b/"]), um.ImproperlyConfigured, "'b/'"),
    ],
)
def test_mistakes_name_the_problem(make: Callable[[], Any], error: type, message: str) -> None:
    with pytest.raises(error, match=re.escape(message)):
        make()


# -- Routes' syntax ----------------------------------------------------------------


def test_routes_syntax_names_and_regexes() -> None:
    app = um.URLMap(
        [
            um.path("plain/{name}/", echo, name="plain"),
            um.path("year/{year:\\d{4}}/", echo, name="year"),
            um.path("kind/{kind:(?:news|blog)}/", echo, name="kind"),
            um.path("api/{id:[0-9]+}{.format}", echo, name="api"),
            um.path("fmt/{id:[0-9]+}{.format:json|xml}", echo, name="fmt"),
            um.path("mixed/<int:pk>/{slug:[a-z-]+}/", echo, name="mixed"),
        ]
    )
    cases = {
        "/plain/a b/": {"name": "a b"},
        "/year/2024/": {"year": "2024"},
        "/year/24/": None,
        "/kind/news/": {"kind": "news"},
        "/kind/other/": None,
        "/api/3": {"id": "3"},
        "/api/3.json": {"id": "3", "format": "json"},
        "/fmt/3.xml": {"id": "3", "format": "xml"},
        "/fmt/3.csv": None,
        "/mixed/7/some-slug/": {"pk": 7, "slug": "some-slug"},
        "/mixed/7/Some/": None,
    }
    for path, kwargs in cases.items():
        try:
            found = app.resolve(path).kwargs
        except um.Resolver404:
            found = None
        assert found == kwargs, path
    assert app.reverse("year", kwargs={"year": 2024}) == "/year/2024/"
    assert app.reverse("kind", args=["blog"]) == "/kind/blog/"
    assert app.reverse("api", kwargs={"id": 3}) == "/api/3"
    assert app.reverse("api", kwargs={"id": 3, "format": "json"}) == "/api/3.json"
    assert app.reverse("mixed", kwargs={"pk": 1, "slug": "a-b"}) == "/mixed/1/a-b/"
    with pytest.raises(um.NoReverseMatch):
        app.reverse("year", kwargs={"year": 24})
    with pytest.raises(um.NoReverseMatch):
        app.reverse("fmt", kwargs={"id": 3, "format": "csv"})


def test_routes_specials_in_literal_text_stay_literal() -> None:
    # Routes reads ':' and '*' as variables; in path() they are plain text.
    app = um.URLMap([um.path("a:b/*star/", echo, name="lit")])
    assert app.resolve("/a:b/*star/").url_name == "lit"
    assert app.reverse("lit") == "/a:b/*star/"


def test_routes_syntax_agrees_with_the_same_route_in_django_syntax() -> None:
    routes_style = um.URLMap([um.path("b/{year:[0-9]+}/{slug:[-a-zA-Z0-9_]+}/", echo, name="p")])
    django_style = dj.path("b/<int:year>/<slug:slug>/", view_a, name="p")
    conf = types.ModuleType("routes_vs_django")
    conf.urlpatterns = [django_style]  # type: ignore[attr-defined]
    for path in ("/b/2024/hello/", "/b/x/hello/", "/b/2024/he llo/", "/b/2024/"):
        try:
            expected = {k: str(v) for k, v in dj.resolve(path, urlconf=conf).kwargs.items()}
        except dj.Resolver404:
            expected = None
        try:
            got = routes_style.resolve(path).kwargs
        except um.Resolver404:
            got = None
        assert got == expected, path


# -- include() -----------------------------------------------------------------------


@pytest.fixture
def url_modules() -> Iterator[None]:
    """Dotted URL modules, for Django and for urlmap, with app_name attributes."""
    made: list[str] = []

    def add(name: str, **attrs: Any) -> None:
        module = types.ModuleType(name)
        for key, value in attrs.items():
            setattr(module, key, value)
        sys.modules[name] = module
        made.append(name)

    for prefix, m in (("dj", dj), ("um", um)):
        add(
            f"{prefix}_polls_urls",
            app_name="polls",
            urlpatterns=[
                m.path("", view_a, name="index"),
                m.path("<int:pk>/", view_b, name="detail"),
                m.path("<int:pk>/results/", view_a, {"tab": "results"}, name="results"),
            ],
        )
        add(
            f"{prefix}_shop_urls",
            app_name="shop",
            urlpatterns=[
                m.path("item/<slug:slug>/", view_a, name="item"),
                m.path("polls/", m.include(f"{prefix}_polls_urls")),
            ],
        )
        add(
            f"{prefix}_root_urls",
            urlpatterns=[
                m.path("polls/", m.include(f"{prefix}_polls_urls")),
                m.path("author-polls/", m.include(f"{prefix}_polls_urls", namespace="author")),
                m.path("shop/<slug:shop>/", m.include(f"{prefix}_shop_urls"), {"currency": "EUR"}),
                m.path("bare/", m.include(sys.modules[f"{prefix}_polls_urls"].urlpatterns)),
            ],
        )
    yield
    for name in made:
        del sys.modules[name]


INCLUDE_PATHS = [
    "/polls/",
    "/polls/3/",
    "/polls/3/results/",
    "/author-polls/3/",
    "/shop/acme/item/thing/",
    "/shop/acme/polls/4/results/",
    "/bare/5/",
    "/shop/acme/nothing/",
]

INCLUDE_REVERSES: list[tuple[str, dict[str, Any] | None, str | None]] = [
    ("polls:index", None, None),
    ("polls:detail", {"pk": 1}, None),
    ("polls:detail", {"pk": 1}, "author"),
    ("polls:detail", {"pk": 1}, "polls"),
    ("polls:detail", {"pk": 1}, "nobody"),
    ("author:detail", {"pk": 1}, None),
    ("polls:results", {"pk": 2}, None),
    ("polls:results", {"pk": 2, "tab": "results"}, None),
    ("shop:item", {"shop": "acme", "slug": "x"}, None),
    ("shop:polls:detail", {"shop": "acme", "pk": 1}, None),
    ("shop:polls:detail", {"shop": "acme", "pk": 1}, "shop:polls"),
    ("shop:polls:results", {"shop": "acme", "pk": 1, "currency": "EUR"}, None),
    ("shop:polls:results", {"shop": "acme", "pk": 1, "currency": "USD"}, None),
    ("shop:nothing", None, None),
    ("detail", {"pk": 1}, None),
]


def _summary(match: Any) -> Any:
    return (
        match.func,
        match.args,
        match.kwargs,
        match.url_name,
        match.app_names,
        match.namespaces,
        match.route,
        match.view_name,
    )


@pytest.mark.usefixtures("url_modules")
@pytest.mark.parametrize("path", INCLUDE_PATHS)
def test_include_modules_resolve_as_django(path: str) -> None:
    ours = um.URLMap("um_root_urls")
    try:
        expected = _summary(dj.resolve(path, urlconf="dj_root_urls"))
    except dj.Resolver404:
        expected = None
    try:
        got = _summary(ours.resolve(path))
    except um.Resolver404:
        got = None
    assert got == expected


@pytest.mark.usefixtures("url_modules")
@pytest.mark.parametrize(("name", "kwargs", "current_app"), INCLUDE_REVERSES)
def test_include_modules_reverse_as_django(
    name: str, kwargs: dict[str, Any] | None, current_app: str | None
) -> None:
    ours = um.URLMap("um_root_urls")

    def outcome(fn: Callable[[], str]) -> tuple[str, str]:
        try:
            return ("url", fn())
        except (dj.NoReverseMatch, um.NoReverseMatch) as exc:
            return ("error", str(exc).replace("um_", "dj_"))

    expected = outcome(
        lambda: dj.reverse(name, urlconf="dj_root_urls", kwargs=kwargs, current_app=current_app)
    )
    got = outcome(lambda: ours.reverse(name, kwargs=kwargs, current_app=current_app))
    assert got == expected


def test_include_forms() -> None:
    inner = [um.path("x/", echo, name="x")]
    as_map = um.URLMap(inner)
    app = um.URLMap(
        [
            um.path("list/", um.include(inner)),
            um.path("tuple/", um.include((inner, "app"))),
            um.path("map/", as_map),
            um.path("map-ns/", um.include((as_map.urlpatterns, "m"), namespace="other")),
            um.path("direct/", inner),
        ]
    )
    assert app.resolve("/list/x/").namespaces == []
    assert app.resolve("/tuple/x/").namespaces == ["app"]
    assert app.resolve("/map/x/").url_name == "x"
    match = app.resolve("/map-ns/x/")
    assert (match.app_names, match.namespaces) == (["m"], ["other"])
    assert app.resolve("/direct/x/").url_name == "x"
    assert app.reverse("app:x") == "/tuple/x/"
    assert app.reverse("other:x") == "/map-ns/x/"
    assert app.reverse("m:x") == "/map-ns/x/"


def test_default_kwargs_reach_the_view_and_override_captured() -> None:
    inner = [um.path("<int:n>/", echo, {"inner": True}, name="n")]
    app = um.URLMap(
        [
            um.path("a/<int:n>/", echo, {"extra": "x"}),
            um.path("b/", um.include(inner), {"outer": 1}),
            # Django: default kwargs win over captured values of the same name.
            um.path("c/<int:n>/", echo, {"n": 99}),
            um.re_path(r"^d/(\d+)/$", echo, {"k": "v"}),
        ]
    )
    assert get(app, "/a/5/") == "() [('extra', 'x'), ('n', 5)]"
    assert get(app, "/b/6/") == "() [('inner', True), ('n', 6), ('outer', 1)]"
    assert get(app, "/c/7/") == "() [('n', 99)]"
    # Positional captures stay beside default kwargs, as in Django.
    assert get(app, "/d/8/") == "('8',) [('k', 'v')]"
    conf = types.ModuleType("defaults_conf")
    conf.urlpatterns = [  # type: ignore[attr-defined]
        dj.re_path(r"^d/(\d+)/$", view_a, {"k": "v"}),
        dj.path("i/", dj.include([dj.re_path(r"^d/(\d+)/$", view_b)]), {"o": 1}),
        dj.path("j/", dj.include([dj.re_path(r"^d/(\d+)/$", view_b)])),
    ]
    ours = um.URLMap(
        [
            um.re_path(r"^d/(\d+)/$", view_a, {"k": "v"}),
            um.path("i/", um.include([um.re_path(r"^d/(\d+)/$", view_b)]), {"o": 1}),
            um.path("j/", um.include([um.re_path(r"^d/(\d+)/$", view_b)])),
        ]
    )
    for path in ("/d/8/", "/i/d/8/", "/j/d/8/"):
        assert _summary(ours.resolve(path)) == _summary(dj.resolve(path, urlconf=conf))


def test_re_path_positional_groups_reach_the_view() -> None:
    app = um.URLMap([um.re_path(r"^archive/(\d{4})/(\d{2})/$", echo)])
    assert get(app, "/archive/2024/05/") == "('2024', '05') []"


def test_custom_converter_registry_per_pattern() -> None:
    class Hex:
        regex = "[0-9a-f]+"

        def to_python(self, value: str) -> int:
            return int(value, 16)

        def to_url(self, value: int) -> str:
            return format(value, "x")

    registry = um.ConverterRegistry()
    registry.register(Hex, "hex")
    app = um.URLMap([um.path("h/<hex:n>/", echo, name="h", converters=registry)])
    assert app.resolve("/h/ff/").kwargs == {"n": 255}
    assert app.reverse("h", args=[255]) == "/h/ff/"
    assert "hex" not in um.default_converters
    with pytest.raises(um.ImproperlyConfigured, match="invalid converter 'hex'"):
        um.path("h/<hex:n>/", echo)


def test_pattern_reprs() -> None:
    pattern = um.path("a/<int:n>/", echo, name="a")
    assert repr(pattern) == "<URLPattern 'a/<int:n>/'>"
    resolver = um.path("b/", um.include(([pattern], "app"), namespace="ns"))
    # Django's repr: the included URLconf, the namespaces, the pattern.
    assert repr(resolver) == "<URLResolver <URLPattern list> (app:ns) 'b/'>"
    assert repr(um.URLMap([pattern, resolver])) == "<URLMap 2 pattern(s)>"
    assert um.URLMap([pattern, resolver]).patterns_description() == ["a/<int:n>/", "b/a/<int:n>/"]

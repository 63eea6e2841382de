"""reverse(): query and fragment, percent-encoding, script prefix, NoReverseMatch messages."""

from __future__ import annotations

import random
import types
from collections.abc import Iterator
from typing import Any

import django.urls as dj
import pytest
import webob
from test_differential import REVERSES, UM_MAP
from urlmap_views import view_a, view_b

import manouche.urlmap as um
from manouche.urlmap.base import reverse_in


def build(m: Any) -> list[Any]:
    return [
        m.path("s/<str:s>/", view_a, name="s"),
        m.path("p/<path:p>", view_a, name="p"),
        m.path("two/<int:a>/<slug:b>/", view_b, name="two"),
        m.path("two/<int:a>/", view_b, name="two"),
        m.re_path(r"^r/(?P<x>[^/]+)/$", view_a, name="r"),
        m.path("about/", view_b, name="about"),
    ]


DJ_CONF = types.ModuleType("reverse_conf")
DJ_CONF.urlpatterns = build(dj)  # type: ignore[attr-defined]
OURS = um.URLMap(build(um))


@pytest.fixture
def django_prefix() -> Iterator[None]:
    yield
    dj.set_script_prefix("/")


def _outcome(fn: Any, *args: Any, **kwargs: Any) -> tuple[str, str]:
    try:
        return ("url", fn(*args, **kwargs))
    except (dj.NoReverseMatch, um.NoReverseMatch) as exc:
        return ("error", str(exc))


def test_percent_encoding_agrees_with_django_on_random_text() -> None:
    rng = random.Random(7)
    alphabet = (
        [chr(c) for c in range(32, 127)] + list("éüß日本\u00a0\u2028€😀") + ["%2F", "%", "%%"]
    )
    for _ in range(400):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12)))
        for name in ("s", "p", "r"):
            expected = _outcome(dj.reverse, name, urlconf=DJ_CONF, args=[text])
            assert _outcome(OURS.reverse, name, args=[text]) == expected, (name, text)


def test_percent_encoding_examples() -> None:
    assert OURS.reverse("s", args=["a b"]) == "/s/a%20b/"
    assert OURS.reverse("s", args=["ünï"]) == "/s/%C3%BCn%C3%AF/"
    assert OURS.reverse("s", args=["a?b#c"]) == "/s/a%3Fb%23c/"
    assert OURS.reverse("s", args=["100%"]) == "/s/100%25/"
    assert OURS.reverse("s", args=["a:b@c!$&'()*+,;=~"]) == "/s/a:b@c!$&'()*+,;=~/"
    assert OURS.reverse("p", args=["dir/file name.txt"]) == "/p/dir/file%20name.txt"


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ({"q": "a b", "x": ["1", "2"]}, None),
        ({"q": "ü&="}, "frag ment"),
        ([("a", "1"), ("a", "2")], "x"),
        ({}, None),
        ({}, ""),
        (None, "top"),
        ("", "top"),
    ],
)
def test_query_and_fragment_agree_with_django(query: Any, fragment: str | None) -> None:
    expected = dj.reverse("two", urlconf=DJ_CONF, args=[1, "b"], query=query, fragment=fragment)
    assert OURS.reverse("two", args=[1, "b"], query=query, fragment=fragment) == expected


def test_query_from_a_multidict() -> None:
    query = webob.multidict.MultiDict([("a", "1"), ("a", "2"), ("b", "x y")])
    assert OURS.reverse("about", query=query) == "/about/?a=1&a=2&b=x+y"
    assert um.reverse("about", urlconf=OURS, query={"k": "v"}, fragment="f") == "/about/?k=v#f"


@pytest.mark.usefixtures("django_prefix")
@pytest.mark.parametrize("prefix", ["/", "/app/", "/app", "/my app/ü/", "//double/"])
def test_script_prefix_agrees_with_django(prefix: str) -> None:
    dj.set_script_prefix(prefix)
    expected = dj.reverse("s", urlconf=DJ_CONF, args=["x y"])
    assert OURS.reverse("s", args=["x y"], script_name=prefix) == expected
    token = um.set_script_prefix(prefix)
    try:
        assert um.get_script_prefix().endswith("/")
        assert OURS.reverse("s", args=["x y"]) == expected
    finally:
        um.base._script_prefix.reset(token)
    assert um.get_script_prefix() == "/"


def test_no_reverse_match_names_the_patterns_and_the_arguments() -> None:
    with pytest.raises(um.NoReverseMatch) as info:
        OURS.reverse("two", kwargs={"a": "x", "b": "b"})
    message = str(info.value)
    assert message.startswith("Reverse for 'two' with keyword arguments '{'a': 'x', 'b': 'b'}'")
    assert "2 pattern(s) tried: ['two/(?P<a>[0-9]+)/\\\\Z', " in message
    with pytest.raises(um.NoReverseMatch, match=r"with arguments '\(1, 2, 3\)' not found"):
        OURS.reverse("two", args=[1, 2, 3])
    with pytest.raises(um.NoReverseMatch, match="with no arguments not found. 2 pattern"):
        OURS.reverse("two")
    with pytest.raises(um.NoReverseMatch, match="'nope' is not a valid view function or pattern"):
        OURS.reverse("nope")
    with pytest.raises(um.NoReverseMatch, match="'x' is not a registered namespace"):
        OURS.reverse("x:two")
    with pytest.raises(ValueError, match="Don't mix"):
        OURS.reverse("two", args=[1], kwargs={"b": "x"})


def test_messages_agree_with_django() -> None:
    for name, args, kwargs in [
        ("two", None, {"a": "x", "b": "b"}),
        ("two", [1, 2, 3], None),
        ("two", None, None),
        ("nope", None, None),
        ("x:two", None, None),
        (view_a, None, {"zz": 1}),
    ]:
        expected = _outcome(dj.reverse, name, urlconf=DJ_CONF, args=args, kwargs=kwargs)
        assert _outcome(OURS.reverse, name, args=args, kwargs=kwargs) == expected


@pytest.mark.parametrize(("name", "args", "kwargs", "current_app"), REVERSES)
def test_cached_plans_give_the_full_algorithms_answer(
    name: Any, args: list[Any] | None, kwargs: dict[str, Any] | None, current_app: str | None
) -> None:
    def full() -> str:
        return reverse_in(UM_MAP._root, name, args, kwargs, current_app, None, None, "/")

    def fast() -> str:
        return UM_MAP.reverse(name, args=args, kwargs=kwargs, current_app=current_app)

    expected = _outcome(full)
    assert _outcome(fast) == expected
    assert _outcome(fast) == expected  # a second time, from the cache


def test_reverse_an_unhashable_view() -> None:
    class View:
        __hash__ = None  # type: ignore[assignment]

        def __call__(self, request: webob.Request) -> webob.Response:
            return webob.Response("v")

        def __eq__(self, other: object) -> bool:
            return other is self

    view = View()
    app = um.URLMap([um.path("v/", view, name="v")])
    # By name it reverses; the object itself cannot be looked up.
    assert app.reverse("v") == "/v/"
    with pytest.raises(um.NoReverseMatch, match="not found"):
        app.reverse(view)
    assert app.resolve("/v/").func is view


def test_module_level_reverse_with_a_list() -> None:
    urls = [um.path("a/<int:n>/", view_a, name="a")]
    assert um.reverse("a", urlconf=urls, args=[1]) == "/a/1/"
    assert um.reverse(view_a, urlconf=urls, kwargs={"n": 2}) == "/a/2/"


def test_escape_leading_slashes() -> None:
    assert um.escape_leading_slashes("//evil.com/x") == "/%2Fevil.com/x"
    assert um.escape_leading_slashes("/fine//x") == "/fine//x"


# -- re_path() reversing: Django's reading of a regex, construct by construct ---------------

REGEXES = [
    r"^a.b/(?P<x>\d+)/$",
    r"^[abc]x/(?P<x>\w+)/$",
    r"^[^/]z/(?P<x>\d+)$",
    r"^\d\w\s\D\W\S/(?P<x>.+)$",
    r"^a{3}/(?P<x>[0-9]{2,4})/$",
    r"^a+b*c?/(?P<x>\d+)/$",
    r"^(?:foo|bar)/(?P<x>\d+)/$",
    r"^x(?P<x>a|b)/$",
    r"^(?P<x>\d+)/(?P=x)/$",
    r"^(?P<x>\d+)/(?P<y>\d+)?/?$",
    r"^opt(?:/(?P<x>\d+))?/$",
    r"^pos/(\d+)-(\d+)/$",
    r"^look(?=ahead)/(?P<x>\d+)/$",
    r"^mixed(?P<x>[a-z]+)(\d+)/$",
    r"^(?:a(?:b(?P<x>\d)))/$",
    r"^nested(?:/(?P<a>\d+)(?:/(?P<b>\d+))?)?/$",
    r"^[.]/(?P<x>\d+)$",
    r"^[\d]/(?P<x>\d+)$",
    r"^[-a]/(?P<x>\d+)$",
    r"^a*?/(?P<x>\d+)$",
    r"^(a)?(?P<x>\d+)$",
    r"^word\b/(?P<x>\d+)$",
    r"^(?:x{2}){2}/(?P<x>\d+)$",
    r"^(?P<x>[^/]+)\Z",
]
CALLS: list[tuple[list[Any] | None, dict[str, Any] | None]] = [
    (None, None),
    (["5"], None),
    (["ab"], None),
    (["5", "6"], None),
    ([12], None),
    (None, {"x": "5"}),
    (None, {"x": "ab"}),
    (None, {"a": "1"}),
    (None, {"a": "1", "b": "2"}),
    (None, {"x": "5", "y": "6"}),
]


@pytest.mark.parametrize("regex", REGEXES)
def test_regex_reverse_agrees_with_django(regex: str) -> None:
    conf = types.ModuleType("regex_conf")
    conf.urlpatterns = [dj.re_path(regex, view_a, name="n")]  # type: ignore[attr-defined]
    ours = um.URLMap([um.re_path(regex, view_a, name="n")])
    for args, kwargs in CALLS:
        expected = _outcome(dj.reverse, "n", urlconf=conf, args=args, kwargs=kwargs)
        assert _outcome(ours.reverse, "n", args=args, kwargs=kwargs) == expected, (args, kwargs)


def test_percent_signs_in_patterns_reverse() -> None:
    # Django's reverse() fails with "unsupported format character" here.
    ours = um.URLMap(
        [
            um.re_path(r"^perc%/(?P<x>\d+)/$", view_a, name="re"),
            um.path("100%/<int:x>/", view_a, name="path"),
        ]
    )
    assert ours.reverse("re", args=[5]) == "/perc%25/5/"
    assert ours.reverse("path", args=[5]) == "/100%25/5/"
    assert ours.resolve("/100%/5/").url_name == "path"


def test_positional_plans_format_values_as_str_does() -> None:
    import uuid

    class Shouting(str):
        def __str__(self) -> str:
            return self.upper()

    app = um.URLMap(
        [
            um.path("one/<str:a>/", view_a, name="one"),
            um.path("two%/<int:a>/<uuid:b>/", view_a, name="two"),
            um.re_path(r"^back/(?P<a>\d+)/(?P=a)/$", view_a, name="back"),
            um.path("none%/", view_a, name="none"),
        ]
    )
    u = uuid.UUID("1234abcd-1234-5678-9abc-def012345678")
    calls: list[tuple[str, list[Any] | None, dict[str, Any] | None]] = [
        ("one", [("x", "y")], None),
        ("one", None, {"a": ("x",)}),
        ("one", [Shouting("quiet")], None),
        ("one", [3.5], None),
        ("two", [7, u], None),
        ("two", None, {"b": u, "a": 7}),
        ("two", None, {"a": -1, "b": u}),
        ("back", [4], None),
        ("back", None, {"a": 4}),
        ("none", None, None),
    ]
    for name, args, kwargs in calls:
        full = _outcome(reverse_in, app._root, name, args, kwargs, None, None, None, "/")
        assert _outcome(app.reverse, name, args=args, kwargs=kwargs) == full
        assert _outcome(app.reverse, name, args=args, kwargs=kwargs) == full
    assert app.reverse("one", [Shouting("quiet")]) == "/one/QUIET/"
    assert app.reverse("two", kwargs={"b": u, "a": 7}) == f"/two%25/7/{u}/"
    assert app.reverse("none") == "/none%25/"


def test_unknown_names_do_not_grow_the_caches() -> None:
    app = um.URLMap(build(um) + [um.path("ns/", um.include((build(um), "app")))])
    app.reverse("s", args=["x"])
    app.reverse("app:s", args=["x"])
    before = len(app._reverse_plans)
    for i in range(50):
        for name in (f"nope{i}", f"app:nope{i}", f"ns{i}:s"):
            with pytest.raises(um.NoReverseMatch):
                app.reverse(name, args=["x"])
    assert len(app._reverse_plans) == before
    from manouche.urlmap.resolvers import table

    assert len(table(app.urlpatterns[-1])._ns_cache) == 1  # "app:s" only

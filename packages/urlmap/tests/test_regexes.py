"""re_path() regexes that are awkward to combine or to reverse, against Django."""

from __future__ import annotations

import types
from typing import Any

import django.urls as dj
import pytest
import webob
from urlmap_views import view_a, view_b

import manouche.urlmap as um
from manouche.urlmap._regexes import NESTED, backtracking_degree, safe_length

REGEXES = [
    r"^[]a]/(?P<x>\d+)/$",
    r"^[^]a]b/(?P<x>\d+)/$",
    r"^back/(?P<x>\d+)/(?P=x)/$",
    r"^num/(\d+)/\1/$",
    r"(?i)^CaSe/(?P<x>\d+)/$",
    r"(?x)^ spaced / (?P<x>\d+) /$",
    r"(?s)^dot/.$",
    r"^cond/(?P<x>a)?(?(x)b|c)/$",
    r"^(?>atomic)/(?P<x>\d+)/$",
    r"^poss/(?P<x>\d++)/$",
    r"^cls/[\w.-]+/(?P<x>[\d]+)/$",
    r"^neg/[^/]+/(?P<x>\D+)/$",
    r"^esc/\(\)\[\]/(?P<x>\d+)/$",
    r"^alt/(?:one|two)/(?P<x>\d+)/$",
    r"^look/(?!no)(?P<x>\w+)/$",
    r"^(?P<x>\d+)x(?P<y>\d+)$",
    r"^cat/\s\S\w\W/$",
    r"anywhere/(?P<x>\d+)/$",
    r"^unicode/(?P<x>\w+)/$",
    r"^bound\b(?P<x>\d*)/$",
]

PATHS = [
    "/]/1/",
    "/a/1/",
    "/bb/2/",
    "/]b/2/",
    "/back/3/3/",
    "/back/3/4/",
    "/num/5/5/",
    "/num/5/6/",
    "/case/7/",
    "/CASE/7/",
    "/spaced/8/",
    "/dot/\n",
    "/dot/x",
    "/cond/ab/",
    "/cond/c/",
    "/cond/ac/",
    "/atomic/9/",
    "/poss/10/",
    "/cls/a.b-c/11/",
    "/neg/x/abc/",
    "/neg/x/12/",
    "/esc/()[]/13/",
    "/alt/one/14/",
    "/alt/three/14/",
    "/look/yes/",
    "/look/nope/",
    "/15x16",
    "/cat/ xa!/",
    "/some/where/anywhere/17/",
    "/unicode/déjà/",
    "/bound/",
    "/bound18/",
]


def build(m: Any) -> list[Any]:
    return [
        m.re_path(regex, view_a if i % 2 else view_b, name=f"r{i}")
        for i, regex in enumerate(REGEXES)
    ]


DJ_CONF = types.ModuleType("regexes_conf")
DJ_CONF.urlpatterns = build(dj)  # type: ignore[attr-defined]
OURS = um.URLMap(build(um))


def _summary(match: Any) -> Any:
    return (match.func, match.args, match.kwargs, match.url_name, match.route)


@pytest.mark.parametrize("path", PATHS)
def test_awkward_regexes_resolve_as_django(path: str) -> None:
    try:
        expected = _summary(dj.resolve(path, urlconf=DJ_CONF))
    except dj.Resolver404:
        expected = None
    try:
        got = _summary(OURS.resolve(path))
    except um.Resolver404:
        got = None
    assert got == expected


def test_most_paths_match() -> None:
    # Guard against a vacuous comparison.
    assert sum(_matches(p) for p in PATHS) > 20


def _matches(path: str) -> bool:
    try:
        OURS.resolve(path)
    except um.Resolver404:
        return False
    return True


@pytest.mark.parametrize("index", range(len(REGEXES)))
def test_awkward_regexes_reverse_as_django(index: int) -> None:
    name = f"r{index}"
    for args, kwargs in [
        (None, None),
        (["5"], None),
        (None, {"x": "5"}),
        (None, {"x": "5", "y": "6"}),
    ]:
        try:
            expected = ("url", dj.reverse(name, urlconf=DJ_CONF, args=args, kwargs=kwargs))
        except dj.NoReverseMatch as exc:
            expected = ("error", str(exc))
        except ValueError:
            # Django cannot reverse some constructs at all; we must not crash.
            try:
                OURS.reverse(name, args=args, kwargs=kwargs)
            except um.NoReverseMatch:
                pass
            continue
        try:
            got = ("url", OURS.reverse(name, args=args, kwargs=kwargs))
        except um.NoReverseMatch as exc:
            got = ("error", str(exc))
        assert got == expected, (args, kwargs)


# -- backtracking bounds ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("regex", "degree"),
    [
        (r"^articles/(?P<y>[0-9]+)/(?P<m>[0-9]+)/(?P<s>[-a-zA-Z0-9_]+)/\Z", 1),
        (r"^(?P<a>[0-9]+)-(?P<b>[0-9]+)-(?P<c>[0-9]+)\Z", 1),
        (r"^(?P<a>.+)/(?P<b>.+)\Z", 2),
        (r"^(?P<a>[^/]+)-(?P<b>[^/]+)-(?P<c>[^/]+)\Z", 3),
        (r"^(?P<a>[-\w]+)-(?P<b>[-\w]+)-(?P<c>[-\w]+)-(?P<d>[-\w]+)\Z", 4),
        (r"^(?P<a>.+)/x/(?P<b>.+)/(?P<c>.+)\Z", 3),
        (r"^(?:/(?P<a>\d+))*\Z", 1),
        (r"^(?:/[^/]+)+\Z", 1),
        (r"^(a+)+$", NESTED),
        (r"^(?:-[^/]+)+\Z", NESTED),
        (r"^(?:x+y+)+z", NESTED),
    ],
)
def test_backtracking_degree(regex: str, degree: int) -> None:
    assert backtracking_degree(regex) == degree


def test_safe_lengths_shrink_with_the_degree() -> None:
    assert safe_length(r"^(?P<a>.+)/(?P<b>.+)\Z") is None
    three = safe_length(r"^(?P<a>.+)/(?P<b>.+)/(?P<c>.+)\Z")
    four = safe_length(r"^(?P<a>.+)/(?P<b>.+)/(?P<c>.+)/(?P<d>.+)\Z")
    assert three is not None and four is not None
    assert 256 <= three <= 512
    assert 64 <= four < three
    assert safe_length(r"^(a+)+$") == 24
    # Unanchored and searched: every start position is one more degree.
    assert safe_length(r"(?P<a>.+)/(?P<b>.+)$") is None  # degree 2: no bound
    assert safe_length(r"(?P<a>.+)/(?P<b>.+)", searched=True) == three


BOUNDED = um.URLMap(
    [
        um.path("<str:a>-<str:b>-<str:c>", view_a, name="dashes"),
        um.path("f/<path:a>/<path:b>/<path:c>", view_a, name="paths"),
        um.re_path(r"^(a+)+$", view_b, name="nested"),
        um.path("<path:rest>", view_b, name="fallback"),
    ],
    debug=True,
)


def test_catastrophic_patterns_refuse_long_paths_quickly() -> None:
    # Without the bound each of these takes from seconds to hours.
    assert BOUNDED.resolve("/" + "-" * 4000 + "/").url_name == "fallback"
    assert BOUNDED.resolve("/f/" + "a/" * 2000).url_name == "fallback"
    assert BOUNDED.resolve("/" + "a" * 60 + "!").url_name == "fallback"
    request = webob.Request.blank("/")
    request.environ["PATH_INFO"] = "/" + "-" * 4000 + "/"
    assert request.get_response(um.URLMap(BOUNDED.urlpatterns[:3])).status_int == 404


def test_within_the_bound_results_are_djangos() -> None:
    def build(m: Any) -> list[Any]:
        return [
            m.path("<str:a>-<str:b>-<str:c>", view_a, name="dashes"),
            m.path("f/<path:a>/<path:b>/<path:c>", view_a, name="paths"),
            m.re_path(r"^(a+)+$", view_b, name="nested"),
        ]

    conf = types.ModuleType("bounded_conf")
    conf.urlpatterns = build(dj)  # type: ignore[attr-defined]
    ours = um.URLMap(build(um))
    for path in (
        "/a-b-c",
        "/a-b-c-d",
        "/x--y",
        "/f/a/b/c",
        "/f/a/b/c/d/e",
        "/aaaa",
        "/" + "a" * 20,
    ):
        try:
            expected = _summary(dj.resolve(path, urlconf=conf))
        except dj.Resolver404:
            expected = None
        try:
            got = _summary(ours.resolve(path))
        except um.Resolver404:
            got = None
        assert got == expected, path


def test_reverse_checks_are_bounded_too() -> None:
    assert BOUNDED.reverse("dashes", args=["a", "b", "c"]) == "/a-b-c"
    with pytest.raises(um.NoReverseMatch):
        BOUNDED.reverse("dashes", args=["-" * 3000 + "/", "b", "c"])
    with pytest.raises(um.NoReverseMatch):
        BOUNDED.reverse("dashes", kwargs={"a": "-" * 3000, "b": "-", "c": "-/"})

"""Path converters: Django's five, register_converter, and ValueError meaning "no match"."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import django
import django.urls as dj
import django.urls.converters as dj_converters
import pytest
import webob

import manouche.urlmap as um


def echo(request: webob.Request, **kwargs: Any) -> webob.Response:
    return webob.Response(repr(sorted(kwargs.items())))


SAMPLES = [
    "0",
    "42",
    "007",
    "-1",
    "abc",
    "a-b_c",
    "a b",
    "a/b",
    "é",
    "12345678-1234-5678-1234-567812345678",
    "12345678-1234-5678-1234-56781234567Z",
    "ABCDEF01-1234-5678-1234-567812345678",
]


@pytest.mark.parametrize("type_name", ["int", "str", "slug", "uuid", "path"])
def test_builtin_converters_agree_with_django(type_name: str) -> None:
    ours = um.get_converters()[type_name]
    theirs = dj_converters.get_converters()[type_name]
    assert ours.regex == theirs.regex
    import re

    for sample in SAMPLES:
        if re.fullmatch(theirs.regex, sample) is None:
            assert re.fullmatch(ours.regex, sample) is None
            continue
        assert ours.to_python(sample) == theirs.to_python(sample)
        value = theirs.to_python(sample)
        assert ours.to_url(value) == theirs.to_url(value)


def test_builtin_converter_values() -> None:
    app = um.URLMap(
        [
            um.path("i/<int:n>/", echo),
            um.path("u/<uuid:u>/", echo),
            um.path("s/<slug:s>/", echo),
            um.path("p/<path:p>", echo),
            um.path("d/<name>/", echo),
        ]
    )
    assert app.resolve("/i/007/").kwargs == {"n": 7}
    u = uuid.UUID("1234abcd-1234-5678-9abc-def012345678")
    assert app.resolve(f"/u/{u}/").kwargs == {"u": u}
    with pytest.raises(um.Resolver404):
        app.resolve(f"/u/{str(u).upper()}/")
    assert app.resolve("/s/a-b_c/").kwargs == {"s": "a-b_c"}
    assert app.resolve("/p/a/b/c").kwargs == {"p": "a/b/c"}
    assert app.resolve("/d/x y/").kwargs == {"name": "x y"}  # no converter means str


class Even:
    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        if int(value) % 2:
            raise ValueError("odd")
        return int(value)

    def to_url(self, value: Any) -> str:
        if int(value) % 2:
            raise ValueError("odd")
        return str(value)


class Broken:
    regex = "[a-z]+"

    def to_python(self, value: str) -> str:
        raise KeyError("a bug, not a refusal")

    def to_url(self, value: Any) -> str:
        raise KeyError("a bug, not a refusal")


@pytest.fixture
def registry() -> um.ConverterRegistry:
    registry = um.ConverterRegistry()
    registry.register(Even, "even")
    registry.register(Broken(), "broken")
    return registry


def test_value_error_in_to_python_means_no_match(registry: um.ConverterRegistry) -> None:
    app = um.URLMap(
        [
            um.path("n/<even:n>/", echo, name="even", converters=registry),
            um.path("n/<int:n>/", echo, name="any"),
            um.path("inc/", um.include([um.path("<even:n>/", echo, converters=registry)])),
            um.path("inc/<int:n>/", echo, name="inc-any"),
        ]
    )
    assert app.resolve("/n/4/").url_name == "even"
    assert app.resolve("/n/5/").url_name == "any"
    assert app.resolve("/inc/5/").url_name == "inc-any"
    assert app.resolve("/inc/6/").url_name is None


def test_value_error_in_to_url_means_try_the_next(registry: um.ConverterRegistry) -> None:
    app = um.URLMap(
        [
            um.path("odd/<int:n>/", echo, name="n"),
            # Of several patterns with one name, reverse() tries the last first (Django).
            um.path("even/<even:n>/", echo, name="n", converters=registry),
        ]
    )
    assert app.reverse("n", args=[4]) == "/even/4/"
    assert app.reverse("n", args=[5]) == "/odd/5/"
    # the same call shape again, other values: the cached plan still decides per value
    assert app.reverse("n", args=[6]) == "/even/6/"
    assert app.reverse("n", kwargs={"n": 7}) == "/odd/7/"
    only_even = um.URLMap([um.path("e/<even:n>/", echo, name="e", converters=registry)])
    with pytest.raises(um.NoReverseMatch, match="with arguments '\\(3,\\)' not found"):
        only_even.reverse("e", args=[3])


def test_other_exceptions_from_converters_propagate(registry: um.ConverterRegistry) -> None:
    app = um.URLMap([um.path("b/<broken:x>/", echo, name="b", converters=registry)])
    with pytest.raises(KeyError, match="a bug"):
        app.resolve("/b/abc/")
    with pytest.raises(KeyError, match="a bug"):
        app.reverse("b", args=["abc"])


def test_register_converter_on_the_default_registry() -> None:
    class Year:
        regex = "[0-9]{4}"

        def to_python(self, value: str) -> int:
            return int(value)

        def to_url(self, value: Any) -> str:
            return f"{int(value):04d}"

    um.register_converter(Year, "year4-test")
    try:
        assert "year4-test" in um.get_converters()
        app = um.URLMap([um.path("y/<year4-test:y>/", echo, name="y")])
        assert app.resolve("/y/2024/").kwargs == {"y": 2024}
        assert app.reverse("y", args=[33]) == "/y/0033/"
        with pytest.raises(ValueError, match="'year4-test' is already registered"):
            um.register_converter(Year, "year4-test")
    finally:
        um.default_converters.unregister("year4-test")
    assert "year4-test" not in um.get_converters()


def test_re_registering_a_name_raises_as_django_6() -> None:
    with pytest.raises(ValueError) as got:
        um.register_converter(Even, "int")
    assert str(got.value) == "Converter 'int' is already registered."
    if django.VERSION >= (6,):  # Django 5.2 only warns, then replaces
        with pytest.raises(ValueError) as expected:
            dj.register_converter(Even, "int")
        assert str(got.value) == str(expected.value)


@pytest.mark.parametrize(
    ("converter", "type_name", "message"),
    [
        (object(), "nothing", "must have a 'regex' string attribute"),
        (type("NoUrl", (), {"regex": "x", "to_python": lambda s, v: v}), "nourl", "to_url()"),
        (Even, "", "Invalid converter type name ''"),
        (Even, "a:b", "Invalid converter type name 'a:b'"),
        (Even, "a>b", "Invalid converter type name 'a>b'"),
    ],
)
def test_bad_converters_are_refused(converter: Any, type_name: str, message: str) -> None:
    registry = um.ConverterRegistry(builtins=False)
    with pytest.raises(
        um.ImproperlyConfigured, match=message.replace("(", r"\(").replace(")", r"\)")
    ):
        registry.register(converter, type_name)
    assert registry.names() == []


def test_registry_lookups_name_what_is_missing() -> None:
    registry = um.ConverterRegistry(builtins=False)
    with pytest.raises(KeyError, match="'int' is not registered"):
        registry.get("int")
    with pytest.raises(KeyError, match="'int' is not registered"):
        registry.unregister("int")
    full = um.ConverterRegistry()
    assert full.names() == ["int", "path", "slug", "str", "uuid"]
    assert isinstance(full.get("int"), um.Converter)


@pytest.fixture
def clean_default() -> Iterator[None]:
    before = um.default_converters.names()
    yield
    assert um.default_converters.names() == before


@pytest.mark.usefixtures("clean_default")
def test_get_converters_is_a_copy() -> None:
    converters = um.get_converters()
    converters["zzz"] = converters["int"]
    assert "zzz" not in um.get_converters()


@pytest.mark.parametrize(
    "digits",
    [str(2**63), str(2**64), "9" * 40, "1" + "0" * 300, "0" * 30 + str(2**63)],
)
def test_int_beyond_64_bits_is_not_a_match(digits: str) -> None:
    # Django's converter returns the int and its ORM finds no row (a 404);
    # here the URL does not match at all, so the view never sees the number.
    app = um.URLMap([um.path("i/<int:n>/", echo)])
    response = webob.Request.blank(f"/i/{digits}/").get_response(app)
    assert response.status_code == 404
    with pytest.raises(ValueError, match="64-bit"):
        um.IntConverter().to_python(digits)


def test_int_up_to_64_bits_matches() -> None:
    app = um.URLMap([um.path("i/<int:n>/", echo)])
    for digits, value in [(str(2**63 - 1), 2**63 - 1), ("0" * 30 + "7", 7)]:
        response = webob.Request.blank(f"/i/{digits}/").get_response(app)
        assert response.status_code == 200
        assert response.text == repr([("n", value)])


def test_int_of_thousands_of_digits_is_refused_before_int() -> None:
    # Past Python's 4,300-digit int() limit too: a ValueError, never the time of a conversion.
    with pytest.raises(ValueError, match="64-bit"):
        um.IntConverter().to_python("1" + "0" * 5000)

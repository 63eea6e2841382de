"""Django's tags that have a Jinja2 form, against Django: the same output for the same input.

Each test renders Django's spelling with Django and the README's Jinja2
spelling with tplkit (``{% now "Y" %}`` / ``{{ now("Y") }}``...).
"""

from __future__ import annotations

import warnings
from typing import Any

import pytest
import webob
from markupsafe import Markup

from manouche.tplkit import create_environment


@pytest.fixture(scope="module")
def django_engine(django_settings: Any) -> Any:
    from django.template import Engine

    return Engine(libraries={"static": "django.templatetags.static"})


def _django(engine: Any, source: str, request: Any = None, **context: Any) -> str:
    from django.template import Context, RequestContext

    template = engine.from_string(source)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        if request is not None:
            return template.render(RequestContext(request, context))  # type: ignore[no-any-return]
        return template.render(Context(context))  # type: ignore[no-any-return]


def _ours(source: str, **context: Any) -> str:
    from django.urls import reverse

    env = create_environment(time_zone="UTC", static_url="/static/", reverse=reverse)
    return env.from_string(source).render(context)


PAIRS = [
    # (Django, tplkit, context)
    ('{% now "Y" %}', '{{ now("Y") }}', {}),
    ('{% now "Y" as year %}[{{ year }}]', '{% set year = now("Y") %}[{{ year }}]', {}),
    (
        "{% for x in xs %}{% cycle 'odd' 'even' %} {% endfor %}",
        "{% for x in xs %}{{ loop.cycle('odd', 'even') }} {% endfor %}",
        {"xs": [1, 2, 3]},
    ),
    (
        "{% for x in xs %}{% cycle a b %} {% endfor %}",
        "{% for x in xs %}{{ loop.cycle(a, b) }} {% endfor %}",
        {"xs": [1, 2, 3], "a": "<a>", "b": Markup("<b>")},
    ),
    (
        "{% for x in xs %}{% cycle 'a' 'b' as c silent %}{{ c }}{% endfor %}",
        "{% set c = cycler('a', 'b') %}{% for x in xs %}{{ c.next() }}{% endfor %}",
        {"xs": [1, 2, 3]},
    ),
    ("{% firstof a b 'z' %}", "{{ firstof(a, b, 'z') }}", {"a": 0, "b": "<b>"}),
    ("{% firstof a b %}", "{{ firstof(a, b) }}", {"a": 0, "b": ""}),
    ("{% firstof a b as x %}[{{ x }}]", "{% set x = firstof(a, b) %}[{{ x }}]", {"a": "", "b": 5}),
    ("{% widthratio v m 100 %}", "{{ widthratio(v, m, 100) }}", {"v": 175, "m": 200}),
    ("{% widthratio v m 100 %}", "{{ widthratio(v, m, 100) }}", {"v": 175, "m": 0}),
    ("{% widthratio v m 100 %}", "{{ widthratio(v, m, 100) }}", {"v": "x", "m": 10}),
    ("{% widthratio v m 100 %}", "{{ widthratio(v, m, 100) }}", {"v": 5, "m": "10.0"}),
    ("{% widthratio v m w %}", "{{ widthratio(v, m, w) }}", {"v": 1, "m": 3, "w": "7"}),
    (
        "{% spaceless %} <p>\n <a href='x'> a </a>\n</p> {% endspaceless %}",
        "{% filter spaceless %} <p>\n <a href='x'> a </a>\n</p> {% endfilter %}",
        {},
    ),
    (
        "{% spaceless %}<b> {{ v }} </b> <i></i>{% endspaceless %}",
        "{% filter spaceless %}<b> {{ v }} </b> <i></i>{% endfilter %}",
        {"v": "<x> y"},
    ),
    ("{% lorem %}", "{{ lorem() }}", {}),
    ("{% lorem 3 w %}", '{{ lorem(3, "w") }}', {}),
    ("{% lorem 19 w %}", '{{ lorem(19, "w") }}', {}),
    ("{% lorem 1 p %}", '{{ lorem(1, "p") }}', {}),
    (
        "{% regroup xs by c as groups %}{% for g in groups %}{{ g.grouper }}:"
        "{% for x in g.list %}{{ x.n }},{% endfor %};{% endfor %}",
        "{% for g in xs|regroup('c') %}{{ g.grouper }}:"
        "{% for x in g.list %}{{ x.n }},{% endfor %};{% endfor %}",
        {
            "xs": [
                {"c": "<b>", "n": 1},
                {"c": "<b>", "n": 2},
                {"c": "a", "n": 3},
                {"c": "<b>", "n": 4},
                {"n": 5},
            ]
        },
    ),
    (
        "{% regroup xs by c.d as groups %}"
        "{% for g in groups %}{{ g.grouper }}={{ g.list|length }};{% endfor %}",
        "{% for g in xs|regroup('c.d') %}{{ g.grouper }}={{ g.list|length }};{% endfor %}",
        {"xs": [{"c": {"d": 1}}, {"c": {"d": 1}}, {"c": {"d": 2}}]},
    ),
    ("{% regroup missing by c as g %}[{{ g|length }}]", "[{{ missing|regroup('c')|length }}]", {}),
    ("{% url 'home' %}", "{{ url('home') }}", {}),
    ("{% url 'post' 2024 'a-b' %}", "{{ url('post', 2024, 'a-b') }}", {}),
    ("{% url 'post' year=2024 slug=s %}", "{{ url('post', year=2024, slug=s) }}", {"s": "x"}),
    ("{% url 'search' q %}", "{{ url('search', q) }}", {"q": "a&b <c>"}),
    ("{% url 'home' as h %}[{{ h }}]", "{% set h = url('home') %}[{{ h }}]", {}),
    (
        "{% for x in xs %}{% cycle 'a' 'b' 'c' %}{% if forloop.counter == 2 %}{% resetcycle %}"
        "{% endif %}{% endfor %}",
        "{% set c = cycler('a', 'b', 'c') %}{% for x in xs %}{{ c.next() }}"
        "{% if loop.index == 2 %}{{ c.reset() or '' }}{% endif %}{% endfor %}",
        {"xs": [1, 2, 3, 4]},
    ),
    (
        "{% autoescape off %}{{ v }}{% endautoescape %}{{ v }}",
        "{% autoescape false %}{{ v }}{% endautoescape %}{{ v }}",
        {"v": "<b>"},
    ),
    (
        "{% for x in xs %}{{ forloop.counter }}{{ x }}{% empty %}none{% endfor %}",
        "{% for x in xs %}{{ loop.index }}{{ x }}{% else %}none{% endfor %}",
        {"xs": ["<a>", "b"]},
    ),
    (
        "{% for x in xs %}{{ forloop.counter }}{{ x }}{% empty %}none{% endfor %}",
        "{% for x in xs %}{{ loop.index }}{{ x }}{% else %}none{% endfor %}",
        {"xs": []},
    ),
    (
        "{% for x in xs %}{% ifchanged x %}{{ x }}{% endifchanged %}{% endfor %}",
        "{% for x in xs %}{% if loop.changed(x) %}{{ x }}{% endif %}{% endfor %}",
        {"xs": [1, 1, 2, 2, 1]},
    ),
    (
        "{% with t=a.b %}{{ t }}{% endwith %}",
        "{% with t=a.b %}{{ t }}{% endwith %}",
        {"a": {"b": "<"}},
    ),
    (
        "{% filter upper %}a{{ v }}{% endfilter %}",
        "{% filter upper %}a{{ v }}{% endfilter %}",
        {"v": "<b>"},
    ),
    ("{% verbatim %}{{ x }}{% endverbatim %}", "{% raw %}{{ x }}{% endraw %}", {}),
    ("a{% comment %}x{% endcomment %}b", "a{# x #}b", {}),
    ("{% templatetag openblock %}", '{{ "{%" }}', {}),
    ("{% load static %}{% static 'css/a b.css' %}", "{{ static('css/a b.css') }}", {}),
    ("{% load static %}{% static p %}", "{{ static(p) }}", {"p": "x&y/é.png"}),
]


@pytest.mark.parametrize(("django_source", "jinja_source", "context"), PAIRS)
def test_tag_matches_django(
    django_engine: Any, django_source: str, jinja_source: str, context: dict[str, Any]
) -> None:
    assert _ours(jinja_source, **context) == _django(django_engine, django_source, **context)


def test_firstof_and_cycle_escape_as_django(django_engine: Any) -> None:
    # A literal in a Django tag is the author's text; in a Jinja2 call it is text
    # to escape unless marked: the README spells Django's '<z>' as '<z>'|safe.
    for value in ["<x>", Markup("<x>"), "it's"]:
        ctx = {"a": value, "xs": [1, 2]}
        assert _ours("{{ firstof(a) }}", **ctx) == _django(django_engine, "{% firstof a %}", **ctx)
        assert _ours(
            "{% for x in xs %}{{ loop.cycle(a, '<z>'|safe) }}{% endfor %}", **ctx
        ) == _django(django_engine, "{% for x in xs %}{% cycle a '<z>' %}{% endfor %}", **ctx)


def test_widthratio_needs_a_number_as_width(django_engine: Any) -> None:
    from django.template import TemplateSyntaxError

    with pytest.raises(TemplateSyntaxError):
        _django(django_engine, "{% widthratio 1 2 w %}", w="x")
    with pytest.raises(ValueError, match="widthratio's last argument must be a number"):
        _ours("{{ widthratio(1, 2, w) }}", w="x")
    # A missing value shows nothing in both.
    assert _ours("{{ widthratio(missing, 2, 100) }}") == ""
    assert _django(django_engine, "{% widthratio missing 2 100 %}") == ""


def test_lorem_random_is_latin_of_the_right_size(django_engine: Any) -> None:
    common = _django(django_engine, "{% lorem 19 w %}").split()
    words = _ours('{{ lorem(30, "w") }}').split()
    assert len(words) == 30 and words[:19] == common
    words = _ours('{{ lorem(50, "w", random=True) }}').split()
    assert len(words) == 50
    paragraphs = _ours('{{ lorem(3, "p", random=True) }}').split("\n\n")
    assert len(paragraphs) == 3 and all(p.startswith("<p>") for p in paragraphs)
    assert not paragraphs[0].startswith("<p>Lorem ipsum dolor sit amet, consectetur")


QUERIES = [
    ("", "{% querystring %}", "{{ querystring() }}", {}),
    ("a=1&a=2&b=x", "{% querystring %}", "{{ querystring() }}", {}),
    ("a=1&a=2&b=x", "{% querystring b=3 %}", "{{ querystring(b=3) }}", {}),
    ("a=1&a=2&b=x", "{% querystring a=None %}", "{{ querystring(a=None) }}", {}),
    ("a=1&b=x", "{% querystring c=l %}", "{{ querystring(c=l) }}", {"l": [1, None, "<2>"]}),
    ("a=1", "{% querystring c=l %}", "{{ querystring(c=l) }}", {"l": [None]}),
    ("a=1", "{% querystring d %}", "{{ querystring(d) }}", {"d": {"x": "é &", "y": None}}),
    ("a=1", "{% querystring d page=2 %}", "{{ querystring(d, page=2) }}", {"d": {"x": "1"}}),
    ("page=1&q=a+b", "{% querystring page=2 %}", "{{ querystring(page=2) }}", {}),
]


@pytest.mark.parametrize(("query", "django_source", "jinja_source", "context"), QUERIES)
def test_querystring_matches_django(
    django_engine: Any, query: str, django_source: str, jinja_source: str, context: Any
) -> None:
    from django.test import RequestFactory

    django_request = RequestFactory().get("/list/?" + query)
    expected = _django(django_engine, django_source, request=django_request, **context)
    request = webob.Request.blank("/list/?" + query)
    env = create_environment()
    assert env.from_string(jinja_source).render(context, request=request) == expected


def test_querystring_refuses_what_is_not_a_mapping() -> None:
    with pytest.raises(TypeError, match="takes mappings"):
        _ours("{{ querystring(3) }}")
    with pytest.raises(TypeError, match="string keys"):
        _ours("{{ querystring(d) }}", d={1: "x"})


def test_csrf_token_matches_django(django_engine: Any) -> None:
    request = webob.Request.blank("/")
    request.environ["manouche.csrf_token"] = "tok<en>"
    env = create_environment()
    ours = env.render_to_string(env.from_string("{{ csrf_input }}"), {}, request)
    assert ours == _django(django_engine, "{% csrf_token %}", csrf_token="tok<en>")


def test_inheritance_and_include_match_django(django_settings: Any) -> None:
    import jinja2
    from django.template import Context, Engine

    django_templates = {
        "base.html": "<h1>{% block title %}Site{% endblock %}</h1>{% block b %}{% endblock %}",
        "row.html": "<li>{{ x }}</li>",
        "page.html": (
            '{% extends "base.html" %}{% block title %}{{ t }}{% endblock %}'
            '{% block b %}{% include "row.html" with x=t %}{% endblock %}'
        ),
    }
    jinja_templates = dict(
        django_templates,
        **{
            "page.html": (
                '{% extends "base.html" %}{% block title %}{{ t }}{% endblock %}'
                '{% block b %}{% with x=t %}{% include "row.html" %}{% endwith %}{% endblock %}'
            )
        },
    )
    engine = Engine(loaders=[("django.template.loaders.locmem.Loader", django_templates)])
    expected = engine.get_template("page.html").render(Context({"t": "<T>"}))
    env = create_environment(loader=jinja2.DictLoader(jinja_templates))
    assert env.get_template("page.html").render(t="<T>") == expected

"""Template partials: the same source renders as in Django 6.0's engine."""

from __future__ import annotations

from typing import Any

import jinja2
import pytest

from manouche.tplkit import PartialsExtension, create_environment

PAGE = (
    "{% partialdef row %}<tr><td>{{ item }}</td><td>{{ title }}</td></tr>{% endpartialdef %}"
    "<h1>{{ title }}</h1><table>{% for item in items %}{% partial row %}{% endfor %}</table>"
    "{% partialdef footer inline %}<footer>{{ title }}</footer>{% endpartialdef footer %}"
    "{% partial footer %}"
)
CONTEXT = {"title": "Tom & <Jerry>", "items": ["a", "<b>", "c"], "item": "outside"}


@pytest.fixture(scope="module")
def django_engine(django_settings: Any) -> Any:
    import django

    if django.VERSION < (6, 0):
        pytest.skip("template partials are new in Django 6.0")
    from django.template import Engine

    return Engine(loaders=[("django.template.loaders.locmem.Loader", {"page.html": PAGE})])


@pytest.fixture
def env() -> Any:
    return create_environment(loader=jinja2.DictLoader({"page.html": PAGE}))


def test_page_matches_django(django_engine: Any, env: Any) -> None:
    from django.template import Context

    expected = django_engine.get_template("page.html").render(Context(CONTEXT))
    assert env.render_to_string("page.html", CONTEXT) == expected
    assert expected.count("<tr>") == 3 and "&lt;b&gt;" in expected


@pytest.mark.parametrize("partial", ["row", "footer"])
def test_partial_alone_matches_django(django_engine: Any, env: Any, partial: str) -> None:
    from django.template import Context

    expected = django_engine.get_template(f"page.html#{partial}").render(Context(CONTEXT))
    assert env.render_to_string(f"page.html#{partial}", CONTEXT) == expected


def test_partial_in_a_plain_environment_and_errors() -> None:
    env = jinja2.Environment(extensions=[PartialsExtension])
    assert env.from_string("{% partialdef p %}x{% endpartialdef %}[{% partial p %}]").render() == (
        "[x]"
    )
    with pytest.raises(jinja2.TemplateRuntimeError, match="no partial named 'nope'"):
        env.from_string("{% partial nope %}").render()
    with pytest.raises(jinja2.TemplateSyntaxError, match="only the word 'inline'"):
        env.from_string("{% partialdef p other %}{% endpartialdef %}")

"""render(), render_to_string(), context processors, request values, blocks alone, hooks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
import pytest
import webob

from manouche.tplkit import (
    BlockNotFound,
    create_environment,
    get_context,
    render,
    render_block,
    render_to_string,
)

PAGE = """{% extends "base.html" %}
{% block title %}Rows of {{ owner }}{% endblock %}
{% block content %}<table>{% block rows %}{% for r in rows %}\
<tr><td>{{ r }}</td><td>{{ user }}</td></tr>{% endfor %}{% endblock %}</table>{% endblock %}
"""
BASE = (
    "<title>{% block title %}{% endblock %}</title>"
    "<main>{% block content %}{% endblock %}</main>"
    "<footer>{{ site }}</footer>"
)


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    (tmp_path / "base.html").write_text(BASE)
    (tmp_path / "page.html").write_text(PAGE)
    (tmp_path / "form.html").write_text(
        '<form method="post">{{ csrf_input }}</form><script nonce="{{ csp_nonce }}"></script>'
    )
    (tmp_path / "email.txt").write_text("Hi {{ name }}")
    return tmp_path


def site(request: Any) -> dict[str, Any]:
    return {"site": "Example", "user": request.environ.get("REMOTE_USER", "anon")}


@pytest.fixture
def env(templates: Path) -> Any:
    return create_environment(templates, context_processors=[site])


def make_request(**environ: Any) -> webob.Request:
    request = webob.Request.blank("/")
    request.environ.update(environ)
    return request


def test_render_returns_a_webob_response(env: Any) -> None:
    request = make_request(REMOTE_USER="<ann>")
    response = env.render(request, "page.html", {"owner": "Bo", "rows": [1, 2]}, status=201)
    assert isinstance(response, webob.Response)
    assert response.status_int == 201
    assert response.content_type == "text/html"
    assert response.charset == "utf-8"
    assert response.text == (
        "<title>Rows of Bo</title><main><table><tr><td>1</td><td>&lt;ann&gt;</td></tr>"
        "<tr><td>2</td><td>&lt;ann&gt;</td></tr></table></main><footer>Example</footer>"
    )
    same = render(request, "page.html", {"owner": "Bo", "rows": [1, 2]}, 201, env=env)
    assert same.body == response.body


def test_render_options(env: Any) -> None:
    response = render(
        make_request(),
        "email.txt",
        {"name": "é"},
        env=env,
        content_type="text/plain",
        charset="latin-1",
        headers={"X-Test": "1"},
    )
    assert response.headers["Content-Type"] == "text/plain; charset=latin-1"
    assert response.body == "Hi é".encode("latin-1")
    assert response.headers["X-Test"] == "1"


def test_view_context_wins_over_processors(env: Any) -> None:
    out = env.render_to_string(
        "page.html", {"owner": "x", "rows": [1], "site": "Mine"}, request=make_request()
    )
    assert "<footer>Mine</footer>" in out and "anon" in out


def test_without_request_no_processors_run(env: Any) -> None:
    out = render_to_string("page.html", {"owner": "x", "rows": []}, env=env)
    assert "<footer></footer>" in out


def test_csrf_input_and_csp_nonce(env: Any) -> None:
    request = make_request(**{"manouche.csrf_token": 'tok"<en>', "manouche.csp_nonce": "n0nce"})
    out = env.render_to_string("form.html", request=request)
    assert out == (
        '<form method="post"><input type="hidden" name="csrfmiddlewaretoken" '
        'value="tok&#34;&lt;en&gt;"></form><script nonce="n0nce"></script>'
    )
    bare = env.render_to_string("form.html", request=make_request())
    assert bare == '<form method="post"></form><script nonce=""></script>'
    # A tplkit environment reads them when a template asks; a plain one gets them in the context.
    assert get_context(env, None, request) == {
        "request": request,
        "site": "Example",
        "user": "anon",
    }
    ctx = get_context(jinja2.Environment(), None, request)
    assert ctx["csrf_token"] == 'tok"<en>' and ctx["request"] is request


def test_csrf_input_matches_django(django_settings: Any) -> None:
    from django.template.backends.utils import csrf_input
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.META["CSRF_COOKIE"] = "A" * 32
    expected = str(csrf_input(request))
    token = expected.split('value="')[1].split('"')[0]
    ctx = get_context(jinja2.Environment(), None, make_request(**{"manouche.csrf_token": token}))
    assert str(ctx["csrf_input"]) == expected


def test_context_processor_must_return_a_mapping(templates: Path) -> None:
    env = create_environment(templates, context_processors=[lambda request: ["nope"]])
    with pytest.raises(TypeError, match="returned list, not a mapping"):
        env.render_to_string("email.txt", request=make_request())


def test_render_one_block_alone(env: Any) -> None:
    request = make_request(REMOTE_USER="cy")
    ctx = {"owner": "Bo", "rows": ["a", "<b>"]}
    rows = env.render_to_string("page.html#rows", ctx, request)
    assert rows == "<tr><td>a</td><td>cy</td></tr><tr><td>&lt;b&gt;</td><td>cy</td></tr>"
    full = env.render_to_string("page.html", ctx, request)
    assert rows in full
    assert render_block(env, "page.html", "title", ctx) == "Rows of Bo"
    response = env.render(request, "page.html#content", ctx)
    assert response.text == f"<table>{rows}</table>"
    with pytest.raises(BlockNotFound, match="no block 'nope' .*content, rows, title"):
        env.render_to_string("page.html#nope", ctx)
    with pytest.raises(ValueError, match="template.html#block"):
        env.render_to_string("page.html#", ctx)


def test_block_errors_name_the_template(templates: Path) -> None:
    (templates / "bad.html").write_text("{% block b %}\n{{ 1 // 0 }}{% endblock %}")
    env = create_environment(templates)
    with pytest.raises(ZeroDivisionError) as info:
        env.render_to_string("bad.html#b")
    assert info.value.__notes__ == ['in template "bad.html", line 2']


def test_block_inline_partial_reused_with_self(env: Any) -> None:
    tmpl = env.from_string("{% block item %}[{{ x }}]{% endblock %} again: {{ self.item() }}")
    assert tmpl.render(x=1) == "[1] again: [1]"
    assert render_block(env, tmpl, "item", {"x": 2}) == "[2]"


def test_module_functions_work_with_a_plain_jinja_environment(templates: Path) -> None:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(templates), autoescape=True)
    out = render_to_string("form.html", {}, make_request(**{"manouche.csp_nonce": "z"}), env=env)
    assert out == '<form method="post"></form><script nonce="z"></script>'


def test_url_and_static_hooks() -> None:
    calls: list[Any] = []

    def reverse(viewname: str, args: Any = None, kwargs: Any = None) -> str:
        calls.append((viewname, args, kwargs))
        return "/" + "/".join([viewname, *map(str, args or []), *(kwargs or {}).values()]) + "/"

    env = create_environment(reverse=reverse, static_url="/static/")
    out = env.from_string(
        "{{ url('home') }} {{ url('post', 7, 'a b') }} {{ url('tag', slug='x') }}"
        " {{ static('css/site a.css') }} {{ static('/js/x.js') }}"
    ).render()
    assert out == "/home/ /post/7/a b/ /tag/x/ /static/css/site%20a.css /static/js/x.js"
    assert calls == [("home", None, None), ("post", [7, "a b"], None), ("tag", None, {"slug": "x"})]
    with pytest.raises(TypeError, match="not both"):
        env.from_string("{{ url('x', 1, a=2) }}").render()
    cdn = create_environment(static_url=lambda path: f"https://cdn.example/{path}?v=3")
    assert cdn.from_string("{{ static('a.css') }}").render() == "https://cdn.example/a.css?v=3"
    bare = create_environment()
    with pytest.raises(RuntimeError, match="reverse="):
        bare.from_string("{{ url('x') }}").render()
    with pytest.raises(RuntimeError, match="static_url="):
        bare.from_string("{{ static('x') }}").render()


def test_url_with_djangos_reverse_signature(django_settings: Any) -> None:
    """Any reverse callable with Django's signature plugs in (urlmap's is one)."""
    from django.urls import path, reverse

    def view(request: Any) -> None:
        return None

    class Conf:
        urlpatterns = [path("posts/<int:pk>/", view, name="post")]

    def django_reverse(viewname: str, args: Any = None, kwargs: Any = None) -> str:
        return reverse(viewname, urlconf=Conf, args=args, kwargs=kwargs)

    env = create_environment(reverse=django_reverse)
    assert env.from_string("{{ url('post', 3) }}|{{ url('post', pk=4) }}").render() == (
        "/posts/3/|/posts/4/"
    )


def test_request_values_are_globals_in_a_tplkit_environment(env: Any) -> None:
    request = make_request(**{"manouche.csrf_token": "abc", "manouche.csp_nonce": "n1"})
    tmpl = env.get_template("form.html")
    assert tmpl.render(request=request) == (
        '<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="abc">'
        '</form><script nonce="n1"></script>'
    )
    # Included templates and macros see them too; a value passed explicitly wins.
    page = env.from_string('{% include "form.html" %}|{{ csp_nonce }}')
    assert page.render(request=request, csp_nonce="mine").endswith("|mine")
    assert 'value="abc"' in page.render(request=request)
    # Without a request they are undefined, as any other name.
    assert env.from_string("[{{ csrf_input }}]").render() == "[]"
    strict = create_environment(strict=True)
    with pytest.raises(jinja2.UndefinedError):
        strict.from_string("{{ csrf_input }}").render()


def test_lazy_csrf_token_is_made_only_when_a_template_asks(env: Any) -> None:
    made: list[str] = []

    def make_token() -> str:
        made.append("x")
        return "lazy<tok>"

    request = make_request(**{"manouche.csrf_token": make_token})
    assert env.get_template("email.txt").render(request=request, name="a") == "Hi a"
    assert made == []
    assert env.render_to_string("email.txt", {"name": "b"}, request) == "Hi b"
    assert made == []
    assert env.from_string("{{ csrf_token }}").render(request=request) == "lazy&lt;tok&gt;"
    assert made == ["x"]

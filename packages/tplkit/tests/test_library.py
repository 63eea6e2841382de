"""Template libraries: registering, simple tags, entry point discovery, Flask."""

from __future__ import annotations

import importlib.metadata
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jinja2
import pytest
from markupsafe import Markup

from manouche.tplkit import ENTRY_POINT_GROUP, Library, LibraryError, create_environment
from manouche.tplkit import load_libraries as load


def make_library() -> Library:
    lib = Library("demo")

    @lib.filter
    def shout(value: str) -> str:
        return f"{value}!"

    @lib.filter("double")
    def twice(value: str) -> str:
        return value * 2

    @lib.test(name="even_len")
    def has_even_length(value: str) -> bool:
        return len(value) % 2 == 0

    @lib.function
    def greet(name: str) -> str:
        return f"hello {name}"

    lib.add_global("site_name", "Manouche & Co")

    @lib.simple_tag
    def tag_add(a: int, b: int = 0, *, scale: int = 1) -> int:
        return (a + b) * scale

    @lib.simple_tag(takes_context=True, name="whoami")
    def who(context: Any, suffix: str = "") -> str:
        return f"<{context['user']}>{suffix}"

    @lib.simple_tag
    def bold(text: str) -> Markup:
        return Markup("<b>%s</b>") % text

    return lib


def test_filters_tests_globals() -> None:
    env = make_library().install(jinja2.Environment(autoescape=True))
    out = env.from_string(
        "{{ 'hi'|shout }} {{ 'ab'|double }} {{ 'ab' is even_len }} {{ greet('x') }} {{ site_name }}"
    ).render()
    assert out == "hi! abab True hello x Manouche &amp; Co"


def test_simple_tags_arguments_and_as() -> None:
    env = make_library().install(jinja2.Environment(autoescape=True))
    assert env.from_string("{% tag_add 1 2 %}").render() == "3"
    assert env.from_string("{% tag_add 1, 2, scale=10 %}").render() == "30"
    assert env.from_string("{% tag_add n b=4 %}").render(n=1) == "5"
    assert env.from_string("{% tag_add 2 as total %}[{{ total * 2 }}]").render() == "[4]"
    assert env.from_string("{% whoami '?' %}").render(user="<ann>") == "&lt;&lt;ann&gt;&gt;?"
    assert env.from_string("{% bold t %}").render(t="<i>") == "<b>&lt;i&gt;</b>"
    with pytest.raises(jinja2.TemplateSyntaxError, match="nothing may follow"):
        env.from_string("{% tag_add 1 as x y %}")


def test_two_libraries_share_the_tag_extension() -> None:
    env = jinja2.Environment()
    make_library().install(env)
    other = Library()
    other.simple_tag(lambda: "second", name="second")
    other.install(env)
    assert env.from_string("{% second %} {% tag_add 1 %}").render() == "second 1"


def test_registration_errors() -> None:
    lib = Library()
    with pytest.raises(LibraryError, match="must be callable"):
        lib.filter("x", 42)  # type: ignore[call-overload]
    with pytest.raises(LibraryError, match="name must be a string"):
        lib.filter(3)  # type: ignore[call-overload]
    with pytest.raises(LibraryError, match="identifier"):
        lib.add_global("not valid", 1)
    with pytest.raises(LibraryError, match="identifier"):
        lib.simple_tag(lambda: 1, name="bad-name")
    with pytest.raises(LibraryError, match="'include' is a Jinja2 statement"):
        lib.simple_tag(lambda: 1, name="include")
    with pytest.raises(LibraryError, match="needs a name"):
        lib.filter(None, type("NoName", (), {"__call__": lambda self: 1, "__name__": ""})())


def test_library_extensions_and_import_paths(tmp_path: Path) -> None:
    lib = Library()
    lib.add_extension("jinja2.ext.loopcontrols")
    env = lib.install(jinja2.Environment())
    assert (
        env.from_string(
            "{% for i in [1,2,3] %}{% if i == 2 %}{% break %}{% endif %}{{ i }}{% endfor %}"
        ).render()
        == "1"
    )
    (tmp_path / "tags_mod.py").write_text(
        "from manouche.tplkit import Library\n"
        "register = Library()\n"
        "register.filter('up', str.upper)\n"
    )
    sys.path.insert(0, str(tmp_path))
    try:
        env = create_environment(libraries=["tags_mod"])
        assert env.from_string("{{ 'a'|up }}").render() == "A"
        env = create_environment(libraries=["tags_mod:register"])
        assert env.from_string("{{ 'b'|up }}").render() == "B"
        with pytest.raises(LibraryError, match="no attribute 'nope'"):
            create_environment(libraries=["tags_mod:nope"])
        with pytest.raises(LibraryError, match="cannot import"):
            create_environment(libraries=["no_such_mod_xyz"])
        with pytest.raises(LibraryError, match="has no Library"):
            create_environment(libraries=["json"])
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("tags_mod", None)


@pytest.fixture
def installed_distribution(tmp_path: Path) -> Iterator[Path]:
    """A fake installed distribution announcing two libraries in the entry point group."""
    site = tmp_path / "site"
    (site / "acme_tags").mkdir(parents=True)
    (site / "acme_tags" / "__init__.py").write_text(
        textwrap.dedent(
            """
            from manouche.tplkit import Library
            register = Library("acme")
            register.filter("acme", lambda v: f"acme:{v}")
            other = Library("acme-other")
            register_tag = other.simple_tag(lambda: "tagged", name="acme_tag")
            """
        )
    )
    dist = site / "acme_tags-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-tags\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(
        f"[{ENTRY_POINT_GROUP}]\nacme = acme_tags\nacme_other = acme_tags:other\n"
    )
    sys.path.insert(0, str(site))
    importlib.invalidate_caches()
    try:
        yield site
    finally:
        sys.path.remove(str(site))
        sys.modules.pop("acme_tags", None)


def test_entry_point_discovery(installed_distribution: Path) -> None:
    names = {ep.name for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)}
    assert {"acme", "acme_other"} <= names
    env = create_environment(entry_points=True)
    assert env.from_string("{{ 1|acme }} {% acme_tag %}").render() == "acme:1 tagged"
    # Not loaded unless asked for.
    with pytest.raises(jinja2.TemplateAssertionError):
        create_environment().from_string("{{ 1|acme }}")


def test_broken_entry_point_is_named(installed_distribution: Path) -> None:
    dist = installed_distribution / "acme_tags-1.0.dist-info" / "entry_points.txt"
    dist.write_text(f"[{ENTRY_POINT_GROUP}]\nbroken = acme_tags:missing_attr\n")
    with pytest.raises(LibraryError, match="entry point 'broken'"):
        load(jinja2.Environment(), entry_points=True)


def test_library_in_a_flask_app() -> None:
    flask = pytest.importorskip("flask")
    app = flask.Flask(__name__)
    make_library().install(app.jinja_env)

    from manouche.tplkit import django_filters

    django_filters.install(app.jinja_env)

    @app.route("/")
    def index() -> str:
        return flask.render_template_string(
            "{{ 'hi'|shout }} {% whoami %} {{ n|intcomma }} vote{{ n|pluralize }}"
            " {{ d|json_script('d') }}",
            user="<flask>",
            n=12345,
            d={"x": "</script>"},
        )

    response = app.test_client().get("/")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == (
        'hi! &lt;&lt;flask&gt;&gt; 12,345 votes <script id="d" type="application/json">'
        '{"x": "\\u003C/script\\u003E"}</script>'
    )

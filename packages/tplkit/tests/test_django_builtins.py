"""Every Django built-in filter, against Django: the same template, context and output.

Each filter is rendered by Django (``{{ v|name:a }}``) and by tplkit
(``{{ v|name(a) }}``) for a battery of values: text that needs escaping, safe
text (``mark_safe`` / ``Markup``), numbers, sequences, ``None``; with
autoescape on and off; with the argument as a variable and as a string
literal (a literal is the template author's text in both engines). When
Django raises, tplkit must raise too.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
import warnings
from typing import Any

import pytest
from markupsafe import Markup

from manouche.tplkit import create_environment, django_filters
from manouche.tplkit._escaping import DJANGO_FILTER_FUNCTIONS

NO_ARG = object()


class Safe:
    """A value written safe in both engines: ``mark_safe(text)`` / ``Markup(text)``."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return f"Safe({self.text!r})"


class Person:
    def __init__(self, name: str, age: int) -> None:
        self.name = name
        self.age = age

    def __repr__(self) -> str:
        return f"Person({self.name!r})"


TEXTS: list[Any] = [
    "a & b",
    '<b>it\'s "quoted"</b>',
    Safe("<i>x &amp; y</i>"),
    "Joel is a slug",
    "  spaced \n\n text\r\nend  ",
    "ünïcödé ßtraße",
    "",
    "one two three four five six",
    "1-800-COLLECT",
]
NUMBERS: list[Any] = [0, 1, 2, 7, -3, 2.5, 1234567, decimal.Decimal("12.50"), "12", "x", None, True]
SEQUENCES: list[Any] = [
    [],
    ["a<", "b&"],
    [Safe("<em>s</em>"), "<u>"],
    ("t", "u", "v"),
    [1, 2, 3],
    "abc",
]
EVERYTHING = TEXTS + NUMBERS + SEQUENCES

PEOPLE = [Person("Ann", 33), Person("<Bo>", 21), Person("Cy", 33)]
DICTS = [{"name": "b", "n": 2, "sub": {"k": 3}}, {"name": "a", "n": 1, "sub": {"k": 1}}]

# filter -> (values, arguments); NO_ARG for filters without one.
CASES: dict[str, tuple[list[Any], list[Any]]] = {
    "add": (NUMBERS + [[1], "ab", dt.date(2000, 1, 1)], [2, "3", "x", [2], NO_ARG]),
    "addslashes": (TEXTS + ["it's", 'say "hi" \\'], [NO_ARG]),
    "capfirst": (TEXTS + NUMBERS, [NO_ARG]),
    "center": (TEXTS + NUMBERS, [10, 3, 0, -2, "7"]),
    "cut": (TEXTS, [" ", "&", ";", "a"]),
    "date": (
        [dt.datetime(2024, 9, 5, 15, 30, tzinfo=dt.UTC), dt.date(2024, 2, 29), None, "", "x"],
        ["D d M Y", "N j, Y", "DATE_FORMAT", NO_ARG],
    ),
    "default": (EVERYTHING, ["<n/a>", "x", Safe("<n/a>")]),
    "default_if_none": (EVERYTHING, ["<n/a>", Safe("<n/a>")]),
    "dictsort": (
        [DICTS, PEOPLE, [[3, "c"], [1, "a"]], "xy", None],
        ["name", "n", "sub.k", "age", "0", 0, "_private", "name.__class__", "missing"],
    ),
    "dictsortreversed": ([DICTS, PEOPLE, [[3, "c"], [1, "a"]]], ["name", "n", "sub.k", 1]),
    "divisibleby": ([0, 4, 7, "8"], [2, "4"]),
    "escape": (TEXTS + NUMBERS, [NO_ARG]),
    "escapejs": (TEXTS + ["</script>", "a\u2028b"], [NO_ARG]),
    "escapeseq": (SEQUENCES, [NO_ARG]),
    "filesizeformat": (
        [0, 1, 1023, 1024, 10240, 1048575, 1048576, 52428800, 1 << 30, 1 << 40, 1 << 50]
        + [2251799813685248000, -1024, "", "x", None, 1.5e16, 3.7],
        [NO_ARG],
    ),
    "first": (SEQUENCES + TEXTS[:3], [NO_ARG]),
    "floatformat": (
        [34.23234, 34.0, 34.26, "12.5", "x", None, -0.01, decimal.Decimal("1.005"), 1e20],
        [NO_ARG, 0, 2, -2, "2g", "3u", "x"],
    ),
    "force_escape": (TEXTS, [NO_ARG]),
    "get_digit": ([123, 1, "123", "x", 0], [1, 2, 3, 4, 0, "x"]),
    "iriencode": (TEXTS + ["/a/b?c=d&e=é#f", "S\xf8r-Trondelag"], [NO_ARG]),
    "join": (SEQUENCES, [", ", " & ", " &amp; ", "<br>", Safe("<br>"), 5]),
    "json_script": ([{"a": "</script>&"}, [1, "<"], "x"], ["id<1>", NO_ARG]),
    "last": (SEQUENCES + TEXTS[:3], [NO_ARG]),
    "length": (EVERYTHING, [NO_ARG]),
    "linebreaks": (TEXTS + ["a\n\nb\nc", "x\r\ny"], [NO_ARG]),
    "linebreaksbr": (TEXTS + ["a\n\nb\nc"], [NO_ARG]),
    "linenumbers": (TEXTS + ["\n".join(f"l<{i}>" for i in range(12))], [NO_ARG]),
    "ljust": (TEXTS + NUMBERS[:4], [10, 2, "5"]),
    "lower": (TEXTS, [NO_ARG]),
    "make_list": (TEXTS + [123], [NO_ARG]),
    "phone2numeric": (TEXTS, [NO_ARG]),
    "pluralize": (NUMBERS + SEQUENCES, [NO_ARG, "es", "y,ies", "a,b,c"]),
    "pprint": (EVERYTHING + [{"a": [1, "<"]}], [NO_ARG]),
    "random": ([["<only>"], [Safe("<s>")], "a", []], [NO_ARG]),
    "rjust": (TEXTS + NUMBERS[:4], [10, 2, "5"]),
    "safe": (TEXTS + NUMBERS[:3], [NO_ARG]),
    "safeseq": (SEQUENCES, [NO_ARG]),
    "slice": (SEQUENCES + TEXTS, [":2", "1:", "-1", "0::2", "x", "1:2:0", 2]),
    "slugify": (TEXTS, [NO_ARG]),
    "stringformat": (NUMBERS + TEXTS[:3] + [(1, 2)], ["d", "03d", "s", ".2f", "x", "r"]),
    "striptags": (
        TEXTS + ['<p>a <b>b</b> &amp; <a href="x">c</a></p>', "<scr<script>ipt>x", "a < b > c"],
        [NO_ARG],
    ),
    "time": (
        [
            dt.datetime(2024, 9, 5, 15, 30, tzinfo=dt.UTC),
            dt.datetime(2024, 9, 5, 15, 30),  # naive: in the environment's zone
            dt.time(9, 5),
            dt.date(2024, 1, 1),
            None,
        ],
        ["H:i", "P", "TIME_FORMAT", "e:T", "e:O:T:Z", NO_ARG],
    ),
    "timesince": ([dt.datetime(2000, 1, 1, tzinfo=dt.UTC), None, ""], [NO_ARG]),
    "timeuntil": (
        [dt.datetime(2000, 1, 1, tzinfo=dt.UTC), None, ""],
        [dt.datetime(1999, 1, 2, tzinfo=dt.UTC)],
    ),
    "title": (TEXTS + ["o'neil & co.ltd", "555 WEST 53RD ST"], [NO_ARG]),
    "truncatechars": (TEXTS + ["Ångström and naïve"], [5, 1, 0, "x", 100]),
    "truncatechars_html": (TEXTS + ["<p>one <b>two</b> three</p>"], [5, 9, 0, "x"]),
    "truncatewords": (TEXTS, [2, 1, 0, "x"]),
    "truncatewords_html": (TEXTS + ["<p>one <b>two</b> three</p>"], [2, 1, 0, "x"]),
    "unordered_list": (
        [
            ["States", ["Kansas", ["Lawrence", "Topeka"], "Illinois"]],
            ["<a>", [Safe("<b>"), "c&d"]],
            [],
            ["x", ["y"], ("z",)],
        ],
        [NO_ARG],
    ),
    "upper": (TEXTS, [NO_ARG]),
    "urlencode": (TEXTS + ["/a b/c?d=é&f"], [NO_ARG, "", "/&"]),
    "urlize": (
        TEXTS
        + [
            "see https://example.com/a?b=1&c=2, and (http://x.org/y). done",
            "mail ann@example.com or <b>www.example.org</b>!",
            "trailing http://a.com/x&amp;y; and [https://b.net/](x)",
            "http://example.com/%C3%A9?q=a b",
            "a.b.c.d",
            Safe("see <b>https://example.com</b>"),
        ],
        [NO_ARG],
    ),
    "urlizetrunc": (
        ["see https://example.com/a/long/path?b=1 now", "www.example.org", Safe("x.com")],
        [5, 15, 1],
    ),
    "wordcount": (TEXTS + ["a-b c"], [NO_ARG]),
    "wordwrap": (
        TEXTS + ["a very long sentence to wrap here\nand another line of text\n"],
        [5, 14],
    ),
    "yesno": ([True, False, None, 0, "x"], [NO_ARG, "yeah,no,maybe", "y,n", "one", "<y>,<n>"]),
}

# Humanize's, installed by tplkit too.
HUMANIZE = {"intcomma", "ordinal"}


def _for_django(value: Any) -> Any:
    from django.utils.safestring import mark_safe

    if isinstance(value, Safe):
        return mark_safe(value.text)
    if isinstance(value, list):
        return [_for_django(v) for v in value]
    return value


def _for_tplkit(value: Any) -> Any:
    if isinstance(value, Safe):
        return Markup(value.text)
    if isinstance(value, list):
        return [_for_tplkit(v) for v in value]
    return value


@pytest.fixture(scope="module")
def engines(django_settings: Any) -> tuple[Any, Any]:
    from django.template import Engine

    return Engine(), create_environment(time_zone="UTC")


_MARKUP_REPR = re.compile(r"Markup\((.*?)\)")


def _sources(name: str, arg: Any, literal: bool, autoescape: bool) -> tuple[str, str]:
    if arg is NO_ARG:
        django, jinja = f"{{{{ v|{name} }}}}", f"{{{{ v|{name} }}}}"
    elif literal:
        django, jinja = f'{{{{ v|{name}:"{arg}" }}}}', f'{{{{ v|{name}("{arg}") }}}}'
    else:
        django, jinja = f"{{{{ v|{name}:a }}}}", f"{{{{ v|{name}(a) }}}}"
    if not autoescape:
        django = "{% autoescape off %}" + django + "{% endautoescape %}"
        jinja = "{% autoescape false %}" + jinja + "{% endautoescape %}"
    return django, jinja


def _render_both(engines: tuple[Any, Any], name: str, value: Any, arg: Any) -> list[str]:
    from django.template import Context

    django_engine, env = engines
    problems = []
    literal_ok = isinstance(arg, str) and '"' not in arg and "\\" not in arg
    for autoescape in (True, False):
        for literal in (False, True) if literal_ok else (False,):
            django_src, jinja_src = _sources(name, arg, literal, autoescape)
            try:
                with warnings.catch_warnings():
                    # Django 6.0's urlize warns that its default scheme will change.
                    warnings.simplefilter("ignore", DeprecationWarning)
                    warnings.simplefilter("ignore", PendingDeprecationWarning)
                    expected: Any = django_engine.from_string(django_src).render(
                        Context({"v": _for_django(value), "a": _for_django(arg)})
                    )
            except Exception as exc:
                expected = exc
            try:
                got: Any = env.from_string(jinja_src).render(
                    v=_for_tplkit(value), a=_for_tplkit(arg)
                )
            except Exception as exc:
                got = exc
            if isinstance(got, str):
                # A list printed whole shows its items' repr: Markup('x') where Django has 'x'.
                got = _MARKUP_REPR.sub(r"\1", got)
            if isinstance(expected, Exception):
                if not isinstance(got, Exception):
                    problems.append(
                        f"{jinja_src} v={value!r} a={arg!r}: Django raised {expected!r}"
                    )
            elif got != expected:
                problems.append(f"{jinja_src} v={value!r} a={arg!r}: {got!r} != {expected!r}")
    return problems


@pytest.mark.parametrize("name", sorted(CASES))
def test_filter_matches_django(engines: Any, name: str) -> None:
    values, args = CASES[name]
    problems = []
    for arg in args:
        for value in values:
            problems += _render_both(engines, name, value, arg)
    assert not problems, "\n".join(problems)


def test_every_django_filter_is_here_and_is_djangos(django_settings: Any) -> None:
    from django.template.defaultfilters import register

    env = create_environment()
    django_names = set(register.filters)
    assert django_names <= set(CASES), django_names - set(CASES)
    for name in django_names | HUMANIZE:
        assert name in env.filters, name
        assert env.filters[name] is django_filters.filters[name], name
        assert env.filters[name] in DJANGO_FILTER_FUNCTIONS


def test_djangos_filters_win_over_jinjas_in_any_environment(django_settings: Any) -> None:
    import jinja2

    env = jinja2.Environment(autoescape=True)
    assert env.from_string("{{ none|default('n/a') }}").render(none=None) == "None"
    django_filters.install(env)
    assert env.from_string("{{ none|default('n/a') }}").render(none=None) == "n/a"
    assert env.from_string("{{ 7|length }}").render() == "0"
    assert env.from_string("{{ x }}").render(x="it's") == "it&#x27;s"
    # Jinja2's own spellings keep working beside Django's.
    assert env.from_string("{{ none|d('n/a', true) }}").render(none=None) == "n/a"
    assert env.from_string("{{ xs|join(', ', attribute='n') }}").render(xs=DICTS) == "2, 1"
    assert (
        env.from_string("{{ {'b': 1, 'a': 2}|dictsort }}").render()
        == "[(&#x27;a&#x27;, 2), (&#x27;b&#x27;, 1)]"
    )
    pairs = env.from_string("{{ {'b': 1, 'a': 2}|dictsort(false, 'value') }}").render()
    assert pairs == "[(&#x27;b&#x27;, 1), (&#x27;a&#x27;, 2)]"
    assert env.from_string("{{ ('word ' * 20)|wordwrap }}").render().count("\n") == 1
    link = env.from_string("{{ 'see https://example.com/long/path'|urlize(12) }}").render()
    assert link == 'see <a href="https://example.com/long/path" rel="nofollow">https://exa…</a>'


def test_literal_arguments_are_trusted_only_for_djangos_filters() -> None:
    env = create_environment()
    render = env.from_string
    assert render("{{ v|default('<i>none</i>') }}").render(v="") == "<i>none</i>"
    assert render("{{ v|default(d) }}").render(v="", d="<i>none</i>") == "&lt;i&gt;none&lt;/i&gt;"
    # Also where the whole expression is constant and computed when compiling.
    assert render('{{ ""|default("<b>") }}|{{ "<i>"|lower }}|{{ "<i>"|upper }}').render() == (
        "<b>|<i>|&lt;I&gt;"
    )
    # A literal printed alone, or given to Jinja2's own filters, stays text (Jinja2's rule).
    assert render("{{ '<i>' }}").render() == "&lt;i&gt;"
    assert render("{{ '<i>'|trim }}").render() == "&lt;i&gt;"
    # A user's filter named like a Django one is the user's: Jinja2's rule again.
    env.filters["default"] = lambda value, arg: value or arg
    assert env.from_string("{{ v|default('<i>') }}").render(v="") == "&lt;i&gt;"

    class Unhashable:
        __hash__ = None  # type: ignore[assignment]

        def __call__(self, value: Any) -> Any:
            return value

    env.filters["same"] = Unhashable()
    assert env.from_string("{{ '<a>'|same }}").render() == "&lt;a&gt;"


def test_autoescape_writes_djangos_entities(django_render: Any) -> None:
    env = create_environment()
    for text in ["it's", 'a "q"', "<&>", Markup("it&#39;s")]:
        ours = env.from_string("{{ v }}").render(v=text)
        if isinstance(text, Markup):
            assert ours == text  # safe text is never rewritten
        else:
            assert ours == django_render("{{ v }}", v=text)
    # Constant output folded when the template is compiled escapes the same way.
    assert env.from_string('{{ "it\'s" }}').render() == "it&#x27;s"


def test_escape_is_djangos_conditional_escape(django_settings: Any) -> None:
    from django.utils.html import conditional_escape
    from django.utils.safestring import mark_safe

    from manouche.tplkit._escaping import escape

    class Html:
        def __html__(self) -> str:
            return "<b>&#39;</b>"

    values: list[Any] = ["", "plain", '<a href="x">it\'s & more</a>', "&#39;&#34;", 5, 2.5, None]
    values += ["\u2028'\"", "a" * 1000 + "'", b"bytes'"]
    for value in values:
        assert escape(value) == conditional_escape(value), value
        assert isinstance(escape(value), Markup)
    # Safe values are never rewritten, whatever entities they hold.
    assert escape(Markup("&#39;<i>")) == "&#39;<i>"
    assert escape(Html()) == conditional_escape(Html()) == "<b>&#39;</b>"
    assert escape(mark_safe("&#34;")) == "&#34;"


def test_key_paths_respect_the_sandbox() -> None:
    env = create_environment(sandboxed=True)

    class Item:
        def __init__(self, n: int) -> None:
            self.n = n

    items = [Item(2), Item(1)]
    assert (
        env.from_string("{{ xs|dictsort('n')|map(attribute='n')|join(',') }}").render(xs=items)
        == "1,2"
    )
    # Private names are refused as in Django; what the sandbox forbids reads as missing.
    assert env.from_string("{{ xs|dictsort('__class__') }}").render(xs=items) == ""
    assert env.from_string("{{ xs|dictsort('n.__class__') }}").render(xs=items) == ""
    groups = env.from_string("{{ xs|regroup('mro')|map(attribute='grouper')|list }}")
    assert groups.render(xs=[int, str]) == "[None]"


def test_an_object_whose_text_is_safe_is_safe(django_render: Any, jrender: Any) -> None:
    from django.utils.safestring import mark_safe

    class DjangoSafeText:
        def __str__(self) -> str:
            return mark_safe("you &gt; me")

    class SafeText:
        def __str__(self) -> str:
            return Markup("you &gt; me")

    expected = django_render("{{ v|capfirst }}", v=DjangoSafeText())
    assert expected == "You &gt; me"
    assert jrender("{{ v|capfirst }}", v=SafeText()) == expected


def test_sequence_filters_do_not_turn_the_sequence_into_text(jrender: Any) -> None:
    # Django's slice, last and random never call str() on the sequence (a lazy
    # query's str() could run it); neither do ours.
    class Rows(list[int]):
        def __str__(self) -> str:
            raise AssertionError("str() of the sequence")

        __repr__ = __str__

    rows = Rows([1, 2, 3])
    assert jrender("{{ rows|slice(':2')|join(',') }} {{ rows|last }}", rows=rows) == "1,2 3"
    assert jrender("{{ rows|random in [1, 2, 3] }}", rows=rows) == "True"

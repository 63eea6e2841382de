"""Django's filters: same input to Django's filter and to ours, same output."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import uuid
import zoneinfo
from typing import Any

import pytest
from markupsafe import Markup

from manouche.tplkit import create_environment, filters

UTC = zoneinfo.ZoneInfo("UTC")


@pytest.fixture(scope="module")
def df(django_settings: Any) -> Any:
    from django.template import defaultfilters

    return defaultfilters


# -- pluralize, yesno, default_if_none ----------------------------------------

PLURAL_VALUES: list[Any] = [0, 1, 2, "1", "0", "abc", 1.0, 1.5, [1], [1, 2], [], None, object()]
PLURAL_ARGS = ["s", "es", "y,ies", ",", "a,b,c", ""]


@pytest.mark.parametrize("arg", PLURAL_ARGS)
def test_pluralize_matches_django(df: Any, arg: str) -> None:
    for value in PLURAL_VALUES:
        assert filters.pluralize(value, arg) == df.pluralize(value, arg), value
    assert filters.pluralize(2) == df.pluralize(2)


@pytest.mark.parametrize("arg", [None, "yeah,no,maybe", "yeah,no", "one", "a,b,c,d", ""])
def test_yesno_matches_django(df: Any, arg: str | None) -> None:
    for value in [True, False, None, 0, 1, "", "x", []]:
        assert filters.yesno(value, arg) == df.yesno(value, arg), value


def test_default_if_none_matches_django(df: Any) -> None:
    for value in [None, 0, "", False, "x"]:
        assert filters.default_if_none(value, "d") == df.default_if_none(value, "d")


# -- intcomma ---------------------------------------------------------------

INTCOMMA_VALUES: list[Any] = [
    0,
    100,
    1000,
    -1000,
    12345,
    123456789,
    -1234567.25,
    1234.5,
    0.1,
    1e16,
    1.5e-7,
    decimal.Decimal("1234567.891"),
    decimal.Decimal("-0.001"),
    decimal.Decimal("1E+5"),
    decimal.Decimal("1e250"),
    "1234567",
    "-7654321.5",
    "12a45",
    "abc",
    "",
    None,
    True,
    10**30,
]


def test_intcomma_matches_django(django_settings: Any) -> None:
    from django.contrib.humanize.templatetags.humanize import intcomma

    for value in INTCOMMA_VALUES:
        assert filters.intcomma(value) == intcomma(value), value


def test_intcomma_keeps_non_finite_numbers() -> None:
    assert filters.intcomma(float("inf")) == "inf"
    assert filters.intcomma(decimal.Decimal("NaN")) == "NaN"


# -- dates in filters ---------------------------------------------------------

DATE_VALUES: list[Any] = [
    dt.datetime(2024, 9, 5, 15, 30, tzinfo=UTC),
    dt.datetime(2024, 9, 5, 15, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Tokyo")),
    dt.datetime(2024, 9, 5, 0, 0),
    dt.date(2024, 2, 29),
    dt.time(12, 0),
    None,
    "",
    "not a date",
    42,
]


@pytest.mark.parametrize("fmt", [None, "DATE_FORMAT", "SHORT_DATETIME_FORMAT", "D d M Y", "H:i T"])
def test_date_filter_matches_django_template(django_render: Any, fmt: str | None) -> None:
    env = create_environment(time_zone="UTC")
    for value in DATE_VALUES:
        arg = "" if fmt is None else f':"{fmt}"'
        jarg = "" if fmt is None else f'("{fmt}")'
        try:
            expected = django_render("{{ v|date" + arg + " }}", v=value)
        except TypeError:  # time characters for a date: both refuse
            with pytest.raises(TypeError, match="time-related"):
                env.from_string("{{ v|date" + jarg + " }}").render(v=value)
            continue
        assert env.from_string("{{ v|date" + jarg + " }}").render(v=value) == expected, value


@pytest.mark.parametrize("fmt", [None, "H:i", "P e O", "Y"])
def test_time_filter_matches_django_template(django_render: Any, fmt: str | None) -> None:
    env = create_environment(time_zone="UTC")
    for value in DATE_VALUES:
        arg = "" if fmt is None else f':"{fmt}"'
        jarg = "" if fmt is None else f'("{fmt}")'
        expected = django_render("{{ v|time" + arg + " }}", v=value)
        assert env.from_string("{{ v|time" + jarg + " }}").render(v=value) == expected, value


def test_date_filter_converts_to_the_environment_zone() -> None:
    value = dt.datetime(2024, 9, 5, 15, 30, tzinfo=UTC)
    paris = create_environment(time_zone="Europe/Paris")
    assert paris.from_string('{{ v|date("H:i T") }}').render(v=value) == "17:30 CEST"
    plain = create_environment()
    assert plain.from_string('{{ v|date("H:i T") }}').render(v=value) == "15:30 UTC"


def test_date_filter_refuses_time_characters_for_dates(jrender: Any) -> None:
    with pytest.raises(TypeError, match="time-related"):
        jrender('{{ d|date("H") }}', d=dt.date(2024, 1, 1))


def test_timesince_filters_match_django(df: Any) -> None:
    start = dt.datetime(2024, 1, 1, 8, 0, tzinfo=UTC)
    for other in [start + dt.timedelta(days=40, hours=2), start - dt.timedelta(minutes=5), None]:
        arg = other or dt.datetime(2024, 3, 1, tzinfo=UTC)
        assert filters.timesince_filter(start, arg) == df.timesince_filter(start, arg)
        assert filters.timeuntil_filter(start, arg) == df.timeuntil_filter(start, arg)
    for bad in [None, ""]:
        assert filters.timesince_filter(bad) == df.timesince_filter(bad)
        assert filters.timeuntil_filter(bad) == df.timeuntil_filter(bad)
    # Django raises AttributeError for a non-date; ours shows nothing, as for other bad input.
    with pytest.raises(AttributeError):
        df.timesince_filter("x")
    assert filters.timesince_filter("x") == filters.timeuntil_filter("x") == ""
    naive = dt.datetime(2024, 1, 1)
    assert filters.timesince_filter(naive, start) == df.timesince_filter(naive, start) == ""


# -- text and HTML --------------------------------------------------------------

TEXTS = [
    "",
    "one line",
    "line 1\nline 2",
    "para 1\n\npara 2\n\n\nline\r\nbreak\rmac",
    "<b>bold</b> & 'quotes' \"double\"",
    "trailing newline\n",
]


@pytest.mark.parametrize("text", TEXTS)
def test_linebreaks_match_django_templates(django_render: Any, jrender: Any, text: str) -> None:
    for name in ("linebreaks", "linebreaksbr"):
        expected = django_render("{{ t|" + name + " }}", t=text)
        assert jrender("{{ t|" + name + " }}", t=text) == expected
        # Already-safe text is not escaped again.
        safe_expected = django_render("{{ t|safe|" + name + " }}", t=text)
        assert jrender("{{ t|safe|" + name + " }}", t=text) == safe_expected
        # Without autoescape the text goes in as it is.
        off = django_render("{% autoescape off %}{{ t|" + name + " }}{% endautoescape %}", t=text)
        jinja_off = "{% autoescape false %}{{ t|" + name + " }}{% endautoescape %}"
        assert jrender(jinja_off, t=text) == off


HTML_SAMPLES = [
    "<p>one <br>two - three <br>four</p> five",
    "<p>Joel is a slug</p>",
    '<div><a href="/x?a=1&amp;b=2">link text here</a> and <em>more</em> words here</div>',
    "<p>already done …</p> next",
    "<ul><li>a</li><li>b c d</li></ul>",
    "<p>unclosed <b>bold text goes on and on",
    "x &lt;script&gt; y z",
    "<!-- comment --> words in text",
    "<p>text</p>\n\n<p>more text</p>",
    "<img src=x alt='a b'> after image words",
    "   spaced    words   ",
]


@pytest.mark.parametrize("html", HTML_SAMPLES)
@pytest.mark.parametrize("n", [0, 1, 2, 3, 4, 10])
def test_truncatewords_html_matches_django(df: Any, html: str, n: int) -> None:
    assert filters.truncatewords_html(html, n) == df.truncatewords_html(html, n)


def test_truncatewords_html_escapes_unsafe_input(django_render: Any, jrender: Any) -> None:
    text = "<script>alert(1)</script> and more words"
    expected = django_render("{{ t|truncatewords_html:2 }}", t=text)
    assert jrender("{{ t|truncatewords_html(2) }}", t=text) == expected
    assert "<script>" not in expected
    safe = django_render("{{ t|safe|truncatewords_html:2 }}", t=text)
    assert jrender("{{ t|safe|truncatewords_html(2) }}", t=text) == safe
    assert filters.truncatewords_html("a b", "x") == "a b"


SLUGS = [
    "Joel is a slug",
    " Héllo, Wörld! ",
    "--__under_score__--",
    "multiple   spaces -- dashes",
    "你好 world",
    "ǅemal ﬁne",
    "<b>tags</b>&amp;",
    "",
]


@pytest.mark.parametrize("text", SLUGS)
def test_slugify_matches_django(df: Any, text: str) -> None:
    from django.utils.text import slugify

    assert filters.slugify(text) == df.slugify(text)
    assert filters.slugify(text, allow_unicode=True) == slugify(text, allow_unicode=True)


# -- json_script --------------------------------------------------------------

JSON_VALUES: list[Any] = [
    {"a": 1, "b": [1, 2, None], "c": "x"},
    "</script><script>alert(1)</script>",
    {"html": "<!-- <b>&amp;</b> -->", "ok": True},
    [dt.datetime(2024, 1, 2, 3, 4, 5, 678901, tzinfo=UTC), dt.date(2024, 1, 2)],
    [dt.time(1, 2, 3, 456789), dt.timedelta(days=-1, seconds=5, microseconds=7)],
    [decimal.Decimal("1.10"), uuid.UUID("12345678-1234-5678-1234-567812345678")],
    "\u2028 line separator",
]


@pytest.mark.parametrize("value", JSON_VALUES, ids=repr)
@pytest.mark.parametrize("element_id", [None, "data", 'x" onload="alert(1)'])
def test_json_script_matches_django(df: Any, value: Any, element_id: str | None) -> None:
    ours = filters.json_script(value, element_id)
    assert isinstance(ours, Markup)
    assert str(ours) == str(df.json_script(value, element_id))


def test_json_script_cannot_be_closed_from_the_data(jrender: Any) -> None:
    attack = "</script><script>alert('x')</script><!--"
    page = jrender("{{ data|json_script('d') }}", data={"name": attack})
    assert page.count("</script>") == 1
    assert page.endswith("</script>")
    assert "<script>" not in page and "<!--" not in page
    payload = page[page.index(">") + 1 : -len("</script>")]
    assert json.loads(payload) == {"name": attack}
    assert 'id="d"' in page


def test_json_script_refuses_aware_times() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        filters.json_script(dt.time(1, tzinfo=UTC))


def test_filters_are_installed_by_default(jrender: Any) -> None:
    out = jrender(
        "{{ n|intcomma }} vote{{ n|pluralize }} {{ f|yesno('on,off') }}"
        " {{ x|default_if_none('-') }} {{ 'Hi There'|slugify }}",
        n=1200,
        f=False,
        x=None,
    )
    assert out == "1,200 votes off - hi-there"


def test_plain_filter_output_is_autoescaped(jrender: Any, django_render: Any) -> None:
    # A piece of a literal is not safe any more; the literal itself is the
    # template author's text (Django's rule for Django's filters); a variable is not.
    assert jrender("{{ v|yesno('<b>,no') }}", v=True) == "&lt;b&gt;"
    assert django_render('{{ v|yesno:"<b>,no" }}', v=True) == "&lt;b&gt;"
    assert jrender("{{ v|default_if_none('<i>') }}", v=None) == "<i>"
    assert django_render('{{ v|default_if_none:"<i>" }}', v=None) == "<i>"
    assert jrender("{{ v|default_if_none(d) }}", v=None, d="<i>") == "&lt;i&gt;"
    assert django_render("{{ v|default_if_none:d }}", v=None, d="<i>") == "&lt;i&gt;"
    # Jinja2's own filters keep Jinja2's rule: a literal is text to escape.
    assert jrender("{{ v|replace('a', '<i>') }}", v="a") == "&lt;i&gt;"


# -- title (Django's, in place of Jinja2's) ------------------------------------

TITLES: list[Any] = [
    # Django's own test cases
    "JOE'S CRAB SHACK",
    "555 WEST 53RD STREET",
    "a nice title, isn't it?",
    "discoth\xe8que",
    123,
    # where Django's title and Jinja2's differ, and the corrections' edges
    "o'neil & co",
    "O'NEIL",
    "a'B'c'D",
    "rock'n'roll",
    "it's 5PM at the 1ST floor",
    "foo.bar-baz_qux",
    "x1y 22nd 3D",
    "\u0663abc \u0664\u0665th",
    "\u01c6emal \ufb01ne stra\xdfe",
    "hello\u2019s world",
    "order <5> for o'neil & co",
    "  spaced   out\twords\n",
    "",
    None,
    1.5,
]


@pytest.mark.parametrize("value", TITLES, ids=repr)
def test_title_matches_django(df: Any, value: Any) -> None:
    assert filters.title(value) == df.title(value)


def test_title_is_djangos_not_jinjas(jrender: Any) -> None:
    assert jrender("{{ v|title }}", v="foo.bar 1st") == "Foo.Bar 1st"
    assert jrender("{{ v|title }}", v="<b>o'neil</b>") == "&lt;B&gt;O&#x27;Neil&lt;/B&gt;"
    assert jrender("{{ v|safe|title }}", v="<b>o'neil</b>") == "<B>O'Neil</B>"
    assert (
        create_environment(django_filters=False).from_string("{{ v|title }}").render(v="foo.bar")
        == "Foo.bar"
    )


@pytest.mark.parametrize("value", ["<i>joe's 3rd</i>", "a & b", "x > y"])
def test_title_escaping_matches_django(django_render: Any, jrender: Any, value: str) -> None:
    expected = django_render("{{ v|title }}", v=value)
    assert jrender("{{ v|title }}", v=value) == expected
    assert jrender("{{ v|safe|title }}", v=value) == django_render("{{ v|safe|title }}", v=value)


# -- more of Django's filters ---------------------------------------------------

FLOATS: list[Any] = [
    34.23234,
    34.00000,
    34.26000,
    -34.5,
    0.0,
    -0.001,
    1234567.891,
    "12.345",
    "-0.5",
    "1e3",
    "abc",
    None,
    "",
    decimal.Decimal("66666.666"),
    decimal.Decimal("-1E+2"),
    decimal.Decimal("0.00049"),
    float("inf"),
    float("nan"),
    "1e300",
    11.1197,
    2.5,
    3.5,
    10**20 + 0.5,
]
FLOAT_ARGS: list[Any] = [
    -1,
    0,
    1,
    2,
    -2,
    3,
    -3,
    "2",
    "-2",
    "2g",
    "g",
    "2u",
    "0g",
    "-3g",
    "2gu",
    "x",
]


@pytest.mark.parametrize("arg", FLOAT_ARGS, ids=repr)
def test_floatformat_matches_django(df: Any, arg: Any) -> None:
    for value in FLOATS:
        assert filters.floatformat(value, arg) == str(df.floatformat(value, arg)), value
    assert filters.floatformat(1234.5) == df.floatformat(1234.5)


TEXT_SAMPLES = [
    "Joel is a slug",
    "  lots   of\n\nspace  here ",
    "short",
    "ends with ellipsis …",
    "",
    "<b>tags</b> stay as text here",
]


@pytest.mark.parametrize("text", TEXT_SAMPLES)
def test_text_filters_match_django(df: Any, text: str) -> None:
    for n in (0, 1, 2, 3, 10):
        assert filters.truncatewords(text, n) == df.truncatewords(text, n)
    assert filters.truncatewords(text, "x") == df.truncatewords(text, "x")
    assert filters.capfirst(text) == df.capfirst(text)
    assert filters.addslashes(text + "\\'\"") == df.addslashes(text + "\\'\"")
    assert filters.cut(text, " ") == df.cut(text, " ")
    assert str(filters.escapejs(text + "</script>'\"\\\n\u2028=-;`&")) == df.escapejs_filter(
        text + "</script>'\"\\\n\u2028=-;`&"
    )


CHAR_HTML = [
    "<p>one <br>two - three <br>four</p> five",
    "<p>Joel is a slug</p>",
    '<div><a href="/x?a=1&amp;b=2">link text here</a> and <em>more</em></div>',
    "<p>unclosed <b>bold text goes on and on",
    "<!-- c --> abc",
    "plain text only",
    "exactly10!",
    "<i>exactly10!</i>",
]


@pytest.mark.parametrize("html", CHAR_HTML)
@pytest.mark.parametrize("n", [0, 1, 2, 5, 10, 11, 100])
def test_truncatechars_html_matches_django(df: Any, html: str, n: int) -> None:
    assert filters.truncatechars_html(html, n) == df.truncatechars_html(html, n)


def test_truncatechars_html_when_the_text_fits_exactly(jrender: Any, df: Any) -> None:
    # "a > b" is exactly 5 characters: it comes back as written, as in Django,
    # and autoescape escapes it; safe text with entities never fits "exactly".
    assert filters.truncatechars_html("a > b", 5) == "a > b"
    assert jrender("{{ v|truncatechars_html(5) }}", v="a > b") == "a &gt; b"
    for value, length in [(Markup("a &gt; b"), 5), (Markup("&lt;x&gt;"), 3), ("<i>x</i>", 1)]:
        assert filters.truncatechars_html(value, length) == df.truncatechars_html(value, length)
    assert filters.truncatechars_html("&lt;b&gt;", 3) == "&lt;b…"
    assert filters.truncatechars_html("<i>x</i>", "bad") == "<i>x</i>"


def test_misc_filters_match_django(df: Any, django_settings: Any) -> None:
    from django.contrib.humanize.templatetags.humanize import ordinal

    for value in [0, 1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111, 112, -5, "7", "x", None, 1.9]:
        assert filters.ordinal(value) == ordinal(value), value
    for value, arg in [(10, 5), (10, 3), ("21", "7"), (0, 9)]:
        assert filters.divisibleby(value, arg) is df.divisibleby(value, arg)


def test_safety_of_the_more_filters(jrender: Any) -> None:
    assert jrender("{{ v|capfirst }}", v="<b>x") == "&lt;b&gt;x"
    assert jrender("{{ v|safe|cut(' ') }}", v="<b>a b</b>") == "<b>ab</b>"
    assert jrender("{{ v|safe|cut(';') }}", v="&amp;") == "&amp;amp"
    assert jrender("var s = '{{ v|escapejs }}';", v="';alert(1)//</script>") == (
        "var s = '\\u0027\\u003Balert(1)//\\u003C/script\\u003E';"
    )
    assert jrender("{{ v|truncatechars_html(4) }}", v="<b>bold</b>") == "&lt;b&gt;bol…&lt;/b&gt;"


@pytest.mark.parametrize(
    ("source", "context", "expected"),
    [
        ("{{ n|pluralize('<s>') }}", {"n": 2}, "&lt;s&gt;"),
        ("{{ n|pluralize('<y>,<ies>') }}", {"n": 1}, "&lt;y&gt;"),
        ("{{ v|intcomma }}", {"v": "<b>1000"}, "&lt;b&gt;1000"),
        ("{{ d|date('<\\\\b>') }}", {"d": dt.date(2024, 1, 1)}, "&lt;b&gt;"),
        ("{{ d|time('<\\\\b>') }}", {"d": dt.time(1, 2)}, "&lt;b&gt;"),
        ("{{ v|floatformat }}", {"v": "<b>"}, ""),
        ("{{ v|truncatewords(1) }}", {"v": "<b>x</b> y"}, "&lt;b&gt;x&lt;/b&gt; …"),
        ("{{ v|addslashes }}", {"v": "<b>'"}, "&lt;b&gt;\\&#x27;"),
        ("{{ v|ordinal }}", {"v": "<b>"}, "&lt;b&gt;"),
        ("{{ v|slugify }}", {"v": "<b>x</b>"}, "bxb"),
        ("{{ v|capfirst }}", {"v": "<script>"}, "&lt;script&gt;"),
        (
            "{{ v|json_script }}",
            {"v": "<!--"},
            '<script type="application/json">"\\u003C!--"</script>',
        ),
    ],
)
def test_plain_output_of_every_filter_is_escaped(
    jrender: Any, source: str, context: dict[str, Any], expected: str
) -> None:
    assert jrender(source, **context) == expected

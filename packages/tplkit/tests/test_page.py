"""A whole page, Django's template and ours side by side: the same HTML comes out.

Inheritance on two levels, an include, a loop, and the filters together, on
data full of characters that need escaping. The only difference allowed is
how an apostrophe is escaped (``&#39;`` by MarkupSafe, ``&#x27;`` by Django);
both are the same character to a browser.
"""

from __future__ import annotations

import datetime as dt
import decimal
import zoneinfo
from typing import Any

import jinja2
import pytest

from manouche.tplkit import create_environment

BASE = (
    "<title>{% block title %}{% endblock %}</title>{% include 'nav.html' %}"
    "<main>{% block main %}{% endblock %}</main>"
)
NAV = '<nav>{% for l in links %}<a href="{{ l.url }}">{{ l.label|capfirst }}</a>{% endfor %}</nav>'
LAYOUT = (
    "{% extends 'base.html' %}{% block main %}<h1>{% block h %}{% endblock %}</h1>"
    "{% block body %}{% endblock %}{% endblock %}"
)

JINJA_PAGE = (
    "{% extends 'layout.html' %}{% block title %}{{ owner }}{% endblock %}"
    "{% block h %}{{ rows|length }} row{{ rows|length|pluralize }}{% endblock %}"
    "{% block body %}<table>{% for r in rows %}<tr>"
    "<td>{{ r.name }}</td><td>{{ r.amount|intcomma }}</td><td>{{ r.price|floatformat(2) }}</td>"
    "<td>{{ r.when|date('D, j N Y, P') }}</td><td>{{ r.when|timesince(now) }}</td>"
    "<td>{{ r.paid|yesno('paid,due,unknown') }}</td><td>{{ r.note|default_if_none('-') }}</td>"
    "<td>{{ r.text|linebreaksbr }}</td><td>{{ r.html|safe|truncatewords_html(3) }}</td>"
    "<td>{{ r.name|slugify }}</td><td>{{ r.rank|ordinal }}</td>"
    "</tr>{% endfor %}</table>{{ data|json_script('page-data') }}"
    "{{ intro|linebreaks }}{% endblock %}"
)
DJANGO_PAGE = (
    "{% extends 'layout.html' %}{% block title %}{{ owner }}{% endblock %}"
    "{% block h %}{{ rows|length }} row{{ rows|length|pluralize }}{% endblock %}"
    "{% block body %}<table>{% for r in rows %}<tr>"
    "<td>{{ r.name }}</td><td>{{ r.amount|intcomma }}</td><td>{{ r.price|floatformat:2 }}</td>"
    "<td>{{ r.when|date:'D, j N Y, P' }}</td><td>{{ r.when|timesince:now }}</td>"
    "<td>{{ r.paid|yesno:'paid,due,unknown' }}</td><td>{{ r.note|default_if_none:'-' }}</td>"
    "<td>{{ r.text|linebreaksbr }}</td><td>{{ r.html|safe|truncatewords_html:3 }}</td>"
    "<td>{{ r.name|slugify }}</td><td>{{ r.rank|ordinal }}</td>"
    "</tr>{% endfor %}</table>{{ data|json_script:'page-data' }}"
    "{{ intro|linebreaks }}{% endblock %}"
)

UTC = zoneinfo.ZoneInfo("UTC")


def _context() -> dict[str, Any]:
    now = dt.datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
    return {
        "owner": 'Ann & <Bo> "the" o\'neil',
        "now": now,
        "links": [{"url": "/a?x=1&y=<2>", "label": "home <page>"}, {"url": "/b", "label": "b"}],
        "rows": [
            {
                "name": f"Row <{i}> & co",
                "amount": 1234567 * i - 5,
                "price": decimal.Decimal("1234.565") * i,
                "when": now - dt.timedelta(days=37 * i, hours=5 * i, minutes=i),
                "paid": (True, False, None)[i % 3],
                "note": None if i % 2 else f"<i>note {i}</i>",
                "text": f"line one {i}\nline <two>",
                "html": f"<p>some <b>bold words</b> and more {i}</p>",
                "rank": i,
            }
            for i in range(1, 8)
        ],
        "data": {"title": "</script><script>alert('x')</script>", "n": [1, 2]},
        "intro": "First paragraph & more.\n\nSecond <para>\nwith a break.",
    }


def test_page_renders_as_django_renders_it(django_settings: Any) -> None:
    from django.template import Context, Engine

    engine = Engine(
        loaders=[
            (
                "django.template.loaders.locmem.Loader",
                {
                    "base.html": BASE,
                    "nav.html": NAV,
                    "layout.html": LAYOUT,
                    "page.html": DJANGO_PAGE,
                },
            )
        ],
        builtins=["django.contrib.humanize.templatetags.humanize"],
    )
    expected = engine.get_template("page.html").render(Context(_context()))
    env = create_environment(
        loader=jinja2.DictLoader(
            {"base.html": BASE, "nav.html": NAV, "layout.html": LAYOUT, "page.html": JINJA_PAGE}
        ),
        time_zone="UTC",
    )
    ours = env.render_to_string("page.html", _context())
    assert ours.replace("&#39;", "&#x27;").replace("&#34;", "&quot;") == expected
    assert expected.count("<tr>") == 7 and "<script>alert" not in expected


@pytest.mark.parametrize("name", ["page.html"])
def test_page_is_autoescaped(name: str) -> None:
    env = create_environment(
        loader=jinja2.DictLoader(
            {"base.html": BASE, "nav.html": NAV, "layout.html": LAYOUT, name: JINJA_PAGE}
        ),
        time_zone="UTC",
    )
    page = env.render_to_string(name, _context())
    assert "<Bo>" not in page and "Row <1>" not in page and "<two>" not in page
    assert "&lt;i&gt;note 2&lt;/i&gt;" in page

"""Template workloads: one page rendered by tplkit, raw Jinja2 and Django's engine.

The page: two levels of inheritance (page -> layout -> base), one include (the
navigation), and a table of N rows, each through filters (``title``,
``intcomma``, ``date``, ``yesno``, ``default_if_none``, ``pluralize``) with
autoescape on and text that needs escaping in every row. Run for 100 and for
1,000 rows.

- Manouche tplkit: ``env.render_to_string(name, context, request)`` with a
  context processor and the request values (CSRF input, CSP nonce), as a view
  renders a page.
- raw Jinja2: the same templates in a bare ``jinja2.Environment`` with the
  same filter functions installed (Jinja2 has no ``intcomma``/``date``, and
  ``title`` is Django's there too) and ``get_template(name).render(context)``:
  the floor tplkit stands on.
- Django: the same page in Django's template language on a standalone
  ``Engine`` (humanize loaded), ``render(Context(...))``.

Every contender's page is checked once before timing: the expected number of
rows, escaped text, and the same page as the other contenders' (Django's
``&#x27;`` read as markupsafe's ``&#39;``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from bench._runner import Workload

JINJA = {
    "base.html": (
        "<!doctype html><html><head><title>{% block title %}Site{% endblock %}</title></head>"
        "<body>{% include 'nav.html' %}<main>{% block main %}{% endblock %}</main>"
        "<footer>{{ site_name }}</footer></body></html>"
    ),
    "nav.html": (
        '<nav>{% for link in links %}<a href="{{ link.url }}">{{ link.label }}</a>'
        "{% endfor %}</nav>"
    ),
    "layout.html": (
        "{% extends 'base.html' %}{% block main %}<h1>{% block heading %}{% endblock %}</h1>"
        "{% block content %}{% endblock %}{% endblock %}"
    ),
    "page.html": (
        "{% extends 'layout.html' %}{% block title %}Orders of {{ owner }}{% endblock %}"
        "{% block heading %}{{ rows|length }} order{{ rows|length|pluralize }}{% endblock %}"
        "{% block content %}<table>{% for row in rows %}"
        "<tr class=\"{{ loop.cycle('odd', 'even') }}\">"
        "<td>{{ row.id }}</td><td>{{ row.name|title }}</td><td>{{ row.amount|intcomma }}</td>"
        "<td>{{ row.created|date('N j, Y') }}</td><td>{{ row.paid|yesno('paid,due') }}</td>"
        "<td>{{ row.note|default_if_none('-') }}</td>"
        "<td>{{ row.quantity }} item{{ row.quantity|pluralize }}</td>"
        "</tr>{% endfor %}</table>{% endblock %}"
    ),
}

DJANGO = {
    "base.html": (
        "<!doctype html><html><head><title>{% block title %}Site{% endblock %}</title></head>"
        "<body>{% include 'nav.html' %}<main>{% block main %}{% endblock %}</main>"
        "<footer>{{ site_name }}</footer></body></html>"
    ),
    "nav.html": (
        '<nav>{% for link in links %}<a href="{{ link.url }}">{{ link.label }}</a>'
        "{% endfor %}</nav>"
    ),
    "layout.html": (
        "{% extends 'base.html' %}{% block main %}<h1>{% block heading %}{% endblock %}</h1>"
        "{% block content %}{% endblock %}{% endblock %}"
    ),
    "page.html": (
        "{% extends 'layout.html' %}{% block title %}Orders of {{ owner }}{% endblock %}"
        "{% block heading %}{{ rows|length }} order{{ rows|length|pluralize }}{% endblock %}"
        "{% block content %}<table>{% for row in rows %}<tr class=\"{% cycle 'odd' 'even' %}\">"
        "<td>{{ row.id }}</td><td>{{ row.name|title }}</td><td>{{ row.amount|intcomma }}</td>"
        "<td>{{ row.created|date:'N j, Y' }}</td><td>{{ row.paid|yesno:'paid,due' }}</td>"
        "<td>{{ row.note|default_if_none:'-' }}</td>"
        "<td>{{ row.quantity }} item{{ row.quantity|pluralize }}</td>"
        "</tr>{% endfor %}</table>{% endblock %}"
    ),
}


def _context(rows: int) -> dict[str, Any]:
    start = dt.datetime(2024, 1, 1, 9, 30)
    return {
        "owner": "Ann & <Bo>",
        "links": [{"url": f"/section/{i}/?a=1&b=2", "label": f"Section {i}"} for i in range(5)],
        "rows": [
            {
                "id": i,
                "name": f"order <{i}> for o'neil & co",
                "amount": 1234567 + i * 1001,
                "created": start + dt.timedelta(days=i % 365, hours=i % 24),
                "paid": i % 3 == 0,
                "note": None if i % 2 else f"note {i} <b>",
                "quantity": i % 4,
            }
            for i in range(rows)
        ],
    }


# The first page of each contender, by number of rows: all must be the same.
_PAGES: dict[int, dict[str, str]] = {}


def _check(page: str, rows: int, contender: str) -> None:
    if page.count("<tr") != rows or "<b>" in page or "&lt;b&gt;" not in page:
        raise RuntimeError(f"unexpected page ({page.count('<tr')} rows): {page[:200]!r}")
    # Django writes ' as &#x27;, markupsafe as &#39;: the same character.
    _PAGES.setdefault(rows, {})[contender] = page.replace("&#x27;", "&#39;")


def _same_pages(rows: int) -> None:
    pages = _PAGES.pop(rows, {})
    first, *others = pages.items()
    for label, page in others:
        if page != first[1]:
            pairs = enumerate(zip(page, first[1], strict=False))
            at = next((i for i, (a, b) in pairs if a != b), min(len(page), len(first[1])))
            raise RuntimeError(
                f"{label} and {first[0]} render different pages ({rows} rows), at {at}: "
                f"{page[at - 60 : at + 60]!r} / {first[1][at - 60 : at + 60]!r}"
            )


def _site(request: Any) -> dict[str, Any]:
    return {"site_name": "Example <shop>"}


def tplkit_renderer(rows: int, repeat: int) -> Callable[[], None]:
    import jinja2
    import webob

    from manouche.tplkit import create_environment

    env = create_environment(loader=jinja2.DictLoader(JINJA), context_processors=[_site])
    context = _context(rows)
    request = webob.Request.blank("/orders/")
    request.environ["manouche.csrf_token"] = "t" * 32
    request.environ["manouche.csp_nonce"] = "nonce"
    _check(env.render_to_string("page.html", context, request), rows, "tplkit")

    def run() -> None:
        for _ in range(repeat):
            env.render_to_string("page.html", context, request)

    return run


def jinja_renderer(rows: int, repeat: int) -> Callable[[], None]:
    import jinja2

    from manouche.tplkit import django_filters

    env = jinja2.Environment(loader=jinja2.DictLoader(JINJA), autoescape=True)
    django_filters.install(env)
    context = dict(_context(rows), site_name="Example <shop>")
    _check(env.get_template("page.html").render(context), rows, "jinja2")

    def run() -> None:
        for _ in range(repeat):
            env.get_template("page.html").render(context)

    return run


def django_renderer(rows: int, repeat: int) -> Callable[[], None]:
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(
            DEBUG=False, SECRET_KEY="bench-only", INSTALLED_APPS=[], USE_TZ=False, USE_I18N=False
        )
        django.setup()
    from django.template import Context, Engine

    engine = Engine(
        loaders=[("django.template.loaders.locmem.Loader", DJANGO)],
        libraries={"humanize": "django.contrib.humanize.templatetags.humanize"},
        builtins=["django.contrib.humanize.templatetags.humanize"],
    )
    context = dict(_context(rows), site_name="Example <shop>")
    _check(engine.get_template("page.html").render(Context(context)), rows, "django")

    def run() -> None:
        for _ in range(repeat):
            engine.get_template("page.html").render(Context(context))

    return run


def workloads() -> list[Workload]:
    result = []
    for rows, repeat in ((100, 20), (1000, 2)):
        result.append(
            Workload(
                name=(
                    f"page: 2-level inheritance, include, {rows} rows x 6 filters, "
                    f"autoescape ({repeat} renders)"
                ),
                contenders={
                    "Manouche tplkit": tplkit_renderer(rows, repeat),
                    "raw Jinja2 (same filters)": jinja_renderer(rows, repeat),
                    "Django templates": django_renderer(rows, repeat),
                },
                ops=repeat,
                goals={"raw Jinja2 (same filters)": 0.9, "Django templates": 3.0},
            )
        )
        _same_pages(rows)
    return result

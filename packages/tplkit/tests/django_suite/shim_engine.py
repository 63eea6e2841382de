"""``django.template.engine`` for Django's filter tests: a tplkit environment.

``Engine(loaders=[...locmem templates...])`` renders those templates with
tplkit, written in Jinja2's spelling: ``{{ v|f:arg }}`` is ``{{ v|f(arg) }}``
and ``{% autoescape off %}`` is ``{% autoescape false %}``. Autoescape is on
for every template (Django's default), dates follow Django's ``TIME_ZONE``
and ``USE_TZ``.

``string_if_invalid`` is not tplkit's: a missing variable renders as nothing
(Jinja2's ``Undefined``), so the engine reports ``""`` and the tests take the
branch for that.
"""

from __future__ import annotations

import gettext
import os
import re
import time
from typing import Any

import jinja2

from manouche.tplkit import create_environment

_ARG = r"""_\("[^"]*"\)|"[^"]*"|'[^']*'|-?[\w.]+"""
_FILTER_ARG = re.compile(rf"\|(\w+):({_ARG})")


def to_jinja(source: str) -> str:
    """A Django template of the filter tests in Jinja2's spelling."""
    source = _FILTER_ARG.sub(lambda m: f"|{m[1]}({m[2]})", source)
    source = source.replace("{% autoescape off %}", "{% autoescape false %}")
    return source.replace("{% autoescape on %}", "{% autoescape true %}")


def _templates(loaders: Any) -> dict[str, str]:
    found: dict[str, str] = {}
    for item in loaders or ():
        if isinstance(item, dict):
            found.update(item)
        elif isinstance(item, list | tuple):
            found.update(_templates(item))
    return found


def install() -> None:
    """The process's local time zone is Django's ``TIME_ZONE``, as Django's own
    settings make it at start-up (``settings.configure()`` does not)."""
    from django.conf import settings

    os.environ["TZ"] = settings.TIME_ZONE
    time.tzset()


class Engine:
    string_if_invalid = ""

    def __init__(self, loaders: Any = None, **options: Any) -> None:
        from django.conf import settings

        templates = {name: to_jinja(text) for name, text in _templates(loaders).items()}
        self.env = create_environment(
            loader=jinja2.DictLoader(templates),
            autoescape=options.get("autoescape", True),
            time_zone=settings.TIME_ZONE,
            use_tz=settings.USE_TZ,
            translations=gettext.NullTranslations(),
        )

    def from_string(self, source: str) -> jinja2.Template:
        return self.env.from_string(to_jinja(source))

    def get_template(self, name: str) -> jinja2.Template:
        return self.env.get_template(name)

    def render_to_string(self, template_name: str, context: dict[str, Any] | None = None) -> str:
        return self.env.get_template(template_name).render(context or {})

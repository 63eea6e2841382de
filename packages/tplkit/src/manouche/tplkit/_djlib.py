"""The library that holds Django's built-in filters and the tags that have a Jinja2 form."""

from __future__ import annotations

import jinja2

from manouche.tplkit._escaping import DJANGO_FILTER_FUNCTIONS, use_django_escaping
from manouche.tplkit.library import Library

__all__ = ["DjangoLibrary", "django_filters"]


class DjangoLibrary(Library):
    """A :class:`Library` whose filters follow Django's escaping rules once installed.

    Installing it also has the environment compile templates with Django's
    escaping (``&#x27;``, and string literals given to these filters trusted,
    see :mod:`manouche.tplkit._escaping`). Its filters replace Jinja2's
    namesakes (``default``, ``length``, ``join``...) in that environment.
    """

    def install(self, env: jinja2.Environment) -> jinja2.Environment:
        DJANGO_FILTER_FUNCTIONS.update(self.filters.values())
        super().install(env)
        use_django_escaping(env)
        return env


#: The library of Django's built-in filters (``date``, ``timesince``, ``pluralize``, ...),
#: installed by ``create_environment``.
django_filters = DjangoLibrary("django_filters")

"""``django.template.defaultfilters`` for Django's filter tests: tplkit's filters.

Each of Django's names is tplkit's filter of that name, called the way
Django's function is (``join(value, arg, autoescape=False)``): a filter that
reads Jinja2's eval context gets one with that autoescape flag.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jinja2.nodes import EvalContext

from manouche.tplkit import create_environment

_ENV = create_environment()


def _django_call(name: str) -> Callable[..., Any]:
    func = _ENV.filters[name]
    passes = getattr(getattr(func, "jinja_pass_arg", None), "name", None)

    def call(value: Any, *args: Any, autoescape: bool = True, **kwargs: Any) -> Any:
        if passes == "eval_context":
            context = EvalContext(_ENV)
            context.autoescape = autoescape
            return func(context, value, *args, **kwargs)
        if passes == "environment":
            return func(_ENV, value, *args, **kwargs)
        return func(value, *args, **kwargs)

    call.__name__ = name
    return call


def _property_resolver(arg: Any) -> Any:
    from manouche.tplkit._list_filters import _resolver

    return _resolver(_ENV, arg)


# Django's function name -> the filter's name where they differ.
_RENAMED = {
    "escapejs_filter": "escapejs",
    "linebreaks_filter": "linebreaks",
    "phone2numeric_filter": "phone2numeric",
    "slice_filter": "slice",
    "timesince_filter": "timesince",
    "timeuntil_filter": "timeuntil",
    "escape_filter": "escape",
}
_FILTERS = """add addslashes capfirst center cut date default default_if_none dictsort
dictsortreversed divisibleby escape escapejs_filter escapeseq filesizeformat first
floatformat force_escape get_digit iriencode join json_script last length
linebreaks_filter linebreaksbr linenumbers ljust lower make_list phone2numeric_filter
pluralize pprint random rjust safe safeseq slice_filter slugify stringformat striptags
time timesince_filter timeuntil_filter title truncatechars truncatechars_html
truncatewords truncatewords_html unordered_list upper urlencode urlize urlizetrunc
wordcount wordwrap yesno escape_filter""".split()

globals().update({name: _django_call(_RENAMED.get(name, name)) for name in _FILTERS})

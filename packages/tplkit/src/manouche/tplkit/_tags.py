"""Django's tags that have a Jinja2 form, as global functions.

``{% now "Y" %}`` is ``{{ now("Y") }}``, ``{% firstof a b "x" %}`` is
``{{ firstof(a, b, "x") }}``, ``{% widthratio v max 100 %}`` is
``{{ widthratio(v, max, 100) }}``, ``{% querystring page=2 %}`` is
``{{ querystring(page=2) }}``, ``{% lorem 2 p %}`` is ``{{ lorem(2, "p") }}``;
Django's ``as name`` is Jinja2's ``{% set name = ... %}``. The README has the
whole table, with the tags Jinja2 already has a form for (``cycle``,
``spaceless``, ``regroup``, ``url``, ``static``, ``csrf_token``...).
"""

from __future__ import annotations

import datetime as dt
import random as _random
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlencode

import jinja2
from jinja2 import pass_context, pass_environment
from jinja2.runtime import Context
from markupsafe import Markup

from manouche.tplkit._djlib import django_filters
from manouche.tplkit.dateformat import format_date

__all__ = ["COMMON_P", "firstof", "lorem", "now", "querystring", "widthratio"]


@django_filters.function
@pass_environment
def now(env: jinja2.Environment, format_string: str = "DATETIME_FORMAT") -> str:
    """The current date and time in Django's format: ``now("Y")``, ``now("SHORT_DATE_FORMAT")``.

    Shown in the environment's time zone (``create_environment(time_zone=)``),
    else in the machine's local time.
    """
    tz = getattr(env, "tplkit_time_zone", None)
    return format_date(dt.datetime.now(tz=tz), format_string, tz)


@django_filters.function
def firstof(*values: Any) -> Any:
    """The first true value (escaped under autoescape as any value), ``""`` if none is."""
    for value in values:
        if value:
            return value
    return ""


@django_filters.function
def widthratio(value: Any, max_value: Any, max_width: Any) -> str:
    """``value / max_value * max_width``, rounded: the width of a bar in a chart.

    ``"0"`` when ``max_value`` is 0, ``""`` when a value is missing or not a
    number; a ``max_width`` that is not a number is an error, as in Django.
    """
    if any(isinstance(v, jinja2.Undefined) for v in (value, max_value, max_width)):
        for v in (value, max_value, max_width):
            str(v)  # a strict undefined raises here; a plain one reads as missing
        return ""
    try:
        width = int(max_width)
    except (ValueError, TypeError):
        raise ValueError(
            f"widthratio's last argument must be a number, got {max_width!r}"
        ) from None
    try:
        return str(round(float(value) / float(max_value) * width))
    except ZeroDivisionError:
        return "0"
    except (ValueError, TypeError, OverflowError):
        return ""


def _lists(mapping: Mapping[Any, Any]) -> Iterable[tuple[Any, Any]] | None:
    """A multi-value mapping's keys with all their values (Django's QueryDict, WebOb's
    and Werkzeug's MultiDicts: ``?a=1&a=2`` keeps both); ``None`` for a plain mapping."""
    lists = getattr(mapping, "lists", None)
    if callable(lists):
        return lists()  # type: ignore[no-any-return]
    dict_of_lists = getattr(mapping, "dict_of_lists", None)
    if callable(dict_of_lists):
        return dict_of_lists().items()  # type: ignore[no-any-return]
    return None


@django_filters.function
@pass_context
def querystring(context: Context, *mappings: Any, **changes: Any) -> str:
    """The query string of the current request (``request.GET``, Flask's ``request.args``)
    with changes, ``?`` first.

    ``{{ querystring(page=2) }}`` sets ``page``, ``querystring(page=None)``
    removes it, a list sets several values; mappings given first replace
    ``request.GET`` as the starting point (``querystring(other_query, page=2)``).
    Without a request in the context the start is empty. Write it in an
    attribute as ``href="{{ querystring(page=2) }}"``: autoescape writes ``&amp;``.
    """
    if not mappings:
        request = context.get("request")
        # WebOb's and Django's request.GET, Flask's (Werkzeug's) request.args.
        query = getattr(request, "GET", None)
        if query is None:
            query = getattr(request, "args", None)
        mappings = (query,) if query is not None else ()
    params: dict[str, list[Any]] = {}
    for mapping in (*mappings, changes):
        if not isinstance(mapping, Mapping):
            raise TypeError(
                f"querystring() takes mappings as positional arguments, got {mapping!r}"
            )
        items = _lists(mapping)
        for key, value in mapping.items() if items is None else items:
            if not isinstance(key, str):
                raise TypeError(f"querystring() needs string keys, got {key!r}")
            if value is None:
                params.pop(key, None)
            elif isinstance(value, Iterable) and not isinstance(value, str):
                params[key] = [v for v in value if v is not None]
            else:
                params[key] = [value]
    pairs = [(key, str(v)) for key, values in params.items() for v in values]
    return "?" + urlencode(pairs)


COMMON_P = (
    "Lorem ipsum dolor sit amet, consectetur adipisicing elit, sed do eiusmod tempor "
    "incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud "
    "exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat. Duis aute irure "
    "dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla pariatur. "
    "Excepteur sint occaecat cupidatat non proident, sunt in culpa qui officia deserunt "
    "mollit anim id est laborum."
)
_COMMON_WORDS = tuple(word.strip(".,").lower() for word in COMMON_P.split()[:19])
# The vocabulary of random text: the words of the classic paragraph.
_VOCABULARY = tuple(sorted({w.strip(".,").lower() for w in COMMON_P.split()}))


def _sentence(rng: _random.Random) -> str:
    sections = [
        " ".join(rng.sample(_VOCABULARY, rng.randint(3, 12))) for _ in range(rng.randint(1, 5))
    ]
    text = ", ".join(sections)
    return text[0].upper() + text[1:] + rng.choice("?.")


def _paragraph(rng: _random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(1, 4)))


def _words(count: int, common: bool, rng: _random.Random) -> str:
    chosen = list(_COMMON_WORDS) if common else []
    if count <= len(chosen):
        return " ".join(chosen[:count])
    count -= len(chosen)
    while count > 0:
        take = min(count, len(_VOCABULARY))
        count -= take
        chosen += rng.sample(_VOCABULARY, take)
    return " ".join(chosen)


@django_filters.function
def lorem(count: Any = 1, method: str = "b", random: bool = False) -> Markup:
    """Placeholder Latin: ``lorem(3, "w")`` words, ``lorem(2, "p")`` paragraphs in ``<p>``,
    ``lorem(2)`` plain paragraphs; the first ones are the classic text unless
    ``random=True``. (Jinja2's own ``lipsum()`` is still there.)"""
    rng = _random.Random()  # noqa: S311 - placeholder text, not secrets
    try:
        number = int(count)
    except (ValueError, TypeError):
        number = 1
    common = not random
    if method == "w":
        return Markup(_words(number, common, rng))
    paragraphs = [COMMON_P if common and i == 0 else _paragraph(rng) for i in range(number)]
    if method == "p":
        paragraphs = [f"<p>{p}</p>" for p in paragraphs]
    return Markup("\n\n".join(paragraphs))

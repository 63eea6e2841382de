"""Django's list, number and logic filters, where Jinja2's namesakes behave differently.

``default`` replaces every false value, ``length`` of something without a
length is ``0``, ``join`` escapes the items and the separator, ``slice`` takes
Django's ``"1:3"`` form, ``dictsort`` sorts by a key path. Where Jinja2's
version takes an argument Django's lacks (``join(attribute=)``,
``default(boolean=)``, ``dictsort`` of a mapping with no key) it still works,
so Jinja2 templates keep rendering after Django's filters are installed.
"""

from __future__ import annotations

import random as _random
import types
from collections import namedtuple
from collections.abc import Callable, Iterable, Iterator
from itertools import groupby
from operator import itemgetter
from typing import Any

import jinja2
import jinja2.filters
from jinja2 import pass_environment, pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup

from manouche.tplkit._djlib import django_filters
from manouche.tplkit._escaping import escape, same_safety

__all__ = [
    "GroupedResult",
    "add",
    "default",
    "dictsort",
    "dictsortreversed",
    "first",
    "get_digit",
    "join",
    "last",
    "length",
    "random",
    "regroup",
    "slice_filter",
    "unordered_list",
]


def _resolver(env: jinja2.Environment, arg: Any) -> Callable[[Any], Any]:
    """Django's sort key: an index for a number, else a dotted path of keys or attributes.

    Attributes are read through the environment, so the sandbox applies; a
    private name (``_x``) is refused, a missing one raises ``AttributeError``.
    """
    try:
        float(arg)
    except ValueError:
        text = str(arg)
        if "._" in text or text.startswith("_"):
            raise AttributeError("Access to private variables is forbidden.") from None
        parts = text.split(".")

        def resolve(value: Any) -> Any:
            for part in parts:
                try:
                    value = value[part]
                except (AttributeError, IndexError, KeyError, TypeError, ValueError):
                    found = env.getattr(value, part)
                    if isinstance(found, jinja2.Undefined):
                        raise AttributeError(part) from None
                    value = found
            return value

        return resolve
    return itemgetter(arg)


def _sorted(env: jinja2.Environment, value: Any, arg: Any, reverse: bool) -> Any:
    try:
        return sorted(value, key=_resolver(env, arg), reverse=reverse)
    except (AttributeError, TypeError):
        return ""


@django_filters.filter
@pass_environment
def dictsort(env: jinja2.Environment, value: Any, arg: Any = None, *args: Any, **kw: Any) -> Any:
    """Items sorted by the key path ``arg`` (``"author.name"``); ``""`` if they cannot be.

    Without a key (nothing, or Jinja2's ``case_sensitive`` flag), a mapping's
    items sorted as Jinja2's ``dictsort`` does.
    """
    if arg is None or isinstance(arg, bool):
        head = () if arg is None else (arg,)
        return jinja2.filters.do_dictsort(value, *head, *args, **kw)
    return _sorted(env, value, arg, reverse=False)


@django_filters.filter
@pass_environment
def dictsortreversed(env: jinja2.Environment, value: Any, arg: Any) -> Any:
    """As ``dictsort``, in reverse order."""
    return _sorted(env, value, arg, reverse=True)


def _text_if_undefined(value: Any) -> Any:
    # A plain undefined reads as "" (Django's missing variable); a strict one raises.
    return str(value) if isinstance(value, jinja2.Undefined) else value


@django_filters.filter
def first(value: Any) -> Any:
    """The first item, or ``""`` for an empty sequence."""
    value = _text_if_undefined(value)
    try:
        item = value[0]
    except IndexError:
        return ""
    # Not safe even when the value was (Django's is_safe=False): Markup("<")[0] is "<".
    return str(item) if isinstance(item, Markup) and isinstance(value, str) else item


@django_filters.filter
def last(value: Any) -> Any:
    """The last item, or ``""`` for an empty sequence."""
    value = _text_if_undefined(value)
    try:
        return same_safety(value, value[-1])
    except IndexError:
        return ""


@django_filters.filter
@pass_eval_context
def join(eval_ctx: EvalContext, value: Any, arg: Any = "", attribute: Any = None) -> Any:
    """Items joined by ``arg``; under autoescape the items and ``arg`` are escaped unless
    safe. Jinja2's ``attribute=`` works too. An argument that is not iterable gives
    the value back."""
    if attribute is not None:
        value = map(jinja2.filters.make_attrgetter(eval_ctx.environment, attribute), value)
    if not isinstance(arg, str):
        if not eval_ctx.autoescape:
            raise TypeError(f"join's separator must be a string, got {arg!r}")
        arg = str(arg)
    try:
        if eval_ctx.autoescape:
            return Markup(str.join(escape(arg), [escape(item) for item in value]))
        return Markup(str.join(arg, value))
    except TypeError:
        return value


@django_filters.filter
def length(value: Any) -> int:
    """``len(value)``, or ``0`` for what has no length (``{{ 7|length }}`` is ``0``)."""
    try:
        return len(value)
    except (ValueError, TypeError):
        return 0


@django_filters.filter
def random(value: Any) -> Any:
    """A random item, ``""`` for an empty sequence (not for security: ``random`` module)."""
    try:
        return same_safety(value, _random.choice(value))  # noqa: S311
    except IndexError:
        return ""


@django_filters.filter("slice")
def slice_filter(value: Any, arg: Any) -> Any:
    """Python's slice in Django's spelling: ``{{ items|slice(":2") }}``, ``slice("1:-1")``.

    An argument that is not a slice gives the value back.
    """
    try:
        bits = [int(bit) if bit else None for bit in str(arg).split(":")]
        return same_safety(value, value[slice(*bits)])
    except (ValueError, TypeError, KeyError):
        return value


def _pairs(items: Iterable[Any]) -> Iterator[tuple[Any, Any]]:
    """Each item with the list that follows it (its children), or ``None``."""
    iterator = iter(items)
    try:
        item = next(iterator)
        while True:
            try:
                following = next(iterator)
            except StopIteration:
                yield item, None
                break
            if isinstance(following, list | tuple | types.GeneratorType):
                yield item, following
                item = next(iterator)
                continue
            yield item, None
            item = following
    except StopIteration:
        pass


@django_filters.filter
@pass_eval_context
def unordered_list(eval_ctx: EvalContext, value: Any) -> Markup:
    """A nested list as ``<li>`` items with nested ``<ul>``, without the outer ``<ul>``.

    ``["States", ["Kansas", ["Lawrence", "Topeka"], "Illinois"]]``: each list
    holds the children of the item before it. Items are escaped under autoescape.
    """
    show: Callable[[Any], Any] = escape if eval_ctx.autoescape else str

    def render(items: Iterable[Any], depth: int) -> str:
        indent = "\t" * depth
        out = []
        for item, children in _pairs(items):
            sublist = ""
            if children:
                inner = render(children, depth + 1)
                sublist = f"\n{indent}<ul>\n{inner}\n{indent}</ul>\n{indent}"
            out.append(f"{indent}<li>{show(item)}{sublist}</li>")
        return "\n".join(out)

    return Markup(render(value, 1))


@django_filters.filter
def add(value: Any, arg: Any) -> Any:
    """``value + arg`` as integers when both are, else as they are (lists, strings); ``""``
    when they do not add up."""
    try:
        return int(value) + int(arg)
    except (ValueError, TypeError):
        try:
            return value + arg
        except Exception:
            return ""


@django_filters.filter
def get_digit(value: Any, arg: Any) -> Any:
    """The ``arg``-th digit from the right (1 is the last); the value back when either is
    not a whole number or ``arg`` is below 1, ``0`` past the first digit."""
    try:
        position = int(arg)
        number = int(value)
    except ValueError:
        return value
    if position < 1:
        return value
    try:
        return int(str(number)[-position])
    except IndexError:
        return 0


@django_filters.filter
def default(value: Any, arg: Any = "", boolean: bool = True) -> Any:
    """``arg`` when the value is false (``None``, ``""``, ``0``, ``[]``, undefined), as Django.

    Jinja2's ``default`` replaces only undefined values unless told
    ``boolean=True``: Django's always does. ``boolean`` is accepted and ignored,
    so Jinja2 templates keep working; Jinja2's own stays available as ``d``.
    """
    return value or arg


GroupedResult = namedtuple("GroupedResult", ["grouper", "list"])


@django_filters.filter
@pass_environment
def regroup(env: jinja2.Environment, value: Any, arg: str) -> list[GroupedResult]:
    """Consecutive items that share ``arg`` (a key path) grouped: Django's ``{% regroup %}``.

    ``{% for group in cities|regroup("country") %}{{ group.grouper }}:
    {% for city in group.list %}...``. As in Django the items are not sorted
    first (Jinja2's ``groupby`` sorts): sort them, or use ``dictsort``, when
    equal keys are not next to each other. A missing key groups under ``None``.
    """
    if value is None or isinstance(value, jinja2.Undefined):
        return []
    resolve = _resolver(env, arg) if str(arg) else (lambda item: item)

    def key(item: Any) -> Any:
        try:
            return resolve(item)
        except (AttributeError, KeyError, IndexError, TypeError):
            return None

    return [GroupedResult(grouper, list(items)) for grouper, items in groupby(value, key)]

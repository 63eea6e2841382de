"""Counting and slicing any iterable of items into pages, without loading it whole."""

from __future__ import annotations

import inspect
import itertools
from collections.abc import Iterable, Iterator
from typing import Any

from manouche.sitemaps._i18n import gettext, gettext_noop

__all__ = ["EmptyPage", "PageNotAnInteger", "count_items", "page_number", "slice_items"]


class _PageError(LookupError):
    # Django's message (a template) and its values apart: str() is the English
    # text, the view's 404 shows it in the active language.
    def __init__(self, message: str, params: dict[str, object]) -> None:
        super().__init__(message % params)
        self.message = message
        self.params = params

    def translated(self) -> str:
        return gettext(self.message) % self.params


class EmptyPage(_PageError):
    """The page number is past the last page (or below 1): the view answers 404."""


class PageNotAnInteger(_PageError):
    """The ``p`` parameter is not a whole number: the view answers 404."""


def count_items(items: Any) -> int:
    """How many items: a queryset's ``count()``, a sequence's ``len()``, else one pass."""
    counter = getattr(items, "count", None)
    if callable(counter) and not inspect.isbuiltin(counter):
        try:
            inspect.signature(counter).bind()
        except TypeError:
            pass
        else:
            return int(counter())
    if hasattr(items, "__len__"):
        return len(items)
    return sum(1 for _ in items)


def page_number(value: object, count: int, limit: int) -> int:
    """Validate a page number against ``count`` items, ``limit`` a page; page 1 may be empty."""
    try:
        number = int(str(value))
    except ValueError:
        raise PageNotAnInteger(gettext_noop("No page “%(page)s”"), {"page": value}) from None
    pages = max(1, -(-count // limit))
    if number < 1 or number > pages:
        raise EmptyPage(gettext_noop("Page %(page)s empty"), {"page": number})
    return number


def num_pages(count: int, limit: int) -> int:
    return max(1, -(-count // limit))


def slice_items(items: Any, start: int, stop: int) -> Iterator[Any]:
    """Items ``start`` to ``stop`` (exclusive), streamed.

    A sliceable collection (a list, a queryset) is sliced, so a queryset asks the
    database for that page only (``LIMIT``/``OFFSET``), and read with its
    ``iterator()`` when it has one (rows are fetched in chunks, not cached);
    any other iterable is skipped through.
    """
    if hasattr(items, "__getitem__") and not isinstance(items, str | bytes | dict):
        try:
            part = items[start:stop]
        except TypeError:
            part = None
        if part is not None:
            streamed = getattr(part, "iterator", None)
            return iter(streamed()) if callable(streamed) else iter(part)
    return itertools.islice(iter(items), start, stop)


def flatten(pairs: Iterable[tuple[Any, Iterable[str]]]) -> Iterator[tuple[Any, str]]:
    for item, languages in pairs:
        for lang in languages:
            yield item, lang

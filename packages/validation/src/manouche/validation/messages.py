"""Messages kept untranslated until they are raised, singular or plural.

A validator's ``message`` is a ``str`` or a :class:`Plural`; :func:`resolve`
translates it through the hook of :mod:`manouche.validation.translation` at
the moment the error is raised, so the active language applies.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from manouche.validation.translation import gettext, ngettext

__all__ = ["Message", "Plural", "resolve"]


class Plural:
    """A message with a plural form, chosen by the number in ``params[key]``."""

    __slots__ = ("key", "plural", "singular")

    def __init__(self, singular: str, plural: str, key: str) -> None:
        self.singular = singular
        self.plural = plural
        self.key = key

    def __repr__(self) -> str:
        return f"Plural({self.singular!r}, {self.plural!r}, {self.key!r})"


#: A validator's or field's message: a string, or a
#: :class:`~manouche.validation.Plural` chosen by a count when it is raised;
#: either is translated only then.
Message = str | Plural


def resolve(message: Any, params: Mapping[str, Any] | None = None) -> str:
    """Translate ``message`` through the gettext hook, picking the plural form."""
    if isinstance(message, Plural):
        count = (params or {}).get(message.key, 0)
        try:
            number = int(count)
        except (TypeError, ValueError):
            number = 0
        return ngettext(message.singular, message.plural, number)
    if isinstance(message, str):
        return gettext(message)
    return str(message)

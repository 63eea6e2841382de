"""Marking messages for translation without needing an i18n package.

When manouche-i18nkit is installed its ``gettext``/``ngettext`` translate the
messages; otherwise the English text is returned as written. DRF's messages
live in class attributes (``default_error_messages``, ``default_detail``),
which are built at import: they are marked with :func:`gettext_noop` there and
translated when an error is raised, through :class:`Messages` and
:func:`gettext`, so the language of the request is the one that applies.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["Messages", "capfirst", "gettext", "gettext_noop", "ngettext"]


def _english(message: str) -> str:
    return message


def _english_plural(singular: str, plural: str, n: int) -> str:
    return singular if n == 1 else plural


def _load() -> tuple[Callable[[str], str], Callable[[str, str, int], str]]:
    try:
        from manouche import i18nkit  # type: ignore[attr-defined,unused-ignore]
    except ImportError:  # pragma: no cover - depends on the environment
        return _english, _english_plural
    return i18nkit.gettext, i18nkit.ngettext


_hooks: list[Any] = list(_load())


def gettext(message: str) -> str:
    """``message`` in the active language (the English text without i18nkit)."""
    return str(_hooks[0](message))


def ngettext(singular: str, plural: str, n: int) -> str:
    return str(_hooks[1](singular, plural, n))


def gettext_noop(message: str) -> str:
    """Marks ``message`` for the catalogs; it is translated where it is used."""
    return message


class Messages(dict[str, str]):
    """A field's ``error_messages``: each message is translated when it is read.

    A message the catalogs do not hold (one given in ``error_messages=``)
    comes back as written.
    """

    def __getitem__(self, key: str) -> str:
        return gettext(super().__getitem__(key))

    def get(self, key: str, default: Any = None) -> Any:
        return self[key] if key in self else default


def _capfirst_text(value: object) -> str:
    text = str(value)
    return text[:1].upper() + text[1:]


def capfirst(value: Any) -> Any:
    """``value`` with its first letter upper-cased; a lazy translation stays lazy.

    A model's ``gettext_lazy`` verbose name (any value that is not a ``str``)
    becomes a field label that is capitalized each time it is shown, in the
    language of that request, when i18nkit is installed.
    """
    if isinstance(value, str):
        return value[:1].upper() + value[1:]
    try:
        from manouche import i18nkit  # type: ignore[attr-defined,unused-ignore]
    except ImportError:  # pragma: no cover - depends on the environment
        return _capfirst_text(value)
    return i18nkit.LazyString(_capfirst_text, value)

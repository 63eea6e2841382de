"""Marking messages for translation without needing an i18n package.

When manouche-i18nkit is installed its ``gettext``/``ngettext`` translate the
messages in the active language (the catalogs live in ``locale/``); otherwise
the English text is returned as written. i18nkit is imported on the first
message translated, never when this package is imported.
"""

from __future__ import annotations

import contextlib
import os
from typing import Any

__all__ = [
    "environment_language",
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "ngettext",
    "pgettext",
]

_kit: Any = None


def _i18nkit() -> Any:
    global _kit
    if _kit is None:
        try:
            from manouche import i18nkit  # type: ignore[attr-defined,unused-ignore]
        except ImportError:  # pragma: no cover - i18nkit is in the workspace
            _kit = False
        else:
            _kit = i18nkit
    return _kit


def gettext(message: str) -> str:
    """``message`` in the active language, or as written."""
    kit = _kit if _kit is not None else _i18nkit()
    return str(kit.gettext(message)) if kit else message


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a plural message for ``n`` in the active language."""
    kit = _kit if _kit is not None else _i18nkit()
    if kit:
        return str(kit.ngettext(singular, plural, n))
    return singular if n == 1 else plural


def pgettext(context: str, message: str) -> str:
    """``message`` in ``context`` (a word with two meanings), in the active language."""
    kit = _kit if _kit is not None else _i18nkit()
    return str(kit.pgettext(context, message)) if kit else message


def gettext_noop(message: str) -> str:
    """Mark ``message`` for extraction and leave it as written (translated where it is used)."""
    return message


class _Lazy:
    """A message translated each time it is turned into text (a model's verbose name).

    Made without importing i18nkit, which is imported on first use only; it
    behaves as the ``str`` it gives for the uses labels have: ``str()``,
    formatting, comparison, hashing and the ``str`` methods.
    """

    __slots__ = ("_message",)

    def __init__(self, message: str) -> None:
        self._message = message

    def __str__(self) -> str:
        return gettext(self._message)

    def __repr__(self) -> str:
        return f"<lazy {self._message!r}>"

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __eq__(self, other: object) -> bool:
        return str(self) == (other if isinstance(other, str) else str(other))

    def __hash__(self) -> int:
        return hash(str(self))

    def __len__(self) -> int:
        return len(str(self))

    def __add__(self, other: object) -> str:
        return str(self) + str(other)

    def __radd__(self, other: object) -> str:
        return str(other) + str(self)

    def __mod__(self, values: Any) -> str:
        return str(str(self) % values)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(str(self), name)


def gettext_lazy(message: str) -> Any:
    """``message`` translated when it is used, in the language active then."""
    return _Lazy(message)


def environment_language() -> Any:
    """A context in which messages speak the terminal's language (for the commands).

    The first of ``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES`` and ``LANG`` that is
    set (``de_DE.UTF-8`` is German); English for ``C``/``POSIX``, without any,
    or without i18nkit.
    """
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            break
    code = value.split(":")[0].split(".")[0].split("@")[0]
    kit = _kit if _kit is not None else _i18nkit()
    if not kit or not code or code in ("C", "POSIX"):
        return contextlib.nullcontext()
    return kit.override(kit.to_language(code))

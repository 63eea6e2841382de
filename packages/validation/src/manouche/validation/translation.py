"""The gettext hook every user-facing message goes through.

The validators (and formkit, which shares this hook) ship English messages.
An application plugs its translations in once
with :func:`set_translation` (a ``gettext`` callable and optionally an
``ngettext`` one, such as those of a :class:`gettext.GNUTranslations` or of a
per-request locale machinery). Messages are translated when an error is
raised or a label is rendered, never at import time, so a hook installed after
import still applies.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["gettext", "ngettext", "set_translation"]


def _identity(message: str) -> str:
    return message


def _plural(singular: str, plural: str, n: int) -> str:
    return singular if n == 1 else plural


_hooks: list[Callable[..., str]] = [_identity, _plural]


def set_translation(
    gettext: Callable[[str], str] | None = None,
    ngettext: Callable[[str, str, int], str] | None = None,
) -> None:
    """Install the callables used to translate messages.

    Calling it with no arguments restores the untranslated English messages.
    """
    _hooks[0] = gettext if gettext is not None else _identity
    _hooks[1] = ngettext if ngettext is not None else _plural


def gettext(message: str) -> str:
    """Translate ``message`` with the installed hook."""
    return _hooks[0](message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message with a plural form for ``n`` with the installed hook."""
    return _hooks[1](singular, plural, n)

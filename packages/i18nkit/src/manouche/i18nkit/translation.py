"""Django's translation API: the active language, gettext and friends, ``override``.

The active language lives in a :class:`contextvars.ContextVar`, so each thread
and each asyncio task sees its own: a request served in German never leaks its
language into one served in French at the same time.
"""

from __future__ import annotations

import contextvars
import functools
import gettext as gettext_module
from collections.abc import Callable
from contextlib import ContextDecorator
from typing import Any, Final, TypeVar

from babel import Locale

from manouche.i18nkit.catalogs import (
    DEFAULT_DOMAIN,
    Catalogs,
    _valid_language,
    babel_locale,
    to_language,
)

__all__ = [
    "ActiveTranslations",
    "activate",
    "active_translations",
    "deactivate",
    "deactivate_all",
    "dgettext",
    "get_catalogs",
    "get_language",
    "get_language_bidi",
    "get_language_info",
    "gettext",
    "gettext_noop",
    "ngettext",
    "npgettext",
    "override",
    "pgettext",
    "set_catalogs",
]

F = TypeVar("F", bound=Callable[..., Any])


class _Null:
    """The state after ``deactivate_all()``: messages are returned untranslated."""

    def __repr__(self) -> str:
        return "<no translation>"


_NULL: Final = _Null()

# None: nothing activated in this context, the default language applies.
_active: contextvars.ContextVar[str | _Null | None] = contextvars.ContextVar(
    "manouche_i18nkit_language", default=None
)

_catalogs = Catalogs()


def set_catalogs(catalogs: Catalogs) -> Catalogs:
    """Make ``catalogs`` the sources every translation function reads; return the previous ones.

    The default is ``Catalogs()``: the installed Manouche packages' own
    catalogs and ``en-us`` as the default language. An application with its
    own ``locale/`` calls this once at start-up.
    """
    global _catalogs
    previous, _catalogs = _catalogs, catalogs
    return previous


def get_catalogs() -> Catalogs:
    """The :class:`Catalogs` in use."""
    return _catalogs


def activate(language: str) -> None:
    """Make ``language`` the active language of the current thread or task."""
    if not isinstance(language, str) or not _valid_language(language):
        raise ValueError(f"invalid language code: {language!r}")
    _active.set(language)


def deactivate() -> None:
    """Go back to the default language in the current thread or task."""
    _active.set(None)


def deactivate_all() -> None:
    """Translate nothing in the current thread or task: messages come back as written."""
    _active.set(_NULL)


def get_language() -> str | None:
    """The active language code, the default one when none was activated.

    ``None`` after :func:`deactivate_all`, as in Django.
    """
    value = _active.get()
    if value is None:
        return _catalogs.default_language
    if isinstance(value, _Null):
        return None
    return value


class override(ContextDecorator):  # noqa: N801 - Django's name
    """Activate a language inside a ``with`` block or a decorated function, then restore.

    ``override(None)`` translates nothing inside (Django's ``deactivate_all``);
    ``deactivate=True`` leaves the default language active afterwards instead
    of restoring the previous one.
    """

    def __init__(self, language: str | None, deactivate: bool = False) -> None:
        if language is not None and (
            not isinstance(language, str) or not _valid_language(language)
        ):
            raise ValueError(f"invalid language code: {language!r}")
        self.language = language
        self.deactivate = deactivate
        self._tokens: list[contextvars.Token[str | _Null | None]] = []

    def __enter__(self) -> override:
        value: str | _Null = _NULL if self.language is None else self.language
        self._tokens.append(_active.set(value))
        return self

    def __exit__(self, *exc: object) -> None:
        token = self._tokens.pop()
        if self.deactivate:
            _active.set(None)
        else:
            _active.reset(token)


def _translations(domain: str = DEFAULT_DOMAIN) -> gettext_module.NullTranslations | None:
    value = _active.get()
    if isinstance(value, _Null):
        return None
    return _catalogs.translation(value or _catalogs.default_language, domain)


def gettext(message: str) -> str:
    """``message`` translated into the active language.

    Line endings are normalized to ``\\n`` first (as Django does); the empty
    message stays empty (plain gettext would return the catalog's header).
    """
    return dgettext(DEFAULT_DOMAIN, message)


def dgettext(domain: str, message: str) -> str:
    """``message`` translated with the catalogs of ``domain``."""
    if "\r" in message:
        message = message.replace("\r\n", "\n").replace("\r", "\n")
    if not message:
        return message
    value = _active.get()
    if isinstance(value, _Null):
        return message
    t = _catalogs.translation(value or _catalogs.default_language, domain)
    return t.gettext(message)


def gettext_noop(message: str) -> str:
    """Mark ``message`` for extraction without translating it."""
    return message


def ngettext(singular: str, plural: str, number: int) -> str:
    """The singular or plural form for ``number``, by the active language's plural rule."""
    t = _translations()
    if t is None:
        return singular if number == 1 else plural
    return t.ngettext(singular, plural, number)


def pgettext(context: str, message: str) -> str:
    """``message`` translated in ``context`` (``msgctxt``), the bare message if untranslated."""
    t = _translations()
    return message if t is None else t.pgettext(context, message)


def npgettext(context: str, singular: str, plural: str, number: int) -> str:
    """:func:`ngettext` in ``context``."""
    t = _translations()
    if t is None:
        return singular if number == 1 else plural
    return t.npgettext(context, singular, plural, number)


class ActiveTranslations:
    """A gettext-style object (``gettext``, ``ngettext``, ``pgettext``, ``npgettext``)
    that translates into the language active when each method is called.

    Hand it to anything that wants one translations object, such as Jinja2's
    i18n extension (``tplkit.Environment(translations=active_translations)``):
    every render then speaks the language of its request.
    """

    __slots__ = ()

    def gettext(self, message: str) -> str:
        return gettext(message)

    def ngettext(self, singular: str, plural: str, number: int) -> str:
        return ngettext(singular, plural, number)

    def pgettext(self, context: str, message: str) -> str:
        return pgettext(context, message)

    def npgettext(self, context: str, singular: str, plural: str, number: int) -> str:
        return npgettext(context, singular, plural, number)

    def __repr__(self) -> str:
        return "active_translations"


#: The one :class:`ActiveTranslations`: hand it to tplkit's ``translations=`` so
#: ``{% trans %}`` blocks render in each request's language.
active_translations = ActiveTranslations()


@functools.lru_cache(maxsize=256)
def _language_info(language: str) -> tuple[str, str, str, bool]:
    try:
        loc = babel_locale(language)
    except ValueError:
        raise KeyError(f"Unknown language code {language}.") from None
    return (
        to_language(language),
        loc.get_display_name("en") or language,
        loc.get_display_name(loc) or language,
        loc.character_order == "right-to-left",
    )


def get_language_info(language: str) -> dict[str, Any]:
    """What is known of a language: code, names (English, own, the active language's), bidi.

    Names come from the Unicode CLDR through Babel (Django keeps its own
    table; the wording can differ, see the README). ``name_translated`` is the
    name in the active language. An unknown code raises ``KeyError`` as in
    Django.
    """
    code, name, name_local, bidi = _language_info(language)
    active = get_language() or _catalogs.default_language
    try:
        translated = babel_locale(code).get_display_name(babel_locale(active)) or name
    except ValueError:
        translated = name
    return {
        "code": code,
        "name": name,
        "name_local": name_local,
        "name_translated": translated,
        "bidi": bidi,
    }


def get_language_bidi() -> bool:
    """Whether the active language is written right to left (Arabic, Hebrew, Persian, Urdu...)."""
    lang = get_language()
    if lang is None:
        return False
    try:
        loc: Locale = babel_locale(lang)
    except ValueError:
        return False
    return bool(loc.character_order == "right-to-left")

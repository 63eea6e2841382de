"""Marking messages for translation without needing an i18n package.

When manouche-i18nkit is installed its ``gettext``/``ngettext`` translate the
messages (the catalogs live in ``locale/``); otherwise the English text is
returned as written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["get_language", "gettext", "gettext_noop", "locale_middleware", "ngettext"]


def _english(message: str) -> str:
    return message


def _english_plural(singular: str, plural: str, n: int) -> str:
    return singular if n == 1 else plural


def _load() -> tuple[Callable[[str], str], Callable[[str, str, int], str]]:
    try:
        from manouche import i18nkit  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        return _english, _english_plural
    return i18nkit.gettext, i18nkit.ngettext  # pragma: no cover - depends on the extra


gettext, ngettext = _load()


def gettext_noop(message: str) -> str:
    """Mark ``message`` for extraction and leave it as written (translated where it is shown)."""
    return message


def get_language() -> str:
    """The active language (i18nkit's, set by its locale middleware), else "en"."""
    try:
        from manouche import i18nkit  # type: ignore[attr-defined,unused-ignore]
    except ImportError:  # pragma: no cover - depends on the extra
        return "en"
    return str(i18nkit.get_language() or "en")


def locale_middleware(languages: list[str]) -> Any:
    """i18nkit's ``LocaleMiddleware`` for ``languages``, as a middleware factory."""
    try:
        from manouche.i18nkit import LocaleMiddleware  # type: ignore[attr-defined,unused-ignore]
    except ImportError as exc:  # pragma: no cover - depends on the extra
        raise ImportError(
            "AdminSite(languages=...) needs i18nkit: pip install 'manouche-adminkit[i18n]'"
        ) from exc

    def factory(get_response: Any) -> Any:
        return LocaleMiddleware(get_response, languages=languages)

    return factory

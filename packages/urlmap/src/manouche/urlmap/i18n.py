"""Language-prefixed URLs: Django's ``i18n_patterns``.

``i18n_patterns(path(...), ...)`` puts the active language's code in front of
the routes it wraps: ``/de/polls/`` while German is active, ``/fr/polls/``
while French is. The prefix is a translated pattern (see
:class:`~manouche.urlmap.patterns.TranslatedPattern`), so matching and
``reverse()`` both use the language active at that moment, and threads or
tasks serving different languages at once never disturb each other.

The active language comes from manouche-i18nkit when it is installed (its
``LocaleMiddleware(check_path=True)`` activates the language of the URL's
prefix); pass ``get_language=`` to use another source.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from manouche.urlmap import _i18n
from manouche.urlmap.exceptions import ImproperlyConfigured
from manouche.urlmap.patterns import URLPattern, URLResolver, include, path

__all__ = ["LanguagePrefix", "i18n_patterns", "is_language_prefix_patterns_used"]


class LanguagePrefix:
    """The text of the language prefix route: ``"de/"``, or ``""`` for an unprefixed default."""

    __slots__ = ("_ready", "default_language", "get_language", "prefix_default_language")

    def __init__(
        self,
        *,
        prefix_default_language: bool,
        default_language: str | None,
        get_language: Callable[[], str | None],
    ) -> None:
        self.prefix_default_language = prefix_default_language
        self.default_language = default_language
        self.get_language = get_language
        # False while i18n_patterns() builds the route (no language need be active then).
        self._ready = True

    @property
    def language_prefix(self) -> str:
        """Django's ``LocalePrefixPattern.language_prefix``: ``"de"`` or ``""``."""
        language = self.get_language() or self.default_language
        if not language:
            if not self._ready:
                return ""
            raise ImproperlyConfigured(
                "i18n_patterns() found no active language: activate one (i18nkit's "
                "LocaleMiddleware does) or give default_language="
            )
        if language == self.default_language and not self.prefix_default_language:
            return ""
        return language

    def __str__(self) -> str:
        prefix = self.language_prefix
        return f"{prefix}/" if prefix else ""

    def __repr__(self) -> str:
        return (
            f"LanguagePrefix(prefix_default_language={self.prefix_default_language}, "
            f"default_language={self.default_language!r})"
        )


def i18n_patterns(
    *urls: URLPattern | URLResolver | Any,
    prefix_default_language: bool = True,
    default_language: str | None = None,
    get_language: Callable[[], str | None] | None = None,
) -> list[URLResolver]:
    """Serve ``urls`` under the active language's prefix (Django's ``i18n_patterns``).

    With ``prefix_default_language=False`` the ``default_language`` (required
    then) is served without a prefix, as Django serves ``LANGUAGE_CODE``.
    Returns a list to add to (or be) a URLconf's ``urlpatterns``.
    """
    if not prefix_default_language and not default_language:
        raise ImproperlyConfigured(
            "i18n_patterns(prefix_default_language=False) needs default_language=, "
            "the language served without a prefix"
        )
    prefix = LanguagePrefix(
        prefix_default_language=prefix_default_language,
        default_language=default_language,
        get_language=get_language or _i18n.get_language,
    )
    prefix._ready = False
    try:
        resolver = path(prefix, include(list(urls)))  # type: ignore[arg-type]
    finally:
        prefix._ready = True
    assert isinstance(resolver, URLResolver)
    return [resolver]


def is_language_prefix_patterns_used(patterns: Any) -> tuple[bool, bool]:
    """Whether ``patterns`` (a URLconf, a list, a URLMap's patterns) use ``i18n_patterns``.

    Returns ``(used, prefix_default_language)`` as Django's function does.
    """
    items = getattr(patterns, "urlpatterns", patterns)
    for item in items:
        source = getattr(getattr(item, "pattern", None), "_source", None)
        if isinstance(source, LanguagePrefix):
            return True, source.prefix_default_language
    return False, False

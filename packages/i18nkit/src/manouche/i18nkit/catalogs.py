"""Message catalogs: where they are found, in which order they merge, how they fall back.

A language's translations for one domain are built from every source that has
a compiled catalog (``<dir>/<locale>/LC_MESSAGES/<domain>.mo``) for it, merged
so that the first source wins for a message it translates:

1. the application's locale directories (``Catalogs(locale_paths=[...])``), in
   the order given;
2. each installed Manouche package's own ``locale/`` folder, found through
   package resources on the ``manouche`` namespace, in package-name order.

Within a source, a language falls back along its locale chain (``pt_BR`` to
``pt``) before the next source is asked, so the application's ``pt`` catalog
wins over a package's ``pt_BR`` one, as Django's ``LOCALE_PATHS`` win over its
applications' catalogs. Then come the default language (``en-us`` unless told
otherwise) and the message id itself. Every domain has its own chain, so a message missing from a
``djangojs``-style domain never borrows from another domain.
"""

from __future__ import annotations

import functools
import gettext as gettext_module
import importlib.resources
import os
import struct
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from babel import Locale, UnknownLocaleError

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

__all__ = [
    "DEFAULT_DOMAIN",
    "Catalogs",
    "package_locale_dirs",
    "to_language",
    "to_locale",
]

#: The gettext domain catalogs are read from (``"messages"``).
DEFAULT_DOMAIN = "messages"

# Merged catalogs kept per Catalogs, at most (each is one language of one domain).
MAX_CACHED = 256


def to_locale(language: str) -> str:
    """Turn a language code (``pt-br``, ``sr-latn``) into a locale name (``pt_BR``, ``sr_Latn``).

    Django's ``to_locale``: the region is upper-cased, a script subtag
    (four letters) title-cased, anything else lower-cased.
    """
    lang, _, country = language.lower().partition("-")
    if not country:
        return language[:3].lower() + language[3:]
    country, _, tail = country.partition("-")
    country = country.title() if len(country) > 2 else country.upper()
    if tail:
        country += "-" + tail
    return lang + "_" + country


def to_language(locale: str) -> str:
    """Turn a locale name (``pt_BR``) into a language code (``pt-br``), as Django does."""
    p = locale.find("_")
    if p >= 0:
        return locale[:p].lower() + "-" + locale[p + 1 :].lower()
    return locale.lower()


def locale_chain(locale: str) -> list[str]:
    """The locale names tried for ``locale``, most specific first: ``pt_BR`` then ``pt``."""
    chain = [locale]
    base = locale.partition("_")[0]
    if base != locale:
        chain.append(base)
    return chain


def package_locale_dirs() -> list[Traversable]:
    """Every installed ``manouche.*`` package's ``locale/`` folder, in package-name order.

    Found through package resources on the ``manouche`` namespace, without
    importing the packages themselves.
    """
    try:
        root = importlib.resources.files("manouche")
    except ModuleNotFoundError:  # pragma: no cover - i18nkit itself lives there
        return []
    found: dict[str, Traversable] = {}
    for child in root.iterdir():
        if not child.is_dir() or child.name.startswith(("_", ".")):
            continue
        locale_dir = child / "locale"
        if locale_dir.is_dir() and child.name not in found:
            found[child.name] = locale_dir
    return [found[name] for name in sorted(found)]


def _read_mo(
    source: Traversable, locale: str, domain: str
) -> gettext_module.GNUTranslations | None:
    mo = source / locale / "LC_MESSAGES" / f"{domain}.mo"
    if not mo.is_file():
        return None
    with mo.open("rb") as fh:
        try:
            return gettext_module.GNUTranslations(fh)
        except (OSError, UnicodeDecodeError, struct.error) as exc:
            raise ValueError(f"{mo}: not a valid compiled message catalog ({exc})") from exc


class Catalogs:
    """The translation sources of an application and the merged catalogs built from them.

    Parameters:
        locale_paths: the application's locale directories, searched first
            (Django's ``LOCALE_PATHS``).
        default_language: the language every other one falls back to
            (Django's ``LANGUAGE_CODE``).
        include_packages: also merge each installed Manouche package's own
            catalogs (after the application's).

    Merged catalogs are built once per (domain, language) and kept; call
    :meth:`reload` after compiling new ``.mo`` files.
    """

    def __init__(
        self,
        locale_paths: Iterable[str | os.PathLike[str]] = (),
        *,
        default_language: str = "en-us",
        include_packages: bool = True,
    ) -> None:
        self.locale_paths: tuple[Path, ...] = tuple(Path(p) for p in locale_paths)
        self.default_language = default_language
        self.include_packages = include_packages
        self._lock = threading.Lock()
        self._cache: dict[tuple[str, str], gettext_module.NullTranslations] = {}
        self._sources: list[Traversable] | None = None

    def sources(self) -> Sequence[Traversable]:
        """The locale directories, highest priority first."""
        if self._sources is None:
            found: list[Traversable] = [p for p in self.locale_paths]
            if self.include_packages:
                found += package_locale_dirs()
            self._sources = found
        return self._sources

    def reload(self) -> None:
        """Forget every merged catalog and the package scan (after new ``.mo`` files)."""
        with self._lock:
            self._cache.clear()
            self._sources = None

    def _merged(self, locales: Sequence[str], domain: str) -> gettext_module.GNUTranslations | None:
        """One catalog for ``domain`` from every source, source by source.

        A source's catalogs for ``locales`` (most specific first) come before the
        next source's; the first one to translate a message wins. Plural forms
        are those of the catalog that wins first.
        """
        found = [
            mo
            for source in self.sources()
            for loc in locales
            if (mo := _read_mo(source, loc, domain)) is not None
        ]
        if not found:
            return None
        merged = found[-1]
        for higher in reversed(found[:-1]):
            # A higher-priority catalog replaces the entries it has.
            merged._catalog.update(higher._catalog)  # type: ignore[attr-defined]
        merged.plural = found[0].plural  # type: ignore[attr-defined]
        return merged

    def has_language(self, language: str, domain: str = DEFAULT_DOMAIN) -> bool:
        """Whether some source has a catalog for ``language`` or its base language.

        Django's ``check_for_language``.
        """
        if not _valid_language(language):
            return False
        return any(
            _read_mo(source, loc, domain) is not None
            for loc in locale_chain(to_locale(language))
            for source in self.sources()
        )

    def translation(
        self, language: str, domain: str = DEFAULT_DOMAIN
    ) -> gettext_module.NullTranslations:
        """The translations for ``language`` in ``domain``, with its fallback chain attached."""
        key = (domain, language)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                return cached
            built = self._build(language, domain)
            if len(self._cache) >= MAX_CACHED:
                # Codes can come from users (activate(request.GET["lang"])): stay bounded.
                self._cache.clear()
            self._cache[key] = built
            return built

    def _build(self, language: str, domain: str) -> gettext_module.NullTranslations:
        if not _valid_language(language):
            raise ValueError(f"invalid language code: {language!r}")
        chain = locale_chain(to_locale(language))
        rest = [loc for loc in locale_chain(to_locale(self.default_language)) if loc not in chain]
        head = self._merged(chain, domain)
        fallback = self._merged(rest, domain) if rest else None
        if head is None:
            head = fallback
        elif fallback is not None:
            head.add_fallback(fallback)
        return head if head is not None else gettext_module.NullTranslations()


def _valid_language(language: str) -> bool:
    """A language code of letters, digits, ``-``, ``_``, ``@`` (Django's ``language_code_re``)."""
    if not language or len(language) > 15:
        return False
    parts = language.replace("_", "-").split("-")
    return (
        parts[0].isascii()
        and parts[0].isalpha()
        and 1 <= len(parts[0]) <= 8
        and all(
            p.isascii() and p.replace("@", "").isalnum() and 1 <= len(p) <= 8 for p in parts[1:]
        )
    )


@functools.lru_cache(maxsize=512)
def babel_locale(language: str) -> Locale:
    """The Babel locale for a language code, or ``ValueError`` naming the code (kept once built)."""
    try:
        return Locale.parse(to_locale(language))
    except (UnknownLocaleError, ValueError) as exc:
        raise ValueError(f"unknown language code: {language!r}") from exc

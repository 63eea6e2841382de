"""``Sitemap`` and ``GenericSitemap``: what a sitemap lists and how each URL is described.

Django's ``django.contrib.sitemaps.Sitemap``: ``items()``, ``location``,
``lastmod``, ``changefreq``, ``priority`` (each a value or a method of the
item), ``limit``, ``protocol``, ``i18n``, ``languages``, ``alternates`` and
``x_default``. What Django reads from settings is an attribute here:
``languages`` (``settings.LANGUAGES``) and ``default_language``
(``settings.LANGUAGE_CODE``, the language of ``x-default``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, ClassVar

from manouche.sitemaps._pages import count_items, flatten, num_pages, page_number, slice_items

__all__ = ["GenericSitemap", "Sitemap"]


def _domain(site: object) -> str:
    if isinstance(site, str):
        return site
    domain = getattr(site, "domain", None)
    if not isinstance(domain, str):
        raise TypeError(
            "a sitemap needs a site: pass a domain string or an object with a .domain "
            f"(got {site!r})"
        )
    return domain


class Sitemap:
    """A section of a sitemap: subclass it, define ``items()`` and what describes an item."""

    #: URLs a page (sitemaps.org caps a file at 50,000).
    limit: ClassVar[int] = 50_000
    #: "http" or "https"; None takes the request's.
    protocol: str | None = None
    #: One URL per item and language (``(item, lang_code)`` pairs).
    i18n: ClassVar[bool] = False
    #: The language codes of an ``i18n`` sitemap (Django: ``settings.LANGUAGES``).
    languages: ClassVar[Sequence[str] | None] = None
    #: The language ``x-default`` points at (Django: ``settings.LANGUAGE_CODE``).
    default_language: ClassVar[str | None] = None
    #: ``<xhtml:link rel="alternate" hreflang=...>`` for each language of an item.
    alternates: ClassVar[bool] = False
    #: An ``x-default`` alternate too (the default language's URL without its prefix).
    x_default: ClassVar[bool] = False

    def items(self) -> Iterable[Any]:
        """The objects of the sitemap: any iterable (a list, a generator, a queryset)."""
        return []

    def location(self, item: Any) -> str:
        """The item's path (``item.get_absolute_url()`` by default)."""
        return str(item.get_absolute_url())

    def i18n_location(self, item: Any, lang_code: str) -> str:
        """The item's path in ``lang_code``: ``/<lang_code>`` + ``location(item)`` by default.

        That is the path Django's ``i18n_patterns`` give; override it for another scheme.
        """
        return f"/{lang_code}{self._get('location', item)}"

    def get_languages_for_item(self, item: Any) -> Sequence[str]:
        """The languages an item exists in (all of ``languages`` by default)."""
        return self._languages()

    def _languages(self) -> Sequence[str]:
        if self.languages is None:
            raise TypeError(
                f"{type(self).__name__}.i18n is set: give the sitemap its languages "
                "(languages = ['en', 'fr'])"
            )
        return self.languages

    def get_protocol(self, protocol: str | None = None) -> str:
        return self.protocol or protocol or "https"

    def get_domain(self, site: object = None) -> str:
        """The host of the URLs: ``site`` is a domain string or an object with ``.domain``."""
        return _domain(site)

    # -- the values of one item ----------------------------------------------------

    def _get(self, name: str, item: Any, default: Any = None) -> Any:
        try:
            attr = getattr(self, name)
        except AttributeError:
            return default
        return attr(item) if callable(attr) else attr

    def _uses_item_languages(self) -> bool:
        return type(self).get_languages_for_item is not Sitemap.get_languages_for_item

    # -- pages ---------------------------------------------------------------------

    def count(self) -> int:
        """How many URLs (items, or item-language pairs with ``i18n``)."""
        items = self.items()
        if not self.i18n:
            return count_items(items)
        if self._uses_item_languages():
            return sum(len(self.get_languages_for_item(item)) for item in items)
        return count_items(items) * len(self._languages())

    @property
    def num_pages(self) -> int:
        return num_pages(self.count(), self.limit)

    def validate_page(self, page: object) -> int:
        """The page number ``page`` stands for; raises ``EmptyPage`` / ``PageNotAnInteger``."""
        return page_number(page, self.count(), self.limit)

    def page_items(self, page: int) -> Iterator[Any]:
        """The items of a page (``(item, lang_code)`` pairs with ``i18n``), streamed."""
        start, stop = (page - 1) * self.limit, page * self.limit
        items = self.items()
        if not self.i18n:
            return slice_items(items, start, stop)
        if self._uses_item_languages():
            pairs = ((item, self.get_languages_for_item(item)) for item in items)
            return slice_items(flatten(pairs), start, stop)
        languages = self._languages()
        per_item = len(languages)
        first = start // per_item
        last = -(-stop // per_item)
        return slice_items(
            flatten((item, languages) for item in slice_items(items, first, last)),
            start - first * per_item,
            stop - first * per_item,
        )

    def iter_urls(
        self, page: int = 1, site: object = None, protocol: str | None = None
    ) -> Iterator[dict[str, Any]]:
        """The URL descriptions of a page, one at a time (what the sitemap view streams).

        ``page`` is not checked here (that would count the items again): pass a
        number :meth:`validate_page` returned. :meth:`get_urls` checks it.
        """
        scheme = self.get_protocol(protocol)
        domain = self.get_domain(site)
        origin = f"{scheme}://{domain}"
        for entry in self.page_items(page):
            item = entry[0] if self.i18n else entry
            if self.i18n:
                location = self.i18n_location(item, entry[1])
            else:
                location = self._get("location", item)
            priority = self._get("priority", item)
            info: dict[str, Any] = {
                "item": entry,
                "location": origin + location,
                "lastmod": self._get("lastmod", item),
                "changefreq": self._get("changefreq", item),
                "priority": str(priority if priority is not None else ""),
                "alternates": [],
            }
            if self.i18n and self.alternates:
                languages = self.get_languages_for_item(item)
                for lang in languages:
                    info["alternates"].append(
                        {"location": origin + self.i18n_location(item, lang), "lang_code": lang}
                    )
                default = self.default_language
                if self.x_default and default is not None and default in languages:
                    loc = (origin + self.i18n_location(item, default)).replace(
                        f"/{default}/", "/", 1
                    )
                    info["alternates"].append({"location": loc, "lang_code": "x-default"})
            yield info

    def get_urls(
        self, page: int | str = 1, site: object = None, protocol: str | None = None
    ) -> list[dict[str, Any]]:
        """The URL descriptions of a page as a list; sets ``latest_lastmod`` as Django does."""
        urls = list(self.iter_urls(self.validate_page(page), site, protocol))
        self.latest_lastmod = page_lastmod(urls)
        return urls

    def page_lastmod(self, page: int) -> dt.date | None:
        """The newest ``lastmod`` of a page's items, or None if one has none."""
        if not hasattr(self, "lastmod"):
            return None
        return page_lastmod(
            {"lastmod": self._get("lastmod", entry[0] if self.i18n else entry)}
            for entry in self.page_items(page)
        )

    def get_latest_lastmod(self) -> dt.date | None:
        """The newest ``lastmod`` of all items (the index's ``<lastmod>``), or None."""
        if not hasattr(self, "lastmod"):
            return None
        lastmod = self.lastmod
        if not callable(lastmod):
            return lastmod  # type: ignore[no-any-return]
        try:
            return max((lastmod(item) for item in self.items()), default=None)
        except TypeError:
            # A None among dates, or dates mixed with datetimes: no single answer.
            return None


def comparable(value: dt.date) -> dt.datetime:
    """A lastmod as an aware datetime, so dates, naive and aware datetimes compare (naive = UTC)."""
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time.min)
    if value.utcoffset() is None:
        value = value.replace(tzinfo=dt.UTC)
    return value


def page_lastmod(urls: Iterable[dict[str, Any]]) -> dt.date | None:
    """The newest lastmod of the URLs, or None as soon as one has none."""
    latest = None
    for url in urls:
        value = url["lastmod"]
        if value is None:
            return None
        if latest is None or comparable(value) > comparable(latest):
            latest = value
    return latest


class GenericSitemap(Sitemap):
    """A sitemap of a queryset (or any iterable): ``{"queryset": qs, "date_field": "updated"}``.

    Items link to ``item.get_absolute_url()``; ``lastmod`` is the ``date_field``
    attribute. A queryset is used through duck typing only: iterated, sliced per
    page, counted with ``count()``, and ordered by ``order_by()`` for the newest date.
    """

    priority: Any = None
    changefreq: Any = None

    def __init__(
        self,
        info_dict: dict[str, Any],
        priority: float | None = None,
        changefreq: str | None = None,
        protocol: str | None = None,
    ) -> None:
        self.queryset = info_dict["queryset"]
        self.date_field: str | None = info_dict.get("date_field")
        self.priority = self.priority or priority
        self.changefreq = self.changefreq or changefreq
        self.protocol = self.protocol or protocol

    def items(self) -> Iterable[Any]:
        clone = getattr(self.queryset, "all", None)
        # A queryset is cloned, so its result cache is never filled by the sitemap.
        if callable(clone) and not isinstance(self.queryset, dict):
            return clone()  # type: ignore[no-any-return]
        return self.queryset  # type: ignore[no-any-return]

    def lastmod(self, item: Any) -> Any:
        return None if self.date_field is None else getattr(item, self.date_field)

    def get_latest_lastmod(self) -> dt.date | None:
        if self.date_field is None:
            return None
        field = self.date_field
        order_by = getattr(self.queryset, "order_by", None)
        if callable(order_by):
            newest = order_by(f"-{field}").values_list(field, flat=True).first()
            return newest  # type: ignore[no-any-return]
        values = [getattr(item, field) for item in self.items()]
        return max((v for v in values if v is not None), default=None)

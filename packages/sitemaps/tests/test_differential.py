"""The sitemap and index views against Django's on the same Sitemap classes: same bytes, headers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import webob

from manouche.sitemaps import Sitemap, index, sitemap


@dataclass
class Thing:
    pk: int
    slug: str
    updated: dt.date | None

    def get_absolute_url(self) -> str:
        return f"/things/{self.pk}/{self.slug}/"


THINGS = [
    Thing(1, "plain", dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)),
    Thing(2, "a&b<c>\"d'", dt.datetime(2026, 12, 3, 23, 0, tzinfo=dt.UTC)),
    Thing(3, "caf\u00e9", dt.datetime(2026, 11, 2, 1, 2, 3, tzinfo=dt.UTC)),
    Thing(4, "x", dt.datetime(2026, 10, 9, 8, 7, tzinfo=dt.UTC)),
    Thing(5, "y", dt.datetime(2026, 12, 2, 0, 0, tzinfo=dt.UTC)),
    Thing(6, "z", dt.datetime(2026, 9, 9, 9, 9, tzinfo=dt.UTC)),
    Thing(7, "last", dt.datetime(2026, 8, 1, tzinfo=dt.UTC)),
]


class ThingsSpec:
    limit = 3
    changefreq = "weekly"

    def items(self) -> list[Thing]:
        return THINGS

    def lastmod(self, item: Thing) -> Any:
        return item.updated

    def priority(self, item: Thing) -> float | None:
        return [0.5, None, 1.0][item.pk % 3]


class StaticSpec:
    protocol = "https"

    def items(self) -> list[str]:
        return ["/", "/about/", "/contact/?a=1&b=2"]

    def location(self, item: str) -> str:
        return item


class DatedStaticSpec(StaticSpec):
    lastmod = dt.date(2026, 7, 1)


class I18nSpec:
    i18n = True
    alternates = True
    x_default = True
    changefreq = "daily"

    def items(self) -> list[Thing]:
        return THINGS[:4]

    def get_languages_for_item(self, item: Thing) -> list[str]:
        return ["en", "fr", "de"] if item.pk != 2 else ["fr", "de"]

    def lastmod(self, item: Thing) -> Any:
        return item.updated


SPECS: dict[str, type] = {
    "things": ThingsSpec,
    "static": StaticSpec,
    "dated": DatedStaticSpec,
    "i18n": I18nSpec,
}


def _ours() -> dict[str, Sitemap]:
    class I18n(I18nSpec, Sitemap):
        languages = ["en", "fr", "de"]
        default_language = "en"

    classes: dict[str, type] = {k: type(k, (v, Sitemap), {}) for k, v in SPECS.items()}
    classes["i18n"] = I18n
    return {k: cls() for k, cls in classes.items()}


def _theirs() -> dict[str, Any]:
    from django.contrib.sitemaps import Sitemap as DjangoSitemap
    from django.utils.translation import get_language

    class I18n(I18nSpec, DjangoSitemap):
        def location(self, item: Thing) -> str:
            # Django calls location() with the item's language active (i18n_patterns would).
            return f"/{get_language()}{item.get_absolute_url()}"

    classes: dict[str, type] = {k: type(k, (v, DjangoSitemap), {}) for k, v in SPECS.items()}
    classes["i18n"] = I18n
    return {k: cls() for k, cls in classes.items()}


def _django(view: str, path: str, maps: dict[str, Any], secure: bool = False, **kw: Any) -> Any:
    from django.contrib.sitemaps import views
    from django.test import RequestFactory

    request = RequestFactory().get(path, secure=secure, HTTP_HOST="example.com")
    response = getattr(views, view)(request, maps, **kw)
    response.render()
    return response


def _request(
    path: str, secure: bool = False, headers: dict[str, str] | None = None
) -> webob.Request:
    request = webob.Request.blank(path, base_url=("https" if secure else "http") + "://x")
    request.environ["HTTP_HOST"] = "example.com"
    for name, value in (headers or {}).items():
        request.headers[name] = value
    return request


def _body(response: webob.Response) -> bytes:
    return b"".join(response.app_iter)


def _same(ours: webob.Response, theirs: Any) -> None:
    assert ours.status_int == theirs.status_code
    assert _body(ours) == theirs.content
    # Same media type; ours names the charset too (the XML declaration says UTF-8 as well).
    assert ours.headers["Content-Type"] == theirs.headers["Content-Type"] + "; charset=utf-8"
    assert ours.headers.get("Last-Modified") == theirs.headers.get("Last-Modified")
    assert ours.headers["X-Robots-Tag"] == theirs.headers["X-Robots-Tag"]


@pytest.mark.parametrize("section", ["things", "static", "dated", "i18n", None])
@pytest.mark.parametrize("page", ["1", "2", "3"])
@pytest.mark.parametrize("secure", [False, True])
def test_sitemap_as_django(
    django_ready: None, section: str | None, page: str, secure: bool
) -> None:
    path = f"/sitemap.xml?p={page}"
    kw = {"section": section} if section else {}
    ours = _ours()
    if section is not None and page != "1" and ours[section].num_pages < int(page):
        from django.http import Http404

        with pytest.raises(Http404):
            _django("sitemap", path, _theirs(), secure, **kw)
        assert sitemap(_request(path, secure), ours, **kw).status_int == 404
        return
    if section is None and page != "1":
        # Every section must have the page: Django 404s when one has not.
        from django.http import Http404

        with pytest.raises(Http404):
            _django("sitemap", path, _theirs(), secure, **kw)
        assert sitemap(_request(path, secure), ours, **kw).status_int == 404
        return
    _same(
        sitemap(_request(path, secure), ours, **kw),
        _django("sitemap", path, _theirs(), secure, **kw),
    )


@pytest.mark.parametrize(
    "sections", [["things", "static"], ["things", "dated", "i18n"], ["static"], []]
)
@pytest.mark.parametrize("secure", [False, True])
def test_index_as_django(django_ready: None, sections: list[str], secure: bool) -> None:
    ours = {k: v for k, v in _ours().items() if k in sections}
    theirs = {k: v for k, v in _theirs().items() if k in sections}
    _same(
        index(_request("/sitemap.xml", secure), ours),
        _django("index", "/sitemap.xml", theirs, secure),
    )


def test_sitemap_classes_and_callables_as_django(django_ready: None) -> None:
    ours = {k: type(v) for k, v in _ours().items()}
    theirs = {k: type(v) for k, v in _theirs().items()}
    _same(index(_request("/sitemap.xml"), ours), _django("index", "/sitemap.xml", theirs))
    _same(
        sitemap(_request("/s.xml"), ours, section="i18n"),
        _django("sitemap", "/s.xml", theirs, section="i18n"),
    )


@pytest.mark.parametrize("page", ["0", "4", "-1", "abc", "1.5", ""])
def test_bad_pages_404_as_django(django_ready: None, page: str) -> None:
    from django.http import Http404

    path = f"/sitemap-things.xml?p={page}"
    with pytest.raises(Http404):
        _django("sitemap", path, _theirs(), section="things")
    response = sitemap(_request(path), _ours(), section="things")
    assert response.status_int == 404


def test_dates_and_zones(django_ready: None) -> None:
    class Zoned:
        def items(self) -> list[Any]:
            return [
                dt.datetime(2026, 5, 7, 23, 30, tzinfo=dt.UTC),
                # 01:00 in Paris is the evening before in UTC: the UTC date is written.
                dt.datetime(2026, 5, 8, 1, 0, tzinfo=ZoneInfo("Europe/Paris")),
                dt.datetime(2026, 5, 8, 20, 0, tzinfo=ZoneInfo("America/New_York")),
            ]

        def location(self, item: Any) -> str:
            return "/" + item.isoformat()

        def lastmod(self, item: Any) -> Any:
            return item

    from django.contrib.sitemaps import Sitemap as DjangoSitemap

    ours = {"m": type("M", (Zoned, Sitemap), {})()}
    theirs = {"m": type("M", (Zoned, DjangoSitemap), {})()}
    _same(sitemap(_request("/s.xml"), ours), _django("sitemap", "/s.xml", theirs))
    _same(index(_request("/i.xml"), ours), _django("index", "/i.xml", theirs))
    assert b"<lastmod>2026-05-07</lastmod>" in _body(sitemap(_request("/s.xml"), ours))


def test_dates_mixed_with_datetimes() -> None:
    """Django fails (date vs datetime comparison); a date counts as midnight UTC here."""

    class Mixed(Sitemap):
        def items(self) -> list[Any]:
            return [dt.date(2026, 5, 9), dt.datetime(2026, 5, 8, 12, 0, tzinfo=dt.UTC)]

        def location(self, item: Any) -> str:
            return f"/{item.day}"

        def lastmod(self, item: Any) -> Any:
            return item

    response = sitemap(_request("/s.xml"), {"m": Mixed()})
    assert response.headers["Last-Modified"] == "Sat, 09 May 2026 00:00:00 GMT"
    assert b"<lastmod>2026-05-09</lastmod>" in _body(response)


def test_get_urls_as_django(django_ready: None) -> None:
    for name in ("things", "i18n", "static"):
        ours = _ours()[name]
        theirs = _theirs()[name]
        for page in (1, 2):
            if page > ours.num_pages:
                continue
            mine = ours.get_urls(page=page, site="example.com", protocol="http")

            class Site:
                domain = "example.com"

            django_urls = theirs.get_urls(page=page, site=Site(), protocol="http")
            assert mine == django_urls
            assert getattr(ours, "latest_lastmod", None) == getattr(theirs, "latest_lastmod", None)
        assert ours.get_latest_lastmod() == theirs.get_latest_lastmod()


@pytest.mark.parametrize("page", ["1", "2", "3"])
def test_i18n_pages_cross_items_as_django(django_ready: None, page: str) -> None:
    """Every item in every language (no per-item languages): pages split inside an item."""
    from django.contrib.sitemaps import Sitemap as DjangoSitemap
    from django.utils.translation import get_language

    class Spec:
        i18n = True
        alternates = True
        x_default = True
        limit = 4

        def items(self) -> list[Thing]:
            return THINGS[:4]

    class Ours(Spec, Sitemap):
        languages = ["en", "fr", "de"]
        default_language = "en"

    class Theirs(Spec, DjangoSitemap):
        def location(self, item: Thing) -> str:
            return f"/{get_language()}{item.get_absolute_url()}"

    path = f"/s.xml?p={page}"
    ours = sitemap(_request(path), {"t": Ours()})
    theirs = _django("sitemap", path, {"t": Theirs()})
    _same(ours, theirs)
    assert theirs.content.count(b"<url>") == 4  # ours is the same bytes (checked above)

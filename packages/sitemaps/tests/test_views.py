"""The views over HTTP: schema-valid output, conditional GET, errors, streaming in flat memory."""

from __future__ import annotations

import datetime as dt
import functools
import gc
import tracemalloc
from collections.abc import Iterator
from typing import Any

import pytest
import webob

from manouche.sitemaps import GenericSitemap, Sitemap, index, sitemap


class Page:
    def __init__(self, n: int) -> None:
        self.n = n
        self.updated = dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(hours=n)

    def get_absolute_url(self) -> str:
        return f"/p/{self.n}/?a=1&b=<{self.n}>"


class Pages(Sitemap):
    changefreq = "hourly"
    priority = 0.7

    def __init__(self, count: int = 10, limit: int = 4) -> None:
        self.n = count
        self.limit = limit  # type: ignore[misc]

    def items(self) -> Iterator[Page]:
        # A generator: no len(), read once per pass.
        return (Page(n) for n in range(self.n))

    def lastmod(self, item: Page) -> dt.datetime:
        return item.updated


class Translated(Sitemap):
    i18n = True
    alternates = True
    x_default = True
    languages = ["en", "fr"]
    default_language = "en"

    def items(self) -> list[Page]:
        return [Page(1), Page(2)]


def _request(
    path: str, headers: dict[str, str] | None = None, host: str = "example.com"
) -> webob.Request:
    request = webob.Request.blank(path, headers=headers)
    request.environ["HTTP_HOST"] = host
    return request


def _body(response: webob.Response) -> bytes:
    return b"".join(response.app_iter)


def _validate(body: bytes, schema: str) -> None:
    etree = pytest.importorskip("lxml.etree")
    xsd = etree.XMLSchema(etree.fromstring(schema.encode()))
    doc = etree.fromstring(body)
    assert xsd.validate(doc), xsd.error_log


def test_output_is_schema_valid() -> None:
    from schemas import INDEX, URLSET

    maps: dict[str, Any] = {"pages": Pages(), "i18n": Translated()}
    for page in ("1", "2", "3"):
        _validate(_body(sitemap(_request(f"/s.xml?p={page}"), maps, section="pages")), URLSET)
    _validate(_body(sitemap(_request("/s.xml"), maps, section="i18n")), URLSET)
    _validate(_body(index(_request("/sitemap.xml"), maps)), INDEX)
    _validate(_body(sitemap(_request("/s.xml"), {"empty": Sitemap()})), URLSET)


def test_index_splits_at_the_limit() -> None:
    response = index(
        _request("/sitemap.xml"), {"pages": Pages(10, 4)}, sitemap_url="/maps/{section}.xml"
    )
    body = _body(response).decode()
    assert body.count("<sitemap>") == 3
    assert "<loc>http://example.com/maps/pages.xml?p=3</loc>" in body
    assert Sitemap.limit == 50_000


def test_sitemap_url_callable_and_site() -> None:
    class Site:
        domain = "www.example.org"

    response = index(
        _request("/sitemap.xml", host="ignored.test"),
        {"pages": Pages(2)},
        sitemap_url=lambda section: f"/sitemap/{section}/",
        site=Site(),
    )
    assert b"<loc>http://www.example.org/sitemap/pages/</loc>" in _body(response)
    response = sitemap(
        _request("/s.xml", host="ignored.test"), {"pages": Pages(2)}, site="cdn.test"
    )
    assert b"<loc>http://cdn.test/p/0/?a=1&amp;b=&lt;0&gt;</loc>" in _body(response)


def test_i18n_alternates_and_x_default() -> None:
    body = _body(sitemap(_request("/s.xml"), {"t": Translated()})).decode()
    assert body.count("<url>") == 4
    assert (
        '<xhtml:link rel="alternate" hreflang="x-default" href="http://example.com/p/1/?a=1&amp;b=&lt;1&gt;"/>'
        in body
    )
    assert "<loc>http://example.com/fr/p/2/?a=1&amp;b=&lt;2&gt;</loc>" in body


def test_i18n_needs_languages() -> None:
    class NoLanguages(Translated):
        languages = None

    with pytest.raises(TypeError, match="give the sitemap its languages"):
        sitemap(_request("/s.xml"), {"t": NoLanguages()})


def test_conditional_get_sitemap_and_index() -> None:
    maps = {"pages": Pages(10, 4)}
    first = sitemap(_request("/s.xml?p=2"), maps, section="pages")
    # Page 2 holds items 4..7; the newest is item 7.
    assert first.headers["Last-Modified"] == "Thu, 01 Jan 2026 07:00:00 GMT"
    assert first.headers["X-Robots-Tag"] == "noindex, noodp, noarchive"
    again = sitemap(
        _request("/s.xml?p=2", {"If-Modified-Since": first.headers["Last-Modified"]}),
        maps,
        section="pages",
    )
    assert again.status_int == 304 and _body(again) == b""
    older = sitemap(
        _request("/s.xml?p=2", {"If-Modified-Since": "Thu, 01 Jan 2026 06:59:59 GMT"}),
        maps,
        section="pages",
    )
    assert older.status_int == 200

    idx = index(_request("/sitemap.xml"), maps)
    assert idx.headers["Last-Modified"] == "Thu, 01 Jan 2026 09:00:00 GMT"
    assert idx.etag
    assert (
        index(_request("/sitemap.xml", {"If-None-Match": f'"{idx.etag}"'}), maps).status_int == 304
    )
    assert index(_request("/sitemap.xml", {"If-None-Match": '"x"'}), maps).status_int == 200


def test_no_lastmod_no_header() -> None:
    class Plain(Sitemap):
        def items(self) -> list[str]:
            return ["/a"]

        def location(self, item: str) -> str:
            return item

    response = sitemap(_request("/s.xml"), {"p": Plain()})
    assert "Last-Modified" not in response.headers


def test_errors_are_4xx() -> None:
    maps = {"pages": Pages()}
    assert sitemap(_request("/s.xml"), maps, section="nope").status_int == 404
    for page in ("0", "99", "x", "%00", "1e3", "9" * 400):
        assert sitemap(_request(f"/s.xml?p={page}"), maps, section="pages").status_int == 404
    for host in ('evil.test"><x', "a b", "", "x/y"):
        assert sitemap(_request("/s.xml", host=host), maps).status_int == 400
        assert index(_request("/i.xml", host=host), maps).status_int == 400


def test_served_over_wsgi_with_head() -> None:
    webtest = pytest.importorskip("webtest")
    maps = {"pages": Pages(10, 4)}
    view = functools.partial(sitemap, sitemaps=maps)

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        return view(webob.Request(environ), section="pages")(environ, start_response)

    client = webtest.TestApp(app, extra_environ={"HTTP_HOST": "example.com"})
    response = client.get("/sitemap-pages.xml?p=3")
    assert response.content_type == "application/xml"
    assert response.body.count(b"<url>") == 2
    head = client.head("/sitemap-pages.xml")
    assert head.status_int == 200 and head.body == b""
    client.get("/sitemap-pages.xml?p=4", status=404)


def test_streams_in_flat_memory() -> None:
    """A page of 50,000 URLs from a generator of 120,000 is written without holding it."""
    smap = Pages(120_000, 50_000)
    response = sitemap(_request("/s.xml?p=2"), {"pages": smap}, section="pages")
    assert not isinstance(response.app_iter, list)
    gc.collect()
    tracemalloc.start()
    try:
        size = urls = 0
        for chunk in response.app_iter:
            size += len(chunk)
            urls += chunk.count(b"<url>")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert urls == 50_000
    assert size > 4_000_000
    # The whole body is several megabytes; what was held at once is a few chunks.
    assert peak < size / 10, (peak, size)


def test_generic_sitemap_over_a_list() -> None:
    items = [Page(3), Page(1)]
    smap = GenericSitemap(
        {"queryset": items, "date_field": "updated"}, priority=0.3, changefreq="never"
    )
    body = _body(sitemap(_request("/s.xml"), {"g": smap})).decode()
    assert body.count("<priority>0.3</priority>") == 2 and "<changefreq>never" in body
    assert smap.get_latest_lastmod() == Page(3).updated
    assert GenericSitemap({"queryset": items}).get_latest_lastmod() is None


def test_index_of_a_million_rows_in_flat_memory() -> None:
    stamp = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

    class Million(Sitemap):
        def items(self) -> Iterator[int]:
            # A generator: counted and searched for the newest date one item at a time.
            return (n for n in range(1_000_000))

        def lastmod(self, item: int) -> dt.datetime:
            return stamp + dt.timedelta(seconds=item % 1000)

    gc.collect()
    tracemalloc.start()
    try:
        response = index(_request("/sitemap.xml"), {"rows": Million()})
        body = _body(response)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert body.count(b"<sitemap>") == 20
    assert b"<loc>http://example.com/sitemap-rows.xml?p=20</loc>" in body
    assert body.count(b"<lastmod>2026-01-01T00:16:39+00:00</lastmod>") == 20
    assert peak < 1_000_000, peak


def test_body_written_in_the_views_context() -> None:
    """reverse() and the like in location() work though the body is read after the view returned."""
    import contextvars

    current: contextvars.ContextVar[str] = contextvars.ContextVar("current", default="unset")
    closed = []

    class Contextual(Sitemap):
        def items(self) -> Iterator[int]:
            try:
                yield from range(3)
            finally:
                closed.append(True)

        def location(self, item: int) -> str:
            return f"/{current.get()}/{item}"

    token = current.set("mounted")
    try:
        response = sitemap(_request("/s.xml"), {"c": Contextual()})
    finally:
        current.reset(token)
    assert current.get() == "unset"
    body = _body(response)
    assert b"<loc>http://example.com/mounted/2</loc>" in body

    token = current.set("again")
    try:
        response = sitemap(_request("/s.xml"), {"c": Contextual()})
    finally:
        current.reset(token)
    closed.clear()
    chunks = iter(response.app_iter)
    next(chunks)
    next(chunks)
    response.app_iter.close()  # the server gives up mid-body
    assert closed == [True]

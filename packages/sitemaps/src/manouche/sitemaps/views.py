"""The sitemap views: ``sitemap`` (a section or all, page ``?p=N``) and ``index``.

Django's ``django.contrib.sitemaps.views``, as views on the neutral ground:
``view(request, sitemaps=..., **route_kwargs) -> webob.Response``. Bind
``sitemaps`` with ``functools.partial`` or the route's extra arguments, as
Django's ``path("sitemap.xml", sitemap, {"sitemaps": sitemaps})`` does.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterator, Mapping
from email.utils import format_datetime
from typing import Any, TypeAlias

import webob
import webob.exc

from manouche.sitemaps import _render
from manouche.sitemaps._pages import EmptyPage, PageNotAnInteger
from manouche.sitemaps.sitemaps import Sitemap, comparable

__all__ = ["index", "sitemap"]

SitemapSource: TypeAlias = Sitemap | Callable[[], Sitemap]

ROBOTS = "noindex, noodp, noarchive"

# A well-formed Host (the syntax Django's get_host() accepts); anything else is a 400.
_HOST = re.compile(r"^(?:[a-z0-9.\-]+|\[[a-f0-9]*:[a-f0-9.:]+\])(?::\d{1,5})?$", re.IGNORECASE)


def _instance(source: SitemapSource) -> Sitemap:
    return source if isinstance(source, Sitemap) else source()


def _site(request: webob.Request, site: object) -> object:
    if site is not None:
        return site
    host = request.host
    if not _HOST.match(host):
        raise webob.exc.HTTPBadRequest(detail=f"Malformed Host header: {host!r}")
    return host


def _latest(values: list[dt.date | None]) -> dt.datetime | None:
    """The newest of the values when every one is known, else None."""
    if not values or any(v is None for v in values):
        return None
    return max(comparable(v) for v in values if v is not None)


def _fresh(request: webob.Request, last_modified: dt.datetime | None, etag: str | None) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    if etag is not None and request.headers.get("If-None-Match") is not None:
        return etag in request.if_none_match
    since = request.if_modified_since
    if since is None or last_modified is None:
        return False
    return int(last_modified.timestamp()) <= int(since.timestamp())


def _not_modified(last_modified: dt.datetime | None, etag: str | None) -> webob.Response:
    response = webob.Response(status=304)
    response.headers.pop("Content-Type", None)
    _headers(response, last_modified)
    if etag:
        response.etag = etag
    return response


def _headers(response: webob.Response, last_modified: dt.datetime | None) -> None:
    response.headers["X-Robots-Tag"] = ROBOTS
    if last_modified is not None:
        response.headers["Last-Modified"] = format_datetime(
            last_modified.astimezone(dt.UTC), usegmt=True
        )


def _in_context(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """Iterate ``chunks`` in a copy of the current context, whenever the server reads them.

    The body is written after the view has returned, when whatever the view ran
    under (urlmap's current URL map for ``reverse()``, the active language) may
    have been reset: each step runs in the context captured here, at view time.
    """
    context = contextvars.copy_context()

    def steps() -> Iterator[bytes]:
        try:
            while True:
                try:
                    chunk = context.run(next, chunks)
                except StopIteration:
                    return
                yield chunk
        finally:
            # A client gone mid-body: the items' generator (a database cursor) is closed.
            close = getattr(chunks, "close", None)
            if close is not None:
                context.run(close)

    return steps()


def sitemap(
    request: webob.Request,
    sitemaps: Mapping[str, SitemapSource],
    section: str | None = None,
    content_type: str = "application/xml",
    site: object = None,
) -> webob.Response:
    """One section's sitemap (or every section's, without ``section``), page ``?p=N``.

    The body is streamed: URLs are read from the items and written a chunk at a
    time, so a page of 50,000 rows never sits in memory. ``Last-Modified`` is the
    newest ``lastmod`` of the page when every URL has one (found by a first pass
    over the page's items); a request whose ``If-Modified-Since`` is as new gets a
    304. An unknown section, a page past the end or a page that is not a number
    is a 404; a malformed ``Host`` a 400. ``site`` (a domain or an object with
    ``.domain``) fixes the host of the URLs; by default it is the request's.
    """
    try:
        domain = _site(request, site)
    except webob.exc.HTTPBadRequest as exc:
        return exc
    if section is not None:
        if section not in sitemaps:
            return webob.exc.HTTPNotFound(detail=f"No sitemap available for section: {section!r}")
        maps = [_instance(sitemaps[section])]
    else:
        maps = [_instance(source) for source in sitemaps.values()]
    raw_page = request.GET.get("p", "1")
    pages = []
    try:
        for smap in maps:
            pages.append(smap.validate_page(raw_page))
    except (EmptyPage, PageNotAnInteger) as exc:
        return webob.exc.HTTPNotFound(detail=exc.translated())
    last_modified = _latest(
        [smap.page_lastmod(page) for smap, page in zip(maps, pages, strict=True)]
    )
    if _fresh(request, last_modified, None):
        return _not_modified(last_modified, None)

    def urls() -> Iterator[dict[str, Any]]:
        for smap, page in zip(maps, pages, strict=True):
            yield from smap.iter_urls(page, site=domain, protocol=request.scheme)

    response = webob.Response(content_type=content_type, charset="utf-8")
    response.app_iter = _in_context(_render.urlset(urls()))
    _headers(response, last_modified)
    return response


def index(
    request: webob.Request,
    sitemaps: Mapping[str, SitemapSource],
    sitemap_url: str | Callable[[str], str] = "/sitemap-{section}.xml",
    content_type: str = "application/xml",
    site: object = None,
) -> webob.Response:
    """The sitemap index: a ``<sitemap>`` per section and page (``?p=2`` onwards).

    ``sitemap_url`` gives each section's path: a format string with ``{section}``
    or a callable of the section (``lambda s: reverse("sitemap", kwargs={"section": s})``).
    A section's ``<lastmod>`` is its newest item date; ``Last-Modified`` is the
    newest of them when every section has one. The index carries an ETag too.
    """
    try:
        domain = _site(request, site)
    except webob.exc.HTTPBadRequest as exc:
        return exc
    host = domain if isinstance(domain, str) else Sitemap().get_domain(domain)
    entries: list[tuple[str, dt.date | None]] = []
    lastmods: list[dt.date | None] = []
    for section, source in sitemaps.items():
        smap = _instance(source)
        protocol = smap.protocol or request.scheme
        path = (
            sitemap_url(section) if callable(sitemap_url) else sitemap_url.format(section=section)
        )
        url = f"{protocol}://{host}{path}"
        lastmod = smap.get_latest_lastmod()
        lastmods.append(lastmod)
        entries.append((url, lastmod))
        for page in range(2, smap.num_pages + 1):
            entries.append((f"{url}?p={page}", lastmod))
    body = _render.index(entries)
    etag = hashlib.sha256(body).hexdigest()[:32]
    last_modified = _latest(lastmods)
    if _fresh(request, last_modified, etag):
        return _not_modified(last_modified, etag)
    response = webob.Response(body=body, content_type=content_type, charset="utf-8")
    response.etag = etag
    _headers(response, last_modified)
    return response

"""The sitemap and index documents, byte for byte as Django's templates write them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from html import escape
from typing import Any

URLSET_OPEN = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
    'xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
)
URLSET_CLOSE = "\n</urlset>\n"
INDEX_OPEN = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
)
INDEX_CLOSE = "\n</sitemapindex>\n"

# URLs a chunk of the streamed body: big enough to keep write calls few,
# small enough that memory stays flat.
CHUNK = 500


def _utc(value: dt.date) -> dt.date:
    """An aware datetime in UTC (Django shows it in ``TIME_ZONE``); others as they are."""
    if isinstance(value, dt.datetime) and value.utcoffset() is not None:
        return value.astimezone(dt.UTC)
    return value


def _text(value: object) -> str:
    return escape(str(value), quote=True)


def url_element(url: dict[str, Any]) -> str:
    parts = ["<url><loc>", _text(url["location"]), "</loc>"]
    if url["lastmod"]:
        parts += ["<lastmod>", _utc(url["lastmod"]).strftime("%Y-%m-%d"), "</lastmod>"]
    if url["changefreq"]:
        parts += ["<changefreq>", _text(url["changefreq"]), "</changefreq>"]
    if url["priority"]:
        parts += ["<priority>", _text(url["priority"]), "</priority>"]
    for alt in url["alternates"]:
        parts.append(
            f'<xhtml:link rel="alternate" hreflang="{_text(alt["lang_code"])}" '
            f'href="{_text(alt["location"])}"/>'
        )
    parts.append("</url>")
    return "".join(parts)


def urlset(urls: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    """The ``<urlset>`` document in chunks of :data:`CHUNK` URLs."""
    yield URLSET_OPEN.encode()
    batch: list[str] = []
    for url in urls:
        batch.append(url_element(url))
        if len(batch) >= CHUNK:
            yield "".join(batch).encode()
            batch.clear()
    if batch:
        yield "".join(batch).encode()
    yield URLSET_CLOSE.encode()


def isoformat(value: dt.date) -> str:
    return _utc(value).isoformat()


def index(entries: Iterable[tuple[str, dt.date | None]]) -> bytes:
    parts = []
    for location, lastmod in entries:
        part = f"<sitemap><loc>{_text(location)}</loc>"
        if lastmod:
            part += f"<lastmod>{isoformat(lastmod)}</lastmod>"
        parts.append(part + "</sitemap>")
    return (INDEX_OPEN + "".join(parts) + INDEX_CLOSE).encode()

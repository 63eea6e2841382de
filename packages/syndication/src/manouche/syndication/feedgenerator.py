"""The low-level feed generator: RSS 2.0, RSS 0.91 and Atom 1.0 documents from plain values.

Django's ``django.utils.feedgenerator`` with the same classes, arguments and
output, byte for byte::

    feed = Rss201rev2Feed(title="News", link="https://example.com/", description="All of it")
    feed.add_item(title="Hello", link="https://example.com/1", description="First")
    xml = feed.writeString("utf-8")
"""

from __future__ import annotations

import datetime as dt
import email.utils
import mimetypes
from collections.abc import Iterable
from html import escape
from io import StringIO
from typing import IO, Any
from urllib.parse import urlparse

from manouche.syndication._uri import iri_to_uri
from manouche.syndication._xml import XMLWriter

__all__ = [
    "Atom1Feed",
    "DefaultFeed",
    "Enclosure",
    "Rss201rev2Feed",
    "RssFeed",
    "RssUserland091Feed",
    "Stylesheet",
    "SyndicationFeed",
    "get_tag_uri",
    "rfc2822_date",
    "rfc3339_date",
]


def _as_datetime(value: dt.date) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.combine(value, dt.time())


def rfc2822_date(date: dt.date) -> str:
    """``date`` as RSS wants it (RFC 822/2822): ``Tue, 01 Dec 2026 09:30:00 +0100``.

    A naive datetime (or a date) is written with ``-0000``, "time zone unknown".
    """
    return email.utils.format_datetime(_as_datetime(date))


def rfc3339_date(date: dt.date) -> str:
    """``date`` as Atom wants it (RFC 3339); a naive one is written as UTC (``Z``)."""
    value = _as_datetime(date)
    return value.isoformat() + ("Z" if value.utcoffset() is None else "")


def get_tag_uri(url: str, date: dt.date | None) -> str:
    """A ``tag:`` URI (RFC 4151) for an entry: its link's host, the date and the path."""
    bits = urlparse(url)
    day = "" if date is None else "," + date.strftime("%Y-%m-%d")
    return f"tag:{bits.hostname}{day}:{bits.path}/{bits.fragment}"


def _stylesheet_type(url: str) -> str | None:
    types = mimetypes.MimeTypes()
    # Browsers expect text/xsl for XSLT (not the registered application/xslt+xml).
    types.add_type("text/xsl", ".xsl")
    types.add_type("text/xsl", ".xslt")
    return types.guess_type(url)[0]


class Stylesheet:
    """An ``<?xml-stylesheet?>`` instruction of an RSS feed; the type is guessed from the URL."""

    def __init__(self, url: object, mimetype: str = "", media: str = "screen") -> None:
        self._url = url
        self._mimetype = mimetype
        self.media = media

    @property
    def url(self) -> str:
        # Read late, so a lazily reversed URL is resolved when the feed is written.
        return iri_to_uri(self._url)

    @property
    def mimetype(self) -> str | None:
        return self._mimetype if self._mimetype != "" else _stylesheet_type(self.url)

    def __str__(self) -> str:
        attrs = {"href": self.url, "type": self.mimetype, "media": self.media}
        return " ".join(
            f'{k}="{escape(str(v))}"' for k, v in sorted(attrs.items()) if v is not None
        )

    def __repr__(self) -> str:
        return repr((self.url, self.mimetype, self.media))


class Enclosure:
    """A media file attached to an item: its URL, length in bytes and MIME type (strings)."""

    def __init__(self, url: str, length: object, mime_type: str) -> None:
        self.url = iri_to_uri(url)
        self.length = length
        self.mime_type = mime_type


def _text(value: object) -> str | None:
    return None if value is None else str(value)


class SyndicationFeed:
    """A feed and its items, written by a subclass's ``write()``.

    The constructor and :meth:`add_item` take Django's arguments; unknown keyword
    arguments are kept in ``self.feed`` / the item dict for subclasses that add
    elements of their own (``add_root_elements``, ``add_item_elements``).
    """

    content_type = "application/xml; charset=utf-8"

    def __init__(
        self,
        title: object,
        link: object,
        description: object,
        language: object = None,
        author_email: object = None,
        author_name: object = None,
        author_link: object = None,
        subtitle: object = None,
        categories: Iterable[object] | None = None,
        feed_url: object = None,
        feed_copyright: object = None,
        feed_guid: object = None,
        ttl: object = None,
        stylesheets: Iterable[Stylesheet | str] | None = None,
        **kwargs: Any,
    ) -> None:
        sheets: list[Stylesheet] | None = None
        if stylesheets is not None:
            if isinstance(stylesheets, Stylesheet | str):
                raise TypeError(f"stylesheets should be a list, not {stylesheets.__class__}")
            sheets = [s if isinstance(s, Stylesheet) else Stylesheet(s) for s in stylesheets]
        self.feed: dict[str, Any] = {
            "title": _text(title),
            "link": iri_to_uri(link),
            "description": _text(description),
            "language": _text(language),
            "author_email": _text(author_email),
            "author_name": _text(author_name),
            "author_link": iri_to_uri(author_link),
            "subtitle": _text(subtitle),
            "categories": [str(c) for c in categories] if categories else (),
            "feed_url": iri_to_uri(feed_url),
            "feed_copyright": _text(feed_copyright),
            "id": feed_guid or link,
            "ttl": _text(ttl),
            "stylesheets": sheets,
            **kwargs,
        }
        self.items: list[dict[str, Any]] = []

    def add_item(
        self,
        title: object,
        link: object,
        description: object,
        author_email: object = None,
        author_name: object = None,
        author_link: object = None,
        pubdate: dt.datetime | None = None,
        comments: object = None,
        unique_id: object = None,
        unique_id_is_permalink: bool | None = None,
        categories: Iterable[object] | None = (),
        item_copyright: object = None,
        ttl: object = None,
        updateddate: dt.datetime | None = None,
        enclosures: Iterable[Enclosure] | None = None,
        **kwargs: Any,
    ) -> None:
        """Add an item; values are turned into strings, dates stay datetimes."""
        self.items.append(
            {
                "title": _text(title),
                "link": iri_to_uri(link),
                "description": _text(description),
                "author_email": _text(author_email),
                "author_name": _text(author_name),
                "author_link": iri_to_uri(author_link),
                "pubdate": pubdate,
                "updateddate": updateddate,
                "comments": _text(comments),
                "unique_id": _text(unique_id),
                "unique_id_is_permalink": unique_id_is_permalink,
                "enclosures": enclosures or (),
                "categories": [str(c) for c in categories] if categories else (),
                "item_copyright": _text(item_copyright),
                "ttl": _text(ttl),
                **kwargs,
            }
        )

    def num_items(self) -> int:
        return len(self.items)

    # -- hooks for subclasses ------------------------------------------------

    def root_attributes(self) -> dict[str, str]:
        """Attributes of the root element (``<channel>`` or ``<feed>``)."""
        return {}

    def add_root_elements(self, handler: XMLWriter) -> None:
        """Write the feed-level elements."""

    def add_stylesheets(self, handler: XMLWriter) -> None:
        """Write the stylesheet instructions, before the first element."""

    def item_attributes(self, item: dict[str, Any]) -> dict[str, str]:
        """Attributes of each ``<item>`` / ``<entry>``."""
        return {}

    def add_item_elements(self, handler: XMLWriter, item: dict[str, Any]) -> None:
        """Write the elements of one item."""

    # -- output ----------------------------------------------------------------

    def write(self, outfile: IO[str], encoding: str) -> None:
        """Write the document, declared in ``encoding``, to a text stream."""
        raise NotImplementedError("subclasses of SyndicationFeed must provide a write() method")

    def writeString(self, encoding: str) -> str:  # noqa: N802 - Django's name
        """The document as a string (its XML declaration says ``encoding``)."""
        out = StringIO()
        self.write(out, encoding)
        return out.getvalue()

    def latest_post_date(self) -> dt.datetime:
        """The newest ``updateddate`` or ``pubdate`` of the items, or now (UTC) if none has one."""
        dates = [
            item[key] for item in self.items for key in ("updateddate", "pubdate") if item.get(key)
        ]
        return max(dates) if dates else dt.datetime.now(tz=dt.UTC)


class RssFeed(SyndicationFeed):
    """The RSS family: ``<rss><channel>...</channel></rss>``."""

    content_type = "application/rss+xml; charset=utf-8"
    _version = ""

    def write(self, outfile: IO[str], encoding: str) -> None:
        handler = XMLWriter(outfile, encoding)
        handler.startDocument()
        # Stylesheet instructions go after the declaration and before any element.
        self.add_stylesheets(handler)
        handler.startElement("rss", self.rss_attributes())
        handler.startElement("channel", self.root_attributes())
        self.add_root_elements(handler)
        self.write_items(handler)
        self.endChannelElement(handler)
        handler.endElement("rss")

    def rss_attributes(self) -> dict[str, str]:
        return {"version": self._version, "xmlns:atom": "http://www.w3.org/2005/Atom"}

    def write_items(self, handler: XMLWriter) -> None:
        for item in self.items:
            handler.startElement("item", self.item_attributes(item))
            self.add_item_elements(handler, item)
            handler.endElement("item")

    def add_stylesheets(self, handler: XMLWriter) -> None:
        for sheet in self.feed["stylesheets"] or ():
            handler.processingInstruction("xml-stylesheet", str(sheet))

    def add_root_elements(self, handler: XMLWriter) -> None:
        feed = self.feed
        handler.element("title", feed["title"])
        handler.element("link", feed["link"])
        handler.element("description", feed["description"])
        if feed["feed_url"] is not None:
            handler.element("atom:link", None, {"rel": "self", "href": feed["feed_url"]})
        if feed["language"] is not None:
            handler.element("language", feed["language"])
        for category in feed["categories"]:
            handler.element("category", category)
        if feed["feed_copyright"] is not None:
            handler.element("copyright", feed["feed_copyright"])
        handler.element("lastBuildDate", rfc2822_date(self.latest_post_date()))
        if feed["ttl"] is not None:
            handler.element("ttl", feed["ttl"])

    def endChannelElement(self, handler: XMLWriter) -> None:  # noqa: N802 - Django's name
        handler.endElement("channel")


class RssUserland091Feed(RssFeed):
    """RSS 0.91: title, link and description per item."""

    _version = "0.91"

    def add_item_elements(self, handler: XMLWriter, item: dict[str, Any]) -> None:
        handler.element("title", item["title"])
        handler.element("link", item["link"])
        if item["description"] is not None:
            handler.element("description", item["description"])


class Rss201rev2Feed(RssFeed):
    """RSS 2.0 (https://www.rssboard.org/rss-specification)."""

    _version = "2.0"

    def add_item_elements(self, handler: XMLWriter, item: dict[str, Any]) -> None:
        handler.element("title", item["title"])
        handler.element("link", item["link"])
        if item["description"] is not None:
            handler.element("description", item["description"])
        name, email_ = item["author_name"], item["author_email"]
        if name and email_:
            handler.element("author", f"{email_} ({name})")
        elif email_:
            handler.element("author", email_)
        elif name:
            # RSS's <author> must hold an address; a bare name goes to Dublin Core.
            handler.element("dc:creator", name, {"xmlns:dc": "http://purl.org/dc/elements/1.1/"})
        if item["pubdate"] is not None:
            handler.element("pubDate", rfc2822_date(item["pubdate"]))
        if item["comments"] is not None:
            handler.element("comments", item["comments"])
        if item["unique_id"] is not None:
            attrs = {}
            if isinstance(item.get("unique_id_is_permalink"), bool):
                attrs["isPermaLink"] = str(item["unique_id_is_permalink"]).lower()
            handler.element("guid", item["unique_id"], attrs)
        if item["ttl"] is not None:
            handler.element("ttl", item["ttl"])
        enclosures = list(item["enclosures"])
        if len(enclosures) > 1:
            raise ValueError(
                "RSS feed items may only have one enclosure, see "
                "http://www.rssboard.org/rss-profile#element-channel-item-enclosure"
            )
        for enclosure in enclosures:
            handler.element(
                "enclosure",
                "",
                {
                    "url": enclosure.url,
                    "length": str(enclosure.length),
                    "type": enclosure.mime_type,
                },
            )
        for category in item["categories"]:
            handler.element("category", category)


class Atom1Feed(SyndicationFeed):
    """Atom 1.0 (RFC 4287)."""

    content_type = "application/atom+xml; charset=utf-8"
    ns = "http://www.w3.org/2005/Atom"

    def write(self, outfile: IO[str], encoding: str) -> None:
        handler = XMLWriter(outfile, encoding)
        handler.startDocument()
        handler.startElement("feed", self.root_attributes())
        self.add_root_elements(handler)
        self.write_items(handler)
        handler.endElement("feed")

    def root_attributes(self) -> dict[str, str]:
        if self.feed["language"] is not None:
            return {"xmlns": self.ns, "xml:lang": self.feed["language"]}
        return {"xmlns": self.ns}

    def _author(self, handler: XMLWriter, values: dict[str, Any]) -> None:
        if values["author_name"] is None:
            return
        handler.startElement("author", {})
        handler.element("name", values["author_name"])
        if values["author_email"] is not None:
            handler.element("email", values["author_email"])
        if values["author_link"] is not None:
            handler.element("uri", values["author_link"])
        handler.endElement("author")

    def add_root_elements(self, handler: XMLWriter) -> None:
        feed = self.feed
        handler.element("title", feed["title"])
        handler.element("link", "", {"rel": "alternate", "href": feed["link"]})
        if feed["feed_url"] is not None:
            handler.element("link", "", {"rel": "self", "href": feed["feed_url"]})
        handler.element("id", feed["id"])
        handler.element("updated", rfc3339_date(self.latest_post_date()))
        self._author(handler, feed)
        if feed["subtitle"] is not None:
            handler.element("subtitle", feed["subtitle"])
        for category in feed["categories"]:
            handler.element("category", "", {"term": category})
        if feed["feed_copyright"] is not None:
            handler.element("rights", feed["feed_copyright"])

    def write_items(self, handler: XMLWriter) -> None:
        for item in self.items:
            handler.startElement("entry", self.item_attributes(item))
            self.add_item_elements(handler, item)
            handler.endElement("entry")

    def add_item_elements(self, handler: XMLWriter, item: dict[str, Any]) -> None:
        handler.element("title", item["title"])
        handler.element("link", "", {"href": item["link"], "rel": "alternate"})
        if item["pubdate"] is not None:
            handler.element("published", rfc3339_date(item["pubdate"]))
        if item["updateddate"] is not None:
            handler.element("updated", rfc3339_date(item["updateddate"]))
        self._author(handler, item)
        unique_id = item["unique_id"]
        if unique_id is None:
            unique_id = get_tag_uri(item["link"], item["pubdate"])
        handler.element("id", unique_id)
        if item["description"] is not None:
            # The summary is HTML (escaped once more as XML text): markup in it is shown,
            # as a feed reader renders HTML, but cannot break the document.
            handler.element("summary", item["description"], {"type": "html"})
        for enclosure in item["enclosures"]:
            handler.element(
                "link",
                "",
                {
                    "rel": "enclosure",
                    "href": enclosure.url,
                    "length": str(enclosure.length),
                    "type": enclosure.mime_type,
                },
            )
        for category in item["categories"]:
            handler.element("category", "", {"term": category})
        if item["item_copyright"] is not None:
            handler.element("rights", item["item_copyright"])


#: The format a :class:`~manouche.syndication.Feed` writes unless told otherwise.
DefaultFeed = Rss201rev2Feed

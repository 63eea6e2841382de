"""What RSS 2.0 and Atom 1.0 require of a served feed, checked on the XML itself."""

from __future__ import annotations

import datetime as dt
import email.utils
import re
import xml.etree.ElementTree as ET
from typing import Any
from urllib.parse import urlsplit

import pytest
import webob
from test_views import ENTRIES, Entry, OurAtom, OurLatest

from manouche.syndication import Feed, Rss201rev2Feed

ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def _get(feed: Feed, path: str = "/feed/", host: str = "example.com") -> bytes:
    request = webob.Request.blank(path)
    request.environ["HTTP_HOST"] = host
    response = feed(request)
    assert response.status_int == 200
    return bytes(response.body)


def _absolute(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def test_rss_rules() -> None:
    root = ET.fromstring(_get(OurLatest()))
    channel = root.find("channel")
    assert root.get("version") == "2.0" and channel is not None
    for required in ("title", "link", "description"):
        assert channel.findtext(required), required
    links = [channel.findtext("link") or ""]
    links += [e.get("href", "") for e in channel.iter(f"{ATOM}link")]
    items = channel.findall("item")
    assert len(items) == len(ENTRIES)
    for item in items:
        links.append(item.findtext("link") or "")
        links += [e.get("url", "") for e in item.findall("enclosure")]
        # RFC 822 dates, in the zone they were given (with a numeric offset).
        parsed = email.utils.parsedate_to_datetime(item.findtext("pubDate") or "")
        assert parsed.tzinfo is not None
    assert all(_absolute(link) for link in links), links
    guids = [item.findtext("guid") for item in items]
    assert len(set(guids)) == len(guids)
    email.utils.parsedate_to_datetime(channel.findtext("lastBuildDate") or "")


def test_atom_rules() -> None:
    root = ET.fromstring(_get(OurAtom(), host="news.test:8080"))
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert root.findtext(f"{ATOM}{required}"), required
    entries = root.findall(f"{ATOM}entry")
    ids = [entry.findtext(f"{ATOM}id") for entry in entries]
    assert len(set(ids)) == len(ids) == len(ENTRIES)
    hrefs = [link.get("href", "") for link in root.iter(f"{ATOM}link")]
    assert hrefs and all(_absolute(h) for h in hrefs), hrefs
    assert {urlsplit(h).netloc for h in hrefs} == {"news.test:8080", "media.example.com"}
    stamps = [root.findtext(f"{ATOM}updated") or ""]
    for entry in entries:
        for name in ("title", "id", "updated", "published"):
            value = entry.findtext(f"{ATOM}{name}")
            if name in ("title", "id"):
                assert value, name
            if name in ("updated", "published") and value is not None:
                stamps.append(value)
    assert len(stamps) > len(entries)
    assert all(RFC3339.match(s) for s in stamps), stamps


class WithThumbnails:
    """A generator with an element of its own per item, fed by item_extra_kwargs."""

    def rss_attributes(self) -> dict[str, str]:
        attrs: dict[str, str] = super().rss_attributes()  # type: ignore[misc]
        attrs["xmlns:media"] = "http://search.yahoo.com/mrss/"
        return attrs

    def add_item_elements(self, handler: Any, item: dict[str, Any]) -> None:
        super().add_item_elements(handler, item)  # type: ignore[misc]
        handler.addQuickElement("media:thumbnail", None, {"url": item["thumbnail"]})


class ThumbSpec:
    def item_extra_kwargs(self, item: Entry) -> dict[str, str]:
        return {"thumbnail": f"http://img.example.com/{item.pk}.png?w=1&h=<2>"}

    def feed_extra_kwargs(self, obj: Any) -> dict[str, str]:
        return {"owner": "ignored by the generator"}


def test_extra_elements_as_django(django_ready: None) -> None:
    from django.contrib.syndication.views import Feed as DjangoFeed
    from django.test import RequestFactory
    from django.utils import feedgenerator as django_feedgenerator
    from test_views import LatestSpec

    class OurGen(WithThumbnails, Rss201rev2Feed):
        pass

    class TheirGen(WithThumbnails, django_feedgenerator.Rss201rev2Feed):
        pass

    class Ours(ThumbSpec, LatestSpec, Feed):
        feed_type = OurGen

    class Theirs(ThumbSpec, LatestSpec, DjangoFeed):
        feed_type = TheirGen

    theirs = Theirs()(RequestFactory().get("/feed/", HTTP_HOST="example.com"))
    ours = _get(Ours())
    assert ours == theirs.content
    assert b'<media:thumbnail url="http://img.example.com/1.png?w=1&amp;h=&lt;2&gt;"/>' in ours


def test_date_objects_in_the_generator() -> None:
    feed = Rss201rev2Feed("t", "http://x.test/", "d")
    feed.add_item("a", "http://x.test/a", "d", pubdate=dt.datetime(2026, 2, 3, 4, 5, 6))
    xml = feed.writeString("utf-8")
    # A naive date has no zone: RFC 2822's "-0000" says so.
    assert "<pubDate>Tue, 03 Feb 2026 04:05:06 -0000</pubDate>" in xml


@pytest.mark.parametrize(
    "host", ["example.com", "shop.test:8443", "[::1]:8000", "127.0.0.1", "Example.COM.", "[::1]"]
)
def test_hosts_accepted(host: str) -> None:
    body = _get(OurLatest(), host=host)
    assert f"<link>http://{host}/entries/</link>".encode() in body

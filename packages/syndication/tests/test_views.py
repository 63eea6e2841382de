"""``Feed`` as a view: Django's bytes for the same Feed class, conditional GET, 404, 400, links."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import webob

from manouche.syndication import Atom1Feed, Feed, FeedDoesNotExist, add_domain


@dataclass
class Entry:
    pk: int
    title: str
    body: str
    published: dt.datetime
    updated: dt.datetime | None = None
    tags: list[str] = field(default_factory=list)
    media: str | None = None

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"/entries/{self.pk}/caf\u00e9/"


ENTRIES = [
    Entry(1, "<script>alert(1)</script>", "<p>Hi & bye</p>", dt.datetime(2026, 12, 1, 10, 0)),
    Entry(
        2,
        "Tom & \"Jerry\" 'x'",
        "]]><evil/>",
        dt.datetime(2026, 12, 2, 11, 30, tzinfo=ZoneInfo("Asia/Tokyo")),
        updated=dt.datetime(2026, 12, 5, 8, 0, tzinfo=dt.UTC),
        tags=["a<b", "news"],
        media="http://media.example.com/ep 2.mp3",
    ),
    Entry(3, "\u65e5\u672c \U0001f600", "plain", dt.datetime(2026, 11, 30, 23, 59, 59)),
]


class LatestSpec:
    """The feed, written once and mixed into Django's Feed and ours."""

    title = "Latest <entries> & more"
    link = "/entries/"
    description = "Updates on <b>things</b>"
    language = "en"
    author_name = "Ann & Bob"
    author_email = "ann@example.com"
    categories = ("python", "<x>")
    feed_copyright = "(c) 2026"
    ttl = 600

    def items(self) -> list[Entry]:
        return ENTRIES

    def item_description(self, item: Entry) -> str:
        return item.body

    def item_pubdate(self, item: Entry) -> dt.datetime:
        return item.published

    def item_updateddate(self, item: Entry) -> dt.datetime | None:
        return item.updated

    def item_categories(self, item: Entry) -> list[str]:
        return item.tags

    def item_author_name(self, item: Entry) -> str | None:
        return "Writer <w>" if item.pk % 2 else None

    def item_author_email(self, item: Entry) -> str:
        return "w@example.com"

    def item_enclosure_url(self, item: Entry) -> str | None:
        return item.media

    item_enclosure_length = 12345
    item_enclosure_mime_type = "audio/mpeg"

    def item_comments(self, item: Entry) -> str:
        return f"/entries/{item.pk}/#comments"


class ByTagSpec(LatestSpec):
    def get_object(self, request: Any, tag: str) -> str:
        if tag not in {"a<b", "news"}:
            raise self.missing()
        return tag

    def missing(self) -> Exception:
        raise NotImplementedError

    def title(self, obj: str) -> str:  # type: ignore[override]
        return f"Tagged {obj}"

    def link(self, obj: str) -> str:  # type: ignore[override]
        return f"//cdn.example.org/tags/{obj}/"

    def items(self, obj: str) -> list[Entry]:  # type: ignore[override]
        return [e for e in ENTRIES if obj in e.tags]


class OurLatest(LatestSpec, Feed):
    pass


class OurAtom(LatestSpec, Feed):
    feed_type = Atom1Feed


class OurByTag(ByTagSpec, Feed):
    def missing(self) -> Exception:
        return FeedDoesNotExist()


def _django_classes() -> dict[str, Any]:
    from django.contrib.syndication.views import Feed as DjangoFeed
    from django.contrib.syndication.views import FeedDoesNotExist as DjangoMissing
    from django.utils import feedgenerator

    class DjLatest(LatestSpec, DjangoFeed):
        pass

    class DjAtom(LatestSpec, DjangoFeed):
        feed_type = feedgenerator.Atom1Feed

    class DjByTag(ByTagSpec, DjangoFeed):
        def missing(self) -> Exception:
            return DjangoMissing()

    return {"latest": DjLatest, "atom": DjAtom, "bytag": DjByTag}


OURS: dict[str, type[Feed]] = {"latest": OurLatest, "atom": OurAtom, "bytag": OurByTag}


def _django_response(name: str, path: str, secure: bool, host: str, **kw: Any) -> Any:
    from django.test import RequestFactory

    request = RequestFactory().get(path, secure=secure, HTTP_HOST=host)
    return _django_classes()[name]()(request, **kw)


def _get(path: str, headers: dict[str, str] | None = None) -> webob.Request:
    request = webob.Request.blank(path, headers=headers)
    request.environ["HTTP_HOST"] = "example.com"
    return request


def _ours(name: str, path: str, secure: bool, host: str, **kw: Any) -> webob.Response:
    scheme = "https" if secure else "http"
    request = webob.Request.blank(path, base_url=f"{scheme}://{host}")
    request.environ["HTTP_HOST"] = host  # as a client sends it (blank() adds the port)
    return OURS[name]()(request, **kw)


@pytest.mark.parametrize(
    ("name", "path", "kw"),
    [
        ("latest", "/feeds/latest/", {}),
        ("atom", "/feeds/atom/", {}),
        ("bytag", "/feeds/tag/news/", {"tag": "news"}),
        ("bytag", "/feeds/tag/a%3Cb/", {"tag": "a<b"}),
    ],
)
@pytest.mark.parametrize(("secure", "host"), [(False, "example.com"), (True, "shop.test:8443")])
def test_same_feed_as_django(
    django_ready: None, name: str, path: str, kw: dict[str, str], secure: bool, host: str
) -> None:
    theirs = _django_response(name, path, secure, host, **kw)
    ours = _ours(name, path, secure, host, **kw)
    assert ours.status_int == theirs.status_code == 200
    assert ours.body == theirs.content
    assert ours.headers["Content-Type"] == theirs.headers["Content-Type"]
    assert ours.headers["Last-Modified"] == theirs.headers["Last-Modified"]


def test_naive_dates_in_the_feeds_time_zone(django_ready: None) -> None:
    from django.test import override_settings

    class Chicago(OurLatest):
        time_zone = "America/Chicago"

    with override_settings(TIME_ZONE="America/Chicago"):
        theirs = _django_response("latest", "/f/", False, "example.com")
    request = _get("/f/")
    ours = Chicago()(request)
    assert ours.body == theirs.content
    assert b"<pubDate>Tue, 01 Dec 2026 10:00:00 -0600</pubDate>" in ours.body


def test_markup_injection_is_inert() -> None:
    feedparser = pytest.importorskip("feedparser")
    body = _ours("latest", "/f/", False, "example.com").body
    assert b"<script" not in body and b"<evil" not in body
    parsed = feedparser.parse(body)
    assert not parsed.bozo
    # item_title escapes once more (a title is HTML to a reader): the reader gets HTML that
    # shows the tag as text, never a script element.
    assert parsed.entries[0].title == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert [e.link for e in parsed.entries] == [
        f"http://example.com/entries/{n}/caf%C3%A9/" for n in (1, 2, 3)
    ]
    atom = feedparser.parse(_ours("atom", "/f/", True, "example.com").body)
    assert not atom.bozo
    assert atom.entries[1].enclosures[0].href == "http://media.example.com/ep%202.mp3"
    assert len({e.id for e in atom.entries}) == 3


def test_unknown_object_is_404_and_bad_host_400() -> None:
    request = _get("/feeds/tag/nope/")
    response = OurByTag()(request, tag="nope")
    assert response.status_int == 404
    bad = webob.Request.blank("/feeds/latest/")
    bad.environ["HTTP_HOST"] = 'evil.com"><x'
    assert OurLatest()(bad).status_int == 400


def test_model_does_not_exist_is_404() -> None:
    class ObjectDoesNotExist(Exception):
        pass

    class DoesNotExist(ObjectDoesNotExist):
        pass

    class ByPk(OurLatest):
        def get_object(self, request: webob.Request, pk: str) -> Any:
            raise DoesNotExist(pk)

    class Broken(OurLatest):
        def get_object(self, request: webob.Request) -> Any:
            raise KeyError("a bug, not a missing object")

    request = _get("/f/1/")
    assert ByPk()(request, pk="1").status_int == 404
    with pytest.raises(KeyError):
        Broken()(request)


def test_conditional_get() -> None:
    first = _ours("latest", "/f/", False, "example.com")
    assert first.etag and first.last_modified == dt.datetime(2026, 12, 5, 8, 0, tzinfo=dt.UTC)
    for headers in (
        {"If-None-Match": f'"{first.etag}"'},
        {"If-Modified-Since": first.headers["Last-Modified"]},
        {"If-Modified-Since": "Sun, 06 Dec 2026 00:00:00 GMT"},
    ):
        request = _get("/f/", headers)
        response = OurLatest()(request)
        assert response.status_int == 304, headers
        assert response.body == b""
        assert response.etag == first.etag
    for headers in (
        {"If-None-Match": '"other"'},
        {"If-Modified-Since": "Fri, 04 Dec 2026 00:00:00 GMT"},
        # If-None-Match decides when both are sent (RFC 9110).
        {"If-None-Match": '"other"', "If-Modified-Since": first.headers["Last-Modified"]},
    ):
        request = _get("/f/", headers)
        assert OurLatest()(request).status_int == 200, headers


def test_no_item_dates_no_last_modified() -> None:
    class Undated(Feed):
        title = "t"
        link = "/"
        description = "d"

        def items(self) -> list[str]:
            return ["one"]

        def item_link(self, item: str) -> str:
            return "/" + item

    response = Undated()(_get("/f/"))
    assert response.status_int == 200 and "Last-Modified" not in response.headers
    assert b"<link>http://example.com/one</link>" in response.body


def test_item_without_link_names_the_fix() -> None:
    class NoLink(Feed):
        title = link = description = "x"

        def items(self) -> list[int]:
            return [1]

    with pytest.raises(TypeError, match="get_absolute_url"):
        NoLink()(_get("/f/"))


def test_add_domain() -> None:
    assert add_domain("example.com", "/a b/") == "http://example.com/a%20b/"
    assert add_domain("example.com", "//cdn.test/x", secure=True) == "https://cdn.test/x"
    assert add_domain("example.com", "mailto:a@b.c") == "mailto:a@b.c"
    assert add_domain("example.com", "https://other.test/") == "https://other.test/"


def test_served_over_wsgi() -> None:
    webtest = pytest.importorskip("webtest")

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        request = webob.Request(environ)
        return OurAtom()(request)(environ, start_response)

    client = webtest.TestApp(app, extra_environ={"HTTP_HOST": "news.test"})
    response = client.get("/feed/")
    assert response.content_type == "application/atom+xml"
    assert response.charset == "utf-8"
    assert b'<link href="http://news.test/feed/" rel="self"/>' in response.body
    head = client.head("/feed/")
    assert head.status_int == 200 and head.body == b""
    client.get("/feed/", headers={"If-None-Match": response.headers["ETag"]}, status=304)


def test_relative_enclosure_made_absolute() -> None:
    class Podcast(OurLatest):
        def item_enclosure_url(self, item: Entry) -> str:
            return f"/media/{item.pk} \u00e9.mp3"

    body = Podcast()(_get("/f/")).body
    assert b'url="http://example.com/media/1%20%C3%A9.mp3"' in body

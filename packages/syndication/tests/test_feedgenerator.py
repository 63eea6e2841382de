"""The generator against Django's: same arguments in, same bytes out (RSS 2.0, RSS 0.91, Atom)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from manouche.syndication import (
    Atom1Feed,
    Enclosure,
    Rss201rev2Feed,
    RssUserland091Feed,
    Stylesheet,
    UnserializableContentError,
    feedgenerator,
    get_tag_uri,
    rfc2822_date,
    rfc3339_date,
)

HOSTILE = [
    "<script>alert('x')</script>",
    "]]><evil/>",
    "Tom & Jerry &amp; \"friends\" 'quoted'",
    "caf\u00e9 \u2014 \u65e5\u672c\u8a9e \U0001f600 \u202eRTL",
    "<![CDATA[x]]>",
    "line\nbreak\ttab\r",
]

DATES: list[Any] = [
    dt.datetime(2026, 12, 7, 9, 30, 15, tzinfo=dt.UTC),
    dt.datetime(2026, 1, 31, 23, 59, 59, tzinfo=ZoneInfo("Asia/Kolkata")),
    dt.datetime(2026, 7, 4, 12, 0, tzinfo=ZoneInfo("America/Los_Angeles")),
    dt.datetime(2026, 3, 1, 8, 0, 0, 123456),  # naive
    dt.date(2025, 2, 28),
]


def _fill(mod: Any, cls_name: str, *, enclosures: int = 1) -> str:
    cls = getattr(mod, cls_name)
    feed = cls(
        title="Feed " + HOSTILE[0],
        link="http://example.com/blog/caf\u00e9 space/",
        description=HOSTILE[2],
        language="fr",
        author_email="a@example.com",
        author_name=HOSTILE[1],
        author_link="http://example.com/~me",
        subtitle=HOSTILE[3],
        categories=["python", HOSTILE[0], 42],
        feed_url="http://example.com/feed/?a=1&b=<2>",
        feed_copyright="(c) " + HOSTILE[2],
        feed_guid="urn:uuid:1234",
        ttl=60,
    )
    for n, title in enumerate(HOSTILE):
        # One feed holds aware dates only (comparing naive with aware fails in Django too).
        date = DATES[n % 3]
        feed.add_item(
            title=title,
            link=f"http://example.com/item/{n}/?q={title[:8]}",
            description=HOSTILE[(n + 2) % len(HOSTILE)],
            author_email="who@example.com" if n % 2 else None,
            author_name=HOSTILE[n] if n % 3 else None,
            author_link="http://example.com/who" if n % 3 else None,
            pubdate=date if n != 4 else None,
            updateddate=DATES[(n + 1) % 3] if n % 2 else None,
            comments=f"http://example.com/item/{n}/#comments" if n % 2 else None,
            unique_id=None if n % 3 == 0 else f"urn:item:{n}<&>",
            unique_id_is_permalink=[None, True, False][n % 3],
            categories=[HOSTILE[n], "plain"] if n % 2 else (),
            item_copyright=HOSTILE[n] if n % 2 else None,
            ttl=n if n % 2 else None,
            enclosures=[
                mod.Enclosure(
                    f"http://example.com/media/{n} \u00e9.mp3", str(1000 + n), "audio/mpeg"
                )
                for _ in range(enclosures)
            ]
            if n % 2
            else None,
        )
    return str(feed.writeString("utf-8"))


@pytest.mark.parametrize("cls_name", ["Rss201rev2Feed", "Atom1Feed", "RssUserland091Feed"])
def test_same_bytes_as_django(django_ready: None, cls_name: str) -> None:
    from django.utils import feedgenerator as django_feedgenerator

    ours = _fill(feedgenerator, cls_name)
    theirs = _fill(django_feedgenerator, cls_name)
    assert ours == theirs
    # Markup in the values is text: no element named script/evil appears.
    assert "<script" not in ours and "<evil" not in ours
    assert "&lt;script&gt;" in ours


def test_atom_several_enclosures_same_as_django(django_ready: None) -> None:
    from django.utils import feedgenerator as django_feedgenerator

    assert _fill(feedgenerator, "Atom1Feed", enclosures=2) == _fill(
        django_feedgenerator, "Atom1Feed", enclosures=2
    )


def test_rss_refuses_two_enclosures() -> None:
    with pytest.raises(ValueError, match="only have one enclosure"):
        _fill(feedgenerator, "Rss201rev2Feed", enclosures=2)


@pytest.mark.parametrize("date", DATES)
def test_dates_as_django(django_ready: None, date: Any) -> None:
    from django.utils import feedgenerator as django_feedgenerator

    assert rfc2822_date(date) == django_feedgenerator.rfc2822_date(date)
    assert rfc3339_date(date) == django_feedgenerator.rfc3339_date(date)
    url = "http://www.example.com/2026/12/07/slug/#frag"
    assert get_tag_uri(url, date) == django_feedgenerator.get_tag_uri(url, date)
    assert get_tag_uri(url, None) == django_feedgenerator.get_tag_uri(url, None)


def test_rfc_formats() -> None:
    when = dt.datetime(2026, 12, 7, 9, 30, tzinfo=ZoneInfo("Europe/Paris"))
    assert rfc2822_date(when) == "Mon, 07 Dec 2026 09:30:00 +0100"
    assert rfc3339_date(when) == "2026-12-07T09:30:00+01:00"
    assert rfc3339_date(dt.datetime(2026, 12, 7)) == "2026-12-07T00:00:00Z"


def test_stylesheets_as_django(django_ready: None) -> None:
    from django.utils import feedgenerator as django_feedgenerator

    def build(mod: Any) -> str:
        feed = mod.Rss201rev2Feed(
            "T",
            "http://x.test/",
            "D",
            stylesheets=[
                "/style.xsl",
                mod.Stylesheet("/s.css", mimetype="text/css", media="print"),
                "/a b\u00e9.xslt",
                mod.Stylesheet('/q"<.css'),
            ],
        )
        feed.add_item("a", "http://x.test/a", None, pubdate=DATES[0])
        return str(feed.writeString("utf-8"))

    assert build(feedgenerator) == build(django_feedgenerator)
    with pytest.raises(TypeError, match="should be a list"):
        Rss201rev2Feed("T", "http://x.test/", "D", stylesheets="/one.xsl")
    assert repr(Stylesheet("/x.xsl")) == repr(("/x.xsl", "text/xsl", "screen"))


def test_control_characters_refused_naming_the_element() -> None:
    feed = Atom1Feed("T", "http://x.test/", "D")
    feed.add_item("bad\x0btitle", "http://x.test/1", "d")
    with pytest.raises(UnserializableContentError, match=r"<title>.*U\+000B"):
        feed.writeString("utf-8")
    feed = Rss201rev2Feed("T", "http://x.test/", "D")
    feed.add_item(
        "ok", "http://x.test/1", "d", enclosures=[Enclosure("http://x.test/a", "1", "a/\x01")]
    )
    with pytest.raises(UnserializableContentError, match="attribute 'type' of <enclosure>"):
        feed.writeString("utf-8")


def test_latest_post_date_without_dates_is_now() -> None:
    feed = RssUserland091Feed("T", "http://x.test/", "D")
    feed.add_item("a", "http://x.test/a", "d")
    before = dt.datetime.now(dt.UTC)
    latest = feed.latest_post_date()
    assert latest.tzinfo is not None and latest >= before


def test_feedparser_reads_both_formats() -> None:
    feedparser = pytest.importorskip("feedparser")
    for cls in (Rss201rev2Feed, Atom1Feed):
        feed = cls("News <b>", "http://x.test/", "About & more", language="en")
        feed.add_item(
            HOSTILE[0],
            "http://x.test/1",
            "<p>body</p>",
            pubdate=DATES[1],
            unique_id="urn:one",
            categories=["a", "b<"],
        )
        feed.add_item("two", "http://x.test/2", "d", pubdate=DATES[0], unique_id="urn:two")
        parsed = feedparser.parse(feed.writeString("utf-8"))
        assert not parsed.bozo, parsed.get("bozo_exception")
        assert parsed.feed.title == "News <b>"
        assert [e.id for e in parsed.entries] == ["urn:one", "urn:two"]
        assert [e.link for e in parsed.entries] == ["http://x.test/1", "http://x.test/2"]
        first = parsed.entries[0]
        # The title comes back as the very text given: data, not markup of the document.
        assert first.title == HOSTILE[0]
        assert [t.term for t in first.tags] == ["a", "b<"]
        assert first.published_parsed[:5] == (2026, 1, 31, 18, 29)

"""Django's syndication framework as a library: ``Feed`` views and the RSS/Atom generator."""

from __future__ import annotations

from manouche.syndication._xml import UnserializableContentError
from manouche.syndication.feedgenerator import (
    Atom1Feed,
    DefaultFeed,
    Enclosure,
    Rss201rev2Feed,
    RssFeed,
    RssUserland091Feed,
    Stylesheet,
    SyndicationFeed,
    get_tag_uri,
    rfc2822_date,
    rfc3339_date,
)
from manouche.syndication.views import Feed, FeedDoesNotExist, add_domain

__all__ = [
    "Atom1Feed",
    "DefaultFeed",
    "Enclosure",
    "Feed",
    "FeedDoesNotExist",
    "Rss201rev2Feed",
    "RssFeed",
    "RssUserland091Feed",
    "Stylesheet",
    "SyndicationFeed",
    "UnserializableContentError",
    "add_domain",
    "get_tag_uri",
    "rfc2822_date",
    "rfc3339_date",
]

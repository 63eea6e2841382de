"""``Feed``: a class that describes a feed and serves it as a view.

Django's ``django.contrib.syndication.views.Feed``: the same attribute and
method names (``title``, ``link``, ``items``, ``item_title``, ``item_link``,
``item_pubdate``, ``item_enclosure_url``, ``get_object`` ...), each either a
value, a method of no argument or a method of the object (or item).
An instance is a view: ``feed(request, **route_kwargs) -> webob.Response``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import inspect
from collections.abc import Callable
from email.utils import format_datetime
from html import escape
from io import StringIO
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import webob
import webob.exc

from manouche.syndication import feedgenerator
from manouche.syndication._http import is_secure, not_modified, request_host
from manouche.syndication._i18n import gettext
from manouche.syndication._uri import iri_to_uri

__all__ = ["Feed", "FeedDoesNotExist", "add_domain"]


class FeedDoesNotExist(Exception):
    """Raised by ``get_object()`` when the URL names nothing: the view answers 404."""


def add_domain(domain: str, url: str, secure: bool = False) -> str:
    """Make ``url`` absolute on ``domain`` unless it already is (``http(s)://``, ``mailto:``).

    A network-path reference (``//host/x``) gets the request's scheme: feeds need
    absolute links.
    """
    protocol = "https" if secure else "http"
    if url.startswith("//"):
        return f"{protocol}:{url}"
    if url.startswith(("http://", "https://", "mailto:")):
        return url
    return iri_to_uri(f"{protocol}://{domain}{url}")


def _is_not_found(exc: BaseException) -> bool:
    # Any model's DoesNotExist (orm-lite's, Django's) subclasses an ObjectDoesNotExist;
    # they are recognised by name so that no ORM is imported.
    return any(cls.__name__ in ("ObjectDoesNotExist", "DoesNotExist") for cls in type(exc).__mro__)


def _http_date(value: dt.datetime) -> str:
    return format_datetime(value.astimezone(dt.UTC), usegmt=True)


class Feed:
    """Describe a feed by attributes and methods; call the instance as a view.

    Class attributes:

    ``feed_type``
        The generator class (:class:`~manouche.syndication.Rss201rev2Feed` by default,
        :class:`~manouche.syndication.Atom1Feed` for Atom).
    ``language``
        The feed's language (``<language>`` / ``xml:lang``); None leaves it out.
    ``time_zone``
        The zone of naive ``item_pubdate`` / ``item_updateddate`` values (a name or a
        ``tzinfo``; UTC unless set). Django uses ``settings.TIME_ZONE``.
    ``domain``
        The host of the absolute links; None (the default) takes the request's host,
        which the application must have checked (httpkit's ``allowed_hosts``).
    """

    feed_type: ClassVar[type[feedgenerator.SyndicationFeed]] = feedgenerator.DefaultFeed
    language: ClassVar[str | None] = None
    time_zone: ClassVar[str | dt.tzinfo] = "UTC"
    domain: ClassVar[str | None] = None

    def __call__(self, request: webob.Request, *args: Any, **kwargs: Any) -> webob.Response:
        """Answer ``request`` with the feed: 404 for a missing object, 304 when unchanged."""
        domain = self.domain or request_host(request)
        if domain is None:
            return webob.exc.HTTPBadRequest(
                detail=gettext("Malformed Host header: %(host)s") % {"host": repr(request.host)}
            )
        try:
            obj = self.get_object(request, *args, **kwargs)
        except Exception as exc:
            if isinstance(exc, FeedDoesNotExist) or _is_not_found(exc):
                return webob.exc.HTTPNotFound(detail=gettext("Feed object does not exist."))
            raise
        feed = self.get_feed(obj, request, domain=domain)
        out = StringIO()
        feed.write(out, "utf-8")
        body = out.getvalue().encode("utf-8")
        etag = hashlib.sha256(body).hexdigest()[:32]
        last_modified = None
        if hasattr(self, "item_pubdate") or hasattr(self, "item_updateddate"):
            # Only a feed with item dates has a meaningful Last-Modified.
            last_modified = feed.latest_post_date()
        if not_modified(request, last_modified, etag):
            response = webob.Response(status=304)
            response.headers.pop("Content-Type", None)
        else:
            response = webob.Response(body=body, content_type=feed.content_type.split(";")[0])
            response.charset = "utf-8"
        response.etag = etag
        if last_modified is not None:
            response.headers["Last-Modified"] = _http_date(last_modified)
        return response

    # -- the defaults Django gives -------------------------------------------

    def item_title(self, item: Any) -> str:
        """The item as text, HTML-escaped: a title is HTML to a feed reader (Django #6533)."""
        return escape(str(item))

    def item_description(self, item: Any) -> str:
        return str(item)

    def item_link(self, item: Any) -> str:
        try:
            return str(item.get_absolute_url())
        except AttributeError:
            raise TypeError(
                f"Give your {type(item).__name__} class a get_absolute_url() method, "
                "or define an item_link() method in your Feed class."
            ) from None

    def item_enclosures(self, item: Any) -> list[feedgenerator.Enclosure]:
        url = self._get_dynamic_attr("item_enclosure_url", item)
        if not url:
            return []
        return [
            feedgenerator.Enclosure(
                url=str(url),
                length=str(self._get_dynamic_attr("item_enclosure_length", item)),
                mime_type=str(self._get_dynamic_attr("item_enclosure_mime_type", item)),
            )
        ]

    def feed_extra_kwargs(self, obj: Any) -> dict[str, Any]:
        """Extra keyword arguments for the feed generator's constructor."""
        return {}

    def item_extra_kwargs(self, item: Any) -> dict[str, Any]:
        """Extra keyword arguments for each ``add_item()`` call."""
        return {}

    def get_object(self, request: webob.Request, *args: Any, **kwargs: Any) -> Any:
        """The object the feed is about, from the URL's arguments (None by default).

        Raise :class:`FeedDoesNotExist` (or a model's ``DoesNotExist``) for a 404.
        """
        return None

    # -- building ------------------------------------------------------------------

    def _get_dynamic_attr(self, attname: str, obj: Any, default: Any = None) -> Any:
        try:
            attr = getattr(self, attname)
        except AttributeError:
            return default
        if not callable(attr):
            return attr
        if _takes_argument(attr):
            return attr(obj)
        return attr()

    def _zone(self) -> dt.tzinfo:
        zone = self.time_zone
        return ZoneInfo(zone) if isinstance(zone, str) else zone

    def _aware(self, value: Any) -> Any:
        if isinstance(value, dt.datetime) and value.utcoffset() is None:
            return value.replace(tzinfo=self._zone())
        return value

    def get_feed(
        self, obj: Any, request: webob.Request, *, domain: str | None = None
    ) -> feedgenerator.SyndicationFeed:
        """The generator filled with the feed and its items, links made absolute."""
        domain = domain or self.domain or request.host
        secure = is_secure(request)
        get = self._get_dynamic_attr

        def absolute(url: object) -> str:
            return add_domain(domain, str(url), secure)

        feed = self.feed_type(
            title=get("title", obj),
            subtitle=get("subtitle", obj),
            link=absolute(get("link", obj)),
            description=get("description", obj),
            language=self.language,
            feed_url=absolute(get("feed_url", obj) or request.path),
            author_name=get("author_name", obj),
            author_link=get("author_link", obj),
            author_email=get("author_email", obj),
            categories=get("categories", obj),
            feed_copyright=get("feed_copyright", obj),
            feed_guid=get("feed_guid", obj),
            ttl=get("ttl", obj),
            stylesheets=get("stylesheets", obj),
            **self.feed_extra_kwargs(obj),
        )
        for item in get("items", obj) or ():
            link = absolute(get("item_link", item))
            author_name = get("item_author_name", item)
            author_email = author_link = None
            if author_name is not None:
                author_email = get("item_author_email", item)
                author_link = get("item_author_link", item)
            feed.add_item(
                title=get("item_title", item),
                link=link,
                description=get("item_description", item),
                unique_id=get("item_guid", item, link),
                unique_id_is_permalink=get("item_guid_is_permalink", item),
                enclosures=[
                    # RSS requires an absolute enclosure URL; Django leaves a path as it is.
                    feedgenerator.Enclosure(absolute(e.url), e.length, e.mime_type)
                    for e in get("item_enclosures", item) or ()
                ],
                pubdate=self._aware(get("item_pubdate", item)),
                updateddate=self._aware(get("item_updateddate", item)),
                author_name=author_name,
                author_email=author_email,
                author_link=author_link,
                comments=get("item_comments", item),
                categories=get("item_categories", item),
                item_copyright=get("item_copyright", item),
                **self.item_extra_kwargs(item),
            )
        return feed


def _takes_argument(func: Callable[..., Any]) -> bool:
    """Whether a bound method (or callable) wants the object: a positional parameter.

    Django counts the positional parameters (``co_argcount``), defaults or not;
    the code object is read directly (fast: this runs for every attribute of every
    item), ``inspect.signature`` only for other callables.
    """
    target = inspect.unwrap(getattr(func, "__func__", func))
    code = getattr(target, "__code__", None)
    if code is not None:
        bound = 1 if getattr(func, "__self__", None) is not None else 0
        return bool(code.co_argcount - bound >= 1)
    try:
        params = inspect.signature(func).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in params)

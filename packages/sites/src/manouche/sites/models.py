"""``Site`` on Django's ``django_site`` table and the current site of a request.

``Site`` is an orm-lite model with Django's table and columns, so a database
Django made is read as it is. :func:`get_current_site` finds the site whose
domain is the request's host (first with the port, then without it, ignoring
case) and keeps it in a per-process cache that saving or deleting a ``Site``
clears, as Django's ``SITE_CACHE`` does. Unlike Django's, the cache is keyed
by the normalised host and bounded, so requests with endless ``Host``
variants (ports, letter case) cannot grow it without limit, and its entries
expire (60 seconds by default), so a site changed by another worker process
is seen without a restart.
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from manouche import orm_lite as models
from manouche import signals
from manouche.sites._i18n import gettext

if TYPE_CHECKING:
    import webob

__all__ = [
    "SITE_CACHE_SIZE",
    "SITE_CACHE_TTL",
    "RequestSite",
    "Site",
    "SiteManager",
    "clear_site_cache",
    "configure_site_cache",
    "get_current_site",
    "split_domain_port",
]

# Django's rule for a valid Host header (django.http.request.host_validation_re).
_HOST_RE = re.compile(r"^([a-z0-9.-]+|\[[a-f0-9]*:[a-f0-9.:]+\])(?::([0-9]+))?$")

SITE_CACHE_SIZE = 1024
"""How many hosts the per-process cache of :func:`get_current_site` remembers."""

SITE_CACHE_TTL = 60.0
"""Seconds a cached site is trusted before it is read again (see :func:`configure_site_cache`)."""


def split_domain_port(host: str) -> tuple[str, str]:
    """``("example.com", "8000")`` for ``"Example.com:8000"``; ``("", "")`` for a bad host.

    Django's ``split_domain_port``: the domain is lower-cased, a trailing dot
    dropped, and a host that is not a domain name or a bracketed IPv6 address
    gives empty strings.
    """
    match = _HOST_RE.fullmatch(host.lower())
    if not match:
        return "", ""
    domain, port = match.group(1, 2)
    return domain.removesuffix("."), port or ""


def _simple_domain_name_validator(value: str) -> None:
    """Django's check on ``Site.domain``: no whitespace."""
    if not value:
        return
    if any(ch.isspace() for ch in value):
        raise models.ValidationError(
            gettext("The domain name cannot contain any spaces or tabs."), code="invalid"
        )


class _SiteCache:
    """A bounded, thread-safe map of host -> Site whose entries expire.

    The least recently used entry goes first when it is full; an entry older
    than ``ttl`` seconds is read again from the database, so another worker
    process's change to a site is seen within ``ttl`` seconds (saving or
    deleting a site in this process clears the cache at once).
    """

    def __init__(self, size: int, ttl: float | None) -> None:
        self.size = size
        self.ttl = ttl
        self.clock: Callable[[], float] = time.monotonic
        self._items: OrderedDict[Any, tuple[Site, float]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any) -> Site | None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            site, stored = item
            if self.ttl is not None and self.clock() - stored >= self.ttl:
                del self._items[key]
                return None
            self._items.move_to_end(key)
            return site

    def put(self, key: Any, site: Site) -> None:
        if self.size <= 0 or self.ttl == 0:
            return
        with self._lock:
            self._items[key] = (site, self.clock())
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


def configure_site_cache(size: int = SITE_CACHE_SIZE, ttl: float | None = SITE_CACHE_TTL) -> None:
    """Set how many hosts the site cache keeps and for how many seconds.

    ``ttl=None`` keeps them until a ``Site`` is saved or deleted in this
    process (Django's behaviour); ``ttl=0`` or ``size=0`` turns the cache off.
    The cache is emptied.
    """
    if size < 0 or (ttl is not None and ttl < 0):
        raise ValueError(f"the site cache needs a size and a ttl of 0 or more, got {size}, {ttl}")
    _cache.size, _cache.ttl = size, ttl
    _cache.clear()


_cache = _SiteCache(SITE_CACHE_SIZE, SITE_CACHE_TTL)


class SiteManager(models.Manager["Site"]):
    """``Site.objects``: Django's ``get_current``, ``clear_cache`` and natural keys."""

    def get_current(self, request: webob.Request | None = None, site_id: int | None = None) -> Site:
        """The site numbered ``site_id`` (Django's ``SITE_ID``) or the one of ``request``'s host.

        Raises ``Site.DoesNotExist`` when there is none, and ``ValueError``
        when given neither argument (there is no settings module to read
        ``SITE_ID`` from).
        """
        if site_id is not None:
            key: Any = ("id", self.db, int(site_id))
            site = _cache.get(key)
            if site is None:
                site = self.get(pk=site_id)
                _cache.put(key, site)
            return site
        if request is not None:
            return self._get_site_by_request(request)
        raise ValueError("get_current() needs a request or a site_id (there is no SITE_ID setting)")

    def _get_site_by_request(self, request: webob.Request) -> Site:
        host = request.host
        key = ("host", self.db, host.lower())
        site = _cache.get(key)
        if site is not None:
            return site
        try:
            site = self.get(domain__iexact=host)
        except Site.DoesNotExist:
            domain, _port = split_domain_port(host)
            if not domain:
                raise
            site = self.get(domain__iexact=domain)
        _cache.put(key, site)
        return site

    def clear_cache(self) -> None:
        """Forget every cached site (this process only)."""
        _cache.clear()

    def get_by_natural_key(self, domain: str) -> Site:
        return self.get(domain=domain)


class Site(models.Model):
    """A site served by the application (Django's ``django.contrib.sites.models.Site``)."""

    id = models.AutoField(primary_key=True)
    domain: str = models.CharField(  # type: ignore[assignment]
        "domain name",
        max_length=100,
        unique=True,
        validators=[_simple_domain_name_validator],
    )
    name: str = models.CharField("display name", max_length=50)  # type: ignore[assignment]

    objects = SiteManager()

    class Meta:
        app_label = "sites"
        db_table = "django_site"
        ordering = ["domain"]
        verbose_name = "site"
        verbose_name_plural = "sites"

    def __str__(self) -> str:
        return self.domain

    def natural_key(self) -> tuple[str]:
        return (self.domain,)


class RequestSite:
    """A site made from the request's host, for apps without a ``django_site`` table.

    ``domain`` and ``name`` are the request's host; it cannot be saved or deleted.
    """

    def __init__(self, request: webob.Request) -> None:
        self.domain = self.name = request.host

    def __str__(self) -> str:
        return self.domain

    def __repr__(self) -> str:
        return f"<RequestSite {self.domain}>"

    def save(self, force_insert: bool = False, force_update: bool = False) -> None:
        raise NotImplementedError("RequestSite cannot be saved.")

    def delete(self) -> None:
        raise NotImplementedError("RequestSite cannot be deleted.")


def get_current_site(request: webob.Request, site_id: int | None = None) -> Site:
    """The :class:`Site` of ``request`` (or the one numbered ``site_id``), from the cache.

    Django's ``get_current_site`` with ``SITE_ID`` passed as an argument.
    Raises ``Site.DoesNotExist`` when no site has the request's host as its
    domain; :class:`RequestSite` is the fallback for apps without the table.
    """
    return Site.objects.get_current(request, site_id=site_id)


def clear_site_cache(sender: Any = None, **kwargs: Any) -> None:
    """Forget every cached site; connected to ``post_save`` and ``post_delete`` of ``Site``."""
    _cache.clear()


signals.post_save.connect(clear_site_cache, sender=Site, weak=False)
signals.post_delete.connect(clear_site_cache, sender=Site, weak=False)

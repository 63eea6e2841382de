"""Django's sites framework, redirects and flat pages, on Django's tables."""

from manouche.sites.flatpages import (
    DEFAULT_LOGIN_URL,
    FlatPage,
    FlatpageFallbackMiddleware,
    default_render,
    flatpage,
    render_flatpage,
)
from manouche.sites.models import (
    SITE_CACHE_SIZE,
    SITE_CACHE_TTL,
    RequestSite,
    Site,
    SiteManager,
    clear_site_cache,
    configure_site_cache,
    get_current_site,
    split_domain_port,
)
from manouche.sites.redirects import Redirect, RedirectFallbackMiddleware

__all__ = [
    "DEFAULT_LOGIN_URL",
    "SITE_CACHE_SIZE",
    "SITE_CACHE_TTL",
    "FlatPage",
    "FlatpageFallbackMiddleware",
    "Redirect",
    "RedirectFallbackMiddleware",
    "RequestSite",
    "Site",
    "SiteManager",
    "clear_site_cache",
    "configure_site_cache",
    "default_render",
    "flatpage",
    "get_current_site",
    "render_flatpage",
    "split_domain_port",
]

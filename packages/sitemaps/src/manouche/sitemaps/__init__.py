"""Django's sitemaps framework as a library: ``Sitemap`` classes and streamed sitemap views."""

from __future__ import annotations

from manouche.sitemaps._pages import EmptyPage, PageNotAnInteger
from manouche.sitemaps.sitemaps import GenericSitemap, Sitemap
from manouche.sitemaps.views import index, sitemap

__all__ = ["EmptyPage", "GenericSitemap", "PageNotAnInteger", "Sitemap", "index", "sitemap"]

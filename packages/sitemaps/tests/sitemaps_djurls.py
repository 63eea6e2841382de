"""Django's URLs for the differential tests: the sitemap view's name, as its index reverses it."""

from __future__ import annotations

from typing import Any

from django.contrib.sitemaps import views
from django.urls import path

urlpatterns: list[Any] = [
    path("sitemap-<section>.xml", views.sitemap, name="django.contrib.sitemaps.views.sitemap"),
]

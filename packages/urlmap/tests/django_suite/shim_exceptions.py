"""``django.core.exceptions`` for Django's URL tests: urlmap's exceptions, Django's others."""

from __future__ import annotations

from django.core.exceptions import *  # noqa: F403 - the names urlmap does not replace

from manouche import urlmap

ImproperlyConfigured = urlmap.ImproperlyConfigured
ViewDoesNotExist = getattr(urlmap, "ViewDoesNotExist", None) or type(
    "ViewDoesNotExist", (Exception,), {}
)

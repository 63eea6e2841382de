"""Django's redirects app: ``Redirect`` on ``django_redirect`` and its fallback middleware.

:func:`RedirectFallbackMiddleware` looks at every 404 the application
answers: when the current site has a ``Redirect`` whose ``old_path`` is the
request's full path (query string included), it answers a 301 to
``new_path`` instead, or a 410 Gone when ``new_path`` is empty. With
``append_slash`` (Django's ``APPEND_SLASH``, on by default) a path without
its trailing slash matches an ``old_path`` with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import webob

from manouche import orm_lite as models
from manouche.sites._http import GetResponse, full_path, redirect, request_path
from manouche.sites.models import Site, get_current_site

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["Redirect", "RedirectFallbackMiddleware"]


class Redirect(models.Model):
    """An old path of a site and where it went (Django's ``django.contrib.redirects``)."""

    id = models.AutoField(primary_key=True)
    site = models.ForeignKey(Site, on_delete=models.CASCADE, verbose_name="site")
    old_path: str = models.CharField(  # type: ignore[assignment]
        "redirect from",
        max_length=200,
        db_index=True,
        help_text="This should be an absolute path, excluding the domain name. "
        "Example: “/events/search/”.",
    )
    new_path: str = models.CharField(  # type: ignore[assignment]
        "redirect to",
        max_length=200,
        blank=True,
        help_text="This can be either an absolute path (as above) or a full URL "
        "starting with a scheme such as “https://”.",
    )

    class Meta:
        app_label = "redirects"
        db_table = "django_redirect"
        unique_together = [("site", "old_path")]
        ordering = ["old_path"]
        verbose_name = "redirect"
        verbose_name_plural = "redirects"

    def __str__(self) -> str:
        return f"{self.old_path} ---> {self.new_path}"


def RedirectFallbackMiddleware(  # noqa: N802 - Django's name for the middleware
    get_response: GetResponse,
    *,
    append_slash: bool = True,
    site_id: int | None = None,
    using: Any = None,
) -> Callable[[webob.Request], webob.Response]:
    """Middleware: a 404 becomes the site's redirect (301) or a 410 for a removed page.

    ``site_id`` fixes the site (Django's ``SITE_ID``); without it the site is
    the one of the request's host. ``using`` is the orm-lite database to read
    (the default one otherwise). A request whose host names no site passes
    its 404 through unchanged.
    """

    def middleware(request: webob.Request) -> webob.Response:
        response = get_response(request)
        if response.status_code != 404:
            return response
        try:
            if using is not None:
                site = Site.objects.db_manager(using).get_current(request, site_id=site_id)
            else:
                site = get_current_site(request, site_id=site_id)
        except Site.DoesNotExist:
            return response
        if "\x00" in full_path(request):
            # No redirect has a NUL in its path, and PostgreSQL refuses one in a
            # text parameter (an error, where this is the application's 404).
            return response
        manager = Redirect.objects.db_manager(using) if using is not None else Redirect.objects
        found = manager.filter(site=site, old_path=full_path(request)).first()
        if found is None and append_slash and not request_path(request).endswith("/"):
            slashed = full_path(request, force_append_slash=True)
            found = manager.filter(site=site, old_path=slashed).first()
        if found is None:
            return response
        if found.new_path == "":
            return webob.Response(status=410, content_type="text/html", charset="utf-8")
        return redirect(found.new_path, 301)

    return middleware

"""Django's flat pages: ``FlatPage`` on ``django_flatpage``, a fallback middleware and a view.

A flat page is a URL, a title and HTML content kept in the database, shown
on the sites it is linked to (the ``django_flatpage_sites`` table).
:func:`flatpage` is the catch-all view (``flatpage(request, url)``);
:func:`FlatpageFallbackMiddleware` serves the page of the request's path in
place of any 404 the application answers.

Pages are rendered by a ``render(request, flatpage) -> str`` callable the
application passes (a Jinja2 or tplkit template, say); without one, a
minimal HTML page holding the title and the content is written. As in
Django, the title and content are HTML written by the site's editors and
are not escaped. A page with ``registration_required`` is shown only when
``request.user.is_authenticated`` (any object with that attribute, found on
``request.user`` or in ``request.environ["manouche.user"]``, which is where
authkit keeps it); others are sent to ``login_url`` with ``?next=``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import webob

from manouche import orm_lite as models
from manouche.sites._http import (
    GetResponse,
    not_found,
    path_info,
    redirect,
    redirect_to_login,
    request_path,
)
from manouche.sites.models import Site, get_current_site

__all__ = [
    "DEFAULT_LOGIN_URL",
    "FlatPage",
    "FlatpageFallbackMiddleware",
    "default_render",
    "flatpage",
    "render_flatpage",
]

DEFAULT_LOGIN_URL = "/accounts/login/"
"""Django's default ``LOGIN_URL``."""

USER_ENVIRON_KEY = "manouche.user"

Render = Callable[[webob.Request, "FlatPage"], str]


class FlatPage(models.Model):
    """A page of HTML kept in the database (Django's ``django.contrib.flatpages``)."""

    id = models.AutoField(primary_key=True)
    url: str = models.CharField("URL", max_length=100, db_index=True)  # type: ignore[assignment]
    title: str = models.CharField("title", max_length=200)  # type: ignore[assignment]
    content: str = models.TextField("content", blank=True)  # type: ignore[assignment]
    enable_comments: bool = models.BooleanField(  # type: ignore[assignment]
        "enable comments", default=False
    )
    template_name: str = models.CharField(  # type: ignore[assignment]
        "template name",
        max_length=70,
        blank=True,
        help_text="Example: “flatpages/contact_page.html”. If this isn’t provided, "
        "the system will use “flatpages/default.html”.",
    )
    registration_required: bool = models.BooleanField(  # type: ignore[assignment]
        "registration required",
        help_text="If this is checked, only logged-in users will be able to view the page.",
        default=False,
    )
    sites = models.ManyToManyField(Site, verbose_name="sites")

    class Meta:
        app_label = "flatpages"
        db_table = "django_flatpage"
        ordering = ["url"]
        verbose_name = "flat page"
        verbose_name_plural = "flat pages"

    def __str__(self) -> str:
        return f"{self.url} -- {self.title}"

    def get_absolute_url(self) -> str:
        return self.url


def default_render(request: webob.Request, page: FlatPage) -> str:
    """A minimal HTML page: the title in ``<title>`` and ``<h1>``, the content after it."""
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        f"<title>{page.title}</title></head>\n"
        f"<body><h1>{page.title}</h1>\n{page.content}\n</body></html>\n"
    )


def _user(request: webob.Request) -> Any:
    user = request.environ.get(USER_ENVIRON_KEY)
    if user is None:
        user = getattr(request, "user", None)
    return user


def render_flatpage(
    request: webob.Request,
    page: FlatPage,
    *,
    render: Render | None = None,
    login_url: str = DEFAULT_LOGIN_URL,
) -> webob.Response:
    """The response for ``page``: its HTML, or a redirect to log in when it requires it."""
    if page.registration_required:
        user = _user(request)
        if not getattr(user, "is_authenticated", False):
            return redirect_to_login(request_path(request), login_url)
    body = (render or default_render)(request, page)
    response = webob.Response(content_type="text/html", charset="utf-8")
    response.text = str(body)
    return response


def _find(url: str, site: Site, using: Any) -> FlatPage | None:
    if "\x00" in url:
        # No flat page has a NUL in its URL, and PostgreSQL refuses one in a
        # text parameter (an error, where this is a plain 404).
        return None
    manager = FlatPage.objects.db_manager(using) if using is not None else FlatPage.objects
    return manager.filter(url=url, sites=site.pk).first()


def flatpage(
    request: webob.Request,
    url: str,
    *,
    render: Render | None = None,
    login_url: str = DEFAULT_LOGIN_URL,
    append_slash: bool = True,
    site_id: int | None = None,
    using: Any = None,
) -> webob.Response:
    """The catch-all view: the current site's flat page at ``url``, or a 404.

    As Django's ``flatpage`` view: ``url`` gets a leading slash; when there is
    no page at it but there is one at ``url + "/"`` (and ``append_slash``),
    the answer is a 301 to the request's path with the slash. A host that
    names no site is a 404.
    """
    if not url.startswith("/"):
        url = "/" + url
    try:
        if using is not None:
            site = Site.objects.db_manager(using).get_current(request, site_id=site_id)
        else:
            site = get_current_site(request, site_id=site_id)
    except Site.DoesNotExist:
        return not_found()
    page = _find(url, site, using)
    if page is None:
        if append_slash and not url.endswith("/") and _find(url + "/", site, using) is not None:
            return redirect(request_path(request) + "/", 301)
        return not_found()
    return render_flatpage(request, page, render=render, login_url=login_url)


def FlatpageFallbackMiddleware(  # noqa: N802 - Django's name for the middleware
    get_response: GetResponse,
    *,
    render: Render | None = None,
    login_url: str = DEFAULT_LOGIN_URL,
    append_slash: bool = True,
    site_id: int | None = None,
    using: Any = None,
) -> Callable[[webob.Request], webob.Response]:
    """Middleware: a 404 from the application becomes the flat page at the request's path."""

    def middleware(request: webob.Request) -> webob.Response:
        response = get_response(request)
        if response.status_code != 404:
            return response
        answer = flatpage(
            request,
            path_info(request),
            render=render,
            login_url=login_url,
            append_slash=append_slash,
            site_id=site_id,
            using=using,
        )
        return response if answer.status_code == 404 else answer

    return middleware

"""Django configured once per session, and the scenario both sides are asked about.

The scenario (sites, redirects, flat pages) is written into a fresh database
either by Django's ORM (after Django's own migrations made the tables) or by
orm-lite (``create_all``); both implementations then answer the same
requests from it, and the answers are compared.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import webob

from manouche import orm_lite as models
from manouche.sites import (
    FlatPage,
    FlatpageFallbackMiddleware,
    Redirect,
    RedirectFallbackMiddleware,
    Site,
    flatpage,
)
from manouche.sites._http import path_info
from manouche.testsupport import configure_django

sys.path.insert(0, str(Path(__file__).parent))

DEFAULT_TEMPLATE = (
    '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
    "<title>{{ flatpage.title }}</title></head>\n"
    "<body><h1>{{ flatpage.title }}</h1>\n{{ flatpage.content }}\n</body></html>\n"
)

SITES = [(1, "example.com", "Example"), (2, "other.test", "Other"), (3, "port.test:8080", "Port")]
REDIRECTS = [
    (1, "/old/", "/new/"),
    (1, "/gone/", ""),
    (1, "/q/?a=1", "/with-query/"),
    (1, "/away/", "https://elsewhere.example/x?y=1"),
    (1, "/js/", "javascript:alert(1)"),
    (1, "/caf%C3%A9/", "/café-new/"),
    (1, "/exists/", "/never-used/"),
    (1, "/noslash/", "/slashed/"),
    (1, "/bad%25FF/", "/fixed/"),
    (2, "/old/", "/other-new/"),
    (3, "/old/", "/port-new/"),
]
FLATPAGES = [
    ("/about/", "About <us> & co", "<p>Hi, “you”.</p>", False, [1, 2]),
    ("/private/", "Members", "<p>secret</p>", True, [1]),
    ("/only-other/", "Other only", "other", False, [2]),
    ("/flat", "No slash", "no slash page", False, [1]),
    ("/trail/", "Trail", "trailing", False, [1, 3]),
    ("/deep/a/b/", "Deep", "deep", False, [1]),
]

HOSTS = ["example.com", "EXAMPLE.com", "example.com:8000", "other.test", "port.test:8080"]
PATHS = [
    "/old/",
    "/old",
    "/gone/",
    "/gone",
    "/q/?a=1",
    "/q/?a=2",
    "/away/",
    "/js/",
    "/café/",
    "/bad%FF/",
    "/bad%FF",
    "/x%FF%FE/",
    "/pages/x%FF/",
    "/exists/",
    "/noslash",
    "/about/",
    "/about",
    "/private/",
    "/only-other/",
    "/flat",
    "/flat/",
    "/trail",
    "/deep/a/b/",
    "/missing/",
    "/pages/about/",
    "/pages/about",
    "/pages/private/",
    "/pages/flat",
    "/pages/only-other/",
    "/pages/missing/",
    "/pages/deep/a/b/",
]


def _configure() -> None:
    configure_django(
        INSTALLED_APPS=[
            "django.contrib.contenttypes",
            "django.contrib.auth",
            "django.contrib.sites",
            "django.contrib.redirects",
            "django.contrib.flatpages",
        ],
        MIDDLEWARE=[
            "sites_djurls.UserFromHeaderMiddleware",
            "django.contrib.flatpages.middleware.FlatpageFallbackMiddleware",
            "django.contrib.redirects.middleware.RedirectFallbackMiddleware",
        ],
        ROOT_URLCONF="sites_djurls",
        TEMPLATES=[
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "OPTIONS": {
                    "loaders": [
                        (
                            "django.template.loaders.locmem.Loader",
                            {"flatpages/default.html": DEFAULT_TEMPLATE},
                        )
                    ]
                },
            }
        ],
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
    )


@pytest.fixture(scope="session")
def django_ready() -> None:
    pytest.importorskip("django")
    _configure()


def point_django_at(path: Path) -> None:
    """Make Django's default connection use the SQLite file ``path``."""
    from django.contrib.sites.models import SITE_CACHE
    from django.db import connections

    conn = connections["default"]
    conn.close()
    conn.settings_dict["NAME"] = str(path)
    SITE_CACHE.clear()


def django_migrate(path: Path) -> None:
    from django.core.management import call_command

    point_django_at(path)
    call_command("migrate", verbosity=0, interactive=False)


def fill_with_django() -> None:
    from django.contrib.flatpages.models import FlatPage as DjFlatPage
    from django.contrib.redirects.models import Redirect as DjRedirect
    from django.contrib.sites.models import Site as DjSite

    DjSite.objects.all().delete()
    for pk, domain, name in SITES:
        DjSite.objects.create(pk=pk, domain=domain, name=name)
    for site, old, new in REDIRECTS:
        DjRedirect.objects.create(site_id=site, old_path=old, new_path=new)
    for url, title, content, private, sites in FLATPAGES:
        page = DjFlatPage.objects.create(
            url=url, title=title, content=content, registration_required=private
        )
        page.sites.set(sites)


TABLES = ["django_site", "django_redirect", "django_flatpage", "django_flatpage_sites"]


def create_tables(db: models.Database) -> None:
    tables = [models.metadata.tables[name] for name in TABLES]
    models.metadata.create_all(db.engine, tables=tables)


def drop_tables(db: models.Database) -> None:
    tables = [models.metadata.tables[name] for name in TABLES]
    models.metadata.drop_all(db.engine, tables=tables)


def fill_with_ours(db: models.Database) -> None:
    with db.atomic():
        for pk, domain, name in SITES:
            Site.objects.using(db).create(pk=pk, domain=domain, name=name)
        for site, old, new in REDIRECTS:
            Redirect.objects.using(db).create(site_id=site, old_path=old, new_path=new)
        for url, title, content, private, sites in FLATPAGES:
            page = FlatPage.objects.using(db).create(
                url=url, title=title, content=content, registration_required=private
            )
            page.sites.set(sites)


class _User:
    def __init__(self, authenticated: bool) -> None:
        self.is_authenticated = authenticated


def our_app(db: models.Database | None = None) -> Callable[[webob.Request], webob.Response]:
    """The same site as sites_djurls, with our middleware around it."""

    def app(request: webob.Request) -> webob.Response:
        path = path_info(request)  # Django's repercenting of bytes that are not UTF-8
        if path == "/exists/":
            return webob.Response("exists")
        if path.startswith("/pages/"):
            return flatpage(request, path[len("/pages/") :], using=db)
        return webob.Response(status=404, body=b"app 404")

    handler = FlatpageFallbackMiddleware(RedirectFallbackMiddleware(app, using=db), using=db)

    def with_user(request: webob.Request) -> webob.Response:
        request.environ["manouche.user"] = _User(request.headers.get("X-User") == "yes")
        return handler(request)

    return with_user


def ask_ours(
    app: Callable[[webob.Request], webob.Response], host: str, path: str, user: bool = False
) -> tuple[int, str | None, bytes]:
    request = webob.Request.blank(quote(path, safe="/?=&%"), headers={"Host": host})
    if user:
        request.headers["X-User"] = "yes"
    response = app(request)
    body = response.body if response.status_code == 200 else b""
    return response.status_code, response.headers.get("Location"), body


def ask_django(host: str, path: str, user: bool = False) -> tuple[int, str | None, bytes]:
    from django.test import Client

    client = Client(raise_request_exception=False)
    extra: dict[str, Any] = {"HTTP_HOST": host}
    if user:
        extra["HTTP_X_USER"] = "yes"
    response = client.get(path, **extra)
    body = response.content if response.status_code == 200 else b""
    return response.status_code, response.headers.get("Location"), body

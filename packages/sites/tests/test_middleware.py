"""The redirect and flat page middleware and view, beyond what Django's answers show."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

import pytest
import webob
from conftest import ask_ours, create_tables, fill_with_ours, our_app

from manouche import orm_lite as models
from manouche.sites import (
    FlatPage,
    FlatpageFallbackMiddleware,
    RedirectFallbackMiddleware,
    Site,
    flatpage,
)


@pytest.fixture
def db() -> Iterator[models.Database]:
    database = models.Database("sqlite://", default=False)
    create_tables(database)
    fill_with_ours(database)
    Site.objects.clear_cache()
    yield database
    Site.objects.clear_cache()
    database.dispose()


def _app404(request: webob.Request) -> webob.Response:
    return webob.Response(status=404, body=b"app 404")


def test_unknown_host_keeps_the_apps_404(db: models.Database) -> None:
    # Django answers a 500 here (Site.DoesNotExist escapes its middleware).
    app = our_app(db)
    for path in ("/old/", "/about/", "/pages/about/"):
        assert ask_ours(app, "unknown.test", path)[0] == 404
    response = FlatpageFallbackMiddleware(RedirectFallbackMiddleware(_app404, using=db), using=db)(
        webob.Request.blank("/old/", headers={"Host": "unknown.test"})
    )
    assert response.body == b"app 404"


def test_only_404s_are_looked_at(db: models.Database) -> None:
    def app500(request: webob.Request) -> webob.Response:
        return webob.Response(status=500, body=b"boom")

    handler = FlatpageFallbackMiddleware(RedirectFallbackMiddleware(app500, using=db), using=db)
    for path in ("/old/", "/about/"):
        response = handler(webob.Request.blank(path, headers={"Host": "example.com"}))
        assert (response.status_code, response.body) == (500, b"boom")


def test_site_id_fixes_the_site_whatever_the_host(db: models.Database) -> None:
    handler = RedirectFallbackMiddleware(_app404, site_id=2, using=db)
    response = handler(webob.Request.blank("/old/", headers={"Host": "unknown.test"}))
    assert (response.status_code, response.location) == (301, "/other-new/")


def test_append_slash_off(db: models.Database) -> None:
    handler = RedirectFallbackMiddleware(_app404, append_slash=False, using=db)
    assert handler(webob.Request.blank("/old", headers={"Host": "example.com"})).status_code == 404
    response = flatpage(
        webob.Request.blank("/pages/about", headers={"Host": "example.com"}),
        "about",
        append_slash=False,
        using=db,
    )
    assert response.status_code == 404


def test_render_callable_and_login_url(db: models.Database) -> None:
    seen = []

    def render(request: webob.Request, page: FlatPage) -> str:
        seen.append(page.url)
        return f"<main>{page.title}|{page.template_name or 'default'}</main>"

    handler = FlatpageFallbackMiddleware(_app404, render=render, login_url="/in/?x=1", using=db)
    ok = handler(webob.Request.blank("/about/", headers={"Host": "other.test"}))
    assert (ok.status_code, ok.text, ok.content_type) == (
        200,
        "<main>About <us> & co|default</main>",
        "text/html",
    )
    assert seen == ["/about/"]
    login = handler(webob.Request.blank("/private/", headers={"Host": "example.com"}))
    assert (login.status_code, login.location) == (302, "/in/?x=1&next=/private/")
    assert seen == ["/about/"]  # a page needing login is not rendered for anonymous users


@pytest.mark.parametrize(
    ("user", "status"),
    [
        (None, 302),
        (SimpleNamespace(), 302),
        (SimpleNamespace(is_authenticated=False), 302),
        (SimpleNamespace(is_authenticated=True), 200),
    ],
)
def test_registration_required_reads_a_duck_typed_user(
    db: models.Database, user: object, status: int
) -> None:
    request = webob.Request.blank("/pages/private/", headers={"Host": "example.com"})
    if user is not None:
        request.user = user  # a request.user attribute, as a Flask or WSGI app may set it
    response = flatpage(request, "private/", using=db)
    assert response.status_code == status
    if status == 302:
        assert response.location == "/accounts/login/?next=/pages/private/"


def test_unsafe_redirect_target_is_a_400_not_a_500(db: models.Database) -> None:
    app = our_app(db)
    status, location, _ = ask_ours(app, "example.com", "/js/")
    assert (status, location) == (400, None)


def test_a_nul_in_the_path_is_the_apps_404_on_postgresql() -> None:
    """PostgreSQL refuses a NUL in a text parameter: no lookup is made, the 404 stays."""
    from conftest import drop_tables

    from manouche.testkit.services import require_service

    database = models.Database(require_service("postgresql"), default=False)
    try:
        drop_tables(database)
        create_tables(database)
        fill_with_ours(database)
        Site.objects.clear_cache()
        handler = FlatpageFallbackMiddleware(
            RedirectFallbackMiddleware(_app404, using=database), using=database
        )
        for path in ("/%00/", "/about%00/", "/old%00"):
            request = webob.Request.blank(path, headers={"Host": "example.com"})
            response = handler(request)
            assert response.status_code == 404, path
            assert response.body == b"app 404"
    finally:
        Site.objects.clear_cache()
        drop_tables(database)
        database.dispose()

"""The polls API site: the polls database, authkit sessions and CSRF, the API under /api/.

manouche-serve examples.polls_api.app:application
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable

import webob

from examples.polls.app import HERE, setup_database
from manouche.authkit import (
    Auth,
    AuthenticationMiddleware,
    CsrfViewMiddleware,
    DatabaseSessions,
    SessionMiddleware,
)
from manouche.httpkit import (
    CommonMiddleware,
    RequestBodyLimitMiddleware,
    SecurityMiddleware,
    WSGIApplication,
    make_wsgi_app,
)
from manouche.restkit.views import not_found
from manouche.urlmap import Resolver404, URLMap, include, path

from .models import ApiToken


def _resolver(urls: URLMap) -> Callable[[webob.Request], object]:
    """The view of a request for the CSRF middleware; a URL with no view has nothing to protect."""

    def resolve_view(request: webob.Request) -> object:
        try:
            return urls.resolve(request.path_info).func
        except Resolver404:
            return _NO_VIEW

    return resolve_view


def _no_view() -> None:  # pragma: no cover - never called, only looked at
    """Stands for a URL no view answers (its 404 comes from the URL map)."""


_no_view.csrf_exempt = True  # type: ignore[attr-defined]
_NO_VIEW = _no_view


def create_app(database_url: str | None = None, *, debug: bool = False) -> WSGIApplication:
    url = database_url or os.environ.get("DATABASE_URL") or f"sqlite:///{HERE / 'polls.sqlite3'}"
    db = setup_database(url)
    db.create_all([ApiToken])
    urls = URLMap(
        [path("api/", include("examples.polls_api.api"))], debug=debug, handler404=not_found
    )
    secret = os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50)
    return make_wsgi_app(
        urls,
        [
            SecurityMiddleware,
            RequestBodyLimitMiddleware.configure(max_body_size=64 * 1024, max_number_fields=100),
            CommonMiddleware,
            SessionMiddleware.configure(engine=DatabaseSessions(db=db, secret_key=secret)),
            # restkit's views are csrf_exempt: SessionAuthentication runs the check
            # itself for session-authenticated unsafe requests, as DRF does.
            CsrfViewMiddleware.configure(resolve_view=_resolver(urls)),
            AuthenticationMiddleware.configure(auth=Auth(secret_key=secret)),
        ],
        debug=debug,
    )


def __getattr__(name: str) -> WSGIApplication:
    if name == "application":
        app = create_app()
        globals()["application"] = app
        return app
    raise AttributeError(name)

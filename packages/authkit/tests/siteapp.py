"""A small site for the attack tests: login, logout, a private page, a password change.

``create_app(database_url)`` builds it; gunicorn loads ``tests.siteapp:application``
with ``AUTHKIT_SITE_DB`` (and ``AUTHKIT_SITE_REDIS`` for a shared throttle) set.
"""

from __future__ import annotations

import html
import os
from typing import Any

import webob
from webob.exc import HTTPFound

from manouche import orm_lite as models
from manouche.authkit import auth, csrf, hashers, sessions
from manouche.authkit.decorators import login_required, permission_required
from manouche.authkit.urls import get_safe_redirect
from manouche.httpkit import make_wsgi_app

SECRET = "site-secret-" + "s" * 40
FAST = hashers.PasswordHashers(
    [hashers.PBKDF2PasswordHasher(iterations=2000), hashers.MD5PasswordHasher]
)


def page(body: str) -> webob.Response:
    return webob.Response(f"<!doctype html><body>{body}</body>", charset="utf-8")


def login_view(request: webob.Request) -> webob.Response:
    session = sessions.get_session(request)
    if request.method == "POST":
        user = auth.authenticate(
            request,
            username=request.POST.get("username", ""),
            password=request.POST.get("password", ""),
        )
        if user is not None:
            auth.login(request, user)
            target = get_safe_redirect(request.POST.get("next"), {request.host}, "/me")
            return HTTPFound(location=target)
        return page("invalid login")
    session.set_test_cookie()
    nxt = html.escape(request.GET.get("next", ""))
    return page(
        f'<form method="post">{csrf.csrf_input(request)}'
        f'<input name="next" value="{nxt}"><input name="username"><input name="password">'
        "</form>"
    )


def logout_view(request: webob.Request) -> webob.Response:
    auth.logout(request)
    return HTTPFound(location="/login")


@login_required(login_url="/login")
def me(request: webob.Request) -> webob.Response:
    user = auth.request_user(request)
    return page(f"hello {html.escape(user.get_username())} {csrf.csrf_input(request)}")


@permission_required("auth.change_user", raise_exception=True)
def admin_only(request: webob.Request) -> webob.Response:
    return page("admin area")


@login_required(login_url="/login")
def change_password(request: webob.Request) -> webob.Response:
    user = auth.request_user(request)
    user.set_password(request.POST["new"])
    user.save()
    auth.update_session_auth_hash(request, user)
    return page("changed")


VIEWS: dict[str, Any] = {
    "/login": login_view,
    "/logout": logout_view,
    "/me": me,
    "/admin": admin_only,
    "/password": change_password,
}


def dispatch(request: webob.Request) -> webob.Response:
    view = VIEWS.get(request.path_info)
    if view is None:
        return webob.Response("not found", status=404)
    return view(request)  # type: ignore[no-any-return]


def worker_header(get_response: Any) -> Any:
    """Say which process answered (the multi-worker tests check both served)."""

    def middleware(request: webob.Request) -> webob.Response:
        response = get_response(request)
        response.headers["X-Worker"] = str(os.getpid())
        return response

    return middleware


def create_app(
    database_url: str,
    *,
    redis_url: str | None = None,
    account_limit: int = 5,
    throttle_prefix: str = "site:",
    signed_cookies: bool = False,
    redis_sessions: bool = False,
    middleware_extra: list[Any] | None = None,
) -> Any:
    from manouche.authkit.models import ContentType, Group, Permission, User, create_permissions
    from manouche.authkit.sessions.models import Session

    hashers.set_default_hashers(FAST)
    db = models.Database(database_url)
    db.create_all([ContentType, Permission, Group, User, Session])
    create_permissions([User, Group])
    throttle = None
    if redis_url:
        import redis
        from cachelib import RedisCache

        from manouche.authkit.throttling import LoginThrottle

        cache = RedisCache(host=redis.Redis.from_url(redis_url), key_prefix=throttle_prefix)
        throttle = LoginThrottle(cache, account_limit=account_limit, address_limit=1000)
    site_auth = auth.Auth(secret_key=SECRET, throttle=throttle)
    engine: sessions.BaseSessionEngine = (
        sessions.SignedCookieSessions(secret_key=SECRET)
        if signed_cookies
        else sessions.DatabaseSessions(db=db, secret_key=SECRET)
    )
    if redis_sessions and redis_url:
        import redis
        from cachelib import RedisCache

        store = RedisCache(host=redis.Redis.from_url(redis_url), key_prefix=throttle_prefix + "s:")
        engine = sessions.CacheSessions(cache=store, secret_key=SECRET)
    # Worker processes forked after this (gunicorn --preload) open their own connections.
    db.engine.dispose()
    return make_wsgi_app(
        dispatch,
        [
            worker_header,
            sessions.SessionMiddleware.configure(engine=engine),
            csrf.CsrfViewMiddleware,
            auth.AuthenticationMiddleware.configure(auth=site_auth),
            *(middleware_extra or []),
        ],
    )


def _from_environment() -> Any:
    url = os.environ.get("AUTHKIT_SITE_DB")
    if not url:
        return None
    return create_app(
        url,
        redis_url=os.environ.get("AUTHKIT_SITE_REDIS"),
        account_limit=int(os.environ.get("AUTHKIT_SITE_LIMIT", "5")),
        throttle_prefix=os.environ.get("AUTHKIT_SITE_PREFIX", "site:"),
        redis_sessions=os.environ.get("AUTHKIT_SITE_SESSIONS") == "redis",
    )


application = _from_environment()

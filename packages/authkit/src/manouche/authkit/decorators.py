"""View decorators: ``login_required``, ``permission_required``, ``user_passes_test``."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import webob
from webob.exc import HTTPFound

from manouche.authkit.auth import request_user
from manouche.httpkit import PermissionDenied

__all__ = [
    "REDIRECT_FIELD_NAME",
    "login_required",
    "permission_required",
    "redirect_to_login",
    "user_passes_test",
]

REDIRECT_FIELD_NAME = "next"
DEFAULT_LOGIN_URL = "/accounts/login/"


def redirect_to_login(
    next: str,
    login_url: str = DEFAULT_LOGIN_URL,
    redirect_field_name: str | None = REDIRECT_FIELD_NAME,
) -> webob.Response:
    """A 302 to ``login_url`` with ``?next=<where the user was going>``."""
    parts = list(urlsplit(login_url))
    if redirect_field_name:
        query = parts[3]
        extra = urlencode({redirect_field_name: next}, safe="/")
        parts[3] = f"{query}&{extra}" if query else extra
    return HTTPFound(location=urlunsplit(parts))


def _next_of(request: webob.Request, login_url: str) -> str:
    path = request.url
    login = urlsplit(login_url)
    current = urlsplit(path)
    # Same scheme and host as the login page: keep the path only, as Django.
    if (not login.scheme or login.scheme == current.scheme) and (
        not login.netloc or login.netloc == current.netloc
    ):
        return request.path_qs
    return path


def user_passes_test(
    test_func: Callable[[Any], bool],
    login_url: str | None = None,
    redirect_field_name: str | None = REDIRECT_FIELD_NAME,
) -> Callable[[Callable[..., webob.Response]], Callable[..., webob.Response]]:
    """Run the view when ``test_func(request.user)`` is true; else redirect to log in."""
    url = login_url or DEFAULT_LOGIN_URL

    def decorator(view: Callable[..., webob.Response]) -> Callable[..., webob.Response]:
        @functools.wraps(view)
        def wrapped(request: webob.Request, *args: Any, **kwargs: Any) -> webob.Response:
            if test_func(request_user(request)):
                return view(request, *args, **kwargs)
            return redirect_to_login(_next_of(request, url), url, redirect_field_name)

        return wrapped

    return decorator


def login_required(
    function: Callable[..., webob.Response] | None = None,
    redirect_field_name: str | None = REDIRECT_FIELD_NAME,
    login_url: str | None = None,
) -> Any:
    """Redirect anonymous users to the login page (``@login_required`` or with options)."""
    decorator = user_passes_test(
        lambda u: bool(u.is_authenticated),
        login_url=login_url,
        redirect_field_name=redirect_field_name,
    )
    return decorator(function) if function is not None else decorator


def permission_required(
    perm: str | Iterable[str],
    login_url: str | None = None,
    raise_exception: bool = False,
) -> Callable[[Callable[..., webob.Response]], Callable[..., webob.Response]]:
    """Require the permission(s); 403 with ``raise_exception``, else the login redirect."""
    perms = (perm,) if isinstance(perm, str) else tuple(perm)

    def check(user: Any) -> bool:
        if user.has_perms(perms):
            return True
        if raise_exception:
            raise PermissionDenied
        return False

    return user_passes_test(check, login_url=login_url)

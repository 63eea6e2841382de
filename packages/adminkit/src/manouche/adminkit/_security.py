"""Who may use the site, and the CSRF check of its forms.

With manouche-authkit installed the site uses authkit's user (active staff
users; per-model ``add``/``change``/``view``/``delete`` permissions) and
authkit's CSRF middleware. Without it, the site needs an ``authorize``
callable and checks CSRF with a token of its own: a random secret in an
HttpOnly cookie, put in every form under a fresh random mask (so compression
attacks cannot recover it), compared in constant time, and an ``Origin``
that must be the site's own host.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import webob

authkit: Any
try:  # optional integration: pip install 'manouche-adminkit[auth]'
    from manouche import authkit  # type: ignore[attr-defined,unused-ignore,no-redef]
except ImportError:  # pragma: no cover - exercised without the extra
    authkit = None

CSRF_FIELD = "csrfmiddlewaretoken"
COOKIE = "adminkit_csrf"
_SECRET_KEY = "manouche.adminkit.csrf_secret"
_SAFE = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def has_authkit() -> bool:
    return authkit is not None


def request_user(request: webob.Request) -> Any:
    if authkit is None:
        return None
    return authkit.request_user(request)


class OwnCsrf:
    """CSRF for a site without authkit: double-submit token, constant-time compare."""

    def __init__(self, get_response: Callable[[webob.Request], webob.Response]) -> None:
        self.get_response = get_response

    def __call__(self, request: webob.Request) -> webob.Response:
        secret = request.cookies.get(COOKIE, "")
        fresh = len(secret) != 43
        if fresh:
            secret = secrets.token_urlsafe(32)
        request.environ[_SECRET_KEY] = secret
        if request.method not in _SAFE:
            reason = self._check(request, secret, fresh)
            if reason:
                return webob.Response(
                    f"CSRF verification failed: {reason}", status=403, content_type="text/plain"
                )
        response = self.get_response(request)
        if fresh:
            response.set_cookie(
                COOKIE,
                secret,
                path=(request.script_name or "") + "/",
                httponly=True,
                samesite="Lax",
                secure=request.scheme == "https",
            )
        return response

    def _check(self, request: webob.Request, secret: str, fresh: bool) -> str:
        origin = request.headers.get("Origin")
        if origin is not None:
            host = request.host
            if urlsplit(origin).netloc != host:
                return "Origin does not match this site"
        if fresh:
            return "no CSRF cookie"
        token = request.POST.get(CSRF_FIELD) or request.headers.get("X-CSRFToken") or ""
        if not hmac.compare_digest(unmask(str(token)), secret.encode()):
            return "CSRF token missing or incorrect"
        return ""


def mask(secret: str) -> str:
    """The secret under a fresh random mask: a different token in every page (BREACH)."""
    raw = secret.encode()
    pad = secrets.token_bytes(len(raw))
    return base64.urlsafe_b64encode(
        pad + bytes(a ^ b for a, b in zip(raw, pad, strict=True))
    ).decode()


def unmask(token: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(token.encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return b""
    half = len(raw) // 2
    if len(raw) != 86 or half * 2 != len(raw):
        return b""
    return bytes(a ^ b for a, b in zip(raw[half:], raw[:half], strict=True))


def csrf_middleware() -> Any:
    if authkit is not None:
        return authkit.CsrfViewMiddleware
    return OwnCsrf


def csrf_token(request: webob.Request) -> str:
    if authkit is not None:
        return str(authkit.get_token(request))
    secret = str(request.environ.get(_SECRET_KEY, ""))
    return mask(secret) if secret else ""

"""Authentication: who sent the request (session through authkit, token, HTTP basic)."""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Callable
from typing import Any

from manouche.restkit import exceptions


def get_authorization_header(request: Any) -> bytes:
    auth = request.headers.get("Authorization", "") or ""
    if isinstance(auth, str):
        try:
            return auth.encode("iso-8859-1")
        except UnicodeEncodeError:
            return b""
    return bytes(auth)


class BaseAuthentication:
    def authenticate(self, request: Any) -> tuple[Any, Any] | None:
        raise NotImplementedError(".authenticate() must be overridden.")

    def authenticate_header(self, request: Any) -> str | None:
        return None


class BasicAuthentication(BaseAuthentication):
    """HTTP Basic. ``check(username, password) -> user | None`` verifies the credentials.

    The default ``check`` uses authkit's ``authenticate()`` when authkit is installed.
    """

    www_authenticate_realm = "api"

    def __init__(self, check: Callable[[str, str], Any] | None = None) -> None:
        self.check = check

    def authenticate(self, request: Any) -> tuple[Any, Any] | None:
        auth = get_authorization_header(request).split()
        if not auth or auth[0].lower() != b"basic":
            return None
        if len(auth) == 1:
            raise exceptions.AuthenticationFailed("Invalid basic header. No credentials provided.")
        if len(auth) > 2:
            raise exceptions.AuthenticationFailed(
                "Invalid basic header. Credentials string should not contain spaces."
            )
        try:
            decoded = base64.b64decode(auth[1], validate=True)
            try:
                text = decoded.decode("utf-8")
            except UnicodeDecodeError:
                text = decoded.decode("latin-1")
            userid, sep, password = text.partition(":")
        except (TypeError, ValueError, binascii.Error):
            raise exceptions.AuthenticationFailed(
                "Invalid basic header. Credentials not correctly base64 encoded."
            ) from None
        if not sep:
            raise exceptions.AuthenticationFailed(
                "Invalid basic header. Credentials not correctly base64 encoded."
            )
        return self.authenticate_credentials(userid, password, request)

    def authenticate_credentials(
        self, userid: str, password: str, request: Any = None
    ) -> tuple[Any, Any]:
        check = self.check or _authkit_check
        user = check(userid, password)
        if user is None:
            raise exceptions.AuthenticationFailed("Invalid username/password.")
        if not getattr(user, "is_active", True):
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        return user, None

    def authenticate_header(self, request: Any) -> str:
        return f'Basic realm="{self.www_authenticate_realm}"'


def _authkit_check(username: str, password: str) -> Any:
    try:
        from manouche import authkit
    except ImportError:  # pragma: no cover - exercised without the extra
        raise RuntimeError(
            "BasicAuthentication needs a check(username, password) function, or authkit: "
            "pip install 'manouche-restkit[authkit]'"
        ) from None
    return authkit.authenticate(username=username, password=password)


class TokenAuthentication(BaseAuthentication):
    """``Authorization: Token <key>``. ``lookup(key) -> user | None`` finds the user.

    Keys are compared by the lookup (a database query on a unique key column);
    :func:`constant_time_equals` is there for lookups that compare in Python.
    """

    keyword = "Token"
    max_key_length = 256

    def __init__(self, lookup: Callable[[str], Any] | None = None) -> None:
        self.lookup = lookup

    def authenticate(self, request: Any) -> tuple[Any, Any] | None:
        auth = get_authorization_header(request).split()
        if not auth or auth[0].lower() != self.keyword.lower().encode():
            return None
        if len(auth) == 1:
            raise exceptions.AuthenticationFailed("Invalid token header. No credentials provided.")
        if len(auth) > 2:
            raise exceptions.AuthenticationFailed(
                "Invalid token header. Token string should not contain spaces."
            )
        try:
            token = auth[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(
                "Invalid token header. Token string should not contain invalid characters."
            ) from None
        if len(token) > self.max_key_length:
            raise exceptions.AuthenticationFailed("Invalid token.")
        return self.authenticate_credentials(token)

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        if self.lookup is None:
            raise RuntimeError("TokenAuthentication needs a lookup(key) -> user function")
        user = self.lookup(key)
        if user is None:
            raise exceptions.AuthenticationFailed("Invalid token.")
        if not getattr(user, "is_active", True):
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        return user, key

    def authenticate_header(self, request: Any) -> str:
        return self.keyword


def constant_time_equals(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


class SessionAuthentication(BaseAuthentication):
    """The user authkit's session middleware put on the request, with CSRF on unsafe methods.

    authkit's ``AuthenticationMiddleware`` sets ``request.user`` (any
    middleware that sets ``request.user`` on the WebOb request will do); the
    CSRF check is authkit's ``check_csrf``, so session requests with unsafe
    methods need authkit and its ``CsrfViewMiddleware``.
    """

    def authenticate(self, request: Any) -> tuple[Any, Any] | None:
        user = getattr(request.webob_request, "user", None)
        if user is None or not getattr(user, "is_authenticated", False):
            return None
        if not getattr(user, "is_active", True):
            return None
        self.enforce_csrf(request)
        return user, None

    def enforce_csrf(self, request: Any) -> None:
        """Unsafe methods need a valid CSRF token, checked by authkit's ``check_csrf``.

        restkit's views are ``csrf_exempt`` (token and basic clients send no
        CSRF token), so the check runs here, for session-authenticated
        requests only, as in DRF. Without authkit's ``CsrfViewMiddleware`` a
        session cannot be used for unsafe methods at all.
        """
        if request.method in ("GET", "HEAD", "OPTIONS", "TRACE"):
            return
        try:
            from manouche.authkit import check_csrf
        except ImportError:
            raise exceptions.PermissionDenied(
                "CSRF Failed: CSRF protection needs authkit "
                "(pip install 'manouche-restkit[authkit]')."
            ) from None
        # The browsable API's form carries its token among the fields restkit read.
        reason = check_csrf(request.webob_request, getattr(request, "form_csrf_token", None))
        if reason:
            raise exceptions.PermissionDenied(f"CSRF Failed: {reason}")


def csrf_token(request: Any) -> str | None:
    """A CSRF token for the browsable API's forms: authkit's ``get_token``, None without authkit."""
    try:
        from manouche.authkit import get_token
    except ImportError:
        return None
    return get_token(request)

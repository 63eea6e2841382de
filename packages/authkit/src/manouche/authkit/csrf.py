"""CSRF protection as Django does it: masked tokens, Origin and Referer checks.

The secret (32 characters) lives in the ``csrftoken`` cookie, or in the
session with ``use_sessions=True``. Pages get a *masked* token (64
characters: a random mask and the secret enciphered with it) from
:func:`get_token`, so the token in a page changes on every response and
compression attacks (BREACH) cannot recover it. An unsafe request (anything
but GET, HEAD, OPTIONS, TRACE) must then

1. come from a trusted origin: its ``Origin`` header is this host (with the
   request's scheme) or in ``trusted_origins``; without ``Origin``, an HTTPS
   request's ``Referer`` must be an HTTPS URL of this host, of
   ``cookie_domain`` or of a trusted origin;
2. carry a token, in the ``csrfmiddlewaretoken`` form field or the
   ``X-CSRFToken`` header, that matches the secret.

Otherwise the failure view answers 403 and says which check failed.

A view decorated with :func:`csrf_exempt` is not checked when the middleware
can see which view will answer: pass ``resolve_view`` (for a URL map,
``lambda request: urls.resolve(request.path_info).func``). Without it every
unsafe request is checked (safe by default). :func:`csrf_protect` checks a
single view without the middleware.
"""

from __future__ import annotations

import functools
import html
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import webob

from manouche.authkit._cookies import set_cookie
from manouche.authkit._crypto import RANDOM_STRING_CHARS, constant_time_compare, get_random_string
from manouche.authkit._i18n import gettext, gettext_noop
from manouche.httpkit import (
    BaseMiddleware,
    DisallowedHost,
    get_host,
    is_same_domain,
    patch_vary_headers,
)

if TYPE_CHECKING:
    from manouche.httpkit import Handler, ViewFunction

__all__ = [
    "CSRF_SESSION_KEY",
    "REASON_BAD_ORIGIN",
    "REASON_BAD_REFERER",
    "REASON_CSRF_TOKEN_MISSING",
    "REASON_INSECURE_REFERER",
    "REASON_MALFORMED_REFERER",
    "REASON_NO_CSRF_COOKIE",
    "REASON_NO_REFERER",
    "CsrfViewMiddleware",
    "InvalidTokenFormat",
    "RejectRequest",
    "csrf_exempt",
    "csrf_failure",
    "csrf_input",
    "csrf_protect",
    "ensure_csrf_cookie",
    "get_token",
    "rotate_token",
]

logger = logging.getLogger("manouche.authkit.csrf")

REASON_BAD_ORIGIN = gettext_noop("Origin checking failed - %s does not match any trusted origins.")
REASON_NO_REFERER = gettext_noop("Referer checking failed - no Referer.")
REASON_BAD_REFERER = gettext_noop(
    "Referer checking failed - %s does not match any trusted origins."
)
REASON_NO_CSRF_COOKIE = gettext_noop("CSRF cookie not set.")
REASON_CSRF_TOKEN_MISSING = gettext_noop("CSRF token missing.")
REASON_MALFORMED_REFERER = gettext_noop("Referer checking failed - Referer is malformed.")
REASON_INSECURE_REFERER = gettext_noop(
    "Referer checking failed - Referer is insecure while host is secure."
)

CSRF_SECRET_LENGTH = 32
CSRF_TOKEN_LENGTH = 2 * CSRF_SECRET_LENGTH
CSRF_ALLOWED_CHARS = RANDOM_STRING_CHARS
CSRF_SESSION_KEY = "_csrftoken"
_ALLOWED = frozenset(CSRF_ALLOWED_CHARS)
_INDEX = {c: i for i, c in enumerate(CSRF_ALLOWED_CHARS)}
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

# Per-request state, kept in the WSGI environ so any Request on it sees it.
_SECRET = "manouche.csrf.secret"
_NEEDS_UPDATE = "manouche.csrf.needs_update"
_DONE = "manouche.csrf.processing_done"
_CONFIG = "manouche.csrf.config"
TOKEN_ENVIRON_KEY = "manouche.csrf_token"


class InvalidTokenFormat(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class RejectRequest(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _new_secret() -> str:
    return get_random_string(CSRF_SECRET_LENGTH, CSRF_ALLOWED_CHARS)


def _mask_cipher_secret(secret: str) -> str:
    mask = _new_secret()
    n = len(CSRF_ALLOWED_CHARS)
    cipher = "".join(
        CSRF_ALLOWED_CHARS[(_INDEX[s] + _INDEX[m]) % n] for s, m in zip(secret, mask, strict=True)
    )
    return mask + cipher


def _unmask_cipher_token(token: str) -> str:
    mask, cipher = token[:CSRF_SECRET_LENGTH], token[CSRF_SECRET_LENGTH:]
    n = len(CSRF_ALLOWED_CHARS)
    return "".join(
        CSRF_ALLOWED_CHARS[(_INDEX[c] - _INDEX[m]) % n] for c, m in zip(cipher, mask, strict=True)
    )


def _check_token_format(token: str) -> None:
    if len(token) not in (CSRF_TOKEN_LENGTH, CSRF_SECRET_LENGTH):
        raise InvalidTokenFormat("has incorrect length")
    if not _ALLOWED.issuperset(token):
        raise InvalidTokenFormat("has invalid characters")


def _does_token_match(request_token: str, secret: str) -> bool:
    if len(request_token) == CSRF_TOKEN_LENGTH:
        request_token = _unmask_cipher_token(request_token)
    return constant_time_compare(request_token, secret)


class _SafeHTML(str):
    """A str that Jinja2/MarkupSafe insert without escaping (``__html__``)."""

    __slots__ = ()

    def __html__(self) -> str:
        return str(self)


def get_token(request: webob.Request) -> str:
    """A masked CSRF token for this request's secret (made when there is none).

    Calling it marks the response to (re)send the cookie, as Django's
    ``get_token``. Every call gives a different string for the same secret.
    """
    environ = request.environ
    secret = environ.get(_SECRET)
    if not secret:
        secret = _new_secret()
        environ[_SECRET] = secret
    environ[_NEEDS_UPDATE] = True
    return _mask_cipher_secret(secret)


def rotate_token(request: webob.Request) -> None:
    """Give the request a new CSRF secret (``login()`` calls this)."""
    request.environ[_SECRET] = _new_secret()
    request.environ[_NEEDS_UPDATE] = True


REASON_NOT_CONFIGURED = "CSRF protection is not configured (no CsrfViewMiddleware ran)."


def check_csrf(request: webob.Request, form_token: str | None = None) -> str | None:
    """The reason ``CsrfViewMiddleware`` rejects ``request``, or None when it passes.

    For code that checks a ``csrf_exempt`` view's request itself (an API
    that needs the check for session-authenticated requests only). Safe
    methods pass. When no ``CsrfViewMiddleware`` ran on the request, unsafe
    methods are rejected with ``REASON_NOT_CONFIGURED``: no check is no pass.
    """
    if request.method in _SAFE_METHODS:
        return None
    config = request.environ.get(_CONFIG)
    if not isinstance(config, CsrfViewMiddleware):
        return REASON_NOT_CONFIGURED
    return config.check(request, form_token)


def csrf_input(request: webob.Request, field_name: str = "csrfmiddlewaretoken") -> str:
    """``<input type="hidden" name="csrfmiddlewaretoken" value="...">``, safe for templates."""
    token = html.escape(get_token(request), quote=True)
    return _SafeHTML(f'<input type="hidden" name="{html.escape(field_name)}" value="{token}">')


_FAILURE_PAGE = """<!doctype html>
<html>
<head><meta charset="utf-8"><meta name="robots" content="NONE,NOARCHIVE">
<title>403 {forbidden}</title></head>
<body>
<h1>{forbidden} (403)</h1>
<p>{failed}</p>
<p>{reason}</p>
{advice}
</body>
</html>
"""


def _advice(reason: str) -> str:
    # Django's paragraphs, in the active language (Django's translations).
    if reason == REASON_NO_REFERER:
        paragraphs = [
            gettext(
                "You are seeing this message because this HTTPS site requires a "
                "“Referer header” to be sent by your web browser, but none was "
                "sent. This header is required for security reasons, to ensure "
                "that your browser is not being hijacked by third parties."
            ),
            gettext(
                "If you have configured your browser to disable “Referer” headers, "
                "please re-enable them, at least for this site, or for HTTPS "
                "connections, or for “same-origin” requests."
            ),
        ]
    elif reason == REASON_NO_CSRF_COOKIE:
        paragraphs = [
            gettext(
                "You are seeing this message because this site requires a CSRF "
                "cookie when submitting forms. This cookie is required for "
                "security reasons, to ensure that your browser is not being "
                "hijacked by third parties."
            ),
            gettext(
                "If you have configured your browser to disable cookies, please "
                "re-enable them, at least for this site, or for “same-origin” "
                "requests."
            ),
        ]
    else:
        return ""
    return "".join(f"<p>{html.escape(text)}</p>\n" for text in paragraphs)


_REASONS = (
    REASON_BAD_ORIGIN,
    REASON_NO_REFERER,
    REASON_BAD_REFERER,
    REASON_NO_CSRF_COOKIE,
    REASON_CSRF_TOKEN_MISSING,
    REASON_MALFORMED_REFERER,
    REASON_INSECURE_REFERER,
)


def _translated_reason(reason: str) -> str:
    """A failure reason of this module in the active language; any other as it is.

    The reasons stay English where they are raised (logs read the same
    everywhere); the page shows them translated, the origin or referer kept.
    """
    for template in _REASONS:
        if reason == template:
            return gettext(template)
        head, found, tail = template.partition("%s")
        if (
            found
            and len(reason) > len(head) + len(tail)
            and reason.startswith(head)
            and reason.endswith(tail)
        ):
            return gettext(template) % reason[len(head) : len(reason) - len(tail)]
    return reason


def csrf_failure(request: webob.Request, reason: str = "") -> webob.Response:
    """The default failure view: 403, with the failed check named (escaped)."""
    body = _FAILURE_PAGE.format(
        forbidden=html.escape(gettext("Forbidden")),
        failed=html.escape(gettext("CSRF verification failed. Request aborted.")),
        reason=html.escape(gettext("Reason: %(reason)s") % {"reason": _translated_reason(reason)}),
        advice=_advice(reason),
    )
    return webob.Response(body=body.encode(), status=403, content_type="text/html", charset="utf-8")


def csrf_exempt(view: ViewFunction) -> ViewFunction:
    """Mark a view as not needing CSRF protection (seen through ``resolve_view``)."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> webob.Response:
        return view(*args, **kwargs)

    wrapped.csrf_exempt = True  # type: ignore[attr-defined]
    return wrapped


def _is_secure(request: webob.Request, proxy_header: tuple[str, str] | None) -> bool:
    if proxy_header is not None:
        value = request.environ.get(proxy_header[0])
        if value is not None:
            return bool(value.split(",", 1)[0].strip() == proxy_header[1])
    return bool(request.environ.get("wsgi.url_scheme") == "https")


class CsrfViewMiddleware(BaseMiddleware):
    """Django's ``CsrfViewMiddleware`` in the ``mw(get_response)`` protocol.

    Options (Django setting in brackets, Django's defaults):
    ``trusted_origins=()`` (``CSRF_TRUSTED_ORIGINS``: ``"https://example.com"``,
    ``"https://*.example.com"``), ``cookie_name="csrftoken"``,
    ``cookie_age=31449600``, ``cookie_domain=None``, ``cookie_path="/"``,
    ``cookie_secure=False``, ``cookie_httponly=False``,
    ``cookie_samesite="Lax"``, ``header_name="X-CSRFToken"``,
    ``field_name="csrfmiddlewaretoken"``, ``use_sessions=False`` (the secret in
    ``request.session`` instead of a cookie), ``failure_view=csrf_failure``
    (``CSRF_FAILURE_VIEW``), ``resolve_view=None`` (see the module doc),
    ``secure_proxy_ssl_header=None``, ``use_x_forwarded_host=False``.
    """

    def __init__(
        self,
        get_response: Handler,
        *,
        trusted_origins: Iterable[str] = (),
        cookie_name: str = "csrftoken",
        cookie_age: int | None = 31449600,
        cookie_domain: str | None = None,
        cookie_path: str = "/",
        cookie_secure: bool = False,
        cookie_httponly: bool = False,
        cookie_samesite: str | None = "Lax",
        header_name: str = "X-CSRFToken",
        field_name: str = "csrfmiddlewaretoken",
        use_sessions: bool = False,
        failure_view: Callable[[webob.Request, str], webob.Response] = csrf_failure,
        resolve_view: Callable[[webob.Request], object] | None = None,
        secure_proxy_ssl_header: tuple[str, str] | None = None,
        use_x_forwarded_host: bool = False,
    ) -> None:
        super().__init__(get_response)
        if isinstance(trusted_origins, str):
            raise TypeError("trusted_origins must be a list of origins, not a string")
        origins = tuple(trusted_origins)
        for origin in origins:
            parts = urlsplit(origin)
            if "://" not in origin or not parts.scheme or not parts.netloc:
                raise ValueError(
                    f"trusted origin {origin!r} must start with a scheme (https://example.com)"
                )
        if cookie_samesite not in (None, "Lax", "Strict", "None"):
            raise ValueError("cookie_samesite must be 'Lax', 'Strict', 'None' or None")
        if not header_name or not field_name or not cookie_name:
            raise ValueError("cookie_name, header_name and field_name must not be empty")
        self.trusted_origins = origins
        self.allowed_origins_exact = frozenset(o for o in origins if "*" not in o)
        subdomains: defaultdict[str, list[str]] = defaultdict(list)
        for origin in origins:
            if "*" in origin:
                parts = urlsplit(origin)
                subdomains[parts.scheme].append(parts.netloc.lstrip("*"))
        self.allowed_origin_subdomains = dict(subdomains)
        self.trusted_origin_hosts = tuple(urlsplit(o).netloc.lstrip("*") for o in origins)
        self.cookie_name = cookie_name
        self.cookie_age = cookie_age
        self.cookie_domain = cookie_domain
        self.cookie_path = cookie_path
        self.cookie_secure = cookie_secure
        self.cookie_httponly = cookie_httponly
        self.cookie_samesite = cookie_samesite
        self.header_name = header_name
        self.header_key = "HTTP_" + header_name.upper().replace("-", "_")
        self.field_name = field_name
        self.use_sessions = use_sessions
        self.failure_view = failure_view
        self.resolve_view = resolve_view
        self.secure_proxy_ssl_header = secure_proxy_ssl_header
        self.use_x_forwarded_host = use_x_forwarded_host

    # -- the secret ---------------------------------------------------------

    def _session(self, request: webob.Request) -> Any:
        session = request.environ.get("manouche.session")
        if session is None:
            raise RuntimeError(
                "CsrfViewMiddleware(use_sessions=True) needs SessionMiddleware before it"
            )
        return session

    def _get_secret(self, request: webob.Request) -> str | None:
        """The stored secret; ``InvalidTokenFormat`` when it is malformed."""
        if self.use_sessions:
            secret = self._session(request).get(CSRF_SESSION_KEY)
        else:
            secret = request.cookies.get(self.cookie_name)
        if secret is None:
            return None
        if not isinstance(secret, str):
            raise InvalidTokenFormat("has invalid characters")
        _check_token_format(secret)
        if len(secret) == CSRF_TOKEN_LENGTH:
            # A masked token stored by an old Django release.
            secret = _unmask_cipher_token(secret)
        return secret

    def _save_secret(self, request: webob.Request, response: webob.Response) -> None:
        secret = request.environ.get(_SECRET)
        if not secret:
            return
        if self.use_sessions:
            session = self._session(request)
            if session.get(CSRF_SESSION_KEY) != secret:
                session[CSRF_SESSION_KEY] = secret
            return
        set_cookie(
            response,
            self.cookie_name,
            secret,
            max_age=self.cookie_age,
            domain=self.cookie_domain,
            path=self.cookie_path,
            secure=self.cookie_secure,
            httponly=self.cookie_httponly,
            samesite=self.cookie_samesite,
        )
        patch_vary_headers(response, ["Cookie"])

    def cookie_header(self, request: webob.Request) -> str | None:
        """The ``Set-Cookie`` value to send when a token was used (for non-WebOb responses)."""
        environ = request.environ
        if not environ.get(_NEEDS_UPDATE) or self.use_sessions:
            return None
        response = webob.Response()
        response.headerlist.clear()
        self._save_secret(request, response)
        environ[_NEEDS_UPDATE] = False
        return next(v for k, v in response.headerlist if k == "Set-Cookie")

    # -- the checks ---------------------------------------------------------

    def _origin_verified(self, request: webob.Request, secure: bool) -> bool:
        origin = request.environ["HTTP_ORIGIN"]
        try:
            host = self._host(request)
        except DisallowedHost:
            pass
        else:
            if origin == f"{'https' if secure else 'http'}://{host}":
                return True
        if origin in self.allowed_origins_exact:
            return True
        try:
            parts = urlsplit(origin)
        except ValueError:
            return False
        return any(
            is_same_domain(parts.netloc, pattern)
            for pattern in self.allowed_origin_subdomains.get(parts.scheme, ())
        )

    def _host(self, request: webob.Request) -> str:
        host = get_host(request.environ, self.use_x_forwarded_host)
        if not host:
            raise DisallowedHost("no host")
        return host.lower()

    def _check_referer(self, request: webob.Request) -> None:
        referer = request.environ.get("HTTP_REFERER")
        if referer is None:
            raise RejectRequest(REASON_NO_REFERER)
        try:
            parts = urlsplit(referer)
        except ValueError:
            raise RejectRequest(REASON_MALFORMED_REFERER) from None
        if "" in (parts.scheme, parts.netloc):
            raise RejectRequest(REASON_MALFORMED_REFERER)
        if parts.scheme != "https":
            raise RejectRequest(REASON_INSECURE_REFERER)
        if any(is_same_domain(parts.netloc, host) for host in self.trusted_origin_hosts):
            return
        good = self.cookie_domain
        if good is None:
            try:
                good = self._host(request)
            except DisallowedHost:
                raise RejectRequest(REASON_BAD_REFERER % parts.geturl()) from None
        else:
            port = str(request.environ.get("SERVER_PORT", ""))
            if port not in ("443", "80"):
                good = f"{good}:{port}"
        if not is_same_domain(parts.netloc, good):
            raise RejectRequest(REASON_BAD_REFERER % parts.geturl())

    def _bad_token_message(self, reason: str, source: str) -> str:
        if source != "POST":
            source = f"the {self.header_name.title()!r} HTTP header"
        return f"CSRF token from {source} {reason}."

    def _request_token(
        self, request: webob.Request, form_token: str | None = None
    ) -> tuple[str, str]:
        token = ""
        if form_token is not None:
            token = form_token
        elif request.method == "POST":
            try:
                post = request.POST
                value = post.get(self.field_name, "") if hasattr(post, "get") else ""
            except Exception:  # an unreadable or malformed body: look at the header
                value = ""
            token = value if isinstance(value, str) else ""
        if token == "":
            header = request.environ.get(self.header_key)
            if header is None:
                raise RejectRequest(REASON_CSRF_TOKEN_MISSING)
            return str(header), self.header_key
        return token, "POST"

    def _check_token(self, request: webob.Request, form_token: str | None = None) -> None:
        try:
            secret = self._get_secret(request)
        except InvalidTokenFormat as exc:
            raise RejectRequest(f"CSRF cookie {exc.reason}.") from None
        if secret is None:
            raise RejectRequest(REASON_NO_CSRF_COOKIE)
        token, source = self._request_token(request, form_token)
        try:
            _check_token_format(token)
        except InvalidTokenFormat as exc:
            raise RejectRequest(self._bad_token_message(exc.reason, source)) from None
        if not _does_token_match(token, secret):
            raise RejectRequest(self._bad_token_message("incorrect", source))

    def check(self, request: webob.Request, form_token: str | None = None) -> str | None:
        """The reason to reject ``request``, or None when it passes.

        ``form_token`` is the form field's value when the caller has parsed
        the body already (Flask's ``request.form``); otherwise the body is read.
        """
        if request.method in _SAFE_METHODS:
            return None
        try:
            secure = _is_secure(request, self.secure_proxy_ssl_header)
            if "HTTP_ORIGIN" in request.environ:
                if not self._origin_verified(request, secure):
                    return REASON_BAD_ORIGIN % str(request.environ["HTTP_ORIGIN"])
            elif secure:
                self._check_referer(request)
            self._check_token(request, form_token)
        except RejectRequest as exc:
            return exc.reason
        return None

    def _exempt(self, request: webob.Request) -> bool:
        if self.resolve_view is None:
            return False
        try:
            view = self.resolve_view(request)
        except Exception:  # no view (a 404 to come) or a broken resolver: check
            return False
        return bool(getattr(view, "csrf_exempt", False))

    # -- the middleware -----------------------------------------------------

    def load_secret(self, request: webob.Request) -> None:
        """Put the stored secret in the environ (a malformed one is replaced)."""
        environ = request.environ
        environ[_CONFIG] = self
        if _SECRET in environ:
            return
        try:
            secret = self._get_secret(request)
        except InvalidTokenFormat:
            rotate_token(request)
        else:
            if secret is not None:
                environ[_SECRET] = secret
        environ.setdefault(TOKEN_ENVIRON_KEY, lambda: get_token(request))

    def reject(self, request: webob.Request, reason: str) -> webob.Response:
        logger.warning(
            "Forbidden (%s): %s",
            reason,
            request.path_info,
            extra={"status_code": 403, "request": request},
        )
        return self.failure_view(request, reason)

    def __call__(self, request: webob.Request) -> webob.Response:
        self.load_secret(request)
        environ = request.environ
        if not environ.get(_DONE):
            if request.method not in _SAFE_METHODS and not self._exempt(request):
                reason = self.check(request)
                if reason is not None:
                    return self.reject(request, reason)
            environ[_DONE] = True
        response = self.get_response(request)
        if environ.get(_NEEDS_UPDATE):
            self._save_secret(request, response)
            environ[_NEEDS_UPDATE] = False
        return response


def _decorate(view: ViewFunction, options: dict[str, Any], *, force_token: bool) -> ViewFunction:
    @functools.wraps(view)
    def wrapped(request: webob.Request, *args: Any, **kwargs: Any) -> webob.Response:
        def call(req: webob.Request) -> webob.Response:
            if force_token:
                get_token(req)
            return view(req, *args, **kwargs)

        return CsrfViewMiddleware(call, **options)(request)

    return wrapped


def csrf_protect(view: ViewFunction | None = None, **options: Any) -> Any:
    """Check CSRF on one view without the middleware (``@csrf_protect`` or with options)."""
    if view is None:
        CsrfViewMiddleware(lambda r: webob.Response(), **options)
        return lambda v: _decorate(v, options, force_token=False)
    return _decorate(view, options, force_token=False)


def ensure_csrf_cookie(view: ViewFunction | None = None, **options: Any) -> Any:
    """Check CSRF like :func:`csrf_protect` and always send the CSRF cookie."""
    if view is None:
        CsrfViewMiddleware(lambda r: webob.Response(), **options)
        return lambda v: _decorate(v, options, force_token=True)
    return _decorate(view, options, force_token=True)

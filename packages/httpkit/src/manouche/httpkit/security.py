"""Security headers: ``SecurityMiddleware`` and ``XFrameOptionsMiddleware``.

Django's ``SecurityMiddleware`` (HSTS, ``X-Content-Type-Options: nosniff``,
``Referrer-Policy``, ``Cross-Origin-Opener-Policy``, the HTTPS redirect) and
its Content-Security-Policy support, configured by arguments instead of
settings. The CSP nonce is made fresh for every request from ``secrets``
(128 bits) and stored in ``request.environ["manouche.csp_nonce"]``, where
templates read it.
"""

from __future__ import annotations

import functools
import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import webob

from manouche.httpkit._base import BaseMiddleware, header_names
from manouche.httpkit.exceptions import BadRequest
from manouche.httpkit.hosts import split_domain_port
from manouche.httpkit.request import CSP_NONCE_KEY

if TYPE_CHECKING:
    from manouche.httpkit.types import Handler, View

__all__ = ["CSP", "SecurityMiddleware", "XFrameOptionsMiddleware", "xframe_options_exempt"]


class CSP:
    """Source keywords for a Content-Security-Policy (Django 6.0's ``django.utils.csp.CSP``).

    ``CSP.NONCE`` is a placeholder replaced by ``'nonce-<value>'`` with the
    request's nonce.
    """

    HEADER_ENFORCE = "Content-Security-Policy"
    HEADER_REPORT_ONLY = "Content-Security-Policy-Report-Only"
    NONE = "'none'"
    REPORT_SAMPLE = "'report-sample'"
    SELF = "'self'"
    STRICT_DYNAMIC = "'strict-dynamic'"
    UNSAFE_EVAL = "'unsafe-eval'"
    UNSAFE_HASHES = "'unsafe-hashes'"
    UNSAFE_INLINE = "'unsafe-inline'"
    WASM_UNSAFE_EVAL = "'wasm-unsafe-eval'"
    NONCE = "<CSP_NONCE_SENTINEL>"


_NOTHING: frozenset[str] = frozenset()
_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
_REFERRER_POLICIES = frozenset(
    {
        "no-referrer",
        "no-referrer-when-downgrade",
        "origin",
        "origin-when-cross-origin",
        "same-origin",
        "strict-origin",
        "strict-origin-when-cross-origin",
        "unsafe-url",
    }
)
_COOP = frozenset({"same-origin", "same-origin-allow-popups", "unsafe-none"})


def _build_policy(policy: Mapping[str, Iterable[str] | str | bool] | str) -> str:
    """Serialize a policy dict (directive -> sources) the way Django 6.0 does."""
    if isinstance(policy, str):
        text = policy
    else:
        parts = []
        for directive, value in policy.items():
            if not directive or not _TOKEN.match(directive):
                raise ValueError(f"invalid CSP directive name {directive!r}")
            if value is None or value is False:
                continue
            if value is True:
                parts.append(directive)
                continue
            sources = [value] if isinstance(value, str) else list(value)
            parts.append(" ".join([directive, *sources]) if sources else directive)
        text = "; ".join(parts)
    if "\r" in text or "\n" in text:
        raise ValueError("a Content-Security-Policy must not contain line breaks")
    return text


def _is_secure(request: webob.Request, proxy_header: tuple[str, str] | None) -> bool:
    if proxy_header is not None:
        value = request.environ.get(proxy_header[0])
        if value is not None:
            return bool(value.split(",", 1)[0].strip() == proxy_header[1])
    return bool(request.environ.get("wsgi.url_scheme") == "https")


class SecurityMiddleware(BaseMiddleware):
    """Security headers on every response, and the optional HTTPS redirect.

    Options (Django setting in brackets, with Django's defaults):

    - ``hsts_seconds=0`` (``SECURE_HSTS_SECONDS``): send
      ``Strict-Transport-Security`` on HTTPS responses when > 0, with
      ``hsts_include_subdomains`` and ``hsts_preload``.
    - ``content_type_nosniff=True`` (``SECURE_CONTENT_TYPE_NOSNIFF``).
    - ``referrer_policy="same-origin"`` (``SECURE_REFERRER_POLICY``): a policy
      or a list of them, None to send none.
    - ``cross_origin_opener_policy="same-origin"``
      (``SECURE_CROSS_ORIGIN_OPENER_POLICY``), None to send none.
    - ``ssl_redirect=False``, ``ssl_host=None``, ``redirect_exempt=()``
      (``SECURE_SSL_REDIRECT``, ``SECURE_SSL_HOST``, ``SECURE_REDIRECT_EXEMPT``):
      redirect plain-HTTP requests to HTTPS (301), except paths (without the
      leading slash) matching a regex of ``redirect_exempt``. Put this
      middleware first (outermost), so its headers reach every response, and
      set ``ssl_host`` in production: without it the redirect goes to the
      request's own Host (never a malformed one), before
      ``AllowedHostsMiddleware`` (inside) has checked it.
    - ``secure_proxy_ssl_header=None`` (``SECURE_PROXY_SSL_HEADER``): an
      ``(environ key, value)`` pair such as ``("HTTP_X_FORWARDED_PROTO",
      "https")`` that marks a request as secure behind a trusted proxy.
    - ``csp=None``, ``csp_report_only=None`` (``SECURE_CSP``,
      ``SECURE_CSP_REPORT_ONLY``): a policy as a dict ``{"script-src":
      [CSP.SELF, CSP.NONCE]}`` or a string. When it uses ``CSP.NONCE``, a
      fresh nonce is stored in ``request.environ["manouche.csp_nonce"]`` for
      every request. A view that sets the header itself keeps its own.

    Headers the view already set are left alone.
    """

    def __init__(
        self,
        get_response: Handler,
        *,
        hsts_seconds: int = 0,
        hsts_include_subdomains: bool = False,
        hsts_preload: bool = False,
        content_type_nosniff: bool = True,
        referrer_policy: str | Sequence[str] | None = "same-origin",
        cross_origin_opener_policy: str | None = "same-origin",
        ssl_redirect: bool = False,
        ssl_host: str | None = None,
        redirect_exempt: Iterable[str] = (),
        secure_proxy_ssl_header: tuple[str, str] | None = None,
        csp: Mapping[str, Iterable[str] | str | bool] | str | None = None,
        csp_report_only: Mapping[str, Iterable[str] | str | bool] | str | None = None,
    ) -> None:
        super().__init__(get_response)
        if not isinstance(hsts_seconds, int) or hsts_seconds < 0:
            raise ValueError(f"hsts_seconds must be an int >= 0, got {hsts_seconds!r}")
        if ssl_host is not None and ("/" in ssl_host or not ssl_host.strip()):
            raise ValueError(f"ssl_host must be a host[:port], got {ssl_host!r}")
        if secure_proxy_ssl_header is not None and (
            len(secure_proxy_ssl_header) != 2
            or not all(isinstance(x, str) for x in secure_proxy_ssl_header)
        ):
            raise ValueError("secure_proxy_ssl_header must be a (environ key, value) pair")
        self.ssl_redirect = ssl_redirect
        self.ssl_host = ssl_host
        self.redirect_exempt = [re.compile(r) for r in redirect_exempt]
        self.proxy_header = secure_proxy_ssl_header

        # Headers sent on every response, as (lower-case name, name, value).
        static: list[tuple[str, str, str]] = []
        if content_type_nosniff:
            static.append(("x-content-type-options", "X-Content-Type-Options", "nosniff"))
        if referrer_policy:
            policies = (
                [p.strip() for p in referrer_policy.split(",")]
                if isinstance(referrer_policy, str)
                else [p.strip() for p in referrer_policy]
            )
            for p in policies:
                if p not in _REFERRER_POLICIES:
                    raise ValueError(f"unknown Referrer-Policy {p!r}")
            static.append(("referrer-policy", "Referrer-Policy", ",".join(policies)))
        if cross_origin_opener_policy:
            if cross_origin_opener_policy not in _COOP:
                raise ValueError(
                    f"unknown Cross-Origin-Opener-Policy {cross_origin_opener_policy!r}"
                )
            static.append(
                (
                    "cross-origin-opener-policy",
                    "Cross-Origin-Opener-Policy",
                    cross_origin_opener_policy,
                )
            )
        self._static = static
        self._static_pairs = [(name, value) for _, name, value in static]
        self._hsts: tuple[str, str, str] | None = None
        if hsts_seconds:
            value = f"max-age={hsts_seconds}"
            if hsts_include_subdomains:
                value += "; includeSubDomains"
            if hsts_preload:
                value += "; preload"
            self._hsts = ("strict-transport-security", "Strict-Transport-Security", value)
        # CSP headers as (lower-case name, name, text split around the nonce).
        self._csp: list[tuple[str, str, list[str]]] = []
        for header, policy in (
            (CSP.HEADER_ENFORCE, csp),
            (CSP.HEADER_REPORT_ONLY, csp_report_only),
        ):
            if policy is None:
                continue
            text = _build_policy(policy)
            if text:
                self._csp.append((header.lower(), header, text.split(CSP.NONCE)))
        self._sizes = frozenset(
            len(name)
            for name in ["Strict-Transport-Security"]
            + [n for _, n, _ in self._static]
            + [n for _, n, _ in self._csp]
        )
        self._needs_nonce = any(len(parts) > 1 for _, _, parts in self._csp)

    def __call__(self, request: webob.Request) -> webob.Response:
        environ = request.environ
        response = None
        if self.ssl_redirect and not _is_secure(request, self.proxy_header):
            response = self._redirect(request)
        nonce = ""
        if self._needs_nonce:
            nonce = secrets.token_urlsafe(16)
            environ[CSP_NONCE_KEY] = nonce
        if response is None:
            response = self.get_response(request)
        headerlist = response.headerlist
        sizes = self._sizes  # lower-case only the names that could be ours
        present: frozenset[str] | set[str]
        for name, _ in headerlist:
            if len(name) in sizes:
                present = {name.lower() for name, _ in headerlist}
                break
        else:
            present = _NOTHING  # the common case: the view set none of our headers
        if present:
            for lname, name, value in self._static:
                if lname not in present:
                    headerlist.append((name, value))
        else:
            headerlist.extend(self._static_pairs)
        if self._hsts is not None and self._hsts[0] not in present:
            if _is_secure(request, self.proxy_header):
                headerlist.append(self._hsts[1:])
        for lname, name, parts in self._csp:
            if lname not in present:
                headerlist.append((name, f"'nonce-{nonce}'".join(parts) if nonce else parts[0]))
        return response

    def _redirect(self, request: webob.Request) -> webob.Response | None:
        """The HTTPS redirect, or None to let the inner layers answer.

        A malformed Host or path is not redirected: the inner layers refuse it
        (``AllowedHostsMiddleware``, the handler), with this middleware's headers.
        """
        environ = request.environ
        path = (environ.get("PATH_INFO") or "/").lstrip("/")
        if any(rx.search(path) for rx in self.redirect_exempt):
            return None
        host = self.ssl_host or request.host.removesuffix(":80")
        if not self.ssl_host and not split_domain_port(host)[0]:
            return None
        try:
            location = f"https://{host}{request.path_qs}"
        except (BadRequest, UnicodeError):
            return None
        return webob.Response(status=301, location=location)


def xframe_options_exempt(view: View) -> View:
    """Mark a view's responses as exempt from ``XFrameOptionsMiddleware``."""

    @functools.wraps(view)
    def wrapped(request: webob.Request, *args: object, **kwargs: object) -> webob.Response:
        response = view(request, *args, **kwargs)
        setattr(response, "xframe_options_exempt", True)  # noqa: B010 - an ad hoc attribute
        return response

    return wrapped


class XFrameOptionsMiddleware(BaseMiddleware):
    """``X-Frame-Options`` on every response (Django's, ``X_FRAME_OPTIONS``).

    ``value`` is ``"DENY"`` (the default, as Django) or ``"SAMEORIGIN"``. A
    response that already has the header, or whose view is decorated with
    :func:`xframe_options_exempt`, is left alone.
    """

    def __init__(self, get_response: Handler, *, value: str = "DENY") -> None:
        super().__init__(get_response)
        value = value.upper()
        if value not in ("DENY", "SAMEORIGIN"):
            raise ValueError(f"X-Frame-Options must be DENY or SAMEORIGIN, got {value!r}")
        self.value = value

    def __call__(self, request: webob.Request) -> webob.Response:
        response = self.get_response(request)
        if getattr(response, "xframe_options_exempt", False):
            return response
        if "x-frame-options" not in header_names(response):
            response.headerlist.append(("X-Frame-Options", self.value))
        return response

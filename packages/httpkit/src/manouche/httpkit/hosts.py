"""``AllowedHostsMiddleware``: reject requests for hosts the site does not serve.

Django validates the ``Host`` header in ``request.get_host()`` against
``ALLOWED_HOSTS``; here a middleware does it, with Django's rules:

- a pattern is a domain (``"example.com"``), a wildcard of a domain and all
  its subdomains (``".example.com"``) or ``"*"`` (anything);
- the port is ignored when matching, a trailing dot is dropped, matching is
  case-insensitive, IPv6 literals are written in brackets (``"[::1]"``);
- a malformed header (bad characters, a bad port) never matches.

A request that fails gets a 400 (a ``DisallowedHost``, logged to
``manouche.httpkit.security``), never a 500. Put this middleware first: the
HTTPS redirect and ``CommonMiddleware`` build URLs from the host.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

import webob

from manouche.httpkit._base import BaseMiddleware
from manouche.httpkit.exceptions import DisallowedHost

if TYPE_CHECKING:
    from manouche.httpkit.types import Handler

__all__ = [
    "AllowedHostsMiddleware",
    "get_host",
    "is_same_domain",
    "split_domain_port",
    "validate_host",
]

_HOST_VALIDATION = re.compile(r"^([a-z0-9.-]+|\[[a-f0-9]*:[a-f0-9.:]+\])(?::([0-9]+))?$")
#: Django's defaults when ``DEBUG`` is on and ``ALLOWED_HOSTS`` is empty.
LOCAL_HOSTS = (".localhost", "127.0.0.1", "[::1]")


def split_domain_port(host: str) -> tuple[str, str]:
    """``(domain, port)`` of a Host value, lower-cased; ``("", "")`` when malformed.

    A trailing dot of the domain is dropped; an IPv6 literal keeps its brackets.
    """
    match = _HOST_VALIDATION.fullmatch(host.lower())
    if not match:
        return "", ""
    domain, port = match.group(1), match.group(2) or ""
    return domain.removesuffix("."), port


def is_same_domain(host: str, pattern: str) -> bool:
    """Whether ``host`` matches ``pattern`` (``".example.com"`` matches subdomains)."""
    if not pattern:
        return False
    pattern = pattern.lower()
    return pattern[0] == "." and (host.endswith(pattern) or host == pattern[1:]) or pattern == host


def validate_host(host: str, allowed_hosts: Iterable[str]) -> bool:
    """Whether the domain ``host`` (no port) matches one of ``allowed_hosts``."""
    return any(pattern == "*" or is_same_domain(host, pattern) for pattern in allowed_hosts)


def get_host(environ: dict[str, object], use_x_forwarded_host: bool = False) -> str:
    """The raw host of a request, as Django's ``HttpRequest._get_raw_host``."""
    forwarded = environ.get("HTTP_X_FORWARDED_HOST")
    if use_x_forwarded_host and isinstance(forwarded, str):
        return forwarded
    host = environ.get("HTTP_HOST")
    if isinstance(host, str):
        return host
    name = str(environ.get("SERVER_NAME", ""))
    port = str(environ.get("SERVER_PORT", ""))
    default = "443" if environ.get("wsgi.url_scheme") == "https" else "80"
    return f"{name}:{port}" if port and port != default else name


class AllowedHostsMiddleware(BaseMiddleware):
    """Answer 400 to requests whose Host is not allowed (Django's ``ALLOWED_HOSTS``).

    Options: ``allowed_hosts`` (default ``(".localhost", "127.0.0.1",
    "[::1]")``, what Django allows in debug mode), ``use_x_forwarded_host=False``
    (``USE_X_FORWARDED_HOST``: validate ``X-Forwarded-Host`` instead, only
    behind a proxy that sets it).
    """

    def __init__(
        self,
        get_response: Handler,
        *,
        allowed_hosts: Iterable[str] = LOCAL_HOSTS,
        use_x_forwarded_host: bool = False,
    ) -> None:
        super().__init__(get_response)
        if isinstance(allowed_hosts, str):
            raise TypeError("allowed_hosts must be a list of host patterns, not a string")
        self.allowed_hosts = tuple(h.lower() for h in allowed_hosts)
        for pattern in self.allowed_hosts:
            if not isinstance(pattern, str) or not pattern:
                raise ValueError(f"invalid allowed host pattern {pattern!r}")
        self.use_x_forwarded_host = use_x_forwarded_host
        self._exact = frozenset(h for h in self.allowed_hosts if h[0] != "." and h != "*")
        self._any = "*" in self.allowed_hosts

    def check(self, environ: dict[str, object]) -> str:
        """The validated raw host of a request; raises ``DisallowedHost``."""
        host = get_host(environ, self.use_x_forwarded_host)
        domain, _port = split_domain_port(host)
        if domain and (self._any or domain in self._exact):
            return host
        if domain and validate_host(domain, self.allowed_hosts):
            return host
        if domain:
            raise DisallowedHost(
                f"Invalid HTTP_HOST header: {host!r}. It is not allowed: add {domain!r} to "
                "allowed_hosts (AllowedHostsMiddleware.configure(allowed_hosts=[...]))."
            )
        raise DisallowedHost(f"Invalid HTTP_HOST header: {host!r}. It is malformed.")

    def __call__(self, request: webob.Request) -> webob.Response:
        self.check(request.environ)
        return self.get_response(request)

"""Safe redirects: ``url_has_allowed_host_and_scheme`` (no open redirect through ``next``)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from urllib.parse import urlsplit

__all__ = ["MAX_URL_LENGTH", "get_safe_redirect", "url_has_allowed_host_and_scheme"]

MAX_URL_LENGTH = 2048


def _allowed(url: str, allowed_hosts: set[str], require_https: bool) -> bool:
    # Browsers take three or more slashes as an absolute URL; urlsplit does not.
    if url.startswith("///") or len(url) > MAX_URL_LENGTH:
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    # "http:///evil.com": a scheme without a host; browsers find the host anyway.
    if not parts.netloc and parts.scheme:
        return False
    # Browsers skip leading control characters ("\x08//evil.com").
    if unicodedata.category(url[0])[0] == "C":
        return False
    scheme = parts.scheme
    if not scheme and parts.netloc:
        scheme = "http"
    valid = ("https",) if require_https else ("http", "https")
    return (not parts.netloc or parts.netloc in allowed_hosts) and (not scheme or scheme in valid)


def url_has_allowed_host_and_scheme(
    url: str | None, allowed_hosts: str | Iterable[str] | None, require_https: bool = False
) -> bool:
    """Whether ``url`` stays on ``allowed_hosts`` with an http(s) scheme (Django's check).

    A relative URL ("/polls/") is allowed; ``//evil.com``, ``https://evil.com``,
    ``javascript:...``, ``/\\evil.com`` and their browser-quirk spellings are not.
    """
    if url is not None:
        url = url.strip()
    if not url:
        return False
    if allowed_hosts is None:
        hosts: set[str] = set()
    elif isinstance(allowed_hosts, str):
        hosts = {allowed_hosts}
    else:
        hosts = set(allowed_hosts)
    # Chrome reads "\" as "/" in paths, but it may be part of credentials: check both.
    return _allowed(url, hosts, require_https) and _allowed(
        url.replace("\\", "/"), hosts, require_https
    )


def get_safe_redirect(
    url: str | None,
    allowed_hosts: str | Iterable[str] | None,
    default: str = "/",
    *,
    require_https: bool = False,
) -> str:
    """``url`` when it is safe to redirect to, else ``default``."""
    if url is not None and url_has_allowed_host_and_scheme(url, allowed_hosts, require_https):
        return url.strip()
    return default

"""``CommonMiddleware``: Django's URL normalisation, by arguments.

- ``append_slash=True`` (``APPEND_SLASH``): a GET or HEAD request for a path
  without a trailing slash that answers 404 is redirected (301) to the same
  path with a slash, query string kept, when that path exists. Whether it
  exists is asked of ``is_valid_path(path) -> bool`` (a router's resolver, for
  instance ``lambda p: router.match(p) is not None``); without one the
  slashed path is tried against the inner handler (a GET, which must be safe);
  it exists when that answers neither 404 nor a 5xx.
  POST and other methods are never redirected (the body would be lost).
- ``prepend_www=False`` (``PREPEND_WWW``): redirect ``example.com`` to
  ``www.example.com``.
- ``disallowed_user_agents=()`` (``DISALLOWED_USER_AGENTS``): regexes of
  ``User-Agent`` values answered with 403.

Redirect targets never start with ``//`` (a path like ``//evil.example``
would be a protocol-relative URL, an open redirect; Django fixed the same
in CVE-2018-14574).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING
from urllib.parse import quote

import webob

from manouche.httpkit._base import BaseMiddleware
from manouche.httpkit.exceptions import PermissionDenied

if TYPE_CHECKING:
    from manouche.httpkit.types import Handler

__all__ = ["CommonMiddleware"]

_SAFE_PATH_CHARS = "/~!$&'()*+,;=:@-._"


def _escape_path(path: str) -> str:
    """Percent-encode a decoded path for a Location header (Django's ``escape_uri_path``)."""
    escaped = quote(path.encode("utf-8"), safe=_SAFE_PATH_CHARS)
    if escaped.startswith("//"):
        escaped = "/%2F" + escaped[2:]
    return escaped


class CommonMiddleware(BaseMiddleware):
    """Append-slash and www redirects, disallowed user agents (Django's ``CommonMiddleware``)."""

    def __init__(
        self,
        get_response: Handler,
        *,
        append_slash: bool = True,
        prepend_www: bool = False,
        disallowed_user_agents: Iterable[str | re.Pattern[str]] = (),
        is_valid_path: Callable[[str], bool] | None = None,
    ) -> None:
        super().__init__(get_response)
        if is_valid_path is not None and not callable(is_valid_path):
            raise TypeError("is_valid_path must be a callable taking a path")
        self.append_slash = append_slash
        self.prepend_www = prepend_www
        self.disallowed_user_agents = [re.compile(p) for p in disallowed_user_agents]
        self.is_valid_path = is_valid_path

    def _full_path(self, request: webob.Request, path: str) -> str:
        environ = request.environ
        script = environ.get("SCRIPT_NAME", "")
        location = _escape_path(script.encode("latin-1").decode("utf-8", "replace") + path)
        query = environ.get("QUERY_STRING")
        if query:
            location += "?" + query
        return location

    def __call__(self, request: webob.Request) -> webob.Response:
        environ = request.environ
        if self.disallowed_user_agents:
            agent = environ.get("HTTP_USER_AGENT")
            if agent and any(rx.search(agent) for rx in self.disallowed_user_agents):
                raise PermissionDenied("Forbidden user agent")
        if self.prepend_www:
            host = request.host
            if host and not host.startswith("www."):
                path = request.path_info
                if self.append_slash and not path.endswith("/") and self._slash_exists(request):
                    path += "/"
                location = f"{request.scheme}://www.{host}{self._full_path(request, path)}"
                return webob.Response(status=301, location=location)
        response = self.get_response(request)
        if (
            self.append_slash
            and response.status.startswith("404")
            and environ.get("REQUEST_METHOD") in ("GET", "HEAD")
        ):
            path = request.path_info
            if not path.endswith("/") and self._slash_exists(request):
                return webob.Response(status=301, location=self._full_path(request, path + "/"))
        return response

    def _slash_exists(self, request: webob.Request) -> bool:
        slashed = request.path_info + "/"
        if self.is_valid_path is not None:
            return bool(self.is_valid_path(slashed))
        environ = dict(request.environ)
        environ["PATH_INFO"] = environ.get("PATH_INFO", "") + "/"
        environ["REQUEST_METHOD"] = "GET"
        probe = self.get_response(type(request)(environ))
        close = getattr(probe.app_iter, "close", None)
        if close is not None:
            close()
        # A slashed path that fails (5xx) or is not there does not exist: never
        # redirect a client to an error. 4xx other than 404 (a 405 for a POST-only
        # URL, a 403) mean the URL exists, as Django's resolver would say.
        return probe.status_code != 404 and probe.status_code < 500

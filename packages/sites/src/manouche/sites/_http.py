"""Small request and response helpers shared by the redirects and flat pages."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import webob

GetResponse = Callable[[webob.Request], webob.Response]

# Django's escape_uri_path and iri_to_uri: what stays unquoted.
_PATH_SAFE = "/:@&+$,-_.!~*'()"
_IRI_SAFE = "/#%[]=:;$&()+,!?*@'~"
_ALLOWED_SCHEMES = frozenset({"http", "https", "ftp"})


def request_path(request: webob.Request) -> str:
    """Django's ``request.path``: the script name and path info, percent-decoded."""
    return _decode(request.environ.get("SCRIPT_NAME", "")) + path_info(request)


def path_info(request: webob.Request) -> str:
    """The path info as text; bytes that are not UTF-8 stay percent-encoded.

    WebOb's ``request.path_info`` raises ``UnicodeDecodeError`` on such a
    path (a 500); Django re-percent-encodes the broken bytes
    (``repercent_broken_unicode``), and so do we.
    """
    return _decode(request.environ.get("PATH_INFO", ""))


def _decode(wsgi_text: str) -> str:
    raw = wsgi_text.encode("latin-1", "replace")
    parts = []
    while True:
        try:
            parts.append(raw.decode("utf-8"))
            return "".join(parts)
        except UnicodeDecodeError as exc:
            parts.append(raw[: exc.start].decode("utf-8"))
            parts.append(quote(raw[exc.start : exc.end], safe=""))
            raw = raw[exc.end :]


def full_path(request: webob.Request, force_append_slash: bool = False) -> str:
    """Django's ``request.get_full_path()``: the quoted path and the query string."""
    path = request_path(request)
    slash = "/" if force_append_slash and not path.endswith("/") else ""
    query = request.environ.get("QUERY_STRING", "")
    return quote(path, safe=_PATH_SAFE) + slash + ("?" + iri_to_uri(query) if query else "")


def iri_to_uri(iri: str) -> str:
    """Django's ``iri_to_uri``: non-ASCII and unsafe characters percent-encoded."""
    return quote(iri, safe=_IRI_SAFE)


def redirect(location: str, status: int) -> webob.Response:
    """A redirect to ``location`` (301 or 302), as Django's ``HttpResponseRedirectBase``.

    A location with a scheme other than http, https or ftp (``javascript:``,
    ``data:``) is refused with a 400 response, where Django raises
    ``DisallowedRedirect`` (also answered with a 400).
    """
    uri = iri_to_uri(location)
    scheme = urlsplit(uri).scheme
    if scheme and scheme.lower() not in _ALLOWED_SCHEMES:
        return bad_request(f"Unsafe redirect to URL with protocol {scheme!r}")
    response = webob.Response(status=status, content_type="text/html", charset="utf-8")
    response.headers["Location"] = uri
    return response


def bad_request(message: str) -> webob.Response:
    return webob.Response(
        status=400, body=message.encode(), content_type="text/plain", charset="utf-8"
    )


def not_found() -> webob.Response:
    return webob.Response(
        status=404, body=b"<h1>Not Found</h1>", content_type="text/html", charset="utf-8"
    )


def redirect_to_login(next_url: str, login_url: str, field_name: str = "next") -> webob.Response:
    """Django's ``redirect_to_login``: a 302 to ``login_url`` with ``?next=<path>``."""
    parts = list(urlsplit(login_url))
    query = parts[3]
    pairs = [pair for pair in parse_qsl(query, keep_blank_values=True) if pair[0] != field_name]
    pairs.append((field_name, next_url))
    parts[3] = urlencode(pairs, safe="/")
    return redirect(urlunsplit(parts), 302)

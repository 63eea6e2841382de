"""``GZipMiddleware``: gzip response bodies for clients that accept it.

Like Django's: bodies under ``min_length`` (200 bytes) are left alone, as are
responses that already have a ``Content-Encoding``, and the compressed body
is used only when it is shorter. Unlike Django, streamed responses (files,
generators) are never compressed: they pass through untouched, so a large
download is not buffered. ``Vary: Accept-Encoding`` is added to every
response the middleware could have compressed, a strong ``ETag`` becomes weak
(the bytes changed), and as Django 4.2+ the gzip header carries a random
amount of padding as a mitigation of the BREACH attack.
"""

from __future__ import annotations

import gzip
import io
import re
import secrets
from typing import TYPE_CHECKING

import webob

from manouche.httpkit._base import BaseMiddleware, get_header, is_streaming

if TYPE_CHECKING:
    from manouche.httpkit.types import Handler

__all__ = ["GZipMiddleware", "compress_string", "patch_vary_headers"]

_ACCEPTS_GZIP = re.compile(r"\bgzip\b")


def compress_string(data: bytes, *, max_random_bytes: int = 100, level: int = 6) -> bytes:
    """Gzip ``data`` with a random-length file name of up to ``max_random_bytes``.

    The random padding makes the compressed length vary between identical
    responses, which defeats length-based attacks such as BREACH.
    """
    buf = io.BytesIO()
    name = ""
    if max_random_bytes:
        name = secrets.token_hex(max_random_bytes)[: secrets.randbelow(max_random_bytes + 1)]
    with gzip.GzipFile(filename=name, mode="wb", compresslevel=level, fileobj=buf, mtime=0) as f:
        f.write(data)
    return buf.getvalue()


def patch_vary_headers(response: webob.Response, newheaders: list[str]) -> None:
    """Add header names to ``Vary`` unless present (Django's ``patch_vary_headers``)."""
    current = get_header(response, "Vary")
    values = [v.strip() for v in current.split(",")] if current else []
    if "*" in values:
        return
    existing = {v.lower() for v in values}
    added = [h for h in newheaders if h.lower() not in existing]
    if not added:
        return
    merged = ", ".join(values + added)
    response.headerlist = [(k, v) for k, v in response.headerlist if k.lower() != "vary"]
    response.headerlist.append(("Vary", merged))


class GZipMiddleware(BaseMiddleware):
    """Compress non-streamed bodies of ``min_length`` bytes or more with gzip.

    Options: ``min_length=200``, ``compresslevel=6``, ``max_random_bytes=100``
    (BREACH padding, 0 to turn it off).
    """

    def __init__(
        self,
        get_response: Handler,
        *,
        min_length: int = 200,
        compresslevel: int = 6,
        max_random_bytes: int = 100,
    ) -> None:
        super().__init__(get_response)
        if min_length < 0:
            raise ValueError("min_length must be >= 0")
        if not 0 <= compresslevel <= 9:
            raise ValueError("compresslevel must be between 0 and 9")
        if max_random_bytes < 0:
            raise ValueError("max_random_bytes must be >= 0")
        self.min_length = min_length
        self.compresslevel = compresslevel
        self.max_random_bytes = max_random_bytes

    def __call__(self, request: webob.Request) -> webob.Response:
        response = self.get_response(request)
        if is_streaming(response) or get_header(response, "Content-Encoding") is not None:
            return response
        body = b"".join(response.app_iter)
        if len(body) < self.min_length:
            return response
        patch_vary_headers(response, ["Accept-Encoding"])
        if not _ACCEPTS_GZIP.search(request.environ.get("HTTP_ACCEPT_ENCODING", "")):
            return response
        compressed = compress_string(
            body, max_random_bytes=self.max_random_bytes, level=self.compresslevel
        )
        if len(compressed) >= len(body):
            return response
        response.body = compressed
        etag = get_header(response, "ETag")
        if etag is not None and etag.startswith('"'):
            response.headerlist = [(k, v) for k, v in response.headerlist if k.lower() != "etag"]
            response.headerlist.append(("ETag", "W/" + etag))
        response.headerlist.append(("Content-Encoding", "gzip"))
        return response

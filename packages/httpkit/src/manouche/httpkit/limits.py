"""``RequestBodyLimitMiddleware``: refuse request bodies over a size limit (413).

Django caps bodies with ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (2.5 MiB by default)
and raises ``RequestDataTooBig`` when ``request.body`` is read. Here the limit
is enforced before the view runs: a ``Content-Length`` over the limit is
answered with 413 at once, a malformed one with 400, and a body without a
length (chunked) is read through a stream that raises ``RequestDataTooBig``
(a 413) as soon as it passes the limit, so nothing buffers more than the
limit allows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import webob

from manouche.httpkit._base import BaseMiddleware
from manouche.httpkit.exceptions import BadRequest, RequestDataTooBig

if TYPE_CHECKING:
    from manouche.httpkit.types import Handler

__all__ = ["DEFAULT_MAX_BODY_SIZE", "LimitedStream", "RequestBodyLimitMiddleware"]

#: Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` default: 2.5 MiB.
DEFAULT_MAX_BODY_SIZE = 2_621_440


class _Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...


class LimitedStream:
    """A read-only stream that raises ``RequestDataTooBig`` past ``limit`` bytes."""

    def __init__(self, stream: _Readable, limit: int) -> None:
        self._stream = stream
        self._limit = limit
        self._read = 0

    def _count(self, data: bytes) -> bytes:
        self._read += len(data)
        if self._read > self._limit:
            raise RequestDataTooBig(f"The request body is larger than {self._limit} bytes")
        return data

    def read(self, size: int = -1, /) -> bytes:
        if size is None or size < 0:
            # Never read an unbounded amount: one byte past the limit is enough to know.
            return self._count(self._stream.read(self._limit - self._read + 1))
        return self._count(self._stream.read(min(size, self._limit - self._read + 1)))

    def readline(self, size: int = -1, /) -> bytes:
        remaining = self._limit - self._read + 1
        size = remaining if size is None or size < 0 else min(size, remaining)
        readline = getattr(self._stream, "readline", None)
        if readline is None:
            return self.read(size)
        return self._count(readline(size))

    def __iter__(self) -> LimitedStream:
        return self

    def __next__(self) -> bytes:
        line = self.readline()
        if not line:
            raise StopIteration
        return line


class RequestBodyLimitMiddleware(BaseMiddleware):
    """Answer 413 to request bodies over ``max_body_size`` bytes (400 to a bad length).

    Options: ``max_body_size=2_621_440`` (Django's
    ``DATA_UPLOAD_MAX_MEMORY_SIZE``); None turns the check off.
    """

    def __init__(
        self, get_response: Handler, *, max_body_size: int | None = DEFAULT_MAX_BODY_SIZE
    ) -> None:
        super().__init__(get_response)
        if max_body_size is not None and (not isinstance(max_body_size, int) or max_body_size < 0):
            raise ValueError(f"max_body_size must be an int >= 0 or None, got {max_body_size!r}")
        self.max_body_size = max_body_size

    def __call__(self, request: webob.Request) -> webob.Response:
        limit = self.max_body_size
        if limit is None:
            return self.get_response(request)
        environ = request.environ
        length = environ.get("CONTENT_LENGTH")
        if length:
            if not length.isdigit() or not length.isascii():
                raise BadRequest(f"Malformed Content-Length header: {length!r}")
            if int(length) > limit:
                raise RequestDataTooBig(f"The request body is larger than {limit} bytes")
        elif "wsgi.input" in environ and (
            environ.get("wsgi.input_terminated") or environ.get("HTTP_TRANSFER_ENCODING")
        ):
            environ["wsgi.input"] = LimitedStream(environ["wsgi.input"], limit)
        return self.get_response(request)

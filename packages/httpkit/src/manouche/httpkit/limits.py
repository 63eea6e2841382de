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
from manouche.httpkit._i18n import gettext_noop
from manouche.httpkit.exceptions import MalformedRequest, RequestDataTooBig
from manouche.httpkit.request import (
    DEFAULT_MAX_NUMBER_FIELDS,
    DEFAULT_MAX_NUMBER_FILES,
    LIMITS_KEY,
)

if TYPE_CHECKING:
    from manouche.httpkit.types import Handler

__all__ = ["DEFAULT_MAX_BODY_SIZE", "LimitedStream", "RequestBodyLimitMiddleware"]

#: Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` default: 2.5 MiB.
DEFAULT_MAX_BODY_SIZE = 2_621_440


_TOO_BIG = gettext_noop("The request body is larger than %(limit)s bytes")


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
            raise RequestDataTooBig(_TOO_BIG, params={"limit": self._limit})
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

    Options (Django setting in brackets), None turns a check off:

    - ``max_body_size=2_621_440`` (``DATA_UPLOAD_MAX_MEMORY_SIZE``);
    - ``max_number_fields=1000`` (``DATA_UPLOAD_MAX_NUMBER_FIELDS``): fields
      of the query string, and of the form, each; more is a 400
      (``TooManyFieldsSent``) when the view reads ``request.GET``/``POST``;
    - ``max_number_files=100`` (``DATA_UPLOAD_MAX_NUMBER_FILES``): files of a
      multipart form; more is a 400 (``TooManyFilesSent``).

    The field and file limits apply to httpkit's :class:`~manouche.httpkit.Request`,
    which uses Django's defaults without this middleware.

    .. versionchanged:: 0.2
       ``max_number_fields`` and ``max_number_files``.
    """

    def __init__(
        self,
        get_response: Handler,
        *,
        max_body_size: int | None = DEFAULT_MAX_BODY_SIZE,
        max_number_fields: int | None = DEFAULT_MAX_NUMBER_FIELDS,
        max_number_files: int | None = DEFAULT_MAX_NUMBER_FILES,
    ) -> None:
        super().__init__(get_response)
        for name, value in (
            ("max_body_size", max_body_size),
            ("max_number_fields", max_number_fields),
            ("max_number_files", max_number_files),
        ):
            if value is not None and (
                not isinstance(value, int) or isinstance(value, bool) or value < 0
            ):
                raise ValueError(f"{name} must be an int >= 0 or None, got {value!r}")
        self.max_body_size = max_body_size
        self._limits = {
            "max_number_fields": max_number_fields,
            "max_number_files": max_number_files,
        }

    def __call__(self, request: webob.Request) -> webob.Response:
        environ = request.environ
        environ[LIMITS_KEY] = self._limits
        limit = self.max_body_size
        if limit is None:
            return self.get_response(request)
        length = environ.get("CONTENT_LENGTH")
        if length:
            if not length.isdigit() or not length.isascii():
                raise MalformedRequest(
                    gettext_noop("Malformed Content-Length header: %(value)s"),
                    params={"value": repr(length[:40])},
                )
            if int(length) > limit:
                raise RequestDataTooBig(_TOO_BIG, params={"limit": limit})
        elif "wsgi.input" in environ and (
            environ.get("wsgi.input_terminated") or environ.get("HTTP_TRANSFER_ENCODING")
        ):
            environ["wsgi.input"] = LimitedStream(environ["wsgi.input"], limit)
        return self.get_response(request)

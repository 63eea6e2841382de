"""Uploaded files from any WSGI toolkit, seen through one small class.

WebOb hands uploads over as ``cgi.FieldStorage`` objects (``filename``,
``file``, ``type``), Werkzeug and Flask as ``FileStorage`` (``filename``,
``stream``, ``mimetype``). :func:`wrap_upload` turns either, or an object
that already looks like Django's ``UploadedFile``, into :class:`UploadedFile`;
an empty file input (no file chosen) becomes ``None``.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import IO, Any

__all__ = ["UploadedFile", "wrap_upload"]


class UploadedFile:
    """An uploaded file: ``name``, ``size``, ``content_type`` and a binary ``file``."""

    DEFAULT_CHUNK_SIZE = 64 * 2**10

    def __init__(
        self,
        file: IO[bytes] | None,
        name: str | None,
        content_type: str | None = None,
        size: int | None = None,
        charset: str | None = None,
    ) -> None:
        self.file = file if file is not None else io.BytesIO(b"")
        self.name = name
        self.content_type = content_type
        self.charset = charset
        self._size = size

    @property
    def size(self) -> int:
        """The size in bytes, measured by seeking when the toolkit did not say."""
        if self._size is None:
            file = self.file
            try:
                position = file.tell()
                file.seek(0, io.SEEK_END)
                self._size = file.tell()
                file.seek(position)
            except (AttributeError, OSError, ValueError):
                data = file.read()
                self.file = io.BytesIO(data)
                self._size = len(data)
        return self._size

    def read(self, size: int = -1) -> bytes:
        return self.file.read(size)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self.file.seek(offset, whence)

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]:
        """Yield the content from the start in chunks of ``chunk_size`` bytes."""
        size = chunk_size or self.DEFAULT_CHUNK_SIZE
        try:
            self.file.seek(0)
        except (AttributeError, OSError, ValueError):
            pass
        while chunk := self.file.read(size):
            yield chunk

    def __bool__(self) -> bool:
        return bool(self.name)

    def __str__(self) -> str:
        return self.name or ""

    def __repr__(self) -> str:
        return f"<UploadedFile: {self.name} ({self.content_type})>"


def wrap_upload(value: Any) -> Any:
    """Return ``value`` as an :class:`UploadedFile`, ``None`` for "no file".

    Values that are not uploads of a known kind are returned unchanged, so that
    a field can reject them with its own message.
    """
    if value is None or isinstance(value, UploadedFile):
        return value
    if isinstance(value, (str, bytes)):
        return None if not value else value
    filename = getattr(value, "filename", None)
    if filename is not None or hasattr(value, "filename"):
        if not filename:
            return None
        stream = getattr(value, "stream", None)
        if stream is None:
            stream = getattr(value, "file", None)
        content_type = getattr(value, "mimetype", None) or getattr(value, "type", None)
        if content_type is None:
            content_type = getattr(value, "content_type", None)
        return UploadedFile(stream, str(filename), content_type)
    return value

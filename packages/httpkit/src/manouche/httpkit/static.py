"""Static files for development: ``StaticFiles`` and ``StaticMount``.

``StaticFiles(directory)`` serves the files under ``directory`` with
ETag, Last-Modified, Range and HEAD (WebOb's conditional responses). Paths are checked
before any file system access: NUL bytes, backslashes, ``..`` segments and
anything whose resolved path (symlinks followed) is outside the directory are
answered with 404, without saying why, and dot-files are never served.

``StaticMount(app, {"/static": "assets"})`` serves those prefixes and passes
every other request to ``app``. It is what ``manouche-serve --static`` uses;
in production let the web server or a CDN serve static files.
"""

from __future__ import annotations

import mimetypes
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import webob

if TYPE_CHECKING:
    from manouche.httpkit.types import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = ["DEFAULT_STATIC_HEADERS", "StaticFiles", "StaticMount"]

#: Headers on every response of :class:`StaticFiles`, errors included: what
#: ``SecurityMiddleware`` and ``XFrameOptionsMiddleware`` send by default (the
#: files are served outside the application's middleware).
DEFAULT_STATIC_HEADERS: tuple[tuple[str, str], ...] = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)


def _not_found(
    environ: WSGIEnvironment, start_response: StartResponse, headers: Sequence[tuple[str, str]]
) -> Iterable[bytes]:
    body = b"Not Found"
    start_response(
        "404 Not Found",
        [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Length", str(len(body))),
            *headers,
        ],
    )
    return [body]


def _method_not_allowed(
    environ: WSGIEnvironment, start_response: StartResponse, headers: Sequence[tuple[str, str]]
) -> Iterable[bytes]:
    body = b"Method Not Allowed"
    start_response(
        "405 Method Not Allowed",
        [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Length", str(len(body))),
            ("Allow", "GET, HEAD"),
            *headers,
        ],
    )
    return [body]


class StaticFiles:
    """A WSGI app serving the files of ``directory`` (``index.html`` for folders).

    ``headers`` are added to every response (:data:`DEFAULT_STATIC_HEADERS`).

    .. versionchanged:: 0.2
       ``headers``: security headers on files and on the 404/405 pages.
    """

    def __init__(
        self,
        directory: str | os.PathLike[str],
        *,
        index: str | None = "index.html",
        headers: Sequence[tuple[str, str]] = DEFAULT_STATIC_HEADERS,
    ):
        root = Path(directory).resolve()
        if not root.is_dir():
            raise ValueError(f"static directory {str(directory)!r} does not exist")
        self.root = root
        self.index = index
        self.headers = [(str(name), str(value)) for name, value in headers]

    def resolve(self, path_info: str) -> Path | None:
        """The file a request path names, or None when it is not a servable file."""
        try:
            path = path_info.encode("latin-1").decode("utf-8")
        except UnicodeError:
            return None
        if "\x00" in path or "\\" in path:
            return None
        parts = [p for p in path.split("/") if p]
        if any(p in (".", "..") or p.startswith(".") for p in parts):
            return None
        candidate = self.root.joinpath(*parts)
        try:
            resolved = candidate.resolve(strict=True)
        except (OSError, RuntimeError):
            return None
        if not resolved.is_relative_to(self.root):
            return None
        if resolved.is_dir():
            if not self.index:
                return None
            resolved = resolved / self.index
        return resolved if resolved.is_file() else None

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return _method_not_allowed(environ, start_response, self.headers)
        path = self.resolve(environ.get("PATH_INFO", ""))
        if path is None:
            return _not_found(environ, start_response, self.headers)
        return _file_response(path, environ, start_response, self.headers)


class _FileIterator:
    """Reads a file in blocks and closes it when the server closes the body."""

    def __init__(self, path: Path, block_size: int = 1 << 16) -> None:
        self._file = path.open("rb")
        self._block_size = block_size

    def __iter__(self) -> _FileIterator:
        return self

    def __next__(self) -> bytes:
        data = self._file.read(self._block_size)
        if not data:
            raise StopIteration
        return data

    def close(self) -> None:
        self._file.close()


def _file_response(
    path: Path,
    environ: WSGIEnvironment,
    start_response: StartResponse,
    headers: Sequence[tuple[str, str]],
) -> Iterable[bytes]:
    stat = path.stat()
    content_type, encoding = mimetypes.guess_type(path.name)
    response = webob.Response(
        content_type=content_type or "application/octet-stream", conditional_response=True
    )
    if environ["REQUEST_METHOD"] == "HEAD":
        response.app_iter = []
    else:
        response.app_iter = _FileIterator(path)
    response.content_length = stat.st_size
    if encoding:
        response.content_encoding = encoding
    response.last_modified = stat.st_mtime
    response.etag = f"{stat.st_mtime_ns:x}-{stat.st_size:x}"
    response.accept_ranges = "bytes"
    response.headerlist.extend(headers)
    return response(environ, start_response)


class StaticMount:
    """Serve static directories under URL prefixes and pass the rest to ``app``.

    ``headers`` go on every static response (:data:`DEFAULT_STATIC_HEADERS`).
    """

    def __init__(
        self,
        app: WSGIApplication,
        mounts: Mapping[str, str | os.PathLike[str]],
        *,
        headers: Sequence[tuple[str, str]] = DEFAULT_STATIC_HEADERS,
    ) -> None:
        self.app = app
        self.mounts: list[tuple[str, StaticFiles]] = []
        for prefix, directory in mounts.items():
            if not prefix.startswith("/"):
                raise ValueError(f"a static prefix must start with '/', got {prefix!r}")
            self.mounts.append((prefix.rstrip("/"), StaticFiles(directory, headers=headers)))
        # Longest prefix first, so /static/admin wins over /static.
        self.mounts.sort(key=lambda item: len(item[0]), reverse=True)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        for prefix, files in self.mounts:
            if path == prefix or path.startswith(prefix + "/") or not prefix:
                inner = dict(environ)
                inner["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + prefix
                inner["PATH_INFO"] = path[len(prefix) :] or "/"
                return files(inner, start_response)
        return self.app(environ, start_response)

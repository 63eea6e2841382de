"""Static files: ``StaticFiles`` and ``StaticMount``.

``StaticFiles(directory)`` serves the files under ``directory`` with
ETag, Last-Modified and 304s, single byte ranges (206, 416 when unsatisfiable;
a malformed or multi-range ``Range`` is ignored and the whole file sent) and
HEAD. Paths are checked before any file system access: NUL bytes,
backslashes, ``..`` segments and anything whose resolved path (symlinks
followed) is outside the directory are answered with 404, without saying
why, and dot-files are never served.

Served from a folder filled by :func:`~manouche.httpkit.collectstatic.collectstatic`,
it also reads the manifest ``staticfiles.json``: the hashed names get
``Cache-Control: max-age=31536000, public, immutable`` (their content never
changes under that name) and are answered from a cache of their headers; a
precompressed ``.br`` or ``.gz`` copy beside a file is sent when the client's
``Accept-Encoding`` takes it, with ``Vary: Accept-Encoding``.

``StaticMount(app, {"/static": "assets"})`` serves those prefixes and passes
every other request to ``app``. It is what ``manouche-serve --static`` uses.
"""

from __future__ import annotations

import json
import mimetypes
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    from manouche.httpkit.types import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = [
    "DEFAULT_STATIC_HEADERS",
    "IMMUTABLE_CACHE_CONTROL",
    "StaticFiles",
    "StaticMount",
    "parse_range",
]

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


#: ``Cache-Control`` of the hashed names listed in the manifest.
IMMUTABLE_CACHE_CONTROL = "max-age=31536000, public, immutable"
_MANIFEST_NAME = "staticfiles.json"
#: Precompressed copies, in order of preference at equal quality.
_CODINGS = (("br", ".br"), ("gzip", ".gz"))
#: Longer ``Range`` or ``Accept-Encoding`` headers are not parsed (a range of
#: a file never needs more than two 19-digit numbers).
_MAX_RANGE_HEADER = 100
_MAX_ACCEPT_ENCODING = 1000


def _accepted_codings(header: str) -> dict[str, float]:
    """``Accept-Encoding`` as coding → quality (a malformed quality counts as 0)."""
    accepted: dict[str, float] = {}
    if len(header) > _MAX_ACCEPT_ENCODING:
        return accepted
    for item in header.split(","):
        coding, _, params = item.partition(";")
        coding = coding.strip().lower()
        if not coding:
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value.strip())
                except ValueError:
                    quality = 0.0
                if not 0.0 <= quality <= 1.0:  # NaN too
                    quality = 0.0
        accepted[coding] = quality
    return accepted


def _choose_coding(header: str, available: Sequence[str]) -> str | None:
    """The best of ``available`` codings the client accepts, or None (identity)."""
    if not header or not available:
        return None
    accepted = _accepted_codings(header)
    star = accepted.get("*", 0.0)
    best: str | None = None
    best_quality = 0.0
    for coding in available:
        quality = accepted.get(coding, star)
        if quality > best_quality:
            best, best_quality = coding, quality
    return best


def parse_range(header: str, size: int) -> tuple[int, int] | None | bool:
    """One byte range of a ``size``-byte file: ``(first, last)`` inclusive.

    None when the header is to be ignored (not one well-formed byte range:
    the whole file is sent, RFC 9110 section 14.2), False when the range
    cannot be satisfied (416). Numbers are read only up to 19 digits and the
    header only up to 100 characters, so no header makes the parser work hard.
    """
    if len(header) > _MAX_RANGE_HEADER:
        return None
    unit, _, spec = header.partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None
    first_text, dash, last_text = spec.strip().partition("-")
    if not dash or len(first_text) > 19 or len(last_text) > 19:
        return None
    for text in (first_text, last_text):
        if text and not (text.isascii() and text.isdigit()):
            return None
    if not first_text:
        if not last_text:
            return None
        suffix = int(last_text)
        if suffix == 0 or size == 0:
            return False
        return max(size - suffix, 0), size - 1
    first = int(first_text)
    last = int(last_text) if last_text else size - 1
    if last_text and last < first:
        return None
    if first >= size:
        return False
    return first, min(last, size - 1)


@dataclass(frozen=True)
class _Variant:
    """One representation of a file: the file itself or a precompressed copy."""

    path: str
    coding: str | None
    size: int
    etag: str
    mtime: int
    last_modified: str


def _variant(path: Path, coding: str | None) -> _Variant:
    stat = path.stat()
    suffix = f"-{coding}" if coding else ""
    return _Variant(
        path=str(path),
        coding=coding,
        size=stat.st_size,
        etag=f'"{stat.st_mtime_ns:x}-{stat.st_size:x}{suffix}"',
        mtime=int(stat.st_mtime),
        last_modified=formatdate(stat.st_mtime, usegmt=True),
    )


@dataclass(frozen=True)
class _Entry:
    """What answering for one file needs, computed once for a hashed (immutable) name."""

    content_type: str
    identity: _Variant
    encoded: tuple[_Variant, ...]
    immutable: bool
    codings: tuple[str, ...]
    #: Per variant (by coding): the headers of a 304, and of a 200 without Content-Length.
    prepared: dict[str | None, tuple[list[tuple[str, str]], list[tuple[str, str]]]]
    #: Accept-Encoding header -> the variant chosen (bounded, see ``_pick``).
    choices: dict[str, _Variant] = field(default_factory=dict)


def _none_match(header: str, etag: str) -> bool:
    """``If-None-Match`` by weak comparison (RFC 9110 section 13.1.2)."""
    if header.strip() == "*":
        return True
    return any(tag.strip().removeprefix("W/") == etag for tag in header.split(","))


def _not_modified_since(header: str, mtime: int) -> bool:
    try:
        since = parsedate_to_datetime(header)
    except (TypeError, ValueError, IndexError):
        return False
    return since.tzinfo is not None and mtime <= since.timestamp()


class StaticFiles:
    """A WSGI app serving the files of ``directory`` (``index.html`` for folders).

    ``headers`` are added to every response (:data:`DEFAULT_STATIC_HEADERS`).
    With ``manifest=True`` (the default), a ``staticfiles.json`` in
    ``directory`` (written by ``collectstatic``) marks its hashed names
    immutable: far-future ``Cache-Control`` and headers computed once.

    .. versionchanged:: 0.2
       ``headers``: security headers on files and on the 404/405 pages;
       ``manifest``; precompressed copies by ``Accept-Encoding``; bounded
       ``Range`` parsing (a malformed header is ignored, never an error).
    """

    def __init__(
        self,
        directory: str | os.PathLike[str],
        *,
        index: str | None = "index.html",
        headers: Sequence[tuple[str, str]] = DEFAULT_STATIC_HEADERS,
        manifest: bool = True,
    ):
        root = Path(directory).resolve()
        if not root.is_dir():
            raise ValueError(f"static directory {str(directory)!r} does not exist")
        self.root = root
        self.index = index
        self.headers = [(str(name), str(value)) for name, value in headers]
        self.immutable: frozenset[str] = frozenset()
        manifest_path = root / _MANIFEST_NAME
        if manifest and manifest_path.is_file():
            try:
                paths = json.loads(manifest_path.read_text("utf-8")).get("paths", {})
            except (ValueError, AttributeError) as exc:
                raise ValueError(
                    f"{str(manifest_path)!r} is not a static manifest: {exc}"
                ) from None
            self.immutable = frozenset(str(v) for v in paths.values())
        # Entries of the hashed names, by their canonical PATH_INFO: bounded by the manifest.
        self._cache: dict[str, _Entry] = {}

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

    def _entry(self, path: Path) -> _Entry:
        content_type, encoding = mimetypes.guess_type(path.name)
        if (
            content_type
            and content_type.startswith("text/")
            or content_type
            in (
                "application/javascript",
                "application/json",
                "image/svg+xml",
            )
        ):
            content_type = f"{content_type}; charset=utf-8"
        encoded: list[_Variant] = []
        if encoding is None:
            for coding, suffix in _CODINGS:
                alternate = path.with_name(path.name + suffix)
                if alternate.is_file():
                    encoded.append(_variant(alternate, coding))
        relative = path.relative_to(self.root).as_posix()
        immutable = relative in self.immutable
        content_type = content_type or "application/octet-stream"
        identity = _variant(path, encoding)
        prepared = {}
        for variant in (identity, *encoded):
            validators = [
                ("ETag", variant.etag),
                ("Last-Modified", variant.last_modified),
                *self.headers,
            ]
            if immutable:
                validators.append(("Cache-Control", IMMUTABLE_CACHE_CONTROL))
            if encoded:
                validators.append(("Vary", "Accept-Encoding"))
            full = [*validators, ("Content-Type", content_type)]
            if variant.coding:
                full.append(("Content-Encoding", variant.coding))
            full.append(("Accept-Ranges", "bytes"))
            prepared[variant.coding] = (validators, full)
        return _Entry(
            content_type=content_type,
            identity=identity,
            encoded=tuple(encoded),
            immutable=immutable,
            codings=tuple(v.coding or "" for v in encoded),
            prepared=prepared,
        )

    def _pick(self, entry: _Entry, environ: WSGIEnvironment) -> _Variant:
        """The representation to send: a precompressed copy the client takes, or the file."""
        if not entry.encoded:
            return entry.identity
        header = environ.get("HTTP_ACCEPT_ENCODING", "")
        variant = entry.choices.get(header)
        if variant is None:
            chosen = _choose_coding(header, entry.codings)
            variant = entry.identity
            for candidate in entry.encoded:
                if candidate.coding == chosen:
                    variant = candidate
            if len(entry.choices) >= 64:  # bounded: the header is the client's to choose
                entry.choices.clear()
            entry.choices[header] = variant
        return variant

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD")
        if method not in ("GET", "HEAD"):
            return _method_not_allowed(environ, start_response, self.headers)
        path_info = environ.get("PATH_INFO", "")
        entry = self._cache.get(path_info)
        if entry is None:
            path = self.resolve(path_info)
            if path is None:
                return _not_found(environ, start_response, self.headers)
            try:
                entry = self._entry(path)
            except OSError:
                return _not_found(environ, start_response, self.headers)
            if entry.immutable and path_info == "/" + path.relative_to(self.root).as_posix():
                self._cache[path_info] = entry
        try:
            return self._respond(entry, environ, start_response)
        except FileNotFoundError:
            # Removed since it was cached (a new deploy): forget it, answer afresh.
            self._cache.pop(path_info, None)
            return _not_found(environ, start_response, self.headers)

    def _respond(
        self, entry: _Entry, environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        variant = self._pick(entry, environ)
        validators, full = entry.prepared[variant.coding]
        none_match = environ.get("HTTP_IF_NONE_MATCH")
        if none_match is not None:
            not_modified = none_match == variant.etag or _none_match(none_match, variant.etag)
        else:
            since = environ.get("HTTP_IF_MODIFIED_SINCE")
            not_modified = since is not None and _not_modified_since(since, variant.mtime)
        if not_modified:
            start_response("304 Not Modified", list(validators))
            return []
        headers = list(full)
        size = variant.size
        ranged = None
        range_header = environ.get("HTTP_RANGE")
        if range_header is not None and _range_applies(environ, variant):
            ranged = parse_range(range_header, size)
        if ranged is False:
            headers.append(("Content-Range", f"bytes */{size}"))
            headers.append(("Content-Length", "0"))
            start_response("416 Range Not Satisfiable", headers)
            return []
        handle = open(variant.path, "rb")  # noqa: SIM115 - closed by the body's close()
        if isinstance(ranged, tuple):
            first, last = ranged
            handle.seek(first)
            length = last - first + 1
            headers.append(("Content-Range", f"bytes {first}-{last}/{size}"))
            headers.append(("Content-Length", str(length)))
            start_response("206 Partial Content", headers)
            if environ["REQUEST_METHOD"] == "HEAD":
                handle.close()
                return []
            return _FileIterator(handle, length)
        headers.append(("Content-Length", str(size)))
        start_response("200 OK", headers)
        if environ["REQUEST_METHOD"] == "HEAD":
            handle.close()
            return []
        wrapper = environ.get("wsgi.file_wrapper")
        if wrapper is not None:
            return wrapper(handle, 1 << 16)  # type: ignore[no-any-return]
        return _FileIterator(handle, size)


def _range_applies(environ: WSGIEnvironment, variant: _Variant) -> bool:
    """``If-Range``: the range applies only if the validator still matches."""
    header = environ.get("HTTP_IF_RANGE")
    if header is None:
        return True
    if_range = str(header).strip()
    if if_range.startswith('"'):
        return if_range == variant.etag
    return if_range == variant.last_modified


class _FileIterator:
    """Reads ``remaining`` bytes of an open file in blocks; closes it when the server does."""

    def __init__(self, handle: BinaryIO, remaining: int, block_size: int = 1 << 16) -> None:
        self._file = handle
        self._remaining = remaining
        self._block_size = block_size

    def __iter__(self) -> _FileIterator:
        return self

    def __next__(self) -> bytes:
        if self._remaining <= 0:
            raise StopIteration
        data = self._file.read(min(self._block_size, self._remaining))
        if not data:
            raise StopIteration
        self._remaining -= len(data)
        return data

    def close(self) -> None:
        self._file.close()


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
                # A hashed name seen before: answered from its cached entry at once.
                entry = files._cache.get(path[len(prefix) :])
                if entry is not None and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
                    try:
                        return files._respond(entry, environ, start_response)
                    except FileNotFoundError:
                        files._cache.pop(path[len(prefix) :], None)
                # Moved in place for the call and put back after (cheaper than a
                # copy of the environ): the server's log still sees the full path.
                script_name = environ.get("SCRIPT_NAME", "")
                environ["SCRIPT_NAME"] = script_name + prefix
                environ["PATH_INFO"] = path[len(prefix) :] or "/"
                try:
                    return files(environ, start_response)
                finally:
                    environ["SCRIPT_NAME"] = script_name
                    environ["PATH_INFO"] = path
        return self.app(environ, start_response)

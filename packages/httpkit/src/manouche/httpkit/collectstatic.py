"""``collectstatic``: gather static folders into one directory, hashed, with a manifest.

``collectstatic(static_root, dirs=[...])`` copies the files of the app's
static folders and of every installed Manouche package's ``static/`` folder
into ``static_root`` (the first folder holding a name wins, as Django's
finders), then writes for each file a copy whose name carries the MD5 of its
content (``css/site.css`` → ``css/site.5f1c2a9b3e4d.css``) and the manifest
``staticfiles.json`` mapping one to the other. In CSS, ``url()``,
``@import`` and ``sourceMappingURL`` references (``sourceMappingURL`` in
JavaScript too) are rewritten to the hashed names, repeating until the names
settle: the names, the rewritten files and the manifest are those Django's
``ManifestStaticFilesStorage`` writes for the same files, so a Django site's
manifest reads here and the other way round.

Every written file that compresses well also gets precompressed ``.gz`` and,
when the ``brotli`` package is installed (``pip install
manouche-httpkit[brotli]``), ``.br`` copies, which :class:`StaticFiles
<manouche.httpkit.static.StaticFiles>` sends by ``Accept-Encoding``.

``StaticManifest(static_root, "/static/")`` answers ``static("css/site.css")``
with the hashed URL; pass it to tplkit's ``create_environment(static_url=...)``.

The same from a shell::

    manouche-collectstatic STATIC_ROOT DIR [DIR ...] [--static-url /static/] [--no-packages]

.. versionadded:: 0.2
"""

from __future__ import annotations

import argparse
import fnmatch
import gzip
import hashlib
import importlib
import json
import os
import posixpath
import re
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urldefrag, urlsplit, urlunsplit

__all__ = [
    "MANIFEST_NAME",
    "CollectResult",
    "CollectStaticError",
    "StaticManifest",
    "collectstatic",
    "find_package_static_dirs",
    "main",
]

#: The manifest's file name in ``static_root`` (Django's ``manifest_name``).
MANIFEST_NAME = "staticfiles.json"
_MANIFEST_VERSION = "1.1"
_MAX_PASSES = 5
#: Django's default ``ignore_patterns`` of collectstatic.
_IGNORE = ("CVS", ".*", "*~")
#: Already compressed formats: a gzip or brotli copy would not be smaller.
_NO_COMPRESS = frozenset(
    ".jpg .jpeg .png .gif .webp .avif .ico .zip .gz .tgz .bz2 .xz .br .zst .swf .flv "
    ".woff .woff2 .mp3 .mp4 .ogg .webm .m4a .m4v .mov .pdf .7z .rar".split()
)
_MIN_COMPRESS_SIZE = 200


class CollectStaticError(ValueError):
    """collectstatic could not finish: the message names the file and the problem."""


_SCHEME = re.compile(r"^[a-z]+:", re.IGNORECASE)
_DEFAULT_TEMPLATE = 'url("%(url)s")'
_PATTERNS: tuple[tuple[str, tuple[tuple[re.Pattern[str], str], ...]], ...] = (
    (
        "*.css",
        (
            (
                re.compile(
                    r"""(?P<matched>url\((?P<quote>['"]{0,1})\s*(?P<url>.*?)(?P=quote)\))""",
                    re.IGNORECASE,
                ),
                _DEFAULT_TEMPLATE,
            ),
            (
                re.compile(r"""(?P<matched>@import\s*["']\s*(?P<url>.*?)["'])""", re.IGNORECASE),
                '@import url("%(url)s")',
            ),
            (
                re.compile(
                    r"(?m)^(?P<matched>/\*#[ \t](?-i:sourceMappingURL)=(?P<url>.*)[ \t]*\*/)$",
                    re.IGNORECASE,
                ),
                "/*# sourceMappingURL=%(url)s */",
            ),
        ),
    ),
    (
        "*.js",
        (
            (
                re.compile(
                    r"(?m)^(?P<matched>//# (?-i:sourceMappingURL)=(?P<url>.*))$", re.IGNORECASE
                ),
                "//# sourceMappingURL=%(url)s",
            ),
        ),
    ),
)


def _ignored(name: str) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in _IGNORE)


def find_package_static_dirs() -> list[Path]:
    """The ``static/`` folders of the installed ``manouche.*`` packages, by package name."""
    try:
        namespace = importlib.import_module("manouche")
    except ImportError:  # pragma: no cover - httpkit itself lives there
        return []
    found: dict[str, Path] = {}
    for base in namespace.__path__:
        base_path = Path(base)
        if not base_path.is_dir():
            continue
        for child in base_path.iterdir():
            folder = child / "static"
            if (
                child.name not in found
                and not child.name.startswith((".", "_"))
                and folder.is_dir()
            ):
                found[child.name] = folder
    return [found[name] for name in sorted(found)]


def _walk(directory: Path) -> Iterable[tuple[str, Path]]:
    for root, dirnames, filenames in os.walk(directory):
        dirnames[:] = sorted(d for d in dirnames if not _ignored(d))
        rel = Path(root).relative_to(directory)
        for filename in sorted(filenames):
            if _ignored(filename):
                continue
            yield (rel / filename).as_posix().removeprefix("./"), Path(root) / filename


def _file_hash(data: bytes) -> str:
    return hashlib.md5(data, usedforsecurity=False).hexdigest()[:12]


def _hashed_name(name: str, data: bytes) -> str:
    """Django's ``hashed_name()``: ``dir/base.HASH.ext``, query and fragment kept."""
    parsed = urlsplit(unquote(name))
    clean = parsed.path.strip()
    folder, filename = posixpath.split(clean)
    root, ext = posixpath.splitext(filename)
    hashed = posixpath.join(folder, f"{root}.{_file_hash(data)}{ext}")
    parts = list(parsed)
    parts[2] = hashed
    if "?#" in name and not parts[3]:
        parts[2] += "?"
    return urlunsplit(parts)


class _Hasher:
    """The hashing and rewriting of Django's ``HashedFilesMixin``, in memory."""

    def __init__(self, sources: dict[str, Path], static_url: str) -> None:
        self.sources = sources
        self.static_url = static_url
        self._cache: dict[str, bytes] = {}
        self.hashed_files: dict[str, str] = {}
        self.outputs: dict[str, bytes] = {}

    def read(self, name: str) -> bytes:
        data = self._cache.get(name)
        if data is None:
            data = self.sources[name].read_bytes()
            self._cache[name] = data
        return data

    def _stored_name(self, name: str) -> str:
        name = posixpath.normpath(name)
        cached = self.hashed_files.get(name)
        if cached is not None:
            return cached
        clean = urlsplit(unquote(name)).path.strip()
        if clean not in self.sources:
            raise ValueError(f"The file '{clean}' could not be found")
        return _hashed_name(name, self.read(clean))

    def _url(self, name: str) -> str:
        clean, fragment = urldefrag(name)
        if urlsplit(clean).path.endswith("/"):
            hashed = name
        else:
            hashed = self._stored_name(clean)
        final = self.static_url + quote(hashed, safe="/~!*()'")
        if fragment or "?#" in name:
            parts = list(urlsplit(final))
            if fragment and not parts[4]:
                parts[4] = fragment
            if "?#" in name and not parts[3]:
                parts[2] += "?"
            final = urlunsplit(parts)
        return unquote(final)

    def converter(self, name: str, template: str) -> Callable[[re.Match[str]], str]:
        static_url = self.static_url

        def convert(match: re.Match[str]) -> str:
            groups = match.groupdict()
            matched = groups["matched"]
            url = groups["url"]
            # Any scheme, in any case (Django's test is lower case only, and
            # fails on "HTTPS://..." as on a missing file).
            if _SCHEME.match(url) or url.startswith("//"):
                return matched
            if url.startswith("/") and not url.startswith(static_url):
                return matched
            url_path, fragment = urldefrag(url)
            if not url_path:
                return matched
            if url_path.startswith("/"):
                target = url_path.removeprefix(static_url)
            else:
                target = posixpath.join(posixpath.dirname(name), url_path)
            hashed_url = self._url(unquote(target))
            transformed = "/".join(url_path.split("/")[:-1] + hashed_url.split("/")[-1:])
            if fragment:
                transformed += ("?#" if "?#" in url else "#") + fragment
            groups["url"] = unquote(transformed)
            return template % groups

        return convert

    def _pass(self, names: Sequence[str], adjustable: set[str]) -> list[str]:
        """One pass of Django's ``_post_process``; the names whose hash moved."""
        unresolved = []
        for name in sorted(names, key=lambda n: (-len(n.split("/")), n)):
            moved = True
            hashed = self.hashed_files.get(name)
            if name in adjustable:
                if hashed is None:
                    hashed = _hashed_name(name, self.read(name))
                old = hashed
                try:
                    content = self.read(name).decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise CollectStaticError(f"{name}: not UTF-8 text ({exc})") from None
                for pattern_glob, patterns in _PATTERNS:
                    if fnmatch.fnmatchcase(name, pattern_glob):
                        for pattern, template in patterns:
                            try:
                                content = pattern.sub(self.converter(name, template), content)
                            except ValueError as exc:
                                raise CollectStaticError(
                                    f"{name} refers to a file that was not collected: {exc}"
                                ) from None
                if old in self.outputs:
                    del self.outputs[old]
                data = content.encode()
                hashed = _hashed_name(name, data)
                self.outputs[hashed] = data
                if old == hashed:
                    moved = False
            elif hashed is None:
                hashed = _hashed_name(name, self.read(name))
            self.hashed_files[name] = hashed
            if moved:
                unresolved.append(name)
        return unresolved

    def run(self) -> None:
        names = list(self.sources)
        adjustable = {
            n for n in names if any(fnmatch.fnmatchcase(n, glob) for glob, _ in _PATTERNS)
        }
        self._pass(names, adjustable)
        unresolved: list[str] = []
        for _ in range(_MAX_PASSES):
            unresolved = self._pass(sorted(adjustable), adjustable)
            if not unresolved:
                break
        else:
            if unresolved:
                raise CollectStaticError(
                    "Max post-process passes exceeded (files that refer to each other "
                    f"in a cycle?): {', '.join(sorted(unresolved))}"
                )


@dataclass
class CollectResult:
    """What :func:`collectstatic` did."""

    #: Original name → hashed name, as in the manifest.
    manifest: dict[str, str] = field(default_factory=dict)
    #: Every file written under ``static_root`` (relative names), compressed copies included.
    written: list[str] = field(default_factory=list)


def _write(path: Path, data: bytes) -> None:
    """Write through a temporary file and a rename: a server never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _brotli() -> Any:
    try:
        return importlib.import_module("brotli")
    except ImportError:
        return None


def _compressed(name: str, data: bytes, encodings: Sequence[str]) -> list[tuple[str, bytes]]:
    if len(data) < _MIN_COMPRESS_SIZE or posixpath.splitext(name)[1].lower() in _NO_COMPRESS:
        return []
    out = []
    for encoding in encodings:
        if encoding == "gzip":
            packed = gzip.compress(data, compresslevel=9, mtime=0)
            suffix = ".gz"
        else:
            packed = _brotli().compress(data)
            suffix = ".br"
        # Worth it only when it saves at least 5 %, as WhiteNoise decides.
        if len(packed) < len(data) * 0.95:
            out.append((name + suffix, packed))
    return out


def collectstatic(
    static_root: str | os.PathLike[str],
    dirs: Iterable[str | os.PathLike[str]] = (),
    *,
    packages: bool = True,
    static_url: str = "/static/",
    hashed: bool = True,
    compress: Sequence[str] | None = None,
) -> CollectResult:
    """Collect ``dirs`` (then the installed packages' folders) into ``static_root``.

    :param static_root: the folder to fill (created when missing); what is
        already there stays, a file of the same name is replaced.
    :param dirs: the app's static folders, searched first (Django's
        ``STATICFILES_DIRS``).
    :param packages: also the ``static/`` folder of each installed
        ``manouche.*`` package (Django's ``AppDirectoriesFinder``).
    :param static_url: the URL the files are served under (Django's
        ``STATIC_URL``): absolute references starting with it are rewritten too.
    :param hashed: write the hashed copies and the manifest.
    :param compress: the precompressed copies to write: ``"gzip"`` and
        ``"br"``; by default gzip, and brotli when the ``brotli`` package is
        installed. Asking for ``"br"`` without it raises.
    :raises CollectStaticError: a CSS file refers to a missing file, a text
        file is not UTF-8, a folder is missing.
    """
    if not static_url.startswith("/") and "://" not in static_url:
        raise ValueError(f"static_url must be absolute or a full URL, got {static_url!r}")
    if not static_url.endswith("/"):
        raise ValueError(f"static_url must end with '/', got {static_url!r}")
    if compress is None:
        encodings: tuple[str, ...] = ("gzip", "br") if _brotli() is not None else ("gzip",)
    else:
        encodings = tuple(compress)
        unknown = sorted(set(encodings) - {"gzip", "br"})
        if unknown:
            raise ValueError(f"unknown compression {unknown[0]!r}: use 'gzip' or 'br'")
        if "br" in encodings and _brotli() is None:
            raise CollectStaticError(
                "brotli copies need the brotli package: pip install manouche-httpkit[brotli]"
            )
    root = Path(static_root)
    folders = [Path(d) for d in dirs]
    for folder in folders:
        if not folder.is_dir():
            raise CollectStaticError(f"static folder {str(folder)!r} does not exist")
    if packages:
        folders += find_package_static_dirs()
    resolved_root = root.resolve()
    sources: dict[str, Path] = {}
    for folder in folders:
        if folder.resolve() == resolved_root:
            raise CollectStaticError(f"static folder {str(folder)!r} is static_root itself")
        for name, path in _walk(folder):
            sources.setdefault(name, path)

    result = CollectResult()
    outputs: dict[str, bytes | Path] = dict(sources)
    if hashed:
        hasher = _Hasher(sources, static_url)
        hasher.run()
        result.manifest = dict(sorted(hasher.hashed_files.items()))
        for name, target in hasher.hashed_files.items():
            outputs[target] = hasher.outputs.get(target, sources[name])
    for name, content in outputs.items():
        data = content.read_bytes() if isinstance(content, Path) else content
        _write(root / name, data)
        result.written.append(name)
        for extra_name, packed in _compressed(name, data, encodings):
            _write(root / extra_name, packed)
            result.written.append(extra_name)
    if hashed:
        pairs = sorted(result.manifest.items())
        payload = {
            "paths": dict(pairs),
            "version": _MANIFEST_VERSION,
            "hash": _file_hash(json.dumps(pairs).encode()),
        }
        _write(root / MANIFEST_NAME, json.dumps(payload).encode())
        result.written.append(MANIFEST_NAME)
    return result


class StaticManifest:
    """The URL of a static file by its manifest: ``static("css/site.css")``.

    ``StaticManifest(static_root, "/static/")`` reads ``static_root/staticfiles.json``
    once; calling it (or :meth:`url`) with a name answers the hashed URL,
    query and fragment kept (``font.eot?#iefix``). A name missing from the
    manifest raises ``ValueError`` (Django's ``manifest_strict``) unless
    ``strict=False``, which answers the unhashed URL. Pass it where a template
    engine wants a ``static`` callable, e.g. tplkit's
    ``create_environment(static_url=StaticManifest(...))``.
    """

    def __init__(
        self,
        static_root: str | os.PathLike[str],
        static_url: str = "/static/",
        *,
        strict: bool = True,
    ) -> None:
        path = Path(static_root) / MANIFEST_NAME
        try:
            payload = json.loads(path.read_text("utf-8"))
        except FileNotFoundError:
            raise ValueError(
                f"no static manifest at {str(path)!r}: run collectstatic first"
            ) from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ValueError(
                f"the static manifest {str(path)!r} is not valid JSON: {exc}"
            ) from None
        paths = payload.get("paths") if isinstance(payload, dict) else None
        if not isinstance(paths, dict) or payload.get("version") != _MANIFEST_VERSION:
            raise ValueError(f"{str(path)!r} is not a version {_MANIFEST_VERSION} static manifest")
        self.paths: dict[str, str] = {str(k): str(v) for k, v in paths.items()}
        self.static_url = static_url if static_url.endswith("/") else static_url + "/"
        self.strict = strict

    def url(self, name: str) -> str:
        """The URL of ``name`` (a path relative to the static root)."""
        clean, fragment = urldefrag(str(name))
        split = urlsplit(clean)
        path = posixpath.normpath(unquote(split.path).lstrip("/")) if split.path else ""
        hashed = self.paths.get(path)
        if hashed is None:
            if self.strict:
                raise ValueError(f"Missing staticfiles manifest entry for {name!r}")
            hashed = path
        url = self.static_url + quote(hashed, safe="/~!*()'")
        if split.query:
            url += "?" + split.query
        elif "?#" in str(name):
            url += "?"
        if fragment:
            url += "#" + fragment
        return url

    __call__ = url

    @property
    def hashed_names(self) -> frozenset[str]:
        """The hashed names: files whose content never changes under their name."""
        return frozenset(self.paths.values())


def main(argv: Sequence[str] | None = None) -> int:
    """``manouche-collectstatic STATIC_ROOT [DIR ...]``."""
    parser = argparse.ArgumentParser(
        prog="manouche-collectstatic",
        description="Collect static folders into STATIC_ROOT with hashed names, a manifest "
        "and precompressed copies.",
    )
    parser.add_argument("static_root", help="the folder to fill (STATIC_ROOT)")
    parser.add_argument("dirs", nargs="*", help="the app's static folders (STATICFILES_DIRS)")
    parser.add_argument("--static-url", default="/static/", help="STATIC_URL (default /static/)")
    parser.add_argument(
        "--no-packages", action="store_true", help="skip the installed packages' static folders"
    )
    parser.add_argument("--no-hash", action="store_true", help="no hashed copies, no manifest")
    parser.add_argument(
        "--compress",
        default=None,
        help="comma-separated: gzip,br (default gzip, and br when brotli is installed); "
        "'none' for no copies",
    )
    args = parser.parse_args(argv)
    compress: list[str] | None = None
    if args.compress is not None:
        compress = [] if args.compress == "none" else [c for c in args.compress.split(",") if c]
    try:
        result = collectstatic(
            args.static_root,
            args.dirs,
            packages=not args.no_packages,
            static_url=args.static_url,
            hashed=not args.no_hash,
            compress=compress,
        )
    except (CollectStaticError, ValueError, OSError) as exc:
        print(f"manouche-collectstatic: {exc}", file=sys.stderr)
        return 1
    print(
        f"{len(result.manifest) or len(result.written)} static files collected into "
        f"{args.static_root} ({len(result.written)} files written)"
    )
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

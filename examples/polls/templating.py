"""The Jinja2 environment: our templates, our library, ``url()`` from urlmap."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from manouche.tplkit import create_environment
from manouche.urlmap import reverse

from .templatetags import register

# ``static("polls/style.css")`` answers the hashed URL from the manifest that
# create_app() reads (httpkit's StaticManifest) once the files are collected.
_static: list[Callable[[str], str]] = []


def use_static(manifest: Callable[[str], str]) -> None:
    """Make ``static()`` in templates answer through ``manifest``."""
    _static[:] = [manifest]


def static(path: str) -> str:
    if not _static:
        raise RuntimeError("no static manifest yet: create_app() collects the static files")
    return _static[0](path)


env = create_environment(
    dirs=[Path(__file__).parent / "templates"],
    libraries=[register],
    reverse=reverse,
    static_url=static,
    strict=True,
)

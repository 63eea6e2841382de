"""The Jinja2 environment: our templates, our library, ``url()`` from urlmap."""

from __future__ import annotations

from pathlib import Path

from manouche.tplkit import create_environment
from manouche.urlmap import reverse

from .templatetags import register

env = create_environment(
    dirs=[Path(__file__).parent / "templates"],
    libraries=[register],
    reverse=reverse,
    strict=True,
)

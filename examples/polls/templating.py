"""The Jinja2 environment: our templates and library, ``url()`` from urlmap, translations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from manouche import i18nkit
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


# The languages the site is served in: English unprefixed, the others under /de/, /ar/.
LANGUAGES = ["en", "de", "ar"]


env = create_environment(
    dirs=[Path(__file__).parent / "templates"],
    libraries=[register],
    reverse=reverse,
    static_url=static,
    strict=True,
    # {% trans %} blocks in the language of each request (i18nkit's active one).
    translations=i18nkit.active_translations,
)
env.globals.update(
    languages=LANGUAGES,
    get_language=i18nkit.get_language,
    get_language_bidi=i18nkit.get_language_bidi,
    language_name=lambda code: i18nkit.get_language_info(code)["name_local"],
)


def datetime_format(value: dt.datetime, format: str = "medium") -> str:
    """A stored datetime in the request's language and time zone (TimezoneMiddleware's)."""
    if value.tzinfo is None:
        # Stored in UTC (models.now()); SQLite hands them back without the zone.
        value = value.replace(tzinfo=dt.UTC)
    return i18nkit.datetime_format(value, format)


env.filters["datetime_format"] = datetime_format

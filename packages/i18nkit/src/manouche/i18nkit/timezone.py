"""Time zones: aware datetimes stored in UTC, shown in each request's zone (Django's ``timezone``).

Django's ``django.utils.timezone`` names, without settings: the active zone is
held in a ``contextvars.ContextVar`` (each thread and asyncio task has its
own), ``activate``/``deactivate``/``override`` set it, ``localtime`` converts
an aware datetime into it, and :class:`TimezoneMiddleware` activates a zone
per request from a cookie a zone picker sets. Zones are ``zoneinfo`` zones
(IANA names such as ``"Europe/Berlin"``); an unknown name is a
``ValueError`` naming it. i18nkit's ``datetime_format``/``time_format``/
``localize`` show an aware datetime in the active zone when one is active.

Store datetimes aware and in UTC (:func:`now`); convert for display only.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Callable
from contextlib import ContextDecorator
from contextvars import ContextVar, Token
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "TIMEZONE_COOKIE_NAME",
    "TimezoneMiddleware",
    "activate",
    "deactivate",
    "get_active_timezone",
    "get_current_timezone",
    "get_current_timezone_name",
    "get_default_timezone",
    "is_aware",
    "is_naive",
    "localtime",
    "make_aware",
    "make_naive",
    "now",
    "override",
    "set_default_timezone",
]

TIMEZONE_COOKIE_NAME = "django_timezone"

_UTC = datetime.UTC
_active: ContextVar[datetime.tzinfo | None] = ContextVar("manouche_timezone", default=None)
_default: list[datetime.tzinfo] = [_UTC]

# IANA names: letters, digits, "/", "_", "-", "+"; bounded, no "..".
_ZONE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9_+\-]+){0,3}\Z")


@functools.lru_cache(maxsize=512)
def _zone(name: str) -> datetime.tzinfo:
    if name.upper() == "UTC":
        return _UTC
    if len(name) > 64 or not _ZONE_NAME.match(name):
        raise ValueError(f"not a time zone name: {name!r}")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(f"unknown time zone: {name!r}") from None


def _as_zone(timezone: datetime.tzinfo | str) -> datetime.tzinfo:
    if isinstance(timezone, datetime.tzinfo):
        return timezone
    if isinstance(timezone, str):
        return _zone(timezone)
    raise TypeError(f"a time zone is a tzinfo or an IANA name, not {timezone!r}")


def set_default_timezone(timezone: datetime.tzinfo | str) -> None:
    """The zone used when none is active (Django's ``TIME_ZONE``); UTC unless set."""
    _default[0] = _as_zone(timezone)


def get_default_timezone() -> datetime.tzinfo:
    """The default zone (UTC unless :func:`set_default_timezone` changed it)."""
    return _default[0]


def get_active_timezone() -> datetime.tzinfo | None:
    """The zone activated for this thread or task, or ``None``."""
    return _active.get()


def get_current_timezone() -> datetime.tzinfo:
    """The active zone, else the default one."""
    return _active.get() or _default[0]


def get_current_timezone_name() -> str:
    """The current zone's name (``"Europe/Berlin"``, ``"UTC"``)."""
    zone = get_current_timezone()
    return str(getattr(zone, "key", None) or zone.tzname(None) or zone)


def activate(timezone: datetime.tzinfo | str) -> None:
    """Make ``timezone`` the current zone of this thread or task."""
    _active.set(_as_zone(timezone))


def deactivate() -> None:
    """Back to the default zone."""
    _active.set(None)


class override(ContextDecorator):  # noqa: N801 - Django's name
    """Activate ``timezone`` (``None``: the default) inside a ``with`` block or a function."""

    def __init__(self, timezone: datetime.tzinfo | str | None) -> None:
        self.timezone = None if timezone is None else _as_zone(timezone)
        self._tokens: list[Token[datetime.tzinfo | None]] = []

    def __enter__(self) -> override:
        self._tokens.append(_active.set(self.timezone))
        return self

    def __exit__(self, *exc: object) -> None:
        _active.reset(self._tokens.pop())


def now() -> datetime.datetime:
    """The current time, aware, in UTC: what to store."""
    return datetime.datetime.now(_UTC)


def is_aware(value: datetime.datetime | datetime.time) -> bool:
    return value.utcoffset() is not None


def is_naive(value: datetime.datetime | datetime.time) -> bool:
    return value.utcoffset() is None


def localtime(
    value: datetime.datetime | None = None, timezone: datetime.tzinfo | str | None = None
) -> datetime.datetime:
    """An aware datetime (default: now) in ``timezone`` (default: the current zone).

    A naive datetime is a ``ValueError``, as in Django: its zone is unknown.
    """
    if value is None:
        value = now()
    if is_naive(value):
        raise ValueError("localtime() cannot be applied to a naive datetime")
    zone = get_current_timezone() if timezone is None else _as_zone(timezone)
    return value.astimezone(zone)


def make_aware(
    value: datetime.datetime, timezone: datetime.tzinfo | str | None = None
) -> datetime.datetime:
    """A naive datetime read as a wall-clock time of ``timezone`` (default: the current zone)."""
    if is_aware(value):
        raise ValueError(f"make_aware expects a naive datetime, got {value}")
    zone = get_current_timezone() if timezone is None else _as_zone(timezone)
    return value.replace(tzinfo=zone)


def make_naive(
    value: datetime.datetime, timezone: datetime.tzinfo | str | None = None
) -> datetime.datetime:
    """An aware datetime as a naive wall-clock time of ``timezone`` (default: the current zone)."""
    return localtime(value, timezone).replace(tzinfo=None)


class TimezoneMiddleware:
    """Activate each request's time zone: the one a zone picker set in a cookie, else ``default``.

    A middleware in the project's shape (``mw(get_response) -> callable(request)
    -> response``). A cookie naming no known zone is ignored. The view can
    read the zone back as ``request.timezone``.
    """

    def __init__(
        self,
        get_response: Callable[[Any], Any],
        *,
        default: datetime.tzinfo | str | None = None,
        cookie_name: str | None = TIMEZONE_COOKIE_NAME,
    ) -> None:
        self.get_response = get_response
        self.default = None if default is None else _as_zone(default)
        self.cookie_name = cookie_name

    def __call__(self, request: Any) -> Any:
        zone = self.default or get_default_timezone()
        if self.cookie_name:
            value = request.cookies.get(self.cookie_name)
            if value:
                try:
                    zone = _zone(str(value))
                except ValueError:
                    pass
        request.timezone = zone
        with override(zone):
            response = self.get_response(request)
        if self.cookie_name:
            current = response.headers.get("Vary", "")
            names = [v.strip().lower() for v in current.split(",") if v.strip()]
            if "cookie" not in names and "*" not in names:
                response.headers["Vary"] = ", ".join([*filter(None, [current]), "Cookie"])
        return response

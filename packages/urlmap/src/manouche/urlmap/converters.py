"""Path converters: Django's five and a registry for your own.

A converter has a ``regex`` (what the URL part must look like),
``to_python(value)`` (URL text to the view argument; raising ``ValueError``
means "this pattern does not match", and the next one is tried) and
``to_url(value)`` (view argument to URL text; raising ``ValueError`` means
"this pattern cannot be reversed with that value").
"""

from __future__ import annotations

import uuid
from typing import Any, Protocol, runtime_checkable

from manouche.urlmap.exceptions import ImproperlyConfigured

__all__ = [
    "Converter",
    "ConverterRegistry",
    "IntConverter",
    "PathConverter",
    "SlugConverter",
    "StringConverter",
    "UUIDConverter",
    "default_converters",
    "get_converters",
    "register_converter",
]


@runtime_checkable
class Converter(Protocol):
    """What a path converter provides (any object with these three works)."""

    regex: str

    def to_python(self, value: str) -> Any: ...

    def to_url(self, value: Any) -> str: ...


#: The largest value of a 64-bit signed integer column (Django's ``BigIntegerField``).
MAX_INT = 2**63 - 1


class IntConverter:
    """Digits to an ``int``; a value beyond 64 bits is "no match", so a 404.

    Django converts any length and lets the ORM find no row; no database
    column holds a larger integer, so such a URL names nothing here either,
    and it never reaches a database driver that would raise on it.
    """

    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        if len(value) > 19 and len(value.lstrip("0")) > 19:
            raise ValueError(f"{value[:30]}... is beyond a 64-bit integer")
        number = int(value)
        if number > MAX_INT:
            raise ValueError(f"{value} is beyond a 64-bit integer")
        return number

    def to_url(self, value: Any) -> str:
        return str(value)


class StringConverter:
    """``<str:name>`` (and ``<name>``): any text without a slash."""

    regex = "[^/]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: Any) -> str:
        return str(value)


class UUIDConverter:
    """``<uuid:name>``: a UUID in lower-case hex with hyphens, given to the view as
    ``uuid.UUID``.
    """

    regex = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"

    def to_python(self, value: str) -> uuid.UUID:
        return uuid.UUID(value)

    def to_url(self, value: Any) -> str:
        return str(value)


class SlugConverter(StringConverter):
    """``<slug:name>``: ASCII letters, digits, hyphens and underscores."""

    regex = "[-a-zA-Z0-9_]+"


class PathConverter(StringConverter):
    """``<path:name>``: any text, slashes included."""

    regex = ".+"


class ConverterRegistry:
    """Converter type names (``"int"``, ``"slug"``...) to converter instances.

    ``ConverterRegistry()`` starts with Django's five; pass ``builtins=False``
    for an empty one. Patterns look converters up when they are created, so
    register a converter before writing the patterns that use it.
    """

    def __init__(self, *, builtins: bool = True) -> None:
        self._converters: dict[str, Converter] = {}
        if builtins:
            self._converters.update(
                {
                    "int": IntConverter(),
                    "path": PathConverter(),
                    "slug": SlugConverter(),
                    "str": StringConverter(),
                    "uuid": UUIDConverter(),
                }
            )

    def register(self, converter: Any, type_name: str) -> None:
        """Register ``converter`` (a class or an instance) under ``type_name``.

        Re-registering a name raises, as in Django 6: patterns already
        created keep the converter they were built with, so silently
        replacing it would make old and new patterns disagree.
        """
        if not isinstance(type_name, str) or not type_name or ":" in type_name or ">" in type_name:
            raise ImproperlyConfigured(f"Invalid converter type name {type_name!r}.")
        if type_name in self._converters:
            raise ValueError(f"Converter {type_name!r} is already registered.")
        instance = converter() if isinstance(converter, type) else converter
        regex = getattr(instance, "regex", None)
        if not isinstance(regex, str):
            raise ImproperlyConfigured(
                f"Converter {type_name!r} must have a 'regex' string attribute."
            )
        for method in ("to_python", "to_url"):
            if not callable(getattr(instance, method, None)):
                raise ImproperlyConfigured(f"Converter {type_name!r} has no {method}() method.")
        self._converters[type_name] = instance

    def unregister(self, type_name: str) -> None:
        """Forget ``type_name``; raises ``KeyError`` naming it when unknown."""
        if type_name not in self._converters:
            raise KeyError(f"Converter {type_name!r} is not registered.")
        del self._converters[type_name]

    def get(self, type_name: str) -> Converter:
        """The converter registered as ``type_name``; ``KeyError`` names it when unknown."""
        try:
            return self._converters[type_name]
        except KeyError:
            raise KeyError(f"Converter {type_name!r} is not registered.") from None

    def __contains__(self, type_name: object) -> bool:
        return type_name in self._converters

    def names(self) -> list[str]:
        return sorted(self._converters)


#: The registry ``path()`` uses unless given ``converters=``.
default_converters = ConverterRegistry()


def register_converter(converter: Any, type_name: str) -> None:
    """Django's ``register_converter``: register on :data:`default_converters`."""
    default_converters.register(converter, type_name)


def get_converters() -> dict[str, Converter]:
    """A copy of the default registry's converters, by type name (Django's name)."""
    return {name: default_converters.get(name) for name in default_converters.names()}

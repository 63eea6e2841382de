"""Django's ``django.core.serializers`` functions, on the format registry."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import IO, Any

from manouche.serial._base import BaseDeserializer, BaseSerializer, DeserializedObject
from manouche.serial._registry import formats

__all__ = [
    "deserialize",
    "get_deserializer",
    "get_public_serializer_formats",
    "get_serializer",
    "get_serializer_formats",
    "register_serializer",
    "serialize",
    "unregister_serializer",
]


def register_serializer(format: str, serializer_module: Any, deserializer: Any = None) -> None:
    """Register a format: a module (or dotted path) with ``Serializer`` and ``Deserializer``.

    Two classes may be passed instead of a module.
    """
    formats.register(format, serializer_module, deserializer)


def unregister_serializer(format: str) -> None:
    """Remove a format; :class:`SerializerDoesNotExist` when it is not registered."""
    formats.unregister(format)


def get_serializer(format: str) -> type[BaseSerializer]:
    """The serializer class of ``format``."""
    return formats.get(format).serializer


def get_deserializer(format: str) -> type[BaseDeserializer]:
    """The deserializer class of ``format``."""
    return formats.get(format).deserializer


def get_serializer_formats() -> list[str]:
    """The names of the registered serialization formats (``json``, ``jsonl``, ``xml``, ...)."""

    return formats.names()


def get_public_serializer_formats() -> list[str]:
    """The formats meant for fixtures (not "python")."""
    return formats.names(public_only=True)


def serialize(
    format: str,
    queryset: Iterable[Any],
    *,
    stream: IO[str] | None = None,
    fields: Iterable[str] | None = None,
    indent: int | None = None,
    use_natural_foreign_keys: bool = False,
    use_natural_primary_keys: bool = False,
    **options: Any,
) -> Any:
    """Serialize model instances (orm-lite or SQLAlchemy) to ``format``.

    Returns the text (a list for "python") when no ``stream`` is given, else
    writes to ``stream`` as objects come and returns ``None``.
    """
    s = get_serializer(format)()
    result = s.serialize(
        queryset,
        stream=stream,
        fields=fields,
        indent=indent,
        use_natural_foreign_keys=use_natural_foreign_keys,
        use_natural_primary_keys=use_natural_primary_keys,
        **options,
    )
    return None if stream is not None else result


def deserialize(
    format: str,
    stream_or_string: Any,
    *,
    models: Any = None,
    using: Any = None,
    ignorenonexistent: bool = False,
    handle_forward_references: bool = False,
    **options: Any,
) -> Iterator[DeserializedObject]:
    """Iterate over the objects of a document (str, bytes or stream), lazily.

    :param models: the models labels resolve to (a ModelRegistry, classes,
        Tables, a MetaData or a module); orm-lite's models by default.
    :param using: Connection, Engine or Database for natural-key lookups.
    """
    d = get_deserializer(format)(
        stream_or_string,
        models=models,
        using=using,
        ignorenonexistent=ignorenonexistent,
        handle_forward_references=handle_forward_references,
        **options,
    )
    return iter(d)

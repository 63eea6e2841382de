"""The registry of formats: a name to a serializer class and a deserializer class."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from manouche.serial._base import BaseDeserializer, BaseSerializer
from manouche.serial.exceptions import SerializerDoesNotExist

__all__ = ["Format", "SerializerRegistry", "formats"]


@dataclass(frozen=True)
class Format:
    """One format: its two classes and whether it is for internal use only."""

    name: str
    serializer: type[BaseSerializer]
    deserializer: type[BaseDeserializer]
    internal: bool = False


class SerializerRegistry:
    """Formats by name, with ``register``/``unregister``/``get`` and a clear error."""

    def __init__(self) -> None:
        self._formats: dict[str, Format] = {}
        self._lazy: dict[str, str] = {}

    def register(self, name: str, serializer: Any, deserializer: Any = None) -> None:
        """Register ``name``: an object with ``Serializer`` and ``Deserializer``, or two classes.

        ``serializer`` may also be a dotted import path of such a module (Django's spelling).
        """
        if isinstance(serializer, str):
            serializer = importlib.import_module(serializer)
        if deserializer is None:
            deserializer = getattr(serializer, "Deserializer", None)
            serializer = getattr(serializer, "Serializer", None)
        if not (isinstance(serializer, type) and issubclass(serializer, BaseSerializer)):
            raise TypeError(f"format {name!r}: the serializer must subclass BaseSerializer")
        if not (isinstance(deserializer, type) and issubclass(deserializer, BaseDeserializer)):
            raise TypeError(f"format {name!r}: the deserializer must subclass BaseDeserializer")
        self._lazy.pop(name, None)
        self._formats[name] = Format(
            name, serializer, deserializer, bool(serializer.internal_use_only)
        )

    def register_lazy(self, name: str, module: str) -> None:
        """Register ``name`` to be imported from ``module`` on first use (optional dependencies)."""
        self._lazy[name] = module

    def unregister(self, name: str) -> None:
        if name not in self._formats and name not in self._lazy:
            raise SerializerDoesNotExist(name)
        self._formats.pop(name, None)
        self._lazy.pop(name, None)

    def get(self, name: str) -> Format:
        fmt = self._formats.get(name)
        if fmt is None and name in self._lazy:
            # Left lazy when the import fails: every use says what is missing.
            module = importlib.import_module(self._lazy[name])
            self.register(name, module)
            fmt = self._formats[name]
        if fmt is None:
            known = ", ".join(self.names())
            raise SerializerDoesNotExist(f"Unknown serialization format {name!r} (known: {known})")
        return fmt

    def names(self, public_only: bool = False) -> list[str]:
        if public_only:
            # Whether a format is public is known once it is loaded; one whose
            # library is missing stays listed (using it says what to install).
            for name in list(self._lazy):
                try:
                    self.get(name)
                except ImportError:
                    pass
        names = [n for n, f in self._formats.items() if not (public_only and f.internal)]
        return sorted([*names, *self._lazy])

    def __contains__(self, name: object) -> bool:
        return name in self._formats or name in self._lazy


def _defaults() -> SerializerRegistry:
    from manouche.serial import _json, _xml

    reg = SerializerRegistry()
    reg.register("json", _json.JSONSerializer, _json.JSONDeserializer)
    reg.register("jsonl", _json.JSONLSerializer, _json.JSONLDeserializer)
    reg.register("python", _json.PythonSerializer, _json.PythonDeserializer)
    reg.register("xml", _xml.XMLSerializer, _xml.XMLDeserializer)
    reg.register_lazy("yaml", "manouche.serial._yaml_format")
    return reg


#: The formats ``serialize()``/``deserialize()`` use.
formats = _defaults()

"""``django.core.serializers`` for Django's serializers tests: manouche.serial.

The test app's models are orm-lite models, made through orm-lite's own suite
shims (``django.db``, ``django.db.models``, ``django.test``), which this module
puts on the import path: the serializers suite runs on the same ORM shim as
orm-lite's (``packages/orm-lite/tests/django_suite``).

Django's submodules (``base``, ``json``, ``jsonl``, ``python``, ``pyyaml``,
``xml_serializer``) are the ``shim_ser_*`` modules beside this one, each with
its format's ``Serializer`` and ``Deserializer``. Django's registry is the
private dict ``_serializers``, which the tests save, empty and restore: here it
stands for a snapshot of manouche.serial's registry, and emptying it resets the
registry to the built-in formats plus ``settings.SERIALIZATION_MODULES``, as
Django repopulates its own.
"""

from __future__ import annotations

import importlib
import sys
import types
from pathlib import Path
from typing import Any

_ORM_LITE_SHIMS = Path(__file__).resolve().parents[3] / "orm-lite" / "tests" / "django_suite"
if str(_ORM_LITE_SHIMS) not in sys.path:
    sys.path.append(str(_ORM_LITE_SHIMS))

import shim_ser_base as base  # noqa: E402
import shim_ser_json as json  # noqa: E402
import shim_ser_jsonl as jsonl  # noqa: E402
import shim_ser_python as python  # noqa: E402
import shim_ser_xml as xml_serializer  # noqa: E402

from manouche import serial as _serial  # noqa: E402
from manouche.serial import *  # noqa: E402,F403 - Django's names, from manouche.serial
from manouche.serial import (  # noqa: E402
    DeserializationError,
    DeserializedObject,
    DjangoJSONEncoder,
    ProgressBar,
    SerializerDoesNotExist,
    get_deserializer,
    get_serializer,
)
from manouche.serial import _registry as _serial_registry  # noqa: E402

__all__ = [
    "DeserializationError",
    "DeserializedObject",
    "DjangoJSONEncoder",
    "ProgressBar",
    "SerializerDoesNotExist",
    "base",
    "json",
    "jsonl",
    "python",
    "xml_serializer",
]


class BadSerializer:
    """Django's stand-in for a format whose module failed to import; manouche.serial
    raises ``ImportError`` on first use instead, so no serializer is ever one."""


# The formats Django ships, by Django's module of each.
BUILTIN_SERIALIZERS = {
    "xml": "django.core.serializers.xml_serializer",
    "python": "django.core.serializers.python",
    "json": "django.core.serializers.json",
    "yaml": "django.core.serializers.pyyaml",
    "jsonl": "django.core.serializers.jsonl",
}
_SHIMS = {
    "django.core.serializers.xml_serializer": "shim_ser_xml",
    "django.core.serializers.python": "shim_ser_python",
    "django.core.serializers.json": "shim_ser_json",
    "django.core.serializers.pyyaml": "shim_ser_pyyaml",
    "django.core.serializers.jsonl": "shim_ser_jsonl",
}


class _DjangoPaths:
    """manouche.serial's registry imports format modules through this: a Django
    serializer module's path gives the shim module standing for it, once Django's
    own imported (it fails as Django's does when its library is missing; the tests
    stand for that by patching ``importlib.import_module``)."""

    @staticmethod
    def import_module(path: str) -> Any:
        shim = _SHIMS.get(path)
        if shim is None:
            return importlib.import_module(path)
        importlib.import_module(path)
        return importlib.import_module(shim)


_serial_registry.importlib = _DjangoPaths()  # type: ignore[assignment]


def _reset() -> None:
    from django.conf import settings

    registry = _serial.formats
    registry._formats.clear()
    registry._lazy.clear()
    for name, module in BUILTIN_SERIALIZERS.items():
        registry.register_lazy(name, module)
    for name, module in getattr(settings, "SERIALIZATION_MODULES", {}).items():
        registry.register_lazy(name, module)


class _Module(types.ModuleType):
    @property
    def _serializers(self) -> Any:
        registry = _serial.formats
        return (dict(registry._formats), dict(registry._lazy))

    @_serializers.setter
    def _serializers(self, value: Any) -> None:
        if isinstance(value, tuple):
            registry = _serial.formats
            registry._formats.clear()
            registry._formats.update(value[0])
            registry._lazy.clear()
            registry._lazy.update(value[1])
        else:
            _reset()


sys.modules[__name__].__class__ = _Module
Deserializer = get_deserializer("xml")
Serializer = get_serializer("xml")


def install() -> None:
    """Translate ``settings.USE_TZ``: with it off, Django writes naive datetimes as they
    are (no ``Z``); manouche.serial reads that from ``Column.info["use_tz"]``, which
    every orm-lite ``DateTimeField`` made from now on carries."""
    from django.conf import settings

    from manouche import orm_lite

    if settings.USE_TZ:
        return
    column_info = orm_lite.DateTimeField.column_info

    def naive_column_info(self: Any) -> dict[str, Any]:
        return {**column_info(self), "use_tz": False}

    orm_lite.DateTimeField.column_info = naive_column_info  # type: ignore[method-assign]

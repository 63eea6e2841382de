"""``django.core.serializers`` (and its submodules) for Django's serializers tests: manouche.serial.

The test app's models are orm-lite models, made through orm-lite's own suite
shims (``django.db``, ``django.db.models``, ``django.test``), which this module
puts on the import path: the serializers suite runs on the same ORM shim as
orm-lite's (``packages/orm-lite/tests/django_suite``).
"""

from __future__ import annotations

import sys
from pathlib import Path

_ORM_LITE_SHIMS = Path(__file__).resolve().parents[3] / "orm-lite" / "tests" / "django_suite"
if str(_ORM_LITE_SHIMS) not in sys.path:
    sys.path.append(str(_ORM_LITE_SHIMS))

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

__all__ = [
    "DeserializationError",
    "DeserializedObject",
    "DjangoJSONEncoder",
    "ProgressBar",
    "SerializerDoesNotExist",
]

# Django's submodules are this one module; the xml module's classes by their names.
base = json = jsonl = python = pyyaml = xml_serializer = sys.modules[__name__]
Deserializer = get_deserializer("xml")
Serializer = get_serializer("xml")


class BadSerializer:
    """Django's stand-in for a format whose module failed to import; manouche.serial
    raises ``SerializerDoesNotExist`` instead, so no serializer is ever one."""


# The formats Django ships, by the module Django names for each.
BUILTIN_SERIALIZERS = {
    "xml": "django.core.serializers.xml_serializer",
    "python": "django.core.serializers.python",
    "json": "django.core.serializers.json",
    "yaml": "django.core.serializers.pyyaml",
    "jsonl": "django.core.serializers.jsonl",
}

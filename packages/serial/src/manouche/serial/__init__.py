"""manouche.serial: Django's serialization framework for orm-lite and SQLAlchemy models.

``serialize("json", objects)`` and ``deserialize("json", data, models=...)``
in Django's fixture format; "json", "jsonl", "xml" built in, "yaml" with the
``yaml`` extra; ``dump_data``/``load_data`` (and the ``manouche-serial``
console commands) stream tables to fixtures and fixtures into one
transaction.
"""

from manouche.serial._api import (
    deserialize,
    get_deserializer,
    get_public_serializer_formats,
    get_serializer,
    get_serializer_formats,
    register_serializer,
    serialize,
    unregister_serializer,
)
from manouche.serial._base import (
    BaseDeserializer,
    BaseSerializer,
    DeserializedObject,
    Plan,
    ProgressBar,
)
from manouche.serial._fixtures import dump_data, load_data, open_fixture
from manouche.serial._json import DjangoJSONEncoder
from manouche.serial._models import FieldSpec, M2MSpec, ModelRegistry, ModelSpec, describe
from manouche.serial._registry import Format, SerializerRegistry, formats
from manouche.serial.exceptions import (
    DeserializationError,
    DTDForbidden,
    EntitiesForbidden,
    ExternalReferenceForbidden,
    FixtureError,
    ModelNotFound,
    SerializationError,
    SerializerDoesNotExist,
    UnsafeXMLError,
)

__all__ = [
    "BaseDeserializer",
    "BaseSerializer",
    "DTDForbidden",
    "DeserializationError",
    "DeserializedObject",
    "DjangoJSONEncoder",
    "EntitiesForbidden",
    "ExternalReferenceForbidden",
    "FieldSpec",
    "FixtureError",
    "Format",
    "M2MSpec",
    "ModelNotFound",
    "ModelRegistry",
    "ModelSpec",
    "Plan",
    "ProgressBar",
    "SerializationError",
    "SerializerDoesNotExist",
    "SerializerRegistry",
    "UnsafeXMLError",
    "describe",
    "deserialize",
    "dump_data",
    "formats",
    "get_deserializer",
    "get_public_serializer_formats",
    "get_serializer",
    "get_serializer_formats",
    "load_data",
    "open_fixture",
    "register_serializer",
    "serialize",
    "unregister_serializer",
]

"""``django.core.serializers.base`` for the serializers tests: manouche.serial's base names."""

from manouche.serial import (
    BaseDeserializer as Deserializer,
)
from manouche.serial import (
    BaseSerializer as Serializer,
)
from manouche.serial import (
    DeserializationError,
    DeserializedObject,
    ProgressBar,
    SerializationError,
    SerializerDoesNotExist,
)

__all__ = [
    "DeserializationError",
    "DeserializedObject",
    "Deserializer",
    "ProgressBar",
    "SerializationError",
    "Serializer",
    "SerializerDoesNotExist",
]

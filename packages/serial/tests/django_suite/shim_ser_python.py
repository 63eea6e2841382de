"""``django.core.serializers.python`` for the serializers tests: the "python" format."""

from manouche.serial import get_deserializer, get_serializer

__all__ = ["Deserializer", "Serializer"]

Serializer = get_serializer("python")
Deserializer = get_deserializer("python")

"""``django.core.serializers.json`` for the serializers tests: manouche.serial's "json" format."""

from manouche.serial import DjangoJSONEncoder, get_deserializer, get_serializer

__all__ = ["Deserializer", "DjangoJSONEncoder", "Serializer"]

Serializer = get_serializer("json")
Deserializer = get_deserializer("json")

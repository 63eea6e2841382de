"""``django.core.serializers.jsonl`` for the serializers tests: manouche.serial's "jsonl" format."""

from manouche.serial import get_deserializer, get_serializer

__all__ = ["Deserializer", "Serializer"]

Serializer = get_serializer("jsonl")
Deserializer = get_deserializer("jsonl")

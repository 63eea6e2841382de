"""``django.core.serializers.xml_serializer`` for the serializers tests: manouche.serial's "xml"
format and the errors of what its reader refuses, by Django's names."""

from manouche.serial import (
    DTDForbidden,
    EntitiesForbidden,
    ExternalReferenceForbidden,
    get_deserializer,
    get_serializer,
)

__all__ = [
    "DTDForbidden",
    "Deserializer",
    "EntitiesForbidden",
    "ExternalReferenceForbidden",
    "Serializer",
]

Serializer = get_serializer("xml")
Deserializer = get_deserializer("xml")

"""``django.core.serializers.pyyaml`` for the serializers tests: manouche.serial's "yaml" format
(importing it raises ``ImportError`` without PyYAML, as Django's module does).

Taken from the format's own module, not through the registry: the registry
imports this module when the tests' ``_serializers`` reset names it for "yaml".
"""

from manouche.serial._yaml_format import Deserializer, Serializer

__all__ = ["Deserializer", "Serializer"]

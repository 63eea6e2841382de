"""The "yaml" format as a registrable module (imported on first use: PyYAML is optional)."""

from manouche.serial._yaml import YAMLDeserializer as Deserializer
from manouche.serial._yaml import YAMLSerializer as Serializer

__all__ = ["Deserializer", "Serializer"]

from manouche.serial._yaml import _yaml

_yaml()  # a clear ImportError naming the extra, at lookup time

"""The "yaml" format (needs the ``yaml`` extra: ``pip install manouche-serial[yaml]``).

Written with ``yaml.safe_dump`` and read with ``yaml.safe_load``, so no YAML
tag can build Python objects. The document is built whole, as Django's; for
large dumps prefer "jsonl". Values are written as the JSON format writes
them, except dates and datetimes, which are native YAML timestamps as
Django writes them (full microseconds; ``+00:00`` on UTC columns), and times,
written as Django's ``str()`` (full microseconds); documents
dumped by Django load here and ours load into Django.
"""

from __future__ import annotations

import datetime as dt
import importlib
import io
from collections.abc import Iterator, Sequence
from typing import Any

from manouche.serial._base import BaseDeserializer, DeserializedObject, Plan, objects_from_dicts
from manouche.serial._json import PythonSerializer
from manouche.serial.exceptions import DeserializationError

__all__ = ["YAMLDeserializer", "YAMLSerializer"]

MAX_SIZE = 64 * 1024 * 1024


def _yaml() -> Any:
    try:
        return importlib.import_module("yaml")
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError(
            'The "yaml" format needs PyYAML: pip install "manouche-serial[yaml]"'
        ) from None


class YAMLSerializer(PythonSerializer):
    """Objects to a YAML list of fixture mappings."""

    internal_use_only = False

    def start_serialization(self) -> None:
        super().start_serialization()
        self._timestamps: dict[int, list[tuple[int, str, bool]]] = {}

    def write_object(
        self, plan: Plan, pk: Any, values: Sequence[Any], m2m: list[list[Any]]
    ) -> None:
        d = plan.json_dict(pk, values, m2m)
        native = self._timestamps.get(id(plan))
        if native is None:
            native = self._timestamps[id(plan)] = [
                (i, f.name, f.utc)
                for i, f in enumerate(plan.fields)
                if f.target is None and f.kind in ("DateTimeField", "DateField", "TimeField")
            ]
        if native:
            fields = d["fields"]
            for i, name, utc in native:
                value = values[i]
                if isinstance(value, dt.time):  # Django's str(): full microseconds, as text
                    fields[name] = str(value)
                elif isinstance(value, dt.date):  # a datetime too
                    if utc and isinstance(value, dt.datetime) and value.tzinfo is None:
                        value = value.replace(tzinfo=dt.UTC)
                    fields[name] = value
        self.objects.append(d)

    def end_serialization(self) -> None:
        yaml = _yaml()
        options = {
            k: v for k, v in self.options.items() if k in ("indent", "width", "allow_unicode")
        }
        options.setdefault("allow_unicode", True)
        yaml.safe_dump(self.objects, self.stream, sort_keys=False, **options)

    def getvalue(self) -> Any:
        getvalue = getattr(self.stream, "getvalue", None)
        return getvalue() if callable(getvalue) else None


class YAMLDeserializer(BaseDeserializer):
    """Reads the "yaml" format (the whole document, at most ``max_size`` characters)."""

    def objects(self) -> Iterator[DeserializedObject]:
        yaml = _yaml()
        limit: int = self.options.get("max_size") or MAX_SIZE
        data = self.stream
        if not isinstance(data, str | bytes):
            data = data.read(limit + 1)
        if isinstance(data, bytes):
            data = data.decode("utf-8")
        if len(data) > limit:
            raise DeserializationError(f"document larger than {limit} characters")
        try:
            loaded = yaml.safe_load(io.StringIO(data))
        except yaml.YAMLError as exc:
            raise DeserializationError(f"invalid YAML: {exc}") from None
        if loaded is None:
            loaded = []
        if not isinstance(loaded, list):
            raise DeserializationError("a YAML fixture must be a list of mappings")
        return objects_from_dicts(self, loaded)

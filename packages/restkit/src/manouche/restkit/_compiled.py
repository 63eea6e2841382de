"""A serializer's reading plan compiled to one Python function.

``Serializer.to_representation`` would otherwise walk its fields in a loop
for every object; for ``many=True`` over thousands of objects the loop, the
tuple unpacking and the method calls cost more than the values. The
generated function reads each attribute directly, converts it with the
field's own conversion (inlined where the field's is exactly ``str``,
``int``, ``float``, ``date.isoformat`` or nothing), and falls back to the
field's full path (``get_attribute`` then ``to_representation``) whenever
the fast path does not apply, so the output is always the field's.

The source depends only on the field names, attribute names and kinds of
conversion; it is compiled once per such shape and cached, and each bound
serializer gets a closure over its own field objects (cheap), so making a
serializer per request or per payload compiles nothing. Only attribute
names that are Python identifiers are written into the source, and names as
string literals (``repr``); everything else is passed in as a value.
"""

from __future__ import annotations

import datetime
import functools
import keyword
from collections.abc import Callable, Mapping
from typing import Any

from manouche.restkit import fields as f
from manouche.restkit import relations as r
from manouche.restkit.exceptions import SkipField

_SIMPLE = frozenset(f._SIMPLE_CALLABLES)
_INLINE = {
    "identity": "value",
    "str": "value if type(value) is str else str(value)",
    "int": "value if type(value) is int else int(value)",
    "float": "value if type(value) is float else float(value)",
    "date": "value.isoformat() if type(value) is _date else conv{i}(value)",
    "call": "conv{i}(value)",
}


def _conversion(field: Any) -> tuple[str | None, str, Callable[[Any], Any] | None]:
    """(attribute to read, kind of conversion, the field's conversion) for the fast path."""
    cls = type(field)
    if len(field.source_attrs) != 1:
        return None, "slow", None
    attr = field.source_attrs[0]
    method = cls.to_representation
    if isinstance(field, r.PrimaryKeyRelatedField):
        if (
            cls.get_attribute is r.PrimaryKeyRelatedField.get_attribute
            and method is r.PrimaryKeyRelatedField.to_representation
            and field.pk_field is None
        ):
            return attr + "_id", "identity", None
        return None, "slow", None
    if cls.get_attribute is not f.Field.get_attribute:
        return None, "slow", None
    if method is f.CharField.to_representation:
        return attr, "str", None
    if method is f.IntegerField.to_representation:
        return attr, "int", None
    if method is f.FloatField.to_representation:
        return attr, "float", None
    if method in (f.ReadOnlyField.to_representation, f.ModelField.to_representation):
        return attr, "identity", None
    if method is f.DateField.to_representation and field.format == f.ISO_8601:
        return attr, "date", field.to_representation
    return attr, "call", field.to_representation


def _fallback(field: Any, instance: Any) -> Any:
    """The field's full reading path: its value, or SkipField."""
    value = field.get_attribute(instance)
    if value is None:
        return None
    pk = value.pk if isinstance(value, r._PKOnly) else value
    return None if pk is None else field.to_representation(value)


_mapping_types: dict[type, bool] = {}


def _is_mapping(cls: type) -> bool:
    found = _mapping_types.get(cls)
    if found is None:
        found = issubclass(cls, Mapping)
        if len(_mapping_types) < 1024:
            _mapping_types[cls] = found
    return found


@functools.lru_cache(maxsize=512)
def _factory(shape: tuple[tuple[str, str | None, str], ...]) -> Callable[..., Any]:
    """Compile ``make(field0, conv0, field1, conv1, ...) -> read`` for one shape."""
    args: list[str] = []
    fast = ["    def read(instance):"]
    fast.append(
        "        if _mapping.get(type(instance)) is not False and _is_mapping(type(instance)):"
    )
    fast.append("            return read_mapping(instance)")
    fast.append("        result = {}")
    mapping = ["    def read_mapping(instance):", "        result = {}"]
    for i, (name, attr, kind) in enumerate(shape):
        args += [f"field{i}", f"conv{i}"]
        key = repr(name)
        slow = [
            "        try:",
            f"            result[{key}] = _fallback(field{i}, instance)",
            "        except SkipField:",
            "            pass",
        ]
        mapping += slow
        if attr is None:
            fast += slow
            continue
        if attr.isidentifier() and not keyword.iskeyword(attr):
            read = f"instance.{attr}"
        else:
            read = f"getattr(instance, {attr!r})"
        convert = _INLINE[kind].format(i=i)
        fast += [
            "        try:",
            f"            value = {read}",
            "        except AttributeError:",
            *["    " + line for line in slow],
            "        else:",
            "            if type(value) in _SIMPLE:",
            "                value = value()",
            f"            result[{key}] = None if value is None else {convert}",
        ]
    fast.append("        return result")
    mapping.append("        return result")
    source = "\n".join([f"def make({', '.join(args)}):", *mapping, *fast, "    return read"])
    namespace: dict[str, Any] = {
        "SkipField": SkipField,
        "_SIMPLE": _SIMPLE,
        "_fallback": _fallback,
        "_date": datetime.date,
        "_mapping": _mapping_types,
        "_is_mapping": _is_mapping,
    }
    exec(compile(source, "<restkit serializer>", "exec"), namespace)  # noqa: S102
    return namespace["make"]  # type: ignore[no-any-return]


def compile_reader(readable: list[tuple[str, Any]]) -> Callable[[Any], dict[str, Any]]:
    """A function ``instance -> dict`` doing what the fields of ``readable`` do."""
    shape = []
    bound: list[Any] = []
    for name, field in readable:
        attr, kind, conv = _conversion(field)
        shape.append((name, attr, kind))
        bound += [field, conv]
    return _factory(tuple(shape))(*bound)  # type: ignore[no-any-return]

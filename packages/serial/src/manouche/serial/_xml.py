"""The "xml" format: Django's ``<django-objects>`` document.

Written byte for byte as Django's XML serializer writes it (sorted
attributes, ``<None></None>`` for nulls, optional indentation). Read with
defusedxml's ``iterparse``: DTDs, entity declarations and external
references are refused before any expansion, and each ``<object>`` is
released once handled, so memory stays flat on large documents.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from defusedxml import DefusedXmlException
from defusedxml import DTDForbidden as _DTD
from defusedxml import EntitiesForbidden as _Entities
from defusedxml import ExternalReferenceForbidden as _External
from defusedxml.ElementTree import iterparse

from manouche.serial._base import (
    BaseDeserializer,
    BaseSerializer,
    DeserializedObject,
    Plan,
    objects_from_dicts,
)
from manouche.serial._values import TextValue as XMLText
from manouche.serial._values import text_value
from manouche.serial.exceptions import (
    DeserializationError,
    DTDForbidden,
    EntitiesForbidden,
    ExternalReferenceForbidden,
    UnsafeXMLError,
)

__all__ = ["XMLDeserializer", "XMLSerializer"]

_CONTROL = re.compile(r"[\x00-\x08\x0B-\x0C\x0E-\x1F]")
# Django's get_internal_type() for field classes that report their parent's.
_INTERNAL = {"EmailField": "CharField", "URLField": "CharField", "ImageField": "FileField"}


class XMLSerializer(BaseSerializer):
    """Django's "xml" format."""

    def start_serialization(self) -> None:
        indent = self.options.get("indent")
        self._nl = (
            (lambda level: "\n" + " " * indent * level)
            if indent is not None
            else (lambda level: "")
        )
        encoding = self.options.get("encoding", "utf-8")
        self._parts: list[str] = [
            f'<?xml version="1.0" encoding="{encoding}"?>\n<django-objects version="1.0">'
        ]
        self._write = self.stream.write

    def _text(self, value: str, plan: Plan, pk: Any, field: str) -> str:
        if _CONTROL.search(value):
            raise ValueError(
                f"{plan.spec.model_label}.{field} (pk:{pk}) contains unserializable characters"
            )
        return escape(value)

    def write_object(
        self, plan: Plan, pk: Any, values: Sequence[Any], m2m: list[list[Any]]
    ) -> None:
        nl = self._nl
        parts = self._parts
        spec = plan.spec
        head = f"{nl(1)}<object model={quoteattr(spec.label)}"
        if plan.write_pk and pk is not None:
            head += f" pk={quoteattr(str(pk))}"
        parts.append(head + ">")
        for f, natural, v in zip(plan.fields, plan.natural, values, strict=True):
            if f.target is None:
                kind = _INTERNAL.get(f.kind, f.kind)
                parts.append(f"{nl(2)}<field name={quoteattr(f.name)} type={quoteattr(kind)}>")
                if v is None:
                    parts.append("<None></None>")
                else:
                    text = (
                        v
                        if f.to_string is not None
                        else f.to_json(v)
                        if f.decimal_places is not None and f.to_json
                        else text_value(kind, v, f.utc)
                    )
                    parts.append(self._text(str(text), plan, pk, f.name))
            else:
                to = plan.related.get(f.name)
                if to is None:
                    from manouche.serial._base import _related_spec

                    to = plan.related[f.name] = _related_spec(self.registry, f)
                parts.append(
                    f"{nl(2)}<field name={quoteattr(f.name)} "
                    f"rel={quoteattr(f.rel or 'ManyToOneRel')} "
                    f"to={quoteattr(to.label)}>"
                )
                if v is None:
                    parts.append("<None></None>")
                elif natural:
                    for part in v:
                        parts.append(
                            f"<natural>{self._text(str(part), plan, pk, f.name)}</natural>"
                        )
                else:
                    parts.append(escape(str(v)))
            parts.append("</field>")
        for m, natural, vs in zip(plan.m2m, plan.m2m_natural, m2m, strict=True):
            to_label = _table_label(m.related_table, self)
            parts.append(
                f"{nl(2)}<field name={quoteattr(m.name)} "
                f'rel="ManyToManyRel" to={quoteattr(to_label)}>'
            )
            for v in vs:
                if natural:
                    inner = "".join(
                        f"<natural>{self._text(str(p), plan, pk, m.name)}</natural>" for p in v
                    )
                    parts.append(f"<object>{inner}</object>")
                else:
                    parts.append(f"<object pk={quoteattr(str(v))}></object>")
            parts.append("</field>")
        parts.append(f"{nl(1)}</object>")
        if len(parts) > 2048:
            self._write("".join(parts))
            parts.clear()

    def end_serialization(self) -> None:
        self._parts.append(f"{self._nl(0)}</django-objects>")
        self._write("".join(self._parts))
        self._parts.clear()


def _table_label(table: Any, ser: BaseSerializer) -> str:
    if ser.registry is not None:
        return ser.registry.for_table(table).label
    from manouche.serial._models import table_label

    return table_label(table)


def _inner(el: Any) -> str:
    return "".join(el.itertext()).strip()


class XMLDeserializer(BaseDeserializer):
    """Reads the "xml" format incrementally, refusing DTDs and entities."""

    def objects(self) -> Iterator[DeserializedObject]:
        return objects_from_dicts(self, self._dicts())

    def _dicts(self) -> Iterator[dict[str, Any]]:
        source = self.stream
        if isinstance(source, str):
            import io

            source = io.BytesIO(source.encode("utf-8"))
        elif isinstance(source, bytes | bytearray):
            import io

            source = io.BytesIO(bytes(source))
        events = iterparse(
            source,
            events=("start", "end"),
            forbid_dtd=True,
            forbid_entities=True,
            forbid_external=True,
        )
        depth = 0
        root = None
        index = 0
        try:
            for event, el in events:
                if event == "start":
                    depth += 1
                    if depth == 1:
                        root = el
                        if el.tag != "django-objects":
                            raise DeserializationError(
                                f"expected <django-objects>, found <{el.tag}>"
                            )
                    continue
                depth -= 1
                if depth != 1:
                    continue
                if el.tag != "object":
                    raise DeserializationError(f"unexpected <{el.tag}> in <django-objects>")
                index += 1
                yield self._object(el, index)
                assert root is not None
                root.clear()
        except DefusedXmlException as exc:
            raise _unsafe(exc) from None
        except SyntaxError as exc:  # ParseError
            raise DeserializationError(f"invalid XML: {exc}") from None

    def _object(self, el: Any, index: int) -> dict[str, Any]:
        model = el.get("model")
        if not model:
            raise DeserializationError(
                "<object> node is missing the required 'model' attribute", index=index
            )
        fields: dict[str, Any] = {}
        for node in el.findall("field"):
            name = node.get("name")
            if not name:
                raise DeserializationError(
                    "<field> node is missing the 'name' attribute", index=index, model=model
                )
            rel = node.get("rel")
            if rel == "ManyToManyRel":
                items: list[Any] = []
                for obj in node.iter("object"):
                    naturals = obj.findall("natural")
                    if naturals:
                        items.append([_inner(n) for n in naturals])
                    else:
                        items.append(XMLText(obj.get("pk", "")))
                fields[name] = items
            elif node.find(".//None") is not None:
                fields[name] = None
            elif rel:
                naturals = node.findall("natural")
                fields[name] = [_inner(n) for n in naturals] if naturals else XMLText(_inner(node))
            else:
                fields[name] = XMLText(_inner(node))
        d: dict[str, Any] = {"model": model, "fields": fields}
        pk = el.get("pk")
        if pk is not None:
            d["pk"] = XMLText(pk)
        return d


def _unsafe(exc: DefusedXmlException) -> UnsafeXMLError:
    """Our error for what defusedxml refused, by Django's class names."""
    cls: type[UnsafeXMLError] = UnsafeXMLError
    what = "something unsafe"
    if isinstance(exc, _DTD):
        cls, what = DTDForbidden, "a document type declaration"
    elif isinstance(exc, _Entities):
        cls, what = EntitiesForbidden, "an entity declaration"
    elif isinstance(exc, _External):
        cls, what = ExternalReferenceForbidden, "an external reference"
    return cls(f"unsafe XML refused: the document contains {what} ({exc})")

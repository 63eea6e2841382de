"""The errors serialization raises, with Django's names."""

from __future__ import annotations

__all__ = [
    "DTDForbidden",
    "DeserializationError",
    "EntitiesForbidden",
    "ExternalReferenceForbidden",
    "FixtureError",
    "ModelNotFound",
    "SerializationError",
    "SerializerDoesNotExist",
    "UnsafeXMLError",
]


#: ``DeserializationError(value=...)`` when no value is at fault.
NO_VALUE: object = type("_NoValue", (), {"__repr__": lambda self: "NO_VALUE"})()


class SerializerDoesNotExist(KeyError):
    """The requested format is not registered."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "serializer does not exist"


class SerializationError(Exception):
    """Something bad happened while writing objects out."""


class DeserializationError(Exception):
    """Something bad happened while reading objects in.

    ``index`` is the 1-based position of the object in the document (or the
    line for JSONL), ``model`` its label, ``pk`` its primary key and ``field``
    the field at fault, each ``None`` when unknown. ``line`` and ``column``
    (1-based) locate a syntax error in the document itself, counted from its
    start. ``value`` is the value at fault, when there is one. ``str()`` says all
    of it, ending as Django's does: ``(app.model:pk=1) field_value was 'x'``.
    """

    def __init__(
        self,
        reason: str,
        *,
        index: int | None = None,
        model: str | None = None,
        pk: object = None,
        field: str | None = None,
        line: int | None = None,
        column: int | None = None,
        value: object = NO_VALUE,
    ) -> None:
        self.reason = reason
        self.value = value
        self.line = line
        self.column = column
        self.index = index
        self.model = model
        self.pk = pk
        self.field = field
        super().__init__(self._message())

    def _message(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"line {self.line}, column {self.column}")
        if self.index is not None:
            where.append(f"object #{self.index}")
        if self.model is not None:
            where.append(f"model {self.model!r}")
        if self.pk is not None:
            where.append(f"pk={self.pk!r}")
        if self.field is not None:
            where.append(f"field {self.field!r}")
        text = f"{', '.join(where)}: {self.reason}" if where else self.reason
        if self.model is not None and self.value is not NO_VALUE:
            text += f": ({self.model}:pk={self.pk}) field_value was '{self.value}'"
        return text

    def located(
        self,
        *,
        index: int | None = None,
        model: str | None = None,
        pk: object = None,
        field: str | None = None,
        value: object = NO_VALUE,
    ) -> DeserializationError:
        """A copy with the missing parts of the location filled in."""
        return type(self)(
            self.reason,
            index=self.index if self.index is not None else index,
            model=self.model if self.model is not None else model,
            pk=self.pk if self.pk is not None else pk,
            field=self.field if self.field is not None else field,
            line=self.line,
            column=self.column,
            value=self.value if self.value is not NO_VALUE else value,
        )


class UnsafeXMLError(DeserializationError, ValueError):
    """An XML document declared something the XML reader refuses (a DTD, an entity, ...)."""


class DTDForbidden(UnsafeXMLError):
    """An XML document carried a document type declaration (``<!DOCTYPE ...>``)."""


class EntitiesForbidden(UnsafeXMLError):
    """An XML document declared an entity (``<!ENTITY ...>``)."""


class ExternalReferenceForbidden(UnsafeXMLError):
    """An XML document referred to an external resource (a system or public id)."""


class ModelNotFound(DeserializationError):
    """A fixture names a model the registry does not know."""


class FixtureError(Exception):
    """Loading or dumping a fixture file failed; nothing was written."""

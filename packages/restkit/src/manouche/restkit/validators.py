"""Validators: value checks for fields, and uniqueness checks against the database.

A validator is a callable taking the value (and the field or serializer when it
has ``requires_context = True``) that raises :class:`ValidationError`.
``UniqueValidator`` and ``UniqueTogetherValidator`` ask the database through the
queryset they are given: an orm-lite ``QuerySet`` (``Model.objects.all()``) or a
:class:`SQLAlchemyQuery` for a plain SQLAlchemy model.

The value checks that are Django's (length, value, regex, null characters,
e-mail, URL) are manouche-validation's, the ones forms and models use, so an
address a form accepts the API accepts too; they raise validation's
``ValidationError``, which fields turn into DRF's error details.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from manouche.restkit.exceptions import ValidationError
from manouche.restkit.queries import SQLAlchemyQuery
from manouche.validation import (
    EmailValidator,
    MaxLengthValidator,
    MaxValueValidator,
    MinLengthValidator,
    MinValueValidator,
    ProhibitNullCharactersValidator,
    RegexValidator,
    URLValidator,
)

__all__ = [
    "EmailValidator",
    "MaxLengthValidator",
    "MaxValueValidator",
    "MinLengthValidator",
    "MinValueValidator",
    "ProhibitNullCharactersValidator",
    "ProhibitSurrogateCharactersValidator",
    "RegexValidator",
    "SQLAlchemyQuery",
    "URLValidator",
    "UniqueTogetherValidator",
    "UniqueValidator",
]


_SURROGATE = re.compile("[\ud800-\udfff]")


class ProhibitSurrogateCharactersValidator:
    """DRF's own check (Django has none): a lone surrogate cannot be encoded as UTF-8."""

    message = "Surrogate characters are not allowed: U+{code_point:X}."
    code = "surrogate_characters_not_allowed"

    def __call__(self, value: Any) -> None:
        found = _SURROGATE.search(str(value))
        if found is not None:
            code_point = ord(found.group())
            raise ValidationError(self.message.format(code_point=code_point), code=self.code)


# -- uniqueness ----------------------------------------------------------------


def _exclude_instance(queryset: Any, instance: Any) -> Any:
    if instance is None:
        return queryset
    if hasattr(queryset, "exclude_instance"):
        return queryset.exclude_instance(instance)
    return queryset.exclude(pk=instance.pk)


def _filter(queryset: Any, **lookups: Any) -> Any:
    return queryset.filter(**lookups)


class UniqueValidator:
    """The value is not used by another row: ``UniqueValidator(queryset=Book.objects.all())``."""

    message = "This field must be unique."
    requires_context = True

    def __init__(self, queryset: Any, message: str | None = None, lookup: str = "exact") -> None:
        self.queryset = queryset
        if message is not None:
            self.message = message
        self.lookup = lookup

    def __call__(self, value: Any, serializer_field: Any) -> None:
        field_name = serializer_field.source_attrs[-1]
        instance = getattr(serializer_field.parent, "instance", None)
        queryset = _filter(self.queryset, **{f"{field_name}__{self.lookup}": value})
        queryset = _exclude_instance(queryset, instance)
        if queryset.exists():
            raise ValidationError(self.message, code="unique")


class UniqueTogetherValidator:
    """The values of ``fields`` together are not used by another row."""

    message = "The fields {field_names} must make a unique set."
    missing_message = "This field is required."
    requires_context = True

    def __init__(self, queryset: Any, fields: Sequence[str], message: str | None = None) -> None:
        self.queryset = queryset
        self.fields = tuple(fields)
        if message is not None:
            self.message = message

    def __call__(self, attrs: Mapping[str, Any], serializer: Any) -> None:
        instance = getattr(serializer, "instance", None)
        by_name = serializer.fields
        sources = {name: by_name[name].source for name in self.fields if name in by_name}
        if instance is None:
            missing = {
                name: self.missing_message
                for name in self.fields
                if sources.get(name, name) not in attrs
            }
            if missing and not getattr(serializer, "partial", False):
                raise ValidationError(missing, code="required")
        values = {}
        for name in self.fields:
            source = sources.get(name, name)
            if source in attrs:
                values[source] = attrs[source]
            elif instance is not None:
                values[source] = getattr(instance, source)
            else:
                return
        if any(v is None for v in values.values()):
            return
        queryset = _exclude_instance(_filter(self.queryset, **values), instance)
        if queryset.exists():
            raise ValidationError(
                self.message.format(field_names=", ".join(self.fields)), code="unique"
            )


Validator = Callable[..., None]
__all__ = [
    "EmailValidator",
    "MaxLengthValidator",
    "MaxValueValidator",
    "MinLengthValidator",
    "MinValueValidator",
    "ProhibitNullCharactersValidator",
    "ProhibitSurrogateCharactersValidator",
    "RegexValidator",
    "SQLAlchemyQuery",
    "URLValidator",
    "UniqueTogetherValidator",
    "UniqueValidator",
    "Validator",
]

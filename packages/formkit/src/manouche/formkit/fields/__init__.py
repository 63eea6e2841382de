"""Fields: turning submitted strings into Python values, with Django's rules.

A field cleans in three steps, as Django's: :meth:`Field.to_python` converts
(``invalid`` errors), :meth:`Field.validate` checks what every value of the
type must satisfy (``required``, ``invalid_choice``...), then the validators
run (``max_length``, ``min_value``...). Error codes and default messages are
Django's; messages go through the gettext hook when raised.
"""

from __future__ import annotations

from manouche.formkit.fields._base import CharField, Field
from manouche.formkit.fields._choices import (
    BooleanField,
    ChoiceField,
    MultipleChoiceField,
    NullBooleanField,
    TypedChoiceField,
    TypedMultipleChoiceField,
)
from manouche.formkit.fields._files import FileField, ImageField
from manouche.formkit.fields._multi import ComboField, MultiValueField, SplitDateTimeField
from manouche.formkit.fields._numbers import DecimalField, FloatField, IntegerField
from manouche.formkit.fields._paths import FilePathField
from manouche.formkit.fields._temporal import DateField, DateTimeField, DurationField, TimeField
from manouche.formkit.fields._text import (
    EmailField,
    GenericIPAddressField,
    InvalidJSONInput,
    JSONField,
    JSONString,
    RegexField,
    SlugField,
    URLField,
    UUIDField,
)

__all__ = [
    "InvalidJSONInput",
    "JSONString",
    "BooleanField",
    "CharField",
    "ChoiceField",
    "ComboField",
    "DateField",
    "DateTimeField",
    "DecimalField",
    "DurationField",
    "EmailField",
    "Field",
    "FileField",
    "FilePathField",
    "FloatField",
    "GenericIPAddressField",
    "ImageField",
    "IntegerField",
    "JSONField",
    "MultiValueField",
    "MultipleChoiceField",
    "NullBooleanField",
    "RegexField",
    "SlugField",
    "SplitDateTimeField",
    "TimeField",
    "TypedChoiceField",
    "TypedMultipleChoiceField",
    "URLField",
    "UUIDField",
]

"""Serializer fields with DRF's names, arguments, messages and behaviour.

A field turns one value of an object into a primitive (``to_representation``)
and one primitive of the input back into a Python value (``to_internal_value``),
running its validators and answering DRF's messages with DRF's codes.

The fields live in modules by what they hold (``_scalars``, ``_datetimes``,
``_composite``; relations in ``manouche.restkit.relations``); they are all
imported from here, as in DRF.
"""

from __future__ import annotations

from manouche.restkit.fields._base import (
    _MESSAGES_BY_CLASS as _MESSAGES_BY_CLASS,
)
from manouche.restkit.fields._base import (
    _MISSING as _MISSING,
)
from manouche.restkit.fields._base import (
    _SIMPLE_CALLABLES as _SIMPLE_CALLABLES,
)
from manouche.restkit.fields._base import (
    CreateOnlyDefault as CreateOnlyDefault,
)
from manouche.restkit.fields._base import (
    CurrentUserDefault as CurrentUserDefault,
)
from manouche.restkit.fields._base import (
    Field as Field,
)
from manouche.restkit.fields._base import (
    HiddenField as HiddenField,
)
from manouche.restkit.fields._base import (
    ModelField as ModelField,
)
from manouche.restkit.fields._base import (
    ReadOnlyField as ReadOnlyField,
)
from manouche.restkit.fields._base import (
    SerializerMethodField as SerializerMethodField,
)
from manouche.restkit.fields._base import (
    _call_if_simple as _call_if_simple,
)
from manouche.restkit.fields._base import (
    _class_messages as _class_messages,
)
from manouche.restkit.fields._base import (
    _creation_counter as _creation_counter,
)
from manouche.restkit.fields._base import (
    _foreign_validation_error as _foreign_validation_error,
)
from manouche.restkit.fields._base import (
    _is_html_input as _is_html_input,
)
from manouche.restkit.fields._base import (
    empty as empty,
)
from manouche.restkit.fields._base import (
    get_attribute as get_attribute,
)
from manouche.restkit.fields._base import (
    is_simple_callable as is_simple_callable,
)
from manouche.restkit.fields._base import (
    set_value as set_value,
)
from manouche.restkit.fields._composite import (
    DictField as DictField,
)
from manouche.restkit.fields._composite import (
    JSONField as JSONField,
)
from manouche.restkit.fields._composite import (
    ListField as ListField,
)
from manouche.restkit.fields._composite import (
    _UnvalidatedField as _UnvalidatedField,
)
from manouche.restkit.fields._datetimes import (
    _DURATION_RE as _DURATION_RE,
)
from manouche.restkit.fields._datetimes import (
    ISO_8601 as ISO_8601,
)
from manouche.restkit.fields._datetimes import (
    DateField as DateField,
)
from manouche.restkit.fields._datetimes import (
    DateTimeField as DateTimeField,
)
from manouche.restkit.fields._datetimes import (
    DurationField as DurationField,
)
from manouche.restkit.fields._datetimes import (
    TimeField as TimeField,
)
from manouche.restkit.fields._datetimes import (
    _parse_with_formats as _parse_with_formats,
)
from manouche.restkit.fields._scalars import (
    _RE_DECIMAL as _RE_DECIMAL,
)
from manouche.restkit.fields._scalars import (
    BigIntegerField as BigIntegerField,
)
from manouche.restkit.fields._scalars import (
    BooleanField as BooleanField,
)
from manouche.restkit.fields._scalars import (
    CharField as CharField,
)
from manouche.restkit.fields._scalars import (
    ChoiceField as ChoiceField,
)
from manouche.restkit.fields._scalars import (
    DecimalField as DecimalField,
)
from manouche.restkit.fields._scalars import (
    EmailField as EmailField,
)
from manouche.restkit.fields._scalars import (
    FloatField as FloatField,
)
from manouche.restkit.fields._scalars import (
    IntegerField as IntegerField,
)
from manouche.restkit.fields._scalars import (
    IPAddressField as IPAddressField,
)
from manouche.restkit.fields._scalars import (
    MultipleChoiceField as MultipleChoiceField,
)
from manouche.restkit.fields._scalars import (
    RegexField as RegexField,
)
from manouche.restkit.fields._scalars import (
    SlugField as SlugField,
)
from manouche.restkit.fields._scalars import (
    URLField as URLField,
)
from manouche.restkit.fields._scalars import (
    UUIDField as UUIDField,
)
from manouche.restkit.fields._scalars import (
    _flatten_choices as _flatten_choices,
)
from manouche.restkit.fields._scalars import (
    _NumberField as _NumberField,
)

# The public classes answer to the module users import them from (reprs, docs, pickles).
for _name, _value in list(globals().items()):
    if isinstance(_value, type) and not _name.startswith("_") and _value.__module__ != __name__:
        if _value.__module__.startswith(__name__ + "."):
            _value.__module__ = __name__
del _name, _value

"""Fields that hold other values: lists, dictionaries, JSON."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Mapping
from typing import Any

from manouche.restkit import validators as v
from manouche.restkit._i18n import gettext_noop as _
from manouche.restkit.exceptions import ValidationError
from manouche.restkit.fields._base import (
    Field,
    _is_html_input,
    empty,
)

# -- containers ---------------------------------------------------------------


class _UnvalidatedField(Field):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.allow_blank = True
        self.allow_null = True

    def to_internal_value(self, data: Any) -> Any:
        return data

    def to_representation(self, value: Any) -> Any:
        return value


class ListField(Field):
    child: Field = _UnvalidatedField()
    initial: Any = []
    default_error_messages = {
        "not_a_list": _('Expected a list of items but got type "{input_type}".'),
        "empty": _("This list may not be empty."),
        "min_length": _("Ensure this field has at least {min_length} elements."),
        "max_length": _("Ensure this field has no more than {max_length} elements."),
    }

    def __init__(
        self,
        *,
        child: Field | None = None,
        allow_empty: bool = True,
        max_length: int | None = None,
        min_length: int | None = None,
        **kwargs: Any,
    ) -> None:
        self.child = copy.deepcopy(child if child is not None else self.child)
        if getattr(self.child, "source", None) is not None:
            raise TypeError(
                "The `source` argument is not meaningful when applied to a `child=` field."
            )
        self.allow_empty = allow_empty
        self.max_length = max_length
        self.min_length = min_length
        super().__init__(**kwargs)
        self.child.bind(field_name="", parent=self)

    def get_validators(self) -> list[Callable[..., Any]]:
        found: list[Callable[..., Any]] = []
        if self.max_length is not None:
            msg = self.error_messages["max_length"].format(max_length=self.max_length)
            found.append(v.MaxLengthValidator(self.max_length, message=msg))
        if self.min_length is not None:
            msg = self.error_messages["min_length"].format(min_length=self.min_length)
            found.append(v.MinLengthValidator(self.min_length, message=msg))
        return found

    def get_value(self, dictionary: Mapping[str, Any]) -> Any:
        if self.field_name not in dictionary and getattr(self.root, "partial", False):
            return empty
        if _is_html_input(dictionary):
            values = dictionary.getlist(self.field_name)  # type: ignore[attr-defined]
            return values if values else empty
        return dictionary.get(self.field_name, empty)

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, (str, Mapping)) or not hasattr(data, "__iter__"):
            self.fail("not_a_list", input_type=type(data).__name__)
        if not self.allow_empty and len(data) == 0:
            self.fail("empty")
        return self.run_child_validation(data)

    def run_child_validation(self, data: Any) -> list[Any]:
        result: list[Any] = []
        errors: dict[int, Any] = {}
        for index, item in enumerate(data):
            try:
                result.append(self.child.run_validation(item))
            except ValidationError as exc:
                errors[index] = exc.detail
        if errors:
            raise ValidationError(errors)
        return result

    def to_representation(self, data: Any) -> Any:
        child = self.child
        return [None if item is None else child.to_representation(item) for item in data]


class DictField(Field):
    child: Field = _UnvalidatedField()
    initial: Any = {}
    default_error_messages = {
        "not_a_dict": _('Expected a dictionary of items but got type "{input_type}".'),
        "empty": _("This dictionary may not be empty."),
    }

    def __init__(self, *, child: Field | None = None, allow_empty: bool = True, **kwargs: Any):
        self.child = copy.deepcopy(child if child is not None else self.child)
        self.allow_empty = allow_empty
        super().__init__(**kwargs)
        self.child.bind(field_name="", parent=self)

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, dict):
            self.fail("not_a_dict", input_type=type(data).__name__)
        if not self.allow_empty and len(data) == 0:
            self.fail("empty")
        result: dict[str, Any] = {}
        errors: dict[str, Any] = {}
        for key, value in data.items():
            key = str(key)
            try:
                result[key] = self.child.run_validation(value)
            except ValidationError as exc:
                errors[key] = exc.detail
        if errors:
            raise ValidationError(errors)
        return result

    def to_representation(self, value: Any) -> Any:
        return {
            str(key): None if val is None else self.child.to_representation(val)
            for key, val in value.items()
        }


class JSONField(Field):
    default_error_messages = {"invalid": _("Value must be valid JSON.")}

    def __init__(
        self, binary: bool = False, encoder: Any = None, decoder: Any = None, **kwargs: Any
    ):
        self.binary = binary
        self.encoder = encoder
        self.decoder = decoder
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Any:
        try:
            if self.binary or getattr(data, "is_json_string", False):
                if isinstance(data, bytes):
                    data = data.decode()
                return json.loads(data, cls=self.decoder)
            json.dumps(data, cls=self.encoder)
        except (TypeError, ValueError):
            self.fail("invalid")
        return data

    def to_representation(self, value: Any) -> Any:
        if self.binary:
            value = json.dumps(value, cls=self.encoder).encode()
        return value

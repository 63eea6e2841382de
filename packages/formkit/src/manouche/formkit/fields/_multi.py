"""Fields made of several fields: ComboField, MultiValueField, SplitDateTimeField."""

from __future__ import annotations

import copy
import datetime
from collections.abc import Sequence
from typing import Any

from manouche.formkit._i18n import gettext_noop
from manouche.formkit.exceptions import ValidationError
from manouche.formkit.fields._base import Field
from manouche.formkit.fields._temporal import DateField, TimeField
from manouche.formkit.widgets import (
    SplitDateTimeWidget,
    SplitHiddenDateTimeWidget,
)


class ComboField(Field):
    """A value that every one of ``fields`` accepts, cleaned by each in turn.

    .. versionadded:: 0.2
    """

    def __init__(self, fields: Sequence[Field], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # Only the ComboField itself says whether a value is required.
        for field in fields:
            field.required = False
        self.fields = list(fields)

    def __deepcopy__(self, memo: dict[int, Any]) -> Field:
        result = super().__deepcopy__(memo)
        assert isinstance(result, ComboField)
        result.fields = [copy.deepcopy(f, memo) for f in self.fields]
        return result

    def clean(self, value: Any) -> Any:
        super().clean(value)
        for field in self.fields:
            value = field.clean(value)
        return value


class MultiValueField(Field):
    """One value made from several fields (``fields``), joined by :meth:`compress`."""

    default_error_messages = {
        "invalid": gettext_noop("Enter a list of values."),
        "incomplete": gettext_noop("Enter a complete value."),
    }

    def __init__(
        self, fields: Sequence[Field], *, require_all_fields: bool = True, **kwargs: Any
    ) -> None:
        self.require_all_fields = require_all_fields
        super().__init__(**kwargs)
        for field in fields:
            field.error_messages.setdefault("incomplete", self.error_messages["incomplete"])
            if self.disabled:
                field.disabled = True
            if self.require_all_fields:
                field.required = False
        self.fields = list(fields)

    def __deepcopy__(self, memo: dict[int, Any]) -> Field:
        result = super().__deepcopy__(memo)
        assert isinstance(result, MultiValueField)
        result.fields = [copy.deepcopy(f, memo) for f in self.fields]
        return result

    def validate(self, value: Any) -> None:
        pass

    def clean(self, value: Any) -> Any:
        clean_data: list[Any] = []
        errors: list[ValidationError] = []
        if self.disabled and not isinstance(value, list):
            value = self.widget.decompress(value)
        if not value or isinstance(value, (list, tuple)):
            if not value or not [x for x in value if x not in self.empty_values]:
                if self.required:
                    raise self.error("required")
                return self.compress([])
        else:
            raise self.error("invalid")
        for index, field in enumerate(self.fields):
            field_value = value[index] if index < len(value) else None
            if field_value in self.empty_values:
                if self.require_all_fields:
                    if self.required:
                        raise self.error("required")
                elif field.required:
                    incomplete = field.error("incomplete")
                    if incomplete not in errors:
                        errors.append(incomplete)
                    continue
            try:
                clean_data.append(field.clean(field_value))
            except ValidationError as exc:
                errors.extend(m for m in exc.error_list if m not in errors)
        if errors:
            raise ValidationError(errors)
        out = self.compress(clean_data)
        self.validate(out)
        self.run_validators(out)
        return out

    def compress(self, data_list: list[Any]) -> Any:
        raise NotImplementedError("Subclasses must implement compress().")

    def has_changed(self, initial: Any, data: Any) -> bool:
        if self.disabled:
            return False
        if initial is None:
            initial = ["" for _ in range(len(data))]
        elif not isinstance(initial, list):
            initial = self.widget.decompress(initial)
        for field, initial_value, data_value in zip(self.fields, initial, data, strict=False):
            try:
                initial_value = field.to_python(initial_value)
            except ValidationError:
                return True
            if field.has_changed(initial_value, data_value):
                return True
        return False


class SplitDateTimeField(MultiValueField):
    """A datetime from a date input and a time input."""

    widget = SplitDateTimeWidget
    hidden_widget = SplitHiddenDateTimeWidget
    default_error_messages = {
        "invalid_date": gettext_noop("Enter a valid date."),
        "invalid_time": gettext_noop("Enter a valid time."),
    }

    def __init__(
        self,
        *,
        input_date_formats: Sequence[str] | None = None,
        input_time_formats: Sequence[str] | None = None,
        timezone: datetime.tzinfo | None = None,
        **kwargs: Any,
    ) -> None:
        messages = {**self.default_error_messages, **kwargs.get("error_messages", {})}
        self.timezone = timezone
        fields = (
            DateField(
                input_formats=input_date_formats,
                error_messages={"invalid": messages["invalid_date"]},
            ),
            TimeField(
                input_formats=input_time_formats,
                error_messages={"invalid": messages["invalid_time"]},
            ),
        )
        super().__init__(fields, **kwargs)

    def compress(self, data_list: list[Any]) -> Any:
        if data_list:
            if data_list[0] in self.empty_values:
                raise self.error("invalid_date")
            if data_list[1] in self.empty_values:
                raise self.error("invalid_time")
            result = datetime.datetime.combine(data_list[0], data_list[1])
            if self.timezone is not None:
                result = result.replace(tzinfo=self.timezone)
            return result
        return None

"""Booleans and choices, single and multiple, typed or not."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from typing import Any

from manouche.formkit._i18n import gettext_noop
from manouche.formkit.exceptions import ValidationError
from manouche.formkit.fields._base import Field
from manouche.formkit.widgets import (
    CheckboxInput,
    MultipleHiddenInput,
    NullBooleanSelect,
    Select,
    SelectMultiple,
    _LazyChoices,
    normalize_choices,
)


class BooleanField(Field):
    """A checkbox: ``"false"`` and ``"0"`` are False; required means it must be ticked."""

    widget: Any = CheckboxInput

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and value.lower() in ("false", "0"):
            return False
        return bool(value)

    def validate(self, value: Any) -> None:
        if not value and self.required:
            raise self.error("required")

    def has_changed(self, initial: Any, data: Any) -> bool:
        if self.disabled:
            return False
        return bool(self.to_python(initial) != self.to_python(data))


class NullBooleanField(BooleanField):
    """True, False or None (unknown)."""

    widget = NullBooleanSelect

    def to_python(self, value: Any) -> Any:
        if value in (True, "True", "true", "1"):
            return True
        if value in (False, "False", "false", "0"):
            return False
        return None

    def validate(self, value: Any) -> None:
        pass


class ChoiceField(Field):
    """One of ``choices`` (pairs, groups, a mapping or a callable), as text."""

    widget = Select
    default_error_messages = {
        "invalid_choice": gettext_noop(
            "Select a valid choice. %(value)s is not one of the available choices."
        )
    }

    def __init__(self, *, choices: Any = (), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.choices = choices

    @property
    def choices(self) -> Any:
        return self._choices

    @choices.setter
    def choices(self, value: Any) -> None:
        if isinstance(value, _LazyChoices):
            self._choices: Any = value
            self._keys: frozenset[str] | None = None
        elif callable(value) and not isinstance(value, type):
            self._choices = _LazyChoices(lambda: normalize_choices(value))
            self._keys = None
        else:
            self._choices = normalize_choices(value)
            self._keys = frozenset(_choice_keys(self._choices))
        widget: Any = self.widget
        widget.choices = self._choices

    def __deepcopy__(self, memo: dict[int, Any]) -> Field:
        result = super().__deepcopy__(memo)
        assert isinstance(result, ChoiceField)
        result._choices = copy.copy(self._choices)
        return result

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return ""
        return str(value)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value and not self.valid_value(value):
            raise self.error("invalid_choice", {"value": value})

    def valid_value(self, value: Any) -> bool:
        """Whether ``value`` is one of the choices (compared as text)."""
        keys = self._keys
        if keys is None:
            keys = frozenset(_choice_keys(normalize_choices(list(self._choices))))
        return str(value) in keys


def _choice_keys(choices: Iterable[tuple[Any, Any]]) -> Iterable[str]:
    for key, label in choices:
        if isinstance(label, (list, tuple)):
            for subkey, _sublabel in label:
                yield str(subkey)
        else:
            yield str(key)


class TypedChoiceField(ChoiceField):
    """A ChoiceField whose value is passed through ``coerce``."""

    def __init__(
        self,
        *,
        coerce: Callable[[Any], Any] = lambda val: val,
        empty_value: Any = "",
        **kwargs: Any,
    ) -> None:
        self.coerce = coerce
        self.empty_value = empty_value
        super().__init__(**kwargs)

    def _coerce(self, value: Any) -> Any:
        if value == self.empty_value or value in self.empty_values:
            return self.empty_value
        try:
            return self.coerce(value)
        except (ValueError, TypeError, ValidationError):
            raise self.error("invalid_choice", {"value": value}) from None

    def clean(self, value: Any) -> Any:
        return self._coerce(super().clean(value))


class MultipleChoiceField(ChoiceField):
    """Several of ``choices``; the data is read with ``getlist``."""

    hidden_widget = MultipleHiddenInput
    widget = SelectMultiple
    default_error_messages = {
        "invalid_choice": gettext_noop(
            "Select a valid choice. %(value)s is not one of the available choices."
        ),
        "invalid_list": gettext_noop("Enter a list of values."),
    }

    def to_python(self, value: Any) -> Any:
        if not value:
            return []
        if not isinstance(value, (list, tuple)):
            raise self.error("invalid_list")
        return [str(val) for val in value]

    def validate(self, value: Any) -> None:
        if self.required and not value:
            raise self.error("required")
        for val in value:
            if not self.valid_value(val):
                raise self.error("invalid_choice", {"value": val})

    def has_changed(self, initial: Any, data: Any) -> bool:
        if self.disabled:
            return False
        initial = initial or []
        data = data or []
        if len(initial) != len(data):
            return True
        return {str(x) for x in initial} != {str(x) for x in data}


_EMPTY_LIST: Any = object()


class TypedMultipleChoiceField(MultipleChoiceField):
    """A MultipleChoiceField whose values are passed through ``coerce``."""

    def __init__(
        self,
        *,
        coerce: Callable[[Any], Any] = lambda val: val,
        empty_value: Any = _EMPTY_LIST,
        **kwargs: Any,
    ) -> None:
        self.coerce = coerce
        # Django's default is a fresh []; an explicit None (or anything) is kept.
        self.empty_value = [] if empty_value is _EMPTY_LIST else empty_value
        super().__init__(**kwargs)

    def _coerce(self, value: Any) -> Any:
        if value == self.empty_value or not value:
            return self.empty_value
        result = []
        for choice in value:
            try:
                result.append(self.coerce(choice))
            except (ValueError, TypeError, ValidationError):
                raise self.error("invalid_choice", {"value": choice}) from None
        return result

    def clean(self, value: Any) -> Any:
        return self._coerce(super().clean(value))

    def validate(self, value: Any) -> None:
        if value != self.empty_value:
            super().validate(value)
        elif self.required:
            raise self.error("required")

"""Number fields: integers, floats, decimals."""

from __future__ import annotations

import math
import re
from decimal import Decimal, DecimalException
from typing import Any

from manouche.formkit import _i18n
from manouche.formkit import validators as v
from manouche.formkit._i18n import gettext_noop
from manouche.formkit.fields._base import Field
from manouche.formkit.widgets import (
    NumberInput,
    TextInput,
    Widget,
)

_TRAILING_DECIMAL = re.compile(r"\.0*\s*$")


class IntegerField(Field):
    """A whole number; ``1.0`` is accepted as 1, ``min_value``/``max_value``/``step_size``."""

    widget = NumberInput
    default_error_messages = {"invalid": gettext_noop("Enter a whole number.")}

    def __init__(
        self,
        *,
        max_value: Any = None,
        min_value: Any = None,
        step_size: Any = None,
        **kwargs: Any,
    ) -> None:
        self.max_value, self.min_value, self.step_size = max_value, min_value, step_size
        if kwargs.get("localize") and self.widget is NumberInput:
            kwargs.setdefault("widget", TextInput)
        super().__init__(**kwargs)
        if max_value is not None:
            self.validators.append(v.MaxValueValidator(max_value))
        if min_value is not None:
            self.validators.append(v.MinValueValidator(min_value))
        if step_size is not None:
            self.validators.append(v.StepValueValidator(step_size, offset=min_value))

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        if self.localize:
            value = _i18n.delocalize_number(value)
        try:
            return int(_TRAILING_DECIMAL.sub("", str(value)))
        except (ValueError, TypeError):
            raise self.error("invalid") from None

    def widget_attrs(self, widget: Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        if isinstance(widget, NumberInput):
            if self.min_value is not None:
                attrs["min"] = self.min_value
            if self.max_value is not None:
                attrs["max"] = self.max_value
            if self.step_size is not None:
                attrs["step"] = self.step_size
        return attrs


class FloatField(IntegerField):
    """A finite float."""

    default_error_messages = {"invalid": gettext_noop("Enter a number.")}

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        if self.localize:
            value = _i18n.delocalize_number(value)
        try:
            return float(value)
        except (ValueError, TypeError):
            raise self.error("invalid") from None

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value not in self.empty_values and not math.isfinite(value):
            raise self.error("invalid")

    def widget_attrs(self, widget: Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        if isinstance(widget, NumberInput) and "step" not in widget.attrs:
            attrs.setdefault("step", "any" if self.step_size is None else str(self.step_size))
        return attrs


class DecimalField(IntegerField):
    """A finite Decimal with at most ``max_digits`` and ``decimal_places``."""

    default_error_messages = {"invalid": gettext_noop("Enter a number.")}

    def __init__(
        self,
        *,
        max_value: Any = None,
        min_value: Any = None,
        max_digits: int | None = None,
        decimal_places: int | None = None,
        **kwargs: Any,
    ) -> None:
        self.max_digits, self.decimal_places = max_digits, decimal_places
        super().__init__(max_value=max_value, min_value=min_value, **kwargs)
        self.validators.append(v.DecimalValidator(max_digits, decimal_places))

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        if self.localize:
            value = _i18n.delocalize_number(value)
        try:
            return Decimal(str(value))
        except DecimalException:
            raise self.error("invalid") from None

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value not in self.empty_values and not value.is_finite():
            raise self.error("invalid", {"value": value})

    def widget_attrs(self, widget: Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        if isinstance(widget, NumberInput) and "step" not in widget.attrs:
            if self.decimal_places is not None:
                step = str(Decimal(1).scaleb(-self.decimal_places)).lower()
            else:
                step = "any"
            attrs.setdefault("step", step)
        return attrs

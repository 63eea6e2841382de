"""Field types shared by every field: the base class and text."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from manouche.formkit import validators as v
from manouche.formkit._i18n import gettext_noop
from manouche.formkit._messages import Message, resolve
from manouche.formkit.exceptions import ValidationError
from manouche.formkit.widgets import (
    HiddenInput,
    TextInput,
    Widget,
)

if TYPE_CHECKING:
    from manouche.formkit.boundfield import BoundField
    from manouche.formkit.forms import BaseForm


Validator = Callable[[Any], Any]


class Field:
    """Base field: required check, validators, widget, label, initial, help text.

    Parameters are Django's: ``required``, ``widget`` (a class or an
    instance), ``label``, ``initial`` (a value or a callable), ``help_text``,
    ``error_messages`` (code -> message), ``show_hidden_initial``,
    ``validators``, ``localize``, ``disabled`` (the submitted value is
    ignored, the initial one used), ``label_suffix``, ``template_name`` (the
    field group's template, see :mod:`manouche.formkit.renderers`) and
    ``bound_field_class``.
    """

    widget: Any = TextInput
    hidden_widget: type[Widget] = HiddenInput
    default_validators: Sequence[Validator] = ()
    default_error_messages: dict[str, Message] = {
        "required": gettext_noop("This field is required.")
    }
    empty_values: tuple[Any, ...] = v.EMPTY_VALUES
    template_name: str | None = None
    bound_field_class: type[BoundField] | None = None

    def __init__(
        self,
        *,
        required: bool = True,
        widget: Widget | type[Widget] | None = None,
        label: str | None = None,
        initial: Any = None,
        help_text: str = "",
        error_messages: Mapping[str, Message] | None = None,
        show_hidden_initial: bool = False,
        validators: Iterable[Validator] = (),
        localize: bool = False,
        disabled: bool = False,
        label_suffix: str | None = None,
        template_name: str | None = None,
        bound_field_class: type[BoundField] | None = None,
    ) -> None:
        self.required, self.label, self.initial = required, label, initial
        if template_name is not None:
            self.template_name = template_name
        if bound_field_class is not None:
            self.bound_field_class = bound_field_class
        self.show_hidden_initial = show_hidden_initial
        self.help_text = help_text
        self.disabled = disabled
        self.label_suffix = label_suffix
        self.localize = localize
        widget = widget or self.widget
        widget = widget() if isinstance(widget, type) else copy.deepcopy(widget)
        if localize:
            widget.is_localized = True
        widget.is_required = required
        widget.attrs.update(self.widget_attrs(widget))
        self.widget = widget
        messages: dict[str, Message] = {}
        for cls in reversed(type(self).__mro__):
            messages.update(getattr(cls, "default_error_messages", {}))
        messages.update(error_messages or {})
        self.error_messages = messages
        self.validators: list[Validator] = [*self.default_validators, *validators]
        super().__init__()  # cooperative: a mixin after Field in the bases is initialised

    # -- cleaning ----------------------------------------------------------------

    def error(self, code: str, params: Mapping[str, Any] | None = None) -> ValidationError:
        """A ValidationError with this field's (translated) message for ``code``."""
        return ValidationError(resolve(self.error_messages[code], params), code=code, params=params)

    def prepare_value(self, value: Any) -> Any:
        return value

    def to_python(self, value: Any) -> Any:
        return value

    def validate(self, value: Any) -> None:
        if self.required and value in self.empty_values:
            raise self.error("required")

    def run_validators(self, value: Any) -> None:
        if value in self.empty_values or not self.validators:
            return
        errors: list[ValidationError] = []
        for validator in self.validators:
            try:
                validator(value)
            except ValidationError as exc:
                if hasattr(exc, "code") and exc.code in self.error_messages:
                    exc.message = resolve(self.error_messages[exc.code], exc.params)
                errors.extend(exc.error_list)
        if errors:
            raise ValidationError(errors)

    def clean(self, value: Any) -> Any:
        """Convert, validate and run the validators; return the clean value."""
        value = self.to_python(value)
        self.validate(value)
        self.run_validators(value)
        return value

    # -- form plumbing -----------------------------------------------------------

    def bound_data(self, data: Any, initial: Any) -> Any:
        """The value to show for this field once bound (initial when disabled)."""
        return initial if self.disabled else data

    def widget_attrs(self, widget: Widget) -> dict[str, Any]:
        """Extra HTML attributes this field gives its widget (``maxlength``...)."""
        return {}

    def has_changed(self, initial: Any, data: Any) -> bool:
        """Whether ``data`` differs from ``initial``."""
        if self.disabled:
            return False
        try:
            data = self.to_python(data)
            coerce = getattr(self, "_coerce", None)
            if coerce is not None:
                return bool(coerce(data) != coerce(initial))
        except ValidationError:
            return True
        initial_value = initial if initial is not None else ""
        data_value = data if data is not None else ""
        return bool(initial_value != data_value)

    def get_bound_field(self, form: BaseForm, field_name: str) -> BoundField:
        bound_field_class = self.bound_field_class or form.bound_field_class
        if bound_field_class is None:
            from manouche.formkit.boundfield import BoundField

            bound_field_class = BoundField
        return bound_field_class(form, self, field_name)

    def __deepcopy__(self, memo: dict[int, Any]) -> Field:
        # A shallow copy by hand: copy.copy() costs several times more, and a
        # form copies every field on each instantiation.
        result = object.__new__(type(self))
        result.__dict__.update(self.__dict__)
        memo[id(self)] = result
        result.widget = self.widget.__deepcopy__(memo)
        result.error_messages = self.error_messages.copy()
        result.validators = self.validators[:]
        return result

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"


class CharField(Field):
    """Text: stripped by default, ``min_length``/``max_length``, NUL rejected."""

    def __init__(
        self,
        *,
        max_length: int | None = None,
        min_length: int | None = None,
        strip: bool = True,
        empty_value: Any = "",
        **kwargs: Any,
    ) -> None:
        self.max_length, self.min_length = max_length, min_length
        self.strip, self.empty_value = strip, empty_value
        super().__init__(**kwargs)
        if min_length is not None:
            self.validators.append(v.MinLengthValidator(int(min_length)))
        if max_length is not None:
            self.validators.append(v.MaxLengthValidator(int(max_length)))
        self.validators.append(v.ProhibitNullCharactersValidator())

    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values:
            value = str(value)
            if self.strip:
                value = value.strip()
        if value in self.empty_values:
            return self.empty_value
        return value

    def widget_attrs(self, widget: Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        if self.max_length is not None and not widget.is_hidden:
            attrs["maxlength"] = str(self.max_length)
        if self.min_length is not None and not widget.is_hidden:
            attrs["minlength"] = str(self.min_length)
        return attrs

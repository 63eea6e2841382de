"""Fields: turning submitted strings into Python values, with Django's rules.

A field cleans in three steps, as Django's: :meth:`Field.to_python` converts
(``invalid`` errors), :meth:`Field.validate` checks what every value of the
type must satisfy (``required``, ``invalid_choice``...), then the validators
run (``max_length``, ``min_value``...). Error codes and default messages are
Django's; messages go through the gettext hook when raised.
"""

from __future__ import annotations

import copy
import datetime
import json
import math
import re
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal, DecimalException
from typing import TYPE_CHECKING, Any

from manouche.formkit import validators as v
from manouche.formkit._dates import (
    DATE_INPUT_FORMATS,
    DATETIME_INPUT_FORMATS,
    TIME_INPUT_FORMATS,
    duration_string,
    parse_date_format,
    parse_datetime,
    parse_duration,
)
from manouche.formkit._messages import Message, Plural, resolve
from manouche.formkit.exceptions import ValidationError
from manouche.formkit.widgets import (
    FILE_INPUT_CONTRADICTION,
    CheckboxInput,
    ClearableFileInput,
    DateInput,
    DateTimeInput,
    EmailInput,
    HiddenInput,
    MultipleHiddenInput,
    NullBooleanSelect,
    NumberInput,
    Select,
    SelectMultiple,
    SplitDateTimeWidget,
    SplitHiddenDateTimeWidget,
    Textarea,
    TextInput,
    TimeInput,
    URLInput,
    Widget,
    _LazyChoices,
    normalize_choices,
)

if TYPE_CHECKING:
    from manouche.formkit.boundfield import BoundField
    from manouche.formkit.forms import BaseForm

__all__ = [
    "BooleanField",
    "CharField",
    "ChoiceField",
    "DateField",
    "DateTimeField",
    "DecimalField",
    "DurationField",
    "EmailField",
    "Field",
    "FileField",
    "FloatField",
    "GenericIPAddressField",
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

Validator = Callable[[Any], Any]


class Field:
    """Base field: required check, validators, widget, label, initial, help text.

    Parameters are Django's: ``required``, ``widget`` (a class or an
    instance), ``label``, ``initial`` (a value or a callable), ``help_text``,
    ``error_messages`` (code -> message), ``show_hidden_initial``,
    ``validators``, ``localize``, ``disabled`` (the submitted value is
    ignored, the initial one used), ``label_suffix``.
    """

    widget: Any = TextInput
    hidden_widget: type[Widget] = HiddenInput
    default_validators: Sequence[Validator] = ()
    default_error_messages: dict[str, Message] = {"required": "This field is required."}
    empty_values: tuple[Any, ...] = v.EMPTY_VALUES
    template_name: str | None = None

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
    ) -> None:
        self.required, self.label, self.initial = required, label, initial
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
        from manouche.formkit.boundfield import BoundField

        return BoundField(form, self, field_name)

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


_TRAILING_DECIMAL = re.compile(r"\.0*\s*$")


class IntegerField(Field):
    """A whole number; ``1.0`` is accepted as 1, ``min_value``/``max_value``/``step_size``."""

    widget = NumberInput
    default_error_messages = {"invalid": "Enter a whole number."}

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

    default_error_messages = {"invalid": "Enter a number."}

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
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

    default_error_messages = {"invalid": "Enter a number."}

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


class BaseTemporalField(Field):
    """Parses text with ``input_formats`` (strptime formats), first match wins."""

    input_formats: Sequence[str] = ()

    def __init__(self, *, input_formats: Sequence[str] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if input_formats is not None:
            self.input_formats = list(input_formats)

    def to_python(self, value: Any) -> Any:
        if not isinstance(value, str):
            raise self.error("invalid")
        value = value.strip()
        for format in self.input_formats:
            try:
                return self.strptime(value, format)
            except (ValueError, TypeError):
                continue
        raise self.error("invalid")

    def strptime(self, value: str, format: str) -> Any:
        raise NotImplementedError("Subclasses must define strptime().")


class DateField(BaseTemporalField):
    widget = DateInput
    input_formats = DATE_INPUT_FORMATS
    default_error_messages = {"invalid": "Enter a valid date."}

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        return super().to_python(value)

    def strptime(self, value: str, format: str) -> Any:
        return parse_date_format(value, format).date()


class TimeField(BaseTemporalField):
    widget = TimeInput
    input_formats = TIME_INPUT_FORMATS
    default_error_messages = {"invalid": "Enter a valid time."}

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.time):
            return value
        return super().to_python(value)

    def strptime(self, value: str, format: str) -> Any:
        return parse_date_format(value, format).time()


class DateTimeField(BaseTemporalField):
    """A datetime: ISO 8601 first (offsets kept), then ``input_formats``.

    With ``timezone`` (a :class:`datetime.tzinfo`), naive results are taken
    as local time in that zone and made aware, and aware values are shown in
    it; without, naive values stay naive (Django's ``USE_TZ = False``).
    """

    widget = DateTimeInput
    input_formats = (*DATETIME_INPUT_FORMATS, *DATE_INPUT_FORMATS)
    default_error_messages = {"invalid": "Enter a valid date/time."}

    def __init__(self, *, timezone: datetime.tzinfo | None = None, **kwargs: Any) -> None:
        self.timezone = timezone
        super().__init__(**kwargs)

    def _localize(self, value: datetime.datetime) -> datetime.datetime:
        if self.timezone is not None and value.tzinfo is None:
            return value.replace(tzinfo=self.timezone)
        return value

    def prepare_value(self, value: Any) -> Any:
        if (
            isinstance(value, datetime.datetime)
            and self.timezone is not None
            and value.tzinfo is not None
        ):
            return value.astimezone(self.timezone)
        return value

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return self._localize(value)
        if isinstance(value, datetime.date):
            return self._localize(datetime.datetime(value.year, value.month, value.day))
        if not isinstance(value, str):
            raise self.error("invalid")
        try:
            result = parse_datetime(value.strip())
        except ValueError:
            raise self.error("invalid") from None
        if result is None:
            result = super().to_python(value)
        return self._localize(result)

    def strptime(self, value: str, format: str) -> Any:
        return parse_date_format(value, format)


class DurationField(Field):
    """A timedelta from ``[D ][HH:[MM:]]SS[.ffffff]``, ISO 8601 or PostgreSQL's format."""

    default_error_messages = {
        "invalid": "Enter a valid duration.",
        "overflow": "The number of days must be between {min_days} and {max_days}.",
    }

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, datetime.timedelta):
            return duration_string(value)
        return value

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.timedelta):
            return value
        try:
            result = parse_duration(str(value))
        except OverflowError:
            message = resolve(self.error_messages["overflow"]).format(
                min_days=datetime.timedelta.min.days, max_days=datetime.timedelta.max.days
            )
            raise ValidationError(message, code="overflow") from None
        if result is None:
            raise self.error("invalid")
        return result


class RegexField(CharField):
    """Text that must match ``regex`` (searched, as Django does)."""

    def __init__(self, regex: str | re.Pattern[str], **kwargs: Any) -> None:
        kwargs.setdefault("strip", False)
        super().__init__(**kwargs)
        self._regex_validator: v.RegexValidator | None = None
        self.regex = regex

    @property
    def regex(self) -> re.Pattern[str]:
        return self._regex

    @regex.setter
    def regex(self, regex: str | re.Pattern[str]) -> None:
        self._regex = re.compile(regex) if isinstance(regex, str) else regex
        if self._regex_validator in self.validators:
            self.validators.remove(self._regex_validator)
        self._regex_validator = v.RegexValidator(regex=self._regex)
        self.validators.append(self._regex_validator)


class EmailField(CharField):
    widget = EmailInput
    default_validators = (v.validate_email,)

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 320)
        super().__init__(strip=True, **kwargs)


class URLField(CharField):
    """A URL; one typed without a scheme gets ``assume_scheme`` (``https``)."""

    widget = URLInput
    default_error_messages = {"invalid": "Enter a valid URL."}
    default_validators = (v.URLValidator(),)

    def __init__(self, *, assume_scheme: str | None = None, **kwargs: Any) -> None:
        self.assume_scheme = assume_scheme or "https"
        super().__init__(strip=True, **kwargs)

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        if value:
            scheme, sep, _rest = value.partition(":")
            if (
                not sep
                or not scheme
                or not scheme[0].isascii()
                or not scheme[0].isalpha()
                or "/" in scheme
            ):
                if value.startswith("//"):
                    value = self.assume_scheme + ":" + value
                else:
                    value = self.assume_scheme + "://" + value
        return value


class SlugField(CharField):
    default_validators = (v.validate_slug,)

    def __init__(self, *, allow_unicode: bool = False, **kwargs: Any) -> None:
        self.allow_unicode = allow_unicode
        if allow_unicode:
            self.default_validators = (v.validate_unicode_slug,)
        super().__init__(**kwargs)


class UUIDField(CharField):
    default_error_messages = {"invalid": "Enter a valid UUID."}

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, uuid.UUID):
            return str(value)
        return value

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        if not isinstance(value, uuid.UUID):
            try:
                value = uuid.UUID(value)
            except ValueError:
                raise self.error("invalid") from None
        return value


class GenericIPAddressField(CharField):
    """An IPv4 or IPv6 address (``protocol`` ``"both"``, ``"ipv4"`` or ``"ipv6"``)."""

    def __init__(self, *, protocol: str = "both", unpack_ipv4: bool = False, **kwargs: Any) -> None:
        self.unpack_ipv4 = unpack_ipv4
        protocol = protocol.lower()
        if protocol != "both" and unpack_ipv4:
            raise ValueError("You can only use `unpack_ipv4` if `protocol` is set to 'both'")
        table = {
            "both": v.validate_ipv46_address,
            "ipv4": v.validate_ipv4_address,
            "ipv6": v.validate_ipv6_address,
        }
        if protocol not in table:
            raise ValueError(f"The protocol '{protocol}' is unknown. Supported: {list(table)}")
        self.default_validators = (table[protocol],)
        kwargs.setdefault("max_length", v.MAX_IPV6_ADDRESS_LENGTH)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return ""
        value = str(value).strip()
        if value and ":" in value:
            return _clean_ipv6(value, self.unpack_ipv4, self.max_length)
        return value


def _clean_ipv6(value: str, unpack_ipv4: bool, max_length: int | None) -> str:
    import ipaddress

    try:
        if max_length is not None and len(value) > max_length:
            raise ValueError(value)
        address = ipaddress.IPv6Address(int(ipaddress.IPv6Address(value)))
    except ValueError:
        raise ValidationError(
            resolve("This is not a valid IPv6 address."),
            code="invalid",
            params={"protocol": resolve("IPv6")},
        ) from None
    if address.ipv4_mapped:
        return str(address.ipv4_mapped) if unpack_ipv4 else f"::ffff:{address.ipv4_mapped}"
    return str(address)


class JSONString(str):
    """A JSON string value (kept apart from text that was not JSON)."""


class InvalidJSONInput(str):
    """Submitted text that is not JSON, shown back as typed."""


class JSONField(CharField):
    """Any JSON document, parsed; ``encoder``/``decoder`` are json classes."""

    default_error_messages = {"invalid": "Enter a valid JSON."}
    widget = Textarea

    def __init__(
        self,
        encoder: type[json.JSONEncoder] | None = None,
        decoder: type[json.JSONDecoder] | None = None,
        **kwargs: Any,
    ) -> None:
        self.encoder, self.decoder = encoder, decoder
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        if self.disabled:
            return value
        if value in self.empty_values:
            return None
        if isinstance(value, (list, dict, int, float, JSONString)):
            return value
        try:
            converted = json.loads(value, cls=self.decoder)
        except (json.JSONDecodeError, TypeError):
            raise self.error("invalid", {"value": value}) from None
        if isinstance(converted, str):
            return JSONString(converted)
        return converted

    def bound_data(self, data: Any, initial: Any) -> Any:
        if self.disabled:
            return initial
        if data is None:
            return None
        try:
            return json.loads(data, cls=self.decoder)
        except (json.JSONDecodeError, TypeError):
            return InvalidJSONInput(data)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, InvalidJSONInput):
            return value
        return json.dumps(value, ensure_ascii=False, cls=self.encoder)

    def has_changed(self, initial: Any, data: Any) -> bool:
        if super().has_changed(initial, data):
            return True
        return json.dumps(initial, sort_keys=True, cls=self.encoder) != json.dumps(
            self.to_python(data), sort_keys=True, cls=self.encoder
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
        "invalid_choice": "Select a valid choice. %(value)s is not one of the available choices."
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
        "invalid_choice": "Select a valid choice. %(value)s is not one of the available choices.",
        "invalid_list": "Enter a list of values.",
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


class TypedMultipleChoiceField(MultipleChoiceField):
    """A MultipleChoiceField whose values are passed through ``coerce``."""

    def __init__(
        self,
        *,
        coerce: Callable[[Any], Any] = lambda val: val,
        empty_value: Any = None,
        **kwargs: Any,
    ) -> None:
        self.coerce = coerce
        self.empty_value = [] if empty_value is None else empty_value
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


class FileField(Field):
    """An uploaded file; ``max_length`` bounds its name, ``max_size`` its bytes.

    ``max_size`` is formkit's own (Django leaves the limit to the server): a
    bigger file fails with code ``max_size``.
    """

    widget = ClearableFileInput
    default_error_messages = {
        "invalid": "No file was submitted. Check the encoding type on the form.",
        "missing": "No file was submitted.",
        "empty": "The submitted file is empty.",
        "max_length": Plural(
            "Ensure this filename has at most %(max)d character (it has %(length)d).",
            "Ensure this filename has at most %(max)d characters (it has %(length)d).",
            "max",
        ),
        "max_size": "Ensure this file has at most %(max_size)s bytes (it has %(size)s).",
        "contradiction": "Please either submit a file or check the clear checkbox, not both.",
    }

    def __init__(
        self,
        *,
        max_length: int | None = None,
        allow_empty_file: bool = False,
        max_size: int | None = None,
        **kwargs: Any,
    ) -> None:
        self.max_length = max_length
        self.allow_empty_file = allow_empty_file
        self.max_size = max_size
        super().__init__(**kwargs)

    def to_python(self, data: Any) -> Any:
        if data in self.empty_values:
            return None
        try:
            file_name = data.name
            file_size = data.size
        except AttributeError:
            raise self.error("invalid") from None
        if self.max_length is not None and len(file_name) > self.max_length:
            raise self.error("max_length", {"max": self.max_length, "length": len(file_name)})
        if not file_name:
            raise self.error("invalid")
        if not self.allow_empty_file and not file_size:
            raise self.error("empty")
        if self.max_size is not None and file_size > self.max_size:
            raise self.error("max_size", {"max_size": self.max_size, "size": file_size})
        return data

    def clean(self, data: Any, initial: Any = None) -> Any:
        if data is FILE_INPUT_CONTRADICTION:
            raise self.error("contradiction")
        if data is False:
            if not self.required:
                return False
            data = None
        if not data and initial:
            return initial
        return super().clean(data)

    def bound_data(self, data: Any, initial: Any) -> Any:
        return initial

    def has_changed(self, initial: Any, data: Any) -> bool:
        return not self.disabled and data is not None


class MultiValueField(Field):
    """One value made from several fields (``fields``), joined by :meth:`compress`."""

    default_error_messages = {
        "invalid": "Enter a list of values.",
        "incomplete": "Enter a complete value.",
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
        "invalid_date": "Enter a valid date.",
        "invalid_time": "Enter a valid time.",
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

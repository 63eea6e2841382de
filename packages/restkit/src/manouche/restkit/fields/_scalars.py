"""Fields that hold one value: booleans, text, numbers, UUIDs, addresses, choices."""

from __future__ import annotations

import decimal
import math
import re
import uuid
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from manouche.restkit import validators as v
from manouche.restkit._i18n import gettext_noop as _
from manouche.restkit.fields._base import (
    _MISSING,
    Field,
    _is_html_input,
    empty,
)

# -- scalar fields ---------------------------------------------------------------


class BooleanField(Field):
    default_error_messages = {"invalid": _("Must be a valid boolean.")}
    default_empty_html: Any = False
    initial: Any = False
    TRUE_VALUES: ClassVar[set[Any]] = {
        "t", "T", "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE",
        "on", "On", "ON", "1", 1,
    }  # fmt: skip
    FALSE_VALUES: ClassVar[set[Any]] = {
        "f", "F", "n", "N", "no", "No", "NO", "false", "False", "FALSE",
        "off", "Off", "OFF", "0", 0,
    }  # fmt: skip
    NULL_VALUES: ClassVar[set[Any]] = {"null", "Null", "NULL", "", None}

    def __init__(self, **kwargs: Any) -> None:
        if kwargs.get("allow_null", False):
            self.default_empty_html = None
            self.initial = None
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Any:
        try:
            if data in self.TRUE_VALUES:
                return True
            if data in self.FALSE_VALUES:
                return False
            if data in self.NULL_VALUES and self.allow_null:
                return None
        except TypeError:  # an unhashable value
            pass
        self.fail("invalid", input=data)

    def to_representation(self, value: Any) -> Any:
        if value in self.NULL_VALUES and self.allow_null:
            return None
        if value in self.TRUE_VALUES:
            return True
        if value in self.FALSE_VALUES:
            return False
        return bool(value)


class CharField(Field):
    default_error_messages = {
        "invalid": _("Not a valid string."),
        "blank": _("This field may not be blank."),
        "max_length": _("Ensure this field has no more than {max_length} characters."),
        "min_length": _("Ensure this field has at least {min_length} characters."),
    }
    initial = ""

    def __init__(
        self,
        *,
        allow_blank: bool = False,
        trim_whitespace: bool = True,
        max_length: int | None = None,
        min_length: int | None = None,
        **kwargs: Any,
    ) -> None:
        self.allow_blank = allow_blank
        self.trim_whitespace = trim_whitespace
        self.max_length = max_length
        self.min_length = min_length
        super().__init__(**kwargs)

    def get_validators(self) -> list[Callable[..., Any]]:
        found: list[Callable[..., Any]] = []
        if self.max_length is not None:
            msg = self.error_messages["max_length"].format(max_length=self.max_length)
            found.append(v.MaxLengthValidator(self.max_length, message=msg))
        if self.min_length is not None:
            msg = self.error_messages["min_length"].format(min_length=self.min_length)
            found.append(v.MinLengthValidator(self.min_length, message=msg))
        found.append(v.ProhibitNullCharactersValidator())
        found.append(v.ProhibitSurrogateCharactersValidator())
        return found

    def run_validation(self, data: Any = empty) -> Any:
        if data == "" or (self.trim_whitespace and str(data).strip() == ""):
            if not self.allow_blank:
                self.fail("blank")
            return ""
        return super().run_validation(data)

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, bool) or not isinstance(data, (str, int, float)):
            self.fail("invalid")
        value = str(data)
        return value.strip() if self.trim_whitespace else value

    def to_representation(self, value: Any) -> Any:
        return str(value)


class EmailField(CharField):
    default_error_messages = {"invalid": _("Enter a valid email address.")}

    def get_validators(self) -> list[Callable[..., Any]]:
        return [*super().get_validators(), v.EmailValidator(self.error_messages["invalid"])]


class RegexField(CharField):
    default_error_messages = {"invalid": _("This value does not match the required pattern.")}

    def __init__(self, regex: str | re.Pattern[str], **kwargs: Any) -> None:
        self.regex = regex
        super().__init__(**kwargs)

    def get_validators(self) -> list[Callable[..., Any]]:
        return [
            *super().get_validators(),
            v.RegexValidator(self.regex, message=self.error_messages["invalid"]),
        ]


class SlugField(CharField):
    default_error_messages = {
        "invalid": _(
            'Enter a valid "slug" consisting of letters, numbers, underscores or hyphens.'
        ),
        "invalid_unicode": _(
            'Enter a valid "slug" consisting of Unicode letters, numbers, underscores, or hyphens.'
        ),
    }

    def __init__(self, allow_unicode: bool = False, **kwargs: Any) -> None:
        self.allow_unicode = allow_unicode
        super().__init__(**kwargs)

    def get_validators(self) -> list[Callable[..., Any]]:
        if self.allow_unicode:
            check = v.RegexValidator(r"^[-\w]+\Z", message=self.error_messages["invalid_unicode"])
        else:
            check = v.RegexValidator(r"^[-a-zA-Z0-9_]+\Z", message=self.error_messages["invalid"])
        return [*super().get_validators(), check]


class URLField(CharField):
    default_error_messages = {"invalid": _("Enter a valid URL.")}

    def get_validators(self) -> list[Callable[..., Any]]:
        return [*super().get_validators(), v.URLValidator(message=self.error_messages["invalid"])]


class UUIDField(Field):
    valid_formats = ("hex_verbose", "hex", "int", "urn")
    default_error_messages = {"invalid": _("Must be a valid UUID.")}

    def __init__(self, **kwargs: Any) -> None:
        self.uuid_format = kwargs.pop("format", "hex_verbose")
        if self.uuid_format not in self.valid_formats:
            raise ValueError(
                f"Invalid format for uuid representation. Must be one of {self.valid_formats!r}"
            )
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, uuid.UUID):
            return data
        try:
            if isinstance(data, int):
                return uuid.UUID(int=data)
            if isinstance(data, str):
                return uuid.UUID(hex=data)
        except ValueError:
            pass
        self.fail("invalid", value=data)

    def to_representation(self, value: Any) -> Any:
        if self.uuid_format == "hex_verbose":
            return str(value)
        return getattr(value, self.uuid_format)


class IPAddressField(CharField):
    default_error_messages = {"invalid": _("Enter a valid IPv4 or IPv6 address.")}

    def __init__(self, protocol: str = "both", **kwargs: Any) -> None:
        self.protocol = protocol.lower()
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            self.fail("invalid", value=data)
        import ipaddress

        try:
            address = ipaddress.ip_address(data)
        except ValueError:
            self.fail("invalid", value=data)
        if (self.protocol == "ipv4" and address.version != 4) or (
            self.protocol == "ipv6" and address.version != 6
        ):
            self.fail("invalid", value=data)
        return str(address)


_RE_DECIMAL = re.compile(r"\.0*\s*$")


class _NumberField(Field):
    MAX_STRING_LENGTH = 1000

    def __init__(self, *, max_value: Any = None, min_value: Any = None, **kwargs: Any) -> None:
        self.max_value = max_value
        self.min_value = min_value
        super().__init__(**kwargs)

    def get_validators(self) -> list[Callable[..., Any]]:
        found: list[Callable[..., Any]] = []
        if self.max_value is not None:
            msg = self.error_messages["max_value"].format(max_value=self.max_value)
            found.append(v.MaxValueValidator(self.max_value, message=msg))
        if self.min_value is not None:
            msg = self.error_messages["min_value"].format(min_value=self.min_value)
            found.append(v.MinValueValidator(self.min_value, message=msg))
        return found


class IntegerField(_NumberField):
    default_error_messages = {
        "invalid": _("A valid integer is required."),
        "max_value": _("Ensure this value is less than or equal to {max_value}."),
        "min_value": _("Ensure this value is greater than or equal to {min_value}."),
        "max_string_length": _("String value too large."),
    }

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str) and len(data) > self.MAX_STRING_LENGTH:
            self.fail("max_string_length")
        if type(data) is int:
            return data
        if type(data) is str:
            try:
                return int(data)  # "412": what the expression below gives, sooner
            except ValueError:
                pass
        try:
            return int(_RE_DECIMAL.sub("", str(data)))
        except (ValueError, TypeError):
            self.fail("invalid")

    def to_representation(self, value: Any) -> Any:
        return int(value)


class BigIntegerField(IntegerField):
    default_error_messages = {"invalid": _("A valid biginteger is required.")}

    def __init__(self, coerce_to_string: bool = False, **kwargs: Any) -> None:
        self.coerce_to_string = coerce_to_string
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> Any:
        return str(int(value)) if self.coerce_to_string else int(value)


class FloatField(_NumberField):
    default_error_messages = {
        "invalid": _("A valid number is required."),
        "max_value": _("Ensure this value is less than or equal to {max_value}."),
        "min_value": _("Ensure this value is greater than or equal to {min_value}."),
        "max_string_length": _("String value too large."),
        "overflow": _("Integer value too large to convert to float"),
    }

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str) and len(data) > self.MAX_STRING_LENGTH:
            self.fail("max_string_length")
        try:
            value = float(data)
        except (TypeError, ValueError):
            self.fail("invalid")
        except OverflowError:
            self.fail("overflow")
        if not math.isfinite(value):
            self.fail("invalid")
        return value

    def to_representation(self, value: Any) -> Any:
        return float(value)


class DecimalField(_NumberField):
    default_error_messages = {
        "invalid": _("A valid number is required."),
        "max_value": _("Ensure this value is less than or equal to {max_value}."),
        "min_value": _("Ensure this value is greater than or equal to {min_value}."),
        "max_digits": _("Ensure that there are no more than {max_digits} digits in total."),
        "max_decimal_places": _(
            "Ensure that there are no more than {max_decimal_places} decimal places."
        ),
        "max_whole_digits": _(
            "Ensure that there are no more than {max_whole_digits} digits before the decimal point."
        ),
        "max_string_length": _("String value too large."),
    }

    def __init__(
        self,
        max_digits: int | None,
        decimal_places: int | None,
        coerce_to_string: bool | None = None,
        max_value: Any = None,
        min_value: Any = None,
        rounding: str | None = None,
        normalize_output: bool = False,
        **kwargs: Any,
    ) -> None:
        self.max_digits = max_digits
        self.decimal_places = decimal_places
        self.coerce_to_string = True if coerce_to_string is None else coerce_to_string
        self.rounding = rounding
        self.normalize_output = normalize_output
        if max_digits is not None and decimal_places is not None:
            self.max_whole_digits: int | None = max_digits - decimal_places
        else:
            self.max_whole_digits = None
        super().__init__(max_value=max_value, min_value=min_value, **kwargs)

    def validate_empty_values(self, data: Any) -> tuple[bool, Any]:
        if isinstance(data, str) and data.strip() == "" and self.allow_null:
            return True, None
        return super().validate_empty_values(data)

    def to_internal_value(self, data: Any) -> Any:
        data = str(data).strip()
        if len(data) > self.MAX_STRING_LENGTH:
            self.fail("max_string_length")
        try:
            value = decimal.Decimal(data)
        except decimal.DecimalException:
            self.fail("invalid")
        if value.is_nan() or value.is_infinite():
            self.fail("invalid")
        value = self.validate_precision(value)
        places = self.decimal_places
        if places is not None and value.as_tuple().exponent == -places:
            return value  # already at the field's places, within its digits: quantize keeps it
        return self.quantize(value)

    def validate_precision(self, value: decimal.Decimal) -> decimal.Decimal:
        _sign, digits, exponent = value.as_tuple()
        assert isinstance(exponent, int)
        if exponent >= 0:
            total = len(digits) + exponent
            whole, places = total, 0
        elif len(digits) > abs(exponent):
            total = len(digits)
            whole, places = total - abs(exponent), abs(exponent)
        else:
            total = abs(exponent)
            whole, places = 0, total
        if self.max_digits is not None and total > self.max_digits:
            self.fail("max_digits", max_digits=self.max_digits)
        if self.decimal_places is not None and places > self.decimal_places:
            self.fail("max_decimal_places", max_decimal_places=self.decimal_places)
        if self.max_whole_digits is not None and whole > self.max_whole_digits:
            self.fail("max_whole_digits", max_whole_digits=self.max_whole_digits)
        return value

    def quantize(self, value: decimal.Decimal) -> decimal.Decimal:
        if self.decimal_places is None:
            return value
        context = decimal.getcontext().copy()
        if self.max_digits is not None:
            context.prec = self.max_digits
        return value.quantize(
            decimal.Decimal(".1") ** self.decimal_places, rounding=self.rounding, context=context
        )

    def to_representation(self, value: Any) -> Any:
        if not isinstance(value, decimal.Decimal):
            value = decimal.Decimal(str(value).strip())
        places = self.decimal_places
        if places is not None and self.coerce_to_string and not self.normalize_output:
            # Already at the field's precision (as a database gives it): no quantize.
            text = str(value)
            dot = text.find(".")
            digits = len(text) - (dot >= 0) - (text[0] == "-")
            if (
                text[-1].isdigit()
                and "E" not in text
                and (len(text) - dot - 1 == places if dot >= 0 else places == 0)
                and (self.max_digits is None or digits <= self.max_digits)
            ):
                return text
        quantized = self.quantize(value)
        if self.normalize_output:
            quantized = quantized.normalize()
        return f"{quantized:f}" if self.coerce_to_string else quantized


# -- choices ---------------------------------------------------------------


def _flatten_choices(choices: Any) -> dict[Any, Any]:
    if isinstance(choices, Mapping):
        choices = list(choices.items())
    flat: dict[Any, Any] = {}
    for choice in choices:
        if isinstance(choice, (list, tuple)):
            key, label = choice
            if isinstance(label, (list, tuple)):
                flat.update(_flatten_choices(label))
            else:
                flat[key] = label
        else:
            flat[choice] = choice
    return flat


class ChoiceField(Field):
    default_error_messages = {"invalid_choice": _('"{input}" is not a valid choice.')}

    def __init__(self, choices: Any, **kwargs: Any) -> None:
        self.allow_blank = kwargs.pop("allow_blank", False)
        self.html_cutoff = kwargs.pop("html_cutoff", None)
        self.choices = choices
        super().__init__(**kwargs)

    @property
    def choices(self) -> dict[Any, Any]:
        return self._choices

    @choices.setter
    def choices(self, choices: Any) -> None:
        self._choices = _flatten_choices(choices)
        self.choice_strings_to_values = {str(key): key for key in self._choices}
        self._as_output: dict[Any, Any] = dict(self.choice_strings_to_values)
        for key in self._choices:
            try:
                self._as_output.setdefault(key, key)
            except TypeError:  # an unhashable choice
                pass

    def to_internal_value(self, data: Any) -> Any:
        if data == "" and self.allow_blank:
            return ""
        try:
            return self.choice_strings_to_values[str(data)]
        except KeyError:
            self.fail("invalid_choice", input=data)

    def to_representation(self, value: Any) -> Any:
        if value in ("", None):
            return value
        try:
            found = self._as_output.get(value, _MISSING)
        except TypeError:
            found = _MISSING
        if found is not _MISSING and (type(found) is type(value) or isinstance(value, str)):
            return found
        return self.choice_strings_to_values.get(str(value), value)


class MultipleChoiceField(ChoiceField):
    default_error_messages = {
        "invalid_choice": _('"{input}" is not a valid choice.'),
        "not_a_list": _('Expected a list of items but got type "{input_type}".'),
        "empty": _("This selection may not be empty."),
    }
    default_empty_html: Any = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.allow_empty = kwargs.pop("allow_empty", True)
        super().__init__(*args, **kwargs)

    def get_value(self, dictionary: Mapping[str, Any]) -> Any:
        if self.field_name not in dictionary and getattr(self.root, "partial", False):
            return empty
        if _is_html_input(dictionary):
            return dictionary.getlist(self.field_name)  # type: ignore[attr-defined]
        return dictionary.get(self.field_name, empty)

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, (str, Mapping)) or not hasattr(data, "__iter__"):
            self.fail("not_a_list", input_type=type(data).__name__)
        if not self.allow_empty and len(data) == 0:
            self.fail("empty")
        return {super(MultipleChoiceField, self).to_internal_value(item) for item in data}

    def to_representation(self, value: Any) -> Any:
        return {self.choice_strings_to_values.get(str(item), item) for item in value}

"""Serializer fields with DRF's names, arguments, messages and behaviour.

A field turns one value of an object into a primitive (``to_representation``)
and one primitive of the input back into a Python value (``to_internal_value``),
running its validators and answering DRF's messages with DRF's codes.
"""

from __future__ import annotations

import copy
import datetime
import decimal
import functools
import inspect
import itertools
import json
import math
import re
import types
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar

from manouche.restkit import validators as v
from manouche.restkit._i18n import Messages
from manouche.restkit._i18n import gettext_noop as _
from manouche.restkit.exceptions import ErrorDetail, SkipField, ValidationError
from manouche.validation import parse_date, parse_datetime, parse_time


class empty:
    """Marks that no value was given (``None`` is a value)."""


_MISSING: Any = object()


_creation_counter = itertools.count()
_SIMPLE_CALLABLES = (types.FunctionType, types.MethodType, functools.partial)


def _call_if_simple(value: Any) -> Any:
    if isinstance(value, _SIMPLE_CALLABLES):
        return value()
    return value


def get_attribute(instance: Any, attrs: Iterable[str]) -> Any:
    """Follow ``attrs`` from ``instance`` through attributes and mapping keys."""
    for attr in attrs:
        if instance is None:
            return None
        if isinstance(instance, Mapping):
            instance = instance[attr]
        else:
            instance = getattr(instance, attr)
        instance = _call_if_simple(instance)
    return instance


def set_value(dictionary: dict[str, Any], keys: list[str], value: Any) -> None:
    """Set ``value`` at the nested ``keys`` of ``dictionary`` (``source="a.b"``)."""
    if not keys:
        dictionary.update(value)
        return
    for key in keys[:-1]:
        dictionary = dictionary.setdefault(key, {})
    dictionary[keys[-1]] = value


def _is_html_input(data: Any) -> bool:
    return hasattr(data, "getlist")


class CreateOnlyDefault:
    """A default used when creating only; on update the field is skipped."""

    requires_context = True

    def __init__(self, default: Any) -> None:
        self.default = default

    def __call__(self, serializer_field: Field) -> Any:
        if getattr(serializer_field.parent, "instance", None) is not None:
            raise SkipField()
        if callable(self.default):
            if getattr(self.default, "requires_context", False):
                return self.default(serializer_field)
            return self.default()
        return self.default


class CurrentUserDefault:
    """The request's user (``context["request"].user``)."""

    requires_context = True

    def __call__(self, serializer_field: Field) -> Any:
        return serializer_field.context["request"].user


_MESSAGES_BY_CLASS: dict[type, dict[str, str]] = {}


def _class_messages(cls: type) -> dict[str, str]:
    """The default error messages of ``cls``, its bases' first (merged once per class)."""
    try:
        return _MESSAGES_BY_CLASS[cls]
    except KeyError:
        pass
    merged: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        merged.update(getattr(klass, "default_error_messages", {}))
    _MESSAGES_BY_CLASS[cls] = merged
    return merged


class Field:
    """Base field: reading (``to_representation``) and validation (``run_validation``)."""

    default_error_messages: ClassVar[dict[str, str]] = {
        "required": _("This field is required."),
        "null": _("This field may not be null."),
    }
    default_empty_html: Any = empty
    initial: Any = None
    schema_type: ClassVar[dict[str, Any]] = {}

    def __init__(
        self,
        *,
        read_only: bool = False,
        write_only: bool = False,
        required: bool | None = None,
        default: Any = empty,
        initial: Any = empty,
        source: str | None = None,
        label: str | None = None,
        help_text: str | None = None,
        style: dict[str, Any] | None = None,
        error_messages: dict[str, str] | None = None,
        validators: Iterable[Callable[..., Any]] | None = None,
        allow_null: bool = False,
    ) -> None:
        self._creation_counter: int = next(_creation_counter)
        if required is None:
            required = default is empty and not read_only
        if read_only and write_only:
            raise TypeError("May not set both `read_only` and `write_only`")
        if read_only and required:
            raise TypeError("May not set both `read_only` and `required`")
        if required and default is not empty:
            raise TypeError("May not set both `required` and `default`")
        self.read_only = read_only
        self.write_only = write_only
        self.required = required
        self.default = default
        self.source = source
        self.initial = self.initial if initial is empty else initial
        self.label = label
        self.help_text = help_text
        self.style = {} if style is None else style
        self.allow_null = allow_null
        if self.default_empty_html is not empty and default is not empty:
            self.default_empty_html = default
        if validators is not None:
            self.validators = list(validators)
        self.field_name: str = ""
        self.parent: Any = None
        self.source_attrs: list[str] = []
        messages = Messages(_class_messages(type(self)))
        if error_messages:
            messages.update(error_messages)
        self.error_messages = messages

    def __class_getitem__(cls, item: Any) -> Any:
        return cls

    # -- binding -----------------------------------------------------------

    def bind(self, field_name: str, parent: Any) -> None:
        """Attach the field to its serializer under ``field_name``."""
        if self.source == field_name:
            raise ValueError(
                f"It is redundant to specify `source='{field_name}'` on field "
                f"'{type(self).__name__}' in serializer '{type(parent).__name__}', "
                "because it is the same as the field name. Remove the `source` keyword argument."
            )
        self.field_name = field_name
        self.parent = parent
        if self.label is None:
            self.label = field_name.replace("_", " ").capitalize()
        if self.source is None:
            self.source = field_name
        self.source_attrs = [] if self.source == "*" else self.source.split(".")

    @property
    def validators(self) -> list[Callable[..., Any]]:
        found = self.__dict__.get("_validators")
        if type(found) is list:
            return found
        # Never read: the field's own. A copy's tuple (shared with the field it was
        # copied from): a list of its own on first read, so changing it changes one field.
        found = self.get_validators() if found is None else list(found)
        self._validators = found
        return found

    @validators.setter
    def validators(self, validators: list[Callable[..., Any]]) -> None:
        self._validators = validators

    def get_validators(self) -> list[Callable[..., Any]]:
        return []

    @property
    def root(self) -> Any:
        root: Any = self
        while root.parent is not None:
            root = root.parent
        return root

    @property
    def context(self) -> dict[str, Any]:
        return getattr(self.root, "_context", {})

    def get_initial(self) -> Any:
        return self.initial() if callable(self.initial) else self.initial

    # -- input -------------------------------------------------------------

    def get_value(self, dictionary: Mapping[str, Any]) -> Any:
        """The primitive of this field in the input mapping, or ``empty``."""
        if _is_html_input(dictionary):
            if self.field_name not in dictionary:
                if getattr(self.root, "partial", False):
                    return empty
                return self.default_empty_html
            ret = dictionary[self.field_name]
            if ret == "" and self.allow_null:
                return "" if getattr(self, "allow_blank", False) else None
            if ret == "" and not self.required:
                return "" if getattr(self, "allow_blank", False) else empty
            return ret
        return dictionary.get(self.field_name, empty)

    def get_default(self) -> Any:
        if self.default is empty or getattr(self.root, "partial", False):
            raise SkipField()
        if callable(self.default):
            if getattr(self.default, "requires_context", False):
                return self.default(self)
            return self.default()
        return self.default

    def validate_empty_values(self, data: Any) -> tuple[bool, Any]:
        if self.read_only:
            return True, self.get_default()
        if data is empty:
            if getattr(self.root, "partial", False):
                raise SkipField()
            if self.required:
                self.fail("required")
            return True, self.get_default()
        if data is None:
            if not self.allow_null:
                self.fail("null")
            if self.source == "*":
                return False, None
            return True, None
        return False, data

    def run_validation(self, data: Any = empty) -> Any:
        is_empty, data = self.validate_empty_values(data)
        if is_empty:
            return data
        value = self.to_internal_value(data)
        self.run_validators(value)
        return value

    def run_validators(self, value: Any) -> None:
        errors: list[Any] = []
        validators = self.__dict__.get("_validators")
        if validators is None:
            validators = self.validators
        for validator in validators:
            try:
                if getattr(validator, "requires_context", False):
                    validator(value, self)
                else:
                    validator(value)
            except ValidationError as exc:
                if isinstance(exc.detail, dict):
                    raise
                errors.extend(exc.detail)
            except Exception as exc:
                converted = _foreign_validation_error(exc)
                if converted is None:
                    raise
                errors.extend(converted)
        if errors:
            raise ValidationError(errors)

    def to_internal_value(self, data: Any) -> Any:
        raise NotImplementedError(
            f"{type(self).__name__}.to_internal_value() must be implemented for field "
            f"{self.field_name}. If you do not need to support write operations you probably "
            "want to subclass `ReadOnlyField` instead."
        )

    # -- output ------------------------------------------------------------

    def get_attribute(self, instance: Any) -> Any:
        try:
            return get_attribute(instance, self.source_attrs)
        except (KeyError, AttributeError) as exc:
            if self.default is not empty:
                return self.get_default()
            if self.allow_null:
                return None
            if not self.required:
                raise SkipField() from None
            raise type(exc)(
                f"Got {type(exc).__name__} when attempting to get a value for field "
                f"`{self.field_name}` on serializer `{type(self.parent).__name__}`.\n"
                "The serializer field might be named incorrectly and not match any attribute "
                f"or key on the `{type(instance).__name__}` instance.\n"
                f"Original exception text was: {exc}."
            ) from None

    def to_representation(self, value: Any) -> Any:
        raise NotImplementedError(
            f"{type(self).__name__}.to_representation() must be implemented for field "
            f"{self.field_name}."
        )

    # -- errors ------------------------------------------------------------

    def fail(self, key: str, **kwargs: Any) -> None:
        """Raise the ValidationError of message ``key`` (DRF's ``self.fail``)."""
        try:
            msg = self.error_messages[key]
        except KeyError:
            raise AssertionError(
                f"ValidationError raised by `{type(self).__name__}`, but error key `{key}` "
                "does not exist in the `error_messages` dictionary."
            ) from None
        raise ValidationError(msg.format(**kwargs) if kwargs else msg, code=key)

    def __deepcopy__(self, memo: dict[int, Any]) -> Field:
        # A shallow copy with its own validators (a tuple until they are read, see
        # ``validators``): a field holds no other mutable state of its own (DRF
        # deep-copies every field of every serializer it makes).
        state = self.__dict__.copy()
        state["_validators"] = tuple(self.validators)
        state["parent"] = None
        clone = object.__new__(type(self))
        clone.__dict__ = state
        memo[id(self)] = clone
        child = state.get("child")
        if isinstance(child, Field):
            child = memo.get(id(child)) or child.__deepcopy__(memo)
            child.parent = clone
            state["child"] = child
        return clone

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def _foreign_validation_error(exc: Exception) -> list[Any] | None:
    """Messages of another library's ValidationError (validation's, Django's), or None.

    Each message keeps its own code (``max_length``, ``invalid``), as DRF keeps
    the codes of Django's validators.
    """
    if type(exc).__name__ != "ValidationError":
        return None
    error_list = getattr(exc, "error_list", None)
    if isinstance(error_list, list) and not hasattr(exc, "error_dict"):
        found = []
        for error in error_list:
            message, params = getattr(error, "message", None), getattr(error, "params", None)
            if message is None:
                break
            text = str(message) % params if params else str(message)
            found.append(ErrorDetail(text, getattr(error, "code", None) or "invalid"))
        else:
            return found
    messages = getattr(exc, "messages", None)
    if messages is None:
        return None
    code = getattr(exc, "code", None) or "invalid"
    return [ErrorDetail(str(m), code) for m in messages]


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


# -- dates and times ---------------------------------------------------------------

ISO_8601 = "iso-8601"


class DateTimeField(Field):
    """ISO 8601 date and time. Aware input stays aware; ``default_timezone`` makes naive aware."""

    default_error_messages = {
        "invalid": _("Datetime has wrong format. Use one of these formats instead: {format}."),
        "date": _("Expected a datetime but got a date."),
        "make_aware": _('Invalid datetime for the timezone "{timezone}".'),
        "overflow": _("Datetime value out of range."),
    }
    humanized = "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]"

    def __init__(
        self,
        format: str | None = ISO_8601,  # noqa: A002 - DRF's argument name
        input_formats: list[str] | None = None,
        default_timezone: datetime.tzinfo | None = None,
        **kwargs: Any,
    ) -> None:
        self.format = format
        self.input_formats = input_formats or [ISO_8601]
        self.timezone = default_timezone
        super().__init__(**kwargs)

    def enforce_timezone(self, value: datetime.datetime) -> datetime.datetime:
        if self.timezone is not None and value.tzinfo is None:
            value = value.replace(tzinfo=self.timezone)
        if value.tzinfo is not None:
            try:  # a database stores it in UTC: it must be representable there
                value.astimezone(datetime.UTC)
            except (OverflowError, ValueError):
                self.fail("overflow")
        return value

    def to_internal_value(self, value: Any) -> Any:
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            self.fail("date")
        if isinstance(value, datetime.datetime):
            return self.enforce_timezone(value)
        for fmt in self.input_formats:
            if fmt.lower() == ISO_8601:
                try:
                    parsed = parse_datetime(value) if isinstance(value, str) else None
                except (ValueError, TypeError):
                    parsed = None
            else:
                try:
                    parsed = datetime.datetime.strptime(value, fmt)
                except (ValueError, TypeError):
                    parsed = None
            if parsed is not None:
                return self.enforce_timezone(parsed)
        humanized = ", ".join(self.humanized if f == ISO_8601 else f for f in self.input_formats)
        self.fail("invalid", format=humanized)

    def to_representation(self, value: Any) -> Any:
        if not value:
            return None
        if self.format is None or isinstance(value, str):
            return value
        if self.timezone is not None and value.tzinfo is None:
            value = value.replace(tzinfo=self.timezone)
        if self.format.lower() == ISO_8601:
            text = value.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        return value.strftime(self.format)


class DateField(Field):
    default_error_messages = {
        "invalid": _("Date has wrong format. Use one of these formats instead: {format}."),
        "datetime": _("Expected a date but got a datetime."),
    }
    humanized = "YYYY-MM-DD"

    def __init__(
        self,
        format: str | None = ISO_8601,  # noqa: A002
        input_formats: list[str] | None = None,
        **kwargs: Any,
    ) -> None:
        self.format = format
        self.input_formats = input_formats or [ISO_8601]
        super().__init__(**kwargs)

    def to_internal_value(self, value: Any) -> Any:
        if isinstance(value, datetime.datetime):
            self.fail("datetime")
        if isinstance(value, datetime.date):
            return value
        parsed = _parse_with_formats(value, self.input_formats, parse_date, "date")
        if parsed is not None:
            return parsed
        humanized = ", ".join(self.humanized if f == ISO_8601 else f for f in self.input_formats)
        self.fail("invalid", format=humanized)

    def to_representation(self, value: Any) -> Any:
        if not value:
            return None
        if self.format is None or isinstance(value, str):
            return value
        if self.format.lower() == ISO_8601:
            return value.isoformat()
        return value.strftime(self.format)


def _parse_with_formats(
    value: Any, formats: list[str], iso: Callable[[str], Any], part: str
) -> Any:
    """The first of ``formats`` that reads ``value`` (``iso`` for ISO 8601, else
    ``strptime`` keeping its ``part``: ``"date"`` or ``"time"``), or ``None``."""
    for fmt in formats:
        try:
            if fmt.lower() == ISO_8601:
                parsed = iso(value) if isinstance(value, str) else None
            else:
                parsed = getattr(datetime.datetime.strptime(value, fmt), part)()
        except (ValueError, TypeError):
            parsed = None
        if parsed is not None:
            return parsed
    return None


class TimeField(Field):
    default_error_messages = {
        "invalid": _("Time has wrong format. Use one of these formats instead: {format}.")
    }
    humanized = "hh:mm[:ss[.uuuuuu]]"

    def __init__(
        self,
        format: str | None = ISO_8601,  # noqa: A002
        input_formats: list[str] | None = None,
        **kwargs: Any,
    ) -> None:
        self.format = format
        self.input_formats = input_formats or [ISO_8601]
        super().__init__(**kwargs)

    def to_internal_value(self, value: Any) -> Any:
        if isinstance(value, datetime.time):
            return value
        parsed = _parse_with_formats(value, self.input_formats, parse_time, "time")
        if parsed is not None:
            return parsed
        humanized = ", ".join(self.humanized if f == ISO_8601 else f for f in self.input_formats)
        self.fail("invalid", format=humanized)

    def to_representation(self, value: Any) -> Any:
        if value in (None, ""):
            return None
        if self.format is None or isinstance(value, str):
            return value
        if self.format.lower() == ISO_8601:
            return value.isoformat()
        return value.strftime(self.format)


_DURATION_RE = re.compile(
    r"^(?:(?P<days>-?\d+) (days?, )?)?(?P<sign>-?)((?:(?P<hours>\d+):)(?=\d+:\d+))?"
    r"(?:(?P<minutes>\d+):)?(?P<seconds>\d+)(?:[.,](?P<microseconds>\d{1,6})\d{0,6})?$"
)


class DurationField(_NumberField):
    default_error_messages = {
        "invalid": _("Duration has wrong format. Use one of these formats instead: {format}."),
        "max_value": _("Ensure this value is less than or equal to {max_value}."),
        "min_value": _("Ensure this value is greater than or equal to {min_value}."),
        "overflow": _("The number of days must be between {min_days} and {max_days}."),
    }

    def to_internal_value(self, value: Any) -> Any:
        if isinstance(value, datetime.timedelta):
            return value
        match = _DURATION_RE.match(str(value))
        if match:
            kw = match.groupdict()
            sign = -1 if kw.pop("sign", "+") == "-" else 1
            if kw.get("microseconds"):
                kw["microseconds"] = kw["microseconds"].ljust(6, "0")
            days = datetime.timedelta(float(kw.pop("days") or 0))
            try:
                return days + sign * datetime.timedelta(
                    **{k: float(x) for k, x in kw.items() if x is not None}
                )
            except OverflowError:
                self.fail(
                    "overflow",
                    min_days=datetime.timedelta.min.days,
                    max_days=datetime.timedelta.max.days,
                )
        self.fail("invalid", format="[DD] [HH:[MM:]]ss[.uuuuuu]")

    def to_representation(self, value: Any) -> Any:
        days, seconds, micro = value.days, value.seconds, value.microseconds
        minutes, seconds = divmod(seconds, 60)
        hours, minutes = divmod(minutes, 60)
        text = f"{hours:02d}:{minutes:02d}:{seconds:02d}"
        if days:
            text = f"{days} {text}"
        if micro:
            text += f".{micro:06d}"
        return text


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


# -- special fields ---------------------------------------------------------------


class ReadOnlyField(Field):
    """The attribute as it is, never written."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> Any:
        return value


class HiddenField(Field):
    """Not read from the input, always its ``default`` (``CurrentUserDefault()``)."""

    def __init__(self, **kwargs: Any) -> None:
        if "default" not in kwargs:
            raise TypeError("default is a required argument.")
        kwargs["write_only"] = True
        super().__init__(**kwargs)

    def get_value(self, dictionary: Mapping[str, Any]) -> Any:
        return empty

    def to_internal_value(self, data: Any) -> Any:
        return data


class SerializerMethodField(Field):
    """The value of ``get_<field_name>(obj)`` on the serializer."""

    def __init__(self, method_name: str | None = None, **kwargs: Any) -> None:
        self.method_name = method_name
        kwargs["source"] = "*"
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def bind(self, field_name: str, parent: Any) -> None:
        if self.method_name is None:
            self.method_name = f"get_{field_name}"
        super().bind(field_name, parent)

    def to_representation(self, value: Any) -> Any:
        method = getattr(self.parent, self.method_name or "")
        return method(value)


class ModelField(Field):
    """A model attribute read and written as it is (for model fields with no mapping)."""

    def __init__(self, model_field: Any = None, **kwargs: Any) -> None:
        self.model_field = model_field
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Any:
        return data

    def to_representation(self, value: Any) -> Any:
        return value


def is_simple_callable(obj: Any) -> bool:
    """True for functions and methods callable without arguments."""
    if not isinstance(obj, _SIMPLE_CALLABLES):
        return False
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return False
    return all(
        p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        for p in sig.parameters.values()
    )

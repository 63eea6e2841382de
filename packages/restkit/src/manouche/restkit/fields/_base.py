"""The field base class, the defaults and helpers every field shares, and the fields that hold
no value of their own (read-only, hidden, method, model)."""

from __future__ import annotations

import functools
import inspect
import itertools
import types
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar

from manouche.restkit._i18n import Messages
from manouche.restkit._i18n import gettext_noop as _
from manouche.restkit.exceptions import ErrorDetail, SkipField, ValidationError


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

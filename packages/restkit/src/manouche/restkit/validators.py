"""Validators: value checks for fields, and uniqueness checks against the database.

A validator is a callable taking the value (and the field or serializer when it
has ``requires_context = True``) that raises :class:`ValidationError`.
``UniqueValidator`` and ``UniqueTogetherValidator`` ask the database through the
queryset they are given: an orm-lite ``QuerySet`` (``Model.objects.all()``) or a
:class:`SQLAlchemyQuery` for a plain SQLAlchemy model.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from manouche.restkit.exceptions import ValidationError
from manouche.restkit.queries import SQLAlchemyQuery


class _Limit:
    code = ""
    message = ""

    def __init__(self, limit: Any, message: str | None = None) -> None:
        self.limit = limit
        if message is not None:
            self.message = message

    def __call__(self, value: Any) -> None:
        if self.failed(self.measure(value), self.limit):
            raise ValidationError(
                self.message.format(limit_value=self.limit, show_value=self.measure(value)),
                code=self.code,
            )

    def measure(self, value: Any) -> Any:
        return value

    def failed(self, measured: Any, limit: Any) -> bool:
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self.__dict__ == other.__dict__

    __hash__ = object.__hash__


class MaxLengthValidator(_Limit):
    code = "max_length"
    message = "Ensure this value has at most {limit_value} characters (it has {show_value})."

    def measure(self, value: Any) -> int:
        return len(value)

    def failed(self, measured: Any, limit: Any) -> bool:
        return bool(measured > limit)


class MinLengthValidator(MaxLengthValidator):
    code = "min_length"
    message = "Ensure this value has at least {limit_value} characters (it has {show_value})."

    def failed(self, measured: Any, limit: Any) -> bool:
        return bool(measured < limit)


class MaxValueValidator(_Limit):
    code = "max_value"
    message = "Ensure this value is less than or equal to {limit_value}."

    def failed(self, measured: Any, limit: Any) -> bool:
        return bool(measured > limit)


class MinValueValidator(_Limit):
    code = "min_value"
    message = "Ensure this value is greater than or equal to {limit_value}."

    def failed(self, measured: Any, limit: Any) -> bool:
        return bool(measured < limit)


class RegexValidator:
    message = "Enter a valid value."
    code = "invalid"

    def __init__(
        self,
        regex: str | re.Pattern[str],
        message: str | None = None,
        code: str | None = None,
        inverse_match: bool = False,
        flags: int = 0,
    ) -> None:
        self.regex = re.compile(regex, flags) if isinstance(regex, str) else regex
        if message is not None:
            self.message = message
        if code is not None:
            self.code = code
        self.inverse_match = inverse_match

    def __call__(self, value: Any) -> None:
        matched = isinstance(value, str) and bool(self.regex.search(value))
        if matched == self.inverse_match:
            raise ValidationError(self.message, code=self.code)


class ProhibitNullCharactersValidator:
    message = "Null characters are not allowed."
    code = "null_characters_not_allowed"

    def __call__(self, value: Any) -> None:
        if "\x00" in str(value):
            raise ValidationError(self.message, code=self.code)


class ProhibitSurrogateCharactersValidator:
    message = "Surrogate characters are not allowed: U+{code_point:X}."
    code = "surrogate_characters_not_allowed"

    def __call__(self, value: Any) -> None:
        for char in str(value):
            if 0xD800 <= ord(char) <= 0xDFFF:
                raise ValidationError(self.message.format(code_point=ord(char)), code=self.code)


_USER = re.compile(
    r"(^[-!#$%&'*+/=?^_`{}|~0-9A-Z]+(\.[-!#$%&'*+/=?^_`{}|~0-9A-Z]+)*\Z"
    r'|^"([\001-\010\013\014\016-\037!#-\[\]-\177]|\\[\001-\011\013\014\016-\177])*"\Z)',
    re.IGNORECASE,
)
_DOMAIN = re.compile(
    r"((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+)(?:[a-z0-9-]{2,63}(?<!-))\Z", re.IGNORECASE
)


class EmailValidator:
    """Django's e-mail rules: a dot-atom or quoted local part, a dotted domain or IP literal."""

    message = "Enter a valid email address."
    code = "invalid"

    def __init__(self, message: str | None = None, code: str | None = None) -> None:
        if message is not None:
            self.message = message
        if code is not None:
            self.code = code

    def __call__(self, value: Any) -> None:
        if not isinstance(value, str) or "@" not in value or len(value) > 320:
            raise ValidationError(self.message, code=self.code)
        user, _, domain = value.rpartition("@")
        if not _USER.match(user):
            raise ValidationError(self.message, code=self.code)
        if domain.lower() == "localhost" or self._domain_ok(domain):
            return
        raise ValidationError(self.message, code=self.code)

    @staticmethod
    def _domain_ok(domain: str) -> bool:
        if _DOMAIN.match(domain):
            return True
        try:
            domain = domain.encode("idna").decode("ascii")
        except UnicodeError:
            domain = ""
        if domain and _DOMAIN.match(domain):
            return True
        literal = re.match(r"^\[(.+)\]$", domain)
        if literal:
            try:
                ipaddress.ip_address(literal.group(1).removeprefix("IPv6:"))
            except ValueError:
                return False
            return True
        return False


_URL = re.compile(
    r"^(?:[a-z0-9.+-]*)://"
    r"(?:[^\s:@/]+(?::[^\s:@/]*)?@)?"
    r"(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}"
    r"|\[[0-9a-f:.]+\]"
    r"|(?:[a-z0-9\u00a1-\uffff](?:[a-z0-9\u00a1-\uffff-]{0,61}[a-z0-9\u00a1-\uffff])?)"
    r"(?:\.(?!-)[a-z0-9\u00a1-\uffff-]{1,63}(?<!-))*"
    r"\.(?!-)(?:[a-z\u00a1-\uffff-]{2,63}|xn--[a-z0-9]{1,59})(?<!-)\.?"
    r"|localhost)"
    r"(?::[0-9]{1,5})?"
    r"(?:[/?#][^\s]*)?\Z",
    re.IGNORECASE,
)


class URLValidator:
    """An absolute http(s)/ftp(s) URL with a host name, IPv4/IPv6 address or localhost."""

    message = "Enter a valid URL."
    code = "invalid"
    schemes: tuple[str, ...] = ("http", "https", "ftp", "ftps")
    max_length = 2048

    def __init__(self, schemes: Sequence[str] | None = None, message: str | None = None) -> None:
        if schemes is not None:
            self.schemes = tuple(schemes)
        if message is not None:
            self.message = message

    def __call__(self, value: Any) -> None:
        if not isinstance(value, str) or len(value) > self.max_length:
            raise ValidationError(self.message, code=self.code)
        scheme = value.split("://", 1)[0].lower()
        if scheme not in self.schemes or not _URL.match(value):
            raise ValidationError(self.message, code=self.code)
        host = re.match(r"^[^:]+://(?:[^@/]*@)?\[([^\]]+)\]", value)
        if host:
            try:
                ipaddress.IPv6Address(host.group(1))
            except ValueError:
                raise ValidationError(self.message, code=self.code) from None


# -- uniqueness ----------------------------------------------------------------


def _exclude_instance(queryset: Any, instance: Any) -> Any:
    if instance is None:
        return queryset
    if hasattr(queryset, "exclude_instance"):
        return queryset.exclude_instance(instance)
    return queryset.exclude(pk=instance.pk)


def _filter(queryset: Any, **lookups: Any) -> Any:
    return queryset.filter(**lookups)


class UniqueValidator:
    """The value is not used by another row: ``UniqueValidator(queryset=Book.objects.all())``."""

    message = "This field must be unique."
    requires_context = True

    def __init__(self, queryset: Any, message: str | None = None, lookup: str = "exact") -> None:
        self.queryset = queryset
        if message is not None:
            self.message = message
        self.lookup = lookup

    def __call__(self, value: Any, serializer_field: Any) -> None:
        field_name = serializer_field.source_attrs[-1]
        instance = getattr(serializer_field.parent, "instance", None)
        queryset = _filter(self.queryset, **{f"{field_name}__{self.lookup}": value})
        queryset = _exclude_instance(queryset, instance)
        if queryset.exists():
            raise ValidationError(self.message, code="unique")


class UniqueTogetherValidator:
    """The values of ``fields`` together are not used by another row."""

    message = "The fields {field_names} must make a unique set."
    missing_message = "This field is required."
    requires_context = True

    def __init__(self, queryset: Any, fields: Sequence[str], message: str | None = None) -> None:
        self.queryset = queryset
        self.fields = tuple(fields)
        if message is not None:
            self.message = message

    def __call__(self, attrs: Mapping[str, Any], serializer: Any) -> None:
        instance = getattr(serializer, "instance", None)
        by_name = serializer.fields
        sources = {name: by_name[name].source for name in self.fields if name in by_name}
        if instance is None:
            missing = {
                name: self.missing_message
                for name in self.fields
                if sources.get(name, name) not in attrs
            }
            if missing and not getattr(serializer, "partial", False):
                raise ValidationError(missing, code="required")
        values = {}
        for name in self.fields:
            source = sources.get(name, name)
            if source in attrs:
                values[source] = attrs[source]
            elif instance is not None:
                values[source] = getattr(instance, source)
            else:
                return
        if any(v is None for v in values.values()):
            return
        queryset = _exclude_instance(_filter(self.queryset, **values), instance)
        if queryset.exists():
            raise ValidationError(
                self.message.format(field_names=", ".join(self.fields)), code="unique"
            )


Validator = Callable[..., None]
__all__ = [
    "EmailValidator",
    "MaxLengthValidator",
    "MaxValueValidator",
    "MinLengthValidator",
    "MinValueValidator",
    "ProhibitNullCharactersValidator",
    "ProhibitSurrogateCharactersValidator",
    "RegexValidator",
    "SQLAlchemyQuery",
    "URLValidator",
    "UniqueTogetherValidator",
    "UniqueValidator",
    "Validator",
]

"""Text fields with a format: regex, e-mail, URL, slug, UUID, IP, JSON."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

from manouche.formkit import validators as v
from manouche.formkit._i18n import gettext_noop
from manouche.formkit._messages import resolve
from manouche.formkit.exceptions import ValidationError
from manouche.formkit.fields._base import CharField
from manouche.formkit.widgets import (
    EmailInput,
    Textarea,
    URLInput,
)


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
    """A ``CharField`` that validates an email address."""

    widget = EmailInput
    default_validators = (v.validate_email,)

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 320)
        super().__init__(strip=True, **kwargs)


class URLField(CharField):
    """A URL; one typed without a scheme gets ``assume_scheme`` (``https``)."""

    widget = URLInput
    default_error_messages = {"invalid": gettext_noop("Enter a valid URL.")}
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
    """A ``CharField`` that validates a slug (``allow_unicode`` for Unicode letters)."""

    default_validators = (v.validate_slug,)

    def __init__(self, *, allow_unicode: bool = False, **kwargs: Any) -> None:
        self.allow_unicode = allow_unicode
        if allow_unicode:
            self.default_validators = (v.validate_unicode_slug,)
        super().__init__(**kwargs)


class UUIDField(CharField):
    """A UUID in any of the usual spellings; cleans to ``uuid.UUID``."""

    default_error_messages = {"invalid": gettext_noop("Enter a valid UUID.")}

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

    default_error_messages = {"invalid": gettext_noop("Enter a valid JSON.")}
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
        except (json.JSONDecodeError, TypeError, RecursionError):
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
        except (json.JSONDecodeError, TypeError, RecursionError):
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

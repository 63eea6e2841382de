"""Validators: callables that raise :class:`ValidationError` for bad values.

Names, messages and error codes are Django's. A validator is any callable
taking the cleaned value; these classes compare equal when configured alike.
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import PurePath
from typing import Any
from urllib.parse import urlsplit

from manouche.validation._i18n import gettext_noop
from manouche.validation.exceptions import ValidationError
from manouche.validation.messages import Message, Plural, resolve

__all__ = [
    "EMPTY_VALUES",
    "MAX_IPV6_ADDRESS_LENGTH",
    "MAX_URL_LENGTH",
    "BaseValidator",
    "DecimalValidator",
    "DomainNameValidator",
    "EmailValidator",
    "FileExtensionValidator",
    "MaxLengthValidator",
    "MaxValueValidator",
    "MinLengthValidator",
    "MinValueValidator",
    "ProhibitNullCharactersValidator",
    "RegexValidator",
    "StepValueValidator",
    "URLValidator",
    "get_available_image_extensions",
    "int_list_validator",
    "integer_validator",
    "ip_address_validators",
    "validate_comma_separated_integer_list",
    "validate_domain_name",
    "validate_email",
    "validate_image_file_extension",
    "validate_integer",
    "validate_ipv4_address",
    "validate_ipv46_address",
    "validate_ipv6_address",
    "validate_slug",
    "validate_unicode_slug",
]

#: The values a field treats as "no value" (``None``, ``""``, ``[]``, ``()``,
#: ``{}``), as Django's.
EMPTY_VALUES: tuple[Any, ...] = (None, "", [], (), {})

#: The longest URL :class:`~manouche.validation.URLValidator` accepts
#: (2048 characters), as Django's.
MAX_URL_LENGTH = 2048
#: The length of the longest written IPv6 address (39 characters), as Django's.
MAX_IPV6_ADDRESS_LENGTH = 39


def _fail(message: Message, code: str, params: dict[str, Any]) -> ValidationError:
    return ValidationError(resolve(message, params), code=code, params=params)


class RegexValidator:
    """Valid when ``regex`` is found in ``str(value)`` (not found with ``inverse_match``)."""

    regex: re.Pattern[str] | str = ""
    message: Message = gettext_noop("Enter a valid value.")
    code = "invalid"
    inverse_match = False
    flags = 0

    def __init__(
        self,
        regex: re.Pattern[str] | str | None = None,
        message: Message | None = None,
        code: str | None = None,
        inverse_match: bool | None = None,
        flags: int | None = None,
    ) -> None:
        if regex is not None:
            self.regex = regex
        if message is not None:
            self.message = message
        if code is not None:
            self.code = code
        if inverse_match is not None:
            self.inverse_match = inverse_match
        if flags is not None:
            self.flags = flags
        if self.flags and not isinstance(self.regex, str):
            raise TypeError("If the flags are set, regex must be a regular expression string.")
        self._compiled = (
            re.compile(self.regex, self.flags) if isinstance(self.regex, str) else self.regex
        )

    def __call__(self, value: Any) -> None:
        found = self._compiled.search(str(value)) is not None
        if found is self.inverse_match:
            raise _fail(self.message, self.code, {"value": value})

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, RegexValidator)
            and self._compiled.pattern == other._compiled.pattern
            and self._compiled.flags == other._compiled.flags
            and self.message == other.message
            and self.code == other.code
            and self.inverse_match == other.inverse_match
        )

    __hash__ = object.__hash__


# -- host names ----------------------------------------------------------------


def _is_label_char(char: str, digits_ok: bool = True) -> bool:
    # ASCII letters, digits (where allowed), the hyphen, and any BMP character
    # from U+00A1 on (internationalized names before IDNA encoding).
    if char.isascii():
        return char.isalpha() or char == "-" or (digits_ok and char.isdigit())
    return "\u00a1" <= char <= "\uffff"


_ASCII_LABEL = re.compile(r"[a-zA-Z0-9-]+")
_ASCII_LETTERS_LABEL = re.compile(r"[a-zA-Z-]+")


def _valid_label(label: str, *, digits_ok: bool = True) -> bool:
    if not 1 <= len(label) <= 63 or label[0] == "-" or label[-1] == "-":
        return False
    if label.isascii():  # the common case, checked in C
        pattern = _ASCII_LABEL if digits_ok else _ASCII_LETTERS_LABEL
        return pattern.fullmatch(label) is not None
    return all(_is_label_char(c, digits_ok) for c in label)


def _valid_tld(label: str) -> bool:
    if len(label) >= 2 and _valid_label(label, digits_ok=False):
        return True
    # Punycode: "xn--" and 1 to 59 ASCII letters or digits.
    return (
        label[:4].lower() == "xn--"
        and 1 <= len(label) - 4 <= 59
        and all(c.isascii() and c.isalnum() for c in label[4:])
    )


def _valid_hostname(host: str, *, trailing_dot: bool) -> bool:
    if trailing_dot and host.endswith("."):
        host = host[:-1]
    labels = host.split(".")
    if len(labels) < 2:
        return False
    return all(_valid_label(label) for label in labels[:-1]) and _valid_tld(labels[-1])


def _valid_ipv4_octets(host: str) -> bool:
    parts = host.split(".")
    if len(parts) != 4:
        return False
    for part in parts:
        if not part.isascii() or not part.isdigit() or len(part) > 3:
            return False
        if len(part) > 1 and part[0] == "0" or int(part) > 255:
            return False
    return True


_ASCII_DOMAIN = re.compile(
    r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
    r"(?:\.(?!-)[a-z0-9-]{1,63}(?<!-))*"
    r"\.(?!-)[a-z0-9-]{2,63}(?<!-)\.?\Z",
    re.IGNORECASE,
)


class DomainNameValidator(RegexValidator):
    """A DNS domain name with a top-level domain, IDNA labels accepted unless told."""

    message = gettext_noop("Enter a valid domain name.")
    max_length = 255

    def __init__(self, *, accept_idna: bool = True, **kwargs: Any) -> None:
        self.accept_idna = accept_idna
        super().__init__(**kwargs)

    def __call__(self, value: Any) -> None:
        params = {"value": value}
        if not isinstance(value, str) or len(value) > self.max_length:
            raise _fail(self.message, self.code, params)
        if not self.accept_idna:
            # ASCII only: digits are allowed in the top-level domain too, as Django's.
            if not value.isascii() or _ASCII_DOMAIN.match(value) is None:
                raise _fail(self.message, self.code, params)
            return
        if not _valid_hostname(value, trailing_dot=True):
            raise _fail(self.message, self.code, params)


class URLValidator(RegexValidator):
    """An absolute URL with one of ``schemes``, a valid host, optional port and path."""

    message = gettext_noop("Enter a valid URL.")
    schemes: Sequence[str] = ("http", "https", "ftp", "ftps")
    max_length = MAX_URL_LENGTH

    def __init__(self, schemes: Sequence[str] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if schemes is not None:
            self.schemes = schemes

    def __call__(self, value: Any) -> None:
        if not self._valid(value):
            raise _fail(self.message, self.code, {"value": value})

    def _valid(self, value: Any) -> bool:
        if not isinstance(value, str) or len(value) > self.max_length:
            return False
        scheme, sep, rest = value.partition("://")
        if not sep or scheme.lower() not in self.schemes:
            return False
        if any(c in "\t\r\n" for c in value):
            return False
        if any(not (c.isascii() and (c.isalnum() or c in ".+-")) for c in scheme):
            return False
        try:
            parts = urlsplit(value)
        except ValueError:
            return False
        # Authority: [user[:password]@]host[:port], ending at / ? # or the end.
        if not (self._authority_ok(rest, with_userinfo=True) or self._authority_ok(rest, False)):
            return False
        netloc = parts.netloc
        if netloc.startswith("["):
            end = netloc.find("]")
            tail = netloc[end + 1 :]
            if end != -1 and (not tail or (tail[0] == ":" and tail[1:].isdigit())):
                if not _is_ipv6(netloc[1:end]):
                    return False
        hostname = parts.hostname
        return hostname is not None and len(hostname) <= 253

    @staticmethod
    def _authority_ok(rest: str, with_userinfo: bool) -> bool:
        if with_userinfo:
            at = rest.find("@")
            if at <= 0:
                return False
            user, _, password = rest[:at].partition(":")
            if not user or any(c in ":@/" or c.isspace() for c in user):
                return False
            if any(c in ":@/" or c.isspace() for c in password):
                return False
            rest = rest[at + 1 :]
        end = len(rest)
        for sep in "/?#":
            index = rest.find(sep)
            if index != -1 and index < end:
                end = index
        authority = rest[:end]
        # The path, query and fragment may hold anything but whitespace.
        if any(c.isspace() for c in rest[end:]):
            return False
        if authority.startswith("["):
            close = authority.find("]")
            if close == -1:
                return False
            host, port_part = authority[: close + 1], authority[close + 1 :]
            inner = host[1:-1]
            if not inner or any(c not in "0123456789abcdefABCDEF:." for c in inner):
                return False
        else:
            host, colon, port = authority.partition(":")
            port_part = colon + port
            if not (
                _valid_ipv4_octets(host)
                or host.lower() == "localhost"
                or _valid_hostname(host, trailing_dot=True)
            ):
                return False
        if port_part:
            digits = port_part[1:]
            if port_part[0] != ":" or not 1 <= len(digits) <= 5:
                return False
            if not (digits.isascii() and digits.isdigit()):
                return False
        return True


def _is_ipv6(value: Any) -> bool:
    if isinstance(value, ipaddress.IPv6Address):
        return True
    if not isinstance(value, str) or len(value) > MAX_IPV6_ADDRESS_LENGTH:
        return False
    try:
        ipaddress.IPv6Address(value)
    except ValueError:
        return False
    return True


def validate_ipv4_address(value: Any) -> None:
    """An IPv4 address in dotted decimal form."""
    try:
        ipaddress.IPv4Address(value)
    except ValueError:
        raise ValidationError(
            resolve("Enter a valid %(protocol)s address."),
            code="invalid",
            params={"protocol": resolve("IPv4"), "value": value},
        ) from None


def validate_ipv6_address(value: Any) -> None:
    """An IPv6 address (at most 39 characters)."""
    if not _is_ipv6(value):
        raise ValidationError(
            resolve("Enter a valid %(protocol)s address."),
            code="invalid",
            params={"protocol": resolve("IPv6"), "value": value},
        )


def validate_ipv46_address(value: Any) -> None:
    """An IPv4 or an IPv6 address."""
    try:
        validate_ipv4_address(value)
    except ValidationError:
        try:
            validate_ipv6_address(value)
        except ValidationError:
            raise ValidationError(
                resolve("Enter a valid %(protocol)s address."),
                code="invalid",
                params={"protocol": resolve("IPv4 or IPv6"), "value": value},
            ) from None


_ATEXT = frozenset(
    "-!#$%&'*+/=?^_`{}|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    # Letters that case-insensitive matching folds onto ASCII ones (dotted and
    # dotless i, long s, Kelvin sign): accepted, as Django's pattern does.
    + "\u0130\u0131\u017f\u212a"
)


_FOLDS_TO_ASCII = frozenset("\u0130\u0131\u017f\u212a")


def _quoted_local_part(user: str) -> bool:
    # "..." holding printable ASCII except \ and ", or backslash pairs.
    if len(user) < 2 or user[0] != '"' or user[-1] != '"':
        return False
    body = user[1:-1]
    index = 0
    while index < len(body):
        code = ord(body[index])
        if body[index] in _FOLDS_TO_ASCII:
            index += 1
            continue
        if body[index] == "\\":
            if index + 1 >= len(body):
                return False
            escaped = ord(body[index + 1])
            if body[index + 1] in _FOLDS_TO_ASCII:
                escaped = ord("a")
            if not (1 <= escaped <= 127) or escaped in (10, 13):
                return False
            index += 2
            continue
        if not (1 <= code <= 127) or code in (10, 13, 34, 92) or code == 32 or code == 9:
            return False
        index += 1
    return True


def _dot_atom(user: str) -> bool:
    return all(atom and all(c in _ATEXT for c in atom) for atom in user.split("."))


class EmailValidator:
    """``local@domain``: a dot-atom or quoted local part, a domain or ``[IP]``."""

    message: Message = gettext_noop("Enter a valid email address.")
    code = "invalid"
    domain_allowlist: Sequence[str] = ("localhost",)

    def __init__(
        self,
        message: Message | None = None,
        code: str | None = None,
        allowlist: Sequence[str] | None = None,
    ) -> None:
        if message is not None:
            self.message = message
        if code is not None:
            self.code = code
        if allowlist is not None:
            self.domain_allowlist = allowlist

    def __call__(self, value: Any) -> None:
        if not value or "@" not in value or len(value) > 320:
            raise _fail(self.message, self.code, {"value": value})
        user, domain = value.rsplit("@", 1)
        if not (_dot_atom(user) or _quoted_local_part(user)):
            raise _fail(self.message, self.code, {"value": value})
        if domain not in self.domain_allowlist and not self.validate_domain_part(domain):
            raise _fail(self.message, self.code, {"value": value})

    def validate_domain_part(self, domain: str) -> bool:
        if _valid_hostname(domain, trailing_dot=False):
            return True
        if len(domain) > 2 and domain[0] == "[" and domain[-1] == "]":
            literal = domain[1:-1]
            if all(c in "0123456789abcdefABCDEF:." for c in literal):
                try:
                    validate_ipv46_address(literal)
                except ValidationError:
                    return False
                return True
        return False

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, EmailValidator)
            and set(self.domain_allowlist) == set(other.domain_allowlist)
            and self.message == other.message
            and self.code == other.code
        )

    __hash__ = object.__hash__


#: Validates an email address: an :class:`~manouche.validation.EmailValidator`
#: with the defaults, as Django's ``validate_email``.
validate_email = EmailValidator()

#: Validates an ASCII slug (letters, digits, underscores, hyphens), code ``"invalid"``.
validate_slug = RegexValidator(
    re.compile(r"^[-a-zA-Z0-9_]+\Z"),
    gettext_noop("Enter a valid “slug” consisting of letters, numbers, underscores or hyphens."),
    "invalid",
)

#: Validates a slug of Unicode letters, digits, underscores and hyphens,
#: code ``"invalid"``.
validate_unicode_slug = RegexValidator(
    re.compile(r"^[-\w]+\Z"),
    gettext_noop(
        "Enter a valid “slug” consisting of Unicode letters, numbers, underscores, or hyphens."
    ),
    "invalid",
)

#: Validates that a value is written as a whole number (an optional ``-``, then digits);
#: :func:`~manouche.validation.validate_integer` calls it.
integer_validator = RegexValidator(
    re.compile(r"^-?\d+\Z"), message=gettext_noop("Enter a valid integer."), code="invalid"
)


def validate_integer(value: Any) -> None:
    """An optionally negative run of digits."""
    integer_validator(value)


#: Validates a domain name, Unicode labels included: a
#: :class:`~manouche.validation.DomainNameValidator` with the defaults.
validate_domain_name = DomainNameValidator()

_IP_VALIDATORS: dict[str, list[Callable[[Any], None]]] = {
    "both": [validate_ipv46_address],
    "ipv4": [validate_ipv4_address],
    "ipv6": [validate_ipv6_address],
}


def ip_address_validators(protocol: str, unpack_ipv4: bool) -> list[Callable[[Any], None]]:
    """The validators of an IP address field for ``protocol`` (``both``, ``IPv4``, ``IPv6``)."""
    if protocol != "both" and unpack_ipv4:
        raise ValueError("You can only use `unpack_ipv4` if `protocol` is set to 'both'")
    try:
        return list(_IP_VALIDATORS[protocol.lower()])
    except KeyError:
        raise ValueError(
            f"The protocol '{protocol}' is unknown. Supported: {list(_IP_VALIDATORS)}"
        ) from None


def int_list_validator(
    sep: str = ",",
    message: Message | None = None,
    code: str = "invalid",
    allow_negative: bool = False,
) -> RegexValidator:
    """A validator of integers joined by ``sep`` (``"1,2,3"``), negatives if allowed.

    .. versionadded:: 0.2
    """
    neg = "(-)?" if allow_negative else ""
    regex = re.compile(rf"^{neg}\d+(?:{re.escape(sep)}{neg}\d+)*\Z")
    return RegexValidator(regex, message=message, code=code)


#: Validates digits separated by commas (``"1,2,3"``), as Django's validator
#: of the same name.
validate_comma_separated_integer_list = int_list_validator(
    message=gettext_noop("Enter only digits separated by commas.")
)


# -- limits ----------------------------------------------------------------------


class BaseValidator:
    """Compares ``clean(value)`` with ``limit_value`` (a value or a callable)."""

    message: Message = gettext_noop("Ensure this value is %(limit_value)s (it is %(show_value)s).")
    code = "limit_value"

    def __init__(self, limit_value: Any, message: Message | None = None) -> None:
        self.limit_value = limit_value
        if message is not None:
            self.message = message

    def __call__(self, value: Any) -> None:
        cleaned = self.clean(value)
        limit = self.limit_value() if callable(self.limit_value) else self.limit_value
        params = {"limit_value": limit, "show_value": cleaned, "value": value}
        if self.compare(cleaned, limit):
            raise _fail(self.message, self.code, params)

    def compare(self, a: Any, b: Any) -> bool:
        return bool(a is not b)

    def clean(self, value: Any) -> Any:
        return value

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, self.__class__):
            return NotImplemented
        return (
            self.limit_value == other.limit_value
            and self.message == other.message
            and self.code == other.code
        )

    __hash__ = object.__hash__


class MaxValueValidator(BaseValidator):
    """Fails when the value is greater than ``limit_value`` (code ``"max_value"``)."""

    message = gettext_noop("Ensure this value is less than or equal to %(limit_value)s.")
    code = "max_value"

    def compare(self, a: Any, b: Any) -> bool:
        return bool(a > b)


class MinValueValidator(BaseValidator):
    """Fails when the value is less than ``limit_value`` (code ``"min_value"``)."""

    message = gettext_noop("Ensure this value is greater than or equal to %(limit_value)s.")
    code = "min_value"

    def compare(self, a: Any, b: Any) -> bool:
        return bool(a < b)


class StepValueValidator(BaseValidator):
    """A multiple of ``limit_value``, counted from ``offset`` when given."""

    message = gettext_noop("Ensure this value is a multiple of step size %(limit_value)s.")
    offset_message = gettext_noop(
        "Ensure this value is a multiple of step size %(limit_value)s, starting from "
        "%(offset)s, e.g. %(offset)s, %(valid_value1)s, %(valid_value2)s, and so on."
    )
    code = "step_size"

    def __init__(
        self, limit_value: Any, message: Message | None = None, offset: Any = None
    ) -> None:
        super().__init__(limit_value, message)
        if offset is not None and message is None:
            self.message = self.offset_message
        self.offset = offset

    def __call__(self, value: Any) -> None:
        limit = self.limit_value() if callable(self.limit_value) else self.limit_value
        offset = self.offset() if callable(self.offset) else self.offset
        params = {"limit_value": limit, "show_value": value, "value": value}
        if offset is not None:
            params.update(
                offset=offset, valid_value1=offset + limit, valid_value2=offset + 2 * limit
            )
        start = 0 if offset is None else offset
        if not math.isclose(math.remainder(value - start, limit), 0, abs_tol=1e-9):
            raise _fail(self.message, self.code, params)


class MinLengthValidator(BaseValidator):
    """Fails when ``len(value)`` is less than ``limit_value`` (code ``"min_length"``)."""

    message = Plural(
        "Ensure this value has at least %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    )
    code = "min_length"

    def compare(self, a: Any, b: Any) -> bool:
        return bool(a < b)

    def clean(self, value: Any) -> int:
        return len(value)


class MaxLengthValidator(BaseValidator):
    """Fails when ``len(value)`` is greater than ``limit_value`` (code ``"max_length"``)."""

    message = Plural(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    )
    code = "max_length"

    def compare(self, a: Any, b: Any) -> bool:
        return bool(a > b)

    def clean(self, value: Any) -> int:
        return len(value)


class DecimalValidator:
    """At most ``max_digits`` digits, ``decimal_places`` of them after the point."""

    messages: dict[str, Message] = {
        "invalid": gettext_noop("Enter a number."),
        "max_digits": Plural(
            "Ensure that there are no more than %(max)s digit in total.",
            "Ensure that there are no more than %(max)s digits in total.",
            "max",
        ),
        "max_decimal_places": Plural(
            "Ensure that there are no more than %(max)s decimal place.",
            "Ensure that there are no more than %(max)s decimal places.",
            "max",
        ),
        "max_whole_digits": Plural(
            "Ensure that there are no more than %(max)s digit before the decimal point.",
            "Ensure that there are no more than %(max)s digits before the decimal point.",
            "max",
        ),
    }

    def __init__(self, max_digits: int | None, decimal_places: int | None) -> None:
        self.max_digits = max_digits
        self.decimal_places = decimal_places

    def __call__(self, value: Decimal) -> None:
        _sign, digit_tuple, exponent = value.as_tuple()
        if not isinstance(exponent, int):
            raise _fail(self.messages["invalid"], "invalid", {"value": value})
        if exponent >= 0:
            digits = len(digit_tuple) + (exponent if digit_tuple != (0,) else 0)
            decimals = 0
        elif -exponent > len(digit_tuple):
            digits = decimals = -exponent
        else:
            digits, decimals = len(digit_tuple), -exponent
        whole = digits - decimals
        if self.max_digits is not None and digits > self.max_digits:
            raise _fail(
                self.messages["max_digits"], "max_digits", {"max": self.max_digits, "value": value}
            )
        if self.decimal_places is not None and decimals > self.decimal_places:
            raise _fail(
                self.messages["max_decimal_places"],
                "max_decimal_places",
                {"max": self.decimal_places, "value": value},
            )
        if (
            self.max_digits is not None
            and self.decimal_places is not None
            and whole > self.max_digits - self.decimal_places
        ):
            raise _fail(
                self.messages["max_whole_digits"],
                "max_whole_digits",
                {"max": self.max_digits - self.decimal_places, "value": value},
            )

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, DecimalValidator)
            and self.max_digits == other.max_digits
            and self.decimal_places == other.decimal_places
        )

    __hash__ = object.__hash__


class ProhibitNullCharactersValidator:
    """Rejects values containing the NUL character (databases reject them)."""

    message: Message = gettext_noop("Null characters are not allowed.")
    code = "null_characters_not_allowed"

    def __init__(self, message: Message | None = None, code: str | None = None) -> None:
        if message is not None:
            self.message = message
        if code is not None:
            self.code = code

    def __call__(self, value: Any) -> None:
        if "\x00" in str(value):
            raise _fail(self.message, self.code, {"value": value})

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, ProhibitNullCharactersValidator)
            and self.message == other.message
            and self.code == other.code
        )

    __hash__ = object.__hash__


class FileExtensionValidator:
    """The uploaded file's name ends with one of ``allowed_extensions``."""

    message: Message = gettext_noop(
        "File extension “%(extension)s” is not allowed. "
        "Allowed extensions are: %(allowed_extensions)s."
    )
    code = "invalid_extension"

    def __init__(
        self,
        allowed_extensions: Sequence[str] | None = None,
        message: Message | None = None,
        code: str | None = None,
    ) -> None:
        self.allowed_extensions = (
            None if allowed_extensions is None else [e.lower() for e in allowed_extensions]
        )
        if message is not None:
            self.message = message
        if code is not None:
            self.code = code

    def __call__(self, value: Any) -> None:
        name = str(getattr(value, "name", value) or "")
        extension = PurePath(name).suffix[1:].lower()
        if self.allowed_extensions is not None and extension not in self.allowed_extensions:
            params = {
                "extension": extension,
                "allowed_extensions": ", ".join(self.allowed_extensions),
                "value": value,
            }
            raise _fail(self.message, self.code, params)


Validator = Callable[[Any], Any]


def get_available_image_extensions() -> list[str]:
    """The file extensions Pillow can open (``[]`` without Pillow: extra ``image``).

    .. versionadded:: 0.2
    """
    try:
        from PIL import Image
    except ImportError:
        return []
    Image.init()
    return [extension.lower()[1:] for extension in Image.EXTENSION]


def validate_image_file_extension(value: Any) -> None:
    """The file's extension is one Pillow opens (code ``invalid_extension``).

    .. versionadded:: 0.2
    """
    FileExtensionValidator(allowed_extensions=get_available_image_extensions())(value)

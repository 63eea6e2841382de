"""Django's validators, ``ValidationError`` and ``dateparse``, and the one model reader.

The ground floor of Manouche: every package that validates input or reads a
model stands on it, so a model's ``full_clean()``, its model form, a fixture
and an API agree on what is valid. It depends on no other Manouche package.

- :mod:`~manouche.validation.validators`: ``django.core.validators``, names,
  messages and error codes included.
- :class:`ValidationError`: Django's (``message``/``code``/``params``,
  ``error_list``/``error_dict``, ``message_dict``, ``update_error_dict``).
- :mod:`~manouche.validation.dateparse`: ``parse_date``, ``parse_time``,
  ``parse_datetime``, ``parse_duration``.
- :func:`describe_model`: an orm-lite model, a SQLAlchemy declarative class or
  a Table as Django-style fields (needs the ``sqlalchemy`` extra).
"""

from __future__ import annotations

from manouche.validation.dateparse import (
    duration_iso_string,
    duration_string,
    get_fixed_timezone,
    parse_date,
    parse_datetime,
    parse_duration,
    parse_time,
)
from manouche.validation.exceptions import NON_FIELD_ERRORS, ValidationError
from manouche.validation.messages import Message, Plural
from manouche.validation.modelinfo import (
    NOT_PROVIDED,
    ModelField,
    ModelInfo,
    base_type,
    describe_model,
    internal_type,
    table_label,
)
from manouche.validation.translation import set_translation
from manouche.validation.validators import (
    EMPTY_VALUES,
    MAX_IPV6_ADDRESS_LENGTH,
    MAX_URL_LENGTH,
    BaseValidator,
    DecimalValidator,
    DomainNameValidator,
    EmailValidator,
    FileExtensionValidator,
    MaxLengthValidator,
    MaxValueValidator,
    MinLengthValidator,
    MinValueValidator,
    ProhibitNullCharactersValidator,
    RegexValidator,
    StepValueValidator,
    URLValidator,
    get_available_image_extensions,
    int_list_validator,
    integer_validator,
    ip_address_validators,
    validate_comma_separated_integer_list,
    validate_domain_name,
    validate_email,
    validate_image_file_extension,
    validate_integer,
    validate_ipv4_address,
    validate_ipv6_address,
    validate_ipv46_address,
    validate_slug,
    validate_unicode_slug,
)

__all__ = [
    "BaseValidator",
    "DecimalValidator",
    "DomainNameValidator",
    "EMPTY_VALUES",
    "EmailValidator",
    "FileExtensionValidator",
    "MAX_IPV6_ADDRESS_LENGTH",
    "MAX_URL_LENGTH",
    "MaxLengthValidator",
    "MaxValueValidator",
    "Message",
    "MinLengthValidator",
    "MinValueValidator",
    "ModelField",
    "ModelInfo",
    "NON_FIELD_ERRORS",
    "NOT_PROVIDED",
    "Plural",
    "ProhibitNullCharactersValidator",
    "RegexValidator",
    "StepValueValidator",
    "URLValidator",
    "ValidationError",
    "base_type",
    "describe_model",
    "duration_iso_string",
    "duration_string",
    "get_available_image_extensions",
    "get_fixed_timezone",
    "int_list_validator",
    "integer_validator",
    "internal_type",
    "ip_address_validators",
    "parse_date",
    "parse_datetime",
    "parse_duration",
    "parse_time",
    "set_translation",
    "table_label",
    "validate_comma_separated_integer_list",
    "validate_domain_name",
    "validate_email",
    "validate_image_file_extension",
    "validate_integer",
    "validate_ipv46_address",
    "validate_ipv4_address",
    "validate_ipv6_address",
    "validate_slug",
    "validate_unicode_slug",
]

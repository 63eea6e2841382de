"""Password validators with Django's names, messages and codes.

``validate_password(password, user)`` runs a list of validators and raises one
:class:`~manouche.authkit.errors.ValidationError` holding every failure. The
default list is the four validators Django's project template enables.
"""

from __future__ import annotations

import functools
import gzip
import re
from collections.abc import Iterable, Sequence
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any, Protocol

from manouche.authkit._i18n import gettext, ngettext
from manouche.authkit.errors import ValidationError

__all__ = [
    "CommonPasswordValidator",
    "MinimumLengthValidator",
    "NumericPasswordValidator",
    "PasswordValidator",
    "UserAttributeSimilarityValidator",
    "get_default_password_validators",
    "password_changed",
    "password_validators_help_text_html",
    "password_validators_help_texts",
    "validate_password",
]

DEFAULT_PASSWORD_LIST_PATH = Path(__file__).parent / "data" / "common-passwords.txt.gz"


class PasswordValidator(Protocol):
    """What a validator offers: ``validate`` raises, ``get_help_text`` explains."""

    def validate(self, password: str, user: Any = None) -> None: ...

    def get_help_text(self) -> str: ...


class MinimumLengthValidator:
    """At least ``min_length`` characters (8 by default)."""

    def __init__(self, min_length: int = 8) -> None:
        if min_length < 1:
            raise ValueError("min_length must be at least 1")
        self.min_length = min_length

    def get_error_message(self) -> str:
        return ngettext(
            "This password is too short. It must contain at least %(min_length)d character.",
            "This password is too short. It must contain at least %(min_length)d characters.",
            self.min_length,
        )

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(
                self.get_error_message(),
                code="password_too_short",
                params={"min_length": self.min_length},
            )

    def get_help_text(self) -> str:
        return ngettext(
            "Your password must contain at least %(min_length)d character.",
            "Your password must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}


def exceeds_maximum_length_ratio(password: str, max_similarity: float, value: str) -> bool:
    """True when ``password`` is so much longer than ``value`` that it cannot be too similar."""
    pwd_len = len(password)
    length_bound_similarity = max_similarity / 2 * pwd_len
    value_len = len(value)
    return pwd_len >= 10 * value_len and value_len < length_bound_similarity


class UserAttributeSimilarityValidator:
    """Not too similar to the user's username, names or email address."""

    DEFAULT_USER_ATTRIBUTES = ("username", "first_name", "last_name", "email")

    def __init__(
        self,
        user_attributes: Sequence[str] = DEFAULT_USER_ATTRIBUTES,
        max_similarity: float = 0.7,
    ) -> None:
        if max_similarity < 0.1:
            raise ValueError("max_similarity must be at least 0.1")
        self.user_attributes = tuple(user_attributes)
        self.max_similarity = max_similarity

    def get_error_message(self) -> str:
        return gettext("The password is too similar to the %(verbose_name)s.")

    def validate(self, password: str, user: Any = None) -> None:
        if not user:
            return
        password = password.lower()
        for attribute in self.user_attributes:
            value = getattr(user, attribute, None)
            if not value or not isinstance(value, str):
                continue
            lowered = value.lower()
            for part in [*re.split(r"\W+", lowered), lowered]:
                if exceeds_maximum_length_ratio(password, self.max_similarity, part):
                    continue
                if SequenceMatcher(a=password, b=part).quick_ratio() >= self.max_similarity:
                    raise ValidationError(
                        self.get_error_message(),
                        code="password_too_similar",
                        params={"verbose_name": _verbose_name(user, attribute)},
                    )

    def get_help_text(self) -> str:
        return gettext("Your password can’t be too similar to your other personal information.")


def _verbose_name(user: Any, attribute: str) -> str:
    meta = getattr(user, "_meta", None)
    if meta is not None:
        try:
            return str(meta.get_field(attribute).verbose_name)
        except Exception:  # an unknown field: fall back to the attribute name
            pass
    return attribute.replace("_", " ")


@functools.cache
def _password_list(path: str) -> frozenset[str]:
    opener: Any = gzip.open if path.endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8") as fh:
            return frozenset(line.strip() for line in fh)
    except OSError as exc:
        raise ValueError(f"cannot read the common password list {path!r}: {exc}") from None


class CommonPasswordValidator:
    """Not in a list of common passwords (the 20,000 Django ships, by default).

    The list is read once per path and shared by every validator using it.
    """

    DEFAULT_PASSWORD_LIST_PATH = DEFAULT_PASSWORD_LIST_PATH

    def __init__(self, password_list_path: str | Path = DEFAULT_PASSWORD_LIST_PATH) -> None:
        self.passwords = _password_list(str(password_list_path))

    def get_error_message(self) -> str:
        return gettext("This password is too common.")

    def validate(self, password: str, user: Any = None) -> None:
        if password.lower().strip() in self.passwords:
            raise ValidationError(self.get_error_message(), code="password_too_common")

    def get_help_text(self) -> str:
        return gettext("Your password can’t be a commonly used password.")


class NumericPasswordValidator:
    """Not made of digits only."""

    def get_error_message(self) -> str:
        return gettext("This password is entirely numeric.")

    def validate(self, password: str, user: Any = None) -> None:
        if password.isdigit():
            raise ValidationError(self.get_error_message(), code="password_entirely_numeric")

    def get_help_text(self) -> str:
        return gettext("Your password can’t be entirely numeric.")


def get_default_password_validators() -> list[PasswordValidator]:
    """Django's project-template list: similarity, length 8, common, numeric."""
    return [
        UserAttributeSimilarityValidator(),
        MinimumLengthValidator(),
        CommonPasswordValidator(),
        NumericPasswordValidator(),
    ]


def validate_password(
    password: str,
    user: Any = None,
    password_validators: Iterable[PasswordValidator] | None = None,
) -> None:
    """Run every validator; raise one ``ValidationError`` with all the failures."""
    if password_validators is None:
        password_validators = get_default_password_validators()
    errors: list[ValidationError] = []
    for validator in password_validators:
        try:
            validator.validate(password, user)
        except ValidationError as error:
            errors.append(error)
    if errors:
        raise ValidationError(errors)


def password_changed(
    password: str,
    user: Any = None,
    password_validators: Iterable[PasswordValidator] | None = None,
) -> None:
    """Tell the validators that have a ``password_changed`` hook (history checks)."""
    if password_validators is None:
        password_validators = get_default_password_validators()
    for validator in password_validators:
        hook = getattr(validator, "password_changed", None)
        if hook is not None:
            hook(password, user)


def password_validators_help_texts(
    password_validators: Iterable[PasswordValidator] | None = None,
) -> list[str]:
    """The help texts of the password validators, to show beside a password field."""

    if password_validators is None:
        password_validators = get_default_password_validators()
    return [v.get_help_text() for v in password_validators]


def password_validators_help_text_html(
    password_validators: Iterable[PasswordValidator] | None = None,
) -> str:
    """The help texts as an HTML list (escaped), or "" when there are none."""
    from html import escape

    texts = password_validators_help_texts(password_validators)
    items = "".join(f"<li>{escape(text)}</li>" for text in texts)
    return f"<ul>{items}</ul>" if items else ""

"""Password reset tokens in Django's format (signed, expiring, single use).

A token is ``<timestamp in base 36>-<HMAC>``; the HMAC covers the user's
primary key, password hash, last login and email, so it stops working once
the password is changed or the user logs in: each token works once. Tokens
made by Django with the same secret verify here and the other way round.
Sending the mail is the caller's: :func:`password_reset_link` gives the
``uidb64`` and token to put in a URL.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from manouche.authkit._crypto import constant_time_compare, salted_hmac

__all__ = [
    "PasswordResetTokenGenerator",
    "base36_to_int",
    "int_to_base36",
    "password_reset_link",
    "urlsafe_base64_decode",
    "urlsafe_base64_encode",
    "user_from_uidb64",
]

_B36 = "0123456789abcdefghijklmnopqrstuvwxyz"


def int_to_base36(i: int) -> str:
    if i < 0:
        raise ValueError("Negative base36 conversion input.")
    if i < 36:
        return _B36[i]
    out = ""
    while i != 0:
        i, n = divmod(i, 36)
        out = _B36[n] + out
    return out


def base36_to_int(s: str) -> int:
    # Django caps the length (13 digits fit a 64-bit int) so a huge value costs nothing.
    if len(s) > 13:
        raise ValueError("Base36 input too large")
    return int(s, 36)


def urlsafe_base64_encode(s: bytes) -> str:
    return base64.urlsafe_b64encode(s).decode("ascii").rstrip("\n=")


def urlsafe_base64_decode(s: str) -> bytes:
    try:
        data = s.encode("ascii")
        return base64.urlsafe_b64decode(data.ljust(len(data) + len(data) % 4, b"="))
    except (ValueError, UnicodeEncodeError) as exc:
        raise ValueError(str(exc)) from None


class PasswordResetTokenGenerator:
    """Make and check reset tokens (Django's ``default_token_generator``).

    :param secret: the signing secret (Django's ``SECRET_KEY``).
    :param timeout: seconds a token stays valid (``PASSWORD_RESET_TIMEOUT``, 3 days).
    :param secret_fallbacks: older secrets still accepted.
    """

    key_salt = "django.contrib.auth.tokens.PasswordResetTokenGenerator"
    algorithm = "sha256"

    def __init__(
        self,
        *,
        secret: str | bytes,
        timeout: int = 259200,
        secret_fallbacks: Iterable[str | bytes] = (),
    ) -> None:
        if not secret:
            raise ValueError("PasswordResetTokenGenerator needs a secret")
        self.secret = secret
        self.timeout = timeout
        self.secret_fallbacks = tuple(secret_fallbacks)

    def make_token(self, user: Any) -> str:
        return self._make_token_with_timestamp(user, self._num_seconds(self._now()), self.secret)

    def check_token(self, user: Any, token: str | None) -> bool:
        if not (user and token):
            return False
        try:
            ts_b36, _ = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        for secret in (self.secret, *self.secret_fallbacks):
            if constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token):
                break
        else:
            return False
        return (self._num_seconds(self._now()) - ts) <= self.timeout

    def _make_token_with_timestamp(self, user: Any, timestamp: int, secret: str | bytes) -> str:
        digest = salted_hmac(
            self.key_salt,
            self._make_hash_value(user, timestamp),
            secret,
            algorithm=self.algorithm,
        ).hexdigest()[::2]
        return f"{int_to_base36(timestamp)}-{digest}"

    def _make_hash_value(self, user: Any, timestamp: int) -> str:
        last = user.last_login
        login_timestamp = "" if last is None else last.replace(microsecond=0, tzinfo=None)
        email_field = user.get_email_field_name()
        email = getattr(user, email_field, "") or ""
        return f"{user.pk}{user.password}{login_timestamp}{timestamp}{email}"

    def _num_seconds(self, dt: datetime) -> int:
        return int((dt - datetime(2001, 1, 1)).total_seconds())

    def _now(self) -> datetime:
        return datetime.now()


def password_reset_link(user: Any, generator: PasswordResetTokenGenerator) -> tuple[str, str]:
    """``(uidb64, token)`` for a reset URL such as ``/reset/<uidb64>/<token>/``."""
    return urlsafe_base64_encode(str(user.pk).encode()), generator.make_token(user)


def user_from_uidb64(user_model: Any, uidb64: str) -> Any:
    """The user a ``uidb64`` names, or None (malformed or unknown: never an error)."""
    try:
        pk = urlsafe_base64_decode(uidb64).decode()
        return user_model._default_manager.get(pk=pk)
    except (ValueError, TypeError, OverflowError, UnicodeDecodeError, user_model.DoesNotExist):
        return None

"""Small cryptographic helpers: random strings, constant-time comparison, HMAC."""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets

__all__ = [
    "RANDOM_STRING_CHARS",
    "constant_time_compare",
    "force_bytes",
    "get_random_string",
    "keyed_hmac",
    "salted_hmac",
    "salted_hmac_digest",
]

RANDOM_STRING_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def get_random_string(length: int, allowed_chars: str = RANDOM_STRING_CHARS) -> str:
    """A random string of ``length`` characters drawn with ``secrets``."""
    return "".join(secrets.choice(allowed_chars) for _ in range(length))


def force_bytes(value: str | bytes) -> bytes:
    """``value`` as UTF-8 bytes (bytes pass through)."""
    return value if isinstance(value, bytes) else value.encode("utf-8")


def constant_time_compare(val1: str | bytes, val2: str | bytes) -> bool:
    """Whether the two values are equal, in time that does not depend on where they differ."""
    return hmac.compare_digest(force_bytes(val1), force_bytes(val2))


@functools.lru_cache(maxsize=128)
def _derived_key(algorithm: str, key_salt: bytes, secret: bytes) -> bytes:
    try:
        return hashlib.new(algorithm, key_salt + secret).digest()
    except ValueError:
        raise ValueError(f"{algorithm!r} is not an algorithm accepted by hashlib") from None


def salted_hmac(
    key_salt: str,
    value: str | bytes,
    secret: str | bytes,
    *,
    algorithm: str = "sha1",
) -> hmac.HMAC:
    """Django's ``salted_hmac``: HMAC of ``value`` keyed by hash(key_salt + secret)."""
    key = _derived_key(algorithm, force_bytes(key_salt), force_bytes(secret))
    return hmac.new(key, msg=force_bytes(value), digestmod=algorithm)


def keyed_hmac(key_salt: str, secret: str | bytes, algorithm: str = "sha1") -> hmac.HMAC:
    """Django's ``salted_hmac`` keyed but not fed: ``.copy()``, ``update``, ``digest``."""
    return _keyed_hmac(algorithm, force_bytes(key_salt), force_bytes(secret))


@functools.lru_cache(maxsize=128)
def _keyed_hmac(algorithm: str, key_salt: bytes, secret: bytes) -> hmac.HMAC:
    # An HMAC keyed and never fed: each digest copies it (two hash states)
    # instead of keying a new one, which OpenSSL 3 does several times slower
    # (it looks the digest up by name on every HMAC it starts).
    key = _derived_key(algorithm, key_salt, secret)
    return hmac.new(key, digestmod=algorithm)


def salted_hmac_digest(
    key_salt: str, value: str | bytes, secret: str | bytes, algorithm: str = "sha1"
) -> bytes:
    """``salted_hmac(...).digest()`` in one call (the derived key is computed once)."""
    mac = _keyed_hmac(algorithm, force_bytes(key_salt), force_bytes(secret)).copy()
    mac.update(force_bytes(value))
    return mac.digest()

"""Django's signing format: ``Signer``, ``TimestampSigner``, ``dumps``/``loads``.

Values signed here unsign in Django with the same key and salt and the other
way round (HMAC-SHA256 of ``salt + "signer"`` and the key, URL-safe base64,
``value:timestamp:signature``), so session data and signed cookies written by
a Django site are read here. Unlike Django, the key is always explicit: there
is no ``SECRET_KEY`` setting to fall back on.
"""

from __future__ import annotations

import base64
import json
import time
import zlib
from collections.abc import Iterable
from datetime import timedelta
from typing import Any, Protocol

from manouche.authkit._crypto import constant_time_compare, keyed_hmac, salted_hmac_digest

__all__ = [
    "BadSignature",
    "JSONSerializer",
    "SignatureExpired",
    "Signer",
    "TimestampSigner",
    "b62_decode",
    "b62_encode",
    "dumps",
    "loads",
]

BASE62_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


class BadSignature(Exception):
    """The signature does not match (tampered value, wrong key or salt)."""


class SignatureExpired(BadSignature):
    """The signature is valid but older than ``max_age``."""


def b62_encode(s: int) -> str:
    if s == 0:
        return "0"
    sign = "-" if s < 0 else ""
    s = abs(s)
    encoded = ""
    while s > 0:
        s, remainder = divmod(s, 62)
        encoded = BASE62_ALPHABET[remainder] + encoded
    return sign + encoded


def b62_decode(s: str) -> int:
    if s == "0":
        return 0
    sign = 1
    if s[:1] == "-":
        s = s[1:]
        sign = -1
    if not s:
        raise BadSignature("empty timestamp")
    decoded = 0
    for digit in s:
        index = BASE62_ALPHABET.find(digit)
        if index < 0:
            raise BadSignature("malformed timestamp")
        decoded = decoded * 62 + index
    return sign * decoded


def b64_encode(s: bytes) -> bytes:
    return base64.urlsafe_b64encode(s).strip(b"=")


def b64_decode(s: bytes) -> bytes:
    pad = b"=" * (-len(s) % 4)
    return base64.urlsafe_b64decode(s + pad)


def base64_hmac(salt: str, value: str | bytes, key: str | bytes, algorithm: str = "sha1") -> str:
    return b64_encode(salted_hmac_digest(salt, value, key, algorithm)).decode()


class Serializer(Protocol):
    def dumps(self, obj: Any) -> bytes: ...

    def loads(self, data: bytes) -> Any: ...


_compact_json = json.JSONEncoder(separators=(",", ":")).encode


class JSONSerializer:
    """Django's ``JSONSerializer``: compact JSON, ASCII only."""

    def dumps(self, obj: Any) -> bytes:
        # One encoder for every call (json.dumps() with separators makes a new one).
        return _compact_json(obj).encode("latin-1")

    def loads(self, data: bytes) -> Any:
        return json.loads(data.decode("latin-1"))


# A zlib stream is at least 8 bytes: data this short never compresses by the
# 2 bytes the "." marker costs, so it is not tried (the result is the same).
_NEVER_SMALLER = 9


def _deflate(data: bytes) -> bytes:
    """zlib data any zlib reader (Django's ``zlib.decompress``) inflates.

    A 4 KiB window and a smaller hash table than ``zlib.compress``'s: a
    signed value lives in a cookie or a session row, where they compress as
    well, and the compressor's memory is a few KiB instead of about 256 KiB
    allocated and touched on every call (most of the cost of signing a
    session under load).
    """
    deflater = zlib.compressobj(6, zlib.DEFLATED, 12, 4)
    return deflater.compress(data) + deflater.flush()


class Signer:
    """Sign and unsign strings (``value:signature``).

    :param key: the secret key (required: there is no settings fallback).
    :param sep: the separator, not a URL-safe base64 character.
    :param salt: a namespace for this use of the key.
    :param algorithm: the HMAC digest (``sha256``).
    :param fallback_keys: older keys still accepted when unsigning (rotation).
    """

    def __init__(
        self,
        *,
        key: str | bytes,
        sep: str = ":",
        salt: str | None = None,
        algorithm: str = "sha256",
        fallback_keys: Iterable[str | bytes] = (),
    ) -> None:
        if not key:
            raise ValueError("a signing key is required and must not be empty")
        if sep in "-_" or sep.isalnum() or sep == "=":
            raise ValueError(f"unsafe Signer separator {sep!r} (cannot be in URL-safe base64)")
        self.key = key
        self.fallback_keys = tuple(fallback_keys)
        self.sep = sep
        self.salt = salt or f"{type(self).__module__}.{type(self).__name__}"
        self.algorithm = algorithm
        self._macs: tuple[Any, ...] | None = None

    def _keyed(self) -> tuple[Any, ...]:
        """The HMACs of the key and the fallback keys, keyed once per signer."""
        macs = self._macs
        if macs is None:
            salt = self.salt + "signer"
            macs = self._macs = tuple(
                keyed_hmac(salt, key, self.algorithm) for key in (self.key, *self.fallback_keys)
            )
        return macs

    def signature(self, value: str | bytes, key: str | bytes | None = None) -> str:
        if key is not None and key != self.key:
            return base64_hmac(self.salt + "signer", value, key, algorithm=self.algorithm)
        mac = self._keyed()[0].copy()
        mac.update(value.encode() if isinstance(value, str) else value)
        return b64_encode(mac.digest()).decode()

    def sign(self, value: str) -> str:
        return f"{value}{self.sep}{self.signature(value)}"

    def unsign(self, signed_value: str) -> str:
        if self.sep not in signed_value:
            raise BadSignature(f'No "{self.sep}" found in value')
        value, sig = signed_value.rsplit(self.sep, 1)
        signed = value.encode()
        given = sig.encode("utf-8")
        for keyed in self._keyed():
            mac = keyed.copy()
            mac.update(signed)
            if constant_time_compare(given, b64_encode(mac.digest())):
                return value
        raise BadSignature(f'Signature "{sig}" does not match')

    def sign_object(
        self, obj: Any, serializer: type[Serializer] = JSONSerializer, compress: bool = False
    ) -> str:
        data = serializer().dumps(obj)
        compressed = False
        if compress and len(data) > _NEVER_SMALLER:
            smaller = _deflate(data)
            if len(smaller) < len(data) - 1:
                data = smaller
                compressed = True
        base64d = b64_encode(data).decode()
        if compressed:
            base64d = "." + base64d
        return self.sign(base64d)

    def unsign_object(
        self, signed_obj: str, serializer: type[Serializer] = JSONSerializer, **kwargs: Any
    ) -> Any:
        base64d = self.unsign(signed_obj, **kwargs).encode()
        decompress = base64d[:1] == b"."
        if decompress:
            base64d = base64d[1:]
        try:
            data = b64_decode(base64d)
            if decompress:
                # A bounded decompression: a signed value is never this large.
                inflater = zlib.decompressobj()
                data = inflater.decompress(data, 16 * 1024 * 1024)
                if inflater.unconsumed_tail:
                    raise BadSignature("signed value too large once decompressed")
            return serializer().loads(data)
        except (ValueError, zlib.error) as exc:
            raise BadSignature(f"malformed signed value: {exc}") from None


class TimestampSigner(Signer):
    """A ``Signer`` that also signs the time, so ``unsign(max_age=)`` can refuse old values."""

    def timestamp(self) -> str:
        return b62_encode(int(time.time()))

    def sign(self, value: str) -> str:
        return super().sign(f"{value}{self.sep}{self.timestamp()}")

    def unsign(self, value: str, max_age: float | timedelta | None = None) -> str:
        result = super().unsign(value)
        if self.sep not in result:
            raise BadSignature("no timestamp in the signed value")
        value, stamp = result.rsplit(self.sep, 1)
        timestamp = b62_decode(stamp)
        if max_age is not None:
            if isinstance(max_age, timedelta):
                max_age = max_age.total_seconds()
            age = time.time() - timestamp
            if age > max_age:
                raise SignatureExpired(f"Signature age {age} > {max_age} seconds")
        return value


def dumps(
    obj: Any,
    key: str | bytes,
    salt: str = "django.core.signing",
    serializer: type[Serializer] = JSONSerializer,
    compress: bool = False,
) -> str:
    """A URL-safe, signed, timestamped JSON string of ``obj`` (Django's ``signing.dumps``)."""
    return TimestampSigner(key=key, salt=salt).sign_object(
        obj, serializer=serializer, compress=compress
    )


def loads(
    s: str,
    key: str | bytes,
    salt: str = "django.core.signing",
    serializer: type[Serializer] = JSONSerializer,
    max_age: float | timedelta | None = None,
    fallback_keys: Iterable[str | bytes] = (),
) -> Any:
    """The object of :func:`dumps`; ``BadSignature``/``SignatureExpired`` otherwise."""
    return TimestampSigner(key=key, salt=salt, fallback_keys=fallback_keys).unsign_object(
        s, serializer=serializer, max_age=max_age
    )

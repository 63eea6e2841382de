"""Django's signing format both ways."""

from __future__ import annotations

import time

import pytest
from django.core import signing as dj

from manouche.authkit import signing

KEY = "k" * 50


@pytest.mark.parametrize(
    "obj", [{"a": 1}, [1, 2, "x"], "text", {"big": "y" * 500}, {"u": "ünï ✓"}, None]
)
@pytest.mark.parametrize("compress", [False, True])
def test_dumps_loads_both_ways(obj: object, compress: bool) -> None:
    ours = signing.dumps(obj, KEY, salt="s", compress=compress)
    assert dj.loads(ours, key=KEY, salt="s") == obj
    theirs = dj.dumps(obj, key=KEY, salt="s", compress=compress)
    assert signing.loads(theirs, KEY, salt="s") == obj


def test_signer_same_bytes_as_django() -> None:
    assert signing.Signer(key=KEY, salt="x").sign("hello") == dj.Signer(key=KEY, salt="x").sign(
        "hello"
    )
    assert signing.b62_encode(123456789) == dj.b62_encode(123456789)
    assert signing.b62_decode("-8M0kX") == dj.b62_decode("-8M0kX")


def test_tampering_wrong_key_salt_and_age() -> None:
    token = signing.dumps({"user": 1}, KEY, salt="s")
    value, stamp, sig = token.rsplit(":", 2)
    forged = signing.dumps({"user": 2}, KEY, salt="s").rsplit(":", 2)[0] + f":{stamp}:{sig}"
    for bad in (forged, token + "x", token.replace(":", ";"), "", "a:b", value):
        with pytest.raises(signing.BadSignature):
            signing.loads(bad, KEY, salt="s")
    with pytest.raises(signing.BadSignature):
        signing.loads(token, "other-key", salt="s")
    with pytest.raises(signing.BadSignature):
        signing.loads(token, KEY, salt="t")
    assert signing.loads(token, "new-key", salt="s", fallback_keys=[KEY]) == {"user": 1}
    old = signing.TimestampSigner(key=KEY, salt="s")
    old.timestamp = lambda: signing.b62_encode(int(time.time()) - 100)  # type: ignore[method-assign]
    aged = old.sign_object({"a": 1})
    with pytest.raises(signing.SignatureExpired):
        signing.loads(aged, KEY, salt="s", max_age=10)
    assert signing.loads(aged, KEY, salt="s", max_age=1000) == {"a": 1}


def test_bad_signer_options() -> None:
    with pytest.raises(ValueError, match="signing key is required"):
        signing.Signer(key="")
    with pytest.raises(ValueError, match="unsafe Signer separator"):
        signing.Signer(key=KEY, sep="a")


def test_decompression_bomb_is_refused() -> None:
    import base64
    import zlib

    payload = b'"' + b"a" * (40 * 1024 * 1024) + b'"'
    data = "." + base64.urlsafe_b64encode(zlib.compress(payload, 9)).decode().strip("=")
    bomb = signing.TimestampSigner(key=KEY, salt="s").sign(data)
    with pytest.raises(signing.BadSignature, match="too large"):
        signing.loads(bomb, KEY, salt="s")

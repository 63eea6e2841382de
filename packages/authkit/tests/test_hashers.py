"""Password hashers: Django's hashes verify here, ours verify in Django."""

from __future__ import annotations

import hashlib

import pytest
from django.contrib.auth import hashers as dj

from manouche.authkit import hashers as hk

ALGORITHMS = ["argon2", "pbkdf2_sha256", "pbkdf2_sha1", "bcrypt_sha256", "bcrypt", "scrypt", "md5"]
ALL = hk.PasswordHashers(
    [
        hk.Argon2PasswordHasher,
        hk.PBKDF2PasswordHasher,
        hk.PBKDF2SHA1PasswordHasher,
        hk.BCryptSHA256PasswordHasher,
        hk.BCryptPasswordHasher,
        hk.ScryptPasswordHasher,
        hk.MD5PasswordHasher,
        hk.SHA1PasswordHasher,
        hk.UnsaltedMD5PasswordHasher,
        hk.UnsaltedSHA1PasswordHasher,
    ]
)
PASSWORDS = ["correct horse", "pässwörd ✓ 密码", "x" * 100]


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_django_hashes_verify_here(algorithm: str) -> None:
    for password in PASSWORDS[:2]:
        encoded = dj.make_password(password, hasher=algorithm)
        assert encoded.startswith(algorithm + "$")
        assert hk.check_password(password, encoded, hashers=ALL)
        assert not hk.check_password(password + "!", encoded, hashers=ALL)
        assert hk.identify_hasher(encoded, hashers=ALL).algorithm == algorithm


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_our_hashes_verify_in_django(algorithm: str) -> None:
    for password in PASSWORDS[:2]:
        encoded = hk.make_password(password, hasher=algorithm, hashers=ALL)
        assert dj.check_password(password, encoded)
        assert not dj.check_password(password + "!", encoded)
        # Same parameters as Django 6.0: Django would not rewrite it on login.
        assert not dj.get_hasher(algorithm).must_update(encoded)


@pytest.mark.parametrize("algorithm", ["argon2", "pbkdf2_sha256", "pbkdf2_sha1", "scrypt", "md5"])
def test_same_salt_same_bytes_as_django(algorithm: str) -> None:
    salt = "abcdefghijklmnopqrstuv"
    ours = hk.make_password("s3cret pass", salt, algorithm, hashers=ALL)
    assert ours == dj.make_password("s3cret pass", salt, algorithm)


def test_bcrypt_same_salt_same_bytes_as_django() -> None:
    salt = hk.BCryptSHA256PasswordHasher(rounds=4).salt()
    for name in ("bcrypt_sha256", "bcrypt"):
        ours = ALL.get(name).encode("fairly long " * 5, salt)
        assert ours == dj.get_hasher(name).encode("fairly long " * 5, salt.encode())


def test_plain_bcrypt_reads_72_bytes_as_bcrypt_4_did() -> None:
    # bcrypt 5 refuses longer passwords; hashes stored by bcrypt 4 were of 72 bytes.
    hasher = hk.BCryptPasswordHasher(rounds=4)
    encoded = hasher.encode("a" * 72, hasher.salt())
    assert hasher.verify("a" * 80, encoded)


def test_long_password_bcrypt_sha256_is_not_truncated() -> None:
    hasher = hk.BCryptSHA256PasswordHasher(rounds=4)
    encoded = hasher.encode("a" * 80, hasher.salt())
    assert hasher.verify("a" * 80, encoded)
    assert not hasher.verify("a" * 79, encoded)


def test_legacy_unsalted_hashes() -> None:
    md5 = hashlib.md5(b"legacy").hexdigest()
    sha1 = "sha1$$" + hashlib.sha1(b"legacy").hexdigest()
    salted = "sha1$ab$" + hashlib.sha1(b"ablegacy").hexdigest()
    for encoded in (md5, "md5$$" + md5, sha1, salted):
        assert hk.check_password("legacy", encoded, hashers=ALL)
        assert not hk.check_password("Legacy", encoded, hashers=ALL)
    # Not registered in the default list: they verify nothing there.
    assert not hk.check_password("legacy", md5)


def test_default_is_argon2_with_djangos_parameters() -> None:
    encoded = hk.make_password("pw")
    assert encoded.startswith("argon2$argon2id$v=19$m=102400,t=2,p=8$")
    assert dj.check_password("pw", encoded)


def test_unusable_and_bad_input() -> None:
    unusable = hk.make_password(None)
    assert unusable.startswith("!") and len(unusable) == 41
    assert not hk.is_password_usable(unusable)
    assert hk.is_password_usable(None) and hk.is_password_usable("md5$a$b")
    assert not hk.check_password("", unusable, hashers=ALL)
    assert not hk.check_password(
        None, hk.make_password("x", hasher="md5", hashers=ALL), hashers=ALL
    )
    for gibberish in (
        "",
        "nothing",
        "pbkdf2_sha256$",
        "pbkdf2_sha256$x$y$z",
        "argon2$junk",
        "bcrypt_sha256$junk",
        "scrypt$1$2",
        "unknown$1$2$3",
    ):
        assert not hk.check_password("x", gibberish, hashers=ALL)
    with pytest.raises(TypeError, match="Password must be a string or bytes, got int"):
        hk.make_password(123)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown password hashing algorithm 'nope'"):
        hk.make_password("x", hasher="nope")
    with pytest.raises(ValueError, match="salt"):
        hk.make_password("x", salt="a$b", hasher="md5", hashers=ALL)


def test_upgrade_on_login_to_the_preferred_hasher() -> None:
    fast = hk.PasswordHashers([hk.PBKDF2PasswordHasher(iterations=1000), hk.MD5PasswordHasher])
    old = hk.make_password("pw", hasher="md5", hashers=fast)
    stored: list[str] = []
    assert hk.check_password(
        "pw", old, lambda raw: stored.append(hk.make_password(raw, hashers=fast)), hashers=fast
    )
    assert stored[0].startswith("pbkdf2_sha256$1000$")
    # A wrong password never calls the setter.
    assert not hk.check_password("no", old, lambda raw: stored.append(raw), hashers=fast)
    assert len(stored) == 1
    # The new hash is current: no second upgrade.
    assert hk.check_password("pw", stored[0], lambda raw: stored.append(raw), hashers=fast)
    assert len(stored) == 1


def test_upgrade_when_parameters_are_weaker() -> None:
    weak = hk.PBKDF2PasswordHasher(iterations=500).encode("pw", "abcdefghijklmnopqrstuv")
    strong = hk.PasswordHashers([hk.PBKDF2PasswordHasher(iterations=1000)])
    assert hk.verify_password("pw", weak, hashers=strong) == (True, True)
    current = hk.make_password("pw", hashers=strong)
    assert hk.verify_password("pw", current, hashers=strong) == (True, False)
    # A short salt (old Django) also asks for a rewrite.
    short = hk.PBKDF2PasswordHasher(iterations=1000).encode("pw", "abc")
    assert hk.verify_password("pw", short, hashers=strong) == (True, True)


def test_argon2_and_bcrypt_and_scrypt_must_update() -> None:
    cheap_argon = hk.Argon2PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    encoded = cheap_argon.encode("pw", cheap_argon.salt())
    assert hk.Argon2PasswordHasher().must_update(encoded)
    assert not cheap_argon.must_update(encoded)
    assert dj.get_hasher("argon2").must_update(encoded)
    b4 = hk.BCryptSHA256PasswordHasher(rounds=4)
    assert hk.BCryptSHA256PasswordHasher().must_update(b4.encode("pw", b4.salt()))
    scrypt = hk.ScryptPasswordHasher()
    assert scrypt.must_update(scrypt.encode("pw", "saltsaltsalt", n=2**10))


def test_wrong_password_on_weaker_hash_spends_the_missing_work(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    strong = hk.PasswordHashers([hk.PBKDF2PasswordHasher(iterations=3000)])
    weak = hk.PBKDF2PasswordHasher(iterations=1000).encode("pw", "abcdefghijklmnopqrstuv")
    calls: list[int] = []
    real = hk._pbkdf2

    def counting(password: str, salt: str, iterations: int, digest: str) -> bytes:
        calls.append(iterations)
        return real(password, salt, iterations, digest)

    monkeypatch.setattr(hk, "_pbkdf2", counting)
    assert not hk.check_password("wrong", weak, hashers=strong)
    assert calls == [1000, 2000]  # the verify, then the 2000 iterations it saved
    calls.clear()
    assert hk.check_password("pw", weak, hashers=strong)
    assert calls == [1000]


def test_safe_summary_masks_salt_and_hash() -> None:
    encoded = hk.make_password("pw", "abcdefghijklmnopqrstuv", "pbkdf2_sha256", hashers=ALL)
    summary = ALL.get("pbkdf2_sha256").safe_summary(encoded)
    assert summary["salt"] == "abcdef" + "*" * 16
    assert summary["iterations"] == "1200000"
    assert "abcdefghij" not in str(summary)


def test_registry() -> None:
    reg = hk.PasswordHashers([hk.MD5PasswordHasher])
    with pytest.raises(ValueError, match="already registered"):
        reg.register(hk.MD5PasswordHasher)
    reg.register(hk.PBKDF2PasswordHasher(iterations=10), preferred=True)
    assert reg.preferred.algorithm == "pbkdf2_sha256"
    reg.unregister("pbkdf2_sha256")
    assert reg.preferred.algorithm == "md5"
    with pytest.raises(LookupError, match="no hasher for 'zz'"):
        reg.unregister("zz")
    with pytest.raises(TypeError, match="not a password hasher"):
        reg.register(object)  # type: ignore[arg-type]
    previous = hk.set_default_hashers(reg)
    try:
        assert hk.make_password("pw").startswith("md5$")
    finally:
        hk.set_default_hashers(previous)

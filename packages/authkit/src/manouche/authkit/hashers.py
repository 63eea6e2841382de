"""Password hashing in Django's encoded formats.

Every hasher writes and reads the exact strings Django writes
(``argon2$argon2id$v=19$m=...``, ``pbkdf2_sha256$1200000$salt$hash``,
``bcrypt_sha256$$2b$12$...``, ``scrypt$16384$salt$8$5$hash``), so a password
column filled by Django verifies here and the other way round.

There are no settings: the hashers in use are a :class:`PasswordHashers`
object. The module keeps one default (Argon2 first, then Django's default
list) that :func:`set_default_hashers` replaces; every function also takes an
explicit ``hashers=``.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hashlib
import math
import warnings
from collections.abc import Callable, Iterable
from typing import Any

import argon2
import bcrypt

from manouche.authkit._crypto import (
    RANDOM_STRING_CHARS,
    constant_time_compare,
    get_random_string,
)

__all__ = [
    "UNUSABLE_PASSWORD_PREFIX",
    "UNUSABLE_PASSWORD_SUFFIX_LENGTH",
    "Argon2PasswordHasher",
    "BCryptPasswordHasher",
    "BCryptSHA256PasswordHasher",
    "BasePasswordHasher",
    "MD5PasswordHasher",
    "PBKDF2PasswordHasher",
    "PBKDF2SHA1PasswordHasher",
    "PasswordHashers",
    "SHA1PasswordHasher",
    "ScryptPasswordHasher",
    "UnsaltedMD5PasswordHasher",
    "UnsaltedSHA1PasswordHasher",
    "check_password",
    "get_default_hashers",
    "get_hasher",
    "identify_hasher",
    "is_password_usable",
    "make_password",
    "mask_hash",
    "set_default_hashers",
    "verify_password",
]

#: A password that starts with this never verifies (``set_unusable_password``).
UNUSABLE_PASSWORD_PREFIX = "!"
UNUSABLE_PASSWORD_SUFFIX_LENGTH = 40


def mask_hash(hash: str, show: int = 6, char: str = "*") -> str:
    """The first ``show`` characters of ``hash``, the rest replaced by ``char``."""
    return hash[:show] + char * len(hash[show:])


def _pbkdf2(password: str, salt: str, iterations: int, digest: str) -> bytes:
    return hashlib.pbkdf2_hmac(digest, password.encode(), salt.encode(), iterations)


class BasePasswordHasher:
    """One algorithm: ``encode``, ``verify``, ``decode``, ``must_update``.

    Subclasses set ``algorithm`` (the prefix of the encoded string) and
    implement ``encode``, ``decode`` and ``verify``; ``must_update`` says
    whether a hash made with other parameters should be rewritten on the next
    successful login, and ``harden_runtime`` spends the work a weaker stored
    hash saved, so a wrong password costs the same time whatever its hash.
    """

    algorithm: str = ""
    salt_entropy = 128

    def salt(self) -> str:
        """A random salt with at least ``salt_entropy`` bits (22 characters)."""
        count = math.ceil(self.salt_entropy / math.log2(len(RANDOM_STRING_CHARS)))
        return get_random_string(count, RANDOM_STRING_CHARS)

    def _check_salt(self, salt: str) -> None:
        if not salt or "$" in salt:
            raise ValueError("the salt must be a non-empty string without '$'")

    def _check_password(self, password: object) -> str:
        if not isinstance(password, str):
            raise TypeError(f"the password must be a str, not {type(password).__name__}")
        return password

    def encode(self, password: str, salt: str) -> str:
        raise NotImplementedError(f"{type(self).__name__} must implement encode()")

    def decode(self, encoded: str) -> dict[str, Any]:
        raise NotImplementedError(f"{type(self).__name__} must implement decode()")

    def verify(self, password: str, encoded: str) -> bool:
        raise NotImplementedError(f"{type(self).__name__} must implement verify()")

    def safe_summary(self, encoded: str) -> dict[str, str]:
        """The decoded parts, with salt and hash masked, for display."""
        decoded = self.decode(encoded)
        out = {"algorithm": decoded["algorithm"]}
        for key, value in decoded.items():
            if key in ("algorithm", "params"):
                continue
            out[key] = mask_hash(str(value)) if key in ("salt", "hash") else str(value)
        return out

    def must_update(self, encoded: str) -> bool:
        return False

    def harden_runtime(self, password: str, encoded: str) -> None:
        """Spend the work a weaker stored hash saved (Django warns when missing)."""
        warnings.warn(
            f"{type(self).__name__} should implement harden_runtime()",
            RuntimeWarning,
            stacklevel=2,
        )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.algorithm!r}>"


class PBKDF2PasswordHasher(BasePasswordHasher):
    """PBKDF2-HMAC-SHA256 at Django 6.0's iteration count (``pbkdf2_sha256``)."""

    algorithm = "pbkdf2_sha256"
    iterations = 1_200_000
    digest = "sha256"

    def __init__(self, iterations: int | None = None) -> None:
        if iterations is not None:
            if iterations < 1:
                raise ValueError("iterations must be a positive integer")
            self.iterations = iterations

    def encode(self, password: str, salt: str, iterations: int | None = None) -> str:
        password = self._check_password(password)
        self._check_salt(salt)
        iterations = iterations or self.iterations
        hash_ = base64.b64encode(_pbkdf2(password, salt, iterations, self.digest)).decode()
        return f"{self.algorithm}${iterations}${salt}${hash_.strip()}"

    def decode(self, encoded: str) -> dict[str, Any]:
        algorithm, iterations, salt, hash_ = encoded.split("$", 3)
        if algorithm != self.algorithm:
            raise ValueError(f"not a {self.algorithm} hash")
        return {"algorithm": algorithm, "hash": hash_, "iterations": int(iterations), "salt": salt}

    def verify(self, password: str, encoded: str) -> bool:
        try:
            decoded = self.decode(encoded)
        except ValueError:
            return False
        if decoded["iterations"] < 1:
            return False
        again = self.encode(password, decoded["salt"], decoded["iterations"])
        return constant_time_compare(encoded, again)

    def must_update(self, encoded: str) -> bool:
        decoded = self.decode(encoded)
        too_short = len(decoded["salt"]) * math.log2(len(RANDOM_STRING_CHARS)) < self.salt_entropy
        return bool(decoded["iterations"] != self.iterations or too_short)

    def harden_runtime(self, password: str, encoded: str) -> None:
        decoded = self.decode(encoded)
        extra = self.iterations - decoded["iterations"]
        if extra > 0:
            self.encode(password, decoded["salt"], extra)


class PBKDF2SHA1PasswordHasher(PBKDF2PasswordHasher):
    """PBKDF2-HMAC-SHA1 (``pbkdf2_sha1``), as Django keeps for old tables."""

    algorithm = "pbkdf2_sha1"
    digest = "sha1"


class Argon2PasswordHasher(BasePasswordHasher):
    """Argon2id through argon2-cffi, in Django's ``argon2$argon2id$...`` format.

    Django's parameters by default: time cost 2, memory 100 MiB, parallelism 8.
    """

    algorithm = "argon2"
    time_cost = 2
    memory_cost = 102400
    parallelism = 8

    def __init__(
        self,
        *,
        time_cost: int | None = None,
        memory_cost: int | None = None,
        parallelism: int | None = None,
    ) -> None:
        if time_cost is not None:
            self.time_cost = time_cost
        if memory_cost is not None:
            self.memory_cost = memory_cost
        if parallelism is not None:
            self.parallelism = parallelism

    def params(self) -> argon2.Parameters:
        return argon2.Parameters(
            type=argon2.low_level.Type.ID,
            version=argon2.low_level.ARGON2_VERSION,
            salt_len=argon2.DEFAULT_RANDOM_SALT_LENGTH,
            hash_len=argon2.DEFAULT_HASH_LENGTH,
            time_cost=self.time_cost,
            memory_cost=self.memory_cost,
            parallelism=self.parallelism,
        )

    def encode(self, password: str, salt: str) -> str:
        password = self._check_password(password)
        self._check_salt(salt)
        params = self.params()
        data = argon2.low_level.hash_secret(
            password.encode(),
            salt.encode(),
            time_cost=params.time_cost,
            memory_cost=params.memory_cost,
            parallelism=params.parallelism,
            hash_len=params.hash_len,
            type=params.type,
        )
        return self.algorithm + data.decode("ascii")

    def decode(self, encoded: str) -> dict[str, Any]:
        algorithm, rest = encoded.split("$", 1)
        if algorithm != self.algorithm:
            raise ValueError(f"not an {self.algorithm} hash")
        try:
            params = argon2.extract_parameters("$" + rest)
        except argon2.exceptions.InvalidHashError as exc:
            raise ValueError(f"malformed argon2 hash: {exc}") from None
        variety, *_, b64salt, hash_ = rest.split("$")
        b64salt += "=" * (-len(b64salt) % 4)
        salt = base64.b64decode(b64salt).decode("latin1")
        return {
            "algorithm": algorithm,
            "hash": hash_,
            "memory_cost": params.memory_cost,
            "parallelism": params.parallelism,
            "salt": salt,
            "time_cost": params.time_cost,
            "variety": variety,
            "version": params.version,
            "params": params,
        }

    def verify(self, password: str, encoded: str) -> bool:
        password = self._check_password(password)
        try:
            algorithm, rest = encoded.split("$", 1)
        except ValueError:
            return False
        if algorithm != self.algorithm:
            return False
        try:
            return bool(argon2.PasswordHasher().verify("$" + rest, password))
        except (argon2.exceptions.VerificationError, argon2.exceptions.InvalidHashError):
            return False

    def must_update(self, encoded: str) -> bool:
        current: argon2.Parameters = self.decode(encoded)["params"]
        wanted = self.params()
        # Salt length does not weaken a hash enough to rewrite it (Django agrees).
        return current != dataclasses.replace(wanted, salt_len=current.salt_len)

    def harden_runtime(self, password: str, encoded: str) -> None:
        # The cost of an Argon2 hash is in its memory, not in repeatable rounds.
        pass


class BCryptSHA256PasswordHasher(BasePasswordHasher):
    """bcrypt of the hex SHA-256 of the password (no 72-byte limit): ``bcrypt_sha256``."""

    algorithm = "bcrypt_sha256"
    digest: Callable[..., Any] | None = hashlib.sha256
    rounds = 12

    def __init__(self, rounds: int | None = None) -> None:
        if rounds is not None:
            self.rounds = rounds

    def salt(self) -> str:
        return bcrypt.gensalt(self.rounds).decode("ascii")

    def _prepare(self, password: str) -> bytes:
        raw = password.encode()
        if self.digest is not None:
            return binascii.hexlify(self.digest(raw).digest())
        # bcrypt reads 72 bytes; older bcrypt releases cut longer passwords
        # silently, so the hashes stored for them are of the first 72 bytes.
        return raw[:72]

    def encode(self, password: str, salt: str) -> str:
        password = self._check_password(password)
        data = bcrypt.hashpw(self._prepare(password), salt.encode("ascii"))
        return f"{self.algorithm}${data.decode('ascii')}"

    def decode(self, encoded: str) -> dict[str, Any]:
        algorithm, empty, algostr, work_factor, data = encoded.split("$", 4)
        if algorithm != self.algorithm:
            raise ValueError(f"not a {self.algorithm} hash")
        return {
            "algorithm": algorithm,
            "algostr": algostr,
            "checksum": data[22:],
            "salt": data[:22],
            "work_factor": int(work_factor),
        }

    def verify(self, password: str, encoded: str) -> bool:
        password = self._check_password(password)
        try:
            algorithm, data = encoded.split("$", 1)
        except ValueError:
            return False
        if algorithm != self.algorithm:
            return False
        try:
            again = bcrypt.hashpw(self._prepare(password), data.encode("ascii"))
        except ValueError:
            return False
        return constant_time_compare(data, again)

    def safe_summary(self, encoded: str) -> dict[str, str]:
        decoded = self.decode(encoded)
        return {
            "algorithm": decoded["algorithm"],
            "work factor": str(decoded["work_factor"]),
            "salt": mask_hash(decoded["salt"]),
            "checksum": mask_hash(decoded["checksum"]),
        }

    def must_update(self, encoded: str) -> bool:
        return bool(self.decode(encoded)["work_factor"] != self.rounds)

    def harden_runtime(self, password: str, encoded: str) -> None:
        _, data = encoded.split("$", 1)
        salt = data[:29]
        rounds = int(data.split("$")[2])
        extra = 2 ** (self.rounds - rounds) - 1
        while extra > 0:
            bcrypt.hashpw(self._prepare(password), salt.encode("ascii"))
            extra -= 1


class BCryptPasswordHasher(BCryptSHA256PasswordHasher):
    """Plain bcrypt (``bcrypt``): the first 72 bytes of the password only."""

    algorithm = "bcrypt"
    digest = None


class ScryptPasswordHasher(BasePasswordHasher):
    """scrypt from hashlib (``scrypt$16384$salt$8$5$hash``), Django's parameters."""

    algorithm = "scrypt"
    block_size = 8
    maxmem = 0
    parallelism = 5
    work_factor = 2**14

    def encode(
        self,
        password: str,
        salt: str,
        n: int | None = None,
        r: int | None = None,
        p: int | None = None,
    ) -> str:
        password = self._check_password(password)
        self._check_salt(salt)
        n = n or self.work_factor
        r = r or self.block_size
        p = p or self.parallelism
        hash_ = hashlib.scrypt(
            password.encode(), salt=salt.encode(), n=n, r=r, p=p, maxmem=self.maxmem, dklen=64
        )
        b64 = base64.b64encode(hash_).decode("ascii").strip()
        return f"{self.algorithm}${n}${salt}${r}${p}${b64}"

    def decode(self, encoded: str) -> dict[str, Any]:
        algorithm, work_factor, salt, block_size, parallelism, hash_ = encoded.split("$", 6)
        if algorithm != self.algorithm:
            raise ValueError(f"not a {self.algorithm} hash")
        return {
            "algorithm": algorithm,
            "block_size": int(block_size),
            "hash": hash_,
            "parallelism": int(parallelism),
            "salt": salt,
            "work_factor": int(work_factor),
        }

    def verify(self, password: str, encoded: str) -> bool:
        try:
            d = self.decode(encoded)
            again = self.encode(
                password, d["salt"], d["work_factor"], d["block_size"], d["parallelism"]
            )
        except ValueError:
            return False
        return constant_time_compare(encoded, again)

    def must_update(self, encoded: str) -> bool:
        d = self.decode(encoded)
        return bool(
            d["work_factor"] != self.work_factor
            or d["block_size"] != self.block_size
            or d["parallelism"] != self.parallelism
        )

    def harden_runtime(self, password: str, encoded: str) -> None:
        # The work factor is a power of two in memory; there are no rounds to add.
        pass


class _SaltedDigestHasher(BasePasswordHasher):
    """``algorithm$salt$hexdigest(salt + password)``: legacy, verify-and-upgrade only."""

    _digest: Callable[..., Any] = hashlib.md5

    def encode(self, password: str, salt: str) -> str:
        password = self._check_password(password)
        self._check_salt(salt)
        hash_ = self._digest((salt + password).encode()).hexdigest()
        return f"{self.algorithm}${salt}${hash_}"

    def decode(self, encoded: str) -> dict[str, Any]:
        algorithm, salt, hash_ = encoded.split("$", 2)
        if algorithm != self.algorithm:
            raise ValueError(f"not a {self.algorithm} hash")
        return {"algorithm": algorithm, "hash": hash_, "salt": salt}

    def verify(self, password: str, encoded: str) -> bool:
        try:
            salt = self.decode(encoded)["salt"]
            again = self.encode(password, salt)
        except ValueError:
            return False
        return constant_time_compare(encoded, again)

    def must_update(self, encoded: str) -> bool:
        salt = self.decode(encoded)["salt"]
        return len(salt) * math.log2(len(RANDOM_STRING_CHARS)) < self.salt_entropy

    def harden_runtime(self, password: str, encoded: str) -> None:
        pass


class MD5PasswordHasher(_SaltedDigestHasher):
    """Salted MD5 (``md5$salt$hex``): insecure; Django keeps it to make tests fast."""

    algorithm = "md5"
    _digest = hashlib.md5


class SHA1PasswordHasher(_SaltedDigestHasher):
    """Salted SHA-1 (``sha1$salt$hex``): legacy, for tables from old Django releases."""

    algorithm = "sha1"
    _digest = hashlib.sha1


class UnsaltedSHA1PasswordHasher(BasePasswordHasher):
    """``sha1$$hex``: legacy, for tables from old Django releases."""

    algorithm = "unsalted_sha1"

    def salt(self) -> str:
        return ""

    def encode(self, password: str, salt: str) -> str:
        if salt != "":
            raise ValueError("unsalted_sha1 takes an empty salt")
        password = self._check_password(password)
        return "sha1$$" + hashlib.sha1(password.encode()).hexdigest()

    def decode(self, encoded: str) -> dict[str, Any]:
        if not encoded.startswith("sha1$$"):
            raise ValueError("not an unsalted_sha1 hash")
        return {"algorithm": self.algorithm, "hash": encoded[6:], "salt": None}

    def verify(self, password: str, encoded: str) -> bool:
        return constant_time_compare(encoded, self.encode(password, ""))

    def harden_runtime(self, password: str, encoded: str) -> None:
        pass


class UnsaltedMD5PasswordHasher(BasePasswordHasher):
    """Bare hex MD5 (or ``md5$$hex``): legacy, for tables from old Django releases."""

    algorithm = "unsalted_md5"

    def salt(self) -> str:
        return ""

    def encode(self, password: str, salt: str) -> str:
        if salt != "":
            raise ValueError("unsalted_md5 takes an empty salt")
        password = self._check_password(password)
        return hashlib.md5(password.encode()).hexdigest()

    def decode(self, encoded: str) -> dict[str, Any]:
        return {"algorithm": self.algorithm, "hash": encoded.removeprefix("md5$$"), "salt": None}

    def verify(self, password: str, encoded: str) -> bool:
        encoded = encoded.removeprefix("md5$$")
        return constant_time_compare(encoded, self.encode(password, ""))

    def harden_runtime(self, password: str, encoded: str) -> None:
        pass


HasherSpec = BasePasswordHasher | type[BasePasswordHasher]


def _instance(spec: HasherSpec) -> BasePasswordHasher:
    hasher = spec() if isinstance(spec, type) else spec
    if not isinstance(hasher, BasePasswordHasher):
        raise TypeError(f"{spec!r} is not a password hasher (a BasePasswordHasher)")
    if not hasher.algorithm:
        raise ValueError(f"{type(hasher).__name__} has no algorithm name")
    return hasher


class PasswordHashers:
    """The hashers a site accepts, the first being the one new passwords use.

    The equivalent of Django's ``PASSWORD_HASHERS``: hashes of the other
    algorithms still verify and are rewritten with the first on login.
    """

    def __init__(self, hashers: Iterable[HasherSpec]) -> None:
        self._hashers: dict[str, BasePasswordHasher] = {}
        for spec in hashers:
            self.register(spec)

    def register(self, spec: HasherSpec, *, preferred: bool = False) -> BasePasswordHasher:
        """Add a hasher (class or instance); ``preferred`` puts it first."""
        hasher = _instance(spec)
        if hasher.algorithm in self._hashers:
            raise ValueError(f"a hasher for {hasher.algorithm!r} is already registered")
        if preferred:
            self._hashers = {hasher.algorithm: hasher, **self._hashers}
        else:
            self._hashers[hasher.algorithm] = hasher
        return hasher

    def unregister(self, algorithm: str) -> None:
        if algorithm not in self._hashers:
            raise LookupError(f"no hasher for {algorithm!r} is registered")
        del self._hashers[algorithm]

    @property
    def preferred(self) -> BasePasswordHasher:
        if not self._hashers:
            raise LookupError("no password hasher is registered")
        return next(iter(self._hashers.values()))

    def get(self, algorithm: str = "default") -> BasePasswordHasher:
        """The hasher for ``algorithm`` ("default" is the preferred one)."""
        if algorithm == "default":
            return self.preferred
        try:
            return self._hashers[algorithm]
        except KeyError:
            known = ", ".join(self._hashers) or "none"
            raise ValueError(
                f"unknown password hashing algorithm {algorithm!r} (registered: {known})"
            ) from None

    def identify(self, encoded: str) -> BasePasswordHasher:
        """The hasher that made ``encoded``; ``ValueError`` when none is registered."""
        if (len(encoded) == 32 and "$" not in encoded) or (
            len(encoded) == 37 and encoded.startswith("md5$$")
        ):
            algorithm = "unsalted_md5"
        elif len(encoded) == 46 and encoded.startswith("sha1$$"):
            algorithm = "unsalted_sha1"
        else:
            algorithm = encoded.split("$", 1)[0]
        return self.get(algorithm)

    def __iter__(self) -> Any:
        return iter(self._hashers.values())

    def __contains__(self, algorithm: object) -> bool:
        return algorithm in self._hashers

    def __repr__(self) -> str:
        return f"PasswordHashers({list(self._hashers)})"


_default = PasswordHashers(
    [
        Argon2PasswordHasher,
        PBKDF2PasswordHasher,
        PBKDF2SHA1PasswordHasher,
        BCryptSHA256PasswordHasher,
        ScryptPasswordHasher,
    ]
)


def get_default_hashers() -> PasswordHashers:
    """The hashers used when none is passed (Argon2, then Django's default list)."""
    return _default


def set_default_hashers(hashers: PasswordHashers | Iterable[HasherSpec]) -> PasswordHashers:
    """Replace the default hashers; returns the previous ones (handy in tests)."""
    global _default
    previous = _default
    _default = hashers if isinstance(hashers, PasswordHashers) else PasswordHashers(hashers)
    return previous


def _pick(hashers: PasswordHashers | None) -> PasswordHashers:
    return _default if hashers is None else hashers


def get_hasher(
    algorithm: str = "default", *, hashers: PasswordHashers | None = None
) -> BasePasswordHasher:
    """The password hasher named ``algorithm`` (``"default"``: the preferred one)."""

    return _pick(hashers).get(algorithm)


def identify_hasher(encoded: str, *, hashers: PasswordHashers | None = None) -> BasePasswordHasher:
    """The password hasher that made ``encoded`` (``pbkdf2_sha256$...``, ``argon2$...``);
    ``ValueError`` when none did.
    """

    return _pick(hashers).identify(encoded)


def is_password_usable(encoded: str | None) -> bool:
    """False for None and for unusable passwords (``!...``), as Django."""
    return encoded is None or not encoded.startswith(UNUSABLE_PASSWORD_PREFIX)


def make_password(
    password: str | bytes | None,
    salt: str | None = None,
    hasher: str | BasePasswordHasher = "default",
    *,
    hashers: PasswordHashers | None = None,
) -> str:
    """Hash ``password`` for storage; None gives an unusable password."""
    value: object = password
    if value is None:
        return UNUSABLE_PASSWORD_PREFIX + get_random_string(UNUSABLE_PASSWORD_SUFFIX_LENGTH)
    if isinstance(value, bytes):
        value = value.decode()
    if not isinstance(value, str):
        raise TypeError(f"Password must be a string or bytes, got {type(value).__qualname__}.")
    if isinstance(hasher, BasePasswordHasher):
        chosen = hasher
    else:
        chosen = get_hasher(hasher, hashers=hashers)
    return chosen.encode(value, chosen.salt() if salt is None else salt)


def verify_password(
    password: str | None,
    encoded: str | None,
    preferred: str = "default",
    *,
    hashers: PasswordHashers | None = None,
) -> tuple[bool, bool]:
    """``(is_correct, must_update)`` for ``password`` against ``encoded``."""
    if password is None or encoded is None or not is_password_usable(encoded):
        return False, False
    registry = _pick(hashers)
    wanted = registry.get(preferred)
    try:
        hasher = registry.identify(encoded)
    except ValueError:
        return False, False
    changed = hasher.algorithm != wanted.algorithm
    try:
        must_update = changed or wanted.must_update(encoded)
        is_correct = hasher.verify(password, encoded)
    except ValueError:
        # A malformed hash of a known algorithm verifies nothing.
        return False, False
    if not is_correct and not changed and must_update:
        hasher.harden_runtime(password, encoded)
    return is_correct, must_update


def check_password(
    password: str | None,
    encoded: str | None,
    setter: Callable[[str], object] | None = None,
    preferred: str = "default",
    *,
    hashers: PasswordHashers | None = None,
) -> bool:
    """Whether ``password`` matches ``encoded``; calls ``setter(password)`` to upgrade.

    The setter runs only when the password is right and the hash was made with
    another algorithm or weaker parameters than the preferred hasher's.
    """
    is_correct, must_update = verify_password(password, encoded, preferred, hashers=hashers)
    if setter is not None and is_correct and must_update and password is not None:
        setter(password)
    return is_correct

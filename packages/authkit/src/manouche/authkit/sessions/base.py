"""``SessionBase``: Django's ``request.session`` API over a pluggable engine.

A session engine (``DatabaseSessions``, ``CacheSessions``,
``SignedCookieSessions``) holds the configuration (signing key, cookie age,
where data lives) and makes one :class:`SessionStore` per request with
``engine.store(session_key)``. The store is a lazy mapping: nothing is read
before the first access, and nothing is written unless it was modified.
"""

from __future__ import annotations

import logging
import string
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from manouche.authkit._crypto import get_random_string
from manouche.authkit.signing import BadSignature
from manouche.httpkit import BadRequest

if TYPE_CHECKING:
    from manouche.authkit.sessions.backends import BaseSessionEngine

__all__ = [
    "VALID_KEY_CHARS",
    "CreateError",
    "SessionBase",
    "SessionInterrupted",
    "SessionStore",
    "UpdateError",
]

logger = logging.getLogger("manouche.authkit.sessions")

VALID_KEY_CHARS = string.ascii_lowercase + string.digits
TEST_COOKIE_NAME = "testcookie"
TEST_COOKIE_VALUE = "worked"
EXPIRY_KEY = "_session_expiry"


class CreateError(Exception):
    """A new session could not be stored (its key was taken): try another."""


class UpdateError(Exception):
    """The session to update is gone (deleted by another request)."""


class SessionInterrupted(BadRequest):
    """The session was deleted while this request ran; the client should retry."""


def utcnow() -> datetime:
    return datetime.now(UTC)


class SessionBase:
    """The mapping Django's views know as ``request.session``."""

    __slots__ = ("_cache", "_session_key", "accessed", "engine", "modified")

    def __init__(self, engine: BaseSessionEngine, session_key: str | None = None) -> None:
        self.engine = engine
        self._session_key = session_key if engine.validate_key(session_key) else None
        self.accessed = False
        self.modified = False
        self._cache: dict[str, Any] | None = None

    # -- the mapping --------------------------------------------------------

    @property
    def _session(self) -> dict[str, Any]:
        self.accessed = True
        cache = self._cache
        if cache is None:
            cache = self._cache = self.load() if self._session_key is not None else {}
        return cache

    def __contains__(self, key: object) -> bool:
        return key in self._session

    def __getitem__(self, key: str) -> Any:
        return self._session[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self._session[key] = value
        self.modified = True

    def __delitem__(self, key: str) -> None:
        del self._session[key]
        self.modified = True

    def __iter__(self) -> Iterator[str]:
        return iter(self._session)

    def __len__(self) -> int:
        return len(self._session)

    def get(self, key: str, default: Any = None) -> Any:
        return self._session.get(key, default)

    def pop(self, key: str, *args: Any) -> Any:
        session = self._session
        self.modified = self.modified or key in session
        return session.pop(key, *args)

    def setdefault(self, key: str, value: Any) -> Any:
        session = self._session
        if key in session:
            return session[key]
        self.modified = True
        session[key] = value
        return value

    def update(self, other: Any = (), **kwargs: Any) -> None:
        self._session.update(other, **kwargs)
        self.modified = True

    def has_key(self, key: str) -> bool:
        return key in self._session

    def keys(self) -> Any:
        return self._session.keys()

    def values(self) -> Any:
        return self._session.values()

    def items(self) -> Any:
        return self._session.items()

    def clear(self) -> None:
        # Django: make the session empty without loading it (the key stays).
        self._cache = {}
        self.accessed = True
        self.modified = True

    def is_empty(self) -> bool:
        """True when there is no key and nothing was loaded or set."""
        try:
            return not self._session_key and not self._cache
        except AttributeError:  # pragma: no cover - defensive
            return True

    # -- test cookie --------------------------------------------------------

    def set_test_cookie(self) -> None:
        self[TEST_COOKIE_NAME] = TEST_COOKIE_VALUE

    def test_cookie_worked(self) -> bool:
        return bool(self.get(TEST_COOKIE_NAME) == TEST_COOKIE_VALUE)

    def delete_test_cookie(self) -> None:
        del self[TEST_COOKIE_NAME]

    # -- keys ---------------------------------------------------------------

    def _data(self, no_load: bool = False) -> dict[str, Any]:
        """The session dict; with ``no_load`` an unloaded session is taken as empty."""
        self.accessed = True
        if self._cache is None:
            self._cache = {} if no_load or self._session_key is None else self.load()
        return self._cache

    def _get_new_session_key(self) -> str:
        while True:
            key = get_random_string(32, VALID_KEY_CHARS)
            if not self.exists(key):
                return key

    def _get_or_create_session_key(self) -> str:
        if self._session_key is None:
            self._session_key = self._get_new_session_key()
        return self._session_key

    @property
    def session_key(self) -> str | None:
        return self._session_key

    # -- expiry -------------------------------------------------------------

    def get_session_cookie_age(self) -> int:
        return self.engine.cookie_age

    def set_expiry(self, value: int | float | datetime | timedelta | None) -> None:
        """Seconds of inactivity (0: at browser close), a datetime, a timedelta or None."""
        if value is None:
            if EXPIRY_KEY in self._session:
                del self[EXPIRY_KEY]
            return
        if isinstance(value, timedelta):
            value = utcnow() + value
        if isinstance(value, datetime):
            if value.tzinfo is None:
                value = value.replace(tzinfo=UTC)
            self[EXPIRY_KEY] = value.isoformat()
            return
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise TypeError(
                f"set_expiry() takes seconds, a datetime, a timedelta or None, not {value!r}"
            )
        self[EXPIRY_KEY] = value

    def get_expiry_age(self, *, modification: datetime | None = None, expiry: Any = None) -> int:
        """Seconds until the session expires, counted from ``modification`` (now)."""
        expiry = self.get(EXPIRY_KEY) if expiry is None else expiry
        if not expiry:
            return self.get_session_cookie_age()
        if not isinstance(expiry, datetime | str):
            return int(expiry)
        if isinstance(expiry, str):
            expiry = _parse(expiry)
        delta: timedelta = expiry - (modification or utcnow())
        return delta.days * 86400 + delta.seconds

    def get_expiry_date(
        self, *, modification: datetime | None = None, expiry: Any = None
    ) -> datetime:
        """When the session expires (aware UTC)."""
        expiry = self.get(EXPIRY_KEY) if expiry is None else expiry
        if isinstance(expiry, datetime):
            return expiry
        if isinstance(expiry, str):
            return _parse(expiry)
        seconds = expiry or self.get_session_cookie_age()
        return (modification or utcnow()) + timedelta(seconds=seconds)

    def get_expire_at_browser_close(self) -> bool:
        expiry = self.get(EXPIRY_KEY)
        if expiry is None:
            return self.engine.expire_at_browser_close
        return bool(expiry == 0)

    # -- lifecycle ----------------------------------------------------------

    def flush(self) -> None:
        """Delete the session data and its key (``logout()`` calls this)."""
        self.clear()
        self.delete()
        self._session_key = None

    def cycle_key(self) -> None:
        """Keep the data under a new key (``login()`` calls this: no fixation)."""
        if self.engine.stores_data_in_key:
            self.save()
            return
        data = self._session
        key = self._session_key
        self.create()
        self._cache = data
        if key:
            self.delete(key)

    # -- encoding (shared by the engines) -----------------------------------

    def encode(self, session_dict: dict[str, Any]) -> str:
        return self.engine.encode(session_dict)

    def decode(self, session_data: str) -> dict[str, Any]:
        try:
            return self.engine.decode(session_data)
        except BadSignature:
            logger.warning("Session data corrupted")
        except Exception:  # any other malformed data: an empty session, as Django
            pass
        return {}

    # -- storage: delegated to the engine ------------------------------------

    def load(self) -> dict[str, Any]:
        raise NotImplementedError

    def exists(self, session_key: str) -> bool:
        raise NotImplementedError

    def create(self) -> None:
        raise NotImplementedError

    def save(self, must_create: bool = False) -> None:
        raise NotImplementedError

    def delete(self, session_key: str | None = None) -> None:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<{type(self).__name__} key={self._session_key!r}>"


def _parse(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


class SessionStore(SessionBase):
    """A session whose storage is its engine's (database, cache or signed cookie)."""

    __slots__ = ()

    def load(self) -> dict[str, Any]:
        key = self._session_key
        data = self.engine.load(self, key) if key else None
        if data is None:
            self._session_key = None
            return {}
        return data

    def exists(self, session_key: str) -> bool:
        return self.engine.exists(session_key)

    def create(self) -> None:
        self.engine.create(self)

    def save(self, must_create: bool = False) -> None:
        self.engine.save(self, must_create)

    def delete(self, session_key: str | None = None) -> None:
        self.engine.delete(self, session_key)

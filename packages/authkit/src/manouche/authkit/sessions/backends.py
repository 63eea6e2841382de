"""Session engines: where session data lives.

- :class:`DatabaseSessions`: Django's ``django_session`` table through
  orm-lite (any database orm-lite opens); a Django site and this one can
  share the table when they share the signing key.
- :class:`CacheSessions`: any cachelib cache (``RedisCache``,
  ``MemcachedCache``, ``FileSystemCache``, ``SimpleCache`` for one process).
- :class:`SignedCookieSessions`: the data itself, signed, in the cookie
  (Django's ``signed_cookies`` format).
- :class:`FileSessions`: a file per session in a directory (Django's
  ``file`` engine); several processes on one machine share it.

Every engine takes the signing ``secret_key`` explicitly (Django's
``SECRET_KEY``) and the cookie age (``SESSION_COOKIE_AGE``, two weeks).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import sqlalchemy as sa

from manouche.authkit import signing
from manouche.authkit.sessions.base import (
    VALID_KEY_CHARS,
    CreateError,
    SessionBase,
    SessionStore,
    UpdateError,
    utcnow,
)

if TYPE_CHECKING:
    from manouche import orm_lite

__all__ = [
    "BaseSessionEngine",
    "CacheSessions",
    "DatabaseSessions",
    "FileSessions",
    "SignedCookieSessions",
]

#: The salt Django's database and cache stores sign their data with.
DJANGO_STORE_SALT = "django.contrib.sessions.SessionStore"
SIGNED_COOKIE_SALT = "django.contrib.sessions.backends.signed_cookies"


class CacheLike(Protocol):
    """The cachelib methods the cache engine uses."""

    def get(self, key: str) -> Any: ...

    def set(self, key: str, value: Any, timeout: int | None = None) -> Any: ...

    def add(self, key: str, value: Any, timeout: int | None = None) -> Any: ...

    def delete(self, key: str) -> Any: ...

    def has(self, key: str) -> Any: ...


class BaseSessionEngine:
    """Configuration shared by the engines, and the store factory."""

    stores_data_in_key = False

    def __init__(
        self,
        *,
        secret_key: str | bytes,
        fallback_keys: Iterable[str | bytes] = (),
        cookie_age: int = 1209600,
        expire_at_browser_close: bool = False,
        salt: str = DJANGO_STORE_SALT,
    ) -> None:
        if not secret_key:
            raise ValueError("a session engine needs a non-empty secret_key")
        if not isinstance(cookie_age, int) or cookie_age <= 0:
            raise ValueError("cookie_age must be a positive number of seconds")
        self.secret_key = secret_key
        self.fallback_keys = tuple(fallback_keys)
        self.cookie_age = cookie_age
        self.expire_at_browser_close = expire_at_browser_close
        self.salt = salt
        self._signer: tuple[tuple[Any, ...], signing.TimestampSigner] | None = None

    @property
    def signer(self) -> signing.TimestampSigner:
        """One signer for every request (its HMACs are keyed once), made again
        if the key, the fallback keys or the salt are changed."""
        made = self._signer
        wanted = (self.secret_key, self.salt, self.fallback_keys)
        if made is None or made[0] != wanted:
            signer = signing.TimestampSigner(
                key=self.secret_key, salt=self.salt, fallback_keys=self.fallback_keys
            )
            made = self._signer = (wanted, signer)
        return made[1]

    def store(self, session_key: str | None = None) -> SessionStore:
        """A lazy session for ``session_key`` (None: a new session)."""
        return SessionStore(self, session_key)

    def validate_key(self, key: str | None) -> bool:
        return isinstance(key, str) and 8 <= len(key) <= 40

    # -- encoding -----------------------------------------------------------

    def encode(self, data: dict[str, Any]) -> str:
        try:
            return self.signer.sign_object(data, compress=True)
        except TypeError as exc:
            raise TypeError(f"session data must be JSON-serializable: {exc}") from None

    def decode(self, text: str) -> dict[str, Any]:
        value = self.signer.unsign_object(text)
        if not isinstance(value, dict):
            raise signing.BadSignature("session data is not an object")
        return value

    # -- storage ------------------------------------------------------------

    def load(self, session: SessionBase, key: str) -> dict[str, Any] | None:
        raise NotImplementedError

    def exists(self, key: str) -> bool:
        raise NotImplementedError

    def save(self, session: SessionBase, must_create: bool) -> None:
        raise NotImplementedError

    def delete(self, session: SessionBase, key: str | None) -> None:
        raise NotImplementedError

    def create(self, session: SessionBase) -> None:
        for _ in range(10000):
            session._session_key = session._get_new_session_key()
            try:
                self.save(session, True)
            except CreateError:
                continue
            session.modified = True
            return
        raise RuntimeError("Unable to create a new session key: is the session store available?")

    def clear_expired(self) -> int:
        """Remove expired sessions where the store keeps them; returns how many."""
        return 0


def _naive_utc(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


class DatabaseSessions(BaseSessionEngine):
    """Sessions in Django's ``django_session`` table (orm-lite ``Session`` model).

    :param db: the orm-lite ``Database`` (the default database when None).
    """

    def __init__(self, *, db: orm_lite.Database | None = None, **options: Any) -> None:
        super().__init__(**options)
        from manouche.authkit.sessions.models import Session

        self.model = Session
        self.table: sa.Table = Session.__table__
        self._db = db
        c = self.table.c
        key: sa.BindParameter[str] = sa.bindparam("key")
        self._select = sa.select(c.session_data).where(
            c.session_key == key, c.expire_date > sa.bindparam("now")
        )
        self._exists = sa.select(c.session_key).where(c.session_key == key)
        self._insert = self.table.insert()
        self._update = (
            self.table.update()
            .where(c.session_key == sa.bindparam("b_key"))
            .values(session_data=sa.bindparam("data"), expire_date=sa.bindparam("expire"))
        )
        self._delete = self.table.delete().where(c.session_key == key)

    @property
    def db(self) -> orm_lite.Database:
        if self._db is not None:
            return self._db
        from manouche.orm_lite import get_default_database

        return get_default_database()

    def _alone(self, db: orm_lite.Database, statement: Any, params: dict[str, Any]) -> Any:
        """Run one statement in the server's autocommit, or None when it cannot be.

        Outside any transaction, one statement is atomic by itself: on
        PostgreSQL it is then one round trip, where a transaction around it
        (orm-lite's autocommit) is three (``BEGIN``, the statement,
        ``COMMIT``), as Django's autocommit does. psycopg switches autocommit
        on the client, without a round trip; other drivers send a command to
        switch (MySQL) or reset the connection's transaction mode (SQLite),
        so they keep the transaction.
        """
        if not db.autocommits or db.engine.dialect.name != "postgresql":
            return None
        conn = db.connection()
        if conn.in_transaction():
            return None
        level = conn.get_execution_options().get("isolation_level")
        conn.execution_options(isolation_level="AUTOCOMMIT")
        try:
            result = conn.execute(statement, params)
            return list(result.all()) if result.returns_rows else int(result.rowcount)
        finally:
            conn.commit()  # ends SQLAlchemy's record of a transaction; nothing is sent
            conn.execution_options(isolation_level=level or conn.default_isolation_level)

    def _write(self, statement: Any, params: dict[str, Any] | None = None) -> int:
        """Run a write in a transaction (a savepoint inside the caller's); its row count."""
        db = self.db
        if params is not None:
            alone = self._alone(db, statement, params)
            if alone is not None:
                return int(alone)
        with db.atomic():
            return int(db.connection().execute(statement, params).rowcount)

    def load(self, session: SessionBase, key: str) -> dict[str, Any] | None:
        db = self.db
        params = {"key": key, "now": _naive_utc(utcnow())}
        rows = self._alone(db, self._select, params)
        if rows is None:
            rows = db.execute(self._select, params)
        if not rows:
            return None
        return session.decode(rows[0][0])

    def exists(self, key: str) -> bool:
        return bool(self.db.execute(self._exists, {"key": key}))

    def save(self, session: SessionBase, must_create: bool) -> None:
        if session.session_key is None:
            self.create(session)
            return
        data = session._data(no_load=must_create)
        key = session._get_or_create_session_key()
        encoded = session.encode(data)
        expire = _naive_utc(session.get_expiry_date())
        if must_create:
            row = {"session_key": key, "session_data": encoded, "expire_date": expire}
            try:
                self._write(self._insert, row)
            except sa.exc.IntegrityError:
                raise CreateError from None
            return
        if self._write(self._update, {"b_key": key, "data": encoded, "expire": expire}) == 0:
            raise UpdateError("the session no longer exists")

    def delete(self, session: SessionBase, key: str | None) -> None:
        if key is None:
            key = session.session_key
            if key is None:
                return
        self._write(self._delete, {"key": key})

    def clear_expired(self) -> int:
        stmt = self.table.delete().where(self.table.c.expire_date < _naive_utc(utcnow()))
        return self._write(stmt)


class CacheSessions(BaseSessionEngine):
    """Sessions in a cachelib cache; several workers share them through Redis or memcached.

    The cache holds the session as JSON text (data only, no pickled objects
    of ours); entries expire with the session.

    :param cache: a cachelib cache (``cachelib.RedisCache(...)``).
    :param key_prefix: prepended to every session key in the cache.
    """

    def __init__(
        self,
        *,
        cache: CacheLike,
        key_prefix: str = "django.contrib.sessions.cache",
        **options: Any,
    ) -> None:
        super().__init__(**options)
        for name in ("get", "set", "add", "delete", "has"):
            if not callable(getattr(cache, name, None)):
                raise TypeError(f"cache must be a cachelib cache (it has no {name}() method)")
        self.cache = cache
        self.key_prefix = key_prefix
        # On cachelib's RedisCache an update is one atomic command, SET ... XX
        # ("only if it still exists"), instead of a GET then a SET (Django's two
        # round trips, between which another request could delete the session).
        from cachelib import RedisCache

        self._redis: Any = cache if isinstance(cache, RedisCache) else None

    def load(self, session: SessionBase, key: str) -> dict[str, Any] | None:
        try:
            text = self.cache.get(self.key_prefix + key)
        except Exception:  # the cache is down: a fresh session, as Django
            return None
        if not isinstance(text, str):
            return None
        try:
            value = json.loads(text)
        except ValueError:
            return None
        return value if isinstance(value, dict) else None

    def exists(self, key: str) -> bool:
        return bool(key) and bool(self.cache.has(self.key_prefix + key))

    def save(self, session: SessionBase, must_create: bool) -> None:
        if session.session_key is None:
            self.create(session)
            return
        key = self.key_prefix + session._get_or_create_session_key()
        data = session._data(no_load=must_create)
        try:
            text = json.dumps(data, separators=(",", ":"))
        except TypeError as exc:
            raise TypeError(f"session data must be JSON-serializable: {exc}") from None
        timeout = max(1, session.get_expiry_age())
        if must_create:
            if not self.cache.add(key, text, timeout):
                raise CreateError
            return
        redis_cache = self._redis
        if redis_cache is not None:
            name = redis_cache._get_prefix() + key
            dump = redis_cache.serializer.dumps(text)
            if not redis_cache._write_client.set(name, dump, ex=timeout, xx=True):
                raise UpdateError("the session no longer exists")
            return
        if self.cache.get(key) is None:
            raise UpdateError("the session no longer exists")
        self.cache.set(key, text, timeout)

    def delete(self, session: SessionBase, key: str | None) -> None:
        if key is None:
            key = session.session_key
            if key is None:
                return
        self.cache.delete(self.key_prefix + key)


class SignedCookieSessions(BaseSessionEngine):
    """The session data, signed (not encrypted), in the cookie itself.

    Tampering gives an empty session. The data is readable by the client:
    keep secrets out of it. Django's ``signed_cookies`` format and salt.
    """

    stores_data_in_key = True

    def __init__(self, **options: Any) -> None:
        options.setdefault("salt", SIGNED_COOKIE_SALT)
        super().__init__(**options)

    def validate_key(self, key: str | None) -> bool:
        return isinstance(key, str) and 0 < len(key) <= 4096

    def load(self, session: SessionBase, key: str) -> dict[str, Any] | None:
        try:
            value = self.signer.unsign_object(key, max_age=session.get_session_cookie_age())
        except signing.BadSignature:
            return None
        return value if isinstance(value, dict) else None

    def exists(self, key: str) -> bool:
        return False

    def create(self, session: SessionBase) -> None:
        session.modified = True

    def save(self, session: SessionBase, must_create: bool) -> None:
        data = session._data()
        try:
            session._session_key = self.signer.sign_object(data, compress=True)
        except TypeError as exc:
            raise TypeError(f"session data must be JSON-serializable: {exc}") from None
        session.modified = True

    def delete(self, session: SessionBase, key: str | None) -> None:
        session._session_key = ""
        session._cache = {}
        session.modified = True


class FileSessions(BaseSessionEngine):
    """A file per session (the signed, encoded data) in ``path``.

    Keys are checked to be made of lowercase letters and digits only, so a
    cookie can never name a file outside the directory. Files are written to
    a temporary name and renamed into place, so a reader never sees half a
    session. ``clear_expired()`` removes the files of expired sessions.

    :param path: the directory (made if missing); the system's temporary
        directory by default, as Django's ``SESSION_FILE_PATH``.
    :param prefix: the file name prefix.
    """

    def __init__(
        self,
        *,
        path: str | os.PathLike[str] | None = None,
        prefix: str = "sessionid",
        **options: Any,
    ) -> None:
        super().__init__(**options)
        self.path = Path(path) if path is not None else Path(tempfile.gettempdir())
        self.path.mkdir(parents=True, exist_ok=True)
        if not self.path.is_dir():
            raise ValueError(f"the session path {self.path} is not a directory")
        self.prefix = prefix

    def validate_key(self, key: str | None) -> bool:
        return super().validate_key(key) and set(str(key)) <= _KEY_CHARS

    def _file(self, key: str) -> Path:
        if not self.validate_key(key):
            raise ValueError("invalid session key")
        return self.path / f"{self.prefix}{key}"

    def load(self, session: SessionBase, key: str) -> dict[str, Any] | None:
        try:
            file = self._file(key)
            text = file.read_text("ascii")
            modified = datetime.fromtimestamp(file.stat().st_mtime, UTC)
        except (OSError, ValueError, UnicodeDecodeError):
            return None
        data = session.decode(text)
        if not data and text:
            return None
        if self._expires_at(data, modified) <= utcnow():
            self.delete(session, key)
            return None
        return data

    def _expires_at(self, data: dict[str, Any], modified: datetime) -> datetime:
        expiry = data.get("_session_expiry")
        if isinstance(expiry, str):
            try:
                when = datetime.fromisoformat(expiry)
            except ValueError:
                return modified
            return when if when.tzinfo else when.replace(tzinfo=UTC)
        seconds = expiry if isinstance(expiry, int | float) and expiry else self.cookie_age
        return modified + timedelta(seconds=seconds)

    def exists(self, key: str) -> bool:
        try:
            return self._file(key).exists()
        except ValueError:
            return False

    def save(self, session: SessionBase, must_create: bool) -> None:
        if session.session_key is None:
            self.create(session)
            return
        file = self._file(session._get_or_create_session_key())
        encoded = session.encode(session._data(no_load=must_create))
        if must_create:
            try:
                fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                raise CreateError from None
            os.close(fd)
        elif not file.exists():
            raise UpdateError("the session no longer exists")
        fd, tmp = tempfile.mkstemp(dir=self.path, prefix=f".{self.prefix}")
        try:
            with os.fdopen(fd, "w", encoding="ascii") as fh:
                fh.write(encoded)
            os.replace(tmp, file)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def delete(self, session: SessionBase, key: str | None) -> None:
        if key is None:
            key = session.session_key
            if key is None:
                return
        try:
            self._file(key).unlink(missing_ok=True)
        except ValueError:
            pass

    def clear_expired(self) -> int:
        removed = 0
        for file in self.path.glob(f"{self.prefix}*"):
            key = file.name[len(self.prefix) :]
            if not self.validate_key(key):
                continue
            store = self.store(key)
            if self.load(store, key) is None and not file.exists():
                removed += 1
        return removed


_KEY_CHARS = frozenset(VALID_KEY_CHARS)

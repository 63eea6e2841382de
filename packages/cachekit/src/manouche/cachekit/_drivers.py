"""What cachelib lacks, done once per backend family.

cachelib gives every backend ``get``/``set``/``add``/``delete``/``*_many``/
``clear``. Django's API also needs ``touch``, an ``incr`` that fails on a
missing key instead of creating it and keeps the key's expiry, and an ``add``
that is atomic (the stampede lock is built on it). A driver does those for one
family, atomically where the server allows it:

- Redis: ``SET NX EX``, ``EXPIRE``/``PERSIST`` and a Lua ``INCRBY`` that only
  touches an existing key, each one round trip and atomic on the server.
- memcached: the server's own ``add``, ``touch``, ``incr`` and ``decr``.
- file system: an ``flock`` on a lock file in the cache directory, so several
  processes sharing the directory agree.
- in-process (cachelib's ``SimpleCache``) and any other cachelib backend: a
  lock of the process (``SimpleCache``'s own, so its methods and ours exclude
  each other).

Timeouts reaching a driver are cachelib's: whole seconds, ``0`` = forever.
"""

from __future__ import annotations

import collections
import fcntl
import os
import pickle
import re
import struct
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from cachelib import BaseCache, FileSystemCache, MemcachedCache, NullCache, RedisCache, SimpleCache
from cachelib.serializers import (
    FileSystemSerializer,
    RedisSerializer,
    SimpleSerializer,
)

__all__ = ["Driver", "driver_for"]

PROTOCOL = pickle.HIGHEST_PROTOCOL


class UnpicklableValue(TypeError, pickle.PicklingError):
    """A value that does not pickle: a ``TypeError`` that ``except pickle.PickleError``
    also catches (Django lets the pickle module's own error through)."""


def unpicklable(value: Any, exc: Exception) -> TypeError:
    return UnpicklableValue(
        f"cannot cache a {type(value).__module__}.{type(value).__qualname__} value: "
        f"cache values must pickle, and this one does not ({exc})"
    )


def dumps(value: Any) -> bytes:
    """``pickle.dumps`` that says clearly which value does not pickle."""
    try:
        return pickle.dumps(value, PROTOCOL)
    except Exception as exc:  # pickle raises PicklingError, TypeError or AttributeError
        raise unpicklable(value, exc) from exc


# cachelib's serializers log and store nothing useful when a value does not
# pickle; these raise instead, before anything is written.


class StrictSimpleSerializer(SimpleSerializer):
    def dumps(self, value: Any, protocol: int = PROTOCOL) -> bytes:
        return dumps(value)


class StrictRedisSerializer(RedisSerializer):
    def dumps(self, value: Any, protocol: int = PROTOCOL) -> bytes:
        if type(value) is int:
            return str(value).encode("ascii")
        return b"!" + dumps(value)


class Pickled(bytes):
    """A value already pickled by the cache (so a failure happens before a file is made)."""


class StrictFileSerializer(FileSystemSerializer):
    def dump(self, value: Any, f: Any, protocol: int = PROTOCOL) -> None:
        f.write(value if isinstance(value, Pickled) else dumps(value))


class MemcacheSerde:
    """pymemcache's serde with pymemcache's (and Django's) flags, raising clearly.

    Integers are stored as decimal text so the server's ``incr``/``decr`` work
    on them; values written by Django's ``PyMemcacheCache`` read back here.
    """

    BYTES, PICKLE, INTEGER, LONG, TEXT = 0, 1, 2, 4, 16

    def serialize(self, key: Any, value: Any) -> tuple[bytes, int]:
        kind = type(value)
        if kind is bytes:
            return value, self.BYTES
        if kind is str:
            return value.encode("utf-8"), self.TEXT
        if kind is int:
            return str(value).encode("ascii"), self.INTEGER
        return dumps(value), self.PICKLE

    def deserialize(self, key: Any, value: bytes, flags: int) -> Any:
        if flags == self.BYTES:
            return value
        if flags == self.TEXT:
            return value.decode("utf-8")
        if flags in (self.INTEGER, self.LONG):
            return int(value)
        if flags == self.PICKLE:
            try:
                return pickle.loads(value)
            except Exception:  # a value this process cannot load counts as a miss
                return None
        return value


class Driver:
    """The generic driver: any cachelib backend, made atomic by a process lock."""

    #: memcached refuses bad keys, so its caches raise where others warn.
    strict_keys = False
    #: whether add/incr/touch exclude each other across processes.
    cross_process = False

    def __init__(self, backend: BaseCache) -> None:
        self.backend = backend
        self._lock: Any = threading.RLock()

    @contextmanager
    def locked(self) -> Iterator[None]:
        with self._lock:
            yield

    def ttl(self, key: str) -> int | None:
        """cachelib timeout that keeps the key's current expiry, None when missing."""
        return 0 if self.backend.has(key) else None

    def add(self, key: str, value: Any, timeout: int) -> bool:
        with self.locked():
            return bool(self.backend.add(key, value, timeout))

    def incr(self, key: str, delta: int) -> Any:
        with self.locked():
            value = self.backend.get(key)
            if value is None:
                return None
            remaining = self.ttl(key)
            if remaining is None:  # expired since it was read
                return None
            new = value + delta
            self.backend.set(key, new, remaining)
            return new

    def touch(self, key: str, timeout: int) -> bool:
        with self.locked():
            value = self.backend.get(key)
            if value is None:
                return False
            return bool(self.backend.set(key, value, timeout))

    def expire(self, key: str) -> bool:
        """Make a key expire now; whether it was there."""
        with self.locked():
            present = self.backend.has(key)
            self.backend.delete(key)
            return bool(present)

    def has(self, key: str) -> bool:
        return bool(self.backend.has(key))

    def release(self, key: str, token: str) -> None:
        """Delete a lock ``key`` only if it still holds ``token`` (it may have
        expired and been taken by another caller meanwhile)."""
        with self.locked():
            if self.backend.get(key) == token:
                self.backend.delete(key)

    def reader(self) -> tuple[Any, Any]:
        """The backend's ``get`` and ``get_many`` (the hot path calls them directly)."""
        return self.backend.get, self.backend.get_many

    def writer(self) -> Any:
        """The backend's ``set(key, value, timeout)``."""
        return self.backend.set

    def set_many(self, mapping: dict[str, Any], timeout: int) -> list[str]:
        """Store every pair; the keys stored."""
        return list(self.backend.set_many(mapping, timeout) or ())

    def delete_many(self, keys: list[str]) -> None:
        self.backend.delete_many(*keys)

    def clear(self, prefix: str | None = None) -> None:
        """Remove everything (only keys starting with ``prefix`` where the store can tell)."""
        self.backend.clear()

    def close(self) -> None:
        return None


class NullDriver(Driver):
    def incr(self, key: str, delta: int) -> Any:
        return None

    def touch(self, key: str, timeout: int) -> bool:
        return False

    def expire(self, key: str) -> bool:
        return False

    def add(self, key: str, value: Any, timeout: int) -> bool:
        return True


class SimpleDriver(Driver):
    """cachelib's in-process ``SimpleCache``: its own lock, entries edited in place."""

    def __init__(self, backend: SimpleCache) -> None:
        super().__init__(backend)
        backend.serializer = StrictSimpleSerializer()
        self.simple = backend
        self._lock = backend._lock

    def reader(self) -> tuple[Any, Any]:
        # Reads need no lock: one dict lookup is atomic, and an entry is a
        # tuple replaced whole, never edited. Same store, same expiry rule.
        entries, loads, now = self.simple._cache, self.simple.serializer.loads, time.time

        def get(key: str) -> Any:
            entry = entries.get(key)
            if entry is None:
                return None
            expires, data = entry
            if expires == 0 or expires > now():
                return loads(data)
            return None

        def get_many(*keys: str) -> list[Any]:
            return [get(key) for key in keys]

        return get, get_many

    def writer(self) -> Any:
        # cachelib's set, with the value pickled before the lock is taken.
        simple, now, pickle_dumps = self.simple, time.time, pickle.dumps
        entries, lock, threshold = simple._cache, self._lock, simple._threshold

        def set_(key: str, value: Any, timeout: int) -> bool:
            try:
                data = pickle_dumps(value, PROTOCOL)
            except Exception as exc:
                raise unpicklable(value, exc) from exc
            entry = (now() + timeout if timeout > 0 else 0, data)
            with lock:
                if len(entries) > threshold:
                    simple._prune()
                entries[key] = entry
            return True

        return set_

    def _live(self, key: str) -> tuple[float, bytes] | None:
        entry: tuple[float, bytes] | None = self.simple._cache.get(key)
        if entry is None or (entry[0] != 0 and entry[0] <= time.time()):
            return None
        return entry

    def incr(self, key: str, delta: int) -> Any:
        with self._lock:
            entry = self._live(key)
            if entry is None:
                return None
            new = self.simple.serializer.loads(entry[1]) + delta
            self.simple._cache[key] = (entry[0], self.simple.serializer.dumps(new))
            return new

    def touch(self, key: str, timeout: int) -> bool:
        with self._lock:
            entry = self._live(key)
            if entry is None:
                return False
            self.simple._cache[key] = (time.time() + timeout if timeout > 0 else 0, entry[1])
            return True

    # cachelib's own add and set_many count expiry from the whole second
    # (int(time()) + timeout), which can end a 1-second value at once; these
    # count it from now, as Django does.

    def add(self, key: str, value: Any, timeout: int) -> bool:
        data = self.simple.serializer.dumps(value)
        with self._lock:
            if self._live(key) is not None:
                return False
            self.simple._cache[key] = (time.time() + timeout if timeout > 0 else 0, data)
            return True

    def set_many(self, mapping: dict[str, Any], timeout: int) -> list[str]:
        write = self.writer()
        return [key for key, value in mapping.items() if write(key, value, timeout)]


class FileDriver(Driver):
    """cachelib's ``FileSystemCache``, with an ``flock`` shared by every process."""

    cross_process = True

    def __init__(self, backend: FileSystemCache) -> None:
        super().__init__(backend)
        backend.serializer = StrictFileSerializer()
        self.fs = backend
        # cachelib's pruning and clear() skip names with its transaction suffix:
        # the lock file must survive them (a new inode would split the lock).
        lock_name = "manouche-cachekit-lock" + backend._fs_transaction_suffix
        self._lock_path = os.path.join(backend._path, lock_name)
        self._thread_lock = threading.RLock()
        self._depth = 0

    @contextmanager
    def locked(self) -> Iterator[None]:
        with self._thread_lock:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                self._depth = 1
                try:
                    yield
                finally:
                    self._depth = 0
                    fcntl.flock(fd, fcntl.LOCK_UN)
            finally:
                os.close(fd)

    # cachelib stores int(time()) + timeout, so a value could end up to a
    # second early; one more second makes it last at least ``timeout``.

    def writer(self) -> Any:
        fs_set, path = self.fs.set, self.fs._path

        def set_(key: str, value: Any, timeout: int) -> bool:
            ttl = timeout + 1 if timeout > 0 else 0
            if fs_set(key, value, ttl):
                return True
            # The directory was removed under us (as Django does, make it again).
            if not os.path.isdir(path):
                os.makedirs(path, 0o700, exist_ok=True)
                return bool(fs_set(key, value, ttl))
            return False

        return set_

    def clear(self, prefix: str | None = None) -> None:
        """Remove the cache's files only: other files in the directory stay (as in Django)."""
        width = len(self.fs._hash_method(b"").hexdigest())
        hexdigits = frozenset("0123456789abcdef")
        with self.locked():
            try:
                names = os.listdir(self.fs._path)
            except FileNotFoundError:
                return
            for name in names:
                if len(name) == width and hexdigits.issuperset(name):
                    try:
                        os.remove(os.path.join(self.fs._path, name))
                    except FileNotFoundError:
                        pass
            self.fs._update_count(value=0)

    def set_many(self, mapping: dict[str, Any], timeout: int) -> list[str]:
        write = self.writer()
        return [key for key, value in mapping.items() if write(key, value, timeout)]

    def add(self, key: str, value: Any, timeout: int) -> bool:
        with self.locked():
            if self.fs.has(key):
                return False
            return bool(self.writer()(key, value, timeout))

    def touch(self, key: str, timeout: int) -> bool:
        with self.locked():
            value = self.fs.get(key)
            if value is None:
                return False
            return bool(self.writer()(key, value, timeout))

    def incr(self, key: str, delta: int) -> Any:
        with self.locked():
            value = self.fs.get(key)
            if value is None:
                return None
            try:
                with open(self.fs._get_filename(key), "rb") as f:
                    expires = struct.unpack("I", f.read(4))[0]
            except (OSError, struct.error):
                return None
            # The same expiry: cachelib adds the timeout to int(time()).
            timeout = 0 if expires == 0 else expires - int(time.time())
            if expires != 0 and timeout <= 0:
                return None
            new = value + delta
            self.fs.set(key, new, timeout)
            return new


_INCR_EXISTING = """
if redis.call('EXISTS', KEYS[1]) == 1 then
    return redis.call('INCRBY', KEYS[1], ARGV[1])
end
return false
"""


_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('DEL', KEYS[1])
end
return 0
"""


class _Lease:
    """Kept in a thread's local storage beside its connection: when the thread
    ends and its storage goes, the connection goes back to the free list."""

    __slots__ = ("connection", "free")

    def __init__(self, connection: Any, free: collections.deque[Any]) -> None:
        self.connection, self.free = connection, free

    def __del__(self) -> None:
        self.free.append(self.connection)


class _HeldConnections:
    """One redis-py connection per thread, kept for the thread's life.

    A command through ``redis.Redis`` takes a connection from the pool, polls
    its socket to check that no stale reply waits on it, sends, reads, and
    gives the connection back, each step under the pool's lock, and reports
    to redis-py's event and metrics hooks: about a third of a cache hit on a
    local server. A connection that stays with its thread needs none of
    that. No stale reply can wait on it either: redis-py's ``Connection``
    drops its socket whenever a send or a read fails or is interrupted, and
    the next command reconnects. The connections are made as the pool makes
    its own (same class and options: address, database, credentials, TLS,
    timeouts, protocol); when a thread ends, its connection waits for the
    next new thread (a server starting a thread per request does not connect
    per request); a forked child starts with none.
    """

    def __init__(self, pool: Any) -> None:
        self.pool = pool
        self.local = threading.local()
        self._free: collections.deque[Any] = collections.deque()
        self._all: weakref.WeakSet[Any] = weakref.WeakSet()
        self._lock = threading.Lock()
        _forgotten_at_fork.add(self)

    def new(self) -> Any:
        """The calling thread's connection, made or taken from an ended thread."""
        try:
            connection = self._free.pop()
        except IndexError:
            connection = self.pool.connection_class(**self.pool.connection_kwargs)
            with self._lock:
                self._all.add(connection)
        self.local.lease = _Lease(connection, self._free)
        self.local.connection = connection
        return connection

    def forget(self) -> None:
        """After a fork: the parent's sockets are not ours (redis-py shuts a
        socket down only in the process that opened it)."""
        self.local = threading.local()
        self._free = collections.deque()
        self._all = weakref.WeakSet()

    def close(self) -> None:
        with self._lock:
            connections = list(self._all)
        for connection in connections:
            connection.disconnect()


_forgotten_at_fork: weakref.WeakSet[_HeldConnections] = weakref.WeakSet()


def _forget_held_connections() -> None:
    for held in list(_forgotten_at_fork):
        held.forget()


os.register_at_fork(after_in_child=_forget_held_connections)


def _holdable(client: Any) -> Any:
    """The pool of ``client`` when its commands can run on held connections, else None.

    Only a plain ``redis.Redis`` on a plain ``ConnectionPool``: a cluster or
    sentinel client, a single-connection client, a pool with client-side
    caching, or a subclass that changes how commands run keeps redis-py's path.
    """
    import redis

    pool = getattr(client, "connection_pool", None)
    if (
        type(client) is not redis.Redis
        or type(pool) is not redis.ConnectionPool
        or getattr(client, "connection", None) is not None
        or getattr(pool, "cache", None) is not None
        or pool.connection_kwargs.get("decode_responses")
    ):
        return None
    return pool


class RedisDriver(Driver):
    """cachelib's ``RedisCache``: every operation one atomic command or script."""

    cross_process = True

    def __init__(self, backend: RedisCache) -> None:
        super().__init__(backend)
        self.redis = backend
        self.serializer = backend.serializer = StrictRedisSerializer()
        self.client = backend._write_client
        self.prefix = backend._get_prefix
        self._incr = self.client.register_script(_INCR_EXISTING)
        self._release = self.client.register_script(_RELEASE)
        read_pool, write_pool = _holdable(backend._read_client), _holdable(self.client)
        self._held_read = None if read_pool is None else _HeldConnections(read_pool)
        self._held_write = (
            None
            if write_pool is None
            else self._held_read
            if write_pool is read_pool
            else _HeldConnections(write_pool)
        )

    def reader(self) -> tuple[Any, Any]:
        held = self._held_read
        if held is None:
            return super().reader()
        import redis

        loads, prefix, read_client = self.serializer.loads, self.prefix, self.redis._read_client
        fixed = self.redis.key_prefix if isinstance(self.redis.key_prefix, str) else None
        lost = (redis.ConnectionError, redis.TimeoutError)
        encoding = held.pool.connection_kwargs.get("encoding", "utf-8")
        errors = held.pool.connection_kwargs.get("encoding_errors", "strict")

        def get(key: str) -> Any:
            name = f"{fixed if fixed is not None else prefix()}{key}"
            encoded = name.encode(encoding, errors)
            # GET <name> in the protocol's framing (RESP), as redis-py packs it.
            command = b"*2\r\n$3\r\nGET\r\n$%d\r\n%b\r\n" % (len(encoded), encoded)
            try:
                connection = held.local.connection
            except AttributeError:
                connection = held.new()
            try:
                connection.send_packed_command((command,))
                data = connection.read_response()
            except lost:
                # The connection is closed by now; redis-py's own path retries
                # as the client is configured to and raises what it raises.
                return loads(read_client.get(name))
            return loads(data)

        return get, self.backend.get_many

    def writer(self) -> Any:
        held = self._held_write
        if held is None:
            return super().writer()
        import redis

        dumps_, prefix, client = self.serializer.dumps, self.prefix, self.client
        fixed = self.redis.key_prefix if isinstance(self.redis.key_prefix, str) else None
        lost = (redis.ConnectionError, redis.TimeoutError)
        encoding = held.pool.connection_kwargs.get("encoding", "utf-8")
        errors = held.pool.connection_kwargs.get("encoding_errors", "strict")

        def set_(key: str, value: Any, timeout: int) -> bool:
            name = f"{fixed if fixed is not None else prefix()}{key}"
            data = dumps_(value)
            args = ("SET", name, data, "EX", timeout) if timeout > 0 else ("SET", name, data)
            try:
                connection = held.local.connection
            except AttributeError:
                connection = held.new()
            if len(data) < 6000:
                # SET <name> <data> [EX <seconds>] framed in one buffer (redis-py
                # sends a large value as a buffer of its own, to copy it less).
                encoded = name.encode(encoding, errors)
                command: Any = b"*%d\r\n$3\r\nSET\r\n$%d\r\n%b\r\n$%d\r\n%b\r\n" % (
                    5 if timeout > 0 else 3,
                    len(encoded),
                    encoded,
                    len(data),
                    data,
                )
                if timeout > 0:
                    seconds = b"%d" % timeout
                    command += b"$2\r\nEX\r\n$%d\r\n%b\r\n" % (len(seconds), seconds)
                command = (command,)
            else:
                command = connection.pack_command(*args)
            try:
                connection.send_packed_command(command)
                return bool(connection.read_response())
            except lost:
                return bool(client.execute_command(*args))

        return set_

    def release(self, key: str, token: str) -> None:
        self._release(keys=[self.prefix() + key], args=[self.serializer.dumps(token)])

    def add(self, key: str, value: Any, timeout: int) -> bool:
        dump = self.serializer.dumps(value)
        ex = timeout if timeout > 0 else None
        return bool(self.client.set(self.prefix() + key, dump, nx=True, ex=ex))

    def incr(self, key: str, delta: int) -> Any:
        import redis

        try:
            return self._incr(keys=[self.prefix() + key], args=[delta])
        except redis.ResponseError as exc:
            raise TypeError(
                f"incr/decr on Redis need an integer value at key {key!r} ({exc})"
            ) from None

    def touch(self, key: str, timeout: int) -> bool:
        name = self.prefix() + key
        if timeout > 0:
            return bool(self.client.expire(name, timeout))
        return bool(self.client.persist(name)) or bool(self.client.exists(name))

    def expire(self, key: str) -> bool:
        return bool(self.client.delete(self.prefix() + key))

    def clear(self, prefix: str | None = None) -> None:
        if prefix:
            pattern = re.sub(r"([*?\[\]\\])", r"\\\1", self.prefix() + prefix) + "*"
            batch: list[bytes] = []
            for name in self.client.scan_iter(match=pattern, count=1000):
                batch.append(name)
                if len(batch) >= 1000:
                    self.client.unlink(*batch)
                    batch.clear()
            if batch:
                self.client.unlink(*batch)
        elif self.prefix():
            self.backend.clear()
        else:
            self.client.flushdb()

    def close(self) -> None:
        for held in {self._held_read, self._held_write}:
            if held is not None:
                held.close()
        self.client.close()


class MemcachedDriver(Driver):
    """cachelib's ``MemcachedCache`` on a pymemcache client: the server's own operations."""

    strict_keys = True
    cross_process = True

    def __init__(self, backend: MemcachedCache) -> None:
        super().__init__(backend)
        self.mc = backend
        self.client = backend._client
        # A child process must not share its parent's sockets (replies would
        # interleave): it drops them and reconnects on first use. redis-py's
        # pools do the same by themselves.
        close = weakref.WeakMethod(self.close)
        os.register_at_fork(after_in_child=lambda: (method := close()) and method())

    def _expiry(self, timeout: int) -> int:
        # memcached reads up to 30 days as relative and more as a Unix time.
        # cachelib always sends a Unix time, which the server turns back into
        # a delay with its own idea of the wall clock; relative delays do not
        # depend on that (Django sends them too).
        if timeout > 2592000:
            return int(time.time()) + timeout
        return timeout

    def writer(self) -> Any:
        client, normalize, expiry = self.client, self.mc._normalize_key, self._expiry

        def set_(key: str, value: Any, timeout: int) -> bool:
            return bool(client.set(normalize(key), value, expiry(timeout)))

        return set_

    def set_many(self, mapping: dict[str, Any], timeout: int) -> list[str]:
        names = {self.mc._normalize_key(k): k for k in mapping}
        failed = self.client.set_many(
            {n: mapping[k] for n, k in names.items()}, self._expiry(timeout)
        )
        failed_names = set(failed or ())
        return [k for n, k in names.items() if n not in failed_names]

    def delete_many(self, keys: list[str]) -> None:
        # cachelib skips keys holding "!" or "\xff"; they are valid keys here.
        self.client.delete_many([self.mc._normalize_key(k) for k in keys])

    def add(self, key: str, value: Any, timeout: int) -> bool:
        return bool(self.client.add(self.mc._normalize_key(key), value, self._expiry(timeout)))

    def incr(self, key: str, delta: int) -> Any:
        name = self.mc._normalize_key(key)
        try:
            if delta < 0:
                return self.client.decr(name, -delta)
            return self.client.incr(name, delta)
        except Exception as exc:  # pymemcache's MemcacheClientError for a non-number
            if type(exc).__name__.startswith("Memcache"):
                raise TypeError(
                    f"incr/decr on memcached need an integer value at key {key!r} ({exc})"
                ) from None
            raise

    def touch(self, key: str, timeout: int) -> bool:
        return bool(self.client.touch(self.mc._normalize_key(key), self._expiry(timeout)))

    def expire(self, key: str) -> bool:
        return bool(self.client.delete(self.mc._normalize_key(key)))

    def has(self, key: str) -> bool:
        return self.client.get(self.mc._normalize_key(key)) is not None

    def reader(self) -> tuple[Any, Any]:
        # cachelib's MemcachedCache silently misses keys holding "!" or "\xff";
        # keys are validated by the cache, so ask the client directly.
        client, normalize = self.client, self.mc._normalize_key

        def get(key: str) -> Any:
            return client.get(normalize(key))

        def get_many(*keys: str) -> list[Any]:
            names = [normalize(k) for k in keys]
            found = client.get_many(names)
            return [found.get(n) for n in names]

        return get, get_many

    def close(self) -> None:
        self.client.close()


def driver_for(backend: BaseCache) -> Driver:
    """The driver of a cachelib backend (the generic one for any other class)."""
    if isinstance(backend, SimpleCache):
        return SimpleDriver(backend)
    if isinstance(backend, FileSystemCache):
        return FileDriver(backend)
    if isinstance(backend, RedisCache):
        return RedisDriver(backend)
    if isinstance(backend, MemcachedCache):
        return MemcachedDriver(backend)
    if isinstance(backend, NullCache):
        return NullDriver(backend)
    return Driver(backend)

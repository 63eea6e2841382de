"""The async API: ``await qs.aget()``, ``async for obj in qs``, ``await obj.asave()``,
``async with db.aatomic():``, on SQLAlchemy's asyncio engine.

Each ``Database`` gets an ``AsyncEngine`` on the async driver of its URL
(``sqlite+aiosqlite``, ``postgresql+psycopg`` in its async mode). Reads use the
plans the sync API compiles once per query shape (filter chains, ``get(pk=)``)
and await them on the driver's own connection: one call into aiosqlite's
thread, one round trip to PostgreSQL, rows converted by the same column
converters as the sync API. Other reads await SQLAlchemy's ``AsyncConnection``.
While a query watcher listens (``count_queries``, ``log_queries``), every read
goes through SQLAlchemy so that its events see the statement.

Writes (``asave``, ``acreate``, ``adelete`` with its cascades and signals, …)
run orm-lite's own write code through ``AsyncConnection.run_sync``: the code
runs in a greenlet on the event loop's thread and every statement awaits the
async driver, as SQLAlchemy's ``AsyncSession`` does; no worker thread is used.

Outside ``aatomic()`` each call commits on its own (Django's autocommit);
inside, the calls of the task share one connection and transaction, nested
blocks are savepoints, and ``on_commit`` callbacks run after the outermost
block commits.
"""

from __future__ import annotations

import asyncio
import contextvars
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

import sqlalchemy as sa

from manouche.orm_lite._exceptions import TransactionManagementError
from manouche.orm_lite._hints import explain

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

    from manouche.orm_lite._database import Database
    from manouche.orm_lite._query import Query

T = TypeVar("T")

_MAX_GET_RESULTS = 21  # as get(): enough to say "more than 20"

#: Async drivers for the sync drivers orm-lite's URLs name.
ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+pysqlite": "sqlite+aiosqlite",
    "postgresql": "postgresql+psycopg_async",
    "postgresql+psycopg": "postgresql+psycopg_async",
    "postgresql+psycopg2": "postgresql+psycopg_async",
    "mysql": "mysql+aiomysql",
    "mysql+pymysql": "mysql+aiomysql",
    "mariadb+pymysql": "mariadb+aiomysql",
}


def async_extra(url: sa.URL) -> str:
    """The extra of manouche-orm-lite that installs the async driver of ``url``."""
    backend = url.get_backend_name()
    if backend in ("mysql", "mariadb"):
        return "asyncio-mysql"
    if backend == "postgresql":
        return "asyncio-postgresql"
    return "asyncio"


def forget_async_engine(db: Database, abandoned: list[Any]) -> None:
    """In a child process after ``fork()``: set aside the parent's async engine and the
    connections kept for it (never closed here); the child makes its own on first use."""
    for key in ("_async_engine", "_async_connections", "_async_read_mode"):
        found = db.__dict__.pop(key, None)
        if found is not None:
            abandoned.append(found)


def async_url(url: sa.URL) -> sa.URL:
    """The URL of the async driver for ``url`` (an async URL is returned as it is)."""
    name = url.drivername
    if name in ASYNC_DRIVERS:
        return url.set(drivername=ASYNC_DRIVERS[name])
    return url


# -- per-task transaction state ----------------------------------------------------------------


@dataclass
class _Block:
    """The open ``aatomic()`` blocks of one database in one task."""

    conn: AsyncConnection
    depth: int
    callbacks: list[tuple[Callable[[], Any], bool]] = field(default_factory=list)


_BLOCKS: contextvars.ContextVar[dict[int, _Block] | None] = contextvars.ContextVar(
    "manouche_orm_lite_async_blocks", default=None
)


def _real(db: Database) -> Database:
    """The database itself (a routed one's write database)."""
    write = getattr(db, "write_database", None)
    return write() if write is not None else db


def _current(db: Database) -> _Block | None:
    blocks = _BLOCKS.get()
    return None if blocks is None else blocks.get(id(_real(db)))


class AsyncAtomic:
    """``async with db.aatomic():`` a transaction; nested blocks are savepoints."""

    def __init__(self, db: Database, savepoint: bool = True, durable: bool = False) -> None:
        self.db = _real(db)
        self.savepoint = savepoint
        self.durable = durable
        self._tx: Any = None
        self._token: contextvars.Token[dict[int, _Block] | None] | None = None
        self._mark = 0

    async def __aenter__(self) -> AsyncAtomic:
        block = _current(self.db)
        if block is None:
            conn = await _checkout(self.db)
            try:
                if conn.in_transaction():  # (a read left SQLAlchemy's transaction open)
                    await conn.commit()
                self._tx = await conn.begin()
                if conn.dialect.name == "sqlite":
                    await _sqlite_begin(self.db, conn)
            except BaseException:
                await _checkin(self.db, conn, False)
                raise
            block = _Block(conn, 1)
        else:
            if self.durable:
                raise TransactionManagementError(
                    "A durable atomic block cannot be nested within another atomic block."
                )
            self._tx = await block.conn.begin_nested() if self.savepoint else None
            block = _Block(block.conn, block.depth + 1, block.callbacks)
        self._mark = len(block.callbacks)
        blocks = dict(_BLOCKS.get() or {})
        blocks[id(self.db)] = block
        self._token = _BLOCKS.set(blocks)
        return self

    async def __aexit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        block = _current(self.db)
        assert block is not None and self._token is not None
        _BLOCKS.reset(self._token)
        outermost = block.depth == 1
        ended = False
        try:
            if exc_type is None:
                if self._tx is not None and self._tx.is_active:
                    await self._tx.commit()
            else:
                del block.callbacks[self._mark :]
                if self._tx is not None and self._tx.is_active:
                    await self._tx.rollback()
                elif self._tx is None and not outermost:
                    # No savepoint: the failure dooms the enclosing transaction, as Django's.
                    await block.conn.rollback()
            ended = True
        finally:
            if outermost:
                await _checkin(self.db, block.conn, ended and not block.conn.in_transaction())
        if outermost and exc_type is None:
            from manouche.orm_lite._database import _call

            for func, robust in list(block.callbacks):
                _call(func, robust)


async def _sqlite_begin(db: Database, conn: AsyncConnection) -> None:
    """BEGIN now, on the driver (as the sync ``atomic()``): the sqlite3 module would begin
    only before the first write, so the block's reads would run outside its transaction
    and its first SAVEPOINT would become the transaction (its RELEASE committing)."""
    raw = await conn.get_raw_connection()
    driver = raw.driver_connection
    if driver is not None and not driver.in_transaction:
        await driver.execute(db._options.begin)


# -- running orm-lite's sync code on an async connection ---------------------------------------


def _engine(db: Database) -> AsyncEngine:
    db = _real(db)
    engine: AsyncEngine | None = db.__dict__.get("_async_engine")
    if engine is None:
        from sqlalchemy.ext.asyncio import create_async_engine

        url = db.__dict__.get("_async_url") or async_url(db.engine.url)
        try:
            engine = create_async_engine(url, **db.__dict__.get("_async_engine_kwargs", {}))
        except ImportError as exc:  # the async driver is an extra
            raise ImportError(
                f"The async API on {url.drivername} needs its driver: "
                f"pip install 'manouche-orm-lite[{async_extra(url)}]' ({exc})"
            ) from exc
        from manouche.orm_lite._database import _forbid_parent_connections

        db._options.listen(engine.sync_engine)
        _forbid_parent_connections(engine.sync_engine)
        from manouche.orm_lite._observability import attach_async

        attach_async(db, engine.sync_engine)
        db.__dict__["_async_engine"] = engine
    return engine


def _bound(db: Database, conn: sa.Connection) -> Database:
    """A ``Database`` that runs every statement on ``conn`` (the sync face of an async one)."""
    from manouche.orm_lite._database import Database as DatabaseClass
    from manouche.orm_lite._database import _ThreadState

    proxy: Any = object.__new__(DatabaseClass)
    proxy.__dict__.update(db.__dict__)
    proxy._state = _ThreadState()
    proxy._state.conn = conn
    proxy._state.bound = True
    proxy._origin = db
    return proxy  # type: ignore[no-any-return]


async def run(db: Database, fn: Callable[[Database], T], *also: Any, read: bool = False) -> T:
    """Run ``fn(bound_db)`` (orm-lite's sync code) with every statement awaited on ``db``'s
    async engine: in the task's ``aatomic()`` transaction, or committed at once.

    Instances in the result (and in ``also``) end up pointing at ``db`` again. ``read``:
    ``fn`` only reads, so a routed database runs it on its read database.
    """
    routed = getattr(db, "read_database", None)
    db = _real(db)
    block = _current(db)
    if block is None and read and routed is not None:
        db = routed()
    if block is not None:
        result, bound = await block.conn.run_sync(_in_greenlet, db, fn)
    else:
        async with _lease(db) as conn:
            if not conn.in_transaction():
                # Begun here, so the commit below reaches the driver even when orm-lite's
                # fast paths used the driver's cursor directly.
                await conn.begin()
                if not read and db._options.transaction_mode and conn.dialect.name == "sqlite":
                    # Asked for: the write lock when the call begins, not at its first write.
                    await _sqlite_begin(db, conn)
            try:
                result, bound = await conn.run_sync(_in_greenlet, db, fn)
            except BaseException:
                await conn.rollback()
                raise
            await conn.commit()
    seen: set[int] = set()
    for value in (result, *also):
        _fix(value, bound, db, seen, 0)
    return result


def _in_greenlet(
    conn: sa.Connection, db: Database, fn: Callable[[Database], T]
) -> tuple[T, Database]:
    bound = _bound(db, conn)
    return fn(bound), bound


def _fix(value: Any, bound: Database, db: Database, seen: set[int], depth: int) -> None:
    if depth > 6 or id(value) in seen:
        return
    seen.add(id(value))
    state = getattr(value, "_state", None)
    if state is not None and getattr(state, "db", None) is bound:
        state.db = db
        for item in list(value.__dict__.values()):
            if hasattr(item, "_meta") or isinstance(item, list | dict):
                _fix(item, bound, db, seen, depth + 1)
        return
    if getattr(value, "_db", None) is bound:
        value._db = db
        cache = getattr(value, "_result_cache", None)
        if cache is not None:
            _fix(cache, bound, db, seen, depth + 1)
        return
    if isinstance(value, list | tuple):
        for item in value:
            _fix(item, bound, db, seen, depth + 1)
    elif isinstance(value, dict):
        for item in value.values():
            _fix(item, bound, db, seen, depth + 1)


# -- reads ---------------------------------------------------------------------------------------

#: How reads reach the database (see ``_read_mode``).
_DIRECT, _SQLALCHEMY, _GREENLET = "direct", "sqlalchemy", "greenlet"

#: Async drivers whose own connection orm-lite drives for a compiled plan (one call each).
_DIRECT_DRIVERS = frozenset({"aiosqlite", "psycopg"})


def _read_mode(db: Database) -> str:
    """How the plans ``db`` compiles (for its sync dialect) run on its async engine.

    ``direct``: the async dialect is the async twin of the sync one (same SQL, same
    parameter style, same type converters) on a driver orm-lite drives itself;
    ``sqlalchemy``: the same, on another driver (``exec_driver_sql``); ``greenlet``:
    the dialects differ (psycopg2 for sync, psycopg for async, say), so orm-lite's
    sync code runs on the async connection and SQLAlchemy compiles for it.
    """
    engine = _engine(db)
    cached = db.__dict__.get("_async_read_mode")
    if cached is not None and cached[0] is engine:
        return cached[1]  # type: ignore[no-any-return]
    sync, dialect = db.engine.dialect, engine.dialect
    if not isinstance(dialect, type(sync)) or dialect.paramstyle != sync.paramstyle:
        mode = _GREENLET
    elif dialect.driver in _DIRECT_DRIVERS:
        mode = _DIRECT
    else:
        mode = _SQLALCHEMY
    db.__dict__["_async_read_mode"] = (engine, mode)
    return mode


def _read_target(db: Database) -> tuple[Database, _Block | None]:
    """Where a read of ``db`` runs: the task's ``aatomic()`` block, else the read database."""
    block = _current(db)
    if block is not None:
        return _real(db), block
    read = getattr(db, "read_database", None)
    return (read() if read is not None else db), None


def _listened(engine: AsyncEngine) -> bool:
    """Whether a query watcher (or any cursor event listener) is on ``engine``."""
    dispatch = engine.sync_engine.dispatch
    return bool(dispatch.before_cursor_execute or dispatch.after_cursor_execute)


async def _plan_rows(db: Database, sql: str, args: Any) -> tuple[list[Any], Any]:
    """The DBAPI rows and cursor description of a compiled SELECT, awaited natively.

    In the task's ``aatomic()`` block it runs on the block's connection; outside,
    on a shared read connection of the (read) database, in autocommit. When the
    driver is one orm-lite drives, the statement goes straight to the driver's
    connection: one hop into aiosqlite's thread, one round trip to PostgreSQL.
    While someone listens for cursor events it goes through SQLAlchemy instead,
    so that they see it.
    """
    target, block = _read_target(db)
    engine = _engine(target)
    direct = _read_mode(target) == _DIRECT and not _listened(engine)
    if block is not None:
        if direct:
            driver = block.conn.sync_connection.connection.driver_connection  # type: ignore[union-attr]
            return await _driver_rows(engine, driver, sql, args)
        return await _sqlalchemy_rows(block.conn, sql, args)
    reader = await _reader(target, engine) if direct else None
    if reader is None:  # (also when the pool is too small to keep read connections)
        return await _read_on_lease(target, lambda conn: _sqlalchemy_rows(conn, sql, args))
    try:
        return await _driver_rows(engine, reader.driver, sql, args)
    except sa.exc.DBAPIError as exc:
        if exc.connection_invalidated:
            await _drop_reader(target, reader)
        raise
    finally:
        reader.busy -= 1


async def _driver_rows(
    engine: AsyncEngine, driver: Any, sql: str, args: Any
) -> tuple[list[Any], Any]:
    """Run ``sql`` on the driver's own connection; errors as SQLAlchemy raises them."""
    try:
        if engine.dialect.driver == "aiosqlite":
            # One call into the connection's thread (sqlite3 reports no column types).
            rows = await driver.execute_fetchall(sql, args)
            return (rows if isinstance(rows, list) else list(rows)), None
        async with driver.cursor() as cursor:  # psycopg: a client-side cursor, one round trip
            await cursor.execute(sql, args)
            return await cursor.fetchall(), cursor.description
    except engine.dialect.loaded_dbapi.Error as exc:
        from manouche.orm_lite._database import _as_integrity_error

        try:
            lost = bool(engine.dialect.is_disconnect(exc, driver, None))
        except Exception:  # noqa: BLE001 - a dialect that cannot tell: keep the connection
            lost = False
        wrapped = sa.exc.DBAPIError.instance(
            sql, args, exc, engine.dialect.loaded_dbapi.Error, connection_invalidated=lost
        )
        explain(wrapped)
        if isinstance(wrapped, sa.exc.OperationalError):
            raise _as_integrity_error(wrapped) from exc
        raise wrapped from exc


async def _sqlalchemy_rows(conn: AsyncConnection, sql: str, args: Any) -> tuple[list[Any], Any]:
    """Run ``sql`` through SQLAlchemy (its cursor events fire); DBAPI rows as tuples."""
    result = await conn.exec_driver_sql(sql, args)
    cursor = result.cursor
    description = cursor.description if cursor is not None else None
    return [tuple(row) for row in result.fetchall()], description


async def _fetch(db: Database, statement: Any, params: Any = None) -> list[Any]:
    """Rows of a SQLAlchemy SELECT (compiled by SQLAlchemy, its types applied)."""
    target, block = _read_target(db)
    if block is not None:
        result = await block.conn.execute(statement, params)
        return list(result.all())

    async def read(conn: AsyncConnection) -> list[Any]:
        return list((await conn.execute(statement, params)).all())

    return await _read_on_lease(target, read)


async def _read_on_lease(db: Database, read: Callable[[AsyncConnection], Awaitable[T]]) -> T:
    """``await read(conn)`` on a leased connection of ``db``, outside any transaction of the
    task: rolled back when it fails, the transaction a read may have begun ended after."""
    async with _lease(db) as conn:
        try:
            found = await read(conn)
        except BaseException:
            await conn.rollback()
            raise
        if conn.in_transaction():
            await conn.commit()
    return found


# -- connections ---------------------------------------------------------------------------------


class _Reader:
    """A connection kept for reads outside transactions, shared by the tasks of a loop.

    Statements queue on the driver's connection: aiosqlite runs them one after
    the other in the connection's thread, psycopg one after the other on the
    socket. Servers read in autocommit, so a read is one round trip.
    """

    __slots__ = ("busy", "conn", "driver")

    def __init__(self, conn: AsyncConnection, driver: Any) -> None:
        self.conn = conn
        self.driver = driver
        self.busy = 0  # statements queued on it now


class _Connections:
    """The connections one database keeps open in one event loop, between calls.

    SQLAlchemy's pool checkout and reset cost more than a query on a fast
    database, so connections stay out of the pool: read connections (shared,
    see ``_Reader``) and idle ones for calls that need a connection of their
    own (writes, ``aatomic()``, streaming).
    """

    __slots__ = ("idle", "opening", "readers", "reader_limit", "waiters", "waiting")

    def __init__(self, engine: AsyncEngine) -> None:
        self.readers: list[_Reader] = []
        self.reader_limit = _reader_limit(engine)
        self.opening = 0  # read connections being opened
        self.waiters: list[asyncio.Future[None]] = []  # tasks waiting for one of them
        self.idle: list[AsyncConnection] = []
        self.waiting = 0  # tasks waiting on the engine's pool for a connection of their own

    def wake(self) -> None:
        waiters, self.waiters = self.waiters, []
        for fut in waiters:
            if not fut.done():
                fut.set_result(None)


def _connections(db: Database) -> _Connections:
    loop = asyncio.get_running_loop()
    per_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Connections] | None
    per_loop = db.__dict__.get("_async_connections")
    if per_loop is None:
        per_loop = db.__dict__["_async_connections"] = weakref.WeakKeyDictionary()
    found = per_loop.get(loop)
    if found is None:
        found = per_loop[loop] = _Connections(_engine(db))
    return found


#: Read connections of an SQLite database per event loop. SQLite reads gain little from
#: more threads (each aiosqlite connection owns one; 20 concurrent gets run fastest
#: queued back to back in one thread, a second thread costs ~2 %): two, so that one long
#: read does not hold up every other.
_SQLITE_READERS = 2

#: Idle connections kept per event loop for calls that need one of their own.
_IDLE = 5


def _reader_limit(engine: AsyncEngine) -> int:
    """How many read connections to keep: a server runs concurrent statements on as many
    connections as the pool keeps (``pool_size``); one connection of the pool is always
    left for writes and transactions (0: no read connections, reads lease one)."""
    pool = engine.pool
    wanted = _SQLITE_READERS if engine.dialect.name == "sqlite" else None
    if isinstance(pool, sa.pool.QueuePool):
        size = pool.size()
        wanted = size if wanted is None else wanted
        overflow = getattr(pool, "_max_overflow", -1)  # below 0: no limit
        if overflow >= 0:
            wanted = min(wanted, size + overflow - 1)
        return max(wanted, 0)
    return wanted or 1


async def _reader(db: Database, engine: AsyncEngine) -> _Reader | None:
    """The least busy read connection of ``db`` (opened while fewer than allowed are open);
    None when ``db`` keeps none."""
    pool = _connections(db)
    limit = pool.reader_limit
    while limit:
        best: _Reader | None = None
        for reader in pool.readers:
            if best is None or reader.busy < best.busy:
                best = reader
                if not reader.busy:
                    break
        if best is not None and (not best.busy or len(pool.readers) + pool.opening >= limit):
            best.busy += 1
            return best
        if len(pool.readers) + pool.opening < limit:
            pool.opening += 1
            try:
                reader = await _open_reader(db, engine)
            finally:
                pool.opening -= 1
                pool.wake()
            reader.busy += 1
            pool.readers.append(reader)
            return reader
        # Every allowed connection is being opened by another task: wait for one.
        fut = asyncio.get_running_loop().create_future()
        pool.waiters.append(fut)
        await fut
    return None


async def _open_reader(db: Database, engine: AsyncEngine) -> _Reader:
    """A read connection: an idle one when kept (a pool of few connections may have
    none left for it), else one from the engine's pool, waited for as a write waits
    (so that connections coming back go to the pool, not to the idle list)."""
    conn = await _checkout(db)
    try:
        if engine.dialect.name != "sqlite":
            # No transaction to end after each read; reset when the connection goes back.
            await conn.execution_options(isolation_level="AUTOCOMMIT")
        raw = await conn.get_raw_connection()
    except BaseException:
        await conn.close()
        raise
    return _Reader(conn, raw.driver_connection)


async def _drop_reader(db: Database, reader: _Reader) -> None:
    pool = _connections(db)
    if reader in pool.readers:
        pool.readers.remove(reader)
    await reader.conn.invalidate()


async def _checkout(db: Database) -> AsyncConnection:
    """A connection of ``db``'s async engine for a call of its own (an idle one if kept)."""
    pool = _connections(db)
    if pool.idle:
        return pool.idle.pop()
    pool.waiting += 1
    try:
        return await _engine(db).connect()
    finally:
        pool.waiting -= 1


async def _checkin(db: Database, conn: AsyncConnection, healthy: bool) -> None:
    """Keep ``conn`` for the next call, or give it back to the engine's pool: when a task
    waits on the pool (it gets this one), enough are idle, or the call failed."""
    pool = _connections(db)
    if (
        healthy
        and not conn.invalidated
        and not pool.waiting
        and len(pool.idle) < _IDLE
        and not asyncio.get_running_loop().is_closed()
    ):
        pool.idle.append(conn)
    else:
        await conn.close()


@asynccontextmanager
async def _lease(db: Database) -> AsyncIterator[AsyncConnection]:
    """An open connection of ``db``'s async engine for one call, kept for the next one."""
    conn = await _checkout(db)
    healthy = False
    try:
        yield conn
        healthy = True
    finally:
        await _checkin(db, conn, healthy)


async def _close_connections(db: Database) -> None:
    """Close the connections ``db`` keeps in the running loop."""
    per_loop = db.__dict__.get("_async_connections")
    pool = per_loop.pop(asyncio.get_running_loop(), None) if per_loop else None
    if pool is None:
        return
    for reader in pool.readers:
        await reader.conn.close()
    for conn in pool.idle:
        await conn.close()


# -- the mixins orm-lite's classes take ---------------------------------------------------------


class AsyncDatabaseMixin:
    """``Database``'s async side: ``aatomic()``, ``aexecute()``, ``async_engine``."""

    @property
    def async_engine(self) -> AsyncEngine:
        """The ``AsyncEngine`` on the async driver of this database's URL (made on first use)."""
        return _engine(self)  # type: ignore[arg-type]

    def set_async_url(self, url: str | sa.URL, **engine_kwargs: Any) -> None:
        """Use this URL for the async engine (when the driver cannot be derived), made with
        ``engine_kwargs`` for ``create_async_engine`` (``pool_size=``, ``max_overflow=``...).

        Reads outside ``aatomic()`` share up to ``pool_size`` connections per event loop
        (two on SQLite), always leaving one of the pool for writes and transactions.
        """
        self.__dict__["_async_url"] = sa.make_url(url)
        self.__dict__["_async_engine_kwargs"] = dict(engine_kwargs)
        self.__dict__.pop("_async_engine", None)  # (call adispose() first if it was used)
        self.__dict__.pop("_async_connections", None)

    def aatomic(self, savepoint: bool = True, durable: bool = False) -> AsyncAtomic:
        """``async with db.aatomic():`` a transaction of the current task."""
        return AsyncAtomic(self, savepoint, durable)  # type: ignore[arg-type]

    @property
    def in_async_atomic_block(self) -> bool:
        return _current(self) is not None  # type: ignore[arg-type]

    def aon_commit(self, func: Callable[[], Any], robust: bool = False) -> None:
        """Run ``func`` after the task's outermost ``aatomic()`` commits (now, outside one)."""
        block = _current(self)  # type: ignore[arg-type]
        if block is None:
            from manouche.orm_lite._database import _call

            _call(func, robust)
            return
        block.callbacks.append((func, robust))

    async def aexecute(self, statement: Any, params: Any = None) -> list[sa.Row[Any]]:
        """Run a statement (SQLAlchemy construct or SQL text) and return its rows, if any."""
        if isinstance(statement, str):
            statement = sa.text(statement)

        def go(db: Database) -> list[Any]:
            return db.execute(statement, params)

        return await run(self, go)  # type: ignore[arg-type]

    async def adispose(self) -> None:
        """Close the async engine's pooled connections."""
        await _close_connections(self)  # type: ignore[arg-type]
        engine = self.__dict__.pop("_async_engine", None)
        if engine is not None:
            await engine.dispose()


class AsyncQuerySetMixin:
    """``QuerySet``'s async side, with Django's names."""

    if TYPE_CHECKING:
        model: Any
        _result_cache: list[Any] | None
        _prefetch_lookups: list[Any]
        _prefetch_done: bool
        _query: Query

        @property
        def db(self) -> Database: ...

        def _clone(self) -> Any: ...

        _kind: Any
        _recipe: Any
        _q: Query
        _steps: tuple[Any, ...]

        def _is_pristine(self) -> bool: ...
        def filter(self, *args: Any, **kwargs: Any) -> Any: ...
        def order_by(self, *fields: Any) -> Any: ...
        def reverse(self) -> Any: ...
        def __getitem__(self, k: Any) -> Any: ...

        @property
        def ordered(self) -> bool: ...
        def using(self, db: Database | None) -> Any: ...
        def _statement(self) -> Any: ...
        def _iterate(self) -> Iterator[Any]: ...
        def _check_for_update(self) -> None: ...

    async def _afetch_all(self) -> list[Any]:
        if self._result_cache is None:
            self._result_cache = await self._aiterate()
        if self._prefetch_lookups and not self._prefetch_done:
            from manouche.orm_lite._prefetch import prefetch_related_objects

            items, lookups = self._result_cache, list(self._prefetch_lookups)

            def prefetch(db: Database) -> list[Any]:
                prefetch_related_objects(_using(items, db), *lookups)
                return items

            await run(self.db, prefetch)
            self._prefetch_done = True
        return self._result_cache

    async def _aiterate(self) -> list[Any]:
        """The results, read as ``_iterate`` reads them, the statement awaited natively.

        A chain with a compiled plan runs the plan; another query runs its statement
        on SQLAlchemy's async connection; rows become instances as in the sync API.
        """
        if self._q.empty:  # (pending chain steps never empty a query: keep them pending)
            return []
        from manouche.orm_lite._base import builds_without_init
        from manouche.orm_lite._plans import chain_plan
        from manouche.orm_lite._rows import MODELS, build_plain_models, convert, plan_models

        db = self.db
        if _read_mode(_read_target(db)[0]) == _GREENLET:
            self._acheck_for_update()
            return await run(db, self._iterate_on, read=True)
        plain = self._kind == MODELS and builds_without_init(self.model)
        if self._recipe is not None and plain:
            prepared = chain_plan(self, db)  # type: ignore[arg-type]
            if prepared is not None:
                plan, args = prepared
                rows, description = await _plan_rows(db, plan.sql, args)
                return plan_models(self, plan, rows, description, db)  # type: ignore[arg-type]
        self._acheck_for_update()
        rows = await _fetch(db, self._statement())
        if plain and not self._query.select_related:
            return build_plain_models(self, rows, (), db)  # type: ignore[arg-type]
        return convert(self, rows)  # type: ignore[arg-type]

    def _iterate_on(self, db: Database) -> list[Any]:
        return list(self.using(db)._iterate())

    def _acheck_for_update(self) -> None:
        if self._query.for_update is not None and _current(self.db) is None:
            raise TransactionManagementError(
                "select_for_update cannot be used outside of a transaction."
            )

    def __aiter__(self) -> AsyncIterator[Any]:
        async def gen() -> AsyncIterator[Any]:
            for obj in await self._afetch_all():
                yield obj

        return gen()

    async def alist(self) -> list[Any]:
        """Every result, as a list (``[obj async for obj in qs]``)."""
        return list(await self._afetch_all())

    async def aiterator(self, chunk_size: int | None = None) -> AsyncIterator[Any]:
        """Rows as they arrive, ``chunk_size`` at a time, streamed from the server."""
        if chunk_size is not None and chunk_size <= 0:
            raise ValueError("Chunk size must be strictly positive.")
        if self._query.empty:
            return
        self._acheck_for_update()
        size = chunk_size or 2000
        db = self.db
        block = _current(db)
        stmt = self._statement()
        if block is not None:
            async for obj in self._astream(block.conn, stmt, size):
                yield obj
            return
        async with _lease(db) as conn:
            try:
                async for obj in self._astream(conn, stmt, size):
                    yield obj
            except BaseException:
                await conn.rollback()
                raise
            await conn.commit()

    async def _astream(self, conn: AsyncConnection, stmt: Any, size: int) -> AsyncIterator[Any]:
        from manouche.orm_lite._rows import convert

        result = await conn.stream(stmt.execution_options(yield_per=size))
        async for chunk in result.partitions(size):
            for obj in convert(self, chunk):  # type: ignore[arg-type]
                yield obj

    async def _arun(self, fn: Callable[[Any], T]) -> T:
        """``fn`` (a sync QuerySet method call) on this QuerySet bound to an async connection."""
        return await run(self.db, lambda db: fn(self.using(db)))

    async def aget(self, *args: Any, **kwargs: Any) -> Any:
        """The single matching row; ``DoesNotExist``/``MultipleObjectsReturned`` as ``get()``."""
        if not args and len(kwargs) == 1 and self._is_pristine():
            db = self.db
            if _read_mode(_read_target(db)[0]) != _GREENLET:
                from manouche.orm_lite._plans import pk_get_plan
                from manouche.orm_lite._rows import get_instance

                prepared = pk_get_plan(self, db, kwargs)  # type: ignore[arg-type]
                if prepared is not None:  # get(pk=...): the plan get() compiled
                    plan, params = prepared
                    rows, description = await _plan_rows(db, plan.sql, plan.arguments(params))
                    if not rows:
                        raise self.model.DoesNotExist(
                            f"{self.model._meta.object_name} matching query does not exist."
                        )
                    return get_instance(self, plan, rows, description, db)  # type: ignore[arg-type]
        qs = self.filter(*args, **kwargs) if (args or kwargs) else self._clone()
        if self._q.combinator is not None and (args or kwargs):  # (never set by a chain step)
            raise TypeError("Calling get() with arguments after union() is not supported.")
        if not (qs._q.is_sliced or any(step[0] == "slice" for step in qs._steps)):
            # As chain steps, so that the chain's plan is the one of this shape.
            qs = qs.order_by()[:_MAX_GET_RESULTS]
        objs = await qs._afetch_all()
        if len(objs) == 1:
            return objs[0]
        name = self.model._meta.object_name
        if not objs:
            raise self.model.DoesNotExist(f"{name} matching query does not exist.")
        count = (
            f"more than {_MAX_GET_RESULTS - 1}" if len(objs) >= _MAX_GET_RESULTS else str(len(objs))
        )
        raise self.model.MultipleObjectsReturned(
            f"get() returned more than one {name} -- it returned {count}!"
        )

    async def afirst(self) -> Any:
        qs = self if self.ordered else self.order_by("pk")
        objs = await qs[:1]._afetch_all()
        return objs[0] if objs else None

    async def alast(self) -> Any:
        qs = self.reverse() if self.ordered else self.order_by("-pk")
        objs = await qs[:1]._afetch_all()
        return objs[0] if objs else None

    async def aearliest(self, *fields: str) -> Any:
        return await self._arun(lambda qs: qs.earliest(*fields))

    async def alatest(self, *fields: str) -> Any:
        return await self._arun(lambda qs: qs.latest(*fields))

    async def acount(self) -> int:
        if self._result_cache is not None:
            return len(self._result_cache)
        return await self._arun(lambda qs: int(qs.count()))

    async def aexists(self) -> bool:
        if self._result_cache is not None:
            return bool(self._result_cache)
        return await self._arun(lambda qs: bool(qs.exists()))

    async def acontains(self, obj: Any) -> bool:
        return await self._arun(lambda qs: bool(qs.contains(obj)))

    async def aaggregate(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        return await self._arun(lambda qs: dict(qs.aggregate(*args, **kwargs)))

    async def ain_bulk(
        self, id_list: Iterable[Any] | None = None, *, field_name: str = "pk"
    ) -> dict[Any, Any]:
        ids = None if id_list is None else list(id_list)
        return await self._arun(lambda qs: dict(qs.in_bulk(ids, field_name=field_name)))

    async def acreate(self, **kwargs: Any) -> Any:
        return await self._arun(lambda qs: qs.create(**kwargs))

    async def aget_or_create(
        self, defaults: dict[str, Any] | None = None, **kwargs: Any
    ) -> tuple[Any, bool]:
        return await self._arun(lambda qs: tuple(qs.get_or_create(defaults, **kwargs)))

    async def aupdate_or_create(
        self,
        defaults: dict[str, Any] | None = None,
        create_defaults: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> tuple[Any, bool]:
        return await self._arun(
            lambda qs: tuple(qs.update_or_create(defaults, create_defaults, **kwargs))
        )

    async def abulk_create(
        self, objs: Iterable[Any], batch_size: int | None = None, **kwargs: Any
    ) -> list[Any]:
        items = list(objs)
        return await self._arun(lambda qs: list(qs.bulk_create(items, batch_size, **kwargs)))

    async def abulk_update(
        self, objs: Iterable[Any], fields: Sequence[str], batch_size: int | None = None
    ) -> int:
        items = list(objs)
        return await self._arun(lambda qs: int(qs.bulk_update(items, fields, batch_size)))

    async def aupdate(self, **kwargs: Any) -> int:
        """``UPDATE`` the matching rows; returns how many."""
        return await self._arun(lambda qs: int(qs.update(**kwargs)))

    async def adelete(self) -> tuple[int, dict[str, int]]:
        """Delete the matching rows with ``on_delete`` and the signals, as ``delete()``."""
        return await self._arun(lambda qs: tuple(qs.delete()))


def _using(items: list[Any], db: Database) -> list[Any]:
    for obj in items:
        state = getattr(obj, "_state", None)
        if state is not None:
            state.db = db
    return items


class AsyncModelMixin:
    """``Model``'s async side: ``asave()``, ``adelete()``, ``arefresh_from_db()``."""

    if TYPE_CHECKING:
        _state: Any

        def _db_for(self, using: Database | None) -> Database: ...
        def save(self, *args: Any, **kwargs: Any) -> None: ...
        def delete(self, *args: Any, **kwargs: Any) -> Any: ...
        def refresh_from_db(self, *args: Any, **kwargs: Any) -> None: ...

    async def asave(self, *args: Any, using: Database | None = None, **kwargs: Any) -> None:
        """Save (insert or update) with the signals, as ``save()``."""
        db = self._db_for(using)
        await run(db, lambda bound: self.save(*args, using=bound, **kwargs), self)

    async def adelete(self, using: Database | None = None, keep_parents: bool = False) -> Any:
        """Delete with ``on_delete`` and the signals, as ``delete()``."""
        db = self._db_for(using)
        return await run(
            db, lambda bound: self.delete(using=bound, keep_parents=keep_parents), self
        )

    async def arefresh_from_db(
        self, using: Database | None = None, fields: Sequence[str] | None = None
    ) -> None:
        db = self._db_for(using)
        await run(db, lambda bound: self.refresh_from_db(using=bound, fields=fields), self)


class AsyncManagerMixin:
    """A manager's async writes, related managers included (``await author.books.acreate()``).

    Each runs the manager's own sync method (which knows the instance a related
    manager belongs to) on the async connection.
    """

    if TYPE_CHECKING:
        model: Any
        _db: Any

        def db_manager(self, using: Any) -> Any: ...

    def _adb(self) -> Database:
        if self._db is not None:
            return self._db  # type: ignore[no-any-return]
        from manouche.orm_lite._routers import routers

        return routers.database_for(self.model)

    async def _amanager(self, method: str, /, *args: Any, **kwargs: Any) -> Any:
        def call(db: Database) -> Any:
            return getattr(self.db_manager(db), method)(*args, **kwargs)

        return await run(self._adb(), call, *args)

    async def acreate(self, **kwargs: Any) -> Any:
        return await self._amanager("create", **kwargs)

    async def aget_or_create(self, defaults: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        return await self._amanager("get_or_create", defaults, **kwargs)

    async def aupdate_or_create(self, defaults: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        return await self._amanager("update_or_create", defaults, **kwargs)

    async def aadd(self, *objs: Any, **kwargs: Any) -> None:
        await self._amanager("add", *objs, **kwargs)

    async def aremove(self, *objs: Any, **kwargs: Any) -> None:
        await self._amanager("remove", *objs, **kwargs)

    async def aset(self, objs: Iterable[Any], **kwargs: Any) -> None:
        await self._amanager("set", list(objs), **kwargs)

    async def aclear(self, **kwargs: Any) -> None:
        await self._amanager("clear", **kwargs)

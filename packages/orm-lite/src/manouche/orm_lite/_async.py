"""The async API: ``await qs.aget()``, ``async for obj in qs``, ``await obj.asave()``,
``async with db.aatomic():``, on SQLAlchemy's asyncio engine.

Each ``Database`` gets an ``AsyncEngine`` on the async driver of its URL
(``sqlite+aiosqlite``, ``postgresql+psycopg`` in its async mode). Reads compile
the QuerySet as the sync API does and await the rows on an ``AsyncConnection``.
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
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import event

from manouche.orm_lite._exceptions import TransactionManagementError

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
            conn = await _engine(self.db).connect()
            self._tx = await conn.begin()
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
        finally:
            if outermost:
                await block.conn.close()
        if outermost and exc_type is None:
            from manouche.orm_lite._database import _call

            for func, robust in list(block.callbacks):
                _call(func, robust)


# -- running orm-lite's sync code on an async connection ---------------------------------------


def _engine(db: Database) -> AsyncEngine:
    db = _real(db)
    engine: AsyncEngine | None = db.__dict__.get("_async_engine")
    if engine is None:
        from sqlalchemy.ext.asyncio import create_async_engine

        url = db.__dict__.get("_async_url") or async_url(db.engine.url)
        try:
            engine = create_async_engine(url)
        except ImportError as exc:  # the async driver is an extra
            raise ImportError(
                f"The async API on {url.drivername} needs its driver: "
                f"pip install 'manouche-orm-lite[asyncio]' ({exc})"
            ) from exc
        if engine.dialect.name == "sqlite":
            from manouche.orm_lite._database import _sqlite_on_connect

            event.listen(engine.sync_engine, "connect", _sqlite_on_connect)
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


async def _fetch(db: Database, statement: Any, params: Any = None) -> list[Any]:
    """Rows of a SELECT, awaited natively on the async engine."""
    block = _current(db)
    if block is not None:
        result = await block.conn.execute(statement, params)
        return list(result.all())
    read = getattr(db, "read_database", None)
    if read is not None:  # routed: a replica, unless the write database is in a transaction
        db = read()
    async with _lease(db) as conn:
        result = await conn.execute(statement, params)
        rows = list(result.all())
        if not _reads_outside_transactions(conn):
            await conn.commit()
    return rows


def _reads_outside_transactions(conn: AsyncConnection) -> bool:
    """SQLite's driver opens no transaction for a SELECT: nothing to end after one."""
    return conn.dialect.name == "sqlite"


#: Connections kept open between calls, per event loop (SQLAlchemy's pool checkout and
#: reset cost more than the query on a fast database). At most this many idle per loop:
#: fewer than the pool holds (5 + 10 overflow), so tasks waiting on the pool always get one.
_IDLE = 5


@asynccontextmanager
async def _lease(db: Database) -> AsyncIterator[AsyncConnection]:
    """An open connection of ``db``'s async engine for one call, kept for the next one."""
    loop = asyncio.get_running_loop()
    idle: list[AsyncConnection] = db.__dict__.setdefault("_async_idle", {}).setdefault(loop, [])
    conn = idle.pop() if idle else await _engine(db).connect()
    healthy = False
    try:
        yield conn
        healthy = True
    finally:
        if healthy and not conn.invalidated and len(idle) < _IDLE and not loop.is_closed():
            idle.append(conn)
        else:
            await conn.close()


# -- the mixins orm-lite's classes take ---------------------------------------------------------


class AsyncDatabaseMixin:
    """``Database``'s async side: ``aatomic()``, ``aexecute()``, ``async_engine``."""

    @property
    def async_engine(self) -> AsyncEngine:
        """The ``AsyncEngine`` on the async driver of this database's URL (made on first use)."""
        return _engine(self)  # type: ignore[arg-type]

    def set_async_url(self, url: str | sa.URL) -> None:
        """Use this URL for the async engine (when the driver cannot be derived)."""
        self.__dict__["_async_url"] = sa.make_url(url)
        self.__dict__.pop("_async_engine", None)

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
        idle = self.__dict__.get("_async_idle", {})
        for conn in idle.pop(asyncio.get_running_loop(), []):
            await conn.close()
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
        def _is_pristine(self) -> bool: ...
        def _build_models(self, rows: Sequence[Any]) -> list[Any]: ...
        def _set_limits(self, low: int | None, high: int | None) -> None: ...
        def filter(self, *args: Any, **kwargs: Any) -> Any: ...
        def order_by(self, *fields: Any) -> Any: ...
        def reverse(self) -> Any: ...
        def __getitem__(self, k: Any) -> Any: ...

        @property
        def ordered(self) -> bool: ...
        def using(self, db: Database | None) -> Any: ...
        def _statement(self) -> Any: ...
        def _convert(self, rows: Sequence[Any]) -> list[Any]: ...
        def _iterate(self) -> Iterator[Any]: ...
        def _check_for_update(self) -> None: ...

    async def _afetch_all(self) -> list[Any]:
        if self._result_cache is None:
            if self._query.empty:
                rows: list[Any] = []
                self._result_cache = rows
            else:
                self._acheck_for_update()
                # orm-lite's own read path (compiled plans, direct row conversion), its
                # statements awaited on the async connection.
                self._result_cache = await run(self.db, self._iterate_on, read=True)
        if self._prefetch_lookups and not self._prefetch_done:
            from manouche.orm_lite._queryset import prefetch_related_objects

            items, lookups = self._result_cache, list(self._prefetch_lookups)

            def prefetch(db: Database) -> list[Any]:
                prefetch_related_objects(_using(items, db), *lookups)
                return items

            await run(self.db, prefetch)
            self._prefetch_done = True
        return self._result_cache

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
        async with _engine(db).connect() as conn:
            async for obj in self._astream(conn, stmt, size):
                yield obj
            await conn.commit()

    async def _astream(self, conn: AsyncConnection, stmt: Any, size: int) -> AsyncIterator[Any]:
        result = await conn.stream(stmt.execution_options(yield_per=size))
        async for chunk in result.partitions(size):
            for obj in self._convert(chunk):
                yield obj

    async def _arun(self, fn: Callable[[Any], T]) -> T:
        """``fn`` (a sync QuerySet method call) on this QuerySet bound to an async connection."""
        return await run(self.db, lambda db: fn(self.using(db)))

    async def aget(self, *args: Any, **kwargs: Any) -> Any:
        """The single matching row; ``DoesNotExist``/``MultipleObjectsReturned`` as ``get()``."""
        if not args and len(kwargs) == 1 and self._is_pristine():
            stmt, params = self._pk_statement(kwargs)
            if stmt is not None:
                rows = await _fetch(self.db, stmt, params)
                if not rows:
                    raise self.model.DoesNotExist(
                        f"{self.model._meta.object_name} matching query does not exist."
                    )
                return self._build_models(rows)[0]
        qs = self.filter(*args, **kwargs) if (args or kwargs) else self._clone()
        if not qs._query.is_sliced:
            qs._query.order_by = []
            qs._set_limits(0, _MAX_GET_RESULTS)
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

    def _pk_statement(self, kwargs: dict[str, Any]) -> tuple[Any, Any]:
        """The cached ``SELECT ... WHERE pk = :pk`` of ``get(pk=...)``, or ``(None, None)``."""
        from manouche.orm_lite._base import Model
        from manouche.orm_lite._expressions import Expression

        opts = self.model._meta
        ((key, value),) = kwargs.items()
        pk = opts.pk
        if key not in ("pk", pk.name, pk.attname, "pk__exact", f"{pk.name}__exact"):
            return None, None
        if isinstance(value, Model | Expression) or value is None or opts.parents:
            return None, None
        stmt = opts.get_stmt
        if stmt is None:
            table = opts.table
            stmt = sa.select(*[table.c[f.column] for f in opts.concrete_fields]).where(
                table.c[pk.column] == sa.bindparam("pk", type_=table.c[pk.column].type)
            )
            opts.get_stmt = stmt
        return stmt, {"pk": pk.get_prep_value(value)}

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

"""``Database``: an engine, per-thread connections, transactions and ``on_commit``.

Connections are safe across ``fork()``: a child process never uses (nor closes) a
connection its parent opened, it opens its own on first use (see ``_after_fork``).
"""

from __future__ import annotations

import functools
import os
import re
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

import sqlalchemy as sa
from sqlalchemy import event

from manouche.orm_lite._async import AsyncDatabaseMixin
from manouche.orm_lite._exceptions import TransactionManagementError
from manouche.orm_lite._hints import explain
from manouche.orm_lite._options import metadata as default_metadata
from manouche.orm_lite._options import registry
from manouche.orm_lite._plans import PlanCache
from manouche.orm_lite._signals import request_finished

if TYPE_CHECKING:
    from manouche.orm_lite._base import Model

F = TypeVar("F", bound=Callable[..., Any])
_default: Database | None = None


def get_default_database() -> Database:
    """The database ``Model.objects`` uses when no ``using()`` says otherwise."""
    if _default is None:
        raise RuntimeError(
            "No database is configured: create one with models.Database(url) "
            "(it becomes the default), or pass one with .using(db)"
        )
    return _default


def _regexp(pattern: str | None, value: Any) -> bool | None:
    if pattern is None or value is None:
        return None
    return re.search(pattern, str(value)) is not None


class _Held:
    """A thread's own connection, given back to the pool when the thread ends.

    It lives in the thread's ``_ThreadState``, whose values Python frees when the
    thread finishes (whether or not its ``Thread`` object is still referenced), so
    a finished thread never keeps a connection out of the pool. In a child process
    that inherited it from ``fork()`` the connection is the parent's: it is set
    aside, never closed (closing would talk on the parent's socket).
    """

    __slots__ = ("conn", "pid")

    def __init__(self, conn: sa.Connection) -> None:
        self.conn: sa.Connection | None = conn
        self.pid = os.getpid()

    def release(self) -> None:
        conn, self.conn = self.conn, None
        if conn is None:
            return
        if self.pid != os.getpid():
            _ABANDONED.append(conn)
            return
        try:
            conn.close()
        except Exception:  # noqa: BLE001 - a connection already lost: nothing to give back
            pass

    def __del__(self) -> None:
        self.release()


class _ThreadState(threading.local):
    def __init__(self) -> None:
        self.conn: sa.Connection | None = None
        self.held: _Held | None = None
        self.bound = False
        self.stack: list[Atomic] = []
        self.callbacks: list[tuple[Callable[[], Any], bool]] = []


#: What a forked child inherited from its parent (connections, pools, async engines):
#: kept referenced, so that nothing is closed or reset on the parent's sockets and files,
#: and never used again.
_ABANDONED: list[Any] = []

#: Every open ``Database``, for the fork handler and ``close_connections()``.
_DATABASES: weakref.WeakSet[Database] = weakref.WeakSet()

#: SQLite's transaction modes (``BEGIN <mode>``), as Django's ``transaction_mode`` option.
TRANSACTION_MODES = ("DEFERRED", "IMMEDIATE", "EXCLUSIVE")


class Database(AsyncDatabaseMixin):
    """A database orm-lite models read and write: ``Database("sqlite:///app.db")``.

    It owns an SQLAlchemy ``Engine`` and gives each thread its own connection
    (a threaded WSGI server works), given back to the pool when the thread ends
    or :func:`close_connections` is called (at the end of each request:
    :class:`CloseConnectionsMiddleware`). Outside ``atomic()`` every statement
    commits on its own, as Django's autocommit. The first ``Database`` (and
    every later one unless ``default=False``) becomes the default of
    ``Model.objects``.

    A ``Database`` opened before ``fork()`` (``gunicorn --preload``,
    ``multiprocessing``, uWSGI) is safe to use in the child: the child sets the
    parent's connections aside untouched and opens its own on first use.

    :param url: an SQLAlchemy URL (``postgresql+psycopg://...``) or an ``Engine``.
    :param default: make this the default database (``True``).
    :param transaction_mode: SQLite only: ``"IMMEDIATE"`` (or ``"EXCLUSIVE"``) begins
        every transaction with ``BEGIN IMMEDIATE``, taking the write lock at once, so
        that concurrent writers wait for each other (up to ``timeout``) instead of
        failing with ``database is locked``; Django's option of the same name.
    :param init_command: SQL run on every new connection, statements separated by
        ``;`` (``"PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL"``).
    :param timeout: SQLite only: seconds a statement waits for another connection's
        lock before ``database is locked`` (SQLite's busy timeout; 5 by default).
    :param engine_kwargs: passed to ``sqlalchemy.create_engine``.

    .. versionchanged:: 0.3
        ``transaction_mode``, ``init_command`` and ``timeout``; fork safety; a
        finished thread's connection goes back to the pool.
    """

    def __init__(
        self,
        url: str | sa.URL | sa.Engine,
        *,
        default: bool = True,
        transaction_mode: str | None = None,
        init_command: str | None = None,
        timeout: float | None = None,
        **engine_kwargs: Any,
    ) -> None:
        global _default
        self.engine: sa.Engine = (
            url if isinstance(url, sa.Engine) else sa.create_engine(url, **engine_kwargs)
        )
        self.vendor = self.engine.dialect.name
        self._options = _ConnectOptions(self.vendor, transaction_mode, init_command, timeout)
        self.metadata = default_metadata
        self._state = _ThreadState()
        # Compiled SQL per query shape (see _plan and _plans.py), least recently used first out.
        self._plans = PlanCache()
        self._options.listen(self.engine)
        _forbid_parent_connections(self.engine)
        _DATABASES.add(self)
        if default:
            _default = self

    def __repr__(self) -> str:
        return f"<Database {self.engine.url.render_as_string(hide_password=True)}>"

    def make_default(self) -> None:
        global _default
        _default = self

    # -- connections ----------------------------------------------------------------

    def connection(self) -> sa.Connection:
        """This thread's connection (opened on first use)."""
        st = self._state
        conn = st.conn
        if conn is None or conn.closed:
            conn = self.engine.connect()
            st.conn = conn
            st.held = _Held(conn)
        return conn

    def close(self) -> None:
        """Give this thread's connection back to the pool (at the end of a request, say:
        see :func:`close_connections`); the next statement of the thread takes one again."""
        st = self._state
        if st.stack:
            raise TransactionManagementError("Cannot close the connection inside atomic()")
        if st.bound:
            return
        held, st.held, st.conn = st.held, None, None
        if held is not None:
            held.release()

    def dispose(self) -> None:
        """Close this thread's connection and every pooled one."""
        self.close()
        self.engine.dispose()

    def _forget_parent(self) -> None:
        """In a child process after ``fork()``: set aside what the parent opened (its
        connections, its pool, its async engine) without touching it; the child opens
        its own connections on first use."""
        if not _in_memory(self.engine):  # (an in-memory database is the child's own copy)
            _ABANDONED.append(self._state)  # (this thread's connection, referenced as it was)
            self._state = _ThreadState()
            _ABANDONED.append(self.engine.pool)
            self.engine.dispose(close=False)  # a new, empty pool; the old one left alone
        # aiosqlite's threads do not survive a fork, even for an in-memory database.
        from manouche.orm_lite._async import forget_async_engine

        forget_async_engine(self, _ABANDONED)

    @contextmanager
    def bind_connection(self, conn: sa.Connection) -> Iterator[sa.Connection]:
        """Run every statement of this thread on ``conn`` (which holds an outer transaction).

        ``atomic()`` blocks inside become savepoints and nothing commits the outer
        transaction, so the caller can roll everything back (testkit's ``db``).
        """
        st = self._state
        saved = (st.conn, st.held, st.bound, st.stack, st.callbacks)
        st.conn, st.held, st.bound, st.stack, st.callbacks = conn, None, True, [], []
        try:
            yield conn
        finally:
            st.conn, st.held, st.bound, st.stack, st.callbacks = saved

    @property
    def in_atomic_block(self) -> bool:
        return bool(self._state.stack)

    @property
    def autocommits(self) -> bool:
        st = self._state
        return not st.stack and not st.bound

    def execute(self, statement: Any, params: Any = None) -> list[sa.Row[Any]]:
        """Run a statement (SQLAlchemy construct or ``text``) and return its rows, if any."""
        if isinstance(statement, str):
            statement = sa.text(statement)
        result = self._run(statement, params)
        return result[0]

    def _run(self, statement: Any, params: Any = None) -> tuple[list[Any], int, Any]:
        """Execute; return (rows, rowcount, inserted primary key), committing when in autocommit."""
        conn = self.connection()
        st = self._state
        autocommit = not st.stack and not st.bound
        try:
            result = (
                conn.execute(statement, params) if params is not None else conn.execute(statement)
            )
            rows = list(result.all()) if result.returns_rows else []
            rowcount = result.rowcount
            pk = None
            if result.context.isinsert and not result.context.executemany:
                try:
                    pk = result.inserted_primary_key
                except Exception:  # pragma: no cover - dialect without the key
                    pk = None
            if autocommit:
                conn.commit()
        except sa.exc.OperationalError as exc:
            if autocommit:
                conn.rollback()
            raise _as_integrity_error(exc) from exc.orig
        except BaseException:
            if autocommit:
                conn.rollback()
            raise
        return rows, rowcount, pk

    def _fetch(self, statement: Any, params: Any = None) -> list[Any]:
        conn = self.connection()
        st = self._state
        if not st.stack and not st.bound:
            try:
                rows = list(conn.execute(statement, params).all())
                conn.commit()
            except BaseException:
                conn.rollback()
                raise
            return rows
        return list(conn.execute(statement, params).all())

    # -- the fast paths: compiled once per query shape, rows straight from the cursor ----

    def _plan(self, key: Any, build: Callable[[], Any]) -> _Plan:
        """The compiled SQL of the statement ``build()`` makes, compiled once per ``key``."""
        plan: _Plan | None = self._plans.get(key)
        if plan is None:
            plan = _Plan(build(), self.engine.dialect)
            self._plans.put(key, plan)
        return plan

    def _run_plan(self, plan: _Plan, params: dict[str, Any]) -> list[Any]:
        """Execute a compiled plan on this thread's connection; rows with types converted."""
        rows, description = self._raw_rows(plan.sql, plan.arguments(params))
        return plan.converters(self.engine.dialect, description).convert(rows)

    def _fetch_converted(self, statement: Any) -> list[Any]:
        """Rows of a SELECT as tuples, converted by the column types, without Row objects."""
        raw, converters = self._fetch_raw(statement)
        return converters.convert(raw)

    def _fetch_raw(self, statement: Any) -> tuple[list[Any], _Converters]:
        """The DBAPI rows of a SELECT, unconverted, and the converters of its columns."""
        conn = self.connection()
        st = self._state
        autocommit = not st.stack and not st.bound
        try:
            result = conn.execute(statement)
            description = result.cursor.description if result.cursor is not None else None
            if type(result.cursor_strategy) is sa.engine.cursor.CursorFetchStrategy:
                # The default strategy buffers nothing: the DBAPI cursor has every row.
                raw = result.cursor.fetchall()
                result.close()
                types = [c.type for c in statement.selected_columns]
                converters = _converters(types, self.engine.dialect, description)
            else:
                raw = [tuple(r) for r in result.all()]
                converters = _NO_CONVERSION
            if autocommit:
                conn.commit()
        except BaseException:
            if autocommit:
                conn.rollback()
            raise
        return (raw if isinstance(raw, list) else list(raw)), converters

    def _insert_many(
        self,
        table: sa.Table,
        columns: Sequence[Any],
        rows: Sequence[Sequence[Any]],
        returning: Any,
        batch_size: int | None,
    ) -> list[Any]:
        """INSERT ``rows`` as multi-row VALUES statements; the ``returning`` column's values."""
        dialect = self.engine.dialect
        quote = dialect.identifier_preparer.quote
        mark = "?" if dialect.paramstyle == "qmark" else "%s"
        binders = [
            (i, proc)
            for i, col in enumerate(columns)
            if (proc := col.type._cached_bind_processor(dialect)) is not None
        ]
        width = max(1, len(columns))
        # Bound variables per statement: SQLite allows 32766, the servers 65535.
        per_batch = max(1, 30000 // width)
        if batch_size:
            per_batch = min(per_batch, batch_size)
        head = (
            f"INSERT INTO {quote(table.name)} ({', '.join(quote(c.name) for c in columns)}) VALUES "
        )
        if not columns:
            head = f"INSERT INTO {quote(table.name)} DEFAULT VALUES"
        tail = f" RETURNING {quote(returning.name)}" if returning is not None else ""
        one = "(" + ", ".join([mark] * len(columns)) + ")"
        returned: list[Any] = []
        from manouche.orm_lite._database import Atomic

        with Atomic(self, savepoint=False):
            for start in range(0, len(rows), per_batch):
                batch = rows[start : start + per_batch]
                args: list[Any] = []
                for row in batch:
                    if binders:
                        values = list(row)
                        for i, proc in binders:
                            if values[i] is not None:
                                values[i] = proc(values[i])
                        args.extend(values)
                    else:
                        args.extend(row)
                if columns:
                    sql = head + ", ".join([one] * len(batch)) + tail
                    found, _ = self._raw_rows(sql, tuple(args), fetch=returning is not None)
                    returned.extend(r[0] for r in found)
                else:
                    for _ in batch:
                        found, _ = self._raw_rows(head + tail, (), fetch=returning is not None)
                        returned.extend(r[0] for r in found)
        return returned

    def _raw_rows(self, sql: str, args: Any, fetch: bool = True) -> tuple[list[Any], Any]:
        conn = self.connection()
        st = self._state
        autocommit = not st.stack and not st.bound
        engine = self.engine
        if engine.dispatch.before_cursor_execute or engine.dispatch.after_cursor_execute:
            # Someone listens (a query counter, a tracer): go through SQLAlchemy.
            try:
                result = conn.exec_driver_sql(sql, args)
                description = result.cursor.description if result.cursor is not None else None
                rows = [tuple(r) for r in result.fetchall()] if fetch else []
                if autocommit:
                    conn.commit()
            except BaseException:
                if autocommit:
                    conn.rollback()
                raise
            return rows, description
        dbapi = conn.connection.dbapi_connection
        assert dbapi is not None
        cursor = dbapi.cursor()
        try:
            cursor.execute(sql, args)
            fetched: Any = cursor.fetchall() if fetch else []
            description = cursor.description
        except Exception as exc:
            if autocommit:
                dbapi.rollback()
            wrapped = sa.exc.DBAPIError.instance(sql, args, exc, engine.dialect.loaded_dbapi.Error)
            explain(wrapped)
            if isinstance(wrapped, sa.exc.OperationalError):
                raise _as_integrity_error(wrapped) from exc
            raise wrapped from exc
        finally:
            cursor.close()
        if autocommit:
            # psycopg and PyMySQL open a transaction on SELECT, SQLite on a write: end it.
            dbapi.commit()
        return list(fetched), description

    def _stream(self, statement: Any, chunk_size: int) -> Iterator[Any]:
        conn = self.connection()
        autocommit = self.autocommits
        try:
            # Per statement: Connection.execution_options() would change the connection.
            result = conn.execute(statement, execution_options={"yield_per": chunk_size})
            yield from result
            if autocommit:
                conn.commit()
        except BaseException:
            if autocommit:
                conn.rollback()
            raise

    # -- transactions ---------------------------------------------------------------

    def atomic(self, func: Any = None, *, savepoint: bool = True, durable: bool = False) -> Any:
        """A transaction as a context manager or decorator; nested blocks are savepoints."""
        if callable(func):
            return Atomic(self, savepoint, durable)(func)
        return Atomic(self, savepoint, durable)

    def on_commit(self, func: Callable[[], Any], robust: bool = False) -> None:
        """Run ``func`` after the outermost ``atomic()`` commits (now, outside one)."""
        if not callable(func):
            raise TypeError("on_commit() needs a callable")
        st = self._state
        if not st.stack:
            _call(func, robust)
            return
        st.callbacks.append((func, robust))

    # -- schema ---------------------------------------------------------------------

    def _tables(self, models_or_metadata: Any) -> tuple[sa.MetaData, list[sa.Table] | None]:
        if models_or_metadata is None:
            return self.metadata, None
        if isinstance(models_or_metadata, sa.MetaData):
            return models_or_metadata, None
        tables: list[sa.Table] = []
        md: sa.MetaData | None = None
        items: Iterable[type[Model]] = models_or_metadata
        for model in items:
            opts = model._meta
            md = opts.metadata
            if any(t is opts.table for t in tables):  # a proxy shares its model's table
                continue
            tables.append(opts.table)
            for m2m in opts.local_many_to_many:
                through = m2m.through
                if isinstance(through, type) and through._meta.auto_created:  # type: ignore[attr-defined]
                    tables.append(through._meta.table)  # type: ignore[attr-defined]
        return md or self.metadata, tables

    def create_all(self, models_or_metadata: Any = None) -> None:
        """Create the tables (of the given models, or of a MetaData; default: every model)."""
        from manouche.orm_lite._related import check_resolved

        md, tables = self._tables(models_or_metadata)
        for model in registry.get_models(include_auto_created=True):
            opts = model._meta
            if (
                opts.table.metadata is md
                if tables is None
                else any(opts.table is t for t in tables)
            ):
                check_resolved(model)
        self._ddl(lambda conn: md.create_all(conn, tables=tables))

    def drop_all(self, models_or_metadata: Any = None) -> None:
        md, tables = self._tables(models_or_metadata)
        self._ddl(lambda conn: md.drop_all(conn, tables=tables))

    def _ddl(self, fn: Callable[[sa.Connection], None]) -> None:
        st = self._state
        if st.bound or st.stack:
            fn(self.connection())
            return
        with self.engine.begin() as conn:
            fn(conn)


# MariaDB reports these constraint violations as operational errors; Django (and we)
# raise them as integrity errors: NOT NULL, out of range, CHECK violated / failed.
_MYSQL_INTEGRITY_CODES = frozenset({1048, 1690, 3819, 4025})


def _as_integrity_error(exc: sa.exc.OperationalError) -> sa.exc.DBAPIError:
    args = getattr(exc.orig, "args", ())
    if args and args[0] in _MYSQL_INTEGRITY_CODES:
        return sa.exc.IntegrityError(exc.statement, exc.params, exc.orig)  # type: ignore[arg-type]
    return exc


class _Converters:
    """The result processors of a SELECT's columns, applied to raw DBAPI rows."""

    __slots__ = ("procs",)

    def __init__(self, types: Sequence[Any], dialect: sa.Dialect, coltypes: Sequence[Any]) -> None:
        procs = []
        for i, type_ in enumerate(types):
            proc = type_._cached_result_processor(dialect, coltypes[i] if coltypes else None)
            if proc is not None:
                procs.append((i, proc))
        self.procs: tuple[tuple[int, Callable[[Any], Any]], ...] = tuple(procs)

    def convert(self, raw: Sequence[Any]) -> list[Any]:
        procs = self.procs
        if not procs:
            return list(raw)
        out: list[Any] = []
        append = out.append
        for row in raw:
            values = list(row)
            for i, proc in procs:
                value = values[i]
                if value is not None:
                    values[i] = proc(value)
            append(values)
        return out


_converter_cache: dict[Any, _Converters] = {}
_NO_CONVERSION = _Converters((), sa.engine.default.DefaultDialect(), ())


def _converters(types: Sequence[Any], dialect: sa.Dialect, description: Any) -> _Converters:
    """The converters of columns of ``types``, as the cursor ``description`` reports them."""
    coltypes = tuple(d[1] for d in description) if description else ()
    # Type objects by identity: a table's column types are long-lived, so this mostly hits.
    key = (dialect.name, tuple(types), coltypes)
    found = _converter_cache.get(key)
    if found is None:
        if len(_converter_cache) > 2048:
            _converter_cache.clear()
        found = _converter_cache[key] = _Converters(types, dialect, coltypes)
    return found


class _Plan:
    """A statement compiled once: its SQL text, how to bind its parameters, its converters."""

    __slots__ = (
        "sql",
        "positional",
        "order",
        "defaults",
        "binders",
        "types",
        "extra",
        "names",
        "bind_keys",
        "_typeless",
    )

    def __init__(self, statement: Any, dialect: sa.Dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        self.sql: str = compiled.string
        self.positional: bool = bool(compiled.positional)
        self.order: tuple[str, ...] = tuple(compiled.positiontup or ())
        self.defaults: dict[str, Any] = dict(compiled.params)
        self.binders: tuple[tuple[str, Any], ...] = tuple(
            (name, proc) for name, proc in compiled._bind_processors.items() if proc is not None
        )
        #: The compiled name of each parameter by the name it was made with: the anonymous
        #: parameters of a chain's values (``v0``, ``v1``...) are named by SQLAlchemy as it
        #: compiles (``v0_1``). None for a name made twice (the plan cannot rebind it).
        keys: dict[str, str | None] = {}
        for param, name in compiled.bind_names.items():
            made = getattr(param, "_orig_key", None) or param.key
            keys[made] = name if keys.get(made, name) == name else None
        self.bind_keys = keys
        self.types = tuple(c.type for c in statement.selected_columns)
        self.extra: Any = None
        self.names: tuple[str, ...] = ()
        self._typeless: _Converters | None = None

    def converters(self, dialect: sa.Dialect, description: Any) -> _Converters:
        """The converters of this plan's columns for a result's cursor ``description``.

        sqlite3 reports no column types, so on SQLite they are the same for every
        result and kept on the plan.
        """
        if dialect.name == "sqlite":
            found = self._typeless
            if found is None:
                found = self._typeless = _converters(self.types, dialect, None)
            return found
        return _converters(self.types, dialect, description)

    def arguments(self, params: dict[str, Any]) -> Any:
        values = {**self.defaults, **params}
        for name, proc in self.binders:
            if values.get(name) is not None:
                values[name] = proc(values[name])
        if self.positional:
            return tuple(values[name] for name in self.order)
        return values


def _call(func: Callable[[], Any], robust: bool) -> None:
    if not robust:
        func()
        return
    try:
        func()
    except Exception:  # robust: a failing callback does not stop the others
        import logging

        logging.getLogger("manouche.orm_lite").exception("on_commit callback %r failed", func)


class _Spread:
    """SQLite aggregates SQLite lacks (``STDDEV_POP`` ...), as Django registers them."""

    name: ClassVar[str] = "pvariance"

    def __init__(self) -> None:
        self.values: list[float] = []

    def step(self, value: Any) -> None:
        if value is not None:
            self.values.append(float(value))

    def finalize(self) -> float | None:
        import statistics

        try:
            result: float = getattr(statistics, self.name)(self.values)
        except statistics.StatisticsError:
            return None
        return result


_SPREADS = {
    "STDDEV_POP": "pstdev",
    "STDDEV_SAMP": "stdev",
    "VAR_POP": "pvariance",
    "VAR_SAMP": "variance",
}


def _sqlite_on_connect(dbapi_conn: Any, record: Any) -> None:
    dbapi_conn.create_function("REGEXP", 2, _regexp, deterministic=True)
    from manouche.orm_lite._temporal import register_sqlite_functions

    register_sqlite_functions(dbapi_conn)
    if hasattr(dbapi_conn, "create_aggregate"):
        for sql_name, stat in _SPREADS.items():
            dbapi_conn.create_aggregate(sql_name, 1, type(sql_name, (_Spread,), {"name": stat}))
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys = ON")
    cur.close()


class _ConnectOptions:
    """What every new connection of a database is set up with (sync and async engines)."""

    def __init__(
        self,
        vendor: str,
        transaction_mode: str | None,
        init_command: str | None,
        timeout: float | None,
    ) -> None:
        self.vendor = vendor
        mode = None
        if transaction_mode is not None:
            mode = str(transaction_mode).upper()
            if vendor != "sqlite":
                raise ValueError(
                    f"transaction_mode is an SQLite option; {vendor} takes "
                    "SELECT ... FOR UPDATE (select_for_update()) to lock the rows it will write"
                )
            if mode not in TRANSACTION_MODES:
                raise ValueError(
                    f"transaction_mode must be one of {', '.join(TRANSACTION_MODES)}, "
                    f"not {transaction_mode!r}"
                )
        if timeout is not None:
            if vendor != "sqlite":
                raise ValueError(
                    f"timeout is an SQLite option (its busy timeout); on {vendor} "
                    "pass the driver's own, e.g. connect_args={'connect_timeout': 10}"
                )
            if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout < 0:
                raise ValueError(f"timeout must be a number of seconds >= 0, not {timeout!r}")
        self.transaction_mode = mode
        self.timeout = timeout
        self.init_sql = [part.strip() for part in (init_command or "").split(";") if part.strip()]
        #: The statement that begins an atomic() block on SQLite.
        self.begin = f"BEGIN {mode}" if mode else "BEGIN"

    def listen(self, engine: sa.Engine) -> None:
        """Set up every new connection of ``engine`` (a sync engine, or an async one's)."""
        if self.vendor == "sqlite":
            event.listen(engine, "connect", _sqlite_on_connect)
        if self.vendor == "sqlite" and (self.transaction_mode or self.timeout is not None):
            event.listen(engine, "connect", self._sqlite_setup)
        if self.init_sql:
            event.listen(engine, "connect", self._init_command)

    def _sqlite_setup(self, dbapi_conn: Any, record: Any) -> None:
        if self.transaction_mode:
            # The sqlite3 module's own BEGIN (before a write outside atomic()) too.
            dbapi_conn.isolation_level = self.transaction_mode
        if self.timeout is not None:
            cur = dbapi_conn.cursor()
            cur.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
            cur.close()

    def _init_command(self, dbapi_conn: Any, record: Any) -> None:
        cur = dbapi_conn.cursor()
        try:
            for sql in self.init_sql:
                cur.execute(sql)
                if cur.description is not None:
                    cur.fetchall()  # (PRAGMA journal_mode answers a row)
        finally:
            cur.close()
        if self.vendor != "sqlite":
            dbapi_conn.commit()  # servers' drivers began a transaction for it


def _forbid_parent_connections(engine: sa.Engine) -> None:
    """SQLAlchemy's pattern for pools used across ``fork()``: each pooled connection
    records the process that opened it, and a checkout in another process sets it
    aside and opens a new one (the pool treats it as disconnected)."""
    if getattr(engine, "_manouche_pid_checks", False) or _in_memory(engine):
        return
    engine._manouche_pid_checks = True  # type: ignore[attr-defined]
    event.listen(engine, "connect", _record_pid)
    event.listen(engine, "checkout", _check_pid)


def _in_memory(engine: sa.Engine) -> bool:
    """Whether ``engine`` is an in-memory SQLite database (a forked child's copy of it is
    its own: nothing is shared with the parent, and a new connection would be empty)."""
    url = engine.url
    return engine.dialect.name == "sqlite" and (
        url.database in (None, "", ":memory:") or url.query.get("mode") == "memory"
    )


def _record_pid(dbapi_conn: Any, record: Any) -> None:
    record.info["pid"] = os.getpid()


def _check_pid(dbapi_conn: Any, record: Any, proxy: Any) -> None:
    pid = record.info.get("pid")
    if pid is not None and pid != os.getpid():
        _ABANDONED.append(dbapi_conn)  # never closed here: it is the parent's
        record.dbapi_connection = proxy.dbapi_connection = None
        raise sa.exc.DisconnectionError(
            f"Connection opened by process {pid}, checked out in process {os.getpid()}"
        )


_forgotten_in: list[int] = []  # the process whose parent's connections were set aside


def _after_fork() -> None:
    pid = os.getpid()
    if _forgotten_in and _forgotten_in[0] == pid:
        return  # (both hooks below ran in this child)
    _forgotten_in[:] = [pid]
    for db in list(_DATABASES):
        db._forget_parent()


def _register_fork_hooks() -> None:
    if hasattr(os, "register_at_fork"):  # (POSIX: os.fork(), multiprocessing, gunicorn)
        os.register_at_fork(after_in_child=_after_fork)
    try:  # uWSGI forks its workers in C, where Python's at-fork hooks run only when
        # asked (py-call-uwsgi-fork-hooks): its own post-fork hook always runs.
        import importlib

        importlib.import_module("uwsgi")  # (only inside a uWSGI process)
        decorators = importlib.import_module("uwsgidecorators")
    except ImportError:
        return
    decorators.postfork(_after_fork)


_register_fork_hooks()


def close_connections(*databases: Database) -> None:
    """Give the current thread's connections back to their pools: of ``databases``, or of
    every open ``Database``. Call it when a request (or any unit of work of a long-lived
    thread) is done; :class:`CloseConnectionsMiddleware` does it for any WSGI app, and it
    runs on its own when ``manouche.signals.request_finished`` is sent (httpkit sends it
    when the server closes a response, as Django closes its connections). A database in
    an ``atomic()`` block of this thread keeps its connection.

    .. versionadded:: 0.3
    """
    for db in databases or list(_DATABASES):
        if not db._state.stack:
            db.close()


def _close_at_request_end(sender: Any, **kwargs: Any) -> None:
    close_connections()


request_finished.connect(
    _close_at_request_end, weak=False, dispatch_uid="manouche.orm_lite.close_connections"
)


class CloseConnectionsMiddleware:
    """A WSGI middleware that gives the thread's connections back to the pool when each
    response is done (after its body is sent, when the server closes it), so that a
    threaded server's idle threads hold none: ``app = CloseConnectionsMiddleware(app)``.

    :param app: the WSGI application to wrap.
    :param databases: the databases to close (default: every open ``Database``).

    .. versionadded:: 0.3
    """

    def __init__(self, app: Callable[..., Any], databases: Iterable[Database] = ()) -> None:
        self.app = app
        self.databases = tuple(databases)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        try:
            body = self.app(environ, start_response)
        except BaseException:
            close_connections(*self.databases)
            raise
        return _ClosingBody(body, self.databases)


class _ClosingBody:
    """A WSGI response body that closes the connections when the server closes it."""

    def __init__(self, body: Iterable[bytes], databases: tuple[Database, ...]) -> None:
        self.body = body
        self.databases = databases

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.body)

    def close(self) -> None:
        try:
            close = getattr(self.body, "close", None)
            if close is not None:
                close()
        finally:
            close_connections(*self.databases)


class Atomic:
    """One ``atomic()`` block; see :meth:`Database.atomic`."""

    def __init__(self, db: Database, savepoint: bool = True, durable: bool = False) -> None:
        self.db = db
        self.savepoint = savepoint
        self.durable = durable
        self._tx: Any = None
        self._callbacks_mark = 0

    def __enter__(self) -> Atomic:
        db = self.db
        st = db._state
        if self.durable and st.stack:
            raise TransactionManagementError(
                "A durable atomic block cannot be nested within another atomic block."
            )
        conn = db.connection()
        if not st.stack and not st.bound:
            if conn.in_transaction():
                conn.commit()
            self._tx = conn.begin()
            if db.vendor == "sqlite":
                # The sqlite3 module would BEGIN only before the first write, so reads
                # would run outside the transaction and a SAVEPOINT opened first would
                # itself become the transaction (its RELEASE committing the outer
                # block): begin now, on the driver, in the database's transaction mode.
                dbapi = conn.connection.dbapi_connection
                if dbapi is not None and not getattr(dbapi, "in_transaction", True):
                    dbapi.execute(db._options.begin)
        elif self.savepoint or not st.stack:
            self._tx = conn.begin_nested()
        else:
            self._tx = None
        self._callbacks_mark = len(st.callbacks)
        st.stack.append(self)
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        st = self.db._state
        if not st.stack or st.stack[-1] is not self:
            raise TransactionManagementError("atomic() blocks were exited out of order")
        st.stack.pop()
        if exc_type is None:
            if self._tx is not None and self._tx.is_active:
                try:
                    self._tx.commit()
                except BaseException:
                    if self._tx.is_active:
                        self._tx.rollback()
                    del st.callbacks[self._callbacks_mark :]
                    raise
            if not st.stack:
                callbacks, st.callbacks[:] = list(st.callbacks), []
                for func, robust in callbacks:
                    _call(func, robust)
        else:
            if self._tx is not None and self._tx.is_active:
                self._tx.rollback()
            elif self._tx is None and st.stack:
                # No savepoint: the failure dooms the enclosing block, as Django's.
                outer = st.stack[-1]
                if outer._tx is not None and outer._tx.is_active:
                    outer._tx.rollback()
            del st.callbacks[self._callbacks_mark :]

    def __call__(self, func: F) -> F:
        @functools.wraps(func)
        def inner(*args: Any, **kwargs: Any) -> Any:
            with Atomic(self.db, self.savepoint, self.durable):
                return func(*args, **kwargs)

        return inner  # type: ignore[return-value]


def atomic(using: Any = None, savepoint: bool = True, durable: bool = False) -> Any:
    """``with models.atomic():`` on the default database (or ``using``); also a decorator."""
    if callable(using) and not isinstance(using, Database):
        func = using
        return _LazyAtomic(None, savepoint, durable)(func)
    return _LazyAtomic(using, savepoint, durable)


class _LazyAtomic:
    """An ``Atomic`` on the database that is the default when the block is entered."""

    def __init__(self, using: Database | None, savepoint: bool, durable: bool) -> None:
        self.using = using
        self.savepoint = savepoint
        self.durable = durable
        self._stack: list[Atomic] = []

    def __enter__(self) -> Atomic:
        block = Atomic(self.using or get_default_database(), self.savepoint, self.durable)
        self._stack.append(block)
        return block.__enter__()

    def __exit__(self, *exc: Any) -> None:
        self._stack.pop().__exit__(*exc)

    def __call__(self, func: F) -> F:
        @functools.wraps(func)
        def inner(*args: Any, **kwargs: Any) -> Any:
            with Atomic(self.using or get_default_database(), self.savepoint, self.durable):
                return func(*args, **kwargs)

        return inner  # type: ignore[return-value]


def on_commit(func: Callable[[], Any], using: Database | None = None, robust: bool = False) -> None:
    """Run ``func`` when the current transaction of the default database (or ``using``) commits."""
    (using or get_default_database()).on_commit(func, robust=robust)


def in_bulk_chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]

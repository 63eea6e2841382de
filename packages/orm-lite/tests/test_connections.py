"""Connections: safe across fork(), given back when a thread or a request is done, never
starved by orm-lite itself; SQLite's transaction mode, busy timeout and init command."""

from __future__ import annotations

import asyncio
import http.client
import multiprocessing
import os
import socketserver
import threading
import tomllib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
import sqlalchemy as sa

from manouche import orm_lite as models

pytest.importorskip("aiosqlite")
pytest.importorskip("greenlet")

md = sa.MetaData()


class Counter(models.Model):
    name = models.CharField(max_length=20, unique=True)
    n = models.IntegerField(default=0)

    class Meta:
        app_label = "connapp"
        metadata = md


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'conn.sqlite3'}"
    return str(request.getfixturevalue(f"{request.param}_url"))


@pytest.fixture
def cdb(url: str) -> Iterator[models.Database]:
    options: dict[str, Any] = {}
    if url.startswith("sqlite"):
        options = {"transaction_mode": "IMMEDIATE", "timeout": 60}
    db = models.Database(url, default=False, **options)
    db.drop_all(md)
    db.create_all(md)
    yield db
    db.close()
    db.drop_all(md)
    db.dispose()


def backend_id(db: models.Database) -> Any:
    """Which connection this thread's statements run on, as the server knows it."""
    if db.vendor == "postgresql":
        return db.execute("SELECT pg_backend_pid()")[0][0]
    if db.vendor in ("mysql", "mariadb"):
        return db.execute("SELECT CONNECTION_ID()")[0][0]
    return id(db.connection().connection.dbapi_connection)


async def abackend_id(db: models.Database) -> Any:
    if db.vendor == "postgresql":
        return (await db.aexecute("SELECT pg_backend_pid()"))[0][0]
    if db.vendor in ("mysql", "mariadb"):
        return (await db.aexecute("SELECT CONNECTION_ID()"))[0][0]
    return (await db.aexecute("SELECT count(*) FROM connapp_counter"))[0][0]


# -- fork() --------------------------------------------------------------------------------


class LoopThread:
    """An event loop running in a thread, keeping its async connections between calls."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=60)

    def stop(self, db: models.Database) -> None:
        self.run(db.adispose())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join()
        self.loop.close()


# Forking while threads run (ours, aiosqlite's) is what the test is about.
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_a_forked_child_never_uses_its_parents_connections(cdb: models.Database) -> None:
    Counter.objects.using(cdb).create(name="forked", n=1)
    # At the fork: this thread's connection, another thread's, idle ones in the pool, and
    # the async engine's connections held by a running event loop.
    mine = backend_id(cdb)
    inherited = cdb.connection().connection.dbapi_connection
    holding, release = threading.Event(), threading.Event()
    other: list[Any] = []

    def holder() -> None:
        other.append(backend_id(cdb))
        holding.set()
        release.wait()
        other.append(backend_id(cdb))  # the same connection, still working after the fork

    held = threading.Thread(target=holder)
    held.start()
    holding.wait()
    with ThreadPoolExecutor(3) as pool:  # three more that go back to the pool, idle
        list(pool.map(lambda _: (backend_id(cdb), cdb.close()), range(3)))
    loop = LoopThread()
    amine = loop.run(abackend_id(cdb))
    loop.run(Counter.objects.using(cdb).filter(name="forked").aget())  # a read connection

    def child(pipe: Any) -> None:
        try:
            sync_id = backend_id(cdb)
            fresh = cdb.connection().connection.dbapi_connection is not inherited
            with cdb.atomic():
                Counter.objects.using(cdb).filter(name="forked").update(n=models.F("n") + 1)
            seen = asyncio.run(_child_async(cdb))
            pipe.send(("ok", sync_id, fresh, seen))
        except BaseException as exc:  # noqa: BLE001 - sent to the parent
            pipe.send(("error", repr(exc), None, None))

    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=child, args=(send,))
    proc.start()
    try:
        assert receive.poll(60), "the child did not answer (it waited on a parent's connection?)"
        status, sync_id, fresh, seen = receive.recv()
    finally:
        proc.join(60)
        if proc.is_alive():
            proc.kill()
    assert status == "ok", sync_id
    assert proc.exitcode == 0
    assert fresh  # the child opened its own connection
    if cdb.vendor != "sqlite":
        assert sync_id != mine and sync_id not in other
        assert seen[0] != amine
    assert seen[1] == 3  # the child's async read saw both of its updates

    # The parent's connections were left alone: each is still the same, and works.
    assert backend_id(cdb) == mine
    release.set()
    held.join()
    assert other[0] == other[1]
    assert loop.run(abackend_id(cdb)) == amine
    assert loop.run(Counter.objects.using(cdb).filter(name="forked").aget()).n == 3
    loop.stop(cdb)
    assert Counter.objects.using(cdb).get(name="forked").n == 3


async def _child_async(db: models.Database) -> tuple[Any, int]:
    try:
        ident = await abackend_id(db)
        async with db.aatomic():
            await Counter.objects.using(db).filter(name="forked").aupdate(n=models.F("n") + 1)
        return ident, (await Counter.objects.using(db).filter(name="forked").aget()).n
    finally:
        await db.adispose()


def test_a_forked_child_keeps_its_copy_of_an_in_memory_database() -> None:
    """Nothing of an in-memory database is shared with the parent: the child's copy of
    its connection is its own, and keeps the rows (a new connection would be empty)."""
    db = models.Database("sqlite://", default=False)
    db.create_all(md)
    Counter.objects.using(db).create(name="memory", n=7)

    def child(pipe: Any) -> None:
        try:
            pipe.send(Counter.objects.using(db).get(name="memory").n)
        except BaseException as exc:  # noqa: BLE001 - sent to the parent
            pipe.send(repr(exc))

    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=child, args=(send,))
    proc.start()
    try:
        assert receive.poll(60)
        assert receive.recv() == 7
    finally:
        proc.join(60)
    db.dispose()


def test_the_pool_refuses_a_connection_opened_by_another_process(cdb: models.Database) -> None:
    """SQLAlchemy's checkout pid check: a pooled connection recorded as another process's
    is set aside (not closed) and a new one is opened in its place."""
    cdb.connection()
    cdb.close()  # back in the pool, idle
    with cdb.engine.connect() as conn:
        record = conn.connection._connection_record
        assert record is not None
        first = conn.connection.dbapi_connection
        record.info["pid"] = os.getpid() + 1  # as if a parent process had opened it
    with cdb.engine.connect() as conn:
        assert conn.connection.dbapi_connection is not first
        assert conn.execute(sa.text("SELECT 1")).scalar() == 1
    from manouche.orm_lite._database import _ABANDONED

    kept = [i for i, item in enumerate(_ABANDONED) if item is first]
    assert kept  # kept, never closed by the pool
    del _ABANDONED[kept[0]]
    first.close()  # (it is this process's own, really)


# -- threads and requests ---------------------------------------------------------------------


def test_finished_threads_give_their_connections_back(url: str) -> None:
    """16 threads of 50 updates on the default pool (5 + 10 overflow): none waits for a
    connection that a finished thread keeps, though their Thread objects live on."""
    # (SQLite: 16 writers at once may wait longer than the default busy timeout.)
    options = {"timeout": 60} if url.startswith("sqlite") else {}
    db = models.Database(url, default=False, pool_timeout=60, **options)
    db.drop_all(md)
    db.create_all(md)
    try:
        Counter.objects.using(db).create(name="threads")
        db.close()  # (this thread's)
        errors: list[BaseException] = []

        def work() -> None:
            try:
                for _ in range(50):
                    Counter.objects.using(db).filter(name="threads").update(n=models.F("n") + 1)
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        for _ in range(2):  # twice: the first wave's connections must have come back
            threads = [threading.Thread(target=work) for _ in range(16)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert not errors, errors[:3]
            assert db.engine.pool.checkedout() == 0
        assert Counter.objects.using(db).get(name="threads").n == 2 * 16 * 50
    finally:
        db.close()
        db.drop_all(md)
        db.dispose()


class _PooledServer(socketserver.ThreadingMixIn, WSGIServer):  # type: ignore[misc]
    """A WSGI server whose requests run on a fixed pool of long-lived threads."""

    daemon_threads = True

    def __init__(self, *args: Any, threads: int, **kwargs: Any) -> None:
        self.pool = ThreadPoolExecutor(threads)
        super().__init__(*args, **kwargs)

    def process_request(self, request: Any, client_address: Any) -> None:
        self.pool.submit(self.process_request_thread, request, client_address)


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_default_pool_under_a_threaded_server_with_32_threads(url: str) -> None:
    """Default ``Database(url)`` (5 + 10 connections) behind 32 long-lived server threads:
    with the per-request close every request is served and every increment counted."""
    options: dict[str, Any] = {}
    if url.startswith("sqlite"):
        options = {"transaction_mode": "IMMEDIATE", "timeout": 60}
    db = models.Database(url, default=False, **options)
    db.drop_all(md)
    db.create_all(md)
    Counter.objects.using(db).create(name="served")

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        with db.atomic():
            row = Counter.objects.using(db).select_for_update().get(name="served")
            row.n += 1
            row.save(update_fields=["n"])
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [str(row.n).encode()]

    server = make_server(
        "127.0.0.1",
        0,
        models.CloseConnectionsMiddleware(app, [db]),
        server_class=lambda *a, **k: _PooledServer(*a, threads=32, **k),
        handler_class=_Quiet,
    )
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    port = server.server_address[1]

    def client(_: int) -> int:
        done = 0
        for _ in range(10):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            try:
                conn.request("POST", "/")
                response = conn.getresponse()
                response.read()
                done += response.status == 200
            finally:
                conn.close()
        return done

    try:
        with ThreadPoolExecutor(64) as clients:
            answered = sum(clients.map(client, range(64)))
        assert answered == 64 * 10
        assert Counter.objects.using(db).get(name="served").n == answered
        # Every server thread is idle and alive: none holds a connection.
        assert db.engine.pool.checkedout() <= 1  # (this thread's, from the reads above)
    finally:
        server.shutdown()
        server.server_close()
        server.pool.shutdown()
        db.close()
        db.drop_all(md)
        db.dispose()


def test_close_connections_and_the_middleware(cdb: models.Database) -> None:
    first = cdb.connection()
    models.close_connections(cdb)
    assert first.closed and cdb.engine.pool.checkedout() == 0
    with cdb.atomic():  # a block keeps its connection
        conn = cdb.connection()
        models.close_connections()
        assert not conn.closed
    cdb.close()

    closed: list[bool] = []

    class Body:
        def __iter__(self) -> Iterator[bytes]:
            yield str(Counter.objects.using(cdb).count()).encode()

        def close(self) -> None:
            closed.append(True)

    def app(environ: dict[str, Any], start_response: Any) -> Body:
        start_response("200 OK", [])
        return Body()

    wrapped = models.CloseConnectionsMiddleware(app)
    body = wrapped({}, lambda *a: None)
    assert b"".join(body) == b"0"  # the body read the database lazily, while sent
    assert cdb.engine.pool.checkedout() == 1
    body.close()  # the server closes the response: the app's body first, then ours
    assert closed == [True] and cdb.engine.pool.checkedout() == 0

    def failing(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        Counter.objects.using(cdb).count()
        raise LookupError

    with pytest.raises(LookupError):
        models.CloseConnectionsMiddleware(failing)({}, lambda *a: None)
    assert cdb.engine.pool.checkedout() == 0


def test_request_finished_gives_the_connection_back(cdb: models.Database) -> None:
    from manouche.signals import request_finished

    Counter.objects.using(cdb).count()
    assert cdb.engine.pool.checkedout() == 1
    request_finished.send(object)
    assert cdb.engine.pool.checkedout() == 0


# -- the async pool ------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 2, 3, 5])
def test_a_small_async_pool_without_overflow_never_waits_on_orm_lite(
    cdb: models.Database, size: int
) -> None:
    """Writes, then reads, then both at once, on a pool of ``size`` connections and no
    overflow: orm-lite's own idle and read connections never make a call wait."""
    from manouche.orm_lite._async import async_url

    cdb.set_async_url(async_url(cdb.engine.url), pool_size=size, max_overflow=0, pool_timeout=20)

    async def main() -> int:
        try:
            made = await asyncio.gather(
                *(Counter.objects.using(cdb).acreate(name=f"c{i}") for i in range(20))
            )
            got = await asyncio.gather(*(Counter.objects.using(cdb).aget(pk=c.pk) for c in made))
            assert [g.name for g in got] == [c.name for c in made]
            async with cdb.aatomic():
                await Counter.objects.using(cdb).filter(pk=made[0].pk).aupdate(n=5)
                assert (await Counter.objects.using(cdb).aget(pk=made[0].pk)).n == 5
            await asyncio.gather(
                *(Counter.objects.using(cdb).filter(pk=c.pk).aupdate(n=1) for c in made[1:]),
                *(Counter.objects.using(cdb).aget(pk=c.pk) for c in made),
                *(Counter.objects.using(cdb).acount() for _ in made),
            )
            return await Counter.objects.using(cdb).filter(n=1).acount()
        finally:
            await cdb.adispose()

    assert asyncio.run(main()) == 19


# -- SQLite options --------------------------------------------------------------------------


def test_sqlite_options_apply_to_every_connection(tmp_path: Path) -> None:
    db = models.Database(
        f"sqlite:///{tmp_path / 'opts.sqlite3'}",
        default=False,
        transaction_mode="immediate",
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        timeout=7.5,
    )

    def pragmas(row: Any) -> tuple[Any, ...]:
        return tuple(row)

    sql = "SELECT * FROM pragma_journal_mode, pragma_synchronous, pragma_busy_timeout"
    assert pragmas(db.execute(sql)[0]) == ("wal", 1, 7500)

    async def async_side() -> Any:
        try:
            return (await db.aexecute(sql))[0]
        finally:
            await db.adispose()

    assert pragmas(asyncio.run(async_side())) == ("wal", 1, 7500)
    db.dispose()


def test_sqlite_immediate_takes_the_write_lock_at_begin(tmp_path: Path) -> None:
    path = tmp_path / "lock.sqlite3"
    db = models.Database(f"sqlite:///{path}", default=False, transaction_mode="IMMEDIATE")
    deferred = models.Database(f"sqlite:///{path}", default=False, timeout=0)
    other = sa.create_engine(f"sqlite:///{path}", connect_args={"timeout": 0})
    try:
        db.create_all(md)

        def write_elsewhere() -> None:
            with other.begin() as conn:
                conn.execute(sa.insert(Counter.__table__).values(name="x", n=0))

        with db.atomic():  # nothing run yet: the lock is already taken
            with pytest.raises(sa.exc.OperationalError, match="locked"):
                write_elsewhere()
        with deferred.atomic():  # the default: the lock waits for the first write
            write_elsewhere()

        async def in_aatomic() -> None:
            try:
                async with db.aatomic():
                    with pytest.raises(sa.exc.OperationalError, match="locked"):
                        write_elsewhere()
            finally:
                await db.adispose()

        asyncio.run(in_aatomic())
        assert Counter.objects.using(db).count() == 1
    finally:
        other.dispose()
        deferred.dispose()
        db.dispose()


def test_init_command_runs_on_every_connection(url: str) -> None:
    if url.startswith("sqlite"):
        command, probe = "PRAGMA cache_size = -4321", "PRAGMA cache_size"
    elif url.startswith("postgresql"):
        command = "SET application_name = 'orm_lite_init'; SET search_path = public"
        probe = "SELECT current_setting('application_name')"
    else:
        command, probe = "SET @orm_lite_init = 'orm_lite_init'", "SELECT @orm_lite_init"
    db = models.Database(url, default=False, init_command=command)
    expected = -4321 if url.startswith("sqlite") else "orm_lite_init"

    def on_a_new_thread() -> Any:
        try:
            return db.execute(probe)[0][0]
        finally:
            db.close()

    async def on_the_async_engine() -> Any:
        try:
            return (await db.aexecute(probe))[0][0]
        finally:
            await db.adispose()

    try:
        assert db.execute(probe)[0][0] == expected
        with ThreadPoolExecutor(1) as pool:
            assert pool.submit(on_a_new_thread).result() == expected
        assert asyncio.run(on_the_async_engine()) == expected
    finally:
        db.dispose()


def test_option_errors_name_the_problem(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bad.sqlite3'}"
    with pytest.raises(ValueError, match="DEFERRED, IMMEDIATE, EXCLUSIVE"):
        models.Database(url, default=False, transaction_mode="SOON")
    with pytest.raises(ValueError, match="seconds"):
        models.Database(url, default=False, timeout=-1)
    engine = sa.create_engine("postgresql+psycopg://u@127.0.0.1/none")
    with pytest.raises(ValueError, match="transaction_mode is an SQLite option"):
        models.Database(engine, default=False, transaction_mode="IMMEDIATE")
    with pytest.raises(ValueError, match="timeout is an SQLite option"):
        models.Database(engine, default=False, timeout=3)


def test_async_driver_errors_name_an_extra_that_installs_it() -> None:
    from manouche.orm_lite._async import async_extra

    pyproject = Path(__file__).parents[1] / "pyproject.toml"
    extras = tomllib.loads(pyproject.read_text())["project"]["optional-dependencies"]
    wanted = {
        "mysql+pymysql://u@h/db": "aiomysql",
        "mariadb+pymysql://u@h/db": "aiomysql",
        "postgresql+psycopg://u@h/db": "psycopg",
        "sqlite:///x.db": "aiosqlite",
    }
    for url, driver in wanted.items():
        extra = async_extra(sa.make_url(url))
        names = " ".join(extras[extra]) + " " + " ".join(extras.get("asyncio", []))
        assert driver in names, (url, extra)

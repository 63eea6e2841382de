"""The async API on aiosqlite, on PostgreSQL (psycopg's async mode) and on MariaDB (aiomysql)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from manouche import orm_lite as models
from manouche import signals

pytest.importorskip("aiosqlite")
pytest.importorskip("greenlet")

md = sa.MetaData()


class Writer(models.Model):
    name = models.CharField(max_length=50, unique=True)
    born = models.IntegerField(null=True)

    class Meta:
        app_label = "asyncapp"
        metadata = md
        ordering = ["name"]


class Label(models.Model):
    name = models.CharField(max_length=20)

    class Meta:
        app_label = "asyncapp"
        metadata = md


class Piece(models.Model):
    title = models.CharField(max_length=80)
    writer = models.ForeignKey(Writer, on_delete=models.CASCADE, related_name="pieces")
    words = models.IntegerField(default=0)
    labels = models.ManyToManyField(Label, related_name="pieces")

    class Meta:
        app_label = "asyncapp"
        metadata = md


@pytest.fixture(scope="module", params=["sqlite", "postgresql", "mariadb"])
def adb(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[models.Database]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('async') / 'async.sqlite3'}"
    else:
        url = request.getfixturevalue(f"{request.param}_url")
    db = models.Database(url, default=False)
    db.drop_all(md)
    db.create_all(md)
    yield db
    db.drop_all(md)
    db.dispose()


def arun(db: models.Database, fn: Callable[[], Awaitable[Any]]) -> Any:
    """Run ``fn()`` in a fresh event loop; the async engine's pool is closed in that loop."""

    async def main() -> Any:
        try:
            return await fn()
        finally:
            await db.adispose()

    try:
        return asyncio.run(main())
    finally:
        with db.engine.begin() as conn:
            for table in reversed(md.sorted_tables):
                conn.execute(table.delete())


def test_crud(adb: models.Database) -> None:
    W, P = Writer.objects.using(adb), Piece.objects.using(adb)

    async def go() -> None:
        ann = await W.acreate(name="Ann", born=1970)
        bob = await W.acreate(name="Bob")
        assert ann.pk is not None and ann._state.db is adb
        await P.abulk_create([P.model(title=f"t{i}", writer=ann, words=i * 10) for i in range(5)])
        await P.acreate(title="solo", writer=bob, words=7)
        assert await P.acount() == 6
        assert await P.filter(words__gt=25).acount() == 2
        assert await P.filter(title="nope").aexists() is False
        got = await W.aget(pk=ann.pk)  # the cached primary-key statement
        assert (got.name, got.born, got._state.db) == ("Ann", 1970, adb)
        assert (await W.aget(name__startswith="B")).pk == bob.pk
        with pytest.raises(Writer.DoesNotExist):
            await W.aget(pk=10_000)
        with pytest.raises(Writer.MultipleObjectsReturned, match="it returned 2!"):
            await W.aget()
        assert (await W.afirst()).name == "Ann"  # Meta.ordering
        assert (await W.alast()).name == "Bob"
        assert await P.filter(words__gt=1000).afirst() is None
        titles = [p.title async for p in P.filter(writer=ann).order_by("-words")]
        assert titles == ["t4", "t3", "t2", "t1", "t0"]
        streamed = [p.words async for p in P.order_by("pk").aiterator(chunk_size=2)]
        assert streamed == [0, 10, 20, 30, 40, 7]
        assert await P.aaggregate(total=models.Sum("words"), n=models.Count("pk")) == {
            "total": 107,
            "n": 6,
        }
        assert set(await W.ain_bulk([ann.pk, bob.pk])) == {ann.pk, bob.pk}
        assert await P.filter(writer=bob).aupdate(words=models.F("words") + 1) == 1
        solo = await P.aget(title="solo")
        assert solo.words == 8
        solo.title = "duo"
        await solo.asave()
        assert solo._state.db is adb
        assert await P.filter(title="duo").aexists()
        await P.filter(title="duo").aupdate(words=99)
        await solo.arefresh_from_db()
        assert solo.words == 99
        obj, created = await W.aget_or_create(name="Cid", defaults={"born": 1999})
        assert created and obj.born == 1999
        obj, created = await W.aget_or_create(name="Cid")
        assert not created
        obj, created = await W.aupdate_or_create(name="Cid", defaults={"born": 2001})
        assert not created and (await W.aget(name="Cid")).born == 2001
        # on_delete CASCADE and the delete signals, through the async API.
        seen: list[str] = []

        def on_delete(sender: Any, instance: Any, **kw: Any) -> None:
            seen.append(type(instance).__name__)

        signals.post_delete.connect(on_delete)
        try:
            deleted, per_model = await ann.adelete()
        finally:
            signals.post_delete.disconnect(on_delete)
        assert (deleted, per_model) == (6, {"asyncapp.Piece": 5, "asyncapp.Writer": 1})
        assert seen.count("Piece") == 5 and seen.count("Writer") == 1
        assert await P.acount() == 1
        assert await W.filter(name="Cid").adelete() == (1, {"asyncapp.Writer": 1})

    arun(adb, go)


def test_relations_load_and_stay_on_the_database(adb: models.Database) -> None:
    W, P = Writer.objects.using(adb), Piece.objects.using(adb)

    async def go() -> list[Any]:
        ann = await W.acreate(name="Ann")
        for i in range(3):
            await P.acreate(title=f"p{i}", writer=ann)
        pieces = [p async for p in P.select_related("writer").order_by("pk")]
        assert [p.writer.name for p in pieces] == ["Ann"] * 3  # from the join: no query
        writers = await W.prefetch_related("pieces").alist()
        assert [p.title for p in writers[0].pieces.all()] == ["p0", "p1", "p2"]
        assert writers[0]._state.db is adb
        assert all(p._state.db is adb for p in writers[0].pieces.all())
        return pieces

    pieces = asyncio.run(_keep(adb, go))
    # Instances the async API returned work with the sync API afterwards.
    assert pieces[0].writer.pieces.count() == 3
    pieces[0].title = "renamed"
    pieces[0].save()
    assert Piece.objects.using(adb).filter(title="renamed").count() == 1
    arun(adb, _noop)


async def _keep(db: models.Database, fn: Callable[[], Awaitable[Any]]) -> Any:
    try:
        return await fn()
    finally:
        await db.adispose()


async def _noop() -> None:
    return None


def test_aatomic_commits_rolls_back_and_nests(adb: models.Database) -> None:
    W = Writer.objects.using(adb)
    calls: list[str] = []

    async def go() -> None:
        async with adb.aatomic():
            await W.acreate(name="kept")
            adb.aon_commit(lambda: calls.append("outer"))
            with pytest.raises(RuntimeError):
                async with adb.aatomic():
                    await W.acreate(name="inner")
                    adb.aon_commit(lambda: calls.append("inner"))
                    raise RuntimeError("roll the savepoint back")
            assert await W.filter(name="inner").aexists() is False
            assert calls == []  # nothing runs before the outermost commit
        assert calls == ["outer"]
        with pytest.raises(ValueError):
            async with adb.aatomic():
                await W.acreate(name="gone")
                adb.aon_commit(lambda: calls.append("never"))
                raise ValueError("roll everything back")
        assert sorted(await W.values_list("name", flat=True).alist()) == ["kept"]
        assert calls == ["outer"]
        with pytest.raises(models.TransactionManagementError, match="select_for_update"):
            await W.select_for_update().alist()
        async with adb.aatomic():
            assert [w.name async for w in W.select_for_update()] == ["kept"]

    arun(adb, go)


def test_tasks_have_their_own_transactions(adb: models.Database) -> None:
    W = Writer.objects.using(adb)

    async def writer(name: str, fail: bool) -> None:
        async with adb.aatomic():
            await W.acreate(name=name)
            await asyncio.sleep(0.01)  # let the other task run inside its block
            if fail:
                raise LookupError(name)

    async def go() -> None:
        results = await asyncio.gather(
            writer("a", False), writer("b", True), writer("c", False), return_exceptions=True
        )
        assert [type(r).__name__ for r in results] == ["NoneType", "LookupError", "NoneType"]
        assert sorted(await W.values_list("name", flat=True).alist()) == ["a", "c"]
        many = await asyncio.gather(*(W.aget(name=n) for n in ["a", "c"] * 10))
        assert [w.name for w in many] == ["a", "c"] * 10

    arun(adb, go)


def test_statements_wait_concurrently_on_postgresql(adb: models.Database) -> None:
    if adb.vendor != "postgresql":
        pytest.skip("pg_sleep() is PostgreSQL's")

    async def go() -> float:
        start = time.perf_counter()
        await asyncio.gather(*(adb.aexecute("SELECT pg_sleep(0.2)") for _ in range(4)))
        return time.perf_counter() - start

    elapsed = arun(adb, go)
    assert elapsed < 0.6, f"4 x 0.2 s sleeps took {elapsed:.2f} s: the statements did not overlap"


def test_async_driver_is_derived_and_can_be_set(tmp_path: Path) -> None:
    from manouche.orm_lite._async import async_url

    assert async_url(sa.make_url("sqlite:///x.db")).drivername == "sqlite+aiosqlite"
    assert (
        async_url(sa.make_url("postgresql+psycopg://u@h/d")).drivername
        == "postgresql+psycopg_async"
    )
    assert async_url(sa.make_url("sqlite+aiosqlite:///x.db")).drivername == "sqlite+aiosqlite"
    db = models.Database(f"sqlite:///{tmp_path / 'a.db'}", default=False)
    db.set_async_url(f"sqlite+aiosqlite:///{tmp_path / 'a.db'}")
    assert db.async_engine.url.drivername == "sqlite+aiosqlite"
    asyncio.run(db.adispose())
    db.dispose()


def test_related_managers(adb: models.Database) -> None:
    W, L = Writer.objects.using(adb), Label.objects.using(adb)

    async def go() -> None:
        ann = await W.acreate(name="Ann")
        piece = await ann.pieces.acreate(title="by Ann")  # the foreign key is set
        assert piece.writer_id == ann.pk and piece._state.db is adb
        again, created = await ann.pieces.aget_or_create(title="by Ann")
        assert not created and again.pk == piece.pk
        red, blue, green = [await L.acreate(name=n) for n in ("red", "blue", "green")]
        await piece.labels.aadd(red, blue)
        assert sorted([x.name async for x in piece.labels.all()]) == ["blue", "red"]
        await piece.labels.aremove(red)
        await piece.labels.aset([green, blue])
        assert sorted([x.name async for x in piece.labels.all()]) == ["blue", "green"]
        assert [p.title async for p in green.pieces.all()] == ["by Ann"]
        await piece.labels.aclear()
        assert await piece.labels.acount() == 0
        made = await piece.labels.acreate(name="new")
        assert [x.name async for x in piece.labels.all()] == ["new"] and made._state.db is adb

    arun(adb, go)


# -- how reads reach the database ---------------------------------------------------------------


def test_query_watchers_see_every_async_read(adb: models.Database) -> None:
    """Compiled plans normally skip SQLAlchemy's execute; a watcher still sees each read."""
    W = Writer.objects.using(adb)

    async def go() -> list[str]:
        made = await W.acreate(name="seen", born=1900)
        await W.filter(born__gte=1800).alist()  # the plans are compiled, connections kept
        await W.aget(pk=made.pk)
        with models.count_queries(adb) as seen:
            assert [w.name for w in await W.filter(born__gte=1800).alist()] == ["seen"]
            assert (await W.aget(pk=made.pk)).name == "seen"
            assert await W.filter(born__gte=1800).acount() == 1
        # Without a watcher the fast path runs again and gives the same rows.
        assert (await W.aget(pk=made.pk)).born == 1900
        return seen.statements

    statements = arun(adb, go)
    assert len(statements) == 3
    assert all(s.lstrip().upper().startswith("SELECT") for s in statements)


def test_reads_see_committed_writes_and_the_blocks_own(adb: models.Database) -> None:
    """Shared read connections never hold an old snapshot; a block reads its own writes."""
    W = Writer.objects.using(adb)

    async def go() -> None:
        first = await W.acreate(name="one", born=1)
        assert (await W.aget(pk=first.pk)).born == 1
        with adb.atomic():  # a write by another connection (the sync API)
            Writer.objects.using(adb).filter(pk=first.pk).update(born=2)
        assert (await W.aget(pk=first.pk)).born == 2
        assert [w.born for w in await W.filter(name="one").alist()] == [2]
        async with adb.aatomic():
            await W.filter(pk=first.pk).aupdate(born=3)
            assert (await W.aget(pk=first.pk)).born == 3  # on the block's connection
            second = await W.acreate(name="two")
            assert [w.name for w in await W.filter(born__isnull=True).alist()] == ["two"]
        assert await W.filter(pk=second.pk).aexists()
        with pytest.raises(KeyError):
            async with adb.aatomic():
                await W.filter(pk=first.pk).aupdate(born=4)
                raise KeyError("undo")
        assert (await W.aget(pk=first.pk)).born == 3

    arun(adb, go)


def test_many_concurrent_reads_on_a_small_pool(adb: models.Database) -> None:
    """With one pooled connection and no overflow no read connection is kept: reads and
    writes take turns on the pool, none waits forever."""
    small = models.Database(str(adb.engine.url.render_as_string(False)), default=False)
    from manouche.orm_lite._async import async_url

    small.set_async_url(async_url(small.engine.url), pool_size=1, max_overflow=0)
    W = Writer.objects.using(small)

    async def go() -> list[str]:
        made = [await W.acreate(name=f"w{i}", born=i) for i in range(5)]

        async def one(i: int) -> str:
            if i % 7 == 0:
                async with small.aatomic():
                    await W.filter(pk=made[i % 5].pk).aupdate(born=100 + i)
            return (await W.aget(pk=made[i % 5].pk)).name  # type: ignore[no-any-return]

        names = await asyncio.wait_for(asyncio.gather(*(one(i) for i in range(40))), 30)
        await small.adispose()
        return names

    try:
        names = arun(adb, go)
    finally:
        small.dispose()
    assert names == [f"w{i % 5}" for i in range(40)]


def test_a_failing_read_is_a_database_error_and_the_next_read_works(
    adb: models.Database,
) -> None:
    W = Writer.objects.using(adb)

    async def go() -> None:
        made = await W.acreate(name="x", born=5)
        assert (await W.aget(pk=made.pk)).born == 5
        # A compiled plan whose table is gone: the driver's error as SQLAlchemy's.
        async with adb.async_engine.begin() as conn:
            await conn.exec_driver_sql("ALTER TABLE asyncapp_writer RENAME TO asyncapp_gone")
        try:
            with pytest.raises(sa.exc.DBAPIError, match="asyncapp_writer"):
                await W.aget(pk=made.pk)
            with pytest.raises(sa.exc.DBAPIError):
                await W.filter(born=5).alist()
        finally:
            async with adb.async_engine.begin() as conn:
                await conn.exec_driver_sql("ALTER TABLE asyncapp_gone RENAME TO asyncapp_writer")
        assert (await W.aget(pk=made.pk)).born == 5
        assert [w.name for w in await W.filter(born=5).alist()] == ["x"]

    arun(adb, go)

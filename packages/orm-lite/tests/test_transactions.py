"""Transactions under concurrency, sync and async, on SQLite (a file), PostgreSQL and MariaDB.

Read-modify-write in ``atomic()`` from 16 threads and in ``aatomic()`` from 200
tasks, written as a user would (``select_for_update()`` on the servers,
``transaction_mode="IMMEDIATE"`` on SQLite), ends with the exact count; every
statement of an ``aatomic()`` block, reads included, runs in its transaction;
nested blocks are savepoints and an outer rollback undoes them.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from manouche import orm_lite as models

pytest.importorskip("aiosqlite")
pytest.importorskip("greenlet")

md = sa.MetaData()
THREADS, PER_THREAD = 16, 25
TASKS = 200


class Tally(models.Model):
    name = models.CharField(max_length=20, unique=True)
    n = models.IntegerField(default=0)

    class Meta:
        app_label = "txnapp"
        metadata = md


class Mark(models.Model):
    tally = models.ForeignKey(Tally, on_delete=models.CASCADE, related_name="marks")
    note = models.CharField(max_length=20)

    class Meta:
        app_label = "txnapp"
        metadata = md


def open_database(url: str) -> models.Database:
    """A database as the README says to open one for concurrent writers."""
    if url.startswith("sqlite"):
        return models.Database(url, default=False, transaction_mode="IMMEDIATE", timeout=60)
    return models.Database(url, default=False)


@pytest.fixture(scope="module", params=["sqlite", "postgresql", "mariadb"])
def url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('txn') / 'txn.sqlite3'}"
    return str(request.getfixturevalue(f"{request.param}_url"))


@pytest.fixture
def tdb(url: str) -> Iterator[models.Database]:
    db = open_database(url)
    db.drop_all(md)
    db.create_all(md)
    yield db
    db.close()
    db.drop_all(md)
    db.dispose()


def lock(qs: Any) -> Any:
    """``select_for_update()``, as a user writes it on every backend (SQLite ignores it)."""
    return qs.select_for_update()


def stored(db: models.Database, name: str) -> int:
    """The value as a fresh connection reads it (nothing of orm-lite's state involved)."""
    with db.engine.connect() as conn:
        value = conn.execute(sa.select(Tally.__table__.c.n).where(Tally.__table__.c.name == name))
        return int(value.scalar_one())


def test_read_modify_write_in_atomic_from_16_threads(tdb: models.Database) -> None:
    tally = Tally.objects.using(tdb).create(name="sync")
    errors: list[BaseException] = []
    barrier = threading.Barrier(THREADS)

    def work() -> None:
        try:
            barrier.wait()
            for _ in range(PER_THREAD):
                with tdb.atomic():
                    row = lock(Tally.objects.using(tdb)).get(pk=tally.pk)
                    row.n += 1
                    row.save(update_fields=["n"])
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[:3]
    assert stored(tdb, "sync") == THREADS * PER_THREAD
    # The threads are finished (their Thread objects still referenced): no connection
    # of theirs is still out of the pool.
    assert tdb.engine.pool.checkedout() <= 1  # (this thread's own, if any)


def test_read_modify_write_in_aatomic_from_200_tasks(tdb: models.Database) -> None:
    tally = Tally.objects.using(tdb).create(name="async")

    async def one() -> None:
        async with tdb.aatomic():
            row = await lock(Tally.objects.using(tdb)).aget(pk=tally.pk)
            row.n += 1
            await row.asave(update_fields=["n"])

    async def main() -> list[Any]:
        try:
            return await asyncio.gather(*(one() for _ in range(TASKS)), return_exceptions=True)
        finally:
            await tdb.adispose()

    results = asyncio.run(main())
    failed = [r for r in results if isinstance(r, BaseException)]
    assert not failed, failed[:3]
    assert stored(tdb, "async") == TASKS


def test_sqlite_without_immediate_never_loses_an_acknowledged_update(tmp_path: Any) -> None:
    """Deferred transactions (the default) may fail under concurrent read-modify-write
    ("database is locked"), but every block that committed is counted."""
    db = models.Database(f"sqlite:///{tmp_path / 'deferred.sqlite3'}", default=False)
    db.create_all(md)
    tally = Tally.objects.using(db).create(name="deferred")

    async def one() -> bool:
        try:
            async with db.aatomic():
                row = await Tally.objects.using(db).aget(pk=tally.pk)
                row.n += 1
                await row.asave(update_fields=["n"])
        except sa.exc.OperationalError as exc:
            assert "locked" in str(exc)
            return False
        return True

    async def main() -> list[bool]:
        try:
            return await asyncio.gather(*(one() for _ in range(TASKS)))
        finally:
            await db.adispose()

    committed = asyncio.run(main())
    assert stored(db, "deferred") == sum(committed)
    db.dispose()


def test_reads_in_aatomic_run_in_its_transaction(tdb: models.Database) -> None:
    tally = Tally.objects.using(tdb).create(name="reads", n=1)

    async def main() -> None:
        try:
            async with tdb.aatomic():
                await Tally.objects.using(tdb).filter(pk=tally.pk).aupdate(n=2)
                await Mark.objects.using(tdb).acreate(tally=tally, note="unseen")
                # Every read API sees what the block wrote and has not committed.
                qs = Tally.objects.using(tdb)
                assert (await qs.aget(pk=tally.pk)).n == 2
                assert (await qs.filter(n=2).afirst()).pk == tally.pk
                assert [t.n async for t in qs.filter(name="reads")] == [2]
                assert await Mark.objects.using(tdb).filter(tally=tally).acount() == 1
                assert await Mark.objects.using(tdb).filter(note="unseen").aexists()
                assert [m.note async for m in Mark.objects.using(tdb).aiterator()] == ["unseen"]
                agg = await qs.filter(pk=tally.pk).aaggregate(total=models.Sum("n"))
                assert agg == {"total": 2}
                # ... which no other connection sees yet.
                assert stored(tdb, "reads") == 1
                with models.count_queries(tdb):  # the watched path, too
                    assert (await qs.aget(pk=tally.pk)).n == 2
                raise LookupError("roll back")
        except LookupError:
            pass
        finally:
            await tdb.adispose()

    asyncio.run(main())
    assert stored(tdb, "reads") == 1
    assert Mark.objects.using(tdb).count() == 0


def test_nested_aatomic_blocks_are_savepoints(tdb: models.Database) -> None:
    async def main() -> None:
        try:
            # The outer block rolls back: what the nested blocks wrote goes too, also
            # when the nested block is the first statement of the transaction.
            with pytest.raises(LookupError):
                async with tdb.aatomic():
                    async with tdb.aatomic():
                        await Tally.objects.using(tdb).acreate(name="inner-first")
                    async with tdb.aatomic():
                        async with tdb.aatomic():
                            await Tally.objects.using(tdb).acreate(name="deeper")
                    raise LookupError
            # A nested block rolls back alone; the outer one commits the rest.
            async with tdb.aatomic():
                await Tally.objects.using(tdb).acreate(name="outer")
                with pytest.raises(ValueError):
                    async with tdb.aatomic():
                        await Tally.objects.using(tdb).acreate(name="undone")
                        raise ValueError
                assert await Tally.objects.using(tdb).filter(name="undone").acount() == 0
                await Tally.objects.using(tdb).acreate(name="after")
        finally:
            await tdb.adispose()

    asyncio.run(main())
    names = sorted(Tally.objects.using(tdb).values_list("name", flat=True))
    assert names == ["after", "outer"]


def test_nested_atomic_blocks_are_savepoints(tdb: models.Database) -> None:
    with pytest.raises(LookupError), tdb.atomic():
        with tdb.atomic():
            Tally.objects.using(tdb).create(name="inner-first")
        with tdb.atomic(), tdb.atomic():
            Tally.objects.using(tdb).create(name="deeper")
        raise LookupError
    with tdb.atomic():
        Tally.objects.using(tdb).create(name="outer")
        with pytest.raises(ValueError), tdb.atomic():
            Tally.objects.using(tdb).create(name="undone")
            raise ValueError
        assert not Tally.objects.using(tdb).filter(name="undone").exists()
        Tally.objects.using(tdb).create(name="after")
    names = sorted(Tally.objects.using(tdb).values_list("name", flat=True))
    assert names == ["after", "outer"]

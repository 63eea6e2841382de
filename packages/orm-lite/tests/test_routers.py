"""Routers (replica reads, primary writes, per-model databases) and query observability."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from manouche import orm_lite as models
from manouche.orm_lite._observability import (
    NPlusOneError,
    NPlusOneWarning,
    count_queries,
    detect_n_plus_one,
    log_queries,
    watch,
)
from manouche.orm_lite._routers import ReplicaRouter, routers

md = sa.MetaData()


class Shelf(models.Model):
    name = models.CharField(max_length=30)

    class Meta:
        app_label = "routed"
        metadata = md


class Volume(models.Model):
    title = models.CharField(max_length=30)
    shelf = models.ForeignKey(Shelf, on_delete=models.CASCADE, related_name="volumes")

    class Meta:
        app_label = "routed"
        metadata = md


def _db(path: Path, name: str) -> models.Database:
    db = models.Database(f"sqlite:///{path / name}", default=False)
    db.create_all(md)
    return db


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[tuple[models.Database, models.Database]]:
    primary, replica = _db(tmp_path, "primary.db"), _db(tmp_path, "replica.db")
    router = ReplicaRouter(primary, [replica], models=[Shelf, "routed.volume"])
    routers.register(router)
    try:
        yield primary, replica
    finally:
        routers.unregister(router)
        primary.dispose()
        replica.dispose()


def _names(db: models.Database) -> list[str]:
    return [r[0] for r in db.execute("SELECT name FROM routed_shelf ORDER BY name")]


def test_reads_go_to_the_replica_and_writes_to_the_primary(pair: Any) -> None:
    primary, replica = pair
    Shelf.objects.create(name="written")  # no using(): the router's write database
    assert _names(primary) == ["written"] and _names(replica) == []
    replica.execute("INSERT INTO routed_shelf (id, name) VALUES (100, 'replicated')")
    assert [s.name for s in Shelf.objects.all()] == ["replicated"]  # read from the replica
    assert Shelf.objects.count() == 1 and Shelf.objects.filter(name="written").exists() is False
    assert [s.name for s in Shelf.objects.using(primary)] == ["written"]  # using() overrides
    # An instance read from the replica is saved to the primary.
    shelf = Shelf.objects.get(name="replicated")
    shelf.name = "edited"
    shelf.save()
    assert _names(primary) == ["edited", "written"] and _names(replica) == ["replicated"]
    # Updates go to the primary too.
    assert Shelf.objects.filter(name="edited").update(name="again") == 1
    assert _names(primary) == ["again", "written"] and _names(replica) == ["replicated"]


def test_a_transaction_reads_its_own_writes(pair: Any) -> None:
    primary, replica = pair
    with primary.atomic():
        Shelf.objects.create(name="inside")
        assert [s.name for s in Shelf.objects.all()] == ["inside"]  # the primary, in the block
    assert Shelf.objects.count() == 0  # the replica again (nothing replicated in this test)


def test_async_reads_follow_the_router(pair: Any) -> None:
    primary, replica = pair
    replica.execute("INSERT INTO routed_shelf (name) VALUES ('r')")

    async def go() -> None:
        try:
            made = await Shelf.objects.acreate(name="p")
            assert made._state.db is primary
            assert [s.name async for s in Shelf.objects.all()] == ["r"]
            async with primary.aatomic():
                assert [s.name async for s in Shelf.objects.order_by("name")] == ["p"]
        finally:
            await primary.adispose()
            await replica.adispose()

    asyncio.run(go())
    assert _names(primary) == ["p"]


def test_relations_across_databases_are_refused(tmp_path: Path) -> None:
    one, two = _db(tmp_path, "one.db"), _db(tmp_path, "two.db")

    class PerModel:
        def db_for_read(self, model: Any, **hints: Any) -> models.Database:
            return one if model is Shelf else two

        db_for_write = db_for_read

    router = PerModel()
    routers.register(router)
    try:
        shelf = Shelf.objects.create(name="s")
        assert _names(one) == ["s"]
        with pytest.raises(ValueError, match="the current database router prevents this relation"):
            Volume(title="v", shelf=shelf)
        local = Shelf.objects.using(two).create(name="t")
        vol = Volume.objects.create(title="v", shelf=local)
        assert vol.shelf_id == local.pk
        assert two.execute("SELECT title FROM routed_volume")[0][0] == "v"
    finally:
        routers.unregister(router)
        one.dispose()
        two.dispose()


def test_router_registry_errors() -> None:
    with pytest.raises(TypeError, match="is not a router"):
        routers.register(object())
    with pytest.raises(LookupError, match="is not registered"):
        routers.unregister(object())
    with pytest.raises(ValueError, match="at least one replica"):
        ReplicaRouter(models.Database("sqlite://", default=False), [])


# -- observability ---------------------------------------------------------------------------


@pytest.fixture
def filled(tmp_path: Path) -> Iterator[models.Database]:
    db = _db(tmp_path, "obs.db")
    for i in range(6):
        shelf = Shelf.objects.using(db).create(name=f"s{i}")
        Volume.objects.using(db).create(title=f"v{i}", shelf=shelf)
    yield db
    db.dispose()


def test_count_queries_sees_every_statement(filled: models.Database) -> None:
    db = filled
    with count_queries(db) as q:
        list(Volume.objects.using(db).select_related("shelf"))
        Shelf.objects.using(db).filter(name="s1").update(name="x")
    assert q.count == 2
    assert q.statements[0].startswith("SELECT") and q.statements[1].startswith("UPDATE")
    assert all(e.duration >= 0 for e in q.events)
    with count_queries(db) as q:
        pass
    assert q.count == 0


def test_count_queries_sees_async_statements(filled: models.Database) -> None:
    db = filled

    async def go() -> int:
        try:
            with count_queries(db) as q:
                await Shelf.objects.using(db).acount()
                await Shelf.objects.using(db).aget(name="s2")
            return q.count
        finally:
            await db.adispose()

    assert asyncio.run(go()) == 2


def test_n_plus_one_is_detected_and_named(filled: models.Database) -> None:
    db = filled
    with pytest.raises(NPlusOneError) as info:
        with detect_n_plus_one(db):
            for vol in Volume.objects.using(db):
                assert vol.shelf.name  # one SELECT per volume
    message = str(info.value)
    assert "6 x SELECT" in message and "routed_shelf" in message
    assert "test_routers.py" in message  # the line that issued them
    with detect_n_plus_one(db) as seen:  # the fix: one query with a join
        for vol in Volume.objects.using(db).select_related("shelf"):
            assert vol.shelf.name
    assert seen.count == 1
    with detect_n_plus_one(db):  # prefetch_related: two queries
        for shelf in Shelf.objects.using(db).prefetch_related("volumes"):
            assert len(shelf.volumes.all()) == 1
    with pytest.warns(NPlusOneWarning):
        with detect_n_plus_one(db, warn=True):
            for vol in Volume.objects.using(db):
                assert vol.shelf.name


def test_log_queries_and_watch(filled: models.Database, caplog: pytest.LogCaptureFixture) -> None:
    db = filled
    handle = log_queries(db)
    try:
        with caplog.at_level(logging.DEBUG, logger="manouche.orm_lite.sql"):
            Shelf.objects.using(db).filter(name="s3").count()
    finally:
        handle.remove()
    assert any(
        "SELECT count(*)" in r.getMessage() and " ms)" in r.getMessage() for r in caplog.records
    )
    seen: list[str] = []
    w = watch(db, lambda e: seen.append(e.sql))
    Shelf.objects.using(db).count()
    w.remove()
    Shelf.objects.using(db).count()
    assert len(seen) == 1


def test_counting_the_primary_sees_the_reads_routed_to_its_replica(pair: Any) -> None:
    primary, replica = pair
    for db in (primary, replica):
        db.execute("INSERT INTO routed_shelf (id, name) VALUES (1, 'a'), (2, 'b'), (3, 'c')")
        db.execute(
            "INSERT INTO routed_volume (id, title, shelf_id) VALUES (1, 'x', 1), (2, 'y', 2),"
            " (3, 'z', 3)"
        )
    with count_queries(primary) as seen:
        list(Shelf.objects.all())  # read on the replica
    assert seen.count == 1
    with count_queries(primary, routed=False) as only_primary:
        list(Shelf.objects.all())
    assert only_primary.count == 0
    # The loop's per-row SELECTs run on the replica: still an N+1 for the primary's watcher.
    with pytest.raises(NPlusOneError, match="3 x SELECT"):
        with detect_n_plus_one(primary):
            for volume in Volume.objects.order_by("id"):
                volume.shelf.name  # noqa: B018 - the lazy load is the point
    with detect_n_plus_one(primary, routed=False):
        for volume in Volume.objects.order_by("id"):
            volume.shelf.name  # noqa: B018
    # A database no router knows is watched alone.
    lone = models.Database("sqlite://", default=False)
    try:
        with count_queries(lone) as nothing:
            list(Shelf.objects.all())
        assert nothing.count == 0
    finally:
        lone.dispose()

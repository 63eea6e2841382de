"""Async ORM workloads: orm-lite's async API against Django's async ORM, SQLAlchemy's
``AsyncSession`` and raw aiosqlite, with orm-lite's sync API for scale.

One SQLite file (1,000 authors, 20,000 books, made by Django as in ``bench/orm.py``)
is read by every contender; the async ones run in one event loop that lives for
the whole workload, so connection pools stay warm. Contenders:

- Manouche orm-lite async (``await qs.aget()``, ``async for``) on aiosqlite;
- Django's async ORM (the same model code; Django runs the query in a thread);
- SQLAlchemy ``AsyncSession`` (a new session per call, no identity-map hits);
- raw aiosqlite tuples: the async floor (no objects, no SQL building);
- Manouche orm-lite sync: what the async API costs over the sync one.

Workloads:

1. load all 20,000 books as instances;
2. 200 filtered and ordered queries across a foreign key;
3. 2,000 gets by primary key, one after the other;
4. 2,000 gets by primary key, 20 at a time (``asyncio.gather``).
"""

from __future__ import annotations

import asyncio
import sqlite3
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench._runner import Workload
from bench.orm import _check, _define, _django_library, _sqlalchemy_models

AUTHORS = 1_000
BOOKS = 20_000
GETS = 2_000
QUERIES = 200
CONCURRENCY = 20
APP = "benchasync"
ALIAS = "benchasync"

_tmp = Path(tempfile.mkdtemp(prefix="bench-orm-async-"))
DB_FILE = _tmp / "orm_async.sqlite3"


def _django() -> tuple[Any, Any]:
    author, book, _ = _django_library(APP, ALIAS, DB_FILE, __name__, seed=11)
    return author, book


def _sqlalchemy() -> tuple[Any, Any, Any, Any]:
    from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

    author, book, _ = _sqlalchemy_models(APP)
    engine = create_async_engine(f"sqlite+aiosqlite:///{DB_FILE}")
    return author, book, async_sessionmaker(engine, expire_on_commit=False), engine


class _Loop:
    """One event loop for a workload's async contenders: ``loop.sync(coro_fn)`` is the callable."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()

    def sync(self, fn: Callable[[], Awaitable[Any]]) -> Callable[[], Any]:
        return lambda: self.loop.run_until_complete(fn())


def workloads() -> list[Workload]:
    import aiosqlite

    from manouche import orm_lite

    loop = _Loop()
    d_author, d_book = _django()
    db = orm_lite.Database(f"sqlite:///{DB_FILE}", default=False)
    o_author, o_book, _ = _define(orm_lite, APP)
    s_author, s_book, session, s_engine = _sqlalchemy()
    raw = sqlite3.connect(DB_FILE)
    araw = loop.loop.run_until_complete(aiosqlite.connect(DB_FILE))
    o_books = o_book.objects.using(db)
    d_books = d_book.objects.using(ALIAS)
    cols = "id, title, author_id, pages, price, published, in_print"

    # 1. load every book as an instance
    async def o_load() -> list[Any]:
        return [b async for b in o_books.all()]

    async def d_load() -> list[Any]:
        return [b async for b in d_books.all()]

    async def s_load() -> list[Any]:
        async with session() as s:
            return list((await s.scalars(sa.select(s_book))).all())

    async def raw_load() -> list[Any]:
        async with araw.execute(f"SELECT {cols} FROM {APP}_book") as cur:
            return list(await cur.fetchall())

    is_all = lambda rows: len(rows) == BOOKS  # noqa: E731
    load = Workload(
        name=f"async: load all {BOOKS:,} books as instances (rows/s)",
        ops=BOOKS,
        contenders={
            "Manouche orm-lite async": _check("orm-lite", loop.sync(o_load), is_all),
            "Django async ORM": _check("Django", loop.sync(d_load), is_all),
            "SQLAlchemy AsyncSession": _check("SQLAlchemy", loop.sync(s_load), is_all),
            "raw aiosqlite tuples": _check("aiosqlite", loop.sync(raw_load), is_all),
            "Manouche orm-lite sync": _check("orm-lite sync", lambda: list(o_books.all()), is_all),
        },
        goals={"Django async ORM": 2.5},
    )

    # 2. 200 filtered, ordered queries across the foreign key
    ages = [20 + i % 60 for i in range(QUERIES)]

    async def o_filtered() -> int:
        n = 0
        for age in ages:
            qs = o_books.filter(author__age=age, pages__gt=600).order_by("-pages", "id")[:20]
            n += len([b async for b in qs])
        return n

    async def d_filtered() -> int:
        n = 0
        for age in ages:
            qs = d_books.filter(author__age=age, pages__gt=600).order_by("-pages", "id")[:20]
            n += len([b async for b in qs])
        return n

    async def s_filtered() -> int:
        n = 0
        async with session() as s:
            for age in ages:
                stmt = (
                    sa.select(s_book)
                    .join(s_book.author)
                    .where(s_author.age == age, s_book.pages > 600)
                    .order_by(s_book.pages.desc(), s_book.id)
                    .limit(20)
                )
                n += len((await s.scalars(stmt)).all())
        return n

    sql = (
        f"SELECT b.id, b.title, b.author_id, b.pages, b.price, b.published, b.in_print "
        f"FROM {APP}_book b JOIN {APP}_author a ON a.id = b.author_id "
        "WHERE a.age = ? AND b.pages > ? ORDER BY b.pages DESC, b.id LIMIT 20"
    )

    async def raw_filtered() -> int:
        n = 0
        for age in ages:
            async with araw.execute(sql, (age, 600)) as cur:
                n += len(await cur.fetchall())
        return n

    expected = sum(len(raw.execute(sql, (age, 600)).fetchall()) for age in ages)
    same_count = lambda n: n == expected  # noqa: E731

    def o_sync_filtered() -> int:
        return sum(
            len(list(o_books.filter(author__age=a, pages__gt=600).order_by("-pages", "id")[:20]))
            for a in ages
        )

    filtered = Workload(
        name=f"async: {QUERIES} filtered and ordered queries across a FK (queries/s)",
        ops=QUERIES,
        contenders={
            "Manouche orm-lite async": _check("orm-lite", loop.sync(o_filtered), same_count),
            "Django async ORM": _check("Django", loop.sync(d_filtered), same_count),
            "SQLAlchemy AsyncSession": _check("SQLAlchemy", loop.sync(s_filtered), same_count),
            "raw aiosqlite tuples": _check("aiosqlite", loop.sync(raw_filtered), same_count),
            "Manouche orm-lite sync": _check("orm-lite sync", o_sync_filtered, same_count),
        },
        goals={"Django async ORM": 2.5},
    )

    # 3./4. gets by primary key, in sequence and CONCURRENCY at a time
    keys = [1 + (i * 7919) % BOOKS for i in range(GETS)]
    get_sql = f"SELECT {cols} FROM {APP}_book WHERE id = ?"
    total_pages = sum(raw.execute(get_sql, (k,)).fetchone()[3] for k in keys)
    same_total = lambda n: n == total_pages  # noqa: E731

    async def o_gets() -> int:
        return sum([(await o_books.aget(pk=k)).pages for k in keys])

    async def d_gets() -> int:
        return sum([(await d_books.aget(pk=k)).pages for k in keys])

    async def s_gets() -> int:
        total = 0
        async with session() as s:
            for k in keys:
                total += (await s.get(s_book, k)).pages
                s.expunge_all()
        return total

    async def raw_gets() -> int:
        total = 0
        for k in keys:
            async with araw.execute(get_sql, (k,)) as cur:
                total += (await cur.fetchone())[3]
        return total

    def o_sync_gets() -> int:
        get = o_books.get
        return sum(get(pk=k).pages for k in keys)

    gets = Workload(
        name=f"async: {GETS:,} gets by primary key, one after the other (gets/s)",
        ops=GETS,
        contenders={
            "Manouche orm-lite async": _check("orm-lite", loop.sync(o_gets), same_total),
            "Django async ORM": _check("Django", loop.sync(d_gets), same_total),
            "SQLAlchemy AsyncSession": _check("SQLAlchemy", loop.sync(s_gets), same_total),
            "raw aiosqlite tuples": _check("aiosqlite", loop.sync(raw_gets), same_total),
            "Manouche orm-lite sync": _check("orm-lite sync", o_sync_gets, same_total),
        },
        goals={"Django async ORM": 2.5},
    )

    chunks = [keys[i : i + CONCURRENCY] for i in range(0, GETS, CONCURRENCY)]

    async def o_gather() -> int:
        total = 0
        for chunk in chunks:
            got = await asyncio.gather(*(o_books.aget(pk=k) for k in chunk))
            total += sum(b.pages for b in got)
        return total

    async def d_gather() -> int:
        total = 0
        for chunk in chunks:
            got = await asyncio.gather(*(d_books.aget(pk=k) for k in chunk))
            total += sum(b.pages for b in got)
        return total

    async def s_one(k: int) -> int:
        async with session() as s:
            return int((await s.get(s_book, k)).pages)

    async def s_gather() -> int:
        total = 0
        for chunk in chunks:
            total += sum(await asyncio.gather(*(s_one(k) for k in chunk)))
        return total

    gather = Workload(
        name=f"async: {GETS:,} gets by primary key, {CONCURRENCY} at a time (gets/s)",
        ops=GETS,
        contenders={
            "Manouche orm-lite async": _check("orm-lite", loop.sync(o_gather), same_total),
            "Django async ORM": _check("Django", loop.sync(d_gather), same_total),
            "SQLAlchemy AsyncSession": _check("SQLAlchemy", loop.sync(s_gather), same_total),
        },
        goals={"Django async ORM": 2.5},
    )

    def teardown() -> None:
        async def close() -> None:
            await araw.close()
            await db.adispose()
            await s_engine.dispose()

        loop.loop.run_until_complete(close())
        loop.loop.close()
        raw.close()
        db.dispose()

    gather.teardown = teardown
    return [load, filtered, gets, gather]

"""The Django parity chains again, evaluated through the async API.

Every chain of the parity suite that ends in a QuerySet is evaluated with
``async for`` on aiosqlite, over the SQLite file Django created; the rows must
be Django's, as they are for the sync API.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest

from manouche import orm_lite
from tests.test_parity import CASES, normalize

pytest.importorskip("aiosqlite")


@pytest.fixture(scope="module")
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


@pytest.fixture(scope="module")
def adb(sides: Any, loop: asyncio.AbstractEventLoop) -> Iterator[Any]:
    db = sides[2]
    yield db
    loop.run_until_complete(db.adispose())


def _is_queryset(value: Any) -> bool:
    return isinstance(value, orm_lite.QuerySet)


@pytest.mark.parametrize("name", list(CASES))
def test_async_parity(sides: Any, adb: Any, loop: asyncio.AbstractEventLoop, name: str) -> None:
    dj, ol, _ = sides
    fn, extra = CASES[name]
    previous = orm_lite._database._default
    adb.make_default()
    try:
        try:
            result = fn(ol)
        except Exception:  # noqa: BLE001 - chains that fail before any query are the sync suite's
            pytest.skip("the chain fails before it reaches the database")
        if not _is_queryset(result):
            pytest.skip("the chain is evaluated by the sync API (get, count, aggregate...)")

        async def fetch() -> list[Any]:
            return [row async for row in result]

        rows = loop.run_until_complete(fetch())
        got = normalize(result, extra)  # reads the cache that async for filled
    finally:
        orm_lite._database._default = previous
    assert result._result_cache is not None and len(rows) == len(result._result_cache)
    try:
        expected = normalize(fn(dj), extra)
    except Exception as exc:  # noqa: BLE001
        expected = ("error", type(exc).__name__)
    assert got == expected

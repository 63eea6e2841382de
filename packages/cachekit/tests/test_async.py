"""The async variants (Django's ``aget``, ``aset``...) give the sync methods' results."""

from __future__ import annotations

import asyncio

import pytest

from manouche.cachekit import Cache


def test_async_api(cache: Cache) -> None:
    async def scenario() -> None:
        await cache.aset("k", 1)
        assert await cache.aget("k") == 1
        assert await cache.aget("missing", "d") == "d"
        assert await cache.aadd("k", 2) is False
        assert await cache.aadd("new", None) is True
        assert await cache.ahas_key("new") is True
        assert await cache.aincr("k", 4) == 5
        assert await cache.adecr("k") == 4
        assert await cache.atouch("k", 60) is True
        assert await cache.aset_many({"a": 1, "b": 2}) == []
        assert await cache.aget_many(["a", "b", "c"]) == {"a": 1, "b": 2}
        await cache.adelete_many(["a"])
        assert await cache.adelete("b") is True
        assert await cache.aget_or_set("g", lambda: "made") == "made"
        assert await cache.aincr_version("g") == 2
        assert await cache.adecr_version("g", version=2) == 1
        assert await cache.aget("g") == "made"
        with pytest.raises(ValueError, match="not found"):
            await cache.aincr("nothing")
        results = await asyncio.gather(*(cache.aincr("k") for _ in range(20)))
        assert sorted(results) == list(range(5, 25))
        await cache.aclose()

    asyncio.run(scenario())

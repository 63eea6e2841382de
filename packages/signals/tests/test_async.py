"""Async receivers, send from sync code and asend from async code (Django 5+)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

import pytest
from conftest import names


async def slow(sender: Any, **kwargs: Any) -> str:
    await asyncio.sleep(0.02)
    return "slow"


async def fast(sender: Any, **kwargs: Any) -> str:
    return "fast"


def sync(sender: Any, **kwargs: Any) -> str:
    return "sync"


def test_send_runs_async_receivers_after_sync_ones(make_signal: Callable[[], Any]) -> None:
    sig = make_signal()
    sig.connect(slow)
    sig.connect(sync)
    sig.connect(fast)
    assert names(sig.send(None)) == [("sync", "sync"), ("slow", "slow"), ("fast", "fast")]


def test_async_receivers_run_concurrently(make_signal: Callable[[], Any]) -> None:
    sig = make_signal()
    started: list[str] = []

    async def first(sender: Any, **kwargs: Any) -> str:
        started.append("first")
        await asyncio.sleep(0.01)
        # the second receiver has started while this one waited
        return ",".join(started)

    async def second(sender: Any, **kwargs: Any) -> str:
        started.append("second")
        return "second"

    sig.connect(first)
    sig.connect(second)
    assert names(sig.send(None)) == [("first", "first,second"), ("second", "second")]


def test_asend(make_signal: Callable[[], Any]) -> None:
    sig = make_signal()
    main = threading.get_ident()
    threads: list[int] = []

    def sync_in_thread(sender: Any, **kwargs: Any) -> str:
        threads.append(threading.get_ident())
        return f"sync:{kwargs['value']}"

    sig.connect(fast)
    sig.connect(sync_in_thread)
    sig.connect(slow)
    responses = asyncio.run(sig.asend(None, value=3))
    assert names(responses) == [("sync_in_thread", "sync:3"), ("fast", "fast"), ("slow", "slow")]
    assert threads and threads[0] != main  # sync receivers do not block the loop


def test_asend_without_receivers(make_signal: Callable[[], Any]) -> None:
    sig = make_signal()
    assert asyncio.run(sig.asend(None)) == []
    assert asyncio.run(sig.asend_robust(None)) == []


def test_asend_robust(make_signal: Callable[[], Any], caplog: pytest.LogCaptureFixture) -> None:
    sig = make_signal()

    async def aboom(sender: Any, **kwargs: Any) -> None:
        raise ValueError("async failed")

    def boom(sender: Any, **kwargs: Any) -> None:
        raise KeyError("sync failed")

    sig.connect(aboom)
    sig.connect(boom)
    sig.connect(fast)
    responses = asyncio.run(sig.asend_robust(None))
    assert [n for n, _ in names(responses)] == ["boom", "aboom", "fast"]
    assert isinstance(responses[0][1], KeyError)
    assert isinstance(responses[1][1], ValueError)
    assert responses[2][1] == "fast"
    assert len(caplog.records) == 2


def test_send_robust_with_async_receivers(make_signal: Callable[[], Any]) -> None:
    sig = make_signal()

    async def aboom(sender: Any, **kwargs: Any) -> None:
        raise ValueError("async failed")

    sig.connect(aboom)
    sig.connect(sync)
    responses = sig.send_robust(None)
    assert [n for n, _ in names(responses)] == ["sync", "aboom"]
    assert isinstance(responses[1][1], ValueError)


def test_asend_propagates(make_signal: Callable[[], Any]) -> None:
    sig = make_signal()

    async def aboom(sender: Any, **kwargs: Any) -> None:
        raise ValueError("async failed")

    sig.connect(aboom)
    with pytest.raises(ValueError, match="async failed"):
        asyncio.run(sig.asend(None))


def test_send_with_async_receivers_inside_a_loop_says_use_asend() -> None:
    from manouche.signals import Signal

    sig = Signal("s")
    sig.connect(fast)

    async def main() -> None:
        sig.send(None)

    with pytest.raises(RuntimeError, match="asend"):
        asyncio.run(main())


def test_async_callable_object() -> None:
    from manouche.signals import Signal

    class Handler:
        async def __call__(self, sender: Any, **kwargs: Any) -> str:
            return "object"

    sig = Signal("s")
    handler = Handler()
    sig.connect(handler)
    assert sig.send(None) == [(handler, "object")]


def test_asend_sender_by_keyword_and_twice() -> None:
    from manouche.signals import Signal

    sig = Signal("s")
    sig.connect(fast)
    assert asyncio.run(sig.asend(sender="S")) == [(fast, "fast")]
    assert asyncio.run(sig.asend_robust(sender="S")) == [(fast, "fast")]
    with pytest.raises(TypeError, match="multiple values"):
        asyncio.run(sig.asend("S", sender="T"))
    with pytest.raises(TypeError, match="multiple values"):
        sig.send_robust("S", sender="T")

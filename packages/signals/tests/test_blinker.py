"""blinker's own API on our signals: receivers written for blinker keep working."""

from __future__ import annotations

import gc
from typing import Any

import blinker
import pytest

from manouche.signals import Signal, post_save, receiver


class Sender:
    pass


def test_is_a_named_blinker_signal() -> None:
    assert isinstance(post_save, blinker.NamedSignal)
    assert post_save.name == "post_save"


def test_blinker_style_receivers_are_called_positionally() -> None:
    sig = Signal("s")
    got: list[Any] = []

    def only_sender(sender: Any) -> str:  # blinker allows receivers without **kwargs
        got.append(sender)
        return "only"

    def flask_style(app: Any, **extra: Any) -> Any:
        return (app, sorted(extra))

    sig.connect(only_sender, sender=blinker.ANY)
    sig.connect(flask_style)
    assert sig.send(Sender) == [(only_sender, "only"), (flask_style, (Sender, ["signal"]))]
    assert got == [Sender]


def test_blinker_connect_with_sender_and_connect_via() -> None:
    sig = Signal("s")
    sender = Sender()

    def for_sender(sender: Any, **kw: Any) -> str:
        return "for sender"

    sig.connect(for_sender, sender=sender)

    @sig.connect_via(Sender)
    def via(sender: Any, **kw: Any) -> str:
        return "via"

    assert sig.send(sender) == [(for_sender, "for sender")]
    assert sig.send(Sender) == [(via, "via")]
    assert sig.has_receivers_for(sender) and not sig.has_receivers_for(blinker.ANY)
    assert list(sig.receivers_for(Sender)) == [via]


def test_connected_to_and_muted() -> None:
    sig = Signal("s")

    def temporary(sender: Any, **kw: Any) -> int:
        return 1

    with sig.connected_to(temporary, sender=Sender):
        assert sig.send(Sender) == [(temporary, 1)]
        with sig.muted():
            assert sig.send(Sender) == []
            assert sig.send_robust(Sender) == []
    assert sig.send(Sender) == []
    assert not sig.receivers


def test_blinker_disconnect_any_removes_every_connection() -> None:
    sig = Signal("s")

    def fn(sender: Any, **kw: Any) -> None: ...

    sig.connect(fn)
    sig.connect(fn, sender=Sender)
    assert sig.disconnect(fn, sender=blinker.ANY) is True
    assert sig.send(Sender) == []
    assert not sig.receivers


def test_receiver_connected_meta_signal() -> None:
    sig = Signal("s")
    seen: list[Any] = []

    def on_connect(signal: Any, receiver: Any, sender: Any, weak: bool) -> None:
        seen.append((receiver, sender, weak))

    def fn(sender: Any, **kw: Any) -> None: ...

    sig.receiver_connected.connect(on_connect)
    sig.connect(fn, sender=Sender, weak=False)
    sig.connect(fn)
    assert seen == [(fn, Sender, False), (fn, blinker.ANY, True)]


def test_blinker_send_async_in_connection_order() -> None:
    import asyncio

    sig = Signal("s")

    async def first(sender: Any, **kw: Any) -> int:
        return 1

    async def second(sender: Any, **kw: Any) -> int:
        return kw["value"]

    def sync(sender: Any, **kw: Any) -> int:
        return 3

    sig.connect(first)
    sig.connect(second)
    assert asyncio.run(sig.send_async(None, value=2)) == [(first, 1), (second, 2)]
    sig.connect(sync)
    with pytest.raises(RuntimeError, match="non-coroutine"):
        asyncio.run(sig.send_async(None, value=2))

    def wrap(fn: Any) -> Any:
        async def inner(*args: Any, **kwargs: Any) -> Any:
            return fn(*args, **kwargs)

        return inner

    result = asyncio.run(sig.send_async(None, _sync_wrapper=wrap, value=2))
    assert [v for _, v in result] == [1, 2, 3]


def test_blinker_async_wrapper_on_send() -> None:
    import asyncio

    sig = Signal("s")

    async def coro(sender: Any, **kw: Any) -> str:
        return "async"

    def sync(sender: Any, **kw: Any) -> str:
        return "sync"

    sig.connect(coro)
    sig.connect(sync)

    def wrapper(fn: Any) -> Any:
        return lambda *args, **kwargs: asyncio.run(fn(*args, **kwargs))

    # With blinker's wrapper, async receivers run in place, in order.
    assert sig.send(None, _async_wrapper=wrapper) == [(coro, "async"), (sync, "sync")]


def test_blinker_clear_state() -> None:
    sig = Signal("s")

    def fn(sender: Any, **kw: Any) -> None: ...

    sig.connect(fn)
    sig._clear_state()
    assert sig.send(None) == [] and not sig.receivers


def test_receiver_decorator_on_a_plain_blinker_signal() -> None:
    plain = blinker.Signal()

    @receiver(plain, sender=Sender, weak=False)
    def fn(sender: Any, **kw: Any) -> str:
        return "plain"

    assert plain.send(Sender) == [(fn, "plain")]
    with pytest.raises(TypeError, match="dispatch_uid"):
        receiver(plain, dispatch_uid="x")


def test_weak_blinker_receivers_dropped() -> None:
    sig = Signal("s")

    def temporary(sender: Any) -> None: ...

    sig.connect(temporary)
    del temporary
    gc.collect()
    assert list(sig.receivers_for(None)) == []
    assert not sig.receivers


def test_receiver_disconnected_meta_signal_and_blinker_internal_disconnect() -> None:
    from blinker._utilities import make_id

    sig = Signal("s")
    seen: list[Any] = []

    def on_disconnect(signal: Any, receiver: Any, sender: Any) -> None:
        seen.append((receiver, sender))

    def fn(sender: Any, **kw: Any) -> None: ...

    sig.receiver_disconnected.connect(on_disconnect)
    sig.connect(fn, sender=Sender)
    assert sig.disconnect(fn, sender=Sender) is True
    assert seen == [(fn, Sender)]
    # blinker's internal by-id disconnect keeps both registries in step.
    sig.connect(fn)
    sig.connect(fn, sender=Sender)
    sig._disconnect(make_id(fn), make_id(Sender))
    assert sig.send(Sender) == [(fn, None)]
    sig._disconnect(make_id(fn), 0)
    assert sig.send(Sender) == [] and not sig.receivers


def test_receiver_connected_type_error_undoes_the_connection() -> None:
    sig = Signal("s")

    def refuse(signal: Any, **kw: Any) -> None:
        raise TypeError("refused")

    def fn(sender: Any, **kw: Any) -> None: ...

    sig.receiver_connected.connect(refuse)
    with pytest.raises(TypeError, match="refused"):
        sig.connect(fn)
    assert sig.send(None) == [] and not sig.receivers

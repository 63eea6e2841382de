"""Django's dispatcher behaviour, checked on both implementations.

Every test taking ``make_signal`` runs on ``manouche.signals.Signal`` and on
``django.dispatch.Signal``: the same receivers and senders must give the same
results, the same de-duplication and the same weak-reference behaviour.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable
from typing import Any

import pytest
from conftest import names

from manouche.signals import Signal, receiver


class Sender:
    pass


class Other:
    pass


def a(sender: Any, **kwargs: Any) -> str:
    return f"a:{kwargs.get('value')}"


def b(sender: Any, **kwargs: Any) -> str:
    return "b"


def c(**kwargs: Any) -> Any:
    return (kwargs["sender"], sorted(kwargs))


def test_send_calls_receivers_in_connection_order(make_signal: Callable[[], Any]) -> None:
    sig = make_signal()
    sig.connect(b)
    sig.connect(a)
    sig.connect(c)
    assert names(sig.send(Sender, value=1)) == [
        ("b", "b"),
        ("a", "a:1"),
        ("c", (Sender, ["sender", "signal", "value"])),
    ]


def test_sender_given_by_keyword(make_signal: Callable[[], Any]) -> None:
    sig = make_signal()
    sig.connect(a)
    assert names(sig.send(sender=Sender, value=2)) == [("a", "a:2")]


def test_send_without_receivers_is_empty(make_signal: Callable[[], Any]) -> None:
    sig = make_signal()
    assert sig.send(Sender) == []
    assert sig.send_robust(Sender) == []
    assert sig.has_listeners() is False


def test_receiver_gets_the_signal(make_signal: Callable[[], Any]) -> None:
    sig = make_signal()
    got: list[Any] = []

    def handler(sender: Any, signal: Any, **kwargs: Any) -> None:
        got.append(signal)

    sig.connect(handler)
    sig.send(None)
    assert got == [sig]


def test_sender_filtering(make_signal: Callable[[], Any]) -> None:
    sig = make_signal()
    sig.connect(a, sender=Sender)
    sig.connect(b, sender=Other)
    sig.connect(c)
    assert [n for n, _ in names(sig.send(Sender))] == ["a", "c"]
    assert [n for n, _ in names(sig.send(Other))] == ["b", "c"]
    assert [n for n, _ in names(sig.send(None))] == ["c"]
    assert [n for n, _ in names(sig.send(object()))] == ["c"]
    assert sig.has_listeners(Sender) and sig.has_listeners(None)


def test_sender_specific_only(make_signal: Callable[[], Any]) -> None:
    sig = make_signal()
    sig.connect(a, sender=Sender)
    assert sig.has_listeners(Sender) is True
    assert sig.has_listeners(Other) is False
    assert sig.has_listeners() is False
    assert sig.send(Other) == []


def test_same_receiver_for_a_sender_and_any_sender_is_called_twice(
    make_signal: Callable[[], Any],
) -> None:
    sig = make_signal()
    sig.connect(a)
    sig.connect(b, sender=Sender)
    sig.connect(a, sender=Sender)
    assert [n for n, _ in names(sig.send(Sender))] == ["a", "b", "a"]
    assert [n for n, _ in names(sig.send(Other))] == ["a"]


def test_connecting_twice_connects_once(make_signal: Callable[[], Any]) -> None:
    sig = make_signal()
    sig.connect(a)
    sig.connect(a)
    sig.connect(a, sender=Sender)
    sig.connect(a, sender=Sender)
    assert len(sig.send(Other)) == 1
    assert len(sig.send(Sender)) == 2


def test_dispatch_uid_deduplicates(make_signal: Callable[[], Any]) -> None:
    sig = make_signal()
    sig.connect(a, dispatch_uid="uid")
    sig.connect(b, dispatch_uid="uid")  # same uid: ignored, the first one stays
    assert names(sig.send(None)) == [("a", "a:None")]
    sig.connect(b, dispatch_uid="uid", sender=Sender)  # same uid, another sender
    assert [n for n, _ in names(sig.send(Sender))] == ["a", "b"]


def test_same_receiver_under_two_dispatch_uids_is_called_twice(
    make_signal: Callable[[], Any],
) -> None:
    sig = make_signal()
    sig.connect(a, dispatch_uid="one")
    sig.connect(a, dispatch_uid="two")
    sig.connect(a)
    assert [n for n, _ in names(sig.send(None))] == ["a", "a", "a"]


def test_disconnect(make_signal: Callable[[], Any]) -> None:
    sig = make_signal()
    sig.connect(a)
    sig.connect(a, sender=Sender)
    sig.connect(b, dispatch_uid="uid")
    assert sig.disconnect(a) is True
    assert sig.disconnect(a) is False
    assert [n for n, _ in names(sig.send(Sender))] == ["a", "b"]
    assert sig.disconnect(a, sender=Other) is False
    assert sig.disconnect(a, sender=Sender) is True
    assert sig.disconnect(b) is False  # connected under a dispatch_uid
    assert sig.disconnect(dispatch_uid="uid") is True
    assert sig.send(Sender) == []
    assert sig.has_listeners(Sender) is False


def test_exception_propagates_and_stops_send(make_signal: Callable[[], Any]) -> None:
    sig = make_signal()
    called: list[str] = []

    def boom(sender: Any, **kwargs: Any) -> None:
        called.append("boom")
        raise ValueError("receiver failed")

    def after(sender: Any, **kwargs: Any) -> None:
        called.append("after")

    sig.connect(boom)
    sig.connect(after)
    with pytest.raises(ValueError, match="receiver failed"):
        sig.send(None)
    assert called == ["boom"]


def test_send_robust_returns_and_logs_exceptions(
    make_signal: Callable[[], Any], caplog: pytest.LogCaptureFixture
) -> None:
    sig = make_signal()

    def boom(sender: Any, **kwargs: Any) -> None:
        raise ValueError("receiver failed")

    sig.connect(boom)
    sig.connect(b)
    with caplog.at_level(logging.ERROR):
        responses = sig.send_robust(None)
    assert [n for n, _ in names(responses)] == ["boom", "b"]
    err = responses[0][1]
    assert isinstance(err, ValueError) and str(err) == "receiver failed"
    assert err.__traceback__ is not None
    assert responses[1][1] == "b"
    (record,) = caplog.records
    assert "Error calling" in record.getMessage() and "boom" in record.getMessage()
    assert record.exc_info is not None and record.exc_info[1] is err


def test_send_robust_lets_base_exceptions_through(make_signal: Callable[[], Any]) -> None:
    sig = make_signal()

    def interrupt(sender: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt

    sig.connect(interrupt)
    with pytest.raises(KeyboardInterrupt):
        sig.send_robust(None)


def test_weak_function_receiver_is_dropped_when_collected(
    make_signal: Callable[[], Any],
) -> None:
    sig = make_signal()

    def temporary(sender: Any, **kwargs: Any) -> str:
        return "temporary"

    sig.connect(temporary)
    assert len(sig.send(None)) == 1
    del temporary
    gc.collect()
    assert sig.send(None) == []
    assert sig.has_listeners() is False


def test_weak_bound_method_is_dropped_when_its_object_is_collected(
    make_signal: Callable[[], Any],
) -> None:
    sig = make_signal()

    class Listener:
        def on(self, sender: Any, **kwargs: Any) -> str:
            return "method"

    listener = Listener()
    sig.connect(listener.on)  # a fresh bound method object, still held weakly
    assert names(sig.send(None)) == [("on", "method")]
    sig.connect(listener.on)  # the same (object, function): not connected twice
    assert len(sig.send(None)) == 1
    assert sig.disconnect(listener.on) is True
    sig.connect(listener.on)
    del listener
    gc.collect()
    assert sig.send(None) == []


def test_strong_receiver_survives(make_signal: Callable[[], Any]) -> None:
    sig = make_signal()

    def temporary(sender: Any, **kwargs: Any) -> str:
        return "kept"

    sig.connect(temporary, weak=False)
    del temporary
    gc.collect()
    assert [v for _, v in sig.send(None)] == ["kept"]


def test_connection_dropped_when_sender_collected(make_signal: Callable[[], Any]) -> None:
    sig = make_signal()
    sender = Sender()
    sig.connect(a, sender=sender, weak=False)
    assert len(sig.send(sender)) == 1
    del sender
    gc.collect()
    # A new object may reuse the id: it must not inherit the connection.
    for _ in range(50):
        assert sig.send(Sender()) == []
    assert sig.has_listeners(Sender()) is False


def test_callable_object_receiver(make_signal: Callable[[], Any]) -> None:
    sig = make_signal()

    class Handler:
        def __call__(self, sender: Any, **kwargs: Any) -> str:
            return "object"

    handler = Handler()
    sig.connect(handler)
    assert names(sig.send(None)) == [("Handler", "object")]


def test_not_weak_referenceable_receiver(make_signal: Callable[[], Any]) -> None:
    sig = make_signal()

    class Slotted:
        __slots__ = ()

        def __call__(self, sender: Any, **kwargs: Any) -> str:
            return "slotted"

    with pytest.raises(TypeError):
        sig.connect(Slotted())
    handler = Slotted()
    sig.connect(handler, weak=False)
    assert [v for _, v in sig.send(None)] == ["slotted"]


def test_connect_during_send_does_not_change_that_send(make_signal: Callable[[], Any]) -> None:
    sig = make_signal()

    def late(sender: Any, **kwargs: Any) -> str:
        return "late"

    def connects(sender: Any, **kwargs: Any) -> str:
        sig.connect(late)
        sig.disconnect(b)
        return "connects"

    sig.connect(connects)
    sig.connect(b)
    assert [n for n, _ in names(sig.send(None))] == ["connects", "b"]
    assert [n for n, _ in names(sig.send(None))] == ["connects", "late"]


def test_receiver_decorator(make_signal: Callable[[], Any]) -> None:
    from django.dispatch import receiver as django_receiver

    first, second = make_signal(), make_signal()
    decorate = receiver if isinstance(first, Signal) else django_receiver

    @decorate(first, sender=Sender)
    def one(sender: Any, **kwargs: Any) -> int:
        return 1

    @decorate([first, second], dispatch_uid="both")
    def both(sender: Any, **kwargs: Any) -> int:
        return 2

    @decorate((first, second), dispatch_uid="both")
    def ignored(sender: Any, **kwargs: Any) -> int:
        return 3

    assert [v for _, v in first.send(Sender)] == [1, 2]
    assert [v for _, v in second.send(Sender)] == [2]
    assert [v for _, v in first.send(Other)] == [2]
    assert one(None) == 1 and ignored(None) == 3  # the decorator returns the function


# -- ours only: errors and the things Django does not have ---------------------------


def test_non_callable_receiver_is_rejected() -> None:
    with pytest.raises(TypeError, match="must be callable"):
        Signal().connect("not a function")  # type: ignore[type-var]


def test_weak_reference_error_names_the_fix() -> None:
    class Slotted:
        __slots__ = ()

        def __call__(self, sender: Any) -> None: ...

    with pytest.raises(TypeError, match="weak=False"):
        Signal().connect(Slotted())


def test_disconnect_needs_a_receiver_or_uid() -> None:
    with pytest.raises(TypeError, match="receiver or a dispatch_uid"):
        Signal().disconnect()


def test_sender_given_twice() -> None:
    with pytest.raises(TypeError, match="multiple values"):
        Signal().send(Sender, sender=Other)


def test_receiver_decorator_rejects_non_signals() -> None:
    with pytest.raises(TypeError, match="needs a signal"):
        receiver("post_save")  # type: ignore[arg-type]


def test_receivers_registry_tracks_connections() -> None:
    sig = Signal()
    assert not sig.receivers

    def temporary(sender: Any, **kwargs: Any) -> None: ...

    sig.connect(temporary)
    sig.connect(temporary, sender=Sender)
    assert sig.receivers
    sig.disconnect(temporary)
    assert sig.receivers  # still connected for Sender
    sig.connect(temporary)
    del temporary
    gc.collect()
    sig.send(None)  # the lazy cleanup of the dead receiver
    assert not sig.receivers


def test_many_distinct_senders_keep_working() -> None:
    sig = Signal()
    senders = [Sender() for _ in range(1200)]
    sig.connect(a, sender=senders[7])
    sig.connect(b)
    for sender in senders:
        expected = ["a", "b"] if sender is senders[7] else ["b"]
        assert [n for n, _ in names(sig.send(sender))] == expected


def test_repr_and_name() -> None:
    sig = Signal("pizza_done")
    assert sig.name == "pizza_done"
    assert "pizza_done" in repr(sig)
    assert Signal().name == "anonymous"


def test_mock_receivers_get_djangos_call(make_signal: Callable[[], Any]) -> None:
    from unittest import mock

    sig = make_signal()
    handler = mock.Mock(return_value="mocked")
    sig.connect(handler)
    assert sig.send(Sender, value=1) == [(handler, "mocked")]
    handler.assert_called_once_with(signal=sig, sender=Sender, value=1)


def test_async_mock_receiver(make_signal: Callable[[], Any]) -> None:
    from unittest import mock

    sig = make_signal()
    handler = mock.AsyncMock(return_value="awaited")
    sig.connect(handler)
    assert sig.send(Sender) == [(handler, "awaited")]
    handler.assert_awaited_once_with(signal=sig, sender=Sender)

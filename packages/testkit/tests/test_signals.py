from __future__ import annotations

import pytest
from blinker import NamedSignal, Signal

from manouche.testkit import CapturedSignals, SentSignal, capture_signals

saved = NamedSignal("saved")
deleted = NamedSignal("deleted")


class Book:
    pass


def test_records_signal_sender_and_arguments() -> None:
    calls: list[object] = []

    def existing(sender: object, **kwargs: object) -> None:
        calls.append(sender)

    saved.connect(existing)  # an existing receiver keeps running
    try:
        with capture_signals(saved, deleted) as sent:
            saved.send(Book, instance="b1", created=True)
            deleted.send("someone")
            Signal().send("not watched")
    finally:
        saved.disconnect(existing)
    assert isinstance(sent, CapturedSignals)
    assert len(sent) == 2
    assert sent[0] == SentSignal(saved, Book, {"instance": "b1", "created": True})
    assert sent[0].name == "saved"
    assert sent[1].signal is deleted and sent[1].sender == "someone" and sent[1].kwargs == {}
    assert sent.senders == [Book, "someone"]
    assert sent.of(deleted) == [sent[1]]
    assert [s.name for s in sent] == ["saved", "deleted"]
    assert calls == [Book]


def test_receivers_are_removed_after_the_block() -> None:
    with capture_signals(saved) as sent:
        pass
    assert not saved.receivers
    saved.send(Book)
    assert len(sent) == 0


def test_removed_also_when_the_block_fails() -> None:
    with pytest.raises(RuntimeError), capture_signals(saved):
        raise RuntimeError
    assert not saved.receivers


def test_a_signal_given_twice_is_recorded_once() -> None:
    with capture_signals(saved, saved) as sent:
        saved.send(None)
    assert len(sent) == 1


def test_anonymous_signal_and_repr() -> None:
    anonymous = Signal()
    with capture_signals(anonymous) as sent:
        anonymous.send(Book, n=1)
    assert sent[0].name is None
    assert repr(sent[0]).endswith(": sender=<class 'test_signals.Book'>, n=1>")
    assert repr(sent).startswith("<CapturedSignals [<SentSignal ")


def test_bad_arguments() -> None:
    with pytest.raises(TypeError, match="at least one signal"), capture_signals():
        pass
    with pytest.raises(TypeError, match="needs blinker signals, got 'saved'"):
        with capture_signals("saved"):  # type: ignore[arg-type]
            pass


def test_fixture_from_a_users_point_of_view(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        from blinker import signal

        def test_it(capture_signals):
            order_placed = signal("order-placed")
            with capture_signals(order_placed) as sent:
                order_placed.send("shop", total=12)
            assert [(s.sender, s.kwargs) for s in sent] == [("shop", {"total": 12})]
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_a_signal_argument_that_is_not_the_signal_is_kept() -> None:
    with capture_signals(saved) as sent:
        saved.send(None, signal="sos")
    assert sent[0].kwargs == {"signal": "sos"}


def test_manouche_signals() -> None:
    signals = pytest.importorskip("manouche.signals")
    with capture_signals(signals.post_save) as sent:
        signals.post_save.send(sender=Book, instance="b", created=True)  # Django's spelling
        signals.post_save.send(Book, instance="c", created=False)  # blinker's
    assert [(s.sender, s.kwargs) for s in sent] == [
        (Book, {"instance": "b", "created": True}),
        (Book, {"instance": "c", "created": False}),
    ]
    assert sent[0].name == "post_save"
    assert not signals.post_save.receivers

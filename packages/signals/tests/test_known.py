"""The well-known signals: names, types, and blinker receivers hearing Django-style sends."""

from __future__ import annotations

from typing import Any

import blinker
import pytest

import manouche.signals as signals
from manouche.signals import Signal

KNOWN = [
    "pre_init",
    "post_init",
    "pre_save",
    "post_save",
    "pre_delete",
    "post_delete",
    "m2m_changed",
    "request_started",
    "request_finished",
    "got_request_exception",
]


@pytest.mark.parametrize("name", KNOWN)
def test_known_signal(name: str) -> None:
    sig = getattr(signals, name)
    assert isinstance(sig, Signal) and isinstance(sig, blinker.NamedSignal)
    assert sig.name == name
    assert name in signals.__all__


def test_all_is_complete() -> None:
    expected = [*KNOWN, "Signal", "is_debug", "receiver", "set_debug"]
    assert sorted(signals.__all__) == sorted(expected)


def test_blinker_receiver_hears_a_django_style_send() -> None:
    class Book:
        pass

    seen: list[Any] = []

    def on_save(sender: Any, **extra: Any) -> None:  # blinker's own API below
        seen.append((sender, extra["instance"], extra["created"]))

    book = Book()
    signals.post_save.connect(on_save, sender=Book)
    try:
        signals.post_save.send(sender=Book, instance=book, created=True, raw=False, using=None)
        signals.post_save.send(sender=object, instance=book, created=True, raw=False, using=None)
    finally:
        signals.post_save.disconnect(on_save, sender=blinker.ANY)
    assert seen == [(Book, book, True)]
    assert not signals.post_save.receivers

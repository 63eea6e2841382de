"""Signal dispatch: manouche.signals against django.dispatch and raw blinker.

Three workloads, each a loop of ``SENDS`` sends with one keyword argument:

- send to 10 receivers connected for any sender (weak references, the
  default of all three);
- sender filtering: 10 receivers for the sending class and 10 for another
  class, as model signals are used (Django's model signals cache receivers
  per sender, ``use_caching=True``, so Django gets that here too);
- send to a signal nobody listens to, the common case on an ORM's hot path.

Every contender is checked once up front: the right receivers answer, in
number. Receivers are plain ``def receiver(sender, **kwargs)`` functions,
which all three call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bench._runner import Workload

SENDS = 10_000
RECEIVERS = 10


class Book:
    pass


class Author:
    pass


def _receivers(count: int) -> list[Callable[..., Any]]:
    made = []
    for index in range(count):

        def receiver(sender: Any, _index: int = index, **kwargs: Any) -> int:
            return _index

        made.append(receiver)
    return made


# Held for the whole run: every contender holds its receivers weakly.
_KEEP: list[Any] = []


def _loop(send: Callable[..., Any], sender: Any, expected: int) -> Callable[[], None]:
    got = len(send(sender, value=1))
    if got != expected:
        raise RuntimeError(f"{got} receivers answered, expected {expected}")

    def run() -> None:
        for _ in range(SENDS):
            send(sender, value=1)

    return run


def _manouche(filtered: bool, count: int) -> Any:
    from manouche.signals import Signal

    sig = Signal("bench", use_caching=filtered)
    _connect(sig.connect, filtered, count, any_sender=None)
    return sig.send


def _django(filtered: bool, count: int) -> Any:
    from django.dispatch import Signal

    sig = Signal(use_caching=filtered)
    _connect(sig.connect, filtered, count, any_sender=None)
    return sig.send


def _blinker(filtered: bool, count: int) -> Any:
    import blinker

    sig = blinker.Signal()
    _connect(sig.connect, filtered, count, any_sender=blinker.ANY)
    return sig.send


def _connect(connect: Callable[..., Any], filtered: bool, count: int, any_sender: Any) -> None:
    for fn in _receivers(count):
        _KEEP.append(fn)
        connect(fn, sender=Book if filtered else any_sender)
    if filtered:
        for fn in _receivers(count):
            _KEEP.append(fn)
            connect(fn, sender=Author)


def workloads() -> list[Workload]:
    shapes = [
        (f"send to {RECEIVERS} receivers", False, RECEIVERS, RECEIVERS),
        (f"sender filtering: {RECEIVERS} of {2 * RECEIVERS} receivers", True, RECEIVERS, RECEIVERS),
        ("send with no receivers", False, 0, 0),
    ]
    result = []
    for title, filtered, count, expected in shapes:
        result.append(
            Workload(
                name=f"{title} ({SENDS} sends)",
                contenders={
                    "Manouche signals": _loop(_manouche(filtered, count), Book, expected),
                    "django.dispatch": _loop(_django(filtered, count), Book, expected),
                    "raw blinker": _loop(_blinker(filtered, count), Book, expected),
                },
                ops=SENDS,
            )
        )
    return result

"""Connecting and disconnecting from other threads while sends run."""

from __future__ import annotations

import threading
from typing import Any

from manouche.signals import Signal


class Sender:
    pass


def test_connect_and_disconnect_during_sends_from_other_threads() -> None:
    sig = Signal("threads")
    errors: list[BaseException] = []
    stop = threading.Event()

    def permanent(sender: Any, **kwargs: Any) -> str:
        return "permanent"

    sig.connect(permanent, weak=False)
    sig.connect(permanent, sender=Sender, weak=False)

    def churn(index: int) -> None:
        try:
            while not stop.is_set():
                fns = []
                for n in range(20):

                    def temporary(sender: Any, _n: int = n, **kwargs: Any) -> int:
                        return _n

                    fns.append(temporary)
                    sig.connect(temporary, sender=Sender if n % 2 else None)
                for n, fn in enumerate(fns):
                    assert sig.disconnect(fn, sender=Sender if n % 2 else None)
                sig.connect(permanent, dispatch_uid=f"uid-{index}")
                sig.disconnect(dispatch_uid=f"uid-{index}")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    def send() -> None:
        try:
            for _ in range(3000):
                for sender in (Sender, None):
                    responses = sig.send(sender)
                    values = [v for _, v in responses]
                    expected = 2 if sender is Sender else 1
                    # The permanent connections are always seen, exactly once each.
                    assert values.count("permanent") >= expected
                    assert values.count("permanent") <= expected + 2
                    assert sig.has_listeners(sender)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    churners = [threading.Thread(target=churn, args=(i,)) for i in range(2)]
    senders = [threading.Thread(target=send) for _ in range(2)]
    for t in churners + senders:
        t.start()
    for t in senders:
        t.join()
    stop.set()
    for t in churners:
        t.join()
    assert errors == []
    assert [v for _, v in sig.send(Sender)] == ["permanent", "permanent"]
    assert sig.receivers.keys() == {id(permanent)}


def test_registry_never_looks_empty_while_another_thread_connects() -> None:
    sig = Signal("threads")

    def kept(sender: Any, **kwargs: Any) -> None: ...

    sig.connect(kept, weak=False)
    stop = threading.Event()
    empty_seen: list[bool] = []

    def watch() -> None:
        while not stop.is_set():
            if not sig.receivers:
                empty_seen.append(True)

    watcher = threading.Thread(target=watch)
    watcher.start()
    for _ in range(2000):

        def other(sender: Any, **kwargs: Any) -> None: ...

        sig.connect(other)
        sig.disconnect(other)
    stop.set()
    watcher.join()
    assert empty_seen == []

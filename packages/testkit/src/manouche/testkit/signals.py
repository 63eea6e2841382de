"""``capture_signals()``: what was sent on blinker signals, with sender and arguments.

Works with any blinker signal (``manouche.signals``' signals are blinker
signals): it connects a receiver with blinker's own ``connect`` for the block
and disconnects it after.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

__all__ = ["CapturedSignals", "SentSignal", "capture_signals"]


class _Signal(Protocol):
    def connect(self, receiver: Any, sender: Any = ..., weak: bool = ...) -> Any: ...
    def disconnect(self, receiver: Any, sender: Any = ...) -> None: ...


@dataclass(frozen=True)
class SentSignal:
    """One ``signal.send(sender, **kwargs)``."""

    signal: Any
    sender: Any
    kwargs: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str | None:
        """The signal's name (blinker's ``NamedSignal``), else ``None``."""
        name = getattr(self.signal, "name", None)
        return name if isinstance(name, str) else None

    def __repr__(self) -> str:
        label = self.name or repr(self.signal)
        args = "".join(f", {k}={v!r}" for k, v in self.kwargs.items())
        return f"<SentSignal {label}: sender={self.sender!r}{args}>"


class CapturedSignals:
    """The sends seen inside a :func:`capture_signals` block, in order.

    A sequence of :class:`SentSignal`, with helpers to filter by signal and
    to read senders.
    """

    def __init__(self) -> None:
        self.sent: list[SentSignal] = []

    def __len__(self) -> int:
        return len(self.sent)

    def __iter__(self) -> Iterator[SentSignal]:
        return iter(self.sent)

    def __getitem__(self, index: int) -> SentSignal:
        return self.sent[index]

    def __repr__(self) -> str:
        return f"<CapturedSignals {self.sent!r}>"

    def of(self, signal: Any) -> list[SentSignal]:
        """The sends of ``signal`` only."""
        return [s for s in self.sent if s.signal is signal]

    @property
    def senders(self) -> list[Any]:
        return [s.sender for s in self.sent]


@contextmanager
def capture_signals(*signals: _Signal) -> Iterator[CapturedSignals]:
    """Record every send of ``signals`` inside the block::

        with capture_signals(post_save, post_delete) as sent:
            book.save()
        assert [s.signal for s in sent] == [post_save]
        assert sent[0].sender is Book and sent[0].kwargs["created"]

    Receivers already connected still run; the recording receiver is
    connected for any sender, held strongly, and removed at the end.
    """
    if not signals:
        raise TypeError("capture_signals() needs at least one signal")
    for signal in signals:
        if not callable(getattr(signal, "connect", None)):
            raise TypeError(f"capture_signals() needs blinker signals, got {signal!r}")
    unique: list[_Signal] = []
    for signal in signals:
        if not any(signal is seen for seen in unique):
            unique.append(signal)
    captured = CapturedSignals()
    receivers: list[tuple[_Signal, Any]] = []

    def receiver_for(signal: _Signal) -> Any:
        def receive(sender: Any, **kwargs: Any) -> None:
            # Django-style dispatchers (manouche.signals) also pass the signal itself.
            if kwargs.get("signal") is signal:
                del kwargs["signal"]
            captured.sent.append(SentSignal(signal, sender, kwargs))

        return receive

    try:
        for signal in unique:
            receive = receiver_for(signal)
            signal.connect(receive, weak=False)
            receivers.append((signal, receive))
        yield captured
    finally:
        for signal, receive in receivers:
            signal.disconnect(receive)

"""The calling style read from a receiver's signature."""

from __future__ import annotations

import functools
from typing import Any

import pytest

from manouche.signals._calling import (
    KEYWORD,
    KEYWORD_SIGNAL,
    POSITIONAL,
    POSITIONAL_SIGNAL,
    calling_style,
)


def django_style(sender: Any, **kwargs: Any) -> None: ...
def only_kwargs(**kwargs: Any) -> None: ...
def args_and_kwargs(*args: Any, **kwargs: Any) -> None: ...
def signal_first(signal: Any, sender: Any, **kwargs: Any) -> None: ...
def signal_and_kwargs(signal: Any, **kwargs: Any) -> None: ...
def keyword_only_sender(*, sender: Any, instance: Any) -> None: ...
def flask_style(app: Any, **extra: Any) -> None: ...
def blinker_sender_only(sender: Any) -> None: ...
def positional_only(sender: Any, /, **kwargs: Any) -> None: ...
def other_name(thing: Any) -> None: ...
def star_args(*args: Any) -> None: ...
def explicit(sender: Any, instance: Any, created: bool) -> None: ...
def with_signal_param(app: Any, signal: Any = None) -> None: ...


@pytest.mark.parametrize(
    ("fn", "style"),
    [
        (django_style, KEYWORD_SIGNAL),
        (only_kwargs, KEYWORD_SIGNAL),
        (args_and_kwargs, KEYWORD_SIGNAL),
        (signal_first, KEYWORD_SIGNAL),
        (signal_and_kwargs, KEYWORD_SIGNAL),
        (keyword_only_sender, KEYWORD),
        (flask_style, POSITIONAL_SIGNAL),
        (blinker_sender_only, KEYWORD),
        (positional_only, POSITIONAL_SIGNAL),
        (other_name, POSITIONAL),
        (star_args, POSITIONAL),
        (explicit, KEYWORD),
        (with_signal_param, POSITIONAL_SIGNAL),
        (functools.partial(explicit, instance=1), KEYWORD),
        (print, POSITIONAL),
        (lambda s: None, POSITIONAL),
    ],
)
def test_style(fn: Any, style: int) -> None:
    assert calling_style(fn) == style


def test_unreadable_signature_gets_djangos_call() -> None:
    class NoSignature:
        __signature__ = "broken"

        def __call__(self, *args: Any, **kwargs: Any) -> None: ...

    assert calling_style(NoSignature()) == KEYWORD_SIGNAL


def test_every_style_calls_the_receiver() -> None:
    from manouche.signals import Signal

    sig = Signal("styles")
    got: list[Any] = []
    receivers = [
        lambda sender, **kw: got.append(("django", sender, kw["signal"] is sig, kw["x"])),
        lambda **kw: got.append(("kwargs", kw["sender"], kw["x"])),
        lambda app, **extra: got.append(("flask", app, extra["x"])),
        lambda thing, x: got.append(("positional", thing, x)),
    ]

    def keyword_only(*, sender: Any, x: int) -> None:
        got.append(("keyword", sender, x))

    for fn in [*receivers, keyword_only]:
        sig.connect(fn, weak=False)
    sig.send("S", x=1)
    assert got == [
        ("django", "S", True, 1),
        ("kwargs", "S", 1),
        ("flask", "S", 1),
        ("positional", "S", 1),
        ("keyword", "S", 1),
    ]

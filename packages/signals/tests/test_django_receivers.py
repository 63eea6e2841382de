"""Receivers written for Django: keyword-only calls, the debug checks, ``receivers == []``.

Each behaviour is checked on our Signal and on Django's (the ``make_signal``
fixture), with the same receivers and the same sends.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from typing import Any

import blinker
import pytest
from django.dispatch import receiver as django_receiver

from manouche.signals import Signal, is_debug, receiver, set_debug


def receiver_1_arg(val: Any, **kwargs: Any) -> Any:
    return val


class CallableReceiver:
    def __call__(self, val: Any, **kwargs: Any) -> Any:
        return ("call", val)

    def method(self, val: Any, **kwargs: Any) -> Any:
        return ("method", val, kwargs["sender"])


@pytest.fixture
def debug_off() -> Iterator[None]:
    set_debug(False)
    yield
    set_debug(None)


def test_first_parameter_named_in_the_send_gets_it(make_signal: Callable[[], Any]) -> None:
    sig = make_signal()
    obj = CallableReceiver()
    sig.connect(receiver_1_arg)
    sig.connect(obj)
    sig.connect(obj.method)
    expected = [(receiver_1_arg, "v"), (obj, ("call", "v")), (obj.method, ("method", "v", "S"))]
    assert sig.send(sender="S", val="v") == expected
    assert sig.send_robust(sender="S", val="v") == expected


def test_receiver_decorator_with_a_value_parameter(make_signal: Callable[[], Any]) -> None:
    sig = make_signal()
    seen: list[Any] = []
    decorate = receiver if isinstance(sig, Signal) else django_receiver

    @decorate(sig)
    def f(val: Any, **kwargs: Any) -> None:
        seen.append((val, kwargs["sender"]))

    sig.send(sender="a", val=1)
    assert seen == [(1, "a")]


def test_async_sends_call_by_keyword(make_signal: Callable[[], Any]) -> None:
    sig = make_signal()

    async def areceiver(val: Any, **kwargs: Any) -> Any:
        return ("async", val)

    sig.connect(receiver_1_arg)
    sig.connect(areceiver)
    expected = [(receiver_1_arg, "x"), (areceiver, ("async", "x"))]
    assert asyncio.run(sig.asend(sender="S", val="x")) == expected
    assert asyncio.run(sig.asend_robust(sender="S", val="x")) == expected
    assert sig.send(sender="S", val="x") == expected


def test_blinker_receivers_still_get_the_sender_by_position() -> None:
    sig = Signal("flask")
    got: list[Any] = []

    def flask_style(app: Any, **extra: Any) -> None:  # blinker's convention
        got.append((app, extra))

    sig.connect(flask_style)
    sig.send("the-app", val=3)
    # The send names no 'app': blinker's positional call.
    assert got == [("the-app", {"signal": sig, "val": 3})]
    got.clear()
    # A plain blinker.Signal agrees on what the receiver gets as its sender.
    plain = blinker.Signal()
    plain.connect(flask_style)
    plain.send("the-app", val=3)
    assert got == [("the-app", {"val": 3})]


def test_blinker_send_async_calls_by_keyword() -> None:
    sig = Signal("s")

    async def areceiver(val: Any, **kwargs: Any) -> Any:
        return val

    sig.connect(areceiver)
    assert asyncio.run(sig.send_async("S", val=5)) == [(areceiver, 5)]


def test_non_callable_message(make_signal: Callable[[], Any]) -> None:
    # Django checks only with DEBUG; we always do, with Django's words.
    sig = make_signal()
    if isinstance(sig, Signal):
        with pytest.raises(TypeError, match=r"^Signal receivers must be callable\. Got 1\.$"):
            sig.connect(1)


def test_no_kwargs_allowed_when_debug_is_off(debug_off: None) -> None:
    sig = Signal("s")

    def no_kwargs(sender: Any) -> str:
        return "ok"

    sig.connect(no_kwargs)
    assert sig.send("x") == [(no_kwargs, "ok")]


def test_no_kwargs_is_a_value_error_in_debug() -> None:
    sig = Signal("s")

    def no_kwargs(sender: Any) -> None:
        pass

    set_debug(True)
    try:
        assert is_debug()
        with pytest.raises(ValueError, match=r"must accept keyword arguments \(\*\*kwargs\)"):
            sig.connect(no_kwargs)
        # Nothing was connected, and receivers that take **kwargs still are.
        assert sig.receivers == []
        assert not sig.has_listeners()
        sig.connect(receiver_1_arg)
        assert sig.send(sender=None, val=2) == [(receiver_1_arg, 2)]
    finally:
        set_debug(None)


_DJANGO_DEBUG = textwrap.dedent(
    """
    import sys
    from django.conf import settings
    settings.configure(DEBUG=True)
    from django.dispatch import Signal as DjangoSignal
    from manouche.signals import Signal, set_debug

    def no_kwargs(sender):
        pass

    def errors(sig):
        try:
            sig.connect(no_kwargs)
        except Exception as err:
            return type(err).__name__, str(err).split(".")[0]
        return None

    set_debug(True)
    print(errors(DjangoSignal()) == errors(Signal("s")), errors(DjangoSignal()))
    """
)


def test_debug_check_matches_django_with_debug_true() -> None:
    out = subprocess.run(
        [sys.executable, "-c", _DJANGO_DEBUG], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == (
        "True ('ValueError', 'Signal receivers must accept keyword arguments (**kwargs)')"
    )


@pytest.mark.parametrize(("flags", "expected"), [([], "False"), (["-X", "dev"], "True")])
def test_debug_follows_python_development_mode(flags: list[str], expected: str) -> None:
    code = (
        "from manouche.signals import Signal, is_debug\n"
        "def r(sender): pass\n"
        "try:\n    Signal('s').connect(r)\nexcept ValueError:\n    print(is_debug(), 'refused')\n"
        "else:\n    print(is_debug(), 'connected')\n"
    )
    out = subprocess.run(
        [sys.executable, *flags, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == [expected, "refused" if expected == "True" else "connected"]


def test_receivers_equal_empty_list_only_when_empty(make_signal: Callable[[], Any]) -> None:
    sig = make_signal()
    assert sig.receivers == []
    sig.connect(receiver_1_arg)
    assert sig.receivers != []
    assert len(sig.receivers) == 1
    sig.disconnect(receiver_1_arg)
    assert sig.receivers == []
    if isinstance(sig, Signal):
        assert sig.receivers == {}
        assert not sig.receivers

"""How a receiver is called: Django's keyword call or blinker's positional one.

Django calls every receiver as ``receiver(signal=sig, sender=sender, **named)``;
blinker calls ``receiver(sender, **named)``. A receiver written for either
library must work here, so the calling style is read once from the
receiver's signature when it is connected:

- the sender goes by keyword when the receiver has a parameter named
  ``sender`` that accepts a keyword, or takes only ``**kwargs`` (Django's
  ``def handler(sender, **kwargs)`` and ``def handler(**kwargs)``); it goes by
  position when the first positional parameter has another name (blinker's
  ``def handler(app, **extra)``) or the receiver takes ``*args`` only;
- ``signal=`` is passed when the receiver accepts it (a ``signal`` parameter
  or ``**kwargs``), so blinker's ``def handler(sender)`` is not handed an
  argument it cannot take.

Receivers whose signature cannot be read get Django's call.

One shape fits both libraries: ``def handler(val, **kwargs)`` is Django's
receiver of a ``val`` argument and blinker's receiver whose sender is named
``val``. Such a receiver is called Django's way (all by keyword) when the
send has an argument of that name, blinker's way otherwise
(:func:`first_positional` gives the name).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

__all__ = [
    "KEYWORD",
    "KEYWORD_SIGNAL",
    "POSITIONAL",
    "POSITIONAL_SIGNAL",
    "accepts_kwargs",
    "calling_style",
    "first_positional",
]

# receiver(signal=sig, sender=sender, **named): Django's call.
KEYWORD_SIGNAL = 0
# receiver(sender, signal=sig, **named)
POSITIONAL_SIGNAL = 1
# receiver(sender=sender, **named)
KEYWORD = 2
# receiver(sender, **named): blinker's call.
POSITIONAL = 3

_P = inspect.Parameter
_BY_KEYWORD = (_P.POSITIONAL_OR_KEYWORD, _P.KEYWORD_ONLY)
_BY_POSITION = (_P.POSITIONAL_ONLY, _P.POSITIONAL_OR_KEYWORD)


def calling_style(receiver: Callable[..., Any]) -> int:
    """The calling style (one of the module constants) that fits ``receiver``."""
    try:
        parameters = inspect.signature(receiver).parameters.values()
    except (TypeError, ValueError):
        return KEYWORD_SIGNAL
    var_keyword = var_positional = False
    keyword_names: set[str] = set()
    first_positional: str | None = None
    for param in parameters:
        if param.kind is _P.VAR_KEYWORD:
            var_keyword = True
        elif param.kind is _P.VAR_POSITIONAL:
            var_positional = True
        if param.kind in _BY_KEYWORD:
            keyword_names.add(param.name)
        if first_positional is None and param.kind in _BY_POSITION and param.name != "signal":
            first_positional = param.name
    if "sender" in keyword_names:
        by_keyword = True
    elif first_positional is not None:
        by_keyword = False
    elif var_keyword:
        by_keyword = True
    else:
        by_keyword = not var_positional
    takes_signal = var_keyword or "signal" in keyword_names
    if by_keyword:
        return KEYWORD_SIGNAL if takes_signal else KEYWORD
    return POSITIONAL_SIGNAL if takes_signal else POSITIONAL


def first_positional(receiver: Callable[..., Any]) -> str | None:
    """The name of ``receiver``'s first positional parameter (not ``signal``)."""
    try:
        parameters = inspect.signature(receiver).parameters.values()
    except (TypeError, ValueError):
        return None
    for param in parameters:
        if param.kind in _BY_POSITION and param.name != "signal":
            return param.name
    return None


def accepts_kwargs(receiver: Callable[..., Any]) -> bool:
    """Whether ``receiver`` takes ``**kwargs`` (``True`` when its signature is unreadable)."""
    try:
        parameters = inspect.signature(receiver).parameters.values()
    except (TypeError, ValueError):
        return True
    return any(param.kind is _P.VAR_KEYWORD for param in parameters)

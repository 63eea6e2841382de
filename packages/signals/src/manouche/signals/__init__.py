"""Django's signal dispatcher API on blinker, and the well-known signals.

Every signal is a ``blinker.NamedSignal``: receivers connected with blinker's
own ``signal.connect(fn, sender=...)`` are called as well.
"""

from __future__ import annotations

from manouche.signals._debug import is_debug, set_debug
from manouche.signals._dispatcher import Signal, receiver
from manouche.signals._known import (
    got_request_exception,
    m2m_changed,
    post_delete,
    post_init,
    post_save,
    pre_delete,
    pre_init,
    pre_save,
    request_finished,
    request_started,
)

__all__ = [
    "Signal",
    "got_request_exception",
    "is_debug",
    "m2m_changed",
    "post_delete",
    "post_init",
    "post_save",
    "pre_delete",
    "pre_init",
    "pre_save",
    "receiver",
    "request_finished",
    "request_started",
    "set_debug",
]

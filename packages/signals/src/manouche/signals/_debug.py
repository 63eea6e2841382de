"""Debug checks: the signals' equivalent of Django's ``settings.DEBUG``.

With debugging on, :meth:`Signal.connect` refuses a receiver that does not
take ``**kwargs`` (``ValueError``), as Django does with ``DEBUG = True``:
such a receiver breaks as soon as a sender adds an argument. Debugging
follows Python's development mode (``python -X dev``, ``PYTHONDEVMODE=1``)
unless :func:`set_debug` says otherwise.
"""

from __future__ import annotations

import sys

__all__ = ["is_debug", "set_debug"]

_debug: bool | None = None


def set_debug(enabled: bool | None) -> None:
    """Turn the debug checks on or off; ``None`` follows Python's development mode.

    .. versionadded:: 0.2.0
    """
    global _debug
    _debug = None if enabled is None else bool(enabled)


def is_debug() -> bool:
    """Whether the debug checks are on.

    .. versionadded:: 0.2.0
    """
    return bool(sys.flags.dev_mode) if _debug is None else _debug

"""``django.dispatch`` for Django's dispatch tests: manouche.signals' names.

Two pieces of Django configuration are translated, nothing else:
``settings.DEBUG`` drives :func:`manouche.signals.set_debug` (the debug checks
of ``connect``), and records of the ``manouche.signals`` logger are also
handed to the ``django.dispatch`` logger, which is where Django's tests look
for ``send_robust``'s error log.
"""

from __future__ import annotations

import logging
from typing import Any

from manouche.signals import Signal, receiver, set_debug

__all__ = ["Signal", "install", "receiver"]


class _ToDjangoLogger(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        logging.getLogger("django.dispatch").handle(record)


def install() -> None:
    from django.conf import settings
    from django.test.signals import setting_changed

    set_debug(settings.DEBUG)

    def debug_changed(setting: str, value: Any, **kwargs: Any) -> None:
        if setting == "DEBUG":
            set_debug(value)

    setting_changed.connect(debug_changed, weak=False)
    logging.getLogger("manouche.signals").addHandler(_ToDjangoLogger())

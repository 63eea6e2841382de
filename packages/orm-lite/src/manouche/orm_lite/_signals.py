"""The model signals orm-lite sends: manouche.signals' (blinker signal objects)."""

from __future__ import annotations

from manouche.signals import (
    m2m_changed,
    post_delete,
    post_init,
    post_save,
    pre_delete,
    pre_init,
    pre_save,
    request_finished,
)

__all__ = [
    "m2m_changed",
    "post_delete",
    "post_init",
    "post_save",
    "pre_delete",
    "pre_init",
    "pre_save",
    "request_finished",
]

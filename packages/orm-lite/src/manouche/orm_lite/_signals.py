"""The model signals orm-lite sends, from manouche.signals (blinker signal objects)."""

from __future__ import annotations

try:
    from manouche.signals import (
        m2m_changed,
        post_delete,
        post_init,
        post_save,
        pre_delete,
        pre_init,
        pre_save,
    )
except ImportError:  # TEMPORARY until packages/signals lands
    from blinker import NamedSignal

    pre_init = NamedSignal("pre_init")
    post_init = NamedSignal("post_init")
    pre_save = NamedSignal("pre_save")
    post_save = NamedSignal("post_save")
    pre_delete = NamedSignal("pre_delete")
    post_delete = NamedSignal("post_delete")
    m2m_changed = NamedSignal("m2m_changed")

__all__ = [
    "m2m_changed",
    "post_delete",
    "post_init",
    "post_save",
    "pre_delete",
    "pre_init",
    "pre_save",
]

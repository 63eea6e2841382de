"""Marking messages for translation without needing an i18n package.

When manouche-i18nkit is installed its ``gettext`` translates the messages in
the active language (the catalogs live in ``locale/``); otherwise the English
text is returned as written. i18nkit is imported on the first message
translated, never when this package is imported.
"""

from __future__ import annotations

from typing import Any

__all__ = ["gettext", "gettext_noop"]

_kit: Any = None


def _i18nkit() -> Any:
    global _kit
    if _kit is None:
        try:
            from manouche import i18nkit  # type: ignore[attr-defined,unused-ignore]
        except ImportError:  # pragma: no cover - i18nkit is in the workspace
            _kit = False
        else:
            _kit = i18nkit
    return _kit


def gettext(message: str) -> str:
    """``message`` in the active language, or as written."""
    kit = _kit if _kit is not None else _i18nkit()
    return str(kit.gettext(message)) if kit else message


def gettext_noop(message: str) -> str:
    """Mark ``message`` for extraction and leave it as written (translated where it is shown)."""
    return message

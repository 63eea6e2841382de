"""The active language without needing an i18n package.

When manouche-i18nkit is installed, :func:`get_language` is its active
language; otherwise there is none. i18nkit is imported on first use, never
when urlmap is imported.
"""

from __future__ import annotations

from typing import Any

__all__ = ["get_language"]

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


def get_language() -> str | None:
    """i18nkit's active language code, or ``None`` without i18nkit."""
    kit = _kit if _kit is not None else _i18nkit()
    return str(kit.get_language()) if kit and kit.get_language() else None

"""Marking messages for translation without needing an i18n package.

When manouche-i18nkit is installed its ``gettext``/``ngettext`` translate the
messages in the active language (the catalogs live in ``locale/``); otherwise
the English text is returned as written. i18nkit is imported on the first
message translated, never when this package is imported.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "capfirst",
    "delocalize_number",
    "gettext",
    "gettext_noop",
    "localize_input",
    "ngettext",
    "parse_localized_date",
    "pgettext",
]

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


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a plural message for ``n`` in the active language."""
    kit = _kit if _kit is not None else _i18nkit()
    if kit:
        return str(kit.ngettext(singular, plural, n))
    return singular if n == 1 else plural


def pgettext(context: str, message: str) -> str:
    """``message`` in ``context`` (a word with two meanings), in the active language."""
    kit = _kit if _kit is not None else _i18nkit()
    return str(kit.pgettext(context, message)) if kit else message


def gettext_noop(message: str) -> str:
    """Mark ``message`` for extraction and leave it as written (translated where it is used)."""
    return message


def delocalize_number(value: Any) -> Any:
    """A number typed in the active language's notation, as plain digits.

    ``"1.234,5"`` while German is active becomes ``"1234.5"``. Without i18nkit,
    for a value that is not text, or for text the language's notation does
    not read, the value is returned unchanged (the field's own parsing then
    accepts plain digits or reports the error).
    """
    kit = _kit if _kit is not None else _i18nkit()
    if not kit or not isinstance(value, str):
        return value
    try:
        return str(kit.parse_number(value))
    except ValueError:
        return value


def parse_localized_date(value: Any) -> Any:
    """A date typed as the active language writes short dates, or ``None``."""
    kit = _kit if _kit is not None else _i18nkit()
    if not kit or not isinstance(value, str):
        return None
    try:
        return kit.parse_date(value)
    except ValueError:
        return None


def localize_input(value: Any) -> Any:
    """A value as an input shows it in the active language (numbers, dates); else unchanged."""
    kit = _kit if _kit is not None else _i18nkit()
    return kit.localize_input(value) if kit else value


def _capfirst_text(value: object) -> str:
    text = str(value)
    return text[:1].upper() + text[1:]


def capfirst(value: Any) -> Any:
    """``value`` with its first letter upper-cased: ``"title"`` -> ``"Title"``.

    A lazy translation (a model's ``gettext_lazy`` verbose name, any value that
    is not a ``str``) stays lazy when i18nkit is installed: it is capitalized
    each time it is shown, in the language active then.
    """
    if isinstance(value, str):
        return value[:1].upper() + value[1:]
    kit = _kit if _kit is not None else _i18nkit()
    if kit:
        return kit.LazyString(_capfirst_text, value)
    return _capfirst_text(value)

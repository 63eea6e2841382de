"""Messages kept untranslated until they are raised (manouche-validation's)."""

from __future__ import annotations

from manouche.validation.messages import Message, Plural, resolve

__all__ = ["Message", "Plural", "resolve"]

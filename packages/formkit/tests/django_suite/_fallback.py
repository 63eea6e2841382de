"""Shared by the shims: a module's names from formkit, the rest from Django's module.

A name formkit does not offer resolves to Django's own object, so that a test
module imports; the tests using it then exercise Django, not formkit, and are
recorded as whatever they give (they assert nothing about formkit).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def fallback(django_module: str) -> Callable[[str], Any]:
    def __getattr__(name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(importlib.import_module(django_module), name)

    return __getattr__

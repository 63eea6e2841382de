"""``django`` for Django's forms tests: ``from django import forms`` is formkit's.

Every other name of the ``django`` package is Django's own.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import shim_forms as forms  # noqa: E402,F401
from _fallback import fallback  # noqa: E402

__getattr__ = fallback("django")

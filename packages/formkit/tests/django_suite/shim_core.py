"""``django.core`` for Django's forms tests: ``validators`` and ``exceptions`` are formkit's."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import shim_exceptions as exceptions  # noqa: E402,F401
import shim_validators as validators  # noqa: E402,F401
from _fallback import fallback  # noqa: E402

__getattr__ = fallback("django.core")

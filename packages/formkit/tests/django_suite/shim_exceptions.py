"""``django.core.exceptions`` for Django's forms tests: formkit's ValidationError."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _fallback import fallback  # noqa: E402

from manouche.formkit import (  # noqa: E402,F401
    NON_FIELD_ERRORS,
    ImproperlyConfigured,
    ValidationError,
)

__getattr__ = fallback("django.core.exceptions")

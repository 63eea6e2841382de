"""``django.forms.boundfield`` for Django's forms tests: formkit's names."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _fallback import fallback  # noqa: E402

from manouche.formkit import *  # noqa: E402,F403

__getattr__ = fallback("django.forms.boundfield")

"""``django.forms.renderers`` for Django's forms tests.

Django's renderer classes (formkit's forms take them as they are), with
formkit's ``get_default_renderer``: the default formkit forms actually use.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _fallback import fallback  # noqa: E402
from django.forms.renderers import (  # noqa: E402,F401
    BaseRenderer,
    DjangoDivFormRenderer,
    DjangoTemplates,
    Jinja2,
    Jinja2DivFormRenderer,
    TemplatesSetting,
)

from manouche.formkit import get_default_renderer  # noqa: E402,F401

__getattr__ = fallback("django.forms.renderers")

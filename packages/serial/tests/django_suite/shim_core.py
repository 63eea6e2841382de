"""``django.core`` for the serializers tests: what they import from it, ``serializers``
(manouche.serial's shim) and ``management`` (Django's own)."""

from __future__ import annotations

import shim_a_serializers as serializers
from django.core import management

__all__ = ["management", "serializers"]

"""ValidationError (manouche-validation's, the one class every package raises) and
formkit's configuration error."""

from __future__ import annotations

from manouche.validation import NON_FIELD_ERRORS, ValidationError

__all__ = ["NON_FIELD_ERRORS", "ImproperlyConfigured", "ValidationError"]


class ImproperlyConfigured(Exception):
    """A form, model form or formset declared in a way that cannot work."""

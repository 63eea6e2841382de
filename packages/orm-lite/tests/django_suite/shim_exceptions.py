"""``django.core.exceptions`` for Django's ORM tests: orm-lite's ORM exceptions, Django's others."""

from __future__ import annotations

from django.core.exceptions import *  # noqa: F403 - the names orm-lite does not replace

from manouche.orm_lite import (  # noqa: F401 - re-exported
    EmptyResultSet,
    FieldDoesNotExist,
    FieldError,
    ImproperlyConfigured,
    MultipleObjectsReturned,
    ObjectDoesNotExist,
    ValidationError,
)

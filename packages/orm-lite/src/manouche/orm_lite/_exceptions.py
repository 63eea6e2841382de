"""The exceptions of orm-lite, named as Django names them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from manouche.validation import NON_FIELD_ERRORS, ValidationError


class ObjectDoesNotExist(Exception):
    """The base of every model's ``DoesNotExist``."""


class MultipleObjectsReturned(Exception):
    """The base of every model's ``MultipleObjectsReturned``."""


class FieldDoesNotExist(Exception):
    """A model has no field of the given name."""


class ImproperlyConfigured(Exception):
    """Models are set up wrong (a relation to a model that is not defined, say)."""


class FieldError(Exception):
    """A query names a field, lookup or expression that cannot be used."""


class EmptyResultSet(Exception):
    """Internal: a condition that can match no row at all."""


class ProtectedError(Exception):
    """Deleting would remove rows that a ``PROTECT`` foreign key still points at."""

    def __init__(self, msg: str, protected_objects: Iterable[Any]) -> None:
        self.protected_objects = set(protected_objects)
        super().__init__(msg, self.protected_objects)


class RestrictedError(Exception):
    """Deleting would remove rows that a ``RESTRICT`` foreign key still points at."""

    def __init__(self, msg: str, restricted_objects: Iterable[Any]) -> None:
        self.restricted_objects = set(restricted_objects)
        super().__init__(msg, self.restricted_objects)


class TransactionManagementError(Exception):
    """A transaction was used in a way that cannot work (e.g. ``select_for_update`` outside one)."""


class NotSupportedError(Exception):
    """A Django feature orm-lite refuses rather than answer differently (named in the message)."""


# One ValidationError for every package (manouche-validation's, Django's API):
# a model's full_clean() and a form raise and catch the same class.
__all__ = [
    "NON_FIELD_ERRORS",
    "EmptyResultSet",
    "FieldDoesNotExist",
    "FieldError",
    "ImproperlyConfigured",
    "MultipleObjectsReturned",
    "NotSupportedError",
    "ObjectDoesNotExist",
    "ProtectedError",
    "RestrictedError",
    "TransactionManagementError",
    "ValidationError",
]

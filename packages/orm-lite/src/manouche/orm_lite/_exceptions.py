"""The exceptions of orm-lite, named as Django names them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


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


#: The key of the errors that belong to no field (``"__all__"``), as Django's.
NON_FIELD_ERRORS = "__all__"


class ValidationError(Exception):
    """Invalid data: one message, a list of messages or a dict of field -> messages.

    Mirrors Django's ``ValidationError``: ``messages`` is the flat list and,
    when built from a dict, ``message_dict`` maps field names to lists.
    """

    def __init__(
        self,
        message: str | list[Any] | Mapping[str, Any] | ValidationError,
        code: str | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> None:
        self.code = code
        self.params = params
        self.error_dict: dict[str, list[str]] | None = None
        if isinstance(message, ValidationError):
            self.error_dict = message.error_dict
            self.error_list: list[str] = list(message.error_list)
        elif isinstance(message, Mapping):
            self.error_dict = {}
            for key, value in message.items():
                self.error_dict[key] = ValidationError(value).messages
            self.error_list = [m for msgs in self.error_dict.values() for m in msgs]
        elif isinstance(message, list):
            self.error_list = []
            for item in message:
                self.error_list.extend(ValidationError(item).messages)
        else:
            text = str(message)
            if params:
                text = text % dict(params)
            self.error_list = [text]
        super().__init__(self.error_dict if self.error_dict is not None else self.error_list)

    @property
    def messages(self) -> list[str]:
        return list(self.error_list)

    @property
    def message_dict(self) -> dict[str, list[str]]:
        if self.error_dict is None:
            raise AttributeError("This ValidationError has no message_dict (it is not per field)")
        return self.error_dict

    def update_error_dict(self, error_dict: dict[str, list[str]]) -> dict[str, list[str]]:
        if self.error_dict is not None:
            for key, msgs in self.error_dict.items():
                error_dict.setdefault(key, []).extend(msgs)
        else:
            error_dict.setdefault(NON_FIELD_ERRORS, []).extend(self.error_list)
        return error_dict

    def __repr__(self) -> str:
        return f"ValidationError({self.error_dict or self.error_list!r})"

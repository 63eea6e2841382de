"""ValidationError, with Django's shape: a message, a list or a dict of them."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

__all__ = ["NON_FIELD_ERRORS", "ValidationError"]

#: The key of errors that belong to the whole form or model rather than one field.
NON_FIELD_ERRORS = "__all__"


class ValidationError(Exception):
    """Invalid data: one message, a list of messages, or messages per field.

    ``ValidationError("Too short.", code="min_length", params={...})`` is a
    single error; a list of messages or errors makes a list; a dict mapping
    field names to messages makes per-field errors, as in Django. ``code`` is
    what programs (and the differential tests) compare, ``message`` what
    people read; ``params`` fill ``%(name)s`` placeholders at display time.
    """

    message: str
    code: str | None
    params: Mapping[str, Any] | None
    error_list: list[ValidationError]
    error_dict: dict[str, list[ValidationError]]

    def __init__(
        self, message: Any, code: str | None = None, params: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__(message, code, params)
        if isinstance(message, ValidationError):
            if hasattr(message, "error_dict"):
                message = message.error_dict
            elif not hasattr(message, "message"):
                message = message.error_list
            else:
                message, code, params = message.message, message.code, message.params
        elif not isinstance(message, (str, dict, list)) and hasattr(message, "as_data"):
            # An ErrorList: its errors, never its rendered HTML (Django's is a list).
            message = message.as_data()
        if isinstance(message, dict):
            self.error_dict = {}
            for field, messages in message.items():
                if not isinstance(messages, ValidationError):
                    messages = ValidationError(messages)
                self.error_dict[field] = messages.error_list
        elif isinstance(message, list):
            self.error_list = []
            for item in message:
                if not isinstance(item, ValidationError):
                    item = ValidationError(item)
                if hasattr(item, "error_dict"):
                    self.error_list.extend(sum(item.error_dict.values(), []))
                else:
                    self.error_list.extend(item.error_list)
        else:
            self.message = message
            self.code = code
            self.params = params
            self.error_list = [self]

    @property
    def message_dict(self) -> dict[str, list[str]]:
        """Messages per field (only for errors built from a dict)."""
        if not hasattr(self, "error_dict"):
            raise AttributeError("message_dict is only for errors built from a dict")
        return dict(self)

    @property
    def messages(self) -> list[str]:
        """Every message, formatted with its params, as a flat list."""
        if hasattr(self, "error_dict"):
            return [m for messages in self.message_dict.values() for m in messages]
        return list(self)

    def update_error_dict(
        self, error_dict: dict[str, list[ValidationError]]
    ) -> dict[str, list[ValidationError]]:
        """Merge these errors into ``error_dict`` (non-field ones under ``__all__``)."""
        if hasattr(self, "error_dict"):
            for field, error_list in self.error_dict.items():
                error_dict.setdefault(field, []).extend(error_list)
        else:
            error_dict.setdefault(NON_FIELD_ERRORS, []).extend(self.error_list)
        return error_dict

    def __iter__(self) -> Iterator[Any]:
        if hasattr(self, "error_dict"):
            for field, errors in self.error_dict.items():
                yield field, list(ValidationError(errors))
        else:
            for error in self.error_list:
                yield error.formatted()

    def formatted(self) -> str:
        """The message of a single error with its params substituted."""
        message = str(self.message)
        if self.params:
            try:
                message = message % self.params
            except (KeyError, TypeError, ValueError):
                pass
        return message

    def __str__(self) -> str:
        if hasattr(self, "error_dict"):
            return repr(dict(self))
        return repr(list(self))

    def __repr__(self) -> str:
        return f"ValidationError({self})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ValidationError):
            return NotImplemented
        return hash(self) == hash(other)

    def __hash__(self) -> int:
        if hasattr(self, "message"):
            params = tuple(sorted((k, repr(v)) for k, v in (self.params or {}).items()))
            return hash((str(self.message), self.code, params))
        if hasattr(self, "error_dict"):
            return hash(tuple(sorted((k, tuple(v)) for k, v in self.error_dict.items())))
        return hash(tuple(sorted(self.error_list, key=lambda e: e.formatted())))

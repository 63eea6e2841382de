"""The errors authkit raises."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["ValidationError"]


class ValidationError(ValueError):
    """A failed validation, with Django's ``messages``, ``code`` and ``params``.

    ``ValidationError("msg %(n)d", code="x", params={"n": 1})`` holds one
    error; ``ValidationError([err1, err2])`` holds several (``error_list``).
    """

    def __init__(
        self,
        message: str | Iterable[ValidationError | str],
        code: str | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> None:
        if isinstance(message, str):
            self.message = message
            self.code = code
            self.params = dict(params or {})
            self.error_list: list[ValidationError] = [self]
        else:
            errors: list[ValidationError] = []
            for item in message:
                errors += (
                    item.error_list
                    if isinstance(item, ValidationError)
                    else [ValidationError(item)]
                )
            self.message = "; ".join(e.messages[0] for e in errors)
            self.code = code
            self.params = {}
            self.error_list = errors
        super().__init__(self.messages)

    @property
    def messages(self) -> list[str]:
        out = []
        for error in self.error_list:
            out.append(error.message % error.params if error.params else error.message)
        return out

    @property
    def codes(self) -> list[str | None]:
        return [error.code for error in self.error_list]

    def __str__(self) -> str:
        return str(self.messages)

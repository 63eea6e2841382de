"""Validation errors as plain data, to compare a reference's errors with ours."""

from __future__ import annotations

from typing import Any


def plain_errors(detail: Any) -> Any:
    """Errors as plain data with their codes: dicts and lists kept, each message a
    ``("message", "code")`` pair (``code`` None when the message carries none).

    Django REST framework's ``ErrorDetail`` and restkit's error details both carry
    ``code``; comparing ``plain_errors()`` of both compares messages and codes, not
    the classes that hold them.
    """
    if isinstance(detail, dict):
        return {key: plain_errors(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [plain_errors(item) for item in detail]
    return (str(detail), getattr(detail, "code", None))

"""The exceptions of the URL map, with Django's names.

``Resolver404`` and ``NoReverseMatch`` carry the same messages and payloads as
Django's, so code that catches or inspects them ports unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = [
    "ImproperlyConfigured",
    "MethodNotAllowed",
    "NoReverseMatch",
    "Resolver404",
    "ViewDoesNotExist",
]


class ImproperlyConfigured(Exception):
    """A URL pattern, converter or include() is written wrongly."""


class ViewDoesNotExist(Exception):
    """``get_callable()`` was given a dotted path that names no view.

    .. versionadded:: 0.2.0
    """


class NoReverseMatch(Exception):
    """``reverse()`` found no pattern for the name and arguments given."""


class Resolver404(LookupError):
    """No pattern matches the path.

    ``args[0]`` is a dict with at least ``"path"``, as Django's. The list of
    patterns tried (for a debug page) is computed on first access of
    :attr:`tried` rather than on every miss, so misses stay cheap.
    """

    def __init__(self, info: dict[str, Any], tried: Callable[[], list[list[Any]]] | None = None):
        super().__init__(_Info(info, tried))

    @property
    def path(self) -> str:
        return str(self.args[0].get("path", ""))

    @property
    def tried(self) -> list[list[Any]]:
        """Every pattern chain tried, outermost first (Django's ``tried``)."""
        tried: list[list[Any]] = self.args[0]["tried"]
        return tried


class _Info(dict[str, Any]):
    """``Resolver404.args[0]``: computes ``["tried"]`` on first access."""

    def __init__(self, info: dict[str, Any], tried: Callable[[], list[list[Any]]] | None) -> None:
        super().__init__(info)
        self._tried_fn = tried

    def __repr__(self) -> str:
        # str(Resolver404) shows "tried", as Django's does.
        self["tried"]  # noqa: B018 - computes and stores it
        return dict.__repr__(self)

    def __missing__(self, key: str) -> Any:
        if key != "tried":
            raise KeyError(key)
        tried = self["tried"] = self._tried_fn() if self._tried_fn is not None else []
        return tried


class MethodNotAllowed(Resolver404):
    """A pattern matches the path, but not for this HTTP method.

    ``allowed`` lists the methods the matching patterns accept (for the
    ``Allow`` header of a 405 answer).
    """

    def __init__(self, info: dict[str, Any], allowed: list[str]):
        super().__init__(info)
        self.allowed = allowed

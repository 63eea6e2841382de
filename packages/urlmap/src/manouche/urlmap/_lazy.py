"""A string computed when it is first used: what ``reverse_lazy()`` returns.

It is not a ``str`` (so it can be created before the URLconf exists, at
import time of a module the URLconf imports), but everything that reads it
as text works: ``str()``, formatting (``"%s" % url``, f-strings), ``+``,
comparison and hashing as the string, ``__html__`` for templates, and every
``str`` method by attribute. The value is computed on each use, so a
``reverse_lazy()`` follows the URLconf and script prefix in force then, as
Django's does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["LazyString"]


class LazyString:
    """``func(*args, **kwargs)``, computed each time the text is needed."""

    __slots__ = ("_args", "_func", "_kwargs")

    def __init__(self, func: Callable[..., str], *args: Any, **kwargs: Any) -> None:
        self._func = func
        self._args = args
        self._kwargs = kwargs

    def __str__(self) -> str:
        return str(self._func(*self._args, **self._kwargs))

    def __repr__(self) -> str:
        try:
            return f"<LazyString {str(self)!r}>"
        except Exception as exc:  # a repr never raises (it is used in error messages)
            return f"<LazyString of {getattr(self._func, '__name__', self._func)}: {exc!r}>"

    def __html__(self) -> str:
        return str(self)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(str(self), name)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LazyString):
            other = str(other)
        return str(self) == other

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __lt__(self, other: object) -> bool:
        return str(self) < (str(other) if isinstance(other, LazyString) else other)  # type: ignore[operator]

    def __le__(self, other: object) -> bool:
        return str(self) <= (str(other) if isinstance(other, LazyString) else other)  # type: ignore[operator]

    def __gt__(self, other: object) -> bool:
        return str(self) > (str(other) if isinstance(other, LazyString) else other)  # type: ignore[operator]

    def __ge__(self, other: object) -> bool:
        return str(self) >= (str(other) if isinstance(other, LazyString) else other)  # type: ignore[operator]

    def __hash__(self) -> int:
        return hash(str(self))

    def __add__(self, other: Any) -> str:
        return str(self) + (str(other) if isinstance(other, LazyString) else other)

    def __radd__(self, other: Any) -> str:
        return other + str(self)  # type: ignore[no-any-return]

    def __mod__(self, other: Any) -> str:
        text: str = str(self) % other
        return text

    def __len__(self) -> int:
        return len(str(self))

    def __contains__(self, item: str) -> bool:
        return item in str(self)

    def __getitem__(self, index: Any) -> str:
        return str(self)[index]

    def __iter__(self) -> Any:
        return iter(str(self))

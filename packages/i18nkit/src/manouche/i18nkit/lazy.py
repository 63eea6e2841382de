"""Lazy translations: messages written at import time, translated when they are used.

``gettext_lazy("Name")`` in a class body (a form label, an error message, a
model's verbose name) is translated each time it is turned into text, in the
language active at that moment, so one module-level object serves every
request in its own language.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any, SupportsIndex

from manouche.i18nkit import translation

__all__ = [
    "LazyString",
    "gettext_lazy",
    "ngettext_lazy",
    "npgettext_lazy",
    "pgettext_lazy",
]


class LazyString:
    """A string computed on use. It behaves as the ``str`` it evaluates to.

    Equal to, hashed and ordered as its current text (Django's lazy strings
    compare and hash the same way); ``str()``, ``%``, ``+``, ``format`` and the
    other ``str`` methods work on the text. ``json.dumps`` needs ``default=str``
    (or an encoder that calls ``str``), as Django's need ``DjangoJSONEncoder``.
    """

    __slots__ = ("_func", "_args")

    def __init__(self, func: Callable[..., str], *args: Any) -> None:
        self._func = func
        self._args = args

    def __str__(self) -> str:
        return self._func(*self._args)

    def __repr__(self) -> str:
        return f"<LazyString {str(self)!r}>"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LazyString):
            other = str(other)
        return str(self) == other

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __lt__(self, other: object) -> bool:
        return str(self) < _text(other)

    def __le__(self, other: object) -> bool:
        return str(self) <= _text(other)

    def __gt__(self, other: object) -> bool:
        return str(self) > _text(other)

    def __ge__(self, other: object) -> bool:
        return str(self) >= _text(other)

    def __hash__(self) -> int:
        return hash(str(self))

    def __len__(self) -> int:
        return len(str(self))

    def __iter__(self) -> Iterator[str]:
        return iter(str(self))

    def __contains__(self, item: object) -> bool:
        return _text(item) in str(self)

    def __getitem__(self, index: SupportsIndex | slice) -> str:
        return str(self)[index]

    def __add__(self, other: object) -> str:
        return str(self) + _text(other)

    def __radd__(self, other: object) -> str:
        return _text(other) + str(self)

    def __mul__(self, n: SupportsIndex) -> str:
        return str(self) * n

    def __mod__(self, rhs: Any) -> str:
        return str(str(self) % rhs)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __bool__(self) -> bool:
        return bool(str(self))

    def __getattr__(self, name: str) -> Any:
        # Every other str method (upper, format, split, startswith...) on the text.
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(str(self), name)

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled as itself, so it is still lazy when unpickled.
        return (LazyString, (self._func, *self._args))


def _text(value: object) -> str:
    if isinstance(value, LazyString):
        return str(value)
    if isinstance(value, str):
        return value
    raise TypeError(f"a str or a lazy string is needed, not {type(value).__name__}")


def gettext_lazy(message: str) -> LazyString:
    """:func:`~manouche.i18nkit.gettext`, evaluated each time the result is used."""
    return LazyString(translation.gettext, message)


def pgettext_lazy(context: str, message: str) -> LazyString:
    """:func:`~manouche.i18nkit.pgettext`, evaluated each time the result is used."""
    return LazyString(translation.pgettext, context, message)


class _LazyPlural(LazyString):
    """A lazy plural whose number may be named, and taken from the ``%`` mapping.

    ``ngettext_lazy("%(n)d file", "%(n)d files", "n") % {"n": 3}`` as in Django.
    """

    __slots__ = ("_number",)

    def __init__(self, func: Callable[..., str], number: int | str, *args: Any) -> None:
        super().__init__(func, *args)
        self._number = number

    def _pick(self, number: int) -> str:
        return self._func(*self._args, number)

    def __str__(self) -> str:
        if isinstance(self._number, str):
            # The number is not known until formatting: the English plural's form.
            return self._pick(2)
        return self._pick(self._number)

    def __mod__(self, rhs: Any) -> str:
        if isinstance(self._number, str):
            if not isinstance(rhs, Mapping):
                raise TypeError(
                    f"this lazy plural takes its number from the key {self._number!r}: "
                    "format it with a mapping"
                )
            try:
                number = rhs[self._number]
            except KeyError:
                raise KeyError(
                    f"the number for this lazy plural is missing: key {self._number!r}"
                ) from None
            return str(self._pick(number) % rhs)
        return str(self._pick(self._number) % rhs)

    def format(self, *args: Any, **kwargs: Any) -> str:
        if isinstance(self._number, str) and self._number in kwargs:
            return self._pick(kwargs[self._number]).format(*args, **kwargs)
        return str(self).format(*args, **kwargs)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_LazyPlural, (self._func, self._number, *self._args))


def ngettext_lazy(singular: str, plural: str, number: int | str) -> LazyString:
    """:func:`~manouche.i18nkit.ngettext`, evaluated on use.

    ``number`` may be a key name: the count is then read from the mapping the
    string is ``%``-formatted with (or the keyword of ``.format()``).
    """
    return _LazyPlural(translation.ngettext, number, singular, plural)


def npgettext_lazy(context: str, singular: str, plural: str, number: int | str) -> LazyString:
    """:func:`~manouche.i18nkit.npgettext`, on use (``number`` as in ``ngettext_lazy``)."""
    return _LazyPlural(translation.npgettext, number, context, singular, plural)

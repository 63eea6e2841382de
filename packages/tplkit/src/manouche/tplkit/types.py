"""The shapes tplkit expects from its collaborators, as protocols (nothing is imported)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

__all__ = [
    "ContextProcessor",
    "FragmentCache",
    "RequestLike",
    "Reverse",
    "StaticURL",
]


class RequestLike(Protocol):
    """A request with a WSGI environ: a ``webob.Request``, a Werkzeug/Flask request."""

    @property
    def environ(self) -> dict[str, Any]: ...


class Reverse(Protocol):
    """Django's ``reverse(viewname, args=None, kwargs=None)`` (urlmap's fits)."""

    def __call__(
        self,
        viewname: str,
        args: Sequence[Any] | None = ...,
        kwargs: Mapping[str, Any] | None = ...,
    ) -> str: ...


class FragmentCache(Protocol):
    """What the ``{% cache %}`` tag needs of a cache: any cachelib cache fits."""

    def get(self, key: str) -> Any: ...

    def set(self, key: str, value: Any, timeout: int | None = None) -> Any: ...


#: A context processor: a callable of the request returning names to add.
ContextProcessor = Callable[[Any], Mapping[str, Any]]

#: ``static()``'s backend: a URL prefix (``"/static/"``) or a callable of the path.
StaticURL = str | Callable[[str], str]

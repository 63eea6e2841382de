"""Type aliases shared by the modules of manouche.urlmap."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any, TypeAlias

__all__ = ["StartResponse", "View", "WSGIApp", "WSGIEnviron"]

WSGIEnviron: TypeAlias = dict[str, Any]
_ExcInfo: TypeAlias = tuple[type[BaseException], BaseException, TracebackType | None]
StartResponse: TypeAlias = Callable[..., Callable[[bytes], object]]
WSGIApp: TypeAlias = Callable[[WSGIEnviron, StartResponse], Iterable[bytes]]
#: ``view(request: webob.Request, **kwargs) -> webob.Response``
View: TypeAlias = Callable[..., Any]

"""Decorators: ``api_view`` and its policy setters, and ``action`` for viewsets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from manouche.restkit.views import (
    api_view,
    authentication_classes,
    parser_classes,
    permission_classes,
    renderer_classes,
    schema,
    throttle_classes,
)

__all__ = [
    "MethodMapper",
    "action",
    "api_view",
    "authentication_classes",
    "parser_classes",
    "permission_classes",
    "renderer_classes",
    "schema",
    "throttle_classes",
]


class MethodMapper(dict[str, str]):
    """``@action``'s HTTP method -> handler name map (``@publish.mapping.delete``)."""

    def __init__(self, action: Callable[..., Any], methods: list[str]) -> None:
        super().__init__()
        self.action = action
        for method in methods:
            self[method] = action.__name__

    def _map(self, method: str, func: Callable[..., Any]) -> Callable[..., Any]:
        if method in self:
            raise ValueError(f"Method '{method}' has already been mapped to '{self[method]}'.")
        if func.__name__ == self.action.__name__:
            raise ValueError(
                "Method mapping does not behave like the property decorator. You cannot use "
                "the same method name for each mapping declaration."
            )
        self[method] = func.__name__
        return func

    def get(self, func: Callable[..., Any]) -> Callable[..., Any]:  # type: ignore[override]
        return self._map("get", func)

    def post(self, func: Callable[..., Any]) -> Callable[..., Any]:
        return self._map("post", func)

    def put(self, func: Callable[..., Any]) -> Callable[..., Any]:
        return self._map("put", func)

    def patch(self, func: Callable[..., Any]) -> Callable[..., Any]:
        return self._map("patch", func)

    def delete(self, func: Callable[..., Any]) -> Callable[..., Any]:
        return self._map("delete", func)


def action(
    methods: list[str] | None = None,
    detail: bool | None = None,
    url_path: str | None = None,
    url_name: str | None = None,
    **kwargs: Any,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Mark a viewset method as a routable action (``detail=True`` for ``/{pk}/name/``)."""
    methods = ["get"] if methods is None else [m.lower() for m in methods]
    if detail is None:
        raise TypeError("@action() missing required argument: 'detail'")
    if "name" in kwargs and "suffix" in kwargs:
        raise TypeError("`name` and `suffix` are mutually exclusive arguments.")

    def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
        func.mapping = MethodMapper(func, methods)  # type: ignore[attr-defined]
        func.detail = detail  # type: ignore[attr-defined]
        func.url_path = url_path if url_path else func.__name__  # type: ignore[attr-defined]
        func.url_name = url_name if url_name else func.__name__.replace("_", "-")  # type: ignore[attr-defined]
        func.kwargs = kwargs  # type: ignore[attr-defined]
        if "name" not in kwargs and "suffix" not in kwargs:
            func.kwargs["name"] = " ".join(w.capitalize() for w in func.__name__.split("_"))  # type: ignore[attr-defined]
        func.kwargs["description"] = func.__doc__ or None  # type: ignore[attr-defined]
        return func

    return decorator

"""ViewSets: one class for a resource's actions, bound to HTTP methods by a router."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import webob

from manouche.restkit import generics, mixins
from manouche.restkit.views import APIView


def _is_extra_action(attr: Any) -> bool:
    return hasattr(attr, "mapping") and hasattr(attr, "detail")


class ViewSetMixin:
    """``as_view({"get": "list", "post": "create"})`` binds methods to actions."""

    name: str | None = None
    description: str | None = None
    suffix: str | None = None
    detail: bool | None = None
    basename: str | None = None
    action: str | None = None
    action_map: dict[str, str] = {}

    @classmethod
    def as_view(
        cls, actions: dict[str, str] | None = None, **initkwargs: Any
    ) -> Callable[..., webob.Response]:
        if not actions:
            raise TypeError(
                "The `actions` argument must be provided when calling `.as_view()` on a "
                "ViewSet. For example `.as_view({'get': 'list'})`"
            )
        for key in initkwargs:
            if key in cls.http_method_names:  # type: ignore[attr-defined]
                raise TypeError(
                    f"You tried to pass in the {key} method name as a keyword argument."
                )
            if not hasattr(cls, key):
                raise TypeError(f"{cls.__name__}() received an invalid keyword {key!r}")
        if "name" in initkwargs and "suffix" in initkwargs:
            raise TypeError(
                f"{cls.__name__}() received both `name` and `suffix`, "
                "which are mutually exclusive arguments."
            )

        def view(request: webob.Request, *args: Any, **kwargs: Any) -> webob.Response:
            self = cls(**initkwargs)
            self.action_map = actions
            for method, action in actions.items():
                setattr(self, method, getattr(self, action))
            if hasattr(self, "get") and not hasattr(self, "head"):
                self.head = self.get  # type: ignore[attr-defined]
            self.request = request  # type: ignore[attr-defined]
            self.args = args  # type: ignore[attr-defined]
            self.kwargs = kwargs  # type: ignore[attr-defined]
            return self.dispatch(request, *args, **kwargs)  # type: ignore[attr-defined,no-any-return]

        functools.update_wrapper(view, cls, updated=())
        view.cls = cls  # type: ignore[attr-defined]
        view.initkwargs = initkwargs  # type: ignore[attr-defined]
        view.actions = actions  # type: ignore[attr-defined]
        view.csrf_exempt = True  # type: ignore[attr-defined]
        return view

    def initialize_request(self, request: webob.Request, *args: Any, **kwargs: Any) -> Any:
        api_request = super().initialize_request(request, *args, **kwargs)  # type: ignore[misc]
        method = request.method.lower()
        if method == "options":
            self.action = "metadata"
        else:
            self.action = self.action_map.get(method)
        return api_request

    @classmethod
    def get_extra_actions(cls) -> list[Any]:
        return [
            getattr(cls, name)
            for name in dir(cls)
            if not name.startswith("_") and _is_extra_action(getattr(cls, name, None))
        ]

    def reverse_action(self, url_name: str, *args: Any, **kwargs: Any) -> str:
        from manouche.restkit.reverse import reverse

        url_name = f"{self.basename}-{url_name}"
        kwargs.setdefault("request", getattr(self, "request", None))
        return reverse(url_name, *args, **kwargs)


class ViewSet(ViewSetMixin, APIView):
    """A viewset with no actions of its own."""


class GenericViewSet(ViewSetMixin, generics.GenericAPIView):
    """A viewset with ``get_object``, ``get_serializer``... and no actions of its own."""


class ReadOnlyModelViewSet(mixins.RetrieveModelMixin, mixins.ListModelMixin, GenericViewSet):
    """``list`` and ``retrieve``."""


class ModelViewSet(
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    mixins.ListModelMixin,
    GenericViewSet,
):
    """``list``, ``create``, ``retrieve``, ``update``, ``partial_update`` and ``destroy``."""

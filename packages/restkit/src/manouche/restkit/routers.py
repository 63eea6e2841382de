"""Routers: a viewset's URL patterns, as urlmap patterns with DRF's route names.

``router.register("books", BookViewSet)`` then ``router.urls`` gives
``books/`` (``book-list``) and ``books/<pk>/`` (``book-detail``) plus a
pattern per ``@action``, so ``reverse("book-detail", kwargs={"pk": 1})``
works as in DRF.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from manouche.restkit.response import Response
from manouche.restkit.reverse import reverse
from manouche.restkit.urlpatterns import format_suffix_patterns
from manouche.restkit.views import APIView
from manouche.urlmap import NoReverseMatch, re_path


@dataclass(frozen=True)
class Route:
    url: str
    mapping: dict[str, str]
    name: str
    detail: bool
    initkwargs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DynamicRoute:
    url: str
    name: str
    detail: bool
    initkwargs: dict[str, Any] = field(default_factory=dict)


class BaseRouter:
    def __init__(self) -> None:
        self.registry: list[tuple[str, Any, str]] = []

    def register(self, prefix: str, viewset: Any, basename: str | None = None) -> None:
        if basename is None:
            basename = self.get_default_basename(viewset)
        if any(basename == b for _, _, b in self.registry):
            raise ValueError(
                f'Router with basename "{basename}" is already registered. Please provide a '
                "unique basename for viewset " + repr(viewset)
            )
        self.registry.append((prefix, viewset, basename))
        self.__dict__.pop("_urls", None)

    def get_default_basename(self, viewset: Any) -> str:
        raise NotImplementedError("get_default_basename must be overridden")

    def get_urls(self) -> list[Any]:
        raise NotImplementedError("get_urls must be overridden")

    @property
    def urls(self) -> list[Any]:
        if "_urls" not in self.__dict__:
            self.__dict__["_urls"] = self.get_urls()
        return self.__dict__["_urls"]  # type: ignore[no-any-return]


class SimpleRouter(BaseRouter):
    """The list and detail routes of each registered viewset and its ``@action`` routes,
    with DRF's URL names (``{basename}-list``, ``{basename}-detail``); no API root view.
    """

    routes: list[Route | DynamicRoute] = [
        Route(
            url=r"^{prefix}{trailing_slash}$",
            mapping={"get": "list", "post": "create"},
            name="{basename}-list",
            detail=False,
            initkwargs={"suffix": "List"},
        ),
        DynamicRoute(
            url=r"^{prefix}/{url_path}{trailing_slash}$", name="{basename}-{url_name}", detail=False
        ),
        Route(
            url=r"^{prefix}/{lookup}{trailing_slash}$",
            mapping={
                "get": "retrieve",
                "put": "update",
                "patch": "partial_update",
                "delete": "destroy",
            },
            name="{basename}-detail",
            detail=True,
            initkwargs={"suffix": "Instance"},
        ),
        DynamicRoute(
            url=r"^{prefix}/{lookup}/{url_path}{trailing_slash}$",
            name="{basename}-{url_name}",
            detail=True,
        ),
    ]

    def __init__(self, trailing_slash: bool = True, use_regex_path: bool = True) -> None:
        self.trailing_slash = "/" if trailing_slash else ""
        super().__init__()

    def get_default_basename(self, viewset: Any) -> str:
        queryset = getattr(viewset, "queryset", None)
        model = getattr(queryset, "model", None)
        if model is None:
            raise TypeError(
                "`basename` argument not specified, and could not automatically determine the "
                "name from the viewset, as it does not have a `.queryset` attribute."
            )
        return str(model.__name__.lower())

    def get_routes(self, viewset: Any) -> list[Route]:
        known = {
            action
            for route in self.routes
            if isinstance(route, Route)
            for action in route.mapping.values()
        }
        extra_actions = viewset.get_extra_actions()
        clash = [a.__name__ for a in extra_actions if a.__name__ in known]
        if clash:
            raise TypeError(
                f"Cannot use the @action decorator on the following methods, as they are "
                f"existing routes: {', '.join(clash)}"
            )
        detail_actions = [a for a in extra_actions if a.detail]
        list_actions = [a for a in extra_actions if not a.detail]
        routes: list[Route] = []
        for route in self.routes:
            if isinstance(route, DynamicRoute):
                for act in detail_actions if route.detail else list_actions:
                    routes.append(self._dynamic(route, act))
            else:
                routes.append(route)
        return routes

    def _dynamic(self, route: DynamicRoute, action: Any) -> Route:
        initkwargs = {**route.initkwargs, **action.kwargs}
        url_path = re.escape(action.url_path).replace("\\/", "/")
        return Route(
            url=route.url.replace("{url_path}", url_path),
            mapping=dict(action.mapping),
            name=route.name.replace("{url_name}", action.url_name),
            detail=route.detail,
            initkwargs=initkwargs,
        )

    def get_method_map(self, viewset: Any, method_map: dict[str, str]) -> dict[str, str]:
        return {method: action for method, action in method_map.items() if hasattr(viewset, action)}

    def get_lookup_regex(self, viewset: Any, lookup_prefix: str = "") -> str:
        lookup_field = getattr(viewset, "lookup_field", "pk")
        lookup_url_kwarg = getattr(viewset, "lookup_url_kwarg", None) or lookup_field
        lookup_value = getattr(viewset, "lookup_value_regex", "[^/.]+")
        return f"(?P<{lookup_prefix}{lookup_url_kwarg}>{lookup_value})"

    def get_urls(self) -> list[Any]:
        patterns = []
        for prefix, viewset, basename in self.registry:
            lookup = self.get_lookup_regex(viewset)
            for route in self.get_routes(viewset):
                mapping = self.get_method_map(viewset, route.mapping)
                if not mapping:
                    continue
                regex = route.url.format(
                    prefix=prefix, lookup=lookup, trailing_slash=self.trailing_slash
                )
                if not prefix and regex[:2] == "^/":
                    regex = "^" + regex[2:]
                initkwargs = dict(route.initkwargs)
                initkwargs.update({"basename": basename, "detail": route.detail})
                view = viewset.as_view(mapping, **initkwargs)
                name = route.name.format(basename=basename)
                patterns.append(re_path(regex, view, name=name))
        return patterns


class APIRootView(APIView):
    """The API root: a link to each registered list."""

    api_root_dict: dict[str, str] = {}

    def get(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        ret = {}
        namespace = getattr(getattr(request, "resolver_match", None), "namespace", "")
        for key, url_name in self.api_root_dict.items():
            name = f"{namespace}:{url_name}" if namespace else url_name
            try:
                ret[key] = reverse(name, request=request, kwargs=kwargs or None)
            except NoReverseMatch:
                continue
        return Response(ret)


class DefaultRouter(SimpleRouter):
    """A SimpleRouter with the API root view at the prefix (``api-root``) and, as in DRF,
    a ``.<format>`` twin of each route (``include_format_suffixes = False`` to leave them out).
    """

    include_root_view = True
    include_format_suffixes = True
    root_view_name = "api-root"
    APIRootView = APIRootView

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.root_renderers = kwargs.pop("root_renderers", None)
        super().__init__(*args, **kwargs)

    def get_api_root_view(self) -> Any:
        api_root_dict = {
            prefix: self.routes[0].name.format(basename=basename)
            for prefix, _viewset, basename in self.registry
        }
        initkwargs: dict[str, Any] = {"api_root_dict": api_root_dict}
        return self.APIRootView.as_view(**initkwargs)

    def get_urls(self) -> list[Any]:
        urls = super().get_urls()
        if self.include_root_view:
            urls.insert(0, re_path(r"^$", self.get_api_root_view(), name=self.root_view_name))
        if self.include_format_suffixes:
            urls = format_suffix_patterns(urls)
        return urls

"""``GenericAPIView`` and the concrete generic views (``ListCreateAPIView``...)."""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy.exc import DataError

from manouche.restkit import mixins
from manouche.restkit.exceptions import NotFound
from manouche.restkit.response import Response
from manouche.restkit.views import APIView


def get_object_or_404(queryset: Any, **filter_kwargs: Any) -> Any:
    """``queryset.get(**filter_kwargs)``, or NotFound (also for a value of the wrong type)."""
    try:
        return queryset.get(**filter_kwargs)
    except (TypeError, ValueError, LookupError, OverflowError, DataError):
        raise NotFound() from None
    except Exception as exc:
        names = {cls.__name__ for cls in type(exc).__mro__}
        if names & {"ObjectDoesNotExist", "DoesNotExist", "ValidationError"}:
            raise NotFound() from None
        raise


class GenericAPIView(APIView):
    """An APIView with a queryset, a serializer, lookup, filtering and pagination."""

    queryset: Any = None
    serializer_class: Any = None
    lookup_field: ClassVar[str] = "pk"
    lookup_url_kwarg: ClassVar[str | None] = None
    filter_backends: ClassVar[list[Any]] = []
    pagination_class: ClassVar[Any] = None

    def get_queryset(self) -> Any:
        if self.queryset is None:
            raise AssertionError(
                f"'{type(self).__name__}' should either include a `queryset` attribute, or "
                "override the `get_queryset()` method."
            )
        queryset = self.queryset
        if hasattr(queryset, "all"):
            queryset = queryset.all()
        return queryset

    def get_object(self) -> Any:
        queryset = self.filter_queryset(self.get_queryset())
        lookup_url_kwarg = self.lookup_url_kwarg or self.lookup_field
        if lookup_url_kwarg not in self.kwargs:
            raise AssertionError(
                f"Expected view {type(self).__name__} to be called with a URL keyword argument "
                f'named "{lookup_url_kwarg}". Fix your URL conf, or set the `.lookup_field` '
                "attribute on the view correctly."
            )
        obj = get_object_or_404(queryset, **{self.lookup_field: self.kwargs[lookup_url_kwarg]})
        self.check_object_permissions(self.request, obj)
        return obj

    def get_serializer(self, *args: Any, **kwargs: Any) -> Any:
        serializer_class = self.get_serializer_class()
        kwargs.setdefault("context", self.get_serializer_context())
        return serializer_class(*args, **kwargs)

    def get_serializer_class(self) -> Any:
        if self.serializer_class is None:
            raise AssertionError(
                f"'{type(self).__name__}' should either include a `serializer_class` attribute, "
                "or override the `get_serializer_class()` method."
            )
        return self.serializer_class

    def get_serializer_context(self) -> dict[str, Any]:
        return {
            "request": getattr(self, "request", None),
            "format": self.format_kwarg,
            "view": self,
        }

    def filter_queryset(self, queryset: Any) -> Any:
        for backend in list(self.filter_backends):
            queryset = backend().filter_queryset(self.request, queryset, self)
        return queryset

    @property
    def paginator(self) -> Any:
        if not hasattr(self, "_paginator"):
            self._paginator = None if self.pagination_class is None else self.pagination_class()
        return self._paginator

    def paginate_queryset(self, queryset: Any) -> Any:
        if self.paginator is None:
            return None
        return self.paginator.paginate_queryset(queryset, self.request, view=self)

    def get_paginated_response(self, data: Any) -> Response:
        assert self.paginator is not None
        return self.paginator.get_paginated_response(data)  # type: ignore[no-any-return]


class CreateAPIView(mixins.CreateModelMixin, GenericAPIView):
    def post(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        return self.create(request, *args, **kwargs)


class ListAPIView(mixins.ListModelMixin, GenericAPIView):
    def get(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        return self.list(request, *args, **kwargs)


class RetrieveAPIView(mixins.RetrieveModelMixin, GenericAPIView):
    def get(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        return self.retrieve(request, *args, **kwargs)


class DestroyAPIView(mixins.DestroyModelMixin, GenericAPIView):
    def delete(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        return self.destroy(request, *args, **kwargs)


class UpdateAPIView(mixins.UpdateModelMixin, GenericAPIView):
    def put(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        return self.update(request, *args, **kwargs)

    def patch(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        return self.partial_update(request, *args, **kwargs)


class ListCreateAPIView(mixins.ListModelMixin, mixins.CreateModelMixin, GenericAPIView):
    def get(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        return self.list(request, *args, **kwargs)

    def post(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        return self.create(request, *args, **kwargs)


class RetrieveUpdateAPIView(mixins.RetrieveModelMixin, mixins.UpdateModelMixin, GenericAPIView):
    def get(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        return self.retrieve(request, *args, **kwargs)

    def put(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        return self.update(request, *args, **kwargs)

    def patch(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        return self.partial_update(request, *args, **kwargs)


class RetrieveDestroyAPIView(mixins.RetrieveModelMixin, mixins.DestroyModelMixin, GenericAPIView):
    def get(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        return self.retrieve(request, *args, **kwargs)

    def delete(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        return self.destroy(request, *args, **kwargs)


class RetrieveUpdateDestroyAPIView(
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    GenericAPIView,
):
    def get(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        return self.retrieve(request, *args, **kwargs)

    def put(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        return self.update(request, *args, **kwargs)

    def patch(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        return self.partial_update(request, *args, **kwargs)

    def delete(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        return self.destroy(request, *args, **kwargs)

"""The actions of generic views: list, create, retrieve, update, partial update, destroy."""

from __future__ import annotations

from typing import Any

from manouche.restkit import status
from manouche.restkit.response import Response


class CreateModelMixin:
    def create(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)  # type: ignore[attr-defined]
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        headers = self.get_success_headers(serializer.data)
        return Response(serializer.data, status=status.HTTP_201_CREATED, headers=headers)

    def perform_create(self, serializer: Any) -> None:
        serializer.save()

    def get_success_headers(self, data: Any) -> dict[str, str]:
        try:
            return {"Location": str(data["url"])}
        except (TypeError, KeyError):
            return {}


class ListModelMixin:
    def list(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())  # type: ignore[attr-defined]
        page = self.paginate_queryset(queryset)  # type: ignore[attr-defined]
        if page is not None:
            serializer = self.get_serializer(page, many=True)  # type: ignore[attr-defined]
            return self.get_paginated_response(serializer.data)  # type: ignore[attr-defined,no-any-return]
        serializer = self.get_serializer(queryset, many=True)  # type: ignore[attr-defined]
        return Response(serializer.data)


class RetrieveModelMixin:
    def retrieve(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()  # type: ignore[attr-defined]
        serializer = self.get_serializer(instance)  # type: ignore[attr-defined]
        return Response(serializer.data)


class UpdateModelMixin:
    def update(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        instance = self.get_object()  # type: ignore[attr-defined]
        serializer = self.get_serializer(instance, data=request.data, partial=partial)  # type: ignore[attr-defined]
        serializer.is_valid(raise_exception=True)
        self.perform_update(serializer)
        return Response(serializer.data)

    def perform_update(self, serializer: Any) -> None:
        serializer.save()

    def partial_update(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        kwargs["partial"] = True
        return self.update(request, *args, **kwargs)


class DestroyModelMixin:
    def destroy(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()  # type: ignore[attr-defined]
        self.perform_destroy(instance)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def perform_destroy(self, instance: Any) -> None:
        if hasattr(instance, "delete"):
            instance.delete()
            return
        session = getattr(getattr(self, "queryset", None), "session", None)
        if session is None:
            raise TypeError(f"cannot delete {type(instance).__name__}: no delete() and no session")
        session.delete(instance)
        session.commit()

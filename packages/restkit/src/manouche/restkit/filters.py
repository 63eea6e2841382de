"""Filter backends: search, ordering and exact field filters from the query string."""

from __future__ import annotations

import functools
import operator
import re
from typing import Any

from manouche.restkit.exceptions import ValidationError
from manouche.restkit.queries import q_class


class BaseFilterBackend:
    def filter_queryset(self, request: Any, queryset: Any, view: Any) -> Any:
        raise NotImplementedError(".filter_queryset() must be overridden.")

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return []


class SearchFilter(BaseFilterBackend):
    """``?search=a b``: every term in at least one of the view's ``search_fields``.

    Prefixes as in DRF: ``^`` starts with, ``=`` exact, ``@`` is treated as
    contains, none is contains (case-insensitive).
    """

    search_param = "search"
    max_terms = 10
    lookup_prefixes = {"^": "istartswith", "=": "iexact", "@": "icontains", "$": "iregex"}

    def get_search_terms(self, request: Any) -> list[str]:
        params = request.query_params.get(self.search_param, "") or ""
        params = params.replace("\x00", "")
        return [t for t in re.split(r"[\s,]+", params) if t][: self.max_terms]

    def construct_search(self, field_name: str) -> str:
        lookup = self.lookup_prefixes.get(field_name[0]) if field_name else None
        if lookup == "iregex":
            lookup = "icontains"
        if lookup:
            field_name = field_name[1:]
        else:
            lookup = "icontains"
        return f"{field_name}__{lookup}"

    def filter_queryset(self, request: Any, queryset: Any, view: Any) -> Any:
        fields = list(getattr(view, "search_fields", None) or [])
        terms = self.get_search_terms(request)
        if not fields or not terms:
            return queryset
        if hasattr(queryset, "search"):
            return queryset.search([f.lstrip("^=@$") for f in fields], terms)
        q = q_class(queryset)
        if q is None:
            raise TypeError(f"SearchFilter cannot search a {type(queryset).__name__}")
        lookups = [self.construct_search(str(f)) for f in fields]
        for term in terms:
            queryset = queryset.filter(
                functools.reduce(operator.or_, (q(**{lk: term}) for lk in lookups))
            )
        return queryset

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.search_param,
                "required": False,
                "in": "query",
                "description": "A search term.",
                "schema": {"type": "string"},
            }
        ]


class OrderingFilter(BaseFilterBackend):
    """``?ordering=-pages,title`` among the view's ``ordering_fields``; unknown names ignored."""

    ordering_param = "ordering"

    def get_valid_fields(self, queryset: Any, view: Any) -> list[str]:
        valid = getattr(view, "ordering_fields", None)
        if valid is None or valid == "__all__":
            serializer_class = getattr(view, "serializer_class", None)
            model = getattr(queryset, "model", None)
            table = getattr(model, "__table__", None)
            columns = {c.key for c in table.columns} if table is not None else set()
            if serializer_class is None:
                return sorted(columns)
            names = []
            for field in serializer_class().fields.values():
                source = field.source
                if (
                    source
                    and "." not in source
                    and source != "*"
                    and (not columns or source in columns or source + "_id" in columns)
                ):
                    names.append(source)
            return names
        return list(valid)

    def get_ordering(self, request: Any, queryset: Any, view: Any) -> list[str] | None:
        params = request.query_params.get(self.ordering_param)
        if params:
            valid = set(self.get_valid_fields(queryset, view))
            fields = [p.strip() for p in params.split(",")]
            ordering = [f for f in fields if f and f.lstrip("-") in valid]
            if ordering:
                return ordering
        default = getattr(view, "ordering", None)
        if isinstance(default, str):
            return [default]
        return list(default) if default else None

    def filter_queryset(self, request: Any, queryset: Any, view: Any) -> Any:
        ordering = self.get_ordering(request, queryset, view)
        if ordering:
            return queryset.order_by(*ordering)
        return queryset

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": "Which field to use when ordering the results.",
                "schema": {"type": "string"},
            }
        ]


class FieldFilter(BaseFilterBackend):
    """``?author=3``: exact matches on the view's ``filterset_fields``.

    Each value is validated by the serializer's field of that name first, so
    ``?pages=abc`` is a 400 naming the field, never a database error.
    """

    def filter_queryset(self, request: Any, queryset: Any, view: Any) -> Any:
        names = list(getattr(view, "filterset_fields", None) or [])
        if not names:
            return queryset
        serializer = view.get_serializer() if hasattr(view, "get_serializer") else None
        fields = serializer.fields if serializer is not None else {}
        lookups: dict[str, Any] = {}
        errors: dict[str, Any] = {}
        for name in names:
            raw = request.query_params.get(name)
            if raw is None:
                continue
            field = fields.get(name)
            value: Any = raw
            if field is not None:
                try:
                    value = field.to_internal_value(raw)
                except ValidationError as exc:
                    errors[name] = exc.detail
                    continue
                value = getattr(value, "pk", value)
            source = getattr(field, "source", name) or name
            lookups[source] = value
        if errors:
            raise ValidationError(errors)
        return queryset.filter(**lookups) if lookups else queryset

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {"name": name, "required": False, "in": "query", "schema": {"type": "string"}}
            for name in getattr(view, "filterset_fields", None) or []
        ]

"""Pagination: page number, limit/offset, and cursor (keyset, fast on large tables)."""

from __future__ import annotations

import base64
import binascii
import functools
import json
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import sqlalchemy as sa

from manouche.restkit.exceptions import NotFound
from manouche.restkit.response import Response


def _positive_int(text: Any, strict: bool = False, cutoff: int | None = None) -> int:
    value = int(text)
    if value < 0 or (value == 0 and strict):
        raise ValueError(text)
    if cutoff is not None:
        value = min(value, cutoff)
    return value


def replace_query_param(url: str, key: str, value: Any) -> str:
    scheme, netloc, path, query, fragment = urlsplit(url)
    params = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != key]
    params.append((key, str(value)))
    return urlunsplit((scheme, netloc, path, urlencode(sorted(params)), fragment))


def remove_query_param(url: str, key: str) -> str:
    scheme, netloc, path, query, fragment = urlsplit(url)
    params = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != key]
    return urlunsplit((scheme, netloc, path, urlencode(sorted(params)), fragment))


def _count(queryset: Any) -> int:
    if hasattr(queryset, "count") and not isinstance(queryset, list):
        return int(queryset.count())
    return len(queryset)


def _url(request: Any) -> str:
    return str(request.url)


class BasePagination:
    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> Any:
        raise NotImplementedError("paginate_queryset() must be implemented.")

    def get_paginated_response(self, data: Any) -> Response:
        raise NotImplementedError("get_paginated_response() must be implemented.")

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return schema

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return []


class PageNumberPagination(BasePagination):
    """``?page=2`` (and ``?page_size=`` when ``page_size_query_param`` is set)."""

    page_size: int | None = 100
    page_query_param = "page"
    page_size_query_param: str | None = None
    max_page_size: int | None = 1000
    last_page_strings = ("last",)
    invalid_page_message = "Invalid page."

    def get_page_size(self, request: Any) -> int | None:
        if self.page_size_query_param:
            try:
                return _positive_int(
                    request.query_params[self.page_size_query_param],
                    strict=True,
                    cutoff=self.max_page_size,
                )
            except (KeyError, ValueError):
                pass
        return self.page_size

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> Any:
        self.request = request
        page_size = self.get_page_size(request)
        if not page_size:
            return None
        self.count = _count(queryset)
        self.num_pages = max(1, -(-self.count // page_size))
        raw = request.query_params.get(self.page_query_param) or 1
        if raw in self.last_page_strings:
            number = self.num_pages
        else:
            try:
                number = int(raw)
            except (TypeError, ValueError):
                raise NotFound(self.invalid_page_message) from None
        if number < 1 or number > self.num_pages:
            raise NotFound(self.invalid_page_message)
        self.number = number
        self.page_size_used = page_size
        start = (number - 1) * page_size
        return list(queryset[start : start + page_size])

    def get_next_link(self) -> str | None:
        if self.number >= self.num_pages:
            return None
        return replace_query_param(_url(self.request), self.page_query_param, self.number + 1)

    def get_previous_link(self) -> str | None:
        if self.number <= 1:
            return None
        url = _url(self.request)
        if self.number - 1 == 1:
            return remove_query_param(url, self.page_query_param)
        return replace_query_param(url, self.page_query_param, self.number - 1)

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {
                "count": self.count,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["count", "results"],
            "properties": {
                "count": {"type": "integer"},
                "next": {"type": ["string", "null"], "format": "uri"},
                "previous": {"type": ["string", "null"], "format": "uri"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        params = [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": "A page number within the paginated result set.",
                "schema": {"type": "integer"},
            }
        ]
        if self.page_size_query_param:
            params.append(
                {
                    "name": self.page_size_query_param,
                    "required": False,
                    "in": "query",
                    "description": "Number of results to return per page.",
                    "schema": {"type": "integer"},
                }
            )
        return params


class LimitOffsetPagination(BasePagination):
    """``?limit=20&offset=40``."""

    default_limit: int | None = 100
    limit_query_param = "limit"
    offset_query_param = "offset"
    max_limit: int | None = 1000

    def get_limit(self, request: Any) -> int | None:
        try:
            return _positive_int(
                request.query_params[self.limit_query_param], strict=True, cutoff=self.max_limit
            )
        except (KeyError, ValueError):
            return self.default_limit

    def get_offset(self, request: Any) -> int:
        try:
            return _positive_int(request.query_params[self.offset_query_param])
        except (KeyError, ValueError):
            return 0

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> Any:
        self.request = request
        self.limit = self.get_limit(request)
        if self.limit is None:
            return None
        self.count = _count(queryset)
        self.offset = self.get_offset(request)
        if self.count == 0 or self.offset > self.count:
            return []
        return list(queryset[self.offset : self.offset + self.limit])

    def get_next_link(self) -> str | None:
        assert self.limit is not None
        if self.offset + self.limit >= self.count:
            return None
        url = replace_query_param(_url(self.request), self.limit_query_param, self.limit)
        return replace_query_param(url, self.offset_query_param, self.offset + self.limit)

    def get_previous_link(self) -> str | None:
        assert self.limit is not None
        if self.offset <= 0:
            return None
        url = replace_query_param(_url(self.request), self.limit_query_param, self.limit)
        if self.offset - self.limit <= 0:
            return remove_query_param(url, self.offset_query_param)
        return replace_query_param(url, self.offset_query_param, self.offset - self.limit)

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {
                "count": self.count,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    get_paginated_response_schema = PageNumberPagination.get_paginated_response_schema

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.limit_query_param,
                "required": False,
                "in": "query",
                "description": "Number of results to return per page.",
                "schema": {"type": "integer"},
            },
            {
                "name": self.offset_query_param,
                "required": False,
                "in": "query",
                "description": "The initial index from which to return the results.",
                "schema": {"type": "integer"},
            },
        ]


@functools.lru_cache(maxsize=256)
def _is_unique(model: Any, name: str) -> bool | None:
    """Whether ``name`` holds a different value in every row of ``model``'s table.

    None when the model has no SQLAlchemy table to tell (the check is then
    left to the database).
    """
    table: Any = getattr(model, "__table__", None)
    if table is None or not hasattr(table, "columns"):
        return None
    columns = table.columns
    primary = list(table.primary_key.columns)
    if name == "pk":
        return len(primary) == 1
    column = None
    for candidate in columns:
        if name in (candidate.key, candidate.name) or candidate.name == f"{name}_id":
            column = candidate
            break
    if column is None:
        return None  # not a column (an annotation?): the database decides
    if column.primary_key:
        return len(primary) == 1
    if column.unique:
        return True
    for constraint in table.constraints:
        if isinstance(constraint, sa.UniqueConstraint) and list(constraint.columns) == [column]:
            return True
    return any(index.unique and list(index.columns) == [column] for index in table.indexes)


class CursorPagination(BasePagination):
    """Keyset pagination on a unique ``ordering`` (``"-pk"`` by default).

    Each page is one indexed range query (``WHERE key < position ORDER BY key
    LIMIT n``), so page 10,000 of a million rows costs what page 1 does; no
    count is taken. Cursors are opaque, base64 JSON, and validated.
    """

    cursor_query_param = "cursor"
    page_size: int = 100
    page_size_query_param: str | None = None
    max_page_size: int | None = 1000
    ordering = "-pk"
    invalid_cursor_message = "Invalid cursor"

    def get_ordering(self, request: Any, queryset: Any, view: Any) -> str:
        """The one field the pages are cut on, checked to be unique on the model.

        The view's ``ordering``, else this class's. A list or tuple is taken
        as DRF takes it (the cursor is cut on its first field), so its first
        field must be unique: keyset pages on a field that repeats would skip
        or repeat the rows that share a value at a page's edge.
        """
        ordering = getattr(view, "ordering", None) if view is not None else None
        ordering = ordering or self.ordering
        if not isinstance(ordering, (str, list, tuple)) or not ordering:
            raise AssertionError(
                "Invalid ordering. Expected string or tuple, but got "
                f"{type(ordering).__name__}: {ordering!r}."
            )
        first = ordering if isinstance(ordering, str) else ordering[0]
        if not isinstance(first, str) or not first.lstrip("-"):
            raise AssertionError(f"Invalid ordering: {ordering!r}.")
        if "__" in first:
            raise AssertionError(
                "Cursor pagination does not support double underscore lookups for orderings. "
                "Orderings should be an unchanging, unique field on the model, such as "
                '"-created" or "pk".'
            )
        model = getattr(queryset, "model", None)
        if model is not None and _is_unique(model, first.lstrip("-")) is False:
            raise AssertionError(
                f"Cursor pagination needs a unique ordering: {model.__name__}.{first.lstrip('-')} "
                "is not unique (not the primary key, not a unique column, in no one-column "
                "unique constraint), so rows sharing a value at a page's edge would be skipped "
                "or repeated. Order by the primary key or a unique, unchanging column "
                '(ordering = "-pk", or "-created" when created is unique).'
            )
        return first

    def get_page_size(self, request: Any) -> int:
        if self.page_size_query_param:
            try:
                return _positive_int(
                    request.query_params[self.page_size_query_param],
                    strict=True,
                    cutoff=self.max_page_size,
                )
            except (KeyError, ValueError):
                pass
        return self.page_size

    def decode_cursor(self, request: Any) -> tuple[Any, bool] | None:
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is None:
            return None
        try:
            if len(encoded) > 1024:
                raise ValueError("cursor too long")
            raw = base64.urlsafe_b64decode(encoded.encode("ascii") + b"==").decode()
            data = json.loads(raw)
            if not isinstance(data, dict) or set(data) - {"p", "r"}:
                raise ValueError("bad cursor")
            position = data.get("p")
            if not isinstance(position, (int, str, float)) or isinstance(position, bool):
                raise ValueError("bad position")
            return position, bool(data.get("r", False))
        except (ValueError, UnicodeError, binascii.Error):
            raise NotFound(self.invalid_cursor_message) from None

    def encode_cursor(self, position: Any, reverse: bool) -> str:
        data: dict[str, Any] = {"p": position}
        if reverse:
            data["r"] = 1
        raw = json.dumps(data, separators=(",", ":")).encode()
        url = _url(self.request)
        return replace_query_param(
            url, self.cursor_query_param, base64.urlsafe_b64encode(raw).decode().rstrip("=")
        )

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> Any:
        self.request = request
        self.page_size_used = self.get_page_size(request)
        ordering = self.get_ordering(request, queryset, view)
        self.field = ordering.lstrip("-")
        descending = ordering.startswith("-")
        cursor = self.decode_cursor(request)
        position, reverse = cursor if cursor is not None else (None, False)
        going_down = descending != reverse
        query = queryset.order_by(("-" if going_down else "") + self.field)
        if position is not None:
            lookup = f"{self.field}__{'lt' if going_down else 'gt'}"
            try:
                query = query.filter(**{lookup: position})
            except (TypeError, ValueError):
                raise NotFound(self.invalid_cursor_message) from None
        try:
            rows = list(query[: self.page_size_used + 1])
        except (TypeError, ValueError):
            raise NotFound(self.invalid_cursor_message) from None
        has_more = len(rows) > self.page_size_used
        rows = rows[: self.page_size_used]
        if reverse:
            rows.reverse()
        self.page = rows
        self.has_following = has_more if not reverse else position is not None
        self.has_preceding = (position is not None) if not reverse else has_more
        return rows

    def _position(self, obj: Any) -> Any:
        value = getattr(obj, self.field) if not isinstance(obj, dict) else obj[self.field]
        if not isinstance(value, (int, float, str)):
            value = str(value)
        return value

    def get_next_link(self) -> str | None:
        if not self.has_following or not self.page:
            return None
        return self.encode_cursor(self._position(self.page[-1]), reverse=False)

    def get_previous_link(self) -> str | None:
        if not self.has_preceding or not self.page:
            return None
        return self.encode_cursor(self._position(self.page[0]), reverse=True)

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {"next": self.get_next_link(), "previous": self.get_previous_link(), "results": data}
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["results"],
            "properties": {
                "next": {"type": ["string", "null"], "format": "uri"},
                "previous": {"type": ["string", "null"], "format": "uri"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "The pagination cursor value.",
                "schema": {"type": "string"},
            }
        ]

"""The change list: one model's rows, filtered, searched, sorted and paginated.

Every step narrows one SQLAlchemy ``select()`` of the model's table; the page
is read with ``LIMIT``/``OFFSET`` and only its rows become instances. The
count of all rows (Django's "N total") is only made when
``show_full_result_count`` says so.
"""

from __future__ import annotations

import datetime as dt
import shlex
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import sqlalchemy as sa

from manouche.adminkit._meta import Opts, opts_of
from manouche.adminkit.filters import (
    FieldListFilter,
    IncorrectLookupParameters,
    ListFilter,
    SimpleListFilter,
)
from manouche.validation import base_type

if TYPE_CHECKING:
    from manouche.adminkit._store import Store
    from manouche.adminkit.options import ModelAdmin

ALL_VAR = "all"
ORDER_VAR = "o"
PAGE_VAR = "p"
SEARCH_VAR = "q"
ERROR_FLAG = "e"
FACETS_VAR = "_facets"
IGNORED_PARAMS = (
    ALL_VAR,
    ORDER_VAR,
    SEARCH_VAR,
    ERROR_FLAG,
    FACETS_VAR,
    PAGE_VAR,
    "_popup",
    "_to_field",
)


def related_condition(opts: Opts, path: str, make: Any) -> Any:
    """``make(column)`` for a field path; a ``__`` path through foreign keys becomes
    ``fk IN (SELECT key FROM related WHERE ...)``, one subquery per hop."""
    head, _, rest = path.partition("__")
    field = opts.get_field(head)
    if not rest or field.kind != "fk":
        if field.column is None:
            raise IncorrectLookupParameters(f"{path!r} is not a column of {opts.object_name}")
        return make(field.column)
    related = opts_of(field.related_model)
    target = field.related_column if field.related_column is not None else related.pk_column
    inner = related_condition(related, rest, make)
    return field.column.in_(sa.select(target).where(inner))


def column_for(opts: Opts, path: str) -> Any:
    field = opts.get_field(path.split("__", 1)[0])
    if "__" not in path:
        return field.column
    return None


def search_terms(text: str) -> list[str]:
    try:
        return [t for t in shlex.split(text) if t]
    except ValueError:
        return text.split()


class ChangeList:
    def __init__(
        self, request: Any, model_admin: ModelAdmin, store: Store, has_actions: bool = False
    ) -> None:
        self.request = request
        self.model_admin = model_admin
        self.model = model_admin.model
        self.opts = model_admin.opts
        self.store = store
        get = request.GET
        self.params: dict[str, str] = {k: get[k] for k in get.keys()}
        self.query = self.params.get(SEARCH_VAR, "")[:1000]
        try:
            self.page_num = max(1, int(self.params.get(PAGE_VAR, "1")))
        except ValueError:
            raise IncorrectLookupParameters("the page number is not a number") from None
        self.show_all = ALL_VAR in self.params
        self.add_facets = model_admin.show_facets == "always" or (
            model_admin.show_facets == "allow" and FACETS_VAR in self.params
        )
        self.list_display = model_admin.get_list_display(request)
        self.list_display_links = model_admin.get_list_display_links(request, self.list_display)
        #: Django numbers the columns of ``?o=`` with the action checkbox as column 0
        #: when the list has actions, so ``list_display[0]`` is then column 1.
        self.column_offset = 1 if has_actions else 0
        self.list_per_page = model_admin.list_per_page
        self.date_hierarchy = model_admin.date_hierarchy
        self.filter_specs, self.has_filters = self._filters()
        self.base = model_admin.get_queryset(request)
        self.ordering = self.get_ordering()
        self.statement = self.filtered_statement()

    # -- filters ------------------------------------------------------------

    def _filters(self) -> tuple[list[ListFilter], bool]:
        lookup = {k: v for k, v in self.params.items() if k not in IGNORED_PARAMS}
        if self.date_hierarchy:
            for part in ("year", "month", "day"):
                lookup.pop(f"{self.date_hierarchy}__{part}", None)
        specs: list[ListFilter] = []
        for item in self.model_admin.get_list_filter(self.request):
            if isinstance(item, type) and issubclass(item, SimpleListFilter):
                spec: ListFilter = item(self.request, lookup, self.model, self.model_admin)
            else:
                if isinstance(item, (list, tuple)):
                    path, cls = item
                else:
                    path, cls = item, FieldListFilter
                field = self.opts.get_field(path)
                if cls is FieldListFilter:
                    spec = FieldListFilter.create(
                        field, self.request, lookup, self.model, self.model_admin, path
                    )
                else:
                    spec = cls(field, self.request, lookup, self.model, self.model_admin, path)
            if spec.has_output():
                specs.append(spec)
        if lookup:
            names = ", ".join(sorted(lookup))
            raise IncorrectLookupParameters(f"filtering by {names} is not allowed")
        return specs, bool(specs)

    def filtered_statement(self, exclude: ListFilter | None = None) -> Any:
        statement = self.base
        for spec in self.filter_specs:
            if spec is exclude:
                continue
            narrowed = spec.queryset(self.request, statement)
            if narrowed is not None:
                statement = narrowed
        statement = self._date_hierarchy(statement)
        if self.query:
            statement = self.apply_search(statement, self.query)
        return statement

    def _date_hierarchy(self, statement: Any) -> Any:
        if not self.date_hierarchy:
            return statement
        column = self.opts.get_field(self.date_hierarchy).column
        parts = {}
        for part in ("year", "month", "day"):
            value = self.params.get(f"{self.date_hierarchy}__{part}")
            if value is not None:
                try:
                    parts[part] = int(value)
                except ValueError:
                    raise IncorrectLookupParameters(f"{part} must be a number") from None
        if "year" not in parts:
            return statement
        try:
            start = dt.date(parts["year"], parts.get("month", 1), parts.get("day", 1))
        except ValueError:
            raise IncorrectLookupParameters("no such date") from None
        if "day" in parts:
            end = start + dt.timedelta(days=1)
        elif "month" in parts:
            end = (start + dt.timedelta(days=32)).replace(day=1)
        else:
            end = start.replace(year=start.year + 1)
        lo: Any = start
        hi: Any = end
        if isinstance(base_type(column), sa.DateTime):
            lo, hi = dt.datetime.combine(start, dt.time()), dt.datetime.combine(end, dt.time())
            if getattr(base_type(column), "timezone", False):
                lo, hi = lo.replace(tzinfo=dt.UTC), hi.replace(tzinfo=dt.UTC)
        return statement.where(column >= lo, column < hi)

    def apply_search(self, statement: Any, text: str) -> Any:
        fields = self.model_admin.get_search_fields(self.request)
        if not fields:
            return statement
        dialect = self.store.engine_of(self.model).dialect.name
        for term in search_terms(text):
            ors = []
            for name in fields:
                ors.append(
                    related_condition(self.opts, name.lstrip("^=@"), _matcher(name, term, dialect))
                )
            statement = statement.where(sa.or_(*ors))
        return statement

    # -- ordering -----------------------------------------------------------

    def sortable_field(self, item: Any) -> Any:
        """The column (or path) sorting a list_display entry, or None."""
        if callable(item):
            return getattr(item, "admin_order_field", None)
        if isinstance(item, str):
            attr = getattr(self.model_admin, item, None)
            if attr is not None and callable(attr):
                return getattr(attr, "admin_order_field", None)
            try:
                field = self.opts.get_field(item)
            except LookupError:
                attr = getattr(self.model, item, None)
                return getattr(attr, "admin_order_field", None)
            return field.name if field.column is not None else None
        return None

    def _order_columns(self, name: str) -> list[Any]:
        """The ORDER BY terms of one ordering entry ("-field").

        A foreign key sorts as Django sorts it: by the related model's
        ``Meta.ordering`` (each of its columns read through a subquery on the
        key, a "-" there turning the direction), or by the key when that
        model has none.
        """
        desc = name.startswith("-")
        path = name.lstrip("-")
        try:
            column = column_for(self.opts, path)
            field = self.opts.get_field(path) if "__" not in path else None
        except LookupError:
            return []
        if column is None:
            return []
        if field is not None and field.kind == "fk" and field.name == path:
            related = opts_of(field.related_model)
            target = field.related_column if field.related_column is not None else related.pk_column
            terms: list[Any] = []
            for item in related.ordering or ():
                flip = item.startswith("-")
                try:
                    other = related.get_field(item.lstrip("-"))
                except LookupError:
                    terms = []
                    break
                if other.column is None or other.kind == "fk":
                    terms = []  # deeper orderings: sorted by the key instead
                    break
                value = sa.select(other.column).where(target == column).scalar_subquery()
                terms.append(value.desc() if desc != flip else value.asc())
            if terms:
                return terms
        return [column.desc() if desc else column.asc()]

    def column_item(self, number: int) -> Any:
        """The list_display entry of column ``number`` (Django's numbering), or None."""
        index = number - self.column_offset
        if 0 <= index < len(self.list_display):
            return self.list_display[index]
        return None

    def get_ordering(self) -> list[tuple[int | None, str]]:
        """(column number or None, "-field") pairs, the query string's first.

        Columns are numbered as Django numbers them (the action checkbox, when
        there are actions, is column 0); ``?o=2.-1`` sorts by column 2, then by
        column 1 descending. Without ``o`` the admin's (or the model's) ordering
        applies, and each of its fields is tied to the first column it sorts, so
        the headers show it as Django's do.
        """
        chosen: list[tuple[int | None, str]] = []
        order = self.params.get(ORDER_VAR)
        if order:
            seen: set[int] = set()
            for part in order.split("."):
                _none, sign, num = part.rpartition("-")
                try:
                    number = int(num)
                except ValueError:
                    continue
                item = self.column_item(number)
                field = self.sortable_field(item) if item is not None else None
                if not field or number in seen:
                    continue
                seen.add(number)
                if isinstance(field, str) and field.startswith("-"):
                    field = field[1:] if sign == "-" else field
                elif sign == "-":
                    field = "-" + str(field)
                chosen.append((number, str(field)))
            # Then the admin's own ordering, as Django's queryset carries it (not the
            # model's Meta.ordering: a sorted column replaces that).
            for name in self.model_admin.get_ordering(self.request) or ():
                chosen.append((None, name))
        else:
            taken: set[int] = set()
            for name in self.model_admin.get_ordering(self.request) or self.opts.ordering:
                bare = name.lstrip("-")
                guess: int | None = next(
                    (
                        i + self.column_offset
                        for i, item in enumerate(self.list_display)
                        if self.sortable_field(item) == bare
                    ),
                    None,
                )
                if guess in taken:
                    guess = None
                if guess is not None:
                    taken.add(guess)
                chosen.append((guess, name))
        return chosen

    def order_by(self) -> list[Any]:
        columns = []
        names = set()
        for _index, name in self.ordering:
            if name.lstrip("-") in names:
                continue
            terms = self._order_columns(name)
            if terms:
                columns.extend(terms)
                names.add(name.lstrip("-"))
        pk = self.opts.pk_field.name
        if pk not in names and "pk" not in names:
            columns.append(self.opts.pk_column.desc())
        return columns

    def ordering_field_columns(self) -> dict[int, str]:
        """Column number -> "asc"/"desc", Django's: every number ``?o=`` names (a
        column that cannot sort included, so links keep it), else the columns of
        the default ordering."""
        order = self.params.get(ORDER_VAR)
        if order is None:
            return {
                number: "desc" if name.startswith("-") else "asc"
                for number, name in self.ordering
                if number is not None
            }
        found: dict[int, str] = {}
        for part in order.split("."):
            _none, sign, num = part.rpartition("-")
            try:
                found[int(num)] = "desc" if sign == "-" else "asc"
            except ValueError:
                continue
        return found

    def sort_info(self) -> dict[int, tuple[str, int]]:
        """Sortable column number -> ("ascending"/"descending", priority)."""
        found = {}
        for priority, (number, order_type) in enumerate(self.ordering_field_columns().items(), 1):
            item = self.column_item(number)
            if item is not None and self.sortable_field(item):
                found[number] = ("descending" if order_type == "desc" else "ascending", priority)
        return found

    def sort_query(self, index: int) -> str:
        """The query string of a click on column ``index``'s header: that column
        first, its direction turned, the other sort columns after it."""
        columns = self.ordering_field_columns()
        new_type = {"asc": "desc", "desc": "asc"}.get(columns.get(index, ""), "asc")
        first = ("-" if new_type == "desc" else "") + str(index)
        others = [("-" if t == "desc" else "") + str(j) for j, t in columns.items() if j != index]
        return self.get_query_string({ORDER_VAR: ".".join([first, *others])}, [PAGE_VAR])

    def remove_sort_query(self, index: int) -> str:
        """The query string without column ``index`` among the sort columns."""
        others = [
            ("-" if t == "desc" else "") + str(j)
            for j, t in self.ordering_field_columns().items()
            if j != index
        ]
        return self.get_query_string({ORDER_VAR: ".".join(others) or None}, [PAGE_VAR])

    # -- counting and the page ---------------------------------------------

    def count(self, statement: Any) -> int:
        counting = statement.with_only_columns(sa.func.count(), maintain_column_froms=True)
        return int(self.store.scalar(self.model, counting.order_by(None)) or 0)

    def bounded_count(self, statement: Any, limit: int) -> int:
        """The number of matching rows, reading at most ``limit + 1`` of them."""
        ones = statement.with_only_columns(sa.literal_column("1"), maintain_column_froms=True)
        sub = ones.order_by(None).limit(limit + 1).subquery()
        counting = sa.select(sa.func.count()).select_from(sub)
        return int(self.store.scalar(self.model, counting) or 0)

    def get_results(self) -> None:
        limit = self.model_admin.list_count_limit
        #: True when there are more matching rows than ``list_count_limit`` (not counted).
        self.count_capped = False
        if not self.model_admin.show_full_result_count and limit:
            self.result_count = self.bounded_count(self.statement, limit)
            if self.result_count > limit:
                self.result_count, self.count_capped = limit, True
        else:
            self.result_count = self.count(self.statement)
        if self.model_admin.show_full_result_count:
            self.full_result_count: int | None = (
                self.count(self.base)
                if (self.has_active_filters or self.query)
                else self.result_count
            )
        else:
            self.full_result_count = None
        per_page = self.list_per_page
        self.can_show_all = (
            self.result_count <= self.model_admin.list_max_show_all and not self.count_capped
        )
        self.multi_page = self.result_count > per_page
        self.num_pages = max(1, -(-self.result_count // per_page))
        if self.page_num > self.num_pages and not self.count_capped:
            self.page_num = self.num_pages
        statement = self.statement.order_by(*self.order_by())
        if not (self.show_all and self.can_show_all):
            statement = statement.limit(per_page).offset((self.page_num - 1) * per_page)
        self.result_list = self.store.instances(self.model, statement)
        self.model_admin.prefetch_related(self.request, self.result_list, self.list_display)

    @property
    def has_active_filters(self) -> bool:
        return any(spec.used_parameters for spec in self.filter_specs) or any(
            k.startswith(f"{self.date_hierarchy}__") for k in self.params if self.date_hierarchy
        )

    def page_range(self) -> list[int | None]:
        """Page numbers around the current one and at both ends; None is an ellipsis."""
        total, current = self.num_pages, self.page_num
        if getattr(self, "count_capped", False):
            # Beyond the rows counted: the pages near this one, and no last page.
            total = max(total, current + 1)
            wanted = {1, 2, *range(current - 3, current + 2)}
            out: list[int | None] = []
            last = 0
            for n in sorted(w for w in wanted if 1 <= w <= total):
                if n != last + 1:
                    out.append(None)
                out.append(n)
                last = n
            return [*out, None]
        if total <= 10:
            return list(range(1, total + 1))
        wanted = {1, 2, total - 1, total, *range(current - 3, current + 4)}
        found: list[int | None] = []
        last = 0
        for n in sorted(w for w in wanted if 1 <= w <= total):
            if n != last + 1:
                found.append(None)
            found.append(n)
            last = n
        return found

    def get_query_string(
        self, new: dict[str, Any] | None = None, remove: Sequence[str] | None = None
    ) -> str:
        params = dict(self.params)
        for name in remove or ():
            for key in list(params):
                if key == name or key.startswith(name):
                    del params[key]
        for key, value in (new or {}).items():
            if value is None:
                params.pop(key, None)
            else:
                params[key] = str(value)
        params.pop(ERROR_FLAG, None)
        return "?" + urlencode(sorted(params.items()))

    # -- date hierarchy links ------------------------------------------------

    def date_links(self) -> dict[str, Any] | None:
        if not self.date_hierarchy:
            return None
        name = self.date_hierarchy
        column = self.opts.get_field(name).column
        year = self.params.get(f"{name}__year")
        month = self.params.get(f"{name}__month")
        day = self.params.get(f"{name}__day")
        base = self.filtered_statement()
        back = None
        if year and month and day:
            back = (
                self.get_query_string(
                    {f"{name}__year": year, f"{name}__month": month}, [f"{name}__day"]
                ),
                f"{year}-{int(month):02d}",
            )
            return {"back": back, "choices": [(None, f"{year}-{int(month):02d}-{int(day):02d}")]}
        if year and month:
            part, keep = "day", {f"{name}__year": year, f"{name}__month": month}
            back = (
                self.get_query_string({f"{name}__year": year}, [f"{name}__month", f"{name}__day"]),
                str(year),
            )
        elif year:
            part, keep = "month", {f"{name}__year": year}
            back = (self.get_query_string(remove=[f"{name}__"]), "‹ " + "all")
        else:
            part, keep = "year", {}
        extracted = sa.extract(part, column).label("v")
        sub = base.with_only_columns(extracted).order_by(None).subquery()
        statement = sa.select(sub.c.v).distinct().order_by(sub.c.v).limit(100)
        values = [
            int(row[0]) for row in self.store.execute(self.model, statement) if row[0] is not None
        ]
        choices = []
        for v in values:
            params = dict(keep)
            params[f"{name}__{part}"] = str(v)
            label = str(v)
            if part == "month":
                label = f"{year}-{v:02d}"
            elif part == "day":
                label = f"{year}-{int(month or 1):02d}-{v:02d}"
            choices.append((self.get_query_string(params), label))
        return {"back": back, "choices": choices}


def _text(column: Any) -> Any:
    return column if isinstance(base_type(column), sa.String) else sa.cast(column, sa.String)


def _matcher(name: str, term: str, dialect: str) -> Any:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    if name.startswith("^"):
        return lambda column: _text(column).ilike(escaped + "%", escape="\\")
    if name.startswith("="):
        return lambda column: sa.func.lower(_text(column)) == term.lower()
    if name.startswith("@") and dialect == "postgresql":
        return lambda column: sa.func.to_tsvector(column).bool_op("@@")(
            sa.func.plainto_tsquery(term)
        )
    return lambda column: _text(column).ilike("%" + escaped + "%", escape="\\")

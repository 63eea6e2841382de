"""The change list's filters: Django's ``list_filter`` classes, on SQLAlchemy Core.

A filter reads its parameters from the query string, narrows the change
list's ``select()`` (``queryset(request, statement)``) and lists its choices,
each with the query string that selects it and, when facets are shown, the
number of rows it would leave.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from manouche.adminkit._i18n import gettext
from manouche.adminkit._meta import capfirst, opts_of, python_type
from manouche.validation import base_type

if TYPE_CHECKING:
    from manouche.adminkit._changelist import ChangeList
    from manouche.validation import ModelField

__all__ = [
    "AllValuesFieldListFilter",
    "BooleanFieldListFilter",
    "ChoicesFieldListFilter",
    "DateFieldListFilter",
    "FieldListFilter",
    "IncorrectLookupParameters",
    "ListFilter",
    "RelatedFieldListFilter",
    "SimpleListFilter",
]


class IncorrectLookupParameters(ValueError):
    """A filter parameter of the query string that does not apply (answered with 400)."""


class ListFilter:
    """The base of every change-list filter: ``title``, ``has_output()``,
    ``expected_parameters()``, ``choices()`` and ``queryset()``, as Django's;
    ``queryset()`` narrows a SQLAlchemy ``select()`` rather than a QuerySet.
    """

    title: str = ""
    template = "admin/filter.html"

    def __init__(self, request: Any, params: dict[str, str], model: Any, model_admin: Any) -> None:
        self.used_parameters: dict[str, str] = {}
        self.model = model
        self.model_admin = model_admin

    def has_output(self) -> bool:
        raise NotImplementedError

    def expected_parameters(self) -> list[str]:
        raise NotImplementedError

    def choices(self, changelist: ChangeList) -> Iterator[dict[str, Any]]:
        raise NotImplementedError

    def queryset(self, request: Any, statement: Any) -> Any:
        raise NotImplementedError

    def facet_counts(self, changelist: ChangeList) -> dict[Any, int]:
        return {}

    def _take(self, params: dict[str, str]) -> None:
        for name in self.expected_parameters():
            if name in params:
                self.used_parameters[name] = params.pop(name)


class SimpleListFilter(ListFilter):
    """Subclass with ``title``, ``parameter_name``, ``lookups()`` and ``queryset()``.

    ``queryset(request, statement)`` gets a SQLAlchemy ``select()`` of the
    model's table and returns it narrowed (``statement.where(...)``), or None
    to leave it as it is; ``self.value()`` is the selected lookup.
    """

    parameter_name: str = ""

    def __init__(self, request: Any, params: dict[str, str], model: Any, model_admin: Any) -> None:
        super().__init__(request, params, model, model_admin)
        if not self.parameter_name:
            raise TypeError(
                f"The list filter '{type(self).__name__}' does not specify a 'parameter_name'."
            )
        if not self.title:
            raise TypeError(f"The list filter '{type(self).__name__}' does not specify a 'title'.")
        self._take(params)
        self.lookup_choices = list(self.lookups(request, model_admin) or ())

    def lookups(self, request: Any, model_admin: Any) -> Any:
        raise NotImplementedError(
            "The SimpleListFilter.lookups() method must be overridden to return a list "
            "of tuples (value, verbose value)."
        )

    def value(self) -> str | None:
        return self.used_parameters.get(self.parameter_name)

    def has_output(self) -> bool:
        return len(self.lookup_choices) > 0

    def expected_parameters(self) -> list[str]:
        return [self.parameter_name]

    def facet_counts(self, changelist: ChangeList) -> dict[Any, int]:
        counts: dict[Any, int] = {}
        base = changelist.filtered_statement(exclude=self)
        for lookup, _title in self.lookup_choices:
            saved = dict(self.used_parameters)
            self.used_parameters[self.parameter_name] = str(lookup)
            narrowed = self.queryset(changelist.request, base)
            self.used_parameters = saved
            counts[str(lookup)] = changelist.count(narrowed if narrowed is not None else base)
        return counts

    def choices(self, changelist: ChangeList) -> Iterator[dict[str, Any]]:
        counts = self.facet_counts(changelist) if changelist.add_facets else {}
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": gettext("All"),
        }
        for lookup, title in self.lookup_choices:
            count = counts.get(str(lookup))
            yield {
                "selected": self.value() == str(lookup),
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": f"{title} ({count})" if count is not None else title,
            }


class FieldListFilter(ListFilter):
    """A filter on one field of the model; ``create()`` picks the class for the field."""

    _registry: list[tuple[Any, type[FieldListFilter]]] = []

    def __init__(
        self,
        field: ModelField,
        request: Any,
        params: dict[str, str],
        model: Any,
        model_admin: Any,
        field_path: str,
    ) -> None:
        super().__init__(request, params, model, model_admin)
        self.field = field
        self.field_path = field_path
        self.column = field.column
        self.title = capfirst(field.verbose_name)
        self._take(params)

    def has_output(self) -> bool:
        return True

    @classmethod
    def register(
        cls, test: Any, list_filter_class: type[FieldListFilter], take_priority: bool = False
    ) -> None:
        if take_priority:
            cls._registry.insert(0, (test, list_filter_class))
        else:
            cls._registry.append((test, list_filter_class))

    @classmethod
    def create(
        cls,
        field: ModelField,
        request: Any,
        params: dict[str, str],
        model: Any,
        model_admin: Any,
        field_path: str,
    ) -> FieldListFilter:
        for test, list_filter_class in cls._registry:
            if test(field):
                return list_filter_class(field, request, params, model, model_admin, field_path)
        raise TypeError(f"no list filter for field {field.name!r}")  # pragma: no cover

    def _grouped_counts(self, changelist: ChangeList, column: Any) -> dict[Any, int]:
        base = changelist.filtered_statement(exclude=self)
        sub = base.with_only_columns(column.label("value")).subquery()
        statement = sa.select(sub.c.value, sa.func.count()).group_by(sub.c.value)
        return {row[0]: int(row[1]) for row in changelist.store.execute(self.model, statement)}

    @staticmethod
    def _label(title: Any, count: int | None) -> str:
        return f"{title} ({count})" if count is not None else str(title)


def _coerce(column: Any, value: str) -> Any:
    kind = python_type(column)
    if kind is None:
        return value
    try:
        if kind is bool:
            if value in ("1", "True", "true"):
                return True
            if value in ("0", "False", "false"):
                return False
            raise ValueError(value)
        if kind in (dt.date, dt.datetime):
            return kind.fromisoformat(value)
        return kind(value)
    except (ValueError, TypeError, ArithmeticError) as exc:
        raise IncorrectLookupParameters(f"{value!r} is not a valid value for {column.key}") from exc


class BooleanFieldListFilter(FieldListFilter):
    """Filters a boolean field: All, Yes, No, and Unknown when the field is nullable."""

    def __init__(self, *args: Any) -> None:
        field = args[0]
        self.lookup_kwarg = f"{args[5]}__exact"
        self.lookup_kwarg2 = f"{args[5]}__isnull"
        super().__init__(*args)
        self.lookup_val = self.used_parameters.get(self.lookup_kwarg)
        self.lookup_val2 = self.used_parameters.get(self.lookup_kwarg2)
        self.nullable = field.null

    def expected_parameters(self) -> list[str]:
        return [self.lookup_kwarg, self.lookup_kwarg2]

    def queryset(self, request: Any, statement: Any) -> Any:
        if self.lookup_val is not None:
            statement = statement.where(self.column == _coerce(self.column, self.lookup_val))
        if self.lookup_val2 is not None:
            statement = statement.where(
                self.column.is_(None)
                if self.lookup_val2 in ("1", "True")
                else self.column.is_not(None)
            )
        return statement

    def choices(self, changelist: ChangeList) -> Iterator[dict[str, Any]]:
        counts = self._grouped_counts(changelist, self.column) if changelist.add_facets else {}
        yield {
            "selected": self.lookup_val is None and self.lookup_val2 is None,
            "query_string": changelist.get_query_string(remove=self.expected_parameters()),
            "display": gettext("All"),
        }
        for value, title in (("1", gettext("Yes")), ("0", gettext("No"))):
            yield {
                "selected": self.lookup_val == value and self.lookup_val2 is None,
                "query_string": changelist.get_query_string(
                    {self.lookup_kwarg: value}, [self.lookup_kwarg2]
                ),
                "display": self._label(
                    title, counts.get(value == "1", 0) if changelist.add_facets else None
                ),
            }
        if self.nullable:
            yield {
                "selected": self.lookup_val2 == "True",
                "query_string": changelist.get_query_string(
                    {self.lookup_kwarg2: "True"}, [self.lookup_kwarg]
                ),
                "display": self._label(
                    gettext("Unknown"), counts.get(None, 0) if changelist.add_facets else None
                ),
            }


class ChoicesFieldListFilter(FieldListFilter):
    """Filters a field with ``choices``: one link per choice, and Empty when nullable."""

    def __init__(self, *args: Any) -> None:
        self.lookup_kwarg = f"{args[5]}__exact"
        self.lookup_kwarg_isnull = f"{args[5]}__isnull"
        super().__init__(*args)
        self.lookup_val = self.used_parameters.get(self.lookup_kwarg)
        self.lookup_val_isnull = self.used_parameters.get(self.lookup_kwarg_isnull)

    def expected_parameters(self) -> list[str]:
        return [self.lookup_kwarg, self.lookup_kwarg_isnull]

    def queryset(self, request: Any, statement: Any) -> Any:
        if self.lookup_val is not None:
            statement = statement.where(self.column == _coerce(self.column, self.lookup_val))
        if self.lookup_val_isnull is not None:
            statement = statement.where(self.column.is_(None))
        return statement

    def choices(self, changelist: ChangeList) -> Iterator[dict[str, Any]]:
        counts = self._grouped_counts(changelist, self.column) if changelist.add_facets else {}
        yield {
            "selected": self.lookup_val is None,
            "query_string": changelist.get_query_string(remove=self.expected_parameters()),
            "display": gettext("All"),
        }
        for value, title in _flat_choices(self.field.choices):
            yield {
                "selected": self.lookup_val == str(value),
                "query_string": changelist.get_query_string(
                    {self.lookup_kwarg: value}, [self.lookup_kwarg_isnull]
                ),
                "display": self._label(
                    title, counts.get(value, 0) if changelist.add_facets else None
                ),
            }


def _flat_choices(choices: Any) -> list[tuple[Any, Any]]:
    flat: list[tuple[Any, Any]] = []
    for value, title in choices or ():
        if isinstance(title, (list, tuple)):
            flat.extend(title)
        else:
            flat.append((value, title))
    return flat


class DateFieldListFilter(FieldListFilter):
    """Filters a date or datetime field: any date, today, the past 7 days, this month,
    this year, and has / has no date when nullable, as Django's.
    """

    def __init__(self, *args: Any) -> None:
        path = args[5]
        self.lookup_kwarg_since = f"{path}__gte"
        self.lookup_kwarg_until = f"{path}__lt"
        self.lookup_kwarg_isnull = f"{path}__isnull"
        super().__init__(*args)
        self.is_datetime = isinstance(base_type(self.column), sa.DateTime)
        today = dt.date.today()
        tomorrow = today + dt.timedelta(days=1)
        first_month = today.replace(day=1)
        next_month = (first_month + dt.timedelta(days=32)).replace(day=1)
        first_year = today.replace(month=1, day=1)
        next_year = first_year.replace(year=today.year + 1)
        self.links: list[tuple[str, dict[str, str]]] = [
            (gettext("Any date"), {}),
            (
                gettext("Today"),
                {self.lookup_kwarg_since: str(today), self.lookup_kwarg_until: str(tomorrow)},
            ),
            (
                gettext("Past 7 days"),
                {
                    self.lookup_kwarg_since: str(today - dt.timedelta(days=7)),
                    self.lookup_kwarg_until: str(tomorrow),
                },
            ),
            (
                gettext("This month"),
                {
                    self.lookup_kwarg_since: str(first_month),
                    self.lookup_kwarg_until: str(next_month),
                },
            ),
            (
                gettext("This year"),
                {self.lookup_kwarg_since: str(first_year), self.lookup_kwarg_until: str(next_year)},
            ),
        ]
        if self.field.null:
            self.links += [
                (gettext("No date"), {self.lookup_kwarg_isnull: "True"}),
                (gettext("Has date"), {self.lookup_kwarg_isnull: "False"}),
            ]

    def expected_parameters(self) -> list[str]:
        return [self.lookup_kwarg_since, self.lookup_kwarg_until, self.lookup_kwarg_isnull]

    def _bound(self, value: str) -> Any:
        try:
            day = dt.date.fromisoformat(value[:10])
        except ValueError as exc:
            raise IncorrectLookupParameters(f"{value!r} is not a date") from exc
        if self.is_datetime:
            moment = dt.datetime.combine(day, dt.time())
            if getattr(base_type(self.column), "timezone", False):
                moment = moment.replace(tzinfo=dt.UTC)
            return moment
        return day

    def queryset(self, request: Any, statement: Any) -> Any:
        since = self.used_parameters.get(self.lookup_kwarg_since)
        until = self.used_parameters.get(self.lookup_kwarg_until)
        isnull = self.used_parameters.get(self.lookup_kwarg_isnull)
        if since:
            statement = statement.where(self.column >= self._bound(since))
        if until:
            statement = statement.where(self.column < self._bound(until))
        if isnull is not None:
            statement = statement.where(
                self.column.is_(None) if isnull == "True" else self.column.is_not(None)
            )
        return statement

    def _condition(self, params: dict[str, str]) -> Any:
        parts: list[Any] = []
        if self.lookup_kwarg_since in params:
            parts.append(self.column >= self._bound(params[self.lookup_kwarg_since]))
        if self.lookup_kwarg_until in params:
            parts.append(self.column < self._bound(params[self.lookup_kwarg_until]))
        if self.lookup_kwarg_isnull in params:
            wanted = params[self.lookup_kwarg_isnull] == "True"
            parts.append(self.column.is_(None) if wanted else self.column.is_not(None))
        return sa.and_(sa.true(), *parts)

    def _link_counts(self, changelist: ChangeList) -> list[int]:
        """The facet count of every link, in one query over the rows the other
        filters leave (each link's test summed as a CASE, so any database runs it)."""
        base = changelist.filtered_statement(exclude=self).order_by(None)
        sums = [
            sa.func.coalesce(sa.func.sum(sa.case((self._condition(params), 1), else_=0)), 0)
            for _title, params in self.links
        ]
        rows = changelist.store.execute(
            self.model, base.with_only_columns(*sums, maintain_column_froms=True)
        )
        return [int(v) for v in rows[0]] if rows else [0] * len(self.links)

    def choices(self, changelist: ChangeList) -> Iterator[dict[str, Any]]:
        counts = self._link_counts(changelist) if changelist.add_facets else None
        for i, (title, params) in enumerate(self.links):
            selected = all(self.used_parameters.get(k) == v for k, v in params.items()) and (
                set(params) == set(self.used_parameters)
            )
            yield {
                "selected": selected,
                "query_string": changelist.get_query_string(params, self.expected_parameters()),
                "display": self._label(title, counts[i] if counts is not None else None),
            }


class RelatedFieldListFilter(FieldListFilter):
    """Filters a foreign key: one link per related object, at most ``max_choices`` of them
    (Django lists them all).
    """

    #: Related rows offered at most (a foreign key to a big table wants autocomplete).
    max_choices = 200

    def __init__(self, *args: Any) -> None:
        field = args[0]
        related = opts_of(field.related_model)
        self.lookup_kwarg = f"{args[5]}__{related.pk_field.name}__exact"
        self.lookup_kwarg_isnull = f"{args[5]}__isnull"
        super().__init__(*args)
        self.related = related
        self.lookup_val = self.used_parameters.get(self.lookup_kwarg)
        self.lookup_val_isnull = self.used_parameters.get(self.lookup_kwarg_isnull)

    def expected_parameters(self) -> list[str]:
        return [self.lookup_kwarg, self.lookup_kwarg_isnull]

    def queryset(self, request: Any, statement: Any) -> Any:
        if self.lookup_val is not None:
            statement = statement.where(self.column == _coerce(self.column, self.lookup_val))
        if self.lookup_val_isnull is not None:
            statement = statement.where(
                self.column.is_(None)
                if self.lookup_val_isnull == "True"
                else self.column.is_not(None)
            )
        return statement

    def choices(self, changelist: ChangeList) -> Iterator[dict[str, Any]]:
        counts = self._grouped_counts(changelist, self.column) if changelist.add_facets else {}
        yield {
            "selected": self.lookup_val is None and self.lookup_val_isnull is None,
            "query_string": changelist.get_query_string(remove=self.expected_parameters()),
            "display": gettext("All"),
        }
        related = self.related
        target = (
            self.field.related_column
            if self.field.related_column is not None
            else related.pk_column
        )
        statement = sa.select(related.model.__table__).limit(self.max_choices)
        order = _ordering_columns(related)
        statement = statement.order_by(*order) if order else statement.order_by(related.pk_column)
        for obj in changelist.store.instances(related.model, statement):
            value = getattr(obj, _attname(related, target))
            yield {
                "selected": self.lookup_val == str(value),
                "query_string": changelist.get_query_string(
                    {self.lookup_kwarg: value}, [self.lookup_kwarg_isnull]
                ),
                "display": self._label(
                    obj, counts.get(value, 0) if changelist.add_facets else None
                ),
            }
        if self.field.null:
            yield {
                "selected": self.lookup_val_isnull == "True",
                "query_string": changelist.get_query_string(
                    {self.lookup_kwarg_isnull: "True"}, [self.lookup_kwarg]
                ),
                "display": self._label("-", counts.get(None, 0) if changelist.add_facets else None),
            }


def _attname(opts: Any, column: Any) -> str:
    for f in opts.info.fields:
        if f.column is column:
            return str(f.attname)
    return str(column.key)


def _ordering_columns(opts: Any) -> list[Any]:
    out = []
    for name in opts.ordering:
        desc = name.startswith("-")
        try:
            column = opts.get_field(name.lstrip("-")).column
        except LookupError:
            continue
        if column is not None:
            out.append(column.desc() if desc else column.asc())
    return out


class AllValuesFieldListFilter(FieldListFilter):
    """Filters a field by each distinct value the admin's rows hold, at most
    ``max_choices`` of them (Django lists them all), and by "empty" when some
    are NULL; Django's parameters, ``?<field>=<value>`` and ``?<field>__isnull=True``.
    """

    max_choices = 100

    def __init__(self, *args: Any) -> None:
        self.lookup_kwarg = str(args[5])
        self.lookup_kwarg_isnull = f"{args[5]}__isnull"
        super().__init__(*args)
        self.lookup_val = self.used_parameters.get(self.lookup_kwarg)
        self.lookup_val_isnull = self.used_parameters.get(self.lookup_kwarg_isnull)

    def expected_parameters(self) -> list[str]:
        return [self.lookup_kwarg, self.lookup_kwarg_isnull]

    def queryset(self, request: Any, statement: Any) -> Any:
        if self.lookup_val is not None:
            statement = statement.where(self.column == _coerce(self.column, self.lookup_val))
        if self.lookup_val_isnull is not None:
            wanted = str(self.lookup_val_isnull).lower() in ("1", "true")
            statement = statement.where(
                self.column.is_(None) if wanted else self.column.is_not(None)
            )
        return statement

    def choices(self, changelist: ChangeList) -> Iterator[dict[str, Any]]:
        counts = self._grouped_counts(changelist, self.column) if changelist.add_facets else {}
        yield {
            "selected": self.lookup_val is None and self.lookup_val_isnull is None,
            "query_string": changelist.get_query_string(remove=self.expected_parameters()),
            "display": gettext("All"),
        }
        # The values of the rows the admin shows (its get_queryset), as Django's.
        sub = changelist.base.with_only_columns(self.column).order_by(None).distinct().subquery()
        value_column = sub.c[self.column.key]
        statement = sa.select(value_column).order_by(value_column).limit(self.max_choices + 1)
        include_none = False
        shown = 0
        for (value,) in changelist.store.execute(self.model, statement):
            if value is None:
                include_none = True
                continue
            if shown == self.max_choices:
                break
            shown += 1
            yield {
                "selected": self.lookup_val == str(value),
                "query_string": changelist.get_query_string(
                    {self.lookup_kwarg: value}, [self.lookup_kwarg_isnull]
                ),
                "display": self._label(
                    value, counts.get(value, 0) if changelist.add_facets else None
                ),
            }
        if include_none:
            yield {
                "selected": self.lookup_val_isnull is not None,
                "query_string": changelist.get_query_string(
                    {self.lookup_kwarg_isnull: "True"}, [self.lookup_kwarg]
                ),
                "display": self._label(
                    self.model_admin.empty_value_display,
                    counts.get(None, 0) if changelist.add_facets else None,
                ),
            }


def _is_boolean(field: ModelField) -> bool:
    return field.column is not None and isinstance(base_type(field.column), sa.Boolean)


def _is_date(field: ModelField) -> bool:
    return field.column is not None and isinstance(base_type(field.column), (sa.Date, sa.DateTime))


FieldListFilter.register(lambda f: f.kind == "fk", RelatedFieldListFilter)
FieldListFilter.register(_is_boolean, BooleanFieldListFilter)
FieldListFilter.register(lambda f: bool(f.choices), ChoicesFieldListFilter)
FieldListFilter.register(_is_date, DateFieldListFilter)
FieldListFilter.register(lambda f: f.column is not None, AllValuesFieldListFilter)

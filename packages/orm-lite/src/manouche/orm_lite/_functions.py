"""Django's database functions and expressions beyond the basics.

``Case``/``When``, ``Subquery``/``OuterRef``/``Exists``, ``Concat``, ``Now``,
``Cast``, ``Extract``/``Trunc`` and their named forms, ``ExpressionWrapper``,
and window functions (``Window`` over ``RowNumber``, ``Rank``, ``DenseRank``,
``Lag``, ``Lead``... or an aggregate). Each compiles to SQLAlchemy Core the
way Django writes it for the backend, so the results are Django's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import visitors
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ColumnElement

from manouche.orm_lite._exceptions import FieldError
from manouche.orm_lite._expressions import Aggregate, Expression, F, Q, Resolved, Value
from manouche.orm_lite._sqltypes import CoerceInt, DatePart, DateTimeType, DateTrunc, DateType

if TYPE_CHECKING:
    from manouche.orm_lite._fields import Field
    from manouche.orm_lite._query import Query


def _as_expression(value: Any) -> Any:
    """Django's argument rule: a string names a field, an expression stays, the rest is a value."""
    if isinstance(value, str):
        return F(value)
    if isinstance(value, Expression | Q):
        return value
    return Value(value)


def _resolve(value: Any, query: Query, reuse: set[str] | None) -> Resolved:
    if isinstance(value, Q):
        from manouche.orm_lite._fields import BooleanField

        return Resolved(query.compile_q(value, reuse), BooleanField(), False, True)
    return _as_expression(value).resolve(query, reuse)  # type: ignore[no-any-return]


def _coerce(expr: Any, field: Field | None) -> Any:
    return sa.type_coerce(expr, field.sa_type()) if field is not None else expr


# -- conditional expressions -------------------------------------------------------------


class When(Expression):
    """One branch of a ``Case``: ``When(pages__gt=500, then=Value("long"))``."""

    def __init__(self, condition: Any = None, then: Any = None, **lookups: Any) -> None:
        if lookups:
            condition = Q(**lookups) if condition is None else condition & Q(**lookups)
        if condition is None:
            raise TypeError("When() needs a condition: a Q object, an expression or lookups")
        if not isinstance(condition, Q | Expression):
            raise TypeError(
                f"When() condition must be a Q object or an expression, got {condition!r}"
            )
        if isinstance(condition, Q) and not condition:
            raise ValueError("An empty Q() can't be used as a When() condition.")
        self.condition = condition
        self.result = _as_expression(then)

    @property
    def contains_aggregate(self) -> bool:  # type: ignore[override]
        return bool(getattr(self.result, "contains_aggregate", False))

    def resolve_parts(self, query: Query, reuse: set[str] | None) -> tuple[Any, Resolved]:
        cond = _resolve(self.condition, query, reuse)
        return cond.expr, self.result.resolve(query, reuse)

    def resolve(self, query: Query, reuse: set[str] | None) -> Resolved:
        raise FieldError("When() can only be used inside Case()")

    def __repr__(self) -> str:
        return f"<When: {self.condition!r} THEN {self.result!r}>"


class Case(Expression):
    """``CASE WHEN ... THEN ... ELSE default END``: the first ``When`` that matches."""

    def __init__(
        self, *cases: When, default: Any = None, output_field: Field | None = None
    ) -> None:
        if not all(isinstance(c, When) for c in cases):
            raise TypeError("Positional arguments to Case() must be When() objects")
        self.cases = list(cases)
        self.default = _as_expression(default)
        self.output_field = output_field

    @property
    def contains_aggregate(self) -> bool:  # type: ignore[override]
        return any(c.contains_aggregate for c in self.cases) or bool(
            getattr(self.default, "contains_aggregate", False)
        )

    def resolve(self, query: Query, reuse: set[str] | None) -> Resolved:
        whens = []
        fields: list[Field] = []
        agg = False
        for case in self.cases:
            cond, result = case.resolve_parts(query, reuse)
            whens.append((cond, result.expr))
            agg = agg or result.is_aggregate
            if result.field is not None:
                fields.append(result.field)
        default = self.default.resolve(query, reuse)
        if default.field is not None:
            fields.append(default.field)
        field = self.output_field or _common_field(fields)
        if not whens:
            return Resolved(_coerce(default.expr, field), field, default.is_aggregate, True)
        expr = sa.case(*whens, else_=default.expr)
        return Resolved(_coerce(expr, field), field, agg or default.is_aggregate, True)


def _common_field(fields: list[Field]) -> Field | None:
    if not fields:
        return None
    kinds = {type(f).__name__ for f in fields}
    if len(kinds) > 1 and not kinds <= {
        "CharField",
        "TextField",
        "SlugField",
        "EmailField",
        "URLField",
    }:
        numeric = {
            "IntegerField",
            "BigIntegerField",
            "SmallIntegerField",
            "AutoField",
            "BigAutoField",
        }
        if not kinds <= numeric | {"PositiveIntegerField", "PositiveSmallIntegerField"}:
            raise FieldError(
                f"Expression contains mixed types: {', '.join(sorted(kinds))}. "
                "You must set output_field."
            )
    return fields[0]


# -- subqueries ----------------------------------------------------------------------------


class _OuterColumn(ColumnElement[Any]):
    """Where an ``OuterRef`` stands in a subquery until the subquery meets its outer query."""

    inherit_cache = True
    type = sa.types.NullType()

    def __init__(self, name: Any) -> None:
        #: The outer field's name (a nested ``OuterRef``'s repr, whose ``ref`` it is).
        self.name = name if isinstance(name, str) else repr(name)
        self.ref = name

    _traverse_internals = [("name", visitors.InternalTraversal.dp_string)]


class OuterReferenceError(FieldError, ValueError):
    """A queryset with an ``OuterRef`` evaluated on its own (Django's ValueError)."""


@compiles(_OuterColumn)
def _outer_unbound(element: _OuterColumn, compiler: SQLCompiler, **kw: Any) -> str:
    raise OuterReferenceError(
        "This queryset contains a reference to an outer query and may only be used in a "
        f"subquery: OuterRef({element.name!r}) is outside a subquery: use it in a queryset "
        "given to Subquery() or Exists()"
    )


class OuterRef(F):
    """A field of the outer query, referred to from inside a ``Subquery``/``Exists``."""

    def resolve(self, query: Query, reuse: set[str] | None) -> Resolved:
        return Resolved(_OuterColumn(self.name), None, False, True)

    def __repr__(self) -> str:
        return f"OuterRef({self.name})"


def bind_outer(stmt: Any, outer: Query, reuse: set[str] | None) -> Any:
    """Put ``stmt`` inside ``outer``: its tables get aliases of their own, its OuterRefs
    become the outer query's columns (joined there as needed)."""
    tables: dict[Any, Any] = {}
    outer_cols: dict[str, Any] = {}

    def fresh(table: Any) -> Any:
        found = tables.get(table)
        if found is None:
            original = table.element if isinstance(table, sa.sql.Alias) else table
            # Anonymous: SQLAlchemy names it as it compiles (``conf_book_1``), so that the
            # statement is the same for every call and nested subqueries never clash.
            found = original.alias()
            tables[table] = found
        return found

    def replace(el: Any) -> Any:
        if isinstance(el, _OuterColumn):
            if el.name not in outer_cols:
                ref = el.ref
                # OuterRef(OuterRef("pk")): a reference one query further out
                outer_cols[el.name] = (
                    ref.resolve(outer, reuse).expr
                    if isinstance(ref, OuterRef)
                    else outer.resolve_ref(el.name, reuse).expr
                )
            return outer_cols[el.name]
        if isinstance(el, sa.Table) or (
            isinstance(el, sa.sql.Alias) and isinstance(el.element, sa.Table)
        ):
            return fresh(el)
        if isinstance(el, sa.Column) and isinstance(el.table, sa.Table | sa.sql.Alias):
            return fresh(el.table).c[el.key]
        return None

    opts: dict[str, Any] = {}
    bound: Any = visitors.replacement_traverse(stmt, opts, replace)  # type: ignore[call-overload]
    if outer_cols:
        # A reference from two or more levels down (OuterRef(OuterRef(...))) names a table
        # of this outer query inside a nested subquery: correlate it there too (SQLAlchemy
        # correlates with the enclosing SELECT only).
        outer_tables = [t for t in outer.tables.values()]

        def correlate(select: Any) -> None:
            if select is not bound:
                select._correlate = (*select._correlate, *outer_tables)

        visitors.traverse(bound, {}, {"select": correlate})
    return bound


def _inner_statement(queryset: Any) -> tuple[Any, Field | None]:
    if not hasattr(queryset, "_as_subquery"):
        raise TypeError(f"Expected a QuerySet, got {queryset!r}")
    stmt = queryset._as_subquery()
    q = queryset.query
    field = None
    if q.values_names:
        field = q.values_exprs[q.values_names[0]].field
    else:
        field = queryset.model._meta.pk
    return stmt, field


class Subquery(Expression):
    """One value from another query: ``Subquery(qs.filter(x=OuterRef("pk")).values("y")[:1])``."""

    def __init__(self, queryset: Any, output_field: Field | None = None) -> None:
        self.queryset = queryset
        self.output_field = output_field

    def resolve(self, query: Query, reuse: set[str] | None) -> Resolved:
        stmt, field = _inner_statement(self.queryset)
        bound = bind_outer(stmt, query, reuse)
        field = self.output_field or field
        expr = bound.scalar_subquery()
        return Resolved(_coerce(expr, field), field, False, True)


class Exists(Expression):
    """Whether another query has rows: ``Exists(Book.objects.filter(author=OuterRef("pk")))``."""

    conditional = True

    @property
    def output_field(self) -> Field:  # type: ignore[override]
        """A boolean, as Django's."""
        from manouche.orm_lite._fields import BooleanField

        return BooleanField()

    def __init__(self, queryset: Any, negated: bool = False) -> None:
        self.queryset = queryset
        self.negated = negated

    def __invert__(self) -> Exists:
        return Exists(self.queryset, not self.negated)

    def resolve(self, query: Query, reuse: set[str] | None) -> Resolved:
        from manouche.orm_lite._fields import BooleanField

        stmt, _ = _inner_statement(self.queryset)
        bound = bind_outer(stmt, query, reuse)
        expr: Any = bound.exists()
        if self.negated:
            expr = sa.not_(expr)
        return Resolved(expr, BooleanField(), False, False)


# -- text, time and types ----------------------------------------------------------------

_TEXT_FIELDS = {
    "CharField",
    "TextField",
    "SlugField",
    "EmailField",
    "URLField",
    "GenericIPAddressField",
}


class Concat(Expression):
    """Strings joined; a NULL part counts as empty, as Django's ``Concat``."""

    def __init__(self, *expressions: Any, output_field: Field | None = None) -> None:
        if len(expressions) < 2:
            raise ValueError("Concat must take at least two expressions")
        self.expressions = [_as_expression(e) for e in expressions]
        self.output_field = output_field

    def resolve(self, query: Query, reuse: set[str] | None) -> Resolved:
        from manouche.orm_lite._fields import CharField, TextField

        parts = [e.resolve(query, reuse) for e in self.expressions]
        pieces = []
        for p in parts:
            text = p.expr
            if p.field is not None and p.field.django_name not in _TEXT_FIELDS:
                text = sa.cast(text, sa.String())
            pieces.append(sa.func.coalesce(text, sa.literal(""), type_=sa.String()))
        expr: Any = pieces[0]
        for piece in pieces[1:]:
            expr = expr.concat(piece)
        field = self.output_field or (
            TextField()
            if any(p.field is not None and p.field.django_name == "TextField" for p in parts)
            else CharField()
        )
        return Resolved(expr, field, any(p.is_aggregate for p in parts), False)


class _Now(ColumnElement[Any]):
    inherit_cache = True
    type = DateTimeType()


@compiles(_Now)
def _now_default(element: _Now, compiler: SQLCompiler, **kw: Any) -> str:
    return "STRFTIME('%Y-%m-%d %H:%M:%f', 'NOW')"


@compiles(_Now, "postgresql")
def _now_pg(element: _Now, compiler: SQLCompiler, **kw: Any) -> str:
    return "(STATEMENT_TIMESTAMP() AT TIME ZONE 'UTC')"


@compiles(_Now, "mysql")
@compiles(_Now, "mariadb")
def _now_mysql(element: _Now, compiler: SQLCompiler, **kw: Any) -> str:
    return "UTC_TIMESTAMP(6)"


class Now(Expression):
    """The database's current time (UTC, naive, as orm-lite stores datetimes)."""

    def resolve(self, query: Query, reuse: set[str] | None) -> Resolved:
        from manouche.orm_lite._fields import DateTimeField

        return Resolved(_Now(), DateTimeField(), False, False)


class _SqliteTemporalCast(ColumnElement[Any]):
    """SQLite has no date types: ``date(x)``, ``datetime(x)``, ``time(x)`` as Django casts."""

    inherit_cache = True

    def __init__(self, function: str, expr: Any, type_: Any) -> None:
        self.function = function
        self.expr = expr
        self.type = type_

    _traverse_internals = [
        ("function", visitors.InternalTraversal.dp_string),
        ("expr", visitors.InternalTraversal.dp_clauseelement),
    ]


@compiles(_SqliteTemporalCast)
def _temporal_cast_default(element: _SqliteTemporalCast, compiler: SQLCompiler, **kw: Any) -> str:
    inner = compiler.process(element.expr, **kw)
    if compiler.dialect.name == "sqlite":
        return f"{element.function}({inner})"
    target = {"date": "DATE", "datetime": "TIMESTAMP", "time": "TIME"}[element.function]
    if compiler.dialect.name in ("mysql", "mariadb") and target == "TIMESTAMP":
        target = "DATETIME(6)"
    return f"CAST({inner} AS {target})"


class Cast(Expression):
    """A value converted to ``output_field``'s type: ``Cast("pages", FloatField())``."""

    def __init__(self, expression: Any, output_field: Field) -> None:
        if output_field is None:
            raise TypeError("Cast() needs an output_field")
        self.expression = _as_expression(expression)
        self.output_field = output_field

    def resolve(self, query: Query, reuse: set[str] | None) -> Resolved:
        res = self.expression.resolve(query, reuse)
        field = self.output_field
        assert field is not None
        name = field.django_name
        temporal = {"DateField": "date", "DateTimeField": "datetime", "TimeField": "time"}
        if name in temporal:
            expr: Any = _SqliteTemporalCast(temporal[name], res.expr, field.sa_type())
        elif name in (
            "IntegerField",
            "BigIntegerField",
            "SmallIntegerField",
            "AutoField",
            "BigAutoField",
        ):
            expr = sa.cast(res.expr, sa.Integer() if name != "BigIntegerField" else sa.BigInteger())
            expr = sa.type_coerce(expr, CoerceInt())
        elif name in _TEXT_FIELDS:
            expr = sa.cast(res.expr, sa.String(field.max_length) if field.max_length else sa.Text())
        else:
            expr = sa.cast(res.expr, field.sa_type())
        return Resolved(expr, field, res.is_aggregate, res.nullable)


class ExpressionWrapper(Expression):
    """An expression with the field type of its result.

    ``ExpressionWrapper(F("a") * F("b"), output_field=FloatField())``.
    """

    def __init__(self, expression: Any, output_field: Field) -> None:
        self.expression = _as_expression(expression)
        self.output_field = output_field

    @property
    def contains_aggregate(self) -> bool:  # type: ignore[override]
        return bool(getattr(self.expression, "contains_aggregate", False))

    def resolve(self, query: Query, reuse: set[str] | None) -> Resolved:
        res = _resolve(self.expression, query, reuse)
        name = getattr(self.output_field, "django_name", "")
        if name.endswith(("IntegerField", "AutoField")):
            # the value converted as the field reads it (SQLite's REAL of int + float: int)
            expr = sa.type_coerce(res.expr, CoerceInt())
        else:
            expr = _coerce(res.expr, self.output_field)
        return Resolved(expr, self.output_field, res.is_aggregate, res.nullable)


# -- dates -------------------------------------------------------------------------------

_EXTRACT_PARTS = (
    "year",
    "quarter",
    "month",
    "week",
    "week_day",
    "iso_week_day",
    "day",
    "hour",
    "minute",
    "second",
)


class Extract(Expression):
    """A part of a date or datetime as an integer: ``Extract("published", "year")``."""

    lookup_name = ""

    def __init__(self, expression: Any, lookup_name: str | None = None) -> None:
        name = lookup_name or self.lookup_name
        if name not in _EXTRACT_PARTS:
            raise ValueError(
                f"Extract: unknown part {name!r}; use one of {', '.join(_EXTRACT_PARTS)}"
            )
        self.expression = _as_expression(expression)
        self.part = name

    def resolve(self, query: Query, reuse: set[str] | None) -> Resolved:
        from manouche.orm_lite._fields import IntegerField

        res = self.expression.resolve(query, reuse)
        kind = res.field.django_name if res.field is not None else ""
        if kind == "DateField" and self.part in ("hour", "minute", "second"):
            raise ValueError(f"Cannot extract time component '{self.part}' from DateField.")
        part: Any = _IsoWeek(res.expr) if self.part == "week" else DatePart(self.part, res.expr)
        expr = sa.type_coerce(part, CoerceInt())
        return Resolved(expr, IntegerField(), res.is_aggregate, res.nullable)


class _IsoWeek(ColumnElement[int]):
    """The ISO-8601 week number (weeks start on Monday; week 1 holds the first Thursday)."""

    inherit_cache = True
    type = sa.Integer()

    def __init__(self, expr: Any) -> None:
        self.expr = expr

    _traverse_internals = [("expr", visitors.InternalTraversal.dp_clauseelement)]


@compiles(_IsoWeek)
def _iso_week_default(element: _IsoWeek, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(DatePart("week", element.expr), **kw)


@compiles(_IsoWeek, "sqlite")
def _iso_week_sqlite(element: _IsoWeek, compiler: SQLCompiler, **kw: Any) -> str:
    # strftime('%V') needs SQLite 3.46: count from the Thursday of the same ISO week.
    x = compiler.process(element.expr, **kw)
    return f"((CAST(strftime('%j', date({x}, '-3 days', 'weekday 4')) AS INTEGER) - 1) / 7 + 1)"


class ExtractYear(Extract):
    """The year of a date or datetime, as a number (Django's ``__year`` lookup)."""

    lookup_name = "year"


class ExtractQuarter(Extract):
    """The quarter of a date or datetime, as a number (Django's ``__quarter`` lookup)."""

    lookup_name = "quarter"


class ExtractMonth(Extract):
    """The month of a date or datetime, as a number (Django's ``__month`` lookup)."""

    lookup_name = "month"


class ExtractWeek(Extract):
    """The week of a date or datetime, as a number (Django's ``__week`` lookup)."""

    lookup_name = "week"


class ExtractWeekDay(Extract):
    """The week day of a date or datetime, as a number (Django's ``__week_day`` lookup)."""

    lookup_name = "week_day"


class ExtractIsoWeekDay(Extract):
    """The ISO week day of a date or datetime, as a number (Django's ``__iso_week_day`` lookup)."""

    lookup_name = "iso_week_day"


class ExtractDay(Extract):
    """The day of a date or datetime, as a number (Django's ``__day`` lookup)."""

    lookup_name = "day"


class ExtractHour(Extract):
    """The hour of a date or datetime, as a number (Django's ``__hour`` lookup)."""

    lookup_name = "hour"


class ExtractMinute(Extract):
    """The minute of a date or datetime, as a number (Django's ``__minute`` lookup)."""

    lookup_name = "minute"


class ExtractSecond(Extract):
    """The second of a date or datetime, as a number (Django's ``__second`` lookup)."""

    lookup_name = "second"


class _QuarterTrunc(ColumnElement[Any]):
    inherit_cache = True

    def __init__(self, expr: Any, is_date: bool) -> None:
        self.expr = expr
        self.is_date = is_date
        self.type = DateType() if is_date else DateTimeType()

    _traverse_internals = [
        ("expr", visitors.InternalTraversal.dp_clauseelement),
        ("is_date", visitors.InternalTraversal.dp_boolean),
    ]


@compiles(_QuarterTrunc)
def _quarter_sqlite(element: _QuarterTrunc, compiler: SQLCompiler, **kw: Any) -> str:
    x = compiler.process(element.expr, **kw)
    month = f"printf('%02d', ((CAST(strftime('%m', {x}) AS INTEGER) - 1) / 3) * 3 + 1)"
    suffix = "" if element.is_date else " || ' 00:00:00'"
    return f"(strftime('%Y-', {x}) || {month} || '-01'{suffix})"


@compiles(_QuarterTrunc, "postgresql")
def _quarter_pg(element: _QuarterTrunc, compiler: SQLCompiler, **kw: Any) -> str:
    sql = f"DATE_TRUNC('quarter', {compiler.process(element.expr, **kw)})"
    return f"({sql})::date" if element.is_date else sql


@compiles(_QuarterTrunc, "mysql")
@compiles(_QuarterTrunc, "mariadb")
def _quarter_mysql(element: _QuarterTrunc, compiler: SQLCompiler, **kw: Any) -> str:
    x = compiler.process(element.expr, **kw)
    sql = f"(MAKEDATE(YEAR({x}), 1) + INTERVAL QUARTER({x}) QUARTER - INTERVAL 1 QUARTER)"
    return sql if element.is_date else f"CAST({sql} AS DATETIME)"


_TRUNC_KINDS = ("year", "quarter", "month", "week", "day", "hour", "minute", "second")


class Trunc(Expression):
    """A date or datetime cut down to ``kind``: ``Trunc("created", "month")``."""

    kind = ""

    def __init__(
        self, expression: Any, kind: str | None = None, output_field: Field | None = None
    ) -> None:
        kind = kind or self.kind
        if kind not in _TRUNC_KINDS:
            raise ValueError(f"Trunc: unknown kind {kind!r}; use one of {', '.join(_TRUNC_KINDS)}")
        self.expression = _as_expression(expression)
        self.trunc_kind = kind
        self.output_field = output_field

    def resolve(self, query: Query, reuse: set[str] | None) -> Resolved:
        from manouche.orm_lite._fields import DateField, DateTimeField

        res = self.expression.resolve(query, reuse)
        source = res.field.django_name if res.field is not None else "DateTimeField"
        if source not in ("DateField", "DateTimeField"):
            raise TypeError(f"Trunc needs a DateField or DateTimeField, got {source}")
        out = self.output_field or (DateField() if source == "DateField" else DateTimeField())
        is_date = out.django_name == "DateField"
        if source == "DateField" and self.trunc_kind in ("hour", "minute", "second"):
            raise ValueError(f"Cannot truncate DateField '{self.trunc_kind}' to DateTimeField.")
        if self.trunc_kind == "quarter":
            expr: Any = _QuarterTrunc(res.expr, is_date)
        else:
            expr = DateTrunc(self.trunc_kind, res.expr, is_date)
        return Resolved(expr, out, res.is_aggregate, res.nullable)


class TruncYear(Trunc):
    """A date or datetime truncated to its year."""

    kind = "year"


class TruncQuarter(Trunc):
    """A date or datetime truncated to its quarter."""

    kind = "quarter"


class TruncMonth(Trunc):
    """A date or datetime truncated to its month."""

    kind = "month"


class TruncWeek(Trunc):
    """A date or datetime truncated to its week."""

    kind = "week"


class TruncDay(Trunc):
    """A date or datetime truncated to its day."""

    kind = "day"


class TruncHour(Trunc):
    """A date or datetime truncated to its hour."""

    kind = "hour"


class TruncMinute(Trunc):
    """A date or datetime truncated to its minute."""

    kind = "minute"


class TruncSecond(Trunc):
    """A date or datetime truncated to its second."""

    kind = "second"


class TruncDate(Expression):
    """The date of a datetime."""

    def __init__(self, expression: Any) -> None:
        self.expression = _as_expression(expression)

    def resolve(self, query: Query, reuse: set[str] | None) -> Resolved:
        from manouche.orm_lite._fields import DateField

        res = self.expression.resolve(query, reuse)
        return Resolved(
            DateTrunc("day", res.expr, True), DateField(), res.is_aggregate, res.nullable
        )


# -- window functions --------------------------------------------------------------------


class WindowFunction(Expression):
    """A function only meaningful in a ``Window``: ``RowNumber()``, ``Lag("pages")``..."""

    function = ""
    #: The result is an integer (a rank), not the type of the first argument.
    ranking = False

    def __init__(self, *expressions: Any, output_field: Field | None = None) -> None:
        self.expressions = [_as_expression(e) for e in expressions]
        self.output_field = output_field

    def resolve(self, query: Query, reuse: set[str] | None) -> Resolved:
        from manouche.orm_lite._fields import IntegerField

        parts = [e.resolve(query, reuse) for e in self.expressions]
        field = self.output_field or (
            IntegerField() if self.ranking or not parts else parts[0].field
        )
        type_ = CoerceInt() if self.ranking else (field.sa_type() if field is not None else None)
        expr = getattr(sa.func, self.function.lower())(*[p.expr for p in parts], type_=type_)
        return Resolved(expr, field, False, True)


class RowNumber(WindowFunction):
    """A window function: the row's number in its partition, from 1."""

    function = "ROW_NUMBER"
    ranking = True


class Rank(WindowFunction):
    """A window function: the rank of the row, with gaps after ties."""

    function = "RANK"
    ranking = True


class DenseRank(WindowFunction):
    """A window function: the rank of the row, without gaps."""

    function = "DENSE_RANK"
    ranking = True


class Ntile(WindowFunction):
    """A window function: which of ``num_buckets`` groups the row falls into."""

    function = "NTILE"
    ranking = True

    def __init__(self, num_buckets: int = 1) -> None:
        if num_buckets <= 0:
            raise ValueError("num_buckets must be greater than 0.")
        super().__init__(Value(num_buckets))


class PercentRank(WindowFunction):
    """A window function: the relative rank of the row, from 0 to 1."""

    function = "PERCENT_RANK"

    def resolve(self, query: Query, reuse: set[str] | None) -> Resolved:
        from manouche.orm_lite._fields import FloatField

        return Resolved(sa.func.percent_rank(type_=sa.Float()), FloatField(), False, True)


class CumeDist(WindowFunction):
    """A window function: the cumulative distribution of the row in its partition."""

    function = "CUME_DIST"

    def resolve(self, query: Query, reuse: set[str] | None) -> Resolved:
        from manouche.orm_lite._fields import FloatField

        return Resolved(sa.func.cume_dist(type_=sa.Float()), FloatField(), False, True)


class _Offset(WindowFunction):
    def __init__(self, expression: Any, offset: int = 1, default: Any = None, **extra: Any) -> None:
        if offset is None or offset <= 0:
            raise ValueError(f"{type(self).__name__} requires a positive integer for the offset.")
        args = [expression, Value(offset)]
        if default is not None:
            args.append(_as_expression(default))
        super().__init__(*args, **extra)

    def resolve(self, query: Query, reuse: set[str] | None) -> Resolved:
        res = super().resolve(query, reuse)
        args = list(res.expr.clauses)
        return res._replace(expr=_OffsetFunction(self.function, args, res.expr.type))


class _OffsetFunction(sa.sql.functions.FunctionElement[Any]):
    """``LAG``/``LEAD``; MariaDB has no third (default) argument, which is a clear error there."""

    inherit_cache = True

    def __init__(self, name: str, args: list[Any], type_: Any) -> None:
        self.name = name
        self.type = type_
        super().__init__(*args)


@compiles(_OffsetFunction)
def _offset_default(element: _OffsetFunction, compiler: SQLCompiler, **kw: Any) -> str:
    args = list(element.clauses)
    if len(args) > 2 and getattr(compiler.dialect, "is_mariadb", False):
        raise FieldError(f"MariaDB does not support a default value in {element.name.upper()}()")
    return f"{element.name}({', '.join(compiler.process(a, **kw) for a in args)})"


class Lag(_Offset):
    """A window function: an expression's value ``offset`` rows before this one."""

    function = "LAG"


class Lead(_Offset):
    """A window function: an expression's value ``offset`` rows after this one."""

    function = "LEAD"


class FirstValue(WindowFunction):
    """A window function: an expression's value on the first row of the frame."""

    function = "FIRST_VALUE"


class LastValue(WindowFunction):
    """A window function: an expression's value on the last row of the frame."""

    function = "LAST_VALUE"


class NthValue(WindowFunction):
    """A window function: an expression's value on the ``nth`` row of the frame."""

    function = "NTH_VALUE"

    def __init__(self, expression: Any, nth: int = 1, **extra: Any) -> None:
        if nth is None or nth <= 0:
            raise ValueError("NthValue requires a positive integer as for nth.")
        super().__init__(expression, Value(nth), **extra)


class RowRange:
    """``ROWS BETWEEN``: ``None`` is unbounded, negative preceding, 0 the current row."""

    kind = "rows"

    def __init__(self, start: int | None = None, end: int | None = None) -> None:
        self.start = start
        self.end = end


class ValueRange(RowRange):
    """``RANGE BETWEEN``, bounds as ``RowRange``'s."""

    kind = "range"


class Window(Expression):
    """A function over a window of rows.

    ``Window(Rank(), partition_by="author", order_by="-pages")``.
    """

    def __init__(
        self,
        expression: Any,
        partition_by: Any = None,
        order_by: Any = None,
        frame: RowRange | None = None,
        output_field: Field | None = None,
    ) -> None:
        if not isinstance(expression, WindowFunction | Aggregate | Expression):
            raise ValueError(
                f"Expression {type(expression).__name__!r} isn't compatible with OVER clauses."
            )
        self.expression = expression
        self.partition_by = _as_list(partition_by)
        self.order_by = _as_list(order_by)
        self.frame = frame
        self.output_field = output_field

    def resolve(self, query: Query, reuse: set[str] | None) -> Resolved:
        func, field = self._function(query, reuse)
        partition = [_resolve(p, query, reuse).expr for p in self.partition_by]
        order: list[Any] = []
        for term in self.order_by:
            order.extend(query._order_term(term, query.model, []))
        kwargs: dict[str, Any] = {}
        if partition:
            kwargs["partition_by"] = partition
        if order:
            kwargs["order_by"] = order
        if self.frame is not None:
            kwargs[self.frame.kind if self.frame.kind == "rows" else "range_"] = (
                self.frame.start,
                self.frame.end,
            )
        field = self.output_field or field
        return Resolved(func.over(**kwargs), field, False, True)

    def _function(self, query: Query, reuse: set[str] | None) -> tuple[Any, Field | None]:
        expr = self.expression
        if isinstance(expr, Aggregate):
            if expr.distinct:
                raise FieldError(
                    "Window: an aggregate with distinct=True cannot be a window function"
                )
            src = expr._source(query, reuse)
            func = getattr(sa.func, expr.function.lower())(
                src.expr, type_=expr.output_type(src.field)
            )
            return func, expr.result_field(src.field)
        res = expr.resolve(query, reuse)
        if not isinstance(res.expr, sa.sql.functions.FunctionElement):
            raise ValueError(
                f"Expression {type(expr).__name__!r} isn't compatible with OVER clauses."
            )
        return res.expr, res.field


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


__all__: Sequence[str] = [
    "Case",
    "Cast",
    "Concat",
    "CumeDist",
    "DenseRank",
    "Exists",
    "ExpressionWrapper",
    "Extract",
    "ExtractDay",
    "ExtractHour",
    "ExtractIsoWeekDay",
    "ExtractMinute",
    "ExtractMonth",
    "ExtractQuarter",
    "ExtractSecond",
    "ExtractWeek",
    "ExtractWeekDay",
    "ExtractYear",
    "FirstValue",
    "Lag",
    "LastValue",
    "Lead",
    "Ntile",
    "Now",
    "NthValue",
    "OuterRef",
    "PercentRank",
    "Rank",
    "RowNumber",
    "RowRange",
    "Subquery",
    "Trunc",
    "TruncDate",
    "TruncDay",
    "TruncHour",
    "TruncMinute",
    "TruncMonth",
    "TruncQuarter",
    "TruncSecond",
    "TruncWeek",
    "TruncYear",
    "ValueRange",
    "When",
    "Window",
    "WindowFunction",
]

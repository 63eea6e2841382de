"""SQLAlchemy column types and SQL constructs that store and compare values as Django does.

Django writes datetimes, times, decimals and durations to SQLite and MariaDB in
its own formats; these types read and write the same formats, so that a
database created and filled by Django is read, filtered and written alike.
The SQL constructs (``LIKE`` family, regular expressions, date parts) compile
per dialect to the SQL Django emits, so results match Django's on each backend.
"""

from __future__ import annotations

import datetime
import decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.types import TypeDecorator, TypeEngine

from manouche.validation.dateparse import parse_date, parse_datetime, parse_time


def _parse_datetime(value: str) -> datetime.datetime:
    """A datetime (or a date, at midnight) as SQLite's functions spell it, naive UTC."""
    result = parse_datetime(value)
    if result is None:
        day = parse_date(value)
        if day is None:
            raise ValueError(f"Invalid datetime string in the database: {value!r}")
        return datetime.datetime(day.year, day.month, day.day)
    return _naive_utc(result)


def _naive_utc(value: datetime.datetime) -> datetime.datetime:
    if value.tzinfo is not None:
        return value.astimezone(datetime.UTC).replace(tzinfo=None)
    return value


class _SqliteDateTime(sqlite.DATETIME):
    """SQLite DATETIME stored as Django stores it: ``str(datetime)``."""

    def bind_processor(self, dialect: Dialect) -> Any:
        def process(value: Any) -> Any:
            if value is None:
                return None
            if isinstance(value, datetime.datetime):
                return str(_naive_utc(value))
            if isinstance(value, datetime.date):
                return str(datetime.datetime(value.year, value.month, value.day))
            if isinstance(value, str):
                return value
            raise TypeError(f"A datetime value was expected, got {value!r}")

        return process

    def result_processor(self, dialect: Dialect, coltype: Any) -> Any:
        parse = datetime.datetime.fromisoformat

        def process(value: Any) -> Any:
            if value is None or isinstance(value, datetime.datetime):
                return value
            try:
                result = parse(value)  # C speed for what Django writes
            except (TypeError, ValueError):
                return _parse_datetime(str(value))
            return _naive_utc(result) if result.tzinfo is not None else result

        return process


class _SqliteTime(sqlite.TIME):
    """SQLite TIME stored as Django stores it: ``str(time)``."""

    def bind_processor(self, dialect: Dialect) -> Any:
        def process(value: Any) -> Any:
            if value is None or isinstance(value, str):
                return value
            if isinstance(value, datetime.time):
                return str(value.replace(tzinfo=None))
            raise TypeError(f"A time value was expected, got {value!r}")

        return process

    def result_processor(self, dialect: Dialect, coltype: Any) -> Any:
        def process(value: Any) -> Any:
            if value is None or isinstance(value, datetime.time):
                return value
            result = parse_time(str(value))
            if result is None:
                raise ValueError(f"Invalid time string in the database: {value!r}")
            return result

        return process


class _SqliteDate(sqlite.DATE):
    """SQLite DATE that also accepts the datetime strings SQLite's date() functions return."""

    def result_processor(self, dialect: Dialect, coltype: Any) -> Any:
        parse = datetime.date.fromisoformat

        def process(value: Any) -> Any:
            if value is None or isinstance(value, datetime.date):
                return value
            try:
                return parse(value)
            except (TypeError, ValueError):
                return _parse_datetime(str(value)).date()

        return process


class DateTimeType(TypeDecorator[datetime.datetime]):
    """Naive UTC datetimes; aware values are converted to UTC on the way in."""

    impl = sa.DateTime
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return _SqliteDateTime()  # type: ignore[no-untyped-call]
        if dialect.name in ("mysql", "mariadb"):
            from sqlalchemy.dialects import mysql

            return mysql.DATETIME(fsp=6)
        return sa.DateTime()

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if isinstance(value, datetime.datetime):
            return _naive_utc(value)
        return value


class TimeType(TypeDecorator[datetime.time]):
    impl = sa.Time
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return _SqliteTime()  # type: ignore[no-untyped-call]
        if dialect.name in ("mysql", "mariadb"):
            from sqlalchemy.dialects import mysql

            return mysql.TIME(fsp=6)
        return sa.Time()


class DateType(TypeDecorator[datetime.date]):
    impl = sa.Date
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return _SqliteDate()  # type: ignore[no-untyped-call]
        return sa.Date()

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if isinstance(value, datetime.datetime):
            return value.date()
        return value


class DecimalType(TypeDecorator[decimal.Decimal]):
    """Decimals, bound as strings on SQLite as Django does and read back quantized."""

    impl = sa.Numeric
    cache_ok = True

    def __init__(self, max_digits: int | None = None, decimal_places: int | None = None) -> None:
        super().__init__(precision=max_digits, scale=decimal_places, asdecimal=False)
        self.max_digits = max_digits
        self.decimal_places = decimal_places

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return sa.Numeric(self.max_digits, self.decimal_places, asdecimal=False)
        return sa.Numeric(self.max_digits, self.decimal_places, asdecimal=True)

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return str(value) if isinstance(value, decimal.Decimal) else value
        return value

    def result_processor(self, dialect: Dialect, coltype: Any) -> Any:
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)
        # SQLite stores REAL: a Decimal of 15 significant digits (more is float noise),
        # quantized to the field's places, as Django reads it. Built once per column.
        context = decimal.Context(prec=self.max_digits or 15)
        from_float = decimal.Context(prec=15).create_decimal_from_float
        places = (
            decimal.Decimal(1).scaleb(-self.decimal_places)
            if self.decimal_places is not None
            else None
        )
        make = decimal.Decimal
        # Decimals are immutable and amounts repeat: remember recent conversions.
        seen: dict[Any, decimal.Decimal] = {}

        def process(value: Any) -> Any:
            if value is None:
                return None
            found = seen.get(value)
            if found is not None:
                return found
            result = from_float(value) if isinstance(value, float) else make(str(value))
            if places is not None:
                result = result.quantize(places, context=context)
            if len(seen) < 16384:  # bounded: at most a few MB per column
                seen[value] = result
            return result

        return process

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        if value is None or dialect.name != "sqlite":
            return value
        if isinstance(value, float):
            # Unsized decimals (an average) keep 15 digits, as Django reads them from SQLite.
            ctx = decimal.Context(prec=self.max_digits or 15)
            result = ctx.create_decimal_from_float(value)
        else:
            result = decimal.Decimal(str(value))
        if self.decimal_places is not None:
            result = result.quantize(decimal.Decimal(1).scaleb(-self.decimal_places))
        return result


#: Decimals of no declared size (an average): one shared type object.
UNSIZED_DECIMAL = DecimalType()


class DurationType(TypeDecorator[datetime.timedelta]):
    """Durations: INTERVAL on PostgreSQL, a bigint of microseconds elsewhere (as Django)."""

    impl = sa.BigInteger
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return postgresql.INTERVAL()
        return sa.BigInteger()

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None or dialect.name == "postgresql":
            return value
        if isinstance(value, datetime.timedelta):
            return (value.days * 86400 + value.seconds) * 1_000_000 + value.microseconds
        return int(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        if value is None or isinstance(value, datetime.timedelta):
            return value
        return datetime.timedelta(microseconds=int(value))


def json_type() -> TypeEngine[Any]:
    return sa.JSON(none_as_null=True).with_variant(
        postgresql.JSONB(none_as_null=True), "postgresql"
    )


# -- SQL constructs compiled per dialect ------------------------------------------


def escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class PatternMatch(ColumnElement[bool]):
    """``lhs`` matched against a LIKE pattern (already escaped) the way Django does it.

    ``kind`` is one of exact, contains, startswith, endswith (pattern shape);
    ``insensitive`` selects the case-insensitive form.
    """

    inherit_cache = True
    type = sa.Boolean()

    def __init__(self, lhs: ColumnElement[Any], pattern: Any, insensitive: bool) -> None:
        self.lhs = lhs
        self.pattern = pattern
        self.insensitive = insensitive

    _traverse_internals = [
        ("lhs", sa.sql.visitors.InternalTraversal.dp_clauseelement),
        ("pattern", sa.sql.visitors.InternalTraversal.dp_clauseelement),
        ("insensitive", sa.sql.visitors.InternalTraversal.dp_boolean),
    ]


@compiles(PatternMatch)
def _pattern_default(element: PatternMatch, compiler: SQLCompiler, **kw: Any) -> str:
    lhs = compiler.process(element.lhs, **kw)
    rhs = compiler.process(element.pattern, **kw)
    return f"{lhs} LIKE {rhs} ESCAPE '\\'"


@compiles(PatternMatch, "postgresql")
def _pattern_pg(element: PatternMatch, compiler: SQLCompiler, **kw: Any) -> str:
    lhs = compiler.process(element.lhs, **kw)
    rhs = compiler.process(element.pattern, **kw)
    if element.insensitive:
        return f"UPPER(({lhs})::text) LIKE UPPER({rhs})"
    return f"({lhs})::text LIKE {rhs}"


@compiles(PatternMatch, "mysql")
@compiles(PatternMatch, "mariadb")
def _pattern_mysql(element: PatternMatch, compiler: SQLCompiler, **kw: Any) -> str:
    lhs = compiler.process(element.lhs, **kw)
    rhs = compiler.process(element.pattern, **kw)
    if element.insensitive:
        return f"{lhs} LIKE {rhs}"
    return f"{lhs} LIKE BINARY {rhs}"


class RegexMatch(ColumnElement[bool]):
    inherit_cache = True
    type = sa.Boolean()

    def __init__(self, lhs: ColumnElement[Any], pattern: Any, insensitive: bool) -> None:
        self.lhs = lhs
        self.pattern = pattern
        self.insensitive = insensitive

    _traverse_internals = PatternMatch._traverse_internals


@compiles(RegexMatch)
def _regex_default(element: RegexMatch, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite: the REGEXP function orm-lite registers on every connection.
    lhs = compiler.process(element.lhs, **kw)
    rhs = compiler.process(element.pattern, **kw)
    if element.insensitive:
        return f"{lhs} REGEXP ('(?i)' || {rhs})"
    return f"{lhs} REGEXP {rhs}"


@compiles(RegexMatch, "postgresql")
def _regex_pg(element: RegexMatch, compiler: SQLCompiler, **kw: Any) -> str:
    lhs = compiler.process(element.lhs, **kw)
    rhs = compiler.process(element.pattern, **kw)
    return f"({lhs})::text {'~*' if element.insensitive else '~'} {rhs}"


@compiles(RegexMatch, "mysql")
@compiles(RegexMatch, "mariadb")
def _regex_mysql(element: RegexMatch, compiler: SQLCompiler, **kw: Any) -> str:
    lhs = compiler.process(element.lhs, **kw)
    rhs = compiler.process(element.pattern, **kw)
    if element.insensitive:
        return f"{lhs} REGEXP {rhs}"
    return f"{lhs} REGEXP BINARY {rhs}"


class DatePart(ColumnElement[int]):
    """A part of a date or datetime, as Django's ``__year``/``__week_day``/... transforms."""

    inherit_cache = True
    type = sa.Integer()

    def __init__(self, part: str, expr: ColumnElement[Any]) -> None:
        self.part = part
        self.expr = expr

    _traverse_internals = [
        ("part", sa.sql.visitors.InternalTraversal.dp_string),
        ("expr", sa.sql.visitors.InternalTraversal.dp_clauseelement),
    ]


_SQLITE_FORMATS = {
    "year": "%Y",
    "month": "%m",
    "day": "%d",
    "hour": "%H",
    "minute": "%M",
    "second": "%S",
}


@compiles(DatePart)
def _datepart_sqlite(element: DatePart, compiler: SQLCompiler, **kw: Any) -> str:
    expr = compiler.process(element.expr, **kw)
    if element.part == "week_day":
        return f"(CAST(strftime('%w', {expr}) AS INTEGER) + 1)"
    if element.part == "iso_week_day":
        return f"(((CAST(strftime('%w', {expr}) AS INTEGER) + 6) % 7) + 1)"
    if element.part == "quarter":
        return f"((CAST(strftime('%m', {expr}) AS INTEGER) + 2) / 3)"
    if element.part == "week":
        return f"CAST(strftime('%V', {expr}) AS INTEGER)"
    return f"CAST(strftime('{_SQLITE_FORMATS[element.part]}', {expr}) AS INTEGER)"


@compiles(DatePart, "postgresql")
def _datepart_pg(element: DatePart, compiler: SQLCompiler, **kw: Any) -> str:
    expr = compiler.process(element.expr, **kw)
    part = {"week_day": "DOW", "iso_week_day": "ISODOW"}.get(element.part, element.part.upper())
    sql = f"EXTRACT({part} FROM {expr})"
    if element.part == "week_day":
        sql = f"({sql} + 1)"
    return f"CAST({sql} AS INTEGER)"


@compiles(DatePart, "mysql")
@compiles(DatePart, "mariadb")
def _datepart_mysql(element: DatePart, compiler: SQLCompiler, **kw: Any) -> str:
    expr = compiler.process(element.expr, **kw)
    if element.part == "week_day":
        return f"DAYOFWEEK({expr})"
    if element.part == "iso_week_day":
        return f"WEEKDAY({expr}) + 1"
    if element.part == "week":
        return f"WEEK({expr}, 3)"
    return f"EXTRACT({element.part.upper()} FROM {expr})"


class DateOf(ColumnElement[datetime.date]):
    """The date part of a datetime (Django's ``__date``)."""

    inherit_cache = True
    type = DateType()

    def __init__(self, expr: ColumnElement[Any]) -> None:
        self.expr = expr

    _traverse_internals = [("expr", sa.sql.visitors.InternalTraversal.dp_clauseelement)]


@compiles(DateOf)
def _dateof_default(element: DateOf, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST({compiler.process(element.expr, **kw)} AS DATE)"


@compiles(DateOf, "sqlite")
def _dateof_sqlite(element: DateOf, compiler: SQLCompiler, **kw: Any) -> str:
    return f"date({compiler.process(element.expr, **kw)})"


class CoerceInt(TypeDecorator[int]):
    """Integers from aggregates (MariaDB returns ``SUM`` of integers as a decimal)."""

    impl = sa.BigInteger
    cache_ok = True

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        return None if value is None else int(value)


class FromDbValue(TypeDecorator[Any]):
    """The column type of a field defining ``from_db_value``: its own type, each loaded
    value passed through ``field.from_db_value(value, None, dialect)``.

    Only such fields' columns carry it, so the rows of ordinary fields load as before.
    """

    impl = sa.types.NullType
    # The field is part of what the type does: no statement cache key from it.
    cache_ok = False

    def __init__(self, base: TypeEngine[Any], field: Any) -> None:
        super().__init__()
        self.impl = base  # type: ignore[assignment]
        self.field = field

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        return self.impl_instance

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        return self.field.from_db_value(value, None, dialect)

    def copy(self, **kw: Any) -> FromDbValue:
        return FromDbValue(self.impl_instance, self.field)


class CoerceFloat(TypeDecorator[float]):
    impl = sa.Float
    cache_ok = True

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        return None if value is None else float(value)


class DateTrunc(ColumnElement[Any]):
    """A date or datetime truncated to ``kind`` (year, month, week, day, hour, minute, second).

    Backs ``QuerySet.dates()`` and ``datetimes()``; weeks start on Monday, as Django's.
    """

    inherit_cache = True

    def __init__(self, kind: str, expr: ColumnElement[Any], is_date: bool) -> None:
        self.kind = kind
        self.expr = expr
        self.is_date = is_date
        self.type = DateType() if is_date else DateTimeType()

    _traverse_internals = [
        ("kind", sa.sql.visitors.InternalTraversal.dp_string),
        ("expr", sa.sql.visitors.InternalTraversal.dp_clauseelement),
        ("is_date", sa.sql.visitors.InternalTraversal.dp_boolean),
    ]


_SQLITE_TRUNC = {
    "year": "%Y-01-01 00:00:00",
    "month": "%Y-%m-01 00:00:00",
    "week": "%Y-%m-%d 00:00:00",
    "day": "%Y-%m-%d 00:00:00",
    "hour": "%Y-%m-%d %H:00:00",
    "minute": "%Y-%m-%d %H:%M:00",
    "second": "%Y-%m-%d %H:%M:%S",
}


@compiles(DateTrunc)
def _trunc_sqlite(element: DateTrunc, compiler: SQLCompiler, **kw: Any) -> str:
    expr = compiler.process(element.expr, **kw)
    fmt = _SQLITE_TRUNC[element.kind]
    if element.is_date:
        fmt = fmt[:8]
    if element.kind == "week":
        back = f"'-' || ((CAST(strftime('%w', {expr}) AS INTEGER) + 6) % 7) || ' days'"
        return f"strftime('{fmt}', {expr}, {back})"
    return f"strftime('{fmt}', {expr})"


@compiles(DateTrunc, "postgresql")
def _trunc_pg(element: DateTrunc, compiler: SQLCompiler, **kw: Any) -> str:
    expr = compiler.process(element.expr, **kw)
    sql = f"DATE_TRUNC('{element.kind}', {expr})"
    return f"({sql})::date" if element.is_date else sql


_MYSQL_TRUNC = {
    "year": "%Y-01-01 00:00:00",
    "month": "%Y-%m-01 00:00:00",
    "day": "%Y-%m-%d 00:00:00",
    "hour": "%Y-%m-%d %H:00:00",
    "minute": "%Y-%m-%d %H:%i:00",
    "second": "%Y-%m-%d %H:%i:%s",
}


@compiles(DateTrunc, "mysql")
@compiles(DateTrunc, "mariadb")
def _trunc_mysql(element: DateTrunc, compiler: SQLCompiler, **kw: Any) -> str:
    expr = compiler.process(element.expr, **kw)
    if element.kind == "week":
        sql = f"DATE_SUB(DATE({expr}), INTERVAL WEEKDAY({expr}) DAY)"
    else:
        fmt = _MYSQL_TRUNC[element.kind].replace("%", "%%")
        sql = f"CAST(DATE_FORMAT({expr}, '{fmt}') AS DATETIME)"
    return f"DATE({sql})" if element.is_date else f"CAST({sql} AS DATETIME)"


class LogicalXor(ColumnElement[bool]):
    """``a XOR b XOR ...``: true when an odd number of the conditions are true.

    MariaDB has the operator; elsewhere it is written as Django writes it,
    ``(a OR b ...) AND (CASE WHEN a THEN 1 ELSE 0 END + ...) % 2 = 1``, so a
    condition that is NULL counts as false.
    """

    inherit_cache = True
    type = sa.Boolean()

    def __init__(self, *clauses: ColumnElement[bool]) -> None:
        self.clauses = sa.sql.expression.ClauseList(*clauses)

    _traverse_internals = [("clauses", sa.sql.visitors.InternalTraversal.dp_clauseelement)]


@compiles(LogicalXor)
def _xor_default(element: LogicalXor, compiler: SQLCompiler, **kw: Any) -> str:
    parts = list(element.clauses)
    either = sa.or_(*parts)
    sum_of: ColumnElement[Any] = sa.case((parts[0], 1), else_=0)
    for p in parts[1:]:
        sum_of = sum_of + sa.case((p, 1), else_=0)
    total = sum_of % 2 if len(parts) > 2 else sum_of
    return compiler.process(sa.and_(either, total == 1), **kw)


@compiles(LogicalXor, "mysql")
@compiles(LogicalXor, "mariadb")
def _xor_mysql(element: LogicalXor, compiler: SQLCompiler, **kw: Any) -> str:
    return "(" + " XOR ".join(compiler.process(p, **kw) for p in element.clauses) + ")"

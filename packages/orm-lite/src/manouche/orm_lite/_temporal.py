"""Arithmetic of dates, datetimes, times and durations, with Django's result types:
a datetime, date or time plus or minus a duration is a datetime (a time for a time);
the difference of two datetimes, dates or times is a duration; two durations add up.

PostgreSQL has the operators (an interval for a duration); MariaDB adds microseconds
with ``DATE_ADD`` and subtracts with ``TIMESTAMPDIFF``; SQLite, which stores these
values as text and durations as microseconds, gets two small functions on each
connection (:func:`register_sqlite_functions`), as Django's backend does."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement

from manouche.orm_lite._exceptions import FieldError

if TYPE_CHECKING:
    from manouche.orm_lite._expressions import Resolved

_KINDS = {
    "DateTimeField": "datetime",
    "DateField": "date",
    "TimeField": "time",
    "DurationField": "duration",
}


def temporal_kind(field: Any) -> str | None:
    """``datetime``, ``date``, ``time`` or ``duration`` for a field of that type, else None."""
    if field is None:
        return None
    for klass in type(field).__mro__:
        kind = _KINDS.get(klass.__dict__.get("django_name", ""))
        if kind:
            return kind
    return None


class _TemporalShift(ColumnElement[Any]):
    """``value + duration`` or ``value - duration`` (``sign`` 1 or -1)."""

    __visit_name__ = "orm_lite_temporal_shift"
    inherit_cache = False

    def __init__(self, value: Any, duration: Any, sign: int, kind: str, type_: Any) -> None:
        self.value = value
        self.duration = duration
        self.sign = sign
        self.kind = kind
        self.type = sa.types.to_instance(type_)

    def get_children(self, **kw: Any) -> list[Any]:
        return [self.value, self.duration]


class _TemporalDiff(ColumnElement[Any]):
    """``lhs - rhs`` of two datetimes, dates or times: a duration."""

    __visit_name__ = "orm_lite_temporal_diff"
    inherit_cache = False

    def __init__(self, lhs: Any, rhs: Any, kind: str, type_: Any) -> None:
        self.lhs = lhs
        self.rhs = rhs
        self.kind = kind
        self.type = sa.types.to_instance(type_)

    def get_children(self, **kw: Any) -> list[Any]:
        return [self.lhs, self.rhs]


@compiles(_TemporalShift)
def _shift_default(element: _TemporalShift, compiler: Any, **kw: Any) -> str:
    op = "+" if element.sign > 0 else "-"
    value = compiler.process(element.value, **kw)
    duration = compiler.process(element.duration, **kw)
    if element.kind == "date":
        value = f"CAST({value} AS TIMESTAMP)"
    return f"({value} {op} {duration})"


@compiles(_TemporalShift, "sqlite")
def _shift_sqlite(element: _TemporalShift, compiler: Any, **kw: Any) -> str:
    value = compiler.process(element.value, **kw)
    duration = compiler.process(element.duration, **kw)
    return f"orm_lite_temporal_shift({value}, {element.sign} * ({duration}), '{element.kind}')"


@compiles(_TemporalShift, "mysql")
@compiles(_TemporalShift, "mariadb")
def _shift_mysql(element: _TemporalShift, compiler: Any, **kw: Any) -> str:
    value = compiler.process(element.value, **kw)
    duration = compiler.process(element.duration, **kw)
    step = f"INTERVAL ({element.sign} * ({duration})) MICROSECOND"
    if element.kind == "time":
        return f"TIME(DATE_ADD(TIMESTAMP('2000-01-01', {value}), {step}))"
    return f"DATE_ADD(CAST({value} AS DATETIME(6)), {step})"


@compiles(_TemporalDiff)
def _diff_default(element: _TemporalDiff, compiler: Any, **kw: Any) -> str:
    lhs = compiler.process(element.lhs, **kw)
    rhs = compiler.process(element.rhs, **kw)
    if element.kind == "date":
        # PostgreSQL's date - date is a number of days
        return f"(INTERVAL '1 day' * ({lhs} - {rhs}))"
    return f"({lhs} - {rhs})"


@compiles(_TemporalDiff, "sqlite")
def _diff_sqlite(element: _TemporalDiff, compiler: Any, **kw: Any) -> str:
    lhs = compiler.process(element.lhs, **kw)
    rhs = compiler.process(element.rhs, **kw)
    return f"orm_lite_temporal_diff({lhs}, {rhs}, '{element.kind}')"


@compiles(_TemporalDiff, "mysql")
@compiles(_TemporalDiff, "mariadb")
def _diff_mysql(element: _TemporalDiff, compiler: Any, **kw: Any) -> str:
    lhs = compiler.process(element.lhs, **kw)
    rhs = compiler.process(element.rhs, **kw)
    if element.kind == "time":
        lhs, rhs = f"TIMESTAMP('2000-01-01', {lhs})", f"TIMESTAMP('2000-01-01', {rhs})"
    return f"TIMESTAMPDIFF(MICROSECOND, {rhs}, {lhs})"


def combine_temporal(connector: str, left: Resolved, right: Resolved) -> Resolved | None:
    """The temporal meaning of ``left <connector> right``, or None when neither side is one."""
    from manouche.orm_lite import _fields as f
    from manouche.orm_lite._expressions import Resolved

    lkind, rkind = temporal_kind(left.field), temporal_kind(right.field)
    if lkind is None and rkind is None:
        return None
    agg = left.is_aggregate or right.is_aggregate
    nullable = left.nullable or right.nullable
    if lkind == rkind == "duration":
        if connector not in ("+", "-"):
            return None
        # durations add and subtract as their stored values do (microseconds, intervals)
        duration = f.DurationField()
        op = left.expr + right.expr if connector == "+" else left.expr - right.expr
        return Resolved(sa.type_coerce(op, duration.sa_type()), duration, agg, nullable)
    if connector in ("+", "-") and rkind == "duration" and lkind in ("datetime", "date", "time"):
        field = f.TimeField() if lkind == "time" else f.DateTimeField()
        sign = 1 if connector == "+" else -1
        expr = _TemporalShift(left.expr, right.expr, sign, lkind, field.sa_type())
        return Resolved(expr, field, agg, nullable)
    if connector == "+" and lkind == "duration" and rkind in ("datetime", "date", "time"):
        field = f.TimeField() if rkind == "time" else f.DateTimeField()
        expr = _TemporalShift(right.expr, left.expr, 1, rkind, field.sa_type())
        return Resolved(expr, field, agg, nullable)
    if connector == "-" and lkind == rkind and lkind in ("datetime", "date", "time"):
        duration = f.DurationField()
        diff = _TemporalDiff(left.expr, right.expr, lkind, duration.sa_type())
        return Resolved(diff, duration, agg, nullable)
    if (
        connector not in ("+", "-")
        or left.field is None
        or right.field is None
        or "duration" in (lkind, rkind)
        or (lkind is not None and rkind is not None)
    ):
        return None  # a bare value, or a duration scaled by a number: as before
    raise FieldError(
        f"Cannot infer type of {connector!r} expression involving these types: "
        f"{type(left.field).__name__}, {type(right.field).__name__}. "
        "You must set output_field."
    )


# -- SQLite's side --------------------------------------------------------------------


def _parse(value: Any, kind: str) -> Any:
    if value is None:
        return None
    text = str(value)
    if kind == "time":
        return datetime.datetime.combine(
            datetime.date(2000, 1, 1), datetime.time.fromisoformat(text)
        )
    if kind == "date" and len(text) == 10:
        day = datetime.date.fromisoformat(text)
        return datetime.datetime(day.year, day.month, day.day)
    return datetime.datetime.fromisoformat(text)


def _sqlite_shift(value: Any, microseconds: Any, kind: str) -> str | None:
    if value is None or microseconds is None:
        return None
    if kind == "date" and len(str(value)) == 10:
        # a date stays a date (whole days), as Django's SQLite backend computes it
        try:
            day = datetime.date.fromisoformat(str(value))
            return str(day + datetime.timedelta(microseconds=int(microseconds)))
        except (ValueError, OverflowError):
            return None
    try:
        moment = _parse(value, kind) + datetime.timedelta(microseconds=int(microseconds))
    except (ValueError, OverflowError):
        return None
    if kind == "time":
        return str(moment.time())
    return str(moment)


def _sqlite_diff(lhs: Any, rhs: Any, kind: str) -> int | None:
    if lhs is None or rhs is None:
        return None
    try:
        delta: datetime.timedelta = _parse(lhs, kind) - _parse(rhs, kind)
    except ValueError:
        return None
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


def register_sqlite_functions(dbapi_conn: Any) -> None:
    """The functions the SQL of :class:`_TemporalShift` and :class:`_TemporalDiff` calls."""
    dbapi_conn.create_function("orm_lite_temporal_shift", 3, _sqlite_shift, deterministic=True)
    dbapi_conn.create_function("orm_lite_temporal_diff", 3, _sqlite_diff, deterministic=True)

"""Query expressions: ``Q``, ``F``, ``Value``, arithmetic and the aggregates."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.sql.expression import ColumnElement

from manouche.orm_lite._exceptions import FieldError
from manouche.orm_lite._sqltypes import CoerceFloat, CoerceInt

if TYPE_CHECKING:
    from manouche.orm_lite._fields import Field
    from manouche.orm_lite._query import Query


# Shared type objects: their result processors are made once, and plans keyed by
# type identity hit again for every query of the same shape.
_INT = CoerceInt()
_FLOAT = CoerceFloat()
#: COUNT is an integer on every backend: no conversion per row.
_COUNT = sa.BigInteger()


class Resolved(NamedTuple):
    """An expression compiled against a query: the SQL, the field typing it, aggregate or not."""

    expr: ColumnElement[Any]
    field: Field | None
    is_aggregate: bool
    #: The column (nullable) the value comes from, for exclude()'s NULL handling.
    nullable: bool = False


class Q:
    """A condition tree: ``Q(a=1) | ~Q(b__in=[2, 3]) & Q(c__isnull=True)``."""

    AND = "AND"
    OR = "OR"
    XOR = "XOR"

    def __init__(
        self, *args: Any, _connector: str | None = None, _negated: bool = False, **kwargs: Any
    ) -> None:
        self.children: list[Any] = [*args, *sorted(kwargs.items())]
        self.connector = _connector or self.AND
        self.negated = _negated

    def _combine(self, other: Any, conn: str) -> Q:
        if not isinstance(other, Q):
            raise TypeError(f"Cannot combine a Q with {type(other).__name__}")
        if not other.children:
            return copy.deepcopy(self)
        if not self.children:
            return copy.deepcopy(other)
        obj = Q(_connector=conn)
        obj.children = [self, other]
        return obj

    def __and__(self, other: Any) -> Q:
        return self._combine(other, self.AND)

    def __or__(self, other: Any) -> Q:
        return self._combine(other, self.OR)

    def __xor__(self, other: Any) -> Q:
        return self._combine(other, self.XOR)

    def __invert__(self) -> Q:
        obj = Q(_connector=self.connector, _negated=not self.negated)
        obj.children = list(self.children)
        return obj

    def __bool__(self) -> bool:
        return bool(self.children)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Q)
            and other.children == self.children
            and other.connector == self.connector
            and other.negated == self.negated
        )

    def __hash__(self) -> int:
        return hash((self.connector, self.negated, repr(self.children)))

    def __repr__(self) -> str:
        inner = f" {self.connector} ".join(repr(c) for c in self.children)
        return f"<Q: {'NOT ' if self.negated else ''}({inner})>"


class Combinable:
    """Arithmetic between expressions and plain values: ``F("price") * 2``."""

    def _combine(self, other: Any, op: str, reversed_: bool) -> CombinedExpression:
        if not isinstance(other, Expression):
            other = Value(other)
        if reversed_:
            return CombinedExpression(other, op, self)  # type: ignore[arg-type]
        return CombinedExpression(self, op, other)  # type: ignore[arg-type]

    def __add__(self, other: Any) -> CombinedExpression:
        return self._combine(other, "+", False)

    def __sub__(self, other: Any) -> CombinedExpression:
        return self._combine(other, "-", False)

    def __mul__(self, other: Any) -> CombinedExpression:
        return self._combine(other, "*", False)

    def __truediv__(self, other: Any) -> CombinedExpression:
        return self._combine(other, "/", False)

    def __mod__(self, other: Any) -> CombinedExpression:
        return self._combine(other, "%", False)

    def __radd__(self, other: Any) -> CombinedExpression:
        return self._combine(other, "+", True)

    def __rsub__(self, other: Any) -> CombinedExpression:
        return self._combine(other, "-", True)

    def __rmul__(self, other: Any) -> CombinedExpression:
        return self._combine(other, "*", True)

    def __rtruediv__(self, other: Any) -> CombinedExpression:
        return self._combine(other, "/", True)

    def __neg__(self) -> CombinedExpression:
        return CombinedExpression(Value(0), "-", self)  # type: ignore[arg-type]

    def __pow__(self, other: Any) -> CombinedExpression:
        return self._combine(other, "^", False)

    def __rpow__(self, other: Any) -> CombinedExpression:
        return self._combine(other, "^", True)

    # Bitwise operations on integers: methods, as in Django (``&`` and ``|`` are Q's).
    def bitand(self, other: Any) -> CombinedExpression:
        return self._combine(other, "&", False)

    def bitor(self, other: Any) -> CombinedExpression:
        return self._combine(other, "|", False)

    def bitxor(self, other: Any) -> CombinedExpression:
        return self._combine(other, "#", False)

    def bitleftshift(self, other: Any) -> CombinedExpression:
        return self._combine(other, "<<", False)

    def bitrightshift(self, other: Any) -> CombinedExpression:
        return self._combine(other, ">>", False)

    def _logical(self, other: Any) -> Any:
        if (
            isinstance(other, Q)
            or getattr(self, "conditional", False)
            or getattr(other, "conditional", False)
            or not isinstance(other, Combinable | int | float | str)
        ):
            return NotImplemented  # a condition with a condition: not combined here
        raise NotImplementedError(
            "Use .bitand(), .bitor(), and .bitxor() for bitwise logical operations."
        )

    __and__ = __or__ = __xor__ = __rand__ = __ror__ = __rxor__ = _logical


class Expression(Combinable):
    """The base of expressions a query can compile."""

    contains_aggregate = False

    def resolve(self, query: Query, reuse: set[str] | None) -> Resolved:
        raise NotImplementedError

    def asc(self, nulls_first: bool = False, nulls_last: bool = False) -> OrderBy:
        return OrderBy(self, descending=False, nulls_first=nulls_first, nulls_last=nulls_last)

    def desc(self, nulls_first: bool = False, nulls_last: bool = False) -> OrderBy:
        return OrderBy(self, descending=True, nulls_first=nulls_first, nulls_last=nulls_last)


class F(Expression):
    """A reference to a field (``F("price")``, ``F("author__name")``) or an annotation."""

    def __init__(self, name: str) -> None:
        self.name = name

    def resolve(self, query: Query, reuse: set[str] | None) -> Resolved:
        return query.resolve_ref(self.name, reuse)

    def __repr__(self) -> str:
        return f"F({self.name})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, F) and other.name == self.name

    def __hash__(self) -> int:
        return hash(("F", self.name))


class Value(Expression):
    """A literal value, bound as a parameter."""

    def __init__(self, value: Any, output_field: Field | None = None) -> None:
        self.value = value
        self.output_field = output_field

    def resolve(self, query: Query, reuse: set[str] | None) -> Resolved:
        if self.output_field is not None:
            return Resolved(
                sa.literal(self.value, type_=self.output_field.sa_type()), self.output_field, False
            )
        return Resolved(sa.literal(self.value), None, False)

    def __repr__(self) -> str:
        return f"Value({self.value!r})"


class CombinedExpression(Expression):
    """Two expressions joined by an operator (``F("votes") + 1``)."""

    def __init__(self, lhs: Expression, connector: str, rhs: Expression) -> None:
        self.lhs = lhs
        self.connector = connector
        self.rhs = rhs

    @property
    def contains_aggregate(self) -> bool:  # type: ignore[override]
        return self.lhs.contains_aggregate or self.rhs.contains_aggregate

    def resolve(self, query: Query, reuse: set[str] | None) -> Resolved:
        left = self.lhs.resolve(query, reuse)
        right = self.rhs.resolve(query, reuse)
        ops: dict[str, Callable[[Any, Any], Any]] = {
            "+": lambda a, b: a + b,
            "-": lambda a, b: a - b,
            "*": lambda a, b: a * b,
            "/": lambda a, b: a / b,
            "%": lambda a, b: a % b,
            "^": lambda a, b: sa.func.power(a, b),
            "&": lambda a, b: a.op("&")(b),
            "|": lambda a, b: a.op("|")(b),
            "<<": lambda a, b: a.op("<<")(b),
            ">>": lambda a, b: a.op(">>")(b),
            # XOR has no operator common to SQLite, PostgreSQL (#) and MySQL (^).
            "#": lambda a, b: a.op("|")(b) - a.op("&")(b),
        }
        expr = ops[self.connector](left.expr, right.expr)
        field = left.field or right.field
        return Resolved(
            expr, field, left.is_aggregate or right.is_aggregate, left.nullable or right.nullable
        )

    def __repr__(self) -> str:
        return f"{self.lhs!r} {self.connector} {self.rhs!r}"


class OrderBy:
    """An ordering term: ``F("x").desc(nulls_last=True)``."""

    def __init__(
        self,
        expression: Any,
        descending: bool = False,
        nulls_first: bool = False,
        nulls_last: bool = False,
    ) -> None:
        if nulls_first and nulls_last:
            raise ValueError("nulls_first and nulls_last are mutually exclusive")
        self.expression = expression
        self.descending = descending
        self.nulls_first = nulls_first
        self.nulls_last = nulls_last

    def reversed(self) -> OrderBy:
        return OrderBy(self.expression, not self.descending, self.nulls_last, self.nulls_first)


class Aggregate(Expression):
    """``Count``, ``Sum``, ``Avg``, ``Min``, ``Max``: with ``distinct=`` and ``filter=``."""

    function = ""
    name = ""
    contains_aggregate = True

    def __init__(
        self,
        expression: Any,
        distinct: bool = False,
        filter: Q | None = None,
        default: Any = None,
        output_field: Field | None = None,
    ) -> None:  # noqa: A002
        self.source = expression
        self.distinct = distinct
        self.filter = filter
        self.default = default
        self.output_field = output_field

    @property
    def empty_value(self) -> Any:
        """The value over no rows (SQL's NULL as None): a group with no related rows."""
        return self.default

    def default_alias(self) -> str:
        if not isinstance(self.source, str):
            raise TypeError("Complex aggregates require an alias")
        return f"{self.source}__{self.name.lower()}"

    def _source(self, query: Query, reuse: set[str] | None) -> Resolved:
        if isinstance(self.source, str):
            if self.source == "*":
                return Resolved(sa.literal_column("*"), None, False)
            return query.resolve_ref(self.source, reuse, allow_relation=True)
        if isinstance(self.source, Expression):
            return self.source.resolve(query, reuse)
        raise TypeError(f"{self.name} needs a field name or an expression, got {self.source!r}")

    def resolve(self, query: Query, reuse: set[str] | None) -> Resolved:
        src = self._source(query, reuse)
        if src.is_aggregate:
            raise FieldError(f"Cannot compute {self.name}('{self.source}'): it is an aggregate")
        expr: Any = src.expr
        if self.filter is not None:
            cond = query.compile_q(self.filter, reuse)
            expr = sa.case((cond, expr if self.source != "*" else sa.literal(1)), else_=None)
        if self.distinct:
            expr = sa.distinct(expr)
        out = self.output_type(src.field)
        func = getattr(sa.func, self.function.lower())
        result: Any = func(expr, type_=out)
        if self.default is not None:
            result = sa.func.coalesce(result, sa.literal(self.default), type_=out)
        return Resolved(result, self.result_field(src.field), True)

    def output_type(self, field: Field | None) -> Any:
        if self.output_field is not None:
            return self.output_field.sa_type()
        if field is None:
            return None
        if field.django_name.endswith("IntegerField") or field.django_name.endswith("AutoField"):
            return _INT
        if field.django_name == "FloatField":
            return _FLOAT
        return field.sa_type()

    def result_field(self, field: Field | None) -> Field | None:
        return self.output_field or field

    def __repr__(self) -> str:
        return f"{self.name}({self.source!r}{', distinct=True' if self.distinct else ''})"


class Count(Aggregate):
    """The number of rows, or of values of an expression (``distinct=True`` for distinct ones)."""

    function = "COUNT"
    name = "Count"

    def __init__(
        self, expression: Any, distinct: bool = False, filter: Q | None = None, **extra: Any
    ) -> None:  # noqa: A002
        super().__init__(expression, distinct=distinct, filter=filter, **extra)

    @property
    def empty_value(self) -> Any:
        return 0 if self.default is None else self.default

    @property
    def counts_rows(self) -> bool:
        """COUNT of a column and nothing else (no DISTINCT, filter or default)."""
        return not self.distinct and self.filter is None and self.default is None

    def output_type(self, field: Field | None) -> Any:
        return _COUNT

    def result_field(self, field: Field | None) -> Field | None:
        from manouche.orm_lite._fields import IntegerField

        return IntegerField()


class Sum(Aggregate):
    """The sum of an expression (``SUM``)."""

    function = "SUM"
    name = "Sum"


class Avg(Aggregate):
    """The average of an expression (``AVG``)."""

    function = "AVG"
    name = "Avg"

    def output_type(self, field: Field | None) -> Any:
        if field is not None and field.django_name == "DecimalField":
            from manouche.orm_lite._sqltypes import UNSIZED_DECIMAL

            return UNSIZED_DECIMAL  # not quantized to the column's places: Django's precision
        return _FLOAT

    def result_field(self, field: Field | None) -> Field | None:
        if field is not None and field.django_name == "DecimalField":
            return field
        from manouche.orm_lite._fields import FloatField

        return FloatField()


class Min(Aggregate):
    """The smallest value of an expression (``MIN``)."""

    function = "MIN"
    name = "Min"


class Max(Aggregate):
    """The largest value of an expression (``MAX``)."""

    function = "MAX"
    name = "Max"


class StdDev(Aggregate):
    """The standard deviation of an expression (``sample=True`` for the sample's)."""

    function = "STDDEV_POP"
    name = "StdDev"

    def output_type(self, field: Field | None) -> Any:
        return _FLOAT


class Func(Expression):
    """A SQL function over expressions: ``Func(F("name"), function="LOWER")``."""

    function = ""

    def __init__(
        self, *expressions: Any, function: str | None = None, output_field: Field | None = None
    ) -> None:
        self.expressions = [F(e) if isinstance(e, str) else e for e in expressions]
        if function is not None:
            self.function = function
        self.output_field = output_field

    @property
    def contains_aggregate(self) -> bool:  # type: ignore[override]
        return any(getattr(e, "contains_aggregate", False) for e in self.expressions)

    def resolve(self, query: Query, reuse: set[str] | None) -> Resolved:
        parts = [
            e.resolve(query, reuse)
            if isinstance(e, Expression)
            else Resolved(sa.literal(e), None, False)
            for e in self.expressions
        ]
        field = self.output_field or (parts[0].field if parts else None)
        type_ = field.sa_type() if field is not None else None
        expr = getattr(sa.func, self.function.lower())(*[p.expr for p in parts], type_=type_)
        return Resolved(
            expr, field, any(p.is_aggregate for p in parts), any(p.nullable for p in parts)
        )


class Lower(Func):
    """A string in lower case."""

    function = "LOWER"


class Upper(Func):
    """A string in upper case."""

    function = "UPPER"


class Length(Func):
    """The length of a string in characters (NULL stays NULL)."""

    function = "LENGTH"

    def resolve(self, query: Query, reuse: set[str] | None) -> Resolved:
        from manouche.orm_lite._fields import IntegerField

        src = self.expressions[0]
        res = src.resolve(query, reuse) if isinstance(src, Expression) else None
        if res is None:
            raise TypeError(f"Length() needs a field name or an expression, got {src!r}")
        # Characters, not bytes (MariaDB's LENGTH counts bytes); SQLite spells it length().
        expr = sa.func.char_length(res.expr, type_=_INT)
        return Resolved(expr, IntegerField(), res.is_aggregate, res.nullable)


class Coalesce(Func):
    """The first of its expressions that is not NULL (at least two)."""

    function = "COALESCE"

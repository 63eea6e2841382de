"""Query expressions: ``Q``, ``F``, ``Value``, arithmetic and the aggregates."""

from __future__ import annotations

import copy
import decimal
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
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


def _hashable(value: Any) -> Any:
    """``value`` made hashable as Django's ``make_hashable``: dicts and unhashable iterables
    become tuples (so ``Q(pk__in=[1, 2]) == Q(pk__in=(1, 2))``)."""
    if isinstance(value, dict):
        return tuple((k, _hashable(v)) for k, v in sorted(value.items()))
    try:
        hash(value)
    except TypeError:
        if isinstance(value, str | bytes) or not hasattr(value, "__iter__"):
            raise
        return tuple(_hashable(v) for v in value)
    return value


class Q:
    """A condition tree: ``Q(a=1) | ~Q(b__in=[2, 3]) & Q(c__isnull=True)``."""

    AND = "AND"
    OR = "OR"
    XOR = "XOR"
    default = AND
    conditional = True

    def __init__(
        self, *args: Any, _connector: str | None = None, _negated: bool = False, **kwargs: Any
    ) -> None:
        if _connector not in (None, self.AND, self.OR, self.XOR):
            raise ValueError(
                f"_connector must be one of {self.AND!r}, {self.OR!r}, {self.XOR!r}, or None."
            )
        self.children: list[Any] = [*args, *sorted(kwargs.items())]
        self.connector = _connector or self.AND
        self.negated = _negated

    @classmethod
    def create(cls, children: Any = None, connector: str | None = None, negated: bool = False) -> Q:
        """A Q of ``children`` joined by ``connector`` (Django's ``Node.create``)."""
        obj = cls(_connector=connector, _negated=negated)
        obj.children = list(children or ())
        return obj

    def copy(self) -> Q:
        obj = self.create(connector=self.connector, negated=self.negated)
        obj.children = list(self.children)
        return obj

    __copy__ = copy

    def __len__(self) -> int:
        return len(self.children)

    def add(self, data: Any, conn_type: str) -> Any:
        """Add ``data`` joined by ``conn_type``, flattening as Django's ``Node.add``."""
        if self.connector != conn_type:
            obj = self.copy()
            self.connector = conn_type
            self.children = [obj, data]
            return data
        if (
            isinstance(data, Q)
            and not data.negated
            and (data.connector == conn_type or len(data) == 1)
        ):
            self.children.extend(data.children)
            return self
        self.children.append(data)
        return data

    def _combine(self, other: Any, conn: str) -> Any:
        if getattr(other, "conditional", False) is False:
            raise TypeError(other)
        if not self:
            return other.copy() if hasattr(other, "copy") else copy.copy(other)
        if isinstance(other, Q) and not other:
            return self.copy()
        obj = self.create(connector=conn)
        obj.add(self, conn)
        obj.add(other, conn)
        return obj

    def __and__(self, other: Any) -> Any:
        return self._combine(other, self.AND)

    def __or__(self, other: Any) -> Any:
        return self._combine(other, self.OR)

    def __xor__(self, other: Any) -> Any:
        return self._combine(other, self.XOR)

    def __invert__(self) -> Q:
        obj = self.copy()
        obj.negated = not self.negated
        return obj

    def __bool__(self) -> bool:
        return bool(self.children)

    def deconstruct(self) -> tuple[str, tuple[Any, ...], dict[str, Any]]:
        """(import path, args, kwargs) that rebuild this Q, as Django's ``Q.deconstruct``."""
        path = f"{type(self).__module__}.{type(self).__name__}"
        if path == "manouche.orm_lite._expressions.Q":
            path = "manouche.orm_lite.Q"
        kwargs: dict[str, Any] = {}
        if self.connector != self.default:
            kwargs["_connector"] = self.connector
        if self.negated:
            kwargs["_negated"] = True
        return path, tuple(self.children), kwargs

    def flatten(self) -> Any:
        """This Q and everything under it, depth first (Django's ``Q.flatten``)."""
        yield self
        for child in self.children:
            if isinstance(child, tuple):
                child = child[1]
            if hasattr(child, "flatten"):
                yield from child.flatten()
            else:
                yield child

    @property
    def identity(self) -> tuple[Any, ...]:
        kids = tuple(
            (c[0], _hashable(c[1])) if isinstance(c, tuple) and len(c) == 2 else c
            for c in self.children
        )
        return (type(self), self.connector, self.negated, *kids)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Q) and type(other) is type(self) and other.identity == self.identity
        )

    def __hash__(self) -> int:
        return hash(self.identity)

    def __str__(self) -> str:
        """Django's form: ``(AND: ('a', 1), (OR: ...))``, ``(NOT (AND: ...))`` negated."""
        inner = f"{self.connector}: {', '.join(str(c) for c in self.children)}"
        return f"(NOT ({inner}))" if self.negated else f"({inner})"

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self}>"


#: Django's rule for column aliases: no whitespace, quotes, semicolons, hashes, control
#: characters or SQL comments (an alias is written into the SQL, not bound).
FORBIDDEN_ALIAS = re.compile(r"['`\"\]\[;\s\x00-\x1F\x7F-\x9F]|#|--|/\*|\*/")


def check_alias(alias: str) -> None:
    """Refuse a column alias that could smuggle SQL, with Django's message."""
    if FORBIDDEN_ALIAS.search(alias):
        raise ValueError(
            "Column aliases cannot contain whitespace characters, hashes, "
            "control characters, quotation marks, semicolons, or SQL comments."
        )


class Combinable:
    """Arithmetic between expressions and plain values: ``F("price") * 2``."""

    # The connectors of ``CombinedExpression``, Django's names.
    ADD = "+"
    SUB = "-"
    MUL = "*"
    DIV = "/"
    POW = "^"
    MOD = "%%"
    BITAND = "&"
    BITOR = "|"
    BITLEFTSHIFT = "<<"
    BITRIGHTSHIFT = ">>"
    BITXOR = "#"

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

    def _logical(self, other: Any, conn: str) -> Any:
        if getattr(self, "conditional", False) and getattr(other, "conditional", False):
            # conditions combine as Q does: Exists(...) & Q(...), Q(...) | ~Exists(...)
            return Q(self)._combine(other if isinstance(other, Q) else Q(other), conn)
        if (
            isinstance(other, Q)
            or getattr(self, "conditional", False)
            or getattr(other, "conditional", False)
            or not isinstance(other, Combinable | int | float | str)
        ):
            return NotImplemented  # a condition with a non-condition: not combined here
        raise NotImplementedError(
            "Use .bitand(), .bitor(), and .bitxor() for bitwise logical operations."
        )

    def __and__(self, other: Any) -> Any:
        return self._logical(other, Q.AND)

    def __or__(self, other: Any) -> Any:
        return self._logical(other, Q.OR)

    def __xor__(self, other: Any) -> Any:
        return self._logical(other, Q.XOR)

    def __rand__(self, other: Any) -> Any:
        return self._logical(other, Q.AND)

    def __ror__(self, other: Any) -> Any:
        return self._logical(other, Q.OR)

    def __rxor__(self, other: Any) -> Any:
        return self._logical(other, Q.XOR)


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

    def __getitem__(self, subscript: int | slice) -> Sliced:
        """``F("name")[:3]``: a substring of a text field, as Django's (SQL ``SUBSTR``)."""
        return Sliced(self, subscript)

    def __contains__(self, other: Any) -> bool:
        # (without it, ``x in F(...)`` would iterate F[0], F[1], ... for ever)
        raise TypeError(f"argument of type '{type(self).__name__}' is not iterable")

    def __iter__(self) -> Any:
        raise TypeError(f"'{type(self).__name__}' object is not iterable")

    def __invert__(self) -> NegatedExpression:
        """``~F("is_active")``: NOT of a boolean field, as Django's."""
        return NegatedExpression(self)

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


def _numeric_kind(expression: Any, resolved: Resolved) -> str | None:
    """ "int", "dec", "float" for a number typed expression (a field or a Python value)."""
    from manouche.orm_lite._fields import AutoField, DecimalField, FloatField, IntegerField

    field = resolved.field
    if field is None and isinstance(expression, Value):
        value = expression.value
        if isinstance(value, bool):
            return None
        if isinstance(value, int):
            return "int"
        if isinstance(value, float):
            return "float"
        if isinstance(value, decimal.Decimal):
            return "dec"
        return None
    if isinstance(field, IntegerField | AutoField):
        return "int"
    if isinstance(field, DecimalField):
        return "dec"
    if isinstance(field, FloatField):
        return "float"
    return None


class Sliced(Expression):
    """``F("name")[1:4]``: ``SUBSTR`` of a text field (1-based start, a length or the rest)."""

    def __init__(self, obj: Any, subscript: Any) -> None:
        self.obj = obj
        self.start: int
        self.length: int | None
        if isinstance(subscript, int) and not isinstance(subscript, bool):
            if subscript < 0:
                raise ValueError("Negative indexing is not supported.")
            self.start, self.length = subscript + 1, 1
        elif isinstance(subscript, slice):
            if (subscript.start is not None and subscript.start < 0) or (
                subscript.stop is not None and subscript.stop < 0
            ):
                raise ValueError("Negative indexing is not supported.")
            if subscript.step is not None:
                raise ValueError("Step argument is not supported.")
            if subscript.stop and subscript.start and subscript.stop < subscript.start:
                raise ValueError("Slice stop must be greater than slice start.")
            self.start = 1 if subscript.start is None else subscript.start + 1
            self.length = (
                None if subscript.stop is None else subscript.stop - (subscript.start or 0)
            )
        else:
            raise TypeError("Argument to slice must be either int or slice instance.")

    def resolve(self, query: Query, reuse: set[str] | None) -> Resolved:
        from manouche.orm_lite._exceptions import NotSupportedError

        res = self.obj.resolve(query, reuse)
        name = getattr(res.field, "django_name", "")
        if res.field is not None and name not in (
            "CharField",
            "TextField",
            "EmailField",
            "SlugField",
            "URLField",
        ):
            raise NotSupportedError("This field does not support slicing.")
        args = [res.expr, sa.literal(self.start)]
        if self.length is not None:
            args.append(sa.literal(self.length))
        expr = sa.func.substr(*args, type_=res.expr.type)
        return Resolved(expr, res.field, res.is_aggregate, res.nullable)

    def __getitem__(self, subscript: int | slice) -> Sliced:
        return Sliced(self, subscript)

    def __contains__(self, other: Any) -> bool:
        raise TypeError(f"argument of type '{type(self).__name__}' is not iterable")

    def __iter__(self) -> Any:
        raise TypeError(f"'{type(self).__name__}' object is not iterable")

    def __repr__(self) -> str:
        start = self.start - 1
        stop = None if self.length is None else start + self.length
        return f"Sliced({self.obj!r}, {slice(start, stop)!r})"


class NegatedExpression(Expression):
    """``~F("flag")``, ``~Exists(...)`` in Django's words: NOT of a condition."""

    conditional = True

    def __init__(self, expression: Any) -> None:
        self.expression = expression

    def resolve(self, query: Query, reuse: set[str] | None) -> Resolved:
        res = self.expression.resolve(query, reuse)
        field = res.field
        if not getattr(self.expression, "conditional", False) and (
            field is None or getattr(field, "django_name", "") != "BooleanField"
        ):
            raise TypeError("Cannot negate non-conditional expressions.")
        return Resolved(sa.not_(res.expr), field, res.is_aggregate, res.nullable)

    def __invert__(self) -> Any:
        return self.expression

    def __repr__(self) -> str:
        return f"NOT {self.expression!r}"


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
            "%%": lambda a, b: a % b,
            "^": lambda a, b: sa.func.power(a, b),
            "&": lambda a, b: a.op("&")(b),
            "|": lambda a, b: a.op("|")(b),
            "<<": lambda a, b: a.op("<<")(b),
            ">>": lambda a, b: a.op(">>")(b),
            # XOR has no operator common to SQLite, PostgreSQL (#) and MySQL (^).
            "#": lambda a, b: a.op("|")(b) - a.op("&")(b),
        }
        lkind, rkind = _numeric_kind(self.lhs, left), _numeric_kind(self.rhs, right)
        field = left.field or right.field
        if self.connector == "/" and lkind == rkind == "int":
            # integer operands divide as integers, as Django's on SQLite and PostgreSQL
            # (SQLAlchemy's ``/`` casts to NUMERIC; ``//`` is ``/`` there, ``DIV`` on MySQL)
            expr = sa.type_coerce(left.expr, sa.Integer()) // sa.type_coerce(
                right.expr, sa.Integer()
            )
        else:
            expr = ops[self.connector](left.expr, right.expr)
        if lkind and rkind and lkind != rkind:
            # Django's output field of mixed numbers: with a float, a float; else a decimal
            wider = "float" if "float" in (lkind, rkind) else "dec"
            field = left.field if lkind == wider else right.field
            if field is None:
                from manouche.orm_lite._fields import DecimalField, FloatField

                field = FloatField() if wider == "float" else DecimalField()
            expr = sa.type_coerce(expr, field.sa_type())
        return Resolved(
            expr, field, left.is_aggregate or right.is_aggregate, left.nullable or right.nullable
        )

    def __repr__(self) -> str:
        return f"{self.lhs!r} {self.connector} {self.rhs!r}"


_RAW_PARAM = re.compile(r"%%|%s|:(?=\w)")


class _RawColumn(ColumnElement[Any]):
    """A ``TextClause`` (SQL text with its bound parameters) usable as a column."""

    __visit_name__ = "orm_lite_raw_column"
    inherit_cache = False

    def __init__(self, text: Any, type_: Any) -> None:
        self.text = text
        self.type = sa.types.to_instance(type_)


@compiles(_RawColumn)
def _compile_raw_column(element: _RawColumn, compiler: Any, **kw: Any) -> str:
    return f"({compiler.process(element.text, **kw)})"


class RawSQL(Expression):
    """SQL written by hand, with ``%s`` placeholders bound to ``params`` (never pasted in):
    ``annotate(n=RawSQL("SELECT COUNT(*) FROM t WHERE t.x = %s", (x,)))``, as Django's."""

    def __init__(self, sql: str, params: Any = (), output_field: Field | None = None) -> None:
        if not isinstance(sql, str):
            raise TypeError(f"RawSQL needs SQL text, got {sql!r}")
        self.sql = sql
        self.params = tuple(params)
        self.output_field = output_field
        self.conditional = output_field is not None and type(output_field).__name__ == (
            "BooleanField"
        )

    def resolve(self, query: Query, reuse: set[str] | None) -> Resolved:
        params = list(self.params)
        binds: list[Any] = []

        def sub(match: re.Match[str]) -> str:
            token = match.group(0)
            if token == "%%":
                return "%"
            if token == ":":
                return "\\:"  # a literal colon, not a named parameter
            if not params:
                raise TypeError(
                    f"RawSQL {self.sql!r} has more %s than its {len(self.params)} params"
                )
            binds.append(sa.bindparam(f"raw{len(binds)}", params.pop(0), unique=True))
            return f":raw{len(binds) - 1}"

        text = _RAW_PARAM.sub(sub, self.sql)
        if params:
            raise TypeError(f"RawSQL {self.sql!r} has fewer %s than its {len(self.params)} params")
        clause = sa.text(text).bindparams(*binds) if binds else sa.text(text)
        field = self.output_field
        type_ = field.sa_type() if field is not None else sa.types.NULLTYPE
        return Resolved(_RawColumn(clause, type_), field, False, True)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, RawSQL)
            and (other.sql, other.params) == (self.sql, self.params)
            and type(other.output_field) is type(self.output_field)
        )

    def __hash__(self) -> int:
        return hash((RawSQL, self.sql, self.params))

    def __repr__(self) -> str:
        return f"RawSQL({self.sql}, {self.params!r})"


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
    """The standard deviation: of the population, or of a sample with ``sample=True``."""

    function = "STDDEV_POP"
    name = "StdDev"

    def __init__(self, expression: Any, sample: bool = False, **extra: Any) -> None:
        super().__init__(expression, **extra)
        self.sample = sample
        self.function = self.function.replace("_POP", "_SAMP") if sample else self.function

    def output_type(self, field: Field | None) -> Any:
        # a decimal's spread is a decimal, anything else's a float, as Django's
        if self.output_field is not None:
            return self.output_field.sa_type()
        if field is not None and field.django_name == "DecimalField":
            return sa.Numeric(asdecimal=True)  # not rounded to the column's places
        return _FLOAT

    def result_field(self, field: Field | None) -> Field | None:
        from manouche.orm_lite._fields import FloatField

        if self.output_field is None and field is not None and field.django_name == "DecimalField":
            return field
        return self.output_field or FloatField()


class Variance(StdDev):
    """The variance: of the population, or of a sample with ``sample=True``."""

    function = "VAR_POP"
    name = "Variance"


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


class Substr(Expression):
    """``Substr("name", 2, 3)``: ``length`` characters from 1-based ``pos`` (the rest if None)."""

    def __init__(self, expression: Any, pos: Any, length: Any = None, **extra: Any) -> None:
        self.source = F(expression) if isinstance(expression, str) else expression
        if isinstance(pos, int) and pos <= 0:
            raise ValueError("'pos' must be greater than 0")
        self.pos = pos
        self.length = length

    def resolve(self, query: Query, reuse: set[str] | None) -> Resolved:
        res = self.source.resolve(query, reuse)
        args = [res.expr]
        for part in (self.pos, self.length):
            if part is None:
                continue
            args.append(
                part.resolve(query, reuse).expr
                if isinstance(part, Expression)
                else sa.literal(part)
            )
        return Resolved(sa.func.substr(*args, type_=res.expr.type), res.field, False, True)


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

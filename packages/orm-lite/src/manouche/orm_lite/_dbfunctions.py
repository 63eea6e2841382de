"""Django's database functions of math, text and comparison (``django.db.models.functions``):
``Abs``, ``Floor``, ``Mod``, ``Pi``, ``Power``, ``Round``, ``Left``, ``Right``, ``Trim``,
``Replace``, ``StrIndex``, ``Greatest``, ``Least``, ``NullIf``, ... compiled to each
backend's spelling (SQLite has no ``GREATEST``: its many-argument ``MAX`` is the same)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement

from manouche.orm_lite._expressions import Func, Resolved

if TYPE_CHECKING:
    from manouche.orm_lite._fields import Field


class _PerDialect(ColumnElement[Any]):
    """A SQL expression built at compile time for the dialect it is compiled for."""

    __visit_name__ = "orm_lite_per_dialect"
    inherit_cache = False

    def __init__(
        self,
        builders: dict[str, Callable[[list[Any]], Any]],
        default: Callable[[list[Any]], Any],
        args: list[Any],
        type_: Any,
    ) -> None:
        self.builders = builders
        self.default = default
        self.args = args
        self.type = sa.types.to_instance(type_)

    def get_children(self, **kw: Any) -> list[Any]:
        return list(self.args)


@compiles(_PerDialect)
def _compile_per_dialect(element: _PerDialect, compiler: Any, **kw: Any) -> str:
    build = element.builders.get(compiler.dialect.name, element.default)
    return str(compiler.process(build(element.args), **kw))


def _numeric_field(parts: list[Resolved]) -> Field:
    """Django's ``NumericOutputFieldMixin``: a decimal with a decimal source, else a float."""
    from manouche.orm_lite._fields import DecimalField, FloatField

    if any(getattr(p.field, "django_name", "") == "DecimalField" for p in parts):
        return DecimalField()
    return FloatField()


def _text_field(parts: list[Resolved]) -> Field:
    from manouche.orm_lite._fields import CharField

    return parts[0].field if parts and parts[0].field is not None else CharField()


def _int_field(parts: list[Resolved]) -> Field:
    from manouche.orm_lite._fields import IntegerField

    return IntegerField()


class _Transform(Func):
    """A function of one expression, usable as a transform once registered:
    ``IntegerField.register_lookup(Abs)`` then ``filter(x__abs=5)``, ``F("x__abs")``."""

    arity = 1

    def __init__(self, expression: Any, **extra: Any) -> None:
        super().__init__(expression, **extra)


class _Numeric(Func):
    """A math function whose result is a float, or a decimal with a decimal source."""

    def result_field(self, parts: list[Resolved]) -> Field | None:
        return _numeric_field(parts)


class _NumericTransform(_Transform):
    def result_field(self, parts: list[Resolved]) -> Field | None:
        return _numeric_field(parts)


# -- math -----------------------------------------------------------------------------


class Abs(_Transform):
    """The absolute value (the source's type)."""

    function = "ABS"
    lookup_name = "abs"


class Ceil(_Transform):
    """The smallest integer not less than the value (the source's type)."""

    function = "CEILING"
    lookup_name = "ceil"

    def as_sql(self, args: list[Any], type_: Any) -> Any:
        return _PerDialect(
            {"sqlite": lambda a: sa.func.ceil(*a)}, lambda a: sa.func.ceiling(*a), args, type_
        )


class Floor(_Transform):
    """The largest integer not greater than the value (the source's type)."""

    function = "FLOOR"
    lookup_name = "floor"


class Sign(_Transform):
    """-1, 0 or 1 as the value is negative, zero or positive."""

    function = "SIGN"
    lookup_name = "sign"

    def result_field(self, parts: list[Resolved]) -> Field | None:
        return _int_field(parts)


class Sqrt(_NumericTransform):
    """The square root."""

    function = "SQRT"
    lookup_name = "sqrt"


class Exp(_NumericTransform):
    """e raised to the value."""

    function = "EXP"
    lookup_name = "exp"


class Ln(_NumericTransform):
    """The natural logarithm."""

    function = "LN"
    lookup_name = "ln"


class Sin(_NumericTransform):
    """The sine (radians)."""

    function = "SIN"
    lookup_name = "sin"


class Cos(_NumericTransform):
    """The cosine (radians)."""

    function = "COS"
    lookup_name = "cos"


class Tan(_NumericTransform):
    """The tangent (radians)."""

    function = "TAN"
    lookup_name = "tan"


class ASin(_NumericTransform):
    """The arcsine, in radians."""

    function = "ASIN"
    lookup_name = "asin"


class ACos(_NumericTransform):
    """The arccosine, in radians."""

    function = "ACOS"
    lookup_name = "acos"


class ATan(_NumericTransform):
    """The arctangent, in radians."""

    function = "ATAN"
    lookup_name = "atan"


class Radians(_NumericTransform):
    """Degrees converted to radians."""

    function = "RADIANS"
    lookup_name = "radians"


class Degrees(_NumericTransform):
    """Radians converted to degrees."""

    function = "DEGREES"
    lookup_name = "degrees"


class ATan2(_Numeric):
    """The arctangent of ``y / x``, in radians."""

    function = "ATAN2"

    def __init__(self, expression1: Any, expression2: Any, **extra: Any) -> None:
        super().__init__(expression1, expression2, **extra)


class Mod(_Numeric):
    """The remainder of ``x / y`` (a float, or a decimal with a decimal operand)."""

    function = "MOD"

    def __init__(self, expression1: Any, expression2: Any, **extra: Any) -> None:
        super().__init__(expression1, expression2, **extra)


class Power(_Numeric):
    """``x`` raised to the power ``y``."""

    function = "POWER"

    def __init__(self, expression1: Any, expression2: Any, **extra: Any) -> None:
        super().__init__(expression1, expression2, **extra)


class Log(_Numeric):
    """The logarithm of ``y`` in base ``x`` (Django's argument order)."""

    function = "LOG"

    def __init__(self, expression1: Any, expression2: Any, **extra: Any) -> None:
        super().__init__(expression1, expression2, **extra)

    def as_sql(self, args: list[Any], type_: Any) -> Any:
        # LOG(b, x) everywhere but SQLite before 3.35 and PostgreSQL's float LOG: the
        # ratio of natural logarithms is the same on all three
        return sa.func.ln(args[1], type_=type_) / sa.func.ln(args[0], type_=type_)


class Pi(Func):
    """The number pi (a float)."""

    function = "PI"

    def __init__(self, **extra: Any) -> None:
        super().__init__(**extra)

    def result_field(self, parts: list[Resolved]) -> Field | None:
        from manouche.orm_lite._fields import FloatField

        return FloatField()


class Random(Func):
    """A random float in [0, 1)."""

    function = "RANDOM"

    def __init__(self, **extra: Any) -> None:
        super().__init__(**extra)

    def result_field(self, parts: list[Resolved]) -> Field | None:
        from manouche.orm_lite._fields import FloatField

        return FloatField()

    def as_sql(self, args: list[Any], type_: Any) -> Any:
        return _PerDialect(
            {
                "sqlite": lambda a: (sa.func.abs(sa.func.random()) % 1000000000) / 1000000000.0,
                "mysql": lambda a: sa.func.rand(),
                "mariadb": lambda a: sa.func.rand(),
            },
            lambda a: sa.func.random(),
            args,
            type_,
        )


class Round(_Transform):
    """The value rounded to ``precision`` decimal places (the source's type)."""

    function = "ROUND"
    lookup_name = "round"

    def __init__(self, expression: Any, precision: int = 0, **extra: Any) -> None:
        Func.__init__(self, expression, precision, **extra)

    def as_sql(self, args: list[Any], type_: Any) -> Any:
        # PostgreSQL rounds to places only a NUMERIC (not a double precision)
        return _PerDialect(
            {"postgresql": lambda a: sa.func.round(sa.cast(a[0], sa.Numeric), a[1])},
            lambda a: sa.func.round(*a),
            args,
            type_,
        )


# -- text -----------------------------------------------------------------------------


class Trim(_Transform):
    """The string without leading and trailing spaces."""

    function = "TRIM"
    lookup_name = "trim"


class LTrim(_Transform):
    """The string without leading spaces."""

    function = "LTRIM"
    lookup_name = "ltrim"


class RTrim(_Transform):
    """The string without trailing spaces."""

    function = "RTRIM"
    lookup_name = "rtrim"


class Left(Func):
    """The first ``length`` characters of a string."""

    function = "LEFT"

    def __init__(self, expression: Any, length: Any, **extra: Any) -> None:
        if isinstance(length, int) and not isinstance(length, bool) and length < 1:
            raise ValueError("'length' must be greater than 0.")
        super().__init__(expression, length, **extra)

    def result_field(self, parts: list[Resolved]) -> Field | None:
        return _text_field(parts)

    def as_sql(self, args: list[Any], type_: Any) -> Any:
        return _PerDialect(
            {"sqlite": lambda a: sa.func.substr(a[0], 1, a[1])},
            lambda a: sa.func.left(*a),
            args,
            type_,
        )


class Right(Left):
    """The last ``length`` characters of a string."""

    function = "RIGHT"

    def as_sql(self, args: list[Any], type_: Any) -> Any:
        return _PerDialect(
            {
                "sqlite": lambda a: sa.case(
                    (a[1] > 0, sa.func.substr(a[0], -a[1])), else_=sa.literal("")
                )
            },
            lambda a: sa.func.right(*a),
            args,
            type_,
        )


class Replace(Func):
    """The string with every ``text`` replaced by ``replacement`` (removed by default)."""

    function = "REPLACE"

    def __init__(self, expression: Any, text: Any, replacement: Any = None, **extra: Any) -> None:
        from manouche.orm_lite._expressions import Value

        super().__init__(
            expression, text, Value("") if replacement is None else replacement, **extra
        )

    def result_field(self, parts: list[Resolved]) -> Field | None:
        return _text_field(parts)


class Repeat(Func):
    """The string repeated ``number`` times."""

    function = "REPEAT"

    def __init__(self, expression: Any, number: Any, **extra: Any) -> None:
        if isinstance(number, int) and not isinstance(number, bool) and number < 0:
            raise ValueError("'number' must be greater or equal to 0.")
        super().__init__(expression, number, **extra)

    def result_field(self, parts: list[Resolved]) -> Field | None:
        return _text_field(parts)

    def as_sql(self, args: list[Any], type_: Any) -> Any:
        # SQLite has no REPEAT: n blanks from zeroblob(), each replaced by the text
        return _PerDialect(
            {"sqlite": lambda a: sa.func.replace(sa.func.hex(sa.func.zeroblob(a[1])), "00", a[0])},
            lambda a: sa.func.repeat(*a),
            args,
            type_,
        )


class StrIndex(Func):
    """The 1-based position of ``substring`` in the string (0 when absent)."""

    function = "INSTR"

    def __init__(self, string: Any, substring: Any, **extra: Any) -> None:
        super().__init__(string, substring, **extra)

    def result_field(self, parts: list[Resolved]) -> Field | None:
        return _int_field(parts)

    def as_sql(self, args: list[Any], type_: Any) -> Any:
        return _PerDialect(
            {"postgresql": lambda a: sa.func.strpos(*a)},
            lambda a: sa.func.instr(*a),
            args,
            type_,
        )


# -- comparison -----------------------------------------------------------------------


class Greatest(Func):
    """The largest of two or more expressions (NULL if any is NULL, except on PostgreSQL)."""

    function = "GREATEST"

    def __init__(self, *expressions: Any, **extra: Any) -> None:
        if len(expressions) < 2:
            raise ValueError("Greatest must take at least two expressions")
        super().__init__(*expressions, **extra)

    def result_field(self, parts: list[Resolved]) -> Field | None:
        from manouche.orm_lite._functions import _common_field

        fields = [p.field for p in parts if p.field is not None]
        return _common_field(fields) if fields else None

    def as_sql(self, args: list[Any], type_: Any) -> Any:
        name = self.function.lower()
        sqlite = "max" if name == "greatest" else "min"
        return _PerDialect(
            {"sqlite": lambda a: getattr(sa.func, sqlite)(*a)},
            lambda a: getattr(sa.func, name)(*a),
            args,
            type_,
        )


class Least(Greatest):
    """The smallest of two or more expressions (NULL if any is NULL, except on PostgreSQL)."""

    function = "LEAST"

    def __init__(self, *expressions: Any, **extra: Any) -> None:
        if len(expressions) < 2:
            raise ValueError("Least must take at least two expressions")
        Func.__init__(self, *expressions, **extra)


class NullIf(Func):
    """NULL when the two expressions are equal, else the first."""

    function = "NULLIF"

    def __init__(self, expression1: Any, expression2: Any, **extra: Any) -> None:
        super().__init__(expression1, expression2, **extra)

"""Lookups and transforms: small registered classes, as Django's, so users add their own.

A *lookup* turns ``field__name=value`` into a SQL condition; a *transform*
turns a column into another expression (``pub_date__year``) that further
lookups apply to. Both are registered on a field class (and inherited along
its MRO) with ``Field.register_lookup(cls)``::

    class NotEqual(models.Lookup):
        lookup_name = "ne"

        def as_sqlalchemy(self, lhs, rhs):
            return lhs != rhs

    models.Field.register_lookup(NotEqual)
    Book.objects.filter(pages__ne=3)
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.sql.expression import ColumnElement

from manouche.orm_lite._exceptions import FieldError
from manouche.orm_lite._expressions import Expression, Q, Resolved, Value, _hashable
from manouche.orm_lite._sqltypes import DateOf, DatePart, PatternMatch, RegexMatch, escape_like

if TYPE_CHECKING:
    from manouche.orm_lite._fields import Field
    from manouche.orm_lite._query import Query


#: Bumped on every (un)registration: what compiled before may no longer.
REGISTRY_VERSION = [0]


class RegisterLookupMixin:
    """Holds the lookups and transforms registered on a class, inherited along the MRO."""

    class_lookups: ClassVar[dict[str, type[Lookup] | type[Transform]]] = {}

    @classmethod
    def _own_lookups(cls) -> dict[str, type[Lookup] | type[Transform]]:
        own = cls.__dict__.get("class_lookups")
        if own is None:
            own = {}
            cls.class_lookups = own
        return own

    @classmethod
    def register_lookup(
        cls, lookup: type[Lookup] | type[Transform], lookup_name: str | None = None
    ) -> type[Lookup] | type[Transform]:
        """Register ``lookup`` (a Lookup or Transform subclass) on this class and its subclasses."""
        name = lookup_name or lookup.lookup_name
        if not name:
            raise ValueError(f"{lookup.__name__} has no lookup_name")
        cls._own_lookups()[name] = lookup
        REGISTRY_VERSION[0] += 1
        return lookup

    @classmethod
    def unregister_lookup(
        cls, lookup: type[Lookup] | type[Transform], lookup_name: str | None = None
    ) -> None:
        name = lookup_name or lookup.lookup_name
        own = cls._own_lookups()
        if name not in own:
            raise KeyError(f"Lookup {name!r} is not registered on {cls.__name__}")
        del own[name]
        REGISTRY_VERSION[0] += 1

    @classmethod
    def get_lookups(cls) -> dict[str, type[Lookup] | type[Transform]]:
        found: dict[str, type[Lookup] | type[Transform]] = {}
        for klass in reversed(cls.__mro__):
            found.update(klass.__dict__.get("class_lookups", {}))
        return found

    def get_lookup(self, name: str) -> type[Lookup] | None:
        found = self.get_lookups().get(name)
        if found is not None and issubclass(found, Lookup):
            return found
        return None

    def get_transform(self, name: str) -> type[Transform] | None:
        found = self.get_lookups().get(name)
        if found is not None and issubclass(found, Transform):
            return found
        return None


_FIELD_MODE = object()


class Lookup(Expression):
    """A condition ``lhs <lookup> rhs``. Subclasses set ``lookup_name`` and ``as_sqlalchemy``.

    Registered on a field, a lookup is made with that field (``Lookup(field)``) for
    ``filter(field__name=value)``; made with two operands, ``GreaterThan(F("a"), 1)``,
    it is a condition expression, as Django's, for ``filter()``, ``annotate()``,
    ``When()`` and ``Q`` (combined with ``&``, ``|``, ``^``, ``~``).
    """

    lookup_name: ClassVar[str] = ""
    #: Convert the right-hand side with the field's ``get_prep_value`` (False for
    #: lookups whose value is not of the field's type, e.g. ``isnull``).
    prepare_rhs: ClassVar[bool] = True
    conditional = True

    def __init__(self, field: Any, rhs: Any = _FIELD_MODE) -> None:
        if rhs is _FIELD_MODE:
            self.field = field
            self.lhs: Any = None
            self.rhs: Any = None
            return
        self.field = None
        self.lhs = field if hasattr(field, "resolve") else Value(field)
        self.rhs = rhs

    def resolve(self, query: Query, reuse: set[str] | None) -> Resolved:
        if self.lhs is None:
            raise TypeError(
                f"{type(self).__name__}(field) is a registered lookup, not an expression"
            )
        from manouche.orm_lite._fields import BooleanField

        left = self.lhs.resolve(query, reuse)
        bound = type(self)(left.field)
        agg = left.is_aggregate
        if hasattr(self.rhs, "resolve"):
            right = self.rhs.resolve(query, reuse)
            rhs = right.expr
            agg = agg or right.is_aggregate
        else:
            rhs = bound.prep_value(self.rhs)
        return Resolved(bound.as_sqlalchemy(left.expr, rhs), BooleanField(), agg, False)

    def __invert__(self) -> Q:
        return ~Q(self)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return False
        assert isinstance(other, Lookup)
        if self.lhs is None:
            return other.lhs is None and other.field is self.field
        return (self.lhs, _hashable(self.rhs)) == (other.lhs, _hashable(other.rhs))

    def __hash__(self) -> int:
        if self.lhs is None:
            return hash((type(self), id(self.field)))
        return hash((type(self), repr(self.lhs), repr(self.rhs)))

    def __repr__(self) -> str:
        if self.lhs is None:
            return f"{type(self).__name__}({self.field!r})"
        return f"{type(self).__name__}({self.lhs!r}, {self.rhs!r})"

    def prep_value(self, value: Any) -> Any:
        if not self.prepare_rhs or self.field is None or isinstance(value, ColumnElement):
            return value
        return self.field.get_prep_value(value)

    def bind(self, lhs: ColumnElement[Any], value: Any) -> Any:
        """``value`` as a bound parameter typed like ``lhs`` (expressions pass through)."""
        if isinstance(value, ColumnElement):
            return value
        return sa.literal(value, type_=lhs.type)

    def as_sqlalchemy(self, lhs: ColumnElement[Any], rhs: Any) -> ColumnElement[bool]:
        raise NotImplementedError(f"{type(self).__name__} must define as_sqlalchemy()")


class Transform:
    """``lhs`` turned into another expression; ``output_field`` types the result (None: same)."""

    lookup_name: ClassVar[str] = ""

    def __init__(self, field: Field | None) -> None:
        self.field = field

    def output_field(self) -> Field | None:
        return self.field

    def apply(self, lhs: ColumnElement[Any]) -> ColumnElement[Any]:
        raise NotImplementedError(f"{type(self).__name__} must define apply()")


class Exact(Lookup):
    """``lhs = rhs`` (``IS NULL`` for ``None``), the ``exact`` lookup as an expression."""

    lookup_name = "exact"

    def as_sqlalchemy(self, lhs: ColumnElement[Any], rhs: Any) -> ColumnElement[bool]:
        if rhs is None:
            return lhs.is_(None)
        cond: ColumnElement[bool] = lhs == self.bind(lhs, rhs)
        return cond


class GreaterThan(Lookup):
    """``lhs > rhs``, the ``gt`` lookup as an expression (``GreaterThan(F("n"), 1)``)."""

    lookup_name = "gt"

    def as_sqlalchemy(self, lhs: ColumnElement[Any], rhs: Any) -> ColumnElement[bool]:
        cond: ColumnElement[bool] = lhs > self.bind(lhs, rhs)
        return cond


def _ceil_for_integers(lookup: Lookup, value: Any) -> Any:
    """``age__gte=20.5`` means ``age >= 21`` on an integer field (and ``lt`` alike), as Django."""
    name = getattr(lookup.field, "django_name", "")
    if (
        type(value) is float
        and name.endswith(("IntegerField", "AutoField"))
        and math.isfinite(value)
    ):
        return math.ceil(value)
    return value


class GreaterThanOrEqual(Lookup):
    """``lhs >= rhs``, the ``gte`` lookup as an expression."""

    lookup_name = "gte"

    def prep_value(self, value: Any) -> Any:
        return super().prep_value(_ceil_for_integers(self, value))

    def as_sqlalchemy(self, lhs: ColumnElement[Any], rhs: Any) -> ColumnElement[bool]:
        cond: ColumnElement[bool] = lhs >= self.bind(lhs, rhs)
        return cond


class LessThan(Lookup):
    """``lhs < rhs``, the ``lt`` lookup as an expression."""

    lookup_name = "lt"

    def prep_value(self, value: Any) -> Any:
        return super().prep_value(_ceil_for_integers(self, value))

    def as_sqlalchemy(self, lhs: ColumnElement[Any], rhs: Any) -> ColumnElement[bool]:
        cond: ColumnElement[bool] = lhs < self.bind(lhs, rhs)
        return cond


class LessThanOrEqual(Lookup):
    """``lhs <= rhs``, the ``lte`` lookup as an expression."""

    lookup_name = "lte"

    def as_sqlalchemy(self, lhs: ColumnElement[Any], rhs: Any) -> ColumnElement[bool]:
        cond: ColumnElement[bool] = lhs <= self.bind(lhs, rhs)
        return cond


class In(Lookup):
    """``lhs IN (...)``: a list (one expanding parameter) or a subquery, the ``in`` lookup."""

    lookup_name = "in"

    def prep_value(self, value: Any) -> Any:
        if isinstance(value, ColumnElement | sa.Select):
            return value
        if isinstance(value, str | bytes) or not isinstance(value, Iterable):
            raise TypeError(
                f"The 'in' lookup needs a list, tuple, set or QuerySet, got {type(value).__name__}"
            )
        items = [v for v in value if v is not None]
        if self.field is None:
            return items
        return [self.field.get_prep_value(v) for v in items]

    def as_sqlalchemy(self, lhs: ColumnElement[Any], rhs: Any) -> ColumnElement[bool]:
        if isinstance(rhs, list):
            if not rhs:
                return sa.false()
            # One expanding parameter (typed as ``lhs``): the same statement for any length.
            return lhs.in_(list(dict.fromkeys(rhs)))
        if isinstance(rhs, sa.sql.elements.TypeCoerce):  # a Subquery() (typed as its column)
            rhs = rhs.clause
        if isinstance(rhs, sa.sql.selectable.ScalarSelect):
            rhs = rhs.element
        return lhs.in_(rhs)


class Range(Lookup):
    """``lhs BETWEEN low AND high``, the ``range`` lookup as an expression."""

    lookup_name = "range"

    def prep_value(self, value: Any) -> Any:
        if not isinstance(value, list | tuple) or len(value) != 2:
            raise TypeError(f"The 'range' lookup needs a pair (low, high), got {value!r}")
        return [super(Range, self).prep_value(v) for v in value]

    def as_sqlalchemy(self, lhs: ColumnElement[Any], rhs: Any) -> ColumnElement[bool]:
        return lhs.between(self.bind(lhs, rhs[0]), self.bind(lhs, rhs[1]))


class IsNull(Lookup):
    """``lhs IS NULL`` (``rhs`` true) or ``IS NOT NULL`` (false), the ``isnull`` lookup."""

    lookup_name = "isnull"
    prepare_rhs = False

    def prep_value(self, value: Any) -> Any:
        if not isinstance(value, bool):
            raise ValueError(f"The 'isnull' lookup only accepts True or False, got {value!r}")
        return value

    def as_sqlalchemy(self, lhs: ColumnElement[Any], rhs: Any) -> ColumnElement[bool]:
        return lhs.is_(None) if rhs else lhs.is_not(None)


class _Pattern(Lookup):
    insensitive: ClassVar[bool] = False
    prefix: ClassVar[str] = "%"
    suffix: ClassVar[str] = "%"
    prepare_rhs = False

    def prep_value(self, value: Any) -> Any:
        if isinstance(value, ColumnElement):
            return value
        if value is None:
            raise ValueError(f"The '{self.lookup_name}' lookup does not accept None")
        if self.field is not None and not isinstance(value, str):
            value = self.field.get_prep_value(value)
        return str(value)

    def pattern(self, value: Any) -> str:
        """The LIKE pattern of a plain ``value``: escaped, between the lookup's wildcards."""
        return self.prefix + escape_like(self.prep_value(value)) + self.suffix

    def match(self, lhs: ColumnElement[Any], pattern: Any) -> ColumnElement[bool]:
        """``lhs`` matched against a finished ``pattern`` (a bound ``pattern()``)."""
        return PatternMatch(lhs, pattern, self.insensitive)

    def as_sqlalchemy(self, lhs: ColumnElement[Any], rhs: Any) -> ColumnElement[bool]:
        if isinstance(rhs, ColumnElement):
            pattern: Any = rhs
            if self.prefix:
                pattern = sa.literal(self.prefix) + pattern
            if self.suffix:
                pattern = pattern + sa.literal(self.suffix)
        else:
            pattern = sa.literal(self.prefix + escape_like(rhs) + self.suffix, type_=sa.String())
        return PatternMatch(lhs, pattern, self.insensitive)


class IExact(_Pattern):
    """Case-insensitive equality, the ``iexact`` lookup as an expression."""

    lookup_name = "iexact"
    insensitive = True
    prefix = ""
    suffix = ""

    def as_sqlalchemy(self, lhs: ColumnElement[Any], rhs: Any) -> ColumnElement[bool]:
        if rhs is None:
            return lhs.is_(None)
        return super().as_sqlalchemy(lhs, rhs)

    def prep_value(self, value: Any) -> Any:
        return None if value is None else super().prep_value(value)


class Contains(_Pattern):
    """``lhs LIKE '%rhs%'`` with ``%`` and ``_`` escaped, the ``contains`` lookup."""

    lookup_name = "contains"


class IContains(_Pattern):
    """Case-insensitive ``contains``, the ``icontains`` lookup as an expression."""

    lookup_name = "icontains"
    insensitive = True


class StartsWith(_Pattern):
    """``lhs LIKE 'rhs%'`` with ``%`` and ``_`` escaped, the ``startswith`` lookup."""

    lookup_name = "startswith"
    prefix = ""


class IStartsWith(StartsWith):
    """Case-insensitive ``startswith``, the ``istartswith`` lookup as an expression."""

    lookup_name = "istartswith"
    insensitive = True


class EndsWith(_Pattern):
    """``lhs LIKE '%rhs'`` with ``%`` and ``_`` escaped, the ``endswith`` lookup."""

    lookup_name = "endswith"
    suffix = ""


class IEndsWith(EndsWith):
    """Case-insensitive ``endswith``, the ``iendswith`` lookup as an expression."""

    lookup_name = "iendswith"
    insensitive = True


class Regex(Lookup):
    """A regular-expression match, the ``regex`` lookup as an expression."""

    lookup_name = "regex"
    prepare_rhs = False
    insensitive: ClassVar[bool] = False

    def prep_value(self, value: Any) -> Any:
        if not isinstance(value, str | ColumnElement):
            raise TypeError(
                f"The '{self.lookup_name}' lookup needs a string pattern, got {value!r}"
            )
        return value

    def as_sqlalchemy(self, lhs: ColumnElement[Any], rhs: Any) -> ColumnElement[bool]:
        pattern = rhs if isinstance(rhs, ColumnElement) else sa.literal(rhs, type_=sa.String())
        return RegexMatch(lhs, pattern, self.insensitive)


class IRegex(Regex):
    """A case-insensitive regular-expression match, the ``iregex`` lookup."""

    lookup_name = "iregex"
    insensitive = True


class _DatePartTransform(Transform):
    part: ClassVar[str] = ""

    def output_field(self) -> Field | None:
        from manouche.orm_lite._fields import IntegerField

        return IntegerField()

    def apply(self, lhs: ColumnElement[Any]) -> ColumnElement[Any]:
        return DatePart(self.part, lhs)


def _part(name: str) -> type[Transform]:
    return type(
        f"Extract{name.title().replace('_', '')}",
        (_DatePartTransform,),
        {"lookup_name": name, "part": name},
    )


ExtractYear = _part("year")
ExtractMonth = _part("month")
ExtractDay = _part("day")
ExtractWeekDay = _part("week_day")
ExtractIsoWeekDay = _part("iso_week_day")
ExtractWeek = _part("week")
ExtractQuarter = _part("quarter")
ExtractHour = _part("hour")
ExtractMinute = _part("minute")
ExtractSecond = _part("second")


class TruncDateTransform(Transform):
    lookup_name = "date"

    def output_field(self) -> Field | None:
        from manouche.orm_lite._fields import DateField

        return DateField()

    def apply(self, lhs: ColumnElement[Any]) -> ColumnElement[Any]:
        return DateOf(lhs)


BASIC_LOOKUPS: tuple[type[Lookup], ...] = (
    Exact,
    IExact,
    GreaterThan,
    GreaterThanOrEqual,
    LessThan,
    LessThanOrEqual,
    In,
    Range,
    IsNull,
    Contains,
    IContains,
    StartsWith,
    IStartsWith,
    EndsWith,
    IEndsWith,
    Regex,
    IRegex,
)
DATE_TRANSFORMS = (
    ExtractYear,
    ExtractMonth,
    ExtractDay,
    ExtractWeekDay,
    ExtractIsoWeekDay,
    ExtractWeek,
    ExtractQuarter,
)
TIME_TRANSFORMS = (ExtractHour, ExtractMinute, ExtractSecond)


def unsupported_lookup(names: list[str], field: Any) -> FieldError:
    """Django's error for a lookup or transform ``field`` lacks: ``names`` are the
    unresolved rest of the filter key, the closest valid names are suggested."""
    lookups = field.get_lookups() if hasattr(field, "get_lookups") else {}
    close = difflib.get_close_matches(names[0], list(lookups))
    suggestion = f", perhaps you meant {' or '.join(close)}?" if close else "."
    return FieldError(
        f"Unsupported lookup '{'__'.join(names)}' for {type(field).__name__} "
        f"or join on the field not permitted{suggestion}"
    )

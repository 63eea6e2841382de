"""The query compiler: Django's lookups, joins and semantics, as SQLAlchemy Core ``Select``.

Joins follow Django's rules. Single-valued joins (forward foreign keys) are
shared by the whole query. Multi-valued joins (reverse foreign keys and
many-to-many) are shared inside one ``filter()`` call, so its conditions
match the same related row, and made afresh by the next call, so chained
calls may match different rows; ``annotate()``, ``order_by()`` and
``values()`` reuse the latest. Every join is a LEFT OUTER JOIN: a condition
in WHERE removes the unmatched rows as an inner join would, and ``isnull``
and ``|`` see them. A negated condition on a multi-valued path becomes
``pk NOT IN (subquery)``; a negated condition on a nullable column also
keeps the rows where the column is NULL, as Django's ``exclude()`` does.
"""

from __future__ import annotations

import copy
import datetime
import decimal
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from manouche.orm_lite._exceptions import FieldDoesNotExist, FieldError
from manouche.orm_lite._expressions import Expression, F, OrderBy, Q, Resolved, check_alias
from manouche.orm_lite._fields import Field
from manouche.orm_lite._lookups import (
    Contains,
    EndsWith,
    Exact,
    GreaterThan,
    GreaterThanOrEqual,
    IContains,
    IEndsWith,
    IExact,
    IsNull,
    IStartsWith,
    LessThan,
    LessThanOrEqual,
    StartsWith,
    _Pattern,
    unsupported_lookup,
)
from manouche.orm_lite._sqltypes import LogicalXor

if TYPE_CHECKING:
    from manouche.orm_lite._base import Model

LOOKUP_SEP = "__"
_GENERIC_FIELD = Field()


@dataclass
class Join:
    alias: str
    table: Any
    parent: str
    key: tuple[Any, ...]
    onclause: Any
    multi: bool
    #: INNER JOIN: a non-null foreign key from a root or inner-joined row always
    #: finds its row, so the join filters nothing and the planner may reorder it.
    inner: bool = False
    #: Every row of the parent finds a row here (a non-null foreign key), whether
    #: or not the join itself could be written INNER.
    total: bool = False


@dataclass
class Path:
    expr: Any
    field: Any
    rest: list[str]
    model: Any
    alias: str
    joined: bool = False
    multi: bool = False
    relation_end: bool = False
    is_aggregate: bool = False
    nullable: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def _is_field(model: type[Model], name: str) -> bool:
    if name == "pk":
        return True
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def _is_lookup_of(fld: Any, name: str) -> bool:
    return name in fld.get_lookups() if hasattr(fld, "get_lookups") else False


class Query:
    """A Django-style query under construction; ``select()`` gives the SQLAlchemy statement."""

    _prefixes = "tuvwxyz"

    def __init__(self, model: type[Model], alias_prefix: str = "t") -> None:
        self.model = model
        self.opts = model._meta
        self.alias_prefix = alias_prefix
        table = self.opts.table
        if table is None:
            raise TypeError(f"{model.__name__} is abstract or not ready: it has no table")
        self.root_alias = table.name if alias_prefix == "t" else f"{alias_prefix}0"
        self.root = table if alias_prefix == "t" else table.alias(self.root_alias)
        self.tables: dict[str, Any] = {self.root_alias: self.root}
        self.joins: list[Join] = []
        self.where: list[Any] = []
        self.having: list[Any] = []
        self.annotations: dict[str, Resolved] = {}
        self.annotation_order: list[str] = []
        self.order_by: list[Any] | None = None
        self.default_ordering = True
        self.distinct = False
        self.low = 0
        self.high: int | None = None
        self.values_names: list[str] | None = None
        self.values_exprs: dict[str, Resolved] = {}
        self.group_by_values = False
        #: What a grouping annotate() after values() grouped by: a later values() keeps it.
        self.values_group: list[Any] = []
        self.select_related: bool | dict[str, Any] = False
        self.deferred: frozenset[str] = frozenset()
        self.only: frozenset[str] | None = None
        self.for_update: dict[str, Any] | None = None
        self.combinator: tuple[str, list[Query], bool] | None = None
        self.empty = False
        #: GROUP BY the primary key only for model rows (set per database by the QuerySet).
        self.group_by_pk = False
        #: [(bind name, prep)] of the filter values bound as parameters of their own, in order;
        #: None when a value could not be (the chain then gets no compiled plan).
        self.capture: list[tuple[str, Any]] | None = None
        #: Aggregate annotations over a joined relation: name -> (the value on a row
        #: with no related rows, the alias of the joined table, the expression when
        #: it is a plain COUNT of that table's primary key), see ``_promote``.
        self.agg_sources: dict[str, tuple[Any, str, Any]] = {}
        #: Outer joins a HAVING condition lets be INNER joins (see ``_promote``).
        self.promoted: frozenset[str] = frozenset()
        self._n = 0

    def clone(self) -> Query:
        new = copy.copy(self)
        new.tables = dict(self.tables)
        new.joins = list(self.joins)
        new.where = list(self.where)
        new.having = list(self.having)
        new.annotations = dict(self.annotations)
        new.agg_sources = dict(self.agg_sources)
        new.annotation_order = list(self.annotation_order)
        new.order_by = None if self.order_by is None else list(self.order_by)
        new.values_names = None if self.values_names is None else list(self.values_names)
        new.values_exprs = dict(self.values_exprs)
        new.capture = None if self.capture is None else list(self.capture)
        return new

    def set_limits(self, low: int | None, high: int | None) -> None:
        """Slice ``[low:high]`` of the current slice; an empty slice empties the query (no
        SQL is run for it, as Django)."""
        if high is not None:
            self.high = (
                min(self.high, self.low + high) if self.high is not None else self.low + high
            )
        if low is not None:
            self.low = min(self.high, self.low + low) if self.high is not None else self.low + low
        if self.high is not None and self.high <= self.low:
            self.empty = True

    @property
    def is_sliced(self) -> bool:
        return self.low != 0 or self.high is not None

    @property
    def has_aggregates(self) -> bool:
        return any(r.is_aggregate for r in self.annotations.values())

    # -- joins and paths ------------------------------------------------------------

    def _join(
        self,
        parent: str,
        key: tuple[Any, ...],
        target: sa.Table,
        on: Any,
        multi: bool,
        reuse: set[str] | None,
        inner: bool = False,
    ) -> tuple[str, Any]:
        full_key = (parent, *key)
        found = [j for j in self.joins if j.key == full_key]
        if found:
            if not multi or reuse is None:
                return found[-1].alias, found[-1].table
            for j in reversed(found):
                if j.alias in reuse:
                    return j.alias, j.table
        self._n += 1
        name = f"{self.alias_prefix}{self._n}"
        alias = target.alias(name)
        total = inner
        if inner and parent != self.root_alias:
            inner = any(j.inner for j in self.joins if j.alias == parent)
        self.joins.append(Join(name, alias, parent, full_key, on(alias), multi, inner, total))
        self.tables[name] = alias
        if reuse is not None:
            reuse.add(name)
        return name, alias

    def path_is_multi(self, parts: list[str]) -> bool:
        model = self.model
        for name in parts:
            if not _is_field(model, name):
                return False
            fld: Any = model._meta.pk if name == "pk" else model._meta.get_field(name)
            if not fld.is_relation:
                return False
            if fld.many_to_many or (fld.auto_created and fld.multiple):
                return True
            model = fld.related_model if not fld.auto_created else fld.related_model
        return False

    def setup_path(self, parts: list[str], reuse: set[str] | None, lookups: bool = False) -> Path:
        """Resolve ``parts`` into a column, joining as needed. With ``lookups`` (a filter
        key) a name after a relation that is no field of its model is a lookup on the
        relation, reported as Django does when the relation has none by that name."""
        model = self.model
        prev: Any = None
        alias = self.root_alias
        table = self.root
        joined = multi = False
        nullable = False
        i = 0
        n = len(parts)
        while i < n:
            name = parts[i]
            if name == "pk":
                fld: Any = model._meta.pk
            else:
                try:
                    fld = model._meta.get_field(name)
                except FieldDoesNotExist:
                    if i == 0 and name in self.annotations:
                        res = self.annotations[name]
                        return Path(
                            res.expr,
                            res.field,
                            parts[1:],
                            model,
                            alias,
                            is_aggregate=res.is_aggregate,
                            nullable=True,
                        )
                    if i > 0 and lookups and prev is not None:
                        if prev.many_to_many and not prev.auto_created:
                            # Django names the link table's key to the target.
                            prev = prev.through._meta.get_field(prev.m2m_reverse_field_name())
                        raise unsupported_lookup(parts[i:], prev) from None
                    choices = model._meta.field_names()
                    if i == 0:
                        choices = sorted({*choices, *self.annotations})
                    raise FieldError(
                        f"Cannot resolve keyword {name!r} into field. "
                        f"Choices are: {', '.join(choices)}"
                    ) from None
            if getattr(fld, "hidden", False):
                raise FieldError(f"Cannot resolve keyword {name!r}: the relation is hidden")
            prev = fld
            if model._meta.parents and fld in model._meta.parent_fields:
                # An ancestor's field on a multi-table child: through the ancestors' tables.
                model, alias, table = self.ancestor_join(model, alias, table, fld.model, reuse)
            rest = parts[i + 1 :]
            if not fld.is_relation:
                return Path(
                    table.c[fld.column],
                    fld,
                    rest,
                    model,
                    alias,
                    joined,
                    multi,
                    nullable=nullable or fld.null or joined,
                )
            if not fld.auto_created and (fld.many_to_one or fld.one_to_one):
                target = fld.related_model
                tf = fld.target_field
                if not rest or (not _is_field(target, rest[0]) and _is_lookup_of(fld, rest[0])):
                    return Path(
                        table.c[fld.column],
                        fld,
                        rest,
                        model,
                        alias,
                        joined,
                        multi,
                        relation_end=True,
                        nullable=nullable or fld.null or joined,
                    )
                if (
                    (
                        rest[0] == tf.name
                        or rest[0] == tf.attname
                        or (rest[0] == "pk" and tf.primary_key)
                    )
                    and (len(rest) == 1 or not _is_field(target, rest[1]))
                    and not tf.is_relation
                ):
                    return Path(
                        table.c[fld.column],
                        tf,
                        rest[1:],
                        model,
                        alias,
                        joined,
                        multi,
                        nullable=nullable or fld.null or joined,
                    )
                col = table.c[fld.column]
                tcol_name = tf.column
                alias, table = self._join(
                    alias,
                    (id(fld), "fwd"),
                    target._meta.table,
                    lambda t, c=col, tc=tcol_name: t.c[tc] == c,
                    False,
                    reuse,
                    inner=not fld.null,
                )
                nullable = nullable or fld.null
                joined = True
                model = target
                i += 1
                continue
            if fld.many_to_many:
                if fld.auto_created:
                    m2m = fld.field
                    src_name, dst_name = m2m.m2m_reverse_field_name(), m2m.m2m_field_name()
                    target = m2m.model
                    direction = "rev"
                else:
                    m2m = fld
                    src_name, dst_name = m2m.m2m_field_name(), m2m.m2m_reverse_field_name()
                    target = m2m.related_model
                    direction = "fwd"
                through = m2m.through
                src_fk = through._meta.get_field(src_name)
                dst_fk = through._meta.get_field(dst_name)
                here = table.c[src_fk.target_field.column]
                alias, ttable = self._join(
                    alias,
                    (id(m2m), direction, "through"),
                    through._meta.table,
                    lambda t, h=here, c=src_fk.column: t.c[c] == h,
                    True,
                    reuse,
                )
                via = ttable.c[dst_fk.column]
                alias, table = self._join(
                    alias,
                    (id(m2m), direction, "target"),
                    target._meta.table,
                    lambda t, v=via, c=dst_fk.target_field.column: t.c[c] == v,
                    False,
                    reuse,
                    inner=not dst_fk.null,
                )
            else:
                rel = fld
                target = rel.related_model
                fk = rel.field
                here = table.c[fk.target_field.column]
                alias, table = self._join(
                    alias,
                    (id(rel), "rev"),
                    target._meta.table,
                    lambda t, h=here, c=fk.column: t.c[c] == h,
                    rel.multiple,
                    reuse,
                )
            multi = multi or bool(fld.many_to_many or fld.multiple)
            joined = True
            nullable = True
            model = target
            i += 1
            if (
                lookups
                and i < n
                and not _is_field(model, parts[i])
                and parts[i] not in model._meta.pk.get_lookups()
                and parts[i] not in fld.get_lookups()
            ):
                raise unsupported_lookup(parts[i:], fld)
            if i == n or not _is_field(model, parts[i]):
                pk = model._meta.pk
                return Path(
                    table.c[pk.column],
                    pk,
                    parts[i:],
                    model,
                    alias,
                    joined,
                    multi,
                    relation_end=True,
                    nullable=True,
                )
        raise FieldError(f"Cannot resolve {LOOKUP_SEP.join(parts)!r} into a field")

    def ancestor_join(
        self,
        model: type[Model],
        alias: str,
        table: Any,
        ancestor: type[Model],
        reuse: set[str] | None,
    ) -> tuple[type[Model], str, Any]:
        """Join a multi-table child (at ``alias``) up to ``ancestor``'s row, a table per
        level, each on the child's link = the parent's primary key: (ancestor, alias, table).
        """
        for link, parent in model._meta.ancestor_path(ancestor):
            col = table.c[link.column]
            alias, table = self._join(
                alias,
                (id(link), "fwd"),
                parent._meta.table,
                lambda t, c=col, tc=link.target_field.column: t.c[tc] == c,
                False,
                reuse,
                inner=True,
            )
        return ancestor, alias, table

    def model_tables(self, model: type[Model], alias: str, table: Any) -> dict[Any, Any]:
        """``{model owning a column: its table}`` for a multi-table ``model`` at ``alias``
        (the ancestors joined); ``{}`` when the model has no concrete parent."""
        opts = model._meta
        if not opts.parents:
            return {}
        tables = {opts.concrete_model: table}
        for ancestor in opts.get_parent_list():
            tables[ancestor] = self.ancestor_join(model, alias, table, ancestor, None)[2]
        return tables

    def resolve_ref(
        self, name: str, reuse: set[str] | None, allow_relation: bool = False
    ) -> Resolved:
        """``F(name)`` or an aggregate's source: the column (joined as needed)."""
        parts = name.split(LOOKUP_SEP)
        if name in self.annotations:
            return self.annotations[name]
        path = self.setup_path(parts, reuse)
        if path.rest:
            expr, fld = self._apply_transforms(path.expr, path.field, path.rest, name)
            return Resolved(expr, fld, path.is_aggregate, path.nullable)
        return Resolved(path.expr, path.field, path.is_aggregate, path.nullable)

    def _apply_transforms(
        self, expr: Any, fld: Any, names: list[str], full: str, lookups: list[str] | None = None
    ) -> tuple[Any, Any]:
        """Apply the transforms ``names``; ``lookups`` (a filter key's rest) names in the
        error everything from the first name that is not a transform, as Django does."""
        for name in names:
            base = fld if fld is not None else _GENERIC_FIELD
            transform = base.get_transform(name)
            if transform is None:
                if lookups is not None:
                    raise unsupported_lookup(lookups[lookups.index(name) :], base)
                parts = full.split(LOOKUP_SEP)
                at = parts.index(name)
                if at > 0 and fld is not None and not fld.is_relation and fld.name == parts[at - 1]:
                    raise FieldError(
                        f"Cannot resolve keyword {name!r} into field. "
                        f"Join on {parts[at - 1]!r} not permitted."
                    )
                raise unsupported_lookup([name], base)
            t = transform(base)
            expr = t.apply(expr)
            fld = t.output_field()
        return expr, fld

    # -- conditions -----------------------------------------------------------------

    def add_q(self, q: Q) -> None:
        reuse: set[str] = set()
        for child in q.children if (q.connector == Q.AND and not q.negated) else [q]:
            node = child if isinstance(child, Q) else Q(child)
            cond, agg = self._compile(node, reuse, False)
            if cond is None:
                continue
            (self.having if agg else self.where).append(cond)
            if agg and self.agg_sources:
                self._promote(child)

    def _promote(self, cond: Any) -> None:
        """Let the outer join under an aggregate be INNER when ``cond`` rejects its empty value.

        ``annotate(n=Count("books")).filter(n__gt=20)``: an author with no books
        gets n = 0 through the LEFT JOIN, which the HAVING rejects, so joining
        INNER gives the same rows, and is cheaper (the planner need not make and
        then drop a row per author without books). Only for conditions ANDed at
        the top of a ``filter()``, only while rows are grouped per root row (see
        ``from_clause``), and only along joins that lose no rows but at the first.
        """
        if isinstance(cond, Q):
            if cond.connector == Q.AND and not cond.negated:
                for child in cond.children:
                    self._promote(child)
            return
        if not (isinstance(cond, tuple) and len(cond) == 2 and type(cond[1]) in _REJECT_VALUES):
            return
        name, _, lookup = cond[0].partition(LOOKUP_SEP)
        found = self.agg_sources.get(name)
        keeps = _KEEPS.get(lookup or "exact")
        if found is None or keeps is None:
            return
        empty, alias, _ = found
        try:
            if keeps(empty, cond[1]):
                return  # the condition keeps rows without related rows: stays LEFT
        except TypeError:
            return
        by_alias = {j.alias: j for j in self.joins}
        chain: list[str] = []
        while alias != self.root_alias:
            j = by_alias.get(alias)
            if j is None:
                return
            if j.parent != self.root_alias and not j.total:
                return  # a join below the first may lose rows: leave the query as it is
            chain.append(alias)
            alias = j.parent
        self.promoted = self.promoted | frozenset(chain)

    def compile_q(self, q: Q, reuse: set[str] | None) -> Any:
        cond, _ = self._compile(q, reuse, False)
        return sa.true() if cond is None else cond

    def _compile(self, q: Q, reuse: set[str] | None, negated: bool) -> tuple[Any, bool]:
        child_negated = negated != q.negated
        parts: list[Any] = []
        agg = False
        for child in q.children:
            if isinstance(child, Q):
                cond, a = self._compile(child, reuse, child_negated)
            elif isinstance(child, tuple) and len(child) == 2:
                cond, a = self.build_filter(child[0], child[1], reuse, child_negated)
            elif isinstance(child, Expression):
                res = child.resolve(self, reuse)
                cond, a = res.expr, res.is_aggregate
            else:
                raise TypeError(f"Cannot filter on {child!r}: use keyword arguments or Q objects")
            if cond is not None:
                parts.append(cond)
                agg = agg or a
        if not parts:
            return None, False
        if q.connector == Q.OR:
            expr: Any = sa.or_(*parts)
        elif q.connector == Q.XOR:
            expr = LogicalXor(*parts) if len(parts) > 1 else parts[0]
        else:
            expr = sa.and_(*parts) if len(parts) > 1 else parts[0]
        if q.negated:
            expr = sa.not_(expr)
        return expr, agg

    def build_filter(
        self, key: str, value: Any, reuse: set[str] | None, negated: bool
    ) -> tuple[Any, bool]:
        if not isinstance(key, str):
            raise TypeError(f"A filter keyword must be a string, got {key!r}")
        parts = key.split(LOOKUP_SEP)
        if negated and self.path_is_multi(parts):
            self.capture = None
            inner = Query(self.model, self._next_prefix())
            inner.add_q(Q((key, value)))
            pk = self.opts.pk.column
            sub = sa.select(inner.root.c[pk]).select_from(inner.from_clause())
            if inner.where:
                sub = sub.where(*inner.where)
            return self.root.c[pk].in_(sub), False
        path = self.setup_path(parts, reuse, lookups=True)
        lookups = path.rest or ["exact"]
        expr, fld = path.expr, path.field
        if len(lookups) > 1:
            expr, fld = self._apply_transforms(expr, fld, lookups[:-1], key, lookups)
        base = fld if fld is not None else _GENERIC_FIELD
        lookup_cls = base.get_lookup(lookups[-1])
        if lookup_cls is None:
            transform = base.get_transform(lookups[-1])
            if transform is None:
                if not path.rest and fld is not None:
                    raise FieldError(f"Cannot resolve {key!r}")
                raise unsupported_lookup(lookups[-1:], base) from None
            expr, fld = self._apply_transforms(expr, fld, [lookups[-1]], key)
            base = fld if fld is not None else _GENERIC_FIELD
            lookup_cls = base.get_lookup("exact")
            assert lookup_cls is not None
        lookup = lookup_cls(fld)
        rhs_nullable = False
        cond: Any = None
        if self.capture is not None and not (
            type(value) in _CAPTURABLE
            and (type(lookup) in _SIMPLE_LOOKUPS or type(lookup) in _PATTERN_LOOKUPS)
        ):
            self.capture = None
        if isinstance(value, Expression):
            res = value.resolve(self, reuse)
            rhs: Any = res.expr
            rhs_nullable = res.nullable
        elif hasattr(value, "_as_subquery"):
            target = None
            if (
                path.relation_end
                and fld.is_relation
                and not fld.auto_created
                and not fld.many_to_many
                and fld.related_model is getattr(value, "model", None)
            ):
                target = fld.target_field
            rhs = value._as_subquery(lookup.lookup_name, target)
            if lookup.lookup_name != "in":
                rhs = rhs.scalar_subquery()
        else:
            if path.relation_end:
                value = _related_values(value, path)
            if lookup.lookup_name in ("exact", "iexact") and value is None:
                lookup = IsNull(fld)
                value = True
            rhs = lookup.prep_value(value)
            if self.capture is not None:
                # A parameter of its own, which a compiled plan of this chain rebinds. It is
                # anonymous (``unique``): SQLAlchemy names it by its place in the statement,
                # so the same shape is the same SQL and one entry of its compiled cache, and
                # two QuerySets nested in one statement never share a name.
                name = f"v{len(self.capture)}"
                if isinstance(lookup, _Pattern) and type(lookup) in _PATTERN_LOOKUPS:
                    # The bound value is the whole LIKE pattern, escaped, with its wildcards.
                    pattern = lookup.pattern
                    self.capture.append((name, pattern))
                    rhs = sa.bindparam(name, pattern(value), type_=sa.String(), unique=True)
                    cond = lookup.match(expr, rhs)
                else:
                    self.capture.append((name, lookup.prep_value))
                    rhs = sa.bindparam(name, rhs, type_=expr.type, unique=True)
        if cond is None:
            cond = lookup.as_sqlalchemy(expr, rhs)
        if negated and not isinstance(lookup, IsNull) and rhs is not None:
            extra = []
            if path.nullable and not path.is_aggregate:
                extra.append(path.expr.is_not(None))
            if rhs_nullable:
                extra.append(rhs.is_not(None))
            if extra:
                cond = sa.and_(cond, *extra)
        return cond, path.is_aggregate

    def _next_prefix(self) -> str:
        idx = (
            self._prefixes.index(self.alias_prefix) + 1
            if self.alias_prefix in self._prefixes
            else 1
        )
        return self._prefixes[idx % len(self._prefixes)] + ("x" * (idx // len(self._prefixes)))

    # -- annotations, ordering ----------------------------------------------------------

    def add_annotation(self, name: str, expr: Any) -> None:
        check_alias(name)
        self.agg_sources.pop(name, None)
        if isinstance(expr, str):
            raise TypeError(f"annotate() argument {name!r} must be an expression, not a string")
        if isinstance(expr, Q):
            from manouche.orm_lite._fields import BooleanField

            res = Resolved(self.compile_q(expr, None), BooleanField(), False)
        elif isinstance(expr, Expression):
            res = expr.resolve(self, None)
        else:
            raise TypeError(f"annotate() argument {name!r} must be an expression, got {expr!r}")
        self.annotations[name] = res
        if name not in self.annotation_order:
            self.annotation_order.append(name)
        empty = getattr(expr, "empty_value", _NO_EMPTY)
        if empty is not _NO_EMPTY and isinstance(expr.source, str) and expr.source != "*":
            src = self.resolve_ref(expr.source, None, allow_relation=True).expr
            table = getattr(src, "table", None)
            alias = getattr(table, "name", None)
            if alias in self.tables and alias != self.root_alias and self.tables[alias] is table:
                # COUNT(t.pk) over an INNER join counts every joined row: COUNT(*) then.
                rows = (
                    res.expr
                    if getattr(expr, "counts_rows", False) and getattr(src, "primary_key", False)
                    else None
                )
                self.agg_sources[name] = (empty, alias, rows)

    def order_terms(self) -> list[Any]:
        if self.order_by is not None:
            terms = self.order_by
        elif self.default_ordering and not self.group_by_values and not self.has_aggregates:
            # Meta.ordering does not apply to GROUP BY queries (Django 3.1+).
            terms = list(self.opts.ordering)
        else:
            terms = []
        out: list[Any] = []
        for term in terms:
            out.extend(self._order_term(term, self.model, []))
        return out

    def _order_term(
        self, term: Any, model: type[Model], prefix: list[str], seen: frozenset[Any] = frozenset()
    ) -> list[Any]:
        if isinstance(term, OrderBy):
            expr = term.expression
            if isinstance(expr, str):
                expr = F(expr)
            res = expr.resolve(self, None)
            col = res.expr.desc() if term.descending else res.expr.asc()
            if term.nulls_first or term.nulls_last:
                # NULLS FIRST/LAST written portably (MariaDB has no such clause), as Django does.
                is_null = sa.case((res.expr.is_(None), 1), else_=0)
                return [is_null.desc() if term.nulls_first else is_null.asc(), col]
            return [col]
        if isinstance(term, Expression):
            return [term.resolve(self, None).expr.asc()]
        if not isinstance(term, str):
            raise TypeError(f"Cannot order by {term!r}")
        if term == "?":
            return [sa.func.random()]
        desc = term.startswith("-")
        name = term.lstrip("-+")
        if not prefix and name in self.annotations:
            expr = self.annotations[name].expr
            return [expr.desc() if desc else expr.asc()]
        if not prefix and self.values_names is not None and name in self.values_exprs:
            expr = self.values_exprs[name].expr
            return [expr.desc() if desc else expr.asc()]
        parts = [*prefix, *name.split(LOOKUP_SEP)]
        path = self.setup_path(parts, None)
        if (
            path.relation_end
            and not path.rest
            and path.field is not None
            and path.field.is_relation
            and not path.field.auto_created
        ):
            target = path.field.related_model
            if (
                target._meta.ordering
                and (id(target), name) not in seen
                # ordering by the attname (``author_id``) orders by the column, as Django
                and parts[-1] != path.field.attname
            ):
                out: list[Any] = []
                for sub in target._meta.ordering:
                    if not isinstance(sub, str):
                        # An expression of the related model's ordering: its references
                        # are under the relation's path.
                        item = sub if isinstance(sub, OrderBy) else OrderBy(sub, descending=desc)
                        view: Any = _Prefixed(self, parts, target)
                        out.extend(Query._order_term(view, item, target, []))
                        continue
                    sub_desc = sub.startswith("-")
                    flipped = ("-" if sub_desc != desc else "") + sub.lstrip("-")
                    out.extend(
                        self._order_term(flipped, target, parts, seen | {(id(target), name)})
                    )
                return out
        expr = path.expr
        if path.rest:
            expr, _ = self._apply_transforms(expr, path.field, path.rest, name)
        return [expr.desc() if desc else expr.asc()]

    # -- SQL ----------------------------------------------------------------------------

    def from_clause(self) -> Any:
        frm: Any = self.root
        # Promoted joins hold while each group is one root row (not after values()).
        promoted = self.promoted if not self.group_by_values else frozenset()
        for j in self.joins:
            if j.inner or j.alias in promoted:
                frm = frm.join(j.table, j.onclause)
            else:
                frm = frm.outerjoin(j.table, j.onclause)
        return frm

    def model_columns(self) -> tuple[list[str], list[Any]]:
        """(attnames, columns) of the root model as selected (``only``/``defer`` applied)."""
        opts = self.opts
        names: list[str] = []
        cols: list[Any] = []
        pkname = opts.pk.attname
        tables = self.model_tables(self.model, self.root_alias, self.root)
        for f in opts.init_fields:
            if f.attname != pkname and (
                f.name in self.deferred
                or (
                    self.only is not None and f.name not in self.only and f.attname not in self.only
                )
            ):
                continue
            names.append(f.attname)
            cols.append((tables[f.model] if tables else self.root).c[f.column])
        return names, cols

    def apply_clauses(self, stmt: Any, order: bool = True, terms: list[Any] | None = None) -> Any:
        if self.where:
            stmt = stmt.where(*self.where)
        if self.empty:
            stmt = stmt.where(sa.false())
        if self.having:
            stmt = stmt.having(*self.having)
        if order:
            if terms is None:
                terms = self.order_terms()
            if terms:
                stmt = stmt.order_by(*terms)
        if self.is_sliced:
            if self.high is not None:
                stmt = stmt.limit(_int_sql(self.high - self.low))
            if self.low:
                stmt = stmt.offset(_int_sql(self.low))
        if self.distinct:
            stmt = stmt.distinct()
        if self.for_update is not None:
            stmt = stmt.with_for_update(**self.for_update)
        return stmt

    def group_by_for(self, plain: list[Any]) -> list[Any]:
        return plain

    def aggregate_query(self, aggregates: dict[str, Any]) -> Any:
        """``SELECT agg, ...`` over this query (a subquery when it groups, slices or dedups)."""
        needs_sub = (
            self.distinct
            or self.is_sliced
            or self.has_aggregates
            or self.combinator is not None
            or self.values_names is not None
            and self.group_by_values
        )
        if not needs_sub:
            work = self.clone()
            cols = []
            for name, agg in aggregates.items():
                res = agg.resolve(work, None)
                cols.append(res.expr.label(name))
            stmt = sa.select(*cols).select_from(work.from_clause())
            return work.apply_clauses(stmt, order=False).limit(None).offset(None)
        inner_stmt = self.select_statement(order=False)
        sub = inner_stmt.subquery("subquery")
        cols = []
        for name, agg in aggregates.items():
            src = getattr(agg, "source", None)
            if (
                isinstance(src, str)
                and src not in sub.c
                and src not in self.annotations
                and _is_field(self.model, src)
            ):
                # A model field of the inner SELECT, labelled by its attname ("pk" -> "id").
                fld = self.opts.pk if src == "pk" else self.opts.get_field(src)
                if fld.concrete and fld.attname in sub.c:
                    src = fld.attname
            if not isinstance(src, str) or (src not in sub.c and src != "*"):
                raise FieldError(
                    f"aggregate({name}=...) over a grouped, sliced or distinct query can only "
                    f"refer to its selected fields and annotations; {src!r} is not one"
                )
            col = sa.literal_column("*") if src == "*" else sub.c[src]
            func = getattr(sa.func, agg.function.lower())
            target = sa.distinct(col) if agg.distinct else col
            field = self.annotations[src].field if src in self.annotations else None
            if src in self.values_exprs:
                field = self.values_exprs[src].field
            elif src != "*" and field is None and _is_field(self.model, src):
                field = self.opts.get_field(src)
            expr = func(target, type_=agg.output_type(field))
            if agg.name == "Count":
                expr = sa.func.coalesce(expr, 0, type_=agg.output_type(field))
            cols.append(expr.label(name))
        return sa.select(*cols).select_from(sub)

    def select_statement(self, order: bool = True, extra_cols: list[Any] | None = None) -> Any:
        """The SELECT of this query: model columns (with their ``attname`` labels) or values()."""
        if self.combinator is not None:
            return self._combined_statement(order)
        # Ordering may join tables (order_by("author__name")): resolve it before FROM is built.
        terms = self.order_terms() if order else []
        if self.values_names is None and not extra_cols and self.agg_sources:
            pushed = self._pushdown_statement(terms)
            if pushed is not None:
                return pushed
        if self.values_names is not None:
            cols = [self.values_exprs[n].expr.label(n) for n in self.values_names]
            plain = [
                self.values_exprs[n].expr
                for n in self.values_names
                if not self.values_exprs[n].is_aggregate
            ]
        else:
            names, mcols = self.model_columns()
            cols = [c.label(n) for n, c in zip(names, mcols, strict=True)]
            plain = list(mcols)
            if self.group_by_pk and not extra_cols:
                # The other columns depend on the primary key: GROUP BY it alone
                # (SQLite and PostgreSQL accept this; it is faster), as Django does.
                plain = [self.root.c[self.opts.pk.column]]
            for n in self.annotation_order:
                res = self.annotations[n]
                cols.append(res.expr.label(n))
                if not res.is_aggregate:
                    plain.append(res.expr)
        if extra_cols:
            cols.extend(extra_cols)
        stmt = sa.select(*cols).select_from(self.from_clause())
        if self.has_aggregates or (
            self.values_names is not None
            and any(r.is_aggregate for r in self.values_exprs.values())
        ):
            group = (
                plain
                if self.values_names is None or not self.group_by_values
                else _unique(
                    [
                        *self.values_group,
                        *[
                            self.values_exprs[n].expr
                            for n in self.values_names
                            if not self.values_exprs[n].is_aggregate
                        ],
                    ]
                )
            )
            if self.values_names is not None and not self.group_by_values:
                _, mcols = self.model_columns()
                group = [*mcols, *[r.expr for r in self.annotations.values() if not r.is_aggregate]]
            if order and self.group_by_values:
                for term in terms:
                    inner = getattr(term, "element", term)
                    if not getattr(
                        inner, "_is_aggregate_marker", False
                    ) and not _contains_aggregate(inner):
                        group.append(inner)
            if extra_cols and self.values_names is None:
                group = [*group, *extra_cols]  # select_related rows ride along
            if group:
                stmt = stmt.group_by(*group)
        if self.distinct and order:
            selected = {id(getattr(c, "element", c)) for c in cols}
            for term in terms:
                inner = getattr(term, "element", term)
                if id(inner) not in selected and not isinstance(inner, sa.sql.functions.random):
                    stmt = stmt.add_columns(inner)
        stmt = self.apply_clauses(stmt, order=order, terms=terms)
        if self.promoted and not self.group_by_values:
            stmt = self._count_rows(stmt)
        return stmt

    def _pushdown_statement(self, terms: list[Any]) -> Any | None:
        """Model rows with aggregates over one reverse relation computed in a derived table.

        ``Author.objects.annotate(n=Count("books"))`` is, as Django writes it, a join
        of every book to its author grouped back per author. When every aggregate
        reads the one relation and nothing else touches it, the same numbers come
        from grouping the books alone by their foreign key and joining that (one
        row per author) to the authors::

            SELECT author.*, coalesce(b.n, 0) FROM author
            LEFT JOIN (SELECT author_id AS k, count(*) AS n FROM book GROUP BY author_id) b
            ON b.k = author.id

        which the database plans better (the grouping runs over an index alone, no
        per-author join and regroup). None when the query is not of that shape.
        """
        if self.distinct or self.for_update is not None or self.combinator is not None:
            return None
        aggregates = [n for n, r in self.annotations.items() if r.is_aggregate]
        sources = {self.agg_sources[n][1] for n in aggregates if n in self.agg_sources}
        if len(sources) != 1 or any(n not in self.agg_sources for n in aggregates):
            return None
        (alias,) = sources
        join = next((j for j in self.joins if j.alias == alias), None)
        if join is None or join.parent != self.root_alias or not join.multi:
            return None
        if any(j.parent == alias or (j.multi and j is not join) for j in self.joins):
            return None  # another relation multiplies rows, or one hangs below this one
        on = join.onclause
        if not (
            isinstance(on, sa.BinaryExpression)
            and on.operator is operator.eq
            and isinstance(on.left, sa.Column)
            and isinstance(on.right, sa.Column)
        ):
            return None
        table = join.table
        key, root_key = (on.left, on.right) if on.left.table is table else (on.right, on.left)
        if key.table is not table or root_key.table is not self.root:
            return None
        inner = alias in self.promoted
        sub_cols: list[Any] = [key.label("k")]
        swaps: dict[int, tuple[Any, Any]] = {}
        for i, name in enumerate(aggregates):
            res = self.annotations[name]
            if _tables_of(res.expr) - {table}:
                return None  # the aggregate reads another table (a filter= on the row, ...)
            empty, _, rows = self.agg_sources[name]
            # Grouped alone, every row is a related row: COUNT(pk) is COUNT(*).
            inside = sa.func.count(type_=res.expr.type) if rows is not None else res.expr
            sub_cols.append(inside.label(f"a{i}"))
            swaps[id(res.expr)] = (res.expr, None)
        sub = sa.select(*sub_cols).select_from(table).group_by(key).subquery(f"{alias}_grouped")
        for i, name in enumerate(aggregates):
            res = self.annotations[name]
            empty = self.agg_sources[name][0]
            outer: Any = sub.c[f"a{i}"]
            if not inner and empty is not None:
                outer = sa.func.coalesce(outer, sa.literal(empty), type_=res.expr.type)
            swaps[id(res.expr)] = (res.expr, outer)

        def swap(element: Any, **kw: Any) -> Any:
            found = swaps.get(id(element))
            return found[1] if found is not None and found[0] is element else None

        def move(expr: Any) -> Any | None:
            moved = sa.sql.visitors.replacement_traverse(expr, {}, swap)
            return None if table in _tables_of(moved) else moved

        names, mcols = self.model_columns()
        cols: list[Any] = [c.label(n) for n, c in zip(names, mcols, strict=True)]
        for name in self.annotation_order:
            col = move(self.annotations[name].expr)
            if col is None:
                return None
            cols.append(col.label(name))
        where = []
        for cond in (*self.where, *self.having):
            moved = move(cond)
            if moved is None:
                return None
            where.append(moved)
        order = []
        for term in terms:
            moved = move(term)
            if moved is None:
                return None
            order.append(moved)
        frm: Any = self.root
        for j in self.joins:
            if j is join:
                onclause = sub.c.k == root_key
                frm = frm.join(sub, onclause) if inner else frm.outerjoin(sub, onclause)
            elif j.inner:
                frm = frm.join(j.table, j.onclause)
            else:
                frm = frm.outerjoin(j.table, j.onclause)
        stmt = sa.select(*cols).select_from(frm)
        saved = self.where, self.having
        self.where, self.having = where, []
        try:
            return self.apply_clauses(stmt, order=True, terms=order)
        finally:
            self.where, self.having = saved

    def _count_rows(self, stmt: Any) -> Any:
        """COUNT(*) for a COUNT of a promoted join's primary key (the same number, cheaper)."""
        swaps = {
            id(rows): rows
            for _, alias, rows in self.agg_sources.values()
            if rows is not None and alias in self.promoted
        }
        if not swaps:
            return stmt

        def swap(element: Any, **kw: Any) -> Any:
            if id(element) in swaps and swaps[id(element)] is element:
                return sa.func.count(type_=element.type)
            return None

        result: Any = sa.sql.visitors.replacement_traverse(stmt, {}, swap)
        return result

    def _combined_statement(self, order: bool) -> Any:
        assert self.combinator is not None
        kind, queries, all_ = self.combinator
        parts = [q.select_statement(order=False) for q in queries]
        fn = {
            "union": sa.union_all if all_ else sa.union,
            "intersection": sa.intersect_all if all_ else sa.intersect,
            "difference": sa.except_all if all_ else sa.except_,
        }[kind]
        compound = fn(*parts)
        if order and self.order_by:
            names = [c.name for c in parts[0].selected_columns]
            terms = []
            for term in self.order_by:
                if not isinstance(term, str):
                    raise FieldError("order_by() on a combined query takes field names only")
                desc = term.startswith("-")
                name = term.lstrip("-")
                if name == "pk":
                    name = self.opts.pk.attname
                if name not in names:
                    f = self.opts.get_field(name) if _is_field(self.model, name) else None
                    name = f.attname if f is not None else name
                if name not in names:
                    raise FieldError(
                        f"ORDER BY term {term!r} does not match any column in the result set"
                    )
                col: Any = sa.literal_column(name)
                terms.append(col.desc() if desc else col.asc())
            compound = compound.order_by(*terms)
        if self.is_sliced:
            if self.high is not None:
                compound = compound.limit(_int_sql(self.high - self.low))
            if self.low:
                compound = compound.offset(_int_sql(self.low))
        return compound


_CAPTURABLE = frozenset({int, str, float, bool, decimal.Decimal, datetime.date, datetime.datetime})
_SIMPLE_LOOKUPS = frozenset({Exact, GreaterThan, GreaterThanOrEqual, LessThan, LessThanOrEqual})
#: LIKE lookups whose bound pattern a compiled plan makes from each new value.
_PATTERN_LOOKUPS = frozenset(
    {Contains, IContains, StartsWith, IStartsWith, EndsWith, IEndsWith, IExact}
)


_NO_EMPTY = object()
#: Lookups on an aggregate: does ``value`` keep a group whose aggregate is ``empty``?
#: (None stands for SQL NULL, which no comparison keeps.)
_KEEPS: dict[str, Callable[[Any, Any], bool]] = {
    "exact": lambda e, v: e is not None and e == v,
    "gt": lambda e, v: e is not None and e > v,
    "gte": lambda e, v: e is not None and e >= v,
    "lt": lambda e, v: e is not None and e < v,
    "lte": lambda e, v: e is not None and e <= v,
    "in": lambda e, v: e is not None and e in v,
    "range": lambda e, v: e is not None and v[0] <= e <= v[1],
}
_REJECT_VALUES = frozenset({int, float, decimal.Decimal, list, tuple, set, frozenset})


def _tables_of(expr: Any) -> set[Any]:
    """The tables (and aliases) whose columns ``expr`` reads."""
    return {
        el.table
        for el in sa.sql.visitors.iterate(expr)
        if isinstance(el, sa.Column) and el.table is not None
    }


def _int_sql(n: int) -> Any:
    """LIMIT/OFFSET written into the SQL, as Django does: SQLite plans a bound LIMIT badly."""
    return sa.literal_column(str(int(n)), type_=sa.Integer())


def _contains_aggregate(expr: Any) -> bool:
    if isinstance(expr, sa.sql.functions.FunctionElement) and expr.name.lower() in (
        "count",
        "sum",
        "avg",
        "min",
        "max",
        "stddev_pop",
        "stddev_samp",
        "var_pop",
        "var_samp",
    ):
        return True
    return (
        any(_contains_aggregate(c) for c in expr.get_children())
        if hasattr(expr, "get_children")
        else False
    )


class _Prefixed:
    """A view of a query that resolves field references under a relation path (the
    expressions of a related model's default ordering); the rest is the query's."""

    def __init__(self, query: Query, parts: list[str], model: type[Model]) -> None:
        self._query = query
        self._parts = parts
        self.model = model

    def resolve_ref(self, name: str, reuse: set[str] | None, allow_relation: bool = False) -> Any:
        return self._query.resolve_ref(LOOKUP_SEP.join([*self._parts, name]), reuse, allow_relation)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._query, name)


def _rel_compatible(model: type[Model], opts: Any, fld: Any) -> bool:
    """Django's check that an instance of ``model`` may stand for a row of ``opts``'s model
    (the same concrete model, a parent or a child of it)."""

    def check(o: Any) -> bool:
        return (
            model._meta.concrete_model is o.concrete_model
            or o.concrete_model in model._meta.get_parent_list()
            or model in o.get_parent_list()
        )

    return check(opts) or (bool(getattr(fld, "primary_key", False)) and check(fld.model._meta))


def _related_values(value: Any, path: Path) -> Any:
    """The model instances in a relation filter's value as the values the relation compares:
    the target field's (``to_field``) value, checked as Django does (an instance of the
    related model, saved)."""
    from manouche.orm_lite._base import Model

    fld = path.field
    if fld.is_relation and not fld.auto_created and not fld.many_to_many:
        target: Any = fld.related_model
        source = fld.target_field
    else:
        target = path.model if fld.model is path.model else None
        source = fld

    def one(v: Any) -> Any:
        if not isinstance(v, Model):
            return v
        if target is not None and not _rel_compatible(type(v), target._meta, fld):
            raise ValueError(f'Cannot query "{v}": Must be "{target._meta.object_name}" instance.')
        if v.pk is None:
            raise ValueError("Model instances passed to related filters must be saved.")
        return getattr(v, source.attname, v.pk)

    if isinstance(value, list | tuple | set | frozenset):
        return [one(v) for v in value]
    return one(value)


def _unique(exprs: list[Any]) -> list[Any]:
    """``exprs`` without repeats (the same column object or the same SQL expression)."""
    seen: set[int] = set()
    out = []
    for e in exprs:
        if id(e) not in seen:
            seen.add(id(e))
            out.append(e)
    return out

"""Compiling a QuerySet chain to a plan: the SQL of a query shape, compiled once.

A chain of plain steps (``filter``/``exclude`` with plain values, ``order_by``
with field names, a slice, ``annotate`` with a plain aggregate) is recorded as
its shape (``QuerySet._recipe``) and its values (``QuerySet._bound``). The first
run of a shape builds the statement with named parameters and compiles it; the
plan is kept by the ``Database`` and later runs only bind the new values. A
``get(pk=)`` has a plan of its own per model. ``related_plan`` works out the
joins and columns of ``select_related``.
"""

from __future__ import annotations

import collections
import datetime
import decimal
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from manouche.orm_lite._exceptions import FieldDoesNotExist, FieldError
from manouche.orm_lite._expressions import Aggregate, Expression, F, Q, Resolved
from manouche.orm_lite._query import Query

if TYPE_CHECKING:
    from manouche.orm_lite._base import Model
    from manouche.orm_lite._database import Database
    from manouche.orm_lite._queryset import QuerySet

_PLAIN = frozenset({int, str, float, bool, decimal.Decimal, datetime.date, datetime.datetime})

#: The steps after which a chain's ``count()``/``exists()`` is a plain COUNT/SELECT 1 of
#: its rows (a slice, an aggregate or ``values()`` need the rows as a subquery).
COUNTABLE_STEPS = frozenset({"filter", "exclude", "order_by", "select_related"})

#: Primary-key values that are neither an instance nor an expression (checked first: quick).
_PLAIN_PK_TYPES = frozenset({int, str})


class PlanCache:
    """A database's compiled plans, by frozen query shape; the least recently used go first.

    A key says everything the SQL depends on (the model, the chain's steps with
    their field names and lookups, never their values), so the number of keys is
    the number of query shapes an application runs, which is bounded by its code.
    Slices with changing bounds and the like are shapes too: past ``maxsize`` the
    plan used least recently is dropped, as SQLAlchemy's own compiled cache does.
    """

    __slots__ = ("_plans", "maxsize")

    def __init__(self, maxsize: int = 1000) -> None:
        self._plans: collections.OrderedDict[Any, Any] = collections.OrderedDict()
        self.maxsize = maxsize

    def get(self, key: Any) -> Any:
        plans = self._plans
        plan = plans.get(key)
        if plan is not None:
            plans.move_to_end(key)
        return plan

    def put(self, key: Any, plan: Any) -> None:
        plans = self._plans
        plans[key] = plan
        if len(plans) > self.maxsize:
            plans.popitem(last=False)

    def discard(self, key: Any) -> None:
        self._plans.pop(key, None)

    def clear(self) -> None:
        self._plans.clear()

    def __len__(self) -> int:
        return len(self._plans)

    def __iter__(self) -> Iterator[Any]:
        return iter(list(self._plans))

    def __contains__(self, key: Any) -> bool:
        return key in self._plans


def chain_plan(qs: QuerySet[Any], db: Database, what: str = "rows") -> tuple[Any, Any] | None:
    """This chain's compiled plan and its driver arguments (None: the chain has no plan).

    Shared by ``_run_recipe`` and the async API, which runs the plan on its own connection.
    """
    from manouche.orm_lite._lookups import REGISTRY_VERSION

    # The model is part of the key: proxies share a table but not their ordering.
    key = (
        "chain",
        qs.model._meta.table,
        qs._recipe,
        REGISTRY_VERSION[0],
        qs.model,
        qs._kind,
        what,
    )
    plan = db._plans.get(key)
    if plan is None:
        q = qs._query
        capture = q.capture
        if (
            capture is None
            or len(capture) != len(qs._bound)
            or q.empty
            or q.for_update is not None
            or q.combinator is not None
        ):
            return None
        if what == "rows":
            statement, layout = qs._compile()
            related = related_spec(layout)
            if related is None:
                return None
        else:  # count() and exists() of a chain that filters, orders and joins only
            head = sa.func.count() if what == "count" else sa.literal(1)
            statement = q.apply_clauses(sa.select(head).select_from(q.from_clause()), order=False)
            if what == "exists":
                statement = statement.limit(1)
            related = ()
        names, _ = q.model_columns()
        plan = db._plan(key, lambda: statement)
        bind_names = tuple(plan.bind_keys.get(param) for param, _ in capture)
        if None in bind_names:  # (a value's parameter did not reach the statement as made)
            db._plans.discard(key)
            return None
        plan.extra = (bind_names, tuple(p for _, p in capture), related)
        plan.names = (
            (*names, *q.annotation_order) if q.values_names is None else tuple(q.values_names)
        )
    bind_names, preps, _ = plan.extra
    params = {
        name: prep(value) for name, prep, value in zip(bind_names, preps, qs._bound, strict=True)
    }
    return plan, plan.arguments(params)


def related_spec(layout: list[tuple[Any, ...]]) -> tuple[tuple[Any, ...], ...] | None:
    """What a plan's row builder needs of a ``related_plan`` layout (None: it cannot build it).

    Per related object: its model, its attribute names, the first of its columns, the
    index of the object it hangs on (-1: the row's own), the cache attribute it is
    stored in there, and where its primary key is among its columns.
    """
    from manouche.orm_lite._base import builds_without_init

    spec = []
    for name, f, target, tnames, start, _stop, parent in layout:
        if not builds_without_init(target):
            return None
        cache = f"_{f.get_accessor_name()}_cache" if f.auto_created else f"_{name}_cache"
        pk_index = tnames.index(target._meta.pk.attname)
        spec.append((target, tuple(tnames), start, parent, cache, pk_index))
    return tuple(spec)


def pk_get_plan(qs: QuerySet[Any], db: Database, kwargs: dict[str, Any]) -> tuple[Any, Any] | None:
    """The plan and parameters of ``get(pk=value)`` (None: not a plain primary-key get).

    Compiled once per model and database: a get by pk is one cursor.execute().
    Shared by ``get()`` and the async API.
    """
    opts = qs.model._meta
    ((key, value),) = kwargs.items()
    keys = opts.pk_get_keys
    if keys is None:
        pk = opts.pk
        keys = opts.pk_get_keys = frozenset(
            ("pk", pk.name, pk.attname, "pk__exact", f"{pk.name}__exact")
        )
    if key not in keys or value is None or opts.parents:
        return None
    if type(value) not in _PLAIN_PK_TYPES:
        from manouche.orm_lite._base import Model

        if isinstance(value, Model | Expression):
            return None
    plan = db._plan((opts.table, "get"), lambda: get_statement(qs))
    if not plan.names:
        plan.names = tuple(f.attname for f in opts.concrete_fields)
    return plan, {"pk": opts.pk.get_prep_value(value)}


def get_statement(qs: QuerySet[Any]) -> Any:
    opts = qs.model._meta
    table = opts.table
    pkcol = table.c[opts.pk.column]
    return sa.select(*[table.c[f.column] for f in opts.concrete_fields]).where(
        pkcol == sa.bindparam("pk", type_=pkcol.type)
    )


def related_plan(qs: QuerySet[Any]) -> tuple[list[tuple[Any, ...]], list[Any]]:
    """select_related: [(path, field, model, attnames, start, stop, parent_index)], columns."""
    q = qs._query
    plan: list[tuple[Any, ...]] = []
    cols: list[Any] = []
    names, mcols = q.model_columns()
    start = len(mcols) + len(q.annotation_order)
    requested = q.select_related

    def walk(
        model: type[Model],
        alias: str,
        table: Any,
        tree: Any,
        parent: int,
        depth: int,
        prefix: str,
    ) -> None:
        nonlocal start
        if tree is True:
            fields = [f for f in model._meta.concrete_fields if f.is_relation and not f.null]
            items: list[tuple[Any, Any]] = [(f.name, True if depth < 5 else {}) for f in fields]
        else:
            items = list(tree.items())
        for name, sub in items:
            try:
                f = model._meta.get_field(name)
            except FieldDoesNotExist:
                raise FieldError(
                    f"Invalid field name(s) given in select_related: {name!r}. Choices are: "
                    f"{', '.join(x.name for x in model._meta.concrete_fields if x.is_relation)}"
                ) from None
            if not f.is_relation or f.many_to_many or f.auto_created and f.multiple:
                raise FieldError(
                    f"Non-relational or multi-valued field given in select_related: {name!r}"
                )
            if f.auto_created:
                target = f.related_model
                src, dst = f.field.target_field.column, f.field.column
            else:
                target = f.related_model
                src, dst = f.column, f.target_field.column
            src_table = table
            if f in model._meta.parent_fields:
                _, _, src_table = q.ancestor_join(model, alias, table, f.model, None)
            here = src_table.c[src]
            jalias, jtable = q._join(
                alias,
                (id(f), "sr"),
                target._meta.table,
                lambda t, h=here, d=dst: t.c[d] == h,
                False,
                None,
                inner=not f.auto_created and not f.null,
            )
            tnames = [tf.attname for tf in target._meta.concrete_fields]
            owners = q.model_tables(target, jalias, jtable)
            tcols = [
                (owners[tf.model] if owners else jtable).c[tf.column]
                for tf in target._meta.concrete_fields
            ]
            stop = start + len(tcols)
            idx = len(plan)
            plan.append((name, f, target, tnames, start, stop, parent))
            cols.extend(c.label(f"{prefix}{name}__{n}") for n, c in zip(tnames, tcols, strict=True))
            start = stop
            walk(target, jalias, jtable, sub, idx, depth + 1, f"{prefix}{name}__")

    walk(qs.model, q.root_alias, q.root, requested, -1, 0, "")
    return plan, cols


def _annotate_shape(kwargs: dict[str, Any]) -> tuple[Any, ...] | None:
    """The recipe step of ``annotate(**kwargs)`` when it has a compiled plan, else None.

    Aggregates of a field name with nothing else attached (no ``filter=``,
    ``output_field=``, default a plain value) are the same SQL whenever their
    shape is the same, so a chain ending in ``annotate(n=Count("books"))``
    compiles once like a plain filter chain.
    """
    items = []
    for name, expr in kwargs.items():
        if (
            not isinstance(expr, Aggregate)
            or type(expr.source) is not str
            or expr.filter is not None
            or expr.output_field is not None
            or (expr.default is not None and type(expr.default) not in _PLAIN)
        ):
            return None
        items.append((name, type(expr), expr.source, expr.distinct, expr.default))
    return ("annotate", tuple(items))


def _add_annotations(q: Query, model: type[Model], kwargs: dict[str, Any]) -> None:
    for name, expr in kwargs.items():
        if name in q.annotations:
            pass
        elif model._meta._fields_by_name().get(name) is not None:
            raise ValueError(f"The annotation '{name}' conflicts with a field on the model.")
        q.add_annotation(name, expr)
        if q.values_names is not None:
            q.values_names.append(name)
            q.values_exprs[name] = q.annotations[name]
            if q.annotations[name].is_aggregate:
                q.group_by_values = True
                q.values_group = [r.expr for r in q.values_exprs.values() if not r.is_aggregate]


def _apply_step(q: Query, step: tuple[Any, ...]) -> None:
    """Apply a recorded chain step (filter/exclude/order_by/annotate/slice) to ``q``."""
    kind = step[0]
    if kind == "values":
        add_values(q, step[1], {})
    elif kind == "annotate":
        _add_annotations(q, q.model, dict(step[1]))
    elif kind == "filter":
        q.add_q(Q(**dict(step[1])))
    elif kind == "exclude":
        q.add_q(~Q(**dict(step[1])))
    elif kind == "order_by":
        q.order_by = list(step[1])
        q.default_ordering = False
    else:
        _, low, high = step
        q.set_limits(low, high)


def add_values(q: Query, fields: tuple[str, ...], expressions: dict[str, Any]) -> None:
    """Make ``q`` select ``fields`` and ``expressions`` (``values()``; all fields if neither)."""
    exprs: dict[str, Resolved] = {}
    if not fields and not expressions:
        names, cols = q.model_columns()
        by_attname = {f.attname: f for f in q.model._meta.init_fields}
        for attname, col in zip(names, cols, strict=True):
            exprs[attname] = Resolved(col, by_attname[attname], False)
        for name in q.annotation_order:
            exprs[name] = q.annotations[name]
    for name in fields:
        if not isinstance(name, str):
            raise TypeError(f"values() arguments must be field names, got {name!r}")
        if name in q.annotations and name not in q.annotation_order:
            raise FieldError(f"Cannot select the '{name}' alias. Use annotate() to promote it.")
        exprs[name] = (
            q.resolve_ref(name, None, allow_relation=True)
            if name not in q.annotations
            else q.annotations[name]
        )
    for name, expr in expressions.items():
        if isinstance(expr, str):
            expr = F(expr)
        exprs[name] = expr.resolve(q, None)
    if q.combinator is not None:
        for sub in q.combinator[1]:
            sub.values_names = list(exprs)
            sub.values_exprs = {k: sub.resolve_ref(k, None, allow_relation=True) for k in exprs}
    q.values_names = list(exprs)
    q.values_exprs = exprs

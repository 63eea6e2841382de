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

import datetime
import decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from manouche.orm_lite._exceptions import FieldDoesNotExist, FieldError
from manouche.orm_lite._expressions import Aggregate, Expression, Q
from manouche.orm_lite._query import Query

if TYPE_CHECKING:
    from manouche.orm_lite._base import Model
    from manouche.orm_lite._database import Database
    from manouche.orm_lite._queryset import QuerySet

_PLAIN = frozenset({int, str, float, bool, decimal.Decimal, datetime.date, datetime.datetime})

#: Primary-key values that are neither an instance nor an expression (checked first: quick).
_PLAIN_PK_TYPES = frozenset({int, str})


def chain_plan(qs: QuerySet, db: Database) -> tuple[Any, Any] | None:
    """This chain's compiled plan and its driver arguments (None: the chain has no plan).

    Shared by ``_run_recipe`` and the async API, which runs the plan on its own connection.
    """
    from manouche.orm_lite._lookups import REGISTRY_VERSION

    # The model is part of the key: proxies share a table but not their ordering.
    key = ("chain", qs.model._meta.table, qs._recipe, REGISTRY_VERSION[0], qs.model)
    plan = db._plans.get(key)
    if plan is None:
        q = qs._query
        capture = q.capture
        if (
            capture is None
            or len(capture) != len(qs._bound)
            or q.empty
            or q.select_related
            or q.for_update is not None
            or q.combinator is not None
        ):
            return None
        names, _ = q.model_columns()
        plan = db._plan(key, qs._statement)
        plan.extra = (tuple(name for name, _ in capture), tuple(p for _, p in capture))
        plan.names = (*names, *q.annotation_order)
    bind_names, preps = plan.extra
    params = {
        name: prep(value) for name, prep, value in zip(bind_names, preps, qs._bound, strict=True)
    }
    return plan, plan.arguments(params)


def pk_get_plan(qs: QuerySet, db: Database, kwargs: dict[str, Any]) -> tuple[Any, Any] | None:
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


def get_statement(qs: QuerySet) -> Any:
    opts = qs.model._meta
    table = opts.table
    pkcol = table.c[opts.pk.column]
    return sa.select(*[table.c[f.column] for f in opts.concrete_fields]).where(
        pkcol == sa.bindparam("pk", type_=pkcol.type)
    )


def related_plan(qs: QuerySet) -> tuple[list[tuple[Any, ...]], list[Any]]:
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
    if kind == "annotate":
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
        if high is not None:
            q.high = min(q.high, q.low + high) if q.high is not None else q.low + high
        if low is not None:
            q.low = min(q.high, q.low + low) if q.high is not None else q.low + low

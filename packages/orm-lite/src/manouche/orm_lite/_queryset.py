"""``QuerySet``: lazy, cached, chainable; compiled by ``_query.Query`` to SQLAlchemy Core."""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Generic, Self, TypeGuard, TypeVar, overload

import sqlalchemy as sa

from manouche.orm_lite._async import AsyncQuerySetMixin
from manouche.orm_lite._exceptions import FieldDoesNotExist, FieldError, TransactionManagementError
from manouche.orm_lite._expressions import (
    Aggregate,
    Expression,
    F,
    OrderBy,
    Q,
    Resolved,
    check_alias,
)
from manouche.orm_lite._managers import BaseManager
from manouche.orm_lite._plans import (
    _PLAIN,
    COUNTABLE_STEPS,
    _add_annotations,
    _annotate_shape,
    _apply_step,
    add_values,
    chain_plan,
    pk_get_plan,
    related_plan,
)
from manouche.orm_lite._prefetch import Prefetch, prefetch_related_objects
from manouche.orm_lite._query import LOOKUP_SEP, Query
from manouche.orm_lite._raw import RawQuerySet
from manouche.orm_lite._rows import (
    FLAT,
    MODELS,
    NAMED,
    VALUES,
    VALUES_LIST,
    build_plain_models,
    convert,
    get_instance,
    plan_models,
    row_class,
)
from manouche.orm_lite._writes import _conflict_insert, _insert_values, _value_expr

if TYPE_CHECKING:
    from manouche.orm_lite._base import Model
    from manouche.orm_lite._database import Database

#: The model a QuerySet (and its manager) returns instances of: ``QuerySet[Book]``.
_M = TypeVar("_M", bound="Model")

MAX_GET_RESULTS = 21
REPR_OUTPUT_SIZE = 20

__all__ = [
    "EmptyQuerySet",
    "Manager",
    "Prefetch",
    "QuerySet",
    "RawQuerySet",
    "prefetch_related_objects",
]


class QuerySet(AsyncQuerySetMixin, Generic[_M]):
    """A lazy database query over a model, with Django's API."""

    model: type[_M]

    def __init__(
        self,
        model: type[_M] | None = None,
        query: Query | None = None,
        using: Database | None = None,
        hints: dict[str, Any] | None = None,
    ) -> None:
        assert model is not None
        self.model = model
        #: Django's router hints (the instance a related manager starts from).
        self._hints = hints or {}
        if query is None:
            query = Query(model)
            query.capture = []  # named parameters, for the compiled plan of this chain
        self._q = query
        # Copy-on-write: a clone shares ``_q`` until it changes it (see ``_query``).
        self._shared = False
        # Chain steps not yet applied to ``_q`` (filter/order_by/slice with plain values).
        self._steps: tuple[Any, ...] = ()
        # The chain's shape (None once anything else is done) and its values: the key
        # and the parameters of a plan compiled once per shape (see ``_iterate``).
        self._recipe: tuple[Any, ...] | None = ()
        self._bound: tuple[Any, ...] = ()
        self._db = using
        self._result_cache: list[Any] | None = None
        self._kind = MODELS
        self._prefetch_lookups: list[Any] = []
        self._prefetch_done = False
        self._row_class: Any = None
        #: (foreign key, instance): the rows of a related manager point at ``instance``,
        #: whose object their ``field`` gives without a query (Django's known objects).
        self._known_related: tuple[Any, Any] | None = None

    @classmethod
    def as_manager(cls) -> Any:
        """A manager whose methods include this QuerySet class's (Django's ``as_manager()``)."""
        manager = Manager.from_queryset(cls)()
        manager._built_with_as_manager = True
        return manager

    as_manager.__func__.queryset_only = True  # type: ignore[attr-defined]

    # -- plumbing ------------------------------------------------------------------------

    @property
    def _query(self) -> Query:
        """This QuerySet's own Query, with the pending steps applied (for changing it)."""
        if self._shared:
            self._q = self._q.clone()
            self._shared = False
        if self._steps:
            steps, self._steps = self._steps, ()
            for step in steps:
                _apply_step(self._q, step)
        return self._q

    @_query.setter
    def _query(self, query: Query) -> None:
        self._q = query
        self._shared = False
        self._steps = ()

    def _peek(self) -> Query | None:
        """The Query for reading, when no step is pending (None: use ``_query``)."""
        return None if self._steps else self._q

    @property
    def query(self) -> Query:
        return self._query

    @property
    def db(self) -> Database:
        """The database this QuerySet runs on (its ``using()`` one, else the default)."""
        if self._db is not None:
            return self._db
        from manouche.orm_lite._routers import routers

        return routers.database_for(self.model)

    def _clone(self, keep_recipe: bool = False) -> Self:
        c = self.__class__.__new__(self.__class__)
        c.__dict__.update(self.__dict__)
        c._shared = True
        self._shared = True
        c._result_cache = None
        c._prefetch_lookups = list(self._prefetch_lookups)
        c._prefetch_done = False
        if not keep_recipe:
            c._recipe = None
        return c

    def _has_filters(self) -> bool:
        """Whether the query has a WHERE condition (or matches nothing)."""
        query = self._query
        return bool(query.where) or query.empty

    def _not_sliced(self, what: str) -> None:
        if self._q.is_sliced or any(step[0] == "slice" for step in self._steps):
            raise TypeError(f"Cannot {what} a query once a slice has been taken.")

    def _not_combined(self, what: str) -> None:
        if self._q.combinator is not None:
            raise TypeError(f"Calling {what}() after {self._q.combinator[0]}() is not supported.")

    @property
    def statement(self) -> sa.Select[*tuple[Any, ...]]:
        """The SQLAlchemy ``Select`` this QuerySet runs (an escape hatch for SQLAlchemy users)."""
        return self._statement()

    def _statement(self) -> sa.Select[*tuple[Any, ...]]:
        return self._compile()[0]

    def _compile(self) -> tuple[sa.Select[*tuple[Any, ...]], list[tuple[Any, ...]]]:
        """This QuerySet's SELECT and the layout of its ``select_related`` columns."""
        layout: list[tuple[Any, ...]] = []
        extra: list[Any] = []
        if self._kind == MODELS and self._query.select_related:
            layout, extra = related_plan(self)
        q = self._query
        q.group_by_pk = q.has_aggregates and self.db.vendor in ("sqlite", "postgresql")
        return q.select_statement(extra_cols=extra), layout

    def __repr__(self) -> str:
        data: list[Any] = list(self[: REPR_OUTPUT_SIZE + 1])
        if len(data) > REPR_OUTPUT_SIZE:
            data[-1] = "...(remaining elements truncated)..."
        return f"<{type(self).__name__} {data!r}>"

    def __len__(self) -> int:
        self._fetch_all()
        assert self._result_cache is not None
        return len(self._result_cache)

    def __iter__(self) -> Iterator[_M]:
        self._fetch_all()
        assert self._result_cache is not None
        return iter(self._result_cache)

    def __bool__(self) -> bool:
        self._fetch_all()
        return bool(self._result_cache)

    def __class_getitem__(cls, item: Any) -> type[QuerySet[Any]]:
        return cls

    @overload
    def __getitem__(self, k: int) -> _M: ...
    @overload
    def __getitem__(self, k: slice) -> Self: ...
    def __getitem__(self, k: int | slice) -> Any:
        if not isinstance(k, int | slice):
            raise TypeError(f"QuerySet indices must be integers or slices, not {type(k).__name__}.")
        if (isinstance(k, int) and k < 0) or (
            isinstance(k, slice)
            and ((k.start is not None and k.start < 0) or (k.stop is not None and k.stop < 0))
        ):
            raise ValueError("Negative indexing is not supported.")
        if self._result_cache is not None:
            return self._result_cache[k]
        if isinstance(k, slice):
            if k.step not in (None, 1):
                qs = self._clone()
                qs._set_limits(k.start, k.stop)
                return list(qs)[:: k.step]
            qs = self._clone(keep_recipe=True)
            step = ("slice", k.start, k.stop)
            qs._steps = (*qs._steps, step)
            if qs._recipe is not None:
                qs._recipe = (*qs._recipe, step)
            return qs
        qs = self._clone()
        qs._set_limits(k, k + 1)
        qs._fetch_all()
        assert qs._result_cache is not None
        if not qs._result_cache:
            raise IndexError("QuerySet index out of range")
        return qs._result_cache[0]

    def _set_limits(self, low: int | None, high: int | None) -> None:
        self._query.set_limits(low, high)

    def _fetch_all(self) -> None:
        if self._result_cache is None:
            self._result_cache = list(self._iterate())
        if self._prefetch_lookups and not self._prefetch_done:
            prefetch_related_objects(self._result_cache, *self._prefetch_lookups)
            self._prefetch_done = True

    def _check_for_update(self) -> None:
        if self._query.for_update is not None and self.db.autocommits:
            raise TransactionManagementError(
                "select_for_update cannot be used outside of a transaction."
            )

    def _iterate(self) -> Iterator[Any]:
        rows = self._iterate_rows()
        if self._known_related is not None and self._kind == MODELS:
            return _with_known(rows, *self._known_related)
        return rows

    def _iterate_rows(self) -> Iterator[Any]:
        if self._q.empty or (
            # only an empty slice among the steps empties the query
            any(step[0] == "slice" for step in self._steps) and self._query.empty
        ):
            return iter(())
        from manouche.orm_lite._base import builds_without_init

        db = self.db
        plain = self._kind == MODELS and builds_without_init(self.model)
        if self._recipe is not None and (plain or self._kind != MODELS):
            found = self._run_recipe(db)
            if found is not None:
                return iter(found)
        self._check_for_update()
        statement, layout = self._compile()
        raw, converters = db._fetch_raw(statement)
        q = self._query
        if plain and not q.select_related:
            return iter(build_plain_models(self, raw, converters.procs, db))
        return iter(convert(self, converters.convert(raw), layout))

    def _run_recipe(self, db: Database) -> list[Any] | None:
        """Rows of this chain through its plan, compiled once per chain shape and database.

        The first run builds the statement with named parameters and compiles it;
        later runs of a chain of the same shape only bind the new values.
        """
        prepared = chain_plan(self, db)
        if prepared is None:
            return None
        plan, args = prepared
        rows, description = db._raw_rows(plan.sql, args)
        return plan_models(self, plan, rows, description, db)

    def iterator(self, chunk_size: int | None = None) -> Iterator[_M]:
        """Rows as they arrive, ``chunk_size`` at a time, without filling the cache."""
        if chunk_size is not None and chunk_size <= 0:
            # at the call, as Django's (not at the first next() of a generator)
            raise ValueError("Chunk size must be strictly positive.")
        return self._iterator(chunk_size or 2000)

    def _iterator(self, size: int) -> Iterator[Any]:
        if self._query.empty:
            return
        self._check_for_update()
        batch: list[Any] = []
        for row in self.db._stream(self._statement(), size):
            batch.append(row)
            if len(batch) >= size:
                out = convert(self, batch)
                if self._prefetch_lookups:
                    prefetch_related_objects(out, *self._prefetch_lookups)
                yield from out
                batch = []
        if batch:
            out = convert(self, batch)
            if self._prefetch_lookups:
                prefetch_related_objects(out, *self._prefetch_lookups)
            yield from out

    def _as_subquery(self, lookup: str = "in", target: Any = None) -> Any:
        """This QuerySet as the right-hand side of ``__in`` (or of ``lookup``): its single
        selected column; a QuerySet of instances selects ``target`` (the field a relation
        points to, ``to_field``), else the primary key."""
        q = self._query
        if lookup == "exact" and (q.high is None or q.high - q.low != 1):
            raise ValueError(
                "The QuerySet value for an exact lookup must be limited to one "
                "result using slicing."
            )
        if self._kind == MODELS:
            q = q.clone()
            sel = target if target is not None else self.model._meta.pk
            q.values_names = ["pk"]
            q.values_exprs = {"pk": Resolved(q.root.c[sel.column], sel, False)}
        elif len(q.values_names or []) != 1:
            name = "the exact" if lookup == "exact" else f"the {lookup!r}"
            raise ValueError(
                f"The QuerySet value for {name} lookup must have 1 selected fields "
                f"(received {len(q.values_names or [])})"
            )
        if q.order_by is None and not q.is_sliced:
            q = q.clone()
            q.order_by = []
        return q.select_statement()

    # -- chaining ------------------------------------------------------------------------

    def all(self) -> Self:
        return self._clone(keep_recipe=True)

    def using(self, db: Database | None) -> Self:
        """Run on ``db`` instead of the default database."""
        qs = self._clone(keep_recipe=True)
        qs._db = db
        return qs

    def filter(self, *args: Any, **kwargs: Any) -> Self:
        """Rows matching all conditions; conditions in one call match the same related row."""
        return self._filter_or_exclude(False, args, kwargs)

    def exclude(self, *args: Any, **kwargs: Any) -> Self:
        """Rows not matching the conditions, with Django's NULL and multi-valued semantics."""
        return self._filter_or_exclude(True, args, kwargs)

    def _filter_or_exclude(
        self, negate: bool, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Self:
        self._not_sliced("filter")
        self._not_combined("exclude" if negate else "filter")
        for a in args:
            if isinstance(a, dict):
                raise FieldError("Cannot parse keyword query as dict")
            if not isinstance(a, Q | Expression):
                raise TypeError(f"filter() positional arguments must be Q objects, got {a!r}")
        invalid = sorted(k for k in kwargs if k in ("_connector", "_negated"))
        if invalid:
            raise TypeError(
                f"The following kwargs are invalid: {', '.join(repr(k) for k in invalid)}"
            )
        plain = not args and all(type(v) in _PLAIN for v in kwargs.values())
        qs = self._clone(keep_recipe=plain)
        if not kwargs and not args:
            return qs
        if not plain:
            qs._query.add_q(~Q(*args, **kwargs) if negate else Q(*args, **kwargs))
            return qs
        items = tuple(sorted(kwargs.items()))
        shape = ("exclude" if negate else "filter", tuple(k for k, _ in items))
        known = self.model._meta.known_shapes
        from manouche.orm_lite._lookups import REGISTRY_VERSION

        if (shape, REGISTRY_VERSION[0]) in known:
            qs._steps = (*qs._steps, (shape[0], items))  # applied when needed, if ever
        else:
            # First time: build now, so a wrong field name fails here, as in Django.
            qs._query.add_q(~Q(**kwargs) if negate else Q(**kwargs))
            known.add((shape, REGISTRY_VERSION[0]))
        if qs._recipe is not None:
            qs._recipe = (*qs._recipe, shape)
            qs._bound = (*qs._bound, *(v for _, v in items))
        return qs

    def complex_filter(self, filter_obj: Any) -> Self:
        if isinstance(filter_obj, Q):
            return self.filter(filter_obj)
        return self.filter(**filter_obj)

    def none(self) -> Self:
        qs = self._clone()
        qs._query.empty = True
        return qs

    def order_by(self, *fields: Any) -> Self:
        self._not_sliced("reorder")
        plain = all(type(f) is str for f in fields)
        qs = self._clone(keep_recipe=plain)
        for f in fields:
            if isinstance(f, str) and f not in ("?",):
                name = f.lstrip("-+")
                if not name:
                    raise FieldError(f"Invalid order_by argument: {f!r}")
            elif getattr(
                f.expression if isinstance(f, OrderBy) else f, "contains_aggregate", False
            ):
                raise FieldError(
                    "Using an aggregate in order_by() without also including it in "
                    f"annotate() is not allowed: {f.expression if isinstance(f, OrderBy) else f}"
                )
        if plain:
            step = ("order_by", tuple(fields))
            qs._steps = (*qs._steps, step)
            if qs._recipe is not None:
                qs._recipe = (*qs._recipe, step)
            return qs
        qs._query.order_by = list(fields)
        qs._query.default_ordering = False
        return qs

    def reverse(self) -> Self:
        self._not_sliced("reverse")
        qs = self._clone()
        q = qs._query
        terms = (
            q.order_by
            if q.order_by is not None
            else (list(q.opts.ordering) if q.default_ordering else [])
        )
        flipped: list[Any] = []
        for t in terms:
            if isinstance(t, str):
                flipped.append(t if t == "?" else (t[1:] if t.startswith("-") else f"-{t}"))
            elif isinstance(t, OrderBy):
                flipped.append(t.reversed())
            elif isinstance(t, Expression):
                flipped.append(t.desc())
        q.order_by = flipped
        return qs

    @property
    def ordered(self) -> bool:
        q = self._query
        if q.order_by or q.empty:
            return True
        if (
            q.order_by is None
            and q.default_ordering
            and q.opts.ordering
            and not q.group_by_values
            and not q.has_aggregates
        ):
            return True
        return False

    def distinct(self, *field_names: str) -> Self:
        if field_names:
            raise NotImplementedError(
                "distinct(*fields) (DISTINCT ON) is not supported by orm-lite"
            )
        self._not_sliced("create distinct fields")
        qs = self._clone()
        qs._query.distinct = True
        return qs

    def select_related(self, *fields: str | None) -> Self:
        self._not_combined("select_related")
        if self._kind != MODELS:
            raise TypeError("Cannot call select_related() after .values() or .values_list()")
        qs = self._clone(keep_recipe=True)
        if qs._recipe is not None:  # a step of the chain's shape: its plan follows the relations
            qs._recipe = (*qs._recipe, ("select_related", fields))
        if fields == (None,):
            qs._query.select_related = False
            return qs
        if not fields:
            qs._query.select_related = True
            return qs
        tree: dict[str, Any] = (
            dict(qs._query.select_related) if isinstance(qs._query.select_related, dict) else {}
        )
        for f in fields:
            assert f is not None
            node = tree
            for part in f.split(LOOKUP_SEP):
                node = node.setdefault(part, {})
        qs._query.select_related = tree
        return qs

    def prefetch_related(self, *lookups: Any) -> Self:
        qs = self._clone()
        if lookups == (None,):
            qs._prefetch_lookups = []
        else:
            qs._prefetch_lookups.extend(lookups)
        return qs

    def only(self, *fields: str) -> Self:
        if self._kind != MODELS:
            raise TypeError("Cannot call only() after .values() or .values_list()")
        if not fields:
            raise TypeError("Cannot pass no fields to only()")
        qs = self._clone()
        for f in fields:
            if LOOKUP_SEP in f:
                raise FieldError("only() across relations is not supported by orm-lite")
            self.model._meta.get_field(f if f != "pk" else self.model._meta.pk.name)
        qs._query.only = frozenset(fields)
        qs._query.deferred = frozenset()
        return qs

    def defer(self, *fields: str | None) -> Self:
        if self._kind != MODELS:
            raise TypeError("Cannot call defer() after .values() or .values_list()")
        qs = self._clone()
        if fields == (None,):
            qs._query.deferred = frozenset()
            return qs
        for f in fields:
            assert f is not None
            self.model._meta.get_field(f)
        qs._query.deferred = qs._query.deferred | frozenset(f for f in fields if f is not None)
        return qs

    def select_for_update(
        self,
        nowait: bool = False,
        skip_locked: bool = False,
        of: Sequence[str] = (),
        no_key: bool = False,
    ) -> Self:
        """Lock the selected rows until the transaction ends (SQLite has no row locks: ignored)."""
        if nowait and skip_locked:
            raise ValueError("The nowait option cannot be used with skip_locked.")
        qs = self._clone()
        qs._query.for_update = {"nowait": nowait, "skip_locked": skip_locked, "key_share": no_key}
        return qs

    def annotate(self, *args: Any, **kwargs: Any) -> Self:
        """Add a computed value (an aggregate over related rows, an expression) to each row."""
        self._not_combined("annotate")
        _check_expressions("annotate", args, kwargs)
        for a in args:
            try:
                if not isinstance(a, Aggregate):
                    raise TypeError
                kwargs[a.default_alias()] = a
            except TypeError:
                raise TypeError("Complex annotations require an alias") from None
        shape = _annotate_shape(kwargs) if self._recipe is not None else None
        qs = self._clone(keep_recipe=shape is not None)
        if shape is None or qs._recipe is None:
            _add_annotations(qs._query, self.model, kwargs)
            return qs
        known = self.model._meta.known_shapes
        from manouche.orm_lite._lookups import REGISTRY_VERSION

        if (shape, REGISTRY_VERSION[0]) in known:
            qs._steps = (*qs._steps, ("annotate", tuple(kwargs.items())))
        else:
            # First time: build now, so a wrong field name fails here, as in Django.
            _add_annotations(qs._query, self.model, kwargs)
            known.add((shape, REGISTRY_VERSION[0]))
        qs._recipe = (*qs._recipe, shape)
        return qs

    def extra(
        self,
        select: dict[str, Any] | None = None,
        where: Iterable[str] | None = None,
        params: Iterable[Any] | None = None,
        tables: Iterable[str] | None = None,
        order_by: Iterable[str] | None = None,
        select_params: Iterable[Any] | None = None,
    ) -> Self:
        """Django's ``extra()``: hand-written SQL added to the query, each ``%s`` bound to
        the next of ``select_params`` (for ``select``) or ``params`` (for ``where``).

        ``select`` adds named values (as ``annotate(name=RawSQL(...))``), ``where`` ANDs
        conditions, ``order_by`` takes names, ``-names`` and ``table.column``. ``tables``
        (extra FROM entries) is refused with ``NotSupportedError``: a join is a filter
        across a relation, or ``RawSQL`` in a subquery.
        """
        from manouche.orm_lite._exceptions import NotSupportedError
        from manouche.orm_lite._expressions import RawSQL

        self._not_sliced("change")
        self._not_combined("extra")
        if tables:
            raise NotSupportedError(
                "extra(tables=...) is not supported: filter across a relation, or use "
                "RawSQL in a subquery"
            )
        qs = self._clone()
        if select:
            values = list(select_params or ())
            added: dict[str, Any] = {}
            for name, sql in select.items():
                sql = str(sql)
                n = sql.replace("%%", "").count("%s")
                added[name] = RawSQL(sql, values[:n])
                del values[:n]
            qs = qs.annotate(**added)
        if where:
            from manouche.orm_lite._fields import BooleanField

            conds = [f"({w})" for w in where]
            qs = qs.filter(RawSQL(" AND ".join(conds), tuple(params or ()), BooleanField()))
        if order_by:
            terms: list[Any] = []
            for term in order_by:
                desc = term.startswith("-")
                name = term.lstrip("-")
                if "." in name:
                    raw = RawSQL(name)
                    terms.append(raw.desc() if desc else raw.asc())
                else:
                    terms.append(term)
            qs = qs.order_by(*terms)
        return qs

    def alias(self, *args: Any, **kwargs: Any) -> Self:
        """Like ``annotate()``, but the value is not selected: it is there for
        ``filter()``, ``exclude()``, ``order_by()`` and later annotations, as Django's."""
        q = self._query
        before = set(q.annotation_order)
        qs = self.annotate(*args, **kwargs)
        qs._recipe = None
        nq = qs._query
        added = [n for n in nq.annotation_order if n not in before]
        nq.annotation_order = [n for n in nq.annotation_order if n not in added]
        if nq.values_names is not None:
            nq.values_names = [n for n in nq.values_names if n not in added]
            for n in added:
                nq.values_exprs.pop(n, None)
        return qs

    def values(self, *fields: str, **expressions: Any) -> QuerySet[Any]:
        """Rows as dicts of the given fields (all concrete fields and annotations by default)."""
        qs = self._values(fields, expressions)
        qs._kind = VALUES
        return qs

    def values_list(self, *fields: str, flat: bool = False, named: bool = False) -> QuerySet[Any]:
        """Rows as tuples (``flat=True``: single values; ``named=True``: namedtuples)."""
        if flat and named:
            raise TypeError("'flat' and 'named' can't be used together.")
        if flat and len(fields) > 1:
            raise TypeError(
                "'flat' is not valid when values_list is called with more than one field."
            )
        qs = self._values(fields, {})
        qs._kind = FLAT if flat else (NAMED if named else VALUES_LIST)
        if named:
            selected = (
                list(dict.fromkeys(fields))
                if fields and all(isinstance(f, str) for f in fields)
                else qs._query.values_names
            )
            qs._row_class = row_class(tuple(selected or ()))
        return qs

    def _values(self, fields: tuple[str, ...], expressions: dict[str, Any]) -> QuerySet[Any]:
        for alias in expressions:
            check_alias(alias)
        lazy = (
            self._recipe is not None
            and bool(fields)
            and not expressions
            and all(type(f) is str for f in fields)
        )
        qs = self._clone(keep_recipe=lazy)
        if lazy and qs._recipe is not None:
            from manouche.orm_lite._lookups import REGISTRY_VERSION

            step = ("values", fields)
            known = self.model._meta.known_shapes
            if (step, REGISTRY_VERSION[0]) in known:
                qs._steps = (*qs._steps, step)  # applied when needed, if ever
            else:
                # First time: resolve now, so a wrong field name fails here, as in Django.
                add_values(qs._query, fields, {})
                known.add((step, REGISTRY_VERSION[0]))
            qs._recipe = (*qs._recipe, step)
        else:
            add_values(qs._query, fields, expressions)
        qs._prefetch_lookups = []
        return qs

    # -- the & | ^ operators -------------------------------------------------------------

    def _merge_check(self, other: Any, op: str) -> TypeGuard[QuerySet[Any]]:
        """Django's checks before ``qs1 op qs2``; False when ``other`` is no QuerySet."""
        if not isinstance(other, QuerySet):
            return False
        if self._query.combinator is not None or other._query.combinator is not None:
            raise TypeError(f"Cannot use {op} operator with combined queryset.")
        if self._kind != other._kind or (
            self._kind != MODELS
            and set(self._query.values_names or ()) != set(other._query.values_names or ())
        ):
            raise TypeError(
                f"Merging '{type(self).__name__}' classes must involve the same values in "
                "each case."
            )
        if self.model is not other.model:
            raise TypeError("Cannot combine queries on two different base models.")
        if bool(self._query.distinct) != bool(other._query.distinct):
            raise TypeError("Cannot combine a unique query with a non-unique query.")
        if self._query.distinct != other._query.distinct:
            raise TypeError("Cannot combine queries with different distinct fields.")
        return True

    def _pk_condition(self, other: QuerySet[Any]) -> Any:
        """``pk IN (other's keys)``, compiled on this QuerySet's query (a WHERE term)."""
        keys = other if other._query.is_sliced else other.order_by()
        probe = self.model._base_manager.filter(pk__in=keys.values("pk"))._query
        return sa.and_(*probe.where)

    def _merged(self, other: QuerySet[Any], op: str) -> Self:
        lhs = self
        if op != "&" and (self._query.is_sliced or self._query.having):
            lhs = self.model._base_manager.filter(pk__in=self.values("pk"))
            lhs.__class__ = self.__class__
        elif self._query.is_sliced:
            raise TypeError("Cannot combine queries once a slice has been taken.")
        combined = lhs._clone()
        q = combined._query
        q.capture = None  # a hand-made WHERE: no compiled plan for this chain
        mine = sa.and_(*q.where) if q.where else sa.true()
        theirs = self._pk_condition(other)
        if op == "&":
            q.where = [*q.where, theirs]
        elif op == "|":
            q.where = [sa.or_(mine, theirs)]
        else:
            q.where = [sa.and_(sa.or_(mine, theirs), sa.not_(sa.and_(mine, theirs)))]
        if other._query.order_by and not other._query.joins:
            q.order_by = list(other._query.order_by)
        return combined

    def __and__(self, other: Any) -> QuerySet[_M]:
        if not self._merge_check(other, "&"):
            return NotImplemented
        if other._query.empty:
            return other
        if self._query.empty:
            return self
        return self._merged(other, "&")

    def __or__(self, other: Any) -> QuerySet[_M]:
        if not self._merge_check(other, "|"):
            return NotImplemented
        if self._query.empty:
            return other
        if other._query.empty:
            return self
        return self._merged(other, "|")

    def __xor__(self, other: Any) -> QuerySet[_M]:
        if not self._merge_check(other, "^"):
            return NotImplemented
        if self._query.empty:
            return other
        if other._query.empty:
            return self
        return self._merged(other, "^")

    # -- combinators ---------------------------------------------------------------------

    def _combinator(self, kind: str, others: tuple[QuerySet[Any], ...], all_: bool) -> Self:
        if self._query.empty and kind != "union":
            return self._clone()
        qs = self._clone()
        parts = [self] + [o for o in others if not o._query.empty or kind != "union"]
        queries = []
        for p in parts:
            sub = p._query.clone()
            if sub.order_by is None:
                sub.order_by = []
            queries.append(sub)
        q = Query(self.model)
        q.combinator = (kind, queries, all_)
        q.values_names = self._query.values_names
        q.values_exprs = self._query.values_exprs
        q.order_by = None
        qs._query = q
        return qs

    def union(self, *other_qs: QuerySet[Any], all: bool = False) -> Self:  # noqa: A002
        return self._combinator("union", other_qs, all)

    def intersection(self, *other_qs: QuerySet[Any]) -> Self:
        return self._combinator("intersection", other_qs, False)

    def difference(self, *other_qs: QuerySet[Any]) -> Self:
        return self._combinator("difference", other_qs, False)

    # -- evaluation ----------------------------------------------------------------------

    def get(self, *args: Any, **kwargs: Any) -> _M:
        """The single matching row; ``DoesNotExist`` or ``MultipleObjectsReturned`` otherwise."""
        if not args and len(kwargs) == 1 and self._is_pristine():
            fast = self._fast_get(kwargs)
            if not isinstance(fast, _NoFast):
                return fast
        qs = self.filter(*args, **kwargs) if (args or kwargs) else self._clone()
        if self._query.combinator is not None and (args or kwargs):
            raise TypeError("Calling get() with arguments after union() is not supported.")
        if not qs._query.is_sliced:
            qs._query.order_by = []
            qs._set_limits(0, MAX_GET_RESULTS)
        objs = list(qs)
        if len(objs) == 1:
            return objs[0]
        if not objs:
            raise self.model.DoesNotExist(
                f"{self.model._meta.object_name} matching query does not exist."
            )
        more = "more than" if len(objs) >= MAX_GET_RESULTS else ""
        raise self.model.MultipleObjectsReturned(
            f"get() returned more than one {self.model._meta.object_name} -- it returned "
            f"{more + ' ' if more else ''}{len(objs) if not more else MAX_GET_RESULTS - 1}!"
        )

    def _is_pristine(self) -> bool:
        q = self._peek() or self._query
        return (
            self._kind == MODELS
            and not q.where
            and not q.joins
            and not q.annotations
            and not q.select_related
            and not q.is_sliced
            and not q.deferred
            and q.only is None
            and q.for_update is None
            and q.combinator is None
            and not q.empty
            and not q.distinct
            and not self._prefetch_lookups
            and type(self) is QuerySet
        )

    def _fast_get(self, kwargs: dict[str, Any]) -> _M | _NoFast:
        db = self.db
        prepared = pk_get_plan(self, db, kwargs)
        if prepared is None:
            return _NO_FAST
        plan, params = prepared
        raw, description = db._raw_rows(plan.sql, plan.arguments(params))
        if not raw:
            raise self.model.DoesNotExist(
                f"{self.model._meta.object_name} matching query does not exist."
            )
        instance: _M = get_instance(self, plan, raw, description, db)
        return instance

    def count(self) -> int:
        """The number of rows (a ``COUNT(*)`` unless the results are already loaded)."""
        if self._result_cache is not None:
            return len(self._result_cache)
        found = self._run_countable("count")
        if found is not None:
            return int(found[0][0])
        q = self._query
        if q.empty:
            return 0
        if (
            q.distinct
            or q.is_sliced
            or q.combinator is not None
            or q.has_aggregates
            or q.group_by_values
        ):
            sub = (
                self._statement().order_by(None).subquery("subquery")
                if not q.is_sliced and q.combinator is None
                else self._statement().subquery("subquery")
            )
            stmt = sa.select(sa.func.count()).select_from(sub)
        else:
            stmt = q.apply_clauses(
                sa.select(sa.func.count()).select_from(q.from_clause()), order=False
            )
        rows = self.db._fetch(stmt)
        return int(rows[0][0])

    def explain(self, *, format: str | None = None, **options: Any) -> str:
        """The database's plan for this query (``EXPLAIN``), as text: Django's ``format``
        and options per backend (PostgreSQL: ``analyze``, ``verbose``, ``buffers``, ...,
        formats TEXT/JSON/XML/YAML; MariaDB: ``analyze``, formats TEXT/JSON; SQLite: none).
        The query's values are rendered inline, escaped by the dialect."""
        for name in options:
            if not _EXPLAIN_OPTION.fullmatch(name) or "--" in name:
                raise ValueError(f"Invalid option name: {name!r}.")
        db = self.db
        dialect = db.engine.dialect
        vendor = dialect.name
        formats, display = _EXPLAIN_FORMATS.get(vendor, (set(), vendor))
        fmt = format.upper() if format else None
        if fmt is not None and fmt not in formats:
            msg = f"{fmt} is not a recognized format."
            if formats:
                msg += f" Allowed formats: {', '.join(sorted(formats))}"
            else:
                msg += f" {display} does not support any formats."
            raise ValueError(msg)
        extra: dict[str, str] = {}
        if vendor == "postgresql":
            for name in list(options):
                if name.upper() in _PG_EXPLAIN_OPTIONS:
                    extra[name.upper()] = "true" if options.pop(name) else "false"
        analyze = bool(options.pop("analyze", False)) if vendor == "mysql" else False
        if options:
            raise ValueError(f"Unknown options: {', '.join(sorted(options))}")
        if vendor == "sqlite":
            prefix = "EXPLAIN QUERY PLAN"
        elif vendor == "postgresql":
            if fmt:
                extra["FORMAT"] = fmt
            prefix = "EXPLAIN"
            if extra:
                prefix += f" ({', '.join(f'{k} {v}' for k, v in extra.items())})"
        else:
            prefix = "ANALYZE" if analyze else "EXPLAIN"
            if fmt == "JSON":
                prefix += " FORMAT=JSON"
        statement, _ = self._compile()
        sql = str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
        rows, _ = db._raw_rows(f"{prefix} {sql}", () if vendor == "sqlite" else None)
        return "\n".join(
            row[0] if len(row) == 1 and isinstance(row[0], str) else " ".join(map(str, row))
            for row in rows
        )

    def exists(self) -> bool:
        if self._result_cache is not None:
            return bool(self._result_cache)
        found = self._run_countable("exists")
        if found is not None:
            return bool(found)
        q = self._query
        if q.empty:
            return False
        if (
            q.distinct
            or q.is_sliced
            or q.combinator is not None
            or q.has_aggregates
            or q.group_by_values
        ):
            stmt = (
                sa.select(sa.literal(1))
                .select_from(self._statement().subquery("subquery"))
                .limit(1)
            )
        else:
            stmt = q.apply_clauses(
                sa.select(sa.literal(1)).select_from(q.from_clause()), order=False
            ).limit(1)
        return bool(self.db._fetch(stmt))

    def _run_countable(self, what: str) -> list[Any] | None:
        """The rows of this chain's ``count``/``exists`` plan (None: the chain has none)."""
        recipe = self._recipe
        if recipe is None or self._q.empty or type(self) is not QuerySet:
            return None
        if any(step[0] not in COUNTABLE_STEPS for step in recipe):
            return None
        db = self.db
        prepared = chain_plan(self, db, what)
        if prepared is None:
            return None
        plan, args = prepared
        rows, _ = db._raw_rows(plan.sql, args)
        return rows

    def contains(self, obj: Model) -> bool:
        """Whether ``obj`` is one of this QuerySet's rows (a query unless evaluated): an
        instance of another concrete model is not, a proxy's instance may be."""
        if self._kind != MODELS:
            raise TypeError("Cannot call QuerySet.contains() after .values() or .values_list().")
        meta = getattr(obj, "_meta", None)
        if meta is None or not hasattr(meta, "concrete_model"):
            raise TypeError("'obj' must be a model instance.")
        if meta.concrete_model is not self.model._meta.concrete_model:
            return False
        if obj.pk is None:
            raise ValueError("QuerySet.contains() cannot be used on unsaved objects.")
        if self._result_cache is not None:
            return obj in self._result_cache
        return self.filter(pk=obj.pk).exists()

    def aggregate(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """A dict of aggregate values over the whole QuerySet: ``aggregate(Avg("price"))``."""
        _check_expressions("aggregate", args, kwargs)
        for a in args:
            if not isinstance(a, Aggregate):
                raise TypeError("Complex aggregates require an alias")
            kwargs[a.default_alias()] = a
        if not kwargs:
            return {}
        for name, a in kwargs.items():
            check_alias(name)
            if not isinstance(a, Expression) or not getattr(a, "contains_aggregate", False):
                raise TypeError(f"{name} is not an aggregate expression")
        if self._query.empty:
            return {name: _over_no_rows(a) for name, a in kwargs.items()}
        stmt = self._query.aggregate_query(kwargs)
        row = self.db._fetch(stmt)[0]
        out = dict(zip(kwargs, row, strict=True))
        for name, a in kwargs.items():
            default = getattr(a, "default", None)
            if out[name] is None and default is not None:
                out[name] = default
        return out

    def first(self) -> _M | None:
        qs = self if self.ordered else self.order_by("pk")
        for obj in qs[:1]:
            return obj
        return None

    def last(self) -> _M | None:
        qs = self.reverse() if self.ordered else self.order_by("-pk")
        for obj in qs[:1]:
            return obj
        return None

    def _earliest(self, fields: tuple[str, ...], reverse: bool) -> _M:
        if not fields:
            latest_by = self.model._meta.get_latest_by
            if latest_by is None:
                raise ValueError(
                    "earliest() and latest() require either fields as positional arguments or "
                    "'get_latest_by' in the model's Meta."
                )
            fields = (latest_by,) if isinstance(latest_by, str) else tuple(latest_by)
        if self._q.is_sliced or any(step[0] == "slice" for step in self._steps):
            raise TypeError("Cannot change a query once a slice has been taken.")
        qs = self.order_by(*fields)
        if reverse:
            qs = qs.reverse()
        return qs.get() if qs._query.is_sliced else qs._get_first()

    def _get_first(self) -> _M:
        self._set_limits(0, 1)
        objs = list(self)
        if not objs:
            raise self.model.DoesNotExist(
                f"{self.model._meta.object_name} matching query does not exist."
            )
        return objs[0]

    def dates(self, field_name: str, kind: str, order: str = "ASC") -> QuerySet[Any]:
        """The distinct dates of ``field_name`` truncated to ``kind`` (year, month, week, day)."""
        if kind not in ("year", "month", "week", "day"):
            raise ValueError("'kind' must be one of 'year', 'month', 'week', or 'day'.")
        return self._truncated(field_name, kind, order, True)

    def datetimes(self, field_name: str, kind: str, order: str = "ASC") -> QuerySet[Any]:
        """The distinct datetimes of ``field_name`` truncated to ``kind`` (year ... second)."""
        if kind not in ("year", "month", "week", "day", "hour", "minute", "second"):
            raise ValueError(
                "'kind' must be one of 'year', 'month', 'week', 'day', 'hour', 'minute', or "
                "'second'."
            )
        return self._truncated(field_name, kind, order, False)

    def _truncated(self, field_name: str, kind: str, order: str, is_date: bool) -> QuerySet[Any]:
        from manouche.orm_lite._fields import DateField, DateTimeField
        from manouche.orm_lite._sqltypes import DateTrunc

        if order not in ("ASC", "DESC"):
            raise ValueError("'order' must be either 'ASC' or 'DESC'.")
        qs = self._clone()
        q = qs._query
        src = q.resolve_ref(field_name, None)
        from manouche.orm_lite._fields import TimeField

        if not isinstance(src.field, DateField | DateTimeField | TimeField):
            raise TypeError(f"{field_name!r} isn't a DateField, TimeField, or DateTimeField.")
        if isinstance(src.field, TimeField) or (
            not is_date and not isinstance(src.field, DateTimeField)
        ):
            raise ValueError(
                f"Cannot truncate {type(src.field).__name__} {field_name!r} to "
                f"{'DateField' if is_date else 'DateTimeField'}."
            )
        out_field = DateField() if is_date else DateTimeField()
        q.annotations["datefield"] = Resolved(DateTrunc(kind, src.expr, is_date), out_field, False)
        q.annotation_order.append("datefield")
        q.where.append(src.expr.is_not(None))
        qs = qs.values_list("datefield", flat=True)
        qs._query.distinct = True
        return qs.order_by(("-" if order == "DESC" else "") + "datefield")

    def earliest(self, *fields: str) -> _M:
        return self._earliest(fields, False)

    def latest(self, *fields: str) -> _M:
        return self._earliest(fields, True)

    def in_bulk(
        self, id_list: Iterable[Any] | None = None, *, field_name: str = "pk"
    ) -> dict[Any, _M]:
        """``{value: instance}`` for the given keys (or every row)."""
        if self._q.is_sliced or any(step[0] == "slice" for step in self._steps):
            raise TypeError("Cannot use 'limit' or 'offset' with in_bulk().")
        if self._kind != MODELS:
            raise TypeError("in_bulk() cannot be used with values() or values_list().")
        opts = self.model._meta
        fname = opts.pk.name if field_name == "pk" else field_name
        f = opts.get_field(fname)
        # A single-field unique constraint without a condition makes the field unique too.
        unique_by_constraint = any(
            getattr(c, "condition", True) is None and tuple(getattr(c, "fields", ())) == (fname,)
            for c in opts.constraints
        )
        if fname != opts.pk.name and not f.unique and not unique_by_constraint:
            raise ValueError(
                f"in_bulk()'s field_name must be a unique field but {field_name!r} isn't."
            )
        if id_list is not None:
            ids = list(id_list)
            if not ids:
                return {}
            objs: list[Any] = []
            for i in range(0, len(ids), 900):
                objs.extend(self.filter(**{f"{fname}__in": ids[i : i + 900]}).order_by())
        else:
            objs = list(self._clone())
        return {getattr(o, f.attname): o for o in objs}

    # -- writes --------------------------------------------------------------------------

    def create(self, **kwargs: Any) -> _M:
        reverse_one_to_one = [
            rel.get_accessor_name()
            for rel in self.model._meta.related_objects
            if rel.one_to_one and rel.get_accessor_name() in kwargs
        ]
        if reverse_one_to_one:
            raise ValueError(
                f"The following fields do not exist in this model: {', '.join(reverse_one_to_one)}"
            )
        obj = self.model(**kwargs)
        obj.save(force_insert=True, using=self._db)
        return obj

    def get_or_create(
        self, defaults: dict[str, Any] | None = None, **kwargs: Any
    ) -> tuple[_M, bool]:
        from manouche.orm_lite._database import Atomic

        try:
            return self.get(**kwargs), False
        except self.model.DoesNotExist:
            params = self._create_params(defaults, kwargs)
            for k, v in params.items():
                if callable(v):
                    params[k] = v()
            try:
                with Atomic(self.db):
                    return self.create(**params), True
            except sa.exc.IntegrityError:
                try:
                    return self.get(**kwargs), False
                except self.model.DoesNotExist:
                    pass
                raise

    def _create_params(
        self, defaults: dict[str, Any] | None, kwargs: dict[str, Any]
    ) -> dict[str, Any]:
        """The keyword arguments a get_or_create() creates with; unknown names: ``FieldError``.

        As Django's: a name that is no field is allowed when it is a property with a setter.
        """
        params = {k: v for k, v in kwargs.items() if LOOKUP_SEP not in k}
        params.update(defaults or {})
        opts = self.model._meta
        invalid = []
        for name in params:
            try:
                opts.get_field(name)
            except FieldDoesNotExist:
                attr = inspect.getattr_static(self.model, name, None)
                if not (isinstance(attr, property) and attr.fset is not None):
                    invalid.append(name)
        if invalid:
            names = "', '".join(sorted(invalid))
            raise FieldError(f"Invalid field name(s) for model {opts.object_name}: '{names}'.")
        return params

    def update_or_create(
        self,
        defaults: dict[str, Any] | None = None,
        create_defaults: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> tuple[_M, bool]:
        from manouche.orm_lite._database import Atomic

        defaults = defaults or {}
        with Atomic(self.db):
            obj, created = self.select_for_update().get_or_create(
                {**defaults, **(create_defaults or {})}
                if create_defaults is not None
                else defaults,
                **kwargs,
            )
            if created:
                return obj, created
            for k, v in defaults.items():
                setattr(obj, k, v() if callable(v) else v)
            # As Django 4.2+: only the defaults are written, plus fields that compute
            # their value on save (auto_now and the like).
            from manouche.orm_lite._fields import Field

            opts = self.model._meta
            names = {opts.get_field(k).name for k in defaults if k != "pk"}
            for f in opts.concrete_fields:
                if not f.primary_key and type(f).pre_save is not Field.pre_save:
                    names.add(f.name)
            obj.save(using=self._db, update_fields=names or None)
        return obj, False

    def update(self, **kwargs: Any) -> int:
        """``UPDATE`` the matching rows; values may be ``F()`` expressions. Returns the count."""
        self._not_sliced("update")
        self._not_combined("update")
        if not kwargs:
            raise TypeError("update() needs at least one field=value")
        opts = self.model._meta
        table = opts.table
        values: dict[str, Any] = {}
        #: A multi-table child's ancestors' fields: updated in each one's table, as Django.
        parent_values: dict[Any, dict[str, Any]] = {}
        scratch = Query(self.model)
        parent_scratch: dict[Any, Query] = {}
        # The queryset's annotations that read only this table may be update values
        # (``annotate(x=...).update(f=F("x"))``); those over joins or aggregates may not.
        joined = set()
        for alias, resolved in self._query.annotations.items():
            if resolved.is_aggregate or not _reads_only(resolved.expr, scratch.root):
                joined.add(alias)
            else:
                scratch.annotations[alias] = resolved
        for name, value in kwargs.items():
            try:
                f = opts.get_field(name)
            except FieldDoesNotExist:
                raise FieldError(
                    f"Cannot update model field {name!r}: no such field. "
                    f"Choices are: {', '.join(opts.field_names())}"
                ) from None
            if not f.concrete or f.many_to_many or f.auto_created:
                raise FieldError(
                    f"Cannot update model field {f!r} (only non-relations and foreign keys "
                    "permitted)."
                )
            into = values
            sq = scratch
            if f in opts.parent_fields:
                # (F() in the value reads the ancestor's own row, as Django's related updates)
                into = parent_values.setdefault(f.model, {})
                if f.model not in parent_scratch:
                    parent_scratch[f.model] = Query(f.model)
                sq = parent_scratch[f.model]
            if isinstance(value, Expression):
                try:
                    res = value.resolve(sq, None)
                except FieldError:
                    if joined & _referenced_names(value):
                        raise FieldError(
                            "Joined field references are not permitted in this query"
                        ) from None
                    raise
                if sq.joins:
                    raise FieldError("Joined field references are not permitted in this query")
                if res.is_aggregate:
                    raise FieldError("Aggregate functions are not allowed in this query")
                into[f.column] = res.expr
            else:
                if f.is_relation and getattr(value, "_meta", None) is not None and value.pk is None:
                    raise ValueError(
                        f"Unsaved model instance {value!r} cannot be used in an ORM query."
                    )
                into[f.column] = f._prep_save(value, self.db)
        if self._query.empty:
            return 0
        if parent_values:
            return self._update_with_parent(values, parent_values)
        stmt = table.update().values(values)
        stmt = self._where_for_write(stmt)
        _, n, _ = self.db._run(stmt)
        return int(n)

    def _update_with_parent(
        self, values: dict[str, Any], parent_values: dict[Any, dict[str, Any]]
    ) -> int:
        """``update()`` of a multi-table child touching its ancestors' fields: the keys of
        the matching rows first (the child's, each ancestor's), then one UPDATE per table.
        Returns the child table's count, else the first ancestor's, as Django."""
        from manouche.orm_lite._database import Atomic

        opts = self.model._meta
        owners = list(parent_values)
        with Atomic(self.db, savepoint=False):
            keys = list(self.order_by().values_list("pk", *[o._meta.pk.name for o in owners]))
            # (table, its primary key, its new values, the column of ``keys`` with its keys)
            writes = [(opts.table, opts.pk, values, 0)] if values else []
            writes += [
                (o._meta.table, o._meta.pk, parent_values[o], i)
                for i, o in enumerate(owners, start=1)
            ]
            counts: list[int] = []
            for table, pk, new, column in writes:
                pkcol = table.c[pk.column]
                n = 0
                for start in range(0, len(keys), 500):
                    chunk = [row[column] for row in keys[start : start + 500]]
                    _, c, _ = self.db._run(table.update().where(pkcol.in_(chunk)).values(new))
                    n += int(c)
                counts.append(n)
        return counts[0] if counts else 0

    _update = update

    def _where_for_write(self, stmt: Any) -> Any:
        q = self._query
        opts = self.model._meta
        if not q.joins and not q.having and not q.distinct:
            return stmt.where(*q.where) if q.where else stmt
        pkcol = opts.table.c[opts.pk.column]
        sub_q = q.clone()
        sub_q.order_by = []
        sub_q.values_names = ["pk"]
        sub_q.values_exprs = {"pk": Resolved(sub_q.root.c[opts.pk.column], opts.pk, False)}
        sub_q.annotation_order = []
        if self.db.vendor in ("mysql", "mariadb"):
            pks = [r[0] for r in self.db._fetch(sub_q.select_statement())]
            return stmt.where(pkcol.in_(pks)) if pks else stmt.where(sa.false())
        return stmt.where(pkcol.in_(sub_q.select_statement()))

    def delete(self) -> tuple[int, dict[str, int]]:
        """Delete the matching rows, applying ``on_delete`` and sending the signals."""
        from manouche.orm_lite._deletion import Collector

        if self._q.is_sliced or any(step[0] == "slice" for step in self._steps):
            raise TypeError("Cannot use 'limit' or 'offset' with delete().")
        if self._query.distinct:
            raise TypeError("Cannot call delete() after .distinct().")
        if self._kind != MODELS:
            raise TypeError("Cannot call delete() after .values() or .values_list()")
        self._not_combined("delete")
        if self._query.empty:
            return 0, {}
        collector = Collector(self.db, origin=self)
        # As Django: the rows are gone, so is what this QuerySet had read.
        self._result_cache = None
        if collector.can_fast_delete(self.model):
            stmt = self._where_for_write(self.model._meta.table.delete())
            _, n, _ = self.db._run(stmt)
            return (int(n), {self.model._meta.label: int(n)}) if n else (0, {})
        qs = self._clone()
        qs._query.order_by = []
        qs._query.select_related = False
        qs._prefetch_lookups = []
        collector.collect(list(qs))
        return collector.delete()

    delete.queryset_only = True  # type: ignore[attr-defined]

    def bulk_create(
        self,
        objs: Iterable[_M],
        batch_size: int | None = None,
        ignore_conflicts: bool = False,
        update_conflicts: bool = False,
        update_fields: Sequence[str] | None = None,
        unique_fields: Sequence[str] | None = None,
    ) -> list[_M]:
        """Insert many instances in few statements.

        Their primary keys are set where the database returns them (PostgreSQL,
        SQLite, MariaDB 10.5+).
        """
        from manouche.orm_lite._base import ModelState

        if batch_size is not None and batch_size <= 0:
            raise ValueError("Batch size must be a positive integer.")
        objs = list(objs)
        if not objs:
            return objs
        model = self.model
        opts = model._meta
        db = self.db
        table = opts.table
        pk = opts.pk
        pk_attname = pk.attname
        if opts.parents:
            raise ValueError("Can't bulk create a multi-table inherited model")
        fields = opts.concrete_fields
        with_pk: list[Any] = []
        without_pk: list[Any] = []
        add_with, add_without = with_pk.append, without_pk.append
        for obj in objs:
            if type(obj) is not model and not isinstance(obj, model):
                raise TypeError(f"bulk_create() expects {model.__name__} instances, got {obj!r}")
            if obj.__dict__.get(pk_attname) is None:
                add_without(obj)
            else:
                add_with(obj)
        can_return = (
            db.engine.dialect.insert_executemany_returning
            and not ignore_conflicts
            and not update_conflicts
        )
        for group, include_pk in ((with_pk, True), (without_pk, False)):
            if not group:
                continue
            gfields = [f for f in fields if include_pk or f is not pk]
            if not (ignore_conflicts or update_conflicts):
                # One multi-row INSERT per batch, compiled by hand, on the DBAPI cursor.
                values = _insert_values(group, gfields, db)
                returned = db._insert_many(
                    table,
                    [table.c[f.column] for f in gfields],
                    values,
                    None if include_pk or not can_return else table.c[pk.column],
                    batch_size,
                )
                for o, new_pk in zip(group, returned, strict=False):
                    o.__dict__[pk_attname] = new_pk
                continue
            rows = [
                {f.column: f._prep_save(f.pre_save(o, True), db) for f in gfields} for o in group
            ]
            stmt: Any = table.insert()
            if ignore_conflicts or update_conflicts:
                stmt = _conflict_insert(
                    db, table, ignore_conflicts, update_fields, unique_fields, opts
                )
            return_pks = not include_pk and can_return
            if return_pks:
                stmt = stmt.returning(table.c[pk.column], sort_by_parameter_order=True)
            size = batch_size or len(rows)
            for i in range(0, len(rows), size):
                chunk = rows[i : i + size]
                result_rows, _, _ = db._run(stmt, chunk)
                if return_pks:
                    for o, r in zip(group[i : i + size], result_rows, strict=True):
                        o.__dict__[pk.attname] = r[0]
        for o in objs:
            # As Django: the instances are now saved, in this database.
            state = o.__dict__.get("_state")
            if type(state) is ModelState:
                state.adding = False
                state.db = db
            else:
                o._state = ModelState(db, False)
        return objs

    def bulk_update(
        self, objs: Iterable[_M], fields: Sequence[str], batch_size: int | None = None
    ) -> int:
        """Update ``fields`` of many saved instances, a ``CASE`` statement per batch."""
        if batch_size is not None and batch_size <= 0:
            raise ValueError("Batch size must be a positive integer.")
        if not fields:
            raise ValueError("Field names must be given to bulk_update().")
        objs = list(objs)
        opts = self.model._meta
        flds = []
        for name in fields:
            f = opts.get_field(name)
            if not f.concrete or f.many_to_many:
                raise ValueError("bulk_update() can only be used with concrete fields.")
            if f.primary_key:
                raise ValueError("bulk_update() cannot be used with primary key fields.")
            flds.append(f)
        if not objs:
            return 0
        if any(o.pk is None for o in objs):
            raise ValueError("All bulk_update() objects must have a primary key set.")
        table = opts.table
        pkcol = table.c[opts.pk.column]
        size = batch_size or 500
        total = 0
        from manouche.orm_lite._database import Atomic

        with Atomic(self.db, savepoint=False):
            for i in range(0, len(objs), size):
                batch = objs[i : i + size]
                values = {}
                for f in flds:
                    col = table.c[f.column]
                    whens = [
                        (
                            pkcol == sa.literal(o.pk, type_=pkcol.type),
                            _value_expr(f, col, f.pre_save(o, False), self.db),
                        )
                        for o in batch
                    ]
                    values[f.column] = sa.case(*whens, else_=col)
                stmt = table.update().where(pkcol.in_([o.pk for o in batch])).values(values)
                _, n, _ = self.db._run(stmt)
                total += int(n)
        return total

    def raw(
        self,
        raw_query: str,
        params: Sequence[Any] | dict[str, Any] = (),
        translations: dict[str, str] | None = None,
    ) -> RawQuerySet:
        return RawQuerySet(raw_query, self.model, params, translations, self._db)


class _NoFast:
    pass


_NO_FAST = _NoFast()


_EXPLAIN_OPTION = re.compile(r"[\w-]+")
#: explain()'s formats per SQLAlchemy dialect name, and the backend's name for errors.
_EXPLAIN_FORMATS: dict[str, tuple[set[str], str]] = {
    "sqlite": (set(), "SQLite"),
    "postgresql": ({"JSON", "TEXT", "XML", "YAML"}, "PostgreSQL"),
    "mysql": ({"JSON", "TEXT"}, "MariaDB"),
}
_PG_EXPLAIN_OPTIONS = frozenset(
    {"ANALYZE", "BUFFERS", "COSTS", "GENERIC_PLAN", "MEMORY", "SETTINGS", "SUMMARY", "TIMING"}
    | {"VERBOSE", "WAL"}
)


def _with_known(rows: Iterator[Any], field: Any, instance: Any) -> Iterator[Any]:
    attname = field.attname
    cache = f"_{field.name}_cache"
    value = getattr(instance, field.target_field.attname)
    for obj in rows:
        data = obj.__dict__
        if cache not in data and data.get(attname) == value:
            data[cache] = instance
        yield obj


class _EmptyCheck(type):
    def __instancecheck__(cls, instance: Any) -> bool:
        if not isinstance(instance, QuerySet):
            return False
        query = instance._peek()
        return bool((query if query is not None else instance._query).empty)


class EmptyQuerySet(metaclass=_EmptyCheck):
    """What ``isinstance(qs, EmptyQuerySet)`` tells: ``qs`` is a ``none()`` queryset.

    As Django's: a marker class, never instantiated; a QuerySet made by ``none()``
    (and whatever is chained from it) is an instance of it, and matches no row.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("EmptyQuerySet can't be instantiated")


if TYPE_CHECKING:
    # The type checker sees a manager generic in its model, with the QuerySet methods
    # below; at run time the methods are QuerySet's own, proxied by from_queryset().
    _ManagerBase = BaseManager
else:
    _ManagerBase = BaseManager.from_queryset(QuerySet)


class Manager(_ManagerBase[_M]):
    """The default manager class: ``objects = models.Manager()``; ``Book.objects`` is a
    ``Manager[Book]`` and its queries are ``QuerySet[Book]``."""

    _queryset_class = QuerySet

    if TYPE_CHECKING:

        def get_queryset(self) -> QuerySet[_M]: ...
        def all(self) -> QuerySet[_M]: ...
        def none(self) -> QuerySet[_M]: ...
        def filter(self, *args: Any, **kwargs: Any) -> QuerySet[_M]: ...
        def exclude(self, *args: Any, **kwargs: Any) -> QuerySet[_M]: ...
        def complex_filter(self, filter_obj: Any) -> QuerySet[_M]: ...
        def order_by(self, *fields: Any) -> QuerySet[_M]: ...
        def distinct(self, *field_names: str) -> QuerySet[_M]: ...
        def select_related(self, *fields: str | None) -> QuerySet[_M]: ...
        def prefetch_related(self, *lookups: Any) -> QuerySet[_M]: ...
        def only(self, *fields: str) -> QuerySet[_M]: ...
        def defer(self, *fields: str | None) -> QuerySet[_M]: ...
        def annotate(self, *args: Any, **kwargs: Any) -> QuerySet[_M]: ...
        def alias(self, *args: Any, **kwargs: Any) -> QuerySet[_M]: ...
        def using(self, db: Database | None) -> QuerySet[_M]: ...
        def select_for_update(
            self,
            nowait: bool = False,
            skip_locked: bool = False,
            of: Sequence[str] = (),
            no_key: bool = False,
        ) -> QuerySet[_M]: ...
        def values(self, *fields: str, **expressions: Any) -> QuerySet[Any]: ...
        def values_list(
            self, *fields: str, flat: bool = False, named: bool = False
        ) -> QuerySet[Any]: ...
        def dates(self, field_name: str, kind: str, order: str = "ASC") -> QuerySet[Any]: ...
        def datetimes(self, field_name: str, kind: str, order: str = "ASC") -> QuerySet[Any]: ...
        def union(self, *other_qs: QuerySet[Any], all: bool = False) -> QuerySet[_M]: ...  # noqa: A002
        def intersection(self, *other_qs: QuerySet[Any]) -> QuerySet[_M]: ...
        def difference(self, *other_qs: QuerySet[Any]) -> QuerySet[_M]: ...
        def get(self, *args: Any, **kwargs: Any) -> _M: ...
        def first(self) -> _M | None: ...
        def last(self) -> _M | None: ...
        def earliest(self, *fields: str) -> _M: ...
        def latest(self, *fields: str) -> _M: ...
        def count(self) -> int: ...
        def exists(self) -> bool: ...
        def contains(self, obj: Model) -> bool: ...
        def aggregate(self, *args: Any, **kwargs: Any) -> dict[str, Any]: ...
        def iterator(self, chunk_size: int | None = None) -> Iterator[_M]: ...
        def in_bulk(
            self, id_list: Iterable[Any] | None = None, *, field_name: str = "pk"
        ) -> dict[Any, _M]: ...
        def create(self, **kwargs: Any) -> _M: ...
        def get_or_create(
            self, defaults: dict[str, Any] | None = None, **kwargs: Any
        ) -> tuple[_M, bool]: ...
        def update_or_create(
            self,
            defaults: dict[str, Any] | None = None,
            create_defaults: dict[str, Any] | None = None,
            **kwargs: Any,
        ) -> tuple[_M, bool]: ...
        def bulk_create(
            self,
            objs: Iterable[_M],
            batch_size: int | None = None,
            ignore_conflicts: bool = False,
            update_conflicts: bool = False,
            update_fields: Sequence[str] | None = None,
            unique_fields: Sequence[str] | None = None,
        ) -> list[_M]: ...
        def bulk_update(
            self, objs: Iterable[_M], fields: Sequence[str], batch_size: int | None = None
        ) -> int: ...
        def update(self, **kwargs: Any) -> int: ...

    def raw(
        self,
        raw_query: str,
        params: Sequence[Any] | dict[str, Any] = (),
        translations: dict[str, str] | None = None,
    ) -> RawQuerySet:
        """Model instances from your own SQL (``%s`` placeholders, as Django)."""
        return RawQuerySet(raw_query, self.model, params, translations, self._db)


def _check_expressions(method: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Refuse arguments that are not expressions, naming them, as Django does."""
    bad = [
        a
        for a in (*args, *kwargs.values())
        if not hasattr(a, "resolve") and not isinstance(a, Q | str)
    ]
    if bad:
        raise TypeError(
            f"QuerySet.{method}() received non-expression(s): {', '.join(str(b) for b in bad)}."
        )


def _over_no_rows(expression: Any) -> Any:
    """The value of an aggregate expression over no rows, without a query (``none()``):
    an aggregate's empty value (0 for Count, its default), through ``Coalesce``."""
    from manouche.orm_lite._expressions import Coalesce, Value

    if isinstance(expression, Aggregate):
        default = expression.empty_value
        return default.value if isinstance(default, Value) else default
    if isinstance(expression, Coalesce):
        for part in expression.expressions:
            value = _over_no_rows(part)
            if value is not None:
                return value
        return None
    if isinstance(expression, Value):
        return expression.value
    if expression is None or isinstance(expression, int | float | str):
        return expression
    return None


def _reads_only(expr: Any, table: Any) -> bool:
    """Whether the SQL expression ``expr`` reads no column but ``table``'s."""
    from sqlalchemy.sql import visitors

    for element in visitors.iterate(expr):
        owner = getattr(element, "table", None)
        if owner is not None and isinstance(element, sa.Column) and owner is not table:
            return False
        if isinstance(element, sa.sql.Select | sa.sql.selectable.ScalarSelect):
            return False
    return True


def _referenced_names(expression: Any, depth: int = 0) -> set[str]:
    """The names ``F()`` refers to inside ``expression`` (its attributes, walked)."""
    if depth > 20:
        return set()
    if isinstance(expression, F):
        return {expression.name.split("__")[0]}
    found: set[str] = set()
    items: Any = ()
    if isinstance(expression, list | tuple):
        items = expression
    elif isinstance(expression, Expression):
        items = vars(expression).values()
    for item in items:
        if isinstance(item, Expression | list | tuple):
            found |= _referenced_names(item, depth + 1)
    return found

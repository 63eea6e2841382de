"""Deleting rows the way Django does: ``on_delete`` behaviours, cascades, signals."""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from manouche.orm_lite import _signals as signals
from manouche.orm_lite._exceptions import ProtectedError, RestrictedError

if TYPE_CHECKING:
    from manouche.orm_lite._base import Model
    from manouche.orm_lite._database import Database
    from manouche.orm_lite._related import ForeignKey

CHUNK = 500


def CASCADE(collector: Collector, field: ForeignKey, sub_objs: list[Model]) -> None:  # noqa: N802
    """Delete the rows that point at a deleted row."""
    collector.collect(sub_objs)


def PROTECT(collector: Collector, field: ForeignKey, sub_objs: list[Model]) -> None:  # noqa: N802
    """Refuse to delete a row that other rows point at: ``ProtectedError``."""
    target = field.related_model.__name__ if field.related_model else "?"
    raise ProtectedError(
        f"Cannot delete some instances of model {target!r} because they are referenced "
        f"through a protected foreign key: '{type(sub_objs[0]).__name__}.{field.name}'",
        sub_objs,
    )


def RESTRICT(collector: Collector, field: ForeignKey, sub_objs: list[Model]) -> None:  # noqa: N802
    """As PROTECT, unless the pointing rows are deleted too through another CASCADE."""
    collector.restricted.append((field, sub_objs))


def SET(value: Any) -> Callable[[Collector, ForeignKey, list[Model]], None]:  # noqa: N802
    """Set the foreign key to ``value`` (or ``value()`` when callable)."""

    def set_on_delete(collector: Collector, field: ForeignKey, sub_objs: list[Model]) -> None:
        collector.field_updates.append((field, value() if callable(value) else value, sub_objs))

    set_on_delete.deconstruct = lambda: ("SET", (value,), {})  # type: ignore[attr-defined]
    set_on_delete.lazy_value = lambda field: value() if callable(value) else value  # type: ignore[attr-defined]
    return set_on_delete


def SET_NULL(collector: Collector, field: ForeignKey, sub_objs: list[Model]) -> None:  # noqa: N802
    """Set the foreign key to NULL (the field needs ``null=True``)."""
    collector.field_updates.append((field, None, sub_objs))


def SET_DEFAULT(collector: Collector, field: ForeignKey, sub_objs: list[Model]) -> None:  # noqa: N802
    """Set the foreign key to its default."""
    collector.field_updates.append((field, field.get_default(), sub_objs))


# SET_NULL, SET_DEFAULT and SET() need no rows in memory: one UPDATE ... WHERE fk IN (...)
# does it, without loading (or announcing) the pointing rows, as Django 4.2+.
SET_NULL.lazy_value = lambda field: None  # type: ignore[attr-defined]
SET_DEFAULT.lazy_value = lambda field: field.get_default()  # type: ignore[attr-defined]


def DO_NOTHING(collector: Collector, field: ForeignKey, sub_objs: list[Model]) -> None:  # noqa: N802
    """Leave the rows alone (the database's own constraint decides)."""


def _chunks(items: list[Any]) -> Iterable[list[Any]]:
    for i in range(0, len(items), CHUNK):
        yield items[i : i + CHUNK]


def _sends_signals(model: type[Model]) -> bool:
    # As Django: rows of a model with delete receivers (auto-created through models
    # included) are loaded and announced one by one instead of deleted in bulk.
    if not (signals.pre_delete.receivers or signals.post_delete.receivers):
        return False
    return signals.pre_delete.has_listeners(model) or signals.post_delete.has_listeners(model)


class Collector:
    """Gathers every row a delete reaches, then deletes children before parents."""

    def __init__(self, db: Database, origin: Any = None) -> None:
        self.db = db
        #: What ``delete()`` was called on (an instance or a QuerySet), sent as ``origin``.
        self.origin = origin
        self.data: dict[type[Model], dict[Any, Model]] = {}
        self.order: list[type[Model]] = []
        #: {model: models whose rows must be deleted after its rows} (they are referenced).
        self.before: dict[type[Model], set[type[Model]]] = {}
        self.field_updates: list[tuple[ForeignKey, Any, list[Model]]] = []
        self.restricted: list[tuple[ForeignKey, list[Model]]] = []
        # (field, value, condition): SET_NULL/SET_DEFAULT/SET updates done in one statement.
        self.lazy_updates: list[tuple[Any, Any, Any]] = []
        # (model, condition) deleted with one statement, without loading rows.
        self.fast_deletes: list[tuple[type[Model], Any]] = []
        #: ``delete(keep_parents=True)``: a multi-table child's parent rows stay.
        self.keep_parents = False
        #: The model of the rows ``delete()`` was called for (named by ``RestrictedError``).
        self.root_model: type[Model] | None = None

    def _add(self, objs: Iterable[Model]) -> list[Model]:
        new: list[Model] = []
        for obj in objs:
            model = type(obj)
            bucket = self.data.setdefault(model, {})
            if obj.pk not in bucket:
                bucket[obj.pk] = obj
                new.append(obj)
        if new:
            model = type(new[0])
            if model in self.order:
                self.order.remove(model)
            self.order.append(model)
        return new

    def can_fast_delete(self, model: type[Model], from_field: Any = None) -> bool:
        if _sends_signals(model):
            return False
        if any(link is not from_field for link in model._meta.parents.values()):
            # A multi-table child's parent row goes too (unless reached through its link).
            return False
        return all(
            rel.on_delete is DO_NOTHING or rel.many_to_many for rel in model._meta.related_objects
        ) and not any(m2m.through is not None for m2m in model._meta.local_many_to_many)

    def _delete_order(self) -> list[type[Model]]:
        """The collected models in the order their rows are deleted: referencing rows
        (cascaded relations, multi-table children) before the rows they reference."""
        return _topological(list(reversed(self.order)), self.before)

    def collect(self, objs: Iterable[Model]) -> None:
        new = self._add(objs)
        if not new:
            return
        model = type(new[0])
        if self.root_model is None:
            self.root_model = model
        # As Django: every protected relation of these rows is named in one error.
        protected: dict[str, list[Model]] = {}
        for rel in model._meta.related_objects:
            if rel.many_to_many:
                continue
            field: Any = rel.field
            on_delete = field.on_delete
            if on_delete is DO_NOTHING:
                continue
            related = rel.related_model
            col = related._meta.table.c[field.column]
            target_values = [getattr(o, field.target_field.attname) for o in new]
            lazy_value = getattr(on_delete, "lazy_value", None)
            if lazy_value is not None:
                value = field.get_prep_value(lazy_value(field))
                for chunk in _chunks(target_values):
                    self.lazy_updates.append((field, value, col.in_(chunk)))
                continue
            if on_delete is CASCADE and self.can_fast_delete(related, field):
                for chunk in _chunks(target_values):
                    self.fast_deletes.append((related, col.in_(chunk)))
                continue
            for chunk in _chunks(target_values):
                sub = list(
                    related._base_manager.using(self.db).filter(**{f"{field.name}__in": chunk})
                )
                if sub:
                    self.before.setdefault(related, set()).add(model)
                    try:
                        on_delete(self, field, sub)
                    except ProtectedError as error:
                        key = f"'{field.model.__name__}.{field.name}'"
                        protected.setdefault(key, []).extend(error.protected_objects)
        if protected:
            raise ProtectedError(
                f"Cannot delete some instances of model {model.__name__!r} because they are "
                f"referenced through protected foreign keys: {', '.join(protected)}.",
                [obj for objs in protected.values() for obj in objs],
            )
        if model._meta.parents and not self.keep_parents:
            # A multi-table child's ancestors' rows go too (each parent collects its own
            # parents), deleted after the child's rows.
            for parent in model._meta.parents:
                self.before.setdefault(model, set()).add(parent)
                names = parent._meta.init_attnames
                self.collect(
                    [
                        parent.from_db(self.db, names, [o.__dict__.get(a) for a in names])
                        for o in new
                    ]
                )
            self.order.remove(model)
            self.order.append(model)

    def delete(self) -> tuple[int, dict[str, int]]:
        from manouche.orm_lite._database import Atomic

        collected = {(m, pk) for m, objs in self.data.items() for pk in objs}
        _restricted_check(self, collected)
        counts: dict[str, int] = {}
        db = self.db
        with Atomic(db, savepoint=False):
            for model in self.order:
                if _sends_signals(model) and not model._meta.auto_created:
                    for obj in self.data[model].values():
                        signals.pre_delete.send(model, instance=obj, using=db, origin=self.origin)
            for field, value, cond in self.lazy_updates:
                table = field.model._meta.table
                db._run(table.update().where(cond).values({field.column: value}))
            for field, value, objs in self.field_updates:
                live = [o for o in objs if (type(o), o.pk) not in collected]
                if not live:
                    continue
                model = field.model
                table = model._meta.table
                pkcol = table.c[model._meta.pk.column]
                for chunk in _chunks([o.pk for o in live]):
                    db._run(table.update().where(pkcol.in_(chunk)).values({field.column: value}))
                for o in live:
                    o.__dict__[field.attname] = value
                    o.__dict__.pop(f"_{field.name}_cache", None)
            for model, cond in reversed(self.fast_deletes):
                _, n, _ = db._run(model._meta.table.delete().where(cond))
                if n:
                    counts[model._meta.label] = counts.get(model._meta.label, 0) + n
            for model in self._delete_order():
                table = model._meta.table
                pkcol = table.c[model._meta.pk.column]
                total = 0
                for chunk in _chunks(list(self.data[model])):
                    _, n, _ = db._run(table.delete().where(pkcol.in_(chunk)))
                    total += n
                counts[model._meta.label] = counts.get(model._meta.label, 0) + total
            for model in self.order:
                if _sends_signals(model) and not model._meta.auto_created:
                    for obj in self.data[model].values():
                        signals.post_delete.send(model, instance=obj, using=db, origin=self.origin)
        for model, found in self.data.items():
            attname = model._meta.pk.attname
            for obj in found.values():
                obj.__dict__[attname] = None
        counts = {k: v for k, v in counts.items() if v}
        return sum(counts.values()), counts


def _restricted_check(collector: Collector, collected: set[tuple[Any, Any]]) -> None:
    """``RestrictedError`` for the RESTRICT-ed rows no CASCADE deletes as well."""
    restricted: dict[str, list[Model]] = {}
    for field, objs in collector.restricted:
        left = [o for o in objs if (type(o), o.pk) not in collected]
        if left:
            # Rows deleted in bulk (a fast delete's condition) are deleted too.
            model = type(left[0])
            table = model._meta.table
            pkcol = table.c[model._meta.pk.column]
            conds = [cond for fast_model, cond in collector.fast_deletes if fast_model is model]
            if conds:
                stmt = sa.select(pkcol).where(pkcol.in_([o.pk for o in left]), sa.or_(*conds))
                gone = {row[0] for row in collector.db._run(stmt)[0]}
                left = [o for o in left if o.pk not in gone]
        if left:
            key = f"'{field.model.__name__}.{field.name}'"
            restricted.setdefault(key, []).extend(left)
    if restricted:
        root = collector.root_model.__name__ if collector.root_model else "?"
        raise RestrictedError(
            f"Cannot delete some instances of model {root!r} because they are referenced "
            f"through restricted foreign keys: {', '.join(restricted)}.",
            [obj for objs in restricted.values() for obj in objs],
        )


def _topological(models: list[Any], before: dict[Any, set[Any]]) -> list[Any]:
    """``models`` ordered so that each comes before the ones ``before`` names for it,
    otherwise in their given order; a cycle is broken at its earliest model."""
    rank = {m: i for i, m in enumerate(models)}
    waiting = dict.fromkeys(models, 0)
    after: dict[Any, list[Any]] = {m: [] for m in models}
    for first, thens in before.items():
        if first not in rank:
            continue
        for then in thens:
            if then in rank and then is not first:
                after[first].append(then)
                waiting[then] += 1
    ready = [rank[m] for m in models if not waiting[m]]
    heapq.heapify(ready)
    out: list[Any] = []
    done: set[Any] = set()
    while len(out) < len(models):
        if ready:
            model = models[heapq.heappop(ready)]
        else:  # a cycle (rows of two models pointing at each other): given order
            model = next(m for m in models if m not in done)
        if model in done:
            continue
        done.add(model)
        out.append(model)
        for then in after[model]:
            waiting[then] -= 1
            if not waiting[then]:
                heapq.heappush(ready, rank[then])
    return out


def delete_where(db: Database, model: type[Model], condition: Any) -> int:
    _, n, _ = db._run(
        model._meta.table.delete().where(condition if condition is not None else sa.true())
    )
    return int(n)

"""``prefetch_related``: the related rows of many instances in one query per level."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from manouche.orm_lite._exceptions import FieldDoesNotExist
from manouche.orm_lite._query import LOOKUP_SEP
from manouche.orm_lite._rows import MODELS

if TYPE_CHECKING:
    from manouche.orm_lite._base import Model
    from manouche.orm_lite._queryset import QuerySet


class Prefetch:
    """A ``prefetch_related`` lookup with its own QuerySet and, optionally, ``to_attr``."""

    def __init__(
        self, lookup: str, queryset: QuerySet[Any] | None = None, to_attr: str | None = None
    ) -> None:
        self.prefetch_through = lookup
        self.prefetch_to = (
            LOOKUP_SEP.join([*lookup.split(LOOKUP_SEP)[:-1], to_attr]) if to_attr else lookup
        )
        self.queryset = queryset
        self.to_attr = to_attr
        if queryset is not None and queryset._kind != MODELS:
            raise ValueError("Prefetch querysets cannot use raw(), values(), and values_list().")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Prefetch) and self.prefetch_to == other.prefetch_to

    def __hash__(self) -> int:
        return hash((type(self), self.prefetch_to))


def _find_relation(model: type[Model], name: str) -> Any:
    for rel in model._meta.related_objects:
        if not rel.hidden and rel.get_accessor_name() == name:
            return rel
    try:
        f = model._meta.get_field(name)
    except FieldDoesNotExist:
        f = None
    if f is None or not f.is_relation:
        raise AttributeError(
            f"Cannot find {name!r} on {model.__name__} object, {name!r} is an invalid "
            "parameter to prefetch_related()"
        )
    return f


def prefetch_related_objects(instances: Sequence[Any], *lookups: Any) -> None:
    """Load the relations named by ``lookups`` for all ``instances`` in one query per level."""
    if not instances:
        return
    done: set[str] = set()
    for lookup in lookups:
        lk = lookup if isinstance(lookup, Prefetch) else Prefetch(lookup)
        if lk.prefetch_to in done:
            raise ValueError(
                f"'{lk.prefetch_to}' lookup was already seen with a different queryset."
            )
        done.add(lk.prefetch_to)
        parts = lk.prefetch_through.split(LOOKUP_SEP)
        objs: list[Any] = list(instances)
        for level, name in enumerate(parts):
            if not objs:
                break
            last = level == len(parts) - 1
            objs = _prefetch_one(objs, name, lk if last else None)


def _prefetch_one(objs: list[Any], name: str, lk: Prefetch | None) -> list[Any]:
    model = type(objs[0])
    rel = _find_relation(model, name)
    qs = lk.queryset if lk is not None and lk.queryset is not None else None
    to_attr = lk.to_attr if lk is not None else None
    db = objs[0]._state.db
    # Already fetched by an earlier lookup (e.g. "books" before "books__tags").
    if to_attr is None:
        cached_all = all(name in o.__dict__.get("_prefetched_objects_cache", {}) for o in objs)
        if cached_all and qs is None and (rel.many_to_many or rel.one_to_many):
            out: list[Any] = []
            for o in objs:
                out.extend(o.__dict__["_prefetched_objects_cache"][name])
            return out
    if not rel.auto_created and (rel.many_to_one or rel.one_to_one):
        target = rel.related_model
        tf = rel.target_field
        keys = {o.__dict__.get(rel.attname) for o in objs} - {None}
        base = qs if qs is not None else target._base_manager.get_queryset().using(db)
        found = list(base.filter(**{f"{tf.attname}__in": list(keys)})) if keys else []
        by_key = {getattr(r, tf.attname): r for r in found}
        for o in objs:
            value = by_key.get(o.__dict__.get(rel.attname))
            if to_attr:
                o.__dict__[to_attr] = value
            else:
                o.__dict__[f"_{rel.name}_cache"] = value
        return found
    if rel.auto_created and rel.one_to_one:
        target = rel.related_model
        field = rel.field
        base = qs if qs is not None else target._base_manager.get_queryset().using(db)
        values = [getattr(o, field.target_field.attname) for o in objs]
        found = list(base.filter(**{f"{field.attname}__in": values}))
        by_key = {getattr(r, field.attname): r for r in found}
        for o in objs:
            value = by_key.get(getattr(o, field.target_field.attname))
            o.__dict__[to_attr or f"_{rel.get_accessor_name()}_cache"] = value
        return found
    if rel.many_to_many:
        if rel.auto_created:
            m2m = rel.field
            target = m2m.model
            back = m2m.name
            accessor = rel.get_accessor_name()
            src_name = m2m.m2m_reverse_field_name()
            dst_name = m2m.m2m_field_name()
        else:
            m2m = rel
            target = m2m.related_model
            accessor = m2m.name
            src_name = m2m.m2m_field_name()
            dst_name = m2m.m2m_reverse_field_name()
            back = None
        pks = [o.pk for o in objs]
        # From the related side back to these objects: one query joining the through
        # table, each row tagged with the pk of the object it belongs to (as Django's).
        back_name = m2m.name if rel.auto_created else m2m.remote_field.name
        if not getattr(m2m, "symmetrical", False) and not back_name.endswith("+"):
            from manouche.orm_lite._expressions import F

            base = qs if qs is not None else target._default_manager.get_queryset().using(db)
            tag = "_prefetch_related_source"
            found = list(base.filter(**{f"{back_name}__in": pks}).annotate(**{tag: F(back_name)}))
            grouped_m2m: dict[Any, list[Any]] = {}
            for r in found:
                grouped_m2m.setdefault(getattr(r, tag), []).append(r)
            for o in objs:
                items = grouped_m2m.get(o.pk, [])
                _store(o, accessor, items, to_attr, base, getattr(type(o), accessor, None))
            return found
        through = m2m.through
        src_att = through._meta.get_field(src_name).attname
        dst_att = through._meta.get_field(dst_name).attname
        pairs = list(
            through._base_manager.using(db)
            .filter(**{f"{src_att}__in": pks})
            .values_list(src_att, dst_att)
        )
        del back
        base = qs if qs is not None else target._default_manager.get_queryset().using(db)
        related = (
            {r.pk: r for r in base.filter(pk__in=list({p[1] for p in pairs}))} if pairs else {}
        )
        order = {pk: i for i, pk in enumerate(related)}
        groups: dict[Any, list[Any]] = {}
        for src, dst in pairs:
            if dst in related:
                groups.setdefault(src, []).append(related[dst])
        for o in objs:
            items = sorted(groups.get(o.pk, []), key=lambda r: order[r.pk])
            _store(o, accessor, items, to_attr, base, getattr(type(o), accessor, None))
        return list(related.values())
    # reverse foreign key
    target = rel.related_model
    field = rel.field
    accessor = rel.get_accessor_name()
    base = qs if qs is not None else target._default_manager.get_queryset().using(db)
    values = list({getattr(o, field.target_field.attname) for o in objs} - {None})
    found = list(base.filter(**{f"{field.attname}__in": values})) if values else []
    grouped: dict[Any, list[Any]] = {}
    for r in found:
        grouped.setdefault(r.__dict__.get(field.attname), []).append(r)
    for o in objs:
        items = grouped.get(getattr(o, field.target_field.attname), [])
        if not to_attr:
            for r in items:
                r.__dict__[f"_{field.name}_cache"] = o
        _store(o, accessor, items, to_attr, base, None)
    return found


def _store(
    obj: Any,
    accessor: str,
    items: list[Any],
    to_attr: str | None,
    base: QuerySet[Any],
    descriptor: Any,
) -> None:
    if to_attr:
        obj.__dict__[to_attr] = items
        return
    manager = getattr(obj, accessor)
    qs = manager.get_queryset()
    qs._result_cache = items
    qs._prefetch_done = True
    obj.__dict__.setdefault("_prefetched_objects_cache", {})[accessor] = qs

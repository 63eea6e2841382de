"""What deleting some rows takes with it, for the confirmation page.

Walks the foreign keys pointing at the model through the SQLAlchemy
metadata: rows whose key is declared ``CASCADE`` (orm-lite's
``on_delete=CASCADE``, a SQLAlchemy ``ondelete="CASCADE"`` or a relationship
with ``cascade="delete"``) are listed as deleted too, recursively; rows
behind ``PROTECT``/``RESTRICT`` (or a key that cannot be set to NULL) block
the delete and are listed as such. Nothing is deleted here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from manouche.adminkit._meta import Opts, capfirst, opts_of
from manouche.adminkit._store import is_orm_lite

if TYPE_CHECKING:
    from manouche.adminkit._store import Store

#: Rows read per related model at most; the page says how many more there are.
LIMIT = 100


@dataclass
class Collected:
    #: [(verbose name plural, count, [objects shown])]
    deleted: list[tuple[str, int, list[Any]]] = field(default_factory=list)
    protected: list[tuple[str, int, list[Any]]] = field(default_factory=list)


def _references(opts: Opts) -> list[tuple[Any, Any, Any, str]]:
    """(referencing model, its column, the referenced column, rule) for keys to ``opts``."""
    table = opts.model.__table__
    found = []
    if is_orm_lite(opts.model):
        for rel in opts.model._meta.related_objects:
            if getattr(rel, "many_to_many", False):
                continue
            fk = rel.field
            rule = getattr(fk.on_delete, "__name__", "CASCADE")
            related = rel.related_model
            column = related.__table__.c[fk.column]
            target = next(iter(column.foreign_keys)).column
            found.append((related, column, target, rule))
        return found
    mapper = sa.inspect(opts.model, raiseerr=False)
    cascading: set[Any] = set()
    if mapper is not None:
        for rel in mapper.relationships:
            if rel.direction.name == "ONETOMANY" and rel.cascade.delete:
                cascading.update(rel.remote_side)
    registry = getattr(opts.model, "registry", None)
    for other in getattr(registry, "mappers", ()):
        other_table = getattr(other.class_, "__table__", None)
        if other_table is None:
            continue
        for column in other_table.columns:
            for fk in column.foreign_keys:
                if fk.column.table is not table:
                    continue
                rule = (fk.ondelete or "").upper()
                if column in cascading or rule == "CASCADE":
                    rule = "CASCADE"
                elif rule in ("SET NULL", "SET DEFAULT") or column.nullable:
                    rule = "SET_NULL"
                else:
                    rule = "PROTECT"
                found.append((other.class_, column, fk.column, rule))
    return found


def collect(store: Store, opts: Opts, objs: list[Any], depth: int = 0) -> Collected:
    result = Collected()
    _walk(store, opts, objs, result, depth, set())
    return result


def _walk(
    store: Store, opts: Opts, objs: list[Any], result: Collected, depth: int, seen: set[Any]
) -> None:
    if not objs or depth > 8:
        return
    for model, column, target, rule in _references(opts):
        if rule in ("DO_NOTHING", "SET_NULL", "SET_DEFAULT", "SET"):
            continue
        related = opts_of(model)
        target_attr = next((f.attname for f in opts.info.fields if f.column is target), target.key)
        keys = [getattr(o, target_attr) for o in objs]
        keys = [k for k in keys if k is not None]
        if not keys:
            continue
        where = column.in_(keys)
        count = int(
            store.scalar(
                model, sa.select(sa.func.count()).select_from(model.__table__).where(where)
            )
            or 0
        )
        if not count:
            continue
        shown = store.instances(
            model, sa.select(model.__table__).where(where).order_by(related.pk_column).limit(LIMIT)
        )
        entry = (capfirst(related.verbose_name_plural), count, shown)
        if rule in ("PROTECT", "RESTRICT"):
            result.protected.append(entry)
            continue
        key = (model, tuple(sorted(str(k) for k in keys)))
        if key in seen:
            continue
        seen.add(key)
        result.deleted.append(entry)
        _walk(store, related, shown, result, depth + 1, seen)

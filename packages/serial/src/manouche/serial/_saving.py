"""Writing deserialized objects with SQLAlchemy Core, in batches.

Django's raw save: a row whose pk exists is updated, any other inserted.
Objects of one model are written together: one SELECT finds the pks that
exist, one executemany UPDATE and one executemany INSERT write them, and the
many-to-many rows of the batch are replaced in two statements.

As Django's raw saves, each object of a model class sends ``pre_save`` and
``post_save`` with ``raw=True`` (``created`` says whether it was inserted):
receivers use ``raw`` to skip their work during fixture loads. The signals of
a batch go together: every ``pre_save`` before its statements, every
``post_save`` after them. Nothing is built or sent when no receiver listens.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from manouche.signals import post_save, pre_save

if TYPE_CHECKING:
    from manouche.serial._base import DeserializedObject
    from manouche.serial._models import ModelSpec

# Bound parameters per IN list, under every backend's limit.
IN_CHUNK = 500


# Django fills a missing string field with "" (``Field.get_default`` when nulls are not allowed).
_STRING_KINDS = frozenset(
    {"CharField", "TextField", "SlugField", "EmailField", "URLField", "FilePathField", "FileField"}
)


def _missing_defaults(spec: ModelSpec, row: dict[str, Any]) -> None:
    """Fields a fixture leaves out get the model's default, as ``Model(**data)`` gives them."""
    for f in spec.fields:
        key = f.column.key
        if key in row:
            continue
        if "default" in f.column.info:
            default = f.column.info["default"]
            row[key] = default() if callable(default) else default
        elif f.kind in _STRING_KINDS and not f.column.nullable and f.column.default is None:
            row[key] = ""


def save_objects(
    conn: sa.Connection,
    objs: Sequence[DeserializedObject],
    save_m2m: bool = True,
    *,
    using: Any = None,
    send_signals: bool = True,
    force_insert: bool = False,
) -> None:
    """Save ``objs`` (any models, in order) on ``conn``; consecutive ones of a model go together.

    ``force_insert``: INSERT every row, an existing pk being the database's integrity error.

    ``using`` is what the signals name as the database (the caller's ``using=``;
    ``conn`` when not given).
    """
    start = 0
    while start < len(objs):
        spec = objs[start].spec
        end = start + 1
        while end < len(objs) and objs[end].spec is spec:
            end += 1
        batch = objs[start:end]
        sender = spec.model
        signalled = send_signals and sender is not None
        if signalled and pre_save.has_receivers_for(sender):
            for o in batch:
                pre_save.send(
                    sender, instance=o.object, raw=True, using=using or conn, update_fields=None
                )
        inserted = _save_batch(conn, spec, batch, save_m2m, force_insert)
        if signalled and post_save.has_receivers_for(sender):
            for o in batch:
                post_save.send(
                    sender,
                    instance=o.object,
                    created=id(o) in inserted,
                    update_fields=None,
                    raw=True,
                    using=using or conn,
                )
        start = end


def _save_batch(
    conn: sa.Connection,
    spec: ModelSpec,
    objs: Sequence[DeserializedObject],
    save_m2m: bool,
    force_insert: bool = False,
) -> set[int]:
    """Write ``objs``; returns the ``id()`` of those that were inserted."""
    table = spec.table
    pk_col = spec.pk.column
    pk_key = pk_col.key
    rows = [o.row() for o in objs]
    preps = [(f.column.key, f.to_db) for f in spec.fields if f.to_db is not None]
    for key, prep in preps:
        # A model field's own write conversion, as Django's raw save applies it.
        for r in rows:
            if r.get(key) is not None:
                r[key] = prep(r[key], None)
    with_pk = [r for r in rows if r.get(pk_key) is not None]
    existing: set[Any] = set()
    pks = [] if force_insert else [r[pk_key] for r in with_pk]
    for i in range(0, len(pks), IN_CHUNK):
        existing.update(
            conn.execute(sa.select(pk_col).where(pk_col.in_(pks[i : i + IN_CHUNK]))).scalars()
        )
    updates: list[dict[str, Any]] = []
    inserts: list[dict[str, Any]] = []
    inserted: set[int] = set()
    for o, r in zip(objs, rows, strict=True):
        pk = r.get(pk_key)
        if pk is None or pk not in existing:
            inserted.add(id(o))
    for r in with_pk:
        (updates if r[pk_key] in existing else inserts).append(r)
    if updates:
        # One statement per set of columns (fixtures may omit fields).
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for r in updates:
            groups.setdefault(tuple(sorted(r)), []).append(r)
        for keys, group in groups.items():
            cols = [k for k in keys if k != pk_key]
            if not cols:
                continue
            stmt = (
                table.update()
                .where(pk_col == sa.bindparam("_pk"))
                .values({k: sa.bindparam("_v_" + k) for k in cols})
            )
            conn.execute(
                stmt, [{"_pk": r[pk_key], **{"_v_" + k: r[k] for k in cols}} for r in group]
            )
    if inserts:
        groups = {}
        for r in inserts:
            _missing_defaults(spec, r)
            groups.setdefault(tuple(sorted(r)), []).append(r)
        for group in groups.values():
            conn.execute(table.insert(), group)
    for o, r in zip(objs, rows, strict=True):
        if r.get(pk_key) is None:
            _missing_defaults(spec, r)
            r.pop(pk_key, None)
            result = conn.execute(table.insert().values(r))
            pk = result.inserted_primary_key[0] if result.inserted_primary_key else None
            o.data[spec.pk.attr] = pk
            if o._object is not None:
                setattr_any(o._object, spec.pk.attr, pk)
    if save_m2m:
        _save_m2m(conn, spec, objs)
    return inserted


def setattr_any(obj: Any, attr: str, value: Any) -> None:
    if isinstance(obj, dict):
        obj[attr] = value
    else:
        setattr(obj, attr, value)


def _save_m2m(conn: sa.Connection, spec: ModelSpec, objs: Sequence[DeserializedObject]) -> None:
    for m in spec.m2m:
        owners = [(o.pk, o.m2m_data[m.name]) for o in objs if m.name in o.m2m_data]
        if not owners:
            continue
        pks = [pk for pk, _ in owners]
        for i in range(0, len(pks), IN_CHUNK):
            conn.execute(m.through.delete().where(m.source.in_(pks[i : i + IN_CHUNK])))
        pairs = []
        for pk, values in owners:
            seen = set()
            for v in values:
                if v not in seen:
                    seen.add(v)
                    pairs.append({m.source.key: pk, m.target.key: v})
        if pairs:
            conn.execute(m.through.insert(), pairs)

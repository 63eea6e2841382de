"""Bulk write values: INSERT rows prepared per field list, conflict clauses, CASE updates."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from manouche.orm_lite._exceptions import FieldError
from manouche.orm_lite._expressions import Expression

if TYPE_CHECKING:
    from manouche.orm_lite._database import Database


def _value_expr(f: Any, col: Any, value: Any, db: Database | None = None) -> Any:
    if isinstance(value, Expression):
        raise FieldError("bulk_update() does not accept expressions in orm-lite")
    return sa.literal(f._prep_save(value, db), type_=col.type)


def _conflict_insert(
    db: Database,
    table: Any,
    ignore: bool,
    update_fields: Sequence[str] | None,
    unique_fields: Sequence[str] | None,
    opts: Any,
) -> Any:
    vendor = db.vendor
    stmt: Any

    def cols_for(names: Sequence[str]) -> list[str]:
        return [opts.get_field(n).column for n in names]

    if vendor == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        stmt = pg_insert(table)
    elif vendor == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as lite_insert

        stmt = lite_insert(table)
    else:
        from sqlalchemy.dialects.mysql import insert as my_insert

        stmt = my_insert(table)
        if ignore:
            return stmt.prefix_with("IGNORE")
        upd = {c: stmt.inserted[c] for c in cols_for(update_fields or [])}
        return stmt.on_duplicate_key_update(upd)
    if ignore:
        return stmt.on_conflict_do_nothing()
    if not update_fields or not unique_fields:
        raise ValueError("update_conflicts=True needs update_fields and unique_fields")
    return stmt.on_conflict_do_update(
        index_elements=cols_for(unique_fields),
        set_={c: stmt.excluded[c] for c in cols_for(update_fields)},
    )


def _insert_values(
    objs: Sequence[Any], fields: Sequence[Any], db: Database | None = None
) -> list[tuple[Any, ...]]:
    """The prepared column values of ``objs`` for an INSERT (``pre_save`` where it matters)."""
    if not fields:
        return [() for _ in objs]
    key = tuple(fields)
    build = _inserters.get(key)
    if build is None:
        build = _inserter(key)
    result: list[tuple[Any, ...]] = build(objs, db)
    return result


_inserters: dict[tuple[Any, ...], Any] = {}


def _inserter(fields: tuple[Any, ...]) -> Any:
    """A function preparing the INSERT values of ``fields`` for a list of instances, made once.

    The loop is written out per field: the value read from the instance (or its
    ``pre_save``), then ``get_prep_value`` unless the value is None or of a type
    the field would return unchanged (``Field.insert_passthrough``). Same values
    as calling ``get_prep_value(pre_save(obj, True))`` per field, without a call
    per value for the common types. A field class overriding ``get_db_prep_save`` or
    ``get_db_prep_value`` gets ``get_db_prep_save(value, db)`` for every value instead.
    """
    from manouche.orm_lite._fields import Field
    from manouche.orm_lite._related import ForeignKey

    plain_pre = Field.pre_save
    none_safe = (Field.get_prep_value, ForeignKey.get_prep_value)
    namespace: dict[str, Any] = {}
    lines = [
        "def build(objs, db):",
        "    out = []",
        "    append = out.append",
        "    for o in objs:",
        "        d = o.__dict__",
    ]
    for i, f in enumerate(fields):
        kind = type(f)
        namespace[f"p{i}"] = f.get_prep_value
        if kind.pre_save is plain_pre:
            lines.append(f"        v{i} = d.get({f.attname!r})")
        else:
            namespace[f"s{i}"] = f.pre_save
            lines.append(f"        v{i} = s{i}(o, True)")
        passthrough = f.insert_passthrough()
        if f._db_prep_hooks:
            namespace[f"p{i}"] = f.get_db_prep_save
            lines.append(f"        v{i} = p{i}(v{i}, db)")
        elif kind.get_prep_value not in none_safe:
            lines.append(f"        v{i} = p{i}(v{i})")
        elif passthrough:
            namespace[f"t{i}"] = frozenset(passthrough)
            lines.append(f"        if v{i} is not None and type(v{i}) not in t{i}:")
            lines.append(f"            v{i} = p{i}(v{i})")
        else:
            lines.append(f"        if v{i} is not None:")
            lines.append(f"            v{i} = p{i}(v{i})")
    values = ", ".join(f"v{i}" for i in range(len(fields)))
    lines.append(f"        append(({values},))")
    lines.append("    return out")
    exec(compile("\n".join(lines) + "\n", "<orm-lite insert values>", "exec"), namespace)  # noqa: S102
    if len(_inserters) > 256:
        _inserters.clear()
    found = _inserters[fields] = namespace["build"]
    return found

"""Autogenerate hooks: which tables belong to an app, how types render, renames, names.

Alembic compares the models' ``MetaData`` with a database and proposes
operations; these hooks narrow the comparison to one app, render orm-lite's
column types as plain SQLAlchemy types (so revision files import nothing
private), turn a dropped-and-added column into a rename when the user says
so, fill existing rows when a NOT NULL column with a default is added, and
name the revision as Django would (``initial``, ``book_pages``...).
"""

from __future__ import annotations

import datetime
import decimal
import re
from collections.abc import Callable, Iterator
from typing import Any

import sqlalchemy as sa
from alembic.autogenerate import renderers
from alembic.operations import ops
from sqlalchemy.dialects import mysql, postgresql, sqlite
from sqlalchemy.types import TypeDecorator, TypeEngine

#: ``questioner(table, old_column, new_column) -> bool``: was the column renamed?
#: Asked as ``questioner("", old_table, new_table)`` for a renamed model's table.
Questioner = Callable[[str, str, str], bool]

#: ``ask_default(table, column) -> value``: a one-off value for the existing rows of a
#: column that becomes NOT NULL (added, or altered from nullable) with no default.
DefaultAsker = Callable[[str, "sa.Column[Any]"], Any]

_DIALECTS: dict[str, Any] = {
    "sqlite": sqlite.dialect(),
    "postgresql": postgresql.dialect(),  # type: ignore[no-untyped-call]
    "mysql": mysql.dialect(),
}


def _owner(
    table: str, table_apps: dict[str, str], version_table: str, apps: set[str]
) -> str | None:
    if table == version_table:
        return None
    if table in table_apps:
        return table_apps[table]
    # A table no model claims (a deleted model): Django's naming tells its app.
    best = None
    for label in apps:
        if table.startswith(f"{label}_") and (best is None or len(label) > len(best)):
            best = label
    return best


def include_object_for(
    app: str | None, table_apps: dict[str, str], version_table: str
) -> Callable[..., bool]:
    """Alembic's ``include_object``: only the tables (and their parts) of ``app``."""
    apps = set(table_apps.values())
    if app is not None:
        apps.add(app)

    def include_object(
        obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
    ) -> bool:
        if type_ == "table":
            table = name or ""
        else:
            parent = getattr(obj, "table", None)
            if parent is None:
                return True
            table = parent.name
        owner = _owner(table, table_apps, version_table, apps)
        if app is None:
            return table != version_table
        return owner == app

    return include_object


# -- types --------------------------------------------------------------------------


def _plain_class(type_: TypeEngine[Any]) -> type[Any]:
    for cls in type(type_).__mro__:
        if cls.__module__.startswith("sqlalchemy.") and issubclass(cls, TypeEngine):
            return cls
    raise TypeError(
        f"Cannot render the column type {type_!r}: it is not built on an SQLAlchemy type"
    )


def _render_plain(type_: TypeEngine[Any], autogen_context: Any) -> str:
    cls = _plain_class(type_)
    text = repr(type_)
    text = cls.__name__ + text[text.index("(") :] if "(" in text else f"{cls.__name__}()"
    # Types nested in arguments (``astext_type=Text()``) need the ``sa.`` prefix too.
    text = re.sub(
        r"=(\w+)\(", lambda m: f"=sa.{m.group(1)}(" if hasattr(sa, m.group(1)) else m.group(0), text
    )
    module = cls.__module__
    if module.startswith("sqlalchemy.dialects."):
        dialect = module.split(".")[2]
        autogen_context.imports.add(f"from sqlalchemy.dialects import {dialect}")
        return f"{dialect}.{text}"
    return f"sa.{text}"


def render_type(type_: TypeDecorator[Any], autogen_context: Any) -> str:
    """A ``TypeDecorator`` as its plain type plus ``with_variant`` where a dialect differs."""
    generic = type_.impl_instance
    text = _render_plain(generic, autogen_context)
    for name, dialect in _DIALECTS.items():
        special = type_.load_dialect_impl(dialect)
        if isinstance(special, TypeDecorator):
            special = special.impl_instance
        if str(special.compile(dialect=dialect)) != str(generic.compile(dialect=dialect)):
            targets = "'mysql', 'mariadb'" if name == "mysql" else repr(name)
            text += f".with_variant({_render_plain(special, autogen_context)}, {targets})"
    return text


def render_variants(type_: TypeEngine[Any], autogen_context: Any) -> str:
    """A type with per-dialect variants; dialects sharing a variant are named together."""
    base = type_.__class__.__new__(type_.__class__)
    base.__dict__.update(type_.__dict__)
    base._variant_mapping = type_._variant_mapping.__class__()
    text = (
        render_type(base, autogen_context)
        if isinstance(base, TypeDecorator)
        else _render_plain(base, autogen_context)
    )
    grouped: dict[str, list[str]] = {}
    for dialect, variant in sorted(type_._variant_mapping.items()):
        grouped.setdefault(_render_plain(variant, autogen_context), []).append(dialect)
    for rendered, dialects in grouped.items():
        text += f".with_variant({rendered}, {', '.join(repr(d) for d in dialects)})"
    return text


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Alembic's ``render_item``: orm-lite's column types as plain SQLAlchemy types."""
    if type_ != "type" or not isinstance(obj, TypeEngine):
        return False
    if obj._variant_mapping:
        return render_variants(obj, autogen_context)
    if isinstance(obj, TypeDecorator):
        return render_type(obj, autogen_context)
    return False


# -- revision directives ------------------------------------------------------------


class RenameColumnOp(ops.AlterColumnOp):
    """A column rename whose reverse renames it back."""

    def reverse(self) -> RenameColumnOp:
        new_name = self.modify_name
        assert new_name is not None
        return RenameColumnOp(
            self.table_name,
            new_name,
            schema=self.schema,
            modify_name=self.column_name,
            existing_type=self.existing_type,
            existing_nullable=self.existing_nullable,
            existing_server_default=self.existing_server_default,
        )


def _same_kind(a: sa.Column[Any], b: sa.Column[Any]) -> bool:
    return a.nullable == b.nullable and a.type._type_affinity is b.type._type_affinity


def apply_renames(modify: ops.ModifyTableOps, questioner: Questioner) -> None:
    """Replace drop+add pairs of the same type by renames the questioner confirms."""
    drops = [o for o in modify.ops if isinstance(o, ops.DropColumnOp)]
    adds = [o for o in modify.ops if isinstance(o, ops.AddColumnOp)]
    for drop in drops:
        try:
            old_col = drop.to_column()
        except Exception:  # noqa: BLE001 - no reflected column to compare with
            continue
        for add in adds:
            if _same_kind(old_col, add.column) and questioner(
                modify.table_name, drop.column_name, add.column.name
            ):
                idx = modify.ops.index(drop)
                modify.ops[idx] = RenameColumnOp(
                    modify.table_name,
                    drop.column_name,
                    schema=modify.schema,
                    modify_name=add.column.name,
                    existing_type=add.column.type,
                    existing_nullable=add.column.nullable,
                )
                modify.ops.remove(add)
                adds.remove(add)
                break


def _literal_default(value: Any) -> str | None:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float | decimal.Decimal | str):
        return str(value)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat(" ") if isinstance(value, datetime.datetime) else value.isoformat()
    return None


class FillNullsOp(ops.MigrateOperation):
    """``UPDATE table SET column = value WHERE column IS NULL``, before the column becomes
    NOT NULL (Django fills the NULLs with the default first). Undone, it does nothing."""

    def __init__(self, table_name: str, column_name: str, value: Any) -> None:
        self.table_name = table_name
        self.column_name = column_name
        self.value = value

    def reverse(self) -> FillNullsOp:
        return self

    def to_diff_tuple(self) -> tuple[Any, ...]:
        return ("fill_nulls", self.table_name, self.column_name, self.value)


def _render_value(value: Any, autogen_context: Any) -> str:
    if isinstance(value, decimal.Decimal):
        autogen_context.imports.add("import decimal")
        return f"decimal.Decimal({str(value)!r})"
    if isinstance(value, datetime.date | datetime.time):
        autogen_context.imports.add("import datetime")
        return f"datetime.{value!r}"
    return repr(value)


@renderers.dispatch_for(FillNullsOp)
def _render_fill_nulls(autogen_context: Any, op: FillNullsOp) -> str:
    table, col = repr(op.table_name), repr(op.column_name)
    value = _render_value(op.value, autogen_context)
    return (
        f"_table = sa.table({table}, sa.column({col}))\n"
        f"op.execute(_table.update().where(_table.c[{col}].is_(None)).values({{{col}: {value}}}))"
    )


def strip_fills(container: ops.OpContainer) -> None:
    """No NULL filling on the way down (the rows keep their values)."""
    container.ops[:] = [op for op in container.ops if not isinstance(op, FillNullsOp)]


def _plain_value(value: Any) -> bool:
    return value is None or isinstance(
        value, bool | int | float | decimal.Decimal | str | datetime.date | datetime.time
    )


def _fill_value(
    metadata: sa.MetaData | None, table: str, column: str, ask: DefaultAsker | None
) -> tuple[bool, Any]:
    """The value for the existing rows of ``table.column``: its plain default, else asked."""
    model_table = metadata.tables.get(table) if metadata is not None else None
    if model_table is None or column not in model_table.c:
        return False, None
    col = model_table.c[column]
    if "default" in col.info and _plain_value(col.info["default"]):
        value = col.info["default"]
        if value is not None:
            return True, value
    if ask is None:
        return False, None
    return True, ask(table, col)


def fill_not_null(
    upgrade: ops.UpgradeOps,
    metadata: sa.MetaData | None = None,
    ask_default: DefaultAsker | None = None,
) -> None:
    """A column that becomes NOT NULL gets a value in the existing rows first.

    An added column gets its plain default (or a one-off value from ``ask_default``)
    as a temporary SQL default, dropped right after. A nullable column made NOT NULL
    gets its NULLs replaced by the default (or the one-off value) just before.
    """
    extra: list[tuple[int, ops.ModifyTableOps | FillNullsOp]] = []
    for i, op in enumerate(upgrade.ops):
        if not isinstance(op, ops.ModifyTableOps):
            continue
        drops: list[ops.AlterColumnOp] = []
        for sub in op.ops:
            if (
                isinstance(sub, ops.AlterColumnOp)
                and sub.modify_nullable is False
                and sub.existing_nullable
            ):
                found, value = _fill_value(metadata, op.table_name, sub.column_name, ask_default)
                if found:
                    extra.append((i, FillNullsOp(op.table_name, sub.column_name, value)))
                continue
            if not isinstance(sub, ops.AddColumnOp):
                continue
            col = sub.column
            if col.nullable or col.server_default is not None or col.primary_key:
                continue
            default = _literal_default(col.info.get("default"))
            if default is None and ask_default is not None:
                found, value = _fill_value(metadata, op.table_name, col.name, ask_default)
                default = _literal_default(value) if found else None
            if default is None:
                continue
            col.server_default = sa.DefaultClause(default)
            drops.append(
                ops.AlterColumnOp(
                    op.table_name,
                    col.name,
                    schema=op.schema,
                    modify_server_default=None,
                    existing_server_default=default,
                    existing_type=col.type,
                    existing_nullable=False,
                )
            )
        if drops:
            extra.append((i + 1, ops.ModifyTableOps(op.table_name, drops, schema=op.schema)))
    for offset, (pos, new_op) in enumerate(extra):
        upgrade.ops.insert(pos + offset, new_op)


def keep_equivalent_names(
    upgrade: ops.UpgradeOps,
    uniques: Callable[[str], set[tuple[str, ...]]],
    indexes: Callable[[str], set[tuple[tuple[str, ...], bool]]],
    auto_named: set[str],
) -> None:
    """An index or unique constraint named by orm-lite (``auto_named``) that the database
    has on the same columns under another name (revisions written before names were
    given, an ``ix_`` index, a unique made without a name) is the same object: it is not
    dropped and made again for its name.

    ``uniques(table)`` gives the column tuples of the table's unique constraints,
    ``indexes(table)`` the ``(columns, unique)`` of its indexes.
    """
    for op in upgrade.ops:
        if not isinstance(op, ops.ModifyTableOps):
            continue
        kept_uniques: set[tuple[str, ...]] = set()
        kept_indexes: set[tuple[tuple[str, ...], bool]] = set()
        for sub in list(op.ops):
            if isinstance(sub, ops.CreateUniqueConstraintOp) and sub.constraint_name in auto_named:
                cols = tuple(str(c) for c in sub.columns)
                if cols in uniques(op.table_name):
                    op.ops.remove(sub)
                    kept_uniques.add(cols)
            elif isinstance(sub, ops.CreateIndexOp) and sub.index_name in auto_named:
                key = (_index_columns(sub), bool(sub.unique))
                if key in indexes(op.table_name):
                    op.ops.remove(sub)
                    kept_indexes.add(key)
        for sub in list(op.ops):
            reverse = getattr(sub, "_reverse", None)
            if (
                isinstance(sub, ops.DropConstraintOp)
                and sub.constraint_type == "unique"
                and isinstance(reverse, ops.CreateUniqueConstraintOp)
                and tuple(str(c) for c in reverse.columns) in kept_uniques
            ) or (
                isinstance(sub, ops.DropIndexOp)
                and isinstance(reverse, ops.CreateIndexOp)
                and (_index_columns(reverse), bool(reverse.unique)) in kept_indexes
            ):
                op.ops.remove(sub)
    upgrade.ops[:] = [op for op in upgrade.ops if not isinstance(op, ops.ModifyTableOps) or op.ops]


def _index_columns(op: ops.CreateIndexOp) -> tuple[str, ...]:
    return tuple(c if isinstance(c, str) else str(getattr(c, "name", c)) for c in op.columns)


def compare_type(
    context: Any, inspected: Any, metadata: Any, inspected_type: Any, metadata_type: Any
) -> bool | None:
    """Alembic's ``compare_type``: SQLite's REAL (Django's ``FloatField``) is orm-lite's
    FLOAT there (both are REAL to SQLite); everything else is Alembic's comparison."""
    if (
        context.dialect.name == "sqlite"
        and inspected_type._type_affinity is sa.Float
        and metadata_type._type_affinity is sa.Float
    ):
        return False
    return None


def walk(ops_list: list[Any]) -> Iterator[Any]:
    for op in ops_list:
        yield op
        inner = getattr(op, "ops", None)
        if isinstance(inner, list):
            yield from walk(inner)


def referred_tables(upgrade: ops.UpgradeOps) -> set[str]:
    """Tables the new foreign keys of these operations point at."""
    found: set[str] = set()
    for op in walk(upgrade.ops):
        cols: list[Any] = []
        if isinstance(op, ops.CreateTableOp):
            cols = list(op.columns)
        elif isinstance(op, ops.AddColumnOp):
            cols = [op.column]
        elif isinstance(op, ops.CreateForeignKeyOp):
            found.add(op.referent_table)
        for c in cols:
            if isinstance(c, sa.Column):
                found.update(fk.target_fullname.split(".")[0] for fk in c.foreign_keys)
            elif isinstance(c, sa.ForeignKeyConstraint):
                found.update(el.target_fullname.split(".")[0] for el in c.elements)
    return found


def _op_name(op: Any) -> str:
    return str(
        getattr(op, "index_name", None) or getattr(op, "constraint_name", None) or "constraint"
    )


def describe(upgrade: ops.UpgradeOps, app: str) -> list[str]:
    """Short fragments naming what the operations do (``book_pages``, ``remove_book_isbn``)."""
    prefix = f"{app}_"

    def short(table: str) -> str:
        return table[len(prefix) :] if table.startswith(prefix) else table

    renamed = [op for op in upgrade.ops if isinstance(op, ops.RenameTableOp)]
    if renamed:  # a renamed model: its index changes and m2m tables go without saying
        olds = [op.table_name for op in renamed]
        return [
            f"rename_{short(op.table_name)}_{short(op.new_table_name)}"
            for op in renamed
            if not any(op.table_name.startswith(f"{other}_") for other in olds)
        ]
    out: list[str] = []
    created = {op.table_name for op in upgrade.ops if isinstance(op, ops.CreateTableOp)}
    for op in upgrade.ops:
        if not isinstance(op, ops.CreateTableOp) and getattr(op, "table_name", None) in created:
            continue  # a new table's indexes go without saying
        if isinstance(op, ops.CreateTableOp):
            out.append(short(op.table_name))
        elif isinstance(op, ops.DropTableOp):
            out.append(f"delete_{short(op.table_name)}")
        elif isinstance(op, ops.RenameTableOp):
            out.append(f"rename_{short(op.table_name)}_{short(op.new_table_name)}")
        elif isinstance(op, ops.ModifyTableOps):
            t = short(op.table_name)
            added = {sub.column.name for sub in op.ops if isinstance(sub, ops.AddColumnOp)}
            for sub in op.ops:
                if _goes_with(sub, added):
                    continue  # a new column's index and foreign key go without saying
                if isinstance(sub, RenameColumnOp):
                    out.append(f"rename_{sub.column_name}_{t}_{sub.modify_name}")
                elif isinstance(sub, ops.AddColumnOp):
                    out.append(f"{t}_{sub.column.name}")
                elif isinstance(sub, ops.DropColumnOp):
                    out.append(f"remove_{t}_{sub.column_name}")
                elif isinstance(sub, ops.AlterColumnOp):
                    if (
                        sub.modify_server_default is None
                        and sub.existing_server_default is not None
                    ):
                        continue
                    out.append(f"alter_{t}_{sub.column_name}")
                elif isinstance(sub, ops.CreateIndexOp | ops.AddConstraintOp):
                    out.append(f"{t}_{_op_name(sub)}")
                elif isinstance(sub, ops.DropIndexOp | ops.DropConstraintOp):
                    out.append(f"remove_{t}_{_op_name(sub)}")
        elif isinstance(op, ops.CreateIndexOp):
            out.append(f"{short(op.table_name)}_{op.index_name}")
        elif isinstance(op, ops.DropIndexOp):
            out.append(f"remove_{op.index_name}")
    return out


def _goes_with(op: Any, added: set[str]) -> bool:
    """Is ``op`` the index or foreign key of columns added in the same step?"""
    if not added:
        return False
    if isinstance(op, ops.CreateForeignKeyOp):
        return set(op.local_cols) <= added
    if isinstance(op, ops.CreateIndexOp):
        cols = {c if isinstance(c, str) else getattr(c, "name", None) for c in op.columns}
        return cols <= added
    return False


def _generic(type_: Any) -> Any:
    if not isinstance(type_, TypeEngine) or isinstance(type_, TypeDecorator):
        return type_
    try:
        return type_.as_generic()
    except NotImplementedError:
        return type_


def generalize(upgrade: ops.UpgradeOps) -> None:
    """Reflected types (of dropped tables and columns, of altered columns) as generic types.

    The scratch database is SQLite; its reflected ``DATETIME`` would not exist on
    PostgreSQL. Generic types render to each database's own spelling.
    """
    for op in walk(upgrade.ops):
        if isinstance(op, ops.AlterColumnOp):
            op.existing_type = _generic(op.existing_type)
        elif isinstance(op, ops.DropColumnOp) and op._reverse is not None:
            col = op._reverse.column
            col.type = _generic(col.type)
        elif isinstance(op, ops.DropTableOp) and op._reverse is not None:
            for item in op._reverse.columns:
                if isinstance(item, sa.Column):
                    item.type = _generic(item.type)
    _widen_keys(upgrade)


def _widen_keys(upgrade: ops.UpgradeOps) -> None:
    """SQLite reflects integer primary keys as INTEGER: a BIGINT foreign key says it was BIGINT."""
    columns: dict[tuple[str, str], Any] = {}
    big_targets: set[tuple[str, str]] = set()
    for op in upgrade.ops:
        if not isinstance(op, ops.DropTableOp) or op._reverse is None:
            continue
        for item in op._reverse.columns:
            if isinstance(item, sa.Column):
                columns[(op.table_name, item.name)] = item
        for item in op._reverse.columns:
            if isinstance(item, sa.ForeignKeyConstraint):
                for local, el in zip(item.column_keys, item.elements, strict=True):
                    src = columns.get((op.table_name, str(local)))
                    if src is not None and isinstance(src.type, sa.BigInteger):
                        table, _, column = el.target_fullname.rpartition(".")
                        big_targets.add((table, column))
    for key in big_targets:
        pk = columns.get(key)
        if pk is not None and pk.primary_key and type(pk.type) is sa.Integer:
            pk.type = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def order_drops(upgrade: ops.UpgradeOps) -> None:
    """Drop tables after the tables whose foreign keys point at them."""
    drops: dict[str, Any] = {
        op.table_name: op for op in upgrade.ops if isinstance(op, ops.DropTableOp)
    }
    if len(drops) < 2:
        return
    refs: dict[str, set[str]] = {}
    for name, op in drops.items():
        targets: set[str] = set()
        reverse = op._reverse
        for col in reverse.columns if reverse is not None else []:
            if isinstance(col, sa.Column):
                targets.update(fk.target_fullname.split(".")[0] for fk in col.foreign_keys)
            elif isinstance(col, sa.ForeignKeyConstraint):
                targets.update(el.target_fullname.split(".")[0] for el in col.elements)
        refs[name] = targets & set(drops)
    ordered: list[str] = []
    pending = dict(refs)
    while pending:
        # A table can go once no other pending table refers to it.
        ready = sorted(n for n in pending if not any(n in r for m, r in pending.items() if m != n))
        if not ready:
            ready = sorted(pending)
        for n in ready:
            ordered.append(n)
            del pending[n]
    groups: dict[str, list[Any]] = {n: [] for n in ordered}
    rest: list[Any] = []
    for item in upgrade.ops:
        name = str(getattr(item, "table_name", ""))
        if name in groups and isinstance(item, ops.DropTableOp | ops.ModifyTableOps):
            groups[name].append(item)
        else:
            rest.append(item)
    upgrade.ops[:] = rest + [x for n in ordered for x in groups[n]]


def strip_index_drops(container: ops.OpContainer) -> None:
    """No ``DROP INDEX`` before dropping the whole table (MariaDB refuses it for foreign keys)."""
    dropped = {op.table_name for op in container.ops if isinstance(op, ops.DropTableOp)}
    kept: list[Any] = []
    for op in container.ops:
        if isinstance(op, ops.ModifyTableOps) and op.table_name in dropped:
            op.ops[:] = [o for o in op.ops if not isinstance(o, ops.DropIndexOp)]
            if not op.ops:
                continue
        elif isinstance(op, ops.DropIndexOp) and op.table_name in dropped:
            continue
        kept.append(op)
    container.ops[:] = kept


# -- model (table) renames ---------------------------------------------------------------


class RenameTableOp(ops.RenameTableOp):
    """A table rename whose reverse renames it back."""

    def reverse(self) -> RenameTableOp:
        return RenameTableOp(self.new_table_name, self.table_name, schema=self.schema)


@renderers.dispatch_for(RenameTableOp)
def _render_rename_table(autogen_context: Any, op: RenameTableOp) -> str:
    return f"op.rename_table({op.table_name!r}, {op.new_table_name!r})"


def _signature(columns: list[Any]) -> list[tuple[str, Any, bool]]:
    cols = [c for c in columns if isinstance(c, sa.Column)]
    return sorted((c.name, c.type._type_affinity, bool(c.nullable)) for c in cols)


def _columns(op: Any) -> list[Any]:
    if isinstance(op, ops.CreateTableOp):
        return list(op.columns)
    reverse = op._reverse
    return list(reverse.columns) if reverse is not None else []


def apply_table_renames(upgrade: ops.UpgradeOps, questioner: Questioner) -> None:
    """A dropped table and a created one with the same columns: a renamed model, if the
    questioner says so (asked as ``questioner("", old_table, new_table)``). Its
    many-to-many tables follow it, their ``<model>_id`` column renamed as Django does."""
    drops = {op.table_name: op for op in upgrade.ops if isinstance(op, ops.DropTableOp)}
    creates = {op.table_name: op for op in upgrade.ops if isinstance(op, ops.CreateTableOp)}
    renames: list[tuple[str, str, list[tuple[str, str]]]] = []
    for old, drop in drops.items():
        for new, create in creates.items():
            if new in {r[1] for r in renames} or old in {r[0] for r in renames}:
                continue
            if _signature(_columns(drop)) == _signature(_columns(create)) and questioner(
                "", old, new
            ):
                renames.append((old, new, []))
                break
    for old, new, _ in list(renames):
        # Auto-created many-to-many tables: <old>_<field> -> <new>_<field>.
        for d_name, drop in drops.items():
            if not d_name.startswith(f"{old}_") or d_name in {r[0] for r in renames}:
                continue
            c_name = new + d_name[len(old) :]
            through = creates.get(c_name)
            if through is None:
                continue
            d_cols = {s[0]: s for s in _signature(_columns(drop))}
            c_cols = {s[0]: s for s in _signature(_columns(through))}
            gone = [n for n in d_cols if n not in c_cols]
            added = [n for n in c_cols if n not in d_cols]
            if len(gone) == len(added) <= 1 and all(
                d_cols[g][1:] == c_cols[a][1:] for g, a in zip(gone, added, strict=True)
            ):
                renames.append((d_name, c_name, list(zip(gone, added, strict=True))))
    if not renames:
        return
    renamed_old = {r[0]: r for r in renames}
    renamed_new = {r[1]: r for r in renames}
    target_cols = {
        (name, c.name): c
        for name, create in creates.items()
        for c in _columns(create)
        if isinstance(c, sa.Column)
    }
    _drop_retargeted_foreign_keys(upgrade, {old: new for old, new, _ in renames})
    head: list[Any] = []
    columns: list[Any] = []  # renamed key columns of many-to-many tables
    tail: list[Any] = []
    for op in upgrade.ops:
        name = getattr(op, "table_name", None)
        if isinstance(op, ops.DropTableOp) and name in renamed_old:
            old, new, cols = renamed_old[name]
            head.append(RenameTableOp(old, new))
            if cols:
                columns.append(
                    ops.ModifyTableOps(
                        new,
                        [
                            RenameColumnOp(
                                new,
                                g,
                                modify_name=a,
                                existing_type=target_cols[(new, a)].type,
                                existing_nullable=target_cols[(new, a)].nullable,
                            )
                            for g, a in cols
                        ],
                    )
                )
            continue
        if isinstance(op, ops.CreateTableOp) and name in renamed_new:
            continue
        if isinstance(op, ops.ModifyTableOps) and name in renamed_old:
            # The old table's index drops now concern the renamed table; they run last,
            # after the new indexes exist (MariaDB keeps one for each foreign key). Undone,
            # they come back first, on the columns as named at that point.
            _, new_name, cols = renamed_old[name]
            moved_cols = dict(cols)
            op.table_name = new_name
            for sub in op.ops:
                if hasattr(sub, "table_name"):
                    sub.table_name = new_name
                reverse = getattr(sub, "_reverse", None)
                if isinstance(sub, ops.DropIndexOp) and isinstance(reverse, ops.CreateIndexOp):
                    reverse.table_name = new_name
                    names = [
                        c if isinstance(c, str) else getattr(c, "name", c) for c in reverse.columns
                    ]
                    reverse.columns = [
                        moved_cols.get(n, n) if isinstance(n, str) else n for n in names
                    ]
            tail.append(op)
            continue
        head.append(op)
    # An index the renamed table keeps under its own name (Meta.indexes) stays as it is.
    made = {
        sub.index_name: (op, sub)
        for op in head
        if isinstance(op, ops.ModifyTableOps) and op.table_name in renamed_new
        for sub in op.ops
        if isinstance(sub, ops.CreateIndexOp)
    }
    for op in tail:
        for sub in list(getattr(op, "ops", [])):
            if isinstance(sub, ops.DropIndexOp) and sub.index_name in made:
                owner, index_op = made.pop(sub.index_name)
                op.ops.remove(sub)
                owner.ops.remove(index_op)
    head = [op for op in head if not isinstance(op, ops.ModifyTableOps) or op.ops]
    tail = [op for op in tail if not isinstance(op, ops.ModifyTableOps) or op.ops]
    # New indexes of renamed tables before the old ones go.
    creates_first = [
        op for op in head if isinstance(op, ops.ModifyTableOps) and op.table_name in renamed_new
    ]
    rest = [op for op in head if op not in creates_first]
    uniques = _renamed_uniques(renames, drops, creates)
    upgrade.ops[:] = rest + columns + creates_first + uniques + tail


def _uniques(items: list[Any], moved: dict[str, str]) -> dict[str, tuple[str, ...]]:
    """Named unique constraints among a table's items: name -> columns (renamed by ``moved``)."""
    out: dict[str, tuple[str, ...]] = {}
    for item in items:
        if isinstance(item, sa.UniqueConstraint) and item.name:
            names = [str(c.name) for c in item.columns] or [
                c if isinstance(c, str) else str(getattr(c, "name", c))
                for c in item._pending_colargs or []
            ]
            out[str(item.name)] = tuple(moved.get(n, n) for n in names)
    return out


def _renamed_uniques(
    renames: list[tuple[str, str, list[tuple[str, str]]]],
    drops: dict[str, Any],
    creates: dict[str, Any],
) -> list[ops.ModifyTableOps]:
    """Unique constraints whose names follow the table's (``<table>_<column>_key``...) get
    their new names: the new one is made first, then the old one goes (MariaDB may use it
    as the index of a foreign key until another index exists)."""
    out: list[ops.ModifyTableOps] = []
    for old, new, cols in renames:
        before = _uniques(_columns(drops[old]), dict(cols))
        after = _uniques(_columns(creates[new]), {})
        by_cols = {c: n for n, c in before.items()}
        sub: list[Any] = []
        for name, columns in after.items():
            old_name = by_cols.get(columns)
            if old_name is None or old_name == name or name in before:
                continue
            sub.append(ops.CreateUniqueConstraintOp(name, new, list(columns)))
            sub.append(
                ops.DropConstraintOp(
                    old_name,
                    new,
                    type_="unique",
                    _reverse=ops.CreateUniqueConstraintOp(old_name, new, list(columns)),
                )
            )
        if sub:
            out.append(ops.ModifyTableOps(new, sub))
    return out


def _drop_retargeted_foreign_keys(upgrade: ops.UpgradeOps, moved: dict[str, str]) -> None:
    """Foreign keys follow a renamed table on every database: no drop-and-recreate for them."""
    for op in upgrade.ops:
        if not isinstance(op, ops.ModifyTableOps):
            continue
        added: dict[tuple[str, ...], Any] = {}
        dropped: dict[tuple[str, ...], Any] = {}
        for sub in op.ops:
            if isinstance(sub, ops.CreateForeignKeyOp) and sub.referent_table in moved.values():
                added[tuple(sub.local_cols)] = sub
            elif isinstance(sub, ops.DropConstraintOp) and sub.constraint_type == "foreignkey":
                reverse = sub._reverse
                if isinstance(reverse, ops.CreateForeignKeyOp) and reverse.referent_table in moved:
                    dropped[tuple(reverse.local_cols)] = sub
        for key in set(added) & set(dropped):
            op.ops.remove(added[key])
            op.ops.remove(dropped[key])
    upgrade.ops[:] = [op for op in upgrade.ops if not isinstance(op, ops.ModifyTableOps) or op.ops]

"""Reading a model through its SQLAlchemy metadata (orm-lite models and plain declarative ones).

Private and small on purpose: the one shared model reader of the validation
package replaces it; nothing outside ``serializers`` and ``schemas`` uses it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

NOT_PROVIDED: Any = object()


@dataclass
class ModelFieldInfo:
    name: str
    kind: str  # "column", "fk" or "m2m"
    attname: str
    column: Any = None
    info: dict[str, Any] = field(default_factory=dict)
    related_model: Any = None
    primary_key: bool = False
    auto: bool = False
    editable: bool = True
    null: bool = False
    blank: bool = False
    has_default: bool = False
    unique: bool = False
    max_length: int | None = None
    choices: Any = None
    verbose_name: str = ""
    help_text: str = ""
    django_field: str = ""


@dataclass
class ModelInfo:
    model: Any
    table: Any
    fields: list[ModelFieldInfo]
    by_name: dict[str, ModelFieldInfo]
    pk: ModelFieldInfo
    unique_together: list[tuple[str, ...]]
    mapped: bool
    has_manager: bool


_cache: dict[Any, ModelInfo] = {}


def _model_for_table(model: Any, table: Any) -> Any:
    found = table.info.get("_model")
    if found is not None:
        return found
    for mapper in getattr(getattr(model, "registry", None), "mappers", ()):
        if getattr(mapper.class_, "__table__", None) is table:
            return mapper.class_
    return None


def describe(model: Any) -> ModelInfo:
    """The fields, primary key and unique sets of ``model`` (cached per class)."""
    try:
        return _cache[model]
    except KeyError:
        pass
    table = getattr(model, "__table__", None)
    if table is None:
        raise TypeError(
            f"{model!r} is not a model: it has no __table__ "
            "(an orm-lite model or a SQLAlchemy declarative class is expected)"
        )
    mapper = sa.inspect(model, raiseerr=False)
    mapper = mapper if mapper is not None and hasattr(mapper, "relationships") else None
    fk_rels: dict[Any, Any] = {}
    m2m: list[ModelFieldInfo] = []
    if mapper is not None:
        for rel in mapper.relationships:
            if rel.direction.name == "MANYTOONE" and len(rel.local_columns) == 1:
                fk_rels[next(iter(rel.local_columns))] = rel
            elif rel.direction.name == "MANYTOMANY" and rel.secondary is not None:
                m2m.append(
                    ModelFieldInfo(
                        rel.key,
                        "m2m",
                        rel.key,
                        related_model=rel.mapper.class_,
                        info=dict(rel.info),
                        blank=bool(rel.info.get("blank", True)),
                        verbose_name=rel.key.replace("_", " "),
                    )  # fmt: skip
                )
    for item in getattr(getattr(model, "_meta", None), "many_to_many", None) or ():
        m2m.append(
            ModelFieldInfo(
                item.name,
                "m2m",
                item.name,
                related_model=item.related_model,
                blank=bool(getattr(item, "blank", False)),
                verbose_name=str(getattr(item, "verbose_name", None) or item.name),
                help_text=str(getattr(item, "help_text", "") or ""),
            )  # fmt: skip
        )
    fields: list[ModelFieldInfo] = []
    pk: ModelFieldInfo | None = None
    for column in table.columns:
        info = dict(column.info)
        attname = column.key
        if mapper is not None:
            try:
                attname = mapper.get_property_by_column(column).key
            except Exception:  # a column not mapped to an attribute
                attname = column.key
        name = str(info.get("field_name") or attname)
        kind, related = "column", None
        if column.foreign_keys:
            fk = next(iter(column.foreign_keys))
            rel = fk_rels.get(column)
            if rel is not None:
                name, related, kind = rel.key, rel.mapper.class_, "fk"
            else:
                related = _model_for_table(model, fk.column.table)
                kind = "fk" if related is not None and name != attname else "column"
        has_default = (
            "default" in info or column.default is not None or column.server_default is not None
        )
        auto = bool(
            column.primary_key
            and column.autoincrement in (True, "auto")
            and isinstance(column.type, sa.Integer)
            and info.get("editable", None) in (None, False)
            and column.table.primary_key.columns.keys() == [column.key]
        )
        editable = bool(info.get("editable", True)) and not (
            info.get("auto_now") or info.get("auto_now_add")
        )
        max_length = info.get("max_length") or getattr(column.type, "length", None)
        entry = ModelFieldInfo(
            name=name, kind=kind, attname=attname, column=column, info=info,
            related_model=related, primary_key=bool(column.primary_key), auto=auto,
            editable=editable and not auto, null=bool(column.nullable) and not column.primary_key,
            blank=bool(info.get("blank", False)), has_default=has_default,
            unique=bool(info.get("unique_for_forms", column.unique)) and not column.primary_key,
            max_length=max_length if isinstance(max_length, int) else None,
            choices=info.get("choices"),
            verbose_name=str(info.get("verbose_name") or name.replace("_", " ")),
            help_text=str(info.get("help_text") or ""),
            django_field=str(info.get("django_field") or ""),
        )  # fmt: skip
        if column.primary_key and pk is None:
            pk = entry
        fields.append(entry)
    if pk is None:
        raise TypeError(f"{model.__name__} has no primary key")
    fields.extend(m2m)
    by_name = {f.name: f for f in fields}
    unique_together = [tuple(group) for group in table.info.get("unique_together", ())]
    for constraint in table.constraints:
        if isinstance(constraint, sa.UniqueConstraint) and len(constraint.columns) > 1:
            names = tuple(f.name for c in constraint.columns for f in fields if f.column is c)
            if len(names) == len(constraint.columns) and names not in unique_together:
                unique_together.append(names)
        elif isinstance(constraint, sa.UniqueConstraint):
            column = next(iter(constraint.columns))
            for f in fields:
                if f.column is column and "unique_for_forms" not in f.info:
                    f.unique = True
    manager = getattr(model, "objects", None)
    result = ModelInfo(
        model=model, table=table, fields=fields, by_name=by_name, pk=pk,
        unique_together=unique_together, mapped=mapper is not None,
        has_manager=manager is not None and hasattr(manager, "filter"),
    )  # fmt: skip
    _cache[model] = result
    return result

"""Reading models through SQLAlchemy metadata, and talking to their database.

Works for orm-lite models (``__table__`` plus ``Column.info`` keys and
``_meta.many_to_many``) and for plain SQLAlchemy declarative models (mapper
properties and relationships). SQLAlchemy is imported only here, lazily, so
that ``manouche.formkit`` imports without it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

NOT_PROVIDED: Any = object()

_SQLALCHEMY_HINT = (
    "model forms read models through SQLAlchemy: install it with "
    "pip install 'manouche-formkit[sqlalchemy]'"
)


def sqlalchemy() -> Any:
    try:
        import sqlalchemy as sa
    except ImportError as exc:  # pragma: no cover - exercised without the extra
        raise ImportError(_SQLALCHEMY_HINT) from exc
    return sa


@dataclass
class ModelField:
    """One editable thing of a model, as a form sees it."""

    name: str
    kind: str  # "column", "fk" or "m2m"
    attname: str
    column: Any = None
    info: Mapping[str, Any] = field(default_factory=dict)
    related_model: Any = None
    related_column: Any = None
    assign_instance: bool = True
    editable: bool = True
    blank: bool = False
    null: bool = False
    verbose_name: str = ""
    help_text: str = ""
    default: Any = NOT_PROVIDED
    choices: Any = None
    unique: bool = False
    primary_key: bool = False


@dataclass
class ModelInfo:
    model: Any
    table: Any
    fields: list[ModelField]
    by_name: dict[str, ModelField]
    pk_name: str
    pk_column: Any
    verbose_name: str
    unique_together: list[tuple[str, ...]]
    mapped: bool


_cache: dict[Any, ModelInfo] = {}


def _mapper(model: Any) -> Any:
    sa = sqlalchemy()
    mapper = sa.inspect(model, raiseerr=False)
    return mapper if mapper is not None and hasattr(mapper, "relationships") else None


def describe(model: Any) -> ModelInfo:
    """Fields, primary key, labels and unique sets of ``model`` (cached)."""
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
    mapper = _mapper(model)
    fk_relationships: dict[Any, Any] = {}
    m2m: list[ModelField] = []
    if mapper is not None:
        for rel in mapper.relationships:
            direction = rel.direction.name
            if direction == "MANYTOONE" and len(rel.local_columns) == 1:
                fk_relationships[next(iter(rel.local_columns))] = rel
            elif direction == "MANYTOMANY" and rel.secondary is not None:
                info = dict(rel.info)
                m2m.append(
                    ModelField(
                        name=rel.key,
                        kind="m2m",
                        attname=rel.key,
                        info=info,
                        related_model=rel.mapper.class_,
                        blank=bool(info.get("blank", False)),
                        verbose_name=str(info.get("verbose_name", rel.key.replace("_", " "))),
                        help_text=str(info.get("help_text", "")),
                        editable=bool(info.get("editable", True)),
                    )
                )
    meta = getattr(model, "_meta", None)
    for item in getattr(meta, "many_to_many", None) or ():
        m2m.append(
            ModelField(
                name=item.name,
                kind="m2m",
                attname=item.name,
                related_model=item.related_model,
                blank=bool(getattr(item, "blank", False)),
                verbose_name=str(getattr(item, "verbose_name", None) or item.name),
                help_text=str(getattr(item, "help_text", "") or ""),
                editable=bool(getattr(item, "editable", True)),
            )
        )
    fields: list[ModelField] = []
    pk_name, pk_column = "", None
    for column in table.columns:
        info = dict(column.info)
        attname = column.key
        if mapper is not None:
            try:
                attname = mapper.get_property_by_column(column).key
            except Exception:  # a column not mapped to an attribute
                attname = column.key
        name = str(info.get("field_name") or attname)
        kind = "column"
        related_model = related_column = None
        assign_instance = True
        if column.foreign_keys:
            fk = next(iter(column.foreign_keys))
            related_column = fk.column
            rel = fk_relationships.get(column)
            if rel is not None:
                name = rel.key
                related_model = rel.mapper.class_
                kind = "fk"
            else:
                # orm-lite names the relation in info["field_name"] ("author" for
                # the column "author_id") and takes an instance there; a plain
                # column without a relationship takes the key itself.
                related_model = _model_for_table(model, fk.column.table)
                kind = "fk" if related_model is not None else "column"
                named = info.get("field_name")
                assign_instance = bool(named) and named != attname
        default = info.get("default", NOT_PROVIDED)
        if default is NOT_PROVIDED and column.default is not None:
            arg = getattr(column.default, "arg", None)
            if getattr(column.default, "is_scalar", False):
                default = arg
        auto = bool(info.get("auto_now") or info.get("auto_now_add"))
        editable = bool(info.get("editable", True)) and not auto
        if (
            column.primary_key
            and info.get("editable") is None
            and column.autoincrement
            in (
                True,
                "auto",
            )
        ):
            editable = editable and not _is_integer(column)
        if column.primary_key:
            pk_name, pk_column = name if kind == "column" else attname, column
        fields.append(
            ModelField(
                name=name,
                kind=kind,
                attname=attname,
                column=column,
                info=info,
                related_model=related_model,
                related_column=related_column,
                assign_instance=assign_instance,
                editable=editable,
                blank=bool(info.get("blank", column.nullable)),
                null=bool(column.nullable),
                verbose_name=str(info.get("verbose_name") or name.replace("_", " ")),
                help_text=str(info.get("help_text", "")),
                default=default,
                choices=info.get("choices"),
                unique=bool(info.get("unique_for_forms", column.unique)),
                primary_key=bool(column.primary_key),
            )
        )
    fields.extend(m2m)
    by_name = {f.name: f for f in fields}
    table_info = dict(table.info)
    unique_together = [tuple(group) for group in table_info.get("unique_together", ())]
    sa = sqlalchemy()
    for constraint in table.constraints:
        if isinstance(constraint, sa.UniqueConstraint) and len(constraint.columns) > 1:
            names = []
            for column in constraint.columns:
                match = next((f.name for f in fields if f.column is column), None)
                if match is not None:
                    names.append(match)
            group = tuple(names)
            if len(group) == len(constraint.columns) and group not in unique_together:
                unique_together.append(group)
        elif isinstance(constraint, sa.UniqueConstraint) and len(constraint.columns) == 1:
            column = next(iter(constraint.columns))
            for f in fields:
                if f.column is column and "unique_for_forms" not in f.info:
                    f.unique = True
    verbose = str(table_info.get("verbose_name") or getattr(model, "__name__", "object"))
    info_obj = ModelInfo(
        model=model,
        table=table,
        fields=fields,
        by_name=by_name,
        pk_name=pk_name,
        pk_column=pk_column,
        verbose_name=verbose,
        unique_together=unique_together,
        mapped=mapper is not None,
    )
    _cache[model] = info_obj
    return info_obj


def _is_integer(column: Any) -> bool:
    sa = sqlalchemy()
    return isinstance(column.type, sa.Integer)


def _model_for_table(model: Any, table: Any) -> Any:
    """The model class whose ``__table__`` is ``table`` (orm-lite or declarative)."""
    found = table.info.get("_model")
    if found is not None:
        return found
    registry = getattr(model, "registry", None)
    for mapper in getattr(registry, "mappers", ()):
        if getattr(mapper.class_, "__table__", None) is table:
            return mapper.class_
    return None


def pk_value(instance: Any) -> Any:
    info = describe(type(instance))
    return getattr(instance, info.pk_name, None)


# -- the database ---------------------------------------------------------------


class Data:
    """Queries and transactions on whatever the user handed over as ``db``.

    A SQLAlchemy ``Session`` (instances are loaded through the ORM, so they are
    persistent), an object with ``execute()`` and ``atomic()`` (orm-lite's
    ``Database``), an ``Engine`` or a ``Connection``.
    """

    def __init__(self, db: Any) -> None:
        if db is None:
            raise TypeError("no database given")
        self.db = db
        self.is_session = hasattr(db, "scalars") and hasattr(db, "get_bind")

    def rows(self, statement: Any) -> list[Any]:
        db = self.db
        if self.is_session:
            return list(db.execute(statement).all())
        if hasattr(db, "atomic") and hasattr(db, "execute"):
            return list(db.execute(statement))
        if hasattr(db, "connect"):
            with db.connect() as conn:
                return list(conn.execute(statement).all())
        return list(db.execute(statement).all())

    def instances(self, model: Any, where: Any = None, order_by: Any = None) -> list[Any]:
        """Instances of ``model`` matching ``where`` (a SQLAlchemy clause)."""
        sa = sqlalchemy()
        info = describe(model)
        if self.is_session and info.mapped:
            statement = sa.select(model)
            if where is not None:
                statement = statement.where(where)
            statement = statement.order_by(*(order_by or info.table.primary_key.columns))
            return list(self.db.scalars(statement).all())
        statement = sa.select(info.table)
        if where is not None:
            statement = statement.where(where)
        statement = statement.order_by(*(order_by or info.table.primary_key.columns))
        by_column = {f.column.key: f.attname for f in info.fields if f.column is not None}
        return [
            model(**{by_column[key]: value for key, value in row._mapping.items()})
            for row in self.rows(statement)
        ]

    def exists(self, table: Any, where: Any) -> bool:
        sa = sqlalchemy()
        statement = sa.select(sa.literal(1)).select_from(table).where(where).limit(1)
        return bool(self.rows(statement))

    @contextlib.contextmanager
    def atomic(self) -> Iterator[None]:
        db = self.db
        if hasattr(db, "atomic"):
            with db.atomic():
                yield
        elif self.is_session:
            with db.begin_nested():
                yield
        elif hasattr(db, "begin_nested") and hasattr(db, "in_transaction"):
            # A Connection: a savepoint inside the caller's transaction, else one.
            with db.begin_nested() if db.in_transaction() else db.begin():
                yield
        else:
            yield


# -- managers (orm-lite's ``Model.objects``, Django's API) ----------------------


def is_database(db: Any) -> bool:
    """Whether ``db`` is a database object of orm-lite's kind (``atomic()`` and ``execute()``)."""
    is_session = hasattr(db, "scalars") and hasattr(db, "get_bind")
    return not is_session and hasattr(db, "atomic") and hasattr(db, "execute")


def manager_queryset(model: Any, db: Any = None) -> Any:
    """``model.objects.all()`` (or ``.using(db)``), or None when that does not apply.

    A model with a Django-style manager (``objects`` offering ``filter``) is
    queried through it when no database is given, or when the database given is
    of the manager's kind; a SQLAlchemy Session, Engine or Connection keeps the
    SQLAlchemy path.
    """
    manager = getattr(model, "objects", None)
    if manager is None or not hasattr(manager, "filter") or not hasattr(manager, "all"):
        return None
    if db is None:
        return manager.all()
    if is_database(db) and hasattr(manager, "using"):
        return manager.using(db)
    return None


def manager_database(instance_or_model: Any) -> Any:
    """The database an instance (or model) with a Django-style manager saves to, or None."""
    if isinstance(instance_or_model, type):
        model = instance_or_model
    else:
        model = type(instance_or_model)
        state_db = getattr(getattr(instance_or_model, "_state", None), "db", None)
        if state_db is not None and is_database(state_db):
            return state_db
    manager = getattr(model, "objects", None)
    if manager is None or not hasattr(manager, "filter"):
        return None
    try:
        db = getattr(manager, "db", None)
    except RuntimeError:  # no default database configured: save() will say so
        return None
    return db if db is not None and is_database(db) else None

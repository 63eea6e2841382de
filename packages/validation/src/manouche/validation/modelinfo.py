"""One reader of models: SQLAlchemy metadata described as Django-style fields.

:func:`describe_model` takes an orm-lite model, a plain SQLAlchemy declarative
class (a Flask-SQLAlchemy app's) or a bare ``sqlalchemy.Table`` and returns a
:class:`ModelInfo`: the fields in column order, then the many-to-many
relations, each a :class:`ModelField` with its name, attribute, column,
Django field type, verbose name, help text, choices, blank, null, default,
validators, uniqueness and relation. What SQLAlchemy cannot say rides in
``Column.info`` (``verbose_name``, ``choices``, ``blank``, ``validators``, ...,
see docs/contracts.md); orm-lite writes those keys, a plain model may.

Forms (formkit), serialization (serial), the admin and the REST framework
read models through this one reader, so they agree on what a model holds.
SQLAlchemy is imported when a model is first described (extra
``sqlalchemy``), so the validators import without it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "NOT_PROVIDED",
    "ModelField",
    "ModelInfo",
    "base_type",
    "describe_model",
    "internal_type",
    "table_label",
]


class _NotProvided:
    __slots__ = ()

    def __repr__(self) -> str:
        return "NOT_PROVIDED"


#: The default of a field that has none (``None`` is a default like any other).
NOT_PROVIDED: Any = _NotProvided()

_SQLALCHEMY_HINT = (
    "the model reader walks SQLAlchemy metadata: install it with "
    "pip install 'manouche-validation[sqlalchemy]'"
)


def _sqlalchemy() -> Any:
    try:
        import sqlalchemy
    except ImportError as exc:  # pragma: no cover - exercised without the extra
        raise ImportError(_SQLALCHEMY_HINT) from exc
    return sqlalchemy


@dataclass(eq=False)
class ModelField:
    """One field of a model: a column (plain or foreign key) or a many-to-many relation.

    ``kind`` is ``"column"``, ``"fk"`` (a foreign key whose model is known) or
    ``"m2m"``. ``name`` is the field's name as Django spells it (``author``
    for the column ``author_id``), ``attname`` the instance attribute holding
    the value (``author_id``). ``assign_instance`` says whether ``name`` takes
    a related instance (an orm-lite foreign key, a relationship) or the key
    itself.
    """

    name: str
    kind: str
    attname: str
    column: Any = None
    info: Mapping[str, Any] = field(default_factory=dict)
    internal_type: str = ""
    related_model: Any = None
    related_column: Any = None
    assign_instance: bool = True
    one_to_one: bool = False
    editable: bool = True
    blank: bool = False
    null: bool = False
    verbose_name: str = ""
    help_text: str = ""
    default: Any = NOT_PROVIDED
    choices: Any = None
    validators: tuple[Callable[[Any], Any], ...] = ()
    unique: bool = False
    primary_key: bool = False
    # Many-to-many only: the through table, its column pointing at this model
    # (source) and the one pointing at the related model (target).
    through: Any = None
    source_column: Any = None
    target_column: Any = None
    related_table: Any = None
    auto_created: bool = True
    viewonly: bool = False

    @property
    def is_relation(self) -> bool:
        return self.related_column is not None or self.kind == "m2m"

    def __repr__(self) -> str:
        return f"<ModelField {self.name} ({self.kind}, {self.internal_type or 'm2m'})>"


@dataclass(eq=False)
class ModelInfo:
    """A model as its fields: what :func:`describe_model` returns."""

    model: Any
    table: Any
    fields: list[ModelField]
    by_name: dict[str, ModelField]
    pk: ModelField | None
    pk_name: str
    pk_column: Any
    label: str
    verbose_name: str
    unique_together: list[tuple[str, ...]]
    mapped: bool
    _seen: list[tuple[Mapping[str, Any], dict[str, Any]]] = field(default_factory=list, repr=False)

    @property
    def concrete_fields(self) -> list[ModelField]:
        """The fields that are columns of the model's table, in column order."""
        return [f for f in self.fields if f.kind != "m2m"]

    @property
    def many_to_many(self) -> list[ModelField]:
        return [f for f in self.fields if f.kind == "m2m"]

    def stale(self) -> bool:
        """Whether ``Table.info`` or a ``Column.info`` changed since this was read."""
        return any(info != seen for info, seen in self._seen)


# SQLAlchemy type -> Django internal type, most specific first (Float is a
# Numeric, Text and Enum are Strings, BigInteger is an Integer).
_TYPE_KINDS: list[tuple[str, str]] = [
    ("Boolean", "BooleanField"),
    ("BigInteger", "BigIntegerField"),
    ("SmallInteger", "SmallIntegerField"),
    ("Integer", "IntegerField"),
    ("Float", "FloatField"),
    ("Numeric", "DecimalField"),
    ("Text", "TextField"),
    ("String", "CharField"),
    ("DateTime", "DateTimeField"),
    ("Date", "DateField"),
    ("Time", "TimeField"),
    ("Interval", "DurationField"),
    ("LargeBinary", "BinaryField"),
    ("Uuid", "UUIDField"),
    ("JSON", "JSONField"),
]
_AUTO = {
    "IntegerField": "AutoField",
    "BigIntegerField": "BigAutoField",
    "SmallIntegerField": "SmallAutoField",
}


def base_type(column: Any) -> Any:
    """The column's type with ``TypeDecorator`` layers taken off."""
    sa = _sqlalchemy()
    t = column.type
    while isinstance(t, sa.TypeDecorator):
        t = t.impl_instance
    return t


def internal_type(column: Any) -> str:
    """Django's field type of a column: ``Column.info["django_field"]``, else from its SQL type.

    An autoincrementing integer primary key is an ``AutoField`` (``BigAutoField``,
    ``SmallAutoField``); an unknown type reads as ``TextField``.
    """
    kind = column.info.get("django_field")
    if isinstance(kind, str):
        return kind
    sa = _sqlalchemy()
    t = base_type(column)
    for type_name, name in _TYPE_KINDS:
        if isinstance(t, getattr(sa, type_name)):
            if name in _AUTO and _autoincrements(column):
                return _AUTO[name]
            return name
    return "TextField"


def _autoincrements(column: Any) -> bool:
    """Whether the column is its table's autoincrementing key (SQLAlchemy's rule: the
    only primary key column, an integer, not a foreign key unless said so)."""
    if not column.primary_key or column.autoincrement not in (True, "auto"):
        return False
    table = getattr(column, "table", None)
    try:
        return getattr(table, "autoincrement_column", column) is column
    except Exception:  # a table SQLAlchemy cannot decide for (it says so when used)
        return False


def table_label(table: Any) -> str:
    """``"app_label.model_name"`` from ``Table.info``, else the table name (lower case)."""
    info = table.info
    app, name = info.get("app_label"), info.get("model_name")
    if app and name:
        return f"{app}.{name}".lower()
    return str(table.name).lower()


_cache: dict[Any, ModelInfo] = {}


def _label(value: Any, default: str) -> str:
    """A verbose name or help text as given, ``default`` when there is none.

    A lazy translation (``gettext_lazy(...)``, any object that is not a
    ``str``) is kept as it is: the reader's description is cached, the label
    is turned into text where it is shown, in the language active then.
    """
    if value is None or (isinstance(value, str) and not value):
        return default
    return value  # type: ignore[no-any-return]


def describe_model(model: Any, *, refresh: bool = False) -> ModelInfo:
    """The :class:`ModelInfo` of a model class (anything with ``__table__``) or a Table.

    The answer is cached per model; ``refresh=True`` reads the metadata again
    (after a ``Column.info`` changed, which :meth:`ModelInfo.stale` tells).
    """
    if not refresh:
        cached = _cache.get(model)
        if cached is not None:
            return cached
    sa = _sqlalchemy()
    if isinstance(model, sa.Table):
        table = model
        owner = table.info.get("_model")
        model_class = owner if isinstance(owner, type) else None
    else:
        table = getattr(model, "__table__", None)
        if not isinstance(table, sa.Table):
            raise TypeError(
                f"{model!r} is not a model: it has no __table__ (a sqlalchemy.Table); "
                "an orm-lite model, a SQLAlchemy declarative class or a Table is expected"
            )
        model_class = model
    info = _read(model_class, table)
    _cache[model] = info
    return info


def _mapper(model: Any) -> Any:
    if model is None:
        return None
    sa = _sqlalchemy()
    mapper = sa.inspect(model, raiseerr=False)
    return mapper if mapper is not None and hasattr(mapper, "relationships") else None


def _meta_field(meta: Any, name: str) -> Any:
    get_field = getattr(meta, "get_field", None)
    if get_field is None:
        return None
    try:
        return get_field(name)
    except Exception:  # not a field of the model (a column of a parent, say)
        return None


def _read(model: Any, table: Any) -> ModelInfo:
    sa = _sqlalchemy()
    mapper = _mapper(model)
    meta = getattr(model, "_meta", None)
    many_to_one: dict[Any, Any] = {}
    if mapper is not None:
        for rel in mapper.relationships:
            if rel.direction.name == "MANYTOONE" and len(rel.local_columns) == 1:
                many_to_one.setdefault(next(iter(rel.local_columns)), rel)
    fields: list[ModelField] = []
    pk: ModelField | None = None
    for column in table.columns:
        mf = _column_field(model, table, mapper, meta, column, many_to_one.get(column))
        if column.primary_key and pk is None:
            pk = mf
        fields.append(mf)
    fields.extend(_many_to_many(model, table, mapper, meta))
    by_name = {f.name: f for f in fields}
    table_info = dict(table.info)
    unique_together = [tuple(group) for group in table_info.get("unique_together", ())]
    for constraint in table.constraints:
        if not isinstance(constraint, sa.UniqueConstraint):
            continue
        columns = list(constraint.columns)
        if len(columns) > 1:
            names = [f.name for c in columns for f in fields if f.column is c]
            group = tuple(names)
            if len(group) == len(columns) and group not in unique_together:
                unique_together.append(group)
        elif len(columns) == 1:
            for f in fields:
                if f.column is columns[0] and "unique_for_forms" not in f.info:
                    f.unique = True
    pk_name = ""
    if pk is not None:
        pk_name = pk.name if pk.kind == "column" else pk.attname
    name = getattr(model, "__name__", None) or str(table.name)
    return ModelInfo(
        model=model,
        table=table,
        fields=fields,
        by_name=by_name,
        pk=pk,
        pk_name=pk_name,
        pk_column=pk.column if pk is not None else None,
        label=table_label(table),
        verbose_name=_label(table_info.get("verbose_name"), name),
        unique_together=unique_together,
        mapped=mapper is not None,
        _seen=[(table.info, table_info)] + [(c.info, dict(c.info)) for c in table.columns],
    )


def _column_field(
    model: Any, table: Any, mapper: Any, meta: Any, column: Any, rel: Any
) -> ModelField:
    info = dict(column.info)
    kind_name = internal_type(column)
    named = info.get("field_name")
    # The field's name: given in Column.info (orm-lite), the relationship's key,
    # else the mapped attribute (a foreign key column without a relationship is
    # the attribute itself, "author_id", which takes the key).
    if isinstance(named, str):
        name = named
    elif rel is not None:
        name = rel.key
    else:
        name = _mapped_key(mapper, column) or str(column.key)
    meta_field = _meta_field(meta, name) if meta is not None else None
    attname = _mapped_key(mapper, column) or str(getattr(meta_field, "attname", "") or column.key)
    kind = "column"
    related_model = related_column = None
    assign_instance = True
    one_to_one = False
    fks = list(column.foreign_keys)
    if fks and kind_name not in ("AutoField", "BigAutoField", "SmallAutoField"):
        related_column = fks[0].column
        one_to_one = kind_name == "OneToOneField" or bool(column.unique) or bool(column.primary_key)
        if "django_field" not in info:
            kind_name = "OneToOneField" if one_to_one else "ForeignKey"
        if rel is not None:
            related_model = rel.mapper.class_
        else:
            related = getattr(meta_field, "related_model", None)
            related_model = related if isinstance(related, type) else None
            if related_model is None:
                related_model = _model_for_table(model, related_column.table)
            # A plain column without a relationship takes the key itself; an
            # orm-lite foreign key (named apart from its column) takes an instance.
            assign_instance = isinstance(named, str) and named != attname
        if related_model is not None:
            kind = "fk"
    default = info.get("default", NOT_PROVIDED)
    if default is NOT_PROVIDED and column.default is not None:
        if getattr(column.default, "is_scalar", False):
            default = getattr(column.default, "arg", None)
    auto = bool(info.get("auto_now") or info.get("auto_now_add"))
    editable = bool(info.get("editable", True)) and not auto
    if (
        column.primary_key
        and info.get("editable") is None
        and column.autoincrement in (True, "auto")
    ):
        editable = editable and not isinstance(column.type, _sqlalchemy().Integer)
    if meta_field is not None and hasattr(meta_field, "validators"):
        validators = tuple(meta_field.validators)
    else:
        validators = tuple(info.get("validators") or ())
    return ModelField(
        name=name,
        kind=kind,
        attname=attname,
        column=column,
        info=info,
        internal_type=kind_name,
        related_model=related_model,
        related_column=related_column,
        assign_instance=assign_instance,
        one_to_one=one_to_one,
        editable=editable,
        blank=bool(info.get("blank", column.nullable)),
        null=bool(column.nullable),
        verbose_name=_label(info.get("verbose_name"), name.replace("_", " ")),
        help_text=_label(info.get("help_text"), ""),
        default=default,
        choices=info.get("choices"),
        validators=validators,
        unique=bool(info.get("unique_for_forms", column.unique)),
        primary_key=bool(column.primary_key),
    )


def _mapped_key(mapper: Any, column: Any) -> str | None:
    if mapper is None:
        return None
    try:
        return str(mapper.get_property_by_column(column).key)
    except Exception:  # a column not mapped to an attribute
        return None


def _model_for_table(model: Any, table: Any) -> Any:
    """The model class whose ``__table__`` is ``table`` (orm-lite or declarative)."""
    found = table.info.get("_model")
    if isinstance(found, type):
        return found
    registry = getattr(model, "registry", None)
    for mapper in getattr(registry, "mappers", ()):
        if getattr(mapper.class_, "__table__", None) is table:
            return mapper.class_
    return None


def _many_to_many(model: Any, table: Any, mapper: Any, meta: Any) -> list[ModelField]:
    sa = _sqlalchemy()
    out: list[ModelField] = []
    if meta is not None and hasattr(meta, "many_to_many"):
        for item in meta.many_to_many:
            through = getattr(item, "through", None)
            ttable = (
                through if isinstance(through, sa.Table) else getattr(through, "__table__", None)
            )
            auto = isinstance(through, sa.Table) or bool(
                getattr(getattr(through, "_meta", None), "auto_created", True)
            )
            source = target = related_table = None
            if isinstance(ttable, sa.Table):
                source = ttable.c[item.m2m_column_name()]
                target = ttable.c[item.m2m_reverse_name()]
                related_table = next(iter(target.foreign_keys)).column.table
            related = getattr(item, "related_model", None)
            out.append(
                ModelField(
                    name=item.name,
                    kind="m2m",
                    attname=item.name,
                    internal_type="ManyToManyField",
                    related_model=related if isinstance(related, type) else None,
                    blank=bool(getattr(item, "blank", False)),
                    verbose_name=_label(getattr(item, "verbose_name", None), item.name),
                    help_text=_label(getattr(item, "help_text", None), ""),
                    editable=bool(getattr(item, "editable", True)),
                    validators=tuple(getattr(item, "validators", ()) or ()),
                    through=ttable,
                    source_column=source,
                    target_column=target,
                    related_table=related_table,
                    auto_created=auto,
                )
            )
        return out
    if mapper is None:
        return out
    for rel in mapper.relationships:
        secondary = rel.secondary
        if rel.direction.name != "MANYTOMANY" or not isinstance(secondary, sa.Table):
            continue
        source = target = None
        remote = rel.mapper.local_table
        for col in secondary.columns:
            for fk in col.foreign_keys:
                if (
                    fk.column.table is table
                    and source is None
                    and (remote is not table or target is not None)
                ):
                    source = col
                elif fk.column.table is remote and target is None:
                    target = col
        info = dict(rel.info)
        out.append(
            ModelField(
                name=rel.key,
                kind="m2m",
                attname=rel.key,
                info=info,
                internal_type="ManyToManyField",
                related_model=rel.mapper.class_,
                blank=bool(info.get("blank", False)),
                verbose_name=_label(info.get("verbose_name"), rel.key.replace("_", " ")),
                help_text=_label(info.get("help_text"), ""),
                editable=bool(info.get("editable", True)),
                validators=tuple(info.get("validators") or ()),
                through=secondary,
                source_column=source,
                target_column=target,
                related_table=remote,
                viewonly=bool(rel.viewonly),
            )
        )
    return out

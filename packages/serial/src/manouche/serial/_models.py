"""Models as serial sees them: read from SQLAlchemy metadata, nothing else.

A model is anything with a ``__table__`` (an orm-lite model, a declarative
SQLAlchemy class) or a bare ``sqlalchemy.Table``. manouche-validation's reader
(``describe_model``) gives its fields, foreign keys and many-to-many relations;
:func:`describe` adds what serialization needs into a :class:`ModelSpec`: each
field's value writers and readers, the natural-key hooks and fast builders.
:class:`ModelRegistry` finds specs by Django label (``"app_label.model_name"``).
"""

from __future__ import annotations

import datetime as dt
import decimal
import importlib
import sys
import types
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa

from manouche.serial._values import (
    _SLOW,
    FromValue,
    ToJson,
    inline_reader,
    json_writer,
    python_reader,
)
from manouche.serial.exceptions import ModelNotFound
from manouche.validation.modelinfo import ModelField, base_type, describe_model, table_label
from manouche.validation.modelinfo import internal_type as column_kind

__all__ = [
    "FieldSpec",
    "M2MSpec",
    "ModelRegistry",
    "ModelSpec",
    "column_kind",
    "describe",
    "table_label",
]


def _base_type(col: sa.Column[Any]) -> Any:
    return base_type(col)


def _stores_timezone(col: sa.Column[Any]) -> bool:
    return bool(getattr(_base_type(col), "timezone", False))


def _writes_utc(col: sa.Column[Any], kind: str) -> bool:
    """Whether naive datetimes of this column are UTC (Django's ``USE_TZ = True``).

    Columns declared Django ``DateTimeField`` follow Django's default unless
    ``Column.info["use_tz"]`` is ``False``; plain columns say it with
    ``DateTime(timezone=True)``.
    """
    if kind != "DateTimeField":
        return False
    if "use_tz" in col.info:
        return bool(col.info["use_tz"])
    return "django_field" in col.info or _stores_timezone(col)


class FieldSpec:
    """One concrete field: its serialized name, instance attribute, column and kind."""

    __slots__ = (
        "name",
        "attr",
        "column",
        "kind",
        "rel",
        "target",
        "to_json",
        "reader",
        "inline",
        "utc",
        "decimal_places",
        "related_model",
        "to_string",
        "to_db",
    )

    def __init__(self, name: str, attr: str, column: sa.Column[Any], kind: str) -> None:
        self.name = name
        self.attr = attr
        self.column = column
        self.rel: str | None = None
        self.target: sa.Column[Any] | None = None
        self.related_model: type[Any] | None = None
        fks = list(column.foreign_keys)
        if fks and kind not in ("AutoField", "BigAutoField", "SmallAutoField"):
            self.target = fks[0].column
            unique = kind == "OneToOneField" or bool(column.unique) or column.primary_key
            self.rel = "OneToOneRel" if unique else "ManyToOneRel"
            # Values of a relation are written and read as its target's.
            value_col = self.target
            kind_for_values = column_kind(value_col)
        else:
            value_col = column
            kind_for_values = kind
        self.kind = kind
        self.utc = _writes_utc(value_col, kind_for_values)
        self.to_json: ToJson | None = json_writer(kind_for_values, self.utc)
        self.reader: FromValue = python_reader(kind_for_values, _stores_timezone(value_col))
        #: The reader as an inline expression of ``v`` (for generated readers).
        self.inline: str = inline_reader(kind_for_values, _stores_timezone(value_col))
        places = value_col.info.get("decimal_places", getattr(_base_type(value_col), "scale", None))
        self.decimal_places: int | None = places if kind_for_values == "DecimalField" else None
        if self.decimal_places is not None:
            self.to_json = _decimal_writer(self.decimal_places)
        #: A model field's own ``value_to_string(obj)`` (named in ``Column.info``, as
        #: orm-lite does for a user's field class defining it): the text written.
        self.to_string: Callable[[Any], str] | None = None
        #: A model field's own ``get_db_prep_save(value, connection)``: what a load writes.
        self.to_db: Callable[[Any, Any], Any] | None = None
        if self.target is None:
            to_db = column.info.get("get_db_prep_save")
            if callable(to_db):
                self.to_db = to_db
            to_string = column.info.get("value_to_string")
            if callable(to_string):
                self.to_string = to_string
                self.to_json = None
            to_python = column.info.get("to_python")
            if callable(to_python):
                self.reader = _hook_reader(to_python)
                self.inline = _SLOW

    @property
    def value_kind(self) -> str:
        return column_kind(self.target) if self.target is not None else self.kind

    def __repr__(self) -> str:
        return f"<FieldSpec {self.name} ({self.kind})>"


def _hook_reader(to_python: Callable[[Any], Any]) -> FromValue:
    """A reader calling a model field's own ``to_python``; what it raises, as a ValueError."""

    def read(value: object, text: bool) -> object:
        try:
            return to_python(value)
        except (ValueError, TypeError, OverflowError):
            raise
        except Exception as exc:
            messages = getattr(exc, "messages", None)
            raise ValueError("; ".join(map(str, messages)) if messages else str(exc)) from exc

    return read


def _decimal_writer(places: int) -> ToJson:
    exp = decimal.Decimal(1).scaleb(-places)

    def write(value: object) -> object:
        if value is None:
            return None
        if isinstance(value, float | int | str):
            value = decimal.Decimal(str(value))
        if isinstance(value, decimal.Decimal):
            try:
                return str(value.quantize(exp))
            except decimal.InvalidOperation:
                return str(value)
        return str(value)

    return write


class M2MSpec:
    """A many-to-many relation through a table of two foreign keys."""

    __slots__ = (
        "name",
        "through",
        "source",
        "target",
        "related_table",
        "auto_created",
        "related_model",
        "to_string",
        "to_db",
    )

    def __init__(
        self,
        name: str,
        through: sa.Table,
        source: sa.Column[Any],
        target: sa.Column[Any],
        auto_created: bool = True,
    ) -> None:
        self.name = name
        self.through = through
        self.source = source
        self.target = target
        self.related_table: sa.Table = next(iter(target.foreign_keys)).column.table
        self.auto_created = auto_created
        self.related_model: type[Any] | None = None

    def __repr__(self) -> str:
        return f"<M2MSpec {self.name} via {self.through.name}>"


class ModelSpec:
    """Everything serial needs to know about one model."""

    def __init__(self, model: type[Any] | None, table: sa.Table) -> None:
        self.model = model
        self.table = table
        self.label = table_label(table)
        #: Django's ``_meta.label``: the app label and the class name as written.
        self.model_label = self.label
        if isinstance(model, type):
            self.model_label = f"{self.label.partition('.')[0]}.{model.__name__}"
        self.pk: FieldSpec
        self.fields: list[FieldSpec] = []
        self.m2m: list[M2MSpec] = []
        info = describe_model(model if model is not None else table)
        if info.stale():
            info = describe_model(model if model is not None else table, refresh=True)
        #: The model as manouche-validation's reader describes it.
        self.info = info
        pks = list(table.primary_key.columns)
        if len(pks) != 1:
            raise TypeError(
                f"{self.label}: serial needs exactly one primary key column, found {len(pks)}"
            )
        for mf in info.concrete_fields:
            spec = FieldSpec(_fixture_name(mf), mf.attname, mf.column, mf.internal_type)
            if spec.target is not None:
                spec.related_model = mf.related_model
            if mf.primary_key:
                self.pk = spec
            else:
                self.fields.append(spec)
        for mf in info.many_to_many:
            if mf.viewonly or mf.source_column is None or mf.target_column is None:
                continue
            m2m = M2MSpec(mf.name, mf.through, mf.source_column, mf.target_column, mf.auto_created)
            m2m.related_model = mf.related_model
            self.m2m.append(m2m)
        self.fields_by_name: dict[str, FieldSpec] = {f.name: f for f in self.fields}
        self.fields_by_name.setdefault(self.pk.name, self.pk)
        self.m2m_by_name: dict[str, M2MSpec] = {m.name: m for m in self.m2m}
        # Attribute names accepted as field names too (Django accepts ``author_id``).
        self.attrs: dict[str, FieldSpec] = {f.attr: f for f in self.fields}
        nk_fields = getattr(model, "natural_key_fields", None) or table.info.get("natural_key")
        self.natural_key_fields: tuple[str, ...] | None = tuple(nk_fields) if nk_fields else None
        self.has_natural_key = self.natural_key_fields is not None or callable(
            getattr(model, "natural_key", None)
        )
        self._manager_lookup = _natural_lookup(model)
        self.has_natural_lookup = (
            self.natural_key_fields is not None or self._manager_lookup is not None
        )
        self._builder: Callable[[dict[str, Any]], Any] | None = None
        self._value_attrs: tuple[str, ...] | None = None
        self._value_columns: tuple[str, ...] = ()
        self._positional = False
        #: ``make(values)``: an instance from values in :meth:`value_attrs` order
        #: (made on first use).
        self.make: Callable[[Sequence[Any]], Any] = self._first_make
        #: The generated fixture reader (built by ``_base`` on first use).
        self.fast_reader: Callable[..., Any] | None = None

    def __repr__(self) -> str:
        return f"<ModelSpec {self.label}>"

    def stale(self) -> bool:
        """Whether ``Table.info`` or a ``Column.info`` changed since the spec was built."""
        return self.info.stale()

    # -- natural keys -----------------------------------------------------------

    def natural_key_of(self, obj: Any) -> list[Any]:
        """The natural key of an instance (``natural_key()``, or ``natural_key_fields``)."""
        fn = getattr(obj, "natural_key", None)
        if callable(fn):
            return list(fn())
        assert self.natural_key_fields is not None
        return [_get(obj, self._field(n).attr) for n in self.natural_key_fields]

    def _field(self, name: str) -> FieldSpec:
        try:
            return self.fields_by_name[name]
        except KeyError:
            raise TypeError(
                f"{self.label}.natural_key_fields names unknown field {name!r}"
            ) from None

    def lookup_natural(
        self, conn: sa.Connection | None, key: Iterable[Any], using: Any = None
    ) -> Any:
        """The pk of the row with this natural key; ``LookupError`` when there is none.

        ``using`` (an orm-lite ``Database``) is where a manager's
        ``get_by_natural_key`` looks, as Django's ``db_manager(using)``.
        """
        values = list(key)
        if self.natural_key_fields is not None and conn is not None:
            if len(values) != len(self.natural_key_fields):
                raise ValueError(
                    f"natural key of {self.label} has {len(self.natural_key_fields)} parts, "
                    f"got {values!r}"
                )
            cond = []
            for n, v in zip(self.natural_key_fields, values, strict=True):
                f = self._field(n)
                if f.target is not None and isinstance(v, list | tuple):
                    raise ValueError(f"nested natural keys in {self.label}.{n} are not supported")
                cond.append(f.column == f.reader(v, False) if v is not None else f.column.is_(None))
            found = conn.execute(sa.select(self.pk.column).where(*cond).limit(2)).scalars().all()
            if len(found) != 1:
                raise self._no_match(values)
            return found[0]
        lookup = self._manager_lookup
        if lookup is None:
            raise LookupError(f"{self.label} has no get_by_natural_key() and no natural_key_fields")
        if using is not None and not isinstance(using, sa.Connection | sa.Engine):
            lookup = _natural_lookup(self.model, using) or lookup
        try:
            obj = lookup(*values)
        except Exception as exc:
            if isinstance(exc, LookupError) or type(exc).__name__.endswith("DoesNotExist"):
                raise self._no_match(values) from exc
            raise
        if obj is None:
            raise self._no_match(values)
        return _get(obj, self.pk.attr)

    def _no_match(self, values: list[Any]) -> LookupError:
        """No row has the natural key ``values`` (said in Django's words, then the key)."""
        name = self.model.__name__ if isinstance(self.model, type) else self.label
        return LookupError(
            f"{name} matching query does not exist ({self.label} natural key {values!r})"
        )

    # -- instances ----------------------------------------------------------------

    def value_attrs(self) -> tuple[str, ...]:
        """The attributes in the order generated readers hand values to :attr:`make`.

        A Django-style model's concrete fields order (``Model.from_db`` and
        ``Model(*args)`` take it), else the pk then the fields in column order.
        """
        attrs = self._value_attrs
        if attrs is None:
            default = [self.pk.attr, *[f.attr for f in self.fields]]
            order = _positional_order(self.model, default) if self.model is not None else None
            self._positional = order is not None
            attrs = self._value_attrs = tuple(order if order is not None else default)
            columns = {f.attr: f.column.key for f in (self.pk, *self.fields)}
            self._value_columns = tuple(columns[a] for a in attrs)
        return attrs

    def value_columns(self) -> tuple[str, ...]:
        """The column keys of :meth:`value_attrs`, in the same order."""
        self.value_attrs()
        return self._value_columns

    def _first_make(self, values: Sequence[Any]) -> Any:
        make = self.make = self._make_maker()
        return make(values)

    def _make_maker(self) -> Callable[[Sequence[Any]], Any]:
        """``make(values)``: the instance ``Model(**dict(zip(value_attrs, values)))`` gives.

        A Django-style model goes through ``Model.from_db(None, attnames, values)``
        (orm-lite's skips ``__init__`` when no override or init receiver needs it,
        else runs it, sending the init signals), then is marked as not saved yet,
        as Django's deserializer leaves it; a model without ``from_db`` is called
        with the values positionally.
        """
        attrs = self.value_attrs()
        model = self.model
        if model is None:
            return lambda values: dict(zip(attrs, values, strict=True))
        if not self._positional:
            return lambda values: model(**dict(zip(attrs, values, strict=True)))
        from_db = getattr(model, "from_db", None)
        if not callable(from_db):
            return lambda values: model(*values)

        def make(values: Sequence[Any]) -> Any:
            obj = from_db(None, attrs, values)
            obj._state.adding = True
            return obj

        return make

    def build(self, data: dict[str, Any]) -> Any:
        """An instance from ``{attr: value}`` (a dict when the model is a bare Table).

        ``Model(**data)``, or for a Django-style model (``_meta.concrete_fields``
        naming exactly the table's columns) given every field,
        ``Model.from_db(None, attnames, values)`` in field order with
        ``_state.adding`` set back to True: the same instance as ``Model(**data)``
        without matching keywords to fields (and, on orm-lite, without running
        ``__init__`` when no override or init receiver needs it).
        """
        if self.model is None:
            return dict(data)
        builder = self._builder
        if builder is None:
            builder = self._builder = self._make_builder()
        return builder(data)

    def _make_builder(self) -> Callable[[dict[str, Any]], Any]:
        model = self.model
        assert model is not None
        order = self.value_attrs()
        if not self._positional:

            def by_keywords(data: dict[str, Any]) -> Any:
                return model(**data)

            return by_keywords
        env: dict[str, Any] = {
            "__builtins__": {"KeyError": KeyError, "len": len},
            "model": model,
            "spec": self,
        }
        args = ", ".join(f"d[{a!r}]" for a in order)
        # A complete object is made positionally (``make``); anything else by keywords.
        source = (
            "def build(d):\n"
            f"    if len(d) == {len(order)}:\n"
            "        try:\n"
            f"            args = ({args},)\n"
            "        except KeyError:\n"
            "            return model(**d)\n"
            "        return spec.make(args)\n"
            "    return model(**d)\n"
        )
        exec(compile(source, f"<serial builder {self.label}>", "exec"), env)
        fn: Callable[[dict[str, Any]], Any] = env["build"]
        return fn


def _fixture_name(mf: ModelField) -> str:
    """The field's name in fixtures: Django's ``author`` for a bare ``author_id`` key column."""
    name = mf.name
    if (
        mf.related_column is not None
        and name == mf.attname
        and "field_name" not in mf.info
        and not mf.primary_key
        and name.endswith("_id")
        and len(name) > 3
    ):
        return name[:-3]
    return name


def _positional_order(model: type[Any], attrs: list[str]) -> list[str] | None:
    """The attnames of ``model._meta.concrete_fields`` if they are exactly ``attrs``.

    Django's ``Model(*args)`` takes the concrete fields' values in that order
    (``Model.from_db`` relies on it); anything else is built with keywords.
    """
    meta = getattr(model, "_meta", None)
    try:
        order = [str(f.attname) for f in meta.concrete_fields]  # type: ignore[union-attr]
    except Exception:
        return None
    if len(order) != len(attrs) or set(order) != set(attrs):
        return None
    return order


def _get(obj: Any, attr: str) -> Any:
    if isinstance(obj, dict):
        return obj.get(attr)
    return getattr(obj, attr)


def _natural_lookup(model: type[Any] | None, using: Any = None) -> Callable[..., Any] | None:
    if model is None:
        return None
    for manager_name in ("_default_manager", "objects"):
        try:
            manager = getattr(model, manager_name, None)
        except Exception:  # a manager descriptor that refuses class access
            manager = None
        db_manager = getattr(manager, "db_manager", None)
        if using is not None and callable(db_manager):
            manager = db_manager(using)
        fn = getattr(manager, "get_by_natural_key", None)
        if callable(fn):
            return fn  # type: ignore[no-any-return]
    fn = getattr(model, "get_by_natural_key", None)
    return fn if callable(fn) else None


def related_spec(registry: ModelRegistry | None, table: Any, model: type[Any] | None) -> ModelSpec:
    """The spec of the model behind ``table`` (a relation's target)."""
    if registry is not None:
        return registry.for_table(table, model)
    if model is not None:
        return describe(model)
    owner = table.info.get("_model")
    return describe(owner if isinstance(owner, type) else table)


_SPECS: dict[object, ModelSpec] = {}


def describe(model: type[Any] | sa.Table) -> ModelSpec:
    """The :class:`ModelSpec` of a model class (anything with ``__table__``) or a Table."""
    cached = _SPECS.get(model)
    if cached is not None:
        return cached
    if isinstance(model, sa.Table):
        owner = model.info.get("_model")
        spec = ModelSpec(owner if isinstance(owner, type) else None, model)
    else:
        table = getattr(model, "__table__", None)
        if not isinstance(table, sa.Table):
            raise TypeError(f"{model!r} is not a model: it has no __table__ (a sqlalchemy.Table)")
        spec = ModelSpec(model, table)
    _SPECS[model] = spec
    return spec


def fresh(spec: ModelSpec) -> ModelSpec:
    """``spec``, or a new one if its model's metadata changed since it was built."""
    if not spec.stale():
        return spec
    key: object = spec.model if spec.model is not None else spec.table
    _SPECS.pop(key, None)
    return describe(key)  # type: ignore[arg-type]


def model_of(obj: object) -> ModelSpec:
    """The spec of an instance's class."""
    try:
        return describe(type(obj))
    except TypeError:
        raise TypeError(
            f"Non-model object ({type(obj).__name__}) encountered during serialization"
        ) from None


class ModelRegistry:
    """The models a fixture may name, by label: ``register``/``unregister``/``get``.

    ``ModelRegistry(models)`` takes model classes, Tables, ``MetaData`` objects
    and modules (every model and Table found at their top level). A label is
    ``"app_label.model_name"`` (from ``Table.info``, falling back to the table
    name); ``get("lib.book")`` also finds a table named ``lib_book``, Django's
    default table name, so a plain SQLAlchemy model of a Django table needs no
    ``info``.
    """

    def __init__(self, models: Iterable[Any] = ()) -> None:
        self._specs: dict[str, ModelSpec] = {}
        self._tables: dict[str, ModelSpec] = {}
        for m in models:
            self.add(m)

    def add(self, thing: Any) -> None:
        """Register a model, Table, MetaData or a module's models (skipping M2M through tables)."""
        if isinstance(thing, str):
            thing = importlib.import_module(thing)
        if isinstance(thing, types.ModuleType):
            for value in list(vars(thing).values()):
                if isinstance(value, sa.MetaData):
                    continue
                if isinstance(value, sa.Table) or (
                    isinstance(value, type)
                    and isinstance(getattr(value, "__table__", None), sa.Table)
                ):
                    if getattr(value, "__module__", thing.__name__) == thing.__name__ or isinstance(
                        value, sa.Table
                    ):
                        self._add_quietly(value)
            return
        if isinstance(thing, sa.MetaData):
            for table in thing.sorted_tables:
                self._add_quietly(table)
            return
        self.register(thing)

    def _add_quietly(self, thing: Any) -> None:
        try:
            self.register(thing)
        except TypeError:
            pass  # a table serial cannot handle (composite key) is simply not offered

    def register(self, model: Any) -> ModelSpec:
        """Register one model class or Table; a class replaces its bare Table."""
        spec = describe(model)
        current = self._specs.get(spec.label)
        if current is not None and current.model is not None and spec.model is None:
            return current
        self._specs[spec.label] = spec
        self._tables[spec.table.name.lower()] = spec
        return spec

    def unregister(self, label_or_model: Any) -> None:
        label = (
            label_or_model if isinstance(label_or_model, str) else describe(label_or_model).label
        )
        spec = self._specs.pop(label.lower(), None)
        if spec is not None:
            self._tables.pop(spec.table.name.lower(), None)

    def get(self, label: str) -> ModelSpec:
        """The spec for ``"app_label.model_name"``; :class:`ModelNotFound` otherwise."""
        key = label.lower() if isinstance(label, str) else ""
        spec = (
            self._specs.get(key) or self._tables.get(key) or self._tables.get(key.replace(".", "_"))
        )
        if spec is None:
            raise ModelNotFound(f"Invalid model identifier: {label!r}", model=None)
        return spec

    def for_table(self, table: sa.Table, model: type[Any] | None = None) -> ModelSpec:
        """The registered spec of ``table``, else that of ``model`` (or of the bare table)."""
        spec = self._tables.get(table.name.lower())
        if spec is not None and (spec.model is not None or model is None):
            return spec
        return related_spec(None, table, model)

    def __contains__(self, label: object) -> bool:
        try:
            self.get(label)  # type: ignore[arg-type]
        except ModelNotFound:
            return False
        return True

    def __iter__(self) -> Iterator[ModelSpec]:
        return iter(list(self._specs.values()))

    def __len__(self) -> int:
        return len(self._specs)

    def labels(self) -> list[str]:
        return sorted(self._specs)

    def is_through(self, spec: ModelSpec) -> bool:
        """Whether ``spec``'s table is the automatic through table of a registered M2M."""
        for other in self._specs.values():
            for m in other.m2m:
                if m.through is spec.table and m.auto_created:
                    return True
        return False


def default_registry() -> ModelRegistry:
    """orm-lite's models when orm-lite is in use (imported), else an error saying what to pass."""
    orm = sys.modules.get("manouche.orm_lite")
    # orm-lite's registry lists its models (with the automatic through models, which
    # fixtures may name); read it without importing orm-lite.
    reg = getattr(orm, "registry", None) if orm is not None else None
    get_models = getattr(reg, "get_models", None)
    if not callable(get_models):
        raise TypeError(
            "No models to deserialize into: pass models= (model classes, Tables, a MetaData, "
            "a module or a ModelRegistry)"
        )
    return ModelRegistry(get_models(include_auto_created=True))


def as_registry(models: Any) -> ModelRegistry:
    if models is None:
        return default_registry()
    if isinstance(models, ModelRegistry):
        return models
    if isinstance(models, sa.MetaData | types.ModuleType | str | sa.Table) or isinstance(
        models, type
    ):
        return ModelRegistry([models])
    return ModelRegistry(models)


# Helpers used by writers that need Python types without importing them twice.
DATE_TYPES = (dt.date, dt.time)

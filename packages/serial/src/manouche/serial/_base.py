"""The two directions: ``BaseSerializer`` writes objects, ``BaseDeserializer`` reads them.

A format subclasses both. Writing goes object by object through
:meth:`BaseSerializer.write_object`, which receives the model spec, the pk
and the field values as Python values (foreign keys as raw ids or natural
keys, many-to-many as lists); the JSON-family formats turn them into the
fixture dict with :class:`Plan`. Reading yields :class:`DeserializedObject`
from plain fixture dicts (:func:`objects_from_dicts`), whatever the syntax.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO, Any

import sqlalchemy as sa

from manouche.serial._db import Using, connection_for
from manouche.serial._models import (
    FieldSpec,
    M2MSpec,
    ModelRegistry,
    ModelSpec,
    _get,
    as_registry,
    fresh,
    model_of,
    related_spec,
)
from manouche.serial._values import INLINE_ENV, TextValue, convert
from manouche.serial.exceptions import DeserializationError, ModelNotFound

__all__ = ["BaseDeserializer", "BaseSerializer", "DeserializedObject", "ProgressBar"]

#: How deep a JSON value may nest (``max_depth=`` changes it).
MAX_DEPTH = 64

#: Marker of a value that must wait for a later object (``handle_forward_references``).
DEFER_FIELD = object()


class ProgressBar:
    """Django's dotted progress bar: ``[......    ]`` on ``output`` as objects are written."""

    progress_width = 75

    def __init__(self, output: IO[str] | None, total_count: int) -> None:
        self.output = output
        self.total_count = total_count
        self.prev_done = 0

    def update(self, count: int) -> None:
        if not self.output or not self.total_count:
            return
        perc = count * 100 // self.total_count
        done = perc * self.progress_width // 100
        if self.prev_done >= done:
            return
        self.prev_done = done
        cr = "" if self.total_count == 1 else "\r"
        self.output.write(cr + "[" + "." * done + " " * (self.progress_width - done) + "]")
        if done == self.progress_width:
            self.output.write("\n")
        self.output.flush()


class Plan:
    """How one model's objects are written under one set of options (built once per model)."""

    def __init__(
        self,
        spec: ModelSpec,
        registry: ModelRegistry | None,
        fields: Iterable[str] | None,
        natural_fk: bool,
        natural_pk: bool,
    ) -> None:
        self.spec = spec
        selected = set(fields) if fields is not None else None
        self.write_pk = not (natural_pk and spec.has_natural_key)
        self.fields: list[FieldSpec] = []
        self.natural: list[bool] = []
        own = list(spec.fields)
        if not self.write_pk and spec.pk.target is not None:
            # A multi-table child's pk is its parent link: without a pk the object could
            # not be loaded, so the link is written as a field (as Django does).
            own.insert(0, spec.pk)
            local = getattr(getattr(spec.model, "_meta", None), "local_fields", None)
            if local is not None:  # Django's order: a later parent's link comes first
                order = {f.name: i for i, f in enumerate(local)}
                own.sort(key=lambda f: order.get(f.name, len(order)))
        for f in own:
            # Django matches selected names against attname (``author_id`` minus ``_id``).
            if selected is not None and f.name not in selected and f.attr not in selected:
                continue
            self.fields.append(f)
            related = _related_spec(registry, f) if f.target is not None else None
            self.natural.append(
                bool(natural_fk and related is not None and related.has_natural_key)
            )
        self.m2m: list[M2MSpec] = [
            m for m in spec.m2m if m.auto_created and (selected is None or m.name in selected)
        ]
        self.m2m_natural: list[bool] = []
        self.m2m_value: list[FieldSpec] = []
        for m in self.m2m:
            related = related_spec(registry, m.related_table, m.related_model)
            self.m2m_natural.append(bool(natural_fk and related.has_natural_key))
            self.m2m_value.append(FieldSpec(m.name, m.name, m.target, "ForeignKey"))
        self.related: dict[str, ModelSpec] = {}
        self.attrs = [spec.pk.attr, *[f.attr for f in self.fields]]
        #: The fields written by their model field's ``value_to_string``: (index, hook).
        self.hooked: list[tuple[int, Callable[[Any], str]]] = [
            (i, f.to_string) for i, f in enumerate(self.fields) if f.to_string is not None
        ]
        self.any_natural = any(self.natural)
        self.json_dict: Callable[[Any, Sequence[Any], list[list[Any]]], dict[str, Any]] = (
            self._compile()
        )

    def _compile(self) -> Callable[[Any, Sequence[Any], list[list[Any]]], dict[str, Any]]:
        """Build ``json_dict(pk, values, m2m)``: the fixture dict (JSON-ready values) of one object.

        The function is generated once per model and options, one expression per
        field, so writing an object costs one call instead of a loop over fields.
        Names enter the source only through ``repr()``.
        """
        env: dict[str, Any] = {"__builtins__": {}}
        items: list[str] = []
        for i, (f, natural) in enumerate(zip(self.fields, self.natural, strict=True)):
            conv = f.to_json
            if natural or conv is None:
                items.append(f"{f.name!r}: v[{i}]")
            else:
                env[f"c{i}"] = conv
                items.append(f"{f.name!r}: None if v[{i}] is None else c{i}(v[{i}])")
        for j, (m, natural, vf) in enumerate(
            zip(self.m2m, self.m2m_natural, self.m2m_value, strict=True)
        ):
            conv = vf.to_json
            if natural or conv is None:
                items.append(f"{m.name!r}: m[{j}]")
            else:
                env[f"m{j}"] = conv
                items.append(f"{m.name!r}: [m{j}(x) for x in m[{j}]]")
        env["label"] = self.spec.label
        head = '"model": label, '
        if self.write_pk:
            conv = self.spec.pk.to_json
            if conv is None:
                head += '"pk": pk, '
            else:
                env["cpk"] = conv
                head += '"pk": None if pk is None else cpk(pk), '
        source = (
            f'def json_dict(pk, v, m):\n    return {{{head}"fields": {{{", ".join(items)}}}}}\n'
        )
        exec(compile(source, f"<serial plan {self.spec.label}>", "exec"), env)
        fn: Callable[[Any, Sequence[Any], list[list[Any]]], dict[str, Any]] = env["json_dict"]
        return fn


class _Row:
    """The values of a row as attributes, for ``value_to_string`` when there is no instance."""

    def __init__(self, attrs: Sequence[str], values: Sequence[Any]) -> None:
        self.__dict__.update(zip(attrs, values, strict=True))


def hook_strings(plan: Plan, values: Sequence[Any], obj: Any = None) -> list[Any]:
    """``values`` with each hooked field's value replaced by its ``value_to_string(obj)``
    (None stays None, as Django writes it); ``obj`` defaults to the row's values."""
    out = list(values)
    source = obj
    if source is None or isinstance(source, dict):
        source = _Row(plan.attrs[1:], values)
    for i, to_string in plan.hooked:
        if out[i] is not None:
            out[i] = to_string(source)
    return out


def _related_spec(registry: ModelRegistry | None, f: FieldSpec) -> ModelSpec:
    assert f.target is not None
    return related_spec(registry, f.target.table, f.related_model)


class BaseSerializer:
    """Writes objects to a stream; a format overrides the ``start``/``write_object``/``end`` hooks.

    ``serialize(objects, stream=None, fields=None, indent=None,
    use_natural_foreign_keys=False, use_natural_primary_keys=False)`` as
    Django's; returns the text when no stream is given.
    """

    stream_class: Callable[[], IO[str]] = io.StringIO
    internal_use_only = False

    def __init__(self) -> None:
        self.options: dict[str, Any] = {}
        self.stream: IO[str] = io.StringIO()
        self.selected_fields: Iterable[str] | None = None
        self.use_natural_foreign_keys = False
        self.use_natural_primary_keys = False
        self.first = True
        self._plans: dict[int, Plan] = {}
        self.registry: ModelRegistry | None = None

    def serialize(
        self,
        queryset: Iterable[Any],
        *,
        stream: IO[str] | None = None,
        fields: Iterable[str] | None = None,
        use_natural_foreign_keys: bool = False,
        use_natural_primary_keys: bool = False,
        progress_output: IO[str] | None = None,
        object_count: int = 0,
        **options: Any,
    ) -> Any:
        self.begin(
            stream=stream,
            fields=fields,
            use_natural_foreign_keys=use_natural_foreign_keys,
            use_natural_primary_keys=use_natural_primary_keys,
            **options,
        )
        progress = ProgressBar(progress_output, object_count)
        for count, obj in enumerate(queryset, start=1):
            spec = model_of(obj)
            plan = self.plan(spec)
            pk, values, m2m = self._extract(plan, obj)
            self.write_object(plan, pk, values, m2m)
            self.first = False
            progress.update(count)
        return self.finish()

    # -- the lower level, used by dumpdata to write database rows ----------------

    def begin(
        self,
        *,
        stream: IO[str] | None = None,
        fields: Iterable[str] | None = None,
        use_natural_foreign_keys: bool = False,
        use_natural_primary_keys: bool = False,
        registry: ModelRegistry | None = None,
        **options: Any,
    ) -> None:
        self.options = options
        self.stream = stream if stream is not None else self.stream_class()
        self.selected_fields = fields
        self.use_natural_foreign_keys = use_natural_foreign_keys
        self.use_natural_primary_keys = use_natural_primary_keys
        self.registry = registry
        self.first = True
        self._plans = {}
        self.start_serialization()

    def finish(self) -> Any:
        self.end_serialization()
        return self.getvalue()

    def plan(self, spec: ModelSpec) -> Plan:
        plan = self._plans.get(id(spec))
        if plan is None:
            key = id(spec)
            spec = fresh(spec)  # once per model and call: Column.info may have changed
            plan = Plan(
                spec,
                self.registry,
                self.selected_fields,
                self.use_natural_foreign_keys,
                self.use_natural_primary_keys,
            )
            self._plans[key] = plan
        return plan

    def _extract(self, plan: Plan, obj: Any) -> tuple[Any, Sequence[Any], list[list[Any]]]:
        if isinstance(obj, dict):
            row: Sequence[Any] = [obj.get(a) for a in plan.attrs]
        else:
            row = [getattr(obj, a) for a in plan.attrs]
        pk = row[0]
        values = row[1:]
        if plan.hooked:
            values = hook_strings(plan, values, obj)
        if plan.any_natural:
            values = list(values)
            for i, (f, natural) in enumerate(zip(plan.fields, plan.natural, strict=True)):
                if natural and values[i] is not None:
                    related = _related_obj(obj, f)
                    values[i] = _related_spec(self.registry, f).natural_key_of(related)
        m2m: list[list[Any]] = []
        for m, natural in zip(plan.m2m, plan.m2m_natural, strict=True):
            related_objs = _m2m_objects(obj, m, natural)
            if natural:
                m2m.append([model_of(r).natural_key_of(r) for r in related_objs])
            else:
                m2m.append(
                    [
                        r if not hasattr(r, "__table__") else _get(r, model_of(r).pk.attr)
                        for r in related_objs
                    ]
                )
        return pk, values, m2m

    def write_row(self, plan: Plan, pk: Any, values: Sequence[Any], m2m: list[list[Any]]) -> None:
        self.write_object(plan, pk, values, m2m)
        self.first = False

    # -- hooks ------------------------------------------------------------------------

    def start_serialization(self) -> None:
        raise NotImplementedError("subclasses of BaseSerializer must provide start_serialization()")

    def end_serialization(self) -> None:
        pass

    def write_object(
        self, plan: Plan, pk: Any, values: Sequence[Any], m2m: list[list[Any]]
    ) -> None:
        raise NotImplementedError("subclasses of BaseSerializer must provide write_object()")

    def getvalue(self) -> Any:
        """The text written, when the stream was the serializer's own."""
        getvalue = getattr(self.stream, "getvalue", None)
        return getvalue() if callable(getvalue) else None


def _related_obj(obj: Any, f: FieldSpec) -> Any:
    if isinstance(obj, dict):
        raise TypeError("natural foreign keys need model instances, not dicts")
    if _get(obj, f.attr) is None:
        return None
    return getattr(obj, f.name)


def _m2m_objects(obj: Any, m: M2MSpec, natural: bool) -> list[Any]:
    """The objects related through ``m``: prefetched ones if any (no query), else one
    query, reading only their pks when their natural keys are not needed (as Django)."""
    prefetched = getattr(obj, "_prefetched_objects_cache", None)
    if isinstance(prefetched, dict) and m.name in prefetched:
        return list(prefetched[m.name])
    related = getattr(obj, m.name)
    everything = getattr(related, "all", None)
    if not callable(everything):
        return list(related)  # a SQLAlchemy relationship: a list already
    qs = everything()
    if not natural:
        only = getattr(qs, "only", None)
        pk = getattr(getattr(getattr(qs, "model", None), "_meta", None), "pk", None)
        if callable(only) and pk is not None:
            qs = only(pk.name)
            joins = getattr(qs, "select_related", None)
            if callable(joins):
                qs = joins(None)  # a manager's select_related would read rows for nothing
    return list(qs)


# -- reading -------------------------------------------------------------------------


class DeserializedObject:
    """An object read from a fixture, not saved yet: ``.object``, ``.m2m_data``, ``.save()``.

    ``.object`` is a model instance built with ``Model(**attrs)`` (or the same
    values positionally, see ``ModelSpec.make``) on first access (a dict for
    a bare Table). ``data`` maps attributes to the fixture's values;
    ``m2m_data`` maps each many-to-many field to the list of related pks;
    ``deferred_fields`` holds the natural keys that did not resolve yet
    (``handle_forward_references``), to be resolved by
    :meth:`save_deferred_fields`.
    """

    # The generated readers set every slot themselves (``_new_object``): keep them in step.
    # A complete object from a generated reader keeps its values as a tuple in
    # ``spec.value_attrs()`` order (``_values``, ``_data`` None): ``.object`` is made from
    # it directly and ``data`` becomes a dict only when asked for. ``m2m_data`` and
    # ``deferred_fields`` are made on first access when the reader had none (``None``).
    __slots__ = ("spec", "_data", "_values", "_m2m", "_deferred", "index", "_object")

    def __init__(
        self,
        spec: ModelSpec | None = None,
        data: dict[str, Any] | None = None,
        m2m_data: dict[str, list[Any]] | None = None,
        deferred_fields: dict[str, Any] | None = None,
        index: int | None = None,
        obj: Any = None,
    ) -> None:
        if spec is None:
            # Django's spelling: ``DeserializedObject(obj=instance)``.
            if obj is None:
                raise TypeError("DeserializedObject() needs a model spec or obj=")
            spec = model_of(obj)
        self.spec = spec
        self._data: dict[str, Any] | None = {} if data is None else data
        self._values: tuple[Any, ...] | None = None
        self._m2m: dict[str, list[Any]] | None = m2m_data
        self._deferred: dict[str, Any] | None = deferred_fields
        self.index = index
        self._object = obj

    @property
    def m2m_data(self) -> dict[str, list[Any]]:
        """``{many-to-many field: [related pks]}``."""
        m2m = self._m2m
        if m2m is None:
            m2m = self._m2m = {}
        return m2m

    @m2m_data.setter
    def m2m_data(self, value: dict[str, list[Any]]) -> None:
        self._m2m = value

    @property
    def deferred_fields(self) -> dict[str, Any]:
        """``{field: natural key}`` of the references left for :meth:`save_deferred_fields`."""
        deferred = self._deferred
        if deferred is None:
            deferred = self._deferred = {}
        return deferred

    @deferred_fields.setter
    def deferred_fields(self, value: dict[str, Any]) -> None:
        self._deferred = value

    @property
    def data(self) -> dict[str, Any]:
        """``{attribute: value}`` as read from the fixture."""
        data = self._data
        if data is None:
            values = self._values
            assert values is not None
            data = self._data = dict(zip(self.spec.value_attrs(), values, strict=True))
            self._values = None
        return data

    @data.setter
    def data(self, value: dict[str, Any]) -> None:
        self._data = value
        self._values = None

    @property
    def object(self) -> Any:
        obj = self._object
        if obj is None:
            values = self._values
            if values is not None:
                obj = self._object = self.spec.make(values)
            else:
                obj = self._object = self.spec.build(self.data)
        return obj

    @object.setter
    def object(self, value: Any) -> None:
        self._object = value

    @property
    def pk(self) -> Any:
        if self._object is not None:
            return _get(self._object, self.spec.pk.attr)
        return self.data.get(self.spec.pk.attr)

    def __repr__(self) -> str:
        return f"<DeserializedObject: {self.spec.model_label}(pk={self.pk!r})>"

    def row(self) -> dict[str, Any]:
        """Column values to write: the instance's when it was touched, else the fixture's."""
        spec = self.spec
        if self._object is not None:
            obj = self._object
            out = {}
            for f in (spec.pk, *spec.fields):
                try:
                    out[f.column.key] = _get(obj, f.attr)
                except AttributeError:
                    continue
            return out
        values = self._values
        if values is not None:
            return dict(zip(spec.value_columns(), values, strict=True))
        data = self.data
        return {f.column.key: data[f.attr] for f in (spec.pk, *spec.fields) if f.attr in data}

    def save(
        self, save_m2m: bool = True, using: Using = None, *, force_insert: bool = False
    ) -> None:
        """Write the row (update when the pk exists, else insert) and its many-to-many rows.

        ``force_insert=True`` always inserts: a row that exists is the database's error.
        """
        from manouche.serial._saving import save_objects

        with _transaction(using) as conn:
            save_objects(conn, [self], save_m2m=save_m2m, using=using, force_insert=force_insert)

    def save_deferred_fields(
        self, using: Using = None, registry: ModelRegistry | None = None
    ) -> None:
        """Resolve the natural keys left for later and save again."""
        from manouche.serial._saving import save_objects

        with _transaction(using) as conn:
            resolve_deferred(self, conn, registry, using)
            save_objects(conn, [self], save_m2m=True, using=using)


def _transaction(using: Using) -> Any:
    from manouche.serial._db import transaction

    return transaction(using)


def resolve_deferred(
    obj: DeserializedObject,
    conn: sa.Connection | None,
    registry: ModelRegistry | None,
    using: Any = None,
) -> None:
    spec = obj.spec
    for name, value in list(obj.deferred_fields.items()):
        f = spec.fields_by_name.get(name)
        try:
            if f is not None:
                related = _related_spec(registry, f)
                pk = related.lookup_natural(conn, value, using)
                obj.data[f.attr] = pk
                if obj._object is not None:
                    setattr(obj._object, f.attr, pk)
            else:
                m = spec.m2m_by_name[name]
                rel = related_spec(registry, m.related_table, m.related_model)
                obj.m2m_data[name] = [rel.lookup_natural(conn, v, using) for v in value]
        except LookupError as exc:
            raise DeserializationError(
                str(exc), index=obj.index, model=spec.label, pk=obj.pk, field=name
            ) from None
    obj.deferred_fields = {}


class BaseDeserializer:
    """Iterates over a stream (or string), yielding :class:`DeserializedObject`.

    :param models: what labels resolve to (a :class:`ModelRegistry`, model
        classes, a MetaData or a module); orm-lite's models by default.
    :param using: where natural keys are looked up (Connection, Engine or Database).
    :param ignorenonexistent: skip unknown models and fields instead of failing.
    :param handle_forward_references: keep unresolved natural keys in
        ``deferred_fields`` instead of failing.
    """

    def __init__(
        self,
        stream_or_string: Any,
        *,
        models: Any = None,
        using: Using = None,
        ignorenonexistent: bool = False,
        handle_forward_references: bool = False,
        **options: Any,
    ) -> None:
        self.options = options
        self.stream = stream_or_string
        self.registry = as_registry(models)
        self.using = using
        self.ignorenonexistent = ignorenonexistent
        self.handle_forward_references = handle_forward_references
        self.max_depth: int = options.get("max_depth", MAX_DEPTH)
        self._objects: Iterator[DeserializedObject] | None = None
        self._conn: sa.Connection | None = None
        self._conn_ready = False

    def connection(self) -> sa.Connection | None:
        if not self._conn_ready:
            self._conn = connection_for(self.using)
            self._conn_ready = True
        return self._conn

    def __iter__(self) -> Iterator[DeserializedObject]:
        # The objects themselves (one call less an object than going through ``__next__``).
        if self._objects is None:
            self._objects = self.objects()
        return self._objects

    def __next__(self) -> DeserializedObject:
        if self._objects is None:
            self._objects = self.objects()
        return next(self._objects)

    def objects(self) -> Iterator[DeserializedObject]:
        raise NotImplementedError("subclasses of BaseDeserializer must provide objects()")


def _fail(
    reason: str, index: int, model: str | None = None, pk: Any = None, field: str | None = None
) -> None:
    raise DeserializationError(reason, index=index, model=model, pk=pk, field=field)


def objects_from_dicts(de: BaseDeserializer, dicts: Iterable[Any]) -> Iterator[DeserializedObject]:
    """Fixture dicts (``{"model", "pk", "fields"}``) to deserialized objects, located on error.

    Each object goes to its model's generated reader (found by label); anything
    the reader does not take (a label not seen yet, not an object, an unknown
    model, a reader giving up) goes through :func:`_read_slowly`.
    """
    readers: dict[Any, Callable[..., DeserializedObject]] = {}
    for index, d in enumerate(dicts, start=1):
        try:
            obj = readers[d["model"]](d, de, index)
        except Exception:
            found = _read_slowly(de, d, index, readers)
            if found is None:
                continue
            obj = found
        yield obj


def _read_slowly(
    de: BaseDeserializer,
    d: Any,
    index: int,
    readers: dict[Any, Callable[..., DeserializedObject]],
) -> DeserializedObject | None:
    """One object the long way: checked, its model looked up, the general path if need be.

    ``None`` when its model is unknown and ``ignorenonexistent`` is set. A model
    seen for the first time gets its reader into ``readers``, and tries it once.
    """
    if not isinstance(d, dict):
        _fail(f"expected an object, got {type(d).__name__}", index)
    label = d.get("model")
    if not isinstance(label, str):
        _fail("missing or invalid 'model'", index)
    try:
        spec = de.registry.get(label)
    except ModelNotFound as exc:
        if de.ignorenonexistent:
            return None
        raise exc.located(index=index, model=label) from None
    if label not in readers:
        read = readers[label] = spec.fast_reader or _fast_reader(spec)
        try:
            return read(d, de, index)
        except Exception:
            pass
    pk_value = d.get("pk")
    try:
        return _build_general(
            de,
            spec,
            pk_value,
            d.get("fields", {}),
            index,
            de.ignorenonexistent,
            de.handle_forward_references,
        )
    except DeserializationError as exc:
        raise exc.located(index=index, model=spec.label, pk=pk_value) from None


class _Slow(Exception):
    """The generated reader met a case it leaves to the general one (a natural key)."""


_MISSING = object()


def _fast_reader(spec: ModelSpec) -> Callable[..., DeserializedObject]:
    """Generate ``read(d, de, index)`` for one model's fixture dicts ``d``, kept on the spec.

    One block per known field with the field's conversion inline, so a fixture
    object costs a call, not a loop with lookups and calls. Anything unusual
    (unknown fields, attnames, natural keys, a value to convert the long way,
    an error) raises, and the caller re-runs the general path, which handles
    it or locates the error precisely: both paths give the same objects.
    """
    env: dict[str, Any] = {
        "__builtins__": {
            "type": type,
            "list": list,
            "dict": dict,
            "len": len,
            "str": str,
            "int": int,
            "float": float,
            "bool": bool,
        },
        **INLINE_ENV,
        "M": _MISSING,
        "Slow": _Slow,
        "depth": check_depth,
        "mv": _m2m_values,
        "DO": DeserializedObject,
        "new": DeserializedObject.__new__,
        "spec": spec,
        "rpk": spec.pk.reader,
        "natural": _natural_pk,
    }
    pk_expr = spec.pk.inline.replace("{r}", "rpk")
    lines = ["def read(d, de, index):", '    pk = d.get("pk")', '    fields = d["fields"]']
    if not spec.m2m:
        # Every field given with a pk (a dump's objects): no lookups to miss, and the
        # values kept as a tuple in the order ``spec.make`` takes them.
        lines += [f"    if pk is not None and len(fields) == {len(spec.fields)}:", "        v = pk"]
        lines.append(f"        a = {pk_expr}")
        names = {spec.pk.attr: "a"}
        for i, f in enumerate(spec.fields):
            lines += _field_lines(f, f"fields[{f.name!r}]", "        ")
            lines.append(f"        a{i} = {f.inline.replace('{r}', f'r{i}')}")
            names[f.attr] = f"a{i}"
        values = ", ".join(names[a] for a in spec.value_attrs())
        lines += _new_object("None", f"({values},)", "None", "None", "        ")
    lines += [
        "    data = {}",
        "    if pk is not None:",
        "        v = pk",
        f"        data[{spec.pk.attr!r}] = {pk_expr}",
        "    get = fields.get",
        "    n = 0",
    ]
    for i, f in enumerate(spec.fields):
        env[f"r{i}"] = f.reader
        lines += [f"    v = get({f.name!r}, M)", "    if v is not M:", "        n += 1"]
        lines += _field_lines(f, None, "        ")
        lines.append(f"        data[{f.attr!r}] = {f.inline.replace('{r}', f'r{i}')}")
    if spec.m2m:
        lines += ["    m2m_data = {}", "    deferred = {}"]
    else:
        lines += ["    m2m_data = None", "    deferred = None"]
    for j, m in enumerate(spec.m2m):
        env[f"m{j}"] = m
        lines += [
            f"    v = get({m.name!r}, M)",
            "    if v is not M:",
            "        n += 1",
            f"        m2m_data[{m.name!r}] = mv(de, m{j}, v, {m.name!r}, deferred, "
            "de.handle_forward_references)",
        ]
    lines.append("    if n != len(fields): raise Slow")
    if spec.has_natural_key and spec.has_natural_lookup:
        # An object without pk takes the pk of the row with its natural key, if any.
        lines += _new_object("data", "None", "m2m_data", "deferred", "    ", returns=False)
        lines += ["    if pk is None: natural(de, o)", "    return o"]
    else:
        lines += _new_object("data", "None", "m2m_data", "deferred", "    ")
    exec(compile("\n".join(lines) + "\n", f"<serial reader {spec.label}>", "exec"), env)
    fn: Callable[..., DeserializedObject] = env["read"]
    spec.fast_reader = fn
    return fn


def _field_lines(f: FieldSpec, source: str | None, indent: str) -> list[str]:
    """Source reading field ``f`` into ``v`` (from ``source`` when given) and vetting it."""
    lines = [f"{indent}v = {source}"] if source is not None else []
    if f.target is not None:
        lines.append(f"{indent}if type(v) is list: raise Slow")  # a natural key
    if f.kind == "JSONField":
        lines.append(
            f"{indent}if type(v) is dict or type(v) is list: depth(v, de.max_depth, {f.name!r})"
        )
    return lines


def _new_object(
    data: str, values: str, m2m: str, deferred: str, indent: str, returns: bool = True
) -> list[str]:
    """Source making a DeserializedObject ``o``: slot by slot, cheaper than calling the class."""
    lines = [
        f"{indent}o = new(DO)",
        f"{indent}o.spec = spec",
        f"{indent}o._data = {data}",
        f"{indent}o._values = {values}",
        f"{indent}o._m2m = {m2m}",
        f"{indent}o._deferred = {deferred}",
        f"{indent}o.index = index",
        f"{indent}o._object = None",
    ]
    return [*lines, f"{indent}return o"] if returns else lines


def _build_general(
    de: BaseDeserializer,
    spec: ModelSpec,
    pk_value: Any,
    fields: Any,
    index: int,
    ignore: bool,
    forward: bool,
) -> DeserializedObject:
    label = spec.label
    data: dict[str, Any] = {}
    if pk_value is not None:
        data[spec.pk.attr] = convert(spec.pk.reader, pk_value, False, label, "pk")
    if not isinstance(fields, dict):
        raise DeserializationError("'fields' must be an object", index=index)
    # The general path: natural keys, attnames, unknown fields, and precise errors.
    m2m_data: dict[str, list[Any]] = {}
    deferred: dict[str, Any] = {}
    by_name = spec.fields_by_name
    attrs = spec.attrs
    for name, value in fields.items():
        f = by_name.get(name) or attrs.get(name)
        if f is not None:
            if value is None:
                data[f.attr] = None
                continue
            if f.target is None:
                if f.kind == "JSONField" and isinstance(value, dict | list):
                    check_depth(value, de.max_depth, name)
                try:
                    data[f.attr] = f.reader(value, type(value) is TextValue)
                except (ValueError, TypeError, OverflowError) as exc:
                    raise DeserializationError(
                        str(exc), model=label, field=name, value=value
                    ) from exc
                continue
            if isinstance(value, list):
                if any(isinstance(part, list | dict) for part in value):
                    raise DeserializationError("a natural key is a flat list of values", field=name)
                related = _related_spec(de.registry, f)
                if not related.has_natural_lookup:
                    raise DeserializationError(
                        f"{related.label} has no get_by_natural_key(): cannot resolve {value!r}",
                        field=name,
                    )
                try:
                    data[f.attr] = related.lookup_natural(de.connection(), value, de.using)
                except LookupError as exc:
                    if not forward:
                        raise DeserializationError(str(exc), field=name, value=value) from None
                    deferred[f.name] = value
                continue
            data[f.attr] = convert(f.reader, value, type(value) is TextValue, label, name)
            continue
        m = spec.m2m_by_name.get(name)
        if m is not None:
            m2m_data[name] = _m2m_values(de, m, value, name, deferred, forward)
            continue
        if ignore:
            continue
        raise DeserializationError(f"{label} has no field named {name!r}", field=name)
    obj = DeserializedObject(spec, data, m2m_data, deferred, index)
    if pk_value is None and spec.has_natural_key and spec.has_natural_lookup:
        _natural_pk(de, obj)
    return obj


def check_depth(value: Any, limit: int, field: str | None = None) -> None:
    """Refuse values nested deeper than ``limit`` (iteratively, no recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        v, depth = stack.pop()
        if depth > limit:
            raise DeserializationError(f"JSON nested deeper than {limit} levels", field=field)
        if isinstance(v, dict):
            stack.extend((x, depth + 1) for x in v.values() if isinstance(x, dict | list))
        elif isinstance(v, list):
            stack.extend((x, depth + 1) for x in v if isinstance(x, dict | list))


def _natural_pk(de: BaseDeserializer, obj: DeserializedObject) -> None:
    spec = obj.spec
    if spec.natural_key_fields is not None and spec.model is None:
        key = [obj.data.get(spec.fields_by_name[n].attr) for n in spec.natural_key_fields]
    else:
        key = spec.natural_key_of(obj.object)
    try:
        pk = spec.lookup_natural(de.connection(), key, de.using)
    except LookupError:
        return
    obj.data[spec.pk.attr] = pk
    if obj._object is not None:
        setattr(obj._object, spec.pk.attr, pk)


def _m2m_values(
    de: BaseDeserializer, m: M2MSpec, value: Any, name: str, deferred: dict[str, Any], forward: bool
) -> list[Any]:
    if not isinstance(value, list):
        raise DeserializationError(
            f"a many-to-many value must be a list, got {type(value).__name__}",
            field=name,
            value=value,
        )
    related = de.registry.for_table(m.related_table, m.related_model)
    reader = FieldSpec(m.name, m.name, m.target, "ForeignKey").reader
    out = []
    for v in value:
        if isinstance(v, list):
            if not related.has_natural_lookup:
                raise DeserializationError(
                    f"{related.label} has no get_by_natural_key(): cannot resolve {v!r}", field=name
                )
            try:
                out.append(related.lookup_natural(de.connection(), v, de.using))
            except LookupError as exc:
                if not forward:
                    raise DeserializationError(str(exc), field=name, value=v) from None
                deferred[name] = value
                return []
        else:
            try:
                out.append(reader(v, False) if v is not None else None)
            except (ValueError, TypeError, OverflowError) as exc:
                # The object being loaded is named by the caller; say which related key failed.
                raise DeserializationError(
                    f"{exc} (a {related.label} key)", field=name, value=v
                ) from exc
    return out


def text_or_bytes(data: Any) -> Any:
    """A text stream over ``data`` (str, bytes or an already open stream)."""
    if isinstance(data, bytes | bytearray | memoryview):
        return io.TextIOWrapper(io.BytesIO(bytes(data)), encoding="utf-8")
    if isinstance(data, str):
        return io.StringIO(data)
    if _is_binary_stream(data):
        # Django reads fixtures opened in binary mode too: decode them as UTF-8.
        return io.TextIOWrapper(io.BufferedReader(_Unclosed(data)), encoding="utf-8")
    return data


def _is_binary_stream(stream: Any) -> bool:
    if isinstance(stream, io.TextIOBase):
        return False
    if isinstance(stream, io.RawIOBase | io.BufferedIOBase):
        return True
    mode = getattr(stream, "mode", None)
    return isinstance(mode, str) and "b" in mode


class _Unclosed(io.RawIOBase):
    """A binary stream of the caller's, read through but never closed by the wrapper."""

    def __init__(self, raw: Any) -> None:
        self._raw = raw

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        data = self._raw.read(len(b))
        n = len(data)
        b[:n] = data
        return n

    def close(self) -> None:
        pass

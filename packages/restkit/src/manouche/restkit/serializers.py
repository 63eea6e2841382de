"""Serializers with DRF's API: ``Serializer``, ``ListSerializer``, ``ModelSerializer``.

Fields are declared on the class, bound once per serializer instance by a
shallow copy (DRF deep-copies every field of every serializer it makes), and
reading and validation walk a plan computed once per bound serializer, so
that ``many=True`` over thousands of objects does the per-object work only.
"""

from __future__ import annotations

import copy
import datetime
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar

from manouche.restkit import fields as f
from manouche.restkit._compiled import compile_reader
from manouche.restkit._i18n import capfirst
from manouche.restkit._i18n import gettext_noop as _
from manouche.restkit.exceptions import ErrorDetail, SkipField, ValidationError
from manouche.restkit.fields import (  # noqa: F401 - DRF re-exports fields from serializers
    BooleanField,
    CharField,
    ChoiceField,
    DateField,
    DateTimeField,
    DecimalField,
    DictField,
    DurationField,
    EmailField,
    Field,
    FloatField,
    HiddenField,
    IntegerField,
    IPAddressField,
    JSONField,
    ListField,
    ModelField,
    MultipleChoiceField,
    ReadOnlyField,
    RegexField,
    SerializerMethodField,
    SlugField,
    TimeField,
    URLField,
    UUIDField,
    empty,
    set_value,
)
from manouche.restkit.relations import (  # noqa: F401
    HyperlinkedIdentityField,
    HyperlinkedRelatedField,
    ManyRelatedField,
    PrimaryKeyRelatedField,
    RelatedField,
    SlugRelatedField,
    StringRelatedField,
)
from manouche.restkit.validators import (
    SQLAlchemyQuery,
    UniqueTogetherValidator,
    UniqueValidator,
)

NON_FIELD_ERRORS_KEY = "non_field_errors"
ALL_FIELDS = "__all__"
LIST_SERIALIZER_KWARGS = (
    "read_only", "write_only", "required", "default", "initial", "source", "label",
    "help_text", "style", "error_messages", "allow_empty", "instance", "data", "partial",
    "context", "allow_null", "max_length", "min_length",
)  # fmt: skip


class ReturnDict(dict[str, Any]):
    """A dict that remembers the serializer it came from (``serializer.data.serializer``)."""

    def __init__(self, *args: Any, serializer: Any = None, **kwargs: Any) -> None:
        self.serializer = serializer
        super().__init__(*args, **kwargs)


class ReturnList(list[Any]):
    def __init__(self, *args: Any, serializer: Any = None) -> None:
        self.serializer = serializer
        super().__init__(*args)


def as_serializer_error(exc: Exception) -> dict[str, Any]:
    """The error of a ``validate()`` in DRF's shape: a dict of lists."""
    if isinstance(exc, ValidationError):
        detail = exc.detail
    else:
        detail = f._foreign_validation_error(exc) or [ErrorDetail(str(exc), "invalid")]
    if isinstance(detail, Mapping):
        return {
            key: value if isinstance(value, (list, Mapping)) else [value]
            for key, value in detail.items()
        }
    if isinstance(detail, list):
        return {NON_FIELD_ERRORS_KEY: detail}
    return {NON_FIELD_ERRORS_KEY: [detail]}


_SIMPLE: frozenset[type] = frozenset(f._SIMPLE_CALLABLES)


_PLAIN_GET_FIELDS: set[Any] = set()
_new_object = object.__new__


def _binds_alike(cls: type, bound: Mapping[str, Field]) -> bool:
    """Whether every instance of ``cls`` binds the same fields the same way.

    True when the class takes its fields from its declaration (or its model) and
    no field's binding reads the parent (a nested serializer takes ``partial``
    from it): the bound fields can then be copied instead of bound again.
    """
    if "_bound_prototypes" in cls.__dict__ or cls.get_fields not in _PLAIN_GET_FIELDS:  # type: ignore[attr-defined]
        return False
    for field in bound.values():
        if isinstance(field, BaseSerializer) or type(field).bind not in (
            Field.bind,
            f.SerializerMethodField.bind,
        ):
            return False
    return True


def _copy_field(field: Field) -> Field:
    """A field's copy for one serializer (its own ``__deepcopy__``, without copy's machinery)."""
    return field.__deepcopy__({})


class BaseSerializer(Field):
    """What every serializer offers: ``is_valid``, ``errors``, ``data``, ``save``."""

    _context: dict[str, Any]

    def __init__(self, instance: Any = None, data: Any = empty, **kwargs: Any) -> None:
        self.instance = instance
        if data is not empty:
            self.initial_data = data
        self.partial = kwargs.pop("partial", False)
        self._context = kwargs.pop("context", {})
        kwargs.pop("many", None)
        super().__init__(**kwargs)

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        if kwargs.pop("many", False):
            return cls.many_init(*args, **kwargs)
        return super().__new__(cls)

    @classmethod
    def many_init(cls, *args: Any, **kwargs: Any) -> ListSerializer:
        list_kwargs: dict[str, Any] = {}
        for key in ("allow_empty", "max_length", "min_length"):
            if key in kwargs:
                list_kwargs[key] = kwargs.pop(key)
        child = cls(*args, **kwargs)
        list_kwargs["child"] = child
        list_kwargs.update({k: v for k, v in kwargs.items() if k in LIST_SERIALIZER_KWARGS})
        meta = getattr(cls, "Meta", None)
        list_class = getattr(meta, "list_serializer_class", ListSerializer)
        return list_class(*args, **list_kwargs)

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        clone = super().__deepcopy__(memo)
        clone.__dict__.pop("_fields", None)
        clone.__dict__.pop("_plan", None)
        clone.__dict__.pop("_read", None)
        return clone

    def to_internal_value(self, data: Any) -> Any:
        raise NotImplementedError("`to_internal_value()` must be implemented.")

    def to_representation(self, instance: Any) -> Any:
        raise NotImplementedError("`to_representation()` must be implemented.")

    def update(self, instance: Any, validated_data: dict[str, Any]) -> Any:
        raise NotImplementedError("`update()` must be implemented.")

    def create(self, validated_data: dict[str, Any]) -> Any:
        raise NotImplementedError("`create()` must be implemented.")

    def save(self, **kwargs: Any) -> Any:
        if not hasattr(self, "_errors"):
            raise AssertionError("You must call `.is_valid()` before calling `.save()`.")
        if self._errors:
            raise AssertionError("You cannot call `.save()` on a serializer with invalid data.")
        if hasattr(self, "_data"):
            raise AssertionError(
                "You cannot call `.save()` after accessing `serializer.data`. If you need to "
                "access data before committing to the database then inspect "
                "'serializer.validated_data' instead."
            )
        validated_data = {**self.validated_data, **kwargs}
        if self.instance is not None:
            self.instance = self.update(self.instance, validated_data)
        else:
            self.instance = self.create(validated_data)
        return self.instance

    def is_valid(self, *, raise_exception: bool = False) -> bool:
        if not hasattr(self, "initial_data"):
            raise AssertionError(
                "Cannot call `.is_valid()` as no `data=` keyword argument was passed when "
                "instantiating the serializer instance."
            )
        if not hasattr(self, "_validated_data"):
            try:
                self._validated_data = self.run_validation(self.initial_data)
            except ValidationError as exc:
                self._validated_data = {}
                self._errors = exc.detail
            else:
                self._errors = {}
        if self._errors and raise_exception:
            raise ValidationError(self.errors)
        return not bool(self._errors)

    @property
    def data(self) -> Any:
        if hasattr(self, "initial_data") and not hasattr(self, "_validated_data"):
            raise AssertionError(
                "When a serializer is passed a `data` keyword argument you must call "
                "`.is_valid()` before attempting to access the serialized `.data` "
                "representation.\nYou should either call `.is_valid()` first, or access "
                "`.initial_data` instead."
            )
        if not hasattr(self, "_data"):
            if self.instance is not None and not getattr(self, "_errors", None):
                self._data = self.to_representation(self.instance)
            elif hasattr(self, "_validated_data") and not getattr(self, "_errors", None):
                self._data = self.to_representation(self.validated_data)
            else:
                self._data = self.get_initial()
        return self._data

    @property
    def errors(self) -> Any:
        if not hasattr(self, "_errors"):
            raise AssertionError("You must call `.is_valid()` before accessing `.errors`.")
        return self._errors

    @property
    def validated_data(self) -> Any:
        if not hasattr(self, "_validated_data"):
            raise AssertionError("You must call `.is_valid()` before accessing `.validated_data`.")
        return self._validated_data

    @property
    def context(self) -> dict[str, Any]:
        root = self.root
        found: dict[str, Any] = root._context if root is not self else self._context
        return found


class SerializerMetaclass(type):
    """Collects the declared fields (and the bases') into ``_declared_fields``, in order."""

    def __new__(mcs, name: str, bases: tuple[type, ...], attrs: dict[str, Any]) -> Any:
        own = [(key, value) for key, value in attrs.items() if isinstance(value, Field)]
        own.sort(key=lambda item: item[1]._creation_counter)
        for key, _field in own:
            attrs.pop(key)
        known: set[str] = set()
        inherited: list[tuple[str, Field]] = []
        for base in reversed([b for b in bases if hasattr(b, "_declared_fields")]):
            for key, value in base._declared_fields.items():
                if key not in known and key not in attrs:
                    inherited.append((key, value))
                    known.add(key)
        for base in bases:
            for key in getattr(base, "_declared_fields", {}):
                if key in attrs and attrs[key] is None:
                    inherited = [(k, v) for k, v in inherited if k != key]
        attrs["_declared_fields"] = dict(inherited + own)
        return super().__new__(mcs, name, bases, attrs)


class Serializer(BaseSerializer, metaclass=SerializerMetaclass):
    """A serializer of declared fields (DRF's ``serializers.Serializer``)."""

    _declared_fields: ClassVar[dict[str, Field]]
    default_error_messages = {
        "invalid": _("Invalid data. Expected a dictionary, but got {datatype}.")
    }

    @property
    def fields(self) -> dict[str, Field]:
        try:
            return self.__dict__["_fields"]  # type: ignore[no-any-return]
        except KeyError:
            pass
        cls = type(self)
        protos = cls.__dict__.get("_bound_prototypes")
        if protos is not None:
            # Every field was bound once for this class: a copy of the bound field,
            # given this serializer as its parent, is what binding would produce.
            bound = {}
            for name, proto, field_class, state in protos:
                if state is None:  # a field holding another (ListField's child)
                    clone = proto.__deepcopy__({})
                    clone.parent = self
                else:
                    clone = _new_object(field_class)
                    clone.__dict__ = state = state.copy()
                    state["parent"] = self
                bound[name] = clone
            self.__dict__["_fields"] = bound
            return bound
        bound = {}
        for name, field in self.get_fields().items():
            field.bind(name, self)
            bound[name] = field
        self.__dict__["_fields"] = bound
        if _binds_alike(cls, bound):
            protos = []
            for name, field in bound.items():
                proto = field.__deepcopy__({})
                state = None if "child" in proto.__dict__ else proto.__dict__
                protos.append((name, proto, type(proto), state))
            cls._bound_prototypes = protos  # type: ignore[attr-defined]
        return bound

    def get_fields(self) -> dict[str, Field]:
        return {name: _copy_field(field) for name, field in self._declared_fields.items()}

    @property
    def _writable_fields(self) -> Iterable[Field]:
        for field in self.fields.values():
            if not field.read_only:
                yield field

    @property
    def _readable_fields(self) -> Iterable[Field]:
        for field in self.fields.values():
            if not field.write_only:
                yield field

    def _writable_plan(self) -> list[Any]:
        try:
            return self.__dict__["_plan"]  # type: ignore[no-any-return]
        except KeyError:
            pass
        writable = []
        for field in self._writable_fields:
            validate = getattr(self, "validate_" + field.field_name, None)
            writable.append((field, validate, field.source_attrs))
        self.__dict__["_plan"] = writable
        return writable

    def _reader(self) -> Callable[[Any], dict[str, Any]]:
        try:
            return self.__dict__["_read"]  # type: ignore[no-any-return]
        except KeyError:
            pass
        read = compile_reader([(field.field_name, field) for field in self._readable_fields])
        self.__dict__["_read"] = read
        return read

    def get_initial(self) -> Any:
        if hasattr(self, "initial_data"):
            if not isinstance(self.initial_data, Mapping):
                return {}
            return {
                name: field.get_value(self.initial_data)
                for name, field in self.fields.items()
                if field.get_value(self.initial_data) is not empty and not field.read_only
            }
        return {
            field.field_name: field.get_initial()
            for field in self.fields.values()
            if not field.write_only
        }

    def get_value(self, dictionary: Mapping[str, Any]) -> Any:
        if f._is_html_input(dictionary):
            prefix = self.field_name + "."
            nested = {k[len(prefix) :]: dictionary[k] for k in dictionary if k.startswith(prefix)}
            if not nested:
                return empty if self.field_name not in dictionary else dictionary[self.field_name]
            return nested
        return dictionary.get(self.field_name, empty)

    def run_validation(self, data: Any = empty) -> Any:
        is_empty, data = self.validate_empty_values(data)
        if is_empty:
            return data
        value = self.to_internal_value(data)
        try:
            self.run_validators(value)
            value = self.validate(value)
            if value is None:
                raise AssertionError(".validate() should return the validated data")
        except ValidationError as exc:
            raise ValidationError(detail=as_serializer_error(exc)) from None
        except Exception as exc:
            if f._foreign_validation_error(exc) is None:
                raise
            raise ValidationError(detail=as_serializer_error(exc)) from None
        return value

    def _read_only_defaults(self) -> dict[str, Any]:
        defaults: dict[str, Any] = {}
        for field in self.fields.values():
            if field.read_only and field.default is not empty and field.source != "*":
                try:
                    default = field.get_default()
                except SkipField:
                    continue
                set_value(defaults, field.source_attrs, default)
        return defaults

    def run_validators(self, value: Any) -> None:
        if isinstance(value, dict) and self.validators:
            to_validate = self._read_only_defaults()
            to_validate.update(value)
        else:
            to_validate = value
        super().run_validators(to_validate)

    def get_validators(self) -> list[Callable[..., Any]]:
        meta = getattr(self, "Meta", None)
        return list(getattr(meta, "validators", None) or [])

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, Mapping):
            message = self.error_messages["invalid"].format(datatype=type(data).__name__)
            raise ValidationError({NON_FIELD_ERRORS_KEY: [message]}, code="invalid")
        result: dict[str, Any] = {}
        errors: dict[str, Any] = {}
        for field, validate_method, attrs in self._writable_plan():
            primitive = field.get_value(data)
            try:
                value = field.run_validation(primitive)
                if validate_method is not None:
                    value = validate_method(value)
            except ValidationError as exc:
                errors[field.field_name] = exc.detail
            except SkipField:
                pass
            except Exception as exc:
                converted = f._foreign_validation_error(exc)
                if converted is None:
                    raise
                errors[field.field_name] = converted
            else:
                if len(attrs) == 1:
                    result[attrs[0]] = value
                else:
                    set_value(result, attrs, value)
        if errors:
            raise ValidationError(errors)
        return result

    def to_representation(self, instance: Any) -> Any:
        return self._reader()(instance)

    def validate(self, attrs: Any) -> Any:
        return attrs

    @property
    def data(self) -> Any:
        return ReturnDict(super().data, serializer=self)

    @property
    def errors(self) -> Any:
        detail = super().errors
        if (
            isinstance(detail, list)
            and len(detail) == 1
            and getattr(detail[0], "code", "") == "null"
        ):
            detail = {NON_FIELD_ERRORS_KEY: [ErrorDetail("No data provided", code="null")]}
        return ReturnDict(detail, serializer=self)

    def __iter__(self) -> Any:
        return iter(self.fields.values())

    def __getitem__(self, key: str) -> Field:
        return self.fields[key]

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class ListSerializer(BaseSerializer):
    """Many objects through one ``child`` serializer (what ``many=True`` makes)."""

    child: Any = None
    many = True
    default_error_messages = {
        "not_a_list": _('Expected a list of items but got type "{input_type}".'),
        "empty": _("This list may not be empty."),
        "max_length": _("Ensure this field has no more than {max_length} elements."),
        "min_length": _("Ensure this field has at least {min_length} elements."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.child = kwargs.pop("child", copy.deepcopy(self.child))
        self.allow_empty = kwargs.pop("allow_empty", True)
        self.max_length = kwargs.pop("max_length", None)
        self.min_length = kwargs.pop("min_length", None)
        if self.child is None:
            raise TypeError("`child` is a required argument.")
        super().__init__(*args, **kwargs)
        self.child.bind(field_name="", parent=self)

    def bind(self, field_name: str, parent: Any) -> None:
        super().bind(field_name, parent)
        self.partial = getattr(parent, "partial", False) or self.partial

    def get_initial(self) -> Any:
        if hasattr(self, "initial_data"):
            return self.to_representation(self.initial_data)
        return []

    def get_value(self, dictionary: Mapping[str, Any]) -> Any:
        return dictionary.get(self.field_name, empty)

    def run_validation(self, data: Any = empty) -> Any:
        is_empty, data = self.validate_empty_values(data)
        if is_empty:
            return data
        value = self.to_internal_value(data)
        try:
            self.run_validators(value)
            value = self.validate(value)
            if value is None:
                raise AssertionError(".validate() should return the validated data")
        except ValidationError as exc:
            raise ValidationError(detail=as_serializer_error(exc)) from None
        return value

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, list):
            message = self.error_messages["not_a_list"].format(input_type=type(data).__name__)
            raise ValidationError({NON_FIELD_ERRORS_KEY: [message]}, code="not_a_list")
        if not self.allow_empty and len(data) == 0:
            raise ValidationError(
                {NON_FIELD_ERRORS_KEY: [self.error_messages["empty"]]}, code="empty"
            )
        if self.max_length is not None and len(data) > self.max_length:
            message = self.error_messages["max_length"].format(max_length=self.max_length)
            raise ValidationError({NON_FIELD_ERRORS_KEY: [message]}, code="max_length")
        if self.min_length is not None and len(data) < self.min_length:
            message = self.error_messages["min_length"].format(min_length=self.min_length)
            raise ValidationError({NON_FIELD_ERRORS_KEY: [message]}, code="min_length")
        result: list[Any] = []
        errors: dict[int, Any] = {}
        run = self.run_child_validation
        for index, item in enumerate(data):
            try:
                validated = run(item)
            except ValidationError as exc:
                errors[index] = exc.detail
            else:
                result.append(validated)
        if errors:
            raise ValidationError(errors)
        return result

    def run_child_validation(self, data: Any) -> Any:
        """Validate one item (override to set ``self.child.instance`` for many updates)."""
        return self.child.run_validation(data)

    def to_representation(self, data: Any) -> Any:
        iterable = data.all() if hasattr(data, "all") and not isinstance(data, list) else data
        child = self.child
        if (
            isinstance(child, Serializer)
            and type(child).to_representation is Serializer.to_representation
        ):
            read = child._reader()
            return [read(item) for item in iterable]
        represent = child.to_representation
        return [represent(item) for item in iterable]

    def validate(self, attrs: Any) -> Any:
        return attrs

    def create(self, validated_data: Any) -> Any:
        return [self.child.create(attrs) for attrs in validated_data]

    def update(self, instance: Any, validated_data: Any) -> Any:
        raise NotImplementedError(
            "Serializers with many=True do not support multiple update by default, only "
            "multiple create. For updates it is unclear how to deal with insertions and "
            "deletions. If you need to support multiple update, use a `ListSerializer` "
            "class and override `.update()` so you can specify the behavior exactly."
        )

    def save(self, **kwargs: Any) -> Any:
        validated_data = [{**attrs, **kwargs} for attrs in self.validated_data]
        if self.instance is not None:
            self.instance = self.update(self.instance, validated_data)
        else:
            self.instance = self.create(validated_data)
        return self.instance

    def is_valid(self, *, raise_exception: bool = False) -> bool:
        return super().is_valid(raise_exception=raise_exception)

    @property
    def data(self) -> Any:
        return ReturnList(super().data, serializer=self)

    @property
    def errors(self) -> Any:
        detail = super().errors
        if (
            isinstance(detail, list)
            and len(detail) == 1
            and getattr(detail[0], "code", "") == "null"
        ):
            detail = {NON_FIELD_ERRORS_KEY: [ErrorDetail("No data provided", code="null")]}
        if isinstance(detail, dict):
            return ReturnDict(detail, serializer=self)
        return ReturnList(detail, serializer=self)


# -- model serializers ---------------------------------------------------------------

from manouche.restkit import _modelmeta  # noqa: E402 - after the classes it does not need
from manouche.validation import ModelField as _ModelFieldInfo  # noqa: E402
from manouche.validation import ModelInfo  # noqa: E402


def _session_of(meta: Any) -> Any:
    return getattr(meta, "session", None)


def default_queryset(model: Any, meta: Any) -> Any:
    """``model.objects.all()`` for orm-lite, a SQLAlchemyQuery for a declarative model."""
    manager = getattr(model, "objects", None)
    if manager is not None and hasattr(manager, "filter"):
        return manager.all()
    session = _session_of(meta)
    if session is None:
        raise TypeError(
            f"{model.__name__} is a SQLAlchemy model: give the serializer's Meta a `session` "
            "(a Session, or a callable returning one such as Flask-SQLAlchemy's db.session) "
            "so relations and unique fields can be checked"
        )
    return SQLAlchemyQuery(model, session)


class _LazyQuery:
    """A queryset made on first use, so a SQLAlchemy model without a session can still be read."""

    def __init__(self, model: Any, meta: Any) -> None:
        self.model = model
        self.meta = meta

    def _real(self) -> Any:
        return default_queryset(self.model, self.meta)

    def all(self) -> Any:
        return self._real()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real(), name)


_TYPE_FIELDS: list[tuple[str, type[Field]]] = [
    ("Boolean", BooleanField),
    ("Integer", IntegerField),
    ("Float", FloatField),
    ("Numeric", DecimalField),
    ("DateTime", DateTimeField),
    ("Date", DateField),
    ("Time", TimeField),
    ("Interval", DurationField),
    ("Uuid", UUIDField),
    ("UUID", UUIDField),
    ("JSON", JSONField),
    ("String", CharField),
]
_DJANGO_FIELDS: dict[str, type[Field]] = {
    "EmailField": EmailField,
    "URLField": URLField,
    "SlugField": SlugField,
    "UUIDField": UUIDField,
    "GenericIPAddressField": IPAddressField,
    "IPAddressField": IPAddressField,
    "JSONField": JSONField,
    "DurationField": DurationField,
    "DecimalField": DecimalField,
    "FloatField": FloatField,
    "BooleanField": BooleanField,
    "DateTimeField": DateTimeField,
    "DateField": DateField,
    "TimeField": TimeField,
}


def _field_class_for(mf: _ModelFieldInfo, mapping: Mapping[str, type[Field]]) -> type[Field]:
    by_django = _DJANGO_FIELDS.get(_modelmeta.django_field(mf))
    if by_django is not None:
        return by_django
    for cls in type(mf.column.type).__mro__:
        for prefix, field_class in _TYPE_FIELDS:
            if cls.__name__ == prefix or cls.__name__.endswith(prefix):
                return mapping.get(cls.__name__, field_class)
    return ModelField


def _model_verbose_name(info: Any) -> str:
    named = info.table.info.get("verbose_name")
    if named:
        return str(named)
    meta = getattr(info.model, "_meta", None)
    named = getattr(meta, "verbose_name", None)
    if named:
        return str(named)
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", info.model.__name__).lower().strip()


class ModelSerializer(Serializer):
    """A serializer whose fields come from the model of ``Meta.model``.

    Works for orm-lite models and plain SQLAlchemy declarative models, read
    through their ``__table__``. A SQLAlchemy model's relations and unique
    fields are checked through ``Meta.session``.
    """

    serializer_field_mapping: ClassVar[dict[str, type[Field]]] = {}
    serializer_related_field: ClassVar[type[RelatedField]] = PrimaryKeyRelatedField
    serializer_url_field: ClassVar[type[Field]] = HyperlinkedIdentityField
    url_field_name = "url"

    @classmethod
    def _model_info(cls) -> ModelInfo:
        meta = getattr(cls, "Meta", None)
        model = getattr(meta, "model", None)
        if model is None:
            raise TypeError(f'Class {cls.__name__} missing "Meta.model" attribute')
        return _modelmeta.describe(model)

    def get_field_names(self, declared: Mapping[str, Field], info: Any) -> list[str]:
        meta = self.Meta  # type: ignore[attr-defined]
        fields = getattr(meta, "fields", None)
        exclude = getattr(meta, "exclude", None)
        if fields is None and exclude is None:
            raise TypeError(
                f"Creating a ModelSerializer without either the 'fields' attribute or the "
                f"'exclude' attribute is not allowed: add one to {type(self).__name__}.Meta"
            )
        if fields is not None and exclude is not None:
            raise TypeError(
                f"Cannot set both 'fields' and 'exclude' options on {type(self).__name__}"
            )
        if fields is not None and fields != ALL_FIELDS and not isinstance(fields, (list, tuple)):
            raise TypeError(
                'The `fields` option must be a list or tuple or "__all__". '
                f"Got {type(fields).__name__}."
            )
        if fields == ALL_FIELDS:
            fields = None
        if fields is not None:
            missing = [name for name in declared if name not in fields]
            if missing:
                raise TypeError(
                    f"The field '{missing[0]}' was declared on serializer {type(self).__name__}, "
                    "but has not been included in the 'fields' option."
                )
            return list(fields)
        names = self.get_default_field_names(declared, info)
        for name in exclude or ():
            if name not in names:
                raise TypeError(
                    f"The field '{name}' was included on serializer {type(self).__name__} "
                    "in the 'exclude' option, but does not match any model field."
                )
            names.remove(name)
        return names

    def get_default_field_names(self, declared: Mapping[str, Field], info: Any) -> list[str]:
        names = [_modelmeta.primary_key(info).name, *declared]
        names += [mf.name for mf in info.fields if not mf.primary_key and mf.name not in names]
        return names

    def get_fields(self) -> dict[str, Field]:
        cls = type(self)
        cached = cls.__dict__.get("_model_field_cache")
        if cached is None:
            cached = self._build_fields()
            cls._model_field_cache = cached  # type: ignore[attr-defined]
        return {name: _copy_field(field) for name, field in cached.items()}

    def _build_fields(self) -> dict[str, Field]:
        meta = self.Meta  # type: ignore[attr-defined]
        info = self._model_info()
        declared = self._declared_fields
        depth = getattr(meta, "depth", 0)
        if depth < 0 or depth > 10:
            raise TypeError("'depth' may not be negative or greater than 10.")
        extra_kwargs: dict[str, dict[str, Any]] = {
            k: dict(v) for k, v in (getattr(meta, "extra_kwargs", None) or {}).items()
        }
        for name in getattr(meta, "read_only_fields", None) or ():
            extra_kwargs.setdefault(name, {})["read_only"] = True
        result: dict[str, Field] = {}
        for name in self.get_field_names(declared, info):
            if name in declared:
                result[name] = declared[name]
                continue
            kwargs = extra_kwargs.get(name, {})
            source = kwargs.get("source", name)
            field_class, field_kwargs = self.build_field(source, info, meta, depth)
            if kwargs.get("read_only"):
                for key in ("required", "allow_null", "allow_blank", "queryset", "validators",
                            "max_length", "min_length", "max_value", "min_value"):  # fmt: skip
                    field_kwargs.pop(key, None)
            field_kwargs.update(kwargs)
            if field_kwargs.get("default", empty) is not empty:
                field_kwargs.pop("required", None)
            result[name] = field_class(**field_kwargs)
        return result

    def build_field(
        self, name: str, info: Any, meta: Any, depth: int
    ) -> tuple[type[Field], dict[str, Any]]:
        mf = info.by_name.get(name)
        if mf is None and name == "pk":
            mf = _modelmeta.primary_key(info)
        if mf is not None and _modelmeta.is_column(mf):
            return self.build_standard_field(mf, meta)
        if mf is not None:
            if depth:
                return self.build_nested_field(mf, meta, depth)
            return self.build_relational_field(mf, meta)
        if name == self.url_field_name:
            return self.build_url_field(info)
        attr = getattr(info.model, name, None)
        if attr is not None:
            return ReadOnlyField, {}
        raise TypeError(
            f"Field name `{name}` is not valid for model `{info.model.__name__}` "
            f"in `{type(self).__module__}.{type(self).__name__}`."
        )

    def build_standard_field(
        self, mf: _ModelFieldInfo, meta: Any
    ) -> tuple[type[Field], dict[str, Any]]:
        kwargs: dict[str, Any] = {}
        if mf.verbose_name and mf.verbose_name != mf.name.replace("_", " "):
            kwargs["label"] = capfirst(mf.verbose_name)
        elif mf.primary_key and mf.name == "id":
            kwargs["label"] = "ID"
        if mf.help_text:
            kwargs["help_text"] = mf.help_text
        auto = _modelmeta.is_auto(mf)
        blank = _modelmeta.is_blank(mf, self._model_info())
        if auto or not mf.editable:
            kwargs["read_only"] = True
            return IntegerField if auto else _field_class_for(
                mf, self.serializer_field_mapping
            ), kwargs
        if _modelmeta.has_default(mf) or blank or mf.null:
            kwargs["required"] = False
        if mf.null:
            kwargs["allow_null"] = True
        if mf.choices:
            kwargs["choices"] = mf.choices
            if blank:
                kwargs["allow_blank"] = True
            field_class: type[Field] = ChoiceField
        else:
            field_class = _field_class_for(mf, self.serializer_field_mapping)
        if issubclass(field_class, CharField):
            if blank:
                kwargs["allow_blank"] = True
            length = _modelmeta.max_length(mf)
            if length is not None and _modelmeta.django_field(mf) != "TextField":
                kwargs["max_length"] = length
        if field_class is DecimalField:
            kwargs["max_digits"] = mf.info.get(
                "max_digits", getattr(mf.column.type, "precision", None)
            )
            kwargs["decimal_places"] = mf.info.get(
                "decimal_places", getattr(mf.column.type, "scale", None)
            )
        if field_class is DateTimeField and type(mf.column.type).__name__ == "DateTimeType":
            # orm-lite stores naive UTC: say so on the way out, read naive input as UTC.
            kwargs["default_timezone"] = datetime.UTC
        positive = _modelmeta.django_field(mf).startswith("Positive")
        if issubclass(field_class, IntegerField) and positive:
            kwargs["min_value"] = 0
        validators: list[Any] = list(mf.info.get("validators") or [])
        if mf.unique and not mf.primary_key:
            queryset = _LazyQuery(self._model_info().model, meta)
            message = (
                f"{_model_verbose_name(self._model_info())} with this {mf.verbose_name} "
                "already exists."
            )
            validators.append(UniqueValidator(queryset=queryset, message=message))
        if validators:
            kwargs["validators"] = validators
        return field_class, kwargs

    def build_relational_field(
        self, mf: _ModelFieldInfo, meta: Any
    ) -> tuple[type[Field], dict[str, Any]]:
        field_class = self.serializer_related_field
        kwargs: dict[str, Any] = {"queryset": _LazyQuery(mf.related_model, meta)}
        if issubclass(field_class, HyperlinkedRelatedField):
            kwargs["view_name"] = f"{mf.related_model.__name__.lower()}-detail"
        blank = _modelmeta.is_blank(mf, self._model_info())
        if mf.kind == "m2m":
            kwargs["many"] = True
            if blank:
                kwargs["required"] = False
                kwargs["allow_empty"] = True
        else:
            if mf.null:
                kwargs["allow_null"] = True
            if mf.null or blank or _modelmeta.has_default(mf):
                kwargs["required"] = False
            if not mf.editable:
                kwargs = {"read_only": True}
        if mf.verbose_name and mf.verbose_name != mf.name.replace("_", " "):
            kwargs["label"] = capfirst(mf.verbose_name)
        return field_class, kwargs

    def build_nested_field(
        self, mf: _ModelFieldInfo, meta: Any, depth: int
    ) -> tuple[type[Field], dict[str, Any]]:
        outer_session = _session_of(meta)

        class NestedSerializer(ModelSerializer):
            class Meta:
                model = mf.related_model
                fields = ALL_FIELDS
                session = outer_session

        NestedSerializer.Meta.depth = depth - 1  # type: ignore[attr-defined]
        kwargs: dict[str, Any] = {"read_only": True}
        if mf.kind == "m2m":
            kwargs["many"] = True
        return NestedSerializer, kwargs

    def build_url_field(self, info: Any) -> tuple[type[Field], dict[str, Any]]:
        return self.serializer_url_field, {"view_name": f"{info.model.__name__.lower()}-detail"}

    def get_validators(self) -> list[Callable[..., Any]]:
        meta = self.Meta  # type: ignore[attr-defined]
        explicit = getattr(meta, "validators", None)
        if explicit is not None:
            return list(explicit)
        info = self._model_info()
        names = {field.source for field in self.fields.values() if not field.read_only}
        names |= {
            field.source
            for field in self.fields.values()
            if field.read_only and field.default is not empty
        }
        found: list[Callable[..., Any]] = []
        for group in info.unique_together:
            if set(group) <= names:
                found.append(
                    UniqueTogetherValidator(queryset=_LazyQuery(info.model, meta), fields=group)
                )
        return found

    # -- writes -------------------------------------------------------------

    def _split_many(self, info: Any, data: dict[str, Any]) -> dict[str, Any]:
        many = {}
        for mf in info.fields:
            if mf.kind == "m2m" and mf.name in data:
                many[mf.name] = data.pop(mf.name)
        return many

    def create(self, validated_data: dict[str, Any]) -> Any:
        info = self._model_info()
        data = dict(validated_data)
        many = self._split_many(info, data)
        model = info.model
        if _modelmeta.has_manager(info):
            instance = model.objects.create(**data)
            for name, values in many.items():
                getattr(instance, name).set(values)
            return instance
        session = default_queryset(model, self.Meta).session  # type: ignore[attr-defined]
        instance = model(**data)
        for name, values in many.items():
            setattr(instance, name, list(values))
        session.add(instance)
        session.commit()
        return instance

    def update(self, instance: Any, validated_data: dict[str, Any]) -> Any:
        info = self._model_info()
        data = dict(validated_data)
        many = self._split_many(info, data)
        for key, value in data.items():
            setattr(instance, key, value)
        if _modelmeta.has_manager(info):
            instance.save()
            for name, values in many.items():
                getattr(instance, name).set(values)
            return instance
        for name, values in many.items():
            setattr(instance, name, list(values))
        session = default_queryset(info.model, self.Meta).session  # type: ignore[attr-defined]
        session.add(instance)
        session.commit()
        return instance


class HyperlinkedModelSerializer(ModelSerializer):
    """A ModelSerializer that links: a ``url`` field and hyperlinked relations."""

    serializer_related_field = HyperlinkedRelatedField

    def get_default_field_names(self, declared: Mapping[str, Field], info: Any) -> list[str]:
        names = [self.url_field_name, *declared]
        names += [mf.name for mf in info.fields if not mf.primary_key and mf.name not in names]
        return names


_PLAIN_GET_FIELDS.update((Serializer.get_fields, ModelSerializer.get_fields))

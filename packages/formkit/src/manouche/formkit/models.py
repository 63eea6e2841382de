"""ModelForm, model choice fields and model formsets, from SQLAlchemy metadata.

A model is anything with a ``__table__``: an orm-lite model or a plain
SQLAlchemy declarative class (Flask-SQLAlchemy's included). Fields come from
the columns and their ``Column.info`` keys (docs/contracts.md); foreign keys
become a choice of rows, many-to-many relations a multiple choice.

Queries (choices, unique checks) run on ``db``: a SQLAlchemy ``Session``, an
orm-lite ``Database``, an ``Engine`` or a ``Connection``, given to the form or
in ``Meta.db``. Saving calls ``saver(instance)`` when given, else
``instance.save()`` when the instance has one, else adds it to the Session.
Only fields of the form are ever assigned to the instance.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from manouche.formkit import fields as f
from manouche.formkit._modelmeta import NOT_PROVIDED, Data, ModelField, describe, sqlalchemy
from manouche.formkit._modelmeta import pk_value as _pk_value
from manouche.formkit.exceptions import ValidationError
from manouche.formkit.forms import BaseForm, DeclarativeFieldsMetaclass
from manouche.formkit.formsets import BaseFormSet, formset_factory
from manouche.formkit.translation import gettext
from manouche.formkit.utils import ErrorList
from manouche.formkit.widgets import (
    HiddenInput,
    MultipleHiddenInput,
    Select,
    SelectMultiple,
    Textarea,
    _LazyChoices,
)

__all__ = [
    "ALL_FIELDS",
    "BaseInlineFormSet",
    "BaseModelForm",
    "BaseModelFormSet",
    "ImproperlyConfigured",
    "ModelChoiceField",
    "ModelForm",
    "ModelFormMetaclass",
    "ModelMultipleChoiceField",
    "construct_instance",
    "fields_for_model",
    "inlineformset_factory",
    "model_to_dict",
    "modelform_factory",
    "modelformset_factory",
]

ALL_FIELDS = "__all__"


class ImproperlyConfigured(Exception):
    """A model form or formset declared in a way that cannot work."""


def _capfirst(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


# -- model choice fields ---------------------------------------------------------


class ModelChoiceField(f.ChoiceField):
    """One row of ``model``, chosen by primary key (or ``to_field_name``).

    The rows come from ``db`` (set by the ModelForm from its own ``db``),
    filtered by ``where`` (a SQLAlchemy clause) and sorted by ``order_by``.
    The clean value is the instance, or the key itself with ``return_key``.
    """

    default_error_messages = {
        "invalid_choice": "Select a valid choice. That choice is not one of the available choices."
    }

    def __init__(
        self,
        model: Any,
        *,
        db: Any = None,
        where: Any = None,
        order_by: Sequence[Any] | None = None,
        empty_label: str | None = "---------",
        to_field_name: str | None = None,
        return_key: bool = False,
        blank: bool = False,
        **kwargs: Any,
    ) -> None:
        self.model = model
        self.db = db
        self.where = where
        self.order_by = order_by
        self.to_field_name = to_field_name
        self.return_key = return_key
        required = kwargs.get("required", True)
        initial = kwargs.get("initial")
        self.empty_label = None if required and initial is not None else empty_label
        self.blank = blank
        kwargs.setdefault("widget", Select)
        super().__init__(choices=_LazyChoices(self._choices_now), **kwargs)

    def __deepcopy__(self, memo: dict[int, Any]) -> f.Field:
        result = super().__deepcopy__(memo)
        assert isinstance(result, ModelChoiceField)
        result.choices = _LazyChoices(result._choices_now)
        return result

    def _key_column(self) -> Any:
        info = describe(self.model)
        if self.to_field_name:
            return info.by_name[self.to_field_name].column
        return info.pk_column

    def _key_attr(self) -> str:
        info = describe(self.model)
        return self.to_field_name or info.pk_name

    def rows(self) -> list[Any]:
        if self.db is None:
            raise TypeError(
                f"{type(self).__name__} for {self.model.__name__} needs a database to list "
                "its choices: pass db=... (a SQLAlchemy Session, Engine or Connection, or an "
                "orm-lite Database) to the form or the field"
            )
        return Data(self.db).instances(self.model, self.where, self.order_by)

    def label_from_instance(self, obj: Any) -> str:
        return str(obj)

    def _choices_now(self) -> list[tuple[Any, Any]]:
        choices: list[tuple[Any, Any]] = []
        if self.empty_label is not None:
            choices.append(("", self.empty_label))
        key = self._key_attr()
        choices.extend((getattr(obj, key), self.label_from_instance(obj)) for obj in self.rows())
        return choices

    def prepare_value(self, value: Any) -> Any:
        if hasattr(value, "__table__"):
            return getattr(value, self._key_attr())
        return value

    def _lookup(self, values: Iterable[Any]) -> dict[str, Any]:
        """Instances whose key is among ``values`` (as text), keyed by text."""
        column = self._key_column()
        python_type = _python_type(column)
        keys = []
        for value in values:
            try:
                keys.append(_coerce_key(value, python_type))
            except (TypeError, ValueError, ArithmeticError):
                continue
        if not keys:
            return {}
        if self.db is None:
            self.rows()  # raises the explanatory error
        where = column.in_(keys)
        if self.where is not None:
            where = sqlalchemy().and_(where, self.where)
        found = Data(self.db).instances(self.model, where)
        key = self._key_attr()
        return {str(getattr(obj, key)): obj for obj in found}

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        if hasattr(value, "__table__"):
            value = getattr(value, self._key_attr())
        try:
            text = str(_coerce_key(value, _python_type(self._key_column())))
        except (TypeError, ValueError, ArithmeticError):
            raise self.error("invalid_choice", {"value": value}) from None
        obj = self._lookup([value]).get(text)
        if obj is None:
            raise self.error("invalid_choice", {"value": value})
        return getattr(obj, self._key_attr()) if self.return_key else obj

    def validate(self, value: Any) -> None:
        f.Field.validate(self, value)

    def valid_value(self, value: Any) -> bool:
        return bool(self._lookup([value]))

    def has_changed(self, initial: Any, data: Any) -> bool:
        if self.disabled:
            return False
        initial_value = self.prepare_value(initial) if initial is not None else ""
        data_value = data if data is not None else ""
        return str(initial_value) != str(data_value)


class ModelMultipleChoiceField(ModelChoiceField):
    """Several rows of ``model``; the clean value is a list of instances."""

    widget = SelectMultiple
    hidden_widget = MultipleHiddenInput
    default_error_messages = {
        "invalid_list": "Enter a list of values.",
        "invalid_choice": "Select a valid choice. %(value)s is not one of the available choices.",
        "invalid_pk_value": "“%(pk)s” is not a valid value.",
    }

    def __init__(self, model: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", SelectMultiple)
        super().__init__(model, empty_label=None, **kwargs)

    def to_python(self, value: Any) -> Any:
        if not value:
            return []
        return list(self._check_values(value))

    def clean(self, value: Any) -> Any:
        value = self.prepare_value(value)
        if self.required and not value:
            raise self.error("required")
        if not self.required and not value:
            return []
        if not isinstance(value, (list, tuple)):
            raise self.error("invalid_list")
        objects = self._check_values(value)
        self.run_validators(value)
        return objects

    def _check_values(self, value: Sequence[Any]) -> list[Any]:
        python_type = _python_type(self._key_column())
        texts = []
        for item in value:
            try:
                texts.append(str(_coerce_key(item, python_type)))
            except (TypeError, ValueError, ArithmeticError):
                raise self.error("invalid_pk_value", {"pk": item}) from None
        found = self._lookup(value)
        for text, item in zip(texts, value, strict=True):
            if text not in found:
                raise self.error("invalid_choice", {"value": item})
        seen = dict.fromkeys(texts)
        return [found[text] for text in seen]

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, (list, tuple)) or (
            hasattr(value, "__iter__") and not isinstance(value, (str, bytes, dict))
        ):
            return [super(ModelMultipleChoiceField, self).prepare_value(v) for v in value]
        return super().prepare_value(value)

    def has_changed(self, initial: Any, data: Any) -> bool:
        if self.disabled:
            return False
        initial = [] if initial is None else initial
        data = [] if data is None else data
        if len(initial) != len(data):
            return True
        return {str(v) for v in self.prepare_value(initial)} != {str(v) for v in data}


def _python_type(column: Any) -> Any:
    try:
        return column.type.python_type
    except (NotImplementedError, AttributeError):
        return str


def _coerce_key(value: Any, python_type: Any) -> Any:
    if python_type is int:
        if isinstance(value, bool):
            raise TypeError(value)
        return int(str(value).strip())
    if python_type is uuid.UUID:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    if python_type is decimal.Decimal:
        return decimal.Decimal(str(value))
    return str(value)


# -- fields from models ----------------------------------------------------------


_BY_DJANGO_NAME: dict[str, type[f.Field]] = {
    "CharField": f.CharField,
    "TextField": f.CharField,
    "EmailField": f.EmailField,
    "URLField": f.URLField,
    "SlugField": f.SlugField,
    "IntegerField": f.IntegerField,
    "SmallIntegerField": f.IntegerField,
    "BigIntegerField": f.IntegerField,
    "PositiveIntegerField": f.IntegerField,
    "PositiveSmallIntegerField": f.IntegerField,
    "PositiveBigIntegerField": f.IntegerField,
    "FloatField": f.FloatField,
    "DecimalField": f.DecimalField,
    "BooleanField": f.BooleanField,
    "NullBooleanField": f.NullBooleanField,
    "DateField": f.DateField,
    "DateTimeField": f.DateTimeField,
    "TimeField": f.TimeField,
    "DurationField": f.DurationField,
    "UUIDField": f.UUIDField,
    "JSONField": f.JSONField,
    "GenericIPAddressField": f.GenericIPAddressField,
    "FileField": f.FileField,
}


def _by_column_type(column: Any) -> type[f.Field]:
    sa = sqlalchemy()
    table: list[tuple[Any, type[f.Field]]] = [
        (sa.Boolean, f.BooleanField),
        (sa.Float, f.FloatField),
        (sa.Numeric, f.DecimalField),
        (sa.Integer, f.IntegerField),
        (sa.DateTime, f.DateTimeField),
        (sa.Date, f.DateField),
        (sa.Time, f.TimeField),
        (sa.Interval, f.DurationField),
        (sa.Uuid, f.UUIDField),
        (sa.JSON, f.JSONField),
        (sa.Enum, f.TypedChoiceField),
        (sa.String, f.CharField),
    ]
    by_type: dict[Any, type[f.Field]] = dict(table)
    for cls in type(column.type).__mro__:
        found = by_type.get(cls)
        if found is not None:
            return found
    return f.CharField


def _form_field(
    mf: ModelField,
    db: Any,
    widget: Any = None,
    label: str | None = None,
    help_text: str | None = None,
    error_messages: Mapping[str, Any] | None = None,
    field_class: type[f.Field] | None = None,
) -> f.Field:
    kwargs: dict[str, Any] = {
        "required": not mf.blank,
        "label": _capfirst(mf.verbose_name) if label is None else label,
        "help_text": mf.help_text if help_text is None else help_text,
    }
    if widget is not None:
        kwargs["widget"] = widget
    if error_messages:
        kwargs["error_messages"] = error_messages
    if mf.default is not NOT_PROVIDED:
        if callable(mf.default):
            kwargs["initial"] = mf.default
            kwargs["show_hidden_initial"] = True
        else:
            kwargs["initial"] = mf.default
    if mf.kind == "fk":
        cls = field_class or ModelChoiceField
        return cls(  # type: ignore[call-arg]
            mf.related_model,
            db=db,
            to_field_name=None,
            return_key=not mf.assign_instance,
            **kwargs,
        )
    if mf.kind == "m2m":
        cls = field_class or ModelMultipleChoiceField
        kwargs.pop("show_hidden_initial", None)
        return cls(mf.related_model, db=db, **kwargs)  # type: ignore[call-arg]
    column = mf.column
    django_name = mf.info.get("django_field")
    choices = mf.choices
    sa = sqlalchemy()
    if choices is None and isinstance(column.type, sa.Enum):
        choices = [(value, value) for value in column.type.enums]
    if choices is not None:
        include_blank = mf.blank or not (mf.default is not NOT_PROVIDED or "initial" in kwargs)
        full = ([("", "---------")] if include_blank else []) + list(choices)
        python_type = _python_type(column)
        cls = field_class or f.TypedChoiceField
        kwargs.update(choices=full, coerce=_coercer(python_type))
        if mf.null:
            kwargs["empty_value"] = None
        return cls(**kwargs)
    cls = field_class or _BY_DJANGO_NAME.get(str(django_name)) or _by_column_type(column)
    if issubclass(cls, f.CharField):
        max_length = mf.info.get("max_length", getattr(column.type, "length", None))
        if max_length is not None and cls is not f.JSONField:
            kwargs["max_length"] = max_length
        if mf.null:
            kwargs["empty_value"] = None
        if (django_name == "TextField" or isinstance(column.type, sa.Text)) and widget is None:
            kwargs["widget"] = Textarea
    if issubclass(cls, f.DecimalField):
        kwargs["max_digits"] = mf.info.get("max_digits", getattr(column.type, "precision", None))
        kwargs["decimal_places"] = mf.info.get(
            "decimal_places", getattr(column.type, "scale", None)
        )
    if cls is f.IntegerField and str(django_name).startswith("Positive"):
        kwargs["min_value"] = 0
    if issubclass(cls, f.BooleanField):
        kwargs["required"] = False
        if mf.null and cls is f.BooleanField:
            cls = f.NullBooleanField
    return cls(**kwargs)


def _coercer(python_type: Any) -> Callable[[Any], Any]:
    def coerce(value: Any) -> Any:
        if python_type in (int, float, decimal.Decimal, uuid.UUID):
            return python_type(value)
        if python_type is bool:
            return value in (True, "True", "true", "1")
        if python_type in (datetime.date, datetime.datetime):
            return value
        return value

    return coerce


def fields_for_model(
    model: Any,
    fields: Sequence[str] | str | None = None,
    exclude: Sequence[str] | None = None,
    widgets: Mapping[str, Any] | None = None,
    labels: Mapping[str, str] | None = None,
    help_texts: Mapping[str, str] | None = None,
    error_messages: Mapping[str, Mapping[str, Any]] | None = None,
    field_classes: Mapping[str, type[f.Field]] | None = None,
    db: Any = None,
) -> dict[str, f.Field]:
    """Form fields for the editable fields of ``model``, in declaration order."""
    info = describe(model)
    result: dict[str, f.Field] = {}
    wanted = None if fields in (None, ALL_FIELDS) else list(fields or ())
    for mf in info.fields:
        if not mf.editable:
            if wanted is not None and mf.name in wanted:
                raise ImproperlyConfigured(
                    f"'{mf.name}' cannot be specified for {model.__name__} model form as it "
                    "is a non-editable field"
                )
            continue
        if wanted is not None and mf.name not in wanted:
            continue
        if exclude and mf.name in exclude:
            continue
        result[mf.name] = _form_field(
            mf,
            db,
            widget=(widgets or {}).get(mf.name),
            label=(labels or {}).get(mf.name),
            help_text=(help_texts or {}).get(mf.name),
            error_messages=(error_messages or {}).get(mf.name),
            field_class=(field_classes or {}).get(mf.name),
        )
    if wanted is not None:
        result = {name: result[name] for name in wanted if name in result}
    return result


def model_to_dict(
    instance: Any, fields: Sequence[str] | None = None, exclude: Sequence[str] | None = None
) -> dict[str, Any]:
    """The instance's editable values by field name (keys for FKs, lists of keys for M2M)."""
    info = describe(type(instance))
    data: dict[str, Any] = {}
    pk = _pk_value(instance)
    for mf in info.fields:
        if not mf.editable:
            continue
        if fields is not None and mf.name not in fields:
            continue
        if exclude and mf.name in exclude:
            continue
        if mf.kind == "m2m":
            if pk is None:
                data[mf.name] = []
                continue
            related = getattr(instance, mf.attname, None)
            if related is not None and hasattr(related, "all"):
                related = related.all()
            related_pk = describe(mf.related_model).pk_name
            data[mf.name] = [getattr(obj, related_pk) for obj in related or ()]
        else:
            data[mf.name] = getattr(instance, mf.attname, None)
    return data


def construct_instance(
    form: BaseForm,
    instance: Any,
    fields: Sequence[str] | None = None,
    exclude: Sequence[str] | None = None,
) -> Any:
    """Assign the form's cleaned values to ``instance`` (form fields only, no M2M)."""
    info = describe(type(instance))
    cleaned = form.cleaned_data
    for mf in info.fields:
        if not mf.editable or mf.kind == "m2m" or mf.name not in cleaned:
            continue
        if mf.name not in form.fields:
            continue
        if fields is not None and mf.name not in fields:
            continue
        if exclude and mf.name in exclude:
            continue
        field = form.fields[mf.name]
        if (
            mf.default is not NOT_PROVIDED
            and field.widget.value_omitted_from_data(
                form.data, form.files, form.add_prefix(mf.name)
            )
            and cleaned.get(mf.name) in field.empty_values
        ):
            continue
        value = cleaned[mf.name]
        if mf.kind == "fk" and not mf.assign_instance:
            setattr(instance, mf.attname, value)
        else:
            setattr(instance, mf.name, value)
    return instance


# -- ModelForm ---------------------------------------------------------------------


class ModelFormOptions:
    def __init__(self, options: Any = None) -> None:
        self.model = getattr(options, "model", None)
        self.fields = getattr(options, "fields", None)
        self.exclude = getattr(options, "exclude", None)
        self.widgets = getattr(options, "widgets", None)
        self.labels = getattr(options, "labels", None)
        self.help_texts = getattr(options, "help_texts", None)
        self.error_messages = getattr(options, "error_messages", None)
        self.field_classes = getattr(options, "field_classes", None)
        self.db = getattr(options, "db", None)
        self.saver = getattr(options, "saver", None)
        if isinstance(self.fields, str) and self.fields != ALL_FIELDS:
            raise TypeError(
                f"{getattr(options, '__qualname__', 'Meta')}.fields cannot be a string. "
                f"Did you mean to type: ('{self.fields}',)?"
            )


class ModelFormMetaclass(DeclarativeFieldsMetaclass):
    """Builds ``base_fields`` from ``Meta.model`` plus the declared fields."""

    def __new__(
        mcs, name: str, bases: tuple[type, ...], attrs: dict[str, Any]
    ) -> DeclarativeFieldsMetaclass:
        new_class: Any = super().__new__(mcs, name, bases, attrs)
        if bases == (BaseModelForm,):
            return new_class  # type: ignore[no-any-return]
        opts = new_class._meta = ModelFormOptions(getattr(new_class, "Meta", None))
        if opts.model is None:
            return new_class  # type: ignore[no-any-return]
        if opts.fields is None and opts.exclude is None:
            raise ImproperlyConfigured(
                f"Creating a ModelForm without either the 'fields' attribute or the 'exclude' "
                f"attribute is prohibited; form {name} needs updating."
            )
        model_fields = fields_for_model(
            opts.model,
            opts.fields,
            opts.exclude,
            opts.widgets,
            opts.labels,
            opts.help_texts,
            opts.error_messages,
            opts.field_classes,
            db=opts.db,
        )
        unknown = [
            n
            for n in (opts.fields if isinstance(opts.fields, (list, tuple)) else ())
            if n not in model_fields and n not in new_class.declared_fields
        ]
        if unknown:
            raise ImproperlyConfigured(
                f"Unknown field(s) ({', '.join(unknown)}) specified for {opts.model.__name__}"
            )
        model_fields.update(new_class.declared_fields)
        new_class.base_fields = model_fields
        return new_class  # type: ignore[no-any-return]


class BaseModelForm(BaseForm):
    """A form editing one model instance (a new one unless ``instance`` is given)."""

    _meta: ModelFormOptions

    def __init__(
        self,
        data: Any = None,
        files: Any = None,
        auto_id: str | bool = "id_%s",
        prefix: str | None = None,
        initial: Mapping[str, Any] | None = None,
        error_class: type[ErrorList] = ErrorList,
        label_suffix: str | None = None,
        empty_permitted: bool = False,
        instance: Any = None,
        use_required_attribute: bool | None = None,
        renderer: Any = None,
        *,
        db: Any = None,
        saver: Callable[[Any], Any] | None = None,
    ) -> None:
        opts = getattr(self, "_meta", None)
        if opts is None or opts.model is None:
            raise ValueError("ModelForm has no model class specified.")
        self.db = db if db is not None else opts.db
        self.saver = saver or opts.saver
        if instance is None:
            self.instance = opts.model()
            object_data: dict[str, Any] = {}
        else:
            self.instance = instance
            object_data = model_to_dict(
                instance,
                opts.fields if isinstance(opts.fields, (list, tuple)) else None,
                opts.exclude,
            )
        object_data.update(initial or {})
        self._validate_unique = False
        super().__init__(
            data,
            files,
            auto_id,
            prefix,
            object_data,
            error_class,
            label_suffix,
            empty_permitted,
            use_required_attribute=use_required_attribute,
            renderer=renderer,
        )
        for field in self.fields.values():
            if isinstance(field, ModelChoiceField) and field.db is None:
                field.db = self.db

    def _post_clean(self) -> None:
        opts = self._meta
        try:
            self.instance = construct_instance(self, self.instance, None, opts.exclude)
        except ValidationError as exc:
            self.add_error(None, exc)
        self._run_model_validators()
        self.validate_unique()

    def _run_model_validators(self) -> None:
        info = describe(opts_model(self))
        for mf in info.fields:
            validators = mf.info.get("validators") or ()
            if not validators or mf.name not in self.cleaned_data or mf.name in self.errors:
                continue
            value = self.cleaned_data[mf.name]
            if value in (None, ""):
                continue
            for validator in validators:
                try:
                    validator(value)
                except ValidationError as exc:
                    self.add_error(mf.name, exc)
                except Exception as exc:
                    error = _foreign_error(exc)
                    if error is None:
                        raise
                    self.add_error(mf.name, error)
                if mf.name in self.errors:
                    break

    def validate_unique(self) -> None:
        """Check unique fields and unique_together sets against the database."""
        info = describe(opts_model(self))
        checks: list[tuple[str, ...]] = [(mf.name,) for mf in info.fields if mf.unique]
        checks.extend(info.unique_together)
        if not checks:
            return
        sa = sqlalchemy()
        pk = _pk_value(self.instance)
        for names in checks:
            if any(n not in self.fields or n in self.errors for n in names):
                continue
            if any(n not in self.cleaned_data for n in names):
                continue
            clauses = []
            skip = False
            for n in names:
                mf = info.by_name[n]
                value = self.cleaned_data[n]
                if hasattr(value, "__table__"):
                    value = _pk_value(value)
                if value is None or mf.column is None:
                    skip = True
                    break
                clauses.append(mf.column == value)
            if skip:
                continue
            if pk is not None and info.pk_column is not None:
                clauses.append(info.pk_column != pk)
            if self.db is None:
                raise TypeError(
                    f"{type(self).__name__} checks unique fields of {info.model.__name__} in the "
                    "database: pass db=... (a SQLAlchemy Session, Engine or Connection, or an "
                    "orm-lite Database) to the form or set Meta.db"
                )
            if not Data(self.db).exists(info.table, sa.and_(*clauses)):
                continue
            model_name = _capfirst(info.verbose_name)
            labels = [_capfirst(info.by_name[n].verbose_name) for n in names]
            if len(names) == 1:
                params = {"model_name": model_name, "field_label": labels[0]}
                message = gettext("%(model_name)s with this %(field_label)s already exists.")
                self.add_error(names[0], ValidationError(message, code="unique", params=params))
            else:
                joined = _text_list(labels)
                params = {"model_name": model_name, "field_labels": joined}
                message = gettext("%(model_name)s with this %(field_labels)s already exists.")
                self.add_error(
                    None, ValidationError(message, code="unique_together", params=params)
                )

    def _save_m2m(self) -> None:
        info = describe(opts_model(self))
        for mf in info.fields:
            if mf.kind != "m2m" or mf.name not in self.fields or mf.name not in self.cleaned_data:
                continue
            values = self.cleaned_data[mf.name]
            manager = getattr(self.instance, mf.attname, None)
            if manager is not None and hasattr(manager, "set"):
                manager.set(values)
            else:
                setattr(self.instance, mf.attname, list(values))

    def save(self, commit: bool = True) -> Any:
        """Save the instance (and its many-to-many values) in one transaction.

        With ``commit=False`` the instance is returned unsaved and
        ``form.save_m2m()`` saves the many-to-many values later.
        """
        if self.errors:
            action = "created" if _pk_value(self.instance) is None else "changed"
            raise ValueError(
                f"The {type(self.instance).__name__} could not be {action} because the data "
                "didn't validate."
            )
        if not commit:
            self.save_m2m = self._save_m2m
            return self.instance
        data = Data(self.db) if self.db is not None else None
        if data is None:
            _save(self.instance, self.saver, None)
            self._save_m2m()
            return self.instance
        with data.atomic():
            _save(self.instance, self.saver, self.db)
            self._save_m2m()
            if data.is_session:
                self.db.flush()
        return self.instance


def opts_model(form: BaseModelForm) -> Any:
    return form._meta.model


def _save(instance: Any, saver: Callable[[Any], Any] | None, db: Any) -> None:
    if saver is not None:
        saver(instance)
    elif hasattr(instance, "save"):
        instance.save()
    elif db is not None and hasattr(db, "add") and hasattr(db, "flush"):
        db.add(instance)
        db.flush()
    else:
        raise TypeError(
            f"cannot save a {type(instance).__name__}: it has no save() method; pass "
            "saver=... (a callable saving one instance) or db=<a SQLAlchemy Session>"
        )


def _delete(instance: Any, deleter: Callable[[Any], Any] | None, db: Any) -> None:
    if deleter is not None:
        deleter(instance)
    elif hasattr(instance, "delete"):
        instance.delete()
    elif db is not None and hasattr(db, "delete") and hasattr(db, "flush"):
        db.delete(instance)
        db.flush()
    else:
        raise TypeError(
            f"cannot delete a {type(instance).__name__}: it has no delete() method; pass "
            "deleter=... or db=<a SQLAlchemy Session>"
        )


def _foreign_error(exc: Exception) -> ValidationError | None:
    """A ValidationError from another library's validation error, or a ValueError."""
    messages = getattr(exc, "messages", None)
    if messages is not None:
        code = getattr(exc, "code", None)
        return ValidationError([ValidationError(str(m), code=code) for m in messages])
    if isinstance(exc, ValueError):
        return ValidationError(str(exc), code=getattr(exc, "code", None) or "invalid")
    return None


def _text_list(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {gettext('and')} {items[-1]}"


class ModelForm(BaseModelForm, metaclass=ModelFormMetaclass):
    """A form for a model, Django style::

    class BookForm(ModelForm):
        class Meta:
            model = Book
            fields = ["title", "author", "tags"]

    form = BookForm(request.POST, db=db)
    if form.is_valid():
        book = form.save()
    """


def modelform_factory(
    model: Any,
    form: type[BaseModelForm] = ModelForm,
    fields: Sequence[str] | str | None = None,
    exclude: Sequence[str] | None = None,
    widgets: Mapping[str, Any] | None = None,
    labels: Mapping[str, str] | None = None,
    help_texts: Mapping[str, str] | None = None,
    error_messages: Mapping[str, Mapping[str, Any]] | None = None,
    field_classes: Mapping[str, type[f.Field]] | None = None,
    db: Any = None,
) -> type[BaseModelForm]:
    """A ModelForm class for ``model``; ``fields`` or ``exclude`` is required."""
    attrs: dict[str, Any] = {"model": model}
    for key, value in (
        ("fields", fields),
        ("exclude", exclude),
        ("widgets", widgets),
        ("labels", labels),
        ("help_texts", help_texts),
        ("error_messages", error_messages),
        ("field_classes", field_classes),
        ("db", db),
    ):
        if value is not None:
            attrs[key] = value
    bases = (form.Meta,) if hasattr(form, "Meta") else ()
    meta = type("Meta", bases, attrs)
    if getattr(meta, "fields", None) is None and getattr(meta, "exclude", None) is None:
        raise ImproperlyConfigured(
            "Calling modelform_factory without defining 'fields' or 'exclude' explicitly is "
            "prohibited."
        )
    return type(model.__name__ + "Form", (form,), {"Meta": meta})


# -- model formsets -------------------------------------------------------------------


class BaseModelFormSet(BaseFormSet):
    """A formset editing several instances of a model and adding new ones.

    ``queryset`` is the instances to edit (any iterable; by default every row
    of the model read from ``db``). A submitted primary key that is not among
    them is a validation error of that form.
    """

    model: Any = None
    form: type[BaseModelForm]

    def __init__(
        self,
        data: Any = None,
        files: Any = None,
        auto_id: str | bool = "id_%s",
        prefix: str | None = None,
        queryset: Iterable[Any] | None = None,
        *,
        initial: Sequence[Mapping[str, Any]] | None = None,
        db: Any = None,
        saver: Callable[[Any], Any] | None = None,
        deleter: Callable[[Any], Any] | None = None,
        **kwargs: Any,
    ) -> None:
        self.db = db
        self.saver = saver
        self.deleter = deleter
        self.queryset = queryset
        self._instances: list[Any] | None = None
        self.initial_extra = initial
        super().__init__(data, files, auto_id, prefix, **kwargs)

    def get_queryset(self) -> list[Any]:
        if self._instances is None:
            if self.queryset is not None:
                self._instances = list(self.queryset)
            elif self.db is not None:
                self._instances = Data(self.db).instances(self.model)
            else:
                raise TypeError(
                    f"{type(self).__name__} needs the instances to edit: pass queryset=... or "
                    "db=..."
                )
        return self._instances

    def initial_form_count(self) -> int:
        if not self.is_bound:
            return len(self.get_queryset())
        return super().initial_form_count()

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        kwargs = super().get_form_kwargs(index)
        kwargs.setdefault("db", self.db)
        if self.saver is not None:
            kwargs.setdefault("saver", self.saver)
        return kwargs

    def _pk_name(self) -> str:
        return describe(self.model).pk_name

    def _existing_object(self, pk: Any) -> Any:
        wanted = str(pk)
        for obj in self.get_queryset():
            if str(_pk_value(obj)) == wanted:
                return obj
        return None

    def _construct_form(self, i: int, **kwargs: Any) -> BaseForm:
        pk_required = i < self.initial_form_count()
        if pk_required:
            if self.is_bound:
                pk_key = f"{self.add_prefix(i)}-{self._pk_name()}"
                raw = self.data.get(pk_key)
                obj = self._existing_object(raw) if raw not in (None, "") else None
                if obj is not None:
                    kwargs["instance"] = obj
            elif i < len(self.get_queryset()):
                kwargs["instance"] = self.get_queryset()[i]
        elif self.initial_extra:
            index = i - self.initial_form_count()
            if 0 <= index < len(self.initial_extra):
                kwargs["initial"] = self.initial_extra[index]
        form = super()._construct_form(i, **kwargs)
        if pk_required:
            form.fields[self._pk_name()].required = True
        return form

    def add_fields(self, form: BaseForm, index: int | None) -> None:
        pk_name = self._pk_name()
        existing = {str(_pk_value(o)) for o in self.get_queryset()} if index is not None else set()

        def valid_pk(value: Any) -> None:
            if value not in (None, "") and str(value) not in existing:
                raise ValidationError(
                    gettext(
                        "Select a valid choice. That choice is not one of the available choices."
                    ),
                    code="invalid_choice",
                )

        instance = getattr(form, "instance", None)
        initial = _pk_value(instance) if instance is not None else None
        form.fields[pk_name] = f.CharField(
            required=False, widget=HiddenInput, initial=initial, validators=[valid_pk]
        )
        super().add_fields(form, index)

    def save_existing_objects(self, commit: bool = True) -> list[Any]:
        self.changed_objects: list[tuple[Any, list[str]]] = []
        self.deleted_objects: list[Any] = []
        saved = []
        for form in self.initial_forms:
            assert isinstance(form, BaseModelForm)
            obj = form.instance
            if _pk_value(obj) is None:
                continue
            if form in self.deleted_forms:
                self.deleted_objects.append(obj)
                if commit:
                    _delete(obj, self.deleter, self.db)
            elif form.has_changed():
                self.changed_objects.append((obj, form.changed_data))
                saved.append(form.save(commit=commit))
        return saved

    def save_new_objects(self, commit: bool = True) -> list[Any]:
        self.new_objects: list[Any] = []
        for form in self.extra_forms:
            if not form.has_changed():
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            assert isinstance(form, BaseModelForm)
            self.new_objects.append(self.save_new(form, commit))
        return self.new_objects

    def save_new(self, form: BaseModelForm, commit: bool = True) -> Any:
        return form.save(commit=commit)

    def save(self, commit: bool = True) -> list[Any]:
        """Save changed and new instances, delete the marked ones; return the saved."""
        if not commit:

            def save_m2m() -> None:
                for form in self.forms:
                    if hasattr(form, "save_m2m"):
                        form.save_m2m()

            self.save_m2m = save_m2m
            return self.save_existing_objects(False) + self.save_new_objects(False)
        if self.db is not None:
            with Data(self.db).atomic():
                return self.save_existing_objects(True) + self.save_new_objects(True)
        return self.save_existing_objects(True) + self.save_new_objects(True)


def modelformset_factory(
    model: Any,
    form: type[BaseModelForm] = ModelForm,
    formset: type[BaseModelFormSet] = BaseModelFormSet,
    extra: int = 1,
    can_delete: bool = False,
    can_order: bool = False,
    max_num: int | None = None,
    fields: Sequence[str] | str | None = None,
    exclude: Sequence[str] | None = None,
    widgets: Mapping[str, Any] | None = None,
    validate_max: bool = False,
    labels: Mapping[str, str] | None = None,
    help_texts: Mapping[str, str] | None = None,
    error_messages: Mapping[str, Mapping[str, Any]] | None = None,
    min_num: int | None = None,
    validate_min: bool = False,
    field_classes: Mapping[str, type[f.Field]] | None = None,
    absolute_max: int | None = None,
    can_delete_extra: bool = True,
) -> type[BaseModelFormSet]:
    """A formset class of ModelForms for ``model``."""
    meta = getattr(form, "Meta", None)
    if (
        getattr(meta, "fields", fields) is None
        and getattr(meta, "exclude", exclude) is None
        and fields is None
        and exclude is None
    ):
        raise ImproperlyConfigured(
            "Calling modelformset_factory without defining 'fields' or 'exclude' explicitly "
            "is prohibited."
        )
    form_class = modelform_factory(
        model,
        form=form,
        fields=fields,
        exclude=exclude,
        widgets=widgets,
        labels=labels,
        help_texts=help_texts,
        error_messages=error_messages,
        field_classes=field_classes,
    )
    result = formset_factory(
        form_class,
        formset,
        extra=extra,
        min_num=min_num,
        max_num=max_num,
        can_order=can_order,
        can_delete=can_delete,
        validate_min=validate_min,
        validate_max=validate_max,
        absolute_max=absolute_max,
        can_delete_extra=can_delete_extra,
    )
    result.model = model  # type: ignore[attr-defined]
    return result  # type: ignore[return-value]


class BaseInlineFormSet(BaseModelFormSet):
    """The instances of a model that point at one parent ``instance`` by a foreign key."""

    fk: ModelField

    def __init__(
        self,
        data: Any = None,
        files: Any = None,
        instance: Any = None,
        save_as_new: bool = False,
        prefix: str | None = None,
        queryset: Iterable[Any] | None = None,
        **kwargs: Any,
    ) -> None:
        if instance is None:
            instance = self.fk.related_model()
        self.instance = instance
        self.save_as_new = save_as_new
        parent_pk = _pk_value(instance)
        if queryset is None and parent_pk is None:
            queryset = []
        if queryset is None and kwargs.get("db") is not None:
            where = self.fk.column == parent_pk
            queryset = Data(kwargs["db"]).instances(self.model, where)
        super().__init__(data, files, prefix=prefix, queryset=queryset, **kwargs)

    def initial_form_count(self) -> int:
        if self.save_as_new:
            return 0
        return super().initial_form_count()

    @classmethod
    def get_default_prefix(cls) -> str:
        return cls.fk.name + "_set" if hasattr(cls, "fk") else "form"

    def _construct_form(self, i: int, **kwargs: Any) -> BaseForm:
        form = super()._construct_form(i, **kwargs)
        assert isinstance(form, BaseModelForm)
        self._set_parent(form.instance)
        return form

    def _set_parent(self, obj: Any) -> None:
        if self.fk.assign_instance:
            setattr(obj, self.fk.name, self.instance)
        else:
            setattr(obj, self.fk.attname, _pk_value(self.instance))

    def save_new(self, form: BaseModelForm, commit: bool = True) -> Any:
        self._set_parent(form.instance)
        return super().save_new(form, commit)


def inlineformset_factory(
    parent_model: Any,
    model: Any,
    form: type[BaseModelForm] = ModelForm,
    formset: type[BaseInlineFormSet] = BaseInlineFormSet,
    fk_name: str | None = None,
    fields: Sequence[str] | str | None = None,
    exclude: Sequence[str] | None = None,
    extra: int = 3,
    can_order: bool = False,
    can_delete: bool = True,
    max_num: int | None = None,
    **kwargs: Any,
) -> type[BaseInlineFormSet]:
    """A formset of ``model`` rows pointing at one ``parent_model`` instance."""
    info = describe(model)
    candidates = [mf for mf in info.fields if mf.kind == "fk" and mf.related_model is parent_model]
    if fk_name is not None:
        candidates = [mf for mf in candidates if mf.name == fk_name or mf.attname == fk_name]
        if not candidates:
            raise ValueError(
                f"'{model.__name__}' has no ForeignKey named '{fk_name}' "
                f"to '{parent_model.__name__}'."
            )
    if len(candidates) != 1:
        raise ValueError(
            f"'{model.__name__}' has {'no' if not candidates else 'more than one'} ForeignKey "
            f"to '{parent_model.__name__}'."
            + (" You must specify a 'fk_name' attribute." if candidates else "")
        )
    fk = candidates[0]
    exclude = [*(exclude or ()), fk.name]
    if isinstance(fields, (list, tuple)):
        fields = [name for name in fields if name != fk.name]
    result = modelformset_factory(
        model,
        form=form,
        formset=formset,
        extra=extra,
        can_delete=can_delete,
        can_order=can_order,
        max_num=max_num,
        fields=fields,
        exclude=exclude,
        **kwargs,
    )
    result.fk = fk  # type: ignore[attr-defined]
    return result  # type: ignore[return-value]

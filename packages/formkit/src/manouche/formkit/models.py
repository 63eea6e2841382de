"""ModelForm: a form derived from a model's SQLAlchemy metadata, saving instances.

A model is anything with a ``__table__``: an orm-lite model or a plain
SQLAlchemy declarative class (Flask-SQLAlchemy's included). Fields come from
the columns and their ``Column.info`` keys (docs/contracts.md); foreign keys
become a choice of rows (:mod:`manouche.formkit.modelfields`), many-to-many
relations a multiple choice. Model formsets live in
:mod:`manouche.formkit.modelformsets`.

Queries (choices, unique checks) of a model with a Django-style manager
(orm-lite's ``Model.objects``) go through that manager, so no database needs
to be given (an orm-lite ``Database`` given as ``db`` selects
``Model.objects.using(db)``); saving then calls ``instance.save()`` in a
transaction of the instance's database. Other models are queried on ``db``: a
SQLAlchemy ``Session``, an ``Engine`` or a ``Connection``, given to the form
or in ``Meta.db``. Saving calls ``saver(instance)`` when given, else
``instance.save()`` when the instance has one, else adds it to the Session.
Only fields of the form are ever assigned to the instance.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from manouche.formkit import fields as f
from manouche.formkit import validators
from manouche.formkit._i18n import capfirst
from manouche.formkit._modelmeta import (
    NOT_PROVIDED,
    Data,
    ModelField,
    describe,
    is_database,
    manager_database,
    manager_queryset,
    sqlalchemy,
)
from manouche.formkit._modelmeta import pk_value as _pk_value
from manouche.formkit.exceptions import ImproperlyConfigured, ValidationError
from manouche.formkit.forms import BaseForm, DeclarativeFieldsMetaclass
from manouche.formkit.modelfields import ModelChoiceField, ModelMultipleChoiceField, _python_type
from manouche.formkit.translation import gettext
from manouche.formkit.utils import ErrorList
from manouche.formkit.widgets import Textarea

__all__ = [
    "ALL_FIELDS",
    "BaseModelForm",
    "ModelForm",
    "ModelFormMetaclass",
    "ModelFormOptions",
    "construct_instance",
    "fields_for_model",
    "model_to_dict",
    "modelform_factory",
]

#: ``Meta.fields = ALL_FIELDS`` (``"__all__"``): a model form with every editable field.
ALL_FIELDS = "__all__"


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


# Model fields stored as text whose form fields take max_length and empty_value.
_TEXT_MODEL_FIELDS = frozenset({"CharField", "TextField", "EmailField", "URLField", "SlugField"})


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
    localize: bool = False,
) -> f.Field:
    kwargs: dict[str, Any] = {
        "required": not mf.blank,
        "label": capfirst(mf.verbose_name) if label is None else label,
        "help_text": mf.help_text if help_text is None else help_text,
    }
    if widget is not None:
        kwargs["widget"] = widget
    if localize:
        kwargs["localize"] = True
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
            to_field_name=_to_field_name(mf),
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
    text_like = (
        str(django_name) in _TEXT_MODEL_FIELDS
        if django_name
        else isinstance(column.type, sa.String)
    )
    if issubclass(cls, f.CharField) and text_like:
        max_length = mf.info.get("max_length", getattr(column.type, "length", None))
        if max_length is not None:
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
    if cls is f.IntegerField and not mf.primary_key:
        # A value the column cannot hold is a form error, not a database error.
        low, high = _integer_range(column)
        kwargs["validators"] = [
            validators.MinValueValidator(low),
            validators.MaxValueValidator(high),
        ]
    if issubclass(cls, f.BooleanField):
        kwargs["required"] = False
        if mf.null and cls is f.BooleanField:
            cls = f.NullBooleanField
    return cls(**kwargs)


def _to_field_name(mf: ModelField) -> str | None:
    """The related field a foreign key points at, when it is not the primary key."""
    if mf.related_column is None or mf.related_model is None:
        return None
    related = describe(mf.related_model)
    if mf.related_column is related.pk_column:
        return None
    for other in related.fields:
        if other.column is mf.related_column:
            return other.name
    return None


def _integer_range(column: Any) -> tuple[int, int]:
    sa = sqlalchemy()
    if isinstance(column.type, sa.SmallInteger):
        return -(2**15), 2**15 - 1
    if isinstance(column.type, sa.BigInteger):
        return -(2**63), 2**63 - 1
    return -(2**31), 2**31 - 1


def _coercer(python_type: Any) -> Callable[[Any], Any]:
    """The conversion of a submitted choice to the column's Python type."""

    def coerce(value: Any) -> Any:
        if python_type is bool:
            return value in (True, "True", "true", "1")
        if python_type in (datetime.date, datetime.datetime, datetime.time):
            return python_type.fromisoformat(str(value))
        if python_type in (int, float, decimal.Decimal, uuid.UUID):
            return python_type(value)
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
    localized_fields: Sequence[str] | str | None = None,
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
            localize=localized_fields == ALL_FIELDS or mf.name in (localized_fields or ()),
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
    """A model form's ``Meta``, read: model, fields, exclude, widgets, labels and the rest."""

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
        self.localized_fields = getattr(options, "localized_fields", None)
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
            localized_fields=opts.localized_fields,
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
        info = describe(_opts_model(self))
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
        info = describe(_opts_model(self))
        checks: list[tuple[str, ...]] = [(mf.name,) for mf in info.fields if mf.unique]
        checks.extend(info.unique_together)
        if not checks:
            return
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
            if not self._exists_elsewhere(info, names, clauses, pk):
                continue
            model_name = capfirst(info.verbose_name)
            labels = [capfirst(info.by_name[n].verbose_name) for n in names]
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

    def _exists_elsewhere(
        self, info: Any, names: Sequence[str], clauses: list[Any], pk: Any
    ) -> bool:
        """Whether another row holds the cleaned values of ``names``."""
        queryset = manager_queryset(info.model, self.db)
        if queryset is not None:
            # Django's query, through the model's own manager.
            lookups = {n: self.cleaned_data[n] for n in names}
            queryset = queryset.filter(**lookups)
            if pk is not None:
                queryset = queryset.exclude(pk=pk)
            return bool(queryset.exists())
        if self.db is None:
            raise TypeError(
                f"{type(self).__name__} checks unique fields of {info.model.__name__} in the "
                "database: pass db=... (a SQLAlchemy Session, Engine or Connection, or an "
                "orm-lite Database) to the form or set Meta.db"
            )
        sa = sqlalchemy()
        if pk is not None and info.pk_column is not None:
            clauses = [*clauses, info.pk_column != pk]
        return bool(Data(self.db).exists(info.table, sa.and_(*clauses)))

    def _save_m2m(self) -> None:
        info = describe(_opts_model(self))
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
        db = self.db
        if db is None and self.saver is None:
            db = manager_database(self.instance)  # orm-lite: the instance's database
        data = Data(db) if db is not None else None
        if data is None:
            _save(self.instance, self.saver, None)
            self._save_m2m()
            return self.instance
        with data.atomic():
            _save(self.instance, self.saver, self.db)
            self._save_m2m()
            if data.is_session:
                db.flush()
        return self.instance


def _opts_model(form: BaseModelForm) -> Any:
    return form._meta.model


def _save(instance: Any, saver: Callable[[Any], Any] | None, db: Any) -> None:
    if saver is not None:
        saver(instance)
    elif hasattr(instance, "save") and db is not None and is_database(db):
        instance.save(using=db)
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
    """A form for a model, Django style.

    For example::

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

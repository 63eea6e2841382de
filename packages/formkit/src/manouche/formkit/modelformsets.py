"""Model formsets: several instances of a model edited, added and deleted at once."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from manouche.formkit import fields as f
from manouche.formkit._i18n import gettext_noop
from manouche.formkit._modelmeta import (
    Data,
    ModelField,
    describe,
    manager_database,
    manager_queryset,
)
from manouche.formkit._modelmeta import pk_value as _pk_value
from manouche.formkit.exceptions import NON_FIELD_ERRORS, ImproperlyConfigured, ValidationError
from manouche.formkit.forms import BaseForm
from manouche.formkit.formsets import BaseFormSet, formset_factory
from manouche.formkit.models import (
    BaseModelForm,
    ModelForm,
    _delete,
    _text_list,
    modelform_factory,
)
from manouche.formkit.translation import gettext
from manouche.formkit.widgets import HiddenInput

__all__ = [
    "BaseInlineFormSet",
    "BaseModelFormSet",
    "InlineForeignKeyField",
    "inlineformset_factory",
    "modelformset_factory",
]


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
            elif (manager := manager_queryset(self.model, self.db)) is not None:
                if not getattr(manager, "ordered", True):
                    manager = manager.order_by("pk")
                self._instances = list(manager)
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
        form.fields[pk_name] = _KeyField(
            required=False,
            widget=HiddenInput,
            initial=initial,
            validators=[valid_pk],
            empty_value=None,
        )
        super().add_fields(form, index)

    #: Field names whose value is the same for every form (an inline formset's key).
    unique_fields: frozenset[str] = frozenset()

    def clean(self) -> None:
        self.validate_unique()

    def validate_unique(self) -> None:
        """Reject rows that repeat each other's unique values within the formset."""
        info = describe(self.model)
        deleted = self.deleted_forms
        valid = [form for form in self.forms if form.is_valid() and form not in deleted]
        candidates = [(mf.name,) for mf in info.fields if mf.unique] + list(info.unique_together)
        checks: list[tuple[str, ...]] = []
        for names in candidates:
            usable = any(
                all(n in form.fields or n in self.unique_fields for n in names) for form in valid
            )
            if usable and names not in checks:
                checks.append(names)
        errors: list[ValidationError] = []
        for names in checks:
            seen: set[tuple[Any, ...]] = set()
            for form in valid:
                if not all(n in form.fields or n in self.unique_fields for n in names):
                    continue
                row = tuple(
                    n if n in self.unique_fields else _hashable(form.cleaned_data[n])
                    for n in names
                    if n in form.cleaned_data
                )
                if not row or None in row:
                    continue
                if row in seen:
                    errors.append(ValidationError(self.get_unique_error_message(names)))
                    form._errors[NON_FIELD_ERRORS] = self.error_class(  # type: ignore[index]
                        [ValidationError(gettext("Please correct the duplicate values below."))]
                    )
                    for n in names:
                        form.cleaned_data.pop(n, None)
                seen.add(row)
        if errors:
            raise ValidationError(errors)

    def get_unique_error_message(self, names: Sequence[str]) -> str:
        if len(names) == 1:
            return gettext("Please correct the duplicate data for %(field)s.") % {"field": names[0]}
        return gettext("Please correct the duplicate data for %(field)s, which must be unique.") % {
            "field": _text_list(list(names))
        }

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
        db = self.db
        if db is None and self.saver is None and self.deleter is None:
            db = manager_database(self.model)  # orm-lite: the model's database
        if db is not None:
            with Data(db).atomic():
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
    renderer: Any = None,
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
        renderer=renderer,
    )
    result.model = model  # type: ignore[attr-defined]
    return result  # type: ignore[return-value]


class _KeyField(f.CharField):
    """The hidden primary key of a row: unchanged when its text is (``5`` and ``"5"``)."""

    def has_changed(self, initial: Any, data: Any) -> bool:
        if self.disabled:
            return False
        initial_value = "" if initial is None else str(initial)
        data_value = "" if data is None else str(data)
        return initial_value != data_value


def _hashable(value: Any) -> Any:
    if hasattr(value, "__table__"):
        return _pk_value(value)
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _hashable(v)) for k, v in value.items()))
    return value


class BaseInlineFormSet(BaseModelFormSet):
    """The instances of a model that point at one parent ``instance`` by a foreign key."""

    fk: ModelField

    def get_unique_error_message(self, names: Sequence[str]) -> str:
        return super().get_unique_error_message([n for n in names if n != self.fk.name])

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
        manager = manager_queryset(self.model, kwargs.get("db"))
        if queryset is None and manager is not None:
            children: Any = manager.filter(**{self.fk.name: parent_pk})
            if not getattr(children, "ordered", True):
                children = children.order_by("pk")
            queryset = children
        if queryset is None and kwargs.get("db") is not None:
            where = self.fk.column == parent_pk
            queryset = Data(kwargs["db"]).instances(self.model, where)
        super().__init__(data, files, prefix=prefix, queryset=queryset, **kwargs)
        if save_as_new and self.is_bound:
            self.data = self._without_keys(self.data)

    def _without_keys(self, data: Any) -> Any:
        """A copy of ``data`` without the rows' primary and parent keys (Django's save as new).

        The submitted rows become new rows of the new parent, so the keys of
        the rows they were copied from (and of their old parent) are dropped.
        """
        copy = data.copy() if hasattr(data, "copy") else dict(data)
        names = {self._pk_name(), self.fk.name}
        start = self.prefix + "-"
        for key in list(copy.keys()):
            if not key.startswith(start):
                continue
            index, _, name = key[len(start) :].partition("-")
            if index.isdigit() and name in names:
                copy[key] = ""
        return copy

    def _parent_key(self) -> Any:
        """The parent's value the foreign key holds (its primary key, or its ``to_field``)."""
        parent = self.instance
        for mf in describe(type(parent)).fields:
            if mf.column is not None and mf.column is self.fk.related_column:
                return getattr(parent, mf.attname, None)
        return _pk_value(parent)

    def initial_form_count(self) -> int:
        if self.save_as_new:
            return 0
        return super().initial_form_count()

    @classmethod
    def get_default_prefix(cls) -> str:
        # Django's reverse accessor name: "<model name>_set".
        if not hasattr(cls, "fk"):
            return "form"
        table = describe(cls.model).table
        return str(table.info.get("model_name") or cls.model.__name__.lower()) + "_set"

    def _construct_form(self, i: int, **kwargs: Any) -> BaseForm:
        form = super()._construct_form(i, **kwargs)
        assert isinstance(form, BaseModelForm)
        # The parent's key only (Django's): assigning the parent itself would put
        # every extra, never saved row into a SQLAlchemy relationship collection
        # of the parent, and so into its Session.
        setattr(form.instance, self.fk.attname, self._parent_key())
        return form

    def _set_parent(self, obj: Any) -> None:
        if self.fk.assign_instance:
            setattr(obj, self.fk.name, self.instance)
        else:
            setattr(obj, self.fk.attname, self._parent_key())

    def save_new(self, form: BaseModelForm, commit: bool = True) -> Any:
        # A saved row gets the parent itself, which may have no key until it is
        # flushed; in a Session the row joins it first, so that the flush that
        # opens the save finds it there rather than only in the parent's collection.
        if commit and self.db is not None and Data(self.db).is_session:
            self.db.add(form.instance)
        self._set_parent(form.instance)
        return super().save_new(form, commit)

    def add_fields(self, form: BaseForm, index: int | None) -> None:
        super().add_fields(form, index)
        form.fields[self.fk.name] = InlineForeignKeyField(self.instance)


class InlineForeignKeyField(f.Field):
    """The hidden parent key of an inline form; a different submitted key is an error."""

    widget = HiddenInput
    default_error_messages = {
        "invalid_choice": gettext_noop("The inline value did not match the parent instance.")
    }

    def __init__(self, parent_instance: Any, **kwargs: Any) -> None:
        self.parent_instance = parent_instance
        kwargs.setdefault("initial", _pk_value(parent_instance))
        super().__init__(required=False, **kwargs)

    def clean(self, value: Any) -> Any:
        if value in self.empty_values:
            return self.parent_instance
        if str(value) != str(_pk_value(self.parent_instance)):
            raise self.error("invalid_choice")
        return self.parent_instance

    def has_changed(self, initial: Any, data: Any) -> bool:
        return False


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
    result.unique_fields = frozenset({fk.name})
    return result  # type: ignore[return-value]

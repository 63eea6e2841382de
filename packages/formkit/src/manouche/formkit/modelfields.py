"""Model choice fields: rows of a model offered as choices, read from a database."""

from __future__ import annotations

import decimal
import uuid
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from manouche.formkit import fields as f
from manouche.formkit._i18n import gettext_noop
from manouche.formkit._modelmeta import Data, describe, manager_queryset, sqlalchemy
from manouche.formkit.validators import ProhibitNullCharactersValidator
from manouche.formkit.widgets import (
    MultipleHiddenInput,
    RadioSelect,
    Select,
    SelectMultiple,
    _LazyChoices,
)

__all__ = ["ModelChoiceField", "ModelMultipleChoiceField"]


class ModelChoiceField(f.ChoiceField):
    """One row of a model, chosen by primary key (or ``to_field_name``).

    The rows come from ``queryset``, Django style: any object that iterates
    over instances having ``pk`` and offers ``filter(**lookups)`` (an orm-lite
    ``QuerySet`` or manager, or a Django one). It is re-evaluated each time the
    choices are rendered or a value is cleaned, and can be replaced after
    construction (``form.fields["author"].queryset = Author.objects.filter(...)``
    in a form's ``__init__``), as in Django. A queryset may also be given as the
    first positional argument.

    Without a queryset, the rows of ``model`` are read: through
    ``model.objects`` when the model has a Django-style manager (and ``db`` is
    None or an orm-lite ``Database``), else from ``db`` (a SQLAlchemy Session,
    Engine or Connection, set by the ModelForm from its own ``db``) filtered by
    ``where`` (a SQLAlchemy clause) and sorted by ``order_by``.

    The clean value is the instance, or the key itself with ``return_key``.

    .. versionchanged:: 0.1.0
       ``queryset`` accepted, and settable after construction.
    """

    default_error_messages = {
        "invalid_choice": gettext_noop(
            "Select a valid choice. That choice is not one of the available choices."
        )
    }

    def __init__(
        self,
        model: Any = None,
        *,
        queryset: Any = None,
        db: Any = None,
        where: Any = None,
        order_by: Sequence[Any] | None = None,
        empty_label: str | None = "---------",
        to_field_name: str | None = None,
        return_key: bool = False,
        blank: bool = False,
        **kwargs: Any,
    ) -> None:
        if model is not None and not isinstance(model, type) and hasattr(model, "filter"):
            if queryset is not None:
                raise TypeError(f"{type(self).__name__} got two querysets: pass one")
            model, queryset = None, model
        if model is not None and queryset is not None:
            raise TypeError(
                f"{type(self).__name__} takes a model or a queryset, not both: the queryset "
                "already names its model"
            )
        self.model = model
        self._queryset: Any = None
        self.queryset = queryset
        self.db = db
        self.where = where
        self.order_by = order_by
        self.to_field_name = to_field_name
        self.return_key = return_key
        required = kwargs.get("required", True)
        initial = kwargs.get("initial")
        widget = kwargs.get("widget")
        radio = isinstance(widget, RadioSelect) or (
            isinstance(widget, type) and issubclass(widget, RadioSelect)
        )
        hide_empty = (required and initial is not None) or (radio and not blank)
        self.empty_label = None if hide_empty else empty_label
        self.blank = blank
        kwargs.setdefault("widget", Select)
        super().__init__(choices=_LazyChoices(self._choices_now), **kwargs)

    def __deepcopy__(self, memo: dict[int, Any]) -> f.Field:
        result = super().__deepcopy__(memo)
        assert isinstance(result, ModelChoiceField)
        result.choices = _LazyChoices(result._choices_now)
        return result

    @property
    def queryset(self) -> Any:
        """The queryset the choices come from.

        Unless one was given, ``model.objects`` (``.using(db)``) for a model with a
        Django-style manager, so that ``field.queryset.filter(...)`` narrows it as
        in Django; None when the rows are read from ``db`` through SQLAlchemy.
        """
        return self._source()

    @queryset.setter
    def queryset(self, value: Any) -> None:
        if value is not None and not hasattr(value, "filter"):
            raise TypeError(
                f"{type(self).__name__}.queryset must offer filter(**lookups) and iterate over "
                f"instances (an orm-lite or Django QuerySet), not {type(value).__name__}"
            )
        self._queryset = None if value is None else _fresh(value)
        model = getattr(self._queryset, "model", None)
        if model is not None:
            self.model = model

    def _source(self) -> Any:
        """The queryset rows are read from, or None for the SQLAlchemy path."""
        if self._queryset is not None:
            return self._queryset
        if self.where is None and self.order_by is None and self.model is not None:
            return manager_queryset(self.model, self.db)
        return None

    def _key_column(self) -> Any:
        info = describe(self.model)
        if self.to_field_name:
            return info.by_name[self.to_field_name].column
        return info.pk_column

    def _key_attr(self) -> str:
        if self.to_field_name:
            return self.to_field_name
        if self.model is None or self._source() is not None:
            return "pk"
        return describe(self.model).pk_name

    def rows(self) -> list[Any]:
        """The instances offered as choices, read now."""
        source = self._source()
        if source is not None:
            return list(_fresh(source))
        if self.model is None:
            raise TypeError(
                f"{type(self).__name__} has no choices: pass queryset=... (for example "
                "Model.objects.all()), or a model and db=..."
            )
        if self.db is None:
            raise TypeError(
                f"{type(self).__name__} for {self.model.__name__} needs a database to list "
                "its choices: pass queryset=..., or db=... (a SQLAlchemy Session, Engine or "
                "Connection, or an orm-lite Database) to the form or the field"
            )
        return Data(self.db).instances(self.model, self.where, self.order_by)

    def label_from_instance(self, obj: Any) -> str:
        """The label of one choice; override it (or assign a function) to change labels."""
        return str(obj)

    def _choices_now(self) -> Iterator[tuple[Any, Any]]:
        # A generator: the empty choice comes before the query runs, so asking
        # for the first choice (the "required" attribute check) costs none.
        if self.empty_label is not None:
            yield ("", self.empty_label)
        key = self._key_attr()
        source = self._source()
        for obj in _fresh(source) if source is not None else self.rows():
            yield (getattr(obj, key), self.label_from_instance(obj))

    def _is_instance(self, value: Any) -> bool:
        if hasattr(value, "__table__"):
            return True
        return self._queryset is not None and hasattr(value, "pk") and not isinstance(value, str)

    def prepare_value(self, value: Any) -> Any:
        if self._is_instance(value):
            return getattr(value, self._key_attr())
        return value

    def _lookup_value(self, value: Any) -> Any:
        """``value`` converted to the key column's Python type when the model says it."""
        if self.model is None or not hasattr(self.model, "__table__"):
            return value
        try:
            column = self._key_column()
        except KeyError:
            return value
        return _coerce_key(value, _python_type(column))

    def _get_one(self, source: Any, value: Any) -> Any:
        """The one instance of ``source`` whose key is ``value``, else None."""
        key = self._key_attr()
        try:
            found = list(source.filter(**{key: self._lookup_value(value)}))
        except (ValueError, TypeError, ArithmeticError):
            return None
        return found[0] if len(found) == 1 else None

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
        source = self._source()
        if source is not None:
            _reject_nul(value)
            key = self._key_attr()
            if self._is_instance(value):
                value = getattr(value, key)
            obj = self._get_one(source, value)
            if obj is None:
                raise self.error("invalid_choice", {"value": value})
            return getattr(obj, key) if self.return_key else obj
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
        source = self._source()
        if source is not None:
            return self._get_one(source, value) is not None
        return bool(self._lookup([value]))

    def has_changed(self, initial: Any, data: Any) -> bool:
        if self.disabled:
            return False
        initial_value = self.prepare_value(initial) if initial is not None else ""
        data_value = data if data is not None else ""
        return str(initial_value) != str(data_value)


class ModelMultipleChoiceField(ModelChoiceField):
    """Several rows of a model.

    The clean value is a queryset of the chosen instances when the rows come
    from a queryset or manager (Django's behaviour), else a list of instances.
    """

    widget = SelectMultiple
    hidden_widget = MultipleHiddenInput
    default_error_messages = {
        "invalid_list": gettext_noop("Enter a list of values."),
        "invalid_choice": gettext_noop(
            "Select a valid choice. %(value)s is not one of the available choices."
        ),
        "invalid_pk_value": gettext_noop("“%(pk)s” is not a valid value."),
    }

    def __init__(self, model: Any = None, **kwargs: Any) -> None:
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
            source = self._source()
            if source is not None and hasattr(source, "none"):
                return source.none()
            return []
        if not isinstance(value, (list, tuple)):
            raise self.error("invalid_list")
        objects = self._check_values(value)
        self.run_validators(value)
        return objects

    def _check_values(self, value: Sequence[Any]) -> Any:
        source = self._source()
        if source is not None:
            return self._check_in_queryset(source, value)
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

    def _check_in_queryset(self, source: Any, value: Sequence[Any]) -> Any:
        key = self._key_attr()
        try:
            distinct = list(dict.fromkeys(value))
        except TypeError:  # unhashable items (a list of lists)
            raise self.error("invalid_list") from None
        lookups = []
        for item in distinct:
            _reject_nul(item)
            try:
                lookups.append(self._lookup_value(item))
                source.filter(**{key: lookups[-1]})
            except (TypeError, ValueError, ArithmeticError):
                raise self.error("invalid_pk_value", {"pk": item}) from None
        chosen = source.filter(**{f"{key}__in": lookups})
        try:
            found = {str(getattr(obj, key)) for obj in chosen}
        except (TypeError, ValueError, ArithmeticError):
            raise self.error("invalid_pk_value", {"pk": distinct[0]}) from None
        for item in distinct:
            if str(item) not in found:
                raise self.error("invalid_choice", {"value": item})
        return chosen

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, (list, tuple)) or (
            hasattr(value, "__iter__")
            and not isinstance(value, (str, bytes, dict))
            and not self._is_instance(value)
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


def _fresh(queryset: Any) -> Any:
    """A clone of ``queryset`` that has not run yet (``all()``), when it offers one."""
    clone = getattr(queryset, "all", None)
    if callable(clone):
        result = clone()
        if hasattr(result, "filter"):
            return result
    return queryset


def _reject_nul(value: Any) -> None:
    ProhibitNullCharactersValidator()(value)


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

"""Relation fields (ForeignKey, OneToOneField, ManyToManyField) and their reverse sides."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.types import TypeEngine

from manouche.orm_lite._constraints import foreign_key_name
from manouche.orm_lite._exceptions import FieldError, ObjectDoesNotExist
from manouche.orm_lite._fields import NOT_PROVIDED, AutoField, Field
from manouche.orm_lite._i18n import gettext
from manouche.orm_lite._options import registry

if TYPE_CHECKING:
    from manouche.orm_lite._base import Model

RECURSIVE_RELATIONSHIP_CONSTANT = "self"


def _model_ref(cls: type[Model], to: Any) -> str | None:
    """The registry key for ``to`` (a model, ``"self"``, ``"Name"`` or ``"app.Name"``)."""
    if isinstance(to, str):
        if to == RECURSIVE_RELATIONSHIP_CONSTANT:
            return cls._meta.label_lower
        if "." not in to:
            return f"{cls._meta.app_label}.{to}".lower()
        return to.lower()
    return None


def lazy_related(cls: type[Model], to: Any, fn: Callable[[type[Model]], None]) -> None:
    """Run ``fn(model)`` once the model ``to`` names exists (now, if it does).

    Until then the reference waits on ``cls._meta.pending``, so that using
    ``cls`` before it resolves is a clear error (:func:`check_resolved`).
    """
    ref = _model_ref(cls, to)
    if ref is None:
        fn(to)
        return
    waiting = PendingRelation(cls, getattr(fn, "__self__", None), ref)
    cls._meta.pending.append(waiting)

    def resolved(model: type[Model]) -> None:
        if waiting in cls._meta.pending:
            cls._meta.pending.remove(waiting)
        fn(model)

    registry.lazy(ref, resolved)


class PendingRelation:
    """A relation of ``model`` (``field``) waiting for the model ``ref`` names."""

    __slots__ = ("field", "model", "ref")

    def __init__(self, model: type[Model], field: Any, ref: str) -> None:
        self.model = model
        self.field = field
        self.ref = ref

    def describe(self) -> str:
        """Django's E307 in words, with the closest model that exists."""
        import difflib

        name = getattr(self.field, "name", None)
        where = f"{self.model._meta.label}.{name}" if name else self.model._meta.label
        app, _, model_name = self.ref.rpartition(".")
        known = {m._meta.label_lower: m._meta.label for m in registry.get_models()}
        close = difflib.get_close_matches(self.ref, list(known), n=1, cutoff=0.6)
        if not close and model_name:
            by_name = {label.rpartition(".")[2]: label for label in known}
            close = [by_name[c] for c in difflib.get_close_matches(model_name, list(by_name), n=1)]
        hint = f"; did you mean '{known[close[0]]}'?" if close else ""
        provider = f"app '{app}' doesn't provide" if app else "no app provides"
        return (
            f"{where}: the field was declared with a lazy reference to '{self.ref}', "
            f"but {provider} model '{model_name}'{hint}"
        )


def check_resolved(model: type[Model]) -> None:
    """Refuse to use ``model`` while a relation of it names a model that is not defined."""
    pending = model._meta.pending
    if pending:
        from manouche.orm_lite._exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "; ".join(p.describe() for p in pending)
            + " (define or import that model before using this one)"
        )


class ForeignObjectRel:
    """The reverse side of a relation, living on the target model's ``_meta``."""

    is_relation = True
    concrete = False
    auto_created = True
    editable = False
    many_to_many = False
    many_to_one = False
    one_to_many = True
    one_to_one = False
    multiple = True
    null = True
    primary_key = False

    def __init__(
        self,
        field: RelatedField,
        to: type[Model],
        related_name: str | None,
        related_query_name: str | None,
        on_delete: Any,
    ) -> None:
        self.field = field
        self.model = to
        self.related_name = related_name
        self._related_query_name = related_query_name
        self.on_delete = on_delete
        self.symmetrical = False

    @property
    def related_model(self) -> type[Model]:
        return self.field.model

    @property
    def hidden(self) -> bool:
        return bool(self.related_name and self.related_name.endswith("+"))

    @property
    def name(self) -> str:
        if self._related_query_name:
            return self._related_query_name
        if self.related_name:
            return self.related_name
        default = self.field.model._meta.default_related_name
        if default:
            return default % {
                "class": self.field.model._meta.model_name,
                "app_label": self.field.model._meta.app_label,
            }
        return self.field.model._meta.model_name

    def get_accessor_name(self) -> str:
        if self.related_name:
            return self.related_name
        default = self.field.model._meta.default_related_name
        if default:
            return default % {
                "class": self.field.model._meta.model_name,
                "app_label": self.field.model._meta.app_label,
            }
        name = self.field.model._meta.model_name
        return name if not self.multiple else f"{name}_set"

    def get_lookups(self) -> dict[str, Any]:
        """The lookups of the relation: its field's, as Django."""
        return self.field.get_lookups()

    def get_lookup(self, name: str) -> Any:
        return self.field.get_lookup(name)

    def get_transform(self, name: str) -> Any:
        return self.field.get_transform(name)

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.model._meta.label_lower}.{self.name}>"


class ManyToOneRel(ForeignObjectRel):
    """The reverse side of a ``ForeignKey`` (``question.choice_set``), as in ``Model._meta``."""

    pass


class OneToOneRel(ForeignObjectRel):
    """The reverse side of a ``OneToOneField``, as in ``Model._meta``."""

    one_to_many = False
    one_to_one = True
    multiple = False


class ManyToManyRel(ForeignObjectRel):
    """The reverse side of a ``ManyToManyField``, as in ``Model._meta``."""

    one_to_many = False
    many_to_many = True


class RelatedField(Field):
    is_relation = True
    rel_class: type[ForeignObjectRel] = ManyToOneRel

    def __init__(
        self,
        to: Any,
        on_delete: Any = None,
        related_name: str | None = None,
        related_query_name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.to = to
        self.on_delete = on_delete
        self.related_name = related_name
        self.related_query_name = related_query_name
        self.related_model: type[Model] | None = None
        self.remote_field: ForeignObjectRel = None  # type: ignore[assignment]

    def clone(self) -> Field:
        new = super().clone()
        assert isinstance(new, RelatedField)
        new.related_model = None
        new.remote_field = None  # type: ignore[assignment]
        return new

    def _related_name_for(self, cls: type[Model]) -> str | None:
        if self.related_name is None:
            return None
        return self.related_name % {
            "class": cls.__name__.lower(),
            "model_name": cls._meta.model_name,
            "app_label": cls._meta.app_label,
        }


class ForeignKey(RelatedField):
    """A many-to-one relation; the column is ``<name>_id``, as Django's."""

    django_name = "ForeignKey"
    many_to_one = True
    empty_strings_allowed = False

    def __init__(
        self,
        to: Any,
        on_delete: Any,
        related_name: str | None = None,
        related_query_name: str | None = None,
        to_field: str | None = None,
        db_constraint: bool = True,
        **kwargs: Any,
    ) -> None:
        if not callable(on_delete):
            raise TypeError("on_delete must be callable (models.CASCADE, models.PROTECT, ...)")
        kwargs.setdefault("db_index", True)
        super().__init__(to, on_delete, related_name, related_query_name, **kwargs)
        self.to_field = to_field
        self.db_constraint = db_constraint
        self.target_field: Any = None

    def get_attname(self) -> str:
        return f"{self.name}_id"

    def contribute_to_class(self, cls: type[Model], name: str) -> None:
        super().contribute_to_class(cls, name)
        setattr(cls, self.name, ForwardManyToOneDescriptor(self))

    def setup_relation(self) -> None:
        lazy_related(self.model, self.to, self._resolve)

    def _resolve(self, target: type[Model]) -> None:
        cls = self.model
        self.related_model = target
        tf = target._meta.get_field(self.to_field) if self.to_field else target._meta.pk
        self.target_field = tf
        self.remote_field = self.rel_class(
            self, target, self._related_name_for(cls), self.related_query_name, self.on_delete
        )
        target._meta.add_related_object(self.remote_field)
        rel = self.remote_field
        if not rel.hidden:
            accessor = rel.get_accessor_name()
            descriptor: Any = (
                ReverseOneToOneDescriptor(rel)
                if rel.one_to_one
                else ReverseManyToOneDescriptor(rel)
            )
            setattr(target, accessor, descriptor)
        col = self.sa_column
        if col is not None:
            col.type = self.rel_type()
            if self.db_constraint:
                assert tf.sa_column is not None
                name = foreign_key_name(
                    cls._meta.db_table, col.name, tf.sa_column.table.name, tf.sa_column.name
                )
                cls._meta.table.append_constraint(
                    sa.ForeignKeyConstraint([col], [tf.sa_column], name=name)
                )

    def rel_type(self) -> TypeEngine[Any]:
        tf = self.target_field
        if isinstance(tf, AutoField):
            return {"AutoField": sa.Integer(), "SmallAutoField": sa.SmallInteger()}.get(
                tf.django_name, sa.BigInteger()
            )
        result: TypeEngine[Any] = tf.sa_type()
        return result

    def sa_type(self) -> TypeEngine[Any]:
        if self.target_field is not None:
            return self.rel_type()
        return sa.types.NullType()

    def column_info(self) -> dict[str, Any]:
        info = super().column_info()
        info["field_name"] = self.name
        return info

    def make_column(self) -> sa.Column[Any]:
        col = super().make_column()
        col.index = self.db_index and not self.unique
        return col

    def insert_passthrough(self) -> tuple[type, ...]:
        # A key value is prepared by the target field (an instance is not a passthrough type).
        if type(self).get_prep_value is not ForeignKey.get_prep_value or self.target_field is None:
            return ()
        found: tuple[type, ...] = self.target_field.insert_passthrough()
        return found

    def get_prep_value(self, value: Any) -> Any:
        from manouche.orm_lite._base import Model

        if isinstance(value, Model):
            if self.related_model is not None and not isinstance(value, self.related_model):
                raise TypeError(
                    f"Field '{self.name}' expects a {self.related_model.__name__} instance "
                    f"or its key, got a {type(value).__name__} instance"
                )
            value = getattr(value, self.target_field.attname)
        if value is None:
            return None
        return self.target_field.get_prep_value(value)

    def to_python(self, value: Any) -> Any:
        if self.target_field is None:
            return value
        return self.target_field.to_python(value)

    def get_default(self) -> Any:
        value = super().get_default()
        from manouche.orm_lite._base import Model

        if isinstance(value, Model):
            return getattr(value, self.target_field.attname)
        return value

    def validate(self, value: Any, instance: Model | None) -> None:
        super().validate(value, instance)
        if value is None or self.related_model is None:
            return
        qs = self.related_model._default_manager.filter(**{self.target_field.name: value})
        if instance is not None and instance._state.db is not None:
            qs = qs.using(instance._state.db)
        if not qs.exists():
            raise ValidationError(
                gettext("%(model)s instance with %(field)s %(value)r does not exist.")
                % {
                    "model": self.related_model._meta.verbose_name,
                    "field": self.target_field.name,
                    "value": value,
                },
                code="invalid",
            )


class OneToOneField(ForeignKey):
    """A ``ForeignKey`` with a unique constraint; the reverse side is one object, not a manager."""

    django_name = "OneToOneField"
    many_to_one = False
    one_to_one = True
    rel_class = OneToOneRel

    def __init__(
        self,
        to: Any,
        on_delete: Any,
        to_field: str | None = None,
        parent_link: bool = False,
        **kwargs: Any,
    ) -> None:
        kwargs["unique"] = True
        super().__init__(to, on_delete, to_field=to_field, **kwargs)
        #: The link of a multi-table inheritance child to its parent's row.
        self.parent_link = parent_link


class ManyToManyField(RelatedField):
    """A many-to-many relation through an automatic table (or ``through=`` a model)."""

    django_name = "ManyToManyField"
    many_to_many = True
    concrete = False
    rel_class = ManyToManyRel

    def __init__(
        self,
        to: Any,
        related_name: str | None = None,
        related_query_name: str | None = None,
        symmetrical: bool | None = None,
        through: Any = None,
        through_fields: tuple[str, str] | None = None,
        db_table: str | None = None,
        db_constraint: bool = True,
        **kwargs: Any,
    ) -> None:
        if kwargs.get("null"):
            kwargs.pop("null")
        super().__init__(to, None, related_name, related_query_name, **kwargs)
        if symmetrical is None:
            symmetrical = to == RECURSIVE_RELATIONSHIP_CONSTANT
        self.symmetrical = symmetrical
        self.through: Any = through
        self.through_fields = through_fields
        self.db_table = db_table
        self.db_constraint = db_constraint
        self._m2m_field: str = ""
        self._m2m_reverse_field: str = ""

    def contribute_to_class(self, cls: type[Model], name: str) -> None:
        if (
            self.symmetrical
            and self.related_name is None
            and self.to == RECURSIVE_RELATIONSHIP_CONSTANT
        ):
            self.related_name = f"{name}_rel_+"
        super().contribute_to_class(cls, name)
        setattr(cls, self.name, ManyToManyDescriptor(self, reverse=False))

    def setup_relation(self) -> None:
        lazy_related(self.model, self.to, self._resolve)

    def _resolve(self, target: type[Model]) -> None:
        cls = self.model
        self.related_model = target
        self.remote_field = ManyToManyRel(
            self, target, self._related_name_for(cls), self.related_query_name, None
        )
        self.remote_field.symmetrical = self.symmetrical
        target._meta.add_related_object(self.remote_field)
        if not self.remote_field.hidden:
            setattr(
                target,
                self.remote_field.get_accessor_name(),
                ManyToManyDescriptor(self, reverse=True),
            )
        if self.through is None:
            self.through = _create_through(self, cls, target)
            self._set_through_fields(self.through)
        else:
            lazy_related(cls, self.through, self._set_through_fields)

    def _set_through_fields(self, through: type[Model]) -> None:
        self.through = through
        if self.through_fields:
            self._m2m_field, self._m2m_reverse_field = self.through_fields
            return
        src, dst = self.model, self.related_model
        fks = [f for f in through._meta.local_fields if f.many_to_one or f.one_to_one]
        to_src = [f for f in fks if _points_to(f, src)]
        to_dst = [f for f in fks if _points_to(f, dst)]
        if src is dst:
            if len(to_src) < 2:
                raise FieldError(f"{through.__name__} needs two foreign keys to {src.__name__}")
            self._m2m_field, self._m2m_reverse_field = to_src[0].name, to_src[1].name
            return
        if len(to_src) != 1 or len(to_dst) != 1:
            raise FieldError(
                f"{through.__name__} must have exactly one foreign key to {src.__name__} and one "
                f"to {dst.__name__ if dst else self.to}; use through_fields= to choose"
            )
        self._m2m_field, self._m2m_reverse_field = to_src[0].name, to_dst[0].name

    def m2m_field_name(self) -> str:
        """Name of the through model's foreign key to the model that holds this field."""
        return self._m2m_field

    def m2m_reverse_field_name(self) -> str:
        """Name of the through model's foreign key to the related model."""
        return self._m2m_reverse_field

    def m2m_column_name(self) -> str:
        return str(self.through._meta.get_field(self._m2m_field).column)

    def m2m_reverse_name(self) -> str:
        return str(self.through._meta.get_field(self._m2m_reverse_field).column)

    def make_column(self) -> sa.Column[Any]:
        raise TypeError("A ManyToManyField has no column")

    def get_default(self) -> Any:
        return NOT_PROVIDED


def _points_to(field: Field, model: type[Model] | None) -> bool:
    if field.related_model is not None:
        return field.related_model is model
    assert isinstance(field, RelatedField)
    return (
        model is not None
        and _model_ref(field.model, field.to) in (model._meta.label_lower,)
        or field.to is model
    )


def _create_through(field: ManyToManyField, cls: type[Model], to: type[Model]) -> type[Model]:
    from manouche.orm_lite._base import Model
    from manouche.orm_lite._deletion import CASCADE

    from_name = cls._meta.model_name
    to_name = to._meta.model_name
    if from_name == to_name:
        from_name, to_name = f"from_{from_name}", f"to_{to_name}"
    meta = type(
        "Meta",
        (),
        {
            "db_table": field.db_table or f"{cls._meta.db_table}_{field.name}",
            "app_label": cls._meta.app_label,
            "auto_created": cls,
            "unique_together": [(from_name, to_name)],
            "metadata": cls._meta.metadata,
            "verbose_name": f"{from_name}-{to_name} relationship",
        },
    )
    attrs: dict[str, Any] = {
        "Meta": meta,
        "__module__": cls.__module__,
        from_name: ForeignKey(
            cls,
            on_delete=CASCADE,
            related_name=f"{cls.__name__}_{field.name}+",
            db_constraint=field.db_constraint,
        ),
        to_name: ForeignKey(
            to,
            on_delete=CASCADE,
            related_name=f"{cls.__name__}_{field.name}+",
            db_constraint=field.db_constraint,
        ),
    }
    through: type[Model] = type(f"{cls.__name__}_{field.name}", (Model,), attrs)
    return through


# -- descriptors --------------------------------------------------------------------

from manouche.orm_lite._exceptions import ValidationError  # noqa: E402
from manouche.orm_lite._managers import (  # noqa: E402
    create_forward_many_to_many_manager,
    create_reverse_many_to_one_manager,
)


def _related_does_not_exist(model: type[Model], name: str) -> type[Exception]:
    return type(
        "RelatedObjectDoesNotExist",
        (model.DoesNotExist, AttributeError),
        {
            "__module__": model.__module__,
            "__qualname__": f"{model.__qualname__}.{name}.RelatedObjectDoesNotExist",
        },
    )


class ForwardManyToOneDescriptor:
    """``book.author``: loads and caches the related row; assigning sets ``author_id``."""

    def __init__(self, field: ForeignKey) -> None:
        self.field = field
        self.cache_name = f"_{field.name}_cache"

    @property
    def RelatedObjectDoesNotExist(self) -> type[Exception]:  # noqa: N802 - Django's name
        return _related_does_not_exist(
            self.field.related_model or self.field.model, self.field.name
        )

    def __get__(self, instance: Model | None, owner: type | None = None) -> Any:
        if instance is None:
            return self
        field = self.field
        data = instance.__dict__
        value = (
            data.get(field.attname) if field.attname in data else getattr(instance, field.attname)
        )
        cached = data.get(self.cache_name, NOT_PROVIDED)
        if cached is not NOT_PROVIDED:
            if cached is None and value is None:
                return None
            if cached is not None and getattr(cached, field.target_field.attname) == value:
                return cached
        if value is None:
            if field.null:
                return None
            raise self.RelatedObjectDoesNotExist(f"{type(instance).__name__} has no {field.name}.")
        if field.related_model is None:
            check_resolved(field.model)
        assert field.related_model is not None
        qs = field.related_model._base_manager.get_queryset()
        if instance._state.db is not None:
            qs = qs.using(instance._state.db)
        obj = qs.get(**{field.target_field.attname: value})
        data[self.cache_name] = obj
        return obj

    def __set__(self, instance: Model, value: Any) -> None:
        field = self.field
        from manouche.orm_lite._base import Model
        from manouche.orm_lite._routers import check_relation

        if value is None:
            instance.__dict__[field.attname] = None
        elif isinstance(value, Model):
            if field.related_model is not None and not isinstance(value, field.related_model):
                raise ValueError(
                    f'Cannot assign "{value!r}": "{type(instance).__name__}.{field.name}" '
                    f'must be a "{field.related_model.__name__}" instance.'
                )
            check_relation(instance, value, field.name)
            instance.__dict__[field.attname] = getattr(value, field.target_field.attname)
        else:
            raise ValueError(
                f'Cannot assign "{value!r}": "{type(instance).__name__}.{field.name}" must be a '
                f'"{field.related_model.__name__ if field.related_model else field.to}" instance.'
            )
        instance.__dict__[self.cache_name] = value


class ReverseOneToOneDescriptor:
    """``restaurant.place`` from the target side of a OneToOneField."""

    def __init__(self, rel: ForeignObjectRel) -> None:
        self.rel = rel
        self.cache_name = f"_{rel.get_accessor_name()}_cache"

    @property
    def RelatedObjectDoesNotExist(self) -> type[Exception]:  # noqa: N802 - Django's name
        return _related_does_not_exist(self.rel.related_model, self.rel.get_accessor_name())

    def __get__(self, instance: Model | None, owner: type | None = None) -> Any:
        if instance is None:
            return self
        cached = instance.__dict__.get(self.cache_name, NOT_PROVIDED)
        if cached is not NOT_PROVIDED:
            if cached is None:
                raise self.RelatedObjectDoesNotExist(
                    f"{type(instance).__name__} has no {self.rel.get_accessor_name()}."
                )
            return cached
        field = self.rel.field
        qs = self.rel.related_model._base_manager.get_queryset()
        if instance._state.db is not None:
            qs = qs.using(instance._state.db)
        try:
            if instance.pk is None:
                # An unsaved instance has no related row (and may not be a filter value).
                raise ObjectDoesNotExist
            obj = qs.get(**{field.name: instance})
        except ObjectDoesNotExist:
            raise self.RelatedObjectDoesNotExist(
                f"{type(instance).__name__} has no {self.rel.get_accessor_name()}."
            ) from None
        instance.__dict__[self.cache_name] = obj
        return obj

    def __set__(self, instance: Model, value: Any) -> None:
        if value is not None:
            setattr(value, self.rel.field.name, instance)
        instance.__dict__[self.cache_name] = value


class ReverseManyToOneDescriptor:
    """``author.book_set``: a manager of the rows whose foreign key points at the instance."""

    def __init__(self, rel: ForeignObjectRel) -> None:
        self.rel = rel
        self._manager_class: type | None = None

    def __get__(self, instance: Model | None, owner: type | None = None) -> Any:
        if instance is None:
            return self
        if self._manager_class is None:
            self._manager_class = create_reverse_many_to_one_manager(
                type(self.rel.related_model._default_manager), self.rel
            )
        return self._manager_class(instance)

    def __set__(self, instance: Model, value: Any) -> None:
        raise TypeError(
            f"Direct assignment to the reverse side of a related set is prohibited. "
            f"Use {self.rel.get_accessor_name()}.set() instead."
        )


class ManyToManyDescriptor:
    """``book.tags`` (forward) or ``tag.book_set`` (reverse): a many-to-many manager."""

    def __init__(self, field: ManyToManyField, reverse: bool) -> None:
        self.field = field
        self.reverse = reverse
        self._manager_class: type | None = None

    @property
    def through(self) -> Any:
        return self.field.through

    def __get__(self, instance: Model | None, owner: type | None = None) -> Any:
        if instance is None:
            return self
        if self._manager_class is None:
            model = self.field.model if self.reverse else self.field.related_model
            assert model is not None
            self._manager_class = create_forward_many_to_many_manager(
                type(model._default_manager), self.field, self.reverse
            )
        return self._manager_class(instance)

    def __set__(self, instance: Model, value: Any) -> None:
        name = self.field.remote_field.get_accessor_name() if self.reverse else self.field.name
        raise TypeError(
            f"Direct assignment to the {'reverse' if self.reverse else 'forward'} side of a "
            f"many-to-many set is prohibited. Use {name}.set() instead."
        )

"""Model fields: Django's field classes, each owning one SQLAlchemy ``Column``."""

from __future__ import annotations

import datetime
import decimal
import ipaddress
import itertools
import math
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.types import TypeEngine

from manouche.orm_lite import _lookups as lk
from manouche.orm_lite._exceptions import ValidationError
from manouche.orm_lite._i18n import gettext, gettext_noop
from manouche.orm_lite._sqltypes import (
    DateTimeType,
    DateType,
    DecimalType,
    DurationType,
    FromDbValue,
    TimeType,
    json_type,
)
from manouche.validation import (
    DecimalValidator,
    MaxLengthValidator,
    MaxValueValidator,
    MinValueValidator,
    ProhibitNullCharactersValidator,
    URLValidator,
    validate_email,
    validate_slug,
)
from manouche.validation.dateparse import parse_date, parse_datetime, parse_duration, parse_time

if TYPE_CHECKING:
    from manouche.orm_lite._base import Model


class _NotProvided:
    def __repr__(self) -> str:
        return "NOT_PROVIDED"


#: The default of a field given no ``default`` (Django's ``NOT_PROVIDED``).
NOT_PROVIDED: Any = _NotProvided()
_counter = itertools.count()


_MODEL: list[type] = []


def _model_class() -> type:
    """``Model`` (imported on first use: _base imports this module)."""
    if not _MODEL:
        from manouche.orm_lite._base import Model

        _MODEL.append(Model)
    return _MODEL[0]


class DeferredAttribute:
    """Class attribute of a concrete field: loads a deferred value on first access."""

    def __init__(self, field: Field) -> None:
        self.field = field

    def __get__(self, instance: Model | None, owner: type | None = None) -> Any:
        if instance is None:
            return self
        attname = self.field.attname
        data = instance.__dict__
        if attname not in data:
            instance.refresh_from_db(fields=[attname])
        return data[attname]


class Field(lk.RegisterLookupMixin):
    """The base of every model field.

    Parameters mirror Django's: ``null``, ``blank``, ``default`` (a value or a
    callable), ``unique``, ``db_index``, ``choices``, ``verbose_name``,
    ``help_text``, ``validators``, ``editable``, ``primary_key``, ``db_column``
    and ``max_length`` where it applies.
    """

    django_name = "Field"
    empty_strings_allowed = True
    is_relation = False
    many_to_many = False
    many_to_one = False
    one_to_one = False
    one_to_many = False
    concrete = True
    auto_created = False
    remote_field: Any = None
    related_model: Any = None

    def __init__(
        self,
        verbose_name: str | None = None,
        name: str | None = None,
        primary_key: bool = False,
        max_length: int | None = None,
        unique: bool = False,
        blank: bool = False,
        null: bool = False,
        db_index: bool = False,
        default: Any = NOT_PROVIDED,
        editable: bool = True,
        choices: Iterable[Any] | None = None,
        help_text: str = "",
        db_column: str | None = None,
        validators: Sequence[Callable[[Any], None]] = (),
        db_default: Any = NOT_PROVIDED,
        unique_for_date: str | None = None,
        error_messages: dict[str, str] | None = None,
        db_comment: str | None = None,
    ) -> None:
        self.verbose_name = verbose_name
        self.name: str = name or ""
        self.primary_key = primary_key
        self.max_length = max_length
        self._unique = unique
        self.blank = blank
        self.null = null
        self.db_index = db_index
        self.default = default
        self.editable = editable
        self.choices = list(choices) if choices is not None else None
        self.help_text = help_text
        self.db_column = db_column
        self._validators = list(validators)
        self.db_default = db_default
        self.error_messages = error_messages or {}
        self.db_comment = db_comment
        self.creation_counter = next(_counter)
        self.model: type[Model] = None  # type: ignore[assignment]
        self.attname: str = ""
        self.column: str = ""
        self.sa_column: sa.Column[Any] = None  # type: ignore[assignment]

    # -- identity -------------------------------------------------------------

    def __repr__(self) -> str:
        where = f"{self.model.__name__}." if self.model is not None else ""
        return f"<{type(self).__name__}: {where}{self.name}>"

    def __lt__(self, other: Field) -> bool:
        return self.creation_counter < other.creation_counter

    def clone(self) -> Field:
        """A fresh copy with the same options, for abstract-model inheritance."""
        new = object.__new__(type(self))
        new.__dict__.update(self.__dict__)
        new.model = None  # type: ignore[assignment]
        new.sa_column = None  # type: ignore[assignment]
        new.creation_counter = self.creation_counter
        return new

    @property
    def unique(self) -> bool:
        return self._unique or self.primary_key

    @property
    def validators(self) -> list[Callable[[Any], None]]:
        return [*self.default_validators(), *self._validators]

    def default_validators(self) -> list[Callable[[Any], None]]:
        return []

    @property
    def flatchoices(self) -> list[tuple[Any, Any]]:
        flat: list[tuple[Any, Any]] = []
        for value, label in self.choices or ():
            if isinstance(label, list | tuple):
                flat.extend(label)
            else:
                flat.append((value, label))
        return flat

    # -- set-up ---------------------------------------------------------------

    def set_attributes_from_name(self, name: str) -> None:
        self.name = self.name or name
        self.attname = self.get_attname()
        self.column = self.db_column or self.attname
        if self.verbose_name is None:
            self.verbose_name = self.name.replace("_", " ")

    def get_attname(self) -> str:
        return self.name

    def contribute_to_class(self, cls: type[Model], name: str) -> None:
        self.set_attributes_from_name(name)
        self.model = cls
        cls._meta.add_field(self)
        if self.concrete:
            setattr(cls, self.attname, DeferredAttribute(self))
        if self.choices is not None and not hasattr(cls, f"get_{self.name}_display"):
            field = self

            def display(obj: Model) -> Any:
                value = getattr(obj, field.attname)
                return dict(field.flatchoices).get(value, value)

            display.__name__ = f"get_{self.name}_display"
            setattr(cls, display.__name__, display)

    def sa_type(self) -> TypeEngine[Any]:
        raise NotImplementedError(f"{type(self).__name__} has no column type")

    def column_info(self) -> dict[str, Any]:
        info: dict[str, Any] = {
            "verbose_name": self.verbose_name,
            "help_text": self.help_text,
            "blank": self.blank,
            "validators": list(self._validators),
            "editable": self.editable,
            "django_field": self.django_name,
            "unique_for_forms": self.unique,
        }
        if self.choices is not None:
            info["choices"] = list(self.choices)
        if self.max_length is not None:
            info["max_length"] = self.max_length
        if self.attname != self.column or self.name != self.column:
            info["field_name"] = self.name
        if self.default is not NOT_PROVIDED:
            info["default"] = self.default
        # What a serializer calls instead of its own conversions (a user's field only):
        # Column.info["value_to_string"], ["to_python"], ["get_db_prep_save"].
        for hook in self._user_value_hooks:
            info[hook] = getattr(self, hook)
        return info

    def make_column(self) -> sa.Column[Any]:
        kwargs: dict[str, Any] = {
            "primary_key": self.primary_key,
            "nullable": self.null,
            "unique": self._unique and not self.primary_key,
            "index": self.db_index and not self._unique and not self.primary_key,
            "info": self.column_info(),
        }
        if self.db_comment:
            kwargs["comment"] = self.db_comment
        if self.db_default is not NOT_PROVIDED:
            kwargs["server_default"] = sa.literal(self.db_default, type_=self.sa_type())
        if self.primary_key:
            kwargs["autoincrement"] = False
        return sa.Column(self.column, self._column_type(), **kwargs)

    def _column_type(self) -> TypeEngine[Any]:
        """The column's type: ``sa_type()``, loading through ``from_db_value`` when defined."""
        base = self.sa_type()
        if getattr(self, "from_db_value", None) is None:
            return base
        return FromDbValue(base, self)

    # -- values ---------------------------------------------------------------

    def has_default(self) -> bool:
        return self.default is not NOT_PROVIDED

    def get_default(self) -> Any:
        if self.default is not NOT_PROVIDED:
            return self.default() if callable(self.default) else self.default
        if not self.empty_strings_allowed or self.null:
            return None
        return ""

    def to_python(self, value: Any) -> Any:
        """Convert ``value`` to this field's Python type or raise ``ValidationError``."""
        return value

    def get_prep_value(self, value: Any) -> Any:
        """Convert a value for a query or a write (used by lookups): clear error on a wrong type."""
        if value is None:
            return None
        if isinstance(value, _model_class()):
            raise TypeError(
                f"Field '{self.name}' expected a {self.django_name} value, "
                f"got a {type(value).__name__} instance"
            )
        return self.prep(value)

    def prep(self, value: Any) -> Any:
        return value

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        """The value bound for the database: ``get_prep_value(value)`` unless ``prepared``.

        Django's hook for a database-specific form of the value; ``connection`` is
        the orm-lite ``Database`` writing it (None where a write has no database at hand).
        """
        return value if prepared else self.get_prep_value(value)

    def get_db_prep_save(self, value: Any, connection: Any) -> Any:
        """The value a save writes, after ``pre_save``: ``get_db_prep_value(value, connection)``.

        Writes call it only for a field class that overrides it or
        ``get_db_prep_value``; the others go straight to ``get_prep_value``,
        which gives the same value with one call less.
        """
        return self.get_db_prep_value(value, connection, prepared=False)

    def _prep_save(self, value: Any, connection: Any) -> Any:
        if self._db_prep_hooks:
            return self.get_db_prep_save(value, connection)
        return self.get_prep_value(value)

    #: The hooks a user's subclass defines that serializers call: ``value_to_string``,
    #: ``to_python``, and ``get_db_prep_save`` when it changes how values are written.
    _user_value_hooks: ClassVar[frozenset[str]] = frozenset()

    #: True for a field class overriding ``get_db_prep_save`` or ``get_db_prep_value``.
    _db_prep_hooks: ClassVar[bool] = False

    #: Exact types whose values ``get_prep_value`` returns unchanged (INSERTs skip the
    #: call for them). A subclass redefining ``prep``, ``to_python`` or
    #: ``get_prep_value`` without restating it gets none.
    passthrough: ClassVar[tuple[type, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        own = vars(cls)
        if not cls.__module__.startswith("manouche.orm_lite."):
            # A user's field: its own conversions for serializers, named in Column.info.
            mine = {name for name in ("value_to_string", "to_python") if name in own}
            if any(n in own for n in ("get_prep_value", "get_db_prep_value", "get_db_prep_save")):
                mine.add("get_db_prep_save")
            cls._user_value_hooks = cls._user_value_hooks | mine
        hooks = "get_db_prep_save" in own or "get_db_prep_value" in own
        if hooks:
            cls._db_prep_hooks = True
        if "passthrough" not in own and (
            hooks or any(name in own for name in ("prep", "to_python", "get_prep_value"))
        ):
            cls.passthrough = ()

    def insert_passthrough(self) -> tuple[type, ...]:
        """The types of :attr:`passthrough` for this field's INSERT values."""
        return type(self).passthrough

    def pre_save(self, instance: Model, add: bool) -> Any:
        return instance.__dict__.get(self.attname)

    def value_from_object(self, obj: Model) -> Any:
        return getattr(obj, self.attname)

    def value_to_string(self, obj: Model) -> str:
        """This field's value of ``obj`` as text, for serializers (Django's hook)."""
        return str(self.value_from_object(obj))

    def empty_values(self) -> tuple[Any, ...]:
        return (None, "", [], (), {})

    def validate(self, value: Any, instance: Model | None) -> None:
        if not self.editable:
            return
        if self.choices is not None and value not in self.empty_values():
            if value not in {v for v, _ in self.flatchoices}:
                raise ValidationError(
                    gettext("Value %(value)r is not a valid choice."),
                    code="invalid_choice",
                    params={"value": value},
                )
        if value is None and not self.null:
            raise ValidationError(gettext("This field cannot be null."), code="null")
        if not self.blank and value in self.empty_values():
            raise ValidationError(gettext("This field cannot be blank."), code="blank")

    def run_validators(self, value: Any) -> None:
        if value in self.empty_values():
            return
        errors: list[ValidationError | str] = []
        for validator in self.validators:
            try:
                validator(value)
            except ValidationError as exc:
                errors.extend(exc.error_list)
            except ValueError as exc:
                errors.append(str(exc))
        if errors:
            raise ValidationError(errors)

    def clean(self, value: Any, instance: Model | None) -> Any:
        value = self.to_python(value)
        self.validate(value, instance)
        self.run_validators(value)
        return value


# -- validators -----------------------------------------------------------------


validate_url = URLValidator()

_INVALID_DATE = gettext_noop(
    "“%(value)s” value has the correct format (YYYY-MM-DD) but it is an invalid date."
)


# -- concrete fields ------------------------------------------------------------


class AutoField(Field):
    """An integer primary key the database assigns (Django's default ``id``)."""

    django_name = "AutoField"
    passthrough = (int,)
    empty_strings_allowed = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("primary_key", True)
        kwargs["blank"] = True
        super().__init__(*args, **kwargs)
        self.editable = False

    def sa_type(self) -> TypeEngine[Any]:
        return sa.Integer()

    def make_column(self) -> sa.Column[Any]:
        col = super().make_column()
        col.autoincrement = True
        col.info["editable"] = False
        return col

    def prep(self, value: Any) -> Any:
        return _to_int(self, value, truncate=True)

    def to_python(self, value: Any) -> Any:
        return None if value is None else _clean_int(self, value)

    def validate(self, value: Any, instance: Model | None) -> None:
        pass


class BigAutoField(AutoField):
    """A 64-bit integer primary key the database assigns (an ``INTEGER`` on SQLite)."""

    django_name = "BigAutoField"

    def sa_type(self) -> TypeEngine[Any]:
        return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


class SmallAutoField(AutoField):
    """A 16-bit integer primary key the database assigns (an ``INTEGER`` on SQLite)."""

    django_name = "SmallAutoField"

    def sa_type(self) -> TypeEngine[Any]:
        return sa.SmallInteger().with_variant(sa.Integer(), "sqlite")


def _to_int(
    field: Field, value: Any, exc: type[Exception] = ValueError, truncate: bool = False
) -> int:
    """``value`` as an int; ``truncate``: a float loses its fraction (Django's get_prep_value)."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and (truncate or value.is_integer()) and math.isfinite(value):
        return int(value)
    if isinstance(value, str | decimal.Decimal):
        try:
            return int(value)
        except (ValueError, decimal.InvalidOperation):
            pass
    raise exc(f"Field '{field.name}' expected a number but got {value!r}.")


def _clean_int(field: Field, value: Any) -> int:
    """``value`` as an int, or Django's ``invalid`` error for the field."""
    try:
        return _to_int(field, value)
    except ValueError:
        raise ValidationError(
            gettext("“%(value)s” value must be an integer."),
            code="invalid",
            params={"value": value},
        ) from None


class IntegerField(Field):
    """A 32-bit integer; values outside its range fail validation, as in Django."""

    django_name = "IntegerField"
    passthrough = (int,)
    empty_strings_allowed = False
    _range: tuple[int, int] | None = (-2147483648, 2147483647)

    def sa_type(self) -> TypeEngine[Any]:
        return sa.Integer()

    def prep(self, value: Any) -> Any:
        return _to_int(self, value, truncate=True)

    def to_python(self, value: Any) -> Any:
        return None if value is None else _clean_int(self, value)

    def default_validators(self) -> list[Callable[[Any], None]]:
        if self._range is None:
            return []
        low, high = self._range
        return [MinValueValidator(low), MaxValueValidator(high)]


class BigIntegerField(IntegerField):
    """A 64-bit integer."""

    django_name = "BigIntegerField"
    _range = (-9223372036854775808, 9223372036854775807)

    def sa_type(self) -> TypeEngine[Any]:
        return sa.BigInteger()


class SmallIntegerField(IntegerField):
    """A 16-bit integer."""

    django_name = "SmallIntegerField"
    _range = (-32768, 32767)

    def sa_type(self) -> TypeEngine[Any]:
        return sa.SmallInteger()


class PositiveIntegerField(IntegerField):
    """A 32-bit integer that is zero or more, enforced by validation (no database CHECK,
    unlike Django)."""

    django_name = "PositiveIntegerField"
    _range = (0, 2147483647)


class PositiveBigIntegerField(BigIntegerField):
    """A 64-bit integer that is zero or more, enforced by validation (no database CHECK,
    unlike Django)."""

    django_name = "PositiveBigIntegerField"
    _range = (0, 9223372036854775807)


class PositiveSmallIntegerField(SmallIntegerField):
    """A 16-bit integer that is zero or more, enforced by validation (no database CHECK,
    unlike Django)."""

    django_name = "PositiveSmallIntegerField"
    _range = (0, 32767)


class FloatField(Field):
    """A floating-point number."""

    django_name = "FloatField"
    passthrough = (float,)
    empty_strings_allowed = False

    def sa_type(self) -> TypeEngine[Any]:
        return sa.Float().with_variant(sa.Double(), "postgresql", "mysql", "mariadb")

    def prep(self, value: Any) -> Any:
        try:
            return float(value)
        except (TypeError, ValueError):
            raise ValueError(f"Field '{self.name}' expected a number but got {value!r}.") from None

    def to_python(self, value: Any) -> Any:
        if value is None:
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            raise ValidationError(
                gettext("“%(value)s” value must be a float."),
                code="invalid",
                params={"value": value},
            ) from None


class DecimalField(Field):
    """A ``decimal.Decimal`` with ``max_digits`` and ``decimal_places``."""

    django_name = "DecimalField"
    empty_strings_allowed = False

    def __init__(
        self,
        verbose_name: str | None = None,
        name: str | None = None,
        max_digits: int | None = None,
        decimal_places: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(verbose_name, name, **kwargs)
        self.max_digits = max_digits
        self.decimal_places = decimal_places

    def sa_type(self) -> TypeEngine[Any]:
        return DecimalType(self.max_digits, self.decimal_places)

    def column_info(self) -> dict[str, Any]:
        info = super().column_info()
        info["max_digits"] = self.max_digits
        info["decimal_places"] = self.decimal_places
        return info

    def to_python(self, value: Any) -> Any:
        if value is None:
            return None
        try:
            if isinstance(value, float):
                context = decimal.Context(prec=self.max_digits or 28)
                result = context.create_decimal_from_float(value)
            else:
                result = decimal.Decimal(str(value))
        except (decimal.InvalidOperation, ValueError):
            result = None
        if result is None or not result.is_finite():
            raise ValidationError(
                gettext("“%(value)s” value must be a decimal number."),
                code="invalid",
                params={"value": value},
            )
        return result

    def prep(self, value: Any) -> Any:
        try:
            return self.to_python(value)
        except ValidationError as exc:
            raise ValueError(f"Field '{self.name}': {exc.messages[0]}") from None

    def default_validators(self) -> list[Callable[[Any], None]]:
        return [DecimalValidator(self.max_digits, self.decimal_places)]


class BooleanField(Field):
    """``True`` or ``False`` (``null=True`` for a third state)."""

    django_name = "BooleanField"
    passthrough = (bool,)
    empty_strings_allowed = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if "default" in kwargs and "blank" not in kwargs:
            kwargs["blank"] = True
        super().__init__(*args, **kwargs)

    def sa_type(self) -> TypeEngine[Any]:
        return sa.Boolean(create_constraint=False)

    def to_python(self, value: Any) -> Any:
        if value is None and self.null:
            return None
        if value in (True, False):
            return bool(value)
        if value in ("t", "True", "1"):
            return True
        if value in ("f", "False", "0"):
            return False
        raise ValidationError(
            gettext("“%(value)s” value must be either True or False."),
            code="invalid",
            params={"value": value},
        )

    def prep(self, value: Any) -> Any:
        try:
            return self.to_python(value)
        except ValidationError:
            raise ValueError(f"Field '{self.name}' expected a boolean but got {value!r}.") from None

    def empty_values(self) -> tuple[Any, ...]:
        return (None, "")


class CharField(Field):
    """A string of at most ``max_length`` characters (``VARCHAR``)."""

    django_name = "CharField"
    passthrough = (str,)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", getattr(type(self), "default_max_length", None))
        super().__init__(*args, **kwargs)

    def sa_type(self) -> TypeEngine[Any]:
        return sa.String(self.max_length)

    def to_python(self, value: Any) -> Any:
        if value is None or isinstance(value, str):
            return value
        return str(value)

    def prep(self, value: Any) -> Any:
        return self.to_python(value)

    def default_validators(self) -> list[Callable[[Any], None]]:
        limit = [MaxLengthValidator(self.max_length)] if self.max_length is not None else []
        return [*limit, ProhibitNullCharactersValidator()]


class EmailField(CharField):
    """A ``CharField`` validated as an email address (``max_length`` 254)."""

    django_name = "EmailField"
    default_max_length = 254

    def default_validators(self) -> list[Callable[[Any], None]]:
        return [*super().default_validators(), validate_email]


class URLField(CharField):
    """A ``CharField`` validated as a URL (``max_length`` 200)."""

    django_name = "URLField"
    default_max_length = 200

    def default_validators(self) -> list[Callable[[Any], None]]:
        return [*super().default_validators(), validate_url]


class FilePathField(CharField):
    """A path chosen among the files (or folders) under ``path`` (``max_length`` 100).

    As Django's: ``match`` (a regular expression on the names), ``recursive``,
    ``allow_files`` and ``allow_folders`` say which paths a form offers; the column
    is a ``VARCHAR`` holding the path.
    """

    django_name = "FilePathField"
    default_max_length = 100

    def __init__(
        self,
        verbose_name: str | None = None,
        name: str | None = None,
        path: Any = "",
        match: str | None = None,
        recursive: bool = False,
        allow_files: bool = True,
        allow_folders: bool = False,
        **kwargs: Any,
    ) -> None:
        if not allow_files and not allow_folders:
            raise ValueError(
                "FilePathFields must have either 'allow_files' or 'allow_folders' set to True."
            )
        self.path = path
        self.match = match
        self.recursive = recursive
        self.allow_files = allow_files
        self.allow_folders = allow_folders
        super().__init__(verbose_name, name, **kwargs)


class SlugField(CharField):
    """A ``CharField`` validated as a slug and indexed (``max_length`` 50)."""

    django_name = "SlugField"
    default_max_length = 50

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def default_validators(self) -> list[Callable[[Any], None]]:
        return [*super().default_validators(), validate_slug]


class TextField(Field):
    """A string of any length (``TEXT``)."""

    django_name = "TextField"
    passthrough = (str,)

    def sa_type(self) -> TypeEngine[Any]:
        return sa.Text()

    def to_python(self, value: Any) -> Any:
        if value is None or isinstance(value, str):
            return value
        return str(value)

    def prep(self, value: Any) -> Any:
        return self.to_python(value)


class GenericIPAddressField(Field):
    """An IPv4 or IPv6 address as text (``protocol`` as Django's; no ``unpack_ipv4``)."""

    django_name = "GenericIPAddressField"

    def __init__(self, *args: Any, protocol: str = "both", **kwargs: Any) -> None:
        kwargs["max_length"] = 39
        super().__init__(*args, **kwargs)
        self.protocol = protocol.lower()

    def sa_type(self) -> TypeEngine[Any]:
        return sa.String(39)

    def to_python(self, value: Any) -> Any:
        if value in (None, ""):
            return None if self.null else value
        try:
            address = ipaddress.ip_address(str(value).strip())
        except ValueError:
            raise ValidationError(
                gettext("Enter a valid IPv4 or IPv6 address."), code="invalid"
            ) from None
        if self.protocol == "ipv4" and address.version != 4:
            raise ValidationError(gettext("Enter a valid IPv4 address."), code="invalid")
        if self.protocol == "ipv6" and address.version != 6:
            raise ValidationError(gettext("Enter a valid IPv6 address."), code="invalid")
        return str(address)

    def prep(self, value: Any) -> Any:
        return str(value)


class _TemporalField(Field):
    empty_strings_allowed = False

    def __init__(
        self,
        verbose_name: str | None = None,
        name: str | None = None,
        auto_now: bool = False,
        auto_now_add: bool = False,
        **kwargs: Any,
    ) -> None:
        self.auto_now = auto_now
        self.auto_now_add = auto_now_add
        if auto_now or auto_now_add:
            kwargs["editable"] = False
            kwargs["blank"] = True
        super().__init__(verbose_name, name, **kwargs)

    def column_info(self) -> dict[str, Any]:
        info = super().column_info()
        info["auto_now"] = self.auto_now
        info["auto_now_add"] = self.auto_now_add
        return info

    def now(self) -> Any:
        raise NotImplementedError

    def pre_save(self, instance: Model, add: bool) -> Any:
        if self.auto_now or (self.auto_now_add and add):
            value = self.now()
            instance.__dict__[self.attname] = value
            return value
        return super().pre_save(instance, add)

    def prep(self, value: Any) -> Any:
        return self.to_python(value)


class DateField(_TemporalField):
    """A ``datetime.date`` (``auto_now``, ``auto_now_add`` as Django's)."""

    django_name = "DateField"

    def sa_type(self) -> TypeEngine[Any]:
        return DateType()

    def now(self) -> Any:
        return datetime.date.today()

    def to_python(self, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, str):
            try:
                parsed = parse_date(value.strip())
            except ValueError:
                raise ValidationError(
                    gettext(_INVALID_DATE), code="invalid_date", params={"value": value}
                ) from None
            if parsed is not None:
                return parsed
        raise ValidationError(
            gettext(
                "“%(value)s” value has an invalid date format. It must be in YYYY-MM-DD format."
            ),
            code="invalid",
            params={"value": value},
        )


class DateTimeField(_TemporalField):
    """A ``datetime.datetime`` (``auto_now``, ``auto_now_add`` as Django's)."""

    django_name = "DateTimeField"

    def sa_type(self) -> TypeEngine[Any]:
        return DateTimeType()

    def now(self) -> Any:
        return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)

    def to_python(self, value: Any) -> Any:
        if value is None or isinstance(value, datetime.datetime):
            return value
        if isinstance(value, datetime.date):
            return datetime.datetime(value.year, value.month, value.day)
        if isinstance(value, str):
            text = value.strip()
            try:
                parsed = parse_datetime(text)
            except ValueError:
                raise ValidationError(
                    gettext(
                        "“%(value)s” value has the correct format "
                        "(YYYY-MM-DD HH:MM[:ss[.uuuuuu]][TZ]) but it is an invalid date/time."
                    ),
                    code="invalid_datetime",
                    params={"value": value},
                ) from None
            if parsed is not None:
                return parsed
            try:
                day = parse_date(text)
            except ValueError:
                raise ValidationError(
                    gettext(_INVALID_DATE), code="invalid_date", params={"value": value}
                ) from None
            if day is not None:
                return datetime.datetime(day.year, day.month, day.day)
        raise ValidationError(
            gettext(
                "“%(value)s” value has an invalid format. It must be in "
                "YYYY-MM-DD HH:MM[:ss[.uuuuuu]][TZ] format."
            ),
            code="invalid",
            params={"value": value},
        )


class TimeField(_TemporalField):
    """A ``datetime.time``."""

    django_name = "TimeField"

    def sa_type(self) -> TypeEngine[Any]:
        return TimeType()

    def now(self) -> Any:
        return datetime.datetime.now().time()

    def to_python(self, value: Any) -> Any:
        if value is None or isinstance(value, datetime.time):
            return value
        if isinstance(value, datetime.datetime):
            return value.time()
        if isinstance(value, str):
            try:
                parsed = parse_time(value.strip())
            except ValueError:
                raise ValidationError(
                    gettext(
                        "“%(value)s” value has the correct format (HH:MM[:ss[.uuuuuu]]) "
                        "but it is an invalid time."
                    ),
                    code="invalid_time",
                    params={"value": value},
                ) from None
            if parsed is not None:
                return parsed
        raise ValidationError(
            gettext(
                "“%(value)s” value has an invalid format. It must be in HH:MM[:ss[.uuuuuu]] format."
            ),
            code="invalid",
            params={"value": value},
        )


class DurationField(Field):
    """A ``datetime.timedelta`` (an interval where the database has one, else microseconds)."""

    django_name = "DurationField"
    empty_strings_allowed = False

    def sa_type(self) -> TypeEngine[Any]:
        return DurationType()

    def to_python(self, value: Any) -> Any:
        if value is None or isinstance(value, datetime.timedelta):
            return value
        if isinstance(value, int | float):
            return datetime.timedelta(seconds=value)
        if isinstance(value, str):
            try:
                parsed = parse_duration(value)
            except ValueError:  # days out of range
                parsed = None
            if parsed is not None:
                return parsed
        raise ValidationError(
            gettext(
                "“%(value)s” value has an invalid format. It must be in [DD] [[HH:]MM:]ss[.uuuuuu] "
                "format."
            ),
            code="invalid",
            params={"value": value},
        )

    def prep(self, value: Any) -> Any:
        try:
            return self.to_python(value)
        except ValidationError:
            raise ValueError(
                f"Field '{self.name}' expected a timedelta but got {value!r}."
            ) from None


class UUIDField(Field):
    """A ``uuid.UUID`` (a native UUID column where the database has one)."""

    django_name = "UUIDField"
    empty_strings_allowed = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["max_length"] = 32
        super().__init__(*args, **kwargs)

    def sa_type(self) -> TypeEngine[Any]:
        return sa.Uuid(as_uuid=True)

    def to_python(self, value: Any) -> Any:
        if value is None or isinstance(value, uuid.UUID):
            return value
        try:
            if isinstance(value, int):
                return uuid.UUID(int=value)
            return uuid.UUID(str(value))
        except ValueError:
            raise ValidationError(
                gettext("“%(value)s” is not a valid UUID."),
                code="invalid",
                params={"value": value},
            ) from None

    def prep(self, value: Any) -> Any:
        try:
            return self.to_python(value)
        except ValidationError:
            raise ValueError(f"Field '{self.name}' expected a UUID but got {value!r}.") from None


class JSONField(Field):
    """Any JSON value (a JSON column where the database has one); ``encoder``/``decoder`` as
    Django's.
    """

    django_name = "JSONField"
    empty_strings_allowed = False

    def __init__(self, *args: Any, encoder: Any = None, decoder: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.encoder = encoder
        self.decoder = decoder

    def sa_type(self) -> TypeEngine[Any]:
        return json_type()

    def empty_values(self) -> tuple[Any, ...]:
        return (None, "", [], (), {})


class BinaryField(Field):
    """Raw bytes (``bytes``); not editable in forms by default."""

    django_name = "BinaryField"
    empty_strings_allowed = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def sa_type(self) -> TypeEngine[Any]:
        return sa.LargeBinary(self.max_length)

    def get_default(self) -> Any:
        if self.has_default() or self.null:
            return super().get_default()
        return b""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, memoryview):
            return bytes(value)
        return value


SCALAR_FIELDS: tuple[type[Field], ...] = (
    AutoField,
    BigAutoField,
    SmallAutoField,
    IntegerField,
    BigIntegerField,
    SmallIntegerField,
    PositiveIntegerField,
    PositiveBigIntegerField,
    PositiveSmallIntegerField,
    FloatField,
    DecimalField,
    BooleanField,
    CharField,
    EmailField,
    URLField,
    SlugField,
    TextField,
    GenericIPAddressField,
    DateField,
    DateTimeField,
    TimeField,
    DurationField,
    UUIDField,
    JSONField,
    BinaryField,
)

for _lookup in lk.BASIC_LOOKUPS:
    Field.register_lookup(_lookup)
for _transform in lk.DATE_TRANSFORMS:
    DateField.register_lookup(_transform)
    DateTimeField.register_lookup(_transform)
for _transform in lk.TIME_TRANSFORMS:
    DateTimeField.register_lookup(_transform)
    TimeField.register_lookup(_transform)
DateTimeField.register_lookup(lk.TruncDateTransform)

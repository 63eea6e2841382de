"""Relational fields: primary keys, slugs, strings and hyperlinks to related objects."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote, urlparse

from sqlalchemy.exc import DataError

from manouche.restkit._i18n import gettext_noop as _
from manouche.restkit.exceptions import SkipField
from manouche.restkit.fields import Field, _is_html_input, empty, get_attribute

MANY_RELATION_KWARGS = (
    "read_only", "write_only", "required", "default", "initial", "source", "label",
    "help_text", "style", "error_messages", "allow_empty", "html_cutoff", "allow_null",
)  # fmt: skip


def pk_of(obj: Any) -> Any:
    """The primary key of an orm-lite instance (``pk``) or a SQLAlchemy one (its mapper)."""
    try:
        return obj.pk
    except AttributeError:
        pass
    import sqlalchemy as sa

    mapper = sa.inspect(type(obj), raiseerr=False)
    if mapper is None:
        raise AttributeError(f"{type(obj).__name__} has no primary key") from None
    keys = [getattr(obj, mapper.get_property_by_column(c).key) for c in mapper.primary_key]
    return keys[0] if len(keys) == 1 else tuple(keys)


def _is_does_not_exist(exc: BaseException) -> bool:
    return isinstance(exc, LookupError) or any(
        cls.__name__ in ("ObjectDoesNotExist", "DoesNotExist") for cls in type(exc).__mro__
    )


class RelatedField(Field):
    """Base of the fields that point at another object through a ``queryset``."""

    queryset: Any = None

    def __init__(self, **kwargs: Any) -> None:
        self.queryset = kwargs.pop("queryset", self.queryset)
        self.html_cutoff = kwargs.pop("html_cutoff", 1000)
        if not kwargs.get("read_only", False) and self.queryset is None:
            raise TypeError(
                "Relational field must provide a `queryset` argument, override "
                "`get_queryset`, or set read_only=`True`."
            )
        if kwargs.get("read_only", False) and self.queryset is not None:
            raise TypeError(
                "Relational fields should not provide a `queryset` argument, "
                "when setting read_only=`True`."
            )
        kwargs.pop("many", None)
        kwargs.pop("allow_empty", None)
        super().__init__(**kwargs)

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        if kwargs.pop("many", False):
            return cls.many_init(*args, **kwargs)
        return super().__new__(cls)

    @classmethod
    def many_init(cls, *args: Any, **kwargs: Any) -> ManyRelatedField:
        list_kwargs: dict[str, Any] = {"child_relation": cls(*args, **kwargs)}
        for key in kwargs:
            if key in MANY_RELATION_KWARGS:
                list_kwargs[key] = kwargs[key]
        return ManyRelatedField(**list_kwargs)

    def get_queryset(self) -> Any:
        queryset = self.queryset
        if hasattr(queryset, "all"):
            queryset = queryset.all()
        return queryset

    def run_validation(self, data: Any = empty) -> Any:
        if data == "":
            data = None
        return super().run_validation(data)

    def get_choices(self, cutoff: int | None = None) -> dict[Any, str]:
        queryset = self.get_queryset()
        if queryset is None:
            return {}
        items = list(queryset)[:cutoff] if cutoff is not None else list(queryset)
        return {self.to_representation(item): str(item) for item in items}

    @property
    def choices(self) -> dict[Any, str]:
        return self.get_choices()


class StringRelatedField(RelatedField):
    """``str()`` of the related object, read only."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> Any:
        return str(value)


class PrimaryKeyRelatedField(RelatedField):
    default_error_messages = {
        "required": _("This field is required."),
        "does_not_exist": _('Invalid pk "{pk_value}" - object does not exist.'),
        "incorrect_type": _("Incorrect type. Expected pk value, received {data_type}."),
    }

    def __init__(self, **kwargs: Any) -> None:
        self.pk_field: Field | None = kwargs.pop("pk_field", None)
        super().__init__(**kwargs)

    def get_attribute(self, instance: Any) -> Any:
        # The foreign key column (``author_id``) spares loading the related row.
        if len(self.source_attrs) == 1 and not isinstance(instance, Mapping):
            attname = self.source_attrs[0] + "_id"
            value = getattr(instance, attname, empty)
            if value is not empty:
                return _PKOnly(value)
        return super().get_attribute(instance)

    def to_internal_value(self, data: Any) -> Any:
        if self.pk_field is not None:
            data = self.pk_field.to_internal_value(data)
        if isinstance(data, bool) or isinstance(data, (list, dict)):
            self.fail("incorrect_type", data_type=type(data).__name__)
        queryset = self.get_queryset()
        try:
            return queryset.get(pk=data)
        except (TypeError, ValueError):
            self.fail("incorrect_type", data_type=type(data).__name__)
        except (OverflowError, DataError):  # a number no column can hold
            self.fail("does_not_exist", pk_value=data)
        except Exception as exc:
            # The driver's overflow wrapped by the ORM (a form's "6188...648" reaches the
            # driver as a number too large for the column) is a row that cannot exist too.
            if _is_does_not_exist(exc) or isinstance(
                getattr(exc, "orig", None), (OverflowError, DataError)
            ):
                self.fail("does_not_exist", pk_value=data)
            raise

    def to_representation(self, value: Any) -> Any:
        pk = value.pk if isinstance(value, _PKOnly) else pk_of(value)
        if self.pk_field is not None:
            return self.pk_field.to_representation(pk)
        return pk


class _PKOnly:
    __slots__ = ("pk",)

    def __init__(self, pk: Any) -> None:
        self.pk = pk

    def __str__(self) -> str:
        return str(self.pk)


class SlugRelatedField(RelatedField):
    default_error_messages = {
        "does_not_exist": _("Object with {slug_name}={value} does not exist."),
        "invalid": _("Invalid value."),
    }

    def __init__(self, slug_field: str | None = None, **kwargs: Any) -> None:
        if slug_field is None:
            raise TypeError("The `slug_field` argument is required.")
        self.slug_field = slug_field
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, (str, int)) or isinstance(data, bool):
            self.fail("invalid")
        try:
            return self.get_queryset().get(**{self.slug_field: data})
        except (TypeError, ValueError):
            self.fail("invalid")
        except Exception as exc:
            if _is_does_not_exist(exc):
                self.fail("does_not_exist", slug_name=self.slug_field, value=str(data))
            raise

    def to_representation(self, obj: Any) -> Any:
        return get_attribute(obj, self.slug_field.split("."))


class HyperlinkedRelatedField(RelatedField):
    """The URL of the related object, reversed from ``view_name`` (``"book-detail"``)."""

    lookup_field = "pk"
    default_error_messages = {
        "required": _("This field is required."),
        "no_match": _("Invalid hyperlink - No URL match."),
        "incorrect_match": _("Invalid hyperlink - Incorrect URL match."),
        "does_not_exist": _("Invalid hyperlink - Object does not exist."),
        "incorrect_type": _("Incorrect type. Expected URL string, received {data_type}."),
    }

    def __init__(self, view_name: str | None = None, **kwargs: Any) -> None:
        if view_name is not None:
            self.view_name = view_name
        if getattr(self, "view_name", None) is None:
            raise TypeError("The `view_name` argument is required.")
        self.lookup_field = kwargs.pop("lookup_field", self.lookup_field)
        self.lookup_url_kwarg = kwargs.pop("lookup_url_kwarg", self.lookup_field)
        self.format = kwargs.pop("format", None)
        self.urlconf = kwargs.pop("urlconf", None)
        super().__init__(**kwargs)

    def get_url(self, obj: Any, view_name: str, request: Any, format: str | None) -> Any:  # noqa: A002
        lookup_value = get_attribute(obj, self.lookup_field.split("."))
        if lookup_value in (None, ""):
            return None
        from manouche.restkit.reverse import reverse

        return reverse(
            view_name, kwargs={self.lookup_url_kwarg: lookup_value}, request=request,
            format=format, urlconf=self.urlconf,
        )  # fmt: skip

    def get_object(self, view_name: str, view_args: Any, view_kwargs: dict[str, Any]) -> Any:
        lookup_value = view_kwargs[self.lookup_url_kwarg]
        return self.get_queryset().get(**{self.lookup_field: lookup_value})

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            self.fail("incorrect_type", data_type=type(data).__name__)
        request = self.context.get("request")
        path = urlparse(data).path
        script_name = getattr(request, "script_name", "") or ""
        if script_name and path.startswith(script_name):
            path = path[len(script_name) :]
        from manouche.urlmap import Resolver404, resolve

        try:
            match = resolve(unquote(path), urlconf=self.urlconf)
        except Resolver404:
            self.fail("no_match")
        if match.view_name != self.view_name:
            self.fail("incorrect_match")
        try:
            return self.get_object(match.view_name, match.args, match.kwargs)
        except (TypeError, ValueError):
            self.fail("does_not_exist")
        except Exception as exc:
            if _is_does_not_exist(exc) or isinstance(exc, KeyError):
                self.fail("does_not_exist")
            raise

    def to_representation(self, value: Any) -> Any:
        request = self.context.get("request")
        fmt = self.context.get("format")
        if fmt and self.format and self.format != fmt:
            fmt = self.format
        return self.get_url(value, self.view_name, request, fmt)


class HyperlinkedIdentityField(HyperlinkedRelatedField):
    """The URL of the object itself (``url`` of a HyperlinkedModelSerializer)."""

    def __init__(self, view_name: str | None = None, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        kwargs["source"] = "*"
        super().__init__(view_name, **kwargs)


class ManyRelatedField(Field):
    """A list of related objects through ``child_relation`` (``many=True``)."""

    initial: Any = []
    default_empty_html: Any = []
    default_error_messages = {
        "not_a_list": _('Expected a list of items but got type "{input_type}".'),
        "empty": _("This list may not be empty."),
    }

    def __init__(self, child_relation: RelatedField, **kwargs: Any) -> None:
        self.child_relation = child_relation
        self.allow_empty = kwargs.pop("allow_empty", True)
        self.html_cutoff = kwargs.pop("html_cutoff", 1000)
        super().__init__(**kwargs)
        self.child_relation.bind(field_name="", parent=self)

    def get_value(self, dictionary: Mapping[str, Any]) -> Any:
        if self.field_name not in dictionary and getattr(self.root, "partial", False):
            return empty
        if _is_html_input(dictionary):
            return dictionary.getlist(self.field_name)  # type: ignore[attr-defined]
        return dictionary.get(self.field_name, empty)

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, (str, Mapping)) or not hasattr(data, "__iter__"):
            self.fail("not_a_list", input_type=type(data).__name__)
        if not self.allow_empty and len(data) == 0:
            self.fail("empty")
        return [self.child_relation.to_internal_value(item) for item in data]

    def get_attribute(self, instance: Any) -> Any:
        if getattr(instance, "pk", True) is None:
            return []
        try:
            relationship = get_attribute(instance, self.source_attrs)
        except (KeyError, AttributeError):
            if not self.required:
                raise SkipField() from None
            raise
        return relationship.all() if hasattr(relationship, "all") else relationship

    def to_representation(self, iterable: Any) -> Any:
        return [self.child_relation.to_representation(value) for value in iterable]

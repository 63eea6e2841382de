"""manouche.adminkit: Django's generated admin for orm-lite and SQLAlchemy models, as a WSGI app."""

from manouche.adminkit.decorators import action, display, register
from manouche.adminkit.filters import (
    AllValuesFieldListFilter,
    BooleanFieldListFilter,
    ChoicesFieldListFilter,
    DateFieldListFilter,
    FieldListFilter,
    IncorrectLookupParameters,
    ListFilter,
    RelatedFieldListFilter,
    SimpleListFilter,
)
from manouche.adminkit.history import ADDITION, CHANGE, DELETION, LogEntry
from manouche.adminkit.options import (
    HORIZONTAL,
    VERTICAL,
    InlineModelAdmin,
    ModelAdmin,
    ShowFacets,
    StackedInline,
    TabularInline,
)
from manouche.adminkit.sites import (
    AdminSite,
    AlreadyRegistered,
    ImproperlyConfigured,
    NotRegistered,
    site,
)

__all__ = [
    "ADDITION",
    "CHANGE",
    "DELETION",
    "HORIZONTAL",
    "VERTICAL",
    "AdminSite",
    "AllValuesFieldListFilter",
    "AlreadyRegistered",
    "BooleanFieldListFilter",
    "ChoicesFieldListFilter",
    "DateFieldListFilter",
    "FieldListFilter",
    "ImproperlyConfigured",
    "IncorrectLookupParameters",
    "InlineModelAdmin",
    "ListFilter",
    "LogEntry",
    "ModelAdmin",
    "NotRegistered",
    "RelatedFieldListFilter",
    "ShowFacets",
    "SimpleListFilter",
    "StackedInline",
    "TabularInline",
    "action",
    "display",
    "register",
    "site",
]

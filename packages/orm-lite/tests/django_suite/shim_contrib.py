"""``django.contrib``, ``django.contrib.contenttypes.fields``/``.models`` for Django's ORM tests.

orm-lite has no admin and no generic relations (contenttypes). A test app's
``admin.py`` registers its models on an ``AdminSite``: here a site that
accepts them and does nothing, so the app's test module loads; the tests of
the admin itself are excluded in ``suite.toml`` (Django's admin is not
orm-lite). ``GenericForeignKey``/``GenericRelation`` are placeholders: in a
model's class body they leave the model without that field.
"""

from __future__ import annotations

import types
from typing import Any

import _ormlite_suite

# orm-lite has no ContentType model: a relation to it is a lazy reference that
# never resolves, so the model holding it gets no table (its tests fail).
ContentType = "contenttypes.ContentType"
GenericForeignKey = _ormlite_suite.missing("GenericForeignKey")
GenericRelation = _ormlite_suite.missing("GenericRelation")


class AdminSite:
    """Accepts registrations and serves nothing: the suite does not test Django's admin."""

    def __init__(self, name: str = "admin") -> None:
        self.name = name

    def register(self, model_or_iterable: Any, admin_class: Any = None, **options: Any) -> None:
        pass


admin = types.ModuleType("django.contrib.admin")
admin.AdminSite = AdminSite  # type: ignore[attr-defined]
admin.site = AdminSite()  # type: ignore[attr-defined]
admin.ModelAdmin = _ormlite_suite.missing("ModelAdmin")  # type: ignore[attr-defined]

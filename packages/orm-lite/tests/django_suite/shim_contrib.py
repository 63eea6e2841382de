"""``django.contrib``, ``django.contrib.contenttypes.fields``/``.models`` for Django's ORM tests.

orm-lite has no admin and no generic relations (contenttypes). A test app's
``admin.py`` registers its models on an ``AdminSite``: here a site that
accepts them and does nothing, so the app's test module loads; the tests of
the admin itself are excluded in ``suite.toml`` (Django's admin is not
orm-lite). ``ContentType`` is a table the test models' foreign keys can
point at. ``GenericForeignKey``/``GenericRelation`` are placeholders: in a
model's class body they leave the model without that field.
"""

from __future__ import annotations

import types
from typing import Any

import _ormlite_suite

from manouche import orm_lite


class ContentType(orm_lite.Model):
    """A table for the test models' foreign keys to Django's content types.

    Only the columns (Django's ``django_content_type``): no ``get_for_model``
    and no generic relations, which are Django's contenttypes app, not orm-lite.
    """

    app_label = orm_lite.CharField(max_length=100)
    model = orm_lite.CharField(max_length=100)

    class Meta:
        app_label = "contenttypes"
        db_table = "django_content_type"
        unique_together = [("app_label", "model")]


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

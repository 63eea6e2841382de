"""Django twins of the orm-lite models of the ModelForm tests.

Author, Tag and Book come from manouche-testsupport's one declaration, which
test_models_orm_lite.py also uses for the orm-lite side."""

from __future__ import annotations

from django.core import validators
from django.db import models as dm

from manouche.testsupport import form_reference_models

_shared = form_reference_models(dm, validators, app_label="formkit_ref")
Author = _shared["Author"]
Tag = _shared["Tag"]
Book = _shared["Book"]


class Profile(dm.Model):
    user_name = dm.CharField(max_length=30, unique=True)
    nickname = dm.CharField(max_length=20, null=True, blank=True)
    age = dm.PositiveSmallIntegerField(null=True, blank=True)
    score = dm.FloatField(default=0.5)
    active = dm.BooleanField(default=True)
    verified = dm.BooleanField(null=True)
    level = dm.IntegerField(choices=[(1, "Low"), (2, "High")], default=1)
    joined = dm.DateField(null=True, blank=True)
    created = dm.DateTimeField(auto_now_add=True)
    last_seen = dm.DateTimeField(null=True, blank=True)
    website = dm.URLField(blank=True)
    slug = dm.SlugField(max_length=40, blank=True)
    token = dm.UUIDField(null=True, blank=True)
    ip = dm.GenericIPAddressField(null=True, blank=True)
    data = dm.JSONField(default=dict, blank=True)
    mentor = dm.ForeignKey("self", null=True, blank=True, on_delete=dm.SET_NULL)
    idle = dm.DurationField(null=True, blank=True)

    class Meta:
        app_label = "formkit_ref"

    def __str__(self) -> str:
        return str(self.user_name)


class Writer(dm.Model):
    name = dm.CharField(max_length=40, unique=True)
    code = dm.CharField(max_length=10, unique=True)
    active = dm.BooleanField(default=True)

    class Meta:
        app_label = "formkit_ref"
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Essay(dm.Model):
    title = dm.CharField(max_length=60)
    writer = dm.ForeignKey(Writer, on_delete=dm.CASCADE)
    reviewers = dm.ManyToManyField(Writer, related_name="reviewed", blank=True)

    class Meta:
        app_label = "formkit_ref"
        unique_together = [("title", "writer")]

    def __str__(self) -> str:
        return str(self.title)


class Badge(dm.Model):
    label = dm.CharField(max_length=20)
    holder = dm.ForeignKey(Writer, to_field="code", on_delete=dm.CASCADE)

    class Meta:
        app_label = "formkit_ref"

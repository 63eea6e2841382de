"""Inheritance models, one source built twice: with Django's ``models`` and with orm-lite's."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any


def define(models: Any) -> SimpleNamespace:
    """Proxy models over ``Person`` (and a relation to a proxy), built with ``models``."""

    class Person(models.Model):
        name = models.CharField(max_length=30)
        age = models.IntegerField()

        class Meta:
            app_label = "parity"
            ordering = ["name"]
            get_latest_by = "age"

        def __str__(self) -> str:
            return str(self.name)

    class AdultManager(models.Manager):
        def get_queryset(self) -> Any:
            return super().get_queryset().filter(age__gte=18)

    class Adult(Person):
        adults = AdultManager()

        class Meta:
            app_label = "parity"
            proxy = True
            ordering = ["-age", "name"]
            verbose_name = "grown-up"

        def greeting(self) -> str:
            return f"Good day, {self.name}"

    class LoudAdult(Adult):
        class Meta:
            proxy = True
            app_label = "parity"

        def greeting(self) -> str:
            return super().greeting().upper()

    class PlainPerson(Person):
        """A proxy with no Meta options of its own: ordering comes from Person."""

        class Meta:
            proxy = True
            app_label = "parity"

    class Pet(models.Model):
        name = models.CharField(max_length=30)
        owner = models.ForeignKey(Adult, on_delete=models.CASCADE, related_name="pets")

        class Meta:
            app_label = "parity"

    return SimpleNamespace(
        Person=Person, Adult=Adult, LoudAdult=LoudAdult, PlainPerson=PlainPerson, Pet=Pet
    )


#: (name, age) rows both sides start from.
PEOPLE = [("Ann", 34), ("Bob", 12), ("Cid", 18), ("Dee", 61), ("Eve", 17), ("Fay", 34)]

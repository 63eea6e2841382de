"""Multi-table inheritance models, one source built with Django's ``models`` and with orm-lite's."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any


def define(models: Any) -> SimpleNamespace:
    """``Spot`` with two children (an implicit and an explicit parent link), a proxy of a
    child and a relation to a child."""

    class Spot(models.Model):
        name = models.CharField(max_length=30)
        city = models.CharField(max_length=30)

        class Meta:
            app_label = "parity"
            ordering = ["name"]

    class Diner(Spot):
        serves_pizza = models.BooleanField(default=False)
        rating = models.IntegerField(default=0)

        class Meta:
            app_label = "parity"

    class Tavern(Spot):
        spot_link = models.OneToOneField(Spot, on_delete=models.CASCADE, parent_link=True)
        happy_hour = models.BooleanField(default=False)

        class Meta:
            app_label = "parity"
            ordering = ["-name"]

    class TopDiner(Diner):
        """A proxy of a child: the child's two tables under a class of its own."""

        class Meta:
            app_label = "parity"
            proxy = True
            ordering = ["-rating"]

        def label(self) -> str:
            return f"{self.name} ({self.city}): {self.rating}"

    class Critique(models.Model):
        diner = models.ForeignKey(Diner, on_delete=models.CASCADE, related_name="critiques")
        stars = models.IntegerField()

        class Meta:
            app_label = "parity"
            ordering = ["pk"]

    class Pizzeria(Diner):
        """A child of a child: three tables."""

        oven = models.CharField(max_length=10, default="wood")
        slices = models.IntegerField(default=8)

        class Meta:
            app_label = "parity"

    class Owner(models.Model):
        owner_id = models.AutoField(primary_key=True)
        owner_name = models.CharField(max_length=30)
        since = models.IntegerField(default=2000)

        class Meta:
            app_label = "parity"

    class Franchise(Spot, Owner):
        """Two concrete parents: the link to the first is the primary key."""

        fee = models.IntegerField(default=0)

        class Meta:
            app_label = "parity"

    class Slice(models.Model):
        pizzeria = models.ForeignKey(Pizzeria, on_delete=models.CASCADE, related_name="menu")
        topping = models.CharField(max_length=20)

        class Meta:
            app_label = "parity"
            ordering = ["pk"]

    return SimpleNamespace(
        Spot=Spot,
        Diner=Diner,
        Tavern=Tavern,
        TopDiner=TopDiner,
        Critique=Critique,
        Pizzeria=Pizzeria,
        Owner=Owner,
        Franchise=Franchise,
        Slice=Slice,
    )


#: Tables in creation order (parents first), for schema editors and create_all.
TABLES = ("Spot", "Diner", "Tavern", "Critique", "Pizzeria", "Owner", "Franchise", "Slice")


#: (name, city, kind, extra): kind is "spot", "diner" (extra: rating), "tavern",
#: "pizzeria" (extra: rating) or "franchise" (extra: fee).
ROWS = [
    ("Gusto", "Lyon", "pizzeria", 3),
    ("Hut", "Paris", "pizzeria", 1),
    ("Inn", "Nice", "franchise", 300),
    ("Jet", "Lyon", "franchise", 100),
    ("Alba", "Lyon", "diner", 4),
    ("Bistro", "Paris", "diner", 2),
    ("Corner", "Lyon", "spot", 0),
    ("Dock", "Nice", "tavern", 0),
    ("Elm", "Paris", "tavern", 0),
    ("Fig", "Nice", "diner", 5),
]

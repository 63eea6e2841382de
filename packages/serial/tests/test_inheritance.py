"""Multi-table inheritance: a child's fixture object holds its own table's fields
(the parent link as its pk), as Django writes it. Django's serializers and ours on
the same rows, same bytes, and each side's dump loaded by the other."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import sqlalchemy as sa
from conftest import load_here, rows, truncate

from manouche import serial

FORMATS = ["json", "jsonl", "xml"]
NAMES = ["Place", "Restaurant", "Pizzeria", "Owner", "Franchise"]
TABLES = [f"serialtest_{n.lower()}" for n in NAMES]


def define(models: Any, **meta: Any) -> SimpleNamespace:
    """A child of a child and a child of two parents, for Django's models or orm-lite's."""

    def options(**more: Any) -> type:
        return type("Meta", (), {"app_label": "serialtest", **meta, **more})

    class PlaceManager(models.Manager):
        def get_by_natural_key(self, name: str, city: str) -> Any:
            return self.get(name=name, city=city)

    class Place(models.Model):
        name = models.CharField(max_length=30)
        city = models.CharField(max_length=30)
        objects = PlaceManager()
        Meta = options()

        def natural_key(self) -> tuple[str, str]:
            return (self.name, self.city)

    class Restaurant(Place):
        rating = models.IntegerField(default=0)
        Meta = options()

    class Pizzeria(Restaurant):
        oven = models.CharField(max_length=10)
        Meta = options()

    class Owner(models.Model):
        owner_id = models.AutoField(primary_key=True)
        owner_name = models.CharField(max_length=30)
        Meta = options()

    class Franchise(Place, Owner):
        fee = models.DecimalField(max_digits=6, decimal_places=2)
        Meta = options()

    return SimpleNamespace(**{n: locals()[n] for n in NAMES})


def _objects(m: Any, using: Any = None) -> list[Any]:
    out: list[Any] = []
    for name in NAMES:
        manager = getattr(m, name).objects
        out += list((manager.using(using) if using is not None else manager).order_by("pk"))
    return out


@pytest.fixture(scope="module")
def mti(django_env: Path) -> Iterator[tuple[Any, Any, Any]]:
    """(Django models, orm-lite models, orm-lite Database on Django's filled file)."""
    from decimal import Decimal

    from django.db import connections
    from django.db import models as djm

    from manouche import orm_lite

    dj = define(djm)
    ol = define(orm_lite, metadata=sa.MetaData())
    for alias in ("default", "other"):
        with connections[alias].schema_editor() as editor:
            for name in NAMES:
                editor.create_model(getattr(dj, name))
    dj.Place.objects.create(name="Corner", city="Lyon")
    dj.Restaurant.objects.create(name="Alba", city="Lyon", rating=4)
    dj.Pizzeria.objects.create(name="Gusto", city="Nice", rating=3, oven="wood")
    dj.Pizzeria.objects.create(name='Hut "&" <co>', city="Paris", rating=1, oven="gas")
    dj.Owner.objects.create(owner_name="Solo")
    dj.Franchise.objects.create(name="Inn", city="Nice", owner_name="Inn Ltd", fee=Decimal("1.50"))
    db = orm_lite.Database(f"sqlite:///{django_env / 'django.sqlite3'}", default=False)
    yield dj, ol, db
    db.dispose()


@pytest.mark.parametrize("indent", [None, 2])
@pytest.mark.parametrize("fmt", FORMATS)
def test_children_serialize_to_django_bytes(mti: Any, fmt: str, indent: Any) -> None:
    from django.core import serializers

    dj, ol, db = mti
    theirs = serializers.serialize(fmt, _objects(dj), indent=indent)
    # A second parent's link is a field of the child; the first parent's is its pk.
    assert "owner_ptr" in theirs and "place_ptr" not in theirs
    assert serial.serialize(fmt, _objects(ol, db), indent=indent) == theirs


@pytest.mark.parametrize("fmt", FORMATS)
def test_django_dump_of_children_loads_here(mti: Any, django_env: Path, fmt: str) -> None:
    from django.core import serializers

    dj, ol, _ = mti
    fixture = serializers.serialize(fmt, _objects(dj), indent=2)
    other = django_env / "other.sqlite3"
    truncate(other, TABLES)
    n = load_here(other, [(f"django.{fmt}", fixture, fmt)], [getattr(ol, name) for name in NAMES])
    assert n == 5 + 3 + 2 + 2 + 1  # one object per row of each table
    assert rows(other, TABLES) == rows(django_env / "django.sqlite3", TABLES)


@pytest.mark.parametrize("fmt", FORMATS)
def test_our_dump_of_children_loads_into_django(
    mti: Any, django_env: Path, tmp_path: Path, fmt: str
) -> None:
    from django.core.management import call_command

    _, ol, db = mti
    path = tmp_path / f"ours.{fmt}"
    with path.open("w", encoding="utf-8") as fh:
        serial.dump_data(db, fh, models=[getattr(ol, name) for name in NAMES], format=fmt, indent=2)
    other = django_env / "other.sqlite3"
    truncate(other, TABLES)
    call_command("loaddata", str(path), database="other", verbosity=0)
    assert rows(other, TABLES) == rows(django_env / "django.sqlite3", TABLES)


@pytest.mark.parametrize("fmt", FORMATS)
def test_natural_keys_write_the_parent_link_and_load_both_ways(
    mti: Any, django_env: Path, tmp_path: Path, fmt: str
) -> None:
    """With natural primary keys a child has no pk: its parent link says which row it is."""
    from django.core import serializers
    from django.core.management import call_command

    dj, ol, db = mti
    options = {"use_natural_primary_keys": True, "use_natural_foreign_keys": True}
    theirs = serializers.serialize(fmt, _objects(dj), indent=2, **options)
    assert "place_ptr" in theirs
    ours = serial.serialize(fmt, _objects(ol, db), indent=2, **options)
    assert ours == theirs
    # Django's fixture loads here (parents first, then each child finds its row) ...
    other = django_env / "other.sqlite3"
    truncate(other, TABLES)
    load_here(other, [(f"django.{fmt}", theirs, fmt)], [getattr(ol, name) for name in NAMES])
    assert rows(other, TABLES) == rows(django_env / "django.sqlite3", TABLES)
    # ... and ours into Django.
    path = tmp_path / f"ours.{fmt}"
    path.write_text(ours, encoding="utf-8")
    truncate(other, TABLES)
    call_command("loaddata", str(path), database="other", verbosity=0)
    assert rows(other, TABLES) == rows(django_env / "django.sqlite3", TABLES)

"""Serialization workloads: 10,000 rows to Django's JSON fixture format and back.

The same 10,000 rows (an int pk, a short and a long string, a decimal, a
datetime, a date, a bool, a float and a foreign key) sit in two SQLite files:
one made by Django for Django's contenders, one read through orm-lite models
for Manouche's. Contenders:

- Manouche serial (``dump_data`` / ``serialize`` / ``deserialize`` / ``load_data``);
- Django's serializers (``serializers.serialize("json", ...)``, ``deserialize``);
- DRF's ``ModelSerializer`` (``many=True``, then ``json.dumps``; ``is_valid()`` to read);
- marshmallow (a ``Schema`` with the same fields, on Core rows);
- orjson on plain dicts from Core rows: the floor (no model layer, no fixture format).

Workloads:

1. dump a table: rows fetched from the database and written as a JSON fixture;
2. serialize 10,000 model instances already in memory;
3. parse a 10,000-object JSON fixture into model objects (no database);
4. load a 10,000-object fixture into the database in one transaction.

DRF and marshmallow write their own shape (a list of flat dicts), not the
fixture format; they are there as the serializers users compare against.
"""

from __future__ import annotations

import datetime as dt
import decimal
import io
import json
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench._runner import Workload

N = 10_000
APP = "benchserial"
ALIAS = "default"

_tmp = Path(tempfile.mkdtemp(prefix="bench-serial-"))


def _rows() -> list[dict[str, Any]]:
    base = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    return [
        {
            "id": i,
            "name": f"item {i}",
            "description": "A longer text field, the kind a fixture carries. " * 2 + str(i),
            "price": decimal.Decimal(f"{i % 1000}.{i % 100:02d}"),
            "created": base + dt.timedelta(seconds=i * 37, microseconds=(i % 1000) * 1000),
            "day": dt.date(2020, 1, 1) + dt.timedelta(days=i % 1500),
            "active": bool(i % 3),
            "score": i / 7,
            "owner_id": 1 + i % 50,
        }
        for i in range(1, N + 1)
    ]


# -- orm-lite models (Manouche) ---------------------------------------------------------------


def _orm_models() -> tuple[Any, Any, Any]:
    from manouche import orm_lite as models

    class Owner(models.Model):
        name = models.CharField(max_length=50)

        class Meta:
            app_label = APP

    class Item(models.Model):
        name = models.CharField(max_length=100)
        description = models.TextField()
        price = models.DecimalField(max_digits=10, decimal_places=2)
        created = models.DateTimeField()
        day = models.DateField()
        active = models.BooleanField(default=True)
        score = models.FloatField()
        owner = models.ForeignKey(Owner, on_delete=models.CASCADE)

        class Meta:
            app_label = APP

    db = models.Database(f"sqlite:///{_tmp / 'orm.sqlite3'}", default=False)
    Owner.__table__.metadata.create_all(db.engine, tables=[Owner.__table__, Item.__table__])
    with db.engine.begin() as conn:
        conn.execute(
            Owner.__table__.insert(), [{"id": i, "name": f"owner {i}"} for i in range(1, 51)]
        )
        rows = _rows()
        for r in rows:
            r["created"] = r["created"].replace(tzinfo=None)
        conn.execute(Item.__table__.insert(), rows)
    return Owner, Item, db


# -- Django models -------------------------------------------------------------------------------


def _django_models() -> tuple[Any, Any]:
    import django
    from django.conf import settings

    sqlite = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(_tmp / "django.sqlite3")}
    if not settings.configured:
        settings.configure(
            DEBUG=False,
            SECRET_KEY="bench-only",
            INSTALLED_APPS=["rest_framework"],
            DATABASES={"default": sqlite},
            USE_I18N=False,
            USE_TZ=True,
        )
        django.setup()
    from django.apps import AppConfig, apps
    from django.db import connections, models

    if APP not in apps.app_configs:
        # Another workload may have configured Django first: add this module as an app.
        config = AppConfig(__name__, sys.modules[__name__])
        config.label = APP
        config.apps = apps
        config.models = apps.all_models[APP]
        apps.app_configs[APP] = config
        apps.clear_cache()
    if connections.settings["default"]["ENGINE"] != sqlite["ENGINE"]:
        # DRF's related-field validation queries the default database.
        conf = connections.configure_settings({"default": dict(sqlite)})
        connections.settings["default"] = conf["default"]
        try:
            del connections["default"]
        except AttributeError:
            pass

    class Owner(models.Model):
        name = models.CharField(max_length=50)

        class Meta:
            app_label = APP

    class Item(models.Model):
        name = models.CharField(max_length=100)
        description = models.TextField()
        price = models.DecimalField(max_digits=10, decimal_places=2)
        created = models.DateTimeField()
        day = models.DateField()
        active = models.BooleanField(default=True)
        score = models.FloatField()
        owner = models.ForeignKey(Owner, on_delete=models.CASCADE)

        class Meta:
            app_label = APP

    with connections[ALIAS].schema_editor() as editor:
        editor.create_model(Owner)
        editor.create_model(Item)
    Owner.objects.using(ALIAS).bulk_create([Owner(id=i, name=f"owner {i}") for i in range(1, 51)])
    Item.objects.using(ALIAS).bulk_create([Item(**r) for r in _rows()], batch_size=500)
    return Owner, Item


def _drf_serializer(item: Any) -> Any:
    from rest_framework import serializers

    class ItemSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
        class Meta:
            model = item
            fields = [
                "id",
                "name",
                "description",
                "price",
                "created",
                "day",
                "active",
                "score",
                "owner",
            ]

    return ItemSerializer


def _marshmallow_schema() -> Any:
    from marshmallow import Schema, fields

    class ItemSchema(Schema):
        id = fields.Integer()
        name = fields.String()
        description = fields.String()
        price = fields.Decimal(as_string=True)
        created = fields.DateTime()
        day = fields.Date()
        active = fields.Boolean()
        score = fields.Float()
        owner_id = fields.Integer()

    return ItemSchema(many=True)


def _check(label: str, fn: Callable[[], Any], expect: Callable[[Any], bool]) -> Callable[[], Any]:
    result = fn()
    if not expect(result):
        raise AssertionError(f"{label}: unexpected result")
    return fn


def workloads() -> list[Workload]:
    from django.core import serializers as dj

    from manouche import serial

    o_owner, o_item, db = _orm_models()
    d_owner, d_item = _django_models()
    drf = _drf_serializer(d_item)
    mm = _marshmallow_schema()
    item_table = o_item.__table__
    engine = db.engine
    models = [o_owner, o_item]

    def ours_dump() -> str:
        out = io.StringIO()
        serial.dump_data(engine, out, models=models, labels=[f"{APP}.item"])
        return out.getvalue()

    def django_dump() -> str:
        out = io.StringIO()
        dj.serialize("json", d_item.objects.using(ALIAS).order_by("pk"), stream=out)
        return out.getvalue()

    def drf_dump() -> str:
        return json.dumps(drf(d_item.objects.using(ALIAS).order_by("pk"), many=True).data)

    def core_rows() -> list[Any]:
        with engine.connect() as conn:
            return list(conn.execute(sa.select(item_table).order_by(item_table.c.id)).mappings())

    def marshmallow_dump() -> str:
        return str(mm.dumps(core_rows()))

    def orjson_dump() -> bytes:
        import orjson

        return orjson.dumps([{str(k): v for k, v in r.items()} for r in core_rows()], default=str)

    ours_text = ours_dump()
    django_text = django_dump()
    if ours_text != django_text:
        raise AssertionError("Manouche and Django fixtures differ")
    wl = [
        Workload(
            name=f"dump a table of {N} rows to a JSON fixture",
            contenders={
                "Manouche serial": ours_dump,
                "Django serializers": django_dump,
                "DRF ModelSerializer": drf_dump,
                "marshmallow (Core rows)": marshmallow_dump,
                "orjson dicts (floor)": orjson_dump,
            },
            ops=N,
            goals={"Django serializers": 3.0},
        )
    ]

    o_objs = list(o_item.objects.using(db).order_by("pk"))
    d_objs = list(d_item.objects.using(ALIAS).order_by("pk"))
    plain = [{str(k): v for k, v in r.items()} for r in core_rows()]

    def orjson_plain() -> bytes:
        import orjson

        return orjson.dumps(plain, default=str)

    wl.append(
        Workload(
            name=f"serialize {N} model instances in memory to JSON",
            contenders={
                "Manouche serial": lambda: serial.serialize("json", o_objs),
                "Django serializers": lambda: dj.serialize("json", d_objs),
                "DRF ModelSerializer": lambda: json.dumps(drf(d_objs, many=True).data),
                "marshmallow (dicts)": lambda: mm.dumps(plain),
                "orjson dicts (floor)": orjson_plain,
            },
            ops=N,
            goals={"Django serializers": 3.0},
        )
    )

    drf_input = json.loads(drf_dump())

    def drf_parse() -> Any:
        s = drf(data=drf_input, many=True)
        if not s.is_valid():
            raise AssertionError(s.errors)
        return s.validated_data

    wl.append(
        Workload(
            name=f"parse a {N}-object JSON fixture into model objects (no database)",
            contenders={
                "Manouche serial": lambda: [
                    o.object for o in serial.deserialize("json", ours_text, models=models)
                ],
                "Django serializers": lambda: list(
                    dj.deserialize("json", django_text, using=ALIAS)
                ),
                "DRF ModelSerializer": drf_parse,
                "marshmallow (dicts)": lambda: mm.loads(marshmallow_dump()),
                "orjson (floor)": lambda: __import__("orjson").loads(ours_text),
            },
            ops=N,
            goals={"Django serializers": 3.0},
        )
    )

    def ours_load() -> int:
        with engine.begin() as conn:
            conn.execute(item_table.delete())
        return serial.load_data(engine, [("bench", io.StringIO(ours_text), "json")], models=models)

    def django_load() -> int:
        from django.db import transaction

        with transaction.atomic(using=ALIAS):
            d_item.objects.using(ALIAS).all().delete()
            n = 0
            for obj in dj.deserialize("json", django_text, using=ALIAS):
                obj.save(using=ALIAS)
                n += 1
        return n

    wl.append(
        Workload(
            name=f"load a {N}-object fixture into the database (one transaction)",
            contenders={
                "Manouche serial": _check("ours", ours_load, lambda n: n == N),
                "Django serializers": _check("django", django_load, lambda n: n == N),
            },
            ops=N,
            goals={"Django serializers": 3.0},
        )
    )
    return wl


if __name__ == "__main__":  # pragma: no cover
    from bench._runner import run

    os.environ.setdefault("MANOUCHE_BENCH_SECONDS", "1.5")
    run(workloads())

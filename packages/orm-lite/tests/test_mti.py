"""Multi-table inheritance compared with Django: one model source built by both, one
SQLite file (Django creates the tables), the same queries and writes on each side; the
same queries on PostgreSQL and MariaDB against Django's SQLite answers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.mti_models import ROWS, TABLES, define
from tests.test_parity import normalize


@pytest.fixture(scope="session")
def mti(django_db_file: str) -> Iterator[tuple[Any, Any, Any]]:
    """(Django models, orm-lite models, orm-lite Database) over Django's SQLite file."""
    from django.db import connection
    from django.db import models as djm

    from manouche import orm_lite

    dj = define(djm)
    ol = define(orm_lite)
    with connection.schema_editor() as editor:
        for name in TABLES:
            editor.create_model(getattr(dj, name))
    db = orm_lite.Database(f"sqlite:///{django_db_file}", default=False)
    yield dj, ol, db
    db.dispose()


def _fill(m: Any, ids: dict[Any, Any] | None = None) -> dict[Any, Any]:
    """Write ROWS with ``m``'s models (with the keys ``ids`` gives); returns the keys."""
    ids = dict(ids or {})

    def key(k: Any) -> dict[str, Any]:
        return {"pk": ids[k]} if k in ids else {}

    made: dict[Any, Any] = {}
    for name, city, kind, extra in ROWS:
        if kind == "diner":
            d = m.Diner.objects.create(
                name=name, city=city, rating=extra, serves_pizza=extra > 3, **key(name)
            )
            for stars in range(extra):
                c = m.Critique.objects.create(diner=d, stars=stars + 1, **key((name, stars)))
                made[(name, stars)] = c.pk
            obj = d
        elif kind == "pizzeria":
            obj = m.Pizzeria.objects.create(
                name=name,
                city=city,
                rating=extra,
                oven="gas" if city == "Paris" else "wood",
                **key(name),
            )
            for i, topping in enumerate(("cheese", "basil", "olive")[: extra + 1]):
                s = m.Slice.objects.create(pizzeria=obj, topping=topping, **key((name, i)))
                made[(name, i)] = s.pk
        elif kind == "franchise":
            owner = {"owner_id": ids[(name, "owner")]} if (name, "owner") in ids else {}
            obj = m.Franchise.objects.create(
                name=name,
                city=city,
                fee=extra,
                owner_name=f"{name} Ltd",
                since=1990 + extra // 10,
                **key(name),
                **owner,
            )
            made[(name, "owner")] = obj.owner_id
        elif kind == "tavern":
            obj = m.Tavern.objects.create(
                name=name, city=city, happy_hour=city == "Nice", **key(name)
            )
        else:
            obj = m.Spot.objects.create(name=name, city=city, **key(name))
        made[name] = obj.pk
    return made


def _empty(m: Any) -> None:
    m.Critique.objects.all().delete()
    m.Slice.objects.all().delete()
    m.Spot.objects.all().delete()
    m.Owner.objects.all().delete()


@pytest.fixture
def sides(mti: tuple[Any, Any, Any]) -> Iterator[tuple[Any, Any, Any]]:
    """The rows of ROWS written by Django; emptied after the test."""
    dj, _, db = mti
    _fill(dj)
    db.make_default()
    yield mti
    db.close()
    _empty(dj)


QUERIES: dict[str, Callable[[Any], Any]] = {
    "parent_all": lambda m: m.Spot.objects.all(),
    "child_all_inherits_ordering": lambda m: m.Diner.objects.all(),
    "child_own_ordering": lambda m: m.Tavern.objects.all(),
    "child_filter_parent_field": lambda m: m.Diner.objects.filter(city="Lyon"),
    "child_filter_both": lambda m: m.Diner.objects.filter(m.Q(city="Paris") | m.Q(rating__gte=5)),
    "child_exclude_parent_field": lambda m: m.Diner.objects.exclude(name__startswith="A"),
    "child_order_parent_field": lambda m: m.Diner.objects.order_by("-city", "name"),
    "child_values": lambda m: m.Diner.objects.values(),
    "child_values_some": lambda m: m.Diner.objects.values("name", "rating", "pk"),
    "child_values_list": lambda m: m.Tavern.objects.values_list("name", "city", "happy_hour"),
    "child_get_parent_field": lambda m: m.Diner.objects.get(name="Fig"),
    "child_count": lambda m: m.Diner.objects.filter(city__in=["Lyon", "Nice"]).count(),
    "child_aggregate": lambda m: m.Diner.objects.aggregate(
        n=m.Count("pk"), top=m.Max("rating"), last=m.Max("name")
    ),
    "child_by_pk": lambda m: m.Diner.objects.get(pk=m.Diner.objects.get(name="Alba").pk),
    "child_ptr_attnames": lambda m: [
        (d.pk, d.id, d.spot_ptr_id) for d in m.Diner.objects.order_by("name")
    ],
    "explicit_link_is_pk": lambda m: [
        (t.pk == t.spot_link_id == t.id) for t in m.Tavern.objects.all()
    ],
    "reverse_one_to_one": lambda m: m.Spot.objects.get(name="Alba").diner,
    "reverse_one_to_one_explicit_link": lambda m: m.Spot.objects.get(name="Elm").tavern,
    "parent_filter_by_child_field": lambda m: m.Spot.objects.filter(diner__rating__gte=2),
    "parent_filter_child_isnull": lambda m: m.Spot.objects.filter(tavern__isnull=True),
    "fk_to_child_filter_parent_field": lambda m: m.Critique.objects.filter(
        diner__city="Nice", stars__gt=3
    ),
    "fk_to_child_object": lambda m: m.Critique.objects.get(diner__name="Bistro", stars=2).diner,
    "reverse_fk_on_child": lambda m: m.Diner.objects.get(name="Alba").critiques.all(),
    "child_filter_reverse_fk": lambda m: m.Diner.objects.filter(critiques__stars=5),
    "select_related_to_child": lambda m: [
        (c.stars, c.diner.name, c.diner.city)
        for c in m.Critique.objects.select_related("diner").filter(stars=1)
    ],
    "child_first_last": lambda m: [m.Diner.objects.first(), m.Tavern.objects.last()],
    "child_exists": lambda m: m.Tavern.objects.filter(city="Lyon").exists(),
    "proxy_of_child": lambda m: m.TopDiner.objects.filter(city__in=["Lyon", "Nice"]),
    "proxy_of_child_methods": lambda m: [d.label() for d in m.TopDiner.objects.all()],
    "proxy_of_child_get": lambda m: m.TopDiner.objects.get(name="Bistro"),
    # A child of a child: three tables.
    "grandchild_all": lambda m: m.Pizzeria.objects.all(),
    "grandchild_values": lambda m: m.Pizzeria.objects.values(),
    "grandchild_filter_each_level": lambda m: m.Pizzeria.objects.filter(
        city="Lyon", rating__gte=2, oven="wood"
    ),
    "grandchild_order_grandparent_field": lambda m: m.Pizzeria.objects.order_by("-city"),
    "grandchild_values_list_each_level": lambda m: m.Pizzeria.objects.values_list(
        "name", "rating", "oven", "pk", "spot_ptr", "diner_ptr"
    ),
    "grandchild_by_pk": lambda m: m.Pizzeria.objects.get(pk=m.Spot.objects.get(name="Hut").pk),
    "grandchild_aggregate": lambda m: m.Pizzeria.objects.aggregate(
        n=m.Count("pk"), top=m.Max("rating"), last=m.Max("city")
    ),
    "grandchild_down_from_top": lambda m: m.Spot.objects.get(name="Gusto").diner.pizzeria,
    "grandchild_filter_from_top": lambda m: m.Spot.objects.filter(diner__pizzeria__oven="gas"),
    "grandchild_counted_in_parent": lambda m: m.Diner.objects.filter(
        pizzeria__isnull=False
    ).count(),
    "grandchild_only": lambda m: [
        (p.name, p.oven, p.rating) for p in m.Pizzeria.objects.only("name", "oven")
    ],
    "fk_to_grandchild": lambda m: m.Slice.objects.filter(
        pizzeria__city="Paris", pizzeria__rating__lt=5
    ),
    "select_related_grandchild": lambda m: [
        (s.topping, s.pizzeria.name, s.pizzeria.rating, s.pizzeria.oven)
        for s in m.Slice.objects.select_related("pizzeria").order_by("pk")
    ],
    "grandchild_reverse_fk": lambda m: m.Pizzeria.objects.filter(menu__topping="basil"),
    "grandchild_annotate": lambda m: m.Pizzeria.objects.annotate(n=m.Count("menu")).values_list(
        "name", "n"
    ),
    "grandchild_missing": lambda m: m.Diner.objects.filter(
        name__in=["Alba", "Gusto"], pizzeria__isnull=True
    ),
    "parent_select_related_child": lambda m: [
        (s.name, s.diner.rating)
        for s in m.Spot.objects.select_related("diner").filter(diner__isnull=False)
    ],
    "child_select_related_link": lambda m: [
        (d.name, d.spot_ptr.city) for d in m.Diner.objects.select_related("spot_ptr")
    ],
    "child_prefetch_reverse_fk": lambda m: [
        (d.name, [c.stars for c in d.critiques.all()])
        for d in m.Diner.objects.prefetch_related("critiques")
    ],
    "child_pk_in_parent_query": lambda m: m.Diner.objects.filter(
        pk__in=m.Spot.objects.filter(city="Lyon")
    ),
    "fk_through_grandchild_field": lambda m: m.Critique.objects.filter(
        diner__pizzeria__isnull=True, diner__city="Lyon"
    ),
    "child_annotate_count": lambda m: m.Diner.objects.annotate(c=m.Count("critiques")).filter(
        c__gte=2
    ),
    "child_annotate_values": lambda m: (
        m.Diner.objects.values("city")
        .annotate(n=m.Count("pk"), top=m.Max("rating"))
        .order_by("city")
    ),
    "grandchild_values_through_links": lambda m: m.Pizzeria.objects.values_list(
        "diner_ptr__spot_ptr__name", "diner_ptr__rating"
    ),
    "grandchild_exclude_middle_field": lambda m: m.Pizzeria.objects.exclude(rating__gt=2),
    # Two concrete parents.
    "two_parents_all": lambda m: m.Franchise.objects.all(),
    "two_parents_values": lambda m: m.Franchise.objects.values(),
    "two_parents_filter_both": lambda m: m.Franchise.objects.filter(
        city="Lyon", owner_name__endswith="Ltd"
    ),
    "two_parents_order_second": lambda m: m.Franchise.objects.order_by("-since"),
    "two_parents_keys": lambda m: [
        (f.pk, f.id, f.spot_ptr_id, f.owner_id, f.owner_ptr_id) for f in m.Franchise.objects.all()
    ],
    "two_parents_from_second": lambda m: m.Owner.objects.filter(franchise__city="Nice").values_list(
        "owner_name", flat=True
    ),
    "two_parents_second_down": lambda m: m.Owner.objects.get(owner_name="Jet Ltd").franchise,
    "two_parents_get": lambda m: m.Franchise.objects.get(owner_name="Inn Ltd"),
}


def _with(models: Any, *names: Any) -> Any:
    from types import SimpleNamespace

    return SimpleNamespace(**vars(models), **dict(zip(("Count", "Max", "Q"), names, strict=False)))


def _run(side: Any, fn: Callable[[Any], Any]) -> Any:
    result = fn(side)
    if hasattr(result, "_meta") and not hasattr(result, "query"):
        return (type(result).__name__, normalize(result))
    if hasattr(result, "query"):
        return normalize(result), [type(o).__name__ for o in result if hasattr(o, "_meta")]
    return normalize(result)


def _both(dj: Any, ol: Any, fn: Callable[[Any], Any]) -> tuple[Any, Any]:
    from django.db import models as djm

    from manouche import orm_lite

    expected = _run(_with(dj, djm.Count, djm.Max, djm.Q), fn)
    got = _run(_with(ol, orm_lite.Count, orm_lite.Max, orm_lite.Q), fn)
    return got, expected


@pytest.mark.parametrize("name", list(QUERIES))
def test_mti_queries_match_django(sides: Any, name: str) -> None:
    dj, ol, _ = sides
    got, expected = _both(dj, ol, QUERIES[name])
    assert got == expected


def test_missing_child_is_does_not_exist(sides: Any) -> None:
    dj, ol, _ = sides
    with pytest.raises(dj.Diner.DoesNotExist) as dj_err:
        _ = dj.Spot.objects.get(name="Corner").diner
    with pytest.raises(ol.Diner.DoesNotExist) as ol_err:
        _ = ol.Spot.objects.get(name="Corner").diner
    assert str(ol_err.value) == str(dj_err.value)
    assert issubclass(ol.Diner.DoesNotExist, ol.Spot.DoesNotExist)


def test_meta_matches_django(mti: Any) -> None:
    dj, ol, _ = mti

    def view(m: Any) -> Any:
        out = []
        for model in (m.Spot, m.Diner, m.Tavern, m.Pizzeria, m.Franchise):
            o = model._meta
            out.append(
                (
                    o.db_table,
                    o.pk.name,
                    o.pk.column,
                    [f.name for f in o.concrete_fields],
                    [f.column for f in o.local_fields],
                    [(p.__name__, f.name) for p, f in o.parents.items()],
                    list(o.ordering),
                    [p.__name__ for p in o.get_parent_list()],
                    [f.name for f in o.fields if getattr(f, "concrete", False)],
                )
            )
        return out

    assert view(ol) == view(dj)


def test_writes_are_read_by_the_other_side(sides: Any) -> None:
    dj, ol, _ = sides
    made = ol.Diner.objects.create(name="Gala", city="Lyon", rating=3)
    assert made.pk == made.id == made.spot_ptr_id is not None
    seen = dj.Diner.objects.get(pk=made.pk)
    assert (seen.name, seen.city, seen.rating, seen.serves_pizza) == ("Gala", "Lyon", 3, False)
    assert dj.Spot.objects.get(pk=made.pk).diner.rating == 3
    # A later save updates both rows.
    made.city = "Nice"
    made.rating = 1
    made.save()
    seen = dj.Diner.objects.get(pk=made.pk)
    assert (seen.city, seen.rating) == ("Nice", 1)
    made.name = "Gale"
    made.save(update_fields=["name"])
    assert dj.Spot.objects.get(pk=made.pk).name == "Gale"
    made.rating = 9
    made.save(update_fields=["rating"])
    assert dj.Diner.objects.get(pk=made.pk).rating == 9
    # A child of a child: three rows, three UPDATEs, update_fields on any level.
    piz = ol.Pizzeria.objects.create(name="Kiln", city="Lyon", rating=2, oven="gas")
    assert piz.pk == piz.diner_ptr_id == piz.spot_ptr_id == piz.id
    seen = dj.Pizzeria.objects.get(pk=piz.pk)
    assert (seen.name, seen.rating, seen.oven, seen.slices) == ("Kiln", 2, "gas", 8)
    piz.city, piz.rating, piz.oven = "Nice", 3, "wood"
    piz.save()
    seen = dj.Pizzeria.objects.get(pk=piz.pk)
    assert (seen.city, seen.rating, seen.oven) == ("Nice", 3, "wood")
    piz.name, piz.slices = "Kilns", 6
    piz.save(update_fields=["name", "slices"])
    seen = dj.Pizzeria.objects.get(pk=piz.pk)
    assert (seen.name, seen.slices) == ("Kilns", 6)
    assert dj.Spot.objects.get(pk=piz.pk).diner.pizzeria.oven == "wood"
    # Two parents: a row in each, linked by two keys.
    fr = ol.Franchise(name="Lux", city="Paris", owner_name="Lux SA", fee=5)
    fr.save()
    assert fr.pk == fr.spot_ptr_id == fr.id and fr.owner_ptr_id == fr.owner_id is not None
    seen_fr = dj.Franchise.objects.get(pk=fr.pk)
    assert (seen_fr.name, seen_fr.owner_name, seen_fr.fee, seen_fr.owner_id) == (
        "Lux",
        "Lux SA",
        5,
        fr.owner_id,
    )
    fr.since = 1999
    fr.save(update_fields=["since"])
    assert dj.Owner.objects.get(pk=fr.owner_id).since == 1999
    theirs_fr = dj.Franchise.objects.create(name="Max", city="Nice", owner_name="Max AG")
    mine_fr = ol.Franchise.objects.get(pk=theirs_fr.pk)
    assert (mine_fr.owner_name, mine_fr.owner_id, mine_fr.city) == (
        "Max AG",
        theirs_fr.owner_id,
        "Nice",
    )
    tav = ol.Tavern(name="Hop", city="Paris", happy_hour=True)
    tav.save()
    assert dj.Tavern.objects.get(pk=tav.pk).happy_hour is True
    assert dj.Spot.objects.get(name="Hop").tavern.pk == tav.pk
    # Django's writes, read here.
    theirs = dj.Tavern.objects.create(name="Ivy", city="Nice")
    mine = ol.Tavern.objects.get(pk=theirs.pk)
    assert (mine.name, mine.city, mine.happy_hour, mine.spot_link_id) == (
        "Ivy",
        "Nice",
        False,
        theirs.pk,
    )
    assert (
        ol.Spot.objects.filter(city="Nice").count() == dj.Spot.objects.filter(city="Nice").count()
    )


#: Deletes, each returning what ``delete()`` returns (and what else it needs to show).
DELETES: dict[str, Callable[[Any, Any], Any]] = {
    # Deleting a child deletes its parent row (and what cascades from the child).
    "child": lambda m, f: m.Diner.objects.get(name="Alba").delete(),
    "children": lambda m, f: m.Tavern.objects.all().delete(),
    # Deleting a parent cascades to its child.
    "parents": lambda m, f: m.Spot.objects.filter(city="Paris").delete(),
    "parent": lambda m, f: m.Spot.objects.get(name="Fig").delete(),
    # keep_parents=True leaves the parent row.
    "keep_parents": lambda m, f: m.Diner.objects.get(name="Bistro").delete(keep_parents=True),
    # A child of a child: its three rows and what cascades from each level.
    "grandchild": lambda m, f: m.Pizzeria.objects.get(name="Gusto").delete(),
    "grandchildren": lambda m, f: m.Pizzeria.objects.filter(city="Paris").delete(),
    "middle": lambda m, f: m.Diner.objects.filter(rating__lt=4).delete(),
    "top": lambda m, f: m.Spot.objects.filter(city="Lyon").delete(),
    "grandchild_keep_parents": lambda m, f: m.Pizzeria.objects.get(name="Hut").delete(
        keep_parents=True
    ),
    # Two parents: both parent rows go; deleting either parent takes the child.
    "two_parents_child": lambda m, f: m.Franchise.objects.get(name="Inn").delete(),
    "two_parents_second": lambda m, f: (
        m.Owner.objects.filter(since__gte=2000).delete(),
        m.Owner.objects.count(),
    ),
    "two_parents_first": lambda m, f: m.Spot.objects.filter(name="Jet").delete(),
    "proxy_of_child": lambda m, f: m.TopDiner.objects.filter(rating__lt=3).delete(),
    "created_then_deleted": lambda m, f: (
        m.TopDiner.objects.create(name="Kai", city="Metz", rating=7).delete(),
        m.Pizzeria.objects.create(name="Lou", city="Metz", oven="gas").delete(),
        m.Franchise.objects.create(name="Max", city="Metz", owner_name="M", fee=1).delete(),
    ),
}

#: update() on children: their own table and their ancestors', as Django.
UPDATES: dict[str, Callable[[Any, Any], Any]] = {
    "both_tables": lambda m, f: m.Diner.objects.filter(city="Lyon").update(
        city="Lille", rating=f("rating") + 1
    ),
    "parent_from_parent": lambda m, f: m.Diner.objects.filter(rating__gte=4).update(name=f("city")),
    "child_only": lambda m, f: m.Diner.objects.filter(name__startswith="B").update(
        serves_pizza=True
    ),
    "nothing_matches": lambda m, f: m.Diner.objects.filter(name="nobody").update(city="X"),
    # A child of a child: one UPDATE per table, F() read in each table's own row.
    "three_tables": lambda m, f: m.Pizzeria.objects.filter(city="Lyon").update(
        city=f("name"), rating=f("rating") * 2, slices=f("slices") + 1
    ),
    "grandparent_and_child": lambda m, f: m.Pizzeria.objects.update(city="Metz", oven="stone"),
    "middle_only": lambda m, f: m.Pizzeria.objects.filter(rating__gt=1).update(serves_pizza=True),
    # Two parents: each parent's row found by its own key.
    "two_parents": lambda m, f: m.Franchise.objects.filter(fee__gt=100).update(
        fee=f("fee") + 1, city="Metz", owner_name=f("owner_name"), since=f("since") - 1
    ),
    "second_parent_only": lambda m, f: m.Franchise.objects.update(owner_name="Co"),
    "proxy_of_child": lambda m, f: m.TopDiner.objects.filter(city="Lyon").update(
        city="Lens", rating=f("rating") - 1
    ),
    "saved_instances": lambda m, f: [
        (obj.save(), obj.pk is not None)
        for obj in [
            m.Pizzeria.objects.get(name="Gusto"),
            m.TopDiner.objects.get(name="Alba"),
            m.Franchise.objects.get(name="Jet"),
        ]
        if not setattr(obj, "city", "Caen")
    ],
}


def _state(m: Any) -> Any:
    """Every table's rows, as each model reads them."""
    return [
        sorted(m.Spot.objects.values_list("name", "city")),
        normalize(m.Diner.objects.values_list("name", "city", "rating", "serves_pizza")),
        normalize(m.Tavern.objects.values_list("name", "happy_hour")),
        normalize(m.Pizzeria.objects.values_list("name", "city", "rating", "oven", "slices")),
        normalize(m.Franchise.objects.values_list("name", "city", "fee", "owner_name", "since")),
        sorted(m.Owner.objects.values_list("owner_name", "since")),
        sorted(m.Critique.objects.values_list("diner__name", "stars")),
        sorted(m.Slice.objects.values_list("pizzeria__name", "topping")),
    ]


def _django_write(dj: Any, fn: Callable[[Any, Any], Any]) -> tuple[Any, Any]:
    """What ``fn`` returns with Django's models on a fresh fill, and the rows after it."""
    from django.db.models import F

    _empty(dj)
    _fill(dj)
    try:
        return fn(dj, F), _state(dj)
    finally:
        _empty(dj)
        _fill(dj)


@pytest.mark.parametrize("name", [*DELETES, *UPDATES])
def test_writes_match_django(sides: Any, name: str) -> None:
    from manouche.orm_lite import F

    dj, ol, _ = sides
    fn = {**DELETES, **UPDATES}[name]
    got = (fn(ol, F), _state(ol))
    assert got == _django_write(dj, fn)


def test_instance_methods_on_a_child(sides: Any) -> None:
    dj, ol, _ = sides
    mine = ol.Diner.objects.get(name="Alba")
    dj.Spot.objects.filter(name="Alba").update(city="Metz")
    dj.Diner.objects.filter(name="Alba").update(rating=1)
    mine.refresh_from_db()
    assert (mine.city, mine.rating) == ("Metz", 1)
    assert [(d.name, d.city) for d in ol.Diner.objects.only("name").order_by("name")] == [
        (d.name, d.city) for d in dj.Diner.objects.only("name").order_by("name")
    ]
    got, created = ol.Diner.objects.get_or_create(name="Fig", defaults={"city": "?"})
    assert (got.pk, created) == (dj.Diner.objects.get(name="Fig").pk, False)
    assert sorted(ol.Diner.objects.in_bulk()) == sorted(dj.Diner.objects.in_bulk())


def test_definition_errors(mti: Any) -> None:
    from manouche import orm_lite

    _, ol, _ = mti

    class Meta:
        app_label = "mtierr"

    # Two parents with a field of the same name (both have an automatic ``id``).
    with pytest.raises(orm_lite.FieldError, match="'id' from parent model 'Spot' clashes"):
        type(
            "Both",
            (ol.Spot, ol.Critique),
            {"__module__": __name__, "Meta": Meta},
        )
    # Two parents sharing a concrete ancestor.
    with pytest.raises(TypeError, match="Diner and Tavern both inherit from Spot"):
        type("Diamond", (ol.Diner, ol.Tavern), {"__module__": __name__, "Meta": Meta})
    with pytest.raises(orm_lite.FieldError, match="'city'.*clashes"):
        type(
            "Clash",
            (ol.Spot,),
            {"__module__": __name__, "Meta": Meta, "city": orm_lite.IntegerField()},
        )
    with pytest.raises(ValueError, match="bulk create a multi-table"):
        ol.Diner.objects.bulk_create([ol.Diner(name="x", city="y")])


@pytest.mark.parametrize("backend", ["sqlite", "postgresql", "mariadb"])
def test_child_tables_migrate(request: pytest.FixtureRequest, tmp_path: Path, backend: str) -> None:
    """A child, a child of a child and a child of two parents: autogenerated, migrated up
    and back down, on each database."""
    from manouche import orm_lite
    from manouche.orm_lite._migrations import Migrations

    md = sa.MetaData()

    class Venue(orm_lite.Model):
        name = orm_lite.CharField(max_length=10)

        class Meta:
            app_label = "mtimig"
            metadata = md

    class Arena(Venue):
        seats = orm_lite.IntegerField()

        class Meta:
            app_label = "mtimig"
            metadata = md

    class Dome(Arena):
        height = orm_lite.IntegerField(default=0)

        class Meta:
            app_label = "mtimig"
            metadata = md

    class Sponsor(orm_lite.Model):
        sponsor_id = orm_lite.AutoField(primary_key=True)
        brand = orm_lite.CharField(max_length=10)

        class Meta:
            app_label = "mtimig"
            metadata = md

    class Stage(Venue, Sponsor):
        Meta = type("Meta", (), {"app_label": "mtimig", "metadata": md})

    assert sorted(md.tables) == [
        "mtimig_arena",
        "mtimig_dome",
        "mtimig_sponsor",
        "mtimig_stage",
        "mtimig_venue",
    ]
    child = md.tables["mtimig_arena"]
    assert [c.name for c in child.primary_key.columns] == ["venue_ptr_id"]
    assert {fk.target_fullname for fk in child.foreign_keys} == {"mtimig_venue.id"}
    grandchild = md.tables["mtimig_dome"]
    assert [c.name for c in grandchild.primary_key.columns] == ["arena_ptr_id"]
    assert {fk.target_fullname for fk in grandchild.foreign_keys} == {"mtimig_arena.venue_ptr_id"}
    stage = md.tables["mtimig_stage"]
    assert [c.name for c in stage.primary_key.columns] == ["venue_ptr_id"]
    assert {fk.target_fullname for fk in stage.foreign_keys} == {
        "mtimig_venue.id",
        "mtimig_sponsor.sponsor_id",
    }
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'm.sqlite3'}"
    else:
        url = str(request.getfixturevalue(f"{backend}_url"))
    db = orm_lite.Database(url, default=False)
    mig = Migrations(db, metadata=md, apps={"mtimig": tmp_path / "m"}, version_table="mti_v")
    try:
        written = mig.makemigrations()
        assert len(written) == 1
        text = Path(written[0]).read_text()
        assert text.count("op.create_table(") == 5 and "'arena_ptr_id'" in text
        mig.migrate()
        a = Arena(name="Hall", seats=9)
        a.save(using=db)
        d = Dome.objects.using(db).create(name="Dome", seats=90, height=30)
        s = Stage.objects.using(db).create(name="Main", brand="Acme")
        assert Venue.objects.using(db).get(pk=a.pk).arena.seats == 9
        assert Venue.objects.using(db).get(pk=d.pk).arena.dome.height == 30
        assert Sponsor.objects.using(db).get(brand="Acme").stage.name == "Main"
        assert mig.makemigrations() == []
        assert Venue.objects.using(db).filter(arena__dome__isnull=False).count() == 1
        assert Stage.objects.using(db).get(pk=s.pk).delete()[0] == 3
        mig.migrate("mtimig", "zero")
        names = sa.inspect(db.engine).get_table_names()
        assert not [t for t in names if t.startswith("mtimig_")]
    finally:
        with db.engine.begin() as conn:  # (what a failure left behind)
            for name in ["mtimig_dome", "mtimig_arena", "mtimig_stage", "mtimig_venue"]:
                conn.execute(sa.text(f"DROP TABLE IF EXISTS {name}"))
            conn.execute(sa.text("DROP TABLE IF EXISTS mtimig_sponsor"))
            conn.execute(sa.text("DROP TABLE IF EXISTS mti_v"))
        db.dispose()


# -- the same queries on PostgreSQL and MariaDB, against Django's SQLite answers -----------


@pytest.fixture(scope="module", params=["postgresql", "mariadb"])
def server(request: pytest.FixtureRequest, mti: Any) -> Iterator[Any]:
    from manouche import orm_lite

    _, ol, _ = mti
    db = orm_lite.Database(str(request.getfixturevalue(f"{request.param}_url")), default=False)
    models = [getattr(ol, name) for name in TABLES]
    db.create_all(models)
    yield db
    db.drop_all(models)
    db.dispose()


@pytest.mark.parametrize("name", list(QUERIES))
def test_mti_queries_on_servers(mti: Any, server: Any, name: str) -> None:
    from django.db import models as djm

    from manouche import orm_lite

    dj, ol, sqlite_db = mti
    fn = QUERIES[name]
    ids = _fill(dj)
    try:
        expected = _run(_with(dj, djm.Count, djm.Max, djm.Q), fn)
    finally:
        _empty(dj)
    server.make_default()
    try:
        # orm-lite writes the same rows, same keys, on the server (both tables of each child).
        _fill(ol, ids)
        got = _run(_with(ol, orm_lite.Count, orm_lite.Max, orm_lite.Q), fn)
    finally:
        _empty(ol)
        server.close()
        sqlite_db.make_default()
    assert got == expected


@pytest.mark.parametrize("name", [*DELETES, *UPDATES])
def test_mti_writes_on_servers(mti: Any, server: Any, name: str) -> None:
    """Deletes and updates on the servers' enforced foreign keys, against Django's answers."""
    from manouche import orm_lite

    dj, ol, sqlite_db = mti
    fn = {**DELETES, **UPDATES}[name]
    ids = _fill(dj)
    try:
        expected = _django_write(dj, fn)
    finally:
        _empty(dj)
    server.make_default()
    try:
        _fill(ol, ids)
        got = (fn(ol, orm_lite.F), _state(ol))
    finally:
        _empty(ol)
        server.close()
        sqlite_db.make_default()
    assert got == expected


def test_async_api_on_a_child(sides: Any) -> None:
    """The async API over the two tables, on Django's SQLite file (aiosqlite)."""
    import asyncio

    pytest.importorskip("aiosqlite")
    dj, ol, db = sides

    async def go() -> Any:
        try:
            fig = await ol.Diner.objects.aget(name="Fig")
            names = [d.name async for d in ol.Diner.objects.filter(city__in=["Lyon", "Nice"])]
            made = ol.Diner(name="Juno", city="Metz", rating=2)
            await made.asave()
            gone = await ol.Tavern.objects.filter(name="Dock").adelete()
            gusto = await ol.Pizzeria.objects.aget(name="Gusto")
            both = [f.owner_name async for f in ol.Franchise.objects.filter(city="Lyon")]
            assert (gusto.rating, gusto.oven, both) == (3, "wood", ["Jet Ltd"])
            made_p = await ol.Pizzeria.objects.acreate(name="Kiln", city="Nice", rating=1)
            assert await ol.Diner.objects.filter(pizzeria__oven="wood").acount() == 2
            await made_p.adelete()
            return fig.rating, names, made.pk, gone
        finally:
            await db.adispose()

    rating, names, pk, gone = asyncio.run(go())
    assert rating == dj.Diner.objects.get(name="Fig").rating
    assert names == [d.name for d in dj.Diner.objects.filter(city__in=["Lyon", "Nice"])]
    assert dj.Spot.objects.get(pk=pk).diner.rating == 2
    assert gone == (2, {"parity.Tavern": 1, "parity.Spot": 1})
    assert not dj.Spot.objects.filter(name="Dock").exists()


def test_raw_save_of_a_child_writes_its_own_table_only(sides: Any) -> None:
    """``save_base(raw=True)`` (what loading a fixture does) writes the child's table alone,
    its parent link as its pk, as Django's: the parent row is the fixture's own object."""
    dj, ol, _ = sides
    spot = dj.Spot.objects.create(name="Raw", city="Nancy")
    ol.Diner.save_base(ol.Diner(spot_ptr_id=spot.pk, rating=4), raw=True)
    mine = ol.Diner.objects.get(pk=spot.pk)
    theirs = dj.Diner.objects.get(pk=spot.pk)
    assert (mine.name, mine.city, mine.rating) == (theirs.name, theirs.city, theirs.rating)
    assert (mine.name, mine.rating) == ("Raw", 4)
    assert dj.Spot.objects.filter(name="Raw").count() == 1
    # Saved again raw: an update of the child's row, the parent's left as it was.
    ol.Diner(spot_ptr_id=spot.pk, rating=5, name="ignored").save_base(raw=True)
    assert (dj.Diner.objects.get(pk=spot.pk).rating, dj.Spot.objects.get(pk=spot.pk).name) == (
        5,
        "Raw",
    )

"""Multi-table inheritance compared with Django: one model source built by both, one
SQLite file (Django creates the tables), the same queries and writes on each side; the
same queries on PostgreSQL and MariaDB against Django's SQLite answers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.conftest import DJANGO_DB
from tests.mti_models import ROWS, define
from tests.test_parity import normalize


@pytest.fixture(scope="session")
def mti() -> Iterator[tuple[Any, Any, Any]]:
    """(Django models, orm-lite models, orm-lite Database) over Django's SQLite file."""
    from django.conf import settings
    from django.db import connection
    from django.db import models as djm

    from manouche import orm_lite

    if settings.DATABASES["default"]["NAME"] != DJANGO_DB:
        pytest.skip("Django was configured elsewhere in this process; parity needs its own file")
    dj = define(djm)
    ol = define(orm_lite)
    with connection.schema_editor() as editor:
        for m in (dj.Spot, dj.Diner, dj.Tavern, dj.Critique):
            editor.create_model(m)
    db = orm_lite.Database(f"sqlite:///{DJANGO_DB}", default=False)
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
    m.Spot.objects.all().delete()


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
        for model in (m.Spot, m.Diner, m.Tavern):
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


def test_deletes_match_django(sides: Any) -> None:
    dj, ol, _ = sides

    def compare(fn: Callable[[Any], Any]) -> None:
        got = fn(ol)
        left = sorted(dj.Spot.objects.values_list("name", flat=True))
        _empty(dj)
        _fill(dj)
        assert got == fn(dj)
        assert left == sorted(dj.Spot.objects.values_list("name", flat=True))
        _empty(dj)
        _fill(dj)

    # Deleting a child deletes its parent row (and what cascades from the child).
    compare(lambda m: m.Diner.objects.get(name="Alba").delete())
    compare(lambda m: m.Tavern.objects.all().delete())
    # Deleting a parent cascades to its child.
    compare(lambda m: m.Spot.objects.filter(city="Paris").delete())
    compare(lambda m: m.Spot.objects.get(name="Fig").delete())
    # keep_parents=True leaves the parent row.
    compare(lambda m: m.Diner.objects.get(name="Bistro").delete(keep_parents=True))


def test_updates_match_django(sides: Any) -> None:
    """update() on a child writes its own table and its parent's, as Django."""
    dj, ol, _ = sides
    from django.db.models import F as DjF

    from manouche.orm_lite import F as OlF

    def state(m: Any) -> Any:
        return normalize(m.Diner.objects.values_list("name", "city", "rating", "serves_pizza"))

    cases: list[Callable[[Any, Any], Any]] = [
        lambda m, f: m.Diner.objects.filter(city="Lyon").update(
            city="Lille", rating=f("rating") + 1
        ),
        lambda m, f: m.Diner.objects.filter(rating__gte=3).update(name=f("city")),
        lambda m, f: m.Diner.objects.filter(name__startswith="B").update(serves_pizza=True),
        lambda m, f: m.Diner.objects.filter(name="nobody").update(city="X"),
    ]
    for case in cases:
        got = (case(ol, OlF), state(dj))
        _empty(dj)
        _fill(dj)
        assert got == (case(dj, DjF), state(dj))
        _empty(dj)
        _fill(dj)


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

    with pytest.raises(TypeError, match="several concrete models"):
        type(
            "Both",
            (ol.Spot, ol.Critique),
            {"__module__": __name__, "Meta": Meta},
        )
    with pytest.raises(orm_lite.FieldError, match="'city'.*clashes"):
        type(
            "Clash",
            (ol.Spot,),
            {"__module__": __name__, "Meta": Meta, "city": orm_lite.IntegerField()},
        )
    with pytest.raises(ValueError, match="bulk create a multi-table"):
        ol.Diner.objects.bulk_create([ol.Diner(name="x", city="y")])


def test_child_table_migrates(tmp_path: Path) -> None:
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

    assert sorted(md.tables) == ["mtimig_arena", "mtimig_venue"]
    child = md.tables["mtimig_arena"]
    assert [c.name for c in child.primary_key.columns] == ["venue_ptr_id"]
    assert {fk.target_fullname for fk in child.foreign_keys} == {"mtimig_venue.id"}
    url = f"sqlite:///{tmp_path / 'm.sqlite3'}"
    mig = Migrations(url, metadata=md, apps={"mtimig": tmp_path / "m"}, version_table="mti_v")
    written = mig.makemigrations()
    assert len(written) == 1
    text = Path(written[0]).read_text()
    assert text.count("op.create_table(") == 2 and "'venue_ptr_id'" in text
    mig.migrate()
    db = orm_lite.Database(url, default=False)
    try:
        a = Arena(name="Dome", seats=9)
        a.save(using=db)
        assert Venue.objects.using(db).get(pk=a.pk).arena.seats == 9
        assert mig.makemigrations() == []
    finally:
        db.dispose()


# -- the same queries on PostgreSQL and MariaDB, against Django's SQLite answers -----------


@pytest.fixture(scope="module", params=["postgresql", "mariadb"])
def server(request: pytest.FixtureRequest, mti: Any) -> Iterator[Any]:
    from manouche import orm_lite

    _, ol, _ = mti
    db = orm_lite.Database(str(request.getfixturevalue(f"{request.param}_url")), default=False)
    models = [ol.Spot, ol.Diner, ol.Tavern, ol.Critique]
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
            return fig.rating, names, made.pk, gone
        finally:
            await db.adispose()

    rating, names, pk, gone = asyncio.run(go())
    assert rating == dj.Diner.objects.get(name="Fig").rating
    assert names == [d.name for d in dj.Diner.objects.filter(city__in=["Lyon", "Nice"])]
    assert dj.Spot.objects.get(pk=pk).diner.rating == 2
    assert gone == (2, {"parity.Tavern": 1, "parity.Spot": 1})
    assert not dj.Spot.objects.filter(name="Dock").exists()

"""Proxy models compared with Django: the same model source built by both, one SQLite
file (Django creates the tables), the same queries and writes on each side."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.inheritance_models import PEOPLE, define
from tests.test_parity import normalize


@pytest.fixture(scope="session")
def inh(django_db_file: str) -> Iterator[tuple[Any, Any, Any]]:
    """(Django models, orm-lite models, orm-lite Database) over Django's SQLite file."""
    from django.db import connection
    from django.db import models as djm

    from manouche import orm_lite

    dj = define(djm)
    ol = define(orm_lite)
    with connection.schema_editor() as editor:
        for m in (dj.Person, dj.Pet):
            editor.create_model(m)
    db = orm_lite.Database(f"sqlite:///{django_db_file}", default=False)
    yield dj, ol, db
    db.dispose()


@pytest.fixture
def sides(inh: tuple[Any, Any, Any]) -> Iterator[tuple[Any, Any, Any]]:
    """The rows of PEOPLE (and two pets) written by Django; emptied after the test."""
    dj, ol, db = inh
    for name, age in PEOPLE:
        dj.Person.objects.create(name=name, age=age)
    ann = dj.Adult.objects.get(name="Ann")
    dj.Pet.objects.create(name="Rex", owner=ann)
    dj.Pet.objects.create(name="Tom", owner=dj.Adult.objects.get(name="Dee"))
    db.make_default()
    yield inh
    db.close()
    dj.Pet.objects.all().delete()
    dj.Person.objects.all().delete()


QUERIES: dict[str, Callable[[Any], Any]] = {
    "proxy_all_own_ordering": lambda m: m.Adult.objects.all(),
    "proxy_custom_manager": lambda m: m.Adult.adults.all(),
    "proxy_default_manager_is_own": lambda m: m.Adult._default_manager.all(),
    "proxy_of_proxy_inherits_manager": lambda m: m.LoudAdult.adults.filter(age__lt=50),
    "proxy_of_proxy_ordering": lambda m: m.LoudAdult.objects.all(),
    "proxy_inherits_parent_ordering": lambda m: m.PlainPerson.objects.all(),
    "proxy_values": lambda m: m.Adult.adults.values("name", "age"),
    "proxy_get": lambda m: m.Adult.objects.get(name="Cid"),
    "proxy_latest_inherited": lambda m: m.Adult.objects.latest(),
    "proxy_count": lambda m: m.Adult.adults.count(),
    "proxy_aggregate": lambda m: m.LoudAdult.adults.aggregate(n=m.Count("pk"), a=m.Max("age")),
    "parent_still_parent": lambda m: m.Person.objects.filter(age__lt=20),
    "fk_to_proxy_returns_proxy": lambda m: m.Pet.objects.get(name="Rex").owner,
    "reverse_fk_on_proxy": lambda m: m.Adult.objects.get(name="Dee").pets.all(),
    "filter_across_fk_to_proxy": lambda m: m.Pet.objects.filter(owner__age__gt=40),
    "filter_reverse_from_proxy": lambda m: m.Adult.objects.filter(pets__name="Rex"),
    "in_bulk_proxy": lambda m: sorted(
        (k, type(v).__name__) for k, v in m.Adult.objects.in_bulk().items()
    ),
    "methods_of_proxy": lambda m: [p.greeting() for p in m.LoudAdult.adults.all()],
}


def _with(models: Any, *names: str) -> Any:
    from types import SimpleNamespace

    return SimpleNamespace(**vars(models), **dict(zip(("Count", "Max"), names, strict=False)))


def _run(side: Any, fn: Callable[[Any], Any]) -> Any:
    result = fn(side)
    if hasattr(result, "_meta") and not hasattr(result, "query"):
        return (type(result).__name__, normalize(result))
    if hasattr(result, "query"):
        return normalize(result), [type(o).__name__ for o in result if hasattr(o, "_meta")]
    return normalize(result)


@pytest.mark.parametrize("name", list(QUERIES))
def test_proxy_queries_match_django(sides: Any, name: str) -> None:
    from django.db import models as djm

    from manouche import orm_lite

    dj, ol, _ = sides
    fn = QUERIES[name]
    expected = _run(_with(dj, djm.Count, djm.Max), fn)
    got = _run(_with(ol, orm_lite.Count, orm_lite.Max), fn)
    assert got == expected


def _meta_view(m: Any) -> Any:
    out = []
    for model in (m.Person, m.Adult, m.LoudAdult, m.PlainPerson):
        o = model._meta
        out.append(
            (
                model.__name__,
                o.proxy,
                o.concrete_model.__name__,
                o.proxy_for_model.__name__ if o.proxy_for_model else None,
                o.db_table,
                str(o.verbose_name),
                str(o.verbose_name_plural),
                list(o.ordering),
                o.get_latest_by,
                o.label,
                [f.name for f in o.concrete_fields],
                o.pk.name,
                [mg.name for mg in o.managers],
                model._default_manager.name,
                issubclass(model.DoesNotExist, m.Person.DoesNotExist),
            )
        )
    return out


def test_meta_matches_django(inh: Any) -> None:
    dj, ol, _ = inh
    assert _meta_view(ol) == _meta_view(dj)


def test_writes_through_proxies_read_by_the_other_side(sides: Any) -> None:
    dj, ol, _ = sides
    made = ol.LoudAdult.objects.create(name="Gus", age=40)
    assert type(made) is ol.LoudAdult and made.pk is not None
    assert type(dj.Person.objects.get(pk=made.pk)) is dj.Person
    assert dj.LoudAdult.objects.get(pk=made.pk).greeting() == made.greeting() == "GOOD DAY, GUS"
    made.age = 41
    made.save()
    assert dj.Person.objects.get(pk=made.pk).age == 41
    # Equal across proxy and concrete classes (same concrete model, same pk), as Django.
    assert ol.Person.objects.get(pk=made.pk) == made
    assert (dj.Person.objects.get(pk=made.pk) == dj.LoudAdult.objects.get(pk=made.pk)) is True
    made2 = dj.Adult.objects.create(name="Hal", age=50)
    assert ol.Adult.objects.get(pk=made2.pk).name == "Hal"


def test_delete_through_a_proxy_matches_django(sides: Any) -> None:
    dj, ol, _ = sides
    # Deleting Ann cascades to Rex; the counts are labelled as Django labels them.
    got = ol.Adult.objects.filter(name="Ann").delete()
    assert dj.Pet.objects.filter(name="Rex").count() == 0
    dj.Pet.objects.create(name="Rex", owner=dj.Adult.objects.create(name="Ann", age=34))
    expected = dj.Adult.objects.filter(name="Ann").delete()
    assert got == expected
    got_one = ol.LoudAdult.objects.get(name="Dee").delete()
    dj.Pet.objects.create(name="Tom", owner=dj.Adult.objects.create(name="Dee", age=61))
    assert got_one == dj.LoudAdult.objects.get(name="Dee").delete()


def test_signals_name_the_proxy_as_sender(sides: Any) -> None:
    from django.db.models import signals as djs

    from manouche.orm_lite import _signals as ols

    dj, ol, _ = sides

    def record(into: list[Any]) -> Callable[..., None]:
        def receiver(sender: Any, **kwargs: Any) -> None:
            into.append((kwargs.get("signal_name"), sender.__name__))

        return receiver

    seen: dict[str, list[Any]] = {"dj": [], "ol": []}
    dj_handlers = [
        (sig, record(seen["dj"])) for sig in (djs.pre_save, djs.post_save, djs.pre_delete)
    ]
    for sig, h in dj_handlers:
        sig.connect(h, weak=False)
    ol_handlers = [
        (sig, record(seen["ol"])) for sig in (ols.pre_save, ols.post_save, ols.pre_delete)
    ]
    for sig, h in ol_handlers:
        sig.connect(h, weak=False)
    try:
        for m in (dj, ol):
            obj = m.LoudAdult.objects.create(name="Ivy", age=30)
            obj.delete()
    finally:
        for sig, h in dj_handlers + ol_handlers:
            sig.disconnect(h)
    assert seen["ol"] == seen["dj"]
    assert [s for _, s in seen["ol"]] == ["LoudAdult"] * 3


def test_proxy_definition_errors(inh: Any) -> None:
    from django.db import models as djm

    from manouche import orm_lite

    class Meta:
        proxy = True
        app_label = "parity"

    # As Django: a proxy needs a concrete base.
    for models in (djm, orm_lite):
        with pytest.raises(TypeError, match="Proxy model 'Orphan' has no non-abstract model"):
            type("Orphan", (models.Model,), {"__module__": __name__, "Meta": Meta})
    # Django reports fields on a proxy in its system checks (models.E017); orm-lite has
    # no check framework, so the class statement itself fails, with the same words.
    _, ol, _ = inh
    with pytest.raises(orm_lite.FieldError, match="Proxy model 'WithField' contains model fields"):
        type(
            "WithField",
            (ol.Person,),
            {"__module__": __name__, "Meta": Meta, "extra": orm_lite.IntegerField()},
        )


def test_proxy_has_no_table_and_no_migration(inh: Any, tmp_path: Path) -> None:
    from manouche import orm_lite
    from manouche.orm_lite._migrations import Migrations

    _, ol, _ = inh
    md = sa.MetaData()

    class Thing(orm_lite.Model):
        name = orm_lite.CharField(max_length=10)

        class Meta:
            app_label = "proxymig"
            metadata = md

    class SpecialThing(Thing):
        class Meta:
            proxy = True
            app_label = "proxymig"

    assert list(md.tables) == ["proxymig_thing"]
    assert SpecialThing.__table__ is Thing.__table__
    assert ol.Adult.__table__ is ol.Person.__table__
    mig = Migrations(metadata=md, apps={"proxymig": tmp_path / "m"}, version_table="pm_versions")
    written = mig.makemigrations()
    assert len(written) == 1
    text = Path(written[0]).read_text()
    assert text.count("op.create_table(") == 1 and "'proxymig_thing'" in text
    assert "specialthing" not in text
    # Creating the tables of a model and its proxy creates the one table once.
    db = orm_lite.Database("sqlite://", default=False)
    db.create_all([Thing, SpecialThing])
    db.dispose()


# -- the same proxy queries on PostgreSQL and MariaDB, against Django's SQLite answers ----


@pytest.fixture(scope="module", params=["postgresql", "mariadb"])
def server(request: pytest.FixtureRequest, inh: Any) -> Iterator[Any]:
    from manouche import orm_lite

    _, ol, _ = inh
    db = orm_lite.Database(str(request.getfixturevalue(f"{request.param}_url")), default=False)
    db.create_all([ol.Person, ol.Adult, ol.Pet])
    yield db
    db.drop_all([ol.Person, ol.Pet])
    db.dispose()


@pytest.mark.parametrize("name", list(QUERIES))
def test_proxy_queries_on_servers(sides: Any, server: Any, name: str) -> None:
    from django.db import models as djm

    from manouche import orm_lite

    dj, ol, sqlite_db = sides
    fn = QUERIES[name]
    expected = _run(_with(dj, djm.Count, djm.Max), fn)
    # The server gets Django's rows, primary keys included.
    people = list(dj.Person.objects.values_list("pk", "name", "age"))
    pets = list(dj.Pet.objects.values_list("pk", "name", "owner_id"))
    server.make_default()
    try:
        ol.Person.objects.bulk_create([ol.Person(pk=p, name=n, age=a) for p, n, a in people])
        ol.Pet.objects.bulk_create([ol.Pet(pk=p, name=n, owner_id=o) for p, n, o in pets])
        got = _run(_with(ol, orm_lite.Count, orm_lite.Max), fn)
    finally:
        ol.Pet.objects.all().delete()
        ol.Person.objects.all().delete()
        server.close()
        sqlite_db.make_default()
    assert got == expected

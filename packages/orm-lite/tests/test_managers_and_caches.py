"""Managers and relation caches as Django's: ``QuerySet.as_manager()``, ``deconstruct()``,
``Meta.default_manager_name``/``base_manager_name``, related managers through a named
manager (``book.readers(manager="fans")``), ``EmptyQuerySet``, get_or_create's argument
checks, the one-to-one caches on both sides and the delete errors naming every relation."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
import sqlalchemy as sa

from manouche import orm_lite as models
from manouche import signals


class ShelfQuerySet(models.QuerySet):
    def long_ones(self) -> Any:
        return self.filter(pages__gte=100)

    def _hidden(self) -> Any:
        return self

    def _shared(self) -> Any:
        return self

    _shared.queryset_only = False  # type: ignore[attr-defined]

    def only_here(self) -> Any:
        return self

    only_here.queryset_only = True  # type: ignore[attr-defined]


class FansManager(models.Manager):
    def get_queryset(self) -> Any:
        return super().get_queryset().filter(fan=True)


class OthersManager(models.Manager):
    def get_queryset(self) -> Any:
        return super().get_queryset().filter(fan=False)


def _define() -> SimpleNamespace:
    md = sa.MetaData()

    def meta(**options: Any) -> type:
        return type("Meta", (), {"app_label": "mgrcache", "metadata": md, **options})

    class Book(models.Model):
        title = models.CharField(max_length=20)
        pages = models.IntegerField(default=0)
        objects = ShelfQuerySet.as_manager()

        Meta = meta()

    class Reader(models.Model):
        name = models.CharField(max_length=20)
        fan = models.BooleanField(default=False)
        book = models.ForeignKey(Book, models.SET_NULL, null=True, related_name="readers")
        books = models.ManyToManyField(Book, related_name="fans_of")
        objects = FansManager()
        everyone = models.Manager()
        others = OthersManager()

        Meta = meta()

    class FanReader(Reader):
        Meta = meta(proxy=True, default_manager_name="others")

    class BaseFanReader(Reader):
        Meta = meta(proxy=True, base_manager_name="objects")

    class Place(models.Model):
        name = models.CharField(max_length=20)

        Meta = meta()

    class Bar(models.Model):
        place = models.OneToOneField(Place, models.CASCADE, null=True)
        rival = models.ForeignKey(Place, models.SET_NULL, null=True, related_name="rivals")

        Meta = meta()

    class Guarded(models.Model):
        place = models.ForeignKey(Place, models.PROTECT, related_name="guards")

        Meta = meta()

    class Watched(models.Model):
        place = models.ForeignKey(Place, models.PROTECT, related_name="watchers")

        Meta = meta()

    class Held(models.Model):
        place = models.ForeignKey(Place, models.RESTRICT, related_name="holds")
        bar = models.ForeignKey(Bar, models.CASCADE, null=True, related_name="holds")

        Meta = meta()

    found = (Book, Reader, FanReader, BaseFanReader, Place, Bar, Guarded, Watched, Held)
    return SimpleNamespace(**{model.__name__: model for model in found})


@pytest.fixture(scope="module")
def m() -> Iterator[SimpleNamespace]:
    ns = _define()
    db = models.Database("sqlite://", default=False)
    concrete = [ns.Book, ns.Reader, ns.Place, ns.Bar, ns.Guarded, ns.Watched, ns.Held]
    db.create_all(concrete)
    ns.db = db
    yield ns
    db.dispose()
    for model in reversed(vars(ns).values()):
        if isinstance(model, type):
            models.registry.unregister(model)


@pytest.fixture
def ns(m: SimpleNamespace) -> Iterator[SimpleNamespace]:
    m.db.make_default()
    yield m
    with m.db.engine.begin() as conn:
        for model in (m.Held, m.Watched, m.Guarded, m.Bar, m.Place):
            conn.execute(model._meta.table.delete())
        conn.execute(m.Reader.books.through._meta.table.delete())
        for model in (m.Reader, m.Book):
            conn.execute(model._meta.table.delete())
    m.db.close()


# -- as_manager, from_queryset, deconstruct -------------------------------------------------


def test_as_manager_copies_the_queryset_methods(ns: Any) -> None:
    ns.Book.objects.create(title="short", pages=10)
    ns.Book.objects.create(title="long", pages=300)
    assert [b.title for b in ns.Book.objects.long_ones()] == ["long"]
    assert hasattr(ns.Book.objects, "_shared")  # private, but queryset_only = False
    assert not hasattr(ns.Book.objects, "_hidden")
    assert not hasattr(ns.Book.objects, "only_here")
    assert not hasattr(ns.Book.objects, "delete")  # as Django: no Manager.delete()
    assert isinstance(ns.Book.objects.all(), ShelfQuerySet)


def test_manager_methods_keep_the_queryset_docs() -> None:
    assert models.Manager().get.__doc__ == models.QuerySet.get.__doc__
    assert models.Manager.filter.__name__ == "filter"


def test_deconstruct() -> None:
    as_manager, _, qs_path, args, kwargs = ShelfQuerySet.as_manager().deconstruct()
    assert as_manager is True
    assert qs_path == f"{__name__}.ShelfQuerySet"
    assert (args, kwargs) == (None, None)
    as_manager, path, _, args, kwargs = FansManager().deconstruct()
    assert (as_manager, path, args, kwargs) == (False, f"{__name__}.FansManager", (), {})
    dynamic = models.Manager.from_queryset(ShelfQuerySet)()
    with pytest.raises(ValueError, match="Could not find manager ManagerFromShelfQuerySet"):
        dynamic.deconstruct()


def test_queryset_takes_django_hints(ns: Any) -> None:
    class HintedQuerySet(models.QuerySet):
        def __init__(
            self,
            extra: Any = None,
            model: Any = None,
            query: Any = None,
            using: Any = None,
            hints: Any = None,
        ) -> None:
            super().__init__(model=model, query=query, using=using, hints=hints)

    manager = HintedQuerySet.as_manager()
    manager.model = ns.Book
    ns.Book.objects.create(title="a")
    assert [b.title for b in manager.all()] == ["a"]


# -- default and base managers --------------------------------------------------------------


def test_default_and_base_manager_names(ns: Any) -> None:
    ns.Reader.everyone.create(name="fan", fan=True)
    ns.Reader.everyone.create(name="other", fan=False)
    assert ns.Reader._default_manager is ns.Reader.objects
    assert ns.FanReader._default_manager.name == "others"
    assert [r.name for r in ns.FanReader._default_manager.all()] == ["other"]
    assert ns.Reader._meta.base_manager.name == "_base_manager"
    assert ns.Reader._base_manager.count() == 2
    assert ns.BaseFanReader._base_manager.name == "objects"
    assert [r.name for r in ns.BaseFanReader._base_manager.all()] == ["fan"]
    assert set(ns.Reader._meta.managers_map) == {"objects", "everyone", "others"}


# -- related managers through a named manager -------------------------------------------------


def test_reverse_fk_manager_by_name_and_what_remove_clear_touch(ns: Any) -> None:
    book = ns.Book.objects.create(title="b")
    fan = ns.Reader.everyone.create(name="fan", fan=True, book=book)
    other = ns.Reader.everyone.create(name="other", fan=False, book=book)
    assert [r.name for r in book.readers.all()] == ["fan"]  # the default manager filters
    assert [r.name for r in book.readers(manager="others").all()] == ["other"]
    assert sorted(r.name for r in book.readers(manager="everyone").all()) == ["fan", "other"]
    # The fans' manager does not see "other": removing it there leaves its row alone.
    book.readers.remove(other)
    assert ns.Reader._base_manager.filter(book=book).count() == 2
    book.readers(manager="others").remove(other, bulk=False)
    assert [r.name for r in ns.Reader._base_manager.filter(book=book)] == ["fan"]
    other.book = book
    other.save()
    book.readers.clear()  # clears the fans only
    assert [r.name for r in ns.Reader._base_manager.filter(book=book)] == ["other"]
    stranger = ns.Reader.everyone.create(name="stranger", fan=True)
    with pytest.raises(ns.Book.DoesNotExist, match="is not related to"):
        book.readers.remove(stranger)
    del fan


def test_m2m_manager_by_name_and_what_remove_clear_touch(ns: Any) -> None:
    book = ns.Book.objects.create(title="b")
    fan = ns.Reader.everyone.create(name="fan", fan=True)
    other = ns.Reader.everyone.create(name="other", fan=False)
    book.fans_of.add(fan, other)
    through = ns.Reader.books.through
    assert [r.name for r in book.fans_of.all()] == ["fan"]
    assert [r.name for r in book.fans_of(manager="others").all()] == ["other"]
    book.fans_of.remove(other)  # not seen by the default manager: stays linked
    assert through._base_manager.count() == 2
    book.fans_of(manager="others").remove(other)
    assert through._base_manager.count() == 1
    book.fans_of.add(other)
    book.fans_of.clear()  # the fans' links only
    assert [row.reader_id for row in through._base_manager.all()] == [other.pk]


# -- EmptyQuerySet ------------------------------------------------------------------------------


def test_empty_queryset(ns: Any) -> None:
    ns.Book.objects.create(title="a")
    with pytest.raises(TypeError, match="EmptyQuerySet can't be instantiated"):
        models.EmptyQuerySet()
    assert isinstance(ns.Book.objects.none(), models.EmptyQuerySet)
    assert isinstance(ns.Book.objects.none().values_list("pk"), models.EmptyQuerySet)
    assert not isinstance(ns.Book.objects.all(), models.EmptyQuerySet)
    assert not isinstance("", models.EmptyQuerySet)
    assert list(ns.Book.objects.none().long_ones()) == []


# -- get_or_create / update_or_create arguments ---------------------------------------------------


def test_get_or_create_refuses_unknown_names(ns: Any) -> None:
    with pytest.raises(
        models.FieldError, match=r"Invalid field name\(s\) for model Book: 'nope'\."
    ):
        ns.Book.objects.get_or_create(title="a", defaults={"nope": 1})
    with pytest.raises(models.FieldError, match="Invalid field name"):
        ns.Book.objects.update_or_create(title="a", create_defaults={"nope": 1})
    # A filter name that is no field: the lookup's error, choices without hidden relations.
    with pytest.raises(
        models.FieldError,
        match="Cannot resolve keyword 'nope' into field. Choices are: fans_of, id, pages, "
        "readers, title$",
    ):
        ns.Book.objects.get_or_create(title="a", nope=1)
    assert ns.Book.objects.count() == 0
    book, created = ns.Book.objects.get_or_create(title="a", defaults={"pk": 7})
    assert created and book.pk == 7  # pk is a property with a setter: allowed


# -- one-to-one and foreign key caches ------------------------------------------------------------


def test_one_to_one_caches_both_sides(ns: Any) -> None:
    place = ns.Place.objects.create(name="p")
    bar = ns.Bar.objects.create(place=place)
    fresh = ns.Bar.objects.get(pk=bar.pk)
    with models.count_queries(ns.db) as q:
        loaded = fresh.place
        assert loaded.bar is fresh
    assert q.count == 1
    fresh_place = ns.Place.objects.get(pk=place.pk)
    with models.count_queries(ns.db) as q:
        assert fresh_place.bar.place is fresh_place
    assert q.count == 1
    lonely = ns.Place.objects.create(name="lonely")
    with models.count_queries(ns.db) as q:
        for _ in range(2):
            with pytest.raises(ns.Place.bar.RelatedObjectDoesNotExist):
                _ = lonely.bar
    assert q.count == 1  # the missing row is remembered
    with models.count_queries(ns.db) as q:
        with pytest.raises(ns.Bar.DoesNotExist):
            _ = ns.Place().bar  # unsaved: no query
    assert q.count == 0


def test_one_to_one_reverse_assignment(ns: Any) -> None:
    place = ns.Place.objects.create(name="p")
    bar = ns.Bar.objects.create(place=place)
    assert place.bar is bar  # set by the forward assignment
    place.bar = None
    assert bar.place is None
    bar.save()
    bar.refresh_from_db()
    assert bar.place_id is None
    with pytest.raises(ValueError, match='must be a "Bar" instance'):
        place.bar = place


def test_setting_the_fk_id_forgets_the_cached_object(ns: Any) -> None:
    p1 = ns.Place.objects.create(name="p1")
    p2 = ns.Place.objects.create(name="p2")
    bar = ns.Bar.objects.create(rival=p1)
    assert ns.Bar.rival.is_cached(bar)
    bar.rival_id = p2.pk
    assert not ns.Bar.rival.is_cached(bar)
    assert bar.rival == p2 and ns.Bar.rival.is_cached(bar)
    bar.rival_id = p2.pk  # the same value keeps it
    assert ns.Bar.rival.is_cached(bar)
    bar.rival_id = None
    bar.save()
    bar.refresh_from_db()
    assert bar.rival_id is None and bar.rival is None


# -- delete errors ------------------------------------------------------------------------


def test_protected_error_names_every_relation(ns: Any) -> None:
    place = ns.Place.objects.create(name="p")
    g = ns.Guarded.objects.create(place=place)
    w = ns.Watched.objects.create(place=place)
    with pytest.raises(models.ProtectedError) as info:
        place.delete()
    assert str(info.value.args[0]) == (
        "Cannot delete some instances of model 'Place' because they are referenced through "
        "protected foreign keys: 'Guarded.place', 'Watched.place'."
    )
    assert info.value.protected_objects == {g, w}
    assert ns.Place.objects.count() == 1


def test_restricted_rows_deleted_by_a_cascade_do_not_block(ns: Any) -> None:
    place = ns.Place.objects.create(name="p")
    bar = ns.Bar.objects.create(place=place)
    held = ns.Held.objects.create(place=place)
    with pytest.raises(models.RestrictedError) as info:
        place.delete()
    assert "model 'Place'" in info.value.args[0] and "'Held.place'" in info.value.args[0]
    assert info.value.restricted_objects == {held}
    held.bar = bar
    held.save()
    place.delete()  # Place -> Bar (cascade) -> Held (cascade, in bulk): nothing is left
    assert ns.Held.objects.count() == 0 and ns.Place.objects.count() == 0


def test_delete_on_a_slice_is_refused(ns: Any) -> None:
    with pytest.raises(TypeError, match=r"Cannot use 'limit' or 'offset' with delete\(\)\."):
        ns.Place.objects.all()[:1].delete()


def test_on_delete_must_be_callable() -> None:
    with pytest.raises(TypeError, match=r"^on_delete must be callable\.$"):
        models.ForeignKey("x.Y", on_delete=None)


# -- refresh_from_db ----------------------------------------------------------------------------


def test_refresh_from_db_as_django(ns: Any) -> None:
    place = ns.Place.objects.create(name="p")
    bar = ns.Bar.objects.create(place=place)
    assert bar.place.name == "p"
    ns.Place.objects.filter(pk=place.pk).update(name="renamed")
    bar.refresh_from_db()
    assert bar.place.name == "renamed"  # the cached related object was forgotten
    with models.count_queries(ns.db) as q:
        bar.refresh_from_db(from_queryset=ns.Bar.objects.select_related("place"))
        assert bar.place.name == "renamed"
    assert q.count == 1  # loaded with the row
    with models.count_queries(ns.db) as q:
        place.refresh_from_db(fields=[])
    assert q.count == 0
    with pytest.raises(ValueError, match='Found "__" in fields argument'):
        place.refresh_from_db(fields=["name__lower"])
    lonely = ns.Place.objects.create(name="lonely")
    assert not hasattr(lonely, "bar")  # remembered as missing...
    ns.Bar.objects.create(place_id=lonely.pk)
    lonely.refresh_from_db(fields=["bar"])
    assert hasattr(lonely, "bar")  # ...until refreshed
    ns.Place.objects.filter(pk=place.pk).update(name="again")
    place.refresh_from_db(from_queryset=ns.Place.objects.only("id"))
    assert place.name == "p"  # what the queryset defers is not reloaded
    place.refresh_from_db(fields=["name"], from_queryset=ns.Place.objects.only("id"))
    assert place.name == "again"


def test_create_refuses_a_reverse_one_to_one(ns: Any) -> None:
    bar = ns.Bar.objects.create()
    with pytest.raises(ValueError, match="The following fields do not exist in this model: bar"):
        ns.Place.objects.create(name="p", bar=bar)
    assert ns.Bar._meta.get_field("place").remote_field.accessor_name == "bar"


def test_reverse_fk_rows_know_their_parent_and_prefetch_is_invalidated(ns: Any) -> None:
    place = ns.Place.objects.create(name="p")
    ns.Bar.objects.create(rival=place)
    with models.count_queries(ns.db) as q:
        bar = place.rivals.get()
        assert bar.rival is place
    assert q.count == 1
    loaded = ns.Place.objects.prefetch_related("rivals").get(pk=place.pk)
    assert len(loaded.rivals.all()) == 1
    loaded.rivals.create()
    assert len(loaded.rivals.all()) == 2  # create() dropped the prefetched list
    loaded = ns.Place.objects.prefetch_related("rivals").get(pk=place.pk)
    loaded.rivals.clear()
    assert list(loaded.rivals.all()) == []
    with pytest.raises(TypeError, match="'Bar' instance expected, got 1"):
        place.rivals.set([1])


def test_m2m_add_is_one_insert_skipping_existing_links(ns: Any) -> None:
    book = ns.Book.objects.create(title="b")
    a = ns.Reader.everyone.create(name="a", fan=True)
    b = ns.Reader.everyone.create(name="b", fan=True)
    book.fans_of.add(a)
    with models.count_queries(ns.db) as q:
        book.fans_of.add(a, b, b)
    assert q.count == 1
    assert sorted(r.name for r in book.fans_of.all()) == ["a", "b"]
    seen: list[Any] = []

    def receiver(sender: Any, **kwargs: Any) -> None:
        seen.append((kwargs["action"], kwargs["pk_set"]))

    signals.m2m_changed.connect(receiver, sender=ns.Reader.books.through)
    try:
        book.fans_of.add(a, b)  # with a receiver: the links already there are not announced
    finally:
        signals.m2m_changed.disconnect(receiver, sender=ns.Reader.books.through)
    assert seen == [("pre_add", set()), ("post_add", set())]


def test_delete_forgets_what_the_queryset_read(ns: Any) -> None:
    ns.Place.objects.create(name="p")
    qs = ns.Place.objects.all()
    assert len(qs) == 1
    qs.delete()
    assert list(qs) == []


def test_m2m_manager_of_an_unsaved_instance_is_refused(ns: Any) -> None:
    book = ns.Book(title="unsaved")
    with pytest.raises(ValueError, match='needs to have a value for field "id" before this many'):
        _ = book.fans_of


def test_proxy_gets_the_managers_of_its_abstract_bases_and_fk_to_proxy_takes_concrete() -> None:
    md = sa.MetaData()

    def meta(**options: Any) -> type:
        return type("Meta", (), {"app_label": "mgrproxy", "metadata": md, **options})

    class Person(models.Model):
        name = models.CharField(max_length=10)
        Meta = meta()

    class Mixin(models.Model):
        fans = FansManager()
        Meta = meta(abstract=True)

    class OtherPerson(Person, Mixin):
        Meta = meta(proxy=True)

    class Issue(models.Model):
        who = models.ForeignKey(OtherPerson, models.CASCADE, null=True)
        Meta = meta()

    try:
        assert OtherPerson._default_manager.name == "objects"
        assert type(OtherPerson.fans) is FansManager and OtherPerson.fans.model is OtherPerson
        person = Person(name="p", pk=1)
        assert Issue(who=person).who_id == 1  # a Person is an OtherPerson's row
        assert person._is_pk_set() and not Person()._is_pk_set()
    finally:
        for model in (Issue, OtherPerson, Mixin, Person):
            models.registry.unregister(model)

"""Models on every backend: tables and names, Column.info, field round trips, options,
instances (save/delete/refresh/full_clean), inheritance and constraints."""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

import pytest
import sqlalchemy as sa

from manouche import orm_lite as models
from tests.conf_models import Author, Book, Chapter, Everything, Group, Shelf, Tag


def test_tables_and_columns_have_djangos_names() -> None:
    assert Author.__table__.name == "conf_author"
    assert Shelf.__table__.name == "conf_custom_shelf"
    assert "author_id" in Book.__table__.c
    assert "the_column" in Everything.__table__.c
    m2m = Book._meta.get_field("tags").through.__table__
    assert m2m.name == "conf_book_tags"
    assert {c.name for c in m2m.c} == {"id", "book_id", "tag_id"}
    assert isinstance(Author.__table__, sa.Table)
    assert Author.__table__.metadata is models.metadata
    assert Group._meta.get_field("members").through.__table__.name == "conf_membership"


def test_column_info_carries_what_sqlalchemy_cannot_say() -> None:
    info = Everything.__table__.c["char"].info
    assert info["verbose_name"] == "the char"
    assert info["help_text"] == "short text"
    assert info["blank"] is False
    assert Everything.__table__.c["text"].info["blank"] is True
    assert list(Everything.__table__.c["size"].info["choices"]) == [
        ("S", "Small"),
        ("M", "Medium"),
        ("L", "Large"),
    ]
    assert len(Everything.__table__.c["bounded"].info["validators"]) >= 2
    assert Everything.__table__.info["verbose_name_plural"] == "everythings"


def test_abstract_base_gives_fields_and_meta() -> None:
    names = [f.name for f in Author._meta.concrete_fields]
    assert names[:3] == ["id", "created", "updated"] or {"created", "updated"} <= set(names)
    assert Author._meta.ordering == ["-created"]
    with pytest.raises(TypeError, match="[Aa]bstract"):
        from tests.conf_models import Timestamped

        Timestamped()


def test_indexes_and_constraints_exist(backend_db: Any) -> None:
    insp = sa.inspect(backend_db.engine)
    idx = {i["name"] for i in insp.get_indexes("conf_book")}
    assert "conf_book_title_pages" in idx
    uniques = insp.get_unique_constraints("conf_chapter")
    idx_chapter = insp.get_indexes("conf_chapter")
    names = {u["name"] for u in uniques} | {i["name"] for i in idx_chapter if i.get("unique")}
    assert "conf_chapter_unique" in names


VALUES: dict[str, Any] = {
    "char": "héllo wörld",
    "text": "x" * 5000,
    "integer": -5,
    "big": 2**40,
    "small": -300,
    "positive": 70000,
    "positive_small": 300,
    "flt": 1.5,
    "dec": decimal.Decimal("12345.678"),
    "flag": True,
    "nullable_flag": None,
    "day": datetime.date(2024, 2, 29),
    "moment": datetime.datetime(2024, 2, 29, 23, 59, 58, 123456),
    "clock": datetime.time(13, 14, 15, 160000),
    "span": datetime.timedelta(days=3, seconds=5, microseconds=7),
    "email": "a@example.org",
    "url": "https://example.org/x?y=1",
    "slug": "a-slug",
    "uid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "data": {"a": [1, 2, {"b": None}], "c": "d"},
    "blob": b"\x00\x01\xff",
    "ip": "2001:db8::1",
    "size": "L",
    "renamed": 42,
    "bounded": 3,
}


def test_every_field_type_round_trips(backend_db: Any) -> None:
    obj = Everything.objects.create(**VALUES)
    again = Everything.objects.get(pk=obj.pk)
    for name, value in VALUES.items():
        assert getattr(again, name) == value, name
    assert again.year == datetime.date.today().year + 1
    # and filtering by each value finds the row
    for name, value in VALUES.items():
        if name in ("data", "blob", "text") or value is None:
            continue
        assert Everything.objects.filter(**{name: value}).count() == 1, name


def test_defaults_choices_display(backend_db: Any) -> None:
    a = Everything(char="x")
    assert a.integer == 7 and a.size == "M" and a.text == "" and isinstance(a.uid, uuid.UUID)
    b = Everything(char="y")
    assert a.uid != b.uid  # callable default, called per instance
    assert a.get_size_display() == "Medium"
    a.size = "Q"
    assert a.get_size_display() == "Q"


def test_auto_now_and_auto_now_add(backend_db: Any) -> None:
    a = Author.objects.create(name="A")
    assert a.created is not None and a.updated is not None
    first_created, first_updated = a.created, a.updated
    a.name = "B"
    a.save()
    a.refresh_from_db()
    assert a.created == first_created
    assert a.updated >= first_updated


def test_save_insert_then_update_and_update_fields(backend_db: Any) -> None:
    a = Author(name="A", age=40)
    assert a.pk is None and a._state.adding
    a.save()
    assert a.pk is not None and not a._state.adding
    assert Author.objects.count() == 1
    a.age = 41
    a.save()
    assert Author.objects.count() == 1 and Author.objects.get().age == 41
    # update_fields writes only those columns
    Author.objects.filter(pk=a.pk).update(name="changed behind")
    a.age = 50
    a.save(update_fields=["age"])
    fresh = Author.objects.get(pk=a.pk)
    assert (fresh.name, fresh.age) == ("changed behind", 50)
    with pytest.raises(ValueError, match="do not exist"):
        a.save(update_fields=["nope"])


def test_delete_and_refresh(backend_db: Any) -> None:
    a = Author.objects.create(name="A")
    Author.objects.filter(pk=a.pk).update(age=99)
    a.refresh_from_db()
    assert a.age == 99
    a.name = "local"
    a.refresh_from_db(fields=["age"])
    assert a.name == "local"
    count, per_model = a.delete()
    assert count == 1 and per_model == {"conf.Author": 1}
    assert a.pk is None
    with pytest.raises(Author.DoesNotExist):
        Author.objects.get(name="A")


def test_identity_str_repr_and_exceptions(backend_db: Any) -> None:
    a = Author.objects.create(name="Ann")
    b = Author.objects.get(pk=a.pk)
    assert a == b and hash(a) == hash(b) and a is not b
    assert a != Author(name="Ann")
    assert str(a) == "Ann"
    assert repr(a) == "<Author: Ann>"
    t = Tag.objects.create(name="x")
    assert str(t) == f"Tag object ({t.pk})"
    assert issubclass(Author.DoesNotExist, models.ObjectDoesNotExist)
    assert Author.DoesNotExist is not Tag.DoesNotExist
    Author.objects.create(name="Ann")
    with pytest.raises(Author.MultipleObjectsReturned):
        Author.objects.get(name="Ann")
    with pytest.raises(models.MultipleObjectsReturned):
        Author.objects.get(name="Ann")
    with pytest.raises(TypeError, match="unhashable"):
        hash(Author(name="new"))


def test_full_clean_field_errors(backend_db: Any) -> None:
    e = Everything(char="x" * 30, size="Q", bounded=11, email="not an email")
    with pytest.raises(models.ValidationError) as info:
        e.full_clean()
    errors = info.value.message_dict
    assert set(errors) >= {"char", "size", "bounded", "email"}
    assert any("at most 20" in m for m in errors["char"])
    assert any("not a valid choice" in m for m in errors["size"])


def test_full_clean_unique_and_unique_together(backend_db: Any) -> None:
    Tag.objects.create(name="dup")
    with pytest.raises(models.ValidationError) as info:
        Tag(name="dup").full_clean()
    assert "name" in info.value.message_dict
    a = Author.objects.create(name="A")
    Book.objects.create(title="T", author=a)
    with pytest.raises(models.ValidationError) as info:
        Book(title="T", author=a).full_clean()
    assert models.NON_FIELD_ERRORS in info.value.message_dict
    Book(title="T2", author=a).full_clean()  # fine
    existing = Book.objects.get(title="T")
    existing.full_clean()  # its own row does not count


def test_check_constraint_validated_and_enforced(backend_db: Any) -> None:
    a = Author.objects.create(name="A")
    with pytest.raises(models.ValidationError):
        Book(title="neg", author=a, pages=-1).full_clean()
    with pytest.raises(sa.exc.IntegrityError):
        Book.objects.create(title="neg", author=a, pages=-1)


def test_unique_constraint_enforced(backend_db: Any) -> None:
    a = Author.objects.create(name="A")
    b = Book.objects.create(title="T", author=a)
    Chapter.objects.create(book=b, number=1)
    with pytest.raises(sa.exc.IntegrityError):
        Chapter.objects.create(book=b, number=1)
    with pytest.raises(models.ValidationError):
        Chapter(book=b, number=1).full_clean()


def test_unsaved_related_object_is_refused(backend_db: Any) -> None:
    a = Author(name="unsaved")
    with pytest.raises(ValueError, match="unsaved related object 'author'"):
        Book(title="x", author=a).save()


def test_get_by_pk_gives_what_the_general_query_gives(backend_db: Any) -> None:
    """``get(pk=)`` runs a plan of its own; its instances are those of any other query."""
    from manouche import signals

    obj = Everything.objects.create(**VALUES)
    (general,) = list(Everything.objects.filter(pk=obj.pk, integer=VALUES["integer"]))

    def state(o: Any) -> dict[str, Any]:
        return {k: v for k, v in vars(o).items() if k != "_state"}

    for key in ("pk", "id", "pk__exact", "id__exact"):
        for _ in range(2):  # the plan and its row builder are made once, then reused
            again = Everything.objects.get(**{key: obj.pk})
            assert state(again) == state(general), key
            assert again._state.adding is False and again._state.db is general._state.db
    assert Everything.objects.get(pk=str(obj.pk)).pk == obj.pk
    with pytest.raises(Everything.DoesNotExist, match="matching query does not exist"):
        Everything.objects.get(pk=obj.pk + 1000)
    seen: list[Any] = []

    def receiver(sender: Any, instance: Any, **kwargs: Any) -> None:
        seen.append((sender, instance.char))

    signals.post_init.connect(receiver, sender=Everything)
    try:
        assert state(Everything.objects.get(pk=obj.pk)) == state(general)
    finally:
        signals.post_init.disconnect(receiver, sender=Everything)
    assert seen == [(Everything, VALUES["char"])]  # built through __init__, as Django


def test_from_db_whole_rows_partial_rows_and_any_iterables(backend_db: Any) -> None:
    """``Model.from_db`` as Django's: whole rows in field order, fewer names defer the rest,
    names and values may be any iterables; with init receivers ``__init__`` runs."""
    from manouche import signals

    names = tuple(f.attname for f in Author._meta.concrete_fields)
    row = tuple(range(len(names)))
    for args in [(names, row), (list(names), list(row)), (iter(names), iter(row))]:
        a = Author.from_db(backend_db, *args)
        assert [getattr(a, n) for n in names] == list(row)
        assert a._state.db is backend_db and a._state.adding is False
    again = Author.from_db(backend_db, names, row)
    assert again._state is not a._state  # each instance its own state
    part = Author.from_db(backend_db, ["id", "name"], (5, "x"))
    assert part.__dict__.keys() >= {"id", "name"} and "age" not in part.__dict__
    seen: list[Any] = []

    def receiver(sender: Any, instance: Any, **kwargs: Any) -> None:
        seen.append(instance.name)

    signals.post_init.connect(receiver, sender=Author)
    try:
        made = Author.from_db(backend_db, names, row)
    finally:
        signals.post_init.disconnect(receiver, sender=Author)
    assert seen == [made.name] and made._state.adding is False


def test_a_multi_table_child_inherits_its_parent_s_managers_as_in_django() -> None:
    import sqlalchemy as sa

    class PlaceManager(models.Manager):
        def get_by_natural_key(self, name: str) -> Any:
            return self.get(name=name)

    class MgrPlace(models.Model):
        name = models.CharField(max_length=10)
        objects = PlaceManager()

        class Meta:
            app_label = "mgrinherit"
            metadata = sa.MetaData()

    class MgrRestaurant(MgrPlace):
        class Meta:
            app_label = "mgrinherit"

    class MgrBar(MgrPlace):
        drinks = models.Manager()  # its own manager comes after the inherited ones

        class Meta:
            app_label = "mgrinherit"

    try:
        assert type(MgrRestaurant.objects) is PlaceManager
        assert MgrRestaurant.objects.model is MgrRestaurant
        assert type(MgrRestaurant._default_manager) is PlaceManager
        # Django's order: the class's own managers first, then its bases'.
        assert MgrBar._default_manager is MgrBar.drinks and MgrBar.drinks.model is MgrBar
        assert [m.name for m in MgrBar._meta.managers] == ["drinks", "objects"]
        backend_db = models.Database("sqlite://", default=False)
        backend_db.create_all([MgrPlace, MgrRestaurant, MgrBar])
        MgrRestaurant.objects.using(backend_db).create(name="Alba")
        assert (
            MgrRestaurant.objects.db_manager(backend_db).get_by_natural_key("Alba").name == "Alba"
        )
        backend_db.dispose()
    finally:
        for model in (MgrBar, MgrRestaurant, MgrPlace):
            models.registry.unregister(model)


def test_file_path_field() -> None:
    """Django's FilePathField: a VARCHAR(100) path with its filesystem options kept."""

    class Document(models.Model):
        source = models.FilePathField(path="/srv/docs", match=r".*\.txt$", recursive=True)
        folder = models.FilePathField(allow_files=False, allow_folders=True, null=True)

        class Meta:
            app_label = "filepath"
            metadata = sa.MetaData()

    try:
        field = Document._meta.get_field("source")
        assert (field.path, field.match, field.recursive) == ("/srv/docs", r".*\.txt$", True)
        assert (field.allow_files, field.allow_folders, field.max_length) == (True, False, 100)
        column = Document.__table__.c.source
        assert isinstance(column.type, sa.String) and column.type.length == 100
        assert column.info["django_field"] == "FilePathField"
        db = models.Database("sqlite://", default=False)
        db.create_all([Document])
        made = Document.objects.using(db).create(source="/srv/docs/a.txt")
        got = Document.objects.using(db).get(pk=made.pk)
        assert (got.source, got.folder) == ("/srv/docs/a.txt", None)
        db.dispose()
        with pytest.raises(ValueError, match="allow_files' or 'allow_folders'"):
            models.FilePathField(allow_files=False)
    finally:
        models.registry.unregister(Document)

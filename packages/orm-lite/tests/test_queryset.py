"""QuerySet behaviour on every backend: laziness and caching, writes, bulk operations,
relation loading, the lookup registry and the errors a user can act on."""

from __future__ import annotations

import decimal
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa

from manouche import orm_lite as models
from tests.conf_models import Author, Book, Everything, Profile, Tag


@contextmanager
def count_queries(backend_db: Any) -> Iterator[list[str]]:
    seen: list[str] = []

    def listen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            seen.append(statement)

    sa.event.listen(backend_db.engine, "before_cursor_execute", listen)
    try:
        yield seen
    finally:
        sa.event.remove(backend_db.engine, "before_cursor_execute", listen)


@pytest.fixture
def library(backend_db: Any) -> dict[str, Any]:
    ann = Author.objects.create(name="Ann", age=30)
    bob = Author.objects.create(name="Bob", age=40)
    sf, crime = Tag.objects.create(name="sf"), Tag.objects.create(name="crime")
    books = []
    for i in range(10):
        b = Book.objects.create(title=f"B{i}", author=ann if i < 6 else bob, pages=100 + i * 10)
        books.append(b)
        b.tags.add(sf if i % 2 else crime)
    Profile.objects.create(author=ann, bio="hi")
    return {"ann": ann, "bob": bob, "sf": sf, "crime": crime, "books": books}


def test_lazy_and_cached(backend_db: Any, library: Any) -> None:
    with count_queries(backend_db) as q:
        qs = Book.objects.filter(pages__gt=120).order_by("pk")
        assert q == []
        assert len(qs) == 7
        list(qs)
        assert qs[0].title == "B3"
        assert len(q) == 1
        assert qs.count() == 7 and bool(qs)
        assert len(q) == 1


def test_slicing_and_iterator_chunks(backend_db: Any, library: Any) -> None:
    qs = Book.objects.order_by("pages")
    assert [b.title for b in qs[2:4]] == ["B2", "B3"]
    assert qs[9].title == "B9"
    with pytest.raises(IndexError):
        qs[10]  # noqa: B018
    with pytest.raises(ValueError, match="Negative indexing"):
        qs[-1]  # noqa: B018
    with count_queries(backend_db) as q:
        titles = [b.title for b in qs.iterator(chunk_size=3)]
    assert titles == [f"B{i}" for i in range(10)]
    assert len(q) == 1
    with pytest.raises(ValueError):
        list(qs.iterator(chunk_size=0))


def test_get_or_create_and_update_or_create(backend_db: Any, library: Any) -> None:
    tag, created = Tag.objects.get_or_create(name="sf")
    assert not created and tag == library["sf"]
    tag, created = Tag.objects.get_or_create(name="new")
    assert created and tag.pk is not None
    a, created = Author.objects.update_or_create(name="Ann", defaults={"age": 31})
    assert not created and a.age == 31 and Author.objects.get(name="Ann").age == 31
    c, created = Author.objects.update_or_create(name="Cid", defaults={"age": 50})
    assert created and c.age == 50


def test_update_with_f_and_across_relations(backend_db: Any, library: Any) -> None:
    n = Book.objects.filter(author__name="Bob").update(pages=models.F("pages") + 1000)
    assert n == 4
    assert sorted(Book.objects.filter(pages__gt=1000).values_list("title", flat=True)) == [
        "B6",
        "B7",
        "B8",
        "B9",
    ]
    Book.objects.filter(pk=library["books"][0].pk).update(price=models.F("price") * 2)
    assert Book.objects.get(pk=library["books"][0].pk).price == decimal.Decimal("20.00")


def test_delete_returns_counts_and_cascades(backend_db: Any, library: Any) -> None:
    count, per_model = Author.objects.filter(name="Bob").delete()
    assert per_model == {"conf.Author": 1, "conf.Book": 4, "conf.Book_tags": 4}
    assert count == 9
    assert Book.objects.count() == 6


def test_bulk_create_and_bulk_update(backend_db: Any, library: Any) -> None:
    objs = Tag.objects.bulk_create([Tag(name=f"bulk{i}") for i in range(25)], batch_size=10)
    # the primary keys come back in order (RETURNING on every backend here)
    assert {o.pk: o.name for o in objs} == dict(
        Tag.objects.filter(name__startswith="bulk").values_list("pk", "name")
    )
    assert Tag.objects.filter(name__startswith="bulk").count() == 25
    books = list(Book.objects.order_by("pk"))
    for b in books:
        b.pages += 1
        b.title = b.title.lower()
    assert Book.objects.bulk_update(books, ["pages", "title"], batch_size=4) == 10
    assert sorted(Book.objects.values_list("title", flat=True)) == sorted(
        f"b{i}" for i in range(10)
    )


def test_in_bulk(backend_db: Any, library: Any) -> None:
    books = library["books"]
    found = Book.objects.in_bulk([books[0].pk, books[1].pk, 10**6])
    assert set(found) == {books[0].pk, books[1].pk}
    assert Tag.objects.in_bulk(["sf"], field_name="name")["sf"] == library["sf"]
    with pytest.raises(ValueError, match="unique"):
        Book.objects.in_bulk([1], field_name="pages")


def test_select_related_is_one_query(backend_db: Any, library: Any) -> None:
    with count_queries(backend_db) as q:
        rows = [(b.title, b.author.name) for b in Book.objects.select_related("author")]
    assert len(q) == 1 and len(rows) == 10
    with count_queries(backend_db) as q:
        names = [p.author.name for p in Profile.objects.select_related("author")]
    assert names == ["Ann"] and len(q) == 1


def test_prefetch_related_and_prefetch(backend_db: Any, library: Any) -> None:
    with count_queries(backend_db) as q:
        authors = list(Author.objects.prefetch_related("books__tags").order_by("name"))
        counts = [
            (a.name, len(a.books.all()), sum(len(b.tags.all()) for b in a.books.all()))
            for a in authors
        ]
    assert counts == [("Ann", 6, 6), ("Bob", 4, 4)]
    assert len(q) == 3  # as Django: authors, their books, the books' tags (through joined)
    with count_queries(backend_db) as q:
        books = list(Book.objects.prefetch_related("tags").order_by("pk"))
        tags = [sorted(t.name for t in b.tags.all()) for b in books]
    assert len(q) == 2
    assert tags == [sorted(t.name for t in b.tags.all()) for b in Book.objects.order_by("pk")]
    with count_queries(backend_db) as q:  # the reverse side, from the tags
        back = {t.name: len(t.books.all()) for t in Tag.objects.prefetch_related("books")}
    assert len(q) == 2
    assert back == {t.name: t.books.count() for t in Tag.objects.all()}
    big = models.Prefetch("books", queryset=Book.objects.filter(pages__gte=150), to_attr="big")
    authors = list(Author.objects.prefetch_related(big).order_by("name"))
    assert [len(a.big) for a in authors] == [1, 4]


def test_only_and_defer_load_on_access(backend_db: Any, library: Any) -> None:
    a = Author.objects.only("name").get(name="Ann")
    assert "age" not in a.__dict__
    with count_queries(backend_db) as q:
        assert a.age == 30
    assert len(q) == 1
    b = Book.objects.defer("pages").get(title="B1")
    assert "pages" not in b.__dict__ and b.pages == 110


def test_related_managers(backend_db: Any, library: Any) -> None:
    ann, sf = library["ann"], library["sf"]
    assert ann.books.count() == 6
    new = ann.books.create(title="Fresh")
    assert new.author == ann
    b = library["books"][0]
    b.tags.add(sf)
    assert set(b.tags.values_list("name", flat=True)) == {"sf", "crime"}
    b.tags.remove(library["crime"])
    assert list(b.tags.all()) == [sf]
    b.tags.set([library["crime"]])
    assert list(b.tags.all()) == [library["crime"]]
    b.tags.clear()
    assert b.tags.count() == 0
    assert sf.books.count() == 5


class NotEqual(models.Lookup):
    lookup_name = "ne"

    def as_sqlalchemy(self, lhs: Any, rhs: Any) -> Any:
        return lhs != rhs


def test_lookup_registry(backend_db: Any, library: Any) -> None:
    with pytest.raises(models.FieldError):
        Book.objects.filter(pages__ne=100)
    models.Field.register_lookup(NotEqual)
    try:
        assert Book.objects.filter(pages__ne=100).count() == 9
    finally:
        models.Field.unregister_lookup(NotEqual)


def test_errors_name_the_problem(backend_db: Any) -> None:
    with pytest.raises(models.FieldError, match=r"'nope'.*Choices are:.*title"):
        Book.objects.filter(nope=1)
    with pytest.raises(
        models.FieldError, match=r"Unsupported lookup 'nope' for IntegerField or join"
    ):
        Book.objects.filter(pages__nope=1)
    # A near miss is named, as Django names it.
    with pytest.raises(models.FieldError, match=r"'starts'.*perhaps you meant startswith"):
        Book.objects.filter(title__starts="x")
    # Past a relation, a name that is no field is an unsupported lookup of the relation.
    with pytest.raises(models.FieldError, match=r"'nope__name' for ForeignKey"):
        Book.objects.filter(author__nope__name="x")
    # The choices list the attnames and leave hidden relations out, as Django's.
    with pytest.raises(models.FieldError, match=r"Choices are: .*author, author_id,"):
        Book.objects.filter(nope=1)
    # values() past a plain field: Django's "Join on ... not permitted".
    with pytest.raises(models.FieldError, match=r"'x' into field. Join on 'title' not permitted"):
        Book.objects.values_list("title__x")
    with pytest.raises((ValueError, TypeError), match=r"pages.*'many'|'many'.*pages"):
        Book.objects.filter(pages="many")
    with pytest.raises(ValueError, match="Negative"):
        Book.objects.all()[-2:]
    with pytest.raises(TypeError, match="slice"):
        Book.objects.all()[:2].filter(pages=1)


def test_every_lookup_runs(backend_db: Any) -> None:
    import datetime

    Everything.objects.create(
        char="Hello World",
        day=datetime.date(2024, 5, 17),
        moment=datetime.datetime(2024, 5, 17, 13, 45),
    )
    checks = {
        "char__exact": "Hello World",
        "char__iexact": "hello world",
        "char__contains": "lo Wo",
        "char__icontains": "LO WO",
        "char__startswith": "Hell",
        "char__istartswith": "hELL",
        "char__endswith": "World",
        "char__iendswith": "WORLD",
        "char__regex": r"^H.*d$",
        "char__iregex": r"^h.*D$",
        "char__in": ["x", "Hello World"],
        "integer__gt": 6,
        "integer__gte": 7,
        "integer__lt": 8,
        "integer__lte": 7,
        "integer__range": (1, 9),
        "big__isnull": True,
        "day__year": 2024,
        "day__month": 5,
        "day__day": 17,
        "day__week_day": 6,
        "day__quarter": 2,
        "moment__hour": 13,
        "moment__minute": 45,
        "moment__date": datetime.date(2024, 5, 17),
    }
    for lookup, value in checks.items():
        assert Everything.objects.filter(**{lookup: value}).count() == 1, lookup
    # As Django: SQLite's LIKE ignores ASCII case, so there contains acts like icontains.
    expected = 1 if backend_db.vendor == "sqlite" else 0
    assert Everything.objects.filter(char__contains="hello").count() == expected
    assert Everything.objects.filter(char__regex=r"^h").count() == 0


def test_chains_of_one_shape_share_a_plan_and_bind_new_values(
    backend_db: Any, library: Any
) -> None:
    def chain(pages: int, name: str) -> list[str]:
        qs = Book.objects.filter(pages__gte=pages, author__name=name).order_by("-pages")[:3]
        return [b.title for b in qs]

    expected = {
        (p, n): sorted(
            (b for b in Book.objects.all() if b.pages >= p and b.author.name == n),
            key=lambda b: -b.pages,
        )[:3]
        for p in (100, 130, 160, 10_000)
        for n in ("Ann", "Bob")
    }
    for (p, n), books in expected.items():
        assert chain(p, n) == [b.title for b in books], (p, n)
    plans = [k for k in backend_db._plans if k[0] == "chain"]
    assert len(plans) >= 1
    # a shape seen before still fails early on a bad value
    with pytest.raises((ValueError, TypeError)):
        list(Book.objects.filter(pages__gte="lots", author__name="Ann").order_by("-pages")[:3])
    with count_queries(backend_db) as q:
        assert chain(150, "Bob") == [b.title for b in expected[(160, "Bob")]]
    assert len(q) == 1


def test_save_computes_an_assigned_expression(backend_db: Any, library: Any) -> None:
    book = library["books"][0]
    book.pages = models.F("pages") + 5
    book.title = models.Lower(models.Value("SHOUT"))
    book.save()
    book.refresh_from_db()
    assert (book.pages, book.title) == (105, "shout")
    tag = Tag(name=models.Upper(models.Value("new")))
    tag.save()
    assert Tag.objects.get(pk=tag.pk).name == "NEW"
    with pytest.raises(ValueError, match="F\\(\\) expressions can only be used to update"):
        Tag.objects.create(name=models.F("name"))


def test_queryset_operators_merge_the_conditions(backend_db: Any, library: Any) -> None:
    young = Author.objects.filter(age__lt=35)
    bob = Author.objects.filter(name="Bob")
    assert sorted(a.name for a in young | bob) == ["Ann", "Bob"]
    assert list(young & bob) == []
    assert sorted(a.name for a in (young | bob) ^ bob) == ["Ann"]
    long_ = Book.objects.filter(pages__gte=150)
    by_ann = Book.objects.filter(author__name="Ann")
    assert sorted(b.title for b in long_ & by_ann) == ["B5"]
    assert (long_ | by_ann).count() == 10
    assert sorted(b.title for b in long_ ^ by_ann) == [f"B{i}" for i in range(10) if i != 5]
    assert list((young | bob).values_list("name", flat=True).order_by("name")) == ["Ann", "Bob"]
    assert list(young | Author.objects.none()) == list(young)
    with pytest.raises(TypeError, match="different base models"):
        young | Book.objects.all()
    with pytest.raises(TypeError, match="unique query with a non-unique"):
        young | bob.distinct()
    with pytest.raises(TypeError, match="once a slice has been taken"):
        young.all()[:1] & bob
    if backend_db.vendor not in (
        "mysql",
        "mariadb",
    ):  # (no LIMIT in an IN subquery there, as Django)
        assert [a.name for a in young.all()[:1] | bob.order_by("name")] == ["Ann", "Bob"]
    with pytest.raises(TypeError, match="combined queryset"):
        young.union(bob) | bob


def test_exists_combines_with_q_in_one_filter(backend_db: Any, library: Any) -> None:
    long_books = models.Exists(Book.objects.filter(author=models.OuterRef("pk"), pages__gte=170))
    assert [a.name for a in Author.objects.filter(long_books & models.Q(age__gt=35))] == ["Bob"]
    assert sorted(a.name for a in Author.objects.filter(models.Q(name="Ann") | long_books)) == [
        "Ann",
        "Bob",
    ]
    assert [a.name for a in Author.objects.filter(~long_books & models.Q(age__lt=35))] == ["Ann"]


def test_raw_sql_and_extra_bind_their_parameters(backend_db: Any, library: Any) -> None:
    n_long = models.RawSQL(
        "SELECT COUNT(*) FROM conf_book WHERE conf_book.author_id = conf_author.id "
        "AND conf_book.pages > %s",
        (150,),
    )
    rows = Author.objects.annotate(n=n_long).order_by("name").values_list("name", "n")
    assert list(rows) == [("Ann", 0), ("Bob", 4)]
    qs = Author.objects.extra(
        select={"older": "age + %s", "text": "'50%% off: %%s'"},
        select_params=(5,),
        where=["age > %s", "name <> %s"],
        params=(20, "Nobody'; DROP TABLE conf_author; --"),
        order_by=["-conf_author.age"],
    )
    assert [(a.name, a.older, a.text) for a in qs] == [
        ("Bob", 45, "50% off: %s"),
        ("Ann", 35, "50% off: %s"),
    ]
    assert list(qs.values_list("name", "older")) == [("Bob", 45), ("Ann", 35)]
    assert Author.objects.extra(select={"one": "1"}).count() == 2
    with pytest.raises(models.NotSupportedError, match="extra\\(tables=...\\)"):
        Author.objects.extra(tables=["conf_book"])
    with pytest.raises(TypeError, match="slice"):
        Author.objects.all()[:1].extra(select={"one": "1"})
    with pytest.raises(TypeError, match="more %s than its 0 params"):
        list(Author.objects.annotate(x=models.RawSQL("age + %s")))


def test_iterator_refuses_a_bad_chunk_size_at_the_call(backend_db: Any) -> None:
    with pytest.raises(ValueError, match="Chunk size must be strictly positive."):
        Author.objects.iterator(chunk_size=0)


def test_empty_slice_runs_no_query(db: Any) -> None:
    a = Author.objects.create(name="A")
    Book.objects.create(title="x", author=a)
    with count_queries(db) as q:
        assert list(Book.objects.all()[1:1]) == []
        assert list(Book.objects.values()[3:3]) == []
        assert list(Book.objects.all()[:5][2:2]) == []
        assert Book.objects.all()[:0].count() == 0
        assert q == []
    assert list(Book.objects.all()[0:1]) != []


def test_django_errors_for_misused_chains(db: Any) -> None:
    with pytest.raises(TypeError, match="Cannot change a query once a slice has been taken"):
        Book.objects.all()[:1].latest("pages")
    with pytest.raises(TypeError, match=r"Cannot call only\(\) after .values\(\)"):
        Book.objects.values().only("title")
    with pytest.raises(TypeError, match=r"Cannot call defer\(\) after .values\(\)"):
        Book.objects.values().defer("title")
    with pytest.raises(models.FieldError, match="Cannot parse keyword query as dict"):
        Book.objects.filter({"title": "x"})  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="The following kwargs are invalid: '_connector'"):
        Book.objects.filter(_connector="evil")
    with pytest.raises(TypeError, match="'title' isn't a DateField, TimeField, or DateTimeField"):
        Book.objects.datetimes("title", "month")


def test_explain(db: Any) -> None:
    a = Author.objects.create(name="A")
    Book.objects.create(title="it's", author=a)
    plan = Book.objects.filter(title="it's", pages__gt=1).explain()
    assert isinstance(plan, str) and plan
    with pytest.raises(ValueError, match="Invalid option name: 'SUMMARY true\\) SELECT 1; --'"):
        Book.objects.explain(**{"SUMMARY true) SELECT 1; --": True})
    with pytest.raises(ValueError, match="Unknown options: TEST, nope"):
        Book.objects.all().explain(nope=True, TEST=1)
    with pytest.raises(ValueError, match="DOES NOT EXIST is not a recognized format."):
        Book.objects.explain(format="does not exist")
    if db.engine.dialect.name == "postgresql":
        assert Book.objects.explain(format="json", analyze=True).lstrip().startswith("[")


def test_contains(db: Any) -> None:
    a = Author.objects.create(name="A")
    b = Book.objects.create(title="x", author=a)
    assert Book.objects.contains(b) is True
    assert Book.objects.exclude(pk=b.pk).contains(b) is False
    # Another model's instance is simply not contained (no query, no error).
    assert Book.objects.contains(a) is False
    with pytest.raises(TypeError, match="'obj' must be a model instance."):
        Book.objects.contains(object())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"Cannot call QuerySet.contains\(\) after .values"):
        Book.objects.values("pk").contains(b)
    with pytest.raises(ValueError, match="unsaved"):
        Book.objects.contains(Book(title="y", author=a))


def test_named_rows_pickle_and_refuse_bad_names(db: Any) -> None:
    import pickle

    a = Author.objects.create(name="A")
    b = Book.objects.create(title="pickled row", author=a, pages=7)
    row = Book.objects.filter(pk=b.pk).values_list("title", "pages", named=True).get()
    back = pickle.loads(pickle.dumps(row))
    assert back == row and back.title == "pickled row" and back.pages == 7
    with pytest.raises(ValueError, match="Type names and field names must be valid identifiers"):
        Book.objects.annotate(**{"1": models.F("pages")}).values_list("1", named=True).first()

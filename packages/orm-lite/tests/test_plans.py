"""Every QuerySet shape is compiled once: run with new values again and again, it adds
nothing to SQLAlchemy's compiled cache nor to the database's plans, and its SQL is the
same text every time (bind names are a function of the shape, not of time)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa

from manouche import orm_lite as models
from manouche.orm_lite._plans import PlanCache
from tests.conf_models import Author, Book, Tag
from tests.test_queryset import library  # noqa: F401 - the fixture

#: How many times each shape runs (the servers answer slower than SQLite's file).
RUNS = {"sqlite": 1000, "postgresql": 200, "mysql": 200, "mariadb": 200}


def _shapes(loop: asyncio.AbstractEventLoop) -> dict[str, Callable[[int], Any]]:
    """Each shape of issue 24 as a function of a value that changes from run to run
    (the async one on ``loop``: an application runs one event loop, not one per call)."""
    Count, Sum, Q, F = models.Count, models.Sum, models.Q, models.F  # noqa: N806
    books, authors = Book.objects, Author.objects

    async def first_async(n: int) -> list[Any]:
        return [b async for b in books.filter(pages__gt=n % 200).order_by("id")[:3]]

    return {
        "filter": lambda n: list(books.filter(pages__gt=n % 200).order_by("id")[:5]),
        "exclude": lambda n: list(books.exclude(pages__lt=n % 200).order_by("-id")[:5]),
        "startswith across a join": lambda n: list(
            books.filter(author__name__startswith=f"A{n % 3}").order_by("id")
        ),
        "icontains": lambda n: list(books.filter(title__icontains=f"b{n % 10}")),
        "Q or": lambda n: list(books.filter(Q(pages__gt=n % 200) | Q(title=f"B{n % 10}"))),
        "F": lambda n: list(books.filter(pages__gt=F("author__age") + n % 100)),
        "select_related": lambda n: [
            b.author.name
            for b in books.select_related("author").filter(id__gt=n % 5).order_by("id")[:3]
        ],
        "prefetch_related": lambda n: [
            len(a.books.all())
            for a in authors.prefetch_related("books").filter(age__gt=n % 20).order_by("id")
        ],
        "values": lambda n: list(books.filter(pages__gt=n % 200).values("id", "title")),
        "values_list": lambda n: list(books.filter(pages__gt=n % 200).values_list("id", "title")),
        "values_list flat": lambda n: list(
            books.filter(pages__gt=n % 200).values_list("id", flat=True)
        ),
        "values_list named": lambda n: list(
            books.filter(pages__gt=n % 200).values_list("id", "title", named=True)
        ),
        "only": lambda n: list(books.only("title").filter(pages__gt=n % 200)),
        "defer": lambda n: list(books.defer("title").filter(pages__gt=n % 200)),
        "annotate": lambda n: list(authors.annotate(c=Count("books")).filter(c__gt=n % 5)),
        "alias": lambda n: list(authors.alias(c=Count("books")).filter(c__gt=n % 5)),
        "aggregate": lambda n: books.filter(pages__gt=n % 200).aggregate(s=Sum("pages")),
        "distinct": lambda n: list(books.filter(pages__gt=n % 200).values("author").distinct()),
        "order_by and slices": lambda n: list(books.order_by("-pages")[n % 3 : n % 3 + 2]),
        "exists": lambda n: books.filter(pages__gt=n % 200).exists(),
        "count": lambda n: books.filter(pages__gt=n % 200).count(),
        "in_bulk": lambda n: books.in_bulk([n % 10 + 1, n % 10 + 2]),
        "get": lambda n: books.filter(title=f"B{n % 10}").get(),
        "update": lambda n: books.filter(title=f"B{n % 10}").update(pages=100 + n % 10 * 10),
        "delete": lambda n: books.filter(pages=-n).delete(),
        "in a QuerySet": lambda n: list(
            authors.filter(id__in=books.filter(pages__gt=n % 200).values("author_id"))
        ),
        "Subquery": lambda n: list(
            authors.annotate(
                top=models.Subquery(
                    books.filter(author=models.OuterRef("pk"), pages__gt=n % 200)
                    .order_by("-pages")
                    .values("pages")[:1]
                )
            )
        ),
        "Exists": lambda n: list(
            authors.filter(
                models.Exists(books.filter(author=models.OuterRef("pk"), pages__gt=n % 200))
            )
        ),
        "union": lambda n: list(
            books.filter(pages__gt=n % 200).union(books.filter(title=f"B{n % 10}"))
        ),
        "many-to-many": lambda n: list(Tag.objects.filter(books__pages__gt=n % 200).distinct()),
        "async": lambda n: loop.run_until_complete(first_async(n)),
    }


@pytest.fixture
def loop(backend_db: Any) -> Any:
    loop = asyncio.new_event_loop()
    yield loop
    loop.run_until_complete(backend_db.adispose())  # (the loop's connections back before it closes)
    loop.close()


def test_every_shape_compiles_once(backend_db: Any, library: Any, loop: Any) -> None:  # noqa: F811
    shapes = _shapes(loop)
    runs = RUNS.get(backend_db.vendor, 200)
    seen: list[str] = []

    def listen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    compiled = backend_db.engine._compiled_cache
    statements: dict[str, set[str]] = {}
    sa.event.listen(backend_db.engine, "before_cursor_execute", listen)
    try:
        # Warm up: each shape once with a few values (a first run compiles).
        for name, run in shapes.items():
            del seen[:]
            for n in range(3):
                run(n)
            statements[name] = set(seen)
        after_warm_up = (len(compiled), len(backend_db._plans))
        for n in range(3, runs):
            for name, run in shapes.items():
                del seen[:]
                run(n)
                assert set(seen) <= statements[name], (name, n, set(seen) - statements[name])
        assert (len(compiled), len(backend_db._plans)) == after_warm_up
    finally:
        sa.event.remove(backend_db.engine, "before_cursor_execute", listen)


def test_without_a_query_watcher_the_plans_are_reused(
    backend_db: Any,
    library: Any,  # noqa: F811
    loop: Any,
) -> None:
    # (a watcher sends the plans through SQLAlchemy; without one they run on the cursor)
    shapes = _shapes(loop)
    for run in shapes.values():
        for n in range(3):  # (a slice's bounds are part of its shape: n % 3 makes three)
            run(n)
    sizes = (len(backend_db.engine._compiled_cache), len(backend_db._plans))
    for n in range(3, 50):
        for run in shapes.values():
            run(n)
    assert (len(backend_db.engine._compiled_cache), len(backend_db._plans)) == sizes


def test_nested_querysets_keep_their_own_values(backend_db: Any, library: Any) -> None:  # noqa: F811
    # Both chains bind their first value as "v0": SQLAlchemy names each apart.
    inner = Book.objects.filter(pages__gte=160).values("author_id")
    outer = Author.objects.filter(age__gte=0, id__in=inner).order_by("id")
    assert [a.name for a in outer] == ["Bob"]
    inner = Book.objects.filter(pages__gte=100).values("author_id")
    outer = Author.objects.filter(age__gte=35, id__in=inner).order_by("id")
    assert [a.name for a in outer] == ["Bob"]


def test_select_related_and_values_chains_use_a_plan(backend_db: Any, library: Any) -> None:  # noqa: F811
    for n in range(3):
        rows = list(Book.objects.select_related("author").filter(pages__gt=120 + n).order_by("id"))
        assert [b.author.name for b in rows] == ["Ann"] * 3 + ["Bob"] * 4
        assert all("_author_cache" in b.__dict__ for b in rows)
        assert list(
            Book.objects.filter(pages__gt=170 + n).order_by("id").values_list("title", flat=True)
        ) == ["B8", "B9"]
    keys = [k for k in backend_db._plans if k[0] == "chain"]
    assert any(("select_related", ("author",)) in k[2] for k in keys)
    assert any(("values", ("title",)) in k[2] for k in keys)


def test_plan_cache_drops_the_least_recently_used() -> None:
    cache = PlanCache(maxsize=3)
    for key in "abc":
        cache.put(key, key.upper())
    assert cache.get("a") == "A"  # a is now the most recently used
    cache.put("d", "D")
    assert list(cache) == ["c", "a", "d"]
    assert cache.get("b") is None
    assert len(cache) == 3 and "d" in cache
    cache.discard("d")
    assert list(cache) == ["c", "a"]
    cache.clear()
    assert len(cache) == 0


@pytest.mark.parametrize("lookup", ["startswith", "istartswith", "contains", "iendswith"])
def test_pattern_lookups_escape_their_value_on_the_plan(
    backend_db: Any,
    library: Any,  # noqa: F811
    lookup: str,
) -> None:
    Book.objects.create(title="50%_off", author=library["ann"])
    Book.objects.create(title="50 off", author=library["ann"])
    for _ in range(3):  # the first run compiles, the next ones bind
        found = [b.title for b in Book.objects.filter(**{f"title__{lookup}": "50%_"})]
        expected = {"startswith": ["50%_off"], "istartswith": ["50%_off"]}.get(lookup)
        if lookup == "contains":
            expected = ["50%_off"]
        if lookup == "iendswith":
            expected = []
        assert found == expected, (lookup, found)
        found = [
            b.title
            for b in Book.objects.filter(
                **{f"author__name__{lookup}": "An" if "ends" not in lookup else "nn"}
            )
            .filter(title__startswith="50")
            .order_by("title")
        ]
        assert found == ["50 off", "50%_off"]


def test_count_and_exists_of_a_chain_use_a_plan(backend_db: Any, library: Any) -> None:  # noqa: F811
    for n in range(3):
        assert Book.objects.filter(pages__gte=150 + 10 * n).count() == 5 - n
        assert Book.objects.filter(author__name="Ann", pages__gte=150 + 10 * n).exists() is (n == 0)
        # a slice or an aggregate counts the rows of the query as a subquery, as before
        assert Book.objects.filter(pages__gte=150 + 10 * n).order_by("id")[:2].count() == 2
    whats = {k[-1] for k in backend_db._plans if k[0] == "chain"}
    assert {"count", "exists"} <= whats


def test_subquery_as_the_values_of_in(backend_db: Any, library: Any) -> None:  # noqa: F811
    inner = models.Subquery(Book.objects.filter(pages__gte=160).values("author_id"))
    assert [a.name for a in Author.objects.filter(id__in=inner)] == ["Bob"]

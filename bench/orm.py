"""ORM workloads: orm-lite against Django's ORM, SQLAlchemy's ORM and raw sqlite3.

One SQLite file holds 1,000 authors and 20,000 books. Django creates the tables
and loads the rows; orm-lite, SQLAlchemy's ORM (declarative classes mapped on
the same tables) and raw sqlite3 read that same file, so every contender sees
the same data through the same engine. Contenders:

- Manouche orm-lite (``Book.objects...``);
- Django's ORM (the same model code);
- SQLAlchemy's ORM (``Session.scalars(select(Book))``, a new session per call
  so that no identity map answers from memory);
- SQLAlchemy Core rows (``conn.execute(select(table))``), where it applies;
- raw sqlite3 tuples: the floor (no objects, no SQL building).

Workloads, as issue 9 lists them:

1. load all 20,000 books as instances;
2. 200 queries filtered and ordered across a foreign key;
3. 5,000 gets by primary key;
4. bulk insert of 10,000 rows;
5. an annotate-Count aggregate (books per author, authors with more than 20);
6. one workload per QuerySet shape of issue 24 (filter, select_related, values_list,
   prefetch_related, Subquery, union, update...), against Django only: 200 calls,
   each with another value, so that a shape compiled per call shows.

Every contender is checked once up front: the same rows, in number and content.
"""

from __future__ import annotations

import datetime as dt
import decimal
import random
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench._django import django_app
from bench._runner import Workload

AUTHORS = 1_000
BOOKS = 20_000
GETS = 5_000
QUERIES = 200
INSERTS = 10_000
APP = "benchorm"
ALIAS = "benchorm"

_tmp = Path(tempfile.mkdtemp(prefix="bench-orm-"))
DB_FILE = _tmp / "orm.sqlite3"


def _define(models: Any, app: str = APP) -> tuple[Any, Any, Any]:
    """The three models, written once for Django's ``models`` and orm-lite's."""

    class Author(models.Model):
        name = models.CharField(max_length=50)
        email = models.EmailField()
        age = models.IntegerField()

        class Meta:
            app_label = app

    class Book(models.Model):
        title = models.CharField(max_length=100)
        author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="books")
        pages = models.IntegerField()
        price = models.DecimalField(max_digits=8, decimal_places=2)
        published = models.DateField()
        in_print = models.BooleanField(default=True)

        class Meta:
            app_label = app

    class Row(models.Model):
        label = models.CharField(max_length=50)
        amount = models.IntegerField()
        ratio = models.FloatField()

        class Meta:
            app_label = app

    return Author, Book, Row


# -- Django ---------------------------------------------------------------------------------------


def _django_library(app: str, alias: str, db_file: Path, module: str, seed: int) -> tuple[Any, ...]:
    """Django's models of ``app`` with their tables in ``db_file``, filled with the library."""
    from django.db import connections

    author, book, row = _define(django_app(app, alias, db_file, module), app)
    with connections[alias].schema_editor() as editor:
        for m in (author, book, row):
            editor.create_model(m)
    rnd = random.Random(seed)
    author.objects.using(alias).bulk_create(
        [
            author(id=i, name=f"author {i}", email=f"a{i}@example.org", age=20 + i % 60)
            for i in range(1, AUTHORS + 1)
        ]
    )
    book.objects.using(alias).bulk_create(
        [
            book(
                id=i,
                title=f"book {i}",
                author_id=1 + rnd.randrange(AUTHORS),
                pages=rnd.randrange(40, 1200),
                price=decimal.Decimal(rnd.randrange(100, 9999)) / 100,
                published=dt.date(1990, 1, 1) + dt.timedelta(days=rnd.randrange(12000)),
                in_print=bool(i % 5),
            )
            for i in range(1, BOOKS + 1)
        ],
        batch_size=1000,
    )
    return author, book, row


def _django() -> tuple[Any, ...]:
    return _django_library(APP, ALIAS, DB_FILE, __name__, seed=9)


# -- SQLAlchemy ORM -------------------------------------------------------------------------------


def _sqlalchemy_models(app: str) -> tuple[Any, Any, Any]:
    """The same three tables as SQLAlchemy declarative models."""
    from sqlalchemy.orm import DeclarativeBase, mapped_column, relationship

    class Base(DeclarativeBase):
        pass

    class Author(Base):
        __tablename__ = f"{app}_author"
        id = mapped_column(sa.Integer, primary_key=True)
        name = mapped_column(sa.String(50))
        email = mapped_column(sa.String(254))
        age = mapped_column(sa.Integer)
        books = relationship("Book", back_populates="author")

    class Book(Base):
        __tablename__ = f"{app}_book"
        id = mapped_column(sa.Integer, primary_key=True)
        title = mapped_column(sa.String(100))
        author_id = mapped_column(sa.ForeignKey(f"{app}_author.id"))
        pages = mapped_column(sa.Integer)
        price = mapped_column(sa.Numeric(8, 2))
        published = mapped_column(sa.Date)
        in_print = mapped_column(sa.Boolean)
        author = relationship(Author, back_populates="books")

    class Row(Base):
        __tablename__ = f"{app}_row"
        id = mapped_column(sa.Integer, primary_key=True)
        label = mapped_column(sa.String(50))
        amount = mapped_column(sa.Integer)
        ratio = mapped_column(sa.Float)

    return Author, Book, Row


def _sqlalchemy() -> tuple[Any, Any, Any, Any]:
    from sqlalchemy.orm import Session

    engine = sa.create_engine(f"sqlite:///{DB_FILE}")
    return (*_sqlalchemy_models(APP), lambda: Session(engine))


def _check(label: str, fn: Callable[[], Any], expect: Callable[[Any], bool]) -> Callable[[], Any]:
    result = fn()
    if not expect(result):
        raise AssertionError(f"{label}: unexpected result {str(result)[:200]}")
    return fn


def workloads() -> list[Workload]:
    from django.db import connections
    from django.db.models import Count as DjCount

    from manouche import orm_lite

    d_author, d_book, d_row = _django()
    db = orm_lite.Database(f"sqlite:///{DB_FILE}", default=False)
    o_author, o_book, o_row = _define(orm_lite)
    s_author, s_book, s_row, session = _sqlalchemy()
    raw = sqlite3.connect(DB_FILE)
    core_engine = sa.create_engine(f"sqlite:///{DB_FILE}")
    core_conn = core_engine.connect()
    o_books = o_book.objects.using(db)
    o_authors = o_author.objects.using(db)
    d_books = d_book.objects.using(ALIAS)
    d_authors = d_author.objects.using(ALIAS)
    book_cols = "id, title, author_id, pages, price, published, in_print"

    # 1. load every book as an instance
    def s_load() -> list[Any]:
        with session() as s:
            return list(s.scalars(sa.select(s_book)))

    is_all = lambda rows: len(rows) == BOOKS  # noqa: E731
    load = Workload(
        name=f"load all {BOOKS:,} books as instances (rows/s)",
        ops=BOOKS,
        contenders={
            "Manouche orm-lite": _check("orm-lite", lambda: list(o_books.all()), is_all),
            "Django ORM": _check("Django", lambda: list(d_books.all()), is_all),
            "SQLAlchemy ORM": _check("SQLAlchemy ORM", s_load, is_all),
            "SQLAlchemy Core rows": _check(
                "Core",
                lambda: core_conn.execute(sa.select(o_book.__table__)).all(),
                is_all,
            ),
            "raw sqlite3 tuples": _check(
                "sqlite3",
                lambda: raw.execute(f"SELECT {book_cols} FROM {APP}_book").fetchall(),
                is_all,
            ),
        },
        goals={"Django ORM": 2.5, "raw sqlite3 tuples": 1 / 3},
    )
    first = list(o_books.order_by("pk")[:3])
    same = list(d_books.order_by("pk")[:3])
    assert [(b.pk, b.title, b.author_id, b.price, b.published, b.in_print) for b in first] == [
        (b.pk, b.title, b.author_id, b.price, b.published, b.in_print) for b in same
    ], "orm-lite and Django read different rows"

    # 2. 200 filtered, ordered queries across the foreign key
    ages = [20 + i % 60 for i in range(QUERIES)]

    def o_filtered() -> int:
        n = 0
        for age in ages:
            n += len(
                list(o_books.filter(author__age=age, pages__gt=600).order_by("-pages", "id")[:20])
            )
        return n

    def d_filtered() -> int:
        n = 0
        for age in ages:
            n += len(
                list(d_books.filter(author__age=age, pages__gt=600).order_by("-pages", "id")[:20])
            )
        return n

    def s_filtered() -> int:
        n = 0
        with session() as s:
            for age in ages:
                stmt = (
                    sa.select(s_book)
                    .join(s_book.author)
                    .where(s_author.age == age, s_book.pages > 600)
                    .order_by(s_book.pages.desc(), s_book.id)
                    .limit(20)
                )
                n += len(list(s.scalars(stmt)))
        return n

    sql = (
        f"SELECT b.id, b.title, b.author_id, b.pages, b.price, b.published, b.in_print "
        f"FROM {APP}_book b JOIN {APP}_author a ON a.id = b.author_id "
        "WHERE a.age = ? AND b.pages > ? ORDER BY b.pages DESC, b.id LIMIT 20"
    )

    def raw_filtered() -> int:
        return sum(len(raw.execute(sql, (age, 600)).fetchall()) for age in ages)

    expected = raw_filtered()
    same_count = lambda n: n == expected  # noqa: E731
    filtered = Workload(
        name=f"{QUERIES} filtered and ordered queries across a FK (queries/s)",
        ops=QUERIES,
        contenders={
            "Manouche orm-lite": _check("orm-lite", o_filtered, same_count),
            "Django ORM": _check("Django", d_filtered, same_count),
            "SQLAlchemy ORM": _check("SQLAlchemy ORM", s_filtered, same_count),
            "raw sqlite3 tuples": raw_filtered,
        },
        goals={"Django ORM": 2.5},
    )

    # 3. 5,000 gets by primary key
    keys = [1 + (i * 7919) % BOOKS for i in range(GETS)]

    def o_gets() -> int:
        get = o_books.get
        return sum(get(pk=k).pages for k in keys)

    def d_gets() -> int:
        get = d_books.get
        return sum(get(pk=k).pages for k in keys)

    def s_gets() -> int:
        with session() as s:
            total = 0
            for k in keys:
                total += s.get(s_book, k).pages
                s.expunge_all()  # no identity-map hits: a query per get, as the others
            return total

    get_sql = f"SELECT {book_cols} FROM {APP}_book WHERE id = ?"

    def raw_gets() -> int:
        return sum(raw.execute(get_sql, (k,)).fetchone()[3] for k in keys)

    total_pages = raw_gets()
    same_total = lambda n: n == total_pages  # noqa: E731
    gets = Workload(
        name=f"{GETS:,} gets by primary key (gets/s)",
        ops=GETS,
        contenders={
            "Manouche orm-lite": _check("orm-lite", o_gets, same_total),
            "Django ORM": _check("Django", d_gets, same_total),
            "SQLAlchemy ORM": _check("SQLAlchemy ORM", s_gets, same_total),
            "raw sqlite3 tuples": raw_gets,
        },
        goals={"Django ORM": 8.0},
    )

    # 4. bulk insert of 10,000 rows (each call starts from an empty table)
    values = [(f"row {i}", i, i / 3) for i in range(INSERTS)]

    def o_insert() -> None:
        db.execute(sa.text(f"DELETE FROM {APP}_row"))
        o_row.objects.using(db).bulk_create(
            [o_row(label=a, amount=b, ratio=c) for a, b, c in values]
        )

    def d_insert() -> None:
        with connections[ALIAS].cursor() as cur:
            cur.execute(f"DELETE FROM {APP}_row")
        d_row.objects.using(ALIAS).bulk_create(
            [d_row(label=a, amount=b, ratio=c) for a, b, c in values]
        )

    def s_insert() -> None:
        with session() as s:
            s.execute(sa.text(f"DELETE FROM {APP}_row"))
            s.add_all([s_row(label=a, amount=b, ratio=c) for a, b, c in values])
            s.commit()

    def raw_insert() -> None:
        with raw:
            raw.execute(f"DELETE FROM {APP}_row")
            raw.executemany(
                f"INSERT INTO {APP}_row (label, amount, ratio) VALUES (?, ?, ?)", values
            )

    def count_rows() -> int:
        return int(raw.execute(f"SELECT COUNT(*) FROM {APP}_row").fetchone()[0])

    for label, fn in [("orm-lite", o_insert), ("Django", d_insert), ("SQLAlchemy", s_insert)]:
        fn()
        assert count_rows() == INSERTS, f"{label}: bulk insert wrote {count_rows()} rows"
    inserts = Workload(
        name=f"bulk insert of {INSERTS:,} rows (rows/s)",
        ops=INSERTS,
        contenders={
            "Manouche orm-lite": o_insert,
            "Django ORM": d_insert,
            "SQLAlchemy ORM": s_insert,
            "raw sqlite3 tuples": raw_insert,
        },
        goals={"Django ORM": 2.5},
    )

    # 5. annotate-Count aggregate
    def o_count() -> list[Any]:
        qs = o_authors.annotate(n=orm_lite.Count("books")).filter(n__gt=20)
        return [(a.pk, a.n) for a in qs.order_by("pk")]

    def d_count() -> list[Any]:
        qs = d_authors.annotate(n=DjCount("books")).filter(n__gt=20)
        return [(a.pk, a.n) for a in qs.order_by("pk")]

    def s_count() -> list[Any]:
        with session() as s:
            n = sa.func.count(s_book.id).label("n")
            stmt = (
                sa.select(s_author, n)
                .outerjoin(s_author.books)
                .group_by(s_author.id)
                .having(n > 20)
                .order_by(s_author.id)
            )
            return [(a.id, c) for a, c in s.execute(stmt)]

    count_sql = (
        f"SELECT a.id, COUNT(b.id) FROM {APP}_author a LEFT JOIN {APP}_book b "
        "ON b.author_id = a.id GROUP BY a.id HAVING COUNT(b.id) > 20 ORDER BY a.id"
    )

    def raw_count() -> list[Any]:
        return raw.execute(count_sql).fetchall()

    wanted = [tuple(r) for r in raw_count()]
    same_rows = lambda rows: [tuple(r) for r in rows] == wanted  # noqa: E731
    aggregate = Workload(
        name="annotate(Count('books')).filter(n__gt=20) over 1,000 authors (queries/s)",
        ops=1,
        contenders={
            "Manouche orm-lite": _check("orm-lite", o_count, same_rows),
            "Django ORM": _check("Django", d_count, same_rows),
            "SQLAlchemy ORM": _check("SQLAlchemy ORM", s_count, same_rows),
            "raw sqlite3 tuples": raw_count,
        },
        goals={"Django ORM": 2.5},
    )

    def teardown() -> None:
        core_conn.close()
        core_engine.dispose()
        raw.close()
        db.dispose()

    found = [load, filtered, gets, inserts, aggregate, *_shapes(o_book, o_author, db)]
    found[-1].teardown = teardown
    return found


# -- one workload per QuerySet shape (issue 24) -------------------------------------------

SHAPE_CALLS = 200


def _shape_cases(orm: Any, books: Any, authors: Any) -> list[tuple[str, Callable[[int], Any]]]:
    """Each QuerySet shape as a function of a changing value ``n``, written once for both ORMs.

    ``orm`` is ``manouche.orm_lite`` or ``django.db.models``; the same code runs on
    each, so the same SQL shapes are asked of both.
    """
    Count, Sum, Q, F = orm.Count, orm.Sum, orm.Q, orm.F  # noqa: N806
    Exists, OuterRef, Subquery = orm.Exists, orm.OuterRef, orm.Subquery  # noqa: N806

    def rows(qs: Any) -> list[Any]:
        return list(qs)

    return [
        (
            "filter(pages__gt=n).order_by('id')[:20]",
            lambda n: rows(books.filter(pages__gt=n % 1000).order_by("id")[:20]),
        ),
        (
            "exclude(in_print=True).filter(pages__lt=n)[:20]",
            lambda n: rows(
                books.exclude(in_print=True).filter(pages__lt=100 + n % 1000).order_by("id")[:20]
            ),
        ),
        (
            "filter(author__name__startswith=...)[:20]",
            lambda n: rows(
                books.filter(author__name__startswith=f"author {1 + n % 9}").order_by("id")[:20]
            ),
        ),
        (
            "filter(Q(pages__gt=n) | Q(pages__lt=m))[:20]",
            lambda n: rows(
                books.filter(Q(pages__gt=1100 - n % 50) | Q(pages__lt=41 + n % 5)).order_by("id")[
                    :20
                ]
            ),
        ),
        (
            "filter(pages__gt=F('author__age') * n)[:20]",
            lambda n: rows(
                books.filter(pages__gt=F("author__age") * (1 + n % 20)).order_by("id")[:20]
            ),
        ),
        (
            "select_related('author').filter(id__gt=n)[:20]",
            lambda n: [
                (b.pk, b.author.name)
                for b in books.select_related("author").filter(id__gt=n * 50).order_by("id")[:20]
            ],
        ),
        (
            "prefetch_related('books') of 5 authors",
            lambda n: [
                (a.pk, len(a.books.all()))
                for a in authors.prefetch_related("books").filter(id__gt=n % 990).order_by("id")[:5]
            ],
        ),
        (
            "values('id', 'title')[:20]",
            lambda n: rows(
                books.filter(pages__gt=n % 1000).order_by("id").values("id", "title")[:20]
            ),
        ),
        (
            "values_list('id', 'title')[:20]",
            lambda n: rows(
                books.filter(pages__gt=n % 1000).order_by("id").values_list("id", "title")[:20]
            ),
        ),
        (
            "values_list('id', flat=True)[:20]",
            lambda n: rows(
                books.filter(pages__gt=n % 1000).order_by("id").values_list("id", flat=True)[:20]
            ),
        ),
        (
            "values_list('id', 'title', named=True)[:20]",
            lambda n: [
                tuple(r)
                for r in books.filter(pages__gt=n % 1000)
                .order_by("id")
                .values_list("id", "title", named=True)[:20]
            ],
        ),
        (
            "only('title')[:20]",
            lambda n: [
                (b.pk, b.title)
                for b in books.only("title").filter(pages__gt=n % 1000).order_by("id")[:20]
            ],
        ),
        (
            "defer('title')[:20]",
            lambda n: [
                (b.pk, b.pages)
                for b in books.defer("title").filter(pages__gt=n % 1000).order_by("id")[:20]
            ],
        ),
        (
            "annotate(n=Count('books')).filter(n__gt=k)[:20]",
            lambda n: [
                (a.pk, a.nb)
                for a in authors.annotate(nb=Count("books"))
                .filter(nb__gt=15 + n % 10)
                .order_by("id")[:20]
            ],
        ),
        (
            "alias(n=Count('books')).filter(n__gt=k)[:20]",
            lambda n: [
                a.pk
                for a in authors.alias(nb=Count("books"))
                .filter(nb__gt=15 + n % 10)
                .order_by("id")[:20]
            ],
        ),
        (
            "filter(author_id=n).aggregate(Sum('pages'))",
            lambda n: books.filter(author_id=1 + n % 1000).aggregate(total=Sum("pages")),
        ),
        (
            "values('author_id').distinct()[:20]",
            lambda n: rows(
                books.filter(pages__gt=n % 1000)
                .values("author_id")
                .distinct()
                .order_by("author_id")[:20]
            ),
        ),
        (
            "order_by('-pages')[n:n+20]",
            lambda n: [b.pk for b in books.order_by("-pages", "id")[n % 100 : n % 100 + 20]],
        ),
        (
            "filter(author_id=n).exists()",
            lambda n: books.filter(author_id=1 + n % 1000, pages__gt=1000).exists(),
        ),
        ("filter(author_id=n).count()", lambda n: books.filter(author_id=1 + n % 1000).count()),
        (
            "in_bulk([5 ids])",
            lambda n: sorted(books.in_bulk([1 + (n * k) % 20000 for k in range(1, 6)])),
        ),
        (
            "filter(id__in=Subquery(...))[:20]",
            lambda n: rows(
                authors.filter(
                    id__in=Subquery(books.filter(pages__gt=1190 - n % 10).values("author_id"))
                ).order_by("id")[:20]
            ),
        ),
        (
            "filter(Exists(...))[:20]",
            lambda n: rows(
                authors.filter(
                    Exists(books.filter(author=OuterRef("pk"), pages__gt=1190 - n % 10))
                ).order_by("id")[:20]
            ),
        ),
        (
            "union of two filters",
            lambda n: sorted(
                b.pk
                for b in books.filter(pages=100 + n % 1000).union(
                    books.filter(pages=101 + n % 1000)
                )
            ),
        ),
        (
            "filter(id=n).update(in_print=...)",
            # (the value each row already has: the data the other shapes read stays the same)
            lambda n: books.filter(id=1 + n % 20000).update(in_print=(1 + n % 20000) % 5 != 0),
        ),
        ("filter(id=-n).delete() (no row)", lambda n: books.filter(id=-n).delete()[0]),
    ]


def _norm(value: Any) -> Any:
    """Results of both ORMs in one form: instances by their fields, querysets as lists."""
    if isinstance(value, list):
        return [_norm(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_norm(v) for v in value)
    if isinstance(value, dict):
        return {k: _norm(v) for k, v in value.items()}
    if hasattr(value, "_meta") and hasattr(value, "pk"):
        return ("instance", value.pk)
    return value


def _shapes(o_book: Any, o_author: Any, db: Any) -> list[Workload]:
    """A workload per QuerySet shape: ``SHAPE_CALLS`` calls, each with another value."""
    from django.db import models as dj_models

    from manouche import orm_lite

    d_author, d_book = _django_models()
    ours = _shape_cases(orm_lite, o_book.objects.using(db), o_author.objects.using(db))
    theirs = _shape_cases(dj_models, d_book.objects.using(ALIAS), d_author.objects.using(ALIAS))
    result = []
    for (label, mine), (_, peer) in zip(ours, theirs, strict=True):
        try:
            for n in (0, 7, 31):
                a, b = _norm(mine(n)), _norm(peer(n))
                if a != b:
                    raise AssertionError(f"orm-lite {str(a)[:200]} != Django {str(b)[:200]}")
        except Exception as exc:  # reported, not timed: a shape orm-lite gets wrong is no bench
            print(f"\n## shape: {label}\n  not timed: {type(exc).__name__}: {str(exc)[:300]}")
            continue

        def run(fn: Callable[[int], Any] = mine) -> None:
            for n in range(SHAPE_CALLS):
                fn(n)

        def run_peer(fn: Callable[[int], Any] = peer) -> None:
            for n in range(SHAPE_CALLS):
                fn(n)

        result.append(
            Workload(
                name=f"shape: {label} ({SHAPE_CALLS} calls, values changing; calls/s)",
                ops=SHAPE_CALLS,
                contenders={"Manouche orm-lite": run, "Django ORM": run_peer},
                goals={"Django ORM": 2.5},
            )
        )
    return result


def _django_models() -> tuple[Any, Any]:
    from django.apps import apps

    return apps.get_model(APP, "Author"), apps.get_model(APP, "Book")

"""Resident memory of a process serving the example pages, after 10,000 and 200,000 requests.

    .venv/bin/python -m bench._memory [REQUESTS]     # 200,000 by default

The pages: the books page of ``bench/_page.py`` (URL, ``select_related`` query,
template, middlewares) and a page per QuerySet shape of issue 24 (filter,
exclude, ``startswith`` across a join, ``Q``, ``F``, ``prefetch_related``,
``values``, ``values_list`` flat and named, ``only``, ``defer``, ``annotate``,
``alias``, ``aggregate``, ``distinct``, slices, ``exists``, ``count``,
``in_bulk``, ``get``, ``update``, ``Subquery``, ``Exists``, ``union``), each
with a value that changes per request, served in turn through WSGI in this
process on SQLite. Memory that grows with the number of requests (a cache
without a bound, a statement compiled per call and kept) shows as the
difference between the two figures. Not part of ``python -m bench``: it takes
minutes.
"""

from __future__ import annotations

import decimal
import gc
import io
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import _page


def rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def shape_pages(models: Any, book: Any, author: Any) -> list[Any]:
    books, authors = book.objects, author.objects
    Q, F = models.Q, models.F  # noqa: N806
    return [
        lambda n: list(books.filter(pages__gt=n % 1000).order_by("id")[:20]),
        lambda n: list(books.exclude(pages__lt=n % 1000).order_by("-id")[:20]),
        lambda n: list(
            books.filter(author__name__startswith=f"Author <{n % 9}").order_by("id")[:20]
        ),
        lambda n: list(books.filter(Q(pages__gt=n % 1000) | Q(title=f"x{n}")).order_by("id")[:20]),
        lambda n: list(books.filter(pages__gt=F("author_id") + n % 500).order_by("id")[:20]),
        lambda n: [
            len(a.books.all())
            for a in authors.prefetch_related("books").filter(id__gt=n % 150).order_by("id")[:5]
        ],
        lambda n: list(books.filter(pages__gt=n % 1000).values("id", "title")[:20]),
        lambda n: list(books.filter(pages__gt=n % 1000).values_list("id", flat=True)[:20]),
        lambda n: list(
            books.filter(pages__gt=n % 1000).values_list("id", "title", named=True)[:20]
        ),
        lambda n: list(books.only("title").filter(pages__gt=n % 1000)[:20]),
        lambda n: list(books.defer("title").filter(pages__gt=n % 1000)[:20]),
        lambda n: list(authors.annotate(c=models.Count("books")).filter(c__gt=n % 15)[:20]),
        lambda n: list(authors.alias(c=models.Count("books")).filter(c__gt=n % 15)[:20]),
        lambda n: books.filter(author_id=1 + n % 200).aggregate(s=models.Sum("pages")),
        lambda n: list(books.filter(pages__gt=n % 1000).values("author_id").distinct()[:20]),
        lambda n: list(books.order_by("-pages", "id")[n % 50 : n % 50 + 20]),
        lambda n: books.filter(author_id=1 + n % 200, pages__gt=1000).exists(),
        lambda n: books.filter(author_id=1 + n % 200).count(),
        lambda n: books.in_bulk([1 + n % 1000, 2 + n % 1000]),
        lambda n: books.get(pk=1 + n % 2000),
        lambda n: books.filter(id=1 + n % 2000).update(pages=F("pages")),
        lambda n: list(
            authors.filter(
                id__in=models.Subquery(books.filter(pages__gt=1190 - n % 10).values("author_id"))
            )[:20]
        ),
        lambda n: list(
            authors.filter(
                models.Exists(books.filter(author=models.OuterRef("pk"), pages__gt=1190 - n % 10))
            )[:20]
        ),
        lambda n: list(
            books.filter(pages=100 + n % 1000).union(books.filter(pages=101 + n % 1000))
        ),
    ]


def main(total: int) -> None:
    from manouche import orm_lite
    from manouche.httpkit import make_wsgi_app
    from manouche.urlmap import URLMap, path

    db_file = Path(tempfile.mkdtemp(prefix="bench-memory-")) / "memory.sqlite3"
    db = orm_lite.Database(f"sqlite:///{db_file}")
    author, book = _page.define(orm_lite)
    db.create_all([author, book])
    authors, books = _page.rows()
    raw = sqlite3.connect(db_file)
    raw.executemany(f"INSERT INTO {_page.APP}_author VALUES (?, ?, ?)", authors)
    raw.executemany(
        f"INSERT INTO {_page.APP}_book (id, title, author_id, pages, price, published) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [(i, t, a, p, str(decimal.Decimal(pr)), str(d)) for i, t, a, p, pr, d in books],
    )
    raw.commit()
    raw.close()

    import webob

    shapes = shape_pages(orm_lite, book, author)
    broken: set[int] = set()

    def shape(request: Any, which: int, n: int) -> Any:
        try:
            found = shapes[which % len(shapes)](n)
        except Exception as exc:  # a shape orm-lite cannot run: reported once, below
            if which % len(shapes) not in broken:
                broken.add(which % len(shapes))
                print(f"  shape {which % len(shapes)}: {type(exc).__name__}: {exc}"[:200])
            found = None
        return webob.Response(repr(found)[:200])

    books_page = _page.manouche_app(book, db)
    shapes_app = make_wsgi_app(URLMap([path("shapes/<int:which>/<int:n>/", shape)]))
    base = _page.environ("/")
    figures: list[tuple[int, float]] = []
    start = time.perf_counter()
    for i in range(1, total + 1):
        env = base.copy()
        env["wsgi.input"] = io.BytesIO(b"")
        if i % 2:
            env["PATH_INFO"] = f"/books/{(i * 37) % (_page.BOOKS - 20)}/"
            app: Any = books_page
        else:
            env["PATH_INFO"] = f"/shapes/{i // 2}/{i}/"
            app = shapes_app
        body = app(env, _page._ignore)
        for _chunk in body:
            pass
        getattr(body, "close", lambda: None)()
        if i in (1_000, 10_000, 20_000, 30_000, 50_000, 100_000, 150_000, total):
            gc.collect()
            figures.append((i, rss_mib()))
            print(
                f"  {i:>7,} requests: {figures[-1][1]:6.1f} MiB resident "
                f"({i / (time.perf_counter() - start):,.0f} requests/s so far)",
                flush=True,
            )
    grown = figures[-1][1] - next(m for n, m in figures if n == 10_000)
    print(f"  growth from 10,000 to {total:,} requests: {grown:+.1f} MiB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000)

"""The database-backed page of issue 24, written by each contender as its users would.

``GET /books/<after>/``: resolve the URL, run "the 20 books after ``after``,
each with its author" (one query, a join), render them with a template that
extends a base and escapes every value, and pass the response through the
security, common and conditional-GET middlewares. Contenders:

- Manouche: urlmap + ``Book.objects.select_related("author").filter(id__gt=n)
  .order_by("id")[:20]`` + a tplkit template + httpkit's middleware;
- Django: its URL resolver, ORM (the same model code), template engine and
  middleware;
- Flask + SQLAlchemy Core + Jinja2: ``conn.execute(select(...).join(...))``,
  ``render_template_string``-style templates, the headers set in
  ``after_request``;
- Flask + Flask-SQLAlchemy: its ORM (``joinedload``) and a session per request;
- raw WSGI + the raw driver (sqlite3, psycopg): SQL text, ``html.escape``.

Each contender's page is checked once before timing: the same 20 titles and
authors as the raw driver's, escaped.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import html
import io
import random
import sys
from collections.abc import Callable, Iterable
from typing import Any

AUTHORS = 200
BOOKS = 2_000
PAGE_OPS = 300
APP = "benchpage"

JINJA = {
    "base.html": (
        "<!doctype html><html><head><title>{% block title %}{% endblock %}</title></head>"
        "<body><main>{% block main %}{% endblock %}</main></body></html>"
    ),
    "books.html": (
        "{% extends 'base.html' %}{% block title %}Books after {{ after }}{% endblock %}"
        "{% block main %}<table>{% for b in books %}<tr><td>{{ b.id }}</td>"
        "<td>{{ b.title }}</td><td>{{ b.author.name }}</td><td>{{ b.pages }}</td>"
        "<td>{{ b.price }}</td></tr>{% endfor %}</table>{% endblock %}"
    ),
}
DJANGO = {
    "base.html": (
        "<!doctype html><html><head><title>{% block title %}{% endblock %}</title></head>"
        "<body><main>{% block main %}{% endblock %}</main></body></html>"
    ),
    "books.html": (
        "{% extends 'base.html' %}{% block title %}Books after {{ after }}{% endblock %}"
        "{% block main %}<table>{% for b in books %}<tr><td>{{ b.id }}</td>"
        "<td>{{ b.title }}</td><td>{{ b.author.name }}</td><td>{{ b.pages }}</td>"
        "<td>{{ b.price }}</td></tr>{% endfor %}</table>{% endblock %}"
    ),
}
SQL = (
    f"SELECT b.id, b.title, b.pages, b.price, a.name FROM {APP}_book b "
    f"JOIN {APP}_author a ON a.id = b.author_id WHERE b.id > {{mark}} ORDER BY b.id LIMIT 20"
)


def define(models: Any) -> tuple[Any, Any]:
    """The two models, the same code for Django's ``models`` and orm-lite's."""

    class Author(models.Model):
        name = models.CharField(max_length=60)
        email = models.EmailField()

        class Meta:
            app_label = APP

    class Book(models.Model):
        title = models.CharField(max_length=100)
        author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="books")
        pages = models.IntegerField()
        price = models.DecimalField(max_digits=8, decimal_places=2)
        published = models.DateField()

        class Meta:
            app_label = APP

    return Author, Book


def rows() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    rnd = random.Random(24)
    authors = [(i, f"Author <{i}> & co", f"a{i}@example.org") for i in range(1, AUTHORS + 1)]
    books = [
        (
            i,
            f"Book \"{i}\" <'{i % 7}'>",
            1 + rnd.randrange(AUTHORS),
            rnd.randrange(40, 1200),
            decimal.Decimal(rnd.randrange(100, 9999)) / 100,
            dt.date(1990, 1, 1) + dt.timedelta(days=rnd.randrange(12000)),
        )
        for i in range(1, BOOKS + 1)
    ]
    return authors, books


def paths() -> list[str]:
    """The pages requested, in turn: a different ``after`` each time."""
    return [f"/books/{(i * 37) % (BOOKS - 20)}/" for i in range(PAGE_OPS)]


def environ(path: str) -> dict[str, Any]:
    return {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "localhost:8000",
        "HTTP_ACCEPT": "text/html",
        "HTTP_USER_AGENT": "bench",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }


def _ignore(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
    return None


def call(app: Callable[..., Iterable[bytes]], path: str) -> tuple[str, bytes]:
    """One request through ``app``: its status and body."""
    seen: list[str] = []

    def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        seen.append(status)

    env = environ(path)
    env["wsgi.input"] = io.BytesIO(b"")
    body = app(env, start)
    data = b"".join(body)
    getattr(body, "close", lambda: None)()
    return seen[0], data


def runner(app: Callable[..., Iterable[bytes]], expect: Callable[[str, bytes], None]) -> Any:
    """A timed callable serving every page of ``paths()`` once, after one checked request."""
    todo = paths()
    for path in todo[:3]:
        status, body = call(app, path)
        if not status.startswith("200"):
            raise RuntimeError(f"{path}: {status} {body[:200]!r}")
        expect(path, body)
    environs = []
    for path in todo:
        env = environ(path)
        environs.append(env)

    def run() -> None:
        for base in environs:
            env = base.copy()
            env["wsgi.input"] = io.BytesIO(b"")
            body = app(env, _ignore)
            for _chunk in body:
                pass
            close = getattr(body, "close", None)
            if close is not None:
                close()

    return run


def checker(fetch: Callable[[int], list[tuple[Any, ...]]]) -> Callable[[str, bytes], None]:
    """Checks a page against the raw driver's rows: every title and author, escaped."""

    def expect(path: str, body: bytes) -> None:
        after = int(path.strip("/").split("/")[1])
        # (markupsafe writes &#34; and &#39; where html.escape writes &quot; and &#x27;)
        text = body.decode().replace("&#34;", "&quot;").replace("&#39;", "&#x27;")
        found = fetch(after)
        if len(found) != 20:
            raise RuntimeError(f"{path}: the raw driver found {len(found)} rows")
        for _id, title, _pages, _price, name in found:
            for value in (title, name):
                if html.escape(value) not in text:
                    raise RuntimeError(f"{path}: {value!r} missing or unescaped in the page")
        if text.count("<tr>") != 20:
            raise RuntimeError(f"{path}: {text.count('<tr>')} rows in the page")

    return expect


def security_headers(headers: Any) -> None:
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")


# -- Manouche ------------------------------------------------------------------------------


def manouche_app(book_model: Any, db: Any) -> Any:
    from jinja2 import DictLoader

    from manouche.httpkit import (
        CommonMiddleware,
        ConditionalGetMiddleware,
        SecurityMiddleware,
        make_wsgi_app,
    )
    from manouche.tplkit import create_environment
    from manouche.urlmap import URLMap, path

    env = create_environment(loader=DictLoader(JINJA))
    books = book_model.objects.using(db)

    def page(request: Any, after: int) -> Any:
        qs = books.select_related("author").filter(id__gt=after).order_by("id")[:20]
        return env.render(request, "books.html", {"books": qs, "after": after})

    urls = URLMap([path("books/<int:after>/", page, name="books")])
    return make_wsgi_app(urls, [SecurityMiddleware, CommonMiddleware, ConditionalGetMiddleware])


# -- Django --------------------------------------------------------------------------------

#: The Django ORM manager the page reads (set by each Django contender before its round).
django_books: list[Any] = []


def django_view() -> Callable[..., Any]:
    """The page's Django view (routed by bench/http.py's URLconf) and its template."""
    from django.http import HttpResponse
    from django.template import Context, Engine

    engine = Engine(loaders=[("django.template.loaders.locmem.Loader", DJANGO)])
    template = engine.get_template("books.html")

    def page(request: Any, after: int) -> Any:
        qs = django_books[0].select_related("author").filter(id__gt=after).order_by("id")[:20]
        return HttpResponse(template.render(Context({"books": qs, "after": after})))

    return page


def django_runner(handler: Any, manager: Any, expect: Callable[[str, bytes], None]) -> Any:
    """``runner`` for Django's handler, the page reading ``manager``'s database."""
    django_books[:] = [manager]
    run = runner(handler, expect)

    def timed() -> None:
        django_books[:] = [manager]
        run()

    return timed


# -- Flask + SQLAlchemy Core + Jinja2 --------------------------------------------------------


def flask_core_app(url: str) -> Any:
    import sqlalchemy as sa
    from flask import Flask, render_template, request
    from jinja2 import DictLoader

    engine = sa.create_engine(url)
    md = sa.MetaData()
    author = sa.Table(
        f"{APP}_author",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(60)),
    )
    book = sa.Table(
        f"{APP}_book",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("title", sa.String(100)),
        sa.Column("author_id", sa.ForeignKey(author.c.id)),
        sa.Column("pages", sa.Integer),
        sa.Column("price", sa.Numeric(8, 2)),
    )
    app = Flask("bench_page_core")
    app.jinja_loader = DictLoader(JINJA)  # type: ignore[assignment]

    @app.route("/books/<int:after>/")
    def page(after: int) -> str:
        stmt = (
            sa.select(book.c.id, book.c.title, book.c.pages, book.c.price, author.c.name)
            .join(author, author.c.id == book.c.author_id)
            .where(book.c.id > after)
            .order_by(book.c.id)
            .limit(20)
        )
        with engine.connect() as conn:
            found = [
                {
                    "id": r.id,
                    "title": r.title,
                    "pages": r.pages,
                    "price": r.price,
                    "author": {"name": r.name},
                }
                for r in conn.execute(stmt)
            ]
        return render_template("books.html", books=found, after=after)

    @app.after_request
    def headers(response: Any) -> Any:
        security_headers(response.headers)
        response.add_etag()
        return response.make_conditional(request)

    return app


# -- Flask + Flask-SQLAlchemy ----------------------------------------------------------------


def flask_sqlalchemy_app(url: str) -> Any:
    import sqlalchemy as sa
    from flask import Flask, render_template, request
    from flask_sqlalchemy import SQLAlchemy
    from jinja2 import DictLoader
    from sqlalchemy.orm import joinedload

    app = Flask("bench_page_fsa")
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    app.jinja_loader = DictLoader(JINJA)  # type: ignore[assignment]
    fsa = SQLAlchemy(app)

    class Author(fsa.Model):  # type: ignore[name-defined,misc]
        __tablename__ = f"{APP}_author"
        id = fsa.Column(sa.Integer, primary_key=True)
        name = fsa.Column(sa.String(60))

    class Book(fsa.Model):  # type: ignore[name-defined,misc]
        __tablename__ = f"{APP}_book"
        id = fsa.Column(sa.Integer, primary_key=True)
        title = fsa.Column(sa.String(100))
        author_id = fsa.Column(sa.ForeignKey(Author.id))
        pages = fsa.Column(sa.Integer)
        price = fsa.Column(sa.Numeric(8, 2))
        author = fsa.relationship(Author)

    @app.route("/books/<int:after>/")
    def page(after: int) -> str:
        stmt = (
            sa.select(Book)
            .options(joinedload(Book.author))
            .where(Book.id > after)
            .order_by(Book.id)
            .limit(20)
        )
        return render_template("books.html", books=fsa.session.scalars(stmt).all(), after=after)

    @app.after_request
    def headers(response: Any) -> Any:
        security_headers(response.headers)
        response.add_etag()
        return response.make_conditional(request)

    return app


# -- raw WSGI + the raw driver --------------------------------------------------------------


def raw_app(connect: Callable[[], Any], mark: str) -> Any:
    """A WSGI function, SQL text on a connection of the driver, ``html.escape``."""
    from urllib.parse import unquote

    sql = SQL.format(mark=mark)
    conn = connect()
    esc = html.escape

    def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        parts = unquote(environ["PATH_INFO"]).strip("/").split("/")
        if len(parts) != 2 or parts[0] != "books" or not parts[1].isdigit():
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"Not Found"]
        after = int(parts[1])
        cur = conn.cursor()
        cur.execute(sql, (after,))
        found = cur.fetchall()
        cur.close()
        conn.commit()
        out = [
            "<!doctype html><html><head><title>Books after ",
            str(after),
            "</title></head><body><main><table>",
        ]
        for id_, title, pages, price, name in found:
            out.append(
                f"<tr><td>{id_}</td><td>{esc(title)}</td><td>{esc(name)}</td>"
                f"<td>{pages}</td><td>{price}</td></tr>"
            )
        out.append("</table></main></body></html>")
        body = "".join(out).encode()
        etag = '"' + hashlib.md5(body, usedforsecurity=False).hexdigest() + '"'
        if environ.get("HTTP_IF_NONE_MATCH") == etag:
            start_response("304 Not Modified", [("ETag", etag)])
            return []
        start_response(
            "200 OK",
            [
                ("Content-Type", "text/html; charset=utf-8"),
                ("Content-Length", str(len(body))),
                ("ETag", etag),
                ("X-Content-Type-Options", "nosniff"),
                ("Referrer-Policy", "same-origin"),
                ("Cross-Origin-Opener-Policy", "same-origin"),
            ],
        )
        return [body]

    return app

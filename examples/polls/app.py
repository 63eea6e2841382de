"""The site: one database, the URL map, the middleware, the WSGI app.

manouche-serve examples.polls.app:application     # SQLite, polls.sqlite3 here
DATABASE_URL=postgresql+psycopg://... manouche-serve examples.polls.app:application
gunicorn -w 4 --preload examples.polls.app:application
"""

from __future__ import annotations

import os
from pathlib import Path

from manouche import orm_lite as models
from manouche.httpkit import (
    CSP,
    AllowedHostsMiddleware,
    CommonMiddleware,
    ConditionalGetMiddleware,
    RequestBodyLimitMiddleware,
    SecurityMiddleware,
    WSGIApplication,
    XFrameOptionsMiddleware,
    make_wsgi_app,
)
from manouche.urlmap import URLMap, include, path

from . import receivers  # noqa: F401  (connects the signal receivers)
from .models import Choice, Question

HERE = Path(__file__).parent
SEED = {
    "What's your favourite batteries-included part?": ["The ORM", "Forms", "The admin"],
    "Which server do you deploy on?": ["gunicorn", "waitress", "uWSGI"],
    "Tabs or spaces?": ["Tabs", "Spaces"],
}


def setup_database(url: str) -> models.Database:
    """Open the database, bring its schema up to date, seed it on first start."""
    if url.startswith("sqlite"):
        # Several worker processes write the same file: readers do not block the
        # writer (WAL), and a writer waits for another's lock instead of failing.
        db = models.Database(url, init_command="PRAGMA journal_mode=WAL", timeout=20)
    else:
        db = models.Database(url)
    models.Migrations(db, apps={"polls": HERE / "migrations"}).migrate()
    with db.atomic():
        if not Question.objects.exists():
            for text, choices in SEED.items():
                question = Question.objects.create(question_text=text)
                Choice.objects.bulk_create(
                    [Choice(question=question, choice_text=c) for c in choices]
                )
    # Nothing to do before gunicorn --preload forks its workers: each one sets the
    # connections opened here aside and opens its own. httpkit's request_finished
    # gives a request's connection back to the pool when its response is closed.
    return db


def create_app(database_url: str | None = None, *, debug: bool = False) -> WSGIApplication:
    url = database_url or os.environ.get("DATABASE_URL") or f"sqlite:///{HERE / 'polls.sqlite3'}"
    setup_database(url)
    urls = URLMap([path("", include("examples.polls.urls", namespace="polls"))], debug=debug)
    return make_wsgi_app(
        urls,
        [
            AllowedHostsMiddleware.configure(allowed_hosts=["localhost", "127.0.0.1", "[::1]"]),
            RequestBodyLimitMiddleware.configure(max_body_size=64 * 1024),
            SecurityMiddleware.configure(
                csp={"default-src": [CSP.SELF], "style-src": [CSP.SELF, CSP.NONCE]}
            ),
            XFrameOptionsMiddleware,
            CommonMiddleware,
            ConditionalGetMiddleware,
        ],
        debug=debug,
    )


def __getattr__(name: str) -> WSGIApplication:
    # ``application`` is built on first use, so importing create_app opens nothing.
    if name == "application":
        app = create_app()
        globals()["application"] = app
        return app
    raise AttributeError(name)

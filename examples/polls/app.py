"""The site: one database, the URL map, the middleware, the WSGI app.

manouche-serve examples.polls.app:application     # SQLite, polls.sqlite3 here
DATABASE_URL=postgresql+psycopg://... manouche-serve examples.polls.app:application
gunicorn -w 4 --preload examples.polls.app:application
"""

from __future__ import annotations

import functools
import os
import secrets
from pathlib import Path

from manouche import i18nkit
from manouche import orm_lite as models
from manouche.authkit import (
    Auth,
    AuthenticationMiddleware,
    ContentType,
    CsrfViewMiddleware,
    DatabaseSessions,
    Group,
    MessageMiddleware,
    Permission,
    Session,
    SessionMiddleware,
    User,
    create_permissions,
)
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
from manouche.urlmap import URLMap, i18n_patterns, include, mount, path

from . import receivers  # noqa: F401  (connects the signal receivers)
from .admin import create_site
from .models import Activity, Choice, Question
from .templating import LANGUAGES

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
    # authkit's tables (Django's auth_* and django_session); skipped when present.
    db.create_all([ContentType, Permission, Group, User, Session])
    with db.atomic():
        if not Question.objects.exists():
            for text, choices in SEED.items():
                question = Question.objects.create(question_text=text)
                Choice.objects.bulk_create(
                    [Choice(question=question, choice_text=c) for c in choices]
                )
        # A login for the "add a poll" page when the environment gives a password.
        password = os.environ.get("POLLS_DEMO_PASSWORD")
        if password and not User.objects.filter(username="demo").exists():
            User.objects.create_user("demo", password=password)
        # The admin's permissions, and its login when the environment gives a password
        # (`python3 dev.py demo` makes one and prints it).
        create_permissions([Question, Choice, Activity])
        admin_password = os.environ.get("POLLS_ADMIN_PASSWORD")
        if admin_password:
            admin = User.objects.filter(username="admin").first()
            if admin is None:
                User.objects.create_superuser("admin", password=admin_password)
            elif not admin.check_password(admin_password):
                admin.set_password(admin_password)
                admin.save()
    # Nothing to do before gunicorn --preload forks its workers: each one sets the
    # connections opened here aside and opens its own. httpkit's request_finished
    # gives a request's connection back to the pool when its response is closed.
    return db


def create_app(database_url: str | None = None, *, debug: bool = False) -> WSGIApplication:
    url = database_url or os.environ.get("DATABASE_URL") or f"sqlite:///{HERE / 'polls.sqlite3'}"
    db = setup_database(url)
    # The polls' own catalogs (templates, forms), before the packages' (formkit's errors).
    i18nkit.set_catalogs(i18nkit.Catalogs([HERE / "locale"], default_language="en"))
    languages = {"languages": LANGUAGES, "default": "en", "prefix_default_language": False}
    urls = URLMap(
        [
            # The admin speaks the visitor's language from Accept-Language (its own
            # LocaleMiddleware), outside the language prefixes of the site's pages.
            mount("admin/", create_site(db)),
            path("i18n/setlang/", i18nkit.set_language, languages, name="set_language"),
            # English at /, German at /de/, Arabic at /ar/; reverse() answers in the active one.
            *i18n_patterns(
                path("", include("examples.polls.urls", namespace="polls")),
                prefix_default_language=False,
                default_language="en",
            ),
        ],
        debug=debug,
    )
    # Signs sessions and the session's password check. Several workers must share it:
    # set SECRET_KEY, or serve with --preload so the workers inherit this random one.
    secret = os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50)
    auth = Auth(secret_key=secret)
    return make_wsgi_app(
        urls,
        [
            # Outermost, so every response gets the security headers, the 400 of
            # a bad Host and the 413 of a large body included.
            SecurityMiddleware.configure(
                csp={"default-src": [CSP.SELF], "style-src": [CSP.SELF, CSP.NONCE]}
            ),
            XFrameOptionsMiddleware,
            AllowedHostsMiddleware.configure(allowed_hosts=["localhost", "127.0.0.1", "[::1]"]),
            RequestBodyLimitMiddleware.configure(
                max_body_size=64 * 1024, max_number_fields=100, max_number_files=0
            ),
            # The language of the URL's prefix (English without one), and the
            # time zone a visitor chose (a cookie), for the views and templates.
            functools.partial(
                i18nkit.LocaleMiddleware,
                languages=LANGUAGES,
                default="en",
                check_path=True,
                prefix_default_language=False,
            ),
            i18nkit.TimezoneMiddleware,
            CommonMiddleware,
            ConditionalGetMiddleware,
            SessionMiddleware.configure(engine=DatabaseSessions(db=db, secret_key=secret)),
            MessageMiddleware.configure(secret_key=secret),
            CsrfViewMiddleware,
            AuthenticationMiddleware.configure(auth=auth),
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

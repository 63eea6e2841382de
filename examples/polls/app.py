"""The site: one database, the URL map, the middleware, the WSGI app.

manouche-serve examples.polls.app:application     # SQLite, polls.sqlite3 here
DATABASE_URL=postgresql+psycopg://... manouche-serve examples.polls.app:application
gunicorn -w 4 --preload examples.polls.app:application
"""

from __future__ import annotations

import functools
import os
import secrets
import tempfile
from pathlib import Path
from typing import Any

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
    StaticManifest,
    StaticMount,
    XFrameOptionsMiddleware,
    collectstatic,
    make_wsgi_app,
)
from manouche.sites import FlatPage, FlatpageFallbackMiddleware, Site, flatpage
from manouche.urlmap import URLMap, get_urlconf, i18n_patterns, include, mount, path, set_urlconf

from . import (
    receivers,  # noqa: F401  (connects the signal receivers)
    views,
)
from .admin import create_site
from .models import Activity, Choice, Question
from .templating import LANGUAGES, use_static

HERE = Path(__file__).parent
STATIC_DIR = HERE / "static"
ABOUT = (
    "<p>A small polling site: Django's tutorial app, built on Manouche's "
    "libraries (orm-lite, urlmap, formkit, tplkit, authkit, sites) on bare WSGI.</p>"
    "<p>This page is a <em>flat page</em>: a row of Django's <code>django_flatpage</code> "
    "table, served by <code>manouche.sites</code>.</p>"
)
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
    # authkit's tables (Django's auth_* and django_session) and the sites framework's
    # (django_site, django_flatpage and its link table); skipped when present.
    db.create_all([ContentType, Permission, Group, User, Session, Site, FlatPage])
    with db.atomic():
        if not FlatPage.objects.filter(url="/about/").exists():
            site = Site.objects.filter(pk=1).first() or Site.objects.create(
                pk=1, domain="localhost", name="Polls"
            )
            about = FlatPage.objects.create(url="/about/", title="About Polls", content=ABOUT)
            about.sites.add(site)
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


def collect_static(static_root: str | os.PathLike[str] | None = None) -> Path:
    """The folder the static files are served from, collected when it has no manifest.

    In production run ``manouche-collectstatic $STATIC_ROOT examples/polls/static``
    at deploy time and set ``STATIC_ROOT``; without it, the files are collected
    into a fresh temporary folder when the site starts.
    """
    root = static_root or os.environ.get("STATIC_ROOT")
    folder = Path(root) if root else Path(tempfile.mkdtemp(prefix="polls-static-"))
    if not (folder / "staticfiles.json").is_file():
        collectstatic(folder, [STATIC_DIR])
    return folder


def flatpages_in_each_language(get_response: Any, *, render: Any) -> Any:
    """The flat pages' fallback, with the request's language prefix taken off the path."""
    fallback = FlatpageFallbackMiddleware(get_response, render=render, site_id=1)

    def middleware(request: Any) -> Any:
        response = fallback(request)
        language = i18nkit.get_language()
        prefix = f"/{language}/"
        if (
            response.status_code != 404
            or language == "en"
            or not request.path_info.startswith(prefix)
        ):
            return response
        answer = flatpage(request, request.path_info[len(prefix) - 1 :], render=render, site_id=1)
        return response if answer.status_code == 404 else answer

    return middleware


def create_app(
    database_url: str | None = None,
    *,
    debug: bool = False,
    static_root: str | os.PathLike[str] | None = None,
) -> StaticMount:
    url = database_url or os.environ.get("DATABASE_URL") or f"sqlite:///{HERE / 'polls.sqlite3'}"
    db = setup_database(url)
    static_files = collect_static(static_root)
    # static("polls/style.css") in templates: the hashed name from the manifest.
    use_static(StaticManifest(static_files, "/static/"))
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

    def render_flatpage(request: Any, page: FlatPage) -> str:
        # The page is rendered after the URL map answered 404: its url() calls
        # (the layout's links) need the map made current again.
        previous = get_urlconf()
        set_urlconf(urls)
        try:
            return views.flatpage(request, page)
        finally:
            set_urlconf(previous)

    site = make_wsgi_app(
        urls,
        [
            # Outermost, so every response gets the security headers, the 400 of
            # a bad Host and the 413 of a large body included.
            SecurityMiddleware.configure(csp={"default-src": [CSP.SELF]}),
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
            # Innermost: a 404 of the URL map becomes the flat page of that path,
            # under every language prefix (/de/about/ is /about/ in German).
            functools.partial(flatpages_in_each_language, render=render_flatpage),
        ],
        debug=debug,
    )
    # /static/...: the collected files (hashed names cached for a year, immutable).
    return StaticMount(site, {"/static": static_files})


def __getattr__(name: str) -> StaticMount:
    # ``application`` is built on first use, so importing create_app opens nothing.
    if name == "application":
        app = create_app()
        globals()["application"] = app
        return app
    raise AttributeError(name)

"""A notes app written with Flask and SQLAlchemy, adopting Manouche parts.

Before Manouche it had Flask views, Jinja2 templates and a SQLAlchemy ``Note``
model. Each added part is marked "Manouche:" below; nothing else changed.

    flask --app examples.flask_mix.app:create_app run
    DATABASE_URL=sqlite:///notes.sqlite3 manouche-serve examples.flask_mix.app:app
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
import webob
from flask import Flask, redirect, render_template, request, url_for
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from werkzeug.wrappers import Response

from manouche import formkit as forms
from manouche import orm_lite as models
from manouche.authkit import CsrfViewMiddleware, csrf_input
from manouche.httpkit import make_wsgi_app
from manouche.signals import post_save, receiver
from manouche.tplkit import Library


# The app's own SQLAlchemy model, as it was.
class Base(DeclarativeBase):
    pass


class Note(Base):
    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(sa.String(300))


# Manouche: an orm-lite model in the same database, written as in Django.
class Bookmark(models.Model):
    url = models.URLField()
    title = models.CharField(max_length=100)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "flask_mix"
        ordering = ["-created", "-id"]


# Manouche: a formkit form, validated from Flask's request.form.
class BookmarkForm(forms.Form):
    url = forms.URLField(label="Address")
    title = forms.CharField(max_length=100)


# Manouche: a template library, installed into Flask's Jinja environment.
register = Library("flask_mix")


@register.filter
def domain(url: str) -> str:
    return urlsplit(url).hostname or ""


# Manouche: a signal receiver; it writes to the app's own SQLAlchemy table
# through orm-lite's connection, so it joins the bookmark's transaction.
@receiver(post_save, sender=Bookmark, dispatch_uid="flask_mix.note_bookmark")
def note_bookmark(sender: type[Bookmark], instance: Bookmark, created: bool, **kw: Any) -> None:
    if created:
        db = models.get_default_database()
        db.execute(sa.insert(Note).values(text=f"Bookmarked {instance.title}"))


def create_app(database_url: str | None = None) -> Flask:
    app = Flask(__name__)
    # Manouche: each request's connection goes back to the pool when its response is done.
    app.wsgi_app = models.CloseConnectionsMiddleware(app.wsgi_app)  # type: ignore[method-assign]
    engine = sa.create_engine(
        database_url or os.environ.get("DATABASE_URL", "sqlite:///notes.sqlite3")
    )
    db = models.Database(engine)  # Manouche: orm-lite on the app's engine
    Base.metadata.create_all(engine)
    db.create_all([Bookmark])
    register.install(app.jinja_env)  # Manouche

    # Manouche: authkit's CSRF protection around the whole Flask app (every unsafe
    # request needs the token of the page's form), and {{ csrf_input() }} in templates.
    flask_app = app.wsgi_app
    app.wsgi_app = make_wsgi_app(  # type: ignore[method-assign]
        lambda req: req.get_response(flask_app), [CsrfViewMiddleware]
    )
    app.jinja_env.globals["csrf_input"] = lambda: csrf_input(webob.Request(request.environ))

    def page(form: BookmarkForm) -> str:
        with Session(engine) as session:
            notes = session.scalars(sa.select(Note).order_by(Note.id.desc())).all()
        bookmarks = Bookmark.objects.all()
        return render_template("index.html", notes=notes, bookmarks=bookmarks, form=form)

    @app.get("/")
    def index() -> str:
        return page(BookmarkForm())

    @app.post("/bookmarks")
    def add_bookmark() -> tuple[str, int] | Response:
        form = BookmarkForm(request.form)
        if not form.is_valid():
            return page(form), 400  # what the user typed stays in the form
        Bookmark.objects.create(**form.cleaned_data)
        return redirect(url_for("index"), 303)

    return app


def __getattr__(name: str) -> Flask:
    # ``app`` is built on first use (``manouche-serve examples.flask_mix.app:app``).
    if name == "app":
        globals()["app"] = built = create_app()
        return built
    raise AttributeError(name)

"""A Flask notes app that mounts a restkit router next to its own routes.

The app keeps its Flask views and its plain SQLAlchemy model; the API is a
restkit ``DefaultRouter`` whose URL map is mounted at ``/api`` with Werkzeug's
``DispatcherMiddleware``. The serializer and the viewset read the same
SQLAlchemy model through the app's scoped session.

    flask --app examples.flask_api.app:create_app run
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from flask import Flask, jsonify
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, scoped_session, sessionmaker
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from manouche.restkit import SQLAlchemyQuery, filters, routers, serializers, viewsets
from manouche.restkit.views import not_found
from manouche.urlmap import URLMap


class Base(DeclarativeBase):
    pass


class Note(Base):
    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(sa.String(300))
    pinned: Mapped[bool] = mapped_column(default=False)


def create_app(database_url: str | None = None) -> Flask:
    engine = sa.create_engine(database_url or os.environ.get("DATABASE_URL", "sqlite://"))
    Base.metadata.create_all(engine)
    session = scoped_session(sessionmaker(engine))

    # -- the restkit API ---------------------------------------------------------

    class NoteSerializer(serializers.ModelSerializer):
        class Meta:
            model = Note
            fields = ["id", "text", "pinned"]

    NoteSerializer.Meta.session = session  # type: ignore[attr-defined]

    class NoteViewSet(viewsets.ModelViewSet):
        queryset = SQLAlchemyQuery(Note, session)
        serializer_class = NoteSerializer
        filter_backends = [filters.SearchFilter, filters.OrderingFilter]
        search_fields = ["text"]
        ordering_fields = ["id", "text"]
        authentication_classes = []

    router = routers.DefaultRouter()
    router.register("notes", NoteViewSet)
    api = URLMap(router.urls, handler404=not_found)

    # -- the Flask app, as it was ----------------------------------------------------

    app = Flask(__name__)

    @app.get("/")
    def index() -> object:
        notes = session.scalars(sa.select(Note).order_by(Note.id)).all()
        return jsonify(app="flask", notes=[n.text for n in notes])

    @app.teardown_appcontext
    def remove_session(exc: BaseException | None) -> None:
        session.remove()

    def api_app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        # The API does not pass through Flask: give its session back after each request.
        try:
            return list(api(environ, start_response))
        finally:
            session.remove()

    app.wsgi_app = DispatcherMiddleware(app.wsgi_app, {"/api": api_app})  # type: ignore[method-assign]
    return app

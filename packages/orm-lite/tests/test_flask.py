"""orm-lite in Flask apps: a database per app, connections back at teardown, shared memory DB."""

from __future__ import annotations

import threading
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import flask
import pytest
import sqlalchemy as sa

from manouche import orm_lite as models
from manouche.orm_lite._routers import routers
from manouche.orm_lite.flask import AppRouter, get_database, init_app

md = sa.MetaData()


class Note(models.Model):
    text = models.CharField(max_length=50)

    class Meta:
        app_label = "flasknotes"
        metadata = md


def create_app(url: str) -> flask.Flask:
    app = flask.Flask("notes")
    app.config["DATABASE_URL"] = url
    db = init_app(app)
    db.create_all(md)

    @app.post("/notes")
    def add() -> Any:
        Note.objects.create(text=flask.request.form["text"])
        return "", 201

    @app.get("/notes")
    def index() -> Any:
        return [n.text for n in Note.objects.order_by("id")]

    return app


@pytest.fixture(autouse=True)
def _no_router_left() -> Iterator[None]:
    yield
    for router in routers.get():
        if isinstance(router, AppRouter):
            routers.unregister(router)


def test_two_apps_in_one_process_keep_their_own_data(tmp_path: Path) -> None:
    one = create_app(f"sqlite:///{tmp_path / 'one.db'}")
    two = create_app(f"sqlite:///{tmp_path / 'two.db'}")
    assert one.test_client().post("/notes", data={"text": "in one"}).status_code == 201
    assert two.test_client().post("/notes", data={"text": "in two"}).status_code == 201
    assert one.test_client().get("/notes").json == ["in one"]
    assert two.test_client().get("/notes").json == ["in two"]
    with one.app_context():
        assert [n.text for n in Note.objects.all()] == ["in one"]
        assert get_database() is get_database(one) is not get_database(two)
    for app in (one, two):
        get_database(app).dispose()


def test_teardown_returns_the_request_s_connection(tmp_path: Path) -> None:
    app = create_app(f"sqlite:///{tmp_path / 'pool.db'}")
    db = get_database(app)
    client = app.test_client()
    for i in range(5):
        client.post("/notes", data={"text": str(i)})
        assert client.get("/notes").status_code == 200
        assert db.engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    db.dispose()


def test_threaded_server_shares_one_in_memory_database() -> None:
    from werkzeug.serving import make_server

    app = create_app("sqlite://")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"

    def post(i: int) -> int:
        req = urllib.request.Request(f"{base}/notes", data=f"text=n{i}".encode(), method="POST")
        with urllib.request.urlopen(req, timeout=30) as res:
            return int(res.status)

    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(post, range(40)))
        assert statuses == [201] * 40
        with urllib.request.urlopen(f"{base}/notes", timeout=30) as res:
            import json

            texts = json.loads(res.read())
        assert sorted(texts) == sorted(f"n{i}" for i in range(40))
    finally:
        server.shutdown()
        thread.join()
        get_database(app).dispose()


def test_a_missing_url_names_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MANOUCHE_DATABASE_URL", raising=False)
    with pytest.raises(RuntimeError, match=r"app.config\['DATABASE_URL'\].*MANOUCHE_DATABASE_URL"):
        init_app(flask.Flask("nourl"))
    monkeypatch.setenv("MANOUCHE_DATABASE_URL", "sqlite://")
    app = flask.Flask("fromenv")
    assert init_app(app) is get_database(app)
    assert get_database(app).vendor == "sqlite"
    get_database(app).dispose()

"""Per-site caching around a whole WSGI application: a Flask app, served by WebTest."""

from __future__ import annotations

import secrets

import pytest
import webtest

from manouche.cachekit import cache_wsgi_app, create_cache


@pytest.fixture
def flask_app() -> object:
    flask = pytest.importorskip("flask")
    app = flask.Flask(__name__)
    app.calls = 0  # type: ignore[attr-defined]

    @app.get("/hello/<name>")
    def hello(name: str) -> str:
        app.calls += 1  # type: ignore[attr-defined]
        return f"hello {name} #{app.calls}"  # type: ignore[attr-defined]

    @app.get("/me")
    def me() -> object:
        app.calls += 1  # type: ignore[attr-defined]
        response = flask.make_response("private page")
        response.set_cookie("seen", "1")
        return response

    @app.get("/stream")
    def stream() -> object:
        app.calls += 1  # type: ignore[attr-defined]
        return flask.Response(iter([b"a", b"b"]))

    @app.post("/hello/<name>")
    def post(name: str) -> str:
        app.calls += 1  # type: ignore[attr-defined]
        return "posted"

    return app


def test_flask_app_behind_the_cache(flask_app: object) -> None:
    cache = create_cache(f"locmem://flask-{secrets.token_hex(3)}")
    flask_app.wsgi_app = cache_wsgi_app(flask_app.wsgi_app, cache=cache, timeout=60)  # type: ignore[attr-defined]
    client = webtest.TestApp(flask_app)
    assert client.get("/hello/ann").text == "hello ann #1"
    cached = client.get("/hello/ann")
    assert cached.text == "hello ann #1"
    assert cached.headers["Cache-Control"] == "max-age=60"
    assert "Age" in cached.headers
    assert client.get("/hello/bob").text == "hello bob #2"
    assert client.post("/hello/ann").text == "posted"
    client.get("/me")
    client.get("/me")  # sets a cookie: never stored
    client.get("/stream")
    client.get("/stream")  # no length: streamed through, never stored
    assert flask_app.calls == 7  # type: ignore[attr-defined]
    with pytest.raises(TypeError, match="WSGI application"):
        cache_wsgi_app(None)  # type: ignore[arg-type]

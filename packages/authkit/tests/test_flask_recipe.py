"""The README's Flask recipe: authkit's CSRF checks in a Flask app."""

from __future__ import annotations

import re
from typing import Any

import flask
import webob

from manouche.authkit import CsrfViewMiddleware, csrf_input

SAFE = {"GET", "HEAD", "OPTIONS", "TRACE"}


def make_app() -> flask.Flask:
    app = flask.Flask("recipe")
    policy = CsrfViewMiddleware(lambda r: webob.Response(), trusted_origins=[])

    @app.before_request
    def csrf_check() -> Any:
        req = webob.Request(flask.request.environ)
        policy.load_secret(req)
        if flask.request.method in SAFE:
            return None
        reason = policy.check(req, form_token=flask.request.form.get("csrfmiddlewaretoken"))
        if reason:
            failure = policy.reject(req, reason)
            return flask.Response(failure.body, status=failure.status_code)
        return None

    @app.after_request
    def csrf_cookie(response: flask.Response) -> flask.Response:
        header = policy.cookie_header(webob.Request(flask.request.environ))
        if header:
            response.headers.add("Set-Cookie", header)
            response.vary.add("Cookie")
        return response

    @app.route("/", methods=["GET", "POST"])
    def form() -> str:
        if flask.request.method == "POST":
            return "posted " + flask.request.form["name"]
        field = csrf_input(webob.Request(flask.request.environ))
        return f'<form method="post">{field}<input name="name"></form>'

    return app


def test_flask_recipe() -> None:
    client = make_app().test_client()
    page = client.get("/")
    assert "csrftoken=" in page.headers["Set-Cookie"] and "Cookie" in page.headers["Vary"]
    token = re.search(r'value="([^"]+)"', page.text)
    assert token
    ok = client.post("/", data={"name": "ann", "csrfmiddlewaretoken": token.group(1)})
    assert ok.status_code == 200 and ok.text == "posted ann"
    missing = client.post("/", data={"name": "x"})
    assert missing.status_code == 403 and b"CSRF token missing." in missing.data
    evil = client.post(
        "/",
        data={"name": "x", "csrfmiddlewaretoken": token.group(1)},
        headers={"Origin": "http://evil.example"},
    )
    assert evil.status_code == 403 and b"Origin checking failed" in evil.data
    header = client.post("/", data={"name": "hd"}, headers={"X-CSRFToken": token.group(1)})
    assert header.text == "posted hd"

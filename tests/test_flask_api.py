"""The Flask recipe: restkit's router mounted in a Flask app, next to the app's own routes."""

from __future__ import annotations

import pytest

pytest.importorskip("flask")

from examples.flask_api.app import create_app  # noqa: E402


def test_api_and_flask_routes_share_the_data() -> None:
    client = create_app("sqlite://").test_client()
    assert client.get("/").json == {"app": "flask", "notes": []}
    root = client.get("/api/")
    assert root.json == {"notes": "http://localhost/api/notes/"}
    created = client.post("/api/notes/", json={"text": "buy milk"})
    assert created.status_code == 201
    assert created.json == {"id": 1, "text": "buy milk", "pinned": False}
    client.post("/api/notes/", json={"text": "call ann", "pinned": True})
    assert client.get("/").json["notes"] == ["buy milk", "call ann"]
    assert client.get("/api/notes/?search=ANN").json == [
        {"id": 2, "text": "call ann", "pinned": True}
    ]
    assert [n["id"] for n in client.get("/api/notes/?ordering=-id").json] == [2, 1]
    assert client.patch("/api/notes/1/", json={"pinned": True}).json["pinned"] is True
    bad = client.post("/api/notes/", json={"text": "x" * 301})
    assert bad.status_code == 400
    assert bad.json == {"text": ["Ensure this field has no more than 300 characters."]}
    assert client.get("/api/notes/99/").status_code == 404
    assert client.get("/api/notes/abc/").json == {"detail": "Not found."}
    assert client.get("/api/nowhere/").json == {"detail": "Not found."}
    assert client.delete("/api/notes/1/").status_code == 204
    assert client.get("/").json["notes"] == ["call ann"]

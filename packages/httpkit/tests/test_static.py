from __future__ import annotations

import os

import pytest
import webob

from manouche.httpkit import StaticFiles, StaticMount
from manouche.httpkit.static import DEFAULT_STATIC_HEADERS


@pytest.fixture
def tree(tmp_path):
    public = tmp_path / "public"
    (public / "css").mkdir(parents=True)
    (public / "css" / "site.css").write_text("body{}")
    (public / "index.html").write_text("<h1>index</h1>")
    (public / ".env").write_text("SECRET=1")
    (tmp_path / "secret.txt").write_text("top secret")
    os.symlink(tmp_path / "secret.txt", public / "link.txt")
    return public


def fallback(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"app"]


def test_serves_files_and_index(tree, call):
    app = StaticMount(fallback, {"/static": tree})
    response = call(app, "/static/css/site.css")
    assert response.status_code == 200 and response.body == b"body{}"
    assert response.content_type == "text/css"
    assert "Last-Modified" in response.headers and "ETag" in response.headers
    again = call(app, "/static/css/site.css", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    ranged = call(app, "/static/css/site.css", headers={"Range": "bytes=0-3"})
    assert ranged.status_code == 206 and ranged.body == b"body"
    assert call(app, "/static/").body == b"<h1>index</h1>"
    assert call(app, "/elsewhere").body == b"app"
    assert call(app, "/staticfoo").body == b"app"


@pytest.mark.parametrize(
    "path",
    [
        "/static/../secret.txt",
        "/static/css/../../secret.txt",
        "/static/%2e%2e/secret.txt",
        "/static/..%2fsecret.txt",
        "/static/..%5csecret.txt",
        "/static/link.txt",
        "/static/.env",
        "/static/css/site.css%00.png",
        "/static/nope.css",
        "/static/%ff",
    ],
)
def test_no_traversal_and_no_leaks(tree, path, call):
    app = StaticMount(fallback, {"/static": tree})
    request = webob.Request.blank("/")
    # Servers decode %2e and %2f before PATH_INFO; give the decoded form.
    from urllib.parse import unquote_to_bytes

    request.environ["PATH_INFO"] = unquote_to_bytes(path).decode("latin-1")
    response = request.get_response(app)
    assert response.status_code == 404
    assert b"secret" not in response.body.lower()
    assert str(tree).encode() not in response.body


def test_only_get_and_head(tree, call):
    app = StaticFiles(tree)
    assert call(app, "/index.html", method="POST").status_code == 405
    assert call(app, "/index.html", method="HEAD").body == b""


def test_bad_configuration(tmp_path):
    with pytest.raises(ValueError, match="does not exist"):
        StaticFiles(tmp_path / "missing")
    with pytest.raises(ValueError, match="must start with"):
        StaticMount(fallback, {"static": tmp_path})


def test_security_headers_on_every_answer(tree, call):
    app = StaticFiles(tree)
    for path, method, status in [
        ("/css/site.css", "GET", 200),
        ("/css/site.css", "HEAD", 200),
        ("/", "GET", 200),
        ("/missing", "GET", 404),
        ("/../secret.txt", "GET", 404),
        ("/css/site.css", "POST", 405),
    ]:
        response = call(app, path, method=method)
        assert response.status_code == status
        for name, value in DEFAULT_STATIC_HEADERS:
            assert response.headers[name] == value, (path, method, name)


def test_custom_static_headers(tree, call):
    csp = ("Content-Security-Policy", "default-src 'none'")
    mount = StaticMount(fallback, {"/s": tree}, headers=[csp])
    response = call(mount, "/s/css/site.css")
    assert response.headers["Content-Security-Policy"] == "default-src 'none'"
    assert "X-Frame-Options" not in response.headers

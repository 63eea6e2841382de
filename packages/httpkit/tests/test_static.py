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


# -- collected folders: hashed names, precompressed copies, ranges, validators --

CSS = b"body { color: red; margin: 0 auto }\n" * 80


@pytest.fixture
def collected(tmp_path):
    from manouche.httpkit import collectstatic

    src = tmp_path / "src"
    (src / "img").mkdir(parents=True)
    (src / "site.css").write_bytes(CSS)
    (src / "img" / "a.png").write_bytes(bytes(range(256)) * 4)
    root = tmp_path / "root"
    result = collectstatic(root, [src], packages=False, compress=["gzip"])
    return root, result.manifest


def test_hashed_names_are_immutable_and_others_not(collected, call):
    root, manifest = collected
    app = StaticFiles(root)
    hashed = call(app, "/" + manifest["site.css"])
    assert hashed.status_code == 200
    assert hashed.headers["Cache-Control"] == "max-age=31536000, public, immutable"
    plain = call(app, "/site.css")
    assert plain.status_code == 200 and plain.body == CSS
    assert "Cache-Control" not in plain.headers
    # A non-canonical spelling of a hashed name is still served, headers alike.
    odd = call(app, "//" + manifest["site.css"])
    assert odd.headers["Cache-Control"] == hashed.headers["Cache-Control"]
    unmarked = call(StaticFiles(root, manifest=False), "/" + manifest["site.css"])
    assert unmarked.status_code == 200 and "Cache-Control" not in unmarked.headers


@pytest.mark.parametrize("hashed", [True, False])
def test_content_encoding_by_accept_encoding(collected, call, hashed):
    import gzip

    root, manifest = collected
    app = StaticFiles(root)
    path = "/" + (manifest["site.css"] if hashed else "site.css")
    for _ in range(2):  # the second answer comes from the cache of hashed names
        zipped = call(app, path, headers={"Accept-Encoding": "br;q=1, gzip;q=0.8"})
        assert zipped.headers["Content-Encoding"] == "gzip"
        assert zipped.headers["Vary"] == "Accept-Encoding"
        assert gzip.decompress(zipped.body) == CSS
        assert int(zipped.headers["Content-Length"]) == len(zipped.body) < len(CSS)
        assert zipped.content_type == "text/css"
    for header in ("identity", "gzip;q=0", "gzip; Q=0", "gzip;q=abc", "gzip;q=nan", "deflate", ""):
        plain = call(app, path, headers={"Accept-Encoding": header})
        assert "Content-Encoding" not in plain.headers and plain.body == CSS, header
        assert plain.headers["Vary"] == "Accept-Encoding"
        assert plain.headers["ETag"] != zipped.headers["ETag"]
    assert call(app, path, headers={"Accept-Encoding": "*"}).headers["Content-Encoding"] == "gzip"
    odd = call(app, path, headers={"Accept-Encoding": "gzip;level=9;q=0.5, *;q=0"})
    assert odd.headers["Content-Encoding"] == "gzip"
    huge = call(app, path, headers={"Accept-Encoding": "gzip," * 1000})
    assert "Content-Encoding" not in huge.headers and huge.body == CSS
    # No compressed copy of a PNG: no Vary either.
    png = call(app, "/" + manifest["img/a.png"], headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in png.headers and "Vary" not in png.headers


def test_brotli_preferred_when_present(tmp_path, call):
    pytest.importorskip("brotli")
    from manouche.httpkit import collectstatic

    src = tmp_path / "src"
    src.mkdir()
    (src / "site.css").write_bytes(CSS)
    manifest = collectstatic(tmp_path / "root", [src], packages=False).manifest
    app = StaticFiles(tmp_path / "root")
    both = call(app, "/" + manifest["site.css"], headers={"Accept-Encoding": "gzip, br"})
    assert both.headers["Content-Encoding"] == "br"
    gz = call(app, "/" + manifest["site.css"], headers={"Accept-Encoding": "gzip, br;q=0.5"})
    assert gz.headers["Content-Encoding"] == "gzip"


def test_validators_and_304(collected, call):
    root, manifest = collected
    app = StaticFiles(root)
    path = "/" + manifest["site.css"]
    first = call(app, path, headers={"Accept-Encoding": "gzip"})
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    cached = call(app, path, headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
    assert cached.status_code == 304 and cached.body == b""
    assert cached.headers["ETag"] == etag and cached.headers["Vary"] == "Accept-Encoding"
    assert cached.headers["Cache-Control"].endswith("immutable")
    weak = call(app, path, headers={"Accept-Encoding": "gzip", "If-None-Match": f'"x", W/{etag}'})
    assert weak.status_code == 304
    # The gzip ETag does not validate the identity representation.
    assert call(app, path, headers={"If-None-Match": etag}).status_code == 200
    assert call(app, path, headers={"If-Modified-Since": modified}).status_code == 304
    old = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert call(app, path, headers={"If-Modified-Since": old}).status_code == 200
    assert call(app, path, headers={"If-Modified-Since": "garbage"}).status_code == 200
    # If-None-Match wins over If-Modified-Since.
    both = call(app, path, headers={"If-None-Match": '"other"', "If-Modified-Since": modified})
    assert both.status_code == 200


@pytest.mark.parametrize("hashed", [True, False])
@pytest.mark.parametrize(
    ("header", "status", "body"),
    [
        ("bytes=0-3", 206, CSS[:4]),
        ("bytes=4-", 206, CSS[4:]),
        ("bytes=-5", 206, CSS[-5:]),
        ("bytes=-999999", 206, CSS),
        (f"bytes=10-{10**18}", 206, CSS[10:]),
        ("BYTES=1-1", 206, CSS[1:2]),
        (f"bytes={len(CSS)}-", 416, b""),
        ("bytes=-0", 416, b""),
        ("bytes=5-2", 200, CSS),
        ("bytes=0-1,4-5", 200, CSS),
        ("bytes=" + "9" * 5000 + "-", 200, CSS),
        ("bytes=1" + "0" * 30 + "-", 200, CSS),
        ("bytes=abc", 200, CSS),
        ("bytes=-", 200, CSS),
        ("items=0-3", 200, CSS),
        ("bytes=\u0661-\u0662", 200, CSS),
    ],
)
def test_ranges(collected, call, hashed, header, status, body):
    root, manifest = collected
    path = "/" + (manifest["site.css"] if hashed else "site.css")
    response = call(StaticFiles(root), path, headers={"Range": header})
    assert response.status_code == status
    assert response.body == body
    if status == 206:
        first = CSS.index(body) if header != "bytes=-5" else len(CSS) - 5
        assert response.headers["Content-Range"] == (
            f"bytes {first}-{first + len(body) - 1}/{len(CSS)}"
        )
    if status == 416:
        assert response.headers["Content-Range"] == f"bytes */{len(CSS)}"


def test_if_range(collected, call):
    root, manifest = collected
    app = StaticFiles(root)
    path = "/" + manifest["site.css"]
    etag = call(app, path).headers["ETag"]
    current = call(app, path, headers={"Range": "bytes=0-3", "If-Range": etag})
    assert current.status_code == 206
    stale = call(app, path, headers={"Range": "bytes=0-3", "If-Range": '"old"'})
    assert stale.status_code == 200 and stale.body == CSS


def test_head_sends_no_body(collected, call):
    root, manifest = collected
    response = call(StaticFiles(root), "/" + manifest["site.css"], method="HEAD")
    assert response.status_code == 200
    assert response.headers["Content-Length"] == str(len(CSS))


@pytest.mark.parametrize(
    "path",
    [
        "/../src/site.css",
        "/%2e%2e/src/site.css",
        "/%252e%252e/src/site.css",
        "//etc/passwd",
        "/" + "/".join([".."] * 8) + "/etc/passwd",
        "/site.css%00",
        "/img/..%5c..%5csrc/site.css",
        "/staticfiles.json/../site.css",
    ],
)
def test_no_traversal_from_a_collected_root(collected, call, path):
    root, _ = collected
    response = call(StaticFiles(root), path)
    assert response.status_code == 404, path


@pytest.mark.invalid_environ
def test_raw_nul_and_absolute_path_info(collected):
    root, _ = collected
    app = StaticFiles(root)
    for path_info in ("/site.css\x00.png", str(root / "site.css"), "/\x00"):
        environ = webob.Request.blank("/").environ
        environ["PATH_INFO"] = path_info
        statuses: list[str] = []

        def start_response(status, headers, exc_info=None, statuses=statuses):
            statuses.append(status)

        b"".join(app(environ, start_response))
        assert statuses == ["404 Not Found"], path_info


def test_deleted_hashed_file_is_forgotten(collected, call):
    root, manifest = collected
    app = StaticFiles(root)
    path = "/" + manifest["img/a.png"]
    assert call(app, path).status_code == 200
    (root / manifest["img/a.png"]).unlink()
    assert call(app, path).status_code == 404
    assert path not in app._cache


def test_many_concurrent_clients_get_whole_files(collected):
    """Threads hammering the cached entry: every answer complete and correct."""
    import concurrent.futures
    import gzip

    root, manifest = collected
    app = StaticFiles(root)
    path = "/" + manifest["site.css"]

    def fetch(i: int) -> bytes:
        headers = {"Accept-Encoding": "gzip"} if i % 2 else {}
        response = webob.Request.blank(path, headers=headers).get_response(app)
        assert response.status_code == 200
        return gzip.decompress(response.body) if i % 2 else response.body

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        bodies = list(pool.map(fetch, range(400)))
    assert len(bodies) == 400 and all(body == CSS for body in bodies)

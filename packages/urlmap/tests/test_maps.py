"""URLMap as a WSGI app and a view: dispatch, 404/405/414, redirects, mounts, odd paths.

Every request goes through ``wsgiref.validate``, so each answer (and each
mounted app's) is checked against PEP 3333 as well.
"""

from __future__ import annotations

from typing import Any
from wsgiref.validate import validator

import flask
import pytest
import webob

import manouche.urlmap as um
from manouche.urlmap.types import StartResponse, WSGIEnviron


def wsgi(
    app: Any, path: str = "/", method: str = "GET", query: str = "", **environ: Any
) -> webob.Response:
    """One request through ``validator(app)``; ``path`` is a raw PATH_INFO (str of bytes)."""
    request = webob.Request.blank("/", method=method)
    request.environ["PATH_INFO"] = path
    request.environ["QUERY_STRING"] = query
    request.environ.update(environ)
    if method in ("POST", "PUT", "PATCH"):
        request.body = b"x=1"
    started: list[Any] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        started[:] = [status, headers]
        return lambda data: None

    body_iter = validator(app)(request.environ, start_response)
    try:
        body = b"".join(body_iter)
    finally:
        body_iter.close()  # type: ignore[attr-defined]
    status, headers = started
    return webob.Response(body=body, status=status, headerlist=headers)


def utf8(text: str) -> str:
    """``text`` as a WSGI server puts it in PATH_INFO: its UTF-8 bytes as latin-1."""
    return text.encode("utf-8").decode("latin-1")


def echo(request: webob.Request, *args: Any, **kwargs: Any) -> webob.Response:
    return webob.Response(f"{request.method} {args!r} {sorted(kwargs.items())!r}")


def where(request: webob.Request, **kwargs: Any) -> webob.Response:
    """Answers with the URL of the 'me' route, reversed without passing the map."""
    return webob.Response(um.reverse("me", kwargs=kwargs or None))


def plain_app(environ: WSGIEnviron, start_response: StartResponse) -> list[bytes]:
    """A bare WSGI app: reports the SCRIPT_NAME/PATH_INFO it was handed."""
    routing = environ.get("wsgiorg.routing_args", ((), {}))
    body = f"{environ['SCRIPT_NAME']}|{environ['PATH_INFO']}|{sorted(routing[1].items())}"
    start_response("200 OK", [("Content-Type", "text/plain; charset=latin-1")])
    return [body.encode("latin-1")]


SECRET_ROUTE = "internal-admin-7f3a/"


def secret_view(request: webob.Request) -> webob.Response:
    return webob.Response("secret")


def make_map(**options: Any) -> um.URLMap:
    inner = [um.path("leaf/<int:pk>/", echo, name="leaf")]
    return um.URLMap(
        [
            um.path("", echo, name="tenant", host="<slug:account>.example.com"),
            um.path("", echo, name="home"),
            um.path("articles/<int:year>/", echo, {"section": "news"}, name="year"),
            um.path("only-post/", echo, name="only-post", methods=["POST"]),
            um.path("read/", echo, name="read", methods=["get"]),
            um.path("both/", echo, methods=["PUT"]),
            um.path("both/", echo, methods=["DELETE", "PATCH"]),
            um.path("slash/", echo, name="slash"),
            um.path("me/", where, name="me"),
            um.path("me/<int:n>/", where, name="me"),
            um.path("files/<path:rest>", echo, name="files"),
            um.path("str/<str:s>/", echo, name="str"),
            um.path("café/<str:name>/", echo, name="cafe"),
            um.path("x/<path:target>/", echo, name="anything-slash"),
            um.path("ns/", um.include((inner, "app"), namespace="ns")),
            um.path(SECRET_ROUTE, secret_view, name="secret"),
            um.path("t/<int:n>/", echo, name="tenant-n", host="<slug:account>.example.com"),
            um.path("host/", echo, name="on-host", host="api.example.com"),
            um.path("host/", echo, name="off-host"),
        ],
        **options,
    )


PROD = make_map()
DEBUG = make_map(debug=True)
SLASH = make_map(append_slash=True)


# -- dispatching -------------------------------------------------------------


def test_dispatches_to_the_view_with_kwargs_and_default_kwargs() -> None:
    response = wsgi(PROD, "/articles/2024/")
    assert response.status_int == 200
    assert response.text == "GET () [('section', 'news'), ('year', 2024)]"


def test_nested_include_dispatches() -> None:
    assert wsgi(PROD, "/ns/leaf/3/").text == "GET () [('pk', 3)]"


def test_request_carries_the_match() -> None:
    seen: dict[str, Any] = {}

    def view(request: webob.Request, **kwargs: Any) -> webob.Response:
        seen["urlvars"] = request.urlvars
        seen["match"] = request.environ["manouche.resolver_match"]
        return webob.Response("ok")

    app = um.URLMap([um.path("p/<int:n>/", view, {"extra": 1}, name="p")])
    assert wsgi(app, "/p/5/").text == "ok"
    assert seen["urlvars"] == {"n": 5, "extra": 1}
    assert seen["match"].url_name == "p"
    assert seen["match"].route == "p/<int:n>/"


def test_reverse_inside_a_view_needs_no_urlconf_and_uses_script_name() -> None:
    assert wsgi(PROD, "/me/").text == "/me/"
    assert wsgi(PROD, "/me/4/").text == "/me/4/"
    assert wsgi(PROD, "/me/", SCRIPT_NAME="/pre fix").text == "/pre%20fix/me/"
    assert wsgi(PROD, "/me/", SCRIPT_NAME=utf8("/ü")).text == "/%C3%BC/me/"
    # Outside a request there is no current map.
    with pytest.raises(um.ImproperlyConfigured, match="No URL map"):
        um.reverse("me")


def test_urlmap_is_a_view_too() -> None:
    response = PROD(webob.Request.blank("/articles/1999/"))
    assert isinstance(response, webob.Response)
    assert response.text == "GET () [('section', 'news'), ('year', 1999)]"
    assert PROD(webob.Request.blank("/nothing/")).status_int == 404
    with pytest.raises(TypeError, match="WSGI app"):
        PROD("not a request")


def test_a_view_must_return_a_response() -> None:
    app = um.URLMap([um.path("bad/", lambda request: "text")])
    with pytest.raises(TypeError, match="didn't return a webob.Response"):
        app(webob.Request.blank("/bad/"))


def test_urlmap_included_in_another_and_mounted_in_another() -> None:
    inner = um.URLMap([um.path("here/", where, name="me")])
    included = um.URLMap([um.path("in/", inner)])
    assert wsgi(included, "/in/here/").text == "/in/here/"
    # Mounted, the inner map dispatches itself and sees its own prefix.
    mounted = um.URLMap([um.mount("m/", inner)])
    assert wsgi(mounted, "/m/here/").text == "/m/here/"
    assert wsgi(mounted, "/m/here/", SCRIPT_NAME="/app").text == "/app/m/here/"


# -- 404 ---------------------------------------------------------------------


def test_production_404_leaks_nothing() -> None:
    response = wsgi(PROD, "/<script>nothing/")
    assert response.status_int == 404
    assert response.content_type == "text/html"
    body = response.text
    assert "Not Found" in body
    for internal in (SECRET_ROUTE, "secret", "articles", "<int:", "script", "tried", "pattern"):
        assert internal not in body, internal


def test_debug_404_lists_every_pattern_tried_escaped() -> None:
    response = wsgi(DEBUG, "/<script>nothing/")
    assert response.status_int == 404
    body = response.text
    # Each chain tried, an include's prefix then the inner route, with its name.
    assert "<code>articles/&lt;int:year&gt;/ [name=&#x27;year&#x27;]</code>" in body
    assert "<code>ns/</code>" in body  # not entered: its prefix did not match
    assert "<code>both/</code>" in body
    assert SECRET_ROUTE in body
    assert "<script>" not in body
    assert "&lt;script&gt;nothing/" in body
    assert f"Tried these {len(DEBUG.urlpatterns)} URL pattern(s)" in body
    inside = wsgi(DEBUG, "/ns/nothing/").text
    assert "<code>ns/ leaf/&lt;int:pk&gt;/ [name=&#x27;leaf&#x27;]</code>" in inside


def test_debug_404_tried_matches_django() -> None:
    import django.urls as dj

    def chains(exc: Any) -> list[list[str]]:
        return [[str(p.pattern) for p in chain] for chain in exc.args[0]["tried"]]

    def build(m: Any) -> list[Any]:
        inner = [m.path("leaf/<int:pk>/", echo, name="leaf"), m.path("other/", echo)]
        return [
            m.path("a/", echo),
            m.path("ns/", m.include((inner, "app"), namespace="ns")),
            m.re_path(r"^re/(?P<x>\d+)/", m.include(inner)),
        ]

    import types

    conf = types.ModuleType("tried_conf")
    conf.urlpatterns = build(dj)  # type: ignore[attr-defined]
    ours = um.URLMap(build(um))
    for path in ("/ns/nothing/", "/re/12/x/", "/zzz/"):
        with pytest.raises(dj.Resolver404) as expected:
            dj.resolve(path, urlconf=conf)
        with pytest.raises(um.Resolver404) as got:
            ours.resolve(path)
        assert chains(got.value) == chains(expected.value)
        assert got.value.args[0]["path"] == expected.value.args[0]["path"]


def test_handler404_answers_instead() -> None:
    def handler(request: webob.Request, exc: Exception) -> webob.Response:
        assert isinstance(exc, um.Resolver404)
        return webob.Response(f"custom {exc.path}", status=404)

    app = um.URLMap([um.path("a/", echo)], handler404=handler)
    response = wsgi(app, "/b/")
    assert (response.status_int, response.text) == (404, "custom b/")


# -- 405 ---------------------------------------------------------------------


def test_405_with_allow_for_methods() -> None:
    response = wsgi(PROD, "/only-post/")
    assert response.status_int == 405
    assert response.headers["Allow"] == "POST"
    assert wsgi(PROD, "/only-post/", method="POST").text.startswith("POST")


def test_get_implies_head_and_methods_are_case_insensitive() -> None:
    assert wsgi(PROD, "/read/").status_int == 200
    head = wsgi(PROD, "/read/", method="HEAD")
    assert head.status_int == 200
    assert head.body == b""
    response = wsgi(PROD, "/read/", method="POST")
    assert response.status_int == 405
    assert response.headers["Allow"] == "GET, HEAD"


def test_405_allow_lists_every_pattern_for_the_path() -> None:
    response = wsgi(PROD, "/both/", method="GET")
    assert response.status_int == 405
    assert response.headers["Allow"] == "DELETE, PATCH, PUT"
    assert wsgi(PROD, "/both/", method="PATCH").text.startswith("PATCH")
    assert wsgi(PROD, "/both/", method="PUT").text.startswith("PUT")


def test_405_via_resolve_and_handler405() -> None:
    with pytest.raises(um.MethodNotAllowed) as info:
        PROD.resolve("/only-post/", method="GET")
    assert info.value.allowed == ["POST"]
    assert isinstance(info.value, um.Resolver404)
    # Without a method, restrictions don't apply (Django's resolve()).
    assert PROD.resolve("/only-post/").url_name == "only-post"

    def handler(request: webob.Request, exc: Exception) -> webob.Response:
        return webob.Response("nope", status=405)

    app = um.URLMap([um.path("p/", echo, methods=["POST"])], handler405=handler)
    response = wsgi(app, "/p/")
    assert (response.status_int, response.text, response.headers["Allow"]) == (405, "nope", "POST")


def test_methods_misuse_is_reported() -> None:
    with pytest.raises(um.ImproperlyConfigured, match="FETCH"):
        um.path("a/", echo, methods=["FETCH"])
    with pytest.raises(TypeError, match="list of method names"):
        um.path("a/", echo, methods="GET")
    with pytest.raises(um.ImproperlyConfigured, match="include"):
        um.path("a/", um.include([um.path("b/", echo)]), methods=["GET"])


# -- trailing slash ------------------------------------------------------------


def test_no_redirect_unless_append_slash() -> None:
    assert wsgi(PROD, "/slash").status_int == 404


def test_append_slash_redirects_get_with_301_and_keeps_the_query() -> None:
    response = wsgi(SLASH, "/slash", query="a=1&b=%20")
    assert response.status_int == 301
    assert response.location.endswith("/slash/?a=1&b=%20")
    head = wsgi(SLASH, "/slash", method="HEAD")
    assert head.status_int == 301


def test_append_slash_redirects_post_with_308() -> None:
    response = wsgi(SLASH, "/slash", method="POST")
    assert response.status_int == 308
    assert response.location.endswith("/slash/")


def test_append_slash_only_when_the_slashed_path_exists() -> None:
    assert wsgi(SLASH, "/nothing").status_int == 404
    assert wsgi(SLASH, "/slash/").status_int == 200


def test_append_slash_keeps_script_name_and_encodes_the_location() -> None:
    response = wsgi(SLASH, utf8("/café/ü"), SCRIPT_NAME="/app")
    assert response.status_int == 301
    assert response.location.endswith("/app/caf%C3%A9/%C3%BC/")


def test_append_slash_location_cannot_carry_control_characters() -> None:
    response = wsgi(SLASH, "/slash", query="a=1\r\nSet-Cookie: x=1 y")
    assert response.status_int == 301
    assert response.location.endswith("/slash/?a=1%0D%0ASet-Cookie:%20x=1%20y")
    assert "Set-Cookie" not in response.headers
    response = wsgi(um.URLMap([um.path("<str:s>/", echo)], append_slash=True), "/a\r\nb")
    assert response.location.endswith("/a%0D%0Ab/")


def test_append_slash_is_no_open_redirect() -> None:
    # "//evil.com" + "/" matches x/<path:target>/ only after "/x"; here the
    # slashed path "//evil.com/" would match nothing, but a catch-all would:
    app = um.URLMap([um.path("<path:anything>/", echo)], append_slash=True)
    response = wsgi(app, "//evil.com")
    assert response.status_int == 301
    location = response.headers["Location"]
    assert not location.startswith("//")
    assert "//evil.com" not in location
    assert location.endswith("/%2Fevil.com/")


# -- mounting --------------------------------------------------------------------


def flask_app() -> flask.Flask:
    app = flask.Flask("mounted")

    @app.route("/hello/<name>")
    def hello(name: str) -> str:
        return "|".join(
            [
                flask.request.script_root,
                flask.request.path,
                flask.url_for("hello", name="a b"),
                flask.url_for("hello", name="z", _external=True),
            ]
        )

    return app


def test_mount_a_flask_app_its_url_for_sees_the_prefix() -> None:
    app = um.URLMap([um.mount("flask/", flask_app()), um.path("x/", echo)])
    response = wsgi(app, "/flask/hello/bob")
    assert response.status_int == 200
    assert response.text == ("/flask|/hello/bob|/flask/hello/a%20b|http://localhost/flask/hello/z")
    behind = wsgi(app, "/flask/hello/bob", SCRIPT_NAME="/outer")
    assert behind.text == (
        "/outer/flask|/hello/bob|/outer/flask/hello/a%20b|http://localhost/outer/flask/hello/z"
    )
    # Flask's own 404 for its own paths.
    assert wsgi(app, "/flask/nothing").status_int == 404


def test_mount_a_plain_wsgi_app_with_parameters_in_the_prefix() -> None:
    app = um.URLMap([um.mount("u/<slug:user>/files/", plain_app, name="files")])
    assert wsgi(app, "/u/jo/files/a/b.txt").text == "/u/jo/files|/a/b.txt|[('user', 'jo')]"
    assert wsgi(app, "/u/jo/files/").text == "/u/jo/files|/|[('user', 'jo')]"
    assert wsgi(app, "/u/jo/files/x", SCRIPT_NAME="/s").text == "/s/u/jo/files|/x|[('user', 'jo')]"
    assert app.reverse("files", kwargs={"user": "jo"}) == "/u/jo/files/"


def test_mount_hands_over_raw_utf8_bytes() -> None:
    app = um.URLMap([um.mount("dossier-<str:who>/", plain_app)])
    response = wsgi(app, utf8("/dossier-zoë/ünï"))
    # SCRIPT_NAME/PATH_INFO stay WSGI strings (bytes as latin-1); the
    # prefix's parameters are decoded text.
    assert response.body.decode("latin-1") == (
        utf8("/dossier-zoë") + "|" + utf8("/ünï") + "|[('who', 'zoë')]"
    )


def test_mount_root_without_slash_redirects_even_without_append_slash() -> None:
    app = um.URLMap([um.mount("static/", plain_app)])
    response = wsgi(app, "/static", query="v=1", SCRIPT_NAME="/app")
    assert response.status_int == 301
    assert response.location.endswith("/app/static/?v=1")


def test_mount_at_the_root_and_after_routes() -> None:
    app = um.URLMap([um.path("api/", echo), um.mount("", plain_app)])
    assert wsgi(app, "/api/").text.startswith("GET")
    assert wsgi(app, "/other/page").text == "|/other/page|[]"


def test_mount_misuse_is_reported() -> None:
    with pytest.raises(um.ImproperlyConfigured, match="must end with '/'"):
        um.mount("static", plain_app)
    with pytest.raises(TypeError, match="WSGI application"):
        um.mount("static/", "not an app")  # type: ignore[arg-type]


# -- hosts -----------------------------------------------------------------------


def test_host_patterns_match_subdomains() -> None:
    response = wsgi(PROD, "/", HTTP_HOST="Acme.Example.com:8080")
    assert response.text == "GET () [('account', 'acme')]"
    response = wsgi(PROD, "/t/3/", HTTP_HOST="acme.example.com")
    assert response.text == "GET () [('account', 'acme'), ('n', 3)]"
    # No match for the host: the next pattern or 404.
    assert wsgi(PROD, "/", HTTP_HOST="example.com").text == "GET () []"
    assert wsgi(PROD, "/t/3/", HTTP_HOST="a.b.example.com").status_int == 404
    assert wsgi(PROD, "/host/", HTTP_HOST="api.example.com").text.startswith("GET")
    assert PROD.resolve("/host/", host="api.example.com").url_name == "on-host"
    assert PROD.resolve("/host/", host="www.example.com").url_name == "off-host"
    assert PROD.resolve("/host/").url_name == "off-host"
    assert PROD.resolve("/host/", host="[::1]:8000").url_name == "off-host"


# -- odd paths -------------------------------------------------------------------


def test_unicode_paths() -> None:
    assert wsgi(PROD, utf8("/café/zoë/")).text == "GET () [('name', 'zoë')]"
    assert wsgi(PROD, utf8("/str/日本/")).text == "GET () [('s', '日本')]"
    assert PROD.resolve("/café/zoë/").kwargs == {"name": "zoë"}
    assert PROD.reverse("cafe", args=["zoë"]) == "/caf%C3%A9/zo%C3%AB/"


@pytest.mark.parametrize("debug", [False, True])
def test_broken_utf8_is_repercented_not_a_500(debug: bool) -> None:
    app = DEBUG if debug else PROD
    # As Django: bytes that are not UTF-8 reach the view percent-encoded.
    assert wsgi(app, "/str/\xff\xfe/").text == "GET () [('s', '%FF%FE')]"
    assert wsgi(app, "/\xff/").status_int == 404


def test_encoded_slashes() -> None:
    # A server decodes %2F into PATH_INFO (PEP 3333), so "a%2Fb" arrives as
    # "a/b": <str:> does not match it, <path:> does.
    assert wsgi(PROD, "/str/a/b/").status_int == 404
    assert wsgi(PROD, "/files/a/b").text == "GET () [('rest', 'a/b')]"
    with pytest.raises(um.NoReverseMatch):
        PROD.reverse("str", args=["a/b"])
    assert PROD.reverse("files", args=["a/b"]) == "/files/a/b"
    # A literal "%2F" in a value is text: its "%" is encoded.
    assert PROD.reverse("str", args=["a%2Fb"]) == "/str/a%252Fb/"
    assert wsgi(PROD, "/str/a%2Fb/").text == "GET () [('s', 'a%2Fb')]"


def test_double_slashes() -> None:
    assert wsgi(PROD, "//articles/2024/").status_int == 404
    assert wsgi(PROD, "/articles//2024/").status_int == 404
    assert wsgi(PROD, "/files//etc").text == "GET () [('rest', '/etc')]"
    # Reversing never produces a scheme-relative URL.
    assert PROD.reverse("files", args=["/evil.com"]) == "/files//evil.com"
    app = um.URLMap([um.path("<path:p>", echo, name="p")])
    assert app.reverse("p", args=["/evil.com"]) == "/%2Fevil.com"


def test_very_long_paths_are_bounded() -> None:
    long_path = "/files/" + "a/" * 3000
    assert wsgi(PROD, long_path).status_int == 414
    assert wsgi(DEBUG, long_path).status_int == 414
    # Just under the bound: matched or 404, never a 500.
    app = um.URLMap(make_map().urlpatterns, max_path_length=8192)
    assert wsgi(app, long_path).status_int == 200
    assert wsgi(app, "/nothing/" + "a/" * 4000).status_int == 404
    assert wsgi(um.URLMap([], max_path_length=10), "/0123456789").status_int == 414
    with pytest.raises(ValueError, match="max_path_length"):
        um.URLMap([], max_path_length=0)


@pytest.mark.parametrize(
    "path",
    ["/files/../secret", "/files/a/../../etc/passwd", "/files/./a", "/..", "/files/a/..", "/./"],
)
def test_dot_segments_never_reach_a_view(path: str) -> None:
    assert wsgi(PROD, path).status_int == 404
    assert wsgi(DEBUG, path).status_int == 404


def test_dot_segments_are_explained_in_debug_only() -> None:
    assert "refused before matching" in wsgi(DEBUG, "/files/../x").text
    assert "refused" not in wsgi(PROD, "/files/../x").text


def test_dot_segments_never_reach_a_mounted_app() -> None:
    app = um.URLMap([um.mount("static/", plain_app)])
    assert wsgi(app, "/static/../../etc/passwd").status_int == 404
    # Dots inside a segment are ordinary characters.
    assert wsgi(app, "/static/a..b/.hidden").text == "/static|/a..b/.hidden|[]"


def test_dot_segments_resolve_as_django_does() -> None:
    # resolve() is Django's string matching; only the dispatcher refuses them.
    assert PROD.resolve("/files/../x").kwargs == {"rest": "../x"}


def test_empty_path_info_is_the_root() -> None:
    assert wsgi(PROD, "").text == "GET () []"


def test_mounts_answer_when_the_map_is_called_as_a_view() -> None:
    app = um.URLMap([um.mount("m/", plain_app)])
    response = app(webob.Request.blank("/m/x", environ={"SCRIPT_NAME": "/s"}))
    assert response.text == "/s/m|/x|[]"


def test_mount_a_static_file_server(tmp_path: Any) -> None:
    from webob.static import DirectoryApp

    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "site.css").write_text("body{}")
    (tmp_path.parent / "secret.txt").write_text("secret")
    app = um.URLMap([um.mount("static/", DirectoryApp(str(tmp_path))), um.path("x/", echo)])
    response = wsgi(app, "/static/css/site.css")
    assert (response.status_int, response.body) == (200, b"body{}")
    assert response.content_type == "text/css"
    assert wsgi(app, "/static/css/missing.css").status_int == 404
    assert wsgi(app, "/static/../secret.txt").status_int == 404
    assert wsgi(app, "/static/css/../../secret.txt").status_int == 404


@pytest.mark.parametrize("debug", [False, True])
def test_random_raw_paths_never_break_the_dispatcher(debug: bool) -> None:
    import random

    rng = random.Random(11)
    app = make_map(debug=debug, append_slash=True, max_path_length=300)
    pieces = ["/", "//", ".", "..", "%", "%2F", "a", "café", "\x00", "\r\n", " ", "<", "'", "é"]
    pieces += [chr(b) for b in range(0x80, 0x100, 7)] + ["articles", "2024", "files", "ns", "leaf"]
    statuses = set()
    for _ in range(300):
        path = "/" + "".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))
        raw = (
            path.encode("utf-8", "surrogatepass").decode("latin-1") if rng.random() < 0.5 else path
        )
        if any(ord(c) > 0xFF for c in raw):
            raw = raw.encode("utf-8").decode("latin-1")
        method = rng.choice(["GET", "POST", "HEAD", "DELETE"])
        response = wsgi(app, raw, method=method, query=rng.choice(["", "a=1", "x=%ZZ&\r"]))
        statuses.add(response.status_int)
        assert response.status_int in (200, 301, 308, 404, 405, 414), raw
        if response.status_int in (301, 308):
            location = response.headers["Location"]
            assert not any(c in location for c in "\r\n\x00 ")
            assert not location.startswith("//")
    assert {200, 404} <= statuses

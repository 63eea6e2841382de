"""The Client over a plain WebOb application: forms, redirects, cookies, JSON, CSRF, failures."""

from __future__ import annotations

import html
import json
from typing import Any

import pytest
import webob
import webob.exc
from webob.dec import wsgify
from webtest import AppError

from manouche.testkit import Client, Response

FORM_PAGE = """<!doctype html>
<html><body>
<form id="search" action="/search" method="get"><input name="q"></form>
<form id="edit" name="editor" action="/echo" method="post" enctype="multipart/form-data">
  <input type="hidden" name="csrfmiddlewaretoken" value="{token}">
  <input name="title" value="old">
  <textarea name="body"></textarea>
  <select name="kind"><option value="a">A</option><option value="b">B</option></select>
  <select name="colours" multiple>
    <option value="red">Red</option><option value="green">Green</option>
    <option value="blue">Blue</option>
  </select>
  <input type="checkbox" name="tags" value="x"><input type="checkbox" name="tags" value="y">
  <input type="checkbox" name="public" value="on">
  <input type="radio" name="size" value="s"><input type="radio" name="size" value="l">
  <input type="file" name="attachment">
  <input type="submit" name="action" value="save">
  <input type="submit" name="action" value="publish">
</form>
</body></html>"""


@wsgify
def app(req: webob.Request) -> webob.Response:
    path = req.path_info
    if path == "/form":
        token = req.cookies.get("csrftoken", "page-token")
        return webob.Response(FORM_PAGE.format(token=html.escape(token)))
    if path == "/echo":
        fields: dict[str, Any] = {}
        for key, value in req.POST.items():
            if hasattr(value, "filename"):
                value = {"filename": value.filename, "content": value.file.read().decode()}
            elif isinstance(value, bytes):
                value = value.decode()
            fields.setdefault(key, []).append(value)
        return webob.Response(
            json={
                "method": req.method,
                "fields": fields,
                "query": dict(req.GET),
                "csrf_header": req.headers.get("X-CSRFToken"),
                "cookies": dict(req.cookies),
            }
        )
    if path == "/search":
        return webob.Response(f"results for {req.GET.get('q', '')}", content_type="text/plain")
    if path == "/login":
        res = webob.Response("logged in", content_type="text/plain")
        res.set_cookie("session", "s3cret")
        res.set_cookie("csrftoken", "cookie-token")
        return res
    if path == "/whoami":
        return webob.Response(req.cookies.get("session", "anonymous"), content_type="text/plain")
    if path == "/logout":
        res = webob.exc.HTTPFound(location="/whoami")
        res.delete_cookie("session")
        return res
    if path == "/api/items":
        if req.method == "POST":
            return webob.Response(json={"created": req.json, "ct": req.content_type}, status=201)
        return webob.Response(json={"accept": req.accept.header_value, "items": [1, 2]})
    if path == "/environ-token":
        req.environ["manouche.csrf_token"] = "environ-token"
        return webob.Response("<p>no form here</p>")
    if path.startswith("/hop/"):
        n = int(path.rsplit("/", 1)[1])
        if n == 0:
            return webob.Response(f"landed after {req.method}", content_type="text/plain")
        return webob.exc.HTTPFound(location=f"/hop/{n - 1}")
    if path == "/see-other":
        return webob.exc.HTTPSeeOther(location="/echo")
    if path == "/temporary":
        return webob.exc.HTTPTemporaryRedirect(location="/echo")
    if path == "/loop-a":
        return webob.exc.HTTPFound(location="/loop-b")
    if path == "/loop-b":
        return webob.exc.HTTPFound(location="/loop-a")
    if path == "/external":
        return webob.exc.HTTPFound(location="https://elsewhere.example/")
    if path == "/to-missing":
        return webob.exc.HTTPFound(location="/missing")
    if path == "/boom":
        return webob.Response("Traceback: KeyError 'widget' in view()", status=500)
    return webob.Response("page not found: " + path, status=404, content_type="text/plain")


@pytest.fixture
def client() -> Client:
    return Client(app)


# -- forms ----------------------------------------------------------------------


def test_submit_form_fills_every_kind_of_field(client: Client) -> None:
    res = client.submit_form(
        "/form",
        {
            "title": "New title",
            "body": "Some text",
            "kind": "b",
            "colours": ["red", "blue"],
            "tags": ["y"],
            "public": True,
            "size": "l",
            "attachment": ("notes.txt", b"file content"),
        },
        form="edit",
        submit="action",
    )
    fields = res.json["fields"]
    assert res.json["method"] == "POST"
    assert fields["title"] == ["New title"]
    assert fields["body"] == ["Some text"]
    assert fields["kind"] == ["b"]
    assert fields["colours"] == ["red", "blue"]
    assert fields["tags"] == ["y"]
    assert fields["public"] == ["on"]
    assert fields["size"] == ["l"]
    assert fields["attachment"] == [{"filename": "notes.txt", "content": "file content"}]
    assert fields["action"] == ["save"]
    # The hidden CSRF field travels as the page had it.
    assert fields["csrfmiddlewaretoken"] == ["page-token"]


def test_submit_form_keeps_defaults_and_sends_the_form_method(client: Client) -> None:
    res = client.submit_form("/form", {"q": "django"}, form="search")
    assert res.text == "results for django"
    res = client.submit_form("/form", form="editor")  # by name; defaults untouched
    assert res.json["fields"]["title"] == ["old"]
    assert "tags" not in res.json["fields"]


def test_submit_form_from_a_response_and_by_index(client: Client) -> None:
    page = client.get("/form")
    res = client.submit_form(page, {"title": "x"}, form=1)
    assert res.json["fields"]["title"] == ["x"]


def test_hidden_fields_can_be_tampered_with(client: Client) -> None:
    res = client.submit_form("/form", {"csrfmiddlewaretoken": "forged"}, form="edit")
    assert res.json["fields"]["csrfmiddlewaretoken"] == ["forged"]


def test_several_forms_need_a_choice(client: Client) -> None:
    with pytest.raises(AssertionError, match=r"has 2 forms.*#0 \(id='search'.*#1 \(id='edit'"):
        client.submit_form("/form", {"q": "x"})


def test_unknown_form_lists_the_forms(client: Client) -> None:
    with pytest.raises(AssertionError, match=r"no form 'comments'.*action='/search'"):
        client.submit_form("/form", form="comments")
    with pytest.raises(AssertionError, match="no form 5"):
        client.submit_form("/form", form=5)


def test_page_without_form_shows_the_body(client: Client) -> None:
    with pytest.raises(AssertionError, match=r"no <form>.*\n<p>no form here</p>"):
        client.submit_form("/environ-token")


def test_unknown_field_lists_the_fields(client: Client) -> None:
    with pytest.raises(AssertionError, match=r"no field named 'titel'.*body, colours.*title"):
        client.submit_form("/form", {"titel": "x"}, form="edit")


def test_unknown_checkbox_value(client: Client) -> None:
    with pytest.raises(AssertionError, match="checkbox 'tags' has no value z; its values: x, y"):
        client.submit_form("/form", {"tags": ["x", "z"]}, form="edit")


def test_unknown_select_option_is_an_error(client: Client) -> None:
    with pytest.raises(ValueError, match="c"):
        client.submit_form("/form", {"kind": "c"}, form="edit")


# -- redirects ------------------------------------------------------------------


def test_follow_records_the_chain(client: Client) -> None:
    res = client.get("/hop/3", follow=True)
    assert res.text == "landed after GET"
    assert [code for _, code in res.redirect_chain] == [302, 302, 302]
    assert [url.rsplit("/", 2)[-2:] for url, _ in res.redirect_chain] == [
        ["hop", "2"],
        ["hop", "1"],
        ["hop", "0"],
    ]


def test_without_follow_the_redirect_is_returned(client: Client) -> None:
    res = client.get("/hop/1")
    assert res.status_int == 302
    assert res.redirect_chain == []
    assert res.maybe_follow().text == "landed after GET"


def test_303_after_post_becomes_get(client: Client) -> None:
    res = client.post("/see-other", {"a": "1"}, follow=True)
    assert res.json["method"] == "GET"
    assert res.redirect_chain[0][1] == 303


def test_307_repeats_the_method_and_body(client: Client) -> None:
    res = client.post("/temporary", {"a": "1"}, follow=True)
    assert res.json["method"] == "POST"
    assert res.json["fields"] == {"a": ["1"]}


def test_redirect_loop_is_named(client: Client) -> None:
    with pytest.raises(AssertionError, match=r"redirect loop: .*/loop-b \(302\) -> .*/loop-a"):
        client.get("/loop-a", follow=True)


def test_external_redirect_is_not_followed(client: Client) -> None:
    res = client.get("/external", follow=True)
    assert res.status_int == 302
    assert res.location == "https://elsewhere.example/"


def test_follow_checks_the_final_status(client: Client) -> None:
    with pytest.raises(AppError, match=r"404 Not Found.*\n(.|\n)*page not found: /missing"):
        client.get("/to-missing", follow=True)
    res = client.get("/to-missing", follow=True, status=404)
    assert res.redirect_chain[0][1] == 302
    res = client.get("/to-missing", follow=True, expect_errors=True)
    assert res.status_int == 404


def test_submit_form_can_follow(client: Client) -> None:
    page = webob.Response('<form action="/hop/2" method="post"><input name="a"></form>')
    client.app = _with_page(page)
    res = client.submit_form("/page", {"a": "1"}, follow=True)
    assert res.text == "landed after GET"
    assert len(res.redirect_chain) == 2


def _with_page(page: webob.Response) -> Any:
    @wsgify
    def wrapped(req: webob.Request) -> Any:
        if req.path_info == "/page":
            return page
        return req.get_response(app)

    return wrapped


# -- cookies --------------------------------------------------------------------


def test_cookies_are_kept_across_requests(client: Client) -> None:
    assert client.get("/whoami").text == "anonymous"
    client.get("/login")
    assert client.get("/whoami").text == "s3cret"
    assert client.cookies["session"] == "s3cret"
    assert client.get("/logout", follow=True).text == "anonymous"


def test_each_client_has_its_own_cookies(client: Client) -> None:
    client.get("/login")
    assert Client(app).get("/whoami").text == "anonymous"


# -- JSON -----------------------------------------------------------------------


def test_json_requests(client: Client) -> None:
    res = client.get_json("/api/items")
    assert res.json == {"accept": "application/json", "items": [1, 2]}
    res = client.post_json("/api/items", {"name": "x"}, status=201)
    assert res.json == {"created": {"name": "x"}, "ct": "application/json"}


# -- CSRF -----------------------------------------------------------------------


def test_csrf_token_from_the_form_field(client: Client) -> None:
    assert client.csrf_token() is None
    page = client.get("/form")
    assert client.csrf_token() == "page-token"
    assert client.csrf_headers(page) == {"X-CSRFToken": "page-token"}


def test_csrf_token_from_the_environ_then_the_cookie(client: Client) -> None:
    client.get("/environ-token")
    assert client.csrf_token() == "environ-token"
    client.get("/login")
    assert client.csrf_token() == "cookie-token"  # no field, no environ token: the cookie


def test_no_csrf_token_is_a_clear_failure(client: Client) -> None:
    with pytest.raises(AssertionError, match="no CSRF token.*'csrftoken' cookie"):
        client.csrf_headers()


def test_send_csrf_puts_the_token_in_a_header_of_unsafe_requests() -> None:
    client = Client(app, send_csrf=True, csrf_header="X-CSRFToken")
    client.get("/login")
    assert client.post_json("/echo", {"a": 1}).json["csrf_header"] == "cookie-token"
    assert client.get("/echo").json["csrf_header"] is None  # GET is safe
    assert Client(app).post("/echo").json["csrf_header"] is None  # off by default
    explicit = client.post("/echo", headers={"X-CSRFToken": "mine"})
    assert explicit.json["csrf_header"] == "mine"


def test_csrf_names_are_configurable() -> None:
    client = Client(app, csrf_field="title", csrf_cookie="session")
    client.get("/form")
    assert client.csrf_token() == "old"


# -- failures show the body ------------------------------------------------------


def test_error_status_fails_with_the_body(client: Client) -> None:
    with pytest.raises(AppError) as info:
        client.get("/boom")
    assert "500 Internal Server Error" in str(info.value)
    assert "KeyError 'widget' in view()" in str(info.value)


def test_unexpected_status_fails_with_the_body(client: Client) -> None:
    with pytest.raises(AppError, match=r"(?s)404 Not Found \(not 200\).*page not found: /nowhere"):
        client.get("/nowhere", status=200)


def test_assert_status_shows_the_whole_response(client: Client) -> None:
    res = client.get("/boom", expect_errors=True)
    assert isinstance(res, Response)
    with pytest.raises(AssertionError) as info:
        res.assert_status(200)
    message = str(info.value)
    assert message.startswith("expected status 200, got 500 Internal Server Error for GET")
    assert "KeyError 'widget' in view()" in message
    assert res.assert_status(500) is res


def test_repr_carries_the_start_of_the_body(client: Client) -> None:
    res = client.get("/boom", expect_errors=True)
    assert repr(res) == (
        "<Response 500 Internal Server Error text/html "
        "body=\"Traceback: KeyError 'widget' in view()\">"
    )
    long = Client(_with_page(webob.Response("x" * 1000))).get("/page")
    assert repr(long).endswith("xxx... (1000 bytes)'>")


def test_plain_assert_on_status_shows_the_body(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        import pytest
        import webob
        from webob.dec import wsgify

        @wsgify
        def app(req):
            return webob.Response("form invalid: title is required", status=400)

        @pytest.fixture
        def wsgi_app():
            return app
        """
    )
    pytester.makepyfile(
        """
        def test_it(client):
            res = client.post("/", {"title": ""}, expect_errors=True)
            assert res.status_int == 302
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*where 400 = <Response 400 Bad Request*title is required*"])


def test_last_response_and_repr(client: Client) -> None:
    assert client.last_response is None
    res = client.get("/search?q=a")
    assert client.last_response is res
    assert repr(client).startswith("<Client for ")
    assert json.loads(client.get_json("/api/items").body)["items"] == [1, 2]


def test_fields_sharing_a_name_take_a_list(client: Client) -> None:
    page = webob.Response(
        '<form action="/echo" method="post">'
        '<input name="phone"><input name="phone"><input type="checkbox" name="ok" value="yes">'
        "</form>"
    )
    client.app = _with_page(page)
    res = client.submit_form("/page", {"phone": ["123", "456"], "ok": ["yes"]}, form="/echo")
    assert res.json["fields"] == {"phone": ["123", "456"], "ok": ["yes"]}
    with pytest.raises(AssertionError, match="2 fields are named 'phone', 3 values given"):
        client.submit_form("/page", {"phone": ["1", "2", "3"]})


def test_307_after_get_stays_get(client: Client) -> None:
    res = client.get("/temporary", follow=True)
    assert res.json["method"] == "GET"
    assert res.redirect_chain[0][1] == 307

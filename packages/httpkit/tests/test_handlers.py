from __future__ import annotations

import logging

import pytest
import webob
import webob.exc

from manouche.httpkit import (
    BadRequest,
    DisallowedHost,
    Http404,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    WSGIHandler,
    make_wsgi_app,
)
from manouche.signals import got_request_exception, request_finished, request_started


def hello(request: webob.Request) -> webob.Response:
    return webob.Response("hello")


def test_a_view_becomes_a_wsgi_app(call):
    response = call(make_wsgi_app(hello))
    assert response.status_code == 200
    assert response.body == b"hello"
    assert isinstance(make_wsgi_app(hello), WSGIHandler)


def test_middleware_order_is_outermost_first(call):
    seen: list[str] = []

    def tracer(name):
        def factory(get_response):
            def handler(request):
                seen.append(f"{name} in")
                response = get_response(request)
                seen.append(f"{name} out")
                return response

            return handler

        return factory

    app = make_wsgi_app(hello, [tracer("a"), tracer("b")])
    assert seen == []  # factories run once, at build time; handlers per request
    call(app)
    assert seen == ["a in", "b in", "b out", "a out"]


def test_middleware_can_short_circuit(call):
    def deny(get_response):
        return lambda request: webob.Response("no", status=403)

    response = call(make_wsgi_app(hello, [deny]))
    assert response.status_code == 403 and response.body == b"no"


def test_routing_args_become_view_kwargs(call):
    def view(request, year, slug):
        return webob.Response(f"{year}/{slug}")

    response = call(
        make_wsgi_app(view), environ={"wsgiorg.routing_args": ((), {"year": 2026, "slug": "x"})}
    )
    assert response.body == b"2026/x"


@pytest.mark.parametrize(
    ("exc", "status"),
    [
        (webob.exc.HTTPNotFound(), 404),
        (webob.exc.HTTPFound(location="/elsewhere"), 302),
        (webob.exc.HTTPForbidden(), 403),
        (Http404("nope"), 404),
        (PermissionDenied(), 403),
        (BadRequest("bad"), 400),
        (SuspiciousOperation("sus"), 400),
        (DisallowedHost("host"), 400),
        (RequestDataTooBig("big"), 413),
        (RuntimeError("boom"), 500),
        (KeyError("k"), 500),
    ],
)
def test_exceptions_in_views_become_responses(call, exc, status, caplog):
    def view(request):
        raise exc

    with caplog.at_level(logging.CRITICAL):
        response = call(make_wsgi_app(view))
    assert response.status_code == status


def test_webob_redirect_exception_keeps_its_location(call):
    def view(request):
        raise webob.exc.HTTPFound(location="/elsewhere")

    response = call(make_wsgi_app(view))
    assert response.location == "http://localhost/elsewhere"


def test_exception_inside_is_seen_as_a_response_by_outer_middleware(call, caplog):
    statuses = []

    def outer(get_response):
        def handler(request):
            response = get_response(request)
            statuses.append(response.status_code)
            response.headers["X-Outer"] = "yes"
            return response

        return handler

    def boom(get_response):
        def handler(request):
            raise Http404()

        return handler

    with caplog.at_level(logging.CRITICAL):
        response = call(make_wsgi_app(hello, [outer, boom]))
    assert statuses == [404]
    assert response.status_code == 404 and response.headers["X-Outer"] == "yes"


def test_production_500_leaks_nothing(call, caplog):
    def view(request):
        raise RuntimeError("secret-password-123 <script>")

    with caplog.at_level(logging.CRITICAL, logger="manouche.httpkit.request"):
        response = call(make_wsgi_app(view))
    assert response.status_code == 500
    assert b"secret-password-123" not in response.body
    assert b"RuntimeError" not in response.body
    assert b"Traceback" not in response.body and b".py" not in response.body


def test_500_is_logged_with_the_traceback(call, caplog):
    def view(request):
        raise RuntimeError("logged")

    with caplog.at_level(logging.ERROR, logger="manouche.httpkit.request"):
        call(make_wsgi_app(view), "/where")
    record = caplog.records[-1]
    assert record.getMessage() == "Internal Server Error: /where"
    assert record.exc_info and record.exc_info[1].args == ("logged",)


def test_debug_500_shows_an_escaped_traceback(call, caplog):
    def exploding_view(request):
        raise ValueError("<script>alert(1)</script>")

    with caplog.at_level(logging.CRITICAL):
        response = call(make_wsgi_app(exploding_view, debug=True), "/x?<evil>=1")
    assert response.status_code == 500
    body = response.body.decode()
    assert "ValueError" in body and "exploding_view" in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<script>" not in body and "<evil>" not in body
    assert "&lt;evil&gt;" in body


def test_debug_page_redacts_credentials(call, caplog):
    def view(request):
        raise ValueError("x")

    with caplog.at_level(logging.CRITICAL):
        response = call(
            make_wsgi_app(view, debug=True),
            headers={"Cookie": "sessionid=topsecret", "Authorization": "Bearer tok3n"},
            environ={"APP_SECRET_KEY": "k3y"},
        )
    assert b"topsecret" not in response.body
    assert b"tok3n" not in response.body
    assert b"k3y" not in response.body
    assert b"HTTP_COOKIE" in response.body


def test_pluggable_error_handlers(call, caplog):
    def handler500(request, exc):
        return webob.Response(f"custom {type(exc).__name__}", status=500)

    def handler404(request, exc):
        return webob.Response("custom 404", status=404)

    def boom(request):
        raise RuntimeError()

    def missing(request):
        raise Http404()

    with caplog.at_level(logging.CRITICAL):
        assert call(make_wsgi_app(boom, handler500=handler500)).body == b"custom RuntimeError"
    assert call(make_wsgi_app(missing, handler404=handler404)).body == b"custom 404"


def test_a_failing_error_handler_still_gives_a_plain_500(call, caplog):
    def handler500(request, exc):
        raise OSError("handler broke")

    def boom(request):
        raise RuntimeError()

    with caplog.at_level(logging.CRITICAL):
        response = call(make_wsgi_app(boom, handler500=handler500))
    assert response.status_code == 500
    assert b"handler broke" not in response.body


def test_a_view_returning_something_else_is_a_500(call, caplog):
    with caplog.at_level(logging.CRITICAL):
        response = call(make_wsgi_app(lambda request: "not a response"))
    assert response.status_code == 500


def test_invalid_utf8_in_path_is_400(call):
    response = call(make_wsgi_app(hello), "/caf%ff")
    assert response.status_code == 400


def test_valid_utf8_path_is_fine(call):
    def view(request):
        return webob.Response(request.path_info)

    assert call(make_wsgi_app(view), "/caf%C3%A9").text == "/café"


def test_invalid_utf8_in_query_is_400_not_500(call, caplog):
    def view(request):
        return webob.Response(request.GET.get("q", ""))

    with caplog.at_level(logging.CRITICAL):
        assert call(make_wsgi_app(view), "/?q=%ff").status_code == 400
        assert call(make_wsgi_app(view), "/?q=%zz").status_code == 200  # kept literally


def test_signals_are_sent(call):
    events: list[tuple[str, object]] = []

    def started(sender, **kwargs):
        events.append(("started", kwargs["environ"]["PATH_INFO"]))

    def finished(sender, **kwargs):
        events.append(("finished", sender))

    request_started.connect(started)
    request_finished.connect(finished)
    try:
        call(make_wsgi_app(hello), "/sig")
    finally:
        request_started.disconnect(started)
        request_finished.disconnect(finished)
    assert events == [("started", "/sig"), ("finished", WSGIHandler)]


def test_request_finished_is_sent_on_close_not_before(call):
    order: list[str] = []

    def streaming(request):
        def body():
            order.append("body")
            yield b"x"

        response = webob.Response()
        response.app_iter = body()
        return response

    def finished(sender, **kwargs):
        order.append("finished")

    request_finished.connect(finished)
    try:
        call(make_wsgi_app(streaming))
    finally:
        request_finished.disconnect(finished)
    assert order == ["body", "finished"]


def test_got_request_exception_is_sent_with_the_request(call, caplog):
    received = []

    def on_exception(sender, **kwargs):
        received.append(kwargs["request"].path_info)

    def boom(request):
        raise RuntimeError()

    got_request_exception.connect(on_exception)
    try:
        with caplog.at_level(logging.CRITICAL):
            call(make_wsgi_app(boom), "/failing")
            call(make_wsgi_app(lambda r: (_ for _ in ()).throw(Http404())), "/missing")
    finally:
        got_request_exception.disconnect(on_exception)
    assert received == ["/failing"]  # 4xx are not exceptions of the server


def test_bad_arguments_are_rejected_at_build_time():
    with pytest.raises(TypeError, match="view must be callable"):
        make_wsgi_app("nope")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="middleware must be callable"):
        make_wsgi_app(hello, [42])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="returned None"):
        make_wsgi_app(hello, [lambda get_response: None])


def test_head_requests_have_no_body(call):
    response = call(make_wsgi_app(hello), method="HEAD")
    assert response.status_code == 200 and response.body == b""


def test_get_response_in_these_tests_runs_under_wsgiref_validate():
    # The conftest wraps every get_response() call in wsgiref.validate: an app
    # breaking PEP 3333 (here: no Content-Type on a 200) fails the test.
    def broken(environ, start_response):
        start_response("200 OK", [("X-Only", "header")])
        return [b"x"]

    with pytest.raises(AssertionError, match="No Content-Type"):
        webob.Request.blank("/").get_response(broken)


def test_request_finished_sent_once_per_response_even_with_a_failing_close(call):
    finished = []

    class Body:
        def __iter__(self):
            return iter([b"body"])

        def close(self):
            raise OSError("close failed")

    def view(request):
        response = webob.Response(content_type="text/plain")
        response.app_iter = Body()
        return response

    def on_finished(sender, **kwargs):
        finished.append(sender)

    request_finished.connect(on_finished)
    try:
        with pytest.raises(OSError, match="close failed"):
            call(make_wsgi_app(view))
    finally:
        request_finished.disconnect(on_finished)
    assert finished == [WSGIHandler]


def test_debug_page_redacts_url_passwords_and_secret_parameters(call, caplog):
    def view(request):
        request.POST  # noqa: B018 - parsed before the failure, so the page lists it
        raise ValueError("cannot reach postgresql://app:pw-in-message@db/x")

    with caplog.at_level(logging.CRITICAL):
        response = call(
            make_wsgi_app(view, debug=True),
            "/p?q=shown&api_key=qk-1&Password=qp-2",
            method="POST",
            body=b"user=bob&password=fp-3&signature=fs-4",
            content_type="application/x-www-form-urlencoded",
            environ={
                "DATABASE_URL": "postgres://u:envpw-5@h/db",
                "CACHE": "redis://:envpw-6@h:6379/0",
                "MY_AUTH_HEADER": "ah-7",
                "HTTP_REFERER": "http://x/?token=rt-8&n=1",
            },
        )
    body = response.text
    assert response.status_code == 500
    for secret in (
        "pw-in-message",
        "qk-1",
        "qp-2",
        "fp-3",
        "fs-4",
        "envpw-5",
        "envpw-6",
        "ah-7",
        "rt-8",
    ):
        assert secret not in body, secret
    for shown in ("shown", "bob", "postgres://u:", "DATABASE_URL", "api_key", "n=1"):
        assert shown in body, shown


def test_redaction_helpers():
    from manouche.httpkit.errors import redact_query, redact_text

    assert redact_text("postgresql+psycopg://user:pa:ss@host/db") == (
        "postgresql+psycopg://user:********************@host/db"
    )
    assert redact_text("see https://example.com/a:b@c") == "see https://example.com/a:b@c"
    assert redact_query("a=1&secret_thing=2&b") == "a=1&secret_thing=********************&b"
    assert redact_query("/path?x=1&TOKEN=2") == "/path?x=1&TOKEN=********************"
    assert redact_query("a%5Fkey=1") == "a%5Fkey=********************"


def test_undecodable_path_400_goes_through_the_middleware(call):
    seen = []

    def mark(get_response):
        def handler(request):
            response = get_response(request)
            seen.append(response.status_code)
            response.headers["X-Seen"] = "1"
            return response

        return handler

    app = make_wsgi_app(lambda request: webob.Response("never"), [mark])
    response = call(app, environ={"PATH_INFO": "/caf\xe9"})
    assert response.status_code == 400 and response.headers["X-Seen"] == "1"
    assert "not valid UTF-8" in response.text
    assert seen == [400]


def test_plain_bad_request_messages_stay_private(call, caplog):
    from manouche.httpkit import BadRequest

    def view(request):
        raise BadRequest("internal detail 42")

    with caplog.at_level(logging.CRITICAL):
        response = call(make_wsgi_app(view))
    assert response.status_code == 400 and "internal detail" not in response.text

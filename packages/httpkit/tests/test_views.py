from __future__ import annotations

import logging

import pytest
import webob

from manouche.httpkit import RedirectView, View, make_wsgi_app


class Greeting(View):
    greeting = "hello"

    def get(self, request, name="world"):
        return webob.Response(f"{self.greeting} {name}")

    def post(self, request, **kwargs):
        return webob.Response("posted", status=201)


def app_for(view_cls, **initkwargs):
    return make_wsgi_app(view_cls.as_view(**initkwargs))


def test_get_is_dispatched(call):
    assert call(app_for(Greeting)).body == b"hello world"


def test_initkwargs_override_class_attributes(call):
    assert call(app_for(Greeting, greeting="bonjour")).body == b"bonjour world"


def test_route_kwargs_reach_the_method(call):
    app = app_for(Greeting)
    response = call(app, environ={"wsgiorg.routing_args": ((), {"name": "django"})})
    assert response.body == b"hello django"


def test_post_is_dispatched(call):
    assert call(app_for(Greeting), method="POST").status_code == 201


def test_head_falls_back_to_get_without_a_body(call):
    response = call(app_for(Greeting), method="HEAD")
    assert response.status_code == 200
    assert response.body == b""
    assert response.content_length == len(b"hello world")


def test_options_lists_the_allowed_methods(call):
    response = call(app_for(Greeting), method="OPTIONS")
    assert response.status_code == 200
    assert response.headers["Allow"] == "GET, POST, HEAD, OPTIONS"
    assert response.body == b""
    assert response.headers["Content-Length"] == "0"


@pytest.mark.invalid_environ
def test_unknown_methods_are_405():
    response = webob.Request.blank("/", method="BREW").get_response(app_for(Greeting))
    assert response.status_code == 405


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "TRACE"])
def test_other_methods_are_405_with_allow(call, method, caplog):
    with caplog.at_level(logging.CRITICAL):
        response = call(app_for(Greeting), method=method)
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, POST, HEAD, OPTIONS"


def test_as_view_rejects_unknown_and_method_keywords():
    with pytest.raises(TypeError, match="invalid keyword 'colour'"):
        Greeting.as_view(colour="red")
    with pytest.raises(TypeError, match="method name 'get'"):
        Greeting.as_view(get=lambda r: None)


def test_as_view_keeps_the_class_and_a_fresh_instance_per_request(call):
    instances = []

    class Counting(View):
        def get(self, request):
            instances.append(self)
            return webob.Response("ok")

    view = Counting.as_view()
    assert view.view_class is Counting and view.__name__ == "Counting"
    app = make_wsgi_app(view)
    call(app)
    call(app)
    assert len(instances) == 2 and instances[0] is not instances[1]


def test_matches_django_allowed_methods(django_settings):
    from django.test import RequestFactory
    from django.views import View as DjangoView

    class DjangoGreeting(DjangoView):
        def get(self, request):
            from django.http import HttpResponse

            return HttpResponse("x")

        def post(self, request):
            from django.http import HttpResponse

            return HttpResponse("x")

    factory = RequestFactory()
    django_response = DjangoGreeting.as_view()(factory.options("/"))
    ours = webob.Request.blank("/", method="OPTIONS").get_response(app_for(Greeting))
    assert ours.headers["Allow"] == django_response.headers["Allow"]
    with_logging_off = logging.getLogger("django.request")
    with_logging_off.disabled = True
    try:
        django_405 = DjangoGreeting.as_view()(factory.put("/"))
    finally:
        with_logging_off.disabled = False
    assert django_405.status_code == 405
    assert django_405.headers["Allow"] == ours.headers["Allow"]


def test_redirect_view_temporary_and_permanent(call):
    response = call(
        app_for(RedirectView, url="/new/%(slug)s/"),
        environ={"wsgiorg.routing_args": ((), {"slug": "abc"})},
    )
    assert response.status_code == 302
    assert response.location == "http://localhost/new/abc/"
    response = call(app_for(RedirectView, url="/new/", permanent=True))
    assert response.status_code == 301


def test_redirect_view_query_string(call):
    response = call(app_for(RedirectView, url="/new/", query_string=True), "/old/?a=1&b=2")
    assert response.location == "http://localhost/new/?a=1&b=2"
    response = call(app_for(RedirectView, url="/new/"), "/old/?a=1")
    assert response.location == "http://localhost/new/"


@pytest.mark.parametrize("method", ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
def test_redirect_view_redirects_every_method(call, method):
    assert call(app_for(RedirectView, url="/x"), method=method).status_code == 302


def test_redirect_view_without_url_is_gone(call, caplog):
    with caplog.at_level(logging.CRITICAL):
        assert call(app_for(RedirectView)).status_code == 410

from __future__ import annotations

import logging

import pytest
import webob

from manouche.httpkit import CommonMiddleware, make_wsgi_app

PAGES = {"/about/", "/", "/caf\xc3\xa9/", "//evil.example/"}
calls: list[str] = []


def site(request):
    calls.append(request.method + " " + request.environ["PATH_INFO"])
    if request.environ["PATH_INFO"] in PAGES:
        return webob.Response("page")
    return webob.Response("missing", status=404)


APP = make_wsgi_app(site, [CommonMiddleware])


def test_append_slash_keeps_the_query_string(call):
    response = call(APP, "/about?x=1&y=%20")
    assert response.status_code == 301
    assert response.location == "http://localhost/about/?x=1&y=%20"


def test_no_redirect_when_the_slashed_path_does_not_exist(call):
    assert call(APP, "/nowhere").status_code == 404


def test_existing_pages_are_untouched(call):
    assert call(APP, "/about/").status_code == 200


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_only_get_and_head_are_redirected(call, method):
    assert call(APP, "/about", method=method).status_code == 404


def test_head_is_redirected(call):
    assert call(APP, "/about", method="HEAD").status_code == 301


def test_resolver_instead_of_probing(call):
    calls.clear()
    app = make_wsgi_app(site, [CommonMiddleware.configure(is_valid_path=lambda p: p in PAGES)])
    assert call(app, "/about").status_code == 301
    assert calls == ["GET /about"]
    calls.clear()
    call(APP, "/about")
    assert calls == ["GET /about", "GET /about/"]


def test_no_protocol_relative_open_redirect(call):
    response = call(APP, "//evil.example")
    assert response.status_code == 301
    assert response.location == "http://localhost/%2Fevil.example/"


def test_non_ascii_paths_are_escaped(call):
    response = call(APP, "/caf%C3%A9")
    assert response.location == "http://localhost/caf%C3%A9/"


def test_append_slash_off(call):
    app = make_wsgi_app(site, [CommonMiddleware.configure(append_slash=False)])
    assert call(app, "/about").status_code == 404


def test_prepend_www(call):
    app = make_wsgi_app(site, [CommonMiddleware.configure(prepend_www=True)])
    response = call(app, "/about?q=1", headers={"Host": "example.com"})
    assert response.status_code == 301
    assert response.location == "http://www.example.com/about/?q=1"
    assert call(app, "/about/", headers={"Host": "www.example.com"}).status_code == 200


def test_disallowed_user_agents(call, caplog):
    app = make_wsgi_app(site, [CommonMiddleware.configure(disallowed_user_agents=[r"BadBot"])])
    with caplog.at_level(logging.CRITICAL):
        assert call(app, "/about/", headers={"User-Agent": "BadBot/1.0"}).status_code == 403
    assert call(app, "/about/", headers={"User-Agent": "Firefox"}).status_code == 200


def test_redirect_matches_django(django_settings):
    """Differential: the Location Django's CommonMiddleware gives for the same request."""
    from django.http import HttpResponse, HttpResponseNotFound
    from django.middleware.common import CommonMiddleware as DjangoCommon
    from django.test import RequestFactory, override_settings
    from django.urls import path

    class URLs:
        urlpatterns = [path("about/", lambda r: HttpResponse("page"))]

    with override_settings(ROOT_URLCONF=URLs, APPEND_SLASH=True, ALLOWED_HOSTS=["testserver"]):
        for url in ("/about?x=1&y=%20", "/about"):
            django_response = DjangoCommon(lambda r: HttpResponseNotFound())(
                RequestFactory().get(url)
            )
            ours = webob.Request.blank(url).get_response(APP)
            assert ours.status_code == django_response.status_code
            assert ours.location.removeprefix("http://localhost") == django_response["Location"]


def test_append_slash_never_redirects_to_a_failing_page(call, caplog):
    def view(request):
        if request.path_info == "/broken/":
            raise RuntimeError("the slashed page fails")
        if request.path_info == "/post-only/":
            return webob.Response(status=405, headerlist=[("Allow", "POST")])
        return webob.Response("missing", status=404)

    app = make_wsgi_app(view, [CommonMiddleware])
    with caplog.at_level(logging.CRITICAL):
        assert call(app, "/broken").status_code == 404
    # A URL that exists for another method is still there (Django's resolver says so).
    assert call(app, "/post-only").status_code == 301

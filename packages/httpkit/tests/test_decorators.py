from __future__ import annotations

import logging

import pytest
import webob

from manouche.httpkit import (
    make_wsgi_app,
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)


def view(request):
    return webob.Response("ok")


def test_require_http_methods(call, caplog):
    app = make_wsgi_app(require_http_methods(["get", "PUT"])(view))
    assert call(app).status_code == 200
    assert call(app, method="PUT").status_code == 200
    with caplog.at_level(logging.CRITICAL):
        response = call(app, method="POST")
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, PUT"


@pytest.mark.parametrize(
    ("decorator", "ok", "refused"),
    [
        (require_GET, "GET", "POST"),
        (require_POST, "POST", "GET"),
        (require_safe, "HEAD", "DELETE"),
    ],
)
def test_shorthands(call, decorator, ok, refused, caplog):
    app = make_wsgi_app(decorator(view))
    assert call(app, method=ok).status_code == 200
    with caplog.at_level(logging.CRITICAL):
        assert call(app, method=refused).status_code == 405


def test_keeps_the_view_name_and_needs_a_method():
    assert require_GET(view).__name__ == "view"
    with pytest.raises(ValueError):
        require_http_methods([])


def test_allow_matches_django(django_settings):
    from django.http import HttpResponse
    from django.test import RequestFactory
    from django.views.decorators.http import require_http_methods as django_require

    logging.getLogger("django.request").disabled = True
    try:
        django_response = django_require(["GET", "PUT"])(lambda r: HttpResponse())(
            RequestFactory().post("/")
        )
    finally:
        logging.getLogger("django.request").disabled = False
    ours = webob.Request.blank("/", method="POST").get_response(
        make_wsgi_app(require_http_methods(["GET", "PUT"])(view))
    )
    assert ours.status_code == django_response.status_code == 405
    assert ours.headers["Allow"] == django_response.headers["Allow"]

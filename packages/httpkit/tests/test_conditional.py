from __future__ import annotations

import pytest
import webob

from manouche.httpkit import (
    ConditionalGetMiddleware,
    get_conditional_response,
    make_wsgi_app,
    parse_etags,
    parse_http_date_safe,
    quote_etag,
)

LAST_MODIFIED = "Sat, 12 Feb 2011 17:38:44 GMT"
EARLIER = "Sat, 12 Feb 2011 17:35:44 GMT"
LATER = "Sat, 12 Feb 2011 17:41:44 GMT"


def static_page(request):
    response = webob.Response("the same body every time")
    response.headers["Last-Modified"] = LAST_MODIFIED
    response.headers["Cache-Control"] = "max-age=60"
    response.set_cookie("c", "v")
    response.headers["X-Other"] = "dropped on 304"
    return response


APP = make_wsgi_app(static_page, [ConditionalGetMiddleware])


def test_etag_is_the_md5_of_the_body(call):
    import hashlib

    response = call(APP)
    assert response.headers["ETag"] == '"' + hashlib.md5(response.body).hexdigest() + '"'


def test_if_none_match_gives_304_with_the_kept_headers(call):
    etag = call(APP).headers["ETag"]
    response = call(APP, headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.body == b""
    assert response.headers["ETag"] == etag
    assert response.headers["Last-Modified"] == LAST_MODIFIED
    assert response.headers["Cache-Control"] == "max-age=60"
    assert "Set-Cookie" in response.headers
    assert "X-Other" not in response.headers


def test_weak_comparison_for_if_none_match(call):
    etag = call(APP).headers["ETag"]
    assert call(APP, headers={"If-None-Match": f'"x", W/{etag}'}).status_code == 304
    assert call(APP, headers={"If-None-Match": '"other"'}).status_code == 200
    assert call(APP, headers={"If-None-Match": "*"}).status_code == 304


def test_if_modified_since(call):
    assert call(APP, headers={"If-Modified-Since": LAST_MODIFIED}).status_code == 304
    assert call(APP, headers={"If-Modified-Since": LATER}).status_code == 304
    assert call(APP, headers={"If-Modified-Since": EARLIER}).status_code == 200
    assert call(APP, headers={"If-Modified-Since": "garbage"}).status_code == 200


def test_if_none_match_wins_over_if_modified_since(call):
    headers = {"If-None-Match": '"other"', "If-Modified-Since": LATER}
    assert call(APP, headers=headers).status_code == 200


def test_if_match_and_if_unmodified_since_give_412(call):
    etag = call(APP).headers["ETag"]
    assert call(APP, headers={"If-Match": '"other"'}).status_code == 412
    assert call(APP, headers={"If-Match": etag}).status_code == 200
    assert call(APP, headers={"If-Match": f"W/{etag}"}).status_code == 412  # strong comparison
    assert call(APP, headers={"If-Unmodified-Since": EARLIER}).status_code == 412
    assert call(APP, headers={"If-Unmodified-Since": LATER}).status_code == 200


def test_only_2xx_get_and_head_are_touched(call):
    def missing(request):
        return webob.Response("gone", status=404)

    app = make_wsgi_app(missing, [ConditionalGetMiddleware])
    assert call(app, headers={"If-None-Match": "*"}).status_code == 404
    post = call(APP, method="POST", headers={"If-None-Match": "*"})
    assert post.status_code == 200 and "ETag" not in post.headers
    assert call(APP, method="HEAD", headers={"If-Modified-Since": LATER}).status_code == 304


def test_no_etag_for_no_store_or_streaming(call):
    def no_store(request):
        response = webob.Response("x")
        response.headers["Cache-Control"] = "private, no-store"
        return response

    def streaming(request):
        response = webob.Response()
        response.app_iter = iter([b"a", b"b"])
        return response

    assert "ETag" not in call(make_wsgi_app(no_store, [ConditionalGetMiddleware])).headers
    streamed = call(make_wsgi_app(streaming, [ConditionalGetMiddleware]))
    assert "ETag" not in streamed.headers and streamed.body == b"ab"


def test_helpers():
    assert quote_etag("abc") == '"abc"'
    assert quote_etag('W/"abc"') == 'W/"abc"'
    assert parse_etags('"a", W/"b", bad') == ['"a"', 'W/"b"']
    assert parse_etags(" * ") == ["*"]
    assert parse_http_date_safe(LAST_MODIFIED) == 1297532324
    assert parse_http_date_safe("Saturday, 12-Feb-11 17:38:44 GMT") == 1297532324
    assert parse_http_date_safe("Sat Feb 12 17:38:44 2011") == 1297532324
    assert parse_http_date_safe("nonsense") is None
    assert get_conditional_response(webob.Request.blank("/")) is None


CASES = [
    {},
    {"HTTP_IF_NONE_MATCH": "*"},
    {"HTTP_IF_NONE_MATCH": '"other"'},
    {"HTTP_IF_NONE_MATCH": "ETAG"},
    {"HTTP_IF_NONE_MATCH": "W/ETAG"},
    {"HTTP_IF_NONE_MATCH": 'bad, "other"'},
    {"HTTP_IF_MATCH": '"other"'},
    {"HTTP_IF_MATCH": "ETAG"},
    {"HTTP_IF_MATCH": "*"},
    {"HTTP_IF_MATCH": "W/ETAG"},
    {"HTTP_IF_MODIFIED_SINCE": LAST_MODIFIED},
    {"HTTP_IF_MODIFIED_SINCE": EARLIER},
    {"HTTP_IF_MODIFIED_SINCE": LATER},
    {"HTTP_IF_MODIFIED_SINCE": "not a date"},
    {"HTTP_IF_UNMODIFIED_SINCE": EARLIER},
    {"HTTP_IF_UNMODIFIED_SINCE": LATER},
    {"HTTP_IF_NONE_MATCH": '"other"', "HTTP_IF_MODIFIED_SINCE": LATER},
    {"HTTP_IF_MATCH": "ETAG", "HTTP_IF_UNMODIFIED_SINCE": EARLIER},
    {"HTTP_IF_MATCH": '"other"', "HTTP_IF_NONE_MATCH": "ETAG"},
]


@pytest.mark.parametrize("case", CASES, ids=[str(c) for c in CASES])
@pytest.mark.parametrize("with_last_modified", [True, False])
def test_same_status_as_djangos_conditional_get_middleware(
    django_settings, case, with_last_modified
):
    """Differential: the same request through Django's middleware and ours."""
    from django.http import HttpResponse
    from django.middleware.http import ConditionalGetMiddleware as DjangoConditional
    from django.test import RequestFactory

    body = "a body for the etag"

    def django_view(request):
        response = HttpResponse(body)
        if with_last_modified:
            response.headers["Last-Modified"] = LAST_MODIFIED
        return response

    def our_view(request):
        response = webob.Response(body)
        if with_last_modified:
            response.headers["Last-Modified"] = LAST_MODIFIED
        return response

    import hashlib

    etag = '"' + hashlib.md5(body.encode()).hexdigest() + '"'
    headers = {k: v.replace("ETAG", etag) for k, v in case.items()}
    django_response = DjangoConditional(django_view)(RequestFactory().get("/", **headers))
    request = webob.Request.blank("/", environ=dict(headers))
    ours = request.get_response(make_wsgi_app(our_view, [ConditionalGetMiddleware]))
    assert ours.status_code == django_response.status_code
    assert ours.headers.get("ETag") == django_response.headers.get("ETag")

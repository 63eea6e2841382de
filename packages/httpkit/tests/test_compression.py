from __future__ import annotations

import gzip

import pytest
import webob

from manouche.httpkit import GZipMiddleware, compress_string, make_wsgi_app, patch_vary_headers

TEXT = ("All work and no play makes Jack a dull boy. " * 20).encode()


def view(request):
    response = webob.Response(TEXT)
    response.headers["ETag"] = '"abc"'
    return response


APP = make_wsgi_app(view, [GZipMiddleware])


def test_compresses_for_gzip_clients(call):
    response = call(APP, headers={"Accept-Encoding": "gzip, deflate"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.headers["Vary"] == "Accept-Encoding"
    assert response.headers["ETag"] == 'W/"abc"'
    assert int(response.headers["Content-Length"]) == len(response.body) < len(TEXT)
    assert gzip.decompress(response.body) == TEXT


def test_not_for_other_clients_but_vary_is_set(call):
    response = call(APP, headers={"Accept-Encoding": "br"})
    assert "Content-Encoding" not in response.headers
    assert response.headers["Vary"] == "Accept-Encoding"
    assert response.body == TEXT


def test_skips_small_encoded_and_streaming(call):
    def small(request):
        return webob.Response(b"tiny")

    def encoded(request):
        response = webob.Response(TEXT)
        response.headers["Content-Encoding"] = "br"
        return response

    def streaming(request):
        response = webob.Response()
        response.app_iter = iter([TEXT, TEXT])
        return response

    headers = {"Accept-Encoding": "gzip"}
    for v in (small, encoded, streaming):
        response = call(make_wsgi_app(v, [GZipMiddleware]), headers=headers)
        assert response.headers.get("Content-Encoding") in (None, "br"), v.__name__
        assert "Vary" not in response.headers


def test_breach_padding_varies_the_length():
    lengths = {len(compress_string(TEXT)) for _ in range(30)}
    assert len(lengths) > 1
    assert gzip.decompress(compress_string(TEXT)) == TEXT
    assert len({len(compress_string(TEXT, max_random_bytes=0)) for _ in range(5)}) == 1


def test_decompresses_like_djangos(django_settings):
    from django.http import HttpResponse
    from django.middleware.gzip import GZipMiddleware as DjangoGZip
    from django.test import RequestFactory

    django_response = DjangoGZip(lambda r: HttpResponse(TEXT))(
        RequestFactory().get("/", headers={"accept-encoding": "gzip"})
    )
    ours = webob.Request.blank("/", headers={"Accept-Encoding": "gzip"}).get_response(APP)
    assert gzip.decompress(ours.body) == gzip.decompress(django_response.content)
    assert ours.headers["Vary"] == django_response.headers["Vary"]


def test_patch_vary_headers():
    response = webob.Response()
    response.headers["Vary"] = "Cookie"
    patch_vary_headers(response, ["Accept-Encoding", "cookie"])
    assert response.headers["Vary"] == "Cookie, Accept-Encoding"
    response.headers["Vary"] = "*"
    patch_vary_headers(response, ["Accept-Encoding"])
    assert response.headers["Vary"] == "*"


def test_bad_options():
    with pytest.raises(ValueError):
        GZipMiddleware.configure(compresslevel=11)

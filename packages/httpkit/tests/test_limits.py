from __future__ import annotations

import io
import logging

import pytest
import webob

from manouche.httpkit import (
    LimitedStream,
    RequestBodyLimitMiddleware,
    RequestDataTooBig,
    make_wsgi_app,
)


def echo(request):
    return webob.Response(request.body)


APP = make_wsgi_app(echo, [RequestBodyLimitMiddleware.configure(max_body_size=10)])


def test_small_bodies_pass(call):
    assert call(APP, method="POST", body=b"0123456789").body == b"0123456789"


def test_large_content_length_is_413(call, caplog):
    with caplog.at_level(logging.CRITICAL):
        response = call(APP, method="POST", body=b"x" * 11)
    assert response.status_code == 413


@pytest.mark.invalid_environ
def test_malformed_content_length_is_400(caplog):
    with caplog.at_level(logging.CRITICAL):
        for value in ("abc", "-1", "１２"):
            request = webob.Request.blank("/", method="POST")
            request.environ["CONTENT_LENGTH"] = value
            assert request.get_response(APP).status_code == 400, value


def test_chunked_body_over_the_limit_is_413(caplog):
    request = webob.Request.blank("/", method="POST")
    request.environ["wsgi.input"] = io.BytesIO(b"y" * 1000)
    request.environ["wsgi.input_terminated"] = True
    request.environ.pop("CONTENT_LENGTH", None)
    with caplog.at_level(logging.CRITICAL):
        assert request.get_response(APP).status_code == 413


def test_chunked_body_under_the_limit_passes():
    request = webob.Request.blank("/", method="POST")
    request.environ["wsgi.input"] = io.BytesIO(b"short")
    request.environ["wsgi.input_terminated"] = True
    request.environ.pop("CONTENT_LENGTH", None)
    assert request.get_response(APP).body == b"short"


def test_limited_stream_never_reads_past_limit_plus_one():
    source = io.BytesIO(b"z" * 100)
    stream = LimitedStream(source, 10)
    assert stream.read(4) == b"zzzz"
    with pytest.raises(RequestDataTooBig):
        stream.read()
    assert source.tell() == 11
    lines = LimitedStream(io.BytesIO(b"a\nb\n"), 10)
    assert list(lines) == [b"a\n", b"b\n"]


def test_disabled_and_bad_options(call):
    app = make_wsgi_app(echo, [RequestBodyLimitMiddleware.configure(max_body_size=None)])
    assert call(app, method="POST", body=b"x" * 5000).status_code == 200
    with pytest.raises(ValueError):
        RequestBodyLimitMiddleware.configure(max_body_size=-5)

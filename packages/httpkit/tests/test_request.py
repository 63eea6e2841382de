from __future__ import annotations

import pytest
import webob

from manouche.httpkit import BadRequest, Request, get_csp_nonce


def test_is_a_webob_request():
    assert issubclass(Request, webob.Request)


def test_valid_query_and_form():
    request = Request.blank("/?q=caf%C3%A9", POST={"name": "x"})
    assert request.GET["q"] == "café"
    assert request.POST["name"] == "x"
    assert request.params["q"] == "café" and request.params["name"] == "x"


def test_undecodable_query_is_bad_request():
    with pytest.raises(BadRequest, match="query string"):
        Request.blank("/?q=%ff").GET  # noqa: B018
    with pytest.raises(BadRequest):
        Request.blank("/?q=%ff").params  # noqa: B018


def test_undecodable_form_does_not_raise():
    # WebOb replaces undecodable form bytes; whatever it does, never a 500.
    request = Request.blank(
        "/", method="POST", body=b"name=%ff", content_type="application/x-www-form-urlencoded"
    )
    assert request.POST["name"] == "\ufffd"


def test_csp_nonce_reader():
    request = Request.blank("/")
    assert get_csp_nonce(request) == ""
    request.environ["manouche.csp_nonce"] = "abc"
    assert get_csp_nonce(request) == "abc"

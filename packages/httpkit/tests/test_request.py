from __future__ import annotations

import django
import pytest
import webob

from manouche.httpkit import (
    BadRequest,
    MalformedRequest,
    Request,
    RequestBodyLimitMiddleware,
    TooManyFieldsSent,
    TooManyFilesSent,
    get_csp_nonce,
    make_wsgi_app,
)


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
    # Undecodable escapes become replacement characters, as in Django.
    request = Request.blank(
        "/", method="POST", body=b"name=%ff", content_type="application/x-www-form-urlencoded"
    )
    assert request.POST["name"] == "\ufffd"


def test_csp_nonce_reader():
    request = Request.blank("/")
    assert get_csp_nonce(request) == ""
    request.environ["manouche.csp_nonce"] = "abc"
    assert get_csp_nonce(request) == "abc"


# -- forms: charsets, multipart, limits ------------------------------------------------

FORM = "application/x-www-form-urlencoded"
MULTIPART_OK = (
    b"--xx\r\n"
    b'Content-Disposition: form-data; name="a"\r\n\r\n'
    b"\xc3\xa9\r\n"
    b"--xx\r\n"
    b'Content-Disposition: form-data; name="f"; filename="a.txt"\r\n'
    b"Content-Type: text/plain\r\n\r\n"
    b"hello\r\n"
    b"--xx--\r\n"
)


def form_request(body: bytes, content_type: str, **environ: object) -> Request:
    request = Request.blank("/", method="POST", body=body)
    request.environ["CONTENT_TYPE"] = content_type
    request.environ.update(environ)
    return request


def django_post(body: bytes, content_type: str) -> dict[str, list[str]]:
    import io

    from django.core.handlers.wsgi import WSGIRequest

    environ = webob.Request.blank("/", method="POST").environ
    environ.update(
        {
            "CONTENT_TYPE": content_type,
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
        }
    )
    return dict(WSGIRequest(environ).POST.lists())


def django_outcome(body: bytes, content_type: str) -> dict[str, list[str]] | str:
    from django.core.exceptions import BadRequest as DjangoBadRequest

    try:
        return django_post(body, content_type)
    except DjangoBadRequest:
        return "400"


def our_outcome(body: bytes, content_type: str) -> dict[str, list[str]] | str:
    try:
        return dict(form_request(body, content_type).POST.dict_of_lists())
    except BadRequest:
        return "400"


CHARSET_CASES = [
    (b"a=%E9t%E9&b=1", "latin-1"),
    (b"a=\xe9t\xe9&b=%C3%A9", "ISO-8859-1"),
    (b"a=%80%9C&b=x+y", "cp1252"),
    (b"a=%C3%A9", "utf-16"),
    (b"a=%C3%A9", "UTF-32-LE"),
    (b"name=%D0%BF%D1%80%D0%B8", "koi8-r"),
    (b"a=1", "rot13"),  # a codec, but not a text encoding
    (b"a=%C3%A9&a=2&empty=", "utf-8"),
    (b"a=%C3%A9&a=2&empty=", "UTF-8"),
    (b"a=%ff%fe&b=\xff", "utf-8"),  # invalid UTF-8: replacement characters, latin-1 fallback
    (b"a=%ff%fe&b=\xff", None),
    (b"a=\xc3\xa9+b", None),
    (b"=&&x&%zz=%&a=%2", None),
]


@pytest.mark.skipif(django.VERSION < (6, 0), reason="Django 6.0 refuses non-UTF-8 forms")
@pytest.mark.parametrize(("body", "charset"), CHARSET_CASES)
def test_form_charsets_as_django(django_settings, body, charset):
    content_type = FORM if charset is None else f"{FORM}; charset={charset}"
    assert our_outcome(body, content_type) == django_outcome(body, content_type)


@pytest.mark.parametrize("charset", ["bogus", "x" * 500])
def test_unknown_charsets_are_400(django_settings, charset):
    content_type = f"{FORM}; charset={charset}"
    with pytest.raises(MalformedRequest, match="Unknown charset"):
        form_request(b"a=1", content_type).POST  # noqa: B018
    # Django ignores a charset it does not know and reads the form as UTF-8;
    # we name the problem instead of guessing.
    assert django_post(b"a=1", content_type) == {"a": ["1"]}


def test_utf8_spelled_otherwise_is_utf8():
    # Django 6.0 compares the name literally ("utf8" is refused); any name of UTF-8 works here.
    for name in ("utf8", "UTF8", "U8"):
        assert form_request(b"a=%C3%A9", f"{FORM}; charset={name}").POST["a"] == "é"


@pytest.mark.parametrize(("charset", "value"), [("latin-1", "é"), ("cp1252", "é"), ("utf-8", "é")])
def test_multipart_fields_decode_in_the_declared_charset(charset, value):
    body = MULTIPART_OK.replace(b"\xc3\xa9", value.encode(charset))
    post = form_request(body, f"multipart/form-data; boundary=xx; charset={charset}").POST
    assert post["a"] == value


@pytest.mark.parametrize("charset", ["utf-16", "cp037"])
def test_multipart_in_a_charset_that_is_not_ascii_is_400(charset):
    with pytest.raises(MalformedRequest, match="not ASCII-compatible"):
        form_request(MULTIPART_OK, f"multipart/form-data; boundary=xx; charset={charset}").POST  # noqa: B018


def test_bad_charset_is_a_400_page_naming_it(call):
    app = make_wsgi_app(lambda request: webob.Response(str(dict(request.POST))))
    response = call(app, "/", method="POST", body=b"a=1", content_type=f"{FORM}; charset=utf-16")
    assert response.status_code == 400
    assert "&#x27;utf-16&#x27; cannot carry form data" in response.text
    response = call(app, "/", method="POST", body=b"a=1", content_type=f"{FORM}; charset=latin-1")
    assert response.status_code == 400
    assert "must be UTF-8 encoded, not &#x27;latin-1&#x27;" in response.text


def test_multipart_fields_and_files():
    post = form_request(MULTIPART_OK, "multipart/form-data; boundary=xx").POST
    assert post["a"] == "é"
    assert post["f"].filename == "a.txt" and post["f"].file.read() == b"hello"


@pytest.mark.parametrize(
    ("content_type", "body", "message"),
    [
        ("multipart/form-data", MULTIPART_OK, "no boundary"),
        ("multipart/form-data; boundary=", MULTIPART_OK, "no boundary"),
        ("multipart/form-data; boundary=" + "x" * 2000, MULTIPART_OK, "boundary is invalid"),
        ("multipart/form-data; boundary=xx; charset=bogus", MULTIPART_OK, "Unknown charset"),
        (
            "multipart/form-data; boundary=xx",
            MULTIPART_OK.replace(b"text/plain", b"text/plain; charset=bogus").replace(
                b'filename="a.txt"', b""
            ),
            "cannot be read",
        ),
        (
            "multipart/form-data; boundary=xx",
            b'--xx\r\nContent-Disposition: form-data; name="a"\r\n'
            b"Content-Transfer-Encoding: base64\r\n\r\n1\r\n--xx--\r\n",
            "cannot be read",
        ),
    ],
)
def test_broken_multipart_is_malformed(content_type, body, message):
    with pytest.raises(MalformedRequest, match=message):
        form_request(body, content_type).POST  # noqa: B018


@pytest.mark.parametrize("body", [b"--xx\r\ngarbage", b"garbage", b"", b"--xx--\r\n"])
def test_truncated_multipart_reads_as_no_fields(body):
    assert list(form_request(body, "multipart/form-data; boundary=xx").POST.items()) == []


def test_too_many_form_fields(django_settings):
    body = b"&".join(b"a=%d" % i for i in range(1000))
    assert len(form_request(body, FORM).POST) == 1000
    with pytest.raises(TooManyFieldsSent, match="more than 1000 fields.*max_number_fields"):
        form_request(body + b"&x=1", FORM).POST  # noqa: B018
    # Django counts the same way (its DATA_UPLOAD_MAX_NUMBER_FIELDS is 1000 by default).
    from django.core.exceptions import TooManyFieldsSent as DjangoTooMany

    assert len(django_post(body, FORM)["a"]) == 1000
    with pytest.raises(DjangoTooMany):
        django_post(body + b"&x=1", FORM)


def test_too_many_query_fields():
    query = "&".join(f"q{i}=1" for i in range(1001))
    with pytest.raises(TooManyFieldsSent):
        Request.blank("/?" + query).GET  # noqa: B018
    assert len(Request.blank("/?" + query.rpartition("&")[0]).GET) == 1000


def _files(n: int) -> bytes:
    part = b'--xx\r\nContent-Disposition: form-data; name="f"; filename="a.txt"\r\n\r\nhi\r\n'
    return part * n + b"--xx--\r\n"


def test_too_many_files():
    ctype = "multipart/form-data; boundary=xx"
    assert len(form_request(_files(100), ctype).POST.getall("f")) == 100
    with pytest.raises(TooManyFilesSent, match="more than 100 files.*max_number_files"):
        form_request(_files(101), ctype).POST  # noqa: B018


def test_limits_from_the_middleware(call):
    def view(request: webob.Request) -> webob.Response:
        return webob.Response(f"{len(request.GET)} {len(request.POST)}")

    app = make_wsgi_app(
        view, [RequestBodyLimitMiddleware.configure(max_number_fields=2, max_number_files=0)]
    )
    assert call(app, "/?a=1&b=2", method="POST", body=b"c=1&d=2", content_type=FORM).text == "2 2"
    response = call(app, "/?a=1&b=2&c=3")
    assert response.status_code == 400 and "more than 2 fields" in response.text
    response = call(app, "/", method="POST", body=b"a&b&c", content_type=FORM)
    assert response.status_code == 400 and "max_number_fields" in response.text
    response = call(
        app, "/", method="POST", body=_files(1), content_type="multipart/form-data; boundary=xx"
    )
    assert response.status_code == 400 and "more than 0 files" in response.text
    unlimited = make_wsgi_app(
        view, [RequestBodyLimitMiddleware.configure(max_number_fields=None, max_number_files=None)]
    )
    assert call(unlimited, "/?" + "&".join(["a=1"] * 1500)).text == "1500 0"


@pytest.mark.parametrize("option", ["max_number_fields", "max_number_files"])
@pytest.mark.parametrize("value", [-1, "10", 1.5, True])
def test_bad_limit_options(option, value):
    with pytest.raises(ValueError, match=option):
        RequestBodyLimitMiddleware.configure(**{option: value})

"""CSRF: the same verdicts and reasons as Django's middleware, and the helpers."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
import webob
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware as DjangoCsrf
from django.middleware.csrf import _mask_cipher_secret as django_mask
from django.test import RequestFactory, override_settings

from manouche.authkit import csrf
from manouche.httpkit import make_wsgi_app

SECRET = "A" * 10 + "b" * 10 + "0123456789ab"
OTHER = "Z" * 32


def ok_view(request: webob.Request) -> webob.Response:
    return webob.Response("ok")


def django_reason(
    method: str,
    *,
    secure: bool,
    cookies: dict[str, str],
    form: dict[str, str],
    trusted: list[str],
    extra: dict[str, str],
) -> str | None:
    reasons: list[str] = []

    class Recording(DjangoCsrf):
        def _reject(self, request: Any, reason: str) -> HttpResponse:
            reasons.append(reason)
            return HttpResponse(status=403)

    with override_settings(CSRF_TRUSTED_ORIGINS=trusted):
        request = RequestFactory().generic(
            method,
            "/submit",
            urlencode(form),
            content_type="application/x-www-form-urlencoded",
            secure=secure,
            **extra,
        )
        request.COOKIES.update(cookies)
        mw = Recording(lambda r: HttpResponse("ok"))
        mw.process_request(request)
        mw.process_view(request, lambda r: HttpResponse("ok"), (), {})
    return reasons[0] if reasons else None


def our_reason(
    method: str,
    *,
    secure: bool,
    cookies: dict[str, str],
    form: dict[str, str],
    trusted: list[str],
    extra: dict[str, str],
) -> str | None:
    request = RequestFactory().generic(
        method,
        "/submit",
        urlencode(form),
        content_type="application/x-www-form-urlencoded",
        secure=secure,
        **extra,
    )
    environ = dict(request.environ)
    if cookies:
        environ["HTTP_COOKIE"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    seen: list[str] = []

    def failure(req: webob.Request, reason: str) -> webob.Response:
        seen.append(reason)
        return csrf.csrf_failure(req, reason)

    app = make_wsgi_app(
        ok_view, [csrf.CsrfViewMiddleware.configure(trusted_origins=trusted, failure_view=failure)]
    )
    response = webob.Request(environ).get_response(app)
    assert (response.status_code == 403) == bool(seen), response.status
    return seen[0] if seen else None


MASKED = csrf._mask_cipher_secret(SECRET)
CASES: list[tuple[str, dict[str, Any]]] = [
    ("get passes", dict(method="GET")),
    ("head passes", dict(method="HEAD")),
    ("no cookie", dict(cookies={})),
    ("no token", dict(form={})),
    ("form token", dict()),
    ("django-masked token", dict(form={"csrfmiddlewaretoken": django_mask(SECRET)})),
    ("unmasked secret as token", dict(form={"csrfmiddlewaretoken": SECRET})),
    (
        "token of another secret",
        dict(form={"csrfmiddlewaretoken": csrf._mask_cipher_secret(OTHER)}),
    ),
    ("short token", dict(form={"csrfmiddlewaretoken": "abc"})),
    ("bad characters", dict(form={"csrfmiddlewaretoken": "!" * 64})),
    ("header token", dict(form={}, extra={"HTTP_X_CSRFTOKEN": MASKED})),
    ("bad header token", dict(form={}, extra={"HTTP_X_CSRFTOKEN": "x" * 64})),
    ("short header token", dict(form={}, extra={"HTTP_X_CSRFTOKEN": "x"})),
    ("cookie wrong length", dict(cookies={"csrftoken": "short"})),
    ("cookie bad chars", dict(cookies={"csrftoken": "-" * 32})),
    ("old masked cookie", dict(cookies={"csrftoken": django_mask(SECRET)})),
    ("same origin", dict(extra={"HTTP_ORIGIN": "http://testserver"})),
    ("evil origin", dict(extra={"HTTP_ORIGIN": "http://evil.example"})),
    ("null origin", dict(extra={"HTTP_ORIGIN": "null"})),
    ("https origin on http", dict(extra={"HTTP_ORIGIN": "https://testserver"})),
    ("https same origin", dict(secure=True, extra={"HTTP_ORIGIN": "https://testserver"})),
    ("http origin on https", dict(secure=True, extra={"HTTP_ORIGIN": "http://testserver"})),
    (
        "trusted origin",
        dict(extra={"HTTP_ORIGIN": "https://app.example.com"}, trusted=["https://app.example.com"]),
    ),
    (
        "trusted wildcard",
        dict(extra={"HTTP_ORIGIN": "https://a.b.example.com"}, trusted=["https://*.example.com"]),
    ),
    (
        "wildcard wrong scheme",
        dict(extra={"HTTP_ORIGIN": "http://a.example.com"}, trusted=["https://*.example.com"]),
    ),
    (
        "lookalike domain",
        dict(extra={"HTTP_ORIGIN": "https://evilexample.com"}, trusted=["https://*.example.com"]),
    ),
    ("https no referer", dict(secure=True)),
    ("https good referer", dict(secure=True, extra={"HTTP_REFERER": "https://testserver/form"})),
    ("https insecure referer", dict(secure=True, extra={"HTTP_REFERER": "http://testserver/"})),
    ("https evil referer", dict(secure=True, extra={"HTTP_REFERER": "https://evil.example/"})),
    ("https malformed referer", dict(secure=True, extra={"HTTP_REFERER": "https://"})),
    ("https referer no scheme", dict(secure=True, extra={"HTTP_REFERER": "testserver/x"})),
    (
        "https trusted referer",
        dict(
            secure=True,
            extra={"HTTP_REFERER": "https://x.example.com/"},
            trusted=["https://*.example.com"],
        ),
    ),
    (
        "https referer but bad token",
        dict(
            secure=True,
            form={"csrfmiddlewaretoken": "y" * 64},
            extra={"HTTP_REFERER": "https://testserver/"},
        ),
    ),
    ("put with header", dict(method="PUT", form={}, extra={"HTTP_X_CSRFTOKEN": MASKED})),
    ("delete without token", dict(method="DELETE", form={})),
]


@pytest.mark.parametrize(("name", "case"), CASES, ids=[c[0] for c in CASES])
def test_same_verdict_and_reason_as_django(name: str, case: dict[str, Any]) -> None:
    args = {
        "method": "POST",
        "secure": False,
        "cookies": {"csrftoken": SECRET},
        "form": {"csrfmiddlewaretoken": MASKED},
        "trusted": [],
        "extra": {},
        **case,
    }
    expected = django_reason(**args)
    assert our_reason(**args) == expected


def test_masked_tokens_differ_and_unmask_to_the_secret() -> None:
    tokens = {csrf._mask_cipher_secret(SECRET) for _ in range(20)}
    assert len(tokens) == 20
    assert all(csrf._unmask_cipher_token(t) == SECRET for t in tokens)


def form_page(request: webob.Request) -> webob.Response:
    if request.method == "POST":
        return webob.Response("posted " + request.POST["name"])
    return webob.Response(f"<form method=post>{csrf.csrf_input(request)}<input name=name></form>")


def test_cookie_is_set_when_a_token_is_used_and_round_trips() -> None:
    from webtest import TestApp

    app = TestApp(make_wsgi_app(form_page, [csrf.CsrfViewMiddleware]))
    page = app.get("/")
    cookie = page.headers["Set-Cookie"]
    assert (
        cookie.startswith("csrftoken=")
        and "SameSite=Lax" in cookie
        and "Max-Age=31449600" in cookie
    )
    assert "Cookie" in page.headers["Vary"]
    form = page.forms[0]
    form["name"] = "ann"
    assert form.submit().text == "posted ann"
    # Without the token field it fails, with an explaining page.
    failed = app.post("/", {"name": "x"}, status=403)
    assert "CSRF verification failed" in failed.text and "CSRF token missing." in failed.text
    # A page that uses no token sets no cookie.
    plain = TestApp(make_wsgi_app(ok_view, [csrf.CsrfViewMiddleware]))
    assert "Set-Cookie" not in plain.get("/").headers


def test_environ_token_is_lazy_and_a_callable() -> None:
    seen: list[Any] = []

    def view(request: webob.Request) -> webob.Response:
        seen.append(request.environ["manouche.csrf_token"])
        return webob.Response("x")

    from webtest import TestApp

    app = TestApp(make_wsgi_app(view, [csrf.CsrfViewMiddleware]))
    assert "Set-Cookie" not in app.get("/").headers
    token = seen[0]()
    assert len(token) == 64


def test_csrf_input_is_html_safe() -> None:
    request = webob.Request.blank("/")
    field = csrf.csrf_input(request)
    assert field.__html__() == field  # type: ignore[attr-defined]
    assert field.startswith('<input type="hidden" name="csrfmiddlewaretoken" value="')


def test_rotate_token_changes_the_secret() -> None:
    request = webob.Request.blank("/")
    first = csrf._unmask_cipher_token(csrf.get_token(request))
    csrf.rotate_token(request)
    assert csrf._unmask_cipher_token(csrf.get_token(request)) != first


def test_exempt_views_through_resolve_view() -> None:
    from webtest import TestApp

    @csrf.csrf_exempt
    def hook(request: webob.Request) -> webob.Response:
        return webob.Response("hooked")

    views = {"/hook": hook, "/form": ok_view}

    def dispatch(request: webob.Request) -> webob.Response:
        return views[request.path_info](request)

    resolve = lambda request: views.get(request.path_info)  # noqa: E731
    app = TestApp(
        make_wsgi_app(dispatch, [csrf.CsrfViewMiddleware.configure(resolve_view=resolve)])
    )
    assert app.post("/hook", {"a": "1"}).text == "hooked"
    app.post("/form", {"a": "1"}, status=403)
    # Without resolve_view nothing is exempt: safe by default.
    strict = TestApp(make_wsgi_app(dispatch, [csrf.CsrfViewMiddleware]))
    strict.post("/hook", {"a": "1"}, status=403)


def test_check_csrf_gives_an_exempt_view_the_middleware_verdict() -> None:
    from webtest import TestApp

    secret = "x" * 32
    verdicts: list[str | None] = []

    @csrf.csrf_exempt
    def api(request: webob.Request) -> webob.Response:
        verdicts.append(csrf.check_csrf(request))
        return webob.Response("seen")

    configured = csrf.CsrfViewMiddleware.configure(resolve_view=lambda request: api)
    app = TestApp(make_wsgi_app(api, [configured]))
    app.set_cookie("csrftoken", secret)
    app.get("/")
    app.post("/", {"a": "1"})
    app.post("/", {"a": "1", "csrfmiddlewaretoken": "y" * 32})
    app.post("/", {"a": "1"}, headers={"X-CSRFToken": secret})
    assert verdicts == [
        None,
        csrf.REASON_CSRF_TOKEN_MISSING,
        "CSRF token from POST incorrect.",
        None,
    ]
    # No middleware ran: an unsafe method is refused, a safe one passes.
    bare = TestApp(make_wsgi_app(api))
    bare.get("/")
    bare.post("/", {"a": "1"}, headers={"X-CSRFToken": secret})
    assert verdicts[-2:] == [None, csrf.REASON_NOT_CONFIGURED]


def test_csrf_protect_and_ensure_cookie_without_middleware() -> None:
    from webtest import TestApp

    protected = TestApp(make_wsgi_app(csrf.csrf_protect(form_page), []))
    protected.post("/", {"name": "x"}, status=403)
    page = protected.get("/")
    form = page.forms[0]
    form["name"] = "bo"
    assert form.submit().text == "posted bo"
    ensured = TestApp(make_wsgi_app(csrf.ensure_csrf_cookie(ok_view), []))
    assert ensured.get("/").headers["Set-Cookie"].startswith("csrftoken=")
    with pytest.raises(TypeError):
        csrf.csrf_protect(nonsense=True)


def test_bad_options_are_refused_where_written() -> None:
    with pytest.raises(ValueError, match="must start with a scheme"):
        csrf.CsrfViewMiddleware.configure(trusted_origins=["example.com"])
    with pytest.raises(TypeError, match="not a string"):
        csrf.CsrfViewMiddleware.configure(trusted_origins="https://example.com")
    with pytest.raises(ValueError, match="cookie_samesite"):
        csrf.CsrfViewMiddleware.configure(cookie_samesite="lax-ish")


def test_malformed_cookie_is_replaced() -> None:
    from webtest import TestApp

    app = TestApp(make_wsgi_app(form_page, [csrf.CsrfViewMiddleware]))
    app.set_cookie("csrftoken", "garbage")
    page = app.get("/")
    assert "csrftoken=" in page.headers["Set-Cookie"]
    assert app.cookies["csrftoken"] != "garbage"
    form = page.forms[0]
    form["name"] = "cy"
    assert form.submit().text == "posted cy"


def test_failure_view_escapes_the_reason() -> None:
    response = csrf.csrf_failure(webob.Request.blank("/"), "Origin <script>")
    assert response.status_code == 403
    assert "<script>" not in response.text and "&lt;script&gt;" in response.text

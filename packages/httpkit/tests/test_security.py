from __future__ import annotations

import logging

import pytest
import webob

from manouche.httpkit import (
    CSP,
    SecurityMiddleware,
    XFrameOptionsMiddleware,
    get_csp_nonce,
    make_wsgi_app,
    xframe_options_exempt,
)


def page(request):
    nonce = get_csp_nonce(request)
    return webob.Response(f'<script nonce="{nonce}"></script>')


def test_default_headers_match_django_defaults(call):
    response = call(make_wsgi_app(page, [SecurityMiddleware]))
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers
    assert "Content-Security-Policy" not in response.headers


def test_headers_agree_with_djangos_security_middleware(django_settings):
    from django.http import HttpResponse
    from django.middleware.security import SecurityMiddleware as DjangoSecurity
    from django.test import RequestFactory, override_settings

    with override_settings(
        SECURE_HSTS_SECONDS=600,
        SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
        SECURE_HSTS_PRELOAD=True,
        ALLOWED_HOSTS=["testserver"],
    ):
        django_response = DjangoSecurity(lambda r: HttpResponse("x"))(
            RequestFactory().get("/", secure=True)
        )
    app = make_wsgi_app(
        page,
        [
            SecurityMiddleware.configure(
                hsts_seconds=600, hsts_include_subdomains=True, hsts_preload=True
            )
        ],
    )
    ours = webob.Request.blank("https://localhost/").get_response(app)
    for name in (
        "Strict-Transport-Security",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Cross-Origin-Opener-Policy",
    ):
        assert ours.headers[name] == django_response.headers[name], name


def test_hsts_only_on_https(call):
    app = make_wsgi_app(page, [SecurityMiddleware.configure(hsts_seconds=31536000)])
    assert "Strict-Transport-Security" not in call(app, "http://localhost/").headers
    assert call(app, "https://localhost/").headers["Strict-Transport-Security"] == (
        "max-age=31536000"
    )


def test_hsts_behind_a_trusted_proxy(call):
    app = make_wsgi_app(
        page,
        [
            SecurityMiddleware.configure(
                hsts_seconds=60, secure_proxy_ssl_header=("HTTP_X_FORWARDED_PROTO", "https")
            )
        ],
    )
    response = call(app, headers={"X-Forwarded-Proto": "https"})
    assert response.headers["Strict-Transport-Security"] == "max-age=60"


def test_view_headers_are_kept(call):
    def view(request):
        response = webob.Response("x")
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    response = call(make_wsgi_app(view, [SecurityMiddleware]))
    assert response.headers.getall("Referrer-Policy") == ["no-referrer"]


def test_ssl_redirect_keeps_path_and_query(call):
    app = make_wsgi_app(page, [SecurityMiddleware.configure(ssl_redirect=True)])
    response = call(app, "http://localhost/a/b?x=1")
    assert response.status_code == 301
    assert response.location == "https://localhost/a/b?x=1"
    assert call(app, "https://localhost/a/").status_code == 200


def test_ssl_redirect_host_and_exemptions(call):
    app = make_wsgi_app(
        page,
        [
            SecurityMiddleware.configure(
                ssl_redirect=True, ssl_host="secure.example.com", redirect_exempt=[r"^health/"]
            )
        ],
    )
    assert call(app, "/x").location == "https://secure.example.com/x"
    assert call(app, "/health/").status_code == 200


def test_csp_with_a_fresh_nonce_per_request(call):
    app = make_wsgi_app(
        page,
        [
            SecurityMiddleware.configure(
                csp={"default-src": [CSP.SELF], "script-src": [CSP.SELF, CSP.NONCE]}
            )
        ],
    )
    nonces = set()
    for _ in range(5):
        response = call(app)
        header = response.headers["Content-Security-Policy"]
        nonce = response.text.split('nonce="')[1].split('"')[0]
        assert header == f"default-src 'self'; script-src 'self' 'nonce-{nonce}'"
        assert len(nonce) >= 22  # 128 bits, URL-safe base64
        nonces.add(nonce)
    assert len(nonces) == 5


def test_csp_nonce_is_in_the_environ_key_of_the_contract():
    seen = {}

    def view(request):
        seen["nonce"] = request.environ["manouche.csp_nonce"]
        return webob.Response("x")

    app = make_wsgi_app(view, [SecurityMiddleware.configure(csp="script-src " + CSP.NONCE)])
    response = webob.Request.blank("/").get_response(app)
    assert response.headers["Content-Security-Policy"] == f"script-src 'nonce-{seen['nonce']}'"


def test_csp_without_nonce_and_report_only(call):
    app = make_wsgi_app(
        page,
        [
            SecurityMiddleware.configure(
                csp={"default-src": CSP.NONE, "upgrade-insecure-requests": True},
                csp_report_only={"default-src": [CSP.SELF]},
            )
        ],
    )
    response = call(app)
    assert (
        response.headers["Content-Security-Policy"]
        == "default-src 'none'; upgrade-insecure-requests"
    )
    assert response.headers["Content-Security-Policy-Report-Only"] == "default-src 'self'"
    assert 'nonce=""' in response.text  # no nonce made when the policy does not use one


def test_csp_matches_djangos_serialisation(django_settings):
    csp_module = pytest.importorskip("django.utils.csp", reason="CSP arrived in Django 6.0")
    DjangoCSP, build_policy = csp_module.CSP, csp_module.build_policy  # noqa: N806

    policy = {
        "default-src": [CSP.SELF],
        "img-src": [CSP.SELF, "data:"],
        "frame-ancestors": [CSP.NONE],
    }
    django_policy = {
        "default-src": [DjangoCSP.SELF],
        "img-src": [DjangoCSP.SELF, "data:"],
        "frame-ancestors": [DjangoCSP.NONE],
    }
    app = make_wsgi_app(page, [SecurityMiddleware.configure(csp=policy)])
    ours = webob.Request.blank("/").get_response(app)
    assert ours.headers["Content-Security-Policy"] == build_policy(django_policy)


@pytest.mark.parametrize(
    "options",
    [
        {"hsts_seconds": -1},
        {"referrer_policy": "sometimes"},
        {"cross_origin_opener_policy": "whatever"},
        {"csp": "script-src 'self'\r\nX-Evil: 1"},
        {"csp": {"bad directive": ["x"]}},
        {"ssl_host": "evil.com/path"},
    ],
)
def test_bad_options_fail_at_configure_time(options):
    with pytest.raises(ValueError):
        SecurityMiddleware.configure(**options)


def test_unknown_option_fails_at_configure_time():
    with pytest.raises(TypeError, match="hsts_secnds"):
        SecurityMiddleware.configure(hsts_secnds=1)


def test_x_frame_options(call):
    assert call(make_wsgi_app(page, [XFrameOptionsMiddleware])).headers["X-Frame-Options"] == "DENY"
    app = make_wsgi_app(page, [XFrameOptionsMiddleware.configure(value="sameorigin")])
    assert call(app).headers["X-Frame-Options"] == "SAMEORIGIN"
    with pytest.raises(ValueError):
        XFrameOptionsMiddleware.configure(value="ALLOW-FROM x")


def test_x_frame_options_exempt_and_kept(call):
    exempt = make_wsgi_app(xframe_options_exempt(page), [XFrameOptionsMiddleware])
    assert "X-Frame-Options" not in call(exempt).headers

    def own(request):
        response = webob.Response("x")
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
        return response

    assert call(make_wsgi_app(own, [XFrameOptionsMiddleware])).headers.getall(
        "X-Frame-Options"
    ) == ["SAMEORIGIN"]


def test_outermost_security_headers_reach_every_answer(call, caplog):
    from manouche.httpkit import AllowedHostsMiddleware, RequestBodyLimitMiddleware

    app = make_wsgi_app(
        lambda request: webob.Response("ok"),
        [
            SecurityMiddleware.configure(ssl_redirect=True, csp={"default-src": ["'self'"]}),
            AllowedHostsMiddleware.configure(allowed_hosts=["example.com"]),
            RequestBodyLimitMiddleware.configure(max_body_size=10),
        ],
    )
    with caplog.at_level(logging.CRITICAL):
        redirect = call(app, "/a?b=1", headers={"Host": "example.com"})
        bad_host = call(app, "/", headers={"Host": "bad host!"})
        too_big = call(
            app,
            "/",
            method="POST",
            body=b"x" * 20,
            headers={"Host": "example.com", "X-Forwarded-Proto": "https"},
            environ={"wsgi.url_scheme": "https"},
        )
    assert redirect.status_code == 301
    assert redirect.headers["Location"] == "https://example.com/a?b=1"
    assert bad_host.status_code == 400  # a malformed Host is refused, never redirected to
    assert too_big.status_code == 413
    for response in (redirect, bad_host, too_big):
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Content-Security-Policy"] == "default-src 'self'"

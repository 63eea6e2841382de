from __future__ import annotations

import logging

import pytest
import webob

from manouche.httpkit import (
    AllowedHostsMiddleware,
    DisallowedHost,
    get_host,
    is_same_domain,
    make_wsgi_app,
    split_domain_port,
    validate_host,
)

ALLOWED = ["example.com", ".example.net", "127.0.0.1", "[::1]", "xn--bcher-kva.example"]

HOSTS = [
    "example.com",
    "EXAMPLE.COM",
    "example.com:8000",
    "example.com.",
    "example.com.:80",
    "www.example.com",
    "example.net",
    "sub.example.net",
    "deep.sub.example.net:443",
    "notexample.net",
    "example.net.evil.com",
    "127.0.0.1",
    "127.0.0.1:8000",
    "[::1]",
    "[::1]:8000",
    "[::2]",
    "[::1",
    "::1",
    "xn--bcher-kva.example",
    "bücher.example",
    "example.com:port",
    "example.com:80:80",
    "example.com\n",
    "example.com/evil",
    "example.com@evil.com",
    "exa mple.com",
    "",
    "evil.com",
    "example.com#evil",
    ".example.net",
]


def our_verdict(host, allowed):
    middleware = AllowedHostsMiddleware(lambda r: webob.Response(), allowed_hosts=allowed)
    try:
        middleware.check({"HTTP_HOST": host, "SERVER_NAME": "x", "SERVER_PORT": "80"})
    except DisallowedHost:
        return False
    return True


@pytest.mark.parametrize("host", HOSTS)
@pytest.mark.parametrize("allowed", [ALLOWED, ["*"], [".localhost"]], ids=["list", "star", "local"])
def test_same_verdict_as_django_get_host(django_settings, host, allowed):
    """Differential: Django's request.get_host() raises DisallowedHost exactly when we do."""
    from django.core.exceptions import DisallowedHost as DjangoDisallowedHost
    from django.test import RequestFactory, override_settings

    request = RequestFactory().get("/")
    request.META["HTTP_HOST"] = host
    with override_settings(ALLOWED_HOSTS=allowed, DEBUG=False):
        try:
            request.get_host()
            django_ok = True
        except DjangoDisallowedHost:
            django_ok = False
    assert our_verdict(host, allowed) is django_ok


def test_split_domain_port_matches_django(django_settings):
    from django.http.request import split_domain_port as django_split

    for host in HOSTS:
        assert split_domain_port(host) == django_split(host), host


def test_validate_and_same_domain():
    assert validate_host("a.example.net", [".example.net"])
    assert not validate_host("example.org", [".example.net"])
    assert is_same_domain("example.net", ".example.net")
    assert not is_same_domain("example.net", "")


def test_bad_host_is_400_not_500(call, caplog):
    app = make_wsgi_app(
        lambda r: webob.Response("ok"),
        [AllowedHostsMiddleware.configure(allowed_hosts=["example.com"])],
    )
    with caplog.at_level(logging.WARNING, logger="manouche.httpkit.security"):
        response = call(app, headers={"Host": "evil.com"})
    assert response.status_code == 400
    assert b"evil.com" not in response.body
    assert "DisallowedHost" in caplog.text
    assert call(app, headers={"Host": "example.com:8080"}).status_code == 200
    with caplog.at_level(logging.CRITICAL):
        assert call(app, headers={"Host": "exa mple.com"}).status_code == 400


def test_default_allows_only_local_hosts(call, caplog):
    app = make_wsgi_app(lambda r: webob.Response("ok"), [AllowedHostsMiddleware])
    assert call(app, headers={"Host": "localhost:8000"}).status_code == 200
    assert call(app, headers={"Host": "127.0.0.1:8000"}).status_code == 200
    with caplog.at_level(logging.CRITICAL):
        assert call(app, headers={"Host": "example.com"}).status_code == 400


def test_x_forwarded_host_only_when_asked():
    environ = {"HTTP_HOST": "internal", "HTTP_X_FORWARDED_HOST": "example.com"}
    assert get_host(environ) == "internal"
    assert get_host(environ, use_x_forwarded_host=True) == "example.com"
    mw = AllowedHostsMiddleware(
        lambda r: webob.Response(), allowed_hosts=["example.com"], use_x_forwarded_host=True
    )
    assert mw.check(environ) == "example.com"


def test_host_from_server_name_when_no_header():
    assert (
        get_host({"SERVER_NAME": "example.com", "SERVER_PORT": "80", "wsgi.url_scheme": "http"})
        == "example.com"
    )
    assert (
        get_host({"SERVER_NAME": "example.com", "SERVER_PORT": "8443", "wsgi.url_scheme": "https"})
        == "example.com:8443"
    )


def test_bad_configuration():
    with pytest.raises(TypeError, match="not a string"):
        AllowedHostsMiddleware.configure(allowed_hosts="example.com")
    with pytest.raises(ValueError):
        AllowedHostsMiddleware.configure(allowed_hosts=[""])


def test_the_refusal_names_the_setting_to_change() -> None:
    from manouche.httpkit import AllowedHostsMiddleware, DisallowedHost

    mw = AllowedHostsMiddleware(lambda request: None, allowed_hosts=["localhost"])
    with pytest.raises(DisallowedHost) as info:
        mw.check({"HTTP_HOST": "127.0.0.1:8000", "SERVER_NAME": "x", "SERVER_PORT": "80"})
    assert str(info.value) == (
        "Invalid HTTP_HOST header: '127.0.0.1:8000'. It is not allowed: add '127.0.0.1' to "
        "allowed_hosts (AllowedHostsMiddleware.configure(allowed_hosts=[...]))."
    )

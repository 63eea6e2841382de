"""Safe redirects: the same verdicts as Django's url_has_allowed_host_and_scheme."""

from __future__ import annotations

import pytest
from django.utils.http import url_has_allowed_host_and_scheme as django_check

from manouche.authkit.urls import get_safe_redirect, url_has_allowed_host_and_scheme

URLS = [
    "/polls/",
    "polls/1",
    "?next=x",
    "#frag",
    "",
    "   ",
    None,
    "/",
    "//evil.com",
    "///evil.com",
    "////evil.com",
    "/\\evil.com",
    "\\\\evil.com",
    "\\/evil.com",
    "http://evil.com",
    "https://evil.com",
    "https://testserver/ok",
    "http://testserver/ok",
    "HTTP://testserver/ok",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,x",
    "http:///evil.com",
    "https:evil.com",
    "http:/evil.com",
    "\x08//evil.com",
    "\x00/x",
    "/\t/evil.com",
    "/\n/evil.com",
    " //evil.com",
    "//testserver/x",
    "//testserver:80/x",
    "http://testserver@evil.com/",
    "http://evil.com@testserver/",
    "http://[::1/",
    "ftp://testserver/",
    "/%2F%2Fevil.com",
    "/" + "a" * 3000,
    "http://testserver\\@evil.com/",
    "mailto:x@testserver",
    "https://testserver.evil.com/",
    "//testserver.evil.com",
    "/path?x=//evil.com",
]


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("require_https", [False, True])
@pytest.mark.parametrize("hosts", [{"testserver"}, None, "testserver"])
def test_same_verdict_as_django(url: str | None, require_https: bool, hosts: object) -> None:
    ours = url_has_allowed_host_and_scheme(url, hosts, require_https)  # type: ignore[arg-type]
    assert ours == django_check(url, hosts, require_https=require_https)


def test_get_safe_redirect() -> None:
    assert get_safe_redirect("/polls/", {"testserver"}) == "/polls/"
    assert get_safe_redirect("//evil.com", {"testserver"}) == "/"
    assert get_safe_redirect(None, {"testserver"}, "/home") == "/home"
    assert get_safe_redirect("http://testserver/x", ["testserver"], require_https=True) == "/"

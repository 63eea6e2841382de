"""CSRF attacks over real HTTP (a threaded server, real sockets, a browser per party)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import webob

from manouche.authkit import csrf
from manouche.httpkit import make_wsgi_app
from manouche.testkit import LiveServer
from tests._http import Browser

TRANSFERS: list[str] = []


def bank(request: webob.Request) -> webob.Response:
    if request.method == "POST":
        TRANSFERS.append(request.POST.get("to", ""))
        return webob.Response("sent")
    return webob.Response(f"<form method=post>{csrf.csrf_input(request)}</form>")


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    app = make_wsgi_app(bank, [csrf.CsrfViewMiddleware])
    with LiveServer(app) as server:
        yield server.url


def token_of(page: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert match
    return match.group(1)


def test_the_owner_can_post(site: str) -> None:
    victim = Browser(site)
    token = token_of(victim.get("/")[2])
    origin = f"http://{victim.host}:{victim.port}"
    assert (
        victim.post("/", {"to": "self", "csrfmiddlewaretoken": token}, headers={"Origin": origin})[
            0
        ]
        == 200
    )


def test_cross_origin_post_is_refused(site: str) -> None:
    TRANSFERS.clear()
    victim = Browser(site)
    token = token_of(victim.get("/")[2])
    # The evil page makes the victim's browser post, with the victim's cookies
    # and even a valid token (as if leaked): the Origin gives it away.
    status, _, body = victim.post(
        "/",
        {"to": "mallory", "csrfmiddlewaretoken": token},
        headers={"Origin": "http://evil.example"},
    )
    assert status == 403
    assert "Origin checking failed - http://evil.example does not match" in body
    assert TRANSFERS == []


def test_token_stolen_from_another_session_is_refused(site: str) -> None:
    TRANSFERS.clear()
    victim, attacker = Browser(site), Browser(site)
    victim.get("/")
    stolen = token_of(attacker.get("/")[2])
    status, _, body = victim.post("/", {"to": "mallory", "csrfmiddlewaretoken": stolen})
    assert status == 403 and "CSRF token from POST incorrect." in body
    # The attacker's unmasked secret (his cookie) does not match the victim's either.
    status, _, _ = victim.post(
        "/", {"to": "mallory", "csrfmiddlewaretoken": attacker.cookies["csrftoken"]}
    )
    assert status == 403
    assert TRANSFERS == []


def test_no_cookie_and_forged_pair_rules(site: str) -> None:
    TRANSFERS.clear()
    cookieless = Browser(site)
    status, _, body = cookieless.post("/", {"to": "x", "csrfmiddlewaretoken": "a" * 64})
    assert status == 403 and "CSRF cookie not set." in body
    # A token in the header of a JSON-less request, for the wrong secret.
    victim = Browser(site)
    victim.get("/")
    status, _, _ = victim.request("DELETE", "/", headers={"X-CSRFToken": "b" * 64})
    assert status == 403
    assert TRANSFERS == []

"""SessionMiddleware: cookies, laziness, saving, and the CSRF secret in the session."""

from __future__ import annotations

import webob
from cachelib import SimpleCache
from webtest import TestApp

from manouche.authkit import csrf, sessions
from manouche.httpkit import make_wsgi_app
from manouche.testsupport import TEST_SECRET_KEY as SECRET


def counter(request: webob.Request) -> webob.Response:
    session = sessions.get_session(request)
    if request.path_info == "/logout":
        session.flush()
        return webob.Response("bye")
    if request.path_info == "/peek":
        return webob.Response(str(session.get("n", 0)))
    if request.path_info == "/browser":
        session.set_expiry(0)
    assert request.session is session  # type: ignore[attr-defined]
    session["n"] = session.get("n", 0) + 1
    return webob.Response(str(session["n"]))


def app(engine: sessions.BaseSessionEngine, **options: object) -> TestApp:
    return TestApp(
        make_wsgi_app(counter, [sessions.SessionMiddleware.configure(engine=engine, **options)])
    )


def test_counter_and_cookie_flags() -> None:
    client = app(sessions.CacheSessions(cache=SimpleCache(), secret_key=SECRET))
    first = client.get("/")
    assert first.text == "1"
    cookie = first.headers["Set-Cookie"]
    assert cookie.startswith("sessionid=")
    for flag in ("HttpOnly", "SameSite=Lax", "Max-Age=1209600", "Path=/"):
        assert flag in cookie
    assert "Cookie" in first.headers["Vary"]
    assert client.get("/").text == "2"
    peek = client.get("/peek")
    assert peek.text == "2" and "Set-Cookie" not in peek.headers  # read only: not saved
    assert "Cookie" in peek.headers["Vary"]


def test_browser_session_cookie_and_secure_options() -> None:
    client = app(
        sessions.CacheSessions(cache=SimpleCache(), secret_key=SECRET),
        cookie_secure=True,
        cookie_samesite="Strict",
        cookie_name="sid",
    )
    cookie = client.get("/browser", extra_environ={"wsgi.url_scheme": "https"}).headers[
        "Set-Cookie"
    ]
    assert cookie.startswith("sid=") and "Max-Age" not in cookie and "expires" not in cookie
    assert "secure" in cookie and "SameSite=Strict" in cookie


def test_flush_deletes_the_cookie() -> None:
    client = app(sessions.CacheSessions(cache=SimpleCache(), secret_key=SECRET))
    client.get("/")
    bye = client.get("/logout")
    assert "sessionid=;" in bye.headers["Set-Cookie"] and "Max-Age=0" in bye.headers["Set-Cookie"]
    assert client.get("/peek").text == "0"


def test_unknown_cookie_gets_a_fresh_key_not_the_offered_one() -> None:
    client = app(sessions.CacheSessions(cache=SimpleCache(), secret_key=SECRET))
    client.set_cookie("sessionid", "attackerchosenkey1234567890abcde")
    client.get("/")
    assert client.cookies["sessionid"] != "attackerchosenkey1234567890abcde"


def test_tampered_signed_cookie_is_anonymous() -> None:
    client = app(sessions.SignedCookieSessions(secret_key=SECRET))
    client.get("/")
    client.get("/")
    value = client.cookies["sessionid"].strip('"')
    payload, stamp, sig = value.rsplit(":", 2)
    client.set_cookie("sessionid", f"{payload}:{stamp}:{sig[:-2]}xx")
    response = client.get("/peek")
    assert response.text == "0"
    assert "Max-Age=0" in response.headers["Set-Cookie"]  # the forged cookie is dropped


def test_bad_options() -> None:
    import pytest

    with pytest.raises(TypeError, match="needs engine="):
        sessions.SessionMiddleware.configure()
    with pytest.raises(ValueError, match="cookie_secure"):
        sessions.SessionMiddleware.configure(
            engine=sessions.SignedCookieSessions(secret_key="k"), cookie_samesite="None"
        )


def test_csrf_secret_in_the_session() -> None:
    def form(request: webob.Request) -> webob.Response:
        if request.method == "POST":
            return webob.Response("posted")
        return webob.Response(f"<form method=post>{csrf.csrf_input(request)}</form>")

    client = TestApp(
        make_wsgi_app(
            form,
            [
                sessions.SessionMiddleware.configure(
                    engine=sessions.CacheSessions(cache=SimpleCache(), secret_key=SECRET)
                ),
                csrf.CsrfViewMiddleware.configure(use_sessions=True),
            ],
        )
    )
    page = client.get("/")
    assert "csrftoken" not in client.cookies and "sessionid" in client.cookies
    assert page.forms[0].submit().text == "posted"
    client.post("/", {}, status=403)

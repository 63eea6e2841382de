"""Login attacks over real HTTP: session fixation, open redirects, stale sessions, timing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from manouche.authkit import hashers
from manouche.authkit.models import Permission, User
from manouche.testkit import LiveServer
from tests._http import Browser
from tests.siteapp import create_app


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    previous = hashers.get_default_hashers()
    url = f"sqlite:///{tmp_path_factory.mktemp('site') / 'site.sqlite3'}"
    app = create_app(url)
    User.objects.create_user("ann", password="ann-pass")
    User.objects.create_superuser("root", password="root-pass")
    staff = User.objects.create_user("sam", password="sam-pass")
    staff.user_permissions.add(Permission.objects.get(codename="change_user"))
    with LiveServer(app) as server:
        yield server.url
    hashers.set_default_hashers(previous)


def where(site: str, headers: dict[str, str]) -> str:
    """The redirect target, relative to the site (WebOb sends absolute Locations)."""
    location = headers["Location"]
    return location[len(site) :] if location.startswith(site) else location


def csrf_of(text: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text)
    assert match, text
    return match.group(1)


def log_in(
    b: Browser, username: str, password: str, nxt: str = ""
) -> tuple[int, dict[str, str], str]:
    token = csrf_of(b.get("/login")[2])
    return b.post(
        "/login",
        {"username": username, "password": password, "next": nxt, "csrfmiddlewaretoken": token},
    )


def test_login_and_logout(site: str) -> None:
    b = Browser(site)
    status, headers, _ = b.get("/me")
    assert status == 302 and where(site, headers) == "/login?next=/me"
    status, headers, _ = log_in(b, "ann", "ann-pass")
    assert status == 302 and where(site, headers) == "/me"
    status, _, body = b.get("/me")
    assert status == 200 and "hello ann" in body
    kept = dict(b.cookies)
    status, _, _ = b.post("/logout", {"csrfmiddlewaretoken": csrf_of(body)})
    assert status == 302 and "sessionid" not in b.cookies
    # Replaying the cookie of the logged-out session: anonymous.
    assert b.get("/me", cookies=kept)[0] == 302


def test_wrong_password_and_unknown_user(site: str) -> None:
    b = Browser(site)
    assert "invalid login" in log_in(b, "ann", "wrong")[2]
    assert "invalid login" in log_in(b, "nobody", "ann-pass")[2]
    assert b.get("/me")[0] == 302


def test_session_fixation(site: str) -> None:
    attacker = Browser(site)
    attacker.get("/login")  # the attacker gets a session and plants its key in the victim
    planted = attacker.cookies["sessionid"]
    victim = Browser(site)
    victim.cookies = dict(attacker.cookies)
    log_in(victim, "ann", "ann-pass")
    assert victim.cookies["sessionid"] != planted
    assert "hello ann" in victim.get("/me")[2]
    # The planted key knows nothing of the login.
    assert attacker.get("/me")[0] == 302


@pytest.mark.parametrize(
    "nxt",
    [
        "//evil.com",
        "https://evil.com/",
        "///evil.com",
        "/\\evil.com",
        "javascript:alert(1)",
        "http:///evil.com",
        " //evil.com",
        "\x08//evil.com",
    ],
)
def test_open_redirect_through_next(site: str, nxt: str) -> None:
    b = Browser(site)
    status, headers, _ = log_in(b, "ann", "ann-pass", nxt)
    assert status == 302 and where(site, headers) == "/me"


def test_safe_next_is_followed(site: str) -> None:
    b = Browser(site)
    host = f"{b.host}:{b.port}"
    assert where(site, log_in(b, "ann", "ann-pass", "/admin?x=1")[1]) == "/admin?x=1"
    b2 = Browser(site)
    assert log_in(b2, "ann", "ann-pass", f"http://{host}/me")[1]["Location"] == f"http://{host}/me"


def test_permissions(site: str) -> None:
    for username, expected in (("ann", 403), ("sam", 200), ("root", 200)):
        b = Browser(site)
        log_in(b, username, f"{username}-pass")
        assert b.get("/admin")[0] == expected
    assert Browser(site).get("/admin")[0] == 403


def test_password_change_ends_the_other_sessions(site: str) -> None:
    User.objects.create_user("pat", password="pat-pass")
    here, there = Browser(site), Browser(site)
    log_in(here, "pat", "pat-pass")
    log_in(there, "pat", "pat-pass")
    token = csrf_of(here.get("/me")[2])
    assert here.post("/password", {"new": "pat-new-pass", "csrfmiddlewaretoken": token})[0] == 200
    assert "hello pat" in here.get("/me")[2]  # this session was kept
    assert there.get("/me")[0] == 302  # the other one was logged out


def test_unknown_user_and_wrong_password_do_the_same_hashing_work(
    site: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    real = hashers._pbkdf2

    def counting(password: str, salt: str, iterations: int, digest: str) -> bytes:
        calls.append(iterations)
        return real(password, salt, iterations, digest)

    monkeypatch.setattr(hashers, "_pbkdf2", counting)
    log_in(Browser(site), "ann", "wrong-guess")
    wrong = list(calls)
    calls.clear()
    log_in(Browser(site), "no-such-user", "wrong-guess")
    assert wrong == calls == [2000]


def test_tampered_signed_session_cookie_is_anonymous(tmp_path: Path) -> None:
    import base64
    import json

    previous = hashers.get_default_hashers()
    app = create_app(f"sqlite:///{tmp_path / 'signed.sqlite3'}", signed_cookies=True)
    User.objects.create_user("low", password="low-pass")
    User.objects.create_superuser("high", password="high-pass")
    high_id = str(User.objects.get(username="high").pk)
    try:
        with LiveServer(app) as server:
            b = Browser(server.url)
            log_in(b, "low", "low-pass")
            assert "hello low" in b.get("/me")[2]
            payload, stamp, sig = b.cookies["sessionid"].rsplit(":", 2)
            compressed = payload.startswith(".")
            raw = payload.lstrip(".")
            data = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
            if compressed:
                import zlib

                data = zlib.decompress(data)
            session = json.loads(data)
            session["_auth_user_id"] = high_id  # become the superuser, keeping the signature
            forged = base64.urlsafe_b64encode(json.dumps(session).encode()).decode().rstrip("=")
            b.cookies["sessionid"] = f"{forged}:{stamp}:{sig}"
            status, _, _ = b.get("/me")
            assert status == 302  # anonymous: sent to the login page
            assert b.get("/admin")[0] == 403
    finally:
        hashers.set_default_hashers(previous)

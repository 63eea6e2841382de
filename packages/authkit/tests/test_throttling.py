"""Login throttling: limits, windows, atomic counts under concurrency, and across workers."""

from __future__ import annotations

import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import webob
from cachelib import SimpleCache

from manouche.authkit.throttling import LoginThrottle, LoginThrottled
from tests._http import Browser

HERE = Path(__file__).resolve().parent


@pytest.fixture(params=["simple", "redis"])
def cache(request: pytest.FixtureRequest) -> Any:
    if request.param == "simple":
        return SimpleCache()
    return request.getfixturevalue("redis_cache")


def test_account_and_address_limits(cache: Any) -> None:
    throttle = LoginThrottle(cache, account_limit=3, address_limit=4, window=600)
    for _ in range(3):
        throttle.attempt("Ann", "10.0.0.1")
    with pytest.raises(LoginThrottled) as info:
        throttle.attempt("ann", "10.0.0.2")  # the account, whatever the case or address
    assert info.value.status_code == 429 and info.value.scope == "account"
    assert 600 < int(info.value.headers["Retry-After"]) <= 1200
    throttle.attempt("bob", "10.0.0.1")
    with pytest.raises(LoginThrottled) as info:
        throttle.attempt("cy", "10.0.0.1")  # the address: 4 attempts already
    assert info.value.scope == "address"
    throttle.succeeded("ann")
    throttle.attempt("ann", "10.0.0.9")  # a success cleared the account's count


def test_previous_window_still_counts(cache: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    throttle = LoginThrottle(cache, account_limit=2, window=100)
    monkeypatch.setattr(time, "time", lambda: 1_000_050.0)
    throttle.attempt("dee", None)
    throttle.attempt("dee", None)
    monkeypatch.setattr(time, "time", lambda: 1_000_101.0)  # just past the window's end
    with pytest.raises(LoginThrottled):
        throttle.attempt("dee", None)
    monkeypatch.setattr(time, "time", lambda: 1_000_301.0)  # two windows later: free again
    throttle.attempt("dee", None)


def test_concurrent_attempts_never_pass_the_limit(redis_cache: Any) -> None:
    throttle = LoginThrottle(redis_cache, account_limit=5, address_limit=10_000)
    allowed: list[int] = []
    refused: list[int] = []
    start = threading.Barrier(16)

    def guess(n: int) -> None:
        start.wait()
        for i in range(5):
            try:
                throttle.attempt("target", f"10.1.{n}.{i}")
            except LoginThrottled:
                refused.append(1)
            else:
                allowed.append(1)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(allowed) == 5 and len(refused) == 75


def test_options() -> None:
    with pytest.raises(TypeError, match="cachelib cache"):
        LoginThrottle(object())  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        LoginThrottle(SimpleCache(), account_limit=0)
    request = webob.Request.blank("/", remote_addr="192.0.2.7")
    assert LoginThrottle(SimpleCache()).address_of(request) == "192.0.2.7"


# -- two gunicorn workers sharing Redis ----------------------------------------------


@pytest.fixture(params=["database", "redis"])
def gunicorn_site(tmp_path: Path, redis_url: str, request: pytest.FixtureRequest) -> Iterator[str]:
    from manouche.authkit import hashers
    from manouche.authkit.models import User
    from tests.siteapp import create_app

    previous = hashers.get_default_hashers()
    db_url = f"sqlite:///{tmp_path / 'site.sqlite3'}"
    create_app(db_url)
    User.objects.create_user("ann", password="ann-pass")
    hashers.set_default_hashers(previous)
    prefix = f"gunicorn-{secrets.token_hex(4)}:"
    env = {
        **os.environ,
        "AUTHKIT_SITE_DB": db_url,
        "AUTHKIT_SITE_REDIS": redis_url,
        "AUTHKIT_SITE_PREFIX": prefix,
        "AUTHKIT_SITE_LIMIT": "5",
        "AUTHKIT_SITE_SESSIONS": request.param,
    }
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    proc = subprocess.Popen(
        [gunicorn, "-w", "2", "--preload", "-b", "127.0.0.1:0", "tests.siteapp:application"],
        cwd=HERE.parent,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        assert proc.stdout is not None
        url = None
        booted = 0
        deadline = time.monotonic() + 60
        lines: list[str] = []
        while time.monotonic() < deadline and (url is None or booted < 2):
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            match = re.search(r"Listening at: (http://\S+)", line)
            if match:
                url = match.group(1)
            booted += "Booting worker" in line
        assert url and booted == 2, "".join(lines)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()
        import redis

        client = redis.Redis.from_url(redis_url)
        for key in client.scan_iter(prefix + "*"):
            client.delete(key)
        client.close()


def test_brute_force_is_throttled_across_two_workers(gunicorn_site: str) -> None:
    results: list[tuple[int, str]] = []
    lock = threading.Lock()

    def guess(n: int) -> None:
        for i in range(4):
            b = Browser(gunicorn_site)
            _, _, page = b.get("/login")
            token = re.search(r'value="([^"]+)"', page.split("csrfmiddlewaretoken")[1])
            assert token
            status, headers, body = b.post(
                "/login",
                {
                    "username": "ann",
                    "password": f"guess-{n}-{i}",
                    "csrfmiddlewaretoken": token.group(1),
                },
            )
            with lock:
                results.append((status, headers.get("X-Worker", "")))

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    statuses = [s for s, _ in results]
    assert len(statuses) == 24
    assert statuses.count(200) == 5  # the five guesses the limit allows, over both workers
    assert statuses.count(429) == 19
    assert len({w for _, w in results}) == 2  # both workers answered
    # The right password is refused too while the account is locked.
    b = Browser(gunicorn_site)
    page = b.get("/login")[2]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token
    status, headers, _ = b.post(
        "/login", {"username": "ann", "password": "ann-pass", "csrfmiddlewaretoken": token.group(1)}
    )
    assert status == 429 and int(headers["Retry-After"]) > 0


def test_a_login_holds_on_every_worker(gunicorn_site: str) -> None:
    b = Browser(gunicorn_site)
    page = b.get("/login")[2]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token
    status, _, _ = b.post(
        "/login", {"username": "ann", "password": "ann-pass", "csrfmiddlewaretoken": token.group(1)}
    )
    assert status == 302
    workers = set()
    # Until both workers have answered (the kernel decides which one accepts a connection;
    # on a loaded machine one may take many in a row), each one seeing the login.
    for _ in range(400):
        status, headers, body = b.get("/me")
        assert status == 200 and "hello ann" in body
        workers.add(headers["X-Worker"])
        if len(workers) == 2:
            break
    assert len(workers) == 2  # the session, stored in the database or Redis, is seen by both
    me = b.get("/me")[2]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', me)
    assert token
    b.post("/logout", {"csrfmiddlewaretoken": token.group(1)})
    for _ in range(6):
        assert b.get("/me")[0] == 302  # logged out everywhere

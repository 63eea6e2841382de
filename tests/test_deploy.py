"""The polls site deployed as its docstring says (``gunicorn -w 3 --preload``), under load;
also from uWSGI's forked workers and from one waitress process with 32 threads.

Fifty clients vote at once for fifteen seconds over real HTTP, each as a browser
does: it GETs the question's page, then POSTs the form it found there (every
field of it, hidden ones included, with the cookies it was given). No response
may be a 5xx, and every vote answered 303 must be in the database, no more.
The workers are forked after the app opened its database (``--preload``): they
must each open their own connections.
"""

from __future__ import annotations

import http.client
import http.cookies
import random
import re
import shutil
import socket
import sys
import threading
import time
import urllib.parse
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests._serve import BIN, ROOT, request, serving

CLIENTS = 50
SECONDS = 15


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'polls.sqlite3'}"
    url: str = request.getfixturevalue("postgresql_url")
    engine = sa.create_engine(url)
    with engine.begin() as conn:  # a fresh schema: the site migrates and seeds it
        for table in ("polls_choice", "polls_question", "polls_activity", "alembic_version"):
            conn.execute(sa.text(f"DROP TABLE IF EXISTS {table} CASCADE"))
    engine.dispose()
    return url


class _Forms(HTMLParser):
    """The forms of a page: action, method and fields (radio buttons as their options)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "method": a.get("method", "get")})
            self.forms[-1]["fields"], self.forms[-1]["radios"] = [], {}
        elif tag in ("input", "button", "select", "textarea") and self.forms and "name" in a:
            form = self.forms[-1]
            if a.get("type") == "radio":
                form["radios"].setdefault(a["name"], []).append(a.get("value", "on"))
            elif a.get("type") not in ("submit", "button", "checkbox") and tag == "input":
                form["fields"].append((a["name"], a.get("value", "")))


class Browser:
    """One client: fresh connections (gunicorn's sync workers close them), its cookies."""

    def __init__(self, base: str) -> None:
        parts = urllib.parse.urlsplit(base)
        self.host, self.port = parts.hostname, parts.port
        self.cookies: dict[str, str] = {}

    def send(self, method: str, path: str, body: str | None = None) -> tuple[int, str, str]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        headers = {"Host": f"127.0.0.1:{self.port}"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            for value in response.headers.get_all("Set-Cookie") or []:
                jar = http.cookies.SimpleCookie(value)
                self.cookies.update({k: m.value for k, m in jar.items()})
            return response.status, response.getheader("Location") or "", response.read().decode()
        finally:
            conn.close()

    def vote(self, question: int, rng: random.Random) -> tuple[int, int | None]:
        """GET the question, POST its form with one choice: (status, the choice voted)."""
        status, _, page = self.send("GET", f"/{question}/")
        if status != 200:
            return status, None
        parser = _Forms()
        parser.feed(page)
        form = next(f for f in parser.forms if f["method"].lower() == "post")
        choice = rng.choice(form["radios"]["choice"])
        fields = [*form["fields"], ("choice", choice)]
        status, _, _ = self.send("POST", form["action"], urllib.parse.urlencode(fields))
        return status, int(choice)


def stored_votes(url: str) -> dict[int, int]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT id, votes FROM polls_choice")).all()
    finally:
        engine.dispose()
    return {pk: votes for pk, votes in rows if votes}


@pytest.mark.skipif(
    shutil.which("gunicorn", path=str(BIN)) is None, reason="gunicorn not installed"
)
def test_preloaded_gunicorn_workers_count_every_vote_under_load(database_url: str) -> None:
    cmd = [str(BIN / "gunicorn"), "-w", "3", "--preload", "-b", "127.0.0.1:0"]
    cmd += ["examples.polls.app:application"]
    with serving(
        cmd, r"Listening at: (http://127\.0\.0\.1:\d+)", {"DATABASE_URL": database_url}
    ) as url:
        acknowledged = vote_under_load(url)
    assert stored_votes(database_url) == dict(acknowledged)


@pytest.mark.skipif(shutil.which("uwsgi", path=str(BIN)) is None, reason="uWSGI not installed")
def test_uwsgi_workers_forked_from_the_loaded_app_count_every_vote(database_url: str) -> None:
    """uWSGI loads the app in its master and forks the workers in C (no lazy-apps)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    cmd = [str(BIN / "uwsgi"), "--master", "--processes", "3", "--die-on-term"]
    # (uWSGI reads the callable from the module's dict: the app's lazy ``application``
    # is built by --eval, in the master, before the fork.)
    app = "from examples.polls.app import create_app; application = create_app()"
    cmd += ["--http-socket", f"127.0.0.1:{port}", "--eval", app, "--pythonpath", str(ROOT)]
    cmd += ["--need-app", "--disable-logging", "--virtualenv", sys.prefix]
    with serving(cmd, r"(spawned uWSGI worker 3)", {"DATABASE_URL": database_url}):
        acknowledged = vote_under_load(f"http://127.0.0.1:{port}")
    assert stored_votes(database_url) == dict(acknowledged)


@pytest.mark.skipif(
    shutil.which("waitress-serve", path=str(BIN)) is None, reason="waitress not installed"
)
def test_32_server_threads_on_the_default_pool_count_every_vote(database_url: str) -> None:
    """One process, 32 threads, the default pool (5 + 10): each request's connection goes
    back to the pool when its response is closed (httpkit's request_finished)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    cmd = [str(BIN / "waitress-serve"), "--threads=32", f"--listen=127.0.0.1:{port}"]
    cmd += ["examples.polls.app:application"]
    with serving(cmd, r"Serving on (http://127\.0\.0\.1:\d+)", {"DATABASE_URL": database_url}):
        acknowledged = vote_under_load(f"http://127.0.0.1:{port}")
    assert stored_votes(database_url) == dict(acknowledged)


def vote_under_load(url: str) -> Counter[int]:
    """CLIENTS browsers vote for SECONDS; no 5xx. The votes answered 303, per choice."""
    status, _, body = request(url, "GET", "/")
    assert status == 200, body
    questions = sorted({int(n) for n in re.findall(r'href="/(\d+)/"', body)})
    assert len(questions) == 3

    acknowledged: Counter[int] = Counter()
    statuses: Counter[int] = Counter()
    failures: list[BaseException] = []
    lock = threading.Lock()
    deadline: list[float] = []  # set when every client is ready
    start = threading.Barrier(CLIENTS, action=lambda: deadline.append(time.monotonic() + SECONDS))

    def client(n: int) -> None:
        rng = random.Random(n)
        browser = Browser(url)
        try:
            start.wait()
            while time.monotonic() < deadline[0]:
                status, choice = browser.vote(rng.choice(questions), rng)
                with lock:
                    statuses[status] += 1
                    if status == 303 and choice is not None:
                        acknowledged[choice] += 1
        except BaseException as exc:  # reported below
            with lock:
                failures.append(exc)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert not failures, failures[:3]
    assert sum(acknowledged.values()) > 0
    assert {s for s in statuses if s >= 500} == set(), statuses
    assert set(statuses) <= {200, 303}, statuses
    return acknowledged

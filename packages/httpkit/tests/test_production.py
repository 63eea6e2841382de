"""An httpkit app under gunicorn with two worker processes, over real HTTP on 127.0.0.1.

The app carries the whole middleware stack and counts the request signals
in each worker: every response reports its worker's counts, so the test
sees that ``request_started`` is sent before the view and
``request_finished`` only once the server closed the previous response.
"""

from __future__ import annotations

import gzip
import http.client
import json
import os
import queue
import re
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator

import pytest

pytest.importorskip("gunicorn", reason="gunicorn is in the test extra")

SITE = textwrap.dedent(
    """
    import json
    import os

    import webob

    from manouche.httpkit import (
        AllowedHostsMiddleware, CommonMiddleware, ConditionalGetMiddleware, GZipMiddleware, Http404,
        RequestBodyLimitMiddleware, SecurityMiddleware, XFrameOptionsMiddleware, make_wsgi_app,
    )
    from manouche.signals import got_request_exception, request_finished, request_started

    COUNTS = {"started": 0, "finished": 0, "exceptions": 0}


    def on_started(sender, environ, **kwargs):
        COUNTS["started"] += 1


    def on_finished(sender, **kwargs):
        COUNTS["finished"] += 1


    def on_exception(sender, request, **kwargs):
        COUNTS["exceptions"] += 1


    request_started.connect(on_started)
    request_finished.connect(on_finished)
    got_request_exception.connect(on_exception)


    def view(request):
        if request.path_info == "/boom":
            raise RuntimeError("secret detail")
        if request.path_info == "/counts/":
            body = json.dumps(dict(COUNTS, pid=os.getpid()))
            return webob.Response(body, content_type="application/json", charset="utf-8")
        if request.path_info != "/":
            raise Http404(request.path_info)
        if request.method == "POST":
            return webob.Response("got " + str(len(request.body)))
        return webob.Response("hello world " * 50)


    application = make_wsgi_app(view, [
        SecurityMiddleware,
        AllowedHostsMiddleware.configure(allowed_hosts=["127.0.0.1"]),
        RequestBodyLimitMiddleware.configure(max_body_size=1000),
        CommonMiddleware,
        GZipMiddleware,
        ConditionalGetMiddleware,
        XFrameOptionsMiddleware,
    ])
    """
)


@pytest.fixture(scope="module")
def gunicorn(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[tuple[str, int], set[int]]]:
    site = tmp_path_factory.mktemp("gunicorn")
    (site / "prodsite.py").write_text(SITE)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            "2",
            "--bind",
            "127.0.0.1:0",
            "--chdir",
            str(site),
            "--log-level",
            "info",
            "prodsite:application",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        env=dict(os.environ, PYTHONPATH=str(site)),
    )
    lines: queue.Queue[str] = queue.Queue()
    output: list[str] = []

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            output.append(line)
            lines.put(line)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    addr: tuple[str, int] | None = None
    workers: set[int] = set()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and (addr is None or len(workers) < 2):
        try:
            line = lines.get(timeout=0.1)
        except queue.Empty:
            if proc.poll() is not None:
                break
            continue
        if match := re.search(r"Listening at: http://([\d.]+):(\d+)", line):
            addr = (match.group(1), int(match.group(2)))
        if match := re.search(r"Booting worker with pid: (\d+)", line):
            workers.add(int(match.group(1)))
    try:
        if addr is None or len(workers) < 2:
            raise AssertionError("gunicorn did not start:\n" + "".join(output))
        yield addr, workers
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        reader.join(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()


def fetch(
    addr: tuple[str, int],
    path: str = "/",
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection(*addr, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def test_middleware_stack_over_real_http(gunicorn: tuple[tuple[str, int], set[int]]) -> None:
    addr, _ = gunicorn
    status, headers, body = fetch(addr)
    assert status == 200 and body == b"hello world " * 50
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    etag = headers["ETag"]

    assert fetch(addr, headers={"If-None-Match": etag})[0] == 304

    status, headers, body = fetch(addr, headers={"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in headers["Vary"]
    assert gzip.decompress(body) == b"hello world " * 50

    status, headers, _ = fetch(addr, "/counts?x=1")
    assert status == 301
    assert headers["Location"] == "http://{}:{}/counts/?x=1".format(*addr)

    assert fetch(addr, method="POST", body=b"x" * 10)[2] == b"got 10"
    assert fetch(addr, method="POST", body=b"x" * 1001)[0] == 413
    assert fetch(addr, headers={"Host": "evil.example"})[0] == 400

    status, _, body = fetch(addr, "/boom")
    assert status == 500 and b"secret detail" not in body


def test_request_signals_in_each_worker(gunicorn: tuple[tuple[str, int], set[int]]) -> None:
    addr, workers = gunicorn
    for _ in range(4):
        assert fetch(addr, "/boom")[0] == 500
    latest: dict[int, dict[str, int]] = {}
    for _ in range(200):
        status, _, body = fetch(addr, "/counts/")
        assert status == 200
        counts = json.loads(body)
        # This request has started; every earlier one in this worker was closed.
        assert counts["started"] == counts["finished"] + 1, counts
        latest[counts.pop("pid")] = counts
        if set(latest) == workers:
            break
    assert set(latest) <= workers
    if set(latest) == workers:  # both workers answered after the failing requests
        assert sum(c["exceptions"] for c in latest.values()) >= 4
    assert sum(c["started"] for c in latest.values()) >= 5

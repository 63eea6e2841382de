"""The dev server for real: ``manouche-serve`` in a subprocess on 127.0.0.1."""

from __future__ import annotations

import http.client
import logging
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import webob

from manouche.httpkit import make_wsgi_app
from manouche.httpkit.server import AppNotFound, RequestLogger, load_app, main

SITE = """
import webob
from manouche.httpkit import (
    AllowedHostsMiddleware, RequestBodyLimitMiddleware, SecurityMiddleware, make_wsgi_app,
)

def view(request):
    if request.path_info == "/boom":
        raise RuntimeError("do not leak this")
    return webob.Response("VERSION " + request.path_info + " " + request.GET.get("q", ""))

application = make_wsgi_app(view, [
    AllowedHostsMiddleware.configure(allowed_hosts=["127.0.0.1", "localhost"]),
    RequestBodyLimitMiddleware.configure(max_body_size=100),
    SecurityMiddleware,
])
"""


class Server:
    def __init__(self, args: list[str], cwd: Path) -> None:
        exe = Path(sys.executable).parent / "manouche-serve"
        cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "manouche.httpkit.server"]
        self.proc = subprocess.Popen(
            cmd + args,
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.output: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.output.append(line)
            self.lines.put(line)

    def wait_for(self, pattern: str, timeout: float = 20.0) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.1)
            except queue.Empty:
                if self.proc.poll() is not None and self.lines.empty():
                    break
                continue
            match = re.search(pattern, line)
            if match:
                return match
        raise AssertionError(f"no line matching {pattern!r}; output:\n{''.join(self.output)}")

    def url(self) -> tuple[str, int]:
        match = self.wait_for(r"Serving on http://([\d.]+):(\d+)/")
        return match.group(1), int(match.group(2))

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self.reader.join(timeout=10)
        if self.proc.stdout is not None:
            self.proc.stdout.close()


@pytest.fixture
def serve(tmp_path) -> Iterator:
    servers: list[Server] = []

    def start(*args: str) -> Server:
        server = Server(list(args), tmp_path)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def request(addr, method="GET", path="/", body=None, headers=None):
    conn = http.client.HTTPConnection(*addr, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def raw_request(addr, data: bytes) -> bytes:
    with socket.create_connection(addr, timeout=10) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serves_an_httpkit_app_under_waitress(tmp_path, serve):
    (tmp_path / "mysite.py").write_text(SITE)
    assets = tmp_path / "assets"
    assets.mkdir()
    (assets / "a.txt").write_text("static text")
    (tmp_path / "private.txt").write_text("private")
    server = serve("mysite:application", "--port", "0", "--static", "/assets=assets")
    addr = server.url()

    status, headers, body = request(addr, path="/hello?q=caf%C3%A9")
    assert status == 200 and body.decode() == "VERSION /hello café"
    assert headers["X-Content-Type-Options"] == "nosniff"
    server.wait_for(r'"GET /hello\?q=caf%C3%A9 HTTP/1.1" 200 \d+')

    assert request(addr, path="/assets/a.txt")[2] == b"static text"
    assert request(addr, path="/assets/../private.txt")[0] == 404
    assert request(addr, path="/assets/%2e%2e/private.txt")[0] == 404

    # Malformed requests are 4xx, never 500.
    assert request(addr, headers={"Host": "evil.example"})[0] == 400
    assert request(addr, method="POST", body=b"x" * 101)[0] == 413
    assert request(addr, path="/%ff")[0] == 400
    assert request(addr, path="/?q=%ff")[0] == 400
    chunked = raw_request(
        addr,
        b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
        b"Connection: close\r\n\r\n" + b"c8\r\n" + b"y" * 200 + b"\r\n0\r\n\r\n",
    )
    assert chunked.startswith(b"HTTP/1.1 413")

    status, _, body = request(addr, path="/boom")
    assert status == 500 and b"do not leak this" not in body


def test_serves_a_flask_app(tmp_path, serve):
    pytest.importorskip("flask")
    (tmp_path / "flaskapp.py").write_text(
        textwrap.dedent("""
        from flask import Flask
        app = Flask(__name__)

        @app.route("/")
        def index():
            return "hello from flask"
    """)
    )
    server = serve("flaskapp:app", "--port", "0")
    addr = server.url()
    status, _, body = request(addr)
    assert (status, body) == (200, b"hello from flask")


def test_reloads_on_source_change(tmp_path, serve):
    (tmp_path / "mysite.py").write_text(SITE)
    port = free_port()
    server = serve("mysite:application", "--port", str(port), "--reload")
    addr = server.url()
    assert request(addr)[2].startswith(b"VERSION ")
    time.sleep(0.5)
    (tmp_path / "mysite.py").write_text(SITE.replace('"VERSION "', '"CHANGED "'))
    server.wait_for(r"mysite\.py changed, restarting")
    addr = server.url()
    deadline = time.monotonic() + 20
    while True:
        try:
            body = request(addr)[2]
            if body.startswith(b"CHANGED "):
                break
        except OSError:
            pass
        assert time.monotonic() < deadline, "".join(server.output)
        time.sleep(0.2)


def test_bad_target_exits_with_a_message(tmp_path, serve):
    server = serve("no_such_module:app", "--port", "0")
    assert server.proc.wait(timeout=20) == 2
    assert "cannot import module 'no_such_module'" in "".join(server.output)


def test_load_app(tmp_path, monkeypatch):
    (tmp_path / "loadme.py").write_text("application = lambda e, s: []\nclass ns:\n  app = 1\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    assert callable(load_app("loadme"))
    assert callable(load_app("loadme:application"))
    with pytest.raises(AppNotFound, match="no attribute"):
        load_app("loadme:missing")
    with pytest.raises(AppNotFound, match="not callable"):
        load_app("loadme:ns.app")
    with pytest.raises(AppNotFound, match="MODULE:APP"):
        load_app(":app")
    sys.modules.pop("loadme", None)


def test_bad_arguments():
    with pytest.raises(SystemExit):
        main(["x:app", "--static", "nodir"])
    with pytest.raises(SystemExit):
        main(["x:app", "--port", "70000"])


def test_request_logger_passes_wsgiref_validate(call, tmp_path, caplog):
    from manouche.httpkit import StaticMount

    (tmp_path / "f.txt").write_text("file")
    app = RequestLogger(StaticMount(make_wsgi_app(lambda r: webob.Response("x")), {"/s": tmp_path}))
    with caplog.at_level(logging.INFO, logger="manouche.httpkit.server"):
        assert call(app, "/s/f.txt").body == b"file"
        assert call(app, "/other").body == b"x"
    assert '"GET /s/f.txt HTTP/1.0" 200 4' in caplog.text


def test_request_logger(caplog):
    app = RequestLogger(make_wsgi_app(lambda r: webob.Response("abc")))
    with caplog.at_level(logging.INFO, logger="manouche.httpkit.server"):
        response = webob.Request.blank("/path?x=1").get_response(app)
        assert response.body == b"abc"
    assert '"GET /path?x=1 HTTP/1.0" 200 3' in caplog.text


# -- defences against hostile clients (create_server in this process) --------------------


@pytest.fixture
def guarded() -> Iterator[tuple[str, int]]:
    """``create_server`` with small limits, serving in a thread of this process."""
    from manouche.httpkit.server import create_server

    def app(environ, start_response):  # type: ignore[no-untyped-def]
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"got %d" % len(body)]

    server = create_server(
        app, "127.0.0.1", 0, max_body_size=1000, request_timeout=1, idle_timeout=5
    )

    def run() -> None:
        try:
            server.run()  # type: ignore[attr-defined]
        except (OSError, ValueError):
            pass  # its sockets closed under the loop at teardown

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield ("127.0.0.1", server.effective_port)  # type: ignore[attr-defined]
    finally:
        sockets = getattr(server, "map", None) or server._map  # type: ignore[attr-defined]
        for dispatcher in list(sockets.values()):
            dispatcher.close()
        server.close()  # type: ignore[attr-defined]
        thread.join(timeout=10)


def test_guarded_server_serves_normal_requests(guarded):
    status, _, body = request(guarded, "POST", "/", body=b"x" * 500)
    assert status == 200 and body == b"got 500"


def test_oversize_declared_body_is_413_from_the_headers_alone(guarded):
    with socket.create_connection(guarded, timeout=10) as sock:
        sock.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1001\r\n\r\n")
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
    assert reply.startswith(b"HTTP/1.1 413 ")
    assert b"\r\nX-Content-Type-Options: nosniff\r\n" in reply
    assert b"\r\nContent-Security-Policy: default-src 'none'" in reply


@pytest.mark.parametrize(
    "partial",
    [
        b"GET / HTTP/1.1\r\nHost: x\r\n",  # headers never finished
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc",  # body never sent
    ],
)
def test_unfinished_request_is_408(guarded, partial):
    with socket.create_connection(guarded, timeout=10) as sock:
        sock.sendall(partial)
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
    assert reply.startswith(b"HTTP/1.1 408 Request Timeout\r\n")
    assert b"\r\nX-Frame-Options: DENY\r\n" in reply


def test_trickling_headers_do_not_extend_the_deadline(guarded):
    with socket.create_connection(guarded, timeout=10) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
        sock.settimeout(0.2)
        reply = b""
        for _ in range(100):  # up to 20 s of trickling: far past the 1 s deadline
            try:
                sock.sendall(b"X")
                reply += sock.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                break
            if reply:
                break
    assert reply.startswith(b"HTTP/1.1 408 ")


@pytest.mark.parametrize(
    "option", ["--max-body-size", "--request-timeout", "--idle-timeout", "--connection-limit"]
)
def test_limits_must_be_positive(option, capsys):
    with pytest.raises(SystemExit):
        main(["x:y", option, "0"])
    assert "must be positive" in capsys.readouterr().err


def test_a_busy_port_is_one_line_saying_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import socket

    (tmp_path / "busyapp.py").write_text(
        "def application(environ, start_response):\n"
        "    start_response('200 OK', [])\n"
        "    return [b'']\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    try:
        assert main(["busyapp:application", "--port", str(port)]) == 1
    finally:
        taken.close()
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == (
        f"manouche-serve: port {port} on 127.0.0.1 is already in use (another server is "
        "running?): stop it, or pick another port with --port (0 takes any free one)"
    )
    assert not any("Traceback" in line for line in err)

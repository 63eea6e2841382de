"""The development server (``manouche-serve``) against hostile clients, over real sockets.

Slow clients (headers or body trickled, or declared and never sent), an
oversize declared body, more connections than the limit, malformed request
lines; and the security headers on everything the server answers itself
and on the files of ``--static``.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest

from tests._serve import serving
from tests.security._http import SECURITY_HEADERS, Reply, address, parse, request, send
from tests.security.conftest import SERVING_ON, serve_cmd

REQUEST_TIMEOUT = "2"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    static = tmp_path_factory.mktemp("static")
    (static / "app.css").write_text("body { color: black }\n")
    (static / "page.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"></svg>\n')
    cmd = serve_cmd(
        "examples.hello.app:application",
        "--static",
        f"/static={static}",
        "--request-timeout",
        REQUEST_TIMEOUT,
        "--max-body-size",
        "100000",
    )
    with serving(cmd, SERVING_ON) as base:
        yield base


def read_reply(sock: socket.socket) -> Reply:
    chunks = []
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            break
        chunks.append(chunk)
    return parse(b"".join(chunks))


def has_security_headers(reply: Reply) -> None:
    for name in SECURITY_HEADERS:
        assert name in reply.headers, f"{reply.status} without {name}: {reply.headers}"


def test_oversize_declared_body_is_413_before_it_is_sent(server: str) -> None:
    with socket.create_connection(address(server), timeout=30) as sock:
        sock.sendall(
            b"POST /hello/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: 100000000\r\n\r\n"
        )
        # Not one byte of the body is sent: the answer comes from the headers alone.
        reply = read_reply(sock)
    assert reply.status == 413
    has_security_headers(reply)


def test_declared_body_that_never_comes_is_408(server: str) -> None:
    with socket.create_connection(address(server), timeout=30) as sock:
        sock.sendall(
            b"POST /hello/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: 5000\r\n\r\nname=x"
        )
        reply = read_reply(sock)  # a hung server would make this time out
    assert reply.status == 408
    has_security_headers(reply)


def trickle(sock: socket.socket, stop: threading.Event, replies: list[int]) -> None:
    """Send a request's headers a byte at a time, forever, and note the answer."""
    try:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        while not stop.is_set():
            sock.sendall(b"X")
            sock.settimeout(0.3)
            try:
                data = sock.recv(65536)
            except TimeoutError:
                continue
            if data:
                replies.append(parse(data).status)
            return
    except OSError:
        replies.append(0)  # closed by the server


def test_slow_header_clients_neither_starve_it_nor_stay(server: str) -> None:
    stop = threading.Event()
    replies: list[int] = []
    slow = [socket.create_connection(address(server), timeout=30) for _ in range(10)]
    threads = [threading.Thread(target=trickle, args=(s, stop, replies)) for s in slow]
    for t in threads:
        t.start()
    try:
        # While ten clients trickle their headers, others are served at once.
        for _ in range(20):
            assert request(server, "GET", "/hello/").status == 200
        # However slowly they keep sending, each slow client is cut off with 408.
        for t in threads:
            t.join(timeout=30)
        assert not any(t.is_alive() for t in threads)
        assert replies == [408] * 10
    finally:
        stop.set()
        for s in slow:
            s.close()


@pytest.fixture(scope="module")
def limited_server() -> Iterator[str]:
    """20 connections at most, 5 s to send a request."""
    cmd = serve_cmd(
        "examples.hello.app:application", "--request-timeout", "5", "--connection-limit", "20"
    )
    with serving(cmd, SERVING_ON) as base:
        yield base


def test_connection_limit_holds_and_recovers(limited_server: str) -> None:
    server = limited_server
    # 20 idle connections fill the limit; the server takes no more until they go.
    idle = [socket.create_connection(address(server), timeout=30) for _ in range(20)]
    for s in idle:
        s.sendall(b"GET / HTTP/1.1\r\n")  # a request begun, never finished
    try:
        time.sleep(0.5)
        with socket.create_connection(address(server), timeout=30) as sock:
            sock.sendall(b"GET /hello/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            sock.settimeout(0.5)
            with pytest.raises(TimeoutError):
                sock.recv(1)  # waiting in the backlog, not served
            sock.settimeout(30)
            # The deadline answers the idle ones with 408; then this one is served.
            reply = read_reply(sock)
        assert reply.status == 200
        for s in idle:
            assert read_reply(s).status == 408
    finally:
        for s in idle:
            s.close()


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b"GARBAGE\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * 300_000 + b"\r\n\r\n", 431),
        (
            b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"zz\r\nabc\r\n0\r\n\r\n",
            400,
        ),
        (
            b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
            + b"ffff\r\n"
            + b"a" * 0xFFFF
            + b"\r\n"
            + b"ffff\r\n"
            + b"a" * 0xFFFF
            + b"\r\n0\r\n\r\n",
            413,
        ),
    ],
)
def test_the_servers_own_errors_carry_security_headers(
    server: str, raw: bytes, status: int
) -> None:
    reply = send(server, raw)
    assert reply.status == status
    has_security_headers(reply)
    assert "content-security-policy" in reply.headers


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/static/app.css", 200),
        ("/static/page.svg", 200),
        ("/static/missing.css", 404),
        ("/static/../app.py", 404),
        ("/static/%2e%2e/conftest.py", 404),
    ],
)
def test_static_files_carry_security_headers(server: str, path: str, status: int) -> None:
    reply = request(server, "GET", path)
    assert reply.status == status
    has_security_headers(reply)
    if status == 200:
        assert reply.headers["x-content-type-options"] == "nosniff"


def test_static_conditional_and_method_answers_carry_headers(server: str) -> None:
    etag = request(server, "GET", "/static/app.css").headers["etag"]
    reply = request(server, "GET", "/static/app.css", {"If-None-Match": etag})
    assert reply.status == 304
    has_security_headers(reply)
    reply = request(server, "POST", "/static/app.css", {}, b"x")
    assert reply.status == 405
    has_security_headers(reply)


@pytest.mark.parametrize("host", ["evil.example", "bad host", "127.0.0.1@evil.example", ""])
def test_bad_host_400_carries_security_headers(server: str, host: str) -> None:
    reply = request(server, "GET", "/hello/", host=host)
    assert reply.status == 400
    has_security_headers(reply)
    assert "content-security-policy" in reply.headers


def test_app_413_carries_security_headers(server: str) -> None:
    # Under the server's limit, over the app's (64 KiB): the app's 413.
    reply = request(
        server,
        "POST",
        "/hello/",
        {"Content-Type": "application/x-www-form-urlencoded"},
        b"x" * 80_000,
    )
    assert reply.status == 413
    has_security_headers(reply)
    assert "content-security-policy" in reply.headers

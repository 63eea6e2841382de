"""Raw HTTP for attack tests: send exactly the bytes a hostile client would."""

from __future__ import annotations

import socket
import urllib.parse
from dataclasses import dataclass, field

#: Headers every response the stack produces must carry.
SECURITY_HEADERS = ("x-content-type-options", "x-frame-options", "referrer-policy")


@dataclass
class Reply:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def address(base: str) -> tuple[str, int]:
    parts = urllib.parse.urlsplit(base)
    assert parts.hostname and parts.port
    return parts.hostname, parts.port


def parse(data: bytes) -> Reply:
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return Reply(status, headers, body)


def send(base: str, data: bytes, timeout: float = 30) -> Reply:
    """Send ``data`` on a fresh connection, read until the server closes, parse the reply."""
    with socket.create_connection(address(base), timeout=timeout) as sock:
        sock.sendall(data)
        try:
            sock.shutdown(socket.SHUT_WR)
        except OSError:  # the server may already have answered and closed
            pass
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    data = b"".join(chunks)
    assert data, "the server closed the connection without answering"
    return parse(data)


def build(
    method: str,
    target: str,
    headers: dict[str, str] | None = None,
    body: bytes = b"",
    host: str = "127.0.0.1",
) -> bytes:
    """A request with ``Host``, ``Connection: close`` and a ``Content-Length`` for the body."""
    lines = [f"{method} {target} HTTP/1.1", f"Host: {host}", "Connection: close"]
    all_headers = dict(headers or {})
    if body and not any(k.lower() in ("content-length", "transfer-encoding") for k in all_headers):
        all_headers["Content-Length"] = str(len(body))
    lines += [f"{k}: {v}" for k, v in all_headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def request(
    base: str,
    method: str,
    target: str,
    headers: dict[str, str] | None = None,
    body: bytes = b"",
    host: str = "127.0.0.1",
) -> Reply:
    return send(base, build(method, target, headers, body, host))


def csrf_headers(base: str, page: str = "/1/") -> dict[str, str]:
    """What a browser sends back after loading ``page``: its CSRF cookie and form token.

    For requests that must reach the view (the CSRF check passed), as a page's
    own script would send them (``X-CSRFToken``), whatever the body.
    """
    import re

    data = build("GET", page, {}, b"")
    with socket.create_connection(address(base), timeout=30) as sock:
        sock.sendall(data)
        sock.shutdown(socket.SHUT_WR)
        raw = b""
        while chunk := sock.recv(65536):
            raw += chunk
    head, _, body = raw.partition(b"\r\n\r\n")
    cookies = [
        line.split(":", 1)[1].strip().split(";", 1)[0]
        for line in head.decode("latin-1").split("\r\n")
        if line.lower().startswith("set-cookie:")
    ]
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    assert token is not None, f"no CSRF token in {page}"
    return {"Cookie": "; ".join(cookies), "X-CSRFToken": token.group(1).decode()}

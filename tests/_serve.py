"""Start a WSGI app in a real server process and find the URL it prints."""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


@contextmanager
def serving(cmd: list[str], url_pattern: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """Run ``cmd`` from the repository root until it prints ``url_pattern``; yield the URL."""
    proc = subprocess.Popen(
        cmd,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    reader: threading.Thread | None = None
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + 60
        seen: list[str] = []
        match = None
        while match is None and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            seen.append(line)
            match = re.search(url_pattern, line)
        assert match, f"{cmd[0]} printed no URL:\n" + "".join(seen)
        # Keep reading what the server prints: a full pipe would block its logging.
        reader = threading.Thread(target=seen.extend, args=(proc.stdout,), daemon=True)
        reader.start()
        yield match.group(1).rstrip("/")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        if reader is not None:
            reader.join(15)  # (the server is gone: its output ends)
        if proc.stdout is not None:
            proc.stdout.close()


def request(
    base: str,
    method: str,
    path: str,
    form: dict[str, str] | None = None,
    extra_headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], str]:
    """One real HTTP request; returns status, headers and the decoded body."""
    parts = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    body = urllib.parse.urlencode(form) if form is not None else None
    headers = {"Content-Type": "application/x-www-form-urlencoded"} if form is not None else {}
    headers.update(extra_headers or {})
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode()
    finally:
        conn.close()

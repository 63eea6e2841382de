"""The hello example (httpkit alone) answers 200 at the URL the dev server prints."""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = "examples.hello.app:application"


def test_demo_serves_its_pages() -> None:
    exe = Path(sys.executable).parent / "manouche-serve"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "manouche.httpkit.server"]
    proc = subprocess.Popen(
        [*cmd, TARGET, "--host", "127.0.0.1", "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + 30
        match = None
        seen = []
        while match is None and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            seen.append(line)
            match = re.search(r"Serving on http://127\.0\.0\.1:(\d+)/", line)
        assert match, "the demo printed no URL:\n" + "".join(seen)
        port = int(match.group(1))

        def get(path: str) -> tuple[int, dict[str, str], str]:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                return response.status, dict(response.getheaders()), response.read().decode()
            finally:
                conn.close()

        status, headers, body = get("/")
        assert status == 200
        nonce = re.search(r"'nonce-([\w-]+)'", headers["Content-Security-Policy"])
        assert nonce and f'<script nonce="{nonce.group(1)}">' in body
        assert headers["X-Frame-Options"] == "DENY"
        assert get("/hello/?name=<x>")[2].count("&lt;x&gt;") == 1
        assert get("/hello")[0] == 301
        assert get("/nowhere/")[0] == 404
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()

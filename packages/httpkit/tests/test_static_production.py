"""collectstatic from the command line, then every hashed URL over real HTTP.

The collected folder is served by ``StaticMount`` under gunicorn with two
worker processes; many clients at once fetch every file of the manifest,
with and without gzip, and each answer is checked: status, body, and the
headers a CDN and a browser rely on.
"""

from __future__ import annotations

import concurrent.futures
import gzip
import http.client
import importlib.metadata
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
from pathlib import Path

import pytest

pytest.importorskip("gunicorn", reason="gunicorn is in the test extra")

SITE = textwrap.dedent(
    """
    import os

    from manouche.httpkit import StaticMount


    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"app"]


    application = StaticMount(app, {"/static": os.environ["STATIC_ROOT"]})
    """
)

FILES = {
    "css/site.css": b"@import 'base.css';\nbody { background: url(../img/bg.png) }\n" * 20,
    "css/base.css": b"h1 { font: 2em serif }\n" * 40,
    "js/app.js": b"console.log('app');\n" * 50 + b"//# sourceMappingURL=app.js.map\n",
    "js/app.js.map": b'{"version": 3, "sources": []}',
    "img/bg.png": bytes(range(256)) * 8,
}


def test_console_script_is_declared():
    scripts = importlib.metadata.entry_points(group="console_scripts")
    (entry,) = [e for e in scripts if e.name == "manouche-collectstatic"]
    assert entry.value == "manouche.httpkit.collectstatic:main"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[tuple[str, int], Path]]:
    work = tmp_path_factory.mktemp("staticsite")
    for name, data in FILES.items():
        (work / "src" / name).parent.mkdir(parents=True, exist_ok=True)
        (work / "src" / name).write_bytes(data)
    root = work / "root"
    collected = subprocess.run(
        [
            sys.executable,
            "-m",
            "manouche.httpkit.collectstatic",
            str(root),
            str(work / "src"),
            "--no-packages",
            "--compress",
            "gzip",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert collected.returncode == 0, collected.stderr
    assert f"{len(FILES)} static files collected" in collected.stdout
    (work / "staticsite.py").write_text(SITE)
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", "127.0.0.1:0"]
        + ["--chdir", str(work), "--log-level", "info", "staticsite:application"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        env=dict(os.environ, PYTHONPATH=str(work), STATIC_ROOT=str(root)),
    )
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    output = ""
    addr = None
    workers = 0
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and (addr is None or workers < 2):
            try:
                line = lines.get(timeout=0.1)
            except queue.Empty:
                if proc.poll() is not None:
                    break
                continue
            output += line
            if match := re.search(r"Listening at: http://([\d.]+):(\d+)", line):
                addr = (match.group(1), int(match.group(2)))
            if "Booting worker with pid" in line:
                workers += 1
        if addr is None or workers < 2:
            raise AssertionError("gunicorn did not start:\n" + output)
        yield addr, root
    finally:
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
    addr: tuple[str, int], path: str, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection(*addr, timeout=10)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def test_every_hashed_url_served_right_by_many_clients(served):
    addr, root = served
    manifest = json.loads((root / "staticfiles.json").read_text())["paths"]
    assert sorted(manifest) == sorted(FILES)
    jobs = [
        (name, hashed, gz)
        for name, hashed in manifest.items()
        for gz in (False, True)
        for _ in range(10)
    ]

    def check(job: tuple[str, str, bool]) -> str:
        name, hashed, gz = job
        headers = {"Accept-Encoding": "gzip"} if gz else {}
        status, got, body = fetch(addr, "/static/" + hashed, headers)
        assert status == 200, (hashed, status)
        assert got["Cache-Control"] == "max-age=31536000, public, immutable"
        assert got["X-Content-Type-Options"] == "nosniff"
        assert "ETag" in got and "Last-Modified" in got
        if got.get("Content-Encoding") == "gzip":
            assert gz and got["Vary"] == "Accept-Encoding"
            body = gzip.decompress(body)
        assert body == (root / hashed).read_bytes()
        has_copy = (root / (hashed + ".gz")).exists()
        # Text files of some size have a gzip copy; the PNG and the tiny map do not.
        assert has_copy == (name.endswith((".css", ".js"))), hashed
        if not has_copy:
            assert "Content-Encoding" not in got and "Vary" not in got
        elif gz:
            assert got.get("Content-Encoding") == "gzip", hashed
        # Revalidation: 304 with the same validators.
        again = fetch(addr, "/static/" + hashed, dict(headers, **{"If-None-Match": got["ETag"]}))
        assert again[0] == 304 and again[2] == b""
        return hashed

    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        done = list(pool.map(check, jobs))
    assert len(done) == len(jobs) == len(FILES) * 20
    # The original names are served too, without the far-future header.
    status, got, _ = fetch(addr, "/static/css/site.css")
    assert status == 200 and "Cache-Control" not in got
    # The rewritten CSS points at the hashed image, which is served.
    site = (root / manifest["css/site.css"]).read_text()
    image = re.search(r'url\("\.\./(img/[^"]+)"\)', site)
    assert image is not None and fetch(addr, "/static/" + image.group(1))[0] == 200
    for path in ("/static/../staticsite.py", "/static/%2e%2e/staticsite.py", "/static/.x"):
        assert fetch(addr, path)[0] == 404

from __future__ import annotations

import socket
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from manouche.testkit import LiveServer


def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    path = environ["PATH_INFO"]
    if path == "/slow":
        # Wait until three requests are in flight at once: proves concurrency.
        BARRIER.wait(timeout=5)
    body = f"{environ['REQUEST_METHOD']} {path} on {threading.current_thread().name}".encode()
    status = "404 Not Found" if path == "/missing" else "200 OK"
    start_response(status, [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


BARRIER = threading.Barrier(3)


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as res:
        return str(res.read().decode())


def refused(host: str, port: int) -> bool:
    try:
        socket.create_connection((host, port), timeout=1).close()
    except OSError:
        return True
    return False


@pytest.mark.parametrize("backend", ["waitress", "wsgiref"])
def test_serves_concurrently_then_stops(backend: str) -> None:
    BARRIER.reset()
    server = LiveServer(app, server=backend)
    assert not server.running and "stopped" in repr(server)
    with server:
        assert server.running and server.server == backend
        assert server.url == f"http://127.0.0.1:{server.port}" == str(server)
        assert server.port > 0
        assert fetch(server.url + "/hello").startswith("GET /hello on ")
        with ThreadPoolExecutor(3) as pool:
            bodies = list(pool.map(fetch, [server.url + "/slow"] * 3))
        assert all(body.startswith("GET /slow") for body in bodies)
        with pytest.raises(urllib.error.HTTPError) as info:
            fetch(server.url + "/missing")
        assert info.value.code == 404
        info.value.close()
    assert not server.running
    assert refused("127.0.0.1", server.port)
    server.stop()  # stopping twice is harmless


def test_auto_prefers_waitress() -> None:
    with LiveServer(app) as server:
        assert server.server == "waitress"


def test_cannot_start_twice() -> None:
    with LiveServer(app, server="wsgiref") as server:
        with pytest.raises(RuntimeError, match="already running"):
            server.start()


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="server must be one of auto, waitress, wsgiref"):
        LiveServer(app, server="gunicorn")
    with pytest.raises(TypeError, match="needs a WSGI application"):
        LiveServer("myapp:app")


def test_ipv6_url() -> None:
    assert LiveServer(app, host="::1", port=8000).url == "http://[::1]:8000"


def test_live_server_fixture_with_a_flask_app(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        import flask
        import pytest

        @pytest.fixture
        def wsgi_app():
            app = flask.Flask("demo")

            @app.get("/ping")
            def ping():
                return {"pong": True}

            return app
        """
    )
    pytester.makepyfile(
        """
        import json
        import urllib.request

        ports = []

        def test_one(live_server):
            with urllib.request.urlopen(live_server.url + "/ping") as res:
                assert json.load(res) == {"pong": True}
            ports.append(live_server.port)

        def test_two(live_server):
            assert live_server.url.startswith("http://127.0.0.1:")
            assert live_server.running
            ports.append(live_server.port)

        def test_three():
            assert len(ports) == 2

        def test_not_with_db(live_server, db):
            pass
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=3, errors=1)
    result.stdout.fnmatch_lines(["*use `transactional_db` with `live_server`*"])

"""Static files: one collected (hashed, precompressed) file served through WSGI.

Contenders: httpkit's ``StaticMount`` over a folder filled by
``collectstatic``, and WhiteNoise (the tool Django and Flask users pick) over
the same folder, each in front of the same trivial app. Workloads:

- a hashed CSS file to a client accepting gzip (the everyday case: the
  precompressed copy is sent);
- the same to a client that accepts no compression (the file itself);
- a revalidation answered 304 (``If-None-Match`` with the current ETag).

Each call builds a fresh environ and reads and closes the body, as a server does.
"""

from __future__ import annotations

import atexit
import io
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from bench._runner import Workload

OPS = 2000
CSS = b"".join(
    b".rule-%d { color: #%06x; margin: %dpx auto }\n" % (i, i * 997, i) for i in range(600)
)


def _fallback(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    start_response("404 Not Found", [("Content-Type", "text/plain")])
    return [b"app"]


def _environ(path: str, headers: dict[str, str]) -> dict[str, Any]:
    environ = {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "localhost:8000",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    environ.update(headers)
    return environ


def _runner(
    app: Callable[..., Iterable[bytes]], path: str, headers: dict[str, str], status: str
) -> Callable[[], None]:
    base = _environ(path, headers)
    seen: list[str] = []

    def capture(s: str, h: list[tuple[str, str]], exc_info: Any = None) -> Any:
        seen.append(s)

    body = app(dict(base, **{"wsgi.input": io.BytesIO(b"")}), capture)
    for _chunk in body:
        pass
    getattr(body, "close", lambda: None)()
    if not seen or not seen[0].startswith(status):
        raise RuntimeError(f"contender answered {seen}, wanted {status}")

    def start_response(s: str, h: list[tuple[str, str]], exc_info: Any = None) -> Any:
        return None

    def run() -> None:
        for _ in range(OPS):
            environ = base.copy()
            environ["wsgi.input"] = io.BytesIO(b"")
            body = app(environ, start_response)
            for _chunk in body:
                pass
            close = getattr(body, "close", None)
            if close is not None:
                close()

    return run


def _etag(app: Callable[..., Iterable[bytes]], path: str, headers: dict[str, str]) -> str:
    found: dict[str, str] = {}

    def capture(s: str, h: list[tuple[str, str]], exc_info: Any = None) -> Any:
        found.update((k.lower(), v) for k, v in h)

    body = app(dict(_environ(path, headers), **{"wsgi.input": io.BytesIO(b"")}), capture)
    getattr(body, "close", lambda: None)()
    return found["etag"]


def workloads() -> list[Workload]:
    from manouche.httpkit import StaticMount, collectstatic

    work = Path(tempfile.mkdtemp(prefix="bench-static-"))
    atexit.register(shutil.rmtree, work, True)
    (work / "src" / "css").mkdir(parents=True)
    (work / "src" / "css" / "site.css").write_bytes(CSS)
    root = work / "root"
    manifest = collectstatic(root, [work / "src"], packages=False, compress=["gzip"]).manifest
    path = "/static/" + manifest["css/site.css"]

    ours = StaticMount(_fallback, {"/static": root})
    contenders: dict[str, Callable[..., Iterable[bytes]]] = {"Manouche httpkit": ours}
    try:
        from whitenoise import WhiteNoise

        contenders["WhiteNoise"] = WhiteNoise(
            _fallback,
            root=str(root),
            prefix="/static/",
            immutable_file_test=r"\.[0-9a-f]{12}\.\w+$",
        )
    except ImportError:  # reported as a missing peer by the runner
        pass

    gzip_headers = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}
    cases = [
        ("hashed CSS, client accepts gzip", gzip_headers, "200"),
        ("hashed CSS, no compression", {}, "200"),
    ]
    result = []
    for name, headers, status in cases:
        result.append(
            Workload(
                name=f"{name} ({OPS} requests through WSGI)",
                contenders={
                    label: _runner(app, path, headers, status) for label, app in contenders.items()
                },
                ops=OPS,
                goals={"WhiteNoise": 1.0},
            )
        )
    revalidate = {
        label: _runner(
            app,
            path,
            dict(gzip_headers, HTTP_IF_NONE_MATCH=_etag(app, path, gzip_headers)),
            "304",
        )
        for label, app in contenders.items()
    }
    result.append(
        Workload(
            name=f"revalidation answered 304 ({OPS} requests through WSGI)",
            contenders=revalidate,
            ops=OPS,
            goals={"WhiteNoise": 1.0},
        )
    )
    return result

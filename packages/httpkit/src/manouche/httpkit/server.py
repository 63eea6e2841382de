"""The development server: ``manouche-serve MODULE:APP``.

::

    manouche-serve examples.hello.app:application --port 8000 --reload \\
        --static /static=examples/hello/static

Serves any WSGI application (an httpkit app, a Flask app, anything PEP 3333)
with waitress, logs each request to ``manouche.httpkit.server``, serves
static directories (``--static /prefix=DIR``, repeatable) and, with
``--reload``, restarts when a Python file under the current directory or the
application's package changes (watchfiles, on the OS's file notifications).
Like gunicorn, it puts the current directory first on ``sys.path`` so
``MODULE`` is found from where the command runs. It prints the URL it serves
at: ``Serving on http://127.0.0.1:8000/``.

It defends itself against hostile or broken clients, as a server facing the
network must:

- a declared ``Content-Length`` over ``--max-body-size`` (10 MiB) is
  answered 413 as soon as the headers are read, without reading the body;
- a request whose headers and body are not all received within
  ``--request-timeout`` seconds (15) is answered 408 and its connection
  closed, however slowly the client trickles bytes (slow-header and
  slow-body clients), and an idle keep-alive connection is closed after
  ``--idle-timeout`` seconds (30);
- at most ``--connection-limit`` connections (100) are open at once;
  waitress reads requests asynchronously, so slow clients hold a
  connection, never a worker thread;
- the server's own responses (400 for a malformed request line, 413, 408,
  431) and the files of ``--static`` carry the security headers
  (``X-Content-Type-Options``, ``X-Frame-Options``, ``Referrer-Policy``, a
  CSP of ``default-src 'none'`` on the error pages).

This is a development server: waitress is production-grade, but the static
file serving and the reloader are for development. See the README for
running in production.
"""

from __future__ import annotations

import argparse
import errno
import importlib
import importlib.util
import logging
import os
import shlex
import socket
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from manouche.httpkit.static import DEFAULT_STATIC_HEADERS, StaticMount

if TYPE_CHECKING:
    from manouche.httpkit.types import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = ["RequestLogger", "create_server", "load_app", "main", "serve"]

logger = logging.getLogger("manouche.httpkit.server")


class AppNotFound(Exception):
    """The ``MODULE:APP`` target cannot be imported or is not a WSGI app."""


def load_app(target: str) -> WSGIApplication:
    """Import ``MODULE:APP`` (``APP`` may be dotted; default ``application``).

    The current directory is put first on ``sys.path``, as gunicorn does.
    """
    module_name, _, attr = target.partition(":")
    if not module_name:
        raise AppNotFound(f"{target!r} is not MODULE:APP")
    cwd = os.getcwd()
    if cwd not in sys.path:
        sys.path.insert(0, cwd)
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and module_name.startswith(exc.name):
            raise AppNotFound(f"cannot import module {module_name!r}: {exc}") from exc
        raise
    obj: object = module
    for part in (attr or "application").split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise AppNotFound(f"module {module_name!r} has no attribute {attr!r}") from None
    if not callable(obj):
        raise AppNotFound(f"{target!r} is not callable, so it is not a WSGI application")
    return obj


class RequestLogger:
    """WSGI middleware logging one line per request: method, path, status, size, time."""

    def __init__(self, app: WSGIApplication, log: logging.Logger = logger) -> None:
        self.app = app
        self.log = log

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        status: list[str] = ["-"]

        def logging_start_response(
            status_line: str, headers: list[tuple[str, str]], exc_info: object = None
        ) -> object:
            status[0] = status_line.split(" ", 1)[0]
            return start_response(status_line, headers, exc_info)  # type: ignore[arg-type]

        body = self.app(environ, logging_start_response)  # type: ignore[arg-type]
        return self._logged(body, environ, status, started)

    def _logged(
        self, body: Iterable[bytes], environ: WSGIEnvironment, status: list[str], started: float
    ) -> Iterable[bytes]:
        size = 0
        try:
            for chunk in body:
                size += len(chunk)
                yield chunk
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()
            path = environ.get("PATH_INFO", "")
            query = environ.get("QUERY_STRING", "")
            self.log.info(
                '%s "%s %s%s %s" %s %d %.1fms',
                environ.get("REMOTE_ADDR", "-"),
                environ.get("REQUEST_METHOD", "-"),
                path.encode("latin-1").decode("utf-8", "replace"),
                f"?{query}" if query else "",
                environ.get("SERVER_PROTOCOL", "-"),
                status[0],
                size,
                (time.perf_counter() - started) * 1000,
            )


def _parse_static(values: Sequence[str]) -> dict[str, str]:
    mounts = {}
    for value in values:
        prefix, sep, directory = value.partition("=")
        if not sep or not prefix.startswith("/") or not directory:
            raise SystemExit(f"manouche-serve: --static wants /prefix=DIR, got {value!r}")
        if not Path(directory).is_dir():
            raise SystemExit(f"manouche-serve: --static directory {directory!r} does not exist")
        mounts[prefix] = directory
    return mounts


#: Headers on the server's own responses (its 400, 408, 413, 431 pages).
ERROR_HEADERS: tuple[tuple[str, str], ...] = (
    *DEFAULT_STATIC_HEADERS,
    ("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"),
)
DEFAULT_MAX_BODY = 10 * 1024 * 1024


def _guarded_server_classes(request_timeout: float) -> tuple[type, type]:
    """waitress's TCP server and channel, with a request deadline and secure error pages."""
    from waitress.channel import HTTPChannel
    from waitress.server import TcpWSGIServer
    from waitress.task import ErrorTask

    class SecureErrorTask(ErrorTask):  # type: ignore[misc]
        def execute(self) -> None:
            # waitress's own, with the headers added before the first write sends them.
            error = self.request.error
            status, headers, body = error.to_response(self.channel.server.adj.ident)
            self.status = status
            self.response_headers.extend(headers)
            self.response_headers.extend(ERROR_HEADERS)
            self.set_close_on_finish()
            self.content_length = len(body)
            self.write(body)

    class DeadlineChannel(HTTPChannel):  # type: ignore[misc]
        error_task_class = SecureErrorTask
        #: When the first byte of the request being read arrived (None between requests).
        request_started: float | None = None
        timed_out = False

        def received(self, data: bytes) -> bool:
            if data and self.request is None and self.request_started is None:
                self.request_started = time.monotonic()
            done = bool(super().received(data))
            if self.request is None:
                self.request_started = None
            return done

        def time_out(self) -> None:
            """Answer 408 and close: the request was not received in time."""
            self.timed_out = True
            self.request = None
            body = b"Request Timeout: the request was not received in time.\n"
            head = [
                "HTTP/1.1 408 Request Timeout",
                "Connection: close",
                "Content-Type: text/plain; charset=utf-8",
                f"Content-Length: {len(body)}",
                *(f"{name}: {value}" for name, value in ERROR_HEADERS),
            ]
            self.write_soon(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)
            self.close_when_flushed = True

    class DeadlineServer(TcpWSGIServer):  # type: ignore[misc]
        channel_class = DeadlineChannel

        def maintenance(self, now: float) -> None:
            super().maintenance(now)
            cutoff = time.monotonic() - request_timeout
            for channel in list(self.active_channels.values()):
                started = getattr(channel, "request_started", None)
                if (
                    started is not None
                    and started < cutoff
                    and channel.request is not None
                    and not channel.requests
                    and not getattr(channel, "timed_out", True)
                ):
                    logger.warning(
                        "%s: request not received within %ss, answered 408",
                        channel.addr[0] if channel.addr else "-",
                        request_timeout,
                    )
                    channel.time_out()

    return DeadlineServer, DeadlineChannel


def create_server(
    app: WSGIApplication,
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    threads: int = 4,
    max_body_size: int = DEFAULT_MAX_BODY,
    request_timeout: float = 15,
    idle_timeout: int = 30,
    connection_limit: int = 100,
) -> object:
    """A waitress server for ``app`` with manouche-serve's limits (not started).

    Parameters:
        max_body_size: a larger declared ``Content-Length`` is answered 413 at
            once; a chunked body is cut off at this size.
        request_timeout: seconds to receive a whole request (headers and body).
        idle_timeout: seconds a keep-alive connection may sit idle.
        connection_limit: open connections at most (new ones wait in the backlog).

    .. versionadded:: 0.2
    """
    import waitress

    server_class, _ = _guarded_server_classes(request_timeout)
    sockets: dict[int, object] = {}
    server = waitress.create_server(
        app,
        map=sockets,
        host=host,
        port=port,
        threads=threads,
        max_request_body_size=max_body_size,
        channel_timeout=idle_timeout,
        connection_limit=connection_limit,
        # Deadlines are checked at this interval (waitress's default is 30 s).
        cleanup_interval=1,
    )
    for listener in list(sockets.values()):
        if type(listener).__name__ == "TcpWSGIServer":
            listener.__class__ = server_class
    return server


def serve(
    app: WSGIApplication,
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    static: dict[str, str] | None = None,
    threads: int = 4,
    max_body_size: int = DEFAULT_MAX_BODY,
    request_timeout: float = 15,
    idle_timeout: int = 30,
    connection_limit: int = 100,
) -> None:
    """Serve ``app`` with waitress until interrupted, printing the URL first.

    .. versionchanged:: 0.2
       ``max_body_size``, ``request_timeout``, ``idle_timeout``,
       ``connection_limit`` (see :func:`create_server`).
    """
    _check_bindable(host, port)
    wrapped: WSGIApplication = app
    if static:
        wrapped = StaticMount(wrapped, static)
    wrapped = RequestLogger(wrapped)
    server: Any = create_server(
        wrapped,
        host,
        port,
        threads=threads,
        max_body_size=max_body_size,
        request_timeout=request_timeout,
        idle_timeout=idle_timeout,
        connection_limit=connection_limit,
    )
    # One listening socket, or several when a name resolves to IPv4 and IPv6.
    listening = getattr(server, "effective_listen", None) or [
        (server.effective_host, server.effective_port)
    ]
    bound_host, bound_port = listening[0]  # the URL to open; the others serve the same
    shown = host if host not in ("0.0.0.0", "::", "") else bound_host
    shown = f"[{shown}]" if ":" in shown else shown
    print(f"Serving on http://{shown}:{bound_port}/", flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


def _check_bindable(host: str, port: int) -> None:
    """Raise the ``OSError`` of a port that cannot be listened on, before the server is made
    (waitress would leave the sockets it made behind when its own bind fails)."""
    if port == 0:
        return
    for family, kind, proto, _name, address in socket.getaddrinfo(
        host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    ):
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as waitress binds
            probe.bind(address)


def _watch_paths(target: str) -> list[str]:
    paths = {os.getcwd()}
    module_name = target.partition(":")[0]
    try:
        spec = importlib.util.find_spec(module_name.split(".")[0])
    except (ImportError, ValueError):
        spec = None
    if spec is not None:
        for location in spec.submodule_search_locations or []:
            paths.add(location)
        if spec.origin and spec.origin not in ("built-in", "frozen"):
            paths.add(str(Path(spec.origin).parent))
    # Watch the outermost directories only: nested ones are covered already.
    ordered = sorted(paths, key=len)
    kept: list[str] = []
    for path in ordered:
        if not any(Path(path).is_relative_to(k) for k in kept):
            kept.append(path)
    return kept


def _run_with_reloader(args: argparse.Namespace, argv: Sequence[str]) -> int:
    import watchfiles

    cwd = os.getcwd()
    if cwd not in sys.path:
        sys.path.insert(0, cwd)
    child = [sys.executable, "-m", "manouche.httpkit.server"]
    child += [a for a in argv if a != "--reload"]
    paths = _watch_paths(args.target)

    def changed(changes: set[tuple[watchfiles.Change, str]]) -> None:
        names = sorted({Path(p).name for _, p in changes})
        print(f"manouche-serve: {', '.join(names)} changed, restarting", flush=True)

    print(f"manouche-serve: watching {', '.join(paths)} for changes", flush=True)
    watchfiles.run_process(
        *paths,
        target=shlex.join(child),
        target_type="command",
        watch_filter=watchfiles.PythonFilter(),
        callback=changed,
        debounce=400,
        grace_period=0.2,
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """The ``manouche-serve`` console command."""
    parser = argparse.ArgumentParser(
        prog="manouche-serve",
        description="Serve a WSGI application for development.",
    )
    parser.add_argument("target", metavar="MODULE:APP", help="e.g. myproject.wsgi:application")
    parser.add_argument("--host", default="127.0.0.1", help="interface (127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port, 0 for any free one (8000)")
    parser.add_argument("--reload", action="store_true", help="restart on source changes")
    parser.add_argument(
        "--static",
        action="append",
        default=[],
        metavar="/PREFIX=DIR",
        help="serve the files of DIR under /PREFIX (repeatable)",
    )
    parser.add_argument("--threads", type=int, default=4, help="worker threads (4)")
    parser.add_argument(
        "--max-body-size",
        type=int,
        default=DEFAULT_MAX_BODY,
        metavar="BYTES",
        help="larger request bodies are refused with 413 before they are read (10 MiB)",
    )
    parser.add_argument(
        "--request-timeout",
        type=float,
        default=15,
        metavar="SECONDS",
        help="time to receive a whole request, headers and body, else 408 (15)",
    )
    parser.add_argument(
        "--idle-timeout",
        type=int,
        default=30,
        metavar="SECONDS",
        help="an idle keep-alive connection is closed after this (30)",
    )
    parser.add_argument(
        "--connection-limit", type=int, default=100, help="open connections at most (100)"
    )
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)
    if not 0 <= args.port <= 65535:
        parser.error(f"--port must be between 0 and 65535, got {args.port}")
    for option in ("max_body_size", "request_timeout", "idle_timeout", "connection_limit"):
        if getattr(args, option) <= 0:
            parser.error(f"--{option.replace('_', '-')} must be positive")
    static = _parse_static(args.static)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    if args.reload:
        return _run_with_reloader(args, argv)
    try:
        app = load_app(args.target)
    except AppNotFound as exc:
        print(f"manouche-serve: {exc}", file=sys.stderr)
        return 2
    try:
        serve(
            app,
            args.host,
            args.port,
            static=static,
            threads=args.threads,
            max_body_size=args.max_body_size,
            request_timeout=args.request_timeout,
            idle_timeout=args.idle_timeout,
            connection_limit=args.connection_limit,
        )
    except OSError as exc:
        print(f"manouche-serve: {_bind_error(exc, args.host, args.port)}", file=sys.stderr)
        return 1
    return 0


def _bind_error(exc: OSError, host: str, port: int) -> str:
    """One line saying why the server could not listen, and what to do."""
    if exc.errno == errno.EADDRINUSE:
        return (
            f"port {port} on {host} is already in use (another server is running?): "
            "stop it, or pick another port with --port (0 takes any free one)"
        )
    if exc.errno == errno.EACCES:
        return f"no permission to listen on {host}:{port} (ports below 1024 need privileges)"
    if exc.errno == errno.EADDRNOTAVAIL:
        return f"cannot listen on {host}: this machine has no such address (try --host 127.0.0.1)"
    return f"cannot listen on {host}:{port}: {exc.strerror or exc}"


if __name__ == "__main__":
    sys.exit(main())

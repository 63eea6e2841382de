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

This is a development server: waitress is production-grade, but the static
file serving and the reloader are for development.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import logging
import os
import shlex
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from manouche.httpkit.static import StaticMount

if TYPE_CHECKING:
    from manouche.httpkit.types import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = ["RequestLogger", "load_app", "main", "serve"]

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


def serve(
    app: WSGIApplication,
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    static: dict[str, str] | None = None,
    threads: int = 4,
) -> None:
    """Serve ``app`` with waitress until interrupted, printing the URL first."""
    import waitress

    wrapped: WSGIApplication = app
    if static:
        wrapped = StaticMount(wrapped, static)
    wrapped = RequestLogger(wrapped)
    server = waitress.create_server(wrapped, host=host, port=port, threads=threads)
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
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)
    if not 0 <= args.port <= 65535:
        parser.error(f"--port must be between 0 and 65535, got {args.port}")
    static = _parse_static(args.static)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    if args.reload:
        return _run_with_reloader(args, argv)
    try:
        app = load_app(args.target)
    except AppNotFound as exc:
        print(f"manouche-serve: {exc}", file=sys.stderr)
        return 2
    serve(app, args.host, args.port, static=static, threads=args.threads)
    return 0


if __name__ == "__main__":
    sys.exit(main())

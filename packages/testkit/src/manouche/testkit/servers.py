"""``LiveServer``: a WSGI application served over real HTTP in a background thread."""

from __future__ import annotations

import threading
from socketserver import ThreadingMixIn
from types import TracebackType
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

__all__ = ["LiveServer"]

_BACKENDS = ("auto", "waitress", "wsgiref")


class LiveServer:
    """Serve ``app`` on ``host`` (a free port by default) until :meth:`stop`.

    The server is waitress (several threads) when it is installed, else the
    standard library's ``wsgiref`` with a thread per request; ``server=``
    chooses. The socket listens as soon as :meth:`start` returns, so a client
    can connect at once. Use it as a context manager, or through the
    ``live_server`` fixture::

        with LiveServer(app) as server:
            urllib.request.urlopen(server.url + "/health")

    :param app: the WSGI application.
    :param host: the address to bind (``127.0.0.1``).
    :param port: the port (``0``: a free one, chosen by the system).
    :param server: ``"auto"``, ``"waitress"`` or ``"wsgiref"``.
    :param threads: worker threads of waitress.
    """

    def __init__(
        self,
        app: Any,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        server: str = "auto",
        threads: int = 4,
    ) -> None:
        if server not in _BACKENDS:
            raise ValueError(f"server must be one of {', '.join(_BACKENDS)}, not {server!r}")
        if not callable(app):
            raise TypeError(f"LiveServer needs a WSGI application (a callable), got {app!r}")
        self.app = app
        self.host = host
        self.port = port
        self.server = server
        self.threads = threads
        self._stop_serving: Any = None
        self._thread: threading.Thread | None = None

    def __repr__(self) -> str:
        state = self.url if self.running else "stopped"
        return f"<LiveServer {self.server} {state}>"

    def __str__(self) -> str:
        return self.url

    @property
    def url(self) -> str:
        """``http://host:port``, without a trailing slash."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._thread is not None

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> LiveServer:
        """Bind the socket and serve in a daemon thread; return ``self``."""
        if self._thread is not None:
            raise RuntimeError(f"{self!r} is already running")
        backend = self.server
        if backend == "auto":
            try:
                import waitress  # noqa: F401
            except ImportError:
                backend = "wsgiref"
            else:
                backend = "waitress"
            self.server = backend
        serve = self._start_waitress if backend == "waitress" else self._start_wsgiref
        run, self._stop_serving = serve()
        self._thread = threading.Thread(target=run, name=f"live-server:{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop serving, close the socket and wait for the thread to end."""
        if self._thread is None:
            return
        thread, self._thread = self._thread, None
        self._stop_serving(thread, timeout)
        if thread.is_alive():  # pragma: no cover - a request that never ends
            raise RuntimeError(f"the live server on {self.url} did not stop in {timeout}s")

    # -- backends -----------------------------------------------------------

    def _start_waitress(self) -> tuple[Any, Any]:
        from waitress import wasyncore
        from waitress.server import create_server

        socket_map: dict[int, Any] = {}
        srv = create_server(
            self.app,
            map=socket_map,
            host=self.host,
            port=self.port,
            threads=self.threads,
            clear_untrusted_proxy_headers=True,
            ident="manouche-live-server",
        )
        self.port = int(srv.effective_port)
        stopping = threading.Event()

        def run() -> None:
            while not stopping.is_set():
                wasyncore.loop(timeout=1.0, map=socket_map, count=1)

        def stop(thread: threading.Thread, timeout: float) -> None:
            stopping.set()
            srv.pull_trigger()  # wake the poll now rather than at its timeout
            thread.join(timeout)
            for channel in list(socket_map.values()):
                if channel is not srv and channel is not srv.trigger:
                    channel.close()
            srv.close()  # the listening socket, the trigger, the worker threads

        return run, stop

    def _start_wsgiref(self) -> tuple[Any, Any]:
        from wsgiref.simple_server import make_server

        srv = make_server(
            self.host,
            self.port,
            self.app,
            server_class=_ThreadingWSGIServer,
            handler_class=_QuietHandler,
        )
        self.port = int(srv.server_port)

        def run() -> None:
            srv.serve_forever(poll_interval=0.05)

        def stop(thread: threading.Thread, timeout: float) -> None:
            srv.shutdown()
            srv.server_close()
            thread.join(timeout)

        return run, stop


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    """wsgiref's server with a thread per request."""

    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    """No access log on stderr: test output stays readable."""

    def log_message(self, format: str, *args: Any) -> None:
        pass

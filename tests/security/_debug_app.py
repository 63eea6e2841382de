"""An httpkit app with ``debug=True`` whose view fails, served by wsgiref.

wsgiref copies the process's environment variables into every request's
environ, so the debug page sees ``DATABASE_URL`` and the like: what a
developer who runs with debug on a shared machine would leak.

    python -m tests.security._debug_app     # prints "Serving on http://127.0.0.1:PORT/"
"""

from __future__ import annotations

import webob

from manouche.httpkit import SecurityMiddleware, XFrameOptionsMiddleware, make_wsgi_app


def boom(request: webob.Request) -> webob.Response:
    request.POST  # noqa: B018 - parsed, so the page shows the form
    raise RuntimeError(f"cannot connect to {request.environ.get('DATABASE_URL')}")


application = make_wsgi_app(boom, [SecurityMiddleware, XFrameOptionsMiddleware], debug=True)


if __name__ == "__main__":
    from wsgiref.simple_server import WSGIRequestHandler, make_server

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    with make_server("127.0.0.1", 0, application, handler_class=QuietHandler) as server:
        print(f"Serving on http://127.0.0.1:{server.server_port}/", flush=True)
        server.serve_forever()

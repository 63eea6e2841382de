"""One API worker process for the throttling test: a throttled view served over HTTP.

Run as ``python _throttle_server.py REDIS_URL KEY_PREFIX``; prints the URL it
serves, then serves until killed. Each worker counts in the same Redis cache
(cachekit's Redis backend), as workers behind a load balancer do.
"""

from __future__ import annotations

import sys
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

from manouche.cachekit import create_cache
from manouche.restkit import throttling
from manouche.restkit.response import Response
from manouche.restkit.views import APIView
from manouche.urlmap import URLMap, path


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def main(redis_url: str, key_prefix: str) -> None:
    shared = create_cache(f"{redis_url}?key_prefix={key_prefix}")

    class Limited(throttling.AnonRateThrottle):
        rate = "3/min"
        cache = shared

    class Ping(APIView):
        throttle_classes = [Limited]
        authentication_classes: list[Any] = []

        def get(self, request: Any) -> Response:
            return Response({"ok": True})

    server = make_server(
        "127.0.0.1", 0, URLMap([path("ping/", Ping.as_view())]), handler_class=_Quiet
    )
    print(f"serving on http://127.0.0.1:{server.server_port}/", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

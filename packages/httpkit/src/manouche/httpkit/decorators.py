"""View decorators with Django's names: ``require_http_methods`` and friends.

``require_http_methods(["GET", "POST"])`` answers other methods with a 405
and an ``Allow`` header (``django.views.decorators.http``); ``require_GET``,
``require_POST`` and ``require_safe`` (GET and HEAD) are the usual
shorthands.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import webob

if TYPE_CHECKING:
    from manouche.httpkit.types import View

__all__ = ["require_GET", "require_POST", "require_http_methods", "require_safe"]

logger = logging.getLogger("manouche.httpkit.request")


def require_http_methods(methods: Iterable[str]) -> Callable[[View], View]:
    """Only let ``methods`` through to the view; others get a 405 with ``Allow``."""
    allowed = [m.upper() for m in methods]
    if not allowed:
        raise ValueError("require_http_methods needs at least one method")
    allow_header = ", ".join(allowed)

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def inner(request: webob.Request, *args: Any, **kwargs: Any) -> webob.Response:
            if request.method not in allowed:
                logger.warning(
                    "Method Not Allowed (%s): %s",
                    request.method,
                    request.path_info,
                    extra={"status_code": 405},
                )
                response = webob.Response(status=405, content_type="text/plain", charset="utf-8")
                response.headers["Allow"] = allow_header
                return response
            return view(request, *args, **kwargs)

        return inner

    return decorator


require_GET = require_http_methods(["GET"])  # noqa: N816 - Django's name
require_GET.__doc__ = "Only GET reaches the view."
require_POST = require_http_methods(["POST"])  # noqa: N816 - Django's name
require_POST.__doc__ = "Only POST reaches the view."
require_safe = require_http_methods(["GET", "HEAD"])
require_safe.__doc__ = "Only GET and HEAD reach the view (safe methods)."

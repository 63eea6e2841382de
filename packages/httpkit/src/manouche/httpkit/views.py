"""Class-based views: ``View`` and ``RedirectView`` (Django's names and behaviour).

``View.as_view(**initkwargs)`` returns a plain view function ``view(request,
**kwargs)``; each request gets a fresh instance, ``dispatch()`` calls the
method named after the HTTP verb (``get``, ``post``...), HEAD falls back to
``get``, OPTIONS is answered with the ``Allow`` header, and other verbs get a
405 with ``Allow``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, ClassVar

import webob

__all__ = ["RedirectView", "View"]

logger = logging.getLogger("manouche.httpkit.request")


class View:
    """The base class of class-based views (Django's ``django.views.View``)."""

    http_method_names: ClassVar[list[str]] = [
        "get",
        "post",
        "put",
        "patch",
        "delete",
        "head",
        "options",
        "trace",
    ]

    request: webob.Request
    args: tuple[Any, ...]
    kwargs: dict[str, Any]

    def __init__(self, **kwargs: Any) -> None:
        for key, value in kwargs.items():
            setattr(self, key, value)

    @classmethod
    def as_view(cls, **initkwargs: Any) -> Callable[..., webob.Response]:
        """A view function that instantiates this class with ``initkwargs`` per request."""
        for key in initkwargs:
            if key in cls.http_method_names:
                raise TypeError(
                    f"The method name {key!r} is not accepted as a keyword argument "
                    f"to {cls.__name__}.as_view()."
                )
            if not hasattr(cls, key):
                raise TypeError(
                    f"{cls.__name__}.as_view() received an invalid keyword {key!r}. "
                    f"as_view only accepts arguments that are already attributes of the class."
                )

        def view(request: webob.Request, *args: Any, **kwargs: Any) -> webob.Response:
            self = cls(**initkwargs)
            self.setup(request, *args, **kwargs)
            return self.dispatch(request, *args, **kwargs)

        view.view_class = cls  # type: ignore[attr-defined]
        view.view_initkwargs = initkwargs  # type: ignore[attr-defined]
        view.__doc__ = cls.__doc__
        view.__module__ = cls.__module__
        view.__name__ = cls.__name__
        view.__qualname__ = cls.__qualname__
        return view

    def setup(self, request: webob.Request, *args: Any, **kwargs: Any) -> None:
        """Store the request and the route arguments on the instance."""
        if hasattr(self, "get") and not hasattr(self, "head"):
            self.head = self.get
        self.request = request
        self.args = args
        self.kwargs = kwargs

    def dispatch(self, request: webob.Request, *args: Any, **kwargs: Any) -> webob.Response:
        """Call the handler of the request's method, or ``http_method_not_allowed``."""
        method = request.method.lower()
        if method in self.http_method_names:
            handler: Callable[..., webob.Response] = getattr(
                self, method, self.http_method_not_allowed
            )
        else:
            handler = self.http_method_not_allowed
        return handler(request, *args, **kwargs)

    def http_method_not_allowed(
        self, request: webob.Request, *args: Any, **kwargs: Any
    ) -> webob.Response:
        """A 405 with the ``Allow`` header."""
        logger.warning(
            "Method Not Allowed (%s): %s",
            request.method,
            request.path_info,
            extra={"status_code": 405},
        )
        response = webob.Response(status=405, content_type="text/plain", charset="utf-8")
        response.headers["Allow"] = ", ".join(self._allowed_methods())
        return response

    def options(self, request: webob.Request, *args: Any, **kwargs: Any) -> webob.Response:
        """Answer OPTIONS with the allowed methods and an empty body."""
        response = webob.Response(status=200)
        response.headers["Allow"] = ", ".join(self._allowed_methods())
        response.content_length = 0
        return response

    def _allowed_methods(self) -> list[str]:
        return [m.upper() for m in self.http_method_names if hasattr(self, m)]


class RedirectView(View):
    """Redirect to ``url`` (Django's ``RedirectView``).

    ``url`` may hold ``%(name)s`` placeholders filled from the route's keyword
    arguments; ``permanent`` picks 301 over 302; ``query_string`` appends the
    request's query string. When no URL results, the answer is 410 Gone.
    Override ``get_redirect_url`` for anything fancier (for instance with a
    ``reverse`` function of a router).
    """

    permanent: bool = False
    url: str | None = None
    query_string: bool = False

    def get_redirect_url(self, *args: Any, **kwargs: Any) -> str | None:
        """The URL to redirect to, or None for a 410."""
        if not self.url:
            return None
        url = self.url % kwargs
        query = self.request.environ.get("QUERY_STRING", "")
        if query and self.query_string:
            url = f"{url}?{query}"
        return url

    def get(self, request: webob.Request, *args: Any, **kwargs: Any) -> webob.Response:
        url = self.get_redirect_url(*args, **kwargs)
        if url:
            return webob.Response(status=301 if self.permanent else 302, location=url)
        logger.warning("Gone: %s", request.path_info, extra={"status_code": 410})
        return webob.Response(status=410)

    def head(self, request: webob.Request, *args: Any, **kwargs: Any) -> webob.Response:
        return self.get(request, *args, **kwargs)

    def post(self, request: webob.Request, *args: Any, **kwargs: Any) -> webob.Response:
        return self.get(request, *args, **kwargs)

    def options(self, request: webob.Request, *args: Any, **kwargs: Any) -> webob.Response:
        return self.get(request, *args, **kwargs)

    def delete(self, request: webob.Request, *args: Any, **kwargs: Any) -> webob.Response:
        return self.get(request, *args, **kwargs)

    def put(self, request: webob.Request, *args: Any, **kwargs: Any) -> webob.Response:
        return self.get(request, *args, **kwargs)

    def patch(self, request: webob.Request, *args: Any, **kwargs: Any) -> webob.Response:
        return self.get(request, *args, **kwargs)

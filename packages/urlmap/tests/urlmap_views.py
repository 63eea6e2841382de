"""Views the urlmap tests route to, on our side and Django's (a module of its own,
so tests import it by a name no other package's tests use)."""

from __future__ import annotations

from typing import Any

import webob


def view_a(request: Any, *args: Any, **kwargs: Any) -> webob.Response:
    return webob.Response(f"a {args!r} {sorted(kwargs.items())!r}")


def view_b(request: Any, *args: Any, **kwargs: Any) -> webob.Response:
    return webob.Response(f"b {args!r} {sorted(kwargs.items())!r}")


class ClassView:
    def __call__(self, request: Any, *args: Any, **kwargs: Any) -> webob.Response:
        return webob.Response("class view")


class_view = ClassView()

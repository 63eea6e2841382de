"""Django's side of the differential tests: the URLconf and a user-from-header middleware."""

from __future__ import annotations

from typing import Any

from django.contrib.flatpages import views
from django.http import HttpResponse
from django.urls import path


def exists(request: Any) -> HttpResponse:
    return HttpResponse("exists")


urlpatterns = [
    path("exists/", exists),
    path("pages/<path:url>", views.flatpage),
]


class _User:
    def __init__(self, authenticated: bool) -> None:
        self.is_authenticated = authenticated


class UserFromHeaderMiddleware:
    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        request.user = _User(request.headers.get("X-User") == "yes")
        return self.get_response(request)

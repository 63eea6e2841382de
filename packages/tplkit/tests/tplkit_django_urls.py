"""The URLconf Django reverses against in the ``url`` differential tests."""

from django.http import HttpResponse
from django.urls import path


def _view(request, **kwargs):  # type: ignore[no-untyped-def]
    return HttpResponse("")


urlpatterns = [
    path("", _view, name="home"),
    path("blog/<int:year>/<slug:slug>/", _view, name="post"),
    path("search/<str:q>/", _view, name="search"),
]

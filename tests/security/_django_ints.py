"""What Django's own site answers for integer URL arguments no column holds.

Run as a script (Django's settings are process-wide): prints a JSON object
``{path: status}`` for the paths given as arguments, served by a Django
project whose ``<int:pk>/`` view looks the row up with
``get_object_or_404`` in SQLite, as the polls tutorial does.
"""

from __future__ import annotations

import json
import sys

import django
from django.conf import settings

settings.configure(
    DEBUG=False,
    ALLOWED_HOSTS=["testserver"],
    SECRET_KEY="differential-tests-only",
    ROOT_URLCONF=__name__,
    MIDDLEWARE=["django.middleware.common.CommonMiddleware"],
    INSTALLED_APPS=["django.contrib.contenttypes"],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    USE_TZ=True,
)
django.setup()

from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.shortcuts import get_object_or_404  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import path  # noqa: E402


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse(str(get_object_or_404(ContentType, pk=pk)))


urlpatterns = [path("<int:pk>/", detail), path("<int:pk>/results/", detail)]

if __name__ == "__main__":
    call_command("migrate", verbosity=0)
    client = Client()
    print(json.dumps({p: client.get(p).status_code for p in sys.argv[1:]}))

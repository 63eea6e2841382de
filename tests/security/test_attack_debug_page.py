"""The debug page redacts secrets: settings-like environ keys, URL passwords, query and form.

Served by wsgiref, which copies the environment variables into the environ,
with Django's ``SafeExceptionReporterFilter`` rules as the reference.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator

import pytest

from tests._serve import serving
from tests.security._http import SECURITY_HEADERS, request

SERVING_ON = r"Serving on (http://127\.0\.0\.1:\d+/)"
SECRETS = {
    "DATABASE_URL": "postgresql+psycopg://polls:s3cretpw@db.example/polls",
    "REDIS_URL": "redis://:r3dispw@cache.example:6379/0",
    "API_TOKEN": "tok-3f9a",
    "AWS_SECRET_ACCESS_KEY": "aws-9x8y",
    "STRIPE_KEY": "sk_live_77",
    "SIGNATURE_SALT": "salt-41",
    "DB_PASSWORD": "hunter2",
    "OAUTH_AUTH_CODE": "authcode-5",
}


@pytest.fixture(scope="module")
def debug_site() -> Iterator[str]:
    with serving([sys.executable, "-m", "tests.security._debug_app"], SERVING_ON, SECRETS) as base:
        yield base


def test_django_hides_the_same_names(django_hidden: re.Pattern[str]) -> None:
    for name in SECRETS:
        if name.endswith("_URL"):
            assert not django_hidden.search(name)  # a URL: its password is hidden instead
        else:
            assert django_hidden.search(name), name


@pytest.fixture
def django_hidden() -> re.Pattern[str]:
    pytest.importorskip("django")
    from django.views.debug import SafeExceptionReporterFilter

    return SafeExceptionReporterFilter.hidden_settings


def test_debug_page_shows_the_error_but_no_secret(debug_site: str) -> None:
    reply = request(
        debug_site,
        "POST",
        "/boom?q=visible&access_token=qtok-1&password=qpw-2&api_key=qkey-3",
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "sessionid=cookie-6",
            "Authorization": "Bearer bearer-7",
            "Referer": "http://127.0.0.1/login?next=/&token=reftok-8",
            "X-Api-Key": "hdrkey-9",
        },
        b"username=bob&password=formpw-4&csrfmiddlewaretoken=csrf-5&comment=hello",
    )
    assert reply.status == 500
    page = reply.text()
    # The page is useful: the error, the traceback, harmless values.
    assert "RuntimeError" in page and "boom" in page
    assert "visible" in page and "bob" in page and "hello" in page
    assert "postgresql+psycopg://polls:" in page  # the URL is shown, its password is not
    assert "API_TOKEN" in page and "HTTP_COOKIE" in page  # the names are listed, redacted
    leaked = [
        value
        for value in [
            *SECRETS.values(),
            "s3cretpw",
            "r3dispw",
            "qtok-1",
            "qpw-2",
            "qkey-3",
            "formpw-4",
            "csrf-5",
            "cookie-6",
            "bearer-7",
            "reftok-8",
            "hdrkey-9",
        ]
        if value in page and not value.startswith(("postgresql+", "redis://"))
    ]
    assert leaked == []
    for name in SECURITY_HEADERS:
        assert name in reply.headers

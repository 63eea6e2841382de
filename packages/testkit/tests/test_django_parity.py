"""Differential tests: our Client and Django's test client on the same Django application.

The same requests go through ``django.test.Client`` and through our
``Client`` over Django's WSGI handler; status codes, redirect chains, bodies
and cookies must agree. CSRF runs for real (Django's ``CsrfViewMiddleware``),
so the token helpers are checked against Django's own protection.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

django = pytest.importorskip("django")

from manouche.testsupport import configure_django  # noqa: E402

configure_django(
    ALLOWED_HOSTS=["localhost", "testserver"],
    ROOT_URLCONF=__name__,
    SECRET_KEY="testkit-parity",
)

from django.http import (  # noqa: E402
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
)
from django.middleware.csrf import get_token  # noqa: E402
from django.test import Client as DjangoClient  # noqa: E402
from django.test.client import RedirectCycleError  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.urls import path  # noqa: E402

from manouche.testkit import Client  # noqa: E402


def redirect(to: str, status: int) -> HttpResponse:
    res = HttpResponseRedirect(to)
    res.status_code = status
    return res


def hop(request: HttpRequest, n: int) -> HttpResponse:
    if n == 0:
        return HttpResponse(f"landed {request.method}")
    return redirect(f"/hop/{n - 1}/", 302)


def set_cookie(request: HttpRequest) -> HttpResponse:
    res = HttpResponse("set")
    res.set_cookie("flavour", "chocolate")
    return res


def read_cookie(request: HttpRequest) -> HttpResponse:
    return HttpResponse(request.COOKIES.get("flavour", "none"))


def echo(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"{request.method} {sorted(request.POST.items())}")


def form(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return HttpResponse(f"saved {request.POST['name']}")
    token = get_token(request)
    return HttpResponse(
        '<form method="post" action="/form/">'
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
        '<input name="name"></form>'
    )


urlpatterns = [
    path("hop/<int:n>/", hop),
    path("set-cookie/", set_cookie),
    path("read-cookie/", read_cookie),
    path("echo/", echo),
    path("form/", form),
    path("see-other/", lambda r: redirect("/echo/", 303)),
    path("temporary/", lambda r: redirect("/echo/", 307)),
    path("permanent/", lambda r: redirect("/echo/", 308)),
    path("moved/", lambda r: redirect("/echo/", 301)),
    path("loop/", lambda r: redirect("/loop/", 302)),
    path("missing-after/", lambda r: redirect("/nowhere/", 302)),
]


@pytest.fixture
def both() -> Iterator[tuple[DjangoClient, Client]]:
    """Both clients on the application without CSRF checks."""
    from django.core.wsgi import get_wsgi_application

    # Another suite in the same process may have configured Django otherwise.
    with override_settings(ROOT_URLCONF=__name__, MIDDLEWARE=[], ALLOWED_HOSTS=["localhost"]):
        yield DjangoClient(), Client(get_wsgi_application())


@pytest.fixture
def guarded() -> Iterator[tuple[DjangoClient, Client]]:
    """Both clients on the application behind Django's CsrfViewMiddleware, enforced."""
    from django.core.wsgi import get_wsgi_application

    with override_settings(
        ROOT_URLCONF=__name__,
        MIDDLEWARE=["django.middleware.csrf.CsrfViewMiddleware"],
        ALLOWED_HOSTS=["localhost", "testserver"],
    ):
        yield DjangoClient(enforce_csrf_checks=True), Client(get_wsgi_application())


def outcome(res: Any) -> tuple[int, list[tuple[str, int]], str]:
    status = res.status_code if hasattr(res, "status_code") else res.status_int
    chain = [tuple(hop) for hop in getattr(res, "redirect_chain", [])]
    return status, chain, res.content.decode() if hasattr(res, "content") else res.text


def same(
    both: tuple[DjangoClient, Client],
    theirs: Callable[[DjangoClient], Any],
    ours: Callable[[Client], Any],
) -> tuple[int, list[tuple[str, int]], str]:
    expected = outcome(theirs(both[0]))
    got = outcome(ours(both[1]))
    assert got == expected
    return got


@pytest.mark.parametrize("n", [0, 1, 3])
def test_follow_get(both: tuple[DjangoClient, Client], n: int) -> None:
    status, chain, body = same(
        both,
        lambda d: d.get(f"/hop/{n}/", follow=True),
        lambda c: c.get(f"/hop/{n}/", follow=True),
    )
    assert (status, len(chain), body) == (200, n, "landed GET")


def test_no_follow(both: tuple[DjangoClient, Client]) -> None:
    same(both, lambda d: d.get("/hop/1/"), lambda c: c.get("/hop/1/"))


@pytest.mark.parametrize(
    ("start", "method"),
    [("/see-other/", "GET"), ("/moved/", "GET"), ("/temporary/", "POST"), ("/permanent/", "POST")],
)
def test_follow_post(both: tuple[DjangoClient, Client], start: str, method: str) -> None:
    data = {"a": "1", "b": "two"}
    status, chain, body = same(
        both,
        lambda d: d.post(start, data, follow=True),
        lambda c: c.post(start, data, follow=True),
    )
    assert status == 200 and len(chain) == 1
    assert body.startswith(method)


def test_follow_to_an_error_page(both: tuple[DjangoClient, Client]) -> None:
    same(
        both,
        lambda d: d.get("/missing-after/", follow=True),
        lambda c: c.get("/missing-after/", follow=True, expect_errors=True),
    )


def test_redirect_loop_fails_on_both(both: tuple[DjangoClient, Client]) -> None:
    with pytest.raises(RedirectCycleError):
        both[0].get("/loop/", follow=True)
    with pytest.raises(AssertionError, match="redirect loop"):
        both[1].get("/loop/", follow=True)


def test_cookies_carry_over(both: tuple[DjangoClient, Client]) -> None:
    same(both, lambda d: d.get("/read-cookie/"), lambda c: c.get("/read-cookie/"))
    same(both, lambda d: d.get("/set-cookie/"), lambda c: c.get("/set-cookie/"))
    _, _, body = same(both, lambda d: d.get("/read-cookie/"), lambda c: c.get("/read-cookie/"))
    assert body == "chocolate"


def test_csrf_form_field_is_sent_with_the_form(guarded: tuple[DjangoClient, Client]) -> None:
    django_client, client = guarded
    page = django_client.get("/form/")
    token = page.cookies["csrftoken"].value
    expected = outcome(django_client.post("/form/", {"name": "x", "csrfmiddlewaretoken": token}))
    got = outcome(client.submit_form("/form/", {"name": "x"}))
    assert got == expected == (200, [], "saved x")


def test_post_without_token_is_refused_on_both(guarded: tuple[DjangoClient, Client]) -> None:
    django_client, client = guarded
    django_client.get("/form/")
    client.get("/form/")
    expected = django_client.post("/form/", {"name": "x"}).status_code
    assert client.post("/form/", {"name": "x"}, status=403).status_int == expected == 403


def test_csrf_header_from_the_cookie_is_accepted(guarded: tuple[DjangoClient, Client]) -> None:
    django_client, client = guarded
    django_client.get("/form/")
    token = django_client.cookies["csrftoken"].value
    expected = outcome(django_client.post("/form/", {"name": "h"}, headers={"X-CSRFToken": token}))
    client.get("/form/")
    got = outcome(client.post("/form/", {"name": "h"}, headers=client.csrf_headers()))
    assert got == expected == (200, [], "saved h")
    # send_csrf=True does the same on its own; the page's token is the one sent.
    auto = Client(client.app, send_csrf=True)
    auto.get("/form/")
    assert auto.post("/form/", {"name": "auto"}).text == "saved auto"
